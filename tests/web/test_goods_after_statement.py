"""Goods handed out in kind after a household's annual statement was issued stay off that
statement — its PDF, the figures embedded in it and its verification are as issued — and appear on
a statement issued after them."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.builders import approved_and_posted, closed_year, review_and_post, text_of
from tests.conftest import Books
from tests.web.test_donation_statements import _figures, _goods


def _december_goods(books: Books) -> None:
    """Rice received on 20 December and a sack handed to each of households 1 and 2, posted."""
    base = "/api/v1/orgs/coop/donations"
    made = books.post(
        "acc",
        base,
        {
            "donor": "某某粮油公司",
            "date": "2025-12-20",
            "basis": "donor_invoice",
            "items": [{"name": "大米", "unit": "袋", "quantity": "10", "value": "800.00"}],
        },
    )
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["voucher"])
    item = made.json["items"][0]["id"]
    out = books.post(
        "acc",
        f"{base}/handouts",
        {
            "date": "2025-12-20",
            "lines": [
                {"item": item, "member": "1", "quantity": "1"},
                {"item": item, "member": "2", "quantity": "1"},
            ],
        },
    )
    assert out.status_code == 201, out.json
    review_and_post(books, out.json["voucher"])


def test_goods_handed_out_after_the_statement_was_issued_stay_off_it(
    books: Books, signed_in: Any
) -> None:
    _goods(books, "coop", "1", "2025-03-10")
    closed_year(books, step="carry")  # December 2025 stays open: goods may still go out in it
    approved_and_posted(books, guarantee={"fixed": "8000.00"})
    hh = signed_in("hh1")
    issued = hh.get("/me/coop/statements/2025.pdf")
    assert issued.status_code == 200
    figures = _figures(issued.data)
    assert [g["item"] for g in figures["in_kind"]] == ["棉被"]
    assert figures["in_kind_value"] == "225.00"
    digest = hashlib.sha256(issued.data).hexdigest()

    _december_goods(books)

    again = hh.get("/me/coop/statements/2025.pdf")
    assert again.status_code == 200
    assert hashlib.sha256(again.data).hexdigest() == digest  # the same paper, byte for byte
    assert _figures(again.data) == figures
    assert "大米" not in text_of(again.data)
    check = books.client.get(
        f"/verify/{figures['verification_code']}?format=json&sha256={digest}"
    ).json
    assert check["verdict"] == "matches_issued", check
    by_code = books.client.get(f"/verify/{figures['verification_code']}?format=json").json
    assert by_code["verdict"] == "matches_issued", by_code

    # household 2's statement, first issued after the rice went out, lists its sack
    later = books.get("acc", "/api/v1/orgs/coop/members/2/statements/2025.pdf")
    assert later.status_code == 200
    later_figures = _figures(later.data)
    assert [
        (g["item"], g["quantity"], g["value"], g["date"]) for g in later_figures["in_kind"]
    ] == [("大米", "1", "80.00", "2025-12-20")]
    assert later_figures["in_kind_value"] == "80.00"
    assert "大米" in text_of(later.data)
    assert later_figures["verification_code"] != figures["verification_code"]

"""``/verify/{code}`` tells a household's genuine file from an altered one and from changed books."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.builders import PLANS, approved_and_posted, closed_year, review_and_post, text_of
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"


def _paid(books: Books) -> int:
    """A posted plan with 5,000.00 paid to household 1; the payment voucher's id."""
    closed_year(books)
    plan = approved_and_posted(books, guarantee={"fixed": "8000.00"})
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "1", "amount": "5000.00", "date": "2026-02-01", "method": "bank"},
    )
    voucher_id = int(paid.json["vouchers"][0]["id"])
    review_and_post(books, voucher_id)
    return voucher_id


def _downloaded(signed_in: Any) -> tuple[bytes, str]:
    response = signed_in("hh1").get("/me/statements/2025.pdf")
    assert response.status_code == 200
    return response.data, text_of(response.data).split("核验码")[1][:16]


def test_a_file_downloaded_from_the_portal_verifies_green(books: Books, signed_in: Any) -> None:
    _paid(books)
    document, code = _downloaded(signed_in)
    digest = hashlib.sha256(document).hexdigest()
    checked = books.client.get(f"/verify/{code}?format=json&sha256={digest}").json
    assert checked["verdict"] == "matches_issued" and checked["genuine"] is True
    assert [d["sha256"] for d in checked["documents"]] == [digest]
    page = books.client.get(f"/verify/{code}?sha256={digest}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "这份文件正是本社开具的" in html
    assert 'data-verdict="matches_issued"' in html and "北京时间" in html
    # downloading the same file again records nothing new
    again, _ = _downloaded(signed_in)
    assert again == document
    assert len(books.client.get(f"/verify/{code}?format=json").json["documents"]) == 1
    english = books.client.get(f"/verify/{code}?sha256={digest}&lang=en").get_data(as_text=True)
    assert "this very file was issued by the cooperative" in english and "Beijing time" in english


def test_the_issue_time_is_shown_in_beijing_time(books: Books, signed_in: Any) -> None:
    _paid(books)
    _, code = _downloaded(signed_in)
    issued = books.client.get(f"/verify/{code}?format=json").json["issued_at"]
    from datetime import datetime, timedelta

    beijing = (datetime.fromisoformat(issued) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert beijing in books.client.get(f"/verify/{code}").get_data(as_text=True)


def test_one_byte_altered_verifies_amber(books: Books, signed_in: Any) -> None:
    _paid(books)
    document, code = _downloaded(signed_in)
    altered = document[:-10] + bytes([document[-10] ^ 1]) + document[-9:]
    digest = hashlib.sha256(altered).hexdigest()
    checked = books.client.get(f"/verify/{code}?format=json&sha256={digest}").json
    assert checked["verdict"] == "matches_not_issued" and checked["genuine"] is False
    html = books.client.get(f"/verify/{code}?sha256={digest}").get_data(as_text=True)
    assert 'data-verdict="matches_not_issued"' in html and "请向村委会或合作社核实" in html
    assert "已与账簿不一致" not in html


def test_a_reversed_payment_shows_the_books_changed(books: Books, signed_in: Any) -> None:
    voucher_id = _paid(books)
    document, code = _downloaded(signed_in)
    red = books.post("acc", f"{ORG}/vouchers/{voucher_id}/reverse", {"date": "2026-02-15"})
    assert red.status_code == 201
    digest = hashlib.sha256(document).hexdigest()
    # a draft reversal changes nothing yet
    assert books.client.get(f"/verify/{code}?format=json").json["verdict"] == "matches_issued"
    review_and_post(books, red.json["id"])
    checked = books.client.get(f"/verify/{code}?format=json&sha256={digest}").json
    assert checked["verdict"] == "books_changed" and checked["genuine"] is False
    assert [r["reversed_on"] for r in checked["reversals"]] == ["2026-02-15"]
    html = books.client.get(f"/verify/{code}?sha256={digest}").get_data(as_text=True)
    assert 'data-verdict="books_changed"' in html and "被红字凭证" in html
    assert "2026-02-15" in html


def test_an_unknown_code_answers_a_page_or_json(books: Books) -> None:
    page = books.client.get("/verify/NOSUCHCODE0000", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "没有以此核验码开具的明细" in html and 'class="top"' in html  # the layout
    english = books.client.get("/verify/NOSUCHCODE0000?lang=en").get_data(as_text=True)
    assert "No statement was issued with this verification code" in english
    data = books.client.get("/verify/NOSUCHCODE0000?format=json")
    assert data.status_code == 404 and data.json["verdict"] == "unknown"
    assert data.json["code"] == "not_found"


# -- the box to type a code into ---------------------------------------------------------------


def test_the_verification_box_takes_a_code_as_people_type_it(books: Books) -> None:
    page = books.client.get("/verify/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="verify-code"' in html and 'id="verify-file"' in html
    assert "文件不会上传" in html  # the reader is told the file stays with them
    typed = books.client.get("/verify/?code=3f2a 9c0b-7d14 e865")
    assert typed.status_code == 303 and typed.headers["Location"] == "/verify/3F2A9C0B7D14E865"
    digest = hashlib.sha256(b"a statement").hexdigest()
    with_file = books.client.get(f"/verify/?code=3F2A9C0B7D14E865&sha256={digest}")
    assert with_file.headers["Location"] == f"/verify/3F2A9C0B7D14E865?sha256={digest}"
    assert books.client.get("/verify").status_code in (301, 308)  # to the box


def test_a_code_that_cannot_be_one_is_refused_in_words(books: Books) -> None:
    refused = books.client.get("/verify/?code=<script>")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "核验码只含数字和字母" in html and "<script>" not in html
    english = books.client.get("/verify/?code=%25%25&lang=en").get_data(as_text=True)
    assert "only digits and letters" in english


def test_a_found_statement_offers_to_check_the_file_in_hand(books: Books, signed_in: Any) -> None:
    _paid(books)
    _document, code = _downloaded(signed_in)
    html = books.client.get(f"/verify/{code}").get_data(as_text=True)
    assert 'id="verify-file"' in html and f'name="code" value="{code}"' in html

"""Disposing of a fixed asset (固定资产清理): one voucher takes it off the books, the proceeds come
in, the difference is a gain or a loss, and the register and the ledger still agree."""

from __future__ import annotations

from tests.builders import ORG, cold_store, receive_grant, review_and_post
from tests.conftest import Books

DISPOSE = f"{ORG}/assets/GB-01/dispose"


def held_three_months(books: Books) -> None:
    """The 250,000 cold store, charged 2,000 a month for April, May and June, all posted."""
    receive_grant(books)
    made = books.post("acc", f"{ORG}/assets", cold_store()).json
    review_and_post(books, made["vouchers"]["acquisition"])
    for v in books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"}).json["vouchers"]:
        review_and_post(books, v["id"])


def lines_of(books: Books, voucher_id: int) -> list[tuple[str, str | None, str | None]]:
    voucher = books.get("acc", f"{ORG}/vouchers/{voucher_id}").json
    return [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]]


def test_a_sale_below_net_value_books_a_loss_and_the_asset_leaves_the_books(books: Books) -> None:
    held_three_months(books)
    response = books.post("acc", DISPOSE, {"date": "2026-06-20", "proceeds": "240000.00"})
    assert response.status_code == 200, response.json
    card = response.json
    assert card["disposed_on"] == "2026-06-20"
    voucher_id = card["vouchers"]["disposal"]
    assert lines_of(books, voucher_id) == [
        ("154", "244000.00", None),  # net value into 固定资产清理
        ("152", "6000.00", None),
        ("151", None, "250000.00"),
        ("102", "240000.00", None),  # what it fetched
        ("154", None, "240000.00"),
        ("529", "4000.00", None),  # the loss: 其他支出
        ("154", None, "4000.00"),
    ]
    review_and_post(books, voucher_id)
    register = books.get("aud", f"{ORG}/reports/asset-register").json
    assert register["ties"] is True and register["totals"]["count"] == 0
    assert register["ledger"] == {"fixed_assets": "0.00", "accumulated_depreciation": "0.00"}
    assert [a["disposed_on"] for a in register["assets"]] == ["2026-06-20"]
    clearing = books.get("aud", f"{ORG}/ledger?account=154&from=2026-01-01&to=2026-12-31").json
    assert clearing["closing"] == "0.00"
    # the 专项基金 the fund formed stays: it is never released to income
    assert books.get("aud", f"{ORG}/funds/muni-2026").json["special_fund"] == "200000.00"


def test_a_sale_above_net_value_books_a_gain(books: Books) -> None:
    held_three_months(books)
    card = books.post("acc", DISPOSE, {"date": "2026-06-30", "proceeds": "250000.00"}).json
    assert lines_of(books, card["vouchers"]["disposal"])[-2:] == [
        ("154", "6000.00", None),
        ("502", None, "6000.00"),  # the gain: 其他收入
    ]
    again = books.post("acc", DISPOSE, {"date": "2026-07-01"})
    assert (
        again.status_code == 422 and "disposed of on 2026-06-30" in again.json["errors"]["date"][0]
    )


def test_an_unposted_disposal_shows_as_a_difference_in_the_register(books: Books) -> None:
    held_three_months(books)
    books.post("acc", DISPOSE, {"date": "2026-06-20"})
    register = books.get("aud", f"{ORG}/reports/asset-register").json
    assert register["ties"] is False and register["ledger"]["fixed_assets"] == "250000.00"


def test_disposal_waits_for_posted_depreciation_and_happens_once(books: Books) -> None:
    receive_grant(books)
    made = books.post("acc", f"{ORG}/assets", cold_store()).json
    review_and_post(books, made["vouchers"]["acquisition"])
    books.post("acc", f"{ORG}/depreciation", {"through": "2026-05"})
    waiting = books.post("acc", DISPOSE, {"date": "2026-05-31"})
    assert (
        waiting.status_code == 422 and "depreciation vouchers" in waiting.json["errors"]["date"][0]
    )
    negative = books.post("acc", DISPOSE, {"date": "2026-05-31", "proceeds": "-1.00"})
    assert negative.status_code == 422 and "proceeds" in negative.json["errors"]
    assert books.post("aud", DISPOSE, {"date": "2026-05-31"}).status_code == 403


def test_no_disposal_into_a_closed_month(books: Books) -> None:
    held_three_months(books)
    for month in range(1, 7):
        closed = books.post("acc", f"{ORG}/periods/2026-{month:02d}/close")
        assert closed.status_code == 200, closed.json
    refused = books.post("acc", DISPOSE, {"date": "2026-06-20", "proceeds": "240000.00"})
    assert refused.status_code == 409 and refused.json["code"] == "period_closed"
    card = books.get("aud", f"{ORG}/assets/GB-01").json
    assert card["disposed_on"] is None and card["vouchers"]["disposal"] is None
    # the first open month takes it
    moved = books.post("acc", DISPOSE, {"date": "2026-07-01", "proceeds": "240000.00"})
    assert moved.status_code == 200 and moved.json["disposed_on"] == "2026-07-01"

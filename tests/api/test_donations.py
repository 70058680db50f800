"""Donations in kind over HTTP: goods received from a donor, the stock, hand-outs to households
tying in quantity and value to the fen, and the refusals that write nothing."""

from __future__ import annotations

from typing import Any

from tests.builders import review_and_post
from tests.conftest import Books, count_rows

VILLAGE = "/api/v1/orgs/village"

COAL = {"name": "冬季用煤", "unit": "吨", "quantity": "3", "value": "1000.00"}
OIL = {"name": "食用油", "unit": "千克", "quantity": "50", "value": "600.00"}


def receive(books: Books, org: str = VILLAGE, **over: Any) -> Any:
    body = {
        "donor": "济南某热力公司",
        "date": "2026-01-05",
        "basis": "donor_invoice",
        "evidence": "捐赠清单及发票 No. 00123",
        "items": [COAL, OIL],
        **over,
    }
    return books.post("acc", f"{org}/donations", body)


def hand_out(books: Books, lines: list[dict[str, Any]], day: str = "2026-01-10") -> Any:
    return books.post("acc", f"{VILLAGE}/donations/handouts", {"date": day, "lines": lines})


def _items(books: Books) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in books.get("aud", f"{VILLAGE}/donations/stock").json["items"]}


def test_goods_received_are_booked_into_stock_and_the_village_fund(books: Books) -> None:
    made = receive(books)
    assert made.status_code == 201, made.json
    voucher = books.get("acc", f"{VILLAGE}/vouchers/{made.json['voucher']}").json
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]] == [
        ("121", "1000.00", None),
        ("121", "600.00", None),
        ("311", None, "1600.00"),
    ]
    assert voucher["lines"][0]["quantity"] == "3" and voucher["lines"][0]["unit"] == "吨"
    stock = _items(books)
    assert (
        stock["冬季用煤"]["left_quantity"] == "3" and stock["冬季用煤"]["left_value"] == "1000.00"
    )
    listed = books.get("aud", f"{VILLAGE}/donations").json["items"]
    assert [(d["donor"], d["basis"], d["value"]) for d in listed] == [
        ("济南某热力公司", "donor_invoice", "1600.00")
    ]


def test_quantities_and_values_tie_from_the_donor_to_the_households(books: Books) -> None:
    receive(books)
    coal = _items(books)["冬季用煤"]["id"]
    # thirds of 1000.00: 333.33, then the stock left, then all that is left
    first = hand_out(books, [{"item": coal, "member": "1", "quantity": "1", "signed": True}])
    assert first.status_code == 201, first.json
    assert [h["value"] for h in first.json["items"]] == ["333.33"]
    second = hand_out(
        books,
        [
            {"item": coal, "member": "2", "quantity": "1.5", "received_by": "李建国之妻"},
            {"item": coal, "member": "1", "quantity": "0.5"},
        ],
        day="2026-01-12",
    )
    assert second.status_code == 201, second.json
    values = [h["value"] for h in second.json["items"]]
    assert values == ["500.00", "166.67"]
    voucher = books.get("acc", f"{VILLAGE}/vouchers/{second.json['voucher']}").json
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]] == [
        ("514", "666.67", None),
        ("121", None, "666.67"),
    ]
    coal_left = _items(books)["冬季用煤"]
    assert (coal_left["left_quantity"], coal_left["left_value"]) == ("0", "0.00")
    rows = books.get("aud", f"{VILLAGE}/donations/handouts").json["items"]
    fen = sum(int(h["value"].replace(".", "")) for h in rows if h["item"] == coal)
    assert fen == 100_000  # the donor's 1000.00, to the fen
    assert sum(float(h["quantity"]) for h in rows) == 3
    assert rows[1]["received_by"] == "李建国之妻" and rows[0]["signed"] is True
    review_and_post(books, voucher["id"], "village")


def test_more_than_in_stock_is_409_naming_the_item_and_writes_nothing(
    books: Books, connection: Any
) -> None:
    receive(books)
    oil = _items(books)["食用油"]["id"]
    before = count_rows(connection)
    refused = hand_out(
        books,
        [
            {"item": oil, "member": "1", "quantity": "30"},
            {"item": oil, "member": "2", "quantity": "30"},
        ],
    )
    assert refused.status_code == 409 and refused.json["code"] == "out_of_stock"
    assert "食用油" in refused.json["detail"] and "50 千克 in stock" in refused.json["detail"]
    assert count_rows(connection) == before
    assert books.get("aud", f"{VILLAGE}/donations/handouts").json["items"] == []


def test_a_household_not_a_member_on_the_day_is_422_naming_it(books: Books) -> None:
    receive(books)
    oil = _items(books)["食用油"]["id"]
    stranger = hand_out(books, [{"item": oil, "member": "99", "quantity": "5"}])
    assert stranger.status_code == 422 and stranger.json["code"] == "not_a_member"
    assert "member 99" in stranger.json["detail"]
    assert "lines.0.member" in stranger.json["errors"]
    left = books.post("acc", f"{VILLAGE}/members/2/leave", {"date": "2026-01-08"})
    assert left.status_code == 200, left.json
    gone = hand_out(books, [{"item": oil, "member": "2", "quantity": "5"}])
    assert gone.status_code == 422 and "left on 2026-01-08" in gone.json["detail"]
    assert _items(books)["食用油"]["left_quantity"] == "50"


def test_a_closed_month_is_409_period_closed(books: Books) -> None:
    made = receive(books, date="2025-12-20")
    review_and_post(books, made.json["voucher"], "village")
    assert books.post("acc", f"{VILLAGE}/periods/2025-12/close").status_code == 200
    oil = _items(books)["食用油"]["id"]
    refused = hand_out(books, [{"item": oil, "member": "1", "quantity": "5"}], day="2025-12-28")
    assert refused.status_code == 409 and refused.json["code"] == "period_closed"


def test_a_cooperative_books_goods_to_its_special_fund_and_hands_out_to_other_expenses(
    books: Books,
) -> None:
    made = receive(books, org="/api/v1/orgs/coop", items=[OIL])
    lines = books.get("acc", f"/api/v1/orgs/coop/vouchers/{made.json['voucher']}").json["lines"]
    assert [(ln["account"], ln["credit"]) for ln in lines] == [("121", None), ("311", "600.00")]
    oil = books.get("aud", "/api/v1/orgs/coop/donations/stock").json["items"][0]["id"]
    given = books.post(
        "acc",
        "/api/v1/orgs/coop/donations/handouts",
        {"date": "2026-01-06", "lines": [{"item": oil, "member": "1", "quantity": "50"}]},
    )
    assert given.status_code == 201, given.json
    # another organization's item is not there
    assert hand_out(books, [{"item": oil, "member": "1", "quantity": "1"}]).status_code == 422


def test_bad_input_and_roles(books: Books) -> None:
    nominal = receive(books, basis="nominal", items=[COAL])
    assert nominal.status_code == 422 and "items.0.value" in nominal.json["errors"]
    assert receive(books, items=[{**COAL, "quantity": "0"}]).status_code == 422
    assert receive(books, items=[{**COAL, "quantity": 3}]).status_code == 422
    assert books.post("aud", f"{VILLAGE}/donations", {}).status_code in (403, 422)
    made = books.post(
        "rev",
        f"{VILLAGE}/donations",
        {"donor": "x", "date": "2026-01-05", "basis": "market_price", "items": [COAL]},
    )
    assert made.status_code == 403


def test_the_hand_out_list_prints_for_signatures(books: Books) -> None:
    receive(books)
    coal = _items(books)["冬季用煤"]["id"]
    given = hand_out(books, [{"item": coal, "member": "1", "quantity": "1"}])
    pdf = books.get(
        "aud", f"{VILLAGE}/donations/handouts?format=pdf&voucher={given.json['voucher']}"
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from tests.builders import text_of

    text = text_of(pdf.data)
    assert "受赠物资发放签收表" in text and "王秀英" in text and "冬季用煤" in text
    assert books.get("aud", f"{VILLAGE}/donations/handouts?voucher=999999").status_code == 404

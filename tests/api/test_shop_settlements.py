"""An online shop's platform settlements over the API: a file imported and booked month by month
(a refund reduces income in its own month), the settlement account reconciled to the fen, the
same file refused the second time, a wrong row named, and who may see or import."""

from __future__ import annotations

import io
from typing import Any

from tests.builders import review_and_post
from tests.conftest import Books

SHOP = "/api/v1/orgs/coop/shop-settlements"
# January: two orders, their fees, a payout. February: the second January order refunded, a new
# order, its fee, a payout; the platform's balance after the last line given.
JAN_FEB = (
    "date,type,order,amount,memo,balance\n"
    "2025-01-05,order,TB1001,1280.00,锡壶 大号,\n"
    "2025-01-05,fee,TB1001,-12.80,技术服务费,\n"
    "2025-01-12,order,TB1002,980.00,锡壶 茶叶罐,\n"
    "2025-01-12,fee,TB1002,-9.80,技术服务费,\n"
    "2025-01-25,payout,,-1500.00,提现到农商银行,\n"
    "2025-02-02,refund,TB1002,-980.00,买家退货退款,\n"
    "2025-02-03,order,TB1003,1300.00,锡壶 手工錾花,\n"
    "2025-02-03,fee,TB1003,13.00,技术服务费,\n"
    "2025-02-26,payout,,-500.00,提现到农商银行,544.40\n"
)


def upload(books: Books, csv: str, name: str = "taobao-2025-01.csv", **kw: Any) -> Any:
    data = csv.encode("utf-8")
    if kw.pop("bom", False):
        data = b"\xef\xbb\xbf" + data
    query = "&".join(f"{k}={v}" for k, v in kw.items() if k != "user")
    return books.post(
        kw.get("user", "acc"),
        f"{SHOP}/imports{'?' + query if query else ''}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def lines_of(books: Books, voucher_id: int) -> list[tuple[str, str, str]]:
    got = books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher_id}").json
    return [
        (ln["account"], "debit" if ln.get("debit") else "credit", ln.get("debit") or ln["credit"])
        for ln in got["lines"]
    ]


def months(books: Books, user: str = "acc") -> dict[str, dict[str, Any]]:
    got = books.get(user, SHOP)
    assert got.status_code == 200, got.json
    return {m["month"]: m for m in got.json["months"]}


def test_a_refund_reduces_income_in_its_month_and_the_months_reconcile_to_the_fen(
    books: Books,
) -> None:
    made = upload(books, JAN_FEB, bom=True)
    assert made.status_code == 201, made.json
    assert made.json["account"] == "10901" and made.json["lines"] == 9  # under 109 其他货币资金
    jan, feb = made.json["vouchers"]
    assert lines_of(books, jan) == [
        ("10901", "debit", "2260.00"),
        ("501", "credit", "2260.00"),
        ("521", "debit", "22.60"),
        ("10901", "credit", "22.60"),
        ("102", "debit", "1500.00"),
        ("10901", "credit", "1500.00"),
    ]
    february = lines_of(books, feb)
    assert ("501", "credit", "1300.00") in february
    assert ("501", "debit", "980.00") in february  # the January order refunded in February
    assert ("10901", "credit", "980.00") in february
    before = months(books)
    assert not before["2025-01"]["reconciled"] and before["2025-01"]["drafts"] == 1
    review_and_post(books, jan)
    review_and_post(books, feb)
    after = months(books)
    assert after["2025-01"] == {
        "account": "10901",
        "month": "2025-01",
        "orders": "2260.00",
        "fees": "22.60",
        "refunds": "0.00",
        "payouts": "1500.00",
        "platform_closing_balance": "737.40",
        "book_closing_balance": "737.40",
        "difference": "0.00",
        "drafts": 0,
        "reconciled": True,
    }
    assert after["2025-02"]["refunds"] == "980.00"
    assert after["2025-02"]["platform_closing_balance"] == "544.40"
    assert after["2025-02"]["reconciled"]
    # March: the platform says one fen more than its lines make
    march = "date,type,order,amount,memo,balance\n2025-03-10,order,TB1004,999.99,锡壶,1544.40\n"
    made = upload(books, march, name="taobao-2025-03.csv")
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["vouchers"][0])
    listed = books.get("acc", SHOP).json
    assert [d["month"] for d in listed["differences"]] == ["2025-03"]
    assert listed["differences"][0]["difference"] == "-0.01"
    assert listed["differences"][0]["book_closing_balance"] == "1544.39"


def test_the_same_file_twice_is_refused_naming_it_and_nothing_is_booked_twice(
    books: Books,
) -> None:
    assert upload(books, JAN_FEB).status_code == 201
    again = upload(books, JAN_FEB, name="again.csv")
    assert again.status_code == 409, again.json
    assert again.json["code"] == "settlement_file_imported"
    assert "again.csv" in again.json["detail"] and "taobao-2025-01.csv" in again.json["detail"]
    # the same lines in another file (one line more) are refused too, the row named
    overlapping = JAN_FEB + "2025-02-27,order,TB1005,100.00,锡壶,\n"
    refused = upload(books, overlapping, name="feb-again.csv")
    assert refused.status_code == 409 and refused.json["code"] == "settlement_line_imported"
    assert "row 2" in refused.json["detail"]
    assert len(books.get("acc", SHOP).json["items"]) == 1


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(books: Books) -> None:
    bad = (
        "date,type,order,amount,memo\n2025-01-05,order,TB1,100.00,锡壶\n2025-01-06,fee,TB1,abc,费\n"
    )
    refused = upload(books, bad)
    assert refused.status_code == 422, refused.json
    assert "rows.3.amount" in refused.json["errors"]
    kind = upload(books, "date,type,order,amount\n2025-01-05,gift,TB1,1.00\n")
    assert kind.status_code == 422 and "rows.2.type" in kind.json["errors"]
    assert books.get("acc", SHOP).json["items"] == []


def test_another_orgs_settlements_are_not_found_and_an_auditor_may_not_import(
    books: Books,
) -> None:
    assert books.get("other-acc", SHOP).status_code == 404
    assert upload(books, JAN_FEB, user="other-acc").status_code == 404
    assert upload(books, JAN_FEB, user="aud").status_code == 403
    assert books.get("aud", SHOP).status_code == 200


def test_a_village_books_the_shop_on_a_102_sub_account(books: Books) -> None:
    base = "/api/v1/orgs/village"
    for code, name in (("10201", "农商银行"), ("10202", "淘宝网店")):
        made = books.post("acc", f"{base}/accounts", {"code": code, "name": name, "parent": "102"})
        assert made.status_code == 201, made.json
    got = books.post(
        "acc",
        f"{base}/shop-settlements/imports",
        data={"file": (io.BytesIO(JAN_FEB.encode()), "v.csv")},
        content_type="multipart/form-data",
    )
    assert got.status_code == 201, got.json
    assert got.json["account"] == "10202"  # named for the platform, under 102: no 109 here
    voucher = books.get("acc", f"{base}/vouchers/{got.json['vouchers'][0]}").json
    assert {"account": "10201", "debit": "1500.00"}.items() <= voucher["lines"][4].items()

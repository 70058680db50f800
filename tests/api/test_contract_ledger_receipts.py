"""A contract's fees paid by an ordinary voucher, not through the contract's receipt form: the
posted credit on the party's receivable (the member's 内部往来, or 应收款 naming the party) counts
against its open instalments, oldest first, so the arrears and their finding agree with the
ledger."""

from __future__ import annotations

from typing import Any

from tests.api.test_contracts import VILLAGE, contract, findings
from tests.builders import review_and_post
from tests.conftest import Books


def overdue(books: Books, contract_no: str, on: str = "2026-06-30") -> Any:
    found = books.get("aud", f"{VILLAGE}/contracts/{contract_no}", query_string={"on": on})
    assert found.status_code == 200, found.json
    return found.json


def test_a_member_paying_by_an_ordinary_voucher_lowers_the_arrears(books: Books) -> None:
    assert contract(books).status_code == 201  # member 1, 3000.00 due 2026-01-15
    charged = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-01"}).json
    review_and_post(books, charged["voucher"], "village")
    assert overdue(books, "CB-2026-01")["overdue"] == "3000.00"
    lines = [
        {"account": "102", "debit": "1200.00"},
        {"account": "113", "credit": "1200.00", "member": "1"},
    ]
    draft = books.voucher(org="village", date="2026-04-02", lines=lines, memo="王秀英交来款项")
    assert overdue(books, "CB-2026-01")["overdue"] == "3000.00"  # a draft is not money received
    base = f"{VILLAGE}/vouchers/{draft['id']}"
    assert books.post("rev", f"{base}/review").status_code == 200
    assert books.post("acc", f"{base}/post").status_code == 200
    row = overdue(books, "CB-2026-01")
    assert row["overdue"] == "1800.00" and row["overdue_since"] == "2026-01-15"
    assert row["receipts"] == [{"date": "2026-04-02", "amount": "1200.00", "voucher": draft["id"]}]
    assert overdue(books, "CB-2026-01", on="2026-04-01")["overdue"] == "3000.00"
    (finding,) = findings(books, "contract_in_arrears")
    assert "1800.00" in finding["message"]
    arrears = books.get("aud", f"{VILLAGE}/contracts/arrears", query_string={"on": "2026-06-30"})
    assert arrears.json["totals"]["overdue"] == "1800.00"
    # the receipt form no longer takes more than the ledger still shows owed
    more = books.post(
        "acc",
        f"{VILLAGE}/contracts/CB-2026-01/receipts",
        {"date": "2026-04-10", "amount": "2000.00", "via": "cash"},
    )
    assert more.status_code == 409 and more.json["code"] == "contract_overpaid"
    rest = books.post(
        "acc",
        f"{VILLAGE}/contracts/CB-2026-01/receipts",
        {"date": "2026-04-10", "amount": "1800.00", "via": "cash"},
    )
    assert rest.status_code == 201 and rest.json["overdue"] == "0.00"
    assert findings(books, "contract_in_arrears") == []


def test_only_the_party_s_own_receivable_counts_and_its_older_debts_are_paid_first(
    books: Books,
) -> None:
    assert contract(books).status_code == 201
    outside = contract(
        books,
        contract_no="CB-2026-02",
        member=None,
        party="鲁东果品有限公司",
        subject="北坡果园",
        area="30",
        instalments=[
            {"due_on": "2026-03-01", "amount": "5000.00"},
            {"due_on": "2026-09-01", "amount": "5000.00"},
        ],
        yearly=None,
    )
    assert outside.status_code == 201, outside.json
    charged = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-09-30"}).json
    review_and_post(books, charged["voucher"], "village")
    assert overdue(books, "CB-2026-02", on="2026-09-30")["overdue"] == "10000.00"
    books.posted(
        org="village",
        date="2026-05-06",
        lines=[
            {"account": "102", "debit": "6000.00"},
            {"account": "112", "credit": "6000.00"},
        ],
        memo="收鲁东果品有限公司款",
    )
    books.posted(  # another member's money, and a receivable naming nobody
        org="village",
        date="2026-05-07",
        lines=[
            {"account": "101", "debit": "700.00"},
            {"account": "113", "credit": "400.00", "member": "2"},
            {"account": "112", "credit": "300.00"},
        ],
        memo="收回借款",
    )
    row = overdue(books, "CB-2026-02", on="2026-09-30")
    assert row["overdue"] == "4000.00" and row["overdue_since"] == "2026-09-01"
    assert overdue(books, "CB-2026-01", on="2026-09-30")["overdue"] == "3000.00"
    books.posted(  # the member owed something else before the fee fell due…
        org="village",
        date="2026-01-05",
        lines=[
            {"account": "113", "debit": "500.00", "member": "1"},
            {"account": "501", "credit": "500.00"},
        ],
        memo="应收机动地发包费",
    )
    books.posted(  # …so what it pays clears that first, oldest first
        org="village",
        date="2026-05-08",
        lines=[
            {"account": "101", "debit": "3200.00"},
            {"account": "113", "credit": "3200.00", "member": "1"},
        ],
        memo="王秀英交款",
    )
    member = overdue(books, "CB-2026-01", on="2026-09-30")
    assert member["overdue"] == "300.00" and member["received"] == "2700.00"
    books.posted(  # paying more than is owed pays nothing the contract does not owe
        org="village",
        date="2026-05-20",
        lines=[
            {"account": "101", "debit": "1000.00"},
            {"account": "113", "credit": "1000.00", "member": "1"},
        ],
        memo="王秀英交款",
    )
    member = overdue(books, "CB-2026-01", on="2026-09-30")
    assert member["overdue"] == "0.00" and member["received"] == "3000.00"

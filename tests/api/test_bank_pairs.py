"""Matches by hand of one line to several over the API: a deposit of two receipts, fees the bank
charged one by one against one voucher; refusals name the field or both totals."""

from __future__ import annotations

from tests.api.test_bank import BANK, _voucher, upload
from tests.builders import post_ok
from tests.conftest import Books


def test_one_statement_line_with_two_of_the_books_and_the_reverse(books: Books) -> None:
    post_ok(books, _voucher("2026-02-20", [100_000_00], "301"))
    post_ok(books, _voucher("2026-03-05", [300_00, 200_00], "501"))
    post_ok(books, _voucher("2026-03-15", [-80_00], "501"))
    upload(
        books,
        "date,amount,reference\n"
        "2026-03-07,500.00,DEP1\n"
        "2026-03-15,-50.00,FEE1\n"
        "2026-03-16,-30.00,FEE2\n",
    )
    r = books.get("acc", f"{BANK}/2026-03").json["reconciliation"]
    bank = {b["reference"]: b["id"] for b in r["bank_received"] + r["bank_paid"]}
    book = {k["amount"]: k["id"] for k in r["book_received"] + r["book_paid"]}
    pairs = f"{BANK}/2026-03/pairs"

    short = books.post("acc", pairs, {"lines": [bank["DEP1"]], "voucher_lines": [book["300.00"]]})
    assert short.status_code == 422 and short.json["code"] == "bank_amounts_differ"
    assert "500.00" in short.json["detail"] and "300.00" in short.json["detail"]
    both = books.post(
        "acc",
        pairs,
        {"lines": [bank["FEE1"], bank["FEE2"]], "voucher_lines": [book["300.00"], book["-80.00"]]},
    )
    assert both.status_code == 422 and both.json["code"] == "bank_pair_shape"
    empty = books.post("acc", pairs, {"lines": [], "voucher_lines": [book["300.00"]]})
    assert empty.status_code == 422 and "lines" in empty.json["errors"]
    assert books.post("cash", pairs, {"lines": [1], "voucher_lines": [1]}).status_code == 403

    deposit = {"lines": [bank["DEP1"]], "voucher_lines": [book["300.00"], book["200.00"]]}
    made = books.post("acc", pairs, deposit)
    assert made.status_code == 201, made.json
    assert made.json["amount"] == "500.00" and len(made.json["voucher_lines"]) == 2
    assert books.post("acc", pairs, deposit).status_code == 409
    fees = {"lines": [bank["FEE1"], bank["FEE2"]], "voucher_lines": [book["-80.00"]]}
    assert books.post("acc", pairs, fees).status_code == 201
    month = books.get("acc", f"{BANK}/2026-03").json
    r = month["reconciliation"]
    assert r["bank_received"] == r["bank_paid"] == r["book_received"] == r["book_paid"] == []
    assert r["balances"] is True and len(month["matched"]) == 4
    # undoing by any statement line of a match undoes all of it
    assert books.delete("acc", f"{BANK}/2026-03/matches/{bank['FEE2']}").status_code == 200
    r = books.get("acc", f"{BANK}/2026-03").json["reconciliation"]
    assert [b["reference"] for b in r["bank_paid"]] == ["FEE1", "FEE2"]
    assert [k["amount"] for k in r["book_paid"]] == ["-80.00"]

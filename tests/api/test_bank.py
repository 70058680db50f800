"""The bank reconciliation over the API: a month's statement imported, matched, reconciled."""

from __future__ import annotations

import io
from typing import Any

from tests.builders import ORG, post_ok
from tests.conftest import Books

BANK = f"{ORG}/bank/102"


def fen(amount: int) -> str:
    return f"{'-' if amount < 0 else ''}{abs(amount) // 100}.{abs(amount) % 100:02d}"


def upload(
    books: Books, csv: str, month: str = "2026-03", opening: str | None = "100000.00", **kw: Any
) -> Any:
    query = f"month={month}" + (f"&opening_balance={opening}" if opening is not None else "")
    return books.post(
        kw.get("user", "acc"),
        f"{kw.get('base', BANK)}/imports?{query}",
        data={"file": (io.BytesIO(csv.encode()), "march.csv")},
        content_type="multipart/form-data",
    )


def the_books(books: Books) -> list[tuple[int, int]]:
    """February's opening deposit, then 20 March vouchers of ten 102 lines (five in, five out, some
    amounts repeated; the last has seven) and one of three lines the bank has not seen by the month's end.
    The March 102 lines as (day, signed fen)."""
    post_ok(books, _voucher("2026-02-20", [100_000_00], "301"))
    lines: list[tuple[int, int]] = []
    for v in range(20):
        day = v + 1
        amounts = [(v * 10 + i) * 1_37 + 50_00 for i in range(5)]
        amounts += [-((v * 10 + i) * 91 + 20_00) for i in range(5)]
        if v % 4 == 0:
            amounts[1] = amounts[0]  # two deposits of the same amount on the same day
        if v == 19:
            amounts = amounts[:7]
        post_ok(books, _voucher(f"2026-03-{day:02d}", amounts, "501"))
        lines += [(day, a) for a in amounts]
    transit = [5_000_00, -1_200_50, -3_300_00]
    post_ok(books, _voucher("2026-03-31", transit, "501"))
    return lines + [(31, a) for a in transit]


def _voucher(day: str, amounts: list[int], other: str) -> dict[str, Any]:
    lines: list[dict[str, Any]] = [
        {"account": "102", "debit" if a > 0 else "credit": fen(abs(a))} for a in amounts
    ]
    rest = sum(amounts)
    line: dict[str, Any] = {"account": other, "credit" if rest > 0 else "debit": fen(abs(rest))}
    if other == "301":
        line["member"] = "1"
    return {"date": day, "memo": f"往来 {day}", "lines": [*lines, line]}


def statement(book: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The bank's March: each book line but the last three, up to two days later, with
    three of its own (interest, a transfer in, a fee); 200 lines."""
    rows = [(min(day + i % 3, 31), a, f"R{i}") for i, (day, a) in enumerate(book[:-3])]
    rows += [(21, 12_34, "利息"), (28, 888_88, "转账收入"), (31, -5_00, "手续费")]
    text = "date,amount,reference\n" + "".join(
        f"2026-03-{d:02d},{fen(a)},{ref}\n" for d, a, ref in rows
    )
    return text, [a for _, a, _ in rows]


def test_a_statement_of_200_lines_reconciles_with_three_items_in_transit_each_way(
    books: Books,
) -> None:
    book = the_books(books)
    csv, bank = statement(book)
    assert len(bank) == 200
    imported = upload(books, csv)
    assert imported.status_code == 201, imported.json
    assert imported.json["lines"] == 200
    closing = 100_000_00 + sum(bank)
    assert imported.json["closing_balance"] == fen(closing)

    matched = books.post("acc", f"{BANK}/2026-03/auto-match")
    assert matched.status_code == 200 and matched.json == {"matched": 197}
    r = books.get("aud", f"{BANK}/2026-03").json["reconciliation"]
    book_balance = 100_000_00 + sum(a for _, a in book)
    assert r["book_balance"] == fen(book_balance)
    assert r["bank_balance"] == fen(closing)
    assert [x["amount"] for x in r["bank_received"]] == ["12.34", "888.88"]
    assert [x["amount"] for x in r["bank_paid"]] == ["-5.00"]
    assert [x["amount"] for x in r["book_received"]] == ["5000.00"]
    assert [x["amount"] for x in r["book_paid"]] == ["-1200.50", "-3300.00"]
    assert r["book_adjusted"] == fen(book_balance + 12_34 + 888_88 - 5_00)
    assert r["bank_adjusted"] == fen(closing + 5_000_00 - 1_200_50 - 3_300_00)
    assert r["book_adjusted"] == r["bank_adjusted"] and r["difference"] == "0.00"
    assert r["balances"] is True

    pdf = books.get("acc", f"{BANK}/2026-03?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_a_match_undone_and_made_by_hand(books: Books) -> None:
    post_ok(books, _voucher("2026-02-20", [100_000_00], "301"))
    post_ok(books, _voucher("2026-03-02", [-250_00], "501"))
    upload(books, "date,amount,reference\n2026-03-20,-250.00,ZP1\n")
    month = books.get("acc", f"{BANK}/2026-03").json
    assert month["suggested"] == []  # 18 days apart: no suggestion
    assert month["reconciliation"]["balances"] is True  # both sides in transit
    line = month["reconciliation"]["bank_paid"][0]["id"]
    book_line = month["reconciliation"]["book_paid"][0]["id"]
    body = {"line": line, "voucher_line": book_line}
    assert books.post("acc", f"{BANK}/2026-03/matches", body).status_code == 200
    assert books.post("acc", f"{BANK}/2026-03/matches", body).status_code == 409
    after = books.get("acc", f"{BANK}/2026-03").json
    assert after["reconciliation"]["bank_paid"] == [] and after["reconciliation"]["book_paid"] == []
    assert [p["book"]["id"] for p in after["matched"]] == [book_line]
    assert books.delete("acc", f"{BANK}/2026-03/matches/{line}").status_code == 200
    assert books.delete("acc", f"{BANK}/2026-03/matches/{line}").status_code == 409


def test_bad_rows_are_named_and_nothing_is_written(books: Books) -> None:
    csv = "date,amount,reference\n2026-03-01,12.5,a\n2026-04-01,3.00,b\n2026-03-02,1.234,c\n"
    response = upload(books, csv)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"rows.3.date", "rows.4.amount"}
    assert books.get("acc", f"{BANK}/statements").json["items"] == []
    no_opening = upload(books, "date,amount\n2026-03-01,12.50\n", opening=None)
    assert no_opening.status_code == 422
    assert "file.opening_balance" in no_opening.json["errors"]
    wrong_account = upload(books, csv, base=f"{ORG}/bank/501")
    assert wrong_account.status_code == 422 and "account" in wrong_account.json["errors"]


def test_a_second_statement_for_the_month_is_a_conflict(books: Books) -> None:
    assert upload(books, "date,amount\n2026-03-01,12.50\n").status_code == 201
    assert upload(books, "date,amount\n2026-03-01,12.50\n").status_code == 409


def test_another_organizations_statement_is_404_and_a_cashier_may_not_reconcile(
    books: Books,
) -> None:
    assert upload(books, "date,amount\n2026-03-01,12.50\n").status_code == 201
    assert books.get("other-acc", f"{BANK}/2026-03").status_code == 404
    assert books.get("other-acc", f"{BANK}/statements").status_code == 404
    assert books.post("other-acc", f"{BANK}/2026-03/auto-match").status_code == 404
    assert (
        upload(books, "date,amount\n2026-04-01,1.00\n", "2026-04", user="cash").status_code == 403
    )
    assert books.post("cash", f"{BANK}/2026-03/auto-match").status_code == 403
    assert books.post("rev", f"{BANK}/2026-03/auto-match").status_code == 403
    assert books.get("cash", f"{BANK}/2026-03").status_code == 200  # reading the books is theirs


def codes(books: Books) -> list[tuple[str, list[str]]]:
    found = books.get("aud", f"{ORG}/audit/findings?year=2026").json["items"]
    return [(f["code"], f["objects"]) for f in found if f["code"] == "bank_unreconciled"]


def test_a_closed_month_of_bank_postings_without_a_balancing_reconciliation_is_a_finding(
    books: Books,
) -> None:
    post_ok(books, _voucher("2026-02-20", [100_000_00], "301"))
    post_ok(books, _voucher("2026-03-02", [-250_00], "501"))
    for month in ("2026-01", "2026-02", "2026-03"):
        closed = books.post("acc", f"{ORG}/periods/{month}/close")
        assert closed.status_code == 200, closed.json
    assert codes(books) == [
        ("bank_unreconciled", ["account:102", "period:2026-02"]),
        ("bank_unreconciled", ["account:102", "period:2026-03"]),
    ]
    # February's statement agrees with the books (its line unmatched: in transit into March);
    # March's opens 0.10 above February's close
    assert upload(books, "date,amount\n2026-02-21,100000.00\n", "2026-02", "0").status_code == 201
    assert (
        upload(books, "date,amount\n2026-03-03,-250.00\n", opening="100000.10").status_code == 201
    )
    march = books.get("acc", f"{BANK}/2026-03").json["reconciliation"]
    assert (march["book_adjusted"], march["bank_adjusted"]) == ("199500.00", "199500.10")
    assert codes(books) == [("bank_unreconciled", ["account:102", "period:2026-03"])]

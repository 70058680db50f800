"""The bank reconciliation's rules: reading a statement, suggesting matches, the 调节表."""

from __future__ import annotations

from datetime import date

import pytest

from coopledger.domain.bank import (
    BankLine,
    BookLine,
    Match,
    parse_statement,
    reconcile,
    suggest,
)
from coopledger.domain.imports import ImportRejected, RawTable
from coopledger.domain.periods import Period

MARCH = Period(2026, 3)


def d(day: int) -> date:
    return date(2026, 3, day)


def test_a_match_wants_the_same_amount_and_side_within_five_days() -> None:
    bank = [BankLine(1, d(10), 50000), BankLine(2, d(10), -50000), BankLine(3, d(20), 7000)]
    book = [BookLine(11, d(15), 50000), BookLine(12, d(4), -50000), BookLine(13, d(26), 7000)]
    # 1 ↔ 11 is five days; 2 ↔ 12 six days; 3 ↔ 13 six days
    assert suggest(bank, book) == [Match(1, 11)]


def test_the_same_reference_wins_over_the_nearer_date_then_the_nearest_date() -> None:
    bank = [BankLine(1, d(10), 12000, "ZP0042"), BankLine(2, d(10), 12000)]
    book = [
        BookLine(11, d(10), 12000, "支付化肥款"),
        BookLine(12, d(13), 12000, "化肥款 转账支票 zp0042"),
        BookLine(13, d(11), 12000, "化肥款"),
    ]
    assert suggest(bank, book) == [Match(1, 12), Match(2, 11)]


def test_each_line_matches_once() -> None:
    bank = [BankLine(1, d(1), 100), BankLine(2, d(2), 100), BankLine(3, d(3), 100)]
    book = [BookLine(11, d(2), 100), BookLine(12, d(3), 100)]
    matches = suggest(bank, book)
    assert sorted(m.bank_id for m in matches) == [2, 3]
    assert sorted(m.book_id for m in matches) == [11, 12]


def test_the_statement_adds_up_to_the_fen() -> None:
    r = reconcile(
        book_balance_fen=10_000_00,
        bank_balance_fen=12_345_67,
        bank_outstanding=[BankLine(1, d(30), 3_000_00), BankLine(2, d(31), -12_33)],
        book_outstanding=[BookLine(11, d(31), 500_00), BookLine(12, d(29), -1_858_00)],
    )
    assert [b.id for b in r.bank_received] == [1] and [b.id for b in r.bank_paid] == [2]
    assert [k.id for k in r.book_received] == [11] and [k.id for k in r.book_paid] == [12]
    assert r.book_adjusted_fen == 10_000_00 + 3_000_00 - 12_33 == 12_987_67
    assert r.bank_adjusted_fen == 12_345_67 + 500_00 - 1_858_00 == 10_987_67
    assert not r.balances and r.difference_fen == 2_000_00
    fixed = reconcile(
        8_000_00, 12_345_67, r.bank_received + r.bank_paid, r.book_received + r.book_paid
    )
    assert fixed.balances and fixed.book_adjusted_fen == fixed.bank_adjusted_fen == 10_987_67


def table(
    *rows: tuple[str, ...], headers: tuple[str, ...] = ("date", "amount", "reference")
) -> RawTable:
    return RawTable(headers, rows)


def test_a_statement_in_debit_and_credit_columns_with_balances() -> None:
    parsed = parse_statement(
        table(
            ("2026-03-02", "", "1000.00", "1500.00"),
            ("2026/3/5", "200.10", "", "1299.90"),
            headers=("交易日期", "借方发生额", "贷方发生额", "余额"),
        ),
        MARCH,
        None,
    )
    assert parsed.opening_fen == 500_00
    assert [ln.amount_fen for ln in parsed.lines] == [1_000_00, -200_10]
    assert parsed.closing_fen == 1_299_90


def test_bad_rows_are_named_by_row_and_column() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_statement(
            table(
                ("2026-03-01", "12.5", "a"),
                ("2026-04-01", "3.00", "b"),
                ("2026-03-02", "1.234", "c"),
                ("", "0", "d"),
                ("2026-03-31", "=A1", "e"),
            ),
            MARCH,
            0,
        )
    assert caught.value.errors == {
        "rows.3.date": ["lies outside the statement's month 2026-03"],
        "rows.4.amount": ["at most two decimals (fen); amounts are never rounded"],
        "rows.5.date": ["must not be empty"],
        "rows.5.amount": ["must not be zero"],
        "rows.6.amount": [
            'must be a plain decimal such as "1234.50" (ASCII digits, no sign, separator or exponent)',
            "a formula is not a value; enter the value itself",
        ],
    }


def test_without_a_balance_column_the_opening_balance_is_needed() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_statement(table(("2026-03-01", "-12.50", "a")), MARCH, None)
    assert list(caught.value.errors) == ["file.opening_balance"]
    assert parse_statement(table(("2026-03-01", "-12.50", "a")), MARCH, 100_00).closing_fen == 87_50


def test_a_balance_that_does_not_follow_is_named() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_statement(
            table(
                ("2026-03-01", "10.00", "110.00"),
                ("2026-03-02", "-5.00", "106.00"),
                headers=("date", "amount", "balance"),
            ),
            MARCH,
            None,
        )
    assert caught.value.errors == {"rows.3.balance": ["does not follow from the line before"]}

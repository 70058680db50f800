"""The totals a book writes under its entries: 本日合计 (cash and bank journals), 本月合计 and
本年累计, with the balance after each."""

from __future__ import annotations

from coopledger.domain.reporting import LedgerEntry, Subtotal, running_balance, with_totals


def entry(day: str, debit: int = 0, credit: int = 0) -> LedgerEntry:
    return LedgerEntry(1, day, "记-1", "m", "101", None, debit, credit)


def shown(lines: list) -> list[tuple[str, str, int, int, int]]:  # type: ignore[type-arg]
    return [
        (str(line.total or "entry"), line.on, line.debit, line.credit, line.balance_net)
        for line in lines
    ]


def test_a_journal_totals_each_day_then_the_month_and_the_year() -> None:
    rows = running_balance(
        1000,
        [
            entry("2026-03-01", debit=500),
            entry("2026-03-01", credit=200),
            entry("2026-03-02", credit=100),
            entry("2026-04-05", debit=50),
        ],
    )
    got = shown(with_totals(rows, year_before=(7000, 3000), daily=True))
    assert got == [
        ("entry", "2026-03-01", 500, 0, 1500),
        ("entry", "2026-03-01", 0, 200, 1300),
        ("day", "2026-03-01", 500, 200, 1300),
        ("entry", "2026-03-02", 0, 100, 1200),
        ("day", "2026-03-02", 0, 100, 1200),
        ("month", "2026-03", 500, 300, 1200),
        ("year", "2026-03", 7500, 3300, 1200),
        ("entry", "2026-04-05", 50, 0, 1250),
        ("day", "2026-04-05", 50, 0, 1250),
        ("month", "2026-04", 50, 0, 1250),
        ("year", "2026-04", 7550, 3300, 1250),
    ]


def test_a_ledger_has_no_daily_totals_and_a_new_year_counts_from_zero() -> None:
    rows = running_balance(0, [entry("2025-12-30", debit=10), entry("2026-01-02", credit=4)])
    got = with_totals(rows, year_before=(100, 0))
    assert Subtotal.DAY not in {line.total for line in got}
    assert shown([line for line in got if line.total is Subtotal.YEAR]) == [
        ("year", "2025-12", 110, 0, 10),
        ("year", "2026-01", 0, 4, 6),
    ]


def test_no_entries_no_totals() -> None:
    assert with_totals([], daily=True) == []

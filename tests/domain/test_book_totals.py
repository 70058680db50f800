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


def test_a_window_of_the_book_gives_the_lines_of_the_whole_book() -> None:
    """Every page of a book across months and years, journal or not, read from its days' counts
    and sums and the entries of the page's days alone, is the same as the page of the whole
    book: the entries, the totals, and the balance brought forward."""
    import random

    from coopledger.domain.reporting import DayTotal, book_window

    rnd = random.Random(7)
    days = ["2025-12-30", "2025-12-31", "2026-01-02", "2026-01-31", "2026-02-01", "2026-03-09"]
    entries = [
        entry(day, debit=rnd.randint(0, 900), credit=rnd.randint(0, 900))
        for day in days
        for _ in range(rnd.randint(1, 6))
    ]
    totals = [
        DayTotal(
            day,
            sum(1 for e in entries if e.booked_on == day),
            sum(e.debit for e in entries if e.booked_on == day),
            sum(e.credit for e in entries if e.booked_on == day),
        )
        for day in days
    ]
    for daily in (False, True):
        book = with_totals(running_balance(100, entries), year_before=(40, 30), daily=daily)
        for size in (1, 3, 7, 200):
            for first in range(0, len(book) + size, size):
                window = book_window(
                    totals, 100, year_before=(40, 30), daily=daily, first_line=first, size=size
                )
                part = entries[window.first_entry : window.first_entry + window.entries]
                lines = with_totals(
                    running_balance(window.opening_net, part),
                    year_before=window.year_before,
                    daily=daily,
                    month_before=window.month_before,
                )
                assert window.lines == len(book)
                assert lines[window.skip : window.skip + size] == book[first : first + size]
                if 0 < first < len(book):
                    brought = lines[window.skip - 1].balance_net if window.skip else None
                    assert brought in (None, book[first - 1].balance_net)
                    if brought is None:
                        assert window.opening_net == book[first - 1].balance_net

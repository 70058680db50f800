"""Reports are folds over posted lines: trial balance (科目余额表) and ledgers.

Balances are debit-minus-credit (``net``); a report shows each balance on the side it actually
falls, as the 科目余额表 does. Parent accounts roll up their sub-accounts; totals are taken over
top-level accounts only, so nothing is counted twice and Σ debit = Σ credit in every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from coopledger.domain.accounts import Account, AccountCode
from coopledger.domain.ledger import Dr, Line, VoucherKind


@dataclass(frozen=True, slots=True)
class Turnover:
    """Per account: the balance before the range and the turnover within it (fen)."""

    account: AccountCode
    opening_net: int
    debit: int
    credit: int


#: where a posted line's amount is kept in the turnover by shape: (debit account, its fund,
#: credit account, its fund); a pair's two lines make one shape, any other line has one side only
Shape = tuple[AccountCode | None, str | None, AccountCode | None, str | None]


def shapes_of(kind: VoucherKind, lines: Sequence[Line]) -> list[tuple[Shape, int]]:
    """How a posted voucher adds to the turnover by shape, one (shape, fen) per entry counted.

    A *pair* — a normal voucher of two lines, one debit and one credit, both amounts positive
    (a member's contribution, a grant received) — is one entry of its debit and credit
    accounts together. Every line of any other voucher (more lines, a reversal, the closing, a
    red amount) is an entry by itself, on its own side. So each account's month in the shape
    turnover sums to its turnover, and a month whose every line on an account is in pairs is
    known without reading a line."""
    if kind is VoucherKind.NORMAL and len(lines) == 2:
        debit, credit = lines
        if debit.side is not credit.side and debit.amount_fen > 0 and credit.amount_fen > 0:
            if debit.side is Dr.CREDIT:
                debit, credit = credit, debit
            return [((debit.account, debit.fund, credit.account, credit.fund), debit.amount_fen)]
    return [
        (
            (ln.account, ln.fund, None, None)
            if ln.side is Dr.DEBIT
            else (None, None, ln.account, ln.fund),
            ln.amount_fen,
        )
        for ln in lines
    ]


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    account: AccountCode
    name_zh: str
    name_en: str
    level: int
    opening_debit: int
    opening_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int


@dataclass(frozen=True, slots=True)
class TrialBalance:
    rows: tuple[TrialBalanceRow, ...]
    totals: TrialBalanceRow

    @property
    def ties(self) -> bool:
        t = self.totals
        return (
            t.opening_debit == t.opening_credit
            and t.debit == t.credit
            and t.closing_debit == t.closing_credit
        )


def _split(net: int) -> tuple[int, int]:
    return (net, 0) if net >= 0 else (0, -net)


def trial_balance(accounts: Sequence[Account], turnovers: Iterable[Turnover]) -> TrialBalance:
    """Fold per-account turnovers into rows, parents rolled up, accounts without activity left out."""
    by_code: dict[AccountCode, Account] = {a.code: a for a in accounts}
    sums: dict[AccountCode, list[int]] = {}
    for t in turnovers:
        code: AccountCode | None = t.account
        while code is not None:
            s = sums.setdefault(code, [0, 0, 0])
            s[0] += t.opening_net
            s[1] += t.debit
            s[2] += t.credit
            code = by_code[code].parent if code in by_code else None

    def level(code: AccountCode) -> int:
        depth, parent = 1, by_code[code].parent
        while parent is not None:
            depth, parent = depth + 1, by_code[parent].parent
        return depth

    rows = []
    total = [0, 0, 0, 0, 0, 0]
    for code in sorted(sums):
        opening, debit, credit = sums[code]
        if opening == 0 and debit == 0 and credit == 0:
            continue
        account = by_code[code]
        od, oc = _split(opening)
        cd, cc = _split(opening + debit - credit)
        row = TrialBalanceRow(
            code, account.name_zh, account.name_en, level(code), od, oc, debit, credit, cd, cc
        )
        rows.append(row)
        if account.parent is None:
            for i, v in enumerate((od, oc, debit, credit, cd, cc)):
                total[i] += v
    totals = TrialBalanceRow("", "合计", "Total", 0, *total)
    return TrialBalance(tuple(rows), totals)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One posted line, as the ledger shows it."""

    voucher_id: int
    booked_on: str
    number: str
    memo: str
    account: AccountCode
    member: str | None
    debit: int
    credit: int


@dataclass(frozen=True, slots=True)
class LedgerRow:
    entry: LedgerEntry
    balance_net: int


def running_balance(opening_net: int, entries: Iterable[LedgerEntry]) -> list[LedgerRow]:
    """Each entry with the debit-minus-credit balance after it."""
    balance = opening_net
    rows = []
    for entry in entries:
        balance += entry.debit - entry.credit
        rows.append(LedgerRow(entry, balance))
    return rows


class Subtotal(StrEnum):
    """The total lines a book writes under its entries (会计基础工作规范 arts. 57, 63)."""

    DAY = "day"  # 本日合计: the cash and bank journals, after each day's entries
    MONTH = "month"  # 本月合计: every ledger, after each month's entries
    YEAR = "year"  # 本年累计: every ledger, from 1 January through the month


@dataclass(frozen=True, slots=True)
class BookLine:
    """A line of a book as printed: an entry (``row``) or a total (``total`` set), with the
    debit and credit it adds up and the balance after it."""

    on: str  # the day (ISO) of the entry, or the day, month (YYYY-MM) or year's month it totals
    debit: int
    credit: int
    balance_net: int
    row: LedgerRow | None = None
    total: Subtotal | None = None


def with_totals(
    rows: Sequence[LedgerRow],
    *,
    year_before: tuple[int, int] = (0, 0),
    daily: bool = False,
    month_before: tuple[int, int] = (0, 0),
) -> list[BookLine]:
    """``rows`` with the totals a book writes under them: 本日合计 after each day's last entry
    (``daily``: the cash and bank journals), 本月合计 after each month's and then 本年累计 — the
    debit and credit since 1 January (``year_before``: those of the year before the first row
    shown; a new year starts again from zero) — each with the balance after it. A month's and a
    day's totals are of the entries shown (and ``month_before``: those of the first row's month
    before it, when the rows are a window of a longer book)."""
    out: list[BookLine] = []
    year_debit, year_credit = year_before
    month_debit, month_credit = month_before
    day_debit = day_credit = 0
    for i, row in enumerate(rows):
        entry = row.entry
        day, month, year = entry.booked_on, entry.booked_on[:7], entry.booked_on[:4]
        if i and rows[i - 1].entry.booked_on[:4] != year:
            year_debit = year_credit = 0
        balance = row.balance_net
        out.append(BookLine(day, entry.debit, entry.credit, balance, row=row))
        day_debit, day_credit = day_debit + entry.debit, day_credit + entry.credit
        month_debit, month_credit = month_debit + entry.debit, month_credit + entry.credit
        year_debit, year_credit = year_debit + entry.debit, year_credit + entry.credit
        following = rows[i + 1].entry.booked_on if i + 1 < len(rows) else ""
        if following != day:
            if daily:
                out.append(BookLine(day, day_debit, day_credit, balance, total=Subtotal.DAY))
            day_debit = day_credit = 0
        if following[:7] != month:
            out.append(BookLine(month, month_debit, month_credit, balance, total=Subtotal.MONTH))
            out.append(BookLine(month, year_debit, year_credit, balance, total=Subtotal.YEAR))
            month_debit = month_credit = 0
    return out


@dataclass(frozen=True, slots=True)
class DayTotal:
    """A day's posted entries in a book: how many, and their debit and credit."""

    on: str  # the day, ISO
    entries: int
    debit: int
    credit: int


@dataclass(frozen=True, slots=True)
class BookWindow:
    """Where a page of a book falls: its lines in all, and the whole days of entries the page
    needs, with the balance and the sums standing before them."""

    lines: int  # the book's lines, entries and totals (see :func:`with_totals`)
    first_entry: int  # the index of the first entry to read (the first of its day)
    entries: int  # how many entries to read (whole days)
    skip: int  # the lines of those days that come before the page
    opening_net: int  # the balance before the first entry read
    year_before: tuple[int, int]  # debit and credit of its year before it
    month_before: tuple[int, int]  # and of its month


def book_window(
    days: Sequence[DayTotal],
    opening_net: int,
    *,
    year_before: tuple[int, int] = (0, 0),
    daily: bool = False,
    first_line: int = 0,
    size: int,
) -> BookWindow:
    """The window of a book (its entries per day in ``days``, in order) that holds its lines
    ``first_line`` to ``first_line + size``: :func:`with_totals` of the entries it names, given
    its balance and sums, gives those lines at ``skip`` — the same lines as the whole book's,
    without reading every earlier entry."""
    total = entry = 0
    balance = opening_net
    year_sums, month_sums = year_before, (0, 0)
    window: BookWindow | None = None
    end = first_line + size
    for i, day in enumerate(days):
        if i and days[i - 1].on[:4] != day.on[:4]:
            year_sums = (0, 0)
        if i and days[i - 1].on[:7] != day.on[:7]:
            month_sums = (0, 0)
        following = days[i + 1].on if i + 1 < len(days) else ""
        lines = day.entries + (1 if daily else 0) + (2 if following[:7] != day.on[:7] else 0)
        if window is None and total + lines > first_line:
            window = BookWindow(0, entry, 0, first_line - total, balance, year_sums, month_sums)
        if window is not None and total < end:
            window = replace(window, entries=entry + day.entries - window.first_entry)
        total += lines
        entry += day.entries
        balance += day.debit - day.credit
        year_sums = (year_sums[0] + day.debit, year_sums[1] + day.credit)
        month_sums = (month_sums[0] + day.debit, month_sums[1] + day.credit)
    if window is None:  # past the last line: nothing to read
        return BookWindow(total, entry, 0, 0, balance, year_sums, month_sums)
    return replace(window, lines=total)


def direction(net: int) -> str:
    """借 / 贷 / 平 for a debit-minus-credit balance, as printed in Chinese ledgers."""
    return "借" if net > 0 else "贷" if net < 0 else "平"

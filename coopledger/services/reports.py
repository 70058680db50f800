"""Reports as data (JSON on the API, tables in the CLI): trial balance and ledgers.

Every figure is a fold over posted lines: the trial balance reads the per-month turnover kept
with each posting, plus the lines of any month the range only partly covers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from coopledger.domain.accounts import Account, load_chart
from coopledger.domain.errors import field_error
from coopledger.domain.reporting import (
    BookLine,
    BookWindow,
    LedgerRow,
    TrialBalance,
    book_window,
    running_balance,
    trial_balance,
    with_totals,
)
from coopledger.domain.roles import Action, Actor
from coopledger.services import financial_statements as fs
from coopledger.services.access import org_for
from coopledger.services.ports import Org, Store, UnitOfWork


@dataclass(frozen=True, slots=True)
class TrialBalanceReport:
    """The trial balance with the organization as read in the same transaction: its chain head
    (``org.chain_seq``, ``org.chain_head``) is the state of the books the figures come from."""

    org: Org
    start: date
    end: date
    tb: TrialBalance


def trial_balance_of(
    uow: UnitOfWork, actor: Actor, org_code: str, start: date, end: date
) -> TrialBalanceReport:
    """科目余额表 for ``start``..``end`` inclusive. :raise ValidationFailed: ``from`` after ``to``."""
    if start > end:
        raise field_error("from", "must not be after 'to'")
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        accounts = store.accounts(org.id)
        turnovers = store.turnovers(org.id, start, end)
    return TrialBalanceReport(org, start, end, trial_balance(list(accounts.values()), turnovers))


def trial_balance_report(
    uow: UnitOfWork, actor: Actor, org_code: str, start: date, end: date
) -> TrialBalance:
    """科目余额表 for ``start``..``end`` inclusive (the figures only; see :func:`trial_balance_of`)."""
    return trial_balance_of(uow, actor, org_code, start, end).tb


@dataclass(frozen=True, slots=True)
class Ledger:
    account: Account
    member: str | None
    start: date
    end: date
    opening_net: int
    rows: list[LedgerRow]
    org: Org  # as read with the lines: its chain head is the state the ledger was drawn from
    #: debit and credit from 1 January to the day before ``start`` (本年累计 counts them)
    year_before: tuple[int, int] = (0, 0)
    #: a cash or bank account: the book is its 日记账, totalled each day
    journal: bool = False
    #: the balance at ``end``, when ``rows`` are not all the entries (a page of the book)
    closing: int | None = None

    @property
    def closing_net(self) -> int:
        if self.closing is not None:
            return self.closing
        return self.rows[-1].balance_net if self.rows else self.opening_net

    def lines(self) -> list[BookLine]:
        """The entries with the book's totals: 本日合计 (a journal), 本月合计 and 本年累计."""
        return with_totals(self.rows, year_before=self.year_before, daily=self.journal)


@dataclass(frozen=True, slots=True)
class LedgerPage:
    """A page of a ledger: ``ledger`` holds the entries the page needs (whole days), ``lines``
    are the page's lines of the whole book, with its totals."""

    ledger: Ledger
    lines: list[BookLine]
    page: int  # from 1; past the last, the last
    pages: int  # at least 1
    brought_forward: int  # the balance before the page's first line (承前页)


def ledger_page(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account_code: str,
    member_no: str | None,
    start: date,
    end: date,
    page: int,
    size: int,
) -> LedgerPage:
    """Page ``page`` of :func:`ledger_report`'s lines, ``size`` a page: the same lines, balances
    and totals, from the entries' count and sums per day and the entries of the page's days
    alone.

    :raise ValidationFailed: as :func:`ledger_report`.
    """
    if start > end:
        raise field_error("from", "must not be after 'to'")
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        account, codes, member_id = _ledger_of(store, org, account_code, member_no)
        opening, year_before = _ledger_before(store, org, codes, member_id, start)
        days = store.ledger_days(org.id, codes, member_id, start, end)
        journal = _is_journal(org, account_code)

        def window_of(page: int) -> BookWindow:
            return book_window(
                days,
                opening,
                year_before=year_before,
                daily=journal,
                first_line=(page - 1) * size,
                size=size,
            )

        page = max(1, page)
        window = window_of(page)
        pages = max(1, -(-window.lines // size))
        if page > pages:
            page = pages
            window = window_of(page)
        # the window is whole days: its entries are those of its days, read by their dates
        before = list(itertools.accumulate((d.entries for d in days), initial=0))
        shown = [
            date.fromisoformat(d.on)
            for d, n in zip(days, before, strict=False)
            if window.first_entry <= n < window.first_entry + window.entries
        ]
        entries = (
            store.ledger_entries(org.id, codes, member_id, shown[0], shown[-1]) if shown else []
        )
    closing = opening + sum(d.debit - d.credit for d in days)
    rows = running_balance(window.opening_net, entries)
    ledger = Ledger(
        account, member_no, start, end, opening, rows, org, year_before, journal, closing
    )
    lines = with_totals(
        rows, year_before=window.year_before, daily=journal, month_before=window.month_before
    )
    brought = lines[window.skip - 1].balance_net if window.skip else window.opening_net
    return LedgerPage(ledger, lines[window.skip : window.skip + size], page, pages, brought)


def _ledger_of(
    store: Store, org: Org, account_code: str, member_no: str | None
) -> tuple[Account, list[str], int | None]:
    """The account, the codes it sums (its own and its sub-accounts') and the member's id.

    :raise ValidationFailed: unknown account or member."""
    accounts = store.accounts(org.id)
    account = accounts.get(account_code)
    if account is None:
        raise field_error("account", f"unknown account {account_code!r}")
    member_id = None
    if member_no is not None:
        ids = store.members_by_no(org.id, {member_no})
        if member_no not in ids:
            raise field_error("member", f"unknown member {member_no!r}")
        member_id = ids[member_no]
    return account, [code for code in accounts if code.startswith(account_code)], member_id


def _ledger_before(
    store: Store, org: Org, codes: list[str], member_id: int | None, start: date
) -> tuple[int, tuple[int, int]]:
    """The balance before ``start`` and the debit and credit of its year before it (本年累计)."""
    day_before = start - timedelta(days=1)
    debit, credit = store.ledger_sums(org.id, codes, member_id, None, day_before)
    year_start = date(start.year, 1, 1)
    year_before = (0, 0)
    if start > year_start:
        year_before = store.ledger_sums(org.id, codes, member_id, year_start, day_before)
    return debit - credit, year_before


def _is_journal(org: Org, account_code: str) -> bool:
    """库存现金 and 银行存款 (and their sub-accounts) keep a journal, totalled each day."""
    chart = load_chart(org.chart)
    return account_code.startswith((chart.role("cash"), chart.role("bank")))


def ledger_report(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account_code: str,
    member_no: str | None,
    start: date,
    end: date,
) -> Ledger:
    """The ledger of one account (its sub-accounts included), optionally one member's subledger;
    for 库存现金 and 银行存款 (and their sub-accounts, one a bank account) the 现金日记账 and
    银行存款日记账, totalled each day.

    :raise ValidationFailed: unknown account or member; ``from`` after ``to``.
    """
    if start > end:
        raise field_error("from", "must not be after 'to'")
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        account, codes, member_id = _ledger_of(store, org, account_code, member_no)
        entries = store.ledger_entries(org.id, codes, member_id, start, end)
        opening, year_before = _ledger_before(store, org, codes, member_id, start)
    journal = _is_journal(org, account_code)
    rows = running_balance(opening, entries)
    return Ledger(account, member_no, start, end, opening, rows, org, year_before, journal)


@dataclass(frozen=True, slots=True)
class StatementShelf:
    """What an organization's books can print, and for which years.

    ``titles`` maps each statutory statement its chart defines (``balance_sheet``, ``surplus``,
    ``members_equity``) to the form's title (the village's surplus form is 收益及收益分配表; the
    members' equity form is the 2021 cooperatives' only); the trial balance, the ledger, the
    fixed-asset register and the fund usage report exist for every chart. ``years`` are the
    years with books (a month that was posted in or closed); ``last_closed`` the last year the
    year-end close closed, if any.
    """

    org: Org
    titles: dict[str, str]
    years: tuple[int, ...]
    last_closed: int | None

    def has_books(self, year: int) -> bool:
        return year in self.years

    def has_books_through(self, day: date) -> bool:
        """Books exist in ``day``'s year or before it (a balance sheet then has figures)."""
        return any(y <= day.year for y in self.years)


def statement_shelf(uow: UnitOfWork, actor: Actor, org_code: str) -> StatementShelf:
    """The statements ``org_code``'s chart has and the years its books cover.

    :raise NotFound: / :raise Forbidden: as reading the books.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        years = tuple(sorted({p.year for p in store.periods(org.id)}))
        last_closed = next((y for y in reversed(years) if store.year_closed(org.id, y)), None)
    titles = {
        name: defs[org.chart].title
        for name, defs in (
            ("balance_sheet", fs.definitions("balance_sheet")),
            ("surplus", fs.definitions("surplus")),
        )
        if org.chart in defs
    }
    equity = fs.equity_definitions().get(org.chart)
    if equity is not None:
        titles["members_equity"] = equity.title
    return StatementShelf(org, titles, years, last_closed)

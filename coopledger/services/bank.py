"""The bank reconciliation (银行存款余额调节表): a month's bank statement imported, its lines
matched to the bank account's posted lines, and the statement of what is still in transit.

A bank account is 银行存款 (the chart's ``bank`` role) or one of its sub-accounts; one statement
per account and month. Reconciliation starts with the account's first statement: the books'
lines dated before its month are taken as agreed with the bank (its opening balance), and every
later line of either side that is not matched by the month's end is a 未达账项. A line matched
to one dated after the month's end is still in transit at the month's end.

Importing and matching are the accountant's (``manage_registers``): the cashier who keeps the
bank book does not reconcile it. Reading is for whoever reads the books.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from coopledger.domain import bank as rules
from coopledger.domain.accounts import load_chart
from coopledger.domain.bank import BankLine, BookLine, Match, Reconciliation
from coopledger.domain.errors import (
    Conflict,
    NotFound,
    field_error,
)
from coopledger.domain.imports import RawTable
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Org, StatementRecord, StoredLine, UnitOfWork


def bank_code(org: Org) -> str:
    """The chart's 银行存款 account (102)."""
    return load_chart(org.chart).roles.get("bank", "102")


def _account(uow: UnitOfWork, org: Org, code: str) -> str:
    """:raise ValidationFailed: not 银行存款 or one of its sub-accounts of this organization."""
    top = bank_code(org)
    if not code.startswith(top) or code not in uow.store.accounts(org.id):
        raise field_error("account", f"must be {top} (银行存款) or one of its sub-accounts")
    return code


def _month(text: str | Period) -> Period:
    if isinstance(text, Period):
        return text
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise field_error("month", str(exc)) from exc


# -- import --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementFile:
    table: RawTable
    filename: str
    sha256: str


def import_statement(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account: str,
    month: str | Period,
    file: StatementFile,
    opening_fen: int | None = None,
) -> StatementRecord:
    """Store a month's statement of a bank account; nothing is written when a row is wrong.

    :raise ImportRejected: rows or columns wrong, each named. :raise ValidationFailed: account
        or month. :raise Conflict: the account already has a statement for the month.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        if any(s.period == period for s in uow.bank.statements(org.id, code)):
            raise Conflict(f"{code} already has a bank statement for {period}")
        parsed = rules.parse_statement(file.table, period, opening_fen)
        uow.bank.add_statement(
            org.id,
            code,
            period,
            parsed.opening_fen,
            (file.filename[:255], file.sha256),
            parsed.lines,
            actor.user_id,
            utcnow(),
        )
        record = next(s for s in uow.bank.statements(org.id, code) if s.period == period)
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.import",
            "bank_statement",
            f"{code}:{period}",
            new={"lines": record.lines, "sha256": file.sha256, "closing_fen": record.closing_fen},
        )
        uow.commit()
        return record


# -- the month -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchGroup:
    """A match: one statement line and one or more lines of the books, or several statement
    lines and one line of the books, their totals the same."""

    id: int
    bank: tuple[BankLine, ...]
    book: tuple[BookLine, ...]

    @property
    def amount_fen(self) -> int:
        return sum(b.amount_fen for b in self.bank)


@dataclass(frozen=True, slots=True)
class BankMonth:
    """A month of a bank account: its statement, the reconciliation at the month's end, the
    matches made, and those suggested among the lines still unmatched."""

    org: Org
    account: str
    period: Period
    statement: StatementRecord
    reconciliation: Reconciliation
    matched: tuple[tuple[BankLine, BookLine], ...]  # each pair of this month's matches
    suggested: tuple[tuple[BankLine, BookLine], ...]
    open_bank: tuple[BankLine, ...]  # unmatched statement lines, to match by hand
    open_book: tuple[BookLine, ...]  # unmatched book lines, to match by hand
    groups: tuple[MatchGroup, ...] = ()  # the matches with a line on this month's statement


def month_of(uow: UnitOfWork, org: Org, code: str, period: Period) -> BankMonth | None:
    """The month's reconciliation inside the caller's unit of work; None without a statement.

    A match is settled at the month's end when every line of it, of either side, is dated by
    then; the lines of a match not yet settled are still in transit, as unmatched lines are."""
    statements = uow.bank.statements(org.id, code)
    statement = next((s for s in statements if s.period == period), None)
    if statement is None:
        return None
    start = statements[0].period.first_day
    end = period.last_day
    stored = uow.bank.lines(org.id, code, period)
    book = uow.bank.book_lines(org.id, code, start, end + timedelta(days=rules.MATCH_WINDOW_DAYS))
    matches = sorted({s.match for s in stored if s.match is not None})
    latest = uow.bank.match_dates(org.id, matches)
    settled = {m for m in matches if m in latest and latest[m] <= end}
    settled_books = {k for s in stored if s.match in settled for k in s.books}
    grouped = uow.bank.matched_books(org.id, [k.id for k in book])
    open_book = [k for k in book if k.id not in grouped]
    reconciliation = rules.reconcile(
        uow.bank.book_balance(org.id, code, end),
        statement.closing_fen,
        [s.line for s in stored if s.match not in settled],
        [k for k in book if k.booked_on <= end and k.id not in settled_books],
    )
    open_bank = [s.line for s in stored if s.match is None]
    bank_by_id = {b.id: b for b in open_bank}
    open_by_id = {k.id: k for k in open_book}
    suggestions = rules.suggest(open_bank, open_book)
    groups = _groups(uow, org, code, stored, book, period)
    return BankMonth(
        org,
        code,
        period,
        statement,
        reconciliation,
        tuple((b, k) for g in groups for b in g.bank for k in g.book),
        tuple((bank_by_id[m.bank_id], open_by_id[m.book_id]) for m in suggestions),
        tuple(open_bank),
        tuple(open_book),
        groups,
    )


def _groups(
    uow: UnitOfWork,
    org: Org,
    code: str,
    stored: list[StoredLine],
    book: list[BookLine],
    period: Period,
) -> tuple[MatchGroup, ...]:
    """The matches with a line on ``period``'s statement, in the order of their first line."""
    ids = list(dict.fromkeys(s.match for s in stored if s.period == period and s.match))
    wanted = {k for s in stored if s.match in ids for k in s.books}
    by_id = {k.id: k for k in book if k.id in wanted}
    missing = sorted(wanted - set(by_id))
    by_id.update({k.id: k for k in uow.bank.book_lines_by_id(org.id, code, missing)})
    out = []
    for match in ids:
        lines = [s for s in stored if s.match == match]
        books = sorted({k for s in lines for k in s.books})
        out.append(
            MatchGroup(
                match,
                tuple(s.line for s in lines),
                tuple(by_id[k] for k in books if k in by_id),
            )
        )
    return tuple(out)


def bank_month(
    uow: UnitOfWork, actor: Actor, org_code: str, account: str, month: str | Period
) -> BankMonth:
    """:raise NotFound: no statement of the account for the month."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        code = _account(uow, org, account)
        period = _month(month)
        found = month_of(uow, org, code, period)
        if found is None:
            raise NotFound(f"no bank statement of {code} for {period}")
        return found


def statements(uow: UnitOfWork, actor: Actor, org_code: str, account: str) -> list[StatementRecord]:
    """The account's statements, oldest first."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.bank.statements(org.id, _account(uow, org, account))


# -- matching ------------------------------------------------------------------------------------


def accept_suggestions(
    uow: UnitOfWork, actor: Actor, org_code: str, account: str, month: str | Period
) -> int:
    """Store every suggested match of the month; how many.

    :raise NotFound: no statement of the account for the month.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        found = month_of(uow, org, code, period)
        if found is None:
            raise NotFound(f"no bank statement of {code} for {period}")
        for b, k in found.suggested:
            uow.bank.add_match(org.id, [b.id], [k.id])
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.match",
            "bank_statement",
            f"{code}:{period}",
            new={"matches": [[b.id, k.id] for b, k in found.suggested]},
        )
        uow.commit()
        return len(found.suggested)


def match(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account: str,
    month: str | Period,
    pair: Match,
) -> None:
    """Match a statement line to a book line by hand: both unmatched, the same signed amount.
    The dates may lie further apart than a suggestion's.

    :raise NotFound: either line is not the account's (up to the month). :raise Conflict: either
        is matched already. :raise ValidationFailed: the amounts differ.
    """
    pair_lines(uow, actor, org_code, account, month, [pair.bank_id], [pair.book_id])


@dataclass(frozen=True, slots=True)
class Pairing:
    """Lines to match by hand: the statement's and the books'."""

    bank: tuple[BankLine, ...]
    book: tuple[BookLine, ...]

    @property
    def amount_fen(self) -> int:
        return sum(b.amount_fen for b in self.bank)


def preview_pair(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account: str,
    month: str | Period,
    bank_ids: Sequence[int],
    book_ids: Sequence[int],
) -> Pairing:
    """The lines :func:`pair_lines` would match, checked as it checks them, nothing stored: what
    the accountant confirms."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        return _pairing(uow, org, code, _month(month), bank_ids, book_ids)


def pair_lines(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    account: str,
    month: str | Period,
    bank_ids: Sequence[int],
    book_ids: Sequence[int],
) -> Pairing:
    """Match by hand one statement line with one or more posted lines of the account, or one
    posted line with one or more statement lines (a deposit of several receipts, a transfer the
    bank split): every line unmatched, the signed totals the same, the dates any distance apart.

    :raise NotFound: a line is not the account's (statement lines: up to the month).
    :raise Conflict: ``bank_line_matched`` — a line is matched already. :raise ValidationFailed:
        ``bank_pair_shape`` (several lines both sides, or none one side), ``bank_amounts_differ``.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        found = _pairing(uow, org, code, period, bank_ids, book_ids)
        uow.bank.add_match(org.id, [b.id for b in found.bank], [k.id for k in found.book])
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.match",
            "bank_statement",
            f"{code}:{period}",
            new={"matches": [[b.id, k.id] for b in found.bank for k in found.book]},
        )
        uow.commit()
        return found


def _pairing(
    uow: UnitOfWork,
    org: Org,
    code: str,
    period: Period,
    bank_ids: Sequence[int],
    book_ids: Sequence[int],
) -> Pairing:
    if len(bank_ids) > rules.MAX_PAIRED or len(book_ids) > rules.MAX_PAIRED:
        rules.check_pair([], [])  # refuses: too many lines
    stored = {s.line.id: s for s in uow.bank.lines(org.id, code, period)}
    bank: list[BankLine] = []
    for line_id in dict.fromkeys(bank_ids):
        line = stored.get(line_id)
        if line is None:
            raise NotFound(f"statement line {line_id} not found")
        if line.match is not None:
            raise _matched_already()
        bank.append(line.line)
    wanted = list(dict.fromkeys(book_ids))
    book = uow.bank.book_lines_by_id(org.id, code, wanted)
    missing = sorted(set(wanted) - {k.id for k in book})
    if missing:
        raise NotFound(f"posted line {missing[0]} of {code} not found")
    if uow.bank.matched_books(org.id, wanted):
        raise _matched_already()
    rules.check_pair(bank, book)
    return Pairing(tuple(bank), tuple(book))


def _matched_already() -> Conflict:
    return Conflict(
        "the statement line or the book line is matched already", code="bank_line_matched"
    )


def unmatch(
    uow: UnitOfWork, actor: Actor, org_code: str, account: str, month: str | Period, line_id: int
) -> None:
    """Undo the match a statement line is in: every line of it is unmatched again.

    :raise NotFound: not a line of the account's statements. :raise Conflict: not matched.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        stored = uow.bank.lines(org.id, code, period)
        line = next((s for s in stored if s.line.id == line_id), None)
        if line is None:
            raise NotFound(f"statement line {line_id} not found")
        if line.match is None:
            raise Conflict("the statement line is not matched")
        pairs = [[s.line.id, k] for s in stored if s.match == line.match for k in s.books]
        uow.bank.drop_match(org.id, line.match)
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.unmatch",
            "bank_statement",
            f"{code}:{period}",
            old={"matches": pairs},
        )
        uow.commit()


# -- what the findings check ---------------------------------------------------------------------


def unreconciled(uow: UnitOfWork, org: Org, months: list[Period]) -> list[tuple[str, Period]]:
    """The bank accounts (银行存款's accounts without sub-accounts) and months among ``months``
    that had posted lines but no statement whose reconciliation balances — a statement of the
    account or of an account above it — inside the caller's unit of work."""
    if not months:
        return []
    top = bank_code(org)
    codes = sorted(c for c in uow.store.accounts(org.id) if c.startswith(top))
    leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    start, end = min(months).first_day, max(months).last_day
    kept = {c: {s.period for s in uow.bank.statements(org.id, c)} for c in codes}
    out: list[tuple[str, Period]] = []
    for code in leaves:
        posted = uow.bank.months_posted(org.id, code, start, end)
        for period in sorted(posted & set(months)):
            above = [c for c in codes if code.startswith(c) and period in kept[c]]
            if not any(_balances(uow, org, c, period) for c in above):
                out.append((code, period))
    return sorted(out, key=lambda pair: (pair[1], pair[0]))


def _balances(uow: UnitOfWork, org: Org, code: str, period: Period) -> bool:
    found = month_of(uow, org, code, period)
    return found is not None and found.reconciliation.balances

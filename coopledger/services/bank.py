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

from dataclasses import dataclass
from datetime import date, timedelta

from coopledger.domain import bank as rules
from coopledger.domain.accounts import load_chart
from coopledger.domain.bank import BankLine, BookLine, Match, Reconciliation
from coopledger.domain.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
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
class BankMonth:
    """A month of a bank account: its statement, the reconciliation at the month's end, the
    matches made, and those suggested among the lines still unmatched."""

    org: Org
    account: str
    period: Period
    statement: StatementRecord
    reconciliation: Reconciliation
    matched: tuple[tuple[BankLine, BookLine | None], ...]  # this month's statement lines
    suggested: tuple[tuple[BankLine, BookLine], ...]
    open_bank: tuple[BankLine, ...]  # unmatched statement lines, to match by hand
    open_book: tuple[BookLine, ...]  # unmatched book lines, to match by hand


def month_of(uow: UnitOfWork, org: Org, code: str, period: Period) -> BankMonth | None:
    """The month's reconciliation inside the caller's unit of work; None without a statement."""
    statements = uow.bank.statements(org.id, code)
    statement = next((s for s in statements if s.period == period), None)
    if statement is None:
        return None
    start = statements[0].period.first_day
    end = period.last_day
    stored = uow.bank.lines(org.id, code, period)
    book = uow.bank.book_lines(org.id, code, start, end + timedelta(days=rules.MATCH_WINDOW_DAYS))
    book_by_id = {k.id: k for k in book}
    matched_ids = [s.matched for s in stored if s.matched is not None]
    dates = uow.bank.book_dates(org.id, [i for i in matched_ids if i not in book_by_id])
    dates.update({k.id: k.booked_on for k in book})
    taken = set(matched_ids)
    in_transit = [s.line for s in stored if _in_transit(s, dates, end)]
    open_book = [k for k in book if k.id not in taken]
    reconciliation = rules.reconcile(
        uow.bank.book_balance(org.id, code, end),
        statement.closing_fen,
        in_transit,
        [k for k in open_book if k.booked_on <= end],
    )
    open_bank = [s.line for s in stored if s.matched is None]
    bank_by_id = {b.id: b for b in open_bank}
    open_by_id = {k.id: k for k in open_book}
    suggestions = rules.suggest(open_bank, open_book)
    return BankMonth(
        org,
        code,
        period,
        statement,
        reconciliation,
        tuple(
            (s.line, book_by_id.get(s.matched))
            for s in stored
            if s.period == period and s.matched is not None
        ),
        tuple((bank_by_id[m.bank_id], open_by_id[m.book_id]) for m in suggestions),
        tuple(open_bank),
        tuple(open_book),
    )


def _in_transit(line: StoredLine, dates: dict[int, date], end: date) -> bool:
    if line.matched is None:
        return True
    matched_on = dates.get(line.matched)
    return matched_on is None or matched_on > end


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
            uow.bank.set_match(org.id, b.id, k.id)
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
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        stored = {s.line.id: s for s in uow.bank.lines(org.id, code, period)}
        line = stored.get(pair.bank_id)
        if line is None:
            raise NotFound(f"statement line {pair.bank_id} not found")
        book = _book_line(uow, org, code, pair.book_id)
        if line.matched is not None or any(s.matched == book.id for s in stored.values()):
            raise Conflict("the statement line or the book line is matched already")
        if uow.bank.is_matched(org.id, book.id):
            raise Conflict("the book line is matched already")
        if line.line.amount_fen != book.amount_fen:
            raise ValidationFailed(
                "money in matches a debit and money out a credit of the same amount",
                errors={"voucher_line": ["the amounts differ"]},
            )
        uow.bank.set_match(org.id, line.line.id, book.id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.match",
            "bank_statement",
            f"{code}:{period}",
            new={"matches": [[line.line.id, book.id]]},
        )
        uow.commit()


def _book_line(uow: UnitOfWork, org: Org, code: str, line_id: int) -> BookLine:
    day = uow.bank.book_dates(org.id, [line_id]).get(line_id)
    found = (
        [k for k in uow.bank.book_lines(org.id, code, day, day) if k.id == line_id]
        if day is not None
        else []
    )
    if not found:
        raise NotFound(f"posted line {line_id} of {code} not found")
    return found[0]


def unmatch(
    uow: UnitOfWork, actor: Actor, org_code: str, account: str, month: str | Period, line_id: int
) -> None:
    """Undo a statement line's match.

    :raise NotFound: not a line of the account's statements. :raise Conflict: not matched.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        code = _account(uow, org, account)
        period = _month(month)
        stored = {s.line.id: s for s in uow.bank.lines(org.id, code, period)}
        line = stored.get(line_id)
        if line is None:
            raise NotFound(f"statement line {line_id} not found")
        if line.matched is None:
            raise Conflict("the statement line is not matched")
        uow.bank.set_match(org.id, line_id, None)
        audit_log.record(
            uow.store,
            org,
            actor,
            "bank.unmatch",
            "bank_statement",
            f"{code}:{period}",
            old={"matches": [[line_id, line.matched]]},
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

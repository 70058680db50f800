"""The statutory statements of one organization: 资产负债表 and 盈余及盈余分配表 (village:
收益及收益分配表), each with its comparison column, and the cooperatives' 成员权益变动表.

The line definitions are data (``reports/balance_sheet.toml``, ``reports/surplus.toml``, one
table per chart); the fold is ``domain.financial_statements``. This module only gathers the
balances:
per-account turnovers, per-member balances of the two-sided accounts with a member subledger
(114 成员往来; village 113 内部往来), the year-end closing vouchers (left out of the income and
expense lines so a closed year still shows its figures) and the year's posted vouchers that
appropriate surplus or move 未分配盈余. Nothing is read from the distribution plans: a statement
shows what the ledger holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from coopledger.domain.accounts import load_chart
from coopledger.domain.equity import EquityDef, EquityStatement
from coopledger.domain.equity import parse_definitions as parse_equity_definitions
from coopledger.domain.errors import InvalidState, field_error
from coopledger.domain.financial_statements import (
    Balances,
    LedgerLine,
    Statement,
    StatementDef,
    SurplusAccounts,
    distribution_inputs,
    fold_line,
    parse_definitions,
    statement,
)
from coopledger.domain.ledger import Dr, VoucherKind
from coopledger.domain.reporting import Turnover
from coopledger.domain.roles import Action, Actor
from coopledger.resources import resource_dir
from coopledger.services.access import org_for
from coopledger.services.equity_statement import equity_statement
from coopledger.services.ports import Org, UnitOfWork, VoucherFilter

# two-sided accounts whose pieces are members: per chart kind
_MEMBER_ACCOUNTS = {"cooperative": ("114",), "village_collective": ("113",)}


@cache
def definitions(name: str) -> dict[str, StatementDef]:
    """``definitions("balance_sheet")`` → {chart id: definition}, read once from reports/."""
    return parse_definitions((resource_dir("reports") / f"{name}.toml").read_text("utf-8"))


def _definition(name: str, chart: str) -> StatementDef:
    found = definitions(name).get(chart)
    if found is None:
        raise InvalidState(
            f"no {name.replace('_', ' ')} is defined for the chart {chart!r}",
            code="no_statement_definition",
        )
    return found


@dataclass(frozen=True, slots=True)
class Tie:
    """One figure two statements must both show: ``line`` on this statement and on the other."""

    line: str
    this_fen: int
    other_fen: int

    @property
    def holds(self) -> bool:
        return self.this_fen == self.other_fen


@dataclass(frozen=True, slots=True)
class FinancialStatement:
    org: Org
    statement: Statement
    as_of: date | None = None
    year: int | None = None
    ties: tuple[Tie, ...] = ()


def _closing(turnovers: list[Turnover]) -> dict[str, int]:
    return {t.account: t.opening_net + t.debit - t.credit for t in turnovers}


def _opening(turnovers: list[Turnover]) -> dict[str, int]:
    return {t.account: t.opening_net for t in turnovers}


def _member_pieces(
    uow: UnitOfWork, org: Org, nets: dict[str, int], through: date
) -> dict[str, list[int]]:
    """Debit-minus-credit per member on each member-subledger two-sided account, plus any
    remainder posted without a member (as one more piece)."""
    pieces: dict[str, list[int]] = {}
    for prefix in _MEMBER_ACCOUNTS.get(org.kind, ()):
        by_member = uow.registers.account_balances_by_member(org.id, prefix, through)
        values = [-credit for credit in by_member.values()]
        rest = sum(n for code, n in nets.items() if code.startswith(prefix)) - sum(values)
        pieces[prefix] = [*values, rest]
    return pieces


def balance_sheet(uow: UnitOfWork, actor: Actor, org_code: str, as_of: date) -> FinancialStatement:
    """资产负债表 at the end of ``as_of``, with 年初余额 (balances at 1 January of its year).

    :raise InvalidState: the organization's chart has no balance-sheet definition.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        result = _balance_sheet(uow, org, as_of)
    return FinancialStatement(org, result, as_of=as_of)


def _balance_sheet(uow: UnitOfWork, org: Org, as_of: date) -> Statement:
    definition = _definition("balance_sheet", org.chart)
    turnovers = uow.store.turnovers(org.id, date(as_of.year, 1, 1), as_of)
    end_nets, start_nets = _closing(turnovers), _opening(turnovers)
    end_pieces = _member_pieces(uow, org, end_nets, as_of)
    start_pieces = _member_pieces(uow, org, start_nets, date(as_of.year - 1, 12, 31))
    return statement(definition, Balances(end_nets, end_pieces), Balances(start_nets, start_pieces))


def _closing_lines(uow: UnitOfWork, org: Org, year: int, surplus_account: str) -> dict[str, int]:
    """Debit-minus-credit per account of the year's closing vouchers — income and expense into
    本年盈余, and 本年盈余 into 未分配盈余 — (empty if there are none: the year's results are not
    carried yet)."""
    if uow.store.year_stage(org.id, year) is None:
        return {}
    for account in (surplus_account, "5"):
        out: dict[str, int] = {}
        after = 0
        while True:
            flt = VoucherFilter(status="posted", year=year, month=12, account=account)
            page = uow.store.vouchers(org.id, flt, 200, after)
            for voucher in page:
                if voucher.kind == VoucherKind.CLOSING:
                    for line in voucher.lines:
                        signed = line.amount_fen if line.side == Dr.DEBIT else -line.amount_fen
                        out[line.account] = out.get(line.account, 0) + signed
            if len(page) < 200:
                break
            after = page[-1].id
        if out:
            return out
    return {}


def surplus_accounts(org: Org) -> SurplusAccounts:
    """The chart's accounts the distribution half of the surplus statement is read from."""
    chart = load_chart(org.chart)
    roles = chart.roles
    cooperative = org.kind == "cooperative"
    return SurplusAccounts(
        surplus=chart.surplus_account,
        undistributed=chart.undistributed_account,
        appropriation=chart.appropriation_account,
        reserve=chart.role("surplus_reserve"),
        capital=chart.role("capital"),
        patronage_payable=roles.get("patronage_payable") if cooperative else None,
        residual_payable=roles.get("residual_payable") if cooperative else None,
        member_current=None if cooperative else roles.get("member_current"),
    )


def _posted_touching(
    uow: UnitOfWork, org: Org, year: int, prefixes: tuple[str, ...], turnovers: list[Turnover]
) -> list[list[LedgerLine]]:
    """The lines of each posted voucher of ``year`` that touches one of ``prefixes``, closing
    vouchers left out, each voucher once. ``turnovers`` (the year's) name every account with a
    line in the year: only those accounts are looked up."""
    accounts = [t.account for t in turnovers if t.account.startswith(prefixes)]
    return [
        [LedgerLine(ln.account, ln.side == Dr.DEBIT, ln.amount_fen) for ln in lines]
        for kind, lines in uow.store.posted_touching(org.id, year, accounts)
        if kind != VoucherKind.CLOSING
    ]


def _year_balances(
    uow: UnitOfWork, org: Org, year: int, turnovers: list[Turnover] | None = None
) -> Balances:
    chart = load_chart(org.chart)
    if turnovers is None:
        turnovers = uow.store.turnovers(org.id, date(year, 1, 1), date(year, 12, 31))
    closing = _closing_lines(uow, org, year, chart.surplus_account)
    nets = {t.account: t.debit - t.credit - closing.get(t.account, 0) for t in turnovers}
    accounts = surplus_accounts(org)
    kept = (accounts.surplus, accounts.undistributed, accounts.appropriation)
    # as the balance sheet's 年初 column has it: with any income and expense of an earlier year
    # not carried forward (a year not closed)
    opening_undistributed = -sum(
        t.opening_net for t in turnovers if t.account.startswith((*kept, "5"))
    )
    # everything below the 本年盈余 line is read from the year's posted vouchers: what 各项分配
    # appropriated, by the account it credited, and what else moved 未分配盈余
    inputs = distribution_inputs(accounts, _posted_touching(uow, org, year, kept, turnovers))
    return Balances(nets, inputs={"opening_undistributed": opening_undistributed, **inputs})


def surplus_statement(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int
) -> FinancialStatement:
    """盈余及盈余分配表 (village: 收益及收益分配表) of ``year``, with the year before.

    Every line is read from the ledger: income and expense from the year's postings, the
    closing vouchers left out; 年初未分配盈余 from the balances at 1 January; the appropriations
    from the posted vouchers that debit 各项分配, by the account each credits; 其他转入 from any
    other voucher that moved 未分配盈余. Its 年末未分配盈余 is checked against the balance sheet's
    未分配盈余 at 31 December (the tie is in ``ties``; :mod:`findings` reports one that fails).

    :raise ValidationFailed: ``year`` out of range.
    :raise InvalidState: the organization's chart has no surplus-statement definition.
    """
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        result, ties = _surplus_statement(uow, org, year)
    return FinancialStatement(org, result, year=year, ties=ties)


def _surplus_statement(uow: UnitOfWork, org: Org, year: int) -> tuple[Statement, tuple[Tie, ...]]:
    definition = _definition("surplus", org.chart)
    result = statement(
        definition, _year_balances(uow, org, year), _year_balances(uow, org, year - 1)
    )
    tie = Tie(
        "未分配盈余" if org.kind == "cooperative" else "未分配收益",
        result.line("closing_undistributed").current or 0,
        _sheet_undistributed(uow, org, date(year, 12, 31)),
    )
    return result, (tie,)


def _reads_pieces(definition: StatementDef, key: str) -> bool:
    """Whether line ``key`` — or a line it sums — reads a two-sided account's member pieces."""
    lines = {line.key: line for line in definition.lines}
    line = lines[key]
    return bool(line.debit_balances or line.credit_balances) or any(
        _reads_pieces(definition, term.lstrip("-")) for term in line.sum
    )


def _sheet_undistributed(uow: UnitOfWork, org: Org, as_of: date) -> int:
    """The balance sheet's 未分配盈余 at ``as_of`` (期末), as :func:`balance_sheet` shows it; the
    members' pieces are read only when that line needs them."""
    definition = _definition("balance_sheet", org.chart)
    if _reads_pieces(definition, "undistributed"):
        return _balance_sheet(uow, org, as_of).line("undistributed").current or 0
    turnovers = uow.store.turnovers(org.id, date(as_of.year, 1, 1), as_of)
    end_nets, start_nets = _closing(turnovers), _opening(turnovers)
    result = statement(definition, Balances(end_nets), Balances(start_nets))
    return result.line("undistributed").current or 0


def surplus_ties(uow: UnitOfWork, org: Org, year: int) -> tuple[Tie, ...]:
    """The surplus statement's ties to the balance sheet, inside the caller's unit of work (none
    for a chart without both statements)."""
    defined = definitions("surplus"), definitions("balance_sheet")
    if any(org.chart not in d for d in defined):
        return ()
    return (_surplus_tie(uow, org, year),)


def _surplus_tie(uow: UnitOfWork, org: Org, year: int) -> Tie:
    """The tie of :func:`surplus_statement`, from the year's column alone: the surplus
    statement's 年末未分配盈余 and the balance sheet's 未分配盈余 at 31 December folded from one
    read of the year's turnover (the comparison columns do not enter the tie)."""
    turnovers = uow.store.turnovers(org.id, date(year, 1, 1), date(year, 12, 31))
    surplus = _definition("surplus", org.chart)
    this = fold_line(surplus, _year_balances(uow, org, year, turnovers), "closing_undistributed")
    sheet = _definition("balance_sheet", org.chart)
    nets = _closing(turnovers)
    line = next(ln for ln in sheet.lines if ln.key == "undistributed")
    # the line reads the accounts' balances; the members' pieces only when it (or a line it
    # sums) reads a two-sided account's pieces
    pieces = (
        _member_pieces(uow, org, nets, date(year, 12, 31))
        if line.sum or line.debit_balances or line.credit_balances
        else {}
    )
    other = fold_line(sheet, Balances(nets, pieces), "undistributed")
    return Tie("未分配盈余" if org.kind == "cooperative" else "未分配收益", this or 0, other or 0)


@cache
def equity_definitions() -> dict[str, EquityDef]:
    """``reports/members_equity.toml``, read once."""
    text = (resource_dir("reports") / "members_equity.toml").read_text("utf-8")
    return parse_equity_definitions(text)


@dataclass(frozen=True, slots=True)
class MembersEquityReport:
    org: Org
    year: int
    statement: EquityStatement


def members_equity(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int, *, traced: bool = True
) -> MembersEquityReport:
    """成员权益变动表 (会农社03表) of ``year``: opening balances, the year's increases and
    decreases by source (each traced to its vouchers: how many, and the first of them in number
    order; without ``traced`` only the figures), closing balances checked against the ledger.

    :raise ValidationFailed: ``year`` out of range.
    :raise InvalidState: the organization's chart has no definition of this form (it is the
        cooperatives' form; village collectives have none).
    """
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        definition = equity_definitions().get(org.chart)
        if definition is None:
            raise InvalidState(
                f"no statement of changes in members' equity is defined for the chart {org.chart!r}",
                code="no_statement_definition",
            )
        turnovers = uow.store.turnovers(org.id, date(year, 1, 1), date(year, 12, 31))
        fund_sources = {f.code: f.source for f in uow.store.funds(org.id)}
        result = equity_statement(
            uow, org.id, definition, year, turnovers, fund_sources, traced=traced
        )
    return MembersEquityReport(org, year, result)

"""The statutory statements of one organization: 资产负债表 and 盈余及盈余分配表 (village:
收益及收益分配表), each with its comparison column, and the cooperatives' 成员权益变动表.

The line definitions are data (``reports/balance_sheet.toml``, ``reports/surplus.toml``, one
table per chart); the fold is ``domain.financial_statements``. This module only gathers the
balances:
per-account turnovers, per-member balances of the two-sided accounts with a member subledger
(114 成员往来; village 113 内部往来), the year-end closing voucher (left out of the income and
expense lines so a closed year still shows its figures) and the distribution plans posted in
the year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from coopledger.domain.accounts import load_chart
from coopledger.domain.equity import EquityDef, EquityStatement, PostedVoucher
from coopledger.domain.equity import members_equity as fold_members_equity
from coopledger.domain.equity import parse_definitions as parse_equity_definitions
from coopledger.domain.errors import InvalidState, field_error
from coopledger.domain.financial_statements import (
    Balances,
    Statement,
    StatementDef,
    parse_definitions,
    statement,
)
from coopledger.domain.ledger import Dr, VoucherKind
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import Turnover
from coopledger.domain.roles import Action, Actor
from coopledger.resources import resource_dir
from coopledger.services.access import org_for
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
class FinancialStatement:
    org: Org
    statement: Statement
    as_of: date | None = None
    year: int | None = None


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
    start = date(as_of.year, 1, 1)
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        definition = _definition("balance_sheet", org.chart)
        turnovers = uow.store.turnovers(org.id, start, as_of)
        end_nets, start_nets = _closing(turnovers), _opening(turnovers)
        end_pieces = _member_pieces(uow, org, end_nets, as_of)
        start_pieces = _member_pieces(uow, org, start_nets, date(as_of.year - 1, 12, 31))
    result = statement(
        definition, Balances(end_nets, end_pieces), Balances(start_nets, start_pieces)
    )
    return FinancialStatement(org, result, as_of=as_of)


def _closing_lines(uow: UnitOfWork, org: Org, year: int, surplus_account: str) -> dict[str, int]:
    """Debit-minus-credit per account of the year's closing vouchers — income and expense into
    本年盈余, and 本年盈余 into 未分配盈余 — (empty if there are none)."""
    if not uow.store.year_closed(org.id, year):
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


def _year_balances(uow: UnitOfWork, org: Org, year: int) -> Balances:
    chart = load_chart(org.chart)
    turnovers = uow.store.turnovers(org.id, date(year, 1, 1), date(year, 12, 31))
    closing = _closing_lines(uow, org, year, chart.surplus_account)
    nets = {t.account: t.debit - t.credit - closing.get(t.account, 0) for t in turnovers}
    equity = (chart.surplus_account, chart.surplus_account[:2] + "2")  # 331 + 332; 321 + 322
    opening_undistributed = -sum(t.opening_net for t in turnovers if t.account.startswith(equity))
    inputs = {"opening_undistributed": opening_undistributed}
    # the plans whose vouchers are booked in this year (they are dated on the approval day), so
    # 年末未分配盈余 agrees with 331 + 332 on the balance sheet at 31 December
    dist = uow.distributions
    for plan_id, plan_year, status in dist.plans(org.id, None):
        if status != "posted" or plan_year not in (year - 1, year):
            continue
        plan = dist.plan(org.id, plan_id)
        if plan is None or plan.approved_on is None or plan.approved_on.year != year:
            continue
        for key, value in (
            ("reserve", plan.R),
            ("other_appropriations", plan.others),
            ("patronage", plan.P),
            ("residual", plan.Q),
            ("residual_and_others", plan.Q + plan.others),
            ("household_distribution", plan.P + plan.Q),
        ):
            inputs[key] = inputs.get(key, 0) + value
    return Balances(nets, inputs=inputs)


def surplus_statement(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int
) -> FinancialStatement:
    """盈余及盈余分配表 (village: 收益及收益分配表) of ``year``, with the year before.

    Income and expense lines are the year's postings, the closing voucher left out; the
    appropriations are those of the distribution plans posted in the year (their vouchers are
    dated on the approval day, usually early the next year), so 年末未分配盈余 agrees with the
    balance sheet at 31 December.

    :raise ValidationFailed: ``year`` out of range.
    :raise InvalidState: the organization's chart has no surplus-statement definition.
    """
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        definition = _definition("surplus", org.chart)
        current = _year_balances(uow, org, year)
        prior = _year_balances(uow, org, year - 1)
    return FinancialStatement(org, statement(definition, current, prior), year=year)


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


def members_equity(uow: UnitOfWork, actor: Actor, org_code: str, year: int) -> MembersEquityReport:
    """成员权益变动表 (会农社03表) of ``year``: opening balances, the year's increases and
    decreases by source (each traced to its vouchers), closing balances checked against the ledger.

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
        opening: dict[str, int] = defaultdict(int)
        closing: dict[str, int] = defaultdict(int)
        for t in turnovers:
            column = definition.column_of(t.account)
            if column is not None:
                opening[column] -= t.opening_net
                closing[column] -= t.opening_net + t.debit - t.credit
        fund_sources = {f.code: f.source for f in uow.store.funds(org.id)}
        posted: list[PostedVoucher] = []
        prefixes = {a[0] for c in definition.columns for a in c.accounts}
        seen: set[int] = set()
        for prefix in sorted(prefixes):
            after = 0
            while True:
                flt = VoucherFilter(status="posted", year=year, account=prefix)
                page = uow.store.vouchers(org.id, flt, 500, after)
                for v in page:
                    if v.id in seen or v.number is None:
                        continue
                    seen.add(v.id)
                    number = voucher_number(Period(v.booked_on.year, v.booked_on.month), v.number)
                    posted.append(
                        PostedVoucher(number, v.lines, reversal=v.kind == VoucherKind.REVERSAL)
                    )
                if len(page) < 500:
                    break
                after = page[-1].id
    posted.sort(key=lambda p: p.number)
    result = fold_members_equity(definition, opening, posted, fund_sources, closing)
    return MembersEquityReport(org, year, result)

"""The registers as reports: 固定资产登记簿 (fixed-asset register) and 资金使用情况表 (fund usage).

Each report is the register as it stands, read in one transaction together with the ledger
balances it must agree with: the register's cost and accumulated depreciation against 固定资产 and
累计折旧 — and each other kind on the register (生产性生物资产, 公益性生物资产, 无形资产,
长期待摊费用) under its own heading against its own accounts — the funds' unspent balances against
their 专项应付款 accounts. A difference is shown,
never hidden — it is what an auditor asks about first (an acquisition voucher not yet posted, a
disposal not yet booked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from coopledger.domain import postings
from coopledger.domain.accounts import Chart, load_chart
from coopledger.domain.assets import KIND_NAMES, AssetClass, AssetKind
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import AssetRecord, Org, UnitOfWork
from coopledger.services.registers import FundView, fund_accounts, views_in


@dataclass(frozen=True, slots=True)
class AssetLine:
    record: AssetRecord
    accumulated_fen: int

    @property
    def net_fen(self) -> int:
        return self.record.asset.cost_fen - self.accumulated_fen

    @property
    def fund_financed_fen(self) -> int:
        return sum(self.record.asset.funding.values())


@dataclass(frozen=True, slots=True)
class Totals:
    count: int
    cost_fen: int
    accumulated_fen: int
    net_fen: int
    fund_financed_fen: int


def _totals(lines: list[AssetLine]) -> Totals:
    return Totals(
        len(lines),
        sum(ln.record.asset.cost_fen for ln in lines),
        sum(ln.accumulated_fen for ln in lines),
        sum(ln.net_fen for ln in lines),
        sum(ln.fund_financed_fen for ln in lines),
    )


@dataclass(frozen=True, slots=True)
class KindSection:
    """The assets of one kind other than fixed assets, under their heading, against their
    accounts. ``accumulated_account`` is None for a kind never written down and the cost account
    itself where the chart amortizes straight off it (then the ledger holds the net value)."""

    kind: AssetKind
    cost_account: str
    accumulated_account: str | None
    lines: list[AssetLine]
    totals: Totals  # the assets held on the day
    ledger_cost_fen: int  # the cost account's debit balance
    ledger_accumulated_fen: int  # the accumulated account's credit balance (0: none of its own)

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def direct(self) -> bool:
        """Written down straight off the cost account (长期待摊费用; 无形资产 in older charts)."""
        return self.accumulated_account == self.cost_account

    @property
    def ties(self) -> bool:
        if self.direct:
            return self.totals.net_fen == self.ledger_cost_fen
        return (
            self.totals.cost_fen == self.ledger_cost_fen
            and self.totals.accumulated_fen == self.ledger_accumulated_fen
        )


@dataclass(frozen=True, slots=True)
class AssetRegister:
    """The fixed assets (lines, totals, ledger) and, in ``sections``, each other kind held."""

    org: Org
    as_of: date
    lines: list[AssetLine]
    by_class: dict[AssetClass, Totals]
    poverty: Totals  # assets built with poverty-alleviation funds (扶贫资产)
    totals: Totals
    ledger_cost_fen: int  # 固定资产 debit balance
    ledger_accumulated_fen: int  # 累计折旧 credit balance
    sections: tuple[KindSection, ...] = ()

    @property
    def ties(self) -> bool:
        return (
            self.totals.cost_fen == self.ledger_cost_fen
            and self.totals.accumulated_fen == self.ledger_accumulated_fen
            and all(section.ties for section in self.sections)
        )


LATEST = date(2999, 12, 31)


def _ledger_nets(
    uow: UnitOfWork, org: Org, as_of: date, *, through: date | None = None
) -> dict[str, int]:
    """Debit-minus-credit per account at the end of ``as_of`` (or of ``through``)."""
    turnovers = uow.store.turnovers(org.id, date(as_of.year, 1, 1), through or as_of)
    return {t.account: t.opening_net + t.debit - t.credit for t in turnovers}


def _sum_prefix(nets: dict[str, int], prefix: str) -> int:
    return sum(net for code, net in nets.items() if code.startswith(prefix))


def accumulated_through(record: AssetRecord, as_of: date) -> int:
    """Accumulated depreciation on ``as_of``: older books' plus the posted charges of the months
    ended by then (a month's charge is dated its last day)."""
    return record.asset.opening_accumulated_fen + sum(
        c.amount_fen for p, c in record.charges.items() if c.posted and p.last_day <= as_of
    )


def _held(record: AssetRecord, as_of: date) -> bool:
    disposed = record.asset.disposed_on
    return record.asset.acquired_on <= as_of and (disposed is None or disposed > as_of)


def asset_register(
    uow: UnitOfWork, actor: Actor, org_code: str, as_of: date | None = None
) -> AssetRegister:
    """固定资产登记簿 on ``as_of`` (default today): every card acquired by then with cost,
    accumulated depreciation (older books' plus the charges posted for the months ended by then),
    net value and funding; totals by class and for poverty-alleviation assets still held (a
    disposed asset is listed, not totalled); the ledger's 固定资产 and 累计折旧 on that day beside
    them. Every other kind on the register comes after, in its own section with its accounts."""
    as_of = as_of or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        chart = load_chart(org.chart)
        records = uow.registers.assets(org.id)
        nets = _ledger_nets(uow, org, as_of)
    every = [
        AssetLine(r, accumulated_through(r, as_of)) for r in records if r.asset.acquired_on <= as_of
    ]
    every.sort(key=lambda ln: ln.record.asset.asset_no)
    lines = [ln for ln in every if ln.record.asset.kind is AssetKind.FIXED]
    # the totals are of the assets held on the day: a disposed asset is listed, with its date,
    # but its disposal voucher has taken it out of 固定资产 and 累计折旧; one acquired later (a
    # voucher dated ahead) is not on the ledger yet
    held = [ln for ln in lines if _held(ln.record, as_of)]
    grouped: dict[AssetClass, list[AssetLine]] = defaultdict(list)
    for line in held:
        grouped[line.record.asset.asset_class].append(line)
    return AssetRegister(
        org,
        as_of,
        lines,
        {cls: _totals(grouped[cls]) for cls in AssetClass if grouped[cls]},
        _totals([ln for ln in held if ln.record.asset.poverty_project]),
        _totals(held),
        _sum_prefix(nets, chart.role("fixed_assets")),
        -_sum_prefix(nets, chart.role("accumulated_depreciation")),
        tuple(
            _section(kind, [ln for ln in every if ln.record.asset.kind is kind], chart, nets, as_of)
            for kind in AssetKind
            if kind is not AssetKind.FIXED and any(ln.record.asset.kind is kind for ln in every)
        ),
    )


def _section(
    kind: AssetKind, lines: list[AssetLine], chart: Chart, nets: dict[str, int], as_of: date
) -> KindSection:
    cost, contra = postings.kind_accounts(chart, kind)
    separate = contra is not None and contra != cost
    return KindSection(
        kind,
        cost,
        contra,
        lines,
        _totals([ln for ln in lines if _held(ln.record, as_of)]),
        _sum_prefix(nets, cost),
        -_sum_prefix(nets, contra) if separate and contra else 0,
    )


@dataclass(frozen=True, slots=True)
class FundUsage:
    org: Org
    as_of: date
    funds: list[FundView]
    ledger_balance_fen: int  # credit balance of the fund accounts (专项应付款 …)

    @property
    def granted_fen(self) -> int:
        return sum(v.fund.granted_fen for v in self.funds)

    @property
    def received_fen(self) -> int:
        return sum(v.figures.received for v in self.funds)

    @property
    def spent_fen(self) -> int:
        return sum(v.figures.spent for v in self.funds)

    @property
    def balance_fen(self) -> int:
        return sum(v.balance for v in self.funds)

    @property
    def special_fund_fen(self) -> int:
        return sum(v.figures.special_fund for v in self.funds)

    @property
    def quantified_fen(self) -> int:
        return sum(v.figures.quantified for v in self.funds)

    @property
    def in_construction_fen(self) -> int:
        """Of 专项基金, what was spent on projects not completed yet (在建)."""
        return sum(v.figures.in_construction for v in self.funds)

    @property
    def ties(self) -> bool:
        return self.balance_fen == self.ledger_balance_fen


def fund_usage(
    uow: UnitOfWork, actor: Actor, org_code: str, as_of: date | None = None
) -> FundUsage:
    """资金使用情况表 on ``as_of`` (default: as the books stand): per fund the grant, what was
    received and spent, what is held, the 专项基金 formed through assets and projects in progress
    (在建, spent into 在建工程 and not completed yet) and what of it is quantified to members; the
    fund accounts' ledger balance beside the total held."""
    dated = as_of is not None
    as_of = as_of or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        views = views_in(uow, org, as_of if dated else None)
        accounts = fund_accounts(uow.store, org)
        # undated, the funds' figures count every posted line, a voucher dated ahead of today
        # included: so does the ledger balance they are compared with
        nets = _ledger_nets(uow, org, as_of, through=as_of if dated else LATEST)
    ledger = -sum(net for code, net in nets.items() if code in accounts)
    return FundUsage(org, as_of, sorted(views, key=lambda v: v.fund.code), ledger)

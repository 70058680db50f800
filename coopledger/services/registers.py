"""Funds, fixed assets and depreciation: where poverty-alleviation money becomes traceable.

A fiscal grant is received into 专项应付款 (per fund); registering an asset it financed prepares
the acquisition voucher — Dr 固定资产 / Cr 银行存款, and for the fund-financed part Dr 专项应付款 /
Cr 专项基金 in the same voucher. Depreciation runs prepare one voucher per month not yet charged.
Generated vouchers go through review and posting like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from coopledger.domain import assets as asset_rules
from coopledger.domain import postings
from coopledger.domain.accounts import Chart, Subledger, load_chart
from coopledger.domain.assets import FixedAsset, charges_due, validate_asset
from coopledger.domain.errors import (
    Duplicate,
    NotFound,
    PeriodClosed,
    ValidationFailed,
    field_error,
)
from coopledger.domain.ledger import Voucher, VoucherDraft
from coopledger.domain.members import member_sort_key
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.domain.shares import ShareMove, fund_holdings
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import (
    AccountStore,
    AssetRecord,
    Clock,
    Fund,
    FundFigures,
    FundLine,
    Org,
    Registers,
    ShareEvent,
    Store,
    UnitOfWork,
)
from coopledger.services.vouchers import prepare

# -- funds ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundView:
    fund: Fund
    figures: FundFigures

    @property
    def balance(self) -> int:
        """Received and not yet spent (专项应付款 still held)."""
        return self.figures.received - self.figures.spent

    @property
    def unspent_for_assets(self) -> int:
        """What a new asset may still draw: the balance less funding awaiting its voucher."""
        return self.balance - self.figures.committed_to_assets


def fund_accounts(store: AccountStore, org: Org) -> list[str]:
    """The accounts that keep a fund subledger (专项应付款, 一事一议资金…) and their sub-accounts."""
    return [a.code for a in store.accounts(org.id).values() if a.subledger is Subledger.FUND]


def fund_views(uow: UnitOfWork, actor: Actor, org_code: str) -> list[FundView]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return views_in(uow, org)


def fund_view(uow: UnitOfWork, actor: Actor, org_code: str, code: str) -> FundView:
    """:raise NotFound: no such fund in this organization."""
    for view in fund_views(uow, actor, org_code):
        if view.fund.code == code:
            return view
    raise NotFound(f"fund {code!r} not found")


def views_in(uow: UnitOfWork, org: Org, through: date | None = None) -> list[FundView]:
    """Every fund of ``org`` with its figures (those dated ``through`` or before, when given),
    inside the caller's unit of work."""
    figures = uow.registers.fund_figures(org.id, fund_accounts(uow.store, org), through)
    empty = FundFigures(0, 0, 0, 0, 0, ())
    return [FundView(f, figures.get(f.code, empty)) for f in uow.store.funds(org.id)]


@dataclass(frozen=True, slots=True)
class TracedAsset:
    record: AssetRecord
    funded_fen: int
    accumulated_fen: int


@dataclass(frozen=True, slots=True)
class TracedProject:
    """A project the fund finances, not completed yet: what of it is posted (在建)."""

    project_no: str
    name: str
    posted_fen: int


@dataclass(frozen=True, slots=True)
class FundTrace:
    view: FundView
    receipts: list[FundLine]
    spending: list[FundLine]
    assets: list[TracedAsset]
    quantified: list[tuple[str, str, int]]  # member number, name, fen
    #: who holds the fund's quantified shares now: member number, name, status now, fen
    holders: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: the reassignments and forfeits that moved them: the event, and (member number, ±fen)
    moves: list[tuple[ShareEvent, tuple[tuple[str, int], ...]]] = field(default_factory=list)
    #: projects in progress it finances (在建): spent into 专项基金, no asset card yet
    building: list[TracedProject] = field(default_factory=list)
    #: a village's 集体股 of it: quantified, held by the collective itself (no member's)
    collective_fen: int = 0

    @property
    def ties(self) -> bool:
        """Each step adds up: lines to figures, assets and projects in progress to 专项基金,
        shares within it."""
        received = sum(ln.credit_fen for ln in self.receipts if ln.status == "posted")
        spent = sum(ln.debit_fen for ln in self.spending if ln.status == "posted")
        to_assets = sum(a.funded_fen for a in self.assets) + sum(
            p.posted_fen for p in self.building
        )
        shares = sum(q[2] for q in self.quantified) + self.collective_fen
        f = self.view.figures
        return (
            received == f.received
            and spent == f.spent
            and to_assets == f.special_fund
            and shares == f.quantified
            and shares <= to_assets
        )


def fund_trace(uow: UnitOfWork, actor: Actor, org_code: str, code: str) -> FundTrace:
    """A fund from grant to receipts, spending vouchers, assets (depreciated to date) and the
    members' quantified shares. :raise NotFound: no such fund."""
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        view = next((v for v in views_in(uow, org) if v.fund.code == code), None)
        if view is None:
            raise NotFound(f"fund {code!r} not found")
        lines = registers.fund_lines(org.id, view.fund.id)
        assets = [
            TracedAsset(r, r.asset.funding[code], accumulated(r))
            for r in registers.assets(org.id)
            if code in r.asset.funding
        ]
        holders = {h.member_id: h for h in registers.holders(org.id, date.max)}
        per_member: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        events = registers.share_events(org.id)
        for event in events:
            if event.fund == code:
                for member_no, _cls, fen in event.allocations:
                    per_member[member_no] += fen
        for h in holders.values():
            names[h.member_no] = h.name
        building = [
            TracedProject(p.project.project_no, p.project.name, p.posted_fen)
            for p in uow.construction.projects(org.id)
            if p.project.fund == code and p.completed_on is None and p.posted_fen
        ]
    quantified = [(no, names.get(no, ""), fen) for no, fen in sorted(per_member.items()) if fen]
    held, changes = fund_holdings([ShareMove(e.id, e.kind, e.fund, e.allocations) for e in events])
    status = {h.member_no: h.status for h in holders.values()}
    by_id = {e.id: e for e in events}
    return FundTrace(
        view,
        [ln for ln in lines if ln.credit_fen],
        [ln for ln in lines if ln.debit_fen],
        assets,
        quantified,
        [
            (no, names.get(no, ""), status.get(no, "none"), fen)
            for no, fen in sorted(held.get(code, {}).items(), key=lambda kv: member_sort_key(kv[0]))
        ],
        [
            (by_id[event_id], moved)
            for event_id, moved in changes.get(code, [])
            if by_id[event_id].kind not in ("quantify_fiscal", "quantify_donation")
        ],
        building,
        collective_fen=sum(e.collective_fen or 0 for e in events if e.fund == code),
    )


# -- fixed assets --------------------------------------------------------------------------------


def accumulated(record: AssetRecord) -> int:
    """Accumulated depreciation: older books' plus the posted charges of this system."""
    return asset_rules.accumulated(
        record.asset, sum(c.amount_fen for c in record.charges.values() if c.posted)
    )


def register_asset(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    asset: FixedAsset,
    *,
    pay_account: str | None = None,
    clock: Clock = utcnow,
) -> tuple[AssetRecord, Voucher | None]:
    """Record an asset card and prepare its acquisition voucher (none for a migrated asset,
    whose cost and depreciation come in with the opening balances).

    :raise ValidationFailed: the card is invalid; the organization's chart has no account for
        the asset's kind (on ``kind``, naming the kind and the chart); an unknown fund; a fund
        asked for more than its unspent balance. :raise Duplicate: the asset number is taken.
    :raise PeriodClosed: the acquisition date lies in a closed month.
    """
    validate_asset(asset)
    now = clock()
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        chart = load_chart(org.chart)
        postings.kind_accounts(chart, asset.kind)
        if registers.asset(org.id, asset.asset_no) is not None:
            raise Duplicate(f"asset {asset.asset_no} exists")
        fund_ids = store.funds_by_code(org.id, set(asset.funding))
        unknown = sorted(set(asset.funding) - set(fund_ids))
        if unknown:
            raise field_error("funding", f"unknown fund(s): {', '.join(unknown)}")
        views = {v.fund.code: v for v in views_in(uow, org)}
        errors = {
            f"funding.{code}": [
                f"more than the fund's unspent balance of {format_amount(views[code].unspent_for_assets)} yuan"
            ]
            for code, amount in asset.funding.items()
            if amount > views[code].unspent_for_assets
        }
        if errors:
            raise ValidationFailed("a fund cannot finance that much", errors=errors)
        voucher = None
        if not asset.migrated:
            draft = acquisition_draft(
                chart, store, org, asset, views, pay_account or chart.role("bank")
            )
            voucher = prepare(store, org, actor, draft, now)
        registers.add_asset(org.id, asset, fund_ids, voucher.id if voucher else None, now)
        record = registers.asset(org.id, asset.asset_no)
        assert record is not None
        audit_log.record(
            store,
            org,
            actor,
            "asset.create",
            "asset",
            asset.asset_no,
            new={
                "cost_fen": asset.cost_fen,
                "kind": asset.kind.value,
                "voucher": voucher.id if voucher else None,
            },
        )
        uow.commit()
    return record, voucher


def acquisition_draft(
    chart: Chart,
    store: Store,
    org: Org,
    asset: FixedAsset,
    views: dict[str, FundView],
    pay_account: str,
) -> VoucherDraft:
    """The acquisition voucher of ``asset`` paid from ``pay_account``, each financing fund's
    part moved from where its money waits (``views`` names the funds) into 专项基金."""
    funds: dict[str, postings.FundPart] = {}
    if asset.funding and not asset.nominal:
        accounts = store.accounts(org.id)
        funds = {
            code: postings.FundPart(
                views[code].fund.name,
                postings.fund_payable_account(chart, accounts, views[code].fund.source),
            )
            for code in asset.funding
        }
    return postings.acquisition(chart, asset, pay_account, funds)


def list_assets(uow: UnitOfWork, actor: Actor, org_code: str) -> list[AssetRecord]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.registers.assets(org.id)


def get_asset(uow: UnitOfWork, actor: Actor, org_code: str, asset_no: str) -> AssetRecord:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        record = uow.registers.asset(org.id, asset_no)
    if record is None:
        raise NotFound(f"asset {asset_no!r} not found")
    return record


def dispose_asset(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    asset_no: str,
    on: date,
    *,
    proceeds_fen: int = 0,
    receive_account: str | None = None,
    clock: Clock = utcnow,
) -> AssetRecord:
    """Record the disposal and prepare its voucher (固定资产清理): the asset leaves 固定资产 and
    累计折旧, what it fetched comes in, the difference goes to 其他收入 or 其他支出. It is still
    charged in the month of disposal, never after; the voucher is reviewed and posted like any.

    :raise ValidationFailed: before acquisition; a month already charged after it; depreciation
        or the acquisition not yet posted (the voucher would not match the ledger); already
        disposed; a negative or unreceivable amount.
    :raise PeriodClosed: the disposal date lies in a closed month.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        record = uow.registers.asset(org.id, asset_no)
        if record is None:
            raise NotFound(f"asset {asset_no!r} not found")
        if record.asset.disposed_on is not None:
            raise field_error("date", f"the asset was disposed of on {record.asset.disposed_on}")
        if on < record.asset.acquired_on:
            raise field_error("date", "must not be before the acquisition")
        later = [p for p in record.charges if p > Period.of(on)]
        if later:
            raise field_error(
                "date",
                f"{max(later)} has been charged already; delete that depreciation draft first",
            )
        if any(not c.posted for c in record.charges.values()):
            raise field_error(
                "date", "post (or delete) the depreciation vouchers prepared for this asset first"
            )
        if record.acquisition_voucher_id is not None:
            acquisition = store.voucher(org.id, record.acquisition_voucher_id)
            if acquisition is None or acquisition.status != "posted":
                raise field_error("date", "post the acquisition voucher of this asset first")
        chart = load_chart(org.chart)
        draft = postings.disposal(
            chart,
            record.asset,
            on,
            accumulated(record),
            proceeds_fen,
            receive_account or chart.role("bank"),
        )
        voucher = prepare(store, org, actor, draft, clock())
        uow.registers.set_disposed(record.id, on, voucher.id)
        updated = uow.registers.asset(org.id, asset_no)
        assert updated is not None
        audit_log.record(
            uow.store,
            org,
            actor,
            "asset.dispose",
            "asset",
            asset_no,
            new={"disposed_on": on.isoformat()},
        )
        uow.commit()
    return updated


def record_usage(
    uow: UnitOfWork, actor: Actor, org_code: str, asset_no: str, period: Period, units: int
) -> AssetRecord:
    """Units an asset depreciated by units of production yielded in a month. Units of the
    acquisition month are charged with the first month charged.

    :raise ValidationFailed: not such an asset, units ≤ 0, a month already charged (the first
        month, for the acquisition month's units), or a month of a migrated asset that the
        older books charged.
    """
    if units <= 0:
        raise field_error("units", "must be more than zero")
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        record = uow.registers.asset(org.id, asset_no)
        if record is None:
            raise NotFound(f"asset {asset_no!r} not found")
        if record.asset.method.value != "units_of_production":
            raise field_error("units", "the asset is depreciated by straight line")
        first = record.asset.first_period
        if period < first and record.asset.migrated:
            raise field_error(
                "period",
                f"{period} was charged in the older books; their units are the units used "
                f"before migration (this system charges from {first})",
            )
        charged_in = max(period, first)
        if charged_in in record.charges:
            raise field_error("period", f"{charged_in} has been charged already")
        uow.registers.set_usage(record.id, period, units)
        updated = uow.registers.asset(org.id, asset_no)
        assert updated is not None
        audit_log.record(
            uow.store,
            org,
            actor,
            "asset.usage",
            "asset",
            asset_no,
            new={"period": str(period), "units": units},
        )
        uow.commit()
    return updated


def _refuse_unended(through: Period, today: date) -> None:
    """:raise ValidationFailed: ``through`` has not ended on ``today`` (``month_not_ended``)."""
    if not through.ended_by(today):
        this_month = Period.of(today)
        last = this_month if this_month.ended_by(today) else this_month.previous()
        raise ValidationFailed(
            f"{through} has not ended yet; depreciation is charged at a month's end "
            f"(the latest month that can be charged today is {last})",
            code="month_not_ended",
            params={"period": str(through), "last": str(last)},
            errors={"through": [f"{through} has not ended yet; the latest is {last}"]},
        )


def _charges_due(
    store: Store, registers: Registers, org: Org, through: Period
) -> dict[Period, list[tuple[AssetRecord, int]]]:
    """Each month up to ``through`` with charges not made yet: (asset, fen) per asset.

    :raise PeriodClosed: a month with charges due is closed (named in the message).
    """
    due: dict[Period, list[tuple[AssetRecord, int]]] = defaultdict(list)
    for record in registers.assets(org.id):
        for period, fen in charges_due(record.asset, through, set(record.charges), record.usage):
            due[period].append((record, fen))
    closed = [p for p in sorted(due) if store.period_status(org.id, p.year, p.month) == "closed"]
    if closed:
        raise PeriodClosed(f"{closed[0]} is closed; depreciation due in it cannot be charged there")
    return dict(sorted(due.items()))


@dataclass(frozen=True, slots=True)
class DueCharge:
    """One asset's charge in one month, as a depreciation run would prepare it."""

    period: Period
    asset_no: str
    name: str
    use: str  # production, management, public_welfare
    amount_fen: int
    kind: str = "fixed"  # fixed, productive_biological, intangible, long_term_deferred


def depreciation_preview(
    uow: UnitOfWork, actor: Actor, org_code: str, through: Period, *, clock: Clock = utcnow
) -> list[DueCharge]:
    """What :func:`run_depreciation` would prepare through ``through``, without preparing it:
    each month's charges per asset (one voucher a month), months in order. Reads only; the same
    refusals as the run.

    :raise ValidationFailed: ``through`` has not ended yet (``month_not_ended``).
    :raise PeriodClosed: a month with charges due is closed (named in the message).
    """
    _refuse_unended(through, clock().date())
    with uow:
        org = org_for(uow.store, actor, org_code, Action.PREPARE)
        due = _charges_due(uow.store, uow.registers, org, through)
    return [
        DueCharge(
            period, r.asset.asset_no, r.asset.name, r.asset.use.value, fen, r.asset.kind.value
        )
        for period, charges in due.items()
        for r, fen in charges
    ]


def run_depreciation(
    uow: UnitOfWork, actor: Actor, org_code: str, through: Period, *, clock: Clock = utcnow
) -> list[Voucher]:
    """Prepare one depreciation voucher per month up to ``through`` that is not charged yet, for
    every kind of asset on the register: Dr 生产成本 / 管理费用 / 其他支出 by each asset's use,
    Cr 累计折旧, 生产性生物资产累计折旧, 累计摊销 or 长期待摊费用 by its kind. Running it twice
    prepares nothing twice.

    :raise ValidationFailed: ``through`` has not ended yet (``month_not_ended``): a month is
        charged at its end, never ahead of it.
    :raise PeriodClosed: a month with charges due is closed (named in the message).
    """
    now = clock()
    _refuse_unended(through, now.date())
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.PREPARE)
        chart = load_chart(org.chart)
        due = _charges_due(store, registers, org, through)
        vouchers = []
        for period in sorted(due):
            draft = postings.depreciation(
                chart, period, [(r.asset.use, fen, r.asset.kind) for r, fen in due[period]]
            )
            voucher = prepare(store, org, actor, draft, now)
            registers.add_charges(voucher.id, [(r.id, period, fen) for r, fen in due[period]])
            vouchers.append(voucher)
        audit_log.record(
            store,
            org,
            actor,
            "depreciation.run",
            "period",
            str(through),
            new={"vouchers": [v.id for v in vouchers]},
        )
        uow.commit()
    return vouchers

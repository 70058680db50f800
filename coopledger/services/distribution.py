"""Surplus distribution, year by year: a plan is computed (domain.distribution), approved by the
member assembly's resolution, posted as the statutory vouchers, then paid.

Posting prepares (village: 本年收益 / 收益分配 / 内部往来):
  1. Dr 本年盈余 / Cr 盈余分配—未分配盈余, the year's surplus S;
  2. Dr 盈余分配—各项分配 / Cr 盈余公积 R, Cr the other appropriations (taken from D after the
     patronage return), Cr 应付盈余返还 and 应付剩余盈余 per member (village: Cr 内部往来 per
     household) — in vouchers of at most 2,000 members each;
  3. Dr 盈余分配—未分配盈余 / Cr 盈余分配—各项分配, clearing 各项分配.
They go through review and posting like any voucher. Payments clear 221/222 against cash or
bank, or offset what the member owes the cooperative on 成员往来; conversion moves them to 股金.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coopledger.domain import postings
from coopledger.domain.accounts import load_chart
from coopledger.domain.distribution import (
    Appropriation,
    Guarantee,
    Inputs,
    MemberBasis,
    Plan,
    ReserveBasis,
    VillageMeans,
    compute,
    quantify_reserve,
    refuse_unless_overridden,
    village_refusals,
)
from coopledger.domain.errors import (
    Duplicate,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
    field_error,
)
from coopledger.domain.ledger import Status, Voucher
from coopledger.domain.members import member_sort_key
from coopledger.domain.money import format_amount, parse_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action, Actor
from coopledger.domain.shares import EventKind, ShareClass
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Org, PlanLineRecord, PlanRecord, UnitOfWork
from coopledger.services.shares import holdings_as_of
from coopledger.services.vouchers import prepare

MEMBERS_PER_VOUCHER = postings.MEMBERS_PER_VOUCHER


@dataclass(frozen=True)
class PlanRequest:
    year: int
    reserve_rate: Decimal
    patronage_ratio: Decimal
    others: tuple[Appropriation, ...] = ()
    guarantee: Guarantee | None = None
    include_prior_undistributed: bool = False
    loss_makeup_fen: int | None = None
    #: how a cooperative's reserve is quantified into its members' accounts (its charter's rule)
    reserve_basis: ReserveBasis = ReserveBasis.TRANSACTIONS
    #: a village's plan made although it pays out more than its cash and bank or distributes
    #: its 补助收入 (村级组织运转经费); the audit log records it
    override: bool = False


def _compute(uow: UnitOfWork, org: Org, request: PlanRequest) -> tuple[Plan, dict[str, int]]:
    """The plan for ``request`` from the books as they stand, and the members' ids."""
    registers = uow.registers
    surplus = uow.distributions.fiscal_year_surplus(org.id, request.year)
    if surplus is None:
        raise InvalidState(
            f"{request.year} is not closed yet: close the year first, then plan its distribution",
            code="year_not_closed",
        )
    chart = load_chart(org.chart)
    year_end = date(request.year, 12, 31)
    undistributed = _balance(uow, org, chart.undistributed_account, year_end)
    if _surplus_carried(uow, org, request.year, surplus):
        # 未分配盈余 as it stood before the year-end close carried this year's surplus into it
        undistributed += surplus
    everyone = registers.holders(org.id, year_end)
    register = holdings_as_of(uow, org, year_end, everyone)
    trades: dict[int, int] = defaultdict(int)
    for member_id, _p, _u, _q, amount in registers.member_transactions(org.id, None, request.year):
        trades[member_id] += amount
    statuses = {h.member_no: h.status for h in everyone}
    id_of = {h.member_no: h.member_id for h in everyone}
    # the members in the plan: those holding shares at year end, and those who traded in the year
    in_plan = {h.member_no for h in register.holdings} | {
        h.member_no for h in everyone if h.member_id in trades
    }
    ids = {no: id_of[no] for no in in_plan}
    held = {h.member_no: h for h in register.holdings}
    members = [
        MemberBasis(
            no,
            trades.get(ids[no], 0),
            held[no].total if no in held else 0,
            held[no].fiscal_share if no in held else 0,
            statuses.get(no, "none"),
        )
        for no in sorted(ids, key=member_sort_key)
    ]
    inputs = Inputs(
        year=request.year,
        surplus_fen=surplus,
        accumulated_loss_fen=max(undistributed, 0),
        prior_undistributed_fen=max(-undistributed, 0),
        reserve_rate=request.reserve_rate,
        patronage_ratio=request.patronage_ratio,
        loss_makeup_fen=request.loss_makeup_fen,
        others=request.others,
        guarantee=request.guarantee,
        include_prior_undistributed=request.include_prior_undistributed,
        cooperative=org.kind == "cooperative",
        collective_share_fen=_collective_share(uow, org, year_end),
    )
    return compute(inputs, members), ids


def _collective_share(uow: UnitOfWork, org: Org, through: date) -> int:
    """A village's 集体股 on ``through``: the parts of its quantifications it kept for itself
    (a cooperative holds none)."""
    if org.kind != "village_collective":
        return 0
    return sum(
        e.collective_fen or 0
        for e in uow.registers.share_events(org.id)
        if e.fund and e.occurred_on <= through
    )


def _surplus_carried(uow: UnitOfWork, org: Org, year: int, surplus: int) -> bool:
    """Whether the year-end close of ``year`` carried its surplus from 本年盈余 into 未分配盈余
    (books closed before the close did so still hold it in 本年盈余 until the plan is posted)."""
    if surplus == 0:
        return True
    chart = load_chart(org.chart)
    return _balance(uow, org, chart.surplus_account, date(year, 12, 31)) == 0


def _balance(uow: UnitOfWork, org: Org, code: str, through: date) -> int:
    """Debit-minus-credit balance of ``code`` at the end of ``through`` (posted lines)."""
    rows = [t for t in uow.store.turnovers(org.id, through, through) if t.account == code]
    return sum(t.opening_net + t.debit - t.credit for t in rows)


def _village_means(uow: UnitOfWork, org: Org, year: int) -> VillageMeans:
    """A village's cash and bank (101, 102 and their sub-accounts) at the end of ``year`` and
    the 补助收入 credited in it (the year-end close's debit carrying it away not counted)."""
    chart = load_chart(org.chart)
    start, year_end = date(year, 1, 1), date(year, 12, 31)
    money = (chart.role("cash"), chart.role("bank"))
    at_end = uow.store.turnovers(org.id, year_end, year_end)
    subsidy = chart.role("subsidy_income")
    return VillageMeans(
        sum(t.opening_net + t.debit - t.credit for t in at_end if t.account.startswith(money)),
        sum(
            t.credit
            for t in uow.store.turnovers(org.id, start, year_end)
            if t.account.startswith(subsidy)
        ),
    )


def preview(uow: UnitOfWork, actor: Actor, org_code: str, request: PlanRequest) -> Plan:
    """Compute a plan without saving it (the CLI's dry run)."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        plan, _ids = _compute(uow, org, request)
    return plan


IN_FORCE = ("approved", "posted")  # the statuses of the year's one distribution


def create_plan(
    uow: UnitOfWork, actor: Actor, org_code: str, request: PlanRequest, *, clock: Clock = utcnow
) -> PlanRecord:
    """Compute and save a draft plan, keeping its inputs so it can be recomputed and explained.

    :raise InvalidState: the year is not closed (``year_not_closed``), or a plan of the year is
        approved or posted already (``plan_exists``: the year has its distribution).
    :raise ValidationFailed: rates out of range, patronage below 60 %, a loss, other
        appropriations above what remains after the patronage return, guarantees that cannot be
        met (the shortfall named in yuan), weights that are all zero.
    :raise InvalidState: a village's plan paying its members more than its cash and bank hold
        at the year's end (``beyond_cash``) or than its surplus less the year's 补助收入
        (``distributes_subsidy``), unless ``request.override`` (then named in the audit log).
    """
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.DISTRIBUTE)
        in_force = [
            (i, s) for i, _y, s in uow.distributions.plans(org.id, request.year) if s in IN_FORCE
        ]
        if in_force:
            plan_id, status = in_force[0]
            raise InvalidState(
                f"plan {plan_id} for {request.year} is {status} already; "
                "a year has one distribution",
                code="plan_exists",
            )
        plan, ids = _compute(uow, org, request)
        cooperative = org.kind == "cooperative"
        overridden: list[dict[str, str]] = []
        if org.kind == "village_collective":
            refusals = village_refusals(plan, _village_means(uow, org, request.year))
            refuse_unless_overridden(refusals, request.override)
            overridden = [{"code": r.code, **r.params} for r in refusals]
        if cooperative:  # a basis that gives nobody a part is refused now, not when posting
            quantify_reserve(plan.R, plan.lines, request.reserve_basis)
        inputs: dict[str, Any] = {
            "reserve_rate": str(request.reserve_rate),
            "reserve_basis": request.reserve_basis.value if cooperative else None,
            "patronage_ratio": str(request.patronage_ratio),
            "loss_makeup": None
            if request.loss_makeup_fen is None
            else format_amount(request.loss_makeup_fen),
            "other_appropriations": [
                {
                    "name": o.name,
                    "account": o.account,
                    "rate": None if o.rate is None else str(o.rate),
                    "amount": None if o.amount_fen is None else format_amount(o.amount_fen),
                    "appropriated": format_amount(amount),
                }
                for o, amount in plan.others
            ],
            "guarantee": None
            if request.guarantee is None
            else {
                "statuses": list(request.guarantee.statuses),
                "fixed": None
                if request.guarantee.fixed_fen is None
                else format_amount(request.guarantee.fixed_fen),
                "rate": None if request.guarantee.rate is None else str(request.guarantee.rate),
            },
            "include_prior_undistributed": request.include_prior_undistributed,
            "prior_undistributed": format_amount(plan.inputs.prior_undistributed_fen),
            "accumulated_loss": format_amount(plan.inputs.accumulated_loss_fen),
            "formula": "D = S − L − R (+ prior undistributed when asked); P = D × patronage "
            "ratio, rounded up to the fen; Q = D − P − other appropriations",
            "weights": "transaction amount in the year; account share at 31 December (capital + reserve "
            "share + quantified fiscal share + quantified donation share); poverty status on 31 December",
        }
        if plan.inputs.collective_share_fen:
            # the 集体股 is weighed with the households' shares; its part stays undistributed
            inputs["collective_share"] = format_amount(plan.inputs.collective_share_fen)
            inputs["collective_part"] = format_amount(plan.C)
        if overridden:
            inputs["overridden"] = overridden
        pools = {
            "S": plan.S,
            "L": plan.L,
            "R": plan.R,
            "others": sum(a for _, a in plan.others),
            "D": plan.D,
            "P": plan.P,
            "Q": plan.Q,
            "T": plan.T,
        }
        lines = [
            (
                ids[ln.member_no],
                {
                    "transaction_fen": ln.transaction_fen,
                    "account_share_fen": ln.account_share_fen,
                    "fiscal_share_fen": ln.fiscal_share_fen,
                    "poverty_status": ln.poverty_status,
                    "patronage_fen": ln.patronage_fen,
                    "residual_fen": ln.residual_fen,
                    "topup_fen": ln.topup_fen,
                    "minimum_fen": ln.minimum_fen,
                },
            )
            for ln in plan.lines
        ]
        plan_id = uow.distributions.add_plan(
            org.id, request.year, pools, inputs, lines, actor.user_id, now
        )
        record = uow.distributions.plan(org.id, plan_id)
        assert record is not None
        audit_log.record(
            uow.store,
            org,
            actor,
            "distribution.create",
            "plan",
            str(plan_id),
            new={"year": request.year, "overridden": overridden}
            if overridden
            else {"year": request.year},
        )
        uow.commit()
    return record


def list_plans(uow: UnitOfWork, actor: Actor, org_code: str) -> list[tuple[int, int, str]]:
    """(id, year, status) of every plan."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.distributions.plans(org.id, None)


@dataclass(frozen=True, slots=True)
class PlanVoucher:
    """One of a plan's statutory vouchers as the plan's page lists it."""

    id: int
    status: Status
    #: the printed number (``记-2026-12-0041``), once the voucher is posted
    number: str | None


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """A plan with the state of its vouchers: ``stage`` is what the plan's status means for the
    books — ``draft``, ``approved``, ``prepared`` (its vouchers exist but are not all posted yet:
    nothing is in the ledger until they are) or ``posted`` (every one of its vouchers posted)."""

    plan: PlanRecord
    vouchers: tuple[PlanVoucher, ...]

    @property
    def stage(self) -> str:
        return stage_of(self.plan.status, [v.status for v in self.vouchers])

    @property
    def waiting(self) -> tuple[PlanVoucher, ...]:
        """The vouchers still to be reviewed or posted."""
        return tuple(v for v in self.vouchers if v.status is not Status.POSTED)


def stage_of(status: str, voucher_statuses: Sequence[Status]) -> str:
    """A plan's status as the books bear it out: a plan marked posted is only ``prepared`` while
    any of its vouchers is a draft or reviewed (or missing)."""
    if status == "posted" and (
        not voucher_statuses or any(s is not Status.POSTED for s in voucher_statuses)
    ):
        return "prepared"
    return status


def _plan_vouchers(uow: UnitOfWork, org: Org, ids: Sequence[int]) -> tuple[PlanVoucher, ...]:
    out = []
    for voucher_id in ids:
        voucher = uow.store.voucher(org.id, voucher_id)
        if voucher is None:  # never happens while the books hold: a posted plan's vouchers stay
            continue
        out.append(PlanVoucher(voucher.id, voucher.status, printed_number(voucher)))
    return tuple(out)


def printed_number(voucher: Voucher) -> str | None:
    """The voucher's printed number, or None while it is not posted (drafts have none)."""
    if voucher.number is None:
        return None
    return voucher_number(Period.of(voucher.booked_on), voucher.number)


def plan_progress(uow: UnitOfWork, actor: Actor, org_code: str, plan_id: int) -> PlanProgress:
    """The plan and the state of its statutory vouchers, read in one transaction.

    :raise NotFound: no such plan in the organization.
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        record = uow.distributions.plan(org.id, plan_id)
        if record is None:
            raise NotFound(f"distribution plan {plan_id} not found")
        return PlanProgress(record, _plan_vouchers(uow, org, record.vouchers))


def list_plan_stages(uow: UnitOfWork, actor: Actor, org_code: str) -> list[tuple[int, int, str]]:
    """(id, year, stage) of every plan: its status as its vouchers bear it out (see stage_of)."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        out = []
        for plan_id, year, status in uow.distributions.plans(org.id, None):
            if status == "posted":
                record = uow.distributions.plan(org.id, plan_id)
                ids = record.vouchers if record is not None else ()
                status = stage_of(status, [v.status for v in _plan_vouchers(uow, org, ids)])
            out.append((plan_id, year, status))
        return out


def get_plan(uow: UnitOfWork, actor: Actor, org_code: str, plan_id: int) -> PlanRecord:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        record = uow.distributions.plan(org.id, plan_id)
    if record is None:
        raise NotFound(f"distribution plan {plan_id} not found")
    return record


def approve_plan(
    uow: UnitOfWork, actor: Actor, org_code: str, plan_id: int, resolution: str, approved_on: date
) -> PlanRecord:
    """Record the assembly's approval (reviewer or accountant, not the preparer).

    :raise Forbidden: the preparer approving its own plan. :raise InvalidState: not a draft;
        another plan of the year is approved or posted already.
    """
    if not resolution.strip():
        raise field_error("resolution", "name the assembly's resolution")
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.REVIEW)
        record = dist.plan(org.id, plan_id, lock=True)
        if record is None:
            raise NotFound(f"distribution plan {plan_id} not found")
        if record.status != "draft":
            raise InvalidState(f"plan {plan_id} is {record.status}; it can no longer change")
        if record.prepared_by == actor.username:
            raise Forbidden(
                "the preparer may not approve its own plan", code="segregation_of_duties"
            )
        dist.fiscal_year_surplus(org.id, record.year, lock=True)  # one approval at a time per year
        if any(s in IN_FORCE for i, _y, s in dist.plans(org.id, record.year) if i != plan_id):
            raise InvalidState(
                f"another plan for {record.year} is approved already", code="plan_exists"
            )
        dist.set_plan(
            plan_id,
            {
                "status": "approved",
                "resolution": resolution.strip(),
                "approved_on": approved_on,
                "approved_by": actor.user_id,
            },
        )
        updated = _logged_status(uow, org, actor, plan_id)
        uow.commit()
    return updated


def delete_plan(uow: UnitOfWork, actor: Actor, org_code: str, plan_id: int) -> None:
    """Delete a draft plan. :raise InvalidState: an approved or posted plan never changes."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.DISTRIBUTE)
        record = uow.distributions.plan(org.id, plan_id, lock=True)
        if record is None:
            raise NotFound(f"distribution plan {plan_id} not found")
        if record.status != "draft":
            raise InvalidState(f"plan {plan_id} is {record.status}; it can no longer change")
        uow.distributions.delete_plan(plan_id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "distribution.delete",
            "plan",
            str(plan_id),
            old={"status": record.status},
        )
        uow.commit()


def post_plan(
    uow: UnitOfWork, actor: Actor, org_code: str, plan_id: int, *, clock: Clock = utcnow
) -> tuple[PlanRecord, list[Voucher]]:
    """Prepare the statutory vouchers of an approved plan: dated 31 December of the plan's year
    when the year-end close has carried its results and left December open for them (see
    :func:`coopledger.services.periods.carry_year`), so the year's statements show the year's
    distribution; dated on the approval when the year is closed already.

    :raise InvalidState: not approved, or posted already. :raise PeriodClosed: that month is closed.
    """
    now = clock()
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.DISTRIBUTE)
        record = dist.plan(org.id, plan_id, lock=True)
        if record is None:
            raise NotFound(f"distribution plan {plan_id} not found")
        if record.status != "approved":
            raise InvalidState(
                f"plan {plan_id} is {record.status}; only an approved plan is posted"
            )
        assert record.approved_on is not None
        chart = load_chart(org.chart)
        carried = _surplus_carried(uow, org, record.year, record.S)
        year_end = date(record.year, 12, 31)
        booked_on = year_end if store.year_stage(org.id, record.year) == "carried" else None
        drafts = postings.distribution(
            chart,
            plan_to_post(record, carried, booked_on),
            cooperative=org.kind == "cooperative",
        )
        vouchers = [prepare(store, org, actor, d, now) for d in drafts]
        if org.kind == "cooperative":
            _quantify_reserve(uow, org, actor, record, vouchers[0].id, vouchers[0].booked_on, now)
        dist.set_plan(plan_id, {"status": "posted", "vouchers": [v.id for v in vouchers]})
        updated = _logged_status(uow, org, actor, plan_id)
        uow.commit()
    return updated, vouchers


def reserve_basis(plan: PlanRecord) -> ReserveBasis:
    """The plan's rule for quantifying its reserve (plans made before the rule existed: by
    transactions, the usual charter's)."""
    return ReserveBasis(str(plan.inputs.get("reserve_basis") or ReserveBasis.TRANSACTIONS))


def reserve_parts(plan: PlanRecord) -> dict[str, int]:
    """Member number → its share of the plan's reserve (a cooperative's 公积金 is quantified into
    its members' accounts the year it is appropriated); empty for a village collective."""
    if plan.inputs.get("reserve_basis") is None:
        return {}
    return dict(quantify_reserve(plan.R, plan.lines, reserve_basis(plan)))


def _quantify_reserve(
    uow: UnitOfWork,
    org: Org,
    actor: Actor,
    plan: PlanRecord,
    voucher_id: int,
    on: date,
    now: datetime,
) -> None:
    """The share event that quantifies the plan's reserve into its members' accounts, dated with
    the plan's vouchers: each member's 公积金份额 grows by its part (refunded if it leaves)."""
    basis = reserve_basis(plan)
    parts = quantify_reserve(plan.R, plan.lines, basis)
    if not parts:
        return
    ids = {ln.member_no: ln.member_id for ln in plan.lines}
    uow.registers.add_share_event(
        org.id,
        {
            "kind": EventKind.QUANTIFY_RESERVE.value,
            "occurred_on": on,
            "reason": f"{plan.year}年度提取的公积金量化到成员账户（{plan.resolution or ''}）",
            "amount_fen": plan.R,
            "basis": basis.value,
            "share_class": ShareClass.RESERVE.value,
            "voucher_id": voucher_id,
            "created_by": actor.user_id,
            "created_at": now,
        },
        [(ids[no], ShareClass.RESERVE.value, fen) for no, fen in parts],
    )


def plan_to_post(
    plan: PlanRecord, surplus_carried: bool = True, booked_on: date | None = None
) -> postings.PlanToPost:
    """An approved plan as its statutory vouchers need it (dated ``booked_on``, or on the
    approval)."""
    assert plan.approved_on is not None
    return postings.PlanToPost(
        year=plan.year,
        approved_on=plan.approved_on,
        resolution=plan.resolution,
        surplus_fen=plan.S,
        reserve_fen=plan.R,
        others=tuple(_others(plan)),
        distributable_fen=plan.D,
        members=tuple(_part(ln, ln.patronage_fen, ln.residual_fen) for ln in plan.lines),
        surplus_carried=surplus_carried,
        booked_on=booked_on,
    )


def _part(ln: PlanLineRecord, patronage: int, residual: int) -> postings.MemberPart:
    return postings.MemberPart(ln.member_no, patronage, residual)


def _others(plan: PlanRecord) -> list[tuple[str, str, int]]:
    """(name, account, fen) of the other appropriations, as fixed when the plan was computed."""
    out = []
    for other in plan.inputs.get("other_appropriations") or []:  # type: ignore[attr-defined]
        amount = parse_amount(str(other["appropriated"]))
        if amount:
            out.append((str(other["name"]), str(other["account"]), amount))
    return out


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    paid_on: date
    method: str  # bank | cash
    member: str | None = None
    amount_fen: int | None = None
    offset: bool = False


def pay(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    plan_id: int,
    request: PaymentRequest,
    *,
    clock: Clock = utcnow,
) -> tuple[PlanRecord, list[Voucher]]:
    """Pay members what the plan owes them (one member, or everyone still owed): Dr 221/222 /
    Cr cash or bank — or, with ``offset``, first against what the member owes on 成员往来.

    :raise ValidationFailed: more than owed; a member outside the plan; a bad method.
    :raise InvalidState: the plan's vouchers are not all posted yet.
    """
    if request.method not in ("bank", "cash"):
        raise field_error("method", "must be bank or cash")
    now = clock()
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.PREPARE)
        record = _payable_plan(uow, org, plan_id)
        chart = load_chart(org.chart)
        targets = _targets(record, request.member, request.amount_fen)
        receivable: dict[int, int] = {}
        if request.offset:
            balances = uow.registers.account_balances_by_member(
                org.id, chart.role("member_current"), None
            )
            receivable = {m: -b for m, b in balances.items() if b < 0}
        cash_account = chart.role("bank" if request.method == "bank" else "cash")
        vouchers = []
        cooperative = org.kind == "cooperative"
        for chunk_start in range(0, len(targets), MEMBERS_PER_VOUCHER):
            chunk = targets[chunk_start : chunk_start + MEMBERS_PER_VOUCHER]
            payments: list[postings.Payment] = []
            rows: list[tuple[int, int, int, int]] = []
            for ln, amount in chunk:
                patronage, residual = _split_payment(ln, amount, cooperative)
                offset = min(receivable.get(ln.member_id, 0), amount)
                payments.append(postings.Payment(_part(ln, patronage, residual), offset))
                rows.append((ln.member_id, patronage, residual, offset))
            draft = postings.payment(
                chart,
                cooperative=cooperative,
                year=record.year,
                paid_on=request.paid_on,
                cash_account=cash_account,
                payments=payments,
            )
            voucher = prepare(store, org, actor, draft, now)
            dist.add_payments(plan_id, voucher.id, request.paid_on, request.method, rows)
            vouchers.append(voucher)
        updated = _logged_status(uow, org, actor, plan_id)
        uow.commit()
    return updated, vouchers


def convert_to_capital(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    plan_id: int,
    amounts: Sequence[tuple[str, int]],
    on: date,
    resolution: str,
    *,
    clock: Clock = utcnow,
) -> tuple[PlanRecord, Voucher]:
    """Convert members' unpaid refunds into capital by assembly vote: Dr 221/222 / Cr 股金.

    :raise ValidationFailed: more than owed, a member outside the plan, no resolution.
    """
    if not resolution.strip():
        raise field_error("resolution", "name the assembly's resolution")
    now = clock()
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.DISTRIBUTE)
        if org.kind != "cooperative":
            raise field_error(
                "members", "a village collective does not convert distributions into capital"
            )
        record = _payable_plan(uow, org, plan_id)
        chart = load_chart(org.chart)
        parts: list[postings.MemberPart] = []
        rows = []
        for member_no, amount in amounts:
            ((ln, owed),) = _targets(record, member_no, amount)
            patronage, residual = _split_payment(ln, owed, True)
            parts.append(_part(ln, patronage, residual))
            rows.append((ln.member_id, patronage, residual, 0))
        if not parts:
            raise field_error("members", "name the members and amounts to convert")
        draft = postings.conversion(chart, record.year, on, resolution, parts)
        voucher = prepare(store, org, actor, draft, now)
        dist.add_payments(plan_id, voucher.id, on, "capital", rows)
        updated = _logged_status(uow, org, actor, plan_id)
        uow.commit()
    return updated, voucher


def _logged_status(uow: UnitOfWork, org: Org, actor: Actor, plan_id: int) -> PlanRecord:
    """The plan as a step left it, its new status recorded in the audit log (the caller commits)."""
    updated = uow.distributions.plan(org.id, plan_id)
    assert updated is not None
    audit_log.record(
        uow.store,
        org,
        actor,
        f"distribution.{updated.status}",
        "plan",
        str(plan_id),
        new={"status": updated.status},
    )
    return updated


def _payable_plan(uow: UnitOfWork, org: Org, plan_id: int) -> PlanRecord:
    record = uow.distributions.plan(org.id, plan_id, lock=True)
    if record is None:
        raise NotFound(f"distribution plan {plan_id} not found")
    if record.status != "posted":
        raise InvalidState(f"plan {plan_id} is {record.status}; post it before paying")
    for voucher_id in record.vouchers:
        voucher = uow.store.voucher(org.id, voucher_id)
        if voucher is None or voucher.status is not Status.POSTED:
            raise InvalidState(
                f"the plan's voucher {voucher_id} is not posted yet; review and post it first",
                code="vouchers_not_posted",
            )
    return record


def _targets(
    record: PlanRecord, member: str | None, amount: int | None
) -> list[tuple[PlanLineRecord, int]]:
    owed = [(ln, ln.total_fen - ln.paid.settled_fen) for ln in record.lines]
    if member is None:
        if amount is not None:
            raise field_error("amount", "an amount goes with one member")
        found = [(ln, o) for ln, o in owed if o > 0]
        if not found:
            raise field_error("member", "nobody is owed anything under this plan")
        return found
    match = next(((ln, o) for ln, o in owed if ln.member_no == member), None)
    if match is None:
        raise field_error("member", f"member {member} is not in this plan")
    ln, o = match
    value = o if amount is None else amount
    if value <= 0:
        raise field_error("amount", "must be more than zero")
    if value > o:
        raise ValidationFailed(
            f"member {member} is owed {format_amount(o)} yuan, less than {format_amount(value)}",
            code="more_than_owed",
            params={"member": member, "owed": format_amount(o), "amount": format_amount(value)},
            errors={"amount": [f"more than the {format_amount(o)} yuan owed"]},
        )
    return [(ln, value)]


def _split_payment(ln: PlanLineRecord, amount: int, cooperative: bool) -> tuple[int, int]:
    """Settle the patronage refund still owed first, then the residual part."""
    return postings.split_payment(ln.patronage_fen - ln.paid.patronage_fen, amount, cooperative)


# -- the village flow: a cooperative's dividend received in the village's own books --------------


@dataclass(frozen=True, slots=True)
class DividendDue:
    cooperative: str
    plan_id: int
    year: int
    member_no: str
    paid_fen: int
    receipt_voucher: int | None


def dividends_due(uow: UnitOfWork, actor: Actor, org_code: str) -> list[DividendDue]:
    """What cooperatives' plans paid this organization as their member (only the cooperatives
    the actor can see), and whether the village has recorded each receipt."""
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        out = []
        for member_id, coop_id, member_no in uow.registers.members_linked_to(org.id):
            coop = store.org_by_id(coop_id)
            if coop is None or not actor.sees(coop.id) or not actor.may(Action.READ_BOOKS):
                continue
            for plan_id, year, status in dist.plans(coop.id, None):
                paid = dist.paid_to_member(plan_id, member_id) if status == "posted" else 0
                if paid:
                    out.append(
                        DividendDue(
                            coop.code, plan_id, year, member_no, paid, dist.receipt(org.id, plan_id)
                        )
                    )
    return out


def record_dividend_receipt(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    cooperative: str,
    plan_id: int,
    on: date,
    *,
    clock: Clock = utcnow,
) -> Voucher:
    """Prepare, in the village's books, the receipt of what a cooperative's plan paid it:
    Dr 银行存款 / Cr 投资收益 (village 2023: 502), the amount the cooperative's posted payment
    vouchers paid the member that stands for this village.

    :raise NotFound: a cooperative the actor cannot see, or no such plan.
    :raise ValidationFailed: this organization is not that cooperative's member; nothing paid yet.
    :raise Duplicate: the receipt is recorded already.
    """
    now = clock()
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.PREPARE)
        coop = org_for(store, actor, cooperative, Action.READ_BOOKS)
        plan = dist.plan(coop.id, plan_id)
        if plan is None:
            raise NotFound(f"distribution plan {plan_id} not found")
        member = next(
            ((m, no) for m, c, no in uow.registers.members_linked_to(org.id) if c == coop.id), None
        )
        if member is None:
            raise field_error("cooperative", f"{org.code} is not a member of {coop.code}")
        paid = dist.paid_to_member(plan_id, member[0])
        if paid <= 0:
            raise field_error(
                "plan", f"{coop.code} has paid {org.code} nothing under plan {plan_id} yet"
            )
        if dist.receipt(org.id, plan_id) is not None:
            raise Duplicate(f"the receipt of plan {plan_id} is recorded already")
        chart = load_chart(org.chart)
        draft = postings.dividend_receipt(chart, on, coop.name, plan.year, member[1], paid)
        voucher = prepare(store, org, actor, draft, now)
        dist.add_receipt(org.id, plan_id, paid, voucher.id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "distribution.receipt",
            "plan",
            str(plan_id),
            new={"paid_fen": paid, "voucher": voucher.id},
        )
        uow.commit()
    return voucher

"""The share register, its events, member transactions and the member account (成员账户).

Capital (股金) is the member's balance on account 301 in the ledger; the register adds the
classes the ledger does not hold — capital from household-level poverty assets, reserve share,
quantified fiscal and donation shares — from dated, reasoned events. Events that move money
(contribute, transfer, redeem, leave) prepare their vouchers, reviewed and posted as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from coopledger.domain import postings
from coopledger.domain.accounts import load_chart
from coopledger.domain.errors import InvalidState, NotFound, ValidationFailed, field_error
from coopledger.domain.ledger import Voucher
from coopledger.domain.members import PovertyStatus, member_sort_key
from coopledger.domain.money import format_amount
from coopledger.domain.roles import Action, Actor
from coopledger.domain.shares import (
    DEFAULT_STATUSES,
    Basis,
    EventKind,
    FundedAsset,
    Holder,
    ShareClass,
    ShareMove,
    check_transfer,
    check_village_quantification,
    collective_part,
    fund_holdings,
    quantify,
)
from coopledger.services import audit_log
from coopledger.services.access import member_for, org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, HolderRow, Org, ShareEvent, UnitOfWork
from coopledger.services.registers import views_in
from coopledger.services.vouchers import prepare

CLASSES = (
    "capital",
    "capital_from_poverty_assets",
    "reserve_share",
    "fiscal_share",
    "donation_share",
)


@dataclass(frozen=True, slots=True)
class Holding:
    member_no: str
    name: str
    kind: str
    poverty_status: str
    capital: int
    capital_from_poverty_assets: int
    reserve_share: int
    fiscal_share: int
    donation_share: int

    @property
    def total(self) -> int:
        """The account share that residual surplus is split by: capital + reserve + quantified."""
        return self.capital + self.reserve_share + self.fiscal_share + self.donation_share


@dataclass(frozen=True, slots=True)
class Register:
    holdings: list[Holding]
    ledger_capital: int  # the 301 balance in the ledger, for the tie

    @property
    def totals(self) -> dict[str, int]:
        out = {c: sum(getattr(h, c) for h in self.holdings) for c in CLASSES}
        out["total"] = sum(h.total for h in self.holdings)
        return out

    @property
    def ties(self) -> bool:
        return self.totals["capital"] == self.ledger_capital


def holdings_as_of(
    uow: UnitOfWork,
    org: Org,
    as_of: date | None,
    holders: Sequence[HolderRow] | None = None,
    member_id: int | None = None,
) -> Register:
    """The register inside the caller's transaction (the distribution reads it at year end, and
    passes the ``holders`` on that day it has read already); of one member only where
    ``member_id`` is given (its own lines alone are read; ``ledger_capital`` is then its own)."""
    chart = load_chart(org.chart)
    registers = uow.registers
    capital = registers.account_balances_by_member(org.id, chart.role("capital"), as_of, member_id)
    shares = registers.share_balances(org.id, as_of, member_id)
    if holders is None:
        holders = registers.holders(org.id, as_of or date.max, member_id)
    if member_id is not None:
        holders = [h for h in holders if h.member_id == member_id]
    holdings = []
    for h in sorted(holders, key=lambda h: member_sort_key(h.member_no)):
        held = shares.get(h.member_id, {})
        cap = capital.get(h.member_id, 0)
        if not h.active and cap == 0 and not any(held.values()):
            continue
        holdings.append(
            Holding(
                h.member_no,
                h.name,
                h.kind,
                h.status,
                cap,
                min(cap, held.get(ShareClass.CAPITAL_FROM_POVERTY_ASSETS, 0)),
                held.get(ShareClass.RESERVE, 0),
                held.get(ShareClass.FISCAL, 0),
                held.get(ShareClass.DONATION, 0),
            )
        )
    return Register(holdings, sum(capital.values()))


def share_register(
    uow: UnitOfWork, actor: Actor, org_code: str, as_of: date | None = None
) -> Register:
    """Every member's holding by class, with totals that tie to the ledger's 301."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return holdings_as_of(uow, org, as_of)


def member_holding(uow: UnitOfWork, actor: Actor, org_code: str, member_no: str) -> Holding | None:
    """One member's holding today, as :func:`share_register` lists it, from its own lines.

    :raise NotFound: unknown member."""
    with uow:
        org, member = member_for(uow.store, actor, org_code, member_no)
        return _find(holdings_as_of(uow, org, None, None, member.id), member_no)


def share_events(uow: UnitOfWork, actor: Actor, org_code: str) -> list[ShareEvent]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.registers.share_events(org.id)


@dataclass(frozen=True)
class EventInput:
    kind: str
    occurred_on: date
    reason: str
    fund: str | None = None
    amount_fen: int | None = None
    basis: str | None = None
    statuses: Sequence[str] = DEFAULT_STATUSES
    allocations: Mapping[str, int] = field(default_factory=dict)
    from_member: str | None = None
    to_member: str | None = None
    share_class: str | None = None
    from_poverty_assets: bool = False
    pay_account: str | None = None
    #: a village's quantification: the part kept as 集体股 by the collective, as an amount or
    #: a percentage of ``amount_fen`` (at most one of them)
    collective_fen: int | None = None
    collective_percent: Decimal | None = None


def record_event(
    uow: UnitOfWork, actor: Actor, org_code: str, event: EventInput, *, clock: Clock = utcnow
) -> tuple[ShareEvent, Voucher | None]:
    """Record a share event: ``quantify_fiscal`` / ``quantify_donation`` (a fund's 专项基金 spread
    over members), ``reassign`` (a quantified share handed from one household to another),
    ``transfer`` (capital only, with its voucher), ``redeem`` (capital paid back, with its
    voucher), ``contribute`` (capital paid in, with its voucher).

    :raise ValidationFailed: a field is missing or wrong; more quantified than the fund's
        unquantified 专项基金; a transfer of a quantified share (``not_transferable``); more
        than the member holds.
    :raise Conflict: a village quantifying more than the operating assets a fund financed
        (``operating_assets_only``: public-welfare assets are not quantified).
    """
    now = clock()
    errors: dict[str, list[str]] = {}
    if event.kind not in set(EventKind) - {EventKind.FORFEIT, EventKind.QUANTIFY_RESERVE}:
        errors["kind"] = [
            "must be quantify_fiscal, quantify_donation, reassign, transfer, redeem or contribute"
        ]
    if not event.reason.strip():
        errors["reason"] = ["every event says why"]
    quantifying = event.kind in (EventKind.QUANTIFY_FISCAL, EventKind.QUANTIFY_DONATION)
    if not quantifying and event.collective_fen is not None:
        errors["collective_amount"] = ["only a quantification keeps a part as 集体股"]
    if not quantifying and event.collective_percent is not None:
        errors["collective_percent"] = ["only a quantification keeps a part as 集体股"]
    bad = [s for s in event.statuses if s not in set(PovertyStatus)]
    if bad:
        errors["statuses"] = [f"unknown poverty status(es): {', '.join(bad)}"]
    if errors:
        raise ValidationFailed("the share event is invalid", errors=errors)
    kind = EventKind(event.kind)
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        holders = {h.member_no: h for h in registers.holders(org.id, event.occurred_on)}
        chart = load_chart(org.chart)
        fields: dict[str, Any] = {
            "kind": kind.value,
            "occurred_on": event.occurred_on,
            "reason": event.reason.strip(),
            "created_by": actor.user_id,
            "created_at": now,
            "amount_fen": event.amount_fen,
        }
        allocations: list[tuple[int, str, int]] = []
        voucher = None
        if kind in (EventKind.QUANTIFY_FISCAL, EventKind.QUANTIFY_DONATION):
            allocations = _quantify(uow, org, event, holders, fields)
        elif kind is EventKind.REASSIGN:
            allocations = _reassign(uow, org, event, holders, fields)
        else:
            if kind is EventKind.TRANSFER:
                check_transfer(event.share_class or "capital")
            member_no = event.to_member if kind is EventKind.CONTRIBUTE else event.from_member
            member = _holder(
                holders, member_no, "to_member" if kind is EventKind.CONTRIBUTE else "from_member"
            )
            amount = _amount(event)
            capital_code = chart.role("capital")
            if kind is not EventKind.CONTRIBUTE:
                held = registers.account_balances_by_member(org.id, capital_code, None).get(
                    member.member_id, 0
                )
                if amount > held:
                    raise field_error(
                        "amount",
                        f"more than member {member.member_no}'s capital of {format_amount(held)} yuan",
                    )
            target_no = None
            if kind is EventKind.TRANSFER:
                target = _holder(holders, event.to_member, "to_member")
                target_no = target.member_no
                fields.update(
                    from_member_id=member.member_id,
                    to_member_id=target.member_id,
                    share_class="capital",
                )
            elif kind is EventKind.REDEEM:
                fields.update(from_member_id=member.member_id, share_class="capital")
            else:
                fields.update(to_member_id=member.member_id, share_class="capital")
                if event.from_poverty_assets:
                    allocations = [
                        (member.member_id, ShareClass.CAPITAL_FROM_POVERTY_ASSETS.value, amount)
                    ]
            draft = postings.capital_event(
                chart,
                kind,
                event.occurred_on,
                event.reason,
                amount,
                member.member_no,
                to_member=target_no,
                pay_account=event.pay_account,
            )
            voucher = prepare(store, org, actor, draft, now)
            fields["voucher_id"] = voucher.id
        event_id = registers.add_share_event(org.id, fields, allocations)
        recorded = next(e for e in registers.share_events(org.id) if e.id == event_id)
        audit_log.record(
            store,
            org,
            actor,
            "share.event",
            "share_event",
            str(event_id),
            new={k: v for k, v in fields.items() if k != "allocations"},
        )
        uow.commit()
    return recorded, voucher


def _amount(event: EventInput) -> int:
    if event.amount_fen is None or event.amount_fen <= 0:
        raise field_error("amount", "must be more than zero")
    return event.amount_fen


def _holder(holders: Mapping[str, HolderRow], member_no: str | None, field_name: str) -> HolderRow:
    if not member_no:
        raise field_error(field_name, "name the member")
    holder = holders.get(member_no)
    if holder is None:
        raise field_error(field_name, f"unknown member {member_no!r}")
    if not holder.active:
        raise field_error(field_name, f"member {member_no} is not a member on that date")
    return holder


def _quantify(
    uow: UnitOfWork,
    org: Org,
    event: EventInput,
    holders: Mapping[str, HolderRow],
    fields: dict[str, Any],
) -> list[tuple[int, str, int]]:
    if not event.fund:
        raise field_error("fund", "name the fund whose 专项基金 is quantified")
    view = next((v for v in views_in(uow, org) if v.fund.code == event.fund), None)
    if view is None:
        raise field_error("fund", f"unknown fund {event.fund!r}")
    basis = Basis(event.basis) if event.basis in set(Basis) else None
    if basis is None:
        raise field_error("basis", "must be all_members, statuses or explicit")
    village = org.kind == "village_collective"
    if basis is Basis.EXPLICIT and event.amount_fen is None:
        # the amounts listed are the members' 成员股; the 集体股 comes on top of them
        kept = collective_part(
            None, event.collective_fen, event.collective_percent, village=village
        )
        amount = sum(event.allocations.values()) + kept
    else:
        amount = _amount(event)
        kept = collective_part(
            amount, event.collective_fen, event.collective_percent, village=village
        )
    available = view.figures.special_fund - view.figures.quantified
    if amount > available:
        raise field_error(
            "amount",
            f"more than the fund's unquantified 专项基金 of {format_amount(available)} yuan",
        )
    if village:
        check_village_quantification(
            view.fund.code,
            amount,
            view.figures.quantified,
            [
                FundedAsset(r.asset.asset_no, r.asset.asset_class, r.asset.funding[view.fund.code])
                for r in uow.registers.assets(org.id)
                if view.fund.code in r.asset.funding
            ],
        )
    # the members' 成员股 is what the 集体股 leaves; a quantification kept whole by the
    # collective gives the members nothing
    parts = (
        quantify(
            amount - kept,
            [Holder(h.member_no, h.kind, h.status, h.active) for h in holders.values()],
            basis,
            tuple(event.statuses),
            event.allocations,
        )
        if amount > kept
        else []
    )
    share_class = (
        ShareClass.FISCAL if event.kind == EventKind.QUANTIFY_FISCAL else ShareClass.DONATION
    )
    fields.update(
        fund_id=view.fund.id,
        amount_fen=amount,
        basis=basis.value,
        statuses=",".join(event.statuses) if basis is Basis.STATUSES else "",
        share_class=share_class.value,
        collective_fen=kept or None,
    )
    return [(holders[no].member_id, share_class.value, fen) for no, fen in parts if fen]


def _reassign(
    uow: UnitOfWork,
    org: Org,
    event: EventInput,
    holders: Mapping[str, HolderRow],
    fields: dict[str, Any],
) -> list[tuple[int, str, int]]:
    share_class = event.share_class or ShareClass.FISCAL.value
    if share_class not in (ShareClass.FISCAL, ShareClass.DONATION):
        raise field_error("class", "only a quantified fiscal or donation share is reassigned")
    giver = holders.get(event.from_member or "")
    if giver is None:
        raise field_error("from_member", f"unknown member {event.from_member!r}")
    receiver = _holder(holders, event.to_member, "to_member")
    held = uow.registers.share_balances(org.id, None).get(giver.member_id, {}).get(share_class, 0)
    amount = event.amount_fen if event.amount_fen is not None else held
    if amount <= 0:
        raise field_error(
            "amount", f"member {giver.member_no} holds no {share_class.replace('_', ' ')}"
        )
    if amount > held:
        raise field_error(
            "amount",
            f"more than member {giver.member_no}'s {share_class.replace('_', ' ')} of {format_amount(held)} yuan",
        )
    fields.update(
        from_member_id=giver.member_id,
        to_member_id=receiver.member_id,
        share_class=share_class,
        amount_fen=amount,
    )
    return [(giver.member_id, share_class, -amount), (receiver.member_id, share_class, amount)]


# -- member transactions and the member account --------------------------------------------------


def record_transaction(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    member_no: str,
    occurred_on: date,
    product: str,
    quantity_milli: int,
    unit: str | None,
    amount_fen: int,
    *,
    clock: Clock = utcnow,
) -> tuple[int, int, int]:
    """A member's business with the cooperative (交易量 and 交易额). Returns the member's totals
    for that product and year: (count of records, quantity in thousandths, amount in fen).

    :raise ValidationFailed: no product, a product without a unit, amounts ≤ 0, unknown member.
    """
    errors: dict[str, list[str]] = {}
    if not product.strip():
        errors["product"] = ["name the product"]
    if not unit or not unit.strip():
        errors["unit"] = ["a product's quantity needs its unit (kg, 头, 吨…)"]
    if quantity_milli <= 0:
        errors["quantity"] = ["must be more than zero"]
    if amount_fen <= 0:
        errors["amount"] = ["must be more than zero"]
    if errors:
        raise ValidationFailed("the transaction is invalid", errors=errors)
    assert unit is not None
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        member = uow.store.member(org.id, member_no)
        if member is None:
            raise NotFound(f"member {member_no!r} not found")
        uow.registers.add_member_transaction(
            org.id,
            member.id,
            {
                "occurred_on": occurred_on,
                "product": product.strip(),
                "quantity_milli": quantity_milli,
                "unit": unit.strip(),
                "amount_fen": amount_fen,
                "created_by": actor.user_id,
                "created_at": clock(),
            },
        )
        rows = [
            r
            for r in uow.registers.member_transactions(org.id, member.id, occurred_on.year)
            if r[1] == product.strip() and r[2] == unit.strip()
        ]
        audit_log.record(
            uow.store,
            org,
            actor,
            "member.transaction",
            "member",
            member.member_no,
            new={"product": product, "on": occurred_on.isoformat()},
        )
        uow.commit()
    return len(rows), rows[0][3], rows[0][4]


@dataclass(frozen=True, slots=True)
class MemberAccount:
    member_no: str
    name: str
    year: int
    poverty_status: str
    opening: Holding | None
    closing: Holding | None
    transactions: list[tuple[str, str, int, int]]  # product, unit, quantity (thousandths), fen
    patronage_refund: int
    residual_distribution: int
    org: Org | None = None  # as read with the figures: its chain head is what they come from


def member_account(
    uow: UnitOfWork, actor: Actor, org_code: str, member_no: str, year: int
) -> MemberAccount:
    """成员账户 of one member for one year: opening (= last year's closing) and closing holdings,
    transactions per product, patronage refund and residual distribution allotted in the year.

    A household user reads its own account only; any other is 404 to it.
    """
    with uow:
        store, registers = uow.store, uow.registers
        org, member = member_for(store, actor, org_code, member_no)
        year_end = date(year, 12, 31)
        opening = _find(
            holdings_as_of(uow, org, date(year - 1, 12, 31), None, member.id), member_no
        )
        closing = _find(holdings_as_of(uow, org, year_end, None, member.id), member_no)
        transactions = [
            (p, u, q, a)
            for _m, p, u, q, a in registers.member_transactions(org.id, member.id, year)
        ]
        # the refund and residual distribution of the year's plan, once its vouchers are prepared
        refund = residual = 0
        for plan_id, _year, status in uow.distributions.plans(org.id, year):
            plan = uow.distributions.plan(org.id, plan_id) if status == "posted" else None
            line = (
                next((ln for ln in plan.lines if ln.member_id == member.id), None) if plan else None
            )
            if line is not None:
                refund, residual = line.patronage_fen, line.residual_fen
        status = next((h.status for h in registers.holders(org.id, year_end, member.id)), "none")
    return MemberAccount(
        member.member_no,
        member.name,
        year,
        status,
        opening,
        closing,
        transactions,
        refund,
        residual,
        org,
    )


def _find(register: Register, member_no: str) -> Holding | None:
    return next((h for h in register.holdings if h.member_no == member_no), None)


def status_on(uow: UnitOfWork, actor: Actor, org_code: str, member_no: str, on: date) -> str:
    """A member's poverty status on a date, from its dated history."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        for holder in uow.registers.holders(org.id, on):
            if holder.member_no == member_no:
                return holder.status
    raise NotFound(f"member {member_no!r} not found")


def leave(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    member_no: str,
    on: date,
    *,
    pay_account: str | None = None,
    clock: Clock = utcnow,
) -> Voucher | None:
    """A member leaves: it is paid back its capital and reserve share only (a draft voucher);
    its quantified subsidy and donation shares go back to the pool, unpaid.

    :raise ValidationFailed: already left; a date before joining.
    """
    now = clock()
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        member = store.member(org.id, member_no)
        if member is None:
            raise NotFound(f"member {member_no!r} not found")
        if member.left_on is not None:
            raise field_error("date", f"member {member_no} left on {member.left_on}")
        if member.joined_on is not None and on < member.joined_on:
            raise field_error("date", "must not be before the member joined")
        chart = load_chart(org.chart)
        capital = registers.account_balances_by_member(org.id, chart.role("capital"), None).get(
            member.id, 0
        )
        held = registers.share_balances(org.id, None).get(member.id, {})
        reserve = held.get(ShareClass.RESERVE, 0)
        memo = postings.withdrawal_memo(member.member_no, member.name)
        draft = postings.withdrawal(
            chart, on, member.member_no, member.name, capital, reserve, pay_account
        )
        voucher = prepare(store, org, actor, draft, now) if draft is not None else None
        forfeit = [
            (member.id, cls, -fen)
            for cls, fen in held.items()
            if cls in (ShareClass.FISCAL, ShareClass.DONATION, ShareClass.RESERVE) and fen
        ]
        registers.add_share_event(
            org.id,
            {
                "kind": EventKind.FORFEIT.value,
                "occurred_on": on,
                "reason": memo,
                "created_by": actor.user_id,
                "created_at": now,
                "from_member_id": member.id,
                "voucher_id": voucher.id if voucher else None,
            },
            forfeit,
        )
        store.update_member(member.id, {"left_on": on})
        audit_log.record(
            store,
            org,
            actor,
            "member.leave",
            "member",
            member.member_no,
            new={"left_on": on.isoformat()},
        )
        uow.commit()
    return voucher


# -- 成员名册和份额登记簿 (a village's members' roll and share register) ------------------------


@dataclass(frozen=True, slots=True)
class RollLine:
    """A member household on the roll: number, head, people, status and membership dates, with
    its 成员股 by fund (fund code → fen)."""

    member_no: str
    head: str
    kind: str
    people: int | None
    status: str  # poverty status on the roll's day
    joined_on: date | None
    left_on: date | None
    by_fund: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_fund.values())


@dataclass(frozen=True, slots=True)
class ShareRoll:
    """成员名册和份额登记簿 of a village collective on ``as_of``: each member household with its
    成员股 by fund, then the collective's own 集体股 by fund; beside them what the fund register
    says each fund has quantified (成员股 + 集体股) and the 专项基金 its assets formed. The roll
    ties when, fund by fund, the members' 成员股 and the 集体股 add up to what was quantified."""

    org: Org
    as_of: date
    funds: list[tuple[str, str]]  # code, name: the funds quantified from, in code order
    lines: list[RollLine]
    collective: dict[str, int]  # fund → 集体股
    quantified: dict[str, int]  # fund → quantified, as the fund register has it
    special_fund: dict[str, int]  # fund → 专项基金 formed by its assets

    @property
    def members_by_fund(self) -> dict[str, int]:
        return {code: sum(ln.by_fund.get(code, 0) for ln in self.lines) for code, _n in self.funds}

    @property
    def members_total(self) -> int:
        return sum(ln.total for ln in self.lines)

    @property
    def collective_total(self) -> int:
        return sum(self.collective.values())

    @property
    def quantified_total(self) -> int:
        return sum(self.quantified.values())

    @property
    def special_fund_total(self) -> int:
        return sum(self.special_fund.values())

    @property
    def people(self) -> int:
        return sum(ln.people or 0 for ln in self.lines)

    @property
    def ties(self) -> bool:
        members = self.members_by_fund
        return all(
            members.get(code, 0) + self.collective.get(code, 0) == self.quantified.get(code, 0)
            for code, _n in self.funds
        )


def share_roll(
    uow: UnitOfWork, actor: Actor, org_code: str, as_of: date | None = None
) -> ShareRoll:
    """成员名册和份额登记簿 on ``as_of`` (default: as the register stands): every member
    household (those that left too, with the date), its 成员股 of each fund and in all, and the
    collective's 集体股, tying to the funds' quantified 专项基金.

    :raise InvalidState: a cooperative (``villages_only``): its members' shares are on its share
        register, which has no 集体股.
    """
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        if org.kind != "village_collective":
            raise InvalidState(
                "成员名册和份额登记簿 with 集体股 is kept by village collectives; a cooperative's "
                "members' shares are on its share register",
                code="share_roll_villages_only",
                params={},
            )
        day = as_of or utcnow().date()
        events = [e for e in registers.share_events(org.id) if e.occurred_on <= day]
        held, _changes = fund_holdings(
            [ShareMove(e.id, e.kind, e.fund, e.allocations) for e in events]
        )
        collective: dict[str, int] = {}
        for e in events:
            if e.fund and e.collective_fen:
                collective[e.fund] = collective.get(e.fund, 0) + e.collective_fen
        views = views_in(uow, org, day)
        status = {h.member_no: h.status for h in registers.holders(org.id, day)}
        members = [
            m
            for m in store.members(org.id, 1_000_000, 0)
            if m.joined_on is None or m.joined_on <= day
        ]
    codes = sorted(
        {v.fund.code for v in views if v.figures.quantified} | set(held) | set(collective)
    )
    names = {v.fund.code: v.fund.name for v in views}
    lines = [
        RollLine(
            m.member_no,
            m.name,
            m.kind,
            m.household_size,
            status.get(m.member_no, "none"),
            m.joined_on,
            m.left_on if m.left_on is not None and m.left_on <= day else None,
            {
                code: held[code][m.member_no]
                for code in codes
                if held.get(code, {}).get(m.member_no)
            },
        )
        for m in sorted(members, key=lambda m: member_sort_key(m.member_no))
    ]
    return ShareRoll(
        org,
        day,
        [(code, names.get(code, "")) for code in codes],
        lines,
        {code: collective.get(code, 0) for code in codes},
        {v.fund.code: v.figures.quantified for v in views if v.fund.code in codes},
        {v.fund.code: v.figures.special_fund for v in views if v.fund.code in codes},
    )

"""Surplus distribution (盈余分配), computed exactly so that any auditor can recompute it to the fen.

For a cooperative and year Y. The law (农民专业合作社法 art. 44) defines the distributable surplus
(可分配盈余) as the year's surplus after making up losses and appropriating the reserve (公积金),
and returns not less than 60 % of it by the members' transactions:

1. S, the surplus the year-end close carried into 本年盈余 (a loss distributes nothing);
2. L, the loss made up (by default the accumulated loss in 未分配盈余, at most S);
   R = round((S − L) × reserve rate);
   D = S − L − R (+ prior undistributed surplus when the plan says so), which must be > 0.
   Nothing else is deducted before D: an appropriation taken first would shrink the base of
   the 60 % floor;
3. P = D × patronage ratio rounded UP to the fen (the ratio at least 60 %): the return must not
   be below the ratio, and rounding half up could leave it a fraction of a fen short
   (D = 9,000.02 × 60 % = 5,400.012 → 5,400.02, never 5,400.01); split by transaction amount
   in Y;
4. the other appropriations (其他提取, e.g. 应付福利费), each a rate of (S − L) or an amount, come
   out of what remains after the patronage return: Q = D − P − others, which must not be
   negative; Q is split by account share at the end of Y (capital + reserve + fiscal + donation);
5. an optional guarantee tops up the Q-part of members of the given poverty statuses to a
   minimum (a fixed amount, or a rate of their quantified fiscal share), taking the total top-up
   T from the Q-parts of the members who get none, pro rata (a guaranteed member above its
   minimum gives only its excess, so that no guaranteed member ends below it); P and Q keep
   their totals.

Every split is largest-remainder to the fen, ties to the lower member number. "round" is
round-half-up (四舍五入); only P rounds up. A village collective distributes the same way with no
patronage part (P = 0): its other appropriations (提取应付福利费, 外来投资分利 …) come out of D
before the rest is split by shares (Q = D − others), in the order its 收益分配 form lists them —
提取公积公益金, then the other appropriations, then the households' distribution. A village
holding 集体股 splits that rest over the households' shares and its 集体股 together: the 集体股's
part C stays with the collective, undistributed, and the households get Q = D − others − C.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from coopledger.domain.errors import InvalidState, ValidationFailed, field_error
from coopledger.domain.members import SUPPORTED, covers, member_sort_key
from coopledger.domain.money import allocate, apply_rate, apply_rate_up, format_amount

MIN_PATRONAGE = Decimal("0.60")


@dataclass(frozen=True, slots=True)
class Appropriation:
    """Another appropriation the plan names (e.g. a welfare fund): a rate of (S − L) or an amount,
    credited to ``account``; taken from what remains of D after the patronage return."""

    name: str
    account: str
    rate: Decimal | None = None
    amount_fen: int | None = None


@dataclass(frozen=True, slots=True)
class Guarantee:
    statuses: tuple[str, ...] = SUPPORTED
    fixed_fen: int | None = None
    rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Inputs:
    year: int
    surplus_fen: int  # S
    accumulated_loss_fen: int  # the debit balance of 未分配盈余 before this plan (≥ 0)
    prior_undistributed_fen: int  # its credit balance (≥ 0)
    reserve_rate: Decimal
    patronage_ratio: Decimal
    loss_makeup_fen: int | None = None  # default: the accumulated loss, at most S
    others: tuple[Appropriation, ...] = ()
    guarantee: Guarantee | None = None
    include_prior_undistributed: bool = False
    cooperative: bool = True
    #: a village's 集体股 at the end of Y: the collective holds it as a member holds its shares
    collective_share_fen: int = 0


@dataclass(frozen=True, slots=True)
class MemberBasis:
    """What the split needs of one member, as of 31 December of Y."""

    member_no: str
    transaction_fen: int
    account_share_fen: int
    fiscal_share_fen: int
    poverty_status: str


@dataclass(frozen=True, slots=True)
class PlanLine:
    member_no: str
    transaction_fen: int
    account_share_fen: int
    fiscal_share_fen: int
    poverty_status: str
    patronage_fen: int
    residual_fen: int  # its part of Q after top-ups (includes its top-up)
    topup_fen: int
    minimum_fen: int | None

    @property
    def total_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class Plan:
    inputs: Inputs
    S: int
    L: int
    R: int
    others: tuple[tuple[Appropriation, int], ...]
    D: int
    P: int
    Q: int
    T: int
    lines: tuple[PlanLine, ...] = field(default_factory=tuple)
    #: the 集体股's part of the pool split by shares, kept by the collective (not in Q)
    C: int = 0


def validate_inputs(inputs: Inputs) -> None:
    """:raise ValidationFailed: rates out of range, patronage below 60 %, a loss."""
    errors: dict[str, list[str]] = {}
    if not Decimal(0) <= inputs.reserve_rate < 1:
        errors["reserve_rate"] = ["must be at least 0 and below 1"]
    if inputs.cooperative:
        if inputs.patronage_ratio > 1:
            errors["patronage_ratio"] = ["must not be above 1"]
        elif inputs.patronage_ratio < MIN_PATRONAGE:
            errors["patronage_ratio"] = [
                "the law requires at least 0.60 of distributable surplus to be returned by patronage (农民专业合作社法 art. 44)"
            ]
    elif inputs.patronage_ratio != 0:
        errors["patronage_ratio"] = ["a village collective distributes by shares only; leave it 0"]
    for i, other in enumerate(inputs.others):
        if (other.rate is None) == (other.amount_fen is None):
            errors[f"other_appropriations.{i}"] = ["give a rate or an amount"]
        elif other.rate is not None and not Decimal(0) <= other.rate < 1:
            errors[f"other_appropriations.{i}.rate"] = ["must be at least 0 and below 1"]
        elif other.amount_fen is not None and other.amount_fen < 0:
            errors[f"other_appropriations.{i}.amount"] = ["must not be negative"]
    g = inputs.guarantee
    if g is not None and (g.fixed_fen is None) == (g.rate is None):
        errors["guarantee"] = ["give a fixed minimum or a rate of the quantified fiscal share"]
    if inputs.loss_makeup_fen is not None and inputs.loss_makeup_fen < 0:
        errors["loss_makeup"] = ["must not be negative"]
    if errors:
        raise ValidationFailed("the distribution plan is invalid", errors=errors)
    if inputs.surplus_fen <= 0:
        raise ValidationFailed(
            f"{inputs.year} closed with a {'loss' if inputs.surplus_fen < 0 else 'surplus'} of "
            f"{format_amount(inputs.surplus_fen)} yuan: there is nothing to distribute",
            code="no_surplus",
            params={"year": inputs.year, "amount": format_amount(inputs.surplus_fen)},
            errors={"year": ["no surplus to distribute"]},
        )


def compute(inputs: Inputs, members: Sequence[MemberBasis]) -> Plan:
    """The whole plan. :raise ValidationFailed: see :func:`validate_inputs`; D ≤ 0; other
    appropriations above what remains after the patronage return; a pool whose weights are all
    zero; a guarantee that cannot be met (the shortfall named in yuan)."""
    validate_inputs(inputs)
    S = inputs.surplus_fen
    L = (
        min(inputs.accumulated_loss_fen, S)
        if inputs.loss_makeup_fen is None
        else inputs.loss_makeup_fen
    )
    if L > S:
        raise field_error("loss_makeup", "must not exceed the year's surplus")
    base = S - L
    R = apply_rate(base, inputs.reserve_rate)
    others = tuple(
        (o, apply_rate(base, o.rate) if o.rate is not None else int(o.amount_fen or 0))
        for o in inputs.others
    )
    D = base - R
    if inputs.include_prior_undistributed:
        D += inputs.prior_undistributed_fen
    if D <= 0:
        raise ValidationFailed(
            f"distributable surplus would be {format_amount(D)} yuan; it must be more than zero",
            code="nothing_distributable",
            params={"amount": format_amount(D)},
            errors={"reserve_rate": ["leaves nothing to distribute"]},
        )
    P = apply_rate_up(D, inputs.patronage_ratio)
    other_total = sum(amount for _, amount in others)
    pool = D - P - other_total  # split by shares: the households' Q and the 集体股's C
    if pool < 0:
        remains = D - P
        after = " after the patronage return" if inputs.cooperative else ""
        raise ValidationFailed(
            f"the other appropriations come to {format_amount(other_total)} yuan, more than the "
            f"{format_amount(remains)} yuan of distributable surplus that remain{after}",
            code="appropriations_exceed_remainder",
            params={"total": format_amount(other_total), "remains": format_amount(remains)},
            errors={
                "other_appropriations": [
                    f"more than the {format_amount(remains)} yuan that remain "
                    f"(over by {format_amount(-pool)} yuan)"
                ]
            },
        )
    ordered = sorted(members, key=lambda m: member_sort_key(m.member_no))
    patronage = _split(
        P, [m.transaction_fen for m in ordered], "transaction amounts", "patronage_ratio"
    )
    # A village's 集体股 is a holder like a household: the pool is split over the households'
    # shares and the 集体股 together (largest remainder, the 集体股 after every household on a
    # tie), so a village holding 20 % as 集体股 pays its households 80 % by their shares. The
    # 集体股's part C is paid to no household: no voucher credits it, so it stays the
    # collective's in 未分配收益, undistributed (the assembly may appropriate it later).
    weights = [m.account_share_fen for m in ordered]
    C = 0
    if inputs.collective_share_fen > 0:
        residual = _split(pool, [*weights, inputs.collective_share_fen], "shares", "members")
        C = residual.pop()
    else:
        residual = _split(pool, weights, "account shares", "members")
    Q = pool - C
    topups = [0] * len(ordered)
    minimums: list[int | None] = [None] * len(ordered)
    T = 0
    g = inputs.guarantee
    if g is not None and Q > 0:
        for i, m in enumerate(ordered):
            if covers(g.statuses, m.poverty_status):
                minimums[i] = (
                    g.fixed_fen
                    if g.fixed_fen is not None
                    else apply_rate(m.fiscal_share_fen, g.rate or Decimal(0))
                )
                topups[i] = max(0, (minimums[i] or 0) - residual[i])
        T = sum(topups)
        if T:
            # T comes from the members who get no top-up, pro rata to their Q-parts; a guaranteed
            # member above its minimum gives only from what exceeds it, so none falls below
            givers = [i for i in range(len(ordered)) if topups[i] == 0]
            capacity = [residual[i] - (minimums[i] or 0) for i in givers]
            available = sum(capacity)
            if available < T:
                raise ValidationFailed(
                    f"the guarantees cannot be met: they need {format_amount(T)} yuan of top-ups, the other members' "
                    f"residual parts come to {format_amount(available)} yuan (short by {format_amount(T - available)} yuan)",
                    code="guarantee_shortfall",
                    params={"x": format_amount(T - available)},
                    errors={"guarantee": [f"short by {format_amount(T - available)} yuan"]},
                )
            taken = allocate(T, capacity)
            for i, amount in zip(givers, taken, strict=True):
                residual[i] -= amount
            for i in range(len(ordered)):
                residual[i] += topups[i]
    lines = tuple(
        PlanLine(
            m.member_no,
            m.transaction_fen,
            m.account_share_fen,
            m.fiscal_share_fen,
            m.poverty_status,
            patronage[i],
            residual[i],
            topups[i],
            minimums[i],
        )
        for i, m in enumerate(ordered)
    )
    return Plan(inputs, S, L, R, others, D, P, Q, T, lines, C)


def _split(pool: int, weights: list[int], what: str, field: str) -> list[int]:
    if pool == 0:
        return [0] * len(weights)
    if not weights or sum(weights) <= 0 or any(w < 0 for w in weights):
        raise field_error(
            field,
            f"the {what} of the members are all zero: {format_amount(pool)} yuan cannot be split",
        )
    return allocate(pool, weights)


# -- the reserve quantified to members ------------------------------------------------------------


class ReserveBasis(enum.StrEnum):
    """How a cooperative's 公积金 of the year is quantified into its members' accounts, as its
    charter says (农民专业合作社法 art. 42): by the members' transactions in the year (the usual
    rule), by their account shares at 31 December, or evenly."""

    TRANSACTIONS = "transactions"
    SHARES = "shares"
    EVEN = "even"


class Weighed(Protocol):
    """A plan line as the reserve's quantification reads it."""

    @property
    def member_no(self) -> str: ...
    @property
    def transaction_fen(self) -> int: ...
    @property
    def account_share_fen(self) -> int: ...


def quantify_reserve(
    reserve_fen: int, lines: Sequence[Weighed], basis: ReserveBasis
) -> list[tuple[str, int]]:
    """(member number, fen) of each member's share of the reserve ``reserve_fen``, largest
    remainder to the fen, ties to the lower member number; members with nothing are left out.

    :raise ValidationFailed: (``reserve_basis``) the basis gives every member a weight of zero.
    """
    if reserve_fen <= 0 or not lines:
        return []
    ordered = sorted(lines, key=lambda ln: member_sort_key(ln.member_no))
    if basis is ReserveBasis.TRANSACTIONS:
        weights = [max(ln.transaction_fen, 0) for ln in ordered]
    elif basis is ReserveBasis.SHARES:
        weights = [max(ln.account_share_fen, 0) for ln in ordered]
    else:
        weights = [1] * len(ordered)
    if not any(weights):
        raise field_error(
            "reserve_basis",
            f"no member has {basis.value} to quantify the reserve by; choose another basis",
        )
    parts = allocate(reserve_fen, weights)
    return [(ln.member_no, part) for ln, part in zip(ordered, parts, strict=True) if part]


@dataclass(frozen=True, slots=True)
class VillageMeans:
    """What a village's plan pays out from: its cash and bank (101 and 102 with their
    sub-accounts) on 31 December of the plan's year, the date its vouchers carry, and the year's
    补助收入 (村级组织运转经费: a fiscal subsidy for running the village's organizations)."""

    cash_and_bank_fen: int
    subsidy_fen: int


@dataclass(frozen=True, slots=True)
class MeansRefusal:
    """Why a village's plan is refused unless overridden: its code, its message, its values."""

    code: str
    message: str
    params: dict[str, str]


def village_refusals(plan: Plan, means: VillageMeans) -> list[MeansRefusal]:
    """What is wrong with a village paying its members ``plan``'s parts (P + Q):

    - ``beyond_cash``: more than its cash and bank hold — no distribution on borrowed money
      (举债分配);
    - ``distributes_subsidy``: more than the surplus less the year's 补助收入 — the subsidy for
      running the village's organizations is not distributed to members.
    """
    payout = plan.P + plan.Q
    out = []
    if payout > means.cash_and_bank_fen:
        out.append(
            MeansRefusal(
                "beyond_cash",
                f"the plan pays the members {format_amount(payout)} yuan, more than the "
                f"{format_amount(means.cash_and_bank_fen)} yuan the village holds in cash and bank "
                f"(101 and 102) on 31 December {plan.inputs.year}: a village does not borrow to "
                "distribute (举债分配)",
                {
                    "payout": format_amount(payout),
                    "cash": format_amount(means.cash_and_bank_fen),
                    "year": str(plan.inputs.year),
                },
            )
        )
    own = plan.S - means.subsidy_fen
    if means.subsidy_fen > 0 and payout > own:
        out.append(
            MeansRefusal(
                "distributes_subsidy",
                f"the plan pays the members {format_amount(payout)} yuan, more than the "
                f"{format_amount(max(own, 0))} yuan of the {format_amount(plan.S)} yuan surplus "
                f"left after the year's {format_amount(means.subsidy_fen)} yuan of 补助收入 "
                "(村级组织运转经费): a subsidy for running the village's organizations is not "
                "distributed",
                {
                    "payout": format_amount(payout),
                    "own": format_amount(max(own, 0)),
                    "surplus": format_amount(plan.S),
                    "subsidy": format_amount(means.subsidy_fen),
                },
            )
        )
    return out


def refuse_unless_overridden(refusals: Sequence[MeansRefusal], override: bool) -> None:
    """:raise InvalidState: the first refusal's code, every refusal's message, unless the plan
    is made with an explicit override (which the audit log records)."""
    if refusals and not override:
        first = refusals[0]
        raise InvalidState(
            "; ".join(r.message for r in refusals)
            + " (an explicit override, recorded in the audit log, makes the plan anyway)",
            code=first.code,
            params=first.params,
        )

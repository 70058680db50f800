"""The share register (成员账户 / 股权): who holds what, by class, and the events that move it.

Capital (股金, account 301) lives in the ledger; the register adds what the ledger does not say —
which part of a member's capital came from household-level poverty assets, and the quantified
shares of 专项基金 formed by fiscal subsidies and donations (财政补助 / 捐赠量化), which are held,
reassigned when a household exits poverty, but never transferred or paid out to a member who
leaves. Quantification splits an amount to the fen by the largest-remainder method, extra fen
to the lower member numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from coopledger.domain.assets import AssetClass
from coopledger.domain.errors import Conflict, ValidationFailed, field_error
from coopledger.domain.members import SUPPORTED, covers, member_sort_key
from coopledger.domain.money import allocate, apply_rate, format_amount


class ShareClass(enum.StrEnum):
    CAPITAL_FROM_POVERTY_ASSETS = "capital_from_poverty_assets"  # memo split of 301
    RESERVE = "reserve_share"  # 公积金份额
    FISCAL = "fiscal_share"  # 财政补助量化份额
    DONATION = "donation_share"  # 捐赠量化份额


class EventKind(enum.StrEnum):
    QUANTIFY_FISCAL = "quantify_fiscal"
    QUANTIFY_DONATION = "quantify_donation"
    REASSIGN = "reassign"
    TRANSFER = "transfer"
    REDEEM = "redeem"
    CONTRIBUTE = "contribute"
    FORFEIT = "forfeit"  # a member who leaves gives its quantified shares back to the pool
    QUANTIFY_RESERVE = "quantify_reserve"  # the year's 公积金, when the distribution is posted


class Basis(enum.StrEnum):
    ALL_MEMBERS = "all_members"
    STATUSES = "statuses"
    EXPLICIT = "explicit"


DEFAULT_STATUSES = SUPPORTED
QUANTIFIED = (ShareClass.FISCAL, ShareClass.DONATION)


@dataclass(frozen=True, slots=True)
class Holder:
    """A member as quantification sees it: number, kind, and poverty status on the event's date."""

    member_no: str
    kind: str
    status: str
    active: bool = True


def quantify(
    amount_fen: int,
    holders: Sequence[Holder],
    basis: Basis,
    statuses: Sequence[str] = DEFAULT_STATUSES,
    explicit: Mapping[str, int] | None = None,
) -> list[tuple[str, int]]:
    """Spread ``amount_fen`` over members: evenly over all active members, evenly over the
    households whose status is in ``statuses``, or as ``explicit`` amounts that add up to it.

    :raise ValidationFailed: nobody qualifies; explicit amounts that do not add up or name
        an unknown member; a non-positive amount.
    """
    if amount_fen <= 0:
        raise field_error("amount", "must be more than zero")
    by_no = {h.member_no: h for h in holders}
    if basis is Basis.EXPLICIT:
        allocations = dict(explicit or {})
        unknown = sorted(no for no in allocations if no not in by_no or not by_no[no].active)
        if unknown:
            raise field_error("allocations", f"unknown or departed member(s): {', '.join(unknown)}")
        if any(v <= 0 for v in allocations.values()):
            raise field_error("allocations", "each amount must be more than zero")
        if sum(allocations.values()) != amount_fen:
            raise field_error("allocations", "the amounts must add up to the amount quantified")
        return sorted(allocations.items(), key=lambda kv: member_sort_key(kv[0]))
    if basis is Basis.ALL_MEMBERS:
        chosen = [h for h in holders if h.active]
    else:
        chosen = [
            h for h in holders if h.active and h.kind == "household" and covers(statuses, h.status)
        ]
    if not chosen:
        raise field_error("basis", "no member qualifies for this quantification")
    chosen.sort(key=lambda h: member_sort_key(h.member_no))
    parts = allocate(amount_fen, [1] * len(chosen))
    return [(h.member_no, part) for h, part in zip(chosen, parts, strict=True)]


#: the article that lets a village quantify the income rights of its operating property only
OPERATING_ONLY_LAW = "农村集体经济组织法第四十条"


@dataclass(frozen=True, slots=True)
class FundedAsset:
    """An asset a fund financed, as a village's quantification sees it: its number, class and
    the fund's part of its cost (the 专项基金 it formed)."""

    asset_no: str
    asset_class: AssetClass
    funded_fen: int


def check_village_quantification(
    fund: str, amount_fen: int, quantified_fen: int, assets: Sequence[FundedAsset]
) -> None:
    """A village collective quantifies to its members the income rights of its operating
    property only; public-welfare facilities (roads, water, living-environment facilities) and
    assets handed to households are not quantified (农村集体经济组织法第四十条第二款). Of a fund's
    专项基金, what the operating assets it financed formed, less what is quantified already, is
    all that may be quantified.

    :raise Conflict: more than that (``operating_assets_only``), the law, the amounts and the
        assets that are not operating named.
    """
    operating = sum(a.funded_fen for a in assets if a.asset_class is AssetClass.OPERATING)
    left = max(0, operating - quantified_fen)
    if amount_fen <= left:
        return
    others = sorted(a.asset_no for a in assets if a.asset_class is not AssetClass.OPERATING)
    excluded = sum(a.funded_fen for a in assets if a.asset_class is not AssetClass.OPERATING)
    message = (
        f"{OPERATING_ONLY_LAW}: a village quantifies the income rights of operating assets only; "
        f"fund {fund}'s 专项基金 formed {format_amount(excluded)} yuan of public-welfare or "
        f"household assets ({', '.join(others) or 'none'}), its operating assets leave "
        f"{format_amount(left)} yuan to quantify, not {format_amount(amount_fen)}"
    )
    raise Conflict(
        message,
        code="operating_assets_only",
        errors={"amount": [message]},
        params={"fund": fund, "left": format_amount(left), "amount": format_amount(amount_fen)},
    )


def collective_part(
    amount_fen: int | None,
    collective_fen: int | None,
    collective_percent: Decimal | None,
    *,
    village: bool,
) -> int:
    """The part of a quantification a village collective keeps as 集体股 (shares held by the
    collective itself, as a 股份合作制 reform sets aside, e.g. 20–30 %): an amount in fen, or a
    percentage of ``amount_fen`` rounded half up to the fen (20 % of 500,000.00 is exactly
    100,000.00). The rest is the members' 成员股. Only a village collective holds 集体股: what a
    cooperative quantifies is its members' shares, all of it.

    :raise ValidationFailed: on a cooperative; both or a negative amount; a percentage outside
        0–100 or without an amount to take it of; more than the amount quantified.
    """
    if collective_fen is None and collective_percent is None:
        return 0
    named = "collective_amount" if collective_fen is not None else "collective_percent"
    if not village:
        raise field_error(named, "only a village collective keeps 集体股; a cooperative has none")
    if collective_fen is not None and collective_percent is not None:
        raise field_error("collective_percent", "give an amount or a percentage, not both")
    if collective_percent is not None:
        if not Decimal(0) <= collective_percent <= 100:
            raise field_error("collective_percent", "must be between 0 and 100")
        if amount_fen is None:
            raise field_error("amount", "a percentage kept as 集体股 needs the amount quantified")
        kept = apply_rate(amount_fen, collective_percent / 100)
    else:
        assert collective_fen is not None
        if collective_fen < 0:
            raise field_error("collective_amount", "must not be negative")
        kept = collective_fen
    if amount_fen is not None and kept > amount_fen:
        raise field_error(
            named,
            f"the 集体股 of {format_amount(kept)} yuan is more than the "
            f"{format_amount(amount_fen)} yuan quantified",
        )
    return kept


def check_transfer(share_class: str) -> None:
    """Only capital changes hands; a quantified subsidy or donation share is not transferable.

    :raise ValidationFailed: any other class.
    """
    if share_class != "capital":
        raise ValidationFailed(
            "a quantified subsidy or donation share is not transferable; only capital is",
            code="not_transferable",
            errors={"class": ["only capital is transferable"]},
        )


def percent(part: int, total: int) -> str:
    """A share of the total as a percentage with two decimals, rounded half up (for display)."""
    if total == 0:
        return "0.00"
    hundredths = (part * 10000 * 2 + total) // (2 * total)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass(frozen=True, slots=True)
class ShareMove:
    """A share event as the fund trace replays it: its kind, the fund a quantification drew on
    (None for other kinds) and its allocations (member number, class, fen; a giver negative)."""

    event_id: int
    kind: str
    fund: str | None
    allocations: tuple[tuple[str, str, int], ...]


def fund_holdings(
    moves: Sequence[ShareMove],
) -> tuple[dict[str, dict[str, int]], dict[str, list[tuple[int, tuple[tuple[str, int], ...]]]]]:
    """Who holds each fund's quantified shares now, and each event that moved them.

    A quantification gives its members parts of its fund. A reassignment or a forfeit (a member
    leaving) takes a quantified share of one class from a member without naming a fund: it is
    taken from the member's parts of that class in every fund in proportion to them (largest
    remainder, ties to the fund first quantified), so handing over a whole share moves each
    fund's part whole; a reassignment gives what it took from each fund to the receiver. ``moves``
    are in the order the events happened. Returns ``holders[fund][member_no] = fen`` (members
    holding nothing left out) and ``changes[fund] = [(event_id, ((member_no, ±fen), …)), …]``.
    """
    parts: dict[tuple[str, str], dict[str, int]] = {}  # (member, class) → fund → fen
    changes: dict[str, list[tuple[int, tuple[tuple[str, int], ...]]]] = {}
    for move in moves:
        if move.kind in (EventKind.QUANTIFY_FISCAL, EventKind.QUANTIFY_DONATION) and move.fund:
            for member_no, share_class, fen in move.allocations:
                held = parts.setdefault((member_no, share_class), {})
                held[move.fund] = held.get(move.fund, 0) + fen
            changes.setdefault(move.fund, []).append(
                (move.event_id, tuple((m, fen) for m, _c, fen in move.allocations))
            )
        elif move.kind in (EventKind.REASSIGN, EventKind.FORFEIT):
            receivers = [(m, c, fen) for m, c, fen in move.allocations if fen > 0]
            per_fund: dict[str, list[tuple[str, int]]] = {}
            for member_no, share_class, fen in move.allocations:
                held = parts.get((member_no, share_class), {})
                if fen >= 0 or not held:
                    continue
                funds = [f for f in held if held[f] > 0]
                if not funds:
                    continue
                taken = min(-fen, sum(held[f] for f in funds))
                for code, part in zip(
                    funds, allocate(taken, [held[f] for f in funds]), strict=True
                ):
                    if not part:
                        continue
                    held[code] -= part
                    per_fund.setdefault(code, []).append((member_no, -part))
                    for receiver, receiver_class, _fen in receivers[:1]:
                        got = parts.setdefault((receiver, receiver_class), {})
                        got[code] = got.get(code, 0) + part
                        per_fund[code].append((receiver, part))
            for code, moved in per_fund.items():
                changes.setdefault(code, []).append((move.event_id, tuple(moved)))
    holders: dict[str, dict[str, int]] = {}
    for (member_no, _class), held in parts.items():
        for code, fen in held.items():
            if fen:
                by_member = holders.setdefault(code, {})
                by_member[member_no] = by_member.get(member_no, 0) + fen
    return holders, changes

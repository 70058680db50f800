"""Fixed assets (固定资产卡片), the other long-lived assets kept on the same register, and their
depreciation or amortization schedule.

An asset's kind decides its accounts: a fixed asset (固定资产, depreciated into 累计折旧), a
productive biological asset (生产性生物资产 — breeding stock, orchards — depreciated like a fixed
asset into 生产性生物资产累计折旧), a public-welfare biological asset (公益性生物资产 —
shelter forest — never depreciated), an intangible asset (无形资产 — a land management right —
amortized straight line into 累计摊销, or straight off 无形资产 where the chart has no 累计摊销)
and a long-term deferred expense (长期待摊费用, amortized straight line off the account itself).

Depreciation is monthly, from the month after acquisition (for an asset migrated from older
books, after the months already charged there), still charged in the month of disposal, never
past fully depreciated and never for an asset at the nominal 1 yuan. The straight-line charge is
fixed when depreciation starts: round-half-up((cost − salvage − opening accumulated) ÷ remaining
months); the last month takes what remains, so the total is exact to the fen. Units of
production charges each month's recorded units at the rate per unit — what remains to be charged
over the units that remain (for a migrated asset, its life's units less those used in older
books) — the last unit taking the remainder. Units recorded for a month before the first charged
one (the acquisition month) are charged with the first month, never lost; a migrated asset's
months before it belong to the older books. The 专项基金 a fiscal fund formed is never released to income as the asset depreciates.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coopledger.domain.bounds import (
    DATE_RANGE_MESSAGE,
    MAX_LIFE_MONTHS,
    MAX_UNITS,
    MAX_YEAR,
    date_in_range,
)
from coopledger.domain.errors import ValidationFailed, field_error
from coopledger.domain.money import round_half_up
from coopledger.domain.periods import Period

NOMINAL_FEN = 100  # 名义金额: one yuan
#: no month after this one is ever charged (no voucher can be dated later)
LAST_PERIOD = Period(MAX_YEAR, 12)


class AssetClass(enum.StrEnum):
    OPERATING = "operating"  # 经营性
    PUBLIC_WELFARE = "public_welfare"  # 公益性
    HOUSEHOLD = "household"  # 到户类


class AssetUse(enum.StrEnum):
    PRODUCTION = "production"  # → 生产成本 / 经营支出
    MANAGEMENT = "management"  # → 管理费用
    PUBLIC_WELFARE = "public_welfare"  # → 其他支出


class AssetKind(enum.StrEnum):
    """Which register an asset belongs to: its cost account and how it is written down."""

    FIXED = "fixed"  # 固定资产
    PRODUCTIVE_BIOLOGICAL = "productive_biological"  # 生产性生物资产
    PUBLIC_WELFARE_BIOLOGICAL = "public_welfare_biological"  # 公益性生物资产: not depreciated
    INTANGIBLE = "intangible"  # 无形资产
    LONG_TERM_DEFERRED = "long_term_deferred"  # 长期待摊费用


#: each kind's name, as the register and the vouchers print it
KIND_NAMES = {
    AssetKind.FIXED: "固定资产",
    AssetKind.PRODUCTIVE_BIOLOGICAL: "生产性生物资产",
    AssetKind.PUBLIC_WELFARE_BIOLOGICAL: "公益性生物资产",
    AssetKind.INTANGIBLE: "无形资产",
    AssetKind.LONG_TERM_DEFERRED: "长期待摊费用",
}
#: the chart roles of each kind: (its cost account, where its write-down is credited — None for
#: a kind never written down). A chart that amortizes straight off the cost account names that
#: same account for the second role.
KIND_ROLES: dict[AssetKind, tuple[str, str | None]] = {
    AssetKind.FIXED: ("fixed_assets", "accumulated_depreciation"),
    AssetKind.PRODUCTIVE_BIOLOGICAL: (
        "productive_biological_assets",
        "productive_biological_depreciation",
    ),
    AssetKind.PUBLIC_WELFARE_BIOLOGICAL: ("public_welfare_biological_assets", None),
    AssetKind.INTANGIBLE: ("intangible_assets", "intangible_amortization"),
    AssetKind.LONG_TERM_DEFERRED: (
        "long_term_deferred_expenses",
        "long_term_deferred_amortization",
    ),
}
#: kinds that may be written down by units of production (the others: straight line only)
UNITS_KINDS = frozenset({AssetKind.FIXED, AssetKind.PRODUCTIVE_BIOLOGICAL})


class Method(enum.StrEnum):
    STRAIGHT_LINE = "straight_line"
    UNITS_OF_PRODUCTION = "units_of_production"


@dataclass(frozen=True, slots=True)
class FixedAsset:
    """An asset card. Amounts in fen; ``funding`` maps a fund code to the part it financed."""

    asset_no: str
    name: str
    asset_class: AssetClass
    use: AssetUse
    acquired_on: date
    cost_fen: int
    salvage_fen: int
    useful_life_months: int
    method: Method = Method.STRAIGHT_LINE
    category: str = ""
    poverty_project: bool = False
    funding: Mapping[str, int] = field(default_factory=dict)
    opening_accumulated_fen: int = 0
    opening_months: int = 0
    nominal: bool = False
    total_units: int | None = None  # units of production: what the asset yields over its life
    opening_units: int = 0  # units of production: of those, used up in older books
    disposed_on: date | None = None
    kind: AssetKind = AssetKind.FIXED

    @property
    def written_down(self) -> bool:
        """False for an asset never depreciated: at the nominal 1 yuan, or 公益性生物资产."""
        return not self.nominal and self.kind is not AssetKind.PUBLIC_WELFARE_BIOLOGICAL

    @property
    def depreciable_fen(self) -> int:
        """What this system still charges: cost − salvage − depreciation charged in older books."""
        return self.cost_fen - self.salvage_fen - self.opening_accumulated_fen

    @property
    def first_period(self) -> Period:
        """The first month this system charges."""
        return Period.of(self.acquired_on).plus(1 + self.opening_months)

    @property
    def remaining_units(self) -> int:
        """Units of production: what the asset still yields in this system's books."""
        return (self.total_units or 0) - self.opening_units

    @property
    def migrated(self) -> bool:
        return self.opening_accumulated_fen > 0 or self.opening_months > 0 or self.opening_units > 0


def validate_asset(asset: FixedAsset) -> None:
    """:raise ValidationFailed: every problem of the card at once, keyed by field."""
    errors: dict[str, list[str]] = {}
    if asset.cost_fen <= 0:
        errors["cost"] = ["must be more than zero"]
    if not 0 < asset.useful_life_months <= MAX_LIFE_MONTHS:
        errors["useful_life_months"] = [f"must be from 1 to {MAX_LIFE_MONTHS} months"]
    if asset.salvage_fen < 0 or asset.salvage_fen > asset.cost_fen:
        errors["salvage"] = ["must lie between zero and the cost"]
    if any(amount <= 0 for amount in asset.funding.values()):
        errors["funding"] = ["each fund's part must be more than zero"]
    elif sum(asset.funding.values()) > asset.cost_fen:
        errors["funding"] = [
            "the funds' parts add up to more than the cost (the rest is self-funded)"
        ]
    if asset.opening_accumulated_fen < 0 or (
        asset.cost_fen > 0 and asset.opening_accumulated_fen > asset.cost_fen - asset.salvage_fen
    ):
        errors["opening_accumulated"] = ["must lie between zero and cost minus salvage"]
    if not 0 <= asset.opening_months <= MAX_LIFE_MONTHS:
        errors["opening_months"] = [f"must be from 0 to {MAX_LIFE_MONTHS} months"]
    elif (
        asset.useful_life_months > 0
        and asset.opening_months >= asset.useful_life_months
        and asset.depreciable_fen > 0
    ):
        errors["opening_months"] = ["must be fewer than the useful life"]
    if asset.nominal and asset.cost_fen != NOMINAL_FEN:
        errors["cost"] = ["an asset at the nominal amount is recorded at 1.00 yuan"]
    if asset.method is Method.UNITS_OF_PRODUCTION and not asset.total_units:
        errors["total_units"] = [
            "units of production needs the units the asset yields over its life"
        ]
    elif asset.total_units is not None and not 0 < asset.total_units <= MAX_UNITS:
        errors["total_units"] = [f"must be from 1 to {MAX_UNITS}"]
    if asset.opening_units < 0:
        errors["opening_units"] = ["must not be negative"]
    elif asset.opening_units and asset.method is not Method.UNITS_OF_PRODUCTION:
        errors["opening_units"] = ["only an asset depreciated by units of production has units"]
    elif (
        asset.opening_units
        and asset.total_units
        and asset.opening_units >= asset.total_units
        and asset.depreciable_fen > 0
    ):
        errors["opening_units"] = ["must be fewer than the units the asset yields over its life"]
    if asset.method is Method.UNITS_OF_PRODUCTION and asset.kind not in UNITS_KINDS:
        errors["method"] = [f"{KIND_NAMES[asset.kind]} is amortized by straight line only"]
    if not date_in_range(asset.acquired_on):
        errors["acquired_on"] = [DATE_RANGE_MESSAGE]
    if asset.disposed_on is not None and not date_in_range(asset.disposed_on):
        errors["disposed_on"] = [DATE_RANGE_MESSAGE]
    elif asset.disposed_on is not None and asset.disposed_on < asset.acquired_on:
        errors["disposed_on"] = ["must not be before the acquisition"]
    if errors:
        raise ValidationFailed(f"asset {asset.asset_no} is invalid", errors=errors)


def monthly_charge(asset: FixedAsset) -> int:
    """The fixed straight-line monthly charge in fen (0 when nothing is to be charged)."""
    remaining = asset.useful_life_months - asset.opening_months
    if not asset.written_down or remaining <= 0 or asset.depreciable_fen <= 0:
        return 0
    return round_half_up(Decimal(asset.depreciable_fen) / Decimal(remaining))


def schedule(
    asset: FixedAsset, usage: Mapping[Period, int] | None = None
) -> list[tuple[Period, int]]:
    """Every month's charge over the asset's life (zero months left out), disposal honoured.

    ``usage`` (units of production only) maps a month to the units recorded for it.
    """
    return list(_charges(asset, usage))


def _charges(
    asset: FixedAsset, usage: Mapping[Period, int] | None = None
) -> Iterator[tuple[Period, int]]:
    """:func:`schedule`'s months, in order, one at a time (a caller may stop early)."""
    if not asset.written_down or asset.depreciable_fen <= 0:
        return
    last_allowed = Period.of(asset.disposed_on) if asset.disposed_on else None
    left = asset.depreciable_fen
    if asset.method is Method.UNITS_OF_PRODUCTION:
        yield from _units_schedule(asset, usage or {}, last_allowed)
        return
    monthly = monthly_charge(asset)
    remaining = asset.useful_life_months - asset.opening_months
    if remaining <= 0:
        return
    first = asset.first_period
    final = first.plus(remaining - 1)  # the last month takes what remains
    stop = min(LAST_PERIOD, last_allowed) if last_allowed is not None else LAST_PERIOD
    period = first
    # Month by month while the fixed charge is paid, never past fully depreciated nor past the
    # last month any voucher can be dated in; a charge that rounds to zero leaves everything to
    # the final month, reached without stepping through the empty ones.
    while left > 0 and period <= stop:
        if period == final:
            yield period, left
            break
        if monthly == 0:
            period = final
            continue
        charge = min(monthly, left)
        yield period, charge
        left -= charge
        period = period.next()


def units_by_month(asset: FixedAsset, usage: Mapping[Period, int]) -> dict[Period, int]:
    """The units each month charges: a month before the first charged one brings its units to
    the first (none for a migrated asset, whose earlier months the older books charged)."""
    first = asset.first_period
    out: dict[Period, int] = {}
    for period, units in usage.items():
        if period < first:
            if asset.migrated:
                continue
            period = first
        out[period] = out.get(period, 0) + units
    return out


def _units_schedule(
    asset: FixedAsset, usage: Mapping[Period, int], last_allowed: Period | None
) -> list[tuple[Period, int]]:
    """Units of production: each month charges its share of what remains to be charged, by the
    units used to date over the units that remain; once they are used up, all of it."""
    assert asset.total_units
    remaining = asset.remaining_units
    out: list[tuple[Period, int]] = []
    charged = used = 0
    for period, units in sorted(units_by_month(asset, usage).items()):
        if (last_allowed and period > last_allowed) or charged >= asset.depreciable_fen:
            break
        used += units
        target = (
            asset.depreciable_fen
            if used >= remaining
            else round_half_up(Decimal(asset.depreciable_fen) * Decimal(used) / Decimal(remaining))
        )
        if target > charged:
            out.append((period, target - charged))
            charged = target
    return out


def charges_due(
    asset: FixedAsset,
    through: Period,
    charged: set[Period],
    usage: Mapping[Period, int] | None = None,
) -> list[tuple[Period, int]]:
    """The months up to ``through`` that have not been charged yet, with their amounts (the
    schedule is followed no further than ``through``)."""
    due = []
    for period, fen in _charges(asset, usage):
        if period > through:
            break
        if period not in charged:
            due.append((period, fen))
    return due


def accumulated(asset: FixedAsset, charged_fen: int) -> int:
    """Accumulated depreciation: what older books charged plus what this system posted."""
    return asset.opening_accumulated_fen + charged_fen


@dataclass(frozen=True, slots=True)
class DisposalAccounts:
    """The chart's accounts a disposal voucher uses (its ``roles``, by the asset's kind)."""

    fixed_assets: str  # the cost account: 固定资产, 生产性生物资产, 无形资产…
    accumulated_depreciation: str | None  # 累计折旧 / 累计摊销…; None when never written down
    disposal: str  # 固定资产清理
    other_income: str  # 其他收入: a gain on disposal
    other_expenses: str  # 其他支出: a loss on disposal


def disposal_lines(
    asset: FixedAsset,
    accumulated_fen: int,
    proceeds_fen: int,
    receive_account: str,
    accounts: DisposalAccounts,
) -> tuple[tuple[str, bool, int], ...]:
    """The lines of the disposal voucher, as (account, is_debit, fen), none zero.

    A fixed asset goes through 固定资产清理:

    - the net value into 清理: Dr 清理 (cost − accumulated), Dr 累计折旧, Cr 固定资产 (cost);
    - what it fetched: Dr ``receive_account``, Cr 清理;
    - 清理 closed to the result: a gain Cr 其他收入, a loss Dr 其他支出.

    Any other kind leaves its accounts directly: Dr its accumulated account, Cr its cost account
    (where the write-down was credited to the cost account itself, only what is left of it),
    Dr ``receive_account``, the difference to 其他收入 or 其他支出.

    The asset leaves the books in one voucher. The 专项基金 a fund formed with it stays
    (专项基金 is never released to income).
    """
    if proceeds_fen < 0:
        raise field_error("proceeds", "must not be negative")
    net = asset.cost_fen - accumulated_fen
    result = proceeds_fen - net
    cost, contra = accounts.fixed_assets, accounts.accumulated_depreciation
    if asset.kind is not AssetKind.FIXED:
        separate = contra is not None and contra != cost
        lines = [
            (contra or cost, True, accumulated_fen if separate else 0),
            (cost, False, asset.cost_fen if separate else net),
            (receive_account, True, proceeds_fen),
        ]
        if result > 0:
            lines.append((accounts.other_income, False, result))
        elif result < 0:
            lines.append((accounts.other_expenses, True, -result))
        return tuple(line for line in lines if line[2] > 0)
    assert contra is not None
    lines = [
        (accounts.disposal, True, net),
        (contra, True, accumulated_fen),
        (cost, False, asset.cost_fen),
        (receive_account, True, proceeds_fen),
        (accounts.disposal, False, proceeds_fen),
    ]
    if result > 0:
        lines += [(accounts.disposal, True, result), (accounts.other_income, False, result)]
    elif result < 0:
        lines += [(accounts.other_expenses, True, -result), (accounts.disposal, False, -result)]
    return tuple(line for line in lines if line[2] > 0)

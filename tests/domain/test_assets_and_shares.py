"""Depreciation schedules and quantification splits, checked as properties."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from coopledger.domain.assets import (
    AssetClass,
    AssetUse,
    FixedAsset,
    Method,
    charges_due,
    monthly_charge,
    schedule,
    validate_asset,
)
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.periods import Period
from coopledger.domain.shares import Basis, Holder, check_transfer, percent, quantify


def asset(**kw: object) -> FixedAsset:
    base: dict[str, object] = {
        "asset_no": "A1",
        "name": "冷库",
        "asset_class": AssetClass.OPERATING,
        "use": AssetUse.PRODUCTION,
        "acquired_on": date(2026, 3, 15),
        "cost_fen": 25_000_000,
        "salvage_fen": 1_000_000,
        "useful_life_months": 120,
    }
    base.update(kw)
    return FixedAsset(**base)  # type: ignore[arg-type]


def test_straight_line_starts_the_month_after_and_is_exact() -> None:
    plan = schedule(asset())
    assert plan[0] == (Period(2026, 4), 200_000) and len(plan) == 120
    assert sum(fen for _, fen in plan) == 24_000_000


def test_the_last_month_takes_the_remainder() -> None:
    plan = schedule(asset(cost_fen=100_000, salvage_fen=0, useful_life_months=3))
    assert [fen for _, fen in plan] == [33_333, 33_333, 33_334]


def test_a_migrated_asset_continues_after_the_months_already_charged() -> None:
    migrated = asset(
        acquired_on=date(2024, 1, 1),
        cost_fen=10_000_000,
        salvage_fen=0,
        useful_life_months=60,
        opening_accumulated_fen=3_000_000,
        opening_months=20,
    )
    plan = schedule(migrated)
    assert plan[0][0] == Period(2025, 10) and monthly_charge(migrated) == 175_000
    assert sum(fen for _, fen in plan) == 7_000_000 and len(plan) == 40


def test_disposal_month_is_charged_and_nothing_after() -> None:
    plan = schedule(asset(disposed_on=date(2026, 6, 3)))
    assert [p for p, _ in plan] == [Period(2026, 4), Period(2026, 5), Period(2026, 6)]


def test_nominal_assets_are_never_depreciated() -> None:
    assert schedule(asset(cost_fen=100, salvage_fen=0, nominal=True)) == []


def test_units_of_production_follow_the_usage() -> None:
    uop = asset(cost_fen=1_000_000, salvage_fen=0, method=Method.UNITS_OF_PRODUCTION, total_units=3)
    usage = {Period(2026, 4): 1, Period(2026, 5): 1, Period(2026, 6): 2}
    assert schedule(uop, usage) == [
        (Period(2026, 4), 333_333),
        (Period(2026, 5), 333_334),
        (Period(2026, 6), 333_333),
    ]


HARVESTER = {
    "cost_fen": 5_000_000,
    "salvage_fen": 200_000,
    "method": Method.UNITS_OF_PRODUCTION,
    "total_units": 100_000,
}


def test_a_migrated_asset_charges_what_remains_over_the_units_that_remain() -> None:
    """48,000 over 100,000 units, half charged and used in older books: 0.48 a unit still."""
    migrated = asset(
        **HARVESTER, opening_accumulated_fen=2_400_000, opening_months=12, opening_units=50_000
    )
    assert schedule(migrated, {Period(2027, 5): 10_000}) == [(Period(2027, 5), 480_000)]
    rest = schedule(migrated, {Period(2027, 5): 10_000, Period(2027, 6): 40_000})
    assert sum(fen for _, fen in rest) == 2_400_000


def test_units_of_the_acquisition_month_are_charged_with_the_first_month() -> None:
    """50,000 + 50,000 of 100,000 units: all 48,000 charged, none of it lost."""
    uop = asset(**HARVESTER)
    usage = {Period(2026, 3): 50_000, Period(2026, 5): 50_000}
    assert schedule(uop, usage) == [(Period(2026, 4), 2_400_000), (Period(2026, 5), 2_400_000)]
    assert schedule(uop, {Period(2026, 3): 50_000, Period(2026, 4): 50_000}) == [
        (Period(2026, 4), 4_800_000)
    ]


def test_units_used_in_older_books_must_leave_some_to_use() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_asset(asset(**HARVESTER, opening_units=100_000, opening_accumulated_fen=100))
    assert "opening_units" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        validate_asset(asset(opening_units=10))
    assert "opening_units" in caught.value.errors


def test_charges_due_skip_charged_months() -> None:
    due = charges_due(asset(), Period(2026, 6), {Period(2026, 4)})
    assert [p for p, _ in due] == [Period(2026, 5), Period(2026, 6)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cost_fen": 0}, "cost"),
        ({"useful_life_months": 0}, "useful_life_months"),
        ({"salvage_fen": 26_000_000}, "salvage"),
        ({"funding": {"f": 30_000_000}}, "funding"),
        ({"nominal": True}, "cost"),
        ({"method": Method.UNITS_OF_PRODUCTION}, "total_units"),
        ({"opening_accumulated_fen": 24_000_001}, "opening_accumulated"),
    ],
)
def test_invalid_cards_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_asset(asset(**changes))
    assert field in caught.value.errors


@given(
    cost=st.integers(1, 10**10),
    salvage_share=st.fractions(0, 1),
    life=st.integers(1, 600),
    opening_share=st.fractions(0, 1),
    opening_months=st.integers(0, 599),
    disposed_after=st.none() | st.integers(0, 700),
)
def test_every_schedule_is_exact_non_negative_and_above_salvage(
    cost: int,
    salvage_share: Fraction,
    life: int,
    opening_share: Fraction,
    opening_months: int,
    disposed_after: int | None,
) -> None:
    salvage = int(cost * salvage_share)
    opening = int((cost - salvage) * opening_share)
    assume(opening_months < life)
    disposed = None
    if disposed_after is not None:
        period = Period(2020, 1)
        for _ in range(disposed_after):
            period = period.next()
        disposed = period.first_day
    card = asset(
        acquired_on=date(2020, 1, 1),
        cost_fen=cost,
        salvage_fen=salvage,
        useful_life_months=life,
        opening_accumulated_fen=opening,
        opening_months=opening_months,
        disposed_on=disposed,
    )
    validate_asset(card)
    plan = schedule(card)
    assert all(fen > 0 for _, fen in plan)
    total = sum(fen for _, fen in plan)
    if disposed is None:
        assert total == cost - salvage - opening
    assert cost - opening - total >= salvage
    periods = [p for p, _ in plan]
    assert periods == sorted(set(periods))


def holders(n: int) -> list[Holder]:
    statuses = ["poor", "monitored", "none", "exited"]
    return [Holder(str(i), "household", statuses[i % 4]) for i in range(1, n + 1)]


def test_quantify_evenly_gives_extra_fen_to_lower_numbers() -> None:
    assert quantify(20_000_000, holders(3), Basis.ALL_MEMBERS) == [
        ("1", 6_666_667),
        ("2", 6_666_667),
        ("3", 6_666_666),
    ]


def test_quantify_by_status_and_explicitly() -> None:
    parts = quantify(100, holders(8), Basis.STATUSES, ("monitored",))
    assert [no for no, _ in parts] == ["1", "5"]
    # 脱贫户: a status recorded under the older name "poor" counts as "exited", and back
    for asked in (("exited",), ("poor",)):
        parts = quantify(100, holders(8), Basis.STATUSES, asked)
        assert [no for no, _ in parts] == ["3", "4", "7", "8"]
    parts = quantify(100, holders(8), Basis.STATUSES)  # by default 脱贫户 and 监测户
    assert [no for no, _ in parts] == ["1", "3", "4", "5", "7", "8"]
    assert quantify(100, holders(3), Basis.EXPLICIT, explicit={"2": 60, "1": 40}) == [
        ("1", 40),
        ("2", 60),
    ]
    with pytest.raises(ValidationFailed):
        quantify(100, holders(3), Basis.EXPLICIT, explicit={"2": 60})
    with pytest.raises(ValidationFailed):
        quantify(100, holders(3), Basis.STATUSES, ("low_income",))


def test_only_capital_is_transferable() -> None:
    check_transfer("capital")
    with pytest.raises(ValidationFailed) as caught:
        check_transfer("fiscal_share")
    assert caught.value.code == "not_transferable"


def test_percent_rounds_half_up() -> None:
    assert percent(1, 3) == "33.33" and percent(2, 3) == "66.67" and percent(0, 0) == "0.00"


@given(st.integers(1, 10**11), st.integers(1, 300))
def test_quantification_is_exact_and_within_a_fen(amount: int, n: int) -> None:
    parts = quantify(amount, holders(n), Basis.ALL_MEMBERS)
    assert sum(fen for _, fen in parts) == amount
    assert all(abs(fen - Fraction(amount, n)) < 1 for _, fen in parts)

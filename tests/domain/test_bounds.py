"""The bounds of what the books take in: dates, months, useful lives, units and sums of fen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from coopledger.domain.accounts import load_chart
from coopledger.domain.assets import (
    AssetClass,
    AssetUse,
    FixedAsset,
    Method,
    schedule,
    validate_asset,
)
from coopledger.domain.bounds import MAX_FEN_SUM, AmountTooLarge
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft, validate_draft
from coopledger.domain.money import MAX_AMOUNT_FEN
from coopledger.domain.periods import Period
from tests.builders import deadline


def shed(**kw: object) -> FixedAsset:
    base: dict[str, object] = {
        "asset_no": "NP-01",
        "name": "养牛棚",
        "asset_class": AssetClass.OPERATING,
        "use": AssetUse.PRODUCTION,
        "acquired_on": date(2026, 3, 15),
        "cost_fen": 12_000_000,
        "salvage_fen": 0,
        "useful_life_months": 120,
    }
    base.update(kw)
    return FixedAsset(**base)  # type: ignore[arg-type]


class TestUsefulLife:
    def test_a_life_up_to_a_hundred_years_is_taken(self) -> None:
        validate_asset(shed(useful_life_months=1200))

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"useful_life_months": 1201}, "useful_life_months"),
            ({"useful_life_months": 2**62}, "useful_life_months"),
            # nothing left to charge, so the months charged in older books went unchecked
            (
                {"opening_accumulated_fen": 12_000_000, "opening_months": 2**40},
                "opening_months",
            ),
            (
                {"method": "units_of_production", "total_units": 10**12 + 1},
                "total_units",
            ),
            ({"acquired_on": date(1899, 12, 31)}, "acquired_on"),
            ({"acquired_on": date(2200, 1, 1)}, "acquired_on"),
            ({"disposed_on": date(9999, 12, 31)}, "disposed_on"),
        ],
    )
    def test_out_of_bounds_cards_are_refused(self, changes: dict[str, object], field: str) -> None:
        if "method" in changes:
            changes = {**changes, "method": Method(str(changes["method"]))}
        with pytest.raises(ValidationFailed) as caught:
            validate_asset(shed(**changes))
        assert field in caught.value.errors

    def test_an_absurd_stored_life_is_scheduled_at_once_and_never_past_2199(self) -> None:
        """A card stored before the bound (life 2^62 months) lists, reads and depreciates in no
        time: nothing is charged past the last month a voucher can be dated in."""
        with deadline(2):
            assert schedule(shed(useful_life_months=2**62)) == []
            migrated = shed(opening_accumulated_fen=12_000_000, opening_months=2**62)
            assert migrated.first_period > Period(2199, 12)
            long = schedule(shed(useful_life_months=10**9, cost_fen=10**15))
        assert long[-1][0] == Period(2199, 12)
        assert all(fen == long[0][1] for _p, fen in long)

    def test_the_schedule_stops_once_fully_depreciated(self) -> None:
        """10.00 yuan over 600 months at a rounded 0.02 a month is done after 500 months."""
        plan = schedule(shed(cost_fen=1000, useful_life_months=600))
        assert len(plan) == 500 and sum(fen for _p, fen in plan) == 1000
        assert plan[-1][0] == Period(2026, 4).plus(499)

    def test_a_charge_that_rounds_to_zero_leaves_all_to_the_last_month(self) -> None:
        plan = schedule(shed(cost_fen=100, useful_life_months=1200))
        assert plan == [(Period(2026, 4).plus(1199), 100)]
        assert plan[0][0] == Period(2126, 3)

    def test_disposal_still_ends_the_schedule(self) -> None:
        plan = schedule(shed(disposed_on=date(2026, 6, 30)))
        assert [p for p, _fen in plan] == [Period(2026, 4), Period(2026, 5), Period(2026, 6)]


class TestMonths:
    @pytest.mark.parametrize("text", ["1900-01", "2026-11", "2199-12"])
    def test_months_in_range(self, text: str) -> None:
        assert str(Period.parse(text)) == text

    @pytest.mark.parametrize("text", ["1899-12", "2200-01", "9999-12", "0000-01"])
    def test_months_out_of_range(self, text: str) -> None:
        with pytest.raises(ValueError, match="from 1900-01 to 2199-12"):
            Period.parse(text)

    def test_plus_counts_months_across_years(self) -> None:
        assert Period(2026, 11).plus(2) == Period(2027, 1)
        assert Period(2026, 1).plus(-1) == Period(2025, 12)
        assert Period(2026, 3).plus(1200) == Period(2126, 3)


CHART = {a.code: a for a in load_chart("cooperative-2021").accounts}


def test_a_voucher_total_beyond_64_bits_is_amount_too_large() -> None:
    """9,224 debit lines at the largest amount a line takes add up to more than 2^63 − 1 fen."""
    lines = tuple(Line("102", Dr.DEBIT, MAX_AMOUNT_FEN) for _ in range(9224))
    draft = VoucherDraft(date(2026, 3, 1), "x", (*lines, Line("501", Dr.CREDIT, MAX_AMOUNT_FEN)))
    assert sum(ln.amount_fen for ln in lines) > MAX_FEN_SUM
    with pytest.raises(AmountTooLarge) as caught:
        validate_draft(draft, CHART, {}, {})
    assert caught.value.code == "amount_too_large" and "lines" in caught.value.errors
    fine = replace(draft, lines=(lines[0], Line("501", Dr.CREDIT, MAX_AMOUNT_FEN)))
    validate_draft(fine, CHART, {}, {})

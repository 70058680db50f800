"""集体股 in the domain: the part of a quantification a village keeps, and a village's
distribution by shares that weighs the 集体股 as a holder and pays its part to no household."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.distribution import Inputs, MemberBasis, compute
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.shares import collective_part


def village(surplus_fen: int, collective_fen: int) -> Inputs:
    return Inputs(
        year=2025,
        surplus_fen=surplus_fen,
        accumulated_loss_fen=0,
        prior_undistributed_fen=0,
        reserve_rate=Decimal(0),
        patronage_ratio=Decimal(0),
        cooperative=False,
        collective_share_fen=collective_fen,
    )


def households(*shares: int) -> list[MemberBasis]:
    return [MemberBasis(str(i), 0, fen, fen, "none") for i, fen in enumerate(shares, start=1)]


def test_20_percent_of_500000_is_kept_exactly() -> None:
    assert collective_part(50_000_000, None, Decimal("20"), village=True) == 10_000_000
    assert collective_part(50_000_000, 10_000_000, None, village=True) == 10_000_000
    assert collective_part(1, None, Decimal("50"), village=True) == 1  # half a fen rounds up
    assert collective_part(50_000_000, None, None, village=False) == 0


@pytest.mark.parametrize(
    ("amount", "percent", "field"),
    [
        (-1, None, "collective_amount"),
        (50_000_001, None, "collective_amount"),
        (None, Decimal("100.01"), "collective_percent"),
        (None, Decimal("-1"), "collective_percent"),
    ],
)
def test_a_part_out_of_range_names_its_field(
    amount: int | None, percent: Decimal | None, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        collective_part(50_000_000, amount, percent, village=True)
    assert field in refused.value.errors


def test_a_cooperative_keeps_no_集体股() -> None:
    with pytest.raises(ValidationFailed) as refused:
        collective_part(50_000_000, None, Decimal("20"), village=False)
    assert "collective_percent" in refused.value.errors


def test_a_village_with_20_percent_集体股_pays_its_households_80_percent() -> None:
    plan = compute(village(1_000_000, 10_000_000), households(20_000_000, 20_000_000))
    assert (plan.D, plan.Q, plan.C) == (1_000_000, 800_000, 200_000)
    assert [ln.residual_fen for ln in plan.lines] == [400_000, 400_000]


def test_the_fen_left_over_go_to_the_households_first() -> None:
    """1.00 over three equal holders (two households and the 集体股): 0.34, 0.33, 0.33."""
    plan = compute(village(100, 1_000), households(1_000, 1_000))
    assert [ln.residual_fen for ln in plan.lines] == [34, 33]
    assert plan.C == 33 and plan.Q == 67


def test_without_集体股_nothing_changes() -> None:
    plan = compute(village(1_000_000, 0), households(20_000_000, 20_000_000))
    assert (plan.Q, plan.C) == (1_000_000, 0)


@given(
    st.integers(min_value=1, max_value=10**10),
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
)
def test_households_and_集体股_add_up_to_the_distributable(
    surplus: int, collective: int, shares: list[int]
) -> None:
    if not collective and not any(shares):
        return
    plan = compute(village(surplus, collective), households(*shares))
    assert plan.Q + plan.C == plan.D
    assert sum(ln.residual_fen for ln in plan.lines) == plan.Q

"""The distribution computation: the statute's worked example, guarantees, and its properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.distribution import (
    Appropriation,
    Guarantee,
    Inputs,
    MemberBasis,
    PlanLine,
    ReserveBasis,
    compute,
    quantify_reserve,
)
from coopledger.domain.errors import ValidationFailed


def inputs(**kw: object) -> Inputs:
    base: dict[str, object] = {
        "year": 2025,
        "surplus_fen": 10_000_000,
        "accumulated_loss_fen": 0,
        "prior_undistributed_fen": 0,
        "reserve_rate": Decimal("0.10"),
        "patronage_ratio": Decimal("0.60"),
    }
    base.update(kw)
    return Inputs(**base)  # type: ignore[arg-type]


WORKED = [  # A is a poor household
    MemberBasis("A", 5_000_000, 1_250_000, 1_000_000, "poor"),
    MemberBasis("B", 15_000_000, 2_250_000, 1_000_000, "none"),
    MemberBasis("C", 10_000_000, 2_000_000, 1_000_000, "none"),
]


def test_the_worked_example_to_the_fen() -> None:
    plan = compute(inputs(), WORKED)
    assert (plan.S, plan.L, plan.R, plan.D, plan.P, plan.Q, plan.T) == (
        10_000_000,
        0,
        1_000_000,
        9_000_000,
        5_400_000,
        3_600_000,
        0,
    )
    assert [(ln.member_no, ln.patronage_fen, ln.residual_fen) for ln in plan.lines] == [
        ("A", 900_000, 818_182),
        ("B", 2_700_000, 1_472_727),
        ("C", 1_800_000, 1_309_091),
    ]


def test_a_guarantee_tops_up_from_the_others_pro_rata() -> None:
    plan = compute(inputs(guarantee=Guarantee(fixed_fen=1_000_000)), WORKED)
    a, b, c = plan.lines
    assert a.topup_fen == 181_818 and a.residual_fen == 1_000_000 and plan.T == 181_818
    assert b.residual_fen + c.residual_fen == 3_600_000 - 1_000_000
    assert sum(ln.residual_fen for ln in plan.lines) == plan.Q


def test_a_guarantee_that_cannot_be_met_names_the_shortfall() -> None:
    with pytest.raises(ValidationFailed) as caught:
        compute(inputs(guarantee=Guarantee(statuses=("poor", "none"), fixed_fen=2_000_000)), WORKED)
    assert caught.value.code == "guarantee_shortfall" and "short by" in caught.value.message


def test_loss_make_up_and_other_appropriations() -> None:
    plan = compute(
        inputs(
            accumulated_loss_fen=2_000_000,
            others=(Appropriation("公益金", "32201", rate=Decimal("0.05")),),
        ),
        WORKED,
    )
    assert plan.L == 2_000_000 and plan.R == 800_000 and plan.others[0][1] == 400_000
    # 可分配盈余 is the surplus after the loss and the reserve only (art. 44); the other
    # appropriation comes out of what remains after the patronage return
    assert plan.D == 10_000_000 - 2_000_000 - 800_000 == 7_200_000
    assert plan.P == 4_320_000  # 60 % of the full D, not of D less the welfare fund
    assert plan.Q == 7_200_000 - 4_320_000 - 400_000
    assert sum(ln.patronage_fen for ln in plan.lines) == plan.P
    assert sum(ln.total_fen for ln in plan.lines) == plan.D - 400_000


def test_a_welfare_fund_does_not_shrink_the_patronage_return() -> None:
    """A welfare fund of 5,000.00 out of a surplus of 100,000.00: the return is still 60 % of
    the 90,000.00 left after the reserve — 54,000.00, as without the fund — and the fund is paid
    from the residual part, which falls from 36,000.00 to 31,000.00."""
    fund = (Appropriation("应付福利费", "212", amount_fen=500_000),)
    without, with_fund = compute(inputs(), WORKED), compute(inputs(others=fund), WORKED)
    assert (with_fund.D, with_fund.P, with_fund.Q) == (9_000_000, 5_400_000, 3_100_000)
    assert with_fund.P == without.P
    assert [ln.patronage_fen for ln in with_fund.lines] == [900_000, 2_700_000, 1_800_000]


def test_the_patronage_return_is_rounded_up_so_it_is_never_below_60_percent() -> None:
    """D = 9,000.02 yuan: 60 % is 5,400.012 yuan; half-up rounding would return 5,400.01
    (59.99998 %), below the legal floor. The return is 5,400.02, the residual 3,600.00."""
    plan = compute(inputs(surplus_fen=900_002, reserve_rate=Decimal("0")), WORKED)
    assert (plan.D, plan.P, plan.Q) == (900_002, 540_002, 360_000)
    assert sum(ln.patronage_fen for ln in plan.lines) == 540_002


@pytest.mark.parametrize("cooperative", [True, False])
def test_other_appropriations_above_what_remains_are_refused_naming_the_field(
    cooperative: bool,
) -> None:
    """After the reserve D is 90,000.00; a cooperative returns 54,000.00 by patronage, leaving
    36,000.00 (a village, with no patronage part, 90,000.00): appropriations above that leave a
    negative residual, which is refused."""
    ratio = Decimal("0.60") if cooperative else Decimal(0)
    room = 3_600_000 if cooperative else 9_000_000
    fits = (Appropriation("应付福利费", "212", amount_fen=room),)
    plan = compute(inputs(patronage_ratio=ratio, cooperative=cooperative, others=fits), WORKED)
    assert plan.Q == 0 and all(ln.residual_fen == 0 for ln in plan.lines)
    over = (
        Appropriation("应付福利费", "212", amount_fen=room - 100),
        Appropriation("外来投资分利", "202", amount_fen=101),
    )
    with pytest.raises(ValidationFailed) as caught:
        compute(inputs(patronage_ratio=ratio, cooperative=cooperative, others=over), WORKED)
    assert caught.value.code == "appropriations_exceed_remainder"
    assert "other_appropriations" in caught.value.errors
    assert "over by 0.01 yuan" in caught.value.errors["other_appropriations"][0]


def test_a_village_takes_its_other_appropriations_from_d_before_the_split_by_shares() -> None:
    """本年收益 1,000.00, 提取公积公益金 10 % = 100.00, D = 900.00; 提取应付福利费 5 % of
    本年收益 = 50.00 and 外来投资分利 30.00 come out of D, leaving 820.00 for the households by
    shares (A 12,500 : B 22,500 : C 20,000)."""
    plan = compute(
        inputs(
            surplus_fen=100_000,
            patronage_ratio=Decimal(0),
            cooperative=False,
            others=(
                Appropriation("提取应付福利费", "212", rate=Decimal("0.05")),
                Appropriation("外来投资分利", "202", amount_fen=3_000),
            ),
        ),
        WORKED,
    )
    assert (plan.R, plan.D, plan.P, plan.Q) == (10_000, 90_000, 0, 82_000)
    assert [amount for _o, amount in plan.others] == [5_000, 3_000]
    assert [ln.residual_fen for ln in plan.lines] == [18_636, 33_546, 29_818]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patronage_ratio": Decimal("0.59")}, "patronage_ratio"),
        ({"patronage_ratio": Decimal("1.01")}, "patronage_ratio"),
        ({"reserve_rate": Decimal("1")}, "reserve_rate"),
        ({"reserve_rate": Decimal("-0.1")}, "reserve_rate"),
        ({"surplus_fen": -500}, "year"),
        ({"guarantee": Guarantee()}, "guarantee"),
    ],
)
def test_bad_plans_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        compute(inputs(**changes), WORKED)
    assert field in caught.value.errors


def test_all_zero_weights_cannot_be_split() -> None:
    zero = [MemberBasis("A", 0, 100, 0, "none")]
    with pytest.raises(ValidationFailed):
        compute(inputs(), zero)


members_strategy = st.lists(
    st.tuples(
        st.integers(0, 10**9),
        st.integers(0, 10**9),
        st.integers(0, 10**7),
        st.sampled_from(["poor", "monitored", "none", "exited"]),
    ),
    min_size=1,
    max_size=40,
).filter(lambda ms: sum(m[0] for m in ms) > 0 and sum(m[1] for m in ms) > 0)


@given(
    members_strategy,
    st.integers(1, 10**10),
    st.decimals("0", "0.5", places=2),
    st.decimals("0.6", "1", places=2),
    st.one_of(st.none(), st.integers(0, 10**6)),
    st.randoms(),
)
def test_properties(
    raw: list[tuple[int, int, int, str]],
    surplus: int,
    reserve: Decimal,
    ratio: Decimal,
    minimum: int | None,
    rnd: object,
) -> None:
    members = [MemberBasis(str(i + 1), t, a, f, s) for i, (t, a, f, s) in enumerate(raw)]
    guarantee = Guarantee(fixed_fen=minimum) if minimum is not None else None
    try:
        plan = compute(
            inputs(
                surplus_fen=surplus,
                reserve_rate=reserve,
                patronage_ratio=ratio,
                guarantee=guarantee,
            ),
            members,
        )
    except ValidationFailed as exc:  # a plan the rules refuse: only these reasons are expected
        if exc.code not in ("guarantee_shortfall", "nothing_distributable"):
            raise
        return
    # the return is never below the ratio (the law's floor), and above it by less than a fen
    assert Fraction(plan.D) * Fraction(ratio) <= plan.P < Fraction(plan.D) * Fraction(ratio) + 1
    assert plan.P + plan.Q == plan.D
    assert sum(ln.patronage_fen for ln in plan.lines) == plan.P
    assert sum(ln.residual_fen for ln in plan.lines) == plan.Q
    assert all(ln.patronage_fen >= 0 and ln.residual_fen >= 0 for ln in plan.lines)
    total_t = sum(m.transaction_fen for m in members)
    for ln, m in zip(plan.lines, members, strict=True):
        assert abs(ln.patronage_fen - Fraction(plan.P * m.transaction_fen, total_t)) < 1
        if ln.minimum_fen is not None:
            assert ln.residual_fen >= ln.minimum_fen
    shuffled = members[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = compute(
        inputs(
            surplus_fen=surplus, reserve_rate=reserve, patronage_ratio=ratio, guarantee=guarantee
        ),
        shuffled,
    )
    assert again.lines == plan.lines


@given(
    st.integers(1, 10**13),
    st.decimals("0", "0.5", places=4),
    st.integers(0, 10**12),
)
def test_the_patronage_return_is_at_least_60_percent_of_d_and_less_than_a_fen_above(
    surplus: int, reserve: Decimal, welfare: int
) -> None:
    fund = (Appropriation("应付福利费", "212", amount_fen=welfare),)
    refused: ValidationFailed | None = None
    try:
        plan = compute(inputs(surplus_fen=surplus, reserve_rate=reserve, others=fund), WORKED)
    except ValidationFailed as exc:
        refused = exc
    if refused is not None:  # nothing left after the reserve, or a fund larger than the residual
        assert refused.code in ("nothing_distributable", "appropriations_exceed_remainder")
        if refused.code == "appropriations_exceed_remainder":
            assert "other_appropriations" in refused.errors
        return
    sixty_percent = Fraction(plan.D) * Fraction(60, 100)
    assert sixty_percent <= plan.P < sixty_percent + 1
    assert plan.D == plan.S - plan.R  # the welfare fund is not deducted before D
    assert plan.Q == plan.D - plan.P - welfare >= 0
    assert sum(ln.total_fen for ln in plan.lines) == plan.D - welfare


def test_a_tie_gives_the_extra_fen_to_the_lower_member_number_as_a_person_reads_it() -> None:
    """Members "10" and "2" hold equal shares and did equal business, so every pool splits with
    a remainder tie; the odd fen goes to member 2, whose number is the lower one read as a
    number (a text order would put "10" first)."""
    plan = compute(
        inputs(surplus_fen=1_004, reserve_rate=Decimal("0")),
        [
            MemberBasis("10", 100_000, 50_000, 0, "none"),
            MemberBasis("2", 100_000, 50_000, 0, "none"),
        ],
    )
    assert (plan.P, plan.Q) == (603, 401)  # 602.4 rounded up
    assert [(ln.member_no, ln.patronage_fen, ln.residual_fen) for ln in plan.lines] == [
        ("2", 302, 201),
        ("10", 301, 200),
    ]


# -- the reserve quantified into the members' accounts ---------------------------------------------


def _line(no: str, trade: int, share: int) -> PlanLine:
    return PlanLine(no, trade, share, 0, "none", 0, 0, 0, None)


def test_the_reserve_goes_by_transactions_to_the_fen() -> None:
    lines = [_line("2", 150_000, 0), _line("1", 50_000, 0), _line("3", 0, 9_999)]
    assert quantify_reserve(1_000_001, lines, ReserveBasis.TRANSACTIONS) == [
        ("1", 250_000),
        ("2", 750_001),
    ]
    assert quantify_reserve(1_000_001, lines, ReserveBasis.SHARES) == [("3", 1_000_001)]
    assert quantify_reserve(10, lines, ReserveBasis.EVEN) == [("1", 4), ("2", 3), ("3", 3)]
    assert quantify_reserve(0, lines, ReserveBasis.EVEN) == []


def test_a_basis_that_gives_nobody_a_part_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        quantify_reserve(100, [_line("1", 0, 5)], ReserveBasis.TRANSACTIONS)
    assert "reserve_basis" in refused.value.errors


@given(
    st.integers(1, 10**12),
    st.lists(st.tuples(st.integers(0, 10**10), st.integers(0, 10**10)), min_size=1, max_size=40),
)
def test_every_fen_of_the_reserve_reaches_a_member(
    reserve: int, weights: list[tuple[int, int]]
) -> None:
    lines = [_line(str(i + 1), t, s) for i, (t, s) in enumerate(weights)]
    for basis in ReserveBasis:
        try:
            parts = quantify_reserve(reserve, lines, basis)
        except ValidationFailed:
            assert basis is not ReserveBasis.EVEN
            continue
        assert sum(fen for _, fen in parts) == reserve and all(fen > 0 for _, fen in parts)
        if basis is ReserveBasis.TRANSACTIONS:
            traded = {ln.member_no for ln in lines if ln.transaction_fen}
            assert {no for no, _ in parts} <= traded

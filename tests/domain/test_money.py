"""Money parsing is strict, formatting exact, splits pay out every fen (no database needed)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.money import (
    AmountError,
    allocate,
    apply_rate,
    apply_rate_up,
    format_amount,
    format_grouped,
    format_quantity,
    parse_amount,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.05", 5),
        ("1234.5", 123450),
        ("1234.50", 123450),
        ("9999999999999.99", 999999999999999),
    ],
)
def test_parse_amount(text: str, fen: int) -> None:
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    "bad",
    [
        10.5,
        1000,
        None,
        "10.005",
        "1e3",
        "１２",
        "1,000.00",
        "",
        "-1.00",
        "+1",
        "01.00",
        "NaN",
        "Infinity",
        " 1.00",
        "1.",
        ".5",
        "10000000000000.00",
    ],
)
def test_parse_amount_refuses(bad: object) -> None:
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_three_decimals_say_why() -> None:
    with pytest.raises(AmountError, match="two decimals"):
        parse_amount("10.005")


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_format_then_parse_round_trips(fen: int) -> None:
    text = format_amount(fen)
    assert (parse_amount(text.lstrip("-")) * (-1 if fen < 0 else 1)) == fen


@pytest.mark.parametrize(
    ("fen", "plain", "grouped", "with_symbol"),
    [
        (0, "0.00", "0.00", "¥0.00"),
        (5, "0.05", "0.05", "¥0.05"),
        (-500, "-5.00", "-5.00", "-¥5.00"),
        (123_456_789, "1234567.89", "1,234,567.89", "¥1,234,567.89"),
        (-100_000, "-1000.00", "-1,000.00", "-¥1,000.00"),
        (99_999, "999.99", "999.99", "¥999.99"),
    ],
)
def test_one_formatter_writes_amounts_plain_grouped_or_with_the_symbol(
    fen: int, plain: str, grouped: str, with_symbol: str
) -> None:
    assert format_amount(fen) == plain
    assert format_amount(fen, grouped=True) == format_grouped(fen) == grouped
    assert format_amount(fen, grouped=True, symbol="¥") == with_symbol


@given(st.integers(-(10**15), 10**15))
def test_grouping_only_adds_separators(fen: int) -> None:
    assert format_grouped(fen).replace(",", "") == format_amount(fen)


def test_quantities() -> None:
    assert parse_quantity("1300.5") == 1_300_500
    assert format_quantity(1_300_500) == "1300.5" and format_quantity(2000) == "2"
    with pytest.raises(AmountError):
        parse_quantity("1.0005")


def test_rates_round_half_up() -> None:
    assert apply_rate(5, Decimal("0.1")) == 1  # 0.5 fen rounds up (四舍五入)
    assert apply_rate(4, Decimal("0.1")) == 0
    assert apply_rate(-5, Decimal("0.1")) == -1


def test_a_floor_rate_rounds_up_to_the_next_fen() -> None:
    assert apply_rate_up(900_002, Decimal("0.60")) == 540_002  # 5,400.012 yuan → 5,400.02
    assert apply_rate_up(900_000, Decimal("0.60")) == 540_000  # exact: unchanged
    assert apply_rate_up(1, Decimal("0.000001")) == 1  # any fraction of a fen counts
    assert apply_rate_up(0, Decimal("0.6")) == 0


@given(st.integers(0, 10**15), st.decimals("0", "1", places=6))
def test_a_floor_rate_is_never_below_the_exact_product_nor_a_fen_above(
    fen: int, rate: Decimal
) -> None:
    exact = Fraction(fen) * Fraction(rate)
    assert exact <= apply_rate_up(fen, rate) < exact + 1


def test_allocate_known_split() -> None:
    assert allocate(100000, [3, 3, 3]) == [33334, 33333, 33333]
    assert allocate(10, [0, 1, 1]) == [0, 5, 5]
    assert allocate(1, [1, 1]) == [1, 0]  # the tie goes to the lower index
    with pytest.raises(ValueError, match="cannot be split"):
        allocate(100, [0, 0])


@given(
    st.integers(min_value=0, max_value=10**11),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=200).filter(any),
)
def test_allocate_is_exact_and_fair(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    denominator = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, denominator)
        assert part >= 0 and abs(part - exact) < 1
        if weight == 0:
            assert part == 0


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=50),
    st.randoms(),
)
def test_allocate_does_not_depend_on_order(total: int, weights: list[int], rnd: object) -> None:
    keyed = list(enumerate(weights))
    parts = dict(zip(range(len(weights)), allocate(total, weights), strict=True))
    shuffled = keyed[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    # callers sort by member number before splitting; the result is then the same whatever the input order
    resorted = sorted(shuffled)
    again = dict(
        zip([k for k, _ in resorted], allocate(total, [w for _, w in resorted]), strict=True)
    )
    assert again == parts

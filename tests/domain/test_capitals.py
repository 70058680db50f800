"""Amounts in Chinese capitals: hand-checked cases, and properties over the whole range."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.capitals import DIGITS, to_capitals
from coopledger.domain.money import MAX_AMOUNT_FEN

ALLOWED = set("人民币负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "人民币零元整"),
        (5, "人民币伍分"),
        (50, "人民币伍角整"),
        (55, "人民币伍角伍分"),
        (1000, "人民币壹拾元整"),
        (10_000_000, "人民币壹拾万元整"),
        (100_000_100, "人民币壹佰万零壹元整"),
        (1_640_902, "人民币壹万陆仟肆佰零玖元零贰分"),
        (140_950, "人民币壹仟肆佰零玖元伍角整"),
        (600_714, "人民币陆仟零柒元壹角肆分"),
        (10_700_053, "人民币壹拾万柒仟元零伍角叁分"),
        (1_234_567, "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        (168_032, "人民币壹仟陆佰捌拾元零叁角贰分"),
        (32_504, "人民币叁佰贰拾伍元零肆分"),
        (1_100, "人民币壹拾壹元整"),
        (11_000_000, "人民币壹拾壹万元整"),
        (10_000_000_000, "人民币壹亿元整"),
        (10_001_000_000, "人民币壹亿零壹万元整"),
        # the lower 万 or 亿 group starts with a zero: one 零 stands for it
        (100_010_000, "人民币壹佰万零壹佰元整"),
        (10_101_010_100, "人民币壹亿零壹佰零壹万零壹佰零壹元整"),
        (10_000_100_000_000, "人民币壹仟亿零壹佰万元整"),
        (11_000_000_000, "人民币壹亿壹仟万元整"),
        (100_000_000_000_000, "人民币壹万亿元整"),
        (MAX_AMOUNT_FEN, "人民币玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        (-50_000, "人民币负伍佰元整"),
        (-5, "人民币负伍分"),
    ],
)
def test_the_documented_cases(fen: int, text: str) -> None:
    assert to_capitals(fen) == text


def parse_capitals(text: str) -> int:
    """The inverse, written independently: capitals back to fen."""
    assert text.startswith("人民币")
    body = text.removeprefix("人民币")
    sign = -1 if body.startswith("负") else 1
    body = body.removeprefix("负").removesuffix("整")
    yuan_text, _, small = body.rpartition("元") if "元" in body else ("", "", body)
    small = small.removeprefix("零")
    jiao = fen = 0
    if m := re.fullmatch(r"(?:(.)角)?(?:(.)分)?", small):
        jiao = DIGITS.index(m[1]) if m[1] else 0
        fen = DIGITS.index(m[2]) if m[2] else 0
    else:
        raise AssertionError(f"bad jiao/fen part {small!r}")
    return sign * (_parse_integer(yuan_text) * 100 + jiao * 10 + fen)


def _parse_integer(text: str) -> int:
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if unit in text:
            high, _, low = text.rpartition(unit)
            return _parse_integer(high) * size + _parse_integer(low)
    value = digit = 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS.index(ch)
        else:
            value += digit * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            digit = 0
    return value + digit


amounts = st.integers(min_value=-MAX_AMOUNT_FEN, max_value=MAX_AMOUNT_FEN)


@given(amounts)
def test_only_the_regulation_characters(fen: int) -> None:
    text = to_capitals(fen)
    assert set(text) <= ALLOWED
    assert not set(text) & set("两〇毛另十一二三正")
    assert "零零" not in text
    assert "零元" not in text or fen == 0
    assert not text.endswith("分整")
    assert text.endswith(("分", "整"))
    if abs(fen) % 100 == 0:
        assert text.endswith("元整")


@given(amounts)
def test_reads_back_to_the_same_amount(fen: int) -> None:
    assert parse_capitals(to_capitals(fen)) == fen


@given(st.integers(min_value=0, max_value=10**7))
def test_leading_ten_is_written_with_its_one(fen: int) -> None:
    text = to_capitals(fen).removeprefix("人民币")
    assert not text.startswith("拾")
    assert "零拾" not in text and "元拾" not in text


def test_distinct_amounts_give_distinct_strings() -> None:
    seen = {to_capitals(fen) for fen in range(-20_000, 200_001)}
    assert len(seen) == 220_001

"""Amounts as they are said in Mandarin, for the statement read aloud."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.capitals import spoken_number, to_chinese_words


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (214_890, "两千一百四十八元九角"),
        (0, "零元"),
        (5, "五分"),
        (90, "九角"),
        (503, "五元零三分"),
        (1_000, "十元"),
        (1_200, "十二元"),
        (20_000, "二百元"),
        (100_500, "一千零五元"),
        (2_000_000, "两万元"),
        (20_000_000, "二十万元"),
        (2_222_222, "两万两千二百二十二元二角二分"),
        (10_005_000_000, "一亿零五万元"),
        (20_000_000_000, "两亿元"),
        (11_000, "一百一十元"),
        (-50_000, "负五百元"),
    ],
)
def test_amounts_are_said_as_people_say_them(fen: int, words: str) -> None:
    assert to_chinese_words(fen) == words


def test_whole_numbers() -> None:
    assert [spoken_number(n) for n in (0, 10, 25, 100, 2025)] == [
        "零",
        "十",
        "二十五",
        "一百",
        "两千零二十五",
    ]


@given(st.integers(min_value=1, max_value=10**14))
def test_words_use_only_spoken_numerals(fen: int) -> None:
    words = to_chinese_words(fen)
    assert set(words) <= set("零一二两三四五六七八九十百千万亿元角分")
    assert not (set(words) & set("壹贰叁肆伍陆柒捌玖拾佰仟整"))  # never the capitals

"""Personal numbers typed into free text are masked before the text is published; dates, amounts
and voucher numbers are left as they are."""

from __future__ import annotations

import re

import pytest

from coopledger.domain.privacy import scrub, scrub_optional

#: what must never be read off a public page: an ID number, a card number, a mobile number
ID_RE = re.compile(r"\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]|\d{15}")
CARD_RE = re.compile(r"(?:\d[ -]?){12,}")
PHONE_RE = re.compile(r"1[3-9]\d[ -]?\d{4}[ -]?\d{4}")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("支付 6222-0212-3456-7890-123", "支付 ***************0123"),
        ("卡号 6222 0212 3456 7890 123", "卡号 ***************0123"),
        ("6228480012345678901", "***************8901"),
        ("电话 138 0013 8000", "电话 *******8000"),
        ("电话 138-0013-8000", "电话 *******8000"),
        ("13800138000", "*******8000"),
        ("+86 138 0013 8000", "*********8000"),
        ("+8613800138000", "*********8000"),
        ("0086-138-0013-8000", "***********8000"),
        ("身份证11010519491231002X", "身份证**************002X"),
        ("110105 19491231 002x", "**************002x"),
        ("110105-19491231-0027", "**************0027"),
        ("老身份证 110105491231002", "老身份证 ***********1002"),
        ("电话１３８００１３８０００", "电话*******８０００"),
        ("2026-03-10 138 0013 8000 王秀英", "2026-03-10 *******8000 王秀英"),
    ],
)
def test_personal_numbers_are_masked_but_for_the_last_four(text: str, shown: str) -> None:
    assert scrub(text) == shown
    for pattern in (ID_RE, CARD_RE, PHONE_RE):
        assert not pattern.search(scrub(text)), pattern


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-10 出租收入 1200 元",
        "金额 1,234,567.00 元",
        "记-2026-03-0002",
        "FA-2026-001 冷库",
        "2025 2026 年度",
        "12 345 678",
        "村道 3 公里，路灯 120 盏",
        "",
    ],
)
def test_dates_amounts_and_codes_stay(text: str) -> None:
    assert scrub(text) == text


def test_none_stays_none() -> None:
    assert scrub_optional(None) is None
    assert scrub_optional("13800138000") == "*******8000"

"""The household statement prints for elderly readers: body text at 12 pt or more, the amount at
20 pt or more, and still one A4 page with the longest explanation a statement can carry (every
sentence: patronage, shares in four parts, other appropriations, a guarantee top-up), in Chinese
and in English."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from coopledger.adapters.household_statement_pdf import render_statement
from coopledger.domain.money import format_grouped
from coopledger.services.household_statements import Statement, statement_of
from coopledger.services.ports import Org
from coopledger.services.ports.distributions import (
    IssuedStatement,
    PaidSoFar,
    PlanLineRecord,
    PlanRecord,
)
from coopledger.services.shares import Holding


def longest_statement() -> Statement:
    """A statement with every line and sentence a statement can have, at the widest figures a
    village's household meets (hundreds of thousands of yuan) and long names."""
    line = PlanLineRecord(
        1,
        "0137",
        "欧阳德明",
        "household",
        123_456_789,
        98_765_432,
        55_555_555,
        "extreme_poverty",
        8_765_432,
        7_654_321,
        1_234_567,
        16_000_000,
        PaidSoFar(5_000_000, 3_000_000, 1_234_567, 2_000_000),
    )
    others = PlanLineRecord(
        2, "0138", "李建国", "household", 876_543_211, 888_888_888, 0, "none",
        44_352_987, 26_660_111, 0, None, PaidSoFar(),
    )  # fmt: skip
    plan = PlanRecord(
        7,
        "garlic",
        2025,
        "posted",
        {},
        99_999_999_999,
        1_234_567_890,
        9_876_543_210,
        876_543_210,
        88_012_345_678,
        52_807_407_407,
        34_328_395_061,
        0,
        "zhang-kj",
        "官王庙大蒜种植专业合作社2026年第一次成员大会决议（2026-01号）",
        date(2026, 1, 20),
        "reviewer",
        (),
        (line, others),
    )
    holding = Holding(
        "0137", "欧阳德明", "household", "extreme_poverty", 30_000_000, 0, 8_765_432,
        55_555_555, 4_444_445,
    )  # fmt: skip
    org = Org(
        1,
        "garlic",
        "济南市商河县白桥镇官王庙村官王庙大蒜种植与冷链仓储农民专业合作社联合社",
        "cooperative",
        "济南市/商河县/白桥镇/官王庙村",
        "cooperative-2021",
        False,
        1234,
        "a" * 64,
        None,
    )
    issued = IssuedStatement(
        "0123456789ABCDEF",
        7,
        2025,
        line.total_fen,
        1234,
        "f" * 64,
        datetime(2026, 2, 1, tzinfo=UTC),
    )
    return statement_of(org, plan, line, "欧阳德明", "11010519491231002X", holding, issued)


def _sizes(document: bytes) -> list[tuple[float, str]]:
    """(font size in points as printed, text) of every piece of text on the first page."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = (tm[0] * tm[0] + tm[1] * tm[1]) ** 0.5 * (cm[0] * cm[0] + cm[1] * cm[1]) ** 0.5
            found.append((round(size * scale, 2), text.strip()))

    PdfReader(io.BytesIO(document)).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_longest_statement_is_one_page_in_large_type(locale: str) -> None:
    s = longest_statement()
    assert len(s.explanation(locale)) == 4  # every sentence there is
    document = render_statement(s, "https://books.example.org/", locale=locale)
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    sizes = _sizes(document)
    # only the chain head's 64 hexadecimal digits, for a machine to compare, print small
    small = [(size, text) for size, text in sizes if size < 12 and set(text) != {"f"}]
    assert not small, small
    total = format_grouped(s.line.total_fen)
    amount = [size for size, text in sizes if total in text]
    assert amount and max(amount) >= 20, sizes

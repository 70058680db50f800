"""Printed reports keep their text apart: read back from the PDF (tests/pdf_layout.py), no two
labels overlap, no label sits on a bar, every figure is printed whole inside the page, a voucher
number stays in its column, and the trial balance leaves empty cells blank."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from coopledger.adapters.pdf import render_pdf
from coopledger.domain.money import format_amount
from coopledger.services.ports import Org
from coopledger.services.print_contexts import region_report_print_context
from coopledger.services.regions import ClassFigures, OrgFigures, RegionReport, StatusFigures
from tests.pdf_layout import layout, overlapping

MARGIN = 12 / 25.4 * 72  # the reports' 12 mm page margin, in points
DRAWN = {
    "org": "garlic",
    "org_name": "官王庙大蒜种植专业合作社",
    "generated_at": "2026-12-05 10:00",
    "chain_seq": 1234,
    "chain_head": "ab" * 32,
}


def _org(i: int, name: str, kind: str = "village_collective") -> Org:
    return Org(i, f"o{i}", name, kind, "济南市/商河县/白桥镇", "village-2023", False, 0, "", None)


def _region() -> RegionReport:
    """One village far ahead (814,000.00), the rest near the 30k and 50k lines, a household
    asset of 5 yuan: the chart's worst case (tiny bars, close markers, a long top figure)."""
    orgs = [
        OrgFigures(_org(1, "官王庙村股份经济合作社"), 81_400_000, 40_000_000, 40_000_000, 35_000_000, 1_000_000, 0),
        OrgFigures(_org(2, "南村股份经济合作社"), 3_200_000, 0, 0, 0, 0, 0),
        OrgFigures(_org(3, "北峪村股份经济合作社"), 5_100_000, 0, 0, 0, 0, 0),
        OrgFigures(_org(4, "济南市商河县白桥镇官王庙大蒜种植专业合作社联合社", "cooperative"), 2_000_000, 0, 0, 0, 500_000, 200_000),
    ]  # fmt: skip
    return RegionReport(
        "济南市/商河县",
        2025,
        orgs,
        {
            "operating": ClassFigures(3, 81_400_000, 40_000_000, 40_000_000),
            "public_welfare": ClassFigures(2, 1_000_000, 0, 0),
            "household": ClassFigures(1, 500, 0, 0),
        },
        {"poor": StatusFigures(10, 81_400_000, 500_000), "none": StatusFigures(20, 200_000, 0)},
        {"high": 1},
        True,
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_region_reports_charts_keep_labels_apart_and_figures_whole(locale: str) -> None:
    context = region_report_print_context(_region())
    document = render_pdf("pdf/region_report.html", context, locale=locale)
    texts: set[str] = set()
    found_bars = 0
    for page in range(len(PdfReader(io.BytesIO(document)).pages)):
        runs, rects, width = layout(document, page)
        assert not overlapping(runs)
        bars = [r for r in rects if r.fill != (0.0, 0.0, 0.0) and min(r.fill) < 0.9]
        found_bars += len(bars)
        assert not [(t.text, b) for t in runs for b in bars if t.overlaps(b)]
        assert all(r.x0 >= MARGIN - 1 and r.x1 <= width - MARGIN + 1 for r in runs)
        texts |= {r.text for r in runs}
    assert found_bars >= 10  # the four charts' bars were found
    for chart in ("income_chart", "fund_chart", "class_chart", "status_chart"):
        for bar in context[chart]["bars"]:
            assert format_amount(bar["fen"], grouped=True) in texts, bar
    assert "814,000.00" in texts
    markers = {"zh": ("3万", "5万"), "en": ("30k", "50k")}[locale]
    assert set(markers) <= texts


def _ledger_context() -> dict[str, Any]:
    rows = [
        {
            "date": "2026-11-30",
            "number": "记-2026-11-1234",
            "memo": "收到官王庙村股份经济合作社投资收益",
            "account": "102",
            "member": None,
            "debit_fen": 1_234_567_890,
            "credit_fen": None,
            "balance_fen": 9_876_543_210,
            "direction": "借",
            "total": None,
        },
        {
            "date": "2026-11-30",
            "number": "",
            "memo": "本日合计",
            "account": None,
            "member": None,
            "debit_fen": 1_234_567_890,
            "credit_fen": 0,
            "balance_fen": 9_876_543_210,
            "direction": "借",
            "total": "day",
        },
    ]
    return {
        "title": "银行存款日记账",
        "org": {"name": "官王庙大蒜种植专业合作社", "code": "garlic"},
        "account": {"code": "102", "name": "银行存款"},
        "member": None,
        "from": "2026-01-01",
        "to": "2026-12-31",
        "opening_fen": 8_641_975_320,
        "opening_direction": "借",
        "closing_fen": 9_876_543_210,
        "closing_direction": "借",
        "total_debit_fen": 1_234_567_890,
        "total_credit_fen": 0,
        "rows": rows,
        "drawn": DRAWN,
    }


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_ledgers_voucher_number_stays_out_of_the_memo(locale: str) -> None:
    runs, _, _ = layout(render_pdf("pdf/ledger.html", _ledger_context(), locale=locale))
    number = next(r for r in runs if r.text == "记-2026-11-1234")
    memo = next(r for r in runs if r.text.startswith("收到"))
    assert number.x1 <= memo.x0 - 2, (number, memo)
    assert not overlapping(runs)


def test_the_trial_balance_leaves_empty_cells_blank() -> None:
    row = {
        "account": "102",
        "name": "银行存款",
        "level": 1,
        "indent_em": 0,
        "opening_debit_fen": 0,
        "opening_credit_fen": 0,
        "debit_fen": 100_000,
        "credit_fen": 0,
        "closing_debit_fen": 100_000,
        "closing_credit_fen": 0,
    }
    totals = {**row, "name": "合计", "credit_fen": 100_000, "closing_credit_fen": 0}
    context = {
        "org": {"name": "官王庙大蒜种植专业合作社", "code": "garlic"},
        "from": "2026-01-01",
        "to": "2026-12-31",
        "rows": [row],
        "totals": totals,
        "balanced": True,
        "drawn": DRAWN,
    }
    runs, _, _ = layout(render_pdf("pdf/trial_balance.html", context))
    line = next(r for r in runs if r.text == "银行存款")
    on_row = [r.text for r in runs if abs(r.y0 - line.y0) < 1]
    assert on_row == ["102", "银行存款", "1,000.00", "1,000.00"]
    total_row = next(r for r in runs if r.text == "合计")
    assert "0.00" in [r.text for r in runs if abs(r.y0 - total_row.y0) < 1]  # totals in full
    assert not overlapping(runs)

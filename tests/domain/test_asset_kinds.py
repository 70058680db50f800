"""Each kind of asset on the register in each statutory chart: its accounts, its write-down,
its disposal, without a database; every draft balances."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain import postings
from coopledger.domain.accounts import CHARTS, load_chart
from coopledger.domain.assets import (
    AssetClass,
    AssetKind,
    AssetUse,
    FixedAsset,
    Method,
    schedule,
    validate_asset,
)
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.ledger import Dr, totals
from coopledger.domain.periods import Period

#: (cost account, write-down account) per chart and kind; None: the chart refuses the kind
EXPECTED = {
    "cooperative-2021": {
        AssetKind.FIXED: ("151", "152"),
        AssetKind.PRODUCTIVE_BIOLOGICAL: ("142", "143"),
        AssetKind.PUBLIC_WELFARE_BIOLOGICAL: ("144", None),
        AssetKind.INTANGIBLE: ("161", "162"),
        AssetKind.LONG_TERM_DEFERRED: ("171", "171"),
    },
    "village-2023": {
        AssetKind.FIXED: ("151", "152"),
        AssetKind.PRODUCTIVE_BIOLOGICAL: ("132", "133"),
        AssetKind.PUBLIC_WELFARE_BIOLOGICAL: ("134", None),
        AssetKind.INTANGIBLE: ("161", "162"),
        AssetKind.LONG_TERM_DEFERRED: ("171", "171"),
    },
    "cooperative-2007": {
        AssetKind.FIXED: ("151", "152"),
        AssetKind.PRODUCTIVE_BIOLOGICAL: None,
        AssetKind.PUBLIC_WELFARE_BIOLOGICAL: None,
        AssetKind.INTANGIBLE: ("161", "161"),
        AssetKind.LONG_TERM_DEFERRED: None,
    },
    "village-2004": {
        AssetKind.FIXED: ("151", "152"),
        AssetKind.PRODUCTIVE_BIOLOGICAL: None,
        AssetKind.PUBLIC_WELFARE_BIOLOGICAL: None,
        AssetKind.INTANGIBLE: ("161", "161"),
        AssetKind.LONG_TERM_DEFERRED: None,
    },
}


def card(kind: AssetKind, **kw: object) -> FixedAsset:
    base: dict[str, object] = {
        "asset_no": "B1",
        "name": "能繁母牛",
        "asset_class": AssetClass.OPERATING,
        "use": AssetUse.PRODUCTION,
        "acquired_on": date(2026, 1, 10),
        "cost_fen": 20_000_000,
        "salvage_fen": 1_000_000,
        "useful_life_months": 72,
        "kind": kind,
    }
    base.update(kw)
    return FixedAsset(**base)  # type: ignore[arg-type]


def test_every_chart_names_each_kinds_accounts_or_refuses_it() -> None:
    assert set(EXPECTED) == set(CHARTS)
    for chart_id, kinds in EXPECTED.items():
        chart = load_chart(chart_id)
        codes = {a.code for a in chart.accounts}
        for kind, expected in kinds.items():
            if expected is None:
                with pytest.raises(ValidationFailed) as refused:
                    postings.kind_accounts(chart, kind)
                (message,) = refused.value.errors["kind"]
                assert chart_id in message
                continue
            assert postings.kind_accounts(chart, kind) == expected
            assert {c for c in expected if c} <= codes


def test_a_public_welfare_forest_has_no_schedule() -> None:
    assert schedule(card(AssetKind.PUBLIC_WELFARE_BIOLOGICAL)) == []


def test_only_fixed_and_productive_assets_go_by_units() -> None:
    for kind in AssetKind:
        by_units = card(kind, method=Method.UNITS_OF_PRODUCTION, total_units=1000)
        if kind in (AssetKind.FIXED, AssetKind.PRODUCTIVE_BIOLOGICAL):
            validate_asset(by_units)
        else:
            with pytest.raises(ValidationFailed) as refused:
                validate_asset(by_units)
            assert "method" in refused.value.errors


@given(
    st.integers(min_value=0, max_value=20_000_000),
    st.integers(min_value=0, max_value=40_000_000),
    st.sampled_from(
        [AssetKind.PRODUCTIVE_BIOLOGICAL, AssetKind.INTANGIBLE, AssetKind.LONG_TERM_DEFERRED]
    ),
)
def test_a_disposal_leaves_the_accounts_at_zero(
    accumulated: int, proceeds: int, kind: AssetKind
) -> None:
    """The cost account and its write-down account net to what the register held."""
    chart = load_chart("cooperative-2021")
    asset = card(kind, salvage_fen=0)
    cost, contra = postings.kind_accounts(chart, kind)
    draft = postings.disposal(chart, asset, date(2027, 6, 30), accumulated, proceeds, "102")
    debit, credit = totals(draft.lines)
    assert debit == credit
    net: dict[str, int] = {}
    for ln in draft.lines:
        net[ln.account] = net.get(ln.account, 0) + (
            ln.amount_fen if ln.side is Dr.DEBIT else -ln.amount_fen
        )
    # before: Dr cost (cost), Cr write-down (accumulated) — or the net in a direct account
    held = {cost: asset.cost_fen}
    held[contra or cost] = held.get(contra or cost, 0) - accumulated
    assert all(net.get(code, 0) + fen == 0 for code, fen in held.items())
    assert "154" not in net  # no 固定资产清理 for these kinds


def test_one_month_credits_each_kind_to_its_own_account() -> None:
    chart = load_chart("village-2023")
    draft = postings.depreciation(
        chart,
        Period(2026, 2),
        [
            (AssetUse.PRODUCTION, 100, AssetKind.FIXED),
            (AssetUse.PRODUCTION, 200, AssetKind.PRODUCTIVE_BIOLOGICAL),
            (AssetUse.MANAGEMENT, 300, AssetKind.INTANGIBLE),
            (AssetUse.PUBLIC_WELFARE, 400, AssetKind.LONG_TERM_DEFERRED),
        ],
    )
    lines = [(ln.account, ln.side is Dr.DEBIT, ln.amount_fen) for ln in draft.lines]
    assert lines == [
        ("401", True, 300),
        ("513", True, 300),
        ("514", True, 400),
        ("133", False, 200),
        ("152", False, 100),
        ("162", False, 300),
        ("171", False, 400),
    ]
    assert draft.memo == "计提2026年2月折旧及摊销"

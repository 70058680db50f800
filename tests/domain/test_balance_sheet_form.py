"""The balance-sheet definitions as forms: 行次 where the form has them, 固定资产清理 and
待处理财产损溢 on their own lines, and a sheet that balances for any balanced set of postings."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coopledger.domain.accounts import load_chart
from coopledger.domain.financial_statements import Balances, statement
from coopledger.services.financial_statements import definitions

CHARTS = ["cooperative-2021", "cooperative-2007", "village-2023", "village-2004"]
MEMBER_ACCOUNT = {
    "cooperative-2021": "114",
    "cooperative-2007": "114",
    "village-2023": "113",
    "village-2004": "113",
}


def sheet(
    chart: str, nets: dict[str, int], pieces: dict[str, list[int]] | None = None
) -> dict[str, Any]:
    result = statement(
        definitions("balance_sheet")[chart], Balances(nets, pieces or {}), Balances({}, {})
    )
    return {ln.key: ln for ln in result.lines} | {"_balanced": result.balanced}


def test_the_2021_form_numbers_its_lines_1_to_42() -> None:
    rows = [ln.row for ln in definitions("balance_sheet")["cooperative-2021"].lines if ln.row]
    assert rows == list(range(1, 43))


def test_the_2007_form_keeps_its_own_numbering_and_column_order() -> None:
    definition = definitions("balance_sheet")["cooperative-2007"]
    rows = [ln.row for ln in definition.lines if ln.row]
    assert rows == sorted(rows) and rows[0] == 1 and rows[-1] == 54 and len(rows) == 34
    assert definition.prior_first and definition.columns == ("年末数", "年初数")


def test_固定资产清理_in_credit_is_negative_and_never_a_payable() -> None:
    got = sheet("cooperative-2021", {"102": 60000, "154": -60000})
    assert got["disposal"].current == -60000
    assert got["fixed_subtotal"].current == -60000
    assert got["payables"].current == 0
    assert got["_balanced"]


def test_待处理财产损溢_is_shown_apart_only_while_it_has_a_balance() -> None:
    assert "unsettled" not in sheet("cooperative-2021", {"102": 100, "301": -100})
    got = sheet("cooperative-2021", {"101": -5000, "102": 5000, "181": 5000, "301": -5000})
    assert got["unsettled"].current == 5000 and got["unsettled"].row is None
    assert got["receivables"].current == 0 and got["payables"].current == 0
    assert got["_balanced"]


@st.composite
def postings(draw: st.DrawFn, chart: str) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Random balances on a chart's accounts that sum to zero (as every set of postings does),
    the member account split into random members' pieces."""
    codes = [a.code for a in load_chart(chart).accounts]
    chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=12, unique=True))
    amounts = [draw(st.integers(-(10**9), 10**9)) for _ in chosen]
    nets = dict(zip(chosen, amounts, strict=True))
    balancing = "102" if "102" not in nets else chosen[0]
    nets[balancing] = nets.get(balancing, 0) - sum(nets.values())
    member = MEMBER_ACCOUNT[chart]
    pieces: dict[str, list[int]] = {}
    if member in nets:
        split = draw(st.lists(st.integers(-(10**8), 10**8), max_size=4))
        pieces[member] = [*split, nets[member] - sum(split)]
    return nets, pieces


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CHARTS).flatmap(lambda c: st.tuples(st.just(c), postings(c))))
def test_any_balanced_postings_give_a_balanced_sheet(
    drawn: tuple[str, tuple[dict[str, int], dict[str, list[int]]]],
) -> None:
    chart, (nets, pieces) = drawn
    assert sheet(chart, nets, pieces)["_balanced"]

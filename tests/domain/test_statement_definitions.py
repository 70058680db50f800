"""The statement definitions in reports/ against the charts: every balance-sheet account of a chart
lands on a line, every income and expense account on a line of the surplus statement — so no
posting can fall out of a statutory form."""

from __future__ import annotations

import pytest

from coopledger.domain.accounts import load_chart
from coopledger.services.financial_statements import definitions

CHARTS = ["cooperative-2021", "cooperative-2007", "village-2023", "village-2004"]


def prefixes(name: str, chart: str) -> set[str]:
    out: set[str] = set()
    for line in definitions(name)[chart].lines:
        out.update(line.debit, line.credit, line.debit_balances, line.credit_balances)
    return out


def leaves(chart_id: str, categories: set[str]) -> list[str]:
    chart = load_chart(chart_id)
    codes = [a.code for a in chart.accounts if a.category.value in categories]
    return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]


@pytest.mark.parametrize("chart", CHARTS)
def test_every_balance_sheet_account_is_on_the_balance_sheet(chart: str) -> None:
    covered = prefixes("balance_sheet", chart)
    missing = [
        code
        for code in leaves(chart, {"asset", "liability", "equity", "cost", "income", "expense"})
        if not any(code.startswith(p) for p in covered)
    ]
    assert missing == []


@pytest.mark.parametrize("chart", CHARTS)
def test_every_income_and_expense_account_is_on_the_surplus_statement(chart: str) -> None:
    covered = prefixes("surplus", chart)
    missing = [
        code
        for code in leaves(chart, {"income", "expense"})
        if not any(code.startswith(p) for p in covered)
    ]
    assert missing == []

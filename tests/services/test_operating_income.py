"""The collective's operating income (经营性收入) that puts a village over 3万 or 5万 yuan."""

from __future__ import annotations

from coopledger.services.regions import THRESHOLDS, operating_income


def test_the_2004_village_form_counts_its_contract_income() -> None:
    """2004 books: 经营收入 20,000 + 发包及上交收入 12,000 + 投资收益 1,000 = 33,000: over 3万
    (the contract fees were left out before, 21,000)."""
    nets = {"501": -2_000_000, "511": -1_200_000, "561": -100_000, "522": -5_000_000}
    assert operating_income("village-2004", nets) == 3_300_000 >= THRESHOLDS[0]


def test_the_2023_village_form_counts_operating_and_investment_income() -> None:
    nets = {"501": -2_000_000, "502": -100_000, "503": -5_000_000}  # 503 补助收入 is not counted
    assert operating_income("village-2023", nets) == 2_100_000

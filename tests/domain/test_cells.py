import pytest

from coopledger.domain.cells import safe_text


@pytest.mark.parametrize(
    "value",
    ["=CMD|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"],
)
def test_formula_triggers_are_kept_as_text(value: str) -> None:
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "1,234.56", "", "a=b", "社员-01"])
def test_ordinary_text_is_unchanged(value: str) -> None:
    assert safe_text(value) == value

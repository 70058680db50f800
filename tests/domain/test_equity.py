"""成员权益变动表 as a fold: each movement of an equity column lands in the row its counterpart
names, a red reversal counts against its original's row, and every column ties."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.equity import (
    EquityDef,
    EquityStatement,
    PostedVoucher,
    members_equity,
    parse_definitions,
)
from coopledger.domain.ledger import Dr, Line
from coopledger.resources import resource_dir

COLUMNS = ("capital", "special_fund", "capital_reserve", "surplus_reserve", "undistributed")
FUNDS = {"muni": "municipal_pro_poor", "gift": "donation"}


@cache
def coop() -> EquityDef:
    text = (resource_dir("reports") / "members_equity.toml").read_text("utf-8")
    return parse_definitions(text)["cooperative-2021"]


def v(
    number: str, *lines: tuple[str, str, int, str | None], reversal: bool = False
) -> PostedVoucher:
    return PostedVoucher(
        number,
        tuple(
            Line(account, Dr.DEBIT if side == "d" else Dr.CREDIT, fen, fund=fund)
            for account, side, fen, fund in lines
        ),
        reversal=reversal,
    )


def fold(*vouchers: PostedVoucher, opening: dict[str, int] | None = None) -> EquityStatement:
    opening = opening or {}
    closing = dict(opening)
    for voucher in vouchers:
        for line in voucher.lines:
            column = coop().column_of(line.account)
            if column:
                closing[column] = closing.get(column, 0) - line.signed_fen
    return members_equity(coop(), opening, vouchers, FUNDS, closing)


def cell(statement: EquityStatement, row: str, column: str) -> int | None:
    for r in statement.rows:
        if r.key == row:
            return r.amounts.get(column)
    raise KeyError(row)


def test_a_contribution_with_a_premium_splits_into_capital_and_capital_reserve() -> None:
    result = fold(
        v(
            "记-2026-01-0001",
            ("102", "d", 120_000, None),
            ("301", "c", 100_000, None),
            ("321", "c", 20_000, None),
        ),
        opening={"capital": 500_000},
    )
    assert cell(result, "capital_contributed", "capital") == 100_000
    assert cell(result, "share_premium", "capital_reserve") == 20_000
    closing = result.closing.amounts
    assert (closing["capital"], closing["capital_reserve"]) == (600_000, 20_000)
    assert result.ties
    row = next(r for r in result.rows if r.key == "capital_contributed")
    assert row.vouchers == {"capital": ["记-2026-01-0001"]}


def test_a_distribution_shows_each_appropriation_and_internal_moves_show_nothing() -> None:
    result = fold(
        v("记-2026-05-0001", ("102", "d", 1_000_000, None), ("501", "c", 1_000_000, None)),
        v("记-2026-12-0009", ("501", "d", 1_000_000, None), ("331", "c", 1_000_000, None)),
        v("记-2026-12-0010", ("331", "d", 1_000_000, None), ("33202", "c", 1_000_000, None)),
        v(
            "记-2026-12-0011",
            ("33201", "d", 1_000_000, None),
            ("322", "c", 100_000, None),
            ("221", "c", 600_000, None),
            ("222", "c", 300_000, None),
        ),
        v("记-2026-12-0012", ("33202", "d", 1_000_000, None), ("33201", "c", 1_000_000, None)),
    )
    assert cell(result, "surplus_of_year", "undistributed") == 1_000_000
    assert cell(result, "reserve_appropriated", "surplus_reserve") == 100_000
    assert cell(result, "to_reserve", "undistributed") == 100_000
    assert cell(result, "patronage", "undistributed") == 600_000
    assert cell(result, "residual", "undistributed") == 300_000
    assert result.closing.amounts == {
        "capital": 0,
        "special_fund": 0,
        "capital_reserve": 0,
        "surplus_reserve": 100_000,
        "undistributed": 0,
    }
    assert result.ties
    assert not any(r.key.startswith("other") for r in result.rows)


def test_a_loss_is_a_negative_surplus_of_the_year() -> None:
    result = fold(
        v("记-2026-06-0001", ("523", "d", 50_000, None), ("102", "c", 50_000, None)),
        v("记-2026-12-0001", ("331", "d", 50_000, None), ("523", "c", 50_000, None)),
    )
    assert cell(result, "surplus_of_year", "undistributed") == -50_000
    assert result.closing.amounts["undistributed"] == -50_000


def test_special_fund_is_split_by_the_source_of_the_fund() -> None:
    result = fold(
        v("记-2026-05-0001", ("235", "d", 300_000, "muni"), ("311", "c", 300_000, None)),
        v("记-2026-05-0002", ("235", "d", 40_000, "gift"), ("311", "c", 40_000, None)),
    )
    assert cell(result, "fund_fiscal", "special_fund") == 300_000
    assert cell(result, "fund_donation", "special_fund") == 40_000


def test_a_red_reversal_reduces_its_originals_row() -> None:
    original = v("记-2026-02-0001", ("102", "d", 10_000, None), ("301", "c", 10_000, None))
    reversal = v(
        "记-2026-02-0002", ("102", "d", -10_000, None), ("301", "c", -10_000, None), reversal=True
    )
    result = fold(original, reversal)
    assert cell(result, "capital_contributed", "capital") is None  # nets to nothing
    assert cell(result, "capital_withdrawn", "capital") is None
    assert result.closing.amounts["capital"] == 0


def test_conversions_and_what_no_row_names_go_to_other() -> None:
    result = fold(
        v("记-2026-03-0001", ("322", "d", 5_000, None), ("301", "c", 5_000, None)),
        v("记-2026-03-0002", ("321", "d", 700, None), ("102", "c", 700, None)),
    )
    assert cell(result, "capital_from_surplus_reserve", "capital") == 5_000
    assert cell(result, "surplus_reserve_to_capital", "surplus_reserve") == 5_000
    assert cell(result, "other_decrease", "capital_reserve") == 700
    assert [r.name for r in result.rows if r.key == "other_decrease"] == ["其他减少"]


def test_a_closing_row_that_disagrees_with_the_ledger_does_not_tie() -> None:
    voucher = v("记-2026-01-0001", ("102", "d", 100, None), ("301", "c", 100, None))
    result = members_equity(coop(), {}, [voucher], FUNDS, {"capital": 99})
    assert not result.ties


ACCOUNTS = (
    "101",
    "102",
    "221",
    "222",
    "235",
    "301",
    "311",
    "321",
    "322",
    "331",
    "33201",
    "33202",
    "501",
    "523",
    "151",
)


@st.composite
def vouchers(draw: st.DrawFn) -> PostedVoucher:
    """A balanced voucher of 2–5 lines over equity and other accounts, maybe a reversal."""
    amounts = draw(st.lists(st.integers(1, 10**7), min_size=1, max_size=4))
    debit_accounts = draw(
        st.lists(st.sampled_from(ACCOUNTS), min_size=len(amounts), max_size=len(amounts))
    )
    credit = draw(st.sampled_from(ACCOUNTS))
    fund = draw(st.sampled_from([None, "muni", "gift"]))
    reversal = draw(st.booleans())
    sign = -1 if reversal else 1
    lines = [(a, "d", fen * sign, fund) for a, fen in zip(debit_accounts, amounts, strict=True)]
    lines.append((credit, "c", sum(amounts) * sign, fund))
    return v(f"记-2026-01-{draw(st.integers(1, 9999)):04d}", *lines, reversal=reversal)


@given(
    st.lists(vouchers(), max_size=12),
    st.dictionaries(st.sampled_from(COLUMNS), st.integers(-(10**8), 10**8)),
)
def test_every_column_ties_whatever_the_vouchers(
    posted: list[PostedVoucher], opening: dict[str, int]
) -> None:
    result = fold(*posted, opening=opening)
    assert result.ties
    increases = next(r for r in result.rows if r.key == "increase").amounts
    decreases = next(r for r in result.rows if r.key == "decrease").amounts
    for column in COLUMNS:
        assert result.closing.amounts[column] == (
            opening.get(column, 0) + increases.get(column, 0) - decreases.get(column, 0)
        )


def test_a_contribution_in_kind_above_its_capital_is_股金溢价_not_a_revaluation() -> None:
    """A cold store worth 150,000.00 for 120,000.00 of capital: the 30,000.00 above it is the
    member's premium (股金溢价), though the counterpart is a fixed asset."""
    result = fold(
        v(
            "记-2026-03-0001",
            ("151", "d", 15_000_000, None),
            ("301", "c", 12_000_000, None),
            ("321", "c", 3_000_000, None),
        ),
        v("记-2026-06-0001", ("151", "d", 500_000, None), ("321", "c", 500_000, None)),
    )
    assert cell(result, "share_premium", "capital_reserve") == 3_000_000
    assert cell(result, "revaluation", "capital_reserve") == 500_000


def test_money_of_no_named_fund_is_not_presumed_the_states() -> None:
    result = fold(v("记-2026-05-0003", ("102", "d", 8_000, None), ("311", "c", 8_000, None)))
    assert cell(result, "fund_fiscal", "special_fund") is None
    assert cell(result, "other_increase", "special_fund") == 8_000


def test_the_rows_print_in_the_forms_order() -> None:
    names = [r.name for r in fold().rows]
    assert names.index("接受国家财政直接补助形成") < names.index("接受他人捐赠形成")
    assert names.index("股金溢价") < names.index("资产评估增值")


def test_before_the_close_the_years_income_and_expense_are_its_surplus() -> None:
    """A year not yet closed: 未分配盈余 holds the income and expense as the balance sheet does,
    and they are the year's 本年盈余."""
    result = fold(
        v("记-2026-04-0001", ("102", "d", 90_000, None), ("501", "c", 90_000, None)),
        v("记-2026-04-0002", ("523", "d", 30_000, None), ("102", "c", 30_000, None)),
    )
    assert cell(result, "surplus_of_year", "undistributed") == 60_000
    assert result.closing.amounts["undistributed"] == 60_000
    assert result.ties

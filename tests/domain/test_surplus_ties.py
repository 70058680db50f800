"""盈余及盈余分配表 read from the ledger ties to the balance sheet: for any year of postings of
the kinds the books hold, its 年末未分配盈余 is the balance sheet's 未分配盈余 at 31 December; a
posting the form has no line for breaks the tie instead of vanishing."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from coopledger.domain.financial_statements import (
    Balances,
    LedgerLine,
    SurplusAccounts,
    distribution_inputs,
    fold,
)
from coopledger.services.financial_statements import definitions

CHART = "cooperative-2021"
ACCOUNTS = SurplusAccounts(
    surplus="331",
    undistributed="33202",
    appropriation="33201",
    reserve="322",
    capital="301",
    patronage_payable="221",
    residual_payable="222",
    member_current=None,
)
Voucher = list[LedgerLine]


def pair(debit: str, credit: str, fen: int) -> Voucher:
    return [LedgerLine(debit, True, fen), LedgerLine(credit, False, fen)]


amounts = st.integers(min_value=1, max_value=10**9)
ordinary = st.builds(
    pair,
    st.sampled_from(["101", "102", "113", "521", "523", "529", "151"]),
    st.sampled_from(["102", "501", "502", "511", "201", "301", "322"]),
    amounts,
)
# a distribution voucher: Dr 各项分配, Cr the reserve, the members' payables, a welfare fund,
# capital; then 各项分配 into 未分配盈余 (or not yet)
appropriation = st.builds(
    lambda credits, carried: [
        LedgerLine("33201", True, sum(f for _a, f in credits)),
        *(LedgerLine(a, False, f) for a, f in credits),
        *(
            [
                LedgerLine("33202", True, sum(f for _a, f in credits)),
                LedgerLine("33201", False, sum(f for _a, f in credits)),
            ]
            if carried
            else []
        ),
    ],
    st.lists(st.tuples(st.sampled_from(["322", "221", "222", "211", "301"]), amounts), min_size=1),
    st.booleans(),
)
loss_cover = st.builds(pair, st.just("322"), st.just("33202"), amounts)
legacy_carry = st.builds(pair, st.just("331"), st.just("33202"), amounts)
postings = st.lists(st.one_of(ordinary, appropriation, loss_cover, legacy_carry), max_size=25)


def nets_of(vouchers: list[Voucher]) -> dict[str, int]:
    nets: dict[str, int] = defaultdict(int)
    for lines in vouchers:
        for ln in lines:
            nets[ln.account] += ln.amount_fen if ln.debit else -ln.amount_fen
    return nets


def year_end_close(nets: dict[str, int]) -> list[Voucher]:
    """The closing voucher (income and expense into 本年盈余) and the carry into 未分配盈余."""
    pnl = {a: n for a, n in nets.items() if a.startswith("5") and n}
    surplus = -sum(pnl.values())
    closing = [LedgerLine(a, n < 0, abs(n)) for a, n in pnl.items()]
    if surplus:
        closing.append(LedgerLine("331", surplus < 0, abs(surplus)))
    carry = pair("331", "33202", surplus) if surplus > 0 else pair("33202", "331", -surplus)
    return [closing, carry] if surplus else [closing]


def ties(opening: list[Voucher], year: list[Voucher], closed: bool) -> tuple[int, int]:
    start = nets_of(opening)
    closing = year_end_close(nets_of(opening + year)) if closed else []
    end = nets_of(opening + year + closing)
    sheet = fold(definitions("balance_sheet")[CHART], Balances(end))
    inputs = {
        "opening_undistributed": -sum(n for a, n in start.items() if a.startswith(("33", "5"))),
        **distribution_inputs(ACCOUNTS, year),
    }
    surplus = fold(definitions("surplus")[CHART], Balances(nets_of(year), inputs=inputs))
    return surplus["closing_undistributed"] or 0, sheet["undistributed"] or 0


@settings(max_examples=150, deadline=None)
@given(opening=postings, year=postings, closed=st.booleans())
def test_the_surplus_statement_ties_to_the_balance_sheet(
    opening: list[Voucher], year: list[Voucher], closed: bool
) -> None:
    this, other = ties(opening, year, closed)
    assert this == other


@settings(max_examples=50, deadline=None)
@given(year=postings, fen=amounts)
def test_money_put_straight_into_各项分配_breaks_the_tie(year: list[Voucher], fen: int) -> None:
    this, other = ties([], [*year, pair("102", "33201", fen)], closed=False)
    assert other - this == fen

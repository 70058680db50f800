"""Voucher rules, reversals, the year-end carry-forward, the hash chain and the trial-balance fold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.accounts import load_chart
from coopledger.domain.errors import Unbalanced, ValidationFailed
from coopledger.domain.ledger import (
    Balance,
    Dr,
    Line,
    Status,
    Voucher,
    VoucherDraft,
    VoucherKind,
    canonical_payload,
    chain_hash,
    closing_draft,
    reversal_draft,
    validate_draft,
)
from coopledger.domain.members import check_digit, id_number_problem, mask, member_sort_key
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import Turnover, trial_balance

CHART = {a.code: a for a in load_chart("cooperative-2021").accounts}
MEMBERS = {"1": 1}
FUNDS = {"muni": 1}


def draft(*lines: Line, kind: VoucherKind = VoucherKind.NORMAL) -> VoucherDraft:
    return VoucherDraft(date(2026, 3, 1), "memo", tuple(lines), kind=kind)


def test_a_balanced_voucher_passes() -> None:
    validate_draft(
        draft(Line("102", Dr.DEBIT, 500), Line("301", Dr.CREDIT, 500, member="1")),
        CHART,
        MEMBERS,
        FUNDS,
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_draft(
            draft(Line("999", Dr.DEBIT, 5), Line("301", Dr.CREDIT, 0), Line("235", Dr.CREDIT, 5)),
            CHART,
            MEMBERS,
            FUNDS,
        )
    assert set(caught.value.errors) == {
        "lines.0.account",
        "lines.1.credit",
        "lines.1.member",
        "lines.2.fund",
    }


def test_unbalanced_names_the_difference() -> None:
    with pytest.raises(Unbalanced, match=r"differ by 0\.01"):
        validate_draft(
            draft(Line("102", Dr.DEBIT, 501), Line("501", Dr.CREDIT, 500)), CHART, MEMBERS, FUNDS
        )


def test_negative_amounts_only_on_a_reversal() -> None:
    lines = (Line("102", Dr.DEBIT, -500), Line("501", Dr.CREDIT, -500))
    with pytest.raises(ValidationFailed):
        validate_draft(draft(*lines), CHART, MEMBERS, FUNDS)
    with pytest.raises(Unbalanced):  # negative both sides still must total non-zero... and balance
        validate_draft(
            draft(
                Line("102", Dr.DEBIT, -500), Line("501", Dr.CREDIT, -400), kind=VoucherKind.REVERSAL
            ),
            CHART,
            MEMBERS,
            FUNDS,
        )


def posted(lines: tuple[Line, ...]) -> Voucher:
    return Voucher(
        id=7,
        org_code="coop",
        status=Status.POSTED,
        booked_on=date(2026, 3, 5),
        memo="销售",
        attachments=1,
        kind=VoucherKind.NORMAL,
        lines=lines,
        prepared_by="acc",
        reviewed_by="rev",
        posted_by="acc",
        number=3,
        chain_seq=3,
        prev_hash="0" * 64,
    )


def test_reversal_negates_on_the_same_sides() -> None:
    original = posted((Line("102", Dr.DEBIT, 500), Line("501", Dr.CREDIT, 500)))
    red = reversal_draft(original, "记-2026-03-0003", date(2026, 3, 9), None)
    assert [(ln.account, ln.side, ln.amount_fen) for ln in red.lines] == [
        ("102", Dr.DEBIT, -500),
        ("501", Dr.CREDIT, -500),
    ]
    assert red.memo == "注销3月5日记-2026-03-0003号凭证" and red.kind is VoucherKind.REVERSAL


def test_closing_carries_the_net_into_surplus() -> None:
    balances = [Balance("501", -120000), Balance("523", 20000), Balance("529", 0)]
    closing, surplus = closing_draft(balances, "331", date(2026, 12, 31), "结转")
    assert surplus == 100000 and closing is not None
    assert [(ln.account, ln.side, ln.amount_fen) for ln in closing.lines] == [
        ("501", Dr.DEBIT, 120000),
        ("523", Dr.CREDIT, 20000),
        ("331", Dr.CREDIT, 100000),
    ]
    validate_draft(closing, CHART, {}, {})
    assert closing_draft([], "331", date(2026, 12, 31), "x") == (None, 0)


@given(
    st.lists(st.integers(min_value=-(10**9), max_value=10**9).filter(bool), min_size=1, max_size=20)
)
def test_closing_always_balances(nets: list[int]) -> None:
    codes = ["501", "502", "511", "521", "522", "523", "524", "529", "531"]
    balances = [Balance(codes[i % len(codes)] + "", net) for i, net in enumerate(nets)]
    closing, surplus = closing_draft(balances, "331", date(2026, 12, 31), "x")
    assert closing is not None and surplus == -sum(nets)
    debit = sum(ln.amount_fen for ln in closing.lines if ln.side is Dr.DEBIT)
    assert debit == sum(ln.amount_fen for ln in closing.lines if ln.side is Dr.CREDIT)


def test_the_hash_covers_every_meaningful_field() -> None:
    voucher = posted((Line("102", Dr.DEBIT, 500), Line("501", Dr.CREDIT, 500)))
    number = voucher_number(Period(2026, 3), 3)
    digest = chain_hash("0" * 64, canonical_payload(voucher, number))
    assert digest == chain_hash("0" * 64, canonical_payload(voucher, number))
    for changed in (
        replace(voucher, memo="x"),
        replace(voucher, attachments=2),
        replace(voucher, reviewed_by="acc"),
        replace(voucher, lines=(Line("102", Dr.DEBIT, 501), Line("501", Dr.CREDIT, 501))),
    ):
        assert chain_hash("0" * 64, canonical_payload(changed, number)) != digest
    assert chain_hash("1" * 64, canonical_payload(voucher, number)) != digest


def test_trial_balance_fold_rolls_up_and_ties() -> None:
    accounts = [*CHART.values(), replace(CHART["501"], code="50101", parent="501", standard=False)]
    tb = trial_balance(
        accounts,
        [
            Turnover("102", 1000, 300, 100),
            Turnover("301", -1000, 0, 0),
            Turnover("50101", 0, 0, 300),
            Turnover("523", 0, 100, 0),
        ],
    )
    rows = {r.account: r for r in tb.rows}
    assert rows["501"].credit == rows["50101"].credit == 300 and rows["50101"].level == 2
    assert rows["301"].opening_credit == 1000 and rows["102"].closing_debit == 1200
    assert tb.ties and tb.totals.debit == 400


def test_periods_and_numbers() -> None:
    assert Period.parse("2026-11").last_day == date(2026, 11, 30)
    assert Period(2026, 12).next() == Period(2027, 1) and Period(2026, 1).previous() == Period(
        2025, 12
    )
    assert voucher_number(Period(2026, 11), 7) == "记-2026-11-0007"
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse("2026-13")


def test_id_numbers_and_masks() -> None:
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("110105194912310021") == "the check digit does not match (GB 11643)"
    assert id_number_problem("11010519491231002") is not None
    assert mask("370102199001011234") == "370102********1234"
    assert mask("6228480012345678", head=0, tail=4) == "************5678"
    assert sorted(["10", "9", "2"], key=member_sort_key) == ["2", "9", "10"]


@given(st.text("0123456789", min_size=17, max_size=17))
def test_a_check_digit_makes_any_17_digits_a_valid_id_number(body: str) -> None:
    assert id_number_problem(body + check_digit(body)) is None
    assert check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    "chart", ["cooperative-2021", "village-2023", "cooperative-2007", "village-2004"]
)
def test_every_chart_loads_with_its_closing_accounts(chart: str) -> None:
    loaded = load_chart(chart)
    codes = {a.code for a in loaded.accounts}
    assert {
        loaded.surplus_account,
        loaded.undistributed_account,
        loaded.appropriation_account,
    } <= codes
    assert len(codes) == len(loaded.accounts)
    assert any(a.closes_to_surplus for a in loaded.accounts)


def test_an_unknown_chart_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        load_chart("../../etc/passwd")

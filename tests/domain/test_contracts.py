"""The contracts' rules: a yearly schedule inside the term, the charge and receipt vouchers, and
arrears paid oldest first."""

from __future__ import annotations

from datetime import date

import pytest

from coopledger.domain.accounts import load_chart
from coopledger.domain.contracts import (
    Charged,
    Contract,
    Due,
    Instalment,
    arrears,
    charge_voucher,
    contract_income,
    receipt_voucher,
    validate_contract,
    yearly,
)
from coopledger.domain.errors import InvalidState, ValidationFailed
from coopledger.domain.ledger import Dr


def test_a_yearly_fee_falls_due_each_year_inside_the_term() -> None:
    got = yearly(date(2026, 3, 1), date(2029, 2, 28), 300_000, 1, 15)
    assert [i.due_on for i in got] == [date(2027, 1, 15), date(2028, 1, 15), date(2029, 1, 15)]
    leap = yearly(date(2027, 1, 1), date(2028, 12, 31), 100, 2, 29)
    assert [i.due_on for i in leap] == [date(2027, 2, 28), date(2028, 2, 29)]
    with pytest.raises(ValidationFailed) as bad:
        yearly(date(2026, 1, 1), date(2027, 1, 1), 100, 2, 30)
    assert "due" in bad.value.errors


def test_a_contract_names_every_problem_at_once() -> None:
    contract = Contract(
        "A 1", "", None, None, "", 0, "", date(2026, 1, 1), date(2025, 1, 1),
        (Instalment(date(2030, 1, 1), 0),),
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as bad:
        validate_contract(contract)
    assert {"contract_no", "party", "subject", "area", "unit", "ends_on"} <= set(bad.value.errors)
    assert "instalments.0.amount" in bad.value.errors


def test_fees_are_owed_on_the_members_account_or_the_receivable() -> None:
    chart = load_chart("village-2023")
    due = [
        Due("C1", "王秀英", "1", date(2026, 1, 15), 300_000),
        Due("C2", "某公司", None, date(2026, 3, 1), 500_000),
    ]
    draft = charge_voucher(chart, contract_income(chart), date(2026, 3, 31), due)
    assert [(ln.account, ln.side, ln.amount_fen, ln.member) for ln in draft.lines] == [
        ("113", Dr.DEBIT, 300_000, "1"),
        ("112", Dr.DEBIT, 500_000, None),
        ("501", Dr.CREDIT, 800_000, None),
    ]
    assert contract_income(load_chart("village-2004")) == "511"
    paid = receipt_voucher(chart, date(2026, 4, 1), "C2", "某公司", None, 100, "bank")
    assert [(ln.account, ln.side) for ln in paid.lines] == [("102", Dr.DEBIT), ("112", Dr.CREDIT)]
    with pytest.raises(InvalidState) as refused:
        contract_income(load_chart("cooperative-2021"))
    assert refused.value.code == "no_contract_income"


def test_arrears_are_paid_oldest_first_and_counted_on_a_day() -> None:
    schedule = [
        Charged(1, date(2026, 1, 15), 300_000, 7),
        Charged(2, date(2027, 1, 15), 300_000, 9),
        Charged(3, date(2028, 1, 15), 300_000, None),  # not charged yet: not in arrears
    ]
    paid = [(date(2026, 2, 1), 100_000), (date(2027, 3, 1), 250_000)]
    assert arrears(schedule, paid, date(2026, 6, 30)).overdue_fen == 200_000
    later = arrears(schedule, paid, date(2028, 6, 30))
    assert (later.due_fen, later.paid_fen, later.overdue_fen) == (600_000, 350_000, 250_000)
    assert later.since == date(2027, 1, 15)
    assert arrears(schedule, paid, date(2026, 1, 1)).overdue_fen == 0

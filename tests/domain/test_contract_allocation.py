"""Money a party paid by ordinary vouchers, put against its contracts' open instalments."""

from __future__ import annotations

from datetime import date

from coopledger.domain.contracts import Charged, allocate

D = date


def test_the_oldest_open_instalment_across_the_party_s_contracts_is_paid_first() -> None:
    a = [Charged(1, D(2026, 1, 15), 3000, 9), Charged(2, D(2027, 1, 15), 3000, None)]
    b = [Charged(3, D(2026, 3, 1), 5000, 9)]
    # contract 1's own receipt form paid 1000 of its January instalment
    shares = allocate(
        {1: (a, [(D(2026, 2, 1), 1000)]), 2: (b, [])},
        [(D(2026, 4, 2), 2500, 70), (D(2026, 5, 1), 9000, 71)],
    )
    assert shares == {
        1: [(D(2026, 4, 2), 2000, 70)],
        2: [(D(2026, 4, 2), 500, 70), (D(2026, 5, 1), 4500, 71)],
    }  # the uncharged 2027 instalment takes nothing; the rest of 9000 paid something else


def test_a_red_receipt_takes_back_the_latest_one_before_it() -> None:
    a = [Charged(1, D(2026, 1, 15), 3000, 9)]
    shares = allocate(
        {1: (a, [])},
        [(D(2026, 4, 2), 1000, 70), (D(2026, 4, 9), 500, 71), (D(2026, 4, 20), -800, 72)],
    )
    assert shares == {1: [(D(2026, 4, 2), 700, 70)]}


def test_the_party_s_other_debts_on_the_receivable_are_paid_in_their_turn() -> None:
    a = [Charged(1, D(2026, 3, 1), 4500, 9)]
    shares = allocate(
        {1: (a, [(D(2026, 6, 30), 2000)])},
        [
            (D(2026, 1, 12), 300, 70),
            (D(2026, 8, 25), 40, 71),
            (D(2026, 9, 1), 1000, 72),
            (D(2026, 10, 1), 1600, 73),
        ],
        [(D(2026, 1, 5), 300), (D(2026, 8, 12), 40), (D(2026, 9, 20), 200)],
    )
    # January's 300 and August's 40 pay the debts of exactly those amounts; September's 1000 goes
    # to the fee (the oldest open debt); of October's 1600, 1500 clears the fee and 100 the rest
    assert shares == {1: [(D(2026, 9, 1), 1000, 72), (D(2026, 10, 1), 1500, 73)]}

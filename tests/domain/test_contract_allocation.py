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

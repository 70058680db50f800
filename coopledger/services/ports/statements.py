"""The statements' port: the year's members'-equity movements read in sums where the attribution
rule allows it, and voucher by voucher where it does not; the vouchers touching given accounts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from coopledger.domain.equity import PostedVoucher
from coopledger.domain.ledger import Line, VoucherKind

#: a posted voucher's place in number order: (year, month, number)
NumberKey = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class EquityPairs:
    """The year's posted normal vouchers of two lines, both amounts positive, of one shape: one
    line on ``account`` (credited or not), the other — its counterpart — on ``counterpart``
    (with ``fund``), an account outside every equity column."""

    account: str
    credit: bool
    counterpart: str
    fund: str | None
    fen: int  # the amounts summed
    vouchers: int


class StatementStore(Protocol):
    def equity_movements(
        self, org_id: int, year: int, slow: Collection[str], equity: Collection[str]
    ) -> tuple[list[EquityPairs], list[tuple[NumberKey, PostedVoucher]]]:
        """The year's posted vouchers with a line on one of the accounts ``slow`` (``equity``
        are every equity column's accounts): the two-line ones summed by shape (as
        :class:`EquityPairs`), every other one with all its lines and its place in number
        order."""
        ...

    def equity_pair_numbers(
        self, org_id: int, year: int, slow: Collection[str], equity: Collection[str], limit: int
    ) -> dict[tuple[str, bool, str, str | None], list[NumberKey]]:
        """The first ``limit`` vouchers (number order) of each shape :meth:`equity_movements` sums,
        keyed (account, credit, counterpart, fund)."""
        ...

    def posted_touching(
        self, org_id: int, year: int, accounts: Collection[str]
    ) -> list[tuple[VoucherKind, tuple[Line, ...]]]:
        """(kind, lines) of each of the year's posted vouchers with a line on one of
        ``accounts``, once each, in the order they were entered (read by the accounts' index)."""
        ...

    def vouchers_netting(
        self, org_id: int, year: int, accounts: Collection[str], slow: Collection[str], limit: int
    ) -> tuple[int, list[NumberKey]]:
        """How many of the year's posted vouchers without a line on ``slow`` have lines on
        ``accounts`` that do not net to zero, and the first ``limit`` of them (number order)."""
        ...

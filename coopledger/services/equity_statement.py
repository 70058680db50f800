"""The year's movements of the 成员权益变动表, read in sums where the attribution rule allows it.

Each account is classed once: outside every column; an account whose every movement its column's
``own`` row takes (the income and expense accounts of 未分配盈余); or any other column account,
whose movements are traced to their counterparts voucher by voucher. The first kind's year is its
turnover. Of the vouchers touching the last kind, those of two lines (the equity line and one
counterpart, as a member's contribution is) are summed by shape in the database; only the others
are read with their lines. Every sum is attributed by the same rule as a single voucher
(:func:`coopledger.domain.equity.attribute`), which is additive over such vouchers, so the
statement equals the fold of every voucher one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from coopledger.domain.equity import (
    TRACE_SHOWN,
    EquityDef,
    EquityStatement,
    PostedVoucher,
    Traced,
    attribute,
    statement_of,
)
from coopledger.domain.ledger import Dr, Line
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import Turnover
from coopledger.services.ports import UnitOfWork
from coopledger.services.ports.statements import NumberKey

Cell = tuple[str, str]


def _number(key: NumberKey) -> str:
    return voucher_number(Period(key[0], key[1]), key[2])


def equity_statement(
    uow: UnitOfWork,
    org_id: int,
    definition: EquityDef,
    year: int,
    turnovers: list[Turnover],
    fund_sources: Mapping[str, str],
    traced: bool,
) -> EquityStatement:
    """The statement of ``year`` from its ``turnovers`` (1 January – 31 December); with
    ``traced``, each cell also counts its vouchers and names the first :data:`TRACE_SHOWN`."""
    opening: dict[str, int] = defaultdict(int)
    closing: dict[str, int] = defaultdict(int)
    own: dict[str, int] = {}  # credit-minus-debit of the year, per account its own row takes
    slow: list[str] = []
    equity: list[str] = []
    for t in turnovers:
        column = definition.column_of(t.account)
        if column is None:
            continue
        equity.append(t.account)
        opening[column] -= t.opening_net
        closing[column] -= t.opening_net + t.debit - t.credit
        if definition.own_row_of(t.account) is not None:
            own[t.account] = t.credit - t.debit
        else:
            slow.append(t.account)
    store = uow.store
    amounts: dict[Cell, int] = defaultdict(int)
    counts: dict[Cell, int] = defaultdict(int)
    firsts: dict[Cell, set[NumberKey]] = defaultdict(set)

    def take(voucher: PostedVoucher, key: NumberKey | None, times: int) -> set[Cell]:
        cells: set[Cell] = set()
        for row, column, fen in attribute(definition, voucher, fund_sources):
            amounts[row, column] += fen
            cells.add((row, column))
        if key is not None:
            for cell in cells:
                counts[cell] += times
                firsts[cell].add(key)
        return cells

    # vouchers of several lines or of several columns, reversals, the closing: one by one; their
    # lines on the own rows' accounts are in the turnover too, so they leave the sums below
    pairs, others = store.equity_movements(org_id, year, slow, equity)
    for key, voucher in others:
        take(voucher, key if traced else None, 1)
        for line in voucher.lines:
            if line.account in own:
                own[line.account] -= -line.signed_fen
    # two-line vouchers, summed by shape: attributed as one voucher of the summed amount
    numbers = store.equity_pair_numbers(org_id, year, slow, equity, TRACE_SHOWN) if traced else {}
    for pair in pairs:
        side = Dr.CREDIT if pair.credit else Dr.DEBIT
        other = Dr.DEBIT if pair.credit else Dr.CREDIT
        lines = (
            Line(pair.account, side, pair.fen),
            Line(pair.counterpart, other, pair.fen, fund=pair.fund),
        )
        cells = take(PostedVoucher("", lines), None, 0)
        if traced:
            shape = (pair.account, pair.credit, pair.counterpart, pair.fund)
            for cell in cells:
                counts[cell] += pair.vouchers
                firsts[cell].update(numbers.get(shape, []))
    # the own rows' accounts: each account's year as one line
    by_row: dict[Cell, list[str]] = defaultdict(list)
    for account, net in own.items():
        if net:
            take(PostedVoucher("", (Line(account, Dr.CREDIT, net),)), None, 0)
        row = definition.own_row_of(account)
        column = definition.column_of(account)
        if row is not None and column is not None:
            by_row[row, column].append(account)
    if traced:
        for cell, accounts in by_row.items():
            count, first = store.vouchers_netting(org_id, year, accounts, slow, TRACE_SHOWN)
            counts[cell] += count
            firsts[cell].update(first)
    traces = {
        cell: Traced(counts[cell], tuple(_number(k) for k in sorted(firsts[cell])[:TRACE_SHOWN]))
        for cell in counts
        if counts[cell]
    }
    if not traced:
        traces = {}
    return statement_of(definition, opening, amounts, traces, closing)

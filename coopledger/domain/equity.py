"""成员权益变动表 (会农社03表) as a pure fold: the year's posted vouchers → rows × columns.

The columns are groups of equity accounts (股金, 专项基金, 资本公积, 盈余公积, 未分配盈余). A
voucher's effect on a column is its credit-minus-debit on the column's accounts; moves inside one
column (本年盈余 → 未分配盈余, 各项分配 → 未分配盈余) net to nothing and are not shown. The
change is then attributed to the voucher's counterpart lines — the lines outside the column on
the other side — and each piece goes to the first row of the definition
(``reports/members_equity.toml``) whose ``from`` matches the counterpart's account, the rows
tried most particular first (see :attr:`RowDef.precedence`) and printed in the form's order.
A row with ``own`` takes the column's movement on those of its own accounts directly. A red
reversal counts against the row its original fed (a negative amount), not as the opposite row.

Every amount therefore comes from identified vouchers (each cell counts them and names the first
in number order), and opening + increases − decreases = closing holds per column by construction;
the service compares the closing row with the ledger's balances.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from coopledger.domain.ledger import Line

Direction = Literal["increase", "decrease"]
OTHER_INCREASE = "other_increase"
OTHER_DECREASE = "other_decrease"


@dataclass(frozen=True, slots=True)
class ColumnDef:
    key: str
    name: str
    accounts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowDef:
    key: str
    name: str
    column: str
    direction: Direction
    sources: tuple[str, ...]  # counterpart account prefixes; "*" is any
    fund_sources: tuple[str, ...] = ()  # the counterpart's fund is of one of these sources
    signed: bool = False
    with_credit: tuple[str, ...] = ()  # the voucher also credits one of these prefixes
    own: tuple[str, ...] = ()  # the column's own accounts whose movement this row takes

    def matches(
        self, counterpart: Line, fund_sources: Mapping[str, str], credited: Sequence[str]
    ) -> bool:
        if not any(p == "*" or counterpart.account.startswith(p) for p in self.sources):
            return False
        if self.with_credit and not any(a.startswith(self.with_credit) for a in credited):
            return False
        if not self.fund_sources:
            return True
        return fund_sources.get(counterpart.fund or "") in self.fund_sources

    @property
    def precedence(self) -> tuple[int, int]:
        """Rows are tried most particular first: a condition on the voucher, then named
        counterparts or fund sources, then any counterpart ("*")."""
        broad = "*" in self.sources and not self.fund_sources
        return (0 if self.with_credit else 1, 1 if broad else 0)


@dataclass(frozen=True, slots=True)
class EquityDef:
    chart: str
    form: str
    title: str
    columns: tuple[ColumnDef, ...]
    rows: tuple[RowDef, ...]
    # each account's column, decided once (a year's statement asks for every line's)
    _columns: dict[str, str | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def column_of(self, account: str) -> str | None:
        try:
            return self._columns[account]
        except KeyError:
            pass
        found = next(
            (c.key for c in self.columns if any(account.startswith(a) for a in c.accounts)), None
        )
        self._columns[account] = found
        return found

    def own_row_of(self, account: str) -> str | None:
        """The row that takes every movement of ``account`` whatever its counterpart: the
        ``own`` row of the account's column, when that column has exactly one. Such an account's
        effect on the statement is its credit-minus-debit turnover, voucher by voucher, so a
        year's worth needs no voucher read (see :func:`attribute`)."""
        column = self.column_of(account)
        if column is None:
            return None
        owning = [r for r in self.rows if r.column == column and r.own]
        if len(owning) == 1 and account.startswith(owning[0].own):
            return owning[0].key
        return None


def parse_definitions(text: str) -> dict[str, EquityDef]:
    """``reports/members_equity.toml`` → ``{chart id: EquityDef}``.

    :raise ValueError: a row naming an unknown column.
    """
    out: dict[str, EquityDef] = {}
    for chart, table in tomllib.loads(text).items():
        columns = tuple(
            ColumnDef(c["key"], c["name"], tuple(c["accounts"])) for c in table["columns"]
        )
        keys = {c.key for c in columns}
        rows: list[RowDef] = []
        for direction in ("increase", "decrease"):
            for raw in table[f"{direction}s"]:
                if raw["column"] not in keys:
                    raise ValueError(f"{chart}: row {raw['key']!r} names unknown column")
                rows.append(
                    RowDef(
                        raw["key"],
                        raw["name"],
                        raw["column"],
                        direction,
                        tuple(raw.get("from", ())),
                        tuple(raw.get("fund_sources", ())),
                        bool(raw.get("signed", False)),
                        tuple(raw.get("with_credit", ())),
                        tuple(raw.get("own", ())),
                    )
                )
        out[chart] = EquityDef(chart, table["form"], table["title"], columns, tuple(rows))
    return out


@dataclass(frozen=True, slots=True)
class PostedVoucher:
    """What the fold needs of a posted voucher."""

    number: str
    lines: tuple[Line, ...]
    reversal: bool = False


@dataclass(slots=True)
class EquityRow:
    key: str
    name: str
    kind: Literal["opening", "heading", "increase", "decrease", "closing"]
    amounts: dict[str, int] = field(default_factory=dict)  # column key → fen
    # column key → the first voucher numbers (in number order) and how many vouchers there are
    vouchers: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass(frozen=True, slots=True)
class EquityStatement:
    definition: EquityDef
    rows: tuple[EquityRow, ...]
    ledger_closing: Mapping[str, int]  # per column, from the ledger's balances

    @property
    def closing(self) -> EquityRow:
        return self.rows[-1]

    @property
    def ties(self) -> bool:
        """The closing row (opening + increases − decreases) equals the ledger, every column."""
        return all(
            self.closing.amounts.get(c.key, 0) == self.ledger_closing.get(c.key, 0)
            for c in self.definition.columns
        )


def _credit_effect(line: Line) -> int:
    return -line.signed_fen


def attribute(
    definition: EquityDef,
    voucher: PostedVoucher,
    fund_sources: Mapping[str, str],
) -> Iterable[tuple[str, str, int]]:
    """(row key, column key, fen) pieces of one voucher's effect on the equity columns; fen is
    positive when it moves the column the way the row's name says.

    Two kinds of voucher may be attributed in sums, as one voucher of their summed amount: a
    normal voucher of two lines, one in a column and one outside every column (its whole amount
    goes to one cell, the same for every voucher of its accounts and fund); and a voucher whose
    lines in a column are all on accounts with an :meth:`EquityDef.own_row_of` (their
    credit-minus-debit goes to that row, nothing when it is zero).
    """
    sign = -1 if voucher.reversal else 1
    # a red reversal is its original with amounts negated: attribute it as the original, negated
    lines = [
        Line(ln.account, ln.side, ln.amount_fen * sign, ln.member, ln.fund) for ln in voucher.lines
    ]
    credited = [ln.account for ln in lines if _credit_effect(ln) > 0]
    for column in definition.columns:
        inside = [ln for ln in lines if definition.column_of(ln.account) == column.key]
        change = sum(_credit_effect(ln) for ln in inside)
        if change == 0:
            continue
        # the column's own accounts that a row takes whatever the counterpart (income and
        # expense not yet carried into 本年盈余 are this year's surplus)
        for own_row in definition.rows:
            if own_row.column != column.key or not own_row.own:
                continue
            taken = sum(_credit_effect(ln) for ln in inside if ln.account.startswith(own_row.own))
            inside = [ln for ln in inside if not ln.account.startswith(own_row.own)]
            if taken:
                yield own_row.key, column.key, taken * sign
                change -= taken
        if change == 0:
            continue
        direction: Direction = "increase" if change > 0 else "decrease"
        # counterparts: lines outside the column moving the other way (a debit feeds a credit)
        counterparts = [
            ln
            for ln in lines
            if definition.column_of(ln.account) != column.key
            and (_credit_effect(ln) < 0 if change > 0 else _credit_effect(ln) > 0)
        ]
        left = abs(change)
        for counterpart in counterparts:
            if left == 0:
                break
            piece = min(left, abs(counterpart.signed_fen))
            left -= piece
            row, negate = _row_for(
                definition, column.key, direction, counterpart, fund_sources, credited
            )
            yield row, column.key, piece * sign * (-1 if negate else 1)
        if left:
            other = OTHER_INCREASE if direction == "increase" else OTHER_DECREASE
            yield other, column.key, left * sign


def _row_for(
    definition: EquityDef,
    column: str,
    direction: Direction,
    counterpart: Line,
    fund_sources: Mapping[str, str],
    credited: Sequence[str],
) -> tuple[str, bool]:
    """The row taking a piece, and whether it takes it negated (a ``signed`` row of the other
    direction: 本年盈余 shows a loss as a negative increase)."""
    for row in sorted(definition.rows, key=lambda r: r.precedence):
        if row.column != column or not row.matches(counterpart, fund_sources, credited):
            continue
        if row.direction == direction:
            return row.key, False
        if row.signed:
            return row.key, True
    return (OTHER_INCREASE if direction == "increase" else OTHER_DECREASE), False


def members_equity(
    definition: EquityDef,
    opening: Mapping[str, int],
    vouchers: Iterable[PostedVoucher],
    fund_sources: Mapping[str, str],
    ledger_closing: Mapping[str, int],
) -> EquityStatement:
    """Fold the year's posted vouchers into the statement.

    ``opening`` and ``ledger_closing`` are credit balances per column key (fen); ``fund_sources``
    maps a fund code to its source (``donation``, ``county_fiscal`` …).
    """
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    # each cell's voucher numbers, once each in the order met (a dict keeps them in order and
    # answers "seen already?" at once: a list would make a year of many vouchers quadratic)
    traced: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for voucher in vouchers:
        for row_key, column, fen in attribute(definition, voucher, fund_sources):
            amounts[row_key, column] += fen
            traced[row_key, column][voucher.number] = None
    traces = {cell: Traced(len(numbers), tuple(numbers)) for cell, numbers in traced.items()}
    return statement_of(definition, opening, amounts, traces, ledger_closing)


@dataclass(frozen=True, slots=True)
class Traced:
    """The vouchers one cell comes from: how many, and their numbers in number order (the first
    :data:`TRACE_SHOWN` of them where a statement shows only the first)."""

    count: int
    numbers: tuple[str, ...]


#: the voucher numbers a cell lists at most; the count says how many there are
TRACE_SHOWN = 20


def statement_of(
    definition: EquityDef,
    opening: Mapping[str, int],
    amounts: Mapping[tuple[str, str], int],
    traces: Mapping[tuple[str, str], Traced],
    ledger_closing: Mapping[str, int],
) -> EquityStatement:
    """The statement from each cell's amount and vouchers, keyed (row key, column key): the
    rows in the form's order, the subtotals, 其他增加 / 其他减少 where not zero, and the closing
    row (opening + increases − decreases)."""
    columns = [c.key for c in definition.columns]
    opening_row = EquityRow(
        "opening", "一、年初余额", "opening", {c: opening.get(c, 0) for c in columns}
    )
    rows = [opening_row]
    closing = dict(opening_row.amounts)
    sections: tuple[tuple[Direction, str, str, str], ...] = (
        ("increase", "二、本年增加数", OTHER_INCREASE, "其他增加"),
        ("decrease", "三、本年减少数", OTHER_DECREASE, "其他减少"),
    )
    for direction, heading, other_key, other_name in sections:
        defs = [(r.key, r.name) for r in definition.rows if r.direction == direction]
        if any(amounts.get((other_key, c), 0) for c in columns):
            defs.append((other_key, other_name))
        section = []
        for key, name in defs:
            cells = [c for c in columns if (key, c) in traces]
            section.append(
                EquityRow(
                    key,
                    name,
                    direction,
                    {c: amounts[key, c] for c in columns if amounts.get((key, c), 0)},
                    {c: list(traces[key, c].numbers[:TRACE_SHOWN]) for c in cells},
                    {c: traces[key, c].count for c in cells},
                )
            )
        subtotal = EquityRow(direction, heading, "heading")
        for row in section:
            for column, fen in row.amounts.items():
                subtotal.amounts[column] = subtotal.amounts.get(column, 0) + fen
                closing[column] += fen if direction == "increase" else -fen
        rows.append(subtotal)
        rows.extend(section)
    rows.append(EquityRow("closing", "四、年末余额", "closing", closing))
    return EquityStatement(definition, tuple(rows), dict(ledger_closing))

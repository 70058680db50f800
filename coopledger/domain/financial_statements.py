"""The statutory statements as a pure fold: line definitions (data) + balances → statement lines.

The definitions live in ``reports/balance_sheet.toml`` and ``reports/surplus.toml``, one table
per chart id. Each line takes its amount (fen) from one or more of:

- ``debit``: account-code prefixes, Σ debit-minus-credit (an asset; a credit balance is negative);
- ``credit``: prefixes, Σ credit-minus-debit (a liability, equity, income);
- ``debit_balances`` / ``credit_balances``: prefixes of two-sided accounts (114, 113, 154, 181),
  the sum of the debit (or credit) *pieces* only — pieces are per member where the account has a
  member subledger, else per account — so receivables and payables are never netted;
- ``input``: a named figure the service supplies (年初未分配盈余, the appropriations of the
  posted distribution plan …);
- ``sum``: other line keys, ``"-key"`` subtracted.

``row`` is the line's 行次 on the official form (none on headings, and none where the form has
no such line). A line with ``omit_when_zero = true`` is left out of the statement when it is zero
in both columns (a line the form does not have, shown only while there is something to show);
``note`` is a sentence printed with it. A table's ``prior_first = true`` says the form prints
the earlier column (年初数) before the later one (年末数).

A line with ``heading = true`` has no amount. ``check`` names two lines that must be equal
(资产总计 = 负债和所有者权益总计). No I/O here; amounts are integer fen.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coopledger.domain.accounts import AccountCode


@dataclass(frozen=True, slots=True)
class LineDef:
    key: str
    name: str
    indent: int = 0
    heading: bool = False
    total: bool = False
    debit: tuple[str, ...] = ()
    credit: tuple[str, ...] = ()
    debit_balances: tuple[str, ...] = ()
    credit_balances: tuple[str, ...] = ()
    input: str | None = None
    sum: tuple[str, ...] = ()
    row: int | None = None
    omit_when_zero: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class StatementDef:
    chart: str
    form: str
    title: str
    columns: tuple[str, str]
    lines: tuple[LineDef, ...]
    check: tuple[str, str] | None = None
    prior_first: bool = False


_LINE_KEYS = set(LineDef.__dataclass_fields__)


def parse_definitions(text: str) -> dict[str, StatementDef]:
    """Parse a statements TOML file into ``{chart id: StatementDef}``.

    :raise ValueError: an unknown field, a ``sum`` naming an unknown or later line.
    """
    out: dict[str, StatementDef] = {}
    for chart, table in tomllib.loads(text).items():
        lines: list[LineDef] = []
        seen: set[str] = set()
        for raw in table["lines"]:
            unknown = set(raw) - _LINE_KEYS
            if unknown:
                raise ValueError(f"{chart}: unknown line field(s) {sorted(unknown)}")
            fields: dict[str, Any] = {
                k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()
            }
            line = LineDef(**fields)
            for term in line.sum:
                if term.lstrip("-") not in seen:
                    raise ValueError(f"{chart}: line {line.key!r} sums unknown line {term!r}")
            seen.add(line.key)
            lines.append(line)
        check = table.get("check")
        out[chart] = StatementDef(
            chart=chart,
            form=table["form"],
            title=table["title"],
            columns=(table["columns"][0], table["columns"][1]),
            lines=tuple(lines),
            check=(check[0], check[1]) if check else None,
            prior_first=bool(table.get("prior_first", False)),
        )
    return out


@dataclass(frozen=True, slots=True)
class Balances:
    """The figures of one column.

    ``nets``: debit-minus-credit per account code (fen). ``pieces``: for a two-sided account
    prefix, the debit-minus-credit of each piece (member, or sub-account) that makes it up;
    prefixes missing here fall back to the per-account ``nets``. ``inputs``: named figures.
    """

    nets: Mapping[AccountCode, int]
    pieces: Mapping[str, Sequence[int]] = field(default_factory=dict)
    inputs: Mapping[str, int] = field(default_factory=dict)


def _net(balances: Balances, prefixes: Sequence[str]) -> int:
    starts = tuple(prefixes)  # str.startswith tries each of a tuple's prefixes (none: False)
    return sum(n for code, n in balances.nets.items() if code.startswith(starts))


def _pieces(balances: Balances, prefix: str) -> Sequence[int]:
    if prefix in balances.pieces:
        return balances.pieces[prefix]
    return [n for code, n in balances.nets.items() if code.startswith(prefix)]


def fold(definition: StatementDef, balances: Balances) -> dict[str, int | None]:
    """Each line's amount in fen (None for headings), keyed by line key, in definition order."""
    amounts: dict[str, int | None] = {}
    for line in definition.lines:
        if line.heading:
            amounts[line.key] = None
            continue
        amount = _net(balances, line.debit) - _net(balances, line.credit)
        for prefix in line.debit_balances:
            amount += sum(p for p in _pieces(balances, prefix) if p > 0)
        for prefix in line.credit_balances:
            amount += sum(-p for p in _pieces(balances, prefix) if p < 0)
        if line.input is not None:
            amount += balances.inputs.get(line.input, 0)
        for term in line.sum:
            value = amounts[term.lstrip("-")] or 0
            amount += -value if term.startswith("-") else value
        amounts[line.key] = amount
    return amounts


def fold_line(definition: StatementDef, balances: Balances, key: str) -> int | None:
    """One line of :func:`fold` (the same amount), folding only the lines it sums."""
    lines = {line.key: line for line in definition.lines}

    def amount_of(k: str) -> int | None:
        line = lines[k]
        if line.heading:
            return None
        amount = _net(balances, line.debit) - _net(balances, line.credit)
        for prefix in line.debit_balances:
            amount += sum(p for p in _pieces(balances, prefix) if p > 0)
        for prefix in line.credit_balances:
            amount += sum(-p for p in _pieces(balances, prefix) if p < 0)
        if line.input is not None:
            amount += balances.inputs.get(line.input, 0)
        for term in line.sum:
            value = amount_of(term.lstrip("-")) or 0
            amount += -value if term.startswith("-") else value
        return amount

    return amount_of(key)


@dataclass(frozen=True, slots=True)
class StatementLine:
    key: str
    name: str
    indent: int
    heading: bool
    total: bool
    current: int | None
    prior: int | None
    row: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement with two columns: 期末余额 / 年初余额, or 本年金额 / 上年金额 (fen)."""

    definition: StatementDef
    lines: tuple[StatementLine, ...]

    def line(self, key: str) -> StatementLine:
        return next(ln for ln in self.lines if ln.key == key)

    @property
    def balanced(self) -> bool:
        """True when the ``check`` lines agree in both columns (or there is no check)."""
        check = self.definition.check
        if check is None:
            return True
        a, b = self.line(check[0]), self.line(check[1])
        return a.current == b.current and a.prior == b.prior


def statement(definition: StatementDef, current: Balances, prior: Balances) -> Statement:
    """Fold both columns into one statement (an ``omit_when_zero`` line zero in both is left out)."""
    now, before = fold(definition, current), fold(definition, prior)
    return Statement(
        definition,
        tuple(
            StatementLine(
                line.key,
                line.name,
                line.indent,
                line.heading,
                line.total,
                now[line.key],
                before[line.key],
                line.row,
                line.note,
            )
            for line in definition.lines
            if not (line.omit_when_zero and not now[line.key] and not before[line.key])
        ),
    )


@dataclass(frozen=True, slots=True)
class SurplusAccounts:
    """The accounts the distribution half of 盈余及盈余分配表 is read from (chart roles)."""

    surplus: AccountCode  # 本年盈余 (village 本年收益)
    undistributed: AccountCode  # 盈余分配—未分配盈余
    appropriation: AccountCode  # 盈余分配—各项分配
    reserve: AccountCode  # 盈余公积 (village 公积公益金)
    capital: AccountCode  # 股金
    patronage_payable: AccountCode | None  # 应付盈余返还 (cooperatives)
    residual_payable: AccountCode | None  # 应付剩余盈余 (cooperatives)
    member_current: AccountCode | None  # 内部往来 (villages: each household's part)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One posted line as the fold reads it: the account, the side, the (signed) amount."""

    account: AccountCode
    debit: bool
    amount_fen: int


DISTRIBUTION_INPUTS = (
    "other_transfers",
    "reserve",
    "patronage",
    "residual",
    "household_distribution",
    "other_appropriations",
    "converted",
    "residual_and_others",
)


def distribution_inputs(
    accounts: SurplusAccounts, vouchers: Sequence[Sequence[LedgerLine]]
) -> dict[str, int]:
    """The appropriation lines of 盈余及盈余分配表 from the year's posted vouchers (closing vouchers
    left out: the carry of 本年盈余 into 未分配盈余 is the form's 本年盈余 line itself).

    A voucher that debits 各项分配 appropriates: each of its credits is the reserve (盈余公积),
    a return by transactions (应付盈余返还), a residual part (应付剩余盈余), a household's part
    (a village's 内部往来), surplus turned into members' capital (股金: 转为成员出资) or another
    appropriation. Any other voucher that moves 本年盈余 or 未分配盈余 is 其他转入 (盈余公积
    covering a loss, say), net of what it took out. The transfer of 各项分配 into 未分配盈余 is
    internal to the form and not read. Red reversals carry negative amounts and subtract.
    """
    out = dict.fromkeys(DISTRIBUTION_INPUTS, 0)
    kept = (accounts.surplus, accounts.undistributed)
    by_role = (
        (accounts.reserve, "reserve"),
        (accounts.patronage_payable, "patronage"),
        (accounts.residual_payable, "residual"),
        (accounts.member_current, "household_distribution"),
        (accounts.capital, "converted"),
    )
    for lines in vouchers:
        appropriating = any(
            ln.debit and ln.account.startswith(accounts.appropriation) for ln in lines
        )
        if appropriating:
            for ln in lines:
                if ln.debit or ln.account.startswith(accounts.appropriation):
                    continue
                key = next(
                    (k for code, k in by_role if code and ln.account.startswith(code)),
                    "other_appropriations",
                )
                out[key] += ln.amount_fen
        elif not any(ln.account.startswith(accounts.appropriation) for ln in lines):
            out["other_transfers"] += sum(
                -ln.amount_fen if ln.debit else ln.amount_fen
                for ln in lines
                if ln.account.startswith(kept)
            )
    out["residual_and_others"] = out["residual"] + out["other_appropriations"]
    return out

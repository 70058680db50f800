"""Reports are folds over posted lines: trial balance (科目余额表) and ledgers.

Balances are debit-minus-credit (``net``); a report shows each balance on the side it actually
falls, as the 科目余额表 does. Parent accounts roll up their sub-accounts; totals are taken over
top-level accounts only, so nothing is counted twice and Σ debit = Σ credit in every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coopledger.domain.accounts import Account, AccountCode


@dataclass(frozen=True, slots=True)
class Turnover:
    """Per account: the balance before the range and the turnover within it (fen)."""

    account: AccountCode
    opening_net: int
    debit: int
    credit: int


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    account: AccountCode
    name_zh: str
    name_en: str
    level: int
    opening_debit: int
    opening_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int


@dataclass(frozen=True, slots=True)
class TrialBalance:
    rows: tuple[TrialBalanceRow, ...]
    totals: TrialBalanceRow

    @property
    def ties(self) -> bool:
        t = self.totals
        return (
            t.opening_debit == t.opening_credit
            and t.debit == t.credit
            and t.closing_debit == t.closing_credit
        )


def _split(net: int) -> tuple[int, int]:
    return (net, 0) if net >= 0 else (0, -net)


def trial_balance(accounts: Sequence[Account], turnovers: Iterable[Turnover]) -> TrialBalance:
    """Fold per-account turnovers into rows, parents rolled up, accounts without activity left out."""
    by_code: dict[AccountCode, Account] = {a.code: a for a in accounts}
    sums: dict[AccountCode, list[int]] = {}
    for t in turnovers:
        code: AccountCode | None = t.account
        while code is not None:
            s = sums.setdefault(code, [0, 0, 0])
            s[0] += t.opening_net
            s[1] += t.debit
            s[2] += t.credit
            code = by_code[code].parent if code in by_code else None

    def level(code: AccountCode) -> int:
        depth, parent = 1, by_code[code].parent
        while parent is not None:
            depth, parent = depth + 1, by_code[parent].parent
        return depth

    rows = []
    total = [0, 0, 0, 0, 0, 0]
    for code in sorted(sums):
        opening, debit, credit = sums[code]
        if opening == 0 and debit == 0 and credit == 0:
            continue
        account = by_code[code]
        od, oc = _split(opening)
        cd, cc = _split(opening + debit - credit)
        row = TrialBalanceRow(
            code, account.name_zh, account.name_en, level(code), od, oc, debit, credit, cd, cc
        )
        rows.append(row)
        if account.parent is None:
            for i, v in enumerate((od, oc, debit, credit, cd, cc)):
                total[i] += v
    totals = TrialBalanceRow("", "合计", "Total", 0, *total)
    return TrialBalance(tuple(rows), totals)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One posted line, as the ledger shows it."""

    voucher_id: int
    booked_on: str
    number: str
    memo: str
    account: AccountCode
    member: str | None
    debit: int
    credit: int


@dataclass(frozen=True, slots=True)
class LedgerRow:
    entry: LedgerEntry
    balance_net: int


def running_balance(opening_net: int, entries: Iterable[LedgerEntry]) -> list[LedgerRow]:
    """Each entry with the debit-minus-credit balance after it."""
    balance = opening_net
    rows = []
    for entry in entries:
        balance += entry.debit - entry.credit
        rows.append(LedgerRow(entry, balance))
    return rows


def direction(net: int) -> str:
    """借 / 贷 / 平 for a debit-minus-credit balance, as printed in Chinese ledgers."""
    return "借" if net > 0 else "贷" if net < 0 else "平"

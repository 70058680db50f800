"""The books as a Beancount ledger that ``bean-check`` accepts.

Account names are Beancount's: a root by category (资产 and 成本 → ``Assets``, 负债 →
``Liabilities``, 所有者权益 → ``Equity``, 收入 → ``Income``, 费用 → ``Expenses``) and the code
as an ASCII component (``Assets:C101``, sub-account ``Assets:C10201``); a member's subledger is
a sub-account (``Assets:C114:M3``). Chinese and English names, members' names and funds travel as
metadata; so do a line's quantity and unit, and a voucher's number and chain hash. Amounts are
CNY with two decimals, debit positive and credit negative, so that each account's Beancount
balance is coopledger's closing balance (debit minus credit).
"""

from __future__ import annotations

from datetime import date

from coopledger.domain.accounts import Account, Category
from coopledger.domain.ledger import Line
from coopledger.domain.money import format_amount, format_quantity
from coopledger.services.exports import LedgerData, voucher_key

ROOTS = {
    Category.ASSET: "Assets",
    Category.COST: "Assets",
    Category.LIABILITY: "Liabilities",
    Category.EQUITY: "Equity",
    Category.INCOME: "Income",
    Category.EXPENSE: "Expenses",
}
CURRENCY = "CNY"


def account_name(account: Account, member: str | None = None) -> str:
    """``Assets:C101``; with a member, ``Assets:C114:M3`` (member numbers are ASCII already)."""
    name = f"{ROOTS[account.category]}:C{account.code}"
    return f"{name}:M{member}" if member else name


def quote(text: str) -> str:
    """A Beancount string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render(data: LedgerData) -> str:
    """The whole ledger as Beancount text."""
    out: list[str] = [
        f"; coopledger export of {data.org.code} ({data.org.name}), chart {data.org.chart}",
        f"; chain head {data.org.chain_head} at position {data.org.chain_seq}",
        f'option "title" {quote(data.org.name)}',
        f'option "operating_currency" "{CURRENCY}"',
        "",
    ]
    first = min((v.booked_on for v in data.vouchers), default=date(2000, 1, 1))
    used: dict[str, tuple[Account, str | None]] = {}
    for v in data.vouchers:
        for ln in v.lines:
            account = data.accounts[ln.account]
            used.setdefault(account_name(account, ln.member), (account, ln.member))
    for name in sorted(used):
        account, member = used[name]
        out.append(f"{first.isoformat()} open {name} {CURRENCY}")
        out.append(f"  name: {quote(account.name_zh)}")
        out.append(f"  name_en: {quote(account.name_en)}")
        if member:
            out.append(f"  member: {quote(member)}")
            out.append(f"  member_name: {quote(data.members.get(member, ''))}")
    out.append("")
    for v in data.vouchers:
        number = voucher_key(v)
        out.append(f"{v.booked_on.isoformat()} * {quote(number)} {quote(v.memo)}")
        out.append(f"  voucher: {quote(number)}")
        out.append(f"  kind: {quote(v.kind.value)}")
        if v.hash:
            out.append(f"  hash: {quote(v.hash)}")
        for ln in v.lines:
            out.extend(_posting(data, ln))
        out.append("")
    return "\n".join(out)


def _posting(data: LedgerData, ln: Line) -> list[str]:
    account = data.accounts[ln.account]
    lines = [f"  {account_name(account, ln.member)}  {format_amount(ln.signed_fen)} {CURRENCY}"]
    if ln.fund:
        lines.append(f"    fund: {quote(ln.fund)}")
        lines.append(f"    fund_name: {quote(data.funds.get(ln.fund, ''))}")
    if ln.quantity_milli is not None:
        lines.append(f"    quantity: {quote(format_quantity(ln.quantity_milli))}")
        lines.append(f"    unit: {quote(ln.unit or '')}")
    if ln.memo:
        lines.append(f"    memo: {quote(ln.memo)}")
    return lines

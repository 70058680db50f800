"""An online shop's settlement account (网店结算户): what an e-commerce platform (淘宝…) holds for
the shop, read from the platform's monthly settlement file, booked month by month and reconciled.

The shop's balance on the platform is money of the organization held by a third party: a
sub-account of 其他货币资金 (109) in a chart that has that account (the cooperative charts, 2007
and 2021), else of 银行存款 (102) named for the platform (the village charts, 2004 and 2023,
have no 其他货币资金).

The file's columns are ``date``, ``type`` (``order``, ``fee``, ``refund`` or ``payout``),
``order`` (the order number), ``amount`` and ``memo``, and optionally ``balance`` (the shop's
balance on the platform after the line). An order adds to the balance; a fee, a refund and a
payout take from it — written with or without a minus sign, as platforms differ. Each month of
the file is one voucher, dated on the month's last line:

- orders: Dr the settlement account / Cr 经营收入;
- fees: Dr 经营支出 / Cr the settlement account;
- refunds: Dr 经营收入 / Cr the settlement account — in the month of the refund, even when the
  order was sold in an earlier month (income is reduced when the money goes back);
- payouts: Dr 银行存款 / Cr the settlement account.

The month reconciles when the settlement account's posted balance at the month's end equals
the platform's closing balance: the last ``balance`` of the month in the file, else the
platform's lines imported through the month added up.

Nothing here touches a database.
"""

from __future__ import annotations

import enum
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from coopledger.domain.bank import parse_signed
from coopledger.domain.bounds import DATE_RANGE_MESSAGE, date_in_range
from coopledger.domain.imports import (
    ImportRejected,
    Problem,
    RawTable,
    checked_header,
    header_index,
    parse_date,
)
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.money import AmountError, format_amount
from coopledger.domain.periods import Period

MAX_SETTLEMENT_BYTES = 2 * 1024 * 1024  # a settlement file larger than this is refused unread
MAX_SETTLEMENT_LINES = 20_000
MAX_ORDER_NO = 64
MAX_MEMO = 200
MAX_PLATFORM = 40
#: the platform named when the import names none
DEFAULT_PLATFORM = "淘宝"


class Kind(enum.StrEnum):
    ORDER = "order"  # 订单: money the buyer paid, income
    FEE = "fee"  # 服务费 / 佣金: the platform's charge, an expense
    REFUND = "refund"  # 退款: money back to a buyer, income reduced
    PAYOUT = "payout"  # 提现: money moved to the bank


COLUMNS = ("date", "type", "order", "amount", "memo", "balance")
REQUIRED = ("date", "type", "amount")
ALIASES = {
    "日期": "date",
    "入账时间": "date",
    "类型": "type",
    "业务类型": "type",
    "订单号": "order",
    "order_no": "order",
    "金额": "amount",
    "收支金额": "amount",
    "备注": "memo",
    "摘要": "memo",
    "余额": "balance",
    "账户余额": "balance",
}
KIND_WORDS = {
    "订单": Kind.ORDER,
    "交易": Kind.ORDER,
    "服务费": Kind.FEE,
    "佣金": Kind.FEE,
    "手续费": Kind.FEE,
    "退款": Kind.REFUND,
    "提现": Kind.PAYOUT,
}
#: what each kind is called on a voucher line
KIND_NAMES = {Kind.ORDER: "订单", Kind.FEE: "平台服务费", Kind.REFUND: "退款", Kind.PAYOUT: "提现"}


@dataclass(frozen=True, slots=True)
class SettlementLine:
    """A line of a settlement file: its row, date, kind, order number, the fen it moves the
    shop's balance by (an order > 0, the others < 0), memo and the balance after it if given."""

    row: int
    booked_on: date
    kind: Kind
    order_no: str
    amount_fen: int
    memo: str = ""
    balance_fen: int | None = None


@dataclass(frozen=True, slots=True)
class SettlementMonth:
    """A month's lines of a file and the platform's closing balance the file gives for it."""

    period: Period
    lines: tuple[SettlementLine, ...]
    closing_fen: int | None

    def total(self, kind: Kind) -> int:
        """What the month's lines of ``kind`` add up to, as a positive amount."""
        return abs(sum(ln.amount_fen for ln in self.lines if ln.kind is kind))


def _columns(headers: Sequence[str]) -> tuple[dict[str, int], list[Problem]]:
    index, problems = header_index(headers, COLUMNS, ALIASES)
    problems += [Problem(1, c, "missing column") for c in REQUIRED if c not in index]
    return index, problems


def parse_settlement(table: RawTable) -> list[SettlementMonth]:
    """The file's lines by month, oldest first, every problem named by row and column.

    :raise ImportRejected: any problem (a date, type or amount missing or wrong, an order with a
        minus sign, a text too long, a formula); nothing is read then.
    """
    index = checked_header(table, _columns, MAX_SETTLEMENT_LINES, "a settlement file")
    problems: list[Problem] = []
    lines: list[SettlementLine] = []
    for n, values in enumerate(table.rows, start=table.first_row):
        if not any(v.strip() for v in values):
            continue
        cells = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
        line = _line(n, cells, problems)
        if line is not None:
            lines.append(line)
    if not lines and not problems:
        problems.append(Problem(0, "", "the file has a header row but no lines"))
    if problems:
        raise ImportRejected(problems)
    by_month: dict[Period, list[SettlementLine]] = defaultdict(list)
    for line in lines:
        by_month[Period.of(line.booked_on)].append(line)
    months = []
    for period in sorted(by_month):
        month_lines = sorted(by_month[period], key=lambda ln: (ln.booked_on, ln.row))
        balances = [ln.balance_fen for ln in month_lines if ln.balance_fen is not None]
        months.append(
            SettlementMonth(period, tuple(month_lines), balances[-1] if balances else None)
        )
    return months


def _line(n: int, cells: dict[str, str], problems: list[Problem]) -> SettlementLine | None:
    before = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(Problem(n, column, message))

    for column, value in cells.items():
        if value.startswith("="):
            fail(column, "a formula is not a value; enter the value itself")
    if len(problems) > before:
        return None
    day = parse_date(cells["date"]) if cells["date"] else None
    if not cells["date"]:
        fail("date", "must not be empty")
    elif day is None:
        fail("date", "must be a date such as 2025-03-10")
    elif not date_in_range(day):
        fail("date", DATE_RANGE_MESSAGE)
    word = cells["type"]
    kind = KIND_WORDS.get(word) or next((k for k in Kind if k.value == word.lower()), None)
    if kind is None:
        fail("type", "must be order, fee, refund or payout (订单, 服务费, 退款, 提现)")
    amount: int | None = None
    if not cells["amount"]:
        fail("amount", "must not be empty")
    else:
        try:
            amount = parse_signed(cells["amount"])
        except AmountError as exc:
            fail("amount", str(exc))
        else:
            if amount == 0:
                fail("amount", "must not be zero")
            elif kind is Kind.ORDER and amount < 0:
                fail("amount", "an order adds to the balance: write it without a minus sign")
    balance = None
    if cells.get("balance"):
        try:
            balance = parse_signed(cells["balance"])
        except AmountError as exc:
            fail("balance", str(exc))
    order_no, memo = cells.get("order", ""), cells.get("memo", "")
    if len(order_no) > MAX_ORDER_NO:
        fail("order", f"at most {MAX_ORDER_NO} characters")
    if len(memo) > MAX_MEMO:
        fail("memo", f"at most {MAX_MEMO} characters")
    if kind is Kind.REFUND and not order_no:
        fail("order", "a refund names the order it refunds")
    if len(problems) > before or day is None or kind is None or amount is None:
        return None
    effect = amount if kind is Kind.ORDER else -abs(amount)
    return SettlementLine(n, day, kind, order_no, effect, memo, balance)


def digests(lines: Sequence[SettlementLine]) -> list[str]:
    """Each line's digest: what it says (date, kind, order, amount, memo) and how many lines
    before it in the file say the same, so lines alike in one file stay apart while a line
    imported again in another file is known."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for line in lines:
        text = "|".join(
            (
                line.booked_on.isoformat(),
                line.kind.value,
                line.order_no,
                str(line.amount_fen),
                line.memo,
            )
        )
        seen[text] += 1
        out.append(hashlib.sha256(f"{text}|{seen[text]}".encode()).hexdigest())
    return out


@dataclass(frozen=True, slots=True)
class SettlementAccounts:
    """The accounts a month's voucher books to."""

    settlement: str  # the shop's settlement account (109xx or 102xx)
    income: str  # 经营收入 (or its sub-account)
    expense: str  # 经营支出 (or its sub-account)
    bank: str  # the 银行存款 account payouts go to


def month_voucher(
    month: SettlementMonth, platform: str, accounts: SettlementAccounts
) -> VoucherDraft:
    """The month's voucher, dated on its last line, one attachment (the settlement file): one
    line pair per kind the month has (see the module's rules)."""
    tag = f"{platform}{month.period.year}年{month.period.month}月结算"
    orders, fees = month.total(Kind.ORDER), month.total(Kind.FEE)
    refunds, payouts = month.total(Kind.REFUND), month.total(Kind.PAYOUT)
    count = {k: sum(1 for ln in month.lines if ln.kind is k) for k in Kind}
    lines: list[Line] = []
    if orders:
        what = f"{tag} 订单{count[Kind.ORDER]}笔"
        lines += [
            Line(accounts.settlement, Dr.DEBIT, orders, memo=what),
            Line(accounts.income, Dr.CREDIT, orders, memo=what),
        ]
    if fees:
        what = f"{tag} 平台服务费{count[Kind.FEE]}笔"
        lines += [
            Line(accounts.expense, Dr.DEBIT, fees, memo=what),
            Line(accounts.settlement, Dr.CREDIT, fees, memo=what),
        ]
    if refunds:
        what = f"{tag} 退款{count[Kind.REFUND]}笔（冲减收入）"
        lines += [
            Line(accounts.income, Dr.DEBIT, refunds, memo=what),
            Line(accounts.settlement, Dr.CREDIT, refunds, memo=what),
        ]
    if payouts:
        what = f"{tag} 提现{count[Kind.PAYOUT]}笔"
        lines += [
            Line(accounts.bank, Dr.DEBIT, payouts, memo=what),
            Line(accounts.settlement, Dr.CREDIT, payouts, memo=what),
        ]
    net = orders - fees - refunds - payouts
    memo = f"{tag}（净额 {format_amount(net)} 元）"
    day = max(ln.booked_on for ln in month.lines)
    return VoucherDraft(day, memo, tuple(lines), attachments=1)


@dataclass(frozen=True, slots=True)
class MonthCheck:
    """A month of the settlement account: the platform's lines by kind, the platform's closing
    balance, the books' posted balance at the month's end and whether they agree."""

    period: Period
    orders_fen: int
    fees_fen: int
    refunds_fen: int
    payouts_fen: int
    platform_closing_fen: int
    book_closing_fen: int
    drafts: int  # the month's settlement vouchers not posted yet

    @property
    def difference_fen(self) -> int:
        """Books less platform: zero when the month reconciles."""
        return self.book_closing_fen - self.platform_closing_fen

    @property
    def reconciled(self) -> bool:
        return self.difference_fen == 0

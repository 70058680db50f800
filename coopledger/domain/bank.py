"""The bank reconciliation (银行存款余额调节表): a bank statement read from a file, its lines
matched to the books' lines of the bank account, and what is still in transit either way.

Amounts are signed fen from the organization's side: money into the account is positive on the
statement and a debit in the books; money out is negative and a credit. A statement line and a
book line match when their amounts are equal and their dates lie within :data:`MATCH_WINDOW_DAYS`
of each other; each line matches at most once. The reconciliation holds when

    企业账面余额 + 银行已收企业未收 − 银行已付企业未付 = 银行对账单余额 + 企业已收银行未收 − 企业已付银行未付

Nothing here touches a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, date_in_range
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.imports import (
    ImportRejected,
    Problem,
    RawTable,
    checked_header,
    header_index,
    parse_date,
)
from coopledger.domain.money import AmountError, format_amount, parse_amount
from coopledger.domain.periods import Period

MATCH_WINDOW_DAYS = 5  # a bank line and a book line this many days apart may still match
MAX_STATEMENT_BYTES = 2 * 1024 * 1024  # a month's statement larger than this is refused unread
MAX_STATEMENT_LINES = 20_000
MAX_REFERENCE = 100
MAX_DESCRIPTION = 200

#: the statement's columns; ``amount`` (signed) or ``debit``/``credit`` as banks print them:
#: 借方 is money paid out of the account, 贷方 money received into it
COLUMNS = ("date", "amount", "debit", "credit", "reference", "description", "balance")
ALIASES = {
    "日期": "date",
    "交易日期": "date",
    "记账日期": "date",
    "金额": "amount",
    "发生额": "amount",
    "借方": "debit",
    "借方发生额": "debit",
    "支出": "debit",
    "支出金额": "debit",
    "贷方": "credit",
    "贷方发生额": "credit",
    "收入": "credit",
    "收入金额": "credit",
    "凭证号": "reference",
    "流水号": "reference",
    "交易流水号": "reference",
    "参考号": "reference",
    "摘要": "description",
    "用途": "description",
    "余额": "balance",
    "账户余额": "balance",
}


@dataclass(frozen=True, slots=True)
class StatementLine:
    """A line of a bank statement as read: its row in the file, date, signed fen and texts."""

    row: int
    booked_on: date
    amount_fen: int
    reference: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    opening_fen: int
    lines: tuple[StatementLine, ...]

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + sum(ln.amount_fen for ln in self.lines)


def parse_signed(value: str) -> int:
    """``"-1234.50"`` → -123450; a plain amount with an optional leading sign.

    :raise AmountError: not an amount.
    """
    sign = -1 if value.startswith("-") else 1
    return sign * parse_amount(value[1:] if value[:1] in "+-" else value)


def _columns(headers: Sequence[str]) -> tuple[dict[str, int], list[Problem]]:
    index, problems = header_index(headers, COLUMNS, ALIASES)
    if "date" not in index:
        problems.append(Problem(1, "date", "missing column"))
    has_amount = "amount" in index
    has_sides = "debit" in index or "credit" in index
    if has_amount == has_sides:
        problems.append(
            Problem(1, "amount", "give either an amount column or debit and credit columns")
        )
    return index, problems


def parse_statement(table: RawTable, month: Period, opening_fen: int | None) -> ParsedStatement:
    """The lines of a month's statement, every problem named by row and column.

    Each line is dated within ``month`` and moves money (not zero). The opening balance is
    ``opening_fen`` when given; with a ``balance`` column it is the first line's balance less its
    amount, and every line's balance must follow from the one before (a given opening must agree).

    :raise ImportRejected: any problem; nothing is read then.
    """
    index = checked_header(table, _columns, MAX_STATEMENT_LINES, "a statement")
    problems: list[Problem] = []
    lines: list[StatementLine] = []
    balances: list[tuple[int, int]] = []  # row, balance
    for n, values in enumerate(table.rows, start=table.first_row):
        if not any(v.strip() for v in values):
            continue
        cells = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
        line, balance = _line(n, cells, month, problems)
        if line is not None:
            lines.append(line)
            if balance is not None:
                balances.append((n, balance))
    if not lines and not problems:
        problems.append(Problem(0, "", "the file has a header row but no lines"))
    if problems:
        raise ImportRejected(problems)
    opening = _opening(lines, balances, opening_fen, "balance" in index, problems)
    if problems or opening is None:
        raise ImportRejected(problems)
    return ParsedStatement(opening, tuple(lines))


def _line(
    n: int, cells: dict[str, str], month: Period, problems: list[Problem]
) -> tuple[StatementLine | None, int | None]:
    before = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(Problem(n, column, message))

    day = parse_date(cells["date"]) if cells["date"] else None
    if not cells["date"]:
        fail("date", "must not be empty")
    elif day is None:
        fail("date", "must be a date such as 2026-03-10")
    elif not date_in_range(day):
        fail("date", DATE_RANGE_MESSAGE)
    elif Period.of(day) != month:
        fail("date", f"lies outside the statement's month {month}")
    amount = _amount(cells, fail)
    balance = None
    if cells.get("balance"):
        try:
            balance = parse_signed(cells["balance"])
        except AmountError as exc:
            fail("balance", str(exc))
    for column, limit in (("reference", MAX_REFERENCE), ("description", MAX_DESCRIPTION)):
        if len(cells.get(column, "")) > limit:
            fail(column, f"at most {limit} characters")
    for column, value in cells.items():
        if value.startswith("="):
            fail(column, "a formula is not a value; enter the value itself")
    if len(problems) > before or day is None or amount is None:
        return None, None
    line = StatementLine(n, day, amount, cells.get("reference", ""), cells.get("description", ""))
    return line, balance


def _amount(cells: dict[str, str], fail: Callable[[str, str], None]) -> int | None:
    if "amount" in cells:
        column, text = "amount", cells["amount"]
        if not text:
            fail(column, "must not be empty")
            return None
        try:
            value = parse_signed(text)
        except AmountError as exc:
            fail(column, str(exc))
            return None
    else:
        paid, received = cells.get("debit", ""), cells.get("credit", "")
        if bool(paid) == bool(received):
            fail("debit" if paid else "credit", "give the amount in debit or in credit, not both")
            return None
        column = "debit" if paid else "credit"
        try:
            value = parse_amount(paid or received)
        except AmountError as exc:
            fail(column, str(exc))
            return None
        value = -value if paid else value
    if value == 0:
        fail(column, "must not be zero")
        return None
    return value


def _opening(
    lines: Sequence[StatementLine],
    balances: Sequence[tuple[int, int]],
    given: int | None,
    has_balance: bool,
    problems: list[Problem],
) -> int | None:
    if not has_balance:
        if given is None:
            problems.append(
                Problem(0, "opening_balance", "give the opening balance, or a balance column")
            )
        return given
    if len(balances) != len(lines):
        problems.append(Problem(0, "balance", "every line needs its balance, or none does"))
        return None
    opening = balances[0][1] - lines[0].amount_fen
    if given is not None and given != opening:
        problems.append(Problem(2, "balance", "does not follow from the opening balance given"))
        return None
    running = opening
    for line, (row, balance) in zip(lines, balances, strict=True):
        running += line.amount_fen
        if balance != running:
            problems.append(Problem(row, "balance", "does not follow from the line before"))
            return None
    return opening


# -- matching ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankLine:
    """A stored statement line: money in > 0."""

    id: int
    booked_on: date
    amount_fen: int
    reference: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class BookLine:
    """A posted line of the bank account in the books: a debit (money in) > 0, a credit < 0;
    ``text`` is what the voucher and the line say, ``voucher`` how the voucher is named."""

    id: int
    booked_on: date
    amount_fen: int
    text: str = ""
    voucher: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    bank_id: int
    book_id: int


def same_reference(bank: BankLine, book: BookLine) -> bool:
    """The statement's reference is written in the book line's text (case ignored)."""
    ref = bank.reference.strip().casefold()
    return bool(ref) and ref in book.text.casefold()


def may_match(bank: BankLine, book: BookLine, window: int = MATCH_WINDOW_DAYS) -> bool:
    """Equal signed amounts (money in to a debit, money out to a credit), dates ``window`` days
    apart at most."""
    return bank.amount_fen == book.amount_fen and abs((bank.booked_on - book.booked_on).days) <= (
        window
    )


def suggest(
    bank: Iterable[BankLine], book: Iterable[BookLine], window: int = MATCH_WINDOW_DAYS
) -> list[Match]:
    """One-to-one matches of unmatched statement lines to unmatched book lines.

    Among the pairs that :func:`may_match`, those whose reference agrees come first, then the
    nearest dates, then the earlier statement line and the earlier book line; each pair is taken
    when neither of its lines is taken yet. The result is in the statement's order.
    """
    by_amount: dict[int, list[BookLine]] = defaultdict(list)
    for k in book:
        by_amount[k.amount_fen].append(k)
    pairs: list[tuple[int, int, date, int, date, int]] = []
    bank_by_id: dict[int, BankLine] = {}
    for b in bank:
        bank_by_id[b.id] = b
        for k in by_amount.get(b.amount_fen, ()):
            if may_match(b, k, window):
                gap = abs((b.booked_on - k.booked_on).days)
                rank = 0 if same_reference(b, k) else 1
                pairs.append((rank, gap, b.booked_on, b.id, k.booked_on, k.id))
    pairs.sort()
    taken_bank: set[int] = set()
    taken_book: set[int] = set()
    matches: list[Match] = []
    for _, _, _, bank_id, _, book_id in pairs:
        if bank_id in taken_bank or book_id in taken_book:
            continue
        taken_bank.add(bank_id)
        taken_book.add(book_id)
        matches.append(Match(bank_id, book_id))
    matches.sort(key=lambda m: (bank_by_id[m.bank_id].booked_on, m.bank_id))
    return matches


MAX_PAIRED = 200  # the most lines one side of a match by hand holds


def check_pair(bank: Sequence[BankLine], book: Sequence[BookLine]) -> None:
    """A match by hand pairs one statement line with one or more lines of the books, or one line
    of the books with one or more statement lines, each side's signed total the same: money in
    with debits, money out with credits. The dates may lie any distance apart.

    :raise ValidationFailed: ``bank_pair_shape`` — a side is empty, or both hold several lines;
        ``bank_amounts_differ`` — the totals differ (both named).
    """
    if not bank or not book or (len(bank) > 1 and len(book) > 1):
        raise ValidationFailed(
            "tick one statement line and one or more lines of the books, or one line of the "
            "books and one or more statement lines",
            code="bank_pair_shape",
            errors={"line": ["one side of a match holds one line"]},
        )
    if max(len(bank), len(book)) > MAX_PAIRED:
        raise ValidationFailed(
            f"a match holds at most {MAX_PAIRED} lines a side",
            code="bank_pair_shape",
            errors={"line": [f"at most {MAX_PAIRED} lines"]},
        )
    bank_fen = sum(b.amount_fen for b in bank)
    book_fen = sum(k.amount_fen for k in book)
    if bank_fen != book_fen:
        raise ValidationFailed(
            f"the statement lines come to {format_amount(bank_fen)} and the lines of the books "
            f"to {format_amount(book_fen)}: money in matches debits and money out credits of "
            "the same total",
            code="bank_amounts_differ",
            errors={"voucher_line": ["the amounts differ"]},
            params={"bank": format_amount(bank_fen), "book": format_amount(book_fen)},
        )


# -- the reconciliation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """银行存款余额调节表 at a month's end. The four lists are the 未达账项."""

    book_balance_fen: int  # 企业银行存款日记账余额
    bank_balance_fen: int  # 银行对账单余额
    bank_received: tuple[BankLine, ...]  # 银行已收、企业未收
    bank_paid: tuple[BankLine, ...]  # 银行已付、企业未付
    book_received: tuple[BookLine, ...]  # 企业已收、银行未收
    book_paid: tuple[BookLine, ...]  # 企业已付、银行未付

    @property
    def bank_received_fen(self) -> int:
        return sum(b.amount_fen for b in self.bank_received)

    @property
    def bank_paid_fen(self) -> int:
        return -sum(b.amount_fen for b in self.bank_paid)

    @property
    def book_received_fen(self) -> int:
        return sum(k.amount_fen for k in self.book_received)

    @property
    def book_paid_fen(self) -> int:
        return -sum(k.amount_fen for k in self.book_paid)

    @property
    def book_adjusted_fen(self) -> int:
        """企业账面余额 + 银行已收企业未收 − 银行已付企业未付."""
        return self.book_balance_fen + self.bank_received_fen - self.bank_paid_fen

    @property
    def bank_adjusted_fen(self) -> int:
        """银行对账单余额 + 企业已收银行未收 − 企业已付银行未付."""
        return self.bank_balance_fen + self.book_received_fen - self.book_paid_fen

    @property
    def difference_fen(self) -> int:
        return self.book_adjusted_fen - self.bank_adjusted_fen

    @property
    def balances(self) -> bool:
        """Both adjusted balances agree: every difference is explained by an item in transit."""
        return self.difference_fen == 0


def reconcile(
    book_balance_fen: int,
    bank_balance_fen: int,
    bank_outstanding: Iterable[BankLine],
    book_outstanding: Iterable[BookLine],
) -> Reconciliation:
    """The statement from the two balances and the lines each side has that the other lacks."""
    bank = sorted(bank_outstanding, key=lambda b: (b.booked_on, b.id))
    book = sorted(book_outstanding, key=lambda k: (k.booked_on, k.id))
    return Reconciliation(
        book_balance_fen,
        bank_balance_fen,
        tuple(b for b in bank if b.amount_fen > 0),
        tuple(b for b in bank if b.amount_fen < 0),
        tuple(k for k in book if k.amount_fen > 0),
        tuple(k for k in book if k.amount_fen < 0),
    )

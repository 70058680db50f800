"""The demonstration's bank reconciliation: the cattle cooperative's bank sends its statements of
银行存款 for November and December of the closed year, as a CSV file a bank exports (交易日期, 摘要,
收入金额, 支出金额, 账户余额, 交易流水号). They are made from the posted lines of 102 — the bank books
each a day after the voucher's date — with what the bank and the books do not yet share:

- the December salaries were paid by a transfer cheque (转账支票) the managers have not presented
  by the year's end: 企业已付、银行未付;
- the bank's quarterly interest (结息) on 21 December, not yet booked: 银行已收、企业未收;
- its account-management fee (账户管理费) the same day, not yet booked: 银行已付、企业未付.

Each statement is imported by the accountant and the suggested matches accepted; what is left is
the 未达账项 of the 银行存款余额调节表, which balances.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.bank import BookLine
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Actor
from coopledger.services import bank, orgs
from coopledger.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class BankStory:
    """Whose statements, of which account and months of the closed year; the memo of the
    cheque not presented by the last month's end; the bank's own lines the books do not have yet
    (month, day, fen, reference, description)."""

    org: str
    account: str
    months: tuple[int, ...]
    unpresented: str
    bank_only: tuple[tuple[int, int, int, str, str], ...]


STORY = BankStory(
    "cattle-coop",
    "102",
    (11, 12),
    "支付管理人员下半年报酬",
    (
        (12, 21, 8640, "JX20251221", "结息（第四季度存款利息）"),
        (12, 21, -1250, "SF20251221", "账户管理费"),
    ),
)


def _csv(opening_fen: int, lines: list[tuple[date, int, str, str]]) -> bytes:
    """The statement file as the bank exports it: in date order, with the running balance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["交易日期", "摘要", "收入金额", "支出金额", "账户余额", "交易流水号"])
    balance = opening_fen
    for day, fen, reference, description in sorted(lines, key=lambda ln: (ln[0], ln[2])):
        balance += fen
        writer.writerow(
            [
                day.isoformat(),
                description,
                format_amount(fen) if fen > 0 else "",
                format_amount(-fen) if fen < 0 else "",
                format_amount(balance),
                reference,
            ]
        )
    return out.getvalue().encode()


def _bank_side(line: BookLine, month: Period, seq: int) -> tuple[date, int, str, str]:
    """A posted line as the bank books it: a day later (within its month), its own serial."""
    day = min(line.booked_on + timedelta(days=1), month.last_day)
    kind = "转账存入" if line.amount_fen > 0 else "转账支出"
    return day, line.amount_fen, f"NS{day:%Y%m%d}{seq:04d}", f"{kind} {line.text}"[:60]


def import_statements(
    uow_factory: Callable[[], UnitOfWork], accountant: Actor, year: int, story: BankStory = STORY
) -> str:
    """Import the story's statements for ``year`` and accept the suggested matches; what was
    done, in one line."""
    org = orgs.get_org(uow_factory(), accountant, story.org)
    months = [Period(year, m) for m in story.months]
    first, last = months[0], months[-1]
    uow = uow_factory()
    with uow:
        book = uow.bank.book_lines(org.id, story.account, first.first_day, last.last_day)
        opening = uow.bank.book_balance(org.id, story.account, first.first_day - timedelta(days=1))
    late = {k.id for k in book if story.unpresented in k.text}
    matched = 0
    for month in months:
        lines = [
            _bank_side(k, month, i)
            for i, k in enumerate(book, start=1)
            if Period.of(k.booked_on) == month and k.id not in late
        ]
        lines += [  # a cheque presented the month after it was written
            _bank_side(replace(k, booked_on=month.first_day.replace(day=3)), month, i)
            for i, k in enumerate(book, start=1)
            if k.id in late and Period.of(k.booked_on) == month.previous()
        ]
        lines += [
            (date(year, m, d), fen, ref, text)
            for m, d, fen, ref, text in story.bank_only
            if m == month.month
        ]
        if not lines:
            continue
        data = _csv(opening, lines)
        name = f"{story.org}-{story.account}-{month}.csv"
        file = bank.StatementFile(read_table(data, name), name, hashlib.sha256(data).hexdigest())
        record = bank.import_statement(
            uow_factory(), accountant, story.org, story.account, month, file
        )
        opening = record.closing_fen
        matched += bank.accept_suggestions(
            uow_factory(), accountant, story.org, story.account, month
        )
    found = bank.bank_month(uow_factory(), accountant, story.org, story.account, last)
    r = found.reconciliation
    in_transit = len(r.bank_received) + len(r.bank_paid) + len(r.book_received) + len(r.book_paid)
    return (
        f"{story.org}: bank statements of {story.account} for {first} to {last} imported, "
        f"{matched} lines matched, {in_transit} in transit at {last.last_day} "
        f"({'balances' if r.balances else 'does not balance'})"
    )

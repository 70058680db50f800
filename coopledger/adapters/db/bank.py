"""Bank statements, their lines and their matches to posted voucher lines. Every query names
the organization; a bank account is its code and every sub-account under it (its code's prefix)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AccountRow,
    BankStatementLineRow,
    BankStatementRow,
    UserRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.bank import BankLine, BookLine, StatementLine
from coopledger.domain.periods import Period
from coopledger.services.ports.bank import StatementRecord, StoredLine


def _under(code: str) -> ColumnElement[bool]:
    """The account ``code`` and its sub-accounts."""
    return or_(AccountRow.code == code, AccountRow.code.startswith(code, autoescape=True))


def _posted_lines(org_id: int, accounts: ColumnElement[bool]) -> tuple[ColumnElement[bool], ...]:
    """The posted lines of ``org_id`` on the ``accounts`` chosen (a query joining voucher_line to
    voucher and account): every table held to the organization."""
    return (
        VoucherLineRow.org_id == org_id,
        VoucherRow.org_id == org_id,
        AccountRow.org_id == org_id,
        accounts,
        VoucherRow.status == "posted",
    )


class SqlBankStatements:
    def __init__(self, session: Session) -> None:
        self.session = session

    def account_id(self, org_id: int, code: str) -> int | None:
        return self.session.scalar(
            select(AccountRow.id).where(AccountRow.org_id == org_id, AccountRow.code == code)
        )

    def statements(self, org_id: int, account: str) -> list[StatementRecord]:
        totals = (
            select(
                BankStatementLineRow.statement_id,
                func.count().label("n"),
                func.sum(BankStatementLineRow.amount_fen).label("moved"),
            )
            .where(BankStatementLineRow.org_id == org_id)
            .group_by(BankStatementLineRow.statement_id)
            .subquery()
        )
        rows = self.session.execute(
            select(BankStatementRow, UserRow.username, totals.c.n, totals.c.moved)
            .join(AccountRow, AccountRow.id == BankStatementRow.account_id)
            .join(UserRow, UserRow.id == BankStatementRow.imported_by)
            .outerjoin(totals, totals.c.statement_id == BankStatementRow.id)
            .where(BankStatementRow.org_id == org_id, AccountRow.code == account)
            .order_by(BankStatementRow.year, BankStatementRow.month)
        ).all()
        return [
            StatementRecord(
                s.id,
                account,
                Period(s.year, s.month),
                s.opening_fen,
                s.opening_fen + int(moved or 0),
                int(n or 0),
                s.filename,
                s.sha256,
                username,
                s.imported_at,
            )
            for s, username, n, moved in rows
        ]

    def add_statement(
        self,
        org_id: int,
        account: str,
        period: Period,
        opening_fen: int,
        file: tuple[str, str],
        lines: Sequence[StatementLine],
        user_id: int,
        at: datetime,
    ) -> int:
        account_id = self.account_id(org_id, account)
        assert account_id is not None
        row = BankStatementRow(
            org_id=org_id,
            account_id=account_id,
            year=period.year,
            month=period.month,
            opening_fen=opening_fen,
            filename=file[0],
            sha256=file[1],
            imported_by=user_id,
            imported_at=at,
        )
        self.session.add(row)
        self.session.flush()
        values: list[dict[str, Any]] = [
            {
                "statement_id": row.id,
                "org_id": org_id,
                "line_no": no,
                "booked_on": ln.booked_on,
                "amount_fen": ln.amount_fen,
                "reference": ln.reference,
                "description": ln.description,
            }
            for no, ln in enumerate(lines, start=1)
        ]
        self.session.execute(insert(BankStatementLineRow), values)
        return row.id

    def lines(self, org_id: int, account: str, through: Period) -> list[StoredLine]:
        rows = self.session.execute(
            select(BankStatementLineRow, BankStatementRow.year, BankStatementRow.month)
            .join(BankStatementRow, BankStatementRow.id == BankStatementLineRow.statement_id)
            .join(AccountRow, AccountRow.id == BankStatementRow.account_id)
            .where(
                BankStatementLineRow.org_id == org_id,
                BankStatementRow.org_id == org_id,
                AccountRow.code == account,
                or_(
                    BankStatementRow.year < through.year,
                    and_(
                        BankStatementRow.year == through.year,
                        BankStatementRow.month <= through.month,
                    ),
                ),
            )
            .order_by(BankStatementLineRow.booked_on, BankStatementLineRow.id)
        ).all()
        return [
            StoredLine(
                BankLine(r.id, r.booked_on, r.amount_fen, r.reference, r.description),
                Period(year, month),
                r.voucher_line_id,
            )
            for r, year, month in rows
        ]

    def book_lines(self, org_id: int, account: str, start: date, end: date) -> list[BookLine]:
        rows = self.session.execute(
            select(VoucherLineRow, VoucherRow.booked_on, VoucherRow.memo, VoucherRow.number)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                *_posted_lines(org_id, _under(account)),
                VoucherRow.booked_on >= start,
                VoucherRow.booked_on <= end,
            )
            .order_by(VoucherRow.booked_on, VoucherLineRow.id)
        ).all()
        return [
            BookLine(
                ln.id,
                on,
                ln.amount_fen if ln.side == "D" else -ln.amount_fen,
                " ".join(t for t in (memo, ln.memo) if t),
                f"{on:%Y-%m}/{number}",
            )
            for ln, on, memo, number in rows
        ]

    def months_posted(self, org_id: int, account: str, start: date, end: date) -> set[Period]:
        rows = self.session.execute(
            select(VoucherRow.year, VoucherRow.month)
            .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                *_posted_lines(org_id, AccountRow.code == account),
                VoucherRow.booked_on >= start,
                VoucherRow.booked_on <= end,
            )
            .distinct()
        ).all()
        return {Period(year, month) for year, month in rows}

    def book_dates(self, org_id: int, ids: Sequence[int]) -> dict[int, date]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(VoucherLineRow.id, VoucherRow.booked_on)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(VoucherLineRow.org_id == org_id, VoucherLineRow.id.in_(list(ids)))
        ).all()
        return {int(i): on for i, on in rows}

    def book_balance(self, org_id: int, account: str, through: date) -> int:
        rows = self.session.execute(
            select(VoucherLineRow.side, func.coalesce(func.sum(VoucherLineRow.amount_fen), 0))
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(*_posted_lines(org_id, _under(account)), VoucherRow.booked_on <= through)
            .group_by(VoucherLineRow.side)
        ).all()
        sums = {side: int(total) for side, total in rows}
        return sums.get("D", 0) - sums.get("C", 0)

    def is_matched(self, org_id: int, voucher_line_id: int) -> bool:
        found = self.session.scalar(
            select(BankStatementLineRow.id).where(
                BankStatementLineRow.org_id == org_id,
                BankStatementLineRow.voucher_line_id == voucher_line_id,
            )
        )
        return found is not None

    def set_match(self, org_id: int, line_id: int, voucher_line_id: int | None) -> None:
        self.session.execute(
            update(BankStatementLineRow)
            .where(BankStatementLineRow.org_id == org_id, BankStatementLineRow.id == line_id)
            .values(voucher_line_id=voucher_line_id)
        )

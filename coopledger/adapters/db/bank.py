"""Bank statements, their lines and their matches to posted voucher lines. Every query names
the organization; a bank account is its code and every sub-account under it (its code's prefix)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AccountRow,
    BankMatchLineRow,
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
        matches = sorted({r.match_id for r, _y, _m in rows if r.match_id is not None})
        books: dict[int, list[int]] = {}
        for chunk in _chunks(matches):
            for book_id, match in self.session.execute(
                select(BankMatchLineRow.voucher_line_id, BankMatchLineRow.match_id)
                .where(BankMatchLineRow.org_id == org_id, BankMatchLineRow.match_id.in_(chunk))
                .order_by(BankMatchLineRow.voucher_line_id)
            ):
                books.setdefault(int(match), []).append(int(book_id))
        return [
            StoredLine(
                BankLine(r.id, r.booked_on, r.amount_fen, r.reference, r.description),
                Period(year, month),
                r.match_id,
                tuple(books.get(r.match_id, ())) if r.match_id is not None else (),
            )
            for r, year, month in rows
        ]

    def book_lines(self, org_id: int, account: str, start: date, end: date) -> list[BookLine]:
        return self._book_lines(
            org_id, account, VoucherRow.booked_on >= start, VoucherRow.booked_on <= end
        )

    def book_lines_by_id(self, org_id: int, account: str, ids: Sequence[int]) -> list[BookLine]:
        found: list[BookLine] = []
        for chunk in _chunks(sorted(set(ids))):
            found += self._book_lines(org_id, account, VoucherLineRow.id.in_(chunk))
        return sorted(found, key=lambda k: (k.booked_on, k.id))

    def _book_lines(self, org_id: int, account: str, *where: ColumnElement[bool]) -> list[BookLine]:
        rows = self.session.execute(
            select(VoucherLineRow, VoucherRow.booked_on, VoucherRow.memo, VoucherRow.number)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(*_posted_lines(org_id, _under(account)), *where)
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

    def matched_books(self, org_id: int, ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(sorted(set(ids))):
            found.update(
                int(i)
                for i in self.session.scalars(
                    select(BankMatchLineRow.voucher_line_id).where(
                        BankMatchLineRow.org_id == org_id,
                        BankMatchLineRow.voucher_line_id.in_(chunk),
                    )
                )
            )
        return found

    def match_dates(self, org_id: int, matches: Sequence[int]) -> dict[int, date]:
        latest: dict[int, date] = {}
        for chunk in _chunks(sorted(set(matches))):
            for match, on in self.session.execute(
                select(BankStatementLineRow.match_id, func.max(BankStatementLineRow.booked_on))
                .where(
                    BankStatementLineRow.org_id == org_id,
                    BankStatementLineRow.match_id.in_(chunk),
                )
                .group_by(BankStatementLineRow.match_id)
            ):
                latest[int(match)] = on
            for match, on in self.session.execute(
                select(BankMatchLineRow.match_id, func.max(VoucherRow.booked_on))
                .join(VoucherLineRow, VoucherLineRow.id == BankMatchLineRow.voucher_line_id)
                .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
                .where(BankMatchLineRow.org_id == org_id, BankMatchLineRow.match_id.in_(chunk))
                .group_by(BankMatchLineRow.match_id)
            ):
                latest[int(match)] = max(on, latest.get(int(match), on))
        return latest

    def add_match(self, org_id: int, bank_ids: Sequence[int], book_ids: Sequence[int]) -> int:
        match = min(bank_ids)
        self.session.execute(
            update(BankStatementLineRow)
            .where(
                BankStatementLineRow.org_id == org_id,
                BankStatementLineRow.id.in_(list(bank_ids)),
            )
            .values(match_id=match)
        )
        self.session.execute(
            insert(BankMatchLineRow),
            [{"voucher_line_id": k, "match_id": match, "org_id": org_id} for k in book_ids],
        )
        return match

    def drop_match(self, org_id: int, match: int) -> None:
        self.session.execute(
            delete(BankMatchLineRow).where(
                BankMatchLineRow.org_id == org_id, BankMatchLineRow.match_id == match
            )
        )
        self.session.execute(
            update(BankStatementLineRow)
            .where(BankStatementLineRow.org_id == org_id, BankStatementLineRow.match_id == match)
            .values(match_id=None)
        )


def _chunks(ids: Sequence[int], size: int = 1000) -> list[Sequence[int]]:
    """``ids`` in pieces small enough for one ``IN`` list."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]

"""The bank statements' port: statements and their lines, their matches to the books' posted
lines of a bank account, and those lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.bank import BankLine, BookLine, StatementLine
from coopledger.domain.periods import Period


@dataclass(frozen=True, slots=True)
class StatementRecord:
    id: int
    account: str  # the bank account's code
    period: Period
    opening_fen: int
    closing_fen: int
    lines: int
    filename: str
    sha256: str
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class StoredLine:
    """A statement line as stored, with the statement's month and the match it is in: the
    match's id (its first statement line's) and the voucher lines of the books in it."""

    line: BankLine
    period: Period
    match: int | None = None
    books: tuple[int, ...] = ()


class BankStatements(Protocol):
    def account_id(self, org_id: int, code: str) -> int | None: ...
    def statements(self, org_id: int, account: str) -> list[StatementRecord]: ...
    def add_statement(
        self,
        org_id: int,
        account: str,
        period: Period,
        opening_fen: int,
        file: tuple[str, str],  # name, SHA-256
        lines: Sequence[StatementLine],
        user_id: int,
        at: datetime,
    ) -> int: ...
    def lines(self, org_id: int, account: str, through: Period) -> list[StoredLine]:
        """The lines of the account's statements up to ``through``, in date order."""
        ...

    def book_lines(self, org_id: int, account: str, start: date, end: date) -> list[BookLine]:
        """The posted lines of the account and its sub-accounts dated ``start`` to ``end``."""
        ...

    def months_posted(self, org_id: int, account: str, start: date, end: date) -> set[Period]:
        """The months from ``start`` to ``end`` with posted lines on exactly this account."""
        ...

    def book_dates(self, org_id: int, ids: Sequence[int]) -> dict[int, date]: ...
    def book_balance(self, org_id: int, account: str, through: date) -> int:
        """Posted debits less credits of the account and its sub-accounts up to ``through``."""
        ...

    def book_lines_by_id(self, org_id: int, account: str, ids: Sequence[int]) -> list[BookLine]:
        """The posted lines of the account and its sub-accounts among ``ids``, in date order."""
        ...

    def matched_books(self, org_id: int, ids: Sequence[int]) -> set[int]:
        """Those of the voucher lines ``ids`` that are in a match."""
        ...

    def match_dates(self, org_id: int, matches: Sequence[int]) -> dict[int, date]:
        """Each match's latest date, of its statement lines and of its lines of the books."""
        ...

    def add_match(self, org_id: int, bank_ids: Sequence[int], book_ids: Sequence[int]) -> int:
        """Put the statement lines and the voucher lines in one match; its id."""
        ...

    def drop_match(self, org_id: int, match: int) -> None:
        """Undo a match: its statement lines and voucher lines are unmatched again."""
        ...

"""What every SQL store shares: the session it flushes into (never commits), the client it
serves, the dialect's upsert, and the sums over voucher lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Select, Table, case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    IdempotencyKeyRow,
    PeriodBalanceRow,
    ShapeTurnoverRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.services.ports import ClientInfo

LINES = cast(Table, VoucherLineRow.__table__)
VOUCHERS = cast(Table, VoucherRow.__table__)
IDEMPOTENCY = cast(Table, IdempotencyKeyRow.__table__)
PERIOD_BALANCES = cast(Table, PeriodBalanceRow.__table__)
SHAPE_TURNOVER = cast(Table, ShapeTurnoverRow.__table__)
#: a line's amount, debits positive
SIGNED = case(
    (VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=-VoucherLineRow.amount_fen
)
DEBIT = case((VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=0)
CREDIT = case((VoucherLineRow.side == "C", VoucherLineRow.amount_fen), else_=0)
#: the client of the command line, a benchmark or a test: no remote address
LOCAL = ClientInfo()


def read_rows(session: Session, statement: Select[Any]) -> Sequence[Row[Any]]:
    """The rows of a select of plain columns, run on the session's connection rather than
    through the ORM's execution: a large read (a city's stored turnover, its year's vouchers
    counted by month) then costs about half the Python per row. The session's pending changes
    are flushed first, as the ORM's execution would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement).all()


def year_month(year: Any, month: Any) -> Any:
    """A month as one comparable number: 2026-03 is 202603."""
    return year * 100 + month


class SqlBase:
    def __init__(self, session: Session, client: ClientInfo = LOCAL) -> None:
        self.session = session
        self.client = client

    def _insert(self, table: Any) -> Any:
        if self.session.get_bind().dialect.name == "postgresql":
            return pg_insert(table)
        return sqlite_insert(table)

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

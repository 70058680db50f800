"""SQLite refuses a turnover or a snapshot sum that is no longer a 64-bit integer, as
PostgreSQL's BIGINT does

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "a sum of fen beyond 64 bits: the books hold at most 92233720368547758.07 yuan"
# SQLite turns an integer sum that overflows 64 bits into a float (REAL) without a word, and
# stores it in an INTEGER column as it is; PostgreSQL refuses it (bigint out of range). The
# services refuse such a posting first (amount_too_large); these triggers make the database
# refuse it too, whatever writes the row.
_TABLES = ("period_balance", "period_snapshot")
_NAMES = [f"{t}_{when}_integer" for t in _TABLES for when in ("insert", "update")]


def _trigger(table: str, when: str) -> str:
    return f"""CREATE TRIGGER {table}_{when}_integer BEFORE {when.upper()} ON {table}
    WHEN typeof(NEW.debit_fen) <> 'integer' OR typeof(NEW.credit_fen) <> 'integer'
    BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _TABLES:
            for when in ("insert", "update"):
                op.execute(_trigger(table, when))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")

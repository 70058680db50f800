"""turnover by shape: ``shape_turnover`` keeps, per organization and month, the posted amounts of
each pair of lines (a normal voucher of one positive debit and one positive credit) under its two
accounts and funds together, and every other line under its own side alone (0: none); written
with each posting like ``period_balance``, filled here from the posted lines already there

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-09 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the posted vouchers that are pairs, one row each
_PAIRS = """
    SELECT l.voucher_id AS voucher_id
    FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id
    WHERE v.status = 'posted' AND v.kind = 'normal'
    GROUP BY l.voucher_id
    HAVING COUNT(*) = 2 AND MIN(l.amount_fen) > 0
       AND SUM(CASE WHEN l.side = 'D' THEN 1 ELSE 0 END) = 1
"""
_COLUMNS = (
    "org_id, year, month, debit_account_id, debit_fund_id, credit_account_id, credit_fund_id,"
    " amount_fen, entries"
)
_SIDE = "CASE WHEN l.side = '{side}' THEN {value} ELSE 0 END"
_SINGLE_KEY = ", ".join(
    _SIDE.format(side=side, value=value)
    for side in ("D", "C")
    for value in ("l.account_id", "COALESCE(l.fund_id, 0)")
)


def upgrade() -> None:
    op.create_table(
        "shape_turnover",
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("debit_account_id", sa.BigInteger(), nullable=False),
        sa.Column("debit_fund_id", sa.BigInteger(), nullable=False),
        sa.Column("credit_account_id", sa.BigInteger(), nullable=False),
        sa.Column("credit_fund_id", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_shape_turnover_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "org_id",
            "year",
            "month",
            "debit_account_id",
            "debit_fund_id",
            "credit_account_id",
            "credit_fund_id",
            name=op.f("pk_shape_turnover"),
        ),
    )
    op.execute(
        f"""
        INSERT INTO shape_turnover ({_COLUMNS})
        SELECT v.org_id, v.year, v.month, d.account_id, COALESCE(d.fund_id, 0),
               c.account_id, COALESCE(c.fund_id, 0), SUM(d.amount_fen), COUNT(*)
        FROM ({_PAIRS}) p
        JOIN voucher v ON v.id = p.voucher_id
        JOIN voucher_line d ON d.voucher_id = p.voucher_id AND d.side = 'D'
        JOIN voucher_line c ON c.voucher_id = p.voucher_id AND c.side = 'C'
        GROUP BY v.org_id, v.year, v.month, d.account_id, COALESCE(d.fund_id, 0),
                 c.account_id, COALESCE(c.fund_id, 0)
        """
    )
    op.execute(
        f"""
        INSERT INTO shape_turnover ({_COLUMNS})
        SELECT v.org_id, v.year, v.month, {_SINGLE_KEY}, SUM(l.amount_fen), COUNT(*)
        FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id
        WHERE v.status = 'posted' AND l.voucher_id NOT IN ({_PAIRS})
        GROUP BY v.org_id, v.year, v.month, {_SINGLE_KEY}
        """
    )


def downgrade() -> None:
    op.drop_table("shape_turnover")

"""bank statements (``bank_statement``) and their lines (``bank_statement_line``), each line
matched to at most one posted voucher line of the bank account: the 银行存款余额调节表's data

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bank_statement",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("opening_fen", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", _ID, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_bank_statement_month")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_bank_statement_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["app_user.id"],
            name=op.f("fk_bank_statement_imported_by_app_user"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_bank_statement_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
        sa.UniqueConstraint(
            "org_id",
            "account_id",
            "year",
            "month",
            name=op.f("uq_bank_statement_org_id_account_id_year_month"),
        ),
    )
    op.create_table(
        "bank_statement_line",
        sa.Column("id", _ID, nullable=False),
        sa.Column("statement_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("voucher_line_id", _ID, nullable=True),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_bank_statement_line_amount_nonzero")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_bank_statement_line_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statement.id"],
            name=op.f("fk_bank_statement_line_statement_id_bank_statement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_line_id"],
            ["voucher_line.id"],
            name=op.f("fk_bank_statement_line_voucher_line_id_voucher_line"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_line")),
        sa.UniqueConstraint(
            "statement_id", "line_no", name=op.f("uq_bank_statement_line_statement_id_line_no")
        ),
        sa.UniqueConstraint("voucher_line_id", name=op.f("uq_bank_statement_line_voucher_line_id")),
    )
    op.create_index(
        op.f("ix_bank_statement_line_statement_id"),
        "bank_statement_line",
        ["statement_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bank_statement_line_statement_id"), table_name="bank_statement_line")
    op.drop_table("bank_statement_line")
    op.drop_table("bank_statement")

"""bank matches as groups: one statement line paired with several posted lines of the books, or
several statement lines with one (``bank_statement_line.match_id``, ``bank_match_line``); the
one-to-one matches kept become groups of one line each side

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("bank_statement_line") as batch:
        batch.add_column(sa.Column("match_id", _ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_bank_statement_line_match_id_bank_statement_line"),
            "bank_statement_line",
            ["match_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_bank_statement_line_match_id"), ["match_id"], unique=False)
    op.create_table(
        "bank_match_line",
        sa.Column("voucher_line_id", _ID, autoincrement=False, nullable=False),
        sa.Column("match_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["bank_statement_line.id"],
            name=op.f("fk_bank_match_line_match_id_bank_statement_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_bank_match_line_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_line_id"],
            ["voucher_line.id"],
            name=op.f("fk_bank_match_line_voucher_line_id_voucher_line"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("voucher_line_id", name=op.f("pk_bank_match_line")),
    )
    op.create_index(
        op.f("ix_bank_match_line_match_id"), "bank_match_line", ["match_id"], unique=False
    )
    op.execute(
        "INSERT INTO bank_match_line (voucher_line_id, match_id, org_id) "
        "SELECT voucher_line_id, id, org_id FROM bank_statement_line "
        "WHERE voucher_line_id IS NOT NULL"
    )
    op.execute("UPDATE bank_statement_line SET match_id = id WHERE voucher_line_id IS NOT NULL")
    with op.batch_alter_table("bank_statement_line") as batch:
        batch.drop_constraint(
            batch.f("uq_bank_statement_line_voucher_line_id"), type_="unique"
        )
        batch.drop_constraint(
            batch.f("fk_bank_statement_line_voucher_line_id_voucher_line"), type_="foreignkey"
        )
        batch.drop_column("voucher_line_id")


def downgrade() -> None:
    with op.batch_alter_table("bank_statement_line") as batch:
        batch.add_column(sa.Column("voucher_line_id", _ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_bank_statement_line_voucher_line_id_voucher_line"),
            "voucher_line",
            ["voucher_line_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_unique_constraint(
            batch.f("uq_bank_statement_line_voucher_line_id"), ["voucher_line_id"]
        )
    # a group of one line each side becomes the one-to-one match it was; larger groups undone
    op.execute(
        "UPDATE bank_statement_line SET voucher_line_id = ("
        "SELECT m.voucher_line_id FROM bank_match_line m WHERE m.match_id = bank_statement_line.id"
        ") WHERE match_id = id"
        " AND (SELECT count(*) FROM bank_match_line m WHERE m.match_id = bank_statement_line.id) = 1"
        " AND (SELECT count(*) FROM bank_statement_line o"
        " WHERE o.match_id = bank_statement_line.id) = 1"
    )
    op.drop_index(op.f("ix_bank_match_line_match_id"), table_name="bank_match_line")
    op.drop_table("bank_match_line")
    with op.batch_alter_table("bank_statement_line") as batch:
        batch.drop_index(batch.f("ix_bank_statement_line_match_id"))
        batch.drop_constraint(
            batch.f("fk_bank_statement_line_match_id_bank_statement_line"), type_="foreignkey"
        )
        batch.drop_column("match_id")

"""members' balances read from an index: ``ix_voucher_line_account_member`` on voucher_line
(account_id, member_id, side, amount_fen) of the lines naming a member, so the balance per member
on an account (成员往来 on the balance sheet) is summed from the index alone, in member order,
without visiting the lines; the lines naming no member stay out of it, costing posting nothing

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-08 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_voucher_line_account_member",
        "voucher_line",
        ["account_id", "member_id", "side", "amount_fen"],
        unique=False,
        sqlite_where=sa.text("member_id IS NOT NULL"),
        postgresql_where=sa.text("member_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_voucher_line_account_member", table_name="voucher_line")

"""web sessions and user language

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 01:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("locale", sa.String(length=5), nullable=True))
    # the voucher list pages by id (keyset): all, by status, by month
    op.create_index("ix_voucher_org_id", "voucher", ["org_id", "id"], unique=False)
    op.create_index("ix_voucher_org_status_id", "voucher", ["org_id", "status", "id"], unique=False)
    op.create_index(
        "ix_voucher_org_month_id", "voucher", ["org_id", "year", "month", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_voucher_org_month_id", table_name="voucher")
    op.drop_index("ix_voucher_org_status_id", table_name="voucher")
    op.drop_index("ix_voucher_org_id", table_name="voucher")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("locale")

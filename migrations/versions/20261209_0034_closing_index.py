"""the year-end closing vouchers found by a partial index, ``ix_voucher_closing`` on voucher
(org_id, year) of the vouchers of kind closing only: a county's surplus leaves them out of each
organization's year without reading its other vouchers

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-09 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_voucher_closing",
        "voucher",
        ["org_id", "year"],
        unique=False,
        sqlite_where=sa.text("kind = 'closing'"),
        postgresql_where=sa.text("kind = 'closing'"),
    )


def downgrade() -> None:
    op.drop_index("ix_voucher_closing", table_name="voucher")

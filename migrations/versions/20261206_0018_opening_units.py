"""an asset depreciated by units of production migrated from older books keeps the units it used
up there (``asset.opening_units``), so its rate divides what remains by the units that remain

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ADD COLUMN: SQLite does not rebuild the table, so its triggers stay.
def upgrade() -> None:
    op.add_column(
        "asset", sa.Column("opening_units", sa.BigInteger(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("asset") as batch:
        batch.drop_column("opening_units")

"""a year's results carried before its distribution: ``fiscal_year.status`` is ``carried`` when
the year-end close has posted the closing vouchers and closed January to November, December
staying open for the year's distribution dated 31 December; ``closed`` when the year is closed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# fiscal_year has no triggers, so SQLite's rebuild of it (for the check constraint) drops none.
def upgrade() -> None:
    with op.batch_alter_table("fiscal_year") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=10), server_default="closed", nullable=False)
        )
        batch.create_check_constraint("status", "status IN ('carried', 'closed')")


def downgrade() -> None:
    # a year carried but not closed has no place in the older schema: it goes as closed
    with op.batch_alter_table("fiscal_year") as batch:
        batch.drop_constraint("status", type_="check")
        batch.drop_column("status")

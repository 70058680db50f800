"""an asset's kind (``asset.kind``): a fixed asset, a productive or public-welfare biological
asset, an intangible asset or a long-term deferred expense — the accounts it is registered,
depreciated or amortized and disposed of in. Every asset already on the register is a fixed asset.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ADD COLUMN: SQLite does not rebuild the table, so its triggers stay.
def upgrade() -> None:
    op.add_column(
        "asset", sa.Column("kind", sa.String(length=30), server_default="fixed", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("asset") as batch:
        batch.drop_column("kind")

"""a 监测户's kind (脱贫不稳定户, 边缘易致贫户, 突发严重困难户) on the member and in its status
history: ``member.monitor_kind`` and ``member_status.monitor_kind``

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD COLUMNs: SQLite does not rebuild the tables, so their triggers stay.
def upgrade() -> None:
    op.add_column("member", sa.Column("monitor_kind", sa.String(length=20), nullable=True))
    op.add_column("member_status", sa.Column("monitor_kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member_status") as batch:
        batch.drop_column("monitor_kind")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("monitor_kind")

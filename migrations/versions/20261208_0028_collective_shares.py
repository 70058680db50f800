"""集体股: the part of a quantification a village collective keeps for itself
(``share_event.collective_fen``), beside the 成员股 its allocations give the member households

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("share_event") as batch:
        batch.add_column(sa.Column("collective_fen", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("share_event") as batch:
        batch.drop_column("collective_fen")

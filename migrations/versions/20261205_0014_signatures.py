"""names a voucher print signs with: a user's full name (preparer, reviewer, poster print it
instead of the username) and an organization's chief accountant (会计主管)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD COLUMN (no batch copy of the table on SQLite): the columns are nullable, so both
# backends add them in place and no trigger on the tables is dropped and recreated.
def upgrade() -> None:
    op.add_column("app_user", sa.Column("full_name", sa.String(length=100), nullable=True))
    op.add_column(
        "organization", sa.Column("chief_accountant", sa.String(length=100), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("organization", "chief_accountant")
    op.drop_column("app_user", "full_name")

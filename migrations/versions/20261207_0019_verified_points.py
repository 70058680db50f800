"""how far each organization's books were last verified (``verified_point``), signed, so that a
verification resumes there instead of recomputing every voucher's hash again

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "verified_point",
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("voucher_seq", sa.BigInteger(), nullable=False),
        sa.Column("voucher_hash", sa.String(length=64), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("turnover", sa.Text(), nullable=False),
        sa.Column("snapshots", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_verified_point_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_verified_point")),
    )


def downgrade() -> None:
    op.drop_table("verified_point")

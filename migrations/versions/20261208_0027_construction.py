"""construction in progress (在建工程): ``construction_project`` (number, name, the fund that
finances it, the class of the asset it becomes, start, completion and the asset card it made)
and ``construction_spending`` (money spent on a project, with the voucher that books it)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(
    table: str, column: str, target: str, ondelete: str = "RESTRICT"
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "construction_project",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("project_no", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("fund_id", _ID, nullable=True),
        sa.Column("asset_class", sa.String(length=20), nullable=False),
        sa.Column("poverty_project", sa.Boolean(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("asset_id", _ID, nullable=True),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("construction_project", "org_id", "organization"),
        _fk("construction_project", "fund_id", "fund"),
        _fk("construction_project", "asset_id", "asset"),
        _fk("construction_project", "created_by", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_construction_project")),
        sa.UniqueConstraint("asset_id", name=op.f("uq_construction_project_asset_id")),
        sa.UniqueConstraint(
            "org_id", "project_no", name=op.f("uq_construction_project_org_id_project_no")
        ),
    )
    op.create_index(op.f("ix_construction_project_fund_id"), "construction_project", ["fund_id"])
    op.create_table(
        "construction_spending",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_construction_spending_amount_positive")),
        _fk("construction_spending", "org_id", "organization"),
        _fk("construction_spending", "project_id", "construction_project"),
        _fk("construction_spending", "voucher_id", "voucher", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_construction_spending")),
    )
    op.create_index(
        op.f("ix_construction_spending_project_id"), "construction_spending", ["project_id"]
    )
    op.create_index(
        op.f("ix_construction_spending_voucher_id"), "construction_spending", ["voucher_id"]
    )


def downgrade() -> None:
    op.drop_table("construction_spending")
    op.drop_table("construction_project")

"""e-commerce platform settlements (``shop_settlement``: one imported file, its SHA-256 unique per
organization), their months (``shop_settlement_month``: the platform's closing balance and the
month's voucher, deleted with its draft) and their lines (``shop_settlement_line``: each with a digest unique per
organization, so a line imported again is refused)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "shop_settlement",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", _ID, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_shop_settlement_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["app_user.id"],
            name=op.f("fk_shop_settlement_imported_by_app_user"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_shop_settlement_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_settlement")),
        sa.UniqueConstraint("org_id", "sha256", name=op.f("uq_shop_settlement_org_id_sha256")),
    )
    op.create_table(
        "shop_settlement_month",
        sa.Column("id", _ID, nullable=False),
        sa.Column("settlement_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("closing_fen", sa.BigInteger(), nullable=True),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_shop_settlement_month_month")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_shop_settlement_month_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["shop_settlement.id"],
            name=op.f("fk_shop_settlement_month_settlement_id_shop_settlement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
            name=op.f("fk_shop_settlement_month_voucher_id_voucher"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_settlement_month")),
        sa.UniqueConstraint(
            "settlement_id",
            "year",
            "month",
            name=op.f("uq_shop_settlement_month_settlement_id_year_month"),
        ),
    )
    op.create_table(
        "shop_settlement_line",
        sa.Column("id", _ID, nullable=False),
        sa.Column("month_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("order_no", sa.String(length=64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('order', 'fee', 'refund', 'payout')",
            name=op.f("ck_shop_settlement_line_kind"),
        ),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_shop_settlement_line_amount_nonzero")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_shop_settlement_line_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["month_id"],
            ["shop_settlement_month.id"],
            name=op.f("fk_shop_settlement_line_month_id_shop_settlement_month"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_settlement_line")),
        sa.UniqueConstraint("org_id", "digest", name=op.f("uq_shop_settlement_line_org_id_digest")),
    )
    op.create_index(
        op.f("ix_shop_settlement_month_voucher_id"),
        "shop_settlement_month",
        ["voucher_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_shop_settlement_line_month_id"),
        "shop_settlement_line",
        ["month_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_shop_settlement_line_month_id"), table_name="shop_settlement_line")
    op.drop_index(op.f("ix_shop_settlement_month_voucher_id"), table_name="shop_settlement_month")
    op.drop_table("shop_settlement_line")
    op.drop_table("shop_settlement_month")
    op.drop_table("shop_settlement")

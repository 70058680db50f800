"""donations in kind (受赠物资): ``donation`` (donor, date, valuation basis, evidence, voucher),
its ``donation_item`` rows (quantity in thousandths, value in fen) and ``donation_handout``
(an item's part handed to a household, with its value, who took it, signed, and voucher)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "donation",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("donor", sa.String(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "basis IN ('donor_invoice', 'market_price', 'nominal')", name=op.f("ck_donation_basis")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
            name=op.f("fk_donation_created_by_app_user"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_donation_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
            name=op.f("fk_donation_voucher_id_voucher"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation")),
    )
    op.create_index("ix_donation_org_date", "donation", ["org_id", "received_on"])
    op.create_index(op.f("ix_donation_voucher_id"), "donation", ["voucher_id"])
    op.create_table(
        "donation_item",
        sa.Column("id", _ID, nullable=False),
        sa.Column("donation_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity_milli > 0", name=op.f("ck_donation_item_quantity_positive")),
        sa.CheckConstraint("value_fen > 0", name=op.f("ck_donation_item_value_positive")),
        sa.ForeignKeyConstraint(
            ["donation_id"],
            ["donation.id"],
            name=op.f("fk_donation_item_donation_id_donation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation_item")),
    )
    op.create_index(op.f("ix_donation_item_donation_id"), "donation_item", ["donation_id"])
    op.create_table(
        "donation_handout",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("item_id", _ID, nullable=False),
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.CheckConstraint(
            "quantity_milli > 0", name=op.f("ck_donation_handout_quantity_positive")
        ),
        sa.CheckConstraint("value_fen >= 0", name=op.f("ck_donation_handout_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["donation_item.id"],
            name=op.f("fk_donation_handout_item_id_donation_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_donation_handout_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_donation_handout_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
            name=op.f("fk_donation_handout_voucher_id_voucher"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation_handout")),
    )
    op.create_index(op.f("ix_donation_handout_item_id"), "donation_handout", ["item_id"])
    op.create_index(op.f("ix_donation_handout_member_id"), "donation_handout", ["member_id"])
    op.create_index(op.f("ix_donation_handout_voucher_id"), "donation_handout", ["voucher_id"])


def downgrade() -> None:
    op.drop_table("donation_handout")
    op.drop_table("donation_item")
    op.drop_table("donation")

"""subsidy claims (补贴申报): ``subsidy_claim`` (policy, terms, year and days, status, total), its
``subsidy_claim_line`` rows (household or organization, base, amount, evidence vouchers),
``subsidy_receipt`` (the money received and its voucher) and ``subsidy_payment`` (a line's part
paid to its household and its voucher)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str, ondelete: str = "RESTRICT") -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "subsidy_claim",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("policy_code", sa.String(length=60), nullable=False),
        sa.Column("policy_name", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("terms", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted')", name=op.f("ck_subsidy_claim_status")
        ),
        sa.CheckConstraint(
            "recipient IN ('household', 'organization')", name=op.f("ck_subsidy_claim_recipient")
        ),
        sa.CheckConstraint("total_fen > 0", name=op.f("ck_subsidy_claim_total_positive")),
        _fk("subsidy_claim", "created_by", "app_user.id"),
        _fk("subsidy_claim", "org_id", "organization.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim")),
    )
    op.create_index("ix_subsidy_claim_org", "subsidy_claim", ["org_id", "year"])
    op.create_table(
        "subsidy_claim_line",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("member_id", _ID, nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("base_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_subsidy_claim_line_amount_positive")),
        _fk("subsidy_claim_line", "claim_id", "subsidy_claim.id"),
        _fk("subsidy_claim_line", "member_id", "member.id"),
        _fk("subsidy_claim_line", "org_id", "organization.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim_line")),
        sa.UniqueConstraint(
            "claim_id", "line_no", name=op.f("uq_subsidy_claim_line_claim_id_line_no")
        ),
    )
    op.create_index(op.f("ix_subsidy_claim_line_claim_id"), "subsidy_claim_line", ["claim_id"])
    op.create_table(
        "subsidy_receipt",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_subsidy_receipt_amount_positive")),
        _fk("subsidy_receipt", "claim_id", "subsidy_claim.id"),
        _fk("subsidy_receipt", "created_by", "app_user.id"),
        _fk("subsidy_receipt", "org_id", "organization.id"),
        _fk("subsidy_receipt", "voucher_id", "voucher.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_receipt")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_subsidy_receipt_claim_id")),
    )
    op.create_index(op.f("ix_subsidy_receipt_voucher_id"), "subsidy_receipt", ["voucher_id"])
    op.create_table(
        "subsidy_payment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("line_id", _ID, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_subsidy_payment_amount_positive")),
        _fk("subsidy_payment", "line_id", "subsidy_claim_line.id"),
        _fk("subsidy_payment", "org_id", "organization.id"),
        _fk("subsidy_payment", "voucher_id", "voucher.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_payment")),
    )
    op.create_index(op.f("ix_subsidy_payment_line_id"), "subsidy_payment", ["line_id"])
    op.create_index(op.f("ix_subsidy_payment_voucher_id"), "subsidy_payment", ["voucher_id"])


def downgrade() -> None:
    op.drop_table("subsidy_payment")
    op.drop_table("subsidy_receipt")
    op.drop_table("subsidy_claim_line")
    op.drop_table("subsidy_claim")

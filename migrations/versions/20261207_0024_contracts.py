"""contracts and resources: ``resource`` (资源台账: kind, name, location, area in thousandths of its
unit), ``contract`` (承包合同: party, member or outside, resource or described, area, term), its
``contract_instalment`` rows (due day, amount, the voucher that charged it) and
``contract_payment`` (a fee received, with its voucher); ``village_project`` (the 一事一议
备查簿); and ``organization.cash_limit_fen`` (the most cash on hand at the end of a day)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("cash_limit_fen", sa.BigInteger(), nullable=True))
    op.create_table(
        "resource",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("area_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("area_milli > 0", name=op.f("ck_resource_area_positive")),
        sa.CheckConstraint(
            "kind IN ('land', 'pond', 'forest', 'orchard', 'building', 'other')",
            name=op.f("ck_resource_kind"),
        ),
        _fk("resource", "created_by", "app_user", "RESTRICT"),
        _fk("resource", "org_id", "organization", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    op.create_index("ix_resource_org", "resource", ["org_id"])
    op.create_table(
        "contract",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("member_id", _ID, nullable=True),
        sa.Column("resource_id", _ID, nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("area_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("area_milli > 0", name=op.f("ck_contract_area_positive")),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_contract_term")),
        _fk("contract", "created_by", "app_user", "RESTRICT"),
        _fk("contract", "member_id", "member", "RESTRICT"),
        _fk("contract", "org_id", "organization", "RESTRICT"),
        _fk("contract", "resource_id", "resource", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("org_id", "contract_no", name=op.f("uq_contract_org_id_contract_no")),
    )
    op.create_index(op.f("ix_contract_member_id"), "contract", ["member_id"])
    op.create_index(op.f("ix_contract_resource_id"), "contract", ["resource_id"])
    op.create_table(
        "contract_instalment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("contract_id", _ID, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=True),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_contract_instalment_amount_positive")),
        _fk("contract_instalment", "contract_id", "contract", "CASCADE"),
        _fk("contract_instalment", "voucher_id", "voucher", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_instalment")),
        sa.UniqueConstraint(
            "contract_id", "due_on", name=op.f("uq_contract_instalment_contract_id_due_on")
        ),
    )
    op.create_index(
        op.f("ix_contract_instalment_voucher_id"), "contract_instalment", ["voucher_id"]
    )
    op.create_table(
        "contract_payment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("contract_id", _ID, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("voucher_id", _ID, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_contract_payment_amount_positive")),
        _fk("contract_payment", "contract_id", "contract", "RESTRICT"),
        _fk("contract_payment", "org_id", "organization", "RESTRICT"),
        _fk("contract_payment", "voucher_id", "voucher", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_payment")),
    )
    op.create_index(op.f("ix_contract_payment_contract_id"), "contract_payment", ["contract_id"])
    op.create_index(op.f("ix_contract_payment_voucher_id"), "contract_payment", ["voucher_id"])
    op.create_table(
        "village_project",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("raised_fen", sa.BigInteger(), nullable=False),
        sa.Column("labour_milli", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("spent_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("vouchers", sa.String(length=400), nullable=False),
        sa.Column("updated_by", _ID, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done')", name=op.f("ck_village_project_status")
        ),
        sa.CheckConstraint(
            "raised_fen >= 0 AND labour_milli >= 0 AND subsidy_fen >= 0 AND spent_fen >= 0",
            name=op.f("ck_village_project_not_negative"),
        ),
        _fk("village_project", "org_id", "organization", "RESTRICT"),
        _fk("village_project", "updated_by", "app_user", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_project")),
    )
    op.create_index("ix_village_project_org_meeting", "village_project", ["org_id", "meeting_on"])


def downgrade() -> None:
    op.drop_table("village_project")
    op.drop_table("contract_payment")
    op.drop_table("contract_instalment")
    op.drop_table("contract")
    op.drop_table("resource")
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("cash_limit_fen")

"""village dividends: members that are organizations, and villages' receipts of dividends

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 23:59:29.188054
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('member_link',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('linked_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['linked_org_id'], ['organization.id'], name=op.f('fk_member_link_linked_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_link_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_link'))
    )
    with op.batch_alter_table('member_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_link_linked_org_id'), ['linked_org_id'], unique=False)

    op.create_table('dividend_receipt',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_dividend_receipt_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['distribution_plan.id'], name=op.f('fk_dividend_receipt_plan_id_distribution_plan'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_dividend_receipt_voucher_id_voucher'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dividend_receipt')),
    sa.UniqueConstraint('org_id', 'plan_id', name=op.f('uq_dividend_receipt_org_id_plan_id'))
    )
    with op.batch_alter_table('dividend_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dividend_receipt_voucher_id'), ['voucher_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('dividend_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dividend_receipt_voucher_id'))

    op.drop_table('dividend_receipt')
    with op.batch_alter_table('member_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_link_linked_org_id'))

    op.drop_table('member_link')

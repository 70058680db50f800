"""distribution

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:41:59.817132
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('distribution_plan',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('s_fen', sa.BigInteger(), nullable=False),
    sa.Column('l_fen', sa.BigInteger(), nullable=False),
    sa.Column('r_fen', sa.BigInteger(), nullable=False),
    sa.Column('others_fen', sa.BigInteger(), nullable=False),
    sa.Column('d_fen', sa.BigInteger(), nullable=False),
    sa.Column('p_fen', sa.BigInteger(), nullable=False),
    sa.Column('q_fen', sa.BigInteger(), nullable=False),
    sa.Column('t_fen', sa.BigInteger(), nullable=False),
    sa.Column('prepared_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution', sa.String(length=200), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('vouchers', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'approved', 'posted')", name=op.f('ck_distribution_plan_status')),
    sa.ForeignKeyConstraint(['approved_by'], ['app_user.id'], name=op.f('fk_distribution_plan_approved_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_distribution_plan_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['prepared_by'], ['app_user.id'], name=op.f('fk_distribution_plan_prepared_by_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_plan'))
    )
    with op.batch_alter_table('distribution_plan', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_plan_org_year', ['org_id', 'year'], unique=False)

    op.create_table('distribution_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('transaction_fen', sa.BigInteger(), nullable=False),
    sa.Column('account_share_fen', sa.BigInteger(), nullable=False),
    sa.Column('fiscal_share_fen', sa.BigInteger(), nullable=False),
    sa.Column('poverty_status', sa.String(length=20), nullable=False),
    sa.Column('patronage_fen', sa.BigInteger(), nullable=False),
    sa.Column('residual_fen', sa.BigInteger(), nullable=False),
    sa.Column('topup_fen', sa.BigInteger(), nullable=False),
    sa.Column('minimum_fen', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_distribution_line_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['distribution_plan.id'], name=op.f('fk_distribution_line_plan_id_distribution_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_line')),
    sa.UniqueConstraint('plan_id', 'member_id', name=op.f('uq_distribution_line_plan_id_member_id'))
    )
    op.create_table('distribution_payment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('patronage_fen', sa.BigInteger(), nullable=False),
    sa.Column('residual_fen', sa.BigInteger(), nullable=False),
    sa.Column('offset_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_distribution_payment_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['distribution_plan.id'], name=op.f('fk_distribution_payment_plan_id_distribution_plan'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_distribution_payment_voucher_id_voucher'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_payment'))
    )
    with op.batch_alter_table('distribution_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_payment_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_payment_voucher_id'), ['voucher_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('distribution_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_payment_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_payment_plan_id'))

    op.drop_table('distribution_payment')
    op.drop_table('distribution_line')
    with op.batch_alter_table('distribution_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_plan_org_year')

    op.drop_table('distribution_plan')

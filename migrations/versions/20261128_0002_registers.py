"""registers: assets, depreciation, shares, member transactions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 23:32:42.466840
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('member_transaction',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('quantity_milli', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_member_transaction_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_member_transaction_created_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_transaction_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_member_transaction_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_transaction'))
    )
    with op.batch_alter_table('member_transaction', schema=None) as batch_op:
        batch_op.create_index('ix_member_transaction_org_member_date', ['org_id', 'member_id', 'occurred_on'], unique=False)

    op.create_table('asset',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('asset_no', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('asset_class', sa.String(length=20), nullable=False),
    sa.Column('poverty_project', sa.Boolean(), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.Column('acquired_on', sa.Date(), nullable=False),
    sa.Column('cost_fen', sa.BigInteger(), nullable=False),
    sa.Column('salvage_fen', sa.BigInteger(), nullable=False),
    sa.Column('useful_life_months', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('total_units', sa.BigInteger(), nullable=True),
    sa.Column('opening_accumulated_fen', sa.BigInteger(), nullable=False),
    sa.Column('opening_months', sa.Integer(), nullable=False),
    sa.Column('nominal', sa.Boolean(), nullable=False),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('acquisition_voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost_fen > 0', name=op.f('ck_asset_cost_positive')),
    sa.CheckConstraint('salvage_fen >= 0 AND salvage_fen <= cost_fen', name=op.f('ck_asset_salvage')),
    sa.CheckConstraint('useful_life_months > 0', name=op.f('ck_asset_life_positive')),
    sa.ForeignKeyConstraint(['acquisition_voucher_id'], ['voucher.id'], name=op.f('fk_asset_acquisition_voucher_id_voucher'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_asset_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset')),
    sa.UniqueConstraint('org_id', 'asset_no', name=op.f('uq_asset_org_id_asset_no'))
    )
    op.create_table('share_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=400), nullable=False),
    sa.Column('fund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('basis', sa.String(length=20), nullable=True),
    sa.Column('statuses', sa.String(length=200), nullable=False),
    sa.Column('share_class', sa.String(length=40), nullable=True),
    sa.Column('from_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('to_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_share_event_created_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_member_id'], ['member.id'], name=op.f('fk_share_event_from_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_share_event_fund_id_fund'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_share_event_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_member_id'], ['member.id'], name=op.f('fk_share_event_to_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_share_event_voucher_id_voucher'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_event'))
    )
    with op.batch_alter_table('share_event', schema=None) as batch_op:
        batch_op.create_index('ix_share_event_org_date', ['org_id', 'occurred_on'], unique=False)

    op.create_table('asset_funding',
    sa.Column('asset_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_asset_funding_amount_positive')),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_funding_asset_id_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_asset_funding_fund_id_fund'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('asset_id', 'fund_id', name=op.f('pk_asset_funding'))
    )
    with op.batch_alter_table('asset_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_funding_fund_id'), ['fund_id'], unique=False)

    op.create_table('asset_usage',
    sa.Column('asset_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_usage_asset_id_asset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('asset_id', 'year', 'month', name=op.f('pk_asset_usage'))
    )
    op.create_table('depreciation_charge',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('asset_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_depreciation_charge_amount_positive')),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_depreciation_charge_asset_id_asset'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_depreciation_charge_voucher_id_voucher'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depreciation_charge')),
    sa.UniqueConstraint('asset_id', 'year', 'month', name=op.f('uq_depreciation_charge_asset_id_year_month'))
    )
    with op.batch_alter_table('depreciation_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_depreciation_charge_voucher_id'), ['voucher_id'], unique=False)

    op.create_table('share_allocation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('share_class', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_share_allocation_amount_nonzero')),
    sa.ForeignKeyConstraint(['event_id'], ['share_event.id'], name=op.f('fk_share_allocation_event_id_share_event'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_share_allocation_member_id_member'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_allocation'))
    )
    with op.batch_alter_table('share_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_allocation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_allocation_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('share_allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_allocation_member_id'))
        batch_op.drop_index(batch_op.f('ix_share_allocation_event_id'))

    op.drop_table('share_allocation')
    with op.batch_alter_table('depreciation_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_depreciation_charge_voucher_id'))

    op.drop_table('depreciation_charge')
    op.drop_table('asset_usage')
    with op.batch_alter_table('asset_funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_funding_fund_id'))

    op.drop_table('asset_funding')
    with op.batch_alter_table('share_event', schema=None) as batch_op:
        batch_op.drop_index('ix_share_event_org_date')

    op.drop_table('share_event')
    op.drop_table('asset')
    with op.batch_alter_table('member_transaction', schema=None) as batch_op:
        batch_op.drop_index('ix_member_transaction_org_member_date')

    op.drop_table('member_transaction')

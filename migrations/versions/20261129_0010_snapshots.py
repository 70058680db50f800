"""period balance snapshots

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 01:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('period_snapshot',
    sa.Column('org_id', _ID, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('account_id', _ID, nullable=False),
    sa.Column('debit_fen', sa.BigInteger(), nullable=False),
    sa.Column('credit_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_period_snapshot_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_period_snapshot_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('org_id', 'year', 'month', 'account_id', name=op.f('pk_period_snapshot'))
    )
    op.create_table('member_snapshot',
    sa.Column('org_id', _ID, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('account_id', _ID, nullable=False),
    sa.Column('member_id', _ID, nullable=False),
    sa.Column('net_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_member_snapshot_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_snapshot_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_member_snapshot_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('org_id', 'year', 'month', 'account_id', 'member_id', name=op.f('pk_member_snapshot'))
    )


def downgrade() -> None:
    op.drop_table('member_snapshot')
    op.drop_table('period_snapshot')

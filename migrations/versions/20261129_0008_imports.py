"""import batches: files imported and the keys of their rows

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 01:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('import_batch',
    sa.Column('id', _ID, nullable=False),
    sa.Column('org_id', _ID, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('created_by', _ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_import_batch_created_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_import_batch_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('import_key',
    sa.Column('id', _ID, nullable=False),
    sa.Column('org_id', _ID, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('row_key', sa.String(length=120), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('batch_id', _ID, nullable=False),
    sa.Column('object_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_key_batch_id_import_batch'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_import_key_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_key')),
    sa.UniqueConstraint('org_id', 'kind', 'row_key', name=op.f('uq_import_key_org_id_kind_row_key'))
    )
    with op.batch_alter_table('import_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_key_batch_id'), ['batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_key_batch_id'))
    op.drop_table('import_key')
    op.drop_table('import_batch')

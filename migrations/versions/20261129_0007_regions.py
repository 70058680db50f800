"""region tree and disclosure

The region tree (city / county / town / village) and the regions users are scoped to. The nodes
of the organizations' existing ``region`` paths (``济南市/商河县/白桥镇``) are derived here, so an
organization already sits in the tree; its ``region`` text stays the path of its node.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 01:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_LEVELS = ("city", "county", "town", "village")


def upgrade() -> None:
    op.create_table('region',
    sa.Column('id', _ID, nullable=False),
    sa.Column('parent_id', _ID, nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.CheckConstraint("level IN ('city', 'county', 'town', 'village')", name=op.f('ck_region_level')),
    sa.ForeignKeyConstraint(['parent_id'], ['region.id'], name=op.f('fk_region_parent_id_region'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('path', name=op.f('uq_region_path'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_parent_id'), ['parent_id'], unique=False)
    op.create_table('user_region',
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('region_id', _ID, nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_user_region_region_id_region'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_region_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_id', name=op.f('pk_user_region'))
    )
    op.create_table('org_notice',
    sa.Column('id', _ID, nullable=False),
    sa.Column('org_id', _ID, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('recorded_by', _ID, nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('disclosure', 'assembly')", name=op.f('ck_org_notice_kind')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_org_notice_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_org_notice_recorded_by_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_notice')),
    sa.UniqueConstraint('org_id', 'kind', 'subject', name=op.f('uq_org_notice_org_id_kind_subject'))
    )
    with op.batch_alter_table('voucher_line', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_line_fund', ['fund_id', 'voucher_id'], unique=False)
    _derive_nodes()


def _derive_nodes() -> None:
    """A node for every prefix of every organization's region path (at most four levels)."""
    conn = op.get_bind()
    region = sa.table(
        'region',
        sa.column('id', _ID),
        sa.column('parent_id', _ID),
        sa.column('path', sa.String),
        sa.column('name', sa.String),
        sa.column('level', sa.String),
    )
    texts = conn.execute(sa.text("SELECT DISTINCT region FROM organization")).scalars().all()
    ids: dict[str, int] = {}
    for text in sorted(t for t in texts if t):
        parts = [p.strip() for p in text.split("/") if p.strip()]
        if not parts or len(parts) > len(_LEVELS):
            continue
        parent = None
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            if path not in ids:
                conn.execute(
                    region.insert().values(
                        parent_id=parent,
                        path=path,
                        name=parts[depth - 1][:100],
                        level=_LEVELS[depth - 1],
                    )
                )
                ids[path] = conn.execute(
                    sa.select(region.c.id).where(region.c.path == path)
                ).scalar_one()
            parent = ids[path]


def downgrade() -> None:
    with op.batch_alter_table('voucher_line', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_line_fund')
    op.drop_table('org_notice')
    op.drop_table('user_region')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_id'))
    op.drop_table('region')

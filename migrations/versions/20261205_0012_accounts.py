"""revocable accounts: usernames unique in any case, disabled users, token ids and last use,
server-side web sessions, idempotency keys per user, refused requests tallied per minute

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 09:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    clashes = op.get_bind().execute(
        sa.text(
            'SELECT lower(username) FROM app_user GROUP BY lower(username) HAVING count(*) > 1'
        )
    ).scalars().all()
    if clashes:
        raise RuntimeError(
            'usernames must differ in more than letter case; rename all but one of: '
            + ', '.join(sorted(clashes))
        )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column('active', sa.Boolean(), server_default='1', nullable=False)
        )
    op.execute('UPDATE app_user SET username_key = lower(username)')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=80), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_app_user_username_key'), ['username_key'])

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_api_token_user_id', ['user_id'], unique=False)

    op.create_table('web_session',
    sa.Column('id', BigId, nullable=False),
    sa.Column('sid_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', BigId, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_web_session_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('sid_sha256', name=op.f('uq_web_session_sid_sha256'))
    )
    op.create_index('ix_web_session_user_id', 'web_session', ['user_id'], unique=False)

    op.create_table('denial_tally',
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('minute', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('subject', 'minute', name=op.f('pk_denial_tally'))
    )

    # a stored key belongs to the user who prepared its voucher; a key whose request never
    # finished (no voucher) is forgotten, as a retry would find nothing to replay anyway
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', BigId, nullable=True))
    op.execute(
        'UPDATE idempotency_key SET user_id = '
        '(SELECT prepared_by FROM voucher WHERE voucher.id = idempotency_key.voucher_id)'
    )
    op.execute('DELETE FROM idempotency_key WHERE user_id IS NULL')
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=BigId, nullable=False)
        batch_op.drop_constraint('uq_idempotency_key_org_id_key', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_idempotency_key_org_id_user_id_key'), ['org_id', 'user_id', 'key']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_idempotency_key_user_id_app_user'),
            'app_user',
            ['user_id'],
            ['id'],
            ondelete='RESTRICT',
        )


def downgrade() -> None:
    # two users' copies of one key cannot both survive the narrower constraint: keep the first
    op.execute(
        'DELETE FROM idempotency_key WHERE id NOT IN '
        '(SELECT min(id) FROM idempotency_key GROUP BY org_id, key)'
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idempotency_key_user_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_idempotency_key_org_id_user_id_key'), type_='unique')
        batch_op.create_unique_constraint('uq_idempotency_key_org_id_key', ['org_id', 'key'])
        batch_op.drop_column('user_id')
    op.drop_table('denial_tally')
    op.drop_index('ix_web_session_user_id', table_name='web_session')
    op.drop_table('web_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index('ix_api_token_user_id')
        batch_op.drop_column('last_used_at')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_app_user_username_key'), type_='unique')
        batch_op.drop_column('active')
        batch_op.drop_column('username_key')

"""audit log: the append-only, hash-chained audit log; login attempts for the rate limit

``audit_event`` (the first migration's unchained log) is carried over into ``audit_log``, chained,
and dropped. Triggers refuse any UPDATE, DELETE (and on PostgreSQL TRUNCATE) of ``audit_log``,
as the first migration does for posted vouchers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:10:00
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timezone

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_GENESIS = "0" * 64
_MESSAGE = "the audit log is append-only"


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', _ID, nullable=False),
    sa.Column('chain_key', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('org_id', _ID, nullable=True),
    sa.Column('actor_id', _ID, nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_key', sa.String(length=120), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_audit_log_actor_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_audit_log_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('chain_key', 'seq', name=op.f('uq_audit_log_chain_key_seq'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_org_at', ['org_id', 'at'], unique=False)
    op.create_table('audit_chain',
    sa.Column('chain_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain_key', name=op.f('pk_audit_chain'))
    )
    op.create_table('login_attempt',
    sa.Column('id', _ID, nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_subject_at', ['subject', 'at'], unique=False)
    _carry_over()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_org_id'))
    op.drop_table('audit_event')
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    op.create_table('audit_event',
    sa.Column('id', _ID, nullable=False),
    sa.Column('org_id', _ID, nullable=True),
    sa.Column('actor_id', _ID, nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_key', sa.String(length=80), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_audit_event_actor_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_audit_event_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_org_id'), ['org_id'], unique=False)
    op.execute(
        "INSERT INTO audit_event (org_id, actor_id, action, object_type, object_key, detail, at) "
        "SELECT org_id, actor_id, action, object_type, substr(object_key, 1, 80), detail, at "
        "FROM audit_log ORDER BY id"
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_subject_at')
    op.drop_table('login_attempt')
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_org_at')
    op.drop_table('audit_log')


def _carry_over() -> None:
    """Chain the old events into the new log (the same hash as ``domain.audit_chain``)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT org_id, actor_id, action, object_type, object_key, detail, at FROM audit_event ORDER BY id"
    )).all()
    heads: dict[int, tuple[int, str]] = {}
    names = dict(bind.execute(sa.text("SELECT id, username FROM app_user")).all())
    for org_id, actor_id, action, object_type, object_key, detail, at in rows:
        key = org_id or 0
        seq, prev = heads.get(key, (0, _GENESIS))
        seq += 1
        at_text = at if isinstance(at, str) else at.astimezone(timezone.utc).isoformat()
        fields = {
            "chain_key": key, "seq": seq, "org_id": org_id, "actor_id": actor_id,
            "actor_name": names.get(actor_id, "") if actor_id else "", "remote_addr": "",
            "action": action, "object_type": object_type, "object_key": object_key,
            "detail": detail, "at": at_text[:19].replace(" ", "T"),
        }
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256((prev + payload).encode("utf-8")).hexdigest()
        bind.execute(sa.text(
            "INSERT INTO audit_log (chain_key, seq, org_id, actor_id, actor_name, remote_addr, action,"
            " object_type, object_key, detail, at, prev_hash, hash) VALUES (:chain_key, :seq,"
            " :org_id, :actor_id, :actor_name, :remote_addr, :action, :object_type, :object_key,"
            " :detail, :at, :prev, :hash)"
        ), {**fields, "at": at, "prev": prev, "hash": digest})
        heads[key] = (seq, digest)
    for key, (seq, head) in heads.items():
        bind.execute(sa.text("INSERT INTO audit_chain (chain_key, seq, head) VALUES (:k, :s, :h)"),
                     {"k": key, "s": seq, "h": head})


_SQLITE_GUARDS = [
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
]
_SQLITE_NAMES = ["audit_log_no_update", "audit_log_no_delete"]
_PG_GUARDS = [
    f"""CREATE FUNCTION coopledger_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_audit_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_audit_append_only()""",
]


def _create_guards() -> None:
    for statement in _SQLITE_GUARDS if op.get_bind().dialect.name == "sqlite" else _PG_GUARDS:
        op.execute(statement)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS coopledger_audit_append_only()")

"""issued disclosure notices (content and SHA-256 as published, unchangeable); SQLite guards
against moving a line into a posted voucher and against INSERT OR REPLACE over posted rows and
audit events

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

_POSTED = "posted vouchers and their lines are permanent"
_LOG = "the audit log is append-only"
_ISSUED = "a published disclosure notice is never changed"

# SQLite's REPLACE conflict resolution deletes the row in the way without firing its delete
# triggers (unless recursive_triggers is on), so an INSERT OR REPLACE or an UPDATE OR REPLACE that
# collides with a posted voucher, a posted line, an audit event or an issued notice on any of
# its unique keys is refused before it gets that far. A line's update is checked against the
# voucher it moves to as well as the one it leaves. PostgreSQL has no REPLACE (ON CONFLICT DO
# UPDATE fires the update guards) and its line guard already checks the rows before and after.
_SQLITE_GUARDS = [
    f"""CREATE TRIGGER voucher_line_posted_move BEFORE UPDATE ON voucher_line
    WHEN (SELECT status FROM voucher WHERE id = NEW.voucher_id) = 'posted'
        OR (NEW.id <> OLD.id AND EXISTS (SELECT 1 FROM voucher_line l
            JOIN voucher v ON v.id = l.voucher_id WHERE l.id = NEW.id AND v.status = 'posted'))
    BEGIN SELECT RAISE(ABORT, '{_POSTED}'); END""",
    f"""CREATE TRIGGER voucher_line_no_replace BEFORE INSERT ON voucher_line
    WHEN EXISTS (SELECT 1 FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id
        WHERE l.id = NEW.id AND v.status = 'posted')
    BEGIN SELECT RAISE(ABORT, '{_POSTED}'); END""",
    f"""CREATE TRIGGER voucher_no_replace BEFORE INSERT ON voucher
    WHEN EXISTS (SELECT 1 FROM voucher v WHERE v.status = 'posted' AND (v.id = NEW.id
        OR (v.org_id = NEW.org_id AND v.year = NEW.year AND v.month = NEW.month
            AND v.number = NEW.number)
        OR (v.org_id = NEW.org_id AND v.chain_seq = NEW.chain_seq)
        OR v.reverses_id = NEW.reverses_id))
    BEGIN SELECT RAISE(ABORT, '{_POSTED}'); END""",
    f"""CREATE TRIGGER voucher_no_replace_update BEFORE UPDATE ON voucher
    WHEN EXISTS (SELECT 1 FROM voucher v WHERE v.id <> OLD.id AND v.status = 'posted'
        AND (v.id = NEW.id
            OR (v.org_id = NEW.org_id AND v.year = NEW.year AND v.month = NEW.month
                AND v.number = NEW.number)
            OR (v.org_id = NEW.org_id AND v.chain_seq = NEW.chain_seq)
            OR v.reverses_id = NEW.reverses_id))
    BEGIN SELECT RAISE(ABORT, '{_POSTED}'); END""",
    f"""CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM audit_log a WHERE a.id = NEW.id
        OR (a.chain_key = NEW.chain_key AND a.seq = NEW.seq))
    BEGIN SELECT RAISE(ABORT, '{_LOG}'); END""",
    f"""CREATE TRIGGER issued_disclosure_no_update BEFORE UPDATE ON issued_disclosure
    BEGIN SELECT RAISE(ABORT, '{_ISSUED}'); END""",
    f"""CREATE TRIGGER issued_disclosure_no_delete BEFORE DELETE ON issued_disclosure
    BEGIN SELECT RAISE(ABORT, '{_ISSUED}'); END""",
    f"""CREATE TRIGGER issued_disclosure_no_replace BEFORE INSERT ON issued_disclosure
    WHEN EXISTS (SELECT 1 FROM issued_disclosure d WHERE d.id = NEW.id
        OR (d.org_id = NEW.org_id AND d.period = NEW.period))
    BEGIN SELECT RAISE(ABORT, '{_ISSUED}'); END""",
]
_SQLITE_NAMES = [
    "voucher_line_posted_move", "voucher_line_no_replace", "voucher_no_replace",
    "voucher_no_replace_update", "audit_log_no_replace", "issued_disclosure_no_update",
    "issued_disclosure_no_delete", "issued_disclosure_no_replace",
]
_PG_GUARDS = [
    f"""CREATE FUNCTION coopledger_issued_disclosure_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_ISSUED}' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER issued_disclosure_no_change BEFORE UPDATE OR DELETE ON issued_disclosure
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_issued_disclosure_frozen()""",
    """CREATE TRIGGER issued_disclosure_no_truncate BEFORE TRUNCATE ON issued_disclosure
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_issued_disclosure_frozen()""",
]


def upgrade() -> None:
    op.create_table('issued_disclosure',
    sa.Column('id', BigId, nullable=False),
    sa.Column('org_id', BigId, nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_by', BigId, nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_issued_disclosure_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by'], ['app_user.id'], name=op.f('fk_issued_disclosure_published_by_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_disclosure')),
    sa.UniqueConstraint('org_id', 'period', name=op.f('uq_issued_disclosure_org_id_period'))
    )
    for statement in _SQLITE_GUARDS if op.get_bind().dialect.name == "sqlite" else _PG_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS issued_disclosure_no_change ON issued_disclosure")
        op.execute("DROP TRIGGER IF EXISTS issued_disclosure_no_truncate ON issued_disclosure")
        op.execute("DROP FUNCTION IF EXISTS coopledger_issued_disclosure_frozen()")
    op.drop_table('issued_disclosure')

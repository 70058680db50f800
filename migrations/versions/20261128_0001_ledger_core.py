"""ledger core: organizations, charts, members, funds, users, periods, vouchers, guards

Revision ID: 0001
Revises:
Create Date: 2026-11-28 22:58:52.032183
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('organization',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('region', sa.String(length=400), nullable=False),
    sa.Column('chart', sa.String(length=40), nullable=False),
    sa.Column('allow_single_accountant', sa.Boolean(), nullable=False),
    sa.Column('chain_seq', sa.BigInteger(), nullable=False),
    sa.Column('chain_head', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('cooperative', 'village_collective')", name=op.f('ck_organization_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('code', name=op.f('uq_organization_code'))
    )
    op.create_table('account',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('normal_side', sa.String(length=10), nullable=False),
    sa.Column('subledger', sa.String(length=10), nullable=False),
    sa.Column('contra', sa.Boolean(), nullable=False),
    sa.Column('standard', sa.Boolean(), nullable=False),
    sa.Column('postable', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_account_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['account.id'], name=op.f('fk_account_parent_id_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('org_id', 'code', name=op.f('uq_account_org_id_code'))
    )
    op.create_table('fund',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('grantor', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=400), nullable=False),
    sa.Column('granted_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_fund_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund')),
    sa.UniqueConstraint('org_id', 'code', name=op.f('uq_fund_org_id_code'))
    )
    op.create_table('member',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('bank_account', sa.String(length=40), nullable=True),
    sa.Column('poverty_status', sa.String(length=20), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_member_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('org_id', 'member_no', name=op.f('uq_member_org_id_member_no'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_app_user_member_id_member'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('member_status',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_status_member_id_member'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_status'))
    )
    with op.batch_alter_table('member_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_status_member_id'), ['member_id'], unique=False)

    op.create_table('period_balance',
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('debit_fen', sa.BigInteger(), nullable=False),
    sa.Column('credit_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_period_balance_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_period_balance_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('account_id', 'year', 'month', name=op.f('pk_period_balance'))
    )
    with op.batch_alter_table('period_balance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_balance_org_id'), ['org_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_token_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_token_token_sha256'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
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

    op.create_table('period',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_period_status')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_period_month')),
    sa.ForeignKeyConstraint(['closed_by'], ['app_user.id'], name=op.f('fk_period_closed_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_period_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period')),
    sa.UniqueConstraint('org_id', 'year', 'month', name=op.f('uq_period_org_id_year_month'))
    )
    op.create_table('user_org',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_user_org_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_org_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'org_id', name=op.f('pk_user_org'))
    )
    op.create_table('voucher',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('attachments', sa.Integer(), nullable=False),
    sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('prepared_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reviewed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('posted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('chain_seq', sa.BigInteger(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('normal', 'reversal', 'closing')", name=op.f('ck_voucher_kind')),
    sa.CheckConstraint("status IN ('draft', 'reviewed', 'posted')", name=op.f('ck_voucher_status')),
    sa.CheckConstraint('attachments >= 0', name=op.f('ck_voucher_attachments')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_voucher_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by'], ['app_user.id'], name=op.f('fk_voucher_posted_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['prepared_by'], ['app_user.id'], name=op.f('fk_voucher_prepared_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reverses_id'], ['voucher.id'], name=op.f('fk_voucher_reverses_id_voucher'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['app_user.id'], name=op.f('fk_voucher_reviewed_by_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher')),
    sa.UniqueConstraint('org_id', 'chain_seq', name=op.f('uq_voucher_org_id_chain_seq')),
    sa.UniqueConstraint('org_id', 'year', 'month', 'number', name=op.f('uq_voucher_org_id_year_month_number')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_voucher_reverses_id'))
    )
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_org_status_date', ['org_id', 'status', 'booked_on'], unique=False)

    op.create_table('fiscal_year',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('surplus_fen', sa.BigInteger(), nullable=False),
    sa.Column('closing_voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['app_user.id'], name=op.f('fk_fiscal_year_closed_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['closing_voucher_id'], ['voucher.id'], name=op.f('fk_fiscal_year_closing_voucher_id_voucher'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_fiscal_year_org_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fiscal_year')),
    sa.UniqueConstraint('org_id', 'year', name=op.f('uq_fiscal_year_org_id_year'))
    )
    op.create_table('idempotency_key',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_idempotency_key_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_idempotency_key_voucher_id_voucher'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('org_id', 'key', name=op.f('uq_idempotency_key_org_id_key'))
    )
    op.create_table('voucher_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('voucher_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('fund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('side', sa.String(length=1), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('quantity_milli', sa.BigInteger(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.CheckConstraint("side IN ('D', 'C')", name=op.f('ck_voucher_line_side')),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_voucher_line_amount_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_voucher_line_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_voucher_line_fund_id_fund'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_voucher_line_member_id_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_voucher_line_org_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_voucher_line_voucher_id_voucher'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_line')),
    sa.UniqueConstraint('voucher_id', 'line_no', name=op.f('uq_voucher_line_voucher_id_line_no'))
    )
    with op.batch_alter_table('voucher_line', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_line_account', ['account_id', 'voucher_id'], unique=False)
        batch_op.create_index('ix_voucher_line_member', ['member_id', 'voucher_id'], unique=False)


    _create_guards()

def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table('voucher_line', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_line_member')
        batch_op.drop_index('ix_voucher_line_account')

    op.drop_table('voucher_line')
    op.drop_table('idempotency_key')
    op.drop_table('fiscal_year')
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_org_status_date')

    op.drop_table('voucher')
    op.drop_table('user_org')
    op.drop_table('period')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_org_id'))

    op.drop_table('audit_event')
    op.drop_table('api_token')
    with op.batch_alter_table('period_balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_balance_org_id'))

    op.drop_table('period_balance')
    with op.batch_alter_table('member_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_status_member_id'))

    op.drop_table('member_status')
    op.drop_table('app_user')
    op.drop_table('member')
    op.drop_table('fund')
    op.drop_table('account')
    op.drop_table('organization')


# Posted vouchers and their lines are permanent, enforced here and not only in Python:
# a voucher is inserted as a draft; the flip to posted checks that it balances, has a number and
# a hash, carries negative amounts only if it is a red reversal, and lies in an open month; after
# that neither the voucher nor its lines can be updated or deleted, and no line can be added.
_GUARD_MESSAGE = "posted vouchers and their lines are permanent"

_SQLITE_GUARDS = [
    f"""CREATE TRIGGER voucher_insert_draft BEFORE INSERT ON voucher WHEN NEW.status = 'posted'
    BEGIN SELECT RAISE(ABORT, 'a voucher is inserted as a draft and posted by the workflow'); END""",
    f"""CREATE TRIGGER voucher_posted_update BEFORE UPDATE ON voucher WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, '{_GUARD_MESSAGE}'); END""",
    f"""CREATE TRIGGER voucher_posted_delete BEFORE DELETE ON voucher WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, '{_GUARD_MESSAGE}'); END""",
    """CREATE TRIGGER voucher_post_check BEFORE UPDATE OF status ON voucher
    WHEN NEW.status = 'posted' AND (
        NEW.number IS NULL OR NEW.hash IS NULL OR NEW.chain_seq IS NULL
        OR (SELECT count(*) < 2
                OR coalesce(sum(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END), 0) <> 0
                OR coalesce(sum(CASE side WHEN 'D' THEN amount_fen ELSE 0 END), 0) = 0
                OR (NEW.kind <> 'reversal' AND coalesce(min(amount_fen), 0) < 0)
            FROM voucher_line WHERE voucher_id = NEW.id)
        OR EXISTS (SELECT 1 FROM period WHERE org_id = NEW.org_id AND year = NEW.year
            AND month = NEW.month AND status = 'closed'))
    BEGIN SELECT RAISE(ABORT, 'a voucher can be posted only balanced, numbered, chained and in an open month'); END""",
    f"""CREATE TRIGGER voucher_line_posted_insert BEFORE INSERT ON voucher_line
    WHEN (SELECT status FROM voucher WHERE id = NEW.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, '{_GUARD_MESSAGE}'); END""",
    f"""CREATE TRIGGER voucher_line_posted_update BEFORE UPDATE ON voucher_line
    WHEN (SELECT status FROM voucher WHERE id = OLD.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, '{_GUARD_MESSAGE}'); END""",
    f"""CREATE TRIGGER voucher_line_posted_delete BEFORE DELETE ON voucher_line
    WHEN (SELECT status FROM voucher WHERE id = OLD.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, '{_GUARD_MESSAGE}'); END""",
]
_SQLITE_GUARD_NAMES = [
    "voucher_insert_draft", "voucher_posted_update", "voucher_posted_delete", "voucher_post_check",
    "voucher_line_posted_insert", "voucher_line_posted_update", "voucher_line_posted_delete",
]

# PostgreSQL checks once per statement, over the rows the statement touched (transition tables),
# so that a bulk posting of thousands of vouchers costs a few set queries, not a call per row.
_PG_GUARDS = [
    f"""CREATE FUNCTION coopledger_refuse(message text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', message USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE FUNCTION coopledger_voucher_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM inserted WHERE status = 'posted') THEN
            PERFORM coopledger_refuse('a voucher is inserted as a draft and posted by the workflow');
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION coopledger_voucher_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM before WHERE status = 'posted') THEN
            PERFORM coopledger_refuse('{_GUARD_MESSAGE}');
        END IF;
        IF EXISTS (
            SELECT 1
              FROM after a
              LEFT JOIN LATERAL (
                    SELECT count(*) AS n,
                           coalesce(sum(CASE l.side WHEN 'D' THEN l.amount_fen ELSE -l.amount_fen END), 0) AS net,
                           coalesce(sum(l.amount_fen) FILTER (WHERE l.side = 'D'), 0) AS debit,
                           count(*) FILTER (WHERE l.amount_fen < 0) AS negatives
                      FROM voucher_line l WHERE l.voucher_id = a.id) s ON true
             WHERE a.status = 'posted'
               AND (a.number IS NULL OR a.hash IS NULL OR a.chain_seq IS NULL OR s.n < 2
                    OR s.net <> 0 OR s.debit = 0 OR (a.kind <> 'reversal' AND s.negatives > 0)
                    OR EXISTS (SELECT 1 FROM period p WHERE p.org_id = a.org_id AND p.year = a.year
                               AND p.month = a.month AND p.status = 'closed'))) THEN
            PERFORM coopledger_refuse(
                'a voucher can be posted only balanced, numbered, chained and in an open month');
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION coopledger_voucher_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM removed WHERE status = 'posted') THEN
            PERFORM coopledger_refuse('{_GUARD_MESSAGE}');
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION coopledger_lines_touched() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- a probe of the primary key per row: transition tables carry no statistics, and a
        -- join may be planned as a scan of every voucher
        IF EXISTS (SELECT 1 FROM touched t
                    WHERE (SELECT v.status FROM voucher v WHERE v.id = t.voucher_id) = 'posted') THEN
            PERFORM coopledger_refuse('{_GUARD_MESSAGE}');
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION coopledger_lines_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM before t
                    WHERE (SELECT v.status FROM voucher v WHERE v.id = t.voucher_id) = 'posted')
           OR EXISTS (SELECT 1 FROM after t
                    WHERE (SELECT v.status FROM voucher v WHERE v.id = t.voucher_id) = 'posted') THEN
            PERFORM coopledger_refuse('{_GUARD_MESSAGE}');
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION coopledger_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM coopledger_refuse('{_GUARD_MESSAGE}');
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER voucher_guard_insert AFTER INSERT ON voucher
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION coopledger_voucher_inserted()""",
    """CREATE TRIGGER voucher_guard_update AFTER UPDATE ON voucher
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_voucher_updated()""",
    """CREATE TRIGGER voucher_guard_delete AFTER DELETE ON voucher
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION coopledger_voucher_deleted()""",
    """CREATE TRIGGER voucher_line_guard_insert AFTER INSERT ON voucher_line
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION coopledger_lines_touched()""",
    """CREATE TRIGGER voucher_line_guard_update AFTER UPDATE ON voucher_line
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_lines_updated()""",
    """CREATE TRIGGER voucher_line_guard_delete AFTER DELETE ON voucher_line
    REFERENCING OLD TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION coopledger_lines_touched()""",
    """CREATE TRIGGER voucher_no_truncate BEFORE TRUNCATE ON voucher
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_no_truncate()""",
    """CREATE TRIGGER voucher_line_no_truncate BEFORE TRUNCATE ON voucher_line
    FOR EACH STATEMENT EXECUTE FUNCTION coopledger_no_truncate()""",
]
_PG_TRIGGERS = {
    "voucher": ["voucher_guard_insert", "voucher_guard_update", "voucher_guard_delete",
                "voucher_no_truncate"],
    "voucher_line": ["voucher_line_guard_insert", "voucher_line_guard_update",
                     "voucher_line_guard_delete", "voucher_line_no_truncate"],
}
_PG_FUNCTIONS = ["coopledger_voucher_inserted()", "coopledger_voucher_updated()",
                 "coopledger_voucher_deleted()", "coopledger_lines_touched()",
                 "coopledger_lines_updated()", "coopledger_no_truncate()", "coopledger_refuse(text)"]


def _create_guards() -> None:
    statements = _SQLITE_GUARDS if op.get_bind().dialect.name == "sqlite" else _PG_GUARDS
    for statement in statements:
        op.execute(statement)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_GUARD_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for table, names in _PG_TRIGGERS.items():
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in _PG_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")

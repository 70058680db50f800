"""The schema, as typed SQLAlchemy 2 declarative rows. Alembic migrations create it; nothing else.

Money columns are BIGINT fen (``*_fen``); quantities BIGINT thousandths (``*_milli``). Posted
vouchers and their lines are guarded by database triggers (see the first migration): they can be
inserted only as drafts and, once posted, never updated or deleted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite autoincrements only INTEGER PRIMARY KEY, so BIGINT ids become INTEGER there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are aware UTC in Python on both backends (SQLite keeps no zone: stored as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        int: BigInteger,
        datetime: UTCDateTime(),
    }


class OrganizationRow(Base):
    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(400), default="")
    chart: Mapped[str] = mapped_column(String(40))
    allow_single_accountant: Mapped[bool] = mapped_column(Boolean, default=False)
    # the 会计主管 whose name a voucher print signs with; blank prints an empty signature
    chief_accountant: Mapped[str | None] = mapped_column(String(100))
    # the most cash on hand (库存现金) the organization may hold at the end of a day; None: no
    # limit set
    cash_limit_fen: Mapped[int | None] = mapped_column()
    # head of the per-organization hash chain; updated in the transaction that posts
    chain_seq: Mapped[int] = mapped_column(default=0)
    chain_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (
        CheckConstraint("kind IN ('cooperative', 'village_collective')", name="kind"),
    )


class AccountRow(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    normal_side: Mapped[str] = mapped_column(String(10))
    subledger: Mapped[str] = mapped_column(String(10))
    contra: Mapped[bool] = mapped_column(Boolean, default=False)
    standard: Mapped[bool] = mapped_column(Boolean, default=True)
    postable: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (UniqueConstraint("org_id", "code"),)


class MemberRow(Base):
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    member_no: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    household_size: Mapped[int | None] = mapped_column(Integer)
    id_number: Mapped[str | None] = mapped_column(String(18))
    bank_account: Mapped[str | None] = mapped_column(String(40))
    poverty_status: Mapped[str] = mapped_column(String(20), default="none")
    # a 监测户's kind (unstable, marginal, sudden_hardship); none for any other status
    monitor_kind: Mapped[str | None] = mapped_column(String(20))
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (UniqueConstraint("org_id", "member_no"),)


class MemberStatusRow(Base):
    """Poverty status as a dated history: the status on any day can be asked."""

    __tablename__ = "member_status"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    monitor_kind: Mapped[str | None] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())


class FundRow(Base):
    __tablename__ = "fund"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    grantor: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(String(400), default="")
    granted_fen: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (UniqueConstraint("org_id", "code"),)


class UserRow(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    # the username folded to lower case: ``Admin`` and ``admin`` are one account
    username_key: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    locale: Mapped[str | None] = mapped_column(String(5))  # the web pages' language
    # a disabled user can neither sign in nor use a token or web session it had
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # the person's name prints on vouchers they prepared, reviewed or posted (else the username)
    full_name: Mapped[str | None] = mapped_column(String(100))


class UserOrgRow(Base):
    __tablename__ = "user_org"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True
    )


class UserMemberRow(Base):
    """A household user's further memberships: the same household's member record in another
    organization (a cooperative and its village). ``app_user.member_id`` is the first one."""

    __tablename__ = "user_member"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True
    )


class TokenRow(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (Index("ix_api_token_user_id", "user_id"),)


class WebSessionRow(Base):
    """A signed-in browser: the cookie carries a random session id, only its SHA-256 is stored,
    so signing out (or disabling the user) ends the session on the server."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sid_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    __table_args__ = (Index("ix_web_session_user_id", "user_id"),)


class PeriodRow(Base):
    """One month of one organization: open or closed, and its voucher-number counter.

    Posting bumps ``last_number`` with an UPDATE in the same transaction as the voucher, which
    locks the row: numbers are gapless, and a close waits for the posting (and vice versa).
    """

    __tablename__ = "period"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    __table_args__ = (
        UniqueConstraint("org_id", "year", "month"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
    )


class FiscalYearRow(Base):
    """A year's close: the surplus its closing carried into 本年盈余, when and by whom.

    ``carried``: the closing vouchers are posted and January to November closed, December open
    for the year's distribution dated 31 December; ``closed``: the whole year is closed."""

    __tablename__ = "fiscal_year"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    surplus_fen: Mapped[int] = mapped_column()
    closing_voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("voucher.id", ondelete="RESTRICT")
    )
    closed_at: Mapped[datetime] = mapped_column()
    closed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10), server_default="closed")
    __table_args__ = (
        UniqueConstraint("org_id", "year"),
        CheckConstraint("status IN ('carried', 'closed')", name="status"),
    )


class VoucherRow(Base):
    __tablename__ = "voucher"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    kind: Mapped[str] = mapped_column(String(10), default="normal")
    booked_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(String(200), default="")
    attachments: Mapped[int] = mapped_column(Integer, default=0)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("voucher.id", ondelete="RESTRICT"), unique=True
    )
    prepared_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    posted_at: Mapped[datetime | None] = mapped_column()
    chain_seq: Mapped[int | None] = mapped_column()
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("org_id", "year", "month", "number"),
        UniqueConstraint("org_id", "chain_seq"),
        Index("ix_voucher_org_status_date", "org_id", "status", "booked_on"),
        # the voucher list, keyset-paged by id: all, by status, by month
        Index("ix_voucher_org_id", "org_id", "id"),
        Index("ix_voucher_org_status_id", "org_id", "status", "id"),
        Index("ix_voucher_org_month_id", "org_id", "year", "month", "id"),
        # the year-end closing vouchers of many organizations (a county's surplus), a few rows
        Index(
            "ix_voucher_closing",
            "org_id",
            "year",
            sqlite_where=text("kind = 'closing'"),
            postgresql_where=text("kind = 'closing'"),
        ),
        CheckConstraint("status IN ('draft', 'reviewed', 'posted')", name="status"),
        CheckConstraint("kind IN ('normal', 'reversal', 'closing')", name="kind"),
        CheckConstraint("attachments >= 0", name="attachments"),
    )


class VoucherLineRow(Base):
    __tablename__ = "voucher_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id", ondelete="RESTRICT"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("fund.id", ondelete="RESTRICT"))
    side: Mapped[str] = mapped_column(String(1))
    amount_fen: Mapped[int] = mapped_column()
    quantity_milli: Mapped[int | None] = mapped_column()
    unit: Mapped[str | None] = mapped_column(String(20))
    memo: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (
        UniqueConstraint("voucher_id", "line_no"),
        Index("ix_voucher_line_account", "account_id", "voucher_id"),
        Index("ix_voucher_line_member", "member_id", "voucher_id"),
        # members' balances per account summed from the index alone (the balance sheet); only
        # the lines naming a member, so posting the others costs nothing more
        Index(
            "ix_voucher_line_account_member",
            "account_id",
            "member_id",
            "side",
            "amount_fen",
            sqlite_where=text("member_id IS NOT NULL"),
            postgresql_where=text("member_id IS NOT NULL"),
        ),
        Index("ix_voucher_line_fund", "fund_id", "voucher_id"),  # a region's funds
        CheckConstraint("side IN ('D', 'C')", name="side"),
        CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
    )


class PeriodBalanceRow(Base):
    """Posted turnover per account and month, written with each posting (upsert, same transaction).

    A trial balance reads these instead of scanning every line; ``audit verify`` recomputes them.
    """

    __tablename__ = "period_balance"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    debit_fen: Mapped[int] = mapped_column(default=0)
    credit_fen: Mapped[int] = mapped_column(default=0)


class ShapeTurnoverRow(Base):
    """Posted turnover per shape and month (:func:`coopledger.domain.reporting.shapes_of`),
    written with each posting beside ``period_balance``: a pair of lines as one row of both its
    accounts, any other line on its own side. ``audit verify`` recomputes it from the lines.

    An account or fund id of 0 is *none* (a line by itself has no other side; a line may name
    no fund), so the key has no NULL and every posting upserts into it; these columns carry no
    foreign key for that reason, the rows being derived from lines that do."""

    __tablename__ = "shape_turnover"
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    debit_account_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    debit_fund_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    credit_account_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    credit_fund_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount_fen: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)  # pairs, or lines by themselves


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_key"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    # a key belongs to the user who sent it: another user's same key is another request
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    # null while the request that claimed the key is still in flight (same transaction)
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("org_id", "user_id", "key"),)


# -- registers: fixed assets, depreciation, shares, member transactions -------------------------


class AssetRow(Base):
    """A fixed-asset card (固定资产卡片)."""

    __tablename__ = "asset"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    asset_no: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), default="")
    asset_class: Mapped[str] = mapped_column(String(20))
    # the register it belongs to (fixed, productive_biological, …): its accounts and write-down
    kind: Mapped[str] = mapped_column(String(30), default="fixed", server_default="fixed")
    poverty_project: Mapped[bool] = mapped_column(Boolean, default=False)
    use: Mapped[str] = mapped_column(String(20))
    acquired_on: Mapped[date] = mapped_column(Date)
    cost_fen: Mapped[int] = mapped_column()
    salvage_fen: Mapped[int] = mapped_column(default=0)
    useful_life_months: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(30))
    total_units: Mapped[int | None] = mapped_column()
    # units of production: of total_units, those used up in older books (a migrated asset)
    opening_units: Mapped[int] = mapped_column(default=0, server_default="0")
    opening_accumulated_fen: Mapped[int] = mapped_column(default=0)
    opening_months: Mapped[int] = mapped_column(Integer, default=0)
    nominal: Mapped[bool] = mapped_column(Boolean, default=False)
    disposed_on: Mapped[date | None] = mapped_column(Date)
    # the acquisition voucher (none for assets migrated from older books)
    acquisition_voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("voucher.id", ondelete="RESTRICT")
    )
    # the disposal voucher (固定资产清理), prepared when the disposal is recorded
    disposal_voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("voucher.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        UniqueConstraint("org_id", "asset_no"),
        CheckConstraint("cost_fen > 0", name="cost_positive"),
        CheckConstraint("salvage_fen >= 0 AND salvage_fen <= cost_fen", name="salvage"),
        CheckConstraint("useful_life_months > 0", name="life_positive"),
    )


class AssetFundingRow(Base):
    """The part of an asset's cost a fund financed (the rest is self-funded)."""

    __tablename__ = "asset_funding"
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True
    )
    fund_id: Mapped[int] = mapped_column(
        ForeignKey("fund.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    amount_fen: Mapped[int] = mapped_column()
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


class DepreciationChargeRow(Base):
    """One month's charge for one asset, and the voucher that carries it. Deleting the draft
    voucher frees the month, so the next run prepares it again."""

    __tablename__ = "depreciation_charge"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (
        UniqueConstraint("asset_id", "year", "month"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class AssetUsageRow(Base):
    """Units an asset depreciated by units of production yielded in a month."""

    __tablename__ = "asset_usage"
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    units: Mapped[int] = mapped_column()


class ShareEventRow(Base):
    """A dated, reasoned event of the share register; its effect is in share_allocation."""

    __tablename__ = "share_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(400))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("fund.id", ondelete="RESTRICT"))
    amount_fen: Mapped[int | None] = mapped_column()
    # of a village's quantification: the part of amount_fen kept as 集体股 by the collective
    # itself (no allocation row holds it); the rest is the members' 成员股
    collective_fen: Mapped[int | None] = mapped_column()
    basis: Mapped[str | None] = mapped_column(String(20))
    statuses: Mapped[str] = mapped_column(String(200), default="")
    share_class: Mapped[str | None] = mapped_column(String(40))
    from_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    to_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="RESTRICT"))
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (Index("ix_share_event_org_date", "org_id", "occurred_on"),)


class ShareAllocationRow(Base):
    """What an event did to one member's holding of one class (signed fen)."""

    __tablename__ = "share_allocation"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("share_event.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    share_class: Mapped[str] = mapped_column(String(40))
    amount_fen: Mapped[int] = mapped_column()
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="amount_nonzero"),)


class MemberTransactionRow(Base):
    """What a member sold to or bought through the cooperative (交易量 / 交易额)."""

    __tablename__ = "member_transaction"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    occurred_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(100))
    quantity_milli: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column()
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        Index("ix_member_transaction_org_member_date", "org_id", "member_id", "occurred_on"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


# -- donations in kind ---------------------------------------------------------------------------


class DonationRow(Base):
    """Goods received from a donor (受赠物资): who gave them, when, how they were valued and the
    evidence, with the voucher that booked them."""

    __tablename__ = "donation"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    donor: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(20))  # donor_invoice | market_price | nominal
    evidence: Mapped[str] = mapped_column(Text, default="")
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        Index("ix_donation_org_date", "org_id", "received_on"),
        CheckConstraint("basis IN ('donor_invoice', 'market_price', 'nominal')", name="basis"),
    )


class DonationItemRow(Base):
    """One kind of goods in a donation: its quantity (thousandths of its unit) and value (fen)."""

    __tablename__ = "donation_item"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    donation_id: Mapped[int] = mapped_column(
        ForeignKey("donation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    quantity_milli: Mapped[int] = mapped_column()
    value_fen: Mapped[int] = mapped_column()
    __table_args__ = (
        CheckConstraint("quantity_milli > 0", name="quantity_positive"),
        CheckConstraint("value_fen > 0", name="value_positive"),
    )


class DonationHandoutRow(Base):
    """Goods handed to a household: its part of an item, the value it carried out of stock, who
    took it and whether the list was signed (or thumb-printed), with the voucher that booked it."""

    __tablename__ = "donation_handout"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("donation_item.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    handed_on: Mapped[date] = mapped_column(Date)
    quantity_milli: Mapped[int] = mapped_column()
    value_fen: Mapped[int] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(100), default="")
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (
        CheckConstraint("quantity_milli > 0", name="quantity_positive"),
        CheckConstraint("value_fen >= 0", name="value_not_negative"),
    )


class DonationHandoutScanRow(Base):
    """The signed (or thumb-printed) hand-out list as scanned or photographed: the file kept as
    it came (PDF, JPEG or PNG), its SHA-256, attached to the hand-out voucher it evidences."""

    __tablename__ = "donation_handout_scan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        CheckConstraint(
            "media_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="media_type"
        ),
    )


# -- resources, contracts and the 一事一议 备查簿 --------------------------------------------------


class ResourceRow(Base):
    """A resource of the collective (资源台账): land, a pond, a forest, a building, with its area
    in thousandths of its unit."""

    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(200), default="")
    area_milli: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        Index("ix_resource_org", "org_id"),
        CheckConstraint("area_milli > 0", name="area_positive"),
        CheckConstraint(
            "kind IN ('land', 'pond', 'forest', 'orchard', 'building', 'other')", name="kind"
        ),
    )


class ContractRow(Base):
    """A contract (承包合同): the party (a member, or an outside party by name), what it holds
    (a resource, or described), its area and term."""

    __tablename__ = "contract"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    contract_no: Mapped[str] = mapped_column(String(40))
    party: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), index=True
    )
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource.id", ondelete="RESTRICT"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200), default="")
    area_milli: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        UniqueConstraint("org_id", "contract_no"),
        CheckConstraint("area_milli > 0", name="area_positive"),
        CheckConstraint("ends_on > starts_on", name="term"),
    )


class ContractInstalmentRow(Base):
    """One instalment of a contract's fee schedule, with the voucher that charged it to the
    receivable (none until charged; deleting that draft leaves it to charge again)."""

    __tablename__ = "contract_instalment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("voucher.id", ondelete="SET NULL"), index=True
    )
    __table_args__ = (
        UniqueConstraint("contract_id", "due_on"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class ContractPaymentRow(Base):
    """A fee received on a contract, with the voucher that booked it."""

    __tablename__ = "contract_payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="RESTRICT"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


class VillageProjectRow(Base):
    """A project of the 一事一议 备查簿: the villagers' meeting's decision, the money and labour
    raised, the fiscal 奖补 received, what was spent and the vouchers that moved the money."""

    __tablename__ = "village_project"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    meeting_on: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(Text)
    raised_fen: Mapped[int] = mapped_column()
    labour_milli: Mapped[int] = mapped_column()
    subsidy_fen: Mapped[int] = mapped_column()
    spent_fen: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    vouchers: Mapped[str] = mapped_column(String(400), default="")
    updated_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        Index("ix_village_project_org_meeting", "org_id", "meeting_on"),
        CheckConstraint("status IN ('planned', 'in_progress', 'done')", name="status"),
        CheckConstraint(
            "raised_fen >= 0 AND labour_milli >= 0 AND subsidy_fen >= 0 AND spent_fen >= 0",
            name="not_negative",
        ),
    )


# -- surplus distribution ------------------------------------------------------------------------


class DistributionPlanRow(Base):
    """A distribution plan (盈余分配方案) with its inputs and pools, draft → approved → posted."""

    __tablename__ = "distribution_plan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    inputs: Mapped[str] = mapped_column(
        Text
    )  # JSON: rates, appropriations, guarantee, weights' basis
    s_fen: Mapped[int] = mapped_column()
    l_fen: Mapped[int] = mapped_column()
    r_fen: Mapped[int] = mapped_column()
    others_fen: Mapped[int] = mapped_column()
    d_fen: Mapped[int] = mapped_column()
    p_fen: Mapped[int] = mapped_column()
    q_fen: Mapped[int] = mapped_column()
    t_fen: Mapped[int] = mapped_column()
    prepared_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    resolution: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    vouchers: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the vouchers posting prepared
    __table_args__ = (
        Index("ix_distribution_plan_org_year", "org_id", "year"),
        CheckConstraint("status IN ('draft', 'approved', 'posted')", name="status"),
    )


class DistributionLineRow(Base):
    """One member's part of a plan, with the weights it was computed from."""

    __tablename__ = "distribution_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("distribution_plan.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    transaction_fen: Mapped[int] = mapped_column()
    account_share_fen: Mapped[int] = mapped_column()
    fiscal_share_fen: Mapped[int] = mapped_column()
    poverty_status: Mapped[str] = mapped_column(String(20))
    patronage_fen: Mapped[int] = mapped_column()
    residual_fen: Mapped[int] = mapped_column()
    topup_fen: Mapped[int] = mapped_column()
    minimum_fen: Mapped[int | None] = mapped_column()
    __table_args__ = (UniqueConstraint("plan_id", "member_id"),)


class DistributionPaymentRow(Base):
    """What was paid, offset against the member's debts, or converted into capital, and the
    voucher that carries it (deleting that draft voucher deletes this row)."""

    __tablename__ = "distribution_payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("distribution_plan.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))  # bank | cash | capital
    patronage_fen: Mapped[int] = mapped_column()
    residual_fen: Mapped[int] = mapped_column()
    offset_fen: Mapped[int] = mapped_column(default=0)


class DividendReceiptRow(Base):
    """A village's receipt, in its own books, of what a cooperative's plan paid it as a member."""

    __tablename__ = "dividend_receipt"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("distribution_plan.id", ondelete="RESTRICT"))
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (UniqueConstraint("org_id", "plan_id"),)


class MemberLinkRow(Base):
    """A collective member that is itself an organization kept in coopledger (a village that
    holds shares in a cooperative): the link the dividend follows from one's books to the other's."""

    __tablename__ = "member_link"
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    linked_org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )


class IssuedStatementRow(Base):
    """A household statement as issued: its verification code, the amounts it printed and the
    chain head it was drawn from, so that ``/verify/{code}`` can check a printed copy."""

    __tablename__ = "issued_statement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("distribution_plan.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column()
    chain_seq: Mapped[int] = mapped_column()
    chain_head: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("plan_id", "member_id"),)


# -- audit log: append-only, hash-chained per organization -----------------------------------------
# Rows are only ever inserted (triggers in migration 0006 refuse UPDATE, DELETE and TRUNCATE).
# ``chain_key`` is the organization's id, or 0 for events outside any organization (a failed login
# of an unknown user); ``audit_chain`` holds each chain's head, updated in the same transaction.


class AuditLogRow(Base):
    """One audited event: who (user id and name at the time), when, from where, what, old → new."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chain_key: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_key: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[datetime] = mapped_column()
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("chain_key", "seq"),
        Index("ix_audit_log_org_at", "org_id", "at"),
    )


class AuditChainRow(Base):
    """The head of one audit chain (the row writers lock, like the voucher counter)."""

    __tablename__ = "audit_chain"
    chain_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head: Mapped[str] = mapped_column(String(64))


class VerifiedPointRow(Base):
    """How far an organization's books were last verified (one row each, replaced at each
    verification, signed): where the next verification resumes. Forgotten by a reopen and by a
    restore; a row whose signature does not match is not trusted."""

    __tablename__ = "verified_point"
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    voucher_seq: Mapped[int] = mapped_column(BigInteger)
    voucher_hash: Mapped[str] = mapped_column(String(64))
    audit_seq: Mapped[int] = mapped_column(BigInteger)
    audit_hash: Mapped[str] = mapped_column(String(64))
    turnover: Mapped[str] = mapped_column(Text)  # JSON: month -> digest of its stored turnover
    snapshots: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column()
    signature: Mapped[str] = mapped_column(String(64))


class LoginAttemptRow(Base):
    """Failed logins per (account, address) and minute: the rate limiter's storage, shared by every
    process serving the same database."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()
    __table_args__ = (Index("ix_login_attempt_subject_at", "subject", "at"),)


class DenialTallyRow(Base):
    """Refused requests (401/403/404) per (user or address, code) and minute: the first of a
    minute goes to the audit chain, the rest are only counted here, so a script hammering
    refusals cannot grow the chain without bound."""

    __tablename__ = "denial_tally"
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    minute: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# -- period snapshots: closing balances of closed months ------------------------------------------
# Written when a month is closed, deleted when it (or an earlier month) is reopened or closed
# again; a report reads the last snapshot before its range plus the later months' turnover, and
# ``audit verify`` recomputes every snapshot from the posted lines (adapters/db/snapshots.py).


class PeriodSnapshotRow(Base):
    """One account's cumulative debit and credit from the first posting to the end of a closed
    month (fen). Accounts with no posting by then have no row."""

    __tablename__ = "period_snapshot"
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="RESTRICT"), primary_key=True
    )
    debit_fen: Mapped[int] = mapped_column()
    credit_fen: Mapped[int] = mapped_column()


class MemberSnapshotRow(Base):
    """One member's debit-minus-credit balance on one account at the end of a closed December
    (the 年初 column of the balance sheet and the start of any later member balance); members
    whose balance is zero have no row."""

    __tablename__ = "member_snapshot"
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="RESTRICT"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True
    )
    net_fen: Mapped[int] = mapped_column()


# -- regions: the region tree and users scoped to a region -----------------------------------------


class RegionRow(Base):
    """A node of the region tree (city / county / town / village), named by its full path
    (``济南市/商河县/白桥镇``). An organization sits at the node its ``region`` text names."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    __table_args__ = (
        CheckConstraint("level IN ('city', 'county', 'town', 'village')", name="level"),
    )


class UserRegionRow(Base):
    """A region a user is scoped to: it sees every organization under the node."""

    __tablename__ = "user_region"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(
        ForeignKey("region.id", ondelete="RESTRICT"), primary_key=True
    )


class OrgNoticeRow(Base):
    """A dated notice of an organization: a disclosure published (``disclosure``, subject the
    period ``2026-Q3``) or a member assembly scheduled (``assembly``, subject the year whose
    distribution it approves). The due-date warnings read these."""

    __tablename__ = "org_notice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        UniqueConstraint("org_id", "kind", "subject"),
        CheckConstraint("kind IN ('disclosure', 'assembly')", name="kind"),
    )


# -- imports: each file imported, and the key of every row it brought in -------------------------


class ImportBatchRow(Base):
    """One file imported into an organization's books (dry runs leave no batch)."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()


class ImportKeyRow(Base):
    """The key of an imported row (member number, voucher key…) and a digest of its content: a
    re-run of the same file skips it; the same key with other content is refused. ``object_id``
    is what the row created (a voucher, a member…); no foreign key, so a draft voucher stays
    deletable."""

    __tablename__ = "import_key"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(30))
    row_key: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="RESTRICT"), index=True
    )
    object_id: Mapped[int | None] = mapped_column()
    __table_args__ = (UniqueConstraint("org_id", "kind", "row_key"),)


class IssuedDocumentRow(Base):
    """The SHA-256 of each distinct PDF issued under a statement's code. A statement renders
    byte for byte the same from the same books; it changes when a payment is booked, so one code
    may have several documents, each recorded the first time it is handed out."""

    __tablename__ = "issued_document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("issued_statement.id", ondelete="RESTRICT")
    )
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    first_issued_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("statement_id", "sha256"),)


class IssuedDisclosureRow(Base):
    """A disclosure notice (财务公开) as it was published: its content (canonical JSON, personal
    numbers already masked) and the SHA-256 of that text. Later views serve this, never the
    books of the day; the database refuses to change or delete it."""

    __tablename__ = "issued_disclosure"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(10))
    published_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    published_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("org_id", "period"),)


# -- bank statements: what the bank says a 102 account did, matched to the books' lines ------------


class BankStatementRow(Base):
    """A month's statement of one bank account (银行存款 or a sub-account), as imported: the
    balance it opens with and the file's SHA-256. One statement per account and month."""

    __tablename__ = "bank_statement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    opening_fen: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    imported_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        UniqueConstraint("org_id", "account_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
    )


class BankStatementLineRow(Base):
    """One line of a bank statement: money in is positive, money out negative (fen), and the
    match it belongs to, if any: the id of the match's first statement line, which the other
    statement lines of the match share and its lines of the books (:class:`BankMatchLineRow`)
    name. A match pairs one statement line with one or more posted lines, or several statement
    lines with one; each line is in one match at most."""

    __tablename__ = "bank_statement_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("bank_statement.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    line_no: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    reference: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(200), default="")
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statement_line.id", ondelete="SET NULL"), index=True
    )
    __table_args__ = (
        UniqueConstraint("statement_id", "line_no"),
        CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
    )


class BankMatchLineRow(Base):
    """A posted voucher line of the bank account in a match (at most one): the match is named by
    its first statement line."""

    __tablename__ = "bank_match_line"
    voucher_line_id: Mapped[int] = mapped_column(
        ForeignKey("voucher_line.id", ondelete="RESTRICT"), primary_key=True, autoincrement=False
    )
    match_id: Mapped[int] = mapped_column(
        ForeignKey("bank_statement_line.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))


# -- e-commerce platform settlements: what the platform (淘宝…) says the shop's balance did -------


class ShopSettlementRow(Base):
    """One imported settlement file of a platform, booked on the settlement account; the file's
    SHA-256 is unique per organization (the same file is never booked twice)."""

    __tablename__ = "shop_settlement"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    platform: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    imported_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("org_id", "sha256"),)


class ShopSettlementMonthRow(Base):
    """A month of a settlement file: the platform's closing balance (when the file gives one) and
    the month's voucher; deleting the draft voucher deletes the month and its lines."""

    __tablename__ = "shop_settlement_month"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("shop_settlement.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    closing_fen: Mapped[int | None] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (
        UniqueConstraint("settlement_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
    )


class ShopSettlementLineRow(Base):
    """One line of a settlement: its effect on the shop's balance in fen (an order adds, a fee,
    refund or payout takes away) and a digest of what it says, unique per organization."""

    __tablename__ = "shop_settlement_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    month_id: Mapped[int] = mapped_column(
        ForeignKey("shop_settlement_month.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    line_no: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    order_no: Mapped[str] = mapped_column(String(64), default="")
    amount_fen: Mapped[int] = mapped_column()
    memo: Mapped[str] = mapped_column(String(200), default="")
    digest: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("org_id", "digest"),
        CheckConstraint("kind IN ('order', 'fee', 'refund', 'payout')", name="kind"),
        CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
    )


# -- subsidy claims (补贴申报) -------------------------------------------------------------------


class SubsidyClaimRow(Base):
    """A claim under one subsidy policy for a period (申报表): the policy as it stood when the
    claim was computed (code, name, rate or amount), its status and total."""

    __tablename__ = "subsidy_claim"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    policy_code: Mapped[str] = mapped_column(String(60))
    policy_name: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(20))
    terms: Mapped[str] = mapped_column(String(200), default="")  # rate or amount, caps
    year: Mapped[int] = mapped_column(Integer)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    total_fen: Mapped[int] = mapped_column()
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (
        Index("ix_subsidy_claim_org", "org_id", "year"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint("recipient IN ('household', 'organization')", name="recipient"),
        CheckConstraint("total_fen > 0", name="total_positive"),
    )


class SubsidyClaimLineRow(Base):
    """One line of a claim: a household (or, without a member, the organization itself), its
    base, the amount computed and the printed numbers of the vouchers that evidence it."""

    __tablename__ = "subsidy_claim_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_claim.id", ondelete="RESTRICT"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    line_no: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="")
    households: Mapped[int] = mapped_column(Integer, default=1)
    base_fen: Mapped[int] = mapped_column()
    amount_fen: Mapped[int] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text, default="")  # voucher numbers, one a line
    __table_args__ = (
        UniqueConstraint("claim_id", "line_no"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class SubsidyReceiptRow(Base):
    """The claim's money received, with the voucher that books it (deleting the draft voucher
    deletes the receipt)."""

    __tablename__ = "subsidy_receipt"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_claim.id", ondelete="RESTRICT"), unique=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


class SubsidyPaymentRow(Base):
    """A part of a claim line paid to its household, with the voucher that books it."""

    __tablename__ = "subsidy_payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    line_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_claim_line.id", ondelete="RESTRICT"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


# -- construction in progress (在建工程) ----------------------------------------------------------


class ConstructionProjectRow(Base):
    """A project under construction (在建工程): the fund that finances it (none: self-funded),
    the class of the asset it becomes, and, once completed, that asset's card."""

    __tablename__ = "construction_project"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    project_no: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("fund.id", ondelete="RESTRICT"), index=True
    )
    asset_class: Mapped[str] = mapped_column(String(20))
    poverty_project: Mapped[bool] = mapped_column(Boolean, default=False)
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # the asset card completion made (its acquisition voucher: Dr 固定资产 / Cr 在建工程)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset.id", ondelete="RESTRICT"), unique=True
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("org_id", "project_no"),)


class ConstructionSpendingRow(Base):
    """Money spent on a project, with the voucher that books it (Dr 在建工程 / Cr 银行存款 and,
    for a fund's project, Dr 专项应付款 / Cr 专项基金); deleting the draft deletes the spending."""

    __tablename__ = "construction_spending"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("construction_project.id", ondelete="RESTRICT"), index=True
    )
    spent_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column()
    memo: Mapped[str] = mapped_column(String(200), default="")
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

"""The ports the services need: a unit of work and the store it opens.

The store speaks in domain values and primitive ids. Its SQL implementation lives in
``coopledger.adapters.db.store``; it flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, Self

from coopledger.domain.accounts import Account
from coopledger.domain.assets import FixedAsset
from coopledger.domain.ledger import Balance, Line, Voucher, VoucherDraft
from coopledger.domain.periods import Period
from coopledger.domain.reporting import LedgerEntry, Turnover
from coopledger.domain.roles import Role
from coopledger.services.audit_ports import AuditLog
from coopledger.services.region_ports import Regions


@dataclass(frozen=True, slots=True)
class Org:
    id: int
    code: str
    name: str
    kind: str
    region: str
    chart: str
    allow_single_accountant: bool
    chain_seq: int
    chain_head: str


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    org_id: int
    member_no: str
    name: str
    kind: str
    household_size: int | None
    id_number: str | None
    bank_account: str | None
    poverty_status: str
    joined_on: date | None
    left_on: date | None


@dataclass(frozen=True, slots=True)
class Fund:
    id: int
    org_id: int
    code: str
    name: str
    source: str
    grantor: str
    purpose: str
    granted_fen: int


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    password_hash: str
    role: Role
    org_ids: frozenset[int]
    member_id: int | None
    failed_logins: int
    locked_until: datetime | None
    regions: tuple[str, ...] = ()  # region paths; org_ids include every organization under them
    active: bool = True  # a disabled user signs in no more, its tokens and sessions are dead


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What an administrator sees of a bearer token: never the secret."""

    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class PeriodState:
    year: int
    month: int
    status: str
    last_number: int
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    status: str | None = None
    year: int | None = None
    month: int | None = None
    account: str | None = None
    member_id: int | None = None
    text: str | None = None  # in the voucher's memo or a line's memo


@dataclass(frozen=True, slots=True)
class PostingStamp:
    """What posting writes onto a voucher (the database re-checks it: see the guards)."""

    number: int
    chain_seq: int
    prev_hash: str
    hash: str
    posted_by: int
    posted_at: datetime


class Store(Protocol):
    # organizations and charts
    def org_by_code(self, code: str) -> Org | None: ...
    def org_by_id(self, org_id: int) -> Org | None: ...
    def orgs(self, ids: frozenset[int] | None) -> list[Org]: ...
    def add_org(
        self,
        code: str,
        name: str,
        kind: str,
        region: str,
        chart: str,
        allow_single_accountant: bool,
        accounts: Sequence[Account],
    ) -> Org: ...
    def accounts(self, org_id: int) -> dict[str, Account]: ...
    def add_account(self, org_id: int, account: Account) -> None: ...
    def account_has_lines(self, org_id: int, code: str) -> bool: ...

    # members and funds
    def members_by_no(self, org_id: int, member_nos: set[str]) -> dict[str, int]: ...
    def member(self, org_id: int, member_no: str) -> Member | None: ...
    def member_by_id(self, member_id: int) -> Member | None: ...
    def members(self, org_id: int, limit: int, after_id: int) -> list[Member]: ...
    def add_member(self, org_id: int, fields: Mapping[str, object]) -> Member: ...
    def update_member(self, member_id: int, fields: Mapping[str, object]) -> Member: ...
    def add_member_status(self, member_id: int, status: str, effective_on: date) -> None: ...
    def funds_by_code(self, org_id: int, codes: set[str]) -> dict[str, int]: ...
    def fund(self, org_id: int, code: str) -> Fund | None: ...
    def funds(self, org_id: int) -> list[Fund]: ...
    def add_fund(self, org_id: int, fields: Mapping[str, object]) -> Fund: ...

    # vouchers
    def add_voucher(
        self,
        org_id: int,
        draft: VoucherDraft,
        prepared_by: int,
        at: datetime,
        reverses: int | None = None,
    ) -> int: ...
    def replace_draft(self, voucher_id: int, draft: VoucherDraft) -> None: ...
    def delete_draft(self, voucher_id: int) -> None: ...
    def voucher(self, org_id: int, voucher_id: int, *, lock: bool = False) -> Voucher | None: ...
    def vouchers(
        self, org_id: int, flt: VoucherFilter, limit: int, after_id: int
    ) -> list[Voucher]: ...
    def set_reviewed(self, voucher_id: int, reviewer: int | None, at: datetime | None) -> None: ...
    def next_number(self, org_id: int, year: int, month: int, count: int = 1) -> int | None:
        """Reserve ``count`` consecutive numbers in an open month; the first, or None if closed."""
        ...

    def advance_chain(self, org_id: int, count: int = 1) -> tuple[int, str]:
        """Reserve ``count`` chain positions; (the first, the head before it)."""
        ...

    def add_posted_batch(
        self,
        org_id: int,
        drafts: Sequence[VoucherDraft],
        stamps: Sequence[PostingStamp],
        user_id: int,
        at: datetime,
    ) -> list[int]: ...
    def set_chain_head(self, org_id: int, seq: int, head: str) -> None: ...
    def mark_posted(self, voucher_id: int, stamp: PostingStamp) -> None: ...
    def add_turnover(self, org_id: int, year: int, month: int, lines: Sequence[Line]) -> None: ...
    def posted_in_chain_order(self, org_id: int) -> Iterator[Voucher]: ...
    def chain_hash_at(self, org_id: int, seq: int) -> str | None: ...
    def count_pending(self, org_id: int, year: int, month: int | None) -> int: ...

    # periods and years
    def periods(self, org_id: int) -> list[PeriodState]: ...
    def period_status(self, org_id: int, year: int, month: int) -> str: ...
    def set_period_status(
        self, org_id: int, year: int, month: int, status: str, by: int | None, at: datetime | None
    ) -> None: ...
    def year_closed(self, org_id: int, year: int) -> bool: ...
    def add_fiscal_year(
        self,
        org_id: int,
        year: int,
        surplus_fen: int,
        closing_voucher_id: int | None,
        by: int,
        at: datetime,
    ) -> None: ...
    def pnl_balances(self, org_id: int, through: date) -> list[Balance]: ...

    # reports
    def turnovers(self, org_id: int, start: date, end: date) -> list[Turnover]: ...
    def ledger_entries(
        self, org_id: int, codes: Sequence[str], member_id: int | None, start: date, end: date
    ) -> tuple[int, list[LedgerEntry]]: ...
    def recomputed_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]: ...
    def stored_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]: ...

    # period snapshots: closing balances of closed months
    def write_snapshot(self, org_id: int, year: int, month: int) -> None:
        """Store the closing balances of a month being closed (and drop any later snapshot)."""
        ...

    def drop_snapshots(self, org_id: int, year: int, month: int) -> None:
        """Delete the snapshots of ``year-month`` and every later month (a reopen)."""
        ...

    def snapshot_mismatches(self, org_id: int) -> list[str]:
        """Each stored snapshot row that differs from the posted lines (empty: all agree)."""
        ...

    def consolidated_turnovers(
        self, org_ids: Sequence[int], first: Period, last: Period
    ) -> list[Turnover]:
        """Whole months ``first``..``last`` summed over organizations of one chart, per code."""
        ...

    # users, tokens and web sessions
    def user_by_name(self, username: str) -> User | None:
        """The user whose name matches in any letter case."""
        ...

    def user_by_token(self, token_sha256: str, now: datetime) -> User | None:
        """The active user behind an unexpired token."""
        ...

    def token_last_used(self, token_sha256: str) -> datetime | None: ...
    def touch_token(self, token_sha256: str, now: datetime) -> None: ...
    def users(self) -> list[User]: ...
    def add_user(
        self,
        username: str,
        password_hash: str,
        role: Role,
        org_ids: Sequence[int],
        member_id: int | None,
    ) -> User: ...
    def update_user(
        self,
        user_id: int,
        *,
        role: Role | None = None,
        org_ids: Sequence[int] | None = None,
        member_id: int | None = None,
        password_hash: str | None = None,
        active: bool | None = None,
    ) -> None:
        """Change what is given; ``member_id`` is set together with ``role``."""
        ...

    def record_login(
        self,
        user_id: int,
        failed: int,
        locked_until: datetime | None,
        password_hash: str | None = None,
    ) -> None: ...
    def add_token(
        self, user_id: int, token_sha256: str, at: datetime, expires_at: datetime
    ) -> None: ...
    def delete_token(self, token_sha256: str) -> None: ...
    def tokens_of(self, user_id: int) -> list[TokenInfo]: ...
    def token_owner(self, token_id: int) -> int | None: ...
    def delete_token_by_id(self, token_id: int) -> None: ...
    def revoke_all(
        self, user_id: int, *, keep_token: str | None = None, keep_session: str | None = None
    ) -> int:
        """Delete the user's tokens and web sessions but the two kept (by digest); how many."""
        ...

    def add_web_session(
        self, user_id: int, sid_sha256: str, at: datetime, expires_at: datetime
    ) -> None: ...
    def user_by_web_session(self, sid_sha256: str, now: datetime) -> User | None: ...
    def delete_web_session(self, sid_sha256: str) -> None: ...
    def forget_web_sessions(self, before: datetime) -> None: ...
    def clear_login_failures(self, subjects: Sequence[str]) -> None: ...
    def user_locale(self, user_id: int) -> str | None: ...
    def set_user_locale(self, user_id: int, locale: str) -> None: ...

    # idempotency and audit
    def claim_idempotency(
        self, org_id: int, user_id: int, key: str, request_sha256: str, at: datetime
    ) -> bool:
        """Insert the user's key, or wait for a concurrent holder; False when it exists."""
        ...

    def idempotency(self, org_id: int, user_id: int, key: str) -> tuple[str, int | None] | None: ...
    def bind_idempotency(self, org_id: int, user_id: int, key: str, voucher_id: int) -> None: ...
    def tally_denial(self, subject: str, minute: datetime) -> int:
        """Count one refused request of ``subject`` in ``minute``; the count so far."""
        ...

    def denials(self, subject: str, minute: datetime) -> int: ...
    def forget_denials(self, before: datetime) -> None: ...
    def audit(
        self,
        org_id: int | None,
        actor_id: int | None,
        action: str,
        object_type: str,
        object_key: str,
        detail: Mapping[str, object],
        at: datetime,
    ) -> None: ...


class UnitOfWork(Protocol):
    """One use case, one transaction. Leaving the block without ``commit()`` rolls back."""

    @property
    def store(self) -> Store: ...
    @property
    def registers(self) -> Registers: ...
    @property
    def distributions(self) -> Distributions: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def regions(self) -> Regions: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


# -- registers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Charge:
    """One month's depreciation charge and the state of the voucher that carries it."""

    amount_fen: int
    voucher_id: int
    posted: bool


@dataclass(frozen=True, slots=True)
class AssetRecord:
    id: int
    asset: FixedAsset
    acquisition_voucher_id: int | None
    charges: Mapping[Period, Charge]
    usage: Mapping[Period, int]
    disposal_voucher_id: int | None = None


@dataclass(frozen=True, slots=True)
class FundFigures:
    """What the postings and the registers say of one fund (fen)."""

    received: int  # credits on the fund's 专项应付款 lines
    spent: int  # debits on them
    committed_to_assets: int  # asset funding whose acquisition voucher is not posted yet
    special_fund: int  # 专项基金 formed: funding of assets
    quantified: int  # quantified to members from it
    asset_nos: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HolderRow:
    member_id: int
    member_no: str
    name: str
    kind: str
    status: str  # poverty status on the date asked
    active: bool


@dataclass(frozen=True, slots=True)
class ShareEvent:
    id: int
    kind: str
    occurred_on: date
    reason: str
    fund: str | None
    amount_fen: int | None
    basis: str | None
    statuses: tuple[str, ...]
    share_class: str | None
    from_member: str | None
    to_member: str | None
    voucher_id: int | None
    allocations: tuple[tuple[str, str, int], ...]  # (member_no, class, fen)


@dataclass(frozen=True, slots=True)
class FundLine:
    voucher_id: int
    number: str | None
    status: str
    booked_on: date
    memo: str
    account: str
    debit_fen: int
    credit_fen: int


class Registers(Protocol):
    def add_asset(
        self,
        org_id: int,
        asset: FixedAsset,
        fund_ids: Mapping[str, int],
        voucher_id: int | None,
        at: datetime,
    ) -> int: ...
    def asset(self, org_id: int, asset_no: str) -> AssetRecord | None: ...
    def assets(self, org_id: int) -> list[AssetRecord]: ...
    def add_charges(self, voucher_id: int, charges: Sequence[tuple[int, Period, int]]) -> None: ...
    def set_disposed(self, asset_id: int, on: date, voucher_id: int | None = None) -> None: ...
    def set_usage(self, asset_id: int, period: Period, units: int) -> None: ...
    def fund_figures(self, org_id: int, fund_accounts: Sequence[str]) -> dict[str, FundFigures]: ...
    def fund_lines(self, org_id: int, fund_id: int) -> list[FundLine]: ...
    def holders(self, org_id: int, on: date) -> list[HolderRow]: ...
    def add_share_event(
        self, org_id: int, fields: Mapping[str, object], allocations: Sequence[tuple[int, str, int]]
    ) -> int: ...
    def share_events(self, org_id: int) -> list[ShareEvent]: ...
    def share_balances(self, org_id: int, through: date | None) -> dict[int, dict[str, int]]: ...
    def account_balances_by_member(
        self, org_id: int, code: str, through: date | None
    ) -> dict[int, int]: ...
    def add_member_transaction(
        self, org_id: int, member_id: int, fields: Mapping[str, object]
    ) -> int: ...
    def member_transactions(
        self, org_id: int, member_id: int | None, year: int
    ) -> list[tuple[int, str, str, int, int]]: ...
    def set_member_link(self, member_id: int, linked_org_id: int | None) -> None: ...
    def member_links(self, org_id: int) -> dict[int, int]: ...
    def members_linked_to(self, linked_org_id: int) -> list[tuple[int, int, str]]: ...


# -- surplus distribution ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaidSoFar:
    patronage_fen: int = 0
    residual_fen: int = 0
    offset_fen: int = 0
    converted_fen: int = 0

    @property
    def settled_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class PlanLineRecord:
    member_id: int
    member_no: str
    name: str
    kind: str
    transaction_fen: int
    account_share_fen: int
    fiscal_share_fen: int
    poverty_status: str
    patronage_fen: int
    residual_fen: int
    topup_fen: int
    minimum_fen: int | None
    paid: PaidSoFar

    @property
    def total_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class PlanRecord:
    id: int
    org_code: str
    year: int
    status: str
    inputs: Mapping[str, object]
    S: int
    L: int
    R: int
    others: int
    D: int
    P: int
    Q: int
    T: int
    prepared_by: str
    resolution: str | None
    approved_on: date | None
    approved_by: str | None
    vouchers: tuple[int, ...]
    lines: tuple[PlanLineRecord, ...]


@dataclass(frozen=True, slots=True)
class IssuedStatement:
    code: str
    plan_id: int
    year: int
    total_fen: int
    chain_seq: int
    chain_head: str
    issued_at: datetime


class Distributions(Protocol):
    def fiscal_year_surplus(self, org_id: int, year: int, *, lock: bool = False) -> int | None: ...
    def add_plan(
        self,
        org_id: int,
        year: int,
        pools: Mapping[str, int],
        inputs: Mapping[str, object],
        lines: Sequence[tuple[int, Mapping[str, object]]],
        prepared_by: int,
        at: datetime,
    ) -> int: ...
    def plan(self, org_id: int, plan_id: int, *, lock: bool = False) -> PlanRecord | None: ...
    def plans(self, org_id: int, year: int | None) -> list[tuple[int, int, str]]: ...
    def set_plan(self, plan_id: int, fields: Mapping[str, object]) -> None: ...
    def delete_plan(self, plan_id: int) -> None: ...
    def add_payments(
        self,
        plan_id: int,
        voucher_id: int,
        paid_on: date,
        method: str,
        rows: Sequence[tuple[int, int, int, int]],
    ) -> None: ...
    def paid_to_member(self, plan_id: int, member_id: int) -> int: ...
    def payment_vouchers(self, plan_id: int, member_id: int) -> list[int]:
        """The ids of the vouchers that paid, offset or converted a member's share of a plan."""
        ...

    def receipt(self, org_id: int, plan_id: int) -> int | None: ...
    def add_receipt(self, org_id: int, plan_id: int, amount_fen: int, voucher_id: int) -> None: ...
    def issued_statement(self, plan_id: int, member_id: int) -> IssuedStatement | None: ...
    def issue_statement(self, statement: IssuedStatement, org_id: int, member_id: int) -> None: ...
    def statement_by_code(self, code: str) -> tuple[IssuedStatement, int, int] | None: ...
    def record_document(self, code: str, sha256: str, size: int, at: datetime) -> bool:
        """Record a PDF issued under ``code``; False if this very document was recorded before."""
        ...

    def documents(self, code: str) -> list[tuple[str, datetime]]:
        """(SHA-256, first issued) of every document issued under ``code``, oldest first."""
        ...

"""The SQL implementation of :class:`coopledger.services.ports.Store`.

Rows in, domain values out. It flushes and never commits: the unit of work owns the transaction.
Queries are always scoped by ``org_id``; ids from another organization find nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coopledger.adapters.db import snapshots
from coopledger.adapters.db.auditlog import SqlAuditLog
from coopledger.adapters.db.bulk import (
    SQLITE_INSERT_GUARDS,
    batch_range,
    check_batch,
    insert_rows,
    sqlite_guards_aside,
    sqlite_timestamp,
)
from coopledger.adapters.db.regions import orgs_under, user_regions
from coopledger.adapters.db.tables import (
    AccountRow,
    DenialTallyRow,
    FiscalYearRow,
    FundRow,
    IdempotencyKeyRow,
    LoginAttemptRow,
    MemberRow,
    MemberStatusRow,
    OrganizationRow,
    PeriodBalanceRow,
    PeriodRow,
    TokenRow,
    UserOrgRow,
    UserRow,
    VoucherLineRow,
    VoucherRow,
    WebSessionRow,
)
from coopledger.domain.accounts import Account, Category, Side, Subledger
from coopledger.domain.auditlog import AuditEvent, detail_json
from coopledger.domain.ledger import Balance, Dr, Line, Status, Voucher, VoucherDraft, VoucherKind
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import LedgerEntry, Turnover
from coopledger.domain.roles import Role
from coopledger.services.audit_context import remote_addr
from coopledger.services.ports import (
    Fund,
    Member,
    Org,
    PeriodState,
    PostingStamp,
    TokenInfo,
    User,
    VoucherFilter,
)

_LINES = cast(Table, VoucherLineRow.__table__)
_VOUCHERS = cast(Table, VoucherRow.__table__)
_IDEMPOTENCY = cast(Table, IdempotencyKeyRow.__table__)
_PERIOD_BALANCES = cast(Table, PeriodBalanceRow.__table__)
_SIGNED = case(
    (VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=-VoucherLineRow.amount_fen
)
_DEBIT = case((VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=0)
_CREDIT = case((VoucherLineRow.side == "C", VoucherLineRow.amount_fen), else_=0)


def _ym(year: Any, month: Any) -> Any:
    return year * 100 + month


class SqlStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._account_cache: dict[int, tuple[dict[str, Account], dict[str, int]]] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def _insert(self, table: Any) -> Any:
        if self.session.get_bind().dialect.name == "postgresql":
            return pg_insert(table)
        return sqlite_insert(table)

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _account_ids(self, org_id: int) -> dict[str, int]:
        self.accounts(org_id)
        return self._account_cache[org_id][1]

    # -- organizations and charts ----------------------------------------------------------------

    @staticmethod
    def _org(row: OrganizationRow) -> Org:
        return Org(
            row.id,
            row.code,
            row.name,
            row.kind,
            row.region,
            row.chart,
            row.allow_single_accountant,
            row.chain_seq,
            row.chain_head,
        )

    def org_by_code(self, code: str) -> Org | None:
        row = self.session.scalar(select(OrganizationRow).where(OrganizationRow.code == code))
        return self._org(row) if row else None

    def org_by_id(self, org_id: int) -> Org | None:
        row = self.session.get(OrganizationRow, org_id)
        return self._org(row) if row else None

    def orgs(self, ids: frozenset[int] | None) -> list[Org]:
        query = select(OrganizationRow).order_by(OrganizationRow.code)
        if ids is not None:
            query = query.where(OrganizationRow.id.in_(ids))
        return [self._org(r) for r in self.session.scalars(query)]

    def add_org(
        self,
        code: str,
        name: str,
        kind: str,
        region: str,
        chart: str,
        allow_single_accountant: bool,
        accounts: Sequence[Account],
    ) -> Org:
        row = OrganizationRow(
            code=code,
            name=name,
            kind=kind,
            region=region,
            chart=chart,
            allow_single_accountant=allow_single_accountant,
            chain_seq=0,
            chain_head="0" * 64,
        )
        self.session.add(row)
        self.session.flush()
        for account in sorted(accounts, key=lambda a: (len(a.code), a.code)):
            self.add_account(row.id, account)
        return self._org(row)

    def accounts(self, org_id: int) -> dict[str, Account]:
        if org_id not in self._account_cache:
            rows = self.session.scalars(select(AccountRow).where(AccountRow.org_id == org_id)).all()
            code_of = {r.id: r.code for r in rows}
            accounts = {
                r.code: Account(
                    code=r.code,
                    name_zh=r.name_zh,
                    name_en=r.name_en,
                    category=Category(r.category),
                    normal_side=Side(r.normal_side),
                    subledger=Subledger(r.subledger),
                    contra=r.contra,
                    parent=code_of.get(r.parent_id) if r.parent_id else None,
                    standard=r.standard,
                    postable=r.postable,
                )
                for r in rows
            }
            self._account_cache[org_id] = (accounts, {r.code: r.id for r in rows})
        return self._account_cache[org_id][0]

    def add_account(self, org_id: int, account: Account) -> None:
        parent_id = None
        if account.parent is not None:
            parent_id = self._account_ids(org_id)[account.parent]
            self.session.execute(
                update(AccountRow).where(AccountRow.id == parent_id).values(postable=False)
            )
        self.session.add(
            AccountRow(
                org_id=org_id,
                code=account.code,
                parent_id=parent_id,
                name_zh=account.name_zh,
                name_en=account.name_en,
                category=account.category.value,
                normal_side=account.normal_side.value,
                subledger=account.subledger.value,
                contra=account.contra,
                standard=account.standard,
                postable=account.postable,
            )
        )
        self.session.flush()
        self._account_cache.pop(org_id, None)

    def account_has_lines(self, org_id: int, code: str) -> bool:
        account_id = self._account_ids(org_id).get(code)
        return bool(
            self.session.scalar(select(exists().where(VoucherLineRow.account_id == account_id)))
        )

    # -- members and funds -----------------------------------------------------------------------

    @staticmethod
    def _member(row: MemberRow) -> Member:
        return Member(
            row.id,
            row.org_id,
            row.member_no,
            row.name,
            row.kind,
            row.household_size,
            row.id_number,
            row.bank_account,
            row.poverty_status,
            row.joined_on,
            row.left_on,
        )

    def members_by_no(self, org_id: int, member_nos: set[str]) -> dict[str, int]:
        if not member_nos:
            return {}
        query = select(MemberRow.member_no, MemberRow.id).where(MemberRow.org_id == org_id)
        if len(member_nos) > 200:  # a distribution's thousands: one scan beats thousands of binds
            return {no: i for no, i in self.session.execute(query).tuples() if no in member_nos}
        return dict(
            self.session.execute(query.where(MemberRow.member_no.in_(member_nos))).tuples().all()
        )

    def member(self, org_id: int, member_no: str) -> Member | None:
        row = self.session.scalar(
            select(MemberRow).where(MemberRow.org_id == org_id, MemberRow.member_no == member_no)
        )
        return self._member(row) if row else None

    def member_by_id(self, member_id: int) -> Member | None:
        row = self.session.get(MemberRow, member_id)
        return self._member(row) if row else None

    def members(self, org_id: int, limit: int, after_id: int) -> list[Member]:
        rows = self.session.scalars(
            select(MemberRow)
            .where(MemberRow.org_id == org_id, MemberRow.id > after_id)
            .order_by(MemberRow.id)
            .limit(limit)
        )
        return [self._member(r) for r in rows]

    _MEMBER_FIELDS = (
        "member_no",
        "name",
        "kind",
        "household_size",
        "id_number",
        "bank_account",
        "poverty_status",
        "joined_on",
        "left_on",
    )

    def add_member(self, org_id: int, fields: Mapping[str, object]) -> Member:
        row = MemberRow(
            org_id=org_id, **{k: v for k, v in fields.items() if k in self._MEMBER_FIELDS}
        )
        self.session.add(row)
        self.session.flush()
        return self._member(row)

    def update_member(self, member_id: int, fields: Mapping[str, object]) -> Member:
        row = self.session.get_one(MemberRow, member_id)
        for key, value in fields.items():
            if key in self._MEMBER_FIELDS and key != "member_no":
                setattr(row, key, value)
        self.session.flush()
        return self._member(row)

    def add_member_status(self, member_id: int, status: str, effective_on: date) -> None:
        self.session.add(
            MemberStatusRow(member_id=member_id, status=status, effective_on=effective_on)
        )
        self.session.flush()

    @staticmethod
    def _fund(row: FundRow) -> Fund:
        return Fund(
            row.id,
            row.org_id,
            row.code,
            row.name,
            row.source,
            row.grantor,
            row.purpose,
            row.granted_fen,
        )

    def funds_by_code(self, org_id: int, codes: set[str]) -> dict[str, int]:
        if not codes:
            return {}
        rows = self.session.execute(
            select(FundRow.code, FundRow.id).where(
                FundRow.org_id == org_id, FundRow.code.in_(codes)
            )
        )
        return dict(rows.tuples().all())

    def fund(self, org_id: int, code: str) -> Fund | None:
        row = self.session.scalar(
            select(FundRow).where(FundRow.org_id == org_id, FundRow.code == code)
        )
        return self._fund(row) if row else None

    def funds(self, org_id: int) -> list[Fund]:
        rows = self.session.scalars(
            select(FundRow).where(FundRow.org_id == org_id).order_by(FundRow.code)
        )
        return [self._fund(r) for r in rows]

    def add_fund(self, org_id: int, fields: Mapping[str, object]) -> Fund:
        keys = ("code", "name", "source", "grantor", "purpose", "granted_fen")
        row = FundRow(org_id=org_id, **{k: v for k, v in fields.items() if k in keys})
        self.session.add(row)
        self.session.flush()
        return self._fund(row)

    # -- vouchers --------------------------------------------------------------------------------

    _LINE_COLUMNS = (
        "voucher_id",
        "org_id",
        "line_no",
        "account_id",
        "member_id",
        "fund_id",
        "side",
        "amount_fen",
        "quantity_milli",
        "unit",
        "memo",
    )

    def insert_lines(self, org_id: int, vouchers: Sequence[tuple[int, Sequence[Line]]]) -> None:
        """Insert the lines of drafts: COPY on PostgreSQL, one executemany on SQLite. Lines are
        plain integers and text, so they go straight to the driver (the hot path of posting)."""
        account_ids = self._account_ids(org_id)
        members = self.members_by_no(
            org_id, {ln.member for _, lines in vouchers for ln in lines if ln.member}
        )
        funds = self.funds_by_code(
            org_id, {ln.fund for _, lines in vouchers for ln in lines if ln.fund}
        )
        rows = [
            (
                voucher_id,
                org_id,
                n + 1,
                account_ids[ln.account],
                members[ln.member] if ln.member else None,
                funds[ln.fund] if ln.fund else None,
                ln.side.value,
                ln.amount_fen,
                ln.quantity_milli,
                ln.unit,
                ln.memo,
            )
            for voucher_id, lines in vouchers
            for n, ln in enumerate(lines)
        ]
        insert_rows(self.session, "voucher_line", self._LINE_COLUMNS, rows)

    def add_voucher(
        self,
        org_id: int,
        draft: VoucherDraft,
        prepared_by: int,
        at: datetime,
        reverses: int | None = None,
    ) -> int:
        row = VoucherRow(
            org_id=org_id,
            status=Status.DRAFT.value,
            kind=draft.kind.value,
            booked_on=draft.booked_on,
            year=draft.booked_on.year,
            month=draft.booked_on.month,
            memo=draft.memo,
            attachments=draft.attachments,
            reverses_id=reverses,
            prepared_by=prepared_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        self.insert_lines(org_id, [(row.id, draft.lines)])
        return row.id

    def replace_draft(self, voucher_id: int, draft: VoucherDraft) -> None:
        row = self.session.get_one(VoucherRow, voucher_id)
        self.session.execute(_LINES.delete().where(VoucherLineRow.voucher_id == voucher_id))
        row.booked_on = draft.booked_on
        row.year, row.month = draft.booked_on.year, draft.booked_on.month
        row.memo, row.attachments = draft.memo, draft.attachments
        self.session.flush()
        self.insert_lines(row.org_id, [(voucher_id, draft.lines)])

    def delete_draft(self, voucher_id: int) -> None:
        self.session.execute(
            _IDEMPOTENCY.delete().where(IdempotencyKeyRow.voucher_id == voucher_id)
        )
        self.session.execute(_LINES.delete().where(VoucherLineRow.voucher_id == voucher_id))
        self.session.execute(_VOUCHERS.delete().where(VoucherRow.id == voucher_id))

    def voucher(self, org_id: int, voucher_id: int, *, lock: bool = False) -> Voucher | None:
        query = select(VoucherRow).where(VoucherRow.org_id == org_id, VoucherRow.id == voucher_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(
            query.execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None:
            return None
        return self._vouchers([row])[0]

    def vouchers(self, org_id: int, flt: VoucherFilter, limit: int, after_id: int) -> list[Voucher]:
        query = select(VoucherRow).where(VoucherRow.org_id == org_id, VoucherRow.id > after_id)
        if flt.status:
            query = query.where(VoucherRow.status == flt.status)
        if flt.year:
            query = query.where(VoucherRow.year == flt.year)
        if flt.month:
            query = query.where(VoucherRow.month == flt.month)
        if flt.account:
            ids = [
                i for code, i in self._account_ids(org_id).items() if code.startswith(flt.account)
            ]
            query = query.where(
                exists().where(
                    VoucherLineRow.voucher_id == VoucherRow.id, VoucherLineRow.account_id.in_(ids)
                )
            )
        if flt.member_id:
            query = query.where(
                exists().where(
                    VoucherLineRow.voucher_id == VoucherRow.id,
                    VoucherLineRow.member_id == flt.member_id,
                )
            )
        if flt.text:  # a plain substring: % and _ typed by the user match themselves
            query = query.where(
                or_(
                    VoucherRow.memo.contains(flt.text, autoescape=True),
                    exists().where(
                        VoucherLineRow.voucher_id == VoucherRow.id,
                        VoucherLineRow.memo.contains(flt.text, autoescape=True),
                    ),
                )
            )
        rows = self.session.scalars(query.order_by(VoucherRow.id).limit(limit)).all()
        return self._vouchers(rows)

    def _vouchers(self, rows: Sequence[VoucherRow]) -> list[Voucher]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        org_codes: dict[int, str] = dict(
            self.session.execute(
                select(OrganizationRow.id, OrganizationRow.code).where(
                    OrganizationRow.id.in_({r.org_id for r in rows})
                )
            )
            .tuples()
            .all()
        )
        user_ids = {u for r in rows for u in (r.prepared_by, r.reviewed_by, r.posted_by) if u}
        names: dict[int, str] = dict(
            self.session.execute(
                select(UserRow.id, UserRow.username).where(UserRow.id.in_(user_ids))
            )
            .tuples()
            .all()
        )
        reversed_by: dict[int | None, int] = dict(
            self.session.execute(
                select(VoucherRow.reverses_id, VoucherRow.id).where(VoucherRow.reverses_id.in_(ids))
            )
            .tuples()
            .all()
        )
        lines = self._lines_of(ids)
        return [
            Voucher(
                id=r.id,
                org_code=org_codes[r.org_id],
                status=Status(r.status),
                booked_on=r.booked_on,
                memo=r.memo,
                attachments=r.attachments,
                kind=VoucherKind(r.kind),
                lines=tuple(lines.get(r.id, ())),
                prepared_by=names[r.prepared_by],
                reviewed_by=names.get(r.reviewed_by) if r.reviewed_by else None,
                posted_by=names.get(r.posted_by) if r.posted_by else None,
                number=r.number,
                reverses=r.reverses_id,
                reversed_by=reversed_by.get(r.id),
                chain_seq=r.chain_seq,
                prev_hash=r.prev_hash,
                hash=r.hash,
            )
            for r in rows
        ]

    def _lines_of(self, voucher_ids: Iterable[int]) -> dict[int, list[Line]]:
        query = (
            select(
                VoucherLineRow.voucher_id,
                AccountRow.code,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
                MemberRow.member_no,
                FundRow.code,
                VoucherLineRow.quantity_milli,
                VoucherLineRow.unit,
                VoucherLineRow.memo,
            )
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .outerjoin(FundRow, FundRow.id == VoucherLineRow.fund_id)
            .where(VoucherLineRow.voucher_id.in_(list(voucher_ids)))
            .order_by(VoucherLineRow.voucher_id, VoucherLineRow.line_no)
        )
        out: dict[int, list[Line]] = defaultdict(list)
        for vid, code, side, amount, member_no, fund, qty, unit, memo in self.session.execute(
            query
        ):
            out[vid].append(
                Line(
                    account=code,
                    side=Dr(side),
                    amount_fen=amount,
                    member=member_no,
                    fund=fund,
                    quantity_milli=qty,
                    unit=unit,
                    memo=memo,
                )
            )
        return out

    def set_reviewed(self, voucher_id: int, reviewer: int | None, at: datetime | None) -> None:
        status = Status.REVIEWED if reviewer is not None else Status.DRAFT
        self.session.execute(
            update(VoucherRow)
            .where(VoucherRow.id == voucher_id)
            .values(status=status.value, reviewed_by=reviewer, reviewed_at=at)
        )

    def _ensure_period(self, org_id: int, year: int, month: int) -> None:
        stmt = self._insert(PeriodRow).values(
            org_id=org_id, year=year, month=month, status="open", last_number=0
        )
        self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["org_id", "year", "month"])
        )

    def next_number(self, org_id: int, year: int, month: int, count: int = 1) -> int | None:
        self._ensure_period(org_id, year, month)
        last = self.session.scalar(
            update(PeriodRow)
            .where(
                PeriodRow.org_id == org_id,
                PeriodRow.year == year,
                PeriodRow.month == month,
                PeriodRow.status == "open",
            )
            .values(last_number=PeriodRow.last_number + count)
            .returning(PeriodRow.last_number)
        )
        return None if last is None else int(last) - count + 1

    def advance_chain(self, org_id: int, count: int = 1) -> tuple[int, str]:
        row = self.session.execute(
            update(OrganizationRow)
            .where(OrganizationRow.id == org_id)
            .values(chain_seq=OrganizationRow.chain_seq + count)
            .returning(OrganizationRow.chain_seq, OrganizationRow.chain_head)
        ).one()
        return int(row[0]) - count + 1, str(row[1])

    def add_posted_batch(
        self,
        org_id: int,
        drafts: Sequence[VoucherDraft],
        stamps: Sequence[PostingStamp],
        user_id: int,
        at: datetime,
    ) -> list[int]:
        """Insert many vouchers with their numbers and hashes, posted, and their lines. The
        stamps' chain positions are consecutive.

        PostgreSQL: inserted as drafts and posted by one UPDATE, which its statement-level guard
        checks at once. SQLite runs its guards once per row, which costs more than the rows:
        there they are set aside for the batch, the vouchers go in posted, and one set query
        checks the batch for what the guards would have refused (``bulk.check_batch``)."""
        if not drafts:
            return []
        if not self._postgres:
            self.session.flush()
            connection = self.session.connection()
            with sqlite_guards_aside(connection, SQLITE_INSERT_GUARDS):
                ids = self._insert_batch(org_id, drafts, stamps, user_id, at, posted=True)
                check_batch(connection, *batch_range(ids), posted=True)
        else:
            ids = self._insert_batch(org_id, drafts, stamps, user_id, at, posted=False)
            first, last = stamps[0].chain_seq, stamps[-1].chain_seq
            self.session.execute(
                update(_VOUCHERS)
                .where(_VOUCHERS.c.org_id == org_id, _VOUCHERS.c.chain_seq.between(first, last))
                .values(status=Status.POSTED.value, posted_by=user_id, posted_at=at)
            )
        by_month: dict[tuple[int, int], list[Line]] = defaultdict(list)
        for draft in drafts:
            by_month[(draft.booked_on.year, draft.booked_on.month)].extend(draft.lines)
        self._add_turnovers(org_id, by_month)
        return ids

    _BATCH_COLUMNS = (
        "org_id",
        "status",
        "kind",
        "booked_on",
        "year",
        "month",
        "number",
        "memo",
        "attachments",
        "prepared_by",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "chain_seq",
        "prev_hash",
        "hash",
        "posted_by",
        "posted_at",
    )

    def _insert_batch(
        self,
        org_id: int,
        drafts: Sequence[VoucherDraft],
        stamps: Sequence[PostingStamp],
        user_id: int,
        at: datetime,
        *,
        posted: bool,
    ) -> list[int]:
        """The batch's vouchers (drafts, or posted) and their lines; their ids, in order."""
        vtable = _VOUCHERS
        # COPY adapts dates and timestamps itself; SQLite stores them as text, as the models do
        stamp: object = at if self._postgres else sqlite_timestamp(at)
        status = (Status.POSTED if posted else Status.DRAFT).value
        rows = [
            (
                org_id,
                status,
                d.kind.value,
                d.booked_on if self._postgres else d.booked_on.isoformat(),
                d.booked_on.year,
                d.booked_on.month,
                st.number,
                d.memo,
                d.attachments,
                user_id,
                user_id,
                stamp,
                stamp,
                st.chain_seq,
                st.prev_hash,
                st.hash,
                user_id if posted else None,
                stamp if posted else None,
            )
            for d, st in zip(drafts, stamps, strict=True)
        ]
        insert_rows(self.session, "voucher", self._BATCH_COLUMNS, rows)
        first, last = stamps[0].chain_seq, stamps[-1].chain_seq
        in_batch = (vtable.c.org_id == org_id, vtable.c.chain_seq.between(first, last))
        id_of = dict(
            self.session.execute(select(vtable.c.chain_seq, vtable.c.id).where(*in_batch))
            .tuples()
            .all()
        )
        ids = [int(id_of[st.chain_seq]) for st in stamps]
        self.insert_lines(org_id, [(i, d.lines) for i, d in zip(ids, drafts, strict=True)])
        return ids

    def set_chain_head(self, org_id: int, seq: int, head: str) -> None:
        self.session.execute(
            update(OrganizationRow)
            .where(OrganizationRow.id == org_id, OrganizationRow.chain_seq == seq)
            .values(chain_head=head)
        )

    def mark_posted(self, voucher_id: int, stamp: PostingStamp) -> None:
        self.session.execute(
            update(VoucherRow)
            .where(VoucherRow.id == voucher_id)
            .values(
                status=Status.POSTED.value,
                number=stamp.number,
                chain_seq=stamp.chain_seq,
                prev_hash=stamp.prev_hash,
                hash=stamp.hash,
                posted_by=stamp.posted_by,
                posted_at=stamp.posted_at,
            )
        )

    def add_turnover(self, org_id: int, year: int, month: int, lines: Sequence[Line]) -> None:
        self._add_turnovers(org_id, {(year, month): lines})

    def _add_turnovers(
        self, org_id: int, by_month: Mapping[tuple[int, int], Sequence[Line]]
    ) -> None:
        """Add posted lines to the per-account, per-month turnover: one upsert statement,
        rows in (account, month) order so that concurrent postings lock them alike."""
        account_ids = self._account_ids(org_id)
        sums: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
        for (year, month), lines in by_month.items():
            for line in lines:
                key = (account_ids[line.account], year, month)
                sums[key][0 if line.side is Dr.DEBIT else 1] += line.amount_fen
        if not sums:
            return
        snapshots.check_room(self.session, sums, {i: code for code, i in account_ids.items()})
        table = _PERIOD_BALANCES
        stmt = self._insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "year", "month"],
            set_={
                "debit_fen": table.c.debit_fen + stmt.excluded.debit_fen,
                "credit_fen": table.c.credit_fen + stmt.excluded.credit_fen,
            },
        )
        self.session.execute(
            stmt,
            [
                {
                    "account_id": a,
                    "year": y,
                    "month": m,
                    "org_id": org_id,
                    "debit_fen": d,
                    "credit_fen": c,
                }
                for (a, y, m), (d, c) in sorted(sums.items())
            ],
        )

    def chain_hash_at(self, org_id: int, seq: int) -> str | None:
        return self.session.scalar(
            select(VoucherRow.hash).where(
                VoucherRow.org_id == org_id,
                VoucherRow.chain_seq == seq,
                VoucherRow.status == "posted",
            )
        )

    def posted_in_chain_order(self, org_id: int) -> Iterator[Voucher]:
        after = 0
        while True:
            rows = self.session.scalars(
                select(VoucherRow)
                .where(
                    VoucherRow.org_id == org_id,
                    VoucherRow.status == "posted",
                    VoucherRow.chain_seq > after,
                )
                .order_by(VoucherRow.chain_seq)
                .limit(1000)
                .execution_options(populate_existing=True)
            ).all()
            if not rows:
                return
            yield from self._vouchers(rows)
            after = rows[-1].chain_seq or 0
            self.session.expunge_all()

    def count_pending(self, org_id: int, year: int, month: int | None) -> int:
        query = (
            select(func.count())
            .select_from(VoucherRow)
            .where(
                VoucherRow.org_id == org_id, VoucherRow.year == year, VoucherRow.status != "posted"
            )
        )
        if month is not None:
            query = query.where(VoucherRow.month == month)
        return int(self.session.scalar(query) or 0)

    # -- periods and years -----------------------------------------------------------------------

    def periods(self, org_id: int) -> list[PeriodState]:
        rows = self.session.scalars(
            select(PeriodRow)
            .where(PeriodRow.org_id == org_id)
            .order_by(PeriodRow.year, PeriodRow.month)
        )
        return [PeriodState(r.year, r.month, r.status, r.last_number, r.closed_at) for r in rows]

    def period_status(self, org_id: int, year: int, month: int) -> str:
        status = self.session.scalar(
            select(PeriodRow.status).where(
                PeriodRow.org_id == org_id, PeriodRow.year == year, PeriodRow.month == month
            )
        )
        return status or "open"

    def set_period_status(
        self, org_id: int, year: int, month: int, status: str, by: int | None, at: datetime | None
    ) -> None:
        self._ensure_period(org_id, year, month)
        self.session.execute(
            update(PeriodRow)
            .where(PeriodRow.org_id == org_id, PeriodRow.year == year, PeriodRow.month == month)
            .values(status=status, closed_by=by, closed_at=at)
        )

    def year_closed(self, org_id: int, year: int) -> bool:
        return bool(
            self.session.scalar(
                select(exists().where(FiscalYearRow.org_id == org_id, FiscalYearRow.year == year))
            )
        )

    def add_fiscal_year(
        self,
        org_id: int,
        year: int,
        surplus_fen: int,
        closing_voucher_id: int | None,
        by: int,
        at: datetime,
    ) -> None:
        self.session.add(
            FiscalYearRow(
                org_id=org_id,
                year=year,
                surplus_fen=surplus_fen,
                closing_voucher_id=closing_voucher_id,
                closed_by=by,
                closed_at=at,
            )
        )
        self.session.flush()

    def pnl_balances(self, org_id: int, through: date) -> list[Balance]:
        query = (
            select(AccountRow.code, MemberRow.member_no, FundRow.code, func.sum(_SIGNED))
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .outerjoin(FundRow, FundRow.id == VoucherLineRow.fund_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,  # the voucher index finds an organization's lines
                VoucherRow.status == "posted",
                VoucherRow.booked_on <= through,
                AccountRow.category.in_([Category.INCOME.value, Category.EXPENSE.value]),
            )
            .group_by(AccountRow.code, MemberRow.member_no, FundRow.code)
        )
        return [
            Balance(code, int(net), member, fund)
            for code, member, fund, net in self.session.execute(query)
            if net
        ]

    # -- reports ---------------------------------------------------------------------------------

    def _pb_sums(
        self, org_id: int, first: Period | None, last: Period | None
    ) -> dict[int, tuple[int, int]]:
        ym = _ym(PeriodBalanceRow.year, PeriodBalanceRow.month)
        query = select(
            PeriodBalanceRow.account_id,
            func.sum(PeriodBalanceRow.debit_fen),
            func.sum(PeriodBalanceRow.credit_fen),
        ).where(PeriodBalanceRow.org_id == org_id)
        if first is not None:
            query = query.where(ym >= first.year * 100 + first.month)
        if last is not None:
            query = query.where(ym <= last.year * 100 + last.month)
        rows = self.session.execute(query.group_by(PeriodBalanceRow.account_id))
        return {a: (int(d), int(c)) for a, d, c in rows}

    def _line_sums(self, org_id: int, start: date, end: date) -> dict[int, tuple[int, int]]:
        if start > end:
            return {}
        # the vouchers of the range drive the query (their date index), then their lines
        in_range = select(VoucherRow.id).where(
            VoucherRow.org_id == org_id,
            VoucherRow.status == "posted",
            VoucherRow.booked_on >= start,
            VoucherRow.booked_on <= end,
        )
        rows = self.session.execute(
            select(VoucherLineRow.account_id, func.sum(_DEBIT), func.sum(_CREDIT))
            .where(VoucherLineRow.voucher_id.in_(in_range))
            .group_by(VoucherLineRow.account_id)
        )
        return {a: (int(d), int(c)) for a, d, c in rows}

    def turnovers(self, org_id: int, start: date, end: date) -> list[Turnover]:
        first, last = Period.of(start), Period.of(end)
        opening = _add(
            snapshots.sums_through(self.session, org_id, first.previous()),
            self._line_sums(org_id, first.first_day, date.fromordinal(start.toordinal() - 1))
            if start > first.first_day
            else {},
        )
        if first == last:
            if start == first.first_day and end == last.last_day:
                within = self._pb_sums(org_id, first, last)
            else:
                within = self._line_sums(org_id, start, end)
        else:
            head_full = start == first.first_day
            tail_full = end == last.last_day
            within = self._pb_sums(
                org_id, first if head_full else first.next(), last if tail_full else last.previous()
            )
            if not head_full:
                within = _add(within, self._line_sums(org_id, start, first.last_day))
            if not tail_full:
                within = _add(within, self._line_sums(org_id, last.first_day, end))
        codes = {i: c for c, i in self._account_ids(org_id).items()}
        return [
            Turnover(
                codes[a],
                opening.get(a, (0, 0))[0] - opening.get(a, (0, 0))[1],
                within.get(a, (0, 0))[0],
                within.get(a, (0, 0))[1],
            )
            for a in sorted(set(opening) | set(within), key=lambda i: codes[i])
        ]

    # -- period snapshots (adapters/db/snapshots.py) ----------------------------------------------

    def write_snapshot(self, org_id: int, year: int, month: int) -> None:
        snapshots.write(self.session, org_id, year, month)

    def drop_snapshots(self, org_id: int, year: int, month: int) -> None:
        snapshots.drop_from(self.session, org_id, year, month)

    def snapshot_mismatches(self, org_id: int) -> list[str]:
        return snapshots.mismatches(self.session, org_id)

    def consolidated_turnovers(
        self, org_ids: Sequence[int], first: Period, last: Period
    ) -> list[Turnover]:
        return snapshots.consolidated_turnovers(self.session, org_ids, first, last)

    def ledger_entries(
        self, org_id: int, codes: Sequence[str], member_id: int | None, start: date, end: date
    ) -> tuple[int, list[LedgerEntry]]:
        ids = [self._account_ids(org_id)[c] for c in codes]
        base = [
            VoucherLineRow.org_id == org_id,
            VoucherRow.org_id == org_id,  # the voucher index finds an organization's lines
            VoucherLineRow.account_id.in_(ids),
            VoucherRow.status == "posted",
        ]
        if member_id is not None:
            base.append(VoucherLineRow.member_id == member_id)
        opening = self.session.scalar(
            select(func.coalesce(func.sum(_SIGNED), 0))
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(*base, VoucherRow.booked_on < start)
        )
        rows = self.session.execute(
            select(
                VoucherRow.id,
                VoucherRow.booked_on,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherRow.memo,
                VoucherLineRow.memo,
                AccountRow.code,
                MemberRow.member_no,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
            )
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .where(*base, VoucherRow.booked_on >= start, VoucherRow.booked_on <= end)
            .order_by(
                VoucherRow.booked_on,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherLineRow.line_no,
            )
        )
        entries = [
            LedgerEntry(
                vid,
                booked.isoformat(),
                voucher_number(Period(y, m), n),
                line_memo or memo,
                code,
                member_no,
                amount if side == "D" else 0,
                amount if side == "C" else 0,
            )
            for vid, booked, y, m, n, memo, line_memo, code, member_no, side, amount in rows
        ]
        return int(opening or 0), entries

    def recomputed_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]:
        rows = self.session.execute(
            select(
                AccountRow.code,
                VoucherRow.year,
                VoucherRow.month,
                func.sum(_DEBIT),
                func.sum(_CREDIT),
            )
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
            )
            .group_by(AccountRow.code, VoucherRow.year, VoucherRow.month)
        )
        return {(c, y, m): (int(d), int(cr)) for c, y, m, d, cr in rows}

    def stored_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]:
        rows = self.session.execute(
            select(
                AccountRow.code,
                PeriodBalanceRow.year,
                PeriodBalanceRow.month,
                PeriodBalanceRow.debit_fen,
                PeriodBalanceRow.credit_fen,
            )
            .join(AccountRow, AccountRow.id == PeriodBalanceRow.account_id)
            .where(PeriodBalanceRow.org_id == org_id)
        )
        return {(c, y, m): (int(d), int(cr)) for c, y, m, d, cr in rows}

    # -- users, tokens and web sessions ----------------------------------------------------------

    def _user(self, row: UserRow) -> User:
        org_ids = frozenset(
            self.session.scalars(select(UserOrgRow.org_id).where(UserOrgRow.user_id == row.id))
        )
        regions = user_regions(self.session, row.id)  # and every org under them
        org_ids |= orgs_under(self.session, regions)
        return User(
            row.id,
            row.username,
            row.password_hash,
            Role(row.role),
            org_ids,
            row.member_id,
            row.failed_logins,
            row.locked_until,
            regions,
            row.active,
        )

    def user_by_name(self, username: str) -> User | None:
        """The user whose name matches in any letter case (``Admin`` is ``admin``)."""
        row = self.session.scalar(select(UserRow).where(UserRow.username_key == username.lower()))
        return self._user(row) if row else None

    def user_by_token(self, token_sha256: str, now: datetime) -> User | None:
        return self._active_user(TokenRow, TokenRow.token_sha256 == token_sha256, now)

    def _active_user(self, grant: Any, matches: Any, now: datetime) -> User | None:
        """The active user a grant (a token or a web session) that ``matches`` and has not
        expired belongs to."""
        row = self.session.scalar(
            select(UserRow)
            .join(grant, grant.user_id == UserRow.id)
            .where(matches, grant.expires_at > now, UserRow.active.is_(True))
        )
        return self._user(row) if row else None

    def token_last_used(self, token_sha256: str) -> datetime | None:
        return self.session.scalar(
            select(TokenRow.last_used_at).where(TokenRow.token_sha256 == token_sha256)
        )

    def touch_token(self, token_sha256: str, now: datetime) -> None:
        self.session.execute(
            update(TokenRow).where(TokenRow.token_sha256 == token_sha256).values(last_used_at=now)
        )

    def users(self) -> list[User]:
        return [
            self._user(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))
        ]

    def add_user(
        self,
        username: str,
        password_hash: str,
        role: Role,
        org_ids: Sequence[int],
        member_id: int | None,
    ) -> User:
        row = UserRow(
            username=username,
            username_key=username.lower(),
            password_hash=password_hash,
            role=role.value,
            member_id=member_id,
            failed_logins=0,
            active=True,
        )
        self.session.add(row)
        self.session.flush()
        for org_id in sorted(set(org_ids)):
            self.session.add(UserOrgRow(user_id=row.id, org_id=org_id))
        self.session.flush()
        return self._user(row)

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
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = role.value
            values["member_id"] = member_id
        if password_hash is not None:
            values["password_hash"] = password_hash
        if active is not None:
            values["active"] = active
        if values:
            self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))
        if org_ids is not None:
            self.session.execute(delete(UserOrgRow).where(UserOrgRow.user_id == user_id))
            for org_id in sorted(set(org_ids)):
                self.session.add(UserOrgRow(user_id=user_id, org_id=org_id))
        self.session.flush()

    def record_login(
        self,
        user_id: int,
        failed: int,
        locked_until: datetime | None,
        password_hash: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"failed_logins": failed, "locked_until": locked_until}
        if password_hash:
            values["password_hash"] = password_hash
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))

    def add_token(
        self, user_id: int, token_sha256: str, at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            TokenRow(
                user_id=user_id, token_sha256=token_sha256, created_at=at, expires_at=expires_at
            )
        )
        self.session.flush()

    def delete_token(self, token_sha256: str) -> None:
        self.session.execute(delete(TokenRow).where(TokenRow.token_sha256 == token_sha256))

    def tokens_of(self, user_id: int) -> list[TokenInfo]:
        rows = self.session.execute(
            select(TokenRow.id, TokenRow.created_at, TokenRow.expires_at, TokenRow.last_used_at)
            .where(TokenRow.user_id == user_id)
            .order_by(TokenRow.id)
        )
        return [TokenInfo(i, c, e, u) for i, c, e, u in rows]

    def token_owner(self, token_id: int) -> int | None:
        return self.session.scalar(select(TokenRow.user_id).where(TokenRow.id == token_id))

    def delete_token_by_id(self, token_id: int) -> None:
        self.session.execute(delete(TokenRow).where(TokenRow.id == token_id))

    def revoke_all(
        self, user_id: int, *, keep_token: str | None = None, keep_session: str | None = None
    ) -> int:
        """Delete the user's tokens and web sessions but the two kept (by digest); how many."""
        tokens = delete(TokenRow).where(TokenRow.user_id == user_id)
        if keep_token is not None:
            tokens = tokens.where(TokenRow.token_sha256 != keep_token)
        web = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
        if keep_session is not None:
            web = web.where(WebSessionRow.sid_sha256 != keep_session)
        removed = 0
        for stmt in (tokens, web):
            result = cast(CursorResult[Any], self.session.execute(stmt))
            removed += result.rowcount
        return removed

    def add_web_session(
        self, user_id: int, sid_sha256: str, at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            WebSessionRow(
                user_id=user_id, sid_sha256=sid_sha256, created_at=at, expires_at=expires_at
            )
        )
        self.session.flush()

    def user_by_web_session(self, sid_sha256: str, now: datetime) -> User | None:
        return self._active_user(WebSessionRow, WebSessionRow.sid_sha256 == sid_sha256, now)

    def delete_web_session(self, sid_sha256: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.sid_sha256 == sid_sha256))

    def forget_web_sessions(self, before: datetime) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < before))

    def clear_login_failures(self, subjects: Sequence[str]) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.subject.in_(subjects)))

    def user_locale(self, user_id: int) -> str | None:
        return self.session.scalar(select(UserRow.locale).where(UserRow.id == user_id))

    def set_user_locale(self, user_id: int, locale: str) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(locale=locale))

    # -- idempotency and audit -------------------------------------------------------------------

    def claim_idempotency(
        self, org_id: int, user_id: int, key: str, request_sha256: str, at: datetime
    ) -> bool:
        stmt = (
            self._insert(IdempotencyKeyRow)
            .values(
                org_id=org_id,
                user_id=user_id,
                key=key,
                request_sha256=request_sha256,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["org_id", "user_id", "key"])
            .returning(IdempotencyKeyRow.id)
        )
        return self.session.execute(stmt).first() is not None

    def idempotency(self, org_id: int, user_id: int, key: str) -> tuple[str, int | None] | None:
        row = self.session.execute(
            select(IdempotencyKeyRow.request_sha256, IdempotencyKeyRow.voucher_id).where(
                IdempotencyKeyRow.org_id == org_id,
                IdempotencyKeyRow.user_id == user_id,
                IdempotencyKeyRow.key == key,
            )
        ).first()
        return (row[0], row[1]) if row else None

    def bind_idempotency(self, org_id: int, user_id: int, key: str, voucher_id: int) -> None:
        self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                IdempotencyKeyRow.org_id == org_id,
                IdempotencyKeyRow.user_id == user_id,
                IdempotencyKeyRow.key == key,
            )
            .values(voucher_id=voucher_id)
        )

    def tally_denial(self, subject: str, minute: datetime) -> int:
        """Count one refused request of ``subject`` in ``minute``; the count so far."""
        stmt = (
            self._insert(DenialTallyRow)
            .values(subject=subject[:200], minute=minute, count=1)
            .on_conflict_do_update(
                index_elements=["subject", "minute"],
                set_={"count": DenialTallyRow.count + 1},
            )
            .returning(DenialTallyRow.count)
        )
        return int(self.session.execute(stmt).scalar_one())

    def denials(self, subject: str, minute: datetime) -> int:
        return int(
            self.session.scalar(
                select(DenialTallyRow.count).where(
                    DenialTallyRow.subject == subject[:200], DenialTallyRow.minute == minute
                )
            )
            or 0
        )

    def forget_denials(self, before: datetime) -> None:
        self.session.execute(delete(DenialTallyRow).where(DenialTallyRow.minute < before))

    def audit(
        self,
        org_id: int | None,
        actor_id: int | None,
        action: str,
        object_type: str,
        object_key: str,
        detail: Mapping[str, object],
        at: datetime,
    ) -> None:
        """Append to the organization's audit chain (see :mod:`coopledger.adapters.db.auditlog`)."""
        SqlAuditLog(self.session).append(
            AuditEvent(
                chain_key=org_id or 0,
                seq=0,
                org_id=org_id,
                actor_id=actor_id,
                actor_name="",
                remote_addr=remote_addr(),
                action=action,
                object_type=object_type,
                object_key=object_key,
                detail=detail_json(detail),
                at=at,
            )
        )


def _add(
    a: Mapping[int, tuple[int, int]], b: Mapping[int, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    out = dict(a)
    for key, (d, c) in b.items():
        od, oc = out.get(key, (0, 0))
        out[key] = (od + d, oc + c)
    return out


__all__ = ["SqlStore"]

"""The vouchers in SQL: drafts and their lines, numbering, the chain, posting in batches, and
the monthly turnover posting keeps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Table, and_, exists, func, or_, select, update
from sqlalchemy.orm import QueryableAttribute, aliased

from coopledger.adapters.db import memo_search, snapshots
from coopledger.adapters.db.accounts import SqlAccounts
from coopledger.adapters.db.base import (
    IDEMPOTENCY,
    LINES,
    PERIOD_BALANCES,
    SHAPE_TURNOVER,
    VOUCHERS,
)
from coopledger.adapters.db.bulk import (
    SQLITE_INSERT_GUARDS,
    SQLITE_MEMO_INDEXERS,
    batch_range,
    check_batch,
    insert_rows,
    sqlite_guards_aside,
    sqlite_index_memos,
    sqlite_timestamp,
)
from coopledger.adapters.db.funds import SqlFunds
from coopledger.adapters.db.members import SqlMembers
from coopledger.adapters.db.periods import SqlPeriods
from coopledger.adapters.db.tables import (
    AccountRow,
    FundRow,
    IdempotencyKeyRow,
    MemberRow,
    OrganizationRow,
    PeriodBalanceRow,
    PeriodRow,
    UserRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.ledger import Dr, Line, Status, Voucher, VoucherDraft, VoucherKind
from coopledger.domain.periods import Period
from coopledger.domain.reporting import shapes_of
from coopledger.services.ports import PostingStamp, VoucherFilter


class SqlVouchers(SqlPeriods, SqlMembers, SqlFunds, SqlAccounts):
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
        self.session.execute(LINES.delete().where(VoucherLineRow.voucher_id == voucher_id))
        row.booked_on = draft.booked_on
        row.year, row.month = draft.booked_on.year, draft.booked_on.month
        row.memo, row.attachments = draft.memo, draft.attachments
        self.session.flush()
        self.insert_lines(row.org_id, [(voucher_id, draft.lines)])

    def delete_draft(self, voucher_id: int) -> None:
        self.session.execute(IDEMPOTENCY.delete().where(IdempotencyKeyRow.voucher_id == voucher_id))
        self.session.execute(LINES.delete().where(VoucherLineRow.voucher_id == voucher_id))
        self.session.execute(VOUCHERS.delete().where(VoucherRow.id == voucher_id))

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
        query = select(VoucherRow).where(VoucherRow.id > after_id, *self._matching(org_id, flt))
        rows = self.session.scalars(query.order_by(VoucherRow.id).limit(limit)).all()
        return self._vouchers(rows)

    def voucher_page(
        self, org_id: int, flt: VoucherFilter, limit: int, offset: int
    ) -> list[Voucher]:
        """The page's ids first, from the index alone (skipping ``offset`` entries reads no
        voucher), then those vouchers."""
        ids = (
            select(VoucherRow.id)
            .where(*self._matching(org_id, flt))
            .order_by(VoucherRow.id)
            .limit(limit)
            .offset(offset)
        )
        rows = self.session.scalars(
            select(VoucherRow).where(VoucherRow.id.in_(ids)).order_by(VoucherRow.id)
        )
        return self._vouchers(rows.all())

    def voucher_summary(self, org_id: int, flt: VoucherFilter) -> tuple[int, int]:
        """The count from the vouchers' indexes. The debits of posted vouchers filtered by month
        or not at all are the stored monthly turnover's (posting writes it with the lines, in
        the same transaction; ``audit verify`` recomputes it); the other vouchers' debits, and
        all of them under a filter the turnover cannot answer (account, member, text), are
        summed from the lines of the matching vouchers."""
        matching = self._matching(org_id, flt)
        if flt.account or flt.member_id or flt.text:
            return self._summed(matching)
        count = self.session.scalar(select(func.count()).select_from(VoucherRow).where(*matching))
        debit = 0
        if flt.status in (None, Status.POSTED.value):
            debit += self._posted_debit(org_id, flt.year, flt.month)
        if flt.status != Status.POSTED.value:
            unposted = VoucherRow.status.in_((Status.DRAFT.value, Status.REVIEWED.value))
            debit += self._summed([*matching, unposted])[1]
        return int(count or 0), debit

    def voucher_ids(self, org_id: int, flt: VoucherFilter, limit: int) -> list[int]:
        """A text is looked for in the vouchers' own memos first, in id order; when ``limit`` of
        them match, only the lines of the vouchers up to the last of those can add one before it
        (the lines' voucher index bounds that read), so a common word reads a few thousand rows,
        not every line."""

        def first(*where: ColumnElement[bool]) -> list[int]:
            query = select(VoucherRow.id).where(*where).order_by(VoucherRow.id).limit(limit)
            return [int(i) for i in self.session.scalars(query)]

        if not flt.text:
            return first(*self._matching(org_id, flt))
        base = self._matching(org_id, replace(flt, text=None))
        fts = memo_search.fts_match("voucher", flt.text) if not self._postgres else None
        if fts is None:
            own = first(*base, *self._voucher_memo_has(flt.text))
        else:  # SQLite: its trigram index read in id order, stopping at the limit
            index, match = fts
            query = (
                select(VoucherRow.id)
                .select_from(index)
                .join(VoucherRow, VoucherRow.id == index.c.rowid)
                .where(match, *base, VoucherRow.memo.contains(flt.text, autoescape=True))
                .order_by(index.c.rowid)
                .limit(limit)
            )
            own = [int(i) for i in self.session.scalars(query)]
        with_line = select(VoucherLineRow.voucher_id).where(
            VoucherLineRow.org_id == org_id, *self._line_memo_has(flt.text)
        )
        if len(own) == limit:
            with_line = with_line.where(VoucherLineRow.voucher_id <= own[-1])
        by_line = first(*base, VoucherRow.id.in_(with_line))
        return sorted({*own, *by_line})[:limit]

    def vouchers_by_id(self, org_id: int, ids: Sequence[int]) -> list[Voucher]:
        if not ids:
            return []
        rows = self.session.scalars(
            select(VoucherRow)
            .where(VoucherRow.org_id == org_id, VoucherRow.id.in_(sorted(ids)))
            .order_by(VoucherRow.id)
        )
        return self._vouchers(rows.all())

    def debit_of(self, org_id: int, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        return int(
            self.session.scalar(
                select(func.coalesce(func.sum(VoucherLineRow.amount_fen), 0)).where(
                    VoucherLineRow.org_id == org_id,
                    VoucherLineRow.voucher_id.in_(sorted(ids)),
                    VoucherLineRow.side == Dr.DEBIT.value,
                )
            )
            or 0
        )

    def _summed(self, matching: Sequence[ColumnElement[bool]]) -> tuple[int, int]:
        """How many vouchers are ``matching`` and their debit lines summed, in one pass over
        them (each voucher's lines by its own index)."""
        line = aliased(VoucherLineRow)  # the filters' own subqueries read voucher_line
        debit = (
            select(func.sum(line.amount_fen))
            .where(line.voucher_id == VoucherRow.id, line.side == "D")
            .scalar_subquery()
        )
        each = select(debit.label("debit_fen")).where(*matching).subquery()
        count, total = self.session.execute(
            select(func.count(), func.coalesce(func.sum(each.c.debit_fen), 0))
        ).one()
        return int(count), int(total)

    def _posted_debit(self, org_id: int, year: int | None, month: int | None) -> int:
        """The debits posted in ``org_id``, in ``year`` and ``month`` where given: the stored
        turnover's, a row per account and month."""
        query = select(func.coalesce(func.sum(PeriodBalanceRow.debit_fen), 0)).where(
            PeriodBalanceRow.org_id == org_id
        )
        if year:
            query = query.where(PeriodBalanceRow.year == year)
        if month:
            query = query.where(PeriodBalanceRow.month == month)
        return int(self.session.scalar(query) or 0)

    def _matching(self, org_id: int, flt: VoucherFilter) -> list[ColumnElement[bool]]:
        """The conditions on a voucher row that ``flt`` asks for, in ``org_id``."""
        where: list[ColumnElement[bool]] = [VoucherRow.org_id == org_id]
        if flt.status:
            where.append(VoucherRow.status == flt.status)
        if flt.year:
            where.append(VoucherRow.year == flt.year)
        if flt.month:
            where.append(VoucherRow.month == flt.month)
        if flt.account:
            ids = [
                i for code, i in self._account_ids(org_id).items() if code.startswith(flt.account)
            ]
            where.append(
                exists().where(
                    VoucherLineRow.voucher_id == VoucherRow.id, VoucherLineRow.account_id.in_(ids)
                )
            )
        if flt.member_id:
            where.append(
                exists().where(
                    VoucherLineRow.voucher_id == VoucherRow.id,
                    VoucherLineRow.member_id == flt.member_id,
                )
            )
        if flt.text:  # a plain substring: % and _ typed by the user match themselves
            # the lines' memos are read once for all the vouchers, not once for each voucher
            with_line = select(VoucherLineRow.voucher_id).where(
                VoucherLineRow.org_id == org_id, *self._line_memo_has(flt.text)
            )
            where.append(or_(and_(*self._voucher_memo_has(flt.text)), VoucherRow.id.in_(with_line)))
        return where

    def _voucher_memo_has(self, needle: str) -> list[ColumnElement[bool]]:
        """A voucher's memo holds ``needle``: a plain substring (``%`` and ``_`` typed by the
        user match themselves); on SQLite, among the rows its trigram index finds first."""
        return self._memo_has(VoucherRow.id, VoucherRow.memo, "voucher", needle)

    def _line_memo_has(self, needle: str) -> list[ColumnElement[bool]]:
        return self._memo_has(VoucherLineRow.id, VoucherLineRow.memo, "voucher_line", needle)

    def _memo_has(
        self,
        id_column: QueryableAttribute[int],
        memo: QueryableAttribute[str],
        of: str,
        needle: str,
    ) -> list[ColumnElement[bool]]:
        """PostgreSQL's ``LIKE`` uses the memo's trigram index by itself; SQLite's FTS5 table
        names the candidates, and each is still tested by the same ``LIKE``."""
        where = [memo.contains(needle, autoescape=True)]
        if self.session.get_bind().dialect.name == "sqlite":
            candidates = memo_search.fts_candidates(id_column, of, needle)
            if candidates is not None:
                where.insert(0, candidates)
        return where

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
            with sqlite_guards_aside(connection, (*SQLITE_INSERT_GUARDS, *SQLITE_MEMO_INDEXERS)):
                ids = self._insert_batch(org_id, drafts, stamps, user_id, at, posted=True)
                check_batch(connection, *batch_range(ids), posted=True)
                sqlite_index_memos(connection, *batch_range(ids))
        else:
            ids = self._insert_batch(org_id, drafts, stamps, user_id, at, posted=False)
            first, last = stamps[0].chain_seq, stamps[-1].chain_seq
            self.session.execute(
                update(VOUCHERS)
                .where(VOUCHERS.c.org_id == org_id, VOUCHERS.c.chain_seq.between(first, last))
                .values(status=Status.POSTED.value, posted_by=user_id, posted_at=at)
            )
        self._add_turnovers(
            org_id,
            [(d.booked_on.year, d.booked_on.month, d.kind, d.lines) for d in drafts],
        )
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
        vtable = VOUCHERS
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

    def add_turnover(
        self, org_id: int, year: int, month: int, kind: VoucherKind, lines: Sequence[Line]
    ) -> None:
        self._add_turnovers(org_id, [(year, month, kind, lines)])

    def _add_turnovers(
        self, org_id: int, posted: Sequence[tuple[int, int, VoucherKind, Sequence[Line]]]
    ) -> None:
        """Add posted vouchers (year, month, kind, lines) to the per-account, per-month turnover
        and to the turnover by shape: one upsert statement each, rows in key order so that
        concurrent postings lock them alike."""
        account_ids = self._account_ids(org_id)
        sums: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
        by_shape: dict[tuple[int, ...], list[int]] = defaultdict(lambda: [0, 0])
        fund_codes = {ln.fund for *_, lines in posted for ln in lines if ln.fund}
        funds = self.funds_by_code(org_id, fund_codes) if fund_codes else {}

        account_ids_or_none: dict[str | None, int] = {None: 0}
        account_ids_or_none.update(account_ids)
        funds_or_none: dict[str | None, int] = {None: 0}
        funds_or_none.update(funds)
        for year, month, kind, lines in posted:
            for line in lines:
                key = (account_ids[line.account], year, month)
                sums[key][0 if line.side is Dr.DEBIT else 1] += line.amount_fen
            for (da, df, ca, cf), fen in shapes_of(kind, lines):
                entry = by_shape[
                    (
                        year,
                        month,
                        account_ids_or_none[da],
                        funds_or_none[df],
                        account_ids_or_none[ca],
                        funds_or_none[cf],
                    )
                ]
                entry[0] += fen
                entry[1] += 1
        if not sums:
            return
        snapshots.check_room(self.session, sums, {i: code for code, i in account_ids.items()})
        self._add_to(
            PERIOD_BALANCES,
            ("account_id", "year", "month", "org_id"),
            ("debit_fen", "credit_fen"),
            [(a, y, m, org_id, d, c) for (a, y, m), (d, c) in sorted(sums.items())],
        )
        self._add_to(
            SHAPE_TURNOVER,
            tuple(c.name for c in SHAPE_TURNOVER.primary_key.columns),
            ("amount_fen", "entries"),
            [(org_id, *key, fen, n) for key, (fen, n) in sorted(by_shape.items())],
        )

    def _add_to(
        self,
        table: Table,
        keys: tuple[str, ...],
        sums: tuple[str, ...],
        rows: Sequence[tuple[int, ...]],
    ) -> None:
        """Insert ``rows`` (``keys`` then ``sums``) into ``table``, each adding its ``sums`` to
        the row already there under its primary key."""
        stmt = self._insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key.columns],
            set_={c: table.c[c] + stmt.excluded[c] for c in sums},
        )
        self.session.execute(stmt, [dict(zip(keys + sums, row, strict=True)) for row in rows])

    def chain_hash_at(self, org_id: int, seq: int) -> str | None:
        return self.session.scalar(
            select(VoucherRow.hash).where(
                VoucherRow.org_id == org_id,
                VoucherRow.chain_seq == seq,
                VoucherRow.status == "posted",
            )
        )

    def posted_in_chain_order(self, org_id: int, after: int = 0) -> Iterator[Voucher]:
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
            if len(rows) < 1000:  # the last page: no need to ask for another
                return

    def posted_in_chain_order_of(self, after: Mapping[int, int]) -> dict[int, list[Voucher]]:
        """:meth:`posted_in_chain_order` of each organization from its position ``after[org] +
        1``, in one read for all (for verifications resumed near each chain's head)."""
        out: dict[int, list[Voucher]] = {o: [] for o in after}
        if not after:
            return out
        rows = self.session.scalars(
            select(VoucherRow)
            .where(
                VoucherRow.status == "posted",
                or_(
                    *(
                        and_(VoucherRow.org_id == o, VoucherRow.chain_seq > a)
                        for o, a in sorted(after.items())
                    )
                ),
            )
            .order_by(VoucherRow.org_id, VoucherRow.chain_seq)
            .execution_options(populate_existing=True)
        ).all()
        for voucher, row in zip(self._vouchers(rows), rows, strict=True):
            out[row.org_id].append(voucher)
        return out

    def touching_of(
        self, org_ids: Collection[int], prefixes: Collection[str]
    ) -> set[tuple[int, str, int, str]]:
        """(organization, status, year, account code) of every voucher line on an account whose
        code starts with one of ``prefixes``, each once: which vouchers a filter by account
        could find at all."""
        ids = sorted(org_ids)
        code_of = dict(
            self.session.execute(
                select(AccountRow.id, AccountRow.code).where(
                    AccountRow.org_id.in_(ids),
                    or_(*(AccountRow.code.startswith(p) for p in sorted(prefixes))),
                )
            )
            .tuples()
            .all()
        )
        if not code_of:
            return set()
        accounts = sorted(code_of)
        # posted: the months' turnover has a row for every account and month a line was posted
        # on; the others: the few vouchers not posted, by the status index, and their lines
        posted = self.session.execute(
            select(PeriodBalanceRow.org_id, PeriodBalanceRow.year, PeriodBalanceRow.account_id)
            .where(PeriodBalanceRow.org_id.in_(ids), PeriodBalanceRow.account_id.in_(accounts))
            .distinct()
        )
        pending = self.session.execute(
            select(VoucherRow.org_id, VoucherRow.status, VoucherRow.year, VoucherLineRow.account_id)
            .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
            .where(
                VoucherRow.org_id.in_(ids),
                VoucherRow.status.in_((Status.DRAFT.value, Status.REVIEWED.value)),
                VoucherLineRow.account_id.in_(accounts),
            )
            .distinct()
        )
        return {(int(o), Status.POSTED.value, int(y), code_of[a]) for o, y, a in posted} | {
            (int(o), str(st), int(y), code_of[a]) for o, st, y, a in pending
        }

    def count_pending(self, org_id: int, year: int, month: int | None) -> int:
        """The vouchers not posted dated in the year or month: found by the index on status and
        date (the few drafts), not by reading every voucher of the month."""
        span = Period(year, month) if month is not None else None
        query = (
            select(func.count())
            .select_from(VoucherRow)
            .where(
                VoucherRow.org_id == org_id,
                VoucherRow.status.in_((Status.DRAFT.value, Status.REVIEWED.value)),
                VoucherRow.booked_on >= (span.first_day if span else date(year, 1, 1)),
                VoucherRow.booked_on <= (span.last_day if span else date(year, 12, 31)),
                VoucherRow.year == year,
            )
        )
        if month is not None:
            query = query.where(VoucherRow.month == month)
        return int(self.session.scalar(query) or 0)

"""Import batches, the keys of imported rows, and drafts written in bulk.

Drafts from a file are inserted many at a time — one multi-row INSERT … RETURNING for the
voucher headers, COPY (PostgreSQL) or one executemany (SQLite) for the lines — inside the
caller's transaction; the posting guards still see every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

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
from coopledger.adapters.db.tables import (
    ImportBatchRow,
    ImportKeyRow,
    VoucherRow,
)
from coopledger.adapters.db.vouchers import SqlVouchers
from coopledger.domain.ledger import Status, VoucherDraft

_VOUCHERS = cast(Table, VoucherRow.__table__)
_KEYS = cast(Table, ImportKeyRow.__table__)


class SqlImports:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keys(self, org_id: int, kind: str) -> dict[str, tuple[str, int | None]]:
        """Every key imported for ``kind``: key → (digest, object id)."""
        rows = (
            self.session.execute(
                select(ImportKeyRow.row_key, ImportKeyRow.digest, ImportKeyRow.object_id).where(
                    ImportKeyRow.org_id == org_id, ImportKeyRow.kind == kind
                )
            )
            .tuples()
            .all()
        )
        return {k: (d, o) for k, d, o in rows}

    def add_batch(
        self,
        org_id: int,
        kind: str,
        filename: str,
        sha256: str,
        counts: tuple[int, int, int],
        user_id: int,
        at: datetime,
    ) -> int:
        """Record a file; ``counts`` = (rows, created, skipped). Returns the batch id."""
        row = ImportBatchRow(
            org_id=org_id,
            kind=kind,
            filename=filename[:255],
            sha256=sha256,
            rows=counts[0],
            created=counts[1],
            skipped=counts[2],
            created_by=user_id,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_keys(
        self,
        org_id: int,
        kind: str,
        batch_id: int,
        keys: Sequence[tuple[str, str, int | None]],
    ) -> None:
        """(key, digest, object id) of each row the batch brought in."""
        insert_rows(
            self.session,
            "import_key",
            ("org_id", "kind", "row_key", "digest", "batch_id", "object_id"),
            [(org_id, kind, k, d, batch_id, o) for k, d, o in keys],
        )

    def add_drafts(
        self, org_id: int, drafts: Sequence[VoucherDraft], user_id: int, at: datetime
    ) -> list[int]:
        """Insert drafts (checked already) in bulk; their ids, in order."""
        if not drafts:
            return []
        ids = self._reserve_ids(len(drafts))
        columns = (
            "id",
            "org_id",
            "status",
            "kind",
            "booked_on",
            "year",
            "month",
            "memo",
            "attachments",
            "prepared_by",
            "created_at",
        )
        postgres = self.session.connection().dialect.name == "postgresql"
        # COPY adapts dates and timestamps itself; SQLite stores them as text, as the models do
        stamp: object = at if postgres else sqlite_timestamp(at)
        rows = [
            (
                voucher_id,
                org_id,
                Status.DRAFT.value,
                d.kind.value,
                d.booked_on if postgres else d.booked_on.isoformat(),
                d.booked_on.year,
                d.booked_on.month,
                d.memo,
                d.attachments,
                user_id,
                stamp,
            )
            for voucher_id, d in zip(ids, drafts, strict=True)
        ]
        if postgres:
            insert_rows(self.session, "voucher", columns, rows)
            self.add_lines(org_id, list(zip(ids, drafts, strict=True)))
            return ids
        # SQLite runs its insert guards once per row, which costs more than the rows themselves:
        # set aside for this batch and checked for it at once instead
        self.session.flush()
        connection = self.session.connection()
        with sqlite_guards_aside(connection, (*SQLITE_INSERT_GUARDS, *SQLITE_MEMO_INDEXERS)):
            insert_rows(self.session, "voucher", columns, rows)
            self.add_lines(org_id, list(zip(ids, drafts, strict=True)))
            check_batch(connection, *batch_range(ids), posted=False)
            sqlite_index_memos(connection, *batch_range(ids))
        return ids

    def _reserve_ids(self, count: int) -> list[int]:
        """Ids for new vouchers, known before the insert: PostgreSQL draws them from the id
        sequence; SQLite continues after the largest id (the transaction holds the write lock,
        taken by BEGIN IMMEDIATE, so no one else inserts meanwhile)."""
        if self.session.connection().dialect.name == "postgresql":
            rows = self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('voucher', 'id')) FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
            return [int(i) for i in rows]
        start = int(
            self.session.execute(text("SELECT coalesce(max(id), 0) FROM voucher")).scalar_one()
        )
        return list(range(start + 1, start + count + 1))

    def add_lines(self, org_id: int, vouchers: Sequence[tuple[int, VoucherDraft]]) -> None:
        """The drafts' lines, by the store's own bulk insert (COPY / executemany)."""
        SqlVouchers(self.session).insert_lines(org_id, [(vid, d.lines) for vid, d in vouchers])

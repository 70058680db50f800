"""Inserting many plain rows fast: PostgreSQL's COPY, or one executemany on SQLite.

For hot paths only (voucher lines, depreciation charges), on the session's own connection and
transaction; the rows must be plain integers, text and None. Triggers still run (COPY fires
INSERT triggers) and so do the foreign keys — except where a batch sets them aside
(:func:`load_posted_batch`, :func:`sqlite_guards_aside`) and checks it by one set query
(:func:`check_batch`) instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def sqlite_timestamp(at: datetime) -> str:
    """A timestamp as coopledger's models store it on SQLite: naive UTC text, microseconds."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    if not rows:
        return
    session.flush()
    copy_into(session.connection(), table, columns, rows)


# -- batches with their guards set aside ---------------------------------------------------------

# Each part names a voucher of the batch (ids :first to :last) that breaks a rule, and the rule.
# The rules are the foreign keys of ``voucher`` and ``voucher_line`` — stricter: a line's account,
# member and fund and its voucher belong to the line's own organization — and the guards of
# migration 0001: a batch of drafts holds drafts only; a posted batch holds vouchers numbered,
# chained, of at least two lines, balanced, with a debit, negative amounts only on a red
# reversal, in a month not closed.
_KEYS = """
SELECT v.id, 'organization' FROM voucher v
 WHERE v.id BETWEEN :first AND :last
   AND NOT EXISTS (SELECT 1 FROM organization o WHERE o.id = v.org_id)
UNION ALL
SELECT v.id, 'user' FROM voucher v
 WHERE v.id BETWEEN :first AND :last
   AND (NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.prepared_by)
        OR (v.reviewed_by IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.reviewed_by))
        OR (v.posted_by IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.posted_by)))
UNION ALL
SELECT v.id, 'reverses' FROM voucher v
 WHERE v.id BETWEEN :first AND :last AND v.reverses_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM voucher r WHERE r.id = v.reverses_id AND r.org_id = v.org_id)
UNION ALL
SELECT l.voucher_id, 'line' FROM voucher_line l
  LEFT JOIN voucher v ON v.id = l.voucher_id AND v.org_id = l.org_id
  LEFT JOIN account a ON a.id = l.account_id AND a.org_id = l.org_id
  LEFT JOIN member m ON m.id = l.member_id AND m.org_id = l.org_id
  LEFT JOIN fund f ON f.id = l.fund_id AND f.org_id = l.org_id
 WHERE l.voucher_id BETWEEN :first AND :last
   AND (v.id IS NULL OR a.id IS NULL
        OR (l.member_id IS NOT NULL AND m.id IS NULL)
        OR (l.fund_id IS NOT NULL AND f.id IS NULL))
"""
_POSTING = """
SELECT v.id, 'posting' FROM voucher v
  LEFT JOIN (SELECT l.voucher_id,
                    count(*) AS n,
                    sum(CASE l.side WHEN 'D' THEN l.amount_fen ELSE -l.amount_fen END) AS net,
                    sum(CASE l.side WHEN 'D' THEN l.amount_fen ELSE 0 END) AS debit,
                    sum(CASE WHEN l.amount_fen < 0 THEN 1 ELSE 0 END) AS negatives
               FROM voucher_line l
              WHERE l.voucher_id BETWEEN :first AND :last
              GROUP BY l.voucher_id) s ON s.voucher_id = v.id
 WHERE v.id BETWEEN :first AND :last
   AND (v.status <> 'posted' OR v.number IS NULL OR v.hash IS NULL OR v.chain_seq IS NULL
        OR s.n IS NULL OR s.n < 2 OR s.net <> 0 OR s.debit = 0
        OR (v.kind <> 'reversal' AND s.negatives > 0)
        OR EXISTS (SELECT 1 FROM period p WHERE p.org_id = v.org_id AND p.year = v.year
                   AND p.month = v.month AND p.status = 'closed'))
"""
_DRAFTS = """
SELECT v.id, 'status' FROM voucher v
 WHERE v.id BETWEEN :first AND :last AND v.status <> 'draft'
"""

#: SQLite's guards that fire once per inserted row (migrations 0001 and 0013); PostgreSQL's fire
#: once per statement and cost nothing worth saving. A batch is plain INSERTs, never OR REPLACE,
#: so the guards against REPLACE step aside with the others.
SQLITE_INSERT_GUARDS = (
    "voucher_insert_draft",
    "voucher_line_posted_insert",
    "voucher_no_replace",
    "voucher_line_no_replace",
)


#: SQLite's triggers that index each new memo for the text search (migration 0032); a batch sets
#: them aside with the guards and indexes its rows at once (:func:`sqlite_index_memos`), which
#: costs a small part of indexing them row by row
SQLITE_MEMO_INDEXERS = ("voucher_memo_fts_insert", "voucher_line_memo_fts_insert")


def sqlite_index_memos(conn: Connection, first: int, last: int) -> None:
    """SQLite: the memos of vouchers ``first`` to ``last`` and of their lines put in the text
    search's trigram index, as :data:`SQLITE_MEMO_INDEXERS` would have put them one by one."""
    bounds = {"first": first, "last": last}
    conn.execute(
        text(
            "INSERT INTO voucher_memo_fts(rowid, memo)"
            " SELECT id, memo FROM voucher WHERE id BETWEEN :first AND :last"
        ),
        bounds,
    )
    conn.execute(
        text(
            "INSERT INTO voucher_line_memo_fts(rowid, memo)"
            " SELECT id, memo FROM voucher_line WHERE voucher_id BETWEEN :first AND :last"
        ),
        bounds,
    )


class GuardedBatchError(ValueError):
    """A batch written with its guards set aside broke a rule; the caller's transaction must be
    rolled back, and nothing of the batch is kept."""


def batch_range(ids: Sequence[int]) -> tuple[int, int]:
    """The batch's first and last voucher id; the ids must be one consecutive range."""
    first, last = min(ids), max(ids)
    if last - first + 1 != len(ids):
        raise GuardedBatchError("the batch's voucher ids are not one consecutive range")
    return first, last


def check_batch(conn: Connection, first: int, last: int, *, posted: bool) -> None:
    """The rules the guards would have checked, over the whole batch at once.

    :raise GuardedBatchError: naming a voucher that breaks one.
    """
    query = f"{_KEYS} UNION ALL {_POSTING if posted else _DRAFTS} LIMIT 1"
    broken = conn.execute(text(query), {"first": first, "last": last}).first()
    if broken is not None:
        raise GuardedBatchError(f"voucher {broken[0]} breaks the rule on its {broken[1]}")


@contextmanager
def sqlite_guards_aside(conn: Connection, names: Sequence[str]) -> Iterator[None]:
    """SQLite: the named triggers dropped for the block and re-created from their own SQL, all in
    ``conn``'s transaction. A write transaction holds SQLite's one write lock (``BEGIN
    IMMEDIATE``), so no other connection writes while they are away; readers keep the schema of
    their snapshot; a rollback brings them back. The caller checks what they would have checked
    (:func:`check_batch`) before the block ends."""
    marks = ", ".join(f":n{i}" for i in range(len(names)))
    found = conn.execute(
        text(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"),
        {f"n{i}": name for i, name in enumerate(names)},
    ).all()
    if len(found) != len(names):
        raise GuardedBatchError(f"a guard is missing: {sorted(set(names) - {n for n, _ in found})}")
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in found:
            conn.exec_driver_sql(sql)


def may_set_guards_aside(conn: Connection) -> bool:
    """Whether this connection may set the guards aside: always on SQLite (they are its own
    triggers, dropped and re-created in the transaction); on PostgreSQL, a superuser."""
    if conn.dialect.name == "sqlite":
        return True
    return bool(conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on")


def load_posted_batch(
    conn: Connection,
    voucher_columns: Sequence[str],
    vouchers: Sequence[Sequence[object]],
    line_columns: Sequence[str],
    lines: Sequence[Sequence[object]],
) -> None:
    """Write vouchers already posted, with their lines, as a restore writes them: the guards set
    aside inside ``conn``'s transaction — PostgreSQL's triggers (the posting guard and the
    foreign keys), SQLite's per-row insert guards — then the whole batch checked by
    :func:`check_batch` before they come back.

    The vouchers' ids must be one consecutive range and every line must belong to one of them
    (checked here); the caller checks :func:`may_set_guards_aside` first.

    :raise GuardedBatchError: a voucher of the batch breaks a rule.
    """
    if not vouchers:
        return
    at = voucher_columns.index("id")
    first, last = batch_range([int(str(row[at])) for row in vouchers])
    line_at = line_columns.index("voucher_id")
    if any(not first <= int(str(row[line_at])) <= last for row in lines):
        raise GuardedBatchError("a line belongs to a voucher outside the batch")
    if conn.dialect.name == "sqlite":
        with sqlite_guards_aside(conn, (*SQLITE_INSERT_GUARDS, *SQLITE_MEMO_INDEXERS)):
            copy_into(conn, "voucher", voucher_columns, vouchers)
            copy_into(conn, "voucher_line", line_columns, lines)
            check_batch(conn, first, last, posted=True)
            sqlite_index_memos(conn, first, last)
        return
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    copy_into(conn, "voucher", voucher_columns, vouchers)
    copy_into(conn, "voucher_line", line_columns, lines)
    try:
        check_batch(conn, first, last, posted=True)
    finally:
        conn.exec_driver_sql("SET LOCAL session_replication_role = origin")


def copy_into(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """:func:`insert_rows` on a bare connection (its transaction)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.cursor()
        try:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))

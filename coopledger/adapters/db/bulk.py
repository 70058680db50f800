"""Inserting many plain rows fast: PostgreSQL's COPY, or one executemany on SQLite.

For hot paths only (voucher lines, depreciation charges), on the session's own connection and
transaction; the rows must be plain integers, text and None. Triggers still run (COPY fires
INSERT triggers) and so do the foreign keys — except in :func:`load_posted_batch`, which sets
them aside and checks the batch by one set query instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    if not rows:
        return
    session.flush()
    copy_into(session.connection(), table, columns, rows)


# -- posted history, loaded as a restore loads ------------------------------------------------------

#: Each row names a voucher of the batch that breaks a rule, and the rule. The rules are the
#: foreign keys of ``voucher`` and ``voucher_line`` — stricter: a line's account, member and fund
#: and its voucher belong to the line's own organization — and the posting guard of migration
#: 0001 (numbered, chained, at least two lines, balanced, a debit, negative amounts only on a red
#: reversal, its month not closed).
_POSTED_BATCH_CHECK = """
SELECT v.id, 'organization' FROM voucher v
 WHERE v.id BETWEEN :first AND :last
   AND NOT EXISTS (SELECT 1 FROM organization o WHERE o.id = v.org_id)
UNION ALL
SELECT v.id, 'user' FROM voucher v
 WHERE v.id BETWEEN :first AND :last
   AND (NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.prepared_by)
        OR (v.reviewed_by IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.reviewed_by))
        OR NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = v.posted_by))
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
UNION ALL
SELECT v.id, 'posting' FROM voucher v
  LEFT JOIN (SELECT l.voucher_id,
                    count(*) AS n,
                    sum(CASE l.side WHEN 'D' THEN l.amount_fen ELSE -l.amount_fen END) AS net,
                    coalesce(sum(l.amount_fen) FILTER (WHERE l.side = 'D'), 0) AS debit,
                    count(*) FILTER (WHERE l.amount_fen < 0) AS negatives
               FROM voucher_line l
              WHERE l.voucher_id BETWEEN :first AND :last
              GROUP BY l.voucher_id) s ON s.voucher_id = v.id
 WHERE v.id BETWEEN :first AND :last
   AND (v.status <> 'posted' OR v.number IS NULL OR v.hash IS NULL OR v.chain_seq IS NULL
        OR s.n IS NULL OR s.n < 2 OR s.net <> 0 OR s.debit = 0
        OR (v.kind <> 'reversal' AND s.negatives > 0)
        OR EXISTS (SELECT 1 FROM period p WHERE p.org_id = v.org_id AND p.year = v.year
                   AND p.month = v.month AND p.status = 'closed'))
LIMIT 1
"""


class PostedBatchError(ValueError):
    """A batch of posted history broke a rule; nothing of it is written."""


def may_set_guards_aside(conn: Connection) -> bool:
    """Whether this PostgreSQL connection may set triggers aside (a superuser)."""
    return (
        conn.dialect.name == "postgresql"
        and conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar_one() == "on"
    )


def load_posted_batch(
    conn: Connection,
    voucher_columns: Sequence[str],
    vouchers: Sequence[Sequence[object]],
    line_columns: Sequence[str],
    lines: Sequence[Sequence[object]],
) -> None:
    """Write vouchers already posted, with their lines, as a restore writes them: PostgreSQL's
    triggers (the posting guard and the foreign keys) set aside inside ``conn``'s transaction,
    then the whole batch checked by one set query before the triggers come back.

    The vouchers' ids must be one consecutive range and every line must belong to one of them
    (checked here); the caller checks :func:`may_set_guards_aside` first.

    :raise PostedBatchError: a voucher of the batch breaks a rule; the caller's transaction must
        be rolled back.
    """
    if not vouchers:
        return
    at = voucher_columns.index("id")
    ids = [int(str(row[at])) for row in vouchers]
    first, last = min(ids), max(ids)
    if last - first + 1 != len(ids):
        raise PostedBatchError("the batch's voucher ids are not one consecutive range")
    line_at = line_columns.index("voucher_id")
    if any(not first <= int(str(row[line_at])) <= last for row in lines):
        raise PostedBatchError("a line belongs to a voucher outside the batch")
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    copy_into(conn, "voucher", voucher_columns, vouchers)
    copy_into(conn, "voucher_line", line_columns, lines)
    broken = conn.execute(text(_POSTED_BATCH_CHECK), {"first": first, "last": last}).first()
    conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
    if broken is not None:
        raise PostedBatchError(f"voucher {broken[0]} breaks the rule on its {broken[1]}")


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

"""Inserting many plain rows fast: PostgreSQL's COPY, or one executemany on SQLite.

For hot paths only (voucher lines, depreciation charges), on the session's own connection and
transaction; the rows must be plain integers, text and None. Triggers still run (COPY fires
INSERT triggers) and so do the foreign keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    if not rows:
        return
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows)
    )

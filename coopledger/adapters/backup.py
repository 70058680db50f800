"""Backup and restore of a whole database, SQLite or PostgreSQL, either way.

A backup is one gzip file of JSON lines: a header (format, version, the schema's Alembic
revision, the tables), then per table a line naming its columns and row count followed by lines
holding up to 20,000 rows each (a JSON array of arrays), in primary-key order. Every table of the models is included —
``Base.metadata.sorted_tables``, so tables added later come along without a change here — in
an order where each row's foreign keys point at rows already loaded. Values are portable: dates
as ``YYYY-MM-DD``, timestamps as naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` (what coopledger
stores on SQLite), booleans as JSON booleans.

Restore loads into an empty database in one transaction: the schema is created by the
migrations when absent, a database holding any row is refused, and a backup of another schema
revision is refused. The posting guards forbid inserting posted vouchers and their lines, and
the append-only audit tables refuse changes; a restore writes rows that were checked when they
were first written, byte for byte, so inside its transaction it sets them aside:

* PostgreSQL: ``SET LOCAL session_replication_role = replica`` (ordinary triggers, foreign-key
  triggers included, do not fire for the rest of the transaction). This needs a superuser or a
  role granted that setting; the connecting user is one on coopledger's machines.
* SQLite: the triggers are dropped and re-created from their own SQL in ``sqlite_master``, in the
  same transaction; foreign keys are checked at commit (``PRAGMA defer_foreign_keys``).

Afterwards PostgreSQL's id sequences are moved past the highest id restored. The hash chains are
data like any other: ``coopledger audit verify`` recomputes them after a restore.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Boolean, Date, DateTime, Engine, Table, inspect, text
from sqlalchemy.engine import Connection

from coopledger.adapters.db import migrate
from coopledger.adapters.db.tables import Base

FORMAT = "coopledger-backup"
VERSION = 1
BATCH = 20_000
Progress = Callable[[int], None]


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class Summary:
    tables: int
    rows: int


def _head() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _kinds(table: Table) -> list[str]:
    """How each column's values are carried: ``b`` boolean, ``d`` date, ``t`` timestamp, ``-``."""
    out = []
    for column in table.columns:
        t = column.type
        impl = getattr(t, "impl", t)
        if isinstance(impl, Boolean):
            out.append("b")
        elif isinstance(impl, DateTime):
            out.append("t")
        elif isinstance(impl, Date):
            out.append("d")
        else:
            out.append("-")
    return out


def _order(table: Table) -> str:
    keys = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
    return ", ".join(keys)


# -- backup ----------------------------------------------------------------------------------------


def _portable(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "b":
        return bool(value)
    if kind == "t":
        if isinstance(value, str) and len(value) == 26:
            return value  # SQLite, as SQLAlchemy writes it: naive UTC with microseconds
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat(sep=" ", timespec="microseconds")
    if kind == "d":
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, bytes | memoryview):
        raise BackupError("binary columns are not supported by this backup format")
    return value


def backup(
    engine: Engine,
    out: Path,
    *,
    progress: Progress | None = None,
    set_length: Progress | None = None,
) -> Summary:
    """Write every table to ``out`` inside one read transaction (a consistent snapshot).

    :raise BackupError: the schema is not at this coopledger's migration head.
    """
    tables = list(Base.metadata.sorted_tables)
    total = 0
    tick = progress or (lambda n: None)
    with engine.connect() as plain:
        conn = plain.execution_options(
            coopledger_readonly=True,  # SQLite: a plain BEGIN, a snapshot in WAL mode
            **(
                {"isolation_level": "REPEATABLE READ"}
                if engine.dialect.name == "postgresql"
                else {}
            ),
        )
        revision = _revision(conn)
        if revision != _head():
            raise BackupError(
                f"the database is at schema revision {revision}, not {_head()}: run `coopledger db upgrade`"
            )
        counts = {
            t.name: int(conn.exec_driver_sql(f"SELECT count(*) FROM {t.name}").scalar_one())
            for t in tables
        }
        if set_length:
            set_length(sum(counts.values()))
        with gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as f:
            header = {
                "format": FORMAT,
                "version": VERSION,
                "revision": revision,
                "dialect": conn.dialect.name,
                "created_at": datetime.now(UTC).isoformat(),
                "tables": {t.name: counts[t.name] for t in tables},
            }
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for table in tables:
                total += _dump_table(conn, table, counts[table.name], f, tick)
        conn.rollback()
    return Summary(len(tables), total)


def _dump_table(conn: Connection, table: Table, count: int, f: IO[str], tick: Progress) -> int:
    columns = [c.name for c in table.columns]
    kinds = _kinds(table)
    f.write(json.dumps({"table": table.name, "columns": columns, "rows": count}) + "\n")
    special = [(i, k) for i, k in enumerate(kinds) if k != "-"]
    # the driver's own cursor, in the snapshot's transaction: plain tuples, no Row objects
    driver: Any = conn.connection.driver_connection
    # PostgreSQL: a server-side cursor, so that a large table is never held in memory at once
    cursor = (
        driver.cursor(f"backup_{table.name}")
        if conn.dialect.name == "postgresql"
        else driver.cursor()
    )
    cursor.execute(f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY {_order(table)}")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written = 0
    try:
        while True:
            chunk = cursor.fetchmany(BATCH)
            if not chunk:
                break
            if special:
                rows: list[Any] = []
                for row in chunk:
                    values = list(row)
                    for i, k in special:
                        values[i] = _portable(values[i], k)
                    rows.append(values)
            else:
                rows = chunk
            f.write(dumps(rows) + "\n")  # one line per batch: one C-encoded JSON array
            written += len(chunk)
            tick(len(chunk))
    finally:
        cursor.close()
    if written != count:  # pragma: no cover - the snapshot changed under us
        raise BackupError(f"{table.name}: {written} rows read, {count} counted")
    return written


# -- restore ---------------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            yield from f
    except (OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a coopledger backup ({exc})") from exc


def restore(
    engine: Engine,
    path: Path,
    *,
    progress: Progress | None = None,
    set_length: Progress | None = None,
) -> Summary:
    """Load a backup into the empty database at ``engine`` in one transaction.

    :raise BackupError: not a backup; another schema revision; the database holds data.
    """
    lines = _lines(path)
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not a coopledger backup") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a coopledger backup")
    if header.get("version") != VERSION or header.get("revision") != _head():
        raise BackupError(
            f"the backup is of schema revision {header.get('revision')}; this coopledger is at "
            f"{_head()}: restore it with the coopledger version that wrote it"
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    if set(header["tables"]) - set(tables):
        raise BackupError(
            f"the backup holds unknown tables: {sorted(set(header['tables']) - set(tables))}"
        )
    _ensure_schema(engine)
    if set_length:
        set_length(sum(header["tables"].values()))
    tick = progress or (lambda n: None)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        if sqlite:  # outside any transaction, where SQLite honours it; checked before commit
            raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                total = _load_all(conn, lines, tables, tick)
                if total != sum(header["tables"].values()):
                    raise BackupError("the backup is truncated: fewer rows than its header counts")
                # restored books are verified in full before anything resumes from a point
                conn.execute(tables["verified_point"].delete())
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
    return Summary(len(header["tables"]), total)


def _load_all(
    conn: Connection, lines: Iterator[str], tables: dict[str, Table], tick: Progress
) -> int:
    """Every section of the backup, in the caller's transaction; the rows loaded."""
    total = 0
    _refuse_data(conn, tables.values())
    postgres = conn.dialect.name == "postgresql"
    guards = _suspend_guards(conn)
    current: Table | None = None
    columns: list[str] = []
    kinds: list[str] = []
    for raw in lines:
        if raw.startswith("{"):
            section = json.loads(raw)
            current = tables[section["table"]]
            columns = section["columns"]
            if set(columns) != {c.name for c in current.columns}:
                raise BackupError(f"{current.name}: the backup's columns differ from the schema")
            by_name = dict(zip([c.name for c in current.columns], _kinds(current), strict=True))
            kinds = [by_name[n] for n in columns]
            continue
        if current is None:
            raise BackupError("the backup has rows before its first table")
        batch = json.loads(raw)
        total += _load(conn, current, columns, kinds, batch, postgres)
        tick(len(batch))
    _restore_guards(conn, guards)
    if postgres:
        _reset_sequences(conn, tables.values())
    return total


def _ensure_schema(engine: Engine) -> None:
    """Create the schema by the migrations when absent; bring an empty one to the head."""
    with engine.connect() as conn:
        revision = _revision(conn)
    if revision != _head():
        migrate.upgrade(engine)


def _refuse_data(conn: Connection, tables: Any) -> None:
    present = set(inspect(conn).get_table_names())
    for table in tables:
        if (
            table.name in present
            and conn.exec_driver_sql(f"SELECT 1 FROM {table.name} LIMIT 1").first()
        ):
            raise BackupError(
                f"the database holds data (table {table.name}); restore only into an empty database"
            )


def _suspend_guards(conn: Connection) -> list[str]:
    """Set the guards aside for this transaction; on SQLite, the SQL that puts them back.

    SQLite also drops the secondary indexes (rebuilt once after the load instead of row by row);
    its foreign keys were switched off before the transaction and are checked in one pass."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        return []
    rows = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE type IN ('trigger', 'index') AND sql IS NOT NULL"
    ).all()
    for kind, name, _sql in rows:
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    return [str(sql) for _kind, _name, sql in rows]


def _restore_guards(conn: Connection, statements: list[str]) -> None:
    for sql in statements:
        conn.exec_driver_sql(sql)
    if conn.dialect.name == "sqlite":
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
        if broken is not None:
            raise BackupError(f"the backup breaks a foreign key in table {broken[0]}")


def _load(
    conn: Connection,
    table: Table,
    columns: list[str],
    kinds: list[str],
    rows: list[list[Any]],
    postgres: bool,
) -> int:
    if not rows:
        return 0
    special = [(i, k) for i, k in enumerate(kinds) if k != "-"]
    if postgres:
        for row in rows:
            for i, k in special:
                v = row[i]
                if v is None:
                    continue
                if k == "t":
                    row[i] = datetime.fromisoformat(v).replace(tzinfo=UTC)
                elif k == "d":
                    row[i] = date.fromisoformat(v)
        cursor = conn.connection.cursor()
        try:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
    else:
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
            [tuple(r) for r in rows],
        )
    return len(rows)


def _reset_sequences(conn: Connection, tables: Any) -> None:
    """Move each id sequence past the highest id restored (COPY does not advance them)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": keys[0].name}
        ).scalar()
        if sequence:
            conn.execute(
                text(
                    f"SELECT setval(:s, coalesce((SELECT max({keys[0].name}) FROM {table.name}), 0) + 1, false)"
                ),
                {"s": sequence},
            )

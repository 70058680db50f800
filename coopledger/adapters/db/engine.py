"""Engines for the embedded SQLite default and for PostgreSQL.

SQLite: WAL, foreign keys on, ``synchronous=FULL``, a 15 s busy timeout, and every transaction
opened with ``BEGIN IMMEDIATE`` — a deferred BEGIN that later writes gets SQLITE_BUSY despite the
timeout. The driver's own transaction handling is switched off
(``isolation_level=None``) so that SQLAlchemy's BEGIN, COMMIT and SAVEPOINT are the real ones.
A read-only unit of work passes ``coopledger_readonly=True`` and gets a plain ``BEGIN``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

READONLY = "coopledger_readonly"


def sqlite_path(url: str) -> Path | None:
    """The file a ``sqlite:///`` URL names, or None for another database or an in-memory one."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///:memory:",):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names (benchmarks and tests only)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()

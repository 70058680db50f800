"""Committed books with a posted distribution, for the statement batch tests: worker processes
open their own connections, so they cannot see the per-test transaction of ``conftest``."""

from __future__ import annotations

from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import Engine, text

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.bench.household_statements import ORG, YEAR, build_statement_books
from tests.conftest import fresh_database

__all__ = ["ORG", "YEAR", "issued_rows", "purge_queue", "statement_books"]


def statement_books(tag: str, tmp: Path, members: int) -> str:
    """A fresh database (SQLite file, or a PostgreSQL database beside the test one) holding
    cooperative ``stmt`` with ``members`` households and a posted 2025 plan; its URL."""
    url = fresh_database(tag, tmp)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    build_statement_books(url, members)
    return url


def issued_rows(engine: Engine) -> list[tuple[str, str]]:
    """(member number, code) of every issued statement."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.member_no, s.code FROM issued_statement s "
                "JOIN member m ON m.id = s.member_id ORDER BY m.member_no"
            )
        )
        return [(r[0], r[1]) for r in rows]


def purge_queue(conn: Redis, name: str) -> None:
    """Remove a test queue and every key of its jobs (kept a week otherwise) from Redis."""
    ids = [
        key.decode().removeprefix("rq:job:")
        for key in conn.scan_iter("rq:job:stmt-*")
        if conn.type(key) == b"hash" and conn.hget(key, "origin") == name.encode()
    ]
    Queue(name, connection=conn).delete(delete_jobs=True)
    for pattern in [f"rq:*{name}*", *(f"rq:*{job_id}*" for job_id in ids)]:
        for key in conn.scan_iter(pattern):
            conn.delete(key)

"""The SQLite file the demonstration builds: never someone's real books.

A database the demo made carries :data:`DEMO_APPLICATION_ID` in its header (SQLite's
``PRAGMA application_id``), set before the first table is made. The demo replaces only a missing
file, an empty one, or one carrying that mark; anything else — a ledger made by
``coopledger db upgrade``, a file that is not SQLite — is refused unless forced.

While a demo builds and serves its file it holds an exclusive ``flock`` on it, so a second demo on
the same file is refused instead of rebuilding the books under the running server. The file is
emptied in place (never unlinked), so the lock stays on the file the server uses.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

DEMO_APPLICATION_ID = 0x434C4445  # "CLDE"


class DemoRefused(RuntimeError):
    """The demo will not touch this file; the message says why and what to do."""


def made_by_demo(path: Path) -> bool:
    """Whether ``path`` is a SQLite database that carries the demo's mark."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("PRAGMA application_id").fetchone()
    except sqlite3.DatabaseError:  # not a database at all
        return False
    finally:
        conn.close()
    return bool(row) and row[0] == DEMO_APPLICATION_ID


def claim(path: Path, *, force: bool) -> int:
    """Lock ``path`` for this demo and empty it; returns the open descriptor holding the lock
    (keep it open while serving).

    :raise DemoRefused: the file holds books the demo did not make (and ``force`` is false), or
        another demo is using it.
    """
    if path.is_dir():
        raise DemoRefused(f"{path} is a folder; give the demo a file path with --db")
    if path.exists() and path.stat().st_size > 0 and not force and not made_by_demo(path):
        raise DemoRefused(
            f"{path} holds books the demo did not make; the demo will not replace them "
            "(choose another file with --db, or pass --force to replace this one)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DemoRefused(
            f"another coopledger demo is using {path}; stop it first, or choose another file "
            "with --db"
        ) from None
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.ftruncate(fd, 0)
    return fd


def mark(engine: Engine) -> None:
    """Put the demo's mark into the (empty) database's header."""
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")

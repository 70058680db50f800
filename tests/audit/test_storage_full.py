"""The disk fills up while vouchers are being written.

SQLite's ``max_page_count`` stands in for a full disk (it fails a write with SQLITE_FULL exactly
as a full file system does). The client gets 507 ``storage_full`` — never a 500 or a traceback —
nothing is half-written, the database stays intact, and posting works again once there is room.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.web.app import create_app
from tests.conftest import Books, FastHasher, build_world, fresh_database, is_pg

pytestmark = pytest.mark.skipif(is_pg(), reason="SQLite's max_page_count stands in for the disk")


def test_a_full_disk_answers_507_and_leaves_the_books_whole(tmp_path: Path) -> None:
    engine = make_engine(fresh_database("storage_full", tmp_path))
    migrate.upgrade(engine)
    tokens = build_world(engine)
    cap: dict[str, int] = {}

    @event.listens_for(engine, "checkout")
    def _limit(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if "pages" in cap:
            dbapi_connection.execute(f"PRAGMA max_page_count = {cap['pages']}")

    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    app = create_app(
        Settings("unused", tmp_path, "secret", testing=True),
        session_factory=sessions,
        hasher=FastHasher(),
    )
    books = Books(app.test_client(), lambda: SqlUnitOfWork(sessions), tokens)
    with engine.connect() as conn:
        cap["pages"] = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one()) + 6
    body = {
        "date": "2026-03-10",
        "memo": "满" * 200,
        "lines": [
            {"account": "102", "debit": "10.00", "memo": "磁盘" * 100},
            {"account": "301", "member": "1", "credit": "10.00", "memo": "写满" * 100},
        ],
    }
    created = 0
    for _ in range(300):
        response = books.post("acc", "/api/v1/orgs/coop/vouchers", body)
        if response.status_code != 201:
            break
        created += 1
    assert created > 0 and response.status_code == 507, response.get_data(as_text=True)
    assert response.json["code"] == "storage_full"
    assert "Traceback" not in response.get_data(as_text=True)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        vouchers = conn.execute(text("SELECT count(*) FROM voucher")).scalar_one()
        lines = conn.execute(text("SELECT count(*) FROM voucher_line")).scalar_one()
    assert (vouchers, lines) == (created, 2 * created)  # every voucher whole, none half-written
    cap["pages"] = 1_000_000  # room again
    again = books.post("acc", "/api/v1/orgs/coop/vouchers", body)
    assert again.status_code == 201, again.json
    engine.dispose()

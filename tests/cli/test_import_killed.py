"""``coopledger import`` killed (SIGKILL) in the middle, then run again.

After each kill the database is checked (SQLite ``PRAGMA integrity_check``; PostgreSQL amcheck's
``bt_index_check`` on the ledger's indexes).

An import is one transaction: a kill leaves the database intact and the books as they were —
no voucher of the file, none half-written — and running the same file again brings in every
voucher exactly once; a third run brings in nothing.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.bench.common import MEMBERS
from coopledger.bench.transfer import voucher_rows
from coopledger.domain.imports import SPECS
from coopledger.services import auth, chain_check, orgs
from tests.conftest import PASSWORD, FastHasher, fresh_database, is_pg

LINES = 30_000


def test_a_killed_import_leaves_nothing_and_the_rerun_brings_everything_once(
    tmp_path: Path,
) -> None:
    url = fresh_database("import_killed", tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    orgs.create_org(SqlUnitOfWork(sessions), None, "bench", "导入测试合作社", "cooperative")
    auth.create_user(
        SqlUnitOfWork(sessions), None, FastHasher(), "acc", PASSWORD, "accountant", ["bench"]
    )
    admin = auth.actor_named(SqlUnitOfWork(sessions), "acc")
    for n in range(1, MEMBERS + 1):
        orgs.create_member(
            SqlUnitOfWork(sessions), admin, "bench", {"member_no": str(n), "name": f"户{n}"}
        )
    rows = voucher_rows(LINES)
    vouchers_in_file = len({r[0] for r in rows})
    path = tmp_path / "vouchers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SPECS["vouchers"].columns)
        writer.writerows(rows)
    env = {
        **os.environ,
        "COOPLEDGER_DATABASE_URL": url,
        "COOPLEDGER_INSTANCE_PATH": str(tmp_path),
    }
    command = [sys.executable, "-m", "coopledger.cli", "import", "bench", "vouchers", str(path)]
    command += ["--user", "acc"]

    def counts() -> tuple[int, int]:
        with engine.connect() as conn:
            vouchers = conn.execute(text("SELECT count(*) FROM voucher")).scalar_one()
            lines = conn.execute(text("SELECT count(*) FROM voucher_line")).scalar_one()
        return int(vouchers), int(lines)

    def intact() -> bool:
        with engine.connect() as conn:
            if is_pg():  # amcheck: every B-tree index of the ledger's tables is sound
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
                conn.execute(
                    text(
                        "SELECT bt_index_check(i.indexrelid) FROM pg_index i"
                        " JOIN pg_class t ON t.oid = i.indrelid"
                        " JOIN pg_class x ON x.oid = i.indexrelid"
                        " JOIN pg_am a ON a.oid = x.relam"  # amcheck reads B-trees only
                        " WHERE t.relname IN ('voucher', 'voucher_line', 'import_key')"
                        " AND a.amname = 'btree'"
                    )
                ).all()
                conn.commit()
                return True
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"

    # how long starting, reading and checking the file take (a dry run writes nothing)
    started = time.perf_counter()
    dry = subprocess.run([*command, "--dry-run"], env=env, capture_output=True, timeout=300)
    checking = time.perf_counter() - started
    assert dry.returncode == 0 and counts() == (0, 0)
    # killed while checking, about when the writing starts, and while writing or committing
    for share in (0.5, 1.0, 1.3):
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(checking * share)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert intact()
        assert child.returncode in (0, -signal.SIGKILL)
        # all or nothing: nothing, or — killed after its commit, while printing its report, or
        # finished first — all of it
        assert counts() in ((0, 0), (vouchers_in_file, len(rows)))
        if counts() != (0, 0):
            break
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert counts() == (vouchers_in_file, len(rows))
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert counts() == (vouchers_in_file, len(rows)) and intact()
    with engine.connect() as conn:
        unbalanced = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT voucher_id FROM voucher_line GROUP BY voucher_id"
                " HAVING sum(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END) <> 0) u"
            )
        ).scalar_one()
    assert unbalanced == 0
    assert chain_check.verify_org(SqlUnitOfWork(sessions), "bench").ok
    engine.dispose()

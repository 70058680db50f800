"""Many writers, one organization, one month: gapless numbers, nothing lost, no 500.

Each writer is a separate process with its own connections, driving the real application
(prepare → review → post over the HTTP API) against a database that commits for real. One
posting in ten fails after its number was drawn, inside the transaction; its number must not
leave a gap.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.services import auth, chain_check, orgs, vouchers
from tests.conftest import PASSWORD, FastHasher, fresh_database, is_pg

PER_WRITER = 20
BODY = {
    "date": "2026-05-15",
    "memo": "门市零售",
    "lines": [{"account": "101", "debit": "1.00"}, {"account": "501", "credit": "1.00"}],
}


class FailingCommit(SqlUnitOfWork):
    """A unit of work whose commit fails: the posting drew its number, then the process gave up."""

    def commit(self) -> None:
        raise RuntimeError("injected failure after numbering")


def writer(url: str, tmp: str, tokens: dict[str, str], queue: Any) -> None:
    from coopledger.web.app import create_app

    settings = Settings(database_url=url, instance_path=Path(tmp), secret_key="x")
    app = create_app(settings, hasher=FastHasher())
    client = app.test_client()
    acc = {"Authorization": f"Bearer {tokens['acc']}"}
    rev = {"Authorization": f"Bearer {tokens['rev']}"}
    statuses: list[int] = []
    injected = 0
    engine = make_engine(url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    actor = auth.actor_named(SqlUnitOfWork(sessions), "acc")

    def send(path: str, headers: dict[str, str], body: object = None) -> Any:
        """As a client does: a 503 (database busy) is retried after its Retry-After."""
        for _ in range(3):
            response = client.post(path, json=body, headers=headers)
            if response.status_code != 503:
                return response
            time.sleep(float(response.headers.get("Retry-After", "1")))
        return response

    for i in range(PER_WRITER):
        created = send("/api/v1/orgs/conc/vouchers", acc, BODY)
        statuses.append(created.status_code)
        if created.status_code != 201:
            continue
        base = f"/api/v1/orgs/conc/vouchers/{created.json['id']}"
        statuses.append(send(f"{base}/review", rev).status_code)
        if i % 10 == 3:
            try:
                vouchers.post_voucher(FailingCommit(sessions), actor, "conc", created.json["id"])
            except RuntimeError:
                injected += 1
        statuses.append(send(f"{base}/post", acc).status_code)
    engine.dispose()
    queue.put((statuses, injected))


def test_concurrent_posting_is_gapless_and_loses_nothing(tmp_path: Path) -> None:
    url = fresh_database("concurrency", tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    uow = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    hasher = FastHasher()
    orgs.create_org(uow(), None, "conc", "并发测试合作社", "cooperative")
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["conc"])
    auth.create_user(uow(), None, hasher, "rev", PASSWORD, "reviewer", ["conc"])
    tokens = {
        u: auth.issue_token(uow(), hasher, u, PASSWORD, timedelta(hours=1))[0]
        for u in ("acc", "rev")
    }

    writers = 16 if is_pg() else 8
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=writer, args=(url, str(tmp_path), tokens, queue)) for _ in range(writers)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0

    statuses = Counter(s for result, _ in results for s in result)
    assert set(statuses) <= {200, 201}, statuses
    assert sum(injected for _, injected in results) == writers * 2
    with engine.connect() as conn:
        numbers = [
            n
            for (n,) in conn.execute(
                text("SELECT number FROM voucher WHERE status = 'posted' ORDER BY number")
            )
        ]
        cash = conn.execute(
            text(
                "SELECT sum(amount_fen) FROM voucher_line JOIN account ON account.id = account_id "
                "WHERE account.code = '101'"
            )
        ).scalar_one()
    n = writers * PER_WRITER
    assert numbers == list(range(1, n + 1))
    assert cash == n * 100
    report = chain_check.verify_org(uow(), "conc")
    assert report.ok and report.vouchers == n
    engine.dispose()

"""Load and faults: concurrent +1.00 postings lose nothing, identical
requests with one Idempotency-Key make one voucher, and a response lost after COMMIT is replayed
on retry — never a duplicate, never a 5xx. Processes drive the real application against a
database that commits for real (like ``tests/test_concurrency.py``)."""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.services import auth, chain_check, orgs
from tests.conftest import PASSWORD, Books, FastHasher, fresh_database, is_pg

KEYS = 40
POSTINGS = 25
BODY = {
    "date": "2026-05-15",
    "memo": "门市零售",
    "lines": [{"account": "101", "debit": "1.00"}, {"account": "501", "credit": "1.00"}],
}


def _send(client: Any, path: str, headers: dict[str, str], body: object = None) -> Any:
    for _ in range(5):
        response = client.post(path, json=body, headers=headers)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def worker(url: str, tmp: str, tokens: dict[str, str], seed: int, queue: Any) -> None:
    from coopledger.web.app import create_app

    settings = Settings(database_url=url, instance_path=Path(tmp), secret_key="x")
    client = create_app(settings, hasher=FastHasher()).test_client()
    acc = {"Authorization": f"Bearer {tokens['acc']}"}
    rev = {"Authorization": f"Bearer {tokens['rev']}"}
    keyed: list[tuple[str, int, int | None]] = []
    statuses: list[int] = []
    # B4: every worker sends the same keys, in a shifted order, at the same time
    for i in range(KEYS):
        key = f"key-{(i + seed * 7) % KEYS}"
        r = _send(client, "/api/v1/orgs/load/vouchers", {**acc, "Idempotency-Key": key}, BODY)
        keyed.append((key, r.status_code, r.json.get("id") if r.status_code == 201 else None))
    # B2: +1.00 postings to one cash account, prepared, reviewed and posted
    for _ in range(POSTINGS):
        created = _send(client, "/api/v1/orgs/load/vouchers", acc, BODY)
        statuses.append(created.status_code)
        if created.status_code != 201:
            continue
        base = f"/api/v1/orgs/load/vouchers/{created.json['id']}"
        statuses.append(_send(client, f"{base}/review", rev).status_code)
        statuses.append(_send(client, f"{base}/post", acc).status_code)
    queue.put((keyed, statuses))


def test_idempotency_race_and_no_lost_updates(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = fresh_database("load", tmp_path)
    engine = make_engine(url)
    request.addfinalizer(engine.dispose)  # also when an assertion fails: no connection left open
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "load", "负载测试合作社", "cooperative")
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["load"])
    auth.create_user(uow(), None, hasher, "rev", PASSWORD, "reviewer", ["load"])
    tokens = {
        u: auth.issue_token(uow(), hasher, u, PASSWORD, timedelta(hours=1))[0]
        for u in ("acc", "rev")
    }
    workers = 8
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, str(tmp_path), tokens, i, queue))
        for i in range(workers)
    ]
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    elapsed = time.monotonic() - started

    keyed_status = Counter(s for keyed, _ in results for _, s, _ in keyed)
    assert set(keyed_status) <= {201, 409}, keyed_status  # 409: the same key still in flight
    ids: dict[str, set[int]] = defaultdict(set)
    for keyed, _ in results:
        for key, status, vid in keyed:
            if status == 201 and vid is not None:
                ids[key].add(vid)
    assert all(len(v) == 1 for v in ids.values()), ids  # one voucher per key, every replay alike
    statuses = Counter(s for _, st in results for s in st)
    assert set(statuses) <= {200, 201}, statuses
    with engine.connect() as conn:
        keyed_vouchers = conn.execute(
            text("SELECT count(*) FROM idempotency_key WHERE voucher_id IS NOT NULL")
        ).scalar_one()
        drafts = conn.execute(
            text("SELECT count(*) FROM voucher WHERE status = 'draft'")
        ).scalar_one()
        cash = conn.execute(
            text(
                "SELECT coalesce(sum(amount_fen), 0) FROM voucher_line "
                "JOIN voucher ON voucher.id = voucher_id "
                "JOIN account ON account.id = account_id "
                "WHERE account.code = '101' AND voucher.status = 'posted'"
            )
        ).scalar_one()
        audit_events = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'voucher.post'")
        ).scalar_one()
    assert keyed_vouchers == KEYS and drafts == KEYS  # the keyed vouchers stay drafts
    assert cash == workers * POSTINGS * 100  # B2: nothing lost
    assert audit_events == workers * POSTINGS  # F6: one audit event per posting
    report = chain_check.verify_org(uow(), "load")
    assert report.ok and report.vouchers == workers * POSTINGS
    assert elapsed < 600  # generous: the machine is shared; the figure is logged
    logging.getLogger(__name__).warning(
        f"B2/B4 {'pg' if is_pg() else 'sqlite'}: {workers} workers x ({KEYS} keyed + "
        f"{POSTINGS} postings) in {elapsed:.1f}s; statuses {dict(keyed_status)} / {dict(statuses)}"
    )
    engine.dispose()


class LoseFirstResponse:
    """WSGI middleware: the first voucher POST commits, then its response never reaches the client."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lost = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = self.app(environ, start_response)
        post = environ["REQUEST_METHOD"] == "POST"
        if post and environ["PATH_INFO"].endswith("/vouchers") and self.lost == 0:
            self.lost += 1
            list(body)
            raise ConnectionResetError("the connection dropped after COMMIT")
        return body


def test_a_response_lost_after_commit_is_replayed_not_duplicated(
    books: Books, connection: Any
) -> None:
    app = books.client.application
    lossy = LoseFirstResponse(app.wsgi_app)
    app.wsgi_app = lossy  # type: ignore[method-assign]
    headers = books.headers("acc", **{"Idempotency-Key": "c2-lost"})
    body = {
        **BODY,
        "lines": [{"account": "102", "debit": "3.00"}, {"account": "501", "credit": "3.00"}],
    }
    before = connection.execute(text("SELECT count(*) FROM voucher")).scalar_one()
    try:
        books.client.post("/api/v1/orgs/coop/vouchers", json=body, headers=headers)
        raise AssertionError("the first response should have been lost")
    except ConnectionResetError:
        pass
    assert lossy.lost == 1
    retried = books.client.post("/api/v1/orgs/coop/vouchers", json=body, headers=headers)
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    assert connection.execute(text("SELECT count(*) FROM voucher")).scalar_one() == before + 1

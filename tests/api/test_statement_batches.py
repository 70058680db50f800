"""`POST …/statements/batches` → 202 and a batch id; `GET …/batches/{id}` → progress and, when
done, links to the PDFs. On the RQ queue (a burst worker here) and, without Redis, in a local
background process."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker

from coopledger.bench.household_statements import ADMIN, PASSWORD
from coopledger.config import Settings
from coopledger.web.app import create_app
from tests.conftest import PUBLIC_URL
from tests.statement_books import ORG, YEAR, purge_queue, statement_books

REDIS_URL = "redis://127.0.0.1:6379/0"
MEMBERS = 3
BATCHES = f"/api/v1/orgs/{ORG}/statements/batches"


def redis_answers() -> bool:
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError:
        return False
    return True


@pytest.fixture(scope="module")
def books_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return statement_books("stmtapi", tmp_path_factory.mktemp("stmtapi"), MEMBERS)


@pytest.fixture
def client(
    books_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", books_url)
    monkeypatch.delenv("COOPLEDGER_REDIS_URL", raising=False)
    settings = Settings(
        database_url=books_url,
        instance_path=tmp_path,
        secret_key="test",
        testing=True,
        public_url=PUBLIC_URL,
    )
    app = create_app(settings)
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": ADMIN, "password": PASSWORD})
    assert token.status_code == 201, token.json
    yield client, {"Authorization": f"Bearer {token.json['token']}"}
    engine = app.extensions["coopledger"].engine
    if engine is not None:
        engine.dispose()


def wait_done(client: FlaskClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json
        assert body["state"] in ("queued", "running", "done"), body
        if body["state"] == "done":
            return body  # type: ignore[no-any-return]
        time.sleep(0.3)
    pytest.fail("the batch did not finish")


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_a_batch_on_the_queue_shows_progress_then_links(
    client: tuple[FlaskClient, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    http, headers = client
    queue_name = f"coopledger-test-{uuid.uuid4().hex[:10]}"
    ext = http.application.extensions["coopledger"]
    settings = replace(ext.settings, queue_redis_url=REDIS_URL, queue_name=queue_name)
    monkeypatch.setattr(ext, "settings", settings)
    conn = Redis.from_url(REDIS_URL)
    try:
        started = http.post(BATCHES, json={"year": YEAR, "combined": True}, headers=headers)
        assert started.status_code == 202, started.json
        body = started.json
        assert (body["total"], body["done"], body["failed"], body["state"], body["mode"]) == (
            MEMBERS,
            0,
            0,
            "queued",
            "queue",
        )
        assert started.headers["Location"].endswith(f"/batches/{body['id']}")
        SimpleWorker([Queue(queue_name, connection=conn)], connection=conn).work(burst=True)
        done = wait_done(http, headers, started.headers["Location"])
        assert done["done"] == MEMBERS and done["failed"] == 0
        [link] = done["files"]
        assert link["name"] == f"statements-{ORG}-{YEAR}.pdf"
        pdf = http.get(link["url"], headers=headers)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert len(PdfReader(io.BytesIO(pdf.data)).pages) == MEMBERS
        assert link["bytes"] == len(pdf.data)
        pdf.close()
    finally:
        purge_queue(conn, queue_name)
        conn.close()


def test_without_redis_a_local_process_renders_the_batch(
    client: tuple[FlaskClient, dict[str, str]],
) -> None:
    http, headers = client
    started = http.post(BATCHES, json={"year": YEAR}, headers=headers)
    assert started.status_code == 202, started.json
    assert started.json["mode"] == "local"
    done = wait_done(http, headers, started.headers["Location"])
    names = sorted(f["name"] for f in done["files"])
    assert names == sorted(f"statement-{ORG}-{n}-{YEAR}.pdf" for n in range(1, MEMBERS + 1))
    one = http.get(done["files"][0]["url"], headers=headers)
    assert one.status_code == 200 and one.data.startswith(b"%PDF-")
    one.close()


def test_refusals(client: tuple[FlaskClient, dict[str, str]]) -> None:
    http, headers = client
    no_plan = http.post(BATCHES, json={"year": YEAR - 1}, headers=headers)
    assert no_plan.status_code == 404 and "no posted distribution" in no_plan.json["detail"]
    assert http.post(BATCHES, json={"year": "2025x"}, headers=headers).status_code == 422
    assert http.get(f"{BATCHES}/0123456789ab", headers=headers).status_code == 404
    assert http.get(f"{BATCHES}/..%2F..%2Fx", headers=headers).status_code == 404
    assert http.get(f"{BATCHES}/0123456789ab/files/x.pdf", headers=headers).status_code == 404
    assert http.post(BATCHES, json={"year": YEAR}).status_code == 401
    assert (
        http.get("/api/v1/orgs/nowhere/statements/batches/abc", headers=headers).status_code == 404
    )

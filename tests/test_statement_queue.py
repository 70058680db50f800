"""Statement batches on RQ with a real Redis (skipped only when 127.0.0.1:6379 does not answer):
a burst worker in this process, and a worker killed with SIGKILL mid-batch whose job a new
worker finishes — every household exactly one file, every code issued once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.registry import StartedJobRegistry
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from coopledger.adapters import household_statement_batch as sb
from coopledger.adapters import jobs
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from tests.statement_books import ORG, YEAR, issued_rows, purge_queue, statement_books

REDIS_URL = "redis://127.0.0.1:6379/0"
MEMBERS = 6


def _redis() -> Redis | None:
    try:
        conn = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        conn.ping()
    except RedisError:
        return None
    return conn


pytestmark = pytest.mark.skipif(_redis() is None, reason="no Redis at 127.0.0.1:6379")


@pytest.fixture(scope="module")
def books_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return statement_books("stmtqueue", tmp_path_factory.mktemp("stmtqueue"), MEMBERS)


@pytest.fixture
def engine(books_url: str) -> Iterator[Engine]:
    engine = make_engine(books_url)
    yield engine
    engine.dispose()


@pytest.fixture
def conn() -> Iterator[Redis]:
    conn = _redis()
    assert conn is not None
    yield conn
    conn.close()


@pytest.fixture
def queue_name(conn: Redis) -> Iterator[str]:
    """A queue of this test alone, so parallel runs never share jobs; emptied afterwards."""
    name = f"coopledger-test-{uuid.uuid4().hex[:10]}"
    yield name
    purge_queue(conn, name)


def plan(engine: Engine, out: Path, queue_name: str, **kw: object) -> sb.BatchSpec:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return sb.plan_batch(
        SqlUnitOfWork(sessions),
        sb.operator(),
        org=ORG,
        year=YEAR,
        out_dir=out,
        base_url="http://127.0.0.1:8000",
        username=None,
        queue=queue_name,
        **kw,  # type: ignore[arg-type]
    )


def _mid_chunk(started: StartedJobRegistry, spec: sb.BatchSpec) -> bool:
    """A chunk job is running and has not written its chunk yet."""
    done = {p.name for p in (spec.folder / "done").iterdir()}
    for job_id in started.get_job_ids(cleanup=False):
        chunk = job_id.rsplit("-", 1)[-1]
        if chunk.isdigit() and chunk not in done:
            return True
    return False


def statement_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_file())


def test_a_burst_worker_renders_the_batch(
    books_url: str,
    engine: Engine,
    conn: Redis,
    queue_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", books_url)
    spec = plan(engine, tmp_path, queue_name, combined=True, chunk_size=3)
    ids = jobs.enqueue_batch(conn, spec, queue_name)
    assert len(ids) == 3  # two chunks and the finishing job
    assert jobs.enqueue_batch(conn, spec, queue_name) == ids  # the same ids: nothing added
    st = jobs.status(conn, spec, queue_name)
    assert (st.total, st.done, st.failed, st.state) == (MEMBERS, 0, 0, "queued")
    SimpleWorker([Queue(queue_name, connection=conn)], connection=conn).work(burst=True)
    st = jobs.status(conn, spec, queue_name)
    assert (st.total, st.done, st.failed, st.state) == (MEMBERS, MEMBERS, 0, "done")
    assert statement_files(tmp_path) == [f"statements-{ORG}-{YEAR}.pdf"]
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / f"statements-{ORG}-{YEAR}.pdf").pages) == MEMBERS
    issued = issued_rows(engine)
    assert len(issued) == MEMBERS == len({m for m, _ in issued})


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    books_url: str,
    engine: Engine,
    conn: Redis,
    queue_name: str,
    tmp_path: Path,
) -> None:
    spec = plan(engine, tmp_path, queue_name, combined=False, chunk_size=1)
    jobs.enqueue_batch(conn, spec, queue_name)
    env = {**os.environ, "COOPLEDGER_DATABASE_URL": books_url, "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-m", "coopledger.cli", "worker", "--url", REDIS_URL]
    victim = subprocess.Popen(
        [*command, "--queue", queue_name],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = StartedJobRegistry(queue_name, connection=conn)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # freeze the worker and its work horse; kill them if a chunk is half-rendered
            os.killpg(victim.pid, signal.SIGSTOP)
            if _mid_chunk(started, spec):
                break
            os.killpg(victim.pid, signal.SIGCONT)
            time.sleep(0.05)
        else:
            pytest.fail("the worker never got going")
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the worker and the job's work horse
        victim.wait()
    assert sb.progress(spec).done < MEMBERS
    assert _mid_chunk(started, spec)  # a job was cut off mid-render

    # a new worker finds the job of a dead worker (same machine, no such pid) and retries it
    rescuer = subprocess.run(
        [*command, "--queue", queue_name, "--burst"], env=env, timeout=300, check=False
    )
    assert rescuer.returncode == 0
    st = jobs.status(conn, spec, queue_name)
    assert (st.done, st.failed, st.state) == (MEMBERS, 0, "done"), st
    expected = sorted(f"statement-{ORG}-{n}-{YEAR}.pdf" for n in range(1, MEMBERS + 1))
    assert statement_files(tmp_path) == expected  # exactly one file each, no temporary file
    issued = issued_rows(engine)
    assert len(issued) == MEMBERS == len({m for m, _ in issued})  # each code issued once

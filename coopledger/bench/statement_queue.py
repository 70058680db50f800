"""``coopledger bench queue``: household statements rendered by RQ workers on Redis — how the
rate grows with the workers, what a city's 100,000 statements would take on N machines, and a
batch that still finishes, each household once, after one of its workers is killed.

Set-up (not timed): the cooperative of ``coopledger bench statements`` with ``count`` households
and a posted plan. Timed, for each number of workers: a batch of separate statements enqueued on
a queue of its own, that many ``coopledger worker --burst`` processes started at once (each pays
its cold start: imports, fonts, the database), until the last worker has ended and every file is
written. The rate per worker and per CPU second of the workers are the figures a projection can
rest on; the projection assumes what this bench cannot show on one machine — that the database
and the shared output folder keep up with that many workers — and says so.

The kill run starts the workers, kills one with SIGKILL once a part of the batch is written, starts
another in its place (as a supervisor would) and waits for the batch: every household must have
exactly one file and one issued code, or the bench fails.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.bench.household_statements import ORG, YEAR, backend_of, fresh_statement_books

Echo = Callable[[str], None]

#: the size a city asks for, and the machines the projection is printed for
CITY = 100_000
MACHINES = (1, 2, 5, 10, 20)
#: one ``coopledger worker`` that stops when its queue is empty
WORKER = (sys.executable, "-m", "coopledger.cli", "worker", "--burst")


class QueueBenchFailed(RuntimeError):
    """The batch did not end with every household written exactly once."""


def run_queue_bench(
    *,
    count: int,
    workers: list[int],
    redis_url: str,
    database_url: str | None,
    chunk_size: int,
    kill: bool,
    echo: Echo,
) -> None:
    from coopledger.adapters import household_statement_batch as sb
    from coopledger.adapters import jobs

    conn = jobs.connect(redis_url)
    conn.ping()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        echo(
            f"backend: {backend_of(database_url)}; {os.cpu_count()} cores; Redis at "
            f"{redis_url}; setting up {count:,} households (load {_load()})"
        )
        url = fresh_statement_books(database_url, tmp, count)
        uow = UnitsOfWork(sb.process_sessions(url))
        base = "http://127.0.0.1:8000"

        def batch(label: str) -> tuple[sb.BatchSpec, str]:
            out = tmp / label
            out.mkdir()
            spec = sb.plan_batch(
                uow(),
                sb.operator(),
                org=ORG,
                year=YEAR,
                out_dir=out,
                base_url=base,
                username=None,
                combined=False,
                chunk_size=chunk_size,
            )
            queue = f"bench-{uuid.uuid4().hex[:12]}"
            jobs.enqueue_batch(conn, spec, queue)
            return spec, queue

        def start(queue: str) -> subprocess.Popen[bytes]:
            env = {**os.environ, "COOPLEDGER_DATABASE_URL": url}
            return subprocess.Popen(
                [*WORKER, "--url", redis_url, "--queue", queue],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        echo(
            f"{'workers':>8}{'wall s':>9}{'per s':>8}{'per worker':>12}{'CPU s':>9}"
            f"{'per CPU s':>10}{'load':>7}"
        )
        rates: dict[int, float] = {}
        per_cpu: dict[int, float] = {}
        for w in workers:
            spec, queue = batch(f"out-{w}")
            cpu = _children_cpu()
            started = time.perf_counter()
            procs = [start(queue) for _ in range(w)]
            _wait(procs, spec, echo)
            seconds = time.perf_counter() - started
            cpu_seconds = _children_cpu() - cpu
            _check(spec, count, engine_url=url)
            _purge(conn, queue)
            rates[w], per_cpu[w] = count / seconds, count / cpu_seconds
            echo(
                f"{w:>8}{seconds:>9.1f}{rates[w]:>8.1f}{rates[w] / w:>12.2f}{cpu_seconds:>9.1f}"
                f"{per_cpu[w]:>10.2f}{_load():>7}"
            )
        if len(rates) > 1:
            low, high = min(rates), max(rates)
            echo(
                f"scaling: {high} workers render {rates[high] / rates[low]:.2f}× what {low} "
                f"render{'s' if low == 1 else ''} ({os.cpu_count()} cores here)"
            )
        per_core = max(per_cpu.values())
        echo(
            f"projection for {CITY:,} statements at {per_core:.2f} per CPU second "
            f"(the best measured above), one worker per core, the database and the output "
            f"folder assumed to keep up:"
        )
        for machines in MACHINES:
            cores = machines * (os.cpu_count() or 1)
            echo(
                f"  {machines:>3} machine{'s' if machines > 1 else ' '} of {os.cpu_count()} cores:"
                f" {CITY / (per_core * cores) / 60:>7.1f} min"
            )

        if kill:
            w = max(2, max(workers))
            spec, queue = batch("out-kill")
            procs = [start(queue) for _ in range(w)]
            while sb.progress(spec).done < count // 3 and procs[0].poll() is None:
                time.sleep(0.2)
            written = sb.progress(spec).done
            procs[0].send_signal(signal.SIGKILL)
            procs[0].wait()
            echo(
                f"kill: worker {procs[0].pid} killed with SIGKILL after {written:,} of "
                f"{count:,} households; a new worker started in its place"
            )
            procs[0] = start(queue)
            started = time.perf_counter()
            # the status call lets RQ give the dead worker's job back at once (its pid is gone)
            while any(p.poll() is None for p in procs):
                jobs.status(conn, spec, queue)
                time.sleep(0.5)
            state = jobs.status(conn, spec, queue)
            if state.state != "done":  # the dead worker's job came back after the others ended
                procs = [start(queue)]
                _wait(procs, spec, echo)
            _check(spec, count, engine_url=url)
            _purge(conn, queue)
            echo(
                f"kill: the batch finished {time.perf_counter() - started:.1f} s after the kill; "
                f"{count:,} files, each household once, {count:,} codes issued once"
            )


def _wait(procs: list[subprocess.Popen[bytes]], spec: object, echo: Echo) -> None:
    from coopledger.adapters import household_statement_batch as sb

    assert isinstance(spec, sb.BatchSpec)
    shown = time.monotonic()
    while any(p.poll() is None for p in procs):
        time.sleep(0.2)
        if time.monotonic() - shown > 10:
            echo(f"  … {sb.progress(spec).done:,} of {spec.total:,}")
            shown = time.monotonic()
    if any(p.returncode != 0 for p in procs):
        raise QueueBenchFailed(f"a worker exited with {[p.returncode for p in procs]}")


def _check(spec: object, count: int, *, engine_url: str) -> None:
    """Every household written once: ``count`` files, ``count`` codes issued, batch finished."""
    from coopledger.adapters import household_statement_batch as sb
    from coopledger.adapters.db.tables import IssuedStatementRow

    assert isinstance(spec, sb.BatchSpec)
    files = sb.finish(spec)
    pdfs = sorted(Path(spec.out_dir).glob("statement-*.pdf"))
    if len(files) != count or len(pdfs) != count:
        raise QueueBenchFailed(f"{len(pdfs)} statement files for {count} households")
    engine = make_engine(engine_url)
    try:
        with engine.connect() as conn:
            row = IssuedStatementRow
            issued = conn.execute(
                select(func.count(), func.count(func.distinct(row.member_id)))
            ).one()
    finally:
        engine.dispose()
    if issued[0] != issued[1] or issued[1] != count:
        raise QueueBenchFailed(f"{issued[0]} codes issued to {issued[1]} of {count} households")


def _purge(conn: object, queue: str) -> None:
    from redis import Redis
    from rq import Queue

    assert isinstance(conn, Redis)
    Queue(queue, connection=conn).delete(delete_jobs=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"

"""Statement batches on a job queue: RQ on Redis, the queue real deployments already run.

``COOPLEDGER_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/0``) turns it on; unset, batches run in
local processes (:func:`coopledger.adapters.household_statement_batch.run_local`). A batch is one
job per chunk of members plus a finishing job that depends on all of them; ``coopledger worker``
starts a worker, and any number of workers, on any machines that see the output folder and the
database, share a batch. Job ids are derived from the batch id (``stmt-<batch>-<chunk>``), so
enqueueing twice adds nothing.

A worker killed mid-job loses nothing: every chunk job carries ``Retry(max=3)``. RQ retries a
job that raised; a job whose worker died stays in the started registry until its heartbeat
expires, and RQ's clean-up then retries it (:func:`recover` does the same at once for a worker
known dead — on this machine, by its pid). Jobs that failed for good are requeued by
``recover(..., failed=True)``. Re-running a chunk duplicates nothing (see
:mod:`coopledger.adapters.household_statement_batch`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq import Queue, Retry, Worker
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

from coopledger.adapters import household_statement_batch as sb
from coopledger.config import DEFAULT_QUEUE

JOB_TIMEOUT = 30 * 60  # one chunk: 100 combined pages at worst, on a slow machine
KEEP = 7 * 24 * 3600  # results and failures are kept a week


def connect(url: str) -> Redis:
    return Redis.from_url(url)


def chunk_job_id(batch_id: str, index: int) -> str:
    return f"stmt-{batch_id}-{index:05d}"


def finish_job_id(batch_id: str) -> str:
    return f"stmt-{batch_id}-finish"


# -- the jobs (run by `coopledger worker`; the database comes from the worker's settings) ---------


def statement_chunk_job(out_dir: str, batch_id: str, index: int) -> int:
    spec = sb.load_spec(Path(out_dir), batch_id)
    return sb.run_chunk(spec, index)


def statement_finish_job(out_dir: str, batch_id: str) -> list[str]:
    return sb.finish(sb.load_spec(Path(out_dir), batch_id))


# -- enqueueing, progress, recovery ---------------------------------------------------------------


def enqueue_batch(conn: Redis, spec: sb.BatchSpec, queue_name: str = DEFAULT_QUEUE) -> list[str]:
    """One job per chunk not done yet, and the finishing job after them; returns the job ids."""
    queue = Queue(queue_name, connection=conn)
    done = {p.name for p in (spec.folder / "done").iterdir()}
    datas = [
        Queue.prepare_data(
            statement_chunk_job,
            args=(spec.out_dir, spec.id, i),
            job_id=chunk_job_id(spec.id, i),
            timeout=JOB_TIMEOUT,
            result_ttl=KEEP,
            failure_ttl=KEEP,
            retry=Retry(max=3),
            description=f"statements {spec.org} {spec.year} chunk {i + 1}/{len(spec.chunks)}",
        )
        for i in range(len(spec.chunks))
        if f"{i:05d}" not in done
    ]
    jobs = queue.enqueue_many(datas) if datas else []
    queue.enqueue(
        statement_finish_job,
        spec.out_dir,
        spec.id,
        job_id=finish_job_id(spec.id),
        depends_on=jobs or None,
        job_timeout=JOB_TIMEOUT,
        result_ttl=KEEP,
        failure_ttl=KEEP,
        retry=Retry(max=3),
        description=f"statements {spec.org} {spec.year}: finish",
    )
    return [j.id for j in jobs] + [finish_job_id(spec.id)]


@dataclass(frozen=True)
class BatchStatus:
    total: int
    done: int
    failed: int
    state: str  # queued | running | done | failed


def status(conn: Redis, spec: sb.BatchSpec, queue_name: str = DEFAULT_QUEUE) -> BatchStatus:
    """The batch's progress: members written (from its folder), members whose job failed for
    good, and the state. Reading it also lets RQ retry jobs abandoned by dead workers."""
    recover(conn, spec, queue_name)
    progress = sb.progress(spec)
    if progress.finished:
        return BatchStatus(progress.total, progress.total, 0, "done")
    ids = [chunk_job_id(spec.id, i) for i in range(len(spec.chunks))]
    jobs = Job.fetch_many([*ids, finish_job_id(spec.id)], connection=conn)
    done_chunks = {p.name for p in (spec.folder / "done").iterdir()}
    failed = 0
    started = False
    for i, job in enumerate(jobs[: len(ids)]):
        if f"{i:05d}" in done_chunks or job is None:
            continue
        job_status = job.get_status(refresh=False)
        if job_status == JobStatus.FAILED:
            failed += len(spec.chunks[i])
        elif job_status in (JobStatus.STARTED, JobStatus.FINISHED):
            started = True
    finisher = jobs[-1]
    if finisher is not None and finisher.get_status(refresh=False) == JobStatus.FAILED:
        failed = max(failed, 1)
    if failed and progress.done + failed >= progress.total:
        state = "failed"
    elif progress.done or started:
        state = "running"
    else:
        state = "queued"
    return BatchStatus(progress.total, progress.done, failed, state)


def recover(
    conn: Redis, spec: sb.BatchSpec, queue_name: str = DEFAULT_QUEUE, *, failed: bool = False
) -> int:
    """Retry the batch's jobs whose worker is gone (killed, machine lost) — at once when the
    worker is known dead, otherwise when its heartbeat expires — and, with ``failed``, requeue
    the jobs that failed for good. Returns how many jobs were put back."""
    queue = Queue(queue_name, connection=conn)
    ours = {chunk_job_id(spec.id, i) for i in range(len(spec.chunks))} | {finish_job_id(spec.id)}
    put_back = requeue_abandoned(conn, queue_name, ours)
    if failed:
        registry = FailedJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            if job_id in ours:
                registry.requeue(job_id)
                put_back += 1
    return put_back


def requeue_abandoned(conn: Redis, queue_name: str, only: set[str] | None = None) -> int:
    """Retry the jobs of the queue (or of ``only`` those ids) whose worker is known dead, and
    those whose heartbeat expired; returns how many were found with a dead worker."""
    started = StartedJobRegistry(queue=Queue(queue_name, connection=conn))
    put_back = 0
    for job_id, execution_id in started.get_job_and_execution_ids(cleanup=False):
        if only is not None and job_id not in only:
            continue
        job = Job.fetch(job_id, connection=conn) if Job.exists(job_id, connection=conn) else None
        if job is None or not _worker_dead(conn, job.worker_name):
            continue
        # expire the entry now: RQ's own clean-up then retries it (or fails it, no retries left)
        conn.zadd(started.key, {f"{job_id}:{execution_id}": 0})
        put_back += 1
    started.cleanup()  # also catches entries whose heartbeat simply expired
    return put_back


def _worker_dead(conn: Redis, worker_name: str | None) -> bool:
    if not worker_name:
        return True
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker_name, connection=conn)
    if worker is None:
        return True
    if worker.hostname == socket.gethostname() and worker.pid:
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def workers_listening(conn: Redis, queue_name: str) -> int:
    return Worker.count(connection=conn, queue=Queue(queue_name, connection=conn))


def run_worker(conn: Redis, queue_name: str = DEFAULT_QUEUE, *, burst: bool = False) -> None:
    """Work the statement queue (``coopledger worker``) until stopped, or until it is empty."""
    # import the rendering stack once, so that each forked job starts warm
    import weasyprint  # noqa: F401

    from coopledger.adapters import pdf

    pdf.cjk_font_families()
    requeue_abandoned(conn, queue_name)  # the jobs of workers that died before this one started
    worker = Worker([Queue(queue_name, connection=conn)], connection=conn)
    worker.work(burst=burst, logging_level="WARNING")

"""``coopledger statements`` (a year's household statements: one PDF each, or one combined PDF;
on local processes or on the job queue) and ``coopledger worker``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from coopledger import config
from coopledger.cli.common import (
    books,
    domain_errors,
)
from coopledger.config import parse_public_url
from coopledger.services import auth


def _public_url(value: str | None) -> str:
    try:
        return parse_public_url(value or "", "--base-url")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("statements")
@click.argument("org")
@click.option("--year", required=True, type=int)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Local worker processes (each opens its own database connection).",
)
@click.option("--combined", is_flag=True, help="One PDF with a page per household.")
@click.option(
    "--queue",
    "use_queue",
    is_flag=True,
    help="Render on the job queue (RQ on Redis: --redis-url) by `coopledger "
    "worker` processes, and show progress until done.",
)
@click.option(
    "--redis-url",
    default=None,
    help=f"Default: COOPLEDGER_REDIS_URL, else {config.DEFAULT_REDIS_URL}.",
)
@click.option("--no-wait", is_flag=True, help="With --queue: print the batch id and return.")
@click.option("--chunk-size", default=None, type=click.IntRange(1), help="Members per job.")
@click.option(
    "--base-url",
    default=None,
    callback=lambda _ctx, _param, value: _public_url(value),
    help="Where /verify answers, printed on each statement and in its QR code "
    "(default: COOPLEDGER_PUBLIC_URL; without either no statement is issued).",
)
@click.option(
    "--user",
    "username",
    default=None,
    help="The user the statements are issued by (default: the machine's operator).",
)
@domain_errors
def statements_cmd(
    org: str,
    year: int,
    out_dir: Path,
    workers: int,
    combined: bool,
    use_queue: bool,
    redis_url: str | None,
    no_wait: bool,
    chunk_size: int | None,
    base_url: str,
    username: str | None,
) -> None:
    """Write every household's dividend statement of a year into a folder: one PDF per household
    (statement-ORG-MEMBER-YEAR.pdf) or, with --combined, one PDF with a page per household
    (statements-ORG-YEAR.pdf). Re-running rewrites the same files and issues no new codes."""
    from coopledger.adapters import household_statement_batch as sb

    if use_queue:  # reached before anything is written: an unreachable queue leaves no trace
        from coopledger.adapters import jobs

        redis_url = config.redis_url(redis_url)
        click.echo(f"job queue: Redis at {config.shown_url(redis_url)}", err=True)
        jobs.connect(redis_url).ping()

    with books() as b:
        actor = auth.actor_named(b.uow(), username) if username else sb.operator()
        spec = sb.plan_batch(
            b.uow(),
            actor,
            org=org,
            year=year,
            out_dir=out_dir,
            base_url=base_url or b.settings.public_url,
            username=username,
            combined=combined,
            chunk_size=chunk_size,
            chunks=workers if combined and not use_queue and not chunk_size else None,
        )
        label = f"{org} {year}"
        if use_queue:
            assert redis_url is not None
            _run_on_queue(spec, redis_url, no_wait, label)
        else:
            with click.progressbar(
                length=spec.total, label=label, show_pos=True, file=sys.stderr
            ) as bar:
                files = sb.run_local(
                    spec,
                    workers=workers,
                    database_url=b.engine.url.render_as_string(hide_password=False),
                    uow=b.uow if workers == 1 else None,
                    on_progress=bar.update,
                )
            _written(spec, files)


def _written(spec: object, files: list[str]) -> None:
    from coopledger.adapters.household_statement_batch import BatchSpec

    assert isinstance(spec, BatchSpec)
    if spec.combined:
        click.echo(f"{spec.total} statements written to {Path(spec.out_dir) / files[0]}")
    else:
        click.echo(f"{len(files)} statements written to {spec.out_dir}")


def _run_on_queue(spec: object, redis_url: str, no_wait: bool, label: str) -> None:
    from coopledger.adapters import jobs
    from coopledger.adapters.household_statement_batch import BatchSpec

    assert isinstance(spec, BatchSpec)
    conn = jobs.connect(redis_url)
    queue_name = config.queue_name()
    jobs.enqueue_batch(conn, spec, queue_name)
    click.echo(
        f"batch {spec.id}: {len(spec.chunks)} jobs on queue {queue_name!r} "
        f"(workers: `coopledger worker`)",
        err=True,
    )
    if no_wait:
        click.echo(spec.id)
        return
    shown = 0
    warned_at = time.monotonic() + 5
    with click.progressbar(length=spec.total, label=label, show_pos=True, file=sys.stderr) as bar:
        while True:
            st = jobs.status(conn, spec, queue_name)
            bar.update(st.done - shown)
            shown = st.done
            if st.state in ("done", "failed"):
                break
            if time.monotonic() > warned_at and not jobs.workers_listening(conn, queue_name):
                click.echo(
                    f"\nno worker listens on queue {queue_name!r}: start `coopledger worker`",
                    err=True,
                )
                warned_at = time.monotonic() + 60
            time.sleep(0.5)
    if st.state == "failed":
        click.echo(
            f"error: batch {spec.id}: {st.failed} statements failed; see `rq info` and the "
            f"failed job registry, fix the cause, and run again (nothing is duplicated)",
            err=True,
        )
        sys.exit(1)
    from coopledger.adapters.household_statement_batch import finish

    _written(spec, finish(spec))


@click.command("worker")
@click.option(
    "--url",
    "redis_url",
    default=None,
    help=f"Default: COOPLEDGER_REDIS_URL, else {config.DEFAULT_REDIS_URL}.",
)
@click.option("--queue", "queue_name", default=None, help="Default: COOPLEDGER_QUEUE or the usual.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_cmd(redis_url: str | None, queue_name: str | None, burst: bool) -> None:
    """Start an RQ worker that renders statement batches (any number, on any machine that sees
    the database and the output folder)."""
    from coopledger.adapters import jobs

    url = config.redis_url(redis_url)
    name = config.queue_name(queue_name)
    click.echo(f"worker: Redis at {config.shown_url(url)}, queue {name!r}", err=True)
    jobs.run_worker(jobs.connect(url), name, burst=burst)

"""``coopledger bench …``: benchmarks that print figures (slow; not part of the test suite)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def bench() -> None:
    """Benchmarks that print figures (slow; not part of the test suite)."""


@bench.command("ledger")
@click.option("--vouchers", default=100_000, show_default=True, type=int)
@click.option(
    "--tb-lines",
    default=1_000_000,
    show_default=True,
    type=int,
    help="Lines in the organization whose trial balance is timed.",
)
@click.option("--http-requests", default=200, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_ledger(
    vouchers: int, tb_lines: int, http_requests: int, database_url: str | None
) -> None:
    """Bulk posting, trial balance at scale, and voucher creation over HTTP."""
    from coopledger.bench.ledger import run_ledger_bench

    run_ledger_bench(
        vouchers=vouchers,
        tb_lines=tb_lines,
        http_requests=http_requests,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("pages")
@click.option("--vouchers", default=10_000, show_default=True, type=int)
@click.option("--tb-lines", default=1_000_000, show_default=True, type=int)
@click.option("--runs", default=15, show_default=True, type=int, help="Requests per page.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_pages(vouchers: int, tb_lines: int, runs: int, database_url: str | None) -> None:
    """Median server time of every page an accountant opens, at a million lines."""
    from coopledger.bench.pages import run_pages_bench

    run_pages_bench(
        vouchers=vouchers,
        tb_lines=tb_lines,
        runs=runs,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("distribution")
@click.option("--members", default=10_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_distribution(members: int, database_url: str | None) -> None:
    """A distribution plan for many members: computed, saved, approved and posted."""
    from coopledger.bench.distribution import run_distribution_bench

    run_distribution_bench(members=members, database_url=database_url, echo=click.echo)


@bench.command("registers")
@click.option("--assets", default=2_000, show_default=True, type=int)
@click.option("--months", default=12, show_default=True, type=int, help="Months depreciated.")
@click.option("--members", default=5_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_registers(assets: int, months: int, members: int, database_url: str | None) -> None:
    """A depreciation run over many assets, and the share register of many members."""
    from coopledger.bench.registers import run_registers_bench

    run_registers_bench(
        assets=assets,
        months=months,
        members=members,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("regions")
@click.option("--orgs", "orgs_count", default=100, show_default=True, type=int)
@click.option("--lines", default=500_000, show_default=True, type=int, help="Posted lines in all.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_regions(orgs_count: int, lines: int, database_url: str | None) -> None:
    """The consolidated report of a county of many organizations."""
    from coopledger.bench.regions import run_regions_bench

    run_regions_bench(
        orgs_count=orgs_count, lines=lines, database_url=database_url, echo=click.echo
    )


@bench.command("import")
@click.option("--lines", default=100_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_import(lines: int, database_url: str | None) -> None:
    """Import voucher lines from CSV and from XLSX, with and without a dry run."""
    from coopledger.bench.transfer import run_import_bench

    run_import_bench(lines=lines, database_url=database_url, echo=click.echo)


@bench.command("backup")
@click.option("--lines", default=1_000_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
@click.option(
    "--restore-url", default=None, help="Where to restore (default: another SQLite file)."
)
def bench_backup(lines: int, database_url: str | None, restore_url: str | None) -> None:
    """Backup and restore of an organization with many voucher lines."""
    from coopledger.bench.transfer import run_backup_bench

    run_backup_bench(
        lines=lines, database_url=database_url, restore_url=restore_url, echo=click.echo
    )


@bench.command("statements")
@click.option("--count", default=1_000, show_default=True, type=click.IntRange(2))
@click.option("--workers", default="1,2", show_default=True, help="Worker counts to run.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_statements_cmd(count: int, workers: str, database_url: str | None) -> None:
    """Statements per second and KB per statement, separate and combined, beside bare WeasyPrint."""
    from coopledger.bench.household_statements import run_statements_bench

    run_statements_bench(
        count=count,
        workers=[int(w) for w in workers.split(",") if w.strip()],
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("queue")
@click.option("--count", default=400, show_default=True, type=click.IntRange(2))
@click.option("--workers", default="1,2", show_default=True, help="Worker counts to run.")
@click.option("--chunk-size", default=20, show_default=True, type=click.IntRange(1))
@click.option("--redis-url", default=None, help="Default: COOPLEDGER_REDIS_URL or the usual.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
@click.option("--kill/--no-kill", default=True, show_default=True)
def bench_queue_cmd(
    count: int,
    workers: str,
    chunk_size: int,
    redis_url: str | None,
    database_url: str | None,
    kill: bool,
) -> None:
    """Statements rendered by RQ workers: the rate with 1 and 2 workers, the projection to a
    city's 100,000 statements on N machines, and a batch finishing after a worker is killed."""
    from coopledger import config
    from coopledger.bench.statement_queue import QueueBenchFailed, run_queue_bench

    try:
        run_queue_bench(
            count=count,
            workers=[int(w) for w in workers.split(",") if w.strip()],
            redis_url=config.redis_url(redis_url),
            database_url=database_url,
            chunk_size=chunk_size,
            kill=kill,
            echo=click.echo,
        )
    except QueueBenchFailed as exc:
        raise click.ClickException(str(exc)) from exc


@bench.command("soak")
@click.option("--url", required=True, help="The served instance, e.g. http://127.0.0.1:8000")
@click.option("--org", required=True)
@click.option("--user", "username", required=True, help="An accountant of ORG (prepares, posts).")
@click.option("--reviewer", required=True, help="A reviewer of ORG.")
@click.option("--password", envvar="COOPLEDGER_SOAK_PASSWORD", required=True, hide_input=True)
@click.option("--minutes", default=1.0, show_default=True, type=float)
@click.option("--clients", default=4, show_default=True, type=int)
@click.option("--date", "day", default="2026-05-15", show_default=True, help="Voucher date.")
@click.option(
    "--household", default=None, help="A household login: 4 users in 10 open its statement."
)
@click.option("--county", default=None, help="A county officer's login: its report once a minute.")
@click.option(
    "--think",
    default=0.0,
    show_default=True,
    type=float,
    help="Each user's mean pause between actions, seconds (0: none; >0 also opens pages).",
)
def bench_soak(
    url: str,
    org: str,
    username: str,
    reviewer: str,
    password: str,
    minutes: float,
    clients: int,
    day: str,
    household: str | None,
    county: str | None,
    think: float,
) -> None:
    """Mixed traffic against a served instance for N minutes, every response reconciled against
    the books afterwards; exit 1 on any 5xx or mismatch. Every user shares --password.

    The month-end rush: ``--clients 50 --minutes 10 --think 2 --household … --county …``."""
    from coopledger.bench.soak import SoakRefused, run_soak

    try:
        result = run_soak(
            url,
            org,
            (username, password),
            (reviewer, password),
            seconds=minutes * 60,
            clients=clients,
            date=day,
            household=(household, password) if household else None,
            county=(county, password) if county else None,
            think=think,
            echo=click.echo,
        )
    except SoakRefused as exc:
        click.echo(f"error: soak: {exc}", err=True)
        sys.exit(1)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    if result.server_errors or result.problems:
        sys.exit(1)


SCALE_OPTIONS = [
    click.option(
        "--scale", default=1.0, show_default=True, type=float, help="0.01 for a quick run."
    ),
    click.option("--runs", default=3, show_default=True, type=int, help="Each figure's median of."),
    click.option("--http-requests", default=400, show_default=True, type=int),
    click.option(
        "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
    ),
]


def _scale_command(name: str, parts: tuple[str, ...], doc: str) -> None:
    def command(scale: float, runs: int, http_requests: int, database_url: str | None) -> None:
        from coopledger.bench.scale import run_scale_bench

        run_scale_bench(
            parts=parts,
            scale=scale,
            runs=runs,
            database_url=database_url,
            http_requests=http_requests,
            echo=click.echo,
        )

    command.__doc__ = doc
    for option in reversed(SCALE_OPTIONS):
        command = option(command)
    bench.command(name)(command)


_scale_command(
    "all", ("load", "reports", "distribution", "http", "statements"), "Every scale figure."
)
_scale_command("scale-load", ("load",), "Bulk load of the generated city, beside raw COPY.")
_scale_command("scale-reports", ("reports",), "Trial balances, balance sheet, member account.")
_scale_command("scale-distribution", ("distribution",), "Distribution for 10,000 members.")
_scale_command("scale-http", ("http",), "Voucher creation over HTTP, 2 and 4 processes.")
_scale_command("scale-statements", ("statements",), "Statements/s with 1 and 2 workers.")


@bench.command("peers")
@click.option("--scale", default=0.01, show_default=True, type=float)
@click.option("--runs", default=3, show_default=True, type=int)
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path))
def bench_peers(scale: float, runs: int, out_dir: Path | None) -> None:
    """The generator's journal in coopledger, Beancount, hledger and ledger-cli: same trial balance?"""
    from coopledger.bench.peers import run_peers

    if not run_peers(scale=scale, runs=runs, out_dir=out_dir, echo=click.echo):
        sys.exit(1)

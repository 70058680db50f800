"""``coopledger import``, ``export``, ``backup`` and ``restore``.

Long work shows a progress bar on standard error, so that standard output stays the report.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from coopledger.cli.common import (
    books,
    operator_actor,
)
from coopledger.domain.errors import DomainError
from coopledger.domain.exports import EXPORTS, FORMATS
from coopledger.domain.imports import KINDS, MAX_FILE_BYTES, ImportRejected, Problem, parse_date
from coopledger.services import auth

F = TypeVar("F", bound=Callable[..., Any])


def _errors(fn: F) -> F:
    """A refused rule or file: every problem on standard error, exit 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ImportRejected as exc:
            click.echo(f"error: {exc.message}", err=True)
            for p in exc.problems:
                click.echo(f"  {p.text()}", err=True)
            sys.exit(1)
        except DomainError as exc:
            click.echo(f"error: {exc.message}", err=True)
            for name, messages in exc.errors.items():
                click.echo(f"  {name}: {'; '.join(messages)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def _bar(length: int, label: str) -> Iterator[Any]:
    with click.progressbar(
        length=max(length, 1), label=label, file=sys.stderr, show_pos=True
    ) as bar:
        yield bar


# -- import ----------------------------------------------------------------------------------------


@click.command("import")
@click.argument("org", required=False)
@click.argument("kind", required=False, type=click.Choice(KINDS))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option(
    "--post", is_flag=True, help="Post the vouchers at once (admin, or single accountant)."
)
@click.option("--date", "on", default=None, help="The date of opening balances, YYYY-MM-DD.")
@click.option(
    "--from-chart",
    type=click.Choice(["cooperative-2007", "village-2004"]),
    default=None,
    help="The file's accounts are of this superseded chart: map them into the current one.",
)
@click.option(
    "--template", type=click.Choice(KINDS), default=None, help="Write a template of KIND."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--user", "username", default=None, help="The user the books record as importer.")
@_errors
def import_cmd(
    org: str | None,
    kind: str | None,
    file: Path | None,
    dry_run: bool,
    post: bool,
    on: str | None,
    from_chart: str | None,
    template: str | None,
    out: Path | None,
    username: str | None,
) -> None:
    """Import FILE (CSV or XLSX) of KIND into ORG's books: all rows or none.

    KIND is one of members, accounts, opening-balances, vouchers, transactions, assets.
    `coopledger import --template KIND [--out FILE]` writes an empty template (.csv or .xlsx).
    """
    from coopledger.adapters.spreadsheets import read_table, write_template
    from coopledger.domain.imports import template as headers_of
    from coopledger.services import imports as svc

    if template:
        path = out or Path(f"{template}.csv")
        path.write_bytes(write_template(headers_of(template), path.suffix.lower() == ".xlsx"))
        click.echo(f"template for {template} written to {path}: {','.join(headers_of(template))}")
        return
    if not (org and kind and file):
        raise click.UsageError("give ORG KIND FILE, or --template KIND")
    if not username:
        raise click.UsageError("--user NAME: the user the books record as importer")
    if not file.exists():
        raise click.BadParameter(f"{file} does not exist", param_hint="FILE")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise ImportRejected(
            [
                Problem(
                    0, "", f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB; split it"
                )
            ]
        )
    opening = None
    if on is not None:
        opening = parse_date(on)
        if opening is None:
            raise click.BadParameter("must be a date such as 2026-01-01", param_hint="--date")
    data = file.read_bytes()
    table = read_table(data, file.name)
    options = svc.Options(
        dry_run=dry_run,
        post=post,
        on=opening,
        legacy_chart=from_chart,
        filename=file.name,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        with _bar(len(table.rows), f"{kind} {file.name}") as bar:
            report = svc.import_table(
                b.uow(), actor, org, kind, table, options, progress=bar.update
            )
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any) -> None:
    verb = "would import" if report.dry_run else "imported"
    click.echo(
        f"{report.org} {report.kind}: {report.rows} rows read; {verb} {report.created}, "
        f"{report.skipped} imported before (skipped)"
    )
    for m in report.mapping:
        note = f"  ({m.note})" if m.note else ""
        click.echo(f"  mapped {m.old_code} {m.old_name} → {m.new_code} {m.new_name}{note}")
    for v in report.vouchers:
        click.echo(
            f"  voucher {v.key}: id {v.id}, {v.status}" + (f", {v.number}" if v.number else "")
        )
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s); nothing was written:", err=True)
        for p in report.problems:
            click.echo(f"  {p.text()}", err=True)
    elif report.dry_run:
        click.echo("dry run: no problems found, nothing written")


# -- export ----------------------------------------------------------------------------------------


@click.command("export")
@click.argument("org")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--what", type=click.Choice(EXPORTS), default="vouchers", show_default=True)
@click.option("--year", type=int, default=None, help="Only this year (vouchers, trial balance…).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--user", "username", default=None, help="Read as this user (default: the operator).")
@_errors
def export_cmd(
    org: str, fmt: str, what: str, year: int | None, out: Path, username: str | None
) -> None:
    """Write ORG's vouchers, members, trial balance, assets, shares or distributions as CSV or
    XLSX, or the whole ledger as a Beancount file (--format beancount)."""
    from coopledger.adapters.exporting import export

    with books() as b:
        actor = auth.actor_named(b.uow(), username) if username else operator_actor()
        with _bar(1, f"export {what}") as bar:
            data, rows = export(b.uow, actor, org, what, fmt, year, progress=bar.update)
    out.write_bytes(data)
    click.echo(
        f"{org}: {rows} rows of {what if fmt != 'beancount' else 'the ledger'} written to {out}"
    )


# -- backup and restore ----------------------------------------------------------------------------


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def backup_cmd(out: Path) -> None:
    """Write every table of the database at COOPLEDGER_DATABASE_URL to one file."""
    from coopledger.adapters.backup import backup

    with books() as b, _bar(1, "backup") as bar:
        summary = backup(b.engine, out, progress=bar.update, set_length=_set_length(bar))
    click.echo(f"backup of {summary.tables} tables, {summary.rows} rows written to {out}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_cmd(file: Path) -> None:
    """Load a backup into the empty database at COOPLEDGER_DATABASE_URL (the schema is created
    by the migrations when absent; a database that holds data is refused)."""
    from coopledger.adapters.backup import BackupError, restore

    with books(create=True, schema=False) as b, _bar(1, "restore") as bar:
        try:
            summary = restore(b.engine, file, progress=bar.update, set_length=_set_length(bar))
        except BackupError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(f"restored {summary.tables} tables, {summary.rows} rows from {file}")


def _set_length(bar: Any) -> Callable[[int], None]:
    def set_length(n: int) -> None:
        bar.length = max(n, 1)

    return set_length

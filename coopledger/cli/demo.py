"""``coopledger demo``: demonstration books in a SQLite file, then served."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import sessionmaker

from coopledger.adapters import listening
from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, sqlite_path
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.cli.common import settings
from coopledger.config import Settings


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file to build (default: the database every command uses, "
    "instance/coopledger.db, or the global --db).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the books and stop.")
@click.option("--force", is_flag=True, help="Replace the file even if the demo did not make it.")
def demo(db_path: Path | None, host: str, port: int, no_serve: bool, force: bool) -> None:
    """Build demonstration books in a SQLite file, then serve them.

    The file is replaced only when it is missing or a demo made it; books made otherwise are
    refused unless --force. Every other command then reaches the same books."""
    from coopledger.adapters.db import demo_file
    from coopledger.demo.build import build_demo

    current = settings()
    path = db_path.absolute() if db_path else sqlite_path(current.database_url)
    if path is None:
        raise click.UsageError(
            "the demo builds a SQLite file, and the configured database is not one: pass --db PATH"
        )
    if not no_serve:
        listening.require_free_port(host, port)
    lock = demo_file.claim(path, force=force)  # held while building and serving
    try:
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        demo_file.mark(engine)
        migrate.upgrade(engine)
        summary = build_demo(
            UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False)),
            Argon2Hasher(),
            progress=lambda text: click.echo(text),
        )
        engine.dispose()
        default = path == sqlite_path(Settings.from_env().database_url)
        _print_demo(path, summary, default=default, served=f"http://{host}:{port}/")
        if no_serve:
            return
        os.environ["COOPLEDGER_DATABASE_URL"] = url
        os.environ.setdefault("COOPLEDGER_PUBLIC_URL", f"http://{host}:{port}/")
        from coopledger.web.server import run

        click.echo(f"\nserving on http://{host}:{port}/  (Ctrl-C stops)")
        run(host, port, 2)
    finally:
        os.close(lock)


def _print_demo(path: Path, summary: Any, *, default: bool, served: str) -> None:
    from coopledger.services.clock import utcnow

    click.echo(f"\ndemonstration books in {path}")
    for org in summary.orgs:
        click.echo(f"  {org}")
    click.echo("logins (username / password):")
    for username, password, role in summary.logins:
        click.echo(f"  {username:<14} {password:<16} {role}")
    cmd = "coopledger" if default else f"coopledger --db {path}"
    year = utcnow().year - 1  # the demo books the previous calendar year in full
    click.echo("\nnext, from this folder (the same books):")
    for line in (
        f"{cmd} audit verify garlic-coop",
        f"{cmd} audit findings garlic-coop --year {year}",
        f"{cmd} export garlic-coop --what trial-balance --year {year} --out trial-balance.csv",
        f"{cmd} statements garlic-coop --year {year} --out statements/ --base-url {served}",
        f"{cmd} orgs list",
    ):
        click.echo(f"  {line}")

"""``coopledger db``: create and upgrade the schema."""

from __future__ import annotations

import click

from coopledger.adapters.db import migrate
from coopledger.cli.common import (
    books,
)

# -- database ------------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """Create and upgrade the schema (Alembic migrations only)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: head); creates a SQLite file if missing."""
    with books(create=True, schema=False) as b:
        migrate.upgrade(b.engine, revision)
        click.echo(f"database at {revision}: {b.engine.url.render_as_string(hide_password=True)}")


@db.command("check")
def db_check() -> None:
    """Fail when the database is not at the newest migration or its schema differs from the models."""
    with books() as b:
        migrate.check(b.engine)
        click.echo("the schema matches the migrations")

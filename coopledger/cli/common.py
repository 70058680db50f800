"""What every command shares: the books it works on, the global ``--db``, refused rules printed.

A rule the books refuse is printed as ``error: …`` with the fields it names, and the command exits
with status 1.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, sqlite_path
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.config import Settings, database_url
from coopledger.domain.errors import DomainError
from coopledger.domain.roles import Actor, Role

F = TypeVar("F", bound=Callable[..., Any])


class Books:
    """The database a command works on.

    Opening it never creates anything: a SQLite file that does not exist is refused (only
    ``coopledger db upgrade`` and the demo create one), and unless ``schema=False`` the schema
    must be at the newest migration.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        create: bool = False,
        schema: bool = True,
        command: str = "coopledger",
    ) -> None:
        """``command`` is how the user names these books, for the commands a refusal suggests
        (``coopledger --db PATH`` when the global ``--db`` chose them)."""
        self.settings = settings
        sqlite_file = sqlite_path(settings.database_url)
        if create:
            settings.ensure_instance()
        elif sqlite_file is not None and not sqlite_file.exists():
            raise migrate.SchemaNotCurrent(
                f"no coopledger database at {sqlite_file}; run `{command} db upgrade` to create "
                "one, or name another with --db PATH"
            )
        self.engine: Engine = make_engine(settings.database_url)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.units = UnitsOfWork(self.sessions)
        if schema:
            try:
                migrate.require_head(self.engine, command)
            except BaseException:
                self.engine.dispose()
                raise

    def uow(self) -> SqlUnitOfWork:
        return self.units()


def domain_errors(fn: F) -> F:
    """Print a refused rule as a message naming the fields, and exit 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            click.echo(f"error: {exc.message}", err=True)
            for field, messages in exc.errors.items():
                click.echo(f"  {field}: {'; '.join(messages)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """The settings from ``COOPLEDGER_*``, with the database the global ``--db`` names."""
    ctx = click.get_current_context()
    chosen = ctx.find_root().meta.get(DB_META)
    settings = Settings.from_env()
    if chosen:
        url = database_url(chosen, settings.instance_path)
        settings = dataclasses.replace(settings, database_url=url)
    return settings


@contextmanager
def books(*, create: bool = False, schema: bool = True) -> Iterator[Books]:
    """The books named by the settings, or the ones a caller passed as ``obj`` (tests do)."""
    injected = click.get_current_context().find_object(Books)
    if injected is not None:
        yield injected
        return
    chosen = click.get_current_context().find_root().meta.get(DB_META)
    command = f"coopledger --db {shlex.quote(chosen)}" if chosen else "coopledger"
    opened = Books(settings(), create=create, schema=schema, command=command)
    try:
        yield opened
    finally:
        opened.engine.dispose()


DB_META = "coopledger.database"


def operator_actor() -> Actor:
    """The machine's operator at the command line, for dry runs that only read."""
    return Actor(0, "operator", Role.ADMIN, frozenset())

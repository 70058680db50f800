"""Alembic environment: ``Base.metadata`` and a URL, no Flask.

The URL comes from ``COOPLEDGER_DATABASE_URL`` (default: the SQLite file in the instance
folder). A caller may pass its own connection in ``config.attributes["connection"]``; tests and
the CLI do, so migrations run on *their* connection.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from coopledger.adapters.db import memo_search
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.tables import Base, UTCDateTime
from coopledger.config import Settings

config = context.config
target_metadata = Base.metadata
if not logging.getLogger().handlers:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Migrations name plain SQLAlchemy types, never the project's own decorators."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """The memos' trigram indexes (SQLite's FTS5 tables and their shadow tables, PostgreSQL's
    GIN indexes) are not models; every other name is compared."""
    return name not in memo_search.NAMES


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=Settings.from_env().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

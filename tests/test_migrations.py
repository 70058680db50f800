"""The schema comes from the migrations only, and they produce exactly the models."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.tables import Base
from tests.conftest import fresh_database


def test_there_is_one_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_check_downgrade_upgrade(tmp_path: Path) -> None:
    engine = make_engine(fresh_database("migrations", tmp_path))
    try:
        migrate.upgrade(engine)
        migrate.check(engine)  # raises when the models and the migrations differ
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert guards(engine) == 0
        migrate.upgrade(engine)
        migrate.check(engine)
        assert guards(engine) >= 2
    finally:
        engine.dispose()


def guards(engine: Engine) -> int:
    """How many posting-guard triggers the database holds."""
    sql = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())

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


def test_a_round_trip_on_books_with_history_keeps_them_byte_for_byte(tmp_path: Path) -> None:
    """Downgrade a populated database through the later migrations and
    upgrade it again — SQLite rebuilds tables that posted rows point at (the asset a depreciation
    voucher charges) — and the hash chain verifies and the balances are the same to the fen."""
    from datetime import date

    from sqlalchemy.orm import sessionmaker

    from coopledger.adapters.db.uow import SqlUnitOfWork
    from coopledger.config import Settings
    from coopledger.services import auth, chain_check, reports
    from coopledger.web.app import create_app
    from tests.api.test_registers import cold_store, post_ok, receive_grant, review_and_post
    from tests.conftest import Books, FastHasher, build_world

    engine = make_engine(fresh_database("migration_trip", tmp_path))
    try:
        migrate.upgrade(engine)
        tokens = build_world(engine)
        sessions = sessionmaker(bind=engine, expire_on_commit=False)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        app = create_app(
            Settings("unused", tmp_path, "secret", testing=True),
            session_factory=sessions,
            hasher=FastHasher(),
        )
        books = Books(app.test_client(), uow, tokens)
        receive_grant(books)
        asset = books.post("acc", "/api/v1/orgs/coop/assets", cold_store()).json
        review_and_post(books, asset["vouchers"]["acquisition"])
        charges = books.post("acc", "/api/v1/orgs/coop/depreciation", {"through": "2026-05"})
        for v in charges.json["vouchers"]:
            review_and_post(books, v["id"])
        post_ok(
            books,
            {
                "date": "2026-06-01",
                "memo": "收到股金",
                "lines": [
                    {"account": "101", "debit": "500.00"},
                    {"account": "301", "member": "1", "credit": "500.00"},
                ],
            },
        )
        for month in ("2026-01", "2026-02", "2026-03"):
            assert books.post("acc", f"/api/v1/orgs/coop/periods/{month}/close").status_code == 200
        admin = auth.actor_named(uow(), "admin")

        def state() -> tuple[object, ...]:
            tb = reports.trial_balance_report(
                uow(), admin, "coop", date(2026, 1, 1), date(2026, 12, 31)
            )
            report = chain_check.verify_org(uow(), "coop")
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT id, hash, prev_hash, number, status FROM voucher ORDER BY id")
                ).all()
                charged = conn.execute(
                    text("SELECT count(*) FROM depreciation_charge")
                ).scalar_one()
            return tb, report.ok, report.vouchers, report.head, rows, charged

        before = state()
        assert before[1] is True and before[2] >= 5 and before[5] == 2
        # the audit log, regions, imports, web settings, snapshots and issued documents out
        migrate.downgrade(engine, "0005")
        migrate.upgrade(engine)
        migrate.check(engine)
        assert state() == before
        assert guards(engine) >= 2
    finally:
        engine.dispose()

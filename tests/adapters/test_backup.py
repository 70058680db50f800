"""Backup and restore: every table, the chain intact, reports identical, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.backup import BackupError, backup, restore
from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.tables import Base, VoucherRow
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.audit_log import checkpoint_key
from coopledger.domain.roles import Actor, Role
from coopledger.services import auth, chain_check, orgs, reports
from coopledger.services import imports as svc
from tests.conftest import FastHasher, fresh_database

HISTORY = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "H1,2026-01-05,收到股金,102,,,3000.00,,,\n"
    "H1,2026-01-05,收到股金,301,1,,,3000.00,,\n"
    "H2,2026-03-11,收购大蒜,128,,,500.50,,250.5,kg\n"
    "H2,2026-03-11,收购大蒜,114,1,,,500.50,,\n"
)


def build(engine: Engine) -> None:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市")
    auth.create_user(uow(), None, FastHasher(), "admin", "secret-secret", "admin", [], None)
    admin = auth.actor_named(uow(), "admin")
    orgs.create_member(
        uow(), admin, "coop", {"member_no": "1", "name": "王秀英", "joined_on": date(2026, 1, 1)}
    )
    svc.import_table(
        uow(), admin, "coop", "vouchers", read_table(HISTORY.encode()), svc.Options(post=True)
    )
    # a draft stays a draft
    draft = HISTORY.replace("H1", "D1").replace("H2", "D2")
    svc.import_table(uow(), admin, "coop", "vouchers", read_table(draft.encode()), svc.Options())


def snapshot(engine: Engine) -> tuple[Any, ...]:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    operator = Actor(0, "operator", Role.ADMIN, frozenset())
    verified = chain_check.verify_org(SqlUnitOfWork(sessions), "coop")
    assert verified.ok, verified
    tb = reports.trial_balance_report(
        SqlUnitOfWork(sessions), operator, "coop", date(2026, 1, 1), date(2026, 12, 31)
    )
    with engine.connect() as conn:
        counts = {
            t.name: conn.execute(text(f"SELECT count(*) FROM {t.name}")).scalar_one()
            for t in Base.metadata.sorted_tables
        }
        stamps = conn.execute(
            select(
                VoucherRow.id,
                VoucherRow.status,
                VoucherRow.booked_on,
                VoucherRow.created_at,
                VoucherRow.posted_at,
                VoucherRow.hash,
            ).order_by(VoucherRow.id)
        ).all()
    return verified.head, tb, counts, [tuple(s) for s in stamps]


def test_backup_restores_everything_and_refuses_a_database_with_data(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    target = make_engine(
        fresh_database("restore", tmp_path)
    )  # PostgreSQL when the suite runs on it
    back = make_engine(f"sqlite:///{tmp_path / 'back.db'}")  # created by restore's migrations
    try:
        migrate.upgrade(source)
        build(source)
        before = snapshot(source)
        assert before[2]["voucher"] == 4 and before[2]["import_key"] == 4
        first = tmp_path / "first.backup"
        summary = backup(source, first)
        assert summary.tables == len(Base.metadata.sorted_tables)
        restore(target, first)
        assert snapshot(target) == before
        second = tmp_path / "second.backup"
        backup(target, second)
        restore(back, second)
        assert snapshot(back) == before
        with pytest.raises(BackupError, match="holds data"):
            restore(back, second)
        sessions = sessionmaker(bind=back, expire_on_commit=False)
        admin = auth.actor_named(SqlUnitOfWork(sessions), "admin")
        # ids continue after the restored ones, and the guards are back
        orgs.create_member(
            SqlUnitOfWork(sessions), admin, "coop", {"member_no": "2", "name": "李建国"}
        )
        with pytest.raises(Exception, match="posted"), back.begin() as conn:
            conn.execute(text("UPDATE voucher SET memo = 'x' WHERE status = 'posted'"))
    finally:
        for engine in (source, target, back):
            engine.dispose()


def test_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not gzip at all")
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(BackupError, match="not a coopledger backup"):
            restore(engine, junk)
    finally:
        engine.dispose()


def test_a_restore_forgets_the_verified_points(tmp_path: Path) -> None:
    """Restored books are verified in full before any verification resumes from a point."""
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    target = make_engine(fresh_database("restore-points", tmp_path))
    try:
        migrate.upgrade(source)
        build(source)
        sessions = sessionmaker(bind=source, expire_on_commit=False)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        resume = chain_check.Resume(checkpoint_key("test-secret"), uow)
        assert chain_check.verify_org(uow(), "coop", resume=resume).ok
        with source.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM verified_point")).scalar_one() == 1
        backup(source, tmp_path / "points.backup")
        restore(target, tmp_path / "points.backup")
        with target.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM verified_point")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM voucher")).scalar_one() == 4
        restored = sessionmaker(bind=target, expire_on_commit=False)
        again = chain_check.verify_org(
            SqlUnitOfWork(restored),
            "coop",
            resume=chain_check.Resume(
                checkpoint_key("test-secret"), lambda: SqlUnitOfWork(restored)
            ),
        )
        assert again.ok and again.resumed_from == 0
    finally:
        for engine in (source, target):
            engine.dispose()

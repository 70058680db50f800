"""Fixtures: one database per run (SQLite, or PostgreSQL when COOPLEDGER_TEST_DATABASE_URL says so),
built by the migrations; each test runs inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, recreate_database
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.adapters.pdf_cache import RENDERED
from coopledger.config import Settings
from coopledger.services import auth, orgs
from coopledger.web.app import create_app

PASSWORD = "correct horse battery"
#: where /verify answers in the tests' application: printed on statements and in their QR codes
PUBLIC_URL = "https://books.coop.example/"

# Properties are checked on a fixed, reproducible set of examples; no per-example deadline, so a
# busy machine cannot turn a slow example into a failure.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class FastHasher:
    """argon2 is slow on purpose; tests that are not about passwords use this stand-in."""

    def hash(self, password: str) -> str:
        return f"plain${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"plain${password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


def database_url() -> str:
    return os.environ.get("COOPLEDGER_TEST_DATABASE_URL", "")


def is_pg() -> bool:
    return database_url().startswith("postgresql")


def fresh_database(tag: str, tmp: Path) -> str:
    """A new, empty database for tests that commit for real (migrations, concurrency)."""
    base = database_url()
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp / f'{tag}.db'}"
    url = make_url(base)
    name = f"{url.database}_{tag}"
    recreate_database(url.set(database=name).render_as_string(hide_password=False))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def fresh_render_cache() -> None:
    """Each test starts without the PDFs earlier tests rendered (a test that expects a render to
    be stopped, or counts what it loads, must not be answered from the cache)."""
    RENDERED.clear()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    url = database_url()
    tmpdir = tempfile.TemporaryDirectory()
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        engine = make_engine(f"sqlite:///{Path(tmpdir.name) / 'test.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    tmpdir.cleanup()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def uow(sessions: sessionmaker[Session]) -> Any:
    """A factory of units of work on the test transaction."""
    return lambda: SqlUnitOfWork(sessions)


@pytest.fixture
def app(sessions: sessionmaker[Session], tmp_path: Path) -> Flask:
    settings = Settings(
        database_url="unused",
        instance_path=tmp_path,
        secret_key="test-secret",
        testing=True,
        public_url=PUBLIC_URL,
    )
    return create_app(settings, session_factory=sessions, hasher=FastHasher())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Books:
    """A small world: cooperative ``coop`` and village ``village``, users of every role."""

    client: FlaskClient
    uow: Any
    tokens: dict[str, str]

    def headers(self, user: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **extra}

    def get(self, user: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(user), **kw)

    def post(self, user: str, path: str, json: Any = None, **kw: Any) -> Any:
        headers = self.headers(user, **kw.pop("headers", {}))
        return self.client.post(path, json=json, headers=headers, **kw)

    def put(self, user: str, path: str, json: Any = None) -> Any:
        return self.client.put(path, json=json, headers=self.headers(user))

    def delete(self, user: str, path: str) -> Any:
        return self.client.delete(path, headers=self.headers(user))

    def voucher(
        self,
        user: str = "acc",
        org: str = "coop",
        *,
        date: str = "2026-03-10",
        lines: list[dict[str, Any]] | None = None,
        memo: str = "收到股金",
    ) -> dict[str, Any]:
        body = {
            "date": date,
            "memo": memo,
            "attachments": 1,
            "lines": lines
            or [
                {"account": "102", "debit": "1000.00"},
                {"account": "301", "member": "1", "credit": "1000.00"},
            ],
        }
        response = self.post(user, f"/api/v1/orgs/{org}/vouchers", body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def posted(self, org: str = "coop", **kw: Any) -> dict[str, Any]:
        """A voucher prepared by ``acc``, reviewed by ``rev``, posted by ``acc``."""
        voucher = self.voucher(org=org, **kw)
        base = f"/api/v1/orgs/{org}/vouchers/{voucher['id']}"
        assert self.post("rev", f"{base}/review").status_code == 200
        response = self.post("acc", f"{base}/post")
        assert response.status_code == 200, response.json
        return response.json  # type: ignore[no-any-return]


WORLD_USERS = [
    ("admin", "admin", [], None),
    ("acc", "accountant", ["coop", "village"], None),
    ("acc2", "accountant", ["coop"], None),
    ("rev", "reviewer", ["coop", "village"], None),
    ("cash", "cashier", ["coop"], None),
    ("aud", "auditor", ["coop", "village"], None),
    ("other-acc", "accountant", ["other"], None),
    ("hh1", "household", [], "coop/1"),
]


@pytest.fixture(scope="session")
def world(engine: Engine) -> dict[str, str]:
    """Built once and committed; every test runs in a transaction on top of it and rolls back."""
    return build_world(engine)


def build_world(engine: Engine) -> dict[str, str]:
    """Organizations ``coop`` and ``village`` (and ``other``, seen by ``other-acc`` only), members 1
    and 2 in each, a fund in ``coop``, and a user of every role. Returns a bearer token per user.
    """
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    uow = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    hasher = FastHasher()
    orgs.create_org(
        uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县/白桥镇"
    )
    orgs.create_org(
        uow(),
        None,
        "village",
        "官王庙村股份经济合作社",
        "village_collective",
        "济南市/商河县/白桥镇/官王庙村",
    )
    orgs.create_org(uow(), None, "other", "别处养牛专业合作社", "cooperative", "济南市/平阴县")
    for name, role, codes, member in WORLD_USERS:
        if role != "household":
            auth.create_user(uow(), None, hasher, name, PASSWORD, role, codes, member)
    for org, clerk in (("coop", "acc"), ("village", "acc"), ("other", "other-acc")):
        actor = auth.actor_named(uow(), clerk)
        orgs.create_member(
            uow(),
            actor,
            org,
            {
                "member_no": "1",
                "name": "王秀英",
                "poverty_status": "poor",
                "id_number": "11010519491231002X",
                "household_size": 4,
            },
        )
        orgs.create_member(
            uow(), actor, org, {"member_no": "2", "name": "李建国", "household_size": 3}
        )
    orgs.create_fund(
        uow(),
        auth.actor_named(uow(), "acc"),
        "coop",
        {
            "code": "muni-2026",
            "name": "市级扶贫资金（大蒜示范基地）",
            "source": "municipal_pro_poor",
            "granted_fen": 40_000_000,
        },
    )
    auth.create_user(uow(), None, hasher, "hh1", PASSWORD, "household", [], "coop/1")
    return {
        name: auth.issue_token(uow(), hasher, name, PASSWORD, timedelta(hours=12))[0]
        for name, *_ in WORLD_USERS
    }


@pytest.fixture
def books(client: FlaskClient, uow: Any, world: dict[str, str]) -> Books:
    return Books(client, uow, world)


def count_rows(connection: Connection) -> dict[str, int]:
    """Row counts of the tables a rejected request must leave alone."""
    tables = [
        "voucher",
        "voucher_line",
        "period",
        "period_balance",
        "idempotency_key",
        "member",
        "account",
        "organization",
        "fund",
        "app_user",
    ]
    return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}

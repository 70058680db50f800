"""``coopledger bench soak`` against a served instance (shortened): mixed
traffic for a few seconds, every response reconciled against the books, no 5xx."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import BaseWSGIServer, make_server

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.bench.soak import SoakRefused, leaf_accounts, run_soak
from coopledger.cli import main
from coopledger.config import Settings
from coopledger.services import auth, orgs
from coopledger.web.app import create_app
from tests.conftest import PASSWORD, FastHasher, fresh_database


def served(
    tmp_path: Path, request: pytest.FixtureRequest, kind: str, region: str = ""
) -> tuple[Callable[[], SqlUnitOfWork], BaseWSGIServer]:
    """A fresh database with the organization ``soak`` (an accountant ``acc`` and a reviewer
    ``rev``) served on a free port by a threaded server the caller shuts down."""
    url = fresh_database("soak", tmp_path)
    engine = make_engine(url)
    request.addfinalizer(engine.dispose)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    orgs.create_org(uow(), None, "soak", "压测合作社", kind, region)
    auth.create_user(uow(), None, FastHasher(), "acc", PASSWORD, "accountant", ["soak"])
    auth.create_user(uow(), None, FastHasher(), "rev", PASSWORD, "reviewer", ["soak"])
    settings = Settings(database_url=url, instance_path=tmp_path, secret_key="x")
    app = create_app(settings, hasher=FastHasher())
    request.addfinalizer(app.extensions["coopledger"].engine.dispose)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return uow, server


def test_soak_reconciles_every_response(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    _, server = served(tmp_path, request, "cooperative")
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        result = run_soak(base, "soak", ("acc", PASSWORD), ("rev", PASSWORD), seconds=4, clients=2)
        assert result.requests > 10 and result.posted
        assert result.server_errors == 0 and result.problems == []
        cli = CliRunner().invoke(
            main,
            [
                "bench",
                "soak",
                "--url",
                base,
                "--org",
                "soak",
                "--user",
                "acc",
                "--reviewer",
                "rev",
                "--minutes",
                "0.03",
                "--clients",
                "2",
            ],
            env={"COOPLEDGER_SOAK_PASSWORD": PASSWORD},
        )
        assert cli.exit_code == 0 and "5xx 0" in cli.output, cli.output
        refused = CliRunner().invoke(
            main,
            [
                *("bench", "soak", "--url", base, "--org", "soak", "--user", "acc", "--reviewer"),
                *("rev", "--minutes", "0.02", "--clients", "1", "--date", "1999-01-01"),
            ],
            env={"COOPLEDGER_SOAK_PASSWORD": PASSWORD},
        )
        assert refused.exit_code == 1 and "posted nothing" in refused.output, refused.output
        assert "p95" not in refused.output
    finally:
        server.shutdown()


def test_the_month_end_rush_opens_pages_and_the_county_report(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """With a think time each accountant also opens pages in a signed-in browser session, and a
    county officer opens the county's report; the latencies are kept by kind and address."""
    uow, server = served(tmp_path, request, "village_collective", "济南市/商河县/白桥镇/压测村")
    auth.create_user(
        uow(), None, FastHasher(), "officer", PASSWORD, "auditor", [], regions=["济南市/商河县"]
    )
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        result = run_soak(
            base,
            "soak",
            ("acc", PASSWORD),
            ("rev", PASSWORD),
            seconds=3,
            clients=2,
            think=0.02,
            county=("officer", PASSWORD),
        )
    finally:
        server.shutdown()
    assert result.posted and result.failures() == 0 and result.problems == []
    assert {"page", "api"} <= set(result.latency)
    assert result.by_address["/regions?year=2025"]  # the officer's report, at least once
    assert any(a.startswith("/orgs/soak") for a in result.by_address)


def test_soak_posts_to_a_leaf_account() -> None:
    """501 with sub-accounts (as in the demonstration) is passed over for its first leaf."""
    chart = [
        {"code": "101", "postable": True, "subledger": "none"},
        {"code": "501", "postable": False, "subledger": "none"},
        {"code": "50101", "postable": True, "subledger": "none"},
    ]
    assert leaf_accounts(chart) == ("101", "50101")
    with pytest.raises(SoakRefused, match="no postable account under 501 or 5"):
        leaf_accounts(chart[:2])

"""Hardening: argon2id with rehash on login, the login rate limit with
shared storage, error hygiene and security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.config import Settings
from coopledger.services import auth
from coopledger.web import policy
from coopledger.web.app import create_app
from tests.conftest import PASSWORD, Books

TOKENS = "/api/v1/auth/tokens"


def login(client: Any, user: str, password: str, addr: str = "10.0.0.1") -> Any:
    return client.post(
        TOKENS, json={"username": user, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def test_stored_hashes_are_argon2id_with_owasp_parameters() -> None:
    stored = Argon2Hasher().hash("a password of length")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert stored.startswith("$argon2id$")
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1


def test_an_old_hash_is_upgraded_at_login(
    sessions: Any, tmp_path: Path, world: dict[str, str], connection: Any
) -> None:
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1)
    auth.create_user(SqlUnitOfWork(sessions), None, weak, "oldtimer", PASSWORD, "auditor", ["coop"])
    before = connection.execute(
        text("SELECT password_hash FROM app_user WHERE username = 'oldtimer'")
    ).scalar_one()
    assert "m=8192,t=1" in before
    settings = Settings(database_url="unused", instance_path=tmp_path, secret_key="s", testing=True)
    client = create_app(settings, session_factory=sessions, hasher=Argon2Hasher()).test_client()
    assert login(client, "oldtimer", PASSWORD).status_code == 201
    after = connection.execute(
        text("SELECT password_hash FROM app_user WHERE username = 'oldtimer'")
    ).scalar_one()
    assert after != before and "m=65536,t=3,p=4" in after
    assert login(client, "oldtimer", PASSWORD).status_code == 201


def test_ten_failures_a_minute_per_account_and_address_then_429(books: Books) -> None:
    for _ in range(10):
        assert login(books.client, "ghost", "wrong password").status_code == 401
    limited = login(books.client, "ghost", "wrong password")
    assert limited.status_code == 429 and limited.json["code"] == "too_many_attempts"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # another address is another counter; the right password does not get through either
    assert login(books.client, "ghost", "wrong password", addr="10.0.0.2").status_code == 401
    assert login(books.client, "ghost", "x", addr="10.0.0.1").status_code == 429


def test_the_counters_are_shared_by_every_process(
    sessions: Any, tmp_path: Path, world: dict[str, str]
) -> None:
    from tests.conftest import FastHasher

    def server() -> Any:
        settings = Settings(
            database_url="unused", instance_path=tmp_path, secret_key="s", testing=True
        )
        return create_app(settings, session_factory=sessions, hasher=FastHasher()).test_client()

    first, second = server(), server()
    for i in range(10):
        assert login(first if i % 2 else second, "ghost2", "nope nope nope").status_code == 401
    assert login(first, "ghost2", "nope nope nope").status_code == 429
    assert login(second, "ghost2", "nope nope nope").status_code == 429


def test_behind_a_proxy_the_client_is_who_the_proxy_says(
    sessions: Any, tmp_path: Path, world: dict[str, str]
) -> None:
    """COOPLEDGER_PROXY_HOPS=1: every request arrives from the proxy's address; the rate limit,
    the audit log and the Secure cookie go by the client it forwards for."""
    from tests.conftest import FastHasher

    settings = Settings.from_env(
        {"COOPLEDGER_PROXY_HOPS": "1", "COOPLEDGER_INSTANCE_PATH": str(tmp_path)}
    )
    assert settings.proxy_hops == 1
    settings = Settings("unused", tmp_path, "s", testing=True, proxy_hops=settings.proxy_hops)
    client = create_app(settings, session_factory=sessions, hasher=FastHasher()).test_client()

    def via_proxy(client_addr: str) -> Any:
        return client.post(
            TOKENS,
            json={"username": "ghost3", "password": "wrong password"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            headers={"X-Forwarded-For": client_addr, "X-Forwarded-Proto": "https"},
        )

    for _ in range(10):
        assert via_proxy("203.0.113.7").status_code == 401
    assert via_proxy("203.0.113.7").status_code == 429
    # another villager behind the same proxy is not locked out with the first
    assert via_proxy("203.0.113.8").status_code == 401
    page = client.get(
        "/login",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert "Secure" in page.headers["Set-Cookie"]  # the proxy said the client came over HTTPS
    plain = client.application.test_client().get(
        "/login", environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert "Secure" not in plain.headers["Set-Cookie"]
    with pytest.raises(ValueError, match="PROXY_HOPS"):
        Settings.from_env({"COOPLEDGER_PROXY_HOPS": "yes"})


def test_without_a_proxy_forwarded_headers_are_not_believed(books: Books) -> None:
    for i in range(10):
        forged = {"X-Forwarded-For": f"198.51.100.{i}"}
        response = books.client.post(
            TOKENS,
            json={"username": "ghost4", "password": "wrong password"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
            headers=forged,
        )
        assert response.status_code == 401
    assert login(books.client, "ghost4", "wrong password").status_code == 429


def test_a_success_does_not_count_and_failures_elsewhere_do_not_lock_the_owner_out(
    books: Books,
) -> None:
    for _ in range(5):
        assert login(books.client, "acc2", PASSWORD).status_code == 201
    for _ in range(10):
        login(books.client, "acc2", "wrong password")
    assert login(books.client, "acc2", PASSWORD).status_code == 429  # from the guessing address
    assert login(books.client, "acc2", PASSWORD, addr="10.9.9.9").status_code == 201


@pytest.fixture
def quiet_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["TESTING"] = False

    def boom() -> str:
        raise RuntimeError("SELECT secret FROM /srv/coopledger/instance/secret_key")

    app.add_url_rule("/boom", "boom", boom)
    monkeypatch.setitem(policy.POLICY, "boom", policy.PUBLIC)
    return app


def test_a_crash_answers_without_traceback_sql_or_paths(quiet_app: Flask) -> None:
    response = quiet_app.test_client().get("/boom")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "SELECT", "/srv/", "RuntimeError", "secret_key"):
        assert leak not in body
    assert response.json is not None and response.json["code"] == "internal_error"
    page = quiet_app.test_client().get("/boom", headers={"Accept": "text/html,*/*;q=0.8"})
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "出了问题，没有保存任何内容。请稍后再试。" in html
    for leak in ("Traceback", "SELECT", "/srv/", "RuntimeError", "secret_key"):
        assert leak not in html


@pytest.mark.parametrize("path", ["/api/v1/orgs", "/api/v1/openapi.json", "/", "/api/v1/nothing"])
def test_security_headers_on_every_answer(books: Books, path: str) -> None:
    response = books.get("acc", path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_debug_is_off_outside_tests(tmp_path: Path, sessions: Any) -> None:
    settings = Settings(database_url="unused", instance_path=tmp_path, secret_key="s")
    app = create_app(settings, session_factory=sessions)
    assert app.debug is False and app.config["TESTING"] is False
    assert app.config["MAX_CONTENT_LENGTH"] <= 1024 * 1024


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orgs/coop/vouchers/9223372036854775808",
        "/api/v1/orgs/coop/members/1/statements/9223372036854775808.pdf",
        "/api/v1/orgs/coop/distributions/99999999999999999999999",
    ],
)
def test_a_path_number_beyond_64_bits_is_404_not_500(books: Books, path: str) -> None:
    response = books.get("acc", path)
    assert response.status_code == 404 and response.json["code"] == "not_found"

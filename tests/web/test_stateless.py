"""`coopledger serve --workers N`: the processes keep no state of their own. Two applications on
the same books (as two gunicorn workers are) accept each other's session cookie, replay each
other's idempotency keys and share the login rate-limit counters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from coopledger.config import Settings
from coopledger.web.app import create_app
from tests.conftest import FastHasher
from tests.web.conftest import Browser

VOUCHER = {
    "date": "2026-03-10",
    "memo": "收到股金",
    "attachments": 1,
    "lines": [
        {"account": "102", "debit": "1000.00"},
        {"account": "301", "member": "1", "credit": "1000.00"},
    ],
}


@pytest.fixture
def two_apps(sessions: sessionmaker[Session], tmp_path: Path, world: Any) -> tuple[Flask, Flask]:
    def process(n: int) -> Flask:
        settings = Settings(
            database_url="unused",
            instance_path=tmp_path / f"p{n}",
            secret_key="one key for every process",
            testing=True,
        )
        return create_app(settings, session_factory=sessions, hasher=FastHasher())

    return process(1), process(2)


def test_a_session_signed_by_one_process_is_honoured_by_another(
    two_apps: tuple[Flask, Flask],
) -> None:
    one, two = two_apps
    browser = Browser(one.test_client())
    signed_in = browser.login("acc")
    assert signed_in.status_code == 302
    page = signed_in.headers["Location"]
    other = two.test_client()
    cookie = browser.client.get_cookie(one.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    other.set_cookie(cookie.key, cookie.value)
    assert other.get(page).status_code == 200
    assert two.test_client().get(page).status_code in (302, 401)  # no cookie: not signed in


def test_an_idempotency_key_replays_on_another_process(
    two_apps: tuple[Flask, Flask], world: dict[str, str]
) -> None:
    one, two = two_apps
    headers = {"Authorization": f"Bearer {world['acc']}", "Idempotency-Key": "same-key"}
    url = "/api/v1/orgs/coop/vouchers"
    first = one.test_client().post(url, json=VOUCHER, headers=headers)
    assert first.status_code == 201
    again = two.test_client().post(url, json=VOUCHER, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json


def test_failed_logins_count_across_processes(two_apps: tuple[Flask, Flask]) -> None:
    one, two = two_apps
    for _ in range(10):
        failed = one.test_client().post(
            "/api/v1/auth/tokens", json={"username": "acc2", "password": "wrong password"}
        )
        assert failed.status_code == 401
    limited = two.test_client().post(
        "/api/v1/auth/tokens", json={"username": "acc2", "password": "wrong password"}
    )
    assert limited.status_code == 429 and "Retry-After" in limited.headers

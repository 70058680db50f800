"""Page tests sign in through the login form, as a person does, and post forms with the token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tests.web.live import launched, screenshots, watched

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = TOKEN_RE.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


class Browser:
    """A test client that signs in and posts forms with the page's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, **kw: Any) -> Any:
        response = self.client.get(path, **kw)
        if response.mimetype != "text/html":
            return response
        found = TOKEN_RE.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        if not self.token:
            self.get("/login")
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        if response.status_code == 302:
            self.get(response.headers["Location"])  # the new session's token
        return response


@pytest.fixture
def browser(client: FlaskClient, world: dict[str, str]) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(app: Flask, world: dict[str, str]) -> Any:
    """Signs a user in on a client of its own (each user keeps its own cookie jar)."""

    def sign_in(username: str) -> Browser:
        b = Browser(app.test_client())
        response = b.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b

    return sign_in


# A three-line voucher as the entry form posts it (one line left blank at the end).
THREE_LINES = {
    "date": "2026-03-10",
    "memo": "收到股金",
    "attachments": "1",
    "lines-0-account": "102",
    "lines-0-debit": "1500",
    "lines-1-account": "301",
    "lines-1-member": "1",
    "lines-1-credit": "1000",
    "lines-2-account": "301",
    "lines-2-member": "2",
    "lines-2-credit": "500.00",
    "lines-3-account": "",
}


# -- the browser tests' fixtures (each module brings its own ``live_server``) --------------------


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshots(tmp_path_factory)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launched() as browser:
        yield browser


@pytest.fixture
def page(chromium: Any, live_server: str) -> Iterator[Any]:
    with watched(chromium, live_server) as page:
        yield page

"""The web edge: slow clients, the redirect after login, the printed verification address,
control characters in requests, caching of personal documents, and the public pages' limits."""

from __future__ import annotations

import http.client
import io
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.bench.serving import serving
from coopledger.config import Settings
from coopledger.services import public_limit
from coopledger.web.app import create_app
from tests.builders import ORG, plan_paid_in_part, text_of
from tests.conftest import PASSWORD, PUBLIC_URL, Books, FastHasher
from tests.web.conftest import Browser

# -- slow clients ---------------------------------------------------------------------------------


def test_slow_clients_do_not_hold_the_server(tmp_path: Path) -> None:
    """Twenty connections that stop halfway through their headers leave `coopledger serve`
    answering everyone else at once (no login needed to try it)."""
    url = f"sqlite:///{tmp_path / 'edge.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    with serving(url, tmp_path, 2) as port:
        for _ in range(4):  # both workers up and serving
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            warm.request("GET", "/")
            warm.getresponse().read()
            warm.close()
        slow: list[socket.socket] = []
        try:
            for _ in range(20):
                held = socket.create_connection(("127.0.0.1", port), timeout=5)
                held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(held)
            time.sleep(0.3)  # the server has taken them in
            start = time.monotonic()
            status = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
            try:
                conn.request("GET", "/")
                response = conn.getresponse()
                response.read()
                status = response.status
            except TimeoutError:
                pass
            finally:
                conn.close()
            elapsed = time.monotonic() - start
        finally:
            for held in slow:
                held.close()
    assert status == 200
    assert elapsed < 1.0, f"answered after {elapsed:.2f} s"


# -- the redirect after login ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",  # next=/%09/evil.example: the browser drops the tab
        "/\n/evil.example",
        "/x\r\nSet-Cookie: a=b",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/ /evil.example",
    ],
)
def test_login_never_sends_the_user_elsewhere(browser: Browser, target: str) -> None:
    browser.get("/login")
    response = browser.post("/login", {"username": "acc", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "Set-Cookie" not in location
    assert "a=b" not in response.headers.get("Set-Cookie", "")


def test_login_keeps_a_path_on_this_site(browser: Browser) -> None:
    page = browser.get("/login?next=/orgs/coop/vouchers%3Fstatus%3Ddraft")
    assert 'value="/orgs/coop/vouchers?status=draft"' in page.get_data(as_text=True)
    response = browser.post(
        "/login",
        {"username": "acc", "password": PASSWORD, "next": "/orgs/coop/vouchers?status=draft"},
    )
    assert response.headers["Location"] == "/orgs/coop/vouchers?status=draft"


def test_the_login_form_never_carries_a_foreign_next(browser: Browser) -> None:
    for target in ("/%5C/evil.example", "//evil.example", "/%20/evil.example"):
        page = browser.get(f"/login?next={target}").get_data(as_text=True)
        assert '<input type="hidden" name="next" value="">' in page, target


# -- the printed verification address -------------------------------------------------------------


def test_a_statement_prints_the_configured_address_whatever_the_host(books: Books) -> None:
    plan_paid_in_part(books)
    headers = {**books.headers("hh1"), "Host": "evil.example"}
    response = books.client.get(f"{ORG}/members/1/statements/2025.pdf", headers=headers)
    assert response.status_code == 200
    words = text_of(response.data)
    assert f"{PUBLIC_URL}verify/" in words and "evil.example" not in words


def test_the_households_page_prints_the_configured_address(books: Books, signed_in: Any) -> None:
    plan_paid_in_part(books)
    response = signed_in("hh1").get("/me/statements/2025.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    words = text_of(response.data)
    assert f"{PUBLIC_URL}verify/" in words and "localhost" not in words


def _issued(connection: Connection) -> int:
    return int(connection.execute(text("SELECT count(*) FROM issued_statement")).scalar_one())


def test_without_a_public_address_no_statement_is_issued(
    books: Books, sessions: sessionmaker[Session], connection: Connection, tmp_path: Path
) -> None:
    plan_paid_in_part(books)
    settings = Settings("unused", tmp_path, "test-secret", testing=True)
    client = create_app(settings, session_factory=sessions, hasher=FastHasher()).test_client()
    before = _issued(connection)
    response = client.get(f"{ORG}/members/1/statements/2025.pdf", headers=books.headers("hh1"))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "public_url_unset"
    assert "COOPLEDGER_PUBLIC_URL" in response.json["detail"]
    batch = client.post(
        f"{ORG}/statements/batches", json={"year": 2025}, headers=books.headers("acc")
    )
    assert batch.status_code == 409 and batch.json["code"] == "public_url_unset"
    assert _issued(connection) == before


def test_the_public_address_setting_is_checked() -> None:
    env = {"COOPLEDGER_PUBLIC_URL": "https://books.example.org"}
    assert Settings.from_env(env).public_url == "https://books.example.org/"
    assert Settings.from_env({}).public_url == ""
    for bad in ("books.example.org", "https://a.example/?x=1", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="COOPLEDGER_PUBLIC_URL"):
            Settings.from_env({"COOPLEDGER_PUBLIC_URL": bad})


# -- control characters ---------------------------------------------------------------------------

JSON = {"Accept": "application/json"}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/verify/%00", "code"),
        ("/verify/AB%01CD?format=json", "code"),
        ("/public/%00/disclosure?period=2026-Q1", "org"),
        ("/public/village/disclosure?period=2026-Q1%00", "period"),
        ("/verify/ABCD?sha256=%00", "sha256"),
    ],
)
def test_a_control_character_in_a_public_address_is_refused(
    client: Any, path: str, field: str
) -> None:
    api = client.get(path, headers=JSON)
    assert api.status_code == 422 and api.mimetype == "application/problem+json"
    assert field in api.json["errors"] and api.json["code"] == "invalid_text"
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert f"“{field}”" in page.get_data(as_text=True)


def test_a_control_character_in_the_api_is_refused(books: Books) -> None:
    listed = books.get("acc", f"{ORG}/vouchers?q=%00")
    assert listed.status_code == 422 and "q" in listed.json["errors"]
    for bad in ("收到\u0000股金", "收到\u0001股金", "收到\u001b股金"):
        body = {
            "date": "2026-03-10",
            "memo": bad,
            "attachments": 1,
            "lines": [
                {"account": "102", "debit": "1.00"},
                {"account": "301", "member": "1", "credit": "1.00"},
            ],
        }
        refused = books.post("acc", f"{ORG}/vouchers", body)
        assert refused.status_code == 422 and "memo" in refused.json["errors"], bad
    assert books.voucher(memo="第一行\r\n第二行\t备注")["memo"] == "第一行\r\n第二行\t备注"


def test_a_control_character_in_a_file_name_or_a_kept_header_is_refused(
    books: Books, connection: Connection
) -> None:
    """An uploaded file's name and the Idempotency-Key are stored: with a NUL in either,
    PostgreSQL failed the request (500) after the rows were read."""
    before = connection.execute(text("SELECT count(*) FROM member")).scalar_one()
    for name in ("m\x00.csv", "m\x01.csv"):
        upload = {"file": (io.BytesIO("member_no,name\n901,赵六\n".encode()), name)}
        refused = books.client.post(
            f"{ORG}/imports?kind=members&dry_run=false",
            data=upload,
            headers=books.headers("acc"),
            content_type="multipart/form-data",
        )
        assert refused.status_code == 422, (name, refused.status_code)
        assert refused.json["code"] == "invalid_text" and "file" in refused.json["errors"]
    body = {
        "date": "2026-03-10",
        "memo": "收到股金",
        "attachments": 1,
        "lines": [
            {"account": "102", "debit": "1.00"},
            {"account": "301", "member": "1", "credit": "1.00"},
        ],
    }
    for key in ("k\x00ey", "k\x1bey"):
        refused = books.post("acc", f"{ORG}/vouchers", body, headers={"Idempotency-Key": key})
        assert refused.status_code == 422, (key, refused.status_code)
        assert "Idempotency-Key" in refused.json["errors"]
    assert connection.execute(text("SELECT count(*) FROM member")).scalar_one() == before
    assert connection.execute(text("SELECT count(*) FROM voucher")).scalar_one() == 0


def test_a_control_character_in_the_login_form_is_refused(browser: Browser) -> None:
    browser.get("/login")
    refused = browser.post("/login", {"username": "acc\x00", "password": PASSWORD})
    assert refused.status_code == 400 and "“username”" in refused.get_data(as_text=True)
    wrong = browser.post("/login", {"username": "acc", "password": "a\tb"})
    assert wrong.status_code == 401  # a tab is text a form may carry: only the password is wrong


# -- caching --------------------------------------------------------------------------------------


def test_api_answers_and_personal_pdfs_are_never_stored(books: Books) -> None:
    plan_paid_in_part(books)
    voucher = books.voucher()
    for user, path in (
        ("acc", "/api/v1/orgs"),
        ("acc", f"{ORG}/members/1"),
        ("hh1", f"{ORG}/members/1/statements/2025.pdf"),
        ("hh1", f"{ORG}/members/1/account.pdf?year=2025"),
        ("acc", f"{ORG}/vouchers/{voucher['id']}.pdf"),
        ("hh1", f"{ORG}/members/2"),  # a refusal too
    ):
        response = books.get(user, path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert response.headers.get("Cache-Control") == "no-store", path


def test_pages_and_pdfs_for_a_signed_in_user_are_never_stored(books: Books, signed_in: Any) -> None:
    """What a household or an accountant sees signed in — its statement and account PDFs, a
    member's page — is not kept by the browser or a proxy; the stylesheet is."""
    plan_paid_in_part(books)
    household, accountant = signed_in("hh1"), signed_in("acc")
    for who, path in (
        (household, "/me"),
        (household, "/me/statements/2025.pdf"),
        (household, "/me/account/2025.pdf"),
        (accountant, "/orgs/coop/members/1"),
    ):
        response = who.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers.get("Cache-Control") == "no-store", path
    assert "no-store" not in household.client.get("/assets/app.css").headers["Cache-Control"]


# -- the public pages -----------------------------------------------------------------------------


def test_the_public_pages_are_limited_per_address(client: Any, world: Any) -> None:
    for _ in range(public_limit.PAGE_LIMIT):
        assert client.get("/verify/NOSUCHCODE0000", headers=JSON).status_code == 404
    refused = client.get("/verify/NOSUCHCODE0000", headers=JSON)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = client.get("/public/village/disclosure?period=2026-Q1")
    assert page.status_code == 429 and "Retry-After" in page.headers
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get("/verify/NOSUCHCODE0000", environ_base=elsewhere).status_code == 404


def test_public_pdfs_are_limited_more_strictly(client: Any, world: Any) -> None:
    url = "/public/nope/disclosure?period=2026-Q1&format=pdf"
    for _ in range(public_limit.PDF_LIMIT):
        assert client.get(url).status_code == 404
    assert client.get(url).status_code == 429
    assert client.get("/public/nope/disclosure?period=2026-Q1").status_code == 404  # pages go on


def test_an_unknown_and_an_unpublished_organization_look_alike(client: Any, world: Any) -> None:
    unknown = client.get("/public/nope/disclosure?period=2026-Q1")
    unpublished = client.get("/public/village/disclosure?period=2026-Q1")
    assert unknown.status_code == unpublished.status_code == 404
    assert unknown.data == unpublished.data


# -- the pages' own assets ------------------------------------------------------------------------


def test_the_stylesheet_is_served_and_revalidated(client: Any) -> None:
    """The stylesheet comes with its media type and an entity tag; a browser that already holds
    it is told so (304) instead of being sent it again."""
    first = client.get("/assets/app.css")
    assert first.status_code == 200
    assert first.mimetype == "text/css"
    assert b"{" in first.data
    again = client.get("/assets/app.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/assets/favicon.svg").mimetype == "image/svg+xml"


@pytest.mark.parametrize("name", ["../common.py", "nothing.css", "..%2fcommon.py", "app.py"])
def test_nothing_but_the_assets_is_served_from_the_assets_path(client: Any, name: str) -> None:
    assert client.get(f"/assets/{name}").status_code == 404

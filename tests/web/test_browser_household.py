"""The household portal in a real browser on a phone's width: a household that belongs to a
cooperative and to its village reads last year's amounts, their reasons, and nothing runs off
the side of a 390 px screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.services import auth, orgs
from coopledger.web.app import create_app
from tests.builders import plan_paid_in_part
from tests.conftest import PASSWORD, Books, FastHasher, fresh_database
from tests.web.live import CHROMIUM, needs_chromium, serve

pytestmark = needs_chromium
PHONE = {"width": 390, "height": 844}


def _seed(url: str, settings: Settings) -> None:
    """``coop`` with a posted 2025 plan paid in part to household 1, ``village`` with the same
    household as its member 1, and the household user ``hh-both`` linked to both."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    orgs.create_org(
        uow(), None, "village", "官王庙村股份经济合作社", "village_collective", "济南市/商河县"
    )
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop", "village"])
    auth.create_user(uow(), None, hasher, "rev", PASSWORD, "reviewer", ["coop", "village"])
    acc = auth.actor_named(uow(), "acc")
    for org in ("coop", "village"):
        orgs.create_member(
            uow(), acc, org, {"member_no": "1", "name": "王秀英", "poverty_status": "poor"}
        )
        orgs.create_member(uow(), acc, org, {"member_no": "2", "name": "李建国"})
    auth.create_user(
        uow(), None, hasher, "hh-both", PASSWORD, "household", [], ["coop/1", "village/1"]
    )
    tokens = {
        name: auth.issue_token(uow(), hasher, name, PASSWORD, timedelta(hours=1))[0]
        for name in ("acc", "rev")
    }
    app = create_app(settings, session_factory=sessions, hasher=hasher)
    plan_paid_in_part(Books(app.test_client(), uow, tokens))
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-household")
    url = fresh_database("browser_household", tmp)
    settings = Settings(
        database_url=url,
        instance_path=tmp,
        secret_key="browser-household-secret",
        public_url="http://127.0.0.1/",
    )
    _seed(url, settings)
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


@pytest.fixture
def phone(live_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(base_url=live_server, viewport=PHONE)
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("/login?lang=zh")
        page.fill("input[name=username]", "hh-both")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state()
        yield page
        browser.close()
        assert not errors, errors  # no CSP violation, no script error


def _overflow(page: Any) -> list[str]:
    """Elements reaching past the right edge of the screen."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .map(e => e.tagName + '#' + e.id + '.' + e.className)"""
        )
    )


def test_a_household_reads_last_years_amounts_on_a_phone(phone: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    assert phone.url.endswith("/me")
    expect(phone.locator("#amounts-coop [data-amount=paid]")).to_have_text("¥5,000.00")
    expect(phone.locator("#explanation-coop")).to_contain_text("保底")
    expect(phone.locator("#membership-village")).to_contain_text("官王庙村股份经济合作社")
    phone.screenshot(path=str(shots / "household-phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], _overflow(phone)
    assert not _overflow(phone)
    statement = phone.request.get(phone.get_attribute("#statement-pdf-coop", "href"))
    assert statement.ok and statement.body().startswith(b"%PDF")
    account = phone.get_attribute("#account-pdf-village", "href")
    assert account.endswith("/me/village/account/2026.pdf")  # nothing distributed there yet
    assert phone.request.get(account).ok


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_household_hears_its_statement_read_aloud(phone: Any) -> None:
    phone.click("#listen-coop button[data-listen]")
    phone.wait_for_function(
        "() => { const a = document.getElementById('audio-coop');"
        " return a.readyState >= 1 && a.duration > 3; }"
    )
    src = phone.get_attribute("#audio-coop", "src")
    heard = phone.request.get(src)
    assert heard.ok and heard.headers["content-type"] == "audio/wav"

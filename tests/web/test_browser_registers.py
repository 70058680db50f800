"""The registers in a real browser (Debian's Chromium driven by Playwright, a live server of its
own): an accountant admits a member and registers an asset from the pages, as a person does.

Screenshots go to ``$COOPLEDGER_SCREENSHOTS`` (or the test's tmp folder)."""

from __future__ import annotations

from collections.abc import Iterator
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
from tests.conftest import PASSWORD, FastHasher, fresh_database
from tests.web.live import needs_chromium, serve

pytestmark = needs_chromium


def _seed(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop"])
    acc = auth.actor_named(uow(), "acc")
    orgs.create_member(
        uow(), acc, "coop", {"member_no": "1", "name": "王秀英", "poverty_status": "poor"}
    )
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-registers")
    url = fresh_database("browser_registers", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-test-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


def test_an_accountant_adds_a_member_and_an_asset_from_the_pages(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    page.goto("/login?lang=zh")
    page.fill("input[name=username]", "acc")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()

    # a member: a wrong check digit is named beside the field and what was typed stays
    page.goto("/orgs/coop/members")
    page.click("#new-member")
    page.fill("#member-member_no", "3")
    page.fill("#member-name", "宋德民")
    page.fill("#member-household_size", "5")
    page.fill("#member-id_number", "110105194912310021")
    page.select_option("#member-poverty_status", "exited")
    page.fill("#member-joined_on", "2026-01-05")
    page.click("#member-save")
    expect(page.locator(".field-error[data-for=id_number]")).to_contain_text("校验码不符")
    expect(page.locator("#member-name")).to_have_value("宋德民")
    page.fill("#member-id_number", "11010519491231002X")
    page.click("#member-save")
    expect(page.locator(".flash.ok")).to_contain_text("已登记成员 3 宋德民")
    expect(page.locator("#member-id-number")).to_have_text("110105********002X")
    expect(page.locator("#member-status")).to_have_text("脱贫户")
    page.screenshot(path=str(shots / "registers-01-member.png"), full_page=True)
    page.goto("/orgs/coop/members")
    expect(page.locator("#members")).to_contain_text("宋德民")
    expect(page.locator("#member-counts")).to_contain_text("成员 2 户")

    # an asset, self-funded: its card and the draft acquisition voucher
    page.goto("/orgs/coop/assets")
    page.click("#new-asset")
    page.fill("#asset-asset_no", "GB-02")
    page.fill("#asset-name", "大蒜分拣机")
    page.select_option("#asset-class", "operating")
    page.select_option("#asset-use", "production")
    page.fill("#asset-acquired_on", "2026-03-15")
    page.fill("#asset-cost", "36000")
    page.fill("#asset-salvage", "0")
    page.fill("#asset-useful_life_months", "60")
    page.click("#asset-save")
    expect(page.locator(".flash.ok")).to_contain_text("已登记资产 GB-02 大蒜分拣机")
    expect(page.locator("#asset-cost")).to_have_text("¥36,000.00")
    expect(page.locator("#asset-schedule tbody tr")).to_have_count(60)
    expect(page.locator("#asset-schedule")).to_contain_text("600.00")
    page.screenshot(path=str(shots / "registers-02-asset.png"), full_page=True)
    page.click("#acquisition-voucher")
    expect(page.locator("#voucher-status")).to_have_text("草稿")
    page.goto("/orgs/coop/assets")
    expect(page.locator("#assets-totals")).to_contain_text("36,000.00")

"""The administrator's and the county officer's pages in a real browser (Debian's Chromium driven
by Playwright, against a live server of their own): an administrator creates an accountant who
then signs in; a county officer reads its region's report and drills down into a village."""

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
from tests.web.live import login, needs_chromium, serve

pytestmark = needs_chromium


def _seed(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

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
    auth.create_user(uow(), None, hasher, "admin", PASSWORD, "admin", [])
    auth.create_user(
        uow(), None, hasher, "shanghe", PASSWORD, "auditor", [], regions=["济南市/商河县"]
    )
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-admin")
    url = fresh_database("browser_admin", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-admin-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


def test_an_administrator_creates_an_accountant_who_then_signs_in(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    login(page, "admin")
    page.click("#nav-users")
    expect(page.locator("h1")).to_have_text("用户管理")
    form = page.locator("#new-user")
    form.locator("input[name=username]").fill("li-kj")
    form.locator("input[name=full_name]").fill("李会计")
    form.locator("select[name=role]").select_option("accountant")
    form.locator("input[name=orgs][value=village]").check()
    form.locator("input[name=password]").fill("short")
    form.locator("button[value=create]").click()
    expect(page.locator("#error-password")).to_contain_text("密码至少 10 个字符")
    form = page.locator("#new-user")  # the form came back with what was typed
    expect(form.locator("input[name=username]")).to_have_value("li-kj")
    expect(form.locator("input[name=orgs][value=village]")).to_be_checked()
    form.locator("input[name=password]").fill("li kuaiji 2026")
    form.locator("button[value=create]").click()
    expect(page.locator("#user-done")).to_contain_text("li-kj")
    expect(page.locator("#user-li-kj .user-role")).to_have_text("会计")
    page.screenshot(path=str(shots / "admin-users.png"), full_page=True)

    # disabling asks once more; cancelling changes nothing
    page.locator("#user-li-kj button[value=disable]").click()
    expect(page.locator("#confirm-box")).to_contain_text("停用用户 li-kj")
    page.click("#confirm-no")
    expect(page.locator("#user-li-kj .user-state")).to_contain_text("正常")

    page.click("header form button")  # sign out
    page.wait_for_url("**/login")
    login(page, "li-kj", "li kuaiji 2026")
    expect(page.locator("#open-org")).to_contain_text("官王庙村股份经济合作社")  # its one org


def test_a_county_officer_reads_its_region_and_drills_down(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    login(page, "shanghe")
    page.wait_for_url("**/regions")  # the officer lands on its region's report
    expect(page.locator("h1")).to_contain_text("济南市/商河县")
    expect(page.locator("#region-org-coop")).to_be_visible()
    expect(page.locator("#region-org-village")).to_be_visible()
    expect(page.locator("#region-org-other")).to_have_count(0)
    expect(page.locator("#income-chart")).to_be_visible()
    page.screenshot(path=str(shots / "county-region.png"), full_page=True)

    page.locator("#region-org-village a.org-link").click()
    expect(page.locator("#open-org")).to_contain_text("官王庙村股份经济合作社")
    page.go_back()
    page.locator("#region-org-village a", has_text="科目余额表").click()
    expect(page.locator("h1")).to_contain_text("科目余额表")

    response = page.goto("/orgs/other")
    assert response is not None and response.status == 404
    pdf = page.request.get("/regions?format=pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

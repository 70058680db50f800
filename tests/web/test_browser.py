"""The pages in a real browser: Debian's Chromium driven by Playwright, against a live server.

Screenshots of the main pages go to ``$COOPLEDGER_SCREENSHOTS`` (or the test's tmp folder).
"""

from __future__ import annotations

import re
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
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    orgs.create_org(
        uow(), None, "village", "官王庙村股份经济合作社", "village_collective", "济南市/商河县"
    )
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop", "village"])
    auth.create_user(uow(), None, hasher, "rev", PASSWORD, "reviewer", ["coop"])
    acc = auth.actor_named(uow(), "acc")
    orgs.create_member(
        uow(), acc, "coop", {"member_no": "1", "name": "王秀英", "poverty_status": "poor"}
    )
    orgs.create_member(uow(), acc, "coop", {"member_no": "2", "name": "李建国"})
    auth.create_user(uow(), None, hasher, "hh1", PASSWORD, "household", [], "coop/1")
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    url = fresh_database("browser", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-test-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


def logout(page: Any) -> None:
    page.click("header form button")
    page.wait_for_url("**/login")


def test_the_accountants_day(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    login(page, "acc")
    assert page.url.endswith("/orgs")  # two organizations: the picker
    page.screenshot(path=str(shots / "01-org-picker.png"))
    page.click("text=绿源大蒜种植专业合作社")
    expect(page.locator("#open-org")).to_contain_text("绿源大蒜种植专业合作社")
    page.screenshot(path=str(shots / "02-dashboard.png"), full_page=True)

    # enter a three-line voucher with member lines; the difference reaches zero
    page.click("#nav-new")
    page.fill("input[name=date]", "2026-03-10")
    page.fill("input[name=memo]", "收到股金")
    page.fill("input[name=lines-0-account]", "102")
    page.fill("input[name=lines-0-debit]", "1000")
    page.fill("input[name=lines-1-account]", "301")
    expect(page.locator("input[name=lines-1-member]")).to_have_class(re.compile(r"\bneeded\b"))
    page.fill("input[name=lines-1-member]", "1")
    page.fill("input[name=lines-1-credit]", "600")
    expect(page.locator("#difference")).to_contain_text("400.00")
    expect(page.locator("#difference")).not_to_have_class(re.compile(r"\bbalanced\b"))
    page.fill("input[name=lines-2-account]", "301")
    page.fill("input[name=lines-2-member]", "2")
    page.fill("input[name=lines-2-credit]", "400")
    expect(page.locator("#difference")).to_have_class(re.compile(r"\bbalanced\b"))
    expect(page.locator("#difference")).to_contain_text("0.00")
    expect(page.locator("#total-debit")).to_have_text("1,000.00")
    expect(page.locator("tr.line .account-name").first).to_contain_text("银行存款")
    page.click("#add-line")
    expect(page.locator("tr.line")).to_have_count(5)
    page.screenshot(path=str(shots / "03-voucher-entry.png"), full_page=True)
    page.click("#save")
    expect(page.locator("#voucher-status")).to_have_text("草稿")
    voucher_url = page.url
    logout(page)

    # the reviewer reviews
    login(page, "rev")
    page.goto(voucher_url)
    page.click("#review-button")
    expect(page.locator("#voucher-status")).to_have_text("已审核")
    logout(page)

    # the accountant posts; it shows in the ledger and the trial balance
    login(page, "acc")
    page.goto(voucher_url)
    page.click("#post-button")
    expect(page.locator("#voucher-status")).to_have_text("已记账")
    expect(page.locator("h1")).to_contain_text("记-2026-03-0001")
    page.screenshot(path=str(shots / "04-voucher-posted.png"), full_page=True)
    page.goto(
        voucher_url.rsplit("/vouchers/", 1)[0]
        + "/reports/trial-balance?from=2026-01-01&to=2026-12-31"
    )
    row = page.locator("#trial-balance tr", has_text="银行存款")
    expect(row).to_contain_text("1,000.00")
    page.screenshot(path=str(shots / "05-trial-balance.png"), full_page=True)
    row.locator("a").first.click()
    expect(page.locator("#ledger")).to_contain_text("记-2026-03-0001")
    page.screenshot(path=str(shots / "06-ledger.png"), full_page=True)

    # switch to English: the same page in English, and it stays English
    page.click("#lang-en")
    expect(page.locator("h1")).to_contain_text("Bank journal")  # 银行存款's book is its journal
    page.click("nav.main >> text=Trial balance")
    expect(page.locator("h1")).to_have_text("Trial balance")
    page.screenshot(path=str(shots / "07-trial-balance-en.png"), full_page=True)
    page.click("nav.main >> text=Members and shares")
    expect(page.locator("#members")).to_contain_text("王秀英")
    page.screenshot(path=str(shots / "08-members-en.png"), full_page=True)
    page.click("#lang-zh")
    logout(page)


def test_a_household_sees_only_its_own(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    login(page, "hh1")
    assert page.url.endswith("/me")
    expect(page.locator("h1")).to_have_text("王秀英")
    expect(page.locator("#my-status")).to_have_text("脱贫户")
    assert "李建国" not in page.content()
    page.screenshot(path=str(shots / "09-household.png"), full_page=True)
    response = page.request.get("/me/account/2026.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    assert page.goto("/orgs/coop/members").status == 403


def test_a_form_posted_without_its_csrf_token_is_refused(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    login(page, "acc")
    page.goto("/orgs/coop/vouchers/new")
    page.fill("input[name=lines-0-account]", "102")
    page.fill("input[name=lines-0-debit]", "5")
    page.fill("input[name=lines-1-account]", "301")
    page.fill("input[name=lines-1-member]", "1")
    page.fill("input[name=lines-1-credit]", "5")
    page.locator("#voucher-form input[name=csrf_token]").evaluate("e => e.remove()")
    page.click("#save")
    expect(page.locator("#csrf-refused")).to_be_visible()
    page.screenshot(path=str(shots / "10-csrf-refused.png"))
    page.goto("/orgs/coop/vouchers?status=draft")
    expect(page.locator("#voucher-list")).to_contain_text("没有符合条件的凭证")


def test_a_phone_sees_the_voucher_grid_as_cards(
    chromium: Any, live_server: str, shots: Path
) -> None:
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    login(page, "acc")
    page.goto("/orgs/coop/vouchers/new")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width  # nothing wider than the phone
    page.screenshot(path=str(shots / "11-phone-entry.png"), full_page=True)
    context.close()


def test_the_verification_box_fingerprints_the_file_in_the_browser(
    page: Any, tmp_path: Path
) -> None:
    """A household types the code and picks its PDF: the browser sends the file's SHA-256 with the
    code, never the file; the fallback used where crypto.subtle is withheld gives the same hash."""
    import hashlib

    document = tmp_path / "明细.pdf"
    document.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 300)
    page.goto("/verify/")
    page.fill("#verify-code", "3f2a 9c0b-7d14 e865")
    page.set_input_files("#verify-file", str(document))
    page.click("#verify-submit")
    page.wait_for_url("**/verify/3F2A9C0B7D14E865?sha256=*")
    assert page.url.endswith(f"sha256={hashlib.sha256(document.read_bytes()).hexdigest()}")
    assert page.locator("#verdict").get_attribute("data-verdict") == "unknown"
    for sample in (b"", b"abc", bytes(range(256)) * 5):
        computed = page.evaluate("b => window.coopledgerSha256(new Uint8Array(b))", list(sample))
        assert computed == hashlib.sha256(sample).hexdigest()

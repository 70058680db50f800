"""Voucher entry and the distribution wizard in a real browser (Debian's Chromium, Playwright):
an account found by its pinyin initials, a voucher entered with the keyboard alone, and a
year's distribution from the wizard to the payment of every member."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import make_server

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.services import auth, orgs
from coopledger.web.app import create_app
from tests.builders import closed_year, review_and_post
from tests.conftest import PASSWORD, Books, FastHasher, fresh_database
from tests.web.live import login, needs_chromium, watched

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Books]]:
    """A live server on books with a closed 2025 (the garlic year of tests.builders), and the
    API's Books on the same database to review and post as the reviewer would."""
    tmp = tmp_path_factory.mktemp("browser-entry")
    url = fresh_database("browser_entry", tmp)
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop"])
    auth.create_user(uow(), None, hasher, "rev", PASSWORD, "reviewer", ["coop"])
    acc = auth.actor_named(uow(), "acc")
    orgs.create_member(
        uow(), acc, "coop", {"member_no": "1", "name": "王秀英", "poverty_status": "poor"}
    )
    orgs.create_member(uow(), acc, "coop", {"member_no": "2", "name": "李建国"})
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-entry-secret")
    app = create_app(settings, hasher=FastHasher())
    tokens = {
        name: auth.issue_token(uow(), hasher, name, PASSWORD, timedelta(hours=2))[0]
        for name in ("acc", "rev")
    }
    books = Books(app.test_client(), uow, tokens)
    closed_year(books)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", books
    server.shutdown()
    thread.join(timeout=5)
    engine.dispose()
    app_engine = app.extensions["coopledger"].engine
    if app_engine is not None:
        app_engine.dispose()


@pytest.fixture
def page(chromium: Any, live: tuple[str, Books]) -> Iterator[Any]:
    with watched(chromium, live[0]) as page:
        yield page


def test_a_voucher_entered_with_the_keyboard_alone(page: Any, live: tuple[str, Books]) -> None:
    from playwright.sync_api import expect

    login(page, "acc")
    page.goto("/orgs/coop/vouchers/new")
    expect(page.locator("#nav-new")).to_have_attribute("aria-current", "page")
    # the skip link is the first stop of the Tab key and takes the focus to the page's content
    page.keyboard.press("Tab")
    expect(page.locator("#skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # every field of the form has a name a screen reader says (axe's "label" rule)
    unnamed = page.eval_on_selector_all(
        "#voucher-form input:not([type=hidden])",
        "els => els.filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.name)",
    )
    assert unnamed == []

    page.fill("input[name=date]", "2026-03-10")
    page.focus("input[name=date]")
    page.keyboard.press("Enter")  # Enter moves on; it never sends the form
    expect(page.locator("input[name=memo]")).to_be_focused()
    page.keyboard.type("办公用品")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # past the attachments
    expect(page.locator("input[name=lines-0-account]")).to_be_focused()

    # 管理费用 found by its pinyin initials, taken with Enter
    page.keyboard.type("glfy")
    expect(page.locator("#account-suggestions")).to_be_visible()
    expect(page.locator("#account-suggestions li").first).to_contain_text("管理费用")
    page.keyboard.press("Enter")
    expect(page.locator("input[name=lines-0-account]")).to_have_value("523")
    expect(page.locator("tr.line .account-name").first).to_contain_text("管理费用")
    expect(page.locator("input[name=lines-0-member]")).to_be_focused()
    page.keyboard.press("Enter")  # member
    page.keyboard.press("Enter")  # fund
    page.keyboard.type("1,200.50")
    page.keyboard.press("Enter")  # debit → credit
    page.keyboard.press("Enter")  # credit → memo
    page.keyboard.press("Enter")  # memo → the next line's account
    expect(page.locator("input[name=lines-1-account]")).to_be_focused()
    # the bank by its name, typed whole and taken when the field is left
    page.keyboard.type("银行存款")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    expect(page.locator("input[name=lines-1-account]")).to_have_value("102")
    page.keyboard.press("Enter")  # member
    page.keyboard.press("Enter")  # fund
    page.keyboard.press("Enter")  # debit
    page.keyboard.type("1000.50")  # credit
    for _ in range(2):  # memo, then the next line's account
        page.keyboard.press("Enter")
    page.keyboard.type("yhck")
    page.keyboard.press("Enter")
    expect(page.locator("input[name=lines-2-account]")).to_have_value("102")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("200")  # on the debit side by mistake
    expect(page.locator("#difference")).to_contain_text("400.00")
    expect(page.locator("#difference-hint")).to_have_text("可能是第 3 行记反了方向")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.type("200")
    expect(page.locator("#difference")).to_have_class(re.compile(r"\bbalanced\b"))
    expect(page.locator("#difference-hint")).to_have_text("")
    assert "/vouchers/new" in page.url  # every Enter above left the form unsent
    page.locator("#save").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#voucher-status")).to_have_text("草稿")
    expect(page.locator("#voucher-lines")).to_contain_text("管理费用")
    expect(page.locator("#voucher-lines")).to_contain_text("1,200.50")


def test_a_distribution_from_the_wizard_to_the_payment(page: Any, live: tuple[str, Books]) -> None:
    from playwright.sync_api import expect

    books = live[1]
    login(page, "acc")
    page.goto("/orgs/coop/distributions")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=reserve_rate]", "10%")
    page.fill("input[name=patronage_ratio]", "60%")
    page.click("#new-plan button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("已计算并保存草稿方案")
    expect(page.locator("#total-due")).to_have_text("90,000.00")
    expect(page.locator("#plan-approve")).to_have_count(0)  # the preparer does not approve
    expect(page.locator("#approve-by-others")).to_be_visible()
    plan_url = page.url
    page.click("header form button")  # sign out

    login(page, "rev")
    page.goto(plan_url)
    page.fill("input[name=resolution]", "成员大会决议2026-01号")
    page.fill("input[name=date]", "2026-01-20")
    page.click("#plan-approve")
    expect(page.locator(".flash.ok")).to_contain_text("已记录成员大会批准")
    page.click("header form button")

    login(page, "acc")
    page.goto(plan_url)
    page.click("#plan-post")
    expect(page.locator(".flash.ok")).to_contain_text("张分配凭证")
    expect(page.locator("#plan-status")).to_have_text("分配凭证已生成，待审核、记账")
    expect(page.locator("#plan-pay")).to_have_count(0)
    plan_id = int(plan_url.rsplit("/", 1)[-1])
    for v in books.get("acc", f"/api/v1/orgs/coop/distributions/{plan_id}").json["vouchers"]:
        review_and_post(books, v if isinstance(v, int) else v["id"])
    page.reload()
    expect(page.locator("#plan-status")).to_have_text("已记账")
    expect(page.locator("#plan-vouchers a").first).to_have_text(re.compile(r"^记-2026-01-\d{4}$"))

    # paying everyone: the list and the total first, then the confirmation
    page.click("#plan-pay")
    expect(page.locator("#pay-confirm")).to_contain_text("将向以下 2 户成员支付，合计 90,000.00 元")
    expect(page.locator("#pay-list")).to_contain_text("王秀英")
    expect(page.locator("#pay-total")).to_have_text("90,000.00")
    page.click("#pay-confirm-button")
    expect(page.locator(".flash.ok")).to_contain_text("已向 2 户成员支付 90,000.00 元")
    expect(page.locator("#total-paid")).to_have_text("90,000.00")
    expect(page.locator("#plan-pay")).to_have_count(0)  # nobody is owed anything now

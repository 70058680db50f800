"""Closing the months and the year in a real browser: from the dashboard's next month to close,
through each month's confirmation, to the year-end close and the surplus it carried.

Screenshots go to ``$COOPLEDGER_SCREENSHOTS`` (or the test's tmp folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth, orgs, vouchers
from coopledger.web.app import create_app
from tests.conftest import PASSWORD, FastHasher, fresh_database
from tests.web.live import needs_chromium, serve

pytestmark = needs_chromium


def _seed(url: str) -> None:
    """A cooperative with 2025 booked: sales of 5,000 in February, 800 of expenses in May."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    auth.create_user(uow(), None, hasher, "admin", PASSWORD, "admin", [])
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop"])
    vouchers.post_batch(
        uow(),
        auth.actor_named(uow(), "admin"),
        "coop",
        [
            VoucherDraft(
                date(2025, 2, 10),
                "销售大蒜",
                (Line("102", Dr.DEBIT, 500_000), Line("501", Dr.CREDIT, 500_000)),
                attachments=1,
            ),
            VoucherDraft(
                date(2025, 5, 10),
                "办公费",
                (Line("521", Dr.DEBIT, 80_000), Line("102", Dr.CREDIT, 80_000)),
                attachments=1,
            ),
        ],
    )
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-periods")
    url = fresh_database("browser_periods", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-test-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


def test_closing_a_month_then_the_year(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    page.goto("/login?lang=zh")
    page.fill("input[name=username]", "acc")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    page.goto("/orgs/coop")

    # the dashboard's next month to close leads to its confirmation on the periods page
    expect(page.locator("#next-close")).to_contain_text("2025-02")
    page.click("#next-close")
    expect(page.locator("#confirm")).to_contain_text("结账后，2025-02 不能再记入、修改或删除凭证")
    page.screenshot(path=str(shots / "periods-01-confirm-month.png"), full_page=True)
    page.click("#confirm-close")
    expect(page.locator(".flash.ok")).to_have_text("2025-02 已结账：该月不能再记入凭证。")
    february = page.locator("#month-2025-02")
    expect(february).to_have_attribute("data-status", "closed")
    expect(february).to_contain_text("acc")

    # the year-end names what blocks it; the months close one by one from the page
    expect(page.locator("#step-months")).to_contain_text("1 至 11 月还有月份没有结账")
    expect(page.locator("#close-year")).to_be_disabled()
    for month in [1, *range(3, 12)]:
        page.click(f"#close-2025-{month:02d}")
        page.click("#confirm-close")
        expect(page.locator(f"#month-2025-{month:02d}")).to_have_attribute("data-status", "closed")

    # nothing blocks now: the close names the two vouchers it will post
    expect(page.locator("#step-months")).to_contain_text("1 至 11 月都已结账")
    expect(page.locator("#preview-surplus")).to_have_text("¥4,200.00")
    page.click("#close-year")
    confirm = page.locator("#confirm-year")
    expect(confirm).to_contain_text("《2025年度损益结转》")
    expect(confirm).to_contain_text("331 本年盈余")
    expect(confirm).to_contain_text("33202 未分配盈余")
    page.screenshot(path=str(shots / "periods-02-confirm-year.png"), full_page=True)
    page.click("#confirm-close-year")
    expect(page.locator(".flash.ok")).to_contain_text("2025 年度已年终结账：本年盈余 4200.00 元")
    expect(page.locator("#year-surplus")).to_have_text("¥4,200.00")
    expect(page.locator("#month-2025-12")).to_have_attribute("data-status", "closed")
    page.screenshot(path=str(shots / "periods-03-year-closed.png"), full_page=True)
    page.click("#to-distribution")
    expect(page.locator("h1")).to_contain_text("盈余分配")

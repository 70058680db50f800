"""The statements in a real browser (Debian's Chromium, Playwright, a live server of its own):
each statement of a cooperative and of a village opens from the reports menu, shows its figures,
and never makes the page wider than the screen, on a phone (390 px) or an office PC (1366 px)."""

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
from coopledger.services import auth, orgs, periods, vouchers
from coopledger.web.app import create_app
from tests.conftest import PASSWORD, FastHasher, fresh_database
from tests.web.live import needs_chromium, serve

pytestmark = needs_chromium
FUND = "muni-2025"


def _seed(url: str) -> None:
    """A cooperative and a village, each with a closed 2025 in eight-digit amounts (the village
    closes at a loss, so negative amounts show), an auditor who reads both."""
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
    auth.create_user(uow(), None, hasher, "boss", PASSWORD, "admin", [])
    auth.create_user(uow(), None, hasher, "aud", PASSWORD, "auditor", ["coop", "village"])
    boss = auth.actor_named(uow(), "boss")
    for org in ("coop", "village"):
        orgs.create_member(uow(), boss, org, {"member_no": "1", "name": "王秀英"})
        orgs.create_member(uow(), boss, org, {"member_no": "2", "name": "李建国"})
    orgs.create_fund(
        uow(),
        boss,
        "coop",
        {
            "code": FUND,
            "name": "市级扶贫资金（大蒜示范基地冷库建设项目）",
            "source": "municipal_pro_poor",
            "grantor": "济南市财政局",
            "granted_fen": 4_000_000_000,
        },
    )
    coop = [
        VoucherDraft(
            date(2025, 2, 1),
            "收到股金",
            (
                Line("102", Dr.DEBIT, 1_234_567_890),
                Line("301", Dr.CREDIT, 234_567_890, member="1"),
                Line("301", Dr.CREDIT, 1_000_000_000, member="2"),
            ),
        ),
        VoucherDraft(
            date(2025, 3, 1),
            "收到扶贫资金",
            (
                Line("102", Dr.DEBIT, 3_000_000_000),
                Line("235", Dr.CREDIT, 3_000_000_000, fund=FUND),
            ),
        ),
        VoucherDraft(
            date(2025, 6, 1),
            "全年销售",
            (Line("102", Dr.DEBIT, 9_876_543_210), Line("501", Dr.CREDIT, 9_876_543_210)),
        ),
    ]
    village = [
        VoucherDraft(
            date(2025, 2, 1),
            "收到资本",
            (Line("102", Dr.DEBIT, 50_000_000), Line("301", Dr.CREDIT, 50_000_000, member="1")),
        ),
        VoucherDraft(
            date(2025, 5, 1),
            "管理费用",
            (Line("513", Dr.DEBIT, 12_345_678), Line("102", Dr.CREDIT, 12_345_678)),
        ),
    ]
    for org, drafts in (("coop", coop), ("village", village)):
        vouchers.post_batch(uow(), boss, org, drafts)
        periods.close_year(uow(), boss, org, 2025)
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-statements")
    url = fresh_database("browser_statements", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-test-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


# (organization, the menu entry's id, what the opened statement shows)
STATEMENTS = [
    ("coop", "st-balance-sheet", "98,765,432.10"),
    ("coop", "st-surplus", "98,765,432.10"),
    ("coop", "st-members-equity", "12,345,678.90"),
    ("coop", "st-asset-register", "没有登记的固定资产。"),
    ("coop", "st-fund-usage", "30,000,000.00"),
    ("village", "st-balance-sheet", "500,000.00"),
    ("village", "st-surplus", "-123,456.78"),
    ("village", "st-fund-usage", "没有登记的资金。"),
]


@pytest.mark.parametrize("width", [390, 1366])
def test_every_statement_opens_from_the_menu_and_fits_the_screen(
    chromium: Any, live_server: str, shots: Path, width: int
) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 900},
        is_mobile=width < 800,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error"
            and not m.text.startswith("Failed to load resource")  # the 422 of a bad year
            else None
        ),
    )
    page.goto("/login?lang=zh")
    page.fill("input[name=username]", "aud")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    for org, entry, figure in STATEMENTS:
        page.goto(f"/orgs/{org}")
        page.click("#nav-reports")
        page.click(f"#{entry} h2 a")
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text(figure)
        expect(page.locator("#statement-pdf")).to_be_visible()
        page.screenshot(path=str(shots / f"statement-{width}-{org}-{entry}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (org, entry, width, overflow)
    # a year with no books, typed into the picker, is answered in place
    page.goto("/orgs/coop/reports/surplus")
    page.fill("#statement-year", "2019")
    page.click("#statement-picker button[type=submit]")
    expect(page.locator("#statement-error")).to_contain_text("2019年没有账簿记录")
    expect(page.locator("#statement-year")).to_have_value("2019")
    context.close()
    assert not errors, errors  # no CSP violation, no script error

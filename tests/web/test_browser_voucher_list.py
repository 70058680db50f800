"""The voucher list of many vouchers in a real browser on a phone 390 px wide: the count, the
total, the accounts and the page numbers fit the width without scrolling sideways, and the
page numbers lead on.

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
from tests.web.live import login, needs_chromium, serve, watched

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}


def _seed(url: str) -> None:
    """A cooperative with 120 posted vouchers in 2025, each touching three accounts."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    orgs.create_org(uow(), None, "coop", "绿源大蒜种植专业合作社", "cooperative", "济南市/商河县")
    auth.create_user(uow(), None, hasher, "admin", PASSWORD, "admin", [])
    auth.create_user(uow(), None, hasher, "acc", PASSWORD, "accountant", ["coop"])
    drafts = [
        VoucherDraft(
            date(2025, 1 + n % 12, 10),
            f"销售大蒜并支付运输费用（第 {n + 1} 批，收购点：官王庙村东头冷库）",
            (
                Line("102", Dr.DEBIT, 100_000 + n),
                Line("521", Dr.DEBIT, 5_000),
                Line("501", Dr.CREDIT, 105_000 + n),
            ),
            attachments=1,
        )
        for n in range(120)
    ]
    vouchers.post_batch(uow(), auth.actor_named(uow(), "admin"), "coop", drafts)
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-voucher-list")
    url = fresh_database("browser_voucher_list", tmp)
    _seed(url)
    settings = Settings(database_url=url, instance_path=tmp, secret_key="browser-test-secret")
    with serve(create_app(settings, hasher=FastHasher())) as base:
        yield base


def test_the_voucher_list_fits_a_phone_and_pages_on(
    chromium: Any, live_server: str, shots: Path
) -> None:
    from playwright.sync_api import expect

    with watched(chromium, live_server, viewport=PHONE) as phone:
        login(phone, "acc")
        phone.goto("/orgs/coop/vouchers")
        expect(phone.locator("#voucher-count")).to_contain_text("共 120 张凭证")
        expect(phone.locator("#voucher-pages [aria-current=page]")).to_have_text("1")
        expect(phone.locator("#voucher-list tbody tr").first).to_contain_text("102 银行存款")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        phone.screenshot(path=str(shots / "voucher-list-phone-page-1.png"), full_page=False)
        assert overflow <= 0, f"{overflow} px of sideways scrolling at 390 px"

        phone.locator("#voucher-pages a[rel=last]").click()
        expect(phone.locator("#voucher-pages [aria-current=page]")).to_have_text("3")
        expect(phone.locator("#voucher-list tbody tr")).to_have_count(20)
        phone.screenshot(path=str(shots / "voucher-list-phone-page-3.png"), full_page=True)
        assert phone.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

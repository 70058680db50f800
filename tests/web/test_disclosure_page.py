"""Issue 10: the disclosure notice at /orgs/<org>/disclosure for the signed-in accountant."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import Books
from tests.web.conftest import Browser


def test_the_accountant_sees_the_notice_it_prepares(
    books: Books, signed_in: Any, app: Flask
) -> None:
    books.posted(
        org="village",
        date="2026-01-15",
        memo="出租收入",
        lines=[{"account": "102", "debit": "800.00"}, {"account": "501", "credit": "800.00"}],
    )
    browser = signed_in("acc")
    page = browser.get("/orgs/village/disclosure?period=2026-01")
    assert page.status_code == 409  # January is still open
    assert books.post("acc", "/api/v1/orgs/village/periods/2026-01/close").status_code == 200
    page = browser.get("/orgs/village/disclosure?period=2026-01")
    assert page.status_code == 200
    assert "800.00" in page.get_data(as_text=True)
    other = Browser(app.test_client())
    assert other.login("other-acc").status_code == 302
    assert other.get("/orgs/village/disclosure?period=2026-01").status_code == 404

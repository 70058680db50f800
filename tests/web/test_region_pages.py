"""The county officer's page /regions: the consolidated report of its region, organizations of
other regions neither listed nor reachable, each listed one a link to its read-only pages, the
villages' published disclosure notices, and the printed report."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from coopledger.services import auth
from tests.conftest import PASSWORD, Books, FastHasher
from tests.web.conftest import Browser


@pytest.fixture
def officer(app: Flask, uow: Any, world: dict[str, str]) -> Browser:
    """``shanghe``: an auditor scoped to 济南市/商河县 (coop and village are there; other is in
    济南市/平阴县), signed in."""
    auth.create_user(
        uow(), None, FastHasher(), "shanghe", PASSWORD, "auditor", [], regions=["济南市/商河县"]
    )
    browser = Browser(app.test_client())
    response = browser.login("shanghe")
    assert response.headers["Location"].endswith("/regions")  # its landing after login
    return browser


def _income(books: Books) -> None:
    """45,000 yuan of operating income for the village in 2026: over 30 thousand, under 50."""
    books.posted(
        org="village",
        date="2026-03-15",
        memo="发包收入",
        lines=[{"account": "102", "debit": "45000.00"}, {"account": "501", "credit": "45000.00"}],
    )


def test_the_officer_sees_its_regions_organizations_and_no_other(
    officer: Browser, books: Books
) -> None:
    _income(books)
    page = officer.get("/regions?year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="region-org-coop"' in html and 'id="region-org-village"' in html
    assert "other" not in html.split('id="region-orgs"')[1] and "别处养牛" not in html
    assert '<strong id="kpi-orgs">2</strong>' in html
    assert '<strong id="kpi-30k">1</strong>' in html and '<strong id="kpi-50k">0</strong>' in html
    assert "¥45,000.00" in html
    assert 'id="income-chart"' in html and 'class="threshold"' in html  # the 3万 line is drawn
    assert "style=" not in html  # the Content-Security-Policy allows no inline style


def test_the_officer_drills_down_into_its_organizations_only(officer: Browser) -> None:
    html = officer.get("/regions?year=2026").get_data(as_text=True)
    assert 'href="/orgs/village"' in html and 'href="/orgs/village/reports/trial-balance"' in html
    assert officer.get("/orgs/village").status_code == 200
    assert officer.get("/orgs/village/reports/trial-balance").status_code == 200
    assert officer.get("/orgs/other").status_code == 404
    assert officer.get("/orgs/other/reports/trial-balance").status_code == 404
    assert officer.get("/regions?region=济南市/平阴县").status_code == 404
    assert officer.get("/regions?region=济南市").status_code == 404  # above its own region


def test_the_officer_narrows_to_a_town_and_reads_nothing_it_may_not_change(
    officer: Browser,
) -> None:
    town = officer.get("/regions?region=济南市/商河县/白桥镇/官王庙村&year=2026")
    html = town.get_data(as_text=True)
    assert 'id="region-org-village"' in html and 'id="region-org-coop"' not in html
    assert officer.get("/orgs/village/vouchers/new").status_code == 403
    assert 'id="nav-regions"' in html and 'id="nav-users"' not in html


def test_a_bad_year_is_shown_at_its_field(officer: Browser) -> None:
    page = officer.get("/regions?year=20x6")
    assert page.status_code == 422
    assert 'id="error-year"' in page.get_data(as_text=True)
    assert 'value="20x6"' in page.get_data(as_text=True)


def test_published_disclosures_of_the_villages_are_linked(officer: Browser, books: Books) -> None:
    _income(books)
    for month in ("2026-01", "2026-02", "2026-03"):
        assert books.post("acc", f"/api/v1/orgs/village/periods/{month}/close").status_code == 200
    published = books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"})
    assert published.status_code in (200, 201), published.json
    html = officer.get("/regions?year=2026").get_data(as_text=True)
    assert 'href="/public/village/disclosure?period=2026-Q1"' in html


def test_other_users_see_only_what_their_scope_allows(signed_in: Any) -> None:
    assert signed_in("hh1").get("/regions").status_code == 404
    stranger = signed_in("other-acc")  # keeps the books of 济南市/平阴县 only
    assert stranger.get("/regions?region=济南市/商河县").status_code == 404
    admin = signed_in("admin").get("/regions?region=济南市&year=2026").get_data(as_text=True)
    for code in ("coop", "village", "other"):
        assert f'id="region-org-{code}"' in admin


def test_the_report_prints(officer: Browser) -> None:
    html = officer.get("/regions?year=2026").get_data(as_text=True)
    assert 'id="region-pdf"' in html
    pdf = officer.get("/regions?region=济南市/商河县&year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")


def test_the_findings_read_grouped_and_drill_down_to_one_code(
    officer: Browser, books: Books
) -> None:
    books.posted(
        org="coop",
        date="2026-05-06",
        lines=[{"account": "523", "debit": "50.00"}, {"account": "101", "credit": "50.00"}],
    )
    html = officer.get("/regions?year=2026").get_data(as_text=True)
    table = html.split('id="region-finding-groups"')[1].split("</table>")[0]
    assert 'data-org="coop" data-code="cash_negative"' in table and "库存现金为负数" in table
    audit = officer.get("/orgs/coop/audit?year=2026&code=cash_negative").get_data(as_text=True)
    assert 'id="findings-filter"' in audit and 'id="finding-groups"' in audit
    rows = audit.split('id="findings"')[1].split("</table>")[0]
    assert rows.count("<tr class=") == 1 and 'data-code="cash_negative"' in rows


def test_the_audit_page_verifies_from_the_point_and_in_full_on_request(
    officer: Browser, books: Books
) -> None:
    books.posted(org="coop")
    first = officer.get("/orgs/coop/audit?year=2026").get_data(as_text=True)
    assert 'id="chain-scope"' in first and "已从第一张凭证起完整核验" in first
    again = officer.get("/orgs/coop/audit?year=2026").get_data(as_text=True)
    assert "张凭证之后继续核验" in again and 'id="chain-full"' in again
    full = officer.get("/orgs/coop/audit?year=2026&full=1").get_data(as_text=True)
    assert "已从第一张凭证起完整核验" in full and "哈希链完整" in full

"""The voucher list as a page of many: how many vouchers match the filters and their total (both
counted by the database, not from the page shown), the accounts each touches, and page numbers
with the current one marked."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest

from coopledger.web.pages import vouchers as voucher_pages
from tests.conftest import Books


def _sale(books: Books, amount: str, memo: str, date: str = "2026-03-10") -> None:
    books.voucher(
        date=date,
        memo=memo,
        lines=[{"account": "102", "debit": amount}, {"account": "501", "credit": amount}],
    )


@pytest.fixture
def five(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five vouchers of 1 to 5 yuan (15.00 in all) and two to a page."""
    monkeypatch.setattr(voucher_pages, "PAGE", 2)
    for n in range(1, 6):
        _sale(books, f"{n}.00", f"第{n}张")


def _page(signed_in: Any, query: str) -> str:
    response = signed_in("acc").get(f"/orgs/coop/vouchers{query}")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def test_the_list_counts_and_totals_every_match_not_just_the_page(
    five: None, signed_in: Any
) -> None:
    html = _page(signed_in, "")
    assert "共 5 张凭证，借方合计 = 贷方合计 ¥15.00；第 1 页，共 3 页" in html
    assert re.search(r'id="voucher-total">¥15.00<', html)
    assert "第1张" in html and "第2张" in html and "第3张" not in html
    assert "102 银行存款" in html and "501 经营收入" in html  # the accounts each voucher touches

    narrowed = _page(signed_in, "?q=第4")
    assert (
        "共 1 张凭证，借方合计 = 贷方合计 ¥4.00" in narrowed
        and 'id="voucher-pages"' not in narrowed
    )


def test_page_numbers_lead_to_every_page_and_mark_the_current_one(
    five: None, signed_in: Any
) -> None:
    html = _page(signed_in, "?page=2")
    assert "第3张" in html and "第4张" in html and "第2张" not in html
    pager = html[html.index('id="voucher-pages"') :]
    assert re.search(r'href="/orgs/coop/vouchers\?page=2" aria-current="page">2<', pager)
    for rel, n in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert f'href="/orgs/coop/vouchers?page={n}" rel="{rel}"' in pager
    assert pager.count('aria-current="page"') == 1

    last = _page(signed_in, "?page=999999")  # past the end: the last page
    assert "第5张" in last and 'rel="next"' not in last and "第 3 页，共 3 页" in last
    assert "第1张" in _page(signed_in, "?page=abc")


def test_the_filters_stay_in_the_page_links(five: None, books: Books, signed_in: Any) -> None:
    _sale(books, "7.00", "四月", date="2026-04-02")
    html = _page(signed_in, "?month=2026-03&status=draft&page=3")
    assert "共 5 张凭证" in html and "四月" not in html
    assert (
        'href="/orgs/coop/vouchers?status=draft&month=2026-03&page=1" rel="first"'
        in html.replace("&amp;", "&")
    )


def test_the_english_list_says_the_same(five: None, signed_in: Any) -> None:
    html = _page(signed_in, "?lang=en&page=3")
    assert "5 vouchers; debits = credits = ¥15.00; page 3 of 3" in html
    assert "共 5 张" not in html


def test_page_numbers_leave_out_the_far_ones() -> None:
    assert voucher_pages.page_numbers(1, 1) == [1]
    assert voucher_pages.page_numbers(1, 3) == [1, 2, 3]
    assert voucher_pages.page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert voucher_pages.page_numbers(20, 20) == [1, None, 18, 19, 20]

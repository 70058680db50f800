"""The voucher list as a page of many: how many vouchers match the filters and their total (both
counted by the database, not from the page shown), the accounts each touches, and page numbers
with the current one marked."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from sqlalchemy import Connection, text

from coopledger.services import auth
from coopledger.services import vouchers as svc
from coopledger.services.ports import VoucherFilter
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


COUNTED = re.compile(r"共 (\d+) 张凭证，借方合计 = 贷方合计 ¥([0-9,]+\.[0-9]{2})")


def _shown(html: str) -> tuple[int, int]:
    """The count and the debit total in fen that the list's heading shows."""
    found = COUNTED.search(html)
    assert found is not None
    return int(found[1]), int(found[2].replace(",", "").replace(".", ""))


def _summed(connection: Connection, where: str, **params: Any) -> tuple[int, int]:
    """The count of coop's vouchers ``where`` and their debit lines summed, straight from the
    tables."""
    found = (
        f"FROM voucher v JOIN organization o ON o.id = v.org_id WHERE o.code = 'coop' AND {where}"
    )
    count = connection.execute(text(f"SELECT count(*) {found}"), params).scalar_one()
    debit = connection.execute(
        text(
            "SELECT coalesce(sum(l.amount_fen), 0) FROM voucher_line l"
            f" WHERE l.side = 'D' AND l.voucher_id IN (SELECT v.id {found})"
        ),
        params,
    ).scalar_one()
    return int(count), int(debit)


@pytest.fixture
def mixed(books: Books) -> dict[str, int]:
    """Coop's books in every state over two months: posted vouchers (one reversed, by a posted
    red voucher of negative amounts), one reviewed, drafts; and the village's posted voucher,
    which no count of coop's may see. Returns the ids of coop's reviewed voucher and its
    member 1."""
    base = "/api/v1/orgs/coop/vouchers"
    first = books.posted(date="2026-03-05", memo="三月入股")
    books.posted(
        date="2026-03-12",
        memo="三月销售",
        lines=[
            {"account": "101", "debit": "120.50"},
            {"account": "102", "debit": "79.50"},
            {"account": "501", "credit": "200.00"},
        ],
    )
    books.posted(
        date="2026-04-02",
        memo="四月费用",
        lines=[{"account": "521", "debit": "33.33"}, {"account": "102", "credit": "33.33"}],
    )
    red = books.post("acc", f"{base}/{first['id']}/reverse", {"date": "2026-03-20"}).json
    assert books.post("rev", f"{base}/{red['id']}/review").status_code == 200
    assert books.post("acc", f"{base}/{red['id']}/post").status_code == 200
    reviewed = books.voucher(date="2026-04-08", memo="四月入股待记账")
    assert books.post("rev", f"{base}/{reviewed['id']}/review").status_code == 200
    books.voucher(date="2026-03-28", memo="三月草稿")
    books.voucher(
        date="2026-04-15",
        memo="四月草稿",
        lines=[{"account": "101", "debit": "0.07"}, {"account": "501", "credit": "0.07"}],
    )
    books.posted(org="village", date="2026-03-05", memo="三月入股")
    with books.uow() as w:
        member = w.store.members_by_no(w.store.org_by_code("coop").id, {"1"})["1"]
    return {"reviewed": reviewed["id"], "member": member}


PAGE_FILTERS = [
    ("", "TRUE", {}),
    ("?status=posted", "v.status = 'posted'", {}),
    ("?status=reviewed", "v.status = 'reviewed'", {}),
    ("?status=draft", "v.status = 'draft'", {}),
    ("?month=2026-03", "v.year = 2026 AND v.month = 3", {}),
    ("?month=2026-04&status=posted", "v.year = 2026 AND v.month = 4 AND v.status = 'posted'", {}),
    ("?month=2026-04&status=draft", "v.year = 2026 AND v.month = 4 AND v.status = 'draft'", {}),
    ("?month=2026-05", "v.year = 2026 AND v.month = 5", {}),
    ("?q=入股", "v.memo LIKE :like", {"like": "%入股%"}),
    ("?q=三月&status=posted", "v.memo LIKE :like AND v.status = 'posted'", {"like": "%三月%"}),
]


@pytest.mark.parametrize(("query", "where", "params"), PAGE_FILTERS)
def test_the_count_and_total_are_those_of_the_lines(
    mixed: dict[str, int],
    signed_in: Any,
    connection: Connection,
    query: str,
    where: str,
    params: dict[str, Any],
) -> None:
    shown = _shown(_page(signed_in, query))
    assert shown == _summed(connection, where, **params)


def test_the_totals_under_filters_the_page_does_not_offer_are_the_lines_too(
    mixed: dict[str, int], books: Books, connection: Connection
) -> None:
    actor = auth.actor_named(books.uow(), "acc")
    on_account = (
        "EXISTS (SELECT 1 FROM voucher_line x JOIN account a ON a.id = x.account_id"
        " WHERE x.voucher_id = v.id AND a.code LIKE :code)"
    )
    by_member = (
        "EXISTS (SELECT 1 FROM voucher_line x WHERE x.voucher_id = v.id AND x.member_id = :m)"
    )
    cases = [
        (VoucherFilter(account="102"), on_account, {"code": "102%"}),
        (VoucherFilter(account="5", status="posted"), on_account, {"code": "5%"}),
        (VoucherFilter(member_id=mixed["member"]), by_member, {"m": mixed["member"]}),
        (VoucherFilter(year=2026), "v.year = 2026", {}),
        (VoucherFilter(month=3, status="posted"), "v.month = 3 AND v.status = 'posted'", {}),
    ]
    for flt, where, params in cases:
        found = svc.voucher_page(books.uow(), actor, "coop", flt, 1, 50)
        status = f" AND v.status = '{flt.status}'" if flt.status else ""
        assert (found.count, found.debit_fen) == _summed(connection, where + status, **params)
        assert found.count == len(found.vouchers)


def test_a_text_search_stops_counting_at_the_cap_and_says_so(
    five: None, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that finds more than the cap lists the first ones, in order, and shows the count
    as the cap with a "+", without a total; one that finds fewer counts and totals them all."""
    monkeypatch.setattr(svc, "SEARCH_CAP", 3)
    html = _page(signed_in, "?q=张")
    assert "共 3+ 张凭证，只列出前 3 张；请输入更多文字缩小搜索范围" in html
    assert 'id="voucher-total"' not in html and "借方合计" not in html
    assert "第1张" in html and "第2张" in html and "第3张" not in html  # two a page
    second = _page(signed_in, "?q=张&page=2")
    assert "第3张" in second and "第4张" not in second and 'rel="next"' not in second
    exact = _page(signed_in, "?q=第2")
    assert "共 1 张凭证，借方合计 = 贷方合计 ¥2.00" in exact and "+" not in exact.split("共")[1][:8]


def test_a_text_search_finds_a_line_memo(books: Books, signed_in: Any) -> None:
    """The text is looked for in the vouchers' memos and in their lines' memos."""
    books.voucher(
        date="2026-03-10",
        memo="销售",
        lines=[
            {"account": "102", "debit": "8.00", "memo": "大蒜货款"},
            {"account": "501", "credit": "8.00"},
        ],
    )
    _sale(books, "1.00", "别的")
    html = _page(signed_in, "?q=大蒜")
    assert "共 1 张凭证，借方合计 = 贷方合计 ¥8.00" in html


def test_a_capped_search_keeps_an_earlier_voucher_found_by_a_line_memo(
    books: Books, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the vouchers' own memos fill the cap, a voucher before them found by a line's memo
    alone is still listed first."""
    monkeypatch.setattr(svc, "SEARCH_CAP", 2)
    books.voucher(
        date="2026-03-01",
        memo="早一张",
        lines=[
            {"account": "102", "debit": "8.00", "memo": "化肥款"},
            {"account": "501", "credit": "8.00"},
        ],
    )
    for n in range(3):
        _sale(books, "1.00", f"化肥第{n}批", date="2026-03-02")
    html = _page(signed_in, "?q=化肥")
    assert "共 2+ 张凭证" in html
    assert "早一张" in html and "化肥第0批" in html and "化肥第1批" not in html

"""Voucher entry as an accountant types it, through the test client: accounts found by name or
pinyin initials, amounts with thousands separators (the form only; the API keeps refusing
them), an unbalanced voucher naming the line, a closed month refused at the date field, a label
on every grid input, a skip link, the current menu item marked, confirmations asked for."""

from __future__ import annotations

import re
from typing import Any

from coopledger.web.pages.vouchers import initials
from tests.builders import closed_year
from tests.conftest import Books
from tests.web.conftest import THREE_LINES


def _saved(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_pinyin_initials_are_computed_on_the_server() -> None:
    assert initials("管理费用") == "glfy"
    assert initials("银行存款") == "yhck"  # 行 read in its word: háng
    assert initials("应付盈余返还") == "yfyyfh"


def test_the_form_ships_each_accounts_initials(signed_in: Any) -> None:
    html = signed_in("acc").get("/orgs/coop/vouchers/new").get_data(as_text=True)
    assert re.search(r'<option value="523"[^>]*data-initials="glfy"', html)
    assert "<script>" not in html and " style=" not in html  # nothing inline: the CSP allows none


def test_an_account_typed_by_name_or_initials_is_taken_when_unique(
    signed_in: Any, books: Books
) -> None:
    acc = signed_in("acc")
    typed = {**THREE_LINES, "lines-0-account": "银行存款", "lines-1-account": "gj"}
    voucher_id = _saved(acc.post("/orgs/coop/vouchers/new", typed))
    lines = books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher_id}").json["lines"]
    assert [ln["account"] for ln in lines] == ["102", "301", "301"]
    # a name that is no account's stays as typed, refused by name at its field
    unknown = acc.post("/orgs/coop/vouchers/new", {**THREE_LINES, "lines-0-account": "银行"})
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and 'data-for="lines.0.account"' in html
    assert "没有科目 银行" in html


def test_amounts_with_thousands_separators_are_read_in_the_form_only(
    signed_in: Any, books: Books
) -> None:
    acc = signed_in("acc")
    typed = {
        **THREE_LINES,
        "lines-0-debit": "8,000.00",
        "lines-1-credit": "7,500",
        "lines-2-credit": "500.00",
    }
    voucher_id = _saved(acc.post("/orgs/coop/vouchers/new", typed))
    lines = books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher_id}").json["lines"]
    assert lines[0]["debit"] == "8000.00" and lines[1]["credit"] == "7500.00"
    api = books.post(
        "acc",
        "/api/v1/orgs/coop/vouchers",
        {
            "date": "2026-03-10",
            "memo": "x",
            "lines": [
                {"account": "102", "debit": "8,000.00"},
                {"account": "301", "member": "1", "credit": "8000.00"},
            ],
        },
    )
    assert api.status_code == 422


def test_an_unbalanced_voucher_names_the_line_that_explains_it(signed_in: Any) -> None:
    acc = signed_in("acc")
    # line 3 on the wrong side: debit 1,500 + 500 against credit 1,000
    wrong = {**THREE_LINES, "lines-2-credit": "", "lines-2-debit": "500"}
    html = acc.post("/orgs/coop/vouchers/new", wrong).get_data(as_text=True)
    assert "借贷不平衡，差额 1,000.00：可能是第 3 行记反了方向（借贷各 500.00）。" in html
    missing = {**THREE_LINES, "lines-2-credit": "400"}  # no single line explains 100
    html = acc.post("/orgs/coop/vouchers/new", missing).get_data(as_text=True)
    assert "借贷不平衡" in html and "行记反了方向（" not in html
    english = acc.post("/orgs/coop/vouchers/new?lang=en", wrong).get_data(as_text=True)
    assert "line 3 is likely on the wrong side" in english


def test_a_date_in_a_closed_month_is_refused_at_the_date_field(
    signed_in: Any, books: Books
) -> None:
    closed_year(books)
    acc = signed_in("acc")
    response = acc.post("/orgs/coop/vouchers/new", {**THREE_LINES, "date": "2025-06-30"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'data-for="date">2025-06 已结账，不能再记入凭证', html)
    assert 'value="2025-06-30"' in html and 'name="lines-1-credit" value="1000"' in html
    assert 'aria-invalid="true"' in html


def test_every_grid_input_has_a_label_and_the_page_a_skip_link(signed_in: Any) -> None:
    html = signed_in("acc").get("/orgs/coop/vouchers/new").get_data(as_text=True)
    grid = html[html.index('<table class="grid lines"') : html.index("</table>")]
    inputs = re.findall(r"<input [^>]*>", grid)
    assert len(inputs) == 24  # four rows of six cells
    assert all('aria-label="第 ' in i for i in inputs), [i for i in inputs if "aria-label" not in i]
    assert 'aria-label="第 2 行 贷方金额"' in grid
    assert 'href="#main"' in html and '<main id="main"' in html
    assert re.search(r'<a href="/orgs/coop/vouchers/new" aria-current="page"', html)
    assert html.count('aria-current="page"') == 1
    listing = signed_in("acc").get("/orgs/coop/vouchers").get_data(as_text=True)
    assert re.search(r'<a href="/orgs/coop/vouchers" aria-current="page"', listing)


def test_reversal_and_deletion_ask_first(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    draft = books.voucher()
    html = acc.get(f"/orgs/coop/vouchers/{draft['id']}").get_data(as_text=True)
    assert 'data-confirm="删除这张草稿凭证？删除后不能恢复。"' in html
    posted = books.posted()
    html = acc.get(f"/orgs/coop/vouchers/{posted['id']}").get_data(as_text=True)
    assert re.search(r'class="inline reverse" data-confirm="红字冲销这张凭证？', html)

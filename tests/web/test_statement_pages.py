"""The statutory statements and the registers' reports on screen: each page shows, line by line,
the figures the JSON API gives for the same date or year (both come from one print context); a
role that may not read the books is refused; a bad date or year is shown in place, in words."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

from pypdf import PdfReader

from tests.builders import FUND, closed_year, cold_store, receive_grant, review_and_post, text_of
from tests.conftest import Books

ROW_RE = re.compile(r"<tr\b([^>]*)>(.*?)</tr>", re.S)
CELL_RE = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def grouped(api_amount: str | None) -> str:
    """The API's "112000.00" as a statement shows it: "112,000.00"; blank for none."""
    return "" if api_amount is None else f"{Decimal(api_amount):,.2f}"


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The cells' text of each body row of table ``table_id`` (padding rows left out)."""
    found = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert found, f"no table {table_id}"
    body = found.group(1).split("<tbody>", 1)[1]
    rows = []
    for attrs, inner in ROW_RE.findall(body):
        if 'class="pad"' in attrs:
            continue
        rows.append(
            [TAG_RE.sub("", c).replace("&nbsp;", "").strip() for c in CELL_RE.findall(inner)]
        )
    return rows


def test_the_balance_sheet_shows_the_apis_figures_line_by_line(
    signed_in: Any, books: Books
) -> None:
    closed_year(books)
    api = books.get("acc", "/api/v1/orgs/coop/reports/balance-sheet?as_of=2025-12-31").json
    response = signed_in("acc").get("/orgs/coop/reports/balance-sheet?date=2025-12-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = table_rows(html, "sheet-assets") + table_rows(html, "sheet-equities")
    expected = [
        [
            ln["name"],
            "" if ln["row"] is None else str(ln["row"]),
            *(["", ""] if ln["heading"] else [grouped(ln["current"]), grouped(ln["prior"])]),
        ]
        for ln in api["lines"]
    ]
    assert shown == expected
    # the figures a reader looks for: cash, capital, the grand totals (行次 as on the form)
    cash = next(r for r in shown if r[0] == "货币资金")
    assert cash[1:] == ["1", "112,000.00", "0.00"]
    assert ["负债和所有者权益总计", "42", "112,000.00", "0.00"] in shown
    assert "会农社01表" in html and "2025年12月31日" in html and "期末余额" in html
    assert 'id="statement-pdf"' in html and "date=2025-12-31" in html and "format=pdf" in html


def test_the_balance_sheet_opens_at_the_last_closed_year_end(signed_in: Any, books: Books) -> None:
    closed_year(books)
    html = signed_in("aud").get("/orgs/coop/reports/balance-sheet").get_data(as_text=True)
    assert 'value="2025-12-31"' in html and "2025年12月31日" in html


def test_the_surplus_statement_shows_the_apis_figures(signed_in: Any, books: Books) -> None:
    closed_year(books)
    api = books.get("acc", "/api/v1/orgs/coop/reports/surplus?year=2025").json
    acc = signed_in("acc")
    html = acc.get("/orgs/coop/reports/surplus?year=2025").get_data(as_text=True)
    expected = [
        [
            ln["name"],
            *(["", ""] if ln["heading"] else [grouped(ln["current"]), grouped(ln["prior"])]),
        ]
        for ln in api["lines"]
    ]
    shown = table_rows(html, "surplus-statement")
    assert shown == expected
    assert ["一、经营收入", "100,000.00", "0.00"] in shown
    assert ["四、本年盈余", "100,000.00", "0.00"] in shown
    assert "会农社02表" in html and "2025年度" in html
    # no year asked: the last year closed
    assert 'value="2025"' in acc.get("/orgs/coop/reports/surplus").get_data(as_text=True)


def test_the_members_equity_statement_shows_the_apis_figures(signed_in: Any, books: Books) -> None:
    closed_year(books)
    api = books.get("acc", "/api/v1/orgs/coop/reports/members-equity?year=2025").json
    html = (
        signed_in("acc").get("/orgs/coop/reports/members-equity?year=2025").get_data(as_text=True)
    )
    shown = table_rows(html, "members-equity")
    columns = [c["key"] for c in api["columns"]]
    assert len(shown) == len(api["rows"])
    for row, printed in zip(api["rows"], shown, strict=True):
        cells = row["cells"]
        assert printed[0] == row["name"]
        assert printed[-1] == grouped(row["total"])
        for key, text in zip(columns, printed[1:-1], strict=True):
            # an item row leaves a column without movement blank, as the form does; a balance or
            # a section's total shows 0.00
            missing = None if row["kind"] in ("increase", "decrease") else "0.00"
            assert text == grouped(cells[key]["amount"] if key in cells else missing), (row, key)
    capital = next(r for r in shown if r[0] == "成员增加出资")
    assert capital[1] == "12,000.00" and capital[2] == ""
    assert "年末余额与账簿" in html and "一致" in html


def test_the_registers_reports_show_the_apis_figures(signed_in: Any, books: Books) -> None:
    receive_grant(books)
    assert books.post("acc", "/api/v1/orgs/coop/assets", cold_store()).status_code == 201
    acc = signed_in("acc")
    assets = books.get("acc", "/api/v1/orgs/coop/reports/asset-register").json
    html = acc.get("/orgs/coop/reports/asset-register").get_data(as_text=True)
    card = next(r for r in table_rows(html, "asset-register") if r[0] == "GB-01")
    line = assets["assets"][0]
    assert card[1] == "大蒜示范基地冷库"
    assert card[6:9] == [
        grouped(line["cost"]),
        grouped(line["accumulated_depreciation"]),
        grouped(line["net_book_value"]),
    ]
    assert card[6] == "250,000.00"
    total = table_rows(html, "asset-register")[-1]
    assert total[1] == grouped(assets["totals"]["cost"])

    funds = books.get("acc", "/api/v1/orgs/coop/reports/fund-usage").json
    html = acc.get("/orgs/coop/reports/fund-usage").get_data(as_text=True)
    row = next(r for r in table_rows(html, "fund-usage") if r[0] == FUND)
    fund = next(f for f in funds["funds"] if f["code"] == FUND)
    assert row[4:10] == [
        grouped(fund[k])
        for k in ("granted", "received", "spent", "balance", "special_fund", "quantified")
    ]
    assert row[5] == "300,000.00"


def test_the_registers_reports_are_drawn_for_any_day(signed_in: Any, books: Books) -> None:
    """The grant arrives on 10 February, the cold store is bought on 15 March and depreciated
    for April and May: each day's register shows the books as they stood that day."""
    receive_grant(books)
    made = books.post("acc", "/api/v1/orgs/coop/assets", cold_store()).json
    review_and_post(books, made["vouchers"]["acquisition"])
    run = books.post("acc", "/api/v1/orgs/coop/depreciation", {"through": "2026-05"}).json
    for v in run["vouchers"]:
        review_and_post(books, v["id"])
    api = "/api/v1/orgs/coop/reports"

    def register(day: str) -> dict[str, Any]:
        return books.get("acc", f"{api}/asset-register?as_of={day}").json  # type: ignore[no-any-return]

    def usage(day: str) -> dict[str, Any]:
        body = books.get("acc", f"{api}/fund-usage?as_of={day}").json
        return next(f for f in body["funds"] if f["code"] == FUND)  # type: ignore[no-any-return]

    assert register("2026-03-01")["assets"] == []
    april = register("2026-04-30")
    assert april["assets"][0]["accumulated_depreciation"] == "2000.00" and april["ties"] is True
    assert register("2026-06-30")["assets"][0]["accumulated_depreciation"] == "4000.00"
    assert (usage("2026-02-01")["received"], usage("2026-02-28")["received"]) == (
        "0.00",
        "300000.00",
    )
    assert (usage("2026-02-28")["spent"], usage("2026-03-31")["spent"]) == ("0.00", "200000.00")
    assert usage("2026-02-28")["special_fund"] == "0.00"

    acc = signed_in("acc")
    html = acc.get("/orgs/coop/reports/asset-register?date=2026-04-30").get_data(as_text=True)
    assert 'value="2026-04-30"' in html and "截至 2026-04-30" in html
    card = next(r for r in table_rows(html, "asset-register") if r[0] == "GB-01")
    assert card[7] == "2,000.00"
    pdf = acc.get("/orgs/coop/reports/fund-usage?date=2026-02-28&format=pdf")
    assert pdf.mimetype == "application/pdf" and "截至2026-02-28" in text_of(pdf.data).replace(
        " ", ""
    )
    bad = acc.get("/orgs/coop/reports/fund-usage?date=2026-02-30")
    assert bad.status_code == 422 and 'id="statement-error"' in bad.get_data(as_text=True)


def test_the_statement_pdfs_come_from_the_pages(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    response = acc.get("/orgs/coop/reports/balance-sheet?date=2025-12-31&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = text_of(response.data)
    assert "资产负债表" in printed and "112,000.00" in printed
    # archival, as the API's: the figures the API answers travel inside the PDF
    figures = json.loads(PdfReader(io.BytesIO(response.data)).attachments["figures.json"][0])
    api = books.get("acc", "/api/v1/orgs/coop/reports/balance-sheet?as_of=2025-12-31").json
    assert figures["lines"] == api["lines"]
    surplus = acc.get("/orgs/coop/reports/surplus?year=2025&format=pdf")
    assert surplus.mimetype == "application/pdf" and "100,000.00" in text_of(surplus.data)
    equity = acc.get("/orgs/coop/reports/members-equity?year=2025&format=pdf")
    figures = json.loads(PdfReader(io.BytesIO(equity.data)).attachments["figures.json"][0])
    assert figures["rows"][-1]["total"] == "112000.00"


def test_the_reports_menu_lists_what_the_chart_has(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    dashboard = acc.get("/orgs/coop").get_data(as_text=True)
    assert 'id="nav-reports"' in dashboard and "/orgs/coop/reports" in dashboard
    coop = acc.get("/orgs/coop/reports").get_data(as_text=True)
    for expected in (
        "资产负债表",
        "盈余及盈余分配表",
        "成员权益变动表",
        "固定资产登记簿",
        "资金使用情况表",
        "科目余额表",
        "明细账",
    ):
        assert expected in coop, expected
    village = acc.get("/orgs/village/reports").get_data(as_text=True)
    assert "收益及收益分配表" in village and "资产负债表" in village
    assert "成员权益变动表" not in village and "盈余及盈余分配表" not in village
    refused = acc.get("/orgs/village/reports/members-equity?year=2025")
    assert refused.status_code == 404
    assert "本单位所用的会计制度没有这张报表。" in refused.get_data(as_text=True)
    english = acc.get("/orgs/coop/reports?lang=en").get_data(as_text=True)
    assert "Balance sheet" in english and "Statement of changes in members' equity" in english


STATEMENT_PAGES = [
    "/orgs/coop/reports",
    "/orgs/coop/reports/balance-sheet",
    "/orgs/coop/reports/surplus",
    "/orgs/coop/reports/members-equity",
    "/orgs/coop/reports/asset-register",
    "/orgs/coop/reports/fund-usage",
]


def test_a_household_is_refused_and_another_org_does_not_exist(signed_in: Any) -> None:
    household = signed_in("hh1")
    stranger = signed_in("other-acc")
    for path in STATEMENT_PAGES:
        assert household.get(path).status_code == 403, path
        assert household.get(path + "?format=pdf").status_code == 403, path
        assert stranger.get(path).status_code == 404, path


def test_a_bad_date_or_year_is_shown_in_place(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    cases = [
        ("balance-sheet?date=2025-13-45", "请填写日期，例如 2026-03-10", 'value="2025-13-45"'),
        ("balance-sheet?date=9999-01-01", "日期须在 1900-01-01 至 2199-12-31 之间", "9999-01-01"),
        ("balance-sheet?date=2010-06-30", "2010-06-30 及以前没有账簿记录", "2010-06-30"),
        ("surplus?year=1850", "年份须在 1900 至 2199 之间", 'value="1850"'),
        ("surplus?year=2010", "2010年没有账簿记录", 'value="2010"'),
        ("surplus?year=二〇二五", "请填写年份，例如 2025", 'value="二〇二五"'),
        ("members-equity?year=2199", "2199年没有账簿记录", 'value="2199"'),
        ("members-equity?year=²⁰²⁵", "请填写年份，例如 2025", "²⁰²⁵"),
    ]
    for query, message, kept in cases:
        response = acc.get(f"/orgs/coop/reports/{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, query
        assert response.mimetype == "text/html", query  # never a raw JSON answer
        assert message in html and kept in html, query
        assert 'data-for="' in html and 'id="statement-pdf"' not in html, query
    english = acc.get("/orgs/coop/reports/surplus?year=2010&lang=en").get_data(as_text=True)
    assert "no books" in english.lower()


def test_a_statement_page_in_english_keeps_the_forms_lines(signed_in: Any, books: Books) -> None:
    """The labels are English; the form's own lines and columns stay as printed (Chinese), as
    the English PDF keeps them."""
    closed_year(books)
    acc = signed_in("acc")
    html = acc.get("/orgs/coop/reports/balance-sheet?date=2025-12-31&lang=en").get_data(
        as_text=True
    )
    for expected in ("Balance sheet", "Line", "Unit: yuan", "Liabilities and owners' equity"):
        assert expected in html, expected
    assert "货币资金" in html and "期末余额" in html
    surplus = acc.get("/orgs/coop/reports/surplus?year=2025&lang=en").get_data(as_text=True)
    assert "Statement of surplus and its distribution" in surplus and "Item" in surplus

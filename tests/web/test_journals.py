"""现金日记账 and 银行存款日记账: the ledger of a cash or bank account totalled each day, and every
ledger's 本月合计 and 本年累计 — in the API, on the page and in the PDF."""

from __future__ import annotations

from typing import Any

from tests.builders import post, text_of
from tests.conftest import Books

LEDGER = "/api/v1/orgs/coop/ledger"


def cash_books(books: Books) -> None:
    """Cash sales of 500 and 300 on 1 February, 200 of expenses paid on 3 February, 50 more sold
    on 2 March; capital into the bank in January."""
    post(
        books, "2026-01-05", ("102", "debit", "10000.00", None), ("301", "credit", "10000.00", "1")
    )
    post(books, "2026-02-01", ("101", "debit", "500.00", None), ("501", "credit", "500.00", None))
    post(books, "2026-02-01", ("101", "debit", "300.00", None), ("501", "credit", "300.00", None))
    post(books, "2026-02-03", ("521", "debit", "200.00", None), ("101", "credit", "200.00", None))
    post(books, "2026-03-02", ("101", "debit", "50.00", None), ("501", "credit", "50.00", None))


def test_the_cash_journal_totals_each_day_month_and_year(books: Books) -> None:
    cash_books(books)
    body = books.get("aud", f"{LEDGER}?account=101&from=2026-02-02&to=2026-03-31").json
    assert body["book"] == "cash_journal" and body["opening"] == "800.00"
    got = [
        (ln["kind"], ln["date"], ln["debit"], ln["credit"], ln["balance"]) for ln in body["lines"]
    ]
    assert got == [
        ("entry", "2026-02-03", "0.00", "200.00", "600.00"),
        ("day", "2026-02-03", "0.00", "200.00", "600.00"),
        ("month", "2026-02", "0.00", "200.00", "600.00"),
        # 本年累计 counts 1 February's 800.00, before the range shown
        ("year", "2026-02", "800.00", "200.00", "600.00"),
        ("entry", "2026-03-02", "50.00", "0.00", "650.00"),
        ("day", "2026-03-02", "50.00", "0.00", "650.00"),
        ("month", "2026-03", "50.00", "0.00", "650.00"),
        ("year", "2026-03", "850.00", "200.00", "650.00"),
    ]
    assert [ln["memo"] for ln in body["lines"] if ln["kind"] != "entry"][:3] == [
        "本日合计",
        "本月合计",
        "本年累计",
    ]
    assert len(body["rows"]) == 2  # the entries alone, as before


def test_the_bank_journal_and_an_ordinary_ledger(books: Books) -> None:
    cash_books(books)
    bank = books.get("aud", f"{LEDGER}?account=102&from=2026-01-01&to=2026-03-31").json
    assert bank["book"] == "bank_journal"
    assert [ln["kind"] for ln in bank["lines"]] == ["entry", "day", "month", "year"]
    sales = books.get("aud", f"{LEDGER}?account=501&from=2026-01-01&to=2026-03-31").json
    assert sales["book"] == "ledger"
    assert "day" not in {ln["kind"] for ln in sales["lines"]}
    assert [ln["credit"] for ln in sales["lines"] if ln["kind"] == "year"] == ["800.00", "850.00"]


def test_the_page_and_the_pdf_are_the_journal(books: Books, signed_in: Any) -> None:
    cash_books(books)
    acc = signed_in("acc")
    html = acc.get("/orgs/coop/reports/ledger?account=101&from=2026-01-01&to=2026-12-31")
    page = html.get_data(as_text=True)
    assert "<h1>现金日记账 101" in page
    assert page.count('class="subtotal day"') == 3 and page.count('class="subtotal year"') == 2
    pdf = books.get("aud", f"{LEDGER}?account=101&from=2026-01-01&to=2026-12-31&format=pdf")
    printed = text_of(pdf.data).replace(" ", "")
    assert "现金日记账" in printed and "本日合计" in printed and "本年累计" in printed
    english = books.get(
        "aud", f"{LEDGER}?account=102&format=pdf&lang=en&from=2026-01-01&to=2026-12-31"
    )
    assert "Bankjournal" in text_of(english.data).replace(" ", "")


def test_a_long_book_is_paged_carrying_its_balance_forward(
    books: Books, signed_in: Any, monkeypatch: Any
) -> None:
    """Three lines a page: the first page ends 过次页 with its last balance, the second begins
    承前页 with the same balance; the pager marks the current page."""
    from coopledger.web.pages import reports as report_pages

    monkeypatch.setattr(report_pages, "LEDGER_PAGE", 3)
    cash_books(books)
    acc = signed_in("acc")
    url = "/orgs/coop/reports/ledger?account=101&from=2026-01-01&to=2026-12-31"
    first = acc.get(url).get_data(as_text=True)
    assert "过次页" in first and "承前页" not in first
    assert 'id="ledger-pages"' in first and 'aria-current="page">1<' in first
    second = acc.get(url + "&page=2").get_data(as_text=True)
    assert "承前页" in second and "期初余额" not in second
    carried = first.split("过次页")[1].split("</tr>")[0]
    brought = second.split("承前页")[1].split("</tr>")[0]
    assert carried == brought and "800.00" in carried  # 1 February's two sales, 500 + 300
    beyond = acc.get(url + "&page=999").get_data(as_text=True)
    assert "过次页" not in beyond  # the last page


def test_a_page_far_in_brings_forward_the_balance_of_every_earlier_line(
    books: Books, signed_in: Any, monkeypatch: Any
) -> None:
    """The page reads only its own days' entries: what each page brings forward (承前页) and
    carries (过次页) is the balance computed from all the earlier lines, the API's."""
    from coopledger.web.pages import reports as report_pages

    monkeypatch.setattr(report_pages, "LEDGER_PAGE", 2)
    cash_books(books)
    post(books, "2026-03-02", ("101", "debit", "7.00", None), ("501", "credit", "7.00", None))
    post(books, "2026-04-01", ("521", "debit", "9.00", None), ("101", "credit", "9.00", None))
    query = "account=101&from=2026-02-02&to=2026-12-31"
    whole = books.get("aud", f"{LEDGER}?{query}").json["lines"]
    acc = signed_in("acc")
    pages = -(-len(whole) // 2)
    for page in range(2, pages + 1):
        html = acc.get(f"/orgs/coop/reports/ledger?{query}&page={page}").get_data(as_text=True)
        brought = html.split("承前页")[1].split("</tr>")[0]
        assert whole[(page - 1) * 2 - 1]["balance"] in brought, page
        if page < pages:
            carried = html.split("过次页")[1].split("</tr>")[0]
            assert whole[page * 2 - 1]["balance"] in carried, page

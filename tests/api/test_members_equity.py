"""成员权益变动表 (会农社03表) on the API: JSON whose cells name their vouchers, the closing row
checked against the ledger, and the printable PDF."""

from __future__ import annotations

from tests.builders import approved_and_posted, closed_year, post, text_of
from tests.conftest import Books

EQUITY = "/api/v1/orgs/coop/reports/members-equity"


def row(body: dict, key: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in body["rows"] if r["key"] == key)


def test_the_years_movements_by_source_tie_to_the_ledger(books: Books) -> None:
    closed_year(books)  # 2025: capital 12,000; surplus 100,000 carried into 本年盈余
    approved_and_posted(books)  # 2026-01-20: the 2025 plan — reserve, patronage, residual
    post(
        books,
        "2026-02-01",
        ("102", "debit", "1200.00", None),
        ("301", "credit", "1000.00", "1"),
        ("321", "credit", "200.00", None),
    )
    response = books.get("aud", f"{EQUITY}?year=2026")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["form"] == "会农社03表" and body["ties"] is True
    assert [c["name"] for c in body["columns"]] == [
        "股金",
        "专项基金",
        "资本公积",
        "盈余公积",
        "未分配盈余",
    ]
    opening = row(body, "opening")["cells"]
    assert opening["capital"]["amount"] == "12000.00"
    assert opening["undistributed"]["amount"] == "100000.00"
    contributed = row(body, "capital_contributed")["cells"]["capital"]
    assert contributed["amount"] == "1000.00" and len(contributed["vouchers"]) == 1
    assert row(body, "share_premium")["cells"]["capital_reserve"]["amount"] == "200.00"
    reserve = row(body, "reserve_appropriated")["cells"]["surplus_reserve"]["amount"]
    assert row(body, "to_reserve")["cells"]["undistributed"]["amount"] == reserve
    # every column's closing figure is the ledger's balance of its accounts
    for column in body["columns"]:
        assert row(body, "closing")["cells"][column["key"]]["amount"] == column["ledger_closing"]
    ledger_capital = books.get(
        "aud", "/api/v1/orgs/coop/ledger?account=301&from=2026-01-01&to=2026-12-31"
    ).json["closing"]
    assert row(body, "closing")["cells"]["capital"]["amount"] == ledger_capital.lstrip("-")


def test_the_pdf_prints_the_form_and_says_it_ties(books: Books) -> None:
    post(books, "2026-03-01", ("102", "debit", "5000.00", None), ("301", "credit", "5000.00", "1"))
    response = books.get("acc", f"{EQUITY}?year=2026&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    for expected in (
        "成员权益变动表",
        "会农社03表",
        "2026年度",
        "成员增加出资5,000.00",
        "年末余额与账簿",
        "一致",
        "生成时间",
    ):
        assert expected in text, expected


def test_a_village_has_no_such_form_and_others_see_nothing(books: Books) -> None:
    village = books.get("acc", "/api/v1/orgs/village/reports/members-equity?year=2026")
    assert village.status_code == 409 and village.json["code"] == "no_statement_definition"
    assert books.get("other-acc", f"{EQUITY}?year=2026").status_code == 404
    missing = books.get("acc", EQUITY)
    assert missing.status_code == 422 and "year" in missing.json["errors"]


def test_a_year_not_yet_closed_agrees_with_the_balance_sheet(books: Books) -> None:
    """Before the year-end close the year's income and expense are in 未分配盈余 on both forms,
    shown as the year's 本年盈余."""
    post(books, "2026-03-01", ("102", "debit", "900.00", None), ("501", "credit", "900.00", None))
    post(books, "2026-03-02", ("523", "debit", "250.00", None), ("102", "credit", "250.00", None))
    body = books.get("aud", f"{EQUITY}?year=2026").json
    assert body["ties"] is True
    assert row(body, "surplus_of_year")["cells"]["undistributed"]["amount"] == "650.00"
    sheet = books.get("aud", "/api/v1/orgs/coop/reports/balance-sheet?as_of=2026-12-31").json
    undistributed = next(ln for ln in sheet["lines"] if ln["key"] == "undistributed")
    assert row(body, "closing")["cells"]["undistributed"]["amount"] == undistributed["current"]

"""在建工程 on the pages: a project opened, spent on and completed, each after confirming; the
list with its totals, the project with its spending and vouchers; an auditor sees but may not
act, a household user is not let in."""

from __future__ import annotations

from typing import Any

from tests.builders import receive_grant, review_and_post
from tests.conftest import Books
from tests.web.test_statement_pages import table_rows

PAGE = "/orgs/coop/construction"
API = "/api/v1/orgs/coop/construction"
PROJECT = {
    "project_no": "CP-01",
    "name": "肉牛养殖牛舍",
    "fund": "muni-2026",
    "class": "operating",
    "poverty_project": "1",
    "started_on": "2026-03-01",
}


def test_a_project_is_opened_spent_on_and_completed_after_confirming(
    books: Books, signed_in: Any
) -> None:
    receive_grant(books)
    b = signed_in("acc")
    assert "nav-construction" in b.get("/orgs/coop/assets").get_data(as_text=True)
    asked = b.post(PAGE, PROJECT)
    assert asked.status_code == 200 and "请确认" in asked.get_data(as_text=True)
    assert books.get("aud", API).json["items"] == []
    done = b.post(PAGE, {**PROJECT, "confirmed": "1"})
    assert done.status_code == 302, done.get_data(as_text=True)

    page = f"{PAGE}/CP-01"
    spend = {"form": "spend", "date": "2026-03-20", "amount": "120000.00"}
    asked = b.post(page, spend)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "请确认" in text and "专项应付款转入专项基金" in text
    assert b.post(page, {**spend, "confirmed": "1"}).status_code == 302
    over = b.post(page, {**spend, "amount": "180000.01", "confirmed": "1"})
    refused = over.get_data(as_text=True)
    assert over.status_code == 422 and 'data-for="amount"' in refused
    assert "超过该资金尚可使用的余额（180000.00 元）" in refused
    project = books.get("aud", f"{API}/CP-01").json
    assert project["total"] == "120000.00"
    review_and_post(books, project["spending"][0]["voucher"])

    html = b.get(PAGE).get_data(as_text=True)
    assert "肉牛养殖牛舍" in html and "120,000.00" in html and 'id="construction-totals"' in html
    html = b.get(page).get_data(as_text=True)
    assert f"#{project['spending'][0]['voucher']}" in html and "已记账" in html
    # the fund usage report shows it as 在建 (the column after 已量化到成员)
    usage = b.get("/orgs/coop/reports/fund-usage").get_data(as_text=True)
    row = next(r for r in table_rows(usage, "fund-usage") if r[0] == "muni-2026")
    assert (row[8], row[10]) == ("120,000.00", "120,000.00")

    complete = {
        "form": "complete",
        "date": "2026-04-30",
        "asset_no": "NS-01",
        "use": "production",
        "useful_life_months": "240",
        "salvage": "0",
    }
    asked = b.post(page, complete)
    assert asked.status_code == 200 and "请确认" in asked.get_data(as_text=True)
    assert b.post(page, {**complete, "confirmed": "1"}).status_code == 302
    project = books.get("aud", f"{API}/CP-01").json
    assert (project["status"], project["asset_no"]) == ("completed", "NS-01")
    html = b.get(page).get_data(as_text=True)
    assert 'id="project-asset"' in html and 'id="spend-form"' not in html


def test_an_auditor_reads_and_a_household_is_not_let_in(books: Books, signed_in: Any) -> None:
    assert books.post("acc", API, {**PROJECT, "poverty_project": True}).status_code == 201
    auditor = signed_in("aud")
    html = auditor.get(f"{PAGE}/CP-01").get_data(as_text=True)
    assert "肉牛养殖牛舍" in html and 'id="spend-form"' not in html
    assert 'id="project-form"' not in auditor.get(PAGE).get_data(as_text=True)
    refused = auditor.post(f"{PAGE}/CP-01", {"form": "spend", "date": "2026-03-20", "amount": "1"})
    assert refused.status_code == 403
    assert auditor.get(f"{PAGE}/CP-99").status_code == 404
    household = signed_in("hh1")
    assert household.get(PAGE).status_code in (403, 404)


def test_a_bad_number_is_refused_in_place(books: Books, signed_in: Any) -> None:
    b = signed_in("acc")
    bad = b.post(PAGE, {**PROJECT, "project_no": "牛舍 1", "confirmed": "1"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-for="project_no"' in html
    assert books.get("aud", API).json["items"] == []

"""The 集体股 on the pages: the village's quantify form keeps a part for the collective after
confirming, and the 成员名册和份额登记簿 page lists the households' 成员股 and the 集体股, with its
PDF; a cooperative is sent to its share register."""

from __future__ import annotations

from typing import Any

from tests.api.test_collective_shares import operating_fund, quantify_event
from tests.builders import post_ok
from tests.conftest import Books

FUND_PAGE = "/orgs/village/funds/jt"
ROLL = "/orgs/village/shares/roll"


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_a_village_keeps_集体股_on_the_quantify_form_and_the_roll_shows_it(
    signed_in: Any, books: Books
) -> None:
    operating_fund(books)
    b = signed_in("acc")
    assert 'id="quantify-collective_percent"' in _html(b.get(FUND_PAGE))
    typed = {
        "kind": "quantify_fiscal",
        "date": "2025-12-15",
        "basis": "all_members",
        "amount": "500000",
        "collective_percent": "20",
        "reason": "股份合作制改革",
    }
    refused = b.post(f"{FUND_PAGE}/quantify", {**typed, "collective_percent": "120"})
    assert refused.status_code == 422
    assert 'id="quantify-collective_percent"' in _html(refused)
    field = _html(refused).split('id="quantify-collective_percent"')[1].split("</label>")[0]
    assert "aria-invalid" in field
    ask = _html(b.post(f"{FUND_PAGE}/quantify", typed))
    assert 'id="confirm-quantify"' in ask
    assert "其中 100,000.00 元作为集体股由本集体经济组织持有，其余 400,000.00 元为成员股。" in ask
    done = b.post(f"{FUND_PAGE}/quantify", {**typed, "confirmed": "1"})
    assert done.status_code == 302, _html(done)

    assert 'id="share-roll-link"' in _html(b.get("/orgs/village/members"))
    page = b.get(f"{ROLL}?date=2025-12-31")
    assert page.status_code == 200
    html = _html(page)
    table = html.split('id="share-roll"')[1].split("</table>")[0]
    assert "王秀英" in table and "李建国" in table and "200,000.00" in table
    collective = table.split('id="collective-share"')[1].split("</tr>")[0]
    assert "100,000.00" in collective
    assert "成员股与集体股合计 500,000.00" in html
    pdf = b.get(f"{ROLL}?date=2025-12-31&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_a_cooperative_has_no_集体股_field_and_is_sent_to_its_share_register(
    signed_in: Any,
) -> None:
    b = signed_in("acc")
    fund = b.get("/orgs/coop/funds/muni-2026")
    assert fund.status_code == 200 and 'id="quantify-collective' not in _html(fund)
    assert 'id="share-roll-link"' not in _html(b.get("/orgs/coop/members"))
    sent = b.get("/orgs/coop/shares/roll")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/orgs/coop/members")


def test_the_plan_page_shows_the_集体股_part_kept_by_the_collective(
    signed_in: Any, books: Books
) -> None:
    operating_fund(books)
    api = "/api/v1/orgs/village"
    quantified = books.post("acc", f"{api}/shares/events", quantify_event(collective_percent="20"))
    assert quantified.status_code == 201, quantified.json
    post_ok(
        books,
        {
            "date": "2025-12-20",
            "memo": "仓库租金",
            "lines": [
                {"account": "102", "debit": "10000.00"},
                {"account": "501", "credit": "10000.00"},
            ],
        },
        "village",
    )
    assert books.post("acc", f"{api}/years/2025/close").status_code == 200
    plan = books.post("acc", f"{api}/distributions", {"year": 2025, "reserve_rate": "0.00"})
    assert plan.status_code == 201, plan.json
    html = _html(signed_in("acc").get(f"/orgs/village/distributions/{plan.json['id']}"))
    kept = html.split('id="plan-collective"')[1].split("</dd>")[0]
    assert "2,000.00" in kept and "8,000.00" in html

"""承包合同, 资源台账 and the 一事一议 备查簿 on the pages: a resource and a contract entered through
the forms, the fees charged and shown in arrears with the totals, a fee received, refusals beside
their field, the 备查簿 entered, changed and printed, and the cash limit on the admin page."""

from __future__ import annotations

import re
from typing import Any

from tests.builders import text_of

CONTRACTS = "/orgs/village/contracts"
RESOURCES = "/orgs/village/resources"
PROJECTS = "/orgs/village/village-projects"


def test_a_pond_is_contracted_charged_and_shown_in_arrears(signed_in: Any) -> None:
    b = signed_in("acc")
    made = b.post(
        RESOURCES,
        {"kind": "pond", "name": "东大塘", "location": "村东", "area": "12.5", "unit": "亩"},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    html = b.get(RESOURCES).get_data(as_text=True)
    assert "东大塘" in html and "未发包" in html
    resource = re.search(r'<option value="(\d+)">东大塘', b.get(CONTRACTS).get_data(as_text=True))
    assert resource
    added = b.post(
        CONTRACTS,
        {
            "form": "contract",
            "contract_no": "CB-1",
            "member": "1",
            "resource": resource.group(1),
            "area": "12.5",
            "unit": "亩",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
            "fee": "3000",
            "due": "01-15",
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    assert "已发包" in b.get(RESOURCES + "?on=2026-06-01").get_data(as_text=True)
    charged = b.post(CONTRACTS, {"form": "charge", "date": "2026-02-01"})
    assert charged.status_code == 302
    html = b.get(CONTRACTS + "?on=2026-06-30").get_data(as_text=True)
    assert "已确认到期承包费 1 笔，共 3,000.00 元" in html
    table = html.split('id="contracts"')[1].split("</table>")[0]
    assert 'data-arrears="1"' in table and "王秀英" in table and "2026-01-15" in table
    assert '<td class="num" id="contracts-overdue">3,000.00</td>' in table or "3000.00" in table
    again = b.post(CONTRACTS, {"form": "charge", "date": "2026-02-01"})
    assert again.status_code == 302
    assert "没有未确认的到期承包费" in b.get(CONTRACTS).get_data(as_text=True)
    paid = b.post(
        CONTRACTS,
        {
            "form": "receipt",
            "contract_no": "CB-1",
            "date": "2026-03-01",
            "amount": "3000",
            "via": "cash",
        },
    )
    assert paid.status_code == 302
    table = b.get(CONTRACTS + "?on=2026-06-30").get_data(as_text=True).split('id="contracts"')[1]
    assert 'data-arrears="1"' not in table.split("</table>")[0]
    link = re.search(r'href="(/orgs/village/contracts/CB-1\?on=[0-9-]+)"', table)
    assert link
    one = b.get(link.group(1)).get_data(as_text=True)
    schedule = one.split('id="contract-schedule"')[1].split("</table>")[0]
    assert schedule.count("<tr>") == 6 and "2030-01-15" in schedule and "未确认" in schedule
    assert "2026-03-01" in one.split('id="contract-receipts"')[1]
    owing = b.get("/orgs/village/contracts/CB-1?on=2026-02-15").get_data(as_text=True)
    assert "自 2026-01-15 起" in owing
    assert b.get("/orgs/village/contracts/NONE").status_code == 404


def test_a_refused_contract_keeps_what_was_typed(signed_in: Any) -> None:
    b = signed_in("acc")
    refused = b.post(
        CONTRACTS,
        {
            "form": "contract",
            "contract_no": "CB-2",
            "party": "外村张三",
            "subject": "北坡果园",
            "area": "0",
            "unit": "亩",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "fee": "800",
            "due": "06-01",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-for="area"' in html and 'value="北坡果园"' in html
    aud = signed_in("aud")
    assert aud.get(CONTRACTS).status_code == 200
    assert aud.post(CONTRACTS, {"form": "charge", "date": "2026-02-01"}).status_code == 403


def test_the_village_projects_book_is_kept_and_printed(signed_in: Any) -> None:
    b = signed_in("acc")
    made = b.post(
        PROJECTS,
        {
            "name": "村内道路硬化",
            "meeting_on": "2026-03-05",
            "decision": "每人筹资 15 元",
            "raised": "12000",
            "labour": "240",
            "subsidy": "50000",
            "spent": "",
            "status": "in_progress",
            "vouchers": "2026-03 记 7",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    html = b.get(PROJECTS).get_data(as_text=True)
    assert "村内道路硬化" in html and "实施中" in html
    edit = re.search(r'href="(/orgs/village/village-projects\?edit=\d+)"', html)
    assert edit
    form = b.get(edit.group(1)).get_data(as_text=True)
    assert 'value="12000.00"' in form
    pdf = b.get("/orgs/village/village-projects.pdf")
    assert pdf.status_code == 200
    assert "一事一议备查簿" in text_of(pdf.data).replace(" ", "")
    nav = b.get("/orgs/village/contracts").get_data(as_text=True)
    assert 'id="nav-contracts"' in nav and 'id="nav-village-projects"' in nav
    assert 'id="nav-village-projects"' not in b.get("/orgs/coop/contracts").get_data(as_text=True)


def test_the_cash_limit_is_set_on_the_admin_page(signed_in: Any) -> None:
    b = signed_in("admin")
    saved = b.post(
        "/admin/orgs",
        {
            "action": "update",
            "code": "village",
            "name": "官王庙村股份经济合作社",
            "cash_limit": "5000",
        },
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert "5,000.00" in saved.get_data(as_text=True) or "5000.00" in saved.get_data(as_text=True)
    bad = b.post(
        "/admin/orgs",
        {
            "action": "update",
            "code": "village",
            "name": "官王庙村股份经济合作社",
            "cash_limit": "abc",
        },
    )
    assert bad.status_code == 422

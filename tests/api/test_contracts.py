"""Contracts and resources over HTTP: the resources register, contracts with their fee schedule,
the fees due charged once (Dr 内部往来 or 应收款 / Cr 经营收入), fees received, arrears and their
audit finding, the cash limit's finding, and the 一事一议 备查簿."""

from __future__ import annotations

from typing import Any

from tests.builders import review_and_post
from tests.conftest import Books

VILLAGE = "/api/v1/orgs/village"
COOP = "/api/v1/orgs/coop"


def pond(books: Books) -> int:
    made = books.post(
        "acc",
        f"{VILLAGE}/resources",
        {"kind": "pond", "name": "东大塘", "location": "村东", "area": "12.5", "unit": "亩"},
    )
    assert made.status_code == 201, made.json
    return int(made.json["id"])


def contract(books: Books, **over: Any) -> Any:
    body = {
        "contract_no": "CB-2026-01",
        "member": "1",
        "subject": "鱼塘",
        "area": "12.5",
        "unit": "亩",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "yearly": {"amount": "3000.00", "month": 1, "day": 15},
        **over,
    }
    return books.post("acc", f"{VILLAGE}/contracts", body)


def lines(books: Books, voucher_id: int) -> list[tuple[Any, ...]]:
    voucher = books.get("acc", f"{VILLAGE}/vouchers/{voucher_id}").json
    return [(ln["account"], ln.get("member"), ln["debit"], ln["credit"]) for ln in voucher["lines"]]


def findings(books: Books, code: str, year: int = 2026) -> list[dict[str, Any]]:
    found = books.get("aud", f"{VILLAGE}/audit/findings", query_string={"year": year})
    assert found.status_code == 200, found.json
    return [f for f in found.json["items"] if f["code"] == code]


def test_a_contract_on_a_resource_makes_it_contracted_with_a_yearly_schedule(books: Books) -> None:
    resource = pond(books)
    made = contract(books, resource=resource)
    assert made.status_code == 201, made.json
    assert made.json["party"] == "王秀英" and made.json["resource_name"] == "东大塘"
    assert [(i["due_on"], i["amount"]) for i in made.json["instalments"]] == [
        ("2026-01-15", "3000.00"),
        ("2027-01-15", "3000.00"),
        ("2028-01-15", "3000.00"),
    ]
    assert made.json["fees"] == "9000.00" and made.json["overdue"] == "0.00"
    listed = books.get("aud", f"{VILLAGE}/resources", query_string={"on": "2026-06-01"}).json
    assert [(r["name"], r["status"], r["contracts"]) for r in listed["items"]] == [
        ("东大塘", "contracted", ["CB-2026-01"])
    ]
    after = books.get("aud", f"{VILLAGE}/resources", query_string={"on": "2029-01-01"}).json
    assert after["items"][0]["status"] == "free"


def test_fees_due_are_charged_once_to_the_member_and_outside_party(books: Books) -> None:
    assert contract(books).status_code == 201
    outside = contract(
        books,
        contract_no="CB-2026-02",
        member=None,
        party="鲁东果品有限公司",
        subject="北坡果园",
        area="30",
        instalments=[
            {"due_on": "2026-03-01", "amount": "5000.00"},
            {"due_on": "2026-09-01", "amount": "5000.00"},
        ],
        yearly=None,
    )
    assert outside.status_code == 201, outside.json
    first = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-03-31"})
    assert first.status_code == 201, first.json
    assert first.json["charged"] == 2 and first.json["amount"] == "8000.00"
    assert lines(books, first.json["voucher"]) == [
        ("113", "1", "3000.00", None),
        ("112", None, "5000.00", None),
        ("501", None, None, "8000.00"),
    ]
    again = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-03-31"})
    assert again.status_code == 200 and again.json["charged"] == 0 and again.json["voucher"] is None
    later = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-09-30"})
    assert later.json["charged"] == 1 and later.json["amount"] == "5000.00"


def test_a_deleted_charge_draft_leaves_its_instalments_to_charge_again(books: Books) -> None:
    contract(books)
    first = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-01"}).json
    assert books.delete("acc", f"{VILLAGE}/vouchers/{first['voucher']}").status_code in (200, 204)
    again = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-01"})
    assert again.status_code == 201 and again.json["charged"] == 1


def test_a_contract_in_arrears_raises_a_finding_until_it_is_paid(books: Books) -> None:
    contract(books)
    charged = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-01"}).json
    review_and_post(books, charged["voucher"], "village")
    (finding,) = findings(books, "contract_in_arrears")
    assert finding["severity"] == "medium"
    assert finding["objects"] == ["contract:CB-2026-01", "member:1"]
    assert "王秀英" in finding["message"] and "3000.00" in finding["message"]
    assert "2026-01-15" in finding["message"]
    arrears = books.get("aud", f"{VILLAGE}/contracts/arrears", query_string={"on": "2026-06-30"})
    assert [(c["contract_no"], c["overdue"]) for c in arrears.json["items"]] == [
        ("CB-2026-01", "3000.00")
    ]
    assert arrears.json["totals"]["overdue"] == "3000.00"

    part = books.post(
        "acc",
        f"{VILLAGE}/contracts/CB-2026-01/receipts",
        {"date": "2026-03-10", "amount": "1000.00", "via": "cash"},
    )
    assert part.status_code == 201, part.json
    assert lines(books, part.json["voucher"]) == [
        ("101", None, "1000.00", None),
        ("113", "1", None, "1000.00"),
    ]
    assert part.json["overdue"] == "2000.00"
    assert "2000.00" in findings(books, "contract_in_arrears")[0]["message"]
    rest = books.post(
        "acc",
        f"{VILLAGE}/contracts/CB-2026-01/receipts",
        {"date": "2026-03-20", "amount": "2000.00", "via": "bank"},
    )
    assert rest.status_code == 201 and rest.json["overdue"] == "0.00"
    assert findings(books, "contract_in_arrears") == []
    # arrears are counted on a day: before the second receipt the contract still owed
    before = books.get(
        "aud", f"{VILLAGE}/contracts/CB-2026-01", query_string={"on": "2026-03-15"}
    ).json
    assert before["overdue"] == "2000.00" and before["overdue_since"] == "2026-01-15"


def test_refusals_name_the_field_or_the_state(books: Books) -> None:
    bad = contract(books, area="0", ends_on="2025-12-31")
    assert bad.status_code == 422
    assert {"area", "ends_on"} <= set(bad.json["errors"])
    stranger = contract(books, member="99")
    assert stranger.status_code == 422 and "member" in stranger.json["errors"]
    no_schedule = contract(books, yearly=None)
    assert no_schedule.status_code == 422 and "instalments" in no_schedule.json["errors"]
    assert contract(books).status_code == 201
    assert contract(books).status_code == 409  # the number is taken
    too_much = books.post(
        "acc",
        f"{VILLAGE}/contracts/CB-2026-01/receipts",
        {"date": "2026-03-10", "amount": "1.00"},
    )
    assert too_much.status_code == 409 and too_much.json["code"] == "contract_overpaid"
    coop = books.post(
        "acc",
        f"{COOP}/contracts",
        {
            "contract_no": "X1",
            "party": "某人",
            "subject": "地",
            "area": "1",
            "unit": "亩",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "yearly": {"amount": "1.00", "month": 6, "day": 1},
        },
    )
    assert coop.status_code == 409 and coop.json["code"] == "no_contract_income"
    assert (
        books.post("aud", f"{VILLAGE}/contracts/charge", {"date": "2026-03-01"}).status_code == 403
    )
    assert books.get("other-acc", f"{VILLAGE}/contracts").status_code == 404


def test_cash_above_the_organization_limit_is_a_finding(books: Books) -> None:
    assert findings(books, "cash_over_limit") == []
    patched = books.client.patch(
        "/api/v1/orgs/village", json={"cash_limit": "500.00"}, headers=books.headers("admin")
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["cash_limit"] == "500.00"
    books.posted(
        org="village",
        date="2026-03-10",
        lines=[
            {"account": "101", "debit": "800.00"},
            {"account": "102", "credit": "800.00"},
        ],
        memo="提取备用金",
    )
    (finding,) = findings(books, "cash_over_limit")
    assert finding["objects"] == ["account:101"]
    assert "800.00" in finding["message"] and "500.00" in finding["message"]
    refused = books.client.patch(
        "/api/v1/orgs/village", json={"cash_limit": "-1"}, headers=books.headers("admin")
    )
    assert refused.status_code == 422
    cleared = books.client.patch(
        "/api/v1/orgs/village", json={"cash_limit": None}, headers=books.headers("admin")
    )
    assert cleared.status_code == 200 and cleared.json["cash_limit"] is None
    assert findings(books, "cash_over_limit") == []


def test_the_village_projects_register(books: Books) -> None:
    body = {
        "name": "村内道路硬化",
        "meeting_on": "2026-03-05",
        "decision": "每人筹资 15 元，每个劳动力筹劳 2 个工日",
        "raised": "12000.00",
        "labour": "240",
        "subsidy": "50000.00",
        "status": "in_progress",
        "vouchers": "2026-03 记 7",
    }
    made = books.post("acc", f"{VILLAGE}/village-projects", body)
    assert made.status_code == 201, made.json
    changed = books.put(
        "acc",
        f"{VILLAGE}/village-projects/{made.json['id']}",
        {**body, "spent": "60000.00", "status": "done"},
    )
    assert changed.status_code == 200 and changed.json["status"] == "done"
    listed = books.get("aud", f"{VILLAGE}/village-projects").json
    assert [(p["name"], p["spent"]) for p in listed["items"]] == [("村内道路硬化", "60000.00")]
    assert listed["totals"]["raised"] == "12000.00" and listed["totals"]["labour"] == "240"
    pdf = books.get("aud", f"{VILLAGE}/village-projects", query_string={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    coop = books.post("acc", f"{COOP}/village-projects", body)
    assert coop.status_code == 409 and coop.json["code"] == "villages_only"
    negative = books.post("acc", f"{VILLAGE}/village-projects", {**body, "decision": " "})
    assert negative.status_code == 422 and "decision" in negative.json["errors"]


def test_fees_go_to_the_contracting_sub_account_when_income_is_kept_by_sub_account(
    books: Books,
) -> None:
    for code, name in (("50101", "集体土地发包收入"), ("50102", "集体资产出租收入")):
        made = books.post(
            "acc", f"{VILLAGE}/accounts", {"code": code, "name": name, "parent": "501"}
        )
        assert made.status_code == 201, made.json
    contract(books)
    charged = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-01"}).json
    assert lines(books, charged["voucher"])[-1] == ("50101", None, None, "3000.00")


def test_fees_due_are_not_charged_into_a_closed_month(books: Books) -> None:
    assert contract(books).status_code == 201
    closed = books.post("acc", f"{VILLAGE}/periods/2026-01/close")
    assert closed.status_code == 200, closed.json
    refused = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-01-31"})
    assert refused.status_code == 409, refused.json
    # nothing was half-written: the instalment is still there to charge in an open month
    later = books.post("acc", f"{VILLAGE}/contracts/charge", {"date": "2026-02-28"})
    assert later.status_code == 201 and later.json["charged"] == 1, later.json

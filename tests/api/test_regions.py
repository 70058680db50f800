"""Regions: the region tree, users scoped to regions, the consolidated report (which ties to each
organization's own reports), the fund trace across organizations, the public disclosure notice
and the due dates."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from pypdf import PdfReader

from coopledger.domain.regions import disclosure_due, parse_disclosure_period, plan_due
from tests.conftest import PASSWORD, Books

ID_RE = re.compile(r"\d{17}[\dXx]")
BANK_RE = re.compile(r"\d{12,}")
SHANGHE = "济南市/商河县"


def user(books: Books, name: str, role: str, regions: list[str]) -> str:
    body = {"username": name, "password": PASSWORD, "role": role, "orgs": []}
    r = books.post("admin", "/api/v1/users", {**body, "regions": regions})
    assert r.status_code == 201, r.json
    assert r.json["regions"] == regions
    answer = books.client.post("/api/v1/auth/tokens", json={"username": name, "password": PASSWORD})
    token = str(answer.get_json()["token"])
    books.tokens[name] = token
    return token


def paths(nodes: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for n in nodes:
        out[n["path"]] = [o["code"] for o in n["organizations"]]
        out.update(paths(n["children"]))
    return out


def test_tree_admin_sees_all_an_accountant_its_branch(books: Books) -> None:
    tree = books.get("admin", "/api/v1/regions").json["items"]
    seen = paths(tree)
    assert seen["济南市/商河县/白桥镇"] == ["coop"]
    assert seen["济南市/商河县/白桥镇/官王庙村"] == ["village"]
    assert seen["济南市/平阴县"] == ["other"]
    assert [n["level"] for n in tree] == ["city"]
    mine = paths(books.get("acc", "/api/v1/regions").json["items"])
    assert "济南市/平阴县" not in mine
    assert mine["济南市/商河县/白桥镇/官王庙村"] == ["village"]


def test_county_auditor_sees_everything_under_its_region_only(books: Books) -> None:
    user(books, "county-aud", "auditor", [SHANGHE])
    assert books.get("county-aud", "/api/v1/orgs/coop").status_code == 200
    assert books.get("county-aud", "/api/v1/orgs/village/accounts").status_code == 200
    assert books.get("county-aud", "/api/v1/orgs/other").status_code == 404
    codes = [o["code"] for o in books.get("county-aud", "/api/v1/orgs").json["items"]]
    assert codes == ["coop", "village"]
    # an organization created later under the region is seen too
    r = books.post(
        "admin",
        "/api/v1/orgs",
        {
            "code": "nancun",
            "name": "南村股份经济合作社",
            "kind": "village_collective",
            "region": "济南市 / 商河县 / 韩庙镇 / 南村",
        },
    )
    assert r.status_code == 201, r.json
    assert r.json["region"] == "济南市/商河县/韩庙镇/南村"
    assert books.get("county-aud", "/api/v1/orgs/nancun").status_code == 200
    # read only
    assert books.post("county-aud", "/api/v1/orgs/coop/periods/2026-01/close").status_code == 403
    # a region outside the scope is as unknown as one that does not exist
    for region in ("济南市/平阴县", "济南市/历城区", "济南市", "a//b"):
        r = books.get(
            "county-aud", "/api/v1/regions/report", query_string={"region": region, "year": 2026}
        )
        assert r.status_code == 404, region


def test_township_accountant_keeps_the_books_of_its_villages(books: Books) -> None:
    user(books, "town-acc", "accountant", ["济南市/商河县/白桥镇"])
    v = books.voucher(
        "town-acc",
        "village",
        lines=[{"account": "102", "debit": "10.00"}, {"account": "501", "credit": "10.00"}],
    )
    assert v["status"] == "draft"
    assert books.get("town-acc", "/api/v1/orgs/other/vouchers").status_code == 404


def test_an_administrator_moves_a_county_officer_to_another_county(books: Books) -> None:
    """The user's regions are replaced: it sees the organizations under the new one only, at
    once; a household user cannot be given one; an unknown region is refused, nothing changed."""

    def patch(who: str, name: str, body: dict[str, Any]) -> Any:
        return books.client.patch(f"/api/v1/users/{name}", json=body, headers=books.headers(who))

    user(books, "county-aud", "auditor", [SHANGHE])
    moved = patch("admin", "county-aud", {"regions": ["济南市/平阴县"]})
    assert moved.status_code == 200, moved.json
    assert moved.json["regions"] == ["济南市/平阴县"]
    assert books.get("county-aud", "/api/v1/orgs/other").status_code == 200
    assert books.get("county-aud", "/api/v1/orgs/coop").status_code == 404
    unknown = patch("admin", "county-aud", {"regions": ["济南市/无此县"]})
    assert unknown.status_code == 422 and "regions" in unknown.json["errors"]
    assert books.get("county-aud", "/api/v1/orgs/other").status_code == 200
    household = patch("admin", "hh1", {"regions": [SHANGHE]})
    assert household.status_code == 422 and "regions" in household.json["errors"]
    assert patch("acc", "county-aud", {"regions": []}).status_code == 403


def test_bad_regions_for_a_user_are_422(books: Books) -> None:
    body = {"username": "x-user", "password": PASSWORD, "role": "auditor", "orgs": []}
    for regions, field in ((["济南市/无此县"], "regions"), (["a/b/c/d/e"], "regions")):
        r = books.post("admin", "/api/v1/users", {**body, "regions": regions})
        assert r.status_code == 422 and field in r.json["errors"], r.json
    r = books.post("admin", "/api/v1/users", {**body, "regions": []})
    assert r.status_code == 422


def _income(books: Books, org: str, amount: str, day: str = "2026-03-10") -> None:
    books.posted(
        org=org,
        date=day,
        memo="出租收入",
        lines=[{"account": "102", "debit": amount}, {"account": "501", "credit": amount}],
    )


def _fen(text: str) -> int:
    return int(Decimal(text) * 100)


def test_report_ties_to_each_organizations_own_reports(books: Books) -> None:
    _income(books, "village", "36000.00")
    _income(books, "coop", "52000.00")
    books.posted(
        org="coop",
        memo="收到市级扶贫资金",
        lines=[
            {"account": "102", "debit": "400000.00"},
            {"account": "235", "fund": "muni-2026", "credit": "400000.00"},
        ],
    )
    user(books, "county-aud", "auditor", [SHANGHE])
    r = books.get(
        "county-aud", "/api/v1/regions/report", query_string={"region": SHANGHE, "year": 2026}
    )
    assert r.status_code == 200, r.json
    rep = r.json
    assert rep["region"] == SHANGHE and rep["year"] == 2026
    by = {o["code"]: o for o in rep["organizations"]}
    assert set(by) == {"coop", "village"}
    total = 0
    for code, o in by.items():
        st = books.get(
            "admin", f"/api/v1/orgs/{code}/reports/surplus", query_string={"year": 2026}
        ).json
        lines = {ln["key"]: _fen(ln["current"] or "0") for ln in st["lines"]}
        own = lines["operating_income"] + lines["investment_income"]
        assert _fen(o["operating_income"]) == own
        total += own
        funds = books.get("admin", f"/api/v1/orgs/{code}/funds").json["items"]
        assert _fen(o["funds"]["received"]) == sum(_fen(f["received"]) for f in funds)
        assert _fen(o["funds"]["spent"]) == sum(_fen(f["spent"]) for f in funds)
    assert _fen(rep["operating_income"]) == total == 8_800_000
    assert by["village"]["over_30k"] and not by["village"]["over_50k"]
    assert rep["villages_over_30k"] == 1 and rep["villages_over_50k"] == 0
    assert by["coop"]["over_50k"]  # a cooperative is listed but not counted among villages
    assert rep["funds"] == {
        "granted": "400000.00",
        "received": "400000.00",
        "spent": "0.00",
        "unspent": "400000.00",
    }
    assert set(rep["dividends_by_status"]) >= {"exited", "monitored"}
    assert set(rep["findings_by_severity"]) >= {"high", "medium", "low"}
    assert rep["owed_to_households"] == "0.00"
    # the whole city from the admin includes the other county
    city = books.get(
        "admin", "/api/v1/regions/report", query_string={"region": "济南市", "year": 2026}
    ).json
    assert {o["code"] for o in city["organizations"]} == {"coop", "village", "other"}


def test_report_pdf_draws_svg_charts(books: Books) -> None:
    _income(books, "village", "36000.00")
    r = books.get(
        "admin",
        "/api/v1/regions/report",
        query_string={"region": SHANGHE, "year": 2026, "format": "pdf"},
    )
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "官王庙村" in text and "36,000.00" in text


def test_the_report_and_the_notice_print_in_english(books: Books) -> None:
    _income(books, "village", "36000.00")
    query = {"region": SHANGHE, "year": 2026, "format": "pdf", "lang": "en"}
    r = books.get("admin", "/api/v1/regions/report", query_string=query)
    assert r.status_code == 200, r.json
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    for expected in ("poverty-alleviation assets", "Organizations: 2", "Granted", "Page 1 of 1"):
        assert expected in text, expected
    assert "官王庙村" in text and "汇总报告" not in text and "下达" not in text
    bad = books.get("admin", "/api/v1/regions/report", query_string={**query, "lang": "de"})
    assert bad.status_code == 422 and "lang" in bad.json["errors"]
    _close(books, "village", ["2026-01", "2026-02", "2026-03"])
    assert (
        books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"}).status_code
        == 201
    )
    url = "/public/village/disclosure"
    page = books.client.get(url, query_string={"period": "2026-Q1", "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert "financial disclosure" in html and "1. Income" in html and "财务公开" not in html
    assert "format=pdf&amp;lang=en" in html  # the printable version in the same language
    pdf = books.get(
        "acc",
        "/api/v1/orgs/village/disclosure",
        query_string={"period": "2026-Q1", "format": "pdf", "lang": "en"},
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "1. Income" in text and "36000.00" in text and "出租收入" in text
    assert "收入项目" not in text


def test_fund_trace_across_organizations(books: Books) -> None:
    books.posted(
        org="coop",
        memo="收到市级扶贫资金",
        lines=[
            {"account": "102", "debit": "1000.00"},
            {"account": "235", "fund": "muni-2026", "credit": "1000.00"},
        ],
    )
    r = books.get(
        "aud", "/api/v1/regions/fund-trace", query_string={"org": "coop", "fund": "muni-2026"}
    )
    assert r.status_code == 200, r.json
    steps = {s["step"]: s["amount"] for s in r.json["steps"]}
    assert steps["granted"] == "400000.00" and steps["received"] == "1000.00"
    assert r.json["ties"] is True
    r = books.get(
        "other-acc", "/api/v1/regions/fund-trace", query_string={"org": "coop", "fund": "muni-2026"}
    )
    assert r.status_code == 404


def _close(books: Books, org: str, months: list[str]) -> None:
    for m in months:
        r = books.post("acc", f"/api/v1/orgs/{org}/periods/{m}/close")
        assert r.status_code == 200, r.json


def test_public_disclosure_names_households_never_id_or_bank(books: Books) -> None:
    r = books.client.patch(
        "/api/v1/orgs/village/members/1",
        json={"bank_account": "6228480012345678901"},
        headers=books.headers("acc"),
    )
    assert r.status_code == 200, r.json
    books.posted(
        org="village",
        date="2026-02-10",
        memo="支付劳务费 11010519491231002X",
        lines=[{"account": "511", "debit": "300.00"}, {"account": "102", "credit": "300.00"}],
    )
    _income(books, "village", "1200.00", "2026-01-15")
    url = "/public/village/disclosure"
    assert books.client.get(url, query_string={"period": "2026-Q1"}).status_code == 404
    assert books.client.get(url, query_string={"period": "2026-13"}).status_code == 422
    assert (
        books.client.get("/public/nope/disclosure", query_string={"period": "2026-Q1"}).status_code
        == 404
    )
    _close(books, "village", ["2026-01", "2026-02", "2026-03"])
    assert (
        books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"}).status_code
        == 201
    )
    page = books.client.get(url, query_string={"period": "2026-Q1"})
    assert page.status_code == 200, page.data[:500]
    html = page.get_data(as_text=True)
    assert "财务公开" in html and "1200.00" in html and "王秀英" not in html.split("一、")[0]
    pdf = books.client.get(url, query_string={"period": "2026-Q1", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "财务公开" in text
    data = books.client.get(url, query_string={"period": "2026-Q1", "format": "json"}).get_data(
        as_text=True
    )
    for content in (html, text, data, re.sub(r"\s", "", text)):
        assert not ID_RE.search(content), ID_RE.search(content)
        assert not BANK_RE.search(content.replace(",", "")), BANK_RE.search(content)
    # the accountant's view is the same notice; a month is fine too
    mine = books.get("acc", "/api/v1/orgs/village/disclosure", query_string={"period": "2026-01"})
    assert mine.status_code == 200 and mine.json["income_total"] == "1200.00"
    assert (
        books.get(
            "other-acc", "/api/v1/orgs/village/disclosure", query_string={"period": "2026-01"}
        ).status_code
        == 404
    )


def test_due_dates_warn_and_publishing_clears_them(books: Books) -> None:
    _income(books, "village", "10.00", "2026-01-15")
    _close(books, "village", ["2026-01", "2026-02", "2026-03"])
    due = books.get("acc", "/api/v1/orgs/village/due").json["items"]
    assert any(d["kind"] == "disclosure" and d["subject"] == "2026-Q1" for d in due)
    r = books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"})
    assert r.status_code == 201, r.json
    assert r.json["published_on"] is not None
    due = books.get("acc", "/api/v1/orgs/village/due").json["items"]
    assert not any(d["subject"] == "2026-Q1" for d in due)
    assert (
        books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q2"}).status_code
        == 409
    )


def test_due_rules() -> None:
    from datetime import date

    q = parse_disclosure_period("2026-Q3")
    assert (q.first_day, q.last_day) == (date(2026, 7, 1), date(2026, 9, 30))
    out = disclosure_due(date(2026, 10, 20), None, date(2026, 7, 1))
    assert [(d.subject, d.state) for d in out] == [("2026-Q3", "overdue")]
    out = disclosure_due(date(2026, 10, 5), None, date(2026, 7, 1))
    assert [(d.subject, d.state) for d in out] == [("2026-Q3", "due_soon")]
    coop = plan_due("cooperative", date(2027, 1, 20), 2026, date(2027, 1, 1), False)
    assert coop is not None and coop.due_on == date(2027, 1, 5) and coop.state == "due_soon"
    village = plan_due("village_collective", date(2027, 1, 20), 2026, date(2027, 1, 11), False)
    assert (
        village is not None and village.due_on == date(2027, 1, 10) and village.state == "overdue"
    )
    assert plan_due("cooperative", date(2027, 1, 20), 2026, date(2027, 1, 1), True) is None


def test_the_routes_are_in_the_openapi_document(books: Books) -> None:
    spec = books.client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/regions",
        "/api/v1/regions/report",
        "/api/v1/regions/fund-trace",
        "/api/v1/orgs/{org}/disclosure",
        "/api/v1/orgs/{org}/due",
    ):
        assert path in spec["paths"], path
    report = spec["paths"]["/api/v1/regions/report"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in report


def test_a_county_grant_through_a_village_and_a_cooperative_to_the_dividend(
    books: Books,
) -> None:
    from tests.api.test_distributions import PLANS, approved_and_posted, closed_year
    from tests.api.test_registers import post_ok, review_and_post

    village = "/api/v1/orgs/village"
    fund = {"code": "county-2025", "name": "县级财政衔接资金", "source": "county_fiscal"}
    r = books.post("acc", f"{village}/funds", {**fund, "granted": "50000.00"})
    assert r.status_code == 201, r.json
    line = {"account": "241", "fund": "county-2025"}
    post_ok(
        books,
        {
            "date": "2025-01-10",
            "memo": "收到县级财政衔接资金",
            "lines": [
                {"account": "102", "debit": "50000.00"},
                {**line, "credit": "50000.00"},
            ],
        },
        "village",
    )
    post_ok(
        books,
        {
            "date": "2025-03-01",
            "memo": "入股合作社",
            "lines": [
                {"account": "141", "debit": "50000.00"},
                {"account": "102", "credit": "50000.00"},
                {**line, "debit": "50000.00"},
                {"account": "311", "credit": "50000.00"},
            ],
        },
        "village",
    )
    member = {"member_no": "JT01", "name": "官王庙村", "kind": "collective"}
    r = books.post("acc", "/api/v1/orgs/coop/members", {**member, "organization": "village"})
    assert r.status_code == 201, r.json
    post_ok(
        books,
        {
            "date": "2025-03-01",
            "memo": "村集体入股",
            "lines": [
                {"account": "102", "debit": "50000.00"},
                {"account": "301", "member": "JT01", "credit": "50000.00"},
            ],
        },
    )
    closed_year(books)
    plan = approved_and_posted(books)
    jt = next(ln for ln in plan["lines"] if ln["member"] == "JT01")
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "JT01", "date": "2026-02-01", "method": "bank"},
    )
    review_and_post(books, paid.json["vouchers"][0]["id"])
    receipt = books.post(
        "acc",
        f"{village}/dividends/receipts",
        {"cooperative": "coop", "plan": plan["id"], "date": "2026-02-03"},
    )
    review_and_post(books, receipt.json["id"], "village")

    t = books.get(
        "aud", "/api/v1/regions/fund-trace", query_string={"org": "village", "fund": "county-2025"}
    )
    assert t.status_code == 200, t.json
    steps = {s["step"]: s["amount"] for s in t.json["steps"]}
    assert steps["received"] == steps["spent"] == "50000.00"
    [invested] = t.json["invested"]
    assert invested["cooperative"] == "coop" and invested["amount"] == "50000.00"
    [step] = invested["distributions"]
    [hh] = step["households"]
    assert hh["member_no"] == "JT01" and hh["from_fund"] == jt["residual"] == jt["total"]
    assert hh["paid"] == jt["total"]
    [back] = invested["onward"]
    assert back["organization"] == "village" and back["received"] == jt["total"]


def test_findings_are_grouped_by_organization_and_code(books: Books) -> None:
    """Beside the counts by severity: per organization and code, the count, the severity, the
    first findings and the address of the rest."""
    books.posted(
        org="coop",
        date="2026-05-06",
        lines=[{"account": "523", "debit": "50.00"}, {"account": "101", "credit": "50.00"}],
    )
    user(books, "county-aud2", "auditor", [SHANGHE])
    rep = books.get(
        "county-aud2", "/api/v1/regions/report", query_string={"region": SHANGHE, "year": 2026}
    ).json
    assert rep["findings_by_severity"]["high"] >= 1
    (cash,) = [g for g in rep["finding_groups"] if g["code"] == "cash_negative"]
    assert (cash["org"], cash["severity"], cash["count"], cash["more"]) == ("coop", "high", 1, 0)
    assert cash["examples"][0]["objects"] == ["account:101"]
    assert rep["finding_groups"][0]["severity"] == "high"  # the most severe first
    rest = books.get("county-aud2", cash["findings"]).json
    assert [f["code"] for f in rest["items"]] == ["cash_negative"]
    assert sum(rest["counts"].values()) == 1

"""The disclosure notice (财务公开): the accountant's page at /orgs/<org>/disclosure, and the
public link /public/<org>/disclosure that serves a notice once published, as issued."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import text

from tests.builders import closed_year, refused
from tests.conftest import Books, is_pg
from tests.web.conftest import Browser


def test_the_accountant_sees_the_notice_it_prepares(
    books: Books, signed_in: Any, app: Flask
) -> None:
    books.posted(
        org="village",
        date="2026-01-15",
        memo="出租收入",
        lines=[{"account": "102", "debit": "800.00"}, {"account": "501", "credit": "800.00"}],
    )
    browser = signed_in("acc")
    page = browser.get("/orgs/village/disclosure?period=2026-01")
    assert page.status_code == 409  # January is still open
    assert books.post("acc", "/api/v1/orgs/village/periods/2026-01/close").status_code == 200
    page = browser.get("/orgs/village/disclosure?period=2026-01")
    assert page.status_code == 200
    assert "800.00" in page.get_data(as_text=True)
    other = Browser(app.test_client())
    assert other.login("other-acc").status_code == 302
    assert other.get("/orgs/village/disclosure?period=2026-01").status_code == 404


# -- the public notice: personal numbers masked, the books as of the period's end, frozen once
# published, and the same answer for an unknown organization and an unpublished period ----------

PUBLIC = "/public/village/disclosure"
ID_RE = re.compile(r"\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx]")
CARD_RE = re.compile(r"\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}")
PHONE_RE = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")


def _close(books: Books, *months: str) -> None:
    for m in months:
        r = books.post("acc", f"/api/v1/orgs/village/periods/{m}/close")
        assert r.status_code == 200, r.json


def _publish(books: Books, period: str = "2026-Q1") -> Any:
    return books.post("acc", "/api/v1/orgs/village/disclosures", {"period": period})


def _fund(books: Books, code: str, **fields: str) -> None:
    body = {"code": code, "name": "村内路灯", "source": "one_matter_one_discussion"}
    r = books.post("acc", "/api/v1/orgs/village/funds", {**body, **fields})
    assert r.status_code == 201, r.json


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_no_id_card_or_phone_number_reaches_any_published_field(
    books: Books, signed_in: Any
) -> None:
    """A number typed into any text the notice shows — the organization's name, a fund's code,
    name, grantor and purpose, a voucher's and a line's memo, a sub-account's name, a member's
    name on a line and in a plan, an asset's number and name, a plan's resolution — is masked on
    the page, the PDF, the JSON and the accountant's copies."""
    r = books.client.patch(
        "/api/v1/orgs/village/members/1",
        json={"name": "王秀英 138 0013 8000"},
        headers=books.headers("acc"),
    )
    assert r.status_code == 200, r.json
    renamed = books.client.patch(
        "/api/v1/orgs/village",
        json={"name": "官王庙村股份经济合作社 联系 13900139000"},
        headers=books.headers("admin"),
    )
    assert renamed.status_code == 200, renamed.json
    sub = {"code": "11301", "name": "借款 张三 138-0013-8000", "parent": "113"}
    assert books.post("acc", "/api/v1/orgs/village/accounts", sub).status_code == 201
    _fund(
        books,
        "road-13700137000",
        name="村道硬化 110105 19491231 002X",
        grantor="乡政府 经办人 +86 139 1234 5678",
        purpose="修路 回款卡 6222-0212-3456-7890-123",
        granted="5000.00",
    )
    books.posted(
        org="village",
        date="2026-01-20",
        memo="收到一事一议资金 6228 4800 1234 5678 901",
        lines=[
            {"account": "102", "debit": "5000.00"},
            {
                "account": "231",
                "fund": "road-13700137000",
                "credit": "5000.00",
                "memo": "13912345678",
            },
        ],
    )
    books.posted(
        org="village",
        date="2026-02-10",
        memo="借款 身份证11010519491231002X 卡号6222-0212-3456-7890-123",
        lines=[
            {
                "account": "11301",
                "member": "1",
                "fund": "road-13700137000",
                "debit": "300.00",
                "memo": "+8613800138000",
            },
            {"account": "102", "credit": "300.00"},
        ],
    )
    books.posted(
        org="village",
        date="2026-03-05",
        memo="劳务费 电话 0086-138-0013-8000",
        lines=[{"account": "511", "debit": "80.00"}, {"account": "102", "credit": "80.00"}],
    )
    closed_year(books, "village")  # 2025's surplus, shared among the households by a draft plan
    plan = books.post(
        "acc",
        "/api/v1/orgs/village/distributions",
        {"year": 2025, "reserve_rate": "0.10", "guarantee": {"fixed": "30000.00"}},
    )
    assert plan.status_code == 201, plan.json
    approved = books.post(
        "rev",
        f"/api/v1/orgs/village/distributions/{plan.json['id']}/approve",
        {"resolution": "村民代表会议 记录人 138 0013 8000", "approved_on": "2026-01-25"},
    )
    assert approved.status_code == 200, approved.json
    asset = {
        "asset_no": "LD-13600136000",
        "name": "路灯 管护人 138 0013 8000",
        "class": "public_welfare",
        "use": "public_welfare",
        "acquired_on": "2024-01-01",
        "cost": "9000.00",
        "useful_life_months": 60,
        "opening_accumulated": "3000.00",
        "opening_months": 20,
    }
    made = books.post("acc", "/api/v1/orgs/village/assets", asset)
    assert made.status_code == 201, made.json
    _close(books, "2026-01", "2026-02", "2026-03")
    draft = books.get("acc", "/api/v1/orgs/village/disclosure", query_string={"period": "2026-Q1"})
    published = _publish(books)
    assert published.status_code == 201, published.json
    fingerprint = published.json["sha256"]
    q = {"period": "2026-Q1"}
    staff = signed_in("acc")
    outputs = {
        "draft": draft.get_data(as_text=True),
        "publish": published.get_data(as_text=True),
        "page": books.client.get(PUBLIC, query_string=q).get_data(as_text=True),
        "json": books.client.get(PUBLIC, query_string={**q, "format": "json"}).get_data(
            as_text=True
        ),
        "pdf": _text(books.client.get(PUBLIC, query_string={**q, "format": "pdf"}).data),
        "staff page": staff.get("/orgs/village/disclosure?period=2026-Q1").get_data(as_text=True),
        "staff pdf": _text(staff.get("/orgs/village/disclosure?period=2026-Q1&format=pdf").data),
    }
    for where, content in outputs.items():
        content = content.replace(fingerprint, "")
        for flat in (content, re.sub(r"\s", "", content)):
            for pattern in (ID_RE, CARD_RE, PHONE_RE):
                assert not pattern.search(flat), (where, pattern.search(flat))
    data = published.json
    assert data["organization"]["name"] == "官王庙村股份经济合作社 联系 *******9000"
    road = data["one_matter_one_discussion"][0]
    assert road["code"] == "road-*******7000"
    assert road["name"] == "村道硬化 **************002X"
    assert road["grantor"] == "乡政府 经办人 *********5678"
    assert road["purpose"] == "修路 回款卡 ***************0123"
    assert road["lines"][0]["memo"] == "*******5678"
    assert road["lines"][1]["name"] == "王秀英 *******8000"
    assert data["claims"][0]["name"] == "借款 张三 *******8000"
    assert data["assets"][0]["name"] == "路灯 管护人 *******8000"
    assert data["assets"][0]["asset_no"] == "LD-*******6000"
    assert data["expenditure"][0]["memo"] == "劳务费 电话 ***********8000"
    assert data["distribution_plans"][0]["resolution"] == "村民代表会议 记录人 *******8000"
    households = data["distribution_plans"][0]["households"]
    assert [h["name"] for h in households] == ["王秀英 *******8000", "李建国"]


def test_a_fund_created_after_the_quarter_is_not_on_its_notice(books: Books) -> None:
    _fund(books, "lights", grantor="县财政", purpose="路灯", granted="1000.00")
    books.posted(
        org="village",
        date="2026-03-10",
        memo="收到一事一议资金",
        lines=[
            {"account": "102", "debit": "1000.00"},
            {"account": "231", "fund": "lights", "credit": "1000.00"},
        ],
    )
    books.posted(
        org="village",
        date="2026-04-10",
        memo="路灯付款",
        lines=[
            {"account": "231", "fund": "lights", "debit": "400.00"},
            {"account": "102", "credit": "400.00"},
        ],
    )
    _close(books, "2026-01", "2026-02", "2026-03")
    # entered in the register today, long after the quarter, its money arrives in April
    _fund(books, "late", name="村文化广场", granted="800.00")
    books.posted(
        org="village",
        date="2026-04-12",
        memo="收到文化广场资金",
        lines=[
            {"account": "102", "debit": "800.00"},
            {"account": "231", "fund": "late", "credit": "800.00"},
        ],
    )
    q1 = books.get("acc", "/api/v1/orgs/village/disclosure", query_string={"period": "2026-Q1"})
    assert q1.status_code == 200, q1.json
    funds = {f["code"]: f for f in q1.json["one_matter_one_discussion"]}
    assert set(funds) == {"lights"}
    assert (funds["lights"]["received"], funds["lights"]["spent"]) == ("1000.00", "0.00")
    assert q1.json["money"] == "1000.00"


def test_a_published_notice_is_served_as_issued_with_its_fingerprint(
    books: Books, signed_in: Any
) -> None:
    _fund(books, "lights", grantor="县财政", purpose="安装路灯", granted="1000.00")
    books.posted(
        org="village",
        date="2026-01-15",
        memo="出租收入",
        lines=[{"account": "102", "debit": "800.00"}, {"account": "501", "credit": "800.00"}],
    )
    _close(books, "2026-01", "2026-02", "2026-03")
    first = _publish(books)
    assert first.status_code == 201, first.json
    fingerprint = first.json["sha256"]
    q = {"period": "2026-Q1"}
    issued = books.client.get(PUBLIC, query_string={**q, "format": "json"})
    assert issued.status_code == 200 and issued.mimetype == "application/json"
    assert hashlib.sha256(issued.data).hexdigest() == fingerprint  # anyone can check it
    page = books.client.get(PUBLIC, query_string=q).get_data(as_text=True)
    assert fingerprint in page
    assert fingerprint in re.sub(
        r"\s", "", _text(books.client.get(PUBLIC, query_string={**q, "format": "pdf"}).data)
    )
    # the books change afterwards: an admin reopens March and a voucher is added; the fund is
    # renamed; none of it reaches the notice as published
    assert books.post("admin", "/api/v1/orgs/village/periods/2026-03/reopen").status_code == 200
    books.posted(
        org="village",
        date="2026-03-20",
        memo="补记出租收入",
        lines=[{"account": "102", "debit": "99.00"}, {"account": "501", "credit": "99.00"}],
    )
    _close(books, "2026-03")
    again = books.client.get(PUBLIC, query_string={**q, "format": "json"})
    assert again.data == issued.data
    assert "补记出租收入" not in books.client.get(PUBLIC, query_string=q).get_data(as_text=True)
    staff = books.get("acc", "/api/v1/orgs/village/disclosure", query_string=q)
    assert staff.json["sha256"] == fingerprint and staff.json["income_total"] == "800.00"
    page = signed_in("acc").get("/orgs/village/disclosure?period=2026-Q1").get_data(as_text=True)
    assert fingerprint in page and "补记出租收入" not in page
    # publishing again answers the notice issued the first time
    second = _publish(books)
    assert second.status_code == 200 and second.json == first.json


def test_unknown_and_unpublished_answer_the_same(books: Books) -> None:
    books.posted(
        org="village",
        date="2026-01-15",
        memo="出租收入",
        lines=[{"account": "102", "debit": "800.00"}, {"account": "501", "credit": "800.00"}],
    )

    def answers(org: str, **query: str) -> list[tuple[int, bytes]]:
        out = []
        for fmt in ("html", "pdf", "json"):
            r = books.client.get(
                f"/public/{org}/disclosure",
                query_string={"period": "2026-Q1", "format": fmt, **query},
            )
            out.append((r.status_code, r.data))
        return out

    nowhere = answers("no-such-village")
    assert {status for status, _ in nowhere} == {404}
    assert answers("village") == nowhere  # open months
    _close(books, "2026-01", "2026-02", "2026-03")
    assert answers("village") == nowhere  # closed, not published
    assert _publish(books).status_code == 201
    assert {status for status, _ in answers("village")} == {200}
    assert answers("coop") == nowhere  # another organization that published nothing


def test_the_database_refuses_to_change_an_issued_notice(books: Books, connection: Any) -> None:
    _close(books, "2026-01", "2026-02", "2026-03")
    assert _publish(books).status_code == 201
    columns = "id, org_id, period, published_on, content, sha256, published_by, published_at"
    copy = f"SELECT {columns.replace('content', chr(39) + '{}' + chr(39))} FROM issued_disclosure"
    replace = (
        f"INSERT INTO issued_disclosure ({columns}) {copy} ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content"
        if is_pg()
        else f"INSERT OR REPLACE INTO issued_disclosure ({columns}) {copy}"
    )
    before = connection.execute(text("SELECT content, sha256 FROM issued_disclosure")).all()
    for sql in (
        "UPDATE issued_disclosure SET content = '{}'",
        "DELETE FROM issued_disclosure",
        replace,
    ):
        assert refused(connection, sql), sql
    assert connection.execute(text("SELECT content, sha256 FROM issued_disclosure")).all() == before


# -- the page as villagers and accountants open it -------------------------------------------------


def _two_vouchers_in_two_months(books: Books) -> None:
    for day, memo in (("2026-01-15", "出租收入"), ("2026-02-15", "鱼塘承包费")):
        books.posted(
            org="village",
            date=day,
            memo=memo,
            lines=[{"account": "102", "debit": "800.00"}, {"account": "501", "credit": "800.00"}],
        )


def test_the_public_link_without_a_period_opens_the_latest_notice_styled(books: Books) -> None:
    _two_vouchers_in_two_months(books)
    _close(books, "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
    assert _publish(books, "2026-Q1").status_code == 201
    assert _publish(books, "2026-Q2").status_code == 201
    page = books.client.get(PUBLIC)  # the link as printed on the notice board, no period
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "2026-Q2" in html and "<style" not in html and "style=" not in html
    assert "/assets/disclosure.css" in html  # a stylesheet the Content-Security-Policy allows
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    picker = re.findall(r'<option value="([^"]+)"', html)
    assert picker == ["2026-Q2", "2026-Q1"]  # every published period, the latest first
    css = books.client.get("/assets/disclosure.css")
    assert css.status_code == 200 and "@page" in css.get_data(as_text=True)


def test_two_vouchers_numbered_alike_in_a_quarter_are_told_apart_by_month(books: Books) -> None:
    _two_vouchers_in_two_months(books)  # each month's first voucher: 记-001
    _close(books, "2026-01", "2026-02", "2026-03")
    assert _publish(books).status_code == 201
    html = books.client.get(PUBLIC).get_data(as_text=True)
    assert "1月记-001" in html and "2月记-001" in html


def test_the_accountants_page_opens_a_quarter_it_can_show(books: Books, signed_in: Any) -> None:
    _two_vouchers_in_two_months(books)
    _close(books, "2026-01", "2026-02", "2026-03")
    browser = signed_in("acc")
    dashboard = browser.get("/orgs/village").get_data(as_text=True)
    assert 'id="nav-disclosure"' in dashboard  # in the menu
    page = browser.get("/orgs/village/disclosure")
    assert page.status_code == 200  # the closed quarter, not an open one
    html = page.get_data(as_text=True)
    assert "2026-Q1" in html and re.findall(r'<option value="([^"]+)"', html) == ["2026-Q1"]

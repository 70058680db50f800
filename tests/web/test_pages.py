"""The pages through Flask's test client: sign-in, CSRF, roles, escaping, forms, languages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from coopledger.services import auth, orgs
from tests.builders import closed_year, review_and_post, text_of
from tests.conftest import PASSWORD, Books
from tests.web.conftest import THREE_LINES, Browser, csrf_of


def _voucher_id(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


# -- signing in ---------------------------------------------------------------------------------


def test_login_page_has_a_csrf_token_and_strict_headers(browser: Browser) -> None:
    response = browser.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert csrf_of(html)
    assert 'name="username"' in html and 'name="password"' in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in html and "<style>" not in html  # nothing inline: the CSP allows none


def test_the_front_page_links_to_sign_in_and_has_no_inline_style(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and "<style>" not in html


def test_login_sets_a_strict_cookie_and_rotates_the_session(
    client: FlaskClient, world: Any
) -> None:
    b = Browser(client)
    before = csrf_of(b.get("/login").get_data(as_text=True))
    response = b.post("/login", {"username": "acc", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/orgs"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    after = csrf_of(b.get("/orgs").get_data(as_text=True))
    assert after != before  # a new session: the old CSRF token is gone with it


def test_the_cookie_is_secure_over_https(client: FlaskClient, world: Any) -> None:
    page = client.get("/login", base_url="https://coop.example")
    token = csrf_of(page.get_data(as_text=True))
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "acc2", "password": PASSWORD},
        base_url="https://coop.example",
        headers={"Referer": "https://coop.example/login"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Secure" in response.headers["Set-Cookie"]


def test_one_organization_opens_its_dashboard(signed_in: Any) -> None:
    b = signed_in("acc2")
    response = b.get("/orgs")
    assert "绿源大蒜种植专业合作社" in response.get_data(as_text=True)
    login = b.client.get("/login")
    assert login.status_code == 302 and login.headers["Location"] == "/orgs/coop"


def test_a_wrong_password_is_refused_in_words(browser: Browser) -> None:
    response = browser.login("acc", "wrong password!")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert browser.client.get("/orgs/coop").status_code == 302  # still signed out


def test_repeated_failures_lock_the_account(browser: Browser) -> None:
    for _ in range(10):
        assert browser.login("cash", "not the password").status_code == 401
    response = browser.login("cash", PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.get_data(as_text=True)


def test_next_never_leaves_the_site(browser: Browser) -> None:
    browser.get("/login")
    response = browser.post(
        "/login", {"username": "acc2", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/orgs/coop"


def test_signing_out_revokes_the_session(signed_in: Any) -> None:
    b = signed_in("acc")
    assert b.get("/orgs/coop").status_code == 200
    assert b.post("/logout").status_code == 302
    assert b.client.get("/orgs/coop").status_code == 302


def test_a_page_needs_a_signed_in_user(client: FlaskClient, world: Any) -> None:
    response = client.get("/orgs/coop/vouchers")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/orgs/coop/vouchers")


# -- CSRF ---------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(signed_in: Any, books: Books) -> None:
    b = signed_in("acc")
    response = b.client.post("/orgs/coop/vouchers/new", data=THREE_LINES)
    assert response.status_code == 400
    assert "csrf-refused" in response.get_data(as_text=True)
    listed = books.get("acc", "/api/v1/orgs/coop/vouchers").json["items"]
    assert listed == []


def test_login_without_a_token_is_refused(client: FlaskClient, world: Any) -> None:
    response = client.post("/login", data={"username": "acc", "password": PASSWORD})
    assert response.status_code == 400


def test_the_api_needs_no_csrf_token(books: Books) -> None:
    assert books.voucher()["status"] == "draft"


# -- roles and scope ----------------------------------------------------------------------------


ACCOUNTANT_PAGES = [
    "/orgs/coop",
    "/orgs/coop/vouchers",
    "/orgs/coop/vouchers/new",
    "/orgs/coop/reports/trial-balance",
    "/orgs/coop/reports/ledger?account=102",
    "/orgs/coop/members",
    "/orgs/coop/funds",
    "/orgs/coop/funds/muni-2026",
    "/orgs/coop/assets",
    "/orgs/coop/distributions",
    "/orgs/coop/audit",
]


def test_every_page_renders_for_the_accountant(signed_in: Any, books: Books) -> None:
    books.posted()
    b = signed_in("acc")
    for path in ACCOUNTANT_PAGES:
        response = b.get(path)
        assert response.status_code == 200, path
        assert "绿源大蒜种植专业合作社" in response.get_data(as_text=True), path  # the open org


def test_the_auditor_reads_everything_and_changes_nothing(signed_in: Any, books: Books) -> None:
    voucher = books.voucher()
    b = signed_in("aud")
    for path in [p for p in ACCOUNTANT_PAGES if not p.endswith("/new")]:
        assert b.get(path).status_code == 200, path
    html = b.get(f"/orgs/coop/vouchers/{voucher['id']}").get_data(as_text=True)
    assert "review-button" not in html and "录入凭证" not in html
    assert b.get("/orgs/coop/vouchers/new").status_code == 403
    audit = b.get("/orgs/coop/audit?year=2026").get_data(as_text=True)
    assert "哈希链完整" in audit and 'id="findings"' in audit and "audit-export" in audit
    package = b.get("/orgs/coop/audit/export?year=2026")
    assert package.status_code == 200 and package.data.startswith(b"PK")
    own = signed_in("acc")
    assert "audit-export" in own.get("/orgs/coop/audit?year=2026").get_data(as_text=True)
    assert own.get("/orgs/coop/audit/export?year=2026").data.startswith(b"PK")
    assert signed_in("rev").get("/orgs/coop/audit/export?year=2026").status_code == 403


def test_the_reviewer_sees_review_but_not_entry(signed_in: Any, books: Books) -> None:
    voucher = books.voucher()
    b = signed_in("rev")
    html = b.get(f"/orgs/coop/vouchers/{voucher['id']}").get_data(as_text=True)
    assert "review-button" in html and "nav-new" not in html and "edit-link" not in html


def test_a_household_opening_an_accountants_page_gets_403(signed_in: Any) -> None:
    b = signed_in("hh1")
    for path in ["/orgs/coop", "/orgs/coop/vouchers", "/orgs/coop/members"]:
        assert b.get(path).status_code == 403, path


def test_another_organizations_page_is_404(signed_in: Any) -> None:
    b = signed_in("acc")
    for path in ["/orgs/other", "/orgs/other/vouchers", "/orgs/nowhere/members"]:
        assert b.get(path).status_code == 404, path


def test_an_unknown_address_gets_the_error_page_in_the_users_language(
    signed_in: Any, client: FlaskClient
) -> None:
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    b = signed_in("acc")
    missing = b.get("/orgs/coop/no-such-page", headers=html)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "找不到该页面或记录。" in text and 'href="/login"' in text
    b.get("/orgs/coop?lang=en")
    english = b.get("/orgs/coop/no-such-page", headers=html).get_data(as_text=True)
    assert "That page or record was not found." in english
    # the API keeps answering problem+json
    api = client.get("/api/v1/no-such-thing", headers=html)
    assert api.status_code == 401 and api.mimetype == "application/problem+json"


def test_a_voucher_of_another_org_is_404(signed_in: Any, books: Books) -> None:
    voucher = books.voucher(org="village")
    b = signed_in("acc2")
    assert b.get(f"/orgs/coop/vouchers/{voucher['id']}").status_code == 404


# -- escaping -----------------------------------------------------------------------------------


def test_html_in_a_member_name_shows_as_text(signed_in: Any, books: Books) -> None:
    orgs.create_member(
        books.uow(),
        auth.actor_named(books.uow(), "acc"),
        "coop",
        {"member_no": "9", "name": "<script>alert(1)</script>王", "household_size": 1},
    )
    b = signed_in("acc")
    html = b.get("/orgs/coop/members").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;王" in html
    assert "<script>alert(1)" not in html
    form = b.get("/orgs/coop/vouchers/new").get_data(as_text=True)
    assert "<script>alert(1)" not in form


def test_html_in_a_memo_shows_as_text(signed_in: Any, books: Books) -> None:
    voucher = books.voucher(memo='<img src=x onerror="alert(1)">')
    b = signed_in("acc")
    html = b.get(f"/orgs/coop/vouchers/{voucher['id']}").get_data(as_text=True)
    assert "&lt;img src=x" in html and "<img src=x" not in html


# -- the voucher form ---------------------------------------------------------------------------


def test_a_voucher_entered_in_the_form_is_saved_as_draft(signed_in: Any, books: Books) -> None:
    b = signed_in("acc")
    voucher_id = _voucher_id(b.post("/orgs/coop/vouchers/new", THREE_LINES))
    saved = books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher_id}").json
    assert saved["status"] == "draft"
    assert [(ln["account"], ln["member"], ln["debit"], ln["credit"]) for ln in saved["lines"]] == [
        ("102", None, "1500.00", None),
        ("301", "1", None, "1000.00"),
        ("301", "2", None, "500.00"),
    ]


def test_a_rejected_voucher_keeps_what_was_typed_and_says_where(signed_in: Any) -> None:
    b = signed_in("acc")
    data = {**THREE_LINES, "lines-2-credit": "400", "lines-1-member": "77"}
    response = b.post("/orgs/coop/vouchers/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="400"' in html and 'value="1500"' in html and 'value="收到股金"' in html
    assert 'data-for="lines.1.member"' in html and "没有成员 77" in html


def test_an_unbalanced_voucher_is_refused_with_the_totals(signed_in: Any) -> None:
    b = signed_in("acc")
    response = b.post("/orgs/coop/vouchers/new", {**THREE_LINES, "lines-2-credit": "400"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "借贷不平衡" in html and "1500.00" in html and 'value="400"' in html


def test_amounts_follow_the_apis_rule(signed_in: Any) -> None:
    """As the API's, but thousands separators in their places are read (see test_entry_pages)."""
    b = signed_in("acc")
    response = b.post("/orgs/coop/vouchers/new", {**THREE_LINES, "lines-0-debit": "15,00"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-for="lines.0.debit"' in html and 'value="15,00"' in html
    response = b.post("/orgs/coop/vouchers/new", {**THREE_LINES, "lines-0-debit": "1500.001"})
    assert "最多两位小数" in response.get_data(as_text=True)


def test_review_post_and_reverse_through_the_pages(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    voucher_id = _voucher_id(acc.post("/orgs/coop/vouchers/new", THREE_LINES))
    page = f"/orgs/coop/vouchers/{voucher_id}"

    def step(who: Browser, name: str) -> Any:
        html = who.get(page).get_data(as_text=True)
        fingerprint = html.split('name="fingerprint" value="')[1].split('"')[0]
        return who.post(f"{page}/{name}", {"fingerprint": fingerprint, "date": "2026-03-20"})

    # the preparer may not review: a message, nothing changed
    step(acc, "review")
    assert "制单人不能审核" in acc.get(page).get_data(as_text=True)
    rev = Browser(acc.client.application.test_client())
    rev.login("rev")
    assert step(rev, "review").status_code == 302
    assert step(acc, "post").status_code == 302
    html = acc.get(page).get_data(as_text=True)
    assert "记-2026-03-0001" in html and "reverse-button" in html
    ledger = acc.get("/orgs/coop/reports/ledger?account=301&from=2026-01-01&to=2026-12-31")
    assert "记-2026-03-0001" in ledger.get_data(as_text=True)
    tb = acc.get("/orgs/coop/reports/trial-balance?from=2026-01-01&to=2026-12-31")
    assert "1,500.00" in tb.get_data(as_text=True)
    reversal = step(acc, "reverse")
    assert reversal.status_code == 302 and reversal.headers["Location"] != page


def test_a_stale_edit_overwrites_nothing(signed_in: Any, books: Books) -> None:
    voucher = books.voucher()
    b = signed_in("acc")
    edit = f"/orgs/coop/vouchers/{voucher['id']}/edit"
    html = b.get(edit).get_data(as_text=True)
    fingerprint = html.split('name="fingerprint" value="')[1].split('"')[0]
    books.post("rev", f"/api/v1/orgs/coop/vouchers/{voucher['id']}/review")
    response = b.post(edit, {**THREE_LINES, "memo": "changed", "fingerprint": fingerprint})
    assert response.status_code == 409
    assert "您的修改没有保存" in response.get_data(as_text=True)
    now = books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher['id']}").json
    assert now["memo"] == "收到股金" and now["status"] == "reviewed"


def test_an_edit_with_a_current_form_is_saved(signed_in: Any, books: Books) -> None:
    voucher = books.voucher()
    b = signed_in("acc")
    edit = f"/orgs/coop/vouchers/{voucher['id']}/edit"
    html = b.get(edit).get_data(as_text=True)
    fingerprint = html.split('name="fingerprint" value="')[1].split('"')[0]
    response = b.post(edit, {**THREE_LINES, "memo": "改过", "fingerprint": fingerprint})
    assert response.status_code == 302
    assert books.get("acc", f"/api/v1/orgs/coop/vouchers/{voucher['id']}").json["memo"] == "改过"


def test_the_voucher_list_filters(signed_in: Any, books: Books) -> None:
    books.voucher(memo="买化肥")
    books.posted(memo="收到股金")
    b = signed_in("acc")
    html = b.get("/orgs/coop/vouchers?q=化肥").get_data(as_text=True)
    assert "买化肥" in html and "收到股金" not in html
    html = b.get("/orgs/coop/vouchers?status=posted&month=2026-03").get_data(as_text=True)
    assert "收到股金" in html and "买化肥" not in html
    assert "没有符合条件" in b.get("/orgs/coop/vouchers?month=2026-04").get_data(as_text=True)


def test_the_text_search_reads_memos_and_line_memos_in_the_database(
    signed_in: Any, books: Books
) -> None:
    lines = [
        {"account": "102", "debit": "10.00", "memo": "农资店 50%_折扣"},
        {"account": "301", "member": "1", "credit": "10.00"},
    ]
    by_line = books.voucher(memo="杂项", lines=lines)
    books.voucher(memo="收到股金")
    for _ in range(30):  # more than a page of vouchers that do not match
        books.voucher(memo="零星收入")
    b = signed_in("acc")
    html = b.get("/orgs/coop/vouchers?q=50%25_折扣").get_data(as_text=True)
    assert f"/orgs/coop/vouchers/{by_line['id']}" in html and "收到股金" not in html
    # % and _ are the user's characters, not wildcards
    assert "杂项" not in b.get("/orgs/coop/vouchers?q=50_").get_data(as_text=True)
    api = books.get("acc", "/api/v1/orgs/coop/vouchers", query_string={"q": "农资店"}).json
    assert [v["id"] for v in api["items"]] == [by_line["id"]]
    assert books.get("acc", "/api/v1/orgs/coop/vouchers?q=" + "长" * 101).status_code == 422


def test_pdfs_come_from_the_pages(signed_in: Any, books: Books) -> None:
    voucher = books.posted()
    b = signed_in("acc")
    for path in [
        f"/orgs/coop/vouchers/{voucher['id']}.pdf",
        "/orgs/coop/reports/trial-balance?format=pdf&from=2026-01-01&to=2026-12-31",
        "/orgs/coop/reports/ledger?account=102&format=pdf&from=2026-01-01&to=2026-12-31",
    ]:
        response = b.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_the_pages_pdfs_speak_the_page_language(signed_in: Any, books: Books) -> None:
    voucher = books.posted()
    b = signed_in("acc")
    tb = "/orgs/coop/reports/trial-balance?format=pdf&from=2026-01-01&to=2026-12-31"
    chinese = text_of(b.get(f"/orgs/coop/vouchers/{voucher['id']}.pdf").data)
    assert "记账凭证" in chinese and "102银行存款" in chinese and "制单：acc" in chinese
    printed = text_of(b.get(f"/orgs/coop/vouchers/{voucher['id']}.pdf?lang=en").data)
    for expected in (
        "Voucher",
        f"Voucherno.:{voucher['number']}",
        "102Bankdeposits",
        "301Members'sharecapital",
        "Member1",
        "Totalinwords(Chinesecapitals):人民币壹仟元整",
        "Preparedby:acc",
        "Reviewedby:rev",
        "绿源大蒜种植专业合作社",
    ):
        assert expected in printed, expected
    assert "记账凭证" not in printed and "制单" not in printed
    # the page's language is remembered: the next PDF is English without asking again
    report = text_of(b.get(tb).data)
    assert "Trialbalance" in report and "301Members'sharecapital" in report
    assert "Total0.000.001,000.001,000.00" in report and "科目余额表" not in report
    assert "科目余额表" in text_of(b.get(f"{tb}&lang=zh").data)


def test_the_distribution_wizard_through_the_pages(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    inputs = {"year": "2025", "reserve_rate": "0.10", "patronage_ratio": "0.60"}
    refused = acc.post("/orgs/coop/distributions", inputs)
    assert refused.status_code == 422 and "尚未年终结账" in refused.get_data(as_text=True)
    bad = acc.post("/orgs/coop/distributions", {**inputs, "reserve_rate": "10 percent"})
    assert 'data-for="reserve_rate"' in bad.get_data(as_text=True)
    closed_year(books)
    created = acc.post("/orgs/coop/distributions", inputs)
    assert created.status_code == 302, created.get_data(as_text=True)
    plan = created.headers["Location"]
    html = acc.get(plan).get_data(as_text=True)
    assert "王秀英" in html and "李建国" in html and "plan-approve" not in html  # the preparer
    rev = Browser(acc.client.application.test_client())
    rev.login("rev")
    assert "plan-approve" in rev.get(plan).get_data(as_text=True)
    approved = rev.post(f"{plan}/approve", {"resolution": "成员大会决议1号", "date": "2026-01-20"})
    assert approved.status_code == 302
    assert "plan-post" in acc.get(plan).get_data(as_text=True)
    assert acc.post(f"{plan}/post", {"date": "2026-01-20"}).status_code == 302
    plan_id = int(plan.rsplit("/", 1)[-1])
    for voucher_id in books.get("acc", f"/api/v1/orgs/coop/distributions/{plan_id}").json[
        "vouchers"
    ]:
        review_and_post(books, voucher_id if isinstance(voucher_id, int) else voucher_id["id"])
    html = acc.get(plan).get_data(as_text=True)
    assert "plan-vouchers" in html and "plan-pay" in html
    household = signed_in("hh1")
    me = household.get("/me").get_data(as_text=True)
    assert "/me/coop/statements/2025.pdf" in me and "2025年 您家的分配" in me
    statement = household.get("/me/statements/2025.pdf")
    assert statement.status_code == 200 and statement.data.startswith(b"%PDF")


def test_the_wizard_takes_a_minimum_guarantee_for_poor_households(
    signed_in: Any, books: Books
) -> None:
    closed_year(books)
    acc = signed_in("acc")
    inputs = {"year": "2025", "reserve_rate": "0.10", "patronage_ratio": "0.60"}
    form = acc.get("/orgs/coop/distributions").get_data(as_text=True)
    assert 'name="guarantee_fixed"' in form and 'value="exited" checked' in form
    both = acc.post(
        "/orgs/coop/distributions",
        {
            **inputs,
            "guarantee_fixed": "8000",
            "guarantee_rate": "0.5",
            "guarantee_status": "exited",
        },
    )
    assert both.status_code == 422 and "保底金额与保底比例只填一项" in both.get_data(as_text=True)
    nobody = acc.post("/orgs/coop/distributions", {**inputs, "guarantee_fixed": "8000"})
    assert nobody.status_code == 422 and "请至少勾选一种身份" in nobody.get_data(as_text=True)
    garbled = acc.post(
        "/orgs/coop/distributions",
        {**inputs, "guarantee_fixed": "8千", "guarantee_status": "exited"},
    )
    assert garbled.status_code == 422 and "请填写金额，例如 8000.00" in garbled.get_data(
        as_text=True
    )
    too_much = acc.post(
        "/orgs/coop/distributions",
        {**inputs, "guarantee_fixed": "70000", "guarantee_status": ["exited", "none"]},
    )
    html = too_much.get_data(as_text=True)
    assert too_much.status_code == 422 and "保底无法满足" in html
    assert 'name="guarantee_fixed" value="70000"' in html  # what was typed stays in the form
    made = acc.post(
        "/orgs/coop/distributions",
        {**inputs, "guarantee_fixed": "8000", "guarantee_status": ["exited", "monitored"]},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    plan_id = int(made.headers["Location"].rsplit("/", 1)[-1])
    plan = books.get("acc", f"/api/v1/orgs/coop/distributions/{plan_id}").json
    rows = {ln["member"]: ln for ln in plan["lines"]}
    assert (rows["1"]["residual"], rows["1"]["topup"]) == ("8000.00", "2000.00")
    assert plan["inputs"]["guarantee"]["fixed"] == "8000.00"
    assert "2,000.00" in acc.get(made.headers["Location"]).get_data(as_text=True)


# -- the household portal -----------------------------------------------------------------------


def test_a_household_sees_only_its_own_record(signed_in: Any) -> None:
    b = signed_in("hh1")
    assert b.client.get("/login").headers["Location"] == "/me"
    html = b.get("/me").get_data(as_text=True)
    assert "王秀英" in html and "脱贫户" in html  # registered as poor, its older name
    assert "李建国" not in html and "11010519491231002X" not in html
    account = b.get("/me/account/2026.pdf")
    assert account.status_code == 200 and account.data.startswith(b"%PDF")
    assert b.get("/me/statements/2026.pdf").status_code == 409  # no posted distribution yet


def test_the_portal_is_for_households(signed_in: Any) -> None:
    assert signed_in("acc").get("/me").status_code == 403


# -- languages ----------------------------------------------------------------------------------


def test_english_is_switched_on_and_remembered(signed_in: Any, app: Flask) -> None:
    b = signed_in("acc")
    assert "概览" in b.get("/orgs/coop").get_data(as_text=True)
    english = b.get("/orgs/coop?lang=en").get_data(as_text=True)
    assert "Dashboard" in english and "Cash on hand" in english and 'lang="en"' in english
    assert "Trial balance" in b.get("/orgs/coop/vouchers").get_data(as_text=True)
    # the preference is stored with the user: a new session opens in English
    again = Browser(app.test_client())
    again.login("acc")
    assert "Dashboard" in again.get("/orgs/coop").get_data(as_text=True)
    assert "概览" in again.get("/orgs/coop?lang=zh").get_data(as_text=True)


def test_amounts_are_formatted_per_locale(signed_in: Any, books: Books) -> None:
    books.posted(
        lines=[
            {"account": "102", "debit": "1234.56"},
            {"account": "301", "member": "1", "credit": "1234.56"},
        ]
    )
    b = signed_in("acc2")
    assert "¥1,234.56" in b.get("/orgs/coop").get_data(as_text=True)
    english = b.get("/orgs/coop?lang=en").get_data(as_text=True)
    assert "¥1,234.56" in english
    assert "Mar 10, 2026" in b.get("/orgs/coop/vouchers").get_data(as_text=True)


def test_errors_speak_the_page_language(signed_in: Any) -> None:
    b = signed_in("acc")
    b.get("/orgs/coop?lang=en")
    response = b.post("/orgs/coop/vouchers/new", {**THREE_LINES, "lines-2-credit": "400"})
    assert "Debits and credits differ" in response.get_data(as_text=True)


def test_the_landing_page_says_where_each_user_goes(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for card in ("for-accountants", "for-households", "for-auditors", "for-villagers"):
        assert f'id="{card}"' in html
    assert 'href="/verify/"' in html and "POST /api/v1/auth/tokens" not in html
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Member households" in english and "Check a statement" in english


def test_the_plan_page_shows_each_appropriation_so_the_parts_add_up(
    signed_in: Any, books: Books
) -> None:
    """R, D, P, the welfare fund taken after the return and Q: D = P + others + Q on the page."""
    closed_year(books)
    welfare = {"name": "应付福利费", "account": "211", "amount": "5000.00"}
    made = books.post(
        "acc",
        "/api/v1/orgs/coop/distributions",
        {
            "year": 2025,
            "reserve_rate": "0.10",
            "patronage_ratio": "0.60",
            "other_appropriations": [welfare],
        },
    )
    assert made.status_code == 201, made.json
    html = (
        signed_in("acc").get(f"/orgs/coop/distributions/{made.json['id']}").get_data(as_text=True)
    )
    assert re.search(r'id="plan-reserve">\D*10,000\.00', html)
    assert re.search(r'id="plan-others">\D*5,000\.00', html)
    assert "90,000.00" in html and "54,000.00" in html and "31,000.00" in html


def test_the_wizard_takes_the_charters_rule_for_the_reserve(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    form = acc.get("/orgs/coop/distributions").get_data(as_text=True)
    assert 'id="reserve-basis"' in form
    inputs = {"year": "2025", "reserve_rate": "0.10", "patronage_ratio": "0.60"}
    made = acc.post("/orgs/coop/distributions", {**inputs, "reserve_basis": "even"})
    assert made.status_code == 302, made.get_data(as_text=True)
    plan_id = int(made.headers["Location"].rsplit("/", 1)[-1])
    plan = books.get("acc", f"/api/v1/orgs/coop/distributions/{plan_id}").json
    assert plan["inputs"]["reserve_basis"] == "even"
    assert {ln["reserve_share"] for ln in plan["lines"]} == {"5000.00"}

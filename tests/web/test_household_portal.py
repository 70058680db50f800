"""The household portal ``/me``: the last distributed year's amounts in large figures with their
reasons, every membership of the household (its cooperative and its village), and PDFs of the
year that has figures."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from coopledger.services import auth
from coopledger.services.ports import IssuedStatement
from tests.builders import plan_paid_in_part, post_ok, text_of, voucher
from tests.conftest import PASSWORD, Books, FastHasher
from tests.web.conftest import Browser


def _figure(html: str, org: str, which: str) -> str:
    block = html.split(f'id="amounts-{org}"')[1]
    found = re.search(rf'data-amount="{which}">([^<]+)<', block)
    assert found, which
    return found.group(1).removeprefix("¥")


def test_the_last_distributed_year_is_shown_in_large_figures_with_its_reasons(
    books: Books, signed_in: Any
) -> None:
    plan_paid_in_part(books)
    html = signed_in("hh1").get("/me").get_data(as_text=True)
    assert "2025年 您家的分配" in html
    owed = _figure(html, "coop", "owed")
    assert _figure(html, "coop", "paid") == "5,000.00"
    unpaid = _figure(html, "coop", "unpaid")
    to_fen = lambda text: int(text.replace(",", "").replace(".", ""))  # noqa: E731
    assert to_fen(owed) - 500_000 == to_fen(unpaid) > 0
    assert "您家的金额是这样算出来的" in html
    assert f"合计 {owed} 元" in html and "保底 8,000.00 元" in html
    # the PDFs open on the year that has figures, not the empty current one
    assert 'href="/me/coop/statements/2025.pdf"' in html
    assert 'href="/me/coop/account/2025.pdf"' in html


def test_the_member_record_shows_the_distributed_years_account(
    books: Books, signed_in: Any
) -> None:
    plan_paid_in_part(books)
    html = signed_in("hh1").get("/me").get_data(as_text=True)
    record = html.split('class="facts big my-record"')[1].split("</dl>")[0]
    shown = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", record))
    account = books.get("hh1", "/api/v1/orgs/coop/members/1/account?year=2025").json
    closing = account["closing"]
    money = lambda amount: f"¥{Decimal(amount):,.2f}"  # noqa: E731
    assert (shown["股金"], shown["合计份额"]) == (
        money(closing["capital"]),
        money(closing["total"]),
    )
    assert shown["2025年 返还"] == money(account["patronage_refund"]) != "¥0.00"
    assert shown["2025年 分配"] == money(account["residual_distribution"]) != "¥0.00"


def test_before_any_distribution_the_member_record_shows_this_years_account(
    books: Books, signed_in: Any
) -> None:
    post_ok(
        books,
        voucher("2026-03-01", ("102", "debit", "1500.00", None), ("301", "credit", "1500.00", "1")),
    )
    html = signed_in("hh1").get("/me").get_data(as_text=True)
    record = html.split('class="facts big my-record"')[1].split("</dl>")[0]
    shown = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", record))
    year = int(next(k for k in shown if k.endswith("年 返还")).split("年")[0])
    account = books.get("hh1", f"/api/v1/orgs/coop/members/1/account?year={year}").json
    closing = account["closing"]
    money = lambda amount: f"¥{Decimal(amount):,.2f}"  # noqa: E731
    assert (shown["股金"], shown["合计份额"]) == (
        money(closing["capital"]),
        money(closing["total"]),
    )
    assert shown["股金"] == "¥1,500.00"
    assert shown[f"{year}年 返还"] == money(account["patronage_refund"]) == "¥0.00"
    assert shown[f"{year}年 分配"] == money(account["residual_distribution"]) == "¥0.00"


def test_the_portal_speaks_english_too(books: Books, signed_in: Any) -> None:
    plan_paid_in_part(books)
    html = signed_in("hh1").get("/me?lang=en").get_data(as_text=True)
    assert "Your household's share for 2025" in html and "How your amount was reckoned" in html
    assert "Due" in html and "Unpaid" in html and "your household receives" in html


def test_before_any_distribution_the_portal_says_so(signed_in: Any) -> None:
    html = signed_in("hh1").get("/me").get_data(as_text=True)
    assert "还没有已记账的分配方案。" in html and 'id="amounts-coop"' not in html


def _two_memberships(books: Books) -> Browser:
    auth.create_user(
        books.uow(), None, FastHasher(), "hh-both", PASSWORD, "household", [],
        ["coop/1", "village/1"],
    )  # fmt: skip
    b = Browser(books.client.application.test_client())
    assert b.login("hh-both").status_code == 302
    return b


def test_a_household_in_a_cooperative_and_its_village_sees_both(books: Books) -> None:
    b = _two_memberships(books)
    html = b.get("/me").get_data(as_text=True)
    assert 'id="membership-coop"' in html and 'id="membership-village"' in html
    assert "绿源大蒜种植专业合作社" in html and "官王庙村股份经济合作社" in html
    account = b.get("/me/village/account/2026.pdf")
    assert account.status_code == 200 and "官王庙村股份经济合作社" in text_of(account.data)
    # an organization it is no member of does not exist for it
    assert b.get("/me/other/account/2026.pdf").status_code == 404
    assert b.get("/me/other/statements/2025.pdf").status_code == 404
    assert b.get("/api/v1/orgs/village/members/2/account?year=2026").status_code in (401, 404)


def test_a_household_with_one_membership_cannot_open_another_organization(
    signed_in: Any,
) -> None:
    hh = signed_in("hh1")
    assert hh.get("/me/village/account/2026.pdf").status_code == 404
    assert hh.get("/me/coop/account/2026.pdf").status_code == 200


def test_the_portal_is_refused_to_an_accountant(signed_in: Any) -> None:
    acc = signed_in("acc")
    assert acc.get("/me").status_code == 403
    assert acc.get("/me/coop/account/2025.pdf").status_code == 403


def test_memberships_are_named_over_the_api_one_per_organization(books: Books) -> None:
    body = {
        "username": "hh-api",
        "password": PASSWORD,
        "role": "household",
        "member": "coop/2",
        "also_members": ["village/2"],
    }
    created = books.post("admin", "/api/v1/users", body)
    assert created.status_code == 201, created.json
    assert created.json["member"] == "coop/2" and created.json["also_members"] == ["village/2"]
    assert created.json["orgs"] == ["coop", "village"]
    twice = books.post(
        "admin", "/api/v1/users", {**body, "username": "hh-api2", "also_members": ["coop/1"]}
    )
    assert twice.status_code == 422
    assert "one member of each organization" in str(twice.json)
    changed = books.client.patch(
        "/api/v1/users/hh-api",
        json={"role": "household", "member": "coop/2"},
        headers=books.headers("admin"),
    )
    assert changed.status_code == 200 and "also_members" not in changed.json


def test_a_code_issued_meanwhile_by_another_request_is_the_one_kept(
    books: Books, uow: Any, connection: Any
) -> None:
    """A household opening its page twice at once: both requests found no code and issued one;
    the second to write gets the first's code back, not a conflict."""
    plan_paid_in_part(books)
    with uow() as u:
        org = u.store.org_by_code("coop")
        member = u.store.member(org.id, "1")
        plan_id = next(i for i, _y, s in u.distributions.plans(org.id, 2025) if s == "posted")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    codes = []
    for code in ("A1B2C3D4E5F60708", "0807F6E5D4C3B2A1"):
        with uow() as u:
            issued = IssuedStatement(code, plan_id, 2025, 100, org.chain_seq, org.chain_head, at)
            codes.append(u.distributions.issue_statement(issued, org.id, member.id).code)
            u.commit()
    assert codes == ["A1B2C3D4E5F60708"] * 2
    assert connection.execute(text("SELECT count(*) FROM issued_statement")).scalar() == 1

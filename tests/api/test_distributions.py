"""Surplus distribution end to end: plan, approval, statutory vouchers, payments, the village flow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.builders import (
    approved_and_posted,
    closed_year,
    plan_body,
    post,
    post_ok,
    review_and_post,
    text_of,
    voucher,
)
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"
PLANS = f"{ORG}/distributions"


def balance(books: Books, account: str, member: str) -> str:
    return books.get(
        "aud", f"{ORG}/ledger?account={account}&member={member}&from=2025-01-01&to=2026-12-31"
    ).json["closing"]


def test_the_plan_splits_to_the_fen_and_keeps_its_inputs(books: Books) -> None:
    closed_year(books)
    made = books.post("acc", PLANS, plan_body(guarantee={"fixed": "8000.00"}))
    assert made.status_code == 201, made.json
    plan = made.json
    assert (plan["S"], plan["L"], plan["R"], plan["D"], plan["P"], plan["Q"], plan["T"]) == (
        "100000.00",
        "0.00",
        "10000.00",
        "90000.00",
        "54000.00",
        "36000.00",
        "2000.00",
    )
    rows = {ln["member"]: ln for ln in plan["lines"]}
    assert (
        rows["1"]["patronage"],
        rows["1"]["residual"],
        rows["1"]["topup"],
        rows["1"]["total"],
    ) == ("13500.00", "8000.00", "2000.00", "21500.00")
    assert (rows["2"]["patronage"], rows["2"]["residual"], rows["2"]["topup"]) == (
        "40500.00",
        "28000.00",
        "0.00",
    )
    assert rows["1"]["poverty_status"] == "exited" and rows["1"]["account_share"] == "2000.00"
    assert (
        plan["inputs"]["reserve_rate"] == "0.10"
        and plan["inputs"]["guarantee"]["fixed"] == "8000.00"
    )
    assert plan["status"] == "draft" and plan["totals"]["patronage"] == plan["P"]


def test_approve_post_and_the_ledger_equals_the_plan(books: Books) -> None:
    closed_year(books)
    plan = books.post("acc", PLANS, plan_body()).json
    own = books.post(
        "acc", f"{PLANS}/{plan['id']}/approve", {"resolution": "决议", "approved_on": "2026-01-20"}
    )
    assert own.status_code == 403
    early = books.post("acc", f"{PLANS}/{plan['id']}/post")
    assert early.status_code == 409
    approved = books.post(
        "rev", f"{PLANS}/{plan['id']}/approve", {"resolution": "决议", "approved_on": "2026-01-20"}
    )
    assert (
        approved.status_code == 200
        and approved.json["status"] == "approved"
        and approved.json["approved_by"] == "rev"
    )
    assert books.delete("acc", f"{PLANS}/{plan['id']}").status_code == 409
    second = books.post("acc", PLANS, plan_body(reserve_rate="0.20"))
    assert second.status_code == 409 and second.json["code"] == "plan_exists"  # one a year
    posted = books.post("acc", f"{PLANS}/{plan['id']}/post")
    assert posted.status_code == 200
    vouchers = posted.json["vouchers"]
    # the year-end close carried 本年盈余 into 未分配盈余 already: the appropriations, then 各项分配
    # cleared into 未分配盈余
    assert [v["date"] for v in vouchers] == ["2026-01-20"] * 2
    assert [(ln["account"], ln["debit"] or ln["credit"]) for ln in vouchers[1]["lines"]] == [
        ("33202", "100000.00"),
        ("33201", "100000.00"),
    ]
    assert {(ln["account"], ln["member"], ln["credit"]) for ln in vouchers[0]["lines"][1:]} == {
        ("322", None, "10000.00"),
        ("221", "1", "13500.00"),
        ("222", "1", "6000.00"),
        ("221", "2", "40500.00"),
        ("222", "2", "30000.00"),
    }
    assert books.post("acc", f"{PLANS}/{plan['id']}/post").status_code == 409
    for v in vouchers:
        review_and_post(books, v["id"])
    assert (balance(books, "221", "1"), balance(books, "222", "1")) == ("-13500.00", "-6000.00")
    assert (balance(books, "221", "2"), balance(books, "222", "2")) == ("-40500.00", "-30000.00")
    tb = {
        r["account"]: r
        for r in books.get(
            "aud", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-12-31"
        ).json["rows"]
    }
    assert tb["33201"]["closing_debit"] == tb["33201"]["closing_credit"] == "0.00"
    assert tb.get("331", {"closing_credit": "0.00"})["closing_credit"] == "0.00"  # no balance


def test_payments_partial_offset_full_and_never_more_than_owed(
    books: Books, connection: Any
) -> None:
    closed_year(books)
    post_ok(
        books,
        voucher("2026-01-05", ("114", "debit", "1000.00", "2"), ("102", "credit", "1000.00", None)),
    )
    plan = approved_and_posted(books)
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "1", "amount": "5000.00", "date": "2026-02-01", "method": "bank"},
    )
    assert paid.status_code == 201
    assert [
        (ln["account"], ln["debit"] or ln["credit"]) for ln in paid.json["vouchers"][0]["lines"]
    ] == [("221", "5000.00"), ("102", "5000.00")]
    line = next(ln for ln in paid.json["plan"]["lines"] if ln["member"] == "1")
    assert (line["paid"], line["unpaid"]) == ("5000.00", "14500.00")
    before = count_rows(connection)
    over = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "1", "amount": "14500.01", "date": "2026-02-02", "method": "cash"},
    )
    assert over.status_code == 422 and over.json["code"] == "more_than_owed"
    outside = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "77", "date": "2026-02-02", "method": "cash"},
    )
    assert outside.status_code == 422 and "member" in outside.json["errors"]
    assert count_rows(connection) == before
    review_and_post(books, paid.json["vouchers"][0]["id"])
    everyone = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"date": "2026-02-03", "method": "bank", "offset": True},
    )
    assert everyone.status_code == 201
    lines = everyone.json["vouchers"][0]["lines"]
    assert ("114", "2", "1000.00") in [(ln["account"], ln["member"], ln["credit"]) for ln in lines]
    review_and_post(books, everyone.json["vouchers"][0]["id"])
    final = {ln["member"]: ln for ln in books.get("aud", f"{PLANS}/{plan['id']}").json["lines"]}
    assert (
        final["2"]["offset"] == "1000.00"
        and final["2"]["unpaid"] == "0.00"
        and final["1"]["unpaid"] == "0.00"
    )
    for account in ("221", "222", "114"):
        for member in ("1", "2"):
            assert balance(books, account, member) == "0.00", (account, member)


def test_conversion_into_capital(books: Books) -> None:
    closed_year(books)
    plan = approved_and_posted(books)
    made = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/conversions",
        {
            "date": "2026-02-01",
            "resolution": "转股决议",
            "members": [{"member": "2", "amount": "10000.00"}],
        },
    )
    assert made.status_code == 201
    assert [
        (ln["account"], ln["debit"] or ln["credit"]) for ln in made.json["vouchers"][0]["lines"]
    ] == [("221", "10000.00"), ("301", "10000.00")]
    review_and_post(books, made.json["vouchers"][0]["id"])
    assert balance(books, "301", "2") == "-20000.00"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (plan_body(patronage_ratio="0.59"), 422, "patronage_ratio"),
        (plan_body(patronage_ratio="1.5"), 422, "patronage_ratio"),
        (plan_body(reserve_rate="1"), 422, "reserve_rate"),
        (plan_body(reserve_rate=0.1, patronage_ratio=1e-9), 422, "patronage_ratio"),
        (
            plan_body(guarantee={"fixed": "70000.00", "statuses": ["poor", "none"]}),
            422,
            "guarantee",
        ),
        (plan_body(year=2024), 409, None),
    ],
)
def test_bad_plans_are_refused(
    books: Books, connection: Any, body: dict[str, Any], status: int, field: str | None
) -> None:
    closed_year(books)
    before = count_rows(connection)
    response = books.post("acc", PLANS, body)
    assert response.status_code == status, response.json
    if field:
        assert field in response.json["errors"]
    if body.get("guarantee", {}).get("fixed") == "70000.00":
        assert "short by" in response.json["detail"] and "yuan" in response.json["detail"]
    assert count_rows(connection) == before


def test_the_patronage_return_is_rounded_up_to_the_fen(books: Books) -> None:
    """A surplus of 100,000.02: the reserve is 10,000.00 and 可分配盈余 90,000.02, of which 60 %
    is 54,000.012 — the return is 54,000.02 (half up it would be 54,000.01, below 60 %)."""
    post_ok(
        books,
        voucher("2025-06-02", ("102", "debit", "0.02", None), ("502", "credit", "0.02", None)),
    )
    closed_year(books)
    plan = books.post("acc", PLANS, plan_body()).json
    assert (plan["S"], plan["R"], plan["D"], plan["P"], plan["Q"]) == (
        "100000.02",
        "10000.00",
        "90000.02",
        "54000.02",
        "36000.00",
    )
    assert plan["totals"]["patronage"] == "54000.02"


WELFARE = {"name": "应付福利费", "account": "211", "amount": "5000.00"}


def test_another_appropriation_comes_out_after_the_patronage_return(books: Books) -> None:
    """A welfare fund of 5,000.00 does not shrink 可分配盈余 (90,000.00 after the reserve): the
    return stays 60 % of it, 54,000.00, and the fund comes out of the residual part, leaving
    31,000.00 to split by shares."""
    closed_year(books)
    plan = approved_and_posted(books, other_appropriations=[WELFARE])
    assert (plan["R"], plan["others"], plan["D"], plan["P"], plan["Q"]) == (
        "10000.00",
        "5000.00",
        "90000.00",
        "54000.00",
        "31000.00",
    )
    rows = {ln["member"]: ln for ln in plan["lines"]}
    assert (rows["1"]["patronage"], rows["2"]["patronage"]) == ("13500.00", "40500.00")
    assert (rows["1"]["residual"], rows["2"]["residual"]) == ("5166.67", "25833.33")
    assert plan["inputs"]["other_appropriations"][0]["appropriated"] == "5000.00"
    vouchers = [books.get("aud", f"{ORG}/vouchers/{v}").json for v in plan["vouchers"]]
    assert ("211", None, "5000.00") in {
        (ln["account"], ln["member"], ln["credit"]) for ln in vouchers[0]["lines"]
    }
    assert [(ln["account"], ln["debit"] or ln["credit"]) for ln in vouchers[1]["lines"]] == [
        ("33202", "100000.00"),
        ("33201", "100000.00"),
    ]
    tb = {
        r["account"]: r
        for r in books.get(
            "aud", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-12-31"
        ).json["rows"]
    }
    assert tb["33201"]["closing_debit"] == tb["33201"]["closing_credit"] == "0.00"
    assert tb["211"]["closing_credit"] == "5000.00"
    # the household's statement says where the 5,000.00 went before the split by shares
    for lang, says in (
        ("zh", "扣除其他提取5,000.00元后，其余31,000.00元按账户份额分配"),
        ("en", "Afterotherappropriationsof5,000.00yuan,theremaining31,000.00yuan"),
    ):
        pdf = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf?lang={lang}")
        assert pdf.status_code == 200 and says in text_of(pdf.data), lang


@pytest.mark.parametrize(
    ("org", "fits"),
    [("coop", "36000.00"), ("village", "90000.00")],  # after the return; a village has none
)
def test_other_appropriations_above_what_remains_are_refused(
    books: Books, connection: Any, org: str, fits: str
) -> None:
    closed_year(books, org)
    base = f"/api/v1/orgs/{org}/distributions"
    body = (
        plan_body()
        if org == "coop"
        else {"year": 2025, "reserve_rate": "0.10", "patronage_ratio": "0"}
    )
    before = count_rows(connection)
    over = {**WELFARE, "amount": str(Decimal(fits) + Decimal("0.01"))}
    refused = books.post("acc", base, {**body, "other_appropriations": [over]})
    assert refused.status_code == 422, refused.json
    assert "other_appropriations" in refused.json["errors"]
    assert f"{fits} yuan" in refused.json["detail"]
    assert count_rows(connection) == before
    exact = books.post("acc", base, {**body, "other_appropriations": [{**WELFARE, "amount": fits}]})
    assert exact.status_code == 201 and exact.json["Q"] == "0.00", exact.json


def test_float_rates_are_read_by_their_decimal_text(books: Books) -> None:
    closed_year(books)
    plan = books.post("acc", PLANS, plan_body(reserve_rate=0.1, patronage_ratio=0.6)).json
    assert plan["R"] == "10000.00" and plan["P"] == "54000.00"


def test_the_village_distributes_by_shares_to_its_households(books: Books) -> None:
    closed_year(books, "village")
    base = "/api/v1/orgs/village/distributions"
    made = books.post(
        "acc", base, {"year": 2025, "reserve_rate": "0.10", "guarantee": {"fixed": "30000.00"}}
    )
    assert made.status_code == 201, made.json
    plan = made.json
    assert plan["P"] == "0.00" and plan["D"] == "90000.00"
    rows = {ln["member"]: ln for ln in plan["lines"]}
    assert rows["1"]["total"] == "30000.00" and rows["2"]["total"] == "60000.00"
    books.post(
        "rev",
        f"{base}/{plan['id']}/approve",
        {"resolution": "村民代表会议决议", "approved_on": "2026-01-15"},
    )
    posted = books.post("acc", f"{base}/{plan['id']}/post").json
    assert {
        (ln["account"], ln["member"], ln["credit"]) for ln in posted["vouchers"][0]["lines"][1:]
    } == {("311", None, "10000.00"), ("113", "1", "30000.00"), ("113", "2", "60000.00")}
    for v in posted["vouchers"]:
        review_and_post(books, v["id"], "village")
    paid = books.post(
        "acc", f"{base}/{plan['id']}/payments", {"date": "2026-02-01", "method": "bank"}
    )
    assert [
        (ln["account"], ln["debit"] or ln["credit"]) for ln in paid.json["vouchers"][0]["lines"]
    ][:2] == [("113", "30000.00"), ("113", "60000.00")]


def test_the_member_account_shows_the_years_refund_and_residual(books: Books) -> None:
    closed_year(books)
    approved_and_posted(books)
    account = books.get("hh1", f"{ORG}/members/1/account?year=2025").json
    assert (account["patronage_refund"], account["residual_distribution"]) == (
        "13500.00",
        "6000.00",
    )
    assert account["transactions"][0]["amount"] == "50000.00"


def test_the_village_receives_its_dividend_in_its_own_books(books: Books) -> None:
    member = books.post(
        "acc",
        f"{ORG}/members",
        {
            "member_no": "JT01",
            "name": "官王庙村股份经济合作社",
            "kind": "collective",
            "organization": "village",
        },
    )
    assert member.status_code == 201 and member.json["organization"] == "village"
    assert books.get("aud", f"{ORG}/members/JT01").json["organization"] == "village"
    post_ok(
        books,
        voucher(
            "2025-03-01", ("102", "debit", "50000.00", None), ("301", "credit", "50000.00", "JT01")
        ),
    )
    closed_year(books)
    plan = approved_and_posted(books)
    jt = next(ln for ln in plan["lines"] if ln["member"] == "JT01")
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "JT01", "date": "2026-02-01", "method": "bank"},
    )
    village = "/api/v1/orgs/village"
    assert (
        books.post(
            "acc",
            f"{village}/dividends/receipts",
            {"cooperative": "coop", "plan": plan["id"], "date": "2026-02-03"},
        ).status_code
        == 422
    )
    review_and_post(books, paid.json["vouchers"][0]["id"])
    due = books.get("acc", f"{village}/dividends").json["items"]
    assert due == [
        {
            "cooperative": "coop",
            "plan": plan["id"],
            "year": 2025,
            "member": "JT01",
            "paid": jt["total"],
            "receipt_voucher": None,
        }
    ]
    receipt = books.post(
        "acc",
        f"{village}/dividends/receipts",
        {"cooperative": "coop", "plan": plan["id"], "date": "2026-02-03"},
    )
    assert receipt.status_code == 201
    assert [(ln["account"], ln["debit"] or ln["credit"]) for ln in receipt.json["lines"]] == [
        ("102", jt["total"]),
        ("502", jt["total"]),
    ]
    again = books.post(
        "acc",
        f"{village}/dividends/receipts",
        {"cooperative": "coop", "plan": plan["id"], "date": "2026-02-04"},
    )
    assert again.status_code == 409
    assert (
        books.get("acc", f"{village}/dividends").json["items"][0]["receipt_voucher"]
        == receipt.json["id"]
    )
    household = books.post(
        "acc", f"{ORG}/members", {"member_no": "H9", "name": "x", "organization": "village"}
    )
    assert household.status_code == 422 and "organization" in household.json["errors"]
    hidden = books.post(
        "acc",
        f"{ORG}/members",
        {"member_no": "X1", "name": "x", "kind": "collective", "organization": "other"},
    )
    assert hidden.status_code == 422 and "organization" in hidden.json["errors"]


def test_another_organizations_plan_is_absent_and_a_closed_month_refuses_payment(
    books: Books, connection: Any
) -> None:
    closed_year(books)
    plan = approved_and_posted(books)
    assert books.get("other-acc", f"{PLANS}/{plan['id']}").status_code == 404
    assert books.get("acc", f"/api/v1/orgs/village/distributions/{plan['id']}").status_code == 404
    assert (
        books.post(
            "hh1", f"{PLANS}/{plan['id']}/payments", {"date": "2026-02-01", "method": "bank"}
        ).status_code
        == 403
    )
    assert books.post("acc", f"{ORG}/periods/2026-01/close").status_code == 200
    assert books.post("acc", f"{ORG}/periods/2026-02/close").status_code == 200
    before = count_rows(connection)
    refused = books.post(
        "acc", f"{PLANS}/{plan['id']}/payments", {"date": "2026-02-10", "method": "bank"}
    )
    assert refused.status_code == 409 and refused.json["code"] == "period_closed"
    assert count_rows(connection) == before


# -- the reserve quantified into the members' accounts ---------------------------------------------


def test_the_years_reserve_is_quantified_into_the_members_accounts(books: Books) -> None:
    """The 10,000.00 reserve of 2025 goes into the members' accounts by their transactions
    (50,000 and 150,000): 2,500.00 and 7,500.00, on the plan, in the share register and in the
    member account — and the account shares that split a later year's residual count it."""
    closed_year(books)
    plan = approved_and_posted(books)
    assert plan["inputs"]["reserve_basis"] == "transactions"
    shares = {ln["member"]: ln["reserve_share"] for ln in plan["lines"]}
    assert shares == {"1": "2500.00", "2": "7500.00"}
    events = books.get("aud", f"{ORG}/shares/events").json
    reserve = [e for e in events["items"] if e["kind"] == "quantify_reserve"]
    assert len(reserve) == 1 and reserve[0]["amount"] == "10000.00"
    account = books.get("hh1", f"{ORG}/members/1/account?year=2026").json
    assert account["closing"]["reserve_share"] == "2500.00"
    register = books.get("aud", f"{ORG}/shares").json
    assert register["totals"]["reserve_share"] == "10000.00"


def test_a_member_who_leaves_after_the_appropriation_gets_its_reserve_share(
    books: Books,
) -> None:
    closed_year(books)
    approved_and_posted(books)
    left = books.post("acc", f"{ORG}/members/1/leave", {"date": "2026-05-01"})
    assert left.status_code == 200, left.json
    lines = left.json["refund_voucher"]["lines"]
    paid = {(ln["account"], ln["debit"] or ln["credit"]) for ln in lines}
    assert ("301", "2000.00") in paid and ("322", "2500.00") in paid  # capital, 盈余公积 share
    assert ("102", "4500.00") in paid


def test_the_reserve_basis_is_the_charters_and_an_empty_one_is_refused(books: Books) -> None:
    closed_year(books)
    evenly = books.post("acc", PLANS, plan_body(reserve_basis="even"))
    assert evenly.status_code == 201, evenly.json
    assert {ln["reserve_share"] for ln in evenly.json["lines"]} == {"5000.00"}
    books.delete("acc", f"{PLANS}/{evenly.json['id']}")
    wrong = books.post("acc", PLANS, plan_body(reserve_basis="by_height"))
    assert wrong.status_code == 422 and "reserve_basis" in wrong.json["errors"]


VILLAGE_PLANS = "/api/v1/orgs/village/distributions"


def test_a_village_plan_beyond_its_cash_and_bank_is_refused_unless_overridden(
    books: Books, connection: Any
) -> None:
    """50,000 of the village's bank went on a building: 62,000 is left at the year's end, and
    the plan would pay its households 90,000 (100,000 less the 10 % reserve)."""
    post(
        books,
        "2025-03-01",
        ("151", "debit", "50000.00", None),
        ("102", "credit", "50000.00", None),
        org="village",
    )
    closed_year(books, "village")
    before = count_rows(connection)
    body = {"year": 2025, "reserve_rate": "0.10"}
    refused = books.post("acc", VILLAGE_PLANS, body)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "beyond_cash"
    assert "90000.00" in refused.json["detail"] and "62000.00" in refused.json["detail"]
    assert "举债分配" in refused.json["detail"]
    assert count_rows(connection) == before
    made = books.post("acc", VILLAGE_PLANS, {**body, "override": True})
    assert made.status_code == 201, made.json
    assert made.json["inputs"]["overridden"] == [
        {"code": "beyond_cash", "payout": "90000.00", "cash": "62000.00", "year": "2025"}
    ]
    log = books.get("aud", "/api/v1/orgs/village/audit/log?action=distribution.create").json
    assert log["items"][-1]["new"]["overridden"][0]["code"] == "beyond_cash"


def test_a_village_plan_never_distributes_its_operating_subsidy_unless_overridden(
    books: Books,
) -> None:
    """A 45,000 村级组织运转经费 subsidy makes the surplus 145,000; the households may have at
    most the 100,000 earned: a 10 % reserve leaves them 130,500, a 40 % one 87,000."""
    post(
        books,
        "2025-04-10",
        ("102", "debit", "45000.00", None),
        ("503", "credit", "45000.00", None),
        org="village",
    )
    closed_year(books, "village")
    refused = books.post("acc", VILLAGE_PLANS, {"year": 2025, "reserve_rate": "0.10"})
    assert refused.status_code == 409 and refused.json["code"] == "distributes_subsidy"
    detail = refused.json["detail"]
    assert "130500.00" in detail and "100000.00" in detail and "45000.00" in detail
    assert "村级组织运转经费" in detail
    kept = books.post("acc", VILLAGE_PLANS, {"year": 2025, "reserve_rate": "0.40"})
    assert kept.status_code == 201, kept.json
    assert kept.json["Q"] == "87000.00" and "overridden" not in kept.json["inputs"]

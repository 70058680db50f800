"""The statutory year-end, in order: the results carried (income and expense into 本年盈余, 本年盈余
into 未分配盈余) with December left open, the approved plan's vouchers dated 31 December, then
December and the year closed — so the year's statements show the year's distribution."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.builders import PLANS, closed_year, plan_body, post, review_and_post, voucher
from tests.conftest import PASSWORD, Books

ORG = "/api/v1/orgs/coop"
VILLAGE = "/api/v1/orgs/village"


def lines(body: dict[str, Any]) -> dict[str, tuple[str | None, str | None]]:
    return {ln["key"]: (ln["current"], ln["prior"]) for ln in body["lines"]}


def months(books: Books, base: str = ORG) -> dict[str, str]:
    return {p["period"]: p["status"] for p in books.get("acc", f"{base}/periods").json["items"]}


def closing_balances(books: Books, on: str, base: str = ORG) -> dict[str, int]:
    """Account → closing balance in fen (debit > 0) from the trial balance of the year to ``on``."""
    tb = books.get("aud", f"{base}/reports/trial-balance?from={on[:4]}-01-01&to={on}").json
    out = {}
    for row in tb["rows"]:
        net = Decimal(row["closing_debit"]) - Decimal(row["closing_credit"])
        out[row["account"]] = int(net * 100)
    return out


def plan_through_posting(books: Books, base: str = ORG, **kw: Any) -> dict[str, Any]:
    """A 2025 plan made, approved on 2026-01-20 by the members' meeting, its vouchers prepared and
    posted by the reviewer and the accountant; the post response (plan and vouchers)."""
    body = plan_body(**kw) if base == ORG else {"year": 2025, "reserve_rate": "0.10", **kw}
    plan = books.post("acc", f"{base}/distributions", body)
    assert plan.status_code == 201, plan.json
    approved = books.post(
        "rev",
        f"{base}/distributions/{plan.json['id']}/approve",
        {"resolution": "成员大会决议2026-01号", "approved_on": "2026-01-20"},
    )
    assert approved.status_code == 200, approved.json
    posted = books.post("acc", f"{base}/distributions/{plan.json['id']}/post")
    assert posted.status_code == 200, posted.json
    return posted.json  # type: ignore[no-any-return]


class TestTheSurplusYear:
    def test_carrying_leaves_december_open_and_331_at_zero(self, books: Books) -> None:
        closed_year(books, step="carry")
        status = months(books)
        assert status["2025-11"] == "closed" and status.get("2025-12", "open") == "open"
        balances = closing_balances(books, "2025-12-31")
        assert balances.get("331", 0) == 0
        assert balances["33202"] == -10_000_000  # 100,000.00 credit in 未分配盈余
        # the year's statement reads its income from the closing vouchers, as for a closed year
        got = lines(books.get("acc", f"{ORG}/reports/surplus?year=2025").json)
        assert got["operating_income"][0] == "100000.00" and got["surplus"][0] == "100000.00"
        assert got["closing_undistributed"][0] == "100000.00"

    def test_the_plans_vouchers_are_dated_31_december_and_the_year_shows_them(
        self, books: Books
    ) -> None:
        closed_year(books, step="carry")
        posted = plan_through_posting(books)
        assert {v["date"] for v in posted["vouchers"]} == {"2025-12-31"}
        for v in posted["vouchers"]:
            review_and_post(books, v["id"])
        closed = books.post("acc", f"{ORG}/years/2025/close")
        assert closed.status_code == 200, closed.json
        assert closed.json["stage"] == "closed" and closed.json["surplus"] == "100000.00"
        assert set(months(books).values()) == {"closed"}

        got = lines(books.get("acc", f"{ORG}/reports/surplus?year=2025").json)
        assert got["surplus"][0] == "100000.00"
        assert got["reserve"][0] == "10000.00"
        assert got["distributable"][0] == "90000.00"
        assert got["patronage"][0] == "54000.00" and got["residual"][0] == "36000.00"
        assert got["closing_undistributed"][0] == "0.00"
        sheet = books.get("acc", f"{ORG}/reports/balance-sheet?as_of=2025-12-31").json
        assert sheet["balanced"] is True
        assert lines(sheet)["undistributed"][0] == "0.00"
        assert lines(sheet)["surplus_reserve"][0] == "10000.00"
        balances = closing_balances(books, "2025-12-31")
        assert balances.get("331", 0) == 0 and balances.get("33201", 0) == 0
        # the next year opens with nothing of 2025's distribution in it
        next_year = lines(books.get("acc", f"{ORG}/reports/surplus?year=2026").json)
        assert next_year["opening_undistributed"][0] == "0.00"
        assert next_year["reserve"][0] == "0.00"

    def test_the_reserve_is_quantified_on_31_december(self, books: Books) -> None:
        closed_year(books, step="carry")
        plan_through_posting(books)
        events = books.get("aud", f"{ORG}/shares/events").json["items"]
        reserve = [e for e in events if e["kind"] == "quantify_reserve"]
        assert [(e["date"], e["amount"]) for e in reserve] == [("2025-12-31", "10000.00")]

    def test_the_year_does_not_close_while_the_plans_vouchers_wait(self, books: Books) -> None:
        closed_year(books, step="carry")
        plan_through_posting(books)
        refused = books.post("acc", f"{ORG}/years/2025/close")
        assert refused.status_code == 409 and refused.json["code"] == "vouchers_pending"
        assert months(books).get("2025-12", "open") == "open"

    def test_income_posted_into_december_after_the_carry_is_carried_at_the_close(
        self, books: Books
    ) -> None:
        closed_year(books, step="carry")
        post(
            books,
            "2025-12-20",
            ("102", "debit", "500.00", None),
            ("501", "credit", "500.00", None),
        )
        closed = books.post("acc", f"{ORG}/years/2025/close").json
        assert closed["surplus"] == "100500.00"
        balances = closing_balances(books, "2025-12-31")
        assert balances.get("331", 0) == 0 and balances.get("501", 0) == 0
        assert balances["33202"] == -10_050_000
        plan = books.post("acc", PLANS, plan_body()).json
        assert plan["S"] == "100500.00"

    def test_a_year_is_carried_once(self, books: Books) -> None:
        closed_year(books, step="carry")
        again = books.post("acc", f"{ORG}/years/2025/carry")
        assert again.status_code == 409 and again.json["code"] == "year_carried"
        assert books.post("acc", f"{ORG}/years/2025/close").status_code == 200
        late = books.post("acc", f"{ORG}/years/2025/carry")
        assert late.status_code == 409 and late.json["code"] == "year_closed"

    def test_a_plan_after_the_year_closed_is_dated_on_its_approval(self, books: Books) -> None:
        closed_year(books)
        posted = plan_through_posting(books)
        assert {v["date"] for v in posted["vouchers"]} == {"2026-01-20"}

    def test_carrying_is_for_those_who_close(self, books: Books) -> None:
        closed_year(books, step="carry")  # the accountant may
        for user in ("rev", "aud", "hh1"):
            response = books.post(user, f"{ORG}/years/2026/carry")
            assert response.status_code == 403, (user, response.json)


class TestTheLossYear:
    def test_a_loss_is_carried_into_未分配盈余_and_the_year_closes(self, books: Books) -> None:
        post(
            books,
            "2025-03-03",
            ("523", "debit", "800.00", None),
            ("102", "credit", "800.00", None),
        )
        post(
            books,
            "2025-01-03",
            ("102", "debit", "5000.00", None),
            ("301", "credit", "5000.00", "1"),
        )
        carried = books.post("acc", f"{ORG}/years/2025/carry").json
        assert carried["surplus"] == "-800.00" and carried["stage"] == "carried"
        closed = books.post("acc", f"{ORG}/years/2025/close").json
        assert closed["surplus"] == "-800.00" and closed["stage"] == "closed"
        balances = closing_balances(books, "2025-12-31")
        assert balances.get("331", 0) == 0 and balances["33202"] == 80_000
        body = books.get("acc", f"{ORG}/reports/surplus?year=2025").json
        assert lines(body)["closing_undistributed"][0] == "-800.00"
        assert all(tie["holds"] for tie in body["ties"])


class TestTheVillage:
    def test_the_village_runs_the_same_sequence_in_its_own_accounts(self, books: Books) -> None:
        closed_year(books, "village", step="carry")
        posted = plan_through_posting(books, VILLAGE, guarantee={"fixed": "30000.00"})
        assert {v["date"] for v in posted["vouchers"]} == {"2025-12-31"}
        for v in posted["vouchers"]:
            review_and_post(books, v["id"], "village")
        assert books.post("acc", f"{VILLAGE}/years/2025/close").status_code == 200
        balances = closing_balances(books, "2025-12-31", VILLAGE)
        assert balances.get("321", 0) == 0 and balances.get("322", 0) == 0
        body = books.get("acc", f"{VILLAGE}/reports/surplus?year=2025").json
        assert all(tie["holds"] for tie in body["ties"])


class TestReopeningTheYear:
    def test_an_administrator_reopens_december_and_the_next_close_carries_the_late_entry(
        self, books: Books
    ) -> None:
        closed_year(books)
        assert books.post("acc", f"{ORG}/years/2025/reopen").status_code == 403
        reopened = books.post("admin", f"{ORG}/years/2025/reopen")
        assert reopened.status_code == 200, reopened.json
        assert reopened.json["stage"] == "carried"
        assert months(books)["2025-12"] == "open" and months(books)["2025-11"] == "closed"
        log = books.get("aud", f"{ORG}/audit/log").json["items"]
        assert any(e["action"] == "year.reopen" for e in log)
        post(
            books,
            "2025-12-30",
            ("102", "debit", "250.00", None),
            ("501", "credit", "250.00", None),
        )
        closed = books.post("acc", f"{ORG}/years/2025/close").json
        assert closed["surplus"] == "100250.00" and closed["stage"] == "closed"
        balances = closing_balances(books, "2025-12-31")
        assert balances.get("331", 0) == 0 and balances["33202"] == -10_025_000
        body = books.get("acc", f"{ORG}/reports/surplus?year=2025").json
        assert lines(body)["surplus"][0] == "100250.00"
        assert all(tie["holds"] for tie in body["ties"])

    def test_a_year_reopens_only_when_nothing_after_it_is_closed(self, books: Books) -> None:
        closed_year(books)
        post(
            books,
            "2026-01-10",
            ("102", "debit", "10.00", None),
            ("501", "credit", "10.00", None),
        )
        assert books.post("acc", f"{ORG}/periods/2026-01/close").status_code == 200
        refused = books.post("admin", f"{ORG}/years/2025/reopen")
        assert refused.status_code == 409 and refused.json["code"] == "later_period_closed"
        assert months(books)["2025-12"] == "closed"
        open_year = books.post("admin", f"{ORG}/years/2026/reopen")
        assert open_year.status_code == 409 and open_year.json["code"] == "year_open"


CHARTS = {  # chart → (kind, 本年盈余, 未分配盈余, an expense account)
    "cooperative-2021": ("cooperative", "331", "33202", "523"),
    "cooperative-2007": ("cooperative", "331", "33202", "522"),
    "village-2023": ("village_collective", "321", "32202", "513"),
    "village-2004": ("village_collective", "321", "32202", "541"),
}


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_carries_a_surplus_then_a_loss_and_its_statements_tie(
    books: Books, chart: str
) -> None:
    """2025 earns 1,000.00 and spends 400.00; 2026 spends 900.00: each year carried, then closed,
    本年盈余 at zero, 未分配盈余 600.00 then −300.00, the surplus statement agreeing with the
    balance sheet and the balance sheet balanced."""
    kind, surplus, _undistributed, expense = CHARTS[chart]
    code = "y" + chart.split("-")[0][0] + chart.split("-")[1]  # yc2021, yv2004 …
    org = {"code": code, "name": f"{chart} 测试", "kind": kind, "chart": chart}
    assert books.post("admin", "/api/v1/orgs", org).status_code == 201
    clerk, reviewer = f"k-{code}", f"r-{code}"
    for name, role in ((clerk, "accountant"), (reviewer, "reviewer")):
        body = {"username": name, "password": PASSWORD, "role": role, "orgs": [code]}
        assert books.post("admin", "/api/v1/users", body).status_code == 201
        answer = books.client.post(
            "/api/v1/auth/tokens", json={"username": name, "password": PASSWORD}
        )
        books.tokens[name] = answer.get_json()["token"]
    base = f"/api/v1/orgs/{code}"

    def entry(day: str, debit: str, credit: str, amount: str) -> None:
        body = voucher(day, (debit, "debit", amount, None), (credit, "credit", amount, None))
        made = books.post(clerk, f"{base}/vouchers", body)
        assert made.status_code == 201, made.json
        assert books.post(reviewer, f"{base}/vouchers/{made.json['id']}/review").status_code == 200
        posted = books.post(clerk, f"{base}/vouchers/{made.json['id']}/post")
        assert posted.status_code == 200, posted.json

    entry("2025-03-01", "102", "501", "1000.00")
    entry("2025-04-01", expense, "102", "400.00")
    for year, expected in ((2025, "600.00"), (2026, "-300.00")):
        if year == 2026:
            entry("2026-05-01", expense, "102", "900.00")
        for step in ("carry", "close"):
            done = books.post(clerk, f"{base}/years/{year}/{step}")
            assert done.status_code == 200, (step, done.json)
        tb = books.get(clerk, f"{base}/reports/trial-balance?from={year}-01-01&to={year}-12-31")
        rows = {r["account"]: r for r in tb.json["rows"]}
        assert (rows[surplus]["closing_debit"], rows[surplus]["closing_credit"]) == ("0.00", "0.00")
        statement = books.get(clerk, f"{base}/reports/surplus?year={year}").json
        assert all(tie["holds"] for tie in statement["ties"]), statement["ties"]
        assert [
            ln["current"] for ln in statement["lines"] if ln["key"] == "closing_undistributed"
        ] == [expected]
        sheet = books.get(clerk, f"{base}/reports/balance-sheet?as_of={year}-12-31").json
        assert sheet["balanced"] is True


def test_nothing_is_posted_before_a_closed_month(books: Books) -> None:
    """A month left empty and open before a closed one takes no voucher: the closed month's
    balances would change underneath it. A draft made before the close is not posted either."""
    post(books, "2026-03-05", ("102", "debit", "10.00", None), ("501", "credit", "10.00", None))
    draft = books.voucher(date="2026-01-20")
    assert books.post("acc", f"{ORG}/periods/2026-03/close").status_code == 200
    made = books.post(
        "acc",
        f"{ORG}/vouchers",
        voucher("2026-02-10", ("102", "debit", "5.00", None), ("501", "credit", "5.00", None)),
    )
    assert made.status_code == 409 and made.json["code"] == "later_period_closed"
    assert "2026-03" in made.json["detail"]
    assert books.post("rev", f"{ORG}/vouchers/{draft['id']}/review").status_code == 200
    refused = books.post("acc", f"{ORG}/vouchers/{draft['id']}/post")
    assert refused.status_code == 409 and refused.json["code"] == "later_period_closed"


def test_another_organizations_year_is_404_and_a_bad_year_422(books: Books) -> None:
    """The year routes stay inside the organization asked for; a year out of range names it."""
    closed_year(books, step="carry")
    for step in ("carry", "close", "reopen"):
        other = books.post("other-acc", f"{ORG}/years/2025/{step}")
        assert other.status_code == 404, (step, other.json)
        bad = books.post("admin", f"{ORG}/years/1999/{step}")
        assert bad.status_code == 422 and "year" in bad.json["errors"], (step, bad.json)
    assert months(books).get("2025-12", "open") == "open"  # the carried year untouched

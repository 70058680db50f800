"""Closing months and years, and the reports that fold the posted lines."""

from __future__ import annotations

from typing import Any

from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"


def sale(amount: str, date: str, account: str = "501") -> dict[str, Any]:
    return {
        "date": date,
        "lines": [{"account": "102", "debit": amount}, {"account": account, "credit": amount}],
    }


def expense(amount: str, date: str, account: str = "523") -> dict[str, Any]:
    return {
        "date": date,
        "lines": [{"account": account, "debit": amount}, {"account": "102", "credit": amount}],
    }


class TestPeriods:
    def test_close_a_month_then_nothing_posts_into_it(self, books: Books) -> None:
        draft = books.voucher(date="2026-01-20")
        books.posted(date="2026-01-10")
        pending = books.post("acc", f"{ORG}/periods/2026-01/close")
        assert pending.status_code == 409 and pending.json["code"] == "vouchers_pending"
        books.post("rev", f"{ORG}/vouchers/{draft['id']}/review")
        closed = books.post("acc", f"{ORG}/periods/2026-01/close")
        assert closed.status_code == 409  # the reviewed voucher is still not posted
        books.post("acc", f"{ORG}/vouchers/{draft['id']}/post")
        closed = books.post("acc", f"{ORG}/periods/2026-01/close")
        assert closed.status_code == 200 and closed.json == {
            "period": "2026-01",
            "status": "closed",
            "vouchers_posted": 2,
            "closed_at": closed.json["closed_at"],
        }
        again = books.post("acc", f"{ORG}/periods/2026-01/close")
        assert again.status_code == 409

    def test_a_reviewed_voucher_goes_back_to_draft_and_a_closed_month_takes_nothing(
        self, books: Books, connection: Any
    ) -> None:
        draft = books.voucher(date="2026-02-10")
        books.post("rev", f"{ORG}/vouchers/{draft['id']}/review")
        back = books.post("rev", f"{ORG}/vouchers/{draft['id']}/unreview")
        assert (
            back.status_code == 200
            and back.json["status"] == "draft"
            and back.json["reviewed_by"] is None
        )
        assert books.delete("acc", f"{ORG}/vouchers/{draft['id']}").status_code == 204
        assert books.post("acc", f"{ORG}/periods/2026-02/close").status_code == 200
        before = count_rows(connection)
        response = books.post("acc", f"{ORG}/vouchers", sale("1.00", "2026-02-11"))
        assert response.status_code == 409 and response.json["code"] == "period_closed"
        assert count_rows(connection) == before

    def test_months_close_in_order_and_reopen_in_reverse(self, books: Books) -> None:
        books.posted(date="2026-01-10")
        books.posted(date="2026-02-10")
        early = books.post("acc", f"{ORG}/periods/2026-02/close")
        assert early.status_code == 409 and early.json["code"] == "earlier_period_open"
        assert books.post("acc", f"{ORG}/periods/2026-01/close").status_code == 200
        assert books.post("acc", f"{ORG}/periods/2026-02/close").status_code == 200
        out_of_order = books.post("admin", f"{ORG}/periods/2026-01/reopen")
        assert (
            out_of_order.status_code == 409 and out_of_order.json["code"] == "later_period_closed"
        )
        assert books.post("admin", f"{ORG}/periods/2026-02/reopen").status_code == 200
        listed = books.get("aud", f"{ORG}/periods").json["items"]
        assert [(p["period"], p["status"]) for p in listed] == [
            ("2026-01", "closed"),
            ("2026-02", "open"),
        ]

    def test_bad_period_is_422(self, books: Books) -> None:
        response = books.post("acc", f"{ORG}/periods/2026-13/close")
        assert response.status_code == 422 and "period" in response.json["errors"]


class TestYearEnd:
    def test_year_close_carries_income_and_expense_into_current_year_surplus(
        self, books: Books
    ) -> None:
        for body in (
            sale("12000.50", "2025-05-01"),
            sale("3000.00", "2025-09-01", "502"),
            expense("2500.25", "2025-06-01"),
            expense("500.00", "2025-12-31", "529"),
        ):
            v = books.post("acc", f"{ORG}/vouchers", body).json
            books.post("rev", f"{ORG}/vouchers/{v['id']}/review")
            books.post("acc", f"{ORG}/vouchers/{v['id']}/post")
        result = books.post("acc", f"{ORG}/years/2025/close")
        assert result.status_code == 200 and result.json["surplus"] == "12000.25"
        closing = books.get("aud", f"{ORG}/vouchers/{result.json['closing_voucher']}").json
        assert (
            closing["kind"] == "closing"
            and closing["status"] == "posted"
            and closing["date"] == "2025-12-31"
        )
        assert {ln["account"]: ln["credit"] for ln in closing["lines"]}["331"] == "12000.25"
        tb = books.get("aud", f"{ORG}/reports/trial-balance?from=2025-01-01&to=2025-12-31").json
        rows = {r["account"]: r for r in tb["rows"]}
        for code in ("501", "502", "523", "529"):
            assert rows[code]["closing_debit"] == rows[code]["closing_credit"] == "0.00"
        # then 本年盈余 into 未分配盈余: 331 ends the year at zero
        assert rows["331"]["closing_credit"] == rows["331"]["closing_debit"] == "0.00"
        assert rows["33202"]["closing_credit"] == "12000.25" and tb["balanced"]

    def test_a_loss_year_closes_and_its_loss_waits_in_undistributed_surplus(
        self, books: Books
    ) -> None:
        for body in (sale("1000.00", "2025-05-01"), expense("4000.00", "2025-06-01")):
            v = books.post("acc", f"{ORG}/vouchers", body).json
            books.post("rev", f"{ORG}/vouchers/{v['id']}/review")
            books.post("acc", f"{ORG}/vouchers/{v['id']}/post")
        result = books.post("acc", f"{ORG}/years/2025/close")
        assert result.status_code == 200 and result.json["surplus"] == "-3000.00"
        tb = books.get("aud", f"{ORG}/reports/trial-balance?from=2025-01-01&to=2025-12-31").json
        rows = {r["account"]: r for r in tb["rows"]}
        assert rows["331"]["closing_credit"] == rows["331"]["closing_debit"] == "0.00"
        assert rows["33202"]["closing_debit"] == "3000.00" and tb["balanced"]
        sheet = books.get("aud", f"{ORG}/reports/balance-sheet?as_of=2025-12-31").json
        undistributed = next(ln for ln in sheet["lines"] if ln["key"] == "undistributed")
        assert undistributed["current"] == "-3000.00" and sheet["balanced"]
        periods = books.get("aud", f"{ORG}/periods").json["items"]
        assert [p["period"] for p in periods if p["status"] == "closed"] == [
            f"2025-{m:02d}" for m in range(1, 13)
        ]
        assert books.post("acc", f"{ORG}/years/2025/close").status_code == 409
        assert books.post("admin", f"{ORG}/periods/2025-12/reopen").status_code == 409

    def test_a_loss_is_carried_as_a_debit(self, books: Books) -> None:
        v = books.post("acc", f"{ORG}/vouchers", expense("800.00", "2025-03-03")).json
        books.post("rev", f"{ORG}/vouchers/{v['id']}/review")
        books.post("acc", f"{ORG}/vouchers/{v['id']}/post")
        result = books.post("acc", f"{ORG}/years/2025/close").json
        assert result["surplus"] == "-800.00"

    def test_a_year_with_unposted_vouchers_does_not_close(self, books: Books) -> None:
        books.voucher(date="2025-11-11")
        response = books.post("acc", f"{ORG}/years/2025/close")
        assert response.status_code == 409 and response.json["code"] == "vouchers_pending"

    def test_the_village_closes_into_its_current_year_income(self, books: Books) -> None:
        v = books.post("acc", "/api/v1/orgs/village/vouchers", sale("100.00", "2025-04-04")).json
        books.post("rev", f"/api/v1/orgs/village/vouchers/{v['id']}/review")
        books.post("acc", f"/api/v1/orgs/village/vouchers/{v['id']}/post")
        result = books.post("acc", "/api/v1/orgs/village/years/2025/close").json
        closing = books.get(
            "acc", f"/api/v1/orgs/village/vouchers/{result['closing_voucher']}"
        ).json
        assert {ln["account"] for ln in closing["lines"]} == {"501", "321"}


class TestReports:
    def test_trial_balance_opening_turnover_closing_tie(self, books: Books) -> None:
        books.posted(date="2026-01-05")  # 1000 capital
        v = books.post("acc", f"{ORG}/vouchers", sale("250.00", "2026-02-14")).json
        books.post("rev", f"{ORG}/vouchers/{v['id']}/review")
        books.post("acc", f"{ORG}/vouchers/{v['id']}/post")
        for start, end in (
            ("2026-02-01", "2026-02-28"),
            ("2026-02-10", "2026-02-20"),
            ("2026-01-06", "2026-03-31"),
        ):
            tb = books.get("aud", f"{ORG}/reports/trial-balance?from={start}&to={end}").json
            rows = {r["account"]: r for r in tb["rows"]}
            assert rows["102"]["opening_debit"] == "1000.00" and rows["102"]["debit"] == "250.00"
            assert rows["102"]["closing_debit"] == "1250.00"
            assert rows["301"]["opening_credit"] == "1000.00" and rows["301"]["debit"] == "0.00"
            assert rows["501"]["credit"] == "250.00"
            t = tb["totals"]
            assert t["opening_debit"] == t["opening_credit"] == "1000.00"
            assert t["debit"] == t["credit"] == "250.00"
            assert t["closing_debit"] == t["closing_credit"] == "1250.00" and tb["balanced"]
        early = books.get("aud", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-01-04").json
        assert early["rows"] == []

    def test_sub_accounts_roll_up_into_their_parent(self, books: Books) -> None:
        made = books.post(
            "acc", f"{ORG}/accounts", {"code": "50101", "name": "大蒜销售", "parent": "501"}
        )
        assert (
            made.status_code == 201
            and made.json["parent"] == "501"
            and made.json["category"] == "income"
        )
        refused = books.post("acc", f"{ORG}/vouchers", sale("10.00", "2026-03-01", "501"))
        assert refused.status_code == 422 and "lines.1.account" in refused.json["errors"]
        v = books.post("acc", f"{ORG}/vouchers", sale("10.00", "2026-03-01", "50101")).json
        books.post("rev", f"{ORG}/vouchers/{v['id']}/review")
        books.post("acc", f"{ORG}/vouchers/{v['id']}/post")
        rows = {
            r["account"]: r
            for r in books.get(
                "aud", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-12-31"
            ).json["rows"]
        }
        assert rows["501"]["credit"] == rows["50101"]["credit"] == "10.00"
        assert rows["501"]["level"] == 1 and rows["50101"]["level"] == 2
        accounts = {a["code"]: a for a in books.get("aud", f"{ORG}/accounts").json["items"]}
        assert accounts["501"]["postable"] is False and accounts["50101"]["postable"] is True

    def test_a_sub_account_is_refused_under_an_account_with_vouchers(self, books: Books) -> None:
        books.posted()
        response = books.post(
            "acc", f"{ORG}/accounts", {"code": "10201", "name": "农商银行", "parent": "102"}
        )
        assert response.status_code == 409 and response.json["code"] == "account_in_use"
        bad = books.post("acc", f"{ORG}/accounts", {"code": "50201", "name": "x", "parent": "501"})
        assert bad.status_code == 422 and "code" in bad.json["errors"]

    def test_ledger_runs_a_balance_and_member_subledger(self, books: Books) -> None:
        books.posted(date="2026-01-05")
        books.posted(
            date="2026-02-05",
            lines=[
                {"account": "102", "debit": "300.00"},
                {"account": "301", "member": "2", "credit": "300.00"},
            ],
        )
        books.posted(
            date="2026-03-05",
            lines=[
                {"account": "301", "member": "1", "debit": "200.00"},
                {"account": "102", "credit": "200.00"},
            ],
        )
        ledger = books.get("aud", f"{ORG}/ledger?account=102&from=2026-02-01&to=2026-12-31").json
        assert ledger["opening"] == "1000.00" and ledger["closing"] == "1100.00"
        assert [(r["number"], r["balance"], r["direction"]) for r in ledger["rows"]] == [
            ("记-2026-02-0001", "1300.00", "借"),
            ("记-2026-03-0001", "1100.00", "借"),
        ]
        member = books.get(
            "aud", f"{ORG}/ledger?account=301&member=1&from=2026-01-01&to=2026-12-31"
        ).json
        assert member["closing"] == "-800.00" and [r["direction"] for r in member["rows"]] == [
            "贷",
            "贷",
        ]
        unknown = books.get("aud", f"{ORG}/ledger?account=301&member=99")
        assert unknown.status_code == 422 and "member" in unknown.json["errors"]
        assert books.get("aud", f"{ORG}/ledger?account=999").status_code == 422
        assert (
            books.get(
                "aud", f"{ORG}/reports/trial-balance?from=2026-05-01&to=2026-04-01"
            ).status_code
            == 422
        )


class TestMembers:
    def test_member_register_masks_and_keeps_status_history(
        self, books: Books, connection: Any
    ) -> None:
        created = books.post(
            "acc",
            f"{ORG}/members",
            {
                "member_no": "3",
                "name": "赵桂兰",
                "id_number": "370102199003077777"[:17] + "X",
                "poverty_status": "monitored",
            },
        )
        assert created.status_code == 422 and "id_number" in created.json["errors"]
        created = books.post(
            "acc",
            f"{ORG}/members",
            {
                "member_no": "3",
                "name": "赵桂兰",
                "id_number": "11010519491231002X",
                "bank_account": "6228480012345678",
                "poverty_status": "monitored",
                "household_size": 2,
            },
        )
        assert created.status_code == 201
        assert (
            created.json["id_number"] == "110105********002X"
            and created.json["bank_account"] == "************5678"
        )
        assert (
            books.post("acc", f"{ORG}/members", {"member_no": "3", "name": "x"}).status_code == 409
        )
        patched = books.client.patch(
            f"{ORG}/members/3",
            json={"poverty_status": "exited", "status_effective_on": "2026-06-30"},
            headers=books.headers("acc"),
        )
        assert patched.status_code == 200 and patched.json["poverty_status"] == "exited"
        from sqlalchemy import text

        history = connection.execute(
            text(
                "SELECT status, effective_on FROM member_status JOIN member ON member.id = member_id "
                "WHERE member_no = '3' AND org_id = (SELECT id FROM organization WHERE code = 'coop') ORDER BY member_status.id"
            )
        ).all()
        assert [h[0] for h in history] == ["monitored", "exited"] and str(
            history[1][1]
        ) == "2026-06-30"
        listed = books.get("aud", f"{ORG}/members").json["items"]
        assert all(m["id_number"] is None or "*" in m["id_number"] for m in listed)

    def test_bad_status_is_refused(self, books: Books) -> None:
        response = books.post(
            "acc", f"{ORG}/members", {"member_no": "4", "name": "x", "poverty_status": "rich"}
        )
        assert response.status_code == 422 and "poverty_status" in response.json["errors"]

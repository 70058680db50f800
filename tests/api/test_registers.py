"""Funds, fixed assets, depreciation, the share register and member accounts over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import (
    cold_store,
    post_ok,
    quantify,
    receive_grant,
    review_and_post,
    village_road_and_cold_store,
)
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"
FUND = "muni-2026"


class TestFundsAndAssets:
    def test_a_grant_becomes_an_asset_and_the_fund_says_so(self, books: Books) -> None:
        receive_grant(books)
        fund = books.get("aud", f"{ORG}/funds/{FUND}").json
        assert (fund["granted"], fund["received"], fund["spent"], fund["balance"]) == (
            "400000.00",
            "300000.00",
            "0.00",
            "300000.00",
        )
        made = books.post("acc", f"{ORG}/assets", cold_store())
        assert made.status_code == 201, made.json
        prepared = made.json["vouchers"]["prepared"]
        assert (
            prepared["status"] == "draft" and prepared["id"] == made.json["vouchers"]["acquisition"]
        )
        assert [
            (ln["account"], ln["debit"], ln["credit"], ln["fund"]) for ln in prepared["lines"]
        ] == [
            ("151", "250000.00", None, None),
            ("102", None, "250000.00", None),
            ("235", "200000.00", None, FUND),
            ("311", None, "200000.00", None),
        ]
        assert (
            made.json["monthly_charge"] == "2000.00" and made.json["net_book_value"] == "250000.00"
        )
        review_and_post(books, prepared["id"])
        fund = books.get("aud", f"{ORG}/funds/{FUND}").json
        assert (fund["spent"], fund["balance"], fund["special_fund"], fund["assets"]) == (
            "200000.00",
            "100000.00",
            "200000.00",
            ["GB-01"],
        )

    def test_depreciation_prepares_each_month_once(self, books: Books) -> None:
        receive_grant(books)
        made = books.post("acc", f"{ORG}/assets", cold_store()).json
        review_and_post(books, made["vouchers"]["acquisition"])
        run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"})
        assert run.status_code == 201
        vouchers = run.json["vouchers"]
        assert [v["date"] for v in vouchers] == ["2026-04-30", "2026-05-31", "2026-06-30"]
        assert [(ln["account"], ln["debit"], ln["credit"]) for ln in vouchers[0]["lines"]] == [
            ("401", "2000.00", None),
            ("152", None, "2000.00"),
        ]
        assert (
            books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"}).json["vouchers"] == []
        )
        for v in vouchers[:2]:
            review_and_post(books, v["id"])
        card = books.get("aud", f"{ORG}/assets/GB-01").json
        assert (
            card["accumulated_depreciation"] == "4000.00" and card["net_book_value"] == "246000.00"
        )
        assert [s["status"] for s in card["schedule"][:4]] == [
            "posted",
            "posted",
            "prepared",
            "due",
        ]
        assert card["vouchers"]["depreciation"] == sorted(v["id"] for v in vouchers)

    def test_depreciation_through_a_closed_month_names_it(
        self, books: Books, connection: Any
    ) -> None:
        receive_grant(books, day="2026-01-05")
        made = books.post("acc", f"{ORG}/assets", cold_store(acquired_on="2026-01-10")).json
        review_and_post(books, made["vouchers"]["acquisition"])
        assert books.post("acc", f"{ORG}/periods/2026-01/close").status_code == 200
        assert books.post("acc", f"{ORG}/periods/2026-02/close").status_code == 200
        before = count_rows(connection)
        refused = books.post("acc", f"{ORG}/depreciation", {"through": "2026-03"})
        assert refused.status_code == 409 and "2026-02" in refused.json["detail"]
        assert count_rows(connection) == before

    def test_a_migrated_asset_prepares_no_voucher(self, books: Books) -> None:
        made = books.post(
            "acc",
            f"{ORG}/assets",
            cold_store(
                asset_no="OLD-1",
                acquired_on="2024-01-01",
                cost="100000.00",
                salvage="0.00",
                useful_life_months=60,
                opening_accumulated="30000.00",
                opening_months=20,
                funding=[],
            ),
        )
        assert made.status_code == 201 and made.json["vouchers"]["acquisition"] is None
        assert made.json["schedule"][0] == {
            "period": "2025-10",
            "amount": "1750.00",
            "status": "due",
            "voucher": None,
        }
        assert made.json["accumulated_depreciation"] == "30000.00"

    def test_a_migrated_harvester_charges_its_remaining_units_to_the_fen(
        self, books: Books
    ) -> None:
        """48,000 to depreciate over 100,000 units; 24,000 and 50,000 units gone in older
        books: 10,000 units now charge 4,800.00 (24,000 over the 50,000 units left)."""
        card = cold_store(
            asset_no="HV-1",
            acquired_on="2024-03-10",
            cost="50000.00",
            salvage="2000.00",
            method="units_of_production",
            total_units=100_000,
            opening_accumulated="24000.00",
            opening_months=20,
            opening_units=50_000,
            funding=[],
        )
        made = books.post("acc", f"{ORG}/assets", card)
        assert made.status_code == 201 and made.json["opening_units"] == 50_000, made.json
        older = {"period": "2025-06", "units": 10}
        refused = books.post("acc", f"{ORG}/assets/HV-1/usage", older)
        assert refused.status_code == 422 and "period" in refused.json["errors"]
        usage = {"period": "2026-05", "units": 10_000}
        assert books.post("acc", f"{ORG}/assets/HV-1/usage", usage).status_code == 200
        run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-05"})
        assert [
            (ln["account"], ln["debit"], ln["credit"]) for ln in run.json["vouchers"][0]["lines"]
        ] == [
            ("401", "4800.00", None),
            ("152", None, "4800.00"),
        ]

    def test_units_of_the_acquisition_month_are_all_charged(self, books: Books) -> None:
        """50,000 units in the month of acquisition and 50,000 the next month, of 100,000:
        the whole 48,000.00 is charged, the first month carrying the acquisition month's."""
        card = cold_store(
            asset_no="HV-2",
            acquired_on="2026-03-10",
            cost="50000.00",
            salvage="2000.00",
            method="units_of_production",
            total_units=100_000,
            funding=[],
        )
        made = books.post("acc", f"{ORG}/assets", card).json
        review_and_post(books, made["vouchers"]["acquisition"])
        for period in ("2026-03", "2026-05"):
            used = {"period": period, "units": 50_000}
            assert books.post("acc", f"{ORG}/assets/HV-2/usage", used).status_code == 200
        run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"}).json["vouchers"]
        assert [(v["date"], v["lines"][0]["debit"]) for v in run] == [
            ("2026-04-30", "24000.00"),
            ("2026-05-31", "24000.00"),
        ]
        for v in run:
            review_and_post(books, v["id"])
        card = books.get("aud", f"{ORG}/assets/HV-2").json
        assert card["accumulated_depreciation"] == "48000.00"
        assert card["net_book_value"] == "2000.00"
        late = books.post("acc", f"{ORG}/assets/HV-2/usage", {"period": "2026-03", "units": 1})
        assert late.status_code == 422 and "2026-04" in late.json["errors"]["period"][0]

    def test_a_nominal_asset_is_booked_at_one_yuan_and_never_depreciated(
        self, books: Books
    ) -> None:
        made = books.post(
            "acc",
            f"{ORG}/assets",
            cold_store(
                asset_no="NOM-1",
                cost="1.00",
                salvage="0.00",
                nominal=True,
                funding=[],
                use="public_welfare",
                **{"class": "public_welfare"},
            ),
        )
        assert made.status_code == 201 and made.json["schedule"] == []
        lines = made.json["vouchers"]["prepared"]["lines"]
        assert [(ln["account"], ln["debit"] or ln["credit"]) for ln in lines] == [
            ("151", "1.00"),
            ("311", "1.00"),
        ]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"cost": "0.00"}, "cost"),
            ({"useful_life_months": 0}, "useful_life_months"),
            ({"salvage": "300000.00"}, "salvage"),
            ({"funding": [{"fund": FUND, "amount": "260000.00"}]}, "funding"),
            ({"funding": [{"fund": FUND, "amount": "250000.00"}]}, f"funding.{FUND}"),
            ({"funding": [{"fund": "nope", "amount": "1.00"}]}, "funding"),
            ({"class": "palace"}, "class"),
            ({"use": "fun"}, "use"),
            ({"cost": 250000}, "cost"),
        ],
    )
    def test_bad_cards_are_refused(
        self, books: Books, connection: Any, changes: dict[str, Any], field: str
    ) -> None:
        receive_grant(books, amount="100000.00")
        before = count_rows(connection)
        response = books.post("acc", f"{ORG}/assets", cold_store(**changes))
        assert response.status_code == 422 and field in response.json["errors"], response.json
        assert count_rows(connection) == before

    def test_a_duplicate_asset_number_is_409_and_others_see_nothing(self, books: Books) -> None:
        receive_grant(books)
        assert books.post("acc", f"{ORG}/assets", cold_store()).status_code == 201
        assert books.post("acc", f"{ORG}/assets", cold_store(funding=[])).status_code == 409
        assert books.get("other-acc", f"{ORG}/assets/GB-01").status_code == 404
        assert books.get("acc", "/api/v1/orgs/village/assets/GB-01").status_code == 404
        assert books.get("acc", "/api/v1/orgs/village/funds/muni-2026").status_code == 404
        assert books.post("aud", f"{ORG}/assets", cold_store(asset_no="X")).status_code == 403


class TestShares:
    def setup_members(self, books: Books) -> None:
        for no, name, status in (("3", "张玉兰", "poor"), ("4", "刘志强", "monitored")):
            assert (
                books.post(
                    "acc",
                    f"{ORG}/members",
                    {
                        "member_no": no,
                        "name": name,
                        "poverty_status": status,
                        "joined_on": "2025-01-01",
                    },
                ).status_code
                == 201
            )

    def quantified_fund(self, books: Books) -> None:
        receive_grant(books)
        made = books.post("acc", f"{ORG}/assets", cold_store()).json
        review_and_post(books, made["vouchers"]["acquisition"])
        self.setup_members(books)

    def test_quantify_to_poor_households_to_the_fen(self, books: Books) -> None:
        self.quantified_fund(books)
        event = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "quantify_fiscal",
                "date": "2026-04-01",
                "reason": "冷库折股量化到贫困户",
                "fund": FUND,
                "amount": "200000.00",
                "basis": "statuses",
            },
        )
        assert event.status_code == 201, event.json
        assert [(a["member"], a["amount"]) for a in event.json["allocations"]] == [
            ("1", "66666.67"),
            ("3", "66666.67"),
            ("4", "66666.66"),
        ]
        register = books.get("aud", f"{ORG}/shares").json
        assert register["totals"]["fiscal_share"] == "200000.00" and register["ties"]
        assert books.get("aud", f"{ORG}/funds/{FUND}").json["quantified"] == "200000.00"
        more = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "quantify_fiscal",
                "date": "2026-04-02",
                "reason": "再量化",
                "fund": FUND,
                "amount": "0.01",
            },
        )
        assert more.status_code == 422 and "amount" in more.json["errors"]

    def test_reassign_when_a_household_exits_poverty(self, books: Books) -> None:
        self.quantified_fund(books)
        quantify(books, "90000.00", "statuses", "2026-04-01")
        moved = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "reassign",
                "date": "2026-07-01",
                "reason": "脱贫户交回",
                "from_member": "1",
                "to_member": "2",
            },
        )
        assert moved.status_code == 201 and moved.json["amount"] == "30000.00"
        rows = {r["member"]: r for r in books.get("aud", f"{ORG}/shares").json["members"]}
        assert rows["1"]["fiscal_share"] == "0.00" and rows["2"]["fiscal_share"] == "30000.00"
        too_much = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "reassign",
                "date": "2026-07-02",
                "reason": "x",
                "from_member": "3",
                "to_member": "2",
                "amount": "30000.01",
            },
        )
        assert too_much.status_code == 422

    def test_capital_transfers_with_a_voucher_and_subsidy_shares_never(
        self, books: Books, connection: Any
    ) -> None:
        post_ok(
            books,
            {
                "date": "2026-03-01",
                "lines": [
                    {"account": "102", "debit": "1000.00"},
                    {"account": "301", "member": "1", "credit": "1000.00"},
                ],
            },
        )
        before = count_rows(connection)
        refused = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "transfer",
                "date": "2026-03-05",
                "reason": "转让",
                "from_member": "1",
                "to_member": "2",
                "amount": "1.00",
                "class": "fiscal_share",
            },
        )
        assert refused.status_code == 422 and refused.json["code"] == "not_transferable"
        assert count_rows(connection) == before
        moved = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "transfer",
                "date": "2026-03-05",
                "reason": "股金转让",
                "from_member": "1",
                "to_member": "2",
                "amount": "300.00",
            },
        )
        assert moved.status_code == 201 and moved.json["voucher"]
        review_and_post(books, moved.json["voucher"])
        rows = {r["member"]: r for r in books.get("aud", f"{ORG}/shares").json["members"]}
        assert (rows["1"]["capital"], rows["2"]["capital"]) == ("700.00", "300.00")
        assert rows["1"]["percent"] == "70.00"
        over = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "redeem",
                "date": "2026-03-06",
                "reason": "退股",
                "from_member": "2",
                "amount": "300.01",
            },
        )
        assert over.status_code == 422

    def test_contribution_from_household_poverty_assets_is_split_out(self, books: Books) -> None:
        event = books.post(
            "acc",
            f"{ORG}/shares/events",
            {
                "kind": "contribute",
                "date": "2026-03-01",
                "reason": "到户扶贫资产入股",
                "to_member": "1",
                "amount": "5000.00",
                "from_poverty_assets": True,
            },
        )
        assert event.status_code == 201
        review_and_post(books, event.json["voucher"])
        post_ok(
            books,
            {
                "date": "2026-03-02",
                "lines": [
                    {"account": "102", "debit": "1000.00"},
                    {"account": "301", "member": "1", "credit": "1000.00"},
                ],
            },
        )
        row = next(
            r for r in books.get("aud", f"{ORG}/shares").json["members"] if r["member"] == "1"
        )
        assert (row["capital"], row["capital_from_poverty_assets"], row["capital_other"]) == (
            "6000.00",
            "5000.00",
            "1000.00",
        )

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"kind": "quantify_fiscal", "reason": "x", "amount": "1.00"}, "fund"),
            (
                {
                    "kind": "quantify_fiscal",
                    "reason": "x",
                    "amount": "1.00",
                    "fund": FUND,
                    "basis": "magic",
                },
                "basis",
            ),
            ({"kind": "quantify_fiscal", "reason": " ", "amount": "1.00", "fund": FUND}, "reason"),
            (
                {
                    "kind": "quantify_fiscal",
                    "reason": "x",
                    "fund": FUND,
                    "statuses": ["rich"],
                    "amount": "1.00",
                },
                "statuses",
            ),
            (
                {
                    "kind": "transfer",
                    "reason": "x",
                    "from_member": "9",
                    "to_member": "2",
                    "amount": "1.00",
                },
                "from_member",
            ),
            ({"kind": "dividend", "reason": "x"}, "kind"),
        ],
    )
    def test_bad_events_name_the_field(
        self, books: Books, payload: dict[str, Any], field: str
    ) -> None:
        response = books.post("acc", f"{ORG}/shares/events", {"date": "2026-04-01", **payload})
        assert response.status_code == 422 and field in response.json["errors"], response.json


class TestMembers:
    def test_transactions_and_the_member_account(self, books: Books) -> None:
        for day, qty, amount in (
            ("2026-05-10", "1300.5", "5202.00"),
            ("2026-06-10", "700", "2800.00"),
        ):
            made = books.post(
                "acc",
                f"{ORG}/members/1/transactions",
                {"date": day, "product": "大蒜", "quantity": qty, "unit": "kg", "amount": amount},
            )
            assert made.status_code == 201
        assert made.json == {
            "member": "1",
            "product": "大蒜",
            "unit": "kg",
            "year": 2026,
            "quantity": "2000.5",
            "amount": "8002.00",
        }
        no_unit = books.post(
            "acc",
            f"{ORG}/members/1/transactions",
            {"date": "2026-05-10", "product": "蒜薹", "quantity": "1", "amount": "1.00"},
        )
        assert no_unit.status_code == 422 and "unit" in no_unit.json["errors"]
        assert (
            books.post(
                "acc",
                f"{ORG}/members/77/transactions",
                {
                    "date": "2026-05-10",
                    "product": "蒜",
                    "quantity": "1",
                    "unit": "kg",
                    "amount": "1.00",
                },
            ).status_code
            == 404
        )
        post_ok(
            books,
            {
                "date": "2025-12-01",
                "lines": [
                    {"account": "102", "debit": "800.00"},
                    {"account": "301", "member": "1", "credit": "800.00"},
                ],
            },
        )
        post_ok(
            books,
            {
                "date": "2026-03-01",
                "lines": [
                    {"account": "102", "debit": "200.00"},
                    {"account": "301", "member": "1", "credit": "200.00"},
                ],
            },
        )
        account = books.get("aud", f"{ORG}/members/1/account?year=2026").json
        assert (
            account["opening"]["capital"] == "800.00" and account["closing"]["capital"] == "1000.00"
        )
        assert account["transactions"] == [
            {"product": "大蒜", "unit": "kg", "quantity": "2000.5", "amount": "8002.00"}
        ]
        assert account["poverty_status"] == "exited"  # sent as "poor", its older name
        assert books.get("hh1", f"{ORG}/members/1/account?year=2026").status_code == 200
        assert books.get("hh1", f"{ORG}/members/2/account?year=2026").status_code == 404
        assert books.get("other-acc", f"{ORG}/members/1/account?year=2026").status_code == 404

    def test_status_history_answers_for_any_date(self, books: Books) -> None:
        changed = books.client.patch(
            f"{ORG}/members/2",
            json={
                "poverty_status": "monitored",
                "monitor_kind": "sudden_hardship",
                "status_effective_on": "2026-06-30",
            },
            headers=books.headers("acc"),
        )
        assert changed.json["monitor_kind"] == "sudden_hardship"
        before = books.get("aud", f"{ORG}/members/2/status?on=2026-06-29").json
        after = books.get("aud", f"{ORG}/members/2/status?on=2026-07-01").json
        assert (before["poverty_status"], after["poverty_status"]) == ("none", "monitored")

    def test_the_older_name_poor_is_recorded_as_exited_and_a_kind_is_for_monitored_only(
        self, books: Books
    ) -> None:
        """脱贫户 since 2021: a client sending "poor" gets "exited"; only a 监测户 has a kind."""
        made = books.post(
            "acc", f"{ORG}/members", {"member_no": "5", "name": "赵大山", "poverty_status": "poor"}
        )
        assert made.status_code == 201 and made.json["poverty_status"] == "exited"
        assert made.json["monitor_kind"] is None
        wrong = books.post(
            "acc",
            f"{ORG}/members",
            {
                "member_no": "6",
                "name": "钱二",
                "poverty_status": "exited",
                "monitor_kind": "marginal",
            },
        )
        assert wrong.status_code == 422 and "monitor_kind" in wrong.json["errors"]
        patch = books.client.patch(
            f"{ORG}/members/5", json={"monitor_kind": "marginal"}, headers=books.headers("acc")
        )
        assert patch.status_code == 422 and "monitor_kind" in patch.json["errors"]

    def test_a_member_who_leaves_gets_capital_back_but_not_quantified_shares(
        self, books: Books
    ) -> None:
        receive_grant(books)
        made = books.post("acc", f"{ORG}/assets", cold_store()).json
        review_and_post(books, made["vouchers"]["acquisition"])
        quantify(books, "1000.00", "all_members", "2026-04-01")
        post_ok(
            books,
            {
                "date": "2026-04-02",
                "lines": [
                    {"account": "102", "debit": "600.00"},
                    {"account": "301", "member": "2", "credit": "600.00"},
                ],
            },
        )
        left = books.post("acc", f"{ORG}/members/2/leave", {"date": "2026-05-01"})
        assert left.status_code == 200
        lines = left.json["refund_voucher"]["lines"]
        assert [(ln["account"], ln["member"], ln["debit"] or ln["credit"]) for ln in lines] == [
            ("301", "2", "600.00"),
            ("102", None, "600.00"),
        ]
        review_and_post(books, left.json["refund_voucher"]["id"])
        register = books.get("aud", f"{ORG}/shares").json
        assert "2" not in [r["member"] for r in register["members"]]
        assert register["totals"]["fiscal_share"] == "500.00" and register["ties"]
        assert (
            books.post("acc", f"{ORG}/members/2/leave", {"date": "2026-05-02"}).status_code == 422
        )


def test_the_fund_trace_ties_from_grant_to_household(books: Books) -> None:
    receive_grant(books)
    made = books.post("acc", f"{ORG}/assets", cold_store()).json
    review_and_post(books, made["vouchers"]["acquisition"])
    for v in books.post("acc", f"{ORG}/depreciation", {"through": "2026-05"}).json["vouchers"]:
        review_and_post(books, v["id"])
    books.post(
        "acc",
        f"{ORG}/shares/events",
        {
            "kind": "quantify_fiscal",
            "date": "2026-06-01",
            "reason": "量化",
            "fund": FUND,
            "amount": "200000.00",
            "basis": "all_members",
        },
    )
    trace = books.get("aud", f"{ORG}/funds/{FUND}/trace").json
    assert trace["ties"] is True
    assert [r["amount"] for r in trace["receipts"]] == ["300000.00"]
    assert [s["amount"] for s in trace["spending"]] == ["200000.00"]
    assert trace["assets"][0]["accumulated_depreciation"] == "4000.00"
    assert [(q["member"], q["amount"]) for q in trace["quantified"]] == [
        ("1", "100000.00"),
        ("2", "100000.00"),
    ]
    assert trace["totals"]["balance"] == "100000.00"


VILLAGE = "/api/v1/orgs/village"


def test_a_village_quantifies_its_operating_assets_never_its_road(
    books: Books, connection: Any
) -> None:
    village_road_and_cold_store(books)
    event = {
        "kind": "quantify_fiscal",
        "date": "2026-04-01",
        "reason": "折股量化",
        "fund": "help",
        "amount": "400000.00",
        "basis": "all_members",
    }
    before = count_rows(connection)
    refused = books.post("acc", f"{VILLAGE}/shares/events", event)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "operating_assets_only"
    detail = refused.json["detail"]
    assert "农村集体经济组织法第四十条" in detail and "DL-01" in detail
    assert "100000.00 yuan to quantify" in detail
    assert count_rows(connection) == before
    done = books.post("acc", f"{VILLAGE}/shares/events", {**event, "amount": "100000.00"})
    assert done.status_code == 201, done.json
    again = books.post("acc", f"{VILLAGE}/shares/events", {**event, "amount": "0.01"})
    assert again.status_code == 409 and "0.00 yuan to quantify" in again.json["detail"]
    held = books.get("aud", f"{VILLAGE}/shares").json
    assert held["totals"]["fiscal_share"] == "100000.00"


def test_a_cooperative_still_quantifies_a_fund_whatever_its_assets(books: Books) -> None:
    receive_grant(books)
    made = books.post(
        "acc", f"{ORG}/assets", cold_store(use="public_welfare", **{"class": "public_welfare"})
    )
    review_and_post(books, made.json["vouchers"]["acquisition"])
    assert quantify(books, "200000.00", "all_members").status_code == 201


def test_a_villages_road_is_depreciated_to_公益支出(books: Books) -> None:
    """财会〔2023〕14号: the depreciation of public-welfare fixed assets is 公益支出 (514); the cold
    store let out is charged to production (401)."""
    village_road_and_cold_store(books)
    run = books.post("acc", "/api/v1/orgs/village/depreciation", {"through": "2026-04"})
    assert run.status_code == 201, run.json
    debits = {
        ln["account"] for v in run.json["vouchers"] for ln in v["lines"] if ln["debit"] is not None
    }
    assert debits == {"514", "401"}

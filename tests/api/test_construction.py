"""Construction in progress (在建工程): a grant becomes 专项基金 as it is spent into the project,
and completion makes the asset without moving 专项应付款 again."""

from __future__ import annotations

from typing import Any

import pytest

from coopledger.domain.accounts import load_chart
from coopledger.domain.construction import construction_account, special_fund_account
from coopledger.domain.errors import InvalidState
from tests.builders import post_ok, receive_grant, review_and_post
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"
CIP = f"{ORG}/construction"
FUND = "muni-2026"


def shed(**overrides: Any) -> dict[str, Any]:
    body = {
        "project_no": "CP-01",
        "name": "肉牛养殖牛舍",
        "fund": FUND,
        "class": "operating",
        "poverty_project": True,
        "started_on": "2025-11-01",
    }
    body.update(overrides)
    return body


def lines(voucher: dict[str, Any]) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(ln["account"], ln["debit"], ln["credit"], ln["fund"]) for ln in voucher["lines"]]


def spend(books: Books, day: str, amount: str, project: str = "CP-01") -> Any:
    return books.post("acc", f"{CIP}/{project}/spend", {"date": day, "amount": amount})


def sheet(books: Books, day: str) -> dict[str, str | None]:
    body = books.get("aud", f"{ORG}/reports/balance-sheet?as_of={day}").json
    return {ln["key"]: ln["current"] for ln in body["lines"]}


def fund(books: Books) -> dict[str, Any]:
    return books.get("aud", f"{ORG}/funds/{FUND}").json  # type: ignore[no-any-return]


def test_a_grant_becomes_专项基金_as_it_is_spent_and_completion_moves_nothing_again(
    books: Books, connection: Any
) -> None:
    receive_grant(books, day="2025-10-10")
    made = books.post("acc", CIP, shed())
    assert made.status_code == 201, made.json
    assert (made.json["status"], made.json["total"], made.json["fund"]) == (
        "building",
        "0.00",
        FUND,
    )

    first = spend(books, "2025-11-20", "120000.00")
    assert first.status_code == 201, first.json
    prepared = first.json["vouchers"]["prepared"]
    assert prepared["status"] == "draft"
    assert lines(prepared) == [
        ("153", "120000.00", None, None),
        ("102", None, "120000.00", None),
        ("235", "120000.00", None, FUND),
        ("311", None, "120000.00", None),
    ]
    # a draft is committed: the fund's room shrinks before it is posted
    assert spend(books, "2025-11-21", "180000.01").status_code == 422
    review_and_post(books, prepared["id"])
    after_first = fund(books)
    assert (
        after_first["spent"],
        after_first["balance"],
        after_first["special_fund"],
        after_first["in_construction"],
        after_first["assets"],
    ) == ("120000.00", "180000.00", "120000.00", "120000.00", [])

    # the year end between the two spendings: 专项应付款 and 专项基金 already moved
    year_end = sheet(books, "2025-12-31")
    assert (
        year_end["construction"],
        year_end["special_payable"],
        year_end["special_fund"],
    ) == ("120000.00", "180000.00", "120000.00")

    second = spend(books, "2026-03-10", "80000.00")
    assert second.status_code == 201, second.json
    assert lines(second.json["vouchers"]["prepared"])[2:] == [
        ("235", "80000.00", None, FUND),
        ("311", None, "80000.00", None),
    ]
    review_and_post(books, second.json["vouchers"]["prepared"]["id"])
    after_second = fund(books)
    assert (after_second["spent"], after_second["balance"], after_second["special_fund"]) == (
        "200000.00",
        "100000.00",
        "200000.00",
    )

    # 100,000.00 left: more is refused on the amount, naming what is left, and nothing is written
    before = count_rows(connection)
    over = spend(books, "2026-03-20", "100000.01")
    assert over.status_code == 422
    assert "100000.00" in over.json["errors"]["amount"][0]
    assert count_rows(connection) == before

    done = books.post(
        "acc",
        f"{CIP}/CP-01/complete",
        {"date": "2026-04-30", "asset_no": "NS-01", "use": "production", "useful_life_months": 240},
    )
    assert done.status_code == 200, done.json
    assert lines(done.json["voucher"]) == [
        ("151", "200000.00", None, None),
        ("153", None, "200000.00", None),
    ]
    asset = done.json["asset"]
    assert (asset["cost"], asset["funding"], asset["poverty_project"], asset["class"]) == (
        "200000.00",
        [{"fund": FUND, "amount": "200000.00"}],
        True,
        "operating",
    )
    assert done.json["project"]["status"] == "completed"
    assert done.json["project"]["asset_no"] == "NS-01"
    review_and_post(books, done.json["voucher"]["id"])

    after = fund(books)
    assert (
        after["spent"],
        after["balance"],
        after["special_fund"],
        after["in_construction"],
        after["assets"],
    ) == ("200000.00", "100000.00", "200000.00", "0.00", ["NS-01"])
    end = sheet(books, "2026-04-30")
    assert (end["construction"], end["special_payable"], end["special_fund"]) == (
        "0.00",
        "100000.00",
        "200000.00",
    )
    trace = books.get("aud", f"{ORG}/funds/{FUND}/trace").json
    assert trace["ties"] is True and trace["building"] == []
    usage = books.get("aud", f"{ORG}/reports/fund-usage").json
    assert usage["ties"] is True
    # nothing more is spent on a completed project, and it is not completed twice
    assert spend(books, "2026-05-10", "1.00").status_code == 409


def test_the_fund_trace_and_usage_show_what_is_in_construction(books: Books) -> None:
    receive_grant(books, day="2025-10-10")
    assert books.post("acc", CIP, shed()).status_code == 201
    review_and_post(
        books, spend(books, "2025-11-20", "120000.00").json["vouchers"]["prepared"]["id"]
    )
    trace = books.get("aud", f"{ORG}/funds/{FUND}/trace").json
    assert trace["ties"] is True
    assert trace["building"] == [
        {"project_no": "CP-01", "name": "肉牛养殖牛舍", "spent": "120000.00"}
    ]
    assert trace["totals"]["in_construction"] == "120000.00"
    usage = books.get("aud", f"{ORG}/reports/fund-usage").json
    [line] = usage["funds"]
    assert (line["special_fund"], line["in_construction"]) == ("120000.00", "120000.00")
    assert usage["totals"]["in_construction"] == "120000.00" and usage["ties"] is True
    listed = books.get("aud", CIP).json
    assert listed["totals"] == {"building": "120000.00", "building_posted": "120000.00"}


def test_completion_waits_for_the_spending_to_be_posted(books: Books) -> None:
    receive_grant(books, day="2025-10-10")
    assert books.post("acc", CIP, shed()).status_code == 201
    assert spend(books, "2025-11-20", "1000.00").status_code == 201
    refused = books.post(
        "acc",
        f"{CIP}/CP-01/complete",
        {"date": "2025-12-31", "asset_no": "NS-01", "use": "production", "useful_life_months": 240},
    )
    assert refused.status_code == 422 and "date" in refused.json["errors"]


def test_a_self_funded_project_moves_no_fund(books: Books) -> None:
    assert books.post("acc", CIP, shed(project_no="CP-02", fund=None)).status_code == 201
    made = spend(books, "2026-03-10", "5000.00", "CP-02")
    assert made.status_code == 201, made.json
    assert lines(made.json["vouchers"]["prepared"]) == [
        ("153", "5000.00", None, None),
        ("102", None, "5000.00", None),
    ]


def test_a_village_spends_its_grant_into_公积公益金(books: Books) -> None:
    village = "/api/v1/orgs/village"
    fund_body = {"code": "help", "name": "帮扶资金", "source": "help_unit", "granted": "50000.00"}
    assert books.post("acc", f"{village}/funds", fund_body).status_code == 201
    post_ok(
        books,
        {
            "date": "2026-02-10",
            "memo": "收到帮扶资金",
            "lines": [
                {"account": "102", "debit": "50000.00"},
                {"account": "241", "fund": "help", "credit": "50000.00"},
            ],
        },
        "village",
    )
    body = shed(project_no="QD-01", name="村内水渠", fund="help", **{"class": "public_welfare"})
    assert books.post("acc", f"{village}/construction", body).status_code == 201
    made = books.post(
        "acc", f"{village}/construction/QD-01/spend", {"date": "2026-03-01", "amount": "30000.00"}
    )
    assert made.status_code == 201, made.json
    # village-2023: 在建工程 153, 专项应付款 241, 公积公益金 311
    assert lines(made.json["vouchers"]["prepared"]) == [
        ("153", "30000.00", None, None),
        ("102", None, "30000.00", None),
        ("241", "30000.00", None, "help"),
        ("311", None, "30000.00", None),
    ]


def test_a_chart_without_the_accounts_is_refused_naming_it() -> None:
    chart = load_chart("village-2023")
    bare = type(chart)(
        **{**{f: getattr(chart, f) for f in chart.__dataclass_fields__}, "roles": {}}
    )
    with pytest.raises(InvalidState, match="village-2023"):
        construction_account(bare)
    with pytest.raises(InvalidState, match="village-2023"):
        special_fund_account(bare)


def test_unknown_fund_and_taken_number_are_refused(books: Books) -> None:
    unknown = books.post("acc", CIP, shed(fund="nope"))
    assert unknown.status_code == 422 and "fund" in unknown.json["errors"]
    assert books.post("acc", CIP, shed()).status_code == 201
    assert books.post("acc", CIP, shed()).status_code == 409
    household = books.post("acc", CIP, shed(project_no="CP-09", **{"class": "household"}))
    assert household.status_code == 422


def test_who_may_see_and_write(books: Books) -> None:
    receive_grant(books, day="2025-10-10")
    assert books.post("acc", CIP, shed()).status_code == 201
    assert books.get("aud", f"{CIP}/CP-01").status_code == 200
    assert books.post("aud", CIP, shed(project_no="CP-03")).status_code == 403
    assert spend(books, "2025-11-20", "1.00").status_code == 201
    assert (
        books.post(
            "aud", f"{CIP}/CP-01/spend", {"date": "2025-11-20", "amount": "1.00"}
        ).status_code
        == 403
    )
    assert books.get("hh1", CIP).status_code == 403
    # another organization's project: as if it did not exist
    assert books.get("other-acc", f"{CIP}/CP-01").status_code == 404
    assert books.get("other-acc", "/api/v1/orgs/other/construction/CP-01").status_code == 404
    assert books.get("acc", f"{CIP}/CP-99").status_code == 404


def test_deleting_a_spending_draft_takes_the_spending_back(books: Books) -> None:
    receive_grant(books, day="2025-10-10")
    assert books.post("acc", CIP, shed()).status_code == 201
    made = spend(books, "2025-11-20", "300000.00").json
    assert fund(books)["balance"] == "300000.00"  # a draft moves nothing yet
    assert spend(books, "2025-11-21", "0.01").status_code == 422  # but the room is taken
    voucher = made["vouchers"]["prepared"]["id"]
    assert books.delete("acc", f"{ORG}/vouchers/{voucher}").status_code == 204
    project = books.get("aud", f"{CIP}/CP-01").json
    assert (project["total"], project["spending"]) == ("0.00", [])
    assert spend(books, "2025-11-21", "300000.00").status_code == 201

"""集体股 beside the members' 成员股: a village keeps a part of a quantification for itself, its
distribution by shares weighs the 集体股 as a holder and pays it to no household, and the
成员名册和份额登记簿 lists both, tying to the funds' quantified 专项基金."""

from __future__ import annotations

from typing import Any

from tests.builders import post_ok, quantify, receive_grant, review_and_post, text_of
from tests.conftest import Books, count_rows

VILLAGE = "/api/v1/orgs/village"


def operating_fund(books: Books) -> None:
    """The village's fund ``jt`` (500,000.00) built a 500,000.00 warehouse it lets out (operating),
    acquired on 1 December 2025 (no depreciation in 2025); the acquisition is posted."""
    fund = {"code": "jt", "name": "衔接资金", "source": "county_fiscal", "granted": "500000.00"}
    made = books.post("acc", f"{VILLAGE}/funds", fund)
    assert made.status_code == 201, made.json
    grant = {
        "date": "2025-11-10",
        "memo": "收到衔接资金",
        "lines": [
            {"account": "102", "debit": "500000.00"},
            {"account": "241", "fund": "jt", "credit": "500000.00"},
        ],
    }
    post_ok(books, grant, "village")
    card = {
        "asset_no": "CK-01",
        "name": "村集体仓库",
        "category": "房屋及建筑物",
        "class": "operating",
        "poverty_project": True,
        "use": "production",
        "acquired_on": "2025-12-01",
        "cost": "500000.00",
        "salvage": "0.00",
        "useful_life_months": 240,
        "funding": [{"fund": "jt", "amount": "500000.00"}],
    }
    made = books.post("acc", f"{VILLAGE}/assets", card)
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["vouchers"]["acquisition"], "village")


def quantify_event(**kw: Any) -> dict[str, Any]:
    return {
        "kind": "quantify_fiscal",
        "date": "2025-12-15",
        "reason": "股份合作制改革：经营性资产折股量化",
        "fund": "jt",
        "amount": "500000.00",
        "basis": "all_members",
        **kw,
    }


def test_a_village_keeps_20_percent_as_集体股_and_the_roll_ties(
    books: Books, connection: Any
) -> None:
    operating_fund(books)
    made = books.post("acc", f"{VILLAGE}/shares/events", quantify_event(collective_percent="20"))
    assert made.status_code == 201, made.json
    assert made.json["collective_amount"] == "100000.00"
    assert sum(int(a["amount"].replace(".", "")) for a in made.json["allocations"]) == 40_000_000
    events = books.get("aud", f"{VILLAGE}/shares/events").json["items"]
    assert [e["collective_amount"] for e in events] == ["100000.00"]
    # the whole 500,000.00 is quantified: nothing is left to quantify again
    again = books.post("acc", f"{VILLAGE}/shares/events", quantify_event(amount="0.01"))
    assert again.status_code == 422 and "amount" in again.json["errors"]
    fund = books.get("aud", f"{VILLAGE}/funds/jt").json
    assert fund["quantified"] == "500000.00"
    trace = books.get("aud", f"{VILLAGE}/funds/jt/trace").json
    assert trace["totals"]["quantified"] == "400000.00"
    assert trace["totals"]["collective_share"] == "100000.00"
    assert trace["ties"] is True

    roll = books.get("aud", f"{VILLAGE}/shares/roll?as_of=2025-12-31")
    assert roll.status_code == 200, roll.json
    body = roll.json
    assert [(m["member"], m["head"], m["people"], m["total"]) for m in body["members"]] == [
        ("1", "王秀英", 4, "200000.00"),
        ("2", "李建国", 3, "200000.00"),
    ]
    assert body["members"][0]["member_shares"] == {"jt": "200000.00"}
    assert body["funds"] == [
        {
            "code": "jt",
            "name": "衔接资金",
            "member_shares": "400000.00",
            "collective_share": "100000.00",
            "quantified": "500000.00",
            "special_fund": "500000.00",
        }
    ]
    assert body["totals"]["member_shares"] == "400000.00"
    assert body["totals"]["collective_share"] == "100000.00"
    assert body["ties"] is True
    # before the quantification the roll lists the households with nothing
    before = books.get("aud", f"{VILLAGE}/shares/roll?as_of=2025-12-14").json
    assert before["funds"] == [] and before["totals"]["member_shares"] == "0.00"

    pdf = books.get("aud", f"{VILLAGE}/shares/roll?as_of=2025-12-31&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    assert "成员名册和份额登记簿" in text and "集体股" in text
    for figure in ("400,000.00", "100,000.00", "500,000.00", "王秀英"):
        assert figure in text, figure


def test_a_distribution_by_shares_pays_the_households_80_percent(books: Books) -> None:
    operating_fund(books)
    made = books.post(
        "acc", f"{VILLAGE}/shares/events", quantify_event(collective_amount="100000.00")
    )
    assert made.status_code == 201, made.json
    post_ok(
        books,
        {
            "date": "2025-12-20",
            "memo": "仓库租金",
            "lines": [
                {"account": "102", "debit": "10000.00"},
                {"account": "501", "credit": "10000.00"},
            ],
        },
        "village",
    )
    assert books.post("acc", f"{VILLAGE}/years/2025/close").status_code == 200
    plans = f"{VILLAGE}/distributions"
    plan = books.post("acc", plans, {"year": 2025, "reserve_rate": "0.00"})
    assert plan.status_code == 201, plan.json
    assert plan.json["D"] == "10000.00"
    assert plan.json["Q"] == "8000.00"
    assert plan.json["inputs"]["collective_share"] == "100000.00"
    assert plan.json["inputs"]["collective_part"] == "2000.00"
    assert [(ln["member"], ln["total"]) for ln in plan.json["lines"]] == [
        ("1", "4000.00"),
        ("2", "4000.00"),
    ]
    books.post(
        "rev",
        f"{plans}/{plan.json['id']}/approve",
        {"resolution": "成员代表大会决议", "approved_on": "2026-01-15"},
    )
    posted = books.post("acc", f"{plans}/{plan.json['id']}/post").json
    credits = {
        (ln["account"], ln["member"], ln["credit"])
        for v in posted["vouchers"]
        for ln in v["lines"]
        if ln["credit"] and ln["account"] == "113"
    }
    # the households are owed 8,000.00; the 集体股's 2,000.00 is credited to nobody
    assert credits == {("113", "1", "4000.00"), ("113", "2", "4000.00")}


def test_a_collective_part_out_of_range_is_422_naming_the_field(
    books: Books, connection: Any
) -> None:
    operating_fund(books)
    before = count_rows(connection)
    over = books.post("acc", f"{VILLAGE}/shares/events", quantify_event(collective_percent="120"))
    assert over.status_code == 422 and "collective_percent" in over.json["errors"], over.json
    negative = books.post(
        "acc", f"{VILLAGE}/shares/events", quantify_event(collective_amount="-1.00")
    )
    assert negative.status_code == 422 and "collective_amount" in negative.json["errors"]
    above = books.post(
        "acc", f"{VILLAGE}/shares/events", quantify_event(collective_amount="500000.01")
    )
    assert above.status_code == 422 and "collective_amount" in above.json["errors"]
    assert count_rows(connection) == before


def test_a_cooperative_keeps_no_集体股_and_has_no_roll(books: Books) -> None:
    receive_grant(books)
    from tests.builders import cold_store

    made = books.post("acc", "/api/v1/orgs/coop/assets", cold_store())
    review_and_post(books, made.json["vouchers"]["acquisition"])
    body = {
        "kind": "quantify_fiscal",
        "date": "2026-04-01",
        "reason": "量化",
        "fund": "muni-2026",
        "amount": "200000.00",
        "basis": "all_members",
        "collective_percent": "20",
    }
    refused = books.post("acc", "/api/v1/orgs/coop/shares/events", body)
    assert refused.status_code == 422 and "collective_percent" in refused.json["errors"]
    assert quantify(books, "200000.00", "all_members").status_code == 201
    roll = books.get("aud", "/api/v1/orgs/coop/shares/roll")
    assert roll.status_code == 409 and roll.json["code"] == "share_roll_villages_only"

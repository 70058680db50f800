"""Productive and public-welfare biological assets, intangible assets and long-term deferred
expenses on the asset register, depreciated or amortized by the same monthly run as fixed assets,
each kind in its own accounts of the organization's chart."""

from __future__ import annotations

from typing import Any

from tests.builders import review_and_post
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"


def herd(**overrides: Any) -> dict[str, Any]:
    """The breeding herd: 20 cows at 200,000 yuan, 5 % residual, six years, 扶贫 project."""
    body = {
        "asset_no": "NIU-01",
        "name": "能繁母牛20头",
        "category": "产畜",
        "class": "operating",
        "kind": "productive_biological",
        "poverty_project": True,
        "use": "production",
        "acquired_on": "2026-01-10",
        "cost": "200000.00",
        "salvage": "10000.00",
        "useful_life_months": 72,
    }
    body.update(overrides)
    return body


def land_right(**overrides: Any) -> dict[str, Any]:
    """A fifteen-year 土地经营权 for 360,000 yuan, amortized to 管理费用."""
    body = {
        "asset_no": "TD-01",
        "name": "土地经营权（120亩，15年）",
        "class": "operating",
        "kind": "intangible",
        "use": "management",
        "acquired_on": "2026-01-05",
        "cost": "360000.00",
        "useful_life_months": 180,
    }
    body.update(overrides)
    return body


def greenhouse_repair(**overrides: Any) -> dict[str, Any]:
    """Rebuilding a fully depreciated greenhouse: 36,000 yuan over two years, to 生产成本."""
    body = {
        "asset_no": "DT-01",
        "name": "大棚改建",
        "class": "operating",
        "kind": "long_term_deferred",
        "use": "production",
        "acquired_on": "2026-01-20",
        "cost": "36000.00",
        "useful_life_months": 24,
    }
    body.update(overrides)
    return body


def shelter_belt(**overrides: Any) -> dict[str, Any]:
    body = {
        "asset_no": "FHL-01",
        "name": "农田防护林",
        "class": "public_welfare",
        "kind": "public_welfare_biological",
        "use": "public_welfare",
        "acquired_on": "2026-01-15",
        "cost": "50000.00",
        "useful_life_months": 120,
    }
    body.update(overrides)
    return body


def register(books: Books, body: dict[str, Any], org: str = "coop") -> dict[str, Any]:
    made = books.post("acc", f"/api/v1/orgs/{org}/assets", body)
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["vouchers"]["acquisition"], org)
    return made.json  # type: ignore[no-any-return]


def lines(voucher: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]]


def test_a_breeding_herd_is_depreciated_monthly_into_143(books: Books) -> None:
    made = books.post("acc", f"{ORG}/assets", herd())
    assert made.status_code == 201, made.json
    card = made.json
    assert card["kind"] == "productive_biological" and card["class"] == "operating"
    # bought: Dr 生产性生物资产 142 / Cr 银行存款
    assert lines(card["vouchers"]["prepared"]) == [
        ("142", "200000.00", None),
        ("102", None, "200000.00"),
    ]
    assert card["vouchers"]["prepared"]["memo"] == "购入生产性生物资产 NIU-01 能繁母牛20头"
    # (200,000 − 10,000) ÷ 72 = 2,638.888… → 2,638.89 a month from February; the 72nd month
    # takes what remains, so the whole 190,000.00 is charged to the fen
    schedule = card["schedule"]
    assert card["monthly_charge"] == "2638.89"
    assert (schedule[0]["period"], schedule[-1]["period"]) == ("2026-02", "2032-01")
    assert len(schedule) == 72 and schedule[-1]["amount"] == "2638.81"
    assert sum(int(s["amount"].replace(".", "")) for s in schedule) == 19_000_000
    review_and_post(books, card["vouchers"]["acquisition"])

    run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-04"})
    assert run.status_code == 201, run.json
    vouchers = run.json["vouchers"]
    assert [v["date"] for v in vouchers] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    for voucher in vouchers:
        # production herd: Dr 生产成本 401 / Cr 生产性生物资产累计折旧 143
        assert lines(voucher) == [("401", "2638.89", None), ("143", None, "2638.89")]
        assert voucher["memo"].endswith("折旧及摊销")
        review_and_post(books, voucher["id"])
    assert books.post("acc", f"{ORG}/depreciation", {"through": "2026-04"}).json["vouchers"] == []

    card = books.get("aud", f"{ORG}/assets/NIU-01").json
    assert (card["accumulated_depreciation"], card["net_book_value"]) == (
        "7916.67",
        "192083.33",
    )
    sheet = books.get("aud", f"{ORG}/reports/balance-sheet?as_of=2026-04-30").json
    amounts = {ln["name"]: ln["current"] for ln in sheet["lines"] if not ln["heading"]}
    assert amounts["生产性生物资产原值"] == "200000.00"
    assert amounts["减：生产性生物资产累计折旧"] == "7916.67"
    assert amounts["固定资产原值"] == "0.00"
    assert sheet["balanced"] is True


def test_one_run_charges_every_kind_each_to_its_own_account(books: Books) -> None:
    for body in (herd(), land_right(), greenhouse_repair(), shelter_belt()):
        register(books, body)
    # the land right and the greenhouse: straight line, no salvage, nothing to the public-welfare
    # forest (公益性生物资产 is never depreciated)
    forest = books.get("aud", f"{ORG}/assets/FHL-01").json
    assert (forest["monthly_charge"], forest["schedule"]) == ("0.00", [])
    run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-02"})
    assert run.status_code == 201, run.json
    (voucher,) = run.json["vouchers"]
    assert voucher["memo"] == "计提2026年2月折旧及摊销"
    assert lines(voucher) == [
        ("401", "4138.89", None),  # the herd 2,638.89 + the greenhouse 1,500.00
        ("523", "2000.00", None),  # the land right: 360,000 ÷ 180
        ("143", None, "2638.89"),  # 生产性生物资产累计折旧
        ("162", None, "2000.00"),  # 累计摊销
        ("171", None, "1500.00"),  # 长期待摊费用, amortized off itself
    ]
    review_and_post(books, voucher["id"])

    sheet = books.get("aud", f"{ORG}/reports/balance-sheet?as_of=2026-02-28").json
    amounts = {ln["name"]: ln["current"] for ln in sheet["lines"] if not ln["heading"]}
    assert amounts["无形资产原值"] == "360000.00" and amounts["减：累计摊销"] == "2000.00"
    assert amounts["长期待摊费用"] == "34500.00"
    assert amounts["公益性生物资产"] == "50000.00"
    assert sheet["balanced"] is True

    register_report = books.get("aud", f"{ORG}/reports/asset-register?as_of=2026-02-28").json
    assert register_report["assets"] == [] and register_report["ties"] is True
    sections = {s["kind"]: s for s in register_report["sections"]}
    assert list(sections) == [
        "productive_biological",
        "public_welfare_biological",
        "intangible",
        "long_term_deferred",
    ]
    assert sections["productive_biological"]["accounts"] == {"cost": "142", "accumulated": "143"}
    assert sections["public_welfare_biological"]["accounts"] == {
        "cost": "144",
        "accumulated": None,
    }
    assert sections["long_term_deferred"]["accounts"] == {"cost": "171", "accumulated": "171"}
    assert sections["intangible"]["totals"]["net_book_value"] == "358000.00"
    assert all(s["ties"] for s in sections.values())


def test_a_land_right_is_amortized_monthly_and_can_be_sold(books: Books) -> None:
    card = register(books, land_right())
    assert card["monthly_charge"] == "2000.00" and len(card["schedule"]) == 180
    run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-03"}).json["vouchers"]
    assert [lines(v) for v in run] == [[("523", "2000.00", None), ("162", None, "2000.00")]] * 2
    for voucher in run:
        review_and_post(books, voucher["id"])
    sold = books.post(
        "acc", f"{ORG}/assets/TD-01/dispose", {"date": "2026-03-31", "proceeds": "350000.00"}
    )
    assert sold.status_code == 200, sold.json
    disposal = books.get("aud", f"/api/v1/orgs/coop/vouchers/{sold.json['vouchers']['disposal']}")
    # out of 无形资产 and 累计摊销 directly (no 固定资产清理), the loss to 其他支出
    assert sorted(lines(disposal.json)) == [
        ("102", "350000.00", None),
        ("161", None, "360000.00"),
        ("162", "4000.00", None),
        ("529", "6000.00", None),
    ]


def test_a_deferred_expense_is_amortized_off_itself(books: Books) -> None:
    card = register(books, greenhouse_repair(acquired_on="2024-01-20"))
    assert lines(books.get("aud", f"{ORG}/vouchers/{card['vouchers']['acquisition']}").json) == [
        ("171", "36000.00", None),
        ("102", None, "36000.00"),
    ]
    run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"}).json["vouchers"]
    # February 2024 to January 2026, then fully amortized: nothing more
    assert [v["date"] for v in (run[0], run[-1])] == ["2024-02-29", "2026-01-31"]
    assert len(run) == 24
    assert all(lines(v) == [("401", "1500.00", None), ("171", None, "1500.00")] for v in run)


def test_a_public_welfare_forest_is_never_depreciated(books: Books) -> None:
    card = register(books, shelter_belt())
    assert lines(books.get("aud", f"{ORG}/vouchers/{card['vouchers']['acquisition']}").json) == [
        ("144", "50000.00", None),
        ("102", None, "50000.00"),
    ]
    assert books.post("acc", f"{ORG}/depreciation", {"through": "2026-11"}).json["vouchers"] == []
    assert books.get("aud", f"{ORG}/assets/FHL-01").json["net_book_value"] == "50000.00"


def test_a_village_keeps_its_herd_in_132_and_133(books: Books) -> None:
    card = register(books, herd(use="production"), org="village")
    run = books.post("acc", "/api/v1/orgs/village/depreciation", {"through": "2026-02"})
    assert run.status_code == 201, run.json
    assert lines(run.json["vouchers"][0]) == [("401", "2638.89", None), ("133", None, "2638.89")]
    assert card["vouchers"]["prepared"]["lines"][0]["account"] == "132"


def test_a_chart_without_the_account_refuses_the_kind(books: Books, connection: Any) -> None:
    made = books.post(
        "admin",
        "/api/v1/orgs",
        {
            "code": "legacy",
            "name": "旧账合作社",
            "kind": "cooperative",
            "chart": "cooperative-2007",
        },
    )
    assert made.status_code == 201
    for user in ("acc", "rev"):
        given = books.client.patch(
            f"/api/v1/users/{user}",
            json={"orgs": ["coop", "village", "legacy"]},
            headers=books.headers("admin"),
        )
        assert given.status_code == 200, given.json
    before = count_rows(connection)
    for body, name in (
        (herd(), "生产性生物资产"),
        (shelter_belt(), "公益性生物资产"),
        (greenhouse_repair(), "长期待摊费用"),
    ):
        refused = books.post("acc", "/api/v1/orgs/legacy/assets", body)
        assert refused.status_code == 422, refused.json
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        message = refused.json["errors"]["kind"][0]
        assert name in message and "cooperative-2007" in message
    assert count_rows(connection) == before
    # the 2007 chart has 无形资产 but no 累计摊销: amortized straight off 161
    register(books, land_right(), org="legacy")
    run = books.post("acc", "/api/v1/orgs/legacy/depreciation", {"through": "2026-02"}).json
    assert lines(run["vouchers"][0]) == [("522", "2000.00", None), ("161", None, "2000.00")]


def test_a_bad_kind_is_422_naming_the_field(books: Books, connection: Any) -> None:
    before = count_rows(connection)
    refused = books.post("acc", f"{ORG}/assets", herd(kind="livestock"))
    assert refused.status_code == 422 and "kind" in refused.json["errors"], refused.json
    amortized_by_units = books.post(
        "acc", f"{ORG}/assets", land_right(method="units_of_production", total_units=1000)
    )
    assert amortized_by_units.status_code == 422
    assert "method" in amortized_by_units.json["errors"]
    assert count_rows(connection) == before


def test_an_asset_registered_without_a_kind_is_a_fixed_asset(books: Books) -> None:
    body = herd(asset_no="JX-01", name="拖拉机")
    del body["kind"]
    card = register(books, body)
    assert card["kind"] == "fixed"
    assert card["vouchers"]["prepared"]["lines"][0]["account"] == "151"

"""Equipment given as a gift (computers, water purifiers, air conditioners for the village school)
received over the donations API: a fixed asset on the register, booked Dr 固定资产 / Cr the
chart's account for gifts in one transaction, depreciated by the monthly run, and shown in a
cooperative's members' equity statement as 接受他人捐赠形成."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import review_and_post
from tests.conftest import Books


def computers(asset_no: str = "JZ-01", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "equipment",
        "donor": "济南某科技公司",
        "date": "2026-03-10",
        "basis": "donor_invoice",
        "evidence": "捐赠协议及发票",
        "asset": {
            "asset_no": asset_no,
            "name": "村小学计算机教室电脑 40 台",
            "category": "电子设备",
            "class": "public_welfare",
            "use": "public_welfare",
            "value": "150000.00",
            "salvage": "6000.00",
            "useful_life_months": 48,
        },
    }
    body.update(overrides)
    return body


def legacy_org(books: Books, code: str, kind: str, chart: str) -> None:
    made = books.post(
        "admin", "/api/v1/orgs", {"code": code, "name": f"{code}组织", "kind": kind, "chart": chart}
    )
    assert made.status_code == 201, made.json
    for user in ("acc", "rev"):
        given = books.client.patch(
            f"/api/v1/users/{user}",
            json={"orgs": ["coop", "village", code]},
            headers=books.headers("admin"),
        )
        assert given.status_code == 200, given.json


@pytest.mark.parametrize(
    ("org", "kind", "chart", "credit"),
    [
        ("coop", None, "cooperative-2021", ("311", "专项基金")),
        ("village", None, "village-2023", ("311", "公积公益金")),
        ("legacy-coop", "cooperative", "cooperative-2007", ("311", "专项基金")),
        ("legacy-village", "village_collective", "village-2004", ("311", "公积公益金")),
    ],
)
def test_equipment_given_becomes_a_fixed_asset_booked_to_the_charts_gift_account(
    books: Books, org: str, kind: str | None, chart: str, credit: tuple[str, str]
) -> None:
    if kind is not None:
        legacy_org(books, org, kind, chart)
    base = f"/api/v1/orgs/{org}"
    made = books.post("acc", f"{base}/donations", computers())
    assert made.status_code == 201, made.json
    assert made.json["asset"]["asset_no"] == "JZ-01" and made.json["value"] == "150000.00"
    fund = made.json["fund"]
    assert fund == "donation-jz-01"
    voucher = books.get("acc", f"{base}/vouchers/{made.json['voucher']}").json
    lines = [
        (ln["account"], ln.get("debit"), ln.get("credit"), ln.get("fund"))
        for ln in voucher["lines"]
    ]
    assert lines == [("151", "150000.00", None, fund), (credit[0], None, "150000.00", None)]
    accounts = {a["code"]: a["name"] for a in books.get("acc", f"{base}/accounts").json["items"]}
    assert accounts[credit[0]] == credit[1] and accounts["151"] == "固定资产"
    card = books.get("acc", f"{base}/assets/JZ-01").json
    assert card["cost"] == "150000.00" and card["class"] == "public_welfare"
    registered = books.get("acc", f"{base}/funds/{fund}").json
    assert registered["source"] == "donation" and registered["grantor"] == "济南某科技公司"
    review_and_post(books, made.json["voucher"], org)
    # the monthly run depreciates it from April: (150,000 − 6,000) ÷ 48 = 3,000 a month
    run = books.post("acc", f"{base}/depreciation", {"through": "2026-04"})
    assert run.status_code == 201, run.json
    [charge] = run.json["vouchers"]
    review_and_post(books, charge["id"], org)
    charged = books.get("acc", f"{base}/assets/JZ-01").json
    assert charged["monthly_charge"] == "3000.00"
    assert charged["accumulated_depreciation"] == "3000.00"
    assert charged["net_book_value"] == "147000.00"


def test_a_cooperatives_members_equity_shows_the_gift_as_received_from_donors(
    books: Books,
) -> None:
    made = books.post("acc", "/api/v1/orgs/coop/donations", computers())
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["voucher"])
    body = books.get("acc", "/api/v1/orgs/coop/reports/members-equity?year=2026").json
    row = next(r for r in body["rows"] if r["key"] == "fund_donation")
    assert row["name"] == "接受他人捐赠形成"
    assert row["cells"]["special_fund"]["amount"] == "150000.00"
    assert not any(r["key"] == "other_increase" for r in body["rows"])


def test_equipment_refusals_name_the_field_and_write_nothing(books: Books) -> None:
    base = "/api/v1/orgs/coop"
    no_asset = books.post("acc", f"{base}/donations", computers(asset=None))
    assert no_asset.status_code == 422 and "asset" in no_asset.json["errors"]
    salvage = computers()
    salvage["asset"]["salvage"] = "200000.00"
    refused = books.post("acc", f"{base}/donations", salvage)
    assert refused.status_code == 422 and "asset.salvage" in refused.json["errors"], refused.json
    assert books.get("acc", f"{base}/assets").json["items"] == []
    assert books.post("aud", f"{base}/donations", computers()).status_code == 403
    assert books.post("acc", f"{base}/donations", computers()).status_code == 201
    again = books.post("acc", f"{base}/donations", computers())
    assert again.status_code == 409
    assert (
        books.post("acc", f"{base}/donations", computers(asset_no="JZ-02", fund="nope")).status_code
        == 422
    )

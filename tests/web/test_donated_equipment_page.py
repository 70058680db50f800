"""受赠设备 on the donations page: equipment given to the village school registered as a fixed
asset through its own form, and a refusal shown beside its field with what was typed kept."""

from __future__ import annotations

from typing import Any

PAGE = "/orgs/village/donations"
AIR = {
    "form": "equipment",
    "donor": "济南某电器公司",
    "date": "2026-03-10",
    "basis": "donor_invoice",
    "evidence": "捐赠协议",
    "asset_no": "KT-01",
    "name": "村小学教室空调 12 台",
    "category": "电器设备",
    "class": "public_welfare",
    "use": "public_welfare",
    "value": "36000.00",
    "salvage": "0",
    "useful_life_months": "60",
}


def test_equipment_given_is_registered_as_a_fixed_asset_from_the_form(signed_in: Any) -> None:
    b = signed_in("acc")
    done = b.post(PAGE, AIR)
    assert done.status_code == 302, done.get_data(as_text=True)
    html = b.get(PAGE).get_data(as_text=True)
    assert "已将 济南某电器公司 捐赠的 村小学教室空调 12 台 登记为固定资产 KT-01" in html
    assert "36,000.00" in html
    assets = b.get("/orgs/village/assets").get_data(as_text=True)
    assert "KT-01" in assets


def test_a_refused_gift_keeps_what_was_typed(signed_in: Any) -> None:
    b = signed_in("acc")
    refused = b.post(PAGE, {**AIR, "salvage": "50000.00"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-for="salvage"' in html and 'value="村小学教室空调 12 台"' in html
    assert b.post(PAGE, AIR).status_code == 302
    again = b.post(PAGE, AIR)
    assert again.status_code == 422
    assert 'data-for="asset_no"' in again.get_data(as_text=True)

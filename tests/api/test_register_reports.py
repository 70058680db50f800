"""固定资产登记簿 and 资金使用情况表: the registers as reports, checked against the ledger."""

from __future__ import annotations

from tests.builders import FUND, ORG, cold_store, receive_grant, review_and_post, text_of
from tests.conftest import Books

ASSETS = f"{ORG}/reports/asset-register"
FUNDS = f"{ORG}/reports/fund-usage"


def depreciated_cold_store(books: Books) -> None:
    """The 250,000 cold store (200,000 from the fund), two months' charges posted, one prepared."""
    receive_grant(books)
    made = books.post("acc", f"{ORG}/assets", cold_store()).json
    review_and_post(books, made["vouchers"]["acquisition"])
    run = books.post("acc", f"{ORG}/depreciation", {"through": "2026-06"}).json
    for v in run["vouchers"][:2]:
        review_and_post(books, v["id"])


def test_the_asset_register_ties_to_the_ledger(books: Books) -> None:
    depreciated_cold_store(books)
    body = books.get("aud", ASSETS).json
    [card] = body["assets"]
    assert (card["asset_no"], card["cost"], card["accumulated_depreciation"]) == (
        "GB-01",
        "250000.00",
        "4000.00",  # the posted charges only: the third month's voucher is not posted
    )
    assert card["funding"] == {FUND: "200000.00"} and card["poverty_project"] is True
    assert body["by_class"]["operating"]["net_book_value"] == "246000.00"
    assert body["poverty_assets"]["fund_financed"] == "200000.00"
    assert body["ledger"] == {"fixed_assets": "250000.00", "accumulated_depreciation": "4000.00"}
    assert body["ties"] is True
    assert body["drawn_from"]["chain_head"] == books.get("aud", f"{ORG}/audit/chain").json["head"]


def test_an_acquisition_not_yet_posted_shows_as_a_difference(books: Books) -> None:
    depreciated_cold_store(books)
    made = books.post(
        "acc",
        f"{ORG}/assets",
        cold_store(asset_no="GB-02", funding=[], cost="1000.00", salvage="0.00"),
    )
    assert made.status_code == 201, made.json
    body = books.get("aud", ASSETS).json
    assert body["totals"]["cost"] == "251000.00" and body["ledger"]["fixed_assets"] == "250000.00"
    assert body["ties"] is False
    text = text_of(books.get("aud", f"{ASSETS}?format=pdf").data)
    assert "登记簿与总账不一致" in text and "GB-02" in text


def test_the_asset_register_prints(books: Books) -> None:
    depreciated_cold_store(books)
    response = books.get("acc", f"{ASSETS}?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    for expected in (
        "固定资产登记簿",
        "大蒜示范基地冷库",
        "经营性资产",
        "250,000.00",
        "4,000.00",
        "246,000.00",
        "其中：扶贫资产",
        "一致",
        "生成时间",
    ):
        assert expected in text, expected


def test_the_fund_usage_report_ties_and_prints(books: Books) -> None:
    depreciated_cold_store(books)
    body = books.get("aud", FUNDS).json
    [fund] = body["funds"]
    assert (fund["code"], fund["received"], fund["spent"], fund["balance"]) == (
        FUND,
        "300000.00",
        "200000.00",
        "100000.00",
    )
    assert fund["special_fund"] == "200000.00" and fund["assets"] == ["GB-01"]
    assert body["ledger_balance"] == "100000.00" and body["ties"] is True
    text = text_of(books.get("aud", f"{FUNDS}?format=pdf").data)
    for expected in ("资金使用情况表", "市级专项扶贫资金", "300,000.00", "100,000.00", "一致"):
        assert expected in text, expected


def test_reports_of_another_organization_are_404(books: Books) -> None:
    assert books.get("other-acc", ASSETS).status_code == 404
    assert books.get("other-acc", FUNDS).status_code == 404
    assert books.get("acc", f"{FUNDS}?format=xls").status_code == 422


def test_the_registers_print_in_english(books: Books) -> None:
    depreciated_cold_store(books)
    assets = text_of(books.get("acc", f"{ASSETS}?format=pdf&lang=en").data)
    for expected in (
        "Fixed-assetregister",
        "大蒜示范基地冷库",  # the asset's name is data
        "Operatingassets,subtotal(items:1)",
        "Ofwhich:poverty-alleviationassets",
        "Total(items:1)",
        "agreewiththeledger",
        "Page1of1",
    ):
        assert expected in assets, expected
    assert "固定资产登记簿" not in assets and "经营性资产" not in assets
    funds = text_of(books.get("aud", f"{FUNDS}?format=pdf&lang=en").data)
    for expected in ("Fundusagereport", "Municipalpoverty-alleviationfund", "GB-01", "agrees"):
        assert expected in funds, expected
    assert "资金使用情况表" not in funds

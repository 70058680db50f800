"""Breeding stock, land rights and other long-lived assets through the pages: the kind chosen on
the asset form, shown on the register and the card, in the depreciation preview and under its
own heading in the asset register report; a kind the chart lacks refused beside its field."""

from __future__ import annotations

from typing import Any

from tests.api.test_living_and_intangible_assets import herd, land_right, register
from tests.conftest import Books

ASSETS = "/orgs/coop/assets"

HERD_FORM = {
    "asset_no": "NIU-01",
    "name": "能繁母牛20头",
    "category": "产畜",
    "kind": "productive_biological",
    "class": "operating",
    "poverty_project": "1",
    "use": "production",
    "acquired_on": "2026-01-10",
    "cost": "200000",
    "salvage": "10000",
    "useful_life_months": "72",
    "method": "straight_line",
}


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_the_asset_form_registers_a_breeding_herd(signed_in: Any, books: Books) -> None:
    b = signed_in("acc")
    form = _html(b.get(f"{ASSETS}/new"))
    assert 'name="kind"' in form and "生产性生物资产" in form and "长期待摊费用" in form
    made = b.post(f"{ASSETS}/new", HERD_FORM)
    assert made.status_code == 302, _html(made)
    card = _html(b.get(made.headers["Location"]))
    assert 'id="asset-kind">生产性生物资产<' in card
    assert "¥2,638.89" in card  # (200,000 − 10,000) ÷ 72 a month
    listing = _html(b.get(ASSETS))
    assert '<td class="asset-kind">生产性生物资产</td>' in listing
    prepared = books.get("acc", "/api/v1/orgs/coop/assets/NIU-01").json
    voucher = books.get("acc", f"/api/v1/orgs/coop/vouchers/{prepared['vouchers']['acquisition']}")
    assert voucher.json["lines"][0]["account"] == "142"


def test_a_kind_the_chart_lacks_is_refused_beside_its_field(signed_in: Any, books: Books) -> None:
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
    given = books.client.patch(
        "/api/v1/users/acc",
        json={"orgs": ["coop", "village", "legacy"]},
        headers=books.headers("admin"),
    )
    assert given.status_code == 200
    b = signed_in("acc")
    refused = b.post("/orgs/legacy/assets/new", HERD_FORM)
    assert refused.status_code == 422
    html = _html(refused)
    assert 'data-for="kind"' in html
    assert "本单位的科目表（cooperative-2007）没有“生产性生物资产”科目" in html
    assert 'value="能繁母牛20头"' in html


def test_the_run_preview_and_the_register_report_show_each_kind(
    signed_in: Any, books: Books
) -> None:
    register(books, herd())
    register(books, land_right())
    acc = signed_in("acc")
    preview = _html(acc.get("/orgs/coop/depreciation?through=2026-02"))
    assert "将生成 1 张折旧凭证（草稿），合计 ¥4,638.89" in preview
    assert '<td class="asset-kind">生产性生物资产</td>' in preview
    assert '<td class="asset-kind">无形资产</td>' in preview
    aud = signed_in("aud")
    report = _html(aud.get("/orgs/coop/reports/asset-register?date=2026-01-31"))
    assert 'id="asset-kind-productive_biological"' in report
    assert "（科目 142，累计 143）" in report
    assert 'id="asset-kind-intangible"' in report and "（科目 161，累计 162）" in report
    assert "能繁母牛20头" in report and "土地经营权（120亩，15年）" in report
    pdf = aud.get("/orgs/coop/reports/asset-register?date=2026-01-31&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

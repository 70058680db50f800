"""受赠物资 on the pages: goods received and handed out through the forms, the stock left, the
hand-out list printed for signatures, refusals beside their field, and the household's portal
listing what it received in kind."""

from __future__ import annotations

import re
from typing import Any

from tests.builders import text_of
from tests.conftest import Books

PAGE = "/orgs/coop/donations"
RICE = {
    "donor": "济南某粮油公司",
    "date": "2026-01-05",
    "basis": "market_price",
    "evidence": "捐赠清单",
    "name0": "大米",
    "unit0": "千克",
    "quantity0": "100",
    "value0": "500.00",
}


def _received(b: Any) -> str:
    made = b.post(PAGE, {"form": "receive", **RICE})
    assert made.status_code == 302, made.get_data(as_text=True)
    html = b.get(PAGE).get_data(as_text=True)
    found = re.search(r'<option value="(\d+)"[^>]*>大米', html)
    assert found
    return found.group(1)


def test_goods_are_received_handed_out_and_printed_for_signatures(signed_in: Any) -> None:
    b = signed_in("acc")
    item = _received(b)
    given = b.post(
        PAGE,
        {
            "form": "handout",
            "item": item,
            "handed_on": "2026-01-10",
            "households": "1 30 王秀英\n2 70",
        },
    )
    assert given.status_code == 302, given.get_data(as_text=True)
    html = b.get(PAGE).get_data(as_text=True)
    assert "已向 2 户发放物资，价值 500.00 元" in html
    stock = html.split('id="donation-stock"')[1].split("</table>")[0]
    assert "大米" in stock and '<td class="num">0</td><td>千克</td>' in stock
    link = re.search(r'href="(/orgs/coop/donations/handouts/\d+\.pdf)"', html)
    assert link
    text = text_of(b.get(link.group(1)).data)
    assert "受赠物资发放签收表" in text and "签字或按手印" in text and "李建国" in text
    english = text_of(b.get(link.group(1) + "?lang=en").data)
    assert "Hand-outlistofdonatedgoods" in english and "Signatureorthumbprint" in english


def test_more_than_in_stock_is_refused_on_the_form_and_nothing_is_handed_out(
    signed_in: Any,
) -> None:
    b = signed_in("acc")
    item = _received(b)
    refused = b.post(
        PAGE,
        {"form": "handout", "item": item, "handed_on": "2026-01-10", "households": "1 101"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "大米 库存只剩 100 千克，要发放 101 千克" in html and "1 101" in html
    assert "还没有发放记录。" in html
    stranger = b.post(
        PAGE,
        {"form": "handout", "item": item, "handed_on": "2026-01-10", "households": "77 1"},
    )
    assert stranger.status_code == 422
    assert "77 号在发放当天不是本组织的成员" in stranger.get_data(as_text=True)


def test_an_auditor_reads_the_page_but_has_no_forms(signed_in: Any) -> None:
    html = signed_in("aud").get(PAGE).get_data(as_text=True)
    assert "还没有受赠物资。" in html and 'id="receive-form"' not in html
    assert signed_in("aud").post(PAGE, {"form": "receive", **RICE}).status_code == 403


def test_the_household_sees_what_it_received_in_kind(books: Books, signed_in: Any) -> None:
    made = books.post(
        "acc",
        "/api/v1/orgs/coop/donations",
        {
            "donor": "爱心企业",
            "date": "2026-01-05",
            "basis": "donor_invoice",
            "items": [{"name": "棉被", "unit": "床", "quantity": "2", "value": "300.00"}],
        },
    )
    item = made.json["items"][0]["id"]
    books.post(
        "acc",
        "/api/v1/orgs/coop/donations/handouts",
        {"date": "2026-01-08", "lines": [{"item": item, "member": "1", "quantity": "1"}]},
    )
    hh = signed_in("hh1")
    html = hh.get("/me").get_data(as_text=True)
    block = html.split('id="in-kind-coop"')[1].split("</table>")[0]
    assert "您家收到的物资" in html
    assert "棉被" in block and "150.00" in block and "床" in block and "爱心企业" in block
    assert "Goods your household received" in hh.get("/me?lang=en").get_data(as_text=True)
    # the household cannot open the books' donation page
    assert hh.get(PAGE).status_code in (403, 404)

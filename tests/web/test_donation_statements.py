"""Goods in kind on the household's papers: its annual statement lists what it received that
year (item, quantity, value) beside its cash, as the posted books gave them when the statement
was issued; the public disclosure lists the donations received and handed out, households'
personal numbers masked, and a notice issued before goods were disclosed still serves as issued."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from pypdf import PdfReader

from coopledger.adapters.db.tables import IssuedDisclosureRow
from tests.builders import plan_paid_in_part, review_and_post, text_of
from tests.conftest import Books


def _goods(books: Books, org: str, member: str, day: str) -> None:
    """Quilts received from a donor and one handed to ``member`` on ``day``, both posted."""
    base = f"/api/v1/orgs/{org}/donations"
    made = books.post(
        "acc",
        base,
        {
            "donor": "某某纺织有限公司",
            "date": day,
            "basis": "donor_invoice",
            "items": [{"name": "棉被", "unit": "床", "quantity": "4", "value": "600.00"}],
        },
    )
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["voucher"], org)
    item = made.json["items"][0]["id"]
    out = books.post(
        "acc",
        f"{base}/handouts",
        {"date": day, "lines": [{"item": item, "member": member, "quantity": "1.5"}]},
    )
    assert out.status_code == 201, out.json
    review_and_post(books, out.json["voucher"], org)


def _figures(pdf: bytes) -> dict[str, Any]:
    reader = PdfReader(io.BytesIO(pdf))
    files = reader.attachments
    return json.loads(files["figures.json"][0])  # type: ignore[no-any-return]


def test_the_annual_statement_lists_the_goods_beside_the_cash(books: Books, signed_in: Any) -> None:
    _goods(books, "coop", "1", "2025-03-10")
    plan_paid_in_part(books)
    hh = signed_in("hh1")
    html = hh.get("/me").get_data(as_text=True)
    assert "2025年 您家还收到物资 1 次，价值 225.00 元" in html
    pdf = hh.get("/me/coop/statements/2025.pdf")
    assert pdf.status_code == 200
    text = text_of(pdf.data)
    assert "2025年您家收到的物资" in text and "棉被" in text and "1.5床" in text
    assert "225.00" in text
    figures = _figures(pdf.data)
    assert figures["in_kind"] == [
        {
            "item": "棉被",
            "quantity": "1.5",
            "unit": "床",
            "value": "225.00",
            "date": "2025-03-10",
            "donor": "某某纺织有限公司",
        }
    ]
    assert figures["in_kind_value"] == "225.00"
    # the other household received nothing: its statement lists no goods
    other = books.get("acc", "/api/v1/orgs/coop/members/2/statements/2025.pdf")
    assert other.status_code == 200 and "收到的物资" not in text_of(other.data)
    # goods handed out after the statement was issued do not change what it lists: the same
    # code prints the same goods, and the file handed out still verifies
    digest = hashlib.sha256(pdf.data).hexdigest()
    code = figures["verification_code"]
    again = hh.get("/me/coop/statements/2025.pdf")
    assert _figures(again.data)["in_kind"] == figures["in_kind"]
    check = books.client.get(f"/verify/{code}?format=json&sha256={digest}").json
    assert check["verdict"] == "matches_issued", check


def _publish(books: Books) -> Any:
    for m in ("2026-01", "2026-02", "2026-03"):
        r = books.post("acc", f"/api/v1/orgs/village/periods/{m}/close")
        assert r.status_code == 200, r.json
    return books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"})


def test_the_disclosure_lists_goods_received_and_handed_out_masked(books: Books) -> None:
    base = "/api/v1/orgs/village/donations"
    made = books.post(
        "acc",
        base,
        {
            "donor": "某某热力公司 电话 138 0013 8000",
            "date": "2026-01-05",
            "basis": "donor_invoice",
            "items": [
                {"name": "冬季用煤", "unit": "吨", "quantity": "3", "value": "1000.00"},
                {"name": "食用油", "unit": "千克", "quantity": "50", "value": "600.00"},
            ],
        },
    )
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["voucher"], "village")
    coal = made.json["items"][0]["id"]
    out = books.post(
        "acc",
        f"{base}/handouts",
        {
            "date": "2026-01-10",
            "lines": [
                {"item": coal, "member": "1", "quantity": "1"},
                {"item": coal, "member": "2", "quantity": "0.5"},
            ],
        },
    )
    assert out.status_code == 201, out.json
    review_and_post(books, out.json["voucher"], "village")
    # a hand-out left a draft is not in the books: not on the notice
    draft = books.post(
        "acc",
        f"{base}/handouts",
        {"date": "2026-02-10", "lines": [{"item": coal, "member": "1", "quantity": "0.5"}]},
    )
    assert draft.status_code == 201
    gone = books.delete("acc", f"/api/v1/orgs/village/vouchers/{draft.json['voucher']}")
    assert gone.status_code in (200, 204)
    published = _publish(books)
    assert published.status_code == 201, published.json
    notice = books.client.get(
        "/public/village/disclosure", query_string={"period": "2026-Q1", "format": "json"}
    ).json
    received = notice["donations_received"]
    assert [(g["item"], g["quantity"], g["unit"], g["value"]) for g in received] == [
        ("冬季用煤", "3", "吨", "1000.00"),
        ("食用油", "50", "千克", "600.00"),
    ]
    assert received[0]["donor"] == "某某热力公司 电话 *******8000"
    assert notice["donations_received_total"] == "1600.00"
    [coal_out] = notice["donations_handed_out"]
    assert (coal_out["item"], coal_out["households"]) == ("冬季用煤", 2)
    assert coal_out["quantity"] == "1.5"
    assert coal_out["value"] == "500.00" and notice["donations_handed_out_total"] == "500.00"
    page = books.client.get("/public/village/disclosure", query_string={"period": "2026-Q1"})
    html = page.get_data(as_text=True)
    assert "八、接受捐赠物资及发放" in html and "冬季用煤" in html and "13800138000" not in html
    assert "138 0013 8000" not in html
    pdf = books.client.get(
        "/public/village/disclosure", query_string={"period": "2026-Q1", "format": "pdf"}
    )
    assert "接受捐赠物资合计" in text_of(pdf.data)


def test_a_notice_issued_before_goods_were_disclosed_is_served_as_issued(
    books: Books, sessions: Any
) -> None:
    published = _publish(books)
    assert published.status_code == 201, published.json
    # a notice issued by an earlier version: the same content without the goods' keys
    with sessions() as session:
        row = session.query(IssuedDisclosureRow).one()
        old = json.loads(row.content)
        for key in list(old):
            if key.startswith("donations_"):
                del old[key]
        body = json.dumps(old, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(body.encode()).hexdigest()
        session.add(
            IssuedDisclosureRow(
                org_id=row.org_id,
                period="2025-Q4",
                published_on=row.published_on,
                content=body,
                sha256=digest,
                published_by=row.published_by,
                published_at=row.published_at,
            )
        )
        session.commit()
    q = {"period": "2025-Q4"}
    served = books.client.get("/public/village/disclosure", query_string={**q, "format": "json"})
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == digest
    html = books.client.get("/public/village/disclosure", query_string=q).get_data(as_text=True)
    assert digest in html and "接受捐赠物资" not in html
    pdf = books.client.get("/public/village/disclosure", query_string={**q, "format": "pdf"})
    assert pdf.status_code == 200

"""``GET /api/v1/orgs/{org}/vouchers/{id}.pdf``: the voucher print, scoped like the voucher."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from coopledger.adapters import pdf
from tests.conftest import Books

URL = "/api/v1/orgs/coop/vouchers"


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_posted_voucher_prints(books: Books) -> None:
    voucher = books.posted()
    response = books.get("aud", f"{URL}/{voucher['id']}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    assert response.data.startswith(b"%PDF-")
    text = text_of(response.data)
    for expected in (
        "绿源大蒜种植专业合作社",
        "记账凭证",
        voucher["number"],
        "人民币壹仟元整",
        "¥1,000.00",
        "102银行存款",
        "301股金",
        "制单：acc",
        "审核：rev",
        voucher["hash"],
    ):
        assert expected in text, expected


def test_a_draft_prints_without_a_number(books: Books) -> None:
    voucher = books.voucher(
        lines=[
            {"account": "102", "debit": "16409.02"},
            {"account": "301", "member": "1", "credit": "16409.02"},
        ]
    )
    response = books.get("acc", f"{URL}/{voucher['id']}.pdf")
    assert response.status_code == 200
    text = text_of(response.data)
    assert "未过账" in text and "人民币壹万陆仟肆佰零玖元零贰分" in text


def test_hostile_memos_are_text_and_nothing_is_fetched(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetchers: list[pdf.AssetFetcher] = []

    class Recording(pdf.AssetFetcher):
        def __init__(self) -> None:
            super().__init__()
            fetchers.append(self)

    monkeypatch.setattr(pdf, "AssetFetcher", Recording)
    # render in this process, so the recording fetcher is seen here (isolation: tests/adapters)
    monkeypatch.setattr(
        pdf, "render_pdf_isolated", lambda name, ctx, **kw: pdf.render_pdf(name, ctx)
    )
    image = '<img src="file:///etc/passwd">'
    attachment = '<link rel="attachment" href="file:///etc/hostname">'
    voucher = books.voucher(
        memo=image,
        lines=[
            {"account": "102", "debit": "1000.00", "memo": attachment},
            {"account": "301", "member": "1", "credit": "1000.00"},
        ],
    )
    response = books.get("acc", f"{URL}/{voucher['id']}.pdf")
    assert response.status_code == 200
    text = text_of(response.data)
    assert "".join(image.split()) in text and "".join(attachment.split()) in text
    assert len(fetchers) == 1 and fetchers[0].refused == []
    assert all(url.startswith(pdf.ASSETS.as_uri() + "/") for url in fetchers[0].requested)
    assert b"/EmbeddedFiles" not in response.data
    reader: Any = PdfReader(io.BytesIO(response.data))
    assert "/Names" not in reader.trailer["/Root"] and reader.attachments == {}


def test_another_organizations_voucher_is_404(books: Books) -> None:
    theirs = books.voucher(user="other-acc", org="other")
    assert books.get("acc", f"/api/v1/orgs/other/vouchers/{theirs['id']}.pdf").status_code == 404
    assert books.get("acc", f"{URL}/{theirs['id']}.pdf").status_code == 404
    assert (
        books.get("other-acc", f"/api/v1/orgs/other/vouchers/{theirs['id']}.pdf").status_code == 200
    )


def test_no_token_is_401(books: Books) -> None:
    voucher = books.voucher()
    response = books.client.get(f"{URL}/{voucher['id']}.pdf")
    assert response.status_code == 401 and response.json["code"] == "unauthenticated"


def test_the_route_is_in_the_openapi_document(books: Books) -> None:
    spec = books.client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/orgs/{org}/vouchers/{voucher_id}.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]

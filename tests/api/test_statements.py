"""The household dividend statement (PDF) and the public check of a printed copy."""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any

from pypdf import PdfReader
from sqlalchemy import text

from tests.builders import (
    PLANS,
    drop_guards,
    plan_paid_in_part,
    review_and_post,
    text_of,
)
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"


def test_the_household_reads_its_statement_and_why(books: Books) -> None:
    plan_paid_in_part(books)
    response = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = response.data
    assert document.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(document)).pages) == 1
    words = text_of(document)
    for expected in (
        "2025年度盈余分配明细",
        "绿源大蒜种植专业合作社",
        "王秀英",
        "110105********002X",
        "脱贫户",
        "13,500.00",
        "2,000.00",
        "¥21,500.00",
        "人民币贰万壹仟伍佰元整",
        "5,000.00",
        "16,500.00",
        "保底8,000.00元",
        "核验码",
    ):
        assert expected in words, expected
    assert "11010519491231002X" not in words
    again = text_of(books.get("aud", f"{ORG}/members/1/statements/2025.pdf").data)
    code = words.split("核验码")[1][:16]
    assert code in again  # one code per household and plan


def test_nobody_else_reads_it(books: Books) -> None:
    plan_paid_in_part(books)
    assert books.get("hh1", f"{ORG}/members/2/statements/2025.pdf").status_code == 404
    assert books.get("other-acc", f"{ORG}/members/1/statements/2025.pdf").status_code == 404
    no_plan = books.get("aud", f"{ORG}/members/1/statements/2024.pdf")
    assert no_plan.status_code == 409 and no_plan.json["code"] == "no_posted_plan"
    assert "2024" in no_plan.json["detail"]
    assert (
        books.post("acc", f"{ORG}/members", {"member_no": "9", "name": "新户"}).status_code == 201
    )
    outside = books.get("aud", f"{ORG}/members/9/statements/2025.pdf")
    assert (
        outside.status_code == 404 and "no share in the 2025 distribution" in outside.json["detail"]
    )
    assert books.client.get(f"{ORG}/members/1/statements/2025.pdf").status_code == 401


def test_a_printed_statement_is_checked_against_the_books(books: Books, connection: Any) -> None:
    plan_paid_in_part(books)
    words = text_of(books.get("hh1", f"{ORG}/members/1/statements/2025.pdf").data)
    code = words.split("核验码")[1][:16]
    checked = books.client.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert checked.status_code == 200
    assert checked.json["genuine"] is True and checked.json["total"] == "21500.00"
    assert checked.json["member"] == "王**"
    page = books.client.get(f"/verify/{code.lower()}")
    assert page.status_code == 200 and "此明细与账簿一致" in page.get_data(as_text=True)
    assert books.client.get("/verify/NOSUCHCODE0000").status_code == 404
    drop_guards(connection)
    connection.execute(
        text(
            "UPDATE voucher SET hash = 'rewritten' WHERE chain_seq = "
            f"{checked.json['chain_seq']} AND org_id = (SELECT id FROM organization WHERE code = 'coop')"
        )
    )
    tampered = books.client.get(f"/verify/{code}?format=json").json
    assert tampered["genuine"] is False and tampered["chain_matches"] is False


def test_the_statement_is_an_archival_pdf_carrying_its_figures(books: Books) -> None:
    """PDF/A-3b (an archive kept under 会计档案管理办法) with figures.json: what a machine reads is what the
    household reads — the same total, unpaid amount and verification code."""
    plan_paid_in_part(books)
    document = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf").data
    reader = PdfReader(io.BytesIO(document))
    xmp = reader.xmp_metadata
    assert xmp is not None and (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    assert list(reader.attachments) == ["figures.json"]
    figures = json.loads(reader.attachments["figures.json"][0])
    words = text_of(document)
    assert (figures["member"], figures["name"], figures["year"]) == ("1", "王秀英", 2025)
    assert (figures["total"], figures["paid"], figures["unpaid"]) == (
        "21500.00",
        "5000.00",
        "16500.00",
    )
    assert figures["id_number"] == "110105********002X"  # masked there too
    assert f"核验码{figures['verification_code']}" in words


def test_each_issued_document_is_recorded_and_checkable_by_its_sha256(books: Books) -> None:
    plan = plan_paid_in_part(books)
    first = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf").data
    again = books.get("aud", f"{ORG}/members/1/statements/2025.pdf").data
    assert again == first  # the same books give the same document, byte for byte
    code = text_of(first).split("核验码")[1][:16]
    digest = hashlib.sha256(first).hexdigest()
    checked = books.client.get(f"/verify/{code}?format=json&sha256={digest}").json
    assert [d["sha256"] for d in checked["documents"]] == [digest]
    assert checked["document_issued"] is True and checked["genuine"] is True
    # a further payment changes what the statement says: a second document, both on record
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "1", "amount": "1000.00", "date": "2026-02-02", "method": "bank"},
    )
    review_and_post(books, paid.json["vouchers"][0]["id"])
    later = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf").data
    assert later != first and "15,500.00" in text_of(later)
    documents = books.client.get(f"/verify/{code}?format=json").json["documents"]
    assert [d["sha256"] for d in documents] == [digest, hashlib.sha256(later).hexdigest()]
    forged = books.client.get(f"/verify/{code}?format=json&sha256={'0' * 64}").json
    assert forged["document_issued"] is False and forged["genuine"] is False
    page = books.client.get(f"/verify/{code}?sha256={'0' * 64}").get_data(as_text=True)
    assert "不是以此核验码开具的" in page


def _explained(words: str, start: str, end: str) -> list[str]:
    """The amounts (and shares in per cent) of the explanation, sorted: the same in each language."""
    return sorted(re.findall(r"\d[\d,]*\.\d\d%?", words.split(start)[1].split(end)[0]))


def test_the_household_reads_its_statement_in_english(books: Books) -> None:
    plan_paid_in_part(books)
    chinese = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf").data
    response = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = response.data
    assert len(PdfReader(io.BytesIO(document)).pages) == 1
    words = text_of(document)
    for expected in (
        "Dividendstatementfor2025",
        "绿源大蒜种植专业合作社",  # the organization's and the household's names, exactly
        "1王秀英",
        "110105********002X",
        "Statusatdistribution(31December2025)Liftedoutofpoverty",
        "Patronagerefund(bytransactions)13,500.00",
        "Guaranteedminimumtop-up2,000.00",
        "Totaldue¥21,500.00",
        "Paid5,000.00",
        "Notyetpaid16,500.00",
        "Totalinwords(Chinesecapitals):人民币贰万壹仟伍佰元整",
        "Howyourhousehold'samountwasworkedout:",
        "In2025yourhousehold'stransactionswiththecooperativecameto50,000.00yuan",
        "withthestatus“Liftedoutofpoverty”isguaranteedatleast8,000.00yuan",
        "toppedupby2,000.00yuan",
        "Total21,500.00yuan(inChinesecapitals:人民币贰万壹仟伍佰元整)",
    ):
        assert expected in words, expected
    for label in ("年度盈余分配明细", "合计应得", "您家", "核验码", "保底"):
        assert label not in words, label
    original = text_of(chinese)
    code = original.split("核验码")[1][:16]
    assert f"Verificationcode{code}" in words  # the same statement, the same code
    assert _explained(words, "workedout:", "Verificationcode") == _explained(
        original, "这样算出来的：", "核验码"
    )
    figures = [
        json.loads(PdfReader(io.BytesIO(d)).attachments["figures.json"][0])
        for d in (chinese, document)
    ]
    assert figures[0] == figures[1]
    # each language's document is on record and checks by its SHA-256
    documents = books.client.get(f"/verify/{code}?format=json").json["documents"]
    assert [d["sha256"] for d in documents] == [
        hashlib.sha256(chinese).hexdigest(),
        hashlib.sha256(document).hexdigest(),
    ]


def test_a_statement_in_an_unknown_language_is_422(books: Books) -> None:
    plan_paid_in_part(books)
    refused = books.get("hh1", f"{ORG}/members/1/statements/2025.pdf?lang=fr")
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "validation_failed" and "lang" in refused.json["errors"]

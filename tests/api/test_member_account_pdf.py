"""The member account (成员账户) as PDF: ``GET …/members/<no>/account?year=Y&format=pdf``."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.builders import approved_and_posted, closed_year, text_of
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"
URL = f"{ORG}/members/1/account?year=2025&format=pdf"


def test_the_household_reads_its_own_account_as_pdf(books: Books) -> None:
    closed_year(books)
    approved_and_posted(books)
    response = books.get("hh1", URL)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="member-account-coop-1-2025.pdf"'
    )
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    words = text_of(response.data)
    for expected in (
        "成员账户（2025年度）",
        "绿源大蒜种植专业合作社",
        "王秀英",
        "110105********002X",
        "脱贫户",
        "来源于到户类扶贫项目资产的出资额",
        "其他来源的出资额",
        "年初余额",
        "本年变动",
        "年末余额",
        "2,000.00",  # the capital
        "大蒜",
        "1000kg",
        "50,000.00",
        "13,500.00",  # patronage refund
        "6,000.00",  # residual distribution
        "¥19,500.00",
        "生成时间",
        "依据账簿哈希链第",
    ):
        assert expected in words, expected
    assert "11010519491231002X" not in words


def test_the_json_account_is_unchanged(books: Books) -> None:
    closed_year(books)
    approved_and_posted(books)
    plain = books.get("hh1", f"{ORG}/members/1/account?year=2025")
    explicit = books.get("hh1", f"{ORG}/members/1/account?year=2025&format=json")
    assert plain.status_code == explicit.status_code == 200
    bodies = [plain.json, explicit.json]
    drawn = [body.pop("drawn_from") for body in bodies]
    assert bodies[0] == bodies[1]
    assert bodies[0]["closing"]["capital"] == "2000.00"
    assert drawn[0]["chain_head"] == books.get("aud", f"{ORG}/audit/chain").json["head"]


def test_the_auditor_reads_it_and_nobody_else(books: Books) -> None:
    closed_year(books)
    approved_and_posted(books)
    assert "王秀英" in text_of(books.get("aud", URL).data)
    assert books.get("hh1", f"{ORG}/members/2/account?year=2025&format=pdf").status_code == 404
    assert books.get("other-acc", URL).status_code == 404
    response = books.client.get(URL)
    assert response.status_code == 401 and response.json["code"] == "unauthenticated"


def test_an_unknown_format_is_422_naming_format(books: Books) -> None:
    for fmt in ("xml", ""):
        response = books.get("aud", f"{ORG}/members/1/account?year=2025&format={fmt}")
        assert response.status_code == 422 and "format" in response.json["errors"], fmt


def test_the_account_prints_in_english(books: Books) -> None:
    closed_year(books)
    approved_and_posted(books)
    words = text_of(books.get("hh1", f"{URL}&lang=en").data)
    for expected in (
        "Memberaccount(2025)",
        "1王秀英",
        "Statusatyearend(31December2025)Liftedoutofpoverty",
        "Contributedfromhouseholdpoverty-projectassets",
        "Tradedthisyear:大蒜",  # the product is data
        "Distributedthisyear¥19,500.00",
        "Generated",
    ):
        assert expected in words, expected
    assert "成员账户" not in words and "脱贫户" not in words

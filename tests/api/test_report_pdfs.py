"""``?format=pdf`` on the reports: the trial balance (科目余额表) and the account ledger (明细账)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.builders import post_ok
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"
TB = f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-12-31"
LEDGER = f"{ORG}/ledger?account=102&from=2026-01-01&to=2026-12-31"
CHAIN = f"{ORG}/audit/chain"


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def page_size_mm(document: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(document)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def some_books(books: Books) -> dict[str, str]:
    """Share capital received, then part of it spent: 102 ends at 1,000.00 - 250.50 = 749.50."""
    first = books.posted(date="2026-03-10")
    second = post_ok(
        books,
        {
            "date": "2026-03-20",
            "memo": "购买种蒜",
            "lines": [
                {"account": "523", "debit": "250.50"},
                {"account": "102", "credit": "250.50"},
            ],
        },
    )
    return {"first": first["number"], "second": second["number"]}


def test_the_trial_balance_prints_on_a4_landscape(books: Books) -> None:
    some_books(books)
    response = books.get("acc", f"{TB}&format=pdf")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == 'inline; filename="trial-balance-coop-2026-01-01-2026-12-31.pdf"'
    )
    assert response.data.startswith(b"%PDF-")
    assert page_size_mm(response.data) == (297, 210)
    text = text_of(response.data)
    json = books.get("acc", TB).json
    assert json["balanced"] is True
    for expected in (
        "绿源大蒜种植专业合作社",
        "科目余额表",
        "2026-01-01至2026-12-31",
        "102银行存款",
        "股金",
        "102银行存款1,000.00250.50749.50301",  # empty cells are blank
        "523管理费用",
        "第1页/共1页",
    ):
        assert expected in text, expected
    totals = json["totals"]
    assert (totals["debit"], totals["closing_credit"]) == ("1250.50", "1000.00")
    assert "合计0.000.001,250.501,250.501,000.001,000.00" in text  # the totals row ties
    # drawn from: the chain head of the books the figures come from, and when
    head = books.get("acc", CHAIN).json["head"]
    assert json["drawn_from"]["chain_head"] == head
    assert f"依据账簿哈希链第{json['drawn_from']['chain_seq']}号" in text
    assert head in text and "生成时间" in text


def test_a_report_names_the_chain_head_it_was_drawn_from(books: Books) -> None:
    """A voucher posted after a report moves the head: the earlier report keeps the old one."""
    some_books(books)
    before = books.get("acc", TB).json["drawn_from"]
    books.posted(date="2026-04-01")
    after = books.get("acc", TB).json["drawn_from"]
    assert after["chain_seq"] == before["chain_seq"] + 1
    assert after["chain_head"] != before["chain_head"]
    assert after["chain_head"] == books.get("acc", CHAIN).json["head"]
    assert before["org"] == "coop" and before["generated_at"].endswith("+00:00")


def test_the_json_trial_balance_is_unchanged(books: Books) -> None:
    some_books(books)
    default = books.get("acc", TB)
    explicit = books.get("acc", f"{TB}&format=json")
    assert default.status_code == explicit.status_code == 200
    assert default.mimetype == "application/json"
    bodies = [default.json, explicit.json]
    drawn = [body.pop("drawn_from") for body in bodies]
    assert bodies[0] == bodies[1]
    assert set(bodies[0]) == {"org", "from", "to", "rows", "totals", "balanced"}
    assert drawn[0]["chain_head"] == drawn[1]["chain_head"] == books.get("acc", CHAIN).json["head"]


def test_the_ledger_prints_with_its_running_balance(books: Books) -> None:
    numbers = some_books(books)
    response = books.get("aud", f"{LEDGER}&format=pdf")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == 'inline; filename="ledger-coop-102-2026-01-01-2026-12-31.pdf"'
    )
    assert response.data.startswith(b"%PDF-")
    assert page_size_mm(response.data) == (210, 297)
    text = text_of(response.data)
    for expected in (
        "绿源大蒜种植专业合作社",
        "银行存款日记账",  # a bank account's book is its journal, totalled each day
        "本日合计",
        "102银行存款",
        numbers["first"],
        numbers["second"],
        "购买种蒜",
        "期初余额平0.00",
        "借1,000.00",
        "借749.50",
        "第1页/共1页",
    ):
        assert expected in text, expected


def test_a_members_subledger_prints_the_member_and_credit_balances(books: Books) -> None:
    some_books(books)
    url = f"{ORG}/ledger?account=301&member=1&from=2026-01-01&to=2026-12-31&format=pdf"
    response = books.get("aud", url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'inline; filename="ledger-coop-301-member-1-2026-01-01-2026-12-31.pdf"'
    )
    text = text_of(response.data)
    assert "成员：1王秀英" in text and "贷1,000.00" in text


def test_an_unknown_format_is_422_naming_format(books: Books) -> None:
    for url in (f"{TB}&format=xml", f"{LEDGER}&format=xml", f"{TB}&format="):
        response = books.get("aud", url)
        assert response.status_code == 422 and "format" in response.json["errors"], url


def test_the_reports_print_in_english_with_lang_en(books: Books) -> None:
    some_books(books)
    tb = text_of(books.get("acc", f"{TB}&format=pdf&lang=en").data)
    for expected in (
        "Trialbalance",
        "Period:2026-01-01to2026-12-31",
        "Accountcode",
        "102Bankdeposits1,000.00250.50749.50301",  # the chart's English names; blank cells
        "301Members'sharecapital",
        "Total0.000.001,250.501,250.501,000.001,000.00",
        "Page1of1",
        "Generated",
    ):
        assert expected in tb, expected
    assert "科目余额表" not in tb and "银行存款" not in tb and "第1页" not in tb
    ledger = text_of(books.get("aud", f"{LEDGER}&format=pdf&lang=en").data)
    assert "Account:102Bankdeposits" in ledger and "Dr749.50" in ledger
    assert "购买种蒜" in ledger  # memos are data
    # the language is a PDF's: the JSON keeps both names, whatever ``lang`` says
    assert books.get("acc", f"{TB}&lang=en").json["rows"] == books.get("acc", TB).json["rows"]


def test_an_unknown_language_is_422_naming_lang(books: Books) -> None:
    for url in (f"{TB}&format=pdf&lang=fr", f"{LEDGER}&format=pdf&lang=", f"{TB}&lang=EN"):
        response = books.get("aud", url)
        assert response.status_code == 422 and "lang" in response.json["errors"], url


def test_another_organizations_reports_are_404(books: Books) -> None:
    for path in ("reports/trial-balance?format=pdf", "ledger?account=102&format=pdf"):
        assert books.get("acc", f"/api/v1/orgs/other/{path}").status_code == 404
        assert books.get("other-acc", f"/api/v1/orgs/other/{path}").status_code == 200


def test_no_token_is_401(books: Books) -> None:
    for url in (f"{TB}&format=pdf", f"{LEDGER}&format=pdf"):
        response = books.client.get(url)
        assert response.status_code == 401 and response.json["code"] == "unauthenticated"


def test_hostile_memos_and_names_are_text(books: Books) -> None:
    image = '<img src="file:///etc/passwd">'
    books.posted(date="2026-03-10", memo=image)
    response = books.get("aud", f"{LEDGER}&format=pdf")
    assert response.status_code == 200
    assert "".join(image.split()) in text_of(response.data)


def test_the_pdf_responses_are_in_the_openapi_document(books: Books) -> None:
    spec = books.client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/orgs/{org}/reports/trial-balance", "/api/v1/orgs/{org}/ledger"):
        operation = spec["paths"][path]["get"]
        content = operation["responses"]["200"]["content"]
        assert "application/pdf" in content and "application/json" in content
        assert any(p["name"] == "format" for p in operation["parameters"])


def test_a_render_past_its_limit_is_503_and_the_next_one_works(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopledger.adapters import pdf

    some_books(books)
    monkeypatch.setattr(pdf, "RENDER_SECONDS", 0.001)
    stopped = books.get("acc", f"{TB}&format=pdf")
    assert stopped.status_code == 503 and stopped.json["code"] == "render_timeout"
    assert stopped.headers["Retry-After"] == "30"
    monkeypatch.undo()
    assert books.get("acc", f"{TB}&format=pdf").status_code == 200

"""The voucher print as 会计基础工作规范 asks: the cashier (出纳) signs receipt and payment
vouchers, signatures are people's names (the user's full name, the organization's 会计主管), a
voucher over one page repeats its title, number and 第 n/m 页 on every page, and a red reversal
prints in red."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.builders import text_of
from tests.conftest import Books

URL = "/api/v1/orgs/coop/vouchers"
#: WeasyPrint's fill colour for the print's red (#c00) in a PDF content stream
RED_FILL = b"0.8 0 0 rg"


def pages_of(document: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(document))
    return ["".join((page.extract_text() or "").split()) for page in reader.pages]


def content_of(document: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(document))
    return b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]


def print_of(books: Books, voucher: dict[str, Any], user: str = "aud") -> bytes:
    response = books.get(user, f"{URL}/{voucher['id']}.pdf")
    assert response.status_code == 200, response.json
    return response.data  # type: ignore[no-any-return]


TRANSFER = [  # 转账凭证: no cash or bank moves (管理费用 owed to a supplier)
    {"account": "523", "debit": "250.00"},
    {"account": "211", "credit": "250.00"},
]


def test_a_cash_or_bank_voucher_has_the_cashiers_signature_and_a_transfer_none(
    books: Books,
) -> None:
    bank = books.posted()  # Dr 102 银行存款 / Cr 301 股金
    cash = books.posted(
        lines=[
            {"account": "101", "debit": "80.00"},
            {"account": "301", "member": "2", "credit": "80.00"},
        ]
    )
    transfer = books.posted(lines=TRANSFER, memo="应付修理费")
    assert "出纳：" in text_of(print_of(books, bank))
    assert "出纳：" in text_of(print_of(books, cash))
    transfer_text = text_of(print_of(books, transfer))
    assert "出纳" not in transfer_text
    assert "制单：acc" in transfer_text  # the other signatures are still there


def test_signatures_print_peoples_names_and_the_chief_accountant(books: Books) -> None:
    voucher = books.posted()
    before = text_of(print_of(books, voucher))
    assert "制单：acc" in before and "审核：rev" in before  # no full name: the username

    for user, name in (("acc", "张会计"), ("rev", "李审核")):
        changed = books.client.patch(
            f"/api/v1/users/{user}", json={"full_name": name}, headers=books.headers("admin")
        )
        assert changed.status_code == 200, changed.json
        assert changed.json["full_name"] == name
    org = books.client.patch(
        "/api/v1/orgs/coop", json={"chief_accountant": "王主管"}, headers=books.headers("admin")
    )
    assert org.status_code == 200, org.json
    assert org.json["chief_accountant"] == "王主管"

    text = text_of(print_of(books, voucher))
    for expected in ("会计主管：王主管", "记账：张会计", "审核：李审核", "制单：张会计"):
        assert expected in text, expected
    assert "制单：acc" not in text

    # a cleared full name falls back to the username
    cleared = books.client.patch(
        "/api/v1/users/rev", json={"full_name": ""}, headers=books.headers("admin")
    )
    assert cleared.status_code == 200 and "full_name" not in cleared.json
    assert "审核：rev" in text_of(print_of(books, voucher))


def test_a_user_created_with_a_full_name_signs_with_it(books: Books) -> None:
    made = books.post(
        "admin",
        "/api/v1/users",
        {
            "username": "zhou",
            "password": "ledger pass 123",
            "role": "accountant",
            "orgs": ["coop"],
            "full_name": "周会计",
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["full_name"] == "周会计"
    listed = books.get("admin", "/api/v1/users").json["items"]
    assert {"username": "zhou", "full_name": "周会计"}.items() <= next(
        u for u in listed if u["username"] == "zhou"
    ).items()


def test_only_an_admin_names_the_chief_accountant_and_a_long_name_is_refused(
    books: Books,
) -> None:
    refused = books.client.patch(
        "/api/v1/orgs/coop", json={"chief_accountant": "王主管"}, headers=books.headers("acc")
    )
    assert refused.status_code == 403
    too_long = books.client.patch(
        "/api/v1/orgs/coop", json={"chief_accountant": "王" * 101}, headers=books.headers("admin")
    )
    assert too_long.status_code == 422
    assert "chief_accountant" in str(too_long.json)
    long_user = books.client.patch(
        "/api/v1/users/acc", json={"full_name": "张" * 101}, headers=books.headers("admin")
    )
    assert long_user.status_code == 422
    assert "full_name" in str(long_user.json)


def test_a_long_voucher_repeats_title_number_and_page_of_pages_on_every_page(
    books: Books,
) -> None:
    lines: list[dict[str, Any]] = [
        {"account": "102", "debit": f"{n}.00", "memo": f"第{n}笔股金"} for n in range(1, 44)
    ]
    lines.append({"account": "301", "member": "1", "credit": f"{sum(range(1, 44))}.00"})
    voucher = books.posted(lines=lines)
    pages = pages_of(print_of(books, voucher))
    assert len(pages) >= 2
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"第{n}/{total}页" in page, (n, page[:200])
        assert voucher["number"] in page, n
        assert "记账凭证" in page, n
        if "笔股金" in page:  # a page with lines of the table repeats its header
            assert "借方金额" in page and "贷方金额" in page, n
    assert sum("笔股金" in page for page in pages) >= 2


def test_a_red_reversal_prints_red_and_names_the_voucher_it_cancels(books: Books) -> None:
    original = books.posted()
    red = books.post("acc", f"{URL}/{original['id']}/reverse", {"date": "2026-03-20"})
    assert red.status_code == 201, red.json
    base = f"{URL}/{red.json['id']}"
    assert books.post("rev", f"{base}/review").status_code == 200
    posted = books.post("acc", f"{base}/post")
    assert posted.status_code == 200, posted.json

    document = print_of(books, posted.json)
    text = text_of(document)
    assert "红字" in text and f"冲销{original['number']}号凭证" in text
    assert "-1,000.00" in text
    assert RED_FILL in content_of(document)

    normal = print_of(books, original)
    assert "红字" not in text_of(normal)
    assert RED_FILL not in content_of(normal)

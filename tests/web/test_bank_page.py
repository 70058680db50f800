"""The bank reconciliation page: upload a statement, accept the suggestion, see it reconcile."""

from __future__ import annotations

import io
from typing import Any

from tests.builders import post, text_of
from tests.conftest import Books

PAGE = "/orgs/coop/bank"


def test_upload_accept_and_print(books: Books, signed_in: Any) -> None:
    post(books, "2026-02-20", ("102", "debit", "1000.00", None), ("301", "credit", "1000.00", "1"))
    post(books, "2026-03-02", ("521", "debit", "250.00", None), ("102", "credit", "250.00", None))
    acc = signed_in("acc")
    empty = acc.get(f"{PAGE}?month=2026-03")
    assert empty.status_code == 200 and 'id="bank-import"' in empty.get_data(as_text=True)
    bad = acc.post(
        PAGE,
        {
            "step": "import",
            "account": "102",
            "month": "2026-03",
            "opening_balance": "1000.00",
            "file": (io.BytesIO(b"date,amount\n2026-04-03,-250.00\n"), "m.csv"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "第 2 行，date 列" in bad.get_data(as_text=True)
    done = acc.post(
        PAGE,
        {
            "step": "import",
            "account": "102",
            "month": "2026-03",
            "opening_balance": "1000.00",
            "file": (io.BytesIO(b"date,amount,reference\n2026-03-03,-250.00,ZP7\n"), "m.csv"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "建议匹配（1 笔）" in page and 'id="not-reconciled"' not in page
    accepted = acc.post(PAGE, {"step": "accept_all", "account": "102", "month": "2026-03"})
    assert accepted.status_code == 302
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "本月已匹配（1 笔）" in page and 'id="reconciled"' in page
    pdf = acc.get(f"{PAGE}?month=2026-03&format=pdf")
    assert pdf.mimetype == "application/pdf"
    assert "银行存款余额调节表" in text_of(pdf.data) and "750.00" in text_of(pdf.data)


def test_a_cashier_sees_but_may_not_reconcile(books: Books, signed_in: Any) -> None:
    cash = signed_in("cash")
    page = cash.get(f"{PAGE}?month=2026-03")
    assert page.status_code == 200 and 'id="bank-import"' not in page.get_data(as_text=True)
    assert cash.post(PAGE, {"step": "accept_all", "month": "2026-03"}).status_code == 403
    assert signed_in("other-acc").get(f"{PAGE}?month=2026-03").status_code == 404

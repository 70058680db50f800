"""The bank reconciliation page: upload a statement, accept the suggestion, see it reconcile."""

from __future__ import annotations

import io
import re
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


def _ids(books: Books) -> tuple[dict[str, int], dict[str, int]]:
    """The March statement's lines by reference and the books' lines by amount."""
    got = books.get("acc", "/api/v1/orgs/coop/bank/102/2026-03").json["reconciliation"]
    bank = {b["reference"]: b["id"] for b in got["bank_received"] + got["bank_paid"]}
    book = {k["amount"]: k["id"] for k in got["book_received"] + got["book_paid"]}
    return bank, book


def test_pairing_ticked_lines_by_hand(books: Books, signed_in: Any) -> None:
    post(books, "2026-02-20", ("102", "debit", "1000.00", None), ("301", "credit", "1000.00", "1"))
    post(books, "2026-03-05", ("102", "debit", "300.00", None), ("501", "credit", "300.00", None))
    post(books, "2026-03-06", ("102", "debit", "200.00", None), ("501", "credit", "200.00", None))
    post(books, "2026-03-10", ("521", "debit", "250.00", None), ("102", "credit", "250.00", None))
    post(books, "2026-03-15", ("522", "debit", "80.00", None), ("102", "credit", "80.00", None))
    acc = signed_in("acc")
    statement = (
        "date,amount,reference\n"
        "2026-03-07,500.00,DEP1\n"  # both sales paid in at once
        "2026-03-15,-50.00,FEE1\n"  # one voucher booked both fees
        "2026-03-16,-30.00,FEE2\n"
        "2026-03-28,-250.00,ZP9\n"  # presented 18 days after it was booked: not suggested
    )
    done = acc.post(
        PAGE,
        {
            "step": "import",
            "account": "102",
            "month": "2026-03",
            "opening_balance": "1000.00",
            "file": (io.BytesIO(statement.encode()), "m.csv"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    bank, book = _ids(books)
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "建议匹配（0 笔）" in page and 'id="pair-form"' in page
    assert f'id="pick-line-{bank["DEP1"]}"' in page and f'id="pick-book-{book["300.00"]}"' in page
    form = {"step": "match", "account": "102", "month": "2026-03"}

    # the amounts differ: both totals named, the ticks kept, nothing paired
    short = acc.post(PAGE, {**form, "line": [bank["DEP1"]], "voucher_line": [book["300.00"]]})
    text = short.get_data(as_text=True)
    assert short.status_code == 422
    assert "所选对账单行合计 500.00 元，所选凭证行合计 300.00 元" in text
    assert f'value="{bank["DEP1"]}" id="pick-line-{bank["DEP1"]}"' in text
    assert f'id="pick-line-{bank["DEP1"]}" aria-label' in text and " checked>" in text
    # several lines both sides: refused
    both = acc.post(
        PAGE,
        {
            **form,
            "line": [bank["FEE1"], bank["FEE2"]],
            "voucher_line": [book["-250.00"], book["-80.00"]],
        },
    )
    assert both.status_code == 422 and "请勾选一行对账单和一行或多行凭证" in both.get_data(
        as_text=True
    )

    # one statement line with two of the books: asked first, then done
    ticked = {**form, "line": [bank["DEP1"]], "voucher_line": [book["300.00"], book["200.00"]]}
    asked = acc.post(PAGE, ticked)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="confirm-box"' in text
    assert "对账单 1 行与凭证 2 行配对，金额 500.00 元" in text
    assert _ids(books)[0] == bank  # nothing stored yet
    paired = acc.post(PAGE, {**ticked, "confirmed": "1"})
    assert paired.status_code == 302
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "已配对：对账单 1 行与凭证 2 行，金额 500.00 元。" in page
    assert "本月已匹配（1 笔）" in page
    assert f'id="pick-line-{bank["DEP1"]}"' not in page
    assert f'id="pick-book-{book["200.00"]}"' not in page
    # two statement lines with one of the books, and one to one across 18 days
    for lines, books_ in (
        ([bank["FEE1"], bank["FEE2"]], [book["-80.00"]]),
        ([bank["ZP9"]], [book["-250.00"]]),
    ):
        again = acc.post(PAGE, {**form, "line": lines, "voucher_line": books_, "confirmed": "1"})
        assert again.status_code == 302
    got = books.get("acc", "/api/v1/orgs/coop/bank/102/2026-03").json
    r = got["reconciliation"]
    assert r["bank_received"] == r["bank_paid"] == r["book_received"] == r["book_paid"] == []
    assert r["balances"] is True and r["book_adjusted"] == "1170.00"
    assert len(got["matched"]) == 5  # each pair of a match: 2 + 2 + 1
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "本月已匹配（3 笔）" in page and 'id="pair-form"' not in page
    # a line matched already cannot be paired again
    twice = acc.post(
        PAGE, {**form, "line": [bank["ZP9"]], "voucher_line": [book["-250.00"]], "confirmed": "1"}
    )
    assert twice.status_code == 409 and "所选的行已经配对" in twice.get_data(as_text=True)

    # undoing a match: asked first, then every line of it is in transit again
    undo = {"step": "unmatch", "account": "102", "month": "2026-03", "line": bank["FEE2"]}
    asked = acc.post(PAGE, undo)
    text = asked.get_data(as_text=True)
    assert (
        asked.status_code == 200 and "取消这组配对：对账单 2 行与凭证 1 行，金额 -80.00 元" in text
    )
    assert acc.post(PAGE, {**undo, "confirmed": "1"}).status_code == 302
    got = books.get("acc", "/api/v1/orgs/coop/bank/102/2026-03").json["reconciliation"]
    assert [b["reference"] for b in got["bank_paid"]] == ["FEE1", "FEE2"]
    assert [k["amount"] for k in got["book_paid"]] == ["-80.00"]
    assert got["balances"] is True
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "本月已匹配（2 笔）" in page and f'id="pick-line-{bank["FEE1"]}"' in page
    # a reader sees the matches but no ticks
    aud = signed_in("aud").get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "本月已匹配（2 笔）" in aud and 'id="pair-form"' not in aud


def test_a_match_with_a_line_after_the_month_s_end_is_in_transit_at_it(
    books: Books, signed_in: Any
) -> None:
    post(books, "2026-02-20", ("102", "debit", "1000.00", None), ("301", "credit", "1000.00", "1"))
    post(books, "2026-03-30", ("102", "debit", "300.00", None), ("501", "credit", "300.00", None))
    post(books, "2026-04-02", ("102", "debit", "200.00", None), ("501", "credit", "200.00", None))
    acc = signed_in("acc")
    done = acc.post(
        PAGE,
        {
            "step": "import",
            "account": "102",
            "month": "2026-03",
            "opening_balance": "1000.00",
            "file": (io.BytesIO(b"date,amount,reference\n2026-03-31,500.00,DEP2\n"), "m.csv"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    bank, book = _ids(books)
    april = books.get("acc", "/api/v1/orgs/coop/bank/102/2026-03").json["suggested"]
    assert april == []
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    offered = re.findall(r'id="pick-book-(\d+)"', page)  # March's line and April's, by date
    assert len(offered) == 2 and offered[0] == str(book["300.00"])
    april_line = offered[1]
    paired = acc.post(
        PAGE,
        {
            "step": "match",
            "account": "102",
            "month": "2026-03",
            "line": [bank["DEP2"]],
            "voucher_line": [book["300.00"], april_line],
            "confirmed": "1",
        },
    )
    assert paired.status_code == 302
    # at 31 March the bank has the 500 and the books only the 300: the match is not settled,
    # so both of its lines of March are still in transit, and the statement balances
    r = books.get("acc", "/api/v1/orgs/coop/bank/102/2026-03").json["reconciliation"]
    assert [b["reference"] for b in r["bank_received"]] == ["DEP2"]
    assert [k["amount"] for k in r["book_received"]] == ["300.00"]
    assert r["balances"] is True
    page = acc.get(f"{PAGE}?month=2026-03").get_data(as_text=True)
    assert "本月已匹配（1 笔）" in page and "(¥200.00)" in page

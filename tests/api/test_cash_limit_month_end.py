"""The 库存现金限额 at month-end: each month whose last day closes with cash on hand above the
organization's limit is its own finding, beside the one finding for the days over the limit."""

from __future__ import annotations

from typing import Any

from tests.conftest import Books

VILLAGE = "/api/v1/orgs/village"


def findings(books: Books, code: str) -> list[dict[str, Any]]:
    found = books.get("aud", f"{VILLAGE}/audit/findings", query_string={"year": 2026})
    assert found.status_code == 200, found.json
    return [f for f in found.json["items"] if f["code"] == code]


def cash(books: Books, day: str, fen: int) -> None:
    """Money into 101 from 102 (``fen`` > 0) or back to the bank."""
    amount = f"{abs(fen) // 100}.{abs(fen) % 100:02d}"
    into, out = ("101", "102") if fen > 0 else ("102", "101")
    books.posted(
        org="village",
        date=day,
        lines=[{"account": into, "debit": amount}, {"account": out, "credit": amount}],
        memo="现金存取",
    )


def test_a_month_ending_above_the_cash_limit_is_its_own_finding(books: Books) -> None:
    patched = books.client.patch(
        "/api/v1/orgs/village", json={"cash_limit": "500.00"}, headers=books.headers("admin")
    )
    assert patched.status_code == 200, patched.json
    cash(books, "2026-03-10", 80000)  # 800 over the limit during March…
    cash(books, "2026-03-20", -40000)  # …but 400 at its end
    cash(books, "2026-04-30", 20000)  # 600 at April's end…
    cash(books, "2026-05-03", -20000)  # …400 again in May
    (daily,) = findings(books, "cash_over_limit")
    assert "2026-03-10" in daily["message"] and "1 more day(s)" in daily["message"]
    (month_end,) = findings(books, "cash_over_limit_month_end")
    assert month_end["objects"] == ["account:101", "period:2026-04"]
    assert month_end["message"] == (
        "cash on hand was 600.00 yuan at the end of the month 2026-04, above the limit of 500.00"
    )
    books.client.patch(
        "/api/v1/orgs/village", json={"cash_limit": None}, headers=books.headers("admin")
    )
    assert findings(books, "cash_over_limit_month_end") == []

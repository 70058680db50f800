"""The page forms bound their numbers and dates as the API does: out of bounds, or digits Python
counts as digits but cannot read (superscripts), is the form again with the field's error in the
page's language, never a failure page."""

from __future__ import annotations

from typing import Any

from tests.conftest import Books
from tests.web.conftest import THREE_LINES


def test_a_report_range_past_2199_names_the_field(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    response = acc.get("/orgs/coop/reports/trial-balance?from=9999-01-01&to=9999-12-31")
    assert response.status_code == 422
    assert "日期须在 1900-01-01 至 2199-12-31 之间" in response.get_data(as_text=True)
    fine = acc.get("/orgs/coop/reports/trial-balance?from=2026-01-01&to=2199-12-31")
    assert fine.status_code == 200


def test_attachments_in_superscript_digits_are_a_field_error(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    response = acc.post("/orgs/coop/vouchers/new", {**THREE_LINES, "attachments": "²"})
    assert response.status_code == 422
    assert 'data-for="attachments"' in response.get_data(as_text=True)
    saved = acc.post("/orgs/coop/vouchers/new", {**THREE_LINES, "attachments": "0003"})
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_a_plan_year_in_superscript_digits_is_a_field_error(signed_in: Any, books: Books) -> None:
    acc = signed_in("acc")
    inputs = {"year": "²⁰²⁵", "reserve_rate": "0.10", "patronage_ratio": "0.60"}
    response = acc.post("/orgs/coop/distributions", inputs)
    assert response.status_code == 422
    assert 'data-for="year"' in response.get_data(as_text=True)


def test_a_voucher_list_cursor_past_64_bits_starts_from_the_top(
    signed_in: Any, books: Books
) -> None:
    books.posted()
    acc = signed_in("acc")
    response = acc.get(f"/orgs/coop/vouchers?after={2**70}")
    assert response.status_code == 200
    assert "记-2026-03-0001" in response.get_data(as_text=True)

"""The voucher workflow over HTTP, and every bad input the ledger core must refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Books, count_rows

URL = "/api/v1/orgs/coop/vouchers"


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": "2026-03-10",
        "memo": "收到股金",
        "attachments": 1,
        "lines": [
            {"account": "102", "debit": "1000.00"},
            {"account": "301", "member": "1", "credit": "1000.00"},
        ],
    }
    data.update(overrides)
    return data


def with_line(index: int, **changes: Any) -> dict[str, Any]:
    data = body()
    data["lines"][index] = {**data["lines"][index], **changes}
    return data


class TestWorkflow:
    def test_draft_review_post_numbers_and_chains(self, books: Books) -> None:
        draft = books.voucher()
        assert draft["status"] == "draft" and draft["number"] is None and draft["hash"] is None
        assert draft["prepared_by"] == "acc" and draft["lines"][1]["credit"] == "1000.00"
        reviewed = books.post("rev", f"{URL}/{draft['id']}/review").json
        assert reviewed["status"] == "reviewed" and reviewed["reviewed_by"] == "rev"
        posted = books.post("acc", f"{URL}/{draft['id']}/post").json
        assert posted["status"] == "posted" and posted["posted_by"] == "acc"
        assert posted["number"] == "记-2026-03-0001"
        assert posted["prev_hash"] == "0" * 64 and len(posted["hash"]) == 64
        second = books.posted(date="2026-03-11")
        assert second["number"] == "记-2026-03-0002" and second["prev_hash"] == posted["hash"]
        april = books.posted(date="2026-04-01")
        assert april["number"] == "记-2026-04-0001"

    def test_amounts_round_trip_exactly(self, books: Books) -> None:
        amount = "9999999999999.99"
        v = books.posted(
            lines=[
                {"account": "102", "debit": amount},
                {"account": "301", "member": "1", "credit": amount},
            ]
        )
        assert books.get("aud", f"{URL}/{v['id']}").json["lines"][0]["debit"] == amount
        tb = books.get(
            "aud", "/api/v1/orgs/coop/reports/trial-balance?from=2026-01-01&to=2026-12-31"
        ).json
        assert tb["totals"]["debit"] == amount and tb["balanced"]

    def test_quantity_and_unit_are_kept(self, books: Books) -> None:
        v = books.voucher(
            lines=[
                {"account": "102", "debit": "5200.00"},
                {
                    "account": "501",
                    "credit": "5200.00",
                    "quantity": "1300.5",
                    "unit": "kg",
                    "memo": "大蒜 1300.5 公斤",
                },
            ]
        )
        assert v["lines"][1]["quantity"] == "1300.5" and v["lines"][1]["unit"] == "kg"

    def test_preparer_may_not_review_own_voucher(self, books: Books, connection: Any) -> None:
        v = books.voucher()
        response = books.post("acc", f"{URL}/{v['id']}/review")
        assert response.status_code == 403 and response.json["code"] == "segregation_of_duties"
        assert books.get("acc", f"{URL}/{v['id']}").json["status"] == "draft"

    def test_single_accountant_organization_may_review_own(
        self, books: Books, connection: Any
    ) -> None:
        from sqlalchemy import text

        connection.execute(
            text("UPDATE organization SET allow_single_accountant = true WHERE code = 'coop'")
        )
        v = books.voucher()
        assert books.post("acc", f"{URL}/{v['id']}/review").status_code == 200

    def test_cashier_prepares_cash_vouchers_only_and_never_reviews(self, books: Books) -> None:
        v = books.voucher(user="cash")
        assert books.post("cash", f"{URL}/{v['id']}/review").status_code == 403
        response = books.post(
            "cash",
            URL,
            body(
                lines=[{"account": "521", "debit": "10.00"}, {"account": "211", "credit": "10.00"}]
            ),
        )
        assert response.status_code == 403

    def test_posting_an_unreviewed_voucher_is_a_conflict(self, books: Books) -> None:
        v = books.voucher()
        response = books.post("acc", f"{URL}/{v['id']}/post")
        assert response.status_code == 409 and response.json["code"] == "not_reviewed"

    def test_posting_twice_is_a_conflict(self, books: Books) -> None:
        v = books.posted()
        response = books.post("acc", f"{URL}/{v['id']}/post")
        assert response.status_code == 409 and response.json["code"] == "already_posted"

    def test_drafts_can_be_edited_and_deleted(self, books: Books) -> None:
        v = books.voucher()
        edited = books.put("acc", f"{URL}/{v['id']}", body(memo="改过", date="2026-03-12"))
        assert (
            edited.status_code == 200
            and edited.json["memo"] == "改过"
            and edited.json["date"] == "2026-03-12"
        )
        assert books.delete("acc", f"{URL}/{v['id']}").status_code == 204
        assert books.get("acc", f"{URL}/{v['id']}").status_code == 404

    @pytest.mark.parametrize("method", ["put", "delete"])
    def test_posted_vouchers_cannot_be_edited_or_deleted(
        self, books: Books, connection: Any, method: str
    ) -> None:
        v = books.posted()
        before = count_rows(connection)
        response = (
            books.put("acc", f"{URL}/{v['id']}", body(memo="x"))
            if method == "put"
            else books.delete("acc", f"{URL}/{v['id']}")
        )
        assert response.status_code == 409
        assert count_rows(connection) == before
        assert books.get("acc", f"{URL}/{v['id']}").json == v

    def test_list_filters_and_pages(self, books: Books) -> None:
        for day in range(1, 4):
            books.posted(date=f"2026-03-0{day}")
        books.voucher(date="2026-04-02")
        posted = books.get("aud", f"{URL}?status=posted&period=2026-03").json
        assert [v["number"] for v in posted["items"]] == [f"记-2026-03-000{i}" for i in (1, 2, 3)]
        first = books.get("aud", f"{URL}?limit=2").json
        assert len(first["items"]) == 2 and first["next_cursor"]
        rest = books.get("aud", f"{URL}?limit=2&cursor={first['next_cursor']}").json
        assert len(rest["items"]) == 2
        assert {v["id"] for v in first["items"]}.isdisjoint(v["id"] for v in rest["items"])
        last = books.get("aud", f"{URL}?limit=2&cursor={rest['next_cursor']}").json
        assert last == {"items": [], "next_cursor": None}
        assert books.get("aud", f"{URL}?cursor=%%%").status_code == 422
        by_member = books.get("aud", f"{URL}?member=1&account=301").json
        assert len(by_member["items"]) == 4
        assert books.get("aud", f"{URL}?member=2").json["items"] == []


class TestReversal:
    def test_red_reversal_restores_balances(self, books: Books) -> None:
        v = books.posted()
        red = books.post("acc", f"{URL}/{v['id']}/reverse", {"date": "2026-03-20"})
        assert red.status_code == 201
        red = red.json
        assert red["reverses"] == v["id"] and red["kind"] == "reversal" and red["status"] == "draft"
        assert red["lines"][0]["debit"] == "-1000.00" and red["lines"][1]["credit"] == "-1000.00"
        assert "注销" in red["memo"] and v["number"] in red["memo"]
        books.post("rev", f"{URL}/{red['id']}/review")
        assert books.post("acc", f"{URL}/{red['id']}/post").status_code == 200
        assert books.get("acc", f"{URL}/{v['id']}").json["reversed_by"] == red["id"]
        tb = books.get(
            "acc", "/api/v1/orgs/coop/reports/trial-balance?from=2026-01-01&to=2026-12-31"
        ).json
        assert tb["rows"] == []

    def test_reversing_twice_is_a_conflict(self, books: Books) -> None:
        v = books.posted()
        assert (
            books.post("acc", f"{URL}/{v['id']}/reverse", {"date": "2026-03-20"}).status_code == 201
        )
        again = books.post("acc", f"{URL}/{v['id']}/reverse", {"date": "2026-03-21"})
        assert again.status_code == 409 and again.json["code"] == "already_reversed"

    def test_a_draft_is_not_reversed(self, books: Books) -> None:
        v = books.voucher()
        assert (
            books.post("acc", f"{URL}/{v['id']}/reverse", {"date": "2026-03-20"}).status_code == 409
        )

    def test_no_reversal_into_a_closed_year(self, books: Books) -> None:
        v = books.posted(date="2025-06-01")
        assert books.post("acc", "/api/v1/orgs/coop/years/2025/close").status_code == 200
        response = books.post("acc", f"{URL}/{v['id']}/reverse", {"date": "2026-01-05"})
        assert response.status_code == 409 and response.json["code"] == "period_closed"


# -- bad input: each answer names the field and writes nothing --------------------------------------

BAD_AMOUNTS = [
    pytest.param(1000, id="json-number"),
    pytest.param(10.5, id="json-float"),
    pytest.param("10.005", id="three-decimals"),
    pytest.param("1e3", id="exponent"),
    pytest.param("１０００.００", id="full-width"),
    pytest.param("1,000.00", id="thousands-separator"),
    pytest.param("", id="empty"),
    pytest.param("-1000.00", id="negative"),
    pytest.param("NaN", id="nan-string"),
    pytest.param("Infinity", id="infinity-string"),
    pytest.param(" 10.00 ", id="spaces"),
    pytest.param("+10.00", id="plus"),
    pytest.param("10.", id="trailing-dot"),
    pytest.param(".5", id="leading-dot"),
    pytest.param("99999999999999999999.99", id="huge"),
]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_bad_amounts_are_refused_naming_the_field(
    books: Books, connection: Any, amount: Any
) -> None:
    before = count_rows(connection)
    response = books.post("acc", URL, with_line(0, debit=amount))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert "lines.0.debit" in response.json["errors"]
    assert count_rows(connection) == before


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        pytest.param(with_line(1, credit="999.99"), "lines", "unbalanced", id="unbalanced"),
        pytest.param(
            body(lines=[{"account": "102", "debit": "10.00"}]),
            "lines",
            "validation_failed",
            id="single-line",
        ),
        pytest.param(
            with_line(0, credit="1000.00"), "lines.0.credit", "validation_failed", id="both-sides"
        ),
        pytest.param(with_line(0, debit=None), "lines.0.debit", "validation_failed", id="no-side"),
        pytest.param(
            body(
                lines=[
                    {"account": "102", "debit": "0.00"},
                    {"account": "301", "member": "1", "credit": "0.00"},
                ]
            ),
            "lines.0.debit",
            "validation_failed",
            id="zero",
        ),
        pytest.param(
            with_line(0, account="999"),
            "lines.0.account",
            "validation_failed",
            id="unknown-account",
        ),
        pytest.param(
            with_line(1, member=None), "lines.1.member", "validation_failed", id="member-missing"
        ),
        pytest.param(
            with_line(1, member="77"), "lines.1.member", "validation_failed", id="unknown-member"
        ),
        pytest.param(
            with_line(0, fund="nope"), "lines.0.fund", "validation_failed", id="unknown-fund"
        ),
        pytest.param(
            body(
                lines=[{"account": "102", "debit": "10.00"}, {"account": "235", "credit": "10.00"}]
            ),
            "lines.1.fund",
            "validation_failed",
            id="fund-missing",
        ),
        pytest.param(
            body(
                lines=[{"account": "102", "debit": "10.00"}, {"account": "332", "credit": "10.00"}]
            ),
            "lines.1.account",
            "validation_failed",
            id="parent-account",
        ),
        pytest.param(
            with_line(0, quantity="12.5"),
            "lines.0.unit",
            "validation_failed",
            id="quantity-without-unit",
        ),
        pytest.param(
            with_line(0, quantity=12.5, unit="kg"),
            "lines.0.quantity",
            "validation_failed",
            id="quantity-number",
        ),
        pytest.param(body(date="2026-02-30"), "date", "validation_failed", id="impossible-date"),
        pytest.param(body(date="2126-01-01"), "date", "validation_failed", id="century-ahead"),
        pytest.param(body(date="10/03/2026"), "date", "validation_failed", id="date-format"),
        pytest.param(
            body(attachments="1"), "attachments", "validation_failed", id="attachments-string"
        ),
        pytest.param(body(status="posted"), "status", "unknown_field", id="status"),
        pytest.param(body(number=1), "number", "unknown_field", id="number"),
        pytest.param(body(hash="0" * 64), "hash", "unknown_field", id="hash"),
        pytest.param(body(org="other"), "org", "unknown_field", id="other-org"),
        pytest.param(body(prepared_by="rev"), "prepared_by", "unknown_field", id="prepared-by"),
        pytest.param(with_line(0, org_id=3), "lines.0.org_id", "unknown_field", id="line-org"),
        pytest.param(body(memo="x" * 201), "memo", "validation_failed", id="memo-too-long"),
        pytest.param(body(memo="a\u0000b"), "memo", "invalid_text", id="nul-in-memo"),
    ],
)
def test_invalid_vouchers_are_refused(
    books: Books, connection: Any, payload: dict[str, Any], field: str, code: str
) -> None:
    before = count_rows(connection)
    response = books.post("acc", URL, payload)
    assert response.status_code == 422, response.json
    assert response.json["code"] == code
    assert field in response.json["errors"], response.json
    assert response.json["detail"]
    assert count_rows(connection) == before


def test_a_closed_month_is_a_conflict(books: Books, connection: Any) -> None:
    assert books.post("acc", "/api/v1/orgs/coop/periods/2026-02/close").status_code == 200
    before = count_rows(connection)
    response = books.post("acc", URL, body(date="2026-02-27"))
    assert response.status_code == 409 and response.json["code"] == "period_closed"
    assert count_rows(connection) == before


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        pytest.param(
            b'{"date": "2026-03-10", "date": "2026-03-11", "lines": []}',
            400,
            "duplicate_key",
            id="duplicate-keys",
        ),
        pytest.param(
            b'{"date": "2026-03-10", "attachments": NaN, "lines": []}',
            400,
            "invalid_json",
            id="nan-literal",
        ),
        pytest.param(b'{"lines": Infinity}', 400, "invalid_json", id="infinity-literal"),
        pytest.param(b"[" * 40 + b"]" * 40, 400, "too_deep", id="nesting-40"),
        pytest.param(b"[" * 30000 + b"]" * 30000, 400, "too_deep", id="nesting-30000"),
        pytest.param(b'{"memo": "\xff\xfe"}', 400, "invalid_encoding", id="invalid-utf8"),
        pytest.param('{"memo": "x"}'.encode("utf-16"), 400, "invalid_encoding", id="utf16"),
        pytest.param(b'{"memo": "\\ud800"}', 422, "invalid_text", id="lone-surrogate"),
        pytest.param(b"{not json", 400, "invalid_json", id="garbage"),
    ],
)
def test_unreadable_bodies_never_reach_the_books(
    books: Books, connection: Any, raw: bytes, status: int, code: str
) -> None:
    before = count_rows(connection)
    response = books.client.post(
        URL, data=raw, headers=books.headers("acc", **{"Content-Type": "application/json"})
    )
    assert response.status_code == status, response.json
    assert response.json["code"] == code
    assert count_rows(connection) == before


def test_a_body_over_one_mebibyte_is_413(books: Books, connection: Any) -> None:
    before = count_rows(connection)
    big = json.dumps(body(memo="x" * (1024 * 1024))).encode()
    response = books.client.post(
        URL, data=big, headers=books.headers("acc", **{"Content-Type": "application/json"})
    )
    assert response.status_code == 413 and response.json["code"] == "too_large"
    assert count_rows(connection) == before


def test_a_body_that_is_not_json_is_415(books: Books) -> None:
    response = books.client.post(
        URL, data=json.dumps(body()), headers=books.headers("acc", **{"Content-Type": "text/plain"})
    )
    assert response.status_code == 415


class TestIdempotency:
    def test_same_key_same_body_replays_the_voucher(self, books: Books, connection: Any) -> None:
        first = books.post("acc", URL, body(), headers={"Idempotency-Key": "k-1"})
        assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
        before = count_rows(connection)
        again = books.post("acc", URL, body(), headers={"Idempotency-Key": "k-1"})
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert again.json == first.json
        assert count_rows(connection) == before

    def test_same_key_other_body_is_422(self, books: Books, connection: Any) -> None:
        books.post("acc", URL, body(), headers={"Idempotency-Key": "k-2"})
        before = count_rows(connection)
        other = books.post("acc", URL, body(memo="别的"), headers={"Idempotency-Key": "k-2"})
        assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
        assert "Idempotency-Key" in other.json["errors"]
        assert count_rows(connection) == before

    def test_keys_belong_to_one_organization(self, books: Books) -> None:
        a = books.post("acc", URL, body(), headers={"Idempotency-Key": "k-3"})
        b = books.post(
            "acc",
            "/api/v1/orgs/village/vouchers",
            body(lines=[{"account": "102", "debit": "5.00"}, {"account": "501", "credit": "5.00"}]),
            headers={"Idempotency-Key": "k-3"},
        )
        assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]

    def test_a_refused_request_does_not_burn_its_key(self, books: Books) -> None:
        assert (
            books.post(
                "acc", URL, with_line(1, credit="1.00"), headers={"Idempotency-Key": "k-4"}
            ).status_code
            == 422
        )
        assert books.post("acc", URL, body(), headers={"Idempotency-Key": "k-4"}).status_code == 201

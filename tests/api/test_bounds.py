"""Every number and date the API takes in is bounded: out of bounds is a 422 naming the field,
never a 500, a hang, or a stored value that makes later reads loop or overflow."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from coopledger.domain.bounds import AmountTooLarge
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.money import MAX_AMOUNT_FEN, format_amount
from coopledger.services import auth, chain_check, reports, vouchers
from tests.builders import cold_store, deadline, receive_grant
from tests.builders import refused as db_refused
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"


def refused(response: Any, field: str, code: str = "validation_failed") -> None:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code and field in response.json["errors"], response.json


class TestAssets:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"useful_life_months": 1201}, "useful_life_months"),
            ({"useful_life_months": 2**62}, "useful_life_months"),
            ({"useful_life_months": 0}, "useful_life_months"),
            ({"opening_months": 1201}, "opening_months"),
            (
                {"method": "units_of_production", "total_units": 2**70},
                "total_units",
            ),
            ({"acquired_on": "9999-12-31"}, "acquired_on"),
            ({"acquired_on": "0001-01-01"}, "acquired_on"),
        ],
    )
    def test_an_out_of_bounds_card_is_refused_and_nothing_is_stored(
        self, books: Books, connection: Any, changes: dict[str, Any], field: str
    ) -> None:
        receive_grant(books)
        before = count_rows(connection)
        with deadline(10):
            response = books.post("acc", f"{ORG}/assets", cold_store(**changes))
            refused(response, field)
            assert count_rows(connection) == before
            assert books.get("acc", f"{ORG}/assets").json["items"] == []

    def test_a_hundred_years_is_the_longest_life(self, books: Books) -> None:
        receive_grant(books)
        created = books.post("acc", f"{ORG}/assets", cold_store(useful_life_months=1200))
        assert created.status_code == 201, created.json
        assert len(created.json["schedule"]) == 1200
        assert created.json["schedule"][-1]["period"] == "2126-03"

    def test_usage_units_are_bounded(self, books: Books) -> None:
        receive_grant(books)
        card = cold_store(method="units_of_production", total_units=100_000, funding=[])
        assert books.post("acc", f"{ORG}/assets", card).status_code == 201
        too_many = {"period": "2026-05", "units": 2**70}
        refused(books.post("acc", f"{ORG}/assets/GB-01/usage", too_many), "units")
        past = {"period": "9999-05", "units": 10}
        refused(books.post("acc", f"{ORG}/assets/GB-01/usage", past), "period")

    def test_depreciation_through_a_month_past_2199_is_refused(self, books: Books) -> None:
        refused(books.post("acc", f"{ORG}/depreciation", {"through": "9999-12"}), "through")
        refused(books.post("acc", f"{ORG}/depreciation", {"through": "0000-12"}), "through")


class TestDatesAndYears:
    @pytest.mark.parametrize(
        ("path", "field"),
        [
            ("reports/trial-balance?from=9999-01-01&to=9999-12-31", "from"),
            ("reports/trial-balance?from=2026-01-01&to=9999-12-31", "to"),
            ("reports/balance-sheet?as_of=9999-12-31", "as_of"),
            ("reports/surplus?year=9999", "year"),
            ("reports/surplus?year=" + "1" * 5000, "year"),
            ("ledger?account=102&from=1066-10-14&to=2026-12-31", "from"),
            ("shares?as_of=9999-12-31", "as_of"),
            ("members/1/status?on=9999-12-31", "on"),
            ("vouchers?period=9999-12", "period"),
            ("audit/log?from=0001-01-01", "from"),
        ],
    )
    def test_a_report_range_past_2199_is_422(self, books: Books, path: str, field: str) -> None:
        refused(books.get("acc", f"{ORG}/{path}"), field)

    def test_the_last_day_in_range_is_answered(self, books: Books) -> None:
        books.posted()
        tb = books.get("acc", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2199-12-31")
        assert tb.status_code == 200 and tb.json["balanced"] is True
        bs = books.get("acc", f"{ORG}/reports/balance-sheet?as_of=2199-12-31")
        assert bs.status_code == 200, bs.json

    def test_a_member_transaction_dated_past_2199_is_refused(
        self, books: Books, connection: Any
    ) -> None:
        before = count_rows(connection)
        body = {"date": "9999-12-31", "product": "大蒜", "quantity": "1", "unit": "kg"}
        response = books.post("acc", f"{ORG}/members/1/transactions", {**body, "amount": "1.00"})
        refused(response, "date")
        assert count_rows(connection) == before
        account = books.get("acc", f"{ORG}/members/1/account?year=2026").json
        assert account["transactions"] == []

    def test_a_member_joining_before_1900_is_refused(self, books: Books) -> None:
        body = {"member_no": "9", "name": "赵大", "joined_on": "1899-12-31"}
        refused(books.post("acc", f"{ORG}/members", body), "joined_on")

    def test_a_statement_batch_for_year_2200_is_refused(self, books: Books) -> None:
        refused(books.post("acc", f"{ORG}/statements/batches", {"year": 2200}), "year")


class TestHugeIntegers:
    def test_an_integer_of_more_than_4300_digits_is_422_naming_its_field(
        self, books: Books, connection: Any
    ) -> None:
        before = count_rows(connection)
        body = '{"asset_no": "GB-01", "useful_life_months": ' + "9" * 5000 + "}"
        response = books.client.post(
            f"{ORG}/assets",
            data=body,
            headers={**books.headers("acc"), "Content-Type": "application/json"},
        )
        refused(response, "useful_life_months", code="out_of_range")
        assert "4300" in response.json["errors"]["useful_life_months"][0]
        nested = '{"date": "2026-03-10", "lines": [{"account": "102", "x": -' + "7" * 4400 + "}]}"
        response = books.client.post(
            f"{ORG}/vouchers",
            data=nested,
            headers={**books.headers("acc"), "Content-Type": "application/json"},
        )
        refused(response, "lines.0.x", code="out_of_range")
        assert count_rows(connection) == before

    def test_a_cursor_past_64_bits_is_422(self, books: Books) -> None:
        import base64

        forged = base64.urlsafe_b64encode(str(2**70).encode()).decode().rstrip("=")
        refused(books.get("acc", f"{ORG}/vouchers?cursor={forged}"), "cursor")

    def test_a_plan_id_past_64_bits_is_422(self, books: Books) -> None:
        body = {"cooperative": "coop", "plan": 2**70, "date": "2026-03-10"}
        refused(books.post("acc", "/api/v1/orgs/village/dividends/receipts", body), "plan")


# -- sums of fen: what a 64-bit column holds ---------------------------------------------------

HALF = 4611  # lines at the largest amount: two batches of them leave 102 just below 2^63 − 1


def big_voucher(count: int, day: date) -> VoucherDraft:
    lines = [Line("102", Dr.DEBIT, MAX_AMOUNT_FEN) for _ in range(count)]
    lines += [Line("301", Dr.CREDIT, MAX_AMOUNT_FEN, member="1") for _ in range(count)]
    return VoucherDraft(day, "巨额", tuple(lines))


def test_a_posting_that_would_overflow_an_accounts_turnover_is_refused(
    books: Books, uow: Any, connection: Any
) -> None:
    """Bank turnover 9,222 × 9,999,999,999,999.99 yuan is still held; two more lines of that
    would pass 2^63 − 1 fen (SQLite would store the sum as a float, PostgreSQL fail): the post is
    refused as amount_too_large, and the books stay exact and verifiable."""
    admin = auth.actor_named(uow(), "admin")
    vouchers.post_batch(uow(), admin, "coop", [big_voucher(HALF, date(2026, 3, 1))])
    vouchers.post_batch(uow(), admin, "coop", [big_voucher(HALF, date(2026, 4, 1))])
    top = format_amount(MAX_AMOUNT_FEN)
    draft = books.voucher(
        lines=[
            {"account": "102", "debit": top},
            {"account": "102", "debit": top},
            {"account": "301", "member": "2", "credit": top},
            {"account": "301", "member": "2", "credit": top},
        ]
    )
    base = f"{ORG}/vouchers/{draft['id']}"
    assert books.post("rev", f"{base}/review").status_code == 200
    before = count_rows(connection)
    posted = books.post("acc", f"{base}/post")
    refused(posted, "lines", code="amount_too_large")
    assert "102" in posted.json["detail"]
    assert count_rows(connection) == before
    assert books.get("acc", base).json["status"] == "reviewed"
    # the batch path refuses it too, and writes nothing
    with pytest.raises(AmountTooLarge):
        vouchers.post_batch(uow(), admin, "coop", [big_voucher(2, date(2026, 5, 1))])
    assert count_rows(connection) == before
    tb = reports.trial_balance_report(uow(), admin, "coop", date(2026, 1, 1), date(2026, 12, 31))
    bank = {r.account: r for r in tb.rows}["102"]
    assert bank.debit == 2 * HALF * MAX_AMOUNT_FEN and isinstance(bank.debit, int)
    assert chain_check.verify_org(uow(), "coop").ok


def test_the_database_itself_refuses_a_turnover_past_64_bits(books: Books, connection: Any) -> None:
    """Whatever writes the row: SQLite would turn the overflowing sum into a float and keep it
    (its trigger refuses it), PostgreSQL's BIGINT refuses it."""
    books.posted()
    where = "WHERE debit_fen > 0"
    row = connection.execute(
        text(f"SELECT account_id, debit_fen FROM period_balance {where}")
    ).one()
    for sql in (
        f"UPDATE period_balance SET debit_fen = debit_fen + {2**63 - 1} {where}",
        f"UPDATE period_balance SET credit_fen = credit_fen - {2**63 - 1} - 2 {where}",
    ):
        assert db_refused(connection, sql), sql
    assert (
        connection.execute(text(f"SELECT account_id, debit_fen FROM period_balance {where}")).one()
        == row
    )
    assert not db_refused(connection, f"UPDATE period_balance SET debit_fen = {2**63 - 1} {where}")

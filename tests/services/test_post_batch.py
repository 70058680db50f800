"""Posting many vouchers at once: the same checks, numbers and chain as one by one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from coopledger.domain.errors import Forbidden, PeriodClosed, ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.periods import Period
from coopledger.services import auth, chain_check, periods, reports, vouchers
from tests.conftest import Books, count_rows


def sale(day: date, fen: int, member: str | None = None) -> VoucherDraft:
    lines = (Line("102", Dr.DEBIT, fen), Line("301", Dr.CREDIT, fen, member=member or "1"))
    return VoucherDraft(day, "批量", lines, attachments=1)


def test_a_batch_is_numbered_chained_and_counted(books: Books, uow: Any) -> None:
    admin = auth.actor_named(uow(), "admin")
    books.posted(date="2026-03-01")  # one voucher posted the ordinary way first
    drafts = [
        sale(date(2026, 3, 2), 100),
        sale(date(2026, 4, 1), 200),
        sale(date(2026, 3, 3), 300, "2"),
    ]
    ids = vouchers.post_batch(uow(), admin, "coop", drafts)
    posted = [vouchers.get_voucher(uow(), admin, "coop", i) for i in ids]
    assert [(v.booked_on.month, v.number) for v in posted] == [(3, 2), (4, 1), (3, 3)]
    assert all(v.prepared_by == v.reviewed_by == v.posted_by == "admin" for v in posted)
    report = chain_check.verify_org(uow(), "coop")
    assert report.ok and report.vouchers == 4
    tb = reports.trial_balance_report(uow(), admin, "coop", date(2026, 1, 1), date(2026, 12, 31))
    assert {r.account: r.debit for r in tb.rows}["102"] == 100000 + 600
    assert books.posted(date="2026-03-09")["number"] == "记-2026-03-0004"


def test_one_bad_voucher_writes_nothing_and_names_it(
    books: Books, uow: Any, connection: Any
) -> None:
    admin = auth.actor_named(uow(), "admin")
    before = count_rows(connection)
    bad = VoucherDraft(date(2026, 3, 2), "x", (Line("102", Dr.DEBIT, 5), Line("999", Dr.CREDIT, 5)))
    with pytest.raises(ValidationFailed) as caught:
        vouchers.post_batch(uow(), admin, "coop", [sale(date(2026, 3, 1), 1), bad])
    assert "vouchers.1.lines.1.account" in caught.value.errors
    assert count_rows(connection) == before
    chain = connection.execute(
        text("SELECT chain_seq FROM organization WHERE code = 'coop'")
    ).scalar_one()
    assert chain == 0


def test_only_someone_who_may_prepare_review_and_post(books: Books, uow: Any) -> None:
    with pytest.raises(Forbidden):
        vouchers.post_batch(
            uow(), auth.actor_named(uow(), "acc"), "coop", [sale(date(2026, 3, 1), 1)]
        )


def test_a_closed_month_refuses_the_batch(books: Books, uow: Any, connection: Any) -> None:
    admin = auth.actor_named(uow(), "admin")
    periods.close_period(uow(), admin, "coop", Period(2026, 2))
    before = count_rows(connection)
    with pytest.raises(PeriodClosed):
        vouchers.post_batch(
            uow(), admin, "coop", [sale(date(2026, 3, 1), 1), sale(date(2026, 2, 5), 1)]
        )
    assert count_rows(connection) == before


def test_the_posted_batch_is_permanent_and_the_guards_are_back(
    books: Books, uow: Any, connection: Any
) -> None:
    """On SQLite the per-row insert guards are set aside while a batch is written; afterwards
    they refuse again, and so do the guards of posted rows."""
    admin = auth.actor_named(uow(), "admin")
    ids = vouchers.post_batch(uow(), admin, "coop", [sale(date(2026, 3, 2), 100)] * 3)

    def refused(sql: str) -> bool:
        savepoint = connection.begin_nested()
        try:
            connection.execute(text(sql))
        except DBAPIError:
            return True
        finally:
            savepoint.rollback()
        return False

    assert refused(f"DELETE FROM voucher_line WHERE voucher_id = {ids[1]}")
    assert refused(
        "INSERT INTO voucher_line (voucher_id, org_id, line_no, account_id, side, amount_fen)"
        f" SELECT voucher_id, org_id, 9, account_id, side, amount_fen FROM voucher_line"
        f" WHERE voucher_id = {ids[2]} AND line_no = 1"
    )
    assert refused(
        "INSERT INTO voucher (org_id, status, kind, booked_on, year, month, memo, attachments,"
        " prepared_by, created_at) SELECT org_id, 'posted', kind, booked_on, year, month, memo,"
        f" attachments, prepared_by, created_at FROM voucher WHERE id = {ids[0]}"
    )

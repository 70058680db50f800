"""What the periods page reads: a year's months, the year-end's steps and blockers, and the
depreciation a run would prepare — all read only, and agreeing with what the actions then do."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from coopledger.domain.errors import Forbidden, NotFound, PeriodClosed, ValidationFailed
from coopledger.domain.ledger import totals
from coopledger.domain.periods import Period
from coopledger.services import auth, periods, registers
from tests.builders import cold_store, post_ok, review_and_post, voucher
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"
AFTER_2025 = date(2026, 1, 6)


def _clock(day: date) -> Any:
    return lambda: datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _sale(books: Books, day: str, amount: str = "1000.00") -> dict[str, Any]:
    return post_ok(
        books, voucher(day, ("102", "debit", amount, None), ("501", "credit", amount, None))
    )


def test_year_months_show_who_closed_and_what_keeps_a_month_open(books: Books, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    _sale(books, "2025-01-10")
    _sale(books, "2025-03-10")
    _sale(books, "2025-04-10")
    books.voucher(date="2025-03-20")  # a draft left in March
    periods.close_period(uow(), acc, "coop", Period(2025, 1))

    view = periods.year_months(uow(), auth.actor_named(uow(), "rev"), "coop", 2025)

    january, february, march, april = view.months[:4]
    assert january.closed and january.closed_by == "acc" and january.closed_at is not None
    assert january.vouchers_posted == 1
    assert not february.closed and february.pending == 0 and february.earlier_open is None
    assert (march.pending, march.earlier_open) == (1, None)
    assert april.earlier_open == Period(2025, 3)  # March has activity and is open
    assert view.next_to_close == Period(2025, 3)
    assert 2025 in view.years and not view.year_closed
    assert [m.period.month for m in view.months] == list(range(1, 13))


def test_year_months_are_hidden_from_whoever_cannot_read_the_books(books: Books, uow: Any) -> None:
    with pytest.raises(NotFound):
        periods.year_months(uow(), auth.actor_named(uow(), "other-acc"), "coop", 2025)
    with pytest.raises((Forbidden, NotFound)):
        periods.year_end_status(uow(), auth.actor_named(uow(), "hh1"), "coop", 2025, AFTER_2025)


def test_the_year_end_names_each_blocker_until_it_is_cleared(books: Books, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    _sale(books, "2025-02-10", "5000.00")
    post_ok(
        books,
        voucher("2025-05-10", ("521", "debit", "800.00", None), ("102", "credit", "800.00", None)),
    )
    # a cash shortage found at the count, not yet explained
    post_ok(
        books,
        voucher("2025-06-30", ("181", "debit", "50.00", None), ("101", "credit", "50.00", None)),
    )
    asset = books.post(
        "acc", f"{ORG}/assets", cold_store(acquired_on="2025-09-15", funding=[], use="management")
    )
    assert asset.status_code == 201, asset.json
    review_and_post(books, asset.json["vouchers"]["acquisition"])
    draft = books.voucher(date="2025-11-03")

    early = periods.year_end_status(uow(), acc, "coop", 2025, date(2025, 12, 30))
    assert early.blockers == (
        "year_not_ended",
        "vouchers_pending",
        "depreciation_due",
        "unsettled_losses",
        "months_open",
    )
    status = periods.year_end_status(uow(), acc, "coop", 2025, AFTER_2025)
    assert not status.ready and "year_not_ended" not in status.blockers
    assert status.pending == 1
    assert [(a.asset_no, a.months, a.amount_fen) for a in status.depreciation_due] == [
        ("GB-01", 3, 600_000)
    ]
    assert status.unsettled_accounts == ("181",) and status.unsettled_fen == 5_000
    assert status.open_months == tuple(range(1, 12))
    assert (status.income_fen, status.expense_fen, status.surplus_fen) == (
        500_000,
        80_000,
        420_000,
    )

    # clear them one by one, as the page's links lead
    books.delete("acc", f"{ORG}/vouchers/{draft['id']}")
    ran = registers.run_depreciation(uow(), acc, "coop", Period(2025, 12), clock=_clock(AFTER_2025))
    for v in ran:
        review_and_post(books, v.id)
    post_ok(
        books,
        voucher("2025-12-20", ("114", "debit", "50.00", "1"), ("181", "credit", "50.00", None)),
    )
    for month in range(1, 12):
        periods.close_period(uow(), acc, "coop", Period(2025, month))

    ready = periods.year_end_status(uow(), acc, "coop", 2025, AFTER_2025)
    assert ready.blockers == () and ready.ready
    assert ready.surplus_fen == 420_000 - 600_000  # three months of 管理费用 depreciation: a loss
    closing, carry = ready.postings
    assert closing.memo == "2025年度损益结转" and closing.booked_on == date(2025, 12, 31)
    assert totals(closing.lines)[0] == totals(closing.lines)[1]
    assert [(ln.account, ln.side.value, ln.amount_fen) for ln in carry.lines] == [
        ("33202", "D", 180_000),
        ("331", "C", 180_000),
    ]

    done = periods.close_year(uow(), acc, "coop", 2025)
    assert done.surplus_fen == ready.surplus_fen
    after = periods.year_end_status(uow(), acc, "coop", 2025, AFTER_2025)
    assert after.closed and after.surplus_fen == -180_000 and after.blockers == ()
    assert all(m.closed for m in periods.year_months(uow(), acc, "coop", 2025).months)


def test_a_closed_december_blocks_the_year_while_there_is_income_to_carry(
    books: Books, uow: Any
) -> None:
    acc = auth.actor_named(uow(), "acc")
    _sale(books, "2025-12-10")
    for month in range(1, 13):
        periods.close_period(uow(), acc, "coop", Period(2025, month))
    status = periods.year_end_status(uow(), acc, "coop", 2025, AFTER_2025)
    assert status.blockers == ("december_closed",)
    with pytest.raises(PeriodClosed):
        periods.close_year(uow(), acc, "coop", 2025)


def test_the_depreciation_preview_is_what_the_run_then_prepares(books: Books, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    made = books.post("acc", f"{ORG}/assets", cold_store(acquired_on="2026-01-10", funding=[]))
    review_and_post(books, made.json["vouchers"]["acquisition"])
    later = _clock(date(2026, 4, 2))

    preview = registers.depreciation_preview(uow(), acc, "coop", Period(2026, 3), clock=later)
    assert [(c.period, c.asset_no, c.use, c.amount_fen) for c in preview] == [
        (Period(2026, 2), "GB-01", "production", 200_000),
        (Period(2026, 3), "GB-01", "production", 200_000),
    ]
    assert books.get("acc", f"{ORG}/vouchers?status=draft").json["items"] == []  # nothing made

    ran = registers.run_depreciation(uow(), acc, "coop", Period(2026, 3), clock=later)
    assert [(v.booked_on, totals(v.lines)[0]) for v in ran] == [
        (date(2026, 2, 28), 200_000),
        (date(2026, 3, 31), 200_000),
    ]
    assert registers.depreciation_preview(uow(), acc, "coop", Period(2026, 3), clock=later) == []


def test_the_depreciation_preview_refuses_as_the_run_does(books: Books, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    made = books.post("acc", f"{ORG}/assets", cold_store(acquired_on="2026-01-10", funding=[]))
    review_and_post(books, made.json["vouchers"]["acquisition"])
    with pytest.raises(ValidationFailed) as unended:
        registers.depreciation_preview(
            uow(), acc, "coop", Period(2026, 4), clock=_clock(date(2026, 4, 29))
        )
    assert unended.value.code == "month_not_ended"
    periods.close_period(uow(), acc, "coop", Period(2026, 1))
    periods.close_period(uow(), acc, "coop", Period(2026, 2))
    with pytest.raises(PeriodClosed, match="2026-02"):
        registers.depreciation_preview(
            uow(), acc, "coop", Period(2026, 3), clock=_clock(date(2026, 4, 2))
        )
    with pytest.raises(Forbidden):
        registers.depreciation_preview(
            uow(), auth.actor_named(uow(), "rev"), "coop", Period(2026, 3)
        )

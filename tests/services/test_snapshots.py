"""Period snapshots: reports read the last snapshot plus later turnover and agree with the lines;
a reopen invalidates; ``audit verify`` finds a tampered snapshot."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import text

from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.periods import Period
from coopledger.domain.reporting import Turnover, trial_balance
from coopledger.services import auth, chain_check, financial_statements, periods, reports, vouchers
from tests.conftest import Books

MONTHS = [Period(2025, m) for m in range(1, 13)] + [Period(2026, m) for m in range(1, 11)]


def _drafts(rnd: random.Random, period: Period, count: int) -> list[VoucherDraft]:
    out = []
    for _ in range(count):
        day = date(period.year, period.month, rnd.randint(1, 28))
        fen = rnd.randint(1, 900_000)
        member = rnd.choice(["1", "2"])
        kind = rnd.random()
        if kind < 0.4:
            lines = (Line("102", Dr.DEBIT, fen), Line("501", Dr.CREDIT, fen))
        elif kind < 0.7:
            lines = (Line("521", Dr.DEBIT, fen), Line("114", Dr.CREDIT, fen, member=member))
        elif kind < 0.85:
            lines = (Line("114", Dr.DEBIT, fen, member=member), Line("102", Dr.CREDIT, fen))
        else:
            lines = (Line("102", Dr.DEBIT, fen), Line("301", Dr.CREDIT, fen, member=member))
        out.append(VoucherDraft(day, "快照", lines, attachments=1))
    return out


def _from_lines(connection: Any, start: date, end: date) -> list[Turnover]:
    rows = connection.execute(
        text(
            "SELECT a.code, v.booked_on, l.side, l.amount_fen FROM voucher_line l"
            " JOIN voucher v ON v.id = l.voucher_id JOIN account a ON a.id = l.account_id"
            " JOIN organization o ON o.id = v.org_id WHERE o.code = 'coop' AND v.status = 'posted'"
        )
    ).all()
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for code, booked, side, fen in rows:
        booked = booked if isinstance(booked, date) else date.fromisoformat(booked)
        signed = fen if side == "D" else -fen
        if booked < start:
            sums[code][0] += signed
        elif booked <= end:
            sums[code][1 if side == "D" else 2] += fen
    return [Turnover(c, o, d, cr) for c, (o, d, cr) in sums.items()]


def _members_from_lines(connection: Any, through: date) -> dict[int, int]:
    rows = connection.execute(
        text(
            "SELECT l.member_id, sum(CASE l.side WHEN 'C' THEN l.amount_fen ELSE -l.amount_fen END)"
            " FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id"
            " JOIN account a ON a.id = l.account_id JOIN organization o ON o.id = v.org_id"
            " WHERE o.code = 'coop' AND v.status = 'posted' AND a.code LIKE '114%'"
            " AND l.member_id IS NOT NULL AND v.booked_on <= :through GROUP BY l.member_id"
        ),
        {"through": through},
    ).all()
    return {int(m): int(n) for m, n in rows}


def _check_reports(uow: Any, admin: Any, connection: Any, rnd: random.Random) -> None:
    with uow() as w:
        org = w.store.org_by_code("coop")
        accounts = list(w.store.accounts(org.id).values())
    for _ in range(3):
        first, last = sorted(rnd.sample(range(len(MONTHS)), 2))
        start = MONTHS[first].first_day if rnd.random() < 0.7 else date(2025, 1, 1 + first)
        end = MONTHS[last].last_day
        tb = reports.trial_balance_report(uow(), admin, "coop", start, end)
        assert tb == trial_balance(accounts, _from_lines(connection, start, end)), (start, end)
        assert tb.ties
    through = MONTHS[rnd.randrange(len(MONTHS))].last_day
    with uow() as w:
        assert w.registers.account_balances_by_member(
            w.store.org_by_code("coop").id, "114", through
        ) == _members_from_lines(connection, through)


def _snapshot_months(connection: Any) -> list[tuple[int, int]]:
    return [
        (int(y), int(m))
        for y, m in connection.execute(
            text(
                "SELECT DISTINCT s.year, s.month FROM period_snapshot s"
                " JOIN organization o ON o.id = s.org_id WHERE o.code = 'coop'"
                " ORDER BY s.year, s.month"
            )
        )
    ]


def test_reports_with_snapshots_equal_the_lines_over_closes_and_reopens(
    books: Books, uow: Any, connection: Any
) -> None:
    admin = auth.actor_named(uow(), "admin")
    rnd = random.Random(9)
    closed: list[Period] = []
    for step in range(40):
        op = rnd.random()
        open_months = [p for p in MONTHS if p not in closed]
        if op < 0.45 and open_months:
            period = rnd.choice(open_months[:4])
            vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, period, rnd.randint(1, 6)))
        elif op < 0.8 and open_months:
            periods.close_period(uow(), admin, "coop", open_months[0])
            closed.append(open_months[0])
        elif closed:
            last = closed[-1]
            try:
                periods.reopen_period(uow(), admin, "coop", last)
            except DomainError:  # its year is closed
                continue
            closed.pop()
            assert all((y, m) < (last.year, last.month) for y, m in _snapshot_months(connection))
        if step % 3 == 0:
            _check_reports(uow, admin, connection, rnd)
    periods.close_year(uow(), admin, "coop", 2025)
    assert (2025, 12) in _snapshot_months(connection)
    _check_reports(uow, admin, connection, rnd)
    sheet = financial_statements.balance_sheet(uow(), admin, "coop", date(2026, 6, 30))
    assert sheet.statement is not None
    assert chain_check.verify_org(uow(), "coop").ok


def test_a_reopen_drops_the_snapshot_and_reports_still_agree(
    books: Books, uow: Any, connection: Any
) -> None:
    admin = auth.actor_named(uow(), "admin")
    rnd = random.Random(1)
    for period in MONTHS[:3]:
        vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, period, 3))
        periods.close_period(uow(), admin, "coop", period)
    assert _snapshot_months(connection) == [(2025, 1), (2025, 2), (2025, 3)]
    periods.reopen_period(uow(), admin, "coop", Period(2025, 3))
    assert _snapshot_months(connection) == [(2025, 1), (2025, 2)]
    vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, Period(2025, 3), 2))
    periods.close_period(uow(), admin, "coop", Period(2025, 3))
    start, end = date(2025, 4, 1), date(2025, 4, 30)
    with uow() as w:
        accounts = list(w.store.accounts(w.store.org_by_code("coop").id).values())
    assert reports.trial_balance_report(uow(), admin, "coop", start, end) == trial_balance(
        accounts, _from_lines(connection, start, end)
    )
    assert chain_check.verify_org(uow(), "coop").ok


def test_a_posting_into_an_earlier_open_month_bypasses_later_snapshots(
    books: Books, uow: Any, connection: Any
) -> None:
    """2025-02 has no period row, so 2025-03 can be closed first; a posting into 2025-02 then
    opens it, and reports ignore the 2025-03 snapshot until 2025-02 is closed."""
    admin = auth.actor_named(uow(), "admin")
    rnd = random.Random(2)
    vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, Period(2025, 3), 3))
    periods.close_period(uow(), admin, "coop", Period(2025, 3))
    vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, Period(2025, 2), 3))
    start, end = date(2025, 4, 1), date(2025, 4, 30)
    with uow() as w:
        accounts = list(w.store.accounts(w.store.org_by_code("coop").id).values())
    expected = trial_balance(accounts, _from_lines(connection, start, end))
    assert reports.trial_balance_report(uow(), admin, "coop", start, end) == expected
    periods.close_period(uow(), admin, "coop", Period(2025, 2))
    assert _snapshot_months(connection) == [(2025, 2)]
    assert reports.trial_balance_report(uow(), admin, "coop", start, end) == expected
    assert chain_check.verify_org(uow(), "coop").ok


def test_a_tampered_snapshot_fails_verification(books: Books, uow: Any, connection: Any) -> None:
    admin = auth.actor_named(uow(), "admin")
    rnd = random.Random(3)
    for period in MONTHS[:12]:
        vouchers.post_batch(uow(), admin, "coop", _drafts(rnd, period, 2))
    periods.close_year(uow(), admin, "coop", 2025)
    assert chain_check.verify_org(uow(), "coop").ok
    org_id = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar()
    connection.execute(
        text(
            "UPDATE period_snapshot SET debit_fen = debit_fen + 1 WHERE org_id = :org"
            " AND year = 2025 AND month = 6 AND account_id = (SELECT min(account_id)"
            " FROM period_snapshot WHERE org_id = :org AND year = 2025 AND month = 6)"
        ),
        {"org": org_id},
    )
    report = chain_check.verify_org(uow(), "coop")
    assert not report.ok
    assert report.reason == "period snapshots differ from the posted lines"
    assert report.balance_mismatches[0].startswith("snapshot 2025-06 account ")
    connection.execute(  # undone: the books verify again
        text(
            "UPDATE period_snapshot SET debit_fen = debit_fen - 1 WHERE org_id = :org"
            " AND year = 2025 AND month = 6 AND account_id = (SELECT min(account_id)"
            " FROM period_snapshot WHERE org_id = :org AND year = 2025 AND month = 6)"
        ),
        {"org": org_id},
    )
    assert chain_check.verify_org(uow(), "coop").ok
    connection.execute(
        text(
            "DELETE FROM member_snapshot WHERE org_id = :org AND member_id = (SELECT min(member_id)"
            " FROM member_snapshot WHERE org_id = :org)"
        ),
        {"org": org_id},
    )
    report = chain_check.verify_org(uow(), "coop")
    assert not report.ok
    assert report.balance_mismatches[0].startswith("member snapshot 2025-12 account ")

"""A month is closed while writers post into it.

Every voucher dated in the month either committed before the close — and is in its closing
balances — or was refused with ``period_closed``; after the close the month's totals never change.
Writers are threads with their own connections against a database that commits for real; the
close comes at a random moment of each trial (seeded).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.domain.errors import PeriodClosed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.periods import Period
from coopledger.services import auth, chain_check, orgs, periods, reports, vouchers
from tests.conftest import PASSWORD, FastHasher, fresh_database

WRITERS = 4
TRIALS = 4  # one month each: January to April


def test_a_close_racing_writers_keeps_every_voucher_on_one_side_of_it(tmp_path: Path) -> None:
    engine = make_engine(fresh_database("close_race", tmp_path))
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    orgs.create_org(uow(), None, "race", "结账竞争合作社", "cooperative")
    auth.create_user(uow(), None, FastHasher(), "boss", PASSWORD, "admin", [])
    admin = auth.actor_named(uow(), "boss")
    rnd = random.Random(20261129)
    for month in range(1, TRIALS + 1):
        period = Period(2026, month)
        start = threading.Barrier(WRITERS + 1)
        posted: list[int] = []
        refused_after: list[int] = []  # how many posts each writer saw refused (then it stopped)

        def write(
            seed: int,
            period: Period = period,
            start: threading.Barrier = start,
            posted: list[int] = posted,
            refused_after: list[int] = refused_after,
        ) -> None:
            mine = random.Random(seed)
            start.wait()
            while True:
                fen = mine.randint(1, 99_999)
                day = date(period.year, period.month, mine.randint(1, 28))
                draft = VoucherDraft(
                    day, "零售", (Line("101", Dr.DEBIT, fen), Line("501", Dr.CREDIT, fen))
                )
                try:
                    [voucher_id] = vouchers.post_batch(uow(), admin, "race", [draft])
                except PeriodClosed:
                    refused_after.append(1)
                    return
                except OperationalError:  # SQLite: busy past its timeout; try again
                    continue
                posted.append(voucher_id)
                time.sleep(mine.uniform(0.002, 0.02))  # a clerk's pace, not a tight loop

        threads = [
            threading.Thread(target=write, args=(rnd.randrange(10**9),)) for _ in range(WRITERS)
        ]
        for t in threads:
            t.start()
        start.wait()
        deadline = time.monotonic() + 30
        while not posted and time.monotonic() < deadline:  # the race starts with the first post
            time.sleep(0.005)
        time.sleep(rnd.uniform(0.02, 0.3))
        periods.close_period(uow(), admin, "race", period)
        for t in threads:
            t.join(timeout=60)
            assert not t.is_alive()

        # every writer was refused once the month was closed, and stopped
        assert len(refused_after) == WRITERS
        with engine.connect() as conn:
            in_month = conn.execute(
                text("SELECT id, status FROM voucher WHERE year = :y AND month = :m ORDER BY id"),
                {"y": period.year, "m": period.month},
            ).all()
        # what committed is exactly what the writers were told was posted, all of it posted
        assert sorted(posted) == [i for i, _ in in_month] and posted
        assert {s for _, s in in_month} == {"posted"}
        # the closing balances (snapshot) agree with the lines, and nothing changes them later
        report = chain_check.verify_org(uow(), "race")
        assert report.ok, (report.reason, report.balance_mismatches[:3])
        first, last = period.first_day, period.last_day
        closed = reports.trial_balance_report(uow(), admin, "race", first, last)
        cash = {r.account: r.debit for r in closed.rows}["101"]
        with engine.connect() as conn:
            lines = conn.execute(
                text(
                    "SELECT sum(l.amount_fen) FROM voucher_line l JOIN voucher v"
                    " ON v.id = l.voucher_id WHERE v.year = :y AND v.month = :m AND l.side = 'D'"
                ),
                {"y": period.year, "m": period.month},
            ).scalar_one()
        assert cash == lines
        late = VoucherDraft(last, "迟到", (Line("101", Dr.DEBIT, 1), Line("501", Dr.CREDIT, 1)))
        try:
            vouchers.post_batch(uow(), admin, "race", [late])
            raise AssertionError("a voucher was posted into a closed month")
        except PeriodClosed:
            pass
        assert reports.trial_balance_report(uow(), admin, "race", first, last) == closed
    engine.dispose()

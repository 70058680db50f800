"""The scale benchmark's fast loader writes books that ``audit verify`` accepts and whose reports
agree with the ones built by the ordinary posting path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.bench import scale as bench_scale
from coopledger.domain.periods import Period
from coopledger.services import auth, chain_check, consolidated, orgs, periods, reports, vouchers
from tests.conftest import FastHasher, fresh_database


@pytest.mark.parametrize("superuser", [True, False])
def test_the_fast_loader_writes_books_that_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, superuser: bool
) -> None:
    if not superuser:  # PostgreSQL: drafts posted by one UPDATE, every trigger in place
        monkeypatch.setattr(bench_scale, "may_set_guards_aside", lambda _conn: False)
    engine = make_engine(fresh_database("scale", tmp_path))
    try:
        migrate.upgrade(engine)
        sessions = sessionmaker(bind=engine, expire_on_commit=False)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        org_ids = bench_scale.create_orgs(engine, sessions, 3)
        auth.create_user(uow(), None, FastHasher(), "bench-admin", "pw-123456789", "admin", [])
        admin = auth.actor_named(uow(), "bench-admin")
        lines, load_s, raw_s = bench_scale.fast_load(
            engine, org_ids, admin.user_id, "bench-admin", lines_per_org=400, raw=True
        )
        assert lines == 1200 and load_s > 0 and raw_s > 0
        for org in org_ids:
            report = chain_check.verify_org(uow(), org.code)
            assert report.ok, (report.reason, report.balance_mismatches[:3])
            assert report.vouchers > 100
        # the same journal posted the ordinary way gives the same trial balance
        orgs.create_org(uow(), None, "plain", "对照", "cooperative", allow_single_accountant=True)
        for n in range(1, bench_scale.HOUSEHOLDS + 1):
            orgs.create_member(uow(), admin, "plain", {"member_no": str(n), "name": f"户{n}"})
        drafts = bench_scale.journal(1, 400)
        vouchers.post_batch(uow(), admin, "plain", drafts)
        for year in (2024, 2025):
            for month in range(1, 13):
                periods.close_period(uow(), admin, "plain", Period(year, month))
        for start, end in (
            (date(2026, 1, 1), date(2026, 12, 31)),
            (date(2024, 3, 5), date(2026, 10, 7)),
        ):
            loaded = reports.trial_balance_report(uow(), admin, org_ids[1].code, start, end)
            plain = reports.trial_balance_report(uow(), admin, "plain", start, end)
            assert loaded == plain and loaded.ties
        # a county's consolidated trial balance is the sum of its organizations' ones
        codes = [o.code for o in org_ids]
        for first, last in (
            (Period(2026, 1), Period(2026, 12)),
            (Period(2024, 3), Period(2026, 10)),
        ):
            together = consolidated.consolidated_trial_balance(uow(), admin, codes, first, last)
            summed: dict[str, list[int]] = {}
            for code in codes:
                tb = reports.trial_balance_report(
                    uow(), admin, code, first.first_day, last.last_day
                )
                for r in tb.rows:
                    s = summed.setdefault(r.account, [0, 0, 0])
                    s[0] += r.opening_debit - r.opening_credit
                    s[1] += r.debit
                    s[2] += r.credit
            assert {
                r.account: [r.opening_debit - r.opening_credit, r.debit, r.credit]
                for r in together.rows
            } == {a: v for a, v in summed.items() if any(v)}
            assert together.ties
        assert periods.list_periods(uow(), admin, org_ids[1].code)[-4].status == "closed"
        periods.reopen_period(uow(), admin, org_ids[1].code, Period(2026, 9))
        assert chain_check.verify_org(uow(), org_ids[1].code).ok
    finally:
        engine.dispose()

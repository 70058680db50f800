"""``coopledger bench distribution``: a plan for 10,000 members computed, saved and posted.

Set-up (not timed): a cooperative with ``members`` members, their capital posted in bulk, a
year of member transactions, sales giving a surplus, the year closed. Timed, each printed:
computing and saving the plan, approving it, preparing its statutory vouchers, and reviewing and
posting them — the whole path a plan takes before payments.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, recreate_database
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.domain.distribution import Guarantee
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth, distribution, orgs, periods, vouchers

Echo = Callable[[str], None]
PASSWORD = "bench-password-1"
PER_VOUCHER = 400


def run_distribution_bench(*, members: int, database_url: str | None, echo: Echo) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        url = database_url or f"sqlite:///{Path(tmpdir) / 'bench.db'}"
        if make_url(url).get_backend_name() == "postgresql":
            recreate_database(url)
        engine = make_engine(url)
        migrate.upgrade(engine)
        uow = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))

        echo(f"backend: {engine.dialect.name}; setting up {members:,} members")
        hasher = Argon2Hasher()
        orgs.create_org(
            uow(), None, "dist", "分配基准合作社", "cooperative", allow_single_accountant=True
        )
        auth.create_user(uow(), None, hasher, "bench-admin", PASSWORD, "admin", [])
        auth.create_user(uow(), None, hasher, "bench-reviewer", PASSWORD, "reviewer", ["dist"])
        admin = auth.actor_named(uow(), "bench-admin")
        reviewer = auth.actor_named(uow(), "bench-reviewer")
        rnd = random.Random(2025)
        statuses = ["poor", "monitored", "none", "none", "exited"]
        with uow() as w:  # bulk set-up through the store: one transaction, not 10,000
            org = w.store.org_by_code("dist")
            assert org is not None
            for n in range(1, members + 1):
                w.store.add_member(
                    org.id,
                    {
                        "member_no": str(n),
                        "name": f"成员{n}",
                        "kind": "household",
                        "poverty_status": statuses[n % 5],
                    },
                )
            ids = w.store.members_by_no(org.id, {str(n) for n in range(1, members + 1)})
            for n in range(1, members + 1):
                w.store.add_member_status(ids[str(n)], statuses[n % 5], date(2000, 1, 1))
                w.registers.add_member_transaction(
                    org.id,
                    ids[str(n)],
                    {
                        "occurred_on": date(2025, 6, 1),
                        "product": "大蒜",
                        "quantity_milli": rnd.randint(1, 10**7),
                        "unit": "kg",
                        "amount_fen": rnd.randint(100, 10**7),
                        "created_by": admin.user_id,
                        "created_at": datetime.now(UTC),
                    },
                )
            w.commit()
        drafts = []
        for start in range(1, members + 1, PER_VOUCHER):
            chunk = [
                (str(n), rnd.randint(10_000, 1_000_000))
                for n in range(start, min(start + PER_VOUCHER, members + 1))
            ]
            lines = [Line("301", Dr.CREDIT, fen, member=no) for no, fen in chunk]
            drafts.append(
                VoucherDraft(
                    date(2025, 1, 15),
                    "成员入股",
                    (Line("102", Dr.DEBIT, sum(f for _, f in chunk)), *lines),
                )
            )
        vouchers.post_batch(uow(), admin, "dist", drafts)
        vouchers.post_batch(
            uow(),
            admin,
            "dist",
            [
                VoucherDraft(
                    date(2025, 11, 30),
                    "全年销售",
                    (Line("102", Dr.DEBIT, 987_654_321), Line("501", Dr.CREDIT, 987_654_321)),
                )
            ],
        )
        periods.close_year(uow(), admin, "dist", 2025)

        request = distribution.PlanRequest(
            year=2025,
            reserve_rate=Decimal("0.10"),
            patronage_ratio=Decimal("0.60"),
            guarantee=Guarantee(fixed_fen=50_000),
        )
        timings: list[tuple[str, float]] = []
        started = time.perf_counter()
        plan = distribution.create_plan(uow(), admin, "dist", request)
        timings.append(("compute and save", time.perf_counter() - started))
        mark = time.perf_counter()
        distribution.approve_plan(
            uow(), reviewer, "dist", plan.id, "成员大会决议", date(2026, 1, 20)
        )
        timings.append(("approve", time.perf_counter() - mark))
        mark = time.perf_counter()
        _plan, prepared = distribution.post_plan(uow(), admin, "dist", plan.id)
        timings.append(("prepare the statutory vouchers", time.perf_counter() - mark))
        mark = time.perf_counter()
        for v in prepared:
            vouchers.review_voucher(uow(), reviewer, "dist", v.id)
            vouchers.post_voucher(uow(), admin, "dist", v.id)
        timings.append(
            (f"review and post them ({len(prepared)} vouchers)", time.perf_counter() - mark)
        )
        total = time.perf_counter() - started
        for label, seconds in timings:
            echo(f"  {label}: {seconds:.2f} s")
        echo(
            f"distribution for {members:,} members computed, saved and posted: {total:.2f} s (target < 3 s)"
        )
        engine.dispose()

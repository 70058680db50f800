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
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, recreate_database
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import PASSWORD, Echo, garlic_households
from coopledger.domain.distribution import Guarantee
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth, distribution, orgs, periods, vouchers

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
        drafts = garlic_households(
            uow,
            admin,
            "dist",
            members,
            2025,
            rnd,
            lambda n: {"name": f"成员{n}"},
            per_voucher=PER_VOUCHER,
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

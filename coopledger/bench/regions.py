"""``coopledger bench regions``: the consolidated report of a county, printed, never asserted.

A county (济南市/商河县) of ``orgs`` organizations — four villages to one cooperative, spread over
ten towns — holding ``lines`` posted lines between them (through ``post_batch``, every check,
the hash chain and period balances), each with a fiscal fund received and partly spent, and one
asset card. Then ``region_report`` of the county for the year, as the admin: median of five runs
(the target: under 1 s on PostgreSQL), with the audit findings from the verified points, one
organization's findings alone (the target: under 50 ms), and whether it ties: the sum over organizations
of each one's own surplus statement (经营收入 + 投资收益) equals the report's operating income.

Setup is not timed. Data come from a seeded generator, so two runs keep the same books.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import fresh_url
from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset
from coopledger.domain.audit_log import checkpoint_key
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.roles import Actor
from coopledger.services import (
    auth,
    chain_check,
    financial_statements,
    findings,
    orgs,
    regions,
    registers,
    vouchers,
)

Echo = Callable[[str], None]
YEAR = 2025
COUNTY = "济南市/商河县"
TARGET_S = 1.0
ONE_ORG_TARGET_MS = 50
PASSWORD = "bench-password-1"
BATCH = 400  # vouchers per post_batch call
# (income, investment income, operating expense, admin expense, fund payable) per kind
CODES = {
    "village_collective": ("501", "502", "511", "513", "241"),
    "cooperative": ("501", "511", "521", "523", "235"),
}


def org_drafts(seed: int, kind: str, lines: int, fund: str) -> Iterator[VoucherDraft]:
    """About ``lines`` lines of vouchers through YEAR: takings, expenses, the fund received
    (once, in January) and spent on works in small parts."""
    rnd = random.Random(seed)
    income, invest, op_exp, admin_exp, payable = CODES[kind]
    grant = rnd.randint(100_000, 800_000) * 100
    yield VoucherDraft(
        date(YEAR, 1, 5),
        "收到财政扶贫资金",
        (Line("102", Dr.DEBIT, grant), Line(payable, Dr.CREDIT, grant, fund=fund)),
        attachments=1,
    )
    written = 2
    count = 0
    # takings per voucher vary by organization, so some villages pass 30 or 50 thousand a year
    income_cap = rnd.choice((6_000, 9_000, 12_000, 16_000))

    while written < lines:
        day = date(YEAR, 1, 6) + timedelta(days=count * 359 // max(lines // 3, 1) % 359)
        amount = rnd.randint(100, 2_000_000)
        kind_of = rnd.random()
        drafted: tuple[Line, ...]
        if kind_of < 0.45:
            amount = rnd.randint(100, income_cap)
            part = rnd.randint(1, amount)
            drafted = (
                Line("102", Dr.DEBIT, amount),
                Line(income, Dr.CREDIT, part),
                Line(invest, Dr.CREDIT, amount - part),
            )
        elif kind_of < 0.9:
            part = rnd.randint(1, amount)
            drafted = (
                Line(op_exp, Dr.DEBIT, part),
                Line(admin_exp, Dr.DEBIT, amount - part),
                Line("102", Dr.CREDIT, amount),
            )
        else:
            small = min(amount, 10_000)
            drafted = (
                Line(payable, Dr.DEBIT, small, fund=fund),
                Line("102", Dr.CREDIT, small),
            )
        drafted = tuple(ln for ln in drafted if ln.amount_fen)
        written += len(drafted)
        count += 1
        yield VoucherDraft(day, f"bench {count}", drafted, attachments=1)


def build_county(
    uow: Callable[[], Any], admin: Actor, orgs_count: int, lines: int, echo: Echo
) -> list[str]:
    """The county's organizations with their books (``lines`` posted lines in all); their
    codes."""
    per_org = lines // orgs_count
    codes = []
    for i in range(orgs_count):
        kind = "cooperative" if i % 5 == 4 else "village_collective"
        town = f"镇{i % 10 + 1:02d}"
        code = f"org-{i + 1:03d}"
        name = f"基准{'合作社' if kind == 'cooperative' else '村'}{i + 1:03d}"
        orgs.create_org(
            uow(),
            None,
            code,
            name,
            kind,
            f"{COUNTY}/{town}/{name}" if kind != "cooperative" else f"{COUNTY}/{town}",
        )
        fund = f"fund-{i + 1:03d}"
        orgs.create_fund(
            uow(),
            admin,
            code,
            {
                "code": fund,
                "name": "县级财政衔接资金",
                "source": "county_fiscal",
                "granted_fen": 100_000_000,
            },
        )
        drafts = list(org_drafts(1000 + i, kind, per_org, fund))
        for chunk in range(0, len(drafts), BATCH):
            vouchers.post_batch(uow(), admin, code, drafts[chunk : chunk + BATCH])
        registers.register_asset(
            uow(),
            admin,
            code,
            FixedAsset(
                asset_no="ZC001",
                name="扶贫车间",
                asset_class=AssetClass.OPERATING,
                use=AssetUse.PRODUCTION,
                acquired_on=date(YEAR, 3, 1),
                cost_fen=5_000_000,
                salvage_fen=0,
                useful_life_months=120,
                poverty_project=True,
                funding={},
            ),
        )
        codes.append(code)
        if (i + 1) % 10 == 0:
            echo(f"  {i + 1} organizations, {(i + 1) * per_org:,} lines")
    return codes


def run_regions_bench(*, orgs_count: int, lines: int, database_url: str | None, echo: Echo) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        url = fresh_url(database_url, Path(tmpdir))
        engine = make_engine(url)
        backend = engine.dialect.name
        migrate.upgrade(engine)
        uow = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))

        echo(f"backend: {backend} ({make_url(url).render_as_string()})")
        auth.create_user(uow(), None, Argon2Hasher(), "bench-admin", PASSWORD, "admin", [])
        admin = auth.actor_named(uow(), "bench-admin")
        per_org = lines // orgs_count
        started = time.perf_counter()
        codes = build_county(uow, admin, orgs_count, lines, echo)
        with engine.begin() as conn:  # fresh statistics, as autovacuum would gather them
            conn.exec_driver_sql("ANALYZE")
        echo(f"setup: {time.perf_counter() - started:.1f} s (not timed)")

        times = []
        report = None
        for _ in range(5):
            t0 = time.perf_counter()
            report = regions.region_report(uow(), admin, COUNTY, YEAR, with_findings=False)
            times.append(time.perf_counter() - t0)
        assert report is not None
        median = statistics.median(times)
        resume = chain_check.Resume(checkpoint_key("bench-regions"), uow)
        t0 = time.perf_counter()
        regions.region_report(uow(), admin, COUNTY, YEAR, resume=resume)
        first_s = time.perf_counter() - t0  # every chain verified in full, the points stored
        again = []
        for _ in range(3):
            t0 = time.perf_counter()
            with_findings = regions.region_report(uow(), admin, COUNTY, YEAR, resume=resume)
            again.append(time.perf_counter() - t0)
        findings_s = statistics.median(again)
        one = []
        for _ in range(5):  # what an auditor's workspace asks of one organization
            t0 = time.perf_counter()
            findings.findings_for(uow(), admin, codes[0], YEAR, resume=resume)
            one.append(time.perf_counter() - t0)
        one_ms = statistics.median(one) * 1000
        groups = with_findings.finding_groups
        own = 0
        for code in codes:
            st = financial_statements.surplus_statement(uow(), admin, code, YEAR)
            amounts = {ln.key: ln.current or 0 for ln in st.statement.lines}
            own += amounts["operating_income"] + amounts["investment_income"]
        ties = own == report.operating_income
        echo(
            f"consolidated report of {COUNTY} {YEAR}: {len(report.orgs)} organizations, "
            f"{orgs_count * per_org:,} lines: {median * 1000:.0f} ms (median of 5; "
            f"target < {TARGET_S * 1000:.0f} ms on PostgreSQL) — "
            f"villages over 30k: {report.villages_over_30k}, over 50k: "
            f"{report.villages_over_50k}; ties to the organizations' own statements: "
            f"{'yes' if ties else 'NO'}"
        )
        echo(
            f"the same with the audit findings (the audit checks, run per organization), each "
            f"chain verified from its verified point: {findings_s * 1000:.0f} ms (median of 3; "
            f"target < {TARGET_S * 1000:.0f} ms on PostgreSQL); the first report, every chain "
            f"verified in full: {first_s * 1000:.0f} ms"
        )
        echo(
            f"one organization's findings ({codes[0]}, {per_org:,} lines), its chain verified "
            f"from its verified point: {one_ms:.1f} ms (median of 5; target < "
            f"{ONE_ORG_TARGET_MS} ms)"
        )
        echo(
            f"findings by severity: {with_findings.findings_by_severity}; {len(groups)} group(s) "
            f"by organization and code: "
            + (
                ", ".join(
                    f"{code} ×{sum(g.count for g in groups if g.code == code)}"
                    for code in sorted({g.code for g in groups})
                )
                or "none"
            )
        )
        engine.dispose()

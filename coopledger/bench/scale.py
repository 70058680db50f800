"""``coopledger bench all`` (and ``bench scale-…``): a city's books on one database, measured.

A seeded generator builds ``1,000 × scale`` organizations of 100 households each and 5,000 voucher
lines per organization over 2024–2026 (5,000,000 lines at scale 1), with every month through
2026-09 closed. It is loaded by :func:`fast_load` on the services' own posting path, one
transaction per organization: ``vouchers.add_posted_batch`` numbers and chains the vouchers, the
store writes them in bulk with their per-month turnover (``COPY`` on PostgreSQL, one
``executemany`` on SQLite, the way ``post_batch`` writes them), and the closed months get their
snapshots from the store that ``close_period`` uses. On PostgreSQL as a superuser the triggers
are set aside for the vouchers, as a restore does, and each organization's batch is checked by
one set query before its commit (the foreign keys and the posting guard's rules,
``adapters/db/bulk.check_batch``); SQLite's store sets its per-row insert guards aside for a
batch by itself; a PostgreSQL user who may not set triggers aside posts the drafts by one
``UPDATE``, so the database guards check every voucher as they do for ``post_batch``. ``audit
verify`` accepts each result (tests/test_bench_scale.py).

Figures (each the median of ``runs`` runs, printed, never asserted): bulk load lines/s beside a
raw ``COPY``/``executemany`` of the same rows into bare tables in the same run; trial balance of
one organization and of a county (100 organizations, consolidated); balance sheet; member
account; distribution for 10,000 members (``bench.distribution``); HTTP voucher creation
throughput with 2 and 4 gunicorn processes; statements per second with 1 and 2 workers
(``coopledger bench statements``).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.bulk import check_batch, copy_into, may_set_guards_aside
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import fresh_url
from coopledger.bench.serving import serving
from coopledger.domain.ledger import (
    GENESIS_HASH,
    Dr,
    Line,
    VoucherDraft,
)
from coopledger.domain.periods import Period
from coopledger.domain.reporting import TrialBalance
from coopledger.domain.roles import Actor, Role
from coopledger.services import (
    auth,
    consolidated,
    financial_statements,
    orgs,
    reports,
    shares,
    vouchers,
)

Echo = Callable[[str], None]
PASSWORD = "bench-password-1"
ADMIN = "bench-admin"
YEARS = (2024, 2025, 2026)
LAST_CLOSED = Period(2026, 9)
HOUSEHOLDS = 100  # per organization
LINES_PER_ORG = 5_000
COUNTY = 100  # organizations per county
ORGS_PER_BATCH = 20
PARTS = ("load", "reports", "distribution", "http", "statements")


# -- the generator -------------------------------------------------------------------------------


def org_code(index: int) -> str:
    return f"s{index:04d}"


def journal(index: int, lines: int = LINES_PER_ORG) -> list[VoucherDraft]:
    """One organization's vouchers over 2024–2026 in date order (seeded by its index): sales for
    cash and bank, produce bought from a member and paid (成员往来 114), expenses, and members'
    capital (301). About 2.9 lines a voucher."""
    rnd = random.Random(20_260_000 + index)
    start = date(YEARS[0], 1, 1)
    days = (date(YEARS[-1], 12, 31) - start).days + 1
    out: list[VoucherDraft] = []
    count = 0
    estimate = lines // 3 + 1
    i = 0
    while count < lines:
        day = start + timedelta(days=min(days - 1, i * days // estimate))
        amount = rnd.randint(100, 5_000_000)
        member = str(rnd.randint(1, HOUSEHOLDS))
        kind = rnd.random()
        drafted: tuple[Line, ...]
        if kind < 0.3:
            cash = rnd.randint(1, amount - 1)
            drafted = (
                Line("101", Dr.DEBIT, cash),
                Line("102", Dr.DEBIT, amount - cash),
                Line("501", Dr.CREDIT, amount, quantity_milli=rnd.randint(1, 10**6), unit="kg"),
            )
        elif kind < 0.6:
            drafted = (
                Line("128", Dr.DEBIT, amount),
                Line("114", Dr.CREDIT, amount, member=member),
                Line("114", Dr.DEBIT, amount, member=member),
                Line("102", Dr.CREDIT, amount),
            )
        elif kind < 0.85:
            half = amount // 2
            drafted = (
                Line("521", Dr.DEBIT, half),
                Line("523", Dr.DEBIT, amount - half),
                Line("102", Dr.CREDIT, amount),
            )
        else:
            drafted = (Line("102", Dr.DEBIT, amount), Line("301", Dr.CREDIT, amount, member=member))
        drafted = drafted[: lines - count] if count + len(drafted) > lines else drafted
        net = sum(ln.amount_fen if ln.side is Dr.DEBIT else -ln.amount_fen for ln in drafted)
        if len(drafted) < 2 or net != 0:
            drafted = (Line("102", Dr.DEBIT, amount), Line("501", Dr.CREDIT, amount))
        out.append(VoucherDraft(day, f"规模 {i}", drafted, attachments=1))
        count += len(drafted)
        i += 1
    out.sort(key=lambda d: d.booked_on)
    return out


# -- the loader: the services' posting path -----------------------------------------------------


@dataclass
class OrgIds:
    id: int
    code: str
    accounts: dict[str, int]
    members: dict[str, int]


VOUCHER_COLUMNS = (
    "id",
    "org_id",
    "status",
    "kind",
    "booked_on",
    "year",
    "month",
    "number",
    "memo",
    "attachments",
    "prepared_by",
    "reviewed_by",
    "created_at",
    "reviewed_at",
    "chain_seq",
    "prev_hash",
    "hash",
)
LINE_COLUMNS = (
    "voucher_id",
    "org_id",
    "line_no",
    "account_id",
    "member_id",
    "fund_id",
    "side",
    "amount_fen",
    "quantity_milli",
    "unit",
    "memo",
)


def raw_rows(
    conn: Connection, vouchers: Sequence[Sequence[object]], lines: Sequence[Sequence[object]]
) -> float:
    """The same voucher and line rows into bare tables (no keys, indexes, triggers); seconds."""
    started = time.perf_counter()
    copy_into(conn, "bench_raw_voucher", VOUCHER_COLUMNS, vouchers)
    copy_into(conn, "bench_raw_line", LINE_COLUMNS, lines)
    return time.perf_counter() - started


RAW_TABLES = (
    "CREATE TABLE bench_raw_voucher (id bigint, org_id bigint, status text, kind text,"
    " booked_on date, year int, month int, number int, memo text, attachments int,"
    " prepared_by bigint, reviewed_by bigint, created_at timestamp, reviewed_at timestamp,"
    " chain_seq bigint, prev_hash text, hash text)",
    "CREATE TABLE bench_raw_line (voucher_id bigint, org_id bigint, line_no int,"
    " account_id bigint, member_id bigint, fund_id bigint, side text, amount_fen bigint,"
    " quantity_milli bigint, unit text, memo text)",
)


@dataclass
class World:
    url: str
    engine: Engine
    sessions: sessionmaker[Any]
    orgs: list[OrgIds]
    admin: Actor
    lines: int
    load_seconds: float
    raw_seconds: float

    def uow(self) -> SqlUnitOfWork:
        return UnitsOfWork(self.sessions)()


def create_orgs(world_engine: Engine, sessions: sessionmaker[Any], count: int) -> list[OrgIds]:
    """The first organization through the service; the others cloned from it in bulk (same
    chart, same accounts), each with ``HOUSEHOLDS`` households."""
    orgs.create_org(UnitsOfWork(sessions)(), None, org_code(0), "规模测试合作社0", "cooperative")
    with world_engine.begin() as conn:
        template = conn.execute(
            text("SELECT id, kind, region, chart FROM organization WHERE code = :c"),
            {"c": org_code(0)},
        ).one()
        conn.execute(
            text(
                "INSERT INTO organization (code, name, kind, region, chart,"
                " allow_single_accountant, chain_seq, chain_head)"
                " VALUES (:code, :name, :kind, :region, :chart, false, 0, :head)"
            ),
            [
                {
                    "code": org_code(i),
                    "name": f"规模测试合作社{i}",
                    "kind": template.kind,
                    "region": template.region,
                    "chart": template.chart,
                    "head": GENESIS_HASH,
                }
                for i in range(1, count)
            ],
        )
        ids = dict(
            conn.execute(text("SELECT code, id FROM organization WHERE code LIKE 's%'"))
            .tuples()
            .all()
        )
        columns = (
            "code, name_zh, name_en, category, normal_side, subledger, contra, standard, postable"
        )
        conn.execute(
            text(
                f"INSERT INTO account (org_id, parent_id, {columns})"
                f" SELECT o.id, NULL, {', '.join('a.' + c.strip() for c in columns.split(','))}"
                " FROM account a CROSS JOIN organization o"
                " WHERE a.org_id = :template AND o.code LIKE 's%' AND o.id <> :template"
            ),
            {"template": template.id},
        )
        parents = dict(
            conn.execute(
                text(
                    "SELECT a.code, p.code FROM account a JOIN account p ON p.id = a.parent_id"
                    " WHERE a.org_id = :template"
                ),
                {"template": template.id},
            )
            .tuples()
            .all()
        )
        accounts: dict[int, dict[str, int]] = defaultdict(dict)
        for org_id, code, account_id in conn.execute(text("SELECT org_id, code, id FROM account")):
            accounts[org_id][code] = account_id
        updates = [
            {"parent": accounts[org_id][parents[code]], "id": by_code[code]}
            for org_id, by_code in accounts.items()
            if org_id != template.id and org_id in ids.values()
            for code in by_code
            if code in parents
        ]
        if updates:
            conn.execute(text("UPDATE account SET parent_id = :parent WHERE id = :id"), updates)
        copy_into(
            conn,
            "member",
            ("org_id", "member_no", "name", "kind", "poverty_status", "household_size"),
            [
                (org_id, str(n), f"户主{n}", "household", "none", 1 + n % 5)
                for org_id in sorted(ids.values())
                for n in range(1, HOUSEHOLDS + 1)
            ],
        )
        members: dict[int, dict[str, int]] = defaultdict(dict)
        for org_id, no, member_id in conn.execute(text("SELECT org_id, member_no, id FROM member")):
            members[org_id][no] = member_id
    return [
        OrgIds(ids[org_code(i)], org_code(i), accounts[ids[org_code(i)]], members[ids[org_code(i)]])
        for i in range(count)
    ]


def closed_months(last: Period = LAST_CLOSED) -> list[Period]:
    """Every month of the generated years through ``last``, in order."""
    months = [Period(YEARS[0], 1)]
    while months[-1] != last:
        months.append(months[-1].next())
    return months


def load_org(
    uow: SqlUnitOfWork,
    code: str,
    admin: Actor,
    drafts: Sequence[VoucherDraft],
    at: datetime,
    *,
    guards_aside: bool,
) -> None:
    """One organization's books in one transaction, on the services' own posting path: the
    drafts numbered, chained and written in bulk with their turnover
    (``vouchers.add_posted_batch``), then every month through :data:`LAST_CLOSED` closed with
    its snapshot by the store that ``close_period`` uses.

    ``guards_aside`` (PostgreSQL as a superuser): the vouchers go in as a restore writes them,
    the triggers set aside, and the batch is checked by one set query (``bulk.check_batch``);
    otherwise the guards check every voucher as they do for ``post_batch``. SQLite's store sets
    its per-row guards aside for a batch by itself."""
    with uow:
        store = uow.store
        org = store.org_by_code(code)
        assert org is not None
        conn = store.session.connection()
        if guards_aside:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        ids, _stamps, _numbers = vouchers.add_posted_batch(store, org, admin, drafts, at)
        if guards_aside:
            check_batch(conn, ids[0], ids[-1], posted=True)
            conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
        for month in closed_months():
            store.set_period_status(org.id, month.year, month.month, "closed", admin.user_id, at)
            store.write_snapshot(org.id, month.year, month.month)
        uow.commit()


def fast_load(
    engine: Engine,
    org_ids: Sequence[OrgIds],
    user_id: int,
    username: str,
    *,
    lines_per_org: int = LINES_PER_ORG,
    echo: Echo = lambda _m: None,
    raw: bool = False,
) -> tuple[int, float, float]:
    """Generate and load every organization's books (:func:`load_org`); (lines, load seconds,
    raw seconds).

    The drafts are generated first and not timed. PostgreSQL loads two organizations at once
    (two backends, one per core); SQLite has one writer anyway.
    """
    admin = Actor(user_id, username, Role.ADMIN, frozenset())
    units = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))
    at = datetime.now(UTC)
    started = time.perf_counter()
    journals = [(o.code, journal(int(o.code[1:]), lines_per_org)) for o in org_ids]
    echo(f"  generated the drafts in {time.perf_counter() - started:.1f} s (not timed)")
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        guards_aside = postgres and may_set_guards_aside(conn)
    if guards_aside:
        echo("  vouchers copied posted with the guards set aside, each batch checked at once")

    def load(code: str, drafts: Sequence[VoucherDraft]) -> int:
        load_org(units(), code, admin, drafts, at, guards_aside=guards_aside)
        return sum(len(d.lines) for d in drafts)

    total_lines = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2 if postgres else 1) as writer:
        futures = [writer.submit(load, code, drafts) for code, drafts in journals]
        for n, future in enumerate(futures):
            total_lines += future.result()
            if n % (ORGS_PER_BATCH * 10) == ORGS_PER_BATCH * 10 - 1:
                elapsed = time.perf_counter() - started
                echo(f"  {total_lines:,} lines loaded, {total_lines / elapsed:,.0f} lines/s so far")
    load_s = time.perf_counter() - started
    raw_s = raw_copy(engine, [o.id for o in org_ids]) if raw else 0.0
    return total_lines, load_s, raw_s


def raw_copy(engine: Engine, org_ids: Sequence[int]) -> float:
    """The loaded organizations' voucher and line rows copied again into bare tables, a batch
    of organizations at a time; seconds of copying."""
    with engine.begin() as conn:
        for ddl in RAW_TABLES:
            conn.exec_driver_sql(ddl)
    seconds = 0.0
    for i in range(0, len(org_ids), ORGS_PER_BATCH):
        batch = {"orgs": list(org_ids[i : i + ORGS_PER_BATCH])}
        with engine.connect() as conn:
            vouchers_rows = conn.execute(
                text(
                    f"SELECT {', '.join(VOUCHER_COLUMNS)} FROM voucher WHERE org_id IN :orgs"
                ).bindparams(bindparam("orgs", expanding=True)),
                batch,
            ).all()
            line_rows = conn.execute(
                text(
                    f"SELECT {', '.join(LINE_COLUMNS)} FROM voucher_line WHERE org_id IN :orgs"
                ).bindparams(bindparam("orgs", expanding=True)),
                batch,
            ).all()
        with engine.begin() as conn:
            seconds += raw_rows(
                conn, [tuple(r) for r in vouchers_rows], [tuple(r) for r in line_rows]
            )
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_raw_voucher")
        conn.exec_driver_sql("DROP TABLE bench_raw_line")
    return seconds


def build_world(
    database_url: str | None, tmp: Path, scale: float, echo: Echo, *, raw: bool = True
) -> World:
    url = fresh_url(database_url, tmp, "scale.db")
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    count = max(2, round(1000 * scale))
    echo(
        f"backend: {engine.dialect.name}; {count:,} organizations, {count * HOUSEHOLDS:,} "
        f"households, {count * LINES_PER_ORG:,} voucher lines over {YEARS[0]}–{YEARS[-1]} "
        f"(scale {scale:g})"
    )
    org_ids = create_orgs(engine, sessions, count)
    uow = UnitsOfWork(sessions)
    auth.create_user(uow(), None, Argon2Hasher(), ADMIN, PASSWORD, "admin", [])
    admin = auth.actor_named(uow(), ADMIN)
    lines, load_s, raw_s = fast_load(engine, org_ids, admin.user_id, ADMIN, echo=echo, raw=raw)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return World(url, engine, sessions, org_ids, admin, lines, load_s, raw_s)


# -- the figures ----------------------------------------------------------------------------------


def median_of(runs: int, fn: Callable[[], object]) -> float:
    """Median wall time of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def county_trial_balance(world: World, county: int, first: Period, last: Period) -> TrialBalance:
    """The consolidated trial balance of a county's 100 organizations."""
    codes = [o.code for o in world.orgs[county * COUNTY : (county + 1) * COUNTY]]
    return consolidated.consolidated_trial_balance(world.uow(), world.admin, codes, first, last)


def bench_load(world: World, echo: Echo) -> None:
    rate = world.lines / world.load_seconds
    raw_rate = world.lines / world.raw_seconds if world.raw_seconds else 0.0
    kind = "COPY" if world.engine.dialect.name == "postgresql" else "executemany"
    echo(
        f"bulk load: {world.lines:,} lines in {world.load_seconds:.1f} s = {rate:,.0f} lines/s "
        f"(target ≥ 50,000 on PostgreSQL)"
    )
    if raw_rate:
        echo(
            f"raw {kind} of the same voucher and line rows into bare tables: {raw_rate:,.0f} "
            f"lines/s; the loader at {rate / raw_rate:.1%} of raw"
        )


def bench_reports(world: World, runs: int, echo: Echo) -> None:
    org = world.orgs[len(world.orgs) // 2].code
    year_start, year_end = date(2026, 1, 1), date(2026, 12, 31)
    tb = median_of(
        runs,
        lambda: reports.trial_balance_report(world.uow(), world.admin, org, year_start, year_end),
    )
    echo(f"trial balance of one organization, 2026: {tb * 1000:.1f} ms (target < 50 ms)")
    county_orgs = min(COUNTY, len(world.orgs))
    county = median_of(
        runs, lambda: county_trial_balance(world, 0, Period(2026, 1), Period(2026, 12))
    )
    echo(
        f"trial balance of a county ({county_orgs} organizations, consolidated), 2026: "
        f"{county * 1000:.0f} ms (target < 1 s)"
    )
    sheet = median_of(
        runs,
        lambda: financial_statements.balance_sheet(
            world.uow(), world.admin, org, date(2026, 9, 30)
        ),
    )
    echo(f"balance sheet of one organization at 2026-09-30: {sheet * 1000:.1f} ms")
    account = median_of(
        runs, lambda: shares.member_account(world.uow(), world.admin, org, "7", 2025)
    )
    echo(f"member account (成员账户) of one household, 2025: {account * 1000:.1f} ms")


def bench_distribution(database_url: str | None, scale: float, runs: int, echo: Echo) -> None:
    from coopledger.bench.distribution import run_distribution_bench

    members = 10_000 if scale >= 0.1 else max(200, round(100_000 * scale))
    url = None
    if database_url:
        parsed = make_url(database_url)
        url = parsed.set(database=f"{parsed.database}_dist").render_as_string(hide_password=False)
    totals = []
    for _ in range(runs):
        lines: list[str] = []
        run_distribution_bench(members=members, database_url=url, echo=lines.append)
        totals.append(_seconds(lines))
    echo(
        f"distribution for {members:,} members computed, saved, approved and posted: "
        f"{statistics.median(totals):.2f} s (median of {runs})"
    )


def _seconds(lines: list[str]) -> float:
    """The seconds printed at the end of the last line (``…: 3.58 s …``)."""
    last = lines[-1]
    return int(Decimal(last.split(": ")[-1].split(" s")[0]) * 1000) / 1000


def http_throughput(port: int, orgs: Sequence[str], requests: int, clients: int) -> float:
    """Vouchers created per second by ``clients`` concurrent keep-alive connections, client k
    keeping the books of ``orgs[k % len(orgs)]`` (each organization's writes queue on its own
    counter and chain rows, as its accountant's would)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/api/v1/auth/tokens",
        json.dumps({"username": ADMIN, "password": PASSWORD}),
        {"Content-Type": "application/json"},
    )
    token = json.loads(conn.getresponse().read())["token"]
    conn.close()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    failures: list[int] = []

    def client(k: int) -> None:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for i in range(requests // clients):
            body = json.dumps(
                {
                    "date": "2026-11-02",
                    "memo": f"http {k}-{i}",
                    "attachments": 1,
                    "lines": [
                        {"account": "102", "debit": "120.50"},
                        {"account": "301", "member": "7", "credit": "120.50"},
                    ],
                }
            )
            c.request("POST", f"/api/v1/orgs/{orgs[k % len(orgs)]}/vouchers", body, headers)
            response = c.getresponse()
            response.read()
            if response.status != 201:
                failures.append(response.status)
        c.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: HTTP {sorted(set(failures))}")
    return (requests // clients) * clients / elapsed


def bench_http(world: World, tmp: Path, runs: int, requests: int, echo: Echo) -> None:
    codes = [o.code for o in world.orgs[:8]]
    for workers in (2, 4):
        with serving(world.url, tmp, workers) as port:
            http_throughput(port, codes, 16, 4)  # warm every process
            rate = statistics.median(
                http_throughput(port, codes, requests, 2 * workers) for _ in range(runs)
            )
        echo(
            f"HTTP voucher creation, gunicorn {workers} processes, {2 * workers} clients "
            f"on {min(len(codes), 2 * workers)} organizations: "
            f"{rate:,.0f} vouchers/s (median of {runs})"
        )


def bench_statements(database_url: str | None, scale: float, echo: Echo) -> None:
    """Statements per second with 1 and 2 workers: ``coopledger bench statements`` run once,
    with its own figures echoed."""
    args = ["bench", "statements", "--workers", "1,2"]
    args += ["--count", str(max(20, round(1000 * min(scale, 1.0))))]
    if database_url:
        parsed = make_url(database_url)
        stmt_url = parsed.set(database=f"{parsed.database}_stmt")
        args += ["--database-url", stmt_url.render_as_string(hide_password=False)]
    echo(f"statements: coopledger {' '.join(args[:-2] if database_url else args)}")
    result = subprocess.run(
        [sys.executable, "-m", "coopledger.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in (result.stdout + result.stderr).strip().splitlines()[-12:]:
        echo(f"  {line}")


def run_scale_bench(
    *,
    parts: Sequence[str],
    scale: float,
    runs: int,
    database_url: str | None,
    http_requests: int,
    echo: Echo,
) -> None:
    echo(f"machine: {os.cpu_count()} cores; each figure the median of {runs} runs")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        needs_world = any(p in parts for p in ("load", "reports", "http"))
        world = (
            build_world(database_url, tmp, scale, echo, raw="load" in parts)
            if needs_world
            else None
        )
        try:
            if world is not None and "load" in parts:
                bench_load(world, echo)
            if world is not None and "reports" in parts:
                bench_reports(world, runs, echo)
            if world is not None and "http" in parts:
                bench_http(world, tmp, runs, http_requests, echo)
        finally:
            if world is not None:
                world.engine.dispose()
        if "distribution" in parts:
            bench_distribution(database_url, scale, runs, echo)
        if "statements" in parts:
            bench_statements(database_url, scale, echo)

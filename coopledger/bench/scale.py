"""``coopledger bench all`` (and ``bench scale-…``): a city's books on one database, measured.

A seeded generator builds ``1,000 × scale`` organizations of 100 households each and 5,000 voucher
lines per organization over 2024–2026 (5,000,000 lines at scale 1), with every month through
2026-09 closed. It is loaded by :func:`fast_load`, the path for generated or imported history:
vouchers and lines go in by ``COPY`` (PostgreSQL) or one ``executemany`` (SQLite) in large
batches, the hash chain is computed in Python, and the per-month turnover, the period rows and
the closed months' snapshots are aggregated in Python and copied too. On PostgreSQL as a
superuser the vouchers are copied already posted with the triggers set aside, as a restore does,
and each batch is checked by one set query before its commit (the foreign keys and the posting
guard's rules, ``adapters/db/bulk.load_posted_batch``); SQLite does the same with its per-row
insert guards dropped for the batch; a PostgreSQL user who may not set triggers aside inserts
drafts and posts them by one ``UPDATE`` per batch, so the database guards check every voucher as
they do for ``post_batch``. ``audit verify`` accepts each result (tests/test_bench_scale.py).

Figures (each the median of ``runs`` runs, printed, never asserted): bulk load lines/s beside a
raw ``COPY``/``executemany`` of the same rows into bare tables in the same run; trial balance of
one organization and of a county (100 organizations, consolidated); balance sheet; member
account; distribution for 10,000 members (``bench_distribution``); HTTP voucher creation
throughput with 2 and 4 gunicorn processes; statements per second with 1 and 2 workers (when
``coopledger bench statements`` exists).
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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.bulk import (
    copy_into,
    load_posted_batch,
    may_set_guards_aside,
)
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import fresh_url
from coopledger.bench.serving import serving
from coopledger.domain.ledger import (
    GENESIS_HASH,
    Dr,
    Line,
    Status,
    Voucher,
    VoucherDraft,
    VoucherKind,
    canonical_payload,
    chain_hash,
)
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import TrialBalance
from coopledger.domain.roles import Actor
from coopledger.services import auth, consolidated, financial_statements, orgs, reports, shares

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


# -- the fast loader ------------------------------------------------------------------------------


@dataclass
class OrgIds:
    id: int
    code: str
    accounts: dict[str, int]
    members: dict[str, int]


@dataclass
class LoadRows:
    """Every row one batch of organizations writes, built in Python."""

    vouchers: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    periods: list[tuple[Any, ...]] = field(default_factory=list)
    turnover: list[tuple[Any, ...]] = field(default_factory=list)
    snapshots: list[tuple[Any, ...]] = field(default_factory=list)
    member_snapshots: list[tuple[Any, ...]] = field(default_factory=list)
    heads: list[tuple[int, str, int]] = field(default_factory=list)  # (seq, head, org id)


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
PERIOD_COLUMNS = ("org_id", "year", "month", "status", "last_number", "closed_at", "closed_by")
TURNOVER_COLUMNS = ("account_id", "year", "month", "org_id", "debit_fen", "credit_fen")
SNAPSHOT_COLUMNS = ("org_id", "year", "month", "account_id", "debit_fen", "credit_fen")
MEMBER_SNAPSHOT_COLUMNS = ("org_id", "year", "month", "account_id", "member_id", "net_fen")


def build_rows(
    org: OrgIds,
    drafts: Sequence[VoucherDraft],
    first_id: int,
    user_id: int,
    username: str,
    at: datetime,
    closed_through: Period,
    out: LoadRows,
    *,
    sqlite: bool,
) -> int:
    """Append one organization's rows (its books are empty) to ``out``; returns the next id."""
    stamp: Any = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if sqlite else at
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    turnover: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    member_nets: dict[tuple[int, int, int], int] = defaultdict(int)  # (ym, account, member)
    prev = GENESIS_HASH
    voucher_id = first_id
    accounts, members = org.accounts, org.members
    for seq, draft in enumerate(drafts, start=1):
        booked = draft.booked_on
        ym = (booked.year, booked.month)
        numbers[ym] += 1
        number = numbers[ym]
        voucher = Voucher(
            id=0,
            org_code=org.code,
            status=Status.POSTED,
            booked_on=booked,
            memo=draft.memo,
            attachments=draft.attachments,
            kind=VoucherKind.NORMAL,
            lines=draft.lines,
            prepared_by=username,
            reviewed_by=username,
            posted_by=username,
            number=number,
            chain_seq=seq,
        )
        digest = chain_hash(prev, canonical_payload(voucher, voucher_number(Period(*ym), number)))
        out.vouchers.append(
            (
                voucher_id,
                org.id,
                "draft",
                "normal",
                booked.isoformat() if sqlite else booked,
                ym[0],
                ym[1],
                number,
                draft.memo,
                draft.attachments,
                user_id,
                user_id,
                stamp,
                stamp,
                seq,
                prev,
                digest,
            )
        )
        for n, ln in enumerate(draft.lines, start=1):
            account = accounts[ln.account]
            member = members[ln.member] if ln.member else None
            out.lines.append(
                (
                    voucher_id,
                    org.id,
                    n,
                    account,
                    member,
                    None,
                    ln.side.value,
                    ln.amount_fen,
                    ln.quantity_milli,
                    ln.unit,
                    ln.memo,
                )
            )
            debit = ln.side is Dr.DEBIT
            turnover[(account, *ym)][0 if debit else 1] += ln.amount_fen
            if member is not None:
                member_nets[(ym[0] * 100 + ym[1], account, member)] += (
                    ln.amount_fen if debit else -ln.amount_fen
                )
        prev = digest
        voucher_id += 1
    out.heads.append((len(drafts), prev, org.id))
    closed_ym = closed_through.year * 100 + closed_through.month
    for (y, m), last in sorted(numbers.items()):
        closed = y * 100 + m <= closed_ym
        out.periods.append(
            (
                org.id,
                y,
                m,
                "closed" if closed else "open",
                last,
                stamp if closed else None,
                user_id if closed else None,
            )
        )
    for (a, y, m), (d, c) in sorted(turnover.items()):
        out.turnover.append((a, y, m, org.id, d, c))
    # snapshots of every closed month (cumulative), and member balances at each closed December
    months = sorted({(y, m) for _a, y, m in turnover})
    cumulative: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for (a, y, m), (d, c) in turnover.items():
        by_month[(y, m)].append((a, d, c))
    member_by_month: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (month_key, a, mem), net in member_nets.items():
        member_by_month[month_key].append((a, mem, net))
    member_cumulative: dict[tuple[int, int], int] = {}
    for y, m in months:
        if y * 100 + m > closed_ym:
            break
        for a, d, c in by_month[(y, m)]:
            cumulative[a][0] += d
            cumulative[a][1] += c
        for a, mem, net in member_by_month[y * 100 + m]:
            member_cumulative[(a, mem)] = member_cumulative.get((a, mem), 0) + net
        for a, (d, c) in sorted(cumulative.items()):
            if d or c:
                out.snapshots.append((org.id, y, m, a, d, c))
        if m == 12:
            for (a, mem), net in sorted(member_cumulative.items()):
                out.member_snapshots.append((org.id, y, 12, a, mem, net))
    return voucher_id


def write_rows(
    conn: Connection, rows: LoadRows, user_id: int, at: datetime, *, restore_style: bool
) -> None:
    """Write one batch: the vouchers posted and their lines, then the turnover, periods (closed
    months closed), snapshots and heads.

    ``restore_style`` (SQLite, or PostgreSQL as a superuser): the vouchers go in posted with the
    guards set aside and the batch is checked by one set query (:func:`load_posted_batch`).
    Otherwise they go in as drafts and one ``UPDATE`` posts them, so the guards check every
    voucher as they do for ``post_batch``."""
    if restore_style:
        stamp = rows.vouchers[0][VOUCHER_COLUMNS.index("created_at")] if rows.vouchers else at
        posted = [(*row[:2], "posted", *row[3:], user_id, stamp) for row in rows.vouchers]
        load_posted_batch(
            conn, (*VOUCHER_COLUMNS, "posted_by", "posted_at"), posted, LINE_COLUMNS, rows.lines
        )
    else:
        copy_into(conn, "voucher", VOUCHER_COLUMNS, rows.vouchers)
        copy_into(conn, "voucher_line", LINE_COLUMNS, rows.lines)
        if rows.vouchers:
            conn.execute(
                text(
                    "UPDATE voucher SET status = 'posted', posted_by = :user, posted_at = :at"
                    " WHERE id BETWEEN :first AND :last"
                ),
                {
                    "user": user_id,
                    "at": at,
                    "first": rows.vouchers[0][0],
                    "last": rows.vouchers[-1][0],
                },
            )
    copy_into(conn, "period_balance", TURNOVER_COLUMNS, rows.turnover)
    copy_into(conn, "period", PERIOD_COLUMNS, rows.periods)
    copy_into(conn, "period_snapshot", SNAPSHOT_COLUMNS, rows.snapshots)
    copy_into(conn, "member_snapshot", MEMBER_SNAPSHOT_COLUMNS, rows.member_snapshots)
    conn.execute(
        text("UPDATE organization SET chain_seq = :seq, chain_head = :head WHERE id = :org"),
        [{"seq": s, "head": h, "org": o} for s, h, o in rows.heads],
    )


def raw_rows(conn: Connection, rows: LoadRows) -> float:
    """The same voucher and line rows into bare tables (no keys, indexes, triggers); seconds."""
    started = time.perf_counter()
    copy_into(conn, "bench_raw_voucher", VOUCHER_COLUMNS, rows.vouchers)
    copy_into(conn, "bench_raw_line", LINE_COLUMNS, rows.lines)
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
    """Generate and load every organization's books; (lines, load seconds, raw seconds).

    The drafts are generated first and not timed. The load is a pipeline: the main thread
    builds a batch's rows (hashes, turnover, snapshots) while writer threads copy the previous
    batches, one transaction per batch and organization set, so Python and the database work at
    once. PostgreSQL gets two writers (two backends, one per core); SQLite has one writer anyway.
    """
    sqlite = engine.dialect.name == "sqlite"
    at = datetime.now(UTC)
    with engine.begin() as conn:
        next_id = (
            int(conn.execute(text("SELECT coalesce(max(id), 0) FROM voucher")).scalar_one()) + 1
        )
    started = time.perf_counter()
    batches = [
        (batch, [journal(int(o.code[1:]), lines_per_org) for o in batch])
        for batch in (
            org_ids[i : i + ORGS_PER_BATCH] for i in range(0, len(org_ids), ORGS_PER_BATCH)
        )
    ]
    echo(f"  generated the drafts in {time.perf_counter() - started:.1f} s (not timed)")

    with engine.begin() as conn:
        restore_style = may_set_guards_aside(conn)
    if restore_style:
        echo("  vouchers copied posted with the guards set aside, each batch checked at once")

    def write(rows: LoadRows) -> None:
        with engine.begin() as conn:
            write_rows(conn, rows, user_id, at, restore_style=restore_style)

    total_lines = 0
    kept: list[LoadRows] = []
    started = time.perf_counter()
    writers = 1 if sqlite else 2
    with ThreadPoolExecutor(max_workers=writers) as writer:
        pending: list[Future[None]] = []
        for n, (batch, journals) in enumerate(batches):
            rows = LoadRows()
            for org, drafts in zip(batch, journals, strict=True):
                next_id = build_rows(
                    org, drafts, next_id, user_id, username, at, LAST_CLOSED, rows, sqlite=sqlite
                )
            while len(pending) >= writers:
                pending.pop(0).result()
            pending.append(writer.submit(write, rows))
            total_lines += len(rows.lines)
            if raw:
                kept.append(LoadRows(vouchers=rows.vouchers, lines=rows.lines))
            if n % 10 == 9:
                elapsed = time.perf_counter() - started
                echo(f"  {total_lines:,} lines built, {total_lines / elapsed:,.0f} lines/s so far")
        for future in pending:
            future.result()
    load_s = time.perf_counter() - started
    raw_s = 0.0
    if raw:
        with engine.begin() as conn:
            for ddl in RAW_TABLES:
                conn.exec_driver_sql(ddl)
        for rows in kept:
            with engine.begin() as conn:
                raw_s += raw_rows(conn, rows)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE bench_raw_voucher")
            conn.exec_driver_sql("DROP TABLE bench_raw_line")
    if not sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('voucher', 'id'),"
                " (SELECT max(id) FROM voucher))"
            )
    return total_lines, load_s, raw_s


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

"""``coopledger bench ledger``: figures for the ledger core, printed, never asserted.

1. Bulk posting through the service layer (``post_batch``: every check, gapless numbering, the
   hash chain, period balances, the database guards), in lines per second, beside a raw
   ``executemany`` (PostgreSQL: ``COPY``) of the same line rows in the same run.
2. The trial balance of one organization holding ``tb_lines`` posted lines, in milliseconds
   (median of several runs), beside a plain ``GROUP BY`` over every line.
3. One voucher created over HTTP against gunicorn on localhost: p50 and p95 in milliseconds.

Data come from a seeded generator, so two runs post the same books.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, recreate_database
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.roles import Actor
from coopledger.services import auth, orgs, reports, vouchers
from coopledger.services.auth import PasswordHasher

Echo = Callable[[str], None]
MEMBERS = 200
BATCH = 2_000
PASSWORD = "bench-password-1"


def drafts(seed: int, count: int, year: int) -> Iterator[VoucherDraft]:
    """Vouchers of two to four lines (2.8 on average), dated across ``year``, in date order."""
    rnd = random.Random(seed)
    start = date(year, 1, 1)
    for i in range(count):
        day = start + timedelta(days=i * 365 // count)
        amount = rnd.randint(100, 5_000_000)
        member = str(rnd.randint(1, MEMBERS))
        kind = rnd.random()
        lines: tuple[Line, ...]
        if kind < 0.3:  # sale for cash and bank
            cash = rnd.randint(1, amount - 1) if amount > 1 else 0
            lines = (
                Line("101", Dr.DEBIT, cash),
                Line("102", Dr.DEBIT, amount - cash),
                Line("501", Dr.CREDIT, amount, quantity_milli=rnd.randint(1, 10**6), unit="kg"),
            )
            lines = tuple(ln for ln in lines if ln.amount_fen)
        elif kind < 0.6:  # produce bought from a member and paid
            lines = (
                Line("128", Dr.DEBIT, amount),
                Line("114", Dr.CREDIT, amount, member=member),
                Line("114", Dr.DEBIT, amount, member=member),
                Line("102", Dr.CREDIT, amount),
            )
        elif kind < 0.8:  # expenses
            half = amount // 2
            lines = (
                Line("521", Dr.DEBIT, half),
                Line("523", Dr.DEBIT, amount - half),
                Line("102", Dr.CREDIT, amount),
            )
            lines = tuple(ln for ln in lines if ln.amount_fen)
        else:  # a member's capital
            lines = (Line("102", Dr.DEBIT, amount), Line("301", Dr.CREDIT, amount, member=member))
        yield VoucherDraft(day, f"bench {i}", lines, attachments=1)


def _fresh_url(database_url: str | None, tmp: Path) -> str:
    if not database_url:
        return f"sqlite:///{tmp / 'bench.db'}"
    if make_url(database_url).get_backend_name() == "postgresql":
        recreate_database(database_url)
    return database_url


def _median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_books(
    engine: Engine, codes: Sequence[str], hasher: PasswordHasher
) -> tuple[Callable[[], SqlUnitOfWork], Actor]:
    """A benchmark's books on a migrated database: cooperatives ``codes`` (one accountant may
    prepare, review and post), the admin ``bench-admin``, and ``MEMBERS`` members in each."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    auth.create_user(uow(), None, hasher, "bench-admin", PASSWORD, "admin", [])
    admin = auth.actor_named(uow(), "bench-admin")
    for code in codes:
        orgs.create_org(
            uow(), None, code, f"基准测试合作社 {code}", "cooperative", allow_single_accountant=True
        )
        for n in range(1, MEMBERS + 1):
            orgs.create_member(uow(), admin, code, {"member_no": str(n), "name": f"成员{n}"})
    return uow, admin


def run_ledger_bench(
    *, vouchers: int, tb_lines: int, http_requests: int, database_url: str | None, echo: Echo
) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = _fresh_url(database_url, tmp)
        engine = make_engine(url)
        backend = engine.dialect.name
        migrate.upgrade(engine)
        uow, admin = bench_books(engine, ["bench"], Argon2Hasher())
        echo(
            f"backend: {backend} ({url if backend == 'sqlite' else make_url(url).render_as_string()})"
        )

        # 1. bulk posting (the drafts are generated first, so that only posting is timed)
        generated = list(drafts(2026, vouchers, 2025))
        line_rows = [
            (i, n, ln.account, ln.amount_fen)
            for i, d in enumerate(generated)
            for n, ln in enumerate(d.lines)
        ]
        posted_lines = len(line_rows)
        started = time.perf_counter()
        for chunk in range(0, len(generated), BATCH):
            vouchers_post(uow, admin, generated[chunk : chunk + BATCH])
            if (chunk + BATCH) % (BATCH * 10) == 0:
                echo(f"  posted {chunk + BATCH:,} vouchers")
        service_s = time.perf_counter() - started
        service_rate = posted_lines / service_s
        del generated
        raw_s = _raw_insert(engine, line_rows)
        raw_rate = len(line_rows) / raw_s
        echo(
            f"bulk posting: {vouchers:,} vouchers, {posted_lines:,} lines in {service_s:.1f} s "
            f"= {service_rate:,.0f} lines/s"
        )
        echo(
            f"raw {'COPY' if backend == 'postgresql' else 'executemany'} of the same rows: "
            f"{raw_rate:,.0f} rows/s; service layer at {service_rate / raw_rate:.1%} of raw"
        )

        # 2. trial balance at scale
        seed = 1
        while posted_lines < tb_lines:
            more = list(
                drafts(seed, min(BATCH * 5, max(BATCH, (tb_lines - posted_lines) // 3 + 1)), 2026)
            )
            seed += 1
            for chunk in range(0, len(more), BATCH):
                vouchers_post(uow, admin, more[chunk : chunk + BATCH])
            posted_lines += sum(len(d.lines) for d in more)
            echo(f"  {posted_lines:,} lines in the organization")
        tb_ms = _median_ms(
            lambda: reports.trial_balance_report(
                uow(), admin, "bench", date(2025, 1, 1), date(2026, 12, 31)
            )
        )
        partial_ms = _median_ms(
            lambda: reports.trial_balance_report(
                uow(), admin, "bench", date(2025, 3, 10), date(2026, 6, 20)
            )
        )
        with engine.connect() as conn:
            scan_ms = _median_ms(
                lambda: conn.execute(
                    text(
                        "SELECT account_id, side, sum(amount_fen) FROM voucher_line GROUP BY account_id, side"
                    )
                ).all(),
                3,
            )
        echo(
            f"trial balance at {posted_lines:,} lines: {tb_ms:.1f} ms (whole months), "
            f"{partial_ms:.1f} ms (range cutting two months); plain GROUP BY over every line {scan_ms:.0f} ms"
        )

        # 3. HTTP
        if http_requests:
            p50, p95 = _http_bench(url, tmp, http_requests, echo)
            echo(
                f"HTTP voucher creation ({http_requests} requests, gunicorn, 2 workers): "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )
        engine.dispose()


def vouchers_post(
    uow: Callable[[], SqlUnitOfWork], admin: Actor, batch: list[VoucherDraft]
) -> None:
    vouchers.post_batch(uow(), admin, "bench", batch)


def _raw_insert(engine: object, rows: list[tuple[int, int, str, int]]) -> float:
    """The same rows into a bare table, by the fastest plain means of the backend."""
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(
            "CREATE TABLE bench_raw_line (voucher bigint, line int, account text, amount_fen bigint)"
        )
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with cur.copy("COPY bench_raw_line FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.execute("BEGIN")
            cur.executemany("INSERT INTO bench_raw_line VALUES (?, ?, ?, ?)", rows)
        raw.commit()
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_raw_line")
        raw.commit()
    finally:
        raw.close()
    return elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(url: str, tmp: Path, workers: int) -> Iterator[int]:
    """``coopledger serve`` (gunicorn) with ``workers`` processes on a free local port, stopped
    when the block ends."""
    port = _free_port()
    env = {
        **os.environ,
        "COOPLEDGER_DATABASE_URL": url,
        "COOPLEDGER_INSTANCE_PATH": str(tmp),
        "COOPLEDGER_SECRET_KEY": "bench",
    }
    command = [sys.executable, "-m", "coopledger.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _http_bench(url: str, tmp: Path, count: int, echo: Echo) -> tuple[float, float]:
    with serving(url, tmp, 2) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/api/v1/auth/tokens",
            json.dumps({"username": "bench-admin", "password": PASSWORD}),
            {"Content-Type": "application/json"},
        )
        token = json.loads(conn.getresponse().read())["token"]
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        timings = []
        for i in range(count):
            body = json.dumps(
                {
                    "date": "2026-11-02",
                    "memo": f"http {i}",
                    "attachments": 1,
                    "lines": [
                        {"account": "102", "debit": "120.50"},
                        {"account": "301", "member": "7", "credit": "120.50"},
                    ],
                }
            )
            started = time.perf_counter()
            conn.request("POST", "/api/v1/orgs/bench/vouchers", body, headers)
            response = conn.getresponse()
            response.read()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 201:
                raise RuntimeError(f"HTTP {response.status}")
        conn.close()
        timings.sort()
        return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]

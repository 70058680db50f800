"""``coopledger bench ledger``: figures for the ledger core, printed, never asserted.

1. Bulk posting through the service layer (``post_batch``: every check, gapless numbering, the
   hash chain, period balances, the database guards), in lines per second, beside a raw
   ``executemany`` (PostgreSQL: ``COPY``) of the same line rows in the same run.
2. The trial balance of one organization holding ``tb_lines`` posted lines, in milliseconds
   (median of several runs), beside a plain ``GROUP BY`` over every line.
3. One voucher created over HTTP against gunicorn on localhost: p50 and p95 in milliseconds.
"""

from __future__ import annotations

import http.client
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import (
    BATCH,
    PASSWORD,
    Echo,
    bench_books,
    drafts,
    fresh_url,
    vouchers_post,
)
from coopledger.bench.serving import serving
from coopledger.services import reports


def _median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run_ledger_bench(
    *, vouchers: int, tb_lines: int, http_requests: int, database_url: str | None, echo: Echo
) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = fresh_url(database_url, tmp)
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

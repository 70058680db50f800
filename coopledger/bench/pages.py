"""``coopledger bench pages``: the server time of the main pages, printed, never asserted.

One organization gets ``vouchers`` posted vouchers (seeded generator of :mod:`coopledger.bench`);
the dashboard and the voucher list are timed; then the organization grows to ``tb_lines`` posted
lines, gets a few drafts, and every page an accountant opens is timed: the dashboard, the
voucher list (first page, a page nine tenths in, the last page of a filtered list, the drafts, a
text search), a voucher, the entry form, the trial balance, the ledger, the registers, the
months, the statements and the distributions. PostgreSQL's tables are vacuumed and analyzed
first, as autovacuum leaves them after a bulk load. Each figure is the median of several
requests through the whole Flask application (session cookie, CSRF, templates), in-process, so
that it is the server's time and not the network's.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import BATCH, PASSWORD, bench_books, drafts, fresh_url, vouchers_post
from coopledger.config import Settings
from coopledger.services import vouchers as voucher_svc
from coopledger.services.clock import utcnow

Echo = Callable[[str], None]
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
DRAFTS = 50
SLOW_MS = 1_000
SLOW_RUNS = 1
VOUCHER_LINK_RE = re.compile(r'href="/orgs/bench/vouchers/([0-9]+)"')


def run_pages_bench(
    *, vouchers: int, tb_lines: int, runs: int, database_url: str | None, echo: Echo
) -> dict[str, float]:
    """Returns the medians in milliseconds, by page."""
    from coopledger.web.app import create_app
    from coopledger.web.pages.vouchers import PAGE as LIST_PAGE

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = fresh_url(database_url, tmp)
        engine = make_engine(url)
        backend = engine.dialect.name
        migrate.upgrade(engine)
        hasher = Argon2Hasher()  # the pages sign in for real
        uow, admin = bench_books(engine, ["bench"], hasher)
        shown = url if backend == "sqlite" else make_url(url).render_as_string()
        echo(f"backend: {backend} ({shown})")
        year = utcnow().year
        posted_lines = 0
        generated = list(drafts(2026, vouchers, year))
        for chunk in range(0, len(generated), BATCH):
            vouchers_post(uow, admin, generated[chunk : chunk + BATCH])
        posted_lines += sum(len(d.lines) for d in generated)
        del generated
        echo(f"  {vouchers:,} vouchers, {posted_lines:,} lines posted")

        settings = Settings(database_url=url, instance_path=tmp, secret_key="bench-pages")
        sessions = sessionmaker(bind=engine, expire_on_commit=False)
        app = create_app(settings, session_factory=sessions, hasher=hasher)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = TOKEN_RE.search(page)
        assert token is not None
        signed = client.post(
            "/login",
            data={"csrf_token": token.group(1), "username": "bench-admin", "password": PASSWORD},
        )
        assert signed.status_code == 302, signed.status_code

        def timed(name: str, path: str) -> None:
            """The median wall time of ``runs`` requests (of ``SLOW_RUNS`` when the warming one
            takes more than ``SLOW_MS``), and the median CPU time of this process in them: on
            SQLite the database's work too, the figure a busy machine spoils least."""

            def get() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            started = time.perf_counter()
            get()  # warm: templates compiled, caches filled
            count = runs if (time.perf_counter() - started) * 1000 < SLOW_MS else SLOW_RUNS
            times, cpu = [], []
            for _ in range(count):
                started, used = time.perf_counter(), time.process_time()
                get()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            figures[name] = statistics.median(times)
            echo(
                f"{name}: median {figures[name]:.1f} ms over {count} requests"
                f" (CPU {statistics.median(cpu):.1f} ms)"
            )

        whole_year = f"from={year}-01-01&to={year}-12-31"
        timed(f"dashboard ({vouchers:,} vouchers)", "/orgs/bench")
        timed(f"voucher list ({vouchers:,} vouchers)", "/orgs/bench/vouchers")
        timed(
            f"voucher list, posted in March ({vouchers:,} vouchers)",
            f"/orgs/bench/vouchers?status=posted&month={year}-03",
        )
        seed = 1
        posted_vouchers = vouchers
        while posted_lines < tb_lines:
            more = list(
                drafts(seed, min(BATCH * 5, max(BATCH, (tb_lines - posted_lines) // 3 + 1)), year)
            )
            seed += 1
            for chunk in range(0, len(more), BATCH):
                vouchers_post(uow, admin, more[chunk : chunk + BATCH])
            posted_lines += sum(len(d.lines) for d in more)
            posted_vouchers += len(more)
            echo(f"  {posted_lines:,} lines in the organization")
        for draft in drafts(seed, DRAFTS, year):  # a month's work not yet posted
            voucher_svc.create_voucher(uow(), admin, "bench", draft)
        echo(f"  {DRAFTS} drafts")
        if backend == "postgresql":  # what autovacuum does to a table after bulk inserts
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            echo("  vacuumed and analyzed")
        at = f"({posted_lines:,} lines)"
        pages = -(-posted_vouchers // LIST_PAGE)
        far = max(1, pages * 9 // 10)
        far_page = client.get(f"/orgs/bench/vouchers?page={far}").get_data(as_text=True)
        linked = VOUCHER_LINK_RE.search(far_page)
        assert linked is not None
        for name, path in (
            ("dashboard", "/orgs/bench"),
            ("voucher list, first page", "/orgs/bench/vouchers"),
            (f"voucher list, page {far:,} of {pages:,}", f"/orgs/bench/vouchers?page={far}"),
            (
                "voucher list, posted in March, last page",
                f"/orgs/bench/vouchers?status=posted&month={year}-03&page={pages}",
            ),
            ("voucher list, drafts", "/orgs/bench/vouchers?status=draft"),
            ("voucher list, text search", "/orgs/bench/vouchers?q=bench%20123456"),
            (f"voucher {linked[1]} (page {far:,})", f"/orgs/bench/vouchers/{linked[1]}"),
            ("new voucher form", "/orgs/bench/vouchers/new"),
            ("trial balance, the year", f"/orgs/bench/reports/trial-balance?{whole_year}"),
            (
                "trial balance, range cutting months",
                f"/orgs/bench/reports/trial-balance?from={year}-02-10&to={year}-06-01",
            ),
            (
                "ledger of 521, 1-10 March",
                f"/orgs/bench/reports/ledger?account=521&from={year}-03-01&to={year}-03-10",
            ),
            (
                "ledger of 102, March",
                f"/orgs/bench/reports/ledger?account=102&from={year}-03-01&to={year}-03-31",
            ),
            ("members", "/orgs/bench/members"),
            ("member 1", "/orgs/bench/members/1"),
            ("assets", "/orgs/bench/assets"),
            ("funds", "/orgs/bench/funds"),
            ("periods", "/orgs/bench/periods"),
            ("statements", "/orgs/bench/reports"),
            ("balance sheet", f"/orgs/bench/reports/balance-sheet?date={year}-12-31"),
            ("surplus statement", f"/orgs/bench/reports/surplus?year={year}"),
            ("asset register", f"/orgs/bench/reports/asset-register?year={year}"),
            ("fund usage", f"/orgs/bench/reports/fund-usage?year={year}"),
            ("distributions", "/orgs/bench/distributions"),
            # the slowest, last: it lists every voucher that moved members' equity
            ("members' equity statement", f"/orgs/bench/reports/members-equity?year={year}"),
        ):
            timed(f"{name} {at}", path)
        engine.dispose()
    return figures

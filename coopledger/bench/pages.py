"""``coopledger bench pages``: the server time of the main pages, printed, never asserted.

One organization gets ``vouchers`` posted vouchers (seeded generator of :mod:`coopledger.bench`);
the dashboard and the voucher list are timed; then the organization grows to ``tb_lines`` posted
lines and the trial balance (and again the dashboard and the list, a page of the list nine tenths
in and the last page of a filtered list) are timed. Each figure is the
median of several requests through the whole Flask application (session cookie, CSRF, templates),
in-process, so that it is the server's time and not the network's.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import BATCH, PASSWORD, bench_books, drafts, fresh_url, vouchers_post
from coopledger.config import Settings
from coopledger.services.clock import utcnow

Echo = Callable[[str], None]
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


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
            def get() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            get()  # warm: templates compiled, caches filled
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                get()
                times.append((time.perf_counter() - started) * 1000)
            figures[name] = statistics.median(times)
            echo(f"{name}: median {figures[name]:.1f} ms over {runs} requests")

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
        timed(
            f"trial balance ({posted_lines:,} lines)",
            f"/orgs/bench/reports/trial-balance?{whole_year}",
        )
        timed(f"dashboard ({posted_lines:,} lines)", "/orgs/bench")
        timed(f"voucher list ({posted_lines:,} lines)", "/orgs/bench/vouchers")
        pages = -(-posted_vouchers // LIST_PAGE)
        far = max(1, pages * 9 // 10)
        timed(
            f"voucher list, page {far:,} of {pages:,} ({posted_lines:,} lines)",
            f"/orgs/bench/vouchers?page={far}",
        )
        timed(
            f"voucher list, posted in March, last page ({posted_lines:,} lines)",
            f"/orgs/bench/vouchers?status=posted&month={year}-03&page={pages}",
        )
        middle = date(year, 6, 1).isoformat()
        timed(
            f"trial balance, range cutting months ({posted_lines:,} lines)",
            f"/orgs/bench/reports/trial-balance?from={year}-02-10&to={middle}",
        )
        engine.dispose()
    return figures

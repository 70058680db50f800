"""``coopledger bench statements``: household statements per second, beside bare WeasyPrint.

Set-up (not timed): a cooperative with ``members`` households, their capital, a year of member
transactions and sales, the year closed and its distribution plan approved and posted
(:func:`build_statement_books`, also used by the tests with a handful of members).

Timed, each printed in one run:

1. one statement in a new process (cold: imports, fonts, the database) and warm (the same
   process again), through the pipeline;
2. ``count`` statements as separate files and as one combined PDF, on 1 and 2 worker processes
   (the batch runner of ``coopledger statements``): statements per second and KB per statement;
3. bare WeasyPrint on the same HTML (rendered once beforehand, so no database, Jinja or QR):
   ``HTML(string).write_pdf()`` per statement, and one document holding every page — the limit the
   pipeline can approach.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine, recreate_database
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import garlic_households
from coopledger.domain.distribution import Guarantee
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth, distribution, orgs, periods, vouchers
from coopledger.services.household_statements import Statement

Echo = Callable[[str], None]
ORG = "stmt"
YEAR = 2025
ADMIN = "bench-admin"
PASSWORD = "bench-password-1"
PER_VOUCHER = 400
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英建国桂兰志强玉梅德明春花永红淑珍国华"


def build_statement_books(url: str, members: int, *, seed: int = 2025) -> None:
    """A cooperative ``stmt`` with ``members`` households and a posted 2025 distribution, in the
    migrated, empty database ``url``; user ``bench-admin`` (admin) can read it."""
    engine = make_engine(url)
    uow = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))

    hasher = Argon2Hasher()
    orgs.create_org(
        uow(),
        None,
        ORG,
        "绿源大蒜种植专业合作社",
        "cooperative",
        "济南市/商河县/白桥镇",
        allow_single_accountant=True,
    )
    auth.create_user(uow(), None, hasher, ADMIN, PASSWORD, "admin", [])
    auth.create_user(uow(), None, hasher, "bench-reviewer", PASSWORD, "reviewer", [ORG])
    admin = auth.actor_named(uow(), ADMIN)
    reviewer = auth.actor_named(uow(), "bench-reviewer")
    rnd = random.Random(seed)

    def household(n: int) -> dict[str, object]:
        name = rnd.choice(NAMES) + "".join(rnd.sample(GIVEN, 2))
        return {"name": name, "household_size": rnd.randint(1, 6)}

    drafts = garlic_households(
        uow, admin, ORG, members, YEAR, rnd, household, per_voucher=PER_VOUCHER
    )
    drafts.append(
        VoucherDraft(
            date(YEAR, 11, 30),
            "全年销售",
            (
                Line("102", Dr.DEBIT, 98_765_432 * members),
                Line("501", Dr.CREDIT, 98_765_432 * members),
            ),
        )
    )
    vouchers.post_batch(uow(), admin, ORG, drafts)
    periods.close_year(uow(), admin, ORG, YEAR)
    plan = distribution.create_plan(
        uow(),
        admin,
        ORG,
        distribution.PlanRequest(
            year=YEAR,
            reserve_rate=Decimal("0.10"),
            patronage_ratio=Decimal("0.60"),
            guarantee=Guarantee(fixed_fen=50_000),
        ),
    )
    distribution.approve_plan(
        uow(), reviewer, ORG, plan.id, "成员大会决议2026-01号", date(2026, 1, 20)
    )
    _plan, prepared = distribution.post_plan(uow(), admin, ORG, plan.id)
    for v in prepared:
        vouchers.review_voucher(uow(), reviewer, ORG, v.id)
        vouchers.post_voucher(uow(), admin, ORG, v.id)
    engine.dispose()


# -- the benchmark ---------------------------------------------------------------------------------


def fresh_statement_books(database_url: str | None, tmp: Path, members: int) -> str:
    """A fresh database — a SQLite file in ``tmp`` unless ``database_url`` is given (a
    PostgreSQL one is dropped and created again) — migrated and holding the statement books of
    ``members`` households (:func:`build_statement_books`); its URL."""
    url = database_url or f"sqlite:///{tmp / 'bench.db'}"
    if make_url(url).get_backend_name() == "postgresql":
        recreate_database(url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    build_statement_books(url, members)
    return url


def backend_of(database_url: str | None) -> str:
    """The backend a bench runs on: the URL's, or SQLite when none is given."""
    return make_url(database_url).get_backend_name() if database_url else "sqlite"


def _bare_separate(htmls: list[str]) -> int:
    """Bare WeasyPrint: ``HTML(string).write_pdf()`` per statement; returns the bytes written."""
    from weasyprint import HTML

    from coopledger.adapters.pdf import ASSETS

    return sum(len(HTML(string=h, base_url=ASSETS.as_uri() + "/").write_pdf()) for h in htmls)


def _bare_combined(html: str) -> int:
    from weasyprint import HTML

    from coopledger.adapters.pdf import ASSETS

    return len(HTML(string=html, base_url=ASSETS.as_uri() + "/").write_pdf())


def _pool_map(fn: Callable[..., int], items: list[object], workers: int) -> int:
    if workers == 1:
        return sum(fn(item) for item in items)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return sum(pool.map(fn, items))


def _one_statement(url: str, out: str) -> None:
    """The cold run's child: one statement through the pipeline, then a second one warm;
    prints the warm seconds."""
    from coopledger.adapters import household_statement_batch as sb

    sessions = sb.process_sessions(url)

    uow = UnitsOfWork(sessions)

    spec = sb.plan_batch(
        uow(),
        sb.operator(),
        org=ORG,
        year=YEAR,
        out_dir=Path(out),
        base_url="http://127.0.0.1:8000",
        username=None,
        combined=False,
        chunk_size=1,
    )
    sb.run_chunk(spec, 0, uow)
    started, cpu = time.perf_counter(), time.process_time()
    sb.run_chunk(spec, 1, uow)
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{round(warm * 1e6)} {round(warm_cpu * 1e6)}")  # noqa: T201 - µs, read by the parent


def run_statements_bench(
    *, count: int, workers: list[int], database_url: str | None, echo: Echo
) -> None:
    from coopledger.adapters import household_statement_batch as sb
    from coopledger.adapters.household_statement_pdf import statement_context
    from coopledger.adapters.pdf import render_block, render_html
    from coopledger.services.household_statement_batch import household_statements

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        fonts = ", ".join(f for f in _fonts_used())
        echo(
            f"backend: {backend_of(database_url)}; {os.cpu_count()} cores; "
            f"statement font: {fonts}; setting up {count:,} households"
        )
        url = fresh_statement_books(database_url, tmp, count)

        # 1. one statement, cold (a new process) and warm
        started, cpu = time.perf_counter(), _cpu()
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, url, str(tmp / "one")],
            capture_output=True,
            text=True,
            check=True,
        )
        whole, whole_cpu = time.perf_counter() - started, _cpu() - cpu
        # the child prints whole microseconds
        warm, warm_cpu = (int(x) / 1e6 for x in child.stdout.strip().splitlines()[-1].split())
        echo(
            "one statement, cold (a new process: imports, fonts, database): "
            f"{whole - warm:.2f} s (CPU {whole_cpu - warm_cpu:.2f} s)"
        )
        echo(
            "one statement, warm (database read, code issued, rendered, written): "
            f"{warm:.3f} s (CPU {warm_cpu:.3f} s)"
        )

        # the same HTML for bare WeasyPrint, rendered beforehand
        uow = UnitsOfWork(sb.process_sessions(url))
        members = [str(n) for n in range(1, count + 1)]
        statements = household_statements(uow(), sb.operator(), ORG, YEAR, members)
        base = "http://127.0.0.1:8000"
        htmls = [
            render_html("pdf/household_statement.html", statement_context(s, base))
            for s in statements
        ]

        def combined_html(part: Sequence[Statement]) -> str:
            return render_html(
                "pdf/household_statements_combined.html",
                {
                    "pages": [
                        render_block(
                            "pdf/household_statement.html", "page", statement_context(s, base)
                        )
                        for s in part
                    ],
                    "year": YEAR,
                    "org_name": statements[0].org_name,
                },
            )

        echo(
            f"{'':<38}{'workers':>8}{'wall s':>9}{'per s':>8}{'per core':>10}{'CPU s':>9}"
            f"{'per CPU s':>10}{'KB each':>9}{'vs bare (wall, CPU)':>21}"
        )
        for w in workers:
            for combined in (False, True):
                kind = "combined pages" if combined else "separate statements"
                out = tmp / f"out-{w}-{int(combined)}"
                out.mkdir()
                spec = sb.plan_batch(
                    uow(),
                    sb.operator(),
                    org=ORG,
                    year=YEAR,
                    out_dir=out,
                    base_url=base,
                    username=None,
                    combined=combined,
                    chunks=w if combined else None,
                )
                started, cpu = time.perf_counter(), _cpu()
                files = sb.run_local(spec, workers=w, database_url=url)
                seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu
                size = sum((out / f).stat().st_size for f in files)
                if combined:
                    parts = [list(statements[i : i + len(c)]) for i, c in _offsets(spec.chunks)]
                    bare_items: list[object] = [combined_html(p) for p in parts]
                    fn: Callable[..., int] = _bare_combined
                else:
                    bare_items = [
                        htmls[i : i + sb.SEPARATE_CHUNK] for i in range(0, count, sb.SEPARATE_CHUNK)
                    ]
                    fn = _bare_separate
                started, cpu = time.perf_counter(), _cpu()
                bare_size = _pool_map(fn, bare_items, w)
                bare, bare_cpu = time.perf_counter() - started, _cpu() - cpu
                for label, secs, cpu_s, nbytes, ratio in (
                    (
                        f"{kind}, pipeline",
                        seconds,
                        cpu_seconds,
                        size,
                        f"{seconds / bare:.2f}× {cpu_seconds / bare_cpu:.2f}×",
                    ),
                    (f"{kind}, bare WeasyPrint", bare, bare_cpu, bare_size, ""),
                ):
                    echo(
                        f"{label:<38}{w:>8}{secs:>9.1f}{count / secs:>8.1f}"
                        f"{count / secs / w:>10.1f}{cpu_s:>9.1f}{count / cpu_s:>10.1f}"
                        f"{nbytes / count / 1024:>9.1f}{ratio:>21}"
                    )
        echo(
            "targets: pipeline within 1.25× of bare WeasyPrint; ≥ 5 separate statements/s and "
            "≥ 7 combined pages/s per core; < 60 KB per separate statement"
        )


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the pool's workers): on a
    shared machine, statements per CPU second is the per-core figure the other load spoils least."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _offsets(chunks: list[list[str]]) -> list[tuple[int, list[str]]]:
    out, at = [], 0
    for chunk in chunks:
        out.append((at, chunk))
        at += len(chunk)
    return out


def _fonts_used() -> list[str]:
    """The CJK family fontconfig gives the statement's first choice (WenQuanYi Micro Hei)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ["?"]
    found = subprocess.run(
        [fc_match, "WenQuanYi Micro Hei:lang=zh", "family"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [found.split(",")[0] or "?"]


_CHILD = (
    "import sys; from coopledger.bench.household_statements import _one_statement; "
    "_one_statement(sys.argv[1], sys.argv[2])"
)

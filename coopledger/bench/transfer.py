"""``coopledger bench import`` and ``coopledger bench backup``: figures, printed, never asserted.

1. Importing voucher lines from CSV and from XLSX through the service layer (every check of
   every row against the books, all in one transaction), with and without a dry run; the file
   is generated first (the seeded generator of ``bench ledger``), so that only the import is
   timed — reading and decoding the file included.
2. Backup and restore of a database whose organization holds ``lines`` posted voucher lines,
   and ``audit verify`` on the restored books.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.backup import backup, restore
from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.adapters.spreadsheets import read_table
from coopledger.bench.common import BATCH, bench_books, drafts, fresh_url, vouchers_post
from coopledger.domain.imports import SPECS
from coopledger.domain.ledger import Dr
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.roles import Actor
from coopledger.services import chain_check
from coopledger.services import imports as svc

Echo = Callable[[str], None]


class _PlainHasher:
    """Benchmarks log in nobody; argon2's deliberate slowness is not what is measured."""

    def hash(self, password: str) -> str:
        return f"plain${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"plain${password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


def _books(url: str, codes: list[str]) -> tuple[Callable[[], SqlUnitOfWork], Actor]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return bench_books(engine, codes, _PlainHasher())


def voucher_rows(lines: int) -> list[list[str]]:
    """Voucher-import rows (one per line) of at least ``lines`` lines."""
    rows: list[list[str]] = []
    count = lines // 2 + 1
    for i, d in enumerate(drafts(2027, count, 2025)):
        for ln in d.lines:
            amount = format_amount(ln.amount_fen)
            rows.append(
                [
                    f"B{i}",
                    d.booked_on.isoformat(),
                    d.memo,
                    ln.account,
                    ln.member or "",
                    ln.fund or "",
                    amount if ln.side is Dr.DEBIT else "",
                    amount if ln.side is Dr.CREDIT else "",
                    format_quantity(ln.quantity_milli) if ln.quantity_milli is not None else "",
                    ln.unit or "",
                ]
            )
        if len(rows) >= lines:
            break
    return rows


def run_import_bench(*, lines: int, database_url: str | None, echo: Echo) -> None:
    headers = list(SPECS["vouchers"].columns)
    rows = voucher_rows(lines)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    csv_bytes = text.getvalue().encode("utf-8")
    started = time.perf_counter()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    xlsx_bytes = out.getvalue()
    echo(
        f"generated {len(rows):,} voucher lines: CSV {len(csv_bytes) / 1e6:.1f} MB, "
        f"XLSX {len(xlsx_bytes) / 1e6:.1f} MB (written in {time.perf_counter() - started:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as tmpdir:
        url = fresh_url(database_url, Path(tmpdir))
        uow, admin = _books(url, ["csv", "xlsx", "posted"])
        echo(f"backend: {make_url(url).get_backend_name()}")
        runs = [
            ("CSV, dry run", "csv", csv_bytes, "v.csv", svc.Options(dry_run=True)),
            ("CSV, import as drafts", "csv", csv_bytes, "v.csv", svc.Options()),
            ("CSV, the same file again (all skipped)", "csv", csv_bytes, "v.csv", svc.Options()),
            ("CSV, import and post (--post)", "posted", csv_bytes, "v.csv", svc.Options(post=True)),
            ("XLSX, dry run", "xlsx", xlsx_bytes, "v.xlsx", svc.Options(dry_run=True)),
            ("XLSX, import as drafts", "xlsx", xlsx_bytes, "v.xlsx", svc.Options()),
        ]
        for label, org, data, name, options in runs:
            started = time.perf_counter()
            table = read_table(data, name)
            read_s = time.perf_counter() - started
            report = svc.import_table(uow(), admin, org, "vouchers", table, options)
            took = time.perf_counter() - started
            assert report.ok, report.problems[:3]
            echo(
                f"{label}: {len(rows):,} lines in {took:.2f} s = {len(rows) / took:,.0f} lines/s "
                f"(reading the file {read_s:.2f} s; {report.created:,} vouchers, "
                f"{report.skipped:,} skipped)"
            )


def run_backup_bench(
    *, lines: int, database_url: str | None, restore_url: str | None, echo: Echo
) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = fresh_url(database_url, tmp)
        uow, admin = _books(url, ["bench"])
        posted = 0
        seed = 10
        started = time.perf_counter()
        while posted < lines:
            more = list(drafts(seed, min(BATCH * 10, (lines - posted) // 3 + 1), 2026))
            seed += 1
            for chunk in range(0, len(more), BATCH):
                vouchers_post(uow, admin, more[chunk : chunk + BATCH])
            posted += sum(len(d.lines) for d in more)
        echo(
            f"backend {make_url(url).get_backend_name()}: {posted:,} posted lines built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        source = make_engine(url)
        path = tmp / "bench.backup"
        started = time.perf_counter()
        summary = backup(source, path)
        backup_s = time.perf_counter() - started
        source.dispose()
        echo(
            f"backup: {summary.rows:,} rows of {summary.tables} tables in {backup_s:.1f} s "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
        target_url = (
            fresh_url(restore_url, tmp / "restore")
            if restore_url
            else (f"sqlite:///{tmp / 'restored.db'}")
        )
        target = make_engine(target_url)
        started = time.perf_counter()
        restore(target, path)
        restore_s = time.perf_counter() - started
        echo(
            f"restore into {make_url(target_url).get_backend_name()}: {restore_s:.1f} s "
            f"(schema created by the migrations included)"
        )
        echo(f"backup + restore of {posted:,} lines: {backup_s + restore_s:.1f} s")
        restored = UnitsOfWork(sessionmaker(bind=target, expire_on_commit=False))
        started = time.perf_counter()
        report = chain_check.verify_org(restored(), "bench")
        echo(
            f"audit verify on the restored books: {'chain intact' if report.ok else 'BROKEN'}, "
            f"{report.vouchers:,} vouchers in {time.perf_counter() - started:.1f} s"
        )
        target.dispose()

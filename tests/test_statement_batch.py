"""`coopledger statements`: a year's statements in local processes, separate or combined,
idempotent (same files, same codes, no second issue), written atomically."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy import text as text_sql

from coopledger.adapters import household_statement_batch as sb
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import main
from tests.conftest import PUBLIC_URL
from tests.statement_books import ORG, YEAR, issued_rows, statement_books

MEMBERS = 5


@pytest.fixture(scope="module")
def books_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return statement_books("stmtbatch", tmp_path_factory.mktemp("stmtbatch"), MEMBERS)


@pytest.fixture
def engine(books_url: str) -> Iterator[Engine]:
    engine = make_engine(books_url)
    yield engine
    engine.dispose()


def run(books_url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", books_url)
    monkeypatch.setenv("COOPLEDGER_PUBLIC_URL", PUBLIC_URL)
    return CliRunner().invoke(main, ["statements", ORG, "--year", str(YEAR), *args])


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_one_file_per_household_and_a_rerun_issues_nothing_new(
    books_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run(books_url, monkeypatch, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    expected = sorted(f"statement-{ORG}-{n}-{YEAR}.pdf" for n in range(1, MEMBERS + 1))
    assert names(tmp_path) == expected  # no temporary file, no state left behind
    assert f"{MEMBERS} statements written" in result.output
    first = (tmp_path / expected[0]).read_bytes()
    assert first.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(first)).pages) == 1
    assert len(first) < 60_000  # a TrueType CJK subset, not Noto's 400 KB
    issued = issued_rows(engine)
    assert len(issued) == MEMBERS and len({c for _, c in issued}) == MEMBERS

    again = run(books_url, monkeypatch, "--out", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert names(tmp_path) == expected
    assert issued_rows(engine) == issued  # the same codes, nothing issued twice
    code = issued[0][1]
    text = "".join(PdfReader(io.BytesIO(first)).pages[0].extract_text().split())
    assert any(c in text for _, c in issued) and code
    assert f"{PUBLIC_URL}verify/" in text  # the configured address, in words and in the QR code
    # the batch hands out the archival document, its SHA-256 on record and unchanged by the rerun
    assert (tmp_path / expected[0]).read_bytes() == first
    reader = PdfReader(io.BytesIO(first))
    assert list(reader.attachments) == ["figures.json"]
    with engine.connect() as conn:
        digests = conn.execute(text_sql("SELECT sha256 FROM issued_document")).scalars().all()
    assert hashlib.sha256(first).hexdigest() in digests and len(digests) == MEMBERS


def test_combined_on_two_processes_is_one_pdf_with_a_page_per_household(
    books_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run(books_url, monkeypatch, "--out", str(tmp_path), "--workers", "2", "--combined")
    assert result.exit_code == 0, result.output
    assert names(tmp_path) == [f"statements-{ORG}-{YEAR}.pdf"]
    reader = PdfReader(tmp_path / f"statements-{ORG}-{YEAR}.pdf")
    assert len(reader.pages) == MEMBERS
    codes = dict(issued_rows(engine))
    for number, page in enumerate(reader.pages, start=1):  # the plan's order, one page each
        words = "".join((page.extract_text() or "").split())
        assert codes[str(number)] in words
    assert len(codes) == MEMBERS


def test_a_chunk_run_twice_writes_the_same_files(
    books_url: str, engine: Engine, tmp_path: Path
) -> None:
    sessions_engine = make_engine(books_url)
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(bind=sessions_engine, expire_on_commit=False)
    spec = sb.plan_batch(
        SqlUnitOfWork(sessions),
        sb.operator(),
        org=ORG,
        year=YEAR,
        out_dir=tmp_path,
        base_url="http://127.0.0.1:8000",
        username=None,
        combined=False,
        chunk_size=2,
    )
    assert [len(c) for c in spec.chunks] == [2, 2, 1]
    uow = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    assert sb.run_chunk(spec, 0, uow) == 2
    assert sb.progress(spec).done == 2 and not sb.progress(spec).finished
    with pytest.raises(RuntimeError, match="chunk 1 is not done"):
        sb.finish(spec)
    assert sb.run_chunk(spec, 0, uow) == 2  # a retried job
    (tmp_path / f".statement-{ORG}-1-{YEAR}.pdf.leftover.tmp").write_bytes(b"half")
    files = sb.run_local(spec, workers=1, database_url=books_url, uow=uow)
    assert len(files) == MEMBERS
    assert names(tmp_path) == sorted(files)  # the killed writer's temporary file is gone
    assert len(issued_rows(engine)) == MEMBERS
    sessions_engine.dispose()


def test_no_posted_plan_is_a_clear_error(
    books_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", books_url)
    monkeypatch.setenv("COOPLEDGER_PUBLIC_URL", PUBLIC_URL)
    result = CliRunner().invoke(main, ["statements", ORG, "--year", "2024", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no posted distribution" in result.output


def test_without_a_public_address_no_statement_is_issued(
    books_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", books_url)
    monkeypatch.delenv("COOPLEDGER_PUBLIC_URL", raising=False)
    before = issued_rows(engine)
    result = CliRunner().invoke(
        main, ["statements", ORG, "--year", str(YEAR), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "error:" in result.output and "COOPLEDGER_PUBLIC_URL" in result.output
    assert issued_rows(engine) == before and not (tmp_path / "out").exists()
    bad = CliRunner().invoke(
        main,
        ["statements", ORG, "--year", str(YEAR), "--out", str(tmp_path), "--base-url", "//x"],
    )
    assert bad.exit_code == 2 and "--base-url must be the http(s) address" in bad.output

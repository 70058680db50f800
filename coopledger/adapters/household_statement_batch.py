"""A year's household statements rendered in chunks, by local processes or by queue workers.

A batch is a folder. ``plan_batch`` splits the members of the year's posted plan into chunks and
writes the batch's description to ``DIR/.batches/<id>/batch.json``; each chunk is then rendered by
:func:`run_chunk` — in a local process pool (:func:`run_local`) or in an RQ job
(:mod:`coopledger.adapters.jobs`) — and :func:`finish` completes the batch. Everything a batch
knows lives in its folder, so any process that sees the folder (another worker, the CLI showing
progress, the API) reads the same state:

``DIR/statement-ORG-MEMBER-YEAR.pdf``  one statement per household (separate mode);
``DIR/statements-ORG-YEAR.pdf``        every household, a page each (combined mode);
``DIR/.batches/ID/batch.json``         the batch: organization, year, chunks of member numbers;
``DIR/.batches/ID/done/NNNNN``         a chunk that is written (its members, one per line);
``DIR/.batches/ID/parts/NNNNN.pdf``    a chunk's pages, combined mode, until :func:`finish` binds them;
``DIR/.batches/ID/finished``           the batch is complete.

Idempotent, so a chunk may run twice (a retried job, a worker killed half-way, a re-run): file
names depend only on organization, member and year; every file is written to a temporary name
and renamed, so a reader never sees half a PDF; the verification code of a member is issued once
(:mod:`coopledger.services.household_statement_batch`), so a second rendering prints the same code and
records nothing. The database URL is never written to the folder or the queue: each process
reads its own settings (``COOPLEDGER_DATABASE_URL``) and opens its own engine.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.adapters.household_statement_pdf import statement_context
from coopledger.domain.roles import Actor, Role
from coopledger.services import auth
from coopledger.services.household_statement_batch import household_statements, posted_plan_members
from coopledger.services.household_statements import (
    Statement,
    record_issued_documents,
    verification_base,
)

BATCHES = ".batches"
#: members per chunk when the caller does not say: small enough for a smooth progress bar and
#: a cheap retry, large enough that a queue job's overhead (a process, an engine) is noise
SEPARATE_CHUNK = 20
COMBINED_CHUNK = 100


@dataclass(frozen=True)
class BatchSpec:
    """What a batch renders; stored as ``batch.json`` in its folder."""

    id: str
    org: str
    year: int
    out_dir: str
    base_url: str
    username: str | None  # who the codes are issued for; None: the machine's operator
    combined: bool
    chunks: list[list[str]] = field(default_factory=list)
    queue: str | None = None  # the RQ queue it was put on; None: local processes

    @property
    def folder(self) -> Path:
        return Path(self.out_dir) / BATCHES / self.id

    @property
    def total(self) -> int:
        return sum(len(c) for c in self.chunks)

    def combined_name(self) -> str:
        return f"statements-{self.org}-{self.year}.pdf"

    def file_names(self) -> list[str]:
        if self.combined:
            return [self.combined_name()]
        return [statement_name(self.org, no, self.year) for chunk in self.chunks for no in chunk]


def statement_name(org: str, member_no: str, year: int) -> str:
    return f"statement-{org}-{member_no}-{year}.pdf"


def operator() -> Actor:
    """The machine's operator, for batches started at the command line without ``--user``."""
    return Actor(0, "operator", Role.ADMIN, frozenset())


def new_batch_id() -> str:
    return secrets.token_hex(6)


# -- planning and state ----------------------------------------------------------------------------


def plan_batch(
    uow: SqlUnitOfWork,
    actor: Actor,
    *,
    org: str,
    year: int,
    out_dir: Path,
    base_url: str,
    username: str | None,
    combined: bool,
    chunk_size: int | None = None,
    chunks: int | None = None,
    batch_id: str | None = None,
    queue: str | None = None,
) -> BatchSpec:
    """Split the year's posted plan into chunks and write the batch's folder.

    ``chunks`` asks for that many chunks of equal size (combined mode on N local processes: one
    document each); otherwise chunks of ``chunk_size`` members.

    :raise NotFound: no posted distribution for the year (or the organization is not seen).
    :raise PublicUrlUnset: ``base_url`` is empty (no public address to print).
    """
    base_url = verification_base(base_url)
    _plan_id, members = posted_plan_members(uow, actor, org, year)
    if chunks:
        size = max(1, -(-len(members) // chunks))
    else:
        size = chunk_size or (COMBINED_CHUNK if combined else SEPARATE_CHUNK)
    spec = BatchSpec(
        batch_id or new_batch_id(),
        org,
        year,
        str(out_dir.absolute()),
        base_url,
        username,
        combined,
        [members[i : i + size] for i in range(0, len(members), size)],
        queue,
    )
    (spec.folder / "done").mkdir(parents=True, exist_ok=True)
    (spec.folder / "parts").mkdir(exist_ok=True)
    write_atomic(spec.folder / "batch.json", json.dumps(asdict(spec), ensure_ascii=False).encode())
    return spec


def load_spec(out_dir: Path, batch_id: str) -> BatchSpec:
    """:raise FileNotFoundError: no such batch in ``out_dir``."""
    if not batch_id.isalnum():
        raise FileNotFoundError(batch_id)
    data = json.loads((out_dir / BATCHES / batch_id / "batch.json").read_text("utf-8"))
    return BatchSpec(**data)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    finished: bool
    error: str | None  # why a local run stopped


def progress(spec: BatchSpec) -> Progress:
    done = 0
    for marker in (spec.folder / "done").iterdir():
        if marker.name.isdigit():
            done += len(spec.chunks[int(marker.name)])
    error = spec.folder / "error"
    return Progress(
        spec.total,
        done,
        (spec.folder / "finished").exists(),
        error.read_text("utf-8") if error.exists() else None,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, whole."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the PDFs from the web server's user
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- rendering -------------------------------------------------------------------------------------


def render_separate(s: Statement, base_url: str) -> bytes:
    """The same document the web hands out (PDF/A-3b with figures.json, byte for byte)."""
    from coopledger.adapters.household_statement_pdf import render_statement

    return render_statement(s, base_url)


def render_combined(statements: Sequence[Statement], base_url: str) -> bytes:
    """Every statement a page of ONE WeasyPrint document: the stylesheet, the fonts and their
    subsets are prepared once for all pages instead of once per household."""
    from coopledger.adapters.pdf import render_block, render_pdf

    pages = [
        render_block("pdf/household_statement.html", "page", statement_context(s, base_url))
        for s in statements
    ]
    first = statements[0]
    return render_pdf(
        "pdf/household_statements_combined.html",
        {"pages": pages, "year": first.year, "org_name": first.org_name},
    )


# -- running a chunk (in any process) --------------------------------------------------------------

_ENGINES: dict[str, tuple[Engine, sessionmaker[Any]]] = {}


def process_sessions(database_url: str | None = None) -> sessionmaker[Any]:
    """This process's sessions on ``database_url`` (default: the settings' database): one engine
    per process, opened on first use — never inherited across ``fork``."""
    if database_url is None:
        from coopledger.config import Settings

        database_url = Settings.from_env().database_url
    cached = _ENGINES.get(database_url)
    if cached is None:
        engine = make_engine(database_url)
        cached = (engine, sessionmaker(bind=engine, expire_on_commit=False))
        _ENGINES[database_url] = cached
    return cached[1]


UowFactory = Callable[[], SqlUnitOfWork]


def _uow_factory(sessions: sessionmaker[Any]) -> UowFactory:
    return UnitsOfWork(sessions)


def _statements(uow: UowFactory, spec: BatchSpec, members: Sequence[str]) -> list[Statement]:
    actor = auth.actor_named(uow(), spec.username) if spec.username else operator()
    for attempt in range(5):
        try:
            return household_statements(uow(), actor, spec.org, spec.year, members)
        except (IntegrityError, OperationalError):
            # another process issued a code of this chunk at the same moment (a retried job
            # beside its abandoned twin) or the database was busy: read again, and the codes
            # already issued are found and kept
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def run_chunk(spec: BatchSpec, index: int, uow: UowFactory | None = None) -> int:
    """Render chunk ``index`` of the batch and mark it done; returns its number of members.
    ``uow``: units of work on the books (default: this process's, from the settings)."""
    members = spec.chunks[index]
    uow = uow or _uow_factory(process_sessions())
    statements = _statements(uow, spec, members)
    out = Path(spec.out_dir)
    if spec.combined:
        write_atomic(
            spec.folder / "parts" / f"{index:05d}.pdf", render_combined(statements, spec.base_url)
        )
    else:
        rendered = [(s, render_separate(s, spec.base_url)) for s in statements]
        for s, pdf in rendered:
            write_atomic(out / statement_name(spec.org, s.member_no, spec.year), pdf)
        # each issued document's SHA-256, so /verify/{code}?sha256= knows the files handed out
        record_issued_documents(uow(), rendered)
    write_atomic(spec.folder / "done" / f"{index:05d}", "\n".join(members).encode())
    return len(members)


def finish(spec: BatchSpec) -> list[str]:
    """Complete the batch once every chunk is done: bind the combined parts into one PDF (page
    order = the plan's), remove temporary files left by killed processes, mark it finished.
    Returns the file names of the batch. Running it twice does nothing more.

    :raise RuntimeError: a chunk is not done yet.
    """
    done = {p.name for p in (spec.folder / "done").iterdir()}
    missing = [i for i in range(len(spec.chunks)) if f"{i:05d}" not in done]
    if missing:
        raise RuntimeError(f"batch {spec.id}: chunk {missing[0]} is not done")
    out = Path(spec.out_dir)
    parts = [spec.folder / "parts" / f"{i:05d}.pdf" for i in range(len(spec.chunks))]
    # all parts there: bind them (again, if a finisher died after binding and before cleaning)
    if spec.combined and all(p.exists() for p in parts):
        write_atomic(out / spec.combined_name(), _bind(parts))
        for part in parts:
            part.unlink(missing_ok=True)
    if spec.combined and not (out / spec.combined_name()).exists():
        raise RuntimeError(f"batch {spec.id}: a part of the combined PDF is missing; run it again")
    for stale in [*out.glob(".statement*.tmp"), *(spec.folder / "parts").glob(".*.tmp")]:
        stale.unlink(missing_ok=True)
    write_atomic(spec.folder / "finished", b"")
    return spec.file_names()


def _bind(parts: Sequence[Path]) -> bytes:
    if len(parts) == 1:
        return parts[0].read_bytes()
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# -- local processes -------------------------------------------------------------------------------

_LOCAL_URL: str | None = None


def _init_local(database_url: str) -> None:
    global _LOCAL_URL
    _LOCAL_URL = database_url


def _local_chunk(spec_json: str, index: int) -> int:
    spec = BatchSpec(**json.loads(spec_json))
    return run_chunk(spec, index, _uow_factory(process_sessions(_LOCAL_URL)))


def run_local(
    spec: BatchSpec,
    *,
    workers: int,
    database_url: str,
    uow: UowFactory | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
    keep_state: bool = False,
) -> list[str]:
    """Render every chunk not done yet on ``workers`` local processes (1: this process, on
    ``uow`` when given), then :func:`finish`. ``on_progress`` gets each chunk's size. The
    batch's state folder is removed afterwards unless ``keep_state`` (the API reads it)."""
    done = {p.name for p in (spec.folder / "done").iterdir()}
    todo = [i for i in range(len(spec.chunks)) if f"{i:05d}" not in done]
    if workers <= 1:
        for i in todo:
            on_progress(run_chunk(spec, i, uow or _uow_factory(process_sessions(database_url))))
    else:
        payload = json.dumps(asdict(spec), ensure_ascii=False)
        # spawn, not fork: each process opens its own engine and fontconfig state
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_init_local,
            initargs=(database_url,),
        ) as pool:
            futures = [pool.submit(_local_chunk, payload, i) for i in todo]
            for future in as_completed(futures):
                on_progress(future.result())
    files = finish(spec)
    if not keep_state:
        forget(spec)
    return files


def forget(spec: BatchSpec) -> None:
    """Remove a finished batch's state folder (its PDFs stay)."""
    shutil.rmtree(spec.folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        spec.folder.parent.rmdir()  # `.batches`, when no other batch is in it


def batch_files(spec: BatchSpec) -> Iterator[Path]:
    out = Path(spec.out_dir)
    for name in spec.file_names():
        if (out / name).exists():
            yield out / name


def run_in_background(out_dir: Path, batch_id: str, database_url: str, workers: int) -> None:
    """Start a detached local process that renders the batch (the API without a queue)."""
    import subprocess
    import sys

    env = {**os.environ, "COOPLEDGER_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coopledger.adapters.household_statement_batch",
            str(out_dir),
            batch_id,
            str(workers),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # a thread that waits for it: the process is reaped when it ends, never left a zombie
    threading.Thread(target=process.wait, name=f"statement-batch-{batch_id}", daemon=True).start()


def _main(argv: Sequence[str]) -> int:
    # the module by its name, not as __main__: the pool's processes find its functions there
    from coopledger.adapters import household_statement_batch as sb

    out_dir, batch_id, workers = Path(argv[0]), argv[1], int(argv[2])
    spec = sb.load_spec(out_dir, batch_id)
    try:
        sb.run_local(
            spec,
            workers=workers,
            database_url=os.environ["COOPLEDGER_DATABASE_URL"],
            keep_state=True,
        )
    except Exception as exc:
        write_atomic(spec.folder / "error", f"{type(exc).__name__}: {exc}".encode())
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover - the background process of run_in_background
    import sys

    sys.exit(_main(sys.argv[1:]))

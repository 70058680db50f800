"""The first hour at the command line: the demo never destroys books it did not make, every
command reaches the demo's books, and every operational failure is one line with a non-zero exit
— no traceback, nothing created or changed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from coopledger.adapters.db import demo_file
from coopledger.cli import main


def run(tmp: Path, *args: str, **extra_env: str) -> Result:
    """The command as a user runs it in folder ``tmp``: no database configured but the default."""
    env = {
        "COOPLEDGER_INSTANCE_PATH": str(tmp / "instance"),
        "COOPLEDGER_DATABASE_URL": "",
        "COOPLEDGER_REDIS_URL": "",
        "COOPLEDGER_DEBUG": "",
        **extra_env,
    }
    return CliRunner().invoke(main, list(args), env=env)


def one_line_error(result: Result) -> str:
    """The failure as the user sees it: exit ≠ 0, one ``error:`` line, no traceback."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where `coopledger demo --no-serve` ran with the defaults."""
    folder = tmp_path_factory.mktemp("first-hour")
    result = run(folder, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return folder


def test_the_demo_prints_the_next_commands_and_they_reach_its_books(demo_folder: Path) -> None:
    result = run(demo_folder, "demo", "--no-serve")  # a demo's own file is rebuilt
    assert result.exit_code == 0, result.output
    assert (demo_folder / "instance" / "coopledger.db").exists()
    assert "coopledger audit verify garlic-coop" in result.output
    verified = run(demo_folder, "audit", "verify", "garlic-coop")
    assert verified.exit_code == 0 and "chain intact" in verified.output, verified.output
    out = demo_folder / "tb.csv"
    exported = run(
        demo_folder, "export", "garlic-coop", "--what", "trial-balance", "--out", str(out)
    )
    assert exported.exit_code == 0 and out.read_text(encoding="utf-8-sig").strip()
    (statements,) = [
        ln for ln in result.output.splitlines() if ln.split()[:2] == ["coopledger", "statements"]
    ]
    args = statements.split()[1:]  # as printed, from the demo's folder
    args[args.index("statements/")] = str(demo_folder / "statements")
    issued = run(demo_folder, *args)
    assert issued.exit_code == 0 and "statements written" in issued.output, issued.output


def test_the_demo_refuses_books_it_did_not_make_and_leaves_them_untouched(tmp_path: Path) -> None:
    real = tmp_path / "books.db"
    upgraded = run(tmp_path, "--db", str(real), "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    created = run(
        tmp_path, "--db", str(real), "orgs", "create", "mine", "--name", "我的合作社",
        "--kind", "cooperative",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    before = real.read_bytes()
    line = one_line_error(run(tmp_path, "demo", "--no-serve", "--db", str(real)))
    assert str(real) in line and "--force" in line
    assert real.read_bytes() == before

    text = tmp_path / "notes.txt"
    text.write_text("the village's notes, not a database\n")
    line = one_line_error(run(tmp_path, "demo", "--no-serve", "--db", str(text)))
    assert str(text) in line and "--force" in line
    assert text.read_text() == "the village's notes, not a database\n"


def test_force_replaces_and_marks_the_file_as_the_demos(tmp_path: Path) -> None:
    target = tmp_path / "old.db"
    target.write_text("anything")
    result = run(tmp_path, "demo", "--no-serve", "--db", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert demo_file.made_by_demo(target)


def test_a_second_demo_on_a_file_in_use_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    held = demo_file.claim(target, force=False)  # a running demo holds this lock
    try:
        target.write_bytes(b"")
        line = one_line_error(run(tmp_path, "demo", "--no-serve", "--db", str(target)))
        assert "another coopledger demo is using" in line
    finally:
        os.close(held)


def test_a_demo_on_a_busy_port_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        target = tmp_path / "demo.db"
        line = one_line_error(run(tmp_path, "demo", "--db", str(target), "--port", str(port)))
        assert f"port {port}" in line and "--port" in line
        assert not target.exists()


@pytest.fixture
def old_schema(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    assert run(tmp_path, "--db", str(path), "db", "upgrade", "0005").exit_code == 0
    return path


def test_a_database_at_an_old_revision_is_named_with_the_command_to_run(
    tmp_path: Path, old_schema: Path
) -> None:
    for args in (("db", "check"), ("serve", "--port", "1"), ("audit", "verify", "x")):
        line = one_line_error(run(tmp_path, "--db", str(old_schema), *args))
        assert "revision 0005" in line, (args, line)
        # the command to run names the same books the user named
        assert f"`coopledger --db {shlex.quote(str(old_schema))} db upgrade`" in line, line
    line = one_line_error(run(tmp_path, "db", "check", COOPLEDGER_DATABASE_URL=str(old_schema)))
    assert "`coopledger db upgrade`" in line  # named by the setting: the plain command reaches it


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://user:secret@db.example/books", "postgresql+psycopg://db.example/books"),
        ("mysql://root@localhost/books", "unsupported database URL scheme 'mysql://'"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "cannot use the database"),
        ("sqlite:///{tmp}/missing/folder/books.db", "no coopledger database at"),
        ("{tmp}/absent.db", "no coopledger database at"),
        (
            "postgresql+psycopg://postgres:secret@127.0.0.1:notaport/books",
            "the port in '127.0.0.1:notaport' is not a number",
        ),
        ("{tmp}", "is a folder, not a SQLite database file"),
    ],
)
def test_an_unusable_database_is_one_line_and_creates_nothing(
    tmp_path: Path, url: str, expected: str
) -> None:
    line = one_line_error(
        run(
            tmp_path,
            "audit",
            "verify",
            "garlic-coop",
            COOPLEDGER_DATABASE_URL=url.format(tmp=tmp_path),
        )
    )
    assert expected in line and "secret" not in line
    assert list(tmp_path.iterdir()) == []  # no file, no folder, no instance made


def test_a_file_without_the_schema_says_to_upgrade(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    line = one_line_error(run(tmp_path, "--db", str(empty), "orgs", "list"))
    assert line == (
        f"error: no coopledger schema in sqlite:///{empty}; "
        f"run `coopledger --db {shlex.quote(str(empty))} db upgrade`"
    )


def test_a_folder_that_does_not_exist_is_named_and_not_made(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "folder" / "books.db"
    line = one_line_error(run(tmp_path, "--db", str(target), "db", "upgrade"))
    assert f"the folder {target.parent} does not exist" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("COOPLEDGER_PROXY_HOPS", "many", "COOPLEDGER_PROXY_HOPS must be a whole number"),
        ("COOPLEDGER_TOKEN_TTL_HOURS", "soon", "COOPLEDGER_TOKEN_TTL_HOURS must be a whole"),
        ("COOPLEDGER_PDF_CACHE_MB", "-1", "COOPLEDGER_PDF_CACHE_MB must be a whole number"),
        ("COOPLEDGER_PUBLIC_URL", "ftp://books", "COOPLEDGER_PUBLIC_URL must be the http(s)"),
        ("COOPLEDGER_REDIS_URL", "localhost:6379", "cannot use the Redis URL 'localhost:6379'"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named_in_one_line(
    tmp_path: Path, setting: str, value: str, expected: str
) -> None:
    command = ("worker", "--burst") if setting == "COOPLEDGER_REDIS_URL" else ("orgs", "list")
    line = one_line_error(run(tmp_path, *command, **{setting: value}))
    assert line.startswith(f"error: {expected}"), line
    assert "ValueError" not in line and "--debug" not in line  # said as a setting, not a bug
    assert list(tmp_path.iterdir()) == []


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL at 127.0.0.1:5432")
def test_a_postgresql_database_that_does_not_exist_says_to_create_it(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/coopledger_never_created"
    line = one_line_error(run(tmp_path, "--db", url, "db", "upgrade"))
    assert line == (
        "error: the PostgreSQL database 'coopledger_never_created' does not exist: create it "
        "first (createdb coopledger_never_created; coopledger makes the schema in it, not the "
        "database)"
    )


def _without_write_permission() -> list[str]:
    """How to run a command that file permissions bind: as it is, or for root (whom they do not
    bind) under setpriv without the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    prefix = [setpriv or "setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    if setpriv is None or subprocess.run([*prefix, "true"], check=False).returncode != 0:
        pytest.skip("root, and setpriv cannot drop the capabilities that override permissions")
    return prefix


def test_a_read_only_database_and_folder_are_named_in_one_line(tmp_path: Path) -> None:
    prefix = _without_write_permission()
    folder = tmp_path / "read-only"
    folder.mkdir()
    books = folder / "books.db"
    assert run(tmp_path, "--db", str(books), "db", "upgrade").exit_code == 0
    for leftover in folder.glob("books.db-*"):
        leftover.unlink()
    before = books.read_bytes()
    books.chmod(0o444)
    folder.chmod(0o555)
    env = {**os.environ, "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("COOPLEDGER_DATABASE_URL", None)
    env.pop("COOPLEDGER_DEBUG", None)
    try:
        lines = {}
        for name, args in (
            ("open", ("--db", str(books), "orgs", "list")),
            ("create", ("--db", str(folder / "new.db"), "db", "upgrade")),
        ):
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "coopledger.cli", *args],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
            (lines[name],) = done.stderr.splitlines()
        assert sorted(p.name for p in folder.iterdir()) == ["books.db"]
        assert books.read_bytes() == before
    finally:
        folder.chmod(0o755)
        books.chmod(0o644)
    assert lines["open"] == (
        f"error: the SQLite database {books} is read-only for this user: give it write access to "
        f"the file and to its folder {folder} (SQLite writes its journal there)"
    )
    assert lines["create"].startswith(
        f"error: cannot open the SQLite database {folder / 'new.db'}: this user may not read it or "
        f"write to its folder {folder}"
    )


def test_failures_of_the_queue_the_folder_and_the_migrations(
    tmp_path: Path, demo_folder: Path
) -> None:
    nowhere = "redis://127.0.0.1:1/0"
    line = one_line_error(run(demo_folder, "worker", "--burst", "--url", nowhere))
    assert line.startswith("error: cannot reach Redis")
    result = run(
        demo_folder, "statements", "garlic-coop", "--year", "2000", "--queue",
        "--out", str(tmp_path / "out"), COOPLEDGER_REDIS_URL=nowhere,
    )  # fmt: skip
    assert "Redis at redis://127.0.0.1:1/0" in result.output  # it says where it connects
    assert one_line_error(result).startswith("error: cannot reach Redis")
    assert not (tmp_path / "out").exists()  # no batch folder left behind
    unknown = (
        "statements", "nowhere", "--year", "2025", "--out", str(tmp_path / "o2"),
        "--base-url", "http://127.0.0.1:8000/",
    )  # fmt: skip
    line = one_line_error(run(demo_folder, *unknown))
    assert "nowhere" in line and not (tmp_path / "o2").exists()
    a_file = tmp_path / "plain"
    a_file.write_text("")
    line = one_line_error(
        run(demo_folder, "export", "garlic-coop", "--out", str(a_file / "tb.csv"))
    )
    assert str(a_file / "tb.csv") in line
    line = one_line_error(run(tmp_path, "--db", str(tmp_path / "x.db"), "db", "upgrade", "zzz"))
    assert "zzz" in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "--debug", "worker", "--burst", "--url", "redis://127.0.0.1:1/0")
    assert result.exit_code != 0 and result.exception is not None
    assert "redis" in type(result.exception).__module__


@pytest.mark.parametrize("schema", ["none", "old"])
def test_the_server_on_a_database_without_schema_says_so_not_busy(
    tmp_path: Path, schema: str
) -> None:
    from coopledger.config import Settings
    from coopledger.web.app import create_app

    books = tmp_path / "books.db"
    if schema == "none":
        sqlite3.connect(books).close()
    else:  # its tables are there, a column that signing in reads is not (added in 0012)
        assert run(tmp_path, "--db", str(books), "db", "upgrade", "0011").exit_code == 0
    settings = Settings(f"sqlite:///{books}", tmp_path, "test-secret", testing=True)
    client = create_app(settings).test_client()
    answer = client.post("/api/v1/auth/tokens", json={"username": "a", "password": "b" * 12})
    assert answer.status_code == 503 and answer.json is not None
    assert answer.json["code"] == "schema_not_current"
    assert "db upgrade" in answer.json["detail"] and "busy" not in answer.json["detail"]

    form = client.get("/login").get_data(as_text=True)  # the login form, as a browser sends it
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token is not None
    page = client.post(
        "/login",
        data={"username": "a", "password": "b" * 12, "csrf_token": token[1]},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "coopledger db upgrade" in page.get_data(as_text=True)


def test_serve_on_a_port_in_use_is_one_line(demo_folder: Path) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        line = one_line_error(run(demo_folder, "serve", "--port", str(port)))
    assert line == (
        f"error: port {port} on 127.0.0.1: it is in use (another demo or server?); stop that, "
        "or choose another with --port"
    )

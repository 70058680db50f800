"""The first hour at the command line: the demo never destroys books it did not make, every
command reaches the demo's books, and every operational failure is one line with a non-zero exit
— no traceback, nothing created or changed."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
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
    (statements,) = [ln for ln in result.output.splitlines() if " statements " in ln]
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
        assert "revision 0005" in line and "coopledger db upgrade" in line, (args, line)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://user:secret@db.example/books", "postgresql+psycopg://db.example/books"),
        ("mysql://root@localhost/books", "unsupported database URL scheme 'mysql://'"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "cannot use the database"),
        ("sqlite:///{tmp}/missing/folder/books.db", "no coopledger database at"),
        ("{tmp}/absent.db", "no coopledger database at"),
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
    assert line == f"error: no coopledger schema in sqlite:///{empty}; run `coopledger db upgrade`"


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

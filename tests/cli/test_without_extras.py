"""A plain `pip install .` (no `[postgres]`, no `[queue]`) runs the SQLite books, the command line
and the web application; the extras' commands say which extra to install, in one line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

# Run in a fresh interpreter where psycopg, redis and rq cannot be imported, as after a plain
# install: the commands and the app are imported and used there, and their answers printed.
SCRIPT = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class NotInstalled(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in ("psycopg", "psycopg_binary", "redis", "rq"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    from click.testing import CliRunner
    from coopledger.cli import main
    from coopledger.config import Settings
    from coopledger.web.app import create_app

    folder = sys.argv[1]
    env = {"COOPLEDGER_INSTANCE_PATH": folder, "COOPLEDGER_DATABASE_URL": "",
           "COOPLEDGER_REDIS_URL": "", "COOPLEDGER_DEBUG": ""}
    answers = {}
    for name, args in {
        "upgrade": ["db", "upgrade"],
        "create": ["orgs", "create", "mine", "--name", "我的合作社", "--kind", "cooperative"],
        "list": ["orgs", "list"],
        "verify": ["audit", "verify", "mine"],
        "postgres": ["--db", "postgresql://postgres@127.0.0.1:5432/books", "orgs", "list"],
        "worker": ["worker", "--burst"],
    }.items():
        result = CliRunner().invoke(main, args, env=env)
        answers[name] = [result.exit_code, result.output]
    settings = Settings.from_env({"COOPLEDGER_INSTANCE_PATH": folder})
    page = create_app(settings.with_secret()).test_client().get("/login")
    answers["login page"] = [page.status_code, ""]
    answers["loaded"] = [0, " ".join(sorted(
        m for m in ("psycopg", "redis", "rq") if m in sys.modules))]
    print(json.dumps(answers))
    """
)


def test_the_sqlite_books_need_neither_extra(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(done.stdout.splitlines()[-1])
    for name in ("upgrade", "create", "list", "verify"):
        assert answers[name][0] == 0, (name, answers[name])
    assert "mine" in answers["list"][1]
    assert answers["login page"][0] == 200
    assert answers["loaded"][1] == ""
    assert answers["postgres"] == [
        1,
        "error: PostgreSQL needs its driver: pip install 'coopledger[postgres]'\n",
    ]
    code, said = answers["worker"]
    assert code == 1 and said.splitlines()[-1] == (
        "error: the job queue needs Redis's client: pip install 'coopledger[queue]'"
    )

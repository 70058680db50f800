"""The names a voucher print signs with, set at the command line: a user's full name
(``coopledger users name``) and an organization's 会计主管 (``coopledger orgs chief-accountant``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.engine import make_engine
from coopledger.cli import main


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, input=stdin)
    return result.exit_code, result.output


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {
        "COOPLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'books.db'}",
        "COOPLEDGER_INSTANCE_PATH": str(tmp_path),
    }
    assert run(env, "db", "upgrade")[0] == 0
    code, out = run(
        env, "orgs", "create", "garlic", "--name", "绿源大蒜合作社", "--kind", "cooperative"
    )
    assert code == 0, out
    code, out = run(
        env,
        "users",
        "create",
        "lihua",
        "--role",
        "accountant",
        "--org",
        "garlic",
        "--password-stdin",
        stdin="a long password 1\n",
    )
    assert code == 0, out
    return env


def stored(env: dict[str, str], sql: str) -> object:
    engine = make_engine(env["COOPLEDGER_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


def test_a_users_full_name_is_set_and_cleared(env: dict[str, str]) -> None:
    code, out = run(env, "users", "name", "lihua", "李华")
    assert code == 0, out
    assert "李华" in out
    assert stored(env, "SELECT full_name FROM app_user WHERE username = 'lihua'") == "李华"
    code, out = run(env, "users", "name", "lihua", "")
    assert code == 0, out
    assert stored(env, "SELECT full_name FROM app_user WHERE username = 'lihua'") is None


def test_a_user_is_created_with_a_full_name(env: dict[str, str]) -> None:
    code, out = run(
        env,
        "users",
        "create",
        "wang",
        "--role",
        "reviewer",
        "--org",
        "garlic",
        "--full-name",
        "王芳",
        "--password-stdin",
        stdin="a long password 2\n",
    )
    assert code == 0, out
    assert stored(env, "SELECT full_name FROM app_user WHERE username = 'wang'") == "王芳"


def test_an_unknown_user_is_refused(env: dict[str, str]) -> None:
    code, out = run(env, "users", "name", "nobody", "某人")
    assert code != 0
    assert "nobody" in out


def test_the_chief_accountant_is_named(env: dict[str, str]) -> None:
    code, out = run(env, "orgs", "chief-accountant", "garlic", "王主管")
    assert code == 0, out
    assert "王主管" in out
    assert (
        stored(env, "SELECT chief_accountant FROM organization WHERE code = 'garlic'") == "王主管"
    )
    code, out = run(env, "orgs", "chief-accountant", "nowhere", "王主管")
    assert code != 0 and "nowhere" in out

"""The operator's user administration at the command line: list, create (with regions), disable,
set a password; organizations listed; a missing terminal explained instead of a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coopledger.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {
        "COOPLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'books.db'}",
        "COOPLEDGER_INSTANCE_PATH": str(tmp_path),
    }
    assert run(env, "db", "upgrade")[0] == 0
    code, out = run(
        env,
        "orgs",
        "create",
        "garlic",
        "--name",
        "绿源大蒜合作社",
        "--kind",
        "cooperative",
        "--region",
        "山东省/济南市/商河县",
    )
    assert code == 0, out
    return env


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, input=stdin)
    return result.exit_code, result.output


def create(env: dict[str, str], name: str, *extra: str, password: str = "a long password 1") -> str:
    code, out = run(env, "users", "create", name, *extra, "--password-stdin", stdin=password + "\n")
    assert code == 0, out
    return out


def test_orgs_list(env: dict[str, str]) -> None:
    code, out = run(env, "orgs", "list")
    assert code == 0
    assert out.splitlines() == [
        "garlic\tcooperative\tcooperative-2021\t绿源大蒜合作社\t山东省/济南市/商河县"
    ]


def test_users_list_shows_role_orgs_regions_active_and_locked(env: dict[str, str]) -> None:
    create(env, "lihua", "--role", "accountant", "--org", "garlic")
    create(env, "boss", "--role", "admin")
    create(env, "county", "--role", "auditor", "--region", "山东省/济南市/商河县")
    code, out = run(env, "users", "list")
    assert code == 0
    assert out.splitlines() == [  # one column each, tab-separated
        "username\trole\torgs\tregions\tactive\tlocked",
        "boss\tadmin\t-\t-\tyes\tno",
        "county\tauditor\tgarlic\t山东省/济南市/商河县\tyes\tno",
        "lihua\taccountant\tgarlic\t-\tyes\tno",
    ]


def test_users_create_with_a_region(env: dict[str, str]) -> None:
    out = create(env, "county-aud", "--role", "auditor", "--region", "山东省/济南市/商河县")
    assert "county-aud (auditor) on garlic (regions 山东省/济南市/商河县)" in out
    code, out = run(
        env,
        "users",
        "create",
        "lost",
        "--role",
        "auditor",
        "--region",
        "山东省/青岛市",
        "--password-stdin",
        stdin="a long password 1\n",
    )
    assert code == 1 and "regions: unknown region" in out


def test_users_regions_replaces_a_users_regions(env: dict[str, str]) -> None:
    create(env, "county-aud", "--role", "auditor", "--region", "山东省/济南市/商河县")
    code, out = run(env, "users", "regions", "county-aud", "山东省/济南市")
    assert code == 0 and "county-aud covers 山东省/济南市" in out, out
    code, out = run(env, "users", "regions", "county-aud", "山东省/青岛市")
    assert code == 1 and "regions: unknown region" in out
    assert "山东省/济南市\t" in run(env, "users", "list")[1]  # unchanged by the refusal


def test_users_create_refuses_a_second_name_in_another_case_and_a_weak_password(
    env: dict[str, str],
) -> None:
    create(env, "lihua", "--role", "accountant", "--org", "garlic")
    code, out = run(
        env, "users", "create", "LiHua", "--role", "admin", "--password-stdin",
        stdin="a long password 1\n",
    )  # fmt: skip
    assert code == 1 and "exists" in out
    code, out = run(
        env, "users", "create", "wang", "--role", "admin", "--password-stdin",
        stdin="wang-password\n",
    )  # fmt: skip
    assert code == 1 and "password: must not contain the username" in out


def test_users_disable_and_enable(env: dict[str, str]) -> None:
    create(env, "lihua", "--role", "accountant", "--org", "garlic")
    code, out = run(env, "users", "disable", "lihua")
    assert code == 0 and "disabled lihua" in out
    assert "lihua\taccountant\tgarlic\t-\tno\tno" in run(env, "users", "list")[1]
    assert run(env, "users", "enable", "lihua")[0] == 0
    assert "lihua\taccountant\tgarlic\t-\tyes\tno" in run(env, "users", "list")[1]
    code, out = run(env, "users", "disable", "nobody")
    assert code == 1 and "error: user 'nobody' not found" in out


def test_users_password_from_stdin_and_twice_at_a_terminal(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    create(env, "lihua", "--role", "accountant", "--org", "garlic")
    code, out = run(
        env, "users", "password", "lihua", "--password-stdin", stdin="another phrase 2\n"
    )
    assert code == 0 and "password of lihua changed" in out
    code, out = run(env, "users", "password", "lihua", "--password-stdin", stdin="short\n")
    assert code == 1 and "password: at least 10 characters" in out
    monkeypatch.setattr("coopledger.cli.users._terminal", lambda: True)
    code, out = run(env, "users", "password", "lihua", stdin="third phrase 3\nthird phrase 3\n")
    assert code == 0 and "password of lihua changed" in out
    code, out = run(env, "users", "password", "lihua", stdin="third phrase 3\nanother one 4\n")
    assert code == 1 and "do not match" in out


def test_without_a_terminal_the_password_must_come_from_stdin(env: dict[str, str]) -> None:
    for args in (
        ("users", "create", "lihua", "--role", "accountant", "--org", "garlic"),
        ("users", "password", "lihua"),
    ):
        result = CliRunner().invoke(main, list(args), env=env)
        assert result.exit_code == 2, result.output
        assert "no terminal to ask for a password; pass --password-stdin" in result.output
        assert "Warning" not in result.output
    assert "lihua" not in run(env, "users", "list")[1]

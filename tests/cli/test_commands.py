"""The command line on a real SQLite file: upgrade, organizations, users, errors that exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coopledger.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "COOPLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'books.db'}",
        "COOPLEDGER_INSTANCE_PATH": str(tmp_path),
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, input=stdin)
    return result.exit_code, result.output


def test_upgrade_create_and_verify(env: dict[str, str]) -> None:
    code, out = run(env, "db", "upgrade")
    assert code == 0 and "head" in out
    code, out = run(env, "db", "check")
    assert code == 0
    code, out = run(
        env, "orgs", "create", "garlic", "--name", "绿源大蒜合作社", "--kind", "cooperative"
    )
    assert code == 0 and "cooperative-2021" in out
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
        stdin="a long password\n",
    )
    assert code == 0 and "lihua (accountant) on garlic" in out, out
    code, out = run(
        env,
        "users",
        "create",
        "hh-001",
        "--role",
        "household",
        "--member",
        "garlic/1",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert code == 1 and "member" in out
    code, out = run(env, "audit", "verify", "garlic")
    assert code == 0 and "vouchers: 0 posted, chain intact" in out and "audit log: 1 events" in out


def test_refusals_name_the_field_and_exit_1(env: dict[str, str]) -> None:
    run(env, "db", "upgrade")
    code, out = run(env, "orgs", "create", "Bad Code", "--name", "x", "--kind", "cooperative")
    assert code == 1 and "code:" in out
    code, out = run(
        env,
        "orgs",
        "create",
        "vill",
        "--name",
        "x",
        "--kind",
        "cooperative",
        "--chart",
        "village-2023",
    )
    assert code == 1 and "chart" in out
    code, out = run(
        env, "users", "create", "shorty", "--role", "admin", "--password-stdin", stdin="short\n"
    )
    assert code == 1 and "password: at least 10 characters" in out


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["db"],
        ["db", "upgrade"],
        ["users", "create"],
        ["serve"],
        ["audit", "verify"],
        ["demo"],
        ["bench", "ledger"],
        ["orgs", "create"],
        ["depreciate"],
        ["distribute"],
        ["bench", "registers"],
        ["bench", "distribution"],
        ["statements"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output

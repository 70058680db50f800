"""`coopledger subsidies …` at the command line: the policies, a preview, a bad county file
refused in one line with exit 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.cli import main
from tests.conftest import Books


@pytest.fixture
def cli(connection: Any, sessions: Any) -> Any:
    class TestBooks(CliBooks):
        def __init__(self) -> None:
            self.engine = connection.engine

        def uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args), obj=TestBooks())
        return result.exit_code, result.output

    return run


def test_policies_compute_and_a_refused_file(books: Books, cli: Any, tmp_path: Path) -> None:
    made = books.post(
        "acc", "/api/v1/orgs/coop/accounts", {"code": "11401", "name": "加工费", "parent": "114"}
    )
    assert made.status_code == 201
    books.posted(
        date="2026-02-10",
        memo="加工费",
        lines=[
            {"account": "401", "debit": "50000.00"},
            {"account": "11401", "member": "1", "credit": "50000.00"},
        ],
    )
    folder = tmp_path / "policies"
    folder.mkdir()
    code, out = cli("subsidies", "policies", "--policies", str(folder))
    assert code == 0 and "city-processing-income" in out and "tourism-toilet-kitchen" in out
    code, out = cli(
        "subsidies", "compute", "coop", "city-processing-income", "2026", "--policies", str(folder)
    )
    assert code == 0, out
    assert "1 qualifying households, total 4000.00" in out
    (folder / "bad.toml").write_text('name = "x"\nwho = "poor"\n', "utf-8")
    code, out = cli("subsidies", "policies", "--policies", str(folder))
    assert code == 1 and "bad.toml:2: who: unknown field" in out
    code, out = cli(
        "subsidies",
        "claim",
        "coop",
        "city-processing-income",
        "2026",
        "--user",
        "acc",
        "--policies",
        str(tmp_path / "none"),
    )
    assert code == 1 and "is not closed" in out

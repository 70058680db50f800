"""`coopledger contracts list|add|charge|arrears` at the command line."""

from __future__ import annotations

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


def test_add_charge_and_arrears(books: Books, cli: Any) -> None:
    add = ("contracts", "add", "village", "CB-9", "--member", "2", "--subject", "果园")
    code, out = cli(
        *add, "--area", "8", "--from", "2026-01-01", "--to", "2027-12-31", "--fee", "1200.00",
        "--due", "03-01", "--user", "acc",
    )  # fmt: skip
    assert code == 0, out
    assert "village CB-9: 李建国, 2 instalments, 2400.00 in all" in out
    code, out = cli(*add, "--area", "0", "--from", "2026-01-01", "--to", "2027-12-31",
                    "--fee", "1.00", "--user", "acc")  # fmt: skip
    assert code == 1 and out.startswith("error: ") and "area: must be more than zero" in out
    code, out = cli("contracts", "charge", "village", "--date", "2026-03-31", "--user", "acc")
    assert code == 0 and "1 instalments charged, 1200.00, draft voucher" in out
    code, out = cli("contracts", "charge", "village", "--date", "2026-03-31", "--user", "acc")
    assert code == 0 and "nothing due by 2026-03-31" in out
    code, out = cli("contracts", "arrears", "village", "--on", "2026-04-01")
    assert code == 1 and "CB-9\t李建国\t2" in out and "overdue 1200.00 since 2026-03-01" in out
    code, out = cli("contracts", "list", "village", "--on", "2026-02-01")
    assert code == 0 and "1 contracts on 2026-02-01" in out and "overdue 0.00" in out
    code, out = cli("contracts", "charge", "coop", "--date", "2026-03-31", "--user", "acc")
    assert code == 1 and "no account for contract fees" in out

"""`coopledger bank import` and `bank reconcile` at the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.cli import main
from tests.builders import post
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


def test_import_and_reconcile(books: Books, cli: Any, tmp_path: Path) -> None:
    post(books, "2026-03-02", ("102", "debit", "800.00", None), ("301", "credit", "800.00", "1"))
    post(books, "2026-03-05", ("521", "debit", "300.00", None), ("102", "credit", "300.00", None))
    path = tmp_path / "march.csv"
    path.write_text("日期,借方,贷方,余额,摘要\n2026-03-03,,800.00,800.00,股金\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,amount\n2026-03-03,8OO.00\n", encoding="utf-8")
    code, out = cli("bank", "import", "coop", str(bad), "--month", "2026-03", "--user", "acc")
    assert code == 1 and "rows.2.amount" in out
    code, out = cli("bank", "import", "coop", str(path), "--month", "2026-03", "--user", "acc")
    assert code == 0 and "1 lines imported, opening 0.00, closing 800.00" in out
    code, out = cli("bank", "reconcile", "coop", "--month", "2026-03", "--accept", "--user", "acc")
    assert code == 0, out
    assert "1 suggested matches accepted" in out
    assert "企业已付银行未付:\n  2026-03-05         300.00" in out
    assert out.count("= 调节后余额                    500.00") == 2
    code, out = cli("bank", "reconcile", "coop", "--month", "2026-04")
    assert code == 1 and "no bank statement of 102 for 2026-04" in out

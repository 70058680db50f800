"""`coopledger shop import` and `shop months` at the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.cli import main
from tests.builders import review_and_post
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


def test_import_and_months(books: Books, cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "taobao-2025-05.csv"
    path.write_text(
        "date,type,order,amount,memo,balance\n"
        "2025-05-03,order,TB1,1200.00,锡壶,1200.00\n"
        "2025-05-03,fee,TB1,-24.00,技术服务费,1176.00\n",
        encoding="utf-8-sig",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("date,type,order,amount\n2025-05-03,order,TB1,12OO\n", encoding="utf-8")
    code, out = cli("shop", "import", "coop", str(bad), "--user", "acc")
    assert code == 1 and "rows.2.amount" in out
    code, out = cli("shop", "import", "coop", str(path), "--user", "acc")
    assert code == 0 and "coop 10901: 2 lines imported, 1 voucher drafts" in out, out
    code, out = cli("shop", "months", "coop")
    assert code == 1 and "DIFFERS -1176.00" in out  # the draft is not posted yet
    [voucher] = books.get("acc", "/api/v1/orgs/coop/shop-settlements").json["months"][:1]
    assert voucher["drafts"] == 1
    drafts = books.get("acc", "/api/v1/orgs/coop/vouchers?status=draft").json["items"]
    review_and_post(books, drafts[0]["id"])
    code, out = cli("shop", "months", "coop")
    assert code == 0 and "2025-05" in out and " ok" in out, out
    code, out = cli("shop", "import", "coop", str(path), "--user", "acc")
    assert code == 1 and "taobao-2025-05.csv was imported already" in out

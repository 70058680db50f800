"""`coopledger import`, `export`, `backup` and `restore` at the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.cli import main

VOUCHERS = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "V1,2026-03-10,收到股金,102,,,1000.00,,,\n"
    "V1,2026-03-10,收到股金,301,1,,,1000.00,,\n"
)


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


def test_template_dry_run_import_and_export(world: Any, cli: Any, tmp_path: Path) -> None:
    template = tmp_path / "vouchers.xlsx"
    code, out = cli("import", "--template", "vouchers", "--out", str(template))
    assert code == 0 and template.read_bytes()[:2] == b"PK"
    path = tmp_path / "v.csv"
    path.write_text(VOUCHERS.replace("1000.00,,,\nV1", "1000.001,,,\nV1"), encoding="gb18030")
    code, out = cli("import", "coop", "vouchers", str(path), "--dry-run", "--user", "acc")
    assert code == 1 and "row 2, column debit (voucher V1): at most two decimals" in out
    path.write_text(VOUCHERS, encoding="utf-8-sig")
    code, out = cli("import", "coop", "vouchers", str(path), "--dry-run", "--user", "acc")
    assert code == 0 and "would import 1" in out and "nothing written" in out
    code, out = cli("import", "coop", "vouchers", str(path), "--post", "--user", "admin")
    assert code == 0 and "voucher V1: id" in out and "记-2026-03-0001" in out
    code, out = cli("import", "coop", "vouchers", str(path), "--user", "admin")
    assert code == 0 and "imported 0, 1 imported before" in out
    code, out = cli("import", "coop", "opening-balances", str(path), "--user", "acc")
    assert code == 1 and "need the date" in out
    target = tmp_path / "tb.csv"
    code, out = cli(
        "export", "coop", "--what", "trial-balance", "--year", "2026", "--out", str(target)
    )
    assert code == 0 and "1000.00" in target.read_text(encoding="utf-8-sig")
    code, out = cli(
        "export", "coop", "--format", "beancount", "--out", str(tmp_path / "l.beancount")
    )
    assert code == 0 and "1 rows of the ledger" in out


def test_backup_and_restore_on_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOPLEDGER_INSTANCE_PATH", str(tmp_path))
    source = f"sqlite:///{tmp_path / 'a.db'}"
    runner = CliRunner()
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", source)
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        main, ["orgs", "create", "coop", "--name", "合作社", "--kind", "cooperative"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["backup", "--out", str(tmp_path / "a.backup")])
    assert result.exit_code == 0 and "rows written" in result.output
    monkeypatch.setenv("COOPLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    result = runner.invoke(main, ["restore", str(tmp_path / "a.backup")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["restore", str(tmp_path / "a.backup")])
    assert result.exit_code == 1 and "holds data" in result.output
    result = runner.invoke(main, ["audit", "verify", "coop"])
    assert result.exit_code == 0 and "chain intact" in result.output

"""Shared by the audit tests: guards off inside the test transaction, the CLI on the test books."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.config import Settings
from tests.conftest import is_pg

ORG = "/api/v1/orgs/coop"


def guards_off(connection: Any) -> None:
    """Disable the append-only triggers (as a superuser would); the test's rollback restores them."""
    if is_pg():
        for table in ("voucher_line", "voucher", "audit_log"):
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    for name in (
        "voucher_line_posted_update",
        "voucher_line_posted_move",
        "voucher_line_posted_delete",
        "voucher_posted_update",
        "voucher_posted_delete",
        "audit_log_no_update",
        "audit_log_no_delete",
    ):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def cli_books(connection: Any, sessions: Any, tmp_path: Path) -> CliBooks:
    class TestBooks(CliBooks):
        def __init__(self) -> None:
            self.engine = connection.engine
            self.settings = Settings(
                database_url="unused", instance_path=tmp_path, secret_key="test-secret"
            )

        def uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

    return TestBooks()

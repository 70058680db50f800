"""A posted line moved to another household behind the application's back (guards dropped, raw
SQL) leaves every balance of every account as it was, yet the chain names the voucher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import text

from coopledger.cli import main
from tests.audit.helpers import ORG, cli_books, guards_off
from tests.conftest import Books


def test_a_line_moved_to_another_member_fails_verify_naming_the_voucher(
    books: Books, connection: Any, sessions: Any, tmp_path: Path
) -> None:
    books.posted(date="2026-03-01")
    victim = books.posted(date="2026-03-02")  # 301 credit for member 1
    books.posted(date="2026-03-03")
    obj = cli_books(connection, sessions, tmp_path)
    clean = CliRunner().invoke(main, ["audit", "verify", "coop"], obj=obj)
    assert clean.exit_code == 0, clean.output
    guards_off(connection)
    moved = connection.execute(
        text(
            "UPDATE voucher_line SET member_id = (SELECT m.id FROM member m JOIN organization o "
            "ON o.id = m.org_id WHERE o.code = 'coop' AND m.member_no = '2') "
            "WHERE voucher_id = :v AND member_id IS NOT NULL"
        ),
        {"v": victim["id"]},
    )
    assert moved.rowcount == 1
    tb = books.get("aud", f"{ORG}/reports/trial-balance?from=2026-01-01&to=2026-12-31")
    assert tb.json["balanced"] is True  # the accounts cannot tell
    caught = CliRunner().invoke(main, ["audit", "verify", "coop", "--full"], obj=obj)
    assert caught.exit_code == 1, caught.output
    assert victim["number"] in caught.output, caught.output
    chain = books.get("aud", f"{ORG}/audit/chain").json
    assert chain["ok"] is False and chain["first_bad_voucher"] == victim["id"]
    assert chain["first_bad_number"] == victim["number"]

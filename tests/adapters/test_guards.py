"""The database itself refuses to change posted vouchers; a tampered ledger is caught by verify."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from coopledger.services import chain_check
from tests.builders import drop_guards, refused
from tests.conftest import Books, is_pg

ORG = "/api/v1/orgs/coop"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE voucher_line SET amount_fen = amount_fen + 1 WHERE voucher_id = {id}",
        "DELETE FROM voucher_line WHERE voucher_id = {id}",
        "INSERT INTO voucher_line (voucher_id, org_id, line_no, account_id, side, amount_fen, memo) "
        "SELECT voucher_id, org_id, 99, account_id, side, amount_fen, memo FROM voucher_line WHERE voucher_id = {id} AND line_no = 1",
        "UPDATE voucher SET memo = 'changed' WHERE id = {id}",
        "UPDATE voucher SET status = 'draft' WHERE id = {id}",
        "DELETE FROM voucher WHERE id = {id}",
    ],
)
def test_posted_rows_are_refused_by_the_database(books: Books, connection: Any, sql: str) -> None:
    v = books.posted()
    assert refused(connection, sql.format(id=v["id"]))
    assert books.get("aud", f"{ORG}/vouchers/{v['id']}").json == v


_LINE = "id, voucher_id, org_id, line_no, account_id, side, amount_fen, memo"


def _replace(table: str, columns: str, select: str, update: str) -> str:
    """An insert that takes over an existing row: SQLite's INSERT OR REPLACE (which deletes the
    row in the way without firing delete triggers), PostgreSQL's ON CONFLICT DO UPDATE."""
    if is_pg():
        return f"INSERT INTO {table} ({columns}) {select} ON CONFLICT (id) DO UPDATE SET {update}"
    return f"INSERT OR REPLACE INTO {table} ({columns}) {select}"


def test_a_line_cannot_be_moved_into_a_posted_voucher(books: Books, connection: Any) -> None:
    posted = books.posted()
    draft = books.voucher()
    moved = (
        f"UPDATE voucher_line SET voucher_id = {posted['id']}, line_no = line_no + 90 "
        f"WHERE voucher_id = {draft['id']}"
    )
    assert refused(connection, moved)
    out = f"UPDATE voucher_line SET voucher_id = {draft['id']}, line_no = line_no + 90 WHERE voucher_id = {posted['id']}"
    assert refused(connection, out)
    assert books.get("aud", f"{ORG}/vouchers/{posted['id']}").json == posted
    assert not refused(  # a draft's line may still move to another draft
        connection,
        f"UPDATE voucher_line SET voucher_id = {books.voucher()['id']}, line_no = line_no + 90 "
        f"WHERE voucher_id = {draft['id']}",
    )


@pytest.mark.parametrize(
    "sql",
    [
        # a posted line taken over by a line of a draft, the same id
        _replace(
            "voucher_line",
            _LINE,
            "SELECT id, {draft}, org_id, line_no + 90, account_id, side, amount_fen + 1, memo "
            "FROM voucher_line WHERE voucher_id = {id} AND line_no = 1",
            "amount_fen = EXCLUDED.amount_fen",
        ),
        # the same line, rewritten in place
        _replace(
            "voucher_line",
            _LINE,
            "SELECT id, voucher_id, org_id, line_no, account_id, side, amount_fen, 'changed' "
            "FROM voucher_line WHERE voucher_id = {id} AND line_no = 1",
            "memo = EXCLUDED.memo",
        ),
        # a posted voucher taken over by a draft of the same id
        _replace(
            "voucher",
            "id, org_id, status, kind, booked_on, year, month, memo, attachments, prepared_by, "
            "created_at",
            "SELECT id, org_id, 'draft', kind, booked_on, year, month, 'changed', attachments, "
            "prepared_by, created_at FROM voucher WHERE id = {id}",
            "memo = EXCLUDED.memo",
        ),
    ],
)
def test_an_insert_cannot_replace_a_posted_row(books: Books, connection: Any, sql: str) -> None:
    v = books.posted()
    draft = books.voucher()
    assert refused(connection, sql.format(id=v["id"], draft=draft["id"]))
    assert books.get("aud", f"{ORG}/vouchers/{v['id']}").json == v


@pytest.mark.skipif(is_pg(), reason="UPDATE OR REPLACE is SQLite's")
def test_an_update_cannot_replace_a_posted_line(books: Books, connection: Any) -> None:
    v = books.posted()
    draft = books.voucher()
    posted_line = connection.execute(
        text(f"SELECT min(id) FROM voucher_line WHERE voucher_id = {v['id']}")
    ).scalar_one()
    assert refused(
        connection,
        f"UPDATE OR REPLACE voucher_line SET id = {posted_line} "
        f"WHERE voucher_id = {draft['id']} AND line_no = 1",
    )
    assert books.get("aud", f"{ORG}/vouchers/{v['id']}").json == v


@pytest.mark.skipif(not is_pg(), reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused(books: Books, connection: Any) -> None:
    books.posted()
    assert refused(connection, "TRUNCATE voucher_line CASCADE")


def test_drafts_stay_editable_in_the_database(books: Books, connection: Any) -> None:
    v = books.voucher()
    assert not refused(
        connection, f"UPDATE voucher_line SET memo = 'ok' WHERE voucher_id = {v['id']}"
    )


def test_an_unbalanced_voucher_cannot_be_posted_even_by_sql(books: Books, connection: Any) -> None:
    v = books.voucher()
    connection.execute(
        text(
            f"UPDATE voucher_line SET amount_fen = 99999 WHERE voucher_id = {v['id']} AND line_no = 1"
        )
    )
    assert refused(
        connection,
        f"UPDATE voucher SET status = 'posted', number = 1, chain_seq = 1, hash = 'x' WHERE id = {v['id']}",
    )
    assert refused(
        connection,
        "INSERT INTO voucher (org_id, status, kind, booked_on, year, month, memo, attachments, "
        "prepared_by, created_at) SELECT org_id, 'posted', 'normal', booked_on, year, month, memo, "
        f"attachments, prepared_by, created_at FROM voucher WHERE id = {v['id']}",
    )


def test_a_tampered_line_is_named_by_verify(books: Books, connection: Any, uow: Any) -> None:
    first = books.posted(date="2026-03-01")
    second = books.posted(date="2026-03-02")
    books.posted(date="2026-03-03")
    assert chain_check.verify_org(uow(), "coop").ok
    drop_guards(connection)
    connection.execute(
        text(f"UPDATE voucher_line SET amount_fen = 100001 WHERE voucher_id = {second['id']}")
    )
    report = chain_check.verify_org(uow(), "coop")
    assert not report.ok and report.first_bad_voucher == second["id"]
    assert report.first_bad_number == "记-2026-03-0002" and "content" in (report.reason or "")
    assert first["id"] != report.first_bad_voucher


def test_a_deleted_voucher_breaks_the_chain(books: Books, connection: Any, uow: Any) -> None:
    books.posted(date="2026-03-01")
    second = books.posted(date="2026-03-02")
    third = books.posted(date="2026-03-03")
    drop_guards(connection)
    connection.execute(text(f"DELETE FROM voucher_line WHERE voucher_id = {second['id']}"))
    if not is_pg():
        connection.execute(text("DROP TRIGGER voucher_posted_delete"))
    connection.execute(text(f"DELETE FROM voucher WHERE id = {second['id']}"))
    report = chain_check.verify_org(uow(), "coop")
    assert not report.ok and report.first_bad_voucher == third["id"]


def test_a_rewritten_period_balance_is_caught(books: Books, connection: Any, uow: Any) -> None:
    books.posted()
    connection.execute(text("UPDATE period_balance SET debit_fen = debit_fen + 1"))
    report = chain_check.verify_org(uow(), "coop")
    assert not report.ok and report.balance_mismatches


def test_verify_over_http_reports_the_break(books: Books, connection: Any) -> None:
    v = books.posted()
    drop_guards(connection)
    connection.execute(text(f"UPDATE voucher SET memo = 'rewritten' WHERE id = {v['id']}"))
    chain = books.get("aud", f"{ORG}/audit/chain").json
    assert chain["ok"] is False and chain["first_bad_voucher"] == v["id"]


def test_cli_verify_exits_non_zero_naming_the_voucher(
    books: Books, connection: Any, sessions: Any
) -> None:
    from coopledger.adapters.db.uow import SqlUnitOfWork
    from coopledger.cli import Books as CliBooks
    from coopledger.cli import main

    class TestBooks(CliBooks):
        def __init__(self) -> None:
            self.engine = connection.engine

        def uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

    v = books.posted()
    ok = CliRunner().invoke(main, ["audit", "verify", "coop", "--full"], obj=TestBooks())
    assert ok.exit_code == 0 and "chain intact" in ok.output, ok.output
    drop_guards(connection)
    connection.execute(text(f"UPDATE voucher_line SET amount_fen = 7 WHERE voucher_id = {v['id']}"))
    broken = CliRunner().invoke(main, ["audit", "verify", "coop", "--full"], obj=TestBooks())
    assert broken.exit_code == 1 and v["number"] in broken.output
    missing = CliRunner().invoke(main, ["audit", "verify", "nowhere", "--full"], obj=TestBooks())
    assert missing.exit_code == 1 and "nowhere" in missing.output

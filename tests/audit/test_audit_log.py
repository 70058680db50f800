"""The audit log: every change, login, refusal and export, with
who, when, from where and old → new; append-only in the database; chained per organization."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from coopledger.services import audit_log
from tests.audit.helpers import ORG, cli_books, guards_off
from tests.conftest import PASSWORD, Books, is_pg


def log(books: Books, reader: str = "aud", **query: str) -> list[dict[str, Any]]:
    response = books.get(reader, f"{ORG}/audit/log", query_string={"limit": 500, **query})
    assert response.status_code == 200, response.json
    return response.json["items"]  # type: ignore[no-any-return]


def test_a_voucher_lifecycle_is_logged_with_who_where_and_old_to_new(books: Books) -> None:
    v = books.posted()
    reversal = books.post("acc", f"{ORG}/vouchers/{v['id']}/reverse", {"date": "2026-03-11"})
    assert reversal.status_code == 201, reversal.json
    events = log(books, action="voucher.*", object=str(v["id"]))
    assert [e["action"] for e in events] == ["voucher.create", "voucher.review", "voucher.post"]
    create, review, post = events
    assert create["user"] == "acc" and review["user"] == "rev" and post["user"] == "acc"
    assert create["remote_addr"] == "127.0.0.1" and create["old"] is None
    assert create["new"]["status"] == "draft" and create["new"]["lines"][0][2] == 100000
    assert post["old"]["status"] == "reviewed" and post["new"]["status"] == "posted"
    assert post["new"]["number"] == 1 and post["new"]["hash"] == v["hash"]
    reversed_ = log(books, action="voucher.reverse")
    assert [e["object"] for e in reversed_] == [str(reversal.json["id"])]


def test_edits_and_deletes_of_drafts_keep_the_old_values(books: Books) -> None:
    v = books.voucher(memo="第一稿")
    body = {
        "date": "2026-03-12",
        "memo": "第二稿",
        "attachments": 1,
        "lines": [
            {"account": "102", "debit": "5.00"},
            {"account": "301", "member": "1", "credit": "5.00"},
        ],
    }
    assert books.put("acc", f"{ORG}/vouchers/{v['id']}", body).status_code == 200
    assert books.delete("acc", f"{ORG}/vouchers/{v['id']}").status_code == 204
    update, delete = log(books, object=str(v["id"]), action="voucher.*")[1:]
    assert update["old"]["memo"] == "第一稿" and update["new"]["memo"] == "第二稿"
    assert delete["action"] == "voucher.delete" and delete["old"]["memo"] == "第二稿"
    assert delete["new"] is None


def test_filters_by_user_action_object_and_dates(books: Books) -> None:
    books.posted()
    by_rev = log(books, user="rev")
    assert by_rev and {e["user"] for e in by_rev} == {"rev"}
    assert log(books, user="rev", to="2000-01-01") == []
    assert log(books, user="rev", **{"from": "2000-01-01"}) == by_rev
    assert {e["action"] for e in log(books, action="voucher.post")} == {"voucher.post"}
    bad = books.get("aud", f"{ORG}/audit/log", query_string={"from": "yesterday"})
    assert bad.status_code == 422


def test_member_changes_are_logged_without_id_numbers(books: Books) -> None:
    body = {"member_no": "9", "name": "赵四", "id_number": "11010519491231002X"}
    assert books.post("acc", f"{ORG}/members", body).status_code == 201
    (event,) = log(books, action="member.create", object="9")
    assert event["new"]["name"] == "赵四" and event["new"]["id_number"] == "***"
    assert "11010519491231002X" not in json.dumps(event)


def test_period_close_and_reopen_are_logged(books: Books) -> None:
    assert books.post("acc", f"{ORG}/periods/2026-01/close").status_code == 200
    assert books.post("admin", f"{ORG}/periods/2026-01/reopen").status_code == 200
    actions = [e["action"] for e in log(books, object_type="period")]
    assert actions == ["period.close", "period.reopen"]


@pytest.mark.parametrize(
    ("user", "status"),
    [("acc", 200), ("aud", 200), ("hh1", 403), ("rev", 403), ("cash", 403), ("other-acc", 404)],
)
def test_auditors_admins_and_the_own_accountant_read_the_log(
    books: Books, user: str, status: int
) -> None:
    assert books.get(user, f"{ORG}/audit/log").status_code == status
    assert books.get("admin", f"{ORG}/audit/log").status_code == 200
    assert books.client.get(f"{ORG}/audit/log").status_code == 401


def test_refused_requests_are_logged_in_their_own_transaction(books: Books) -> None:
    v = books.voucher()
    denied = books.post("cash", f"{ORG}/vouchers/{v['id']}/review")
    assert denied.status_code == 403
    hidden = books.get("other-acc", f"{ORG}/vouchers/{v['id']}")
    assert hidden.status_code == 404
    refusals = log(books, action="authz.denied")
    assert [(e["user"], e["detail"]["status"]) for e in refusals] == [
        ("cash", 403),
        ("other-acc", 404),
    ]
    assert refusals[0]["object"] == f"POST {ORG}/vouchers/{v['id']}/review"
    # nothing of the refused request itself was kept
    assert books.get("aud", f"{ORG}/vouchers/{v['id']}").json["status"] == "draft"


def test_logins_and_failed_logins_are_logged(books: Books, connection: Any) -> None:
    ok = books.client.post("/api/v1/auth/tokens", json={"username": "aud", "password": PASSWORD})
    bad = books.client.post("/api/v1/auth/tokens", json={"username": "aud", "password": "x" * 12})
    ghost = books.client.post(
        "/api/v1/auth/tokens", json={"username": "ghost", "password": "x" * 12}
    )
    assert (ok.status_code, bad.status_code, ghost.status_code) == (201, 401, 401)
    rows = connection.execute(
        text(
            "SELECT action, object_key, actor_name, remote_addr FROM audit_log "
            "WHERE chain_key = 0 ORDER BY seq DESC LIMIT 3"
        )
    ).all()
    assert [tuple(r) for r in rows][::-1] == [
        ("auth.login", "aud", "aud", "127.0.0.1"),
        ("auth.failed", "aud", "aud", "127.0.0.1"),
        ("auth.failed", "ghost", "", "127.0.0.1"),
    ]


def refused(connection: Any, sql: str) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(sql))
    except DBAPIError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET actor_name = 'someone else'",
        "UPDATE audit_log SET detail = '{}' WHERE id = (SELECT max(id) FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        "DELETE FROM audit_log",
    ],
)
def test_the_log_is_append_only_in_the_database(books: Books, connection: Any, sql: str) -> None:
    books.posted()
    before = connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    assert refused(connection, sql)
    assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == before


_EVENT = (
    "id, chain_key, seq, org_id, actor_id, actor_name, remote_addr, action, object_type, "
    "object_key, detail, at, prev_hash, hash"
)


def test_an_insert_cannot_replace_an_event(books: Books, connection: Any) -> None:
    """SQLite's INSERT OR REPLACE deletes the row in the way without firing delete triggers;
    PostgreSQL's ON CONFLICT DO UPDATE is an update."""
    books.posted()
    last = "(SELECT max(id) FROM audit_log)"
    forged = _EVENT.replace("actor_name", "'someone else'")
    select = f"SELECT {forged} FROM audit_log WHERE id = {last}"
    if is_pg():
        sql = f"INSERT INTO audit_log ({_EVENT}) {select} ON CONFLICT (id) DO UPDATE SET actor_name = EXCLUDED.actor_name"
    else:
        sql = f"INSERT OR REPLACE INTO audit_log ({_EVENT}) {select}"
    before = connection.execute(text(f"SELECT {_EVENT} FROM audit_log ORDER BY id")).all()
    assert refused(connection, sql)
    # a new id on the same chain position takes the event's place just the same
    moved = select.replace("SELECT id,", f"SELECT {last} + 1000,", 1)
    if not is_pg():
        assert refused(connection, f"INSERT OR REPLACE INTO audit_log ({_EVENT}) {moved}")
    assert connection.execute(text(f"SELECT {_EVENT} FROM audit_log ORDER BY id")).all() == before


@pytest.mark.skipif(not is_pg(), reason="TRUNCATE exists on PostgreSQL only")
def test_truncating_the_log_is_refused(books: Books, connection: Any) -> None:
    books.posted()
    assert refused(connection, "TRUNCATE audit_log CASCADE")


def _coop_verify(uow: Any) -> audit_log.LogReport:
    with uow() as u:
        org = u.store.org_by_code("coop")
        return audit_log.verify_log(u, org)


def test_the_chain_verifies_and_an_edit_in_the_middle_is_named(
    books: Books, connection: Any, uow: Any
) -> None:
    books.posted()
    report = _coop_verify(uow)
    assert report.ok and report.events >= 3
    guards_off(connection)
    coop = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar_one()
    seq = report.events - 1
    connection.execute(
        text(f"UPDATE audit_log SET actor_name = 'nobody' WHERE chain_key = {coop} AND seq = {seq}")
    )
    broken = _coop_verify(uow)
    assert not broken.ok and broken.first_bad_seq == seq and "content" in (broken.reason or "")


def test_a_deleted_event_breaks_the_chain(books: Books, connection: Any, uow: Any) -> None:
    books.posted()
    events = _coop_verify(uow).events
    guards_off(connection)
    coop = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar_one()
    connection.execute(
        text(f"DELETE FROM audit_log WHERE chain_key = {coop} AND seq = {events - 1}")
    )
    broken = _coop_verify(uow)
    assert not broken.ok and broken.first_bad_seq == events


def test_verify_checks_the_audit_log_too_and_says_so(
    books: Books, connection: Any, sessions: Any, tmp_path: Any
) -> None:
    from click.testing import CliRunner

    from coopledger.cli import main

    obj = cli_books(connection, sessions, tmp_path)
    books.posted()
    ok = CliRunner().invoke(main, ["audit", "verify", "coop"], obj=obj)
    assert ok.exit_code == 0, ok.output
    assert "checked the voucher chain and period balances, and the audit-log chain" in ok.output
    assert "audit log:" in ok.output and "chain intact" in ok.output
    chain = books.get("aud", f"{ORG}/audit/chain").json
    assert chain["ok"] is True and chain["checked"] == ["vouchers", "audit_log"]
    events = chain["audit_log"]["events"]
    # an event in the middle is rewritten; the vouchers are untouched
    guards_off(connection)
    coop = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar_one()
    connection.execute(
        text(f"UPDATE audit_log SET actor_name = 'x' WHERE chain_key = {coop} AND seq = 2")
    )
    broken = CliRunner().invoke(main, ["audit", "verify", "coop", "--full"], obj=obj)
    assert broken.exit_code == 1, broken.output
    assert "vouchers: 1 posted, chain intact" in broken.output
    assert "audit log: BROKEN at event 2" in broken.output
    chain = books.get("aud", f"{ORG}/audit/chain").json
    assert chain["ok"] is False and chain["first_bad_voucher"] is None
    assert chain["audit_log"]["first_bad_seq"] == 2 and events >= 2
    # the vouchers alone, on request
    only = CliRunner().invoke(main, ["audit", "verify", "coop", "--vouchers-only"], obj=obj)
    assert only.exit_code == 0 and "audit-log" not in only.output, only.output
    # a reviewer, who may not read the log, gets the vouchers' check, and is told so
    assert books.get("rev", f"{ORG}/audit/chain").json["checked"] == ["vouchers"]

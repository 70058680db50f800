"""Chain anchors: a signed checkpoint kept outside the database catches what
the chain alone cannot — a full rewrite and a truncated tail — plus every in-chain tamper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from coopledger.cli import main
from coopledger.domain.ledger import GENESIS_HASH, canonical_payload, chain_hash
from coopledger.domain.periods import Period, voucher_number
from tests.audit.helpers import ORG, cli_books, guards_off
from tests.conftest import Books


def checkpoint(books: Books, user: str = "aud") -> dict[str, Any]:
    response = books.post(user, f"{ORG}/audit/checkpoints")
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def verify(books: Books, cp: dict[str, Any]) -> dict[str, Any]:
    response = books.post("aud", f"{ORG}/audit/checkpoints/verify", cp)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def three(books: Books) -> list[dict[str, Any]]:
    return [books.posted(date=f"2026-03-0{d}") for d in (1, 2, 3)]


def full_rewrite(connection: Any, uow: Any, victim: int) -> None:
    """Change a line of ``victim`` and recompute every later hash and the head, as a forger with
    database access would: the chain alone then verifies."""
    guards_off(connection)
    connection.execute(text(f"UPDATE voucher_line SET memo = 'forged' WHERE voucher_id = {victim}"))
    with uow() as u:
        org = u.store.org_by_code("coop")
        vouchers = list(u.store.posted_in_chain_order(org.id))
    prev = GENESIS_HASH
    for v in vouchers:
        number = voucher_number(Period.of(v.booked_on), v.number or 0)
        digest = chain_hash(prev, canonical_payload(v, number))
        connection.execute(
            text("UPDATE voucher SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": prev, "h": digest, "i": v.id},
        )
        prev = digest
    connection.execute(
        text("UPDATE organization SET chain_head = :h WHERE code = 'coop'"), {"h": prev}
    )


def test_a_fresh_checkpoint_verifies(books: Books) -> None:
    three(books)
    cp = checkpoint(books)
    assert cp["voucher_seq"] == 3 and len(cp["signature"]) == 64
    assert verify(books, cp) == {"ok": True, "problems": []}
    books.posted(date="2026-03-04")  # later history does not invalidate an older anchor
    assert verify(books, cp)["ok"] is True


def test_a_forged_or_altered_checkpoint_is_refused(books: Books) -> None:
    three(books)
    cp = checkpoint(books)
    forged = {**cp, "voucher_seq": 2}
    result = verify(books, forged)
    assert result["ok"] is False and "signature" in result["problems"][0]


def test_a_full_rewrite_passes_the_chain_but_not_the_checkpoint(
    books: Books, connection: Any, uow: Any
) -> None:
    vouchers = three(books)
    cp = checkpoint(books)
    full_rewrite(connection, uow, vouchers[1]["id"])
    chain = books.get("aud", f"{ORG}/audit/chain").json
    assert chain["ok"] is True  # the forger recomputed every hash
    result = verify(books, cp)
    assert result["ok"] is False
    assert any("rewritten" in p for p in result["problems"])


def test_a_truncated_tail_is_caught(books: Books, connection: Any) -> None:
    vouchers = three(books)
    cp = checkpoint(books)
    guards_off(connection)
    last = vouchers[-1]["id"]
    connection.execute(text(f"DELETE FROM voucher_line WHERE voucher_id = {last}"))
    connection.execute(text(f"DELETE FROM voucher WHERE id = {last}"))
    connection.execute(
        text("UPDATE organization SET chain_seq = 2, chain_head = :h WHERE code = 'coop'"),
        {"h": vouchers[1]["hash"]},
    )
    result = verify(books, cp)
    assert result["ok"] is False
    assert any("truncated" in p and "fewer than the 3" in p for p in result["problems"])


def test_a_truncated_audit_log_is_caught(books: Books, connection: Any) -> None:
    three(books)
    cp = checkpoint(books)
    guards_off(connection)
    coop = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar_one()
    seq = cp["audit_seq"]
    connection.execute(text(f"DELETE FROM audit_log WHERE chain_key = {coop} AND seq > {seq - 2}"))
    head = connection.execute(
        text(f"SELECT hash FROM audit_log WHERE chain_key = {coop} AND seq = {seq - 2}")
    ).scalar_one()
    connection.execute(
        text(f"UPDATE audit_chain SET seq = {seq - 2}, head = :h WHERE chain_key = {coop}"),
        {"h": head},
    )
    result = verify(books, cp)
    assert result["ok"] is False and any("audit log" in p for p in result["problems"])


@pytest.mark.parametrize("tamper", ["edit", "delete", "swap"])
def test_in_chain_tampering_is_caught_too(books: Books, connection: Any, tamper: str) -> None:
    vouchers = three(books)
    cp = checkpoint(books)
    guards_off(connection)
    a, b = vouchers[0]["id"], vouchers[1]["id"]
    if tamper == "edit":
        connection.execute(text(f"UPDATE voucher_line SET amount_fen = 1 WHERE voucher_id = {b}"))
    elif tamper == "delete":
        connection.execute(text(f"DELETE FROM voucher_line WHERE voucher_id = {b}"))
        connection.execute(text(f"DELETE FROM voucher WHERE id = {b}"))
    else:
        connection.execute(text(f"UPDATE voucher SET chain_seq = 99 WHERE id = {a}"))
        connection.execute(text(f"UPDATE voucher SET chain_seq = 1 WHERE id = {b}"))
        connection.execute(text(f"UPDATE voucher SET chain_seq = 2 WHERE id = {a}"))
    result = verify(books, cp)
    assert result["ok"] is False and result["problems"]


def test_households_and_reviewers_sign_nothing(books: Books) -> None:
    assert books.post("hh1", f"{ORG}/audit/checkpoints").status_code == 403
    assert books.post("rev", f"{ORG}/audit/checkpoints").status_code == 403
    assert books.post("other-acc", f"{ORG}/audit/checkpoints").status_code == 404
    assert books.post("acc", f"{ORG}/audit/checkpoints").status_code == 201


def test_cli_checkpoint_then_verify_catches_a_rewrite(
    books: Books, connection: Any, sessions: Any, uow: Any, tmp_path: Path
) -> None:
    vouchers = three(books)
    obj = cli_books(connection, sessions, tmp_path)
    anchor = tmp_path / "coop.checkpoint.json"
    made = CliRunner().invoke(main, ["audit", "checkpoint", "coop", "--out", str(anchor)], obj=obj)
    assert made.exit_code == 0, made.output
    assert json.loads(anchor.read_text())["voucher_seq"] == 3
    ok = CliRunner().invoke(main, ["audit", "verify", "coop", "--checkpoint", str(anchor)], obj=obj)
    assert ok.exit_code == 0 and "matches the checkpoint" in ok.output, ok.output
    full_rewrite(connection, uow, vouchers[0]["id"])
    plain = CliRunner().invoke(main, ["audit", "verify", "coop", "--full"], obj=obj)
    assert plain.exit_code == 0  # the chain alone cannot see a full rewrite
    caught = CliRunner().invoke(
        main, ["audit", "verify", "coop", "--checkpoint", str(anchor)], obj=obj
    )
    assert caught.exit_code == 1 and "CHECKPOINT MISMATCH" in caught.output


def test_a_period_close_leaves_a_signed_checkpoint_outside_the_database(
    books: Books, app: Any
) -> None:
    books.posted(date="2026-01-15")
    closed = books.post("acc", f"{ORG}/periods/2026-01/close")
    assert closed.status_code == 200
    name = closed.headers["Coopledger-Checkpoint"]
    path = Path(app.instance_path) / "checkpoints" / "coop" / name
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["voucher_seq"] == 1 and saved["reason"] == "close 2026-01"
    assert verify(books, saved) == {"ok": True, "problems": []}

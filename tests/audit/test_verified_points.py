"""Verification from the verified point: the same verdict as a full one on the same books; an
edit below the point caught by the full one always, and by the incremental one when the row at
the point changes; a point that was edited, a reopened month and the balances still checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import text

from coopledger.cli import main
from coopledger.domain.audit_log import checkpoint_key
from coopledger.services import chain_check, findings
from tests.audit.helpers import cli_books, guards_off
from tests.conftest import Books

KEY = checkpoint_key("test-secret")


def resume(uow: Any) -> chain_check.Resume:
    return chain_check.Resume(KEY, uow)


def verify(uow: Any, *, full: bool = False) -> chain_check.ChainReport:
    return chain_check.verify_org(uow(), "coop", resume=resume(uow), full=full)


def three_posted(books: Books) -> list[dict[str, Any]]:
    return [books.posted(date=f"2026-03-0{d}") for d in (1, 2, 3)]


def test_incremental_gives_the_verdict_of_a_full_verification(books: Books, uow: Any) -> None:
    three_posted(books)
    first = verify(uow)
    assert first.ok and first.resumed_from == 0  # no point yet: everything
    books.posted(date="2026-04-01")
    again = verify(uow)
    full = verify(uow, full=True)
    assert again.ok and full.ok
    assert again.resumed_from == 3 and full.resumed_from == 0
    assert (again.vouchers, again.head) == (full.vouchers, full.head) == (4, full.head)
    assert again.audit_log is not None and again.audit_log.resumed_from > 0


def test_a_point_is_stored_again_only_once_the_books_move_on(
    books: Books, uow: Any, connection: Any
) -> None:
    three_posted(books)
    assert verify(uow).ok
    stored = "SELECT voucher_seq, verified_at, signature FROM verified_point"
    first = connection.execute(text(stored)).one()
    assert verify(uow).ok and verify(uow).resumed_from == 3
    assert connection.execute(text(stored)).one() == first  # nothing new: not written again
    books.posted(date="2026-04-01")
    assert verify(uow).ok
    moved = connection.execute(text(stored)).one()
    assert moved.voucher_seq == 4 and moved.signature != first.signature


def test_an_edit_at_the_verified_point_is_caught_by_both(
    books: Books, uow: Any, connection: Any
) -> None:
    *_, last = three_posted(books)
    assert verify(uow).ok  # the point: voucher 3
    books.posted(date="2026-04-01")
    guards_off(connection)
    connection.execute(
        text(f"UPDATE voucher_line SET amount_fen = amount_fen + 1 WHERE voucher_id = {last['id']}")
    )
    connection.execute(text(f"UPDATE voucher SET hash = '{'e' * 64}' WHERE id = {last['id']}"))
    incremental = chain_check.verify_org(uow(), "coop", resume=resume(uow))
    assert not incremental.ok and "verified point" in (incremental.reason or "")
    assert not verify(uow, full=True).ok


def test_a_line_of_the_voucher_at_the_point_edited_alone_is_caught_by_both(
    books: Books, uow: Any, connection: Any
) -> None:
    """The hashes left as they were: the voucher at the point is recomputed all the same."""
    *_, last = three_posted(books)
    assert verify(uow).ok
    guards_off(connection)
    connection.execute(
        text(f"UPDATE voucher_line SET amount_fen = amount_fen + 1 WHERE voucher_id = {last['id']}")
    )
    incremental = chain_check.verify_org(uow(), "coop", resume=resume(uow))
    assert not incremental.ok and incremental.first_bad_voucher == last["id"]
    assert "content" in (incremental.reason or "") and incremental.resumed_from == 3
    assert not verify(uow, full=True).ok


def test_an_edited_audit_event_at_the_point_is_caught(
    books: Books, uow: Any, connection: Any
) -> None:
    three_posted(books)
    report = verify(uow)
    assert report.ok and report.audit_log is not None
    at = report.audit_log.events
    guards_off(connection)
    connection.execute(
        text(
            "UPDATE audit_log SET actor_name = 'x' WHERE seq = :at AND chain_key = "
            "(SELECT id FROM organization WHERE code = 'coop')"
        ),
        {"at": at},
    )
    again = chain_check.verify_org(uow(), "coop", resume=resume(uow))
    assert not again.ok and again.audit_log is not None
    assert again.audit_log.first_bad_seq == at and again.audit_log.resumed_from == at


def test_an_edit_below_the_point_is_caught_by_full_and_not_by_incremental(
    books: Books, uow: Any, connection: Any
) -> None:
    """What the incremental verification does not re-check, proven: a line below the point
    edited with every stored hash left alone."""
    first, *_ = three_posted(books)
    assert verify(uow).ok
    guards_off(connection)
    connection.execute(
        text(
            f"UPDATE voucher_line SET amount_fen = amount_fen + 1 WHERE voucher_id = {first['id']}"
        )
    )
    assert chain_check.verify_org(uow(), "coop", resume=resume(uow)).ok
    full = verify(uow, full=True)
    assert not full.ok and full.first_bad_voucher == first["id"]


def test_a_rewritten_turnover_row_is_caught_from_the_point(
    books: Books, uow: Any, connection: Any
) -> None:
    three_posted(books)
    assert verify(uow).ok
    connection.execute(text("UPDATE period_balance SET debit_fen = debit_fen + 1"))
    report = verify(uow)
    assert not report.ok and report.resumed_from == 3 and report.balance_mismatches


def test_a_rewritten_shape_row_is_caught_and_named(books: Books, uow: Any, connection: Any) -> None:
    """The turnover by shape (the members' equity statement sums its pairs) is checked like the
    per-account turnover: an amount moved between two shapes keeps every account's month and
    is still caught, from the point and in full, named by its shape."""
    three_posted(books)
    assert verify(uow).ok
    shapes = connection.execute(
        text("SELECT count(*) FROM shape_turnover WHERE year = 2026 AND month = 3")
    ).scalar()
    assert shapes >= 1
    connection.execute(
        text("UPDATE shape_turnover SET entries = entries + 1 WHERE year = 2026 AND month = 3")
    )
    for report in (verify(uow), verify(uow, full=True)):
        assert not report.ok and report.reason == "period balances differ from the posted lines"
        assert any(m.startswith("shape 2026-03 Dr ") for m in report.balance_mismatches)


def test_an_altered_point_is_not_trusted_and_is_a_finding(
    books: Books, uow: Any, connection: Any
) -> None:
    three_posted(books)
    assert verify(uow).ok
    connection.execute(text("UPDATE verified_point SET voucher_seq = 2"))
    report = verify(uow)
    assert report.ok and report.resumed_from == 0 and "altered" in (report.point_note or "")
    connection.execute(text("UPDATE verified_point SET voucher_seq = 2"))
    with uow() as u:
        org = u.store.org_by_code("coop")
        found = findings.org_findings(u, org.id, 2026, resume=resume(uow), points=[])
    assert [f.severity for f in found if f.code == "verified_point_altered"] == ["high"]


def test_a_reopened_month_forgets_the_point(books: Books, uow: Any, connection: Any) -> None:
    books.posted(date="2026-03-01")
    assert books.post("acc", "/api/v1/orgs/coop/periods/2026-03/close").status_code == 200
    assert verify(uow).ok
    assert connection.execute(text("SELECT count(*) FROM verified_point")).scalar() == 1
    assert books.post("admin", "/api/v1/orgs/coop/periods/2026-03/reopen").status_code == 200
    assert connection.execute(text("SELECT count(*) FROM verified_point")).scalar() == 0


def test_the_findings_of_a_busy_single_accountant_are_one_low_finding(
    books: Books, uow: Any, connection: Any
) -> None:
    connection.execute(
        text("UPDATE organization SET allow_single_accountant = true WHERE code = 'coop'")
    )
    for _ in range(3):
        v = books.voucher()
        assert books.post("acc", f"/api/v1/orgs/coop/vouchers/{v['id']}/review").status_code == 200
        assert books.post("acc", f"/api/v1/orgs/coop/vouchers/{v['id']}/post").status_code == 200
    with uow() as u:
        org = u.store.org_by_code("coop")
        found = findings.org_findings(u, org.id, 2026)
    (same,) = [f for f in found if f.code == "same_person_prepared_and_reviewed"]
    assert same.severity == "low" and len(same.objects) == 3 and same.message.startswith("3 ")


def test_cli_verify_full_and_from_the_point(
    books: Books, connection: Any, sessions: Any, tmp_path: Path
) -> None:
    obj = cli_books(connection, sessions, tmp_path)
    three_posted(books)
    run = CliRunner().invoke
    assert run(main, ["audit", "verify", "coop"], obj=obj).exit_code == 0
    again = run(main, ["audit", "verify", "coop"], obj=obj)
    assert again.exit_code == 0 and "from the verified point (voucher 3)" in again.output
    full = run(main, ["audit", "verify", "coop", "--full"], obj=obj)
    assert full.exit_code == 0 and "verified point" not in full.output

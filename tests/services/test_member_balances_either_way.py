"""Members' balances on an account up to a day are the same whichever side the query reads:
the few vouchers of an early day, or every line of the account less the few vouchers after the
day and the drafts; a member whose lines all come later is not listed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text

from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth, vouchers
from tests.conftest import Books


def _from_lines(connection: Any, through: date) -> dict[int, int]:
    rows = connection.execute(
        text(
            "SELECT l.member_id, sum(CASE l.side WHEN 'C' THEN l.amount_fen ELSE -l.amount_fen END)"
            " FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id"
            " JOIN account a ON a.id = l.account_id JOIN organization o ON o.id = v.org_id"
            " WHERE o.code = 'coop' AND v.status = 'posted' AND a.code LIKE '114%'"
            " AND l.member_id IS NOT NULL AND v.booked_on <= :through GROUP BY l.member_id"
        ),
        {"through": through},
    ).all()
    return {int(m): int(n) for m, n in rows}


def _draft(day: date, fen: int, member: str) -> VoucherDraft:
    return VoucherDraft(
        day, "往来", (Line("521", Dr.DEBIT, fen), Line("114", Dr.CREDIT, fen, member=member))
    )


def test_either_side_gives_the_same_balances(books: Books, uow: Any, connection: Any) -> None:
    admin = auth.actor_named(uow(), "admin")
    posted = [_draft(date(2026, 1, 1 + i), 1000 + i, "1") for i in range(20)]
    posted += [_draft(date(2026, 3, 1), 500, "2"), _draft(date(2026, 3, 2), 700, "1")]
    vouchers.post_batch(uow(), admin, "coop", posted)
    vouchers.create_voucher(uow(), admin, "coop", _draft(date(2026, 1, 5), 999, "1"))
    with uow() as w:
        org = w.store.org_by_code("coop").id
        for through in (
            date(2025, 12, 31),  # nothing yet
            date(2026, 1, 3),  # a few vouchers of the range
            date(2026, 1, 31),  # all but two, and the draft
            date(2026, 3, 1),
            date(2026, 12, 31),  # everything but the draft
        ):
            got = w.registers.account_balances_by_member(org, "114", through)
            assert got == _from_lines(connection, through), through
        # member 2's only line is in March
        assert 2 not in w.registers.account_balances_by_member(org, "114", date(2026, 1, 31))

"""Period snapshots: the closing balances of closed months, so reports stay fast as years pile up.

When a month is closed, ``write`` stores each account's cumulative debit and credit from the
first posting to the end of that month (``period_snapshot``) and, for a December, each member's
balance on each account it has lines on (``member_snapshot``). A report then reads the last
*valid* snapshot before its range plus the per-month turnover (``period_balance``) after it.

A snapshot is valid while no month up to it is open: posting into a month makes (or keeps) its
``period`` row open, so any snapshot at or after the earliest open month is ignored by readers,
and closing that month again rewrites its snapshot and deletes every later one. Reopening a month
deletes its snapshot and the later ones. ``mismatches`` recomputes every stored snapshot from the
posted lines for ``audit verify``: a changed, added or deleted row is a finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, and_, case, delete, func, insert, select, tuple_, union_all
from sqlalchemy.orm import Session

from coopledger.adapters.db.base import read_rows
from coopledger.adapters.db.tables import (
    AccountRow,
    MemberSnapshotRow,
    PeriodBalanceRow,
    PeriodRow,
    PeriodSnapshotRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.bounds import MAX_FEN_SUM, SUM_TOO_LARGE_MESSAGE, AmountTooLarge
from coopledger.domain.periods import Period
from coopledger.domain.reporting import Turnover

_SNAP = cast(Table, PeriodSnapshotRow.__table__)
_MSNAP = cast(Table, MemberSnapshotRow.__table__)
_SIGNED = case(
    (VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=-VoucherLineRow.amount_fen
)
_DEBIT = case((VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=0)
_CREDIT = case((VoucherLineRow.side == "C", VoucherLineRow.amount_fen), else_=0)

Sums = dict[int, tuple[int, int]]


def _ym(year: Any, month: Any) -> Any:
    return year * 100 + month


def _period(ym: int) -> Period:
    return Period(ym // 100, ym % 100)


def check_room(
    session: Session,
    added: Mapping[tuple[int, int, int], Sequence[int]],
    codes: Mapping[int, str],
) -> None:
    """Refuse turnover that the 64-bit columns could not hold, before it is written.

    ``added`` maps (account id, year, month) to the (debit, credit) fen a posting adds. Each
    side's absolute turnover over all months, what is stored plus what is added, stays within
    2^63 − 1 fen, so no month's row, no cumulative snapshot and no sum a report takes of them
    can overflow (SQLite would silently turn the sum into a float; PostgreSQL would fail).

    :raise AmountTooLarge: naming the first account that would overflow.
    """
    wanted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (account_id, _year, _month), (debit, credit) in added.items():
        wanted[account_id][0] += abs(debit)
        wanted[account_id][1] += abs(credit)
    held = {
        account_id: (int(debit or 0), int(credit or 0))
        for account_id, debit, credit in session.execute(
            select(
                PeriodBalanceRow.account_id,
                func.sum(func.abs(PeriodBalanceRow.debit_fen)),
                func.sum(func.abs(PeriodBalanceRow.credit_fen)),
            )
            .where(PeriodBalanceRow.account_id.in_(sorted(wanted)))
            .group_by(PeriodBalanceRow.account_id)
        )
    }
    for account_id in sorted(wanted, key=lambda a: codes.get(a, "")):
        debit, credit = held.get(account_id, (0, 0))
        if (
            debit + wanted[account_id][0] > MAX_FEN_SUM
            or credit + wanted[account_id][1] > MAX_FEN_SUM
        ):
            message = (
                f"account {codes.get(account_id, account_id)}: its turnover {SUM_TOO_LARGE_MESSAGE}"
            )
            raise AmountTooLarge(message, errors={"lines": [message]})


def earliest_open(session: Session, org_id: int) -> int | None:
    """``year * 100 + month`` of the organization's earliest open month (None: none is open)."""
    found = session.scalar(
        select(func.min(_ym(PeriodRow.year, PeriodRow.month))).where(
            PeriodRow.org_id == org_id, PeriodRow.status == "open"
        )
    )
    return None if found is None else int(found)


def _latest(session: Session, table: Any, org_id: int, below: int) -> int | None:
    found = session.scalar(
        select(func.max(_ym(table.c.year, table.c.month))).where(
            table.c.org_id == org_id, _ym(table.c.year, table.c.month) < below
        )
    )
    return None if found is None else int(found)


def _valid_below(session: Session, org_id: int, bound: int) -> int:
    """Snapshots strictly below the returned ym are valid and at most ``bound - 1``."""
    first_open = earliest_open(session, org_id)
    return bound if first_open is None else min(bound, first_open)


def _turnover(session: Session, org_id: int, after: int | None, through: int) -> Sums:
    ym = _ym(PeriodBalanceRow.year, PeriodBalanceRow.month)
    query = select(
        PeriodBalanceRow.account_id,
        func.sum(PeriodBalanceRow.debit_fen),
        func.sum(PeriodBalanceRow.credit_fen),
    ).where(PeriodBalanceRow.org_id == org_id, ym <= through)
    if after is not None:
        query = query.where(ym > after)
    rows = session.execute(query.group_by(PeriodBalanceRow.account_id))
    return {int(a): (int(d), int(c)) for a, d, c in rows}


def _snapshot(session: Session, org_id: int, ym: int) -> Sums:
    rows = session.execute(
        select(_SNAP.c.account_id, _SNAP.c.debit_fen, _SNAP.c.credit_fen).where(
            _SNAP.c.org_id == org_id, _SNAP.c.year == ym // 100, _SNAP.c.month == ym % 100
        )
    )
    return {int(a): (int(d), int(c)) for a, d, c in rows}


def _add(a: Sums, b: Sums) -> Sums:
    out = dict(a)
    for key, (d, c) in b.items():
        od, oc = out.get(key, (0, 0))
        out[key] = (od + d, oc + c)
    return out


def sums_through(session: Session, org_id: int, last: Period) -> Sums:
    """Cumulative (debit, credit) per account id from the first posting to the end of ``last``:
    the last valid snapshot at or before it plus the turnover of the months after the snapshot."""
    through = last.year * 100 + last.month
    base = _latest(session, _SNAP, org_id, _valid_below(session, org_id, through + 1))
    if base is None:
        return _turnover(session, org_id, None, through)
    return _add(_snapshot(session, org_id, base), _turnover(session, org_id, base, through))


def _member_lines(
    session: Session,
    org_id: int,
    start: date | None,
    end: date,
    account_ids: Collection[int] | None = None,
) -> dict[Any, int]:
    """Debit-minus-credit per (account id, member id) of posted lines booked in start..end, on
    ``account_ids`` only where given (read by the accounts' index)."""
    conditions = [
        VoucherRow.org_id == org_id,
        VoucherRow.status == "posted",
        VoucherRow.booked_on <= end,
        VoucherLineRow.member_id.is_not(None),
    ]
    if start is not None:
        conditions.append(VoucherRow.booked_on >= start)
    if account_ids is not None:
        return _member_lines_of(session, org_id, start, end, sorted(account_ids))
    rows = session.execute(
        select(VoucherLineRow.account_id, VoucherLineRow.member_id, func.sum(_SIGNED))
        .select_from(VoucherRow)
        .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
        .where(and_(*conditions))
        .group_by(VoucherLineRow.account_id, VoucherLineRow.member_id)
    )
    return {(int(a), int(m)): int(n) for a, m, n in rows}


def _member_lines_of(
    session: Session, org_id: int, start: date | None, end: date, account_ids: list[int]
) -> dict[Any, int]:
    """:func:`_member_lines` on ``account_ids``, read from whichever side is smaller: when the
    vouchers outside start..end (and those not posted) are fewer than those inside, every line
    of the accounts (their index) less the lines of those few vouchers; otherwise the vouchers
    of the range (their date index) and their lines."""
    inside = [VoucherRow.status == "posted", VoucherRow.booked_on <= end]
    if start is not None:
        inside.append(VoucherRow.booked_on >= start)

    def count(*where: Any, limit: int | None = None) -> int:
        """Vouchers of the organization that meet ``where`` (up to ``limit``), by its indexes."""
        ids = select(VoucherRow.id).where(VoucherRow.org_id == org_id, *where).limit(limit)
        return int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)

    posted = VoucherRow.status == "posted"
    # the vouchers outside the range, each part found by the (org, status, day) index
    outside = [
        (VoucherRow.status.in_(("draft", "reviewed")),),
        (posted, VoucherRow.booked_on > end),
    ]
    if start is not None:
        outside.append((posted, VoucherRow.booked_on < start))
    n_out = sum(count(*where) for where in outside)
    n_in = count(*inside, limit=n_out + 1)
    grouped = (VoucherLineRow.account_id, VoucherLineRow.member_id)
    # ``+ 0``: the range's vouchers drive the query, not the accounts' index
    of_vouchers = (
        select(*grouped, func.sum(_SIGNED), func.count())
        .select_from(VoucherRow)
        .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
        .where(
            VoucherRow.org_id == org_id,
            (VoucherLineRow.account_id + 0).in_(account_ids),
            VoucherLineRow.member_id.is_not(None),
        )
        .group_by(*grouped)
    )
    if n_in <= n_out:
        rows = session.execute(of_vouchers.where(*inside))
        return {(int(a), int(m)): int(n) for a, m, n, _ in rows}
    # (net, lines) per key: a member whose lines all fall outside the range is left out
    out: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    # the accounts are the organization's own, so the (account, member, side, amount) index
    # answers alone, in member order
    every = (
        select(*grouped, func.sum(_SIGNED), func.count())
        .where(
            VoucherLineRow.account_id.in_(account_ids),
            VoucherLineRow.member_id.is_not(None),
        )
        .group_by(*grouped)
    )
    for a, m, n, lines in session.execute(every):
        out[int(a), int(m)] = [int(n), int(lines)]
    if n_out:
        ids = union_all(
            *(select(VoucherRow.id).where(VoucherRow.org_id == org_id, *w) for w in outside)
        )
        for a, m, n, lines in session.execute(of_vouchers.where(VoucherRow.id.in_(ids))):
            out[int(a), int(m)][0] -= int(n)
            out[int(a), int(m)][1] -= int(lines)
    return {key: net for key, (net, lines) in out.items() if lines}


def write(session: Session, org_id: int, year: int, month: int) -> None:
    """Store the snapshot of a month being closed, replacing it and every later one."""
    ym = year * 100 + month
    drop_from(session, org_id, year, month)
    below = _valid_below(session, org_id, ym)
    base = _latest(session, _SNAP, org_id, below)
    sums = _turnover(session, org_id, base, ym)
    if base is not None:
        sums = _add(_snapshot(session, org_id, base), sums)
    rows = [
        {
            "org_id": org_id,
            "year": year,
            "month": month,
            "account_id": a,
            "debit_fen": d,
            "credit_fen": c,
        }
        for a, (d, c) in sorted(sums.items())
        if d or c
    ]
    if rows:
        session.execute(insert(_SNAP), rows)
    if month != 12:
        return
    member_base = _latest(session, _MSNAP, org_id, below)
    nets: dict[Any, int] = {}
    start = None
    if member_base is not None:
        nets = {
            (int(a), int(m)): int(n)
            for a, m, n in session.execute(
                select(_MSNAP.c.account_id, _MSNAP.c.member_id, _MSNAP.c.net_fen).where(
                    _MSNAP.c.org_id == org_id,
                    _MSNAP.c.year == member_base // 100,
                    _MSNAP.c.month == member_base % 100,
                )
            )
        }
        start = _period(member_base).next().first_day
    for key, net in _member_lines(session, org_id, start, date(year, 12, 31)).items():
        nets[key] = nets.get(key, 0) + net
    member_rows = [
        {"org_id": org_id, "year": year, "month": 12, "account_id": a, "member_id": m, "net_fen": n}
        for (a, m), n in sorted(nets.items())
    ]
    if member_rows:
        session.execute(insert(_MSNAP), member_rows)


def drop_from(session: Session, org_id: int, year: int, month: int) -> None:
    """Delete the snapshots of ``year-month`` and of every later month (a reopen)."""
    ym = year * 100 + month
    for table in (_SNAP, _MSNAP):
        session.execute(
            delete(table).where(table.c.org_id == org_id, _ym(table.c.year, table.c.month) >= ym)
        )


def member_balances(
    session: Session, org_id: int, account_ids: set[int], through: date | None
) -> dict[int, int]:
    """Credit-minus-debit per member over ``account_ids`` of posted lines booked up to
    ``through`` (of every posted line where None): the last valid December snapshot before it
    plus the lines after it. Members with lines but a zero balance are included, as a scan of
    the lines would include them."""
    if through is None:
        through, bound = date.max, 9999_13
    else:
        last = Period.of(through)
        bound = last.year * 100 + last.month + (1 if through == last.last_day else 0)
    base = _latest(session, _MSNAP, org_id, _valid_below(session, org_id, bound))
    out: dict[int, int] = defaultdict(int)
    start = None
    if base is not None:
        for a, m, n in session.execute(
            select(_MSNAP.c.account_id, _MSNAP.c.member_id, _MSNAP.c.net_fen).where(
                _MSNAP.c.org_id == org_id,
                _MSNAP.c.year == base // 100,
                _MSNAP.c.month == base % 100,
            )
        ):
            if int(a) in account_ids:
                out[int(m)] -= int(n)
        start = _period(base).next().first_day
    for (a, m), n in _member_lines(session, org_id, start, through, account_ids).items():
        if a in account_ids:
            out[m] -= n
    return dict(out)


def mismatches(session: Session, org_id: int) -> list[str]:
    """Every stored snapshot row that differs from the posted lines, and every row missing."""
    codes = dict(
        session.execute(select(AccountRow.id, AccountRow.code).where(AccountRow.org_id == org_id))
        .tuples()
        .all()
    )
    problems: list[str] = []
    stored: dict[int, Sums] = defaultdict(dict)
    for y, m, a, d, c in session.execute(
        select(
            _SNAP.c.year, _SNAP.c.month, _SNAP.c.account_id, _SNAP.c.debit_fen, _SNAP.c.credit_fen
        ).where(_SNAP.c.org_id == org_id)
    ):
        stored[int(y) * 100 + int(m)][int(a)] = (int(d), int(c))
    if stored:
        monthly = session.execute(
            select(
                VoucherLineRow.account_id,
                VoucherRow.year,
                VoucherRow.month,
                func.sum(_DEBIT),
                func.sum(_CREDIT),
            )
            .select_from(VoucherRow)
            .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
            .where(VoucherRow.org_id == org_id, VoucherRow.status == "posted")
            .group_by(VoucherLineRow.account_id, VoucherRow.year, VoucherRow.month)
        ).all()
        for ym, rows in sorted(stored.items()):
            expected: Sums = {}
            for a, year, month, d, c in monthly:
                if int(year) * 100 + int(month) <= ym:
                    expected = _add(expected, {int(a): (int(d), int(c))})
            for a in sorted(set(rows) | {k for k, v in expected.items() if v != (0, 0)}):
                if rows.get(a, (0, 0)) != expected.get(a, (0, 0)):
                    problems.append(
                        f"snapshot {_period(ym)} account {codes.get(a, a)}: stored "
                        f"{rows.get(a)}, lines {expected.get(a, (0, 0))}"
                    )
    member_stored: dict[int, dict[Any, int]] = defaultdict(dict)
    for y, m, a, mem, n in session.execute(
        select(
            _MSNAP.c.year, _MSNAP.c.month, _MSNAP.c.account_id, _MSNAP.c.member_id, _MSNAP.c.net_fen
        ).where(_MSNAP.c.org_id == org_id)
    ):
        member_stored[int(y) * 100 + int(m)][(int(a), int(mem))] = int(n)
    for ym, rows_m in sorted(member_stored.items()):
        expected_m = _member_lines(session, org_id, None, _period(ym).last_day)
        for key in sorted(set(rows_m) | set(expected_m)):
            if rows_m.get(key) != expected_m.get(key):
                problems.append(
                    f"member snapshot {_period(ym)} account {codes.get(key[0], key[0])} member id "
                    f"{key[1]}: stored {rows_m.get(key)}, lines {expected_m.get(key)}"
                )
    return problems


def turnovers_by_org(
    session: Session, org_ids: Sequence[int], first: Period, last: Period
) -> dict[int, list[Turnover]]:
    """Each organization's turnover of the whole months ``first``..``last`` with its opening
    balances, as one organization's report reads it (its last valid snapshot before ``first``
    plus the monthly turnover after it), in a few set queries for all of them."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    before = first.year * 100 + first.month
    through = last.year * 100 + last.month
    pym = _ym(PeriodRow.year, PeriodRow.month)
    first_open = {
        int(o): int(ym)
        for o, ym in session.execute(
            select(PeriodRow.org_id, func.min(pym))
            .where(PeriodRow.org_id.in_(ids), PeriodRow.status == "open")
            .group_by(PeriodRow.org_id)
        )
    }
    sym = _ym(_SNAP.c.year, _SNAP.c.month)
    base: dict[int, int] = {}
    for org, ym in session.execute(
        select(_SNAP.c.org_id, sym).where(_SNAP.c.org_id.in_(ids), sym < before).distinct()
    ):
        if int(ym) < min(before, first_open.get(int(org), before)) and int(ym) > base.get(
            int(org), 0
        ):
            base[int(org)] = int(ym)
    codes = {
        int(a): (int(o), str(c))
        for a, o, c in read_rows(
            session,
            select(AccountRow.id, AccountRow.org_id, AccountRow.code).where(
                AccountRow.org_id.in_(ids)
            ),
        )
    }
    opening: dict[int, Sums] = defaultdict(dict)
    within: dict[int, Sums] = defaultdict(dict)
    if base:
        for org, a, d, c in read_rows(
            session,
            select(_SNAP.c.org_id, _SNAP.c.account_id, _SNAP.c.debit_fen, _SNAP.c.credit_fen).where(
                tuple_(_SNAP.c.org_id, _SNAP.c.year, _SNAP.c.month).in_(
                    [(org, ym // 100, ym % 100) for org, ym in sorted(base.items())]
                )
            ),
        ):
            _put(opening[int(org)], int(a), int(d), int(c))
    bym = _ym(PeriodBalanceRow.year, PeriodBalanceRow.month)
    for org, a, ym, d, c in read_rows(
        session,
        select(
            PeriodBalanceRow.org_id,
            PeriodBalanceRow.account_id,
            bym,
            PeriodBalanceRow.debit_fen,
            PeriodBalanceRow.credit_fen,
        ).where(PeriodBalanceRow.org_id.in_(ids), bym <= through),
    ):
        org, ym = int(org), int(ym)
        if ym >= before:
            _put(within[org], int(a), int(d), int(c))
        elif ym > base.get(org, 0):
            _put(opening[org], int(a), int(d), int(c))
    out: dict[int, list[Turnover]] = {}
    for org in ids:
        o, w = opening.get(org, {}), within.get(org, {})
        out[org] = [
            Turnover(
                codes[a][1],
                o.get(a, (0, 0))[0] - o.get(a, (0, 0))[1],
                w.get(a, (0, 0))[0],
                w.get(a, (0, 0))[1],
            )
            for a in sorted(set(o) | set(w), key=lambda i: codes[i][1])
        ]
    return out


def _put(sums: Sums, account_id: int, debit: int, credit: int) -> None:
    d, c = sums.get(account_id, (0, 0))
    sums[account_id] = (d + debit, c + credit)


def consolidated_turnovers(
    session: Session, org_ids: Sequence[int], first: Period, last: Period
) -> list[Turnover]:
    """Turnover of whole months ``first``..``last`` summed over many organizations of one chart,
    per account code (a county's trial balance): each organization's last valid snapshot before
    ``first``, plus its monthly turnover after it, in a handful of set queries for all of them."""
    ids = list(org_ids)
    before = first.year * 100 + first.month
    through = last.year * 100 + last.month
    pym = _ym(PeriodRow.year, PeriodRow.month)
    first_open = dict(
        session.execute(
            select(PeriodRow.org_id, func.min(pym))
            .where(PeriodRow.org_id.in_(ids), PeriodRow.status == "open")
            .group_by(PeriodRow.org_id)
        )
        .tuples()
        .all()
    )
    sym = _ym(_SNAP.c.year, _SNAP.c.month)
    base: dict[int, int] = {}
    for org, ym in session.execute(
        select(_SNAP.c.org_id, sym).where(_SNAP.c.org_id.in_(ids), sym < before).distinct()
    ):
        if ym < min(before, first_open.get(org, before)) and ym > base.get(org, 0):
            base[int(org)] = int(ym)
    codes = dict(
        session.execute(select(AccountRow.id, AccountRow.code).where(AccountRow.org_id.in_(ids)))
        .tuples()
        .all()
    )
    opening: dict[str, int] = defaultdict(int)
    within: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if base:
        for a, d, c in session.execute(
            select(_SNAP.c.account_id, _SNAP.c.debit_fen, _SNAP.c.credit_fen).where(
                tuple_(_SNAP.c.org_id, _SNAP.c.year, _SNAP.c.month).in_(
                    [(org, ym // 100, ym % 100) for org, ym in base.items()]
                )
            )
        ):
            opening[codes[a]] += int(d) - int(c)
    bym = _ym(PeriodBalanceRow.year, PeriodBalanceRow.month)
    query = select(
        PeriodBalanceRow.org_id,
        PeriodBalanceRow.account_id,
        bym,
        PeriodBalanceRow.debit_fen,
        PeriodBalanceRow.credit_fen,
    ).where(PeriodBalanceRow.org_id.in_(ids), bym <= through)
    if len(base) == len(ids):
        query = query.where(bym > min(base.values()))
    for org, a, ym, d, c in session.execute(query):
        if ym <= base.get(org, 0):
            continue
        if ym < before:
            opening[codes[a]] += int(d) - int(c)
        else:
            within[codes[a]][0] += int(d)
            within[codes[a]][1] += int(c)
    return [
        Turnover(code, opening.get(code, 0), *within.get(code, (0, 0)))
        for code in sorted(set(opening) | set(within))
    ]

"""The reports in SQL: turnover over any range (from the monthly turnover and the closed months'
snapshots, topped up from the lines), ledger entries, and the turnover recomputed to check it."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, select, tuple_
from sqlalchemy.orm import aliased

from coopledger.adapters.db import snapshots
from coopledger.adapters.db.accounts import SqlAccounts
from coopledger.adapters.db.base import CREDIT, DEBIT, read_rows, year_month
from coopledger.adapters.db.tables import (
    AccountRow,
    FundRow,
    MemberRow,
    MemberSnapshotRow,
    PeriodBalanceRow,
    PeriodSnapshotRow,
    ShapeTurnoverRow,
    VerifiedPointRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import DayTotal, LedgerEntry, Turnover
from coopledger.services.ports.reports import ShapeKey, ShapeTurnover


class SqlReports(SqlAccounts):
    def _pb_sums(
        self, org_id: int, first: Period | None, last: Period | None
    ) -> dict[int, tuple[int, int]]:
        ym = year_month(PeriodBalanceRow.year, PeriodBalanceRow.month)
        query = select(
            PeriodBalanceRow.account_id,
            func.sum(PeriodBalanceRow.debit_fen),
            func.sum(PeriodBalanceRow.credit_fen),
        ).where(PeriodBalanceRow.org_id == org_id)
        if first is not None:
            query = query.where(ym >= first.year * 100 + first.month)
        if last is not None:
            query = query.where(ym <= last.year * 100 + last.month)
        rows = self.session.execute(query.group_by(PeriodBalanceRow.account_id))
        return {a: (int(d), int(c)) for a, d, c in rows}

    def _line_sums(self, org_id: int, start: date, end: date) -> dict[int, tuple[int, int]]:
        if start > end:
            return {}
        # the vouchers of the range drive the query (their date index), then their lines
        in_range = select(VoucherRow.id).where(
            VoucherRow.org_id == org_id,
            VoucherRow.status == "posted",
            VoucherRow.booked_on >= start,
            VoucherRow.booked_on <= end,
        )
        rows = self.session.execute(
            select(VoucherLineRow.account_id, func.sum(DEBIT), func.sum(CREDIT))
            .where(VoucherLineRow.voucher_id.in_(in_range))
            .group_by(VoucherLineRow.account_id)
        )
        return {a: (int(d), int(c)) for a, d, c in rows}

    def turnovers(self, org_id: int, start: date, end: date) -> list[Turnover]:
        """The opening balances before ``start`` and the turnover of start..end: whole months
        from the stored turnover; of a month the range cuts, the fewer days' lines are read and
        the rest of the month is its stored turnover less them."""
        first, last = Period.of(start), Period.of(end)
        before = (first.first_day, date.fromordinal(start.toordinal() - 1))
        after = (date.fromordinal(end.toordinal() + 1), last.last_day)
        if first == last:
            spans = {"before": before, "within": (start, end), "after": after}
            # read the two shortest of the three parts; the third is the month less them
            derived = max(spans, key=lambda k: (_days(*spans[k]), k == "within"))
            read = {k: self._line_sums(org_id, *span) for k, span in spans.items() if k != derived}
            read[derived] = _less(self._pb_sums(org_id, first, first), *read.values())
            opening_part, within = read["before"], read["within"]
        else:
            opening_part, head = self._split_month(org_id, first, before, (start, first.last_day))
            within_tail, _ = self._split_month(org_id, last, (last.first_day, end), after)
            within = _add(
                _add(head, self._pb_sums(org_id, first.next(), last.previous())), within_tail
            )
        opening = _add(snapshots.sums_through(self.session, org_id, first.previous()), opening_part)
        codes = {i: c for c, i in self._account_ids(org_id).items()}
        return [
            Turnover(
                codes[a],
                opening.get(a, (0, 0))[0] - opening.get(a, (0, 0))[1],
                within.get(a, (0, 0))[0],
                within.get(a, (0, 0))[1],
            )
            for a in sorted(set(opening) | set(within), key=lambda i: codes[i])
        ]

    def _split_month(
        self, org_id: int, month: Period, one: tuple[date, date], other: tuple[date, date]
    ) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
        """The sums of the two parts ``one`` and ``other`` of ``month`` (between them, the whole
        month): the shorter read from its lines, the other the month's stored turnover less it."""
        if _days(*one) == 0 or _days(*other) == 0:
            whole = self._pb_sums(org_id, month, month)
            return ({}, whole) if _days(*one) == 0 else (whole, {})
        month_sums = self._pb_sums(org_id, month, month)
        if _days(*one) <= _days(*other):
            read = self._line_sums(org_id, *one)
            return read, _less(month_sums, read)
        read = self._line_sums(org_id, *other)
        return _less(month_sums, read), read

    def write_snapshot(self, org_id: int, year: int, month: int) -> None:
        snapshots.write(self.session, org_id, year, month)

    def drop_snapshots(self, org_id: int, year: int, month: int) -> None:
        snapshots.drop_from(self.session, org_id, year, month)
        self.session.execute(delete(VerifiedPointRow).where(VerifiedPointRow.org_id == org_id))

    def stored_snapshots(self, org_id: int) -> list[tuple[int, int, str, int | None, int, int]]:
        totals = self.session.execute(
            select(
                PeriodSnapshotRow.year,
                PeriodSnapshotRow.month,
                AccountRow.code,
                PeriodSnapshotRow.debit_fen,
                PeriodSnapshotRow.credit_fen,
            )
            .join(AccountRow, AccountRow.id == PeriodSnapshotRow.account_id)
            .where(PeriodSnapshotRow.org_id == org_id)
        )
        members = self.session.execute(
            select(
                MemberSnapshotRow.year,
                MemberSnapshotRow.month,
                AccountRow.code,
                MemberSnapshotRow.member_id,
                MemberSnapshotRow.net_fen,
            )
            .join(AccountRow, AccountRow.id == MemberSnapshotRow.account_id)
            .where(MemberSnapshotRow.org_id == org_id)
        )
        return list(
            itertools.chain(
                ((int(y), int(m), c, None, int(d), int(cr)) for y, m, c, d, cr in totals),
                ((int(y), int(m), c, int(mem), int(n), 0) for y, m, c, mem, n in members),
            )
        )

    def snapshot_mismatches(self, org_id: int) -> list[str]:
        return snapshots.mismatches(self.session, org_id)

    def consolidated_turnovers(
        self, org_ids: Sequence[int], first: Period, last: Period
    ) -> list[Turnover]:
        return snapshots.consolidated_turnovers(self.session, org_ids, first, last)

    def ledger_sums(
        self,
        org_id: int,
        codes: Sequence[str],
        member_id: int | None,
        start: date | None,
        end: date,
    ) -> tuple[int, int]:
        """An account's sums are the stored turnover's (the closed months' snapshot and the
        monthly turnover, topped up from the lines of a part month); a member's are summed
        from its lines, by the member's index."""
        ids = {self._account_ids(org_id)[c] for c in codes}
        if member_id is None:
            debit, credit = self._sums_through(org_id, ids, end)
            if start is not None:
                d, c = self._sums_through(org_id, ids, date.fromordinal(start.toordinal() - 1))
                debit, credit = debit - d, credit - c
            return debit, credit
        query = (
            select(func.coalesce(func.sum(DEBIT), 0), func.coalesce(func.sum(CREDIT), 0))
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherLineRow.member_id == member_id,
                VoucherLineRow.account_id.in_(ids),
                VoucherRow.status == "posted",
                VoucherRow.booked_on <= end,
            )
        )
        if start is not None:
            query = query.where(VoucherRow.booked_on >= start)
        debit, credit = self.session.execute(query).one()
        return int(debit), int(credit)

    def _sums_through(self, org_id: int, ids: Collection[int], day: date) -> tuple[int, int]:
        """The debit and credit posted on accounts ``ids`` from the first posting through
        ``day``: the stored sums through the month before, and through ``day``'s month when it
        is its last day, else that month's lines up to ``day``."""
        month = Period.of(day)
        whole = day == month.last_day
        sums = snapshots.sums_through(self.session, org_id, month if whole else month.previous())
        if not whole:
            sums = _add(sums, self._line_sums(org_id, month.first_day, day))
        return (
            sum(sums.get(i, (0, 0))[0] for i in ids),
            sum(sums.get(i, (0, 0))[1] for i in ids),
        )

    def ledger_days(
        self, org_id: int, codes: Sequence[str], member_id: int | None, start: date, end: date
    ) -> list[DayTotal]:
        base = self._ledger_lines(org_id, codes, member_id)
        rows = self.session.execute(
            select(VoucherRow.booked_on, func.count(), func.sum(DEBIT), func.sum(CREDIT))
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(*base, VoucherRow.booked_on >= start, VoucherRow.booked_on <= end)
            .group_by(VoucherRow.booked_on)
            .order_by(VoucherRow.booked_on)
        )
        return [DayTotal(on.isoformat(), int(n), int(d), int(c)) for on, n, d, c in rows]

    def _ledger_lines(
        self, org_id: int, codes: Sequence[str], member_id: int | None
    ) -> list[ColumnElement[bool]]:
        """The conditions on a line and its voucher of a ledger's posted lines."""
        ids = [self._account_ids(org_id)[c] for c in codes]
        base = [
            VoucherLineRow.org_id == org_id,
            VoucherRow.org_id == org_id,  # the voucher index finds an organization's lines
            VoucherLineRow.account_id.in_(ids),
            VoucherRow.status == "posted",
        ]
        if member_id is not None:
            base.append(VoucherLineRow.member_id == member_id)
        return base

    def ledger_entries(
        self,
        org_id: int,
        codes: Sequence[str],
        member_id: int | None,
        start: date,
        end: date,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LedgerEntry]:
        base = self._ledger_lines(org_id, codes, member_id)
        rows = self.session.execute(
            select(
                VoucherRow.id,
                VoucherRow.booked_on,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherRow.memo,
                VoucherLineRow.memo,
                AccountRow.code,
                MemberRow.member_no,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
            )
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .where(*base, VoucherRow.booked_on >= start, VoucherRow.booked_on <= end)
            .order_by(
                VoucherRow.booked_on,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherLineRow.line_no,
            )
            .offset(offset or None)
            .limit(limit)
        )
        return [
            LedgerEntry(
                vid,
                booked.isoformat(),
                voucher_number(Period(y, m), n),
                line_memo or memo,
                code,
                member_no,
                amount if side == "D" else 0,
                amount if side == "C" else 0,
            )
            for vid, booked, y, m, n, memo, line_memo, code, member_no, side, amount in rows
        ]

    def recomputed_turnover(
        self, org_id: int, months: Collection[tuple[int, int]] | None = None
    ) -> dict[tuple[str, int, int], tuple[int, int]]:
        if months is not None and not months:
            return {}
        within = (
            [tuple_(VoucherRow.year, VoucherRow.month).in_(sorted(months))]
            if months is not None
            else []
        )
        rows = self.session.execute(
            select(
                AccountRow.code,
                VoucherRow.year,
                VoucherRow.month,
                func.sum(DEBIT),
                func.sum(CREDIT),
            )
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
                *within,
            )
            .group_by(AccountRow.code, VoucherRow.year, VoucherRow.month)
        )
        return {(c, y, m): (int(d), int(cr)) for c, y, m, d, cr in rows}

    def stored_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]:
        rows = self.session.execute(
            select(
                AccountRow.code,
                PeriodBalanceRow.year,
                PeriodBalanceRow.month,
                PeriodBalanceRow.debit_fen,
                PeriodBalanceRow.credit_fen,
            )
            .join(AccountRow, AccountRow.id == PeriodBalanceRow.account_id)
            .where(PeriodBalanceRow.org_id == org_id)
        )
        return {(c, y, m): (int(d), int(cr)) for c, y, m, d, cr in rows}

    def _shape_keys(
        self, org_ids: Collection[int], rows: Sequence[Sequence[int]]
    ) -> dict[int, ShapeTurnover]:
        """Rows of (org, year, month, debit account, debit fund, credit account, credit fund,
        amount, entries) with ids, keyed by codes (None for 0) per organization."""
        ids = sorted(org_ids)
        accounts = {
            int(i): str(c)
            for i, c in read_rows(
                self.session,
                select(AccountRow.id, AccountRow.code).where(AccountRow.org_id.in_(ids)),
            )
        }
        funds = {
            int(i): str(c)
            for i, c in read_rows(
                self.session, select(FundRow.id, FundRow.code).where(FundRow.org_id.in_(ids))
            )
        }
        out: dict[int, ShapeTurnover] = {o: {} for o in ids}
        for o, y, m, da, df, ca, cf, fen, n in rows:
            key: ShapeKey = (
                int(y),
                int(m),
                accounts[da] if da else None,
                funds[df] if df else None,
                accounts[ca] if ca else None,
                funds[cf] if cf else None,
            )
            out[int(o)][key] = (int(fen), int(n))
        return out

    def stored_shapes(self, org_id: int) -> ShapeTurnover:
        return self.stored_shapes_of([org_id])[org_id]

    def stored_shapes_of(self, org_ids: Collection[int]) -> dict[int, ShapeTurnover]:
        st = ShapeTurnoverRow
        rows = read_rows(
            self.session,
            select(
                st.org_id,
                st.year,
                st.month,
                st.debit_account_id,
                st.debit_fund_id,
                st.credit_account_id,
                st.credit_fund_id,
                st.amount_fen,
                st.entries,
            ).where(st.org_id.in_(sorted(org_ids))),
        )
        return self._shape_keys(org_ids, rows)

    def recomputed_shapes(
        self, org_id: int, months: Collection[tuple[int, int]] | None = None
    ) -> ShapeTurnover:
        """The turnover by shape summed from the posted lines, in SQL: the pairs are the normal
        vouchers of two lines, both positive, one of them a debit (as
        :func:`~coopledger.domain.reporting.shapes_of` finds them when posting)."""
        if months is not None and not months:
            return {}
        within = [
            VoucherRow.org_id == org_id,
            VoucherRow.status == "posted",
            *([tuple_(VoucherRow.year, VoucherRow.month).in_(sorted(months))] if months else []),
        ]
        ln = aliased(VoucherLineRow)
        pairs = (
            select(ln.voucher_id)
            .join(VoucherRow, VoucherRow.id == ln.voucher_id)
            .where(*within, VoucherRow.kind == "normal")
            .group_by(ln.voucher_id)
            .having(
                func.count() == 2,
                func.min(ln.amount_fen) > 0,
                func.sum(case((ln.side == "D", 1), else_=0)) == 1,
            )
        )
        d, c = aliased(VoucherLineRow), aliased(VoucherLineRow)
        pair_key = (
            VoucherRow.org_id,
            VoucherRow.year,
            VoucherRow.month,
            d.account_id,
            func.coalesce(d.fund_id, 0),
            c.account_id,
            func.coalesce(c.fund_id, 0),
        )
        rows = list(
            self.session.execute(
                select(*pair_key, func.sum(d.amount_fen), func.count())
                .select_from(VoucherRow)
                .join(d, and_(d.voucher_id == VoucherRow.id, d.side == "D"))
                .join(c, and_(c.voucher_id == VoucherRow.id, c.side == "C"))
                .where(VoucherRow.id.in_(pairs))
                .group_by(*pair_key)
            )
        )
        line = VoucherLineRow

        def side(code: str, value: Any) -> Any:
            return case((line.side == code, value), else_=0)

        single_key = (
            VoucherRow.org_id,
            VoucherRow.year,
            VoucherRow.month,
            side("D", line.account_id),
            side("D", func.coalesce(line.fund_id, 0)),
            side("C", line.account_id),
            side("C", func.coalesce(line.fund_id, 0)),
        )
        rows += self.session.execute(
            select(*single_key, func.sum(line.amount_fen), func.count())
            .select_from(line)
            .join(VoucherRow, VoucherRow.id == line.voucher_id)
            .where(*within, line.voucher_id.not_in(pairs))
            .group_by(*single_key)
        ).all()
        return self._shape_keys([org_id], rows)[org_id]

    # -- many organizations at once (a county's findings) ----------------------------------------

    def turnovers_of(
        self, org_ids: Collection[int], start: date, end: date
    ) -> dict[int, list[Turnover]] | None:
        """:meth:`turnovers` of each organization over whole months (None: the range does not
        start on a month's first day or end on one's last, which this does not read)."""
        first, last = Period.of(start), Period.of(end)
        if start != first.first_day or end != last.last_day or start > end:
            return None
        return snapshots.turnovers_by_org(self.session, list(org_ids), first, last)

    def stored_turnover_of(
        self, org_ids: Collection[int]
    ) -> dict[int, dict[tuple[str, int, int], tuple[int, int]]]:
        """:meth:`stored_turnover` of each organization, in one statement."""
        out: dict[int, dict[tuple[str, int, int], tuple[int, int]]] = {o: {} for o in org_ids}
        for o, c, y, m, d, cr in read_rows(
            self.session,
            select(
                PeriodBalanceRow.org_id,
                AccountRow.code,
                PeriodBalanceRow.year,
                PeriodBalanceRow.month,
                PeriodBalanceRow.debit_fen,
                PeriodBalanceRow.credit_fen,
            )
            .join(AccountRow, AccountRow.id == PeriodBalanceRow.account_id)
            .where(PeriodBalanceRow.org_id.in_(sorted(org_ids))),
        ):
            out[int(o)][(c, y, m)] = (int(d), int(cr))
        return out

    def stored_snapshots_of(
        self, org_ids: Collection[int]
    ) -> dict[int, list[tuple[int, int, str, int | None, int, int]]]:
        """:meth:`stored_snapshots` of each organization, in two statements."""
        ids = sorted(org_ids)
        out: dict[int, list[tuple[int, int, str, int | None, int, int]]] = {o: [] for o in ids}
        for o, y, m, c, d, cr in read_rows(
            self.session,
            select(
                PeriodSnapshotRow.org_id,
                PeriodSnapshotRow.year,
                PeriodSnapshotRow.month,
                AccountRow.code,
                PeriodSnapshotRow.debit_fen,
                PeriodSnapshotRow.credit_fen,
            )
            .join(AccountRow, AccountRow.id == PeriodSnapshotRow.account_id)
            .where(PeriodSnapshotRow.org_id.in_(ids)),
        ):
            out[int(o)].append((int(y), int(m), c, None, int(d), int(cr)))
        for o, y, m, c, mem, n in read_rows(
            self.session,
            select(
                MemberSnapshotRow.org_id,
                MemberSnapshotRow.year,
                MemberSnapshotRow.month,
                AccountRow.code,
                MemberSnapshotRow.member_id,
                MemberSnapshotRow.net_fen,
            )
            .join(AccountRow, AccountRow.id == MemberSnapshotRow.account_id)
            .where(MemberSnapshotRow.org_id.in_(ids)),
        ):
            out[int(o)].append((int(y), int(m), c, int(mem), int(n), 0))
        return out


def _days(first: date, last: date) -> int:
    return max(0, (last - first).days + 1)


def _less(
    whole: Mapping[int, tuple[int, int]], *parts: Mapping[int, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    """``whole`` less ``parts``, per account; an account left with nothing is left out (it had
    lines only in the parts)."""
    out = dict(whole)
    for part in parts:
        for key, (d, c) in part.items():
            od, oc = out.get(key, (0, 0))
            out[key] = (od - d, oc - c)
    return {k: v for k, v in out.items() if v != (0, 0)}


def _add(
    a: Mapping[int, tuple[int, int]], b: Mapping[int, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    out = dict(a)
    for key, (d, c) in b.items():
        od, oc = out.get(key, (0, 0))
        out[key] = (od + d, oc + c)
    return out

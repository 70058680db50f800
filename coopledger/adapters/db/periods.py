"""The months and years in SQL: a month's state and last number, closed years, and the balances
a year's closing carries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import ColumnElement, exists, func, select, update

from coopledger.adapters.db import snapshots
from coopledger.adapters.db.base import SIGNED, SqlBase, read_rows
from coopledger.adapters.db.tables import (
    AccountRow,
    FiscalYearRow,
    FundRow,
    MemberRow,
    PeriodRow,
    UserRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.accounts import Category, Subledger
from coopledger.domain.ledger import Balance
from coopledger.domain.periods import Period
from coopledger.services.ports import PeriodState


class SqlPeriods(SqlBase):
    def _ensure_period(self, org_id: int, year: int, month: int) -> None:
        stmt = self._insert(PeriodRow).values(
            org_id=org_id, year=year, month=month, status="open", last_number=0
        )
        self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["org_id", "year", "month"])
        )

    def periods(self, org_id: int) -> list[PeriodState]:
        rows = self.session.execute(
            select(PeriodRow, UserRow.username)
            .outerjoin(UserRow, UserRow.id == PeriodRow.closed_by)
            .where(PeriodRow.org_id == org_id)
            .order_by(PeriodRow.year, PeriodRow.month)
        )
        return [
            PeriodState(r.year, r.month, r.status, r.last_number, r.closed_at, closer)
            for r, closer in rows
        ]

    def periods_of(self, org_ids: Collection[int]) -> dict[int, list[PeriodState]]:
        """:meth:`periods` of each organization, in one statement."""
        out: dict[int, list[PeriodState]] = {o: [] for o in org_ids}
        for org_id, year, month, status, last_number, closed_at, closer in read_rows(
            self.session,
            select(
                PeriodRow.org_id,
                PeriodRow.year,
                PeriodRow.month,
                PeriodRow.status,
                PeriodRow.last_number,
                PeriodRow.closed_at,
                UserRow.username,
            )
            .outerjoin(UserRow, UserRow.id == PeriodRow.closed_by)
            .where(PeriodRow.org_id.in_(sorted(org_ids)))
            .order_by(PeriodRow.org_id, PeriodRow.year, PeriodRow.month),
        ):
            out[org_id].append(PeriodState(year, month, status, last_number, closed_at, closer))
        return out

    def year_stages_of(self, org_ids: Collection[int], year: int) -> dict[int, str | None]:
        """:meth:`year_stage` of each organization, in one statement."""
        found = dict(
            self.session.execute(
                select(FiscalYearRow.org_id, FiscalYearRow.status).where(
                    FiscalYearRow.org_id.in_(sorted(org_ids)), FiscalYearRow.year == year
                )
            )
            .tuples()
            .all()
        )
        return {o: found.get(o) for o in org_ids}

    def period_status(self, org_id: int, year: int, month: int) -> str:
        status = self.session.scalar(
            select(PeriodRow.status).where(
                PeriodRow.org_id == org_id, PeriodRow.year == year, PeriodRow.month == month
            )
        )
        return status or "open"

    def closed_after(self, org_id: int, year: int, month: int) -> tuple[int, int] | None:
        row = self.session.execute(
            select(PeriodRow.year, PeriodRow.month)
            .where(
                PeriodRow.org_id == org_id,
                PeriodRow.status == "closed",
                PeriodRow.year * 100 + PeriodRow.month > year * 100 + month,
            )
            .order_by(PeriodRow.year.desc(), PeriodRow.month.desc())
            .limit(1)
        ).first()
        return None if row is None else (int(row[0]), int(row[1]))

    def set_period_status(
        self, org_id: int, year: int, month: int, status: str, by: int | None, at: datetime | None
    ) -> None:
        self._ensure_period(org_id, year, month)
        self.session.execute(
            update(PeriodRow)
            .where(PeriodRow.org_id == org_id, PeriodRow.year == year, PeriodRow.month == month)
            .values(status=status, closed_by=by, closed_at=at)
        )

    def year_closed(self, org_id: int, year: int) -> bool:
        return self.year_stage(org_id, year) == "closed"

    def year_stage(self, org_id: int, year: int) -> str | None:
        return self.session.scalar(
            select(FiscalYearRow.status).where(
                FiscalYearRow.org_id == org_id, FiscalYearRow.year == year
            )
        )

    def reopen_fiscal_year(self, org_id: int, year: int) -> None:
        self.session.execute(
            update(FiscalYearRow)
            .where(FiscalYearRow.org_id == org_id, FiscalYearRow.year == year)
            .values(status="carried")
        )

    def finish_fiscal_year(
        self, org_id: int, year: int, more_surplus_fen: int, by: int, at: datetime
    ) -> None:
        self.session.execute(
            update(FiscalYearRow)
            .where(FiscalYearRow.org_id == org_id, FiscalYearRow.year == year)
            .values(
                status="closed",
                surplus_fen=FiscalYearRow.surplus_fen + more_surplus_fen,
                closed_by=by,
                closed_at=at,
            )
        )

    def add_fiscal_year(
        self,
        org_id: int,
        year: int,
        surplus_fen: int,
        closing_voucher_id: int | None,
        by: int,
        at: datetime,
        status: str = "closed",
    ) -> None:
        self.session.add(
            FiscalYearRow(
                org_id=org_id,
                year=year,
                surplus_fen=surplus_fen,
                closing_voucher_id=closing_voucher_id,
                closed_by=by,
                closed_at=at,
                status=status,
            )
        )
        self.session.flush()

    def pnl_balances(self, org_id: int, through: date) -> list[Balance]:
        """The income and expense balances posted up to ``through``, per account, member and
        fund. Through a month's last day each account's balance is the stored cumulative
        turnover's (the closed months' snapshot plus the monthly turnover posting keeps); only
        the lines carrying a member or a fund are read, to split it, the rest of the account's
        balance being its lines with neither."""
        accounts = self.session.execute(
            select(AccountRow.id, AccountRow.code, AccountRow.subledger).where(
                AccountRow.org_id == org_id,
                AccountRow.category.in_([Category.INCOME.value, Category.EXPENSE.value]),
            )
        ).all()
        month = Period.of(through)
        if through != month.last_day:
            return self._pnl_lines(org_id, through)
        codes = {int(i): code for i, code, _s in accounts}
        by_member = [int(i) for i, _c, kept in accounts if kept == Subledger.MEMBER.value]
        split = self._pnl_split(org_id, through, codes, by_member)
        rest = {
            i: debit - credit
            for i, (debit, credit) in snapshots.sums_through(self.session, org_id, month).items()
            if i in codes
        }
        ids = {code: i for i, code in codes.items()}
        for b in split:
            rest[ids[b.account]] = rest.get(ids[b.account], 0) - b.net_fen
        plain = [Balance(codes[i], net) for i, net in rest.items() if net]
        return sorted([*plain, *split], key=lambda b: (b.account, b.member or "", b.fund or ""))

    def _pnl_split(
        self, org_id: int, through: date, codes: dict[int, str], by_member: list[int]
    ) -> list[Balance]:
        """The income and expense balances of the posted lines up to ``through`` that carry a
        fund, or a member (on an account ``by_member``), per account, member and fund. Each
        query reads one index: the fund's (ids are positive: "> 0" walks only the lines with a
        fund), the member accounts'; each line's voucher is looked up by its key."""
        posted = exists().where(
            VoucherRow.id == VoucherLineRow.voucher_id,
            VoucherRow.status == "posted",
            VoucherRow.booked_on <= through,
        )
        nets: dict[tuple[int, int | None, int | None], int] = defaultdict(int)
        wanted: list[list[ColumnElement[bool]]] = [[VoucherLineRow.fund_id > 0]]
        if by_member:
            wanted.append(
                [VoucherLineRow.account_id.in_(by_member), VoucherLineRow.fund_id.is_(None)]
            )
        for where in wanted:  # summed here: a GROUP BY would have SQLite read another index
            for a, m, f, net in self.session.execute(
                select(
                    VoucherLineRow.account_id,
                    VoucherLineRow.member_id,
                    VoucherLineRow.fund_id,
                    SIGNED,
                ).where(VoucherLineRow.org_id == org_id, *where, posted)
            ).tuples():
                if a in codes:
                    nets[(a, m, f)] += int(net)
        found = [(a, m, f, n) for (a, m, f), n in nets.items() if n]
        members = dict(
            self.session.execute(
                select(MemberRow.id, MemberRow.member_no).where(
                    MemberRow.id.in_({m for _a, m, _f, _n in found if m is not None})
                )
            )
            .tuples()
            .all()
        )
        funds = dict(
            self.session.execute(
                select(FundRow.id, FundRow.code).where(
                    FundRow.id.in_({f for _a, _m, f, _n in found if f is not None})
                )
            )
            .tuples()
            .all()
        )
        return [
            Balance(
                codes[a],
                net,
                members[m] if m is not None else None,
                funds[f] if f is not None else None,
            )
            for a, m, f, net in found
        ]

    def _pnl_lines(self, org_id: int, through: date) -> list[Balance]:
        """The income and expense balances summed from the posted lines up to ``through``, per
        account, member and fund."""
        query = (
            select(AccountRow.code, MemberRow.member_no, FundRow.code, func.sum(SIGNED))
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .outerjoin(FundRow, FundRow.id == VoucherLineRow.fund_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,  # the voucher index finds an organization's lines
                VoucherRow.status == "posted",
                VoucherRow.booked_on <= through,
                AccountRow.category.in_([Category.INCOME.value, Category.EXPENSE.value]),
            )
            .group_by(AccountRow.code, MemberRow.member_no, FundRow.code)
        )
        return [
            Balance(code, int(net), member, fund)
            for code, member, fund, net in self.session.execute(query)
            if net
        ]

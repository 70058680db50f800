"""The statements' SQL: a year's members'-equity movements, the two-line vouchers summed by
shape (from the stored turnover by shape, or from the lines in a month that has other vouchers
on the accounts) and only the other vouchers read line by line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from itertools import groupby
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from coopledger.adapters.db.accounts import SqlAccounts
from coopledger.adapters.db.base import SIGNED
from coopledger.adapters.db.tables import FundRow, ShapeTurnoverRow, VoucherLineRow, VoucherRow
from coopledger.domain.equity import PostedVoucher
from coopledger.domain.ledger import Dr, Line, VoucherKind
from coopledger.domain.periods import Period, voucher_number
from coopledger.services.ports.statements import EquityPairs, NumberKey


class SqlStatements(SqlAccounts):
    def _ids(self, org_id: int, codes: Collection[str]) -> list[int]:
        known = self._account_ids(org_id)
        return sorted(known[c] for c in codes if c in known)

    def _pairs(self, org_id: int, year: int, slow: list[int], equity: list[int]) -> Any:
        """(equity line, counterpart) of the year's posted normal two-line vouchers with a line
        on ``slow`` whose other line is outside ``equity``, both amounts positive."""
        e, k, x = aliased(VoucherLineRow), aliased(VoucherLineRow), aliased(VoucherLineRow)
        return (
            e,
            k,
            select()
            .select_from(e)
            .join(VoucherRow, VoucherRow.id == e.voucher_id)
            .join(k, and_(k.voucher_id == e.voucher_id, k.line_no != e.line_no))
            .where(
                e.account_id.in_(slow),
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
                VoucherRow.year == year,
                VoucherRow.kind == VoucherKind.NORMAL.value,
                e.amount_fen > 0,
                k.amount_fen > 0,
                k.account_id.not_in(equity),
                ~exists()
                .where(x.voucher_id == e.voucher_id, x.line_no != e.line_no, x.line_no != k.line_no)
                .correlate_except(x),
            ),
        )

    def _codes(self, org_id: int) -> tuple[dict[int, str], dict[int, str]]:
        accounts = {i: c for c, i in self._account_ids(org_id).items()}
        funds = dict(
            self.session.execute(select(FundRow.id, FundRow.code).where(FundRow.org_id == org_id))
            .tuples()
            .all()
        )
        return accounts, funds

    def equity_movements(
        self, org_id: int, year: int, slow: Collection[str], equity: Collection[str]
    ) -> tuple[list[EquityPairs], list[tuple[NumberKey, PostedVoucher]]]:
        slow_ids, equity_ids = self._ids(org_id, slow), self._ids(org_id, equity)
        if not slow_ids:
            return [], []
        accounts, funds = self._codes(org_id)
        # the pairs of a month come from the stored turnover by shape; a month with any other
        # entry on ``slow`` (a voucher of more lines, a reversal, the closing, a pair inside
        # equity) is read from its lines instead, every voucher of it by the query below
        st = ShapeTurnoverRow
        stored = self.session.execute(
            select(
                st.month,
                st.debit_account_id,
                st.debit_fund_id,
                st.credit_account_id,
                st.credit_fund_id,
                st.amount_fen,
                st.entries,
            ).where(
                st.org_id == org_id,
                st.year == year,
                or_(st.debit_account_id.in_(slow_ids), st.credit_account_id.in_(slow_ids)),
            )
        ).all()
        inside, read = set(slow_ids) | set(equity_ids), set()
        # (month, equity account, credited, counterpart, its fund): the equity line's own fund
        # is not part of the shape the statement attributes, so its rows add up
        summed: dict[tuple[int, int, bool, int, int], list[int]] = defaultdict(lambda: [0, 0])
        for month, da, df, ca, cf, fen, entries in stored:
            if da in slow_ids and ca and ca not in inside:
                key = (int(month), int(da), False, int(ca), int(cf))
            elif ca in slow_ids and da and da not in inside:
                key = (int(month), int(ca), True, int(da), int(df))
            else:
                read.add(int(month))
                continue
            summed[key][0] += int(fen)
            summed[key][1] += int(entries)
        by_shape: dict[tuple[int, bool, int, int], list[int]] = defaultdict(lambda: [0, 0])
        for (month, account, credit, counterpart, fund), (fen, entries) in summed.items():
            if month not in read:
                by_shape[account, credit, counterpart, fund][0] += fen
                by_shape[account, credit, counterpart, fund][1] += entries
        pairs = [
            EquityPairs(accounts[a], credit, accounts[c], funds[f] if f else None, fen, entries)
            for (a, credit, c, f), (fen, entries) in sorted(by_shape.items())
        ]
        if not read:
            return pairs, []
        read_pairs, others = self._equity_lines(org_id, year, sorted(read), slow_ids, equity_ids)
        return pairs + read_pairs, others

    def _equity_lines(
        self, org_id: int, year: int, months: list[int], slow_ids: list[int], equity_ids: list[int]
    ) -> tuple[list[EquityPairs], list[tuple[NumberKey, PostedVoucher]]]:
        """:meth:`equity_movements` of ``months`` of ``year``, read from the lines."""
        e, k, x = aliased(VoucherLineRow), aliased(VoucherLineRow), aliased(VoucherLineRow)
        # each line on ``slow`` with its counterpart when its voucher is such a pair (else none):
        # the pairs summed by shape, every other voucher by itself
        other = case((k.id.is_(None), e.voucher_id), else_=None)
        shape = (e.account_id, e.side, k.account_id, k.fund_id, other)
        rows = self.session.execute(
            select(*shape, func.sum(e.amount_fen), func.count())
            .select_from(e)
            .join(VoucherRow, VoucherRow.id == e.voucher_id)
            .outerjoin(
                k,
                and_(
                    k.voucher_id == e.voucher_id,
                    k.line_no != e.line_no,
                    VoucherRow.kind == VoucherKind.NORMAL.value,
                    e.amount_fen > 0,
                    k.amount_fen > 0,
                    k.account_id.not_in(equity_ids),
                    ~exists()
                    .where(
                        x.voucher_id == e.voucher_id,
                        x.line_no != e.line_no,
                        x.line_no != k.line_no,
                    )
                    .correlate_except(x),
                ),
            )
            .where(
                e.account_id.in_(slow_ids),
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
                VoucherRow.year == year,
                VoucherRow.month.in_(months),
            )
            .group_by(*shape)
        ).all()
        accounts, funds = self._codes(org_id)
        pairs = [
            EquityPairs(
                accounts[int(a)],
                side == "C",
                accounts[int(c)],
                funds[int(f)] if f is not None else None,
                int(fen),
                int(n),
            )
            for a, side, c, f, v, fen, n in rows
            if c is not None
        ]
        others = sorted({int(v) for _, _, c, _, v, _, _ in rows if c is None})
        return pairs, self._posted(others, accounts, funds)

    def equity_pair_numbers(
        self, org_id: int, year: int, slow: Collection[str], equity: Collection[str], limit: int
    ) -> dict[tuple[str, bool, str, str | None], list[NumberKey]]:
        slow_ids, equity_ids = self._ids(org_id, slow), self._ids(org_id, equity)
        if not slow_ids:
            return {}
        e, k, query = self._pairs(org_id, year, slow_ids, equity_ids)
        shape = (e.account_id, e.side, k.account_id, k.fund_id)
        order = (VoucherRow.year, VoucherRow.month, VoucherRow.number)
        ranked = query.add_columns(
            *shape,
            *order,
            func.row_number().over(partition_by=shape, order_by=order).label("rank"),
        ).subquery()
        accounts, funds = self._codes(org_id)
        out: dict[tuple[str, bool, str, str | None], list[NumberKey]] = {}
        cols = ranked.c
        for a, side, c, f, y, m, n in self.session.execute(
            select(*list(cols)[:7]).where(cols.rank <= limit)
        ):
            key = (
                accounts[int(a)],
                side == "C",
                accounts[int(c)],
                funds[int(f)] if f is not None else None,
            )
            out.setdefault(key, []).append((int(y), int(m), int(n)))
        for numbers in out.values():
            numbers.sort()
        return out

    def _posted(
        self, ids: list[int], accounts: dict[int, str], funds: dict[int, str]
    ) -> list[tuple[NumberKey, PostedVoucher]]:
        """The vouchers ``ids`` with their lines, in id order."""
        return [
            (key, PostedVoucher(voucher_number(Period(key[0], key[1]), key[2]), lines, reversal))
            for key, kind, lines in self._with_lines(ids, accounts, funds)
            for reversal in (kind == VoucherKind.REVERSAL.value,)
        ]

    def _with_lines(
        self, ids: list[int], accounts: dict[int, str], funds: dict[int, str]
    ) -> list[tuple[NumberKey, str, tuple[Line, ...]]]:
        """(number key, kind, lines) of the vouchers ``ids``, in id order."""
        ln = VoucherLineRow
        out: list[tuple[NumberKey, str, tuple[Line, ...]]] = []
        for chunk in range(0, len(ids), 500):
            rows = self.session.execute(
                select(
                    VoucherRow.id,
                    VoucherRow.year,
                    VoucherRow.month,
                    VoucherRow.number,
                    VoucherRow.kind,
                    ln.account_id,
                    ln.side,
                    ln.amount_fen,
                    ln.fund_id,
                )
                .join(VoucherRow, VoucherRow.id == ln.voucher_id)
                .where(ln.voucher_id.in_(ids[chunk : chunk + 500]))
                .order_by(ln.voucher_id, ln.line_no)
            )
            for _, group in groupby(rows, key=lambda r: int(r[0])):
                lines = list(group)
                _, y, m, n, kind, *_ = lines[0]
                out.append(
                    (
                        (int(y), int(m), int(n or 0)),
                        str(kind),
                        tuple(
                            Line(
                                accounts[int(a)],
                                Dr.DEBIT if side == "D" else Dr.CREDIT,
                                int(fen),
                                fund=funds[int(f)] if f is not None else None,
                            )
                            for *_, a, side, fen, f in lines
                        ),
                    )
                )
        return out

    def posted_touching(
        self, org_id: int, year: int, accounts: Collection[str]
    ) -> list[tuple[VoucherKind, tuple[Line, ...]]]:
        account_ids = self._ids(org_id, accounts)
        if not account_ids:
            return []
        ln = VoucherLineRow
        ids = sorted(
            {
                int(i)
                for i in self.session.scalars(
                    select(ln.voucher_id)
                    .join(VoucherRow, VoucherRow.id == ln.voucher_id)
                    .where(
                        ln.account_id.in_(account_ids),
                        VoucherRow.org_id == org_id,
                        VoucherRow.status == "posted",
                        VoucherRow.year == year,
                    )
                )
            }
        )
        codes, funds = self._codes(org_id)
        return [
            (VoucherKind(kind), lines) for _, kind, lines in self._with_lines(ids, codes, funds)
        ]

    def vouchers_netting(
        self, org_id: int, year: int, accounts: Collection[str], slow: Collection[str], limit: int
    ) -> tuple[int, list[NumberKey]]:
        account_ids, slow_ids = self._ids(org_id, accounts), self._ids(org_id, slow)
        if not account_ids:
            return 0, []
        ln = VoucherLineRow
        touching_slow = select(ln.voucher_id).where(ln.account_id.in_(slow_ids))
        order = (VoucherRow.year, VoucherRow.month, VoucherRow.number)
        netting = (
            select(*order)
            .select_from(ln)
            .join(VoucherRow, VoucherRow.id == ln.voucher_id)
            .where(
                ln.account_id.in_(account_ids),
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
                VoucherRow.year == year,
                ln.voucher_id.not_in(touching_slow),
            )
            .group_by(ln.voucher_id, *order)
            .having(func.sum(SIGNED) != 0)
            .subquery()
        )
        cols = netting.c
        rows = self.session.execute(
            select(cols.year, cols.month, cols.number, func.count().over())
            .order_by(cols.year, cols.month, cols.number)
            .limit(limit)
        ).all()
        if not rows:
            return 0, []
        return int(rows[0][3]), [(int(y), int(m), int(n)) for y, m, n, _ in rows]

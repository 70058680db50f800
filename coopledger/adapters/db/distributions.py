"""The SQL implementation of :class:`coopledger.services.ports.Distributions`."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.tables import (
    DistributionLineRow,
    DistributionPaymentRow,
    DistributionPlanRow,
    DividendReceiptRow,
    FiscalYearRow,
    IssuedDocumentRow,
    IssuedStatementRow,
    MemberRow,
    OrganizationRow,
    UserRow,
    VoucherRow,
)
from coopledger.services.ports import IssuedStatement, PaidSoFar, PlanLineRecord, PlanRecord


class SqlDistributions(SqlBase):
    def fiscal_year_surplus(self, org_id: int, year: int, *, lock: bool = False) -> int | None:
        query = select(FiscalYearRow.surplus_fen).where(
            FiscalYearRow.org_id == org_id, FiscalYearRow.year == year
        )
        if lock:
            query = query.with_for_update()
        value = self.session.scalar(query)
        return None if value is None else int(value)

    def add_plan(
        self,
        org_id: int,
        year: int,
        pools: Mapping[str, int],
        inputs: Mapping[str, object],
        lines: Sequence[tuple[int, Mapping[str, object]]],
        prepared_by: int,
        at: datetime,
    ) -> int:
        row = DistributionPlanRow(
            org_id=org_id,
            year=year,
            status="draft",
            inputs=json.dumps(inputs, ensure_ascii=False),
            s_fen=pools["S"],
            l_fen=pools["L"],
            r_fen=pools["R"],
            others_fen=pools["others"],
            d_fen=pools["D"],
            p_fen=pools["P"],
            q_fen=pools["Q"],
            t_fen=pools["T"],
            prepared_by=prepared_by,
            created_at=at,
            vouchers="[]",
        )
        self.session.add(row)
        self.session.flush()
        if lines:
            self.session.execute(
                DistributionLineRow.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {"plan_id": row.id, "member_id": member_id, **fields}
                    for member_id, fields in lines
                ],
            )
        return row.id

    def plan(self, org_id: int, plan_id: int, *, lock: bool = False) -> PlanRecord | None:
        query = select(DistributionPlanRow).where(
            DistributionPlanRow.org_id == org_id, DistributionPlanRow.id == plan_id
        )
        if lock:
            query = query.with_for_update()
        row = self.session.execute(
            query.execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None:
            return None
        users = dict(
            self.session.execute(
                select(UserRow.id, UserRow.username).where(
                    UserRow.id.in_({row.prepared_by, row.approved_by or row.prepared_by})
                )
            )
            .tuples()
            .all()
        )
        org_code = self.session.scalar(
            select(OrganizationRow.code).where(OrganizationRow.id == org_id)
        )
        paid: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for member_id, method, patronage, residual, offset in self.session.execute(
            select(
                DistributionPaymentRow.member_id,
                DistributionPaymentRow.method,
                DistributionPaymentRow.patronage_fen,
                DistributionPaymentRow.residual_fen,
                DistributionPaymentRow.offset_fen,
            ).where(DistributionPaymentRow.plan_id == plan_id)
        ):
            totals = paid[member_id]
            totals[0] += patronage
            totals[1] += residual
            totals[2] += offset
            if method == "capital":
                totals[3] += patronage + residual
        line = DistributionLineRow
        lines = tuple(
            PlanLineRecord(
                member_id,
                no,
                name,
                kind,
                transaction,
                share,
                fiscal,
                status,
                patronage,
                residual,
                topup,
                minimum,
                PaidSoFar(*paid[member_id]) if member_id in paid else PaidSoFar(),
            )
            for member_id, no, name, kind, transaction, share, fiscal, status, patronage, residual, topup, minimum in self.session.execute(
                select(
                    line.member_id,
                    MemberRow.member_no,
                    MemberRow.name,
                    MemberRow.kind,
                    line.transaction_fen,
                    line.account_share_fen,
                    line.fiscal_share_fen,
                    line.poverty_status,
                    line.patronage_fen,
                    line.residual_fen,
                    line.topup_fen,
                    line.minimum_fen,
                )
                .join(MemberRow, MemberRow.id == line.member_id)
                .where(line.plan_id == plan_id)
                .order_by(line.id)
            ).tuples()
        )
        return PlanRecord(
            row.id,
            str(org_code),
            row.year,
            row.status,
            json.loads(row.inputs),
            row.s_fen,
            row.l_fen,
            row.r_fen,
            row.others_fen,
            row.d_fen,
            row.p_fen,
            row.q_fen,
            row.t_fen,
            users[row.prepared_by],
            row.resolution,
            row.approved_on,
            users.get(row.approved_by) if row.approved_by else None,
            tuple(json.loads(row.vouchers)),
            lines,
        )

    def plans(self, org_id: int, year: int | None) -> list[tuple[int, int, str]]:
        query = select(
            DistributionPlanRow.id, DistributionPlanRow.year, DistributionPlanRow.status
        ).where(DistributionPlanRow.org_id == org_id)
        if year is not None:
            query = query.where(DistributionPlanRow.year == year)
        return [
            (int(i), int(y), s)
            for i, y, s in self.session.execute(query.order_by(DistributionPlanRow.id))
        ]

    def set_plan(self, plan_id: int, fields: Mapping[str, object]) -> None:
        values: dict[str, Any] = dict(fields)
        if "vouchers" in values:
            values["vouchers"] = json.dumps(values["vouchers"])
        self.session.execute(
            update(DistributionPlanRow).where(DistributionPlanRow.id == plan_id).values(**values)
        )

    def delete_plan(self, plan_id: int) -> None:
        self.session.execute(
            delete(DistributionLineRow).where(DistributionLineRow.plan_id == plan_id)
        )
        self.session.execute(delete(DistributionPlanRow).where(DistributionPlanRow.id == plan_id))

    def add_payments(
        self,
        plan_id: int,
        voucher_id: int,
        paid_on: date,
        method: str,
        rows: Sequence[tuple[int, int, int, int]],
    ) -> None:
        if rows:
            self.session.execute(
                DistributionPaymentRow.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {
                        "plan_id": plan_id,
                        "member_id": m,
                        "voucher_id": voucher_id,
                        "paid_on": paid_on,
                        "method": method,
                        "patronage_fen": p,
                        "residual_fen": r,
                        "offset_fen": o,
                    }
                    for m, p, r, o in rows
                ],
            )

    def payment_vouchers(self, plan_id: int, member_id: int) -> list[int]:
        rows = self.session.scalars(
            select(DistributionPaymentRow.voucher_id)
            .where(
                DistributionPaymentRow.plan_id == plan_id,
                DistributionPaymentRow.member_id == member_id,
            )
            .distinct()
            .order_by(DistributionPaymentRow.voucher_id)
        )
        return list(rows)

    def paid_to_member(self, plan_id: int, member_id: int) -> int:
        """What the plan's posted payment vouchers paid a member in money (offsets and
        conversions to capital are not money paid out)."""
        total = self.session.scalar(
            select(
                func.coalesce(
                    func.sum(
                        DistributionPaymentRow.patronage_fen
                        + DistributionPaymentRow.residual_fen
                        - DistributionPaymentRow.offset_fen
                    ),
                    0,
                )
            )
            .join(VoucherRow, VoucherRow.id == DistributionPaymentRow.voucher_id)
            .where(
                DistributionPaymentRow.plan_id == plan_id,
                DistributionPaymentRow.member_id == member_id,
                DistributionPaymentRow.method != "capital",
                VoucherRow.status == "posted",
            )
        )
        return int(total or 0)

    def receipt(self, org_id: int, plan_id: int) -> int | None:
        value = self.session.scalar(
            select(DividendReceiptRow.voucher_id).where(
                DividendReceiptRow.org_id == org_id, DividendReceiptRow.plan_id == plan_id
            )
        )
        return None if value is None else int(value)

    def add_receipt(self, org_id: int, plan_id: int, amount_fen: int, voucher_id: int) -> None:
        self.session.add(
            DividendReceiptRow(
                org_id=org_id, plan_id=plan_id, amount_fen=amount_fen, voucher_id=voucher_id
            )
        )
        self.session.flush()

    @staticmethod
    def _issued(row: IssuedStatementRow) -> IssuedStatement:
        return IssuedStatement(
            row.code,
            row.plan_id,
            row.year,
            row.total_fen,
            row.chain_seq,
            row.chain_head,
            row.issued_at,
        )

    def issued_statement(self, plan_id: int, member_id: int) -> IssuedStatement | None:
        row = self.session.scalar(
            select(IssuedStatementRow).where(
                IssuedStatementRow.plan_id == plan_id, IssuedStatementRow.member_id == member_id
            )
        )
        return self._issued(row) if row else None

    def issue_statement(
        self, statement: IssuedStatement, org_id: int, member_id: int
    ) -> IssuedStatement:
        # a request that issued the household's code first, and committed, wins: its code is
        # the one kept and given back (a household opening its page twice at once gets one)
        self.session.execute(
            self._insert(IssuedStatementRow)
            .values(
                code=statement.code,
                org_id=org_id,
                member_id=member_id,
                plan_id=statement.plan_id,
                year=statement.year,
                total_fen=statement.total_fen,
                chain_seq=statement.chain_seq,
                chain_head=statement.chain_head,
                issued_at=statement.issued_at,
            )
            .on_conflict_do_nothing(index_elements=["plan_id", "member_id"])
        )
        stored = self.issued_statement(statement.plan_id, member_id)
        assert stored is not None
        return stored

    def record_document(self, code: str, sha256: str, size: int, at: datetime) -> bool:
        statement_id = self.session.scalar(
            select(IssuedStatementRow.id).where(IssuedStatementRow.code == code)
        )
        if statement_id is None:
            raise LookupError(f"no statement has the code {code!r}")
        known = self.session.scalar(
            select(IssuedDocumentRow.id).where(
                IssuedDocumentRow.statement_id == statement_id, IssuedDocumentRow.sha256 == sha256
            )
        )
        if known is not None:
            return False
        self.session.add(
            IssuedDocumentRow(
                statement_id=statement_id, sha256=sha256, size_bytes=size, first_issued_at=at
            )
        )
        self.session.flush()
        return True

    def documents(self, code: str) -> list[tuple[str, datetime]]:
        rows = self.session.execute(
            select(IssuedDocumentRow.sha256, IssuedDocumentRow.first_issued_at)
            .join(IssuedStatementRow, IssuedStatementRow.id == IssuedDocumentRow.statement_id)
            .where(IssuedStatementRow.code == code)
            .order_by(IssuedDocumentRow.id)
        )
        return [(sha, at) for sha, at in rows]

    def statement_by_code(self, code: str) -> tuple[IssuedStatement, int, int] | None:
        """The statement and its organization and member ids."""
        row = self.session.scalar(select(IssuedStatementRow).where(IssuedStatementRow.code == code))
        return (self._issued(row), row.org_id, row.member_id) if row else None

"""The SQL implementation of :class:`coopledger.services.ports.construction.Construction`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AssetRow,
    ConstructionProjectRow,
    ConstructionSpendingRow,
    FundRow,
    VoucherRow,
)
from coopledger.domain.assets import AssetClass
from coopledger.domain.construction import ConstructionProject
from coopledger.services.ports.construction import ProjectRecord, SpendingRecord


class SqlConstruction:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_project(
        self,
        org_id: int,
        project: ConstructionProject,
        fund_id: int | None,
        created_by: int,
        at: datetime,
    ) -> int:
        row = ConstructionProjectRow(
            org_id=org_id,
            project_no=project.project_no,
            name=project.name,
            fund_id=fund_id,
            asset_class=project.asset_class.value,
            poverty_project=project.poverty_project,
            started_on=project.started_on,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def projects(
        self, org_id: int, *, project_no: str | None = None, lock: bool = False
    ) -> list[ProjectRecord]:
        query = (
            select(
                ConstructionProjectRow,
                FundRow.code,
                AssetRow.asset_no,
                AssetRow.acquisition_voucher_id,
            )
            .outerjoin(FundRow, FundRow.id == ConstructionProjectRow.fund_id)
            .outerjoin(AssetRow, AssetRow.id == ConstructionProjectRow.asset_id)
            .where(ConstructionProjectRow.org_id == org_id)
            .order_by(ConstructionProjectRow.project_no)
        )
        if project_no is not None:
            query = query.where(ConstructionProjectRow.project_no == project_no)
        if lock:
            query = query.with_for_update(of=ConstructionProjectRow)
        rows = self.session.execute(query).tuples().all()
        ids = [row.id for row, *_ in rows]
        spending: dict[int, list[SpendingRecord]] = defaultdict(list)
        if ids:
            for s, status in self.session.execute(
                select(ConstructionSpendingRow, VoucherRow.status)
                .join(VoucherRow, VoucherRow.id == ConstructionSpendingRow.voucher_id)
                .where(ConstructionSpendingRow.project_id.in_(ids))
                .order_by(ConstructionSpendingRow.spent_on, ConstructionSpendingRow.id)
            ).tuples():
                spending[s.project_id].append(
                    SpendingRecord(
                        s.id, s.spent_on, s.amount_fen, s.memo, s.voucher_id, status == "posted"
                    )
                )
        return [
            ProjectRecord(
                id=row.id,
                project=ConstructionProject(
                    project_no=row.project_no,
                    name=row.name,
                    asset_class=AssetClass(row.asset_class),
                    started_on=row.started_on,
                    fund=fund_code,
                    poverty_project=row.poverty_project,
                ),
                fund_id=row.fund_id,
                completed_on=row.completed_on,
                asset_no=asset_no,
                completion_voucher_id=voucher_id,
                spending=tuple(spending[row.id]),
            )
            for row, fund_code, asset_no, voucher_id in rows
        ]

    def add_spending(
        self,
        org_id: int,
        project_id: int,
        spent_on: date,
        amount_fen: int,
        memo: str,
        voucher_id: int,
        at: datetime,
    ) -> None:
        self.session.add(
            ConstructionSpendingRow(
                org_id=org_id,
                project_id=project_id,
                spent_on=spent_on,
                amount_fen=amount_fen,
                memo=memo,
                voucher_id=voucher_id,
                created_at=at,
            )
        )
        self.session.flush()

    def set_completed(self, project_id: int, on: date, asset_id: int) -> None:
        self.session.execute(
            update(ConstructionProjectRow)
            .where(ConstructionProjectRow.id == project_id)
            .values(completed_on=on, asset_id=asset_id)
        )

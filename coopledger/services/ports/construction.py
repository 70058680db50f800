"""The construction-in-progress port (在建工程): projects, their spending and completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.construction import ConstructionProject, ProjectStatus


@dataclass(frozen=True, slots=True)
class SpendingRecord:
    id: int
    spent_on: date
    amount_fen: int
    memo: str
    voucher_id: int
    posted: bool


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    project: ConstructionProject
    fund_id: int | None
    completed_on: date | None
    asset_no: str | None  # the card completion made
    completion_voucher_id: int | None
    spending: tuple[SpendingRecord, ...]

    @property
    def status(self) -> ProjectStatus:
        return ProjectStatus.COMPLETED if self.completed_on else ProjectStatus.BUILDING

    @property
    def total_fen(self) -> int:
        """What the project has cost: every spending recorded, drafts included."""
        return sum(s.amount_fen for s in self.spending)

    @property
    def posted_fen(self) -> int:
        return sum(s.amount_fen for s in self.spending if s.posted)


class Construction(Protocol):
    def add_project(
        self,
        org_id: int,
        project: ConstructionProject,
        fund_id: int | None,
        created_by: int,
        at: datetime,
    ) -> int: ...
    def projects(
        self, org_id: int, *, project_no: str | None = None, lock: bool = False
    ) -> list[ProjectRecord]: ...
    def add_spending(
        self,
        org_id: int,
        project_id: int,
        spent_on: date,
        amount_fen: int,
        memo: str,
        voucher_id: int,
        at: datetime,
    ) -> None: ...
    def set_completed(self, project_id: int, on: date, asset_id: int) -> None: ...

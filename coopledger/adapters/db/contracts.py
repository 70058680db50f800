"""The SQL implementation of :class:`coopledger.services.ports.contracts.Contracts`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AccountRow,
    ContractInstalmentRow,
    ContractPaymentRow,
    ContractRow,
    MemberRow,
    ResourceRow,
    VillageProjectRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.contracts import (
    Charged,
    Contract,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from coopledger.services.ports.contracts import (
    ContractRecord,
    PartyPosting,
    PaymentRecord,
    ProjectRecord,
    ResourceRecord,
)


class SqlContracts:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- resources ------------------------------------------------------------------------------

    def add_resource(self, org_id: int, resource: Resource, created_by: int, at: datetime) -> int:
        row = ResourceRow(
            org_id=org_id,
            kind=resource.kind.value,
            name=resource.name,
            location=resource.location,
            area_milli=resource.area_milli,
            unit=resource.unit,
            note=resource.note,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def resources(self, org_id: int) -> list[ResourceRecord]:
        rows = self.session.scalars(
            select(ResourceRow).where(ResourceRow.org_id == org_id).order_by(ResourceRow.id)
        )
        return [
            ResourceRecord(
                r.id,
                Resource(
                    ResourceKind(r.kind), r.name, r.location, int(r.area_milli), r.unit, r.note
                ),
            )
            for r in rows
        ]

    # -- contracts ------------------------------------------------------------------------------

    def add_contract(
        self,
        org_id: int,
        contract: Contract,
        member_id: int | None,
        created_by: int,
        at: datetime,
    ) -> int:
        row = ContractRow(
            org_id=org_id,
            contract_no=contract.contract_no,
            party=contract.party,
            member_id=member_id,
            resource_id=contract.resource_id,
            subject=contract.subject,
            area_milli=contract.area_milli,
            unit=contract.unit,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            note=contract.note,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            ContractInstalmentRow(contract_id=row.id, due_on=i.due_on, amount_fen=i.amount_fen)
            for i in contract.instalments
        )
        self.session.flush()
        return row.id

    def contracts(
        self, org_id: int, *, contract_id: int | None = None, lock: bool = False
    ) -> list[ContractRecord]:
        """The organization's contracts by number (one, when asked), each with its instalments
        in due order and its receipts in date order."""
        query = (
            select(ContractRow, MemberRow.member_no, ResourceRow.name)
            .outerjoin(MemberRow, MemberRow.id == ContractRow.member_id)
            .outerjoin(ResourceRow, ResourceRow.id == ContractRow.resource_id)
            .where(ContractRow.org_id == org_id)
            .order_by(ContractRow.contract_no)
        )
        if contract_id is not None:
            query = query.where(ContractRow.id == contract_id)
        if lock:
            query = query.with_for_update(of=ContractRow)
        rows = list(self.session.execute(query))
        ids = [c.id for c, _, _ in rows]
        if not ids:
            return []
        instalments: dict[int, list[Charged]] = defaultdict(list)
        for i in self.session.scalars(
            select(ContractInstalmentRow)
            .where(ContractInstalmentRow.contract_id.in_(ids))
            .order_by(ContractInstalmentRow.due_on)
        ):
            instalments[i.contract_id].append(
                Charged(i.id, i.due_on, int(i.amount_fen), i.voucher_id)
            )
        payments: dict[int, list[PaymentRecord]] = defaultdict(list)
        for p in self.session.scalars(
            select(ContractPaymentRow)
            .where(ContractPaymentRow.org_id == org_id, ContractPaymentRow.contract_id.in_(ids))
            .order_by(ContractPaymentRow.paid_on, ContractPaymentRow.id)
        ):
            payments[p.contract_id].append(
                PaymentRecord(p.id, p.paid_on, int(p.amount_fen), p.voucher_id)
            )
        return [
            ContractRecord(
                c.id,
                c.contract_no,
                c.party,
                c.member_id,
                member_no,
                c.resource_id,
                resource_name or "",
                c.subject,
                int(c.area_milli),
                c.unit,
                c.starts_on,
                c.ends_on,
                c.note,
                tuple(instalments.get(c.id, ())),
                tuple(payments.get(c.id, ())),
            )
            for c, member_no, resource_name in rows
        ]

    def contract_by_no(self, org_id: int, contract_no: str) -> ContractRecord | None:
        found = self.session.scalar(
            select(ContractRow.id).where(
                ContractRow.org_id == org_id, ContractRow.contract_no == contract_no
            )
        )
        if found is None:
            return None
        return self.contracts(org_id, contract_id=found)[0]

    def mark_charged(self, instalment_ids: Sequence[int], voucher_id: int) -> None:
        if instalment_ids:
            self.session.execute(
                update(ContractInstalmentRow)
                .where(
                    ContractInstalmentRow.id.in_(instalment_ids),
                    ContractInstalmentRow.voucher_id.is_(None),
                )
                .values(voucher_id=voucher_id)
            )
            self.session.flush()

    def party_postings(self, org_id: int, receivables: Sequence[str]) -> list[PartyPosting]:
        by_form = (
            select(ContractPaymentRow.id)
            .where(
                ContractPaymentRow.org_id == org_id,
                ContractPaymentRow.voucher_id == VoucherRow.id,
            )
            .exists()
        )
        charged = (
            select(ContractInstalmentRow.id)
            .join(ContractRow, ContractRow.id == ContractInstalmentRow.contract_id)
            .where(ContractRow.org_id == org_id, ContractInstalmentRow.voucher_id == VoucherRow.id)
            .exists()
        )
        rows = self.session.execute(
            select(
                VoucherRow.id,
                VoucherRow.booked_on,
                VoucherRow.memo,
                VoucherLineRow.memo,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
                MemberRow.member_no,
            )
            .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .where(
                VoucherRow.org_id == org_id,
                VoucherLineRow.org_id == org_id,
                AccountRow.org_id == org_id,
                VoucherRow.status == "posted",
                _under(AccountRow, receivables),
                ~by_form,
                ~charged,
            )
            .order_by(VoucherRow.booked_on, VoucherRow.id, VoucherLineRow.line_no)
        ).all()
        return [
            PartyPosting(
                int(vid),
                on,
                member_no,
                side,
                int(fen),
                " ".join(t for t in (memo, ln_memo) if t),
            )
            for vid, on, memo, ln_memo, side, fen, member_no in rows
        ]

    def add_payment(
        self, org_id: int, contract_id: int, paid_on: date, amount_fen: int, voucher_id: int
    ) -> int:
        row = ContractPaymentRow(
            org_id=org_id,
            contract_id=contract_id,
            paid_on=paid_on,
            amount_fen=amount_fen,
            voucher_id=voucher_id,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    # -- the 一事一议 备查簿 ------------------------------------------------------------------------

    def add_project(self, org_id: int, project: Project, by: int, at: datetime) -> int:
        row = VillageProjectRow(org_id=org_id, updated_by=by, updated_at=at, **_values(project))
        self.session.add(row)
        self.session.flush()
        return row.id

    def update_project(
        self, org_id: int, project_id: int, project: Project, by: int, at: datetime
    ) -> bool:
        result = self.session.execute(
            update(VillageProjectRow)
            .where(VillageProjectRow.org_id == org_id, VillageProjectRow.id == project_id)
            .values(updated_by=by, updated_at=at, **_values(project))
        )
        self.session.flush()
        return bool(getattr(result, "rowcount", 0))

    def projects(self, org_id: int) -> list[ProjectRecord]:
        rows = self.session.scalars(
            select(VillageProjectRow)
            .where(VillageProjectRow.org_id == org_id)
            .order_by(VillageProjectRow.meeting_on, VillageProjectRow.id)
        )
        return [
            ProjectRecord(
                r.id,
                Project(
                    r.name,
                    r.meeting_on,
                    r.decision,
                    int(r.raised_fen),
                    int(r.labour_milli),
                    int(r.subsidy_fen),
                    int(r.spent_fen),
                    ProjectStatus(r.status),
                    r.vouchers,
                ),
            )
            for r in rows
        ]


def _values(project: Project) -> dict[str, object]:
    return {
        "name": project.name,
        "meeting_on": project.meeting_on,
        "decision": project.decision,
        "raised_fen": project.raised_fen,
        "labour_milli": project.labour_milli,
        "subsidy_fen": project.subsidy_fen,
        "spent_fen": project.spent_fen,
        "status": project.status.value,
        "vouchers": project.vouchers,
    }


def _under(account: Any, codes: Sequence[str]) -> ColumnElement[bool]:
    """The accounts ``codes`` and their sub-accounts."""
    return or_(
        *(or_(account.code == c, account.code.startswith(c, autoescape=True)) for c in codes)
    )

"""The members in SQL: by number or id, added, changed, and their status history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.tables import MemberRow, MemberStatusRow
from coopledger.services.ports import Member


class SqlMembers(SqlBase):
    @staticmethod
    def _member(row: MemberRow) -> Member:
        return Member(
            row.id,
            row.org_id,
            row.member_no,
            row.name,
            row.kind,
            row.household_size,
            row.id_number,
            row.bank_account,
            row.poverty_status,
            row.joined_on,
            row.left_on,
            row.monitor_kind,
        )

    def members_by_no(self, org_id: int, member_nos: set[str]) -> dict[str, int]:
        if not member_nos:
            return {}
        query = select(MemberRow.member_no, MemberRow.id).where(MemberRow.org_id == org_id)
        if len(member_nos) > 200:  # a distribution's thousands: one scan beats thousands of binds
            return {no: i for no, i in self.session.execute(query).tuples() if no in member_nos}
        return dict(
            self.session.execute(query.where(MemberRow.member_no.in_(member_nos))).tuples().all()
        )

    def member(self, org_id: int, member_no: str) -> Member | None:
        row = self.session.scalar(
            select(MemberRow).where(MemberRow.org_id == org_id, MemberRow.member_no == member_no)
        )
        return self._member(row) if row else None

    def member_by_id(self, member_id: int) -> Member | None:
        row = self.session.get(MemberRow, member_id)
        return self._member(row) if row else None

    def members(self, org_id: int, limit: int, after_id: int) -> list[Member]:
        rows = self.session.scalars(
            select(MemberRow)
            .where(MemberRow.org_id == org_id, MemberRow.id > after_id)
            .order_by(MemberRow.id)
            .limit(limit)
        )
        return [self._member(r) for r in rows]

    _MEMBER_FIELDS = (
        "member_no",
        "name",
        "kind",
        "household_size",
        "id_number",
        "bank_account",
        "poverty_status",
        "monitor_kind",
        "joined_on",
        "left_on",
    )

    def add_member(self, org_id: int, fields: Mapping[str, object]) -> Member:
        row = MemberRow(
            org_id=org_id, **{k: v for k, v in fields.items() if k in self._MEMBER_FIELDS}
        )
        self.session.add(row)
        self.session.flush()
        return self._member(row)

    def update_member(self, member_id: int, fields: Mapping[str, object]) -> Member:
        row = self.session.get_one(MemberRow, member_id)
        for key, value in fields.items():
            if key in self._MEMBER_FIELDS and key != "member_no":
                setattr(row, key, value)
        self.session.flush()
        return self._member(row)

    def add_member_status(
        self, member_id: int, status: str, effective_on: date, monitor_kind: str | None = None
    ) -> None:
        self.session.add(
            MemberStatusRow(
                member_id=member_id,
                status=status,
                effective_on=effective_on,
                monitor_kind=monitor_kind,
            )
        )
        self.session.flush()

    def member_statuses(self, member_id: int) -> list[tuple[date, str, str | None]]:
        rows = self.session.execute(
            select(
                MemberStatusRow.effective_on, MemberStatusRow.status, MemberStatusRow.monitor_kind
            )
            .where(MemberStatusRow.member_id == member_id)
            .order_by(MemberStatusRow.effective_on, MemberStatusRow.id)
        )
        return [(on, status, kind) for on, status, kind in rows.tuples()]

"""The special funds in SQL, by code."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import select

from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.tables import FundRow
from coopledger.services.ports import Fund


class SqlFunds(SqlBase):
    @staticmethod
    def _fund(row: FundRow) -> Fund:
        return Fund(
            row.id,
            row.org_id,
            row.code,
            row.name,
            row.source,
            row.grantor,
            row.purpose,
            row.granted_fen,
        )

    def funds_by_code(self, org_id: int, codes: set[str]) -> dict[str, int]:
        if not codes:
            return {}
        rows = self.session.execute(
            select(FundRow.code, FundRow.id).where(
                FundRow.org_id == org_id, FundRow.code.in_(codes)
            )
        )
        return dict(rows.tuples().all())

    def fund(self, org_id: int, code: str) -> Fund | None:
        row = self.session.scalar(
            select(FundRow).where(FundRow.org_id == org_id, FundRow.code == code)
        )
        return self._fund(row) if row else None

    def funds(self, org_id: int) -> list[Fund]:
        rows = self.session.scalars(
            select(FundRow).where(FundRow.org_id == org_id).order_by(FundRow.code)
        )
        return [self._fund(r) for r in rows]

    def funds_of(self, org_ids: Collection[int]) -> dict[int, list[Fund]]:
        """:meth:`funds` of each organization, in one statement."""
        out: dict[int, list[Fund]] = {o: [] for o in org_ids}
        for r in self.session.scalars(
            select(FundRow)
            .where(FundRow.org_id.in_(sorted(org_ids)))
            .order_by(FundRow.org_id, FundRow.code)
        ):
            out[r.org_id].append(self._fund(r))
        return out

    def add_fund(self, org_id: int, fields: Mapping[str, object]) -> Fund:
        keys = ("code", "name", "source", "grantor", "purpose", "granted_fen")
        row = FundRow(org_id=org_id, **{k: v for k, v in fields.items() if k in keys})
        self.session.add(row)
        self.session.flush()
        return self._fund(row)

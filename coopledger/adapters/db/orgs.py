"""The organizations in SQL: found by code or id, created with their chart of accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from coopledger.adapters.db.accounts import SqlAccounts
from coopledger.adapters.db.tables import OrganizationRow
from coopledger.domain.accounts import Account
from coopledger.services.ports import Org


class SqlOrgs(SqlAccounts):
    @staticmethod
    def _org(row: OrganizationRow) -> Org:
        return Org(
            row.id,
            row.code,
            row.name,
            row.kind,
            row.region,
            row.chart,
            row.allow_single_accountant,
            row.chain_seq,
            row.chain_head,
            row.chief_accountant,
            None if row.cash_limit_fen is None else int(row.cash_limit_fen),
        )

    def org_by_code(self, code: str) -> Org | None:
        row = self.session.scalar(select(OrganizationRow).where(OrganizationRow.code == code))
        return self._org(row) if row else None

    def org_by_id(self, org_id: int) -> Org | None:
        row = self.session.get(OrganizationRow, org_id)
        return self._org(row) if row else None

    def orgs(self, ids: frozenset[int] | None) -> list[Org]:
        query = select(OrganizationRow).order_by(OrganizationRow.code)
        if ids is not None:
            query = query.where(OrganizationRow.id.in_(ids))
        return [self._org(r) for r in self.session.scalars(query)]

    def add_org(
        self,
        code: str,
        name: str,
        kind: str,
        region: str,
        chart: str,
        allow_single_accountant: bool,
        accounts: Sequence[Account],
    ) -> Org:
        row = OrganizationRow(
            code=code,
            name=name,
            kind=kind,
            region=region,
            chart=chart,
            allow_single_accountant=allow_single_accountant,
            chain_seq=0,
            chain_head="0" * 64,
        )
        self.session.add(row)
        self.session.flush()
        for account in sorted(accounts, key=lambda a: (len(a.code), a.code)):
            self.add_account(row.id, account)
        return self._org(row)

    def set_chief_accountant(self, org_id: int, name: str | None) -> None:
        self.session.execute(
            update(OrganizationRow)
            .where(OrganizationRow.id == org_id)
            .values(chief_accountant=name)
        )
        self.session.flush()

    def set_cash_limit(self, org_id: int, limit_fen: int | None) -> None:
        self.session.execute(
            update(OrganizationRow)
            .where(OrganizationRow.id == org_id)
            .values(cash_limit_fen=limit_fen)
        )
        self.session.flush()

    def set_org_settings(
        self, org_id: int, *, name: str | None = None, allow_single_accountant: bool | None = None
    ) -> None:
        values: dict[str, object] = {}
        if name is not None:
            values["name"] = name
        if allow_single_accountant is not None:
            values["allow_single_accountant"] = allow_single_accountant
        if values:
            self.session.execute(
                update(OrganizationRow).where(OrganizationRow.id == org_id).values(**values)
            )
            self.session.flush()

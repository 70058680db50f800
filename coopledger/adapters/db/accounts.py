"""An organization's chart of accounts in SQL, read once per unit of work and kept."""

from __future__ import annotations

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.base import LOCAL, SqlBase
from coopledger.adapters.db.tables import AccountRow, VoucherLineRow
from coopledger.domain.accounts import Account, Category, Side, Subledger
from coopledger.services.ports import ClientInfo


class SqlAccounts(SqlBase):
    def __init__(self, session: Session, client: ClientInfo = LOCAL) -> None:
        super().__init__(session, client)
        self._account_cache: dict[int, tuple[dict[str, Account], dict[str, int]]] = {}

    def _account_ids(self, org_id: int) -> dict[str, int]:
        self.accounts(org_id)
        return self._account_cache[org_id][1]

    def accounts(self, org_id: int) -> dict[str, Account]:
        if org_id not in self._account_cache:
            rows = self.session.scalars(select(AccountRow).where(AccountRow.org_id == org_id)).all()
            code_of = {r.id: r.code for r in rows}
            accounts = {
                r.code: Account(
                    code=r.code,
                    name_zh=r.name_zh,
                    name_en=r.name_en,
                    category=Category(r.category),
                    normal_side=Side(r.normal_side),
                    subledger=Subledger(r.subledger),
                    contra=r.contra,
                    parent=code_of.get(r.parent_id) if r.parent_id else None,
                    standard=r.standard,
                    postable=r.postable,
                )
                for r in rows
            }
            self._account_cache[org_id] = (accounts, {r.code: r.id for r in rows})
        return self._account_cache[org_id][0]

    def add_account(self, org_id: int, account: Account) -> None:
        parent_id = None
        if account.parent is not None:
            parent_id = self._account_ids(org_id)[account.parent]
            self.session.execute(
                update(AccountRow).where(AccountRow.id == parent_id).values(postable=False)
            )
        self.session.add(
            AccountRow(
                org_id=org_id,
                code=account.code,
                parent_id=parent_id,
                name_zh=account.name_zh,
                name_en=account.name_en,
                category=account.category.value,
                normal_side=account.normal_side.value,
                subledger=account.subledger.value,
                contra=account.contra,
                standard=account.standard,
                postable=account.postable,
            )
        )
        self.session.flush()
        self._account_cache.pop(org_id, None)

    def account_has_lines(self, org_id: int, code: str) -> bool:
        account_id = self._account_ids(org_id).get(code)
        return bool(
            self.session.scalar(select(exists().where(VoucherLineRow.account_id == account_id)))
        )

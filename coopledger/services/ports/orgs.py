"""The organizations' port: an organization, found by code or id, and its creation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from coopledger.domain.accounts import Account


@dataclass(frozen=True, slots=True)
class Org:
    id: int
    code: str
    name: str
    kind: str
    region: str
    chart: str
    allow_single_accountant: bool
    chain_seq: int
    chain_head: str
    chief_accountant: str | None = None  # 会计主管: the name a voucher print signs with
    cash_limit_fen: int | None = None  # 库存现金限额: the most cash on hand at a day's end


class OrgStore(Protocol):
    def org_by_code(self, code: str) -> Org | None: ...
    def org_by_id(self, org_id: int) -> Org | None: ...
    def orgs(self, ids: frozenset[int] | None) -> list[Org]: ...
    def add_org(
        self,
        code: str,
        name: str,
        kind: str,
        region: str,
        chart: str,
        allow_single_accountant: bool,
        accounts: Sequence[Account],
    ) -> Org: ...
    def set_chief_accountant(self, org_id: int, name: str | None) -> None:
        """Name the 会计主管 (None: nobody named)."""
        ...

    def set_org_settings(
        self, org_id: int, *, name: str | None = None, allow_single_accountant: bool | None = None
    ) -> None:
        """Rename the organization or change whether one accountant may review its own
        vouchers (None: unchanged)."""
        ...

    def set_cash_limit(self, org_id: int, limit_fen: int | None) -> None:
        """Set the most cash on hand the organization may hold at a day's end (None: no limit)."""
        ...

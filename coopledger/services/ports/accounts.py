"""The chart of accounts' port: an organization's accounts, by code."""

from __future__ import annotations

from typing import Protocol

from coopledger.domain.accounts import Account


class AccountStore(Protocol):
    def accounts(self, org_id: int) -> dict[str, Account]: ...
    def add_account(self, org_id: int, account: Account) -> None: ...
    def account_has_lines(self, org_id: int, code: str) -> bool: ...

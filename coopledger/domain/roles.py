"""Who may do what. Pure: the services ask, the web layer only maps the answer.

Scope comes first: an organization the actor is not assigned to does not exist for it (404).
Then the role: a known organization but an action the role may not take is 403.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    ADMIN = "admin"
    ACCOUNTANT = "accountant"
    CASHIER = "cashier"
    REVIEWER = "reviewer"
    AUDITOR = "auditor"
    HOUSEHOLD = "household"


class Action(enum.StrEnum):
    READ_BOOKS = "read_books"  # vouchers, ledgers, reports, registers
    PREPARE = "prepare"  # create, edit, delete draft vouchers
    REVIEW = "review"
    POST = "post"
    REVERSE = "reverse"
    CLOSE_PERIOD = "close_period"
    REOPEN_PERIOD = "reopen_period"
    MANAGE_REGISTERS = "manage_registers"  # members, funds, assets, shares, member transactions
    DISTRIBUTE = "distribute"  # draft, delete, post a surplus distribution; convert it to capital
    ISSUE_STATEMENTS = "issue_statements"  # a year's household statements, issued in a batch
    MANAGE_ORGS = "manage_orgs"
    MANAGE_USERS = "manage_users"


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ACCOUNTANT: frozenset(Action)
    - {Action.REOPEN_PERIOD, Action.MANAGE_ORGS, Action.MANAGE_USERS},
    Role.CASHIER: frozenset({Action.READ_BOOKS, Action.PREPARE}),
    Role.REVIEWER: frozenset({Action.READ_BOOKS, Action.REVIEW}),
    Role.AUDITOR: frozenset({Action.READ_BOOKS}),
    Role.HOUSEHOLD: frozenset(),
}

#: accounts a cashier's vouchers must touch (cash and bank): 库存现金, 银行存款, 其他货币资金
CASH_ACCOUNT_PREFIXES = ("101", "102", "109")


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated user acting now."""

    user_id: int
    username: str
    role: Role
    org_ids: frozenset[int]
    member_id: int | None = None  # a household user's own member record
    # region paths the user is scoped to (its org_ids already hold every organization under them)
    regions: tuple[str, ...] = ()
    # a household user's further member records: the same household in another organization
    also_member_ids: frozenset[int] = frozenset()

    @property
    def member_ids(self) -> frozenset[int]:
        """Every member record a household user stands for (none for any other user)."""
        first = frozenset() if self.member_id is None else frozenset({self.member_id})
        return first | self.also_member_ids

    def sees(self, org_id: int) -> bool:
        return self.role is Role.ADMIN or org_id in self.org_ids

    def may(self, action: Action) -> bool:
        return action in _GRANTS[self.role]

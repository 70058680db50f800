"""Accounts and the statutory charts they come from.

A chart is a data file (``coopledger/charts/<id>.toml``), not code: codes, Chinese and English
names, category, normal side, and whether a line on the account must name a member or a fund.
Accountants add sub-accounts (明细科目) under any account; a sub-account's code extends its
parent's and inherits its category, side and subledger. Only leaves are postable.
"""

from __future__ import annotations

import enum
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from coopledger.domain.errors import field_error

AccountCode = str


class Side(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"
    EITHER = "either"  # two-sided accounts (成员往来, 内部往来…): never netted on the balance sheet


class Category(enum.StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    COST = "cost"
    INCOME = "income"
    EXPENSE = "expense"


class Subledger(enum.StrEnum):
    NONE = "none"
    MEMBER = "member"
    FUND = "fund"


CHARTS = ("cooperative-2021", "village-2023", "cooperative-2007", "village-2004")
DEFAULT_CHART = {"cooperative": "cooperative-2021", "village_collective": "village-2023"}
_CODE_RE = re.compile(r"[0-9]{3,12}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Account:
    code: AccountCode
    name_zh: str
    name_en: str
    category: Category
    normal_side: Side
    subledger: Subledger
    contra: bool = False
    parent: AccountCode | None = None
    standard: bool = True
    postable: bool = True

    @property
    def closes_to_surplus(self) -> bool:
        """Income and expense accounts are carried into 本年盈余 / 本年收益 at year end."""
        return self.category in (Category.INCOME, Category.EXPENSE)


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    kind: str
    name_zh: str
    name_en: str
    surplus_account: AccountCode
    undistributed_account: AccountCode
    appropriation_account: AccountCode
    accounts: tuple[Account, ...]
    roles: Mapping[str, AccountCode] = field(default_factory=dict)

    def role(self, name: str) -> AccountCode:
        """The account a generated voucher uses for ``name`` (``bank``, ``special_fund``…).

        :raise ValidationFailed: the chart has no account for that purpose.
        """
        code = self.roles.get(name)
        if code is None:
            raise field_error(
                "chart", f"the {self.id} chart has no account for {name.replace('_', ' ')}"
            )
        return code


@functools.cache
def load_chart(chart_id: str) -> Chart:
    """Read a statutory chart from its data file (once per process: a Chart is immutable);
    parents are marked not postable.

    :raise ValidationFailed: ``chart`` is not one of :data:`CHARTS`.
    """
    if chart_id not in CHARTS:
        raise field_error("chart", f"must be one of {', '.join(CHARTS)}")
    text = resources.files("coopledger").joinpath("charts", f"{chart_id}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    parents = {a["parent"] for a in data["accounts"] if "parent" in a}
    accounts = tuple(
        Account(
            code=a["code"],
            name_zh=a["name_zh"],
            name_en=a["name_en"],
            category=Category(a["category"]),
            normal_side=Side(a["normal_side"]),
            subledger=Subledger(a["subledger"]),
            contra=bool(a.get("contra", False)),
            parent=a.get("parent"),
            postable=a["code"] not in parents,
        )
        for a in data["accounts"]
    )
    head = data["chart"]
    return Chart(
        id=head["id"],
        kind=head["kind"],
        name_zh=head["name_zh"],
        name_en=head["name_en"],
        surplus_account=head["surplus_account"],
        undistributed_account=head["undistributed_account"],
        appropriation_account=head["appropriation_account"],
        accounts=accounts,
        roles=MappingProxyType(dict(head.get("roles", {}))),
    )


def sub_account(parent: Account, code: str, name_zh: str, name_en: str | None) -> Account:
    """A 明细科目 under ``parent``: the code extends the parent's, everything else is inherited.

    :raise ValidationFailed: the code does not extend the parent's by 2 to 4 digits.
    """
    if not _CODE_RE.fullmatch(code) or not code.startswith(parent.code):
        raise field_error("code", f"must be the parent's code {parent.code} followed by digits")
    if not 2 <= len(code) - len(parent.code) <= 4:
        raise field_error("code", "must extend the parent's code by 2 to 4 digits")
    if not name_zh.strip():
        raise field_error("name", "must not be empty")
    return Account(
        code=code,
        name_zh=name_zh.strip(),
        name_en=(name_en or name_zh).strip(),
        category=parent.category,
        normal_side=parent.normal_side,
        subledger=parent.subledger,
        contra=parent.contra,
        parent=parent.code,
        standard=False,
        postable=True,
    )

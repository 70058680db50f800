"""The regions' port: the region tree, users' regions, notices and the set-based sums the
consolidated report needs. Amounts in fen."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RegionNode:
    id: int
    path: str
    name: str
    level: str


@dataclass(frozen=True, slots=True)
class FundTotal:
    org_id: int
    fund_id: int
    code: str
    name: str
    source: str
    granted: int
    received: int  # credits on the fund's fund-subledger accounts, posted
    spent: int  # debits on them
    created_on: date | None = None  # the day the fund was entered in the register (UTC)


@dataclass(frozen=True, slots=True)
class FundLineSum:
    """The posted lines carrying a fund, summed per organization, account, fund and side: what
    the report's fund totals and the findings' fund movements are both folded from (one read
    of those lines serves both)."""

    org_id: int
    account_code: str
    fund_account: bool  # the account keeps a fund subledger
    fund_id: int
    side: str  # "D" or "C"
    fen: int
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class AssetTotal:
    org_id: int
    asset_class: str
    poverty_project: bool
    count: int
    cost: int
    funded: int  # the part of the cost funds financed


@dataclass(frozen=True, slots=True)
class DividendTotal:
    org_id: int
    plan_year: int
    poverty_status: str
    member_kind: str
    members: int
    allocated: int
    paid: int  # patronage + residual settled (paid, offset or converted)


@dataclass(frozen=True, slots=True)
class IssuedDisclosure:
    """A disclosure notice as published: ``content`` is canonical JSON, ``sha256`` its digest."""

    period: str
    published_on: date
    content: str
    sha256: str


@dataclass(frozen=True, slots=True)
class PostedLine:
    """A posted line of an organization, for the disclosure's item-by-item lists."""

    voucher_id: int
    number: int | None
    booked_on: date
    memo: str
    account: str
    side: str
    amount: int
    member_name: str | None
    fund_code: str | None
    line_memo: str
    closing: bool


class Regions(Protocol):
    def ensure_path(self, path: str) -> int: ...
    def nodes(self) -> list[RegionNode]: ...
    def node_ids(self, paths: Collection[str]) -> dict[str, int]: ...
    def set_user_regions(self, user_id: int, region_ids: Sequence[int]) -> None: ...
    def pnl_nets(self, org_ids: Collection[int], year: int) -> dict[int, dict[str, int]]: ...
    def fund_line_sums(self, org_ids: Collection[int], through: date) -> list[FundLineSum]: ...
    def fund_totals(
        self,
        org_ids: Collection[int],
        through: date,
        sums: Sequence[FundLineSum] | None = None,
    ) -> list[FundTotal]: ...
    def asset_totals(self, org_ids: Collection[int], through: date) -> list[AssetTotal]: ...
    def dividend_totals(self, org_ids: Collection[int], max_year: int) -> list[DividendTotal]: ...
    def posted_lines(self, org_id: int, start: date, end: date) -> list[PostedLine]: ...

    # what the findings read of each organization, for many at once
    def plans_of(self, org_ids: Collection[int]) -> dict[int, list[tuple[int, int, str]]]: ...
    def with_contracts(self, org_ids: Collection[int]) -> set[int]: ...
    def member_balances_of(
        self, org_ids: Collection[int], codes: Collection[str]
    ) -> dict[tuple[int, str], dict[int, int]]: ...
    def receipt_amount(self, org_id: int, plan_id: int) -> int | None: ...
    def add_notice(
        self, org_id: int, kind: str, subject: str, on: date, by: int | None, at: datetime
    ) -> None: ...
    def notices(self, org_id: int, kind: str) -> dict[str, date]: ...
    def issued_disclosure(self, org_id: int, period: str) -> IssuedDisclosure | None: ...
    def published_periods(self, org_id: int) -> list[str]:
        """The periods whose notice is published, the latest published first."""
        ...

    def add_issued_disclosure(
        self, org_id: int, issued: IssuedDisclosure, by: int | None, at: datetime
    ) -> None: ...

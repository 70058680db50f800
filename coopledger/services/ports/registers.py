"""The registers' port: fixed assets and their depreciation, what the funds financed, the
members' shares and share events, members' transactions and links to member organizations."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.assets import FixedAsset
from coopledger.domain.periods import Period


@dataclass(frozen=True, slots=True)
class Charge:
    """One month's depreciation charge and the state of the voucher that carries it."""

    amount_fen: int
    voucher_id: int
    posted: bool


@dataclass(frozen=True, slots=True)
class AssetRecord:
    id: int
    asset: FixedAsset
    acquisition_voucher_id: int | None
    charges: Mapping[Period, Charge]
    usage: Mapping[Period, int]
    disposal_voucher_id: int | None = None


@dataclass(frozen=True, slots=True)
class FundFigures:
    """What the postings and the registers say of one fund (fen)."""

    received: int  # credits on the fund's 专项应付款 lines
    spent: int  # debits on them
    committed_to_assets: int  # asset funding whose acquisition voucher is not posted yet
    special_fund: int  # 专项基金 formed: funding of assets, and spending on projects in progress
    quantified: int  # quantified from it: to members (成员股) and a village's 集体股
    asset_nos: tuple[str, ...]
    #: of special_fund, what was spent (posted) on projects not completed yet (在建)
    in_construction: int = 0


@dataclass(frozen=True, slots=True)
class HolderRow:
    member_id: int
    member_no: str
    name: str
    kind: str
    status: str  # poverty status on the date asked
    active: bool


@dataclass(frozen=True, slots=True)
class ShareEvent:
    id: int
    kind: str
    occurred_on: date
    reason: str
    fund: str | None
    amount_fen: int | None
    basis: str | None
    statuses: tuple[str, ...]
    share_class: str | None
    from_member: str | None
    to_member: str | None
    voucher_id: int | None
    allocations: tuple[tuple[str, str, int], ...]  # (member_no, class, fen)
    #: of a village's quantification: the part kept as 集体股 by the collective (no member's)
    collective_fen: int | None = None


@dataclass(frozen=True, slots=True)
class FundLine:
    voucher_id: int
    number: str | None
    status: str
    booked_on: date
    memo: str
    account: str
    debit_fen: int
    credit_fen: int


class Registers(Protocol):
    def add_asset(
        self,
        org_id: int,
        asset: FixedAsset,
        fund_ids: Mapping[str, int],
        voucher_id: int | None,
        at: datetime,
    ) -> int: ...
    def asset(self, org_id: int, asset_no: str) -> AssetRecord | None: ...
    def assets(self, org_id: int) -> list[AssetRecord]: ...
    def assets_of(self, org_ids: Collection[int]) -> dict[int, list[AssetRecord]]: ...
    def add_charges(self, voucher_id: int, charges: Sequence[tuple[int, Period, int]]) -> None: ...
    def set_disposed(self, asset_id: int, on: date, voucher_id: int | None = None) -> None: ...
    def set_usage(self, asset_id: int, period: Period, units: int) -> None: ...
    def fund_figures(
        self, org_id: int, fund_accounts: Sequence[str], through: date | None = None
    ) -> dict[str, FundFigures]:
        """Each fund's figures from the posted lines, asset cards and share events (those dated
        ``through`` or before, when given)."""
        ...

    def fund_lines(self, org_id: int, fund_id: int) -> list[FundLine]: ...
    def holders(self, org_id: int, on: date, member_id: int | None = None) -> list[HolderRow]:
        """The members on ``on`` with their status that day (of ``member_id`` alone where given)."""
        ...

    def add_share_event(
        self, org_id: int, fields: Mapping[str, object], allocations: Sequence[tuple[int, str, int]]
    ) -> int: ...
    def share_events(self, org_id: int) -> list[ShareEvent]: ...
    def share_balances(
        self, org_id: int, through: date | None, member_id: int | None = None
    ) -> dict[int, dict[str, int]]:
        """Shares by member and class (of ``member_id`` alone where given)."""
        ...

    def account_balances_by_member(
        self, org_id: int, code: str, through: date | None, member_id: int | None = None
    ) -> dict[int, int]: ...
    def add_member_transaction(
        self, org_id: int, member_id: int, fields: Mapping[str, object]
    ) -> int: ...
    def member_transactions(
        self, org_id: int, member_id: int | None, year: int
    ) -> list[tuple[int, str, str, int, int]]: ...
    def set_member_link(self, member_id: int, linked_org_id: int | None) -> None: ...
    def member_links(self, org_id: int) -> dict[int, int]: ...
    def members_linked_to(self, linked_org_id: int) -> list[tuple[int, int, str]]: ...

"""The shop settlements' port: imported settlement files of an e-commerce platform, their months
(the platform's closing balance and the month's voucher) and lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from coopledger.domain.periods import Period
from coopledger.domain.shop import SettlementMonth


@dataclass(frozen=True, slots=True)
class SettlementRecord:
    """An imported settlement file."""

    id: int
    account: str  # the settlement account's code
    platform: str
    filename: str
    sha256: str
    lines: int
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class StoredMonth:
    """A month of one imported file: its kinds' totals (signed fen, as the lines move the shop's
    balance), the platform's closing balance if the file gave one, and the voucher's status."""

    settlement_id: int
    account: str
    period: Period
    totals: Mapping[str, int]
    closing_fen: int | None
    voucher_id: int
    voucher_status: str


class ShopSettlements(Protocol):
    def settlements(self, org_id: int) -> list[SettlementRecord]: ...
    def file_named(self, org_id: int, sha256: str) -> str | None:
        """The name of the file already imported with this SHA-256, if any."""
        ...

    def taken(self, org_id: int, digests: Sequence[str]) -> set[str]:
        """Those of ``digests`` already imported."""
        ...

    def add_settlement(
        self,
        org_id: int,
        account: str,
        platform: str,
        file: tuple[str, str],  # name, SHA-256
        user_id: int,
        at: datetime,
    ) -> int: ...
    def add_month(
        self,
        org_id: int,
        settlement_id: int,
        month: SettlementMonth,
        digests: Sequence[str],
        voucher_id: int,
    ) -> None: ...
    def months(self, org_id: int) -> list[StoredMonth]:
        """Every month of every file, oldest month first, then in the order imported."""
        ...

"""The donations' port: goods received in kind, their items and what was handed to households."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.donations import Item


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: int
    donation_id: int
    item: Item
    handed_out_milli: int
    handed_out_fen: int


@dataclass(frozen=True, slots=True)
class DonationRecord:
    id: int
    donor: str
    received_on: date
    basis: str
    evidence: str
    voucher_id: int
    items: tuple[ItemRecord, ...]


@dataclass(frozen=True, slots=True)
class HandoutRecord:
    id: int
    item_id: int
    item_name: str
    unit: str
    donor: str
    member_no: str
    member_name: str
    handed_on: date
    quantity_milli: int
    value_fen: int
    received_by: str
    signed: bool
    voucher_id: int
    #: the hand-out voucher's place in the ledger's hash chain once posted (None: a draft)
    posted_seq: int | None = None


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """The signed hand-out list as scanned or photographed, attached to its hand-out voucher."""

    id: int
    voucher_id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class NewHandout:
    item_id: int
    member_id: int
    quantity_milli: int
    value_fen: int
    received_by: str
    signed: bool


class Donations(Protocol):
    def add_donation(
        self,
        org_id: int,
        donor: str,
        received_on: date,
        basis: str,
        evidence: str,
        items: Sequence[Item],
        voucher_id: int,
        created_by: int,
        at: datetime,
    ) -> int: ...
    def donations(self, org_id: int, *, lock: bool = False) -> list[DonationRecord]: ...
    def add_handouts(
        self, org_id: int, handed_on: date, handouts: Sequence[NewHandout], voucher_id: int
    ) -> None: ...
    def handouts(
        self,
        org_id: int,
        *,
        voucher_id: int | None = None,
        member_id: int | None = None,
        since: date | None = None,
        through: date | None = None,
    ) -> list[HandoutRecord]: ...
    def add_scan(
        self,
        org_id: int,
        voucher_id: int,
        filename: str,
        media_type: str,
        content: bytes,
        sha256: str,
        uploaded_by: int,
        at: datetime,
    ) -> ScanRecord: ...
    def scans(self, org_id: int, voucher_id: int | None = None) -> list[ScanRecord]: ...
    def scan_content(self, org_id: int, voucher_id: int, scan_id: int) -> bytes | None: ...

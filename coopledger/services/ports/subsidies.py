"""The subsidies' port: the posted lines a policy reads, and claims with their receipt and
payments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.subsidies import ClaimStatus, Computation, PostedLine


@dataclass(frozen=True, slots=True)
class ClaimLineRecord:
    id: int
    line_no: int
    member_no: str | None  # None: the organization itself
    name: str
    status: str
    households: int
    base_fen: int
    amount_fen: int
    evidence: tuple[str, ...]
    paid_fen: int

    @property
    def due_fen(self) -> int:
        """What is still to be paid to the household."""
        return self.amount_fen - self.paid_fen


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    received_on: date
    amount_fen: int
    voucher_id: int


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    id: int
    policy_code: str
    policy_name: str
    recipient: str
    terms: str
    year: int
    date_from: date
    date_to: date
    stored_status: str
    total_fen: int
    created_at: datetime
    submitted_at: datetime | None
    receipt: ReceiptRecord | None
    lines: tuple[ClaimLineRecord, ...]
    payment_vouchers: tuple[int, ...]

    @property
    def status(self) -> ClaimStatus:
        """Received once the money's voucher is recorded, else as stored."""
        return ClaimStatus.RECEIVED if self.receipt is not None else ClaimStatus(self.stored_status)

    @property
    def paid_fen(self) -> int:
        return sum(ln.paid_fen for ln in self.lines)

    @property
    def due_fen(self) -> int:
        """What is still due: to the households once received, else the claim's total."""
        return self.total_fen - self.paid_fen


class Subsidies(Protocol):
    def posted_member_lines(
        self, org_id: int, prefixes: Sequence[str], start: date, end: date
    ) -> list[PostedLine]: ...
    def add_claim(
        self, org_id: int, year: int, terms: str, computed: Computation, by: int, at: datetime
    ) -> int: ...
    def claims(
        self, org_id: int, *, claim_id: int | None = None, lock: bool = False
    ) -> list[ClaimRecord]: ...
    def submit(self, org_id: int, claim_id: int, at: datetime) -> None: ...
    def add_receipt(
        self,
        org_id: int,
        claim_id: int,
        received_on: date,
        amount_fen: int,
        voucher_id: int,
        by: int,
        at: datetime,
    ) -> None: ...
    def add_payments(
        self, org_id: int, paid_on: date, payments: Sequence[tuple[int, int]], voucher_id: int
    ) -> None: ...

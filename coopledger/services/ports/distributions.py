"""The surplus distribution's port: a year's plans, their payments and receipts, and the
household statements issued from them with the documents recorded under each code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PaidSoFar:
    patronage_fen: int = 0
    residual_fen: int = 0
    offset_fen: int = 0
    converted_fen: int = 0

    @property
    def settled_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class PlanLineRecord:
    member_id: int
    member_no: str
    name: str
    kind: str
    transaction_fen: int
    account_share_fen: int
    fiscal_share_fen: int
    poverty_status: str
    patronage_fen: int
    residual_fen: int
    topup_fen: int
    minimum_fen: int | None
    paid: PaidSoFar

    @property
    def total_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class PlanRecord:
    id: int
    org_code: str
    year: int
    status: str
    inputs: Mapping[str, object]
    S: int
    L: int
    R: int
    others: int
    D: int
    P: int
    Q: int
    T: int
    prepared_by: str
    resolution: str | None
    approved_on: date | None
    approved_by: str | None
    vouchers: tuple[int, ...]
    lines: tuple[PlanLineRecord, ...]


@dataclass(frozen=True, slots=True)
class IssuedStatement:
    code: str
    plan_id: int
    year: int
    total_fen: int
    chain_seq: int
    chain_head: str
    issued_at: datetime


class Distributions(Protocol):
    def fiscal_year_surplus(self, org_id: int, year: int, *, lock: bool = False) -> int | None: ...
    def add_plan(
        self,
        org_id: int,
        year: int,
        pools: Mapping[str, int],
        inputs: Mapping[str, object],
        lines: Sequence[tuple[int, Mapping[str, object]]],
        prepared_by: int,
        at: datetime,
    ) -> int: ...
    def plan(self, org_id: int, plan_id: int, *, lock: bool = False) -> PlanRecord | None: ...
    def plans(self, org_id: int, year: int | None) -> list[tuple[int, int, str]]: ...
    def set_plan(self, plan_id: int, fields: Mapping[str, object]) -> None: ...
    def delete_plan(self, plan_id: int) -> None: ...
    def add_payments(
        self,
        plan_id: int,
        voucher_id: int,
        paid_on: date,
        method: str,
        rows: Sequence[tuple[int, int, int, int]],
    ) -> None: ...
    def paid_to_member(self, plan_id: int, member_id: int) -> int: ...
    def payment_vouchers(self, plan_id: int, member_id: int) -> list[int]:
        """The ids of the vouchers that paid, offset or converted a member's share of a plan."""
        ...

    def receipt(self, org_id: int, plan_id: int) -> int | None: ...
    def add_receipt(self, org_id: int, plan_id: int, amount_fen: int, voucher_id: int) -> None: ...
    def issued_statement(self, plan_id: int, member_id: int) -> IssuedStatement | None: ...
    def issue_statement(
        self, statement: IssuedStatement, org_id: int, member_id: int
    ) -> IssuedStatement:
        """Record ``statement`` as the code issued to the member under its plan, and the code
        recorded: this one, or the one another request recorded first."""
        ...

    def statement_by_code(self, code: str) -> tuple[IssuedStatement, int, int] | None: ...
    def record_document(self, code: str, sha256: str, size: int, at: datetime) -> bool:
        """Record a PDF issued under ``code``; False if this very document was recorded before."""
        ...

    def documents(self, code: str) -> list[tuple[str, datetime]]:
        """(SHA-256, first issued) of every document issued under ``code``, oldest first."""
        ...

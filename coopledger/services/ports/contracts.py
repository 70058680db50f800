"""The contracts' port: the resources register, the contracts with their instalments and
receipts, and the 一事一议 备查簿."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.contracts import Charged, Contract, Project, Resource


@dataclass(frozen=True, slots=True)
class ResourceRecord:
    id: int
    resource: Resource


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    id: int
    paid_on: date
    amount_fen: int
    voucher_id: int


@dataclass(frozen=True, slots=True)
class ContractRecord:
    """A contract as kept: its party's member number (None: an outside party), the resource's
    name, its instalments (each with the voucher that charged it) and its receipts."""

    id: int
    contract_no: str
    party: str
    member_id: int | None
    member_no: str | None
    resource_id: int | None
    resource_name: str
    subject: str
    area_milli: int
    unit: str
    starts_on: date
    ends_on: date
    note: str
    instalments: tuple[Charged, ...]
    payments: tuple[PaymentRecord, ...]


@dataclass(frozen=True, slots=True)
class PartyPosting:
    """A posted line on a receivable not made by a contract (neither a charge of its fees nor a
    receipt by its form): a debit is a debt the party took on, a credit money it paid (red when
    negative). ``member_no`` is the line's member; ``text`` the voucher's and the line's memo."""

    voucher_id: int
    booked_on: date
    member_no: str | None
    side: str  # D or C
    amount_fen: int
    text: str


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    project: Project


class Contracts(Protocol):
    def add_resource(
        self, org_id: int, resource: Resource, created_by: int, at: datetime
    ) -> int: ...
    def resources(self, org_id: int) -> list[ResourceRecord]: ...
    def add_contract(
        self,
        org_id: int,
        contract: Contract,
        member_id: int | None,
        created_by: int,
        at: datetime,
    ) -> int: ...
    def contracts(
        self, org_id: int, *, contract_id: int | None = None, lock: bool = False
    ) -> list[ContractRecord]: ...
    def contract_by_no(self, org_id: int, contract_no: str) -> ContractRecord | None: ...
    def mark_charged(self, instalment_ids: Sequence[int], voucher_id: int) -> None: ...
    def add_payment(
        self, org_id: int, contract_id: int, paid_on: date, amount_fen: int, voucher_id: int
    ) -> int: ...
    def party_postings(self, org_id: int, receivables: Sequence[str]) -> list[PartyPosting]:
        """The posted lines on ``receivables`` (and their sub-accounts) of vouchers that neither
        charged contract fees nor recorded a contract receipt, by date."""
        ...

    def add_project(self, org_id: int, project: Project, by: int, at: datetime) -> int: ...
    def update_project(
        self, org_id: int, project_id: int, project: Project, by: int, at: datetime
    ) -> bool: ...
    def projects(self, org_id: int) -> list[ProjectRecord]: ...

"""The unit of work: one use case, one transaction, and the stores it opens; the store composed
of every aggregate's port, and the client the use case serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Self

from coopledger.services.ports.accounts import AccountStore
from coopledger.services.ports.audit_log import AuditLog, AuditStore
from coopledger.services.ports.bank import BankStatements
from coopledger.services.ports.construction import Construction
from coopledger.services.ports.contracts import Contracts
from coopledger.services.ports.distributions import Distributions
from coopledger.services.ports.donations import Donations
from coopledger.services.ports.funds import FundStore
from coopledger.services.ports.idempotency import IdempotencyStore
from coopledger.services.ports.imports import ImportKeys
from coopledger.services.ports.members import MemberStore
from coopledger.services.ports.orgs import OrgStore
from coopledger.services.ports.regions import Regions
from coopledger.services.ports.registers import Registers
from coopledger.services.ports.reports import ReportStore
from coopledger.services.ports.shop import ShopSettlements
from coopledger.services.ports.statements import StatementStore
from coopledger.services.ports.subsidies import Subsidies
from coopledger.services.ports.users import UserStore
from coopledger.services.ports.vouchers import PeriodStore, VoucherStore


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Who the use case is serving: the remote address of a web request (empty for the command
    line), written into the audit log and keying the per-address counters."""

    address: str = ""


class Store(
    OrgStore,
    AccountStore,
    MemberStore,
    FundStore,
    VoucherStore,
    PeriodStore,
    ReportStore,
    StatementStore,
    UserStore,
    IdempotencyStore,
    AuditStore,
    Protocol,
):
    """Every aggregate's port in one: what ``uow.store`` offers. It speaks in domain values and
    primitive ids, flushes and never commits."""


class UnitOfWork(Protocol):
    """One use case, one transaction. Leaving the block without ``commit()`` rolls back."""

    @property
    def client(self) -> ClientInfo: ...
    @property
    def store(self) -> Store: ...
    @property
    def registers(self) -> Registers: ...
    @property
    def distributions(self) -> Distributions: ...
    @property
    def donations(self) -> Donations: ...
    @property
    def contracts(self) -> Contracts: ...
    @property
    def construction(self) -> Construction: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def regions(self) -> Regions: ...
    @property
    def bank(self) -> BankStatements: ...
    @property
    def subsidies(self) -> Subsidies: ...
    @property
    def shop(self) -> ShopSettlements: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


class ImportUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also keeps the keys of imported rows."""

    @property
    def imports(self) -> ImportKeys: ...

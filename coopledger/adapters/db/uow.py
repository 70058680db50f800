"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from coopledger.adapters.db.audit_log import SqlAuditLog
from coopledger.adapters.db.bank import SqlBankStatements
from coopledger.adapters.db.base import LOCAL
from coopledger.adapters.db.construction import SqlConstruction
from coopledger.adapters.db.contracts import SqlContracts
from coopledger.adapters.db.distributions import SqlDistributions
from coopledger.adapters.db.donations import SqlDonations
from coopledger.adapters.db.engine import READONLY, make_engine
from coopledger.adapters.db.imports import SqlImports
from coopledger.adapters.db.regions import SqlRegions
from coopledger.adapters.db.registers import SqlRegisters
from coopledger.adapters.db.shop import SqlShopSettlements
from coopledger.adapters.db.store import SqlStore
from coopledger.adapters.db.subsidies import SqlSubsidies
from coopledger.services.ports import ClientInfo


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        readonly: bool = False,
        client: ClientInfo = LOCAL,
    ) -> None:
        self._factory = session_factory
        self._readonly = readonly
        self.client = client
        self._session: Session | None = None
        self._store: SqlStore | None = None
        self._registers: SqlRegisters | None = None
        self._distributions: SqlDistributions | None = None

    @property
    def store(self) -> SqlStore:
        if self._store is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._store

    @property
    def registers(self) -> SqlRegisters:
        if self._registers is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._registers

    @property
    def distributions(self) -> SqlDistributions:
        if self._distributions is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._distributions

    @property
    def donations(self) -> SqlDonations:
        """Goods received in kind and handed to households."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlDonations(self._session)

    @property
    def contracts(self) -> SqlContracts:
        """The resources register, the contracts and the 一事一议 备查簿."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlContracts(self._session)

    @property
    def construction(self) -> SqlConstruction:
        """Construction in progress (在建工程): projects, their spending and completion."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlConstruction(self._session)

    @property
    def audit(self) -> SqlAuditLog:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlAuditLog(self._session)

    @property
    def imports(self) -> SqlImports:
        """Import batches and row keys."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlImports(self._session)

    @property
    def subsidies(self) -> SqlSubsidies:
        """Subsidy claims, their receipt and payments, and the posted lines they are read from."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlSubsidies(self._session)

    @property
    def shop(self) -> SqlShopSettlements:
        """Shop settlement files of e-commerce platforms, their months and lines."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlShopSettlements(self._session)

    @property
    def bank(self) -> SqlBankStatements:
        """Bank statements and their matches to the books."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlBankStatements(self._session)

    @property
    def regions(self) -> SqlRegions:
        """The region tree, notices and sums over many organizations."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlRegions(self._session)

    def __enter__(self) -> Self:
        self._session = self._factory()
        if self._readonly:
            self._session.connection(execution_options={READONLY: True})
        self._store = SqlStore(self._session, self.client)
        self._registers = SqlRegisters(self._session)
        self._distributions = SqlDistributions(self._session)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None
            self._store = None
            self._registers = None
            self._distributions = None

    def commit(self) -> None:
        assert self._session is not None
        self._session.commit()


class UnitsOfWork:
    """The one place units of work are made: the app and the command line each hold one over
    their books' sessions, and call it once per use case."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @classmethod
    def connect(cls, database_url: str) -> UnitsOfWork:
        """Units of work on a new engine for ``database_url``."""
        return cls(sessionmaker(bind=make_engine(database_url), expire_on_commit=False))

    def __call__(self, *, readonly: bool = False, client: ClientInfo = LOCAL) -> SqlUnitOfWork:
        """A unit of work serving ``client``; a read-only one refuses to write."""
        return SqlUnitOfWork(self.sessions, readonly=readonly, client=client)

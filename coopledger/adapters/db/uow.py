"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from coopledger.adapters.db.auditlog import SqlAuditLog
from coopledger.adapters.db.distributions import SqlDistributions
from coopledger.adapters.db.engine import READONLY
from coopledger.adapters.db.imports import SqlImports
from coopledger.adapters.db.regions import SqlRegions
from coopledger.adapters.db.registers import SqlRegisters
from coopledger.adapters.db.store import SqlStore
from coopledger.services.ports import ClientInfo

#: the client of the command line, a benchmark or a test: no remote address
LOCAL = ClientInfo()


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
    def regions(self) -> SqlRegions:
        """The region tree, notices and sums over many organizations."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return SqlRegions(self._session)

    def __enter__(self) -> Self:
        self._session = self._factory()
        if self._readonly:
            self._session.connection(execution_options={READONLY: True})
        self._store = SqlStore(self._session)
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

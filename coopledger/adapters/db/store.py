"""The SQL implementation of :class:`coopledger.services.ports.Store`, composed of one class per
aggregate (organizations, accounts, members, funds, vouchers, periods, reports, users,
idempotency keys, the audit log's writes).

Rows in, domain values out. It flushes and never commits: the unit of work owns the transaction.
Queries are always scoped by ``org_id``; ids from another organization find nothing.
"""

from __future__ import annotations

from coopledger.adapters.db.audit_store import SqlAuditStore
from coopledger.adapters.db.idempotency import SqlIdempotency
from coopledger.adapters.db.orgs import SqlOrgs
from coopledger.adapters.db.reports import SqlReports
from coopledger.adapters.db.statements import SqlStatements
from coopledger.adapters.db.users import SqlUsers
from coopledger.adapters.db.vouchers import SqlVouchers


class SqlStore(
    SqlVouchers, SqlReports, SqlStatements, SqlOrgs, SqlUsers, SqlIdempotency, SqlAuditStore
):
    """Every aggregate's SQL in one object: what ``uow.store`` is."""


__all__ = ["SqlStore"]

"""The request's units of work: made by the app's one factory (``UnitsOfWork`` on the
extension), serving the request's client, whose address the audit log records and the
per-address counters key on."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.domain.audit_log import checkpoint_key
from coopledger.services.chain_check import Resume
from coopledger.services.ports import ClientInfo

#: the longest client address kept (the audit log's column)
ADDRESS_MAX = 64


def client() -> ClientInfo:
    """The client of the current request (no address outside a request)."""
    address = (request.remote_addr or "") if has_request_context() else ""
    return ClientInfo(address[:ADDRESS_MAX])


def unit_of_work(*, readonly: bool = False) -> SqlUnitOfWork:
    """A unit of work for one use case of this request; a read-only one refuses to write."""
    units: UnitsOfWork = current_app.extensions["coopledger"].units
    return units(readonly=readonly, client=client())


def resume() -> Resume:
    """Verification from each organization's verified point for this request: the instance's
    signing key, and units of work that may write (a GET's own is read-only) to store the new
    points."""
    key = checkpoint_key(current_app.extensions["coopledger"].settings.secret_key)
    return Resume(key, unit_of_work)

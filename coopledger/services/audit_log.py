"""The audit log as use cases: record a change, a login, a refused request or an export; read the
log with filters; verify its chain; sign a checkpoint of both chains and verify against one.

Every change is recorded by the use case that makes it, in its own transaction, through
``store.audit`` (one obvious place per use case, next to ``uow.commit()``). A refused request rolls
its transaction back, so :func:`record_denial` writes in a separate small transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from coopledger.domain.audit_log import (
    CHECKPOINT_VERSION,
    AuditEvent,
    detail_json,
    signature_ok,
    signed_checkpoint,
)
from coopledger.domain.errors import Forbidden, NotFound, ValidationFailed
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services import chain_check
from coopledger.services.access import org_for
from coopledger.services.chain_check import LOG_READERS, LogReport, verify_log
from coopledger.services.clock import utcnow
from coopledger.services.ports import AuditStore, Org, UnitOfWork
from coopledger.services.ports.audit_log import AuditQuery

#: who may sign a checkpoint: also the accountant, who prints it on statements at period close
CHECKPOINT_MAKERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.ACCOUNTANT})


def record(
    store: AuditStore,
    org: Org | None,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_key: str,
    old: object = None,
    new: object = None,
    at: datetime | None = None,
) -> None:
    """Append one event inside the caller's transaction: ``old`` → ``new`` (JSON-able)."""
    detail: dict[str, object] = {}
    if old is not None:
        detail["old"] = old
    if new is not None:
        detail["new"] = new
    store.audit(
        org.id if org else None,
        actor.user_id if actor else None,
        action,
        object_type,
        object_key,
        detail,
        at or utcnow(),
    )


#: how long the per-minute tallies of refused requests are kept
DENIAL_TALLY_KEPT = timedelta(days=7)


def record_denial(
    uow: UnitOfWork, actor: Actor | None, org_code: str | None, what: str, code: str, status: int
) -> None:
    """A refused request (401/403/404), in its own transaction: the request's was rolled back.

    At most one event per (user, or address without a user), refusal code and minute reaches the
    chain; it names the first request refused and how many of the same were refused the minute
    before. The others are only counted (``denial_tally``), so a script hammering refused requests
    grows the chain by one event a minute, not one per request.
    """
    now = utcnow()
    minute = now.replace(second=0, microsecond=0)
    who = f"user:{actor.user_id}" if actor else f"addr:{uow.client.address or '-'}"
    subject = f"{who}|{code}|{status}"
    with uow:
        if uow.store.tally_denial(subject, minute) > 1:
            uow.commit()
            return
        detail: dict[str, object] = {"code": code, "status": status}
        before = uow.store.denials(subject, minute - timedelta(minutes=1))
        if before > 1:
            detail["refused_previous_minute"] = before
        uow.store.forget_denials(now - DENIAL_TALLY_KEPT)
        org = uow.store.org_by_code(org_code) if org_code else None
        uow.store.audit(
            org.id if org else None,
            actor.user_id if actor else None,
            "authz.denied",
            "request",
            what[:120],
            detail,
            now,
        )
        uow.commit()


def record_export(
    uow: UnitOfWork, actor: Actor | None, org: Org, what: str, detail: Mapping[str, object]
) -> None:
    """An export left the system (its own transaction: exports are read-only requests)."""
    with uow:
        uow.store.audit(
            org.id,
            actor.user_id if actor else None,
            "export",
            "export",
            what,
            dict(detail),
            utcnow(),
        )
        uow.commit()


def _reader(
    uow: UnitOfWork, actor: Actor | None, org_code: str, roles: frozenset[Role] = LOG_READERS
) -> Org:
    """The organization, for an operator at the command line (``actor`` None) or a role in ``roles``.

    :raise NotFound: unknown or unseen organization. :raise Forbidden: another role.
    """
    store = uow.store
    if actor is None:
        org = store.org_by_code(org_code)
        if org is None:
            raise NotFound(f"organization {org_code!r} not found")
        return org
    org = org_for(store, actor, org_code, Action.READ_BOOKS)
    if actor.role not in roles:
        raise Forbidden(f"the {actor.role} role may not do this with the audit log")
    return org


def read_log(
    uow: UnitOfWork,
    actor: Actor | None,
    org_code: str,
    *,
    action: str | None = None,
    user: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    object_type: str | None = None,
    object_key: str | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> list[AuditEvent]:
    """Events of one organization, oldest first, filtered.

    :raise NotFound: unknown or unseen organization. :raise Forbidden: not in :data:`LOG_READERS`.
    """
    with uow:
        org = _reader(uow, actor, org_code)
        q = AuditQuery(org.id, action, user, start, end, object_type, object_key)
        return uow.audit.events(q, limit, after_id)


def read_user_log(
    uow: UnitOfWork,
    actor: Actor | None,
    *,
    action: str | None = None,
    user: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> list[AuditEvent]:
    """The events of no organization — users created, changed, unlocked; sign-ins and failed
    ones; tokens revoked — oldest first, filtered like :func:`read_log` (admin, or the operator
    at the command line with ``actor`` None).

    :raise Forbidden: not an admin.
    """
    if actor is not None and actor.role is not Role.ADMIN:
        raise Forbidden("only an administrator reads the users' audit log")
    with uow:
        q = AuditQuery(None, action, user, start, end, None, None)
        return uow.audit.events(q, limit, after_id)


# -- checkpoints (anchors held outside the database) -----------------------------------------------


def make_checkpoint(
    uow: UnitOfWork, actor: Actor | None, org_code: str, key: bytes, *, reason: str = "on demand"
) -> dict[str, Any]:
    """A signed checkpoint of ``org_code``'s voucher chain and audit chain heads.

    Recorded in the audit log itself (the next checkpoint covers that event).
    :raise NotFound, Forbidden: as :func:`read_log`.
    """
    with uow:
        org = _reader(uow, actor, org_code, CHECKPOINT_MAKERS)
        checkpoint = checkpoint_of(uow, org, key, reason)
        uow.store.audit(
            org.id,
            actor.user_id if actor else None,
            "audit.checkpoint",
            "organization",
            org.code,
            {
                "new": {
                    "voucher_seq": checkpoint["voucher_seq"],
                    "audit_seq": checkpoint["audit_seq"],
                }
            },
            utcnow(),
        )
        uow.commit()
    return checkpoint


def checkpoint_of(uow: UnitOfWork, org: Org, key: bytes, reason: str) -> dict[str, Any]:
    """The checkpoint body, signed (inside the caller's transaction)."""
    v_seq, v_head = uow.audit.voucher_head(org.id)
    a_seq, a_head = uow.audit.head(org.id)
    body = {
        "version": CHECKPOINT_VERSION,
        "org": org.code,
        "voucher_seq": v_seq,
        "voucher_head": v_head,
        "audit_seq": a_seq,
        "audit_head": a_head,
        "at": utcnow().isoformat(timespec="seconds"),
        "reason": reason,
    }
    return signed_checkpoint(key, body)


@dataclass(frozen=True, slots=True)
class AnchorReport:
    ok: bool
    problems: list[str]


def verify_against(
    uow: UnitOfWork, org: Org, checkpoint: Mapping[str, Any], key: bytes
) -> AnchorReport:
    """Does the database still contain the history the checkpoint saw? A full rewrite changes the
    hash at the checkpoint's position; a truncated tail leaves fewer entries than it counted."""
    problems: list[str] = []
    if not signature_ok(key, checkpoint):
        return AnchorReport(
            False, ["the checkpoint's signature does not match (forged or altered)"]
        )
    if checkpoint.get("org") != org.code:
        return AnchorReport(
            False, [f"the checkpoint is for {checkpoint.get('org')!r}, not {org.code!r}"]
        )
    v_seq, v_head = int(checkpoint["voucher_seq"]), str(checkpoint["voucher_head"])
    cur_seq, _ = uow.audit.voucher_head(org.id)
    if cur_seq < v_seq:
        problems.append(
            f"vouchers: the chain has {cur_seq} entries, fewer than the {v_seq} the checkpoint saw (truncated)"
        )
    elif v_seq > 0:
        at = uow.store.chain_hash_at(org.id, v_seq)
        if at != v_head:
            problems.append(
                f"vouchers: entry {v_seq} no longer has the hash the checkpoint saw (history rewritten)"
            )
    a_seq, a_head = int(checkpoint["audit_seq"]), str(checkpoint["audit_head"])
    cur_a, _ = uow.audit.head(org.id)
    if cur_a < a_seq:
        problems.append(
            f"audit log: the chain has {cur_a} events, fewer than the {a_seq} the checkpoint saw (truncated)"
        )
    elif a_seq > 0:
        found = next((e.hash for e in uow.audit.chain(org.id) if e.seq == a_seq), None)
        if found != a_head:
            problems.append(
                f"audit log: event {a_seq} no longer has the hash the checkpoint saw (history rewritten)"
            )
    return AnchorReport(not problems, problems)


def verify_checkpoint(
    uow: UnitOfWork, actor: Actor | None, org_code: str, checkpoint: Mapping[str, Any], key: bytes
) -> AnchorReport:
    """The use case of :func:`verify_against`, with the chains' own verification first.

    :raise NotFound: unknown or unseen organization. :raise Forbidden: a role that may not.
    """
    with uow:
        org = _reader(uow, actor, org_code, CHECKPOINT_MAKERS)
        report = verify_against(uow, org, checkpoint, key)
        problems = list(report.problems)
        chain = chain_check.verify_vouchers(uow, org)
        if not chain.ok:
            problems.insert(0, f"vouchers: the chain is broken: {chain.reason}")
        log = verify_log(uow, org)
        if not log.ok:
            problems.insert(0, f"audit log: the chain is broken: {log.reason}")
        return AnchorReport(not problems, problems)


def parse_checkpoint(text: str) -> dict[str, Any]:
    """:raise ValidationFailed: not a checkpoint file."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed(
            "the checkpoint is not JSON", errors={"checkpoint": [str(exc)]}
        ) from exc
    needed = {"org", "voucher_seq", "voucher_head", "audit_seq", "audit_head", "signature"}
    if not isinstance(data, dict) or not needed <= set(data):
        raise ValidationFailed(
            "not a coopledger checkpoint",
            errors={"checkpoint": [f"needs {', '.join(sorted(needed))}"]},
        )
    return data


__all__ = [
    "LOG_READERS",
    "LogReport",
    "detail_json",
    "read_log",
    "record",
    "record_denial",
    "record_export",
    "verify_log",
]

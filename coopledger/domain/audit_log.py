"""The audit log's hash chain and the signed checkpoints that anchor it outside the database.

Each organization's audit events form a chain like its posted vouchers: event ``seq`` stores
``hash = SHA-256(prev_hash ‖ canonical JSON of the event)``. A chain alone catches an edit or a
deletion in the middle, not a full rewrite or a truncated tail; a *checkpoint* — the organization's
voucher-chain and audit-chain heads, signed with HMAC-SHA-256 and kept outside the database —
catches those.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One event as stored (``detail`` is the JSON text: who changed what, old → new)."""

    chain_key: int
    seq: int
    org_id: int | None
    actor_id: int | None
    actor_name: str
    remote_addr: str
    action: str
    object_type: str
    object_key: str
    detail: str
    at: datetime
    prev_hash: str = GENESIS
    hash: str = ""
    id: int = 0


def canonical_time(at: datetime) -> str:
    """Seconds precision, UTC: what both backends give back unchanged."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def event_hash(prev_hash: str, e: AuditEvent) -> str:
    fields = {
        "chain_key": e.chain_key,
        "seq": e.seq,
        "org_id": e.org_id,
        "actor_id": e.actor_id,
        "actor_name": e.actor_name,
        "remote_addr": e.remote_addr,
        "action": e.action,
        "object_type": e.object_type,
        "object_key": e.object_key,
        "detail": e.detail,
        "at": canonical_time(e.at),
    }
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def detail_json(detail: Mapping[str, object]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


# -- checkpoints ----------------------------------------------------------------------------------

CHECKPOINT_VERSION = 1


def sign(key: bytes, body: Mapping[str, Any]) -> str:
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_checkpoint(key: bytes, body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` plus its HMAC-SHA-256 signature."""
    return {**body, "signature": sign(key, body)}


def signature_ok(key: bytes, checkpoint: Mapping[str, Any]) -> bool:
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    given = checkpoint.get("signature")
    if not isinstance(given, str):
        return False
    # bytes: compare_digest refuses non-ASCII text, and a forged signature may carry any
    return hmac.compare_digest(given.encode("utf-8"), sign(key, body).encode("utf-8"))


def checkpoint_key(secret: str) -> bytes:
    """The signing key, derived from the instance's secret key (never the secret itself)."""
    return hmac.new(secret.encode("utf-8"), b"coopledger checkpoint v1", hashlib.sha256).digest()


# -- verified points ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedPoint:
    """How far an organization's books were last verified, kept in the database so that the next
    verification resumes there: the voucher chain's position and the hash found at it, the audit
    chain's likewise, a digest of each month's stored turnover and one of the stored snapshots as
    they were found to agree with the lines, and when. ``signature`` is the HMAC of the rest."""

    org_id: int
    voucher_seq: int
    voucher_hash: str
    audit_seq: int
    audit_hash: str
    turnover: Mapping[str, str]
    snapshots: str
    verified_at: datetime
    signature: str = ""

    def body(self) -> dict[str, Any]:
        """What the signature covers (the kind keeps it apart from a checkpoint file's)."""
        return {
            "kind": "verified_point",
            "org_id": self.org_id,
            "voucher_seq": self.voucher_seq,
            "voucher_hash": self.voucher_hash,
            "audit_seq": self.audit_seq,
            "audit_hash": self.audit_hash,
            "turnover": dict(sorted(self.turnover.items())),
            "snapshots": self.snapshots,
            "verified_at": canonical_time(self.verified_at),
        }


def signed_point(key: bytes, point: VerifiedPoint) -> VerifiedPoint:
    return replace(point, signature=sign(key, point.body()))


def point_signature_ok(key: bytes, point: VerifiedPoint) -> bool:
    return hmac.compare_digest(point.signature.encode("utf-8"), sign(key, point.body()).encode())


def turnover_digests(
    stored: Mapping[tuple[str, int, int], tuple[int, int]],
    shapes: Mapping[tuple[Any, ...], tuple[int, int]],
) -> dict[str, str]:
    """One digest per month (``2026-03``) of that month's stored turnover rows, per account
    (code, year, month) and per shape (year, month, then the shape's accounts and funds, "" for
    none)."""
    by_month: dict[str, list[tuple[Any, ...]]] = {}
    for (code, year, month), (debit, credit) in stored.items():
        by_month.setdefault(f"{year:04d}-{month:02d}", []).append(("account", code, debit, credit))
    for (year, month, *shape), (fen, entries) in shapes.items():
        row = ("shape", *(part or "" for part in shape), fen, entries)
        by_month.setdefault(f"{year:04d}-{month:02d}", []).append(row)
    return {
        month: hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()
        for month, rows in by_month.items()
    }


def rows_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """A digest of rows of plain values (None among them), whatever their order."""
    text = sorted(json.dumps(list(row), ensure_ascii=False) for row in rows)
    return hashlib.sha256("\n".join(text).encode("utf-8")).hexdigest()

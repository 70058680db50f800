"""The audit of one organization: the audit log, automated findings, signed checkpoints (chain
anchors) and the auditor's export package."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from coopledger.domain.audit_log import checkpoint_key
from coopledger.domain.bounds import MAX_FEN_SUM
from coopledger.domain.errors import NotFound
from coopledger.domain.roles import Actor
from coopledger.services import audit_log, audit_package
from coopledger.services import findings as findings_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import Blueprint, PageArgs, actor, decode_cursor, page, uow
from coopledger.web.api.fields import Count, Day, Year
from coopledger.web.units import resume, unit_of_work

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1/orgs/<org>/audit",
    description="Audit log, findings, checkpoints and the auditor's export.",
)


def signing_key() -> bytes:
    return checkpoint_key(current_app.extensions["coopledger"].settings.secret_key)


class LogArgs(PageArgs):
    action = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=40),
        metadata={"description": "exact action, or a prefix ending in * (``voucher.*``)"},
    )
    user = ma.fields.String(load_default=None, validate=ma.validate.Length(max=80))
    from_ = Day(load_default=None, data_key="from")
    to = Day(load_default=None)
    object_type = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    object = ma.fields.String(load_default=None, validate=ma.validate.Length(max=120))


class EventOut(ma.Schema):
    seq = ma.fields.Integer()
    at = ma.fields.String()
    user = ma.fields.String()
    remote_addr = ma.fields.String()
    action = ma.fields.String()
    object_type = ma.fields.String()
    object = ma.fields.String()
    old = ma.fields.Raw(allow_none=True)
    new = ma.fields.Raw(allow_none=True)
    detail = ma.fields.Dict()
    hash = ma.fields.String()


class LogOut(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EventOut))
    next_cursor = ma.fields.String(allow_none=True)


@blp.route("/log")
class Log(MethodView):
    @blp.arguments(LogArgs, location="query")
    @blp.response(200, LogOut)
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """The audit log, oldest first: who, when, from where, what, old → new (auditors, admins).

        Filters: ``action`` (``voucher.post`` or ``voucher.*``), ``user``, ``from``/``to`` (dates,
        inclusive), ``object_type`` and ``object``.
        """
        start = datetime.combine(args["from_"], time.min, UTC) if args["from_"] else None
        end = datetime.combine(args["to"], time.max, UTC) if args["to"] else None
        events = audit_log.read_log(
            uow(),
            actor(),
            org,
            action=args["action"],
            user=args["user"],
            start=start,
            end=end,
            object_type=args["object_type"],
            object_key=args["object"],
            limit=args["limit"],
            after_id=decode_cursor(args["cursor"]),
        )
        items = []
        for e in events:
            detail = json.loads(e.detail or "{}")
            items.append(
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(timespec="seconds"),
                    "user": e.actor_name,
                    "remote_addr": e.remote_addr,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object": e.object_key,
                    "old": detail.get("old"),
                    "new": detail.get("new"),
                    "detail": {k: v for k, v in detail.items() if k not in ("old", "new")},
                    "hash": e.hash,
                }
            )
        return page(items, [e.id for e in events], args["limit"])


class YearArgs(ma.Schema):
    year = Year(required=True, min_year=2000)


class FindingsArgs(YearArgs):
    code = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Only the findings of this code (a region report's group)."},
    )


class FindingOut(ma.Schema):
    code = ma.fields.String()
    severity = ma.fields.String()
    objects = ma.fields.List(ma.fields.String())
    message = ma.fields.String()


class FindingsOut(ma.Schema):
    org = ma.fields.String()
    year = ma.fields.Integer()
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    items = ma.fields.List(ma.fields.Nested(FindingOut))


@blp.route("/findings")
class Findings(MethodView):
    @blp.arguments(FindingsArgs, location="query")
    @blp.response(200, FindingsOut)
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """Automated findings of a year, most severe first: stable code, severity, objects;
        ``code`` keeps one code's (``counts`` counts those kept)."""
        found = findings_svc.findings_for(uow(), actor(), org, args["year"], resume=resume())
        if args["code"]:
            found = [f for f in found if f.code == args["code"]]
        return {
            "org": org,
            "year": args["year"],
            "counts": findings_svc.severity_counts(found),
            "items": [findings_svc.finding_json(f) for f in found],
        }


class CheckpointOut(ma.Schema):
    version = ma.fields.Integer()
    org = ma.fields.String()
    voucher_seq = ma.fields.Integer()
    voucher_head = ma.fields.String()
    audit_seq = ma.fields.Integer()
    audit_head = ma.fields.String()
    at = ma.fields.String()
    reason = ma.fields.String()
    signature = ma.fields.String()


class CheckpointIn(ma.Schema):
    version = ma.fields.Integer(load_default=1)
    org = ma.fields.String(required=True, validate=ma.validate.Length(max=40))
    voucher_seq = Count(required=True, low=0, high=MAX_FEN_SUM)
    voucher_head = ma.fields.String(required=True, validate=ma.validate.Length(equal=64))
    audit_seq = Count(required=True, low=0, high=MAX_FEN_SUM)
    audit_head = ma.fields.String(required=True, validate=ma.validate.Length(equal=64))
    at = ma.fields.String(required=True, validate=ma.validate.Length(max=40))
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    signature = ma.fields.String(required=True, validate=ma.validate.Length(equal=64))


class AnchorOut(ma.Schema):
    ok = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.String())


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @blp.response(201, CheckpointOut)
    def post(self, org: str) -> dict[str, Any]:
        """Sign a checkpoint of the voucher chain and the audit chain heads, to keep outside
        the database (printed on statements, held by the auditor)."""
        return audit_log.make_checkpoint(unit_of_work(), actor(), org, signing_key())


@blp.route("/checkpoints/verify")
class VerifyCheckpoint(MethodView):
    @blp.arguments(CheckpointIn)
    @blp.response(200, AnchorOut)
    def post(self, checkpoint: dict[str, Any], org: str) -> dict[str, Any]:
        """Does the database still hold the history this checkpoint saw? Catches a full
        rewrite (the hash at its position changed) and a truncated tail (fewer entries)."""
        report = audit_log.verify_checkpoint(uow(), actor(), org, checkpoint, signing_key())
        return {"ok": report.ok, "problems": report.problems}


@blp.route("/export")
@blp.doc(
    responses={
        200: {
            "description": "The audit package (ZIP) with its manifest.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@blp.arguments(YearArgs, location="query")
def export(args: dict[str, Any], org: str) -> Response:
    """The auditor's package of a year: vouchers and lines (CSV), ledgers and statements (PDF),
    audit log, findings, checkpoint, and a manifest of SHA-256 checksums (auditors, admins)."""
    return audit_package_response(actor(), org, args["year"])


def audit_package_response(who: Actor, org: str, year: int) -> Response:
    """The auditor's package of ``year`` as a download, recorded in the audit log as it leaves;
    the API and the audit page both answer with it."""
    from coopledger.adapters.audit_package_zip import write_package  # PDFs: loads Pango

    # read-write units of work for the checkpoint and the record, also inside a GET
    package = audit_package.gather(uow, unit_of_work, who, org, year, signing_key())
    data, manifest = write_package(package, signing_key())
    audit_package.record_taken(unit_of_work, who, package, files=len(manifest["files"]))
    stamp = utcnow().strftime("%Y%m%d")
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="audit-{org}-{year}-{stamp}.zip"'},
    )


__all__ = ["NotFound", "blp"]

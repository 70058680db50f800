"""The chain check of one organization: its vouchers' hash chain and balances, its log's chain."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.services import chain_check
from coopledger.web.api.common import Blueprint, actor, uow

blp = Blueprint(
    "chain-check",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="The chain check: the vouchers' hash chain, the balances, the log's chain.",
)


class LogChainOut(ma.Schema):
    events = ma.fields.Integer()
    head = ma.fields.String()
    ok = ma.fields.Boolean()
    first_bad_seq = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class ChainOut(ma.Schema):
    org = ma.fields.String()
    checked = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "``vouchers`` (chain and balances), ``audit_log`` (its chain)"},
    )
    vouchers = ma.fields.Integer()
    head = ma.fields.String()
    ok = ma.fields.Boolean(metadata={"description": "Everything checked is intact."})
    first_bad_voucher = ma.fields.Integer(allow_none=True)
    first_bad_number = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    audit_log = ma.fields.Nested(LogChainOut, allow_none=True)


@blp.route("/audit/chain")
class Chain(MethodView):
    @blp.response(200, ChainOut)
    def get(self, org: str) -> dict[str, Any]:
        """Recompute the vouchers' hash chain and balances and, for a role that reads the audit
        log, the log's chain; ``checked`` says which. Names the first voucher (or event) that no
        longer matches."""
        report = chain_check.verify_org(uow(), org, actor())
        log = report.audit_log
        return {
            "org": report.org,
            "checked": list(report.checked),
            "audit_log": None
            if log is None
            else {
                "events": log.events,
                "head": log.head,
                "ok": log.ok,
                "first_bad_seq": log.first_bad_seq,
                "reason": log.reason,
            },
            "vouchers": report.vouchers,
            "head": report.head,
            "ok": report.ok,
            "first_bad_voucher": report.first_bad_voucher,
            "first_bad_number": report.first_bad_number,
            "reason": report.reason,
        }

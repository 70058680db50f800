"""Subsidy entitlements computed from the books (补贴测算): the policies, a preview, claims
(申报表) as JSON, PDF and spreadsheet, the money received and paid on to households."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from coopledger.adapters.exporting import MEDIA_TYPES
from coopledger.adapters.spreadsheets import write_xlsx
from coopledger.domain.money import format_amount
from coopledger.domain.subsidies import Computation, Policy
from coopledger.services import subsidies as svc
from coopledger.services.ports import Org
from coopledger.services.ports.subsidies import ClaimRecord
from coopledger.web.api.common import Blueprint, LangArgs, actor, uow
from coopledger.web.api.fields import MONEY, Day, Money, Text, Year
from coopledger.web.api.pdf import pdf_response

blp = Blueprint(
    "subsidies",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Subsidy entitlements computed from the books: policies, claims, receipt, payment.",
)


def policy_dir() -> Path:
    """A county's own policies: the ``policies`` folder of the instance."""
    return Path(current_app.instance_path) / "policies"


class SubsidyPreviewArgs(ma.Schema):
    policy = Text(required=True, max_length=60, min_length=1)
    year = Year(required=True)


class SubsidyClaimIn(ma.Schema):
    policy = Text(required=True, max_length=60, min_length=1)
    year = Year(required=True)


class SubsidyReceiptIn(ma.Schema):
    date = Day(required=True)


class SubsidyPaymentLineIn(ma.Schema):
    member = Text(required=True, max_length=20, min_length=1)
    amount = Money(required=True, metadata=MONEY)


class SubsidyPaymentIn(ma.Schema):
    date = Day(required=True)
    lines = ma.fields.List(
        ma.fields.Nested(SubsidyPaymentLineIn),
        load_default=None,
        validate=ma.validate.Length(1, 5_000),
        metadata={"description": "Households and amounts; omitted: everything still due."},
    )


class SubsidyClaimFormatArgs(LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf", "xlsx"]),
        metadata={"description": "``json``, ``pdf`` (the 申报表 to sign) or ``xlsx``."},
    )


def present_policy(p: Policy) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "issuer": p.issuer,
        "recipient": p.recipient.value,
        "statuses": list(p.statuses),
        "base": p.base.value,
        "accounts": list(p.accounts),
        "account_names": list(p.account_names),
        "side": p.side.value,
        "rate": p.rate_text or None,
        "amount": None if p.amount_fen is None else format_amount(p.amount_fen),
        "cap_household": None
        if p.cap_household_fen is None
        else format_amount(p.cap_household_fen),
        "cap_organization": None
        if p.cap_organization_fen is None
        else format_amount(p.cap_organization_fen),
        "min_households": p.min_households,
        "from": None if p.valid_from is None else p.valid_from.isoformat(),
        "to": None if p.valid_to is None else p.valid_to.isoformat(),
        "source": p.source,
    }


def present_computation(c: Computation) -> dict[str, Any]:
    return {
        "policy": c.policy.code,
        "from": c.date_from.isoformat(),
        "to": c.date_to.isoformat(),
        "households": c.households,
        "qualifies": c.qualifies,
        "reason": c.reason,
        "total": format_amount(c.total_fen),
        "lines": [
            {
                "member": e.member_no,
                "name": e.name,
                "status": e.status,
                "households": e.households,
                "base": format_amount(e.base_fen),
                "amount": format_amount(e.amount_fen),
                "vouchers": list(e.evidence),
            }
            for e in c.lines
        ],
    }


def present_claim(c: ClaimRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "policy": c.policy_code,
        "policy_name": c.policy_name,
        "recipient": c.recipient,
        "terms": c.terms,
        "year": c.year,
        "from": c.date_from.isoformat(),
        "to": c.date_to.isoformat(),
        "status": c.status.value,
        "total": format_amount(c.total_fen),
        "paid": format_amount(c.paid_fen),
        "due": format_amount(c.due_fen),
        "receipt": None
        if c.receipt is None
        else {
            "date": c.receipt.received_on.isoformat(),
            "amount": format_amount(c.receipt.amount_fen),
            "voucher": c.receipt.voucher_id,
        },
        "payment_vouchers": list(c.payment_vouchers),
        "lines": [
            {
                "no": ln.line_no,
                "member": ln.member_no,
                "name": ln.name,
                "status": ln.status,
                "households": ln.households,
                "base": format_amount(ln.base_fen),
                "amount": format_amount(ln.amount_fen),
                "paid": format_amount(ln.paid_fen),
                "due": format_amount(ln.due_fen),
                "vouchers": list(ln.evidence),
            }
            for ln in c.lines
        ],
    }


def claim_print_context(org: Org, c: ClaimRecord) -> dict[str, Any]:
    """What the printed 申报表 shows: the policy and terms, a line a household with its base,
    amount and evidence vouchers, the totals and room for the signatures."""
    return {
        "org": {"name": org.name, "code": org.code},
        "claim": {
            "id": c.id,
            "policy_name": c.policy_name,
            "terms": c.terms,
            "year": c.year,
            "from": c.date_from.isoformat(),
            "to": c.date_to.isoformat(),
            "status": c.status.value,
            "total_fen": c.total_fen,
            "paid_fen": c.paid_fen,
            "due_fen": c.due_fen,
        },
        "rows": [
            {
                "no": ln.line_no,
                "member_no": ln.member_no or "",
                "name": ln.name,
                "status": ln.status,
                "households": ln.households,
                "base_fen": ln.base_fen,
                "amount_fen": ln.amount_fen,
                "paid_fen": ln.paid_fen,
                "due_fen": ln.due_fen,
                "vouchers": " ".join(ln.evidence),
            }
            for ln in c.lines
        ],
        "base_fen": sum(ln.base_fen for ln in c.lines),
        "households": sum(ln.households for ln in c.lines),
    }


def claim_file(org: Org, c: ClaimRecord, fmt: str, lang: str) -> Response:
    """The claim as the signed PDF or the spreadsheet (formula triggers neutralized)."""
    if fmt == "pdf":
        return pdf_response(
            "subsidy_claim.html",
            claim_print_context(org, c),
            ["subsidy-claim", org.code, str(c.id)],
            locale=lang,
        )
    data = write_xlsx([svc.claim_sheet(org, c)])
    return Response(
        data,
        mimetype=MEDIA_TYPES["xlsx"],
        headers={
            "Content-Disposition": (
                f'attachment; filename="{org.code}-subsidy-claim-{c.id}-{c.year}.xlsx"'
            )
        },
    )


@blp.route("/subsidies/policies")
def policies(org: str) -> dict[str, Any]:
    """The subsidy policies: the shipped ones and the county's own (the instance's
    ``policies`` folder). A file that cannot be read → 422 ``policy_invalid`` naming file and
    line."""
    found = svc.policies_for(uow(), actor(), org, policy_dir())
    return {"items": [present_policy(p) for p in found]}


@blp.route("/subsidies/preview")
@blp.arguments(SubsidyPreviewArgs, location="query")
def preview(args: dict[str, Any], org: str) -> dict[str, Any]:
    """What a policy gives the organization in a year from the vouchers posted so far: each
    qualifying household's base, amount and evidence vouchers (nothing is recorded)."""
    _, computed = svc.preview(uow(), actor(), org, args["policy"], args["year"], policy_dir())
    return present_computation(computed)


@blp.route("/subsidies/claims")
class Claims(MethodView):
    def get(self, org: str) -> dict[str, Any]:
        """The claims, newest first, each with its lines, what was paid and what is due."""
        return {
            "items": [present_claim(c) for c in svc.list_claims(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(SubsidyClaimIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Compute a policy over a year and record the claim (申报表). A month of the year not
        closed → 409 ``claim_period_open``; nobody qualifies → 409 ``subsidy_nothing_due``."""
        made = svc.create_claim(uow(), actor(), org, data["policy"], data["year"], policy_dir())
        return present_claim(made), 201


@blp.route("/subsidies/claims/<int:claim_id>")
@blp.arguments(SubsidyClaimFormatArgs, location="query")
def one_claim(args: dict[str, Any], org: str, claim_id: int) -> dict[str, Any] | Response:
    """One claim; ``format=pdf`` prints the 申报表 to sign, ``format=xlsx`` the spreadsheet."""
    organization, found = svc.claim(uow(), actor(), org, claim_id)
    if args["format"] != "json":
        return claim_file(organization, found, args["format"], args["lang"])
    return present_claim(found)


@blp.route("/subsidies/claims/<int:claim_id>/submit", methods=["POST"])
def submit(org: str, claim_id: int) -> dict[str, Any]:
    """Mark the claim submitted. Not a draft → 409 ``claim_not_draft``."""
    return present_claim(svc.submit(uow(), actor(), org, claim_id))


@blp.route("/subsidies/claims/<int:claim_id>/receipt", methods=["POST"])
@blp.arguments(SubsidyReceiptIn)
def receipt(data: dict[str, Any], org: str, claim_id: int) -> tuple[dict[str, Any], int]:
    """The money arrived: prepare its voucher (Dr 银行存款 / Cr each household's 成员往来, or the
    organization's income). A draft claim → 409 ``claim_not_submitted``; twice → 409
    ``already_received``."""
    found, voucher = svc.receive(uow(), actor(), org, claim_id, data["date"])
    return {**present_claim(found), "voucher": voucher.id}, 201


@blp.route("/subsidies/claims/<int:claim_id>/payments", methods=["POST"])
@blp.arguments(SubsidyPaymentIn)
def payments(data: dict[str, Any], org: str, claim_id: int) -> tuple[dict[str, Any], int]:
    """Pay households their part (named lines, or everything still due) and prepare the voucher
    (Dr 成员往来 / Cr 银行存款). More than is due → 409 ``subsidy_overpaid``; not received → 409
    ``claim_not_received``."""
    lines = None
    if data["lines"] is not None:
        lines = [(ln["member"], ln["amount"]) for ln in data["lines"]]
    found, voucher = svc.pay(uow(), actor(), org, claim_id, data["date"], lines)
    return {**present_claim(found), "voucher": voucher.id}, 201

"""``/api/v1/orgs/{org}/disclosure``, ``…/disclosures``, ``…/assemblies``, ``…/due``: the
public disclosure notice (财务公开) as the accountant prepares it, and what falls due."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from coopledger.services import disclosure as svc
from coopledger.web.api.common import Blueprint, LangArgs, actor, uow
from coopledger.web.api.fields import Day, Year
from coopledger.web.responses import notice_pdf

blp = Blueprint(
    "disclosure",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Public disclosure (财务公开) and due dates.",
)


class PeriodArgs(LangArgs):
    period = ma.fields.String(required=True, validate=ma.validate.Length(min=4, max=10))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "pdf"]))


class PublishIn(ma.Schema):
    period = ma.fields.String(required=True, validate=ma.validate.Length(min=4, max=10))


class AssemblyIn(ma.Schema):
    year = Year(required=True, strict=True, min_year=2000)
    held_on = Day(required=True)


def notice_json(doc: svc.NoticeDocument) -> dict[str, Any]:
    """The notice as data: exactly what the page and the PDF show (names, never ID or bank), with
    its fingerprint (``sha256``, null while the period is not published)."""
    return {**doc.content, "sha256": doc.sha256}


@blp.route("/disclosure")
@blp.doc(
    responses={
        200: {
            "description": "the notice as JSON, or the notice-board PDF with ``format=pdf``",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        409: {"description": "a month of the period is not closed"},
    }
)
@blp.arguments(PeriodArgs, location="query")
def disclosure(args: dict[str, Any], org: str) -> Any:
    """The disclosure notice of a quarter (``2026-Q3``) or month (``2026-07``): the issued one
    (with its ``sha256``) once published, else the draft the public will see; ``format=pdf`` for
    the notice board (``lang=en``: in English). 409 while a month of an unpublished period is
    open."""
    n = svc.disclosure_notice(uow(), actor(), org, args["period"])
    if args["format"] == "pdf":
        return notice_pdf(n, args["lang"])
    return notice_json(n)


@blp.route("/disclosures", methods=["POST"])
@blp.arguments(PublishIn)
def publish(data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
    """Issue the notice of a closed period today: its content and SHA-256 fingerprint are stored
    and served from then on (stops its due warning). 201 the first time; 200 with the notice
    issued before when the period was published already."""
    published = svc.publish(uow(), actor(), org, data["period"])
    return notice_json(published.document), 201 if published.new else 200


@blp.route("/assemblies", methods=["POST"])
@blp.arguments(AssemblyIn)
def assembly(data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
    """Record the day of the member assembly that approves a year's distribution: the plan is
    due 15 days before it (cooperative) or 10 days (village)."""
    svc.schedule_assembly(uow(), actor(), org, data["year"], data["held_on"])
    return {"year": data["year"], "held_on": data["held_on"].isoformat()}, 201


class DueOut(ma.Schema):
    kind = ma.fields.String()
    subject = ma.fields.String()
    due_on = ma.fields.String()
    state = ma.fields.String()
    message = ma.fields.String()


class DueList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DueOut))
    next_cursor = ma.fields.String(allow_none=True)


@blp.route("/due")
@blp.response(200, DueList)
def due(org: str) -> dict[str, Any]:
    """Warnings: quarterly disclosures not yet published, distribution plans due before a
    scheduled assembly."""
    items = [
        {
            "kind": d.kind,
            "subject": d.subject,
            "due_on": d.due_on.isoformat(),
            "state": d.state,
            "message": d.message,
        }
        for d in svc.due(uow(), actor(), org)
    ]
    return {"items": items, "next_cursor": None}

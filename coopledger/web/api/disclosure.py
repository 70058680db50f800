"""``/api/v1/orgs/{org}/disclosure``, ``…/disclosures``, ``…/assemblies``, ``…/due``: the
public disclosure notice (财务公开) as the accountant prepares it, and what falls due."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.domain.money import format_amount
from coopledger.services import disclosure as svc
from coopledger.web.api.common import Blueprint, LangArgs, actor, uow
from coopledger.web.api.fields import Day, Year

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


def _item(i: svc.Item) -> dict[str, Any]:
    return {
        "date": i.booked_on.isoformat(),
        "voucher": i.voucher,
        "account": i.account,
        "account_name": i.account_name,
        "memo": i.memo,
        "amount": format_amount(i.amount),
        "name": i.counterparty,
        "fund": i.fund,
    }


def _asset(a: svc.AssetItem) -> dict[str, Any]:
    return {
        "asset_no": a.asset_no,
        "name": a.name,
        "class": a.asset_class,
        "poverty_project": a.poverty_project,
        "acquired_on": a.acquired_on.isoformat(),
        "cost": format_amount(a.cost),
        "funds": list(a.funds),
    }


def notice_json(n: svc.Notice) -> dict[str, Any]:
    """The notice as data: exactly what the page and the PDF show (names, never ID or bank)."""
    return {
        "organization": {"code": n.org.code, "name": n.org.name, "region": n.org.region},
        "period": n.period.label,
        "from": n.period.first_day.isoformat(),
        "to": n.period.last_day.isoformat(),
        "published_on": n.published_on.isoformat() if n.published_on else None,
        "income": [_item(i) for i in n.income],
        "income_total": format_amount(n.income_total),
        "expenditure": [_item(i) for i in n.expenditure],
        "expenditure_total": format_amount(n.expenditure_total),
        "money": format_amount(n.money),
        "assets": [_asset(a) for a in n.assets],
        "claims": [
            {"account": b.account, "name": b.name, "amount": format_amount(b.amount)}
            for b in n.claims
        ],
        "debts": [
            {"account": b.account, "name": b.name, "amount": format_amount(b.amount)}
            for b in n.debts
        ],
        "distribution_plans": [
            {
                "year": p.year,
                "status": p.status,
                "resolution": p.resolution,
                "approved_on": p.approved_on.isoformat() if p.approved_on else None,
                "surplus": format_amount(p.surplus),
                "reserve": format_amount(p.reserve),
                "patronage": format_amount(p.patronage),
                "residual": format_amount(p.residual),
                "households": [
                    {
                        "member_no": h.member_no,
                        "name": h.name,
                        "amount": format_amount(h.amount),
                        "paid": format_amount(h.paid),
                    }
                    for h in p.households
                ],
            }
            for p in n.plans
        ],
        "one_matter_one_discussion": [
            {
                "code": f.code,
                "name": f.name,
                "grantor": f.grantor,
                "purpose": f.purpose,
                "granted": format_amount(f.granted),
                "received": format_amount(f.received),
                "spent": format_amount(f.spent),
                "lines": [_item(i) for i in f.lines],
            }
            for f in n.one_matter_funds
        ],
        "poverty_assets": [_asset(a) for a in n.poverty_assets],
        "poverty_income_distributed": format_amount(n.poverty_income_distributed),
    }


def notice_pdf(n: svc.Notice, locale: str = "zh") -> Response:
    """The notice-board PDF in ``locale``: the labels translated; names, accounts and memos as
    the books hold them (Chinese)."""
    from coopledger.adapters.pdf import render_pdf  # WeasyPrint only when a PDF is asked for

    pdf = render_pdf("pdf/disclosure.html", {"n": notice_json(n)}, locale=locale)
    name = f"disclosure-{n.org.code}-{n.period.label}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


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
    """The disclosure notice of a quarter (``2026-Q3``) or month (``2026-07``) as the public
    will see it; ``format=pdf`` for the notice board (``lang=en``: in English). 409 while a month
    of it is open."""
    n = svc.disclosure_notice(uow(), actor(), org, args["period"])
    if args["format"] == "pdf":
        return notice_pdf(n, args["lang"])
    return notice_json(n)


@blp.route("/disclosures", methods=["POST"])
@blp.arguments(PublishIn)
def publish(data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
    """Record that the notice of a closed period was put up today (stops its due warning)."""
    return notice_json(svc.publish(uow(), actor(), org, data["period"])), 201


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

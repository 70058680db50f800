"""``/api/v1/regions``: the region tree, a region's consolidated report, a fund followed across
organizations."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.domain.money import format_amount
from coopledger.services import regions as svc
from coopledger.services.ports import Org
from coopledger.services.print_contexts import region_report_figures, region_report_print_context
from coopledger.web.api.common import Blueprint, LangArgs, actor, uow
from coopledger.web.api.fields import Year
from coopledger.web.responses import inline_pdf
from coopledger.web.units import resume

blp = Blueprint(
    "regions",
    __name__,
    url_prefix="/api/v1/regions",
    description="The region tree (city / county / town / village) and consolidated reports.",
)


class OrgBrief(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()


class NodeOut(ma.Schema):
    path = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String()
    organizations = ma.fields.List(ma.fields.Nested(OrgBrief))
    children = ma.fields.List(ma.fields.Nested(lambda: NodeOut()))


class TreeOut(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NodeOut))
    next_cursor = ma.fields.String(allow_none=True)


def _brief(org: Org) -> dict[str, str]:
    return {"code": org.code, "name": org.name, "kind": org.kind}


def _node(node: svc.TreeNode) -> dict[str, Any]:
    return {
        "path": node.path,
        "name": node.name,
        "level": node.level,
        "organizations": [_brief(o) for o in node.orgs],
        "children": [_node(c) for c in node.children],
    }


@blp.route("")
@blp.response(200, TreeOut)
def tree() -> dict[str, Any]:
    """The region tree the caller may see, with the organizations under each node it sees."""
    return {"items": [_node(n) for n in svc.region_tree(uow(), actor())], "next_cursor": None}


class ReportArgs(LangArgs):
    region = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=400))
    year = Year(required=True)
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "pdf"]))
    findings = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "count the audit findings by severity (the slow part)"},
    )


def _pdf(template: str, context: dict[str, Any], name: str, locale: str = "zh") -> Response:
    # WeasyPrint only when a PDF is asked for
    from coopledger.adapters.pdf import render_pdf_isolated

    return inline_pdf(render_pdf_isolated(f"pdf/{template}", context, locale=locale), name)


JSON_OR_PDF = {
    200: {
        "description": "JSON, or the printable PDF with ``format=pdf``",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    },
    404: {"description": "no such region, or one outside the caller's scope"},
}


@blp.route("/report")
@blp.doc(responses=JSON_OR_PDF)
@blp.arguments(ReportArgs, location="query")
def report(args: dict[str, Any]) -> Any:
    """A region's consolidated report for a year: operating income per organization and the
    villages over 30 and 50 thousand yuan, fiscal funds granted, spent and unspent, assets by
    class, dividends to households by poverty status, what households are still owed, findings
    by severity. ``format=pdf`` draws it with charts. A region outside the caller's scope is 404.
    """
    result = svc.region_report(
        uow(),
        actor(),
        args["region"],
        args["year"],
        with_findings=args["findings"],
        resume=resume(),
    )
    if args["format"] == "pdf":
        return _pdf(
            "region_report.html",
            region_report_print_context(result),
            f"region-report-{result.year}",
            args["lang"],
        )
    return region_report_figures(result)


class TraceArgs(ma.Schema):
    org = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    fund = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))


def _households(steps: list[svc.HouseholdStep]) -> list[dict[str, Any]]:
    return [
        {
            "member_no": h.member_no,
            "name": h.name,
            "poverty_status": h.poverty_status,
            "quantified": format_amount(h.quantified),
            "dividend": format_amount(h.dividend),
            "from_fund": format_amount(h.from_fund),
            "paid": format_amount(h.paid),
            "organization": h.linked_org,
        }
        for h in steps
    ]


def _plan(p: svc.PlanStep) -> dict[str, Any]:
    return {
        "organization": p.org.code,
        "plan": p.plan_id,
        "year": p.year,
        "from_fund": format_amount(p.from_fund),
        "households": _households(p.households),
    }


@blp.route("/fund-trace")
@blp.doc(responses={200: {"description": "the steps, each with its amount"}})
@blp.arguments(TraceArgs, location="query")
def fund_trace(args: dict[str, Any]) -> dict[str, Any]:
    """A fiscal grant followed across organizations: granted, received and spent in the
    organization that holds it, the assets it built, the members' quantified shares, the
    dividends those shares earned, and on through a village that holds shares in a cooperative
    to the village's households — with the amount at each step."""
    t = svc.cross_fund_trace(uow(), actor(), args["org"], args["fund"])
    fund, fig = t.trace.view.fund, t.trace.view.figures
    return {
        "fund": {
            "organization": t.org.code,
            "organization_name": t.org.name,
            "region": t.org.region,
            "code": fund.code,
            "name": fund.name,
            "source": fund.source,
            "grantor": fund.grantor,
        },
        "steps": [
            {"step": "granted", "amount": format_amount(fund.granted_fen)},
            {"step": "received", "amount": format_amount(fig.received)},
            {"step": "spent", "amount": format_amount(fig.spent)},
            {"step": "assets", "amount": format_amount(fig.special_fund)},
            {"step": "quantified", "amount": format_amount(fig.quantified)},
            {"step": "dividends", "amount": format_amount(sum(p.from_fund for p in t.plans))},
        ],
        "assets": [
            {
                "asset_no": a.record.asset.asset_no,
                "name": a.record.asset.name,
                "class": a.record.asset.asset_class.value,
                "funded": format_amount(a.funded_fen),
                "accumulated_depreciation": format_amount(a.accumulated_fen),
            }
            for a in t.trace.assets
        ],
        "quantified": [
            {"member_no": no, "name": name, "amount": format_amount(fen)}
            for no, name, fen in t.trace.quantified
        ],
        "distributions": [_plan(p) for p in t.plans],
        "onward": [
            {
                "organization": o.org.code,
                "organization_name": o.org.name,
                "from_organization": o.from_org,
                "as_member": o.member_no,
                "from_fund": format_amount(o.from_fund),
                "received": None if o.received is None else format_amount(o.received),
                "distributions": [_plan(p) for p in o.plans],
            }
            for o in t.onward
        ],
        "invested": [
            {
                "cooperative": i.coop.code,
                "cooperative_name": i.coop.name,
                "as_member": i.member_no,
                "amount": format_amount(i.invested),
                "distributions": [_plan(p) for p in i.plans],
                "onward": [
                    {
                        "organization": o.org.code,
                        "from_fund": format_amount(o.from_fund),
                        "received": None if o.received is None else format_amount(o.received),
                        "distributions": [_plan(p) for p in o.plans],
                    }
                    for o in i.onward
                ],
            }
            for i in t.invested
        ],
        "ties": t.trace.ties,
    }

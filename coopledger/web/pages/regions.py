"""The county officer's page: a region's consolidated report (``/regions``), its charts drawn as
SVG on the server with the printed report's geometry, each organization a link to its own
read-only pages, the villages' public disclosure notices, and the report as PDF.

The report and its scope are the API's (:func:`coopledger.services.regions.region_report`): an
organization outside the officer's region is neither counted nor listed, and its pages are 404.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from coopledger.domain.regions import covered
from coopledger.domain.roles import Actor, Role
from coopledger.services import regions as svc
from coopledger.services.clock import utcnow
from coopledger.services.print_contexts import region_report_print_context
from coopledger.web.api.common import uow
from coopledger.web.pages.common import (
    bp,
    error_page,
    field_text,
    lang,
    login_required,
    signed_in,
)
from coopledger.web.responses import inline_pdf
from coopledger.web.units import resume

#: read-only pages of an organization the report links to, where this installation has them
DRILL_DOWN = (
    ("pages.dashboard", _l("概览")),
    ("pages.statements", _l("财务报表")),
    ("pages.trial_balance", _l("科目余额表")),
    ("pages.audit_view", _l("审计")),
)


def _flat(nodes: list[svc.TreeNode]) -> list[svc.TreeNode]:
    found: list[svc.TreeNode] = []
    for n in nodes:
        found.append(n)
        found.extend(_flat(n.children))
    return found


def _default_region(who: Actor, nodes: list[svc.TreeNode]) -> str:
    """The officer's own region; else the first node whose report the user may read."""
    if who.regions:
        return who.regions[0]
    return nodes[0].path if nodes else ""


def drill_down(code: str) -> list[tuple[str, Any]]:
    """(address, label) of the organization's read-only pages that exist here."""
    links = []
    for endpoint, label in DRILL_DOWN:
        if endpoint not in current_app.view_functions:
            continue
        try:
            links.append((url_for(endpoint, org=code), label))
        except BuildError:  # a page with other required arguments: not a drill-down
            continue
    return links


@bp.route("/regions")
@login_required
def regions() -> Any:
    """The consolidated report of a region (``?region=``, default the officer's own) for a year
    (``?year=``, default last year): organizations and their operating income against 30 and 50
    thousand yuan, fiscal funds, assets, dividends to households, audit findings; with
    ``format=pdf`` the printed report."""
    who = signed_in()
    if who.role is Role.HOUSEHOLD:
        return error_page(404)
    nodes = _flat(svc.region_tree(uow(), who))
    if who.role is not Role.ADMIN and who.regions:
        # the nodes above the officer's own region hang in its tree but have no report for it
        nodes = [n for n in nodes if covered(n.path, who.regions)]
    region = request.args.get("region", "").strip()[:400] or _default_region(who, nodes)
    errors: dict[str, list[str]] = {}
    default_year = utcnow().year - 1
    year_text = request.args.get("year", "").strip()
    year = default_year
    if year_text:
        if year_text.isdigit() and 2000 <= int(year_text) <= 2999:
            year = int(year_text)
        else:
            errors["year"] = [field_text("must be a year such as 2026")]
    if not region:
        return render_template(
            "pages/regions.html", report=None, nodes=nodes, region="", year=year, errors=errors
        )
    result = svc.region_report(uow(), who, region, year, resume=resume())
    context = region_report_print_context(result)
    if request.args.get("format") == "pdf" and not errors:
        from coopledger.adapters.pdf import render_pdf_isolated

        return inline_pdf(
            render_pdf_isolated("pdf/region_report.html", context, locale=lang()),
            f"region-report-{result.year}",
        )
    disclosures = {
        org.code: periods
        for org, periods in svc.region_disclosures(uow(), who, result.region)
        if periods
    }
    path = result.region
    return (
        render_template(
            "pages/regions.html",
            report=result,
            fig=context,
            nodes=nodes,
            children=[n for n in nodes if n.path.rsplit("/", 1)[0] == path and "/" in n.path],
            crumbs=[n for n in nodes if path == n.path or path.startswith(n.path + "/")],
            region=path,
            year=year,
            errors=errors,
            drill={o.org.code: drill_down(o.org.code) for o in result.orgs},
            disclosures=disclosures,
        ),
        422 if errors else 200,
    )

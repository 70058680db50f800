"""The auditor's view: the chain check and the findings of a year, and the auditor's package."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from coopledger.services import chain_check
from coopledger.services import findings as findings_svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.services.regions import group_findings
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, login_required, signed_in
from coopledger.web.units import resume

#: findings of one code the workspace lists before its "only these" link
PER_CODE = 10


@bp.route("/orgs/<org>/audit")
@login_required
def audit_view(org: str) -> Any:
    """The auditor's workspace: the hash chain and the balances, verified now from the verified
    point (``?full=1``: from the first voucher), and the year's findings grouped by code with
    counts, the first few of each listed; ``?code=`` lists all of one code."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    full = request.args.get("full") == "1"
    report = chain_check.verify_org(uow(), org, who, resume=resume(), full=full)
    year = request.args.get("year", type=int) or utcnow().year
    if not 2000 <= year <= 2999:
        year = utcnow().year
    found = findings_svc.findings_for(uow(), who, org, year, resume=resume())
    groups = group_findings(the_org, found)
    code = request.args.get("code", "").strip()[:60]
    if code:
        shown = [f for f in found if f.code == code]
    else:  # the first few of each code, the most severe codes first; the rest behind its link
        shown = [f for g in groups for f in [f for f in found if f.code == g.code][:PER_CODE]]
    return render_template(
        "pages/audit.html",
        org=the_org,
        report=report,
        year=year,
        findings=shown,
        groups=groups,
        code=code,
        hidden=len(found) - len(shown),
        per_code=PER_CODE,
    )


@bp.route("/orgs/<org>/audit/export")
@login_required
def audit_export(org: str) -> Response:
    """The auditor's package of a year (ZIP with its manifest), as the API builds it."""
    from coopledger.web.api.audit import audit_package_response

    year = request.args.get("year", type=int) or utcnow().year
    return audit_package_response(signed_in(), org, year)

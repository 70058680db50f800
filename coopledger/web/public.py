"""Public pages, no login: a village's disclosure notice (财务公开) by its link; and the same
page at ``/orgs/<org>/disclosure`` for the signed-in accountant who prepares it.

Shows only what the notice shows: names, never ID or bank numbers (the notice has no field for
them). An unknown organization and a period still open get the same answer (404).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, render_template, request

from coopledger.domain.regions import quarter_of
from coopledger.services import disclosure as svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.api.disclosure import notice_json, notice_pdf
from coopledger.web.pages.common import bp as pages_bp
from coopledger.web.pages.common import lang, login_required, signed_in

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/<org>/disclosure")
def disclosure(org: str) -> Any:
    period = request.args.get("period", "")
    n = svc.public_notice(uow(), org, period)
    fmt = request.args.get("format", "html")
    if fmt == "pdf":
        return notice_pdf(n, lang())
    if fmt == "json":
        return notice_json(n)
    return render_template("disclosure.html", n=notice_json(n))


@pages_bp.route("/orgs/<org>/disclosure")
@login_required
def org_disclosure(org: str) -> Any:
    """The same notice for the signed-in accountant who prepares it (default: last quarter)."""
    period = request.args.get("period") or _last_quarter()
    n = svc.disclosure_notice(uow(), signed_in(), org, period)
    if request.args.get("format") == "pdf":
        return notice_pdf(n, lang())
    return render_template("disclosure.html", n=notice_json(n))


def _last_quarter() -> str:
    today = utcnow().date()
    return quarter_of(today.replace(day=1) - timedelta(days=80)).label

"""Public pages, no login: a village's disclosure notice (财务公开) by its link; and the same
page at ``/orgs/<org>/disclosure`` for the signed-in accountant who prepares it.

The public link shows a notice once it is published, exactly as it was issued: the page, its PDF
and ``format=json`` — the issued text itself, whose SHA-256 is the fingerprint printed on the
page and the PDF. An unknown organization and a period not published answer the same 404, so the
link tells nobody which organizations exist. Every text on the notice has its ID, bank card and
phone numbers masked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request

from coopledger.domain.regions import quarter_of
from coopledger.services import disclosure as svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp as pages_bp
from coopledger.web.pages.common import lang, login_required, signed_in
from coopledger.web.responses import notice_pdf

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/<org>/disclosure")
def disclosure(org: str) -> Any:
    period = request.args.get("period", "")
    doc, published = svc.public_notice(uow(), org, period)
    fmt = request.args.get("format", "html")
    if fmt == "pdf":
        return notice_pdf(doc, lang())
    if fmt == "json":
        # the issued bytes as stored: ``sha256sum`` of this download is the fingerprint
        return Response(doc.body, mimetype="application/json", headers={"ETag": f'"{doc.sha256}"'})
    return render_template(
        "disclosure.html",
        n=doc.content,
        fingerprint=doc.sha256,
        public=True,
        periods=published,
        picker_url=request.path,
    )


@pages_bp.route("/orgs/<org>/disclosure")
@login_required
def org_disclosure(org: str) -> Any:
    """The same notice for the signed-in accountant who prepares it (default: last quarter)."""
    ready = svc.ready_quarters(uow(), signed_in(), org, utcnow().date())
    period = request.args.get("period") or (ready[0] if ready else _last_quarter())
    doc = svc.disclosure_notice(uow(), signed_in(), org, period)
    if request.args.get("format") == "pdf":
        return notice_pdf(doc, lang())
    return render_template(
        "disclosure.html",
        n=doc.content,
        fingerprint=doc.sha256,
        periods=ready,
        picker_url=request.path,
        org_code=org,
    )


def _last_quarter() -> str:
    """The quarter before this one: what the page asks for when no quarter is ready yet (the
    answer says which month to close)."""
    today = utcnow().date()
    return quarter_of(today.replace(day=1) - timedelta(days=80)).label

"""Reports: the trial balance and the ledger, on screen and printed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import redirect, render_template, request, url_for

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, date_in_range
from coopledger.services import orgs as org_svc
from coopledger.services import reports
from coopledger.services.clock import utcnow
from coopledger.services.print_contexts import ledger_print_context, trial_balance_print_context
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, field_text, lang, login_required, signed_in
from coopledger.web.responses import inline_pdf


def _range() -> tuple[date, date, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    today = utcnow().date()
    try:
        end = date.fromisoformat(request.args["to"]) if request.args.get("to") else today
    except ValueError:
        errors["to"] = [field_text("not a valid date")]
        end = today
    try:
        start = (
            date.fromisoformat(request.args["from"])
            if request.args.get("from")
            else date(end.year, 1, 1)
        )
    except ValueError:
        errors["from"] = [field_text("not a valid date")]
        start = date(end.year, 1, 1)
    for key, day in (("from", start), ("to", end)):
        if not date_in_range(day) and key not in errors:
            errors[key] = [field_text(DATE_RANGE_MESSAGE)]
    if errors:
        start, end = date(today.year, 1, 1), today
    return start, end, errors


@bp.route("/orgs/<org>/reports/trial-balance")
@login_required
def trial_balance(org: str) -> Any:
    who = signed_in()
    start, end, errors = _range()
    the_org = org_svc.get_org(uow(), who, org)
    if errors:
        return render_template(
            "pages/trial_balance.html", org=the_org, tb=None, start=start, end=end, errors=errors
        ), 422
    tb = reports.trial_balance_report(uow(), who, org, start, end)
    if request.args.get("format") == "pdf":
        from coopledger.adapters.pdf import render_pdf

        context = trial_balance_print_context(tb, the_org, start, end, lang())
        return inline_pdf(
            render_pdf("pdf/trial_balance.html", context, locale=lang()),
            f"trial-balance-{org}-{start.isoformat()}-{end.isoformat()}",
        )
    return render_template(
        "pages/trial_balance.html", org=the_org, tb=tb, start=start, end=end, errors={}
    )


@bp.route("/orgs/<org>/reports/ledger")
@login_required
def ledger(org: str) -> Any:
    who = signed_in()
    start, end, errors = _range()
    the_org = org_svc.get_org(uow(), who, org)
    account = (request.args.get("account") or "").strip()[:12]
    member = (request.args.get("member") or "").strip()[:20] or None
    if not account or errors:
        return redirect(url_for("pages.trial_balance", org=org))
    result = reports.ledger_report(uow(), who, org, account, member, start, end)
    member_name = None
    if member is not None:
        member_name = org_svc.get_member(uow(), who, org, member).name
    if request.args.get("format") == "pdf":
        from coopledger.adapters.pdf import render_pdf

        context = ledger_print_context(result, the_org, member_name, lang())
        return inline_pdf(
            render_pdf("pdf/ledger.html", context, locale=lang()),
            f"ledger-{org}-{account}-{start.isoformat()}-{end.isoformat()}",
        )
    return render_template(
        "pages/ledger.html",
        org=the_org,
        ledger=result,
        member_name=member_name,
        start=start,
        end=end,
    )

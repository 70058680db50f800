"""Surplus distribution: the plans, a new plan, one plan and its steps (approve, post, pay)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, MAX_YEAR, date_in_range
from coopledger.domain.distribution import Guarantee, ReserveBasis
from coopledger.domain.errors import DomainError
from coopledger.domain.money import AmountError, parse_amount
from coopledger.services import distribution as dist_svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.api.fields import Rate
from coopledger.web.pages.common import (
    ERROR_CODES,
    bp,
    error_text,
    field_text,
    login_required,
    signed_in,
)


@bp.route("/orgs/<org>/distributions", methods=["GET", "POST"])
@login_required
def distributions(org: str) -> Any:
    """The plans, and the wizard's first step: the inputs of a new plan for a closed year."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    form = {
        "year": str(utcnow().year - 1),
        "reserve_rate": "0.10",
        "patronage_ratio": "0.60",
        "include_prior": "",
        "reserve_basis": ReserveBasis.TRANSACTIONS.value,
        "guarantee_fixed": "",
        "guarantee_rate": "",
    }
    statuses = list(GUARANTEED_BY_DEFAULT)
    errors: dict[str, list[str]] = {}
    message = None
    status = 200
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip()[:20] for k in form}
        statuses = [s for s in request.form.getlist("guarantee_status") if s in GUARANTEE_STATUSES]
        plan_request = _plan_request(form, statuses, errors)
        if plan_request is not None:
            try:
                plan = dist_svc.create_plan(uow(), who, org, plan_request)
            except DomainError as exc:
                if exc.kind in ("not_found", "forbidden"):
                    raise
                message = error_text(exc)
                errors = {k: [field_text(m) for m in v] for k, v in exc.errors.items()}
            else:
                flash(str(ERROR_CODES["done"]), "ok")
                return redirect(url_for("pages.distribution", org=org, plan_id=plan.id))
        status = 422
    plans = dist_svc.list_plans(uow(), who, org)
    return render_template(
        "pages/distributions.html",
        org=the_org,
        plans=plans,
        form=form,
        statuses=statuses,
        guarantee_statuses=GUARANTEE_STATUSES,
        errors=errors,
        message=message,
    ), status


#: the poverty statuses a minimum guarantee may cover, and those ticked when the form opens
GUARANTEE_STATUSES = ("poor", "monitored", "exited", "low_income", "extreme_poverty")


GUARANTEED_BY_DEFAULT = ("poor", "monitored")


def _plan_request(
    form: dict[str, str], statuses: list[str], errors: dict[str, list[str]]
) -> dist_svc.PlanRequest | None:
    """The inputs as the API's rules read them (a rate is a decimal from 0 to 1: ``0.10``; an
    amount as on paper: ``8000`` or ``8000.00``). A minimum guarantee (保底) for the households of
    the ticked statuses is either a fixed amount or a rate of their quantified fiscal share."""
    text = form["year"]
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else 0
    if not 2000 <= year <= MAX_YEAR:
        errors["year"] = [field_text("must be a year such as 2025")]
    rates: dict[str, Decimal] = {}
    for key in ("reserve_rate", "patronage_ratio"):
        try:
            rates[key] = Rate().deserialize(form[key])
        except ma.ValidationError:
            errors[key] = [field_text("a decimal from 0 to 1")]
    fixed: int | None = None
    if form["guarantee_fixed"]:
        try:
            fixed = parse_amount(form["guarantee_fixed"])
        except AmountError:
            errors["guarantee_fixed"] = [field_text("an amount such as 8000.00")]
    rate: Decimal | None = None
    if form["guarantee_rate"]:
        try:
            rate = Rate().deserialize(form["guarantee_rate"])
        except ma.ValidationError:
            errors["guarantee_rate"] = [field_text("a decimal from 0 to 1")]
    form["reserve_basis"] = form["reserve_basis"] or ReserveBasis.TRANSACTIONS.value
    if form["reserve_basis"] not in set(ReserveBasis):
        errors["reserve_basis"] = [field_text("choose one of the listed rules")]
    wanted = fixed is not None or rate is not None
    if wanted and not statuses:
        errors["guarantee_status"] = [field_text("tick at least one status")]
    if errors:
        return None
    return dist_svc.PlanRequest(
        year=year,
        reserve_rate=rates["reserve_rate"],
        patronage_ratio=rates["patronage_ratio"],
        include_prior_undistributed=bool(form["include_prior"]),
        guarantee=Guarantee(tuple(statuses), fixed, rate) if wanted else None,
        reserve_basis=ReserveBasis(form["reserve_basis"]),
    )


@bp.route("/orgs/<org>/distributions/<int:plan_id>")
@login_required
def distribution(org: str, plan_id: int) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    plan = dist_svc.get_plan(uow(), who, org, plan_id)
    return render_template(
        "pages/distribution.html", org=the_org, plan=plan, today=utcnow().date().isoformat()
    )


@bp.route("/orgs/<org>/distributions/<int:plan_id>/<any(approve,post,pay):step>", methods=["POST"])
@login_required
def distribution_step(org: str, plan_id: int, step: str) -> Any:
    who = signed_in()
    target = url_for("pages.distribution", org=org, plan_id=plan_id)
    try:
        on = date.fromisoformat(request.form.get("date", ""))
    except ValueError:
        flash(field_text("not a valid date"), "error")
        return redirect(target)
    if not date_in_range(on):
        flash(field_text(DATE_RANGE_MESSAGE), "error")
        return redirect(target)
    try:
        if step == "approve":
            dist_svc.approve_plan(
                uow(), who, org, plan_id, request.form.get("resolution", "")[:200], on
            )
        elif step == "post":
            dist_svc.post_plan(uow(), who, org, plan_id)
        else:
            amount = None
            if request.form.get("amount"):
                try:
                    amount = parse_amount(request.form["amount"].strip())
                except AmountError as exc:
                    flash(field_text(str(exc)), "error")
                    return redirect(target)
            method = "cash" if request.form.get("method") == "cash" else "bank"
            dist_svc.pay(
                uow(),
                who,
                org,
                plan_id,
                dist_svc.PaymentRequest(on, method, request.form.get("member") or None, amount),
            )
    except DomainError as exc:
        if exc.kind == "not_found" and not exc.errors:
            raise
        flash(error_text(exc), "error")
        return redirect(target)
    flash(str(ERROR_CODES["done"]), "ok")
    return redirect(target)

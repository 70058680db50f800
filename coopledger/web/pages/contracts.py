"""承包合同, 资源台账 and the 一事一议 备查簿: the registers with their forms — forms over the
service the API calls. A refused form shows each problem beside its field and keeps what was
typed."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from coopledger.domain.contracts import (
    Contract,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
    yearly,
)
from coopledger.domain.errors import DomainError, Forbidden
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.roles import Action, Actor
from coopledger.services import contracts as svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.api.contracts import projects_print_context
from coopledger.web.pages.common import bp, lang, login_required, signed_in
from coopledger.web.pages.forms import Form
from coopledger.web.responses import inline_pdf

KINDS = {
    "land": _l("耕地"),
    "pond": _l("鱼塘"),
    "forest": _l("林地"),
    "orchard": _l("果园"),
    "building": _l("房屋建筑"),
    "other": _l("其他"),
}
PROJECT_STATUS = {
    "planned": _l("已议定"),
    "in_progress": _l("实施中"),
    "done": _l("已完成"),
}
VIA = {"cash": _l("现金"), "bank": _l("银行存款")}
RESOURCE_FIELDS = ("kind", "name", "location", "area", "unit", "note")
CONTRACT_FIELDS = (
    "contract_no",
    "member",
    "party",
    "resource",
    "subject",
    "area",
    "unit",
    "starts_on",
    "ends_on",
    "fee",
    "due",
)
CHARGE_FIELDS = ("date",)
RECEIPT_FIELDS = ("contract_no", "date", "amount", "via")
PROJECT_FIELDS = (
    "id",
    "name",
    "meeting_on",
    "decision",
    "raised",
    "labour",
    "subsidy",
    "spent",
    "status",
    "vouchers",
)


def _(text: str, **values: Any) -> str:
    return str(gettext(text, **values))


def _may(who: Actor, action: Action) -> None:
    if not who.may(action):
        raise Forbidden("the role may not do this")


def _refused(form: Form, exc: DomainError, field: str) -> None:
    if exc.kind in ("not_found", "forbidden") and not exc.errors:
        raise exc
    form.refused(exc, field)


# -- 资源台账 ---------------------------------------------------------------------------------------


@bp.route("/orgs/<org>/resources", methods=["GET", "POST"])
@login_required
def resources(org: str) -> Any:
    """The resources register: each resource with its area and whether it is contracted today;
    the form to enter one."""
    who = signed_in()
    form = Form({"kind": "land", "unit": "亩"}, RESOURCE_FIELDS)
    status = 200
    if request.method == "POST":
        _may(who, Action.MANAGE_REGISTERS)
        form = Form(request.form, RESOURCE_FIELDS)
        kind = form.choice("kind", KINDS, "land")
        name = form.text("name", required=True, max_length=100)
        location = form.text("location", max_length=200)
        area = form.quantity("area")
        unit = form.text("unit", required=True, max_length=20)
        note = form.text("note", max_length=400)
        if form.ok:
            try:
                record = svc.add_resource(
                    uow(),
                    who,
                    org,
                    Resource(ResourceKind(kind), name, location, area or 0, unit, note),
                )
            except DomainError as exc:
                _refused(form, exc, "name")
            else:
                flash(_("已登记资源 %(name)s。", name=record.resource.name), "ok")
                return redirect(url_for("pages.resources", org=org))
        status = 422
    the_org, rows = svc.resources(uow(), who, org)
    return render_template(
        "pages/resources.html", org=the_org, rows=rows, form=form, KINDS=KINDS
    ), status


# -- 承包合同 ---------------------------------------------------------------------------------------


@bp.route("/orgs/<org>/contracts", methods=["GET", "POST"])
@login_required
def contracts(org: str) -> Any:
    """The contracts register on a day (``on``, today): each contract with its fees charged,
    received and overdue, and the totals; the forms to enter a contract with a yearly fee, to
    charge the fees due and to record a fee received."""
    who = signed_in()
    today = utcnow().date().isoformat()
    add = Form({"unit": "亩", "due": "01-01"}, CONTRACT_FIELDS)
    charge = Form({"date": today}, CHARGE_FIELDS)
    receipt = Form({"date": today, "via": "cash"}, RECEIPT_FIELDS)
    status = 200
    if request.method == "POST":
        which = request.form.get("form")
        if which == "charge":
            _may(who, Action.MANAGE_REGISTERS)
            charge = Form(request.form, CHARGE_FIELDS)
            done = _charge(org, who, charge)
        elif which == "receipt":
            _may(who, Action.PREPARE)
            receipt = Form(request.form, RECEIPT_FIELDS)
            done = _receipt(org, who, receipt)
        else:
            _may(who, Action.MANAGE_REGISTERS)
            add = Form(request.form, CONTRACT_FIELDS)
            done = _add(org, who, add)
        if done:
            return redirect(url_for("pages.contracts", org=org))
        status = 422
    on = Form(request.args, ("on",)).day("on")
    the_org, reg = svc.register(uow(), who, org, on)
    _o, resource_rows = svc.resources(uow(), who, org)
    return render_template(
        "pages/contracts.html",
        org=the_org,
        reg=reg,
        resources=resource_rows,
        add=add,
        charge=charge,
        receipt=receipt,
        VIA=VIA,
    ), status


@bp.route("/orgs/<org>/contracts/<contract_no>")
@login_required
def contract(org: str, contract_no: str) -> Any:
    """One contract: its party, resource and term, its fee schedule (each instalment with the
    voucher that charged it), its receipts and its arrears on a day (``on``, today)."""
    who = signed_in()
    on = Form(request.args, ("on",)).day("on")
    the_org, row = svc.contract(uow(), who, org, contract_no, on)
    return render_template("pages/contract.html", org=the_org, row=row, on=on or utcnow().date())


def _add(org: str, who: Actor, form: Form) -> bool:
    number = form.text("contract_no", required=True, max_length=40)
    member = form.text("member", max_length=20) or None
    party = form.text("party", max_length=200)
    resource = form.whole("resource", 1, 999_999_999)
    subject = form.text("subject", max_length=200)
    area = form.quantity("area")
    unit = form.text("unit", required=True, max_length=20)
    starts = form.day("starts_on", required=True)
    ends = form.day("ends_on", required=True)
    fee = form.amount("fee", required=True)
    due = form.values["due"]
    month, _sep, day = due.partition("-")
    if not (month.isdigit() and day.isdigit()):
        form.fail("due", "not a day of the year")
    if not form.ok or starts is None or ends is None or fee is None:
        return False
    try:
        schedule = yearly(starts, ends, fee, int(month), int(day))
        record = svc.add_contract(
            uow(),
            who,
            org,
            Contract(
                number, party, member, resource, subject, area or 0, unit, starts, ends,
                tuple(schedule),
            ),
        )  # fmt: skip
    except DomainError as exc:
        _refused(form, exc, "contract_no")
        return False
    flash(
        _("已登记承包合同 %(no)s（%(party)s）。", no=record.contract_no, party=record.party), "ok"
    )
    return True


def _charge(org: str, who: Actor, form: Form) -> bool:
    on = form.day("date", required=True)
    if not form.ok or on is None:
        return False
    try:
        done = svc.charge(uow(), who, org, on)
    except DomainError as exc:
        _refused(form, exc, "date")
        return False
    if done.voucher is None:
        flash(_("截至 %(on)s 没有未确认的到期承包费。", on=on.isoformat()), "ok")
    else:
        flash(
            _(
                "已确认到期承包费 %(n)s 笔，共 %(x)s 元；凭证草稿 %(id)s 待审核记账。",
                n=len(done.due),
                x=format_amount(done.total_fen, grouped=True),
                id=done.voucher.id,
            ),
            "ok",
        )
    return True


def _receipt(org: str, who: Actor, form: Form) -> bool:
    number = form.text("contract_no", required=True, max_length=40)
    on = form.day("date", required=True)
    amount = form.amount("amount", required=True)
    via = form.choice("via", VIA, "cash")
    if not form.ok or on is None or amount is None:
        return False
    try:
        _row, voucher = svc.receive(uow(), who, org, number, paid_on=on, amount_fen=amount, via=via)
    except DomainError as exc:
        _refused(form, exc, "amount")
        return False
    flash(
        _(
            "已收合同 %(no)s 承包费 %(x)s 元；收款凭证草稿 %(id)s 待审核记账。",
            no=number,
            x=format_amount(amount, grouped=True),
            id=voucher.id,
        ),
        "ok",
    )
    return True


# -- 一事一议 备查簿 ----------------------------------------------------------------------------------


@bp.route("/orgs/<org>/village-projects", methods=["GET", "POST"])
@login_required
def village_projects(org: str) -> Any:
    """The 一事一议 备查簿: every project by the date of its meeting, with the totals; the form
    to enter one or (``?edit=<id>``) change one."""
    who = signed_in()
    the_org, rows = svc.projects(uow(), who, org)
    editing = request.args.get("edit", "")
    start: dict[str, str] = {"status": "planned", "meeting_on": utcnow().date().isoformat()}
    for r in rows:
        if str(r.id) == editing:
            p = r.project
            start = {
                "id": str(r.id),
                "name": p.name,
                "meeting_on": p.meeting_on.isoformat(),
                "decision": p.decision,
                "raised": format_amount(p.raised_fen),
                "labour": format_quantity(p.labour_milli),
                "subsidy": format_amount(p.subsidy_fen),
                "spent": format_amount(p.spent_fen),
                "status": p.status.value,
                "vouchers": p.vouchers,
            }
    form = Form(start, PROJECT_FIELDS)
    status = 200
    if request.method == "POST":
        _may(who, Action.MANAGE_REGISTERS)
        form = Form(request.form, PROJECT_FIELDS)
        if _save_project(org, who, form):
            return redirect(url_for("pages.village_projects", org=org))
        status = 422
    return render_template(
        "pages/village_projects.html",
        org=the_org,
        rows=rows,
        totals=svc.project_totals(rows),
        form=form,
        STATUS=PROJECT_STATUS,
    ), status


def _save_project(org: str, who: Actor, form: Form) -> bool:
    project_id = form.whole("id", 1, 999_999_999)
    name = form.text("name", required=True, max_length=200)
    meeting = form.day("meeting_on", required=True)
    decision = form.text("decision", required=True, max_length=400)
    raised = form.amount("raised") or 0
    labour = form.quantity("labour") if form.values["labour"] else 0
    subsidy = form.amount("subsidy") or 0
    spent = form.amount("spent") or 0
    status = form.choice("status", PROJECT_STATUS, "planned")
    vouchers = form.text("vouchers", max_length=400)
    if not form.ok or meeting is None:
        return False
    project = Project(
        name, meeting, decision, raised, labour or 0, subsidy, spent, ProjectStatus(status),
        vouchers,
    )  # fmt: skip
    try:
        svc.save_project(uow(), who, org, project, project_id)
    except DomainError as exc:
        _refused(form, exc, "name")
        return False
    flash(_("已保存一事一议项目 %(name)s。", name=name), "ok")
    return True


@bp.route("/orgs/<org>/village-projects.pdf")
@login_required
def village_projects_pdf(org: str) -> Response:
    """The 一事一议 备查簿, printed."""
    from coopledger.adapters.pdf import render_pdf_isolated

    organization, rows = svc.projects(uow(), signed_in(), org)
    return inline_pdf(
        render_pdf_isolated(
            "pdf/village_projects.html", projects_print_context(organization, rows), locale=lang()
        ),
        f"village-projects-{org}",
    )


__all__ = ["contracts", "resources", "village_projects", "village_projects_pdf"]

"""在建工程: the projects under construction with what each has cost, a project's spending and
vouchers, and the forms that open a project, record a spending (its voucher prepared: Dr 在建工程
/ Cr 银行存款, and for a fund's project Dr 专项应付款 / Cr 专项基金) and complete it into a
fixed asset — each asked to be confirmed first. Forms over the service the API calls."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from coopledger.domain.assets import AssetClass, AssetUse
from coopledger.domain.bounds import MAX_LIFE_MONTHS
from coopledger.domain.construction import ConstructionProject
from coopledger.domain.errors import DomainError, Forbidden
from coopledger.domain.money import format_amount
from coopledger.domain.roles import Action, Actor
from coopledger.services import construction as svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, login_required, signed_in
from coopledger.web.pages.forms import Form
from coopledger.web.pages.registers import ASSET_NO_RE, ASSET_USE, Confirm

PROJECT_FIELDS = ("project_no", "name", "fund", "class", "poverty_project", "started_on")
SPEND_FIELDS = ("form", "date", "amount", "memo")
COMPLETE_FIELDS = ("form", "date", "asset_no", "use", "useful_life_months", "salvage", "category")
FIELDS = tuple(dict.fromkeys(SPEND_FIELDS + COMPLETE_FIELDS))


def _(text: str, **values: Any) -> str:
    return str(gettext(text, **values))


def _may_manage(who: Actor) -> None:
    if not who.may(Action.MANAGE_REGISTERS):
        raise Forbidden("the role may not manage the registers")


@bp.route("/orgs/<org>/construction", methods=["GET", "POST"])
@login_required
def construction(org: str) -> Any:
    """The projects with totals; POST opens a project once confirmed."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    source = request.form if request.method == "POST" else {}
    form = Form(
        {"started_on": utcnow().date().isoformat(), "class": "operating", **source}, PROJECT_FIELDS
    )
    status, confirm = 200, None
    if request.method == "POST":
        _may_manage(who)
        project = _read_project(form)
        if project is not None and request.form.get("confirmed") == "1":
            try:
                svc.create_project(uow(), who, org, project)
            except DomainError as exc:
                if exc.kind in ("not_found", "forbidden") and not exc.errors:
                    raise
                form.refused(exc, "project_no")
                status = 422
            else:
                flash(_("已登记在建工程 %(no)s。", no=project.project_no), "ok")
                return redirect(
                    url_for("pages.construction_project", org=org, no=project.project_no)
                )
        elif project is not None:
            funded = (
                _("由资金 %(f)s 拨款建设。", f=project.fund) if project.fund else _("自筹建设。")
            )
            confirm = Confirm(
                "project",
                [
                    _("登记在建工程 %(no)s %(name)s。", no=project.project_no, name=project.name),
                    funded,
                ],
                {k: v for k, v in form.values.items() if v},
            )
        else:
            status = 422
    projects = svc.list_projects(uow(), who, org)
    building = [p for p in projects if p.completed_on is None]
    return render_template(
        "pages/construction.html",
        org=the_org,
        projects=projects,
        building_fen=sum(p.total_fen for p in building),
        total_fen=sum(p.total_fen for p in projects),
        funds=org_svc.list_funds(uow(), who, org),
        form=form,
        confirm=confirm,
    ), status


def _read_project(form: Form) -> ConstructionProject | None:
    number = form.text("project_no", required=True, max_length=40)
    if number and not ASSET_NO_RE.fullmatch(number):
        form.fail("project_no", "1 to 40 letters, digits or hyphens")
    name = form.text("name", required=True)
    cls = form.choice("class", [AssetClass.OPERATING.value, AssetClass.PUBLIC_WELFARE.value], "")
    started = form.day("started_on", required=True)
    if not form.ok or started is None:
        return None
    return ConstructionProject(
        project_no=number,
        name=name,
        asset_class=AssetClass(cls),
        started_on=started,
        fund=form.values["fund"] or None,
        poverty_project=form.tick("poverty_project"),
    )


@bp.route("/orgs/<org>/construction/<no>", methods=["GET", "POST"])
@login_required
def construction_project(org: str, no: str) -> Any:
    """One project: its spending and vouchers; POST records a spending or the completion."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    record = svc.get_project(uow(), who, org, no)
    source = request.form if request.method == "POST" else {}
    defaults = {"date": utcnow().date().isoformat(), "use": "production", "asset_no": no}
    form = Form({**defaults, **source}, FIELDS)
    status, confirm = 200, None
    if request.method == "POST":
        _may_manage(who)
        action = form.choice("form", ("spend", "complete"), "spend")
        if form.ok and request.form.get("confirmed") == "1":
            if _act(org, who, no, action, form):
                return redirect(url_for("pages.construction_project", org=org, no=no))
            status = 422
        elif form.ok:
            confirm = _confirm(action, form, record.project)
            if confirm is None:
                status = 422
        else:
            status = 422
        record = svc.get_project(uow(), who, org, no)
    return render_template(
        "pages/construction_project.html",
        org=the_org,
        p=record,
        form=form,
        confirm=confirm,
        ASSET_USE=ASSET_USE,
    ), status


def _confirm(action: str, form: Form, project: ConstructionProject) -> Confirm | None:
    values = {k: v for k, v in form.values.items() if v}
    if action == "spend":
        amount = form.amount("amount", required=True)
        form.day("date", required=True)
        if not form.ok or amount is None:
            return None
        lines = [
            _(
                "于 %(d)s 为在建工程 %(no)s 支出 %(x)s 元，生成凭证草稿：借 在建工程，贷 银行存款。",
                d=form.values["date"],
                no=project.project_no,
                x=format_amount(amount, grouped=True),
            )
        ]
        if project.fund:
            lines.append(
                _(
                    "同一张凭证将资金 %(f)s 的同额由专项应付款转入专项基金。",
                    f=project.fund,
                )
            )
        return Confirm("spend", lines, values)
    asset_no = form.text("asset_no", required=True, max_length=40)
    if asset_no and not ASSET_NO_RE.fullmatch(asset_no):
        form.fail("asset_no", "1 to 40 letters, digits or hyphens")
    form.whole("useful_life_months", 1, MAX_LIFE_MONTHS, required=True)
    form.day("date", required=True)
    form.amount("salvage")
    if not form.ok:
        return None
    return Confirm(
        "complete",
        [
            _(
                "于 %(d)s 完工：全部工程成本由在建工程转入固定资产 %(a)s，并登记资产卡片；"
                "专项应付款不再转出。",
                d=form.values["date"],
                a=form.values["asset_no"],
            )
        ],
        values,
    )


def _act(org: str, who: Actor, no: str, action: str, form: Form) -> bool:
    on = form.day("date", required=True)
    try:
        if action == "spend":
            amount = form.amount("amount", required=True)
            if not form.ok or on is None or amount is None:
                return False
            _r, voucher = svc.spend(
                uow(), who, org, no, on, amount, memo=form.text("memo", max_length=200)
            )
            flash(_("支出已登记；凭证草稿 %(id)s 待审核记账。", id=voucher.id), "ok")
            return True
        life = form.whole("useful_life_months", 1, MAX_LIFE_MONTHS, required=True)
        salvage = form.amount("salvage") or 0
        asset_no = form.text("asset_no", required=True, max_length=40)
        use = form.choice("use", [u.value for u in AssetUse], "production")
        if not form.ok or on is None or life is None:
            return False
        _r, card, voucher = svc.complete(
            uow(),
            who,
            org,
            no,
            svc.Completion(
                on=on,
                asset_no=asset_no,
                use=AssetUse(use),
                useful_life_months=life,
                salvage_fen=salvage,
                category=form.text("category", max_length=100),
            ),
        )
        flash(
            _(
                "工程已完工，资产卡片 %(a)s 已登记；凭证草稿 %(id)s 待审核记账。",
                a=card.asset.asset_no,
                id=voucher.id,
            ),
            "ok",
        )
        return True
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        form.refused(exc, "date")
        return False

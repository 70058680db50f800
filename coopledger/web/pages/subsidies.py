"""补贴测算: the subsidy policies, what one gives the organization in a year from the posted
vouchers, the claims (申报表) with their lines, printed or as a spreadsheet, and the buttons that
submit a claim, record its money received and pay households — each asked to be confirmed
first. Forms over the service the API calls."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from coopledger.domain.errors import DomainError, Forbidden
from coopledger.domain.money import format_amount
from coopledger.domain.roles import Action, Actor
from coopledger.services import orgs as org_svc
from coopledger.services import subsidies as svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.api.subsidies import claim_file, policy_dir
from coopledger.web.pages.common import bp, lang, login_required, signed_in
from coopledger.web.pages.forms import Form
from coopledger.web.pages.registers import Confirm

FIELDS = ("form", "policy", "year", "claim", "date")
ACTIONS = ("claim", "submit", "receive", "pay")


def _(text: str, **values: Any) -> str:
    return str(gettext(text, **values))


def _may_manage(who: Actor) -> None:
    if not who.may(Action.MANAGE_REGISTERS):
        raise Forbidden("the role may not manage the registers")


@bp.route("/orgs/<org>/subsidies", methods=["GET", "POST"])
@login_required
def subsidies(org: str) -> Any:
    """Policies, a preview, the claims; POST asks to confirm, then records."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    today = utcnow().date()
    source = request.form if request.method == "POST" else request.args
    form = Form({"year": str(today.year), "date": today.isoformat(), **source}, FIELDS)
    status = 200
    confirm = None
    if request.method == "POST":
        _may_manage(who)
        action = form.choice("form", ACTIONS, "claim")
        if form.ok and request.form.get("confirmed") == "1":
            if _act(org, who, action, form):
                return redirect(url_for("pages.subsidies", org=org))
            status = 422
        elif form.ok:
            confirm = _confirm(action, form)
        else:
            status = 422
    policies = []
    try:
        policies = svc.policies_for(uow(), who, org, policy_dir())
    except DomainError as exc:
        if exc.code != "policy_invalid":
            raise
        form.refused(exc, "policy")
        status = 422
    preview = None
    if form.values["policy"] and any(p.code == form.values["policy"] for p in policies):
        year = form.whole("year", 1900, 2199, required=True)
        if year is not None:
            try:
                _o, preview = svc.preview(
                    uow(), who, org, form.values["policy"], year, policy_dir()
                )
            except DomainError as exc:
                if exc.kind in ("not_found", "forbidden"):
                    raise
                form.refused(exc, "policy")
    claims = svc.list_claims(uow(), who, org)
    return render_template(
        "pages/subsidies.html",
        org=the_org,
        policies=policies,
        preview=preview,
        claims=claims,
        form=form,
        confirm=confirm,
    ), status


def _confirm(action: str, form: Form) -> Confirm:
    values = {k: form.values[k] for k in FIELDS if form.values[k]}
    summary = {
        "claim": _(
            "按政策 %(p)s 生成 %(y)s 年补贴申报表。", p=form.values["policy"], y=form.values["year"]
        ),
        "submit": _("将申报表 %(id)s 标记为已申报。", id=form.values["claim"]),
        "receive": _(
            "登记申报表 %(id)s 的补贴资金于 %(d)s 到账，并生成入账凭证草稿。",
            id=form.values["claim"],
            d=form.values["date"],
        ),
        "pay": _(
            "于 %(d)s 向农户支付申报表 %(id)s 尚欠的全部补贴，并生成付款凭证草稿。",
            id=form.values["claim"],
            d=form.values["date"],
        ),
    }[action]
    return Confirm(action, [summary], values)


def _act(org: str, who: Actor, action: str, form: Form) -> bool:
    claim_id = form.whole("claim", 1, 2**62, required=action != "claim")
    year = form.whole("year", 1900, 2199, required=action == "claim")
    on = form.day("date", required=action in ("receive", "pay"))
    if not form.ok:
        return False
    try:
        if action == "claim":
            made = svc.create_claim(uow(), who, org, form.values["policy"], year or 0, policy_dir())
            flash(
                _(
                    "已生成申报表 %(id)s：%(n)s 行，合计 %(x)s 元。",
                    id=made.id,
                    n=len(made.lines),
                    x=format_amount(made.total_fen, grouped=True),
                ),
                "ok",
            )
        elif action == "submit":
            svc.submit(uow(), who, org, claim_id or 0)
            flash(_("申报表 %(id)s 已申报。", id=claim_id), "ok")
        elif action == "receive" and on is not None:
            _c, voucher = svc.receive(uow(), who, org, claim_id or 0, on)
            flash(_("补贴资金已登记到账；入账凭证草稿 %(id)s 待审核记账。", id=voucher.id), "ok")
        elif on is not None:
            _c, voucher = svc.pay(uow(), who, org, claim_id or 0, on)
            flash(_("已向农户支付补贴；付款凭证草稿 %(id)s 待审核记账。", id=voucher.id), "ok")
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        form.refused(exc, "policy" if action == "claim" else "claim")
        return False
    return True


@bp.route("/orgs/<org>/subsidies/claims/<int:claim_id>.<fmt>")
@login_required
def subsidy_claim_file(org: str, claim_id: int, fmt: str) -> Response:
    """The claim printed (``.pdf``) or as a spreadsheet (``.xlsx``)."""
    if fmt not in ("pdf", "xlsx"):
        raise Forbidden("only pdf or xlsx")
    organization, found = svc.claim(uow(), signed_in(), org, claim_id)
    return claim_file(organization, found, fmt, lang())

"""Surplus distribution: the plans, a new plan, one plan and its steps (approve, post, pay).

A plan's status is shown as its vouchers bear it out: a plan whose vouchers are still drafts
or reviewed is "vouchers prepared, awaiting review and posting", never "posted". Each step
says what it did; paying everyone still owed first shows whom and how much, and asks.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, MAX_YEAR, date_in_range
from coopledger.domain.distribution import Guarantee, ReserveBasis
from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import Dr, Voucher, totals
from coopledger.domain.members import SUPPORTED
from coopledger.domain.money import AmountError
from coopledger.services import distribution as dist_svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.services.ports import PlanRecord
from coopledger.web.api.common import uow
from coopledger.web.api.fields import Rate
from coopledger.web.pages.common import (
    bp,
    error_text,
    field_text,
    login_required,
    plain,
    signed_in,
)
from coopledger.web.pages.vouchers import parse_typed_amount

#: the plan's stage as the page words it (see services.distribution.stage_of)
STAGE = {
    "draft": _l("草稿"),
    "approved": _l("已批准"),
    "prepared": _l("分配凭证已生成，待审核、记账"),
    "posted": _l("已记账"),
}

#: the refusals of the wizard's steps, in the page's words (the service's code → text)
STEP_ERRORS = {
    "segregation_of_duties": _l(
        "制单人不能批准自己编制的分配方案，请由审核人或另一位会计记录成员大会的批准。"
    ),
    "vouchers_not_posted": _l("分配凭证尚未全部审核、记账，记账后才能支付。"),
    "plan_exists": _l("该年度已有已批准或已记账的分配方案，一个年度只能分配一次。"),
}

#: the labels of the rate fields, to name the field in its error
RATE_FIELDS = {
    "reserve_rate": _l("公积金提取比例"),
    "patronage_ratio": _l("按交易量返还比例"),
    "guarantee_rate": _l("保底比例"),
}
RATE_ERROR = _l("%(field)s：请填写 0 到 1 之间的小数（如 0.10）或百分数（如 10%%）")
PERCENT_RE = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,4})?)\s*[%％]", re.ASCII)


def parse_rate(text: str) -> Decimal:
    """A rate as people type it: ``0.10``, ``.1`` is not one; ``10%`` (or full-width ``10％``)
    is ``0.10``. The result obeys the API's rule (0 to 1, at most six decimals).

    :raise ValueError: anything else.
    """
    found = PERCENT_RE.fullmatch(text.strip())
    value = str(Decimal(found[1]).scaleb(-2)) if found else text.strip()
    try:
        return Rate().deserialize(value)
    except ma.ValidationError as exc:
        raise ValueError(text) from exc


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
        "override": "",
    }
    offer_override = False
    statuses = list(GUARANTEED_BY_DEFAULT)
    errors: dict[str, list[str]] = {}
    message = None
    status = 200
    plans = dist_svc.list_plan_stages(uow(), who, org)
    asked = request.args.get("year", "")
    if request.method == "GET" and asked.isascii() and asked.isdigit() and len(asked) == 4:
        form["year"] = asked
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
                if exc.code == "plan_exists":
                    message = in_force_text(plans, plan_request.year)
                    errors = {"year": [message]}
                elif exc.code in MEANS_REFUSALS:
                    message = str(MEANS_REFUSALS[exc.code] % exc.params)
                    offer_override = True
                else:
                    message = error_text(exc)
                    errors = {k: [field_text(m) for m in v] for k, v in exc.errors.items()}
            else:
                flash(
                    str(
                        _l(
                            "已计算并保存草稿方案 #%(id)s：%(year)s 年度可分配盈余 %(d)s 元，"
                            "%(n)s 户成员。请由成员大会批准。",
                            id=plan.id,
                            year=plan.year,
                            d=plain(plan.D) or "0.00",
                            n=len(plan.lines),
                        )
                    ),
                    "ok",
                )
                return redirect(url_for("pages.distribution", org=org, plan_id=plan.id))
        status = 422
    in_force = {year: (i, s) for i, year, s in plans if s in ("approved", "prepared", "posted")}
    return render_template(
        "pages/distributions.html",
        org=the_org,
        plans=plans,
        in_force=in_force,
        STAGE=STAGE,
        form=form,
        statuses=statuses,
        guarantee_statuses=GUARANTEE_STATUSES,
        errors=errors,
        message=message,
        offer_override=offer_override,
    ), status


#: a village's plan refused for what it would pay out, unless made with the override
MEANS_REFUSALS = {
    "beyond_cash": _l(
        "方案应付成员 %(payout)s 元，超过 %(year)s 年 12 月 31 日的库存现金和银行存款 %(cash)s 元："
        "村集体不得举债分配。"
    ),
    "distributes_subsidy": _l(
        "方案应付成员 %(payout)s 元，超过盈余 %(surplus)s 元扣除本年补助收入（村级组织运转经费）"
        "%(subsidy)s 元后的 %(own)s 元：运转经费补助不得分配给成员。"
    ),
}


def in_force_text(plans: list[tuple[int, int, str]], year: int) -> str:
    """The refusal of a second plan for a year that has its distribution, naming the plan."""
    found = next(((i, s) for i, y, s in plans if y == year and s in STAGE and s != "draft"), None)
    if found is None:
        return str(STEP_ERRORS["plan_exists"])
    return str(
        _l(
            "%(year)s 年度已有分配方案 #%(id)s（%(status)s），一个年度只能分配一次；"
            "不能再新建该年度的方案。",
            year=year,
            id=found[0],
            status=STAGE[found[1]],
        )
    )


#: the poverty statuses a minimum guarantee may cover, and those ticked when the form opens
GUARANTEE_STATUSES = ("exited", "monitored", "low_income", "extreme_poverty")


GUARANTEED_BY_DEFAULT = SUPPORTED


def _plan_request(
    form: dict[str, str], statuses: list[str], errors: dict[str, list[str]]
) -> dist_svc.PlanRequest | None:
    """The inputs as the API's rules read them (a rate is a decimal from 0 to 1, ``0.10``, or a
    percentage, ``10%``; an amount as on paper: ``8000``, ``8000.00`` or ``8,000.00``). A minimum
    guarantee (保底) for the households of the ticked statuses is either a fixed amount or a rate
    of their quantified fiscal share."""
    text = form["year"]
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else 0
    if not 2000 <= year <= MAX_YEAR:
        errors["year"] = [field_text("must be a year such as 2025")]
    rates: dict[str, Decimal | None] = {}
    for key in ("reserve_rate", "patronage_ratio", "guarantee_rate"):
        rates[key] = None
        if form[key] or key != "guarantee_rate":
            try:
                rates[key] = parse_rate(form[key])
            except ValueError:
                errors[key] = [str(RATE_ERROR % {"field": RATE_FIELDS[key]})]
    fixed: int | None = None
    if form["guarantee_fixed"]:
        try:
            fixed = parse_typed_amount(form["guarantee_fixed"])
        except AmountError:
            errors["guarantee_fixed"] = [field_text("an amount such as 8000.00")]
    rate = rates["guarantee_rate"]
    form["reserve_basis"] = form["reserve_basis"] or ReserveBasis.TRANSACTIONS.value
    if form["reserve_basis"] not in set(ReserveBasis):
        errors["reserve_basis"] = [field_text("choose one of the listed rules")]
    wanted = fixed is not None or rate is not None
    if wanted and not statuses:
        errors["guarantee_status"] = [field_text("tick at least one status")]
    reserve_rate, patronage_ratio = rates["reserve_rate"], rates["patronage_ratio"]
    if errors or reserve_rate is None or patronage_ratio is None:
        return None
    return dist_svc.PlanRequest(
        year=year,
        reserve_rate=reserve_rate,
        patronage_ratio=patronage_ratio,
        include_prior_undistributed=bool(form["include_prior"]),
        override=bool(form["override"]),
        guarantee=Guarantee(tuple(statuses), fixed, rate) if wanted else None,
        reserve_basis=ReserveBasis(form["reserve_basis"]),
    )


def owed(plan: PlanRecord) -> list[tuple[Any, int]]:
    """(line, fen still owed) of every member the plan still owes something."""
    return [
        (ln, ln.total_fen - ln.paid.settled_fen)
        for ln in plan.lines
        if ln.total_fen > ln.paid.settled_fen
    ]


def _plan_page(org: str, plan_id: int, status: int = 200, **kw: Any) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    progress = dist_svc.plan_progress(uow(), who, org, plan_id)
    plan = progress.plan
    lines = plan.lines
    sums = {
        "transaction": sum(ln.transaction_fen for ln in lines),
        "share": sum(ln.account_share_fen for ln in lines),
        "patronage": sum(ln.patronage_fen for ln in lines),
        "residual": sum(ln.residual_fen - ln.topup_fen for ln in lines),
        "topup": sum(ln.topup_fen for ln in lines),
        "due": sum(ln.total_fen for ln in lines),
        "paid": sum(ln.paid.settled_fen for ln in lines),
    }
    sums["unpaid"] = sums["due"] - sums["paid"]
    return render_template(
        "pages/distribution.html",
        org=the_org,
        plan=plan,
        progress=progress,
        stage=progress.stage,
        STAGE=STAGE,
        sums=sums,
        is_preparer=plan.prepared_by == who.username,
        today=utcnow().date().isoformat(),
        **kw,
    ), status


@bp.route("/orgs/<org>/distributions/<int:plan_id>")
@login_required
def distribution(org: str, plan_id: int) -> Any:
    return _plan_page(org, plan_id)


def _voucher_labels(vouchers: list[Voucher]) -> str:
    """``#41、#42、#43`` (a draft has no number yet; a posted one its printed number)."""
    return "、".join(dist_svc.printed_number(v) or f"#{v.id}" for v in vouchers)


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
            resolution = request.form.get("resolution", "")[:200]
            dist_svc.approve_plan(uow(), who, org, plan_id, resolution, on)
            done = _l(
                "已记录成员大会批准（%(resolution)s）。下一步：生成分配凭证。",
                resolution=resolution.strip(),
            )
        elif step == "post":
            _, vouchers = dist_svc.post_plan(uow(), who, org, plan_id)
            done = _l(
                "已生成 %(n)s 张分配凭证：%(labels)s，待审核、记账。",
                n=len(vouchers),
                labels=_voucher_labels(vouchers),
            )
        else:
            member = request.form.get("member", "").strip()[:20] or None
            amount = None
            if request.form.get("amount", "").strip():
                try:
                    amount = parse_typed_amount(request.form["amount"].strip()[:24])
                except AmountError as exc:
                    flash(field_text(str(exc)), "error")
                    return redirect(target)
            method = "cash" if request.form.get("method") == "cash" else "bank"
            if member is None and request.form.get("confirm") != "1":
                plan = dist_svc.get_plan(uow(), who, org, plan_id)
                due = owed(plan)
                return _plan_page(
                    org,
                    plan_id,
                    confirm_pay={
                        "date": on.isoformat(),
                        "method": method,
                        "members": due,
                        "total": sum(o for _, o in due),
                    },
                )
            _, vouchers = dist_svc.pay(
                uow(), who, org, plan_id, dist_svc.PaymentRequest(on, method, member, amount)
            )
            paid_to = {ln.member for v in vouchers for ln in v.lines if ln.side is Dr.DEBIT}
            done = _l(
                "已向 %(n)s 户成员支付 %(total)s 元，付款凭证 %(labels)s 待审核、记账。",
                n=len(paid_to),
                total=plain(sum(totals(v.lines)[0] for v in vouchers)) or "0.00",
                labels=_voucher_labels(vouchers),
            )
    except DomainError as exc:
        if exc.kind == "not_found" and not exc.errors:
            raise
        text = STEP_ERRORS.get(exc.code)
        flash(str(text) if text is not None else error_text(exc), "error")
        return redirect(target)
    flash(str(done), "ok")
    return redirect(target)

"""Months and years: close and reopen a month, the guided year-end close, the depreciation run.

Each action is two steps without script: a GET shows, in place on the page, what the action will
do (and what keeps it from being done), a POST does it. A refusal from the services is shown in
the same place, in plain words; the outcome of a done action is a flash message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from coopledger.domain.errors import DomainError, Forbidden, NotFound
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action
from coopledger.services import orgs as org_svc
from coopledger.services import periods as svc
from coopledger.services import registers as reg_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, error_text, login_required, signed_in
from coopledger.web.pages.registers import ASSET_KIND


def _(text: str, **values: Any) -> str:
    """The text in the page's language, ``values`` put into it."""
    return str(gettext(text, **values))


USE = {
    "production": _l("生产用"),
    "management": _l("管理用"),
    "public_welfare": _l("公益性"),
}


def _period_or_404(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise NotFound(f"no month {text!r}") from None


def _year_or_404(year: int) -> int:
    if not 2000 <= year <= 2999:
        raise NotFound(f"no year {year}")
    return year


def refusal(error: DomainError) -> str:
    """A refusal of a close, a reopen, the year-end or a depreciation run, in plain words: a
    closed month or year says which (they share the code ``period_closed``), any other by its
    code."""
    text = error.message
    if found := re.match(r"the year (\d+) is closed", text):
        return _("%(year)s 年度已年终结账，它的月份不能再重新打开。", year=found[1])
    if found := re.match(r"(\S+) is closed; reopen it to post the closing voucher", text):
        return _(
            "%(period)s 已结账，年终结转凭证要记入该月：请管理员先重新打开 %(period)s。",
            period=found[1],
        )
    if found := re.match(r"(\S+) is closed; depreciation due", text):
        return _(
            "%(period)s 已结账，应在该月计提的折旧不能再记入。请管理员重新打开该月后再计提。",
            period=found[1],
        )
    if error.code == "period_closed":
        return _("该月份已经结账。")
    return error_text(error)


def _year_page(
    org: str,
    year: int,
    *,
    confirm: tuple[str, Period | None] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    today = utcnow().date()
    view = svc.year_months(uow(), who, org, year)
    year_end = svc.year_end_status(uow(), who, org, year, today)
    accounts = {a.code: a for a in org_svc.list_accounts(uow(), who, org)}
    return render_template(
        "pages/periods.html",
        org=the_org,
        view=view,
        year=year,
        ye=year_end,
        accounts=accounts,
        today=today,
        confirm=confirm,
        error=error,
        may_close=who.may(Action.CLOSE_PERIOD),
        may_reopen=who.may(Action.REOPEN_PERIOD),
        last_ended=_last_ended(today),
    ), status


def _last_ended(today: date) -> Period:
    this = Period.of(today)
    return this if this.ended_by(today) else this.previous()


@bp.route("/orgs/<org>/periods")
@login_required
def periods(org: str) -> Any:
    """The year of the next month to close (this year when every month is closed)."""
    who = signed_in()
    today = utcnow().date()
    nxt = svc.year_months(uow(), who, org, today.year).next_to_close
    return _year_page(org, nxt.year if nxt else today.year)


@bp.route("/orgs/<org>/periods/<int:year>")
@login_required
def periods_year(org: str, year: int) -> Any:
    return _year_page(org, _year_or_404(year))


@bp.route("/orgs/<org>/periods/<period>/<any(close,reopen):step>", methods=["GET", "POST"])
@login_required
def period_step(org: str, period: str, step: str) -> Any:
    """GET: what closing (reopening) the month will do, and what keeps it from it; POST: do it."""
    who = signed_in()
    month = _period_or_404(period)
    _year_or_404(month.year)
    org_svc.get_org(uow(), who, org)  # an unseen organization is 404 before the role's 403
    if not who.may(Action.CLOSE_PERIOD if step == "close" else Action.REOPEN_PERIOD):
        raise Forbidden("the role may not do this")
    if request.method == "GET":
        return _year_page(org, month.year, confirm=(step, month))
    try:
        if step == "close":
            svc.close_period(uow(), who, org, month)
        else:
            svc.reopen_period(uow(), who, org, month)
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        return _year_page(org, month.year, confirm=(step, month), error=refusal(exc), status=409)
    if step == "close":
        flash(_("%(period)s 已结账：该月不能再记入凭证。", period=month), "ok")
    else:
        flash(_("%(period)s 已重新打开，可以再记账；此操作已记入审计日志。", period=month), "ok")
    return redirect(url_for("pages.periods_year", org=org, year=month.year) + f"#month-{month}")


def _year_step(org: str, year: int, step: str) -> Any:
    """GET: what the step (``year``: the year-end close; ``carry``: its first half) will post;
    POST: do it, when the page's steps are all done."""
    who = signed_in()
    _year_or_404(year)
    org_svc.get_org(uow(), who, org)
    if not who.may(Action.CLOSE_PERIOD):
        raise Forbidden("the role may not do this")
    if request.method == "GET":
        return _year_page(org, year, confirm=(step, None))
    status = svc.year_end_status(uow(), who, org, year, utcnow().date())
    if status.blockers or (step == "carry" and status.carried):  # the button was not offered
        return _year_page(
            org,
            year,
            confirm=(step, None),
            error=_("还有未完成的步骤，见下方标红的各项。"),
            status=409,
        )
    try:
        if step == "carry":
            done = svc.carry_year(uow(), who, org, year)
        else:
            done = svc.close_year(uow(), who, org, year)
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        return _year_page(org, year, confirm=(step, None), error=refusal(exc), status=409)
    if step == "carry":
        flash(
            _(
                "%(year)s 年度损益已结转：%(word)s %(amount)s 元已转入未分配盈余，1 至 11 月已结账。"
                "12 月留给本年度的盈余分配：分配方案记账后（凭证日期 12 月 31 日），再回到这里年终结账。",
                year=year,
                word=_("本年盈余") if done.surplus_fen >= 0 else _("本年亏损"),
                amount=format_amount(abs(done.surplus_fen)),
            ),
            "ok",
        )
        return redirect(url_for("pages.periods_year", org=org, year=year) + "#year-end")
    if done.surplus_fen >= 0:
        flash(
            _(
                "%(year)s 年度已年终结账：本年盈余 %(amount)s 元已转入未分配盈余，十二个月全部结账。",
                year=year,
                amount=format_amount(done.surplus_fen),
            ),
            "ok",
        )
    else:
        flash(
            _(
                "%(year)s 年度已年终结账：本年亏损 %(amount)s 元已转入未分配盈余，待以后年度弥补；十二个月全部结账。",
                year=year,
                amount=format_amount(-done.surplus_fen),
            ),
            "ok",
        )
    return redirect(url_for("pages.periods_year", org=org, year=year) + "#year-end")


@bp.route("/orgs/<org>/years/<int:year>/close", methods=["GET", "POST"])
@login_required
def year_close(org: str, year: int) -> Any:
    """GET: the vouchers the year-end close will post; POST: close the year."""
    return _year_step(org, year, "year")


@bp.route("/orgs/<org>/years/<int:year>/carry", methods=["GET", "POST"])
@login_required
def year_carry(org: str, year: int) -> Any:
    """GET: the vouchers carrying the year's results will post, December left open for the
    year's distribution; POST: carry them."""
    return _year_step(org, year, "carry")


@bp.route("/orgs/<org>/years/<int:year>/reopen", methods=["GET", "POST"])
@login_required
def year_reopen(org: str, year: int) -> Any:
    """GET: what reopening the closed year does; POST: reopen it (administrators; logged)."""
    who = signed_in()
    _year_or_404(year)
    org_svc.get_org(uow(), who, org)
    if not who.may(Action.REOPEN_PERIOD):
        raise Forbidden("the role may not do this")
    if request.method == "GET":
        return _year_page(org, year, confirm=("reopen-year", None))
    try:
        svc.reopen_year(uow(), who, org, year)
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        return _year_page(org, year, confirm=("reopen-year", None), error=refusal(exc), status=409)
    flash(
        _(
            "%(year)s 年度已重新打开：12 月可以再记账，年终结账时一并结转；此操作已记入审计日志。",
            year=year,
        ),
        "ok",
    )
    return redirect(url_for("pages.periods_year", org=org, year=year) + "#year-end")


@bp.route("/orgs/<org>/depreciation", methods=["GET", "POST"])
@login_required
def depreciation(org: str) -> Any:
    """GET ?through=YYYY-MM: the vouchers a run will prepare; POST: prepare them."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    if not who.may(Action.PREPARE):
        raise Forbidden("the role may not do this")
    today = utcnow().date()
    source = request.form if request.method == "POST" else request.args
    text = (source.get("through") or "").strip()[:7]
    errors: dict[str, list[str]] = {}
    through = None
    if text:
        try:
            through = Period.parse(text)
        except ValueError:
            errors["through"] = [_("请填写月份，例如 2026-03")]
    elif request.method == "POST":
        errors["through"] = [_("请填写月份，例如 2026-03")]
    preview = None
    status = 200
    if through is not None:
        try:
            if request.method == "POST":
                made = reg_svc.run_depreciation(uow(), who, org, through)
            else:
                preview = reg_svc.depreciation_preview(uow(), who, org, through)
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden"):
                raise
            errors["through"] = [refusal(exc)]
            status = 409 if exc.kind == "conflict" else 422
        else:
            if request.method == "POST":
                if not made:
                    flash(_("至 %(period)s 没有需要计提的折旧。", period=through), "ok")
                    return redirect(url_for("pages.depreciation", org=org, through=str(through)))
                flash(
                    _(
                        "已生成 %(n)s 张折旧凭证（草稿），请审核后记账。",
                        n=len(made),
                    ),
                    "ok",
                )
                return redirect(url_for("pages.vouchers", org=org, status="draft"))
    if errors and status == 200:
        status = 422
    months: dict[Period, list[reg_svc.DueCharge]] = {}
    for charge in preview or []:
        months.setdefault(charge.period, []).append(charge)
    return render_template(
        "pages/depreciation.html",
        org=the_org,
        through=text or str(_last_ended(today)),
        errors=errors,
        preview=preview,
        months=months,
        total=sum(c.amount_fen for c in preview or []),
        USE=USE,
        KIND=ASSET_KIND,
    ), status

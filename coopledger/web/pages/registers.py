"""The registers: members (admitted, changed, their status history, shares and account, leaving),
funds and what became of them, fixed assets (registered, their card, disposed of), share events
and member transactions — each a form over the same service the API calls.

A form that is refused shows each problem beside its field and keeps what was typed; one that
moves shares, records a member's business, a leaving or a disposal first shows what it will
record and asks to confirm; what is recorded is named in a flash message."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from coopledger.domain.assets import AssetClass, AssetKind, AssetUse, FixedAsset, Method, schedule
from coopledger.domain.bounds import MAX_LIFE_MONTHS, MAX_UNITS, MAX_YEAR
from coopledger.domain.errors import DomainError, Duplicate, Forbidden, PeriodClosed
from coopledger.domain.members import (
    MemberKind,
    MonitorKind,
    PovertyStatus,
    covers,
    current_status,
    mask,
    member_sort_key,
)
from coopledger.domain.money import AmountError, format_amount, format_quantity, parse_amount
from coopledger.domain.roles import Action, Actor
from coopledger.domain.shares import DEFAULT_STATUSES, Basis, collective_part
from coopledger.services import orgs as org_svc
from coopledger.services import registers as reg_svc
from coopledger.services import shares as share_svc
from coopledger.services.clock import utcnow
from coopledger.services.registers import accumulated
from coopledger.web.api.common import uow
from coopledger.web.pages.common import POVERTY, bp, login_required, signed_in
from coopledger.web.pages.forms import Form

KIND = {"household": _l("农户"), "collective": _l("集体"), "entity": _l("单位")}


def _may_manage(who: Actor) -> None:
    """The page's own check, the same the services make (the organization is looked up first,
    so one the user cannot see stays a 404)."""
    if not who.may(Action.MANAGE_REGISTERS):
        raise Forbidden("the role may not manage the registers")


def _(text: str, **values: Any) -> str:
    """The text in the page's language, ``values`` put in."""
    return str(gettext(text, **values))


def _today() -> str:
    return utcnow().date().isoformat()


@dataclass
class Confirm:
    """A form whose values were read and that now asks to be confirmed before it records."""

    form: str
    summary: list[str]
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)  # ticked boxes: name → values


# -- members --------------------------------------------------------------------------------------


@bp.route("/orgs/<org>/members")
@login_required
def members(org: str) -> Any:
    """The member register: counts, a filter by name or number and by status, a totals row."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    everyone = sorted(
        org_svc.list_members(uow(), who, org, 5000, 0), key=lambda m: member_sort_key(m.member_no)
    )
    register = share_svc.share_register(uow(), who, org)
    holdings = {h.member_no: h for h in register.holdings}
    q = (request.args.get("q") or "").strip()[:40]
    status = current_status(request.args.get("status") or "")
    if status not in POVERTY:
        status = ""
    shown = [
        m
        for m in everyone
        if (not q or q in m.name or q.lower() in m.member_no.lower())
        and (not status or covers((status,), m.poverty_status))
    ]
    active = [m for m in everyone if m.left_on is None]
    rows = [holdings.get(m.member_no) for m in shown]
    totals = {
        "capital": sum(h.capital for h in rows if h),
        "quantified": sum(h.fiscal_share + h.donation_share + h.reserve_share for h in rows if h),
        "total": sum(h.total for h in rows if h),
        "people": sum(m.household_size or 0 for m in shown),
    }
    return render_template(
        "pages/members.html",
        org=the_org,
        members=shown,
        holdings=holdings,
        register=register,
        totals=totals,
        counts={
            "all": len(everyone),
            "active": len(active),
            "left": len(everyone) - len(active),
            "by_status": Counter(current_status(m.poverty_status) for m in active),
        },
        q=q,
        status=status,
        filtered=bool(q or status),
    )


MEMBER_FIELDS = (
    "member_no",
    "name",
    "kind",
    "household_size",
    "id_number",
    "bank_account",
    "poverty_status",
    "monitor_kind",
    "joined_on",
    "organization",
)


def _member_fields(form: Form, *, new: bool) -> dict[str, object]:
    """What the member form says, as the API's member schema reads it."""
    out: dict[str, object] = {}
    if new:
        out["member_no"] = form.text("member_no", required=True, max_length=20)
        out["poverty_status"] = form.choice("poverty_status", list(PovertyStatus), "none")
        if (kind := _monitor_kind(form)) is not None:
            out["monitor_kind"] = kind
    out["name"] = form.text("name", required=True, max_length=100)
    out["kind"] = form.choice("kind", list(MemberKind), "household")
    out["household_size"] = form.whole("household_size", 1, 99)
    id_number = form.values["id_number"].upper()
    form.values["id_number"] = id_number
    bank = form.optional_text("bank_account", max_length=40)
    if new or id_number:  # on an edit a blank keeps the number on record (never shown in clear)
        out["id_number"] = id_number or None
    if new or bank:
        out["bank_account"] = bank
    out["joined_on"] = form.day("joined_on")
    organization = form.optional_text("organization", max_length=40)
    if new or out["kind"] != "household":
        out["organization"] = organization
    return out


@bp.route("/orgs/<org>/members/new", methods=["GET", "POST"])
@login_required
def new_member(org: str) -> Any:
    """Admit a member: the fields the API takes, the ID number checked with its check digit."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    _may_manage(who)
    form = Form(request.form if request.method == "POST" else {}, MEMBER_FIELDS)
    if request.method == "GET":
        form.values.update(kind="household", poverty_status="none", joined_on=_today())
        return render_template("pages/member_form.html", org=the_org, form=form)
    fields = _member_fields(form, new=True)
    if form.ok:
        try:
            member = org_svc.create_member(uow(), who, org, fields)
        except Duplicate as exc:
            form.refused(exc, "member_no")
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden"):
                raise
            form.refused(exc)
        else:
            flash(_("已登记成员 %(no)s %(name)s。", no=member.member_no, name=member.name), "ok")
            return redirect(url_for("pages.member", org=org, member_no=member.member_no))
    return render_template("pages/member_form.html", org=the_org, form=form), 422


EDIT_FIELDS = tuple(
    f for f in MEMBER_FIELDS if f not in ("member_no", "poverty_status", "monitor_kind")
)
STATUS_FIELDS = ("poverty_status", "monitor_kind", "effective_on")


def _monitor_kind(form: Form) -> str | None:
    """The 监测户's kind the form names; none for any other status (a kind left chosen from
    before is dropped)."""
    kind = form.choice("monitor_kind", ["", *MonitorKind], "") or None
    monitored = current_status(form.values["poverty_status"]) == PovertyStatus.MONITORED
    return kind if monitored else None


TRANSACTION_FIELDS = ("date", "product", "quantity", "unit", "amount")
SHARE_FIELDS = (
    "kind",
    "date",
    "reason",
    "amount",
    "to_member",
    "class",
    "from_poverty_assets",
    "pay_account",
)
LEAVE_FIELDS = ("date", "pay_account")
MEMBER_SHARE_KINDS = ("contribute", "redeem", "transfer", "reassign")
SHARE_KIND = {
    "quantify_fiscal": _l("财政补助量化"),
    "quantify_donation": _l("捐赠量化"),
    "quantify_reserve": _l("公积金量化"),
    "reassign": _l("量化份额调整"),
    "transfer": _l("股金转让"),
    "redeem": _l("退还股金"),
    "contribute": _l("缴纳股金"),
    "forfeit": _l("退社交回量化份额"),
}
SHARE_CLASS = {
    "capital": _l("股金"),
    "capital_from_poverty_assets": _l("股金（扶贫资产折股）"),
    "reserve_share": _l("公积金份额"),
    "fiscal_share": _l("财政补助量化份额"),
    "donation_share": _l("捐赠量化份额"),
}


def _member_forms(member: Any) -> dict[str, Form]:
    """The member page's forms as they open: the record's details, today's date."""
    edit = Form({}, EDIT_FIELDS)
    edit.values.update(
        name=member.name,
        kind=member.kind,
        household_size=str(member.household_size or ""),
        joined_on=member.joined_on.isoformat() if member.joined_on else "",
    )
    status = Form({}, STATUS_FIELDS)
    status.values.update(
        poverty_status=current_status(member.poverty_status),
        monitor_kind=member.monitor_kind or "",
        effective_on=_today(),
    )
    transaction = Form({}, TRANSACTION_FIELDS)
    transaction.values.update(date=_today())
    share = Form({}, SHARE_FIELDS)
    share.values.update(kind="contribute", date=_today(), **{"class": "fiscal_share"})
    leave = Form({}, LEAVE_FIELDS)
    leave.values.update(date=_today())
    return {
        "edit": edit,
        "status": status,
        "transaction": transaction,
        "share": share,
        "leave": leave,
    }


def _member_page(
    org: str,
    member_no: str,
    forms: dict[str, Form] | None = None,
    confirm: Confirm | None = None,
) -> str:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    member = org_svc.get_member(uow(), who, org, member_no)
    holding = share_svc.member_holding(uow(), who, org, member_no)
    year = request.args.get("year", type=int) or utcnow().year
    year = min(max(year, 2000), MAX_YEAR)
    account = share_svc.member_account(uow(), who, org, member_no, year)
    events = [
        e
        for e in share_svc.share_events(uow(), who, org)
        if member_no in (e.from_member, e.to_member)
        or any(a[0] == member_no for a in e.allocations)
    ]
    link = org_svc.member_link(uow(), who, org, member_no) if member.kind != "household" else None
    opened = _member_forms(member)
    opened.update(forms or {})
    others = [
        m
        for m in org_svc.list_members(uow(), who, org, 5000, 0)
        if m.member_no != member_no and m.left_on is None
    ]
    return render_template(
        "pages/member.html",
        org=the_org,
        m=member,
        id_masked=mask(member.id_number),
        bank_masked=mask(member.bank_account, head=0, tail=4),
        link=link,
        history=org_svc.status_history(uow(), who, org, member_no),
        holding=holding,
        account=account,
        year=year,
        events=events,
        others=sorted(others, key=lambda m: member_sort_key(m.member_no)),
        forms=opened,
        confirm=confirm,
        KIND=KIND,
        SHARE_KIND=SHARE_KIND,
        SHARE_CLASS=SHARE_CLASS,
        MEMBER_SHARE_KINDS=MEMBER_SHARE_KINDS,
        format_quantity=format_quantity,
    )


@bp.route("/orgs/<org>/members/<member_no>")
@login_required
def member(org: str, member_no: str) -> Any:
    """A member's record: details, poverty status history, share holdings, member account, and
    (for who keeps the registers) its forms."""
    return _member_page(org, member_no)


@bp.route(
    "/orgs/<org>/members/<member_no>/<any(edit,status,transaction,share,leave):action>",
    methods=["POST"],
)
@login_required
def member_action(org: str, member_no: str, action: str) -> Any:
    who = signed_in()
    org_svc.get_org(uow(), who, org)
    current = org_svc.get_member(uow(), who, org, member_no)
    _may_manage(who)
    names = {
        "edit": EDIT_FIELDS,
        "status": STATUS_FIELDS,
        "transaction": TRANSACTION_FIELDS,
        "share": SHARE_FIELDS,
        "leave": LEAVE_FIELDS,
    }[action]
    form = Form(request.form, names)
    confirmed = request.form.get("confirmed") == "1"
    done: str | None = None
    ask: list[str] | None = None
    try:
        if action == "edit":
            fields = _member_fields(form, new=False)
            if form.ok:
                org_svc.update_member(uow(), who, org, member_no, fields)
                done = _("已保存成员 %(no)s 的资料。", no=member_no)
        elif action == "status":
            status = form.choice("poverty_status", list(PovertyStatus), current.poverty_status)
            kind = _monitor_kind(form)
            on = form.day("effective_on", required=True)
            if form.ok and (current_status(status), kind) == (
                current_status(current.poverty_status),
                current.monitor_kind,
            ):
                form.errors["poverty_status"] = [_("与现在的帮扶状态相同，没有可记录的变化")]
            if form.ok:
                org_svc.update_member(
                    uow(),
                    who,
                    org,
                    member_no,
                    {"poverty_status": status, "monitor_kind": kind, "status_effective_on": on},
                )
                done = _(
                    "已记录：成员 %(no)s 自 %(on)s 起为%(status)s。",
                    no=member_no,
                    on=str(on),
                    status=str(POVERTY[status]),
                )
        elif action == "transaction":
            done, ask = _transaction(form, who, org, member_no, confirmed)
        elif action == "share":
            done, ask = _member_share(form, who, org, member_no, confirmed)
        else:
            on = form.day("date", required=True)
            pay = form.optional_text("pay_account", max_length=12)
            if form.ok and not confirmed:
                ask = [
                    _(
                        "成员 %(no)s %(name)s 于 %(on)s 退出。",
                        no=member_no,
                        name=current.name,
                        on=str(on),
                    ),
                    _(
                        "退还其股金和公积金份额，生成付款凭证草稿；财政补助和捐赠量化份额交回，不予退还。"
                    ),
                ]
            elif form.ok and on is not None:
                voucher = share_svc.leave(uow(), who, org, member_no, on, pay_account=pay)
                done = _("已记录成员 %(no)s 于 %(on)s 退出。", no=member_no, on=str(on))
                if voucher is not None:
                    done += " " + _("退还凭证草稿 #%(id)s 待审核。", id=voucher.id)
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        form.refused(exc)
    if done is not None:
        flash(done, "ok")
        return redirect(url_for("pages.member", org=org, member_no=member_no))
    if ask is not None:
        return _member_page(org, member_no, confirm=Confirm(action, ask, dict(form.values)))
    return _member_page(org, member_no, forms={action: form}), 422


def _transaction(
    form: Form, who: Actor, org: str, member_no: str, confirmed: bool
) -> tuple[str | None, list[str] | None]:
    """A member's business with the cooperative (交易量, 交易额): the basis of patronage refunds."""
    on = form.day("date", required=True)
    product = form.text("product", required=True, max_length=100)
    quantity = form.quantity("quantity")
    unit = form.text("unit", required=True, max_length=20)
    amount = form.amount("amount", required=True)
    if not form.ok or on is None or quantity is None or amount is None:
        return None, None
    what = _(
        "成员 %(no)s %(on)s 交易：%(product)s %(qty)s %(unit)s，金额 %(amount)s 元。",
        no=member_no,
        on=str(on),
        product=product,
        qty=format_quantity(quantity),
        unit=unit,
        amount=format_amount(amount, grouped=True),
    )
    if not confirmed:
        return None, [what, _("交易记录是按交易量返还盈余的依据。")]
    _count, qty, total = share_svc.record_transaction(
        uow(), who, org, member_no, on, product, quantity, unit, amount
    )
    return (
        _("已记录")
        + " "
        + what
        + " "
        + _(
            "%(year)s 年该产品合计 %(qty)s %(unit)s，%(amount)s 元。",
            year=on.year,
            qty=format_quantity(qty),
            unit=unit,
            amount=format_amount(total, grouped=True),
        ),
        None,
    )


def _member_share(
    form: Form, who: Actor, org: str, member_no: str, confirmed: bool
) -> tuple[str | None, list[str] | None]:
    """Capital paid in or back, capital transferred, a quantified share reassigned."""
    kind = form.choice("kind", MEMBER_SHARE_KINDS, "contribute")
    on = form.day("date", required=True)
    reason = form.text("reason", required=True, max_length=400)
    amount = form.amount("amount", required=kind != "reassign")
    to_member = form.optional_text("to_member", max_length=20)
    if kind in ("transfer", "reassign") and not to_member:
        form.fail("to_member", "name the member")
    share_class = form.choice("class", ("fiscal_share", "donation_share"), "fiscal_share")
    pay = form.optional_text("pay_account", max_length=12)
    if not form.ok or on is None:
        return None, None
    what = _share_words(kind, member_no, to_member, amount, share_class)
    if not confirmed:
        tail = (
            _("将生成凭证草稿，审核后记账。")
            if kind in ("contribute", "redeem", "transfer")
            else _("只调整份额登记，不生成凭证。")
        )
        return None, [
            _("%(on)s：%(what)s", on=str(on), what=what),
            _("原因：%(r)s", r=reason),
            tail,
        ]
    event = share_svc.EventInput(
        kind=kind,
        occurred_on=on,
        reason=reason,
        amount_fen=amount,
        from_member=None if kind == "contribute" else member_no,
        to_member=member_no if kind == "contribute" else to_member,
        share_class=share_class if kind == "reassign" else None,
        from_poverty_assets=kind == "contribute" and form.tick("from_poverty_assets"),
        pay_account=pay,
    )
    recorded, voucher = share_svc.record_event(uow(), who, org, event)
    done = _(
        "已记录股份变动：%(what)s",
        what=_share_words(kind, member_no, to_member, recorded.amount_fen, share_class),
    )
    if voucher is not None:
        done += " " + _("凭证草稿 #%(id)s 待审核。", id=voucher.id)
    return done, None


def _share_words(
    kind: str, member_no: str, to_member: str | None, amount: int | None, share_class: str
) -> str:
    yuan = format_amount(amount, grouped=True) if amount is not None else _("全部")
    if kind == "contribute":
        return _("成员 %(no)s 缴纳股金 %(x)s 元。", no=member_no, x=yuan)
    if kind == "redeem":
        return _("退还成员 %(no)s 股金 %(x)s 元。", no=member_no, x=yuan)
    if kind == "transfer":
        return _(
            "成员 %(no)s 将股金 %(x)s 元转让给成员 %(to)s。", no=member_no, x=yuan, to=to_member
        )
    return _(
        "成员 %(no)s 的%(cls)s %(x)s 元调整给成员 %(to)s。",
        no=member_no,
        cls=str(SHARE_CLASS[share_class]),
        x=yuan,
        to=to_member,
    )


# -- funds ---------------------------------------------------------------------------------------


@bp.route("/orgs/<org>/funds")
@login_required
def funds(org: str) -> Any:
    """The fund register, each fund a link to its trace, with totals."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    views = reg_svc.fund_views(uow(), who, org)
    totals = {
        "granted": sum(v.fund.granted_fen for v in views),
        "received": sum(v.figures.received for v in views),
        "spent": sum(v.figures.spent for v in views),
        "balance": sum(v.balance for v in views),
        "special_fund": sum(v.figures.special_fund for v in views),
        "quantified": sum(v.figures.quantified for v in views),
    }
    return render_template(
        "pages/funds.html", org=the_org, views=views, totals=totals, SOURCE=FUND_SOURCE
    )


FUND_FIELDS = ("code", "name", "source", "grantor", "purpose", "granted")
FUND_SOURCE = {
    "municipal_pro_poor": _l("市级扶贫资金"),
    "county_fiscal": _l("县级财政资金"),
    "one_matter_one_discussion": _l("一事一议资金"),
    "help_unit": _l("帮扶单位资金"),
    "donation": _l("社会捐赠"),
    "self_raised": _l("自筹资金"),
    "other": _l("其他"),
}


@bp.route("/orgs/<org>/funds/new", methods=["GET", "POST"])
@login_required
def new_fund(org: str) -> Any:
    """Register a fund (资金来源): its code, name, source, grantor, purpose and amount granted."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    _may_manage(who)
    form = Form(request.form if request.method == "POST" else {}, FUND_FIELDS)
    if request.method == "GET":
        form.values.update(source="municipal_pro_poor")
        return render_template("pages/fund_form.html", org=the_org, form=form, SOURCE=FUND_SOURCE)
    fields = {
        "code": form.text("code", required=True, max_length=40),
        "name": form.text("name", required=True, max_length=200),
        "source": form.choice("source", org_svc.FUND_SOURCES, "municipal_pro_poor"),
        "grantor": form.text("grantor", max_length=200),
        "purpose": form.text("purpose", max_length=400),
        "granted_fen": form.amount("granted") or 0,
    }
    if form.ok:
        try:
            created = org_svc.create_fund(uow(), who, org, fields)
        except Duplicate as exc:
            form.refused(exc, "code")
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden") and not exc.errors:
                raise
            form.refused(exc)
        else:
            flash(
                _(
                    "已登记资金项目 %(code)s %(name)s，批复金额 %(x)s 元。",
                    code=created.code,
                    name=created.name,
                    x=format_amount(created.granted_fen, grouped=True),
                ),
                "ok",
            )
            return redirect(url_for("pages.fund", org=org, code=created.code))
    return render_template("pages/fund_form.html", org=the_org, form=form, SOURCE=FUND_SOURCE), 422


QUANTIFY_FIELDS = (
    "kind",
    "date",
    "reason",
    "amount",
    "basis",
    "allocations",
    "collective_amount",
    "collective_percent",
)
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,4})?", re.ASCII)
QUANTIFY_STATUSES = ("exited", "monitored", "low_income", "extreme_poverty")


@bp.route("/orgs/<org>/funds/<code>")
@login_required
def fund(org: str, code: str) -> Any:
    """The fund's trace: grant received, spending, the assets it became, who holds its shares
    now and the reassignments that moved them; and the form that quantifies it."""
    return _fund_page(org, code)


def _fund_page(
    org: str,
    code: str,
    form: Form | None = None,
    statuses: list[str] | None = None,
    confirm: Confirm | None = None,
) -> str:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    trace = reg_svc.fund_trace(uow(), who, org, code)
    if form is None:
        form = Form({}, QUANTIFY_FIELDS)
        form.values.update(kind="quantify_fiscal", date=_today(), basis="statuses")
    return render_template(
        "pages/fund.html",
        org=the_org,
        trace=trace,
        form=form,
        statuses=list(DEFAULT_STATUSES) if statuses is None else statuses,
        quantify_statuses=QUANTIFY_STATUSES,
        confirm=confirm,
        SHARE_KIND=SHARE_KIND,
        SOURCE=FUND_SOURCE,
    )


@bp.route("/orgs/<org>/funds/<code>/quantify", methods=["POST"])
@login_required
def quantify_fund(org: str, code: str) -> Any:
    """Quantify the fund's 专项基金 into members' shares, after confirming: evenly over all
    members, over the households of the ticked statuses, or as the amounts listed."""
    who = signed_in()
    view_org = org_svc.get_org(uow(), who, org)
    view = reg_svc.fund_view(uow(), who, org, code)
    _may_manage(who)
    form = Form(request.form, QUANTIFY_FIELDS)
    statuses = [s for s in request.form.getlist("statuses") if s in QUANTIFY_STATUSES]
    kind = form.choice("kind", ("quantify_fiscal", "quantify_donation"), "quantify_fiscal")
    on = form.day("date", required=True)
    reason = form.text("reason", required=True, max_length=400)
    basis = form.choice("basis", list(Basis), "statuses")
    amount = form.amount("amount", required=basis != "explicit")
    allocations: dict[str, int] = {}
    for number, line in enumerate(form.values["allocations"].splitlines(), start=1):
        words = line.replace("，", " ").replace(",", " ").split()
        if not words:
            continue
        try:
            if len(words) != 2 or words[0] in allocations:
                raise AmountError("one member and one amount a line")
            allocations[words[0]] = parse_amount(words[1])
        except AmountError:
            form.errors.setdefault("allocations", []).append(
                _("第 %(n)s 行应为“成员编号 金额”，例如 003 1200.00", n=number)
            )
    if basis == "explicit" and not allocations and "allocations" not in form.errors:
        form.fail("allocations", "required")
    if basis == "statuses" and not statuses:
        form.fail("statuses", "tick at least one status")
    # a village may keep a part as 集体股: an amount or a percentage of the amount
    kept_fen = form.amount("collective_amount")
    kept_percent: Decimal | None = None
    typed_percent = form.values["collective_percent"].strip().rstrip("%％")
    if typed_percent:
        if _PERCENT.fullmatch(typed_percent):
            kept_percent = Decimal(typed_percent)
        else:
            form.fail("collective_percent", "must be between 0 and 100")
    if form.ok and on is not None:
        event = share_svc.EventInput(
            kind=kind,
            occurred_on=on,
            reason=reason,
            fund=code,
            amount_fen=amount,
            basis=basis,
            statuses=statuses or DEFAULT_STATUSES,
            allocations=allocations if basis == "explicit" else {},
            collective_fen=kept_fen,
            collective_percent=kept_percent,
        )
        if request.form.get("confirmed") != "1":
            total = amount if amount is not None else sum(allocations.values())
            try:
                kept = collective_part(
                    amount if amount is not None else None,
                    kept_fen,
                    kept_percent,
                    village=view_org.kind == "village_collective",
                )
            except DomainError as exc:
                form.refused(exc)
                return _fund_page(org, code, form=form, statuses=statuses), 422
            if amount is None:
                total += kept
            whom = {
                "all_members": _("平均量化给全体在册成员"),
                "statuses": _(
                    "平均量化给帮扶状态为 %(s)s 的农户（按 %(on)s 的状态）",
                    s="、".join(str(POVERTY[s]) for s in statuses),
                    on=str(on),
                ),
                "explicit": _("按所列金额量化给 %(n)s 户成员", n=len(allocations)),
            }[basis]
            ask = [
                _(
                    "%(on)s 将资金项目 %(code)s %(name)s 的专项基金 %(x)s 元%(whom)s，记入%(cls)s。",
                    on=str(on),
                    code=code,
                    name=view.fund.name,
                    x=format_amount(total, grouped=True),
                    whom=whom,
                    cls=str(
                        SHARE_CLASS[
                            "fiscal_share" if kind == "quantify_fiscal" else "donation_share"
                        ]
                    ),
                ),
                _("原因：%(r)s", r=reason),
                _("只调整份额登记，不生成凭证。"),
            ]
            if kept:
                ask.insert(
                    1,
                    _(
                        "其中 %(x)s 元作为集体股由本集体经济组织持有，其余 %(y)s 元为成员股。",
                        x=format_amount(kept, grouped=True),
                        y=format_amount(total - kept, grouped=True),
                    ),
                )
            values = dict(form.values)
            return _fund_page(
                org,
                code,
                confirm=Confirm("quantify", ask, values, {"statuses": statuses}),
                statuses=statuses,
            )
        try:
            recorded, _voucher = share_svc.record_event(uow(), who, org, event)
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden") and not exc.errors:
                raise
            form.refused(exc)
        else:
            flash(
                _(
                    "已将资金项目 %(code)s 的 %(x)s 元量化到 %(n)s 户成员。",
                    code=code,
                    x=format_amount(recorded.amount_fen or 0, grouped=True),
                    n=len(recorded.allocations),
                ),
                "ok",
            )
            return redirect(url_for("pages.fund", org=org, code=code))
    return _fund_page(org, code, form=form, statuses=statuses), 422


# -- fixed assets --------------------------------------------------------------------------------


@bp.route("/orgs/<org>/assets")
@login_required
def assets(org: str) -> Any:
    """The asset register, each card a link, with totals of cost, depreciation and net value."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    records = reg_svc.list_assets(uow(), who, org)
    cost = sum(r.asset.cost_fen for r in records)
    depreciated = sum(accumulated(r) for r in records)
    return render_template(
        "pages/assets.html",
        org=the_org,
        records=records,
        accumulated=accumulated,
        totals={"cost": cost, "accumulated": depreciated, "net": cost - depreciated},
        ASSET_KIND=ASSET_KIND,
    )


FUNDING_ROWS = 3
ASSET_FIELDS = (
    "asset_no",
    "name",
    "category",
    "class",
    "kind",
    "poverty_project",
    "use",
    "acquired_on",
    "cost",
    "salvage",
    "useful_life_months",
    "method",
    "total_units",
    "opening_accumulated",
    "opening_months",
    "opening_units",
    "nominal",
    "pay_account",
    *(f"funding-{i}-{part}" for i in range(FUNDING_ROWS) for part in ("fund", "amount")),
)
ASSET_CLASS = {
    "operating": _l("经营性"),
    "public_welfare": _l("公益性"),
    "household": _l("到户类"),
}
#: the register an asset belongs to: it decides the asset's accounts in the chart
ASSET_KIND = {
    "fixed": _l("固定资产"),
    "productive_biological": _l("生产性生物资产"),
    "public_welfare_biological": _l("公益性生物资产（不计提折旧）"),
    "intangible": _l("无形资产"),
    "long_term_deferred": _l("长期待摊费用"),
}
ASSET_USE = {
    "production": _l("生产经营用"),
    "management": _l("管理用"),
    "public_welfare": _l("公益用"),
}
ASSET_METHOD = {"straight_line": _l("年限平均法"), "units_of_production": _l("工作量法")}
ASSET_NO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}", re.ASCII)


def _asset_of(form: Form) -> FixedAsset | None:
    """The asset card the form describes, read as the API's asset schema reads it."""
    asset_no = form.text("asset_no", required=True, max_length=40)
    if asset_no and not ASSET_NO_RE.fullmatch(asset_no):
        form.fail("asset_no", "1 to 40 letters, digits or hyphens")
    name = form.text("name", required=True, max_length=200)
    category = form.text("category", max_length=100)
    asset_class = form.choice("class", list(AssetClass), "operating")
    kind = form.choice("kind", list(AssetKind), "fixed")
    use = form.choice("use", list(AssetUse), "production")
    method = form.choice("method", list(Method), "straight_line")
    acquired_on = form.day("acquired_on", required=True)
    cost = form.amount("cost", required=True)
    salvage = form.amount("salvage") or 0
    life = form.whole("useful_life_months", 1, MAX_LIFE_MONTHS, required=True)
    units = form.whole("total_units", 1, MAX_UNITS)
    opening = form.amount("opening_accumulated") or 0
    opening_months = form.whole("opening_months", 0, MAX_LIFE_MONTHS) or 0
    opening_units = form.whole("opening_units", 0, MAX_UNITS) or 0
    form.optional_text("pay_account", max_length=12)
    funding: dict[str, int] = {}
    for i in range(FUNDING_ROWS):
        code = form.text(f"funding-{i}-fund", max_length=40)
        amount = form.amount(f"funding-{i}-amount", required=bool(code))
        if amount is not None and not code:
            form.fail(f"funding-{i}-fund", "required")
        elif code in funding:
            form.fail(f"funding-{i}-fund", "name each fund once")
        elif code and amount is not None:
            funding[code] = amount
    if not form.ok or acquired_on is None or cost is None or life is None:
        return None
    return FixedAsset(
        asset_no=asset_no,
        name=name,
        category=category,
        asset_class=AssetClass(asset_class),
        poverty_project=form.tick("poverty_project"),
        use=AssetUse(use),
        acquired_on=acquired_on,
        cost_fen=cost,
        salvage_fen=salvage,
        useful_life_months=life,
        method=Method(method),
        total_units=units,
        funding=funding,
        opening_accumulated_fen=opening,
        opening_months=opening_months,
        opening_units=opening_units,
        nominal=form.tick("nominal"),
        kind=AssetKind(kind),
    )


def _asset_form_page(org: Any, form: Form) -> str:
    who = signed_in()
    return render_template(
        "pages/asset_form.html",
        org=org,
        form=form,
        funds=org_svc.list_funds(uow(), who, org.code),
        rows=range(FUNDING_ROWS),
        ASSET_CLASS=ASSET_CLASS,
        ASSET_KIND=ASSET_KIND,
        ASSET_USE=ASSET_USE,
        ASSET_METHOD=ASSET_METHOD,
    )


@bp.route("/orgs/<org>/assets/new", methods=["GET", "POST"])
@login_required
def new_asset(org: str) -> Any:
    """Register an asset card; its acquisition voucher is prepared as a draft (none for an asset
    migrated from older books)."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    _may_manage(who)
    form = Form(request.form if request.method == "POST" else {}, ASSET_FIELDS)
    if request.method == "GET":
        form.values.update(
            {"class": "operating", "kind": "fixed", "use": "production", "method": "straight_line"},
            acquired_on=_today(),
            salvage="0",
        )
        return _asset_form_page(the_org, form)
    asset = _asset_of(form)
    if asset is not None:
        try:
            record, voucher = reg_svc.register_asset(
                uow(), who, org, asset, pay_account=form.values["pay_account"] or None
            )
        except Duplicate as exc:
            form.refused(exc, "asset_no")
        except PeriodClosed as exc:
            form.refused(exc, "acquired_on")
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden") and not exc.errors:
                raise
            form.refused(_funding_rows(exc, form))
        else:
            done = _(
                "已登记资产 %(no)s %(name)s，原值 %(cost)s 元。",
                no=record.asset.asset_no,
                name=record.asset.name,
                cost=format_amount(record.asset.cost_fen, grouped=True),
            )
            if voucher is not None:
                done += " " + _("购置凭证草稿 #%(id)s 待审核。", id=voucher.id)
            flash(done, "ok")
            return redirect(url_for("pages.asset", org=org, asset_no=record.asset.asset_no))
    return _asset_form_page(the_org, form), 422


def _funding_rows(error: DomainError, form: Form) -> DomainError:
    """The service names a fund's problem ``funding.<code>``; the form's rows are numbered."""
    rows = {form.values[f"funding-{i}-fund"]: i for i in range(FUNDING_ROWS)}
    errors: dict[str, list[str]] = {}
    for key, messages in error.errors.items():
        code = key.removeprefix("funding.")
        if key.startswith("funding.") and code in rows:
            key = f"funding-{rows[code]}-amount"
        elif key == "funding":
            key = "funding-0-fund"
        errors.setdefault(key, []).extend(messages)
    error.errors = errors
    return error


@bp.route("/orgs/<org>/assets/<asset_no>")
@login_required
def asset(org: str, asset_no: str) -> Any:
    """An asset card: cost, depreciation to date, the schedule, the vouchers; its disposal."""
    return _asset_page(org, asset_no)


def _asset_page(
    org: str, asset_no: str, form: Form | None = None, confirm: Confirm | None = None
) -> str:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    record = reg_svc.get_asset(uow(), who, org, asset_no)
    if form is None:
        form = Form({}, DISPOSE_FIELDS)
        form.values.update(date=_today(), proceeds="0")
    plan = schedule(record.asset, record.usage)
    return render_template(
        "pages/asset.html",
        org=the_org,
        r=record,
        a=record.asset,
        depreciated=accumulated(record),
        monthly=plan[0][1] if plan else 0,
        plan=plan,
        form=form,
        confirm=confirm,
        ASSET_CLASS=ASSET_CLASS,
        ASSET_KIND=ASSET_KIND,
        ASSET_USE=ASSET_USE,
        ASSET_METHOD=ASSET_METHOD,
    )


DISPOSE_FIELDS = ("date", "proceeds", "receive_account")


@bp.route("/orgs/<org>/assets/<asset_no>/dispose", methods=["POST"])
@login_required
def dispose_asset(org: str, asset_no: str) -> Any:
    """Dispose of an asset after confirming: its 固定资产清理 voucher is prepared as a draft."""
    who = signed_in()
    org_svc.get_org(uow(), who, org)
    record = reg_svc.get_asset(uow(), who, org, asset_no)
    _may_manage(who)
    form = Form(request.form, DISPOSE_FIELDS)
    on = form.day("date", required=True)
    proceeds = form.amount("proceeds") or 0
    account = form.optional_text("receive_account", max_length=12)
    if form.ok and on is not None:
        if request.form.get("confirmed") != "1":
            left = record.asset.cost_fen - accumulated(record)
            ask = [
                _(
                    "资产 %(no)s %(name)s 于 %(on)s 处置，处置收入 %(p)s 元。",
                    no=asset_no,
                    name=record.asset.name,
                    on=str(on),
                    p=format_amount(proceeds, grouped=True),
                ),
                _(
                    "原值 %(cost)s 元、累计折旧 %(acc)s 元转出，净值 %(net)s 元与处置收入的差额记入其他收入或其他支出；生成固定资产清理凭证草稿，审核后记账。处置后不能撤销。",
                    cost=format_amount(record.asset.cost_fen, grouped=True),
                    acc=format_amount(accumulated(record), grouped=True),
                    net=format_amount(left, grouped=True),
                ),
            ]
            return _asset_page(org, asset_no, confirm=Confirm("dispose", ask, dict(form.values)))
        try:
            done = reg_svc.dispose_asset(
                uow(), who, org, asset_no, on, proceeds_fen=proceeds, receive_account=account
            )
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden") and not exc.errors:
                raise
            form.refused(exc, "date")
        else:
            message = _("已记录资产 %(no)s 于 %(on)s 处置。", no=asset_no, on=str(on))
            if done.disposal_voucher_id is not None:
                message += " " + _("清理凭证草稿 #%(id)s 待审核。", id=done.disposal_voucher_id)
            flash(message, "ok")
            return redirect(url_for("pages.asset", org=org, asset_no=asset_no))
    return _asset_page(org, asset_no, form=form), 422

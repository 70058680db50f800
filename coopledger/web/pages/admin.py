"""The administrator's pages: users (``/admin/users``), organizations (``/admin/orgs``) and the
audit log (``/admin/audit``).

The same use cases as the API, and the same refusals: a role other than admin gets 403. An
action that takes something away — disabling a user, replacing its password, changing its role
or organizations — asks once more before it is done: the first post answers with a confirmation
carrying what was typed, and only the confirmed post changes anything.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from coopledger.domain.accounts import CHARTS
from coopledger.domain.errors import DomainError, Forbidden, field_error
from coopledger.domain.money import AmountError, parse_amount
from coopledger.domain.roles import Actor, Role
from coopledger.services import audit_log
from coopledger.services import auth as svc
from coopledger.services import orgs as org_svc
from coopledger.services import regions as region_svc
from coopledger.web.api.common import uow
from coopledger.web.pages.common import (
    bp,
    error_text,
    field_text,
    known_text,
    login_required,
    signed_in,
)

#: the use case's words about a user or an organization, in the page's language
ADMIN_TEXT: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^at least 10 characters$"), _l("密码至少 10 个字符")),
    (
        re.compile(r"mix letters with digits or other characters"),
        _l("密码须混合字母与数字或其他字符"),
    ),
    (re.compile(r"must not contain the username"), _l("密码不能包含用户名")),
    (re.compile(r"3 to 80 letters, digits"), _l("3 至 80 个字母、数字或 _ . @ -")),
    (re.compile(r"2 to 40 lower-case letters"), _l("代码须为 2 至 40 个小写字母、数字或连字符")),
    (re.compile(r"name at least one organization"), _l("请至少选择一个单位或填写一个辖区")),
    (
        re.compile(r"names its member as ORG/MEMBER_NO"),
        _l("农户用户须填写其成员：单位代码/成员编号"),
    ),
    (re.compile(r"only a household user names a member"), _l("只有农户用户才填写成员")),
    (re.compile(r"household user is not scoped to a region"), _l("农户用户不设辖区")),
    (re.compile(r"unknown organization '(?P<x>[^']*)'"), _l("没有单位 %(x)s")),
    (re.compile(r"unknown region '(?P<x>[^']*)'"), _l("没有辖区 %(x)s")),
    (re.compile(r"a path such as"), _l("请按“市/县/乡镇/村”填写，例如 济南市/商河县")),
    (re.compile(r"at most four levels"), _l("最多四级：市/县/乡镇/村")),
    (re.compile(r"'(?P<x>[^']*)' is not a region name"), _l("“%(x)s”不能作为地名")),
    (re.compile(r"must be one of"), _l("请从列出的选项中选择")),
    (re.compile(r"must be cooperative or village_collective"), _l("请选择合作社或村集体")),
    (re.compile(r"is a chart for a"), _l("该会计制度与单位类型不符")),
    (re.compile(r"must not be empty"), _l("不能为空")),
]
ADMIN_CODES = {
    "self_demotion": _l("管理员不能停用自己或取消自己的管理员角色。"),
}
DUPLICATE = {
    "username": _l("用户名已被使用（不区分大小写）"),
    "code": _l("该代码已被其他单位使用"),
}
FIELD_LABELS = {
    "username": _l("用户名"),
    "password": _l("密码"),
    "role": _l("角色"),
    "orgs": _l("所属单位"),
    "regions": _l("辖区"),
    "member": _l("成员"),
    "full_name": _l("姓名"),
    "code": _l("代码"),
    "name": _l("名称"),
    "kind": _l("类型"),
    "chart": _l("会计制度"),
    "region": _l("所在地"),
    "chief_accountant": _l("会计主管"),
    "cash_limit": _l("库存现金限额"),
}
CHART_NAMES = {
    "cooperative-2021": _l("农民专业合作社会计制度（财会〔2021〕37号）"),
    "village-2023": _l("农村集体经济组织会计制度（财会〔2023〕14号）"),
    "cooperative-2007": _l("农民专业合作社财务会计制度（试行，2007）"),
    "village-2004": _l("村集体经济组织会计制度（2004）"),
}
KIND_NAMES = {"cooperative": _l("合作社"), "village_collective": _l("村集体")}
#: actions that take something away, and what the confirmation says about each
DESTRUCTIVE = {
    "disable": _l("停用用户 %(user)s？其所有登录（浏览器、手机、接口）将立即结束。"),
    "password": _l("重设用户 %(user)s 的密码？其所有登录将立即结束，须用新密码重新登录。"),
    "role": _l("更改用户 %(user)s 的角色与单位？其可见的单位与可做的操作随之改变。"),
}
DONE = {
    "create": _l("已创建用户 %(user)s。"),
    "disable": _l("已停用用户 %(user)s。"),
    "enable": _l("已启用用户 %(user)s。"),
    "password": _l("已重设用户 %(user)s 的密码。"),
    "name": _l("已保存用户 %(user)s 的姓名。"),
    "role": _l("已更改用户 %(user)s 的角色与单位。"),
    "unlock": _l("已解除用户 %(user)s 的锁定。"),
}


def admin_known(message: str) -> str | None:
    """A service's message about users or organizations in the page's language, or None."""
    for pattern, text in ADMIN_TEXT:
        found = pattern.search(message)
        if found:
            return str(text) % found.groupdict() if found.groupdict() else str(text)
    return known_text(message)


def admin_message(message: str) -> str:
    found = admin_known(message)
    return found if found is not None else field_text(message)


def field_errors(exc: DomainError, duplicate_field: str) -> dict[str, list[str]]:
    """The error as messages per form field, in the page's language (``""``: the whole form)."""
    if exc.code == "duplicate":
        return {duplicate_field: [str(DUPLICATE[duplicate_field])]}
    if exc.code in ADMIN_CODES:
        return {"": [str(ADMIN_CODES[exc.code])]}
    found = {field: [admin_message(m) for m in messages] for field, messages in exc.errors.items()}
    return found or {"": [error_text(exc, admin_known)]}


def summary(errors: dict[str, list[str]]) -> list[str]:
    """Every message, each after the name of its field."""
    return [
        f"{FIELD_LABELS[f]}：{m}" if f in FIELD_LABELS else m
        for f, messages in errors.items()
        for m in messages
    ]


def codes(form: MultiDict[str, str], key: str) -> list[str]:
    """Organization codes from checkboxes or typed, separated by commas or spaces."""
    return [c for v in form.getlist(key) for c in re.split(r"[\s,，、]+", v) if c]


def paths(text: str) -> list[str]:
    """Region paths typed one a line or separated by commas."""
    return [p.strip() for p in re.split(r"[\n,，;；]+", text) if p.strip()]


def _admin(who: Actor) -> None:
    if who.role is not Role.ADMIN:
        raise Forbidden("only an administrator manages users, organizations and the audit log")


def _region_paths(who: Actor) -> list[str]:
    found: list[str] = []

    def walk(nodes: list[region_svc.TreeNode]) -> None:
        for n in nodes:
            found.append(n.path)
            walk(n.children)

    walk(region_svc.region_tree(uow(), who))
    return found


def _status(exc: DomainError) -> int:
    return {"conflict": 409, "not_found": 404}.get(exc.kind, 422)


# -- users --------------------------------------------------------------------------------------


def _user_action(who: Actor, action: str, form: MultiDict[str, str]) -> None:
    ext = current_app.extensions["coopledger"]
    username = form.get("username", "").strip()[:80]
    if action == "create":
        svc.create_user(
            uow(),
            who,
            ext.hasher,
            username,
            form.get("password", ""),
            form.get("role", ""),
            codes(form, "orgs"),
            form.get("member", "").strip() or None,
            regions=paths(form.get("regions", "")),
            full_name=form.get("full_name", ""),
        )
    elif action in ("disable", "enable"):
        svc.update_user(uow(), who, ext.hasher, username, active=action == "enable")
    elif action == "password":
        svc.update_user(uow(), who, ext.hasher, username, password=form.get("password", ""))
    elif action == "name":
        svc.update_user(uow(), who, ext.hasher, username, full_name=form.get("full_name", ""))
    elif action == "role":
        svc.update_user(
            uow(),
            who,
            ext.hasher,
            username,
            role=form.get("role", ""),
            org_codes=codes(form, "orgs"),
            regions=paths(form.get("regions", "")),
        )
    elif action == "unlock":
        svc.unlock_user(uow(), who, username)
    else:
        raise field_error("action", "one of create, disable, enable, password, name, role, unlock")


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users() -> Any:
    """The administrator's users: create one (role, organizations, regions, full name), change
    its role and organizations, disable or enable it, set its password, lift a lock, set the
    person's full name (printed on the vouchers the user signs). The same use cases as the API:
    a weak password or a name taken in any letter case is refused, shown at its field."""
    who = signed_in()
    svc.list_users(uow(), who)  # a role other than admin: 403 before anything is read
    errors: dict[str, list[str]] = {}
    done = ""
    confirm = ""
    status = 200
    form: MultiDict[str, str] = MultiDict()
    action = ""
    target = ""
    if request.method == "POST":
        form = request.form
        action = form.get("action", "")
        target = form.get("username", "").strip()[:80]
        if action in DESTRUCTIVE and form.get("confirmed") != "yes":
            confirm = str(DESTRUCTIVE[action]) % {"user": target}
        else:
            try:
                _user_action(who, action, form)
            except DomainError as exc:
                if exc.kind == "forbidden":
                    raise
                errors = field_errors(exc, "username")
                status = _status(exc)
            else:
                done = str(DONE.get(action, _l("已完成。"))) % {"user": target}
    users = svc.list_users(uow(), who)
    if action == "create":
        place = "create"
    elif target in {u.username for u in users}:
        place = "row"
    else:
        place = "top"
    return (
        render_template(
            "pages/admin_users.html",
            users=users,
            place=place,
            blank=MultiDict(),
            roles=list(Role),
            orgs=org_svc.list_orgs(uow(), who),
            region_paths=_region_paths(who),
            errors=errors,
            messages=summary(errors),
            done=done,
            confirm=confirm,
            action=action,
            target=target,
            form=form,
            destructive=DESTRUCTIVE,
        ),
        status,
    )


# -- organizations ------------------------------------------------------------------------------


def _cash_limit(text: str) -> int | None:
    """The 库存现金限额 typed in yuan, None when left empty. :raise ValidationFailed: not an
    amount (``cash_limit``)."""
    if not text.strip():
        return None
    try:
        return parse_amount(text.strip())
    except AmountError as exc:
        raise field_error("cash_limit", str(exc)) from exc


def _org_action(who: Actor, action: str, form: MultiDict[str, str]) -> None:
    if action == "create":
        org_svc.create_org(
            uow(),
            who,
            form.get("code", "").strip(),
            form.get("name", ""),
            form.get("kind", ""),
            form.get("region", ""),
            form.get("chart") or None,
            form.get("allow_single_accountant") == "yes",
        )
    elif action == "update":
        org_svc.update_org(
            uow(),
            who,
            form.get("code", "").strip(),
            name=form.get("name", ""),
            chief_accountant=form.get("chief_accountant", ""),
            allow_single_accountant=form.get("allow_single_accountant") == "yes",
            cash_limit_fen=_cash_limit(form.get("cash_limit", "")),
        )
    else:
        raise field_error("action", "one of create, update")


@bp.route("/admin/orgs", methods=["GET", "POST"])
@login_required
def admin_orgs() -> Any:
    """The administrator's organizations: every one with its kind, chart, region and settings;
    create one from a statutory chart; rename one, name its 会计主管, set whether one
    accountant may review its own vouchers."""
    who = signed_in()
    _admin(who)
    errors: dict[str, list[str]] = {}
    done = ""
    status = 200
    form: MultiDict[str, str] = MultiDict()
    action = ""
    if request.method == "POST":
        form = request.form
        action = form.get("action", "")
        try:
            _org_action(who, action, form)
        except DomainError as exc:
            if exc.kind == "forbidden":
                raise
            errors = field_errors(exc, "code")
            status = _status(exc)
        else:
            code = form.get("code", "").strip()
            done = str(
                _l("已创建单位 %(org)s。") if action == "create" else _l("已保存单位 %(org)s。")
            ) % {"org": code}
    return (
        render_template(
            "pages/admin_orgs.html",
            orgs=org_svc.list_orgs(uow(), who),
            region_paths=_region_paths(who),
            charts=CHARTS,
            chart_names=CHART_NAMES,
            kind_names=KIND_NAMES,
            errors=errors,
            messages=summary(errors),
            done=done,
            action=action,
            target=form.get("code", "").strip() if action == "update" else "",
            form=form,
        ),
        status,
    )


# -- the audit log ------------------------------------------------------------------------------

PAGE_SIZE = 50


def _day(key: str, errors: dict[str, list[str]]) -> date | None:
    text = request.args.get(key, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = [field_text("not a valid date")]
        return None


#: the audit page's choice for the events of no organization (users, sign-ins)
USERS_LOG = "-"


@bp.route("/admin/audit")
@login_required
def admin_audit() -> Any:
    """The audit log of one organization, or (``org=-``) of the users and sign-ins, oldest
    first, fifty events a page: who, when, from where, what, old → new; filtered by action
    (``voucher.*`` a prefix), user and dates."""
    who = signed_in()
    _admin(who)
    orgs = org_svc.list_orgs(uow(), who)
    code = request.args.get("org", "").strip()[:40] or (orgs[0].code if orgs else USERS_LOG)
    errors: dict[str, list[str]] = {}
    start, end = _day("from", errors), _day("to", errors)
    after = max(request.args.get("after", type=int) or 0, 0)
    the_org = None if code == USERS_LOG else org_svc.get_org(uow(), who, code)
    events: list[dict[str, Any]] = []
    last_id = None
    if not errors:
        filters: dict[str, Any] = {
            "action": request.args.get("action", "").strip()[:40] or None,
            "user": request.args.get("user", "").strip()[:80] or None,
            "start": datetime.combine(start, time.min, UTC) if start else None,
            "end": datetime.combine(end, time.max, UTC) if end else None,
            "limit": PAGE_SIZE,
            "after_id": after,
        }
        found = (
            audit_log.read_user_log(uow(), who, **filters)
            if the_org is None
            else audit_log.read_log(uow(), who, the_org.code, **filters)
        )
        for e in found:
            detail = json.loads(e.detail or "{}")
            events.append({"event": e, "detail": json.dumps(detail, ensure_ascii=False)})
        if len(found) == PAGE_SIZE:
            last_id = found[-1].id
    return (
        render_template(
            "pages/admin_audit.html",
            orgs=orgs,
            code=code,
            users_log=USERS_LOG,
            the_org=the_org,
            events=events,
            next_after=last_id,
            after=after,
            errors=errors,
            args=request.args,
        ),
        422 if errors else 200,
    )

"""Signing in and out, and choosing the organization to work on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from coopledger.domain.errors import DomainError, field_error
from coopledger.domain.roles import Actor, Role
from coopledger.services import auth as svc
from coopledger.services import orgs as org_svc
from coopledger.services.auth import end_web_session, revoke_everywhere, start_web_session
from coopledger.services.preferences import set_user_locale, user_locale
from coopledger.web.api.auth import known_device, remember_device
from coopledger.web.api.common import uow
from coopledger.web.pages.common import (
    actor,
    bp,
    error_text,
    field_text,
    login_required,
    safe_next,
    signed_in,
)


def home_for(who: Actor) -> str:
    if who.role is Role.HOUSEHOLD:
        return url_for("pages.me")
    found = org_svc.list_orgs(uow(), who)
    if len(found) == 1:
        return url_for("pages.dashboard", org=found[0].code)
    return url_for("pages.org_picker")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; a success starts a new session (nothing of the old one survives)."""
    error = None
    username = ""
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        password = request.form.get("password", "")
        ext = current_app.extensions["coopledger"]
        try:
            sid, who = start_web_session(
                uow(),
                ext.hasher,
                username,
                password,
                timedelta(hours=ext.settings.token_ttl_hours),
                known_device=known_device(username),
            )
        except DomainError as exc:
            error = error_text(exc)
            status = 429 if exc.kind == "rate_limited" else 401
        else:
            chosen = session.get("lang")
            session.clear()  # rotation: a new CSRF token, nothing carried over
            session["sid"] = sid  # the server-side session's id; the cookie holds no token
            stored = user_locale(uow(), who)
            session["lang"] = chosen or stored or "zh"  # a choice made on the login page wins
            if chosen and chosen != stored:
                set_user_locale(uow(), who, chosen)
            response = redirect(safe_next(request.form.get("next")) or home_for(who))
            remember_device(response, username)
            return response
    elif actor() is not None:
        return redirect(home_for(signed_in()))
    return (
        render_template(
            "pages/login.html",
            error=error,
            username=username,
            next=safe_next(request.values.get("next")) or "",
        ),
        status,
    )


def _signed_out() -> Any:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("pages.login"))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """End this browser's session on the server: the old cookie, replayed, opens nothing."""
    sid = session.get("sid")
    if sid:
        end_web_session(uow(), sid)
    return _signed_out()


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Any:
    """End every session and token of the signed-in user: other browsers, phones, API clients."""
    revoke_everywhere(uow(), signed_in())
    return _signed_out()


@bp.route("/orgs")
@login_required
def org_picker() -> Any:
    """A township accountant keeping several villages' books picks one."""
    who = signed_in()
    if who.role is Role.HOUSEHOLD:
        return redirect(url_for("pages.me"))
    return render_template("pages/orgs.html", orgs=org_svc.list_orgs(uow(), who))


#: the use case's words about a user, in the page's language (field → message)
USER_TEXT = {
    "at least 10 characters": _l("密码至少 10 个字符"),
    "mix letters with digits or other characters": _l("密码须混合字母与数字或其他字符"),
    "must not contain the username": _l("密码不能包含用户名"),
}
USER_CODES = {
    "duplicate": _l("用户名已被使用（不区分大小写）"),
    "self_demotion": _l("管理员不能停用自己或取消自己的管理员角色。"),
}


def _user_errors(exc: DomainError) -> list[str]:
    if exc.code in USER_CODES:
        return [str(USER_CODES[exc.code])]
    found = [
        str(USER_TEXT[m]) if m in USER_TEXT else f"{field}: {field_text(m)}"
        for field, messages in exc.errors.items()
        for m in messages
    ]
    return found or [error_text(exc)]


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users() -> Any:
    """The administrator's users: create one, disable or enable it, set its password or the
    person's full name (printed on the vouchers the user signs). The same use cases as the API:
    a weak password or a name taken in any letter case is refused."""
    who = signed_in()
    ext = current_app.extensions["coopledger"]
    errors: list[str] = []
    done = False
    status = 200
    if request.method == "POST":
        form = request.form
        username = form.get("username", "").strip()[:80]
        action = form.get("action", "")
        try:
            if action == "create":
                svc.create_user(
                    uow(),
                    who,
                    ext.hasher,
                    username,
                    form.get("password", ""),
                    form.get("role", ""),
                    [c.strip() for c in form.get("orgs", "").split(",") if c.strip()],
                )
            elif action in ("disable", "enable"):
                svc.update_user(uow(), who, ext.hasher, username, active=action == "enable")
            elif action == "password":
                svc.update_user(uow(), who, ext.hasher, username, password=form.get("password", ""))
            elif action == "name":
                full_name = form.get("full_name", "")
                svc.update_user(uow(), who, ext.hasher, username, full_name=full_name)
            else:
                raise field_error("action", "one of create, disable, enable, password, name")
        except DomainError as exc:
            if exc.kind == "forbidden":
                raise
            errors = _user_errors(exc)
            status = 409 if exc.kind == "conflict" else 404 if exc.kind == "not_found" else 422
        else:
            done = True
    users = svc.list_users(uow(), who)
    return (
        render_template(
            "pages/admin_users.html", users=users, roles=list(Role), errors=errors, done=done
        ),
        status,
    )

"""Signing in and out, and choosing the organization to work on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import Actor, Role
from coopledger.services import orgs as org_svc
from coopledger.services.auth import end_web_session, revoke_everywhere, start_web_session
from coopledger.services.preferences import set_user_locale, user_locale
from coopledger.web.api.auth import known_device, remember_device
from coopledger.web.api.common import uow
from coopledger.web.pages.common import (
    actor,
    bp,
    error_text,
    login_required,
    safe_next,
    signed_in,
)


def home_for(who: Actor) -> str:
    """Where a user lands after signing in: a household its own account, a county officer (an
    auditor scoped to a region) the region's report, anyone else its organization or the
    picker."""
    if who.role is Role.HOUSEHOLD:
        return url_for("pages.me")
    if who.role is Role.AUDITOR and who.regions:
        return url_for("pages.regions")
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

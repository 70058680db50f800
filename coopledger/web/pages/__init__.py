"""Server-rendered pages: the accountant's day, the household portal, the auditor's view.

Signed in with a session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) that carries an API
token issued by :func:`coopledger.services.auth.issue_token` — so lockout, expiry and the audit
log are the API's own. Every form carries a CSRF token; the bearer-token ``/api`` is exempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from coopledger.domain.members import OLDER_NAMES
from coopledger.web.pages import (  # noqa: F401  (routes)
    admin,
    audit,
    auth,
    bank,
    construction,
    contracts,
    dashboard,
    distributions,
    donations,
    household,
    periods,
    regions,
    registers,
    reports,
    shop,
    subsidies,
    vouchers,
)
from coopledger.web.pages.common import (
    MONITOR_KIND,
    POVERTY,
    ROLE,
    STATUS,
    SessionInterface,
    account_name,
    actor,
    bp,
    day,
    lang,
    lang_url,
    may,
    money,
    plain,
    select_locale,
)
from coopledger.web.pages.messages import finding_text, finding_title, severity_name

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
csrf = CSRFProtect()


def init_pages(app: Flask) -> None:
    """Add the pages, their session, CSRF protection and languages to ``app``."""
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, for the pages only
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # valid as long as the session
    app.config["BABEL_DEFAULT_LOCALE"] = "zh"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)
    app.before_request(_protect_forms)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        current_actor=actor,
        may=may,
        lang=lang,
        lang_url=lang_url,
        STATUS=STATUS,
        POVERTY=POVERTY,
        STATUS_CHOICES=[(k, v) for k, v in POVERTY.items() if k not in OLDER_NAMES],
        MONITOR_KIND=MONITOR_KIND,
        ROLE=ROLE,
        account_name=account_name,
        finding_title=finding_title,
        finding_text=finding_text,
        severity_name=severity_name,
    )
    app.jinja_env.filters.update(money=money, plain=plain, day=day)


def _protect_forms() -> None:
    """CSRF on every unsafe request outside the API (which authenticates by bearer token)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.path.startswith(
        "/api/"
    ):
        csrf.protect()


def _csrf_refused(error: CSRFError) -> Any:
    return render_template("pages/error.html", status=400, message=None, csrf=True), 400

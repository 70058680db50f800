"""What every page shares: the blueprint, the signed-in actor, formatting, errors in words."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache, wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern
from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coopledger.domain.errors import DomainError, Unauthenticated
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.auth import web_actor
from coopledger.services.preferences import LOCALES, set_user_locale
from coopledger.web.api.common import uow
from coopledger.web.pages.messages import ERROR_CODES, GENERIC, KIND_CODE, code_text
from coopledger.web.units import unit_of_work

bp = Blueprint("pages", __name__)

# The pages' own stylesheet, script and icon, read once and served from memory: a few kilobytes
# that never change while the process runs, and no open file for a client to abandon mid-send.
_ASSETS_DIR = Path(__file__).with_name("static")
_ASSET_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@cache
def _asset(filename: str) -> tuple[bytes, str, str] | None:
    """An asset's bytes, media type and entity tag, or None when there is no such asset."""
    path = _ASSETS_DIR / filename
    media_type = _ASSET_TYPES.get(path.suffix)
    if media_type is None or path.parent != _ASSETS_DIR or not path.is_file():
        return None
    body = path.read_bytes()
    return body, media_type, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/assets/<path:filename>", endpoint="static")
def static(filename: str) -> Response:
    found = _asset(filename)
    if found is None:
        abort(404)
    body, media_type, etag = found
    response = Response(body, mimetype=media_type)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.make_conditional(request)
    return response


F = TypeVar("F", bound=Callable[..., Any])
BABEL_LOCALE = {"zh": "zh_Hans_CN", "en": "en"}
STATUS = {
    "draft": _l("草稿"),
    "reviewed": _l("已审核"),
    "posted": _l("已记账"),
    "approved": _l("已批准"),
    "paid": _l("已支付"),
}
POVERTY = {
    "none": _l("一般户"),
    "exited": _l("脱贫户"),
    "monitored": _l("监测户"),
    "low_income": _l("低保户"),
    "extreme_poverty": _l("特困供养户"),
    # the older name of 脱贫户, as a status history written before shows it
    "poor": _l("建档立卡贫困户（旧称，今脱贫户）"),
}
#: the kinds of a 监测户
MONITOR_KIND = {
    "unstable": _l("脱贫不稳定户"),
    "marginal": _l("边缘易致贫户"),
    "sudden_hardship": _l("突发严重困难户"),
}
ROLE = {
    "admin": _l("管理员"),
    "accountant": _l("会计"),
    "cashier": _l("出纳"),
    "reviewer": _l("审核"),
    "auditor": _l("审计"),
    "household": _l("农户"),
}


class SessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Any) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def actor() -> Actor | None:
    """The signed-in user of this request, or None."""
    return cast(Actor | None, g.get("page_actor"))


def signed_in() -> Actor:
    found = actor()
    if found is None:
        raise Unauthenticated("sign in first")
    return found


def lang() -> str:
    return str(get_locale() or "zh")[:2]


def select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        return wanted
    stored = session.get("lang")
    return stored if stored in LOCALES else "zh"


@bp.before_request
def _load_actor() -> None:
    g.page_actor = None
    if request.endpoint == "pages.static":
        return  # the stylesheet and script need no user (nor a database read)
    sid = session.get("sid")
    if sid:
        try:
            g.page_actor = web_actor(uow(), sid)
        except Unauthenticated:  # signed out elsewhere, expired, or the user was disabled
            session.clear()
    elif "token" in session:  # a cookie from before server-side sessions: sign in again
        session.clear()
    wanted = request.args.get("lang")
    if wanted in LOCALES and session.get("lang") != wanted:
        session["lang"] = wanted
        if g.page_actor is not None:
            set_user_locale(unit_of_work(), g.page_actor, wanted)


@bp.after_request
def _no_store(response: Response) -> Response:
    if actor() is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if actor() is None:
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site, read as the browser will read it: one leading ``/`` and no
    second, no backslash (a browser reads it as ``/``), and no control character or space
    anywhere (a browser drops tab and line breaks, so ``/<tab>/elsewhere`` is ``//elsewhere``;
    a line break cannot go into a header). Anything else is None: the caller's default."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target


# -- formatting ---------------------------------------------------------------------------------


AMOUNT = parse_pattern("#,##0.00")


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALE.get(code, "zh_Hans_CN"))


def _amount(fen: int) -> str:
    """Babel's #,##0.00 in the page's locale (the pattern and locale parsed once)."""
    return str(AMOUNT.apply(Decimal(fen) / 100, _locale(lang())))


def money(fen: int | None) -> str:
    """¥1,234.56 in the page's language; empty for None."""
    if fen is None:
        return ""
    text = _amount(abs(fen))
    return f"-¥{text}" if fen < 0 else f"¥{text}"


def plain(fen: int | None) -> str:
    """1,234.56 without the currency sign, for table cells; blank for zero or None."""
    if not fen:
        return ""
    return _amount(fen)


def day(value: date | None) -> str:
    if value is None:
        return ""
    return str(format_date(value, "medium", locale=_locale(lang())))


def account_name(account: Any) -> str:
    return str(account.name_en if lang() == "en" and account.name_en else account.name_zh)


def lang_url(code: str) -> str:
    """This page in another language: the same path and query, ``lang`` replaced."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


_NAV_HREF = re.compile(r'<a href="([^"?#]*)')


@bp.app_template_filter("mark_current")
def mark_current(html: str) -> Markup:
    """The menu with the link to the page being shown marked ``aria-current="page"``: the link
    whose address is this page's, else the longest one this page lies under (a voucher under
    凭证). ``html`` is the menu as the template rendered it (escaped already)."""
    here = request.path
    hrefs = [h for h in _NAV_HREF.findall(str(html)) if h == here or here.startswith(h + "/")]
    if not hrefs:
        return Markup(html)
    best = max(hrefs, key=len)
    marked = str(html).replace(f'<a href="{best}"', f'<a href="{best}" aria-current="page"', 1)
    return Markup(marked)


def may(action: str) -> bool:
    found = actor()
    return found is not None and found.may(Action(action))


# -- errors in words ----------------------------------------------------------------------------

NOT_ACCEPTED = _l("此项填写有误，请检查后重试")
FIELD_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"must not be zero"), _l("金额不能为零")),
    (
        re.compile(r"to quantify the reserve by"),
        _l("按此办法没有成员能分到公积金，请换一种量化办法"),
    ),
    (re.compile(r"choose one of the listed rules"), _l("请从列出的办法中选择")),
    (re.compile(r"unknown account '(?P<x>[^']*)'"), _l("没有科目 %(x)s")),
    (re.compile(r"(?P<x>\S+) has sub-accounts"), _l("%(x)s 有明细科目，请记入明细科目")),
    (re.compile(r"account (?P<x>\S+) .* needs a member"), _l("科目 %(x)s 需要填写成员")),
    (re.compile(r"account (?P<x>\S+) keeps no member subledger"), _l("科目 %(x)s 不设成员明细")),
    (re.compile(r"unknown member '(?P<x>[^']*)'"), _l("没有成员 %(x)s")),
    (re.compile(r"account (?P<x>\S+) .* needs a fund"), _l("科目 %(x)s 需要填写资金项目")),
    (re.compile(r"unknown fund '(?P<x>[^']*)'"), _l("没有资金项目 %(x)s")),
    (re.compile(r"a voucher needs at least two lines"), _l("凭证至少需要两行")),
    (re.compile(r"at most two decimals"), _l("最多两位小数（分），金额不会被四舍五入")),
    (re.compile(r"must be a plain decimal"), _l("请填写数字，例如 1234.5")),
    (re.compile(r"is out of range"), _l("金额超出范围")),
    (re.compile(r"either a debit or a credit"), _l("一行只能填写借方或贷方之一")),
    (re.compile(r"needs a debit or a credit"), _l("请填写借方或贷方金额")),
    (re.compile(r"must lie between"), _l("日期须在 2000-01-01 至一年后之间")),
    (
        re.compile(r"must be a date from (?P<a>\S+) to (?P<b>\S+)"),
        _l("日期须在 %(a)s 至 %(b)s 之间"),
    ),
    (re.compile(r"is more than the books can hold"), _l("金额过大，超出账簿所能记载的范围")),
    (
        re.compile(r"Σ debit (?P<d>\S+) ≠ Σ credit (?P<c>\S+)"),
        _l("借方合计 %(d)s ≠ 贷方合计 %(c)s"),
    ),
    (re.compile(r"not a valid date"), _l("请填写日期，例如 2026-03-10")),
    (re.compile(r"at most (?P<x>\d+) characters"), _l("最多 %(x)s 个字")),
    (re.compile(r"must be a year such as"), _l("请填写年份，例如 2025")),
    (re.compile(r"a decimal from 0 to 1"), _l("请填写 0 到 1 之间的小数，例如 0.10")),
    (re.compile(r"an amount such as 8000.00"), _l("请填写金额，例如 8000.00")),
    (re.compile(r"tick at least one status"), _l("请至少勾选一种身份")),
    (re.compile(r"give a fixed minimum or a rate"), _l("保底金额与保底比例只填一项")),
    (
        re.compile(r"the guarantees cannot be met: they need (?P<x>\S+) yuan"),
        _l("保底无法满足：需要补足 %(x)s 元，超过其他成员可让出的剩余盈余"),
    ),
    (re.compile(r"short by (?P<x>\S+) yuan"), _l("还差 %(x)s 元")),
]


def error_text(error: DomainError, known: Callable[[str], str | None] | None = None) -> str:
    """The refusal in the page's language, never the service's English: the words kept for its
    code with its values, else the service's message as ``known`` (or :func:`known_text`)
    reads it, else the words of its shared code or of its kind."""
    if error.code not in GENERIC:
        text = code_text(error.code, error.params)
        if text is not None:
            return text
    found = (known or known_text)(error.message)
    if found is not None:
        return found
    for code in (error.code, KIND_CODE.get(error.kind, "validation_failed")):
        text = code_text(code, {})
        if text is not None:
            return text
    return str(ERROR_CODES["validation_failed"])


def known_text(message: str) -> str | None:
    """A service's message about a field in the page's language, or None when it is unknown."""
    for pattern, text in FIELD_MESSAGES:
        found = pattern.search(message)
        if found:
            return str(text) % found.groupdict() if found.groupdict() else str(text)
    return None


def field_text(message: str) -> str:
    """A service's message about a field in the page's language; one no page knows reads as
    "not accepted" rather than in the service's English."""
    known = known_text(message)
    return known if known is not None else str(NOT_ACCEPTED)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Any:
    if isinstance(error, Unauthenticated):
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    status = {
        "not_found": 404,
        "forbidden": 403,
        "conflict": 409,
        "invalid": 422,
        "rate_limited": 429,
    }.get(error.kind, 400)
    return render_template("pages/error.html", status=status, message=error_text(error)), status


def wants_page() -> bool:
    """A browser asking for a page (not the API, HTML preferred to JSON)."""
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html"


def error_page(status: int, code: str | None = None, **values: str) -> tuple[str, int]:
    """The layout's error page for an HTTP status: an unknown address (404), a refused role
    (403), an unexpected failure (500), or the message of ``code`` (with ``values`` in it)."""
    code = code or {404: "not_found", 403: "forbidden"}.get(status, "internal_error")
    message = str(ERROR_CODES[code]) % values if values else ERROR_CODES[code]
    return render_template("pages/error.html", status=status, message=message), status


def is_household() -> bool:
    found = actor()
    return found is not None and found.role is Role.HOUSEHOLD

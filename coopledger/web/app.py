"""The composition root: ``create_app`` wires settings, the database, the hasher and the API."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api as _Api
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.adapters.pdf_cache import RENDERED
from coopledger.adapters.pdf_errors import NoCJKFontError, RenderLimitError
from coopledger.config import Settings
from coopledger.domain.errors import DomainError
from coopledger.resources import resource_dir
from coopledger.services.auth import authenticate
from coopledger.services.ports import PasswordHasher
from coopledger.web import public, strict_json
from coopledger.web.api import (
    accounts,
    assets,
    audit,
    auth,
    bank,
    batches,
    chain_check,
    construction,
    contracts,
    disclosure,
    distributions,
    dividends,
    donations,
    funds,
    members,
    orgs,
    periods,
    regions,
    register_reports,
    reports,
    shares,
    shop,
    subsidies,
    transfer,
    vouchers,
)
from coopledger.web.api.common import uow
from coopledger.web.errors import ProblemSchema, domain_problem, flatten_messages, problem
from coopledger.web.pages import init_pages
from coopledger.web.pages.common import error_page, wants_page
from coopledger.web.security import init_security
from coopledger.web.units import unit_of_work
from coopledger.web.verify import verify_answer, verify_start

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
#: (method, path) of the API's routes that need no token: signing in, and the document
PUBLIC_API = {("POST", "/api/v1/auth/tokens"), ("GET", "/api/v1/openapi.json")}


@dataclass
class Extension:
    settings: Settings
    session_factory: sessionmaker[Session]
    hasher: PasswordHasher
    engine: Engine | None
    units: UnitsOfWork = field(init=False)  # every unit of work the app makes

    def __post_init__(self) -> None:
        self.units = UnitsOfWork(self.session_factory)


class StrictJSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_json.loads(s)


class Api(_Api):  # type: ignore[misc]
    """flask-smorest's Api, with every HTTP error answered as problem+json."""

    ERROR_SCHEMA = ProblemSchema  # the documented error is the problem+json sent

    def handle_http_exception(self, error: HTTPException) -> Response | tuple[str, int]:
        return _http_error(error)


def _http_error(error: HTTPException) -> Response | tuple[str, int]:
    """problem+json; a browser asking for a page gets the error page of an unknown address
    (404) or a refused role (403)."""
    if error.code in (403, 404) and wants_page():
        return error_page(error.code)
    return http_problem(error)


def http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if status == 422 and messages:
        errors: dict[str, list[str]] = {}
        for location, by_field in messages.items():
            flat = flatten_messages(by_field)
            errors.update(
                flat
                if location in ("json", "query", "querystring")
                else {f"{location}.{k}": v for k, v in flat.items()}
            )
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        code = (
            "unknown_field"
            if any("Unknown field." in m for ms in errors.values() for m in ms)
            else "validation_failed"
        )
        return problem(422, code, detail, errors)
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        415: "unsupported_media_type",
    }
    return problem(status, codes.get(status, "http_error"), error.description or "")


def create_app(
    settings: Settings | None = None,
    session_factory: sessionmaker[Session] | None = None,
    hasher: PasswordHasher | None = None,
) -> Flask:
    """Build the application. Tests pass their own settings, sessions and a fast hasher."""
    settings = (settings or Settings.from_env()).with_secret()
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=str(settings.instance_path),
    )
    app.json_provider_class = StrictJSONProvider
    app.json = StrictJSONProvider(app)
    if settings.proxy_hops:  # trust that many proxies' X-Forwarded-* headers, and no more
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    engine = None
    if session_factory is None:
        settings.ensure_instance()
        engine = make_engine(settings.database_url)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["coopledger"] = Extension(
        settings, session_factory, hasher or Argon2Hasher(), engine
    )
    RENDERED.resize(settings.pdf_cache_mb * 1024 * 1024)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=MAX_BODY,
        API_TITLE="coopledger",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "info": {
                "description": "The books of rural cooperatives and village collectives. "
                "Amounts are decimal strings in yuan with at most two decimals."
            },
        },
    )
    api = Api(app)
    for blueprint in (
        auth.blp,
        audit.blp,
        orgs.blp,
        accounts.blp,
        members.blp,
        vouchers.blp,
        periods.blp,
        reports.blp,
        chain_check.blp,
        funds.blp,
        assets.blp,
        shares.blp,
        dividends.blp,
        register_reports.blp,
        distributions.blp,
        donations.blp,
        subsidies.blp,  # subsidy entitlements computed from the books
        contracts.blp,  # resources, contracts and the 一事一议 备查簿
        construction.blp,  # construction in progress (在建工程)
        regions.blp,
        disclosure.blp,
        transfer.blp,  # imports and exports
        bank.blp,  # bank statements and the reconciliation
        shop.blp,  # an online shop's platform settlements
        batches.blp,  # statement batches on the job queue
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(public.bp)  # /public/<org>/disclosure, no login

    app.before_request(_check_body)
    app.before_request(_authenticate)
    app.register_error_handler(DomainError, domain_problem)
    app.register_error_handler(OperationalError, _database_busy)
    app.register_error_handler(ProgrammingError, _schema_or_unexpected)
    app.register_error_handler(IntegrityError, _integrity)
    app.register_error_handler(RenderLimitError, _render_limit)
    app.register_error_handler(NoCJKFontError, _no_cjk_font)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(_security_headers)
    init_pages(app)  # the server-rendered pages
    init_security(app)  # audit context, authorization policy, refusals logged

    @app.get("/")
    def index() -> str:
        return render_template("index.html")

    @app.get("/verify/")
    def verify_form() -> Any:
        """The box to type a statement's verification code into, and to check a PDF file."""
        return verify_start()

    @app.get("/verify/<code>")
    def verify(code: str) -> Any:
        """Public check of a printed household statement by its verification code; with
        ``?sha256=`` (of a PDF file), whether exactly that document was issued under it."""
        return verify_answer(code)

    return app


def _check_body() -> Response | None:
    """Reject unreadable bodies before any view sees them (400, 413, 415, 422)."""
    if request.mimetype == "multipart/form-data" and request.path.endswith(
        ("/scans", "/donations")
    ):  # the signed hand-out lists' scans, up to 8 MB, on the API and on the page
        request.max_content_length = donations.MAX_SCAN_UPLOAD
        if request.path.startswith("/api/"):
            return None
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
        return None
    if request.path.endswith("/imports") and request.mimetype == "multipart/form-data":
        request.max_content_length = transfer.MAX_UPLOAD  # spreadsheets up to 50 MB
        return None
    data = request.get_data(cache=True)
    if not data:
        return None
    if request.mimetype != "application/json":
        return problem(415, "unsupported_media_type", "send the body as application/json (UTF-8)")
    try:
        strict_json.loads(data)
    except strict_json.BodyError as exc:
        return problem(400, exc.code, str(exc))
    except strict_json.TextError as exc:
        return problem(422, exc.code, f"{exc.path}: {exc}", {exc.path: [str(exc)]})
    return None


def _authenticate() -> Response | None:
    method = "GET" if request.method == "HEAD" else request.method
    if not request.path.startswith("/api/") or (method, request.path) in PUBLIC_API:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(
            401,
            "unauthenticated",
            "send a bearer token: POST /api/v1/auth/tokens",
            headers={"WWW-Authenticate": "Bearer"},
        )
    g.actor = authenticate(
        uow(),
        token.strip(),
        touch=unit_of_work(),
    )
    return None


def _storage_full(error: OperationalError) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100)."""
    return "database or disk is full" in str(error.orig) or (
        getattr(error.orig, "sqlstate", None) == "53100"
    )


def _schema_missing(error: OperationalError | ProgrammingError) -> bool:
    """A table or a column the models have and the database lacks (a schema missing or older
    than this code): SQLite's "no such table" / "no such column" / "has no column named",
    PostgreSQL's undefined_table (42P01) and undefined_column (42703)."""
    said = str(error.orig)
    return any(
        sign in said for sign in ("no such table", "no such column", "has no column named")
    ) or getattr(error.orig, "sqlstate", None) in ("42P01", "42703")


def _schema_problem() -> Response | tuple[str, int]:
    log.error("the database has no coopledger schema, or an old one: run `coopledger db upgrade`")
    if wants_page():
        return error_page(503, "schema_not_current")
    return problem(
        503,
        "schema_not_current",
        "the service's database is not ready (its schema is missing or old); "
        "tell the administrator to run `coopledger db upgrade`",
    )


def _schema_or_unexpected(error: ProgrammingError) -> Response | tuple[str, int]:
    if _schema_missing(error):
        return _schema_problem()
    return _unexpected(error)


def _database_busy(error: OperationalError) -> Response | tuple[str, int]:
    if _schema_missing(error):
        return _schema_problem()
    if _storage_full(error):
        log.error("storage full: %s", error.orig)
        return problem(
            507,
            "storage_full",
            "the server's storage is full; nothing was saved — tell the administrator",
        )
    log.warning("database unavailable: %s", error.orig)
    return problem(
        503,
        "database_busy",
        "the database is busy; try again in a moment",
        headers={"Retry-After": "1"},
    )


def _render_limit(error: RenderLimitError) -> Response:
    log.warning("render stopped: %s", error)
    return problem(
        503,
        "render_timeout",
        f"{error}; the document was not produced — try a shorter period, or ask for the batch",
        headers={"Retry-After": "30"},
    )


def _no_cjk_font(error: NoCJKFontError) -> Response:
    log.error("no CJK font: %s", error)
    return problem(503, "pdf_unavailable", "PDFs cannot be produced on this server: " + str(error))


def _integrity(error: IntegrityError) -> Response:
    log.warning("integrity error: %s", error.orig)
    return problem(
        409,
        "conflict",
        "the change conflicts with the current state of the books; reload and try again",
    )


def _unexpected(error: Exception) -> Response | tuple[str, int]:
    """Failures no other handler took: problem+json, or the error page for a browser."""
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unexpected error")
    if wants_page():
        return error_page(500)
    return problem(500, "internal_error", "something went wrong; nothing was saved")


def _security_headers(response: Response) -> Response:
    """Every answer: no sniffing, no framing, nothing loaded from elsewhere; an API answer (the
    books, a statement, a member's account, a voucher print) is never stored by a browser or a
    proxy on the way."""
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"
    )
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response

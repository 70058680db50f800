"""The web layer's share of auditing and access control: the central authorization policy
(``policy.py``), refused requests written to the audit log, and the ``Retry-After`` of the login
rate limit. Where a request comes from reaches the audit log through its units of work
(``units.py``).

Wired by :func:`init_security` in ``create_app``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request

from coopledger.domain.audit_log import checkpoint_key
from coopledger.domain.errors import DomainError, Forbidden, NotFound
from coopledger.services import audit_log, public_limit
from coopledger.services.auth_errors import RateLimited
from coopledger.services.clock import utcnow
from coopledger.web.errors import domain_problem, problem
from coopledger.web.pages.common import error_page, wants_page
from coopledger.web.policy import rule_for
from coopledger.web.units import unit_of_work

log = logging.getLogger(__name__)


def init_security(app: Flask) -> None:
    app.before_request(_refuse_control_characters)
    app.before_request(_limit_public)
    app.before_request(_impossible_ids)
    app.before_request(_enforce_policy)
    app.register_error_handler(DomainError, audited_problem)
    app.after_request(_checkpoint_on_close)


#: no part of a request's address may hold a C0 control character (NUL among them: PostgreSQL
#: stores no NUL; a browser drops tab and line breaks from an address)
_CONTROL = re.compile("[\x00-\x1f]")
#: a form field may hold tab, line feed and carriage return (a memo of several lines), no other
_CONTROL_IN_FIELD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


#: the headers whose text the books keep (an Idempotency-Key is stored with the voucher it made)
STORED_HEADERS = ("Idempotency-Key",)


def _control_field() -> str | None:
    """The first field of the request (path segment, query parameter, form field, an uploaded
    file's name, a header the books keep) that holds a control character, or None."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and _CONTROL.search(value):
            return name
    if _CONTROL.search(request.path):
        return "path"
    for name, value in request.args.items(multi=True):
        if _CONTROL.search(name):
            return "query"
        if _CONTROL.search(value):
            return name
    for header in STORED_HEADERS:
        if _CONTROL.search(request.headers.get(header, "")):
            return header
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        return None  # never read: the view refuses it as too large, saying the limit
    if request.mimetype in FORM_TYPES:
        for name, value in request.form.items(multi=True):
            if _CONTROL.search(name):
                return "form"
            if _CONTROL_IN_FIELD.search(value):
                return name
        for name, upload in request.files.items(multi=True):
            if _CONTROL.search(name):
                return "form"
            if _CONTROL.search(upload.filename or ""):
                return name
    return None


def _for_a_page() -> bool:
    """A browser's request: a page asked for, or a form it sent (never the API)."""
    if request.path.startswith("/api/"):
        return False
    return request.mimetype in FORM_TYPES or wants_page()


def _refuse_control_characters() -> Response | tuple[str, int] | None:
    """A control character in the address, the query, a form field, an uploaded file's name or a
    kept header is refused before any view or query sees it: 422 problem+json naming the field,
    or a 400 page for a browser."""
    field = _control_field()
    if field is None:
        return None
    if _for_a_page():
        return error_page(400, "control_characters", field=field)
    message = "contains a control character"
    return problem(422, "invalid_text", f"{field}: {message}", {field: [message]})


#: the public pages, limited per client address: the check of a printed statement and a village's
#: disclosure notice (their PDFs more strictly)
PUBLIC_ENDPOINTS = {"verify", "public.disclosure", "pages.verify_listen"}


def _limit_public() -> Response | tuple[str, int] | None:
    """429 with ``Retry-After`` once an address has asked too often (the page, or its error page
    for a browser)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return None
    # a PDF, or a statement spoken aloud, costs the server a render: the stricter count
    heavy = request.args.get("format") == "pdf" or request.endpoint == "pages.verify_listen"
    kind = "pdf" if heavy else "page"
    try:
        public_limit.hit(unit_of_work(), kind, utcnow())
    except RateLimited as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        if _for_a_page():
            body, status = error_page(429, "rate_limited")
            return Response(body, status, headers, mimetype="text/html")
        return problem(429, exc.code, exc.message, headers=headers)
    return None


#: ids, years and numbers in a path are 64-bit in the database; anything larger cannot exist
MAX_PATH_INT = 2**63 - 1


def _impossible_ids() -> Response | None:
    """A path number no database row can hold is "not found", not an overflow deep inside."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not -MAX_PATH_INT <= value <= MAX_PATH_INT:
            return problem(404, "not_found", "no such object")
    return None


def _enforce_policy() -> Response | None:
    """Scope (404, as if absent), then role (403), from the policy table, for the JSON API."""
    if not request.path.startswith("/api/") or request.endpoint is None:
        return None
    if request.method == "OPTIONS":
        return None
    rule = rule_for(request.endpoint, request.method)
    if rule is None:
        log.error(
            "route %s %s is not in the authorization policy", request.method, request.endpoint
        )
        return problem(
            403,
            "undeclared_route",
            "this route is not declared in the authorization policy (coopledger/web/policy.py)",
        )
    actor = g.get("actor")
    if rule.public or actor is None:
        return None
    if rule.scope in ("org", "member"):
        code = (request.view_args or {}).get("org")
        if code is not None:
            with unit_of_work(readonly=True) as uow:
                org = uow.store.org_by_code(str(code))
            if org is None or not actor.sees(org.id):
                raise NotFound(f"organization {code!r} not found")
    assert rule.roles is not None
    if actor.role not in rule.roles:
        raise Forbidden(f"the {actor.role} role may not do this")
    return None


def audited_problem(error: DomainError) -> Response:
    """The problem+json answer; a refused request (401, 403, 404) is also written to the audit
    log, in a transaction of its own (the request's own was rolled back)."""
    response = domain_problem(error)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    status = response.status_code
    if status in (401, 403, 404) and request.path.startswith("/api/"):
        actor = g.get("actor")
        skip = (status == 404 and actor is None) or request.endpoint == "auth.create_token"
        if not skip:
            _record(actor, error.code, status)
    return response


def _record(actor: Any, code: str, status: int) -> None:
    try:
        audit_log.record_denial(
            unit_of_work(),
            actor,
            (request.view_args or {}).get("org"),
            f"{request.method} {request.path}",
            code,
            status,
        )
    except Exception:  # never let the audit of a refusal turn it into a 500
        log.exception("could not record a refused request")


#: endpoints after which the chain heads are anchored outside the database
CLOSES = {"periods.close_period", "periods.carry_year", "periods.close_year"}


def _checkpoint_on_close(response: Response) -> Response:
    """After a period or year close, sign a checkpoint and keep it outside the database: a file
    in the instance folder's ``checkpoints/`` (for the auditor to collect), its name in the
    ``Coopledger-Checkpoint`` header."""
    if request.endpoint not in CLOSES or response.status_code != 200:
        return response
    actor = g.get("actor")
    org = (request.view_args or {}).get("org")
    if actor is None or org is None:
        return response
    try:
        ext = current_app.extensions["coopledger"]
        what = (request.view_args or {}).get("period") or (request.view_args or {}).get("year")
        checkpoint = audit_log.make_checkpoint(
            unit_of_work(),
            actor,
            str(org),
            checkpoint_key(ext.settings.secret_key),
            reason=f"close {what}",
        )
        folder = Path(ext.settings.instance_path) / "checkpoints" / str(org)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = checkpoint["at"].replace(":", "").replace("-", "")
        path = folder / f"{stamp}-v{checkpoint['voucher_seq']}-a{checkpoint['audit_seq']}.json"
        path.write_text(json.dumps(checkpoint, ensure_ascii=False, indent=1), encoding="utf-8")
        response.headers["Coopledger-Checkpoint"] = path.name
    except Exception:  # the close has been committed; a missing anchor is logged, not a 500
        log.exception("could not write the checkpoint after a close")
    return response

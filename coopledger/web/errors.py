"""Every error leaves as ``application/problem+json`` (RFC 9457):
``type``, ``title``, ``status``, ``detail``, a stable ``code`` and ``errors`` (field → messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, json

from coopledger.domain.errors import DomainError

STATUS_OF_KIND = {
    "invalid": 422,
    "conflict": 409,
    "forbidden": 403,
    "not_found": 404,
    "unauthenticated": 401,
    "rate_limited": 429,
}


def problem(
    status: int,
    code: str,
    detail: str,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": dict(errors or {}),
    }
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_problem(error: DomainError) -> Response:
    status = STATUS_OF_KIND.get(error.kind, 422)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429:
        headers = {"Retry-After": "900"}
    return problem(status, error.code, error.message, error.errors, headers)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages → ``{"lines.0.debit": ["…"]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                out[path] = list(value)
            else:
                out.update(flatten_messages(value, path))
    elif isinstance(messages, list):
        out[prefix or "body"] = [str(m) for m in messages]
    else:
        out[prefix or "body"] = [str(messages)]
    return out


class ProblemSchema(ma.Schema):
    """The documented shape of every error (OpenAPI): what :func:`problem` sends (the API
    fuzzer holds every answer to it)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())

"""What every API view shares: the actor, a unit of work, paging, the Blueprint class."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

import marshmallow as ma
from flask import Response, g, request
from flask_smorest import Blueprint as _Blueprint

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.domain.bounds import MAX_FEN_SUM
from coopledger.domain.errors import field_error
from coopledger.domain.roles import Actor
from coopledger.services.preferences import LOCALES
from coopledger.web.errors import problem
from coopledger.web.units import unit_of_work

MAX_LIMIT = 500

#: the OpenAPI description of an upload's body: one ``multipart/form-data`` field ``file``
#: (``@blp.doc(**FILE_UPLOAD)``)
FILE_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        }
    }
}


def uploaded_file(limit: int, noun: str) -> tuple[str, bytes] | Response:
    """The name and bytes of a ``multipart/form-data`` upload (field ``file``), read no further
    than ``limit`` bytes — or the answer to give instead: 413 when it is larger, 422 naming
    ``file`` when it is missing. ``noun`` names the file in those answers ("bank statement")."""
    too_large = f"a {noun} is at most {limit // 1024 // 1024} MB; import it by month"
    if (request.content_length or 0) > limit + 64 * 1024:  # the multipart envelope around it
        return problem(413, "too_large", too_large)
    upload = request.files.get("file")
    if upload is None:
        return problem(
            422,
            "validation_failed",
            f"file: send the {noun} as multipart field 'file'",
            {"file": ["missing"]},
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        return problem(413, "too_large", too_large)
    return upload.filename or "", data


class Blueprint(_Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint; a place for project-wide defaults."""


def actor() -> Actor:
    return g.actor  # type: ignore[no-any-return]


def uow() -> SqlUnitOfWork:
    return unit_of_work(readonly=request.method in ("GET", "HEAD"))


class DrawnFromOut(ma.Schema):
    """What a report was drawn from: the books as they stood when it was read."""

    org = ma.fields.String()
    org_name = ma.fields.String()
    generated_at = ma.fields.String(metadata={"description": "UTC, ISO 8601."})
    chain_seq = ma.fields.Integer(metadata={"description": "Posted vouchers in the chain."})
    chain_head = ma.fields.String(metadata={"description": "SHA-256 of the last posted voucher."})


class LangArgs(ma.Schema):
    """The language of a PDF: Chinese by default, English with ``lang=en``."""

    lang = ma.fields.String(
        load_default="zh",
        validate=ma.validate.OneOf(LOCALES),
        metadata={"description": "The PDF's language: ``zh`` (Chinese, the default) or ``en``."},
    )


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None)


def decode_cursor(cursor: str | None) -> int:
    """The opaque cursor is the last id seen, base64url-encoded."""
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode("ascii") + b"==").decode("ascii"))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise field_error("cursor", "is not a cursor this API gave out") from exc
    if not 0 <= value <= MAX_FEN_SUM:  # no id is larger: a forged cursor
        raise field_error("cursor", "is not a cursor this API gave out")
    return value


def page(items: Sequence[Any], ids: Sequence[int], limit: int) -> dict[str, Any]:
    next_cursor = None
    if len(items) == limit and ids:
        next_cursor = (
            base64.urlsafe_b64encode(str(ids[-1]).encode("ascii")).decode("ascii").rstrip("=")
        )
    return {"items": list(items), "next_cursor": next_cursor}

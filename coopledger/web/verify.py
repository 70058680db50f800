"""``/verify/{code}``: anyone holding a household statement checks it, without signing in.

The answer is one of four verdicts, in words on the page (in the reader's language) and as
``verdict`` in the JSON (``?format=json`` or ``Accept: application/json``):

- ``matches_issued``: the books still say what the statement says, and the file asked about
  (``?sha256=``) is one the cooperative handed out under the code (without a file: the code was
  issued and still matches);
- ``matches_not_issued``: the books still say it, but no file with that SHA-256 was handed out
  under the code: the copy was altered or saved again; the village or cooperative knows more;
- ``books_changed``: since the statement was issued, the household's total in the plan, the
  ledger's hash chain, or a voucher behind it (reversed) has changed: it says which;
- ``unknown``: no statement has the code (404, a page for a browser).

Times are shown in Beijing time; the JSON keeps them in UTC.

``/verify/`` is the box to type a code into, with an optional PDF whose SHA-256 the browser
computes (the file itself never leaves the reader's machine); it sends the reader on to
``/verify/{code}?sha256=…``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import json, redirect, render_template, request, url_for

from coopledger.adapters import speech
from coopledger.domain.errors import NotFound
from coopledger.domain.money import format_amount
from coopledger.services.household_statements import Verification, verify_statement
from coopledger.web.api.common import uow
from coopledger.web.errors import problem

BEIJING = timezone(timedelta(hours=8))
#: a code as people type it: letters and digits, perhaps grouped by spaces or hyphens
_TYPED_CODE = re.compile(r"[0-9A-Z]{1,40}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def beijing(at: datetime) -> str:
    """A stored time (UTC; naive means UTC) as Beijing time, to the minute."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _wants_json() -> bool:
    return (
        request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json"
    )


def verify_start() -> Any:
    """The box for a code (and a file's fingerprint); with ``?code=`` a redirect to its answer."""
    typed = request.args.get("code")
    if typed is None:
        return render_template("verify_start.html", bad_code=False, code=None)
    code = re.sub(r"[\s\-]", "", typed).upper()
    if not _TYPED_CODE.fullmatch(code):
        return render_template("verify_start.html", bad_code=True, code=None), 422
    query: dict[str, Any] = {}
    sha256 = (request.args.get("sha256") or "").strip().lower()
    if _SHA256.fullmatch(sha256):
        query["sha256"] = sha256
    if request.args.get("lang"):
        query["lang"] = request.args["lang"]
    return redirect(url_for("verify", code=code, **query), 303)


def verify_answer(code: str) -> Any:
    """The verdict on the statement with ``code`` (and the file whose ``?sha256=`` is given)."""
    sha256 = request.args.get("sha256")
    try:
        v = verify_statement(uow(), code, sha256)
    except NotFound as error:
        if _wants_json():
            response = problem(404, error.code, error.message)
            body = json.loads(response.get_data())
            body["verdict"] = "unknown"
            response.set_data(json.dumps(body, ensure_ascii=False))
            return response
        return render_template("verify.html", v=None, code=code.strip().upper()), 404
    data = _data(v)
    if _wants_json():
        return data
    return render_template(
        "verify.html",
        v=v,
        code=v.code,
        asked=(sha256 or "").strip().lower(),
        total=data["total"],
        total_now=data["total_now"],
        issued_at=beijing(v.issued_at),
        documents=[(digest, beijing(at)) for digest, at in v.documents],
        can_speak=speech.available(),
    )


def _data(v: Verification) -> dict[str, Any]:
    return {
        "code": v.code,
        "organization": v.org_name,
        "year": v.year,
        "member": v.member,
        "total": format_amount(v.total_fen),
        "issued_at": v.issued_at.isoformat(),
        "chain_seq": v.chain_seq,
        "chain_head": v.chain_head,
        "genuine": v.genuine,
        "verdict": v.verdict,
        "plan_matches": v.plan_still_matches,
        "chain_matches": v.chain_still_matches,
        "total_now": None if v.total_now_fen is None else format_amount(v.total_now_fen),
        "chain_head_now": v.chain_head_now,
        "reversals": [
            {
                "voucher": r.voucher,
                "reversed_by": r.reversed_by,
                "reversed_on": r.reversed_on.isoformat(),
            }
            for r in v.reversals
        ],
        "documents": [
            {"sha256": digest, "first_issued_at": at.isoformat()} for digest, at in v.documents
        ],
        "document_issued": v.document_issued,
    }

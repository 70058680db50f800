"""网店结算: an online shop's settlement files uploaded, each month booked as a voucher draft, and
the settlement account's months reconciled with the platform's closing balance.

One POST imports a file; a refusal (a row wrong, the same file again) is shown on the page in
plain words with each row and column named, a done import is a flash message."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.errors import DomainError, Forbidden, field_error
from coopledger.domain.imports import ImportRejected
from coopledger.domain.roles import Action
from coopledger.domain.shop import DEFAULT_PLATFORM, MAX_PLATFORM, MAX_SETTLEMENT_BYTES
from coopledger.services import orgs as org_svc
from coopledger.services import shop as svc
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, error_text, login_required, signed_in


def _(text: str, **values: Any) -> str:
    """The text in the page's language, ``values`` put into it."""
    return str(gettext(text, **values))


@bp.route("/orgs/<org>/shop-settlements", methods=["GET", "POST"])
@login_required
def shop_settlements(org: str) -> Any:
    """GET: the settlement files and the months reconciled; POST: import a file."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    errors: list[str] = []
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if not who.may(Action.MANAGE_REGISTERS):
            raise Forbidden("the role may not do this")
        try:
            done = _import(org)
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden"):
                raise
            errors.append(error_text(exc))
            problems = _problems(exc)
            status = 409 if exc.kind == "conflict" else 422
        else:
            flash(done, "ok")
            return redirect(url_for("pages.shop_settlements", org=org))
    view = svc.shop_view(uow(), who, org)
    return render_template(
        "pages/shop_settlements.html",
        org=the_org,
        view=view,
        errors=errors,
        problems=problems,
        platform=(request.form.get("platform") or DEFAULT_PLATFORM)[:MAX_PLATFORM],
        may_import=who.may(Action.MANAGE_REGISTERS),
    ), status


def _problems(exc: DomainError) -> list[str]:
    """Where each problem of a refused file lies, in the page's language."""
    if not isinstance(exc, ImportRejected):
        return []
    return [
        _("文件：%(column)s", column=p.column or "-")
        if p.row == 0
        else _("第 %(row)s 行，%(column)s 列", row=p.row, column=p.column or "-")
        for p in exc.problems
    ]


def _import(org: str) -> str:
    upload = request.files.get("file")
    data = upload.read(MAX_SETTLEMENT_BYTES + 1) if upload is not None else b""
    if upload is None or not data or len(data) > MAX_SETTLEMENT_BYTES:
        raise field_error("file", "choose the settlement file, at most 2 MB")
    name = upload.filename or ""
    file = svc.SettlementFile(read_table(data, name), name, hashlib.sha256(data).hexdigest())
    form = {k: (request.form.get(k) or "").strip()[:12] or None for k in ("account", "bank")}
    done = svc.import_settlement(
        uow(),
        signed_in(),
        org,
        file,
        platform=(request.form.get("platform") or "").strip()[:MAX_PLATFORM] or DEFAULT_PLATFORM,
        accounts=svc.Accounts(settlement=form["account"], bank=form["bank"]),
    )
    return _(
        "已导入 %(n)s 行结算明细，生成 %(v)s 张凭证草稿，待审核记账。",
        n=done.record.lines,
        v=len(done.vouchers),
    )

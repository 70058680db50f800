"""The bank reconciliation page: a month's statement uploaded, the suggested matches accepted or
undone, lines paired by hand, the 未达账项 both ways and the 银行存款余额调节表 (its PDF with
``?format=pdf``).

One POST per step (``import``, ``accept_all``, ``match``, ``unmatch``); a refusal is shown on
the page in plain words, a done step is a flash message. Pairing ticked lines by hand and undoing
a match are confirmed first: the page shows what would be done, and the same form posted again
with ``confirmed`` does it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.bank import MAX_STATEMENT_BYTES, parse_signed
from coopledger.domain.errors import DomainError, Forbidden, NotFound, field_error
from coopledger.domain.imports import ImportRejected
from coopledger.domain.money import AmountError, format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action
from coopledger.services import bank as svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.services.print_contexts import bank_reconciliation_print_context
from coopledger.web.api.common import uow
from coopledger.web.api.pdf import pdf_response
from coopledger.web.pages.common import bp, error_text, login_required, signed_in


def _(text: str, **values: Any) -> str:
    """The text in the page's language, ``values`` put into it."""
    return str(gettext(text, **values))


def _month(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        return Period.of(utcnow().date()).previous()


def _problems(exc: DomainError) -> list[str]:
    """Where each problem of a refused file lies, in the page's language."""
    if not isinstance(exc, ImportRejected):
        return []
    out = []
    for p in exc.problems:
        if p.row == 0:
            out.append(_("文件：%(column)s", column=p.column or "-"))
        else:
            out.append(_("第 %(row)s 行，%(column)s 列", row=p.row, column=p.column or "-"))
    return out


@bp.route("/orgs/<org>/bank", methods=["GET", "POST"])
@login_required
def bank(org: str) -> Any:
    """GET ?account=&month=: the month's reconciliation; POST: one step of it."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    source = request.form if request.method == "POST" else request.args
    account = (source.get("account") or "").strip()[:12] or "102"
    month = _month((source.get("month") or "").strip()[:7])
    errors: list[str] = []
    problems: list[str] = []
    confirm: dict[str, Any] | None = None
    ticked: dict[str, list[str]] = {"line": [], "voucher_line": []}
    status = 200
    if request.method == "POST":
        if not who.may(Action.MANAGE_REGISTERS):
            raise Forbidden("the role may not do this")
        ticked = {name: request.form.getlist(name)[:400] for name in ticked}
        try:
            done = _step(org, account, month)
        except DomainError as exc:
            if exc.kind in ("not_found", "forbidden"):
                raise
            errors.append(error_text(exc))
            problems = _problems(exc)
            status = 409 if exc.kind == "conflict" else 422
        else:
            if isinstance(done, dict):
                confirm = done
            else:
                flash(done, "ok")
                return redirect(url_for("pages.bank", org=org, account=account, month=str(month)))
    found = None
    try:
        found = svc.bank_month(uow(), who, org, account, month)
    except NotFound:
        if request.args.get("format") == "pdf":
            raise
    except DomainError as exc:
        if exc.kind == "forbidden":
            raise
        errors.append(error_text(exc))
        status = status if status != 200 else 422
    if found is not None and request.args.get("format") == "pdf":
        return pdf_response(
            "bank_reconciliation.html",
            bank_reconciliation_print_context(found),
            ["bank-reconciliation", org, account, str(month)],
            locale=str(request.args.get("lang") or "zh")[:2],
        )
    return render_template(
        "pages/bank.html",
        org=the_org,
        account=account,
        month=str(month),
        found=found,
        errors=errors,
        problems=problems,
        may_reconcile=who.may(Action.MANAGE_REGISTERS),
        confirm=confirm,
        ticked=ticked,
    ), status


def _step(org: str, account: str, month: Period) -> str | dict[str, Any]:
    """Do the posted step; the flash message saying what was done, or — for a pairing or an
    undoing not yet confirmed — what the page asks to confirm."""
    who = signed_in()
    step = request.form.get("step", "")
    if step == "import":
        upload = request.files.get("file")
        data = upload.read(MAX_STATEMENT_BYTES + 1) if upload is not None else b""
        if upload is None or not data or len(data) > MAX_STATEMENT_BYTES:
            raise field_error("file", "choose the statement's file, at most 2 MB")
        name = upload.filename or ""
        text = (request.form.get("opening_balance") or "").strip()
        try:
            opening = parse_signed(text) if text else None
        except AmountError as exc:
            raise field_error("opening_balance", str(exc)) from exc
        file = svc.StatementFile(read_table(data, name), name, hashlib.sha256(data).hexdigest())
        record = svc.import_statement(uow(), who, org, account, month, file, opening)
        return _("已导入 %(n)s 行银行对账单。", n=record.lines)
    if step == "accept_all":
        n = svc.accept_suggestions(uow(), who, org, account, month)
        return _("已确认 %(n)s 笔匹配。", n=n)
    confirmed = request.form.get("confirmed") == "1"
    if step == "match":
        lines = [_number(t) for t in request.form.getlist("line")[:400]]
        books = [_number(t) for t in request.form.getlist("voucher_line")[:400]]
        if not confirmed:
            found = svc.preview_pair(uow(), who, org, account, month, lines, books)
            return _confirm_pair(found)
        done = svc.pair_lines(uow(), who, org, account, month, lines, books)
        return _(
            "已配对：对账单 %(n)s 行与凭证 %(m)s 行，金额 %(amount)s 元。",
            n=len(done.bank),
            m=len(done.book),
            amount=format_amount(done.amount_fen, grouped=True),
        )
    line = _number(request.form.get("line"))
    if step == "unmatch":
        if not confirmed:
            return _confirm_unpair(svc.bank_month(uow(), who, org, account, month), line)
        svc.unmatch(uow(), who, org, account, month, line)
        return _("已取消匹配。")
    raise NotFound(f"no step {step!r}")


def _confirm_pair(found: svc.Pairing) -> dict[str, Any]:
    """What pairing the ticked lines would do, to confirm."""
    return {
        "step": "match",
        "title": _("确认配对"),
        "button": _("确认配对"),
        "summary": _(
            "对账单 %(n)s 行与凭证 %(m)s 行配对，金额 %(amount)s 元：",
            n=len(found.bank),
            m=len(found.book),
            amount=format_amount(found.amount_fen, grouped=True),
        ),
        "bank": found.bank,
        "book": found.book,
        "lists": {
            "line": [str(b.id) for b in found.bank],
            "voucher_line": [str(k.id) for k in found.book],
        },
    }


def _confirm_unpair(month: svc.BankMonth, line: int) -> dict[str, Any]:
    """The match a statement line is in, to confirm undoing it.

    :raise NotFound: the line is in no match of the month's statement."""
    group = next((g for g in month.groups if any(b.id == line for b in g.bank)), None)
    if group is None:
        raise NotFound("no such match")
    return {
        "step": "unmatch",
        "title": _("确认取消配对"),
        "button": _("确认取消配对"),
        "summary": _(
            "取消这组配对：对账单 %(n)s 行与凭证 %(m)s 行，金额 %(amount)s 元；这些行重新列为未达账项。",
            n=len(group.bank),
            m=len(group.book),
            amount=format_amount(group.amount_fen, grouped=True),
        ),
        "bank": group.bank,
        "book": group.book,
        "lists": {"line": [str(line)]},
    }


def _number(text: str | None) -> int:
    if not text or not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound("no such line")
    return int(text)

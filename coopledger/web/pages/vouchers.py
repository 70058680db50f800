"""Vouchers: the list, entry and editing, one voucher and its workflow (review, post, reverse), its print."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin

from coopledger.domain.accounts import Account, Subledger
from coopledger.domain.errors import (
    DomainError,
    Forbidden,
    InvalidState,
    PeriodClosed,
    ValidationFailed,
)
from coopledger.domain.ledger import Dr, Line, Status, Voucher, VoucherDraft, totals
from coopledger.domain.money import AmountError, format_amount, parse_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action
from coopledger.services import orgs as org_svc
from coopledger.services import vouchers as svc
from coopledger.services.clock import utcnow
from coopledger.services.ports import VoucherFilter
from coopledger.services.print_contexts import account_names, voucher_print_context
from coopledger.web.api.common import uow
from coopledger.web.pages.common import (
    bp,
    error_text,
    field_text,
    lang,
    login_required,
    signed_in,
)
from coopledger.web.pages.messages import ERROR_CODES
from coopledger.web.responses import inline_pdf

PAGE = 50


MIN_ROWS = 4


MAX_ROWS = 500


GROUPED_RE = re.compile(r"[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]*)?", re.ASCII)


def parse_typed_amount(text: str) -> int:
    """An amount as a person types it into a form, in fen: what :func:`parse_amount` reads, or
    the same with its thousands separated by commas, each in its place (``8,000.00``; the
    full-width ``，`` of a Chinese keyboard too). The API keeps refusing separators: a program
    sends plain decimals.

    :raise AmountError: as parse_amount; a comma out of place (``80,00``) is not a separator.
    """
    text = text.strip()
    if GROUPED_RE.fullmatch(text):
        text = text.replace(",", "").replace("，", "")
    return parse_amount(text)


@cache
def initials(name: str) -> str:
    """The pinyin initials of an account's name, as accountants type them to find it:
    管理费用 → ``glfy``, 银行存款 → ``yhck`` (phrases read as words, so 行 in 银行 is h). Cached by
    name: a chart's names are computed once per process, a sub-account's the first time it shows.
    """
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(c for c in "".join(letters).lower() if c.isascii() and c.isalnum())


def resolve_account(text: str, accounts: Sequence[Account]) -> str:
    """The code an account field means: a code as typed (``522``, or ``522 管理费用`` as the picker
    fills it), else the one account whose name (Chinese or English) or pinyin initials
    (``glfy``) is exactly what was typed. Anything else is returned as its first word, for the
    service to refuse by name."""
    text = " ".join(text.split())
    first = _first_word(text)
    codes = {a.code for a in accounts}
    if first in codes:
        return first
    wanted = text.casefold()
    found = {
        a.code
        for a in accounts
        if wanted in (a.name_zh.casefold(), (a.name_en or "").casefold(), initials(a.name_zh))
    }
    return found.pop() if len(found) == 1 else first


def number_of(voucher: Voucher) -> str:
    if voucher.number is None:
        return ""
    return voucher_number(Period.of(voucher.booked_on), voucher.number)


def total_of(voucher: Voucher) -> int:
    return totals(voucher.lines)[0]


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and two either side of ``page``,
    None where numbers are left out."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def accounts_of(voucher: Voucher) -> list[str]:
    """The codes of the accounts a voucher's lines touch, each once, in the lines' order."""
    return list(dict.fromkeys(line.account for line in voucher.lines))


@bp.route("/orgs/<org>/vouchers")
@login_required
def vouchers(org: str) -> Any:
    """The vouchers matching the filters, a page of ``PAGE`` at a time (``?page=N``), with how
    many match and their total, both counted by the database."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    status = request.args.get("status") or None
    if status not in (None, "draft", "reviewed", "posted"):
        status = None
    month = request.args.get("month") or ""
    text = (request.args.get("q") or "").strip()[:100]
    wanted = request.args.get("page", "")
    page = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 9 else 1
    year = mon = None
    error = None
    if month:
        try:
            period = Period.parse(month)
            year, mon = period.year, period.month
        except ValueError:
            error = field_text("must be a month written YYYY-MM")
    flt = VoucherFilter(status=status, year=year, month=mon, text=text or None)
    found = svc.voucher_page(uow(), who, org, flt, page, PAGE)
    names = account_names(org_svc.list_accounts(uow(), who, org), lang())
    filters: dict[str, Any] = {"status": status, "month": month or None, "q": text or None}
    return render_template(
        "pages/vouchers.html",
        org=the_org,
        vouchers=found.vouchers,
        found=found,
        numbers=page_numbers(found.page, found.pages),
        page_url=lambda n: url_for("pages.vouchers", org=org, **filters, page=n),
        account_names=names,
        status=status or "",
        month=month,
        q=text,
        error=error,
        number_of=number_of,
        total_of=total_of,
        accounts_of=accounts_of,
    )


@dataclass
class FormLine:
    account: str = ""
    member: str = ""
    fund: str = ""
    debit: str = ""
    credit: str = ""
    memo: str = ""

    @property
    def blank(self) -> bool:
        return not any((self.account, self.member, self.fund, self.debit, self.credit, self.memo))


@dataclass
class VoucherForm:
    date: str = ""
    memo: str = ""
    attachments: str = "0"
    lines: list[FormLine] = field(default_factory=list)
    fingerprint: str = ""

    def padded(self) -> list[FormLine]:
        rows = list(self.lines)
        while len(rows) < MIN_ROWS:
            rows.append(FormLine())
        return rows


def _first_word(text: str) -> str:
    return text.strip().split(" ")[0] if text.strip() else ""


def form_from_request() -> VoucherForm:
    f = request.form
    lines = []
    for i in range(MAX_ROWS):
        if f"lines-{i}-account" not in f and f"lines-{i}-debit" not in f:
            break
        lines.append(
            FormLine(
                account=f.get(f"lines-{i}-account", "").strip()[:60],
                member=_first_word(f.get(f"lines-{i}-member", ""))[:20],
                fund=_first_word(f.get(f"lines-{i}-fund", ""))[:40],
                debit=f.get(f"lines-{i}-debit", "").strip()[:20],
                credit=f.get(f"lines-{i}-credit", "").strip()[:20],
                memo=f.get(f"lines-{i}-memo", "").strip()[:200],
            )
        )
    return VoucherForm(
        date=f.get("date", "").strip()[:10],
        memo=f.get("memo", "").strip()[:200],
        attachments=f.get("attachments", "0").strip()[:4] or "0",
        lines=lines,
        fingerprint=f.get("fingerprint", ""),
    )


def form_from_voucher(voucher: Voucher) -> VoucherForm:
    return VoucherForm(
        date=voucher.booked_on.isoformat(),
        memo=voucher.memo,
        attachments=str(voucher.attachments),
        lines=[
            FormLine(
                account=ln.account,
                member=ln.member or "",
                fund=ln.fund or "",
                debit=format_amount(ln.amount_fen) if ln.side is Dr.DEBIT else "",
                credit=format_amount(ln.amount_fen) if ln.side is Dr.CREDIT else "",
                memo=ln.memo,
            )
            for ln in voucher.lines
        ],
        fingerprint=fingerprint(voucher),
    )


def fingerprint(voucher: Voucher) -> str:
    """What the edit form saw: any change to the voucher meanwhile changes it."""
    text = repr(
        (voucher.status.value, voucher.booked_on, voucher.memo, voucher.attachments, voucher.lines)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def draft_of(form: VoucherForm) -> tuple[VoucherDraft | None, dict[str, list[str]], list[int]]:
    """The draft the form describes, or the errors keyed by the form's own row numbers."""
    errors: dict[str, list[str]] = {}
    booked_on = None
    try:
        booked_on = date.fromisoformat(form.date)
    except ValueError:
        errors["date"] = [field_text("not a valid date")]
    attachments = 0
    digits = form.attachments.lstrip("0") or "0"
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 4):
        errors["attachments"] = [str(ERROR_CODES.get("attachments", "0–9999"))]
    else:
        attachments = int(digits)
    lines: list[Line] = []
    rows: list[int] = []
    for i, fl in enumerate(form.lines):
        if fl.blank:
            continue
        if not fl.account:
            errors[f"lines.{i}.account"] = [field_text("unknown account ''")]
        amounts: dict[str, int] = {}
        for side in ("debit", "credit"):
            text = getattr(fl, side)
            if text:
                try:
                    amounts[side] = parse_typed_amount(text)
                except AmountError as exc:
                    errors[f"lines.{i}.{side}"] = [field_text(str(exc))]
        if fl.debit and fl.credit:
            errors[f"lines.{i}.credit"] = [field_text("either a debit or a credit")]
        elif not fl.debit and not fl.credit:
            errors[f"lines.{i}.debit"] = [field_text("needs a debit or a credit")]
        if any(k.startswith(f"lines.{i}.") for k in errors):
            continue
        side = Dr.DEBIT if fl.debit else Dr.CREDIT
        lines.append(
            Line(
                account=fl.account,
                side=side,
                amount_fen=amounts["debit" if side is Dr.DEBIT else "credit"],
                member=fl.member or None,
                fund=fl.fund or None,
                memo=fl.memo,
            )
        )
        rows.append(i)
    if errors or booked_on is None:
        return None, errors, rows
    return VoucherDraft(booked_on, form.memo, tuple(lines), attachments), errors, rows


def remap(error: DomainError, rows: list[int]) -> dict[str, list[str]]:
    """The service's ``lines.<i>.field`` (i counts non-blank lines) as the form's row numbers."""
    out: dict[str, list[str]] = {}
    for key, messages in error.errors.items():
        match = re.fullmatch(r"lines\.(\d+)\.(\w+)", key)
        if match and int(match[1]) < len(rows):
            key = f"lines.{rows[int(match[1])]}.{match[2]}"
        out.setdefault(key, []).extend(field_text(m) for m in messages)
    return out


CLOSED_MONTH = _l("%(month)s 已结账，不能再记入凭证；请改用未结账月份的日期。")
UNBALANCED_LINE = _l("借贷不平衡，差额 %(d)s：可能是第 %(row)s 行记反了方向（借贷各 %(x)s）。")
UNBALANCED_ROW = _l(
    "借贷不平衡，差额 %(d)s：与第 %(row)s 行的金额相同，可能缺少对应的一行或此行多记。"
)


def postable_accounts(org: str) -> list[Account]:
    return [a for a in org_svc.list_accounts(uow(), signed_in(), org) if a.postable]


def resolved(form: VoucherForm, accounts: Sequence[Account]) -> VoucherForm:
    """The form with each account field read as the code it means (see resolve_account)."""
    for line in form.lines:
        if line.account:
            line.account = resolve_account(line.account, accounts)[:60]
    return form


def unbalanced_hint(form: VoucherForm) -> str | None:
    """Which line makes the debits and credits differ, where one line can: a line whose amount
    is half the difference is likely on the wrong side; one whose amount is the difference is
    likely one-sided. None when no single line explains it."""
    amounts: list[tuple[int, int]] = []  # (row, signed fen: debit > 0)
    for i, fl in enumerate(form.lines):
        for side, sign in (("debit", 1), ("credit", -1)):
            text = getattr(fl, side)
            if text:
                try:
                    amounts.append((i, sign * parse_typed_amount(text)))
                except AmountError:
                    return None
    d = sum(a for _, a in amounts)
    if d == 0:
        return None
    shown = format_amount(abs(d), grouped=True)
    wrong_side = [i for i, a in amounts if 2 * a == d]
    if len(wrong_side) == 1:
        row, x = wrong_side[0] + 1, format_amount(abs(d) // 2, grouped=True)
        return str(UNBALANCED_LINE % {"d": shown, "row": row, "x": x})
    same = [i for i, a in amounts if a == d]
    if len(same) == 1:
        return str(UNBALANCED_ROW % {"d": shown, "row": same[0] + 1})
    return None


def refused(
    exc: DomainError, form: VoucherForm, rows: list[int]
) -> tuple[dict[str, list[str]], str]:
    """The service's refusal as the form shows it: field errors in place, a closed month at the
    date field, an unbalanced voucher naming the line that likely causes it."""
    if isinstance(exc, PeriodClosed):
        month = form.date[:7]
        text = str(CLOSED_MONTH % {"month": month})
        return {"date": [text]}, text
    errors = remap(exc, rows)
    message = error_text(exc)
    if exc.code == "unbalanced":
        hint = unbalanced_hint(form)
        if hint is not None:
            message = hint
    return errors, message


def _entry_page(org: str, form: VoucherForm, errors: dict[str, list[str]], **kw: Any) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    accounts = postable_accounts(org)
    members = org_svc.list_members(uow(), who, org, 2000, 0)
    funds = org_svc.list_funds(uow(), who, org)
    return render_template(
        "pages/voucher_form.html",
        org=the_org,
        form=form,
        rows=form.padded(),
        errors=errors,
        accounts=accounts,
        initials=initials,
        members=members,
        funds=funds,
        MEMBER=Subledger.MEMBER,
        FUND=Subledger.FUND,
        **kw,
    )


@bp.route("/orgs/<org>/vouchers/new", methods=["GET", "POST"])
@login_required
def new_voucher(org: str) -> Any:
    who = signed_in()
    if request.method == "GET":
        org_svc.get_org(uow(), who, org)
        if not who.may(Action.PREPARE):
            abort_forbidden()
        return _entry_page(org, VoucherForm(date=utcnow().date().isoformat()), {})
    form = resolved(form_from_request(), postable_accounts(org))
    draft, errors, rows = draft_of(form)
    message = None
    if draft is not None:
        try:
            voucher, _ = svc.create_voucher(uow(), who, org, draft)
        except (ValidationFailed, PeriodClosed) as exc:
            errors, message = refused(exc, form, rows)
        else:
            flash(str(ERROR_CODES["saved"]), "ok")
            return redirect(url_for("pages.voucher", org=org, voucher_id=voucher.id))
    return _entry_page(org, form, errors, message=message), 422


@bp.route("/orgs/<org>/vouchers/<int:voucher_id>/edit", methods=["GET", "POST"])
@login_required
def edit_voucher(org: str, voucher_id: int) -> Any:
    who = signed_in()
    current = svc.get_voucher(uow(), who, org, voucher_id)
    if not who.may(Action.PREPARE):
        abort_forbidden()
    if request.method == "GET":
        if current.status is not Status.DRAFT:
            flash(str(ERROR_CODES["stale"]), "error")
            return redirect(url_for("pages.voucher", org=org, voucher_id=voucher_id))
        return _entry_page(org, form_from_voucher(current), {}, voucher=current)
    form = resolved(form_from_request(), postable_accounts(org))
    if form.fingerprint != fingerprint(current):
        return _entry_page(
            org, form, {}, voucher=current, message=str(ERROR_CODES["stale"]), stale=True
        ), 409
    draft, errors, rows = draft_of(form)
    message = None
    if draft is not None:
        try:
            svc.update_voucher(uow(), who, org, voucher_id, draft)
        except (ValidationFailed, PeriodClosed) as exc:
            errors, message = refused(exc, form, rows)
        except InvalidState:
            return _entry_page(
                org, form, {}, voucher=current, message=str(ERROR_CODES["stale"]), stale=True
            ), 409
        else:
            flash(str(ERROR_CODES["saved"]), "ok")
            return redirect(url_for("pages.voucher", org=org, voucher_id=voucher_id))
    return _entry_page(org, form, errors, voucher=current, message=message), 422


def abort_forbidden() -> None:
    raise Forbidden("the role may not do this")


@bp.route("/orgs/<org>/vouchers/<int:voucher_id>")
@login_required
def voucher(org: str, voucher_id: int) -> Any:
    who = signed_in()
    v = svc.get_voucher(uow(), who, org, voucher_id)
    the_org = org_svc.get_org(uow(), who, org)
    names = {a.code: a for a in org_svc.list_accounts(uow(), who, org)}
    debit, credit = totals(v.lines)
    return render_template(
        "pages/voucher.html",
        org=the_org,
        v=v,
        number=number_of(v),
        accounts=names,
        debit=debit,
        credit=credit,
        today=utcnow().date().isoformat(),
        fingerprint=fingerprint(v),
        Dr=Dr,
    )


@bp.route(
    "/orgs/<org>/vouchers/<int:voucher_id>/<any(review,unreview,post,reverse,delete):step>",
    methods=["POST"],
)
@login_required
def voucher_step(org: str, voucher_id: int, step: str) -> Any:
    who = signed_in()
    current = svc.get_voucher(uow(), who, org, voucher_id)
    target = url_for("pages.voucher", org=org, voucher_id=voucher_id)
    if request.form.get("fingerprint") != fingerprint(current):
        flash(str(ERROR_CODES["stale"]), "error")
        return redirect(target)
    try:
        if step == "review":
            svc.review_voucher(uow(), who, org, voucher_id)
        elif step == "unreview":
            svc.unreview_voucher(uow(), who, org, voucher_id)
        elif step == "post":
            svc.post_voucher(uow(), who, org, voucher_id)
        elif step == "delete":
            svc.delete_voucher(uow(), who, org, voucher_id)
            flash(str(ERROR_CODES["deleted"]), "ok")
            return redirect(url_for("pages.vouchers", org=org))
        else:
            try:
                on = date.fromisoformat(request.form.get("date", ""))
            except ValueError:
                flash(field_text("not a valid date"), "error")
                return redirect(target)
            memo = request.form.get("memo", "").strip()[:200] or None
            reversal = svc.reverse_voucher(uow(), who, org, voucher_id, on, memo)
            flash(str(ERROR_CODES["reversed"]), "ok")
            return redirect(url_for("pages.voucher", org=org, voucher_id=reversal.id))
    except DomainError as exc:
        if exc.kind in ("not_found",):
            raise
        flash(error_text(exc), "error")
        return redirect(target)
    flash(str(ERROR_CODES[step]), "ok")
    return redirect(target)


@bp.route("/orgs/<org>/vouchers/<int:voucher_id>.pdf")
@login_required
def voucher_pdf(org: str, voucher_id: int) -> Response:
    from coopledger.adapters.pdf import render_pdf_isolated

    found = svc.voucher_print(uow(), signed_in(), org, voucher_id)
    context = voucher_print_context(
        found.voucher,
        found.org,
        account_names(found.accounts, lang()),
        signers=found.signers,
        reverses_number=found.reverses_number,
    )
    return inline_pdf(
        render_pdf_isolated("pdf/voucher.html", context, locale=lang()),
        f"voucher-{org}-{voucher_id}",
    )

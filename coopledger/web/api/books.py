"""Periods, year-end close, reports (trial balance, ledger) and the audit chain of one organization.

A report's PDF (``format=pdf``) is Chinese unless ``lang=en`` asks for English: the labels are
translated, the accounts' names are the chart's English ones; the statutory statements' titles,
columns and lines (``reports/*.toml``) have no English and stay Chinese."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from coopledger.domain.equity import EquityRow
from coopledger.domain.errors import field_error
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.reporting import TrialBalance, TrialBalanceRow, direction
from coopledger.services import audit, periods, reports
from coopledger.services import financial_statements as fs
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.services.ports import Org, PeriodState
from coopledger.services.reports import Ledger
from coopledger.translations import N_, gettext_for, localized_name
from coopledger.web.api.common import Blueprint, DrawnFromOut, LangArgs, actor, drawn_from, uow
from coopledger.web.api.fields import Day, Year

blp = Blueprint(
    "books",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Periods, year-end close, reports and the audit chain.",
)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise field_error("period", str(exc)) from exc


class PeriodOut(ma.Schema):
    period = ma.fields.String()
    status = ma.fields.String()
    vouchers_posted = ma.fields.Integer()
    closed_at = ma.fields.String(allow_none=True)


class PeriodList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PeriodOut))
    next_cursor = ma.fields.String(allow_none=True)


class YearCloseOut(ma.Schema):
    year = ma.fields.Integer()
    surplus = ma.fields.String()
    closing_voucher = ma.fields.Integer(allow_none=True)


def present_period(state: PeriodState) -> dict[str, Any]:
    return {
        "period": f"{state.year:04d}-{state.month:02d}",
        "status": state.status,
        "vouchers_posted": state.last_number,
        "closed_at": state.closed_at.isoformat() if state.closed_at else None,
    }


@blp.route("/periods")
@blp.response(200, PeriodList)
def list_periods(org: str) -> dict[str, Any]:
    """Months that have been posted into or closed."""
    return {
        "items": [present_period(p) for p in periods.list_periods(uow(), actor(), org)],
        "next_cursor": None,
    }


@blp.route("/periods/<period>/close", methods=["POST"])
@blp.response(200, PeriodOut)
def close_period(org: str, period: str) -> dict[str, Any]:
    """Close a month (every voucher in it posted, earlier months closed)."""
    return present_period(periods.close_period(uow(), actor(), org, _period(period)))


@blp.route("/periods/<period>/reopen", methods=["POST"])
@blp.response(200, PeriodOut)
def reopen_period(org: str, period: str) -> dict[str, Any]:
    """Reopen a closed month (admin only; logged)."""
    return present_period(periods.reopen_period(uow(), actor(), org, _period(period)))


@blp.route("/years/<int:year>/close", methods=["POST"])
@blp.response(200, YearCloseOut)
def close_year(org: str, year: int) -> dict[str, Any]:
    """Year-end close: carry income and expense into 本年盈余, close every month of the year."""
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    result = periods.close_year(uow(), actor(), org, year)
    return {
        "year": result.year,
        "surplus": format_amount(result.surplus_fen),
        "closing_voucher": result.closing_voucher_id,
    }


class RangeArgs(ma.Schema):
    from_ = Day(data_key="from", load_default=None)
    to = Day(load_default=None)


class ReportArgs(RangeArgs, LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf"]),
        metadata={"description": "``json`` (the default) or ``pdf`` for the printable report."},
    )


def _pdf_doc(description: str) -> dict[int, Any]:
    """The OpenAPI ``responses`` entry for a report that also comes as PDF (``format=pdf``).

    Keyed by the int 200, as ``@blp.response(200, ...)`` keys its JSON entry: the two then merge
    into one response with both content types (a ``"200"`` key would replace the JSON one).
    """
    return {
        200: {
            "description": description,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def _pdf_response(
    template: str,
    context: dict[str, Any],
    name_parts: list[str],
    figures: dict[str, Any] | None = None,
    locale: str = "zh",
) -> Response:
    """Render ``templates/pdf/<template>`` in ``locale`` and send it inline as ``<name_parts
    joined by ->.pdf``.

    ``figures`` (the report's JSON) makes it an archival PDF/A-3b carrying them as figures.json:
    the annual statements are kept for the retention periods of 会计档案管理办法.
    """
    # Imported here: WeasyPrint loads Pango when imported, and only PDFs need it.
    from coopledger.adapters.pdf import render_pdf_isolated

    pdf = render_pdf_isolated(f"pdf/{template}", context, figures=figures, locale=locale)
    filename = "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", part) for part in name_parts) + ".pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _org_context(org: Org) -> dict[str, str]:
    return {"code": org.code, "name": org.name}


class TrialBalanceRowOut(ma.Schema):
    account = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()
    level = ma.fields.Integer()
    opening_debit = ma.fields.String()
    opening_credit = ma.fields.String()
    debit = ma.fields.String()
    credit = ma.fields.String()
    closing_debit = ma.fields.String()
    closing_credit = ma.fields.String()


class TrialBalanceOut(ma.Schema):
    org = ma.fields.String()
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(TrialBalanceRowOut))
    totals = ma.fields.Nested(TrialBalanceRowOut)
    balanced = ma.fields.Boolean()
    drawn_from = ma.fields.Nested(DrawnFromOut)


def _range(args: dict[str, Any]) -> tuple[date, date]:
    end = args["to"] or utcnow().date()
    start = args["from_"] or date(end.year, 1, 1)
    return start, end


def _tb_row(row: TrialBalanceRow) -> dict[str, Any]:
    return {
        "account": row.account,
        "name": row.name_zh,
        "name_en": row.name_en,
        "level": row.level,
        "opening_debit": format_amount(row.opening_debit),
        "opening_credit": format_amount(row.opening_credit),
        "debit": format_amount(row.debit),
        "credit": format_amount(row.credit),
        "closing_debit": format_amount(row.closing_debit),
        "closing_credit": format_amount(row.closing_credit),
    }


def _tb_print_row(row: TrialBalanceRow, locale: str) -> dict[str, Any]:
    return {
        "account": row.account,
        "name": localized_name(row.name_zh, row.name_en, locale),
        "level": row.level,
        "indent_em": max(row.level - 1, 0) * 1.5,
        "opening_debit_fen": row.opening_debit,
        "opening_credit_fen": row.opening_credit,
        "debit_fen": row.debit,
        "credit_fen": row.credit,
        "closing_debit_fen": row.closing_debit,
        "closing_credit_fen": row.closing_credit,
    }


def trial_balance_print_context(
    tb: TrialBalance, org: Org, start: date, end: date, locale: str = "zh"
) -> dict[str, Any]:
    """What ``templates/pdf/trial_balance.html`` shows: amounts in fen, indents computed here,
    the accounts' names in ``locale``."""
    return {
        "org": _org_context(org),
        "drawn": drawn_from(org),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "rows": [_tb_print_row(r, locale) for r in tb.rows],
        "totals": _tb_print_row(tb.totals, locale),
        "balanced": tb.ties,
    }


@blp.route("/reports/trial-balance")
@blp.doc(responses=_pdf_doc("科目余额表 as JSON, or as PDF (A4 landscape) with ``format=pdf``."))
@blp.arguments(ReportArgs, location="query")
@blp.response(200, TrialBalanceOut)
def trial_balance(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """科目余额表: opening, debit and credit turnover, closing per account; totals that tie.

    ``format=pdf`` returns the same report as a printable PDF.
    """
    start, end = _range(args)
    report = reports.trial_balance_of(uow(), actor(), org, start, end)
    tb = report.tb
    if args["format"] == "pdf":
        context = trial_balance_print_context(tb, report.org, start, end, args["lang"])
        return _pdf_response(
            "trial_balance.html",
            context,
            ["trial-balance", org, start.isoformat(), end.isoformat()],
            locale=args["lang"],
        )
    return {
        "org": org,
        "from_": start.isoformat(),
        "to": end.isoformat(),
        "rows": [_tb_row(r) for r in tb.rows],
        "totals": _tb_row(tb.totals),
        "balanced": tb.ties,
        "drawn_from": drawn_from(report.org),
    }


class FormatArgs(LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf"]),
        metadata={"description": "``json`` (the default) or ``pdf`` for the printable report."},
    )


class BalanceSheetArgs(FormatArgs):
    as_of = Day(load_default=None, metadata={"description": "Default: today."})


# the period a statement of a year prints (a msgid: the PDF's language)
YEAR = N_("%(year)s年度")


class SurplusArgs(FormatArgs):
    year = Year(required=True)


class StatementLineOut(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    indent = ma.fields.Integer()
    heading = ma.fields.Boolean()
    total = ma.fields.Boolean()
    current = ma.fields.String(allow_none=True)
    prior = ma.fields.String(allow_none=True)


class StatementOut(ma.Schema):
    org = ma.fields.String()
    form = ma.fields.String()
    title = ma.fields.String()
    columns = ma.fields.List(ma.fields.String())
    as_of = ma.fields.String()
    year = ma.fields.Integer()
    lines = ma.fields.List(ma.fields.Nested(StatementLineOut))
    balanced = ma.fields.Boolean()
    drawn_from = ma.fields.Nested(DrawnFromOut)


def _amount(fen: int | None) -> str | None:
    return None if fen is None else format_amount(fen)


def _statement_json(result: fs.FinancialStatement) -> dict[str, Any]:
    st = result.statement
    out: dict[str, Any] = {
        "org": result.org.code,
        "form": st.definition.form,
        "title": st.definition.title,
        "columns": list(st.definition.columns),
        "lines": [
            {
                "key": ln.key,
                "name": ln.name,
                "indent": ln.indent,
                "heading": ln.heading,
                "total": ln.total,
                "current": _amount(ln.current),
                "prior": _amount(ln.prior),
            }
            for ln in st.lines
        ],
        "balanced": st.balanced,
        "drawn_from": drawn_from(result.org),
    }
    if result.as_of is not None:
        out["as_of"] = result.as_of.isoformat()
    if result.year is not None:
        out["year"] = result.year
    return out


def statement_print_context(result: fs.FinancialStatement, period: str) -> dict[str, Any]:
    """What ``templates/pdf/financial_statement.html`` shows (amounts in fen)."""
    st = result.statement
    return {
        "org": _org_context(result.org),
        "drawn": drawn_from(result.org),
        "form": st.definition.form,
        "title": st.definition.title,
        "columns": list(st.definition.columns),
        "period": period,
        "lines": [
            {
                "name": ln.name,
                "indent_em": ln.indent * 1.5,
                "heading": ln.heading,
                "total": ln.total,
                "current_fen": ln.current,
                "prior_fen": ln.prior,
            }
            for ln in st.lines
        ],
        "balanced": st.balanced,
    }


@blp.route("/reports/balance-sheet")
@blp.doc(responses=_pdf_doc("资产负债表 as JSON, or as PDF (A4 portrait) with ``format=pdf``."))
@blp.arguments(BalanceSheetArgs, location="query")
@blp.response(200, StatementOut)
def balance_sheet(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """资产负债表 at ``as_of`` (default today): 期末余额 and 年初余额 per line.

    Two-sided accounts are never netted: debit balances under 应收款项, credit balances under
    应付款项 (per member for 成员往来 / 内部往来). ``format=pdf`` returns the printable form.
    """
    as_of = args["as_of"] or utcnow().date()
    result = fs.balance_sheet(uow(), actor(), org, as_of)
    body = _statement_json(result)
    if args["format"] == "pdf":
        context = statement_print_context(result, f"{as_of.isoformat()}")
        return _pdf_response(
            "financial_statement.html",
            context,
            ["balance-sheet", org, as_of.isoformat()],
            body,
            locale=args["lang"],
        )
    return body


@blp.route("/reports/surplus")
@blp.doc(
    responses=_pdf_doc("盈余及盈余分配表 as JSON, or as PDF (A4 portrait) with ``format=pdf``.")
)
@blp.arguments(SurplusArgs, location="query")
@blp.response(200, StatementOut)
def surplus(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """盈余及盈余分配表 (village: 收益及收益分配表) of ``year``: 本年金额 and 上年金额.

    ``format=pdf`` returns the printable form.
    """
    year = args["year"]
    result = fs.surplus_statement(uow(), actor(), org, year)
    body = _statement_json(result)
    if args["format"] == "pdf":
        period = gettext_for(args["lang"])(YEAR) % {"year": year}
        context = statement_print_context(result, period)
        return _pdf_response(
            "financial_statement.html",
            context,
            ["surplus", org, str(year)],
            body,
            locale=args["lang"],
        )
    return body


class EquityCellOut(ma.Schema):
    amount = ma.fields.String()
    vouchers = ma.fields.List(ma.fields.String())


class EquityRowOut(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String(
        metadata={"description": "opening, heading (a section total), increase, decrease, closing"}
    )
    cells = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(EquityCellOut))
    total = ma.fields.String()


class EquityColumnOut(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    ledger_closing = ma.fields.String()


class MembersEquityOut(ma.Schema):
    org = ma.fields.String()
    form = ma.fields.String()
    title = ma.fields.String()
    year = ma.fields.Integer()
    columns = ma.fields.List(ma.fields.Nested(EquityColumnOut))
    rows = ma.fields.List(ma.fields.Nested(EquityRowOut))
    ties = ma.fields.Boolean(metadata={"description": "年末余额 equals the ledger, every column."})
    drawn_from = ma.fields.Nested(DrawnFromOut)


def _equity_cells(row: EquityRow, columns: list[str]) -> list[int | None]:
    """Fen per column in column order; an item row leaves a column without movement blank."""
    if row.kind in ("increase", "decrease"):
        return [row.amounts.get(c) for c in columns]
    return [row.amounts.get(c, 0) for c in columns]


def members_equity_print_context(report: fs.MembersEquityReport) -> dict[str, Any]:
    """What ``templates/pdf/members_equity.html`` shows (fen)."""
    st = report.statement
    columns = [c.key for c in st.definition.columns]
    return {
        "org": _org_context(report.org),
        "drawn": drawn_from(report.org),
        "form": st.definition.form,
        "title": st.definition.title,
        "year": report.year,
        "columns": [{"key": c.key, "name": c.name} for c in st.definition.columns],
        "rows": [
            {
                "name": row.name,
                "kind": row.kind,
                "cells": _equity_cells(row, columns),
                "total_fen": row.total,
            }
            for row in st.rows
        ],
        "ties": st.ties,
    }


@blp.route("/reports/members-equity")
@blp.doc(
    responses=_pdf_doc("成员权益变动表 as JSON, or as PDF (A4 landscape) with ``format=pdf``.")
)
@blp.arguments(SurplusArgs, location="query")
@blp.response(200, MembersEquityOut)
def members_equity(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """成员权益变动表 (会农社03表) of ``year``: 年初余额, the year's increases and decreases by
    source, 年末余额, per column (股金, 专项基金, 资本公积, 盈余公积, 未分配盈余) and in total.

    Each cell lists the vouchers it comes from; ``ties`` says whether 年末余额 equals the ledger.
    Cooperatives only: a village collective's chart has no such form (409).
    """
    year = args["year"]
    report = fs.members_equity(uow(), actor(), org, year)
    st = report.statement
    body = {
        "org": report.org.code,
        "form": st.definition.form,
        "title": st.definition.title,
        "year": report.year,
        "columns": [
            {
                "key": c.key,
                "name": c.name,
                "ledger_closing": format_amount(st.ledger_closing.get(c.key, 0)),
            }
            for c in st.definition.columns
        ],
        "rows": [
            {
                "key": row.key,
                "name": row.name,
                "kind": row.kind,
                "cells": {
                    c: {"amount": format_amount(fen), "vouchers": row.vouchers.get(c, [])}
                    for c, fen in row.amounts.items()
                },
                "total": format_amount(row.total),
            }
            for row in st.rows
        ],
        "ties": st.ties,
        "drawn_from": drawn_from(report.org),
    }
    if args["format"] == "pdf":
        context = members_equity_print_context(report)
        return _pdf_response(
            "members_equity.html",
            context,
            ["members-equity", org, str(year)],
            body,
            locale=args["lang"],
        )
    return body


class LedgerArgs(ReportArgs):
    account = ma.fields.String(required=True)
    member = ma.fields.String(load_default=None)


class LedgerRowOut(ma.Schema):
    voucher = ma.fields.Integer()
    number = ma.fields.String()
    date = ma.fields.String()
    memo = ma.fields.String()
    account = ma.fields.String()
    member = ma.fields.String(allow_none=True)
    debit = ma.fields.String()
    credit = ma.fields.String()
    balance = ma.fields.String()
    direction = ma.fields.String()


class LedgerOut(ma.Schema):
    account = ma.fields.String()
    name = ma.fields.String()
    member = ma.fields.String(allow_none=True)
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String()
    opening = ma.fields.String()
    closing = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(LedgerRowOut))
    drawn_from = ma.fields.Nested(DrawnFromOut)


def ledger_print_context(
    result: Ledger, org: Org, member_name: str | None, locale: str = "zh"
) -> dict[str, Any]:
    """What ``templates/pdf/ledger.html`` shows: balances as amount (never negative) plus 借/贷/平,
    the account's name in ``locale``."""
    account = result.account
    return {
        "org": _org_context(org),
        "drawn": drawn_from(result.org),
        "account": {
            "code": account.code,
            "name": localized_name(account.name_zh, account.name_en, locale),
        },
        "member": (
            {"no": result.member, "name": member_name or ""} if result.member is not None else None
        ),
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "opening_fen": abs(result.opening_net),
        "opening_direction": direction(result.opening_net),
        "closing_fen": abs(result.closing_net),
        "closing_direction": direction(result.closing_net),
        "total_debit_fen": sum(r.entry.debit for r in result.rows),
        "total_credit_fen": sum(r.entry.credit for r in result.rows),
        "rows": [
            {
                "date": r.entry.booked_on,
                "number": r.entry.number,
                "memo": r.entry.memo,
                "account": r.entry.account,
                "member": r.entry.member,
                "debit_fen": r.entry.debit or None,
                "credit_fen": r.entry.credit or None,
                "balance_fen": abs(r.balance_net),
                "direction": direction(r.balance_net),
            }
            for r in result.rows
        ],
    }


@blp.route("/ledger")
@blp.doc(responses=_pdf_doc("The ledger as JSON, or as PDF (A4 portrait) with ``format=pdf``."))
@blp.arguments(LedgerArgs, location="query")
@blp.response(200, LedgerOut)
def ledger(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """Account ledger with running balance (debit minus credit); ``member`` gives its subledger.

    ``format=pdf`` returns the same ledger as a printable PDF.
    """
    start, end = _range(args)
    result = reports.ledger_report(uow(), actor(), org, args["account"], args["member"], start, end)
    if args["format"] == "pdf":
        member_name = (
            org_svc.get_member(uow(), actor(), org, result.member).name
            if result.member is not None
            else None
        )
        context = ledger_print_context(result, result.org, member_name, args["lang"])
        name = ["ledger", org, result.account.code]
        if result.member is not None:
            name += ["member", result.member]
        return _pdf_response(
            "ledger.html", context, [*name, start.isoformat(), end.isoformat()], locale=args["lang"]
        )
    return {
        "account": result.account.code,
        "name": result.account.name_zh,
        "member": result.member,
        "from_": start.isoformat(),
        "to": end.isoformat(),
        "opening": format_amount(result.opening_net),
        "closing": format_amount(result.closing_net),
        "rows": [
            {
                "voucher": r.entry.voucher_id,
                "number": r.entry.number,
                "date": r.entry.booked_on,
                "memo": r.entry.memo,
                "account": r.entry.account,
                "member": r.entry.member,
                "debit": format_amount(r.entry.debit),
                "credit": format_amount(r.entry.credit),
                "balance": format_amount(r.balance_net),
                "direction": direction(r.balance_net),
            }
            for r in result.rows
        ],
        "drawn_from": drawn_from(result.org),
    }


class LogChainOut(ma.Schema):
    events = ma.fields.Integer()
    head = ma.fields.String()
    ok = ma.fields.Boolean()
    first_bad_seq = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class ChainOut(ma.Schema):
    org = ma.fields.String()
    checked = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "``vouchers`` (chain and balances), ``audit_log`` (its chain)"},
    )
    vouchers = ma.fields.Integer()
    head = ma.fields.String()
    ok = ma.fields.Boolean(metadata={"description": "Everything checked is intact."})
    first_bad_voucher = ma.fields.Integer(allow_none=True)
    first_bad_number = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    audit_log = ma.fields.Nested(LogChainOut, allow_none=True)


@blp.route("/audit/chain")
class Chain(MethodView):
    @blp.response(200, ChainOut)
    def get(self, org: str) -> dict[str, Any]:
        """Recompute the vouchers' hash chain and balances and, for a role that reads the audit
        log, the log's chain; ``checked`` says which. Names the first voucher (or event) that no
        longer matches."""
        report = audit.verify_org(uow(), org, actor())
        log = report.audit_log
        return {
            "org": report.org,
            "checked": list(report.checked),
            "audit_log": None
            if log is None
            else {
                "events": log.events,
                "head": log.head,
                "ok": log.ok,
                "first_bad_seq": log.first_bad_seq,
                "reason": log.reason,
            },
            "vouchers": report.vouchers,
            "head": report.head,
            "ok": report.ok,
            "first_bad_voucher": report.first_bad_voucher,
            "first_bad_number": report.first_bad_number,
            "reason": report.reason,
        }

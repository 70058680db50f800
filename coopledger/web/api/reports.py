"""The reports of one organization's books: trial balance, ledger, the statutory statements.

A report's PDF (``format=pdf``) is Chinese unless ``lang=en`` asks for English: the labels are
translated, the accounts' names are the chart's English ones; the statutory statements' titles,
columns and lines (``reports/*.toml``) have no English and stay Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.domain.money import format_amount
from coopledger.domain.reporting import BookLine, TrialBalanceRow, direction
from coopledger.services import financial_statements as fs
from coopledger.services import orgs as org_svc
from coopledger.services import reports
from coopledger.services.clock import utcnow
from coopledger.services.print_contexts import (
    TOTAL_MEMOS,
    balance_sheet_print_context,
    book_title,
    drawn_from,
    financial_statement_print_context,
    ledger_print_context,
    members_equity_print_context,
    trial_balance_print_context,
)
from coopledger.translations import N_, gettext_for
from coopledger.web.api.common import Blueprint, DrawnFromOut, LangArgs, actor, uow
from coopledger.web.api.fields import Day, Year
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Reports: trial balance, ledger, balance sheet, surplus, members' equity.",
)


class RangeArgs(ma.Schema):
    from_ = Day(data_key="from", load_default=None)
    to = Day(load_default=None)


class ReportArgs(RangeArgs, LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf"]),
        metadata={"description": "``json`` (the default) or ``pdf`` for the printable report."},
    )


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


@blp.route("/reports/trial-balance")
@blp.doc(responses=pdf_doc("科目余额表 as JSON, or as PDF (A4 landscape) with ``format=pdf``."))
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
        return pdf_response(
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
    row = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "行次: the line's number on the official form (none on headings)"},
    )
    note = ma.fields.String(
        metadata={"description": "a sentence printed with the line (a line the form has not)"}
    )


class TieOut(ma.Schema):
    line = ma.fields.String(metadata={"description": "the figure both statements show"})
    this = ma.fields.String(metadata={"description": "on this statement, in yuan"})
    balance_sheet = ma.fields.String(metadata={"description": "on the balance sheet, in yuan"})
    holds = ma.fields.Boolean()


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
    ties = ma.fields.List(
        ma.fields.Nested(TieOut),
        metadata={"description": "figures this statement shares with the balance sheet"},
    )


def _amount(fen: int | None) -> str | None:
    return None if fen is None else format_amount(fen)


def statement_json(result: fs.FinancialStatement) -> dict[str, Any]:
    """The statement's JSON answer: also the figures its archival PDF carries (pages too)."""
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
                "row": ln.row,
                **({"note": ln.note} if ln.note else {}),
            }
            for ln in st.lines
        ],
        "balanced": st.balanced,
        "drawn_from": drawn_from(result.org),
    }
    if result.ties:
        out["ties"] = [
            {
                "line": t.line,
                "this": format_amount(t.this_fen),
                "balance_sheet": format_amount(t.other_fen),
                "holds": t.holds,
            }
            for t in result.ties
        ]
    if result.as_of is not None:
        out["as_of"] = result.as_of.isoformat()
    if result.year is not None:
        out["year"] = result.year
    return out


@blp.route("/reports/balance-sheet")
@blp.doc(
    responses=pdf_doc(
        "资产负债表 as JSON, or with ``format=pdf`` as PDF: the two-sided form on A4 landscape."
    )
)
@blp.arguments(BalanceSheetArgs, location="query")
@blp.response(200, StatementOut)
def balance_sheet(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """资产负债表 at ``as_of`` (default today): 期末余额 and 年初余额 per line.

    Two-sided accounts are never netted: debit balances under 应收款项, credit balances under
    应付款项 (per member for 成员往来 / 内部往来). ``format=pdf`` returns the printable form.
    """
    as_of = args["as_of"] or utcnow().date()
    result = fs.balance_sheet(uow(), actor(), org, as_of)
    body = statement_json(result)
    if args["format"] == "pdf":
        return pdf_response(
            "balance_sheet.html",
            balance_sheet_print_context(result),
            ["balance-sheet", org, as_of.isoformat()],
            body,
            locale=args["lang"],
        )
    return body


@blp.route("/reports/surplus")
@blp.doc(
    responses=pdf_doc("盈余及盈余分配表 as JSON, or as PDF (A4 portrait) with ``format=pdf``.")
)
@blp.arguments(SurplusArgs, location="query")
@blp.response(200, StatementOut)
def surplus(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """盈余及盈余分配表 (village: 收益及收益分配表) of ``year``: 本年金额 and 上年金额.

    ``format=pdf`` returns the printable form.
    """
    year = args["year"]
    result = fs.surplus_statement(uow(), actor(), org, year)
    body = statement_json(result)
    if args["format"] == "pdf":
        period = gettext_for(args["lang"])(YEAR) % {"year": year}
        context = financial_statement_print_context(result, period)
        return pdf_response(
            "financial_statement.html",
            context,
            ["surplus", org, str(year)],
            body,
            locale=args["lang"],
        )
    return body


class EquityCellOut(ma.Schema):
    amount = ma.fields.String()
    vouchers = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "The first vouchers the amount comes from, in number order."},
    )
    voucher_count = ma.fields.Integer(
        metadata={"description": "How many vouchers the amount comes from (all of them)."}
    )


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


def members_equity_json(report: fs.MembersEquityReport) -> dict[str, Any]:
    """The 成员权益变动表's JSON answer: also the figures its archival PDF carries (pages too)."""
    st = report.statement
    return {
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
                    c: {
                        "amount": format_amount(fen),
                        "vouchers": row.vouchers.get(c, []),
                        "voucher_count": row.counts.get(c, 0),
                    }
                    for c, fen in row.amounts.items()
                },
                "total": format_amount(row.total),
            }
            for row in st.rows
        ],
        "ties": st.ties,
        "drawn_from": drawn_from(report.org),
    }


@blp.route("/reports/members-equity")
@blp.doc(responses=pdf_doc("成员权益变动表 as JSON, or as PDF (A4 landscape) with ``format=pdf``."))
@blp.arguments(SurplusArgs, location="query")
@blp.response(200, MembersEquityOut)
def members_equity(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """成员权益变动表 (会农社03表) of ``year``: 年初余额, the year's increases and decreases by
    source, 年末余额, per column (股金, 专项基金, 资本公积, 盈余公积, 未分配盈余) and in total.

    Each cell counts the vouchers it comes from and lists the first 20 of them (number order);
    ``ties`` says whether 年末余额 equals the ledger.
    Cooperatives only: a village collective's chart has no such form (409).
    """
    year = args["year"]
    report = fs.members_equity(uow(), actor(), org, year)
    body = members_equity_json(report)
    if args["format"] == "pdf":
        context = members_equity_print_context(report)
        return pdf_response(
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


class BookLineOut(ma.Schema):
    kind = ma.fields.String(
        metadata={"description": "entry, day (本日合计), month (本月合计) or year (本年累计)"}
    )
    date = ma.fields.String(
        metadata={"description": "the entry's or the day's date, or the month (YYYY-MM)"}
    )
    voucher = ma.fields.Integer(allow_none=True)
    number = ma.fields.String(allow_none=True)
    memo = ma.fields.String()
    debit = ma.fields.String()
    credit = ma.fields.String()
    balance = ma.fields.String()
    direction = ma.fields.String()


class LedgerOut(ma.Schema):
    book = ma.fields.String(
        metadata={
            "description": "ledger (明细账), cash_journal (现金日记账) or bank_journal (银行存款日记账)"
        }
    )
    account = ma.fields.String()
    name = ma.fields.String()
    member = ma.fields.String(allow_none=True)
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String()
    opening = ma.fields.String()
    closing = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(LedgerRowOut))
    lines = ma.fields.List(
        ma.fields.Nested(BookLineOut),
        metadata={"description": "the entries with the book's totals, as printed"},
    )
    drawn_from = ma.fields.Nested(DrawnFromOut)


@blp.route("/ledger")
@blp.doc(responses=pdf_doc("The ledger as JSON, or as PDF (A4 portrait) with ``format=pdf``."))
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
        return pdf_response(
            "ledger.html", context, [*name, start.isoformat(), end.isoformat()], locale=args["lang"]
        )
    return {
        "book": BOOKS[book_title(result)],
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
        "lines": [_book_line(line) for line in result.lines()],
        "drawn_from": drawn_from(result.org),
    }


#: the ledger's ``book`` by its printed title
BOOKS = {"明细账": "ledger", "现金日记账": "cash_journal", "银行存款日记账": "bank_journal"}


def _book_line(line: BookLine) -> dict[str, Any]:
    entry = line.row.entry if line.row is not None else None
    return {
        "kind": str(line.total) if line.total is not None else "entry",
        "date": line.on,
        "voucher": entry.voucher_id if entry else None,
        "number": entry.number if entry else None,
        "memo": entry.memo if entry else TOTAL_MEMOS[str(line.total)],
        "debit": format_amount(line.debit),
        "credit": format_amount(line.credit),
        "balance": format_amount(line.balance_net),
        "direction": direction(line.balance_net),
    }

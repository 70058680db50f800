"""``/api/v1/orgs/{org}/bank/{account}/…``: a bank account's statements, their matches to the
books, and the month's 银行存款余额调节表 (JSON, or PDF with ``format=pdf``).

A statement is a ``multipart/form-data`` upload (field ``file``, CSV or XLSX, at most 2 MB) to
``…/imports?month=YYYY-MM`` with ``opening_balance`` unless the file has a ``balance`` column;
a wrong row is 422 naming ``rows.<n>.<column>`` and nothing is written.
"""

from __future__ import annotations

import hashlib
from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.bank import MAX_STATEMENT_BYTES, BankLine, BookLine, Match, parse_signed
from coopledger.domain.errors import field_error
from coopledger.domain.money import AmountError, format_amount
from coopledger.services import bank as svc
from coopledger.services.ports import StatementRecord
from coopledger.services.print_contexts import bank_reconciliation_print_context
from coopledger.web.api.common import FILE_UPLOAD, Blueprint, actor, uow, uploaded_file
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "bank",
    __name__,
    url_prefix="/api/v1/orgs/<org>/bank/<account>",
    description="Bank statements, their matches to the books, the bank reconciliation.",
)


class BankImportArgs(ma.Schema):
    month = ma.fields.String(required=True, metadata={"description": "YYYY-MM"})
    opening_balance = ma.fields.String(
        load_default=None,
        metadata={"description": "the statement's opening balance (yuan; may be negative)"},
    )


class BankStatementOut(ma.Schema):
    account = ma.fields.String()
    month = ma.fields.String()
    opening_balance = ma.fields.String()
    closing_balance = ma.fields.String()
    lines = ma.fields.Integer()
    filename = ma.fields.String()
    sha256 = ma.fields.String()
    imported_by = ma.fields.String()
    imported_at = ma.fields.String()


class BankStatementList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BankStatementOut))


class BankStatementLineOut(ma.Schema):
    id = ma.fields.Integer()
    date = ma.fields.String()
    amount = ma.fields.String(metadata={"description": "money in > 0, money out < 0"})
    reference = ma.fields.String()
    description = ma.fields.String()


class BankBookLineOut(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "the voucher line's id"})
    date = ma.fields.String()
    amount = ma.fields.String(metadata={"description": "a debit > 0, a credit < 0"})
    text = ma.fields.String()
    voucher = ma.fields.String()


class BankPairOut(ma.Schema):
    bank = ma.fields.Nested(BankStatementLineOut)
    book = ma.fields.Nested(BankBookLineOut, allow_none=True)


class BankReconciliationOut(ma.Schema):
    book_balance = ma.fields.String()
    bank_received = ma.fields.List(ma.fields.Nested(BankStatementLineOut))
    bank_paid = ma.fields.List(ma.fields.Nested(BankStatementLineOut))
    book_adjusted = ma.fields.String()
    bank_balance = ma.fields.String()
    book_received = ma.fields.List(ma.fields.Nested(BankBookLineOut))
    book_paid = ma.fields.List(ma.fields.Nested(BankBookLineOut))
    bank_adjusted = ma.fields.String()
    difference = ma.fields.String()
    balances = ma.fields.Boolean()


class BankMonthOut(ma.Schema):
    org = ma.fields.String()
    account = ma.fields.String()
    month = ma.fields.String()
    statement = ma.fields.Nested(BankStatementOut)
    reconciliation = ma.fields.Nested(BankReconciliationOut)
    matched = ma.fields.List(ma.fields.Nested(BankPairOut))
    suggested = ma.fields.List(ma.fields.Nested(BankPairOut))


class BankMatchIn(ma.Schema):
    line = ma.fields.Integer(required=True, metadata={"description": "the statement line's id"})
    voucher_line = ma.fields.Integer(required=True)


class BankMatchedOut(ma.Schema):
    matched = ma.fields.Integer()


class BankPairIn(ma.Schema):
    lines = ma.fields.List(
        ma.fields.Integer(),
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the statement lines' ids"},
    )
    voucher_lines = ma.fields.List(
        ma.fields.Integer(),
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the posted lines' ids; one side holds one line"},
    )


class BankPairedOut(ma.Schema):
    lines = ma.fields.List(ma.fields.Nested(BankStatementLineOut))
    voucher_lines = ma.fields.List(ma.fields.Nested(BankBookLineOut))
    amount = ma.fields.String(metadata={"description": "the match's signed total"})


def statement_json(s: StatementRecord) -> dict[str, Any]:
    return {
        "account": s.account,
        "month": str(s.period),
        "opening_balance": format_amount(s.opening_fen),
        "closing_balance": format_amount(s.closing_fen),
        "lines": s.lines,
        "filename": s.filename,
        "sha256": s.sha256,
        "imported_by": s.imported_by,
        "imported_at": s.imported_at.isoformat(),
    }


def bank_line_json(b: BankLine) -> dict[str, Any]:
    return {
        "id": b.id,
        "date": b.booked_on.isoformat(),
        "amount": format_amount(b.amount_fen),
        "reference": b.reference,
        "description": b.description,
    }


def book_line_json(k: BookLine | None) -> dict[str, Any] | None:
    if k is None:
        return None
    return {
        "id": k.id,
        "date": k.booked_on.isoformat(),
        "amount": format_amount(k.amount_fen),
        "text": k.text,
        "voucher": k.voucher,
    }


def month_json(org: str, month: svc.BankMonth) -> dict[str, Any]:
    r = month.reconciliation
    return {
        "org": org,
        "account": month.account,
        "month": str(month.period),
        "statement": statement_json(month.statement),
        "reconciliation": {
            "book_balance": format_amount(r.book_balance_fen),
            "bank_received": [bank_line_json(b) for b in r.bank_received],
            "bank_paid": [bank_line_json(b) for b in r.bank_paid],
            "book_adjusted": format_amount(r.book_adjusted_fen),
            "bank_balance": format_amount(r.bank_balance_fen),
            "book_received": [book_line_json(k) for k in r.book_received],
            "book_paid": [book_line_json(k) for k in r.book_paid],
            "bank_adjusted": format_amount(r.bank_adjusted_fen),
            "difference": format_amount(r.difference_fen),
            "balances": r.balances,
        },
        "matched": [
            {"bank": bank_line_json(b), "book": book_line_json(k)} for b, k in month.matched
        ],
        "suggested": [
            {"bank": bank_line_json(b), "book": book_line_json(k)} for b, k in month.suggested
        ],
    }


def opening(text: str | None) -> int | None:
    """:raise ValidationFailed: not an amount (``opening_balance``)."""
    if text is None or text == "":
        return None
    try:
        return parse_signed(text)
    except AmountError as exc:
        raise field_error("opening_balance", str(exc)) from exc


@blp.route("/statements")
@blp.response(200, BankStatementList)
def list_statements(org: str, account: str) -> dict[str, Any]:
    """The bank account's statements, oldest first."""
    return {"items": [statement_json(s) for s in svc.statements(uow(), actor(), org, account)]}


@blp.post("/imports")
@blp.arguments(BankImportArgs, location="query")
@blp.response(201, BankStatementOut)
@blp.doc(**FILE_UPLOAD)
def import_statement(args: dict[str, Any], org: str, account: str) -> Any:
    """Import a month's bank statement (CSV or XLSX: ``date``, ``amount`` or ``debit``/``credit``,
    ``reference``, ``description``, ``balance``); all rows or none."""
    got = uploaded_file(MAX_STATEMENT_BYTES, "bank statement")
    if isinstance(got, Response):
        return got
    name, data = got
    file = svc.StatementFile(read_table(data, name), name, hashlib.sha256(data).hexdigest())
    record = svc.import_statement(
        uow(), actor(), org, account, args["month"], file, opening(args["opening_balance"])
    )
    return statement_json(record)


@blp.route("/<month>")
@blp.doc(responses=pdf_doc("银行存款余额调节表 as JSON, or as PDF with ``format=pdf``."))
@blp.arguments(FormatArgs, location="query")
@blp.response(200, BankMonthOut)
def reconciliation(args: dict[str, Any], org: str, account: str, month: str) -> Any:
    """The month's 银行存款余额调节表: the book and statement balances, the 未达账项 both ways,
    both adjusted balances; the lines matched and the matches suggested."""
    found = svc.bank_month(uow(), actor(), org, account, month)
    if args["format"] == "pdf":
        context = bank_reconciliation_print_context(found)
        return pdf_response(
            "bank_reconciliation.html",
            context,
            ["bank-reconciliation", org, account, month],
            locale=args["lang"],
        )
    return month_json(org, found)


@blp.post("/<month>/auto-match")
@blp.response(200, BankMatchedOut)
def auto_match(org: str, account: str, month: str) -> dict[str, Any]:
    """Accept every suggested match (equal amount and side, dates at most 5 days apart, the same
    reference first, then the nearest date)."""
    return {"matched": svc.accept_suggestions(uow(), actor(), org, account, month)}


@blp.post("/<month>/matches")
@blp.arguments(BankMatchIn)
@blp.response(200, BankMatchedOut)
def match(body: dict[str, Any], org: str, account: str, month: str) -> dict[str, Any]:
    """Match a statement line to a posted line of the account by hand (the same amount)."""
    svc.match(uow(), actor(), org, account, month, Match(body["line"], body["voucher_line"]))
    return {"matched": 1}


@blp.post("/<month>/pairs")
@blp.arguments(BankPairIn)
@blp.response(201, BankPairedOut)
def pair(body: dict[str, Any], org: str, account: str, month: str) -> dict[str, Any]:
    """Match by hand one statement line with one or more posted lines of the account, or one
    posted line with one or more statement lines (a deposit of several receipts, fees the bank
    charged one by one): the signed totals the same — 422 ``bank_amounts_differ`` names both —
    the dates any distance apart; 409 ``bank_line_matched`` when a line is matched already."""
    found = svc.pair_lines(
        uow(), actor(), org, account, month, body["lines"], body["voucher_lines"]
    )
    return {
        "lines": [bank_line_json(b) for b in found.bank],
        "voucher_lines": [book_line_json(k) for k in found.book],
        "amount": format_amount(found.amount_fen),
    }


@blp.route("/<month>/matches/<int:line>", methods=["DELETE"])
@blp.response(200, BankMatchedOut)
def unmatch(org: str, account: str, month: str, line: int) -> dict[str, Any]:
    """Undo the match a statement line is in: every line of it is unmatched again."""
    svc.unmatch(uow(), actor(), org, account, month, line)
    return {"matched": 0}

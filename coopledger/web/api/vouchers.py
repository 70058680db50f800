"""``/api/v1/orgs/{org}/vouchers``: prepare, edit, review, post and reverse vouchers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView

from coopledger.domain.errors import field_error
from coopledger.domain.ledger import Dr, Line, Voucher, VoucherDraft
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.periods import Period, voucher_number
from coopledger.services import vouchers as svc
from coopledger.services.ports import VoucherFilter
from coopledger.services.print_contexts import account_names, voucher_print_context
from coopledger.web.api.common import (
    Blueprint,
    LangArgs,
    PageArgs,
    actor,
    decode_cursor,
    page,
    uow,
)
from coopledger.web.api.fields import Day, Money, Quantity, Text

blp = Blueprint(
    "vouchers",
    __name__,
    url_prefix="/api/v1/orgs/<org>/vouchers",
    description="Vouchers (记账凭证): draft → reviewed → posted, and red reversals.",
)


class LineIn(ma.Schema):
    account = Text(required=True, max_length=12, min_length=1)
    member = Text(load_default=None, allow_none=True, max_length=20)
    fund = Text(load_default=None, allow_none=True, max_length=40)
    debit = Money(
        load_default=None, allow_none=True, metadata={"type": "string", "example": "1234.50"}
    )
    credit = Money(
        load_default=None, allow_none=True, metadata={"type": "string", "example": "1234.50"}
    )
    quantity = Quantity(
        load_default=None, allow_none=True, metadata={"type": "string", "example": "12.5"}
    )
    unit = Text(load_default=None, allow_none=True, max_length=20)
    memo = Text(load_default="", max_length=200)

    @ma.validates_schema
    def one_side(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("debit") is not None and data.get("credit") is not None:
            raise ma.ValidationError(
                "a line carries either a debit or a credit, not both", "credit"
            )
        if data.get("debit") is None and data.get("credit") is None:
            raise ma.ValidationError("a line needs a debit or a credit amount", "debit")


class VoucherIn(ma.Schema):
    date = Day(required=True)
    memo = Text(load_default="", max_length=200)
    attachments = ma.fields.Integer(
        load_default=0, strict=True, validate=ma.validate.Range(min=0, max=9999)
    )
    lines = ma.fields.List(
        ma.fields.Nested(LineIn), required=True, validate=ma.validate.Length(max=500)
    )


class ReverseIn(ma.Schema):
    date = Day(required=True)
    memo = Text(load_default=None, allow_none=True, max_length=200)


class VoucherQuery(PageArgs):
    period = ma.fields.String(load_default=None)
    status = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["draft", "reviewed", "posted"])
    )
    account = ma.fields.String(load_default=None)
    member = ma.fields.String(load_default=None)
    q = Text(
        load_default=None,
        max_length=100,
        metadata={"description": "text in the voucher's memo or in a line's memo"},
    )


class LineOut(ma.Schema):
    account = ma.fields.String()
    member = ma.fields.String(allow_none=True)
    fund = ma.fields.String(allow_none=True)
    debit = ma.fields.String(allow_none=True)
    credit = ma.fields.String(allow_none=True)
    quantity = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    memo = ma.fields.String()


class VoucherOut(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String(allow_none=True, metadata={"example": "记-2026-11-0007"})
    status = ma.fields.String()
    kind = ma.fields.String()
    date = ma.fields.String()
    memo = ma.fields.String()
    attachments = ma.fields.Integer()
    prepared_by = ma.fields.String()
    reviewed_by = ma.fields.String(allow_none=True)
    posted_by = ma.fields.String(allow_none=True)
    reverses = ma.fields.Integer(allow_none=True)
    reversed_by = ma.fields.Integer(allow_none=True)
    prev_hash = ma.fields.String(allow_none=True)
    hash = ma.fields.String(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(LineOut))
    total = ma.fields.String()


class VoucherPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VoucherOut))
    next_cursor = ma.fields.String(allow_none=True)


def present(voucher: Voucher) -> dict[str, Any]:
    number = (
        voucher_number(Period.of(voucher.booked_on), voucher.number)
        if voucher.number is not None
        else None
    )
    return {
        "id": voucher.id,
        "number": number,
        "status": voucher.status.value,
        "kind": voucher.kind.value,
        "date": voucher.booked_on.isoformat(),
        "memo": voucher.memo,
        "attachments": voucher.attachments,
        "prepared_by": voucher.prepared_by,
        "reviewed_by": voucher.reviewed_by,
        "posted_by": voucher.posted_by,
        "reverses": voucher.reverses,
        "reversed_by": voucher.reversed_by,
        "prev_hash": voucher.prev_hash,
        "hash": voucher.hash,
        "total": format_amount(sum(ln.amount_fen for ln in voucher.lines if ln.side is Dr.DEBIT)),
        "lines": [
            {
                "account": ln.account,
                "member": ln.member,
                "fund": ln.fund,
                "debit": format_amount(ln.amount_fen) if ln.side is Dr.DEBIT else None,
                "credit": format_amount(ln.amount_fen) if ln.side is Dr.CREDIT else None,
                "quantity": format_quantity(ln.quantity_milli)
                if ln.quantity_milli is not None
                else None,
                "unit": ln.unit,
                "memo": ln.memo,
            }
            for ln in voucher.lines
        ],
    }


def to_draft(data: dict[str, Any]) -> VoucherDraft:
    lines = tuple(
        Line(
            account=ln["account"],
            side=Dr.DEBIT if ln["debit"] is not None else Dr.CREDIT,
            amount_fen=ln["debit"] if ln["debit"] is not None else ln["credit"],
            member=ln["member"] or None,
            fund=ln["fund"] or None,
            quantity_milli=ln["quantity"],
            unit=ln["unit"] or None,
            memo=ln["memo"],
        )
        for ln in data["lines"]
    )
    return VoucherDraft(
        booked_on=data["date"], memo=data["memo"], lines=lines, attachments=data["attachments"]
    )


def _request_digest() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@blp.route("")
class Vouchers(MethodView):
    @blp.arguments(VoucherQuery, location="query")
    @blp.response(200, VoucherPage)
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """List vouchers (filters ``period`` YYYY-MM, ``status``, ``account``, ``member``, ``q``:
        text in the memo or a line's memo)."""
        year = month = None
        if args["period"]:
            try:
                period = Period.parse(args["period"])
            except ValueError as exc:
                raise field_error("period", str(exc)) from exc
            year, month = period.year, period.month
        member_id = None
        if args["member"]:
            member_id = svc.member_id_for(uow(), actor(), org, args["member"])
        flt = VoucherFilter(
            status=args["status"],
            year=year,
            month=month,
            account=args["account"],
            member_id=member_id,
            text=args["q"] or None,
        )
        found = svc.list_vouchers(
            uow(), actor(), org, flt, args["limit"], decode_cursor(args["cursor"])
        )
        return page([present(v) for v in found], [v.id for v in found], args["limit"])

    @blp.arguments(VoucherIn)
    @blp.response(201, VoucherOut)
    def post(self, data: dict[str, Any], org: str) -> Any:
        """Prepare a draft voucher. Honours an ``Idempotency-Key`` header."""
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 255:
            raise field_error("Idempotency-Key", "must be 1 to 255 characters")
        voucher, replayed = svc.create_voucher(
            uow(),
            actor(),
            org,
            to_draft(data),
            idempotency_key=key,
            request_sha256=_request_digest() if key is not None else None,
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return present(voucher), 201, headers


@blp.route("/<int:voucher_id>")
class OneVoucher(MethodView):
    @blp.response(200, VoucherOut)
    def get(self, org: str, voucher_id: int) -> dict[str, Any]:
        """One voucher."""
        return present(svc.get_voucher(uow(), actor(), org, voucher_id))

    @blp.arguments(VoucherIn)
    @blp.response(200, VoucherOut)
    def put(self, data: dict[str, Any], org: str, voucher_id: int) -> dict[str, Any]:
        """Replace a draft (posted and reviewed vouchers answer 409)."""
        return present(svc.update_voucher(uow(), actor(), org, voucher_id, to_draft(data)))

    @blp.response(204)
    def delete(self, org: str, voucher_id: int) -> None:
        """Delete a draft (posted and reviewed vouchers answer 409)."""
        svc.delete_voucher(uow(), actor(), org, voucher_id)


@blp.route("/<int:voucher_id>/review", methods=["POST"])
@blp.response(200, VoucherOut)
def review(org: str, voucher_id: int) -> dict[str, Any]:
    """Review a draft (稽核); the preparer may not review their own voucher."""
    return present(svc.review_voucher(uow(), actor(), org, voucher_id))


@blp.route("/<int:voucher_id>/unreview", methods=["POST"])
@blp.response(200, VoucherOut)
def unreview(org: str, voucher_id: int) -> dict[str, Any]:
    """Send a reviewed voucher back to draft."""
    return present(svc.unreview_voucher(uow(), actor(), org, voucher_id))


@blp.route("/<int:voucher_id>/post", methods=["POST"])
@blp.response(200, VoucherOut)
def post(org: str, voucher_id: int) -> dict[str, Any]:
    """Post a reviewed voucher: it gets its number and its place in the hash chain."""
    return present(svc.post_voucher(uow(), actor(), org, voucher_id))


@blp.route("/<int:voucher_id>/reverse", methods=["POST"])
@blp.arguments(ReverseIn)
@blp.response(201, VoucherOut)
def reverse(data: dict[str, Any], org: str, voucher_id: int) -> dict[str, Any]:
    """Prepare the red reversal of a posted voucher (a draft, reviewed and posted as usual)."""
    return present(svc.reverse_voucher(uow(), actor(), org, voucher_id, data["date"], data["memo"]))


@blp.route("/<int:voucher_id>.pdf", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The voucher print (记账凭证) as PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@blp.arguments(LangArgs, location="query")
def voucher_pdf(args: dict[str, Any], org: str, voucher_id: int) -> Response:
    """The voucher print (记账凭证): lines, totals in figures and in capitals, signatures, hash;
    in English (labels and the chart's account names) with ``lang=en``."""
    # Imported here: WeasyPrint loads Pango when imported, and only PDFs need it.
    from coopledger.adapters.pdf import render_pdf_isolated

    found = svc.voucher_print(uow(), actor(), org, voucher_id)
    context = voucher_print_context(
        found.voucher,
        found.org,
        account_names(found.accounts, args["lang"]),
        signers=found.signers,
        reverses_number=found.reverses_number,
    )
    pdf = render_pdf_isolated("pdf/voucher.html", context, locale=args["lang"])
    filename = f"voucher-{org}-{found.voucher.id}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )

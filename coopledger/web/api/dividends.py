"""The village side of a distribution: what cooperatives paid it as their member, and its receipts."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from coopledger.domain.bounds import MAX_FEN_SUM
from coopledger.domain.money import format_amount
from coopledger.services import distribution as dist_svc
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import Count, Day
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "dividends",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Dividends a cooperative paid this organization, and their receipts.",
)


class DividendOut(ma.Schema):
    cooperative = ma.fields.String()
    plan = ma.fields.Integer()
    year = ma.fields.Integer()
    member = ma.fields.String()
    paid = ma.fields.String()
    receipt_voucher = ma.fields.Integer(allow_none=True)


class DividendList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DividendOut))
    next_cursor = ma.fields.String(allow_none=True)


@blp.route("/dividends")
@blp.response(200, DividendList)
def dividends(org: str) -> dict[str, Any]:
    """What cooperatives paid this organization as their member, and its receipts of it."""
    due = dist_svc.dividends_due(uow(), actor(), org)
    return {
        "items": [
            {
                "cooperative": d.cooperative,
                "plan": d.plan_id,
                "year": d.year,
                "member": d.member_no,
                "paid": format_amount(d.paid_fen),
                "receipt_voucher": d.receipt_voucher,
            }
            for d in due
        ],
        "next_cursor": None,
    }


class ReceiptIn(ma.Schema):
    cooperative = ma.fields.String(required=True)
    plan = Count(required=True, low=1, high=MAX_FEN_SUM)
    date = Day(required=True)


@blp.route("/dividends/receipts", methods=["POST"])
@blp.arguments(ReceiptIn)
@blp.response(201, VoucherOut)
def dividend_receipt(data: dict[str, Any], org: str) -> dict[str, Any]:
    """Prepare the receipt of a cooperative's dividend in this village's books (Dr bank / Cr 投资收益)."""
    return present(
        dist_svc.record_dividend_receipt(
            uow(), actor(), org, data["cooperative"], data["plan"], data["date"]
        )
    )

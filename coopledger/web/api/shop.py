"""``/api/v1/orgs/{org}/shop-settlements``: an online shop's settlement files from its e-commerce
platform (淘宝…), each month booked as a voucher, and the settlement account reconciled by month.

A file is a ``multipart/form-data`` upload to ``…/imports`` (field ``file``, CSV UTF-8 with or without BOM, or
XLSX, at most 2 MB) of the columns ``date``, ``type`` (order/fee/refund/payout), ``order``,
``amount``, ``memo`` and optionally ``balance``; a wrong row is 422 naming ``rows.<n>.<column>``,
the same file (or a line of it) imported again 409, and nothing is written then.
"""

from __future__ import annotations

import hashlib
from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.money import format_amount
from coopledger.domain.shop import DEFAULT_PLATFORM, MAX_SETTLEMENT_BYTES, MonthCheck
from coopledger.services import shop as svc
from coopledger.services.ports.shop import SettlementRecord
from coopledger.web.api.common import FILE_UPLOAD, Blueprint, actor, uow, uploaded_file

blp = Blueprint(
    "shop",
    __name__,
    url_prefix="/api/v1/orgs/<org>/shop-settlements",
    description="An online shop's platform settlements: imported, booked, reconciled by month.",
)


class ShopImportArgs(ma.Schema):
    platform = ma.fields.String(
        load_default=DEFAULT_PLATFORM,
        validate=ma.validate.Length(1, 40),
        metadata={"description": "the platform's name (淘宝 when not given)"},
    )
    account = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 12),
        metadata={
            "description": "the settlement account, a sub-account of 109 其他货币资金 (102 银行存款 "
            "in a chart without 109); found by the platform's name, or opened, when not given"
        },
    )
    income = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 12),
        metadata={"description": "经营收入 or its sub-account"},
    )
    expense = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 12),
        metadata={"description": "经营支出 or its sub-account (the platform's fees)"},
    )
    bank = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 12),
        metadata={"description": "the 银行存款 account payouts go to"},
    )


def settlement_json(s: SettlementRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "account": s.account,
        "platform": s.platform,
        "filename": s.filename,
        "sha256": s.sha256,
        "lines": s.lines,
        "imported_by": s.imported_by,
        "imported_at": s.imported_at.isoformat(timespec="seconds"),
    }


def month_json(account: str, m: MonthCheck) -> dict[str, Any]:
    return {
        "account": account,
        "month": str(m.period),
        "orders": format_amount(m.orders_fen),
        "fees": format_amount(m.fees_fen),
        "refunds": format_amount(m.refunds_fen),
        "payouts": format_amount(m.payouts_fen),
        "platform_closing_balance": format_amount(m.platform_closing_fen),
        "book_closing_balance": format_amount(m.book_closing_fen),
        "difference": format_amount(m.difference_fen),
        "drafts": m.drafts,
        "reconciled": m.reconciled,
    }


@blp.route("")
def list_settlements(org: str) -> dict[str, Any]:
    """The settlement files imported, in the order imported, and every settlement account's
    months: the platform's orders, fees, refunds and payouts, its closing balance, the books'
    posted balance at the month's end, the difference and whether the month reconciles;
    ``differences`` lists the months that do not."""
    view = svc.shop_view(uow(), actor(), org)
    months = [month_json(a, m) for a, rows in view.months.items() for m in rows]
    return {
        "items": [settlement_json(s) for s in view.settlements],
        "months": months,
        "differences": [m for m in months if not m["reconciled"]],
    }


@blp.post("/imports")
@blp.arguments(ShopImportArgs, location="query")
@blp.doc(**FILE_UPLOAD)
def import_settlement(args: dict[str, Any], org: str) -> Any:
    """Import a platform's settlement file: each month's lines booked as one voucher draft
    (orders Dr the settlement account / Cr 经营收入; fees Dr 经营支出; refunds Dr 经营收入 in the
    refund's month; payouts Dr 银行存款 — each Cr the settlement account). All rows or none; the
    same file again → 409 ``settlement_file_imported`` naming the file."""
    got = uploaded_file(MAX_SETTLEMENT_BYTES, "settlement file")
    if isinstance(got, Response):
        return got
    name, data = got
    file = svc.SettlementFile(read_table(data, name), name, hashlib.sha256(data).hexdigest())
    done = svc.import_settlement(
        uow(),
        actor(),
        org,
        file,
        platform=args["platform"],
        accounts=svc.Accounts(args["account"], args["income"], args["expense"], args["bank"]),
    )
    return {**settlement_json(done.record), "vouchers": [v.id for v in done.vouchers]}, 201

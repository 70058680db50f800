"""The fund register (资金来源): funds, what the postings say of them, a fund's trace."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.money import format_amount
from coopledger.services import orgs as org_svc
from coopledger.services import registers as svc
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Money, Text

blp = Blueprint(
    "funds",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="The fund register: grants, receipts, spending and what they became.",
)


class FundIn(ma.Schema):
    code = ma.fields.String(required=True)
    name = Text(required=True, max_length=200, min_length=1)
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(org_svc.FUND_SOURCES))
    grantor = Text(load_default="", max_length=200)
    purpose = Text(load_default="", max_length=400)
    granted = Money(load_default=0, metadata=MONEY)


class FundOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    source = ma.fields.String()
    grantor = ma.fields.String()
    purpose = ma.fields.String()
    granted = ma.fields.String()
    received = ma.fields.String()
    spent = ma.fields.String()
    balance = ma.fields.String()
    special_fund = ma.fields.String(
        metadata={"description": "专项基金 formed: its part of assets' cost"}
    )
    in_construction = ma.fields.String(
        metadata={"description": "Of special_fund, spent on projects not completed yet (在建)"}
    )
    quantified = ma.fields.String()
    assets = ma.fields.List(ma.fields.String())


class FundList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FundOut))
    next_cursor = ma.fields.String(allow_none=True)


def present_fund(view: svc.FundView) -> dict[str, Any]:
    f, fig = view.fund, view.figures
    return {
        "code": f.code,
        "name": f.name,
        "source": f.source,
        "grantor": f.grantor,
        "purpose": f.purpose,
        "granted": format_amount(f.granted_fen),
        "received": format_amount(fig.received),
        "spent": format_amount(fig.spent),
        "balance": format_amount(view.balance),
        "special_fund": format_amount(fig.special_fund),
        "in_construction": format_amount(fig.in_construction),
        "quantified": format_amount(fig.quantified),
        "assets": list(fig.asset_nos),
    }


@blp.route("/funds")
class Funds(MethodView):
    @blp.response(200, FundList)
    def get(self, org: str) -> dict[str, Any]:
        """The fund register with what the postings say: received, spent, balance, what it became."""
        return {
            "items": [present_fund(v) for v in svc.fund_views(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(FundIn)
    @blp.response(201, FundOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Register a fund (资金来源)."""
        org_svc.create_fund(uow(), actor(), org, {**data, "granted_fen": data.pop("granted")})
        return present_fund(svc.fund_view(uow(), actor(), org, data["code"]))


@blp.route("/funds/<code>")
@blp.response(200, FundOut)
def get_fund(org: str, code: str) -> dict[str, Any]:
    """One fund."""
    return present_fund(svc.fund_view(uow(), actor(), org, code))


class TraceOut(ma.Schema):
    fund = ma.fields.Nested(FundOut)
    receipts = ma.fields.List(ma.fields.Dict())
    spending = ma.fields.List(ma.fields.Dict())
    assets = ma.fields.List(ma.fields.Dict())
    building = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "Projects in progress it finances (在建): what is posted of each"},
    )
    quantified = ma.fields.List(ma.fields.Dict())
    totals = ma.fields.Dict()
    ties = ma.fields.Boolean()


@blp.route("/funds/<code>/trace")
@blp.response(200, TraceOut)
def trace(org: str, code: str) -> dict[str, Any]:
    """A fund from grant to receipts, spending vouchers, assets and members' quantified shares."""
    t = svc.fund_trace(uow(), actor(), org, code)

    def line(ln: Any, amount: int) -> dict[str, Any]:
        return {
            "voucher": ln.voucher_id,
            "number": ln.number,
            "status": ln.status,
            "date": ln.booked_on.isoformat(),
            "memo": ln.memo,
            "account": ln.account,
            "amount": format_amount(amount),
        }

    return {
        "fund": present_fund(t.view),
        "receipts": [line(ln, ln.credit_fen) for ln in t.receipts],
        "spending": [line(ln, ln.debit_fen) for ln in t.spending],
        "assets": [
            {
                "asset_no": a.record.asset.asset_no,
                "name": a.record.asset.name,
                "funded": format_amount(a.funded_fen),
                "cost": format_amount(a.record.asset.cost_fen),
                "accumulated_depreciation": format_amount(a.accumulated_fen),
                "net_book_value": format_amount(a.record.asset.cost_fen - a.accumulated_fen),
                "acquisition_voucher": a.record.acquisition_voucher_id,
            }
            for a in t.assets
        ],
        "building": [
            {"project_no": p.project_no, "name": p.name, "spent": format_amount(p.posted_fen)}
            for p in t.building
        ],
        "quantified": [
            {"member": no, "name": name, "amount": format_amount(fen)}
            for no, name, fen in t.quantified
        ],
        "totals": {
            "granted": format_amount(t.view.fund.granted_fen),
            "received": format_amount(t.view.figures.received),
            "spent": format_amount(t.view.figures.spent),
            "balance": format_amount(t.view.balance),
            "to_assets": format_amount(sum(a.funded_fen for a in t.assets)),
            "in_construction": format_amount(sum(p.posted_fen for p in t.building)),
            "quantified": format_amount(sum(q[2] for q in t.quantified)),
            # a village's 集体股 of the fund: quantified too, held by the collective itself
            "collective_share": format_amount(t.collective_fen),
        },
        "ties": t.ties,
    }

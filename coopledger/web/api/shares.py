"""The share register: holdings per member and class, and the dated share events behind them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from coopledger.domain.money import format_amount
from coopledger.domain.shares import DEFAULT_STATUSES, EventKind, percent
from coopledger.services import shares as share_svc
from coopledger.services.ports import ShareEvent
from coopledger.services.print_contexts import drawn_from, share_roll_print_context
from coopledger.web.api.common import Blueprint, DrawnFromOut, actor, uow
from coopledger.web.api.fields import MONEY, Day, Money, Text
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "shares",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="The share register and its events: quantification, transfer, redemption.",
)


class AsOfArgs(ma.Schema):
    as_of = Day(load_default=None)


class ShareRow(ma.Schema):
    member = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    poverty_status = ma.fields.String()
    capital = ma.fields.String()
    capital_from_poverty_assets = ma.fields.String()
    capital_other = ma.fields.String()
    reserve_share = ma.fields.String()
    fiscal_share = ma.fields.String()
    donation_share = ma.fields.String()
    total = ma.fields.String()
    percent = ma.fields.String()


class SharesOut(ma.Schema):
    members = ma.fields.List(ma.fields.Nested(ShareRow))
    totals = ma.fields.Dict()
    ledger_capital = ma.fields.String()
    ties = ma.fields.Boolean()


@blp.route("/shares")
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, SharesOut)
def shares(args: dict[str, Any], org: str) -> dict[str, Any]:
    """The share register: per member and class, with percentages and totals tying to 301."""
    register = share_svc.share_register(uow(), actor(), org, args["as_of"])
    grand = register.totals["total"]
    return {
        "members": [
            {
                "member": h.member_no,
                "name": h.name,
                "kind": h.kind,
                "poverty_status": h.poverty_status,
                "capital": format_amount(h.capital),
                "capital_from_poverty_assets": format_amount(h.capital_from_poverty_assets),
                "capital_other": format_amount(h.capital - h.capital_from_poverty_assets),
                "reserve_share": format_amount(h.reserve_share),
                "fiscal_share": format_amount(h.fiscal_share),
                "donation_share": format_amount(h.donation_share),
                "total": format_amount(h.total),
                "percent": percent(h.total, grand),
            }
            for h in register.holdings
        ],
        "totals": {k: format_amount(v) for k, v in register.totals.items()},
        "ledger_capital": format_amount(register.ledger_capital),
        "ties": register.ties,
    }


class AllocationIn(ma.Schema):
    member = ma.fields.String(required=True)
    amount = Money(required=True, metadata=MONEY)


class ShareEventIn(ma.Schema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([k.value for k in EventKind if k is not EventKind.FORFEIT]),
    )
    date = Day(required=True)
    reason = Text(required=True, max_length=400, min_length=1)
    fund = ma.fields.String(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True, metadata=MONEY)
    basis = ma.fields.String(load_default=None, allow_none=True)
    statuses = ma.fields.List(ma.fields.String(), load_default=lambda: list(DEFAULT_STATUSES))
    allocations = ma.fields.List(ma.fields.Nested(AllocationIn), load_default=list)
    from_member = ma.fields.String(load_default=None, allow_none=True)
    to_member = ma.fields.String(load_default=None, allow_none=True)
    class_ = ma.fields.String(data_key="class", load_default=None, allow_none=True)
    from_poverty_assets = ma.fields.Boolean(load_default=False)
    pay_account = ma.fields.String(load_default=None, allow_none=True)
    collective_amount = Money(
        load_default=None,
        allow_none=True,
        metadata={
            **MONEY,
            "description": "A village's quantification: the part the collective keeps as 集体股 "
            "(the rest is the members' 成员股).",
        },
    )
    collective_percent = ma.fields.Decimal(
        load_default=None,
        allow_none=True,
        allow_nan=False,
        metadata={
            "description": "Instead of collective_amount: the 集体股 as a percentage (0–100) of "
            "the amount, rounded half up to the fen.",
            "example": "20",
        },
    )


class ShareEventOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    date = ma.fields.String()
    reason = ma.fields.String()
    fund = ma.fields.String(allow_none=True)
    amount = ma.fields.String(allow_none=True)
    basis = ma.fields.String(allow_none=True)
    statuses = ma.fields.List(ma.fields.String())
    class_ = ma.fields.String(data_key="class", allow_none=True)
    from_member = ma.fields.String(allow_none=True)
    to_member = ma.fields.String(allow_none=True)
    voucher = ma.fields.Integer(allow_none=True)
    allocations = ma.fields.List(ma.fields.Dict())
    collective_amount = ma.fields.String(
        allow_none=True, metadata={"description": "The part kept as 集体股 by the collective."}
    )


class ShareEventList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ShareEventOut))
    next_cursor = ma.fields.String(allow_none=True)


def present_event(e: ShareEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "date": e.occurred_on.isoformat(),
        "reason": e.reason,
        "fund": e.fund,
        "amount": format_amount(e.amount_fen) if e.amount_fen is not None else None,
        "basis": e.basis,
        "statuses": list(e.statuses),
        "class_": e.share_class,
        "from_member": e.from_member,
        "to_member": e.to_member,
        "voucher": e.voucher_id,
        "allocations": [
            {"member": m, "class": c, "amount": format_amount(f)} for m, c, f in e.allocations
        ],
        "collective_amount": format_amount(e.collective_fen) if e.collective_fen else None,
    }


@blp.route("/shares/events")
class ShareEvents(MethodView):
    @blp.response(200, ShareEventList)
    def get(self, org: str) -> dict[str, Any]:
        """Every share event, dated and reasoned."""
        return {
            "items": [present_event(e) for e in share_svc.share_events(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(ShareEventIn)
    @blp.response(201, ShareEventOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Quantify a fund's 专项基金, reassign a quantified share, transfer, redeem or contribute capital."""
        event = share_svc.EventInput(
            kind=data["kind"],
            occurred_on=data["date"],
            reason=data["reason"],
            fund=data["fund"],
            amount_fen=data["amount"],
            basis=data["basis"] or ("explicit" if data["allocations"] else "all_members"),
            statuses=data["statuses"],
            allocations={a["member"]: a["amount"] for a in data["allocations"]},
            from_member=data["from_member"],
            to_member=data["to_member"],
            share_class=data["class_"],
            from_poverty_assets=data["from_poverty_assets"],
            pay_account=data["pay_account"],
            collective_fen=data["collective_amount"],
            collective_percent=data["collective_percent"],
        )
        recorded, _voucher = share_svc.record_event(uow(), actor(), org, event)
        return present_event(recorded)


class RollArgs(FormatArgs):
    as_of = Day(load_default=None, metadata={"description": "The day; default: today."})


class RollMemberOut(ma.Schema):
    member = ma.fields.String()
    head = ma.fields.String()
    kind = ma.fields.String()
    people = ma.fields.Integer(allow_none=True)
    poverty_status = ma.fields.String()
    joined_on = ma.fields.String(allow_none=True)
    left_on = ma.fields.String(allow_none=True)
    member_shares = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "成员股 by fund code."},
    )
    total = ma.fields.String()


class RollFundOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    member_shares = ma.fields.String(metadata={"description": "The members' 成员股 of it."})
    collective_share = ma.fields.String(metadata={"description": "The collective's 集体股 of it."})
    quantified = ma.fields.String(
        metadata={"description": "Quantified, as the fund register has it."}
    )
    special_fund = ma.fields.String(metadata={"description": "专项基金 its assets formed."})


class RollOut(ma.Schema):
    org = ma.fields.String()
    as_of = ma.fields.String()
    members = ma.fields.List(ma.fields.Nested(RollMemberOut))
    funds = ma.fields.List(ma.fields.Nested(RollFundOut))
    totals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    ties = ma.fields.Boolean(
        metadata={"description": "Fund by fund, 成员股 + 集体股 = quantified 专项基金."}
    )
    drawn_from = ma.fields.Nested(DrawnFromOut)


@blp.route("/shares/roll")
@blp.doc(
    responses=pdf_doc("成员名册和份额登记簿 as JSON, or as PDF (A4 landscape) with ``format=pdf``.")
)
@blp.arguments(RollArgs, location="query")
@blp.response(200, RollOut)
def share_roll(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """成员名册和份额登记簿 of a village collective on ``as_of``: each member household (number,
    head, people, status, joined and left) with its 成员股 by fund and in all, the collective's
    集体股, and the totals tying to the funds' quantified 专项基金. A cooperative is refused
    (409 ``share_roll_villages_only``): its members' shares are on ``/shares``."""
    roll = share_svc.share_roll(uow(), actor(), org, args["as_of"])
    if args["format"] == "pdf":
        return pdf_response(
            "share_roll.html",
            share_roll_print_context(roll),
            ["share-roll", org, roll.as_of.isoformat()],
            locale=args["lang"],
        )
    members = roll.members_by_fund
    return {
        "org": roll.org.code,
        "as_of": roll.as_of.isoformat(),
        "members": [
            {
                "member": ln.member_no,
                "head": ln.head,
                "kind": ln.kind,
                "people": ln.people,
                "poverty_status": ln.status,
                "joined_on": ln.joined_on.isoformat() if ln.joined_on else None,
                "left_on": ln.left_on.isoformat() if ln.left_on else None,
                "member_shares": {code: format_amount(fen) for code, fen in ln.by_fund.items()},
                "total": format_amount(ln.total),
            }
            for ln in roll.lines
        ],
        "funds": [
            {
                "code": code,
                "name": name,
                "member_shares": format_amount(members.get(code, 0)),
                "collective_share": format_amount(roll.collective.get(code, 0)),
                "quantified": format_amount(roll.quantified.get(code, 0)),
                "special_fund": format_amount(roll.special_fund.get(code, 0)),
            }
            for code, name in roll.funds
        ],
        "totals": {
            "member_shares": format_amount(roll.members_total),
            "collective_share": format_amount(roll.collective_total),
            "quantified": format_amount(roll.quantified_total),
            "special_fund": format_amount(roll.special_fund_total),
            "people": str(roll.people),
        },
        "ties": roll.ties,
        "drawn_from": drawn_from(roll.org),
    }

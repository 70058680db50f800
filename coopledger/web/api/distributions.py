"""``/api/v1/orgs/{org}/distributions``: surplus distribution plans, approval, posting, payment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.distribution import Appropriation, Guarantee, ReserveBasis
from coopledger.domain.members import SUPPORTED
from coopledger.domain.money import format_amount
from coopledger.services import distribution as svc
from coopledger.services.ports import PlanRecord
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import Day, Money, Rate, Text, Year
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "distributions",
    __name__,
    url_prefix="/api/v1/orgs/<org>/distributions",
    description="Surplus distribution (盈余分配): plan, approve, post, pay.",
)
MONEY = {"type": "string", "example": "1000.00"}
RATE = {"type": "string", "example": "0.10"}


class AppropriationIn(ma.Schema):
    name = Text(required=True, max_length=100, min_length=1)
    account = ma.fields.String(required=True)
    rate = Rate(load_default=None, allow_none=True, metadata=RATE)
    amount = Money(load_default=None, allow_none=True, metadata=MONEY)


class GuaranteeIn(ma.Schema):
    statuses = ma.fields.List(
        ma.fields.String(),
        load_default=lambda: list(SUPPORTED),
        metadata={
            "description": "whom the minimum covers; by default exited and monitored "
            "(脱贫户, 监测户); poor, the older name of exited, covers the same households"
        },
    )
    fixed = Money(load_default=None, allow_none=True, metadata=MONEY)
    rate = Rate(load_default=None, allow_none=True, metadata=RATE)


class PlanIn(ma.Schema):
    year = Year(required=True, strict=True, min_year=2000)
    reserve_rate = Rate(required=True, metadata=RATE)
    patronage_ratio = Rate(
        load_default=None, allow_none=True, metadata={"type": "string", "example": "0.60"}
    )
    other_appropriations = ma.fields.List(ma.fields.Nested(AppropriationIn), load_default=list)
    guarantee = ma.fields.Nested(GuaranteeIn, load_default=None, allow_none=True)
    include_prior_undistributed = ma.fields.Boolean(load_default=False)
    loss_makeup = Money(load_default=None, allow_none=True, metadata=MONEY)
    #: a cooperative's reserve is quantified into the members' accounts by this rule
    reserve_basis = ma.fields.Enum(
        ReserveBasis, by_value=True, load_default=ReserveBasis.TRANSACTIONS
    )
    override = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "A village's plan made although it pays its members more than its "
            "cash and bank hold at the year's end, or distributes the year's 补助收入 "
            "(村级组织运转经费); recorded in the audit log. Without it such a plan is refused "
            "(409 beyond_cash or distributes_subsidy)."
        },
    )


class PlanLineOut(ma.Schema):
    member = ma.fields.String()
    name = ma.fields.String()
    poverty_status = ma.fields.String()
    transaction_amount = ma.fields.String()
    account_share = ma.fields.String()
    fiscal_share = ma.fields.String()
    reserve_share = ma.fields.String()
    patronage = ma.fields.String()
    residual = ma.fields.String()
    topup = ma.fields.String()
    minimum = ma.fields.String(allow_none=True)
    total = ma.fields.String()
    paid = ma.fields.String()
    offset = ma.fields.String()
    converted = ma.fields.String()
    unpaid = ma.fields.String()


class PlanOut(ma.Schema):
    id = ma.fields.Integer()
    year = ma.fields.Integer()
    status = ma.fields.String()
    S = ma.fields.String()
    L = ma.fields.String()
    R = ma.fields.String()
    others = ma.fields.String()
    D = ma.fields.String()
    P = ma.fields.String()
    Q = ma.fields.String()
    T = ma.fields.String()
    inputs = ma.fields.Dict()
    prepared_by = ma.fields.String()
    resolution = ma.fields.String(allow_none=True)
    approved_on = ma.fields.String(allow_none=True)
    approved_by = ma.fields.String(allow_none=True)
    vouchers = ma.fields.List(ma.fields.Integer())
    lines = ma.fields.List(ma.fields.Nested(PlanLineOut))
    totals = ma.fields.Dict()


class PlanList(ma.Schema):
    items = ma.fields.List(ma.fields.Dict())
    next_cursor = ma.fields.String(allow_none=True)


class PlanWithVouchers(ma.Schema):
    plan = ma.fields.Nested(PlanOut)
    vouchers = ma.fields.List(ma.fields.Nested(VoucherOut))


def present_plan(plan: PlanRecord) -> dict[str, Any]:
    f = format_amount
    reserve = svc.reserve_parts(plan)
    lines = []
    for ln in plan.lines:
        paid_out = ln.paid.settled_fen - ln.paid.offset_fen - ln.paid.converted_fen
        lines.append(
            {
                "member": ln.member_no,
                "name": ln.name,
                "poverty_status": ln.poverty_status,
                "transaction_amount": f(ln.transaction_fen),
                "account_share": f(ln.account_share_fen),
                "fiscal_share": f(ln.fiscal_share_fen),
                "reserve_share": f(reserve.get(ln.member_no, 0)),
                "patronage": f(ln.patronage_fen),
                "residual": f(ln.residual_fen),
                "topup": f(ln.topup_fen),
                "minimum": None if ln.minimum_fen is None else f(ln.minimum_fen),
                "total": f(ln.total_fen),
                "paid": f(paid_out),
                "offset": f(ln.paid.offset_fen),
                "converted": f(ln.paid.converted_fen),
                "unpaid": f(ln.total_fen - ln.paid.settled_fen),
            }
        )
    return {
        "id": plan.id,
        "year": plan.year,
        "status": plan.status,
        "S": f(plan.S),
        "L": f(plan.L),
        "R": f(plan.R),
        "others": f(plan.others),
        "D": f(plan.D),
        "P": f(plan.P),
        "Q": f(plan.Q),
        "T": f(plan.T),
        "inputs": dict(plan.inputs),
        "prepared_by": plan.prepared_by,
        "resolution": plan.resolution,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "approved_by": plan.approved_by,
        "vouchers": list(plan.vouchers),
        "lines": lines,
        "totals": {
            "patronage": f(sum(ln.patronage_fen for ln in plan.lines)),
            "residual": f(sum(ln.residual_fen for ln in plan.lines)),
            "unpaid": f(sum(ln.total_fen - ln.paid.settled_fen for ln in plan.lines)),
        },
    }


def request_of(data: dict[str, Any]) -> svc.PlanRequest:
    g = data["guarantee"]
    return svc.PlanRequest(
        year=data["year"],
        reserve_rate=data["reserve_rate"],
        patronage_ratio=data["patronage_ratio"]
        if data["patronage_ratio"] is not None
        else Decimal(0),
        others=tuple(
            Appropriation(o["name"], o["account"], o["rate"], o["amount"])
            for o in data["other_appropriations"]
        ),
        guarantee=None if g is None else Guarantee(tuple(g["statuses"]), g["fixed"], g["rate"]),
        include_prior_undistributed=data["include_prior_undistributed"],
        loss_makeup_fen=data["loss_makeup"],
        reserve_basis=data["reserve_basis"],
        override=data["override"],
    )


@blp.route("")
class Plans(MethodView):
    @blp.response(200, PlanList)
    def get(self, org: str) -> dict[str, Any]:
        """The organization's plans: id, year, status."""
        return {
            "items": [
                {"id": i, "year": y, "status": s} for i, y, s in svc.list_plans(uow(), actor(), org)
            ],
            "next_cursor": None,
        }

    @blp.arguments(PlanIn)
    @blp.response(201, PlanOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Compute and save a draft plan for a closed year."""
        return present_plan(svc.create_plan(uow(), actor(), org, request_of(data)))


@blp.route("/<int:plan_id>")
class OnePlan(MethodView):
    @blp.response(200, PlanOut)
    def get(self, org: str, plan_id: int) -> dict[str, Any]:
        """One plan with each member's line, paid, offset and unpaid amounts."""
        return present_plan(svc.get_plan(uow(), actor(), org, plan_id))

    @blp.response(204)
    def delete(self, org: str, plan_id: int) -> None:
        """Delete a draft plan (an approved or posted plan answers 409)."""
        svc.delete_plan(uow(), actor(), org, plan_id)


class ApproveIn(ma.Schema):
    resolution = Text(required=True, max_length=200, min_length=1)
    approved_on = Day(required=True)


@blp.route("/<int:plan_id>/approve", methods=["POST"])
@blp.arguments(ApproveIn)
@blp.response(200, PlanOut)
def approve(data: dict[str, Any], org: str, plan_id: int) -> dict[str, Any]:
    """Record the member assembly's approval (not by the preparer)."""
    return present_plan(
        svc.approve_plan(uow(), actor(), org, plan_id, data["resolution"], data["approved_on"])
    )


@blp.route("/<int:plan_id>/post", methods=["POST"])
@blp.response(200, PlanWithVouchers)
def post_plan(org: str, plan_id: int) -> dict[str, Any]:
    """Prepare the statutory vouchers (reviewed and posted as usual)."""
    plan, vouchers = svc.post_plan(uow(), actor(), org, plan_id)
    return {"plan": present_plan(plan), "vouchers": [present(v) for v in vouchers]}


class PaymentIn(ma.Schema):
    date = Day(required=True)
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(["bank", "cash"]))
    member = ma.fields.String(load_default=None, allow_none=True)
    amount = Money(load_default=None, allow_none=True, metadata=MONEY)
    offset = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "offset what the member owes on 成员往来 first"},
    )


@blp.route("/<int:plan_id>/payments", methods=["POST"])
@blp.arguments(PaymentIn)
@blp.response(201, PlanWithVouchers)
def payments(data: dict[str, Any], org: str, plan_id: int) -> dict[str, Any]:
    """Pay one member (partial payments allowed) or everyone still owed."""
    request = svc.PaymentRequest(
        data["date"], data["method"], data["member"], data["amount"], data["offset"]
    )
    plan, vouchers = svc.pay(uow(), actor(), org, plan_id, request)
    return {"plan": present_plan(plan), "vouchers": [present(v) for v in vouchers]}


class ConversionItem(ma.Schema):
    member = ma.fields.String(required=True)
    amount = Money(required=True, metadata=MONEY)


class ConversionIn(ma.Schema):
    date = Day(required=True)
    resolution = Text(required=True, max_length=200, min_length=1)
    members = ma.fields.List(
        ma.fields.Nested(ConversionItem), required=True, validate=ma.validate.Length(min=1)
    )


@blp.route("/<int:plan_id>/conversions", methods=["POST"])
@blp.arguments(ConversionIn)
@blp.response(201, PlanWithVouchers)
def conversions(data: dict[str, Any], org: str, plan_id: int) -> dict[str, Any]:
    """Convert members' unpaid refunds into capital by assembly vote (Dr 221/222 / Cr 301)."""
    plan, voucher = svc.convert_to_capital(
        uow(),
        actor(),
        org,
        plan_id,
        [(m["member"], m["amount"]) for m in data["members"]],
        data["date"],
        data["resolution"],
    )
    return {"plan": present_plan(plan), "vouchers": [present(voucher)]}

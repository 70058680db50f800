"""The fixed-asset register (固定资产卡片): acquisition, usage, depreciation, disposal."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.assets import AssetClass, AssetKind, AssetUse, FixedAsset, Method, schedule
from coopledger.domain.bounds import MAX_LIFE_MONTHS, MAX_UNITS
from coopledger.domain.money import format_amount
from coopledger.services import registers as svc
from coopledger.services.ports import AssetRecord
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Count, Day, Money, Text, parse_period
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "assets",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Fixed assets and the other long-lived assets (生产性生物资产, 公益性生物资产, "
    "无形资产, 长期待摊费用): the register, usage, monthly depreciation and amortization, disposal.",
)


class FundingIn(ma.Schema):
    fund = ma.fields.String(required=True)
    amount = Money(required=True, metadata=MONEY)


class AssetIn(ma.Schema):
    asset_no = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
    )
    name = Text(required=True, max_length=200, min_length=1)
    category = Text(load_default="", max_length=100)
    class_ = ma.fields.String(
        data_key="class", required=True, validate=ma.validate.OneOf(list(AssetClass))
    )
    kind = ma.fields.String(
        load_default="fixed",
        validate=ma.validate.OneOf(list(AssetKind)),
        metadata={
            "description": "The register it belongs to — fixed (固定资产), productive_biological "
            "(生产性生物资产), public_welfare_biological (公益性生物资产, never depreciated), "
            "intangible (无形资产), long_term_deferred (长期待摊费用) — which decides its accounts. "
            "A kind the organization's chart has no account for is refused (422 on kind)."
        },
    )
    poverty_project = ma.fields.Boolean(load_default=False)
    use = ma.fields.String(required=True, validate=ma.validate.OneOf(list(AssetUse)))
    acquired_on = Day(required=True)
    cost = Money(required=True, metadata=MONEY)
    salvage = Money(load_default=0, metadata=MONEY)
    useful_life_months = Count(required=True, low=1, high=MAX_LIFE_MONTHS)
    method = ma.fields.String(
        load_default="straight_line", validate=ma.validate.OneOf(list(Method))
    )
    total_units = Count(load_default=None, allow_none=True, low=1, high=MAX_UNITS)
    funding = ma.fields.List(ma.fields.Nested(FundingIn), load_default=list)
    opening_accumulated = Money(load_default=0, metadata=MONEY)
    opening_months = Count(load_default=0, low=0, high=MAX_LIFE_MONTHS)
    opening_units = Count(
        load_default=0,
        low=0,
        high=MAX_UNITS,
        metadata={"description": "Units of production: of total_units, those used in older books."},
    )
    nominal = ma.fields.Boolean(load_default=False)
    pay_account = ma.fields.String(load_default=None, allow_none=True)

    @ma.validates_schema
    def one_part_per_fund(self, data: dict[str, Any], **kwargs: Any) -> None:
        funds = [f["fund"] for f in data.get("funding", [])]
        if len(funds) != len(set(funds)):
            raise ma.ValidationError("name each fund once", "funding")


class AssetOut(ma.Schema):
    asset_no = ma.fields.String()
    name = ma.fields.String()
    category = ma.fields.String()
    class_ = ma.fields.String(data_key="class")
    kind = ma.fields.String()
    poverty_project = ma.fields.Boolean()
    use = ma.fields.String()
    acquired_on = ma.fields.String()
    cost = ma.fields.String()
    salvage = ma.fields.String()
    useful_life_months = ma.fields.Integer()
    method = ma.fields.String()
    total_units = ma.fields.Integer(allow_none=True)
    funding = ma.fields.List(ma.fields.Dict())
    opening_accumulated = ma.fields.String()
    opening_months = ma.fields.Integer()
    opening_units = ma.fields.Integer()
    nominal = ma.fields.Boolean()
    disposed_on = ma.fields.String(allow_none=True)
    monthly_charge = ma.fields.String()
    accumulated_depreciation = ma.fields.String()
    net_book_value = ma.fields.String()
    schedule = ma.fields.List(ma.fields.Dict())
    vouchers = ma.fields.Dict()


class AssetList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AssetOut))
    next_cursor = ma.fields.String(allow_none=True)


def present_asset(record: AssetRecord, prepared: Any = None) -> dict[str, Any]:
    a = record.asset
    acc = svc.accumulated(record)
    plan = schedule(a, record.usage)
    monthly = plan[0][1] if plan else 0
    return {
        "asset_no": a.asset_no,
        "name": a.name,
        "category": a.category,
        "class_": a.asset_class.value,
        "kind": a.kind.value,
        "poverty_project": a.poverty_project,
        "use": a.use.value,
        "acquired_on": a.acquired_on.isoformat(),
        "cost": format_amount(a.cost_fen),
        "salvage": format_amount(a.salvage_fen),
        "useful_life_months": a.useful_life_months,
        "method": a.method.value,
        "total_units": a.total_units,
        "funding": [{"fund": f, "amount": format_amount(v)} for f, v in sorted(a.funding.items())],
        "opening_accumulated": format_amount(a.opening_accumulated_fen),
        "opening_months": a.opening_months,
        "opening_units": a.opening_units,
        "nominal": a.nominal,
        "disposed_on": a.disposed_on.isoformat() if a.disposed_on else None,
        "monthly_charge": format_amount(monthly),
        "accumulated_depreciation": format_amount(acc),
        "net_book_value": format_amount(a.cost_fen - acc),
        "schedule": [
            {
                "period": str(p),
                "amount": format_amount(fen),
                "status": ("posted" if record.charges[p].posted else "prepared")
                if p in record.charges
                else "due",
                "voucher": record.charges[p].voucher_id if p in record.charges else None,
            }
            for p, fen in plan
        ],
        "vouchers": {
            "acquisition": record.acquisition_voucher_id,
            "disposal": record.disposal_voucher_id,
            "depreciation": sorted({c.voucher_id for c in record.charges.values()}),
            "prepared": present(prepared) if prepared is not None else None,
        },
    }


@blp.route("/assets")
class Assets(MethodView):
    @blp.response(200, AssetList)
    def get(self, org: str) -> dict[str, Any]:
        """The fixed-asset register (固定资产卡片)."""
        return {
            "items": [present_asset(r) for r in svc.list_assets(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(AssetIn)
    @blp.response(201, AssetOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Register an asset and prepare its acquisition voucher (Dr 151 / Cr bank, and for the
        fund-financed part Dr 专项应付款 / Cr 专项基金)."""
        asset = FixedAsset(
            asset_no=data["asset_no"],
            name=data["name"],
            category=data["category"],
            asset_class=AssetClass(data["class_"]),
            poverty_project=data["poverty_project"],
            use=AssetUse(data["use"]),
            acquired_on=data["acquired_on"],
            cost_fen=data["cost"],
            salvage_fen=data["salvage"],
            useful_life_months=data["useful_life_months"],
            method=Method(data["method"]),
            total_units=data["total_units"],
            funding={f["fund"]: f["amount"] for f in data["funding"]},
            opening_accumulated_fen=data["opening_accumulated"],
            opening_months=data["opening_months"],
            opening_units=data["opening_units"],
            nominal=data["nominal"],
            kind=AssetKind(data["kind"]),
        )
        record, voucher = svc.register_asset(
            uow(), actor(), org, asset, pay_account=data["pay_account"]
        )
        return present_asset(record, voucher)


@blp.route("/assets/<asset_no>")
@blp.response(200, AssetOut)
def get_asset(org: str, asset_no: str) -> dict[str, Any]:
    """One asset card with its schedule, accumulated depreciation and vouchers."""
    return present_asset(svc.get_asset(uow(), actor(), org, asset_no))


class DisposeIn(ma.Schema):
    date = Day(required=True)
    proceeds = Money(load_default=0, metadata={"description": "What the asset fetched (yuan)."})
    receive_account = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Default: the bank."}
    )


@blp.route("/assets/<asset_no>/dispose", methods=["POST"])
@blp.arguments(DisposeIn)
@blp.response(200, AssetOut)
def dispose(data: dict[str, Any], org: str, asset_no: str) -> dict[str, Any]:
    """Record the disposal and prepare its voucher (固定资产清理: cost and accumulated
    depreciation out, proceeds in, the difference to 其他收入 / 其他支出). The asset is charged
    in its month of disposal, never after; its depreciation and acquisition must be posted."""
    record = svc.dispose_asset(
        uow(),
        actor(),
        org,
        asset_no,
        data["date"],
        proceeds_fen=data["proceeds"],
        receive_account=data["receive_account"],
    )
    return present_asset(record)


class UsageIn(ma.Schema):
    period = ma.fields.String(required=True)
    units = Count(required=True, low=1, high=MAX_UNITS)


@blp.route("/assets/<asset_no>/usage", methods=["POST"])
@blp.arguments(UsageIn)
@blp.response(200, AssetOut)
def usage(data: dict[str, Any], org: str, asset_no: str) -> dict[str, Any]:
    """Units a units-of-production asset yielded in a month."""
    return present_asset(
        svc.record_usage(
            uow(), actor(), org, asset_no, parse_period(data["period"], "period"), data["units"]
        )
    )


class DepreciationIn(ma.Schema):
    through = ma.fields.String(required=True, metadata={"example": "2026-11"})


class VoucherBatch(ma.Schema):
    vouchers = ma.fields.List(ma.fields.Nested(VoucherOut))


@blp.route("/depreciation", methods=["POST"])
@blp.arguments(DepreciationIn)
@blp.response(201, VoucherBatch)
def depreciation(data: dict[str, Any], org: str) -> dict[str, Any]:
    """Prepare one depreciation voucher per month not yet charged, through ``through``: every
    kind on the register, each credited to its own account (累计折旧, 生产性生物资产累计折旧,
    累计摊销, 长期待摊费用)."""
    vouchers = svc.run_depreciation(uow(), actor(), org, parse_period(data["through"], "through"))
    return {"vouchers": [present(v) for v in vouchers]}

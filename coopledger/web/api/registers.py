"""Funds, fixed assets and depreciation, the share register, member transactions and accounts."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset, Method, schedule
from coopledger.domain.bounds import MAX_FEN_SUM, MAX_LIFE_MONTHS, MAX_UNITS
from coopledger.domain.errors import field_error
from coopledger.domain.members import mask
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.periods import Period
from coopledger.domain.shares import DEFAULT_STATUSES, EventKind, percent
from coopledger.services import distribution as dist_svc
from coopledger.services import orgs as org_svc
from coopledger.services import registers as svc
from coopledger.services import shares as share_svc
from coopledger.services import statements
from coopledger.services.clock import utcnow
from coopledger.services.ports import AssetRecord, ShareEvent
from coopledger.web.api.common import Blueprint, DrawnFromOut, LangArgs, actor, drawn_from, uow
from coopledger.web.api.fields import Count, Day, Money, Quantity, Text, Year
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "registers",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Funds, fixed assets, depreciation, shares, member transactions and accounts.",
)

MONEY = {"type": "string", "example": "400000.00"}


def _period(text: str, field: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise field_error(field, str(exc)) from exc


# -- funds ---------------------------------------------------------------------------------------


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
            "quantified": format_amount(sum(q[2] for q in t.quantified)),
        },
        "ties": t.ties,
    }


# -- fixed assets and depreciation ---------------------------------------------------------------


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
            nominal=data["nominal"],
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
            uow(), actor(), org, asset_no, _period(data["period"], "period"), data["units"]
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
    """Prepare one depreciation voucher per month not yet charged, through ``through``."""
    vouchers = svc.run_depreciation(uow(), actor(), org, _period(data["through"], "through"))
    return {"vouchers": [present(v) for v in vouchers]}


# -- shares --------------------------------------------------------------------------------------


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
        )
        recorded, _voucher = share_svc.record_event(uow(), actor(), org, event)
        return present_event(recorded)


# -- member transactions, account, leaving, status -----------------------------------------------


class TransactionIn(ma.Schema):
    date = Day(required=True)
    product = Text(required=True, max_length=100, min_length=1)
    quantity = Quantity(required=True, metadata={"type": "string", "example": "1300.5"})
    unit = Text(load_default=None, allow_none=True, max_length=20)
    amount = Money(required=True, metadata=MONEY)


class TransactionTotals(ma.Schema):
    member = ma.fields.String()
    product = ma.fields.String()
    unit = ma.fields.String()
    year = ma.fields.Integer()
    quantity = ma.fields.String()
    amount = ma.fields.String()


@blp.route("/members/<member_no>/transactions", methods=["POST"])
@blp.arguments(TransactionIn)
@blp.response(201, TransactionTotals)
def add_transaction(data: dict[str, Any], org: str, member_no: str) -> dict[str, Any]:
    """Record a member's business (交易量, 交易额); answers its totals for the product and year."""
    _count, qty, amount = share_svc.record_transaction(
        uow(),
        actor(),
        org,
        member_no,
        data["date"],
        data["product"],
        data["quantity"],
        data["unit"],
        data["amount"],
    )
    return {
        "member": member_no,
        "product": data["product"],
        "unit": data["unit"],
        "year": data["date"].year,
        "quantity": format_quantity(qty),
        "amount": format_amount(amount),
    }


class YearArgs(ma.Schema):
    year = Year(required=True, min_year=2000)


class AccountArgs(YearArgs, LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf"]),
        metadata={"description": "``json`` (the default) or ``pdf`` for the printable account."},
    )


def _holding(h: share_svc.Holding | None) -> dict[str, str]:
    keys = (
        "capital",
        "capital_from_poverty_assets",
        "reserve_share",
        "fiscal_share",
        "donation_share",
    )
    if h is None:
        return dict.fromkeys((*keys, "capital_other", "total"), "0.00")
    out = {k: format_amount(getattr(h, k)) for k in keys}
    out["capital_other"] = format_amount(h.capital - h.capital_from_poverty_assets)
    out["total"] = format_amount(h.total)
    return out


class MemberAccountOut(ma.Schema):
    member = ma.fields.String()
    name = ma.fields.String()
    year = ma.fields.Integer()
    poverty_status = ma.fields.String()
    opening = ma.fields.Dict()
    closing = ma.fields.Dict()
    transactions = ma.fields.List(ma.fields.Dict())
    patronage_refund = ma.fields.String()
    residual_distribution = ma.fields.String()
    drawn_from = ma.fields.Nested(DrawnFromOut, allow_none=True)


def _account_columns(h: share_svc.Holding | None) -> dict[str, int]:
    """The statutory share columns of a 成员账户 row, in fen (no holding: all zero)."""
    if h is None:
        return dict.fromkeys(
            (
                "capital_poverty",
                "capital_other",
                "reserve",
                "fiscal",
                "donation",
                "capital",
                "total",
            ),
            0,
        )
    return {
        "capital_poverty": h.capital_from_poverty_assets,
        "capital_other": h.capital - h.capital_from_poverty_assets,
        "reserve": h.reserve_share,
        "fiscal": h.fiscal_share,
        "donation": h.donation_share,
        "capital": h.capital,
        "total": h.total,
    }


def member_account_context(
    acc: share_svc.MemberAccount, org_name: str, id_number: str | None
) -> dict[str, Any]:
    """What ``templates/pdf/member_account.html`` shows; every figure computed here, in fen."""
    opening = _account_columns(acc.opening)
    closing = _account_columns(acc.closing)
    return {
        "org_name": org_name,
        "member_no": acc.member_no,
        "name": acc.name,
        "id_number_masked": mask(id_number),
        "year": acc.year,
        "status_zh": statements.STATUS_ZH.get(acc.poverty_status, acc.poverty_status),
        "opening": opening,
        "change": {k: closing[k] - opening[k] for k in closing},
        "closing": closing,
        "transactions": [
            {
                "product": p,
                "quantity": f"{format_quantity(q)} {u}".strip() if u else format_quantity(q),
                "amount": a,
            }
            for p, u, q, a in acc.transactions
        ],
        "transaction_total": sum(a for _p, _u, _q, a in acc.transactions),
        "patronage_refund": acc.patronage_refund,
        "residual_distribution": acc.residual_distribution,
        "distributed_total": acc.patronage_refund + acc.residual_distribution,
        "drawn": drawn_from(acc.org) if acc.org is not None else None,
    }


@blp.route("/members/<member_no>/account")
@blp.doc(
    responses={
        200: {
            "description": "成员账户 as JSON, or as PDF (A4 landscape) with ``format=pdf``.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@blp.arguments(AccountArgs, location="query")
@blp.response(200, MemberAccountOut)
def member_account(args: dict[str, Any], org: str, member_no: str) -> dict[str, Any] | Response:
    """成员账户: the statutory columns for one member and year (a household reads its own).

    ``format=pdf`` returns the same account as a printable PDF.
    """
    acc = share_svc.member_account(uow(), actor(), org, member_no, args["year"])
    if args["format"] == "pdf":
        from coopledger.adapters.pdf import render_pdf_isolated  # loads Pango: PDFs only

        organization = org_svc.get_org(uow(), actor(), org)
        member = org_svc.get_member(uow(), actor(), org, member_no)
        context = member_account_context(acc, organization.name, member.id_number)
        name = "-".join(
            re.sub(r"[^A-Za-z0-9_.-]+", "_", part)
            for part in ("member-account", org, member_no, str(acc.year))
        )
        return Response(
            render_pdf_isolated("pdf/member_account.html", context, locale=args["lang"]),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    return {
        "member": acc.member_no,
        "name": acc.name,
        "year": acc.year,
        "poverty_status": acc.poverty_status,
        "opening": _holding(acc.opening),
        "closing": _holding(acc.closing),
        "transactions": [
            {"product": p, "unit": u, "quantity": format_quantity(q), "amount": format_amount(a)}
            for p, u, q, a in acc.transactions
        ],
        "patronage_refund": format_amount(acc.patronage_refund),
        "residual_distribution": format_amount(acc.residual_distribution),
        "drawn_from": drawn_from(acc.org) if acc.org is not None else None,
    }


class LeaveIn(ma.Schema):
    date = Day(required=True)
    pay_account = ma.fields.String(load_default=None, allow_none=True)


class LeaveOut(ma.Schema):
    member = ma.fields.String()
    left_on = ma.fields.String()
    refund_voucher = ma.fields.Nested(VoucherOut, allow_none=True)


@blp.route("/members/<member_no>/leave", methods=["POST"])
@blp.arguments(LeaveIn)
@blp.response(200, LeaveOut)
def leave(data: dict[str, Any], org: str, member_no: str) -> dict[str, Any]:
    """A member leaves: capital and reserve share paid back (a draft voucher), quantified shares not."""
    voucher = share_svc.leave(
        uow(), actor(), org, member_no, data["date"], pay_account=data["pay_account"]
    )
    return {
        "member": member_no,
        "left_on": data["date"].isoformat(),
        "refund_voucher": present(voucher) if voucher else None,
    }


class OnArgs(ma.Schema):
    on = Day(load_default=None)


class StatusOut(ma.Schema):
    member = ma.fields.String()
    on = ma.fields.String()
    poverty_status = ma.fields.String()


@blp.route("/members/<member_no>/status")
@blp.arguments(OnArgs, location="query")
@blp.response(200, StatusOut)
def status(args: dict[str, Any], org: str, member_no: str) -> dict[str, Any]:
    """A member's poverty status on a date (default today), from its dated history."""
    on = args["on"] or utcnow().date()
    return {
        "member": member_no,
        "on": on.isoformat(),
        "poverty_status": share_svc.status_on(uow(), actor(), org, member_no, on),
    }


# -- the village flow ------------------------------------------------------------------------------


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


# -- the household dividend statement ---------------------------------------------------------------


@blp.route("/members/<member_no>/statements/<int:year>.pdf", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The household dividend statement as PDF (one A4 page).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@blp.arguments(LangArgs, location="query")
def statement_pdf(args: dict[str, Any], org: str, member_no: str, year: int) -> Response:
    """What the household receives for the year and why, with a verification code and QR code;
    in English with ``lang=en`` (the same figures, code and names; each document handed out is
    recorded, so either language checks by its SHA-256)."""
    from coopledger.adapters.statement_pdf import issue_statement  # loads Pango: PDFs only

    base = statements.verification_base(current_app.extensions["coopledger"].settings.public_url)
    s = statements.household_statement(uow(), actor(), org, member_no, year)
    pdf = issue_statement(uow(), s, base, isolated=True, locale=args["lang"])
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="statement-{org}-{member_no}-{year}.pdf"'
        },
    )

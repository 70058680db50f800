"""The registers as reports: 固定资产登记簿 and 资金使用情况表, as JSON or PDF (``?format=pdf``,
``lang=en`` for an English PDF; what each prints is in :mod:`coopledger.services.print_contexts`)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.domain.money import format_amount
from coopledger.services import register_reports as svc
from coopledger.services.print_contexts import (
    asset_register_print_context,
    drawn_from,
    fund_usage_print_context,
    fund_usage_totals,
)
from coopledger.web.api.common import Blueprint, DrawnFromOut, actor, uow
from coopledger.web.api.fields import Day
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "register-reports",
    __name__,
    url_prefix="/api/v1/orgs/<org>/reports",
    description="The fixed-asset register and the fund usage report.",
)


class TotalsOut(ma.Schema):
    count = ma.fields.Integer()
    cost = ma.fields.String()
    accumulated_depreciation = ma.fields.String()
    net_book_value = ma.fields.String()
    fund_financed = ma.fields.String()


class AssetLineOut(ma.Schema):
    asset_no = ma.fields.String()
    name = ma.fields.String()
    asset_class = ma.fields.String(data_key="class")
    category = ma.fields.String()
    poverty_project = ma.fields.Boolean()
    acquired_on = ma.fields.String()
    useful_life_months = ma.fields.Integer()
    cost = ma.fields.String()
    accumulated_depreciation = ma.fields.String()
    net_book_value = ma.fields.String()
    funding = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    disposed_on = ma.fields.String(allow_none=True)


class DatedArgs(FormatArgs):
    as_of = Day(load_default=None, metadata={"description": "The day; default: today."})


class KindSectionOut(ma.Schema):
    kind = ma.fields.String(metadata={"example": "productive_biological"})
    name = ma.fields.String(metadata={"example": "生产性生物资产"})
    accounts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(allow_none=True),
        metadata={
            "description": "cost: its account; accumulated: where its write-down is credited "
            "(the cost account itself where the chart amortizes straight off it; null when "
            "never written down)."
        },
    )
    assets = ma.fields.List(ma.fields.Nested(AssetLineOut))
    totals = ma.fields.Nested(TotalsOut)
    ledger = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    ties = ma.fields.Boolean()


class AssetRegisterOut(ma.Schema):
    org = ma.fields.String()
    as_of = ma.fields.String()
    assets = ma.fields.List(ma.fields.Nested(AssetLineOut))
    by_class = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(TotalsOut))
    poverty_assets = ma.fields.Nested(TotalsOut)
    totals = ma.fields.Nested(TotalsOut)
    ledger = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    ties = ma.fields.Boolean(metadata={"description": "Register cost and depreciation = ledger."})
    sections = ma.fields.List(
        ma.fields.Nested(KindSectionOut),
        metadata={
            "description": "Each other kind on the register (生产性生物资产, 公益性生物资产, "
            "无形资产, 长期待摊费用) with its accounts; ``assets`` and ``totals`` are the fixed assets."
        },
    )
    drawn_from = ma.fields.Nested(DrawnFromOut)


def _totals(t: svc.Totals) -> dict[str, Any]:
    return {
        "count": t.count,
        "cost": format_amount(t.cost_fen),
        "accumulated_depreciation": format_amount(t.accumulated_fen),
        "net_book_value": format_amount(t.net_fen),
        "fund_financed": format_amount(t.fund_financed_fen),
    }


def _asset(line: svc.AssetLine) -> dict[str, Any]:
    a = line.record.asset
    return {
        "asset_no": a.asset_no,
        "name": a.name,
        "asset_class": a.asset_class.value,
        "category": a.category,
        "poverty_project": a.poverty_project,
        "acquired_on": a.acquired_on.isoformat(),
        "useful_life_months": a.useful_life_months,
        "cost": format_amount(a.cost_fen),
        "accumulated_depreciation": format_amount(line.accumulated_fen),
        "net_book_value": format_amount(line.net_fen),
        "funding": {fund: format_amount(fen) for fund, fen in sorted(a.funding.items())},
        "disposed_on": a.disposed_on.isoformat() if a.disposed_on else None,
    }


@blp.route("/asset-register")
@blp.doc(responses=pdf_doc("固定资产登记簿 as JSON, or as PDF (A4 landscape) with ``format=pdf``."))
@blp.arguments(DatedArgs, location="query")
@blp.response(200, AssetRegisterOut)
def asset_register(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """固定资产登记簿 on ``as_of`` (default today): each card's cost, accumulated depreciation and net value, funding by
    fund; totals by class and for poverty-alleviation assets; the ledger's 固定资产 and 累计折旧
    beside them (``ties``)."""
    report = svc.asset_register(uow(), actor(), org, args["as_of"])
    if args["format"] == "pdf":
        context = asset_register_print_context(report)
        return pdf_response(
            "asset_register.html",
            context,
            ["asset-register", org, report.as_of.isoformat()],
            locale=args["lang"],
        )
    return {
        "org": report.org.code,
        "as_of": report.as_of.isoformat(),
        "assets": [_asset(ln) for ln in report.lines],
        "by_class": {cls.value: _totals(t) for cls, t in report.by_class.items()},
        "poverty_assets": _totals(report.poverty),
        "totals": _totals(report.totals),
        "ledger": {
            "fixed_assets": format_amount(report.ledger_cost_fen),
            "accumulated_depreciation": format_amount(report.ledger_accumulated_fen),
        },
        "ties": report.ties,
        "sections": [
            {
                "kind": section.kind.value,
                "name": section.name,
                "accounts": {
                    "cost": section.cost_account,
                    "accumulated": section.accumulated_account,
                },
                "assets": [_asset(ln) for ln in section.lines],
                "totals": _totals(section.totals),
                "ledger": {
                    "cost": format_amount(section.ledger_cost_fen),
                    "accumulated": format_amount(section.ledger_accumulated_fen),
                },
                "ties": section.ties,
            }
            for section in report.sections
        ],
        "drawn_from": drawn_from(report.org),
    }


class FundUsageLineOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    source = ma.fields.String()
    grantor = ma.fields.String()
    purpose = ma.fields.String()
    granted = ma.fields.String()
    received = ma.fields.String()
    spent = ma.fields.String()
    balance = ma.fields.String()
    special_fund = ma.fields.String()
    in_construction = ma.fields.String(
        metadata={"description": "Of special_fund, spent on projects not completed yet (在建)."}
    )
    quantified = ma.fields.String()
    assets = ma.fields.List(ma.fields.String())


class FundUsageOut(ma.Schema):
    org = ma.fields.String()
    as_of = ma.fields.String()
    funds = ma.fields.List(ma.fields.Nested(FundUsageLineOut))
    totals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    ledger_balance = ma.fields.String()
    ties = ma.fields.Boolean(metadata={"description": "Funds held = fund accounts' balance."})
    drawn_from = ma.fields.Nested(DrawnFromOut)


@blp.route("/fund-usage")
@blp.doc(responses=pdf_doc("资金使用情况表 as JSON, or as PDF (A4 landscape) with ``format=pdf``."))
@blp.arguments(DatedArgs, location="query")
@blp.response(200, FundUsageOut)
def fund_usage(args: dict[str, Any], org: str) -> dict[str, Any] | Response:
    """资金使用情况表 on ``as_of`` (default: as the books stand): per fund the grant, received, spent, held, 专项基金 formed through
    assets and quantified to members; the fund accounts' balance beside the total held (``ties``)."""
    report = svc.fund_usage(uow(), actor(), org, args["as_of"])
    totals = fund_usage_totals(report)
    if args["format"] == "pdf":
        context = fund_usage_print_context(report)
        return pdf_response(
            "fund_usage.html",
            context,
            ["fund-usage", org, report.as_of.isoformat()],
            locale=args["lang"],
        )
    return {
        "org": report.org.code,
        "as_of": report.as_of.isoformat(),
        "funds": [
            {
                "code": v.fund.code,
                "name": v.fund.name,
                "source": v.fund.source,
                "grantor": v.fund.grantor,
                "purpose": v.fund.purpose,
                "granted": format_amount(v.fund.granted_fen),
                "received": format_amount(v.figures.received),
                "spent": format_amount(v.figures.spent),
                "balance": format_amount(v.balance),
                "special_fund": format_amount(v.figures.special_fund),
                "in_construction": format_amount(v.figures.in_construction),
                "quantified": format_amount(v.figures.quantified),
                "assets": list(v.figures.asset_nos),
            }
            for v in report.funds
        ],
        "totals": {k: format_amount(fen) for k, fen in totals.items()},
        "ledger_balance": format_amount(report.ledger_balance_fen),
        "ties": report.ties,
        "drawn_from": drawn_from(report.org),
    }

"""Construction in progress (在建工程): projects, what is spent on them, their completion."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.assets import AssetClass, AssetUse, Method
from coopledger.domain.bounds import MAX_LIFE_MONTHS, MAX_UNITS
from coopledger.domain.construction import PROJECT_CLASSES, ConstructionProject
from coopledger.domain.money import format_amount
from coopledger.services import construction as svc
from coopledger.services.ports.construction import ProjectRecord
from coopledger.web.api.assets import AssetOut, present_asset
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Count, Day, Money, Text
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "construction",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Construction in progress (在建工程): a project's spending, each with its voucher "
    "(Dr 在建工程 / Cr bank; for a fund's project Dr 专项应付款 / Cr 专项基金 in the same "
    "voucher), and its completion into a fixed asset (Dr 固定资产 / Cr 在建工程).",
)

NUMBER = ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")


class ProjectIn(ma.Schema):
    project_no = ma.fields.String(required=True, validate=NUMBER)
    name = Text(required=True, max_length=200, min_length=1)
    fund = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "The fund that finances the project (none: self-funded)."},
    )
    class_ = ma.fields.String(
        data_key="class",
        required=True,
        validate=ma.validate.OneOf([c.value for c in PROJECT_CLASSES]),
    )
    poverty_project = ma.fields.Boolean(load_default=False)
    started_on = Day(required=True)


class SpendingOut(ma.Schema):
    date = ma.fields.String()
    amount = ma.fields.String()
    memo = ma.fields.String()
    voucher = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "posted, or draft"})


class ProjectOut(ma.Schema):
    project_no = ma.fields.String()
    name = ma.fields.String()
    fund = ma.fields.String(allow_none=True)
    class_ = ma.fields.String(data_key="class")
    poverty_project = ma.fields.Boolean()
    started_on = ma.fields.String()
    status = ma.fields.String(metadata={"description": "building, or completed"})
    completed_on = ma.fields.String(allow_none=True)
    asset_no = ma.fields.String(allow_none=True)
    total = ma.fields.String(metadata={"description": "Every spending recorded, drafts included"})
    posted = ma.fields.String(metadata={"description": "Of the total, what is posted"})
    spending = ma.fields.List(ma.fields.Nested(SpendingOut))
    vouchers = ma.fields.Dict()


class ProjectList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProjectOut))
    totals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    next_cursor = ma.fields.String(allow_none=True)


def present_project(record: ProjectRecord, prepared: Any = None) -> dict[str, Any]:
    p = record.project
    return {
        "project_no": p.project_no,
        "name": p.name,
        "fund": p.fund,
        "class_": p.asset_class.value,
        "poverty_project": p.poverty_project,
        "started_on": p.started_on.isoformat(),
        "status": record.status.value,
        "completed_on": record.completed_on.isoformat() if record.completed_on else None,
        "asset_no": record.asset_no,
        "total": format_amount(record.total_fen),
        "posted": format_amount(record.posted_fen),
        "spending": [
            {
                "date": s.spent_on.isoformat(),
                "amount": format_amount(s.amount_fen),
                "memo": s.memo,
                "voucher": s.voucher_id,
                "status": "posted" if s.posted else "draft",
            }
            for s in record.spending
        ],
        "vouchers": {
            "spending": [s.voucher_id for s in record.spending],
            "completion": record.completion_voucher_id,
            "prepared": present(prepared) if prepared is not None else None,
        },
    }


@blp.route("/construction")
class Projects(MethodView):
    @blp.response(200, ProjectList)
    def get(self, org: str) -> dict[str, Any]:
        """The projects, with what each has cost; totals of those still in progress (在建)."""
        records = svc.list_projects(uow(), actor(), org)
        building = [r for r in records if r.completed_on is None]
        return {
            "items": [present_project(r) for r in records],
            "totals": {
                "building": format_amount(sum(r.total_fen for r in building)),
                "building_posted": format_amount(sum(r.posted_fen for r in building)),
            },
            "next_cursor": None,
        }

    @blp.arguments(ProjectIn)
    @blp.response(201, ProjectOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Open a project. A chart without 在建工程 (or, for a fund's project, without 专项应付款
        and 专项基金) is refused (409, naming the chart)."""
        project = ConstructionProject(
            project_no=data["project_no"],
            name=data["name"],
            asset_class=AssetClass(data["class_"]),
            started_on=data["started_on"],
            fund=data["fund"],
            poverty_project=data["poverty_project"],
        )
        return present_project(svc.create_project(uow(), actor(), org, project))


@blp.route("/construction/<project_no>")
@blp.response(200, ProjectOut)
def one_project(org: str, project_no: str) -> dict[str, Any]:
    """One project with its spending and vouchers."""
    return present_project(svc.get_project(uow(), actor(), org, project_no))


class SpendIn(ma.Schema):
    date = Day(required=True)
    amount = Money(required=True, metadata=MONEY)
    memo = Text(load_default="", max_length=200)
    pay_account = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Default: the bank."}
    )


@blp.route("/construction/<project_no>/spend", methods=["POST"])
@blp.arguments(SpendIn)
@blp.response(201, ProjectOut)
def spend(data: dict[str, Any], org: str, project_no: str) -> dict[str, Any]:
    """Record money spent on the project and prepare its voucher: Dr 在建工程 / Cr bank and, for
    a fund's project, Dr 专项应付款 / Cr 专项基金 in the same voucher. More than the fund has
    left is refused (422 on ``amount``, naming what is left)."""
    record, voucher = svc.spend(
        uow(),
        actor(),
        org,
        project_no,
        data["date"],
        data["amount"],
        memo=data["memo"],
        pay_account=data["pay_account"],
    )
    return present_project(record, voucher)


class CompleteIn(ma.Schema):
    date = Day(required=True)
    asset_no = ma.fields.String(required=True, validate=NUMBER)
    use = ma.fields.String(required=True, validate=ma.validate.OneOf(list(AssetUse)))
    useful_life_months = Count(required=True, low=1, high=MAX_LIFE_MONTHS)
    salvage = Money(load_default=0, metadata=MONEY)
    category = Text(load_default="", max_length=100)
    method = ma.fields.String(
        load_default="straight_line", validate=ma.validate.OneOf(list(Method))
    )
    total_units = Count(load_default=None, allow_none=True, low=1, high=MAX_UNITS)


class CompletionOut(ma.Schema):
    project = ma.fields.Nested(ProjectOut)
    asset = ma.fields.Nested(AssetOut)
    voucher = ma.fields.Nested(VoucherOut)


@blp.route("/construction/<project_no>/complete", methods=["POST"])
@blp.arguments(CompleteIn)
@blp.response(200, CompletionOut)
def complete(data: dict[str, Any], org: str, project_no: str) -> dict[str, Any]:
    """Complete the project: prepare Dr 固定资产 / Cr 在建工程 for its whole cost and make the
    asset card, financed by the project's fund (专项应付款 is not moved again). Every spending
    voucher must be posted first."""
    record, card, voucher = svc.complete(
        uow(),
        actor(),
        org,
        project_no,
        svc.Completion(
            on=data["date"],
            asset_no=data["asset_no"],
            use=AssetUse(data["use"]),
            useful_life_months=data["useful_life_months"],
            salvage_fen=data["salvage"],
            category=data["category"],
            method=Method(data["method"]),
            total_units=data["total_units"],
        ),
    )
    return {
        "project": present_project(record),
        "asset": present_asset(card),
        "voucher": present(voucher),
    }

"""Contracts and resources: the resources register (资源台账), the contracts (承包合同) with their
fee schedules, charging the fees due, fees received, arrears, and the 一事一议 备查簿."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from coopledger.domain.contracts import (
    Contract,
    Instalment,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
    yearly,
)
from coopledger.domain.money import format_amount, format_quantity
from coopledger.services import contracts as svc
from coopledger.services.clock import utcnow
from coopledger.services.ports.contracts import ProjectRecord
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Day, Money, Quantity, Text
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "contracts",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Resources (资源台账), contracts (承包合同) with their fees and arrears, and the "
    "一事一议 备查簿.",
)

AREA = {"type": "string", "example": "12.5"}


class ResourceIn(ma.Schema):
    kind = ma.fields.Enum(ResourceKind, by_value=True, required=True)
    name = Text(required=True, max_length=100, min_length=1)
    location = Text(load_default="", max_length=200)
    area = Quantity(required=True, metadata=AREA)
    unit = Text(required=True, max_length=20, min_length=1)
    note = Text(load_default="", max_length=2000)


class ContractInstalmentIn(ma.Schema):
    due_on = Day(required=True)
    amount = Money(required=True, metadata=MONEY)


class YearlyFeeIn(ma.Schema):
    amount = Money(required=True, metadata=MONEY)
    month = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 12))
    day = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 31))


class ContractIn(ma.Schema):
    contract_no = Text(required=True, max_length=40, min_length=1)
    party = Text(load_default="", max_length=200)
    member = Text(load_default=None, max_length=20, allow_none=True)
    resource = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1))
    subject = Text(load_default="", max_length=200)
    area = Quantity(required=True, metadata=AREA)
    unit = Text(required=True, max_length=20, min_length=1)
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    note = Text(load_default="", max_length=2000)
    instalments = ma.fields.List(
        ma.fields.Nested(ContractInstalmentIn),
        load_default=None,
        validate=ma.validate.Length(1, 600),
    )
    yearly = ma.fields.Nested(
        YearlyFeeIn,
        load_default=None,
        metadata={
            "description": "A yearly fee due each year on month-day (instead of instalments)."
        },
    )

    @ma.validates_schema
    def one_schedule(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("instalments") is None) == (data.get("yearly") is None):
            raise ma.ValidationError("give either instalments or yearly", "instalments")


class ChargeFeesIn(ma.Schema):
    date = Day(required=True)


class FeeReceiptIn(ma.Schema):
    date = Day(required=True)
    amount = Money(required=True, metadata=MONEY)
    via = ma.fields.String(load_default="cash", validate=ma.validate.OneOf(svc.VIA))


class ArrearsOnArgs(ma.Schema):
    on = Day(load_default=None, metadata={"description": "The day arrears are counted at (today)."})


class VillageProjectIn(ma.Schema):
    name = Text(required=True, max_length=200, min_length=1)
    meeting_on = Day(required=True)
    decision = Text(required=True, max_length=4000, min_length=1)
    raised = Money(load_default=0, metadata=MONEY)
    labour = Quantity(
        load_default=0, metadata={"type": "string", "example": "120", "description": "工日"}
    )
    subsidy = Money(load_default=0, metadata=MONEY)
    spent = Money(load_default=0, metadata=MONEY)
    status = ma.fields.Enum(ProjectStatus, by_value=True, load_default=ProjectStatus.PLANNED)
    vouchers = Text(load_default="", max_length=400)


def present_resource(row: svc.ResourceRow) -> dict[str, Any]:
    r = row.record.resource
    return {
        "id": row.record.id,
        "kind": r.kind.value,
        "name": r.name,
        "location": r.location,
        "area": format_quantity(r.area_milli),
        "unit": r.unit,
        "note": r.note,
        "status": row.status,
        "contracts": list(row.contracts),
    }


def present_contract(row: svc.ContractRow, *, detail: bool = False) -> dict[str, Any]:
    c, a = row.record, row.arrears
    out: dict[str, Any] = {
        "contract_no": c.contract_no,
        "party": c.party,
        "member": c.member_no,
        "resource": c.resource_id,
        "resource_name": c.resource_name,
        "subject": c.subject,
        "area": format_quantity(c.area_milli),
        "unit": c.unit,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "fees": format_amount(sum(i.amount_fen for i in c.instalments)),
        "charged": format_amount(row.charged_fen),
        "received": format_amount(row.paid_fen),
        "overdue": format_amount(a.overdue_fen),
        "overdue_since": None if a.since is None else a.since.isoformat(),
    }
    if detail:
        out["note"] = c.note
        out["instalments"] = [
            {
                "due_on": i.due_on.isoformat(),
                "amount": format_amount(i.amount_fen),
                "voucher": i.voucher_id,
            }
            for i in c.instalments
        ]
        out["receipts"] = [
            {
                "date": p.paid_on.isoformat(),
                "amount": format_amount(p.amount_fen),
                "voucher": p.voucher_id,
            }
            for p in c.payments
        ]
    return out


def present_register(reg: svc.Register, rows: list[svc.ContractRow]) -> dict[str, Any]:
    return {
        "on": reg.on.isoformat(),
        "items": [present_contract(r) for r in rows],
        "totals": {
            "charged": format_amount(sum(r.charged_fen for r in rows)),
            "received": format_amount(sum(r.paid_fen for r in rows)),
            "overdue": format_amount(sum(r.arrears.overdue_fen for r in rows)),
        },
        "next_cursor": None,
    }


def present_project(p: ProjectRecord) -> dict[str, Any]:
    x = p.project
    return {
        "id": p.id,
        "name": x.name,
        "meeting_on": x.meeting_on.isoformat(),
        "decision": x.decision,
        "raised": format_amount(x.raised_fen),
        "labour": format_quantity(x.labour_milli),
        "subsidy": format_amount(x.subsidy_fen),
        "spent": format_amount(x.spent_fen),
        "status": x.status.value,
        "vouchers": x.vouchers,
    }


def project_from(data: dict[str, Any]) -> Project:
    return Project(
        data["name"],
        data["meeting_on"],
        data["decision"],
        data["raised"],
        data["labour"],
        data["subsidy"],
        data["spent"],
        data["status"],
        data["vouchers"],
    )


def projects_print_context(org: Any, rows: list[ProjectRecord]) -> dict[str, Any]:
    """What the printed 一事一议 备查簿 shows: a line a project and the totals."""
    return {
        "org": {"name": org.name, "code": org.code},
        "rows": [
            {
                "no": n,
                "name": r.project.name,
                "meeting_on": r.project.meeting_on.isoformat(),
                "decision": r.project.decision,
                "raised_fen": r.project.raised_fen,
                "labour": format_quantity(r.project.labour_milli),
                "subsidy_fen": r.project.subsidy_fen,
                "spent_fen": r.project.spent_fen,
                "status": r.project.status.value,
                "vouchers": r.project.vouchers,
            }
            for n, r in enumerate(rows, start=1)
        ],
        "totals": {
            **svc.project_totals(rows),
            "labour": format_quantity(svc.project_totals(rows)["labour_milli"]),
        },
        "printed_on": utcnow().date().isoformat(),
    }


@blp.route("/resources")
class Resources(MethodView):
    @blp.arguments(ArrearsOnArgs, location="query")
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """The resources register (资源台账), each resource contracted or free on ``on``."""
        _org, rows = svc.resources(uow(), actor(), org, args["on"])
        return {"items": [present_resource(r) for r in rows], "next_cursor": None}

    @blp.arguments(ResourceIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Enter a resource: land, a pond, a forest, an orchard, a building; its area in its
        unit (亩, 平方米…) as an exact decimal."""
        record = svc.add_resource(
            uow(),
            actor(),
            org,
            Resource(
                data["kind"],
                data["name"],
                data["location"],
                data["area"],
                data["unit"],
                data["note"],
            ),
        )
        return present_resource(svc.ResourceRow(record, ())), 201


@blp.route("/contracts")
class Contracts(MethodView):
    @blp.arguments(ArrearsOnArgs, location="query")
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """Every contract with what was charged and received and its arrears on ``on`` (today),
        with the totals."""
        _org, reg = svc.register(uow(), actor(), org, args["on"])
        return present_register(reg, reg.rows)

    @blp.arguments(ContractIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Enter a contract (承包合同) with its fee schedule: ``instalments`` (each a due day and
        an amount) or ``yearly`` (an amount due each year on month-day within the term). The
        party is a ``member`` of the organization or an outside ``party`` by name. A chart
        without an account for contract fees (a cooperative's) → 409 ``no_contract_income``."""
        if data["yearly"] is not None:
            y = data["yearly"]
            schedule = yearly(data["starts_on"], data["ends_on"], y["amount"], y["month"], y["day"])
        else:
            schedule = [Instalment(i["due_on"], i["amount"]) for i in data["instalments"]]
        record = svc.add_contract(
            uow(),
            actor(),
            org,
            Contract(
                data["contract_no"],
                data["party"],
                data["member"] or None,
                data["resource"],
                data["subject"],
                data["area"],
                data["unit"],
                data["starts_on"],
                data["ends_on"],
                tuple(schedule),
                data["note"],
            ),
        )
        _org, row = svc.contract(uow(), actor(), org, record.contract_no)
        return present_contract(row, detail=True), 201


@blp.route("/contracts/arrears")
@blp.arguments(ArrearsOnArgs, location="query")
def arrears(args: dict[str, Any], org: str) -> dict[str, Any]:
    """The contracts in arrears on ``on`` (today): fees due and charged, not received."""
    _org, reg = svc.register(uow(), actor(), org, args["on"])
    return present_register(reg, reg.in_arrears)


@blp.route("/contracts/charge", methods=["POST"])
@blp.arguments(ChargeFeesIn)
def charge(data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
    """Prepare the voucher that charges every instalment due by ``date`` and not yet charged:
    Dr 内部往来 (the member's) or 应收款 / Cr 经营收入 (发包及上交收入). A second run charges
    nothing twice: ``charged`` 0 and ``voucher`` null (200)."""
    done = svc.charge(uow(), actor(), org, data["date"])
    body = {
        "date": done.on.isoformat(),
        "charged": len(done.due),
        "amount": format_amount(done.total_fen),
        "voucher": None if done.voucher is None else done.voucher.id,
        "instalments": [
            {
                "contract_no": d.contract_no,
                "party": d.party,
                "due_on": d.due_on.isoformat(),
                "amount": format_amount(d.amount_fen),
            }
            for d in done.due
        ],
    }
    return body, 201 if done.voucher is not None else 200


@blp.route("/contracts/<contract_no>")
@blp.arguments(ArrearsOnArgs, location="query")
def one_contract(args: dict[str, Any], org: str, contract_no: str) -> dict[str, Any]:
    """One contract with its fee schedule (each instalment with the voucher that charged it),
    its receipts and its arrears on ``on`` (today)."""
    _org, row = svc.contract(uow(), actor(), org, contract_no, args["on"])
    return present_contract(row, detail=True)


@blp.route("/contracts/<contract_no>/receipts", methods=["POST"])
@blp.arguments(FeeReceiptIn)
def receipt(data: dict[str, Any], org: str, contract_no: str) -> tuple[dict[str, Any], int]:
    """Record a fee received and prepare its voucher: Dr 库存现金 (``via`` cash) or 银行存款 /
    Cr the party's receivable. More than charged and not received → 409 ``contract_overpaid``."""
    row, voucher = svc.receive(
        uow(),
        actor(),
        org,
        contract_no,
        paid_on=data["date"],
        amount_fen=data["amount"],
        via=data["via"],
    )
    return {**present_contract(row, detail=True), "voucher": voucher.id}, 201


@blp.route("/village-projects")
class Projects(MethodView):
    @blp.arguments(FormatArgs, location="query")
    @blp.doc(responses=pdf_doc("The 一事一议 备查簿 to print (format=pdf)."))
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any] | Response:
        """The 一事一议 备查簿: projects the villagers' meetings decided, by meeting date, with
        the totals. ``format=pdf`` prints it."""
        organization, rows = svc.projects(uow(), actor(), org)
        if args["format"] == "pdf":
            return pdf_response(
                "village_projects.html",
                projects_print_context(organization, rows),
                ["village-projects", org],
                locale=args["lang"],
            )
        totals = svc.project_totals(rows)
        return {
            "items": [present_project(p) for p in rows],
            "totals": {
                "raised": format_amount(totals["raised_fen"]),
                "labour": format_quantity(totals["labour_milli"]),
                "subsidy": format_amount(totals["subsidy_fen"]),
                "spent": format_amount(totals["spent_fen"]),
            },
        }

    @blp.arguments(VillageProjectIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Enter a project in the 一事一议 备查簿 (villages only; a cooperative → 409
        ``villages_only``)."""
        return present_project(svc.save_project(uow(), actor(), org, project_from(data))), 201


@blp.route("/village-projects/<int:project_id>", methods=["PUT"])
@blp.arguments(VillageProjectIn)
def edit_project(data: dict[str, Any], org: str, project_id: int) -> dict[str, Any]:
    """Change a project of the 一事一议 备查簿: every field as it now stands."""
    return present_project(svc.save_project(uow(), actor(), org, project_from(data), project_id))

"""``/api/v1/orgs``: the organizations."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.accounts import CHARTS
from coopledger.domain.money import format_amount
from coopledger.services import orgs as svc
from coopledger.services.ports import Org
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Money, Text

blp = Blueprint(
    "orgs",
    __name__,
    url_prefix="/api/v1/orgs",
    description="Organizations: cooperatives and village collectives.",
)


class OrgIn(ma.Schema):
    code = ma.fields.String(required=True)
    name = Text(required=True, max_length=200, min_length=1)
    kind = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["cooperative", "village_collective"])
    )
    region = Text(load_default="", max_length=400)
    chart = ma.fields.String(load_default=None, validate=ma.validate.OneOf(CHARTS))
    allow_single_accountant = ma.fields.Boolean(load_default=False)


class OrgOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    region = ma.fields.String()
    chart = ma.fields.String()
    allow_single_accountant = ma.fields.Boolean()
    chain_head = ma.fields.String()
    vouchers_posted = ma.fields.Integer()
    chief_accountant = ma.fields.String(
        allow_none=True, metadata={"description": "会计主管: the name voucher prints sign with"}
    )
    cash_limit = ma.fields.String(
        allow_none=True,
        metadata={"description": "库存现金限额 in yuan: the most cash on hand at a day's end"},
    )


class OrgPatch(ma.Schema):
    name = Text(max_length=200, min_length=1)
    chief_accountant = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "会计主管's name (null or empty: nobody named)"},
    )
    allow_single_accountant = ma.fields.Boolean(
        metadata={"description": "one accountant may review and post the vouchers it prepared"}
    )
    cash_limit = Money(
        allow_none=True,
        metadata={
            **MONEY,
            "description": "库存现金限额 in yuan (null: no limit): the audit finds each day "
            "cash on hand ended above it",
        },
    )


class OrgList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OrgOut))
    next_cursor = ma.fields.String(allow_none=True)


def present_org(org: Org) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "region": org.region,
        "chart": org.chart,
        "allow_single_accountant": org.allow_single_accountant,
        "chain_head": org.chain_head,
        "vouchers_posted": org.chain_seq,
        "chief_accountant": org.chief_accountant,
        "cash_limit": None if org.cash_limit_fen is None else format_amount(org.cash_limit_fen),
    }


@blp.route("")
class Orgs(MethodView):
    @blp.response(200, OrgList)
    def get(self) -> dict[str, Any]:
        """The organizations the caller can see."""
        return {
            "items": [present_org(o) for o in svc.list_orgs(uow(), actor())],
            "next_cursor": None,
        }

    @blp.arguments(OrgIn)
    @blp.response(201, OrgOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an organization from a statutory chart (admin)."""
        return present_org(svc.create_org(uow(), actor(), **data))


@blp.route("/<org>")
class OneOrg(MethodView):
    @blp.response(200, OrgOut)
    def get(self, org: str) -> dict[str, Any]:
        """One organization, by its code."""
        return present_org(svc.get_org(uow(), actor(), org))

    @blp.arguments(OrgPatch)
    @blp.response(200, OrgOut)
    def patch(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Rename the organization, name its 会计主管 (printed on its vouchers) or set whether
        one accountant may review its own vouchers (admin); a field left out is unchanged."""
        chief = data.get("chief_accountant", ...)
        return present_org(
            svc.update_org(
                uow(),
                actor(),
                org,
                name=data.get("name"),
                chief_accountant=None if chief is ... else chief or "",
                allow_single_accountant=data.get("allow_single_accountant"),
                cash_limit_fen=data.get("cash_limit", ...),
            )
        )

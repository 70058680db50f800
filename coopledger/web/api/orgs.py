"""``/api/v1/orgs``: organizations, their chart of accounts, members and funds."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.accounts import CHARTS, Account
from coopledger.domain.members import MemberKind, PovertyStatus, mask
from coopledger.services import orgs as svc
from coopledger.services.ports import Member, Org
from coopledger.web.api.common import Blueprint, PageArgs, actor, decode_cursor, page, uow
from coopledger.web.api.fields import Day, Text

blp = Blueprint(
    "orgs",
    __name__,
    url_prefix="/api/v1/orgs",
    description="Organizations, charts of accounts, members and funds.",
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


class OrgList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OrgOut))
    next_cursor = ma.fields.String(allow_none=True)


class AccountIn(ma.Schema):
    code = ma.fields.String(required=True)
    name = Text(required=True, max_length=100, min_length=1)
    name_en = Text(load_default=None, allow_none=True, max_length=100)
    parent = ma.fields.String(required=True)


class AccountOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()
    parent = ma.fields.String(allow_none=True)
    category = ma.fields.String()
    normal_side = ma.fields.String()
    subledger = ma.fields.String()
    postable = ma.fields.Boolean()
    standard = ma.fields.Boolean()


class AccountList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountOut))
    next_cursor = ma.fields.String(allow_none=True)


class MemberIn(ma.Schema):
    member_no = ma.fields.String(required=True)
    name = Text(required=True, max_length=100, min_length=1)
    kind = ma.fields.String(load_default="household", validate=ma.validate.OneOf(list(MemberKind)))
    household_size = ma.fields.Integer(load_default=None, allow_none=True, strict=True)
    id_number = ma.fields.String(load_default=None, allow_none=True)
    bank_account = Text(load_default=None, allow_none=True, max_length=40)
    poverty_status = ma.fields.String(
        load_default="none", validate=ma.validate.OneOf(list(PovertyStatus))
    )
    joined_on = Day(load_default=None, allow_none=True)
    organization = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "for a collective member: the organization it stands for"},
    )


class MemberPatch(ma.Schema):
    name = Text(max_length=100, min_length=1)
    kind = ma.fields.String(validate=ma.validate.OneOf(list(MemberKind)))
    household_size = ma.fields.Integer(allow_none=True, strict=True)
    id_number = ma.fields.String(allow_none=True)
    bank_account = Text(allow_none=True, max_length=40)
    poverty_status = ma.fields.String(validate=ma.validate.OneOf(list(PovertyStatus)))
    status_effective_on = Day()
    left_on = Day(allow_none=True)
    organization = ma.fields.String(allow_none=True)


class MemberOut(ma.Schema):
    member_no = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    household_size = ma.fields.Integer(allow_none=True)
    id_number = ma.fields.String(allow_none=True, metadata={"description": "always masked"})
    bank_account = ma.fields.String(allow_none=True, metadata={"description": "always masked"})
    poverty_status = ma.fields.String()
    joined_on = ma.fields.String(allow_none=True)
    left_on = ma.fields.String(allow_none=True)
    organization = ma.fields.String(allow_none=True)


class MemberList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MemberOut))
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
    }


def present_account(account: Account) -> dict[str, Any]:
    return {
        "code": account.code,
        "name": account.name_zh,
        "name_en": account.name_en,
        "parent": account.parent,
        "category": account.category.value,
        "normal_side": account.normal_side.value,
        "subledger": account.subledger.value,
        "postable": account.postable,
        "standard": account.standard,
    }


def present_member(member: Member, organization: str | None = None) -> dict[str, Any]:
    return {
        "organization": organization,
        "member_no": member.member_no,
        "name": member.name,
        "kind": member.kind,
        "household_size": member.household_size,
        "id_number": mask(member.id_number),
        "bank_account": mask(member.bank_account, head=0, tail=4),
        "poverty_status": member.poverty_status,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "left_on": member.left_on.isoformat() if member.left_on else None,
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
@blp.response(200, OrgOut)
def get_org(org: str) -> dict[str, Any]:
    """One organization, by its code."""
    return present_org(svc.get_org(uow(), actor(), org))


@blp.route("/<org>/accounts")
class Accounts(MethodView):
    @blp.response(200, AccountList)
    def get(self, org: str) -> dict[str, Any]:
        """The chart of accounts, sub-accounts included."""
        return {
            "items": [present_account(a) for a in svc.list_accounts(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(AccountIn)
    @blp.response(201, AccountOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Add a sub-account (明细科目) under a standard or earlier sub-account."""
        return present_account(
            svc.add_account(
                uow(), actor(), org, data["code"], data["name"], data["parent"], data["name_en"]
            )
        )


@blp.route("/<org>/members")
class Members(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MemberList)
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """The member register (ID and bank numbers masked)."""
        found = svc.list_members(uow(), actor(), org, args["limit"], decode_cursor(args["cursor"]))
        return page([present_member(m) for m in found], [m.id for m in found], args["limit"])

    @blp.arguments(MemberIn)
    @blp.response(201, MemberOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Admit a member (ID number checked with the GB 11643 check digit)."""
        return present_member(svc.create_member(uow(), actor(), org, data), data["organization"])


@blp.route("/<org>/members/<member_no>")
class OneMember(MethodView):
    @blp.response(200, MemberOut)
    def get(self, org: str, member_no: str) -> dict[str, Any]:
        """One member (a household user sees only its own record)."""
        member = svc.get_member(uow(), actor(), org, member_no)
        link = (
            svc.member_link(uow(), actor(), org, member_no) if member.kind != "household" else None
        )
        return present_member(member, link)

    @blp.arguments(MemberPatch)
    @blp.response(200, MemberOut)
    def patch(self, data: dict[str, Any], org: str, member_no: str) -> dict[str, Any]:
        """Change a member; a poverty-status change is kept as dated history."""
        member = svc.update_member(uow(), actor(), org, member_no, data)
        return present_member(member, svc.member_link(uow(), actor(), org, member_no))

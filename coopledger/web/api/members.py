"""The members of one organization: the member register, and what the books hold of each member —
its transactions, its account (成员账户), its status, its leaving, its dividend statement."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from coopledger.domain.members import MemberKind, MonitorKind, PovertyStatus, mask
from coopledger.domain.money import format_amount, format_quantity
from coopledger.services import household_statements
from coopledger.services import orgs as org_svc
from coopledger.services import shares as share_svc
from coopledger.services.clock import utcnow
from coopledger.services.ports import Member
from coopledger.services.print_contexts import drawn_from, member_account_print_context
from coopledger.web.api.common import (
    Blueprint,
    DrawnFromOut,
    LangArgs,
    PageArgs,
    actor,
    decode_cursor,
    page,
    uow,
)
from coopledger.web.api.fields import MONEY, Day, Money, Quantity, Text, Year
from coopledger.web.api.pdf import pdf_response
from coopledger.web.api.vouchers import VoucherOut, present

blp = Blueprint(
    "members",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Members: the register, transactions, account, status, leaving, statement.",
)


# -- the member register ----------------------------------------------------------------------


STATUS_DOC = (
    "exited (脱贫户: once registered poor, support continues), monitored (监测户, see "
    "monitor_kind), none (一般户), low_income (低保), extreme_poverty (特困); poor "
    "(建档立卡贫困户) is the older name of exited, accepted and recorded as exited"
)
KIND_DOC = (
    "a monitored household's kind: unstable (脱贫不稳定户), marginal (边缘易致贫户), "
    "sudden_hardship (突发严重困难户)"
)


class MemberIn(ma.Schema):
    member_no = ma.fields.String(required=True)
    name = Text(required=True, max_length=100, min_length=1)
    kind = ma.fields.String(load_default="household", validate=ma.validate.OneOf(list(MemberKind)))
    household_size = ma.fields.Integer(load_default=None, allow_none=True, strict=True)
    id_number = ma.fields.String(load_default=None, allow_none=True)
    bank_account = Text(load_default=None, allow_none=True, max_length=40)
    poverty_status = ma.fields.String(
        load_default="none",
        validate=ma.validate.OneOf(list(PovertyStatus)),
        metadata={"description": STATUS_DOC},
    )
    monitor_kind = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(list(MonitorKind)),
        metadata={"description": KIND_DOC},
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
    poverty_status = ma.fields.String(
        validate=ma.validate.OneOf(list(PovertyStatus)), metadata={"description": STATUS_DOC}
    )
    monitor_kind = ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(list(MonitorKind)),
        metadata={"description": KIND_DOC},
    )
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
    monitor_kind = ma.fields.String(allow_none=True)
    joined_on = ma.fields.String(allow_none=True)
    left_on = ma.fields.String(allow_none=True)
    organization = ma.fields.String(allow_none=True)


class MemberList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MemberOut))
    next_cursor = ma.fields.String(allow_none=True)


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
        "monitor_kind": member.monitor_kind,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "left_on": member.left_on.isoformat() if member.left_on else None,
    }


@blp.route("/members")
class Members(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MemberList)
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any]:
        """The member register (ID and bank numbers masked)."""
        found = org_svc.list_members(
            uow(), actor(), org, args["limit"], decode_cursor(args["cursor"])
        )
        return page([present_member(m) for m in found], [m.id for m in found], args["limit"])

    @blp.arguments(MemberIn)
    @blp.response(201, MemberOut)
    def post(self, data: dict[str, Any], org: str) -> dict[str, Any]:
        """Admit a member (ID number checked with the GB 11643 check digit)."""
        return present_member(
            org_svc.create_member(uow(), actor(), org, data), data["organization"]
        )


@blp.route("/members/<member_no>")
class OneMember(MethodView):
    @blp.response(200, MemberOut)
    def get(self, org: str, member_no: str) -> dict[str, Any]:
        """One member (a household user sees only its own record)."""
        member = org_svc.get_member(uow(), actor(), org, member_no)
        link = (
            org_svc.member_link(uow(), actor(), org, member_no)
            if member.kind != "household"
            else None
        )
        return present_member(member, link)

    @blp.arguments(MemberPatch)
    @blp.response(200, MemberOut)
    def patch(self, data: dict[str, Any], org: str, member_no: str) -> dict[str, Any]:
        """Change a member; a poverty-status change is kept as dated history."""
        member = org_svc.update_member(uow(), actor(), org, member_no, data)
        return present_member(member, org_svc.member_link(uow(), actor(), org, member_no))


# -- what the books hold of a member -------------------------------------------------------------


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
        organization = org_svc.get_org(uow(), actor(), org)
        member = org_svc.get_member(uow(), actor(), org, member_no)
        context = member_account_print_context(acc, organization.name, member.id_number)
        return pdf_response(
            "member_account.html",
            context,
            ["member-account", org, member_no, str(acc.year)],
            locale=args["lang"],
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
    # Imported here: WeasyPrint loads Pango when imported, and only PDFs need it.
    from coopledger.adapters.household_statement_pdf import issue_statement

    base = household_statements.verification_base(
        current_app.extensions["coopledger"].settings.public_url
    )
    s = household_statements.household_statement(uow(), actor(), org, member_no, year)
    pdf = issue_statement(uow(), s, base, isolated=True, locale=args["lang"])
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="statement-{org}-{member_no}-{year}.pdf"'
        },
    )

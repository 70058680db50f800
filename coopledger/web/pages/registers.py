"""The registers: members, funds and what became of them, fixed assets."""

from __future__ import annotations

from typing import Any

from flask import render_template

from coopledger.services import orgs as org_svc
from coopledger.services import registers as reg_svc
from coopledger.services import shares as share_svc
from coopledger.services.registers import accumulated
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, login_required, signed_in


@bp.route("/orgs/<org>/members")
@login_required
def members(org: str) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    found = org_svc.list_members(uow(), who, org, 5000, 0)
    register = share_svc.share_register(uow(), who, org)
    holdings = {h.member_no: h for h in register.holdings}
    return render_template(
        "pages/members.html", org=the_org, members=found, holdings=holdings, register=register
    )


@bp.route("/orgs/<org>/funds")
@login_required
def funds(org: str) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    return render_template(
        "pages/funds.html", org=the_org, views=reg_svc.fund_views(uow(), who, org)
    )


@bp.route("/orgs/<org>/funds/<code>")
@login_required
def fund(org: str, code: str) -> Any:
    """The fund's trace: grant received, spending, the assets it became, the shares quantified."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    trace = reg_svc.fund_trace(uow(), who, org, code)
    return render_template("pages/fund.html", org=the_org, trace=trace)


@bp.route("/orgs/<org>/assets")
@login_required
def assets(org: str) -> Any:
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    records = reg_svc.list_assets(uow(), who, org)
    return render_template(
        "pages/assets.html", org=the_org, records=records, accumulated=accumulated
    )

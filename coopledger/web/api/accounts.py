"""The chart of accounts of one organization: its accounts and the sub-accounts added to it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from coopledger.domain.accounts import Account
from coopledger.services import orgs as svc
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import Text

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="The chart of accounts: the statutory accounts and the sub-accounts added to it.",
)


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


@blp.route("/accounts")
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

"""``/api/v1/auth/tokens`` and ``/api/v1/users``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from coopledger.domain.roles import Role
from coopledger.services import auth as svc
from coopledger.services.auth import UserSummary
from coopledger.web.api.common import Blueprint, actor, uow

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Tokens and users.")


class TokenIn(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(max=80))
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=1000))


class TokenOut(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.String()


class UserIn(ma.Schema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=1000))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Role)))
    orgs = ma.fields.List(ma.fields.String(), load_default=list)
    member = ma.fields.String(load_default=None, allow_none=True)
    regions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=400)), load_default=list
    )


class UserOut(ma.Schema):
    username = ma.fields.String()
    role = ma.fields.String()
    orgs = ma.fields.List(ma.fields.String())
    member = ma.fields.String(allow_none=True)
    regions = ma.fields.List(ma.fields.String())


class UserList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UserOut))
    next_cursor = ma.fields.String(allow_none=True)


@blp.route("/auth/tokens", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def create_token(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    ext = current_app.extensions["coopledger"]
    token, expires = svc.issue_token(
        uow(),
        ext.hasher,
        data["username"],
        data["password"],
        timedelta(hours=ext.settings.token_ttl_hours),
    )
    return {"token": token, "expires_at": expires.isoformat()}


def _present(user: UserSummary) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role.value,
        "orgs": list(user.orgs),
        "member": user.member,
        # only for a user scoped to regions (issue 10), so older clients see the same answer
        **({"regions": list(user.regions)} if user.regions else {}),
    }


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserList)
    def get(self) -> dict[str, Any]:
        """Users and their roles (admin)."""
        return {"items": [_present(u) for u in svc.list_users(uow(), actor())], "next_cursor": None}

    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a user with a role over organizations (admin)."""
        ext = current_app.extensions["coopledger"]
        return _present(
            svc.create_user(
                uow(),
                actor(),
                ext.hasher,
                data["username"],
                data["password"],
                data["role"],
                data["orgs"],
                data["member"],
                regions=data["regions"],
            )
        )

"""``/api/v1/auth/tokens`` and ``/api/v1/users``: signing in, revoking tokens, administering users.

A successful sign-in also sets a signed *device cookie* naming the account: a later sign-in
carrying it is exempt from the per-account throttle, so failing on purpose from elsewhere cannot
lock the owner out of a browser or client it has used before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma
from flask import current_app, make_response, request
from flask.views import MethodView
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from coopledger.domain.roles import Role
from coopledger.services import auth as svc
from coopledger.services.auth import UserSummary
from coopledger.services.ports import TokenInfo
from coopledger.web.api.common import Blueprint, actor, uow

DEVICE_COOKIE = "coopledger_device"
DEVICE_DAYS = 90
DEVICE_ACCOUNTS = 5  # accounts one device remembers (a shared office computer)

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
    also_members = ma.fields.List(
        ma.fields.String(),
        load_default=list,
        metadata={
            "description": "a household user's further memberships, ORG/MEMBER_NO: the same "
            "household's record in another organization (its cooperative and its village)"
        },
    )
    regions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=400)), load_default=list
    )
    full_name = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "the person's name, printed on the vouchers the user signs"},
    )


class UserOut(ma.Schema):
    username = ma.fields.String()
    role = ma.fields.String()
    orgs = ma.fields.List(ma.fields.String())
    member = ma.fields.String(allow_none=True)
    also_members = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "a household user's further memberships, ORG/MEMBER_NO: the same "
            "household's record in another organization (its cooperative and its village)"
        },
    )
    regions = ma.fields.List(ma.fields.String())
    active = ma.fields.Boolean(metadata={"description": "present (false) for a disabled user"})
    full_name = ma.fields.String(metadata={"description": "present when the user has one"})
    locked = ma.fields.Boolean(
        metadata={
            "description": "present (true) after many failed logins from anywhere: devices the "
            "user has not signed in from are refused for a while"
        }
    )


class UserList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UserOut))
    next_cursor = ma.fields.String(allow_none=True)


class UserPatch(ma.Schema):
    active = ma.fields.Boolean(metadata={"description": "false ends every token and session"})
    role = ma.fields.String(validate=ma.validate.OneOf(list(Role)))
    orgs = ma.fields.List(ma.fields.String())
    regions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=200)),
        validate=ma.validate.Length(max=50),
        metadata={"description": "replaces the region paths the user is scoped to ([] removes)"},
    )
    member = ma.fields.String(allow_none=True)
    also_members = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "a household user's further memberships, ORG/MEMBER_NO: the same "
            "household's record in another organization (its cooperative and its village)"
        },
    )
    password = ma.fields.String(
        validate=ma.validate.Length(max=1000),
        metadata={"description": "a new password ends the user's other tokens and sessions"},
    )
    full_name = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={
            "description": "the person's name, printed on the vouchers they prepare, review or "
            "post instead of the username (empty clears it)"
        },
    )


class TokenInfoOut(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.String()
    expires_at = ma.fields.String()
    last_used_at = ma.fields.String(allow_none=True)


class TokenInfoList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TokenInfoOut))
    next_cursor = ma.fields.String(allow_none=True)


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="coopledger-device")


def _remembered() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        names = _devices().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def known_device(username: str) -> bool:
    """Whether this request's device cookie says the account signed in here before."""
    return username.strip().lower() in _remembered()


def remember_device(response: Response, username: str) -> None:
    """Set (or refresh) the signed device cookie after a successful sign-in."""
    name = username.strip().lower()
    names = [name, *[n for n in _remembered() if n != name][: DEVICE_ACCOUNTS - 1]]
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(names),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure,
    )


def _bearer() -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


@blp.route("/auth/tokens", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def create_token(data: dict[str, Any]) -> Any:
    """Exchange a username and password for a bearer token (and a device cookie)."""
    ext = current_app.extensions["coopledger"]
    token, expires = svc.issue_token(
        uow(),
        ext.hasher,
        data["username"],
        data["password"],
        timedelta(hours=ext.settings.token_ttl_hours),
        known_device=known_device(data["username"]),
    )
    response = make_response(({"token": token, "expires_at": expires.isoformat()}, 201))
    remember_device(response, data["username"])
    return response


@blp.route("/auth/tokens", methods=["DELETE"])
@blp.response(204)
def revoke_everywhere() -> None:
    """Sign out everywhere: every token and web session of the caller, this one too."""
    svc.revoke_everywhere(uow(), actor())


@blp.route("/auth/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_current() -> None:
    """Revoke the token of this request."""
    svc.revoke_current(uow(), actor(), _bearer())


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id: int) -> None:
    """Revoke any token by its id (admin; ids are listed under the user's tokens)."""
    svc.revoke_token(uow(), actor(), token_id)


def _present(user: UserSummary) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role.value,
        "orgs": list(user.orgs),
        "member": user.member,
        **({"also_members": list(user.also_members)} if user.also_members else {}),
        # only for a user scoped to regions, so older clients see the same answer
        **({"regions": list(user.regions)} if user.regions else {}),
        # only when they are news (a disabled or locked user), like ``regions`` above
        **({"active": False} if not user.active else {}),
        **({"locked": True} if user.locked else {}),
        **({"full_name": user.full_name} if user.full_name else {}),
    }


def _present_token(token: TokenInfo) -> dict[str, Any]:
    return {
        "id": token.id,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
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
                [data["member"], *data["also_members"]] if data["member"] else None,
                regions=data["regions"],
                full_name=data["full_name"],
            )
        )


@blp.route("/users/<username>", methods=["PATCH"])
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def update_user(data: dict[str, Any], username: str) -> dict[str, Any]:
    """Disable or enable a user, change its role, organizations, password or full name
    (admin)."""
    ext = current_app.extensions["coopledger"]
    return _present(
        svc.update_user(
            uow(),
            actor(),
            ext.hasher,
            username,
            active=data.get("active"),
            role=data.get("role"),
            org_codes=data.get("orgs"),
            member=[data["member"], *data.get("also_members", [])] if data.get("member") else None,
            password=data.get("password"),
            keep_token=_bearer(),
            full_name=data.get("full_name"),
            regions=data.get("regions"),
        )
    )


@blp.route("/users/<username>/unlock", methods=["POST"])
@blp.response(200, UserOut)
def unlock_user(username: str) -> dict[str, Any]:
    """Lift the lock many failed logins put on an account, so it may sign in from anywhere
    again at once (admin)."""
    return _present(svc.unlock_user(uow(), actor(), username))


@blp.route("/users/<username>/tokens", methods=["GET"])
@blp.response(200, TokenInfoList)
def user_tokens(username: str) -> dict[str, Any]:
    """A user's tokens: id, created, expires, last used — never the secret (admin)."""
    found = svc.list_tokens(uow(), actor(), username)
    return {"items": [_present_token(t) for t in found], "next_cursor": None}

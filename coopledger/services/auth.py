"""Users, passwords and API tokens.

Passwords are hashed with argon2id (an adapter behind :class:`PasswordHasher`). A token is 32
random bytes shown once; only its SHA-256 is stored. Ten failed logins in a row lock the account
for fifteen minutes; an unknown user and a wrong password get the same answer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from coopledger.domain.errors import (
    DomainError,
    Duplicate,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from coopledger.domain.regions import normalize
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services import ratelimit
from coopledger.services.access import require
from coopledger.services.clock import utcnow
from coopledger.services.ports import Store, UnitOfWork, User

Clock = Callable[[], datetime]
MAX_FAILURES = 10
LOCKOUT = timedelta(minutes=15)
USERNAME_RE = re.compile(r"[A-Za-z0-9_.@-]{3,80}", re.ASCII)
MIN_PASSWORD = 10


class TooManyAttempts(DomainError):
    kind = "rate_limited"
    code = "too_many_attempts"


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class UserSummary:
    username: str
    role: Role
    orgs: tuple[str, ...]
    member: str | None  # ORG/MEMBER_NO for a household user
    regions: tuple[str, ...] = ()  # region paths the user is scoped to (issue 10)


def _summary(store: Store, user: User) -> UserSummary:
    codes = {o.id: o.code for o in store.orgs(user.org_ids)}
    member = None
    if user.member_id is not None:
        found = store.member_by_id(user.member_id)
        if found is not None:
            member = f"{codes.get(found.org_id, '?')}/{found.member_no}"
    return UserSummary(
        user.username, user.role, tuple(sorted(codes.values())), member, user.regions
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.org_ids, user.member_id, user.regions)


def issue_token(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    password: str,
    ttl: timedelta,
    *,
    clock: Clock = utcnow,
) -> tuple[str, datetime]:
    """Check a username and password; returns (token, expires_at).

    :raise Unauthenticated: unknown user or wrong password (one message for both).
    :raise TooManyAttempts: the account is locked after repeated failures.
    :raise RateLimited: ten failures within a minute from this address for this username (429).
    """
    now = clock()
    with uow:
        store = uow.store
        ratelimit.check(uow.audit, username, now)
        user = store.user_by_name(username)
        if user is None:
            hasher.verify(_DUMMY_HASH.get(hasher), password)  # same work as a real check
            ratelimit.failed(uow.audit, username, now)
            store.audit(None, None, "auth.failed", "user", username[:80], {}, now)
            uow.commit()
            raise Unauthenticated("invalid username or password", code="invalid_credentials")
        if user.locked_until is not None and user.locked_until > now:
            raise TooManyAttempts("too many failed logins; try again later")
        if not hasher.verify(user.password_hash, password):
            failures = user.failed_logins + 1
            locked = now + LOCKOUT if failures >= MAX_FAILURES else None
            store.record_login(user.id, 0 if locked else failures, locked)
            ratelimit.failed(uow.audit, username, now)
            store.audit(None, user.id, "auth.failed", "user", username, {}, now)
            uow.commit()
            raise Unauthenticated("invalid username or password", code="invalid_credentials")
        new_hash = hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
        store.record_login(user.id, 0, None, new_hash)
        token = secrets.token_urlsafe(32)
        expires = now + ttl
        store.add_token(user.id, token_digest(token), now, expires)
        store.audit(
            None, user.id, "auth.login", "user", username, {"rehashed": new_hash is not None}, now
        )
        uow.commit()
    return token, expires


def authenticate(uow: UnitOfWork, token: str, *, clock: Clock = utcnow) -> Actor:
    """The actor behind a bearer token. :raise Unauthenticated: unknown or expired token."""
    with uow:
        user = uow.store.user_by_token(token_digest(token), clock())
    if user is None:
        raise Unauthenticated("the token is invalid or has expired", code="invalid_token")
    return actor_of(user)


def create_user(
    uow: UnitOfWork,
    actor: Actor | None,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: str,
    org_codes: Sequence[str],
    member: str | None = None,
    *,
    regions: Sequence[str] = (),
    clock: Clock = utcnow,
) -> UserSummary:
    """Create a user with one role over some organizations (admin only; ``actor`` None is the
    machine's operator at the command line).

    ``member`` is ``ORG/MEMBER_NO`` for a household user, whose one organization it implies.
    ``regions`` are region paths (``济南市/商河县``): the user also sees every organization under
    them, now and later (an auditor or county officer; a township accountant).

    :raise Forbidden: the actor is not an admin. :raise Duplicate: the username is taken.
    :raise ValidationFailed: bad username, short password, unknown role, organization or member.
    """
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.fullmatch(username):
        errors["username"] = ["3 to 80 letters, digits or _ . @ -"]
    if len(password) < MIN_PASSWORD:
        errors["password"] = [f"at least {MIN_PASSWORD} characters"]
    if role not in set(Role):
        errors["role"] = [f"must be one of {', '.join(Role)}"]
    if role == Role.HOUSEHOLD and not member:
        errors["member"] = ["a household user names its member as ORG/MEMBER_NO"]
    if member and role != Role.HOUSEHOLD:
        errors["member"] = ["only a household user names a member"]
    if role not in (Role.ADMIN, Role.HOUSEHOLD) and not org_codes and not regions:
        errors["orgs"] = ["name at least one organization or region"]
    if regions and role == Role.HOUSEHOLD:
        errors["regions"] = ["a household user is not scoped to a region"]
    paths: list[str] = []
    for text in regions:
        try:
            paths.append(normalize(text, field="regions"))
        except ValidationFailed as exc:
            errors.setdefault("regions", []).extend(exc.errors.get("regions", []))
    if errors:
        raise ValidationFailed("the user is invalid", errors=errors)
    with uow:
        store = uow.store
        if store.user_by_name(username) is not None:
            raise Duplicate(f"user {username!r} exists")
        org_ids: list[int] = []
        for code in org_codes:
            org = store.org_by_code(code)
            if org is None:
                raise ValidationFailed(
                    f"unknown organization {code!r}",
                    errors={"orgs": [f"unknown organization {code!r}"]},
                )
            org_ids.append(org.id)
        member_id = None
        if member:
            org_code, _, member_no = member.partition("/")
            org = store.org_by_code(org_code)
            found = store.member(org.id, member_no) if org else None
            if org is None or found is None:
                raise ValidationFailed(
                    f"unknown member {member!r}", errors={"member": [f"unknown member {member!r}"]}
                )
            member_id = found.id
            org_ids = [org.id]
        region_ids = uow.regions.node_ids(paths)
        unknown = [p for p in paths if p not in region_ids]
        if unknown:
            raise ValidationFailed(
                f"unknown region {unknown[0]!r}",
                errors={"regions": [f"unknown region {p!r}" for p in unknown]},
            )
        user = store.add_user(username, hasher.hash(password), Role(role), org_ids, member_id)
        if region_ids:
            uow.regions.set_user_regions(user.id, list(region_ids.values()))
            user = store.user_by_name(username) or user
        store.audit(
            None,
            actor.user_id if actor else None,
            "user.create",
            "user",
            username,
            {"role": role, "orgs": list(org_codes), **({"regions": paths} if paths else {})},
            clock(),
        )
        summary = _summary(store, user)
        uow.commit()
    return summary


def list_users(uow: UnitOfWork, actor: Actor) -> list[UserSummary]:
    require(actor, Action.MANAGE_USERS)
    with uow:
        return [_summary(uow.store, u) for u in uow.store.users()]


def actor_named(uow: UnitOfWork, username: str) -> Actor:
    """The actor for a username: the CLI and the demonstration act as named users.

    :raise NotFound: no such user.
    """
    with uow:
        user = uow.store.user_by_name(username)
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return actor_of(user)


class _DummyHashes:
    """One throwaway hash per hasher, so that an unknown username costs a real verification."""

    def __init__(self) -> None:
        self._by_hasher: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = id(hasher)
        if key not in self._by_hasher:
            self._by_hasher[key] = hasher.hash(secrets.token_urlsafe(16))
        return self._by_hasher[key]


_DUMMY_HASH = _DummyHashes()

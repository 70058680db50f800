"""Users, passwords, API tokens and web sessions.

Passwords are hashed with argon2id (an adapter behind :class:`PasswordHasher`). A token or a web
session id is 32 random bytes shown once; only its SHA-256 is stored, so either can be revoked:
one at a time, all of a user's at once, and every one of a user who is disabled or whose password
an administrator changes. Failed logins are throttled per (account, address), per address and
per account (:mod:`.ratelimit`); an unknown user and a wrong password get the same answer after
the same work. Usernames are unique in any letter case.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from coopledger.domain.errors import (
    Duplicate,
    InvalidState,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from coopledger.domain.regions import normalize
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services import ratelimit
from coopledger.services.access import require
from coopledger.services.clock import utcnow
from coopledger.services.ports import (
    Clock,
    OrgStore,
    PasswordHasher,
    Store,
    TokenInfo,
    UnitOfWork,
    User,
    UserStore,
)

USERNAME_RE = re.compile(r"[A-Za-z0-9_.@-]{3,80}", re.ASCII)
MIN_PASSWORD = 10
#: a token's last use is written at most this often (most requests only read)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class UserSummary:
    username: str
    role: Role
    orgs: tuple[str, ...]
    member: str | None  # ORG/MEMBER_NO for a household user (its first membership)
    regions: tuple[str, ...] = ()  # region paths the user is scoped to
    active: bool = True
    locked: bool = False  # failed logins from anywhere: devices it does not know are refused
    full_name: str | None = None  # the person's name, printed where the user signs
    also_members: tuple[str, ...] = ()  # ORG/MEMBER_NO of the same household elsewhere


def _summary(store: Store, user: User, locked: bool = False) -> UserSummary:
    codes = {o.id: o.code for o in store.orgs(user.org_ids)}
    named = []
    for member_id in (user.member_id, *user.also_member_ids):
        found = store.member_by_id(member_id) if member_id is not None else None
        if found is not None:
            named.append(f"{codes.get(found.org_id, '?')}/{found.member_no}")
    member = named[0] if user.member_id is not None and named else None
    return UserSummary(
        user.username,
        user.role,
        tuple(sorted(codes.values())),
        member,
        user.regions,
        user.active,
        locked,
        user.full_name,
        tuple(named[1:]),
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(
        user.id,
        user.username,
        user.role,
        user.org_ids,
        user.member_id,
        user.regions,
        frozenset(user.also_member_ids),
    )


def password_problems(username: str, password: str) -> list[str]:
    """What is wrong with a new password: at least ``MIN_PASSWORD`` characters, not only one
    class of characters (letters, digits, others), and neither the username nor (for a name of
    four characters or more) anything containing it."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"at least {MIN_PASSWORD} characters")
    classes = {"letter" if c.isalpha() else "digit" if c.isdigit() else "other" for c in password}
    if password and len(classes) < 2:
        problems.append("mix letters with digits or other characters")
    folded, name = password.strip().lower(), username.lower()
    if folded and name and (folded == name or (len(name) >= 4 and name in folded)):
        problems.append("must not contain the username")
    return problems


def _check_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    password: str,
    now: datetime,
    known_device: bool,
) -> User:
    """The user, once the password is right (inside the caller's transaction).

    An unknown user, a wrong password and a disabled user all cost one hash verification, are
    counted alike and get the same answer.
    """
    store = uow.store
    ratelimit.check(uow.audit, username, uow.client.address, now, known_device=known_device)
    user = store.user_by_name(username)
    if user is None or not user.active:
        hasher.verify(user.password_hash if user else _DUMMY_HASH.get(hasher), password)
        ok = False
    else:
        ok = hasher.verify(user.password_hash, password)
    if not ok:
        ratelimit.failed(uow.audit, username, uow.client.address, now)
        key = user.username if user else username[:80]
        store.audit(None, user.id if user else None, "auth.failed", "user", key, {}, now)
        uow.commit()
        raise Unauthenticated("invalid username or password", code="invalid_credentials")
    assert user is not None
    new_hash = hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
    store.record_login(user.id, 0, None, new_hash)
    store.clear_login_failures(ratelimit.succeeded_subjects(username, uow.client.address))
    return user


def issue_token(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    password: str,
    ttl: timedelta,
    *,
    known_device: bool = False,
    clock: Clock = utcnow,
) -> tuple[str, datetime]:
    """Check a username and password; returns (token, expires_at).

    ``known_device``: the request carries proof that this account signed in from it before,
    which exempts it from the per-account throttle (never from the per-address ones).

    :raise Unauthenticated: unknown or disabled user, or wrong password (one message for all).
    :raise RateLimited: too many failures (429), the same answer for every counter and user.
    """
    now = clock()
    with uow:
        user = _check_password(uow, hasher, username, password, now, known_device)
        token = secrets.token_urlsafe(32)
        expires = now + ttl
        uow.store.add_token(user.id, token_digest(token), now, expires)
        uow.store.audit(None, user.id, "auth.login", "user", user.username, {}, now)
        uow.commit()
    return token, expires


def start_web_session(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    password: str,
    ttl: timedelta,
    *,
    known_device: bool = False,
    clock: Clock = utcnow,
) -> tuple[str, Actor]:
    """Sign a browser in: returns (session id for the cookie, actor). Only the id's SHA-256 is
    stored; the same checks and answers as :func:`issue_token`."""
    now = clock()
    with uow:
        user = _check_password(uow, hasher, username, password, now, known_device)
        sid = secrets.token_urlsafe(32)
        uow.store.add_web_session(user.id, token_digest(sid), now, now + ttl)
        uow.store.forget_web_sessions(now)
        uow.store.audit(None, user.id, "auth.login", "user", user.username, {"web": True}, now)
        uow.commit()
    return sid, actor_of(user)


def web_actor(uow: UnitOfWork, sid: str, *, clock: Clock = utcnow) -> Actor:
    """The actor of a browser's session. :raise Unauthenticated: ended, expired or disabled."""
    with uow:
        user = uow.store.user_by_web_session(token_digest(sid), clock())
    if user is None:
        raise Unauthenticated("the session has ended; sign in again", code="session_ended")
    return actor_of(user)


def end_web_session(uow: UnitOfWork, sid: str) -> None:
    """Sign a browser out: the session id, if replayed, opens nothing."""
    with uow:
        uow.store.delete_web_session(token_digest(sid))
        uow.commit()


def authenticate(
    uow: UnitOfWork, token: str, *, touch: UnitOfWork | None = None, clock: Clock = utcnow
) -> Actor:
    """The actor behind a bearer token. With ``touch`` (a unit of work that may write), the
    token's last use is noted there, at most once per :data:`TOUCH_EVERY`.

    :raise Unauthenticated: unknown, expired or revoked token, or a disabled user.
    """
    now = clock()
    digest = token_digest(token)
    with uow:
        user = uow.store.user_by_token(digest, now)
        last = uow.store.token_last_used(digest) if user is not None else None
    if user is None:
        raise Unauthenticated("the token is invalid or has expired", code="invalid_token")
    if touch is not None and (last is None or last <= now - TOUCH_EVERY):
        with touch:
            touch.store.touch_token(digest, now)
            touch.commit()
    return actor_of(user)


def revoke_current(uow: UnitOfWork, actor: Actor, token: str, *, clock: Clock = utcnow) -> None:
    """Revoke the caller's own token (signing out a client)."""
    with uow:
        uow.store.delete_token(token_digest(token))
        uow.store.audit(None, actor.user_id, "token.revoke", "user", actor.username, {}, clock())
        uow.commit()


def revoke_everywhere(uow: UnitOfWork, actor: Actor, *, clock: Clock = utcnow) -> int:
    """Sign the caller out everywhere: every token and web session of its own; how many."""
    with uow:
        count = uow.store.revoke_all(actor.user_id)
        uow.store.audit(
            None,
            actor.user_id,
            "auth.logout_all",
            "user",
            actor.username,
            {"ended": count},
            clock(),
        )
        uow.commit()
    return count


def _user_named(store: UserStore, username: str) -> User:
    user = store.user_by_name(username)
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user


def list_tokens(uow: UnitOfWork, actor: Actor, username: str) -> list[TokenInfo]:
    """A user's tokens: id, created, expires, last used (admin; never the secret)."""
    require(actor, Action.MANAGE_USERS)
    with uow:
        return uow.store.tokens_of(_user_named(uow.store, username).id)


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int, *, clock: Clock = utcnow) -> None:
    """Revoke any token by its id (admin). :raise NotFound: no such token."""
    require(actor, Action.MANAGE_USERS)
    with uow:
        owner = uow.store.token_owner(token_id)
        if owner is None:
            raise NotFound(f"token {token_id} not found")
        uow.store.delete_token_by_id(token_id)
        uow.store.audit(
            None, actor.user_id, "token.revoke", "token", str(token_id), {"user_id": owner}, clock()
        )
        uow.commit()


def create_user(
    uow: UnitOfWork,
    actor: Actor | None,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: str,
    org_codes: Sequence[str],
    member: str | Sequence[str] | None = None,
    *,
    regions: Sequence[str] = (),
    full_name: str | None = None,
    clock: Clock = utcnow,
) -> UserSummary:
    """Create a user with one role over some organizations (admin only; ``actor`` None is the
    machine's operator at the command line). ``full_name`` is the person's name, printed on
    the vouchers the user signs.

    ``member`` is ``ORG/MEMBER_NO`` for a household user, whose organization it implies, or
    several: the same household's record in each organization it belongs to (a cooperative and
    its village), one per organization, the first the one its portal opens on.
    ``regions`` are region paths (``济南市/商河县``): the user also sees every organization under
    them, now and later (an auditor or county officer; a township accountant).

    :raise Forbidden: the actor is not an admin. :raise Duplicate: the username is taken, in
    any letter case. :raise ValidationFailed: bad username, weak password (see
    :func:`password_problems`), unknown role, organization or member.
    """
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.fullmatch(username):
        errors["username"] = ["3 to 80 letters, digits or _ . @ -"]
    if problems := password_problems(username, password):
        errors["password"] = problems
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
    full_name = (full_name or "").strip() or None
    if full_name is not None and len(full_name) > 100:
        errors["full_name"] = ["at most 100 characters"]
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
        org_ids = [_org_id(store, code) for code in org_codes]
        member_id, also = None, list[int]()
        if member:
            member_id, also, org_ids = _member_ids(store, member)
        region_ids = uow.regions.node_ids(paths)
        unknown = [p for p in paths if p not in region_ids]
        if unknown:
            raise ValidationFailed(
                f"unknown region {unknown[0]!r}",
                errors={"regions": [f"unknown region {p!r}" for p in unknown]},
            )
        user = store.add_user(username, hasher.hash(password), Role(role), org_ids, member_id, also)
        if region_ids:
            uow.regions.set_user_regions(user.id, list(region_ids.values()))
        if full_name is not None:
            store.update_user(user.id, full_name=full_name)
        if region_ids or full_name is not None:
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


def list_users(uow: UnitOfWork, actor: Actor | None, *, clock: Clock = utcnow) -> list[UserSummary]:
    """Every user with its role, organizations, whether active and whether locked (admin, or
    the operator at the command line with ``actor`` None)."""
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    now = clock()
    with uow:
        return [
            _summary(uow.store, u, ratelimit.account_locked(uow.audit, u.username, now))
            for u in uow.store.users()
        ]


def update_user(
    uow: UnitOfWork,
    actor: Actor | None,
    hasher: PasswordHasher,
    username: str,
    *,
    active: bool | None = None,
    role: str | None = None,
    org_codes: Sequence[str] | None = None,
    member: str | Sequence[str] | None = None,
    password: str | None = None,
    keep_token: str | None = None,
    full_name: str | None = None,
    regions: Sequence[str] | None = None,
    clock: Clock = utcnow,
) -> UserSummary:
    """Change a user (admin, or the operator at the command line with ``actor`` None).

    ``regions`` replaces the region paths the user is scoped to (``[]`` removes them): the user
    sees every organization under them, as well as its own organizations.

    ``full_name`` is the person's name that vouchers they prepare, review or post print in
    place of the username ("" clears it).

    Disabling (``active`` False) ends every token and web session of the user at once; a new
    password ends them too, except ``keep_token`` (the admin's own request, changing its own
    password). An admin cannot disable itself or take away its own admin role.

    :raise NotFound: no such user. :raise ValidationFailed: weak password, unknown role,
    organization or member. :raise InvalidState: an admin disabling or demoting itself.
    """
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    errors: dict[str, list[str]] = {}
    if password is not None and (problems := password_problems(username, password)):
        errors["password"] = problems
    if role is not None and role not in set(Role):
        errors["role"] = [f"must be one of {', '.join(Role)}"]
    if role is not None and role == Role.HOUSEHOLD and not member:
        errors["member"] = ["a household user names its member as ORG/MEMBER_NO"]
    if member and role != Role.HOUSEHOLD:
        errors["member"] = ["only a household user names a member (with role household)"]
    if full_name is not None:
        full_name = full_name.strip()
        if len(full_name) > 100:
            errors["full_name"] = ["at most 100 characters"]
    paths: list[str] | None = None
    if regions is not None:
        paths = []
        for text in regions:
            try:
                paths.append(normalize(text, field="regions"))
            except ValidationFailed as exc:
                errors.setdefault("regions", []).extend(exc.errors.get("regions", []))
        if paths and role == Role.HOUSEHOLD:
            errors["regions"] = ["a household user is not scoped to a region"]
    if errors:
        raise ValidationFailed("the change is invalid", errors=errors)
    now = clock()
    with uow:
        store = uow.store
        user = _user_named(store, username)
        demoted = active is False or (role is not None and role != Role.ADMIN)
        if actor is not None and user.id == actor.user_id and demoted:
            raise InvalidState(
                "an administrator cannot disable or demote itself; ask another one",
                code="self_demotion",
            )
        org_ids: list[int] | None = None
        if org_codes is not None:
            org_ids = [_org_id(store, code) for code in org_codes]
        member_id, also = user.member_id, list(user.also_member_ids)
        if member:
            member_id, also, org_ids = _member_ids(store, member)
        elif role is not None:
            member_id, also = None, []
        target_role = Role(role) if role is not None else user.role
        if paths and target_role == Role.HOUSEHOLD:
            raise ValidationFailed(
                "the change is invalid",
                errors={"regions": ["a household user is not scoped to a region"]},
            )
        region_ids: dict[str, int] = {}
        if paths:
            region_ids = uow.regions.node_ids(paths)
            unknown = [p for p in paths if p not in region_ids]
            if unknown:
                raise ValidationFailed(
                    f"unknown region {unknown[0]!r}",
                    errors={"regions": [f"unknown region {p!r}" for p in unknown]},
                )
        kept_regions = paths if paths is not None else user.regions
        scoped = target_role not in (Role.ADMIN, Role.HOUSEHOLD)
        if scoped and org_codes is not None and not org_ids and not kept_regions:
            raise ValidationFailed(
                "the user is invalid", errors={"orgs": ["name at least one organization"]}
            )
        new_hash = hasher.hash(password) if password is not None else None
        store.update_user(
            user.id,
            role=Role(role) if role is not None else None,
            org_ids=org_ids,
            member_id=member_id,
            password_hash=new_hash,
            active=active,
            full_name=full_name,
            also_member_ids=also,
        )
        if paths is not None:
            uow.regions.set_user_regions(user.id, list(region_ids.values()))
        ended = 0
        if active is False:
            ended = store.revoke_all(user.id)
        elif new_hash is not None:
            ended = store.revoke_all(user.id, keep_token=keep_token and token_digest(keep_token))
        changes: dict[str, object] = {"ended_sessions": ended}
        if active is not None:
            changes["active"] = active
        if role is not None:
            changes["role"] = role
        if org_codes is not None:
            changes["orgs"] = list(org_codes)
        if password is not None:
            changes["password"] = "changed"
        if full_name is not None:
            changes["full_name"] = full_name
        if paths is not None:
            changes["regions"] = paths
        store.audit(
            None,
            actor.user_id if actor else None,
            "user.update",
            "user",
            user.username,
            changes,
            now,
        )
        updated = _user_named(store, user.username)
        summary = _summary(store, updated, ratelimit.account_locked(uow.audit, username, now))
        uow.commit()
    return summary


def unlock_user(
    uow: UnitOfWork, actor: Actor | None, username: str, *, clock: Clock = utcnow
) -> UserSummary:
    """Lift the lock that many failed logins from anywhere put on an account (admin, or the
    operator at the command line with ``actor`` None): its per-account failures are forgotten,
    so devices it does not know may sign in again at once. The per-address counters stay: they
    guard against one machine guessing, whoever the account.

    :raise NotFound: no such user.
    """
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    now = clock()
    with uow:
        store = uow.store
        user = _user_named(store, username)
        was_locked = ratelimit.account_locked(uow.audit, user.username, now)
        store.clear_login_failures([ratelimit.account_subject(user.username)])
        store.audit(
            None,
            actor.user_id if actor else None,
            "user.unlock",
            "user",
            user.username,
            {"was_locked": was_locked},
            now,
        )
        summary = _summary(store, user, False)
        uow.commit()
    return summary


def _org_id(store: OrgStore, code: str) -> int:
    org = store.org_by_code(code)
    if org is None:
        raise ValidationFailed(
            f"unknown organization {code!r}", errors={"orgs": [f"unknown organization {code!r}"]}
        )
    return org.id


def _member_ids(store: Store, member: str | Sequence[str]) -> tuple[int, list[int], list[int]]:
    """(first member id, the further member ids, their organizations' ids) of ``ORG/MEMBER_NO``
    or several: one record per organization (a household is one member of each)."""
    named = [member] if isinstance(member, str) else list(member)
    ids: list[int] = []
    org_ids: list[int] = []
    for text in named:
        org_code, _, member_no = text.partition("/")
        org = store.org_by_code(org_code)
        found = store.member(org.id, member_no) if org else None
        if org is None or found is None:
            raise ValidationFailed(
                f"unknown member {text!r}", errors={"member": [f"unknown member {text!r}"]}
            )
        if org.id in org_ids:
            raise ValidationFailed(
                f"two members of {org_code!r}",
                errors={"member": ["a household is one member of each organization"]},
            )
        ids.append(found.id)
        org_ids.append(org.id)
    return ids[0], ids[1:], org_ids


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

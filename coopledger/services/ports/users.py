"""The users' port: users, their bearer tokens and web sessions, login throttling's reset, and
the password hasher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from coopledger.domain.roles import Role


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    password_hash: str
    role: Role
    org_ids: frozenset[int]
    member_id: int | None
    failed_logins: int
    locked_until: datetime | None
    regions: tuple[str, ...] = ()  # region paths; org_ids include every organization under them
    active: bool = True  # a disabled user signs in no more, its tokens and sessions are dead
    full_name: str | None = None  # the person's name, as documents they sign print it
    # a household user's further member records: the same household in another organization
    also_member_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What an administrator sees of a bearer token: never the secret."""

    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class UserStore(Protocol):
    def user_by_name(self, username: str) -> User | None:
        """The user whose name matches in any letter case."""
        ...

    def user_by_token(self, token_sha256: str, now: datetime) -> User | None:
        """The active user behind an unexpired token."""
        ...

    def token_last_used(self, token_sha256: str) -> datetime | None: ...
    def touch_token(self, token_sha256: str, now: datetime) -> None: ...
    def users(self) -> list[User]: ...
    def add_user(
        self,
        username: str,
        password_hash: str,
        role: Role,
        org_ids: Sequence[int],
        member_id: int | None,
        also_member_ids: Sequence[int] = (),
    ) -> User: ...
    def update_user(
        self,
        user_id: int,
        *,
        role: Role | None = None,
        org_ids: Sequence[int] | None = None,
        member_id: int | None = None,
        password_hash: str | None = None,
        active: bool | None = None,
        full_name: str | None = None,
        also_member_ids: Sequence[int] | None = None,
    ) -> None:
        """Change what is given; ``member_id`` is set together with ``role`` (and the further
        memberships are then ``also_member_ids``, none when not given); a ``full_name`` of ""
        clears the name."""
        ...

    def record_login(
        self,
        user_id: int,
        failed: int,
        locked_until: datetime | None,
        password_hash: str | None = None,
    ) -> None: ...
    def add_token(
        self, user_id: int, token_sha256: str, at: datetime, expires_at: datetime
    ) -> None: ...
    def delete_token(self, token_sha256: str) -> None: ...
    def tokens_of(self, user_id: int) -> list[TokenInfo]: ...
    def token_owner(self, token_id: int) -> int | None: ...
    def delete_token_by_id(self, token_id: int) -> None: ...
    def revoke_all(
        self, user_id: int, *, keep_token: str | None = None, keep_session: str | None = None
    ) -> int:
        """Delete the user's tokens and web sessions but the two kept (by digest); how many."""
        ...

    def add_web_session(
        self, user_id: int, sid_sha256: str, at: datetime, expires_at: datetime
    ) -> None: ...
    def user_by_web_session(self, sid_sha256: str, now: datetime) -> User | None: ...
    def delete_web_session(self, sid_sha256: str) -> None: ...
    def forget_web_sessions(self, before: datetime) -> None: ...
    def clear_login_failures(self, subjects: Sequence[str]) -> None: ...
    def full_names(self, usernames: Sequence[str]) -> dict[str, str]:
        """Username → full name, for those of the users that have one."""
        ...

    def user_locale(self, user_id: int) -> str | None: ...
    def set_user_locale(self, user_id: int, locale: str) -> None: ...

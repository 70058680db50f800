"""The users in SQL: their organizations and regions, bearer tokens, web sessions, sign-in
failures and locale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, CursorResult, String, delete, literal, select, union_all, update

from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.regions import orgs_under
from coopledger.adapters.db.tables import (
    LoginAttemptRow,
    RegionRow,
    TokenRow,
    UserMemberRow,
    UserOrgRow,
    UserRegionRow,
    UserRow,
    WebSessionRow,
)
from coopledger.domain.roles import Role
from coopledger.services.ports import TokenInfo, User


class SqlUsers(SqlBase):
    def _user(self, row: UserRow) -> User:
        # the user's organizations, regions and further member records in one round trip
        grants = union_all(
            select(literal("org"), UserOrgRow.org_id, literal(None, String)).where(
                UserOrgRow.user_id == row.id
            ),
            select(literal("region"), literal(None, BigInteger), RegionRow.path)
            .join(UserRegionRow, UserRegionRow.region_id == RegionRow.id)
            .where(UserRegionRow.user_id == row.id),
            select(literal("member"), UserMemberRow.member_id, literal(None, String)).where(
                UserMemberRow.user_id == row.id
            ),
        )
        org_ids: set[int] = set()
        paths: list[str] = []
        members: list[int] = []
        for kind, number, path in self.session.execute(grants):
            if kind == "org":
                org_ids.add(int(number))
            elif kind == "region":
                paths.append(path)
            else:
                members.append(int(number))
        regions = tuple(sorted(paths))
        return User(
            row.id,
            row.username,
            row.password_hash,
            Role(row.role),
            frozenset(org_ids) | orgs_under(self.session, regions),  # and every org under them
            row.member_id,
            row.failed_logins,
            row.locked_until,
            regions,
            row.active,
            row.full_name,
            tuple(sorted(members)),
        )

    def user_by_name(self, username: str) -> User | None:
        """The user whose name matches in any letter case (``Admin`` is ``admin``)."""
        row = self.session.scalar(select(UserRow).where(UserRow.username_key == username.lower()))
        return self._user(row) if row else None

    def user_by_token(self, token_sha256: str, now: datetime) -> User | None:
        return self._active_user(TokenRow, TokenRow.token_sha256 == token_sha256, now)

    def _active_user(self, grant: Any, matches: Any, now: datetime) -> User | None:
        """The active user a grant (a token or a web session) that ``matches`` and has not
        expired belongs to."""
        row = self.session.scalar(
            select(UserRow)
            .join(grant, grant.user_id == UserRow.id)
            .where(matches, grant.expires_at > now, UserRow.active.is_(True))
        )
        return self._user(row) if row else None

    def token_last_used(self, token_sha256: str) -> datetime | None:
        return self.session.scalar(
            select(TokenRow.last_used_at).where(TokenRow.token_sha256 == token_sha256)
        )

    def touch_token(self, token_sha256: str, now: datetime) -> None:
        self.session.execute(
            update(TokenRow).where(TokenRow.token_sha256 == token_sha256).values(last_used_at=now)
        )

    def users(self) -> list[User]:
        return [
            self._user(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))
        ]

    def add_user(
        self,
        username: str,
        password_hash: str,
        role: Role,
        org_ids: Sequence[int],
        member_id: int | None,
        also_member_ids: Sequence[int] = (),
    ) -> User:
        row = UserRow(
            username=username,
            username_key=username.lower(),
            password_hash=password_hash,
            role=role.value,
            member_id=member_id,
            failed_logins=0,
            active=True,
        )
        self.session.add(row)
        self.session.flush()
        for org_id in sorted(set(org_ids)):
            self.session.add(UserOrgRow(user_id=row.id, org_id=org_id))
        self._set_also_members(row.id, also_member_ids)
        self.session.flush()
        return self._user(row)

    def _set_also_members(self, user_id: int, member_ids: Sequence[int]) -> None:
        self.session.execute(delete(UserMemberRow).where(UserMemberRow.user_id == user_id))
        for member_id in sorted(set(member_ids)):
            self.session.add(UserMemberRow(user_id=user_id, member_id=member_id))

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
        values: dict[str, Any] = {}
        if full_name is not None:
            values["full_name"] = full_name or None
        if role is not None:
            values["role"] = role.value
            values["member_id"] = member_id
            self._set_also_members(user_id, also_member_ids or ())
        if password_hash is not None:
            values["password_hash"] = password_hash
        if active is not None:
            values["active"] = active
        if values:
            self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))
        if org_ids is not None:
            self.session.execute(delete(UserOrgRow).where(UserOrgRow.user_id == user_id))
            for org_id in sorted(set(org_ids)):
                self.session.add(UserOrgRow(user_id=user_id, org_id=org_id))
        self.session.flush()

    def record_login(
        self,
        user_id: int,
        failed: int,
        locked_until: datetime | None,
        password_hash: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"failed_logins": failed, "locked_until": locked_until}
        if password_hash:
            values["password_hash"] = password_hash
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))

    def add_token(
        self, user_id: int, token_sha256: str, at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            TokenRow(
                user_id=user_id, token_sha256=token_sha256, created_at=at, expires_at=expires_at
            )
        )
        self.session.flush()

    def delete_token(self, token_sha256: str) -> None:
        self.session.execute(delete(TokenRow).where(TokenRow.token_sha256 == token_sha256))

    def tokens_of(self, user_id: int) -> list[TokenInfo]:
        rows = self.session.execute(
            select(TokenRow.id, TokenRow.created_at, TokenRow.expires_at, TokenRow.last_used_at)
            .where(TokenRow.user_id == user_id)
            .order_by(TokenRow.id)
        )
        return [TokenInfo(i, c, e, u) for i, c, e, u in rows]

    def token_owner(self, token_id: int) -> int | None:
        return self.session.scalar(select(TokenRow.user_id).where(TokenRow.id == token_id))

    def delete_token_by_id(self, token_id: int) -> None:
        self.session.execute(delete(TokenRow).where(TokenRow.id == token_id))

    def revoke_all(
        self, user_id: int, *, keep_token: str | None = None, keep_session: str | None = None
    ) -> int:
        """Delete the user's tokens and web sessions but the two kept (by digest); how many."""
        tokens = delete(TokenRow).where(TokenRow.user_id == user_id)
        if keep_token is not None:
            tokens = tokens.where(TokenRow.token_sha256 != keep_token)
        web = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
        if keep_session is not None:
            web = web.where(WebSessionRow.sid_sha256 != keep_session)
        removed = 0
        for stmt in (tokens, web):
            result = cast(CursorResult[Any], self.session.execute(stmt))
            removed += result.rowcount
        return removed

    def add_web_session(
        self, user_id: int, sid_sha256: str, at: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            WebSessionRow(
                user_id=user_id, sid_sha256=sid_sha256, created_at=at, expires_at=expires_at
            )
        )
        self.session.flush()

    def user_by_web_session(self, sid_sha256: str, now: datetime) -> User | None:
        return self._active_user(WebSessionRow, WebSessionRow.sid_sha256 == sid_sha256, now)

    def delete_web_session(self, sid_sha256: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.sid_sha256 == sid_sha256))

    def forget_web_sessions(self, before: datetime) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < before))

    def clear_login_failures(self, subjects: Sequence[str]) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.subject.in_(subjects)))

    def full_names(self, usernames: Sequence[str]) -> dict[str, str]:
        if not usernames:
            return {}
        rows = self.session.execute(
            select(UserRow.username, UserRow.full_name).where(
                UserRow.username.in_(set(usernames)), UserRow.full_name.is_not(None)
            )
        )
        return {name: full for name, full in rows if full}

    def user_locale(self, user_id: int) -> str | None:
        return self.session.scalar(select(UserRow.locale).where(UserRow.id == user_id))

    def set_user_locale(self, user_id: int, locale: str) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(locale=locale))

"""The members' port: an organization's members (households and others), by number or id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    org_id: int
    member_no: str
    name: str
    kind: str
    household_size: int | None
    id_number: str | None
    bank_account: str | None
    poverty_status: str
    joined_on: date | None
    left_on: date | None
    monitor_kind: str | None = None  # a 监测户's kind


class MemberStore(Protocol):
    def members_by_no(self, org_id: int, member_nos: set[str]) -> dict[str, int]: ...
    def member(self, org_id: int, member_no: str) -> Member | None: ...
    def member_by_id(self, member_id: int) -> Member | None: ...
    def members(self, org_id: int, limit: int, after_id: int) -> list[Member]: ...
    def add_member(self, org_id: int, fields: Mapping[str, object]) -> Member: ...
    def update_member(self, member_id: int, fields: Mapping[str, object]) -> Member: ...
    def add_member_status(
        self, member_id: int, status: str, effective_on: date, monitor_kind: str | None = None
    ) -> None: ...
    def member_statuses(self, member_id: int) -> list[tuple[date, str, str | None]]: ...

"""The funds' port: the special funds an organization received, by code."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Fund:
    id: int
    org_id: int
    code: str
    name: str
    source: str
    grantor: str
    purpose: str
    granted_fen: int


class FundStore(Protocol):
    def funds_by_code(self, org_id: int, codes: set[str]) -> dict[str, int]: ...
    def fund(self, org_id: int, code: str) -> Fund | None: ...
    def funds(self, org_id: int) -> list[Fund]: ...
    def funds_of(self, org_ids: Collection[int]) -> dict[int, list[Fund]]: ...
    def add_fund(self, org_id: int, fields: Mapping[str, object]) -> Fund: ...

"""The imports' port: the keys of rows imported before, the batches they came in, and drafts
written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from coopledger.domain.ledger import VoucherDraft


class ImportKeys(Protocol):
    def keys(self, org_id: int, kind: str) -> dict[str, tuple[str, int | None]]: ...
    def add_batch(
        self,
        org_id: int,
        kind: str,
        filename: str,
        sha256: str,
        counts: tuple[int, int, int],
        user_id: int,
        at: datetime,
    ) -> int: ...
    def add_keys(
        self, org_id: int, kind: str, batch_id: int, keys: Sequence[tuple[str, str, int | None]]
    ) -> None: ...
    def add_drafts(
        self, org_id: int, drafts: Sequence[VoucherDraft], user_id: int, at: datetime
    ) -> list[int]: ...

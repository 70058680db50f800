"""The idempotency keys' port: a client's key claimed once, bound to the voucher it created."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class IdempotencyStore(Protocol):
    def claim_idempotency(
        self, org_id: int, user_id: int, key: str, request_sha256: str, at: datetime
    ) -> bool:
        """Insert the user's key, or wait for a concurrent holder; False when it exists."""
        ...

    def idempotency(self, org_id: int, user_id: int, key: str) -> tuple[str, int | None] | None: ...
    def bind_idempotency(self, org_id: int, user_id: int, key: str, voucher_id: int) -> None: ...

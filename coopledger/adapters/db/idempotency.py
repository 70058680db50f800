"""The idempotency keys in SQL: a client's key claimed once per user and organization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.tables import IdempotencyKeyRow


class SqlIdempotency(SqlBase):
    def claim_idempotency(
        self, org_id: int, user_id: int, key: str, request_sha256: str, at: datetime
    ) -> bool:
        stmt = (
            self._insert(IdempotencyKeyRow)
            .values(
                org_id=org_id,
                user_id=user_id,
                key=key,
                request_sha256=request_sha256,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["org_id", "user_id", "key"])
            .returning(IdempotencyKeyRow.id)
        )
        return self.session.execute(stmt).first() is not None

    def idempotency(self, org_id: int, user_id: int, key: str) -> tuple[str, int | None] | None:
        row = self.session.execute(
            select(IdempotencyKeyRow.request_sha256, IdempotencyKeyRow.voucher_id).where(
                IdempotencyKeyRow.org_id == org_id,
                IdempotencyKeyRow.user_id == user_id,
                IdempotencyKeyRow.key == key,
            )
        ).first()
        return (row[0], row[1]) if row else None

    def bind_idempotency(self, org_id: int, user_id: int, key: str, voucher_id: int) -> None:
        self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                IdempotencyKeyRow.org_id == org_id,
                IdempotencyKeyRow.user_id == user_id,
                IdempotencyKeyRow.key == key,
            )
            .values(voucher_id=voucher_id)
        )

"""What a use case writes to the audit log through the store, and the tallies of refused
requests, in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select

from coopledger.adapters.db.audit_log import SqlAuditLog
from coopledger.adapters.db.base import SqlBase
from coopledger.adapters.db.tables import DenialTallyRow
from coopledger.domain.audit_log import AuditEvent, detail_json


class SqlAuditStore(SqlBase):
    def tally_denial(self, subject: str, minute: datetime) -> int:
        """Count one refused request of ``subject`` in ``minute``; the count so far."""
        stmt = (
            self._insert(DenialTallyRow)
            .values(subject=subject[:200], minute=minute, count=1)
            .on_conflict_do_update(
                index_elements=["subject", "minute"],
                set_={"count": DenialTallyRow.count + 1},
            )
            .returning(DenialTallyRow.count)
        )
        return int(self.session.execute(stmt).scalar_one())

    def denials(self, subject: str, minute: datetime) -> int:
        return int(
            self.session.scalar(
                select(DenialTallyRow.count).where(
                    DenialTallyRow.subject == subject[:200], DenialTallyRow.minute == minute
                )
            )
            or 0
        )

    def forget_denials(self, before: datetime) -> None:
        self.session.execute(delete(DenialTallyRow).where(DenialTallyRow.minute < before))

    def audit(
        self,
        org_id: int | None,
        actor_id: int | None,
        action: str,
        object_type: str,
        object_key: str,
        detail: Mapping[str, object],
        at: datetime,
    ) -> None:
        """Append to the organization's audit chain (see :mod:`coopledger.adapters.db.audit_log`)."""
        SqlAuditLog(self.session).append(
            AuditEvent(
                chain_key=org_id or 0,
                seq=0,
                org_id=org_id,
                actor_id=actor_id,
                actor_name="",
                remote_addr=self.client.address,
                action=action,
                object_type=object_type,
                object_key=object_key,
                detail=detail_json(detail),
                at=at,
            )
        )

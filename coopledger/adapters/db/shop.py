"""Shop settlement files, their months and lines. Every query names the organization."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AccountRow,
    ShopSettlementLineRow,
    ShopSettlementMonthRow,
    ShopSettlementRow,
    UserRow,
    VoucherRow,
)
from coopledger.domain.periods import Period
from coopledger.domain.shop import SettlementMonth
from coopledger.services.ports.shop import SettlementRecord, StoredMonth


class SqlShopSettlements:
    def __init__(self, session: Session) -> None:
        self.session = session

    def settlements(self, org_id: int) -> list[SettlementRecord]:
        counts = (
            select(ShopSettlementMonthRow.settlement_id, func.count().label("n"))
            .join(
                ShopSettlementLineRow, ShopSettlementLineRow.month_id == ShopSettlementMonthRow.id
            )
            .where(ShopSettlementMonthRow.org_id == org_id)
            .group_by(ShopSettlementMonthRow.settlement_id)
            .subquery()
        )
        rows = self.session.execute(
            select(ShopSettlementRow, AccountRow.code, UserRow.username, counts.c.n)
            .join(AccountRow, AccountRow.id == ShopSettlementRow.account_id)
            .join(UserRow, UserRow.id == ShopSettlementRow.imported_by)
            .outerjoin(counts, counts.c.settlement_id == ShopSettlementRow.id)
            .where(ShopSettlementRow.org_id == org_id, AccountRow.org_id == org_id)
            .order_by(ShopSettlementRow.id)
        ).all()
        return [
            SettlementRecord(
                s.id, code, s.platform, s.filename, s.sha256, int(n or 0), user, s.imported_at
            )
            for s, code, user, n in rows
        ]

    def file_named(self, org_id: int, sha256: str) -> str | None:
        return self.session.scalar(
            select(ShopSettlementRow.filename).where(
                ShopSettlementRow.org_id == org_id, ShopSettlementRow.sha256 == sha256
            )
        )

    def taken(self, org_id: int, digests: Sequence[str]) -> set[str]:
        found: set[str] = set()
        wanted = list(digests)
        for start in range(0, len(wanted), 500):
            found.update(
                self.session.scalars(
                    select(ShopSettlementLineRow.digest).where(
                        ShopSettlementLineRow.org_id == org_id,
                        ShopSettlementLineRow.digest.in_(wanted[start : start + 500]),
                    )
                )
            )
        return found

    def add_settlement(
        self,
        org_id: int,
        account: str,
        platform: str,
        file: tuple[str, str],
        user_id: int,
        at: datetime,
    ) -> int:
        account_id = self.session.scalar(
            select(AccountRow.id).where(AccountRow.org_id == org_id, AccountRow.code == account)
        )
        assert account_id is not None
        row = ShopSettlementRow(
            org_id=org_id,
            account_id=account_id,
            platform=platform,
            filename=file[0],
            sha256=file[1],
            imported_by=user_id,
            imported_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_month(
        self,
        org_id: int,
        settlement_id: int,
        month: SettlementMonth,
        digests: Sequence[str],
        voucher_id: int,
    ) -> None:
        row = ShopSettlementMonthRow(
            settlement_id=settlement_id,
            org_id=org_id,
            year=month.period.year,
            month=month.period.month,
            closing_fen=month.closing_fen,
            voucher_id=voucher_id,
        )
        self.session.add(row)
        self.session.flush()
        values: list[dict[str, Any]] = [
            {
                "month_id": row.id,
                "org_id": org_id,
                "line_no": ln.row,
                "booked_on": ln.booked_on,
                "kind": ln.kind.value,
                "order_no": ln.order_no,
                "amount_fen": ln.amount_fen,
                "memo": ln.memo,
                "digest": digest,
            }
            for ln, digest in zip(month.lines, digests, strict=True)
        ]
        self.session.execute(insert(ShopSettlementLineRow), values)

    def months(self, org_id: int) -> list[StoredMonth]:
        totals: dict[int, dict[str, int]] = defaultdict(dict)
        for month_id, kind, fen in self.session.execute(
            select(
                ShopSettlementLineRow.month_id,
                ShopSettlementLineRow.kind,
                func.sum(ShopSettlementLineRow.amount_fen),
            )
            .where(ShopSettlementLineRow.org_id == org_id)
            .group_by(ShopSettlementLineRow.month_id, ShopSettlementLineRow.kind)
        ):
            totals[month_id][kind] = int(fen)
        rows = self.session.execute(
            select(ShopSettlementMonthRow, AccountRow.code, VoucherRow.status)
            .join(ShopSettlementRow, ShopSettlementRow.id == ShopSettlementMonthRow.settlement_id)
            .join(AccountRow, AccountRow.id == ShopSettlementRow.account_id)
            .join(VoucherRow, VoucherRow.id == ShopSettlementMonthRow.voucher_id)
            .where(
                ShopSettlementMonthRow.org_id == org_id,
                ShopSettlementRow.org_id == org_id,
                VoucherRow.org_id == org_id,
            )
            .order_by(
                ShopSettlementMonthRow.year,
                ShopSettlementMonthRow.month,
                ShopSettlementMonthRow.settlement_id,
            )
        ).all()
        return [
            StoredMonth(
                m.settlement_id,
                code,
                Period(m.year, m.month),
                totals[m.id],
                m.closing_fen,
                m.voucher_id,
                str(status),
            )
            for m, code, status in rows
        ]

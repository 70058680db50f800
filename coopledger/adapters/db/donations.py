"""The SQL implementation of :class:`coopledger.services.ports.Donations`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    DonationHandoutRow,
    DonationHandoutScanRow,
    DonationItemRow,
    DonationRow,
    MemberRow,
    UserRow,
    VoucherRow,
)
from coopledger.domain.donations import Item
from coopledger.services.ports import DonationRecord, HandoutRecord, ItemRecord, NewHandout
from coopledger.services.ports.donations import ScanRecord


class SqlDonations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_donation(
        self,
        org_id: int,
        donor: str,
        received_on: date,
        basis: str,
        evidence: str,
        items: Sequence[Item],
        voucher_id: int,
        created_by: int,
        at: datetime,
    ) -> int:
        row = DonationRow(
            org_id=org_id,
            donor=donor,
            received_on=received_on,
            basis=basis,
            evidence=evidence,
            voucher_id=voucher_id,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            DonationItemRow(
                donation_id=row.id,
                name=item.name,
                unit=item.unit,
                quantity_milli=item.quantity_milli,
                value_fen=item.value_fen,
            )
            for item in items
        )
        self.session.flush()
        return row.id

    def donations(self, org_id: int, *, lock: bool = False) -> list[DonationRecord]:
        """The organization's donations, newest first, each item with what left its stock."""
        query = (
            select(DonationItemRow)
            .join(DonationRow, DonationRow.id == DonationItemRow.donation_id)
            .where(DonationRow.org_id == org_id)
            .order_by(DonationItemRow.id)
        )
        if lock:
            query = query.with_for_update(of=DonationItemRow)
        items = list(self.session.scalars(query))
        out_rows = self.session.execute(
            select(
                DonationHandoutRow.item_id,
                func.sum(DonationHandoutRow.quantity_milli),
                func.sum(DonationHandoutRow.value_fen),
            )
            .where(DonationHandoutRow.org_id == org_id)
            .group_by(DonationHandoutRow.item_id)
        )
        out = {item_id: (int(q), int(v)) for item_id, q, v in out_rows}
        by_donation: dict[int, list[ItemRecord]] = defaultdict(list)
        for i in items:
            q, v = out.get(i.id, (0, 0))
            by_donation[i.donation_id].append(
                ItemRecord(
                    i.id,
                    i.donation_id,
                    Item(i.name, i.unit, int(i.quantity_milli), int(i.value_fen)),
                    q,
                    v,
                )
            )
        rows = self.session.scalars(
            select(DonationRow)
            .where(DonationRow.org_id == org_id)
            .order_by(DonationRow.received_on.desc(), DonationRow.id.desc())
        )
        return [
            DonationRecord(
                r.id,
                r.donor,
                r.received_on,
                r.basis,
                r.evidence,
                r.voucher_id,
                tuple(by_donation.get(r.id, ())),
            )
            for r in rows
        ]

    def add_handouts(
        self, org_id: int, handed_on: date, handouts: Sequence[NewHandout], voucher_id: int
    ) -> None:
        self.session.add_all(
            DonationHandoutRow(
                org_id=org_id,
                item_id=h.item_id,
                member_id=h.member_id,
                handed_on=handed_on,
                quantity_milli=h.quantity_milli,
                value_fen=h.value_fen,
                received_by=h.received_by,
                signed=h.signed,
                voucher_id=voucher_id,
            )
            for h in handouts
        )
        self.session.flush()

    def handouts(
        self,
        org_id: int,
        *,
        voucher_id: int | None = None,
        member_id: int | None = None,
        since: date | None = None,
        through: date | None = None,
    ) -> list[HandoutRecord]:
        """Hand-outs in date order (then as entered), of one voucher or one member if asked,
        each with its voucher's place in the hash chain once posted."""
        h = DonationHandoutRow
        query = (
            select(
                h.id,
                DonationItemRow.id,
                DonationItemRow.name,
                DonationItemRow.unit,
                DonationRow.donor,
                MemberRow.member_no,
                MemberRow.name,
                h.handed_on,
                h.quantity_milli,
                h.value_fen,
                h.received_by,
                h.signed,
                h.voucher_id,
                VoucherRow.status,
                VoucherRow.chain_seq,
            )
            .join(DonationItemRow, DonationItemRow.id == DonationHandoutRow.item_id)
            .join(DonationRow, DonationRow.id == DonationItemRow.donation_id)
            .join(MemberRow, MemberRow.id == DonationHandoutRow.member_id)
            .join(VoucherRow, VoucherRow.id == DonationHandoutRow.voucher_id)
            .where(DonationHandoutRow.org_id == org_id, DonationRow.org_id == org_id)
            .order_by(DonationHandoutRow.handed_on, DonationHandoutRow.id)
        )
        if voucher_id is not None:
            query = query.where(DonationHandoutRow.voucher_id == voucher_id)
        if member_id is not None:
            query = query.where(DonationHandoutRow.member_id == member_id)
        if since is not None:
            query = query.where(DonationHandoutRow.handed_on >= since)
        if through is not None:
            query = query.where(DonationHandoutRow.handed_on <= through)
        return [
            # the columns in the record's order, then the voucher's status and chain place
            HandoutRecord(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                int(r[8]),
                int(r[9]),
                r[10],
                r[11],
                r[12],
                r[14] if r[13] == "posted" else None,
            )
            for r in self.session.execute(query)
        ]

    def add_scan(
        self,
        org_id: int,
        voucher_id: int,
        filename: str,
        media_type: str,
        content: bytes,
        sha256: str,
        uploaded_by: int,
        at: datetime,
    ) -> ScanRecord:
        row = DonationHandoutScanRow(
            org_id=org_id,
            voucher_id=voucher_id,
            filename=filename,
            media_type=media_type,
            size=len(content),
            sha256=sha256,
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return next(s for s in self.scans(org_id, voucher_id) if s.id == row.id)

    def scans(self, org_id: int, voucher_id: int | None = None) -> list[ScanRecord]:
        """The scans attached to the organization's hand-out lists (of one voucher if asked), in
        the order uploaded; their content is read only when downloaded."""
        query = (
            select(
                DonationHandoutScanRow.id,
                DonationHandoutScanRow.voucher_id,
                DonationHandoutScanRow.filename,
                DonationHandoutScanRow.media_type,
                DonationHandoutScanRow.size,
                DonationHandoutScanRow.sha256,
                UserRow.username,
                DonationHandoutScanRow.uploaded_at,
            )
            .join(UserRow, UserRow.id == DonationHandoutScanRow.uploaded_by)
            .where(DonationHandoutScanRow.org_id == org_id)
            .order_by(DonationHandoutScanRow.id)
        )
        if voucher_id is not None:
            query = query.where(DonationHandoutScanRow.voucher_id == voucher_id)
        return [
            ScanRecord(i, v, name, media, int(size), digest, by, at)
            for i, v, name, media, size, digest, by, at in self.session.execute(query)
        ]

    def scan_content(self, org_id: int, voucher_id: int, scan_id: int) -> bytes | None:
        return self.session.scalar(
            select(DonationHandoutScanRow.content).where(
                DonationHandoutScanRow.id == scan_id,
                DonationHandoutScanRow.org_id == org_id,
                DonationHandoutScanRow.voucher_id == voucher_id,
            )
        )

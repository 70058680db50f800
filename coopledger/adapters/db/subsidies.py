"""The SQL implementation of :class:`coopledger.services.ports.subsidies.Subsidies`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from coopledger.adapters.db.tables import (
    AccountRow,
    MemberRow,
    SubsidyClaimLineRow,
    SubsidyClaimRow,
    SubsidyPaymentRow,
    SubsidyReceiptRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.subsidies import Computation, PostedLine
from coopledger.services.ports.subsidies import ClaimLineRecord, ClaimRecord, ReceiptRecord


class SqlSubsidies:
    def __init__(self, session: Session) -> None:
        self.session = session

    def posted_member_lines(
        self, org_id: int, prefixes: Sequence[str], start: date, end: date
    ) -> list[PostedLine]:
        """Posted lines booked from ``start`` to ``end`` that carry a member, on accounts whose
        code begins with one of ``prefixes``."""
        query = (
            select(
                VoucherLineRow.member_id,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
                AccountRow.code,
                AccountRow.name_zh,
                VoucherLineRow.memo,
            )
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,
                AccountRow.org_id == org_id,
                VoucherRow.status == "posted",
                VoucherRow.booked_on >= start,
                VoucherRow.booked_on <= end,
                VoucherLineRow.member_id.is_not(None),
                or_(*(AccountRow.code.startswith(p, autoescape=True) for p in prefixes)),
            )
            .order_by(VoucherRow.booked_on, VoucherRow.id, VoucherLineRow.line_no)
        )
        return [
            PostedLine(
                int(member_id),
                voucher_number(Period(year, month), number or 0),
                side,
                int(amount),
                code,
                name,
                memo,
            )
            for member_id, year, month, number, side, amount, code, name, memo in self.session.execute(
                query
            )
        ]

    def add_claim(
        self, org_id: int, year: int, terms: str, computed: Computation, by: int, at: datetime
    ) -> int:
        members: dict[str, int] = dict(
            self.session.execute(
                select(MemberRow.member_no, MemberRow.id).where(MemberRow.org_id == org_id)
            )
            .tuples()
            .all()
        )
        row = SubsidyClaimRow(
            org_id=org_id,
            policy_code=computed.policy.code,
            policy_name=computed.policy.name[:200],
            recipient=computed.policy.recipient.value,
            terms=terms[:200],
            year=year,
            date_from=computed.date_from,
            date_to=computed.date_to,
            status="draft",
            total_fen=computed.total_fen,
            created_by=by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            SubsidyClaimLineRow(
                claim_id=row.id,
                org_id=org_id,
                line_no=n,
                member_id=None if e.member_no is None else members[e.member_no],
                name=e.name[:200],
                status=e.status,
                households=e.households,
                base_fen=e.base_fen,
                amount_fen=e.amount_fen,
                evidence="\n".join(e.evidence),
            )
            for n, e in enumerate(computed.lines, start=1)
        )
        self.session.flush()
        return row.id

    def claims(
        self, org_id: int, *, claim_id: int | None = None, lock: bool = False
    ) -> list[ClaimRecord]:
        """The organization's claims, newest first (or the one asked), each with its lines,
        what was paid on each, and its receipt."""
        query = select(SubsidyClaimRow).where(SubsidyClaimRow.org_id == org_id)
        if claim_id is not None:
            query = query.where(SubsidyClaimRow.id == claim_id)
        if lock:
            query = query.with_for_update()
        claims = list(
            self.session.scalars(
                query.order_by(SubsidyClaimRow.year.desc(), SubsidyClaimRow.id.desc())
            )
        )
        if not claims:
            return []
        ids = [c.id for c in claims]
        paid: dict[int, int] = dict(
            self.session.execute(
                select(SubsidyPaymentRow.line_id, func.sum(SubsidyPaymentRow.amount_fen))
                .join(SubsidyClaimLineRow, SubsidyClaimLineRow.id == SubsidyPaymentRow.line_id)
                .where(SubsidyPaymentRow.org_id == org_id, SubsidyClaimLineRow.claim_id.in_(ids))
                .group_by(SubsidyPaymentRow.line_id)
            )
            .tuples()
            .all()
        )
        vouchers: dict[int, set[int]] = defaultdict(set)
        for claim, voucher in self.session.execute(
            select(SubsidyClaimLineRow.claim_id, SubsidyPaymentRow.voucher_id)
            .join(SubsidyClaimLineRow, SubsidyClaimLineRow.id == SubsidyPaymentRow.line_id)
            .where(SubsidyPaymentRow.org_id == org_id, SubsidyClaimLineRow.claim_id.in_(ids))
        ):
            vouchers[claim].add(voucher)
        lines: dict[int, list[ClaimLineRecord]] = defaultdict(list)
        for line, member_no in self.session.execute(
            select(SubsidyClaimLineRow, MemberRow.member_no)
            .outerjoin(MemberRow, MemberRow.id == SubsidyClaimLineRow.member_id)
            .where(SubsidyClaimLineRow.org_id == org_id, SubsidyClaimLineRow.claim_id.in_(ids))
            .order_by(SubsidyClaimLineRow.claim_id, SubsidyClaimLineRow.line_no)
        ):
            lines[line.claim_id].append(
                ClaimLineRecord(
                    line.id,
                    line.line_no,
                    member_no,
                    line.name,
                    line.status,
                    line.households,
                    int(line.base_fen),
                    int(line.amount_fen),
                    tuple(v for v in line.evidence.split("\n") if v),
                    int(paid.get(line.id, 0)),
                )
            )
        receipts = {
            r.claim_id: ReceiptRecord(r.received_on, int(r.amount_fen), r.voucher_id)
            for r in self.session.scalars(
                select(SubsidyReceiptRow).where(
                    SubsidyReceiptRow.org_id == org_id, SubsidyReceiptRow.claim_id.in_(ids)
                )
            )
        }
        return [
            ClaimRecord(
                c.id,
                c.policy_code,
                c.policy_name,
                c.recipient,
                c.terms,
                c.year,
                c.date_from,
                c.date_to,
                c.status,
                int(c.total_fen),
                c.created_at,
                c.submitted_at,
                receipts.get(c.id),
                tuple(lines[c.id]),
                tuple(sorted(vouchers[c.id])),
            )
            for c in claims
        ]

    def submit(self, org_id: int, claim_id: int, at: datetime) -> None:
        self.session.execute(
            update(SubsidyClaimRow)
            .where(SubsidyClaimRow.org_id == org_id, SubsidyClaimRow.id == claim_id)
            .values(status="submitted", submitted_at=at)
        )

    def add_receipt(
        self,
        org_id: int,
        claim_id: int,
        received_on: date,
        amount_fen: int,
        voucher_id: int,
        by: int,
        at: datetime,
    ) -> None:
        self.session.add(
            SubsidyReceiptRow(
                org_id=org_id,
                claim_id=claim_id,
                received_on=received_on,
                amount_fen=amount_fen,
                voucher_id=voucher_id,
                created_by=by,
                created_at=at,
            )
        )
        self.session.flush()

    def add_payments(
        self, org_id: int, paid_on: date, payments: Sequence[tuple[int, int]], voucher_id: int
    ) -> None:
        self.session.add_all(
            SubsidyPaymentRow(
                org_id=org_id,
                line_id=line_id,
                paid_on=paid_on,
                amount_fen=fen,
                voucher_id=voucher_id,
            )
            for line_id, fen in payments
        )
        self.session.flush()

"""The SQL implementation of :class:`coopledger.services.ports.Registers`: asset cards,
depreciation charges, the share register and member transactions. Flushes, never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from coopledger.adapters.db import snapshots
from coopledger.adapters.db.bulk import insert_rows
from coopledger.adapters.db.tables import (
    AccountRow,
    AssetFundingRow,
    AssetRow,
    AssetUsageRow,
    ConstructionProjectRow,
    ConstructionSpendingRow,
    DepreciationChargeRow,
    FundRow,
    MemberLinkRow,
    MemberRow,
    MemberStatusRow,
    MemberTransactionRow,
    ShareAllocationRow,
    ShareEventRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.assets import AssetClass, AssetKind, AssetUse, FixedAsset, Method
from coopledger.domain.periods import Period, voucher_number
from coopledger.services.ports import (
    AssetRecord,
    Charge,
    FundFigures,
    FundLine,
    HolderRow,
    ShareEvent,
)

_SIGNED = case(
    (VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=-VoucherLineRow.amount_fen
)


class SqlRegisters:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- fixed assets ----------------------------------------------------------------------------

    def add_asset(
        self,
        org_id: int,
        asset: FixedAsset,
        fund_ids: Mapping[str, int],
        voucher_id: int | None,
        at: datetime,
    ) -> int:
        row = AssetRow(
            org_id=org_id,
            asset_no=asset.asset_no,
            name=asset.name,
            category=asset.category,
            asset_class=asset.asset_class.value,
            kind=asset.kind.value,
            poverty_project=asset.poverty_project,
            use=asset.use.value,
            acquired_on=asset.acquired_on,
            cost_fen=asset.cost_fen,
            salvage_fen=asset.salvage_fen,
            useful_life_months=asset.useful_life_months,
            method=asset.method.value,
            total_units=asset.total_units,
            opening_units=asset.opening_units,
            opening_accumulated_fen=asset.opening_accumulated_fen,
            opening_months=asset.opening_months,
            nominal=asset.nominal,
            disposed_on=asset.disposed_on,
            acquisition_voucher_id=voucher_id,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        for code, amount in asset.funding.items():
            self.session.add(
                AssetFundingRow(asset_id=row.id, fund_id=fund_ids[code], amount_fen=amount)
            )
        self.session.flush()
        return row.id

    def _records(self, rows: Sequence[AssetRow]) -> list[AssetRecord]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        funding: dict[int, dict[str, int]] = defaultdict(dict)
        for asset_id, code, amount in self.session.execute(
            select(AssetFundingRow.asset_id, FundRow.code, AssetFundingRow.amount_fen)
            .join(FundRow, FundRow.id == AssetFundingRow.fund_id)
            .where(AssetFundingRow.asset_id.in_(ids))
        ):
            funding[asset_id][code] = amount
        charges: dict[int, dict[Period, Charge]] = defaultdict(dict)
        for asset_id, year, month, amount, voucher_id, status in self.session.execute(
            select(
                DepreciationChargeRow.asset_id,
                DepreciationChargeRow.year,
                DepreciationChargeRow.month,
                DepreciationChargeRow.amount_fen,
                DepreciationChargeRow.voucher_id,
                VoucherRow.status,
            )
            .join(VoucherRow, VoucherRow.id == DepreciationChargeRow.voucher_id)
            .where(DepreciationChargeRow.asset_id.in_(ids))
        ):
            charges[asset_id][Period(year, month)] = Charge(amount, voucher_id, status == "posted")
        usage: dict[int, dict[Period, int]] = defaultdict(dict)
        for asset_id, year, month, units in self.session.execute(
            select(
                AssetUsageRow.asset_id, AssetUsageRow.year, AssetUsageRow.month, AssetUsageRow.units
            ).where(AssetUsageRow.asset_id.in_(ids))
        ):
            usage[asset_id][Period(year, month)] = units
        return [
            AssetRecord(
                id=r.id,
                asset=FixedAsset(
                    asset_no=r.asset_no,
                    name=r.name,
                    asset_class=AssetClass(r.asset_class),
                    use=AssetUse(r.use),
                    acquired_on=r.acquired_on,
                    cost_fen=r.cost_fen,
                    salvage_fen=r.salvage_fen,
                    useful_life_months=r.useful_life_months,
                    method=Method(r.method),
                    category=r.category,
                    poverty_project=r.poverty_project,
                    funding=funding.get(r.id, {}),
                    opening_accumulated_fen=r.opening_accumulated_fen,
                    opening_months=r.opening_months,
                    nominal=r.nominal,
                    total_units=r.total_units,
                    opening_units=r.opening_units,
                    disposed_on=r.disposed_on,
                    kind=AssetKind(r.kind),
                ),
                acquisition_voucher_id=r.acquisition_voucher_id,
                charges=charges.get(r.id, {}),
                usage=usage.get(r.id, {}),
                disposal_voucher_id=r.disposal_voucher_id,
            )
            for r in rows
        ]

    def asset(self, org_id: int, asset_no: str) -> AssetRecord | None:
        row = self.session.scalar(
            select(AssetRow).where(AssetRow.org_id == org_id, AssetRow.asset_no == asset_no)
        )
        return self._records([row])[0] if row else None

    def assets(self, org_id: int) -> list[AssetRecord]:
        rows = self.session.scalars(
            select(AssetRow).where(AssetRow.org_id == org_id).order_by(AssetRow.asset_no)
        ).all()
        return self._records(rows)

    def assets_of(self, org_ids: Collection[int]) -> dict[int, list[AssetRecord]]:
        """:meth:`assets` of each organization, read together."""
        rows = self.session.scalars(
            select(AssetRow)
            .where(AssetRow.org_id.in_(sorted(org_ids)))
            .order_by(AssetRow.org_id, AssetRow.asset_no)
        ).all()
        out: dict[int, list[AssetRecord]] = {o: [] for o in org_ids}
        for record, row in zip(self._records(rows), rows, strict=True):
            out[row.org_id].append(record)
        return out

    def add_charges(self, voucher_id: int, charges: Sequence[tuple[int, Period, int]]) -> None:
        insert_rows(
            self.session,
            "depreciation_charge",
            ("asset_id", "year", "month", "amount_fen", "voucher_id"),
            [(a, p.year, p.month, fen, voucher_id) for a, p, fen in charges],
        )

    def set_disposed(self, asset_id: int, on: date, voucher_id: int | None = None) -> None:
        self.session.execute(
            update(AssetRow)
            .where(AssetRow.id == asset_id)
            .values(disposed_on=on, disposal_voucher_id=voucher_id)
        )

    def set_usage(self, asset_id: int, period: Period, units: int) -> None:
        existing = self.session.get(AssetUsageRow, (asset_id, period.year, period.month))
        if existing is None:
            self.session.add(
                AssetUsageRow(asset_id=asset_id, year=period.year, month=period.month, units=units)
            )
        else:
            existing.units = units
        self.session.flush()

    # -- funds -----------------------------------------------------------------------------------

    def fund_figures(
        self, org_id: int, fund_accounts: Sequence[str], through: date | None = None
    ) -> dict[str, FundFigures]:
        last = through or date.max
        codes = dict(
            self.session.execute(select(FundRow.id, FundRow.code).where(FundRow.org_id == org_id))
            .tuples()
            .all()
        )
        account_ids = select(AccountRow.id).where(
            AccountRow.org_id == org_id, AccountRow.code.in_(fund_accounts)
        )
        moved: dict[int, tuple[int, int]] = {}
        for fund_id, credit, debit in self.session.execute(
            select(
                VoucherLineRow.fund_id,
                func.sum(case((VoucherLineRow.side == "C", VoucherLineRow.amount_fen), else_=0)),
                func.sum(case((VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=0)),
            )
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,  # the voucher index finds an organization's lines
                VoucherRow.status == "posted",
                VoucherLineRow.fund_id.is_not(None),
                VoucherLineRow.account_id.in_(account_ids),
                VoucherRow.booked_on <= last,
            )
            .group_by(VoucherLineRow.fund_id)
        ):
            moved[fund_id] = (int(credit), int(debit))
        special: dict[int, int] = defaultdict(int)
        committed: dict[int, int] = defaultdict(int)
        # the cards completed projects made: their funding was moved by the spending vouchers
        built = set(
            self.session.execute(
                select(AssetRow.asset_no)
                .join(ConstructionProjectRow, ConstructionProjectRow.asset_id == AssetRow.id)
                .where(AssetRow.org_id == org_id)
            ).scalars()
        )
        asset_nos: dict[int, list[str]] = defaultdict(list)
        for fund_id, amount, asset_no, status in self.session.execute(
            select(
                AssetFundingRow.fund_id,
                AssetFundingRow.amount_fen,
                AssetRow.asset_no,
                VoucherRow.status,
            )
            .join(AssetRow, AssetRow.id == AssetFundingRow.asset_id)
            .outerjoin(VoucherRow, VoucherRow.id == AssetRow.acquisition_voucher_id)
            .where(AssetRow.org_id == org_id, AssetRow.acquired_on <= last)
            .order_by(AssetRow.asset_no)
        ):
            special[fund_id] += amount
            asset_nos[fund_id].append(asset_no)
            if status is not None and status != "posted" and asset_no not in built:
                committed[fund_id] += amount
        # a project in progress: its posted spending is 专项基金 already (在建), a draft of it
        # is committed; a completed project's asset card carries it from its completion
        building: dict[int, int] = defaultdict(int)
        for fund_id, amount, status in self.session.execute(
            select(
                ConstructionProjectRow.fund_id,
                ConstructionSpendingRow.amount_fen,
                VoucherRow.status,
            )
            .join(
                ConstructionSpendingRow,
                ConstructionSpendingRow.project_id == ConstructionProjectRow.id,
            )
            .join(VoucherRow, VoucherRow.id == ConstructionSpendingRow.voucher_id)
            .where(
                ConstructionProjectRow.org_id == org_id,
                ConstructionProjectRow.fund_id.is_not(None),
                or_(
                    ConstructionProjectRow.completed_on.is_(None),
                    ConstructionProjectRow.completed_on > last,
                ),
                ConstructionSpendingRow.spent_on <= last,
            )
        ).tuples():
            if fund_id is None:  # pragma: no cover - the query asks for a fund's projects only
                continue
            if status == "posted":
                building[fund_id] += amount
                special[fund_id] += amount
            else:
                committed[fund_id] += amount
        quantified = dict(
            self.session.execute(
                select(ShareEventRow.fund_id, func.sum(ShareAllocationRow.amount_fen))
                .join(ShareAllocationRow, ShareAllocationRow.event_id == ShareEventRow.id)
                .where(
                    ShareEventRow.org_id == org_id,
                    ShareEventRow.fund_id.is_not(None),
                    ShareEventRow.occurred_on <= last,
                )
                .group_by(ShareEventRow.fund_id)
            )
            .tuples()
            .all()
        )
        # a village's 集体股: quantified too, held by the collective rather than by a member
        for fund_id, kept in self.session.execute(
            select(ShareEventRow.fund_id, func.sum(ShareEventRow.collective_fen))
            .where(
                ShareEventRow.org_id == org_id,
                ShareEventRow.fund_id.is_not(None),
                ShareEventRow.collective_fen.is_not(None),
                ShareEventRow.occurred_on <= last,
            )
            .group_by(ShareEventRow.fund_id)
        ).tuples():
            quantified[fund_id] = int(quantified.get(fund_id) or 0) + int(kept or 0)
        return {
            code: FundFigures(
                received=moved.get(fund_id, (0, 0))[0],
                spent=moved.get(fund_id, (0, 0))[1],
                committed_to_assets=committed.get(fund_id, 0),
                special_fund=special.get(fund_id, 0),
                quantified=int(quantified.get(fund_id) or 0),
                asset_nos=tuple(asset_nos.get(fund_id, [])),
                in_construction=building.get(fund_id, 0),
            )
            for fund_id, code in codes.items()
        }

    def fund_lines(self, org_id: int, fund_id: int) -> list[FundLine]:
        rows = self.session.execute(
            select(
                VoucherRow.id,
                VoucherRow.year,
                VoucherRow.month,
                VoucherRow.number,
                VoucherRow.status,
                VoucherRow.booked_on,
                VoucherRow.memo,
                AccountRow.code,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
            )
            .select_from(VoucherLineRow)
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                VoucherLineRow.org_id == org_id,
                VoucherRow.org_id == org_id,
                VoucherLineRow.fund_id == fund_id,
            )
            .order_by(VoucherRow.booked_on, VoucherRow.id, VoucherLineRow.line_no)
        )
        return [
            FundLine(
                vid,
                voucher_number(Period(y, m), n) if n else None,
                status,
                booked,
                memo,
                code,
                amount if side == "D" else 0,
                amount if side == "C" else 0,
            )
            for vid, y, m, n, status, booked, memo, code, side, amount in rows
        ]

    # -- members and shares ----------------------------------------------------------------------

    def holders(self, org_id: int, on: date, member_id: int | None = None) -> list[HolderRow]:
        latest_query = (
            select(MemberStatusRow.member_id, func.max(MemberStatusRow.id).label("status_id"))
            .join(MemberRow, MemberRow.id == MemberStatusRow.member_id)
            .where(MemberRow.org_id == org_id, MemberStatusRow.effective_on <= on)
            .group_by(MemberStatusRow.member_id)
        )
        members = MemberRow.org_id == org_id
        if member_id is not None:
            latest_query = latest_query.where(MemberStatusRow.member_id == member_id)
            members = and_(members, MemberRow.id == member_id)
        latest = latest_query.subquery()
        status = aliased(MemberStatusRow)
        rows = self.session.execute(
            select(
                MemberRow.id,
                MemberRow.member_no,
                MemberRow.name,
                MemberRow.kind,
                status.status,
                MemberRow.joined_on,
                MemberRow.left_on,
            )
            .outerjoin(latest, latest.c.member_id == MemberRow.id)
            .outerjoin(status, status.id == latest.c.status_id)
            .where(members)
        )
        return [
            HolderRow(
                mid,
                no,
                name,
                kind,
                st or "none",
                (joined is None or joined <= on) and (left is None or left > on),
            )
            for mid, no, name, kind, st, joined, left in rows
        ]

    def add_share_event(
        self, org_id: int, fields: Mapping[str, object], allocations: Sequence[tuple[int, str, int]]
    ) -> int:
        row = ShareEventRow(org_id=org_id, **dict(fields))
        self.session.add(row)
        self.session.flush()
        if allocations:
            self.session.execute(
                ShareAllocationRow.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {"event_id": row.id, "member_id": m, "share_class": c, "amount_fen": fen}
                    for m, c, fen in allocations
                ],
            )
        return row.id

    def share_events(self, org_id: int) -> list[ShareEvent]:
        numbers = dict(
            self.session.execute(
                select(MemberRow.id, MemberRow.member_no).where(MemberRow.org_id == org_id)
            )
            .tuples()
            .all()
        )
        funds = dict(
            self.session.execute(select(FundRow.id, FundRow.code).where(FundRow.org_id == org_id))
            .tuples()
            .all()
        )
        events = self.session.scalars(
            select(ShareEventRow)
            .where(ShareEventRow.org_id == org_id)
            .order_by(ShareEventRow.occurred_on, ShareEventRow.id)
        ).all()
        allocations: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        for event_id, member_id, share_class, amount in self.session.execute(
            select(
                ShareAllocationRow.event_id,
                ShareAllocationRow.member_id,
                ShareAllocationRow.share_class,
                ShareAllocationRow.amount_fen,
            )
            .where(ShareAllocationRow.event_id.in_([e.id for e in events]))
            .order_by(ShareAllocationRow.id)
        ):
            allocations[event_id].append((numbers[member_id], share_class, amount))
        return [
            ShareEvent(
                e.id,
                e.kind,
                e.occurred_on,
                e.reason,
                funds.get(e.fund_id) if e.fund_id else None,
                e.amount_fen,
                e.basis,
                tuple(s for s in e.statuses.split(",") if s),
                e.share_class,
                numbers.get(e.from_member_id) if e.from_member_id else None,
                numbers.get(e.to_member_id) if e.to_member_id else None,
                e.voucher_id,
                tuple(allocations.get(e.id, [])),
                e.collective_fen,
            )
            for e in events
        ]

    def share_balances(
        self, org_id: int, through: date | None, member_id: int | None = None
    ) -> dict[int, dict[str, int]]:
        query = (
            select(
                ShareAllocationRow.member_id,
                ShareAllocationRow.share_class,
                func.sum(ShareAllocationRow.amount_fen),
            )
            .join(ShareEventRow, ShareEventRow.id == ShareAllocationRow.event_id)
            .where(ShareEventRow.org_id == org_id)
            .group_by(ShareAllocationRow.member_id, ShareAllocationRow.share_class)
        )
        if through is not None:
            query = query.where(ShareEventRow.occurred_on <= through)
        if member_id is not None:
            query = query.where(ShareAllocationRow.member_id == member_id)
        out: dict[int, dict[str, int]] = defaultdict(dict)
        for member_id, share_class, amount in self.session.execute(query):
            out[member_id][share_class] = int(amount)
        return dict(out)

    def account_balances_by_member(
        self, org_id: int, code: str, through: date | None, member_id: int | None = None
    ) -> dict[int, int]:
        """Credit-minus-debit balance per member on ``code`` and its sub-accounts (posted lines);
        of ``member_id`` alone where given, summed from its own lines (the member's index)."""
        account_ids = select(AccountRow.id).where(
            AccountRow.org_id == org_id, AccountRow.code.startswith(code)
        )
        if member_id is not None:
            one = (
                select(VoucherLineRow.member_id, func.sum(-_SIGNED))
                .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
                .where(
                    VoucherLineRow.member_id == member_id,
                    VoucherLineRow.org_id == org_id,
                    VoucherRow.status == "posted",
                    VoucherLineRow.account_id.in_(account_ids),
                )
                .group_by(VoucherLineRow.member_id)
            )
            if through is not None:
                one = one.where(VoucherRow.booked_on <= through)
            return {int(m): int(b) for m, b in self.session.execute(one)}
        # the last December snapshot and the lines after it; today's balances are those of every
        # posted line, found by the members' index less the few vouchers not posted
        ids = {int(i) for i in self.session.scalars(account_ids)}
        return snapshots.member_balances(self.session, org_id, ids, through)

    def add_member_transaction(
        self, org_id: int, member_id: int, fields: Mapping[str, object]
    ) -> int:
        row = MemberTransactionRow(org_id=org_id, member_id=member_id, **dict(fields))
        self.session.add(row)
        self.session.flush()
        return row.id

    def member_transactions(
        self, org_id: int, member_id: int | None, year: int
    ) -> list[tuple[int, str, str, int, int]]:
        """(member id, product, unit, quantity in thousandths, amount in fen) per member and product."""
        query: Any = (
            select(
                MemberTransactionRow.member_id,
                MemberTransactionRow.product,
                MemberTransactionRow.unit,
                func.sum(MemberTransactionRow.quantity_milli),
                func.sum(MemberTransactionRow.amount_fen),
            )
            .where(
                MemberTransactionRow.org_id == org_id,
                MemberTransactionRow.occurred_on >= date(year, 1, 1),
                MemberTransactionRow.occurred_on <= date(year, 12, 31),
            )
            .group_by(
                MemberTransactionRow.member_id,
                MemberTransactionRow.product,
                MemberTransactionRow.unit,
            )
            .order_by(MemberTransactionRow.member_id, MemberTransactionRow.product)
        )
        if member_id is not None:
            query = query.where(MemberTransactionRow.member_id == member_id)
        return [(int(m), p, u, int(q), int(a)) for m, p, u, q, a in self.session.execute(query)]

    def set_member_link(self, member_id: int, linked_org_id: int | None) -> None:
        self.session.execute(delete(MemberLinkRow).where(MemberLinkRow.member_id == member_id))
        if linked_org_id is not None:
            self.session.add(MemberLinkRow(member_id=member_id, linked_org_id=linked_org_id))
            self.session.flush()

    def member_links(self, org_id: int) -> dict[int, int]:
        """member id → the organization it stands for, for this organization's members."""
        rows = self.session.execute(
            select(MemberLinkRow.member_id, MemberLinkRow.linked_org_id)
            .join(MemberRow, MemberRow.id == MemberLinkRow.member_id)
            .where(MemberRow.org_id == org_id)
        )
        return {int(m): int(o) for m, o in rows}

    def members_linked_to(self, linked_org_id: int) -> list[tuple[int, int, str]]:
        """(member id, the organization holding the member, member number) standing for an org."""
        rows = self.session.execute(
            select(MemberRow.id, MemberRow.org_id, MemberRow.member_no)
            .join(MemberLinkRow, MemberLinkRow.member_id == MemberRow.id)
            .where(MemberLinkRow.linked_org_id == linked_org_id)
            .order_by(MemberRow.org_id, MemberRow.id)
        )
        return [(int(m), int(o), no) for m, o, no in rows]

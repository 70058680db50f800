"""The region tree, users' regions, notices, and set-based sums over many organizations at once
(one query per figure for a whole county, not one per organization)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, delete, false, func, or_, select
from sqlalchemy.orm import Mapped, Session

from coopledger.adapters.db.base import read_rows
from coopledger.adapters.db.tables import (
    AccountRow,
    AssetFundingRow,
    AssetRow,
    ContractRow,
    DistributionLineRow,
    DistributionPaymentRow,
    DistributionPlanRow,
    DividendReceiptRow,
    FundRow,
    IssuedDisclosureRow,
    MemberRow,
    OrganizationRow,
    OrgNoticeRow,
    PeriodBalanceRow,
    RegionRow,
    UserRegionRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.regions import level_of, prefixes
from coopledger.services.ports.regions import (
    AssetTotal,
    DividendTotal,
    FundLineSum,
    FundTotal,
    IssuedDisclosure,
    PostedLine,
    RegionNode,
)

_SIGNED = case(
    (VoucherLineRow.side == "D", VoucherLineRow.amount_fen), else_=-VoucherLineRow.amount_fen
)


def under(col: Mapped[str], regions: Collection[str]) -> ColumnElement[bool]:
    """SQL: the path column is one of ``regions`` or below one (paths hold no ``%`` or ``_``)."""
    clauses = [or_(col == r, col.like(r + "/%")) for r in regions]
    return or_(*clauses) if clauses else false()


class SqlRegions:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the tree --------------------------------------------------------------------------------

    def ensure_path(self, path: str) -> int:
        parent: int | None = None
        for prefix in prefixes(path):
            found = self.session.scalar(select(RegionRow.id).where(RegionRow.path == prefix))
            if found is None:
                row = RegionRow(
                    parent_id=parent,
                    path=prefix,
                    name=prefix.rsplit("/", 1)[-1],
                    level=level_of(prefix).value,
                )
                self.session.add(row)
                self.session.flush()
                found = row.id
            parent = found
        assert parent is not None
        return parent

    def nodes(self) -> list[RegionNode]:
        rows = self.session.execute(
            select(RegionRow.id, RegionRow.path, RegionRow.name, RegionRow.level).order_by(
                RegionRow.path
            )
        )
        return [RegionNode(i, p, n, lv) for i, p, n, lv in rows]

    def node_ids(self, paths: Collection[str]) -> dict[str, int]:
        if not paths:
            return {}
        rows = self.session.execute(
            select(RegionRow.path, RegionRow.id).where(RegionRow.path.in_(list(paths)))
        )
        return dict(rows.tuples().all())

    def set_user_regions(self, user_id: int, region_ids: Sequence[int]) -> None:
        self.session.execute(delete(UserRegionRow).where(UserRegionRow.user_id == user_id))
        for rid in sorted(set(region_ids)):
            self.session.add(UserRegionRow(user_id=user_id, region_id=rid))
        self.session.flush()

    # -- sums over many organizations -------------------------------------------------------------

    def pnl_nets(self, org_ids: Collection[int], year: int) -> dict[int, dict[str, int]]:
        """Debit-minus-credit per organization and income or expense account for the year, the
        year-end closing voucher left out (as the surplus statement folds them)."""
        out: dict[int, dict[str, int]] = defaultdict(dict)
        if not org_ids:
            return out
        ids = list(org_ids)
        pnl = AccountRow.category.in_(["income", "expense"])
        for org_id, code, debit, credit in self.session.execute(
            select(
                PeriodBalanceRow.org_id,
                AccountRow.code,
                func.sum(PeriodBalanceRow.debit_fen),
                func.sum(PeriodBalanceRow.credit_fen),
            )
            .join(AccountRow, AccountRow.id == PeriodBalanceRow.account_id)
            .where(PeriodBalanceRow.org_id.in_(ids), PeriodBalanceRow.year == year, pnl)
            .group_by(PeriodBalanceRow.org_id, AccountRow.code)
        ):
            out[org_id][code] = int(debit) - int(credit)
        closing = list(
            self.session.scalars(
                select(VoucherRow.id).where(
                    VoucherRow.org_id.in_(ids),
                    VoucherRow.kind == "closing",
                    VoucherRow.status == "posted",
                    VoucherRow.year == year,
                )
            )
        )
        for org_id, code, net in self.session.execute(
            select(VoucherLineRow.org_id, AccountRow.code, func.sum(_SIGNED))
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(VoucherLineRow.voucher_id.in_(closing), pnl)
            .group_by(VoucherLineRow.org_id, AccountRow.code)
        ):
            out[org_id][code] = out[org_id].get(code, 0) - int(net)
        return out

    # -- what the findings read of each organization, for all of them at once --------------------

    def plans_of(self, org_ids: Collection[int]) -> dict[int, list[tuple[int, int, str]]]:
        """Each organization's distribution plans as (id, year, status), by id."""
        out: dict[int, list[tuple[int, int, str]]] = {o: [] for o in org_ids}
        for o, i, y, s in self.session.execute(
            select(
                DistributionPlanRow.org_id,
                DistributionPlanRow.id,
                DistributionPlanRow.year,
                DistributionPlanRow.status,
            )
            .where(DistributionPlanRow.org_id.in_(sorted(org_ids)))
            .order_by(DistributionPlanRow.id)
        ):
            out[int(o)].append((int(i), int(y), s))
        return out

    def with_contracts(self, org_ids: Collection[int]) -> set[int]:
        """The organizations among ``org_ids`` that hold at least one contract."""
        return {
            int(o)
            for o in self.session.scalars(
                select(ContractRow.org_id).where(ContractRow.org_id.in_(sorted(org_ids))).distinct()
            )
        }

    def member_balances_of(
        self, org_ids: Collection[int], codes: Collection[str]
    ) -> dict[tuple[int, str], dict[int, int]]:
        """Credit-minus-debit per member of the posted lines on each of ``codes`` and its
        sub-accounts, per (organization, code)."""
        out: dict[tuple[int, str], dict[int, int]] = {(o, c): {} for o in org_ids for c in codes}
        if not codes:
            return out
        for o, code, member_id, balance in self.session.execute(
            select(
                VoucherLineRow.org_id, AccountRow.code, VoucherLineRow.member_id, func.sum(-_SIGNED)
            )
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .where(
                VoucherLineRow.org_id.in_(sorted(org_ids)),
                VoucherRow.status == "posted",
                or_(*(AccountRow.code.startswith(c) for c in sorted(codes))),
                VoucherLineRow.member_id.is_not(None),
            )
            .group_by(VoucherLineRow.org_id, AccountRow.code, VoucherLineRow.member_id)
        ):
            for c in codes:
                if code.startswith(c):
                    sums = out[(int(o), c)]
                    sums[int(member_id)] = sums.get(int(member_id), 0) + int(balance)
        return out

    def fund_line_sums(self, org_ids: Collection[int], through: date) -> list[FundLineSum]:
        """The posted lines booked through ``through`` that carry a fund (read through the
        funds' index), summed per organization, account, fund and side."""
        if not org_ids:
            return []
        ids = sorted(org_ids)
        line = VoucherLineRow
        rows = read_rows(
            self.session,
            select(
                line.org_id,
                AccountRow.code,
                AccountRow.subledger,
                line.fund_id,
                line.side,
                func.sum(line.amount_fen),
                func.min(VoucherRow.booked_on),
                func.max(VoucherRow.booked_on),
            )
            .join(VoucherRow, VoucherRow.id == line.voucher_id)
            .join(AccountRow, AccountRow.id == line.account_id)
            .where(
                line.org_id.in_(ids),
                line.fund_id.is_not(None),  # ix_voucher_line_fund
                VoucherRow.status == "posted",
                VoucherRow.booked_on <= through,
            )
            .group_by(line.org_id, AccountRow.code, AccountRow.subledger, line.fund_id, line.side),
        )
        return [
            FundLineSum(int(o), str(c), sub == "fund", int(f), str(side), int(fen), first, last)
            for o, c, sub, f, side, fen, first, last in rows
        ]

    def fund_totals(
        self,
        org_ids: Collection[int],
        through: date,
        sums: Sequence[FundLineSum] | None = None,
    ) -> list[FundTotal]:
        if not org_ids:
            return []
        ids = list(org_ids)
        if sums is None:
            sums = self.fund_line_sums(ids, through)
        moved: dict[int, tuple[int, int]] = {}
        for s in sums:
            if s.fund_account:  # credits and debits on the funds' own accounts
                credit, debit = moved.get(s.fund_id, (0, 0))
                moved[s.fund_id] = (
                    (credit + s.fen, debit) if s.side == "C" else (credit, debit + s.fen)
                )
        rows = self.session.execute(
            select(
                FundRow.org_id,
                FundRow.id,
                FundRow.code,
                FundRow.name,
                FundRow.source,
                FundRow.granted_fen,
                FundRow.created_at,
            )
            .where(FundRow.org_id.in_(ids))
            .order_by(FundRow.org_id, FundRow.code)
        )
        return [
            FundTotal(o, f, c, n, s, int(g), *moved.get(f, (0, 0)), created_on=at.date())
            for o, f, c, n, s, g, at in rows
        ]

    def asset_totals(self, org_ids: Collection[int], through: date) -> list[AssetTotal]:
        """Assets acquired by ``through`` and not disposed of by then, whose acquisition voucher
        is posted (or that came from older books without one)."""
        if not org_ids:
            return []
        funded = (
            select(AssetFundingRow.asset_id, func.sum(AssetFundingRow.amount_fen).label("fen"))
            .group_by(AssetFundingRow.asset_id)
            .subquery()
        )
        rows = self.session.execute(
            select(
                AssetRow.org_id,
                AssetRow.asset_class,
                AssetRow.poverty_project,
                func.count(AssetRow.id),
                func.sum(AssetRow.cost_fen),
                func.sum(func.coalesce(funded.c.fen, 0)),
            )
            .outerjoin(funded, funded.c.asset_id == AssetRow.id)
            .outerjoin(VoucherRow, VoucherRow.id == AssetRow.acquisition_voucher_id)
            .where(
                AssetRow.org_id.in_(list(org_ids)),
                AssetRow.acquired_on <= through,
                (AssetRow.disposed_on.is_(None)) | (AssetRow.disposed_on > through),
                (AssetRow.acquisition_voucher_id.is_(None)) | (VoucherRow.status == "posted"),
            )
            .group_by(AssetRow.org_id, AssetRow.asset_class, AssetRow.poverty_project)
        )
        return [
            AssetTotal(o, c, bool(p), int(n), int(cost), int(f)) for o, c, p, n, cost, f in rows
        ]

    def dividend_totals(self, org_ids: Collection[int], max_year: int) -> list[DividendTotal]:
        """Per posted plan year, poverty status (as computed) and member kind: members, what the
        plans gave them and what was settled."""
        if not org_ids:
            return []
        plan, line, pay = DistributionPlanRow, DistributionLineRow, DistributionPaymentRow
        paid = (
            select(
                pay.plan_id,
                pay.member_id,
                func.sum(pay.patronage_fen + pay.residual_fen).label("fen"),
            )
            .group_by(pay.plan_id, pay.member_id)
            .subquery()
        )
        rows = self.session.execute(
            select(
                plan.org_id,
                plan.year,
                line.poverty_status,
                MemberRow.kind,
                func.count(line.id),
                func.sum(line.patronage_fen + line.residual_fen),
                func.sum(func.coalesce(paid.c.fen, 0)),
            )
            .join(line, line.plan_id == plan.id)
            .join(MemberRow, MemberRow.id == line.member_id)
            .outerjoin(paid, (paid.c.plan_id == plan.id) & (paid.c.member_id == line.member_id))
            .where(plan.org_id.in_(list(org_ids)), plan.status == "posted", plan.year <= max_year)
            .group_by(plan.org_id, plan.year, line.poverty_status, MemberRow.kind)
        )
        return [
            DividendTotal(o, int(y), s, k, int(n), int(a), int(p)) for o, y, s, k, n, a, p in rows
        ]

    # -- one organization's posted lines ------------------------------------------------------------

    def posted_lines(self, org_id: int, start: date, end: date) -> list[PostedLine]:
        rows = self.session.execute(
            select(
                VoucherRow.id,
                VoucherRow.number,
                VoucherRow.booked_on,
                VoucherRow.memo,
                AccountRow.code,
                VoucherLineRow.side,
                VoucherLineRow.amount_fen,
                MemberRow.name,
                FundRow.code,
                VoucherLineRow.memo,
                VoucherRow.kind,
            )
            .join(VoucherLineRow, VoucherLineRow.voucher_id == VoucherRow.id)
            .join(AccountRow, AccountRow.id == VoucherLineRow.account_id)
            .outerjoin(MemberRow, MemberRow.id == VoucherLineRow.member_id)
            .outerjoin(FundRow, FundRow.id == VoucherLineRow.fund_id)
            .where(
                VoucherRow.org_id == org_id,
                VoucherRow.status == "posted",
                VoucherRow.booked_on >= start,
                VoucherRow.booked_on <= end,
            )
            .order_by(VoucherRow.booked_on, VoucherRow.id, VoucherLineRow.line_no)
        )
        return [
            PostedLine(v, n, d, m, c, s, int(a), mn, fc, lm, k == "closing")
            for v, n, d, m, c, s, a, mn, fc, lm, k in rows
        ]

    def receipt_amount(self, org_id: int, plan_id: int) -> int | None:
        """The dividend receipt booked (posted) in ``org_id``'s books for a cooperative's plan."""
        value = self.session.scalar(
            select(DividendReceiptRow.amount_fen)
            .join(VoucherRow, VoucherRow.id == DividendReceiptRow.voucher_id)
            .where(
                DividendReceiptRow.org_id == org_id,
                DividendReceiptRow.plan_id == plan_id,
                VoucherRow.status == "posted",
            )
        )
        return None if value is None else int(value)

    # -- notices -----------------------------------------------------------------------------------

    def add_notice(
        self, org_id: int, kind: str, subject: str, on: date, by: int | None, at: datetime
    ) -> None:
        found = self.session.scalar(
            select(OrgNoticeRow).where(
                OrgNoticeRow.org_id == org_id,
                OrgNoticeRow.kind == kind,
                OrgNoticeRow.subject == subject,
            )
        )
        if found is None:
            self.session.add(
                OrgNoticeRow(
                    org_id=org_id,
                    kind=kind,
                    subject=subject,
                    on_date=on,
                    recorded_by=by,
                    recorded_at=at,
                )
            )
        else:
            found.on_date, found.recorded_by, found.recorded_at = on, by, at
        self.session.flush()

    def notices(self, org_id: int, kind: str) -> dict[str, date]:
        rows = self.session.execute(
            select(OrgNoticeRow.subject, OrgNoticeRow.on_date).where(
                OrgNoticeRow.org_id == org_id, OrgNoticeRow.kind == kind
            )
        )
        return dict(rows.tuples().all())

    def issued_disclosure(self, org_id: int, period: str) -> IssuedDisclosure | None:
        row = self.session.scalar(
            select(IssuedDisclosureRow).where(
                IssuedDisclosureRow.org_id == org_id, IssuedDisclosureRow.period == period
            )
        )
        if row is None:
            return None
        return IssuedDisclosure(row.period, row.published_on, row.content, row.sha256)

    def published_periods(self, org_id: int) -> list[str]:
        rows = self.session.scalars(
            select(IssuedDisclosureRow.period)
            .where(IssuedDisclosureRow.org_id == org_id)
            .order_by(IssuedDisclosureRow.published_on.desc(), IssuedDisclosureRow.period.desc())
        )
        return list(rows)

    def add_issued_disclosure(
        self, org_id: int, issued: IssuedDisclosure, by: int | None, at: datetime
    ) -> None:
        self.session.add(
            IssuedDisclosureRow(
                org_id=org_id,
                period=issued.period,
                published_on=issued.published_on,
                content=issued.content,
                sha256=issued.sha256,
                published_by=by,
                published_at=at,
            )
        )
        self.session.flush()


def orgs_under(session: Session, regions: Collection[str]) -> frozenset[int]:
    if not regions:
        return frozenset()
    return frozenset(
        session.scalars(select(OrganizationRow.id).where(under(OrganizationRow.region, regions)))
    )

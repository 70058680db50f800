"""The SQL side of the audit log: chained appends, filtered reads, the rate limiter's counters,
and the read-only queries behind the automated findings.

An append locks the chain's head row (``audit_chain``) for the rest of the transaction, like the
voucher counter, so concurrent writers of one organization never fork its chain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, and_, case, delete, func, or_, select, true, update
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coopledger.adapters.db.base import read_rows
from coopledger.adapters.db.tables import (
    AccountRow,
    AuditChainRow,
    AuditLogRow,
    LoginAttemptRow,
    OrganizationRow,
    PeriodRow,
    UserRow,
    VerifiedPointRow,
    VoucherLineRow,
    VoucherRow,
)
from coopledger.domain.audit_log import GENESIS, AuditEvent, VerifiedPoint, event_hash
from coopledger.services.ports.audit_log import (
    AuditQuery,
    FundMovement,
    LineFact,
    VoucherFact,
    YearVoucherFacts,
)

_FACT_COLUMNS = (
    VoucherRow.id,
    VoucherRow.status,
    VoucherRow.kind,
    VoucherRow.year,
    VoucherRow.month,
    VoucherRow.number,
    VoucherRow.booked_on,
    VoucherRow.created_at,
    VoucherRow.posted_at,
    VoucherRow.prepared_by,
    VoucherRow.reviewed_by,
    VoucherRow.posted_by,
)


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self, table: Any) -> Any:
        if self.session.get_bind().dialect.name == "postgresql":
            return pg_insert(table)
        return sqlite_insert(table)

    # -- the chain ----------------------------------------------------------------------------

    def append(self, event: AuditEvent) -> AuditEvent:
        """Chain and insert ``event`` (its ``seq``, ``prev_hash`` and ``hash`` are set here)."""
        key = event.chain_key
        self.session.execute(
            self._insert(AuditChainRow)
            .values(chain_key=key, seq=0, head=GENESIS)
            .on_conflict_do_nothing(index_elements=["chain_key"])
        )
        seq, prev = self.session.execute(
            select(AuditChainRow.seq, AuditChainRow.head)
            .where(AuditChainRow.chain_key == key)
            .with_for_update()
        ).one()
        if not event.actor_name and event.actor_id is not None:
            name = self.session.scalar(select(UserRow.username).where(UserRow.id == event.actor_id))
            event = _replace(event, actor_name=name or "")
        event = _replace(event, seq=seq + 1, prev_hash=prev)
        event = _replace(event, hash=event_hash(prev, event))
        self.session.execute(
            update(AuditChainRow)
            .where(AuditChainRow.chain_key == key)
            .values(seq=event.seq, head=event.hash)
        )
        row = AuditLogRow(
            chain_key=key,
            seq=event.seq,
            org_id=event.org_id,
            actor_id=event.actor_id,
            actor_name=event.actor_name[:80],
            remote_addr=event.remote_addr[:64],
            action=event.action[:40],
            object_type=event.object_type[:40],
            object_key=event.object_key[:120],
            detail=event.detail,
            at=event.at,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )
        self.session.add(row)
        self.session.flush()
        return _replace(event, id=row.id)

    def head(self, chain_key: int) -> tuple[int, str]:
        row = self.session.execute(
            select(AuditChainRow.seq, AuditChainRow.head).where(
                AuditChainRow.chain_key == chain_key
            )
        ).first()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def chain(self, chain_key: int, after: int = 0) -> Iterator[AuditEvent]:
        """The chain in order from ``after + 1``. Read whole: a caller that stops at the first
        bad link must not leave a server-side cursor open behind it."""
        rows = self.session.scalars(
            select(AuditLogRow)
            .where(AuditLogRow.chain_key == chain_key, AuditLogRow.seq > after)
            .order_by(AuditLogRow.seq)
        ).all()
        return iter([_event(row) for row in rows])

    # -- verified points ------------------------------------------------------------------------

    def verified_point(self, org_id: int) -> VerifiedPoint | None:
        row = self.session.get(VerifiedPointRow, org_id, populate_existing=True)
        return None if row is None else _point(row)

    def save_verified_point(self, point: VerifiedPoint) -> None:
        values = {
            "voucher_seq": point.voucher_seq,
            "voucher_hash": point.voucher_hash,
            "audit_seq": point.audit_seq,
            "audit_hash": point.audit_hash,
            "turnover": json.dumps(dict(sorted(point.turnover.items()))),
            "snapshots": point.snapshots,
            "verified_at": point.verified_at,
            "signature": point.signature,
        }
        self.session.execute(
            self._insert(VerifiedPointRow)
            .values(org_id=point.org_id, **values)
            .on_conflict_do_update(index_elements=["org_id"], set_=values)
        )

    def save_verified_points(self, points: Sequence[VerifiedPoint]) -> None:
        """:meth:`save_verified_point` of each point, in one statement."""
        if not points:
            return
        rows = [
            {
                "org_id": p.org_id,
                "voucher_seq": p.voucher_seq,
                "voucher_hash": p.voucher_hash,
                "audit_seq": p.audit_seq,
                "audit_hash": p.audit_hash,
                "turnover": json.dumps(dict(sorted(p.turnover.items()))),
                "snapshots": p.snapshots,
                "verified_at": p.verified_at,
                "signature": p.signature,
            }
            for p in {p.org_id: p for p in points}.values()  # the last point of each wins
        ]
        stmt = self._insert(VerifiedPointRow).values(rows)
        kept = [c for c in rows[0] if c != "org_id"]
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["org_id"], set_={c: stmt.excluded[c] for c in kept}
            )
        )

    def forget_verified_point(self, org_id: int) -> None:
        self.session.execute(delete(VerifiedPointRow).where(VerifiedPointRow.org_id == org_id))

    def events(self, q: AuditQuery, limit: int, after_id: int) -> list[AuditEvent]:
        org = AuditLogRow.org_id.is_(None) if q.org_id is None else AuditLogRow.org_id == q.org_id
        conditions = [org, AuditLogRow.id > after_id]
        if q.action:
            conditions.append(
                AuditLogRow.action.startswith(q.action.rstrip("*"))
                if q.action.endswith("*")
                else AuditLogRow.action == q.action
            )
        if q.user:
            conditions.append(AuditLogRow.actor_name == q.user)
        if q.start:
            conditions.append(AuditLogRow.at >= q.start)
        if q.end:
            conditions.append(AuditLogRow.at < q.end)
        if q.object_type:
            conditions.append(AuditLogRow.object_type == q.object_type)
        if q.object_key:
            conditions.append(AuditLogRow.object_key == q.object_key)
        rows = self.session.scalars(
            select(AuditLogRow).where(and_(*conditions)).order_by(AuditLogRow.id).limit(limit)
        )
        return [_event(r) for r in rows]

    def voucher_head(self, org_id: int) -> tuple[int, str]:
        row = self.session.execute(
            select(OrganizationRow.chain_seq, OrganizationRow.chain_head).where(
                OrganizationRow.id == org_id
            )
        ).one()
        return int(row[0]), str(row[1])

    # -- rate limiter -------------------------------------------------------------------------

    def failures_since(self, subjects: list[str], since: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(LoginAttemptRow)
                .where(LoginAttemptRow.subject.in_(subjects), LoginAttemptRow.at >= since)
            )
            or 0
        )

    def oldest_since(self, subjects: list[str], since: datetime) -> datetime | None:
        return self.session.scalar(
            select(func.min(LoginAttemptRow.at)).where(
                LoginAttemptRow.subject.in_(subjects), LoginAttemptRow.at >= since
            )
        )

    def add_failure(self, subject: str, at: datetime) -> None:
        self.session.add(LoginAttemptRow(subject=subject[:200], at=at))
        self.session.flush()

    def forget_failures(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < before))

    # -- facts for the findings ---------------------------------------------------------------

    def voucher_facts(self, org_id: int, year: int | None = None) -> list[VoucherFact]:
        within = [] if year is None else [VoucherRow.year == year]
        rows = self.session.execute(
            select(*_FACT_COLUMNS)
            .where(VoucherRow.org_id == org_id, *within)
            .order_by(VoucherRow.id)
        ).all()
        return [VoucherFact(*r) for r in rows]

    def year_voucher_facts(self, org_id: int, year: int, first: int) -> YearVoucherFacts:
        return self.year_voucher_facts_of([org_id], year, first)[org_id]

    def closed_periods(self, org_id: int) -> dict[tuple[int, int], datetime | None]:
        rows = self.session.execute(
            select(PeriodRow.year, PeriodRow.month, PeriodRow.closed_at).where(
                PeriodRow.org_id == org_id, PeriodRow.status == "closed"
            )
        ).all()
        return {(int(y), int(m)): at for y, m, at in rows}

    def posted_lines(self, org_id: int, prefixes: tuple[str, ...], through: date) -> list[LineFact]:
        return self.posted_lines_of([org_id], prefixes, through)[org_id]

    def daily_nets(self, org_id: int, code: str, through: date) -> list[tuple[date, int]]:
        return self.daily_nets_of({org_id: code}, through)[org_id]

    def fund_movements(self, org_id: int, code: str, through: date) -> dict[int, FundMovement]:
        return self.fund_movements_of({org_id: code}, through)[org_id]

    # -- the same facts for many organizations at once (a county's findings) --------------------

    def year_voucher_facts_of(
        self, org_ids: Collection[int], year: int, first: int
    ) -> dict[int, YearVoucherFacts]:
        """:meth:`year_voucher_facts` of each organization, in a few statements for all."""
        ids = sorted(org_ids)
        if not ids:
            return {}
        of_year = [VoucherRow.org_id.in_(ids), VoucherRow.year == year]
        posted = [*of_year, VoucherRow.status == "posted"]
        own = [
            VoucherRow.reviewed_by.is_not(None),
            VoucherRow.reviewed_by == VoucherRow.prepared_by,
            VoucherRow.kind != "closing",
        ]
        # the vouchers not posted (by the status index), and those posted after their month
        # was closed (the closed months joined to their vouchers), merged by id
        unposted = select(VoucherRow.org_id, *_FACT_COLUMNS).where(
            VoucherRow.org_id.in_(ids),
            VoucherRow.status.in_(("draft", "reviewed")),
            VoucherRow.year == year,
        )
        late = (
            select(VoucherRow.org_id, *_FACT_COLUMNS)
            .join(
                PeriodRow,
                and_(
                    PeriodRow.org_id == VoucherRow.org_id,
                    PeriodRow.year == VoucherRow.year,
                    PeriodRow.month == VoucherRow.month,
                ),
            )
            .where(
                PeriodRow.org_id.in_(ids),
                PeriodRow.year == year,
                PeriodRow.status == "closed",
                VoucherRow.status == "posted",
                PeriodRow.closed_at < VoucherRow.posted_at,
            )
        )
        facts: dict[int, list[VoucherFact]] = defaultdict(list)
        found = [*self.session.execute(unposted), *self.session.execute(late)]
        for org_id, *fact in sorted(found, key=lambda r: (r[0], r[1])):
            facts[int(org_id)].append(VoucherFact(*fact))
        self_reviewed: dict[int, int] = defaultdict(int)
        gaps: list[tuple[int, int, int]] = []
        # A month's numbers are 1..n exactly when there are n of them, the least is 1, the
        # greatest n, and none repeats. No number repeats in a month by the schema's unique
        # constraint (organization, year, month, number); counting them DISTINCT besides would
        # sort each month's numbers, an aggregate PostgreSQL cannot share among its parallel
        # workers (1.3 s against 0.56 s for a city's 1.7 million vouchers). Their sum and the
        # sum of their squares are compared with those of 1..n instead: a second guard, cheap,
        # against a repetition the counts alone would miss.
        number = cast_(VoucherRow.number, BigInteger)
        for org_id, y, m, count, numbered, low, high, total, squares, mine in read_rows(
            self.session,
            select(
                VoucherRow.org_id,
                VoucherRow.year,
                VoucherRow.month,
                func.count(),
                func.count(VoucherRow.number),
                func.min(VoucherRow.number),
                func.max(VoucherRow.number),
                func.sum(number),
                func.sum(number * number),
                func.sum(case((and_(*own), 1), else_=0)),
            )
            .where(*posted)
            .group_by(VoucherRow.org_id, VoucherRow.year, VoucherRow.month),
        ):
            self_reviewed[int(org_id)] += int(mine or 0)
            n = int(count)
            if not (
                n == numbered == high
                and low == 1
                and total == n * (n + 1) // 2
                and squares == n * (n + 1) * (2 * n + 1) // 6
            ):
                gaps.append((int(org_id), int(y), int(m)))
        numbers: dict[int, dict[tuple[int, int], list[int]]] = defaultdict(dict)
        for org_id, y, m in gaps:
            numbers[org_id][(y, m)] = [
                int(n or 0)
                for n in self.session.scalars(
                    select(VoucherRow.number).where(
                        VoucherRow.org_id == org_id,
                        VoucherRow.year == year,
                        VoucherRow.status == "posted",
                        VoucherRow.month == m,
                    )
                )
            ]
        examples: dict[int, list[int]] = defaultdict(list)
        reviewing = [o for o in ids if self_reviewed.get(o)]
        if reviewing and self.session.get_bind().dialect.name == "postgresql":
            # the first ``first`` of each organization, each read through its status index
            org = select(OrganizationRow.id.label("org_id")).where(
                OrganizationRow.id.in_(reviewing)
            )
            orgs = org.subquery()
            firsts = (
                select(VoucherRow.id)
                .where(
                    VoucherRow.org_id == orgs.c.org_id,
                    VoucherRow.status == "posted",
                    VoucherRow.year == year,
                    *own,
                )
                .order_by(VoucherRow.id)
                .limit(first)
                .lateral()
            )
            for org_id, voucher_id in self.session.execute(
                select(orgs.c.org_id, firsts.c.id)
                .join(firsts, true())
                .order_by(orgs.c.org_id, firsts.c.id)
            ):
                examples[int(org_id)].append(int(voucher_id))
        elif reviewing:
            ranked = (
                select(
                    VoucherRow.org_id.label("org_id"),
                    VoucherRow.id.label("id"),
                    func.row_number()
                    .over(partition_by=VoucherRow.org_id, order_by=VoucherRow.id)
                    .label("n"),
                )
                .where(
                    VoucherRow.org_id.in_(reviewing),
                    VoucherRow.year == year,
                    VoucherRow.status == "posted",
                    *own,
                )
                .subquery()
            )
            for org_id, voucher_id in self.session.execute(
                select(ranked.c.org_id, ranked.c.id)
                .where(ranked.c.n <= first)
                .order_by(ranked.c.org_id, ranked.c.id)
            ):
                examples[int(org_id)].append(int(voucher_id))
        return {
            o: YearVoucherFacts(
                facts.get(o, []), numbers.get(o, {}), self_reviewed.get(o, 0), examples.get(o, [])
            )
            for o in ids
        }

    def posted_lines_of(
        self, org_ids: Collection[int], prefixes: tuple[str, ...], through: date
    ) -> dict[int, list[LineFact]]:
        """:meth:`posted_lines` of each organization, in two statements for all."""
        ids = sorted(org_ids)
        accounts = (
            self.session.scalars(
                select(AccountRow.id).where(
                    AccountRow.org_id.in_(ids),
                    or_(*(AccountRow.code.startswith(p) for p in prefixes)),
                )
            ).all()
            if ids and prefixes
            else []
        )
        out: dict[int, list[LineFact]] = {o: [] for o in ids}
        if not accounts:
            return out
        line = VoucherLineRow
        posted = [
            VoucherRow.id == line.voucher_id,
            VoucherRow.org_id == line.org_id,
            VoucherRow.status == "posted",
            VoucherRow.booked_on <= through,
        ]
        booked: Any = VoucherRow.booked_on
        lines: Any = select(line).join(VoucherRow, and_(*posted))
        if self.session.get_bind().dialect.name == "postgresql":
            # each line's voucher looked up by its key, line by line: PostgreSQL, misjudging
            # how many lines such accounts hold (often none), would otherwise hash every posted
            # voucher of the county first (0.4 s for a city's 1.7 million); OFFSET 0 keeps the
            # lookup a subquery of its own. SQLite looks vouchers up by key in any case.
            voucher = select(VoucherRow.booked_on).where(*posted).offset(0).lateral("posted")
            booked, lines = voucher.c.booked_on, select(line).join(voucher, true())
        query = (
            lines.with_only_columns(
                line.org_id,
                line.voucher_id,
                booked,
                AccountRow.code,
                line.member_id,
                line.fund_id,
                line.side,
                line.amount_fen,
            )
            .join(AccountRow, AccountRow.id == line.account_id)
            .where(line.org_id.in_(ids), line.account_id.in_(accounts))
            .order_by(line.org_id, booked, line.voucher_id, line.line_no)
        )
        for org_id, *fact in read_rows(self.session, query):
            out[int(org_id)].append(LineFact(*fact))
        return out

    def _accounts_under(self, codes: Mapping[int, str]) -> list[int]:
        """The ids of each organization's account ``codes[org]`` and its sub-accounts."""
        orgs_of: dict[str, list[int]] = defaultdict(list)
        for org_id, code in codes.items():
            orgs_of[code].append(org_id)
        if not orgs_of:
            return []
        return list(
            self.session.scalars(
                select(AccountRow.id).where(
                    or_(
                        *(
                            and_(AccountRow.org_id.in_(sorted(o)), AccountRow.code.startswith(c))
                            for c, o in sorted(orgs_of.items())
                        )
                    )
                )
            )
        )

    def _posted_through(self, codes: Mapping[int, str], through: date) -> list[Any]:
        """The conditions on posted lines of ``codes`` (see :meth:`_accounts_under`) booked
        through ``through``; the accounts are found first, so that the lines are read through
        their account's index rather than by scanning every organization's lines."""
        return [
            VoucherLineRow.org_id.in_(sorted(codes)),
            VoucherRow.org_id == VoucherLineRow.org_id,
            VoucherRow.status == "posted",
            VoucherRow.booked_on <= through,
            VoucherLineRow.account_id.in_(self._accounts_under(codes)),
        ]

    def daily_nets_of(
        self, codes: Mapping[int, str], through: date
    ) -> dict[int, list[tuple[date, int]]]:
        out: dict[int, list[tuple[date, int]]] = {o: [] for o in codes}
        if not codes:
            return out
        signed = case(
            (VoucherLineRow.side == "D", VoucherLineRow.amount_fen),
            else_=-VoucherLineRow.amount_fen,
        )
        for org_id, day, net in self.session.execute(
            select(VoucherLineRow.org_id, VoucherRow.booked_on, func.sum(signed))
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(*self._posted_through(codes, through))
            .group_by(VoucherLineRow.org_id, VoucherRow.booked_on)
            .order_by(VoucherLineRow.org_id, VoucherRow.booked_on)
        ):
            out[int(org_id)].append((day, int(net)))
        return out

    def fund_movements_of(
        self, codes: Mapping[int, str], through: date
    ) -> dict[int, dict[int, FundMovement]]:
        out: dict[int, dict[int, FundMovement]] = {o: {} for o in codes}
        if not codes:
            return out
        sides: dict[tuple[int, int], dict[str, tuple[int, date, date]]] = defaultdict(dict)
        for org_id, fund_id, side, fen, first, last in self.session.execute(
            select(
                VoucherLineRow.org_id,
                VoucherLineRow.fund_id,
                VoucherLineRow.side,
                func.sum(VoucherLineRow.amount_fen),
                func.min(VoucherRow.booked_on),
                func.max(VoucherRow.booked_on),
            )
            .join(VoucherRow, VoucherRow.id == VoucherLineRow.voucher_id)
            .where(*self._posted_through(codes, through), VoucherLineRow.fund_id.is_not(None))
            .group_by(VoucherLineRow.org_id, VoucherLineRow.fund_id, VoucherLineRow.side)
        ):
            sides[int(org_id), int(fund_id)][str(side)] = (int(fen), first, last)
        for (org_id, fund_id), by_side in sides.items():
            out[org_id][fund_id] = FundMovement.of_sides(by_side)
        return out

    def verified_points_of(self, org_ids: Collection[int]) -> dict[int, VerifiedPoint]:
        """:meth:`verified_point` of each organization that has one, in one statement."""
        rows = self.session.scalars(
            select(VerifiedPointRow)
            .where(VerifiedPointRow.org_id.in_(sorted(org_ids)))
            .execution_options(populate_existing=True)
        ).all()
        return {row.org_id: _point(row) for row in rows}

    def heads_of(self, chain_keys: Collection[int]) -> dict[int, tuple[int, str]]:
        """:meth:`head` of each chain, in one statement."""
        found = {
            int(k): (int(s), str(h))
            for k, s, h in self.session.execute(
                select(AuditChainRow.chain_key, AuditChainRow.seq, AuditChainRow.head).where(
                    AuditChainRow.chain_key.in_(sorted(chain_keys))
                )
            )
        }
        return {k: found.get(k, (0, GENESIS)) for k in chain_keys}

    def chains_of(self, after: Mapping[int, int]) -> dict[int, list[AuditEvent]]:
        """:meth:`chain` of each chain key from its position ``after[key] + 1``, in one
        statement."""
        out: dict[int, list[AuditEvent]] = {k: [] for k in after}
        if not after:
            return out
        rows = self.session.scalars(
            select(AuditLogRow)
            .where(
                or_(
                    *(
                        and_(AuditLogRow.chain_key == k, AuditLogRow.seq > a)
                        for k, a in sorted(after.items())
                    )
                )
            )
            .order_by(AuditLogRow.chain_key, AuditLogRow.seq)
        ).all()
        for row in rows:
            out[int(row.chain_key)].append(_event(row))
        return out


def _point(row: VerifiedPointRow) -> VerifiedPoint:
    try:
        turnover = json.loads(row.turnover)
    except ValueError:
        turnover = {}
    return VerifiedPoint(
        org_id=row.org_id,
        voucher_seq=row.voucher_seq,
        voucher_hash=row.voucher_hash,
        audit_seq=row.audit_seq,
        audit_hash=row.audit_hash,
        turnover=turnover if isinstance(turnover, dict) else {},
        snapshots=row.snapshots,
        verified_at=row.verified_at,
        signature=row.signature,
    )


def _replace(event: AuditEvent, **changes: Any) -> AuditEvent:
    return replace(event, **changes)


def _event(row: AuditLogRow) -> AuditEvent:
    return AuditEvent(
        chain_key=row.chain_key,
        seq=row.seq,
        org_id=row.org_id,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        remote_addr=row.remote_addr,
        action=row.action,
        object_type=row.object_type,
        object_key=row.object_key,
        detail=row.detail,
        at=row.at,
        prev_hash=row.prev_hash,
        hash=row.hash,
        id=row.id,
    )

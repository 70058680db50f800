"""The audit log's port: the chained events, the login and request counters, and the read-only
facts behind the automated findings."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.audit_log import AuditEvent, VerifiedPoint


@dataclass(frozen=True, slots=True)
class AuditQuery:
    org_id: int | None  # None: the events of no organization (users, sign-ins)
    action: str | None = None
    user: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    object_type: str | None = None
    object_key: str | None = None


@dataclass(frozen=True, slots=True)
class LineFact:
    """A posted line, for the findings: its voucher, date, account code, side and amount."""

    voucher_id: int
    booked_on: date
    account: str
    member_id: int | None
    fund_id: int | None
    side: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class FundMovement:
    """One fund's posted lines on an account, summed, for the findings: what was received
    (credits), what was spent (debits), the first day of any of them and the last day anything
    was spent (None: nothing yet)."""

    received: int
    spent: int
    first_day: date
    last_spent: date | None

    @staticmethod
    def of_sides(by_side: Mapping[str, tuple[int, date, date]]) -> FundMovement:
        """The movement of a fund's lines summed by side: ``"C"`` and ``"D"`` to (fen, first
        day, last day)."""
        credit, debit = by_side.get("C"), by_side.get("D")
        return FundMovement(
            received=credit[0] if credit else 0,
            spent=debit[0] if debit else 0,
            first_day=min(s[1] for s in by_side.values()),
            last_spent=debit[2] if debit else None,
        )


@dataclass(frozen=True, slots=True)
class VoucherFact:
    id: int
    status: str
    kind: str
    year: int
    month: int
    number: int | None
    booked_on: date
    created_at: datetime
    posted_at: datetime | None
    prepared_by: int
    reviewed_by: int | None
    posted_by: int | None


@dataclass(frozen=True, slots=True)
class YearVoucherFacts:
    """A year's vouchers as the findings check them, gathered in the database: the vouchers not
    posted and those posted after their month was closed; the posted numbers of each month
    whose numbers are not exactly 1..n; how many posted vouchers their preparer reviewed (the
    closing ones left out) and the first ``first`` of their ids."""

    facts: list[VoucherFact]
    numbers: dict[tuple[int, int], list[int]]
    self_reviewed: int
    self_reviewed_ids: list[int]


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> AuditEvent: ...
    def head(self, chain_key: int) -> tuple[int, str]: ...
    def chain(self, chain_key: int, after: int = 0) -> Iterator[AuditEvent]:
        """The events of a chain from position ``after + 1`` on, in order."""
        ...

    def events(self, q: AuditQuery, limit: int, after_id: int) -> list[AuditEvent]: ...
    def voucher_head(self, org_id: int) -> tuple[int, str]: ...
    def failures_since(self, subjects: list[str], since: datetime) -> int: ...
    def oldest_since(self, subjects: list[str], since: datetime) -> datetime | None: ...
    def add_failure(self, subject: str, at: datetime) -> None: ...
    def forget_failures(self, before: datetime) -> None: ...
    def voucher_facts(self, org_id: int, year: int | None = None) -> list[VoucherFact]:
        """The vouchers of the organization (of ``year`` only, when given), by id."""
        ...

    def year_voucher_facts(self, org_id: int, year: int, first: int) -> YearVoucherFacts: ...
    def closed_periods(self, org_id: int) -> dict[tuple[int, int], datetime | None]: ...
    def posted_lines(
        self, org_id: int, prefixes: tuple[str, ...], through: date
    ) -> list[LineFact]: ...
    def daily_nets(self, org_id: int, code: str, through: date) -> list[tuple[date, int]]:
        """Debit-minus-credit per day of the posted lines on ``code`` and its sub-accounts
        booked through ``through``, by day."""
        ...

    def fund_movements(self, org_id: int, code: str, through: date) -> dict[int, FundMovement]:
        """Per fund id, the posted lines on ``code`` and its sub-accounts naming that fund,
        booked through ``through``, summed."""
        ...

    # verified points: where the next verification of an organization resumes
    def verified_point(self, org_id: int) -> VerifiedPoint | None: ...
    def save_verified_point(self, point: VerifiedPoint) -> None:
        """Insert or replace the organization's point."""
        ...

    def save_verified_points(self, points: Sequence[VerifiedPoint]) -> None:
        """:meth:`save_verified_point` of each point, in one statement."""
        ...

    def forget_verified_point(self, org_id: int) -> None: ...

    # the findings' facts of many organizations at once, keyed by organization (a county's)
    def year_voucher_facts_of(
        self, org_ids: Collection[int], year: int, first: int
    ) -> dict[int, YearVoucherFacts]: ...
    def posted_lines_of(
        self, org_ids: Collection[int], prefixes: tuple[str, ...], through: date
    ) -> dict[int, list[LineFact]]: ...
    def daily_nets_of(
        self, codes: Mapping[int, str], through: date
    ) -> dict[int, list[tuple[date, int]]]:
        """:meth:`daily_nets` of each organization on its own account ``codes[org]``."""
        ...

    def fund_movements_of(
        self, codes: Mapping[int, str], through: date
    ) -> dict[int, dict[int, FundMovement]]:
        """:meth:`fund_movements` of each organization on its own account ``codes[org]``."""
        ...

    def verified_points_of(self, org_ids: Collection[int]) -> dict[int, VerifiedPoint]: ...
    def heads_of(self, chain_keys: Collection[int]) -> dict[int, tuple[int, str]]: ...
    def chains_of(self, after: Mapping[int, int]) -> dict[int, list[AuditEvent]]: ...


class AuditStore(Protocol):
    """What a use case writes to the audit log in its own transaction, and the tallies of refused
    requests."""

    def tally_denial(self, subject: str, minute: datetime) -> int:
        """Count one refused request of ``subject`` in ``minute``; the count so far."""
        ...

    def denials(self, subject: str, minute: datetime) -> int: ...
    def forget_denials(self, before: datetime) -> None: ...
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
        """Append an event to the organization's chain (0: the installation's), from the unit of
        work's client address."""
        ...

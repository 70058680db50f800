"""The reports' port: turnover over a range, ledger entries, and the closed months' snapshots."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from coopledger.domain.periods import Period
from coopledger.domain.reporting import DayTotal, LedgerEntry, Turnover

#: a month's shape in the turnover by shape (:func:`coopledger.domain.reporting.shapes_of`):
#: (year, month, debit account, its fund, credit account, its fund), None for none
ShapeKey = tuple[int, int, str | None, str | None, str | None, str | None]
#: (amount in fen, entries: pairs or lines by themselves) per shape
ShapeTurnover = dict[ShapeKey, tuple[int, int]]


class ReportStore(Protocol):
    def turnovers(self, org_id: int, start: date, end: date) -> list[Turnover]: ...
    def ledger_entries(
        self,
        org_id: int,
        codes: Sequence[str],
        member_id: int | None,
        start: date,
        end: date,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LedgerEntry]:
        """The posted lines in the ledger's order (day, voucher number, line), from the
        ``offset``-th, ``limit`` of them (all when None)."""
        ...

    def ledger_days(
        self, org_id: int, codes: Sequence[str], member_id: int | None, start: date, end: date
    ) -> list[DayTotal]:
        """The days of :meth:`ledger_entries` with entries, in order: how many, and their sums."""
        ...

    def ledger_sums(
        self,
        org_id: int,
        codes: Sequence[str],
        member_id: int | None,
        start: date | None,
        end: date,
    ) -> tuple[int, int]:
        """The debit and credit of the posted lines on ``codes`` (one member's, where given)
        booked from ``start`` (from the first, when None) through ``end``."""
        ...

    def recomputed_turnover(
        self, org_id: int, months: Collection[tuple[int, int]] | None = None
    ) -> dict[tuple[str, int, int], tuple[int, int]]:
        """Turnover per (code, year, month) summed from the posted lines: every month, or only
        the (year, month) pairs in ``months``."""
        ...

    def stored_turnover(self, org_id: int) -> dict[tuple[str, int, int], tuple[int, int]]: ...

    def recomputed_shapes(
        self, org_id: int, months: Collection[tuple[int, int]] | None = None
    ) -> ShapeTurnover:
        """The turnover by shape summed from the posted lines: every month, or only the (year,
        month) pairs in ``months``."""
        ...

    def stored_shapes(self, org_id: int) -> ShapeTurnover: ...

    # the same for many organizations at once, keyed by organization (a county's findings)
    def turnovers_of(
        self, org_ids: Collection[int], start: date, end: date
    ) -> dict[int, list[Turnover]] | None:
        """None: a range of part months, which only :meth:`turnovers` reads."""
        ...

    def stored_turnover_of(
        self, org_ids: Collection[int]
    ) -> dict[int, dict[tuple[str, int, int], tuple[int, int]]]: ...
    def stored_shapes_of(self, org_ids: Collection[int]) -> dict[int, ShapeTurnover]: ...
    def stored_snapshots_of(
        self, org_ids: Collection[int]
    ) -> dict[int, list[tuple[int, int, str, int | None, int, int]]]: ...

    # period snapshots: closing balances of closed months
    def write_snapshot(self, org_id: int, year: int, month: int) -> None:
        """Store the closing balances of a month being closed (and drop any later snapshot)."""
        ...

    def drop_snapshots(self, org_id: int, year: int, month: int) -> None:
        """Delete the snapshots of ``year-month`` and every later month (a reopen), and forget
        the organization's verified point."""
        ...

    def stored_snapshots(self, org_id: int) -> list[tuple[int, int, str, int | None, int, int]]:
        """Every stored snapshot row: (year, month, account code, member id or None, debit,
        credit); a member snapshot's net is its debit, its credit 0."""
        ...

    def snapshot_mismatches(self, org_id: int) -> list[str]:
        """Each stored snapshot row that differs from the posted lines (empty: all agree)."""
        ...

    def consolidated_turnovers(
        self, org_ids: Sequence[int], first: Period, last: Period
    ) -> list[Turnover]:
        """Whole months ``first``..``last`` summed over organizations of one chart, per code."""
        ...

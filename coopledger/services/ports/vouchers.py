"""The vouchers' and periods' port: drafts, posting (numbers, the chain, turnover), the months'
states and the closed years."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from coopledger.domain.ledger import Balance, Line, Voucher, VoucherDraft, VoucherKind


@dataclass(frozen=True, slots=True)
class PeriodState:
    year: int
    month: int
    status: str
    last_number: int
    closed_at: datetime | None
    closed_by: str | None = None  # the username of who closed it


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    status: str | None = None
    year: int | None = None
    month: int | None = None
    account: str | None = None
    member_id: int | None = None
    text: str | None = None  # in the voucher's memo or a line's memo


@dataclass(frozen=True, slots=True)
class PostingStamp:
    """What posting writes onto a voucher (the database re-checks it: see the guards)."""

    number: int
    chain_seq: int
    prev_hash: str
    hash: str
    posted_by: int
    posted_at: datetime


class VoucherStore(Protocol):
    def add_voucher(
        self,
        org_id: int,
        draft: VoucherDraft,
        prepared_by: int,
        at: datetime,
        reverses: int | None = None,
    ) -> int: ...
    def replace_draft(self, voucher_id: int, draft: VoucherDraft) -> None: ...
    def delete_draft(self, voucher_id: int) -> None: ...
    def voucher(self, org_id: int, voucher_id: int, *, lock: bool = False) -> Voucher | None: ...
    def vouchers(
        self, org_id: int, flt: VoucherFilter, limit: int, after_id: int
    ) -> list[Voucher]: ...
    def voucher_page(
        self, org_id: int, flt: VoucherFilter, limit: int, offset: int
    ) -> list[Voucher]:
        """Up to ``limit`` of the vouchers matching ``flt`` in id order, from ``offset``."""
        ...

    def voucher_summary(self, org_id: int, flt: VoucherFilter) -> tuple[int, int]:
        """How many vouchers match ``flt`` and their debit total in fen (= their credit total)."""
        ...

    def voucher_ids(self, org_id: int, flt: VoucherFilter, limit: int) -> list[int]:
        """The ids of the first ``limit`` vouchers matching ``flt``, in id order."""
        ...

    def vouchers_by_id(self, org_id: int, ids: Sequence[int]) -> list[Voucher]:
        """The vouchers ``ids`` of the organization, in id order."""
        ...

    def debit_of(self, org_id: int, ids: Sequence[int]) -> int:
        """The debit total in fen of the vouchers ``ids`` (= their credit total)."""
        ...

    def set_reviewed(self, voucher_id: int, reviewer: int | None, at: datetime | None) -> None: ...
    def next_number(self, org_id: int, year: int, month: int, count: int = 1) -> int | None:
        """Reserve ``count`` consecutive numbers in an open month; the first, or None if closed."""
        ...

    def advance_chain(self, org_id: int, count: int = 1) -> tuple[int, str]:
        """Reserve ``count`` chain positions; (the first, the head before it)."""
        ...

    def add_posted_batch(
        self,
        org_id: int,
        drafts: Sequence[VoucherDraft],
        stamps: Sequence[PostingStamp],
        user_id: int,
        at: datetime,
    ) -> list[int]: ...
    def set_chain_head(self, org_id: int, seq: int, head: str) -> None: ...
    def mark_posted(self, voucher_id: int, stamp: PostingStamp) -> None: ...
    def add_turnover(
        self, org_id: int, year: int, month: int, kind: VoucherKind, lines: Sequence[Line]
    ) -> None: ...
    def posted_in_chain_order(self, org_id: int, after: int = 0) -> Iterator[Voucher]:
        """The posted vouchers from chain position ``after + 1`` on, in chain order."""
        ...

    def posted_in_chain_order_of(self, after: Mapping[int, int]) -> dict[int, list[Voucher]]:
        """:meth:`posted_in_chain_order` of each organization (key) from its ``after``."""
        ...

    def touching_of(
        self, org_ids: Collection[int], prefixes: Collection[str]
    ) -> set[tuple[int, str, int, str]]:
        """(organization, status, year, account code) of the vouchers with a line on an account
        under one of ``prefixes``, each once."""
        ...

    def chain_hash_at(self, org_id: int, seq: int) -> str | None: ...
    def count_pending(self, org_id: int, year: int, month: int | None) -> int: ...


class PeriodStore(Protocol):
    def periods(self, org_id: int) -> list[PeriodState]: ...
    def periods_of(self, org_ids: Collection[int]) -> dict[int, list[PeriodState]]: ...
    def year_stages_of(self, org_ids: Collection[int], year: int) -> dict[int, str | None]: ...
    def period_status(self, org_id: int, year: int, month: int) -> str: ...
    def closed_after(self, org_id: int, year: int, month: int) -> tuple[int, int] | None:
        """The latest closed month after ``year``-``month``, if any (year, month)."""
        ...

    def set_period_status(
        self, org_id: int, year: int, month: int, status: str, by: int | None, at: datetime | None
    ) -> None: ...
    def year_closed(self, org_id: int, year: int) -> bool: ...
    def year_stage(self, org_id: int, year: int) -> str | None:
        """``carried`` (closing vouchers posted, December open), ``closed``, or None."""
        ...

    def add_fiscal_year(
        self,
        org_id: int,
        year: int,
        surplus_fen: int,
        closing_voucher_id: int | None,
        by: int,
        at: datetime,
        status: str = "closed",
    ) -> None: ...
    def reopen_fiscal_year(self, org_id: int, year: int) -> None:
        """A closed year back to its results carried (December to be reopened with it)."""
        ...

    def finish_fiscal_year(
        self, org_id: int, year: int, more_surplus_fen: int, by: int, at: datetime
    ) -> None:
        """A carried year closed: its surplus grows by what was carried since."""
        ...

    def pnl_balances(self, org_id: int, through: date) -> list[Balance]: ...

"""Accounting periods: calendar months within a calendar fiscal year.

Voucher numbers restart each month and are printed ``记-2026-11-0007`` (记账凭证, the single
通用 kind of 会计基础工作规范 art. 50).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coopledger.domain.bounds import MAX_YEAR, MIN_YEAR, year_in_range

_PERIOD_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2026-11"`` → Period(2026, 11).

        :raise ValueError: not ``YYYY-MM``, or a month outside 1900-01 … 2199-12.
        """
        match = _PERIOD_RE.fullmatch(text)
        if not match:
            raise ValueError("must be a month written YYYY-MM")
        if not year_in_range(int(match[1])):
            raise ValueError(f"must be a month from {MIN_YEAR}-01 to {MAX_YEAR}-12")
        return cls(int(match[1]), int(match[2]))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return (self.next().first_day).fromordinal(self.next().first_day.toordinal() - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def plus(self, months: int) -> Period:
        """The month ``months`` later (earlier when negative), without stepping through them."""
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def ended_by(self, day: date) -> bool:
        """Whether the month is over on ``day``: its last day has come (a month-end run is done
        on the last day or later)."""
        return self.last_day <= day

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def voucher_number(period: Period, number: int) -> str:
    """The printed number of a posted voucher: ``记-2026-11-0007``."""
    return f"记-{period}-{number:04d}"

"""The bounds every number and date the books take in lies within, defined once.

A value outside them is refused at the edge (422 naming the field) and again by the domain, so
no stored row can make a later list, report or depreciation run loop or overflow:

- a date lies within 1900-01-01 … 2199-12-31, and so does every month and year a report asks
  for (vouchers keep their own, narrower window: 2000-01-01 to a year from today);
- a useful life is at most 1,200 months (a hundred years), and so are the months an asset
  migrated from older books had already been depreciated there;
- a count of units (units of production) is at most 10^12;
- a sum of fen — one voucher's debits or credits, one account's turnover — fits in a 64-bit
  signed integer (the BIGINT columns hold nothing larger; SQLite would turn it into a float).
"""

from __future__ import annotations

from datetime import date

from coopledger.domain.errors import ValidationFailed, field_error

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
MIN_YEAR = MIN_DATE.year
MAX_YEAR = MAX_DATE.year
MAX_LIFE_MONTHS = 1200
MAX_UNITS = 10**12
#: the largest sum of fen a BIGINT holds
MAX_FEN_SUM = 2**63 - 1
#: Python refuses to read integers written with more digits than this (``int_max_str_digits``)
MAX_INT_DIGITS = 4300

DATE_RANGE_MESSAGE = f"must be a date from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
YEAR_RANGE_MESSAGE = f"must be a year from {MIN_YEAR} to {MAX_YEAR}"
SUM_TOO_LARGE_MESSAGE = "is more than the books can hold (at most 92233720368547758.07 yuan)"


class AmountTooLarge(ValidationFailed):
    """A sum of fen beyond what a 64-bit column holds (422 ``amount_too_large``)."""

    code = "amount_too_large"


def date_in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def check_date(field: str, day: date | None) -> None:
    """:raise ValidationFailed: ``day`` lies outside 1900-01-01 … 2199-12-31 (None is fine)."""
    if day is not None and not date_in_range(day):
        raise field_error(field, DATE_RANGE_MESSAGE)


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def check_year(field: str, year: int) -> None:
    """:raise ValidationFailed: ``year`` lies outside 1900 … 2199."""
    if not year_in_range(year):
        raise field_error(field, YEAR_RANGE_MESSAGE)


def check_sum(field: str, fen: int) -> None:
    """:raise AmountTooLarge: ``fen`` (a total or a turnover) does not fit in 64 bits."""
    if abs(fen) > MAX_FEN_SUM:
        raise AmountTooLarge(
            f"{field}: {SUM_TOO_LARGE_MESSAGE}", errors={field: [SUM_TOO_LARGE_MESSAGE]}
        )

"""Strict fields for the edge: amounts and quantities are decimal strings, never JSON numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import marshmallow as ma

from coopledger.domain.bounds import (
    DATE_RANGE_MESSAGE,
    MAX_DATE,
    MAX_YEAR,
    MIN_DATE,
    MIN_YEAR,
    YEAR_RANGE_MESSAGE,
)
from coopledger.domain.errors import field_error
from coopledger.domain.money import AmountError, format_amount, parse_amount, parse_quantity
from coopledger.domain.periods import Period

_RATE_RE = re.compile(r"(0(\.[0-9]{1,6})?|1(\.0{1,6})?)", re.ASCII)


class Money(ma.fields.Field[int]):
    """``"1234.50"`` ↔ 123450 fen. Rejects numbers, exponents, signs, separators, sub-fen digits."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise ma.ValidationError(str(exc)) from exc

    def _serialize(
        self, value: int | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else format_amount(value)


class Quantity(ma.fields.Field[int]):
    """``"1250.5"`` → 1250500 thousandths of the unit."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        try:
            return parse_quantity(value)
        except AmountError as exc:
            raise ma.ValidationError(str(exc)) from exc


class Text(ma.fields.String):
    """A trimmed string with a length limit."""

    def __init__(self, *, max_length: int, min_length: int = 0, **kwargs: Any) -> None:
        super().__init__(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs)).strip()


class Rate(ma.fields.Field[Decimal]):
    """A rate between 0 and 1 with at most six decimals, as a string (``"0.10"``) or a JSON number
    (taken by its decimal text, so ``0.1`` is exactly one tenth)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ma.ValidationError('must be a decimal such as "0.10"')
        text = value if isinstance(value, str) else repr(value)
        if not _RATE_RE.fullmatch(text):
            raise ma.ValidationError(
                'must be a decimal from 0 to 1 with at most six decimals, such as "0.10"'
            )
        return Decimal(text)

    def _serialize(
        self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else str(value)


class Day(ma.fields.Date):
    """An ISO date (``"2026-03-10"``) within 1900-01-01 … 2199-12-31."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            format="iso",
            validate=ma.validate.Range(min=MIN_DATE, max=MAX_DATE, error=DATE_RANGE_MESSAGE),
            **kwargs,
        )


class Year(ma.fields.Integer):
    """A calendar year within 1900 … 2199 (a query string's text is read as a number)."""

    def __init__(self, *, min_year: int = MIN_YEAR, **kwargs: Any) -> None:
        message = (
            YEAR_RANGE_MESSAGE
            if min_year == MIN_YEAR
            else f"must be a year from {min_year} to {MAX_YEAR}"
        )
        super().__init__(
            validate=ma.validate.Range(min=min_year, max=MAX_YEAR, error=message), **kwargs
        )


class Count(ma.fields.Integer):
    """A whole JSON number from ``low`` to ``high`` (a string or a fraction is refused)."""

    def __init__(self, *, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(
            strict=True,
            validate=ma.validate.Range(
                min=low, max=high, error=f"must be a whole number from {low} to {high}"
            ),
            **kwargs,
        )


#: how the OpenAPI document shows an amount in yuan
MONEY = {"type": "string", "example": "400000.00"}


def parse_period(text: str, field: str = "period") -> Period:
    """A month such as ``2026-11``. :raise ValidationFailed: naming ``field``."""
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise field_error(field, str(exc)) from exc

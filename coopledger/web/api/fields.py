"""Strict fields for the edge: amounts and quantities are decimal strings, never JSON numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from coopledger.domain.money import AmountError, format_amount, parse_amount, parse_quantity


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

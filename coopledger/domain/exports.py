"""Tables for export: typed cells, so that each file format renders them as it should.

A text cell is a ``str`` (every writer neutralizes formula triggers); an :class:`Amount` is fen
and becomes a number in XLSX and a plain decimal in CSV; a :class:`Quantity` is thousandths.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

EXPORTS = ("vouchers", "members", "trial-balance", "assets", "shares", "distributions")
FORMATS = ("csv", "xlsx", "beancount")


@dataclass(frozen=True, slots=True)
class Amount:
    fen: int


@dataclass(frozen=True, slots=True)
class Quantity:
    milli: int


Cell = str | int | bool | date | Amount | Quantity | None


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

"""Tables for export: typed cells, so that each file format renders them as it should.

A text cell is a ``str`` (every writer neutralizes formula triggers); an :class:`Amount` is fen
and becomes a number in XLSX and a plain decimal in CSV; a :class:`Quantity` is thousandths.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopledger.domain.imports import SPECS

EXPORTS = ("vouchers", "members", "trial-balance", "assets", "shares", "distributions")
FORMATS = ("csv", "xlsx", "beancount")

#: The header row of each export. An export that an import reads back (vouchers, members,
#: assets) starts with that import's columns in their order; the columns after them are what the
#: books add (names, statuses, who posted, accumulated depreciation…), which no import reads.
COLUMNS: dict[str, tuple[str, ...]] = {
    "vouchers": (
        *SPECS["vouchers"].columns,
        "account_name",
        "line",
        "line_memo",
        "status",
        "kind",
        "prepared_by",
        "reviewed_by",
        "posted_by",
    ),
    "members": (*SPECS["members"].columns, "left_on", "bank_account"),
    "trial-balance": (
        "account",
        "name",
        "level",
        "opening_debit",
        "opening_credit",
        "debit",
        "credit",
        "closing_debit",
        "closing_credit",
    ),
    "assets": (*SPECS["assets"].columns, "accumulated", "net_value", "disposed_on"),
    "shares": (
        "member_no",
        "name",
        "kind",
        "poverty_status",
        "capital",
        "capital_from_poverty_assets",
        "reserve_share",
        "fiscal_share",
        "donation_share",
        "total",
    ),
    "distributions": (
        "plan",
        "year",
        "status",
        "resolution",
        "member_no",
        "name",
        "poverty_status",
        "transaction_amount",
        "account_share",
        "patronage_refund",
        "residual",
        "top_up",
        "total",
        "paid",
    ),
}
#: the exports an import reads back, by the import's kind
REIMPORTED = ("vouchers", "members", "assets")


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

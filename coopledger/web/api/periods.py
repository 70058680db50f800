"""Months and years of one organization: which are open, closing and reopening them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from coopledger.domain.errors import field_error
from coopledger.domain.money import format_amount
from coopledger.services import periods
from coopledger.services.ports import PeriodState
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import parse_period

blp = Blueprint(
    "periods",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Periods: closing a month, reopening it, the year-end close.",
)


class PeriodOut(ma.Schema):
    period = ma.fields.String()
    status = ma.fields.String()
    vouchers_posted = ma.fields.Integer()
    closed_at = ma.fields.String(allow_none=True)


class PeriodList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PeriodOut))
    next_cursor = ma.fields.String(allow_none=True)


class YearCloseOut(ma.Schema):
    year = ma.fields.Integer()
    surplus = ma.fields.String()
    closing_voucher = ma.fields.Integer(allow_none=True)
    stage = ma.fields.String(metadata={"description": "carried (December open) or closed"})


def present_period(state: PeriodState) -> dict[str, Any]:
    return {
        "period": f"{state.year:04d}-{state.month:02d}",
        "status": state.status,
        "vouchers_posted": state.last_number,
        "closed_at": state.closed_at.isoformat() if state.closed_at else None,
    }


@blp.route("/periods")
@blp.response(200, PeriodList)
def list_periods(org: str) -> dict[str, Any]:
    """Months that have been posted into or closed."""
    return {
        "items": [present_period(p) for p in periods.list_periods(uow(), actor(), org)],
        "next_cursor": None,
    }


@blp.route("/periods/<period>/close", methods=["POST"])
@blp.response(200, PeriodOut)
def close_period(org: str, period: str) -> dict[str, Any]:
    """Close a month (every voucher in it posted, earlier months closed)."""
    return present_period(periods.close_period(uow(), actor(), org, parse_period(period)))


@blp.route("/periods/<period>/reopen", methods=["POST"])
@blp.response(200, PeriodOut)
def reopen_period(org: str, period: str) -> dict[str, Any]:
    """Reopen a closed month (admin only; logged)."""
    return present_period(periods.reopen_period(uow(), actor(), org, parse_period(period)))


def _year(year: int) -> int:
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    return year


def present_year(result: periods.YearClose) -> dict[str, Any]:
    return {
        "year": result.year,
        "surplus": format_amount(result.surplus_fen),
        "closing_voucher": result.closing_voucher_id,
        "stage": result.stage,
    }


@blp.route("/years/<int:year>/carry", methods=["POST"])
@blp.response(200, YearCloseOut)
def carry_year(org: str, year: int) -> dict[str, Any]:
    """Year-end close, first half: carry income and expense into 本年盈余 and 本年盈余 into
    未分配盈余, close January to November; December stays open for the year's distribution,
    whose vouchers are then dated 31 December. ``…/years/{year}/close`` finishes the year."""
    return present_year(periods.carry_year(uow(), actor(), org, _year(year)))


@blp.route("/years/<int:year>/reopen", methods=["POST"])
@blp.response(200, YearCloseOut)
def reopen_year(org: str, year: int) -> dict[str, Any]:
    """Reopen a closed year (admin only; logged): December opens again and the year's stage is
    ``carried``; the next ``…/years/{year}/close`` carries what is posted meanwhile."""
    return present_year(periods.reopen_year(uow(), actor(), org, _year(year)))


@blp.route("/years/<int:year>/close", methods=["POST"])
@blp.response(200, YearCloseOut)
def close_year(org: str, year: int) -> dict[str, Any]:
    """Year-end close: carry income and expense into 本年盈余 and 本年盈余 into 未分配盈余, close
    every month of the year (a year carried already: what December took since, then December)."""
    return present_year(periods.close_year(uow(), actor(), org, _year(year)))

"""An export as file bytes: the service's table (or ledger) rendered as CSV, XLSX or Beancount."""

from __future__ import annotations

from collections.abc import Callable

from coopledger.adapters.beancount import render
from coopledger.adapters.spreadsheets import write_csv, write_xlsx
from coopledger.domain.errors import field_error
from coopledger.domain.exports import FORMATS
from coopledger.domain.roles import Actor
from coopledger.services import exports
from coopledger.services.exports import UowFactory

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "beancount": "text/plain; charset=utf-8",
}


def export(
    uows: UowFactory,
    actor: Actor,
    org_code: str,
    what: str,
    fmt: str,
    year: int | None,
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """(file bytes, rows or vouchers written). Beancount holds the whole ledger, ``what`` aside.

    :raise ValidationFailed: an unknown format or export.
    """
    if fmt not in FORMATS:
        raise field_error("format", f"must be one of {', '.join(FORMATS)}")
    if fmt == "beancount":
        data = exports.ledger_data(uows, actor, org_code, year)
        text = render(data)
        if progress:
            progress(1)
        return text.encode("utf-8"), len(data.vouchers)
    sheet = exports.sheet(uows, actor, org_code, what, year)
    out = write_csv(sheet) if fmt == "csv" else write_xlsx([sheet])
    if progress:
        progress(1)
    return out, len(sheet.rows)


def filename(org_code: str, what: str, fmt: str, year: int | None) -> str:
    stem = f"{org_code}-{'ledger' if fmt == 'beancount' else what}" + (f"-{year}" if year else "")
    return f"{stem}.{fmt}"

"""Spreadsheet cells that stay text: a value a spreadsheet would run as a formula is neutralized.

CSV and XLSX exports pass every text cell through :func:`safe_text` (OWASP's CSV-injection advice):
a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so ``=CMD|' /C calc'!A0`` is shown as the text it is and never evaluated. Numbers are
not text cells and are left alone (a negative amount stays a number).
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value

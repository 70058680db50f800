"""Where the top-level ``migrations/``, ``templates/`` and ``reports/`` folders are.

In a checkout they sit beside the package; in an installed wheel they are shipped inside it as
``coopledger/_migrations`` and so on (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``resource_dir("migrations")`` → the folder, installed or in the source tree."""
    shipped = _PACKAGE / f"_{name}"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name

"""The ``coopledger`` command line: ``main`` is the root group (:mod:`coopledger.cli.main`),
``Books`` the database a command works on (:mod:`coopledger.cli.common`)."""

from __future__ import annotations

from coopledger.cli.common import Books
from coopledger.cli.main import main

__all__ = ["Books", "main"]

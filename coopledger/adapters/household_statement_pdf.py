"""The household dividend statement rendered to PDF: its QR code and render.

Shared by the web (one statement, in the reader's language) and the CLI (a year's statements in a
folder, in Chinese)."""

from __future__ import annotations

from typing import Any

import segno

from coopledger.adapters.pdf import render_pdf, render_pdf_isolated
from coopledger.services.household_statements import Statement, record_issued_document
from coopledger.services.ports import UnitOfWork
from coopledger.services.print_contexts import household_statement_print_context


def statement_context(s: Statement, base_url: str, locale: str = "zh") -> dict[str, Any]:
    """What ``templates/pdf/household_statement.html`` shows, with the QR code of its
    verification address drawn here; ``base_url`` is where ``/verify`` answers."""
    context = household_statement_print_context(s, base_url, locale)
    return {**context, "qr": segno.make(context["verify_url"], error="m").svg_data_uri(scale=4)}


def render_statement(
    s: Statement, base_url: str, *, isolated: bool = False, locale: str = "zh"
) -> bytes:
    """One statement: PDF/A-3b with its figures embedded as JSON (the archive copy); ``isolated``
    renders it in a child process under the render limits (for a web request); ``locale`` is
    its language (``zh``, the default, or ``en``: the figures and names are the same)."""
    render = render_pdf_isolated if isolated else render_pdf
    return render(
        "pdf/household_statement.html",
        statement_context(s, base_url, locale),
        figures=s.figures(),
        created=s.issued.issued_at,
        locale=locale,
    )


def issue_statement(
    uow: UnitOfWork, s: Statement, base_url: str, *, isolated: bool = False, locale: str = "zh"
) -> bytes:
    """The statement as handed out to anyone, by any route: rendered as :func:`render_statement`
    does, its SHA-256 recorded under its verification code (once: the same file handed out again
    records nothing new), so ``/verify/{code}?sha256=`` recognizes exactly this file."""
    document = render_statement(s, base_url, isolated=isolated, locale=locale)
    record_issued_document(uow, s, document)
    return document

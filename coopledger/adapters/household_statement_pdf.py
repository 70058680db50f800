"""The household dividend statement rendered to PDF: its template context, QR code and render.

Shared by the web (one statement, in the reader's language) and the CLI (a year's statements in a
folder, in Chinese)."""

from __future__ import annotations

from typing import Any

import segno

from coopledger.adapters.pdf import render_pdf, render_pdf_isolated
from coopledger.services.household_statements import STATUS_ZH, Statement, record_issued_document
from coopledger.services.ports import UnitOfWork


def statement_context(s: Statement, base_url: str, locale: str = "zh") -> dict[str, Any]:
    """What ``templates/pdf/household_statement.html`` shows; ``base_url`` is where ``/verify`` answers;
    the explanation is written in ``locale`` (render the template in the same one)."""
    verify_url = f"{base_url.rstrip('/')}/verify/{s.issued.code}"
    return {
        "s": s,
        "plan": s.plan,
        "line": s.line,
        "holding": s.holding,
        "issued": s.issued,
        "status_zh": STATUS_ZH.get(s.poverty_status, s.poverty_status),
        "residual_before_topup": s.residual_before_topup_fen,
        "paid_out": s.paid_out_fen,
        "unpaid": s.unpaid_fen,
        "explanation": s.explanation(locale),
        "issued_on": s.issued.issued_at.date().isoformat(),
        "created": s.issued.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verify_url": verify_url,
        "qr": segno.make(verify_url, error="m").svg_data_uri(scale=4),
    }


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

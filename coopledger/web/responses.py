"""What the API and the pages both send back beyond JSON and HTML: PDFs shown inline."""

from __future__ import annotations

import re

from flask import Response

from coopledger.services.disclosure import NoticeDocument
from coopledger.services.print_contexts import notice_print_context


def inline_pdf(data: bytes, name: str) -> Response:
    """``data`` as ``<name>.pdf``, for the browser to show; characters a file name should not
    carry become ``_``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe}.pdf"'},
    )


def notice_pdf(doc: NoticeDocument, locale: str = "zh") -> Response:
    """The notice-board PDF in ``locale``: the labels translated; names, accounts and memos as
    the notice holds them (Chinese), and its fingerprint."""
    # WeasyPrint only when a PDF is asked for
    from coopledger.adapters.pdf import render_pdf_isolated

    pdf = render_pdf_isolated("pdf/disclosure.html", notice_print_context(doc), locale=locale)
    name = f"disclosure-{doc.org_code}-{doc.period}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )

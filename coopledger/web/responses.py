"""What the API and the pages both send back beyond JSON and HTML: a PDF shown inline."""

from __future__ import annotations

import re

from flask import Response


def inline_pdf(data: bytes, name: str) -> Response:
    """``data`` as ``<name>.pdf``, for the browser to show; characters a file name should not
    carry become ``_``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe}.pdf"'},
    )

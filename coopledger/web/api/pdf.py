"""What every report that also prints shares: the ``format``/``lang`` arguments, the OpenAPI entry
of a PDF answer, and the PDF response itself."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from coopledger.web.api.common import LangArgs
from coopledger.web.responses import inline_pdf


class FormatArgs(LangArgs):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "pdf"]),
        metadata={"description": "``json`` (the default) or ``pdf`` for the printable report."},
    )


def pdf_doc(description: str) -> dict[int, Any]:
    """The OpenAPI ``responses`` entry for a report that also comes as PDF (``format=pdf``).

    Keyed by the int 200, as ``@blp.response(200, ...)`` keys its JSON entry: the two then merge
    into one response with both content types (a ``"200"`` key would replace the JSON one).
    """
    return {
        200: {
            "description": description,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def pdf_response(
    template: str,
    context: dict[str, Any],
    name_parts: list[str],
    figures: dict[str, Any] | None = None,
    locale: str = "zh",
) -> Response:
    """Render ``templates/pdf/<template>`` in ``locale`` and send it inline as ``<name_parts
    joined by ->.pdf``.

    ``figures`` (the report's JSON) makes it an archival PDF/A-3b carrying them as figures.json:
    the annual statements are kept for the retention periods of 会计档案管理办法.
    """
    # Imported here: WeasyPrint loads Pango when imported, and only PDFs need it.
    from coopledger.adapters.pdf import render_pdf_isolated

    pdf = render_pdf_isolated(f"pdf/{template}", context, figures=figures, locale=locale)
    return inline_pdf(pdf, "-".join(name_parts))

"""What can go wrong rendering a PDF — importable without loading WeasyPrint (and Pango), so the
web application can answer these errors without paying for the renderer at start-up."""

from __future__ import annotations


class PdfError(RuntimeError):
    """The document could not be rendered."""


class NoCJKFontError(PdfError):
    """No installed font has Chinese glyphs: the PDF would show boxes."""


class RenderLimitError(PdfError):
    """The render ran past its time or memory limit and was stopped."""

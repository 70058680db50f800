"""Where a PDF's text lands: every run of text a page shows (one TJ of the content stream) with
its box in points, and the filled rectangles it draws, read with pypdf. Enough of the content
stream is followed for what WeasyPrint writes (q/Q, cm, Tf, Tm, TJ/Tj, rg, re, f): the width of
a run is the sum of its glyphs' widths from the font's /W array, so two labels that touch, or a
figure that runs past a bar or off the page, can be told."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Run:
    text: str
    x0: float
    x1: float
    y0: float  # baseline minus descent
    y1: float  # baseline plus ascent
    size: float

    def overlaps(self, other: Run | Rect, slack: float = 0.3) -> bool:
        return (
            self.x0 + slack < other.x1
            and other.x0 + slack < self.x1
            and self.y0 + slack < other.y1
            and other.y0 + slack < self.y1
        )


@dataclass(frozen=True)
class Rect:
    x0: float
    x1: float
    y0: float
    y1: float
    fill: tuple[float, float, float]


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


class _Font:
    def __init__(self, font: Any) -> None:
        descendant = font["/DescendantFonts"][0].get_object()
        self.default = float(descendant.get("/DW", 1000))
        self.widths: dict[int, float] = {}
        w = list(descendant.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            if isinstance(w[i + 1], list) or hasattr(w[i + 1], "__iter__"):
                for k, width in enumerate(w[i + 1]):
                    self.widths[first + k] = float(width)
                i += 2
            else:
                for cid in range(first, int(w[i + 1]) + 1):
                    self.widths[cid] = float(w[i + 2])
                i += 3
        self.unicode: dict[int, str] = {}
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                self.unicode[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                start = int(dst, 16)
                for k, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    self.unicode[cid] = chr(start + k)

    def show(self, data: bytes) -> tuple[str, float]:
        """The text and the advance (in thousandths of the font size) of a glyph string."""
        cids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
        text = "".join(self.unicode.get(c, "\ufffd") for c in cids)
        return text, sum(self.widths.get(c, self.default) for c in cids)


def layout(document: bytes, page: int = 0) -> tuple[list[Run], list[Rect], float]:
    """The runs of text and the filled rectangles of one page, and the page's width."""
    reader = PdfReader(io.BytesIO(document))
    pg = reader.pages[page]
    runs: list[Run] = []
    rects: list[Rect] = []
    _draw(reader, pg.get_contents(), pg["/Resources"], IDENTITY, runs, rects)
    return [r for r in runs if r.text.strip()], rects, float(pg.mediabox.width)


def _draw(
    reader: PdfReader,
    contents: Any,
    resources: Any,
    ctm: Matrix,
    runs: list[Run],
    rects: list[Rect],
) -> None:
    fonts = {name: _Font(f.get_object()) for name, f in resources.get("/Font", {}).items()}
    xobjects = resources.get("/XObject", {})
    stack: list[tuple[Matrix, tuple[float, float, float]]] = []
    font: _Font | None = None
    size, tm = 0.0, IDENTITY
    fill = (0.0, 0.0, 0.0)
    pending: list[tuple[float, float, float, float]] = []
    for operands, op in ContentStream(contents, reader).operations:
        if op == b"Do":
            form = xobjects[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
                inner = form.get("/Resources", resources)
                _draw(reader, form, inner, _mul(matrix, ctm), runs, rects)  # type: ignore[arg-type]
        elif op == b"q":
            stack.append((ctm, fill))
        elif op == b"Q":
            ctm, fill = stack.pop()
        elif op == b"cm":
            ctm = _mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == b"rg":
            fill = (float(operands[0]), float(operands[1]), float(operands[2]))
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            pending.append((x, y, w, h))
        elif op in (b"f", b"f*", b"F", b"B", b"b"):
            for x, y, w, h in pending:
                corners = [
                    (px * ctm[0] + py * ctm[2] + ctm[4], px * ctm[1] + py * ctm[3] + ctm[5])
                    for px, py in ((x, y), (x + w, y + h))
                ]
                (ax, ay), (bx, by) = corners
                rects.append(Rect(min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), fill))
            pending = []
        elif op in (b"n", b"S", b"W", b"W*"):
            if op != b"W" and op != b"W*":
                pending = []
        elif op == b"Tf":
            font, size = fonts[operands[0]], float(operands[1])
        elif op == b"Tm":
            tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op in (b"TJ", b"Tj") and font is not None:
            parts = operands[0] if op == b"TJ" else [operands[0]]
            text, advance = "", 0.0
            for part in parts:
                if isinstance(part, (bytes, str)) or hasattr(part, "original_bytes"):
                    data = part.original_bytes if hasattr(part, "original_bytes") else bytes(part)
                    shown, width = font.show(data)
                    text += shown
                    advance += width
                else:
                    advance -= float(part)
            m = _mul(tm, ctm)
            scale_x = (m[0] ** 2 + m[1] ** 2) ** 0.5
            scale_y = (m[2] ** 2 + m[3] ** 2) ** 0.5
            x0, y = m[4], m[5]
            width = advance / 1000 * size * scale_x
            height = size * scale_y
            if not text:
                continue
            last = runs[-1] if runs else None
            if (  # SVG text comes a glyph at a time: one run per word on a line
                last is not None
                and abs(last.y0 - (y - 0.2 * height)) < 0.1
                and abs(last.size - height) < 0.1
                and abs(last.x1 - x0) < 0.6
            ):
                runs[-1] = Run(last.text + text, last.x0, x0 + width, last.y0, last.y1, height)
            else:
                runs.append(Run(text, x0, x0 + width, y - 0.2 * height, y + 0.8 * height, height))


def overlapping(runs: list[Run]) -> list[tuple[str, str]]:
    """Pairs of runs whose boxes overlap."""
    return [(a.text, b.text) for i, a in enumerate(runs) for b in runs[i + 1 :] if a.overlaps(b)]

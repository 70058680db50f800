"""PDF documents: Jinja templates under ``templates/pdf/`` rendered by WeasyPrint.

Everything goes through :func:`render_pdf`. Its Jinja environment autoescapes and refuses undefined
names, so text typed by users (memos, names) reaches the HTML as text, never as markup. WeasyPrint
loads resources only through :class:`AssetFetcher`: files under ``templates/pdf/`` (the shipped
CSS) and ``data:`` URLs; everything else — the network, any other ``file://``, redirects — is
refused and recorded. Chinese glyphs come from a system font found through
fontconfig by family name (Debian: ``fonts-noto-cjk`` or ``fonts-wqy-microhei``); without one the
render stops with :class:`NoCJKFontError` rather than print boxes.

Every document is written in Chinese (``locale="zh"``, the default) or English (``"en"``): the
template gets ``_`` (the gettext of that locale, from the compiled catalog in
``coopledger/translations``; Chinese is the identity, so a Chinese document is exactly its
template's text) and ``lang`` (``<html lang>``) in its context — never installed on the shared
environment, which threads use at the same time. Data (names, memos) is printed as given.
"""

from __future__ import annotations

import functools
import mimetypes
import multiprocessing
import os
import resource
import shutil
import subprocess
from collections.abc import Mapping
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from coopledger.adapters.pdf_cache import RENDERED, figures_json
from coopledger.adapters.pdf_errors import NoCJKFontError, PdfError, RenderLimitError
from coopledger.domain.capitals import to_capitals
from coopledger.domain.money import format_amount
from coopledger.resources import resource_dir
from coopledger.translations import HTML_LANG, gettext_for

__all__ = [
    "AssetFetcher",
    "NoCJKFontError",
    "PdfError",
    "RenderLimitError",
    "render_html",
    "render_pdf",
    "render_pdf_isolated",
]

TEMPLATES = resource_dir("templates")
ASSETS = (TEMPLATES / "pdf").resolve()


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under ``templates/pdf/`` and ``data:`` URLs; refuses and records the rest.

    ``requested`` lists every URL WeasyPrint asked for, ``refused`` those it did not get.
    """

    def __init__(self, root: Path = ASSETS) -> None:
        super().__init__(timeout=2, allowed_protocols={"data"}, allow_redirects=False)
        self.root = root.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and (path := self._asset(url)) is not None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise URLFetchingError(f"refused to load {url!r}: only the shipped PDF assets may load")

    def _asset(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if path.is_relative_to(self.root) and path.is_file():
            return path
        return None


def format_money(fen: int | None, symbol: bool = False) -> str:
    """123456789 → ``"1,234,567.89"`` (``"¥1,234,567.89"`` with ``symbol``); None → ``""``."""
    if fen is None:
        return ""
    return format_amount(fen, grouped=True, symbol="¥" if symbol else "")


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["format_money"] = format_money
    env.filters["capitals"] = to_capitals
    return env


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """Families fontconfig knows with Chinese glyphs (``fc-list :lang=zh``)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    out = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    return tuple(sorted({name.strip() for line in out.splitlines() for name in line.split(",")}))


@functools.cache
def _font_config() -> Any:
    """One WeasyPrint font configuration per process: building it (fontconfig) per document
    costs time on every render; no template declares ``@font-face``, so nothing accumulates."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _in_locale(context: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """``context`` plus ``_`` and ``lang`` for ``locale``.

    ``_('…%(x)s…', x=value)`` works as Jinja's new-style gettext (the one Flask-Babel installs
    for the pages, which share ``disclosure_body.html``): the text is always a %-format string.
    It returns plain text, which autoescaping then escapes like any other value.

    :raise PdfError: ``locale`` is not one of ``zh``, ``en``.
    """
    if locale not in HTML_LANG:
        raise PdfError(f"documents are written in {' or '.join(HTML_LANG)}, not {locale!r}")
    gettext = gettext_for(locale)

    def translate(message: str, **variables: Any) -> str:
        return gettext(message) % variables

    return {**context, "_": translate, "lang": HTML_LANG[locale]}


def render_block(
    template_name: str, block: str, context: Mapping[str, Any], locale: str = "zh"
) -> Markup:
    """One ``{% block %}`` of a PDF template, autoescaped like the whole: the page of a
    document that is also bound with others into one PDF (a year's statements)."""
    template = _environment().get_template(template_name)
    return Markup(
        "".join(template.blocks[block](template.new_context(_in_locale(context, locale))))
    )


def render_html(template_name: str, context: Mapping[str, Any], locale: str = "zh") -> str:
    """The HTML of a PDF template (``pdf/voucher.html``) in ``locale``, autoescaped."""
    if not template_name.endswith(".html"):
        raise PdfError(f"templates are .html files, not {template_name!r}")
    return _environment().get_template(template_name).render(_in_locale(context, locale))


# Statements and annual reports are accounting archives (会计档案管理办法): PDF/A-3b, the variant
# that lets a PDF/A carry embedded files, so the figures a person reads travel with it as JSON for
# a machine.
ARCHIVE_VARIANT = "pdf/a-3b"
FIGURES_NAME = "figures.json"


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    fetcher: AssetFetcher | None = None,
    figures: Mapping[str, Any] | None = None,
    created: datetime | None = None,
    locale: str = "zh",
) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes, in ``locale``
    (``zh``, the default, or ``en``).

    Pass a ``fetcher`` to inspect afterwards what the render tried to load. Pass ``figures`` (what
    the document shows, as the API's JSON) for an archival document: the PDF is then PDF/A-3b and
    embeds them as ``figures.json`` (written by us from data, never from a URL). Pass ``created``
    (and give the template a ``dcterms.created`` meta of the same time) for a document that is
    byte for byte the same each time it is rendered from the same data: its SHA-256 is stable.
    A document rendered again from the same HTML comes from :data:`RENDERED`.

    :raise NoCJKFontError: no installed font has Chinese glyphs.
    """
    _require_cjk_font()
    html = render_html(template_name, context, locale)
    if fetcher is not None:  # the caller inspects what this very render loads
        return _write_pdf(html, fetcher, figures, created)
    return RENDERED.get_or_render(
        html, figures, created, lambda: _write_pdf(html, AssetFetcher(), figures, created)
    )


def _require_cjk_font() -> None:
    if not cjk_font_families():
        raise NoCJKFontError(
            "no font with Chinese glyphs is installed; on Debian: "
            "apt-get install fonts-noto-cjk fontconfig (or fonts-wqy-microhei)"
        )


def _write_pdf(
    html: str,
    fetcher: AssetFetcher,
    figures: Mapping[str, Any] | None,
    created: datetime | None,
) -> bytes:
    """WeasyPrint's part of :func:`render_pdf`: the HTML laid out and written as PDF."""
    document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
    options: dict[str, Any] = {}
    if figures is not None:
        embedded = Attachment(
            string=figures_json(figures),
            name=FIGURES_NAME,
            description="The figures of this document, as JSON",
            relationship="Data",
            created=created,
            modified=created,
        )
        options = {"pdf_variant": ARCHIVE_VARIANT, "attachments": [embedded]}
    pdf = document.write_pdf(font_config=_font_config(), **options)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise PdfError("WeasyPrint returned no PDF")
    return pdf


# Render isolation: a document rendered for a web request runs in a forked
# child with a wall-clock limit and an address-space limit, so a hostile or huge document costs
# one child, never the web worker. Batch rendering (already in worker processes) calls
# ``render_pdf`` directly.
RENDER_SECONDS = 30.0
RENDER_EXTRA_MEMORY = 512 * 1024 * 1024


def _address_space() -> int:
    """This process's virtual size (bytes), from /proc; 0 where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _render_child(
    conn: Connection,
    html: str,
    figures: Mapping[str, Any] | None,
    created: datetime | None,
) -> None:
    try:
        size = _address_space()
        if size:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (size + RENDER_EXTRA_MEMORY, hard))
        conn.send(("ok", _write_pdf(html, AssetFetcher(), figures, created)))
    except MemoryError:
        conn.send(("limit", "the document needs more memory than a render may use"))
    except Exception as exc:  # reported to the parent, which raises it as a PdfError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        # leave without running the parent's exit handlers or finalizers (database connections
        # inherited by the fork must not be closed from here)
        os._exit(0)


def render_pdf_isolated(
    template_name: str,
    context: Mapping[str, Any],
    *,
    figures: Mapping[str, Any] | None = None,
    created: datetime | None = None,
    seconds: float | None = None,
    locale: str = "zh",
) -> bytes:
    """:func:`render_pdf` with its layout in a forked child, stopped after ``seconds`` (default
    :data:`RENDER_SECONDS`) or when it needs more than :data:`RENDER_EXTRA_MEMORY` beyond what
    the parent already maps. The template is filled here, so a document this process rendered
    lately comes from :data:`RENDERED` without a fork.

    :raise RenderLimitError: the limit was reached (the web answers 503 ``render_timeout``).
    :raise NoCJKFontError: no installed font has Chinese glyphs.
    :raise PdfError: the render failed otherwise.
    """
    _require_cjk_font()
    try:
        html = render_html(template_name, context, locale)
    except Exception as exc:  # the template and its data, before any layout
        raise PdfError(f"{type(exc).__name__}: {exc}") from exc
    limit = RENDER_SECONDS if seconds is None else seconds
    return RENDERED.get_or_render(
        html, figures, created, lambda: _write_pdf_isolated(html, figures, created, limit)
    )


def _write_pdf_isolated(
    html: str, figures: Mapping[str, Any] | None, created: datetime | None, limit: float
) -> bytes:
    """:func:`_write_pdf` in a forked child, within ``limit`` seconds and the memory limit."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_render_child, args=(sender, html, figures, created), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise RenderLimitError(f"the document took longer than {limit:g} s to render")
        try:
            kind, payload = receiver.recv()
        except EOFError as exc:  # killed: the memory limit, or a crash in the renderer
            raise RenderLimitError("the render stopped before finishing the document") from exc
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "limit":
        raise RenderLimitError(payload)
    raise PdfError(payload)

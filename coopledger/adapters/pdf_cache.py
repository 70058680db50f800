"""The PDFs a process rendered lately, kept so that the same document asked for again costs no
layout. Apart from :mod:`coopledger.adapters.pdf` so that the application can size it without
importing WeasyPrint (which loads Pango)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

__all__ = ["DEFAULT_LIMIT", "RENDERED", "RenderCache", "figures_json"]

#: about 800 household statements (a statement is some 40 KB with WenQuanYi) per process
DEFAULT_LIMIT = 32 * 1024 * 1024


def figures_json(figures: Mapping[str, Any]) -> str:
    """The figures a PDF embeds, as the JSON file it carries."""
    return json.dumps(figures, ensure_ascii=False, indent=1)


class RenderCache:
    """The PDFs this process rendered lately, by the SHA-256 of everything a render reads (the
    HTML, which holds the template, its data and the language; the embedded figures; the
    creation time), the least recently used dropped past ``limit`` bytes (0 keeps nothing).

    Only documents that come out the same byte for byte from the same input are kept: those
    without embedded figures, and archival ones with their ``created`` time (without it the
    embedded file would carry the time of each render). A household opening its statement
    again, or a posted voucher printed again, then costs no layout at all — and gets exactly
    the file it got before, so a statement's recorded SHA-256 still matches."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.hits = 0
        self._docs: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(html: str, figures: Mapping[str, Any] | None, created: datetime | None) -> str | None:
        """The document's key, or None when a render of it is not repeatable."""
        if figures is not None and created is None:
            return None
        digest = hashlib.sha256(html.encode())
        if figures is not None:
            digest.update(b"\0" + figures_json(figures).encode())
        if created is not None:
            digest.update(b"\0" + created.isoformat().encode())
        return digest.hexdigest()

    def get_or_render(
        self,
        html: str,
        figures: Mapping[str, Any] | None,
        created: datetime | None,
        render: Callable[[], bytes],
    ) -> bytes:
        """The document kept under this input, else ``render()``'s, kept when it fits."""
        key = self.key(html, figures, created)
        if key is None:
            return render()
        with self._lock:
            pdf = self._docs.get(key)
            if pdf is not None:
                self._docs.move_to_end(key)
                self.hits += 1
                return pdf
        pdf = render()
        if len(pdf) <= self.limit:
            with self._lock:
                if key not in self._docs:
                    self._docs[key] = pdf
                    self.size += len(pdf)
                self._drop_past_limit()
        return pdf

    def resize(self, limit: int) -> None:
        """Keep at most ``limit`` bytes from now on (0: nothing)."""
        with self._lock:
            self.limit = limit
            self._drop_past_limit()

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()
            self.size = self.hits = 0

    def _drop_past_limit(self) -> None:
        while self.size > self.limit:
            _, dropped = self._docs.popitem(last=False)
            self.size -= len(dropped)


#: this process's cache; ``create_app`` sizes it from ``COOPLEDGER_PDF_CACHE_MB``
RENDERED = RenderCache(DEFAULT_LIMIT)

"""The English catalog (msgids are the Chinese texts) and its gettext outside a request.

The web pages translate through Flask-Babel, which picks the catalog per request. The PDF
documents are rendered by their own Jinja environment, in worker threads, forked children and
batch workers, so they take the locale as an argument and get the catalog from :func:`gettext_for`
(loaded once per locale, never installed globally). :func:`N_` marks a Chinese text in Python for
extraction (``pybabel extract``, see ``babel.cfg``) when it is translated later, at render time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

CATALOG = Path(__file__).resolve().parent
HTML_LANG = {"zh": "zh-CN", "en": "en"}  # the locales documents are written in → <html lang>


def N_(message: str) -> str:
    """``message`` unchanged: marked for extraction, translated where it is shown."""
    return message


@functools.cache
def gettext_for(locale: str) -> Callable[[str], str]:
    """The gettext of ``locale`` from the compiled catalog; Chinese (``zh``) is the identity.

    :raise ValueError: ``locale`` is not one of :data:`HTML_LANG`.
    """
    if locale not in HTML_LANG:
        raise ValueError(f"unknown locale {locale!r}: one of {', '.join(HTML_LANG)}")
    if locale == "zh":
        return str
    from babel.support import Translations

    return Translations.load(str(CATALOG), [locale]).gettext


def localized_name(name_zh: str, name_en: str | None, locale: str) -> str:
    """An account's name in ``locale``: the English one when there is one, else the Chinese."""
    return name_en if locale == "en" and name_en else name_zh

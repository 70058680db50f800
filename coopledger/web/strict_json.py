"""Strict JSON for request bodies.

Python's json module, and so Flask's, accepts ``NaN`` and ``Infinity`` literals, keeps the last
of duplicate keys (a disguise vector when a proxy reads the first) and recurses until it crashes
on deep nesting. Here those are errors, and so are strings holding NUL or another control
character (tab and line breaks aside) or a lone surrogate, which PostgreSQL or the UTF-8 encoder
would reject later with a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
#: Python reads no integer written with more digits (``sys.get_int_max_str_digits``)
MAX_INT_DIGITS = 4300
#: NUL (PostgreSQL stores none) and the other C0 controls but tab, line feed and carriage return
#: (legitimate in a memo of several lines), and lone surrogates (no UTF-8 encoder writes them)
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class BodyError(ValueError):
    """An unreadable body (400), with a stable code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class TextError(ValueError):
    """A readable body whose text field holds a character no database stores, or whose number
    has more digits than Python reads (422)."""

    def __init__(self, path: str, message: str, code: str = "invalid_text") -> None:
        super().__init__(message)
        self.path = path
        self.code = code


class _LongInteger(str):
    """The text of a JSON integer longer than ``MAX_INT_DIGITS``: named by its path, then refused."""


def _integer(text: str) -> int | _LongInteger:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _LongInteger(text)
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BodyError(f"duplicate key {key!r} in the JSON body", "duplicate_key")
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON number", "invalid_json")


def loads(data: str | bytes) -> Any:
    """Parse a body strictly. :raise BodyError: :raise TextError: as described above."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError("the body is not valid UTF-8", "invalid_encoding") from exc
    try:
        value = json.loads(
            data, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_integer
        )
    except RecursionError as exc:
        raise BodyError(
            f"the JSON body is nested deeper than {MAX_DEPTH} levels", "too_deep"
        ) from exc
    except json.JSONDecodeError as exc:
        raise BodyError(
            f"the body is not valid JSON: {exc.msg} at position {exc.pos}", "invalid_json"
        ) from exc
    _check(value, "", 0)
    return value


def _check(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BodyError(f"the JSON body is nested deeper than {MAX_DEPTH} levels", "too_deep")
    if isinstance(value, _LongInteger):
        raise TextError(
            path or "body",
            f"is a number of more than {MAX_INT_DIGITS} digits",
            code="out_of_range",
        )
    if isinstance(value, str):
        if _BAD_TEXT.search(value):
            raise TextError(path or "body", "contains a control character or an unpaired surrogate")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _BAD_TEXT.search(key):
                raise TextError(
                    path or "body", "a key contains a control character or an unpaired surrogate"
                )
            _check(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}.{i}" if path else str(i), depth + 1)

"""One hierarchy of domain errors, each with a stable ``code``.

The web layer maps ``kind`` to an HTTP status (invalid → 422, conflict → 409, forbidden → 403,
not_found → 404, unauthenticated → 401); the CLI prints the message and exits non-zero. Services
never raise HTTP errors and views never check rules.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base class. ``errors`` maps a field path (``lines.1.debit``) to messages; ``params`` holds
    the values a page puts into the message it keeps for ``code`` in the reader's language (the
    API's ``detail`` is ``message``, in English)."""

    kind = "invalid"
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.errors: dict[str, list[str]] = dict(errors or {})
        self.params: dict[str, object] = dict(params or {})


class ValidationFailed(DomainError):
    """Input that breaks a rule of the books (422)."""

    kind = "invalid"
    code = "validation_failed"


class Unbalanced(ValidationFailed):
    code = "unbalanced"


class NotFound(DomainError):
    """Absent, or belonging to an organization the caller cannot see: the two look alike (404)."""

    kind = "not_found"
    code = "not_found"


class Forbidden(DomainError):
    """The caller's role may not do this (403)."""

    kind = "forbidden"
    code = "forbidden"


class Unauthenticated(DomainError):
    kind = "unauthenticated"
    code = "unauthenticated"


class Conflict(DomainError):
    """The state of the books does not allow it now (409)."""

    kind = "conflict"
    code = "conflict"


class PeriodClosed(Conflict):
    code = "period_closed"


class InvalidState(Conflict):
    code = "invalid_state"


class AlreadyReversed(Conflict):
    code = "already_reversed"


class Duplicate(Conflict):
    code = "duplicate"


def field_error(field: str, message: str, *, code: str = "validation_failed") -> ValidationFailed:
    """A 422 that names one field and the reason."""
    return ValidationFailed(f"{field}: {message}", code=code, errors={field: [message]})

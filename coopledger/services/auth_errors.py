"""Errors of logging in that carry more than a message."""

from __future__ import annotations

from coopledger.domain.errors import DomainError


class RateLimited(DomainError):
    """Too many failed logins: 429, with ``retry_after`` seconds for the Retry-After header."""

    kind = "rate_limited"
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

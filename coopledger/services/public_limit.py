"""The public pages (the check of a printed statement, a village's disclosure notice), limited per
client address: at most :data:`PAGE_LIMIT` pages and :data:`PDF_LIMIT` PDFs a minute, then 429
with ``Retry-After``. The counters live in the table of the login throttle (``login_attempt``,
:mod:`.ratelimit`), so every process serving the same books shares them, and are forgotten with
it after an hour.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from coopledger.services import ratelimit
from coopledger.services.auth_errors import RateLimited
from coopledger.services.ports import UnitOfWork

PAGE_LIMIT = 60
PDF_LIMIT = 10
WINDOW = timedelta(minutes=1)
LIMITS = {"page": PAGE_LIMIT, "pdf": PDF_LIMIT}


def subject(kind: str, address: str) -> str:
    """The counter's key: what was asked for and the address it was asked from."""
    return f"public-{kind}|{address or '-'}"


def hit(uow: UnitOfWork, kind: str, now: datetime) -> None:
    """Count one request for a public ``kind`` (``page`` or ``pdf``) in a transaction of its own.

    :raise RateLimited: this address has had its ``LIMITS[kind]`` within ``WINDOW``; says when
        to try again (nothing is counted then).
    """
    key = subject(kind, uow.client.address)
    since = now - WINDOW
    with uow:
        log = uow.audit
        if log.failures_since([key], since) >= LIMITS[kind]:
            oldest = log.oldest_since([key], since) or now
            wait = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
            raise RateLimited("too many requests from this address; try again later", wait)
        log.add_failure(key, now)
        log.forget_failures(now - ratelimit.KEEP)
        uow.commit()

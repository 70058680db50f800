"""Login rate limit: at most 10 failed logins a minute per (account, address) — then 429 with
``Retry-After`` (reliability.md S4). The counters live in the database (``login_attempt``), so
every process serving the same books shares them; the account lockout in :mod:`.auth` is the
slower second line (ten failures in a row lock the account for fifteen minutes).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from coopledger.services.audit_context import remote_addr
from coopledger.services.audit_ports import AuditLog
from coopledger.services.auth_errors import RateLimited

LIMIT = 10
WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=1)


def subject(username: str) -> str:
    """The counter's key: the account and the address the attempt came from."""
    return f"{username.strip().lower()[:120]}|{remote_addr() or '-'}"


def check(log: AuditLog, username: str, now: datetime) -> None:
    """:raise RateLimited: ``LIMIT`` failures within ``WINDOW``; says when to try again."""
    key = [subject(username)]
    since = now - WINDOW
    if log.failures_since(key, since) < LIMIT:
        return
    oldest = log.oldest_since(key, since) or now
    wait = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
    raise RateLimited("too many failed logins from this address; try again later", wait)


def failed(log: AuditLog, username: str, now: datetime) -> None:
    """Count a failure (in the caller's transaction) and forget what is older than an hour."""
    log.add_failure(subject(username), now)
    log.forget_failures(now - KEEP)

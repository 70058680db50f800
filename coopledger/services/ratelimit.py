"""Login throttling, with counters in the database (``login_attempt``) so that every process
serving the same books shares them. Three counters, checked before the password:

- per (account, address): 10 failures a minute, then 429 with ``Retry-After``;
- per address: 30 failures a minute over any accounts (one machine guessing many names);
- per account: 100 failures an hour from anywhere (a guesser spread over many addresses); a
  browser or client the account has signed in from before (its signed device cookie) is exempt,
  so nobody can lock the owner out of the account by failing on purpose.

Unknown usernames are counted exactly like real ones: the answers never tell them apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from coopledger.services.auth_errors import RateLimited
from coopledger.services.ports.audit_log import AuditLog

LIMIT = 10
WINDOW = timedelta(minutes=1)
ADDRESS_LIMIT = 30
ACCOUNT_LIMIT = 100
ACCOUNT_WINDOW = timedelta(hours=1)
KEEP = timedelta(hours=1)
MESSAGE = "too many failed logins; try again later"


def _account(username: str) -> str:
    return username.strip().lower()[:120]


def subject(username: str, address: str) -> str:
    """The (account, address) counter's key."""
    return f"{_account(username)}|{address or '-'}"


def address_subject(address: str) -> str:
    return f"addr|{address or '-'}"


def account_subject(username: str) -> str:
    return f"acct|{_account(username)}"


def _wait(log: AuditLog, key: str, now: datetime, window: timedelta, limit: int) -> int | None:
    since = now - window
    if log.failures_since([key], since) < limit:
        return None
    oldest = log.oldest_since([key], since) or now
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def account_locked(log: AuditLog, username: str, now: datetime) -> bool:
    """Whether the account refuses sign-ins from devices it does not know."""
    key = account_subject(username)
    return _wait(log, key, now, ACCOUNT_WINDOW, ACCOUNT_LIMIT) is not None


def check(
    log: AuditLog, username: str, address: str, now: datetime, *, known_device: bool = False
) -> None:
    """:raise RateLimited: one of the counters is full; says when to try again. The answer is
    the same whichever counter it is and whether the account exists."""
    checks: list[tuple[str, timedelta, int]] = [
        (subject(username, address), WINDOW, LIMIT),
        (address_subject(address), WINDOW, ADDRESS_LIMIT),
    ]
    if not known_device:
        checks.append((account_subject(username), ACCOUNT_WINDOW, ACCOUNT_LIMIT))
    for key, window, limit in checks:
        wait = _wait(log, key, now, window, limit)
        if wait is not None:
            raise RateLimited(MESSAGE, wait)


def failed(log: AuditLog, username: str, address: str, now: datetime) -> None:
    """Count a failure on every counter (in the caller's transaction); forget the old ones."""
    for key in (subject(username, address), address_subject(address), account_subject(username)):
        log.add_failure(key, now)
    log.forget_failures(now - max(KEEP, ACCOUNT_WINDOW))


def succeeded_subjects(username: str, address: str) -> Sequence[str]:
    """The counters a successful sign-in clears: this account's, here and everywhere."""
    return (subject(username, address), account_subject(username))

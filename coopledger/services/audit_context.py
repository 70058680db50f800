"""Where the current request comes from, for the audit log: set by the web layer (the remote
address) or the command line ("cli"), read by the store when it appends an event.

A context variable, so that concurrent requests in threads never see each other's address.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

_REMOTE: ContextVar[str] = ContextVar("coopledger_remote_addr", default="")


def bind_remote(addr: str) -> Token[str]:
    return _REMOTE.set(addr[:64])


def reset_remote(token: Token[str]) -> None:
    _REMOTE.reset(token)


def remote_addr() -> str:
    return _REMOTE.get()

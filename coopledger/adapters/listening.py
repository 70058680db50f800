"""Whether a server can listen where it is asked to, checked before anything is built or started.

:func:`require_free_port` lets ``coopledger serve`` and ``coopledger demo`` refuse a host and port
something already listens on in one line, instead of gunicorn retrying and logging for seconds (or
the demo rebuilding books it then cannot serve).
"""

from __future__ import annotations

import errno
import socket


class PortInUse(RuntimeError):
    """Something already listens on the host and port; the message says what to do."""


def require_free_port(host: str, port: int) -> None:
    """:raise PortInUse: something already listens on ``host:port``, or this user may not listen
    there (a port below 1024 without root), or ``host`` is no address of this machine."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EACCES:
                why = "this user may not listen on it (ports below 1024 need root)"
            elif exc.errno == errno.EADDRINUSE:
                why = "it is in use (another demo or server?); stop that"
            else:
                why = f"it cannot be listened on ({exc.strerror or exc}); check --host"
            raise PortInUse(
                f"port {port} on {host}: {why}, or choose another with --port"
            ) from None

"""Serve ``create_app()`` on gunicorn — a production WSGI server, not Flask's development one.

Each worker is gevent's: a connection is a greenlet, not a process or a thread, so a client that
sends its request slowly (or opens a connection and sends nothing) holds nothing another client
needs. A request's line and headers must arrive within :data:`HEADER_SECONDS` or the connection
is closed; a worker keeps at most :data:`CONNECTIONS` connections open at once.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from coopledger.web.app import create_app


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app()


#: how long a client may take to send a request's line and headers (gunicorn's keep-alive
#: timeout bounds the header read of the gevent worker, the first request's as well)
HEADER_SECONDS = 5
#: open connections per worker process
CONNECTIONS = 1000


def options(host: str, port: int, workers: int) -> dict[str, Any]:
    """gunicorn's settings for ``coopledger serve`` and ``coopledger demo``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": CONNECTIONS,
        "keepalive": HEADER_SECONDS,
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 10,
    }


def run(host: str, port: int, workers: int) -> None:
    _Server(options(host, port, workers)).run()

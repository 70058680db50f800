"""``coopledger serve`` started for a benchmark on a free local port, and stopped after it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(url: str, tmp: Path, workers: int) -> Iterator[int]:
    """``coopledger serve`` (gunicorn) with ``workers`` processes on a free local port, stopped
    when the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "COOPLEDGER_DATABASE_URL": url,
        "COOPLEDGER_INSTANCE_PATH": str(tmp),
        "COOPLEDGER_SECRET_KEY": "bench",
    }
    command = [sys.executable, "-m", "coopledger.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)

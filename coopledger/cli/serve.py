"""``coopledger serve``: the web application and API on gunicorn."""

from __future__ import annotations

import os

import click

from coopledger.adapters import listening
from coopledger.cli.common import (
    books,
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application and API with gunicorn (a production WSGI server).

    Refuses a database whose schema is not at the newest migration, and a port in use."""
    from coopledger.web.server import run

    with books() as b:  # the schema check, before any worker starts
        listening.require_free_port(host, port)
        os.environ["COOPLEDGER_DATABASE_URL"] = b.settings.database_url
        if not b.settings.public_url:
            click.echo(_NO_PUBLIC_URL, err=True)
    run(host, port, workers)


_NO_PUBLIC_URL = (
    "warning: COOPLEDGER_PUBLIC_URL is not set: household statements are refused until it names "
    "the address households reach (printed on each statement and in its QR code)"
)

"""What the browser tests share: a live server on a test app, Debian's Chromium through
Playwright, a page that fails its test on any console error, signing in through the form.

Each browser test module seeds its own books and keeps its own ``live_server`` fixture (one
line over :func:`serve`); the ``chromium``, ``shots`` and ``page`` fixtures live in
``tests/web/conftest.py`` and use the module's ``live_server``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="Debian's chromium package is not installed"
)
DESKTOP = {"width": 1100, "height": 900}


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; its base URL while the block runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        engine = app.extensions["coopledger"].engine
        if engine is not None:
            engine.dispose()


def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``$COOPLEDGER_SCREENSHOTS`` or a temporary folder."""
    folder = os.environ.get("COOPLEDGER_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def launched() -> Iterator[Any]:
    """Debian's Chromium, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def watched(browser: Any, base_url: str, **context: Any) -> Iterator[Any]:
    """A page in a new context; the test fails on any console error (a CSP violation, a script
    error) but a resource answered with an error status, which tests provoke on purpose."""
    ctx = browser.new_context(base_url=base_url, **{"viewport": DESKTOP, **context})
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    ctx.close()
    assert not errors, errors


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login?lang=zh")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()

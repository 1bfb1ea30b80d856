"""Shared fixtures: a real Chromium (never mocked), local HTTP servers bound to 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _chromium_or_skip() -> str:
    from audit.browser import BrowserError, find_chromium

    try:
        return find_chromium()
    except BrowserError as exc:
        if os.environ.get("A11Y_AUDIT_REQUIRE_BROWSER"):
            pytest.fail(f"a real Chromium is required here: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def chromium() -> str:
    return _chromium_or_skip()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def static_server():
    """Serve tests/fixtures over HTTP on an ephemeral loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def demo_server():
    from audit.demo import DemoServer

    with DemoServer() as server:
        yield server

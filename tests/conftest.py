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


@pytest.fixture()
def french_messages(monkeypatch):
    """The command line's messages in French whatever the environment says (A11Y_AUDIT_LANG), and back to the
    environment's choice after the test."""
    from audit import words

    monkeypatch.delenv(words.ENV, raising=False)
    words.use(None)
    yield
    words.use(None)


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


FORM_PROTOCOL = Path(__file__).resolve().parents[1] / "user_test_protocols" / "acte-naissance-zoom.yaml"


@pytest.fixture()
def serve_form(tmp_path):
    """start([protocol], **create_app options) -> base URL of the testers' form, a real server in a thread
    (tests/test_form.py, tests/test_form_security.py)."""
    from werkzeug.serving import make_server

    from audit.form import create_app

    servers = []

    def start(protocol: Path = FORM_PROTOCOL, **options) -> str:
        app = create_app(protocol, tmp_path / "sessions", store_root=tmp_path / "runs", **options)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def started_processes(monkeypatch) -> list:
    """Every process started through subprocess.Popen during the test, to see whether it was stopped."""
    import subprocess

    started: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    return started

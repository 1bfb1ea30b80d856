"""Serving one HTML document on 127.0.0.1 for a test that opens it in a real browser."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@contextmanager
def served_folder(folder: Path) -> Iterator[str]:
    """The files of ``folder`` served over HTTP on 127.0.0.1: yields the base URL (no slash at the end)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def served_html(html: str, folder: Path, name: str) -> Iterator[str]:
    """``html`` written to ``folder/name`` and served from ``folder``: yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(html, encoding="utf-8")
    with served_folder(folder) as base:
        yield f"{base}/{name}"


def audited(url: str, chromium: str, folder: Path):
    """(snapshot, findings) of the page at ``url``, gathered in Chromium and checked by the tool itself."""
    import asyncio

    from audit.browser import Browser, GatherOptions
    from audit.checks import run_checks
    from audit.model import PageRef

    async def audit():
        async with Browser(chromium, GatherOptions(timeout=120)) as browser:
            snap = await browser.gather(PageRef(url=url), folder)
            return snap, run_checks(snap, folder)

    return asyncio.run(audit())

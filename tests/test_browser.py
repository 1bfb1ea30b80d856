"""Real Chromium, real axe-core: gather on local pages."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from audit.browser import Browser, GatherOptions
from audit.model import PageRef

pytestmark = pytest.mark.browser


def _gather(chromium, urls, tmp_path, **options):
    async def main():
        async with Browser(chromium, GatherOptions(**options)) as browser:
            out = []
            for i, url in enumerate(urls):
                folder = tmp_path / str(i)
                folder.mkdir()
                out.append((await browser.gather(PageRef(url=url), folder), folder))
            return out

    return asyncio.run(main())


def test_gather_saves_evidence_and_axe_finds_violations(chromium, static_server, tmp_path):
    [(snap, folder)] = _gather(chromium, [f"{static_server}/pages/failed-axe-basics.html"], tmp_path)
    assert snap.error is None, snap.error
    assert snap.status == 200
    assert snap.title == "Page de test avec défauts"
    for role in ("source", "dom", "axe", "screenshot"):
        assert (folder / snap.files[role]).is_file(), role
    axe = json.loads((folder / "axe.json").read_text())
    assert axe["testEngine"]["version"] == "4.14.1"
    violations = {v["id"] for v in axe["violations"]}
    assert {"image-alt", "label", "button-name", "frame-title", "color-contrast"} <= violations
    assert f"{static_server}/pages/autre.html" in snap.links
    assert "img" in snap.boxes and snap.boxes["img"]["width"] == 40


def test_failures_are_recorded_and_the_browser_goes_on(chromium, static_server, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    results = _gather(chromium, [f"http://127.0.0.1:{dead}/", f"{static_server}/pages/missing.html",
                                 f"{static_server}/pages/autre.html"], tmp_path, timeout=10)
    (refused, _), (missing, _), (good, _) = results
    assert refused.error and "ERR_CONNECTION_REFUSED" in refused.error
    assert missing.status == 404
    assert good.error is None and good.status == 200

"""Which Chromium the audit launches, and what it gives Chromium and Playwright's Node driver."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from audit import capture
from audit.browser import CHROMIUM_ARGS, NODE_DRIVER_OPTIONS, Browser, GatherOptions, _driver_environment


def _executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_headless_shell_preferred_to_the_full_browser(tmp_path, monkeypatch):
    monkeypatch.delenv("A11Y_AUDIT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    # this machine's own shell (an absolute path) is out of the way: only the PATH made here is searched
    monkeypatch.setattr(capture, "HEADLESS_SHELLS", (str(tmp_path / "absent" / "chromium-headless-shell"),
                                                     "chromium-headless-shell"))
    full = _executable(tmp_path, "chromium")
    assert capture.find_chromium() == str(full)
    shell = _executable(tmp_path, "chromium-headless-shell")
    assert capture.find_chromium() == str(shell)
    assert capture.find_chromium(headless_shell=False) == str(full)  # what a Selenium node runs
    monkeypatch.setenv("A11Y_AUDIT_CHROMIUM", str(full))  # the one the user names always wins
    assert capture.find_chromium() == str(full)


def test_driver_environment_added_to_the_users_and_given_back(monkeypatch, tmp_path):
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with _driver_environment("--max-semi-space-size=1"):
        assert os.environ["NODE_OPTIONS"] == "--max-semi-space-size=1"
        assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "a11y-audit" / "node-compile-cache")
    assert "NODE_OPTIONS" not in os.environ and "NODE_COMPILE_CACHE" not in os.environ
    monkeypatch.setenv("NODE_COMPILE_CACHE", str(tmp_path / "mine"))  # the user's own is kept
    with _driver_environment("--max-semi-space-size=1"):
        assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "mine")
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "mine")
    monkeypatch.setenv("NODE_OPTIONS", "--max-old-space-size=4096")
    with pytest.raises(RuntimeError), _driver_environment("--max-old-space-size=256"):
        # the user's own come last: Node keeps the last value of a flag
        assert os.environ["NODE_OPTIONS"] == "--max-old-space-size=256 --max-old-space-size=4096"
        raise RuntimeError
    assert os.environ["NODE_OPTIONS"] == "--max-old-space-size=4096"


def test_the_compile_cache_keeps_only_the_drivers_node_version(monkeypatch, tmp_path):
    from audit import browser

    version = browser._driver_node_version()  # the real driver's Node
    assert version and version.startswith("v"), version
    cache = tmp_path / "a11y-audit" / "node-compile-cache"
    for name in (f"{version}-x64-310b2ce3-0", f"{version}-x64-0a1b2c3d-0", "v0.0.1-x64-310b2ce3-0"):
        (cache / name).mkdir(parents=True)
        (cache / name / "entry").write_bytes(b"compiled")
    (cache / "README").write_text("not a version folder")
    assert browser.prune_node_compile_cache(cache) == ["v0.0.1-x64-310b2ce3-0"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        ["README", f"{version}-x64-0a1b2c3d-0", f"{version}-x64-310b2ce3-0"])
    # one version left: Node is not even asked
    monkeypatch.setattr(browser, "_driver_node_version", lambda: pytest.fail("Node asked with one version"))
    assert browser.prune_node_compile_cache(cache) == []
    assert browser.prune_node_compile_cache(tmp_path / "absent") == []
    # our own cache is pruned when a driver starts with it; a user's NODE_COMPILE_CACHE is never touched
    monkeypatch.setattr(browser, "_driver_node_version", lambda: version)
    (cache / "v0.0.2-x64-1-0").mkdir()
    mine = tmp_path / "mine"
    (mine / "v0.0.2-x64-1-0").mkdir(parents=True)
    (mine / f"{version}-x64-1-0").mkdir()
    monkeypatch.setenv("NODE_COMPILE_CACHE", str(mine))
    with _driver_environment("--a"):
        pass
    assert (mine / "v0.0.2-x64-1-0").is_dir() and (cache / "v0.0.2-x64-1-0").is_dir()
    monkeypatch.delenv("NODE_COMPILE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with _driver_environment("--a"):
        pass
    assert not (cache / "v0.0.2-x64-1-0").exists()


def test_overlapping_starts_give_the_environment_back(monkeypatch):
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    first, second = _driver_environment("--a"), _driver_environment("--a")
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first start ends while the second is still under way
    assert os.environ["NODE_OPTIONS"] == "--a"
    second.__exit__(None, None, None)
    assert "NODE_OPTIONS" not in os.environ and "NODE_COMPILE_CACHE" not in os.environ


def _children() -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            out.append(int(pid))
    return out


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parents[int(pid)] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    out, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == pid]
        out += kids
        frontier += kids
    return out


@pytest.mark.browser
def test_the_driver_and_chromium_get_their_memory_settings(chromium):
    """The Node driver runs with NODE_DRIVER_OPTIONS (this process's environment untouched), Chromium's renderers
    with the V8 flags of CHROMIUM_ARGS."""
    [js_flags] = [arg for arg in CHROMIUM_ARGS if arg.startswith("--js-flags=")]

    async def main():
        earlier = set(_children())  # other tests' drivers may still run
        async with Browser(chromium, GatherOptions()) as browser:
            drivers = [pid for pid in set(_children()) - earlier
                       if b"run-driver" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            assert len(drivers) == 1, "Playwright's driver is not a child of this process"
            environ = Path(f"/proc/{drivers[0]}/environ").read_bytes().split(b"\0")
            assert any(e.startswith(b"NODE_OPTIONS=") and NODE_DRIVER_OPTIONS.encode() in e for e in environ)
            assert any(e.startswith(b"NODE_COMPILE_CACHE=") for e in environ)
            assert os.environ.get("NODE_OPTIONS") == before
            tab = await browser._take_page()  # a page, hence a renderer
            await tab.page.goto("about:blank")
            renderers = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _descendants(drivers[0])]
            renderers = [cmd for cmd in renderers if b"--type=renderer" in cmd]
            assert renderers and all(js_flags.encode() in cmd for cmd in renderers)

    before = os.environ.get("NODE_OPTIONS")
    asyncio.run(main())


PAGES = ("pages/failed-axe-basics.html", "checks/colours/failed-field-border.html",
         "checks/presentation/failed-focus-outline-none.html", "checks/presentation/failed-reflow-fixed-width.html",
         "checks/presentation/failed-text-spacing.html", "checks/presentation/failed-zoom-fixed-height.html",
         "checks/navigation/failed-keyboard-trap.html", "checks/navigation/failed-skip-link-broken.html")


@pytest.mark.browser
def test_the_headless_shell_and_the_full_browser_give_the_same_findings(chromium, static_server, tmp_path):
    """Every check (axe, the probes: focus, Tab walk, reflow, zoom, text spacing) says the same with the full
    browser as with the headless shell the audit prefers, element by element."""
    from audit.checks import load_checks, run_checks
    from audit.model import PageRef

    full = capture.find_chromium(headless_shell=False)
    if full == chromium:
        pytest.skip("no headless shell here: only the full browser runs the audit")
    load_checks()

    def findings(executable: str, name: str) -> list:
        async def main():
            out = []
            async with Browser(executable, GatherOptions()) as browser:
                for i, page in enumerate(PAGES):
                    folder = tmp_path / name / str(i)
                    folder.mkdir(parents=True)
                    snap = await browser.gather(PageRef(url=f"{static_server}/{page}"), folder)
                    assert snap.error is None, (page, snap.error)
                    out += [(page, f.check_id, f.selector or "", f.outcome, f.message)
                            for f in run_checks(snap, folder)]
            return out

        return asyncio.run(main())

    shell, whole = findings(chromium, "shell"), findings(full, "full")
    assert any(outcome == "failed" for *_, outcome, _ in shell)
    assert sorted(shell) == sorted(whole)


AXE_TAKEN = """<!DOCTYPE html><html lang="fr"><head><title>Page qui a son propre axe</title>
<script>window.axe = {run: () => Promise.resolve({violations: []}), configure() {}};</script></head>
<body><main><h1>Essai</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<iframe title="Cadre" srcdoc="<!DOCTYPE html><html lang='fr'><title>Cadre</title><body><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='></body></html>"></iframe>
</main></body></html>"""


def test_axe_comes_with_the_document_and_survives_a_page_that_takes_its_name(chromium, tmp_path):
    """axe is put in every document by the context's init script (not sent again for each page): a page that
    defines its own `axe` still gets the audit's, in its frames too; the tabs' blank page between two pages
    carries none."""
    import asyncio

    from serving import served_html

    from audit.model import PageRef

    async def audit(url):
        async with Browser(chromium, GatherOptions(screenshot=False, probes=False)) as browser:
            snap = await browser.gather(PageRef(url=url), tmp_path / "out")
            tab = browser._pool[0]
            assert tab.page.url == "about:blank"  # given back to the pool on a blank page
            blank = await tab.page.evaluate("() => [typeof window.__a11yAuditAxe, typeof window.axe]")
            return snap, blank

    with served_html(AXE_TAKEN, tmp_path / "site", "page.html") as url:
        snap, blank = asyncio.run(audit(url))
    assert snap.error is None
    raw = json.loads((tmp_path / "out" / snap.files["axe"]).read_text(encoding="utf-8"))
    assert raw["testEngine"]["version"] == "4.14.1"  # the pinned axe-core ran, not the page's
    image_alt = next(r for r in raw["violations"] if r["id"] == "image-alt")
    targets = [n["target"] for n in image_alt["nodes"]]
    assert any(len(t) == 1 for t in targets), targets  # the page's own image
    assert any(len(t) == 2 for t in targets), targets  # the image inside the frame: axe ran there too
    assert blank == ["undefined", "undefined"]

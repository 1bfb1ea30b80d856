"""Which Chromium the audit launches, and what it gives Chromium and Playwright's Node driver."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from audit import capture
from audit.browser import CHROMIUM_ARGS, NODE_DRIVER_OPTIONS, Browser, GatherOptions, _node_options


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


def test_node_options_added_to_the_users_and_given_back(monkeypatch):
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    with _node_options("--max-semi-space-size=1"):
        assert os.environ["NODE_OPTIONS"] == "--max-semi-space-size=1"
    assert "NODE_OPTIONS" not in os.environ
    monkeypatch.setenv("NODE_OPTIONS", "--trace-warnings")
    with pytest.raises(RuntimeError), _node_options("--max-semi-space-size=1"):
        assert os.environ["NODE_OPTIONS"] == "--trace-warnings --max-semi-space-size=1"
        raise RuntimeError
    assert os.environ["NODE_OPTIONS"] == "--trace-warnings"


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


@pytest.mark.browser
def test_the_driver_and_chromium_get_their_memory_settings(chromium):
    """The Node driver runs with NODE_DRIVER_OPTIONS (this process's environment untouched), Chromium's renderers
    with the V8 flags of CHROMIUM_ARGS."""
    assert any(arg.startswith("--js-flags=") for arg in CHROMIUM_ARGS)

    async def main():
        earlier = set(_children())  # other tests' drivers may still run
        async with Browser(chromium, GatherOptions()):
            drivers = [pid for pid in set(_children()) - earlier
                       if b"run-driver" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            assert len(drivers) == 1, "Playwright's driver is not a child of this process"
            environ = Path(f"/proc/{drivers[0]}/environ").read_bytes().split(b"\0")
            assert f"NODE_OPTIONS={NODE_DRIVER_OPTIONS}".encode() in environ or any(
                e.startswith(b"NODE_OPTIONS=") and NODE_DRIVER_OPTIONS.encode() in e for e in environ)
            assert os.environ.get("NODE_OPTIONS") == before

    before = os.environ.get("NODE_OPTIONS")
    asyncio.run(main())

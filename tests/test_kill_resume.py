"""Crashes and signals, on real runs of the demo town: Chromium killed mid-run, SIGTERM, SIGKILL at random
points then ``--resume``. Every page ends up saved exactly once (``pages.saves == 1``), nothing is lost.

The random-kill test runs 3 seeds in CI; ``A11Y_KILL_RUNS=20`` runs 20 (what docs/reliability.md reports).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from audit import config, runner
from audit.demo import DemoServer, demo_password
from audit.store import Store

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
KILL_RUNS = int(os.environ.get("A11Y_KILL_RUNS", "3"))
MAX_PAGES = 8  # enough pages for a kill to land anywhere, few enough to keep each run short
# The HTML validator (a JVM per run, a site check) has nothing to do with resuming: left out to save time.
NO_VALIDATOR = {"A11Y_AUDIT_VNU": "/nonexistent/vnu.jar"}


# --- processes (/proc, no psutil) -------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def chromium_browsers(pid: int) -> list[int]:
    """The Chromium browser processes (not its renderers/helpers) started under process ``pid``."""
    found = []
    for child in descendants(pid):
        argv = _cmdline(child)
        # helpers (zygotes) rewrite their argv into one string: look at the whole command line
        if argv and "chrom" in Path(argv[0].split(" ")[0]).name and "--type=" not in " ".join(argv):
            found.append(child)
    return found


def kill_tree(pid: int) -> list[int]:
    """SIGKILL ``pid`` and everything under it (only processes this test started)."""
    victims = [pid, *descendants(pid)]
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return victims


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


# --- store helpers ---------------------------------------------------------------------------------


def _count_done(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM pages WHERE state != 'queued'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT status FROM runs").fetchall()
        pages = con.execute("SELECT key, state, saves, error FROM pages").fetchall()
    return runs, pages


def _finished(db: Path) -> bool:
    return db.exists() and _rows(db)[0] == [("complete",)]


def _demo_site(url: str, journeys: bool = True):
    cfg = config.load(REPO / "sites.yaml")
    site = next(s for s in cfg.sites if s.id == "ville-demo")
    site = replace(config.with_base_url(site, url), crawl=replace(site.crawl, max_pages=MAX_PAGES))
    return site if journeys else replace(site, journeys=())


def _cli(tmp_path: Path, server_url: str, chromium: str) -> tuple[list[str], dict[str, str], Path]:
    text = (REPO / "sites.yaml").read_text(encoding="utf-8").replace("http://127.0.0.1:8000", server_url)
    # the copy lives elsewhere: what sites.yaml names relative to itself (tester sessions) is named from the repo
    text = text.replace("[user_test_protocols/", f"[{REPO}/user_test_protocols/")
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(text, encoding="utf-8")
    runs = tmp_path / "runs"
    cmd = [sys.executable, "-m", "audit", "run", "ville-demo", "--config", str(cfg), "--runs-dir", str(runs),
           "-q", "--fail-on", "none", "--no-screenshots", "--max-pages", str(MAX_PAGES), "--format", "json"]
    env = {**os.environ, "A11Y_DEMO_PASSWORD": demo_password(), "A11Y_AUDIT_CHROMIUM": chromium, **NO_VALIDATOR}
    return cmd, env, runs / "a11y-audit.sqlite"


def _assert_each_page_once(db: Path, min_pages: int) -> None:
    runs, pages = _rows(db)
    assert runs == [("complete",)], runs
    assert [k for k, state, _, _ in pages if state not in ("done", "error", "duplicate")] == []
    assert [(k, saves) for k, _, saves, _ in pages if saves != 1] == []
    assert len(pages) >= min_pages
    assert [(k, e) for k, _, _, e in pages if e] == []


# --- Chromium dies mid-run ------------------------------------------------------------------------


def test_chromium_killed_mid_run_is_restarted_and_the_run_completes(tmp_path, chromium, caplog, monkeypatch):
    """The Chromium process tree is SIGKILLed after 3 pages; the runner restarts it and audits the rest."""
    monkeypatch.setenv("A11Y_AUDIT_VNU", NO_VALIDATOR["A11Y_AUDIT_VNU"])
    store = Store(tmp_path / "runs")
    db = tmp_path / "runs" / "a11y-audit.sqlite"
    killed: list[int] = []
    stop = threading.Event()

    # other tests' Chromiums (a session-wide one, say) live under this process too: kill only the run's own
    before = set(chromium_browsers(os.getpid()))

    def killer() -> None:
        while not stop.is_set() and _count_done(db) < 3:
            time.sleep(0.05)
        browsers = [b for b in chromium_browsers(os.getpid()) if b not in before]
        if browsers and not stop.is_set():
            for browser in browsers:
                killed.extend(kill_tree(browser))

    with DemoServer() as server:
        site = _demo_site(server.url, journeys=False)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        caplog.set_level(logging.WARNING, logger="audit.runner")
        try:
            [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, screenshot=False,
                                                                      timeout=20))
        finally:
            stop.set()
            thread.join(5)
    assert killed, "the run ended before Chromium could be killed"
    assert _wait_gone(killed, 5) == []
    pages = store.pages(run)
    assert run.status == "complete"
    assert sum(1 for p in pages if p.kind == "html") == MAX_PAGES
    saves = store.db.execute("SELECT key, saves FROM pages WHERE run_id = ?", (run.id,)).fetchall()
    assert [tuple(r) for r in saves if r["saves"] != 1] == []
    # the pages in flight when it died were retried in the new Chromium; at most they carry the error
    errors = [(p.url, p.error) for p in pages if p.error]
    assert len(errors) <= 2 and all("Chromium restart" in e for _, e in errors), errors
    assert sum(1 for p in pages if not p.error and "axe" in p.files) >= MAX_PAGES - 2
    restarts = [r.getMessage() for r in caplog.records if "Chromium died" in r.getMessage()]
    assert len(restarts) == 1, restarts  # two workers saw it die; it is restarted once
    left = _wait_gone([b for b in chromium_browsers(os.getpid()) if b not in before], 5)
    assert left == [], f"Chromium left running after the run: {[(p, _cmdline(p)[:3]) for p in left]}"


# --- signals ------------------------------------------------------------------------------------------


def test_sigterm_flushes_and_exits_with_a_resume_hint(tmp_path, chromium):
    with DemoServer() as server:
        cmd, env, db = _cli(tmp_path, server.url, chromium)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and _count_done(db) < 4:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be stopped"
        tree = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "--resume" in err and "Traceback" not in err
        assert _wait_gone(tree, 10) == [], "Chromium outlived the stopped run"
        runs, pages = _rows(db)
        assert runs == [("interrupted",)]
        assert sum(1 for _, state, _, _ in pages if state != "queued") >= 4
        resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
    _assert_each_page_once(db, MAX_PAGES)


@pytest.mark.parametrize("seed", range(KILL_RUNS))
def test_sigkill_at_random_points_then_resume_saves_every_page_once(tmp_path, chromium, seed):
    """SIGKILL (no chance to flush) twice at random moments, then --resume until complete."""
    rng = random.Random(seed)
    with DemoServer() as server:
        cmd, env, db = _cli(tmp_path, server.url, chromium)
        orphans: list[int] = []
        kills = []  # pages stored when each kill landed
        for attempt in range(2):
            if _finished(db):
                break  # the run outpaced the kill: nothing to resume
            target = rng.randint(0, MAX_PAGES + 3)  # pages stored before the kill (0: during start-up; the
            # run stores ~13: 8 pages, 2 PDFs, 3 journey steps)
            extra = rng.uniform(0, 0.6)  # ... plus a random moment into the next page
            proc = subprocess.Popen(cmd + (["--resume"] if attempt else []), env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None and _count_done(db) < target:
                time.sleep(0.02)
            time.sleep(extra)
            tree = descendants(proc.pid)
            proc.kill()
            proc.communicate(timeout=30)
            if not _finished(db):
                kills.append(_count_done(db))
            left = _wait_gone(tree, 10)
            if left:  # never leave them on the machine, but say so
                orphans.extend(left)
                for pid in left:
                    kill_tree(pid)
        assert orphans == [], f"processes outlived the killed run: {[_cmdline(p)[:1] for p in orphans]}"
        assert kills, "no kill landed before the run completed: this seed tests nothing"
        for _ in range(3):  # --resume until complete (a resume is itself never killed here)
            if _finished(db):
                break
            resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
            assert resumed.returncode == 0, resumed.stderr
    _assert_each_page_once(db, MAX_PAGES)


# --- no traceback from a task that fails while the run stops ------------------------------------------------


def _orphan_failure(handler) -> None:
    """A task fails with nobody awaiting it (a page's inner task when the browser is closed under it)."""
    import gc

    async def closed():
        raise RuntimeError("Page.evaluate: Target page, context or browser has been closed")

    async def main():
        if handler is not None:
            asyncio.get_running_loop().set_exception_handler(handler)
        task = asyncio.ensure_future(closed())
        for _ in range(3):
            await asyncio.sleep(0)
        del task
        gc.collect()

    asyncio.run(main())


def test_a_task_failing_while_the_run_stops_is_logged_for_developers_not_printed(caplog):
    caplog.set_level(logging.DEBUG)
    _orphan_failure(None)  # asyncio's own handler: an error with a traceback (what users saw on SIGTERM)
    assert any(r.name == "asyncio" and r.levelno >= logging.ERROR and r.exc_info for r in caplog.records)
    caplog.clear()
    _orphan_failure(runner._quiet_orphans)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("while the run was stopping" in r.getMessage() for r in caplog.records)

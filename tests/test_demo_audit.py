"""End to end on the demo town, in real Chromium: seeded defects found, report accessible, resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from audit import config, runner
from audit.demo import DEMO_ROOT, DemoServer, demo_password
from audit.model import Outcome, PageState
from audit.store import Store

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]


def _site(url: str):
    cfg = config.load(REPO / "sites.yaml")
    site = next(s for s in cfg.sites if s.id == "ville-demo")
    return config.with_base_url(site, url)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, chromium):
    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    root = tmp_path_factory.mktemp("runs")
    with DemoServer() as server:
        store = Store(root)
        # the proof mode: every page audited whole as well, compared with the shared parts' reused answers
        [run] = runner.run_sites([_site(server.url)], store, runner.RunOptions(chromium=chromium, verify_reuse=True))
        yield store, run, server.url


def test_shared_parts_reused_with_the_whole_page_answers(demo_run):
    store, run, _ = demo_run
    meta = store.run(run.id).meta
    assert meta["parts"]["verified"] is True
    assert meta["parts_differences"] == []
    assert meta["parts"]["differences"] == 0
    assert meta["parts"]["reused"] >= 10, meta["parts"]


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


def test_audit_finds_the_seeded_axe_defects_on_the_right_pages(demo_run):
    store, run, base = demo_run
    defects = yaml.safe_load((DEMO_ROOT / "defects.yaml").read_text(encoding="utf-8"))
    expected = [d for d in defects if d.get("axe_detectable") and not d.get("state")]
    pages = {p.key: p for p in store.pages(run)}
    found_by_path: dict[str, set[str]] = {}
    for f in store.findings(run):
        if f.outcome != "failed" or not f.check_id.startswith("axe:"):
            continue
        page = pages[f.page_key]
        path = _path(page.final_url or page.url) if page.journey is None else _path(page.url)
        found_by_path.setdefault(path, set()).add(f.check_id[4:])
    html_paths = [p for p in found_by_path]
    hits, misses = 0, []
    for d in expected:
        paths = html_paths if d["page"] == "*" else [d["page"]]
        ok = all(d["axe_rule"] in found_by_path.get(p, set()) for p in paths) and paths
        hits += bool(ok)
        if not ok:
            misses.append((d["id"], d["page"], d["axe_rule"]))
    ratio = hits / len(expected)
    assert len(expected) >= 20
    assert ratio >= 0.8, f"found {hits}/{len(expected)}; missed {misses}"


def test_robots_disallowed_page_never_audited_and_pdfs_recorded(demo_run):
    from audit.assessment import assess

    store, run, base = demo_run
    pages = store.pages(run)
    assert not any("/brouillons/" in p.url for p in pages)
    docs = [p for p in pages if p.kind == "document"]
    assert len(docs) == 2 and all(p.files.get("document") for p in docs)
    steps = [p for p in pages if p.journey == "restauration-scolaire"]
    assert len(steps) == 3 and all(p.error is None and "tape" in (p.title or "") for p in steps)
    # A URL answering an HTTP error is a broken link, not a page of the assessment: every page it holds was
    # audited; the demo's seeded broken link (/actualites/ → archives-2024.html, 404) is listed as such.
    a = assess(store, run, _site(base))
    assert all(p.error is None for p in a.pages), [(p.url, p.error) for p in a.pages if p.error]
    errors = {p.url for p in pages if p.error}
    assert errors == {b.url for b in a.broken_links}, (errors, a.broken_links)
    [broken] = [b for b in a.broken_links if _path(b.url) == "/actualites/archives-2024.html"]
    assert broken.status == 404 and [_path(k) for k in broken.linked_from] == ["/actualites/"]


def test_html_report_is_itself_accessible(demo_run, chromium, tmp_path):
    """Our own report, rendered and audited by our own checks and axe in Chromium: 0 failures."""
    import asyncio
    import functools
    import http.server
    import threading

    from audit.assessment import assess
    from audit.browser import Browser, GatherOptions
    from audit.checks import run_checks
    from audit.model import PageRef
    from audit.reports import html as html_report
    from audit.reports import report_of

    store, run, base = demo_run
    a = assess(store, run, _site(base))  # with the tester sessions registered for the demo town
    assert a.sessions == 4
    out = run.folder / "reports"
    out.mkdir(parents=True, exist_ok=True)
    path = html_report.write(report_of(a), run.folder, out, "fr")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        async def audit():
            async with Browser(chromium, GatherOptions(timeout=120)) as browser:
                ref = PageRef(url=f"http://127.0.0.1:{server.server_address[1]}/{path.name}")
                snap = await browser.gather(ref, tmp_path)
                return snap, run_checks(snap, tmp_path)

        snap, findings = asyncio.run(audit())
    finally:
        server.shutdown()
        server.server_close()
    assert snap.error is None
    failed = [(f.check_id, f.selector, f.message) for f in findings if f.outcome == "failed"]
    assert failed == []


def test_json_report_has_schema_version(demo_run):
    from audit.assessment import assess
    from audit.reports import report_of

    store, run, base = demo_run
    data = json.loads(json.dumps(report_of(assess(store, run, _site(base)))))
    assert data["schema_version"]
    assert data["totals"]["pages"] >= 15


def test_interrupt_then_resume_audits_every_page_exactly_once(tmp_path, chromium):
    """Ctrl-C halfway through a real run, then --resume: the run completes, each page saved once."""
    env = {**os.environ, "A11Y_DEMO_PASSWORD": demo_password(), "A11Y_AUDIT_CHROMIUM": chromium}
    runs = tmp_path / "runs"
    with DemoServer() as server:
        text = (REPO / "sites.yaml").read_text(encoding="utf-8").replace("http://127.0.0.1:8000", server.url)
        shutil.copytree(REPO / "user_test_protocols", tmp_path / "user_test_protocols")  # its registered sessions
        cfg = tmp_path / "sites.yaml"
        cfg.write_text(text, encoding="utf-8")
        cmd = [sys.executable, "-m", "audit", "run", "ville-demo", "--config", str(cfg), "--runs-dir", str(runs),
               "-q", "--fail-on", "none", "--no-screenshots"]
        # Ctrl-C must reach it even when the tests run as a background job (SIGINT then inherited as ignored)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        db = runs / "a11y-audit.sqlite"
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db) as con:
                        done = con.execute("SELECT COUNT(*) FROM pages WHERE state != 'queued'").fetchone()[0]
                except sqlite3.OperationalError:
                    done = 0
                if done >= 8:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "--resume" in err and "Traceback" not in err
        with sqlite3.connect(db) as con:
            status, = con.execute("SELECT status FROM runs").fetchone()
            partial = con.execute("SELECT COUNT(*) FROM pages WHERE state != 'queued'").fetchone()[0]
        assert status == "interrupted" and partial >= 8

        resumed = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
    with sqlite3.connect(db) as con:
        runs_rows = con.execute("SELECT status FROM runs").fetchall()
        rows = con.execute("SELECT key, state, saves FROM pages").fetchall()
    assert runs_rows == [("complete",)]
    assert rows and all(state in {s.value for s in PageState} - {"queued"} for _, state, _ in rows)
    assert [key for key, _, saves in rows if saves != 1] == []
    keys = [key for key, _, _ in rows]
    assert len(keys) == len(set(keys)) >= 20


def test_unchanged_site_rerun_reuses_every_page(demo_run, chromium):
    """A second run on the unchanged demo town (on another port) re-renders no page."""
    store, first, _ = demo_run
    with DemoServer() as server:
        base = server.url
        [second] = runner.run_sites([_site(base)], store, runner.RunOptions(chromium=chromium))
    pages = store.pages(second)
    assert pages and [p.key for p in pages if not p.reused_from] == []
    assert {p.reused_from for p in pages} == {first.id}
    # an address that was another page (/index.html is /) is that page again, without opening it in Chromium
    old_dups = store.pages(first, PageState.DUPLICATE)
    dups = store.pages(second, PageState.DUPLICATE)
    assert old_dups and len(dups) == len(old_dups)
    assert {p.reused_from for p in dups} == {first.id}
    assert sorted((_path(p.url), _path(p.same_as)) for p in dups) == sorted(
        (_path(p.url), _path(p.same_as)) for p in old_dups)
    assert all(p.same_as.startswith(base) for p in dups)

    # the same findings, field by field and in the same order on each page, remapped to the new address (pages
    # themselves come in the order the crawl met them)
    def shape(run, old_base):
        return sorted([(f.page_key.replace(old_base, "") if f.page_key.startswith("http") else f.page_key,
                 f.page_url.replace(old_base, ""), f.check_id, f.source, f.outcome, f.impact, f.rgaa_tests, f.wcag,
                 f.selector, f.xpath, f.snippet, f.message, f.title, f.how_to_fix, f.fingerprint, f.conclusive,
                 f.extra) for f in store.findings(run)], key=lambda row: row[0])
    assert shape(second, base) == shape(first, first.base_url)
    assert all(f.page_url.startswith(base) for f in store.findings(second))
    # what a reused page remembers is at this run's address: the next night compares its sub-resources there
    assert all(url.startswith(base) for p in pages + dups for url in p.validators)
    assert any(p.validators for p in pages)

    # and the night after (on a third port), everything is reused again, from the second run
    with DemoServer() as server:
        base = server.url
        [third] = runner.run_sites([_site(base)], store, runner.RunOptions(chromium=chromium))
    pages = store.pages(third)
    assert pages and [p.key for p in pages if not p.reused_from] == []
    assert {p.reused_from for p in pages + store.pages(third, PageState.DUPLICATE)} == {second.id}
    assert shape(third, base) == shape(first, first.base_url)


def test_changed_page_is_audited_again(tmp_path, chromium):
    root = tmp_path / "site"
    shutil.copytree(DEMO_ROOT, root)
    store = Store(tmp_path / "runs")
    site = _site("http://127.0.0.1:1")
    from dataclasses import replace

    site = replace(site, journeys=(), crawl=replace(site.crawl, max_pages=6))
    with DemoServer(root=root) as server:
        base = server.url
        runner.run_sites([config.with_base_url(site, server.url)], store, runner.RunOptions(chromium=chromium))
        page = root / "aide.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>Nouveau paragraphe.</p></main>"),
                        encoding="utf-8")
        [second] = runner.run_sites([config.with_base_url(site, server.url)], store,
                                    runner.RunOptions(chromium=chromium))
    fresh = [p.url for p in store.pages(second) if not p.reused_from]
    assert fresh == [f"{base}/aide.html"]


def test_duplicate_of_a_changed_page_is_gathered_again(tmp_path, chromium):
    """/index.html was / last time; / changed: the duplicate is not reused on trust, both are gathered again (and
    are one page again)."""
    root = tmp_path / "site"
    shutil.copytree(DEMO_ROOT, root)
    store = Store(tmp_path / "runs")
    from dataclasses import replace

    from audit.model import SamplePage

    site = replace(_site("http://127.0.0.1:1"), journeys=(), sample=(SamplePage("Accueil bis", "/index.html"),))
    site = replace(site, crawl=replace(site.crawl, max_pages=4))
    with DemoServer(root=root) as server:
        base = server.url
        [first] = runner.run_sites([config.with_base_url(site, base)], store, runner.RunOptions(chromium=chromium))
        assert [p.url for p in store.pages(first, PageState.DUPLICATE)] == [f"{base}/index.html"]
        page = root / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>Nouveau paragraphe.</p></main>"),
                        encoding="utf-8")
        [second] = runner.run_sites([config.with_base_url(site, base)], store, runner.RunOptions(chromium=chromium))
    fresh = [_path(p.url) for p in store.pages(second, duplicates=True) if not p.reused_from]
    assert sorted(fresh) == ["/", "/index.html"]
    [dup] = store.pages(second, PageState.DUPLICATE)  # two pages in flight: either address may be audited first
    assert {_path(dup.url), _path(dup.same_as)} == {"/", "/index.html"} and dup.reused_from is None


def test_offline_check_gives_back_the_findings_of_the_run(demo_run, tmp_path):
    """`a11y-audit check RUN` (runner.recheck) re-runs every check on the saved evidence, page after page
    straight into the store: the same findings as the run itself, one for one (on a copy of the runs folder)."""
    store, run, _ = demo_run
    shutil.copytree(store.root, tmp_path / "runs")
    with Store(tmp_path / "runs") as copy:
        [again] = [r for r in copy.runs(run.site) if r.id == run.id]
        count = runner.recheck(copy, again)

        def shape(s, r):
            return sorted((f.page_key, f.check_id, f.selector or "", f.outcome, f.message) for f in s.findings(r)
                          if f.source in ("axe", "check"))

        assert count == len(shape(copy, again)) and shape(copy, again) == shape(store, run)


def _canonical_site(tmp_path):
    """A copy of the demo town with two more pages: doublon-b.html names doublon-a.html its canonical page (so it
    is a duplicate of it), both pinned in the sample, no journey."""
    from dataclasses import replace

    from audit.model import SamplePage

    root = tmp_path / "site"
    shutil.copytree(DEMO_ROOT, root)
    page = (root / "aide.html").read_text(encoding="utf-8")
    (root / "doublon-a.html").write_text(page.replace("<title>Aide", "<title>Doublon A"), encoding="utf-8")
    (root / "doublon-b.html").write_text(page.replace(
        "<title>Aide", "<title>Doublon B").replace("</head>", '<link rel="canonical" href="/doublon-a.html"></head>'),
        encoding="utf-8")
    site = replace(_site("http://127.0.0.1:1"), journeys=(), pages=(),
                   sample=(SamplePage("A", "/doublon-a.html"), SamplePage("B", "/doublon-b.html")))
    return root, replace(site, crawl=replace(site.crawl, max_pages=3))


def _state(store, run, path):
    [page] = [p for p in store.pages(run, duplicates=True) if _path(p.url) == path]
    return page


def test_duplicate_whose_page_changed_alone_is_gathered_again(tmp_path, chromium):
    """doublon-b.html is unchanged, but the page it is (doublon-a.html) changed: b is gathered again, not reused on
    trust, and is a duplicate of a again."""
    from dataclasses import replace

    root, site = _canonical_site(tmp_path)
    site = replace(site, crawl=replace(site.crawl, concurrency=1))  # a before b: b's check sees a audited again
    store = Store(tmp_path / "runs")
    with DemoServer(root=root) as server:
        [first] = runner.run_sites([config.with_base_url(site, server.url)], store, runner.RunOptions(chromium=chromium))
        assert _path(_state(store, first, "/doublon-b.html").same_as or "") == "/doublon-a.html"
        owner = root / "doublon-a.html"
        owner.write_text(owner.read_text(encoding="utf-8").replace("</main>", "<p>Nouveau.</p></main>"),
                         encoding="utf-8")
        [second] = runner.run_sites([config.with_base_url(site, server.url)], store,
                                    runner.RunOptions(chromium=chromium))
    b = _state(store, second, "/doublon-b.html")
    assert b.reused_from is None and _path(b.same_as or "") == "/doublon-a.html"
    assert _state(store, second, "/doublon-a.html").reused_from is None


def test_duplicate_whose_page_is_not_in_the_run_is_audited_itself(tmp_path, chromium):
    """doublon-a.html is no longer part of the audit (not pinned, linked from nowhere): doublon-b.html, unchanged,
    is not recorded as a duplicate of a page missing from the run; it is gathered and audited itself, as a fresh run
    would."""
    from dataclasses import replace

    root, site = _canonical_site(tmp_path)
    store = Store(tmp_path / "runs")
    with DemoServer(root=root) as server:
        runner.run_sites([config.with_base_url(site, server.url)], store, runner.RunOptions(chromium=chromium))
        alone = replace(site, sample=site.sample[1:])
        [second] = runner.run_sites([config.with_base_url(alone, server.url)], store,
                                    runner.RunOptions(chromium=chromium))
    b = _state(store, second, "/doublon-b.html")
    assert b.same_as is None and b.reused_from is None and b.error is None
    assert [p for p in store.pages(second) if _path(p.url) == "/doublon-a.html"] == []


def test_changed_journey_step_is_audited_again_with_axe(tmp_path, chromium):
    """An incremental run replays a journey without axe in its documents (the steps are expected unchanged); a
    step that changed gets axe all the same and is audited as in a full run, the steps around it are reused."""
    from dataclasses import replace

    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    root = tmp_path / "site"
    shutil.copytree(DEMO_ROOT, root)
    store = Store(tmp_path / "runs")
    site = _site("http://127.0.0.1:1")
    site = replace(site, sample=(), crawl=replace(site.crawl, max_pages=1, sitemaps=False))
    with DemoServer(root=root) as server:
        [first] = runner.run_sites([config.with_base_url(site, server.url)], store,
                                   runner.RunOptions(chromium=chromium))
        step = root / "demarches/restauration-scolaire/etape-2.html"
        step.write_text(step.read_text(encoding="utf-8").replace(
            "</main>", '<img src="/images/inconnue.png" width="20" height="20"></main>'), encoding="utf-8")
        [second] = runner.run_sites([config.with_base_url(site, server.url)], store,
                                    runner.RunOptions(chromium=chromium))
    steps = {p.key: p for p in store.pages(second) if p.journey}
    changed = "journey:restauration-scolaire:5"
    assert sorted(k for k, p in steps.items() if not p.reused_from) == [changed]
    assert len(steps) == 3 and not steps[changed].error

    def axe(run, key):
        return sorted((f.check_id, f.selector or "", f.outcome) for f in store.findings(run)
                      if f.page_key == key and f.source == "axe")

    before, after = axe(first, changed), axe(second, changed)
    assert before and ("axe:image-alt", "", Outcome.PASSED) in before
    added = [row for row in after if row not in before]
    assert [(c, o) for c, _, o in added] == [("axe:image-alt", "failed")], added
    assert [row for row in before if row not in after] == []

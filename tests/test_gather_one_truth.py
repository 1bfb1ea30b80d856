"""One run, one truth (real Chromium, a local site on 127.0.0.1): HTTP errors are not content, one final URL
is one page, a run that audited nothing is a failed run."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time
from contextlib import contextmanager

import pytest

from audit import runner
from audit.browser import Browser, GatherOptions
from audit.model import CrawlPolicy, Journey, PageRef, PageState, SamplePage, Site, Step, StepAction
from audit.store import Store

pytestmark = pytest.mark.browser

HOME = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Accueil</title></head><body>
<main><h1>Accueil</h1>
<ul>
<li><a href="/a#haut">Page A</a></li>
<li><a href="/ancienne-a">Ancienne adresse de A</a></li>
<li><a href="/encore-a">Autre ancienne adresse de A</a></li>
<li><a href="index.html">Accueil (index.html)</a></li>
<li><a href="/a-imprimer">A, version à imprimer</a></li>
<li><a href="/introuvable">Une page qui n'existe plus</a></li>
<li><a href="/interdite">Une page interdite</a></li>
<li><a href="/panne">Une page en panne</a></li>
<li><a href="mailto:contact@example.org">Écrire</a></li>
</ul></main></body></html>"""

PAGE_A = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page A</title></head><body>
<main><h1 id="haut">Page A</h1><p>Le contenu de A.</p><p><a href="/">Accueil</a></p></main></body></html>"""

# another body (a print version), but it says it is /a
PRINT_A = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page A (impression)</title>
<link rel="canonical" href="/a"></head><body><main><h1>Page A</h1><p>Le contenu de A, à imprimer.</p>
<p><a href="/b">Page B, liée seulement depuis la version à imprimer</a></p></main></body></html>"""

PAGE_B = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page B</title></head><body>
<main><h1>Page B</h1><p>Le contenu de B.</p></main></body></html>"""

ERROR_PAGE = """<!DOCTYPE html><html><head><title>Error response</title></head><body>
<h1>Error response</h1><p>Error code: {code}</p><img src="/x.png"><input type="text"></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict = {}
    hits: dict = {}

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_GET(self):  # noqa: N802 - stdlib name
        path = self.path.split("?")[0]
        self.hits[path] = self.hits.get(path, 0) + 1
        status, body, headers = self.routes.get(path, (404, ERROR_PAGE.format(code=404), {}))
        if "X-Test-Delay" in headers:  # a slow page: answered after that many seconds
            time.sleep(float(headers["X-Test-Delay"]))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("content-type", "text/html; charset=utf-8")
                         if "content-type" in headers else "text/html; charset=utf-8")
        for name, value in headers.items():
            if name != "X-Test-Delay":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serve(routes: dict):
    handler = type("Handler", (_Handler,), {"routes": routes, "hits": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


SITE_ROUTES = {
    "/": (200, HOME, {}),
    "/index.html": (200, HOME, {}),  # the same body under two paths
    "/a": (200, PAGE_A, {}),
    "/ancienne-a": (301, "", {"Location": "/a"}),
    "/encore-a": (302, "", {"Location": "/a"}),
    "/a-imprimer": (200, PRINT_A, {}),
    "/b": (200, PAGE_B, {}),
    "/interdite": (403, ERROR_PAGE.format(code=403), {}),
    "/panne": (500, ERROR_PAGE.format(code=500), {}),
    "/robots.txt": (200, "User-agent: *\nDisallow:\n", {"content-type": "text/plain"}),
}


@pytest.fixture(scope="module")
def site_run(tmp_path_factory, chromium):
    root = tmp_path_factory.mktemp("runs")
    seen = []
    progress = runner.Progress(on_update=lambda p, snap: seen.append(snap) if snap is not None else None)
    with serve(dict(SITE_ROUTES)) as (url, hits):
        site = Site(id="verite", name="Une vérité", base_url=url + "/",
                    pages=(SamplePage(name="Accueil", path="/"),),
                    sample=(SamplePage(name="Index", path="/index.html"),),  # pinned: gathered right after /
                    journeys=(Journey(id="parcours", name="Parcours", steps=(
                        Step(action=StepAction.GOTO, target="/a", audit=True, name="A, dans le parcours"),
                        Step(action=StepAction.GOTO, target="/introuvable", audit=True, name="Disparue"),
                        Step(action=StepAction.GOTO, target="/b", audit=True, name="Jamais atteinte"))),),
                    crawl=CrawlPolicy(max_pages=20, max_depth=3, sitemaps=False, concurrency=1))
        store = Store(root)
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=20, progress=progress))
        yield {"store": store, "run": run, "url": url, "seen": seen, "hits": dict(hits)}


def _by_path(store, run, url, **kw):
    return {p.url[len(url):] or "/": p for p in store.pages(run, **kw) if p.journey is None}


# --- HTTP errors are not content ------------------------------------------------------------------------------


def test_a_404_is_stored_as_an_error_with_its_referrer_never_audited(site_run):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    pages = _by_path(store, run, url)
    missing = pages["/introuvable"]
    assert missing.status == 404 and missing.error.startswith("HTTP 404")
    assert missing.files == {} and missing.links == []
    assert list(store.findings(run, page_key=missing.key)) == []
    [row] = store.db.execute("SELECT state, referrer FROM pages WHERE run_id = ? AND key = ?",
                             (run.id, missing.key)).fetchall()
    assert row["state"] == PageState.ERROR
    assert row["referrer"] == url + "/"


@pytest.mark.parametrize(("path", "code"), [("/interdite", 403), ("/panne", 500)])
def test_other_http_errors_are_not_audited_either(site_run, path, code):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    page = _by_path(store, run, url)[path]
    assert page.status == code and page.error.startswith(f"HTTP {code}") and "axe" not in page.files
    assert list(store.findings(run, page_key=page.key)) == []


def test_a_404_is_asked_once_and_a_500_without_retry_after_once(site_run):
    assert site_run["hits"]["/introuvable"] == 2  # once by the crawl, once by the journey: never asked again
    assert site_run["hits"]["/panne"] == 1 and site_run["hits"]["/interdite"] == 1


def test_links_are_absolute_canonical_urls_so_the_pages_linking_to_a_url_are_found(site_run):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    missing = _by_path(store, run, url)["/introuvable"]
    linking = [p.url for p in store.pages(run) if missing.url in p.links and p.journey is None]
    assert linking == [url + "/"]
    home = _by_path(store, run, url)["/"]
    assert url + "/a" in home.links  # the fragment of /a#haut is not part of the page's address
    assert not any(link.startswith("mailto:") for link in home.links)


def test_the_progress_says_the_error_of_an_http_error(site_run):
    [snap] = [s for s in site_run["seen"] if s.url.endswith("/introuvable") and s.journey is None]
    assert snap.error and snap.error.startswith("HTTP 404") and snap.same_as is None


# --- one final URL is one page --------------------------------------------------------------------------------


def test_two_addresses_redirecting_to_one_page_are_one_page(site_run):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    pages = [p for p in store.pages(run) if p.journey is None]
    landing_on_a = [p for p in pages if (p.final_url or p.url) == url + "/a"]
    assert len(landing_on_a) == 1 and landing_on_a[0].error is None
    everything = {p.url[len(url):]: p for p in store.pages(run, duplicates=True) if p.journey is None}
    owner = landing_on_a[0].key
    assert owner == url + "/a"
    duplicates = [p for p in everything.values() if p.same_as is not None]
    assert {p.url[len(url):]: p.same_as for p in duplicates} == {
        "/index.html": url + "/", "/ancienne-a": owner, "/encore-a": owner, "/a-imprimer": owner}
    assert everything["/ancienne-a"].final_url == url + "/a" and everything["/ancienne-a"].status == 200
    for dup in duplicates:
        assert dup.error is None and list(store.findings(run, page_key=dup.key)) == []
        assert "axe" not in dup.files


def test_a_canonical_link_to_an_audited_page_makes_one_page_and_its_links_are_still_followed(site_run):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    everything = _by_path(store, run, url, duplicates=True)
    printed = everything["/a-imprimer"]
    assert printed.canonical == url + "/a"
    assert printed.same_as is not None and store.pages(run, PageState.DUPLICATE)
    assert "/a-imprimer" not in _by_path(store, run, url)
    assert everything["/b"].error is None and everything["/b"].same_as is None  # found through the duplicate


def test_the_same_content_under_two_paths_is_one_page_and_the_pinned_path_is_found(site_run):
    store, run, url = site_run["store"], site_run["run"], site_run["url"]
    pages = store.pages(run)
    assert [p.title for p in pages].count("Accueil") == 1
    everything = _by_path(store, run, url, duplicates=True)
    index = everything["/index.html"]
    assert index.same_as == url + "/" and index.name == "Index"
    assert store.aliases(run)[url + "/index.html"] == url + "/"  # a pinned path that is another page
    assert store.page_counts(run)[PageState.DUPLICATE] == 4


def test_the_progress_says_where_a_duplicate_landed(site_run):
    [snap] = [s for s in site_run["seen"] if s.url.endswith("/index.html")]
    assert snap.same_as == site_run["url"] + "/" and snap.error is None


def test_the_run_with_one_audited_page_is_complete(site_run):
    assert site_run["run"].status == "complete" and "failure" not in site_run["run"].meta


def test_browser_gather_does_not_audit_a_404_and_asks_same_before_auditing(chromium, tmp_path):
    asked = []

    async def same(snap):
        asked.append((snap.final_url, snap.status, snap.content_hash, snap.render_hash))
        return "http://ailleurs.example/"

    async def main():
        async with Browser(chromium, GatherOptions(timeout=20)) as browser:
            return (await browser.gather(PageRef(url=url + "/introuvable"), tmp_path / "a", same=same),
                    await browser.gather(PageRef(url=url + "/a"), tmp_path / "b", same=same))

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with serve(dict(SITE_ROUTES)) as (url, _):
        missing, dup = asyncio.run(main())
    assert missing.status == 404 and missing.error.startswith("HTTP 404") and missing.files == {}
    assert dup.same_as == "http://ailleurs.example/" and dup.files == {} and dup.error is None
    assert dup.links == [url + "/"]
    assert len(asked) == 1 and asked[0][1] == 200 and asked[0][2] and asked[0][3]
    assert not any((tmp_path / "b").iterdir())


# --- a run that audited nothing is a failed run -----------------------------------------------------------------


def _run(store, site, chromium):
    [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=10))
    return run


def test_an_unreachable_site_is_a_failed_run_and_is_not_resumed(chromium, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    store = Store(tmp_path / "runs")
    site = Site(id="ferme", name="Fermé", base_url=f"http://127.0.0.1:{closed}/", crawl=CrawlPolicy(max_pages=2))
    run = _run(store, site, chromium)
    assert run.status == "failed" and run.finished
    failure = run.meta["failure"]
    assert failure["reason"] == "unreachable" and failure["url"] == f"http://127.0.0.1:{closed}/"
    assert "ERR_CONNECTION_REFUSED" in failure["error"]
    assert store.page_counts(run) == {PageState.ERROR: 1}  # what was gathered is kept
    assert store.latest_unfinished("ferme") is None  # finished: --resume starts a new run
    resumed = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=10, resume=True))[0]
    assert resumed.id != run.id


def test_a_site_with_nothing_to_audit_is_a_failed_run(chromium, tmp_path):
    routes = {"/robots.txt": (200, "User-agent: *\nDisallow: /\n", {"content-type": "text/plain"})}
    with serve(routes) as (url, hits):
        store = Store(tmp_path / "runs")
        run = _run(store, Site(id="vide", name="Vide", base_url=url + "/", crawl=CrawlPolicy(sitemaps=False)),
                   chromium)
    assert run.status == "failed" and run.meta["failure"]["reason"] == "no_pages"
    assert store.page_counts(run) == {} and "/" not in hits


def test_a_site_whose_every_page_is_an_http_error_is_a_failed_run(chromium, tmp_path):
    with serve({}) as (url, _):  # every address answers 404
        store = Store(tmp_path / "runs")
        run = _run(store, Site(id="absent", name="Absent", base_url=url + "/", crawl=CrawlPolicy(sitemaps=False)),
                   chromium)
    assert run.status == "failed"
    assert run.meta["failure"] == {"reason": "all_errors", "url": url + "/", "error": run.meta["failure"]["error"]}
    assert run.meta["failure"]["error"].startswith("HTTP 404")
    assert list(store.findings(run)) == []


def test_journey_steps_never_collapse_and_a_goto_answering_404_ends_the_journey_unaudited(site_run):
    store, run = site_run["store"], site_run["run"]
    steps = {p.step: p for p in store.pages(run, duplicates=True) if p.journey == "parcours"}
    assert sorted(steps) == [0, 1]  # the step after the 404 cannot be played
    assert steps[0].key == "journey:parcours:0" and steps[0].same_as is None and steps[0].error is None
    assert "axe" in steps[0].files  # /a, also crawled, is audited again as a step: a step is its own page
    assert steps[1].status == 404 and "HTTP 404" in steps[1].error and "journey stops" in steps[1].error
    assert list(store.findings(run, page_key=steps[1].key)) == []


# --- the checks of a page run while its worker gathers the next one ---------------------------------------------

def test_a_worker_gathers_its_next_page_while_the_last_ones_checks_run_and_the_crawl_waits_for_them(
        chromium, tmp_path, monkeypatch):
    """One worker: the checks of a page (in a thread) overlap the gathering of the next page; at most one page a
    worker waits for its checks; the crawl ends once every page's checks are stored (site checks and reports read
    them right after)."""
    events: list[tuple[str, str, float]] = []
    real_checks = runner.run_checks

    def slow_checks(snap, folder):
        events.append(("checks start", snap.url, time.monotonic()))
        time.sleep(0.8)
        found = list(real_checks(snap, folder))
        events.append(("checks end", snap.url, time.monotonic()))
        return found

    real_gather = Browser.gather

    async def gather(self, ref, folder, accept=None, same=None):
        events.append(("gather start", ref.url, time.monotonic()))
        return await real_gather(self, ref, folder, accept, same)

    monkeypatch.setattr(runner, "run_checks", slow_checks)
    monkeypatch.setattr(Browser, "gather", gather)
    home = HOME.replace("<ul>", '<ul><li><a href="/b">Page B</a></li>')
    routes = {"/": (200, home, {}), "/a": (200, PAGE_A, {}), "/b": (200, PAGE_B, {})}
    with serve(routes) as (url, _):
        site = Site(id="chaine", name="Chaîne", base_url=url + "/", pages=(SamplePage(name="Accueil", path="/"),),
                    crawl=CrawlPolicy(max_pages=3, max_depth=2, sitemaps=False, concurrency=1))
        store = Store(tmp_path / "runs")
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=20))
    pages = _by_path(store, run, url)
    assert set(pages) == {"/", "/a", "/b"}
    for path, page in pages.items():  # every page stored with its checks' findings
        assert page.error is None and any(f.page_key == page.key for f in store.findings(run, page.key)), path
    checks = {u: [t for kind, v, t in events if v == u and kind.startswith("checks")]
              for u in {v for kind, v, _ in events if kind == "checks start"}}
    gathers = [(u, t) for kind, u, t in events if kind == "gather start"]
    # the next page's gathering began before the checks of the page before it had ended (without the overlap,
    # each gathering starts after the checks of the page before)
    overlapped = [u for (before, _), (u, t) in zip(gathers, gathers[1:], strict=False) if t < checks[before][1]]
    assert overlapped, events
    # one worker, one page waiting: the checks never ran two at a time
    running = sorted((t, +1 if kind == "checks start" else -1) for kind, _, t in events if kind.startswith("checks"))
    level = 0
    for _, step in running:
        level += step
        assert level <= 1, events


# --- of two addresses of one page gathered at once, the first found owns it -------------------------------------

MONTH = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Agenda de mars</title></head><body>
<main><h1>Agenda de mars</h1><p>Conseil municipal le 12 mars.</p><img src="/affiche.png"></main></body></html>"""


def _two_workers(routes: dict, chromium: str, tmp_path):
    """A run of the site ``routes`` from its home page, two workers: (store, run, base URL, pages by path)."""
    with serve(routes) as (url, _):
        site = Site(id="agenda", name="Agenda", base_url=url + "/", pages=(SamplePage(name="Accueil", path="/"),),
                    crawl=CrawlPolicy(max_pages=10, max_depth=1, sitemaps=False, concurrency=2))
        store = Store(tmp_path / "runs")
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=20))
    return store, run, url, _by_path(store, run, url, duplicates=True)


def test_of_two_addresses_of_one_page_the_first_found_owns_it_whichever_renders_first(chromium, tmp_path):
    """A month and its "week view" (the same page) are taken at once by two workers; the month, found first, is
    slow to answer, so its week view renders first. The month still owns the page (audited, findings on its
    address) and the week view is its duplicate, as in a run with one worker: a nightly baseline does not see the
    same defects move from one address to the other between two runs."""
    home = HOME.replace("<ul>", '<ul><li><a href="/mois">Mars</a></li><li><a href="/mois-semaines">Mars, '
                                '   par semaine</a></li>')
    routes = {"/": (200, home, {}), "/mois": (200, MONTH, {"X-Test-Delay": "1.0"}),
              "/mois-semaines": (200, MONTH, {}), "/a": (200, PAGE_A, {})}
    store, run, url, pages = _two_workers(routes, chromium, tmp_path)
    month, weeks = pages["/mois"], pages["/mois-semaines"]
    assert month.same_as is None and month.error is None, month
    assert weeks.same_as == month.key
    assert weeks.timings["waited_for_earlier_pages"] > 0.3  # it rendered first, and waited for the month
    assert any(f.page_key == month.key for f in store.findings(run, month.key))  # the image without alt is its own
    assert not list(store.findings(run, weeks.key))


def test_of_two_old_addresses_redirected_to_one_new_page_the_first_found_owns_it(chromium, tmp_path):
    """Two old addresses, linked one after the other, redirect to the same new page; the first one's redirect is
    slow, so the second lands first. The first still owns the page, in every run."""
    home = HOME.replace("<ul>", '<ul><li><a href="/ancien-agenda">Agenda</a></li><li><a href="/agenda-2019">'
                                'Agenda (2019)</a></li>')
    routes = {"/": (200, home, {}), "/ancien-agenda": (301, "", {"Location": "/agenda", "X-Test-Delay": "1.0"}),
              "/agenda-2019": (301, "", {"Location": "/agenda"}), "/agenda": (200, MONTH, {}),
              "/a": (200, PAGE_A, {})}
    store, run, url, pages = _two_workers(routes, chromium, tmp_path)
    first, second = pages["/ancien-agenda"], pages["/agenda-2019"]
    assert first.same_as is None and first.error is None and first.final_url == url + "/agenda", first
    assert second.same_as == first.key and second.error is None, second
    assert any(f.page_key == first.key for f in store.findings(run, first.key))


def test_a_page_waits_only_for_the_pages_taken_before_it_and_never_once_it_has_said():
    """``_earlier_identified``: a page waits for the pages taken before it (not after), and not at all once it has
    said which page it is (gathered again after a Chromium restart: its key is no longer waiting)."""
    run = object.__new__(runner.SiteRun)
    run._identity_wait = 5.0

    async def main():
        run._unidentified = {key: asyncio.Event() for key in ("premier", "second", "troisième")}
        asyncio.get_running_loop().call_later(0.2, run._identified, "premier")
        waited_second = await run._earlier_identified("second")  # waits for "premier", not for "troisième"
        waited_gone = await run._earlier_identified("déjà-dit")  # "troisième" is still waiting: no wait
        waited_first = await run._earlier_identified("second")  # "premier" said already
        return waited_second, waited_gone, waited_first

    waited_second, waited_gone, waited_first = asyncio.run(main())
    assert 0.15 < waited_second < 2
    assert waited_gone == 0.0 and waited_first == 0.0

"""Scope: the crawler never leaves the configured hosts, refuses non-http(s) schemes, reads URLs the way
Chromium does (so the host it checks is the host the browser contacts), and keeps out of private and
loopback addresses from a public site unless ``crawl.allow_private``.

Without DNS, a "public" site cannot be served in a test: the decision functions are tested directly
(and ``Crawler._fetch`` for real against loopback servers), and the runner's redirect handling with two
loopback servers on different ports — two origins.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import httpx
import pytest
from faults import FaultServer

from audit import runner
from audit.crawler import Crawler, _FetchError, _is_private_host
from audit.model import CrawlPolicy, PageRef, SamplePage, Site
from audit.store import Store

PUBLIC = "https://www.ville.example"


def _crawler(base: str = PUBLIC, **policy) -> Crawler:
    return Crawler(Site(id="ville", name="Ville", base_url=base, crawl=CrawlPolicy(**policy)))


# --- schemes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " \x00javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "file://localhost/etc/passwd", "ftp://www.ville.example/x", "mailto:mairie@example.org",
    "tel:+33100000000", "blob:https://www.ville.example/uuid", "filesystem:https://www.ville.example/temporary/x",
    "chrome://settings", "about:blank", "view-source:https://www.ville.example/", "ws://www.ville.example/",
    "intent://x#Intent;end",
])
def test_non_http_schemes_are_refused(url):
    crawler = _crawler()
    assert crawler.canonical(url) is None
    assert crawler.add(url, via="link", depth=1) is None
    assert not crawler.in_scope(url)
    assert crawler.skipped.get(url.strip()) in ("not an http(s) URL", None)


# --- hosts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.ville.example/a", "https://www.ville.example/a"),
    ("HTTPS://WWW.Ville.Example:443/a", "https://www.ville.example/a"),
    ("https://www.ville.example./a", "https://www.ville.example/a"),
    ("https://www%2Eville.example/a", "https://www.ville.example/a"),  # browsers decode host escapes
    ("//www.ville.example/a", "https://www.ville.example/a"),
    ("https://user:pw@www.ville.example/a", "https://www.ville.example/a"),
    # the browser reads these as evil.example, so must we (WHATWG: "\" is "/" in http(s) URLs)
    ("/\\evil.example/a", "https://evil.example/a"),
    ("\\\\evil.example/a", "https://evil.example/a"),
    ("https://evil.example\\@www.ville.example/", "https://evil.example/@www.ville.example/"),
    ("https://www.ville.example@evil.example/", "https://evil.example/"),
    # IPv4 shorthands are addresses, in the browser and here
    ("http://2130706433/", "http://127.0.0.1/"), ("http://0x7f.1/", "http://127.0.0.1/"),
    ("http://127.1/", "http://127.0.0.1/"), ("http://0177.0.0.1/", "http://127.0.0.1/"),
    ("http://1.2.3.256/", None), ("http://1.2.3.4.5/", None),
])
def test_urls_are_read_as_a_browser_reads_them(url, expected):
    assert _crawler().canonical(url) == expected


@pytest.mark.parametrize(("url", "inside"), [
    ("https://www.ville.example/", True),
    ("http://www.ville.example/", True),  # same host (scope is hosts); the http page usually redirects to https
    ("https://www.ville.example:8443/", False), ("https://ville.example/", False),
    ("https://www.ville.example.evil.example/", False), ("https://evilwww.ville.example/", False),
    ("https://démarches.ville.example/", True),  # crawl.hosts, written as IDN
    ("https://xn--dmarches-b1a.ville.example/x", True),
    ("/\\evil.example/", False), ("https://evil.example\\@www.ville.example/", False),
])
def test_only_the_configured_hosts_are_in_scope(url, inside):
    crawler = _crawler(hosts=("démarches.ville.example",))
    assert crawler.in_scope(url) is inside
    added = crawler.add(url, via="link", depth=1)
    assert (added is not None) is inside


def test_sample_pages_out_of_scope_are_refused_with_a_note():
    site = Site(id="ville", name="Ville", base_url=PUBLIC,
                pages=(SamplePage("Ailleurs", "https://evil.example/x"), SamplePage("Piège", "/\\evil.example/y")))
    crawler = Crawler(site)
    for page in site.pages:
        assert crawler.add(page.path, via="sample", depth=0, name=page.name) is None
    assert len([n for n in crawler.notes if "out of scope" in n]) == 2


# --- private addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "app.localhost", "10.1.2.3", "172.16.0.1",
                                  "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::1]",
                                  "[fd00::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "2130706433", "0x7f.1", "127.1"])
def test_private_addresses_in_every_spelling(host):
    assert _is_private_host(host)


@pytest.mark.parametrize("host", ["www.ville.example", "8.8.8.8", "[2001:4860:4860::8888]", "93.184.215.14"])
def test_public_addresses(host):
    assert not _is_private_host(host)


def test_a_public_site_never_redirects_the_crawler_into_a_private_network():
    crawler = _crawler(hosts=("10.0.0.5", "127.0.0.1:8080"))
    assert [n for n in crawler.notes if "private address" in n] == [
        "crawl.hosts entry 10.0.0.5 is a private address: not audited unless crawl.allow_private is true",
        "crawl.hosts entry 127.0.0.1:8080 is a private address: not audited unless crawl.allow_private is true"]
    ref = crawler.add("/accueil", via="link", depth=1)
    for target in ("http://10.0.0.5/admin", "http://127.0.0.1:8080/", "http://2130706433:8080/",
                   "http://169.254.169.254/latest/meta-data/"):
        assert crawler.redirected(ref, target) is False
        assert crawler.add(target, via="link", depth=1) is None
    assert any("redirects out of scope" in n for n in crawler.notes)


def test_allow_private_and_intranet_sites_may_audit_private_hosts():
    ref = PageRef(url=PUBLIC + "/accueil")
    allowed = _crawler(hosts=("10.0.0.5",), allow_private=True)
    assert allowed.redirected(ref, "http://10.0.0.5/intranet") is True
    intranet = _crawler("http://10.0.0.5", hosts=("192.168.1.1",))
    assert intranet.in_scope("http://192.168.1.1/x") and intranet.in_scope("http://10.0.0.5/y")


@pytest.mark.parametrize("allow", [False, True])
def test_robots_and_sitemaps_follow_no_redirect_into_a_private_address(allow):
    """Crawler._fetch (robots.txt, sitemaps), for real: a public site's redirect to a loopback server."""
    with FaultServer() as public_side, FaultServer() as private_side:
        crawler = _crawler(allow_private=allow)
        url = f"{public_side.url}/redirect?to={quote(private_side.url + '/robots.txt', safe='')}"

        async def fetch():
            async with httpx.AsyncClient() as client:
                return await crawler._fetch(client, url, 10_000)

        if allow:
            final, body, _, _ = asyncio.run(fetch())
            assert final == private_side.url + "/robots.txt" and b"Disallow" in body
        else:
            with pytest.raises(_FetchError, match="private address refused"):
                asyncio.run(fetch())
            assert private_side.hits["/robots.txt"] == 0


# --- the runner, with two origins ----------------------------------------------------------------------


@pytest.mark.browser
def test_a_run_never_leaves_its_origin(tmp_path, chromium):
    """Site A links, redirects and lists sitemap entries to site B (another port: another origin). B's
    pages are never audited or crawled; redirects out of scope are recorded as page errors and notes."""
    with FaultServer() as a, FaultServer() as b:
        other = quote(b.url, safe="")
        sitemap = f"/sitemaps/list.xml?loc={quote(b.url + '/ok/from-sitemap', safe='')}&loc=/ok/sitemap-inside"
        site = Site(
            id="a", name="Site A", base_url=f"{a.url}/links?other={other}",
            pages=(SamplePage("Redirection dehors", f"/redirect?to={quote(b.url + '/ok/elsewhere', safe='')}"),
                   SamplePage("Redirection dedans", "/redirect?to=/ok/landed"),
                   SamplePage("Vers un fichier", "/redirect?to=file:///etc/passwd"),
                   SamplePage("Vers du script", "/redirect?to=javascript:alert(1)")),
            crawl=CrawlPolicy(max_depth=1, max_pages=30, extra_sitemaps=(sitemap,), concurrency=2),
        )
        store = Store(tmp_path / "runs")
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=30,
                                                                  screenshot=False))
    pages = {p.url.removeprefix(a.url): p for p in store.pages(run)}
    assert not [u for u in pages if u.startswith("http")], "a page of another origin was audited"
    out = pages[f"/redirect?to={other}%2Fok%2Felsewhere"]
    assert out.error and "out of scope" in out.error and not out.files
    inside = pages["/redirect?to=/ok/landed"]
    assert inside.error is None and inside.final_url == a.url + "/ok/landed"
    for target in ("file", "javascript"):
        unsafe = next(p for u, p in pages.items() if u.startswith(f"/redirect?to={target}"))
        assert unsafe.error and not unsafe.files, unsafe.error
    assert "/ok/inside" in pages and "/ok/sitemap-inside" in pages
    # B was asked for the page A redirected to (Chromium follows redirects itself) and nothing else
    assert set(b.hits) <= {"/ok/elsewhere", "/favicon.ico"}, b.hits
    notes = run.meta.get("crawl_notes", [])
    assert any("redirects out of scope" in n for n in notes), notes
    skipped = run.meta.get("skipped", {})
    assert skipped.get(b.url + "/ok/from-sitemap") == "out of scope"
    assert skipped.get(b.url + "/ok/linked") == "out of scope"
    assert skipped.get("javascript:alert(1)") == "not an http(s) URL"

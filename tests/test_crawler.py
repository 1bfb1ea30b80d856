"""Crawler tests against a real HTTP server on 127.0.0.1 (stdlib http.server in a thread)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from faults import billion_laughs

from audit.crawler import ROBOTS_MAX_BYTES, SITEMAP_MAX_BYTES, Crawler, _inflate, product_token
from audit.model import CrawlPolicy, PageKind, PageRef, SamplePage, Site

# --- a tiny configurable web server ------------------------------------------------------------


class _Server:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                status, headers, body = server.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def route(self, path: str, body: bytes | str, status: int = 200, **headers: str) -> None:
        if isinstance(body, str):
            body = body.encode()
        headers = {key.replace("_", "-"): value for key, value in headers.items()}
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        self.routes[path] = (status, headers, body)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def server():
    srv = _Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def make_site(base_url: str, pages=(), **policy) -> Site:
    return Site(
        id="demo",
        name="Ville de Démo",
        base_url=base_url,
        pages=tuple(SamplePage(name, path) for name, path in pages),
        crawl=CrawlPolicy(**policy),
    )


def started(site: Site) -> Crawler:
    crawler = Crawler(site)
    asyncio.run(asyncio.wait_for(crawler.start(), timeout=30))
    return crawler


def drain(crawler: Crawler) -> list[PageRef]:
    refs = []
    while (ref := crawler.next()) is not None:
        refs.append(ref)
    return refs


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>"""


def urlset(*entries: tuple[str, str | None]) -> str:
    items = "".join(
        f"<url><loc>{loc}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>" for loc, mod in entries
    )
    return URLSET.format(items)


# --- robots.txt ----------------------------------------------------------------------------------


def test_product_token():
    assert product_token(CrawlPolicy().user_agent) == "a11y-audit"
    assert product_token("Mozilla/5.0") == "mozilla"


def test_robots_disallow_is_honoured_and_crawl_delay_read(server):
    server.route(
        "/robots.txt",
        "User-agent: *\nDisallow: /\n\nUser-agent: a11y-audit\nDisallow: /prive\nCrawl-delay: 0.3\n",
    )
    crawler = started(make_site(server.url, pages=[("Espace privé", "/prive/compte")]))

    assert crawler.allowed(f"{server.url}/demarches")  # our group, not "*", applies
    assert not crawler.allowed(f"{server.url}/prive/page")
    assert crawler.add("/prive/page", via="link", depth=1) is None
    assert crawler.skipped[f"{server.url}/prive/page"] == "robots.txt"
    assert crawler.add("/demarches", via="link", depth=1) is not None
    assert crawler.delay_for(server.url) == pytest.approx(0.3)

    # the sample page is disallowed: audited anyway, with a note
    first = crawler.next()
    assert first is not None and first.via == "sample" and first.url == f"{server.url}/prive/compte"
    assert any("disallowed by robots.txt" in note and "Espace privé" in note for note in crawler.notes)

    # our User-Agent was sent
    robots_headers = [headers for path, headers in server.requests if path == "/robots.txt"]
    assert robots_headers and "a11y-audit" in robots_headers[0]["User-Agent"]

    # polite_wait spaces concurrent workers by the crawl-delay
    async def three_workers() -> float:
        begin = time.monotonic()
        await asyncio.gather(*(crawler.polite_wait(f"{server.url}/p{i}") for i in range(3)))
        return time.monotonic() - begin

    elapsed = asyncio.run(three_workers())
    assert 0.55 <= elapsed < 3


def test_policy_delay_wins_when_larger_and_obey_robots_false_ignores_rules(server):
    server.route("/robots.txt", "User-agent: *\nDisallow: /\nCrawl-delay: 5\n")
    crawler = started(make_site(server.url, obey_robots=False, delay=0.1))
    assert crawler.allowed(f"{server.url}/anything")
    assert crawler.delay_for(server.url) == pytest.approx(0.1)
    assert crawler.next().via == "seed"


def test_robots_disallowing_the_seed_is_noted(server):
    server.route("/robots.txt", "User-agent: *\nDisallow: /\n")
    crawler = started(make_site(server.url))
    assert crawler.next() is None
    assert crawler.skipped[f"{server.url}/"] == "robots.txt"
    assert any("start page" in note for note in crawler.notes)


def test_unreachable_robots_means_allow_all_with_a_note():
    base = f"http://127.0.0.1:{closed_port()}"
    crawler = started(make_site(base, extra_sitemaps=("/plan.xml",)))
    assert crawler.allowed(f"{base}/anything")
    assert any("robots.txt" in note and "allowing everything" in note for note in crawler.notes)
    assert any(note.startswith(f"sitemap {base}/plan.xml") for note in crawler.notes)
    assert crawler.next().url == f"{base}/"


@pytest.mark.parametrize("status", [404, 500, 503])
def test_robots_error_status_means_allow_all_with_a_note(server, status):
    server.route("/robots.txt", "User-agent: *\nDisallow: /\n", status=status)
    crawler = started(make_site(server.url))
    assert crawler.allowed(f"{server.url}/x")
    assert any(f"HTTP {status}" in note and "allowing everything" in note for note in crawler.notes)


def test_huge_robots_is_truncated_with_a_note(server):
    head = "User-agent: a11y-audit\nDisallow: /prive\n"
    filler = "# " + "x" * 98 + "\n"
    tail = "Disallow: /beyond-the-cap\n"
    body = head + filler * (ROBOTS_MAX_BYTES // len(filler) + 100) + tail
    server.route("/robots.txt", body)
    crawler = started(make_site(server.url))
    assert not crawler.allowed(f"{server.url}/prive/x")
    assert crawler.allowed(f"{server.url}/beyond-the-cap")  # after 500 KB: not read
    assert any("larger than" in note and "robots.txt" in note for note in crawler.notes)


def test_robots_redirect_is_followed(server):
    server.route("/robots.txt", "", status=301, Location="/real-robots.txt")
    server.route("/real-robots.txt", "User-agent: *\nDisallow: /prive\n")
    crawler = started(make_site(server.url))
    assert not crawler.allowed(f"{server.url}/prive/x")


# --- sitemaps ----------------------------------------------------------------------------------


def test_sitemap_index_pointing_to_gzipped_sitemap(server):
    u = server.url
    server.route("/robots.txt", f"User-agent: *\nDisallow: /prive\nSitemap: {u}/sitemap_index.xml\n")
    server.route(
        "/sitemap_index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{u}/sitemaps/pages.xml.gz</loc></sitemap>"
        f"<sitemap><loc>{u}/sitemaps/missing.xml</loc></sitemap>"
        "</sitemapindex>",
        Content_Type="application/xml",
    )
    pages = urlset(
        (f"{u}/demarches/etat-civil", "2024-05-01"),
        (f"{u}/actualites?page=2&amp;utm_source=rss", "2024-06-01T10:00:00+02:00"),  # XML-escaped
        (f"{u}/docs/budget.pdf", None),
        (f"{u}/prive/admin", None),
        ("https://ailleurs.example/page", None),
    )
    server.route("/sitemaps/pages.xml.gz", gzip.compress(pages.encode()), Content_Type="application/gzip")
    crawler = started(make_site(u))

    refs = {ref.url: ref for ref in drain(crawler)}
    assert refs[f"{u}/"].via == "seed"
    assert refs[f"{u}/demarches/etat-civil"].via == "sitemap"
    assert f"{u}/actualites?page=2" in refs
    assert refs[f"{u}/docs/budget.pdf"].kind is PageKind.DOCUMENT
    assert f"{u}/prive/admin" not in refs
    assert crawler.skipped[f"{u}/prive/admin"] == "robots.txt"
    assert crawler.skipped["https://ailleurs.example/page"] == "out of scope"
    assert crawler.lastmod == {
        f"{u}/demarches/etat-civil": "2024-05-01",
        f"{u}/actualites?page=2": "2024-06-01T10:00:00+02:00",
    }
    # the guessed /sitemap.xml (404) and the missing child are noted, not raised
    assert any("missing.xml" in note and "404" in note for note in crawler.notes)
    assert any(note.startswith(f"sitemap {u}/sitemap.xml") for note in crawler.notes)


def test_extra_sitemaps_and_bad_xml_are_noted(server):
    server.route("/plan.xml", urlset((f"{server.url}/plan-du-site", None)), Content_Type="application/xml")
    server.route("/broken.xml", "<urlset><url><loc>oops", Content_Type="application/xml")
    crawler = started(make_site(server.url, extra_sitemaps=("/plan.xml", "/broken.xml")))
    assert f"{server.url}/plan-du-site" in {ref.url for ref in drain(crawler)}
    assert any("broken.xml" in note and "not valid XML" in note for note in crawler.notes)


def test_sitemaps_disabled_reads_none(server):
    server.route("/sitemap.xml", urlset((f"{server.url}/x", None)), Content_Type="application/xml")
    crawler = started(make_site(server.url, sitemaps=False))
    assert [ref.url for ref in drain(crawler)] == [f"{server.url}/"]
    assert "/sitemap.xml" not in server.paths()




def test_billion_laughs_sitemap_is_refused_quickly(server):
    server.route("/sitemap.xml", billion_laughs(server.url + "/").decode(), Content_Type="application/xml")
    begin = time.monotonic()
    crawler = started(make_site(server.url))
    assert time.monotonic() - begin < 10
    assert [ref.url for ref in drain(crawler)] == [f"{server.url}/"]
    assert any("sitemap.xml" in note and "refused" in note for note in crawler.notes)


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1 << 20)
    head = URLSET.format("<url><loc>/bombe</loc></url>").encode()[: -len("</urlset>")]
    out = [compressor.compress(head)]
    for _ in range(size // len(chunk)):
        out.append(compressor.compress(chunk))
    out.append(compressor.flush())
    return b"".join(out)


def test_gzip_bomb_sitemap_is_capped(server):
    bomb = _gzip_bomb(SITEMAP_MAX_BYTES + (30 << 20))  # 80 MB once inflated, ~80 KB on the wire
    assert len(bomb) < 1 << 20
    server.route("/bomb.xml.gz", bomb, Content_Type="application/gzip")
    # the same bomb as a transfer encoding: httpx would inflate it; the crawler must cap it too
    server.route("/sitemap.xml", bomb, Content_Type="application/xml", Content_Encoding="gzip")
    begin = time.monotonic()
    crawler = started(make_site(server.url, extra_sitemaps=("/bomb.xml.gz",)))
    assert time.monotonic() - begin < 20
    capped = [note for note in crawler.notes if "once decompressed" in note]
    assert len(capped) == 2, crawler.notes
    assert f"{server.url}/bombe" not in {ref.url for ref in drain(crawler)}


def test_inflate_never_allocates_past_the_cap():
    bomb = _gzip_bomb(64 << 20)
    tracemalloc.start()
    try:
        body, truncated = _inflate(bomb, 16 + zlib.MAX_WBITS, 1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert truncated and len(body) == 1 << 20
    assert peak < 8 << 20  # inflating it all would take 64 MB
    assert _inflate(gzip.compress(b"a") + gzip.compress(b"b"), 16 + zlib.MAX_WBITS, 10) == (b"ab", False)


def test_text_sitemap(server):
    server.route("/plan.txt", f"{server.url}/a\n\n{server.url}/b\nnot a url\n")
    crawler = started(make_site(server.url, extra_sitemaps=("/plan.txt",)))
    assert [ref.url for ref in drain(crawler)][1:] == [f"{server.url}/a", f"{server.url}/b"]


# --- URLs, scope, caps -------------------------------------------------------------------------

OFFLINE = "http://Ville.Example"


def offline(**policy) -> Crawler:
    return Crawler(make_site(OFFLINE, **policy))


def test_canonical_forms():
    crawler = offline()
    c = crawler.canonical
    assert c("/") == "http://ville.example/"
    assert c("") == "http://ville.example/"
    assert c("HTTP://VILLE.EXAMPLE:80") == "http://ville.example/"
    assert c("https://ville.example:443/a") == "https://ville.example/a"
    assert c("http://ville.example:8080/a") == "http://ville.example:8080/a"
    assert c("http://ville.example./a") == "http://ville.example/a"
    assert c("/a/./b/../c#section") == "http://ville.example/a/c"
    assert c("/p?b=2&a=1&utm_source=x&utm_medium=y&fbclid=z&gclid=w") == "http://ville.example/p?a=1&b=2"
    assert c("/p?utm_campaign=only") == "http://ville.example/p"
    assert c("/%7euser/%c3%a9t%c3%a9") == "http://ville.example/~user/%C3%A9t%C3%A9"
    assert c("/été") == "http://ville.example/%C3%A9t%C3%A9"
    assert c("suite", base="http://ville.example/dossier/page") == "http://ville.example/dossier/suite"
    assert c("http://user:pass@ville.example/x") == "http://ville.example/x"
    for refused in (
        "mailto:mairie@ville.example",
        "javascript:void(0)",
        "tel:+33100000000",
        "data:text/html,hi",
        "file:///etc/passwd",
        "ftp://ville.example/x",
    ):
        assert c(refused) is None, refused


def test_canonical_dedupe_through_add():
    crawler = offline()
    first = crawler.add("http://ville.example/actualites?b=2&a=1", via="link", depth=1)
    assert first is not None and first.url == "http://ville.example/actualites?a=1&b=2"
    for same in (
        "http://VILLE.example:80/actualites?a=1&b=2#haut",
        "/actualites?b=2&a=1&utm_source=newsletter",
        "http://ville.example/actualites?a=1&fbclid=abc&b=2",
        "http://ville.example./actualites?a=1&b=2",
    ):
        assert crawler.add(same, via="link", depth=1) is None, same
    assert crawler.known == 1 and crawler.pending == 1
    assert crawler.skipped == {}  # duplicates are not "skipped"
    # repeated keys keep their relative order: they may mean something
    assert crawler.canonical("/s?t=2&a=0&t=1") == "http://ville.example/s?a=0&t=2&t=1"


def test_non_http_links_are_refused():
    crawler = offline()
    page = crawler.add("/", via="seed", depth=0)
    added = crawler.add_links(
        page, ["mailto:a@b.fr", "javascript:alert(1)", "tel:0102030405", "data:,x", "#haut", "/ok"]
    )
    assert added == 1
    assert crawler.skipped["mailto:a@b.fr"] == "not an http(s) URL"
    assert crawler.skipped["javascript:alert(1)"] == "not an http(s) URL"
    assert not crawler.in_scope("mailto:a@b.fr")


def test_out_of_scope_host_refused_and_extra_hosts_accepted():
    crawler = offline(hosts=("Demarches.Ville.Example",))
    page = PageRef(url="http://ville.example/", depth=0)
    crawler.add_links(
        page,
        [
            "https://www.service-public.fr/particuliers",
            "http://ville.example.evil.test/",
            "http://sub.ville.example/",
            "http://ville.example:8080/",
            "https://demarches.ville.example/formulaire",
            "https://ville.example/contact",  # same host, other scheme: in scope
        ],
    )
    queued = {ref.url for ref in drain(crawler)}
    assert queued == {"https://demarches.ville.example/formulaire", "https://ville.example/contact"}
    for url in (
        "https://www.service-public.fr/particuliers",
        "http://ville.example.evil.test/",
        "http://sub.ville.example/",
        "http://ville.example:8080/",
    ):
        assert crawler.skipped[url] == "out of scope", url
        assert not crawler.in_scope(url)


def test_include_exclude():
    crawler = offline(include=(r"^/(demarches|actualites)",), exclude=(r"\?.*page=", r"/brouillon"))
    assert crawler.in_scope("/demarches/etat-civil")
    assert crawler.in_scope("/actualites?tri=date")
    assert not crawler.in_scope("/agenda")
    assert not crawler.in_scope("/actualites?page=3")  # query is part of what is matched
    assert not crawler.in_scope("/demarches/brouillon")
    assert crawler.add("/agenda", via="link", depth=1) is None
    assert crawler.skipped["http://ville.example/agenda"] == "out of scope"
    assert crawler.add("/demarches/x", via="link", depth=1) is not None


def test_invalid_regex_is_a_clear_error():
    with pytest.raises(ValueError, match="crawl.exclude"):
        offline(exclude=("(",))


def test_max_depth():
    crawler = offline(max_depth=1)
    seed = crawler.add("/", via="seed", depth=0)
    assert crawler.add_links(seed, ["/niveau1"]) == 1
    level1 = drain(crawler)[-1]
    assert level1.depth == 1 and level1.referrer == "http://ville.example/"
    assert crawler.add_links(level1, ["/niveau2"]) == 0
    assert crawler.skipped["http://ville.example/niveau2"] == "max_depth"
    # found again closer to the seed: accepted, and no longer listed as skipped
    assert crawler.add_links(seed, ["/niveau2"]) == 1
    assert "http://ville.example/niveau2" not in crawler.skipped


def test_max_pages_counts_queued_and_done_and_samples_bypass_caps():
    site = make_site(OFFLINE, pages=[("Accueil", "/"), ("Contact", "/contact")], max_pages=3, max_depth=0)
    crawler = Crawler(site)
    for page in site.pages:
        crawler.add(page.path, via="sample", depth=0, name=page.name)
    crawler.mark_done(crawler.next())
    assert crawler.add("/un", via="sitemap", depth=0) is not None  # 3rd HTML page
    assert crawler.add("/deux", via="sitemap", depth=0) is None
    assert crawler.skipped["http://ville.example/deux"] == "max_pages"
    # documents have their own budget
    assert crawler.add("/docs/a.pdf", via="sitemap", depth=0).kind is PageKind.DOCUMENT
    # sample pages bypass max_pages and max_depth
    extra = crawler.add("/plan-du-site", via="sample", depth=5, name="Plan du site")
    assert extra is not None and extra.name == "Plan du site"
    assert crawler.known == 5


def test_documents_classified_assets_dropped_and_documents_capped():
    crawler = offline(max_pages=2)
    page = PageRef(url="http://ville.example/", depth=0)
    crawler.add_links(
        page,
        [
            "/docs/Budget-2024.PDF",
            "/docs/deliberation.odt",
            "/docs/tableau.xlsx",  # third document: over max_pages
            "/img/logo.png",
            "/css/site.css",
            "/js/app.js",
            "/fonts/marianne.woff2",
            "/page",
        ],
    )
    refs = {ref.url: ref for ref in drain(crawler)}
    assert refs["http://ville.example/docs/Budget-2024.PDF"].kind is PageKind.DOCUMENT
    assert refs["http://ville.example/docs/deliberation.odt"].kind is PageKind.DOCUMENT
    assert refs["http://ville.example/page"].kind is PageKind.HTML
    assert crawler.skipped["http://ville.example/docs/tableau.xlsx"] == "max_pages"
    for asset in ("img/logo.png", "css/site.css", "js/app.js", "fonts/marianne.woff2"):
        assert f"http://ville.example/{asset}" not in refs
        assert crawler.skipped[f"http://ville.example/{asset}"] == "not a page"
    assert Crawler.kind_of("http://x/a.docx") is PageKind.DOCUMENT
    assert Crawler.kind_of("http://x/archive.zip") is PageKind.DOCUMENT
    assert Crawler.kind_of("http://x/page.html") is PageKind.HTML


def test_order_samples_first_then_breadth_first():
    crawler = offline(max_depth=5)
    seed = crawler.add("/", via="seed", depth=0)
    crawler.add("/contact", via="sample", depth=0, name="Contact")
    crawler.add("/sitemap-page", via="sitemap", depth=1)
    first = crawler.next()
    assert (first.url, first.via, first.name) == ("http://ville.example/contact", "sample", "Contact")
    assert crawler.next() == seed
    crawler.add_links(seed, ["/a", "/b"])
    a = None
    order = []
    while (ref := crawler.next()) is not None:
        order.append(ref.url.rsplit("/", 1)[1])
        if ref.url.endswith("/a"):
            a = ref
            crawler.add_links(a, ["/a/deep"])
    assert order == ["sitemap-page", "a", "b", "deep"]
    assert crawler.pending == 0


def test_restore_for_resume():
    crawler = offline()
    done = ["http://ville.example/", "http://VILLE.example/deja-fait#x"]
    queued = [
        PageRef(url="http://ville.example/a-faire", depth=1, via="link"),
        PageRef(url="http://ville.example/deja-fait", depth=1, via="link"),  # done wins
        PageRef(url="http://ville.example/contact", depth=0, via="sample", name="Contact"),
    ]
    crawler.restore(done, queued)
    # the resumed run's own discovery must not re-queue what was done
    assert crawler.add("/", via="seed", depth=0) is None
    assert crawler.add("/deja-fait", via="link", depth=1) is None
    refs = drain(crawler)
    assert [ref.url for ref in refs] == ["http://ville.example/contact", "http://ville.example/a-faire"]
    assert refs[0].name == "Contact"
    assert crawler.known == 4 and crawler.pending == 0
    assert set(crawler.done) == {"http://ville.example/", "http://ville.example/deja-fait"}


def test_restore_after_start_removes_done_pages_from_the_queue():
    crawler = offline()
    crawler.add("/", via="seed", depth=0)
    crawler.add("/x", via="link", depth=1)
    crawler.restore(["http://ville.example/"], [])
    assert crawler.pending == 1
    assert crawler.next().url == "http://ville.example/x"
    assert crawler.next() is None


def test_redirected():
    crawler = offline()
    ref = crawler.add("/ancien", via="link", depth=1)
    other = crawler.add("/nouveau", via="link", depth=1)
    assert crawler.next() == ref
    assert crawler.redirected(ref, "http://ville.example/ancien")
    assert crawler.redirected(ref, "/nouveau")  # not audited yet: audit it under ref...
    assert crawler.next() is None  # ...and it is not handed out again
    assert other is not None
    crawler.mark_done(ref)
    late = crawler.add("/vieux", via="link", depth=1)
    assert not crawler.redirected(late, "/nouveau")  # already handed out
    assert not crawler.redirected(late, "https://ailleurs.example/")


def test_sample_out_of_scope_is_refused_with_a_note():
    crawler = offline(exclude=("^/interdit",))
    assert crawler.add("https://ailleurs.example/", via="sample", depth=0, name="Ailleurs") is None
    assert crawler.add("/interdit", via="sample", depth=0, name="Interdit") is None
    assert crawler.skipped["http://ville.example/interdit"] == "out of scope"
    assert len(crawler.notes) == 2


def test_start_queues_samples_seed_and_is_idempotent(server):
    site = make_site(server.url, pages=[("Accueil", "/"), ("Démarches", "/demarches")])
    crawler = Crawler(site)
    asyncio.run(crawler.start())
    asyncio.run(crawler.start())
    refs = drain(crawler)
    assert [(r.url, r.via, r.name) for r in refs] == [
        (f"{server.url}/", "sample", "Accueil"),
        (f"{server.url}/demarches", "sample", "Démarches"),
    ]
    assert server.paths().count("/robots.txt") == 1


def test_caller_supplied_client_is_left_open(server):
    import httpx

    async def run() -> bool:
        async with httpx.AsyncClient() as client:
            crawler = Crawler(make_site(server.url), client=client)
            await crawler.start()
            return client.is_closed

    assert asyncio.run(run()) is False
    ua = [h["User-Agent"] for p, h in server.requests if p == "/robots.txt"][0]
    assert ua.startswith("a11y-audit/")

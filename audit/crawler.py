"""Polite discovery: what to audit, in which order, and what was left out and why.

The crawler never renders anything. It reads robots.txt and sitemaps itself (httpx), takes the links
the browser found in each rendered page (``add_links``) and hands back ``PageRef`` objects one at a
time (``next``). Everything it refuses is recorded in ``skipped`` (URL -> reason) and everything that
went wrong on the network in ``notes``; nothing network-related is ever raised to the caller.

Safety bounds: robots.txt is read up to 500 KB (Google's limit), a sitemap up to 50 MB once
decompressed (the sitemaps.org limit, and the gzip-bomb cap), sitemap XML is parsed with defusedxml
with DTDs forbidden (no entity expansion), sitemap indexes are followed to a bounded depth and count.

Scope: a URL is read the way a browser reads it (WHATWG URL standard: backslashes are slashes, IPv4
shorthands like ``2130706433`` are addresses, percent-escapes in host names are decoded), so the host
checked is the host Chromium would contact. Only http(s) URLs on base_url's host (or ``crawl.hosts``)
are in scope; private, loopback and link-local addresses only when the base URL is one (an intranet)
or ``crawl.allow_private`` is true. A redirect out of scope is noted, never audited.
"""

from __future__ import annotations

import asyncio
import ipaddress
import posixpath
import re
import string
import time
import zlib
from collections import deque
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from protego import Protego

from audit.model import PageKind, PageRef, PageState, Site

__all__ = ["Crawler", "DOCUMENT_EXTENSIONS", "ASSET_EXTENSIONS", "product_token"]

DOCUMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .odt .ods .odp .xls .xlsx .ppt .pptx .rtf .epub .csv .zip".split()
)
# Not pages at all: never queued (images, fonts, styles, scripts, media, feeds, binaries).
ASSET_EXTENSIONS = frozenset(
    (
        ".png .jpg .jpeg .gif .svg .svgz .webp .avif .ico .bmp .tif .tiff .heic "
        ".css .js .mjs .map .woff .woff2 .ttf .otf .eot "
        ".mp3 .mp4 .m4a .m4v .webm .ogg .oga .ogv .wav .avi .mov .mkv .flac "
        ".json .xml .rss .atom .gz .tgz .tar .bz2 .7z .rar .exe .msi .dmg .apk .iso"
    ).split()
)
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_eid", "_ga"})

ROBOTS_MAX_BYTES = 500 * 1024  # Google reads the first 500 KiB
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # sitemaps.org: 50 MB uncompressed; also the gzip-bomb cap
SITEMAP_MAX_FILES = 50  # sitemap files read per run (indexes included)
SITEMAP_MAX_NESTING = 3  # index -> index -> index -> urlset
SITEMAP_MAX_URLS = 200_000  # <url> entries looked at per run
MAX_REDIRECTS = 5  # RFC 9309 asks for at least five for robots.txt
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is capped (and noted)
HTTP_TIMEOUT = 20.0

_SAMPLE = "sample"
_ACTIVE = "active"  # handed out by next(), not yet marked done
_HEX = set(string.hexdigits)
_UNRESERVED = set(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = _UNRESERVED | set("/:@!$&'()*+,;=")
_QUERY_SAFE = _UNRESERVED | set("/:@!$'()*+,;=?")  # "&" separates parameters, handled apart
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: "a11y-audit/0.1 (...)" -> "a11y-audit"."""
    match = _TOKEN.match(user_agent.strip())
    return match.group(0).lower() if match else "*"


def _normalise_percent(text: str, safe: set[str]) -> str:
    """Upper-case %xx escapes, decode escaped unreserved characters, escape what must be."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        out.append(char if char in safe else quote(char, safe=""))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    segments = path.split("/")
    result: list[str] = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            if len(result) > 1:
                result.pop()
            continue
        result.append(segment)
    if segments[-1] in (".", ".."):
        result.append("")
    joined = "/".join(result)
    return joined if joined.startswith("/") else "/" + joined


def _extension(path: str) -> str:
    return posixpath.splitext(unquote(path).rstrip("/"))[1].lower()


def _ipv4_part(part: str) -> int:
    """One part of a WHATWG IPv4 address: decimal, 0x-hex or 0-octal; ValueError otherwise."""
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    if not part.isdigit():
        raise ValueError(part)
    return int(part)


def _ipv4_host(host: str) -> str | None:
    """Dotted-quad form of a host a browser reads as IPv4 ("2130706433", "0x7f.1", "127.1" are all
    127.0.0.1, per the WHATWG URL standard); None for a name. ValueError for a number that is no address
    (the browser refuses those URLs too)."""
    labels = host.split(".")
    if labels and labels[-1] == "" and len(labels) > 1:
        labels = labels[:-1]
    last = labels[-1] if labels else ""
    if not (last.isdigit() or (last[:2].lower() == "0x" and all(c in _HEX for c in last[2:]))):
        return None  # does not end in a number: a domain name
    if len(labels) > 4 or "" in labels:
        raise ValueError(host)
    numbers = [_ipv4_part(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(host)
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _is_private_host(host: str) -> bool:
    """Loopback, private, link-local, shared (CGNAT), reserved… anything not on the public Internet, in
    any of the spellings a browser accepts (IPv4 shorthands, IPv4-mapped IPv6, localhost names)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        if ":" not in host:
            host = _ipv4_host(host) or host
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: not resolved here (the browser owns DNS-level checks)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _inflate(data: bytes, wbits: int, cap: int) -> tuple[bytes, bool]:
    """Decompress at most ``cap`` bytes (gzip/zlib/raw deflate by ``wbits``); True if truncated.

    Never allocates more than cap + 1 bytes of output whatever the compression ratio; handles
    multi-member gzip files.
    """
    out = bytearray()
    first = True
    while data and len(out) <= cap:
        decompressor = zlib.decompressobj(wbits)
        try:
            out += decompressor.decompress(data, cap + 1 - len(out))
        except zlib.error:
            if first:
                raise
            break  # trailing garbage after a complete member: ignore it, as gzip tools do
        first = False
        if decompressor.unconsumed_tail:
            return bytes(out[:cap]), True
        data = decompressor.unused_data.lstrip(b"\0")
        if not decompressor.eof:
            break  # stream cut short (download cap): keep what we have
    return bytes(out[:cap]), len(out) > cap


def _whatwg_clean(url: str) -> str:
    """What a browser does to a URL string before parsing it: leading and trailing C0 controls and spaces
    go, tabs and newlines anywhere go, and before the query a backslash is a slash (http(s) URLs):
    "/\\evil.example/" and "http://evil.example\\@www.ville.fr/" both lead to evil.example."""
    url = re.sub(r"[\t\r\n]", "", url).strip(_C0_AND_SPACE)
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme is None or scheme.group(1).lower() in ("http", "https"):
        url = url[:cut].replace("\\", "/") + url[cut:]
    return url


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


class _FetchError(Exception):
    """A network/HTTP problem already phrased for a note."""


class Crawler:
    """Polite discovery of the pages of one site; see the module docstring."""

    def __init__(self, site: Site, client: httpx.AsyncClient | None = None):
        self.site = site
        self.policy = site.crawl
        self.user_agent = self.policy.user_agent
        self.token = product_token(self.user_agent)
        self._client = client
        self.skipped: dict[str, str] = {}
        self.notes: list[str] = []
        self.lastmod: dict[str, str] = {}
        self._started = False

        base = self.canonical(site.base_url, base=site.base_url)
        if base is None:
            raise ValueError(f"site {site.id!r}: base_url {site.base_url!r} is not an http(s) URL")
        self.base_url = base
        base_parts = urlsplit(base)
        self._base_scheme = base_parts.scheme
        self._scope: set[str] = {base_parts.netloc}
        for host in self.policy.hosts:
            netloc = self._host_netloc(host)
            if netloc is None:
                raise ValueError(f"site {site.id!r}: crawl.hosts entry {host!r} is not a host name")
            self._scope.add(netloc)
        self._include = self._compile(self.policy.include, "include")
        self._exclude = self._compile(self.policy.exclude, "exclude")
        # Private and loopback addresses are audited only on an intranet site (its base URL is one) or with
        # crawl.allow_private: a public site cannot lead the crawler into the network it runs in.
        self._private_ok = self.policy.allow_private or _is_private_host(base_parts.hostname or "")
        for netloc in sorted(self._scope):
            if not self._private_ok and _is_private_host(urlsplit(f"//{netloc}").hostname or ""):
                self.notes.append(f"crawl.hosts entry {netloc} is a private address: not audited unless "
                                  "crawl.allow_private is true")

        self._state: dict[str, str] = {}  # canonical URL -> PageState.QUEUED | _ACTIVE | PageState.DONE
        self._kinds: dict[str, PageKind] = {}
        self._samples: deque[PageRef] = deque()
        self._queue: deque[PageRef] = deque()
        self._html = 0  # HTML pages queued, active or done (the max_pages budget)
        self._documents = 0  # documents queued, active or done (their own max_pages budget)
        self._robots: dict[str, Protego] = {}  # netloc -> parsed robots.txt
        self._delays: dict[str, float] = {}  # netloc -> seconds between two requests
        self._next_slot: dict[str, float] = {}  # netloc -> monotonic time of the next free slot
        self._robots_sitemaps: list[str] = []

    # --- set-up -------------------------------------------------------------------------------

    def _compile(self, patterns: Iterable[str], key: str) -> list[re.Pattern[str]]:
        compiled = []
        for pattern in patterns:
            try:
                compiled.append(re.compile(pattern))
            except re.error as error:
                raise ValueError(
                    f"site {self.site.id!r}: crawl.{key}: invalid regular expression {pattern!r}: {error}"
                ) from None
        return compiled

    def _host_netloc(self, host: str) -> str | None:
        text = host.strip()
        if "://" not in text:
            text = f"{self._base_scheme}://{text}"
        url = self.canonical(text, base=text)
        return urlsplit(url).netloc if url else None

    async def start(self) -> None:
        """Read robots.txt and sitemaps, then queue sample pages, the seed and sitemap URLs.

        Never raises for network problems: they end up in ``notes``. Call it once.
        """
        if self._started:
            return
        self._started = True
        client = self._client
        owned = client is None
        if client is None:
            client = httpx.AsyncClient(
                headers={"User-Agent": self.user_agent},
                timeout=HTTP_TIMEOUT,
                follow_redirects=False,
            )
        try:
            if self.policy.obey_robots or self.policy.sitemaps:
                for netloc in sorted(self._scope, key=lambda n: n != urlsplit(self.base_url).netloc):
                    await self._load_robots(client, f"{self._base_scheme}://{netloc}")
            for page in self.site.pages:
                self.add(page.path, via=_SAMPLE, depth=0, name=page.name)
            self.add(self.base_url, via="seed", depth=0)
            if self.policy.sitemaps:
                await self._load_sitemaps(client)
            elif self.policy.extra_sitemaps:
                self.notes.append("crawl.sitemaps is false: crawl.extra_sitemaps were not read")
        finally:
            if owned:
                await client.aclose()

    # --- URLs ---------------------------------------------------------------------------------

    def canonical(self, url: str, base: str | None = None) -> str | None:
        """Absolute, normalised URL, or None when it is not an http(s) URL."""
        if not isinstance(url, str):
            return None
        url = _whatwg_clean(url)
        try:
            parts = urlsplit(urljoin(base or self.site.base_url, url))
            scheme = parts.scheme.lower()
            if scheme not in ("http", "https"):
                return None
            host = (parts.hostname or "").rstrip(".")
            port = parts.port
        except ValueError:
            return None
        if not host:
            return None
        if "%" in host:
            host = unquote(host)  # browsers decode percent-escapes in host names
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return None
        host = host.lower()
        if ":" not in host:
            try:
                host = _ipv4_host(host) or host
            except ValueError:
                return None
        if ":" in host:
            host = f"[{host}]"
        if port is not None and port != {"http": 80, "https": 443}[scheme]:
            host = f"{host}:{port}"
        path = _normalise_percent(_remove_dot_segments(parts.path or "/"), _PATH_SAFE)
        params = []
        for param in parts.query.split("&"):
            if not param:
                continue
            name = unquote(param.split("=", 1)[0].replace("+", " ")).lower()
            if name.startswith("utm_") or name in TRACKING_PARAMS:
                continue
            params.append((_normalise_percent(param.split("=", 1)[0], _QUERY_SAFE), param))
        params.sort(key=lambda pair: pair[0])  # stable: repeated keys keep their order
        query = "&".join(_normalise_percent(param, _QUERY_SAFE) for _, param in params)
        return urlunsplit((scheme, host, path, query, ""))

    def _host_ok(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.netloc in self._scope and (self._private_ok or not _is_private_host(parts.hostname or ""))

    def _filters_ok(self, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if self._include and not any(p.search(target) for p in self._include):
            return False
        return not any(p.search(target) for p in self._exclude)

    def in_scope(self, url: str) -> bool:
        """Same host as base_url (or crawl.hosts), and passes crawl.include / crawl.exclude."""
        canonical = self.canonical(url)
        return canonical is not None and self._host_ok(canonical) and self._filters_ok(canonical)

    def allowed(self, url: str) -> bool:
        """robots.txt lets our product token fetch this URL (always True without obey_robots)."""
        if not self.policy.obey_robots:
            return True
        canonical = self.canonical(url)
        if canonical is None:
            return False
        robots = self._robots.get(urlsplit(canonical).netloc)
        return robots is None or robots.can_fetch(canonical, self.token)

    @staticmethod
    def kind_of(url: str) -> PageKind | None:
        """DOCUMENT for office/PDF files, None for assets that are not pages, else HTML."""
        extension = _extension(urlsplit(url).path)
        if extension in DOCUMENT_EXTENSIONS:
            return PageKind.DOCUMENT
        if extension in ASSET_EXTENSIONS:
            return None
        return PageKind.HTML

    # --- the queue ----------------------------------------------------------------------------

    def _skip(self, key: str, reason: str) -> None:
        self.skipped[key[:2000]] = reason

    def add(
        self,
        url: str,
        *,
        via: str,
        depth: int,
        referrer: str | None = None,
        name: str | None = None,
    ) -> PageRef | None:
        """The one entry point: returns the queued PageRef, or None (reason in ``skipped``)."""
        canonical = self.canonical(url, base=referrer)
        if canonical is None:
            if isinstance(url, str) and url.strip():
                self._skip(url.strip(), "not an http(s) URL")
            return None
        if canonical in self._state:
            return None  # duplicate: not recorded
        sample = via == _SAMPLE
        kind = self.kind_of(canonical)
        if kind is None:
            self._skip(canonical, "not a page")
            return None
        if not self._host_ok(canonical):
            self._skip(canonical, "out of scope")
            if sample or via == "seed":
                self.notes.append(f"{via} page {name or canonical} is on a host out of scope: not audited")
            return None
        if not self._filters_ok(canonical):
            self._skip(canonical, "out of scope")
            if sample or via == "seed":
                self.notes.append(
                    f"{via} page {name or canonical} is excluded by crawl.include/crawl.exclude: not audited"
                )
            return None
        if not sample and depth > self.policy.max_depth:
            self._skip(canonical, "max_depth")
            return None
        if not self.allowed(canonical):
            if sample:
                self.notes.append(
                    f"sample page {name or canonical} ({canonical}) is disallowed by robots.txt; "
                    "audited anyway because sites.yaml lists it"
                )
            else:
                self._skip(canonical, "robots.txt")
                if via == "seed":
                    self.notes.append(f"the start page {canonical} is disallowed by robots.txt")
                return None
        if not sample:
            used = self._html if kind is PageKind.HTML else self._documents
            if used >= self.policy.max_pages:
                self._skip(canonical, "max_pages")
                return None
        ref = PageRef(
            url=canonical,
            depth=depth,
            via=via,
            kind=kind,
            name=name,
            referrer=self.canonical(referrer) if referrer else None,
        )
        self._enqueue(ref)
        return ref

    def _count(self, canonical: str, kind: PageKind) -> None:
        self._kinds[canonical] = kind
        if kind is PageKind.DOCUMENT:
            self._documents += 1
        else:
            self._html += 1

    def _enqueue(self, ref: PageRef) -> None:
        self.skipped.pop(ref.url, None)
        self._state[ref.url] = PageState.QUEUED
        self._count(ref.url, ref.kind)
        (self._samples if ref.via == _SAMPLE else self._queue).append(ref)

    def add_links(self, referrer: PageRef, urls: Iterable[str]) -> int:
        """Links found on a rendered page; returns how many were queued."""
        added = 0
        for url in urls:
            if self.add(url, via="link", depth=referrer.depth + 1, referrer=referrer.url) is not None:
                added += 1
        return added

    def next(self) -> PageRef | None:
        """The next page to audit: sample pages first (in sites.yaml order), then breadth-first."""
        for queue in (self._samples, self._queue):
            while queue:
                ref = queue.popleft()
                if self._state.get(ref.url) == PageState.QUEUED:
                    self._state[ref.url] = _ACTIVE
                    return ref
        return None

    def mark_done(self, ref: PageRef) -> None:
        """The page was audited (or failed for good): it will never be handed out again."""
        canonical = self.canonical(ref.url) or ref.url
        if canonical not in self._state:
            self._count(canonical, ref.kind)
        self._state[canonical] = PageState.DONE

    def redirected(self, ref: PageRef, final_url: str) -> bool:
        """The browser landed on ``final_url`` for ``ref``: should the page be audited?

        False when the final URL is out of scope (or not http(s)), or was already audited or
        handed out under another URL; otherwise the final URL is reserved so it is not audited twice.
        """
        final = self.canonical(final_url)
        if final is None or final == ref.url:
            return final is not None
        if not self.in_scope(final):
            self.notes.append(f"{ref.url} redirects out of scope to {final}: not audited")
            return False
        state = self._state.get(final)
        if state in (_ACTIVE, PageState.DONE):
            return False
        if state is None:
            self._count(final, ref.kind)
        self._state[final] = _ACTIVE
        return True

    def restore(self, done: Iterable[str], queued: Iterable[PageRef]) -> None:
        """For --resume: ``done`` URLs are never handed out again; ``queued`` refs are re-queued."""
        for url in done:
            canonical = self.canonical(url)
            if canonical is None:
                continue
            if canonical not in self._state:
                self._count(canonical, self.kind_of(canonical) or PageKind.HTML)
            self._state[canonical] = PageState.DONE
        for ref in queued:
            if ref.journey is not None:
                continue  # journeys are replayed by the runner, not the crawler
            canonical = self.canonical(ref.url)
            if canonical is None or canonical in self._state:
                continue
            self._enqueue(replace(ref, url=canonical))

    @property
    def pending(self) -> int:
        """Pages queued and not yet handed out."""
        return sum(1 for state in self._state.values() if state == PageState.QUEUED)

    @property
    def known(self) -> int:
        """Distinct URLs queued, handed out or done."""
        return len(self._state)

    @property
    def done(self) -> list[str]:
        return [url for url, state in self._state.items() if state == PageState.DONE]

    # --- politeness ---------------------------------------------------------------------------

    def delay_for(self, url: str) -> float:
        """Seconds between two requests to the host of ``url``."""
        canonical = self.canonical(url)
        netloc = urlsplit(canonical).netloc if canonical else ""
        return self._delays.get(netloc, self.policy.delay)

    async def polite_wait(self, url: str) -> None:
        """Wait for this host's next free slot. Slots are reserved synchronously (no await between
        reading and writing), so concurrent workers on one event loop are spaced by the delay."""
        delay = self.delay_for(url)
        if delay <= 0:
            return
        canonical = self.canonical(url)
        netloc = urlsplit(canonical).netloc if canonical else ""
        now = time.monotonic()
        slot = max(now, self._next_slot.get(netloc, 0.0))
        self._next_slot[netloc] = slot + delay
        if slot > now:
            await asyncio.sleep(slot - now)

    # --- network --------------------------------------------------------------------------------

    async def _fetch(self, client: httpx.AsyncClient, url: str, cap: int) -> tuple[str, bytes, bool, str]:
        """GET with manual redirects; returns (final URL, body decoded from Content-Encoding but
        at most ``cap`` bytes, truncated?, content type). Raises _FetchError."""
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        for _ in range(MAX_REDIRECTS + 1):
            try:
                async with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        target = self.canonical(location, base=url) if location else None
                        if target is None:
                            raise _FetchError(f"HTTP {response.status_code} redirect to an invalid location")
                        host = urlsplit(target).hostname or ""
                        if _is_private_host(host) and not self._private_ok:
                            raise _FetchError(f"redirect to a private address refused ({target})")
                        url = target
                        continue
                    if response.status_code >= 400:
                        raise _FetchError(f"HTTP {response.status_code}")
                    raw = bytearray()
                    truncated = False
                    async for chunk in response.aiter_raw():
                        raw += chunk
                        if len(raw) > cap:
                            truncated = True
                            break
                    encoding = response.headers.get("content-encoding", "identity").strip().lower()
                    content_type = response.headers.get("content-type", "")
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError) as error:
                raise _FetchError(f"{type(error).__name__}: {error}".rstrip(": ")) from None
            body = bytes(raw[:cap])
            if encoding in ("gzip", "x-gzip", "deflate"):
                try:
                    body, more = _inflate(body, zlib.MAX_WBITS | 32, cap)
                except zlib.error:
                    try:
                        body, more = _inflate(body, -zlib.MAX_WBITS, cap)
                    except zlib.error:
                        raise _FetchError(f"invalid {encoding} content encoding") from None
                truncated = truncated or more
            elif encoding not in ("identity", ""):
                raise _FetchError(f"unsupported content encoding {encoding!r}")
            return url, body, truncated, content_type
        raise _FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _load_robots(self, client: httpx.AsyncClient, origin: str) -> None:
        url = f"{origin}/robots.txt"
        netloc = urlsplit(url).netloc
        try:
            _, body, truncated, _ = await self._fetch(client, url, ROBOTS_MAX_BYTES)
        except _FetchError as error:
            self.notes.append(f"robots.txt {url}: {error}; treated as allowing everything")
            return
        text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
        if truncated:
            text = text.rsplit("\n", 1)[0]  # drop the partial last line
            self.notes.append(
                f"robots.txt {url} is larger than {ROBOTS_MAX_BYTES} bytes: read the first part only"
            )
        try:
            robots = Protego.parse(text)
        except Exception as error:  # protego is lenient; be safe anyway
            self.notes.append(f"robots.txt {url}: unreadable ({error}); treated as allowing everything")
            return
        self._robots_sitemaps.extend(robots.sitemaps)
        if not self.policy.obey_robots:
            return
        self._robots[netloc] = robots
        delay = robots.crawl_delay(self.token)
        rate = robots.request_rate(self.token)
        if rate is not None and rate.requests:
            delay = max(delay or 0.0, rate.seconds / rate.requests)
        if delay is not None:
            if delay > MAX_CRAWL_DELAY:
                self.notes.append(
                    f"robots.txt {url}: crawl-delay {delay:g} s capped at {MAX_CRAWL_DELAY:g} s"
                )
                delay = MAX_CRAWL_DELAY
            self._delays[netloc] = max(self.policy.delay, delay)

    def _caps_full(self) -> bool:
        return self._html >= self.policy.max_pages and self._documents >= self.policy.max_pages

    async def _load_sitemaps(self, client: httpx.AsyncClient) -> None:
        todo: deque[tuple[str, int, bool]] = deque()  # (url, nesting level, explicitly listed)
        seen: set[str] = set()

        def push(url: str, level: int, explicit: bool, base: str | None = None) -> None:
            canonical = self.canonical(url, base=base or self.base_url)
            if canonical is None:
                self.notes.append(f"sitemap {url!r}: not an http(s) URL")
            elif canonical not in seen:
                seen.add(canonical)
                todo.append((canonical, level, explicit))

        for url in self._robots_sitemaps:
            push(url, 0, True)
        push("/sitemap.xml", 0, False)
        for url in self.policy.extra_sitemaps:
            push(url, 0, True)

        files = 0
        urls_seen = 0
        while todo:
            url, level, explicit = todo.popleft()
            if self._caps_full():
                self.notes.append("sitemaps: max_pages reached, remaining sitemaps not read")
                return
            if files >= SITEMAP_MAX_FILES:
                self.notes.append(f"sitemaps: more than {SITEMAP_MAX_FILES} files, the rest was not read")
                return
            if not self._host_ok(url):
                self.notes.append(f"sitemap {url}: host out of scope, not read")
                continue
            if not explicit and not self.allowed(url):
                continue  # the guessed /sitemap.xml is disallowed: leave it
            files += 1
            await self.polite_wait(url)
            try:
                final, body, truncated, content_type = await self._fetch(client, url, SITEMAP_MAX_BYTES)
                if body[:2] == b"\x1f\x8b":
                    if truncated:
                        raise _FetchError(f"download larger than {SITEMAP_MAX_BYTES} bytes")
                    try:
                        body, truncated = _inflate(body, 16 + zlib.MAX_WBITS, SITEMAP_MAX_BYTES)
                    except zlib.error:
                        raise _FetchError("invalid gzip file") from None
                if truncated:
                    raise _FetchError(
                        f"larger than {SITEMAP_MAX_BYTES} bytes once decompressed (capped, not read)"
                    )
            except _FetchError as error:
                self.notes.append(f"sitemap {url}: {error}")
                continue
            try:
                root = safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
            except DefusedXmlException as error:
                self.notes.append(
                    f"sitemap {url}: refused, DTD or entity declarations ({type(error).__name__})"
                )
                continue
            except (ParseError, ValueError) as error:
                if final.lower().endswith(".txt") or content_type.startswith("text/plain"):
                    urls_seen += self._text_sitemap(body, final)
                else:
                    self.notes.append(f"sitemap {url}: not valid XML ({error})")
                continue
            kind = _local(root.tag)
            if kind == "sitemapindex":
                for entry in root:
                    loc = _child_text(entry, "loc") if _local(entry.tag) == "sitemap" else None
                    if loc is None:
                        continue
                    if level + 1 > SITEMAP_MAX_NESTING:
                        self.notes.append(f"sitemap {url}: index nested too deep, {loc} not read")
                        continue
                    push(loc, level + 1, True, base=final)
            elif kind == "urlset":
                for entry in root:
                    if _local(entry.tag) != "url":
                        continue
                    loc = _child_text(entry, "loc")
                    if loc is None:
                        continue
                    urls_seen += 1
                    if urls_seen > SITEMAP_MAX_URLS or self._caps_full():
                        self.notes.append(f"sitemap {url}: stopped reading (max_pages or URL limit reached)")
                        break
                    self._sitemap_url(loc, final, _child_text(entry, "lastmod"))
            else:
                self.notes.append(f"sitemap {url}: not a sitemap (root element <{kind}>)")

    def _sitemap_url(self, loc: str, sitemap: str, lastmod: str | None) -> None:
        canonical = self.canonical(loc, base=sitemap)
        self.add(loc, via="sitemap", depth=1, referrer=sitemap)
        if canonical is not None and lastmod and canonical in self._state:
            self.lastmod[canonical] = lastmod

    def _text_sitemap(self, body: bytes, sitemap: str) -> int:
        count = 0
        for line in body.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line.startswith(("http://", "https://")):
                count += 1
                if count > SITEMAP_MAX_URLS or self._caps_full():
                    break
                self._sitemap_url(line, sitemap, None)
        return count

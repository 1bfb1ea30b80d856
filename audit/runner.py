"""The order of the stages — the only module that knows it.

gather (crawler + browser) → check (per page, as it goes) → store. Everything is written as it goes:
an interrupted run keeps what was gathered, and ``resume`` finishes it without auditing a page twice.

One run, one truth:

- a page answering an HTTP error (4xx, 5xx, after the one retry audit.browser allows on a short 429/503) is
  stored in ERROR with its ``status`` and an error starting with "HTTP <code>", and its ``referrer``; it is
  never audited (no axe, no checks, no findings). The pages linking to it are those whose ``links`` (absolute,
  in the crawler's canonical form, as page URLs are) contain its URL.
- one final URL is one page: a crawled page that redirects to an address already audited (or being audited),
  whose ``<link rel="canonical">`` names one, or whose response body and rendered text are those of another
  page is stored in DUPLICATE with ``same_as`` (that page's key), not audited. Journey steps never collapse.
- a run that audited nothing (every page failed, or nothing to audit) ends ``failed`` with its reason
  (``Store.fail_run``: unreachable | no_pages | all_errors), not ``complete``; what it gathered stays stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import logging
import os
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from audit import __version__
from audit.browser import MAX_PAGE_BYTES, Browser, GatherOptions, axe_version, find_chromium
from audit.checks import Evidence, load_checks, run_checks, run_site_checks
from audit.config import resolve_secret
from audit.crawler import Crawler
from audit.model import PageKind, PageRef, PageSnapshot, PageState, Site, Source
from audit.store import RunInfo, Store, page_id
from audit.webdriver import GridStatus, WebDriverBrowser, grid_status

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class RunInterrupted(Exception):
    """Ctrl-C or SIGTERM: what was gathered is stored; the message says how to resume."""


@dataclass
class Progress:
    """What a run reports as it goes; the CLI prints it."""

    site: str = ""
    done: int = 0
    errors: int = 0
    duplicates: int = 0  # pages found to be another page of the run (the snapshot's ``same_as``)
    known: int = 0
    findings: int = 0
    started: float = field(default_factory=time.monotonic)
    on_update: Callable[[Progress, PageSnapshot | None], None] | None = None

    def update(self, snap: PageSnapshot | None = None) -> None:
        """Called with each page stored: ``snap.error`` when it could not be audited (an HTTP error says
        "HTTP <code> ..."), ``snap.same_as`` (the key, i.e. URL, of the page it is) when it is a duplicate."""
        if self.on_update:
            self.on_update(self, snap)


@dataclass
class RunOptions:
    resume: bool = False
    chromium: str | None = None
    timeout: float | None = None
    max_pages: int | None = None
    screenshot: bool = True
    full: bool = False  # audit every page again, even unchanged ones
    progress: Progress | None = None
    grid: str | None = None  # a Selenium Grid's URL: crawled pages are gathered there (journeys stay local)
    slots: int | None = None  # sessions on the grid (default: its Chromium slots), within crawl.concurrency
    reuse_parts: bool = True  # axe's answers for shared parts audited once (audit.parts)
    verify_reuse: bool = False  # and every page audited whole as well, the two compared (the proof mode)


def _parts_meta(browsers: list) -> dict[str, Any]:
    """What the shared parts' reuse did in the run (audit.parts), for the run's metadata: the local Chromium's
    ledger (a grid's pages are audited whole); with the proof mode, the differences found (the first 200)."""
    ledgers = [b.parts for b in browsers if getattr(b, "parts", None) is not None]
    if not ledgers:
        return {}
    report = ledgers[0].report()
    log.info("shared parts: %d of %d reused on %d page(s), %d learnt; the focus probe's answers reused for %d "
             "part(s) on %d page(s), the Tab walk's stops skipped in %d part(s)%s", report["reused"], report["parts"],
             report["pages"], report["learnt"], report["focus"]["reused"], report["focus"]["pages"],
             report["tab_walk"]["skipped"],
             f"; {report['differences']} difference(s) with the whole-page runs" if report["verified"] else "")
    return {"parts": report, "parts_differences": ledgers[0].differences[:200]}


def grid_slots(site: Site, options: RunOptions, status: GridStatus) -> int:
    """Sessions one site keeps on the grid: --slots (else the grid's Chromium slots), within the site's
    crawl.concurrency (politeness to the audited server)."""
    return max(1, min(options.slots or status.slots, site.crawl.concurrency))


def _meta(site: Site, chromium_version: str | None) -> dict:
    return {"tool": "a11y-audit", "tool_version": __version__, "axe_version": axe_version(),
            "chromium_version": chromium_version, "site_name": site.name, "user_agent": site.crawl.user_agent,
            "rgaa_version": "4.1.2", "checks_signature": checks_signature()}


async def fetch_document(client: httpx.AsyncClient, ref: PageRef, folder: Path) -> PageSnapshot:
    """Documents (PDF, office files) are downloaded for the document checks, never rendered."""
    snap = PageSnapshot(key=ref.key, url=ref.url, kind=PageKind.DOCUMENT, name=ref.name)
    t0 = time.perf_counter()
    try:
        async with client.stream("GET", ref.url, follow_redirects=True) as response:
            snap.status = response.status_code
            snap.final_url = str(response.url)
            snap.content_type = response.headers.get("content-type", "")
            if response.status_code >= 400:
                snap.error = f"HTTP {response.status_code}"
                return snap
            digest = hashlib.sha256()
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_DOCUMENT_BYTES:
                    snap.error = f"document larger than {MAX_DOCUMENT_BYTES // 2**20} MB: not downloaded"
                    return snap
                digest.update(chunk)
                chunks.append(chunk)
        name = "document.pdf" if "pdf" in (snap.content_type or "") or ref.url.lower().endswith(".pdf") else "document.bin"
        (folder / name).write_bytes(b"".join(chunks))
        snap.files["document"] = name
        snap.content_hash = digest.hexdigest()
    except httpx.HTTPError as exc:
        snap.error = f"download failed: {type(exc).__name__}: {exc}"[:300]
    snap.timings["total"] = round(time.perf_counter() - t0, 3)
    return snap


class SiteRun:
    """One site's audit: the crawler's frontier, the browser, the store."""

    def __init__(self, site: Site, store: Store, options: RunOptions, grid: GridStatus | None = None):
        self.site = site
        self.store = store
        self.options = options
        self.grid = grid
        self.progress = options.progress or Progress()
        self.progress.site = site.id  # one progress for all the sites of a call: each starts from zero
        self.progress.done = self.progress.errors = self.progress.known = self.progress.findings = 0
        self.progress.duplicates = 0
        self.run: RunInfo | None = None
        self.crawler: Crawler | None = None
        # one final URL is one page: which page (key) audits each address, body and rendered text
        self._owners: dict[str, str] = {}  # canonical URL (a page's own, its final one) -> key
        self._identities: dict[tuple[str, str], str] = {}  # (content hash, render hash) -> key
        self._documents: dict[str, str] = {}  # a document's content hash -> key
        self._same: dict[str, str] = {}  # duplicate key -> key of the page it is
        self._failed: set[str] = set()  # keys of pages stored in error
        self._audited: set[str] = set()  # keys of pages stored audited (not in error, not duplicates)
        # pages taken by the crawl's workers that have not said yet which page they are, in the order taken: a
        # page waits for those taken before it (``_earlier_identified``), so that of two addresses of one page the
        # first found owns it, whichever renders first
        self._unidentified: dict[str, asyncio.Event] = {}
        self._identity_wait = 0.0
        self.reuse: Reuse | None = None
        self._starts: dict[int, asyncio.Task] = {}
        self._restart_lock = asyncio.Lock()
        # pages gathered whose checks run while their worker goes on to its next page (``_page``)
        self._checking: set[asyncio.Task] = set()
        self._check_slots: asyncio.Semaphore | None = None

    async def execute(self) -> RunInfo:
        site, store = self.site, self.store
        # the parts of the site's pages that are not its own (sites.yaml out_of_scope): axe and the probes leave them
        # out; the assess stage sets aside our checks' findings there and every report lists them
        gather = GatherOptions(timeout=self.options.timeout or site.page_timeout,
                               screenshot=self.options.screenshot, user_agent=site.crawl.user_agent,
                               exclude=tuple(rule.selector for rule in site.out_of_scope),
                               reuse_parts=self.options.reuse_parts, verify_reuse=self.options.verify_reuse)
        self._identity_wait = gather.timeout / 3  # a page never waits for an earlier one longer than that
        # On a grid, crawled pages go to the grid; journeys (logins, forms) always play on a local Chromium,
        # which is then needed only when the site has journeys.
        local = None
        if self.grid is None or site.journeys:
            local = Browser(find_chromium(self.options.chromium or site.chromium), gather)
        pages: Browser | WebDriverBrowser = local
        if self.grid is not None:
            pages = WebDriverBrowser(self.grid.url, gather, grid_slots(site, self.options, self.grid))
        browsers = [b for b in dict.fromkeys((local, pages)) if b is not None]
        load_checks()  # once, here: the checks then run in worker threads
        headers = {"User-Agent": site.crawl.user_agent}
        async with httpx.AsyncClient(headers=headers, timeout=gather.timeout) as client:
            t0 = time.perf_counter()
            # Browsers start while discovery runs; pages reused from the last run never wait for them.
            self._starts = {id(b): asyncio.create_task(b.start()) for b in browsers}
            try:
                run = self._open_run()
                self.run = run
                self.reuse = self._reuse(run, client)
                crawler = Crawler(site, client)
                self.crawler = crawler
                await crawler.start()
                for pinned in site.sample:  # the pinned RGAA sample is always gathered, reached or not
                    if not pinned.path.startswith("journey:"):
                        crawler.add(site.base_url.rstrip("/") + pinned.path, via="sample", depth=0,
                                    name=pinned.name)
                skip = store.done_keys(run)
                if self.options.resume and skip:
                    self._restore(crawler, run)
                    self._remember(run)
                self.progress.done = len(skip)
                t1 = time.perf_counter()
                await asyncio.gather(self._journeys(local, run, skip),
                                     self._crawl(pages, client, crawler, run))
                t2 = time.perf_counter()
                # site checks need no browser: Chromium (and the grid's sessions) close before the Nu
                # validator's JVM starts, so the two never add up at the run's memory peak
                await self._shut(browsers)
                if self.reuse is not None and self.reuse.everything_reused():
                    self.reuse.copy_site_findings()
                else:
                    site_findings(store, run)
                log.info("%s: discovery %.2fs, pages %.2fs, site checks %.2fs; %d page(s) reused", site.id,
                         t1 - t0, t2 - t1, time.perf_counter() - t2, self.reuse.reused if self.reuse else 0)
                grid = {"grid": self.grid.url, "grid_slots": pages.slots} if self.grid is not None else {}
                grid.update(_parts_meta(browsers))
                store.update_meta(run.id, chromium_version=pages.version or run.meta.get("chromium_version"), **grid,
                                  crawl_notes=list(getattr(crawler, "notes", [])),
                                  skipped=dict(list(getattr(crawler, "skipped", {}).items())[:500]))
                failure = self._failure(run)
                if failure is None:
                    store.set_status(run.id, "complete")
                else:
                    store.fail_run(run.id, *failure)
                return store.run(run.id)
            except asyncio.CancelledError:
                if self.run is not None:
                    store.set_status(self.run.id, "interrupted")
                raise
            finally:
                await self._shut(browsers)

    async def _shut(self, browsers: list) -> None:
        """Stop the browsers (a start still under way is cancelled first); safe to call twice."""
        for task in self._starts.values():
            if not task.done():
                task.cancel()
            with contextlib.suppress(BaseException):
                await task
        for browser in browsers:
            await browser.close()

    async def _ready(self, browser: Browser | WebDriverBrowser) -> None:
        """Wait for a browser (started in the background); a start failure ends the run with its message."""
        await asyncio.shield(self._starts[id(browser)])

    def _reuse(self, run: RunInfo, client: httpx.AsyncClient) -> Reuse | None:
        if self.options.full:
            return None
        previous = self.store.previous_complete(self.site.id, run.id)
        if previous is None or previous.meta.get("checks_signature") != checks_signature():
            return None
        return Reuse(self.store, run, previous, client)

    def _open_run(self) -> RunInfo:
        if self.options.resume:
            previous = self.store.latest_unfinished(self.site.id)
            if previous is not None:
                self.store.set_status(previous.id, "running")
                return previous
        return self.store.create_run(self.site.id, self.site.base_url, _meta(self.site, None))

    def _failure(self, run: RunInfo) -> tuple[str, str | None, str | None] | None:
        """Why the run audited nothing — (reason, url, error) for Store.fail_run — or None when it audited at
        least one page (or document, or journey step)."""
        counts = self.store.page_counts(run)
        if counts.get(PageState.DONE, 0):
            return None
        errors = self.store.pages(run, PageState.ERROR)
        if not errors:
            return "no_pages", self.site.base_url, None
        first = errors[0]
        reason = "unreachable" if all(_network_error(p) for p in errors) else "all_errors"
        return reason, first.url, first.error

    def _remember(self, run: RunInfo) -> None:
        """On --resume: the addresses, bodies and duplicates of the pages already stored."""
        canonical = self.crawler.canonical if self.crawler is not None else (lambda u: u)
        for rows in (self.store.pages(run, PageState.DONE), self.store.pages(run, PageState.ERROR)):
            for p in rows:
                if p.journey is not None:
                    continue
                for url in (p.url, p.final_url):
                    if url:
                        self._owners.setdefault(canonical(url) or url, p.key)
                if p.error:
                    self._failed.add(p.key)
                elif p.kind == PageKind.DOCUMENT and p.content_hash:
                    self._documents.setdefault(p.content_hash, p.key)
                elif p.content_hash and p.render_hash:
                    self._identities.setdefault((p.content_hash, p.render_hash), p.key)
        for p in self.store.pages(run, PageState.DUPLICATE):
            self._same[p.key] = p.same_as
            for url in (p.url, p.final_url):
                if url:
                    self._owners[canonical(url) or url] = p.same_as

    def _owner(self, url: str | None) -> str | None:
        """The key of the page that audits ``url`` (a canonical URL) in this run, duplicates followed."""
        key = self._owners.get(url) if url else None
        return self._owner_key(key) if key is not None else None

    def _same_page(self, ref: PageRef, snap: PageSnapshot) -> str | None:
        """The key of the page of this run that ``snap`` (rendered, not audited yet) is, or None: its canonical
        link names an address audited here (not in error), or another page had the same body and text."""
        crawler = self.crawler
        final = crawler.canonical(snap.final_url or ref.url)
        if snap.canonical:
            declared = crawler.canonical(snap.canonical)
            if declared is not None and declared not in (ref.url, final) and crawler.in_scope(declared):
                owner = self._owner(declared)
                if owner is not None and owner != ref.key and owner not in self._failed:
                    return owner
        if snap.content_hash and snap.render_hash:
            owner = self._identities.setdefault((snap.content_hash, snap.render_hash), ref.key)
            if owner != ref.key:
                return self._owner_key(owner)
        return None

    async def _earlier_identified(self, key: str) -> float:
        """Wait until the pages the crawl took before ``key`` (still in flight) have said which page they are: then,
        of two addresses of one page gathered at once (a month and its "week view", two old addresses redirected to
        one new page), the one found first owns it in every run, not the one that happened to render first (a
        nightly baseline would see the other's findings as new). Bounded: a page never waits longer than a third of
        its time. Returns the seconds waited."""
        if key not in self._unidentified:  # it has said already (gathered again after a Chromium restart)
            return 0.0
        earlier = []
        for other, event in self._unidentified.items():
            if other == key:
                break
            earlier.append(event.wait())  # still here: not said yet (``_identified`` takes it out as it sets it)
        if not earlier:
            return 0.0
        started = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*earlier), self._identity_wait or None)
        return time.perf_counter() - started

    def _identified(self, key: str) -> None:
        event = self._unidentified.pop(key, None)
        if event is not None:
            event.set()

    def _owner_key(self, key: str) -> str:
        """``key``, or the page it is when it is a duplicate (followed to the page audited)."""
        for _ in range(10):
            if key not in self._same:
                break
            key = self._same[key]
        return key

    def _duplicate(self, ref: PageRef, snap: PageSnapshot, same_as: str, folder: Path) -> PageSnapshot:
        """``snap`` as the duplicate of page ``same_as``: what it is and where it lands, nothing audited (files a
        reused page brought in are removed)."""
        for name in snap.files.values():
            with contextlib.suppress(OSError):
                (folder / name).unlink(missing_ok=True)
        dup = PageSnapshot(key=ref.key, url=ref.url, final_url=snap.final_url, status=snap.status, kind=snap.kind,
                           name=ref.name, title=snap.title, content_type=snap.content_type,
                           content_hash=snap.content_hash, links=list(snap.links), timings=dict(snap.timings),
                           same_as=same_as, canonical=snap.canonical, render_hash=snap.render_hash,
                           reused_from=snap.reused_from, validators=dict(snap.validators))
        self._same[ref.key] = same_as
        for url in (ref.url, snap.final_url):
            canonical = self.crawler.canonical(url) if url else None
            if canonical:
                self._owners[canonical] = same_as
        return dup

    def _restore(self, crawler: Crawler, run: RunInfo) -> None:
        done = [k for k in self.store.done_keys(run) if not k.startswith("journey:")]
        done += [p.final_url for p in self.store.pages(run, duplicates=True)
                 if p.journey is None and p.final_url and p.final_url != p.url]
        queued = [r for r in self.store.page_refs(run, PageState.QUEUED) if r.journey is None]
        crawler.restore(done, queued)
        for ref, links in self.store.page_links(run):
            if ref.journey is None and ref.kind == PageKind.HTML:
                crawler.add_links(ref, links)

    def _record(self, run: RunInfo, snap: PageSnapshot, folder: Path, findings: list | Copied | None = None) -> None:
        copied = None
        if snap.same_as is not None:
            snap.error, findings = None, []  # a duplicate is never audited
        elif snap.error:
            findings = []  # nor is a page in error (an HTTP error's page is the server's, not the site's)
            if snap.journey is None:
                self._failed.add(snap.key)
        elif isinstance(findings, Copied):
            copied, findings = findings, []  # a reused page's findings, copied inside the store
        if findings is None:
            findings = run_checks(snap, folder)
        if self.crawler is not None and snap.links:
            snap.links = self._absolute(snap.links)
        self.store.save_page(run, snap, findings, (copied.run, copied.key) if copied is not None else None)
        if snap.same_as is None and not snap.error:
            self._audited.add(snap.key)
        self.progress.done += 1
        self.progress.duplicates += 1 if snap.same_as is not None else 0
        self.progress.errors += 1 if snap.error else 0
        self.progress.findings += sum(1 for f in findings if f.outcome == "failed")
        if copied is not None:
            self.progress.findings += self.store.failed_count(run, snap.key)
        self.progress.update(snap)

    async def _journeys(self, browser: Browser | None, run: RunInfo, skip: set[str]) -> None:
        reused: dict[str, list] = {}
        for journey in self.site.journeys:
            audited = [i for i, s in enumerate(journey.steps) if s.audit]
            keys = {f"journey:{journey.id}:{i}" for i in audited}
            if keys <= skip:
                continue
            self.progress.known += len(keys - skip)
            self.progress.update()
            await self._ready(browser)
            async def reuse_step(snap: PageSnapshot) -> bool:
                result = await self.reuse.step(snap)
                if result is None:
                    return False
                copy, findings = result
                for name in ("files", "links", "boxes", "title", "final_url", "reused_from", "timings", "kind"):
                    setattr(snap, name, getattr(copy, name))
                reused[snap.key] = findings
                return True

            async for snap in browser.journey(journey, self.site.base_url,
                                              lambda key: self.store.page_dir(run, key), resolve_secret, skip,
                                              reuse=reuse_step if self.reuse is not None else None):
                self._record(run, snap, self.store.page_dir(run, snap.key), reused.pop(snap.key, None))

    async def _crawl(self, browser: Browser | WebDriverBrowser, client: httpx.AsyncClient, crawler: Crawler,
                     run: RunInfo) -> None:
        # one local Chromium saturates two cores with two pages in flight; a grid takes one page a slot
        local_cap = browser.slots if isinstance(browser, WebDriverBrowser) else 2
        workers = max(1, min(self.site.crawl.concurrency, local_cap))
        in_flight = 0
        wake = asyncio.Event()

        async def worker() -> None:
            nonlocal in_flight
            while True:
                ref = crawler.next()
                if ref is None:
                    if in_flight == 0:
                        wake.set()
                        return
                    wake.clear()
                    await wake.wait()
                    continue
                in_flight += 1
                self._unidentified[ref.key] = asyncio.Event()
                try:
                    await self._page(browser, client, crawler, run, ref)
                finally:
                    self._identified(ref.key)
                    in_flight -= 1
                    wake.set()

        self._check_slots = asyncio.Semaphore(workers)
        try:
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            # the last pages' checks; a failure of one is raised here as it would have been in its worker
            await asyncio.gather(*list(self._checking))

    def _absolute(self, links: list[str]) -> list[str]:
        """A page's links as page URLs are written (the crawler's canonical form: absolute, no fragment), so
        that the pages linking to a URL are found by it; what is not an http(s) address is left out."""
        canonical = self.crawler.canonical
        return list(dict.fromkeys(c for c in (canonical(u) for u in links if isinstance(u, str)) if c))

    async def _page(self, browser: Browser | WebDriverBrowser, client: httpx.AsyncClient, crawler: Crawler, run: RunInfo,
                    ref: PageRef) -> None:
        self._owners.setdefault(ref.url, ref.key)
        self.store.queue(run, ref)
        self.progress.known = max(self.progress.known, self.progress.done + crawler.pending + 1)
        await crawler.polite_wait(ref.url)
        folder = self.store.page_dir(run, ref.key)
        if self.reuse is not None:
            result = await self.reuse.page(ref, folder)
            if result is not None and result[0].same_as is not None:
                # an address that was another, unchanged page: that page must be audited in this run already (not
                # in error); else it is gathered, and is whatever a fresh run finds it to be
                owner = self._owner(crawler.canonical(result[0].same_as))
                if owner is None or owner not in self._audited:
                    result = None
                else:
                    result[0].same_as = owner
            if result is not None:
                snap, findings = result
                same_as = snap.same_as
                if same_as is None and snap.final_url and snap.final_url != ref.url:
                    # reserve the address it lands on, as gather does; landing on another page's: that page
                    if crawler.redirected(ref, snap.final_url):
                        self._owners[crawler.canonical(snap.final_url) or snap.final_url] = ref.key
                    else:
                        same_as = self._owner(crawler.canonical(snap.final_url))
                if same_as is None and snap.kind == PageKind.DOCUMENT and snap.content_hash:
                    same_as = self._documents.setdefault(snap.content_hash, ref.key)
                elif same_as is None and snap.content_hash and snap.render_hash:
                    same_as = self._identities.setdefault((snap.content_hash, snap.render_hash), ref.key)
                if same_as is not None and same_as != ref.key:
                    snap, findings = self._duplicate(ref, snap, self._owner_key(same_as), folder), []
                crawler.mark_done(ref)
                if snap.kind == PageKind.HTML and snap.links:
                    crawler.add_links(ref, snap.links)
                self._record(run, snap, folder, findings)
                return
        landed: dict[str, str] = {}  # the page a redirect lands on, when another page of the run audits it
        if ref.kind == PageKind.DOCUMENT:
            self._identified(ref.key)  # a document is never an HTML page: no page waits for its download
            snap = await fetch_document(client, ref, folder)
            if not snap.error:
                final = crawler.canonical(snap.final_url) if snap.final_url else None
                owner = self._owner(final) if final and final != ref.url else None
                if owner is None and final and final != ref.url:
                    self._owners.setdefault(final, ref.key)
                if (owner is None or owner == ref.key) and snap.content_hash:
                    owner = self._documents.setdefault(snap.content_hash, ref.key)
                if owner is not None and owner != ref.key:
                    snap = self._duplicate(ref, snap, self._owner_key(owner), folder)
        else:
            await self._ready(browser)
            async def accept(final_url: str) -> str | None:
                # of two addresses redirected to one page at once, the first found owns it (as in ``same``)
                await self._earlier_identified(ref.key)
                if crawler.redirected(ref, final_url):
                    self._owners[crawler.canonical(final_url) or final_url] = ref.key
                    return None
                if not crawler.in_scope(final_url):
                    return f"redirected out of scope to {final_url}: not audited"
                owner = self._owner(crawler.canonical(final_url))
                if owner is not None and owner != ref.key:
                    landed["owner"] = owner
                return f"redirected to {final_url}, which this run audits under that address"

            async def same(snap: PageSnapshot) -> str | None:
                waited = await self._earlier_identified(ref.key)
                if waited >= 0.001:
                    snap.timings["waited_for_earlier_pages"] = round(waited, 3)
                try:
                    return self._same_page(ref, snap)
                finally:
                    self._identified(ref.key)

            snap = await browser.gather(ref, folder, accept, same)
            if not browser.alive:
                async with self._restart_lock:  # two workers see the same death: one restart
                    if not browser.alive:
                        log.warning("Chromium died on %s; restarting it", ref.url)
                        await browser.restart()
                snap = await browser.gather(ref, folder, accept, same)
                if snap.error:
                    snap.error = f"{snap.error} (after a Chromium restart)"
            if "owner" in landed and snap.error and snap.error.startswith("redirected to "):
                snap.error = None  # not an error: the page it redirects to is audited under its own address
                snap.same_as = landed["owner"]
            if snap.same_as is not None:
                snap = self._duplicate(ref, snap, self._owner_key(snap.same_as), folder)
        crawler.mark_done(ref)
        if snap.kind == PageKind.HTML and not snap.error and snap.links:
            crawler.add_links(ref, snap.links)
        if snap.same_as is not None or snap.error:
            self._record(run, snap, folder, [])  # nothing to check: not audited
            return
        # Our checks take ~0.1 s of Python a page: in a thread, so the event loop keeps driving the other tab, and
        # the worker goes on to its next page meanwhile (as many pages wait for their checks as there are workers;
        # the crawl's end waits for them). The page is known audited now: a later page may be found the same.
        self._audited.add(snap.key)
        await self._check_slots.acquire()
        task = asyncio.ensure_future(self._checked(run, snap, folder))
        self._checking.add(task)
        task.add_done_callback(self._checking.discard)

    async def _checked(self, run: RunInfo, snap: PageSnapshot, folder: Path) -> None:
        try:
            findings = await asyncio.to_thread(run_checks, snap, folder)
            self._record(run, snap, folder, findings)
        finally:
            self._check_slots.release()


def run_sites(sites: list[Site], store: Store, options: RunOptions) -> list[RunInfo]:
    """Audit each site in turn. Ctrl-C / SIGTERM → RunInterrupted, with everything gathered stored."""
    results: list[RunInfo] = []
    grid = grid_status(options.grid) if options.grid else None  # an unusable grid fails before any crawl
    for site in sites:
        site_run = SiteRun(site, store, options, grid)
        try:
            results.append(_run_cancellable(site_run.execute()))
        except (KeyboardInterrupt, asyncio.CancelledError):
            if site_run.run is not None:
                store.set_status(site_run.run.id, "interrupted")
                counts = store.page_counts(site_run.run)
                raise RunInterrupted(
                    f"interrupted: {counts.get('done', 0) + counts.get('error', 0)} page(s) of {site.id} are stored "
                    f"in {site_run.run.folder}. Finish it with `a11y-audit run {site.id} --resume`.") from None
            raise RunInterrupted("interrupted before any page was audited.") from None
    return results


def _run_cancellable(coro):
    """asyncio.run, with SIGTERM treated like Ctrl-C (the task is cancelled and the run marked interrupted)."""

    async def main():
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        # no signal handlers off the main thread (tests, embedding) or on Windows: Ctrl-C still works there
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        loop.set_exception_handler(_quiet_orphans)
        return await coro

    return asyncio.run(main())


def _quiet_orphans(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """A page's inner task that failed while the run was being stopped (its browser closed under it, say) has
    nothing to tell the user: it is logged for developers (-v), never printed as a traceback. Anything else
    goes to asyncio's own handler."""
    if context.get("message") == "Task exception was never retrieved":
        log.debug("a task failed while the run was stopping: %r", context.get("exception"))
        return
    loop.default_exception_handler(context)


def _http_error_page(snap: PageSnapshot) -> bool:
    """The page answered an HTTP error (4xx, 5xx): stored with its status, never audited."""
    return (snap.status or 0) >= 400 and (snap.error or "").startswith("HTTP ")


def _network_error(snap: PageSnapshot) -> bool:
    """The page got no HTTP answer at all: the network failed (refused, reset, DNS, timeout, download)."""
    error = snap.error or ""
    return snap.status is None and ("net::" in error or error.startswith(("timeout", "download failed")))


def _evidence(run: RunInfo, snaps: list[PageSnapshot]) -> list[Evidence]:
    return [Evidence(s, run.folder / "pages" / page_id(s.key)) for s in snaps]


def site_findings(store: Store, run: RunInfo) -> int:
    """Site checks (they need every page at once), run when the pages are all gathered."""
    findings = run_site_checks(_evidence(run, store.pages(run)))
    site_ids = [c.id for c in load_checks().values() if c.scope == "site"]
    store.replace_check_findings(run, site_ids, findings)
    return len(findings)


def recheck(store: Store, run: RunInfo) -> int:
    """The offline check stage: re-run every check on the saved snapshots; returns the findings count."""
    snaps = store.pages(run)

    def every_finding():  # page after page, straight into the store: never every page's findings at once
        for evidence in _evidence(run, snaps):
            yield from run_checks(evidence.snap, evidence.folder)
        yield from run_site_checks(_evidence(run, snaps))

    return store.replace_findings(run, every_finding(), [Source.AXE, Source.CHECK])



@dataclass(frozen=True, slots=True)
class Copied:
    """A reused page's findings: those of page ``key`` of ``run``, copied inside the store when it is saved."""

    run: RunInfo
    key: str


class Reuse:
    """Incremental runs: a page whose response and sub-resources did not change since the last complete
    run with the same checks reuses that run's results (files linked, findings copied).

    Pages are matched by path and query relative to the site's base URL, so a site served elsewhere
    (the demo town gets a new port every time) still matches.
    """

    def __init__(self, store: Store, run: RunInfo, previous: RunInfo, client: httpx.AsyncClient):
        self.store, self.run, self.previous, self.client = store, run, previous, client
        self.pages = {_relative(previous.base_url, p.key if p.journey else p.url): p
                      for p in store.pages(previous) if _http_error_page(p) or not (p.error or (p.status or 0) >= 400)}
        # addresses that were another page last time (same body and rendering, a canonical link, a redirect)
        self.duplicates = {_relative(previous.base_url, p.url): p for p in store.pages(previous, PageState.DUPLICATE)
                           if p.journey is None and p.same_as and p.content_hash}
        self._resource_ok: dict[str, bool] = {}
        self._bodies: dict[tuple[str, int | None], asyncio.Task] = {}  # (url, status) -> (digest, final url)
        self.reused = 0

    def everything_reused(self) -> bool:
        pages = self.store.pages(self.run)
        return bool(pages) and all(p.reused_from for p in pages) and len(pages) == len(self.pages)

    def copy_site_findings(self) -> None:
        """Nothing changed anywhere: the site checks' findings of the previous run still hold."""
        site_ids = sorted(c.id for c in load_checks().values() if c.scope == "site")
        new = {_relative(self.run.base_url, p.key if p.journey else p.url): p for p in self.store.pages(self.run)}
        pages = {old.key: (new[rel].key, new[rel].url) for rel, old in self.pages.items() if rel in new}
        self.store.replace_check_findings(self.run, site_ids, [], copied=(self.previous, pages))

    def _old(self, key: str, url: str, journey: str | None) -> PageSnapshot | None:
        return self.pages.get(_relative(self.run.base_url, key if journey else url))

    async def _resources_unchanged(self, validators: dict[str, str]) -> bool:
        for old_url, validator in validators.items():
            url = _rebase(old_url, self.previous.base_url, self.run.base_url)
            if url not in self._resource_ok:
                self._resource_ok[url] = await self._same(url, validator)
            if not self._resource_ok[url]:
                return False
        return True

    async def _same(self, url: str, validator: str) -> bool:
        if not validator:
            return False  # nothing to compare with: assume it changed (never reuse on a guess)
        header = "If-None-Match" if validator.startswith(('"', "W/")) else "If-Modified-Since"
        try:  # the answer's status and headers say it all: the body is never read
            async with self.client.stream("GET", url, headers={header: validator}) as response:
                if response.status_code == 304:
                    return True
                now = response.headers.get("etag") or response.headers.get("last-modified") or ""
                return response.status_code < 400 and now == validator
        except httpx.HTTPError:
            return False

    async def page(self, ref: PageRef, folder: Path) -> tuple[PageSnapshot, Copied | list] | None:
        old = self._old(ref.key, ref.url, ref.journey)
        if old is None and ref.journey is None:
            return await self._duplicate(ref)
        if old is not None and old.error:  # an HTTP error last time: the same answer now is the same (unaudited) page
            return self._copy(old, ref.key, ref.url, folder) if await self._status(ref.url) == old.status else None
        if old is None or not old.content_hash:
            return None
        if await self._digest(ref.url, old.status) != old.content_hash:
            return None
        if not await self._resources_unchanged(old.validators):
            return None
        return self._copy(old, ref.key, ref.url, folder)

    async def _status(self, url: str) -> int | None:
        """The HTTP status the page answers now (its body is not read)."""
        try:
            async with self.client.stream("GET", url, follow_redirects=True) as response:
                return response.status_code
        except httpx.HTTPError:
            return None

    async def _duplicate(self, ref: PageRef) -> tuple[PageSnapshot, Copied | list] | None:
        """An address that was another page last time is that page again when its body and where it lands are
        unchanged and so is the page it was (body and sub-resources): the duplicate is recorded without
        opening it in the browser. Anything else (the page it was changed, or is gone): None, it is gathered."""
        dup = self.duplicates.get(_relative(self.run.base_url, ref.url))
        owner = self.pages.get(_relative(self.previous.base_url, dup.same_as)) if dup is not None else None
        if owner is None or owner.journey is not None or owner.error or not owner.content_hash:
            return None
        if dup.final_url not in (None, dup.url) or not dup.validators:
            return None  # a redirect, or a duplicate recorded without its sub-resources: gathered again
        rebase = functools.partial(_rebase, old=self.previous.base_url, new=self.run.base_url)
        digest, final = await self._body(ref.url, dup.status)
        if digest != dup.content_hash or final != ref.url:
            return None
        owner_url = rebase(owner.url)
        if (await self._body(owner_url, owner.status))[0] != owner.content_hash:
            return None
        # its own scripts and styles (a canonical link a script writes) and the page's it is
        if not await self._resources_unchanged(dup.validators) or not await self._resources_unchanged(owner.validators):
            return None
        snap = dataclasses.replace(
            dup, key=ref.key, url=ref.url, final_url=rebase(dup.final_url) if dup.final_url else None,
            links=[rebase(u) for u in dup.links], same_as=owner_url, reused_from=self.previous.id,
            validators=_rebased(dup.validators, rebase), canonical=rebase(dup.canonical) if dup.canonical else None,
            timings={"reused": 0.0}, files={})
        self.reused += 1
        return snap, []

    async def _digest(self, url: str, status: int | None) -> str | None:
        return (await self._body(url, status))[0]

    async def _body(self, url: str, status: int | None) -> tuple[str | None, str | None]:
        """The SHA-256 of the page's body as it is now and the address it lands on, read once a run (a
        duplicate and the page it is ask for the same address)."""
        key = (url, status)
        if key not in self._bodies:
            self._bodies[key] = asyncio.ensure_future(self._read_body(url, status))
        return await asyncio.shield(self._bodies[key])

    async def _read_body(self, url: str, status: int | None) -> tuple[str | None, str | None]:
        """The SHA-256 of the page's body as it is now, read as a stream; None when it cannot be the same page
        (another status, an error) or passes the browser's size cap (the browser then refuses it, with its
        message): a page is never read whole to be compared."""
        digest, size = hashlib.sha256(), 0
        try:
            async with self.client.stream("GET", url, follow_redirects=True) as response:
                if response.status_code != status:
                    return None, None
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_PAGE_BYTES:
                    return None, None
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_PAGE_BYTES:
                        return None, None
                    digest.update(chunk)
                final = str(response.url)
        except httpx.HTTPError:
            return None, None
        return digest.hexdigest(), final

    async def step(self, snap: PageSnapshot) -> tuple[PageSnapshot, Copied | list] | None:
        old = self._old(snap.key, snap.url, snap.journey)
        if old is None or old.content_hash != snap.content_hash:
            return None
        if not await self._resources_unchanged(old.validators):
            return None
        return self._copy(old, snap.key, snap.url, self.store.page_dir(self.run, snap.key))

    def _copy(self, old: PageSnapshot, key: str, url: str, folder: Path) -> tuple[PageSnapshot, Copied]:
        old_folder = self.previous.folder / "pages" / page_id(old.key)
        for name in old.files.values():
            source, target = old_folder / name, folder / name
            if source.is_file() and not target.exists():
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
        rebase = functools.partial(_rebase, old=self.previous.base_url, new=self.run.base_url)
        snap = dataclasses.replace(
            old, key=key, url=url, final_url=rebase(old.final_url) if old.final_url else None,
            links=[rebase(u) for u in old.links], validators=_rebased(old.validators, rebase),
            canonical=rebase(old.canonical) if old.canonical else None, reused_from=self.previous.id,
            timings={"reused": 0.0})
        self.reused += 1
        return snap, Copied(self.previous, old.key)


def _relative(base_url: str, url: str) -> str:
    if url.startswith("journey:"):
        return url
    base = base_url.rstrip("/")
    return url[len(base):] or "/" if url.startswith(base) else url


def _rebased(validators: dict[str, str], rebase) -> dict[str, str]:
    """A reused page's sub-resources at the site's address of this run: the next run compares them there (the
    demo town, a staging copy: a site served elsewhere from one run to the next)."""
    return {rebase(url): validator for url, validator in validators.items()}


def _rebase(url: str, old: str, new: str) -> str:
    old, new = old.rstrip("/"), new.rstrip("/")
    return new + url[len(old):] if url.startswith(old + "/") or url == old else url


def checks_signature() -> str:
    """Results are reused only from a run made with the same tool, axe-core and checks."""
    ids = sorted(load_checks())
    material = "|".join([__version__, axe_version() or "", *ids])
    return hashlib.sha256(material.encode()).hexdigest()[:16]

"""Chromium lifecycle, navigation, journeys, axe-core and probes → page snapshots on disk.

The only module that talks to a browser. Chromium is found at run time (configuration, then the
environment variable A11Y_AUDIT_CHROMIUM, then PATH); axe-core is the exact version pinned in
package.json, installed by ``npm ci`` — never vendored.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html.entities
import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from audit import words

# known to the runner, the CLI and the tests as audit.browser's: the capture base is the browser's face too
from audit.capture import (  # noqa: F401
    AXE_EXTRA_RULES,
    AXE_RESULT_TYPES,
    AXE_RUN_JS,
    AXE_TAGS,
    CHROMIUM_ARGS,
    DOM_JS,
    IDENTITY_JS,
    LINKS_JS,
    MAX_PAGE_BYTES,
    MAX_SCREENSHOT_HEIGHT,
    NODE_DRIVER_OPTIONS,
    PROBES_DIR,
    RENEW_CONTEXT_EVERY,
    RENEW_PAGE_EVERY,
    RETRY_AFTER_MAX,
    SECRET_MASK,
    SETTLE_JS,
    SUBRESOURCE_TYPES,
    TITLE_JS,
    VIEWPORT,
    BrowserError,
    GatherOptions,
    axe_context,
    axe_locale,
    axe_script_path,
    axe_version,
    describe,
    find_chromium,
    http_error,
    is_another_page,
    load_probes,
    node_fingerprints,
    page_scope,
    read_boxes,
    refused,
    remember_shot,
    retry_after,
    run_probes,
    screenshot_plan,
    shot_height,
    write_file,
)
from audit.layout import set_viewport, viewport_asked, viewport_settled
from audit.model import Journey, PageKind, PageRef, PageSnapshot, StepAction
from audit.parts import PartLedger

log = logging.getLogger(__name__)


class _Busy(Exception):
    """A journey step not played: the page of the step before never answered in time."""


@dataclass  # no slots: Playwright keeps state on the bound methods' instance it is given as listeners
class _Tab:
    """What Browser knows of one of its tabs: how often it was used, the sub-resources and main document
    of the page on it, the bytes each document brought in (the size cap), the navigations it held."""

    page: Any
    limit: int
    uses: int = 0
    resources: dict[str, str] = field(default_factory=dict)  # sub-resource URL -> ETag / Last-Modified
    document: Any = None  # the main frame's last navigation response before DOMContentLoaded
    armed: bool = False  # after DOMContentLoaded: the page's own navigations are held
    held: list[str] = field(default_factory=list)
    received: dict[str, int] = field(default_factory=dict)  # CDP request id of a document -> bytes so far
    oversized: str | None = None  # why the page was stopped for its size
    main_frame_id: str | None = None  # Chromium's id of the tab's main frame (it stays across navigations)
    cdp: Any = None  # the tab's own CDP session (Network events for the size cap)
    crashed: bool = False  # the page's renderer died (its memory, a fault of Chromium) since the tab was taken

    def reset(self) -> None:
        self.resources.clear()
        self.document = None
        self.armed = False
        self.held.clear()
        self.received.clear()
        self.oversized = None
        self.crashed = False

    def on_dom_content_loaded(self, _page) -> None:
        self.armed = True

    def on_crash(self, _page) -> None:
        self.crashed = True

    def on_response(self, response) -> None:
        try:
            request = response.request
            if request.is_navigation_request():
                if not self.armed and request.frame == self.page.main_frame:
                    self.document = response
                return
            if request.resource_type not in SUBRESOURCE_TYPES or len(self.resources) >= 300:
                return
            headers = response.headers
            self.resources[response.url] = headers.get("etag") or headers.get("last-modified") or ""
        except Exception:  # noqa: BLE001 - a detached response; it just is not remembered
            pass

    # Chromium's own network events (a CDP session on the tab) count a document's bytes as they arrive;
    # past the limit the tab is closed, which stops the download even when the renderer is busy parsing.

    def on_cdp_response(self, event: dict) -> None:
        if event.get("type") != "Document":
            return
        request_id = event.get("requestId", "")
        self.received[request_id] = 0
        response = event.get("response") or {}
        headers = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
        try:
            declared = int(str(headers.get("content-length", "")).split(",")[0])
        except ValueError:
            return
        if declared > self.limit:
            self._stop(f"Content-Length: {_megabytes(declared)}; download stopped", event.get("frameId"),
                       response.get("url"))

    def on_cdp_data(self, event: dict) -> None:
        request_id = event.get("requestId", "")
        if request_id not in self.received:
            return
        self.received[request_id] += int(event.get("dataLength") or 0)
        if self.received[request_id] > self.limit:
            self._stop(f"download stopped at {_megabytes(self.limit)}", None, None)

    # Holding the page's own navigations: the tab's CDP session pauses the document requests only (Fetch with
    # a Document pattern, switched on for a crawled page), so sub-resources are neither intercepted nor kept
    # out of the HTTP cache, as Playwright's page.route("**/*") would do.

    def on_fetch_paused(self, event: dict) -> None:
        asyncio.ensure_future(self._answer_paused(event))

    async def _answer_paused(self, event: dict) -> None:
        """Until DOMContentLoaded, the main frame's navigations go through: HTTP redirects, and the scripts
        and meta refreshes that redirect while the page is parsed (holding those would freeze the page). From
        then on, the page's own navigations (a meta refresh at 0 s fires even before "load", scripts) get an
        empty 204 answer: Chromium stays on the document being audited, and where it tried to go is
        remembered. Frames navigate freely."""
        request_id = event.get("requestId")
        try:
            if self.armed and event.get("frameId") == self.main_frame_id:
                self.held.append((event.get("request") or {}).get("url", ""))
                await self.cdp.send("Fetch.fulfillRequest", {"requestId": request_id, "responseCode": 204,
                                                             "responseHeaders": [], "body": ""})
            else:
                await self.cdp.send("Fetch.continueRequest", {"requestId": request_id})
        except Exception:  # noqa: BLE001 - the tab was closed meanwhile
            pass

    async def hold_navigations(self, on: bool) -> None:
        if on:
            await self.cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                               "requestStage": "Request"}]})
        else:
            await self.cdp.send("Fetch.disable")

    def _stop(self, what: str, frame_id: str | None, url: str | None) -> None:
        if self.oversized is not None:
            return
        limit = _megabytes(self.limit)
        if frame_id and self.main_frame_id and frame_id != self.main_frame_id:
            self.oversized = f"a frame of the page ({url}) is larger than {limit} ({what}): page not audited"
        else:
            self.oversized = f"page larger than {limit} ({what}): page not audited"
        asyncio.ensure_future(self.discard())

    async def discard(self) -> None:
        """Stop the tab's loading, then close it. Stopping first matters: Chromium does not close a tab
        while its navigation is pending (the response being read), and reads on meanwhile."""
        if self.cdp is not None:
            # offline first: Chromium's network service fails the tab's requests under way at once (a page
            # refused on its headers would otherwise go on streaming at full speed until the tab is gone)
            for method, params in (("Network.emulateNetworkConditions", _OFFLINE), ("Page.stopLoading", None)):
                try:
                    await asyncio.wait_for(self.cdp.send(method, params), 2)
                except Exception:  # noqa: BLE001 - a closed or stuck tab: closing is what matters
                    pass
        try:
            await asyncio.wait_for(self.page.close(), 10)
        except Exception:  # noqa: BLE001
            pass


SHOT_WAIT_S = 5.0  # the longest a screenshot waits for the other tab's to end (Browser._screenshot)
_OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


class Browser:
    """One Chromium, one shared context for crawled pages, pages reused across URLs."""

    def __init__(self, executable: str, options: GatherOptions | None = None):
        self.executable = executable
        self.options = options or GatherOptions()
        self._pw = None
        self._browser = None
        self._context = None
        self._pool: list[_Tab] = []  # tabs ready for the next page
        self._context_pages = 0  # pages taken in the current shared context
        self._retired: list[Any] = []  # earlier shared contexts, closed when their last tab is back
        self._taking = asyncio.Lock()  # one _take_page at a time (renewals)
        self._shooting = asyncio.Lock()  # one screenshot at a time (see _screenshot)
        self._axe_source = axe_script_path().read_text(encoding="utf-8")
        self._axe_locale = axe_locale(self.options.lang)
        # axe and its locale in one evaluation a frame (one round trip; the locale sent once, as code)
        self._axe_script = self._axe_source + (
            f";\naxe.configure({{locale: {json.dumps(self._axe_locale)}}});" if self._axe_locale else "")
        # The same, sent to Chromium once a context and run in every document it opens, before the page's own
        # scripts: the 560 KB script no longer goes through Python, Node and the browser process for every frame
        # of every page (Node's CPU −15 to −20 %; docs/performance.md, fourth round). Our reference is kept
        # aside: a page that later defines its own `axe` gets ours back before the audit (AXE_READY_JS). Not in
        # the tabs' blank page between two pages.
        self._axe_init = ("(() => {\nif (window === window.top && location.href === 'about:blank') return;\n"
                          + self._axe_script
                          + "\n;Object.defineProperty(window, '__a11yAuditAxe', {value: window.axe, configurable: true});"
                          "\n})();")
        self._captured: set[str] = set()  # fingerprints of the axe nodes already on a saved screenshot
        self._below: set[str] = set()  # ... and of those only ever below a screenshot's end (capture.remember_shot)
        self._probes = load_probes() if self.options.probes else {}
        # the run's shared parts (header, menu, footer) and axe's answers for them
        self.parts = (PartLedger(verify=self.options.verify_reuse)
                      if self.options.reuse_parts or self.options.verify_reuse else None)
        self.version: str | None = None
        self.restarts = 0

    async def start(self) -> Browser:
        from playwright.async_api import async_playwright

        with _driver_environment(NODE_DRIVER_OPTIONS):
            self._pw = await async_playwright().start()
        try:
            self._browser = await self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            await self._pw.stop()
            raise BrowserError(words.text("Chromium ({path}) n'a pas démarré : {error}. Vérifiez que `{path} --headless --version` fonctionne, ou indiquez un autre Chromium avec A11Y_AUDIT_CHROMIUM ou `chromium:` dans sites.yaml.", path=self.executable,
                                            error=str(exc).splitlines()[0])) from None
        self.version = self._browser.version
        self._taking = asyncio.Lock()  # of this event loop
        self._shooting = asyncio.Lock()
        # the shared context is made when the first page is taken (_take_page): a nightly run whose crawled pages
        # are all reused never needs it, and its journeys start ≈ 50 ms sooner without it
        return self

    async def _new_context(self, axe: bool = True):
        """A context of the audit's settings; with ``axe``, axe comes with every document it opens."""
        kwargs: dict[str, Any] = {"viewport": VIEWPORT, "accept_downloads": False, "locale": "fr-FR",
                                  "ignore_https_errors": False}
        if self.options.user_agent:
            kwargs["user_agent"] = self.options.user_agent
        context = await self._browser.new_context(**kwargs)
        context.on("page", _close_popup)
        if axe:
            await context.add_init_script(self._axe_init)
        return context

    async def restart(self) -> None:
        """After a Chromium crash: start a fresh one and go on."""
        self.restarts += 1
        await self.close()
        await self.start()

    @property
    def alive(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def close(self) -> None:
        self._pool.clear()
        self._context_pages = 0
        for closer in (*self._retired, self._context, self._browser):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:  # noqa: BLE001 - closing a dead browser must not fail the run
                    pass
        self._context = self._browser = None
        self._retired.clear()
        if self._pw is not None:
            try:
                await self._pw.stop()
            except Exception:  # noqa: BLE001
                pass
            self._pw = None

    async def __aenter__(self) -> Browser:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- pages ---------------------------------------------------------------------------

    async def _take_page(self) -> _Tab:
        # one taker at a time: a second one arriving during a renewal would start another renewal (and leave
        # a context open), or open its tab in a context being retired
        async with self._taking:
            if self._context is None:
                self._context = await self._new_context()
            elif self._context_pages >= RENEW_CONTEXT_EVERY:
                await self._renew_context()
            self._context_pages += 1
            while self._pool:
                tab = self._pool.pop()
                if tab.page.is_closed():
                    continue
                if tab.page.context == self._context:
                    return tab
                await self._retire_tab(tab)  # came back to the pool while the context was being renewed
            return await self._new_tab(self._context)

    async def _renew_context(self) -> None:
        """A fresh shared context for the next pages; the old one closes when its last tab comes back."""
        old, self._context = self._context, await self._new_context()
        self._context_pages = 0
        for tab in self._pool:
            await tab.discard()
        self._pool.clear()
        self._retired.append(old)
        await self._close_retired()

    async def _close_retired(self) -> None:
        for context in list(self._retired):
            if not context.pages:
                self._retired.remove(context)
                await _safe(context.close())

    async def _new_tab(self, context) -> _Tab:
        page = await context.new_page()
        _prepare_page(page)
        tab = _Tab(page=page, limit=self.options.max_page_bytes)
        page.on("response", tab.on_response)
        page.on("domcontentloaded", tab.on_dom_content_loaded)
        page.on("crash", tab.on_crash)
        try:
            tab.cdp = cdp = await context.new_cdp_session(page)
            cdp.on("Network.responseReceived", tab.on_cdp_response)
            cdp.on("Network.dataReceived", tab.on_cdp_data)
            cdp.on("Fetch.requestPaused", tab.on_fetch_paused)
            # no response bodies kept for this session (Playwright's own session keeps what it needs)
            await cdp.send("Network.enable", {"maxTotalBufferSize": 1024, "maxResourceBufferSize": 1024})
            tab.main_frame_id = (await cdp.send("Page.getFrameTree"))["frameTree"]["frame"]["id"]
        except BaseException:
            await _safe(page.close())
            raise
        return tab

    async def _give_back(self, tab: _Tab, healthy: bool) -> None:
        page = tab.page
        if healthy:
            try:
                await asyncio.wait_for(tab.hold_navigations(False), 5)
            except Exception:  # noqa: BLE001 - timeout or closed page: the page is closed below
                healthy = False
        tab.uses += 1
        current = page.context == self._context
        if current and healthy and tab.uses < RENEW_PAGE_EVERY and not page.is_closed() and tab.oversized is None:
            try:
                await page.goto("about:blank", timeout=5000)
                if viewport_asked(page) != VIEWPORT:  # the probes left it narrow (run_probes, restore=False)
                    await set_viewport(page, VIEWPORT)
            except Exception:  # noqa: BLE001
                healthy = False
            if healthy:
                # the shared context may have been renewed during the goto: its tabs are not pooled then
                if page.context == self._context:
                    self._pool.append(tab)
                    return
        await self._retire_tab(tab)

    async def _retire_tab(self, tab: _Tab) -> None:
        await tab.discard()
        if self._retired:
            await self._close_retired()

    async def gather(self, ref: PageRef, folder: Path,
                     accept: Callable[[str], Awaitable[str | None]] | None = None,
                     same: Callable[[PageSnapshot], Awaitable[str | None]] | None = None) -> PageSnapshot:
        """Navigate to one URL and save its evidence; never raises for a page's own failure.

        ``accept(final_url)`` (awaited) returns None to audit the page reached, or the reason not to (a redirect
        out of scope, or to a page audited under another URL). ``same(snap)`` (awaited) is asked once the page is
        rendered, before anything is audited, with ``final_url``, ``status``, ``content_hash`` (of the response
        body), ``canonical``, ``title`` and ``render_hash`` set: it returns the key of the page of this run this
        one is (the snapshot then only gets ``same_as`` and the page's links; nothing is audited nor saved), or
        None to audit it. A page answering an HTTP error (4xx, 5xx) is never audited: ``status`` and ``error``.
        """
        snap = PageSnapshot(key=ref.key, url=ref.url, kind=ref.kind, name=ref.name)
        try:
            tab = await self._take_page()
        except Exception as exc:  # noqa: BLE001 - Chromium died: the runner sees it (alive) and restarts it
            snap.error = describe(exc)
            return snap
        tab.reset()
        healthy = False
        try:
            await asyncio.wait_for(self._gather_into(tab, ref.url, snap, folder, navigate=True, accept=accept,
                                                     same=same),
                                   timeout=self.options.timeout)
            healthy = True
        except TimeoutError:
            snap.error = f"timeout: the page took longer than {self.options.timeout:g} s (navigation and checks)"
        except Exception as exc:  # noqa: BLE001 - one page's failure is recorded, the run goes on
            snap.error = describe(exc)
        finally:
            snap.validators = dict(tab.resources)
            await self._give_back(tab, healthy)
        if tab.oversized is not None:
            snap = refused(snap, folder, tab.oversized)
        return snap

    async def _navigate(self, tab: _Tab, url: str):
        """page.goto, following the redirects a script or a meta refresh makes while the page is parsed;
        from DOMContentLoaded on, the page's own navigations are held (see _hold_navigation). Returns the
        response of the document on the page."""
        tab.armed, tab.document = False, None
        response = await tab.page.goto(url, wait_until="load", timeout=self.options.timeout * 1000)
        if tab.oversized is not None:
            raise RuntimeError(tab.oversized)
        if response is None:
            raise RuntimeError("no response (navigation to the same document or aborted)")
        return tab.document or response

    async def _gather_into(self, tab: _Tab, url: str | None, snap: PageSnapshot, folder: Path, navigate: bool,
                           accept: Callable[[str], Awaitable[str | None]] | None = None,
                           secret_fields: tuple[str, ...] = (), redact: Redactor | None = None,
                           same: Callable[[PageSnapshot], Awaitable[str | None]] | None = None) -> None:
        t0 = time.perf_counter()
        page = tab.page
        source: bytes | None = None
        if navigate:
            await tab.hold_navigations(True)
            response = await self._navigate(tab, url)
            waited = await self._retry_later(response)
            if waited is not None:
                response = await self._navigate(tab, url)
            snap.status = response.status
            headers = await response.all_headers()
            snap.content_type = headers.get("content-type", "")
            if accept is not None and page.url != url:
                refusal = await accept(page.url)
                if refusal:
                    snap.final_url = page.url
                    snap.error = refusal
                    return
            if snap.status >= 400 and not self.options.error_pages:  # the server's error page is not content
                snap.final_url = page.url
                snap.error = http_error(snap.status, headers.get("retry-after"), waited)
                return
            try:
                source = await response.body()
            except Exception:  # noqa: BLE001 - redirects and some responses have no body
                source = None
            if tab.oversized is not None:
                raise RuntimeError(tab.oversized)
            if snap.content_type and "html" not in snap.content_type and "xml" not in snap.content_type:
                snap.kind = PageKind.DOCUMENT
                snap.error = None
                snap.final_url = page.url
                if source is not None:
                    write_file(folder / "document.bin", source)
                    snap.files["document"] = "document.bin"
                    snap.content_hash = hashlib.sha256(source).hexdigest()
                return
        redact = redact or Redactor()
        landed = page.url
        snap.final_url = redact.text(landed)
        snap.timings["navigate"] = round(time.perf_counter() - t0, 3)
        try:  # let web fonts and the first frame settle; no "network idle" wait (it costs 500 ms a page)
            await page.evaluate(SETTLE_JS)
        except Exception:  # noqa: BLE001 - a page navigating away; the next step reports it
            pass
        held = tab.held
        if page.url.startswith("chrome-error://") or (navigate and page.url != landed):
            raise RuntimeError(f"the page navigated away by itself (to {held[0] if held else page.url})")
        # document.title, not page.title(): while a held navigation is pending, the latter gives Chromium's
        # "Loading <url>" (evaluate waits for the 204 and reads the page that stays)
        snap.title = redact.text(await page.evaluate(TITLE_JS))
        if same is not None and await is_another_page(page, snap, source, same):
            snap.timings["total"] = round(time.perf_counter() - t0, 3)
            return
        if source is not None:
            write_file(folder / "source.html", source)
            snap.files["source"] = "source.html"
            snap.content_hash = hashlib.sha256(source).hexdigest()
        t1 = time.perf_counter()
        scope = await page_scope(page, self.options.exclude)  # None unless parts are excluded
        if scope is not None:
            snap.timings["excluded_elements"] = sum(c.get("matched") or 0 for c in scope["exclude"])
        await self._inject_axe(page)
        axe_options = {"runOnly": {"type": "tag", "values": AXE_TAGS},
                       "rules": {r: {"enabled": True} for r in AXE_EXTRA_RULES},
                       "resultTypes": list(AXE_RESULT_TYPES)}
        context = axe_context(scope)
        if self.parts is not None:
            raw = await self.parts.axe(page, axe_options, context, snap.timings, url=snap.final_url or snap.url)
        else:
            raw = await page.evaluate(AXE_RUN_JS, {"options": axe_options, "context": context} if context else axe_options)
        raw = redact.json_text(raw)
        snap.timings["axe"] = round(time.perf_counter() - t1, 3)
        write_file(folder / "axe.json", raw.encode("utf-8"))
        snap.files["axe"] = "axe.json"
        # A page with a screenshot (journey steps always have one) gets its boxes with the shot, after the probes;
        # the others now, in the layout axe saw (the probes leave a crawled page narrow: see below).
        shot_s = 0.0
        nodes: dict[str, str | None] = {}
        shoot: bool | None = False
        if self.options.screenshot:
            t3 = time.perf_counter()
            nodes = node_fingerprints(raw)
            shoot = screenshot_plan(nodes, self._captured, self._below, always=not navigate)
            if not shoot:
                await read_boxes(page, snap, nodes)
            if shoot is None:  # nodes an earlier shot had below its end: is one of them higher on this page?
                shoot = screenshot_plan(nodes, self._captured, self._below, False, snap.boxes)
            shot_s = time.perf_counter() - t3
        t2 = time.perf_counter()
        dom = redact.text(await page.evaluate(DOM_JS)).encode("utf-8")
        write_file(folder / "dom.html", dom)
        snap.files["dom"] = "dom.html"
        if snap.content_hash is None:
            snap.content_hash = hashlib.sha256(dom).hexdigest()
        snap.links = list(dict.fromkeys(redact.text(u) for u in await page.evaluate(LINKS_JS)))
        if self._probes:
            # A crawled page without a screenshot is left for a blank one right after: its viewport is not put
            # back (one more layout of the whole page); _give_back sets it on the blank page.
            probes = redact.data(await self._run_probes(page, snap.timings, scope, restore=not navigate or shoot))
            write_file(folder / "probes.json", json.dumps(probes, ensure_ascii=False).encode("utf-8"))
            snap.files["probes"] = "probes.json"
        snap.timings["probes"] = round(time.perf_counter() - t2, 3)
        if tab.crashed:  # the probes record their own failures as evidence: not the page's death
            raise RuntimeError("Target crashed: the page's renderer died while the page was being audited (out "
                               "of memory, or a fault of Chromium); the page is recorded unaudited")
        if self.options.screenshot:
            t3 = time.perf_counter()
            if shoot:
                await read_boxes(page, snap, nodes)
                await self._screenshot(page, folder, snap, secret_fields, whole=not navigate)
                remember_shot(nodes, snap.boxes, self._captured, self._below)
            snap.timings["screenshot"] = round(shot_s + time.perf_counter() - t3, 3)
        if held:
            snap.timings["held_navigations"] = len(held)
        snap.timings["total"] = round(time.perf_counter() - t0, 3)

    async def _screenshot(self, page, folder: Path, snap: PageSnapshot, secret_fields: tuple[str, ...],
                          whole: bool) -> None:
        """The page as it is now (JPEG), down to ``capture.shot_height``: a journey step ``whole`` (at most
        MAX_SCREENSHOT_HEIGHT px), a crawled page down to the crops of its elements' boxes."""
        height, passwords = await page.evaluate(_SHOT_FACTS_JS)
        bottom = shot_height(height, snap.boxes, whole)
        clip = None
        if height and height > bottom:
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom}
        # password fields and the fields a journey filled with a secret are painted over (magenta); no mask when
        # there is nothing to paint over (a mask makes Playwright put its 330 KB selector engine in the page)
        selectors = (*(("input[type=password]",) if passwords else ()), *secret_fields)
        masks = [page.locator(sel) for sel in selectors]
        # One tab shoots at a time: a shot holds its whole height as bitmaps in the GPU and browser processes for a
        # moment (+110 and +50 MB for 1 280 x 6 000 px), and two at once made the tree's memory peak at the start of
        # a crawl. A shot that does not end within SHOT_WAIT_S does not hold the other tab longer.
        waited = await _acquire(self._shooting, SHOT_WAIT_S)
        try:
            shot = await page.screenshot(full_page=True, type="jpeg", quality=70, clip=clip,
                                         animations="disabled", caret="hide", mask=masks)
        finally:
            if waited:
                self._shooting.release()
        write_file(folder / "screenshot.jpg", shot)
        snap.files["screenshot"] = "screenshot.jpg"

    async def _retry_later(self, response) -> float | None:
        """A 503 or 429 asking to come back shortly (Retry-After ≤ 10 s and ≤ a third of the page
        timeout): wait that long and return the delay waited, once; None when not to retry."""
        if response.status not in (429, 503):
            return None
        delay = retry_after((await response.all_headers()).get("retry-after"))
        if delay is None or delay > min(RETRY_AFTER_MAX, self.options.timeout / 3):
            return None
        await asyncio.sleep(delay)
        return delay

    async def _inject_axe(self, page) -> None:
        """axe in every frame: the copy the context's init script put there (given back its name if the page
        took it), else the script itself (a frame whose document the init script did not see)."""
        for frame in page.frames:
            try:
                if not await frame.evaluate(AXE_READY_JS):
                    await frame.evaluate(self._axe_script)
            except Exception as exc:  # noqa: BLE001 - a detached or cross-process frame; axe reports it
                log.debug("axe not injected in frame %s: %s", frame.url, exc)

    async def _run_probes(self, page, timings: dict[str, float] | None = None,
                          scope: dict[str, Any] | None = None, restore: bool = True) -> dict[str, Any]:
        return await run_probes(page, self._probes, timings, self.options.exclude, scope, restore=restore,
                                parts=self.parts)

    # --- journeys ------------------------------------------------------------------------

    async def journey(self, journey: Journey, base_url: str, folder_for: Callable[[str], Path],
                      secret: Callable[[Any], str], skip: set[str] | None = None,
                      reuse: Callable[[PageSnapshot], Awaitable[bool]] | None = None,
                      ) -> AsyncIterator[PageSnapshot]:
        """Play a journey in its own context (own cookies); yield one snapshot per audited step.

        Steps already audited (``skip``, on --resume) are replayed but not audited again. ``reuse(snap)``
        (incremental runs) gets the step's snapshot with its source hash and says whether the previous
        run's results still hold; the snapshot is then yielded with ``reused_from`` set by the caller.
        """
        skip = skip or set()
        # An incremental run (``reuse``) expects the steps to be as last time (reused, never audited): their
        # documents are not given axe (parsing it is ≈ 30 ms a document, a third of a replayed step); from the first
        # step that changed on, they are, and that step gets it sent as a frame the init script did not see.
        with_axe = reuse is None
        context = await self._new_context(axe=with_axe)
        tab = await self._new_tab(context)
        page = tab.page
        timeout_ms = self.options.timeout * 1000
        secret_fields = [s.target for s in journey.steps if s.action == StepAction.FILL and s.target and _is_secret(s)]
        redact = Redactor()

        def typed(step) -> str:
            """The value to type; a secret is remembered, to be masked in everything saved from now on."""
            value = secret(step)
            if _is_secret(step):
                redact.add(value)
            return value

        try:
            for index, step in enumerate(journey.steps):
                ref = PageRef(url=base_url, via="journey", journey=journey.id, step=index, name=step.name)
                try:
                    # the step before may have run out of time with the probes' viewport still to be put back (the
                    # page busy in a script): the step is played once it is, at the audit's size
                    if not await viewport_settled(page, self.options.timeout):
                        raise _Busy(f"the page of step {index} was still busy in a script {self.options.timeout:g} s "
                                    "after its time was up (its viewport could not be put back)")
                    response = await asyncio.wait_for(_play(page, step, base_url, typed, timeout_ms),
                                                      timeout=self.options.timeout)
                except Exception as exc:  # noqa: BLE001 - a broken step ends the journey, recorded
                    snap = PageSnapshot(key=ref.key, url=redact.text(page.url or base_url), journey=journey.id,
                                        name=step.name or f"étape {index + 1}", step=index)
                    what = step.target or step.value or ""
                    why = tab.oversized or (str(exc) if isinstance(exc, _Busy) else describe(exc))
                    snap.error = redact.text(f"journey step {index + 1} ({step.action.value} {what}) failed: {why}")
                    yield snap
                    return
                if response is not None and (response.status >= 500 or response.status == 429 or (
                        response.status >= 400 and step.action == StepAction.GOTO)):
                    # the server failed the démarche at this step (or a goto reached an address that answers an
                    # HTTP error): its error page is not audited, and the steps after it cannot be played (they
                    # need the page the server did not give). A form sent back with a 4xx (400, 422: the
                    # fields to correct) is a state of the démarche, audited as any other.
                    snap = PageSnapshot(key=ref.key, url=redact.text(page.url), journey=journey.id, step=index,
                                        name=step.name or f"{journey.name} — étape {index + 1}",
                                        status=response.status)
                    retry = (await response.all_headers()).get("retry-after")
                    what = step.target or step.value or ""
                    snap.error = redact.text(f"journey step {index + 1} ({step.action.value} {what}): "
                                             f"{http_error(response.status, retry, None)}; the journey stops here")
                    yield snap
                    return
                if not step.audit or ref.key in skip:
                    continue
                snap = PageSnapshot(key=ref.key, url=redact.text(page.url), journey=journey.id, step=index,
                                    name=step.name or f"{journey.name} — étape {index + 1}")
                if response is not None:
                    snap.status = response.status
                    snap.content_type = (await response.all_headers()).get("content-type")
                    try:  # the hash of the page with its secrets masked: the same page whatever was typed
                        body = await response.body()
                        snap.content_hash = hashlib.sha256(redact.bytes(body)).hexdigest()
                    except Exception:  # noqa: BLE001 - no body (redirect); the DOM hash is used instead
                        pass
                snap.validators = {redact.text(url): v for url, v in tab.resources.items()}
                if reuse is not None and snap.content_hash and await reuse(snap):
                    yield snap
                    continue
                if not with_axe:
                    with_axe = True
                    await context.add_init_script(self._axe_init)
                try:
                    await asyncio.wait_for(self._gather_into(tab, None, snap, folder_for(ref.key), navigate=False,
                                                             secret_fields=tuple(secret_fields), redact=redact),
                                           timeout=self.options.timeout)
                except TimeoutError:
                    snap.error = f"timeout after {self.options.timeout:g} s"
                except Exception as exc:  # noqa: BLE001
                    snap.error = redact.text(tab.oversized or describe(exc))
                if tab.oversized is not None:
                    snap = refused(snap, folder_for(ref.key), tab.oversized)
                snap.url = redact.text(page.url)
                yield snap
        finally:
            await context.close()


# Whether the init script's axe is in this document; ours again under `axe` when the page defined its own.
AXE_READY_JS = """() => {
  const ours = window.__a11yAuditAxe;
  if (!ours || typeof ours.run !== 'function') return false;
  if (window.axe !== ours) window.axe = ours;
  return window.axe === ours;
}"""

_NODE_ENV_HELD: list = [0, {}]  # Browser starts under way in this process, the variables before the first


def node_compile_cache() -> Path:
    """Where the Node driver keeps the compiled code of Playwright's own scripts between runs (Node checks its
    version and the files itself): the driver starts in ≈ 0.3 s instead of ≈ 0.45 s once it is filled."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "a11y-audit" / "node-compile-cache"


def prune_node_compile_cache(cache: Path | None = None) -> list[str]:
    """Node keeps one folder of compiled code a Node version (``v26.14.0-x64-…``) under ``cache`` (ours by
    default): once Playwright's driver runs another Node (an upgrade), the other versions' folders are removed.
    Nothing is asked of Node while the cache holds a single version. Returns the names removed."""
    cache = cache or node_compile_cache()
    try:
        folders = [p for p in cache.iterdir() if p.is_dir() and p.name.startswith("v")]
    except OSError:  # no cache yet
        return []
    if len({p.name.split("-", 1)[0] for p in folders}) < 2:
        return []
    version = _driver_node_version()
    if not version:
        return []
    removed = []
    for folder in folders:
        if folder.name.split("-", 1)[0] != version:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _driver_node_version() -> str | None:
    """The version of the Node that runs Playwright's driver (``v26.14.0``), or None when it cannot be told."""
    try:
        from playwright._impl._driver import compute_driver_executable

        node = compute_driver_executable()[0]
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=10, check=False,
                             env={**os.environ, "NODE_OPTIONS": ""})
    except Exception:  # noqa: BLE001 - another Playwright layout: keep every folder
        return None
    version = out.stdout.strip()
    return version if re.fullmatch(r"v\d+\.\d+\.\d+", version) else None


@contextlib.contextmanager
def _driver_environment(options: str):
    """The environment of the Node process Playwright starts (it copies this process's environment when it starts
    it): NODE_OPTIONS with ours first, so the user's own, read after them, win; NODE_COMPILE_CACHE unless the user
    set it (an unusable folder only makes Node start without it). This process's environment is as it was once the
    last of overlapping starts is done (two Browsers starting at once do not leave it changed)."""
    held = _NODE_ENV_HELD
    if held[0] == 0:
        held[1] = {name: os.environ.get(name) for name in ("NODE_OPTIONS", "NODE_COMPILE_CACHE")}
        before = held[1]["NODE_OPTIONS"]
        os.environ["NODE_OPTIONS"] = f"{options} {before}" if before else options
        if held[1]["NODE_COMPILE_CACHE"] is None:
            os.environ["NODE_COMPILE_CACHE"] = str(node_compile_cache())
            prune_node_compile_cache()
    held[0] += 1
    try:
        yield
    finally:
        held[0] -= 1
        if held[0] == 0:
            for name, value in held[1].items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


async def _play(page, step, base_url: str, secret, timeout_ms: float):
    """One journey step; returns the navigation response when the step navigated."""
    action = step.action
    if action == StepAction.GOTO:
        return await page.goto(urljoin(base_url + "/", step.target), wait_until="load", timeout=timeout_ms)
    if action == StepAction.FILL:
        await page.fill(step.target, secret(step), timeout=timeout_ms)
        return None
    if action == StepAction.PRESS:
        if step.value:
            await page.press(step.value, step.target, timeout=timeout_ms)
        else:
            await page.keyboard.press(step.target)
        return None
    if action == StepAction.WAIT_FOR:
        await page.wait_for_selector(step.target, timeout=timeout_ms)
        return None
    if action in (StepAction.CLICK, StepAction.SUBMIT):
        selector = step.target or "form [type=submit], form button:not([type=button])"
        async with page.expect_navigation(wait_until="load", timeout=timeout_ms) as nav:
            await page.click(selector, timeout=timeout_ms)
        return await nav.value
    raise ValueError(f"unknown step action {action}")


def _is_secret(step) -> bool:
    return bool(step.value_env or getattr(step, "value_file", None))


class Redactor:
    """Masks the secrets a journey typed in what is saved of its pages: as typed, and as a page, a URL or
    JSON may write them (HTML entities, percent-encoding, ``+`` for spaces, JSON escapes, base64).

    Case is ignored (a mask too many is better than a secret shown). Secrets of any length are masked:
    a very short one may mask ordinary text too.
    """

    def __init__(self) -> None:
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def add(self, secret: str) -> None:
        if not secret or secret in self._secrets:
            return
        self._secrets.append(secret)
        # longest first, so that a secret containing another one is masked whole
        forms = [_secret_pattern(s) for s in sorted(self._secrets, key=len, reverse=True)]
        self._pattern = re.compile("|".join(forms), re.IGNORECASE)

    def text(self, text: str | None) -> str | None:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(SECRET_MASK, text)

    def bytes(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        return self.text(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")

    def data(self, value: Any) -> Any:
        """A JSON-like value with every string (and key) masked."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value

    def json_text(self, raw: str) -> str:
        """JSON text (axe-core's result) with its strings masked; its structure is kept."""
        if self._pattern is None:
            return raw
        try:
            return json.dumps(self.data(json.loads(raw)), ensure_ascii=False, separators=(",", ":"))
        except ValueError:
            return self.text(raw)


def _secret_pattern(secret: str) -> str:
    """A regular expression matching ``secret`` with each character in any of its usual encodings, or the
    whole secret in base64."""
    chars = "".join(f"(?:{'|'.join(sorted(map(re.escape, _char_forms(ch)), key=len, reverse=True))})"
                    for ch in secret)
    encoded = secret.encode("utf-8")
    whole = {base64.b64encode(encoded).decode(), base64.urlsafe_b64encode(encoded).decode()}
    whole |= {w.rstrip("=") for w in whole}
    return "|".join([chars, *(re.escape(w) for w in sorted(whole, key=len, reverse=True))])


def _char_forms(ch: str) -> set[str]:
    cp = ord(ch)
    forms = {ch, f"&#{cp};", f"&#0{cp};", f"&#x{cp:x};", f"&#x{cp:04x};", f"\\u{cp:04x}",
             "".join(f"%{b:02x}" for b in ch.encode("utf-8"))}
    name = html.entities.codepoint2name.get(cp)
    if name:
        forms.add(f"&{name};")
    if 128 <= cp < 256:
        forms.add(f"%{cp:02x}")  # percent-encoded Latin-1
    if ch == "'":
        forms.add("&apos;")
    if ch == " ":
        forms |= {"+", "&nbsp;", "&#160;", "&#xa0;", "\xa0", "\\u00a0"}  # no-break space too
    if ch in '"\\/':
        forms.add("\\" + ch)  # JSON and JavaScript escapes
    escapes = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in escapes:
        forms.add(escapes[ch])
    return forms


# The page height, and the password fields a mask must cover (open shadow roots included, as a locator finds them).
_SHOT_FACTS_JS = """() => {
  let passwords = 0;
  const walk = (root) => {
    passwords += root.querySelectorAll('input[type=password]').length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  return [document.documentElement.scrollHeight, passwords];
}"""


def _prepare_page(page) -> None:
    page.on("dialog", _dismiss_dialog)


def _dismiss_dialog(dialog) -> None:
    asyncio.ensure_future(_safe(dialog.dismiss()))


async def _close_popup(page) -> None:
    # Pages the site opens by itself (window.open, target=_blank clicks) are closed: not in the sample.
    try:
        if await page.opener() is not None:
            await page.close()
    except Exception:  # noqa: BLE001
        pass


async def _safe(awaitable) -> None:
    try:
        await awaitable
    except Exception:  # noqa: BLE001
        pass


async def _acquire(lock: asyncio.Lock, timeout: float) -> bool:
    """Take ``lock``, waiting at most ``timeout`` seconds; False when it was not taken (go on without it)."""
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except TimeoutError:
        return False
    return True

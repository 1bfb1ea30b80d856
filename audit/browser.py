"""Chromium lifecycle, navigation, journeys, axe-core and probes → page snapshots on disk.

The only module that talks to a browser. Chromium is found at run time (configuration, then the
environment variable A11Y_AUDIT_CHROMIUM, then PATH); axe-core is the exact version pinned in
package.json, installed by ``npm ci`` — never vendored.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from audit.keyboard import tab_walk
from audit.layout import layout_probes
from audit.model import Journey, PageKind, PageRef, PageSnapshot, StepAction

log = logging.getLogger(__name__)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# axe rules outside the WCAG tags that axe maps to RGAA tests (its RGAA-x.y.z tags), run as well.
AXE_EXTRA_RULES = ("region", "skip-link", "table-duplicate-name", "empty-heading", "presentation-role-conflict",
                   "css-orientation-lock")
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 6000
RENEW_PAGE_EVERY = 40
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
PROBES_DIR = Path(__file__).parent / "probes"
_SUBRESOURCE_TYPES = {"stylesheet", "script", "image", "font", "media"}
REPO_ROOT = Path(__file__).resolve().parents[1]


class BrowserError(Exception):
    """Chromium or axe-core cannot be used; the message says how to provide them."""


def find_chromium(configured: str | None = None) -> str:
    candidates: list[tuple[str, str]] = []
    if configured:
        candidates.append(("the configuration (chromium:)", configured))
    env = os.environ.get("A11Y_AUDIT_CHROMIUM")
    if env:
        candidates.append(("A11Y_AUDIT_CHROMIUM", env))
    for origin, path in candidates:
        resolved = shutil.which(path) or (path if Path(path).is_file() else None)
        if resolved and os.access(resolved, os.X_OK):
            return resolved
        raise BrowserError(f"Chromium not found at {path!r} (from {origin}). Point it to an executable "
                           "Chromium or Chrome binary.")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError("No Chromium found. On Debian/Ubuntu as root: `apt-get install -y chromium` "
                       "(or run `make demo`, which installs it); elsewhere install Chromium or Chrome and set "
                       "A11Y_AUDIT_CHROMIUM=/path/to/chromium, or `chromium:` in sites.yaml.")


def axe_script_path() -> Path:
    env = os.environ.get("A11Y_AUDIT_AXE")
    path = Path(env) if env else REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise BrowserError(f"axe-core not found at {path}. Run `npm ci` in {REPO_ROOT} (it installs the "
                           "version pinned in package.json), or set A11Y_AUDIT_AXE to an axe.min.js file.")
    return path


def axe_locale(lang: str) -> dict | None:
    """axe-core's own translation of its messages (French by default), from the pinned package."""
    if lang == "en":
        return None
    path = axe_script_path().parent / "locales" / f"{lang}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("axe-core locale %s not found at %s: messages stay in English", lang, path)
        return None


def axe_version() -> str | None:
    package = REPO_ROOT / "node_modules" / "axe-core" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def load_probes() -> dict[str, str]:
    """In-page probes: one JS file each, an expression evaluating to an (async) function."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(PROBES_DIR.glob("*.js"))}


_LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    // SVG <a> has an SVGAnimatedString href, not a string
    out.push(typeof a.href === 'string' ? a.href : new URL(a.href.baseVal, document.baseURI).href);
  }
  for (const f of document.querySelectorAll('iframe[src], frame[src]')) out.push(f.src);
  return out;
}"""

_BOXES_JS = """(selectors) => {
  const boxes = {};
  for (const sel of selectors) {
    let el = null;
    try { el = document.querySelector(sel); } catch (e) { continue; }
    if (!el) continue;
    const r = el.getBoundingClientRect();
    boxes[sel] = {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
  }
  return boxes;
}"""

_SETTLE_JS = """async () => {
  const fonts = document.fonts ? Promise.race([document.fonts.ready, new Promise(r => setTimeout(r, 1000))]) : null;
  await fonts;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
}"""

_AXE_RUN_JS = """async (options) => {
  const result = await axe.run(document, options);
  return JSON.stringify(result);
}"""


@dataclass(slots=True)
class GatherOptions:
    timeout: float = 30.0
    screenshot: bool = True
    probes: bool = True
    user_agent: str | None = None
    lang: str = "fr"  # language of axe-core's messages (its own locale files)


class Browser:
    """One Chromium, one shared context for crawled pages, pages reused across URLs."""

    def __init__(self, executable: str, options: GatherOptions | None = None):
        self.executable = executable
        self.options = options or GatherOptions()
        self._pw = None
        self._browser = None
        self._context = None
        self._pool: list[Any] = []
        self._uses: dict[int, int] = {}
        self._resources: dict[int, dict[str, str]] = {}
        self._axe_source = axe_script_path().read_text(encoding="utf-8")
        self._axe_locale = axe_locale(self.options.lang)
        self._probes = load_probes() if self.options.probes else {}
        self.version: str | None = None
        self.restarts = 0

    async def start(self) -> Browser:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        try:
            self._browser = await self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            await self._pw.stop()
            raise BrowserError(f"Chromium at {self.executable} did not start: {str(exc).splitlines()[0]}") from None
        self.version = self._browser.version
        self._context = await self._new_context()
        return self

    async def _new_context(self):
        kwargs: dict[str, Any] = {"viewport": VIEWPORT, "accept_downloads": False, "locale": "fr-FR",
                                  "ignore_https_errors": False}
        if self.options.user_agent:
            kwargs["user_agent"] = self.options.user_agent
        context = await self._browser.new_context(**kwargs)
        context.on("page", _close_popup)
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
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:  # noqa: BLE001 - closing a dead browser must not fail the run
                    pass
        self._context = self._browser = None
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

    async def _take_page(self):
        while self._pool:
            page = self._pool.pop()
            if not page.is_closed():
                return page
        page = await self._context.new_page()
        _prepare_page(page)
        self._watch_resources(page)
        self._uses[id(page)] = 0
        return page

    def _watch_resources(self, page) -> None:
        """Remember the sub-resources a page loads with their validators (for incremental runs)."""
        seen: dict[str, str] = {}
        self._resources[id(page)] = seen

        def on_response(response) -> None:
            try:
                if response.request.resource_type not in _SUBRESOURCE_TYPES:
                    return
                headers = response.headers
                validator = headers.get("etag") or headers.get("last-modified") or ""
                if len(seen) < 300:
                    seen[response.url] = validator
            except Exception:  # noqa: BLE001 - a detached response; it just is not remembered
                pass

        page.on("response", on_response)

    async def _give_back(self, page, healthy: bool) -> None:
        if healthy:  # unroute needs the renderer: on a page stuck in a script it never returns (close does)
            try:
                await asyncio.wait_for(page.unroute("**/*"), 5)
            except Exception:  # noqa: BLE001 - timeout or closed page: the page is closed below
                healthy = False
        uses = self._uses.get(id(page), 0) + 1
        self._uses[id(page)] = uses
        if healthy and uses < RENEW_PAGE_EVERY and not page.is_closed():
            try:
                await page.goto("about:blank", timeout=5000)
                self._pool.append(page)
                return
            except Exception:  # noqa: BLE001
                pass
        self._uses.pop(id(page), None)
        self._resources.pop(id(page), None)
        try:
            await asyncio.wait_for(page.close(), 10)
        except Exception:  # noqa: BLE001
            pass

    async def gather(self, ref: PageRef, folder: Path,
                     accept: Callable[[str], str | None] | None = None) -> PageSnapshot:
        """Navigate to one URL and save its evidence; never raises for a page's own failure.

        ``accept(final_url)`` returns None to audit the page reached, or the reason not to (a redirect
        out of scope, or to a page audited under another URL).
        """
        snap = PageSnapshot(key=ref.key, url=ref.url, kind=ref.kind, name=ref.name)
        page = await self._take_page()
        resources = self._resources.get(id(page), {})
        resources.clear()
        healthy = False
        try:
            await asyncio.wait_for(self._gather_into(page, ref.url, snap, folder, navigate=True, accept=accept),
                                   timeout=self.options.timeout)
            healthy = True
        except TimeoutError:
            snap.error = f"timeout: the page took longer than {self.options.timeout:g} s (navigation and checks)"
        except Exception as exc:  # noqa: BLE001 - one page's failure is recorded, the run goes on
            snap.error = _describe(exc)
        finally:
            snap.validators = dict(resources)
            await self._give_back(page, healthy)
        return snap

    async def _gather_into(self, page, url: str | None, snap: PageSnapshot, folder: Path, navigate: bool,
                           accept: Callable[[str], str | None] | None = None,
                           secret_fields: tuple[str, ...] = ()) -> None:
        t0 = time.perf_counter()
        source: bytes | None = None
        held: list[str] = []
        if navigate:
            # the first top-level navigation goes through; the page's own later ones (a meta refresh at 0 s
            # fires even before "load") are held, so the document audited stays in place
            await page.route("**/*", functools.partial(_hold_navigation, page, held, [False]))
            response = await page.goto(url, wait_until="load", timeout=self.options.timeout * 1000)
            if response is None:
                raise RuntimeError("no response (navigation to the same document or aborted)")
            snap.status = response.status
            headers = await response.all_headers()
            snap.content_type = headers.get("content-type", "")
            if accept is not None and page.url != url:
                refusal = accept(page.url)
                if refusal:
                    snap.final_url = page.url
                    snap.error = refusal
                    return
            try:
                source = await response.body()
            except Exception:  # noqa: BLE001 - redirects and some responses have no body
                source = None
            if snap.content_type and "html" not in snap.content_type and "xml" not in snap.content_type:
                snap.kind = PageKind.DOCUMENT
                snap.error = None
                snap.final_url = page.url
                if source is not None:
                    _write(folder / "document.bin", source)
                    snap.files["document"] = "document.bin"
                    snap.content_hash = hashlib.sha256(source).hexdigest()
                return
        snap.final_url = page.url
        snap.timings["navigate"] = round(time.perf_counter() - t0, 3)
        try:  # let web fonts and the first frame settle; no "network idle" wait (it costs 500 ms a page)
            await page.evaluate(_SETTLE_JS)
        except Exception:  # noqa: BLE001 - a page navigating away; the next step reports it
            pass
        if page.url.startswith("chrome-error://") or (navigate and page.url != snap.final_url):
            raise RuntimeError(f"the page navigated away by itself (to {held[0] if held else page.url})")
        if held:
            snap.timings["held_navigations"] = len(held)
        snap.title = await page.title()
        if source is not None:
            _write(folder / "source.html", source)
            snap.files["source"] = "source.html"
            snap.content_hash = hashlib.sha256(source).hexdigest()
        t1 = time.perf_counter()
        await self._inject_axe(page)
        raw = await page.evaluate(_AXE_RUN_JS, {"runOnly": {"type": "tag", "values": AXE_TAGS},
                                                "rules": {r: {"enabled": True} for r in AXE_EXTRA_RULES},
                                                "resultTypes": ["violations", "incomplete"]})
        snap.timings["axe"] = round(time.perf_counter() - t1, 3)
        _write(folder / "axe.json", raw.encode("utf-8"))
        snap.files["axe"] = "axe.json"
        t2 = time.perf_counter()
        dom = await page.content()
        _write(folder / "dom.html", dom.encode("utf-8"))
        snap.files["dom"] = "dom.html"
        if snap.content_hash is None:
            snap.content_hash = hashlib.sha256(dom.encode("utf-8")).hexdigest()
        snap.links = list(dict.fromkeys(await page.evaluate(_LINKS_JS)))
        if self._probes:
            probes = await self._run_probes(page)
            _write(folder / "probes.json", json.dumps(probes, ensure_ascii=False).encode("utf-8"))
            snap.files["probes"] = "probes.json"
        snap.timings["probes"] = round(time.perf_counter() - t2, 3)
        selectors = _failing_selectors(raw)
        if self.options.screenshot:
            t3 = time.perf_counter()
            if selectors:
                snap.boxes = await page.evaluate(_BOXES_JS, selectors)
            height = await page.evaluate("() => document.documentElement.scrollHeight")
            clip = None
            if height and height > MAX_SCREENSHOT_HEIGHT:
                clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_SCREENSHOT_HEIGHT}
            # password fields and the fields a journey filled with a secret are painted over (magenta)
            masks = [page.locator(sel) for sel in ("input[type=password]", *secret_fields)]
            shot = await page.screenshot(full_page=True, type="jpeg", quality=70, clip=clip,
                                         animations="disabled", caret="hide", mask=masks)
            _write(folder / "screenshot.jpg", shot)
            snap.files["screenshot"] = "screenshot.jpg"
            snap.timings["screenshot"] = round(time.perf_counter() - t3, 3)
        snap.timings["total"] = round(time.perf_counter() - t0, 3)

    async def _inject_axe(self, page) -> None:
        for frame in page.frames:
            try:
                await frame.evaluate(self._axe_source)
                if self._axe_locale:
                    await frame.evaluate("(locale) => axe.configure({locale})", self._axe_locale)
            except Exception as exc:  # noqa: BLE001 - a detached or cross-process frame; axe reports it
                log.debug("axe not injected in frame %s: %s", frame.url, exc)

    async def _run_probes(self, page) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for name, script in self._probes.items():
            try:
                results[name] = await page.evaluate(script)
            except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
                results[name] = {"error": _describe(exc)}
        # Python-side probes need real key presses and viewport changes: the Tab walk first (some sites
        # redraw their layout by script after a resize), then text spacing, 200 % zoom and reflow.
        try:
            results["tab_walk"] = await tab_walk(page)
        except Exception as exc:  # noqa: BLE001
            results["tab_walk"] = {"error": _describe(exc)}
        try:
            results.update(await layout_probes(page))
        except Exception as exc:  # noqa: BLE001
            results["layout"] = {"error": _describe(exc)}
        try:
            await page.set_viewport_size(VIEWPORT)
        except Exception:  # noqa: BLE001
            pass
        return results

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
        context = await self._new_context()
        page = await context.new_page()
        _prepare_page(page)
        self._watch_resources(page)
        resources = self._resources[id(page)]
        timeout_ms = self.options.timeout * 1000
        secret_fields = [s.target for s in journey.steps
                         if s.action == StepAction.FILL and s.value_env and s.target]
        try:
            for index, step in enumerate(journey.steps):
                ref = PageRef(url=base_url, via="journey", journey=journey.id, step=index, name=step.name)
                try:
                    response = await asyncio.wait_for(_play(page, step, base_url, secret, timeout_ms),
                                                      timeout=self.options.timeout)
                except Exception as exc:  # noqa: BLE001 - a broken step ends the journey, recorded
                    snap = PageSnapshot(key=ref.key, url=page.url or base_url, name=step.name or f"étape {index + 1}",
                                        journey=journey.id, step=index)
                    what = step.target or step.value or ""
                    snap.error = f"journey step {index + 1} ({step.action.value} {what}) failed: {_describe(exc)}"
                    yield snap
                    return
                if not step.audit or ref.key in skip:
                    continue
                snap = PageSnapshot(key=ref.key, url=page.url, name=step.name or f"{journey.name} — étape {index + 1}",
                                    journey=journey.id, step=index)
                if response is not None:
                    snap.status = response.status
                    snap.content_type = (await response.all_headers()).get("content-type")
                    try:
                        snap.content_hash = hashlib.sha256(await response.body()).hexdigest()
                    except Exception:  # noqa: BLE001 - no body (redirect); the DOM hash is used instead
                        pass
                snap.validators = dict(resources)
                if reuse is not None and snap.content_hash and await reuse(snap):
                    yield snap
                    continue
                try:
                    await asyncio.wait_for(self._gather_into(page, None, snap, folder_for(ref.key), navigate=False,
                                                             secret_fields=tuple(secret_fields)),
                                           timeout=self.options.timeout)
                except TimeoutError:
                    snap.error = f"timeout after {self.options.timeout:g} s"
                except Exception as exc:  # noqa: BLE001
                    snap.error = _describe(exc)
                snap.url = page.url
                yield snap
        finally:
            await context.close()


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


async def _hold_navigation(page, held: list[str], armed: list[bool], route) -> None:
    """After the navigation we asked for, the page's own navigations (meta refresh, scripts) get an empty
    204 answer: Chromium stays on the document being audited, and where it tried to go is remembered."""
    request = route.request
    try:
        if request.is_navigation_request() and request.frame == page.main_frame:
            if not armed[0]:
                armed[0] = True
                await route.continue_()
                return
            held.append(request.url)
            await route.fulfill(status=204, body="")
        else:
            await route.continue_()
    except Exception:  # noqa: BLE001 - the page was closed meanwhile
        pass


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


def _failing_selectors(raw_axe: str) -> list[str]:
    try:
        data = json.loads(raw_axe)
    except ValueError:
        return []
    out = []
    for group in ("violations", "incomplete"):
        for rule in data.get(group, []):
            for node in rule.get("nodes", []):
                target = node.get("target") or []
                if target and isinstance(target[-1], str) and len(target) == 1:
                    out.append(target[0])
    return list(dict.fromkeys(out))[:200]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for marker in ("net::", "Timeout", "Target crashed", "Target page, context or browser has been closed"):
        if marker in text:
            return text[:300]
    return f"{type(exc).__name__}: {text}"[:300]

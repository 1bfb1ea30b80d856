"""What a page capture is made of, for both browser backends (Playwright in audit.browser, Selenium Grid in
audit.webdriver): Chromium's flags and where to find it, the pinned axe-core and its options, the in-page
JavaScript that reads links, boxes and identity, the viewport, the wording of an HTTP error, how axe names
an element, and the small helpers that write what was captured. One base the two backends share, instead
of one importing the other's private names.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import math
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from audit import words
from audit.fingerprint import fingerprint
from audit.layout import as_json, from_json, with_helpers  # noqa: F401 - as_json, from_json: the capture's face
from audit.model import (
    CROP_PAD,
    MAX_CROP_HEIGHT,
    MAX_SCREENSHOT_HEIGHT,
    SHOT_WIDTH,
    PageSnapshot,
    on_screenshot,
)

log = logging.getLogger(__name__)

# what Chromium needs on a machine without network but for the sites audited (else it tries refused connections)
BASE_CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
CHROMIUM_ARGS = [
    *BASE_CHROMIUM_ARGS,
    # V8 in its memory-saving mode in the pages (a young generation of 1 MB a semi-space instead of up to 32 MB, a
    # heap that grows by small steps, more compaction): axe and the probes allocate many short-lived objects. On the
    # benchmark site (200 pages, docs/performance.md) the tree's peak PSS is 693 MB instead of 845 (young generation
    # alone) or 1 051 (neither), for 9 % more CPU; the same findings, element by element.
    "--js-flags=--optimize-for-size",
]
# Playwright's Node driver (every protocol message goes through it) through NODE_OPTIONS, which admits only some V8
# flags: its young generation at 1 MB a semi-space, its old one at 256 MB, so that V8 collects before the heap grows
# (the driver's peak PSS on 40 benchmark pages: 126–134 MB instead of 170–230). A page at the 15 MB cap (its source
# and its DOM, two-byte text) goes through it within that bound.
NODE_DRIVER_OPTIONS = "--max-semi-space-size=1 --max-old-space-size=256"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's headless shell (Debian's chromium-headless-shell, Chrome for Testing's chrome-headless-shell): the same
# Blink, V8 and DevTools protocol without the browser's own layer (windows, profile services). Preferred when it is
# installed: on the benchmark site it gives the same findings, element by element, a tenth less CPU a page, a fifth
# more pages a second and a seventh less memory (docs/performance.md). Debian's /usr/bin name is a shell script
# that runs the binary: the binary itself is tried first, so no shell stays between the audit and Chromium.
HEADLESS_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell", "chrome-headless-shell")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# axe rules outside the WCAG tags that axe maps to RGAA tests (its RGAA-x.y.z tags), run as well.
AXE_EXTRA_RULES = ("region", "skip-link", "table-duplicate-name", "empty-heading", "presentation-role-conflict",
                   "css-orientation-lock")
# what axe returns: no "passes" or "inapplicable" lists (they cost time and memory, no check reads them);
# "incomplete" feeds the "à vérifier" answers
AXE_RESULT_TYPES = ("violations", "incomplete")
VIEWPORT = {"width": SHOT_WIDTH, "height": 900}
# A tab (and the renderer process behind it) is replaced every so many pages. A renderer that has held many
# pages keeps what they dirtied (V8 heap, caches) as private memory; a fresh one shares most of its pages with
# the zygote, but starts cold (axe compiled again). Measured on 200 pages (docs/performance.md): every 40 pages
# 1.43 CPU s a page and 1 372 MB of tree PSS, every 10: 1.46 and 1 158 MB, every 4: 1.52 and 1 053 MB.
RENEW_PAGE_EVERY = 10
# The shared context of crawled pages is replaced every so many pages: its in-memory HTTP cache and what the
# browser and network service keep for it grow with the pages seen (+150 MB over 1 000 pages, measured).
RENEW_CONTEXT_EVERY = 200
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_PAGE_BYTES = 15 * 1024 * 1024  # a page's HTML, counted as it streams in (decoded: a gzip bomb counts inflated)
# HTTP errors are not content: a page answering 4xx or 5xx is recorded with its status and an error starting
# with "HTTP <code>", never audited. Retries: a 429 or 503 with a Retry-After of at most RETRY_AFTER_MAX (and a
# third of the page timeout) is asked again once, after that wait; nothing else is retried (a 404 is the answer,
# a failing server is not asked twice in a row: the next run asks again).
RETRY_AFTER_MAX = 10.0  # seconds: a 503/429 asking to wait longer is recorded, not retried
SECRET_MASK = "[secret]"
PROBES_DIR = Path(__file__).parent / "probes"
SUBRESOURCE_TYPES = {"stylesheet", "script", "image", "font", "media"}
REPO_ROOT = Path(__file__).resolve().parents[1]


class BrowserError(Exception):
    """Chromium or axe-core cannot be used; the message says how to provide them."""


def find_chromium(configured: str | None = None, headless_shell: bool = True) -> str:
    """The Chromium to launch: the configured one (sites.yaml's ``chromium:``, then A11Y_AUDIT_CHROMIUM), else a
    headless shell on this machine (unless ``headless_shell`` is False: a Selenium node runs the full browser),
    else a full Chromium or Chrome on PATH."""
    candidates: list[tuple[str, str]] = []
    if configured:
        candidates.append((words.text("la configuration (chromium:)"), configured))
    env = os.environ.get("A11Y_AUDIT_CHROMIUM")
    if env:
        candidates.append(("A11Y_AUDIT_CHROMIUM", env))
    for origin, path in candidates:
        resolved = shutil.which(path) or (path if Path(path).is_file() else None)
        if resolved and os.access(resolved, os.X_OK):
            return resolved
        raise BrowserError(words.text("Chromium introuvable à « {path} » (donné par {origin}) : indiquez un exécutable de Chromium ou de Chrome.", path=path, origin=origin))
    for name in (*HEADLESS_SHELLS, *CHROMIUM_NAMES) if headless_shell else CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError(words.text("Chromium introuvable. Sur Debian/Ubuntu, en root : `apt-get install -y chromium` (ou `make demo`, qui l'installe) ; ailleurs installez Chromium ou Chrome et indiquez-le avec A11Y_AUDIT_CHROMIUM=/chemin/vers/chromium, ou `chromium:` dans sites.yaml."))


def axe_script_path() -> Path:
    env = os.environ.get("A11Y_AUDIT_AXE")
    path = Path(env) if env else REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise BrowserError(words.text("axe-core introuvable : {file} n'existe pas. Lancez `npm ci` dans {folder} (il installe la version fixée dans package.json), ou indiquez un fichier axe.min.js avec A11Y_AUDIT_AXE.", file=path, folder=REPO_ROOT))
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
    """In-page probes: one JS file each, an expression evaluating to an (async) function; the shared helpers
    (audit/layout.py SELECTOR_JS) go in at its ``/*HELPERS*/``."""
    return {p.stem: with_helpers(p.read_text(encoding="utf-8")) for p in sorted(PROBES_DIR.glob("*.js"))}


LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    // SVG <a> has an SVGAnimatedString href, not a string
    out.push(typeof a.href === 'string' ? a.href : new URL(a.href.baseVal, document.baseURI).href);
  }
  for (const f of document.querySelectorAll('iframe[src], frame[src]')) out.push(f.src);
  return out;
}"""

BOXES_JS = """(selectors) => {
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

SETTLE_JS = """async () => {
  const fonts = document.fonts ? Promise.race([document.fonts.ready, new Promise(r => setTimeout(r, 1000))]) : null;
  await fonts;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
}"""

TITLE_JS = "() => String(document.title)"

# The rendered DOM as Playwright's page.content() writes it (doctype, then the root element's outerHTML), read
# in the page's own world: page.content() needs Playwright's selector engine (330 KB of script, compiled and
# kept in every page it is asked of), this does not.
DOM_JS = """() => {
  let content = '';
  if (document.doctype) content = new XMLSerializer().serializeToString(document.doctype);
  return document.documentElement ? content + document.documentElement.outerHTML : content;
}"""

# What makes a page the same as another one (see Browser.gather's ``same``): its declared canonical address,
# and its rendered text (with the title): two paths serving the same body (/ and /index.html) render the same
# text, while the pages of a single-page application share one body but not their text.
IDENTITY_JS = """() => {
  const link = document.querySelector('link[rel~="canonical" i][href]');
  const text = String(document.title) + '\\n' + (document.body ? document.body.innerText : '');
  return {canonical: link ? String(link.href) : null, text: text.slice(0, 2000000)};
}"""

# ``arg``: axe's options, or {options, context} (the context excludes the parts outside the audit's scope)
AXE_RUN_JS = """async (arg) => {
  const {options, context} = arg && arg.options ? arg : {options: arg, context: null};
  const result = await axe.run(context || document, options);
  return JSON.stringify(result);
}"""

# The audit's scope on this page (GatherOptions.exclude): how many elements each selector matches (null: not a
# valid selector, left out), and the valid ones put in the page for the probes' isExcluded helper.
SCOPE_JS = """(exclude) => {
  const counts = [];
  const valid = [];
  for (const sel of exclude) {
    let n = null;
    try { n = document.querySelectorAll(sel).length; valid.push(sel); } catch (e) { /* not a CSS selector */ }
    counts.push({selector: sel, matched: n});
  }
  if (valid.length) window.__a11yAuditExclude = valid.join(', ');
  else delete window.__a11yAuditExclude;
  return {exclude: counts, excluded: valid};
}"""

# Cheap facts that say whether a probe can find anything on the page (read once, before the probes): the
# tabbable elements (the focus probe visits those outside frames and excluded parts), the boxes that could clip
# text (overflow hidden or clip, no clip: rect(), some text inside: the only ones the text-spacing scan looks
# at) and the size containers (a container query is the only way the spacing could change an overflow value).
FACTS_JS = with_helpers("""() => {
/*HELPERS*/
  let tabbables = 0, focusTargets = 0;
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    if (!isTabbable(el)) continue;
    tabbables++;
    if (!isExcluded(el) && !['iframe', 'frame', 'object', 'embed'].includes(el.localName)) focusTargets++;
  }
  const clips = (v) => v === 'hidden' || v === 'clip';
  let clipTextBoxes = 0, sizeContainers = 0;
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length; i++) {
    const el = all[i];
    const cs = getComputedStyle(el);
    if (cs.containerType && cs.containerType !== 'normal') sizeContainers++;
    if (!clips(cs.overflowX) && !clips(cs.overflowY)) continue;
    if ((cs.clip && cs.clip.startsWith('rect(')) || isExcluded(el)) continue;
    if ((el.textContent || '').trim()) clipTextBoxes++;
  }
  return {tabbables, focus_targets: focusTargets, clip_text_boxes: clipTextBoxes, size_containers: sizeContainers};
}""")

# A probe that cannot find anything on a page is not run; its result says why (``inapplicable``: a code and the
# reason, in French, as the checks can show it), with the shape the probe itself would have returned.
NO_FOCUS_TARGET = {"code": "no_focus_target",
                   "reason": "aucun élément de la page ne reçoit le focus avec la touche Tab"}


@dataclass(slots=True)
class GatherOptions:
    timeout: float = 30.0
    screenshot: bool = True
    probes: bool = True
    user_agent: str | None = None
    lang: str = "fr"  # language of axe-core's messages (its own locale files)
    max_page_bytes: int = MAX_PAGE_BYTES  # a larger document (main page or frame) is not audited
    # audit a page that answers an HTTP error as content: only for the tool's own pages (the testers' form
    # audits its « session inconnue » page); a crawl never does, a site's error page is a broken link
    error_pages: bool = False
    # CSS selectors of parts that are not the site's own (a CMS toolbar, a third-party chat): axe runs with
    # {exclude: [[selector], ...]} and the probes skip the elements inside them; the probes' results say how many
    # elements each selector matched (``scope``), snap.timings["excluded_elements"] their total
    exclude: tuple[str, ...] = ()
    # shared parts audited once (audit.parts): axe's answers for a header, menu or footer already audited in the
    # run are reused where they provably cannot differ; verify_reuse also runs the whole page and compares
    reuse_parts: bool = True
    verify_reuse: bool = False




def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delay in seconds or an HTTP date); None if absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def http_error(status: int, retry_after: str | None, waited: float | None) -> str:
    """The error of a page the server did not serve (5xx, 429): its error page is not audited."""
    try:
        phrase = f" {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = ""
    hint = f" (Retry-After: {retry_after.strip()[:40]})" if retry_after else ""
    again = f", again after waiting {waited:g} s" if waited is not None else ""
    return f"HTTP {status}{phrase}{hint}{again}: page not audited"


def refused(snap: PageSnapshot, folder: Path, why: str) -> PageSnapshot:
    """A page stopped for its size: nothing of it is kept (files already written are removed)."""
    for name in ("source.html", "dom.html", "axe.json", "probes.json", "screenshot.jpg", "document.bin"):
        for path in (folder / name, folder / (name + ".part")):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
    return PageSnapshot(key=snap.key, url=snap.url, kind=snap.kind, name=snap.name, journey=snap.journey,
                        step=snap.step, status=snap.status, content_type=snap.content_type, error=why)


def screenshot_plan(nodes: dict[str, str | None], captured: set[str], below: set[str], always: bool,
                    boxes: dict[str, dict[str, float]] | None = None) -> bool | None:
    """Whether a page whose axe nodes are ``nodes`` (``node_fingerprints``) needs a screenshot: ``always``, or a
    node not on an earlier one (``captured``). Reports crop each issue (one check, the same element's shape on many
    pages) out of the first of its pages whose screenshot shows it, so a shared header's defects are shot once. A
    node that was only ever below a screenshot's end (``below``: long pages) asks for one where this page shows it
    higher: None when that needs the page's ``boxes``, not given."""
    new = nodes.keys() - captured
    if always or (new - below):
        return True
    if not new:
        return False
    if boxes is None:
        return None
    return any(on_screenshot(boxes.get(nodes[fp] or "")) for fp in new)


def shot_height(page_height: int | None, boxes: dict[str, dict[str, float]], whole: bool) -> int:
    """How far down a page's screenshot reaches. A journey step's (``whole``) as far as the page goes, at most
    MAX_SCREENSHOT_HEIGHT px. A crawled page is shot for its elements' crops only: as far as the lowest crop of an
    element the screenshot can show (``model.on_screenshot``: CROP_PAD px below its box, or below its first
    MAX_CROP_HEIGHT px), at least a viewport. On the benchmark site that is 0.8 to 1 thousand pixels instead of
    6 000, and the shot's memory and time go with its height (docs/performance.md, seventh round)."""
    full = min(page_height or VIEWPORT["height"], MAX_SCREENSHOT_HEIGHT)
    if whole:
        return full
    lowest = max((box["y"] + min(box["height"], MAX_CROP_HEIGHT) + CROP_PAD
                  for box in boxes.values() if on_screenshot(box)), default=0)
    return min(full, max(VIEWPORT["height"], math.ceil(lowest)))


def remember_shot(nodes: dict[str, str | None], boxes: dict[str, dict[str, float]], captured: set[str],
                  below: set[str]) -> None:
    """After a screenshot: its nodes are captured, but those whose box lies below the screenshot's end."""
    for fp, selector in nodes.items():
        box = boxes.get(selector) if selector else None
        if box is not None and box["y"] >= MAX_SCREENSHOT_HEIGHT:
            if fp not in captured:
                below.add(fp)
        else:
            captured.add(fp)
            below.discard(fp)


async def read_boxes(page, snap: PageSnapshot, nodes: dict[str, str | None]) -> None:
    """The boxes of axe's failing nodes (``node_fingerprints``) on ``snap`` (where reports outline them), read in the
    page as it is: the first 200 selectors, in axe's order."""
    selectors = list(dict.fromkeys(selector for selector in nodes.values() if selector))[:200]
    if selectors:
        snap.boxes = await page.evaluate(BOXES_JS, selectors)


def node_fingerprints(raw_axe: str) -> dict[str, str | None]:
    """The fingerprints (as findings and the report's issues have them) of the axe nodes a page reports, each with
    the selector its box is read under (one level of target; None in a frame or a shadow tree)."""
    try:
        data = json.loads(raw_axe)
    except ValueError:
        return {}
    out: dict[str, str | None] = {}
    for group in ("violations", "incomplete"):
        for rule in data.get(group, []):
            for node in rule.get("nodes", []):
                target = node.get("target") or []
                key = fingerprint(f"axe:{rule.get('id')}", axe_selector(target), (node.get("html") or "")[:MAX_SNIPPET])
                out[key] = target[0] if len(target) == 1 and isinstance(target[0], str) else None
    return out


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for marker in ("net::", "Timeout", "Target crashed", "Target page, context or browser has been closed"):
        if marker in text:
            return text[:300]
    return f"{type(exc).__name__}: {text}"[:300]


MAX_SNIPPET = 400  # characters of an element's HTML kept with a finding


def axe_selector(target: Any) -> str | None:
    """axe targets are lists (one selector per frame/shadow level); join them readably."""
    if not target:
        return None
    parts = []
    for item in target:
        parts.append(" >>> ".join(item) if isinstance(item, list) else str(item))
    return " ⟶ ".join(parts)


def axe_context(scope: dict[str, Any] | None) -> dict[str, Any] | None:
    """axe's context for the page: the whole document less the excluded parts (None: the whole document)."""
    if not scope or not scope.get("excluded"):
        return None
    return {"exclude": [[sel] for sel in scope["excluded"]]}


async def page_scope(page, exclude: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """SCOPE_JS on the page (None when nothing is excluded): the selectors' counts, the valid ones in the page."""
    if not exclude:
        return None
    return await page.evaluate(SCOPE_JS, list(exclude))


async def run_probes(page, probes: dict[str, str], timings: dict[str, float] | None = None,
                     exclude: tuple[str, ...] = (), scope: dict[str, Any] | None = None,
                     restore: bool = True, parts=None) -> dict[str, Any]:
    """The in-page evidence of one page, in one order for both backends (``page``: a Playwright page or the
    WebDriver adapter): the applicability facts, the JS probes, then the Tab walk and the layout probes, then the
    viewport put back (not with ``restore`` False: the caller leaves the page right after and sets the viewport
    again before its next document). ``timings`` gets the seconds of each (``probe.<name>``, ``probe.tab_walk``,
    ``probe.layout``). ``exclude``: GatherOptions.exclude (``scope``: SCOPE_JS's answer when the caller already
    asked for it, before axe); the elements inside those parts are skipped, the counts go under ``scope``.

    A probe that the facts show cannot find anything is not run: its result carries ``inapplicable`` (code and
    reason) and the shape the probe would have returned, so that a check reading it says the same. ``parts``: the
    run's PartLedger (shared parts): the focus probe reuses its known parts' answers and the Tab walk skips their
    stops, where the page proves them the same."""
    from audit.keyboard import tab_walk
    from audit.layout import layout_probes, set_viewport, viewport_asked

    timings = {} if timings is None else timings
    results: dict[str, Any] = {}
    if scope is None and exclude:
        try:
            scope = await page_scope(page, exclude)
        except Exception as exc:  # noqa: BLE001
            scope = {"error": describe(exc)}
    if scope is not None:
        results["scope"] = scope
        timings["excluded_elements"] = sum(c.get("matched") or 0 for c in scope.get("exclude", []))
    started = time.perf_counter()
    try:
        facts = await page.evaluate(FACTS_JS)
    except Exception as exc:  # noqa: BLE001 - no facts: every probe runs
        facts = {"error": describe(exc)}
    results["applicability"] = facts
    timings["probe.facts"] = round(time.perf_counter() - started, 3)
    for name, script in probes.items():
        started = time.perf_counter()
        if name == "focus" and facts.get("focus_targets") == 0:
            results[name] = {"count": 0, "visited": 0, "truncated": False, "ms": 0, "elements": [],
                             "inapplicable": NO_FOCUS_TARGET}
            continue
        try:
            if name == "focus" and parts is not None:
                results[name] = await parts.focus(page, script, timings, url=page.url)
            else:
                results[name] = from_json(await page.evaluate(as_json(script)))
        except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
            results[name] = {"error": describe(exc)}
        timings[f"probe.{name}"] = round(time.perf_counter() - started, 3)
    # Python-side probes need real key presses and viewport changes: the Tab walk first (some sites
    # redraw their layout by script after a resize), then text spacing, 200 % zoom and reflow.
    started = time.perf_counter()
    try:
        results["tab_walk"] = await (parts.walk(page, timings, url=page.url) if parts is not None else tab_walk(page))
    except Exception as exc:  # noqa: BLE001
        results["tab_walk"] = {"error": describe(exc)}
    timings["probe.tab_walk"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    try:
        results.update(await layout_probes(page, facts, restore=restore))
    except Exception as exc:  # noqa: BLE001
        results["layout"] = {"error": describe(exc)}
    if restore and viewport_asked(page) != VIEWPORT:  # layout_probes put back the size it found: mostly this one
        try:
            await set_viewport(page, VIEWPORT)
        except Exception:  # noqa: BLE001
            pass
    timings["probe.layout"] = round(time.perf_counter() - started, 3)
    return results


async def is_another_page(page, snap: PageSnapshot, source: bytes | None, same) -> bool:
    """Whether the page just rendered is another page of the run, for both backends: its identity (canonical
    link, hash of the body sent and of the visible text) goes on ``snap``, ``same(snap)`` names the page it is or
    None; when it is another page, only its links are kept (discovery goes on) and nothing else is audited."""
    identity = await page.evaluate(IDENTITY_JS)
    snap.canonical = identity.get("canonical")
    snap.render_hash = hashlib.sha256(str(identity.get("text") or "").encode("utf-8")).hexdigest()
    if source is not None:
        snap.content_hash = hashlib.sha256(source).hexdigest()
    snap.same_as = await same(snap)
    if snap.same_as is None:
        return False
    snap.links = list(dict.fromkeys(await page.evaluate(LINKS_JS)))
    return True

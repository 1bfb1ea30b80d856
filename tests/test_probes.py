"""In-page probes (audit/probes/*.js) and the Python-side ones (audit/keyboard.py, audit/layout.py), in real Chromium.

``LiveBrowser`` (fixture ``live_browser``) is shared by the check tests (tests/test_checks_*.py): one Chromium for
the session; ``gather`` saves what gather saves for our checks (dom.html, probes.json) the way audit/browser.py
does, without axe-core, so that fixtures run fast.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from audit import layout
from audit.browser import CHROMIUM_ARGS, PROBES_DIR, VIEWPORT, Browser, GatherOptions, load_probes
from audit.checks import Evidence, run_page_checks
from audit.keyboard import tab_walk
from audit.layout import SELECTOR_JS, layout_probes
from audit.model import Outcome, PageRef, PageSnapshot, worst

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
CHECK_FIXTURES = FIXTURES / "checks"
ACT_DIR = Path(__file__).resolve().parents[2] / "shared" / "act-rules"
_CHECK_COMMENT = re.compile(r"<!--\s*checks?:\s*([\w.\- ]+?)\s*-->")
_SETTLE = "() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))"


# --- shared gathering helpers (used by tests/test_checks_*.py) -------------------------------------

class LiveBrowser:
    """One real Chromium for a whole test session, driven from an event loop in a background thread.

    Tests are synchronous; they hand coroutines to the loop. Each page gets a fresh context.
    """

    def __init__(self, chromium: str):
        self.chromium = chromium
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._pw = self._browser = None
        self.call(self._start())

    async def _start(self):
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(executable_path=self.chromium, args=CHROMIUM_ARGS)

    def call(self, coroutine, timeout: float = 120):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def run(self, url: str, body):
        """Open ``url`` in a fresh page and return ``await body(page)``."""
        async def main():
            context = await self._browser.new_context(viewport=VIEWPORT, locale="fr-FR")
            try:
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                await page.evaluate(_SETTLE)
                return await body(page)
            finally:
                await context.close()

        return self.call(main())

    def gather(self, urls: dict[str, str], root: Path, only: Iterable[str] | None = None,
               python: Iterable[str] = ("tab_walk", "layout")) -> dict[str, Evidence]:
        """Save dom.html + probes.json for each URL the way gather does (without axe); name -> Evidence.

        ``only``: the JS probes to run (all by default); ``python``: the Python-side ones: tab_walk, layout (all
        three of audit.layout), or one of text_spacing, zoom, reflow.
        """
        scripts = {k: v for k, v in load_probes().items() if only is None or k in set(only)}
        python = set(python)

        async def one(page):
            probes = {}
            for probe, script in scripts.items():  # as Browser._run_probes
                try:
                    probes[probe] = await page.evaluate(script)
                except Exception as exc:  # noqa: BLE001
                    probes[probe] = {"error": str(exc)[:300]}
            if "tab_walk" in python:  # what browser.py is asked to add after the JS probes
                probes["tab_walk"] = await tab_walk(page)
            if "layout" in python:
                probes.update(await layout_probes(page))
            for name in ("text_spacing", "zoom", "reflow"):  # one of them alone, for speed
                if name in python:
                    probes[name] = await getattr(layout, name)(page)
            return page.url, await page.content(), probes

        async def all_pages():
            context = await self._browser.new_context(viewport=VIEWPORT, locale="fr-FR")
            try:
                page = await context.new_page()  # one page for all, as Browser reuses its pages
                results = {}
                for name, url in urls.items():
                    await page.goto(url, wait_until="load")
                    await page.evaluate(_SETTLE)
                    results[name] = await one(page)
                return results
            finally:
                await context.close()

        out: dict[str, Evidence] = {}
        for name, (final_url, dom, probes) in self.call(all_pages(), timeout=600).items():
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "dom.html").write_text(dom, encoding="utf-8")
            (folder / "probes.json").write_text(json.dumps(probes, ensure_ascii=False), encoding="utf-8")
            snap = PageSnapshot(key=urls[name], url=urls[name], final_url=final_url, status=200,
                                files={"dom": "dom.html", "probes": "probes.json"})
            out[name] = Evidence(snap, folder)
        return out

    def close(self) -> None:
        async def stop():
            await self._browser.close()
            await self._pw.stop()

        try:
            self.call(stop(), timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


_SHARED: dict[str, object] = {}  # test modules import the fixtures below: one browser and one demo run for all


@pytest.fixture(scope="session", name="live_browser")
def live_browser_fixture(chromium):
    if "browser" not in _SHARED:
        _SHARED["browser"] = LiveBrowser(chromium)
    yield _SHARED["browser"]
    browser = _SHARED.pop("browser", None)
    if browser is not None:
        browser.close()


def fixture_cases(theme: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(file name, expected outcome, check ids) for every fixture of tests/fixtures/checks/<theme>/."""
    cases = []
    for path in sorted((CHECK_FIXTURES / theme).glob("*.html")):
        expected = path.name.split("-", 1)[0]
        assert expected in {o.value for o in Outcome}, f"{path.name}: name must start with an outcome"
        match = _CHECK_COMMENT.search(path.read_text(encoding="utf-8"))
        assert match, f"{path.name}: add <!-- check: <check id> -->"
        cases.append((path.name, expected, tuple(match.group(1).split())))
    return cases


def outcome_of(evidence: Evidence, check_id: str) -> Outcome:
    findings = run_page_checks(evidence, only=[check_id])
    return worst(f.outcome for f in findings)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session", name="act_server")
def act_server_fixture():
    """The W3C ACT test cases served from their folder (root-relative assets), on a loopback port."""
    if not (ACT_DIR / "manifest.json").is_file():
        pytest.skip(f"ACT corpus not found at {ACT_DIR}")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(ACT_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


DEMO_PAGES = ("/", "/actualites/", "/aide.html", "/plan-du-site.html", "/mediatheque/horaires.html", "/connexion",
              "/contact.html", "/demarches/", "/demarches/carte-identite.html", "/demarches/acte-naissance.html",
              "/vie-pratique/", "/vie-pratique/collecte-dechets.html", "/mentions-legales.html", "/recherche.html",
              "/actualites/conseil-municipal-mars-2025.html", "/actualites/fete-de-la-loire.html")


@pytest.fixture(scope="session", name="demo_pages")
def demo_pages_fixture(live_browser, tmp_path_factory) -> dict[str, Evidence]:
    """The public pages of the demo town, gathered once for the session: path -> Evidence."""
    from audit.demo import DemoServer

    if "demo" not in _SHARED:
        root = tmp_path_factory.mktemp("demo")
        with DemoServer() as server:
            _SHARED["demo"] = live_browser.gather({path: server.url + path for path in DEMO_PAGES}, root)
    return _SHARED["demo"]


def demo_defects(rgaa: str) -> set[str]:
    """Pages where examples/ville-demo/defects.yaml seeds a defect of this RGAA criterion."""
    import yaml

    defects = yaml.safe_load((Path(__file__).resolve().parents[1] / "examples" / "ville-demo" / "defects.yaml")
                             .read_text(encoding="utf-8"))
    return {d["page"] for d in defects if str(d["rgaa"]) == rgaa}


def assert_metadata(module: str) -> None:
    """Every check of ``module`` names real RGAA tests and WCAG criteria, and speaks French to people."""
    from audit.checks import load_checks
    from audit.standards import TESTS, WCAG_SC, criterion_of

    checks = [c for c in load_checks().values() if c.module == module]
    assert checks, module
    for chk in checks:
        assert re.fullmatch(r"rgaa-\d+\.\d+-[a-z0-9-]+", chk.id), chk.id
        assert chk.rgaa_tests and all(t in TESTS for t in chk.rgaa_tests), chk.id
        assert chk.id.split("-")[1] in {criterion_of(t) for t in chk.rgaa_tests}, chk.id
        assert chk.wcag and all(sc in WCAG_SC for sc in chk.wcag), chk.id
        assert all(e == "dom" or e == "site" or e.startswith("probe:") for e in chk.evidence), chk.id
        for probe in (e.split(":", 1)[1] for e in chk.evidence if e.startswith("probe:")):
            assert probe in {"tab_walk", "reflow", "zoom", "text_spacing"} or (PROBES_DIR / f"{probe}.js").is_file()
        for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question or "é"):
            assert text.strip() and re.search(r"[a-zàâçéèêëîïôûùüÿœ]", text), chk.id
        assert chk.question and chk.question.endswith("?"), chk.id


def act_outcomes(live_browser, act_server, tmp_path, rules: Iterable[str], check_ids: Iterable[str],
                 only: Iterable[str] = (), python: Iterable[str] = ()) -> list[tuple[str, str, str, Outcome]]:
    """Run our checks on the ACT test cases of ``rules``: [(case id, rule, expected, worst outcome)]."""
    cases = act_cases(rules)
    pages = live_browser.gather({cid: act_server + path for cid, (path, _) in cases.items()}, tmp_path,
                                only=only, python=python)
    results = []
    for cid, (_, expected_by_rule) in cases.items():
        findings = run_page_checks(pages[cid], only=list(check_ids))
        outcome = worst(f.outcome for f in findings)
        for rule, expected in expected_by_rule.items():
            results.append((cid, rule, expected, outcome))
    return results


def act_cases(rules: Iterable[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """file id -> (url path, {rule id: expected}) for the ACT test cases of these rules (shared files merged)."""
    records = json.loads((ACT_DIR / "manifest.json").read_text(encoding="utf-8"))["records"]
    cases: dict[str, tuple[str, dict[str, str]]] = {}
    for record in records:
        if record["rule_id"] in set(rules) and record["media_type"] == "html" and not record["missing_assets"]:
            cases.setdefault(record["id"], (record["url_path"], {}))[1][record["rule_id"]] = record["expected"]
    return cases


# --- the probes themselves -----------------------------------------------------------------------

def test_every_probe_gets_the_shared_helpers_from_one_place():
    """The helpers are written once (audit/layout.py SELECTOR_JS) and put in each probe when it is loaded."""
    probes = load_probes()
    assert set(probes) == {path.stem for path in PROBES_DIR.glob("*.js")}
    for path in PROBES_DIR.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert text.count("/*HELPERS*/") == 1 and "const cssPath" not in text, path.name
        assert SELECTOR_JS in probes[path.stem] and "/*HELPERS*/" not in probes[path.stem], path.name


def test_probes_run_inside_gather(chromium, static_server, tmp_path):
    """Browser.gather evaluates every audit/probes/*.js file and stores the results in probes.json."""
    async def main():
        async with Browser(chromium, GatherOptions(screenshot=False)) as browser:
            return await browser.gather(PageRef(url=f"{static_server}/checks/presentation/failed-focus-outline-none.html"),
                                        tmp_path)

    snap = asyncio.run(main())
    assert snap.error is None, snap.error
    probes = json.loads((tmp_path / "probes.json").read_text())
    assert {"focus", "tab_order", "interactive", "non_text_contrast"} <= set(probes)
    for name, value in probes.items():
        assert not (isinstance(value, dict) and "error" in value), (name, value)
    focus = {e["s"]: e["change"] for e in probes["focus"]["elements"]}
    assert focus == {"html > body > p > a": "strong", "html > body > ul > li > a": "none"}


def test_focus_probe_focuses_like_the_keyboard_and_restores_the_page(live_browser, static_server):
    async def body(page):
        await page.evaluate("() => { window.scrollTo(0, 0); document.querySelector('button').focus(); }")
        result = await page.evaluate(load_probes()["focus"])
        after = await page.evaluate("() => [document.activeElement.localName, window.scrollY]")
        return result, after

    result, after = live_browser.run(f"{static_server}/checks/presentation/passed-focus-visible-custom.html", body)
    by_selector = {e["s"]: e for e in result["elements"]}
    link = by_selector["html > body > a:nth-of-type(1)"]
    assert link["fv"] is True and link["change"] == "strong" and "outline" in link["props"]  # :focus-visible applied
    assert by_selector["html > body > button"]["props"] == ["box-shadow"]
    assert by_selector["html > body > a:nth-of-type(2)"]["change"] == "strong"  # the sibling indicator
    assert after == ["button", 0]  # focus given back, no scroll


def test_focus_probe_stops_at_its_cap(live_browser, tmp_path):
    links = "".join(f'<a href="#{i}">lien {i}</a> ' for i in range(350))
    (tmp_path / "many.html").write_text(f"<!DOCTYPE html><html><body>{links}</body></html>")

    async def body(page):
        return await page.evaluate(load_probes()["focus"])

    result = live_browser.run((tmp_path / "many.html").as_uri(), body)
    assert result["count"] == 350 and result["truncated"] and result["visited"] <= 300


def test_tab_walk_finds_the_trap_and_leaves_the_page_as_found(live_browser, static_server):
    async def body(page):
        walk = await tab_walk(page)
        state = await page.evaluate("() => [document.activeElement.localName, !!window.__a11yAuditWalk, location.hash]")
        return walk, state

    walk, state = live_browser.run(f"{static_server}/checks/navigation/failed-keyboard-trap.html", body)
    trap = walk["trap"]
    names = sorted(walk["elements"][str(i)]["s"] for i in trap["cycle"])
    assert names == ["#annee", "#jour", "#mois"]
    assert trap["confirmed"] and trap["escape"] == {"shift_tab": False, "escape": False}
    assert trap["outside"] == 2 and not walk["exited"]
    assert state == ["body", False, ""]


def test_tab_walk_follows_the_page_and_tests_the_skip_link(live_browser, static_server):
    walk = live_browser.run(f"{static_server}/checks/navigation/passed-skip-link.html", tab_walk)
    assert walk["trap"] is None and walk["exited"] and walk["mode"] == "fast"
    assert walk["reached"] == walk["tabbables"] == 6
    assert [walk["elements"][str(i)]["name"] for i in walk["first"]] == ["Aller au contenu", "Accueil de la ville",
                                                                          "Démarches"]
    skip = walk["skip_link"]
    assert skip["relation"] == "main" and skip["box"]["visible"]
    assert skip["after"]["where"] == "inside_target"  # Enter, then Tab lands in <main>
    assert walk["before_main"] == 5


def test_tab_walk_sees_positive_tabindex_first(live_browser, static_server):
    walk = live_browser.run(f"{static_server}/checks/navigation/cant_tell-tabindex-positive.html", tab_walk)
    first = walk["elements"][str(walk["sequence"][0])]
    assert first["name"] == "Mot de passe oublié ?" and first["tabindex"] == 1
    assert walk["backward"]  # then back to the top of the document


def _walks(live_browser, url, runs):
    """The walk's results on ``url``, ``runs`` times, its timing left out."""
    return [{k: v for k, v in live_browser.run(url, tab_walk).items() if k != "ms"} for _ in range(runs)]


@pytest.mark.parametrize("fixture", ["checks/frames/cant_tell-iframe-title.html",
                                     "checks/forms/failed-legend-missing.html",
                                     "checks/images/failed-area.html",
                                     "checks/navigation/passed-skip-link.html"])
def test_tab_walk_gives_one_answer_run_after_run(live_browser, static_server, fixture):
    """The same page walked again gives the same walk. Before: on a page whose last stop is a frame, the focus
    leaving the page was sometimes seen as a wrap to the top (a loop of every element, a backward jump), and the
    focus coming back into the page after it had left counted as a script moving it (the slow pass then): two
    answers, one run in three to six (eight walks each: 15 fixture pages of 253 gave two answers)."""
    walks = _walks(live_browser, f"{static_server}/{fixture}", 8)
    assert all(w == walks[0] for w in walks), [(w["mode"], w["sequence"]) for w in walks]
    walk = walks[0]
    assert walk["exited"] and walk["trap"] is None and walk["backward"] == [] and walk["mode"] == "fast"
    assert walk["sequence"][-1] == -1 and walk["sequence"].count(-1) == 1


def test_tab_walk_goes_round_a_menu_that_opens_on_focus(live_browser, tmp_path):
    """A menu whose sections open when the focus enters them (:focus-within) has far more stops than the tabbable
    elements counted before the walk: the walk goes on while it finds new ones, to the end of the page. Before,
    its budget was the count at the start plus 20 presses, and it stopped in the middle of such a menu (on every
    page of the benchmark site: 81 presses for 132 stops)."""
    sections = "".join(
        f'<li><a href="#s{s}">Rubrique {s}</a><ul>'
        + "".join(f'<li><a href="#s{s}-{i}">Page {s}.{i}</a></li>' for i in range(15)) + "</ul></li>"
        for s in range(3))
    (tmp_path / "menu.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>Menu</title><style>.menu ul ul { display: none; } '
        '.menu li:focus-within > ul { display: block; }</style></head><body><nav class="menu"><ul>'
        f'{sections}</ul></nav><main><a href="#a">Un</a> <a href="#b">Deux</a> <a href="#c">Trois</a></main>'
        '</body></html>', encoding="utf-8")
    walk = live_browser.run((tmp_path / "menu.html").as_uri(), tab_walk)
    assert walk["tabbables"] == 6  # the sections' pages are hidden until the focus enters the section
    assert walk["exited"] and walk["complete"] and walk["trap"] is None
    assert walk["reached"] == 51 and walk["sequence"][-1] == -1
    names = [walk["elements"][str(i)]["name"] for i in walk["sequence"] if i >= 0]
    assert names[:3] == ["Rubrique 0", "Page 0.0", "Page 0.1"] and names[-1] == "Trois"


def test_a_return_to_the_first_element_after_every_element_is_the_end_of_the_round():
    from audit.keyboard import _wrapped

    seq = [0, 1, 2, 0]
    assert _wrapped(seq, {0, 1, 2}) and seq == [0, 1, 2, -1]  # written as the focus leaving the page
    seq = [-1, 0, 1, 5, 2, 0]
    assert _wrapped(seq, {0, 1, 2}) and seq[-1] == -1  # 5: found on the way (a menu opened on focus)
    for seq, needed in (([0, 1, 0], {0, 1, 2}), ([0, 0], {0}), ([0, 1, 2, 1], {0, 1, 2}), ([0, 1, 2, -1], {0, 1, 2}),
                        ([0, 5, 6, 7, 8, 0], {0, 1, 2})):
        kept = list(seq)
        assert not _wrapped(seq, needed) and seq == kept  # a loop that misses an element: left to the trap search


def test_layout_probes_measure_and_restore(live_browser, static_server):
    async def body(page):
        result = await layout_probes(page)
        state = await page.evaluate("() => [innerWidth, document.querySelectorAll('style').length, "
                                    "!!window.__a11yAuditClip]")
        return result, state

    result, state = live_browser.run(f"{static_server}/checks/presentation/failed-zoom-fixed-height.html", body)
    assert state == [VIEWPORT["width"], 1, False]
    assert [c["s"] for c in result["zoom"]["clipped"]] == ["html > body > div"]
    assert result["zoom"]["clipped_before"] == []

    reflow = live_browser.run(f"{static_server}/checks/presentation/failed-reflow-fixed-width.html", layout_probes)["reflow"]
    assert reflow["overflow"] and reflow["width"] == 320 and reflow["scroll_width"] > 700
    assert [o["s"] for o in reflow["offenders"]] == ["html > body > div"]

    spacing = live_browser.run(f"{static_server}/checks/presentation/failed-text-spacing.html", layout_probes)
    assert [c["s"] for c in spacing["text_spacing"]["clipped"]] == ["html > body > div"]


def test_probe_selectors_find_the_same_elements_offline(live_browser, static_server, tmp_path):
    """A selector written by a probe selects, in the saved DOM, the element the browser reported."""
    urls = {"skip": f"{static_server}/checks/navigation/passed-skip-link.html",
            "colours": f"{static_server}/checks/colours/passed-field-border.html"}
    pages = live_browser.gather(urls, tmp_path)
    for evidence in pages.values():
        selectors = [e["s"] for e in evidence.probe("focus")["elements"]]
        selectors += [i["s"] for i in evidence.probe("non_text_contrast")["items"]]
        assert selectors
        for selector in selectors:
            found = evidence.dom.cssselect(selector)
            assert len(found) == 1, selector
            assert evidence.selector(found[0]) == selector


def test_a_screenshot_only_for_axe_nodes_not_shot_before(chromium, static_server, tmp_path):
    """The report crops an issue from the first page with a screenshot: the same axe nodes again need none,
    but every page keeps its boxes; a page with a node never shot gets a screenshot."""
    urls = [f"{static_server}/pages/failed-axe-basics.html", f"{static_server}/pages/failed-axe-basics.html?again",
            f"{static_server}/checks/presentation/failed-focus-outline-none.html"]

    async def main():
        async with Browser(chromium, GatherOptions()) as browser:
            out = []
            for i, url in enumerate(urls):
                folder = tmp_path / str(i)
                out.append((await browser.gather(PageRef(url=url), folder), folder))
            return out

    (first, f1), (again, f2), (other, f3) = asyncio.run(main())
    assert first.error is None and again.error is None and other.error is None
    assert (f1 / first.files["screenshot"]).is_file()
    assert "screenshot" not in again.files and not (f2 / "screenshot.jpg").exists()
    assert again.boxes == first.boxes and again.boxes["img"]["width"] == 40
    axe = json.loads((f3 / "axe.json").read_text())
    assert "region" in {v["id"] for v in axe["violations"]}  # its own nodes: shot
    assert (f3 / other.files["screenshot"]).is_file()


# --- probes only where they can find something; results as JSON ------------------------------------

_APPLICABILITY_PAGES = sorted(p.relative_to(FIXTURES).as_posix() for p in (
    *(CHECK_FIXTURES / "presentation").glob("*.html"), *(CHECK_FIXTURES / "navigation").glob("*.html"),
    *(FIXTURES / "pages").glob("*.html")))


def _without_ms(value):
    if isinstance(value, dict):
        return {k: _without_ms(v) for k, v in value.items() if k != "ms"}
    if isinstance(value, list):
        return [_without_ms(v) for v in value]
    return value


def test_probe_results_come_back_as_json_with_the_same_values(live_browser, static_server):
    """capture.as_json: a probe's result travels as one JSON string, and is the same value once decoded (an
    undefined property is null, as Playwright gives it)."""
    from audit.capture import as_json, from_json

    probes = load_probes()

    async def body(page):
        out = []
        for name, script in probes.items():
            direct = await page.evaluate(script)
            via_json = from_json(await page.evaluate(as_json(script)))
            out.append((name, _without_ms(direct), _without_ms(via_json)))
        out.append(("special", await page.evaluate("() => ({a: undefined, b: [NaN, Infinity, -Infinity, 1.5, null]})"),
                    from_json(await page.evaluate(as_json("() => ({a: undefined, b: [NaN, Infinity, -Infinity, 1.5, null]})")))))
        return out

    for path in ("pages/failed-axe-basics.html", "checks/presentation/passed-focus-visible-custom.html",
                 "checks/colours/passed-field-border.html", "checks/navigation/passed-skip-link.html"):
        for name, direct, via_json in live_browser.run(f"{static_server}/{path}", body):
            if name == "special":
                assert via_json["a"] is None and direct["a"] is None
                assert str(via_json["b"]) == str(direct["b"]) == "[nan, inf, -inf, 1.5, None]"
                continue
            assert via_json == direct, (path, name)


def test_text_spacing_is_inapplicable_only_where_the_full_scan_finds_nothing(live_browser, static_server):
    """The applicability facts (capture.FACTS_JS) skip the text-spacing scan of clipped text only on pages where
    that scan, run anyway, finds nothing: checked on every presentation, navigation and page fixture."""
    from audit.capture import FACTS_JS
    from audit.layout import spacing_can_clip

    async def body(page):
        facts = await page.evaluate(FACTS_JS)
        full = await layout.text_spacing(page)
        return facts, full

    decided = 0
    for path in _APPLICABILITY_PAGES:
        facts, full = live_browser.run(f"{static_server}/{path}", body)
        if not spacing_can_clip(facts):
            decided += 1
            assert full["clipped"] == [], path
    assert decided >= 5
    facts, full = live_browser.run(f"{static_server}/checks/presentation/failed-text-spacing.html", body)
    assert spacing_can_clip(facts) and full["clipped"]


def test_probes_that_cannot_find_anything_say_so(chromium, static_server, tmp_path):
    """A page without any tabbable element: the focus probe and the Tab walk are recorded as inapplicable, with
    their reason and the shape they would have had; a page with no box that can clip text: text spacing's clipped
    part is inapplicable, its !important part still measured. Nothing is left out silently."""
    async def main():
        async with Browser(chromium, GatherOptions(screenshot=False)) as browser:
            out = []
            for i, name in enumerate(("inapplicable-focus-nothing.html", "failed-text-spacing.html",
                                      "failed-focus-outline-none.html")):
                folder = tmp_path / str(i)
                snap = await browser.gather(PageRef(url=f"{static_server}/checks/presentation/{name}"), folder)
                out.append((snap, json.loads((folder / "probes.json").read_text())))
            return out

    (snap, probes), (snap2, probes2), (snap3, probes3) = asyncio.run(main())
    assert snap.error is None and snap2.error is None and snap3.error is None
    assert probes["applicability"]["focus_targets"] == 0
    assert probes["focus"]["inapplicable"]["code"] == "no_focus_target" and probes["focus"]["elements"] == []
    assert probes["focus"]["count"] == 0 and probes["focus"]["visited"] == 0
    assert probes["tab_walk"]["inapplicable"]["code"] == "no_tabbable" and probes["tab_walk"]["complete"]
    assert probes["text_spacing"]["clipped_inapplicable"]["code"] == "no_clipping_box"
    assert probes["text_spacing"]["clipped"] == [] and "important" in probes["text_spacing"]
    assert "clipped_inapplicable" not in probes2["text_spacing"] and probes2["text_spacing"]["clipped"]
    assert "inapplicable" not in probes3["focus"] and probes3["focus"]["elements"]
    assert "inapplicable" not in probes3["tab_walk"] and probes3["tab_walk"]["tabbables"] > 0
    assert "probe.facts" in snap.timings and "probe.focus" not in snap.timings and "probe.focus" in snap3.timings


def test_a_cleanup_waits_on_the_page_only_a_moment_once_the_page_is_cancelled():
    """layout.tidy: outside a cancellation a cleanup is awaited as it is (and may raise); in a task being
    cancelled (the page's time is up), one that answers is still awaited, one that never answers is given up after
    CLEANUP_S, and the cancellation goes on."""
    import time

    from audit.layout import CLEANUP_S, tidy

    async def answer(seconds, value):
        await asyncio.sleep(seconds)
        return value

    async def fail():
        raise RuntimeError("closed")

    done: dict = {}

    async def probe():
        try:
            await asyncio.sleep(3600)  # the probe, cut by the page's timeout
        finally:
            done["slow"] = await tidy(answer(0.2, "put back"))
            started = time.monotonic()
            done["stuck"] = await tidy(asyncio.Event().wait())  # a stuck page never answers
            done["stuck_s"] = time.monotonic() - started
            done["closed"] = await tidy(fail())

    async def main():
        assert await tidy(answer(0, 1)) == 1
        with pytest.raises(RuntimeError):
            await tidy(fail())
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(probe(), 0.1)

    asyncio.run(main())
    assert done["slow"] == "put back" and done["stuck"] is None and done["closed"] is None
    assert CLEANUP_S - 0.1 < done["stuck_s"] < CLEANUP_S + 1

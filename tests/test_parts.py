"""Shared parts audited once (audit.parts), in real Chromium: the proof mode compares axe's answers with reuse to
the whole-page run, element by element, on the benchmark site and on pages with deliberately tricky shared
parts; a weakened key is caught by the same proof."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from serving import served_folder

from audit import parts
from audit.browser import Browser, GatherOptions
from audit.model import PageRef
from bench import tricky
from bench.site import SiteServer, generate

pytestmark = pytest.mark.browser


def _gather(chromium: str, urls: list[str], folder: Path, **options) -> tuple[Browser, list]:
    async def go():
        browser = Browser(chromium, GatherOptions(screenshot=False, probes=False, **options))
        await browser.start()
        snaps = []
        try:
            for i, url in enumerate(urls):
                out = folder / str(i)
                out.mkdir(parents=True, exist_ok=True)
                snaps.append(await browser.gather(PageRef(url=url), out))
        finally:
            await browser.close()
        return browser, snaps

    return asyncio.run(go())


@pytest.fixture(scope="module")
def tricky_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tricky")
    paths = tricky.write_site(folder)
    server = tricky.serve(folder)
    yield server.url, paths
    server.stop()


def test_tricky_shared_parts_give_the_whole_page_answers(chromium, tricky_site, tmp_path):
    base, paths = tricky_site
    browser, snaps = _gather(chromium, [base + p for p in paths], tmp_path, verify_reuse=True)
    assert not [s.error for s in snaps if s.error]
    report = browser.parts.report()
    assert browser.parts.differences == [], browser.parts.differences[:5]
    assert report["differences"] == 0
    # reuse did happen (the plain pages share their three parts) and was refused where it must be
    assert report["reused"] >= 10, report
    reused = {p: s.timings.get("parts.reused") for p, s in zip(paths, snaps, strict=True)}
    assert reused["/vie-pratique/dechets.html"] >= 2  # header and menu (the footer sits elsewhere on screen)
    assert reused["/mairie/enquete-publique.html"] == 0  # a modal dialog: nothing keyed
    by_part = report["no_key_by_part"]
    assert by_part.get("nav.menu: duplicate_id") == 1
    assert by_part.get("header.entete: referenced_from_outside") == 1
    assert report["no_key"].get("modal_dialog") == 3
    assert report["no_key"].get("open_dialog") == 3
    assert report["no_key"].get("overlap", 0) >= 1
    # the stored axe.json is the whole-page answer (the proof mode stores what it compared against)
    data = json.loads((tmp_path / "1" / "axe.json").read_text(encoding="utf-8"))
    assert {"violations", "incomplete", "passes", "inapplicable"} <= set(data)


def test_a_weakened_key_is_caught_by_the_proof(chromium, tricky_site, tmp_path, monkeypatch):
    """The proof can fail: with a key made of the part's markup alone (no styles, ancestors, layout or
    references), the menu recoloured per section and the footer on a dark page get the plain pages' answers,
    and the comparison with the whole-page run says so."""
    base, _ = tricky_site
    naive = parts.PARTS_JS.replace("if (pageDoubt) { no(pageDoubt); continue; }",
                                   "entry.key = hash(part.outerHTML); continue;")
    assert naive != parts.PARTS_JS
    monkeypatch.setattr(parts, "PARTS_JS", naive)
    pages = ["/index.html", "/culture/index.html", "/actualites/marche-noel.html", "/vie-pratique/stationnement.html"]
    browser, _ = _gather(chromium, [base + p for p in pages], tmp_path, verify_reuse=True)
    wrong = {d["url"].removeprefix(base) for d in browser.parts.differences}
    assert {"/culture/index.html", "/actualites/marche-noel.html", "/vie-pratique/stationnement.html"} <= wrong
    assert any(d.get("rule") == "color-contrast" for d in browser.parts.differences)


def test_the_holes_a_review_found_are_closed_and_the_proof_sees_them(chromium, tricky_site, tmp_path, monkeypatch):
    """Two holes of an earlier key, found by reading it: a style sheet imported by another (@import) was not read,
    and a pseudo-class right after another (':root:has(…)') was taken for ancestry alone. With that key put back,
    the proof reports the header and footer answers reused wrongly; with today's key, nothing differs."""
    base, _ = tricky_site
    pages = [base + p for p in ("/index.html", "/actualites/lac-gele.html", "/culture/expositions.html")]
    browser, _ = _gather(chromium, pages, tmp_path / "now", verify_reuse=True)
    assert browser.parts.differences == []
    assert browser.parts.report()["reused"] >= 2
    old = parts.PARTS_JS.replace("[...flat.matchAll(/(?<![:\\\\]):([\\w-]+)/g)].map((m) => m[1].toLowerCase())",
                                 "[...flat.matchAll(/(^|[^:]):([\\w-]+)/g)].map((m) => m[2].toLowerCase())")
    old = old.replace("""        if (rule.styleSheet) sheets.push(rule.styleSheet);
        else pageDoubt = pageDoubt || 'unreadable_stylesheet';""", "")
    assert old.count("matchAll(/(^|[^:])") == 1 and "sheets.push(rule.styleSheet)" not in old
    monkeypatch.setattr(parts, "PARTS_JS", old)
    browser, _ = _gather(chromium, pages, tmp_path / "before", verify_reuse=True)
    wrong = {d["url"].removeprefix(base) for d in browser.parts.differences}
    assert wrong == {"/actualites/lac-gele.html", "/culture/expositions.html"}


def test_benchmark_pages_reuse_their_header_and_footer(chromium, tmp_path):
    info = generate(tmp_path / "site", pages=12, seed=3)
    with SiteServer(info) as server:
        urls = [server.url + page.path for page in info.pages[:10]]
        browser, snaps = _gather(chromium, urls, tmp_path / "out", verify_reuse=True)
    report = browser.parts.report()
    assert not [s.error for s in snaps if s.error]
    assert browser.parts.differences == [], browser.parts.differences[:5]
    assert report["reuse_rate"] >= 0.8, report


def test_without_reuse_axe_runs_on_the_whole_page(chromium, tricky_site, tmp_path):
    base, _ = tricky_site
    browser, snaps = _gather(chromium, [base + "/index.html"], tmp_path, reuse_parts=False)
    assert browser.parts is None
    assert "parts.reused" not in snaps[0].timings


def test_compare_names_each_difference():
    node = {"any": [], "all": [], "none": [], "impact": "serious", "html": "<a>", "target": ["a"]}
    other = dict(node, target=["b"], html="<b>")
    whole = {"violations": [{"id": "link-name", "impact": "serious", "nodes": [node, other]}],
             "incomplete": [], "passes": [], "inapplicable": [{"id": "image-alt", "nodes": []}]}
    assert parts.compare(whole, whole) == []
    swapped = json.loads(json.dumps(whole))
    swapped["violations"][0]["nodes"].reverse()
    assert parts.compare(swapped, whole) == [{"group": "violations", "rule": "link-name", "order": "differs"}]
    changed = json.loads(json.dumps(whole))
    changed["violations"][0]["nodes"][1]["impact"] = "minor"
    assert [d.get("answers") for d in parts.compare(changed, whole)] == ["differ"]
    missing = json.loads(json.dumps(whole))
    missing["inapplicable"] = []
    assert parts.compare(missing, whole) == [{"group": "inapplicable", "rule": "image-alt", "only_in": "whole"}]


def test_a_part_that_cannot_be_keyed_or_no_longer_fits_leaves_the_page_audited_whole(chromium, tricky_site, tmp_path,
                                                                                     monkeypatch):
    base, _ = tricky_site
    plain = [base + "/index.html", base + "/vie-pratique/etat-civil.html"]

    async def go():
        browser = Browser(chromium, GatherOptions(screenshot=False, probes=False, verify_reuse=True))
        await browser.start()
        try:
            first = await browser.gather(PageRef(url=plain[0]), tmp_path / "a")
            for record in browser.parts.known.values():  # every known part now points at elements that do not exist
                for kept in record.values():
                    for item in kept["violations"] + kept["incomplete"] + kept["passes"]:
                        item["path"] = [999]
            second = await browser.gather(PageRef(url=plain[1]), tmp_path / "b")
            monkeypatch.setattr(parts, "PARTS_JS", "() => { throw new Error('no keys here'); }")
            third = await browser.gather(PageRef(url=plain[1]), tmp_path / "c")
        finally:
            await browser.close()
        return browser, (first, second, third)

    for name in "abc":
        (tmp_path / name).mkdir()
    browser, snaps = asyncio.run(go())
    assert [s.error for s in snaps] == [None, None, None]
    assert snaps[1].timings["parts.reused"] == 0 and snaps[2].timings["parts.reused"] == 0
    assert browser.parts.report()["fallbacks"] == 2
    assert browser.parts.differences == []
    assert json.loads((tmp_path / "c" / "axe.json").read_text(encoding="utf-8"))["violations"]


# --- the focus probe's answers for shared parts --------------------------------------------------------------

_FOCUS_HEADER = ('<header class="haut"><a class="logo" href="/">Ville d\'Essai</a><nav><ul>'
                 + "".join(f'<li><a href="/rubrique-{i}.html">Rubrique {i}</a></li>' for i in range(8))
                 + '</ul></nav><form role="search"><label for="q">Rechercher</label><input id="q" type="search">'
                 '<button type="submit">OK</button></form></header>')
_FOCUS_CSS = ("body { margin: 0; font: 16px sans-serif; } header.haut { background: #fff; padding: 8px; }\n"
              "a:focus, button:focus, input:focus { outline: 3px solid #d35400; }\n"
              ".bandeau { display: none; height: 120px; background: #eee; }\n")


def _focus_page(css: str, before: str = "", script: str = "") -> str:
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page</title>'
            f'<link rel="stylesheet" href="site.css"></head><body>{before}{_FOCUS_HEADER}'
            f'<main><h1>Page</h1><p><a href="/plus.html">En savoir plus</a></p></main>{script}</body></html>')


def _focus_site(folder: Path, css: str, pages: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.css").write_text(css, encoding="utf-8")
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")


def _focus_run(chromium: str, base: str, names: list[str], folder: Path, focus_js=None) -> Browser:
    """The pages gathered in one Browser with the proof mode (axe, the probes); ``focus_js`` rewrites the focus
    probe (a weakened proof)."""
    async def go():
        browser = Browser(chromium, GatherOptions(screenshot=False, verify_reuse=True))
        if focus_js is not None:
            browser._probes["focus"] = focus_js(browser._probes["focus"])
        await browser.start()
        try:
            for i, name in enumerate(names):
                out = folder / str(i)
                out.mkdir(parents=True, exist_ok=True)
                snap = await browser.gather(PageRef(url=f"{base}/{name}"), out)
                assert snap.error is None, snap.error
        finally:
            await browser.close()
        return browser

    return asyncio.run(go())


def _focus_differences(browser: Browser) -> set[str]:
    return {d["url"].rsplit("/", 1)[-1] for d in browser.parts.differences if d.get("probe") == "focus"}


def test_focus_answers_of_a_shared_part_are_reused_where_the_page_proves_them_the_same(chromium, tmp_path,
                                                                                     monkeypatch):
    """The header's focus answers are learnt on the first page and reused on the others, with the same result as
    the probe run whole (proof mode); a page whose script listens to focus events anywhere is probed whole."""
    _focus_site(tmp_path / "site", _FOCUS_CSS, {
        "a.html": _focus_page(_FOCUS_CSS), "b.html": _focus_page(_FOCUS_CSS), "c.html": _focus_page(_FOCUS_CSS),
        # the script takes the outline away when the focus lands in the header: only a listener says so
        "d.html": _focus_page(_FOCUS_CSS, script="<script>document.addEventListener('focusin', (e) => {"
                              "if (e.target.closest('header')) e.target.style.outline = 'none'; });</script>"),
    })
    with served_folder(tmp_path / "site") as base:
        browser = _focus_run(chromium, base, ["a.html", "b.html", "c.html", "d.html"], tmp_path / "out")
        focus = browser.parts.report()["focus"]
        assert browser.parts.differences == [], browser.parts.differences[:5]
        assert focus["learnt"] == 1 and focus["reused"] == 2, focus
        assert focus["reused_elements"] == 2 * 11  # the logo, eight links, the field and the button
        assert focus["not_reused"] == {"focus_listeners": 1}
        # the proof can fail: without the listeners' check, the last page gets the plain pages' answers
        monkeypatch.setattr(parts, "FOCUS_EVENTS", frozenset())
        weak = _focus_run(chromium, base, ["a.html", "d.html"], tmp_path / "weak")
    assert _focus_differences(weak) == {"d.html"}


def test_focus_rules_that_read_around_a_part_stop_the_reuse_and_the_proof_sees_them(chromium, tmp_path):
    """Two kinds of focus rules make the answers depend on what is around the part, which its key does not see with
    nothing focused: a sibling combinator (the header's outline taken away after a hidden marker) and a
    ':focus-within' on an ancestor outside the part (a banner shown above the header, which moves it). Both stop
    the reuse; with the probe's check taken out, the proof reports the page where the answers differ."""
    sibling_css = _FOCUS_CSS + ".sombre ~ header a:focus { outline: none; }\n"
    within_css = _FOCUS_CSS + "body:focus-within .bandeau { display: block; }\n"
    _focus_site(tmp_path / "sibling", sibling_css, {
        "a.html": _focus_page(sibling_css), "b.html": _focus_page(sibling_css, before='<div class="sombre"></div>')})
    _focus_site(tmp_path / "within", within_css, {
        "a.html": _focus_page(within_css), "b.html": _focus_page(within_css, before='<div class="bandeau"></div>')})
    check = "if (/[+~]/.test(flat) || classes.some((c) => !FOCUS_SIMPLE.has(c))) { doubt = 'contextual_focus_rule'; return; }"
    outside = "if (withinOutside(root, rules.within)) { partsOut.refused[index] = 'focus_within_outside'; continue; }"
    for site, reason, weaken in (("sibling", "contextual_focus_rule", check), ("within", "focus_within_outside", outside)):
        with served_folder(tmp_path / site) as base:
            browser = _focus_run(chromium, base, ["a.html", "b.html"], tmp_path / site / "out")
            assert browser.parts.differences == [], (site, browser.parts.differences[:5])
            focus = browser.parts.report()["focus"]
            assert focus["reused"] == 0 and focus["not_reused"].get(reason) == 2, (site, focus)

            def weakened(script, text=weaken):
                assert text in script
                return script.replace(text, "")

            weak = _focus_run(chromium, base, ["a.html", "b.html"], tmp_path / site / "weak", focus_js=weakened)
            assert weak.parts.report()["focus"]["reused"] == 1, site
            assert _focus_differences(weak) == {"b.html"}, site


# --- the Tab walk through shared parts ------------------------------------------------------------------------

_WALK_HEADER = ('<header class="haut"><a class="logo" href="/">Ville d\'Essai</a><nav><ul>'
                + "".join(f'<li><a href="/rubrique-{i}.html">Rubrique {i}</a><ul class="sous">'
                          + "".join(f'<li><a href="/rubrique-{i}/{j}.html">Page {i}.{j}</a></li>' for j in range(3))
                          + "</ul></li>" for i in range(4))
                + '</ul></nav><form role="search"><label for="q">Rechercher</label><input id="q" type="search">'
                '<button type="submit">OK</button></form></header>')
_WALK_CSS = _FOCUS_CSS + ".sous { display: none; } li:focus-within > .sous { display: block; }\n"


def _walk_page(script: str = "") -> str:
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page</title>'
            f'<link rel="stylesheet" href="site.css"></head><body><a class="evitement" href="#contenu">Aller au '
            f'contenu</a>{_WALK_HEADER}<main id="contenu"><h1>Page</h1><p><a href="/plus.html">En savoir plus</a> '
            f'<a href="/autre.html">Autre page</a></p></main>{script}</body></html>')


def _walk_differences(browser: Browser) -> set[str]:
    return {d["url"].rsplit("/", 1)[-1] for d in browser.parts.differences if d.get("probe") == "tab_walk"}


def test_the_tab_walk_skips_a_known_parts_stops_where_the_page_proves_them_the_same(chromium, tmp_path,
                                                                                     monkeypatch):
    """The header's stops (its menu opening section by section as the focus enters it, :focus-within) are learnt on
    the first page; on the next ones the walk writes them down and moves the focus through them by script, with the
    same result as pressing every key (proof mode). A page where a script listens to the keys is walked key by key;
    with the listeners' check taken out, the proof reports that page (its script sends the focus from the second
    section straight to the search field)."""
    redirect = ("<script>document.addEventListener('keydown', (e) => { const a = document.activeElement; "
                "if (e.key === 'Tab' && !e.shiftKey && a && a.getAttribute('href') === '/rubrique-1/2.html') "
                "{ e.preventDefault(); document.getElementById('q').focus(); } });</script>")
    _focus_site(tmp_path / "site", _WALK_CSS, {"a.html": _walk_page(), "b.html": _walk_page(),
                                               "c.html": _walk_page(), "d.html": _walk_page(redirect)})
    with served_folder(tmp_path / "site") as base:
        browser = _focus_run(chromium, base, ["a.html", "b.html", "c.html", "d.html"], tmp_path / "out")
        walk = browser.parts.report()["tab_walk"]
        assert browser.parts.differences == [], browser.parts.differences[:5]
        assert walk["learnt"] == 1 and walk["skipped"] == 2, walk
        assert walk["skipped_stops"] == 2 * (1 + 4 * 4 + 2)  # the logo, 4 sections of 1 + 3 links, field, button
        assert walk["not_skipped"] == {"key_or_focus_listeners": 1}
        stored = json.loads((tmp_path / "out" / "1" / "probes.json").read_text(encoding="utf-8"))["tab_walk"]
        assert stored["exited"] and stored["trap"] is None and len(stored["sequence"]) >= 22
        monkeypatch.setattr(parts, "WALK_EVENTS", frozenset())
        weak = _focus_run(chromium, base, ["a.html", "d.html"], tmp_path / "weak")
    assert weak.parts.report()["tab_walk"]["skipped"] == 1
    assert _walk_differences(weak) == {"d.html"}


def test_a_parts_stops_are_learnt_only_when_they_come_one_after_the_other():
    from audit.keyboard import _part_stops

    assert _part_stops([[3, 1], [4, 5], [5, 9]], 10) == [1, 5, 9]
    assert _part_stops([], 10) == [] and _part_stops(None, 10) == []
    assert _part_stops([[3, 1], [5, 9]], 10) == {"reason": "stops_apart"}  # something else between two stops
    assert _part_stops([[3, 1], [4, 1]], 10) == {"reason": "stops_apart"}  # one element twice
    assert _part_stops([[8, 1], [9, 2]], 10) == {"reason": "walk_ended_inside"}  # nothing after the last stop


def test_compare_walk_reads_ids_as_selectors():
    one = {"sequence": [0, 1, 2, -1], "first": [0, 1, 2], "backward": [], "trap": None, "skip_link": {"id": 0},
           "elements": {"0": {"s": "a.skip"}, "1": {"s": "#logo"}, "2": {"s": "#q"}}, "exited": True, "steps": 4,
           "ms": 120}
    other = {**one, "sequence": [5, 7, 9, -1], "first": [5, 7, 9], "skip_link": {"id": 5}, "steps": 2, "ms": 40,
             "elements": {"5": {"s": "a.skip"}, "7": {"s": "#logo"}, "9": {"s": "#q"}}}
    assert parts.compare_walk(one, other) == []  # other ids, fewer presses, less time: the same walk
    swapped = {**other, "sequence": [5, 9, 7, -1]}
    assert parts.compare_walk(swapped, one) == [{"probe": "tab_walk", "field": "sequence"}]


def test_a_walk_that_skips_stops_at_the_same_limit_as_pressing_every_key(chromium, tmp_path):
    """A skipped stop counts as a press against the walk's limit (keyboard.MAX_STEPS): on a page too long for the
    limit, the walk that skips does not end either, and is done again key by key, so the proof finds the same walk
    (before that rule, the walk that skipped went further than the one pressing every key, and ended)."""
    long_main = "".join(f'<a href="/p{i}.html">Lien {i}</a> ' for i in range(185))  # with the header: past 200
    _focus_site(tmp_path / "site", _WALK_CSS, {"a.html": _walk_page(),
                                               "b.html": _walk_page().replace("<h1>Page</h1>", "<h1>Page</h1>" + long_main)})
    with served_folder(tmp_path / "site") as base:
        browser = _focus_run(chromium, base, ["a.html", "b.html"], tmp_path / "out")
    walk = browser.parts.report()["tab_walk"]
    assert browser.parts.differences == [], browser.parts.differences[:5]
    assert walk["not_skipped"] == {"walked_again_not_exited": 1} and walk["skipped"] == 0, walk
    stored = json.loads((tmp_path / "out" / "1" / "probes.json").read_text(encoding="utf-8"))["tab_walk"]
    assert not stored["exited"] and stored["steps"] == 200

"""Theme 12 checks (audit/checks/navigation.py) on fixtures, W3C ACT test cases and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import probe_fixture_tests
from lxml import html as lxml_html
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    act_outcomes,
    act_server_fixture,
    demo_defects,
    demo_pages_fixture,
    live_browser_fixture,
    outcome_of,
)

from audit.checks import Evidence, load_checks, run_page_checks
from audit.checks.navigation import navigation_systems
from audit.model import Outcome, PageSnapshot

pytestmark = pytest.mark.browser

MINE = ("rgaa-12.7-skip-link", "rgaa-12.7-skip-link-works", "rgaa-12.8-tab-order", "rgaa-12.9-keyboard-trap")

pages, test_metadata, test_fixture = probe_fixture_tests("navigation")


def test_trap_finding_names_the_cycle(pages):
    [finding] = run_page_checks(pages["failed-keyboard-trap.html"], only=["rgaa-12.9-keyboard-trap"])
    assert finding.selector == "#jour" and finding.impact == "critical"
    assert "« Jour »" in finding.message and "« Année »" in finding.message
    assert "sans atteindre les 2 autres éléments ni sortir de la page" in finding.message
    english = finding.said("message", "en")
    assert english.startswith("Keyboard trap: focus loops between ") and "Jour" in english and "Année" in english
    assert "without reaching the 2 other elements or leaving the page" in english


def test_skip_link_pass_is_conclusive(pages):
    [finding] = run_page_checks(pages["passed-skip-link.html"], only=["rgaa-12.7-skip-link"])
    assert finding.conclusive and finding.selector == "html > body > a"
    [works] = run_page_checks(pages["passed-skip-link.html"], only=["rgaa-12.7-skip-link-works"])
    assert works.outcome == Outcome.PASSED and not works.conclusive


def _page(tmp_path, name, body, journey=None):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "dom.html").write_text(f"<!DOCTYPE html><html><head><title>{name}</title></head><body>{body}</body></html>")
    snap = PageSnapshot(key=name, url=f"http://ville.example/{name}", files={"dom": "dom.html"}, status=200,
                        journey=journey)
    return Evidence(snap, folder)


MENU = "<nav aria-label='Menu principal'><a href='/a'>A</a> <a href='/b'>B</a></nav>"
SEARCH = "<form role='search' action='/recherche'><input name='q'><button>OK</button></form>"
SITEMAP = "<footer><a href='/plan-du-site.html'>Plan du site</a></footer>"


def test_navigation_systems_are_found():
    def found(body):
        return navigation_systems(lxml_html.document_fromstring(f"<html><body>{body}</body></html>"))

    assert found(MENU + SEARCH + SITEMAP) == {"menu", "search", "sitemap"}
    assert found("<nav aria-label=\"Fil d'Ariane\"><a href='/'>Accueil</a> <a href='/x'>X</a></nav>") == set()
    assert found("<form action='/rechercher'><input name='mots'></form>") == {"search"}
    assert found("<a href='/sitemap.xml'>XML</a>") == set()


def test_an_off_site_sitemap_link_is_not_the_sites_plan():
    def found(body):
        root = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
        return navigation_systems(root, "https://www.ville.example/mairie")

    assert found("<a href='https://www.service-public.fr/plan-du-site'>Plan du site</a>") == set()
    assert found("<a href='https://annuaire.example/sitemap'>Site map</a>") == set()
    assert found("<a href='/plan-du-site'>Plan du site</a>") == {"sitemap"}
    assert found("<a href='https://ville.example/plan'>Plan du site</a>") == {"sitemap"}  # www. or not


def test_a_menu_need_not_be_a_nav_element():
    def found(body):
        root = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
        return navigation_systems(root, "https://www.ville.example/")

    links = "<li><a href='/mairie'>Mairie</a></li><li><a href='/culture'>Culture</a></li><li><a href='/sport'>Sport</a></li>"
    assert found(f"<div role='navigation'><ul>{links}</ul></div>") == {"menu"}
    assert found(f"<ul role='navigation'>{links}</ul>") == {"menu"}
    assert found(f"<ul role='menubar'>{links}</ul>") == {"menu"}
    assert found(f"<header><a href='/'>Logo</a><ul class='liens'>{links}</ul></header>") == {"menu"}
    assert found(f"<div role='banner'><ol>{links}</ol></div>") == {"menu"}
    # a list of links in an article's header, or of links to other sites, is not the site's menu
    assert found(f"<main><article><header><ul>{links}</ul></header></article></main>") == set()
    social = "<li><a href='https://x.example/v'>X</a></li><li><a href='https://fb.example/v'>Facebook</a></li>"
    assert found(f"<nav aria-label='Réseaux sociaux'><ul>{social}</ul></nav>") == set()


def _probed(tmp_path, probes: dict) -> Evidence:
    import json

    folder = tmp_path / "probed"
    folder.mkdir(parents=True)
    (folder / "probes.json").write_text(json.dumps(probes), encoding="utf-8")
    snap = PageSnapshot(key="p", url="http://ville.example/p", files={"probes": "probes.json"}, status=200)
    return Evidence(snap, folder)


def test_messages_are_said_in_english(tmp_path):
    """A finding keeps its message's data: said in English, it is English; its French is unchanged."""
    import json

    from audit import words

    elements = {"1": {"name": "Jour", "s": "#jour", "dom": 1}, "2": {"s": "#annee", "tag": "select", "dom": 2},
                "3": {"name": "Contenu", "s": "#skip", "dom": 0}}
    walk = {"tabbables": [3, 1, 2], "elements": elements, "main": "#contenu", "before_main": 4,
            "trap": {"cycle": [2, 1], "confirmed": True, "outside": 1},
            "skip_link": {"id": 3, "name": "Contenu", "fragment": "contenu", "target_exists": False}}
    found = {f.check_id: f for f in run_page_checks(_probed(tmp_path, {"tab_walk": walk}), only=MINE)}
    trap = found["rgaa-12.9-keyboard-trap"]
    assert trap.message == ("Piège au clavier : le focus tourne en boucle entre « Jour », #annee sans atteindre 1 autre "
                            "élément ni sortir de la page ; Maj+Tab et Échap n'en sortent pas.")
    assert trap.said("message", "en") == (f"Keyboard trap: focus loops between {words.text('« {name} »', 'en', name='Jour')}, "
                                          "#annee without reaching the 1 other element or leaving the page; neither "
                                          "Shift+Tab nor Escape gets out.")
    skip = found["rgaa-12.7-skip-link"]
    assert skip.message == "Le lien « Contenu » mène à l'ancre #contenu, qui n'existe pas dans la page."
    assert skip.said("message", "en") == "The “Contenu” link points to the anchor #contenu, which does not exist on the page."
    for f in found.values():
        assert json.loads(json.dumps(f.extra)) == f.extra
        if f.outcome == Outcome.FAILED:
            assert f.said("message", "en") != f.message
    [nothing] = run_page_checks(_probed(tmp_path / "x", {"tab_walk": {
        "tabbables": [], "inapplicable": {"code": "no_tabbable", "reason": "aucun élément de la page n'est atteignable "
                                                                           "avec la touche Tab"}}}),
        only=["rgaa-12.9-keyboard-trap"])
    assert nothing.said("message", "en") == "Not applicable: no element of the page can be reached with the Tab key."
    for chk in load_checks().values():
        if chk.module == "audit.checks.navigation":
            for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
                assert text is None or words.gettext(text, "en") != text, (chk.id, text)


def test_site_navigation_in_english(tmp_path):
    chk = load_checks()["rgaa-12.1-navigation-systems"]
    [failed] = chk.func([_page(tmp_path, "c", MENU), _page(tmp_path, "d", MENU)])
    assert str(failed.message) == ("Sur les 2 pages auditées, on ne trouve que un menu de navigation : il faut deux "
                                   "systèmes de navigation au moins.")
    assert failed.message.render("en") == ("On the 2 audited pages, there is only a navigation menu: at least two "
                                           "navigation systems are needed.")
    [passed] = chk.func([_page(tmp_path, "e", MENU + SEARCH + SITEMAP), _page(tmp_path, "f", MENU + SEARCH + SITEMAP)])
    assert str(passed.message) == ("Les 2 pages auditées offrent un menu de navigation, un moteur de recherche et un "
                                   "plan du site.")
    assert passed.message.render("en") == "The 2 audited pages offer a navigation menu, a search engine and a site map."


def _site(pages):
    return {r.page.key: r.outcome for r in load_checks()["rgaa-12.1-navigation-systems"].func(pages)}


def test_site_navigation_systems(tmp_path):
    outcome = _site

    good = [_page(tmp_path, "a", MENU + SEARCH), _page(tmp_path, "b", MENU + SITEMAP + SEARCH)]
    assert outcome(good) == {"a": Outcome.PASSED}
    menus_only = [_page(tmp_path, "c", MENU), _page(tmp_path, "d", MENU),
                  _page(tmp_path, "e", MENU + SEARCH, journey="cantine")]  # journey steps are not counted
    assert outcome(menus_only) == {"c": Outcome.FAILED}
    mixed = [_page(tmp_path, "f", MENU + SEARCH), _page(tmp_path, "g", MENU)]
    assert outcome(mixed) == {"g": Outcome.CANT_TELL}
    assert outcome([_page(tmp_path, "h", MENU + SEARCH)]) == {"h": Outcome.CANT_TELL}  # one page says little


def _consistency(results):
    false_failures = [(cid, rule, exp) for cid, rule, exp, out in results if exp != "failed" and out == Outcome.FAILED]
    found = {(cid, rule) for cid, rule, exp, out in results if exp == "failed" and out == Outcome.FAILED}
    return false_failures, found


def test_act_keyboard_trap(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["80af7b", "a1b64e", "ebe86a"],
                           ["rgaa-12.9-keyboard-trap"], only=[], python=["tab_walk"])
    false_failures, found = _consistency(results)
    # One file is "passed" for 80af7b and "failed" for a1b64e (focus moved by timers): it may never fail.
    assert [f for f in false_failures if f[0] != "d2f5325f3fd5ddde38cd677a5ca36ba0d762fb84"] == []
    assert not any(cid == "d2f5325f3fd5ddde38cd677a5ca36ba0d762fb84" for cid, _ in found)
    # The traps made with synchronous focus handlers and no escape are found. Those made with 10 ms timers are
    # found when the machine keeps up with the timers, else left as questions: never asserted here.
    assert {("7dcc4ae00712889d448ecbcba200e032dca59bf0", "80af7b"),
            ("8fba3918b361f251dab4c19bec8eddc5624218ee", "80af7b"),
            ("7dcc4ae00712889d448ecbcba200e032dca59bf0", "ebe86a"),
            ("8fba3918b361f251dab4c19bec8eddc5624218ee", "ebe86a")} <= found


def test_act_bypass_blocks(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["ye5d6e", "cf77f2"],
                           ["rgaa-12.7-skip-link", "rgaa-12.7-skip-link-works"], only=[], python=["tab_walk"])
    false_failures, found = _consistency(results)
    assert false_failures == []
    assert ("8c1d5e197106ae2949afe70e93179cff2a2b99a1", "ye5d6e") in found  # link to a missing anchor


def test_demo_town(demo_pages):
    """The seeded navigation defects are found; no other failure of these checks on the demo pages."""
    failures = {(path, f.check_id) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED}
    assert demo_defects("12.9") == {"/"} and demo_defects("12.7") == {"/plan-du-site.html", "/mediatheque/horaires.html"}
    assert failures == {("/", "rgaa-12.9-keyboard-trap"), ("/plan-du-site.html", "rgaa-12.7-skip-link"),
                        ("/mediatheque/horaires.html", "rgaa-12.7-skip-link")}
    # tabindex="1" on /connexion: the order may or may not stay coherent, a person decides.
    assert outcome_of(demo_pages["/connexion"], "rgaa-12.8-tab-order") == Outcome.CANT_TELL
    assert set(_site(list(demo_pages.values())).values()) == {Outcome.PASSED}

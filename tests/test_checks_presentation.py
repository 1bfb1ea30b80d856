"""Theme 10 checks (audit/checks/presentation.py) on fixtures, W3C ACT test cases and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import probe_fixture_tests
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    act_outcomes,
    act_server_fixture,
    demo_defects,
    demo_pages_fixture,
    live_browser_fixture,
)

from audit.checks import Evidence, run_page_checks
from audit.model import Outcome, PageSnapshot

pytestmark = pytest.mark.browser

MINE = ("rgaa-10.7-focus-visible", "rgaa-10.4-text-zoom", "rgaa-10.11-reflow", "rgaa-10.12-text-spacing",
        "rgaa-10.12-spacing-important")

pages, test_metadata, test_fixture = probe_fixture_tests("presentation")


def test_findings_name_the_element(pages):
    [finding] = [f for f in run_page_checks(pages["failed-focus-outline-none.html"], only=["rgaa-10.7-focus-visible"])
                 if f.outcome == Outcome.FAILED]
    assert finding.selector == "html > body > ul > li > a"
    assert finding.snippet == '<a href="/b">Carte sans indication de focus</a>'
    assert finding.rgaa_tests == ("10.7.1",) and finding.wcag == ("2.4.7",) and not finding.conclusive
    [cut] = [f for f in run_page_checks(pages["failed-zoom-fixed-height.html"], only=["rgaa-10.4-text-zoom"])]
    assert cut.outcome == Outcome.FAILED and "Travaux rue des Mariniers" in cut.message


def test_missing_probes_never_pass(tmp_path):
    """Snapshots without probes (probes disabled, older runs): each check says it could not tell, and why."""
    (tmp_path / "dom.html").write_text("<html><body><a href='/'>x</a></body></html>")
    (tmp_path / "probes.json").write_text('{"focus": {"error": "TimeoutError: page closed"}}')
    evidence = Evidence(PageSnapshot(key="k", url="http://x/", files={"dom": "dom.html", "probes": "probes.json"}),
                        tmp_path)
    findings = run_page_checks(evidence, only=MINE)
    by_check = {f.check_id: f for f in findings}
    assert {f.outcome for f in findings} == {Outcome.CANT_TELL}
    assert "TimeoutError" in by_check["rgaa-10.7-focus-visible"].message
    assert "n'a pas été exécutée" in by_check["rgaa-10.11-reflow"].message
    assert by_check["rgaa-10.11-reflow"].question.endswith("(à vérifier manuellement)")


def _consistency(results):
    false_failures = [(cid, rule, exp) for cid, rule, exp, out in results if exp != "failed" and out == Outcome.FAILED]
    found = sum(1 for _, _, exp, out in results if exp == "failed" and out == Outcome.FAILED)
    total = sum(1 for _, _, exp, _ in results if exp == "failed")
    return false_failures, found, total


def test_act_focus_visible(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["oj04fd"], ["rgaa-10.7-focus-visible"],
                           only=["focus"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert (found, total) == (1, 1)


def test_act_zoomed_text_not_clipped(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["59br37"], ["rgaa-10.4-text-zoom"],
                           python=["zoom"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert total == 5 and found >= 3  # text already clipped at 100 % stays a question (cant_tell)


def test_act_important_text_spacing(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["24afc2", "9e45ec", "78fd32"],
                           ["rgaa-10.12-spacing-important", "rgaa-10.12-text-spacing"], python=["text_spacing"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert (found, total) == (total, 14)


def test_demo_town(demo_pages):
    """The seeded focus defect is found; no other failure of these checks on the demo pages."""
    failures = {(path, f.check_id, f.selector) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED}
    assert demo_defects("10.7") == {"/actualites/"}
    assert failures == {("/actualites/", "rgaa-10.7-focus-visible",
                         f"#contenu > div > ul > li:nth-of-type({n}) > h2 > a") for n in (1, 2, 3)}


def test_messages_in_english(tmp_path):
    """Each kind of message, from saved probes (no browser needed): said in English, unlike the French."""
    import json

    probes = {
        "focus": {"truncated": True, "elements": [
            {"s": "#a", "focus": "ok", "change": "none"},
            {"s": "#b", "focus": "ok", "change": "none", "unseen": "parts"},
            {"s": "#c", "focus": "ok", "change": "weak"}, {"s": "#d", "focus": "ok", "change": "weak"},
            {"s": "#e", "focus": "ok", "change": "strong"}]},
        "zoom": {"clipped": [{"s": "#z", "text": "Travaux rue des Mariniers"},
                             {"s": "#y", "text": "Horaires", "ellipsis": True}],
                 "clipped_before": [{"s": "#x"}]},
        "reflow": {"width": 320, "scroll_width": 480, "overflow": True,
                   "offenders": [{"s": "#w", "right": 480}, {"s": "#t", "right": 400, "exempt": True}]},
        "text_spacing": {"clipped": [], "clipped_inapplicable": {"code": "no_clipping_box", "reason": "…"},
                         "important": [{"s": "#p", "prop": "line-height", "value": "1.2", "ratio": 1.2,
                                        "need": 1.5}]},
    }
    (tmp_path / "dom.html").write_text("<html><body><a href='/'>x</a></body></html>")
    (tmp_path / "probes.json").write_text(json.dumps(probes))
    evidence = Evidence(PageSnapshot(key="k", url="http://x/", files={"dom": "dom.html", "probes": "probes.json"}),
                        tmp_path)
    findings = run_page_checks(evidence, only=MINE)
    said = {(f.check_id, f.outcome.value): [] for f in findings}
    for f in findings:
        json.dumps(f.extra)
        english = f.said("message", "en")
        assert english != f.message and "«" not in english and " :" not in english, (f.message, english)
        if f.question:
            assert f.said("question", "en") != f.question
        said[(f.check_id, f.outcome.value)].append((f.message, english))
    assert ("Aucun changement visible à la prise de focus (contour, fond, bordure, soulignement, couleur) : le "
            "focus est invisible.", "No visible change when the element receives focus (outline, background, "
            "border, underline, colour): the focus is invisible.") in said[("rgaa-10.7-focus-visible", "failed")]
    assert ("1 élément change nettement d'apparence à la prise de focus (premiers éléments seulement).",
            "1 element clearly changes appearance when it receives focus (first elements only).") in \
        said[("rgaa-10.7-focus-visible", "passed")]
    assert ("2 éléments : le seul changement au focus est discret (couleur proche, graisse, opacité…) — #c, #d.",
            "2 elements: the only change on focus is subtle (a similar colour, font weight, opacity…) — #c, #d.") \
        in said[("rgaa-10.7-focus-visible", "cant_tell")]
    assert ("Texte coupé à 200 % par un bloc en overflow: hidden : « Travaux rue des Mariniers ».",
            "Text clipped at 200% by a box with overflow: hidden: 'Travaux rue des Mariniers'.") in \
        said[("rgaa-10.4-text-zoom", "failed")]
    assert ("À 320 px, la page fait 480 px de large : cet élément dépasse à droite (jusqu'à 480 px).",
            "At 320 px, the page is 480 px wide: this element overflows on the right (up to 480 px).") in \
        said[("rgaa-10.11-reflow", "failed")]
    assert said[("rgaa-10.12-spacing-important", "failed")] == [
        ("« line-height: 1.2 !important » fixe l'interligne à 1,2 fois la taille du texte, sous le minimum de 1,5.",
         "'line-height: 1.2 !important' sets line height to 1.2 times the text size, below the minimum of 1.5.")]
    assert said[("rgaa-10.12-text-spacing", "inapplicable")][0][1].startswith("Not applicable: no box with overflow")

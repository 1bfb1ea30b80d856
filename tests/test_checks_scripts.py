"""Theme 7 checks (audit/checks/scripts.py) on fixtures and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import probe_fixture_tests
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    demo_defects,
    demo_pages_fixture,
    live_browser_fixture,
)

from audit.checks import Evidence, load_checks, run_page_checks
from audit.model import Outcome, PageSnapshot

pytestmark = pytest.mark.browser

MINE = ("rgaa-7.3-keyboard-access", "rgaa-7.1-script-control-role", "rgaa-7.3-focus-kept")

pages, test_metadata, test_fixture = probe_fixture_tests("scripts", python=())


def test_clickable_div_finding(pages):
    findings = run_page_checks(pages["failed-clickable-div.html"], only=["rgaa-7.3-keyboard-access"])
    [failed] = [f for f in findings if f.outcome == Outcome.FAILED]
    assert failed.selector == "html > body > div:nth-of-type(2)" and failed.impact == "critical"
    assert "« Afficher toutes les questions »" in failed.message
    assert failed.snippet.startswith('<div class="plus" onclick=')
    assert failed.said("message", "en").endswith(
        " reacts to clicks but cannot receive focus: it cannot be used with the keyboard (unless another "
        "keyboard-accessible element of the page does the same thing).")


def test_messages_are_said_in_english(tmp_path):
    """A finding keeps its message's data: said in English, it is English; its French is unchanged."""
    import json

    from audit import words

    (tmp_path / "probes.json").write_text(json.dumps({
        "interactive": {"items": [{"s": "#plus", "tag": "div", "handler": True},
                                  {"s": "#a", "role": "button"}, {"s": "#b", "role": "checkbox"}]},
        "focus": {"elements": [{"s": "#c", "focus": "removed", "name": "Menu"}, {"s": "#d", "focus": "ok"}]}}),
        encoding="utf-8")
    snap = PageSnapshot(key="p", url="http://ville.example/p", files={"probes": "probes.json"}, status=200)
    found = run_page_checks(Evidence(snap, tmp_path), only=MINE)
    said = {(f.check_id, f.outcome): (f.message, f.said("message", "en")) for f in found}
    assert said["rgaa-7.1-script-control-role", Outcome.FAILED] == (
        "<div> réagit au clic mais n'a aucun rôle : un lecteur d'écran ne l'annonce pas comme un bouton ou un lien.",
        "<div> reacts to clicks but has no role: a screen reader does not announce it as a button or a link.")
    assert said["rgaa-7.3-keyboard-access", Outcome.CANT_TELL] == (
        "2 éléments ont un rôle de composant (bouton, case à cocher…) sans pouvoir recevoir le focus : #a, #b.",
        "2 elements have a widget role (button, checkbox…) but cannot receive focus: #a, #b.")
    french, english = said["rgaa-7.3-focus-kept", Outcome.FAILED]
    assert french == "« Menu » perd le focus aussitôt reçu : un script le lui retire."
    assert english.endswith(" loses focus as soon as it receives it: a script takes it away.") and "Menu" in english
    for f in found:
        assert json.loads(json.dumps(f.extra)) == f.extra
        if f.outcome == Outcome.FAILED:
            assert f.said("message", "en") != f.message
    (tmp_path / "probes.json").write_text(json.dumps({"focus": {"inapplicable": {
        "code": "no_focus_target", "reason": "aucun élément de la page ne reçoit le focus avec la touche Tab"}}}))
    [nothing] = run_page_checks(Evidence(snap, tmp_path), only=["rgaa-7.3-focus-kept"])
    assert nothing.message == "Non applicable : aucun élément de la page ne reçoit le focus avec la touche Tab."
    assert nothing.said("message", "en") == "Not applicable: no element of the page receives focus with the Tab key."
    for chk in load_checks().values():
        if chk.module == "audit.checks.scripts":
            for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
                assert text is None or words.gettext(text, "en") != text, (chk.id, text)


def test_demo_town(demo_pages):
    """The seeded clickable div is found; no other failure of these checks on the demo pages."""
    failures = {(path, f.check_id, f.selector) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED}
    assert "/aide.html" in demo_defects("7.3")
    div = "#contenu > div > div > div:nth-of-type(5)"
    assert failures == {("/aide.html", "rgaa-7.3-keyboard-access", div),
                        ("/aide.html", "rgaa-7.1-script-control-role", div)}

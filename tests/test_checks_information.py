"""audit/checks/information.py (criterion 3.1): colour named in the text, links in running text."""

from __future__ import annotations

import pytest
from check_fixtures import page_fixture_tests
from test_checks_forms import evidence, outcome_of

from audit.checks.information import colour_sentences, links_in_text
from audit.model import Outcome

test_fixture_outcome, test_never_fails_on_clean_fixtures = page_fixture_tests("information")


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html lang=fr><head>{head}<title>t</title></head><body><main>{body}</main></body></html>"


@pytest.mark.parametrize(("text", "found"), [
    ("Les champs en rouge sont obligatoires.", True),
    ("Les jours fériés sont indiqués en orange dans le calendrier.", True),
    ("Fields shown in red are required.", True),
    ("Les créneaux verts sont disponibles.", True),
    ("Le vin rouge de Bellerive est réputé.", False),
    ("La Croix-Rouge tient une permanence le mardi.", False),
    ("Le maillot vert du Tour passera en ville.", False),
    ("Les volets sont peints en bleu.", False),
])
def test_colour_sentences(tmp_path, text, found):
    ev = evidence(tmp_path, page(f"<p>{text}</p>"))
    assert bool(colour_sentences(ev.dom)) is found


def test_only_the_deepest_block_is_reported(tmp_path):
    ev = evidence(tmp_path, page("<div><p>Intro.</p><p>Les champs en rouge sont obligatoires.</p></div>"))
    (el, sentence), = colour_sentences(ev.dom)
    assert el.tag == "p" and sentence == "Les champs en rouge sont obligatoires."


def test_links_in_running_text(tmp_path):
    body = ('<nav><ul><li><a href="/">Accueil</a></li></ul></nav><ul><li><a href="/a">Seul lien</a></li></ul>'
            '<p>Pour en savoir plus sur les horaires, lisez <a href="/h">la page des horaires</a> ce mois-ci.</p>')
    ev = evidence(tmp_path, page(body))
    assert [a.get("href") for a in links_in_text(ev.dom)] == ["/h"]


@pytest.mark.parametrize(("css", "inline", "expected"), [
    ("a { text-decoration: none }", "", Outcome.CANT_TELL),
    ("a:link, a:visited { text-decoration: none }", "", Outcome.CANT_TELL),
    ("a:hover { text-decoration: none }", "", Outcome.PASSED),
    ("a { text-decoration: none } p a { text-decoration: underline }", "", Outcome.PASSED),
    ("#x a { text-decoration: underline } a { text-decoration: none }", "", Outcome.PASSED),
    ("@media print { a { text-decoration: none } }", "", Outcome.PASSED),
    ("@media screen and (min-width: 40em) { p a { text-decoration: none } }", "", Outcome.CANT_TELL),
    ("a { text-decoration: none; border-bottom: 1px solid }", "", Outcome.PASSED),
    ("", "text-decoration: none", Outcome.CANT_TELL),
    ("a { text-decoration: none }", "text-decoration: underline", Outcome.PASSED),
    ("a[href^=http { text-decoration: none }", "", Outcome.PASSED),
])
def test_link_underline_from_page_css(tmp_path, css, inline, expected):
    body = f'<div id="x"><p>Consultez <a href="/h" style="{inline}">la page des horaires</a> avant de venir nous voir.</p></div>'
    ev = evidence(tmp_path, page(body, f"<style>{css}</style>"))
    assert outcome_of(ev, "rgaa-3.1-links-colour") == expected


def test_findings_are_said_in_english_too(tmp_path):
    from audit.checks import run_page_checks

    body = ('<p>Les champs en rouge sont obligatoires.</p><p>Consultez <a href="/h">la page des horaires</a> avant '
            'de venir nous voir.</p>')
    ev = evidence(tmp_path, page(body, "<style>a { text-decoration: none }</style>"))
    found = {f.check_id: f for f in run_page_checks(ev, only=["rgaa-3.1-colour-text", "rgaa-3.1-links-colour"])}
    colour = found["rgaa-3.1-colour-text"]
    assert colour.message == "Le texte « Les champs en rouge sont obligatoires. » renvoie à une couleur."
    assert colour.said("message", "en") == "The text “Les champs en rouge sont obligatoires.” refers to a colour."
    links = found["rgaa-3.1-links-colour"]
    assert links.outcome == Outcome.CANT_TELL
    assert links.said("message", "en") == ("The page's stylesheet removes the underline of 1 link in running text: "
                                           "“la page des horaires”.")

"""audit/checks/consultation.py (theme 13 on HTML pages): fixtures, meta refresh parsing, cryptic content."""

from __future__ import annotations

import pytest
from check_fixtures import page_fixture_tests
from test_checks_forms import evidence, outcome_of

from audit.checks import run_page_checks
from audit.checks.consultation import EMOTICON, document_links, parse_refresh
from audit.model import Outcome, worst

test_fixture_outcome, test_never_fails_on_clean_fixtures = page_fixture_tests("consultation")


@pytest.mark.parametrize(("content", "parsed"), [
    ("300", (300, None)), ("  5; URL='https://w3.org'", (5, "https://w3.org")), ("0;url=/a", (0, "/a")),
    ("0; https://w3.org", (0, "https://w3.org")), ("5.9, /b", (5, "/b")), (".5", (0, None)), ("7 ", (7, None)),
    ('3; url="/q"', (3, "/q")),
    ("0: https://w3.org", None), ("-00.12 foo", None), ("; 30", None), ("", None), ("+5; /x", None),
    ("foo; URL='/x'", None), (None, None),
])
def test_parse_refresh_follows_html(content, parsed):
    assert parse_refresh(content) == parsed


@pytest.mark.parametrize(("head", "expected", "test"), [
    ('<meta http-equiv="refresh" content="30">', Outcome.FAILED, "13.1.1"),
    ('<meta http-equiv="refresh" content="30; url=https://x.test/page">', Outcome.FAILED, "13.1.1"),
    ('<meta http-equiv="refresh" content="30; url=/autre">', Outcome.FAILED, "13.1.2"),
    ('<meta http-equiv="refresh" content="72000">', Outcome.PASSED, ""),
    ('<meta http-equiv="refresh" content="90000; url=/autre">', Outcome.CANT_TELL, ""),
    ('<meta http-equiv="refresh" content="0: /x"><meta http-equiv="refresh" content="5; /x">', Outcome.FAILED, ""),
])
def test_refresh_or_redirect(tmp_path, head, expected, test):
    html = f"<html lang=fr><head>{head}<title>t</title></head><body><p>x</p></body></html>"
    findings = run_page_checks(evidence(tmp_path, html, url="https://x.test/page"), only=["rgaa-13.1-refresh"])
    assert worst(f.outcome for f in findings) == expected
    assert test in findings[0].message


@pytest.mark.parametrize(("text", "found"), [
    (":)", [":)"]), ("Bravo ;-)", [";-)"]), ("J'adore <3", ["<3"]), ("Super :D !", [":D"]),
    ("Ouvert de 10:30 à 12:00", []), ("Voir https://x.test/a", []), ("Horaires : (matin)", []),
    ("Note: (voir plus bas)", []), ("C:\\Documents", []),
])
def test_emoticons(text, found):
    assert EMOTICON.findall(text) == found


def test_download_links_are_listed_once(tmp_path):
    body = ('<a href="/d/a.pdf">A</a><a href="/d/a.pdf#p2">A, page 2</a><a href="/d/b.ODT">B</a>'
            '<a href="/d/c" type="application/pdf">C</a><a href="/d/e.html">E</a><a href="/d/f.pdf" hidden>F</a>')
    ev = evidence(tmp_path, f"<html lang=fr><body><p>{body}</p></body></html>")
    assert [href for _, href in document_links(ev.dom)] == ["/d/a.pdf", "/d/b.ODT", "/d/c"]


def test_logout_only_from_controls(tmp_path):
    text = "<p>Le cookie est supprimé à la déconnexion.</p>"
    assert outcome_of(evidence(tmp_path, f"<html><body>{text}</body></html>", key="a"),
                      "rgaa-13.1-time-limits") == Outcome.INAPPLICABLE
    link = '<p><a href="/logout">Se déconnecter</a></p>'
    assert outcome_of(evidence(tmp_path, f"<html><body>{link}</body></html>", key="b"),
                      "rgaa-13.1-time-limits") == Outcome.CANT_TELL


def test_marquee_with_a_stop_button_is_a_question(tmp_path):
    body = ('<marquee id="m">Info</marquee><button onclick="document.getElementById(\'m\').stop()">Arrêter</button>')
    assert outcome_of(evidence(tmp_path, f"<html><body>{body}</body></html>"), "rgaa-13.8-moving") == Outcome.CANT_TELL


def test_messages_are_said_in_english(tmp_path):
    html = ('<html lang=fr><head><meta http-equiv="refresh" content="90; url=/autre"><title>t</title></head>'
            '<body><p>x</p></body></html>')
    [finding] = run_page_checks(evidence(tmp_path, html, url="https://x.test/page"), only=["rgaa-13.1-refresh"])
    assert finding.outcome == Outcome.FAILED
    assert finding.message == "La page redirige vers /autre automatiquement après 90 secondes (test 13.1.2)."
    assert finding.said("message", "en") == "The page automatically redirects to /autre after 90 seconds (test 13.1.2)."
    html = '<html lang=fr><body><p>Bravo 😀 !</p><pre>+--+\n|  |\n+--+</pre></body></html>'
    said = [(f.message, f.said("message", "en")) for f in run_page_checks(evidence(tmp_path, html, key="c"),
                                                                           only=["rgaa-13.5-cryptic"])]
    assert ("Contenu cryptique : 😀 (grinning face).", "Cryptic content: 😀 (grinning face).") in said
    assert ("Contenu cryptique : art ASCII.", "Cryptic content: ASCII art.") in said

"""The site's own accessibility mention (checks/mention.py) and its comparison with the declaration (assess):
the home page must show « Accessibilité : … conforme », every page must link to the accessibility page, and a
mention that claims another state than the declaration is a problem the report lists first."""

from __future__ import annotations

import re
from pathlib import Path

from audit.assessment import MISMATCH_CHECK, assess
from audit.checks import Evidence, load_checks, run_site_checks
from audit.checks.mention import state_of
from audit.model import Outcome, PageKind, PageSnapshot
from audit.store import Store

BASE = "https://ville.example"
PAGE = """<!DOCTYPE html><html lang="fr"><head><title>{title}</title></head><body><header><nav>
<a href="/">Accueil</a></nav></header><main><h1>{title}</h1><p>Texte.</p></main>
<footer>{footer}</footer></body></html>"""
LINK = '<a href="/accessibilite.html">Accessibilité : {state} conforme</a>'


def _evidence(tmp_path: Path, path: str, footer: str, title: str = "Page") -> Evidence:
    folder = tmp_path / re.sub(r"\W+", "_", path)
    folder.mkdir(parents=True, exist_ok=True)
    html = PAGE.format(title=title, footer=footer)
    for name in ("source.html", "dom.html"):
        (folder / name).write_text(html, encoding="utf-8")
    snap = PageSnapshot(key=BASE + path, url=BASE + path, status=200, kind=PageKind.HTML,
                        content_type="text/html; charset=utf-8", files={"source": "source.html", "dom": "dom.html"})
    return Evidence(snap, folder)


def _judge(pages):
    return {r.page.url.removeprefix(BASE): r for r in load_checks()["legal-accessibility-mention"].func(pages)}


def test_state_of_reads_the_three_states_as_written():
    assert state_of("Accessibilité : partiellement conforme") == "partial"
    assert state_of("accessibilite: Totalement conforme") == "total"
    assert state_of("Accessibilité – non-conforme") == "none"
    assert state_of("Accessibilité") is None and state_of(None) is None


def test_home_page_without_the_mention_and_a_page_without_the_link_fail(tmp_path):
    pages = [_evidence(tmp_path, "/", '<a href="/accessibilite.html">Accessibilité</a>'),
             _evidence(tmp_path, "/contact.html", "<p>Mairie</p>"),
             _evidence(tmp_path, "/plan.html", LINK.format(state="partiellement"))]
    found = _judge(pages)
    assert found["/"].outcome == Outcome.FAILED and "page d'accueil" in found["/"].message
    assert found["/contact.html"].outcome == Outcome.FAILED and "aucun lien" in found["/contact.html"].message.lower()
    assert found["/plan.html"].outcome == Outcome.PASSED
    assert found["/plan.html"].snippet == "Accessibilité : partiellement conforme"


def test_a_fragment_without_footer_nor_navigation_is_not_asked_for_the_link(tmp_path):
    frame = _evidence(tmp_path, "/embed/carte.html", "")
    (frame.folder / "dom.html").write_text("<html lang=fr><body><p>Carte</p></body></html>", encoding="utf-8")
    assert _judge([_evidence(tmp_path, "/", LINK.format(state="non")), Evidence(frame.snap, frame.folder)]).keys() == {"/"}


def _store_with(tmp_path, mentions: dict[str, str]):
    store = Store(tmp_path / "runs")
    run = store.create_run("ville", BASE, {})
    pages = [_evidence(tmp_path, path, LINK.format(state=state)) for path, state in mentions.items()]
    site = [f for f in run_site_checks(pages) if f.check_id == "legal-accessibility-mention"]
    for e in pages:  # each page with its findings, as the runner stores them
        store.save_page(run, e.snap, [f for f in site if f.page_key == e.snap.key])
    return store, store.run(run.id)


def test_a_mention_claiming_more_than_the_declaration_is_the_first_problem(tmp_path):
    store, run = _store_with(tmp_path, {"/": "non", "/fete.html": "totalement"})
    a = assess(store, run)  # no declaration written yet: the result's own state, « non conforme »
    wrong = [f for f in a.findings if f.check_id == MISMATCH_CHECK]
    assert [f.page_key for f in wrong] == [BASE + "/fete.html"]
    assert "totalement conforme" in wrong[0].message and "non conforme" in wrong[0].message
    assert a.issues[0].check_id == MISMATCH_CHECK and a.issues[0].rank == 1
    # once a declaration « partiellement conforme » is written, the page saying « non conforme » is the wrong one
    store.record_declaration("ville", "fr", "2026-11-01", "2026-11-01", "k", run.id, state="partial")
    again = assess(store, run)
    assert sorted(f.page_key for f in again.findings if f.check_id == MISMATCH_CHECK) == [BASE + "/", BASE + "/fete.html"]
    store.close()


def test_mentions_that_agree_with_the_declaration_are_no_problem(tmp_path):
    store, run = _store_with(tmp_path, {"/": "non", "/contact.html": "non"})
    assert not [f for f in assess(store, run).findings if f.check_id == MISMATCH_CHECK]
    store.close()


def test_the_stored_result_follows_the_declaration_written_since(tmp_path):
    from audit.assessment import load_or_assess

    store, run = _store_with(tmp_path, {"/": "partiellement"})
    site = None
    before = load_or_assess(store, run, site)
    assert [f.page_key for f in before.findings if f.check_id == MISMATCH_CHECK] == [BASE + "/"]
    store.record_declaration("ville", "fr", "2026-11-01", "2026-11-01", "k", run.id, state="partial")
    after = load_or_assess(store, run, site)  # the declaration is an input: the result is made again
    assert not [f for f in after.findings if f.check_id == MISMATCH_CHECK]
    store.close()


def test_failures_are_said_in_english_too(tmp_path):
    found = _judge([_evidence(tmp_path, "/", "<p>Mairie</p>")])
    failed = found["/"]
    assert failed.message == ("La page d'accueil n'affiche pas la mention « Accessibilité : … conforme » ; aucun lien "
                              "vers la page Accessibilité (la déclaration) sur cette page.")
    from audit.words import said

    assert said(failed.message, lang="en") == ("The home page does not show the « Accessibilité : … conforme » mention; "
                                               "no link to the accessibility page (the statement) on this page.")

"""Theme 8 checks (audit/checks/mandatory.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import module_checks, theme_tests

MODULE = "mandatory"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-no-doctype.html", "failed-doctype-late.html", "cant_tell-lang-change.html",
                         "passed-mandatory.html"))


# --- site checks, language helpers, documents that are not HTML --------------------------------------

def _page(tmp_path, name, html, url, content_hash=None, **snap):
    from check_fixtures import evidence

    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    ev = evidence(path, tmp_path / name, url=url)
    ev.snap.content_hash = content_hash or name
    for key, value in snap.items():
        setattr(ev.snap, key, value)
    return ev


def _site(check_id, pages):
    """Run one site check (not every site check of the project) and return its findings."""
    from audit.checks import _finding, load_checks

    chk = load_checks()[check_id]
    by_key = {e.snap.key: e for e in pages}
    return [_finding(chk, r, by_key[r.page.key]) for r in chk.func(pages)]


def _html(title, body="<main><h1>Page</h1><p>Du texte en français pour la page.</p></main>"):
    return f'<!DOCTYPE html><html lang="fr"><head><title>{title}</title></head><body>{body}</body></html>'


def test_identical_titles_on_different_pages_fail_on_each_page(tmp_path):
    pages = [_page(tmp_path, "a", _html("Mairie — Ville de Test", "<main><p>Horaires de la mairie.</p></main>"),
                   "http://x/mairie"),
             _page(tmp_path, "b", _html("Mairie — Ville de Test", "<main><p>Écrivez-nous.</p></main>"),
                   "http://x/contact"),
             _page(tmp_path, "c", _html("Agenda — Ville de Test"), "http://x/agenda"),
             _page(tmp_path, "d", _html("Agenda — Ville de Test"), "http://x/agenda", key="journey:j:1",
                   journey="j", step=1)]  # a journey step at a crawled address is that page, not a duplicate
    findings = _site("rgaa-8.6-title-unique", pages)
    assert sorted(f.page_url for f in findings) == ["http://x/contact", "http://x/mairie"]
    other = {"http://x/contact": "/mairie", "http://x/mairie": "/contact"}
    assert all(f.outcome == "failed" and other[f.page_url] in f.message for f in findings)
    assert all(f.selector == "html > head > title" for f in findings)


def test_one_page_at_several_addresses_is_not_a_duplicate_title(tmp_path):
    pages = [_page(tmp_path, "a", _html("Mairie — Ville de Test"), "http://x/"),
             _page(tmp_path, "b", _html("Mairie — Ville de Test"), "http://x/index.html"),
             _page(tmp_path, "c", _html("Connexion — Ville de Test"), "http://x/connexion"),
             _page(tmp_path, "d", _html("Connexion — Ville de Test"), "http://x/connexion?next=/etape-1")]
    assert not _site("rgaa-8.6-title-unique", pages)


INVALID = ('<!DOCTYPE html><html lang="fr"><head><title>Essai — Ville</title></head><body><main>'
           '<p id="a">Un</p><p id="a" class="x" class="y">Deux</span></p></main></body></html>')


def test_validity_runs_the_nu_checker_once_for_the_whole_run(tmp_path):
    from audit.checks.mandatory import vnu_missing

    pages = [_page(tmp_path, "bad", INVALID, "http://x/bad"), _page(tmp_path, "good", _html("Bon — Ville"), "http://x/good")]
    findings = _site("rgaa-8.2-validity", pages)
    missing = vnu_missing()
    if missing:  # the Nu checker is not installed: the test says so, it never passes or fails a page
        assert {f.outcome for f in findings} == {"cant_tell"} and all("non faite" in f.message for f in findings)
        pytest.skip(f"Nu Html Checker not installed: {missing}")
    bad = [f for f in findings if f.page_url == "http://x/bad"]
    good = [f for f in findings if f.page_url == "http://x/good"]
    messages = " | ".join(f.message for f in bad)
    assert {f.outcome for f in bad} == {"failed"}, messages
    assert "Identifiants non uniques" in messages and "Attributs doublés" in messages
    assert "ouverture et fermeture" in messages.lower() or "Imbrication" in messages
    assert [f.outcome for f in good] == ["passed"] and good[0].conclusive


def test_validity_without_the_nu_checker_is_cant_tell_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_AUDIT_VNU", str(tmp_path / "absent" / "vnu.jar"))
    pages = [_page(tmp_path, "bad", INVALID, "http://x/bad")]
    [finding] = _site("rgaa-8.2-validity", pages)
    assert finding.outcome == "cant_tell" and not finding.conclusive
    assert "vnu-jar" in finding.message and finding.question


def test_a_validator_over_its_time_is_stopped_and_said(monkeypatch, tmp_path, started_processes):
    """The JVM runs as a child process: past VNU_TIMEOUT it is killed and the reason is said; a program that cannot
    start is said too (both become "validation not done" on every page, never a traceback)."""
    import time

    from audit.checks import mandatory

    started = started_processes
    monkeypatch.setattr(mandatory, "VNU_TIMEOUT", 0.5)
    t0 = time.monotonic()
    with pytest.raises(mandatory.ValidationError) as caught:
        mandatory._run_vnu(["sleep", "30"])
    assert time.monotonic() - t0 < 10 and "0.5 s" in str(caught.value.reason)
    assert started and started[0].poll() is not None  # killed and waited for, not left running
    with pytest.raises(mandatory.ValidationError) as caught:
        mandatory._run_vnu([str(tmp_path / "no-such-java")])
    assert "pas pu être lancé" in str(caught.value.reason)


def test_a_document_gone_is_never_validated_as_empty(tmp_path):
    """The validator gets links to the pages' files: a file gone is an error (the check then says it could not
    run), never a link to nothing that the validator would read as an empty, valid document."""
    from audit.checks.mandatory import validate_batch, vnu_missing

    if vnu_missing():
        pytest.skip(f"Nu Html Checker not installed: {vnu_missing()}")
    with pytest.raises(FileNotFoundError):
        validate_batch([tmp_path / "gone.html"])


def test_nu_messages_outside_rgaa_82_do_not_fail():
    from audit.checks.mandatory import rgaa_82_category

    def cat(text, kind="error"):
        return rgaa_82_category({"type": kind, "message": text})

    assert cat("Duplicate ID “a”.") == "identifiants non uniques"
    assert cat("Duplicate attribute “class”.") == "attributs doublés"
    assert cat("Stray end tag “span”.") == "ouverture et fermeture des balises"
    assert cat("Element “div” not allowed as child of element “ul” in this context.") == "imbrication des balises"
    assert cat("An “img” element must have an “alt” attribute, except under certain conditions.") is None
    assert cat("Bad value “faux” for attribute “aria-expanded” on element “button”.") is None
    assert cat("Non-space characters found without seeing a doctype first.") is None  # 8.1's business
    assert cat("Duplicate ID “a”.", kind="info") is None


def test_svg_document_is_not_judged_as_an_html_page(tmp_path):
    from audit.checks import run_page_checks

    path = tmp_path / "image.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>Un cercle</title><circle r="4"/></svg>')
    from check_fixtures import evidence

    ev = evidence(path, tmp_path / "svg", content_type="image/svg+xml")
    mine = set().union(*(module_checks(m) for m in ("images", "frames", "tables", "links", "mandatory", "structure")))
    findings = run_page_checks(ev, only=mine)
    assert {f.outcome for f in findings} == {"inapplicable"}


@pytest.mark.parametrize("code, status", [("fr", "valid"), ("FR-fr", "valid"), ("en-US-GB", "valid"),
                                          ("gcf", "valid"), ("em-US", "invalid"), ("#1", "invalid"),
                                          ("francais", "invalid"), ("fr_FR", "invalid"), ("xyz", "unknown"),
                                          ("i-lux", "unknown")])
def test_language_codes(code, status):
    from audit.checks.language import code_status

    assert code_status(code)[0] == status


def test_language_guess_is_sure_or_silent():
    from audit.checks.language import guess

    assert guess("Let the river bring us together, from the source to the sea") == "en"
    assert guess("Die Stadt liegt an der Loire und ist sehr schön") == "de"
    assert guess("El ayuntamiento está abierto para todos los vecinos") == "es"
    assert guess("Le comité de jumelage accueille nos amis de la ville jumelle") == "fr"
    assert guess("Google Maps Street View") is None  # too short, proper nouns
    assert guess("Entre vignes et bords de Loire, la commune compte 8 400 habitants") != "en"


def test_generic_titles():
    from audit.checks.mandatory import generic_reason

    for title in ("Page", "Sans titre", "Accueil", "Untitled document", "index.html", "Page 2", "Document - Accueil"):
        assert generic_reason(title), title
    for title in ("Accueil — Ville de Bellerive", "Horaires de la médiathèque", "Page introuvable — Ville"):
        assert generic_reason(title) is None, title


def test_validator_errors_of_unknown_kind_are_asked_about_not_ignored(tmp_path):
    from audit.checks.mandatory import _validity_results

    ev = _page(tmp_path, "p", _html("Essai — Ville"), "http://x/p")
    outside = {"type": "error", "message": "Bad value “faux” for attribute “aria-expanded” on element “button”."}
    strange = {"type": "error", "message": "Some parse error the tool has never seen."}
    [passed] = _validity_results(ev, {"source": [outside], "dom": []})
    assert passed.outcome == "passed" and "1 autre erreur du validateur" in str(passed.message)
    [asked] = _validity_results(ev, {"source": [outside, strange], "dom": []})
    assert asked.outcome == "cant_tell" and "never seen" in str(asked.message) and asked.question
    failed = _validity_results(ev, {"source": [strange, {"type": "error", "message": "Duplicate ID “a”."}]})
    assert [r.outcome for r in failed] == ["failed"]


def test_findings_are_said_in_english_too(tmp_path):
    import json

    from audit.checks import run_page_checks

    two = ('<!DOCTYPE html><html lang="fr"><head><title>Mairie</title><title>Accueil</title></head>'
           '<body><main><p>Du texte en français pour la page.</p></main></body></html>')
    [finding] = run_page_checks(_page(tmp_path, "two", two, "http://x/two"), only=["rgaa-8.5-title-place"])
    assert finding.outcome == "failed"
    assert finding.message == "2 éléments <title> (dans <head>) : « Mairie » ; « Accueil ». Un seul est permis."
    assert finding.said("message", "en") == '2 <title> elements (in <head>): “Mairie”; “Accueil”. Only one is allowed.'
    json.dumps(finding.extra)  # the run store keeps it as JSON
    no_lang = '<!DOCTYPE html><html><head><title>Mairie — Ville</title></head><body><p>Horaires</p></body></html>'
    [finding] = run_page_checks(_page(tmp_path, "nolang", no_lang, "http://x/nolang"), only=["rgaa-8.3-lang-present"])
    english = finding.said("message", "en")
    assert finding.outcome == "failed" and english != finding.message
    assert english == 'On the html element, the lang attribute is missing; for example the text “Horaires” has no ' \
                      "language specified."


def test_a_check_that_crashes_says_so_in_the_readers_language(tmp_path, monkeypatch):
    """A fault of ours in a check (page or site) loses nothing: "can't tell", a French message with its English,
    and the question a person answers instead."""
    import dataclasses

    from audit.checks import REGISTRY, not_run, run_page_checks, run_site_checks

    def broken(*_):
        raise ZeroDivisionError("boum")

    page_check = REGISTRY["rgaa-8.5-title-place"]
    site_check = REGISTRY["rgaa-8.6-title-unique"]
    monkeypatch.setitem(REGISTRY, page_check.id, dataclasses.replace(page_check, func=broken))
    monkeypatch.setitem(REGISTRY, site_check.id, dataclasses.replace(site_check, summary=broken))
    monkeypatch.setattr("audit.checks.mandatory.validate_batch", lambda documents: [[] for _ in documents])
    page = _page(tmp_path, "p", _html("Mairie — Ville"), "http://x/p")
    [on_page] = run_page_checks(page, only=[page_check.id])
    [on_site] = [f for f in run_site_checks([page]) if f.check_id == site_check.id]
    for finding in (on_page, on_site):
        assert not_run(finding) and finding.question and not finding.conclusive
        assert finding.message == "La vérification n'a pas pu être faite (erreur de l'outil : ZeroDivisionError: boum)."
        assert finding.said("message", "en") == "The check could not be run (a fault of the tool: ZeroDivisionError: boum)."
        assert finding.said("question", "en").endswith("? (automatic check impossible)")


def test_validation_not_run_is_said_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_AUDIT_VNU", str(tmp_path / "absent" / "vnu.jar"))
    [finding] = _site("rgaa-8.2-validity", [_page(tmp_path, "bad", INVALID, "http://x/bad")])
    assert finding.said("message", "en").startswith("Validation not done: the Nu Html Checker validator is not")
    assert finding.message.startswith("Validation non faite : le validateur Nu Html Checker n'est pas installé")

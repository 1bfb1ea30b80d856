"""Theme 6 checks (audit/checks/links.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests

MODULE = "links"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-link-image-empty-alt.html", "cant_tell-link-same-name.html",
                         "passed-links.html"))


def test_vague_link_names():
    from audit.checks.links import ambiguous

    for name in ("cliquez ici", "Cliquez ici !", "En savoir plus", "Lire la suite…", "Plus d'infos", "»", "Read more",
                 "+ d'infos", "ici"):
        assert ambiguous(name), name
    for name in ("En savoir plus sur la fête de la Loire", "Horaires de la piscine", "Télécharger le guide (PDF)"):
        assert not ambiguous(name), name


def test_findings_are_said_in_english_too(tmp_path):
    from test_checks_forms import evidence

    from audit.checks import run_page_checks

    html = ('<!DOCTYPE html><html lang=fr><head><title>t</title></head><body><main>'
            '<a href="/plan.html"><img src="plan.png" alt=""></a>'
            '<p><a href="/a.html">En savoir plus</a></p><p><a href="/b.html">En savoir plus</a></p></main></body></html>')
    ev = evidence(tmp_path, html)
    found = run_page_checks(ev, only=["rgaa-6.2-link-name", "rgaa-6.1-link-text"])
    [unnamed] = [f for f in found if f.check_id == "rgaa-6.2-link-name"]
    assert unnamed.outcome == "failed"
    assert unnamed.message == "Lien image dont l'image n'a pas d'alternative (vers https://www.example.org/plan.html)."
    assert unnamed.said("message", "en") == ("Image link whose image has no text alternative "
                                             "(to https://www.example.org/plan.html).")
    vague = [f for f in found if f.check_id == "rgaa-6.1-link-text"]
    assert vague and all(f.outcome == "failed" for f in vague)
    assert vague[0].message == ("Intitulé « En savoir plus » sans contexte qui précise sa destination ; 2 liens "
                                "portent cet intitulé vers des destinations différentes.")
    assert vague[0].said("message", "en") == ("Link name “En savoir plus” without context that makes its destination "
                                              "clear; 2 links with this name lead to different destinations.")

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

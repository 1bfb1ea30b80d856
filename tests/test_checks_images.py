"""Theme 1 checks (audit/checks/images.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests

MODULE = "images"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-img-no-alt.html", "failed-decorative-says.html", "passed-img-alt.html",
                         "inapplicable-img-hidden.html"))


def test_alternatives_that_say_nothing():
    from audit.checks.images import bad_alternative

    for alt in ("IMG_2034.jpg", "photo.png", "DSC0001", "DSCN_4411", "image", "Logo", "icône", ".", "spacer",
                "Capture d'écran 2024-03-01 à 10.12.33.png", "PXL_20240301_101233"):
        assert bad_alternative(alt), alt
    for alt in ("Logo de la Ville de Bellerive", "Le pont d'Anjou en 1900", "Photo de groupe des élus", "2025"):
        assert bad_alternative(alt) is None, alt

"""Theme 9 checks (audit/checks/structure.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests

MODULE = "structure"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-list-div-child.html", "cant_tell-fake-heading.html",
                         "passed-structure.html"))

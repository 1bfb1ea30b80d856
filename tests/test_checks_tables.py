"""Theme 5 checks (audit/checks/tables.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests

MODULE = "tables"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-layout-table-th.html", "failed-table-header-no-cells.html",
                         "passed-table-caption.html"))


def test_messages_are_said_in_english(tmp_path):
    """Every message of these checks on the fixtures has its English: another text than the French, English
    quotation marks, kept as plain data with the finding."""
    from check_fixtures import assert_said_in_english

    assert {"failed", "cant_tell", "passed"} <= assert_said_in_english(MODULE, tmp_path, skip_inapplicable=True)


def test_a_failure_in_english(tmp_path):
    from check_fixtures import FIXTURES, evidence

    from audit.checks import run_page_checks

    page = evidence(FIXTURES / "tables" / "failed-table-header-no-cells.html", tmp_path)
    [failed, *_] = [f for f in run_page_checks(page, only=["rgaa-5.7-header-has-cells"]) if f.outcome == "failed"]
    assert failed.message.startswith("L'en-tête « ") and "ne s'applique à aucune cellule" in failed.message
    assert failed.said("message", "en").startswith("The header '")
    assert failed.said("message", "en").endswith("' applies to no cell of the table.")

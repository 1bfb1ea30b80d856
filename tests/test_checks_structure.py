"""Theme 9 checks (audit/checks/structure.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

from check_fixtures import theme_tests

MODULE = "structure"

(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures, test_every_check_has_fixtures_both_ways,
 test_metadata_is_complete_and_honest, test_real_chromium_gives_the_same_outcomes) = theme_tests(
    MODULE, in_chromium=("failed-list-div-child.html", "cant_tell-fake-heading.html",
                         "passed-structure.html"))


def test_generic_headings_and_labels():
    from audit.checks.structure import generic_field_label, generic_heading

    for text in ("Titre", "Section 2", "Lorem ipsum dolor", "3", "A", "Nouveau", "Sans titre", "2."):
        assert generic_heading(text), text
    for text in ("Horaires de la médiathèque", "Pièces à fournir", "Contact", "FAQ"):
        assert generic_heading(text) is None, text
    for text in ("Field 1", "Champ 2", "Champ n°3", "input_nom", "firstName", "Réponse", "Votre réponse *"):
        assert generic_field_label(text), text
    # « Texte » and « Saisie » already fail rgaa-11.2-label-relevance: not asked twice
    for text in ("Nom", "Adresse électronique *", "E-mail", "Texte", "Saisie"):
        assert generic_field_label(text) is None, text


def test_messages_are_said_in_english(tmp_path):
    """Every message of these checks on the fixtures has its English: another text than the French, English
    quotation marks, kept as plain data with the finding."""
    from check_fixtures import assert_said_in_english

    assert {"failed", "cant_tell", "passed"} <= assert_said_in_english(MODULE, tmp_path)


def test_a_failure_in_english(tmp_path):
    from check_fixtures import FIXTURES, evidence

    from audit.checks import run_page_checks

    page = evidence(FIXTURES / "structure" / "failed-list-div-child.html", tmp_path)
    [failed] = [f for f in run_page_checks(page, only=["rgaa-9.3-list-markup"]) if f.outcome == "failed"]
    assert failed.message.startswith("La liste ul contient directement : ")
    assert failed.said("message", "en").startswith("The ul list directly contains: ")

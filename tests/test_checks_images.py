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


def test_axe_object_alt_with_an_adjacent_link_is_a_question_not_a_failure(tmp_path):
    """RGAA 1.1.6 accepts a link right after the <object>: axe's object-alt violation becomes its question."""
    import json

    from audit.checks import run_checks
    from audit.model import PageSnapshot

    html = ('<!DOCTYPE html><html lang="fr"><head><title>Travaux — Ville</title></head><body><main>'
            '<object id="plan" type="image/png" data="/p.png"></object><p><a href="/texte">Version texte</a></p>'
            '<object id="seul" type="image/png" data="/q.png"></object><p>Fin.</p></main></body></html>')
    rule = {"id": "object-alt", "tags": ["wcag2a", "wcag111", "RGAA-1.1.6"], "help": "object alt",
            "nodes": [{"target": ["#plan"], "html": '<object id="plan">', "impact": "serious"},
                      {"target": ["#seul"], "html": '<object id="seul">', "impact": "serious"}]}
    (tmp_path / "dom.html").write_text(html, encoding="utf-8")
    (tmp_path / "axe.json").write_text(json.dumps({"violations": [rule]}), encoding="utf-8")
    snap = PageSnapshot(key="k", url="http://x/", status=200, content_type="text/html",
                        files={"dom": "dom.html", "axe": "axe.json"})
    axe = {f.selector: f for f in run_checks(snap, tmp_path) if f.check_id == "axe:object-alt"}
    assert axe["#plan"].outcome == "cant_tell" and "contenu alternatif" in axe["#plan"].question
    assert axe["#seul"].outcome == "failed"

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


def test_images_of_text_are_asked_about_only_where_text_is_likely(tmp_path):
    from lxml import html as lxml_html

    from audit.checks.images import text_images

    root = lxml_html.document_fromstring(
        "<html><body><main>"
        "<img src='/i/bandeau-inscriptions.png' alt='Inscriptions : du 2 au 30 juin.'>"  # file name, sentence, date
        "<img src='/i/x.png' width='960' height='120' alt='Fête de la musique'>"  # wide and short
        "<img src='/i/pont.jpg' alt=\"Le pont d'Anjou en 1900\">"  # a photograph
        "<img src='/i/logo-ville-bandeau.png' alt='Ville de Test'>"  # a logo: RGAA 1.8's exception
        "<img src='/i/p.jpg' alt='Photo de groupe des élus lors du conseil du 12 mars, salle des fêtes.'>"
        "<a href='/fete'><img src='/i/affiche-fete.jpg' alt='Fête de la Loire, samedi 14 juin'></a>"
        "<svg role='img'><title>SOLDES D'HIVER -50 %</title><rect/></svg>"
        "<svg role='img' aria-label='Fréquentation 2024'><text x='0' y='0'>2024</text></svg>"  # real <text>
        "</main></body></html>")
    found = {item[1]: (item[3], item[5]) for item in text_images(root)}
    assert set(found) == {"Inscriptions : du 2 au 30 juin.", "Fête de la musique", "Fête de la Loire, samedi 14 juin",
                          "SOLDES D'HIVER -50 %"}
    tests, clues = found["Fête de la musique"]
    assert tests == ("1.8.1",) and [str(c) for c in clues] == ["format large et bas (960×120 px)"]
    assert [c.render("en") for c in clues] == ["wide, short shape (960×120 px)"]
    assert found["SOLDES D'HIVER -50 %"][0] == ("1.8.6",)


def test_images_of_text_questions_are_capped_per_page(tmp_path):
    from check_fixtures import evidence

    from audit.checks import run_page_checks
    from audit.checks.images import MAX_TEXT_IMAGES

    imgs = "".join(f"<p><img src='/i/affiche-{n}.jpg' alt='Concert du {n} juin, salle des fêtes.'></p>" for n in range(9))
    page = tmp_path / "affiches.html"
    page.write_text(f"<!DOCTYPE html><html lang='fr'><head><title>Agenda</title></head><body><main>{imgs}</main>"
                    "</body></html>", encoding="utf-8")
    found = run_page_checks(evidence(page, tmp_path / "page"), only=["rgaa-1.8-image-text"])
    assert len(found) == MAX_TEXT_IMAGES and all(f.outcome == "cant_tell" and not f.conclusive for f in found)
    assert all(f.rgaa_tests == ("1.8.1",) and f.selector and f.snippet.startswith("<img") for f in found)
    assert "(4 autres images de la page présentent les mêmes indices : à examiner aussi.)" in found[-1].message
    assert "(4 other images on the page show the same clues: examine them too.)" in found[-1].said("message", "en")


def test_messages_are_said_in_english(tmp_path):
    """A finding keeps its message's data: said in English, it is English; its French is unchanged."""
    import json

    from check_fixtures import evidence

    from audit import words
    from audit.checks import load_checks, run_page_checks

    page = tmp_path / "images.html"
    page.write_text("<!DOCTYPE html><html lang='fr'><head><title>Images</title></head><body><main>"
                    "<p><img id='a' src='/a.png'></p><p><img id='b' src='/b.png' alt='IMG_2034.jpg'></p>"
                    "<p><img id='c' src='/c.png' alt='' title='Séparateur'></p>"
                    "<p><img id='d' src='/i/bandeau-fete.png' alt='FÊTE DE LA MUSIQUE LE 21 JUIN'></p>"
                    "</main></body></html>", encoding="utf-8")
    found = {f.selector: f for f in run_page_checks(evidence(page, tmp_path / "page"))
             if f.check_id.startswith("rgaa-1.") and f.outcome in ("failed", "cant_tell") and f.selector}
    said = {selector: (f.message, f.said("message", "en")) for selector, f in found.items()}
    assert said["#a"] == ("L'image n'a pas d'attribut alt (ni aria-label, aria-labelledby ou title).",
                          "The image has no alt attribute (nor aria-label, aria-labelledby or title).")
    assert said["#b"] == ("« IMG_2034.jpg » est un nom de fichier.", "“IMG_2034.jpg” is a file name.")
    assert said["#c"] == ("Image marquée décorative (alt vide) mais pourvue de title « Séparateur ».",
                          "Image marked as decorative (empty alt) but given title “Séparateur”.")
    french, english = said["#d"]
    assert french == ("Alternative (alt) : « FÊTE DE LA MUSIQUE LE 21 JUIN ». Indices d'un texte dans l'image : "
                      "nom de fichier « bandeau-fete.png », date, horaire, prix ou adresse dans l'alternative, "
                      "alternative en capitales.")
    assert english == ("Alternative (alt): “FÊTE DE LA MUSIQUE LE 21 JUIN”. Clues of text in the image: file name "
                       "“bandeau-fete.png”, date, time, price or address in the alternative, alternative in capital "
                       "letters.")
    for f in found.values():
        assert json.loads(json.dumps(f.extra)) == f.extra  # the run store keeps it as JSON
        if f.outcome == "failed":
            assert f.said("message", "en") != f.message
    for chk in load_checks().values():
        if chk.module == "audit.checks.images":
            for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
                assert text is None or words.gettext(text, "en") != text, (chk.id, text)

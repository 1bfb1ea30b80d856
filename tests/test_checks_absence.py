"""NA where it can be proved (checks/absence.py): a page without tables, frames, media or form fields has
those themes not applicable — decided, with the evidence — and a page with any such element gets no
result from these checks (the other checks and the auditor judge it)."""

from __future__ import annotations

import pytest
from check_fixtures import evidence

from audit import standards
from audit.checks import run_page_checks
from audit.model import Outcome
from audit.scoring import GridPage, Status, build_grid

ABSENCE = {"rgaa-5-no-table": 5, "rgaa-2-no-frame": 2, "rgaa-4-no-media": 4, "rgaa-11-no-form": 11}

PLAIN = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Horaires — Ville</title></head>
<body><header><nav><a href="/">Accueil</a></nav></header><main><h1>Horaires</h1>
<p>La mairie est ouverte du lundi au vendredi.</p><img src="m.png" alt="Façade de la mairie"></main></body></html>"""

WITH = {
    "rgaa-5-no-table": ['<table><tr><td>1</td></tr></table>', '<div role="grid"></div>',
                        '<table hidden><tr><td>caché</td></tr></table>'],
    "rgaa-2-no-frame": ['<iframe src="/carte" title="Carte"></iframe>'],
    "rgaa-4-no-media": ['<video src="v.mp4"></video>', '<audio src="a.mp3"></audio>', '<object data="x.swf"></object>',
                        '<embed src="x.swf">', '<iframe src="https://video.example/v/1"></iframe>', '<canvas></canvas>'],
    "rgaa-11-no-form": ['<form><input name="q"></form>', '<button>OK</button>', '<select></select>',
                        '<textarea></textarea>', '<div contenteditable="true">x</div>', '<div role="checkbox"></div>',
                        '<input type="text">'],
}


def _findings(tmp_path, html: str, only: set[str]):
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    return run_page_checks(evidence(page, tmp_path / "p"), only=only)


def test_a_page_without_the_content_has_the_theme_not_applicable_with_the_evidence(tmp_path):
    found = _findings(tmp_path, PLAIN, set(ABSENCE))
    assert {f.check_id for f in found} == set(ABSENCE)
    for f in found:
        assert f.outcome == Outcome.INAPPLICABLE and f.conclusive
        assert f.message.startswith("Aucun élément")
        theme = ABSENCE[f.check_id]
        assert set(f.rgaa_tests) == {t for c in standards.CRITERIA.values() if c.theme == theme for t in c.tests}
    grid = build_grid([GridPage(key=found[0].page_key, url="/", name="Horaires", ref="/")], found,
                      conclusive_checks=frozenset())
    for cid, crit in standards.CRITERIA.items():
        if crit.theme in ABSENCE.values():
            assert grid.cell(found[0].page_key, cid).status == Status.NA, cid


@pytest.mark.parametrize("check_id,element", [(c, e) for c, items in WITH.items() for e in items])
def test_any_such_element_and_the_check_says_nothing(tmp_path, check_id, element):
    html = PLAIN.replace("</main>", element + "</main>")
    assert _findings(tmp_path, html, {check_id}) == []


def test_a_hidden_input_is_not_a_form_field(tmp_path):
    html = PLAIN.replace("</main>", '<input type="hidden" name="csrf" value="x"></main>')
    [finding] = _findings(tmp_path, html, {"rgaa-11-no-form"})
    assert finding.outcome == Outcome.INAPPLICABLE


def test_a_question_of_another_check_still_wins_over_the_absence(tmp_path):
    found = _findings(tmp_path, PLAIN, {"rgaa-5-no-table"})
    key = found[0].page_key
    from dataclasses import replace

    asking = replace(found[0], check_id="other", outcome=Outcome.CANT_TELL, rgaa_tests=("5.1.1",), conclusive=False)
    grid = build_grid([GridPage(key=key, url="/", name="x", ref="/")], [*found, asking], conclusive_checks=frozenset())
    assert grid.cell(key, "5.1").status == Status.NT
    assert grid.cell(key, "5.2").status == Status.NA


def test_the_evidence_is_said_in_english(tmp_path):
    [finding] = _findings(tmp_path, PLAIN, {"rgaa-2-no-frame"})
    assert finding.message == "Aucun élément iframe ou frame sur la page : critères 2.1, 2.2 non applicables."
    assert finding.said("message", "en") == "No iframe or frame element on the page: criteria 2.1, 2.2 not applicable."

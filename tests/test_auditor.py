"""Auditor verdicts (YAML and grid CSV), the dérogations register, and the CSV grid round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import auditor, standards, words
from audit.auditor import AuditorError, parse_yaml, resolve
from audit.model import Finding, Outcome, Source
from audit.reports import grid as grid_csv
from audit.scoring import GridPage, Status, build_grid

FIXTURES = Path(__file__).parent / "fixtures" / "grid"
PAGES = (
    GridPage(key="https://ville.example/", url="https://ville.example/", name="Accueil", ref="/"),
    GridPage(key="https://ville.example/contact.html", url="https://ville.example/contact.html", name="Contact",
             ref="/contact.html"),
    GridPage(key="journey:cantine:4", url="https://ville.example/cantine/1", name="Cantine — étape 1",
             ref="journey:cantine:4", journey="cantine", step=4),
    GridPage(key="journey:cantine:5", url="https://ville.example/cantine/2", name="=HYPERLINK(\"x\")",
             ref="journey:cantine:5", journey="cantine", step=5),
)


def test_yaml_fixture_loads_with_verdicts_dérogations_and_exemptions():
    audit = auditor.load(FIXTURES / "auditeur-ville-demo.yaml")
    assert audit.auditor == "Cabinet Exemple — Jeanne Dupont" and audit.date == "2026-11-20"
    assert audit.environments[0].startswith("NVDA")
    home = {v.criterion: v for v in audit.verdicts if v.page == "/"}
    assert len(home) == 106  # `others: C` fills every criterion not listed
    assert home["1.2"].status == Status.NC and "bandeau" in home["1.2"].comment
    assert home["10.10"].status == Status.NA  # unquoted 10.10 is not read as the number 10.1
    assert home["10.1"].status == Status.C
    assert home["6.2"].where.endswith("auditeur-ville-demo.yaml:12")
    [derogation] = audit.derogations
    assert derogation.content == "Plan interactif du centre-ville" and derogation.pages == ("/vie-pratique/",)
    assert audit.exemptions[0].reason.startswith("Documents bureautiques")
    resolved = resolve(audit, PAGES)
    assert resolved[("https://ville.example/contact.html", "2.2")].status == Status.NC  # by sample page name


@pytest.mark.parametrize("text, where, said", [
    ("auditor: A\nverdicts:\n  - page: /\n    criteria:\n      \"14.1\": C\n", ":5:", "critère inconnu « 14.1 »"),
    ("auditor: A\nverdicts:\n  - page: /\n    criteria:\n      \"1.1\": OK\n", ":5:", "C, NC, NA ou NT, pas « OK »"),
    ("auditor: A\nverdicts:\n  - page: /\n    criteria:\n      \"1.1\": C\n      '1.1': NC\n", ":6:",
     "« 1.1 » est donné deux fois (aussi ligne 5)"),
    ("auditor: A\nverdicts:\n  - page: /\n", ":3:", "demande `criteria`"),
    ("auditor: A\ndate: 20/11/2026\n", ":2:", "AAAA-MM-JJ"),
    ("verdicts: []\n", ":1:", "auditor: est obligatoire"),
    ("auditor: A\nverdicts: []\nderogations:\n  - content: Plan\n    criterion: \"2.1\"\n    justification: x\n"
     "    alternative: y\n", ":5:", "jamais sur un critère"),
    ("auditor: A\nderogations:\n  - content: Plan\n    justification: x\n", ":3:", "alternative: est obligatoire"),
    ("auditor: A\nauditeur: B\n", ":2:", "auditeur: clé inconnue"),
    ("auditor: A\nverdicts:\n  - page: /\n   criteria: {}\n", ":4:", "YAML invalide"),
])
def test_yaml_errors_say_file_and_line(text, where, said):
    with pytest.raises(AuditorError) as exc:
        parse_yaml(text, "auditeur.yaml")
    message = str(exc.value)
    assert message.startswith("auditeur.yaml" + where), message
    assert said in message, message


def test_unknown_page_is_an_error_at_its_line():
    audit = parse_yaml("auditor: A\nverdicts:\n  - page: /nulle-part\n    criteria:\n      \"1.1\": C\n", "a.yaml")
    with pytest.raises(AuditorError, match=r"^a\.yaml:5: la page « /nulle-part » n'est pas dans l'échantillon"):
        resolve(audit, PAGES)


def test_unreadable_files_get_one_clear_message(tmp_path):
    with pytest.raises(AuditorError, match="fichier introuvable"):
        auditor.load(tmp_path / "absent.yaml")
    odd = tmp_path / "grille.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(AuditorError, match="type de fichier inconnu"):
        auditor.load(odd)


# --- the grid CSV ------------------------------------------------------------------------------


def _grid():
    findings = [
        Finding(check_id="title", source=Source.CHECK, outcome=Outcome.PASSED, page_key=PAGES[0].key,
                page_url=PAGES[0].url, rgaa_tests=("8.5.1",), conclusive=True),
        Finding(check_id="axe:image-alt", source=Source.AXE, outcome=Outcome.FAILED, page_key=PAGES[1].key,
                page_url=PAGES[1].url, rgaa_tests=("1.1.1",)),
        Finding(check_id="axe:label", source=Source.AXE, outcome=Outcome.FAILED, page_key=PAGES[2].key,
                page_url=PAGES[2].url, rgaa_tests=("11.1.1",)),
    ]
    audit = parse_yaml("auditor: A\nverdicts:\n  - page: journey:cantine:5\n    criteria:\n      \"11.1\": C\n"
                       "      \"2.1\": NA\n  - page: /\n    criteria:\n      \"1.1\": C\n", "a.yaml")
    return build_grid(PAGES, findings, resolve(audit, PAGES), conclusive_checks=frozenset())


def test_export_has_the_official_layout_and_neutralises_formulas():
    text = grid_csv.to_csv(_grid())
    lines = text.splitlines()
    assert lines[0].startswith("Thématique;Critère;Intitulé;Niveau;Échantillon;Accueil (/);Contact (/contact.html)")
    assert "'=HYPERLINK" in lines[0]  # a page named like a formula is not run by a spreadsheet
    assert len(lines) == 1 + 106
    row = dict(zip(lines[0].split(";"), lines[1 + list(standards.CRITERIA).index("1.1")].split(";"), strict=False))
    assert row["Critère"] == "1.1" and row["Échantillon"] == "NC" and row["Contact (/contact.html)"] == "NC"
    assert row["Accueil (/)"] == "C"


def test_round_trip_export_import_gives_the_same_grid(tmp_path):
    grid = _grid()
    assert grid.cell("journey:cantine:5", "11.1").status == Status.NC  # journey rule: NC on step 4
    path = grid_csv.write(grid, tmp_path / "grille.csv")
    audit = auditor.load(path)
    assert audit.kind == "csv" and not audit.extra
    again = build_grid(PAGES, [], resolve(audit, PAGES), conclusive_checks=frozenset())
    assert grid_csv.statuses(again) == grid_csv.statuses(grid)
    assert grid_csv.to_csv(again) == grid_csv.to_csv(grid)
    counts = {s: sum(1 for v in grid_csv.statuses(grid).values() if v == s) for s in Status}
    assert counts[Status.NC] >= 3 and counts[Status.C] >= 2 and counts[Status.NA] == 1 and counts[Status.NT] > 300


def test_import_reads_commas_words_and_empty_cells(tmp_path):
    path = tmp_path / "grille.csv"
    path.write_text("Critère,Accueil (/),journey:cantine:4\n1.1,Conforme,\n8.5,nc,NA\n", encoding="utf-8")
    audit = auditor.load(path, auditor="Jeanne", when="2026-11-20")
    got = {(v.page, v.criterion): v.status for v in audit.verdicts}
    assert got == {("/", "1.1"): Status.C, ("journey:cantine:4", "1.1"): Status.NT, ("/", "8.5"): Status.NC,
                   ("journey:cantine:4", "8.5"): Status.NA}
    assert audit.auditor == "Jeanne" and len(audit.extra["missing_criteria"]) == 104


@pytest.mark.parametrize("text, where, french, english", [
    ("Critère;Accueil (/)\n1.1;C\n1.2;Peut-être\n", ":3:", "pas « Peut-être »", "got 'Peut-être'"),
    ("Critère;Accueil (/)\n1.1;C\n99.1;C\n", ":3:", "critère inconnu « 99.1 »", "unknown criterion '99.1'"),
    ("Page;Accueil (/)\n1.1;C\n", ":1:", "pas de colonne « Critère »", "no « Critère » column"),
    ("Critère;Intitulé\n1.1;x\n", ":1:", "pas de colonne de page", "no page column"),
    ("Critère;Accueil (/);Encore (/)\n1.1;C;C\n", ":1:", "deux colonnes (aussi la colonne 2)",
     "two columns (also column 2)"),
    ("Critère;Accueil (/)\n1.1;C\n1.1;NC\n", ":3:", "le critère 1.1 a deux lignes", "criterion 1.1 has two rows"),
    ("", ":1:", "le fichier est vide", "the file is empty"),
])
def test_csv_errors_say_file_and_line(tmp_path, text, where, french, english):
    """French first (the CLI's language), English with --lang-cli en."""
    path = tmp_path / "g.csv"
    path.write_text(text, encoding="utf-8")
    for lang, said in (("fr", french), ("en", english)):
        words.use(lang)
        try:
            with pytest.raises(AuditorError) as exc:
                auditor.load(path)
        finally:
            words.use(None)
        assert str(exc.value).startswith(f"{path}{where}"), str(exc.value)
        assert said in str(exc.value), str(exc.value)


def test_csv_line_numbers_follow_multiline_cells():
    text = 'Critère;Commentaire;Accueil (/)\n1.1;"sur\ndeux lignes";C\n1.2;;Z\n'
    with pytest.raises(AuditorError, match=r"^g\.csv:4: "):
        auditor.parse_csv(text, "g.csv")


def test_complete_fixture_grid_covers_every_criterion():
    audit = auditor.load(FIXTURES / "ville-demo-complete.csv")
    assert not audit.extra  # 106 rows
    assert len(audit.verdicts) == 106 * 12
    assert {v.status for v in audit.verdicts} == {Status.C, Status.NC, Status.NA}

"""HTML report in French (English available): accessible, no JavaScript, self-contained folder.

``rapport.html`` reads the report object (``audit.reports.build``): the summary with the compliance
state and the rates, the prioritised issues first, then the RGAA grid, then each page's details, with
tester findings beside the automated ones and dismissed findings shown with their reason.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from audit.i18n import Labels
from audit.i18n import labels as base_labels
from audit.reports import visible_controls

log = logging.getLogger(__name__)

MAX_CROP_HEIGHT = 600
OUTLINE = (200, 0, 40)  # the outline drawn around the element (dark red, 4 px, with a white inner line)

_LABELS: dict[str, tuple[str, str]] = {
    "state": ("État de conformité", "Compliance state"),
    "rates": ("Taux de conformité", "Compliance rates"),
    "global_rate": ("Taux global", "Overall rate"),
    "mean_rate": ("Taux moyen", "Average rate"),
    "rate_explained": ("Taux global : part des critères applicables respectés sur l'ensemble de l'échantillon. "
                       "Taux moyen : moyenne des taux de chaque page.",
                       "Overall rate: share of the applicable criteria met across the sample. Average rate: "
                       "mean of each page's rate."),
    "not_computable": ("Taux non calculable", "Rates not computable"),
    # the criteria « à vérifier » of the sample: the NT row of the criteria table, one count (docs/numbers.md)
    "criteria_to_verify": ("critères restent à vérifier sur l'échantillon",
                           "criteria are still to verify across the sample"),
    "criterion_to_verify": ("critère reste à vérifier sur l'échantillon",
                            "criterion is still to verify across the sample"),
    "criteria_counts": ("Critères sur l'échantillon", "Criteria across the sample"),
    "issues": ("Défauts à corriger en priorité", "Issues to fix first"),
    "no_issues": ("Aucune non-conformité détectée à corriger.", "No failure found to fix."),
    "rank": ("Rang", "Rank"),
    "why_rank": ("Pourquoi ce rang", "Why this rank"),
    "pages_affected": ("Pages concernées", "Pages affected"),
    "fix_once": ("Corriger une fois corrige {n} pages.", "Fix it once, fix {n} pages."),
    "fix_once_1": ("Présent sur une seule page.", "On one page only."),
    "see_pages": ("Voir la liste des {n} pages", "See the {n} pages"),
    "see_page": ("Voir la page", "See the page"),
    "blocking": ("Bloquant pour un testeur", "Blocking for a tester"),
    "level": ("Niveau WCAG", "WCAG level"),
    "quick_win": ("Correction rapide", "Quick win"),
    "quick_win_text": ("un attribut à ajouter ou corriger", "one attribute to add or fix"),
    "criteria": ("Critères RGAA", "RGAA criteria"),
    "outlined": ("l'élément concerné est encadré en rouge", "the element is outlined in red"),
    "screenshot_page": ("Capture de la page", "Screenshot of the page"),
    "grid": ("Grille d'audit RGAA", "RGAA audit grid"),
    "grid_caption": ("Statut de chaque critère du RGAA {v} sur chaque page de l'échantillon",
                     "Status of each RGAA {v} criterion on each page of the sample"),
    "legend": ("Légende", "Key"),
    "C": ("Conforme", "Compliant"), "NC": ("Non conforme", "Non-compliant"),
    "NA": ("Non applicable", "Not applicable"), "NT": ("À vérifier (non testé)", "To verify (not tested)"),
    "sample_col": ("Échantillon", "Sample"),
    "criterion": ("Critère", "Criterion"),
    "sample_pages": ("Pages de l'échantillon", "Pages of the sample"),
    "sample_from_config": ("Échantillon fixé dans sites.yaml.", "Sample pinned in sites.yaml."),
    "sample_from_run": ("Aucun échantillon fixé dans sites.yaml : la grille porte sur toutes les pages "
                        "auditées. Proposez-en un avec « a11y-audit sample ».",
                        "No sample pinned in sites.yaml: the grid covers every audited page. Propose one "
                        "with `a11y-audit sample`."),
    "grid_honesty": ("Un critère n'est « conforme » que sur une preuve complète : un contrôle automatique "
                     "concluant, la réponse d'un testeur ou le verdict d'un auditeur. Sans cela, il reste "
                     "« à vérifier ».",
                     "A criterion is \"compliant\" only on complete evidence: a conclusive automated check, "
                     "a tester's answer or an auditor's verdict. Otherwise it stays \"to verify\"."),
    "page_details": ("Détail par page", "Page details"),
    "page_grid": ("Critères sur cette page", "Criteria on this page"),
    "page_rate": ("Taux de la page", "Page rate"),
    "nc_on_page": ("Critères non conformes sur cette page", "Non-compliant criteria on this page"),
    "evidence": ("Preuves", "Evidence"),
    "tester_finding": ("Constat d'un testeur", "A tester's finding"),
    "answered_by": ("Tranché par", "Answered by"),
    "dismissed": ("Constats écartés", "Dismissed findings"),
    "dismissed_by": ("écarté par", "dismissed by"),
    "reason": ("Raison", "Reason"),
    "auditor_comment": ("Commentaire de l'auditeur", "Auditor's comment"),
    "not_in_sample": ("hors échantillon", "not in the sample"),
    "testers": ("Tests utilisateurs", "User tests"),
    "sessions": ("session(s) de test", "test session(s)"),
    "environments": ("Environnements de test", "Test environments"),
    "barriers_elsewhere": ("Barrières signalées sur des pages absentes de cet audit",
                           "Barriers reported on pages this run did not audit"),
    "remediation_title": ("Plan de correction priorisé", "Prioritised remediation plan"),
    "issue_count": ("Défauts à corriger (chacun une fois, sur toutes ses pages)",
                    "Issues to fix (each once, on all its pages)"),
    "impact_none": ("Gravité non précisée", "Impact not given"),
    "snippet": ("Code concerné", "Code"),
    "other_formats": ("Autres formats", "Other formats"),
    "back_to_issues": ("Retour à la liste des défauts", "Back to the issues"),
    "also_reported": ("Aussi signalé par", "Also reported by"),
    "see_questions": ("voir les questions à trancher", "see the questions to answer"),
    "questions_intro": ("Ce que les tests automatiques n'ont pas pu trancher : une personne doit répondre à chaque "
                        "question, page par page. Une question posée sur plusieurs pages n'apparaît qu'une fois.",
                        "What automated tests could not decide: a person must answer each question, page by page. "
                        "A question asked on several pages appears once."),
    "elements": ("élément(s)", "element(s)"),
    "verdict_auditor": ("Audit", "Audit"),
    "by_auditor": ("Verdicts de l'auditeur", "Auditor's verdicts"),
    # table of contents and the ways back to it
    "toc": ("Sommaire", "Contents"),
    "back_to_toc": ("Retour au sommaire", "Back to the contents"),
    "back_to_pages": ("Retour à la liste des pages", "Back to the list of pages"),
    "grid_per_theme": ("un tableau par thématique, une colonne par page (P1, P2… : voir la liste ci-dessus).",
                       "one table per theme, one column per page (P1, P2…: see the list above)."),
    "pages_range": ("pages {first} à {last}", "pages {first} to {last}"),
    # a run that could not audit anything
    "run_failed": ("Audit échoué", "Audit failed"),
    "run_failed_text": ("L'audit n'a pu évaluer aucune page.", "The run could not assess any page."),
    "run_failed_no_grid": ("Sans page auditée, ce rapport ne donne ni grille d'audit ni taux de conformité.",
                           "With no page audited, this report gives no audit grid and no compliance rate."),
    "status_failed": ("échoué", "failed"),
    "failure_url": ("Adresse", "Address"),
    "failure_error": ("Détail technique", "Technical detail"),
    # problems: one defect on one element, however many detectors saw it
    "problems_one": ("{n} problème", "{n} problem"),
    "problems_many": ("{n} problèmes", "{n} problems"),
    "several_one": ("dont {n} signalé par plusieurs détecteurs", "{n} of them reported by several detectors"),
    "several_many": ("dont {n} signalés par plusieurs détecteurs", "{n} of them reported by several detectors"),
    "problem_is": ("Un problème est un défaut sur un élément, même quand plusieurs détecteurs (axe-core, nos "
                   "contrôles, un testeur) le signalent.",
                   "A problem is one defect on one element, even when several detectors (axe-core, our checks, a "
                   "tester) report it."),
    "problems_label": ("Problèmes (un défaut sur un élément)", "Problems (one defect on one element)"),
    "also_by": ("signalé aussi par", "also reported by"),
    "elements_inside": ("{n} éléments, une seule cause", "{n} elements, one cause"),
    # broken links
    "broken_links": ("Liens cassés", "Broken links"),
    "out_of_scope": ("Hors périmètre", "Out of scope"),
    "out_of_scope_intro": ("Ces parties des pages ne sont pas le contenu du site (sites.yaml, out_of_scope) : ce qui y "
                           "est trouvé est écarté de l'audit, des problèmes, de la grille et des taux, pour la raison "
                           "donnée.",
                           "These parts of the pages are not the site's own content (sites.yaml, out_of_scope): what is "
                           "found in them is left out of the audit, the problems, the grid and the rates, for the "
                           "reason given."),
    "out_of_scope_caption": ("Parties des pages hors périmètre de l'audit", "Parts of the pages out of the audit's scope"),
    "out_of_scope_part": ("Partie (sélecteur CSS)", "Part (CSS selector)"),
    "out_of_scope_reason": ("Raison", "Reason"),
    "out_of_scope_set_aside": ("Constats écartés", "Findings set aside"),
    "pages_word": ("page(s)", "page(s)"),
    "broken_intro": ("Liens des pages auditées vers des adresses qui ne répondent pas ou répondent par une erreur.",
                     "Links on the audited pages to addresses that do not answer or answer with an error."),
    "broken_apart": ("Ils sont comptés à part : ils n'entrent ni dans les problèmes, ni dans les non-conformités, "
                     "ni dans les taux de conformité.",
                     "They are counted apart: they are not part of the problems, the failures or the compliance "
                     "rates."),
    "broken_apart_short": ("comptés à part", "counted apart"),
    "broken_caption": ("Liens cassés trouvés sur les pages auditées", "Broken links found on the audited pages"),
    "broken_url": ("Adresse du lien", "Link address"),
    "broken_status": ("Statut HTTP ou erreur", "HTTP status or error"),
    "broken_from": ("Pages qui y mènent", "Pages linking to it"),
    "broken_none": ("Aucun lien cassé trouvé.", "No broken link found."),
    # which inputs the assessment used
    "provenance": ("Données prises en compte", "Inputs taken into account"),
    "prov_sessions": ("Sessions de testeurs", "Tester sessions"),
    "prov_no_sessions": ("aucune", "none"),
    "prov_verdicts": ("Verdicts de l'auditeur", "Auditor's verdicts"),
    "prov_no_verdicts": ("aucun", "none"),
    "prov_sample_run": ("toutes les pages auditées (aucun échantillon épinglé dans sites.yaml)",
                        "every audited page (no sample pinned in sites.yaml)"),
    "prov_sample_pinned": ("l'échantillon épinglé dans sites.yaml (sample:)", "the sample pinned in sites.yaml (sample:)"),
    "prov_sample": ("Échantillon", "Sample"),
    "prov_assessed": ("Évaluation", "Assessed"),
    "prov_registered": ("Ce sont les données enregistrées pour ce site.", "These are the inputs registered with "
                        "this site."),
    "prov_overrides": ("Attention : ce rapport utilise des données fournies en ligne de commande à la place de "
                       "celles enregistrées pour ce site :",
                       "Note: this report uses inputs given on the command line instead of those registered "
                       "with this site:"),
}


def labels(lang: str = "fr") -> Labels:
    """The shared labels (audit.i18n) plus those of the grid, rates and issues."""
    out = base_labels(lang)
    for key, (fr, en) in _LABELS.items():
        out.setdefault(key, en if lang == "en" else fr)
    return out


def environment() -> Environment:
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, finalize=visible_controls)
    return env


def _open_image(path: Path):
    from PIL import Image

    try:
        image = Image.open(path)
        image.load()
        return image
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None


def outlined_crop(image, box: dict[str, float], pad: int = 24, outline: bool = True):
    """The element's area cut out of a page screenshot, with the element outlined; None when off-image."""
    from PIL import ImageDraw

    if box["width"] < 1 or box["height"] < 1 or box["y"] > image.height or box["x"] > image.width:
        return None
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["width"]), int(box["y"] + min(box["height"], MAX_CROP_HEIGHT))
    left, top = max(0, x0 - pad), max(0, y0 - pad)
    right, bottom = min(image.width, x1 + pad), min(image.height, y1 + pad)
    if right <= left or bottom <= top:
        return None
    crop = image.crop((left, top, right, bottom)).convert("RGB")
    if outline:  # white, dark red, white: visible on light and on dark backgrounds
        draw = ImageDraw.Draw(crop)
        w, h = crop.size
        rect = [max(0, x0 - left - 5), max(0, y0 - top - 5), min(w - 1, x1 - left + 4), min(h - 1, y1 - top + 4)]
        for inset, colour, width in ((0, (255, 255, 255), 2), (2, OUTLINE, 4), (6, (255, 255, 255), 2)):
            box_ = [rect[0] + inset, rect[1] + inset, rect[2] - inset, rect[3] - inset]
            if box_[2] > box_[0] and box_[3] > box_[1]:
                draw.rectangle(box_, outline=colour, width=width)
    return crop


def crop_issues(report: dict[str, Any], run_folder: Path, out: Path) -> None:
    """One outlined capture per issue (``issue["crop"]``), from the first page that has the element's box.

    The issues are cropped screenshot by screenshot: one decoded screenshot (tens of MB for a full page) in
    memory at a time, each decoded once."""
    try:
        import PIL  # noqa: F401
    except ImportError:  # pragma: no cover
        return
    by_shot: dict[Path, list[dict[str, Any]]] = {}
    for issue in report.get("issues", []):
        shot = issue.get("shot")
        if shot and not issue.get("crop"):
            by_shot.setdefault(run_folder / "pages" / shot["page_id"] / shot["file"], []).append(issue)
    for src, issues in by_shot.items():
        image = _open_image(src) if src.is_file() else None
        if image is None:
            continue
        for issue in issues:
            shot = issue["shot"]
            crop = outlined_crop(image, shot["box"])
            if crop is None:
                continue
            (out / "img").mkdir(parents=True, exist_ok=True)
            name = f"issue-{issue['id']}.jpg"
            crop.save(out / "img" / name, quality=85)
            issue["crop"] = f"img/{name}"
            issue["crop_page"] = next((p["name"] for p in issue["pages"] if p["key"] == shot["page"]), shot["page"])
        image.close()


def render(report: dict[str, Any], lang: str = "fr") -> str:
    template = environment().get_template("report.html.j2")
    return template.render(r=report, t=labels(lang), lang=lang)


def write_template(template, path: Path, **context: Any) -> None:
    """Render a template into a file as it goes, never the whole text at once (same bytes as ``render``);
    no half-written file is left when rendering fails."""
    try:
        with path.open("w", encoding="utf-8") as out:
            for chunk in template.generate(**context):
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write(report: dict[str, Any], run_folder: Path, out: Path, lang: str = "fr") -> Path:
    crop_issues(report, run_folder, out)
    path = out / ("rapport.html" if lang == "fr" else "report.html")
    write_template(environment().get_template("report.html.j2"), path, r=report, t=labels(lang), lang=lang)
    return path

"""Words people read, French first, English available. Code and logs stay in English."""

from __future__ import annotations

LANGS = ("fr", "en")

_LABELS: dict[str, dict[str, str]] = {
    "report_title": {"fr": "Rapport d'audit d'accessibilité", "en": "Accessibility audit report"},
    "skip": {"fr": "Aller au contenu principal", "en": "Skip to main content"},
    "summary": {"fr": "Synthèse", "en": "Summary"},
    "site": {"fr": "Site", "en": "Site"},
    "run": {"fr": "Audit", "en": "Run"},
    "started": {"fr": "Commencé le", "en": "Started"},
    "finished": {"fr": "Terminé le", "en": "Finished"},
    "status": {"fr": "État", "en": "Status"},
    "tools": {"fr": "Outils", "en": "Tools"},
    "pages": {"fr": "Pages", "en": "Pages"},
    "pages_audited": {"fr": "Pages auditées", "en": "Pages audited"},
    "documents": {"fr": "Documents téléchargeables", "en": "Downloadable documents"},
    "page_errors": {"fr": "Pages en erreur", "en": "Pages with errors"},
    "failed": {"fr": "Non-conformités détectées", "en": "Failures found"},
    "cant_tell": {"fr": "Points à vérifier par une personne", "en": "Points a person must verify"},
    "page_rate_pending": {"fr": "non calculable : {n} critère(s) à vérifier sur cette page",
                          "en": "not computable: {n} criteria to verify on this page"},
    "by_impact": {"fr": "Non-conformités par gravité", "en": "Failures by impact"},
    "impact": {"fr": "Gravité", "en": "Impact"},
    "count": {"fr": "Nombre", "en": "Count"},
    "critical": {"fr": "Critique", "en": "Critical"},
    "serious": {"fr": "Grave", "en": "Serious"},
    "moderate": {"fr": "Modérée", "en": "Moderate"},
    "minor": {"fr": "Mineure", "en": "Minor"},
    "none": {"fr": "Non précisée", "en": "Not given"},
    "page_list": {"fr": "Pages auditées", "en": "Pages audited"},
    "page": {"fr": "Page", "en": "Page"},
    "http_status": {"fr": "Statut HTTP", "en": "HTTP status"},
    "journey": {"fr": "Parcours", "en": "Journey"},
    "step": {"fr": "étape", "en": "step"},
    "error": {"fr": "Erreur", "en": "Error"},
    "no_findings": {"fr": "Aucune non-conformité détectée automatiquement sur cette page. Les critères que "
                           "l'automatisation ne couvre pas restent à vérifier.",
                    "en": "No failure found automatically on this page. What automation does not cover "
                          "remains to be verified."},
    "outcome_failed": {"fr": "Non conforme", "en": "Failed"},
    "outcome_cant_tell": {"fr": "À vérifier", "en": "To verify"},
    "outcome_passed": {"fr": "Conforme", "en": "Passed"},
    "outcome_inapplicable": {"fr": "Non applicable", "en": "Not applicable"},
    "element": {"fr": "Élément", "en": "Element"},
    "selector": {"fr": "Sélecteur CSS", "en": "CSS selector"},
    "code": {"fr": "Code", "en": "Code"},
    "message": {"fr": "Constat", "en": "What was found"},
    "how_to_fix": {"fr": "Comment corriger", "en": "How to fix"},
    "question": {"fr": "Question à trancher", "en": "Question to answer"},
    "references": {"fr": "Références", "en": "References"},
    "rgaa": {"fr": "RGAA", "en": "RGAA"},
    "wcag": {"fr": "WCAG", "en": "WCAG"},
    "more_info": {"fr": "Documentation de la règle", "en": "Rule documentation"},
    "screenshot_of": {"fr": "Capture de l'élément concerné", "en": "Screenshot of the element"},
    "source": {"fr": "Source", "en": "Source"},
    "honesty": {"fr": "Ce rapport liste ce que les tests automatiques ont détecté. Un test automatique ne "
                      "couvre qu'une partie des critères du RGAA : l'absence d'erreur détectée ne vaut pas "
                      "conformité. Les points « à vérifier » demandent l'avis d'une personne.",
                "en": "This report lists what automated tests found. Automated tests cover only part of the "
                      "RGAA criteria: no error found does not mean compliance. Points \"to verify\" need a "
                      "person's judgement."},
    "reused": {"fr": "Résultats repris de l'audit précédent (page inchangée)",
               "en": "Results reused from the previous run (page unchanged)"},
    "generated_by": {"fr": "Rapport produit par a11y-audit", "en": "Report produced by a11y-audit"},
    "findings_on_page": {"fr": "Constats sur cette page", "en": "Findings on this page"},
    "back_to_top": {"fr": "Retour au sommaire", "en": "Back to the contents"},
    "document": {"fr": "Document", "en": "Document"},
    "status_complete": {"fr": "terminé", "en": "complete"},
    "status_running": {"fr": "en cours", "en": "running"},
    "status_interrupted": {"fr": "interrompu", "en": "interrupted"},
    "declaration": {"fr": "Déclaration d'accessibilité", "en": "Accessibility statement"},
    "draft": {"fr": "BROUILLON", "en": "DRAFT"},
    "declaration_produced": {"fr": "Déclaration produite par a11y-audit le",
                             "en": "Statement produced by a11y-audit on"},
}


class Labels(dict):
    """A dict that never raises in a template: an unknown key shows itself."""

    def __missing__(self, key: str) -> str:
        return key


def labels(lang: str = "fr") -> Labels:
    lang = lang if lang in LANGS else "fr"
    return Labels({key: values.get(lang) or values["fr"] for key, values in _LABELS.items()})

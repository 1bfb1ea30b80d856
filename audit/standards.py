"""The RGAA 4.1.2 referential and the WCAG 2.2 A/AA success criteria, as our own data.

Ids, themes, levels, WCAG mapping and test counts follow the official RGAA 4.1.2 criteria file
(DISIC, Licence Ouverte 2.0); ``tests/test_standards.py`` compares this table with that file. The titles
are ours: short French and English paraphrases, never the official sentences. To show the official
wording in a report, load it from the official file with ``load_official`` (``--rgaa-data PATH``).

A criterion's level is "A" when at least one of its WCAG success criteria is level A, else "AA": a
criterion that serves a level A success criterion is needed for level A conformance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

RGAA_VERSION = "4.1.2"
RGAA_WCAG_VERSION = "2.1"  # the WCAG version the RGAA 4.1.2 mapping refers to
WCAG_VERSION = "2.2"


class StandardsError(ValueError):
    """An official criteria file cannot be used; the message names the file and says why."""


@dataclass(frozen=True, slots=True)
class Theme:
    number: int
    title: str  # French
    title_en: str


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str  # "1.1"
    theme: int  # 1
    title: str  # our own short French title, not the official sentence
    title_en: str
    level: str  # "A" or "AA"
    wcag: tuple[str, ...]  # WCAG success criteria, e.g. ("1.1.1",)
    tests: tuple[str, ...]  # RGAA test ids, e.g. ("1.1.1", "1.1.2", ...)


_THEMES = (
    (1, "Images", "Images"),
    (2, "Cadres", "Frames"),
    (3, "Couleurs", "Colours"),
    (4, "Multimédia", "Multimedia"),
    (5, "Tableaux", "Tables"),
    (6, "Liens", "Links"),
    (7, "Scripts", "Scripts"),
    (8, "Éléments obligatoires", "Mandatory elements"),
    (9, "Structuration de l'information", "Structure of information"),
    (10, "Présentation de l'information", "Presentation of information"),
    (11, "Formulaires", "Forms"),
    (12, "Navigation", "Navigation"),
    (13, "Consultation", "Consultation"),
)

# id, level, WCAG success criteria, number of tests, our French title, our English title.
_CRITERIA = (
    ("1.1", "A", ("1.1.1",), 8,
     "Images porteuses d'information : alternative présente",
     "Informative images have a text alternative"),
    ("1.2", "A", ("1.1.1", "4.1.2"), 6,
     "Images décoratives ignorées par les technologies d'assistance",
     "Decorative images hidden from assistive technologies"),
    ("1.3", "A", ("1.1.1", "4.1.2"), 9,
     "Alternative des images informatives : pertinence",
     "Relevant text alternatives for informative images"),
    ("1.4", "A", ("1.1.1",), 7,
     "CAPTCHA et images-test : alternative identifiant leur nature",
     "CAPTCHA and test images: alternative states their nature"),
    ("1.5", "A", ("1.1.1",), 2,
     "CAPTCHA : autre moyen d'accès proposé",
     "CAPTCHA: another way through is offered"),
    ("1.6", "A", ("1.1.1",), 10,
     "Description détaillée des images informatives si besoin",
     "Long description for informative images when needed"),
    ("1.7", "A", ("1.1.1",), 6,
     "Description détaillée des images : pertinence",
     "Relevant long descriptions for images"),
    ("1.8", "AA", ("1.4.5",), 6,
     "Images texte remplacées par du texte stylé",
     "Images of text replaced by styled text"),
    ("1.9", "A", ("1.1.1", "4.1.2"), 5,
     "Légendes d'images reliées à leur image",
     "Image captions tied to their image"),
    ("2.1", "A", ("4.1.2",), 1,
     "Chaque cadre possède un titre",
     "Every frame has a title"),
    ("2.2", "A", ("4.1.2",), 1,
     "Titre de cadre pertinent",
     "Frame titles are relevant"),
    ("3.1", "A", ("1.3.1", "1.4.1"), 6,
     "Information pas uniquement transmise par la couleur",
     "Information not conveyed by colour alone"),
    ("3.2", "AA", ("1.4.3",), 5,
     "Contraste suffisant entre texte et arrière-plan",
     "Enough contrast between text and background"),
    ("3.3", "AA", ("1.4.11",), 4,
     "Contraste suffisant des composants et graphiques informatifs",
     "Enough contrast for controls and meaningful graphics"),
    ("4.1", "A", ("1.2.1", "1.2.3"), 3,
     "Médias préenregistrés : transcription ou audiodescription si besoin",
     "Prerecorded media: transcript or audio description when needed"),
    ("4.2", "A", ("1.2.1", "1.2.3"), 3,
     "Transcription et audiodescription des médias : pertinence",
     "Relevant transcripts and audio descriptions"),
    ("4.3", "A", ("1.2.2",), 2,
     "Médias synchronisés préenregistrés : sous-titres si besoin",
     "Prerecorded synchronised media: captions when needed"),
    ("4.4", "A", ("1.2.2",), 1,
     "Sous-titres des médias synchronisés : pertinence",
     "Relevant captions for synchronised media"),
    ("4.5", "AA", ("1.2.5",), 2,
     "Audiodescription synchronisée des médias préenregistrés si besoin",
     "Synchronised audio description for prerecorded media when needed"),
    ("4.6", "AA", ("1.2.5",), 2,
     "Pertinence de l'audiodescription synchronisée des médias",
     "Relevant synchronised audio description"),
    ("4.7", "A", ("1.1.1",), 1,
     "Médias temporels clairement identifiables",
     "Time-based media are clearly identifiable"),
    ("4.8", "A", ("1.1.1",), 2,
     "Médias non temporels : alternative si besoin",
     "Non-time-based media have an alternative when needed"),
    ("4.9", "A", ("1.1.1",), 1,
     "Alternative des médias non temporels : pertinence",
     "Relevant alternatives for non-time-based media"),
    ("4.10", "A", ("1.4.2",), 1,
     "Sons déclenchés automatiquement contrôlables par l'utilisateur",
     "Sound that plays automatically can be controlled"),
    ("4.11", "A", ("2.1.1", "2.1.2"), 3,
     "Médias temporels utilisables au clavier et au pointeur",
     "Time-based media operable by keyboard and pointer"),
    ("4.12", "A", ("2.1.1", "2.1.2"), 2,
     "Médias non temporels utilisables au clavier et au pointeur",
     "Non-time-based media operable by keyboard and pointer"),
    ("4.13", "A", ("4.1.2",), 2,
     "Médias compatibles avec les technologies d'assistance",
     "Media work with assistive technologies"),
    ("5.1", "A", ("1.3.1",), 1,
     "Tableaux de données complexes : résumé présent",
     "Complex data tables have a summary"),
    ("5.2", "A", ("1.3.1",), 1,
     "Résumé des tableaux complexes : pertinence",
     "Relevant summaries for complex tables"),
    ("5.3", "A", ("1.3.2", "4.1.2"), 1,
     "Tableaux de mise en forme compréhensibles une fois linéarisés",
     "Layout tables make sense when linearised"),
    ("5.4", "A", ("1.3.1",), 1,
     "Titre de tableau de données correctement associé",
     "Data table titles properly associated"),
    ("5.5", "A", ("1.3.1",), 1,
     "Titre de tableau de données pertinent",
     "Relevant titles for data tables"),
    ("5.6", "A", ("1.3.1",), 4,
     "En-têtes de lignes et de colonnes correctement déclarés",
     "Row and column headers properly declared"),
    ("5.7", "A", ("1.3.1",), 5,
     "Cellules de données reliées à leurs en-têtes",
     "Data cells linked to their headers"),
    ("5.8", "A", ("1.3.1",), 1,
     "Tableaux de mise en forme sans balisage de données",
     "Layout tables without data table markup"),
    ("6.1", "A", ("1.1.1", "2.4.4", "2.5.3"), 5,
     "Liens explicites par leur intitulé ou leur contexte",
     "Link purpose clear from text or context"),
    ("6.2", "A", ("1.1.1", "2.4.4"), 1,
     "Chaque lien possède un intitulé",
     "Every link has an accessible name"),
    ("7.1", "A", ("2.5.3", "4.1.2"), 3,
     "Scripts compatibles avec les technologies d'assistance",
     "Scripts work with assistive technologies"),
    ("7.2", "A", ("1.1.1", "4.1.2"), 2,
     "Alternative aux scripts : pertinence",
     "Relevant alternatives to scripts"),
    ("7.3", "A", ("1.3.1", "2.1.1", "2.4.7"), 2,
     "Scripts utilisables au clavier et au pointeur",
     "Scripts operable by keyboard and pointer"),
    ("7.4", "A", ("3.2.1", "3.2.2"), 1,
     "Changement de contexte par script : utilisateur averti ou maître",
     "Script-driven context changes announced or user-controlled"),
    ("7.5", "AA", ("4.1.3",), 3,
     "Messages de statut annoncés aux technologies d'assistance",
     "Status messages conveyed to assistive technologies"),
    ("8.1", "A", ("4.1.1",), 3,
     "Type de document déclaré (doctype)",
     "Document type is declared (doctype)"),
    ("8.2", "A", ("4.1.1", "4.1.2"), 1,
     "Code source généré valide",
     "Generated source code is valid"),
    ("8.3", "A", ("3.1.1",), 1,
     "Langue par défaut de la page indiquée",
     "Default page language is set"),
    ("8.4", "A", ("3.1.1",), 1,
     "Code de langue par défaut pertinent",
     "Default language code is correct"),
    ("8.5", "A", ("2.4.2",), 1,
     "Chaque page possède un titre",
     "Every page has a title"),
    ("8.6", "A", ("2.4.2",), 1,
     "Titre de page pertinent",
     "Page title is relevant"),
    ("8.7", "AA", ("3.1.2",), 1,
     "Changements de langue signalés dans le code",
     "Language changes marked in the code"),
    ("8.8", "AA", ("3.1.2",), 1,
     "Code des changements de langue valide et pertinent",
     "Valid and correct codes for language changes"),
    ("8.9", "A", ("1.3.1",), 1,
     "Balisage sémantique, jamais pour la seule mise en forme",
     "No markup used only for presentation"),
    ("8.10", "A", ("1.3.2",), 2,
     "Changements de sens de lecture signalés",
     "Changes in reading direction are marked"),
    ("9.1", "A", ("1.3.1", "2.4.1", "2.4.6", "4.1.2"), 3,
     "Information structurée par des titres appropriés",
     "Content structured with proper headings"),
    ("9.2", "A", ("1.3.1",), 1,
     "Structure du document cohérente",
     "Document structure is consistent"),
    ("9.3", "A", ("1.3.1",), 3,
     "Chaque liste correctement balisée",
     "Lists are marked up correctly"),
    ("9.4", "A", ("1.3.1",), 2,
     "Citations signalées par le balisage approprié",
     "Quotations marked up as such"),
    ("10.1", "A", ("1.3.1", "1.3.2"), 3,
     "Présentation gérée par des feuilles de style",
     "Presentation controlled by style sheets"),
    ("10.2", "A", ("1.1.1", "1.3.1"), 1,
     "Contenu visible informatif conservé sans CSS",
     "Meaningful visible content remains without CSS"),
    ("10.3", "A", ("1.3.2", "2.4.3"), 1,
     "Information compréhensible sans feuilles de style",
     "Information still understandable without CSS"),
    ("10.4", "AA", ("1.4.4",), 2,
     "Texte lisible avec un agrandissement à 200 %",
     "Text readable when enlarged to 200 %"),
    ("10.5", "AA", ("1.4.3",), 3,
     "Couleurs de texte et de fond déclarées ensemble en CSS",
     "Text and background colours declared together in CSS"),
    ("10.6", "A", ("1.4.1",), 1,
     "Liens distinguables du texte environnant",
     "Links distinguishable from surrounding text"),
    ("10.7", "A", ("1.4.1", "2.4.7"), 1,
     "Focus visible sur chaque élément focalisable",
     "Visible focus on every focusable element"),
    ("10.8", "A", ("1.3.2", "4.1.2"), 1,
     "Contenus cachés à bon escient pour les aides techniques",
     "Hidden content is meant to be hidden from assistive tech"),
    ("10.9", "A", ("1.3.3", "1.4.1"), 4,
     "Information pas uniquement donnée par forme, taille ou position",
     "Information not conveyed by shape, size or position alone"),
    ("10.10", "A", ("1.3.3", "1.4.1"), 4,
     "Indices de forme, taille ou position : relais pertinent",
     "Shape, size or position cues relayed appropriately"),
    ("10.11", "AA", ("1.4.10",), 2,
     "Contenu adaptable sans défilement à 320 px de large",
     "Content reflows without scrolling at 320 px wide"),
    ("10.12", "AA", ("1.4.12",), 1,
     "Espacement du texte redéfinissable sans perte",
     "Text spacing can be changed without loss"),
    ("10.13", "AA", ("1.4.13",), 3,
     "Contenus au survol ou au focus contrôlables",
     "Content on hover or focus is controllable"),
    ("10.14", "A", ("2.1.1",), 2,
     "Contenus révélés en CSS accessibles au clavier et pointeur",
     "CSS-revealed content reachable by keyboard and pointer"),
    ("11.1", "A", ("1.3.1", "2.4.6", "3.3.2", "4.1.2"), 3,
     "Étiquette présente pour chaque champ de formulaire",
     "Every form field has a label"),
    ("11.2", "A", ("2.4.6", "2.5.3", "3.3.2"), 6,
     "Étiquettes des champs pertinentes",
     "Field labels are relevant"),
    ("11.3", "AA", ("3.2.4",), 2,
     "Étiquettes cohérentes pour des champs de même fonction",
     "Consistent labels for fields with the same function"),
    ("11.4", "A", ("3.3.2",), 3,
     "Étiquette placée à côté de son champ",
     "Label placed next to its field"),
    ("11.5", "A", ("1.3.1", "3.3.2"), 1,
     "Champs de même nature regroupés si besoin",
     "Related fields grouped when needed"),
    ("11.6", "A", ("1.3.1", "3.3.2"), 1,
     "Regroupement de champs : légende présente",
     "Field groups have a legend"),
    ("11.7", "A", ("1.3.1", "3.3.2"), 1,
     "Légende de regroupement de champs pertinente",
     "Field group legends are relevant"),
    ("11.8", "A", ("1.3.1",), 3,
     "Options des listes de choix regroupées avec pertinence",
     "Options in select lists grouped sensibly"),
    ("11.9", "A", ("2.5.3", "4.1.2"), 2,
     "Intitulé de bouton de formulaire pertinent",
     "Form button labels are relevant"),
    ("11.10", "A", ("3.3.1", "3.3.2"), 7,
     "Contrôle de saisie utilisé avec pertinence",
     "Input validation used appropriately"),
    ("11.11", "AA", ("3.3.3",), 2,
     "Erreurs de saisie accompagnées de suggestions de correction",
     "Input errors come with correction suggestions"),
    ("11.12", "AA", ("3.3.4",), 2,
     "Données à enjeu vérifiables, modifiables ou récupérables",
     "Important submissions can be reviewed, corrected or recovered"),
    ("11.13", "AA", ("1.3.5",), 1,
     "Finalité des champs déductible pour l'autocomplétion",
     "Field purpose identifiable for autofill"),
    ("12.1", "AA", ("2.4.5",), 1,
     "Au moins deux systèmes de navigation",
     "At least two ways to navigate"),
    ("12.2", "AA", ("3.2.3",), 1,
     "Menus et navigation toujours au même endroit",
     "Menus and navigation bars stay in place"),
    ("12.3", "AA", ("2.4.5",), 3,
     "Plan du site pertinent",
     "Site map is relevant"),
    ("12.4", "AA", ("2.4.5", "3.2.3"), 3,
     "Plan du site atteignable de façon identique",
     "Site map reached the same way everywhere"),
    ("12.5", "AA", ("3.2.3",), 3,
     "Moteur de recherche atteignable de façon identique",
     "Search reached the same way everywhere"),
    ("12.6", "A", ("1.3.1", "2.4.1", "4.1.2"), 1,
     "Zones communes des pages atteignables ou contournables",
     "Shared page regions can be reached or skipped"),
    ("12.7", "A", ("2.4.1", "2.4.3", "3.2.3"), 2,
     "Lien d'évitement vers le contenu principal",
     "Skip link to the main content"),
    ("12.8", "A", ("2.4.3",), 2,
     "Ordre de tabulation logique et cohérent",
     "Tab order is logical"),
    ("12.9", "A", ("2.1.1", "2.1.2"), 1,
     "Aucun piège au clavier dans la page",
     "No keyboard trap in the page"),
    ("12.10", "A", ("2.1.4",), 1,
     "Raccourcis clavier à une touche contrôlables",
     "Single-key shortcuts can be controlled"),
    ("12.11", "A", ("2.1.1",), 1,
     "Contenus additionnels atteignables au clavier",
     "Additional content reachable by keyboard"),
    ("13.1", "A", ("2.2.1", "2.2.2"), 4,
     "Limites de temps contrôlables par l'utilisateur",
     "Time limits can be controlled by the user"),
    ("13.2", "A", ("3.2.1",), 1,
     "Pas de nouvelle fenêtre sans action de l'utilisateur",
     "No new window without user action"),
    ("13.3", "A", ("1.1.1", "1.3.1", "1.3.2", "2.4.1", "2.4.3", "3.1.1", "4.1.2"), 1,
     "Documents bureautiques : version accessible si besoin",
     "Office documents have an accessible version when needed"),
    ("13.4", "A", ("1.1.1", "1.3.1", "1.3.2", "2.4.1", "2.4.3", "3.1.1", "4.1.2"), 1,
     "Version accessible des documents : même information",
     "Accessible document versions carry the same information"),
    ("13.5", "A", ("1.1.1",), 1,
     "Contenus cryptiques (émoticônes, art ASCII) : alternative présente",
     "Cryptic content (emoticons, ASCII art) has an alternative"),
    ("13.6", "A", ("1.1.1",), 1,
     "Alternative aux contenus cryptiques pertinente",
     "Relevant alternatives for cryptic content"),
    ("13.7", "A", ("2.3.1",), 3,
     "Flashs et changements brusques de luminosité maîtrisés",
     "Flashes and sudden brightness changes kept safe"),
    ("13.8", "A", ("2.2.1", "2.2.2"), 2,
     "Contenus en mouvement ou clignotants contrôlables",
     "Moving or blinking content can be controlled"),
    ("13.9", "AA", ("1.3.4",), 1,
     "Contenu consultable en portrait comme en paysage",
     "Content usable in portrait and landscape"),
    ("13.10", "A", ("2.5.1",), 2,
     "Gestes complexes remplaçables par un geste simple",
     "Complex gestures have a simple alternative"),
    ("13.11", "A", ("2.5.2",), 1,
     "Actions au pointeur unique annulables",
     "Single-pointer actions can be cancelled"),
    ("13.12", "A", ("2.5.4",), 3,
     "Fonctions par mouvement de l'appareil : alternative disponible",
     "Motion-triggered functions have an alternative"),
)

# WCAG 2.2 success criteria of levels A and AA: number -> (English name, level). 55 are in force;
# 4.1.1 Parsing is obsolete in WCAG 2.2 (always satisfied) but RGAA 4.1.2 still maps criteria to it.
WCAG_SC: dict[str, tuple[str, str]] = {
    "1.1.1": ("Non-text Content", "A"),
    "1.2.1": ("Audio-only and Video-only (Prerecorded)", "A"),
    "1.2.2": ("Captions (Prerecorded)", "A"),
    "1.2.3": ("Audio Description or Media Alternative (Prerecorded)", "A"),
    "1.2.4": ("Captions (Live)", "AA"),
    "1.2.5": ("Audio Description (Prerecorded)", "AA"),
    "1.3.1": ("Info and Relationships", "A"),
    "1.3.2": ("Meaningful Sequence", "A"),
    "1.3.3": ("Sensory Characteristics", "A"),
    "1.3.4": ("Orientation", "AA"),
    "1.3.5": ("Identify Input Purpose", "AA"),
    "1.4.1": ("Use of Color", "A"),
    "1.4.2": ("Audio Control", "A"),
    "1.4.3": ("Contrast (Minimum)", "AA"),
    "1.4.4": ("Resize Text", "AA"),
    "1.4.5": ("Images of Text", "AA"),
    "1.4.10": ("Reflow", "AA"),
    "1.4.11": ("Non-text Contrast", "AA"),
    "1.4.12": ("Text Spacing", "AA"),
    "1.4.13": ("Content on Hover or Focus", "AA"),
    "2.1.1": ("Keyboard", "A"),
    "2.1.2": ("No Keyboard Trap", "A"),
    "2.1.4": ("Character Key Shortcuts", "A"),
    "2.2.1": ("Timing Adjustable", "A"),
    "2.2.2": ("Pause, Stop, Hide", "A"),
    "2.3.1": ("Three Flashes or Below Threshold", "A"),
    "2.4.1": ("Bypass Blocks", "A"),
    "2.4.2": ("Page Titled", "A"),
    "2.4.3": ("Focus Order", "A"),
    "2.4.4": ("Link Purpose (In Context)", "A"),
    "2.4.5": ("Multiple Ways", "AA"),
    "2.4.6": ("Headings and Labels", "AA"),
    "2.4.7": ("Focus Visible", "AA"),
    "2.4.11": ("Focus Not Obscured (Minimum)", "AA"),
    "2.5.1": ("Pointer Gestures", "A"),
    "2.5.2": ("Pointer Cancellation", "A"),
    "2.5.3": ("Label in Name", "A"),
    "2.5.4": ("Motion Actuation", "A"),
    "2.5.7": ("Dragging Movements", "AA"),
    "2.5.8": ("Target Size (Minimum)", "AA"),
    "3.1.1": ("Language of Page", "A"),
    "3.1.2": ("Language of Parts", "AA"),
    "3.2.1": ("On Focus", "A"),
    "3.2.2": ("On Input", "A"),
    "3.2.3": ("Consistent Navigation", "AA"),
    "3.2.4": ("Consistent Identification", "AA"),
    "3.2.6": ("Consistent Help", "A"),
    "3.3.1": ("Error Identification", "A"),
    "3.3.2": ("Labels or Instructions", "A"),
    "3.3.3": ("Error Suggestion", "AA"),
    "3.3.4": ("Error Prevention (Legal, Financial, Data)", "AA"),
    "3.3.7": ("Redundant Entry", "A"),
    "3.3.8": ("Accessible Authentication (Minimum)", "AA"),
    "4.1.1": ("Parsing", "A"),
    "4.1.2": ("Name, Role, Value", "A"),
    "4.1.3": ("Status Messages", "AA"),
}
WCAG_OBSOLETE: frozenset[str] = frozenset({"4.1.1"})  # removed from WCAG 2.2, kept for the RGAA mapping
WCAG_NEW_IN_22: frozenset[str] = frozenset({"2.4.11", "2.5.7", "2.5.8", "3.2.6", "3.3.7", "3.3.8"})

THEMES: dict[int, Theme] = {n: Theme(n, fr, en) for n, fr, en in _THEMES}
CRITERIA: dict[str, Criterion] = {
    cid: Criterion(id=cid, theme=int(cid.split(".")[0]), title=fr, title_en=en, level=level, wcag=wcag,
                   tests=tuple(f"{cid}.{i}" for i in range(1, count + 1)))
    for cid, level, wcag, count, fr, en in _CRITERIA
}
TESTS: dict[str, str] = {test: c.id for c in CRITERIA.values() for test in c.tests}


def criterion_of(test_id: str) -> str:
    """The criterion of an RGAA test: "8.5.1" -> "8.5". Raises KeyError for a test RGAA 4.1.2 lacks."""
    return TESTS[test_id]


def criteria_for_wcag(sc: str) -> tuple[str, ...]:
    """The RGAA criteria mapped to a WCAG success criterion, in official order; () when none."""
    return tuple(c.id for c in CRITERIA.values() if sc in c.wcag)


def wcag_scs(version: str = WCAG_VERSION) -> dict[str, tuple[str, str]]:
    """The A/AA success criteria in force in WCAG 2.2 (55) or 2.1 (50, with 4.1.1 Parsing)."""
    if version == "2.2":
        return {sc: v for sc, v in WCAG_SC.items() if sc not in WCAG_OBSOLETE}
    if version == "2.1":
        return {sc: v for sc, v in WCAG_SC.items() if sc not in WCAG_NEW_IN_22}
    raise ValueError(f"unknown WCAG version {version!r}; known: 2.1, 2.2")


def criterion_title(criterion_id: str, lang: str = "fr", official: Mapping[str, str] | None = None) -> str:
    """The title a report shows for a criterion: the official French sentence when ``official`` (from
    ``load_official``) holds it and the report is French, else our own short title in ``lang``."""
    if official and lang == "fr" and official.get(criterion_id):
        return official[criterion_id]
    crit = CRITERIA[criterion_id]
    return crit.title_en if lang == "en" else crit.title


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def strip_links(text: str) -> str:
    """Official texts mark glossary terms as markdown links: "[cadre](#cadre)" -> "cadre"."""
    return re.sub(r"\s+", " ", _MD_LINK.sub(r"\1", text)).strip()


def load_official(path: str | Path) -> dict[str, str]:
    """Official criterion titles from an official RGAA criteria file (criteres.json): {id: title}.

    ``path`` is the file or a folder holding ``criteres.json``. The file must describe RGAA 4.1.2's 106
    criteria. Raises StandardsError with a one-line message naming the file.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "criteres.json"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StandardsError(f"{file}: file not found; give the official RGAA criteria file (criteres.json) "
                             "or the folder holding it") from None
    except UnicodeDecodeError:
        raise StandardsError(f"{file}: not UTF-8 text; give the official RGAA criteria file "
                             "(criteres.json)") from None
    except OSError as exc:
        raise StandardsError(f"{file}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StandardsError(f"{file}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    titles: dict[str, str] = {}
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, list):
        raise StandardsError(f"{file}: not an RGAA criteria file: expected an object with a \"topics\" list")
    for i, topic in enumerate(topics):
        where = f"topics[{i}]"
        number = topic.get("number") if isinstance(topic, dict) else None
        criteria = topic.get("criteria") if isinstance(topic, dict) else None
        if not isinstance(number, int) or not isinstance(criteria, list):
            raise StandardsError(f"{file}: {where}: expected an object with \"number\" and a "
                                 "\"criteria\" list")
        for j, item in enumerate(criteria):
            crit = item.get("criterium") if isinstance(item, dict) else None
            if not isinstance(crit, dict) or not isinstance(crit.get("number"), int) \
                    or not isinstance(crit.get("title"), str):
                raise StandardsError(f"{file}: {where}.criteria[{j}]: expected "
                                     "{\"criterium\": {\"number\", \"title\"}}")
            titles[f"{number}.{crit['number']}"] = strip_links(crit["title"])
    unknown = [cid for cid in titles if cid not in CRITERIA]
    missing = [cid for cid in CRITERIA if cid not in titles]
    if unknown or missing:
        detail = "; ".join(part for part in (
            f"unknown criteria {', '.join(unknown[:5])}" if unknown else "",
            f"missing criteria {', '.join(missing[:5])}" if missing else "") if part)
        raise StandardsError(f"{file}: not the RGAA {RGAA_VERSION} criteria ({len(titles)} criteria found, "
                             f"{len(CRITERIA)} expected: {detail})")
    return titles

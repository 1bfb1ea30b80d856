"""RGAA theme 2, cadres: every iframe or frame has a title attribute (2.1) that describes it (2.2).

RGAA 2.1.1 asks for the ``title`` attribute itself: an ``aria-label`` gives the frame a name in browsers
but does not meet the test. A frame hidden from assistive technologies (``aria-hidden="true"``) or not
rendered is out of scope (RGAA glossary, "titre de cadre", note 2).
"""

from __future__ import annotations

import re

from audit.checks import Evidence, Result, check
from audit.checks.exposure import dom_of, fold, norm, short, tag, unavailable, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

GENERIC_FRAME_TITLES = frozenset(fold(t) for t in (
    "iframe", "frame", "cadre", "contenu", "content", "sans titre", "untitled", "widget", "embed", "embedded",
    "contenu intégré", "contenu externe", "contenu embarqué", "embedded content", "external content", "blank",
    "about:blank", "titre", "title", "null", "undefined", "none", "vide", "empty", "fenêtre", "window",
    "frame title", "titre du cadre", "iframe title", "html", "module", "integration", "intégration",
    "contenu iframe",
))
MAX_FINDINGS = 40
_GENERIC_PATTERN = re.compile(r"(?:i?frame|cadre|widget|embed|iframe title|contenu)[\s_#-]*\d*")


def frames(root):
    v = view(root)
    for el in root.iter():
        if tag(el) in ("iframe", "frame") and v.exposed(el):
            yield el


@check(
    id="rgaa-2.1-frame-title",
    title=N_("Chaque cadre (iframe, frame) a un attribut title"),
    failure=N_("Un cadre (iframe, frame) n'a pas d'attribut title"),
    description=N_("Le titre d'un cadre est annoncé quand on y entre et dans la liste des cadres : sans lui, "
                   "impossible de savoir ce que contient le cadre (carte, vidéo, formulaire…)."),
    how_to_fix=N_("Ajoutez à l'élément iframe un attribut title qui décrit son contenu, par exemple "
                  "title=\"Plan interactif de la ville\"."),
    rgaa=("2.1.1",), wcag=("4.1.2",), impact=Impact.SERIOUS, evidence=("dom",), conclusive=True,
)
def frame_title(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    results, fine = [], 0
    for el in frames(root):
        if el.get("title") is not None:
            fine += 1
            continue
        named = norm(el.get("aria-label")) or el.get("aria-labelledby")
        message = N_("Cadre sans attribut title. Il a un aria-label ou aria-labelledby, mais le RGAA demande "
                     "l'attribut title.") if named else N_("Cadre sans attribut title.")
        results.append(Result(Outcome.FAILED, element=el, message=message))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} cadre, avec un attribut title.",
                                                                 "{n} cadres, tous avec un attribut title.")))
    return results[:MAX_FINDINGS]


def generic_frame_title(title: str) -> bool:
    folded = fold(title).strip(" .:-_")
    return not folded or folded in GENERIC_FRAME_TITLES or bool(_GENERIC_PATTERN.fullmatch(folded))


@check(
    id="rgaa-2.2-frame-title-relevant",
    title=N_("Le titre de chaque cadre décrit son contenu"),
    failure=N_("Le titre d'un cadre ne décrit pas son contenu"),
    description=N_("Un titre vide ou générique (« iframe », « cadre », « widget ») n'apprend rien sur le contenu "
                   "du cadre."),
    how_to_fix=N_("Remplacez le titre par ce que montre le cadre : « Plan d'accès à la mairie », « Vidéo : "
                  "présentation du budget 2025 »…"),
    rgaa=("2.2.1",), wcag=("4.1.2",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Le titre de ce cadre décrit-il son contenu ?"),
)
def frame_title_relevant(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results = []
    for el in frames(root):
        title = el.get("title")
        if title is None:
            continue
        if generic_frame_title(title):
            message = Msg("Titre de cadre générique (« {title} »).", title=short(title, 60)) if norm(title) else \
                N_("Titre de cadre vide.")
            results.append(Result(Outcome.FAILED, element=el, message=message))
        else:
            src = short(el.get("src") or "", 80)
            message = Msg("Titre du cadre : « {title} » (src : {src}).", title=short(title, 100), src=src) if src \
                else Msg("Titre du cadre : « {title} ».", title=short(title, 100))
            results.append(Result(Outcome.CANT_TELL, element=el, message=message))
    return results[:MAX_FINDINGS]

"""Theme 7 — Scripts: controls made by scripts (role, keyboard) and focus taken away by scripts.

Read from in-page probes (audit/probes/interactive.js, audit/probes/focus.js). Listeners added with
addEventListener are invisible to a page, so an element is "clickable" when it has an onclick-like handler,
an interactive ARIA role, or a pointer cursor of its own; only a visible handler ever makes a failure (a role
or a cursor alone leaves a question).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from audit.checks import Evidence, Result, check, listing, probe_missing
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_LISTED = 5


def _listing(items: list[dict[str, Any]]) -> Msg:
    return listing([i["s"] for i in items], MAX_LISTED, ", ")


def _label(item: dict[str, Any]) -> Msg | str:
    """An element as a message names it: its accessible name in quotes, else its tag."""
    return Msg("« {name} »", name=item["name"]) if item.get("name") else f"<{item.get('tag', '?')}>"


# the reason the focus probe gives for a page with nothing to focus (audit.capture.NO_FOCUS_TARGET), by its code
_REASONS = {"no_focus_target": N_("aucun élément de la page ne reçoit le focus avec la touche Tab")}

_KEYBOARD_Q = N_("Ces composants sont-ils atteignables avec Tab et utilisables au clavier (Entrée, Espace, "
                 "flèches) comme à la souris ?")


@check(
    id="rgaa-7.3-keyboard-access",
    title=N_("Les éléments cliquables par script sont utilisables au clavier"),
    failure=N_("Un élément cliquable par script n'est pas atteignable au clavier"),
    description=N_("Un élément qui n'est pas un lien ni un bouton natif mais qui réagit au clic (onclick…) ou porte "
                   "un rôle de composant (role=\"button\"…) doit pouvoir recevoir le focus et s'activer au clavier."),
    how_to_fix=N_("Utilisez un vrai <button> ou un lien <a href>. À défaut, ajoutez tabindex=\"0\", un rôle adapté "
                  "et la gestion des touches Entrée et Espace."),
    rgaa=("7.3.1",),
    wcag=("2.1.1",),
    impact=Impact.CRITICAL,
    evidence=("probe:interactive",),
    question=_KEYBOARD_Q,
)
def keyboard_access(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("interactive")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "interactive", _KEYBOARD_Q)
        return
    items = data.get("items", [])
    focusable_widgets = []
    unfocusable_roles = []
    pointer_only = []
    for item in items:
        if item.get("focusable") and (item.get("handler") or item.get("role")):
            focusable_widgets.append(item)
        elif item.get("handler"):
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("{element} réagit au clic mais ne peut pas recevoir le focus : il est "
                                     "inutilisable au clavier (sauf si un autre élément de la page, accessible au "
                                     "clavier, fait la même chose).", element=_label(item)))
        elif item.get("role"):
            unfocusable_roles.append(item)  # a role, but no handler the page can show: maybe not interactive
        elif item.get("pointer"):
            pointer_only.append(item)
    if unfocusable_roles:
        yield Result(Outcome.CANT_TELL, selector=unfocusable_roles[0]["s"], snippet=unfocusable_roles[0].get("snippet"),
                     message=Msg.plural(len(unfocusable_roles),
                                        "{n} élément a un rôle de composant (bouton, case à cocher…) sans pouvoir "
                                        "recevoir le focus : {elements}.",
                                        "{n} éléments ont un rôle de composant (bouton, case à cocher…) sans pouvoir "
                                        "recevoir le focus : {elements}.", elements=_listing(unfocusable_roles)),
                     question=N_("Ces éléments réagissent-ils au clic ? Si oui, ils doivent recevoir le focus et "
                                 "s'activer au clavier."))
    if focusable_widgets:
        yield Result(Outcome.CANT_TELL, selector=focusable_widgets[0]["s"], snippet=focusable_widgets[0].get("snippet"),
                     message=Msg.plural(len(focusable_widgets),
                                        "{n} composant créé par script reçoit le focus ; son fonctionnement au "
                                        "clavier reste à vérifier : {elements}.",
                                        "{n} composants créés par script reçoivent le focus ; leur fonctionnement au "
                                        "clavier reste à vérifier : {elements}.", elements=_listing(focusable_widgets)))
    if pointer_only:
        yield Result(Outcome.CANT_TELL, selector=pointer_only[0]["s"], snippet=pointer_only[0].get("snippet"),
                     message=Msg.plural(len(pointer_only),
                                        "{n} élément a un curseur en forme de main sans être un lien ou un bouton : "
                                        "{elements}.",
                                        "{n} éléments ont un curseur en forme de main sans être des liens ou des "
                                        "boutons : {elements}.", elements=_listing(pointer_only)),
                     question=N_("Ces éléments sont-ils cliquables ? Si oui, sont-ils atteignables et activables au "
                                 "clavier ?"))


@check(
    id="rgaa-7.1-script-control-role",
    title=N_("Les composants créés par script ont un rôle"),
    failure=N_("Un élément cliquable par script n'a pas de rôle"),
    description=N_("Un élément qui réagit au clic (onclick…) sans être un lien ou un bouton natif doit annoncer ce "
                   "qu'il est aux technologies d'assistance, par un rôle (button, link, checkbox…)."),
    how_to_fix=N_("Remplacez l'élément par un <button> (action) ou un <a href> (navigation) ; à défaut, ajoutez le "
                  "rôle adapté, tabindex=\"0\" et la gestion du clavier."),
    rgaa=("7.1.1",),
    wcag=("4.1.2",),
    impact=Impact.SERIOUS,
    evidence=("probe:interactive",),
    question=N_("Ce composant est-il annoncé avec un rôle, un nom et un état corrects par un lecteur d'écran ?"),
)
def control_role(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("interactive")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "interactive", N_("Les composants créés par script ont-ils un rôle ?"))
        return
    for item in data.get("items", []):
        if item.get("handler") and not item.get("role"):
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("{element} réagit au clic mais n'a aucun rôle : un lecteur d'écran ne "
                                     "l'annonce pas comme un bouton ou un lien.", element=_label(item)))


_REMOVED_Q = N_("Quand ces éléments reçoivent le focus, un script le déplace-t-il ailleurs à bon escient ?")


@check(
    id="rgaa-7.3-focus-kept",
    title=N_("Les scripts laissent le focus aux éléments qui le reçoivent"),
    failure=N_("Un script retire le focus d'un élément qui le reçoit"),
    description=N_("Chaque élément atteignable au clavier est focalisé : si un script retire aussitôt le focus "
                   "(this.blur()), l'élément est inutilisable au clavier."),
    how_to_fix=N_("Ne retirez pas le focus par script (blur) ; pour masquer le contour, utilisez un style :focus-visible."),
    rgaa=("7.3.2",),
    wcag=("2.1.1", "2.4.7"),
    impact=Impact.SERIOUS,
    evidence=("probe:focus",),
    question=_REMOVED_Q,
)
def focus_kept(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("focus")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "focus", N_("Les scripts laissent-ils le focus aux éléments qui le reçoivent ?"))
        return
    if isinstance(data.get("inapplicable"), dict):  # the gather proved there is nothing to focus
        why = data["inapplicable"]
        reason = Msg(_REASONS[why["code"]]) if why.get("code") in _REASONS else why.get("reason")
        yield Result(Outcome.INAPPLICABLE, message=Msg("Non applicable : {reason}.", reason=reason))
        return
    elements = data.get("elements", [])
    redirected = []
    for item in elements:
        if item.get("focus") == "removed":
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("{element} perd le focus aussitôt reçu : un script le lui retire.",
                                     element=_label(item)))
        elif item.get("focus") == "redirected":
            redirected.append(item)
    if redirected:
        yield Result(Outcome.CANT_TELL, selector=redirected[0]["s"], snippet=redirected[0].get("snippet"),
                     message=Msg.plural(len(redirected),
                                        "{n} élément renvoie le focus vers un autre élément dès qu'il le reçoit : "
                                        "{elements}.",
                                        "{n} éléments renvoient le focus vers un autre élément dès qu'ils le "
                                        "reçoivent : {elements}.", elements=_listing(redirected)))
    ok = sum(1 for item in elements if item.get("focus") == "ok")
    if ok and not redirected and not any(item.get("focus") == "removed" for item in elements):
        yield Result(Outcome.PASSED, message=Msg.plural(ok, "{n} élément garde le focus quand il le reçoit.",
                                                        "{n} éléments gardent le focus quand ils le reçoivent."))


# --- 7.4 changes of context started by a script --------------------------------------------------

# What an inline handler does that changes the context: go to another page, open a window, submit a form.
_CONTEXT_CHANGE = re.compile(r"(?:\b(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=(?!=)|"
                             r"\blocation\.(?:assign|replace|reload)\s*\(|\bwindow\.open\s*\(|\.submit\s*\(\s*\)|"
                             r"\bthis\.form\.submit\b|\bnavigate\s*\()", re.I)


@check(
    id="rgaa-7.4-change-of-context",
    title=N_("Les changements de contexte lancés par un script sont annoncés ou contrôlés"),
    failure=N_("Un script change de contexte sans prévenir"),
    description=N_("Un champ dont la modification change de page ou envoie le formulaire (onchange), ou un élément "
                   "qui ouvre une fenêtre ou change de page quand il reçoit le focus (onfocus), surprend l'utilisateur "
                   "du clavier et du lecteur d'écran. Seuls les gestionnaires écrits dans le code HTML sont repérés."),
    how_to_fix=N_("Ajoutez un bouton « Valider » ou « Aller » au lieu d'agir au changement de valeur, ou prévenez avant "
                  "le champ (« la page se met à jour dès le choix ») ; n'ouvrez rien et ne changez pas de page à la "
                  "prise de focus."),
    rgaa=("7.4.1",), wcag=("3.2.1", "3.2.2"), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Ce changement de contexte (nouvelle page, envoi du formulaire, nouvelle fenêtre) est-il annoncé avant "
                "l'élément, ou l'utilisateur le déclenche-t-il lui-même par un bouton ?"),
)
def change_of_context(evidence: Evidence) -> Iterator[Result]:
    from audit.checks.exposure import dom_of, short, tag

    root = dom_of(evidence)
    if root is None:
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        onchange, onfocus = el.get("onchange") or "", el.get("onfocus") or el.get("onfocusin") or ""
        if tag(el) in ("select", "input", "textarea") and _CONTEXT_CHANGE.search(onchange):
            yield Result(Outcome.CANT_TELL, element=el,
                         message=Msg("Changer la valeur de ce champ lance « {code} ».", code=short(onchange, 80)),
                         question=N_("Choisir une valeur dans ce champ change-t-il de page ou envoie-t-il le "
                                     "formulaire sans autre action ? Si oui, un texte placé avant le champ le dit-il ?"))
        elif _CONTEXT_CHANGE.search(onfocus):
            yield Result(Outcome.CANT_TELL, element=el,
                         message=Msg("La prise de focus de cet élément lance « {code} ».", code=short(onfocus, 80)),
                         question=N_("Atteindre cet élément au clavier ouvre-t-il une fenêtre ou change-t-il de "
                                     "page ? Si oui, l'utilisateur en est-il prévenu avant ?"))

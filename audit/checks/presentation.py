"""Theme 10 — Présentation de l'information: focus visible, 200 % zoom, reflow at 320 px, text spacing.

Every check here reads probes gathered in a live browser (audit/probes/focus.js, audit/layout.py); none is
conclusive: what a person sees (a subtle focus ring, content lost without being clipped) is beyond them. When
a probe did not run, the check says it could not tell rather than passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.checks import Evidence, Result, check, listing, probe_missing
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_LISTED = 5  # selectors named in a page-level message


def _listing(items: list[dict[str, Any]]) -> Msg:
    return listing([i["s"] for i in items], MAX_LISTED, ", ")


def _said(table: dict[str, str], key: Any) -> Msg | Any:
    """A word of ``table`` (French msgids) as a Msg; an unknown key as it is (data from the probe)."""
    return Msg(table[key]) if key in table else key


def _decimal(number: Any) -> Msg | str:
    """A measured number with the decimal separator of the reader's language (« 0,05 », « 0.05 »)."""
    units, _, decimals = f"{number:g}".partition(".") if isinstance(number, int | float) else (str(number), "", "")
    return Msg("{units},{decimals}", units=units, decimals=decimals) if decimals else units


# Why a probe was not run (its ``inapplicable.code``, audit/capture.py and audit/layout.py); a run saved with
# another code keeps the reason it stored
_INAPPLICABLE = {
    "no_focus_target": N_("aucun élément de la page ne reçoit le focus avec la touche Tab"),
    "no_clipping_box": N_("aucun bloc en overflow: hidden ou clip ne contient de texte (et aucun conteneur de "
                          "requêtes de taille) : l'espacement augmenté ne peut couper aucun texte"),
}


def _inapplicable(facts: dict[str, Any]) -> Result:
    why = Msg(_INAPPLICABLE[facts.get("code")]) if facts.get("code") in _INAPPLICABLE else facts.get("reason")
    return Result(Outcome.INAPPLICABLE, message=Msg("Non applicable : {reason}.", reason=why))


# --- 10.7 focus visible ----------------------------------------------------------------------

_FOCUS_Q = N_("L'indication du focus est-elle bien visible (contour, fond ou soulignement contrasté à 3:1 au "
              "moins) sur chacun de ces éléments ?")
_WEAK = {
    "weak": N_("le seul changement au focus est discret (couleur proche, graisse, opacité…)"),
    "script": N_("aucun style ne change au focus, mais un script modifie la page : l'indication est peut-être "
                 "ailleurs"),
    "hidden": N_("l'élément reçoit le focus sans être visible à l'écran"),
}

_UNSEEN = {
    "parts": N_("partie interne du champ, comme le curseur d'un input range ou le bouton d'un input file"),
    "shadow": N_("contenu d'un shadow DOM"),
    "pseudo": N_("pseudo-élément mis en forme par une règle :focus"),
}


@check(
    id="rgaa-10.7-focus-visible",
    title=N_("La prise de focus est visible"),
    failure=N_("La prise de focus n'est pas visible"),
    description=N_("Chaque élément atteignable au clavier est focalisé comme au clavier (:focus-visible) ; on "
                   "compare les styles calculés de l'élément, de ses pseudo-éléments, de ses parents et voisins "
                   "avant et après. Aucun changement : le focus est invisible."),
    how_to_fix=N_("Ne supprimez pas le contour natif (outline: none) sans le remplacer : définissez un style "
                  ":focus-visible net, par exemple un contour de 2 px contrasté à 3:1 au moins avec le fond."),
    rgaa=("10.7.1",),
    wcag=("2.4.7",),
    impact=Impact.SERIOUS,
    evidence=("probe:focus",),
    question=_FOCUS_Q,
)
def focus_visible(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("focus")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "focus", _FOCUS_Q)
        return
    if isinstance(data.get("inapplicable"), dict):  # the gather proved there is nothing to focus
        yield _inapplicable(data["inapplicable"])
        return
    elements = [e for e in data.get("elements", []) if e.get("focus") == "ok"]
    if not elements:
        return
    strong = 0
    doubtful: dict[str, list[dict[str, Any]]] = {}
    for item in elements:
        change = item.get("change")
        if change == "none" and item.get("unseen"):
            yield Result(Outcome.CANT_TELL, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("Aucun changement mesurable sur l'élément, mais l'indication du focus peut "
                                     "être dessinée là où la mesure ne voit pas ({where}).",
                                     where=_said(_UNSEEN, item["unseen"])),
                         question=N_("En naviguant au clavier jusqu'à cet élément, voit-on où est le focus (contour, "
                                     "fond ou curseur contrasté à 3:1 au moins) ?"))
        elif change == "none":
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=N_("Aucun changement visible à la prise de focus (contour, fond, bordure, "
                                    "soulignement, couleur) : le focus est invisible."))
        elif change == "strong":
            strong += 1
        else:
            doubtful.setdefault(change, []).append(item)
    for change, items in doubtful.items():
        yield Result(Outcome.CANT_TELL, selector=items[0]["s"], snippet=items[0].get("snippet"),
                     message=Msg.plural(len(items), "{n} élément : {why} — {elements}.",
                                        "{n} éléments : {why} — {elements}.",
                                        why=_said(_WEAK, change), elements=_listing(items)))
    if strong and data.get("truncated"):
        yield Result(Outcome.PASSED, message=Msg.plural(
            strong, "{n} élément change nettement d'apparence à la prise de focus (premiers éléments seulement).",
            "{n} éléments changent nettement d'apparence à la prise de focus (premiers éléments seulement)."))
    elif strong:
        yield Result(Outcome.PASSED, message=Msg.plural(
            strong, "{n} élément change nettement d'apparence à la prise de focus.",
            "{n} éléments changent nettement d'apparence à la prise de focus."))


# --- 10.4 text at 200 % --------------------------------------------------------------------------

_ZOOM_Q = N_("À 200 % de zoom, ce texte tronqué reste-t-il lisible en entier d'une autre façon (lien « lire la "
             "suite », infobulle, page détaillée) ?")


@check(
    id="rgaa-10.4-text-zoom",
    title=N_("Le texte reste lisible à 200 %"),
    failure=N_("Du texte est coupé à 200 %"),
    description=N_("La page est mise en page comme une fenêtre de 1280 × 900 px zoomée à 200 % (640 × 450 px "
                   "CSS). Un texte entier à 100 % mais coupé à 200 % par un bloc en overflow: hidden est perdu."),
    how_to_fix=N_("Évitez les hauteurs fixes sur les blocs de texte (préférez min-height) et overflow: hidden ; "
                  "laissez le texte passer à la ligne et le bloc s'agrandir."),
    rgaa=("10.4.1",),
    wcag=("1.4.4",),
    impact=Impact.SERIOUS,
    evidence=("probe:zoom",),
    question=_ZOOM_Q,
)
def text_zoom(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("zoom")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "zoom", N_("Le texte reste-t-il lisible à 200 % de zoom ?"))
        return
    yield from _clipped(data.get("clipped", []), _ZOOM_CUT, _ZOOM_Q)
    before = data.get("clipped_before", [])
    if before:
        yield Result(Outcome.CANT_TELL, selector=before[0]["s"], snippet=before[0].get("snippet"),
                     message=Msg("Texte déjà coupé à 100 % par un bloc en overflow: hidden : {elements}.",
                                 elements=_listing(before)),
                     question=N_("Ce texte coupé dès l'affichage normal est-il lisible en entier autrement ?"))
    if not data.get("clipped") and not before:
        yield Result(Outcome.PASSED, message=N_("Aucun texte coupé par un bloc en overflow: hidden à 200 %."))


# What _clipped says of cut text: (cut, maybe on purpose: {how}; cut by an overflow: hidden box)
_ZOOM_CUT = (N_("Texte coupé à 200 % ({how}) : « {text} »."),
             N_("Texte coupé à 200 % par un bloc en overflow: hidden : « {text} »."))
_SPACING_CUT = (N_("Texte coupé avec l'espacement augmenté ({how}) : « {text} »."),
                N_("Texte coupé avec l'espacement augmenté par un bloc en overflow: hidden : « {text} »."))


def _clipped(items: list[dict[str, Any]], said: tuple[str, str], question: str) -> Iterator[Result]:
    for item in items:
        text = item.get("text", "")
        if item.get("ellipsis") or item.get("clamp") or item.get("more"):
            how = (N_("tronqué volontairement (points de suspension)") if item.get("ellipsis") or item.get("clamp")
                   else N_("un lien ou bouton voisin donne peut-être le texte complet"))
            yield Result(Outcome.CANT_TELL, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg(said[0], how=Msg(how), text=text), question=question)
        else:
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg(said[1], text=text))


# --- 10.11 reflow ----------------------------------------------------------------------------------

_REFLOW_Q = N_("À 320 px de large, tout le contenu et toutes les fonctions restent-ils disponibles sans "
               "défilement horizontal (hors tableaux de données, cartes, schémas) ?")


@check(
    id="rgaa-10.11-reflow",
    title=N_("Pas de défilement horizontal à 320 px de large"),
    failure=N_("La page défile horizontalement à 320 px de large"),
    description=N_("La fenêtre est réduite à 320 × 256 px CSS (zoom de 400 %) ; on mesure si la page devient plus "
                   "large que la fenêtre et quels éléments dépassent à droite."),
    how_to_fix=N_("Utilisez des largeurs relatives (%, max-width: 100 %), des grilles qui passent sur une colonne "
                  "(flex-wrap, media queries) et laissez les mots longs se couper (overflow-wrap: anywhere)."),
    rgaa=("10.11.1",),
    wcag=("1.4.10",),
    impact=Impact.SERIOUS,
    evidence=("probe:reflow",),
    question=_REFLOW_Q,
)
def reflow(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("reflow")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "reflow", _REFLOW_Q)
        return
    offenders = data.get("offenders", [])
    blocking = [o for o in offenders if not o.get("exempt")]
    exempt = [o for o in offenders if o.get("exempt")]
    width, scroll = data.get("width"), data.get("scroll_width")
    if data.get("overflow"):
        for item in blocking:
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("À {width} px, la page fait {scroll} px de large : cet élément dépasse à "
                                     "droite (jusqu'à {right} px).", width=width, scroll=scroll,
                                     right=item.get("right")))
        if exempt:
            yield Result(Outcome.CANT_TELL, selector=exempt[0]["s"], snippet=exempt[0].get("snippet"),
                         message=Msg("À {width} px, la page défile horizontalement à cause de contenus qui peuvent "
                                     "l'exiger (tableau, image, vidéo…) : {elements}.", width=width,
                                     elements=_listing(exempt)),
                         question=N_("Ces contenus ont-ils besoin d'une présentation en deux dimensions ?"))
        if not offenders:
            yield Result(Outcome.CANT_TELL, message=Msg("À {width} px, la page fait {scroll} px de large sans "
                                                        "qu'un élément en cause soit trouvé.",
                                                        width=width, scroll=scroll))
        return
    if data.get("root_hidden") and blocking:
        yield Result(Outcome.CANT_TELL, selector=blocking[0]["s"], snippet=blocking[0].get("snippet"),
                     message=Msg("La page interdit le défilement horizontal (overflow-x: hidden) mais des éléments "
                                 "dépassent à droite à {width} px : {elements}.", width=width,
                                 elements=_listing(blocking)),
                     question=N_("Le contenu qui dépasse à droite est-il perdu à 320 px de large ?"))
        return
    yield Result(Outcome.PASSED, message=Msg("À {width} px de large, la page ne défile pas horizontalement.",
                                             width=width))


# --- 10.12 text spacing ------------------------------------------------------------------------------

_SPACING_Q = N_("Avec un espacement du texte augmenté, ce texte tronqué reste-t-il lisible en entier autrement ?")


@check(
    id="rgaa-10.12-text-spacing",
    title=N_("Le texte reste lisible avec un espacement augmenté"),
    failure=N_("Du texte est coupé quand l'espacement est augmenté"),
    description=N_("Les styles du critère WCAG 1.4.12 sont appliqués (interligne 1,5, espacement des lettres "
                   "0,12 em, des mots 0,16 em, après les paragraphes 2 em) ; un texte entier avant mais coupé "
                   "après par un bloc en overflow: hidden est perdu."),
    how_to_fix=N_("Ne fixez pas la hauteur des blocs de texte (boutons, onglets, cartes) : utilisez min-height et "
                  "des marges internes, et évitez overflow: hidden sur du texte."),
    rgaa=("10.12.1",),
    wcag=("1.4.12",),
    impact=Impact.SERIOUS,
    evidence=("probe:text_spacing",),
    question=_SPACING_Q,
)
def text_spacing(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("text_spacing")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "text_spacing",
                            N_("Le texte reste-t-il lisible avec un espacement augmenté ?"))
        return
    clipped = data.get("clipped", [])
    if not clipped and isinstance(data.get("clipped_inapplicable"), dict):  # no box can clip text on the page
        yield _inapplicable(data["clipped_inapplicable"])
        return
    yield from _clipped(clipped, _SPACING_CUT, _SPACING_Q)
    if not clipped:
        yield Result(Outcome.PASSED, message=N_("Aucun texte coupé quand l'espacement du texte est augmenté."))


_IMPORTANT_Q = N_("Des styles !important empêchent-ils d'augmenter l'espacement du texte ?")
# what each spacing property sets, as a word in a sentence (« fixe {what} à … »)
_PROPERTY = {"letter-spacing": N_("l'espacement des lettres"), "word-spacing": N_("l'espacement des mots"),
             "line-height": N_("l'interligne")}


@check(
    id="rgaa-10.12-spacing-important",
    title=N_("L'espacement du texte n'est pas bloqué"),
    failure=N_("Un style !important bloque l'espacement du texte"),
    description=N_("Un attribut style qui fixe avec !important un interligne, un espacement des lettres ou des "
                   "mots inférieur aux valeurs du critère WCAG 1.4.12 empêche l'utilisateur de l'augmenter."),
    how_to_fix=N_("Retirez !important de l'attribut style, ou donnez au moins 1,5 d'interligne, 0,12 em "
                  "d'espacement des lettres et 0,16 em d'espacement des mots."),
    rgaa=("10.12.1",),
    wcag=("1.4.12",),
    impact=Impact.MODERATE,
    evidence=("probe:text_spacing",),
    question=_IMPORTANT_Q,
)
def spacing_important(evidence: Evidence) -> Iterator[Result]:
    data = evidence.probe("text_spacing")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "text_spacing", _IMPORTANT_Q)
        return
    important = data.get("important", [])
    if not important and data.get("important_checked"):
        yield Result(Outcome.PASSED, message=Msg.plural(
            data["important_checked"],
            "{n} déclaration !important d'espacement laisse au moins les valeurs du critère WCAG 1.4.12.",
            "{n} déclarations !important d'espacement laissent au moins les valeurs du critère WCAG 1.4.12."))
    for item in important:
        ratio = item.get("ratio")
        value = "normal" if ratio is None else Msg("{ratio} fois la taille du texte", ratio=_decimal(ratio))
        yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"),
                     message=Msg("« {property}: {value} !important » fixe {what} à {setting}, sous le minimum de "
                                 "{need}.", property=item.get("prop"), value=item.get("value"),
                                 what=_said(_PROPERTY, item.get("prop")), setting=value,
                                 need=_decimal(item.get("need"))))

"""Theme 3 — Couleurs: contrast of interface components and graphics (RGAA 3.3, WCAG 1.4.11).

Read from audit/probes/non_text_contrast.js, which measures the computed colours in the rendered page: the
best of a field's borders and background against what lies behind it, and the fill or stroke of icons in
links and buttons without text and of single-colour informative SVG. Text contrast (3.2) is axe-core's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from audit.checks import Evidence, Result, check, probe_missing
from audit.model import Impact, Outcome
from audit.words import N_, Msg

_UNKNOWN = {
    "unknown_background": N_("le fond derrière le champ est une image ou un dégradé"),
    "unknown_colour": N_("l'icône ou le fond utilise un dégradé, un motif ou une image"),
    "no_boundary": N_("le champ n'a ni bordure ni fond qui le distingue de la page"),
    "shadow": N_("le contour du champ est dessiné par une ombre"),
}


def _ratio(value: float | None) -> str | Msg:
    """« 1,36:1 » in French, « 1.36:1 » in English."""
    if value is None:
        return "?"
    units, _, decimals = f"{value:.2f}".rstrip("0").rstrip(".").partition(".")
    return Msg("{units},{decimals}:1", units=units, decimals=decimals) if decimals else f"{units}:1"


def _label(item: dict[str, Any]) -> str | Msg:
    return Msg("« {text} »", text=item["name"]) if item.get("name") else f"<{item.get('tag', '?')}>"


def _results(evidence: Evidence, kinds: set[str], question: str, passed: Callable[[int], Msg]) -> Iterator[Result]:
    data = evidence.probe("non_text_contrast")
    if not isinstance(data, dict):
        yield probe_missing(evidence, "non_text_contrast", question)
        return
    items = [i for i in data.get("items", []) if i.get("kind") in kinds]
    fine = 0
    for item in items:
        reason = item.get("reason")
        if reason == "ok":
            fine += 1
        elif reason == "low":
            values = {"label": _label(item), "ratio": _ratio(item.get("ratio")), "fg": item.get("fg"),
                      "bg": item.get("bg")}
            message = Msg("{label} : contraste de {ratio} (bordure ou fond {fg} sur {bg}), 3:1 au moins attendu.",
                          **values) if item.get("kind") == "field" else \
                Msg("{label} : contraste de {ratio} (pictogramme {fg} sur {bg}), 3:1 au moins attendu.", **values)
            yield Result(Outcome.FAILED, selector=item["s"], snippet=item.get("snippet"), message=message)
        else:
            why = Msg(_UNKNOWN[reason]) if reason in _UNKNOWN else reason
            yield Result(Outcome.CANT_TELL, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg("{label} : contraste non mesurable ({why}).", label=_label(item), why=why))
    if fine:
        yield Result(Outcome.PASSED, message=passed(fine))


_COMPONENT_Q = N_("Ce composant (champ, bouton-icône) se distingue-t-il de son fond avec un contraste de 3:1 "
                  "au moins, dans tous ses états ?")


@check(
    id="rgaa-3.3-component-contrast",
    title=N_("Les composants d'interface sont suffisamment contrastés"),
    failure=N_("Un composant d'interface n'est pas assez contrasté"),
    description=N_("Pour chaque champ de formulaire, on prend le meilleur contraste entre sa bordure ou son fond et "
                   "la couleur derrière lui ; pour chaque lien ou bouton réduit à une icône SVG, le contraste de "
                   "l'icône avec son fond. Il faut 3:1 au moins."),
    how_to_fix=N_("Foncez la bordure des champs (par exemple #767676 sur fond blanc, 4,5:1) ou donnez-leur un fond "
                  "contrasté ; donnez aux icônes seules une couleur contrastée à 3:1 avec leur fond."),
    rgaa=("3.3.1",),
    wcag=("1.4.11",),
    impact=Impact.SERIOUS,
    evidence=("probe:non_text_contrast",),
    question=_COMPONENT_Q,
)
def component_contrast(evidence: Evidence) -> Iterator[Result]:
    yield from _results(evidence, {"field", "icon"}, _COMPONENT_Q, lambda n: Msg.plural(
        n, "{n} champ ou bouton-icône contrasté à 3:1 au moins avec le fond.",
        "{n} champs ou boutons-icônes contrastés à 3:1 au moins avec le fond."))


_GRAPHIC_Q = N_("Les couleurs nécessaires pour comprendre ce graphique sont-elles contrastées à 3:1 avec leur fond ?")


@check(
    id="rgaa-3.3-graphic-contrast",
    title=N_("Les graphiques porteurs d'information sont suffisamment contrastés"),
    failure=N_("Un graphique porteur d'information n'est pas assez contrasté"),
    description=N_("Pour chaque image SVG porteuse d'information (role=\"img\" avec un nom) dessinée d'une seule "
                   "couleur, le contraste de cette couleur avec le fond doit être de 3:1 au moins."),
    how_to_fix=N_("Dessinez le graphique dans une couleur contrastée à 3:1 au moins avec son fond."),
    rgaa=("3.3.2",),
    wcag=("1.4.11",),
    impact=Impact.MODERATE,
    evidence=("probe:non_text_contrast",),
    question=_GRAPHIC_Q,
)
def graphic_contrast(evidence: Evidence) -> Iterator[Result]:
    yield from _results(evidence, {"graphic"}, _GRAPHIC_Q, lambda n: Msg.plural(
        n, "{n} graphique contrasté à 3:1 au moins avec le fond.", "{n} graphiques contrastés à 3:1 au moins avec le fond."))

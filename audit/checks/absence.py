"""Not applicable where it can be proved: a kind of content absent from the rendered page.

A page with no table has nothing for theme 5 to judge; with no frame, nothing for theme 2; with no
temporal media or object that could hold one, nothing for theme 4; with no form field or button, nothing
for theme 11. Each check here looks for every element that could be such content in the rendered DOM
(hidden ones included: a hidden table may be shown later) and, when there is none, says « non
applicable » for every test of those criteria, with the evidence (« aucun élément … sur la page »). That
one result decides the tests (``Result.decides``): an auditor starts from fewer cells to verify. When
any such element is there, the check says nothing: the other checks and the auditor judge the content.
A page that could not be rendered gives no DOM, hence no result: never NA on a page in error.
"""

from __future__ import annotations

from audit import standards
from audit.checks import Evidence, Result, check
from audit.checks.exposure import dom_of, tag
from audit.model import Impact, Outcome
from audit.words import N_, Msg


def _tests(*themes: int) -> tuple[str, ...]:
    return tuple(t for c in standards.CRITERIA.values() if c.theme in themes for t in c.tests)


def _criteria(*themes: int) -> tuple[str, ...]:
    return tuple(c.id for c in standards.CRITERIA.values() if c.theme in themes)


def _wcag(*themes: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sc for c in standards.CRITERIA.values() if c.theme in themes for sc in c.wcag))


FORM_ROLES = frozenset({"textbox", "combobox", "listbox", "checkbox", "radio", "slider", "spinbutton", "switch",
                        "searchbox", "button", "menuitemcheckbox", "menuitemradio", "option", "radiogroup"})


def _absent(evidence: Evidence, matches, message: str, themes: tuple[int, ...]):
    """Not applicable when no element ``matches``; ``message`` (a msgid) says so, its {criteria} filled."""
    root = dom_of(evidence)
    if root is None:
        return []
    for el in root.iter():
        if isinstance(el.tag, str) and matches(el):
            return []
    criteria = ", ".join(_criteria(*themes))
    return [Result(Outcome.INAPPLICABLE, decides=True, message=Msg(message, criteria=criteria))]


def _is_table(el) -> bool:
    return tag(el) == "table" or (el.get("role") or "").strip() in ("table", "grid", "treegrid")


def _is_frame(el) -> bool:
    return tag(el) in ("iframe", "frame", "frameset")


def _is_media(el) -> bool:
    # a temporal medium is a <video>, an <audio>, or a player inside a frame, an object, an embed, a canvas or
    # an applet: any of them and the page may hold one
    return tag(el) in ("video", "audio", "object", "embed", "iframe", "frame", "canvas", "applet", "bgsound",
                       "source", "track")


def _is_form(el) -> bool:
    name = tag(el)
    if name in ("select", "textarea", "button", "form", "fieldset", "datalist", "output", "meter", "progress"):
        return True
    if name == "input":
        return (el.get("type") or "").strip().lower() != "hidden"
    if (el.get("contenteditable") or "").strip().lower() in ("", "true", "plaintext-only") and \
            el.get("contenteditable") is not None:
        return True
    return bool(set((el.get("role") or "").split()) & FORM_ROLES)


@check(
    id="rgaa-5-no-table",
    title=N_("La page ne contient aucun tableau"),
    failure=N_("La page ne contient aucun tableau"),
    description=N_("Sans élément table ni rôle table, grid ou treegrid, les critères des tableaux ne s'appliquent pas "
                   "à la page."),
    how_to_fix=N_("Rien à corriger : ce contrôle établit seulement que le thème Tableaux est non applicable."),
    rgaa=_tests(5), wcag=_wcag(5), impact=Impact.MINOR, evidence=("dom",), quiet=True,
)
def no_table(evidence: Evidence):
    return _absent(evidence, _is_table, N_("Aucun élément table (ni rôle table, grid ou treegrid) sur la page : "
                                           "critères {criteria} non applicables."), (5,))


@check(
    id="rgaa-2-no-frame",
    title=N_("La page ne contient aucun cadre"),
    failure=N_("La page ne contient aucun cadre"),
    description=N_("Sans élément iframe ni frame, les critères des cadres ne s'appliquent pas à la page."),
    how_to_fix=N_("Rien à corriger : ce contrôle établit seulement que le thème Cadres est non applicable."),
    rgaa=_tests(2), wcag=_wcag(2), impact=Impact.MINOR, evidence=("dom",), quiet=True,
)
def no_frame(evidence: Evidence):
    return _absent(evidence, _is_frame, N_("Aucun élément iframe ou frame sur la page : critères {criteria} non "
                                           "applicables."), (2,))


@check(
    id="rgaa-4-no-media",
    title=N_("La page ne contient aucun média temporel ni objet qui pourrait en contenir un"),
    failure=N_("La page ne contient aucun média temporel"),
    description=N_("Sans élément video, audio, object, embed, iframe, canvas ni applet, les critères des médias "
                   "temporels ne s'appliquent pas à la page."),
    how_to_fix=N_("Rien à corriger : ce contrôle établit seulement que le thème Multimédia est non applicable."),
    rgaa=_tests(4), wcag=_wcag(4), impact=Impact.MINOR, evidence=("dom",), quiet=True,
)
def no_media(evidence: Evidence):
    return _absent(evidence, _is_media, N_("Aucun élément video, audio, object, embed, iframe, canvas ou applet "
                                           "sur la page : critères {criteria} non applicables."), (4,))


@check(
    id="rgaa-11-no-form",
    title=N_("La page ne contient aucun champ de formulaire ni bouton"),
    failure=N_("La page ne contient aucun champ de formulaire"),
    description=N_("Sans champ (input visible, select, textarea, zone éditable, rôle de champ), bouton ni formulaire, "
                   "les critères des formulaires ne s'appliquent pas à la page."),
    how_to_fix=N_("Rien à corriger : ce contrôle établit seulement que le thème Formulaires est non applicable."),
    rgaa=_tests(11), wcag=_wcag(11), impact=Impact.MINOR, evidence=("dom",), quiet=True,
)
def no_form(evidence: Evidence):
    return _absent(evidence, _is_form, N_("Aucun élément de formulaire (champ, bouton, zone éditable) sur la "
                                          "page : critères {criteria} non applicables."), (11,))

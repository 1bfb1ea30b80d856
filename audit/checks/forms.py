"""Theme 11 (Formulaires): labels, grouping, required fields, input purpose, errors, confirmation.

Static checks on the rendered DOM (``exposure.View`` for visibility and text). What markup decides is
decided (a field without any label, an invalid ``autocomplete`` token, radio buttons left ungrouped);
what needs a person (is this label relevant? is the error message helpful?) is one ``cant_tell`` per page
with the precise question and the fields concerned, never one per field.

Labels follow RGAA test 11.1.1: ``aria-labelledby``, ``aria-label``, ``<label>`` (``for`` or wrapping),
``title``. A ``placeholder`` gives an accessible name (the W3C ACT rule e086e5 accepts it) but it is not an
RGAA label: ``rgaa-11.1-label`` treats it as a name, ``rgaa-11.1-placeholder`` reports it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from audit.checks import Evidence, Result, SitePage, check, listing
from audit.checks.exposure import dom_of, fold, norm, short, tag, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

NOT_FIELD_TYPES = frozenset({"hidden", "submit", "reset", "image", "button"})
ARIA_FIELD_ROLES = frozenset({"textbox", "searchbox", "combobox", "listbox", "spinbutton", "slider", "checkbox",
                              "radio", "switch"})
CONTENT_NAMED_ROLES = frozenset({"checkbox", "radio", "switch", "option"})
LABELABLE = frozenset({"input", "select", "textarea"})
MAX_LISTED = 8
MANY_FIELDS = 8  # a form this long without any grouping raises the question of 11.5


# --- fields and their labels --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    element: Any
    kind: str  # input type ("text", "checkbox"…), "select", "textarea" or the ARIA role
    native: bool


@dataclass(frozen=True, slots=True)
class Label:
    source: str  # aria-labelledby | aria-label | label | title | placeholder | content | "" (none)
    text: str
    visible: bool  # the text is shown on screen (a <label>, a labelling passage), not only announced
    elements: tuple = ()


NO_LABEL = Label("", "", False)


def input_type(el) -> str:
    return (el.get("type") or "text").strip().lower() or "text"


def fields(dom, include_hidden: bool = False) -> list[Field]:
    """Form fields in document order, as the RGAA glossary lists them (buttons are not fields)."""
    return list(_fields(dom, include_hidden))


@lru_cache(maxsize=8)
def _fields(dom, include_hidden: bool) -> tuple[Field, ...]:
    """``fields``, found once per page: a dozen checks ask for them."""
    v = view(dom)
    out = []
    for el in dom.iter():
        t = tag(el)
        if not t:
            continue
        role = (el.get("role") or "").strip().lower().split()
        role = role[0] if role else ""
        if role in ("none", "presentation"):
            continue
        if t == "input":
            kind = input_type(el)
            if kind in NOT_FIELD_TYPES:
                continue
            field = Field(el, kind, True)
        elif t in ("select", "textarea"):
            field = Field(el, t, True)
        elif role in ARIA_FIELD_ROLES:
            field = Field(el, role, False)
        else:
            continue
        if include_hidden or v.exposed(el):
            out.append(field)
    return tuple(out)


def label_of(field: Field, dom) -> Label:
    """Where the field's name comes from, in the order of accname (placeholder last, as a fallback)."""
    el, v = field.element, view(dom)
    refs = [v.by_id(i) for i in (el.get("aria-labelledby") or "").split()]
    refs = tuple(r for r in refs if r is not None)
    if refs:
        text = v.labelledby_text(el)
        if text:
            return Label("aria-labelledby", text, any(v.rendered(r) for r in refs), refs)
    if norm(el.get("aria-label")):
        return Label("aria-label", norm(el.get("aria-label")), False)
    if field.native and tag(el) in LABELABLE:
        labels = label_elements(el, dom)
        text = norm(" ".join(label_text(lab) for lab in labels))
        if text:
            return Label("label", text, any(v.rendered(lab) for lab in labels), tuple(labels))
    if norm(el.get("title")):
        return Label("title", norm(el.get("title")), False)
    if tag(el) in ("input", "textarea") and norm(el.get("placeholder")):
        return Label("placeholder", norm(el.get("placeholder")), False)
    if not field.native and field.kind in CONTENT_NAMED_ROLES:
        text = v.text(el)
        if text:
            return Label("content", text, True)
    return NO_LABEL


def label_elements(el, dom) -> list:
    """The <label> elements of a labelable field: label[for=id], then the wrapping label."""
    out = []
    field_id = el.get("id")
    if field_id:
        out.extend(lab for lab in dom.iter("label") if lab.get("for") == field_id)
    for anc in el.iterancestors():
        if tag(anc) == "label":
            if (anc.get("for") is None or anc.get("for") == field_id) and anc not in out:
                out.append(anc)
            break
    return out


def label_text(label) -> str:
    """A label's text without the values of the fields it wraps (select options, textarea text)."""
    parts = [label.text or ""]
    for child in label:
        if isinstance(child.tag, str) and tag(child) not in ("select", "textarea", "script", "style", "datalist"):
            parts.append(" " + label_text(child) + " " if tag(child) in ("div", "p", "br") else label_text(child))
        parts.append(child.tail or "")
    return norm("".join(parts))


def describe(field: Field, label: Label | None = None) -> str | Msg:
    """« Nom » (input type=text, id=nom): how a person finds the field in the page."""
    el = field.element
    bits = [tag(el) + (f" type={field.kind}" if tag(el) == "input" else "")]
    if not field.native:
        bits = [f"{tag(el)} role={field.kind}"]
    for attr in ("id", "name"):
        if el.get(attr):
            bits.append(f"{attr}={el.get(attr)}")
            break
    if label and label.text:
        return Msg("« {label} » ({element})", label=short(label.text, 60), element=", ".join(bits))
    return f"({', '.join(bits)})"


def quoted(text: str) -> Msg:
    """A text of the page between quotation marks (« » in French, “ ” in English)."""
    return Msg("« {text} »", text=text)


def group_label(field: Field, dom) -> str:
    """The legend of the fieldset, or the name of the role=group/radiogroup, around a field."""
    v = view(dom)
    for anc in field.element.iterancestors():
        if tag(anc) == "fieldset":
            legend = next((c for c in anc if tag(c) == "legend"), None)
            text = v.text(legend) if legend is not None else ""
            return text or norm(anc.get("aria-label")) or v.labelledby_text(anc)
        if (anc.get("role") or "").strip().lower() in ("group", "radiogroup"):
            return norm(anc.get("aria-label")) or v.labelledby_text(anc)
    return ""


def described_text(el, dom) -> str:
    """Text of the passages linked by aria-describedby (and aria-errormessage)."""
    v = view(dom)
    parts = []
    for attr in ("aria-describedby", "aria-errormessage"):
        for ref in (el.get(attr) or "").split():
            target = v.by_id(ref)
            if target is not None:
                parts.append(v.text(target) or norm(target.text_content()))
    return norm(" ".join(parts))


def in_search(el) -> bool:
    """A site search box: type=search, or inside a form/landmark with role=search."""
    if tag(el) == "input" and input_type(el) == "search":
        return True
    for anc in el.iterancestors():
        if (anc.get("role") or "").strip().lower() == "search" or tag(anc) == "search":
            return True
    return False


def disabled(el) -> bool:
    if el.get("disabled") is not None or (el.get("aria-disabled") or "").strip().lower() == "true":
        return True
    return any(tag(a) == "fieldset" and a.get("disabled") is not None for a in el.iterancestors())


def data_fields(dom) -> list[Field]:
    """Fields where people enter data a form submits and checks (search boxes aside)."""
    return [f for f in fields(dom) if not in_search(f.element) and not disabled(f.element)]


def _clean(text: str) -> str:
    """A label reduced to its words: no asterisks, colons or required/optional marks."""
    text = fold(text)
    text = re.sub(r"\((?:obligatoire|requis|requise|facultatif|facultative|optionnel|optionnelle|required|"
                  r"optional)\)|\b(?:obligatoire|requis|required)\b", " ", text)
    text = re.sub(r"[*:\u2731\u2217!?.,;()\[\]«»\"]", " ", text)
    return norm(text)


def _core_label(text: str) -> str:
    """What a label names, for comparing labels: no marks, possessive or format hint."""
    core = re.split(r"\b(?:format|ex|exemple|par exemple|e\.g)\b", _clean(text))[0]
    return norm(re.sub(r"^(?:votre|vos|ton|ta|tes|your)\s+", "", core))


def _no_fields(message: str = N_("Aucun champ de formulaire dans la page.")) -> Result:
    return Result(Outcome.INAPPLICABLE, message=message)


# --- 11.1 labels ----------------------------------------------------------------------------


@check(
    id="rgaa-11.1-label",
    title=N_("Chaque champ de formulaire a une étiquette"),
    failure=N_("Un champ de formulaire n'a pas d'étiquette"),
    description=N_("Un champ sans étiquette (label, aria-label, aria-labelledby ou title) n'est pas annoncé par "
                   "les lecteurs d'écran : la personne ne sait pas quoi saisir."),
    how_to_fix=N_("Reliez une étiquette visible au champ : <label for=\"id-du-champ\">, avec un for égal à l'id "
                  "du champ. À défaut, aria-labelledby vers un texte visible, ou aria-label / title."),
    rgaa=("11.1.1",),
    wcag=("1.3.1", "3.3.2", "4.1.2"),
    impact=Impact.CRITICAL,
)
def label_present(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    all_fields = fields(dom)
    if not all_fields:
        yield _no_fields()
        return
    orphans = _orphan_labels(dom)
    failed = 0
    for field in all_fields:
        if label_of(field, dom).source:
            continue
        failed += 1
        yield Result(Outcome.FAILED, element=field.element, message=_unlabelled(field, dom, orphans))
    if not failed:
        yield Result(Outcome.PASSED, message=Msg("Champs de la page, tous avec un nom accessible : {n}.",
                                                 n=len(all_fields)))


def _orphan_labels(dom) -> list:
    v = view(dom)
    out = []
    for lab in dom.iter("label"):
        target = lab.get("for")
        if target is not None and v.rendered(lab):
            el = v.by_id(target)
            if el is None or tag(el) not in LABELABLE:
                out.append(lab)
    return out


def _unlabelled(field: Field, dom, orphans: list) -> Msg:
    """What a field without a label lacks, and the nearby label that misses it, if any."""
    el = field.element
    parent = el.getparent()
    near = [lab for lab in orphans if parent is not None and (lab.getparent() is parent
                                                              or lab.getparent() is parent.getparent())]
    if near:
        lab = near[0]
        values = {"field": describe(field), "label": short(label_text(lab), 60), "target": lab.get("for")}
        if el.get("id"):
            return Msg("Le champ {field} n'a ni label, ni aria-label, ni aria-labelledby, ni title. Le label "
                       "« {label} » a for=\"{target}\" mais aucun champ n'a cet id (l'id de ce champ est « {id} »).",
                       id=el.get("id"), **values)
        return Msg("Le champ {field} n'a ni label, ni aria-label, ni aria-labelledby, ni title. Le label "
                   "« {label} » a for=\"{target}\" mais aucun champ n'a cet id.", **values)
    if parent is not None:
        loose = [c for c in parent if tag(c) == "label" and c.get("for") is None]
        if loose:
            return Msg("Le champ {field} n'a ni label, ni aria-label, ni aria-labelledby, ni title. Le label "
                       "« {label} » voisin n'est pas relié au champ (ni for, ni inclusion).",
                       field=describe(field), label=short(label_text(loose[0]), 60))
    return Msg("Le champ {field} n'a ni label, ni aria-label, ni aria-labelledby, ni title.", field=describe(field))


@check(
    id="rgaa-11.1-placeholder",
    title=N_("Aucun champ n'a pour seule étiquette son texte indicatif (placeholder)"),
    failure=N_("Un champ n'a pour étiquette que son texte indicatif (placeholder)"),
    description=N_("Le placeholder disparaît dès la saisie et n'est pas une étiquette au sens du RGAA : la "
                   "personne perd l'information en remplissant le champ."),
    how_to_fix=N_("Ajoutez une étiquette visible reliée au champ (<label for=\"…\">) ; gardez le placeholder pour un exemple."),
    rgaa=("11.1.1",),
    wcag=("3.3.2",),
    impact=Impact.SERIOUS,
)
def placeholder_only(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    with_placeholder = [f for f in fields(dom) if norm(f.element.get("placeholder"))]
    if not with_placeholder:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ de la page n'a de placeholder."))
        return
    failed = False
    for field in with_placeholder:
        label = label_of(field, dom)
        if label.source == "placeholder":
            failed = True
            yield Result(Outcome.FAILED, element=field.element,
                         message=Msg("Le champ {field} n'a que le placeholder « {placeholder} » pour étiquette.",
                                     field=describe(field), placeholder=short(label.text, 60)))
    if not failed:
        yield Result(Outcome.PASSED, message=N_("Les champs qui ont un placeholder ont aussi une étiquette."))


# --- 11.2 relevance of labels ---------------------------------------------------------------------

GENERIC_LABELS = frozenset({
    "", "champ", "champs", "saisir", "saisie", "saisissez", "votre saisie", "zone de saisie", "zone de texte",
    "texte", "text", "input", "field", "valeur", "value", "entree", "entrer", "label", "etiquette", "libelle",
    "select", "selectionner", "choisir", "liste", "textarea", "obligatoire", "requis", "required", "ok",
    "champ obligatoire", "champ texte", "text field", "form field", "enter text", "type here", "ici",
})
_TEST_BY_SOURCE = {"label": "11.2.1", "title": "11.2.2", "aria-label": "11.2.3", "aria-labelledby": "11.2.4"}


def generic_label(text: str) -> bool:
    cleaned = _clean(text)
    return cleaned in GENERIC_LABELS or len(cleaned) < 2 or bool(re.fullmatch(r"[\d\W_]+", cleaned))


@check(
    id="rgaa-11.2-label-relevance",
    title=N_("Les étiquettes des champs indiquent leur fonction"),
    failure=N_("Une étiquette de champ ne dit pas ce qu'il faut saisir"),
    description=N_("Une étiquette générique (« Champ », « Saisir », « * ») n'indique pas la fonction du champ. "
                   "La pertinence des autres étiquettes se juge en contexte."),
    how_to_fix=N_("Rédigez chaque étiquette d'après la donnée attendue : « Adresse électronique », « Date de naissance »…"),
    rgaa=("11.2.1", "11.2.2", "11.2.3", "11.2.4"),
    wcag=("2.4.6", "3.3.2"),
    impact=Impact.SERIOUS,
    question=N_("Chaque étiquette permet-elle de connaître la fonction exacte du champ qu'elle accompagne ?"),
)
def label_relevance(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    labelled = []
    for field in fields(dom):
        label = label_of(field, dom)
        if label.source in _TEST_BY_SOURCE:
            labelled.append((field, label))
    if not labelled:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucun champ étiqueté (label, title, aria-label, aria-labelledby)."))
        return
    to_judge = []
    for field, label in labelled:
        if generic_label(label.text):
            yield Result(Outcome.FAILED, element=field.element, rgaa_tests=(_TEST_BY_SOURCE[label.source],),
                         message=Msg("L'étiquette « {label} » ({source}, test {test}) ne dit pas ce qu'il faut "
                                     "saisir dans le champ {field}.", label=short(label.text, 40),
                                     source=label.source, test=_TEST_BY_SOURCE[label.source],
                                     field=describe(field)))
        else:
            to_judge.append(quoted(short(label.text, 50)))
    if to_judge:
        yield Result(Outcome.CANT_TELL, message=Msg("Étiquettes à relire : {labels}.",
                                                    labels=listing(to_judge, MAX_LISTED)))


# --- 11.3 consistent labels across pages ------------------------------------------------------------


def _labelled_fields(evidence: Evidence) -> list[tuple[str, str, str, str]]:
    """The page's named fields with a label: (name, kind, label text, its core) for rgaa-11.3-consistent-labels."""
    dom = dom_of(evidence)
    if dom is None:
        return []
    found = []
    for field in fields(dom):
        name = field.element.get("name")
        if not name or field.kind in ("checkbox", "radio"):
            continue
        label = label_of(field, dom)
        if label.source in ("", "placeholder"):
            continue
        found.append((str(name), str(field.kind), str(label.text), _core_label(label.text)))  # no lxml string
    return found


@check(
    id="rgaa-11.3-consistent-labels",
    title=N_("Les champs de même fonction ont des étiquettes cohérentes"),
    failure=N_("Des champs de même fonction ont des étiquettes différentes"),
    description=N_("Un même champ (même nom, même type) répété dans une page ou d'une page à l'autre doit garder "
                   "une étiquette cohérente pour être reconnu."),
    how_to_fix=N_("Employez la même étiquette partout pour un champ de même fonction (par exemple « Rechercher sur le site »)."),
    rgaa=("11.3.1", "11.3.2"),
    wcag=("3.2.4",),
    impact=Impact.MODERATE,
    evidence=("dom", "site"),
    scope="site",
    question=N_("Ces étiquettes différentes désignent-elles bien des champs de même fonction ? Si oui, sont-elles cohérentes ?"),
    summary=_labelled_fields,
)
def consistent_labels(pages: list[SitePage]):
    seen: dict[tuple[str, str], list[tuple[SitePage, str, str]]] = defaultdict(list)
    for page in pages:
        for name, kind, text, core in page.summary:
            seen[(name, kind)].append((page, text, core))
    # page key -> (page, names of the fields labelled alike, French text -> message of those labelled differently)
    per_page: dict[str, tuple[SitePage, list[str], dict[str, Msg]]] = {}
    for (name, _kind), uses in seen.items():
        if len(uses) < 2:
            continue
        variants = sorted({u[2] for u in uses})
        for page, text, _ in uses:
            entry = per_page.setdefault(page.snap.key, (page, [], {}))
            if len(variants) > 1:
                others = {str(m): m for m in (Msg("« {label} » ({path})", label=short(t, 40),
                                                  path=urlsplit(p.url).path or "/")
                                              for p, t, c in uses if c != _core_label(text))}
                part = Msg("name={name} : « {label} » ici, {others}", name=name, label=short(text, 40),
                           others=listing([others[k] for k in sorted(others)[:3]], 3, ", "))
                entry[2][str(part)] = part
            else:
                entry[1].append(name)
    for page, same, different in per_page.values():
        if different:
            yield Result(Outcome.CANT_TELL, page=page.snap,
                         message=Msg("Étiquettes différentes pour un même champ : {labels}.",
                                     labels=listing([different[k] for k in sorted(different)], 5)))
        else:
            yield Result(Outcome.PASSED, page=page.snap,
                         message=Msg("Les champs répétés ({names}) ont la même étiquette partout.",
                                     names=", ".join(sorted(set(same))[:5])))


# --- 11.4 label next to its field ---------------------------------------------------------------------


@check(
    id="rgaa-11.4-adjacent",
    title=N_("Chaque étiquette est accolée à son champ"),
    failure=N_("Une étiquette est éloignée de son champ"),
    description=N_("L'étiquette doit être visuellement accolée au champ : au-dessus ou à gauche, à droite pour "
                   "les cases à cocher et boutons radio. La mise en page ne se juge qu'à l'écran."),
    how_to_fix=N_("Placez l'étiquette juste avant le champ (au-dessus ou à gauche) ; juste après pour une case à cocher ou un bouton radio."),
    rgaa=("11.4.1", "11.4.2", "11.4.3"),
    wcag=("3.3.2",),
    impact=Impact.MODERATE,
    question=N_("À l'écran, chaque étiquette est-elle accolée à son champ (au-dessus ou à gauche ; à droite pour "
                "une case à cocher ou un bouton radio) ?"),
)
def label_adjacent(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    visible = []
    far = []
    for field in fields(dom):
        label = label_of(field, dom)
        if label.source not in ("label", "aria-labelledby") or not label.visible:
            continue
        visible.append(field)
        lab = label.elements[0] if label.elements else None
        if lab is not None and not _close_in_dom(lab, field.element):
            far.append(describe(field, label))
    if not visible:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ n'a d'étiquette visible."))
        return
    if far:
        message = Msg.plural(len(visible), "{n} champ avec une étiquette visible. Éloigné dans le code, à regarder "
                             "d'abord : {far}.", "{n} champs avec une étiquette visible. Éloignés dans le code, à "
                             "regarder d'abord : {far}.", far=listing(far, 5))
    else:
        message = Msg.plural(len(visible), "{n} champ avec une étiquette visible.",
                             "{n} champs avec une étiquette visible.")
    yield Result(Outcome.CANT_TELL, message=message)


def _close_in_dom(label, field) -> bool:
    """The label wraps the field, or both sit within two levels of a common parent."""
    if label in field.iterancestors():
        return True
    ancestors = [label.getparent(), label.getparent().getparent() if label.getparent() is not None else None]
    return any(a is not None and a in field.iterancestors() for a in ancestors)


# --- 11.5 / 11.6 / 11.7 grouping ---------------------------------------------------------------------

_DATE_PARTS = {"jour": "jour", "day": "jour", "jj": "jour", "mois": "mois", "month": "mois", "mm": "mois",
               "annee": "annee", "an": "annee", "year": "annee", "aaaa": "annee", "yyyy": "annee"}


@dataclass(frozen=True, slots=True)
class Group:
    kind: str  # "radio" | "checkbox" | "date"
    name: str
    members: tuple


def same_nature_groups(dom) -> list[Group]:
    """Radio buttons or checkboxes sharing a name, and dates split into day / month / year fields."""
    by_name: dict[tuple, list] = defaultdict(list)
    flds = fields(dom)
    for f in flds:
        if f.native and f.kind in ("radio", "checkbox") and f.element.get("name"):
            form = next((a for a in f.element.iterancestors() if tag(a) == "form"), None)
            name = re.sub(r"\[\]$", "", f.element.get("name"))
            by_name[(f.kind, form, name)].append(f.element)
    groups = [Group(kind, name, tuple(els)) for (kind, _, name), els in by_name.items() if len(els) >= 2]
    run: list = []
    for f in flds:
        part = _date_part(f, dom)
        if part and (not run or part not in [p for p, _ in run]):
            run.append((part, f.element))
            if len(run) == 3:
                groups.append(Group("date", "date", tuple(e for _, e in run)))
                run = []
        else:
            run = [(part, f.element)] if part else []
    return groups


def _date_part(field: Field, dom) -> str | None:
    if field.kind not in ("text", "number", "select", "tel"):
        return None
    for value in (field.element.get("name"), field.element.get("id"), label_of(field, dom).text):
        token = _clean(value or "").split()
        key = token[-1] if token else ""
        if key in _DATE_PARTS:
            return _DATE_PARTS[key]
    return None


def grouping_of(el):
    """The fieldset or role=group/radiogroup element around a field, or None."""
    for anc in el.iterancestors():
        if tag(anc) == "fieldset":
            return anc
        if (anc.get("role") or "").strip().lower() in ("group", "radiogroup"):
            return anc
        if tag(anc) == "form":
            return None
    return None


def _group_words(group: Group, dom) -> str:
    flds = {f.element: f for f in fields(dom, include_hidden=True)}
    labels = [label_of(flds[m], dom).text for m in group.members if m in flds]
    return ", ".join(short(t, 25) for t in labels[:4] if t) + ("…" if len(labels) > 4 else "")


@check(
    id="rgaa-11.5-grouping",
    title=N_("Les champs de même nature sont regroupés"),
    failure=N_("Des champs de même nature ne sont pas regroupés"),
    description=N_("Boutons radio d'une même question, cases à cocher d'une même liste, date en trois champs : "
                   "sans regroupement (fieldset, role=\"group\"), la question commune n'est pas annoncée."),
    how_to_fix=N_("Placez les champs liés dans un <fieldset> avec une <legend> qui pose la question (ou un conteneur role=\"group\" nommé)."),
    rgaa=("11.5.1",),
    wcag=("1.3.1", "3.3.2"),
    impact=Impact.SERIOUS,
    question=N_("Des champs de même nature (identité, adresse, date en plusieurs champs…) devraient-ils être regroupés ?"),
)
def related_grouped(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    groups = same_nature_groups(dom)
    ok = 0
    for group in groups:
        containers = {grouping_of(m) for m in group.members}
        if len(containers) == 1 and None not in containers:
            ok += 1
            continue
        values = {"n": len(group.members), "name": group.name, "words": _group_words(group, dom)}
        described = all(m.get("aria-describedby") or m.get("aria-labelledby") or m.get("title")
                        for m in group.members)
        if described:
            message = {
                "radio": Msg("Les {n} boutons radio « {name} » ({words}) ne sont pas dans un même fieldset ni dans "
                             "un conteneur role=\"group\". Chacun a un title ou un aria-describedby/labelledby.",
                             **values),
                "checkbox": Msg("Les {n} cases à cocher « {name} » ({words}) ne sont pas dans un même fieldset ni "
                                "dans un conteneur role=\"group\". Chacune a un title ou un "
                                "aria-describedby/labelledby.", **values),
                "date": Msg("Les {n} champs de date « {name} » ({words}) ne sont pas dans un même fieldset ni dans "
                            "un conteneur role=\"group\". Chacun a un title ou un aria-describedby/labelledby.",
                            **values),
            }[group.kind]
            yield Result(Outcome.CANT_TELL, element=group.members[0], message=message,
                         question=N_("Chaque champ de ce groupe indique-t-il à lui seul la question commune ?"))
        else:
            message = {
                "radio": Msg("Les {n} boutons radio « {name} » ({words}) ne sont pas dans un même fieldset ni dans "
                             "un conteneur role=\"group\".", **values),
                "checkbox": Msg("Les {n} cases à cocher « {name} » ({words}) ne sont pas dans un même fieldset ni "
                                "dans un conteneur role=\"group\".", **values),
                "date": Msg("Les {n} champs de date « {name} » ({words}) ne sont pas dans un même fieldset ni dans "
                            "un conteneur role=\"group\".", **values),
            }[group.kind]
            yield Result(Outcome.FAILED, element=group.members[0], message=message)
    if groups:
        if ok == len(groups):
            yield Result(Outcome.PASSED, message=Msg("Groupes de champs liés, tous regroupés : {n}.", n=ok))
        return
    flds = [f for f in data_fields(dom) if f.kind not in ("checkbox", "radio")]
    if len(flds) >= MANY_FIELDS and not any(grouping_of(f.element) is not None for f in flds):
        yield Result(Outcome.CANT_TELL, message=Msg.plural(len(flds), "Formulaire de {n} champ sans aucun regroupement.",
                                                           "Formulaire de {n} champs sans aucun regroupement."))
    else:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucun groupe de boutons radio, de cases à cocher ou de date."))


def groupings(dom) -> list:
    """fieldset and role=group/radiogroup elements containing at least two fields."""
    v = view(dom)
    flds = [f.element for f in fields(dom)]
    out = []
    for el in dom.iter():
        t = tag(el)
        role = (el.get("role") or "").strip().lower() if t else ""
        if t == "fieldset" or role in ("group", "radiogroup"):
            inner = [f for f in flds if el in f.iterancestors()]
            if len(inner) >= 2 and v.rendered(el):
                out.append(el)
    return out


def grouping_name(el, dom) -> tuple[str, str]:
    """(name, source) of a grouping: its legend, aria-label or aria-labelledby."""
    v = view(dom)
    labelledby = v.labelledby_text(el)
    if labelledby:
        return labelledby, "aria-labelledby"
    if norm(el.get("aria-label")):
        return norm(el.get("aria-label")), "aria-label"
    if tag(el) == "fieldset":
        legend = next((c for c in el if tag(c) == "legend"), None)
        if legend is not None and v.text(legend):
            return v.text(legend), "legend"
    return "", ""


@check(
    id="rgaa-11.6-legend",
    title=N_("Chaque regroupement de champs a une légende"),
    failure=N_("Un regroupement de champs n'a pas de légende"),
    description=N_("Un fieldset sans legend, ou un conteneur role=\"group\" sans nom, n'annonce pas la question commune aux champs."),
    how_to_fix=N_("Ajoutez une <legend> comme premier enfant du <fieldset>, ou aria-labelledby vers le titre du groupe."),
    rgaa=("11.6.1",),
    wcag=("1.3.1", "3.3.2"),
    impact=Impact.SERIOUS,
)
def group_legend(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    found = groupings(dom)
    if not found:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucun fieldset ni conteneur role=\"group\" de plusieurs champs."))
        return
    missing = 0
    for el in found:
        if not grouping_name(el, dom)[0]:
            missing += 1
            message = N_("Le fieldset regroupe des champs sans légende (ni legend, ni aria-label, ni "
                         "aria-labelledby).") if tag(el) == "fieldset" else \
                Msg("Le conteneur role=\"{role}\" regroupe des champs sans légende (ni legend, ni aria-label, ni "
                    "aria-labelledby).", role=el.get("role"))
            yield Result(Outcome.FAILED, element=el, message=message)
    if not missing:
        yield Result(Outcome.PASSED, message=Msg("Regroupements de champs, tous avec une légende : {n}.",
                                                 n=len(found)))


@check(
    id="rgaa-11.7-legend-relevance",
    title=N_("Les légendes des regroupements de champs sont pertinentes"),
    failure=N_("Une légende de regroupement n'est pas pertinente"),
    description=N_("La légende d'un regroupement doit dire ce que les champs ont en commun (la question posée)."),
    how_to_fix=N_("Formulez la légende comme la question ou le thème commun : « Jours de présence », « Adresse de livraison »…"),
    rgaa=("11.7.1",),
    wcag=("1.3.1", "3.3.2"),
    impact=Impact.MODERATE,
    question=N_("Chaque légende dit-elle ce que les champs du regroupement ont en commun ?"),
)
def legend_relevance(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    names = [grouping_name(el, dom)[0] for el in groupings(dom)]
    names = [n for n in names if n]
    if not names:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun regroupement de champs avec une légende."))
        return
    yield Result(Outcome.CANT_TELL, message=Msg("Légendes à relire : {legends}.", legends=listing(
        [quoted(short(n, 50)) for n in names], MAX_LISTED)))


# --- 11.8 select options -----------------------------------------------------------------------------

LONG_SELECT = 15


@check(
    id="rgaa-11.8-select-groups",
    title=N_("Les options des listes de choix sont regroupées si besoin"),
    failure=N_("Un groupe d'options (optgroup) n'a pas d'intitulé"),
    description=N_("Dans une longue liste de choix, les options de même nature se regroupent avec <optgroup>, "
                   "dont l'attribut label est annoncé."),
    how_to_fix=N_("Regroupez les options avec <optgroup label=\"…\"> et donnez à chaque optgroup un label qui décrit le groupe."),
    rgaa=("11.8.1", "11.8.2", "11.8.3"),
    wcag=("1.3.1",),
    impact=Impact.MODERATE,
    question=N_("Les options de cette liste forment-elles des groupes de même nature ? Si oui, sont-elles regroupées par des optgroup aux intitulés pertinents ?"),
)
def select_groups(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    selects = [f.element for f in fields(dom) if f.kind == "select"]
    if not selects:
        yield _no_fields(N_("Aucune liste de choix (select) dans la page."))
        return
    long_lists, labelled_groups, bad = [], [], 0
    for sel in selects:
        groups = [g for g in sel.iter("optgroup")]
        for g in groups:
            if not norm(g.get("label")):
                bad += 1
                yield Result(Outcome.FAILED, element=g, rgaa_tests=("11.8.2",),
                             message=N_("Cet optgroup n'a pas d'attribut label (test 11.8.2)."))
            else:
                labelled_groups.append(quoted(short(g.get("label"), 40)))
        options = len(list(sel.iter("option")))
        if not groups and options >= LONG_SELECT:
            name = label_of(Field(sel, "select", True), dom).text or sel.get("name") or sel.get("id") or "?"
            long_lists.append(Msg.plural(options, "« {name} » ({n} option)", "« {name} » ({n} options)",
                                         name=short(name, 40)))
    if long_lists:
        yield Result(Outcome.CANT_TELL, message=Msg("Longues listes sans optgroup (test 11.8.1) : {lists}.",
                                                    lists=listing(long_lists, MAX_LISTED)))
    if labelled_groups:
        yield Result(Outcome.CANT_TELL, message=Msg("Intitulés de groupes d'options à relire (test 11.8.3) : {labels}.",
                                                    labels=listing(labelled_groups, MAX_LISTED)),
                     question=N_("Chaque intitulé d'optgroup décrit-il les options qu'il regroupe ?"))
    if not long_lists and not labelled_groups and not bad:
        yield Result(Outcome.PASSED, message=Msg.plural(len(selects), "{n} liste courte (moins de {max} options).",
                                                        "{n} listes courtes (moins de {max} options).",
                                                        max=LONG_SELECT))


# --- 11.10 input control: required fields, formats, errors ---------------------------------------------

REQUIRED_WORDS = re.compile(r"\b(?:obligatoires?|requis|requise|required|mandatory)\b")
OPTIONAL_WORDS = re.compile(r"\b(?:facultati(?:f|ve)|optionnel(?:le)?|optional|non obligatoire)\b")
STARS = ("*", "\u2731", "\u2217", "\u2217")
EXPLANATION = re.compile(r"(?:\*|\u2731|\u2217|asterisque|etoile).{0,100}?\b(?:obligatoires?|requis|required|mandatory)\b"
                         r"|\b(?:obligatoires?|requis|required|mandatory)\b.{0,40}?(?:\*|\u2731|\u2217|asterisque|etoile)")


def required(el) -> bool:
    return el.get("required") is not None or (el.get("aria-required") or "").strip().lower() == "true"


def _visible_label_text(field: Field, dom) -> str:
    """Text shown with the field: its visible label, its group legend (choices), its described-by passage."""
    label = label_of(field, dom)
    parts = [label.text if label.visible else ""]
    if field.kind in ("radio", "checkbox"):
        parts.append(group_label(field, dom))
    parts.append(described_text(field.element, dom))
    return " ".join(p for p in parts if p)


def _mark(text: str) -> str:
    """How a text marks a field as required: "word", "star", "optional" or ""."""
    folded = fold(text)
    if OPTIONAL_WORDS.search(folded):
        return "optional"
    if REQUIRED_WORDS.search(folded):
        return "word"
    if any(s in text for s in STARS):
        return "star"
    return ""


def _explanations(dom) -> list:
    """Elements (small text blocks) that explain an asterisk, in document order."""
    out = []
    for el in dom.iter("p", "div", "span", "small", "em", "strong", "b", "i", "li", "legend", "caption", "dt",
                       "dd", "td", "h2", "h3", "h4", "h5", "h6", "abbr"):
        raw = el.text_content()
        if len(raw) > 400 or not (any(s in raw for s in STARS) or "ast" in raw.lower() or "toile" in raw):
            continue
        if any(tag(d) in ("input", "select", "textarea", "label", "fieldset") for d in el.iterdescendants()):
            continue
        if EXPLANATION.search(fold(raw)) and view(dom).rendered(el):
            out.append(el)
    return out


def _position(dom) -> dict:
    return {el: i for i, el in enumerate(dom.iter())}


@check(
    id="rgaa-11.10-required",
    title=N_("Les champs obligatoires sont signalés visiblement dans leur étiquette"),
    failure=N_("Un champ obligatoire n'est pas signalé visiblement"),
    description=N_("Un champ obligatoire (required, aria-required) doit l'indiquer dans son étiquette ou le texte "
                   "qui lui est associé, avant l'envoi ; un astérisque doit être expliqué avant son premier usage."),
    how_to_fix=N_("Ajoutez « (obligatoire) » ou un astérisque dans le <label>, et expliquez l'astérisque avant le "
                  "formulaire (« Les champs marqués d'un astérisque (*) sont obligatoires »)."),
    rgaa=("11.10.1", "11.10.2"),
    wcag=("3.3.2",),
    impact=Impact.SERIOUS,
    question=N_("Les champs obligatoires sont-ils identifiables, avant l'envoi, autrement que par la couleur ?"),
)
def required_fields(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    flds = [f for f in fields(dom) if not disabled(f.element)]
    explanations = _explanations(dom)
    pos = _position(dom) if explanations else {}
    first_explained = min((pos[e] for e in explanations), default=None)
    issues, good, starred = 0, 0, 0
    radios: dict[tuple, list] = defaultdict(list)
    for field in flds:
        if field.kind == "radio" and field.element.get("name"):
            radios[(field.element.get("name"), grouping_of(field.element))].append(field.element)
    seen_groups = set()
    for field in flds:
        el = field.element
        is_required = required(el)
        if field.kind == "radio" and el.get("name"):
            key = (el.get("name"), grouping_of(el))
            if key in seen_groups:
                continue
            seen_groups.add(key)
            is_required = any(required(r) for r in radios[key])
        label = label_of(field, dom)
        mark = _mark(_visible_label_text(field, dom))
        if mark == "star":
            starred += 1
            if first_explained is None or first_explained > pos.get(el, 0):
                issues += 1
                test = "11.10.2" if is_required else "11.10.1"
                message = Msg("L'astérisque du champ {field} n'est expliqué nulle part dans la page (test {test}).",
                              field=describe(field, label), test=test) if first_explained is None else \
                    Msg("L'astérisque du champ {field} n'est expliqué qu'après ce champ (test {test}).",
                        field=describe(field, label), test=test)
                yield Result(Outcome.FAILED, element=el, rgaa_tests=(test,), message=message)
            else:
                good += 1
            continue
        if not is_required or mark == "word":
            good += 1 if mark == "word" else 0
            continue
        hidden_mark = _mark(" ".join([label.text if not label.visible else "", norm(el.get("title"))]))
        if hidden_mark in ("word", "star"):
            issues += 1
            yield Result(Outcome.CANT_TELL, element=el, rgaa_tests=("11.10.2",),
                         message=Msg("Le champ obligatoire {field} ne le signale que dans un texte non affiché "
                                     "({source}).", field=describe(field, label), source=label.source or "title"),
                         question=N_("Une indication visible (« obligatoire », astérisque expliqué) accompagne-t-elle "
                                     "ce champ ?"))
            continue
        issues += 1
        values = {"field": describe(field, label),
                  "attribute": "required" if el.get("required") is not None else "aria-required"}
        message = Msg("Le champ {field} est obligatoire ({attribute}) mais son étiquette ne l'indique pas (son "
                      "étiquette dit « facultatif ») (test 11.10.2).", **values) if mark == "optional" else \
            Msg("Le champ {field} est obligatoire ({attribute}) mais son étiquette ne l'indique pas (test 11.10.2).",
                **values)
        yield Result(Outcome.FAILED, element=el, rgaa_tests=("11.10.2",), message=message)
    if issues:
        return
    if good:
        yield Result(Outcome.PASSED, message=Msg.plural(good, "{n} champ obligatoire signalé dans son étiquette.",
                                                        "{n} champs obligatoires signalés dans leur étiquette."))
        return
    body = dom.find(".//body")
    text = fold(view(dom).text(body)) if body is not None else ""
    if flds and re.search(r"\b(?:champs?|zones?|questions?|informations?)\b[^.]{0,60}\bobligatoires?\b", text):
        yield Result(Outcome.CANT_TELL, message=N_("La page annonce des champs obligatoires, mais aucun champ ne "
                                                   "porte d'indication (« obligatoire », astérisque) ni d'attribut "
                                                   "required."))
        return
    yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ signalé comme obligatoire dans la page."))


FORMAT_HINT = re.compile(r"\b(?:format|ex(?:emple)?|e\.g|jj|mm|aaaa|yyyy|dd|chiffres|caracteres|digits|characters)\b"
                         r"|\d{2}/\d{2}/\d{2,4}|@|\bnn\b")
DATE_WORDS = re.compile(r"\b(?:date|naissance|birth|jj/mm)\b")


@check(
    id="rgaa-11.10-format",
    title=N_("Le format attendu des champs contraints est indiqué"),
    failure=N_("Le format attendu d'un champ n'est pas indiqué"),
    description=N_("Un champ au format imposé (attribut pattern, date saisie en texte) doit indiquer ce format "
                   "dans son étiquette ou un texte associé, avant l'envoi."),
    how_to_fix=N_("Ajoutez le format dans l'étiquette ou un texte relié par aria-describedby : « Date de naissance (jj/mm/aaaa) »."),
    rgaa=("11.10.5",),
    wcag=("3.3.2",),
    impact=Impact.MODERATE,
    question=N_("Le format attendu de ce champ est-il indiqué de façon visible avant l'envoi du formulaire ?"),
)
def format_given(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    candidates = []
    for field in data_fields(dom):
        el = field.element
        label = label_of(field, dom)
        texty = tag(el) == "input" and field.kind in ("text", "tel", "number")
        constrained = el.get("pattern") is not None or (texty and DATE_WORDS.search(fold(label.text + " " + (el.get("name") or ""))))
        if constrained:
            candidates.append((field, label))
    if not candidates:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ au format imposé (pattern, date saisie en texte)."))
        return
    unclear = []
    for field, _label in candidates:
        shown = " ".join([_visible_label_text(field, dom), norm(field.element.get("title"))])
        if not FORMAT_HINT.search(fold(shown)):
            unclear.append(field)
    for field in unclear:
        yield Result(Outcome.CANT_TELL, element=field.element,
                     message=Msg("Le champ {field} attend un format précis, que ni son étiquette ni son texte "
                                 "associé ne donnent.", field=describe(field, label_of(field, dom))))
    if not unclear:
        yield Result(Outcome.PASSED, message=Msg.plural(len(candidates), "{n} champ à format imposé indique ce format.",
                                                        "{n} champs à format imposé indiquent ce format."))


ERROR_CLASS = re.compile(r"(?:^|[\s_-])(?:error|errors|erreur|erreurs|invalid|invalide|alert-danger|is-invalid)(?:$|[\s_-])", re.I)


def error_messages(dom) -> list:
    """Visible error messages: role=alert, or elements whose class or id says error, with text."""
    v = view(dom)
    out = []
    for el in dom.iter():
        t = tag(el)
        if not t or t in ("input", "select", "textarea", "form", "body", "html", "label"):
            continue
        role = (el.get("role") or "").strip().lower()
        if role == "alert" or ERROR_CLASS.search(el.get("class") or "") or ERROR_CLASS.search(el.get("id") or ""):
            if v.rendered(el) and v.text(el) and not any(a in out for a in el.iterancestors()):
                out.append(el)
    return out


@check(
    id="rgaa-11.10-errors",
    title=N_("Les messages d'erreur identifient le champ concerné"),
    failure=N_("Un message d'erreur n'est pas relié à son champ"),
    description=N_("Après l'envoi, un message d'erreur doit nommer le champ concerné ou être dans son étiquette / "
                   "relié par aria-describedby, et le champ en erreur porter aria-invalid=\"true\"."),
    how_to_fix=N_("Mettez aria-invalid=\"true\" sur le champ en erreur et reliez le message par aria-describedby ; "
                  "nommez le champ dans le message (« L'adresse électronique est obligatoire »)."),
    rgaa=("11.10.3", "11.10.4", "11.10.6", "11.10.7"),
    wcag=("3.3.1",),
    impact=Impact.SERIOUS,
    question=N_("Envoyez le formulaire vide puis mal rempli : chaque message d'erreur est-il visible, nomme-t-il le "
                "champ concerné (ou le champ reçoit-il aria-invalid=\"true\" avec le message dans son étiquette ou "
                "un texte relié) ?"),
)
def error_identification(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    flds = data_fields(dom)
    if not flds:
        yield _no_fields(N_("Aucun champ de saisie (hors recherche) dans la page."))
        return
    invalid = [f for f in flds if (f.element.get("aria-invalid") or "").strip().lower() in ("true", "grammar", "spelling")]
    messages = error_messages(dom)
    for field in invalid:
        label = label_of(field, dom)
        if described_text(field.element, dom):
            yield Result(Outcome.PASSED, element=field.element,
                         message=Msg("Le champ en erreur {field} est relié à un message (aria-describedby).",
                                     field=describe(field, label)))
        else:
            yield Result(Outcome.CANT_TELL, element=field.element,
                         message=Msg("Le champ {field} a aria-invalid=\"true\" sans message relié par "
                                     "aria-describedby ni aria-errormessage.", field=describe(field, label)),
                         question=N_("Le message d'erreur de ce champ est-il visible dans son étiquette ?"))
    if messages and not invalid:
        texts = [quoted(short(view(dom).text(m), 60)) for m in messages]
        yield Result(Outcome.CANT_TELL, element=messages[0],
                     message=Msg.plural(len(texts), "Message d'erreur sans champ marqué aria-invalid : {messages}.",
                                        "Messages d'erreur sans champ marqué aria-invalid : {messages}.",
                                        messages=listing(texts, 4)),
                     question=N_("Chaque message d'erreur nomme-t-il le champ concerné ?"))
    if not invalid and not messages:
        yield Result(Outcome.CANT_TELL, message=Msg.plural(
            len(flds), "Formulaire de {n} champ : les messages d'erreur ne s'affichent qu'après l'envoi.",
            "Formulaire de {n} champs : les messages d'erreur ne s'affichent qu'après l'envoi."))


@check(
    id="rgaa-11.11-suggestions",
    title=N_("Les erreurs de saisie sont accompagnées de suggestions"),
    failure=N_("Une erreur de saisie n'est pas accompagnée de suggestion"),
    description=N_("Quand une saisie est refusée pour son format (adresse électronique, téléphone, date…), le "
                   "message doit indiquer le format attendu ou un exemple."),
    how_to_fix=N_("Rédigez les messages d'erreur avec le format et un exemple : « Saisissez la date au format jj/mm/aaaa, par exemple 05/03/2018 »."),
    rgaa=("11.11.1", "11.11.2"),
    wcag=("3.3.3",),
    impact=Impact.MODERATE,
    question=N_("Saisissez une valeur au mauvais format dans ces champs : le message d'erreur indique-t-il le "
                "format attendu et un exemple de valeur ?"),
)
def error_suggestions(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    constrained = []
    for field in data_fields(dom):
        el = field.element
        label = label_of(field, dom)
        typed = field.kind in ("email", "tel", "url", "number", "date", "month", "week", "time", "datetime-local")
        if typed or el.get("pattern") is not None or el.get("minlength") or DATE_WORDS.search(fold(label.text)):
            constrained.append(describe(field, label))
    if not constrained:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ dont le format est contrôlé (adresse "
                                                      "électronique, téléphone, date, pattern…)."))
        return
    yield Result(Outcome.CANT_TELL, message=Msg("Champs au format contrôlé : {fields}.",
                                                fields=listing(constrained, 5)))


# --- 11.12 forms with consequences --------------------------------------------------------------------

CONSEQUENCE = re.compile(
    r"\b(?:payer|paiement|regler|commander|commande|acheter|achat|souscrire|s'inscrire|inscri(?:re|ption)|"
    r"reserver|reservation|signer|supprimer|suppression|resilier|resiliation|desinscri\w*|candidater|candidature|"
    r"declarer|declaration|deposer|confirmer|valider (?:la|ma|mon|l'|le|votre|les|mes)|envoyer (?:la|ma|votre) "
    r"(?:demande|declaration|candidature|reponse)|pay|checkout|purchase|order|delete|subscribe|submit (?:answers|exam))\b")
CONFIRM_BOX = re.compile(r"\b(?:j'accepte|je confirme|je certifie|j'atteste|je reconnais|je declare|i agree|i confirm)\b")


@check(
    id="rgaa-11.12-confirmation",
    title=N_("Les données d'un formulaire à enjeu peuvent être vérifiées, modifiées ou récupérées"),
    failure=N_("Un formulaire à enjeu ne permet ni vérification ni confirmation"),
    description=N_("Un formulaire qui paie, inscrit, supprime ou engage juridiquement doit permettre de vérifier "
                   "et corriger avant validation, de confirmer explicitement, ou d'annuler ensuite."),
    how_to_fix=N_("Ajoutez une étape de récapitulatif modifiable avant la validation, ou une case de confirmation "
                  "explicite, ou un moyen d'annuler ou de récupérer les données après coup."),
    rgaa=("11.12.1", "11.12.2"),
    wcag=("3.3.4",),
    impact=Impact.SERIOUS,
    question=N_("Avant de valider, la personne peut-elle vérifier et corriger ses données, ou confirmer "
                "explicitement ; ou peut-elle annuler, modifier ou récupérer ces données ensuite ?"),
)
def consequence_confirmation(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    v = view(dom)
    found = False
    for form in dom.iter("form"):
        if not v.rendered(form) or (form.get("role") or "").lower() == "search":
            continue
        submits = [b for b in form.iter("button", "input")
                   if (tag(b) == "button" and (b.get("type") or "submit").lower() == "submit")
                   or (tag(b) == "input" and input_type(b) in ("submit", "image"))]
        texts = [v.name(b) or v.text(b) or norm(b.get("value")) for b in submits]
        texts.append(norm(form.get("aria-label")) + " " + norm(form.get("title")))
        hit = next((t for t in texts if CONSEQUENCE.search(fold(t))), None)
        if hit is None:
            continue
        found = True
        box = next((label_of(f, dom).text for f in fields(form)
                    if f.kind == "checkbox" and CONFIRM_BOX.search(fold(label_of(f, dom).text))), None)
        body = dom.find(".//body")
        summary = body is not None and bool(re.search(
            r"\b(?:recapitulatif|verifiez|modifier les informations|review your)\b", fold(v.text(body))))
        values = {"submit": short(hit, 50)}
        if box is not None and summary:
            message = Msg("Le formulaire validé par « {submit} » a des conséquences pour la personne. Indices : case "
                          "« {box} », récapitulatif affiché dans la page.", box=short(box, 60), **values)
        elif box is not None:
            message = Msg("Le formulaire validé par « {submit} » a des conséquences pour la personne. Indices : case "
                          "« {box} ».", box=short(box, 60), **values)
        elif summary:
            message = Msg("Le formulaire validé par « {submit} » a des conséquences pour la personne. Indices : "
                          "récapitulatif affiché dans la page.", **values)
        else:
            message = Msg("Le formulaire validé par « {submit} » a des conséquences pour la personne.", **values)
        yield Result(Outcome.CANT_TELL, element=form, message=message)
    if not found:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun formulaire de paiement, d'inscription, de suppression "
                                                      "ou d'engagement dans la page."))


# --- 11.13 input purpose (autocomplete) ----------------------------------------------------------------

AUTOFILL_FIELDS = frozenset({
    "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
    "organization-title", "username", "new-password", "current-password", "one-time-code", "organization",
    "street-address", "address-line1", "address-line2", "address-line3", "address-level4", "address-level3",
    "address-level2", "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
    "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc",
    "cc-type", "transaction-currency", "transaction-amount", "language", "bday", "bday-day", "bday-month",
    "bday-year", "sex", "url", "photo"})
AUTOFILL_CONTACT = frozenset({"tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local",
                              "tel-local-prefix", "tel-local-suffix", "tel-extension", "email", "impp"})
CONTACT_KINDS = frozenset({"home", "work", "mobile", "fax", "pager"})


def autocomplete_field(value: str) -> str | None:
    """The autofill field name of a valid autocomplete value ("on"/"off" give ""), None when invalid."""
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return ""
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if not tokens:
        return None
    name, rest = tokens[-1], tokens[:-1]
    if name in AUTOFILL_CONTACT:
        if rest and rest[-1] in CONTACT_KINDS:
            rest = rest[:-1]
    elif name not in AUTOFILL_FIELDS:
        return None
    if rest and rest[-1] in ("shipping", "billing"):
        rest = rest[:-1]
    if rest and rest[-1].startswith("section-") and len(rest[-1]) > len("section-"):
        rest = rest[:-1]
    return None if rest else name


# (purpose, acceptable autofill names, label pattern (folded), name/id pattern)
PURPOSES = (
    ("email", {"email", "username"}, r"\b(?:e-?mail|courriel|adresse (?:electronique|mail|e-?mail)|mel|email address)\b",
     r"(?:^|[_\-.\[])(?:e-?mail|courriel|mel)(?:$|[_\-.\]])"),
    ("tel", {"tel", "tel-national", "tel-local"}, r"\b(?:telephone|tel|portable|mobile|phone|phone number)\b",
     r"(?:^|[_\-.\[])(?:tel|telephone|phone|portable|mobile|gsm)(?:$|[_\-.\]\d])"),
    ("username", {"username", "email"}, r"\b(?:identifiant|nom d'utilisateur|login|username|user name|pseudo)\b",
     r"^(?:identifiant|login|username|user|user_?name|pseudo)$"),
    ("given-name", {"given-name", "name", "additional-name"}, r"\b(?:prenoms?|first name|given name|forename)\b",
     r"(?:^|[_\-.\[])(?:prenoms?|firstname|first_name|first-name|givenname|given-name|fname)(?:$|[_\-.\]])"),
    ("family-name", {"family-name", "name"}, r"\b(?:nom de (?:famille|naissance|jeune fille|usage)|last name|surname|family name)\b",
     r"(?:^|[_\-.\[])(?:lastname|last_name|last-name|familyname|family-name|surname|lname|nom_?famille|nom-famille)(?:$|[_\-.\]])"),
    ("name", {"name", "family-name", "given-name"}, r"^(?:votre |vos )?(?:nom(?: et prenoms?| complet| prenoms?)?|prenoms? et nom|nom, prenoms?|full name|name|your name)$",
     r"^(?:nom|name|fullname|full_name|full-name|nom_prenom|nomprenom|nom-prenom)$"),
    ("bday", {"bday", "bday-day", "bday-month", "bday-year"}, r"\b(?:date de naissance|ne\(e\) le|birth ?date|date of birth|birthday)\b",
     r"(?:^|[_\-.\[])(?:date_?naissance|datenaissance|naissance|birthdate|birthday|bday|dob)(?:$|[_\-.\]])"),
    ("postal-code", {"postal-code"}, r"\b(?:code postal|postal code|post ?code|zip(?: code)?)\b",
     r"^(?:code_?postal|codepostal|code-postal|cp|zip|zipcode|postal_?code|postcode)$"),
    ("address-level2", {"address-level2"}, r"^(?:votre )?(?:ville|commune|localite|city|town)$",
     r"^(?:ville|city|commune|localite|town)$"),
    ("street-address", {"street-address", "address-line1", "address-line2", "address-line3"},
     r"^(?:votre )?(?:adresse(?: postale)?|rue|numero et (?:nom de )?(?:la )?(?:rue|voie)|address|street address|address line 1)$",
     r"^(?:adresse|address|street|rue|adresse1|address1|address_line1|adresse_postale)$"),
    ("country", {"country", "country-name"}, r"^(?:pays|country)$", r"^(?:pays|country)$"),
    ("organization", {"organization"}, r"^(?:societe|entreprise|organisme|organisation|raison sociale|company|organization)$",
     r"^(?:societe|entreprise|organisme|organisation|company|organization)$"),
    ("honorific-prefix", {"honorific-prefix", "sex"}, r"^(?:civilite)$", r"^(?:civilite|civility)$"),
    ("cc-number", {"cc-number"}, r"\b(?:numero de (?:la )?carte (?:bancaire|de credit|de paiement)|card number|credit card)\b", r"^(?:cc-?number|card_?number)$"),
    ("cc-csc", {"cc-csc"}, r"\b(?:cryptogramme|cvc|cvv|code de securite|security code)\b", r"^(?:cc-?csc|cvc|cvv)$"),
    ("cc-exp", {"cc-exp", "cc-exp-month", "cc-exp-year"}, r"\b(?:date d'expiration|expiration date|expiry)\b", r"^(?:cc-?exp)$"),
)
THIRD_PARTY = re.compile(
    r"\b(?:enfants?|bebe|conjointe?|epou(?:x|se)|partenaire|defunte?|beneficiaire|destinataire|tiers|mineure?|"
    r"representant|urgence|pere|mere|tuteur|tutrice|employeur|ami|amie|parrain|marraine|proche|"
    r"friend|partner|spouse|child|children|recipient|emergency|father|mother|guardian|employer|guest|other person)\b")
PURPOSE_TYPES = frozenset({"text", "email", "tel", "password", "url", "number", "date", "month", "select", "textarea"})


def purpose_of(field: Field, dom) -> tuple[str, set[str]] | None:
    """What personal datum a field asks for, from its type, label, name and id; None when unknown."""
    el = field.element
    if not field.native or field.kind not in PURPOSE_TYPES or in_search(el):
        return None
    if field.kind == "password":
        return "password", {"current-password", "new-password"}
    label = _clean(label_of(field, dom).text)
    core = re.split(r"\b(?:format|ex|exemple|par exemple|e\.g)\b", label)[0].strip()
    ids = [fold(x) for x in (el.get("name"), el.get("id")) if x]
    for purpose, accepted, label_re, attr_re in PURPOSES:
        if (core and re.search(label_re, core)) or any(re.search(attr_re, x) for x in ids):
            return purpose, accepted
    if field.kind == "email":
        return "email", {"email", "username"}
    if field.kind == "tel":
        return "tel", {"tel", "tel-national", "tel-local"}
    return None


def third_party(field: Field, dom) -> str:
    """A word saying the field is about someone else (« enfant », « conjoint »…), or ""."""
    el = field.element
    texts = [label_of(field, dom).text, el.get("name") or "", el.get("id") or "", group_label(field, dom)]
    for text in texts:
        m = THIRD_PARTY.search(re.sub(r"[_\-.\[\]]", " ", fold(text)))
        if m:
            return m.group(0)
    return ""


@check(
    id="rgaa-11.13-autocomplete-missing",
    title=N_("Les champs de données personnelles indiquent leur finalité (autocomplete)"),
    failure=N_("Un champ de données personnelles n'a pas d'attribut autocomplete"),
    description=N_("Nom, prénom, adresse électronique, téléphone, adresse postale, date de naissance, identifiant, "
                   "mot de passe… : l'attribut autocomplete permet au navigateur de les remplir et aux outils "
                   "d'aide d'en afficher la nature."),
    how_to_fix=N_("Ajoutez l'attribut autocomplete avec la valeur de la liste WCAG qui correspond à la donnée : "
                  "family-name, given-name, email, tel, street-address, postal-code, address-level2, bday, "
                  "username, current-password…"),
    rgaa=("11.13.1",),
    wcag=("1.3.5",),
    impact=Impact.SERIOUS,
    question=N_("Ce champ concerne-t-il la personne qui remplit le formulaire ? Si oui, a-t-il un attribut autocomplete pertinent ?"),
)
def autocomplete_missing(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    candidates = []
    for field in fields(dom):
        if disabled(field.element):
            continue
        purpose = purpose_of(field, dom)
        if purpose is not None:
            candidates.append((field, purpose))
    if not candidates:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ ne demande de donnée personnelle reconnue "
                                                      "(nom, adresse électronique, téléphone, adresse…)."))
        return
    others, mismatched, passed = [], [], 0
    failed = False
    for field, (purpose, accepted) in candidates:
        el = field.element
        value = norm(el.get("autocomplete"))
        token = autocomplete_field(value) if value else ""
        label = label_of(field, dom)
        if token is None:
            continue  # an invalid value: rgaa-11.13-autocomplete-valid reports it
        if token:
            if token in accepted:
                passed += 1
            else:
                mismatched.append(Msg("{field} : autocomplete=\"{value}\", donnée attendue « {purpose} »",
                                      field=describe(field, label), value=value, purpose=purpose))
            continue
        who = third_party(field, dom)
        if who:
            others.append(Msg("{field} (« {who} »)", field=describe(field, label), who=who))
            continue
        failed = True
        values = {"field": describe(field, label), "purpose": purpose}
        message = Msg("Le champ {field} demande une donnée personnelle ({purpose}) mais a autocomplete=\"{value}\".",
                      value=value, **values) if value else \
            Msg("Le champ {field} demande une donnée personnelle ({purpose}) mais n'a pas d'attribut autocomplete.",
                **values)
        yield Result(Outcome.FAILED, element=el, message=message)
    if mismatched:
        yield Result(Outcome.CANT_TELL, message=Msg("Valeur d'autocomplete à confirmer : {fields}.",
                                                    fields=listing(mismatched, 5)),
                     question=N_("La valeur de l'attribut autocomplete correspond-elle à la donnée demandée ?"))
    if others:
        yield Result(Outcome.CANT_TELL, message=Msg("Champs qui semblent concerner une autre personne, sans "
                                                    "autocomplete : {fields}.", fields=listing(others, 5)))
    if passed and not failed and not mismatched and not others:
        yield Result(Outcome.PASSED, message=Msg.plural(
            passed, "{n} champ de données personnelles a un autocomplete adapté.",
            "{n} champs de données personnelles ont un autocomplete adapté."))


@check(
    id="rgaa-11.13-autocomplete-valid",
    title=N_("Les valeurs d'autocomplete sont valides"),
    failure=N_("Une valeur d'autocomplete n'est pas valide"),
    description=N_("Une valeur d'autocomplete hors de la liste (« courriel » au lieu de « email ») est ignorée : la finalité du champ n'est pas exposée."),
    how_to_fix=N_("Remplacez la valeur par un jeton de la liste HTML/WCAG (email, tel, given-name, family-name, postal-code…)."),
    rgaa=("11.13.1",),
    wcag=("1.3.5",),
    impact=Impact.SERIOUS,
)
def autocomplete_valid(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    with_value = [f for f in fields(dom) if f.native and norm(f.element.get("autocomplete"))
                  and not disabled(f.element)]
    if not with_value:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun champ n'a d'attribut autocomplete renseigné."))
        return
    bad = False
    for field in with_value:
        value = norm(field.element.get("autocomplete"))
        if autocomplete_field(value) is None:
            bad = True
            yield Result(Outcome.FAILED, element=field.element,
                         message=Msg("autocomplete=\"{value}\" n'est pas une valeur valide (champ {field}).",
                                     value=value, field=describe(field, label_of(field, dom))))
    if not bad:
        yield Result(Outcome.PASSED, message=Msg("Valeurs d'autocomplete, toutes valides : {n}.", n=len(with_value)))

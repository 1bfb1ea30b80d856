"""RGAA theme 9, structuration de l'information: headings, page regions, lists, quotations.

Headings: RGAA does not require an h1 nor a strict hierarchy ("a looser hierarchy that stays coherent
does not invalidate the criterion", glossary "Titre"), so a skipped level or a missing h1 is asked about,
never failed; an empty heading fails (its content cannot be relevant); generic headings (« Titre », a lone
number, one text at two levels) and generic field labels (« Champ 2 », « input_nom ») are asked about (WCAG
2.4.6). Regions: a page must have one visible ``<main>`` (role="main" is accepted as equivalent); header, nav
and footer are asked about when missing. Lists: list markup with foreign children fails; text laid out as a list with dashes, bullets or
numbers fails. Quotations are asked about.
"""

from __future__ import annotations

import re
from functools import lru_cache

from audit.checks import Evidence, Result, check, joined, listing
from audit.checks.exposure import View, dom_of, fold, norm, short, tag, view, words
from audit.checks.forms import fields, generic_label, label_of
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_FINDINGS = 30
NATIVE_HEADING = re.compile(r"h[1-6]")


def headings(root, v: View) -> list[tuple[object, int]]:
    """(element, level) of each exposed heading (h1-h6, role="heading"), in document order."""
    return list(_headings(root, v))


@lru_cache(maxsize=8)
def _headings(root, v: View) -> tuple[tuple[object, int], ...]:
    """``headings``, found once per page: three checks ask for them."""
    out = []
    for el in root.iter():
        t = tag(el)
        role = (el.get("role") or "").strip().lower().split()[:1]
        native = NATIVE_HEADING.fullmatch(t)
        if role == ["heading"]:
            try:
                level = int((el.get("aria-level") or "").strip())
            except ValueError:
                level = int(t[1]) if native else 2
        elif native and not role:
            level = int(t[1])
        else:
            continue
        if v.exposed(el):
            out.append((el, max(1, level)))
    return tuple(out)


@check(
    id="rgaa-9.1-heading-hierarchy",
    title=N_("La hiérarchie des titres est cohérente"),
    failure=N_("La hiérarchie des titres n'est pas cohérente"),
    description=N_("Les titres (h1 à h6) structurent la page et servent à y naviguer. Le RGAA n'exige ni h1 ni "
                   "hiérarchie stricte, mais la hiérarchie doit rester cohérente : un saut de niveau ou l'absence "
                   "de h1 est signalé pour vérification."),
    how_to_fix=N_("Donnez à la page un h1 qui dit son sujet, puis des h2 pour ses sections, des h3 pour leurs "
                  "sous-sections, sans sauter de niveau."),
    rgaa=("9.1.1",), wcag=("1.3.1", "2.4.6"), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("La hiérarchie des titres de la page est-elle cohérente avec la structure du contenu ?"),
)
def heading_hierarchy(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    found = headings(root, v)
    if not found:
        return []
    issues = []
    if not any(level == 1 for _, level in found):
        issues.append(Msg("la page n'a pas de titre de niveau 1"))
    previous = 0
    for el, level in found:
        if previous and level > previous + 1:
            issues.append(Msg("saut de h{before} à h{after} (« {name} »)", before=previous, after=level,
                              name=short(v.name(el), 50)))
        previous = level
    # the page's headings, as they are (h2 Horaires ; h3 Mairie…)
    outline = short(" ; ".join(f"h{level} {short(v.name(el), 40)}" for el, level in found[:12]), 450)
    if issues:
        return [Result(Outcome.CANT_TELL, message=Msg("Hiérarchie à vérifier : {issues}. Plan : {outline}",
                                                      issues=joined(issues[:6]), outline=outline))]
    return [Result(Outcome.PASSED, message=Msg.plural(len(found), "{n} titre sans saut de niveau. Plan : {outline}",
                                                      "{n} titres sans saut de niveau. Plan : {outline}",
                                                      outline=outline))]


@check(
    id="rgaa-9.1-heading-empty",
    title=N_("Chaque titre a un contenu"),
    failure=N_("Un titre est vide"),
    description=N_("Un titre vide est annoncé « titre » sans contenu dans la liste des titres : il ne structure "
                   "rien et désoriente."),
    how_to_fix=N_("Donnez un texte au titre, ou supprimez l'élément s'il ne sert qu'à la mise en forme."),
    rgaa=("9.1.2",), wcag=("1.3.1", "2.4.6"), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Le contenu de chaque titre décrit-il la section qu'il introduit ?"),
)
def heading_empty(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    found = headings(root, v)
    results = [Result(Outcome.FAILED, element=el, message=Msg("Titre de niveau {level} sans contenu.", level=level))
               for el, level in found if not v.name(el)]
    if not results and found:
        results.append(Result(Outcome.PASSED, message=Msg.plural(len(found), "{n} titre, avec un contenu.",
                                                                 "{n} titres, tous avec un contenu.")))
    return results[:MAX_FINDINGS]


_FAKE_HEADING_MAX = 90


def _fake_heading(el, v: View) -> str | None:
    """A short paragraph that is entirely bold (or a div styled as a heading) followed by text."""
    if tag(el) not in ("p", "div") or (el.get("role") or "") or not v.exposed(el):
        return None
    text = v.text(el)
    if not text or len(text) > _FAKE_HEADING_MAX or text.endswith((".", ",", ";", ":")) or len(words(text)) > 12:
        return None
    children = [c for c in el if isinstance(c.tag, str)]
    bold_only = (len(children) == 1 and tag(children[0]) in ("strong", "b") and not norm(el.text)
                 and not norm(children[0].tail) and norm(children[0].text_content()) == text)
    styled = re.search(r"\b(?:intertitre|sous-titre|subtitle|heading|titre|title)\b", el.get("class") or "", re.I)
    inline_bold = re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)", el.get("style") or "", re.I)
    if not (bold_only or (styled and not any(tag(c) in ("h1", "h2", "h3", "h4", "h5", "h6") for c in children))
            or inline_bold):
        return None
    following = el.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None or tag(following) not in ("p", "ul", "ol", "div", "table", "dl"):
        return None
    if len(v.text(following)) <= len(text):
        return None
    return text


@check(
    id="rgaa-9.1-fake-heading",
    title=N_("Les textes qui servent de titres sont balisés comme des titres"),
    failure=N_("Un texte qui sert de titre n'est pas balisé comme un titre"),
    description=N_("Un intertitre mis en forme (paragraphe en gras, classe « titre ») sans élément h2…h6 "
                   "n'apparaît pas dans la liste des titres des lecteurs d'écran."),
    how_to_fix=N_("Balisez l'intertitre avec l'élément de titre du bon niveau (h2, h3…) et gardez la mise en forme "
                  "en CSS."),
    rgaa=("9.1.3",), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ce texte sert-il de titre à la section qui le suit ? Si oui, il doit être balisé avec h2…h6."),
)
def fake_heading(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None:
        return []
    results = []
    for el in body.iter("p", "div"):
        text = _fake_heading(el, v)
        if text:
            results.append(Result(Outcome.CANT_TELL, element=el,
                                  message=Msg("« {text} » ressemble à un intertitre sans balise de titre.",
                                              text=short(text, 80))))
    return results[:MAX_FINDINGS]


# --- WCAG 2.4.6: headings and labels that describe nothing (RGAA 9.1.2, 11.2.1-11.2.4) --------------------
# Both are asked here, in one pass over the page: WCAG 2.4.6 covers headings and labels alike. An empty heading
# fails rgaa-9.1-heading-empty and a label made of a bare generic word (« Champ », « Saisie ») fails
# rgaa-11.2-label-relevance: these two checks only ask about what those leave, and never fail.

MAX_LISTED = 6
_GENERIC_HEADINGS = frozenset({
    "titre", "title", "heading", "sous-titre", "sous titre", "subtitle", "intertitre", "titre principal",
    "section", "rubrique", "bloc", "block", "encart", "module", "widget", "contenu", "content", "texte", "text",
    "nouveau", "nouvelle", "new", "sans titre", "untitled", "titre de la page", "titre de page",
    "titre de section", "titre de la section", "votre titre", "your title", "titre ici", "title here",
    "heading here", "placeholder", "test", "todo", "a completer", "a definir", "tbd", "xxx", "h1", "h2", "h3",
    "h4", "h5", "h6",
})
_NUMBERED = re.compile(r"^(?:titre|title|heading|section|rubrique|bloc|block|encart|module|widget|texte|text|"
                       r"champ|field|saisie|input|zone|zone de texte|zone de saisie|question|reponse|answer|"
                       r"valeur|value|donnee|data|entree|item|element|option|choix|liste|select|textarea|label|"
                       r"libelle|etiquette)\s*(?:n\s*°|no\.?|#)?\s*\d+$")
_PLACEHOLDER_TEXT = re.compile(r"lorem ipsum|dolor sit amet|consectetur adipiscing")
_GENERIC_WORD = N_("mot générique")
_NUMBERED_WORD = N_("mot générique numéroté")


def generic_heading(text: str) -> str | None:
    """Why a heading's text describes nothing (a generic word, placeholder text, a lone number or character):
    a msgid."""
    folded = fold(text).strip(" .:;,!?-_()[]\"'«»")
    if _PLACEHOLDER_TEXT.search(folded):
        return N_("texte de remplissage")
    if folded in _GENERIC_HEADINGS:
        return _GENERIC_WORD
    if _NUMBERED.match(folded):
        return _NUMBERED_WORD
    if folded and re.fullmatch(r"[\d\W_]+", folded):
        return N_("seulement un nombre ou un signe")
    if len(folded) == 1:
        return N_("un seul caractère")
    return None


@check(
    id="rgaa-9.1-heading-generic",
    title=N_("Le contenu de chaque titre décrit sa section"),
    failure=N_("Un titre ne décrit pas sa section"),
    description=N_("Un titre générique (« Titre », « Section », « Nouveau »), un texte de remplissage (« Lorem "
                   "ipsum »), un titre fait d'un seul nombre ou d'un seul caractère, ou un même texte employé à deux "
                   "niveaux de titre différents n'aide pas à comprendre ni à parcourir la page par ses titres."),
    how_to_fix=N_("Rédigez chaque titre d'après le contenu qu'il introduit (« Horaires de la médiathèque », "
                  "« Pièces à fournir ») et ne reprenez pas le texte d'un titre à un autre niveau."),
    rgaa=("9.1.2",), wcag=("2.4.6",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ces titres décrivent-ils vraiment le contenu des sections qu'ils introduisent ?"),
)
def heading_generic(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    found = [(el, level, v.name(el)) for el, level in headings(root, v)]
    found = [item for item in found if item[2]]  # empty headings fail rgaa-9.1-heading-empty
    if not found:
        return []
    levels: dict[str, set[int]] = {}
    for _, level, text in found:
        levels.setdefault(fold(text), set()).add(level)
    flagged, reported = [], set()
    for el, level, text in found:
        generic = generic_heading(text)
        why = Msg(generic) if generic else None
        key = fold(text)
        if why is None and len(levels[key]) > 1:
            if key in reported:
                continue
            *first, last = sorted(levels[key])
            why = Msg("même texte aux niveaux {levels} et h{last}", levels=", ".join(f"h{n}" for n in first),
                      last=last)
        if why:
            reported.add(key)
            flagged.append((el, Msg("« {text} » (h{level} : {why})", text=short(text, 50), level=level, why=why)))
    if not flagged:
        return [Result(Outcome.PASSED, message=Msg.plural(len(found), "{n} titre ; aucun titre générique repéré.",
                                                          "{n} titres ; aucun titre générique repéré."))]
    return [Result(Outcome.CANT_TELL, element=flagged[0][0],
                   message=Msg("Titres à relire : {headings}.",
                               headings=listing([text for _, text in flagged], MAX_LISTED)))]


_GENERIC_LABEL_WORDS = frozenset({
    "reponse", "votre reponse", "votre texte", "texte libre", "donnee", "donnees", "information",
    "informations", "info", "infos", "answer", "your answer", "data", "item", "element", "choix",
    "votre choix", "parametre", "contenu", "content", "question", "nouveau champ", "new field", "untitled",
})
_TEST_BY_SOURCE = {"label": "11.2.1", "title": "11.2.2", "aria-label": "11.2.3", "aria-labelledby": "11.2.4"}


def generic_field_label(text: str) -> str | None:
    """Why a field's label may not say what to enter, for labels rgaa-11.2-label-relevance does not fail:
    a msgid."""
    if generic_label(text):
        return None  # already a failure there
    raw = norm(text).strip(" *:")
    folded = fold(raw).strip(" .:;,!?-_()[]\"'«»*")
    if folded in _GENERIC_LABEL_WORDS:
        return _GENERIC_WORD
    if _NUMBERED.match(folded):
        return _NUMBERED_WORD
    if re.fullmatch(r"[A-Za-z]+(?:_[A-Za-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+", raw):
        return N_("nom technique")
    return None


@check(
    id="rgaa-11.2-label-generic",
    title=N_("L'étiquette de chaque champ dit ce qu'il faut saisir"),
    failure=N_("L'étiquette d'un champ ne dit pas ce qu'il faut saisir"),
    description=N_("Une étiquette numérotée (« Champ 2 », « Field 1 »), un nom technique (« input_nom ») ou un mot "
                   "vague (« Réponse », « Information ») ne permet pas de connaître la fonction exacte du champ."),
    how_to_fix=N_("Rédigez l'étiquette d'après la donnée attendue (« Nom de l'enfant », « Adresse électronique ») "
                  "plutôt que d'après la position ou le nom technique du champ."),
    rgaa=("11.2.1", "11.2.2", "11.2.3", "11.2.4"), wcag=("2.4.6", "3.3.2"), impact=Impact.SERIOUS,
    evidence=("dom",),
    question=N_("Ces étiquettes permettent-elles de connaître la fonction exacte de leur champ ?"),
)
def label_generic(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    flagged, tests, labelled = [], [], 0
    for field in fields(root):
        label = label_of(field, root)
        if label.source not in _TEST_BY_SOURCE:
            continue
        labelled += 1
        why = generic_field_label(label.text)
        if why:
            flagged.append((field.element, Msg("« {label} » ({source} : {why})", label=short(label.text, 40),
                                               source=label.source, why=Msg(why))))
            tests.append(_TEST_BY_SOURCE[label.source])
    if not labelled:
        return []
    if not flagged:
        return [Result(Outcome.PASSED, message=Msg.plural(labelled, "{n} étiquette ; aucune étiquette générique repérée.",
                                                          "{n} étiquettes ; aucune étiquette générique repérée."))]
    return [Result(Outcome.CANT_TELL, element=flagged[0][0], rgaa_tests=tuple(dict.fromkeys(tests)),
                   message=Msg("Étiquettes à relire : {labels}.",
                               labels=listing([text for _, text in flagged], MAX_LISTED)))]


# --- 9.2 regions ----------------------------------------------------------------------------------------


def _regions(root, v: View, name: str, role: str) -> list:
    return [el for el in root.iter() if isinstance(el.tag, str)
            and (tag(el) == name or (el.get("role") or "").strip().lower().split()[:1] == [role]) and v.rendered(el)]


@check(
    id="rgaa-9.2-regions",
    title=N_("La structure de la page utilise header, nav, main et footer"),
    failure=N_("La page n'a pas de zone de contenu principal unique (main)"),
    description=N_("La zone de contenu principal doit être structurée par un élément main, unique et visible ; "
                   "l'en-tête, la navigation et le pied de page par header, nav et footer. Ces zones permettent "
                   "d'aller directement au contenu avec un lecteur d'écran."),
    how_to_fix=N_("Entourez le contenu principal d'un élément <main> (un seul par page), l'en-tête du site de "
                  "<header>, les menus de <nav> et le pied de page de <footer>."),
    rgaa=("9.2.1",), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("L'en-tête, les menus de navigation et le pied de page sont-ils structurés par header, nav et "
                "footer, et nav est-il réservé aux zones de navigation ?"),
)
def regions(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None or not words(view(root).text(body)):
        return []
    v = view(root)
    mains = _regions(root, v, "main", "main")
    if not mains:
        return [Result(Outcome.FAILED, message=N_("Aucun élément main (ni role=\"main\") dans la page."))]
    if len(mains) > 1:
        return [Result(Outcome.FAILED, element=mains[1],
                       message=Msg.plural(len(mains), "{n} zone main visible : une seule est permise (les autres "
                                          "doivent avoir l'attribut hidden).", "{n} zones main visibles : une seule "
                                          "est permise (les autres doivent avoir l'attribut hidden)."))]
    missing = [Msg(label) for name, role, label in (("header", "banner", N_("header (en-tête)")),
                                                    ("nav", "navigation", N_("nav (navigation)")),
                                                    ("footer", "contentinfo", N_("footer (pied de page)")))
               if not _regions(root, v, name, role)]
    if missing:
        return [Result(Outcome.CANT_TELL, message=Msg("Zone main présente ; absentes : {missing}.",
                                                      missing=joined(missing)),
                       question=N_("La page a-t-elle un en-tête, des menus de navigation ou un pied de page ? "
                                   "Chacun doit être structuré par header, nav ou footer."))]
    return [Result(Outcome.PASSED, message=N_("header, nav, main (unique) et footer présents."))]


# --- 9.3 lists -------------------------------------------------------------------------------------------

_LIST_CHILD_OK = frozenset({"li", "script", "template"})
_DL_CHILD_OK = frozenset({"dt", "dd", "div", "script", "template"})


@check(
    id="rgaa-9.3-list-markup",
    title=N_("Les listes sont correctement balisées (ul, ol, dl et leurs éléments)"),
    failure=N_("Une liste est mal balisée"),
    description=N_("Une liste ul ou ol ne contient que des li ; un li est toujours dans une liste ; une liste dl ne "
                   "contient que des dt et dd (éventuellement groupés dans des div). Sinon le nombre d'éléments "
                   "annoncé est faux et les éléments sont lus hors de la liste."),
    how_to_fix=N_("Placez chaque élément de liste dans un li, et chaque li dans un ul ou un ol ; dans un dl, "
                  "n'utilisez que dt et dd."),
    rgaa=("9.3.1", "9.3.2", "9.3.3"), wcag=("1.3.1",), impact=Impact.SERIOUS, evidence=("dom",),
)
def list_markup(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results, lists = [], 0
    for el in root.iter("ul", "ol", "dl", "li"):
        if not v.exposed(el) or (el.get("role") or "").strip():
            continue
        t = tag(el)
        if t == "li":
            parent = el.getparent()
            ok = parent is not None and (tag(parent) in ("ul", "ol", "menu") or
                                         (parent.get("role") or "").strip().lower() == "list")
            if not ok:
                results.append(Result(Outcome.FAILED, element=el, rgaa_tests=("9.3.1", "9.3.2"),
                                      message=Msg("Élément li hors de toute liste (dans un {parent}).",
                                                  parent=tag(parent))))
            continue
        lists += 1
        allowed = _DL_CHILD_OK if t == "dl" else _LIST_CHILD_OK
        strays = [c for c in el if isinstance(c.tag, str) and tag(c) not in allowed
                  and (c.get("role") or "").strip().lower() != "listitem"]
        if strays:
            names = ", ".join(sorted({tag(c) for c in strays}))
            results.append(Result(Outcome.FAILED, element=el, rgaa_tests=_LIST_TEST[t],
                                  message=Msg("La liste {list} contient directement : {names}.", list=t,
                                              names=names)))
    if not results and lists:
        results.append(Result(Outcome.PASSED, message=Msg.plural(lists, "{n} liste correctement balisée.",
                                                                 "{n} listes correctement balisées.")))
    return results[:MAX_FINDINGS]


_BULLET = re.compile(r"^\s*([-–—•·▪►*>])\s+\S")
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+\S")


# What marks the lines of a text laid out as a list (msgids: « précédées de {kind} »)
BULLETS, NUMBERS = N_("puces"), N_("numéros")
# The RGAA test of each kind of list: 9.3.1 unordered, 9.3.2 ordered, 9.3.3 description lists.
_LIST_TEST = {"ul": ("9.3.1",), "ol": ("9.3.2",), "dl": ("9.3.3",), BULLETS: ("9.3.1",), NUMBERS: ("9.3.2",)}


def _markers(lines: list[str]) -> str | None:
    """BULLETS or NUMBERS when at least two consecutive lines look like list items."""
    bullets = [_BULLET.match(line) for line in lines]
    for a, b in zip(bullets, bullets[1:], strict=False):
        if a and b and a.group(1) == b.group(1):
            return BULLETS
    numbers = [_NUMBER.match(line) for line in lines]
    for a, b in zip(numbers, numbers[1:], strict=False):
        if a and b and int(b.group(1)) == int(a.group(1)) + 1:
            return NUMBERS
    return None


def _lines(el) -> list[str]:
    """The text of a block split at its <br> elements."""
    parts, current = [], [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and tag(child) == "br":
            parts.append(norm("".join(current)))
            current = [child.tail or ""]
        else:
            current.append(child.text_content() if isinstance(child.tag, str) else "")
            current.append(child.tail or "")
    parts.append(norm("".join(current)))
    return [p for p in parts if p]


@check(
    id="rgaa-9.3-fake-list",
    title=N_("Les contenus présentés en liste sont balisés comme des listes"),
    failure=N_("Un contenu présenté en liste n'est pas balisé comme une liste"),
    description=N_("Des lignes qui commencent par un tiret, une puce ou un numéro (1., 2.) forment visuellement "
                   "une liste ; sans ul/ol, le lecteur d'écran n'annonce ni la liste ni le nombre d'éléments."),
    how_to_fix=N_("Balisez ces lignes avec ul et li (ou ol et li si l'ordre compte) et affichez les puces en CSS."),
    rgaa=("9.3.1", "9.3.2"), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
)
def fake_list(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None:
        return []
    results, reported = [], set()
    for el in body.iter("p", "div", "td", "dd"):
        if el in reported or not v.exposed(el) or any(tag(a) in ("ul", "ol", "pre", "code") for a in
                                                      el.iterancestors()):
            continue
        kind = _markers(_lines(el)) if any(tag(c) == "br" for c in el) else None
        if kind:
            reported.add(el)
            results.append(Result(Outcome.FAILED, element=el, rgaa_tests=_LIST_TEST[kind],
                                  message=Msg("Lignes séparées par des sauts de ligne et précédées de {kind}.",
                                              kind=Msg(kind))))
            continue
        if tag(el) != "p":
            continue
        run = [el]
        sibling = el.getnext()
        while sibling is not None and isinstance(sibling.tag, str) and tag(sibling) == "p":
            run.append(sibling)
            sibling = sibling.getnext()
        if len(run) >= 2 and not any(r in reported for r in run):
            kind = _markers([norm(r.text_content()) for r in run])
            if kind:
                reported.update(run)
                results.append(Result(Outcome.FAILED, element=el, rgaa_tests=_LIST_TEST[kind],
                                      message=Msg.plural(
                                          len(run), "{n} paragraphe consécutif, précédé de {kind}, forme une liste.",
                                          "{n} paragraphes consécutifs, dont certains précédés de {kind}, forment "
                                          "une liste.", kind=Msg(kind))))
    return results[:MAX_FINDINGS]


# --- 9.4 quotations -------------------------------------------------------------------------------------

# A quoted sentence introduced by a colon, as French typography does (Le maire a rappelé : « … . »);
# guillemets also mark titles and interface labels, which are not quotations: those are not reported.
_QUOTED = re.compile(r":\s*[«“]\s*([^«»“”]{30,400}?[.!?…])\s*[»”]")
MAX_QUOTES = 5


@check(
    id="rgaa-9.4-quotes",
    title=N_("Les citations sont balisées avec q ou blockquote"),
    failure=N_("Une citation n'est pas balisée"),
    description=N_("Une citation courte se balise avec q, un bloc de citation avec blockquote ; blockquote ne doit "
                   "pas servir à mettre du texte en retrait."),
    how_to_fix=N_("Entourez les citations courtes de <q>, les blocs de citation de <blockquote> ; utilisez CSS "
                  "pour les retraits."),
    rgaa=("9.4.1", "9.4.2"), wcag=("1.3.1",), impact=Impact.MINOR, evidence=("dom",),
    question=N_("S'agit-il bien d'une citation ? Une citation courte doit être dans un élément q, un bloc de "
                "citation dans un blockquote (et un blockquote ne doit contenir qu'une citation)."),
)
def quotes(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results = []
    for el in root.iter("q", "blockquote"):
        if v.exposed(el):
            results.append(Result(Outcome.CANT_TELL, element=el,
                                  rgaa_tests=("9.4.1",) if tag(el) == "q" else ("9.4.2",),
                                  message=Msg("Élément {element} : « {text} ».", element=tag(el),
                                              text=short(v.text(el), 100))))
    body = next((c for c in root if tag(c) == "body"), None)
    if body is not None:
        for el in body.iter("p", "li", "td", "dd", "figcaption"):
            if not v.exposed(el) or any(tag(a) in ("q", "blockquote") for a in el.iterancestors()):
                continue
            if any(tag(c) in ("q", "blockquote") for c in el.iter()):
                continue
            match = _QUOTED.search(el.text_content())
            if match and len(words(match.group(1))) >= 8 and len(results) < MAX_QUOTES:
                results.append(Result(Outcome.CANT_TELL, element=el,
                                      message=Msg("Passage entre guillemets : « {text} ».",
                                                  text=short(match.group(1), 100))))
    return results[:MAX_FINDINGS]

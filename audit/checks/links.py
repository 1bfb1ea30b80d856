"""RGAA theme 6, liens: explicit links (6.1) and links with a name (6.2).

A link's name (intitulé) follows the RGAA glossary: aria-labelledby, aria-label, content (text and image
alternatives), then title. RGAA judges a link explicit from its name *or* its context: the sentence or
paragraph around it, its list item (or a parent one), the heading before it, its table cell and that
cell's headers. So a vague name ("cliquez ici", "en savoir plus") fails 6.1 only when the link has no
context at all; with context, a person decides whether the context is enough. Links with the same
name and different destinations are asked about too: only their context can tell them apart.

Every other link gets no finding of its own (no flood): one page-level pass, never conclusive, says
how many links were looked at.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urldefrag, urljoin

from audit.checks import Evidence, Result, check
from audit.checks.exposure import BLOCK as BLOCK_TAGS
from audit.checks.exposure import View, dom_of, fold, norm, short, tag, unavailable, view, words
from audit.checks.images import bad_alternative
from audit.model import Impact, Outcome
from audit.words import N_, Msg

AMBIGUOUS = frozenset(fold(t) for t in (
    "cliquez ici", "cliquer ici", "clique ici", "cliquez", "cliquer", "ici", "là", "la", "en savoir plus",
    "savoir plus", "en savoir +", "+ d'infos", "+ d'info", "plus d'infos", "plus d'info", "plus d'informations",
    "plus d'information", "pour en savoir plus", "lire la suite", "lire plus", "en lire plus", "la suite", "suite",
    "voir", "voir plus", "voir la suite", "voir le détail", "voir les détails", "détail", "détails", "lien",
    "ce lien", "cette page", "cette adresse", "page", "accéder", "y accéder", "découvrir", "je découvre",
    "continuer", "consulter", "télécharger", "ouvrir", "aller", "go", "ok", "plus", "+", "»", "›", ">", "→",
    "click here", "click", "here", "read more", "more", "more info", "more information", "learn more", "details",
    "detail", "link", "this link", "this page", "continue reading", "continue", "see more", "view more", "view",
    "download", "open", "go to", "info", "infos", "information", "informations", "lire", "lien externe",
))
CONTEXT_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "figcaption", "caption", "blockquote",
                            "h1", "h2", "h3", "h4", "h5", "h6"})
IMAGE_TAGS = frozenset({"img", "svg", "object", "canvas", "embed", "area"})
MAX_FINDINGS = 40
LINK_ROLES = frozenset({"link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref"})


class LinkKind:
    TEXT = "text"
    IMAGE = "image"
    COMPOSITE = "composite"


@dataclass(frozen=True, slots=True)
class Link:
    element: object
    kind: str
    name: str
    target: str | None


def _is_image(el, v: View) -> bool:
    return tag(el) in IMAGE_TAGS or v.role(el) == "img"


def link_kind(el, v: View) -> str:
    has_image = False
    for child in el.iterdescendants():
        if isinstance(child.tag, str) and v.exposed(child) and _is_image(child, v):
            has_image = True
            break
    if not has_image:
        return LinkKind.TEXT
    text = _own_text(el, v)
    return LinkKind.COMPOSITE if words(text) else LinkKind.IMAGE


def _own_text(el, v: View) -> str:
    """Text of the link outside its images."""
    parts: list[str] = []

    def walk(node):
        if not v.exposed(node) or _is_image(node, v):
            return
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return norm(" ".join(parts))


@lru_cache(maxsize=8)
def links(root, base_url: str) -> tuple[Link, ...]:
    v = view(root)
    out = []
    for el in root.iter():
        t = tag(el)
        if not t:
            continue
        role = (el.get("role") or "").strip().lower().split()[:1]
        if role and role[0] in LINK_ROLES:
            role = ["link"]
        if t in ("a", "area") and el.get("href") is not None:
            if role and role != ["link"]:
                continue
        elif role != ["link"]:
            continue
        if t == "area":
            if not v.exposed(el.getparent() if el.getparent() is not None else el) or \
                    (el.get("aria-hidden") or "").lower() == "true":
                continue
        elif not v.exposed(el):
            continue
        href = (el.get("href") or "").strip()
        target = urldefrag(urljoin(base_url, href))[0] if href and not href.lower().startswith("javascript:") \
            else None
        out.append(Link(el, LinkKind.IMAGE if t == "area" else link_kind(el, v), v.name(el), target))
    return tuple(out)


# a link without a name, by kind: (the message, the message when the link has a destination)
UNNAMED = {
    LinkKind.IMAGE: (N_("Lien image dont l'image n'a pas d'alternative."),
                     N_("Lien image dont l'image n'a pas d'alternative (vers {target}).")),
    LinkKind.COMPOSITE: (N_("Lien sans intitulé."), N_("Lien sans intitulé (vers {target}).")),
    LinkKind.TEXT: (N_("Lien sans texte ni alternative."), N_("Lien sans texte ni alternative (vers {target}).")),
}


@check(
    id="rgaa-6.2-link-name",
    title=N_("Chaque lien a un intitulé"),
    failure=N_("Un lien n'a pas d'intitulé"),
    description=N_("Un lien sans intitulé (une image sans alternative, une icône, un lien vide) est annoncé par "
                   "son adresse ou comme « lien » : impossible de savoir où il mène."),
    how_to_fix=N_("Donnez un texte au lien ; pour un lien image, mettez dans l'alt de l'image la destination du "
                  "lien (alt=\"Accueil — Ville de …\") ; pour une icône, un texte masqué visuellement ou aria-label."),
    rgaa=("6.2.1",), wcag=("2.4.4", "4.1.2"), impact=Impact.CRITICAL, evidence=("dom",), conclusive=True,
)
def link_name(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    found = links(root, evidence.url)
    results = []
    for link in found:
        if not link.name:
            alone, towards = UNNAMED[link.kind]
            results.append(Result(Outcome.FAILED, element=link.element,
                                  message=Msg(towards, target=short(link.target, 80)) if link.target else alone))
    if not results and found:
        results.append(Result(Outcome.PASSED, message=Msg.plural(len(found), "{n} lien, avec un intitulé.",
                                                                 "{n} liens, tous avec un intitulé.")))
    return results[:MAX_FINDINGS]


def ambiguous(name: str) -> bool:
    raw = fold(name)
    stripped = re.sub(r"^[\W_]+|[\W_]+$", "", raw)
    return raw in AMBIGUOUS or stripped in AMBIGUOUS or (not stripped and bool(raw))


INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
                    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "label", "font"})


def _sentence(el, v: View) -> str:
    """The text around the link in its line of inline content (the sentence it sits in), link left out."""
    top = el
    container = el.getparent()
    while container is not None and tag(container) in INLINE:
        top, container = container, container.getparent()
    if container is None:
        return ""
    runs: list[list] = [[]]
    if container.text:
        runs[-1].append(container.text)
    current = None
    for child in container:
        if isinstance(child.tag, str) and (tag(child) in BLOCK_TAGS or tag(child) == "br"):
            runs.append([])
        elif isinstance(child.tag, str):
            if child is top:
                current = len(runs) - 1
            else:
                runs[-1].append(v.text(child))
        if child.tail:
            runs[-1].append(child.tail)
    if current is None:
        return ""
    text = norm(" ".join(runs[current]))
    return text if len(words(text)) >= 2 else ""


def context_of(el, v: View) -> str:
    """The link context the RGAA glossary lists, minus the link itself: enclosing sentence/paragraph, list
    item(s), table cell and its headers, and the heading before the link."""
    parts = []
    sentence = _sentence(el, v)
    if sentence:
        parts.append(sentence)
    for ancestor in el.iterancestors():
        t = tag(ancestor)
        if t in CONTEXT_BLOCKS:
            text = v.text(ancestor, skip=el)
            if words(text):
                parts.append(text)
            if t in ("td", "th"):
                parts.extend(_cell_headers(ancestor, v))
            if t not in ("li",):
                break
        if t in ("body", "main", "article", "section", "nav"):
            break
    heading = _previous_heading(el)
    if heading is not None and words(v.text(heading)):
        parts.append(v.text(heading))
    return norm(" | ".join(parts))


def _cell_headers(cell, v: View) -> list[str]:
    out = []
    ids = (cell.get("headers") or "").split()
    for ref in ids:
        target = v.by_id(ref)
        if target is not None:
            out.append(v.text(target))
    return [t for t in out if t]


def _previous_heading(el):
    """The nearest heading before the link in document order (h1-h6 or role="heading")."""
    found = el.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or "
                     "@role='heading'][1]")
    return found[0] if found else None


def _description(el, v: View, name: str) -> str:
    """What aria-describedby or a title adds to the name."""
    extra = []
    for ref in (el.get("aria-describedby") or "").split():
        target = v.by_id(ref)
        if target is not None and norm(target.text_content()):
            extra.append(norm(target.text_content()))
    title = norm(el.get("title"))
    if title and fold(title) not in fold(name):
        extra.append(title)
    return norm(" ".join(extra))


def _explicit_results(evidence: Evidence, kind: str) -> list[Result]:
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    found = links(root, evidence.url)
    named = [lk for lk in found if lk.name]
    by_name: dict[str, set[str]] = defaultdict(set)
    for link in named:
        if link.target:
            by_name[fold(link.name)].add(link.target)
    results = []
    mine = [lk for lk in named if lk.kind == kind]
    for link in mine:
        vague = ambiguous(link.name) or (kind == LinkKind.IMAGE and bad_alternative(link.name) is not None)
        targets = by_name.get(fold(link.name), set())
        twins = len(targets) - 1 if link.target in targets else len(targets)
        if not vague and twins <= 0:
            continue
        extra = _description(link.element, v, link.name)
        context = context_of(link.element, v)
        name = short(link.name, 60)
        if vague and not extra and not context:
            message = Msg.plural(twins + 1, "Intitulé « {name} » sans contexte qui précise sa destination ; {n} lien "
                                            "porte cet intitulé vers des destinations différentes.",
                                 "Intitulé « {name} » sans contexte qui précise sa destination ; {n} liens portent cet "
                                 "intitulé vers des destinations différentes.", name=name) if twins > 0 else \
                Msg("Intitulé « {name} » sans contexte qui précise sa destination.", name=name)
            results.append(Result(Outcome.FAILED, element=link.element, message=message))
            continue
        if vague and twins > 0:
            reason = Msg.plural(twins + 1, "Intitulé « {name} » peu explicite ; {n} lien porte cet intitulé vers des "
                                           "destinations différentes",
                                "Intitulé « {name} » peu explicite ; {n} liens portent cet intitulé vers des "
                                "destinations différentes", name=name)
        elif vague:
            reason = Msg("Intitulé « {name} » peu explicite", name=name)
        else:
            reason = Msg.plural(twins + 1, "Intitulé « {name} » partagé par {n} lien vers des destinations différentes",
                                "Intitulé « {name} » partagé par {n} liens vers des destinations différentes",
                                name=name)
        if context and extra:
            said = Msg("contexte : « {context} » ; description : « {description} »", context=short(context, 120),
                       description=short(extra, 80))
        elif context:
            said = Msg("contexte : « {context} »", context=short(context, 120))
        elif extra:
            said = Msg("description : « {description} »", description=short(extra, 80))
        else:
            said = Msg("aucun contexte")
        results.append(Result(Outcome.CANT_TELL, element=link.element,
                              message=Msg("{reason} ; {said}.", reason=reason, said=said)))
    results = results[:MAX_FINDINGS]
    if not results and mine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            len(mine), "{n} lien : aucun intitulé vague ni ambigu repéré ; sa pertinence reste à vérifier.",
            "{n} liens : aucun intitulé vague ni ambigu repéré ; leur pertinence reste à vérifier.")))
    return results


_EXPLICIT_FIX = N_("Rendez l'intitulé explicite à lui seul (« Demander un acte de naissance en ligne » plutôt que "
                   "« cliquez ici ») ; à défaut, placez le lien dans une phrase, un paragraphe ou un élément de "
                   "liste qui précise sa destination.")
_EXPLICIT_QUESTION = N_("L'intitulé de ce lien, complété par son contexte (phrase, paragraphe, élément de liste, "
                        "titre qui précède, cellule de tableau), permet-il de comprendre sa destination ? Des liens "
                        "de même intitulé vers des destinations différentes doivent se distinguer par leur contexte.")


@check(
    id="rgaa-6.1-link-text",
    title=N_("Chaque lien texte est explicite"),
    failure=N_("Un lien texte n'est pas explicite"),
    description=N_("L'intitulé d'un lien, seul ou avec son contexte, doit dire où il mène. « Cliquez ici », "
                   "« En savoir plus » ou « Lire la suite » ne le disent pas ; lus dans une liste de liens, ils sont "
                   "indiscernables."),
    how_to_fix=_EXPLICIT_FIX,
    rgaa=("6.1.1",), wcag=("2.4.4",), impact=Impact.SERIOUS, evidence=("dom",), question=_EXPLICIT_QUESTION,
)
def link_text(evidence: Evidence):
    return _explicit_results(evidence, LinkKind.TEXT)


@check(
    id="rgaa-6.1-link-image",
    title=N_("Chaque lien image est explicite"),
    failure=N_("Un lien image n'est pas explicite"),
    description=N_("L'intitulé d'un lien image est l'alternative de son image : elle doit dire la destination du "
                   "lien, pas décrire l'image (« logo », « image », un nom de fichier ne disent rien)."),
    how_to_fix=N_("Mettez dans l'alternative de l'image la destination ou la fonction du lien, par exemple "
                  "alt=\"Accueil — Ville de …\" pour le logo."),
    rgaa=("6.1.2",), wcag=("2.4.4", "1.1.1"), impact=Impact.SERIOUS, evidence=("dom",),
    question=_EXPLICIT_QUESTION,
)
def link_image(evidence: Evidence):
    return _explicit_results(evidence, LinkKind.IMAGE)


@check(
    id="rgaa-6.1-link-composite",
    title=N_("Chaque lien composite (texte et image) est explicite"),
    failure=N_("Un lien composite (texte et image) n'est pas explicite"),
    description=N_("L'intitulé d'un lien fait de texte et d'image combine le texte et l'alternative de l'image ; "
                   "ensemble, ils doivent dire la destination du lien."),
    how_to_fix=_EXPLICIT_FIX,
    rgaa=("6.1.3",), wcag=("2.4.4",), impact=Impact.SERIOUS, evidence=("dom",), question=_EXPLICIT_QUESTION,
)
def link_composite(evidence: Evidence):
    return _explicit_results(evidence, LinkKind.COMPOSITE)

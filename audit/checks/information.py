"""Criterion 3.1 (Couleurs): information must not be given by colour alone.

Two static signals, both leading to a question rather than a verdict (the snapshot has no computed styles):

- a text that points at a colour to convey something (« les champs en rouge sont obligatoires »,
  « les créneaux en vert sont disponibles »): test 3.1.2;
- links inside running text whose underline the page's own CSS removes (``<style>`` rules and ``style``
  attributes): test 3.1.1. Stylesheets loaded from files are not in the snapshot; axe-core's
  ``link-in-text-block`` (criterion 10.6) reads them in the browser.
"""

from __future__ import annotations

import re
from typing import Any

from audit.checks import Evidence, Result, check
from audit.checks.exposure import dom_of, fold, norm, short, tag, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

COLOURS = (r"rouges?|verte?s?|bleue?s?|oranges?|jaunes?|gris|grises?|violette?s?|roses?|noire?s?|marron|turquoise|"
           r"doree?s?|red|green|blue|yellow|grey|gray|purple|pink")
COLOUR_PHRASE = re.compile(
    rf"\b(?:(?:en|de couleur|couleur|in|colou?red)\s+(?:{COLOURS})"
    rf"|(?:champs|cases|zones|lignes|elements|dates|jours|creneaux|pastilles?|points|icones|boutons|liens|"
    rf"mentions|textes?|mots|fields|cells|items|dates|days|slots)\s+(?:{COLOURS}))\b")
INFO_WORDS = re.compile(
    r"\b(?:champs?|obligatoires?|erreurs?|indiqu\w*|signal\w*|marqu\w*|surlign\w*|affich\w*|apparai\w*|figur\w*|"
    r"correspond\w*|represent\w*|legende|disponibles?|complets?|fermee?s?|ouverte?s?|creneaux|jours|dates?|"
    r"options?|selection\w*|actifs?|valides?|invalides?|reserve\w*|modifi\w*|nouveau\w*|required|errors?|"
    r"available|indicates?|shown|marked|highlighted|mandatory)\b")
TEXT_BLOCKS = ("p", "li", "td", "th", "dd", "dt", "legend", "label", "caption", "figcaption", "small", "span", "div",
               "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "blockquote")
RUNNING_TEXT = frozenset({"p", "li", "dd", "td", "blockquote", "figcaption", "caption", "label"})
MIN_SURROUNDING = 20  # characters of non-link text that make a block "running text"


def colour_sentences(dom) -> list[tuple[Any, str]]:
    """(deepest text block, sentence) for each sentence that conveys something by naming a colour."""
    v = view(dom)
    hits: list[tuple[Any, str]] = []
    for el in dom.iter(*TEXT_BLOCKS):
        raw = el.text_content()
        if len(raw) > 600 or not COLOUR_PHRASE.search(fold(raw)):
            continue
        if not v.rendered(el):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", v.text(el)):
            folded = fold(sentence)
            if COLOUR_PHRASE.search(folded) and INFO_WORDS.search(folded):
                hits.append((el, norm(sentence)))
                break
    deepest = [(el, s) for el, s in hits if not any(other is not el and el in other.iterancestors()
                                                     for other, _ in hits)]
    return deepest


@check(
    id="rgaa-3.1-colour-text",
    title=N_("Aucune information n'est signalée uniquement par une couleur nommée dans le texte"),
    failure=N_("Une information n'est donnée que par la couleur"),
    description=N_("« Les champs en rouge sont obligatoires » : une personne qui ne perçoit pas les couleurs, ou "
                   "qui utilise un lecteur d'écran, ne sait pas quels champs sont concernés."),
    how_to_fix=N_("Doublez la couleur d'un autre moyen : un texte (« obligatoire »), un astérisque expliqué, une "
                  "icône avec alternative, une forme ou une position."),
    rgaa=("3.1.2",),
    wcag=("1.4.1",),
    impact=Impact.SERIOUS,
    question=N_("L'information désignée par cette couleur est-elle aussi donnée autrement (texte, icône, forme, position) ?"),
)
def colour_text(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    found = colour_sentences(dom)
    if not found:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucun texte de la page ne désigne une information par une couleur."))
        return
    for el, sentence in found[:10]:
        yield Result(Outcome.CANT_TELL, element=el,
                     message=Msg("Le texte « {text} » renvoie à une couleur.", text=short(sentence, 120)))


# --- links in running text ---------------------------------------------------------------------------------


def links_in_text(dom) -> list:
    """Links inside a paragraph-like block that has text of its own around them."""
    v = view(dom)
    out = []
    for a in dom.iter("a"):
        if a.get("href") is None or not v.rendered(a):
            continue
        block = next((anc for anc in a.iterancestors() if tag(anc) in RUNNING_TEXT), None)
        if block is None or any(tag(anc) in ("nav", "button") for anc in a.iterancestors()):
            continue
        text = v.text(block)
        for link in block.iter("a"):
            text = text.replace(v.text(link), "", 1)
        if len(norm(text)) >= MIN_SURROUNDING:
            out.append(a)
    return out


_SKIP_AT = re.compile(r"@(?:-webkit-)?(?:keyframes|font-face|page|counter-style|property)\b", re.I)


def css_rules(dom) -> list[tuple[str, str, int]]:
    """(selector, declarations, order) of every style rule of the page's <style> elements (not print)."""
    out: list[tuple[str, str, int]] = []
    for style in dom.iter("style"):
        media = (style.get("media") or "all").lower()
        if "print" in media and "screen" not in media:
            continue
        css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        _walk_css(css, out)
    return out


def _walk_css(css: str, out: list) -> None:
    i = 0
    while i < len(css):
        brace = css.find("{", i)
        if brace < 0:
            return
        prelude = css[i:brace].strip()
        depth, j = 1, brace + 1
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[brace + 1:j - 1]
        if prelude.startswith("@"):
            prelude = prelude.split(";")[-1].strip()
        if prelude.startswith("@"):
            if not _SKIP_AT.match(prelude) and "print" not in prelude.lower():
                _walk_css(body, out)
        elif prelude:
            for selector in prelude.split(","):
                out.append((selector.strip(), body, len(out)))
        i = j


def _decoration(body: str) -> str | None:
    """"none", "underline" or None (not set) for a declaration block."""
    values = re.findall(r"text-decoration(?:-line)?\s*:\s*([^;]+)", body, re.I)
    if not values:
        return None
    value = values[-1].lower()
    if "underline" in value:
        return "underline"
    if re.search(r"\bnone\b|^\s*0\s*$", value):
        return "none"
    return None


def _other_cue(body: str) -> str | None:
    """The visual cue other than colour a declaration block gives a link (a msgid: « graisse »…), or None."""
    body = body.lower()
    if re.search(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", body):
        return N_("graisse")
    if re.search(r"border-bottom\s*:\s*(?!none|0)[^;]*\w", body) or re.search(r"border-bottom-style\s*:\s*(?!none)\w", body):
        return N_("bordure inférieure")
    if re.search(r"background(?:-color)?\s*:\s*(?!none|transparent|inherit|initial)[^;]*\w", body):
        return N_("fond coloré")
    return None


def _matching(rules, dom):
    """{element: [(specificity, order, declarations)]} for the link states at rest (no :hover/:focus)."""
    try:
        from cssselect import HTMLTranslator, parse
    except ImportError:  # pragma: no cover - cssselect is a dependency of the check stage
        return {}
    translator = HTMLTranslator()
    out: dict[Any, list] = {}
    for selector, body, order in rules:
        if _decoration(body) is None and _other_cue(body) is None:
            continue
        if re.search(r":(?:hover|focus|focus-visible|focus-within|active|target)|::", selector):
            continue
        plain = re.sub(r":(?:link|visited|any-link)\b", "", selector)
        try:
            spec = parse(plain)[0].specificity()
            nodes = dom.xpath(translator.css_to_xpath(plain))
        except Exception:  # noqa: BLE001 - a selector cssselect or lxml cannot handle is skipped
            continue
        for node in nodes:
            if isinstance(node.tag, str):
                out.setdefault(node, []).append((spec, order, body))
    return out


def link_styles(dom, links: list) -> dict[Any, tuple[str | None, str | None]]:
    """For each link: (text-decoration that wins at rest, another visual cue) from the page's own CSS."""
    matched = _matching(css_rules(dom), dom)
    out = {}
    for a in links:
        rules = sorted(matched.get(a, []), key=lambda r: (r[0], r[1]))
        decoration, cue = None, None
        for _spec, _order, body in rules:
            decoration = _decoration(body) or decoration
            cue = _other_cue(body) or cue
        if a.get("style"):
            decoration = _decoration(a.get("style")) or decoration
            cue = _other_cue(a.get("style")) or cue
        out[a] = (decoration, cue)
    return out


@check(
    id="rgaa-3.1-links-colour",
    title=N_("Les liens dans le texte se distinguent autrement que par la couleur"),
    failure=N_("Des liens dans le texte ne se distinguent que par la couleur"),
    description=N_("Un lien placé dans un paragraphe, sans soulignement ni autre marque que sa couleur, est "
                   "invisible pour une personne qui perçoit mal les couleurs."),
    how_to_fix=N_("Gardez le soulignement des liens dans le texte (ne mettez pas text-decoration: none), ou ajoutez une autre marque visible (graisse, bordure, icône)."),
    rgaa=("3.1.1",),
    wcag=("1.4.1",),
    impact=Impact.SERIOUS,
    question=N_("Ces liens se distinguent-ils du texte qui les entoure autrement que par la couleur (soulignement, graisse, bordure, icône) ?"),
)
def links_colour(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    links = links_in_text(dom)
    if not links:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun lien placé dans un paragraphe ou un texte courant."))
        return
    styles = link_styles(dom, links)
    v = view(dom)
    bare = [a for a in links if styles[a] == ("none", None)]
    cued = [(a, styles[a][1]) for a in links if styles[a][0] == "none" and styles[a][1]]
    if bare:
        names = _quoted([short(v.text(a) or a.get("href", ""), 40) for a in bare[:6]])
        yield Result(Outcome.CANT_TELL, element=bare[0],
                     message=Msg.plural(len(bare), "La feuille de style de la page retire le soulignement de {n} lien "
                                                   "dans le texte : {links}.",
                                        "La feuille de style de la page retire le soulignement de {n} liens dans le "
                                        "texte : {links}.", links=names))
        return
    if cued:
        yield Result(Outcome.PASSED, message=Msg("Liens dans le texte sans soulignement mais avec une autre marque "
                                                 "({cues}).", cues=_cues(sorted({c for _, c in cued}))))
        return
    yield Result(Outcome.PASSED, message=Msg("D'après les styles de la page, les liens dans le texte ({n}) restent "
                                             "soulignés (feuilles de style externes non lues).", n=len(links)))


def _quoted(texts: list[str]) -> Msg:
    """« un », « deux »: names from the page, each in quotes, as a value of a message."""
    said = Msg("« {text} »", text=texts[0])
    for text in texts[1:]:
        said = Msg("{list}, « {text} »", list=said, text=text)
    return said


def _cues(cues: list[str]) -> Msg:
    """Visual cues (msgids of _other_cue) as one value: « bordure inférieure, graisse »."""
    said = Msg(cues[0])
    for cue in cues[1:]:
        said = Msg("{list}, {item}", list=said, item=Msg(cue))
    return said

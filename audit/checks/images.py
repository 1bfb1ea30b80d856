"""RGAA theme 1, images: alternatives present (1.1), decorative images ignored (1.2), relevant (1.3), images of
text (1.8: a question on the few informative images whose file name, shape or alternative suggest text).

Every image gets at most one finding that is not a pass, from the check that owns its case:

- no alternative at all → ``rgaa-1.1-img-alt`` fails (1.1.1); an empty ``alt`` alone → the same check asks
  whether the image really is decorative (if it carries information, 1.1.1 fails);
- marked decorative but also named (``alt=""`` or a presentation role with ``title`` or ``aria-label``), or an
  alternative that says "décoratif" → ``rgaa-1.2-decorative`` fails (1.2.1); ``aria-hidden="true"`` alone makes
  an image decorative whatever else it carries (1.2.1's second condition);
- a file name ("IMG_2034.jpg") or an empty word ("image", "logo", "photo") → ``rgaa-1.3-img-alt-relevant``
  fails (1.3.1); any other alternative → the same check asks the two questions a person must answer (is the
  image informative or decorative? is the alternative relevant and short?), once.

An image that is the only content of a link is judged as the link's name (RGAA glossary: "image porteuse
d'information", note 1): ``audit.checks.links`` handles it. Images hidden from everyone or from
assistive technologies (``aria-hidden``) are not judged here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from audit.checks import Evidence, Result, check, joined
from audit.checks.exposure import View, dom_of, fold, norm, short, tag, unavailable, view, words
from audit.model import Impact, Outcome
from audit.words import N_, Msg

# Alternatives that say nothing about the image (compared accent-free, lower case, punctuation stripped).
EMPTY_WORDS = frozenset(fold(w) for w in (
    "image", "images", "img", "photo", "photos", "photographie", "logo", "icone", "icône", "icon", "picto",
    "pictogramme", "picture", "pic", "graphique", "graphic", "illustration", "visuel", "vignette", "miniature",
    "thumbnail", "bannière", "banniere", "banner", "bandeau", "spacer", "transparent", "blank", "vide", "alt",
    "alternative", "texte alternatif", "alt text", "untitled", "sans titre", "null", "undefined", "none",
    "image sans titre", "photo sans titre", "insérer une image", "placeholder", "dummy", "x", "-", "_", ".",
    "*", "...", "…", "#", "image 1", "default", "défaut", "fichier", "file", "figure",
))
FILE_NAME = re.compile(r"(?i)^[\w\- .,()%~+'’]*\.(?:jpe?g|png|gif|svg|webp|avif|bmp|tiff?|ico|heic)$")
CAMERA_NAME = re.compile(r"(?i)^(?:img|dsc[nf]?|dscn|p|pxl|gopr|dji|image|photo|pict?|screenshot|capture"
                         r"(?: d'écran)?|scan|sans titre|untitled)[\s_\-]*\(?\d[\d_\-\s()]*\)?$")
SAYS_DECORATIVE = re.compile(r"(?i)\b(?:d[ée]corati(?:f|ve|on)s?|decorative|ornement(?:al|ale)?s?|"
                             r"s[ée]parateur|spacer)\b")
LONG_ALT = 150
MAX_PER_CHECK = 40


class Case(StrEnum):
    NO_ALTERNATIVE = "no_alternative"  # fails 1.1.1
    DECORATIVE = "decorative"  # marked decorative (alt="", aria-hidden, role=presentation): is it really?
    DECORATIVE_NAMED = "decorative_named"  # alt="" (or role none) plus title / aria-label: fails 1.2.1
    SAYS_DECORATIVE = "says_decorative"  # the alternative says the image is decorative: fails 1.2.1
    BAD_ALTERNATIVE = "bad_alternative"  # file name or empty word: fails 1.3.1
    ALTERNATIVE = "alternative"  # to verify: informative? relevant?
    LINK = "link"  # the image names a link or a button: judged there


@dataclass(frozen=True, slots=True)
class Image:
    element: object
    case: Case
    alternative: str  # the text alternative as assistive technologies get it
    source: str  # where it comes from: alt, aria-label, aria-labelledby, title, ""


def bad_alternative(text: str) -> Msg | None:
    """Why an alternative tells nothing (a file name, an empty word), as a finding's message, or None."""
    raw = norm(text)
    folded = fold(raw).strip(" .:;,!?-_()[]\"'«»")
    if FILE_NAME.match(raw):
        return Msg("« {alternative} » est un nom de fichier.", alternative=short(raw, 60))
    if CAMERA_NAME.match(raw):
        return Msg("« {alternative} » est un nom de fichier d'appareil photo.", alternative=short(raw, 60))
    if raw and (folded in EMPTY_WORDS or not re.search(r"\w", raw)):
        return Msg("« {alternative} » ne décrit pas l'image.", alternative=short(raw, 60))
    return None


def _alternative(el, v: View) -> tuple[str, str]:
    """(text, source) by RGAA 1.1.1's list: aria-labelledby, aria-label, alt, title."""
    labelled = v.labelledby_text(el) if el.get("aria-labelledby") else ""
    if labelled:
        return labelled, "aria-labelledby"
    if norm(el.get("aria-label")):
        return norm(el.get("aria-label")), "aria-label"
    if norm(el.get("alt")):
        return norm(el.get("alt")), "alt"
    if norm(el.get("title")):
        return norm(el.get("title")), "title"
    return "", ""


def _names_a_control(el, v: View) -> bool:
    """The image is the only content of a link or button (its alternative is that control's name)."""
    for ancestor in el.iterancestors():
        t = tag(ancestor)
        role = v.role(ancestor)
        if role in ("link", "button") or t in ("a", "button"):
            if t == "a" and ancestor.get("href") is None and not ancestor.get("role"):
                return False
            others = v.text(ancestor, skip=el)
            return not others
        if t in ("p", "li", "section", "article", "main", "body", "td", "th", "figure", "form", "nav"):
            return False
    return False


def classify(el, v: View) -> Image | None:
    """The case of one <img> or role="img" element; None when it is not judged here (hidden)."""
    if not v.rendered(el) or not v.exposed(el.getparent() if el.getparent() is not None else el):
        return None
    t = tag(el)
    role = (el.get("role") or "").strip().lower().split()
    role = role[0] if role else ""
    if role in ("presentation", "none") and el.get("tabindex") is not None:
        role = ""  # a focusable element keeps its role (ARIA presentational role conflict)
    hidden_itself = (el.get("aria-hidden") or "").strip().lower() == "true"
    text, source = _alternative(el, v)
    if t == "img":
        in_control = not hidden_itself and _names_a_control(el, v)
        if in_control and (text or el.get("alt") is not None):
            return Image(el, Case.LINK, text, source)
        if hidden_itself:
            # RGAA 1.2.1, second condition: aria-hidden="true" suffices, whatever else the image carries (its
            # title or aria-label never reaches assistive technologies)
            return Image(el, Case.DECORATIVE, "", "")
        if role in ("presentation", "none") or el.get("alt") == "":
            if norm(el.get("title")) or norm(el.get("aria-label")) or norm(el.get("aria-labelledby")):
                return Image(el, Case.DECORATIVE_NAMED, text, source)
            return Image(el, Case.DECORATIVE, "", "")
        if not text:
            return Image(el, Case.NO_ALTERNATIVE, "", "")
    else:  # an element with role="img"
        if hidden_itself:
            return Image(el, Case.DECORATIVE, "", "")
        labelled = v.labelledby_text(el) if el.get("aria-labelledby") else ""
        text = labelled or norm(el.get("aria-label"))
        source = "aria-labelledby" if labelled else ("aria-label" if text else "")
        if not text:
            return Image(el, Case.NO_ALTERNATIVE, "", "")
    if _names_a_control(el, v):
        return Image(el, Case.LINK, text, source)
    if SAYS_DECORATIVE.search(text):
        return Image(el, Case.SAYS_DECORATIVE, text, source)
    if bad_alternative(text):
        return Image(el, Case.BAD_ALTERNATIVE, text, source)
    return Image(el, Case.ALTERNATIVE, text, source)


@lru_cache(maxsize=8)
def images(root) -> tuple[Image, ...]:
    v = view(root)
    out = []
    for el in root.iter():
        t = tag(el)
        if t == "img" or (t and t not in ("svg", "input", "area", "object", "embed", "canvas", "iframe", "video",
                                          "audio") and
                          (el.get("role") or "").strip().lower().split()[:1] == ["img"]):
            found = classify(el, v)
            if found is not None:
                out.append(found)
    return tuple(out)


@check(
    id="rgaa-1.1-img-alt",
    title=N_("Chaque image porteuse d'information a une alternative textuelle"),
    failure=N_("Une image n'a pas d'alternative textuelle"),
    description=N_("Une image (élément img ou role=\"img\") sans attribut alt ni autre alternative est annoncée par "
                   "son nom de fichier, ou pas du tout. Une image à alt vide est ignorée, ce qui ne convient qu'à "
                   "une image décorative."),
    how_to_fix=N_("Donnez à chaque image porteuse d'information un attribut alt qui dit ce qu'elle apporte "
                  "(alt=\"Plan du centre-ville\"), et à chaque image décorative un alt vide (alt=\"\"). Pour un "
                  "élément role=\"img\", utilisez aria-label ou aria-labelledby."),
    rgaa=("1.1.1",), wcag=("1.1.1",), impact=Impact.CRITICAL, evidence=("dom",), conclusive=True,
    question=N_("Cette image est-elle vraiment décorative ? Si elle porte une information, elle doit avoir une "
                "alternative textuelle (alt non vide)."),
)
def img_alt(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    found = images(root)
    results, fine = [], 0
    for image in found:
        if image.case == Case.NO_ALTERNATIVE:
            what = N_("L'élément role=\"img\" n'a ni aria-label ni aria-labelledby.") \
                if tag(image.element) != "img" \
                else N_("L'image n'a pas d'attribut alt (ni aria-label, aria-labelledby ou title).")
            results.append(Result(Outcome.FAILED, element=image.element, message=what))
        elif image.case == Case.DECORATIVE:
            results.append(Result(Outcome.CANT_TELL, element=image.element,
                                  message=N_("Image marquée comme décorative (alternative vide) : à confirmer.")))
        elif image.case != Case.DECORATIVE_NAMED:
            fine += 1
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} image avec une alternative textuelle.",
                                                                 "{n} images avec une alternative textuelle.")))
    return results[:MAX_PER_CHECK]


@check(
    id="rgaa-1.2-decorative",
    title=N_("Les images décoratives sont ignorées par les technologies d'assistance"),
    failure=N_("Une image décorative n'est pas correctement ignorée"),
    description=N_("Une image décorative doit avoir un alt vide (ou aria-hidden=\"true\", ou role=\"presentation\") "
                   "et aucun title, aria-label ou aria-labelledby. Un alt vide accompagné d'un title est "
                   "contradictoire ; une alternative qui dit « décoratif » est lue pour rien."),
    how_to_fix=N_("Pour une image décorative : alt=\"\" et supprimez title, aria-label et aria-labelledby. Si "
                  "l'image porte une information, donnez-lui au contraire un alt qui la décrit."),
    rgaa=("1.2.1",), wcag=("1.1.1",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Cette image est-elle décorative ? Si oui, elle doit avoir un alt vide et ni title, ni aria-label, ni "
                "aria-labelledby."),
)
def decorative(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    results, fine = [], 0
    for image in images(root):
        el = image.element
        if image.case == Case.DECORATIVE_NAMED:
            extra = ", ".join(a for a in ("title", "aria-label", "aria-labelledby") if norm(el.get(a)))
            marked = Msg("alt vide") if el.get("alt") == "" else (
                "aria-hidden=\"true\"" if (el.get("aria-hidden") or "").lower() == "true"
                else Msg("role de présentation"))
            results.append(Result(Outcome.FAILED, element=el, message=Msg(
                "Image marquée décorative ({marked}) mais pourvue de {attributes} « {alternative} ».",
                marked=marked, attributes=extra or "alt",
                alternative=short(image.alternative or norm(el.get("alt")), 60))))
        elif image.case == Case.SAYS_DECORATIVE:
            results.append(Result(Outcome.FAILED, element=el, message=Msg(
                "L'alternative « {alternative} » indique une image décorative, qui devrait avoir un alt vide.",
                alternative=short(image.alternative, 60))))
        elif image.case == Case.DECORATIVE:
            fine += 1
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} image décorative correctement ignorée.",
                                                                 "{n} images décoratives correctement ignorées.")))
    return results[:MAX_PER_CHECK]


@check(
    id="rgaa-1.3-img-alt-relevant",
    title=N_("L'alternative de chaque image est pertinente et concise"),
    failure=N_("L'alternative d'une image n'est pas pertinente"),
    description=N_("Une alternative doit transmettre l'information de l'image, brièvement. Un nom de fichier "
                   "(« IMG_2034.jpg ») ou un mot vide (« image », « photo », « logo ») n'en transmet aucune."),
    how_to_fix=N_("Écrivez une alternative qui dit ce que l'image apporte dans son contexte (« Le pont d'Anjou "
                  "pendant les travaux ») ; si l'image est décorative, mettez alt=\"\"."),
    rgaa=("1.3.1", "1.3.9"), wcag=("1.1.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Cette image est-elle porteuse d'information ? Si oui, son alternative est-elle pertinente et "
                "concise ? Si elle est décorative, elle doit avoir un alt vide."),
)
def img_alt_relevant(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results = []
    for image in images(root):
        if image.case == Case.BAD_ALTERNATIVE:
            results.append(Result(Outcome.FAILED, element=image.element, rgaa_tests=("1.3.1",),
                                  message=bad_alternative(image.alternative) or ""))
        elif image.case == Case.ALTERNATIVE:
            long = len(image.alternative) > LONG_ALT
            said = short(image.alternative, 120)
            message = Msg.plural(len(image.alternative),
                                 "Alternative ({source}) : « {alternative} » ({n} caractère : est-elle concise ?).",
                                 "Alternative ({source}) : « {alternative} » ({n} caractères : est-elle concise ?).",
                                 source=image.source, alternative=said) if long \
                else Msg("Alternative ({source}) : « {alternative} ».", source=image.source, alternative=said)
            results.append(Result(Outcome.CANT_TELL, element=image.element,
                                  rgaa_tests=("1.3.1", "1.3.9") if long else ("1.3.1",), message=message))
    return results[:MAX_PER_CHECK]


# --- SVG, image buttons, image maps -----------------------------------------------------------------


def _svg_name(el, v: View) -> str:
    labelled = v.labelledby_text(el) if el.get("aria-labelledby") else ""
    if labelled:
        return labelled
    if norm(el.get("aria-label")):
        return norm(el.get("aria-label"))
    title = next((c for c in el if tag(c) == "title"), None)
    return norm(title.text_content()) if title is not None else ""


@check(
    id="rgaa-1.1-svg",
    title=N_("Chaque image vectorielle (svg) porteuse d'information a role=\"img\" et une alternative"),
    failure=N_("Une image vectorielle (svg) porteuse d'information n'a pas d'alternative"),
    description=N_("Un élément svg porteur d'information doit avoir role=\"img\" et une alternative (aria-label, "
                   "aria-labelledby ou un élément title enfant) ; un svg décoratif doit avoir aria-hidden=\"true\"."),
    how_to_fix=N_("Ajoutez role=\"img\" et aria-label=\"…\" (ou un <title> en premier enfant) au svg porteur "
                  "d'information ; mettez aria-hidden=\"true\" sur un svg décoratif."),
    rgaa=("1.1.5",), wcag=("1.1.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Ce svg est-il décoratif (il lui faut aria-hidden=\"true\") ou porteur d'information (il lui faut "
                "role=\"img\" et une alternative) ?"),
)
def svg_alt(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    v = view(root)
    results, fine = [], 0
    for el in root.iter("svg"):
        if any(tag(a) == "svg" for a in el.iterancestors()) or not v.exposed(el):
            continue
        if _names_a_control(el, v) and (el.get("role") or "").lower() != "img":
            continue  # an icon that is the whole content of a link or button: judged as its name
        role = (el.get("role") or "").strip().lower().split()[:1]
        name = _svg_name(el, v)
        if role == ["img"]:
            if not name:
                results.append(Result(Outcome.FAILED, element=el, message=N_(
                    "svg role=\"img\" sans aria-label, aria-labelledby ni élément title.")))
            else:
                fine += 1
        elif role in (["presentation"], ["none"]):
            fine += 1
        else:
            message = Msg("svg sans role=\"img\" ni aria-hidden=\"true\". Il a un nom (« {name} ») mais pas "
                          "role=\"img\".", name=short(name, 60)) if name \
                else N_("svg sans role=\"img\" ni aria-hidden=\"true\".")
            results.append(Result(Outcome.CANT_TELL, element=el, message=message))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} image svg avec role=\"img\" et une alternative.",
            "{n} images svg avec role=\"img\" et une alternative.")))
    return results[:MAX_PER_CHECK]


@check(
    id="rgaa-1.1-input-image",
    title=N_("Chaque bouton image (input type=\"image\") a une alternative"),
    failure=N_("Un bouton image (input type=\"image\") n'a pas d'alternative"),
    description=N_("Un bouton image sans alt est annoncé « Envoyer » ou par l'adresse de l'image : on ne sait pas "
                   "ce qu'il fait."),
    how_to_fix=N_("Ajoutez un attribut alt qui dit l'action du bouton, par exemple alt=\"Rechercher\"."),
    rgaa=("1.1.3",), wcag=("1.1.1", "4.1.2"), impact=Impact.CRITICAL, evidence=("dom",), conclusive=True,
)
def input_image(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    v = view(root)
    results, fine = [], 0
    for el in root.iter("input"):
        if (el.get("type") or "").strip().lower() != "image" or not v.exposed(el):
            continue
        text, _ = _alternative(el, v)
        if not text:
            results.append(Result(Outcome.FAILED, element=el,
                                  message=N_("Bouton image sans alt, aria-label, aria-labelledby ni title.")))
        else:
            fine += 1
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} bouton image avec une alternative.",
                                                                 "{n} boutons image avec une alternative.")))
    return results


@check(
    id="rgaa-1.3-input-image-relevant",
    title=N_("L'alternative de chaque bouton image dit son action"),
    failure=N_("L'alternative d'un bouton image ne dit pas son action"),
    description=N_("L'alternative d'un bouton image est son intitulé : elle doit dire ce que fait le bouton."),
    how_to_fix=N_("Remplacez l'alternative par l'action du bouton (« Rechercher », « Valider la commande »)."),
    rgaa=("1.3.3",), wcag=("1.1.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("L'alternative de ce bouton image dit-elle ce que fait le bouton ?"),
)
def input_image_relevant(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results = []
    for el in root.iter("input"):
        if (el.get("type") or "").strip().lower() != "image" or not v.exposed(el):
            continue
        text, source = _alternative(el, v)
        if not text:
            continue
        reason = bad_alternative(text)
        if reason:
            results.append(Result(Outcome.FAILED, element=el, message=reason))
        else:
            results.append(Result(Outcome.CANT_TELL, element=el, message=Msg(
                "Alternative ({source}) : « {alternative} ».", source=source, alternative=short(text))))
    return results


@check(
    id="rgaa-1.1-area",
    title=N_("Chaque zone cliquable d'image réactive (area) a une alternative"),
    failure=N_("Une zone cliquable d'image réactive (area) n'a pas d'alternative"),
    description=N_("Une zone area avec href est un lien : sans alt ni aria-label, elle n'a pas d'intitulé."),
    how_to_fix=N_("Ajoutez à chaque élément area un attribut alt qui dit sa destination."),
    rgaa=("1.1.2",), wcag=("1.1.1", "2.4.4"), impact=Impact.SERIOUS, evidence=("dom",), conclusive=True,
)
def area_alt(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    v = view(root)
    results, fine = [], 0
    for el in root.iter("area"):
        if el.get("href") is None or not v.exposed(el.getparent() if el.getparent() is not None else el):
            continue
        if (el.get("aria-hidden") or "").lower() == "true":
            continue
        labelled = v.labelledby_text(el) if el.get("aria-labelledby") else ""
        if norm(el.get("aria-label")) or norm(el.get("alt")):
            fine += 1
        elif labelled:  # a name, but not one of the alternatives RGAA 1.1.2 lists (alt, aria-label)
            results.append(Result(Outcome.CANT_TELL, element=el,
                                  message=Msg("Zone area nommée seulement par aria-labelledby (« {name} »).",
                                              name=short(labelled, 60)),
                                  question=N_("Cette zone est-elle restituée avec son intitulé par les lecteurs "
                                              "d'écran ? Le RGAA attend un attribut alt ou aria-label.")))
        else:
            results.append(Result(Outcome.FAILED, element=el, message=N_("Zone area avec href sans alt ni aria-label.")))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} zone cliquable avec une alternative.",
                                                                 "{n} zones cliquables avec une alternative.")))
    return results


# --- object images (1.1.6) ---------------------------------------------------------------------------

_CONTROL_TAGS = ("a", "button")
_WRAPPERS = ("p", "div", "span", "li", "figcaption")


def _is_control(el, v: View) -> bool:
    return (tag(el) == "a" and el.get("href") is not None) or tag(el) == "button" or \
        (tag(el) == "input" and (el.get("type") or "").lower() in ("button", "submit")) or \
        v.role(el) in ("link", "button")


def adjacent_control(el, v: View):
    """The link or button that immediately follows ``el`` in the code (RGAA glossary « lien ou bouton
    adjacent »): its next element with no text in between, or the first thing inside a wrapper that follows
    it (<p><a href="…">Version texte</a></p>). None when there is none."""
    if norm(el.tail):
        return None
    sibling = el.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):  # comments
        if norm(sibling.tail):
            return None
        sibling = sibling.getnext()
    if sibling is None or not v.rendered(sibling):
        return None
    if _is_control(sibling, v):
        return sibling
    if tag(sibling) in _WRAPPERS and not norm(sibling.text):
        first = next((c for c in sibling if isinstance(c.tag, str)), None)
        if first is not None and _is_control(first, v):
            return first
    return None


@check(
    id="rgaa-1.1-object",
    title=N_("Chaque image objet (object type=\"image/…\") a une alternative"),
    failure=N_("Une image objet (object type=\"image/…\") n'a pas d'alternative"),
    description=N_("Une image insérée par un élément object porte son alternative de l'une de ces façons : "
                   "role=\"img\" avec aria-label, aria-labelledby ou title ; un lien ou bouton placé juste après "
                   "l'élément, qui mène à un contenu alternatif ; un mécanisme qui remplace l'image par ce contenu."),
    how_to_fix=N_("Ajoutez role=\"img\" et aria-label=\"…\" à l'élément object, ou placez juste après lui un lien "
                  "vers une version textuelle du contenu de l'image."),
    rgaa=("1.1.6",), wcag=("1.1.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Cette image objet porte-t-elle une information ? Si oui, il lui faut role=\"img\" et une "
                "alternative, ou un lien adjacent vers un contenu alternatif."),
)
def object_alt(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    v = view(root)
    results, fine = [], 0
    for el in root.iter("object"):
        if not (el.get("type") or "").strip().lower().startswith("image/") or not v.exposed(el):
            continue
        if any(tag(a) == "object" for a in el.iterancestors()):
            continue
        labelled = v.labelledby_text(el) if el.get("aria-labelledby") else ""
        text = labelled or norm(el.get("aria-label")) or norm(el.get("title"))
        role = (el.get("role") or "").strip().lower().split()[:1]
        if text and role == ["img"]:
            fine += 1
            continue
        control = adjacent_control(el, v)
        if control is not None:
            results.append(Result(Outcome.CANT_TELL, element=el,
                                  message=Msg("Image objet suivie du lien ou bouton « {name} ».",
                                              name=short(v.text(control), 60)),
                                  question=N_("Le lien ou bouton placé juste après cette image objet mène-t-il à un "
                                              "contenu alternatif qui donne la même information que l'image ?")))
        elif text:
            results.append(Result(Outcome.FAILED, element=el, message=Msg(
                "Image objet avec une alternative (« {alternative} ») mais sans role=\"img\" : elle n'est pas "
                "annoncée comme une image.", alternative=short(text, 60))))
        else:
            results.append(Result(Outcome.CANT_TELL, element=el,
                                  message=N_("Image objet sans alternative (ni role=\"img\" avec aria-label, "
                                             "aria-labelledby ou title, ni lien adjacent).")))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} image objet avec role=\"img\" et une alternative.",
            "{n} images objet avec role=\"img\" et une alternative.")))
    return results[:MAX_PER_CHECK]


# --- images of text (1.8) ----------------------------------------------------------------------------

# Clues that an informative image shows text (RGAA 1.8, WCAG 1.4.5). Only images where text is likely are
# asked about, at most MAX_TEXT_IMAGES a page; every other image stays untested: this check never passes.
MAX_TEXT_IMAGES = 5
_TEXT_WORDS = ("bandeau", "banniere", "banner", "affiche", "flyer", "titre", "texte", "slogan", "infographi",
               "headline", "poster", "citation", "invitation", "lettrage", "typo")
_TEXT_TOKENS = frozenset({"text", "title", "quote", "tract", "annonce", "encart", "carton", "programme", "btn",
                          "bouton", "button", "cta", "promo"})
_NOT_TEXT = re.compile(r"logo|captcha|marque|blason|armoiries", re.I)
_DESCRIBES_PICTURE = re.compile(r"(?i)^(?:photo|photographie|portrait|vue|image|dessin|illustration|paysage)s?\b"
                                r"(?! (?:du |de l'|de la )?(?:texte|titre|affiche|bandeau|flyer|slogan))")
_MONTHS = ("janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january|"
           "february|march|april|june|july|august|september|october|november|december")
_ANNOUNCEMENT = re.compile(rf"\b\d{{1,2}}(?:er)? (?:{_MONTHS})\b|\b\d{{1,2}} ?h ?\d{{0,2}}\b|\d ?(?:%|€|euros?)"
                           r"|\b0\d(?:[ .]?\d\d){4}\b|\bwww\.|\b\w+\.(?:fr|com|org)\b")
_SENTENCE = re.compile(r"\w[.!?…](?:\s|$)|\w ?: \w|[«»“”\"]")
_LONG_TEXT_ALT = 80
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")


def _size(el) -> tuple[float, float] | None:
    """(width, height) in CSS pixels from the width/height attributes or an inline style, when both are known."""
    style = el.get("style") or ""
    out = []
    for side in ("width", "height"):
        m = re.search(rf"(?:^|;|\s){side}\s*:\s*(\d+(?:\.\d+)?)px", style, re.I)
        value = m.group(1) if m else None
        if value is None:
            attr = _PX.match(el.get(side) or "")
            value = attr.group(1) if attr else None
        if value is None or float(value) <= 0:
            return None
        out.append(float(value))
    return out[0], out[1]


def _file_name(el) -> str:
    src = el.get("src") or el.get("data-src") or el.get("data") or ""
    if src.startswith("data:"):
        return ""
    return src.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]


# where a word that suggests text was found: the clue, with that word or the file name
_WHERE = {"file": N_("nom de fichier « {value} »"), "attributes": N_("classe ou identifiant « {value} »"),
          "alternative": N_("alternative « {value} »")}


def text_clues(el, alternative: str) -> tuple[int, list[Msg]]:
    """How strongly an informative image seems to show text (a score) and the clues (messages)."""
    name = _file_name(el)
    attrs = " ".join(filter(None, [name, el.get("class"), el.get("id"), alternative]))
    if _NOT_TEXT.search(fold(attrs)):
        return 0, []  # logos, trade names and CAPTCHAs are RGAA 1.8's own exceptions
    score, clues = 0, []
    folded_alt = fold(alternative)
    where = {"file": fold(name), "attributes": fold(f"{el.get('class') or ''} {el.get('id') or ''}"),
             "alternative": folded_alt}
    for label, text in where.items():
        tokens = set(re.split(r"[^a-z0-9]+", text))
        hit = next((w for w in _TEXT_WORDS if w in text), None) or next((t for t in _TEXT_TOKENS if t in tokens
                                                                          and label != "alternative"), None)
        if hit:
            score += 2
            shown = short(name, 50) if label == "file" else hit
            clues.append(Msg(_WHERE[label], value=shown))
            break
    size = _size(el)
    if size and size[0] >= 4 * size[1]:
        score += 2
        clues.append(Msg("format large et bas ({width}×{height} px)", width=f"{size[0]:g}", height=f"{size[1]:g}"))
    if len(words(alternative)) >= 4 and _SENTENCE.search(alternative):
        score += 1
        clues.append(Msg("alternative en forme de phrase"))
    if len(alternative) >= _LONG_TEXT_ALT:
        score += 1
        clues.append(Msg.plural(len(alternative), "alternative longue ({n} caractère)",
                                "alternative longue ({n} caractères)"))
    if _ANNOUNCEMENT.search(folded_alt):
        score += 1
        clues.append(Msg("date, horaire, prix ou adresse dans l'alternative"))
    letters = [c for c in alternative if c.isalpha()]
    if len(words(alternative)) >= 2 and len(letters) >= 6 and all(c.isupper() for c in letters):
        score += 1
        clues.append(Msg("alternative en capitales"))
    if tag(el) == "input":
        score += 1
        clues.append(Msg("bouton image"))
    if _DESCRIBES_PICTURE.match(folded_alt):
        score -= 2  # "Photo de…": the alternative describes a picture, not words
    return score, clues


def text_images(root) -> list[tuple[object, str, str, tuple[str, ...], int, list[Msg]]]:
    """The informative images that may show text: (element, alternative, source, RGAA tests, score, clues)."""
    v = view(root)
    found = []
    for image in images(root):
        if image.case in (Case.ALTERNATIVE, Case.LINK) and image.alternative:
            found.append((image.element, image.alternative, image.source, ("1.8.1",)))
    for el in root.iter("input"):
        if (el.get("type") or "").strip().lower() == "image" and v.exposed(el):
            text, source = _alternative(el, v)
            if text and not bad_alternative(text):
                found.append((el, text, source, ("1.8.2",)))
    for el in root.iter("svg"):
        if any(tag(a) == "svg" for a in el.iterancestors()) or not v.exposed(el) or el.xpath(".//*[local-name()='text']"):
            continue  # an svg whose words are <text> elements is text already
        name = _svg_name(el, v)
        if name and not bad_alternative(name):
            found.append((el, name, "title" if not el.get("aria-label") else "aria-label", ("1.8.6",)))
    out = []
    for el, text, source, tests in found:
        score, clues = text_clues(el, text)
        if score >= 2:
            out.append((el, text, source, tests, score, clues))
    return out


@check(
    id="rgaa-1.8-image-text",
    title=N_("Les images texte porteuses d'information sont remplacées par du texte stylé"),
    failure=N_("Une image texte pourrait être remplacée par du texte stylé"),
    description=N_("Un texte affiché dans une image (bandeau, affiche, bouton dessiné) ne s'agrandit pas proprement, "
                   "ne change pas de couleurs ni d'espacement selon les réglages de la personne, et ne se traduit "
                   "pas. Seules les images dont le nom de fichier, le format ou l'alternative laissent penser "
                   "qu'elles contiennent du texte sont signalées ; les logos et noms de marque sont exclus."),
    how_to_fix=N_("Écrivez le texte en HTML et mettez-le en forme en CSS (polices, couleurs, fond) ; gardez "
                  "l'image pour le décor. Si l'image doit rester, proposez un mécanisme qui la remplace par du "
                  "texte stylé."),
    rgaa=("1.8.1", "1.8.2", "1.8.6"), wcag=("1.4.5",), impact=Impact.MODERATE, evidence=("dom",), quiet=True,
    question=N_("Cette image contient-elle du texte qui pourrait être écrit en HTML stylé (hors logo) ?"),
)
def image_text(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    found = text_images(root)
    order = {id(item[0]): i for i, item in enumerate(found)}
    chosen = sorted(sorted(found, key=lambda item: -item[4])[:MAX_TEXT_IMAGES], key=lambda item: order[id(item[0])])
    results = []
    others = len(found) - len(chosen)
    for i, (el, text, source, tests, _, clues) in enumerate(chosen):
        values = {"source": source, "alternative": short(text, 100), "clues": joined(clues)}
        if others > 0 and i == len(chosen) - 1:
            message = Msg.plural(others, "Alternative ({source}) : « {alternative} ». Indices d'un texte dans l'image : "
                                 "{clues}. ({n} autre image de la page présente les mêmes indices : à examiner "
                                 "aussi.)",
                                 "Alternative ({source}) : « {alternative} ». Indices d'un texte dans l'image : "
                                 "{clues}. ({n} autres images de la page présentent les mêmes indices : à examiner "
                                 "aussi.)", **values)
        else:
            message = Msg("Alternative ({source}) : « {alternative} ». Indices d'un texte dans l'image : {clues}.",
                          **values)
        results.append(Result(Outcome.CANT_TELL, element=el, rgaa_tests=tests, message=message))
    return results

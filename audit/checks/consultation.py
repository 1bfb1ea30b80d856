"""Theme 13 (Consultation) on HTML pages: time limits, new windows, downloadable documents, cryptic
content, flashes, moving content, orientation and complex gestures.

Static checks on the rendered DOM. The page's own ``<style>`` and inline scripts are read; stylesheets and
scripts loaded from files are not in the snapshot (axe-core's ``css-orientation-lock`` reads them for 13.9).
The documents themselves (PDF, office files) are checked by ``document.py`` on their own snapshots.

Meta refresh follows the HTML parsing rules and the W3C ACT rule bc659a (the first valid element wins; a
delay of 0 is an immediate redirect). RGAA asks 20 hours *at least* where ACT asks more than 20 hours: a
delay of exactly 72,000 s passes here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from audit.checks import Evidence, Result, check, listing
from audit.checks.exposure import dom_of, fold, norm, short, tag, view
from audit.checks.media import temporal_media
from audit.model import Impact, Outcome
from audit.words import N_, Msg

TWENTY_HOURS = 72000
OFFICE_EXT = re.compile(r"\.(pdf|docx?|odt|ods|odp|odg|xlsx?|pptx?|rtf|epub|pps|ppsx)(?:$|[?#])", re.I)
OFFICE_MIME = re.compile(r"application/(?:pdf|msword|vnd\.(?:openxmlformats|oasis\.opendocument|ms-excel|ms-powerpoint)"
                         r"|rtf|epub)", re.I)
ACCESSIBLE_VERSION = re.compile(r"\b(?:version (?:accessible|html|texte|textuelle|balisee|adaptee|web|en ligne)|"
                                r"format accessible|accessible version|html version|text version|facile a lire)\b")
CAROUSEL = re.compile(r"(?:^|[\s_-])(?:carousel|carrousel|slider|slideshow|diaporama|swiper|slick|splide|glide|"
                      r"owl-carousel|flexslider|bxslider|ticker|defilant|defilement)(?:$|[\s_-])", re.I)
PAUSE_WORDS = re.compile(r"\b(?:pause|arreter|arret|stop|stopper|suspendre|mettre en pause|lecture|play)\b")
MAP_CLASSES = re.compile(r"(?:^|\s)(?:leaflet-container|ol-viewport|mapboxgl-map|maplibregl-map|gm-style|"
                         r"esri-view|cesium-viewer)(?:$|\s)")
MAX_LISTED = 6


def inline_scripts(dom) -> str:
    """The code of the page's inline scripts and of its event handler attributes of load time."""
    parts = [s.text or "" for s in dom.iter("script") if not s.get("src")
             and (s.get("type") or "text/javascript").lower() in ("text/javascript", "module", "application/javascript",
                                                                  "")]
    body = dom.find(".//body")
    if body is not None and body.get("onload"):
        parts.append(body.get("onload"))
    return "\n".join(parts)


def page_css(dom) -> str:
    """The page's own CSS: <style> elements (comments removed) and style attributes."""
    parts = [re.sub(r"/\*.*?\*/", "", s.text or "", flags=re.S) for s in dom.iter("style")]
    parts.extend(f"[inline]{{{el.get('style')}}}" for el in dom.iter() if isinstance(el.tag, str) and el.get("style"))
    return "\n".join(parts)


def body_text(dom) -> str:
    body = dom.find(".//body")
    return view(dom).text(body) if body is not None else ""


# --- 13.1 time limits ------------------------------------------------------------------------------


def parse_refresh(content: str | None) -> tuple[int, str | None] | None:
    """(delay, url or None) of a meta refresh ``content``, or None when browsers ignore it (HTML spec)."""
    if content is None:
        return None
    text = content.lstrip(" \t\n\f\r")
    digits = re.match(r"\d*", text).group(0)
    rest = text[len(digits):]
    if not digits and not rest.startswith("."):
        return None
    delay = int(digits) if digits else 0
    rest = re.sub(r"^[\d.]*", "", rest)
    if not rest:
        return delay, None
    if rest[0] not in ";, \t\n\f\r":
        return None
    rest = rest.lstrip(" \t\n\f\r")
    if rest[:1] in (";", ","):
        rest = rest[1:]
    rest = rest.lstrip(" \t\n\f\r")
    if not rest:
        return delay, None
    m = re.match(r"url\s*=\s*", rest, re.I)
    if m:
        rest = rest[m.end():]
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        rest = rest[1:].split(quote, 1)[0]
    return delay, rest.strip() or None


def first_refresh(dom) -> tuple[Any, int, str | None] | None:
    for meta in dom.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        parsed = parse_refresh(meta.get("content"))
        if parsed is not None:
            return meta, parsed[0], parsed[1]
    return None


@check(
    id="rgaa-13.1-refresh",
    title=N_("Aucun rafraîchissement ni redirection automatique différé (meta refresh)"),
    failure=N_("La page se recharge ou redirige automatiquement après un délai"),
    description=N_("Une page qui se recharge ou redirige seule après quelques secondes interrompt la lecture et "
                   "fait perdre la position du lecteur d'écran. Une redirection doit être immédiate ; un "
                   "rechargement doit pouvoir être arrêté ou être espacé de vingt heures au moins."),
    how_to_fix=N_("Supprimez la balise <meta http-equiv=\"refresh\"> : faites la redirection côté serveur (HTTP 301) "
                  "ou proposez un bouton « Actualiser »."),
    rgaa=("13.1.1", "13.1.2"),
    wcag=("2.2.1",),
    impact=Impact.SERIOUS,
    question=N_("Cette redirection différée de plus de vingt heures peut-elle gêner la consultation ?"),
)
def meta_refresh(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        dom = evidence.source
        if dom is None:
            return
    found = first_refresh(dom)
    if found is None:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucune balise meta refresh valide dans la page."))
        return
    meta, delay, url = found
    here = urldefrag(evidence.url)[0]
    redirect = url is not None and urldefrag(urljoin(evidence.url, url))[0] != here
    tests = ("13.1.2",) if redirect else ("13.1.1",)
    target = short(url, 60) if redirect else None
    if delay == 0:
        yield Result(Outcome.PASSED, element=meta, rgaa_tests=tests,
                     message=Msg("La page redirige vers {url} immédiatement (délai 0).", url=target) if redirect
                     else N_("Délai de rafraîchissement nul."))
    elif delay >= TWENTY_HOURS:
        if redirect:
            yield Result(Outcome.CANT_TELL, element=meta, rgaa_tests=tests,
                         message=Msg("La page redirige vers {url} après {delay} s (plus de vingt heures) : pas "
                                     "immédiate au sens du test 13.1.2.", url=target, delay=delay))
        else:
            yield Result(Outcome.PASSED, element=meta, rgaa_tests=tests,
                         message=Msg("La page se recharge toutes les {delay} s, soit vingt heures au moins.",
                                     delay=delay))
    else:
        yield Result(Outcome.FAILED, element=meta, rgaa_tests=tests,
                     message=Msg("La page redirige vers {url} automatiquement après {duration} (test 13.1.2).",
                                 url=target, duration=_duration(delay)) if redirect
                     else Msg("La page se recharge automatiquement après {duration} (test 13.1.1).",
                              duration=_duration(delay)))


def _duration(seconds: int) -> Msg:
    if seconds < 120:
        return Msg.plural(seconds, "{n} seconde", "{n} secondes")
    if seconds < 7200:
        if seconds % 60:
            return Msg.plural(seconds // 60, "{n} minute {s} s", "{n} minutes {s} s", s=seconds % 60)
        return Msg.plural(seconds // 60, "{n} minute", "{n} minutes")
    return Msg.plural(seconds // 3600, "{n} heure", "{n} heures")


SCRIPT_REDIRECT = re.compile(r"(?:setTimeout|setInterval)\s*\([^;]{0,400}?(?:location(?:\.href)?\s*=|location\."
                             r"(?:replace|assign|reload)\s*\(|\.submit\s*\(\s*\))", re.S)
SESSION_WORDS = re.compile(r"\b(?:session (?:va |vont )?expir\w*|expiration de (?:votre|la) session|"
                           r"deconnecte\w* automatiquement|temps restant|il vous reste \d+ (?:minutes?|secondes?)|"
                           r"delai de \d+ minutes|session (?:will )?expire\w*|session timeout|time remaining)\b")
LOGOUT = re.compile(r"\b(?:se deconnecter|deconnexion|me deconnecter|log ?out|sign ?out)\b")


@check(
    id="rgaa-13.1-time-limits",
    title=N_("L'utilisateur contrôle les redirections par script et la durée de session"),
    failure=N_("Une limite de temps ne peut pas être contrôlée"),
    description=N_("Une redirection programmée par script ou une session qui expire doivent pouvoir être arrêtées, "
                   "prolongées, ou durer vingt heures au moins."),
    how_to_fix=N_("Prévenez avant l'expiration et proposez un bouton « Prolonger la session » (20 secondes au moins pour réagir), ou supprimez la limite."),
    rgaa=("13.1.3", "13.1.4"),
    wcag=("2.2.1",),
    impact=Impact.SERIOUS,
    question=N_("Cette page limite-t-elle le temps (redirection programmée, session qui expire) ? Si oui, peut-on "
                "arrêter, prolonger ou supprimer la limite (ou dure-t-elle vingt heures au moins) ?"),
)
def time_limits(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    reasons, tests = [], []
    if SCRIPT_REDIRECT.search(inline_scripts(dom)):
        reasons.append(Msg("un script programme une redirection ou un rechargement (test 13.1.3)"))
        tests.append("13.1.3")
    text = fold(body_text(dom))
    m = SESSION_WORDS.search(text)
    if m:
        reasons.append(Msg("la page parle de durée de session (« {words} », test 13.1.4)", words=m.group(0)))
        tests.append("13.1.4")
    v = view(dom)
    controls = (v.name(el) or v.text(el) or norm(el.get("value")) for el in dom.iter("a", "button", "input")
                if v.rendered(el))
    if any(LOGOUT.search(fold(c)) for c in controls):
        reasons.append(Msg("la page est dans un espace connecté (lien de déconnexion, test 13.1.4)"))
        tests.append("13.1.4")
    if not reasons:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucune redirection programmée dans les scripts de la page, "
                                                      "aucune mention de durée de session, pas d'espace connecté."))
        return
    yield Result(Outcome.CANT_TELL, message=Msg("À vérifier : {reasons}.", reasons=listing(reasons, len(reasons))),
                 rgaa_tests=tuple(tests))


# --- 13.2 new windows -------------------------------------------------------------------------------


@check(
    id="rgaa-13.2-new-window",
    title=N_("Aucune nouvelle fenêtre ne s'ouvre sans action de l'utilisateur"),
    failure=N_("Une nouvelle fenêtre s'ouvre sans action de l'utilisateur"),
    description=N_("Une fenêtre ouverte au chargement (pop-up) désoriente, surtout avec un lecteur d'écran ou un zoom fort."),
    how_to_fix=N_("N'ouvrez pas de fenêtre au chargement : affichez l'information dans la page, ou ouvrez-la sur un clic explicite."),
    rgaa=("13.2.1",),
    wcag=("3.2.1",),
    impact=Impact.SERIOUS,
    question=N_("Au chargement de la page, une nouvelle fenêtre ou un nouvel onglet s'ouvre-t-il sans action de votre part ?"),
)
def new_window(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    code = inline_scripts(dom)
    if re.search(r"\bwindow\.open\s*\(", code) or re.search(r"(?<![\w.])open\s*\(\s*['\"]https?:", code):
        yield Result(Outcome.CANT_TELL, message=N_("Un script de la page (ou l'attribut onload) appelle window.open."))
        return
    yield Result(Outcome.PASSED, message=N_("Aucune ouverture de fenêtre au chargement dans le code de la page "
                                            "(les scripts externes ne sont pas lus)."))


# --- 13.3 / 13.4 downloadable documents ----------------------------------------------------------------


def document_links(dom) -> list[tuple[Any, str]]:
    """(link, href) for each distinct office document a page offers for download."""
    v = view(dom)
    out, seen = [], set()
    for a in dom.iter("a", "area"):
        href = norm(a.get("href"))
        if not href or not v.rendered(a):
            continue
        if OFFICE_EXT.search(urldefrag(href)[0]) or OFFICE_MIME.search(a.get("type") or "") or (
                a.get("download") and OFFICE_EXT.search(a.get("download"))):
            key = urldefrag(href)[0]
            if key not in seen:
                seen.add(key)
                out.append((a, href))
    return out


def _link_text(a, dom) -> str:
    v = view(dom)
    return v.name(a) or v.text(a) or norm(a.get("title")) or norm(a.get("href"))


@check(
    id="rgaa-13.3-download-links",
    title=N_("Chaque document bureautique proposé au téléchargement est accessible ou a une version accessible"),
    failure=N_("Un document en téléchargement n'est pas accessible"),
    description=N_("PDF, documents Word, OpenDocument, tableurs… doivent être accessibles (balisés, titrés, langue "
                   "indiquée) ou avoir une version accessible, par exemple en HTML. Les PDF téléchargés pendant "
                   "l'audit sont vérifiés à part."),
    how_to_fix=N_("Produisez le document depuis un modèle à styles (titres, listes, alternatives), exportez un PDF "
                  "balisé avec titre et langue, vérifiez-le avec PAC ; ou publiez le contenu en HTML."),
    rgaa=("13.3.1",),
    wcag=("1.3.1",),
    impact=Impact.SERIOUS,
    question=N_("Ce document est-il accessible (vérifié avec PAC ou le vérificateur de l'éditeur), ou une version accessible est-elle proposée ?"),
)
def download_links(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    links = document_links(dom)
    if not links:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucun lien vers un document bureautique (PDF, Word, OpenDocument…)."))
        return
    for a, href in links:
        ext = (OFFICE_EXT.search(urldefrag(href)[0]) or OFFICE_EXT.search(a.get("download") or ""))
        # the extension, else the MIME type that made it a document (type="application/pdf")
        values = {"kind": ext.group(1).upper() if ext else norm(a.get("type")), "link": short(_link_text(a, dom), 70),
                  "href": short(href, 80)}
        if _accessible_version_near(a, dom):
            message = Msg("Document {kind} : « {link} » ({href}). Une version accessible est signalée à côté.", **values)
        else:
            message = Msg("Document {kind} : « {link} » ({href}).", **values)
        yield Result(Outcome.CANT_TELL, element=a, message=message)


def _accessible_version_near(a, dom) -> bool:
    block = a.getparent()
    for _ in range(2):
        if block is None:
            break
        if tag(block) in ("li", "p", "div", "td", "dd", "section", "article"):
            break
        block = block.getparent()
    text = view(dom).text(block) if block is not None else ""
    return bool(ACCESSIBLE_VERSION.search(fold(text)))


@check(
    id="rgaa-13.4-accessible-version",
    title=N_("La version accessible d'un document offre la même information"),
    failure=N_("La version accessible d'un document n'offre pas la même information"),
    description=N_("Quand un document a une version accessible (HTML, PDF balisé), elle doit donner toute l'information de l'original."),
    how_to_fix=N_("Mettez la version accessible à jour avec l'original à chaque publication."),
    rgaa=("13.4.1",),
    wcag=("1.3.1",),
    impact=Impact.MODERATE,
    question=N_("La version accessible proposée donne-t-elle la même information que le document original ?"),
)
def accessible_version(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    found = [(a, href) for a, href in document_links(dom) if _accessible_version_near(a, dom)]
    if not found:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun document proposé avec une version accessible dans la page."))
        return
    for a, _href in found:
        yield Result(Outcome.CANT_TELL, element=a, message=Msg("« {link} » a une version accessible signalée.",
                                                               link=short(_link_text(a, dom), 70)))


# --- 13.5 / 13.6 cryptic content --------------------------------------------------------------------------

ASCII_ART = "art ASCII"  # a cryptic bit: a <pre> drawing
EMOTICON = re.compile(r"(?<![\w:/])(?:[:;][-'o^]?[)(\]\[DPpO3/|\\*]+|<3|\^\^)(?![\w/])")


# emoji and pictographic symbols, one character each
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\U0001F000-\U0001F2FF"
                   "\u2B50\u2B55\u2934\u2935\u3030\u303D]")


def _cryptic_in(text: str) -> list[str]:
    found = EMOJI.findall(text)
    found.extend(EMOTICON.findall(text))
    return found


def cryptic_contents(dom) -> list[tuple[Any, list[str], str]]:
    """(element, the cryptic bits, how it is explained: "title", "aria-label" or "") for each text holder."""
    return list(_cryptic_contents(dom))


@lru_cache(maxsize=8)
def _cryptic_contents(dom) -> tuple[tuple[Any, list[str], str], ...]:
    v = view(dom)
    body = dom.find(".//body")
    if body is None:
        return []
    out = []
    for el in body.iter():
        t = tag(el)
        if not t or t in ("script", "style", "template", "noscript", "code", "kbd", "samp", "textarea") or not v.rendered(el):
            continue
        own = (el.text or "") + " " + " ".join(c.tail or "" for c in el)
        bits = _cryptic_in(own)
        if t == "pre" and not any(tag(c) == "code" for c in el.iter()):
            raw = el.text_content()
            lines = [ln for ln in raw.splitlines() if ln.strip()]
            symbols = sum(1 for c in raw if not c.isalnum() and not c.isspace())
            if len(lines) >= 3 and symbols >= 0.3 * max(1, len(raw.replace(" ", ""))):
                bits.append(ASCII_ART)
        if not bits:
            continue
        how = ""
        for node in [el, *el.iterancestors()]:
            if norm(node.get("title")):
                how = "title"
                break
            if norm(node.get("aria-label")) and (node.get("role") or "") == "img":
                how = "aria-label"
                break
        if el.get("aria-hidden") == "true" or not v.exposed(el):
            how = how or "masqué"
        out.append((el, bits, how))
        if len(out) >= 30:
            break
    return tuple(out)


def _bits(bits: list[str]) -> Msg:
    """The first four cryptic bits, a single character followed by its Unicode name (« 😀 (grinning face) »)."""
    names: list[str | Msg] = []
    for bit in list(dict.fromkeys(bits))[:4]:
        if bit == ASCII_ART:
            names.append(Msg("art ASCII"))
        elif len(bit) > 1:
            names.append(bit)
        elif unicodedata.name(bit, ""):
            names.append(f"{bit} ({unicodedata.name(bit).lower()})")
        else:
            names.append(Msg("{char} (symbole)", char=bit))
    return listing(names, 4, ", ")


@check(
    id="rgaa-13.5-cryptic",
    title=N_("Chaque contenu cryptique (émoticône, art ASCII) a une alternative"),
    failure=N_("Un contenu cryptique n'a pas d'alternative"),
    description=N_("Émoticônes, émojis et art ASCII sont lus caractère par caractère ou par un nom technique : "
                   "un attribut title ou le texte voisin doit en donner le sens."),
    how_to_fix=N_("Donnez le sens de l'émoticône : <span role=\"img\" aria-label=\"content\" title=\"content\">😀</span>, ou expliquez-la dans le texte voisin."),
    rgaa=("13.5.1",),
    wcag=("1.1.1",),
    impact=Impact.MINOR,
    question=N_("Le sens de ce contenu (émoticône, symbole, art ASCII) est-il donné par un attribut title ou par le texte voisin ?"),
)
def cryptic(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    found = [(el, bits, how) for el, bits, how in cryptic_contents(dom) if how != "masqué"]
    if not found:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucune émoticône, aucun émoji ni art ASCII exposé dans la "
                                                      "page."))
        return
    for el, bits, how in found:
        if how == "title":
            yield Result(Outcome.PASSED, element=el,
                         message=Msg("{bits} : un attribut title en donne le sens.", bits=_bits(bits)))
        else:
            yield Result(Outcome.CANT_TELL, element=el, message=Msg("Contenu cryptique : {bits}.", bits=_bits(bits)))


@check(
    id="rgaa-13.6-cryptic-alternative",
    title=N_("L'alternative de chaque contenu cryptique est pertinente"),
    failure=N_("L'alternative d'un contenu cryptique n'est pas pertinente"),
    description=N_("Le title ou le texte voisin doit donner le même sens que l'émoticône ou l'art ASCII."),
    how_to_fix=N_("Reformulez l'alternative pour qu'elle dise ce que le symbole exprime dans ce contexte."),
    rgaa=("13.6.1",),
    wcag=("1.1.1",),
    impact=Impact.MINOR,
    question=N_("L'attribut title ou le texte voisin donne-t-il bien le sens de ce contenu cryptique ?"),
)
def cryptic_alternative(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    found = [(el, bits, how) for el, bits, how in cryptic_contents(dom) if how != "masqué"]
    if not found:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucune émoticône, aucun émoji ni art ASCII exposé dans la "
                                                      "page."))
        return
    for el, bits, how in found:
        if how == "title":
            title = next((n.get("title") for n in [el, *el.iterancestors()] if norm(n.get("title"))), "")
            message = Msg("Contenu cryptique : {bits}. title : « {title} ».", bits=_bits(bits), title=short(title, 60))
        else:
            message = Msg("Contenu cryptique : {bits}.", bits=_bits(bits))
        yield Result(Outcome.CANT_TELL, element=el, message=message)


# --- 13.7 / 13.8 flashes and moving content ---------------------------------------------------------------


def _gif_images(dom) -> list:
    v = view(dom)
    return [img for img in dom.iter("img") if v.rendered(img)
            and (re.search(r"\.gif(?:$|[?#])", img.get("src") or "", re.I)
                 or (img.get("src") or "").startswith("data:image/gif"))]


def _css_animations(dom) -> list[str]:
    """Animation names (or « animation CSS ») the page's own CSS runs."""
    css = page_css(dom)
    names = re.findall(r"@(?:-webkit-)?keyframes\s+([\w-]+)", css)
    if not names and re.search(r"(?<![\w-])animation(?:-name)?\s*:\s*(?!none)[\w-]", css):
        names = ["animation CSS"]
    return names


def _infinite_animations(dom) -> list[str]:
    css = page_css(dom)
    out = []
    for m in re.finditer(r"(?<![\w-])animation\s*:\s*([^;}]*)", css):
        if "infinite" in m.group(1):
            out.append(short(norm(m.group(1)), 50))
    if re.search(r"animation-iteration-count\s*:\s*infinite", css):
        out.append("animation-iteration-count: infinite")
    return out


def _animated_svgs(dom) -> list:
    v = view(dom)
    return [svg for svg in dom.iter("svg") if v.rendered(svg)
            and any(tag(c) in ("animate", "animatetransform", "animatemotion", "set") for c in svg.iter())]


@check(
    id="rgaa-13.7-flash",
    title=N_("Les flashs et changements brusques de luminosité sont maîtrisés"),
    failure=N_("Un contenu provoque des flashs dangereux"),
    description=N_("Plus de trois flashs par seconde sur une surface importante peuvent déclencher des crises "
                   "d'épilepsie. Vidéos, GIF, animations SVG, canvas et animations CSS sont à regarder."),
    how_to_fix=N_("Limitez tout clignotement à moins de trois flashs par seconde, ou réduisez la surface concernée (moins de 21 824 pixels)."),
    rgaa=("13.7.1", "13.7.2", "13.7.3"),
    wcag=("2.3.1",),
    impact=Impact.CRITICAL,
    question=N_("Un de ces contenus provoque-t-il plus de trois flashs ou changements brusques de luminosité par seconde ?"),
)
def flashes(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    v = view(dom)
    items = []
    videos = [m for m in temporal_media(dom) if m.has_video]
    if videos:
        items.append(Msg.plural(len(videos), "{n} vidéo", "{n} vidéos"))
    gifs = _gif_images(dom)
    if gifs:
        items.append(Msg.plural(len(gifs), "{n} image GIF", "{n} images GIF"))
    canvases = [c for c in dom.iter("canvas") if v.rendered(c)]
    if canvases:
        items.append(Msg.plural(len(canvases), "{n} canvas", "{n} canvas"))
    svgs = _animated_svgs(dom)
    if svgs:
        items.append(Msg.plural(len(svgs), "{n} SVG animé", "{n} SVG animés"))
    animations = _css_animations(dom)
    if animations:
        items.append(Msg("animations CSS ({names})", names=", ".join(dict.fromkeys(animations[:4]))))
    if not items:
        yield Result(Outcome.INAPPLICABLE,
                     message=N_("Aucune vidéo, image GIF, canvas, SVG animé ni animation CSS dans la page."))
        return
    yield Result(Outcome.CANT_TELL, message=Msg("Contenus animés : {items}.", items=listing(items, len(items), ", ")))


def carousels(dom) -> list:
    """Outermost elements named like a carousel or a ticker (class, id, aria-roledescription)."""
    return list(_carousels(dom))


@lru_cache(maxsize=8)
def _carousels(dom) -> tuple:
    v = view(dom)
    out = []
    for el in dom.iter():
        t = tag(el)
        if not t or t in ("input", "html", "body") or (el.get("role") or "").lower() == "slider":
            continue
        names = " ".join([el.get("class") or "", el.get("id") or "", el.get("aria-roledescription") or ""])
        if CAROUSEL.search(names) or re.search(r"carousel|carrousel|diaporama", fold(el.get("aria-roledescription"))):
            if v.rendered(el) and not any(a in out for a in el.iterancestors()):
                out.append(el)
    return tuple(out)


def _has_pause(el, dom) -> bool:
    v = view(dom)
    for b in el.iter("button", "a", "input"):
        label = fold(v.name(b) or v.text(b) or b.get("value") or b.get("title") or "")
        if PAUSE_WORDS.search(label) or re.search(r"pause|stop|play", fold(b.get("class") or "")):
            return True
    return False


@check(
    id="rgaa-13.8-moving",
    title=N_("Chaque contenu en mouvement ou clignotant peut être contrôlé"),
    failure=N_("Un contenu en mouvement ne peut pas être arrêté"),
    description=N_("Un texte défilant, un carrousel automatique ou une animation qui dure plus de 5 secondes doit "
                   "pouvoir être arrêté et relancé (un bouton, pas seulement au survol ou au focus)."),
    how_to_fix=N_("Remplacez <marquee> par un texte fixe ; donnez aux carrousels et animations un bouton "
                  "« Pause » / « Lecture », ou ne les lancez pas automatiquement."),
    rgaa=("13.8.1", "13.8.2"),
    wcag=("2.2.2",),
    impact=Impact.SERIOUS,
    question=N_("Ce contenu bouge-t-il ou clignote-t-il seul plus de 5 secondes ? Si oui, peut-on l'arrêter et le "
                "relancer (ou le masquer) avec un bouton ?"),
)
def moving(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    v = view(dom)
    code = inline_scripts(dom) + " " + " ".join(el.get("onclick") or "" for el in dom.iter() if isinstance(el.tag, str))
    found = False
    for marquee in dom.iter("marquee"):
        if not v.rendered(marquee):
            continue
        found = True
        if re.search(r"\.stop\s*\(\s*\)", code):
            yield Result(Outcome.CANT_TELL, element=marquee, rgaa_tests=("13.8.1",),
                         message=N_("Texte défilant (marquee) ; un script de la page appelle stop()."),
                         question=N_("Un bouton permet-il d'arrêter et de relancer ce texte défilant ?"))
        else:
            yield Result(Outcome.FAILED, element=marquee, rgaa_tests=("13.8.1",),
                         message=Msg("Le texte « {text} » défile sans fin (marquee) et aucun moyen de l'arrêter "
                                     "n'est proposé (test 13.8.1).", text=short(v.text(marquee), 60)))
    css = page_css(dom)
    blinking = [b for b in dom.iter("blink") if v.rendered(b)]
    if blinking or re.search(r"text-decoration(?:-line)?\s*:[^;}]*\bblink\b", css):
        found = True
        yield Result(Outcome.CANT_TELL, element=blinking[0] if blinking else None, rgaa_tests=("13.8.2",),
                     message=N_("Texte marqué pour clignoter (blink) ; les navigateurs récents ne le font plus "
                                "clignoter."),
                     question=N_("Ce texte clignote-t-il dans les navigateurs utilisés ? Si oui, peut-on arrêter le "
                                 "clignotement ?"))
    for el in carousels(dom):
        found = True
        message = N_("Carrousel ou contenu défilant. Un bouton pause/arrêt semble présent.") if _has_pause(el, dom) \
            else N_("Carrousel ou contenu défilant. Aucun bouton pause/arrêt repéré.")
        yield Result(Outcome.CANT_TELL, element=el, message=message)
    for video in dom.iter("video"):
        if v.rendered(video) and video.get("autoplay") is not None and video.get("controls") is None:
            found = True
            message = N_("Vidéo lancée automatiquement en boucle, sans commandes natives.") \
                if video.get("loop") is not None else N_("Vidéo lancée automatiquement, sans commandes natives.")
            yield Result(Outcome.CANT_TELL, element=video, message=message)
    gifs = _gif_images(dom)
    if gifs:
        found = True
        names = [short((g.get("src") or "").rsplit("/", 1)[-1], 40) for g in gifs]
        yield Result(Outcome.CANT_TELL, element=gifs[0],
                     message=Msg.plural(len(names), "Image GIF : {names}.", "Images GIF : {names}.",
                                        names=listing(names, MAX_LISTED)),
                     question=N_("Ces images GIF sont-elles animées plus de 5 secondes ? Si oui, peut-on arrêter "
                                 "l'animation ?"))
    infinite = _infinite_animations(dom)
    if infinite:
        found = True
        yield Result(Outcome.CANT_TELL, message=Msg("Animations CSS sans fin : {animations}.",
                                                    animations=listing(infinite, 3)))
    if not found:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun texte défilant, clignotant, carrousel, vidéo automatique, "
                                                    "GIF ni animation CSS sans fin dans la page."))


# --- 13.9 orientation ------------------------------------------------------------------------------------


@check(
    id="rgaa-13.9-orientation",
    title=N_("Le contenu est consultable en portrait comme en paysage"),
    failure=N_("Le contenu est bloqué dans une orientation"),
    description=N_("La page ne doit pas imposer une orientation de l'écran (rotation CSS selon l'orientation, "
                   "screen.orientation.lock)."),
    how_to_fix=N_("Retirez les rotations liées à @media (orientation: …) et les appels à screen.orientation.lock ; adaptez la mise en page aux deux orientations."),
    rgaa=("13.9.1",),
    wcag=("1.3.4",),
    impact=Impact.SERIOUS,
    question=N_("En tournant l'écran (portrait puis paysage), le contenu reste-t-il consultable et complet ?"),
)
def orientation(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    css = page_css(dom)
    locked = []
    for m in re.finditer(r"@media[^{]*orientation\s*:\s*(portrait|landscape)[^{]*\{", css, re.I):
        block = css[m.end():m.end() + 2000]
        if re.search(r"transform\s*:[^;}]*rotate", block, re.I):
            locked.append(Msg("rotation CSS en {orientation}", orientation=m.group(1).lower()))
    if re.search(r"orientation\.lock\s*\(|lockOrientation\s*\(", inline_scripts(dom)):
        locked.append(Msg("appel à screen.orientation.lock"))
    if locked:
        yield Result(Outcome.CANT_TELL, message=Msg("Verrouillage possible de l'orientation : {locks}.",
                                                    locks=listing(locked, len(locked), ", ")))
    else:
        yield Result(Outcome.PASSED, message=N_("Aucun verrouillage d'orientation dans les styles et scripts de la page "
                                              "(axe-core css-orientation-lock lit les feuilles de style externes)."))


# --- 13.10 complex gestures --------------------------------------------------------------------------------

GESTURE_CODE = re.compile(r"touchmove|touchstart|pointermove|gesturestart|gesturechange|\bswipe|\bpinch|Hammer\s*\(")


@check(
    id="rgaa-13.10-gestures",
    title=N_("Les fonctions utilisables par un geste complexe le sont aussi par un geste simple"),
    failure=N_("Une fonction n'est utilisable que par un geste complexe"),
    description=N_("Balayage, pincement, glisser-déposer : chaque fonction doit aussi marcher avec un simple appui "
                   "(boutons précédent/suivant, zoom +/−)."),
    how_to_fix=N_("Ajoutez des boutons pour chaque geste : « Précédent » / « Suivant » pour un carrousel, « + » / « − » pour une carte, une alternative au glisser-déposer."),
    rgaa=("13.10.1", "13.10.2"),
    wcag=("2.5.1",),
    impact=Impact.SERIOUS,
    question=N_("Chaque fonction de ces contenus (balayer, pincer, faire glisser) est-elle aussi utilisable par un simple appui ou clic ?"),
)
def gestures(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    v = view(dom)
    items = []
    maps = [el for el in dom.iter() if isinstance(el.tag, str) and MAP_CLASSES.search(el.get("class") or "")
            and v.rendered(el)]
    if maps:
        items.append(Msg.plural(len(maps), "{n} carte interactive", "{n} cartes interactives"))
    found_carousels = carousels(dom)
    if found_carousels:
        items.append(Msg.plural(len(found_carousels), "{n} carrousel", "{n} carrousels"))
    draggable = [el for el in dom.iter() if isinstance(el.tag, str) and (el.get("draggable") or "").lower() == "true"
                 and v.rendered(el)]
    if draggable:
        items.append(Msg.plural(len(draggable), "{n} élément à faire glisser (draggable)",
                                "{n} éléments à faire glisser (draggable)"))
    handlers = [el for el in dom.iter() if isinstance(el.tag, str)
                and any(el.get(a) is not None for a in ("ontouchstart", "ontouchmove", "onpointermove", "ongesturestart"))]
    if handlers or GESTURE_CODE.search(inline_scripts(dom)):
        items.append(Msg("gestionnaires d'événements tactiles dans les scripts de la page"))
    if not items:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucune carte interactive, aucun carrousel, aucun élément à faire "
                                                    "glisser ni gestionnaire tactile dans la page."))
        return
    yield Result(Outcome.CANT_TELL, message=Msg("Contenus à gestes possibles : {items}.",
                                                items=listing(items, len(items), ", ")))

"""Consistent identification across the site (WCAG 3.2.4): a link to one page keeps one name from page to page.

RGAA 4.1.2 maps WCAG 3.2.4 only to criterion 11.3 (field labels, ``rgaa-11.3-consistent-labels``): links have no
RGAA test, so ``wcag-3.2.4-link-names`` declares none and its questions leave every RGAA test as it was.

A site check: each page is summarised as the (target, accessible name, link index) of its links — the target
absolute and without fragment, the name as assistive technologies get it (content with image alternatives,
aria-label, aria-labelledby, title). A target whose names are clearly different across the audited pages (not the
same words once case, accents, punctuation, small words and word order are set aside, and neither name's words
contained in the other's) raises one question on each page that links to it, on its first such link; when more
pages use one of two such names, only the pages using the other are asked about.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from audit.checks import Evidence, Result, SitePage, check, listing
from audit.checks.exposure import dom_of, fold, norm, short, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_TARGETS = 4  # targets listed in one page's message
MAX_NAMES = 4  # names listed for one target
_SMALL_WORDS = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "et", "a", "au", "aux", "en",
                          "sur", "pour", "vers", "the", "of", "to", "and", "for", "on"})
# Link texts that only make sense in their context ("en savoir plus"): their name varies with the context by design
_GENERIC = re.compile(r"^(?:en savoir plus|savoir plus|lire la suite|la suite|suite|lire plus|voir plus|voir|plus|"
                      r"plus d'infos?|plus d'informations?|details?|decouvrir|ici|cliquez ici|cliquer ici|lien|"
                      r"read more|more|learn more|see more|click here|here|\+|>|>>|→|»)$")


def _target(href: str | None, base: str) -> str | None:
    """The absolute address a link leads to, without fragment; None for anchors in the page, mailto:, javascript:…"""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    host = host[4:] if host.startswith("www.") else host
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def words_of(name: str) -> frozenset[str]:
    """A name's words for comparing names: lower case, no accents or punctuation, no small words, any order."""
    found = re.findall(r"\w+", fold(name))
    return frozenset(w for w in found if w not in _SMALL_WORDS) or frozenset(found)


def clearly_different(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two names share no reading: neither one's words are all in the other's."""
    return not (a <= b or b <= a)


def link_names(evidence: Evidence) -> tuple[tuple[str, str, int], ...]:
    """The page's links as (target, name, index of the link among the page's a[href]), one per distinct pair.

    Strings only (interned: the same menu on every page costs one copy), never an element or a tree."""
    root = dom_of(evidence)
    if root is None:
        return ()
    v = view(root)
    base = evidence.url
    seen: dict[tuple[str, str], int] = {}
    for index, el in enumerate(root.xpath("//a[@href] | //area[@href]")):
        target = _target(el.get("href"), base)
        if target is None or not v.exposed(el):
            continue
        name = norm(v.name(el))
        if not name:
            continue  # a link without a name is rgaa-6.2-link-name's
        visible = norm(v.text(el))
        own_label = el.get("aria-label") or el.get("aria-labelledby")
        if own_label and _GENERIC.match(fold(visible).strip(" .:…")) and fold(name) != fold(visible):
            continue  # « En savoir plus » named for its context by aria-label: its name is meant to differ
        key = (sys.intern(target), sys.intern(short(name, 120)))
        seen.setdefault(key, index)
    return tuple((target, name, index) for (target, name), index in seen.items())


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@check(
    id="wcag-3.2.4-link-names",
    title=N_("Un lien vers une même page porte le même intitulé d'une page à l'autre"),
    failure=N_("Des liens vers une même page portent des intitulés différents"),
    description=N_("Sur l'ensemble des pages auditées, les liens qui mènent à une même adresse sont comparés : des "
                   "intitulés nettement différents (autres mots, pas seulement un autre ordre, une autre casse ou "
                   "ponctuation) pour une même fonction empêchent de reconnaître le lien d'une page à l'autre. Le "
                   "RGAA ne couvre ce point que pour les étiquettes de champs (critère 11.3)."),
    how_to_fix=N_("Donnez le même intitulé aux liens qui remplissent la même fonction sur tout le site (« Contact » "
                  "partout, plutôt que « Nous écrire » ici et « Contact » ailleurs) ; si deux liens vers la même "
                  "page ont des rôles différents, leurs intitulés peuvent différer."),
    rgaa=(), wcag=("3.2.4",), impact=Impact.MINOR, evidence=("dom", "site"), scope="site", summary=link_names,
    question=N_("Ces liens qui mènent à la même page ont-ils la même fonction ? Si oui, leurs intitulés doivent "
                "être cohérents d'une page à l'autre."),
)
def link_names_consistent(pages: list[SitePage]) -> Iterator[Result]:
    uses: dict[str, list[tuple[SitePage, str, int]]] = defaultdict(list)
    for page in pages:
        for target, name, index in page.summary or ():
            uses[target].append((page, name, index))
    # page key -> (target, message part in French, index) -> the part (a Msg, said in the reader's language)
    flagged: dict[str, dict[tuple[str, str, int], Msg]] = defaultdict(dict)
    by_key = {page.snap.key: page for page in pages}
    for target, used in uses.items():
        groups: dict[frozenset[str], dict[str, tuple[str, int]]] = {}  # words -> page key -> (name, index)
        for page, name, index in used:
            groups.setdefault(words_of(name), {}).setdefault(page.snap.key, (name, index))
        keys = list(groups)
        for a in keys:
            others: dict[str, Msg] = {}
            for b in keys:
                # one name used in place of the other: on some pages a without b, on others b without a (a logo
                # « Ville de Test » and a menu « Accueil » both on every page are two consistent links); when more
                # pages use a than b, only b's pages depart from the usual name and are asked about
                if b == a or not clearly_different(a, b) or not set(groups[b]) - set(groups[a]) or \
                        len(groups[a]) > len(groups[b]):
                    continue
                where = sorted({_path(by_key[k].url) for k in set(groups[b]) - set(groups[a])})
                other = Msg("« {name} » ({pages})", name=short(next(iter(groups[b].values()))[0], 50),
                            pages=listing(where, 2, ", "))
                others[str(other)] = other
            if not others:
                continue
            alone = [k for k in groups[a] if not any(k in groups[b] for b in keys if b != a
                                                     and clearly_different(a, b))]
            for key in alone:
                name, index = groups[a][key]
                part = Msg("{path} : « {name} » ici, {others} ailleurs", path=_path(target), name=short(name, 50),
                           others=listing([others[k] for k in sorted(others)], MAX_NAMES, ", "))
                flagged[key][(target, str(part), index)] = part
    for key, found in flagged.items():
        page = by_key[key]
        items = sorted(found)
        first_index = min(index for _, _, index in items)
        selector = xpath = snippet = None
        evidence = page.evidence()
        root = dom_of(evidence)
        if root is not None:
            links = root.xpath("//a[@href] | //area[@href]")
            if first_index < len(links):
                element = links[first_index]
                selector, xpath, snippet = evidence.selector(element), evidence.xpath(element), evidence.snippet(element)
        evidence.release()
        targets = sorted({target for target, _, _ in items})
        parts = [found[item] for item in items]
        yield Result(Outcome.CANT_TELL, page=page.snap, selector=selector, xpath=xpath, snippet=snippet,
                     message=Msg.plural(len(targets),
                                        "{n} destination nommée différemment d'une page à l'autre : {links}.",
                                        "{n} destinations nommées différemment d'une page à l'autre : {links}.",
                                        links=listing(parts, MAX_TARGETS)))

"""Theme 12 — Navigation: navigation systems, skip link, tab order, keyboard traps.

The keyboard checks read the Tab walk made with real key presses during gather (audit/keyboard.py, probe
"tab_walk") and audit/probes/tab_order.js; the navigation systems are found in the rendered DOM of every
page of the run (a site check).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from audit.checks import Evidence, Result, SitePage, check, joined, probe_missing
from audit.checks.exposure import tag
from audit.keyboard import MAIN_RELATIONS, MEDIA_TAGS
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_LISTED = 5
MIN_BEFORE_MAIN = 3  # tabbable elements before the main content from which a skip link is clearly needed


def _walk(evidence: Evidence) -> dict[str, Any] | None:
    data = evidence.probe("tab_walk")
    return data if isinstance(data, dict) and "tabbables" in data else None


def _name(walk: dict[str, Any], element_id: int) -> Msg | str:
    """An element of the walk as a message names it: its accessible name in quotes, else its selector or tag."""
    element = walk.get("elements", {}).get(str(element_id)) or {}
    if element.get("name"):
        return Msg("« {name} »", name=element["name"])
    return element.get("s") or f"<{element.get('tag', '?')}>"


# the reason a probe gives for a page with nothing to reach with Tab (audit.keyboard.NO_TABBABLE), by its code
_REASONS = {"no_tabbable": N_("aucun élément de la page n'est atteignable avec la touche Tab")}


def _inapplicable(why: dict[str, Any]) -> Result:
    reason = Msg(_REASONS[why["code"]]) if why.get("code") in _REASONS else why.get("reason")
    return Result(Outcome.INAPPLICABLE, message=Msg("Non applicable : {reason}.", reason=reason))


def _selector(walk: dict[str, Any], element_id: int) -> str | None:
    return (walk.get("elements", {}).get(str(element_id)) or {}).get("s")


# --- 12.7 skip link ------------------------------------------------------------------------------

_SKIP_Q = N_("Un lien d'évitement ou d'accès rapide, visible au moins à la prise de focus, mène-t-il au contenu "
             "principal ?")
_CONTENT_NAME = re.compile(r"contenu|content|principal|main", re.I)
_WORKS = ("inside_target", "inside_main", "after_target")  # where the next Tab lands after activating the link


def _link(skip: dict[str, Any], start: bool = True) -> Msg:
    """The skip link as a message names it, at the start of a sentence or inside one."""
    if skip.get("name"):
        return Msg("Le lien « {name} »", name=skip["name"]) if start else Msg("le lien « {name} »", name=skip["name"])
    return Msg("Le lien d'évitement") if start else Msg("le lien d'évitement")


def _works(skip: dict[str, Any]) -> bool:
    """After activating the link, the next Tab starts from its target (or, with nothing focusable after the target,
    the page moved to the target)."""
    after = skip.get("after") or {}
    return after.get("where") in _WORKS or (after.get("where") == "nothing_after" and bool(after.get("hash"))
                                            and skip.get("relation") in MAIN_RELATIONS)


@check(
    id="rgaa-12.7-skip-link",
    title=N_("Un lien d'évitement mène au contenu principal"),
    failure=N_("Aucun lien d'évitement vers le contenu principal"),
    description=N_("Parmi les trois premiers éléments atteints avec Tab, on cherche un lien vers le contenu "
                   "principal (élément main) ; on l'active avec Entrée et on vérifie que la tabulation suivante "
                   "part bien du contenu principal."),
    how_to_fix=N_("Placez en tête de page un lien <a href=\"#contenu\">Aller au contenu</a> vers l'élément "
                  "<main id=\"contenu\">, visible au moins quand il reçoit le focus."),
    rgaa=("12.7.1",),
    wcag=("2.4.1",),
    impact=Impact.SERIOUS,
    evidence=("probe:tab_walk",),
    conclusive=True,
    question=_SKIP_Q,
)
def skip_link(evidence: Evidence) -> Iterator[Result]:
    walk = _walk(evidence)
    if walk is None:
        yield probe_missing(evidence, "tab_walk", _SKIP_Q)
        return
    if not walk.get("tabbables"):
        if isinstance(walk.get("inapplicable"), dict):  # nothing tabbable: said, with the reason
            yield _inapplicable(walk["inapplicable"])
        return
    skip = walk.get("skip_link")
    main = walk.get("main")
    before = walk.get("before_main")
    if skip is None:
        if main is None:
            yield Result(Outcome.CANT_TELL, message=N_("Aucun lien d'évitement parmi les premiers éléments, et pas "
                                                       "d'élément main pour situer le contenu principal."))
        elif not before:
            return  # nothing to bypass before the main content
        elif walk.get("main_link_elsewhere"):
            yield Result(Outcome.CANT_TELL, selector=walk["main_link_elsewhere"],
                         message=N_("Un lien vers le contenu principal existe, mais pas parmi les trois premiers "
                                    "éléments atteints au clavier."))
        elif before >= MIN_BEFORE_MAIN:
            yield Result(Outcome.FAILED, selector=main,
                         message=Msg.plural(before, "Aucun lien d'évitement parmi les premiers éléments atteints au "
                                                    "clavier, alors que {n} élément focalisable précède le contenu "
                                                    "principal.",
                                            "Aucun lien d'évitement parmi les premiers éléments atteints au clavier, "
                                            "alors que {n} éléments focalisables précèdent le contenu principal."))
        else:
            yield Result(Outcome.CANT_TELL, selector=main,
                         message=Msg.plural(before, "Pas de lien d'évitement ; {n} élément focalisable seulement "
                                                    "précède le contenu principal.",
                                            "Pas de lien d'évitement ; {n} éléments focalisables seulement "
                                            "précèdent le contenu principal."),
                         question=N_("Un lien d'évitement est-il utile sur cette page (contenus répétés avant le "
                                     "contenu principal) ?"))
        return
    selector = _selector(walk, skip["id"])
    link = _link(skip)
    if skip.get("fragment") is not None and not skip.get("target_exists"):
        yield Result(Outcome.FAILED, selector=selector,
                     message=Msg("{link} mène à l'ancre #{fragment}, qui n'existe pas dans la page.", link=link,
                                 fragment=skip["fragment"]))
        return
    if not skip.get("reached") or skip.get("navigated") or main is None:
        why = (Msg("il charge une autre page") if skip.get("navigated") else
               Msg("pas d'élément main pour situer le contenu principal") if main is None else
               Msg("il n'a pas pu être atteint avec Tab"))
        yield Result(Outcome.CANT_TELL, selector=selector,
                     message=Msg("{link} semble être un lien d'évitement, mais son fonctionnement n'a pas pu être "
                                 "vérifié ({why}).", link=link, why=why))
        return
    relation = skip.get("relation")
    if relation is not None and relation not in MAIN_RELATIONS:
        if skip.get("named") and _CONTENT_NAME.search(skip.get("name") or ""):
            yield Result(Outcome.FAILED, selector=selector,
                         message=Msg("{link} mène à {target}, qui n'est pas le contenu principal ({main}).",
                                     link=link, target=skip.get("target"), main=main))
        else:
            yield Result(Outcome.CANT_TELL, selector=selector,
                         message=Msg("{link} mène à {target}, pas au contenu principal ({main}).",
                                     link=link, target=skip.get("target"), main=main))
        return
    if _works(skip):
        yield Result(Outcome.PASSED, selector=selector,
                     message=Msg("{link} mène au contenu principal ; la tabulation repart bien de là.", link=link))
    else:
        yield Result(Outcome.CANT_TELL, selector=selector,
                     message=Msg("{link} mène au contenu principal, mais la tabulation suivante ne repart pas de là.",
                                 link=link))


@check(
    id="rgaa-12.7-skip-link-works",
    title=N_("Le lien d'évitement est visible au focus et fonctionne"),
    failure=N_("Le lien d'évitement est invisible au focus ou ne fonctionne pas"),
    description=N_("Le lien d'évitement trouvé parmi les premiers éléments doit apparaître à l'écran quand il "
                   "reçoit le focus, et la tabulation doit repartir de sa cible une fois qu'il est activé."),
    how_to_fix=N_("Affichez le lien à la prise de focus (par exemple .lien-evitement:focus { position: static } ou "
                  "left: 1rem) et donnez à sa cible un identifiant qui existe (<main id=\"contenu\">)."),
    rgaa=("12.7.2",),
    wcag=("2.4.1",),
    impact=Impact.SERIOUS,
    evidence=("probe:tab_walk",),
    question=N_("Le lien d'évitement est-il à la même place et dans le même ordre sur toutes les pages ?"),
)
def skip_link_works(evidence: Evidence) -> Iterator[Result]:
    walk = _walk(evidence)
    skip = walk.get("skip_link") if walk else None
    if not skip or not (skip.get("relation") in MAIN_RELATIONS or _CONTENT_NAME.search(skip.get("name") or "")):
        return  # no link to the main content among the first elements (12.7.1 says so)
    selector = _selector(walk, skip["id"])
    link = _link(skip)
    if skip.get("fragment") is not None and not skip.get("target_exists"):
        yield Result(Outcome.FAILED, selector=selector,
                     message=Msg("{link} mène à l'ancre #{fragment}, absente de la page : il ne fonctionne pas.",
                                 link=link, fragment=skip["fragment"]))
        return
    if not skip.get("reached"):
        return
    failed = False
    box = skip.get("box") or {}
    if box and not box.get("visible"):
        failed = True
        yield Result(Outcome.FAILED, selector=selector,
                     message=Msg("{link} reste invisible à l'écran quand il reçoit le focus.", link=link))
    where = (skip.get("after") or {}).get("where")
    if where == "before_target" and skip.get("relation") in MAIN_RELATIONS:
        failed = True
        yield Result(Outcome.FAILED, selector=selector,
                     message=Msg("Une fois {link} activé, la tabulation suivante ne part pas du contenu principal : "
                                 "le lien ne fonctionne pas au clavier.", link=_link(skip, start=False)))
    if not failed and box.get("visible") and _works(skip):
        yield Result(Outcome.PASSED, selector=selector,
                     message=Msg("{link} apparaît à la prise de focus et la tabulation repart de sa cible.",
                                 link=link))


# --- 12.8 tab order -------------------------------------------------------------------------------

_ORDER_Q = N_("L'ordre dans lequel le focus parcourt la page reste-t-il logique et cohérent avec le contenu ?")


@check(
    id="rgaa-12.8-tab-order",
    title=N_("L'ordre de tabulation suit l'ordre du contenu"),
    failure=N_("L'ordre de tabulation est incohérent"),
    description=N_("Un tabindex positif fait passer un élément avant ceux qui le précèdent dans le code ; le "
                   "parcours réel au clavier est aussi comparé à l'ordre du code."),
    how_to_fix=N_("Supprimez les tabindex positifs (gardez 0 ou -1) et placez les éléments dans le code dans "
                  "l'ordre où ils doivent être parcourus."),
    rgaa=("12.8.1",),
    wcag=("2.4.3",),
    impact=Impact.SERIOUS,
    evidence=("probe:tab_order", "probe:tab_walk"),
    question=_ORDER_Q,
)
def tab_order(evidence: Evidence) -> Iterator[Result]:
    order = evidence.probe("tab_order")
    if not isinstance(order, dict):
        yield probe_missing(evidence, "tab_order", _ORDER_Q)
        return
    if not order.get("count"):
        return
    doubtful = False
    for item in order.get("positive", []):
        if item.get("ahead"):
            doubtful = True
            yield Result(Outcome.CANT_TELL, selector=item["s"], snippet=item.get("snippet"),
                         message=Msg.plural(item["ahead"], "tabindex=\"{tabindex}\" : « {name} » reçoit le focus "
                                                           "avant {n} élément placé avant lui dans le code.",
                                            "tabindex=\"{tabindex}\" : « {name} » reçoit le focus avant {n} éléments "
                                            "placés avant lui dans le code.",
                                            tabindex=item["tabindex"], name=item.get("name") or item["s"]))
    walk = _walk(evidence)
    if walk is not None:
        elements = walk.get("elements", {})
        cycle = set((walk.get("trap") or {}).get("cycle", []))
        for a, b in walk.get("backward", []):
            ea, eb = elements.get(str(a), {}), elements.get(str(b), {})
            if ea.get("tabindex", 0) > 0 or eb.get("tabindex", 0) > 0 or (a in cycle and b in cycle):
                continue  # explained by a positive tabindex (above) or by a trap (12.9)
            doubtful = True
            yield Result(Outcome.CANT_TELL, selector=eb.get("s"),
                         message=Msg("Le focus revient en arrière dans le code : de {origin} à {target}.",
                                     origin=_name(walk, a), target=_name(walk, b)))
    if not doubtful:
        yield Result(Outcome.PASSED, message=Msg.plural(order["count"], "{n} élément focalisable parcouru dans "
                                                                        "l'ordre du code.",
                                                        "{n} éléments focalisables parcourus dans l'ordre du code."))


# --- 12.9 keyboard trap ---------------------------------------------------------------------------

_TRAP_Q = N_("Peut-on toujours quitter ce composant au clavier (Tab, Maj+Tab ou une touche indiquée à "
             "l'utilisateur) ?")
_INSTRUCTIONS = re.compile(
    r"\b(ctrl|control|contr[ôo]le|alt|maj|shift|[ée]chap|escape|esc|touches?|keys?|keyboard|clavier|how to|"
    r"comment|help|aide|instructions?|fermer|close|quitter|sortir|exit|leave|annuler|cancel)\b", re.I)


@check(
    id="rgaa-12.9-keyboard-trap",
    title=N_("Pas de piège au clavier"),
    failure=N_("Piège au clavier : le focus ne peut plus sortir d'un composant"),
    description=N_("La page est parcourue avec la touche Tab depuis le début. Si le focus tourne en boucle entre "
                   "quelques éléments sans atteindre les autres ni sortir de la page, et que ni Maj+Tab ni Échap "
                   "ne l'en sortent, c'est un piège."),
    how_to_fix=N_("Ne capturez pas la touche Tab (preventDefault) hors d'une fenêtre modale ; si un composant "
                  "retient le focus, prévoyez une sortie clavier (Échap) et indiquez-la à l'utilisateur."),
    rgaa=("12.9.1",),
    wcag=("2.1.2",),
    impact=Impact.CRITICAL,
    evidence=("probe:tab_walk",),
    question=_TRAP_Q,
)
def keyboard_trap(evidence: Evidence) -> Iterator[Result]:
    walk = _walk(evidence)
    if walk is None:
        yield probe_missing(evidence, "tab_walk", _TRAP_Q)
        return
    if not walk.get("tabbables"):
        if isinstance(walk.get("inapplicable"), dict):  # nothing tabbable: said, with the reason
            yield _inapplicable(walk["inapplicable"])
        return
    trap = walk.get("trap")
    if trap is None:
        if walk.get("exited"):
            yield Result(Outcome.PASSED, message=Msg.plural(
                walk.get("reached") or 0, "Le parcours au clavier traverse {n} élément atteint et sort de la page.",
                "Le parcours au clavier traverse les {n} éléments atteints et sort de la page."))
        else:
            yield Result(Outcome.PASSED, message=Msg.plural(
                walk.get("steps") or 0, "Aucun piège dans la première tabulation (parcours incomplet).",
                "Aucun piège dans les {n} premières tabulations (parcours incomplet)."))
        return
    elements = walk.get("elements", {})
    cycle = list(trap.get("cycle", []))
    if cycle:  # name the loop from its first element in the document
        start = min(range(len(cycle)), key=lambda k: ((elements.get(str(cycle[k])) or {}).get("dom", -1) % 10**6))
        cycle = cycle[start:] + cycle[:start]
    names = joined([_name(walk, i) for i in cycle[:MAX_LISTED]])
    selector = _selector(walk, cycle[0]) if cycle else None
    outside = trap.get("outside", 0)
    escape = trap.get("escape") or {}
    text = " ".join([trap.get("text") or ""] + [(elements.get(str(i)) or {}).get("name") or "" for i in cycle])
    doubt = None
    if any((elements.get(str(i)) or {}).get("tag") in MEDIA_TAGS for i in cycle):
        doubt = Msg("le focus tourne dans un cadre ou un lecteur média")
    elif not trap.get("confirmed"):
        doubt = Msg("la boucle ne se reproduit pas quand on recommence lentement")
    elif escape.get("shift_tab"):
        doubt = Msg("Maj+Tab permet d'en sortir vers l'arrière")
    elif escape.get("escape"):
        doubt = Msg("la touche Échap libère le focus ; l'utilisateur en est-il informé ?")
    elif trap.get("dialog"):
        doubt = Msg("le focus est retenu dans une fenêtre modale ; peut-on la fermer au clavier ?")
    elif len(cycle) > 1 and trap.get("momentary"):
        doubt = Msg("le focus atteint d'autres éléments avant qu'un script le ramène dans la boucle")
    elif _INSTRUCTIONS.search(text):
        doubt = Msg("un texte voisin semble indiquer comment en sortir")
    if doubt:
        yield Result(Outcome.CANT_TELL, selector=selector,
                     message=Msg("Le focus tourne en boucle entre {names} ({doubt}).", names=names, doubt=doubt))
        return
    yield Result(Outcome.FAILED, selector=selector,
                 message=Msg.plural(outside, "Piège au clavier : le focus tourne en boucle entre {names} sans atteindre "
                                             "{n} autre élément ni sortir de la page ; Maj+Tab et Échap n'en sortent "
                                             "pas.",
                                    "Piège au clavier : le focus tourne en boucle entre {names} sans atteindre les {n} "
                                    "autres éléments ni sortir de la page ; Maj+Tab et Échap n'en sortent pas.",
                                    names=names))


# --- 12.1 navigation systems (site) -----------------------------------------------------------------

_SITEMAP = re.compile(r"plan\s+(du|de)\s+site|sitemap|site\s*map", re.I)
_SITEMAP_HREF = re.compile(r"plan[-_]?du[-_]?site|sitemap(?!\.xml)", re.I)
_SEARCH = re.compile(r"recherch|search", re.I)
_NOT_MENU = re.compile(r"ariane|breadcrumb|pagination|pager|chemin", re.I)
_SYSTEMS = {"menu": N_("un menu de navigation"), "search": N_("un moteur de recherche"),
            "sitemap": N_("un plan du site")}


def _host(url: str | None) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _same_site(href: str, page_host: str) -> bool:
    """A link to the audited site: relative, or to the page's host (with or without www.)."""
    href = (href or "").strip()
    if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel):", href):
        return False
    if href.startswith("//"):
        href = "http:" + href
    host = _host(href) if re.match(r"(?i)[a-z][a-z0-9+.-]*:", href) else page_host
    return not page_host or host == page_host


def _roles(el) -> list[str]:
    return (el.get("role") or "").strip().lower().split()


def _site_links(el, page_host: str) -> int:
    return sum(1 for a in el.xpath(".//a[@href]") if _same_site(a.get("href"), page_host))


def _menu(root, page_host: str) -> bool:
    """A navigation menu (RGAA glossary: a list of links to navigate the site): a nav or role="navigation"
    region, a menubar, or a list of links in the page header, with at least two links to the site."""
    candidates = root.xpath("//nav | //*[@role]")
    for el in candidates:
        roles = _roles(el)
        if tag(el) != "nav" and not {"navigation", "menubar", "menu"} & set(roles[:1]):
            continue
        label = " ".join(filter(None, [el.get("aria-label"), el.get("class"), el.get("id")]))
        if _NOT_MENU.search(label):
            continue
        if _site_links(el, page_host) >= 2:
            return True
    for header in root.xpath("//header | //*[@role='banner']"):
        if any(tag(a) in ("main", "article", "section") for a in header.iterancestors()):
            continue  # the header of an article, not of the page
        for ul in header.xpath(".//ul | .//ol"):
            label = " ".join(filter(None, [ul.get("aria-label"), ul.get("class"), ul.get("id")]))
            if not _NOT_MENU.search(label) and _site_links(ul, page_host) >= 3:
                return True
    return False


def navigation_systems(root, url: str | None = None) -> set[str]:
    """The navigation systems a rendered page offers: menu, search, sitemap (a link to the site's own plan,
    or the plan page itself). ``url``: the page's address, to tell links to the site from links elsewhere."""
    page_host = _host(url)
    found: set[str] = set()
    if _menu(root, page_host):
        found.add("menu")
    if root.xpath("//*[@role='search'] | //input[@type='search']"):
        found.add("search")
    else:
        for form in root.xpath("//form"):
            attrs = " ".join(filter(None, [form.get("action"), form.get("id"), form.get("class"),
                                           form.get("aria-label")]))
            names = " ".join(i.get("name") or "" for i in form.xpath(".//input"))
            if _SEARCH.search(attrs) or re.search(r"\b(q|s|query|search|recherche)\b", names):
                found.add("search")
                break
    for link in root.xpath("//a[@href]"):
        text = " ".join(link.text_content().split())
        href = link.get("href", "")
        if (_SITEMAP.search(text) or _SITEMAP_HREF.search(href)) and _same_site(href, page_host):
            found.add("sitemap")
            break
    else:
        title = " ".join(root.xpath("string(//title)").split()) + " " + " ".join(root.xpath("string(//h1)").split())
        if _SITEMAP.search(title):
            found.add("sitemap")
    return found


def _systems(evidence: Evidence) -> set[str] | None:
    """The page's navigation systems for rgaa-12.1-navigation-systems; None for a journey step or an HTTP error."""
    if evidence.dom is None or evidence.snap.journey is not None or (evidence.snap.status or 200) >= 400:
        return None
    return navigation_systems(evidence.dom, evidence.url)


@check(
    id="rgaa-12.1-navigation-systems",
    title=N_("Le site offre deux systèmes de navigation"),
    failure=N_("Le site n'offre pas deux systèmes de navigation"),
    description=N_("Sur les pages auditées (hors étapes de démarche), on cherche un menu de navigation (nav avec des "
                   "liens), un moteur de recherche (formulaire de recherche) et un plan du site (lien ou page) ; "
                   "il en faut deux au moins."),
    how_to_fix=N_("Proposez au moins deux moyens parmi : un menu de navigation, un moteur de recherche interne et "
                  "une page « Plan du site » liée depuis chaque page (souvent en pied de page)."),
    rgaa=("12.1.1",),
    wcag=("2.4.5",),
    impact=Impact.MODERATE,
    evidence=("dom", "site"),
    question=N_("Ces systèmes de navigation sont-ils présents et fonctionnels sur chaque ensemble de pages ?"),
    scope="site",
    summary=_systems,
)
def site_navigation(pages: list[SitePage]) -> Iterator[Result]:
    checked = [(p, p.summary) for p in pages if p.summary is not None]
    if not checked:
        return
    everywhere = set.intersection(*(found for _, found in checked))
    anywhere = set.union(*(found for _, found in checked))
    home = checked[0][0]
    if len(checked) == 1:
        found = checked[0][1]
        yield Result(Outcome.CANT_TELL, page=home.snap,
                     message=Msg("Une seule page auditée ({systems}) : impossible de juger l'ensemble du site.",
                                 systems=_describe(found)))
        return
    if len(anywhere) < 2:
        yield Result(Outcome.FAILED, page=home.snap,
                     message=Msg.plural(len(checked), "Sur {n} page auditée, on ne trouve que {systems} : il faut deux "
                                                      "systèmes de navigation au moins.",
                                        "Sur les {n} pages auditées, on ne trouve que {systems} : il faut deux "
                                        "systèmes de navigation au moins.", systems=_describe(anywhere)))
        return
    if len(everywhere) >= 2:
        yield Result(Outcome.PASSED, page=home.snap,
                     message=Msg.plural(len(checked), "{n} page auditée offre {systems}.",
                                        "Les {n} pages auditées offrent {systems}.", systems=_describe(everywhere)))
        return
    for evidence, found in checked:
        if len(found) < 2:
            yield Result(Outcome.CANT_TELL, page=evidence.snap,
                         message=Msg("Cette page n'offre que {found}, alors que le site propose {anywhere}.",
                                     found=_describe(found), anywhere=_describe(anywhere)),
                         question=N_("Cette page fait-elle partie d'un ensemble de pages où deux systèmes de "
                                     "navigation ne sont pas exigés (démarche, processus) ?"))


def _describe(found: set[str]) -> Msg:
    """The navigation systems found, as a message says them (« un menu de navigation et un plan du site »)."""
    parts = [Msg(_SYSTEMS[k]) for k in ("menu", "search", "sitemap") if k in found]
    if not parts:
        return Msg("aucun système de navigation")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return Msg("{first} et {second}", first=parts[0], second=parts[1])
    return Msg("{first}, {second} et {third}", first=parts[0], second=parts[1], third=parts[2])

"""The site's own mention of its accessibility, checked (loi 2005-102 article 47, décret 2019-768 article 4).

Every page of a public site shows « Accessibilité : totalement / partiellement / non conforme », at the
least on the home page, and a link to the accessibility page (the declaration) is reachable from every
page. This site check reads, page by page, the mention shown and whether such a link is there:

- the home page without the mention, or a page without a link to the accessibility page: a failure;
- each page's mention, as it is shown, in the finding's snippet (``Accessibilité : partiellement
  conforme``): the assess stage compares it with the declaration's state (``state_of`` reads it), and a
  page that claims more than the declaration is a problem listed first in the report.

Not an RGAA criterion: a legal obligation of the declaration, so the findings name no RGAA test.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from audit.checks import Evidence, Result, SitePage, check
from audit.checks.exposure import dom_of, fold, norm, tag, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

# « Accessibilité : partiellement conforme », « accessibilité: non-conforme », « Accessibilité - totalement
# conforme » (a typographic space or none before the colon)
MENTION = re.compile(r"accessibilit[ée]\s*[:\-–—]\s*(totalement|partiellement|non)[\s-]*conforme", re.I)
STATES = {"totalement": "total", "partiellement": "partial", "non": "none"}
MAX_PAGES = 40  # failures listed, one a page


def state_of(text: str | None) -> str | None:
    """The compliance state a mention claims (``total``, ``partial``, ``none``), or None."""
    m = MENTION.search(text or "")
    return STATES[m.group(1).lower()] if m else None


def _summary(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return None
    v = view(root)
    body = next((c for c in root if tag(c) == "body"), None)
    text = norm(v.text(body)) if body is not None else ""
    found = MENTION.search(text)
    linked = False
    for el in root.iter():
        if tag(el) != "a" or not el.get("href"):
            continue
        name = fold(v.text(el)) + " " + fold(el.get("aria-label") or el.get("title") or "")
        if "accessibilit" in name or "accessibilit" in fold(urlsplit(el.get("href")).path):
            linked = True
            break
    # a document with neither a footer nor a navigation is a fragment shown inside another page (a frame's
    # document, an embedded widget), not a page people reach: the link is asked of pages, not of fragments
    chrome = any(tag(el) in ("footer", "nav") or (el.get("role") or "") in ("contentinfo", "navigation")
                 for el in root.iter() if isinstance(el.tag, str))
    return {"mention": found.group(0) if found else None, "linked": linked, "page": chrome}


# (the home page lacks the mention, the page lacks the link) → the failure's message
PROBLEMS = {
    (True, False): N_("La page d'accueil n'affiche pas la mention « Accessibilité : … conforme »."),
    (False, True): N_("Aucun lien vers la page Accessibilité (la déclaration) sur cette page."),
    (True, True): N_("La page d'accueil n'affiche pas la mention « Accessibilité : … conforme » ; aucun lien vers la "
                     "page Accessibilité (la déclaration) sur cette page."),
}


def _is_home(page: SitePage) -> bool:
    return page.snap.journey is None and (urlsplit(page.url).path or "/") in ("/", "/index.html", "/index.php",
                                                                                "/accueil", "/accueil.html")


@check(
    id="legal-accessibility-mention",
    title=N_("La page affiche la mention « Accessibilité : … conforme » et un lien vers la déclaration"),
    failure=N_("La mention « Accessibilité : … conforme » ou le lien vers la déclaration manque"),
    description=N_("La loi demande que chaque page d'un site public, la page d'accueil au moins, affiche l'état de "
                   "conformité (« Accessibilité : totalement, partiellement ou non conforme ») et donne accès à la "
                   "déclaration d'accessibilité."),
    how_to_fix=N_("Ajoutez dans le pied de page un lien « Accessibilité : partiellement conforme » (l'état de la "
                  "déclaration publiée) vers la page de la déclaration d'accessibilité."),
    rgaa=(), wcag=(), impact=Impact.SERIOUS, evidence=("dom", "site"), scope="site", summary=_summary,
)
def accessibility_mention(pages: list[SitePage]):
    results = []
    for page in pages:
        if page.summary is None:
            continue
        mention, linked = page.summary["mention"], page.summary["linked"]
        unmentioned = _is_home(page) and not mention
        unlinked = not linked and (page.summary.get("page") or _is_home(page))
        problem = PROBLEMS.get((bool(unmentioned), bool(unlinked)))
        if problem:
            if len([r for r in results if r.outcome == Outcome.FAILED]) < MAX_PAGES:
                results.append(Result(Outcome.FAILED, page=page.snap, snippet=mention, message=problem))
        elif mention:
            results.append(Result(Outcome.PASSED, page=page.snap, snippet=mention,
                                  message=Msg("Mention affichée : « {mention} », avec un lien vers la déclaration.",
                                              mention=mention)))
    return results

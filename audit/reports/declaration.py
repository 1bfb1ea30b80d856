"""The déclaration d'accessibilité, as the law reads it: the official model's fixed formulas, our own words
around them.

``declare(site, assessment, lang="fr")`` builds it from the assessed run (audit.assessment: the sample, the
grid, the rates, the auditor's verdicts and the tester sessions registered with the site) and the site's
declaration facts (``declaration:`` in sites.yaml); ``dated(decl, previous, today)`` gives it the dates the
store keeps (« établie le » = first publication, « mise à jour le » = last time what it says changed);
``render_html`` (a standalone page), ``render_fragment`` (an HTML fragment for the city's CMS, headings from h2)
and ``render_markdown`` write it.

The format. The official model (« La déclaration d'accessibilité adopte obligatoirement ce format »,
https://accessibilite.numerique.gouv.fr/obligations/declaration-accessibilite/, source
DISIC/accessibilite.numerique.gouv.fr ``src/obligations/declaration-accessibilite.md``, © DINUM, Licence
Ouverte 2.0) fixes the commitment under article 47 of loi n° 2005-102, the strategy sentence, « Cette
déclaration d'accessibilité s'applique à », the state sentence, the section titles, the results sentence, the
introduction of the inaccessible contents, the dates sentence, the contact sentence and the complaint
procedure. The templates (``declaration*.j2``) use those formulas word for word, their placeholders filled;
everything else (the draft box, the plain-language non-conformities, the validity line) is our own wording.
See docs/declaration.md.

French is the declaration the RGAA asks for. With ``lang="en"`` the same facts are written as an English
accessibility statement (``accessibility-statement*.html|md``): a translation for information, which says so
and points to the French declaration as the reference. One template per document (``declaration.html.j2``,
``declaration_fragment.html.j2``, ``declaration.md.j2``) in both languages: every word is a French msgid of the
catalogue (audit.words, docs/translation.md), the model's formulas included, translated in the English
catalogue. The names the law gives in French (``DDD_NAME``, ``RGAA_NAME``, ``DECLARATION_NAME``, the
Défenseur des droits' postal address ``DDD_ADDRESS``) are data, never msgids: an English statement shows them in
French, marked ``lang="fr"`` in HTML and in italics in Markdown, as it shows the city's and the auditor's own
words (page names, comments, alternatives, derogations, the postal address) as written, marked ``lang="fr"``.

Validity (official: the declaration is updated at a substantial change or redesign of the site, three years
after it, and 18 months after a new version of the RGAA; « non conforme » when no audit result is still valid).
An audit result is valid three years from the audit date, until the day before a redesign dated after the audit
(``declaration.redesign``), and until 18 months after the publication of an RGAA version newer than the audit's
(``RGAA_VERSIONS``; errata such as 4.1.1 and 4.1.2 do not invalidate audits). An expired audit gives
« non conforme » and no rate, with the reason; the validity line states every trigger.

Honesty: while any criterion of any page of the sample is NT ("à vérifier"), or a fact the law asks for is
missing (entity, contact by e-mail or form, auditor, sample, test environment, technologies, the multi-year
scheme, the year's action plan, the review of last year's actions, the audit's RGAA version), the declaration
is a **BROUILLON** (draft) that names what is missing — the only place where configuration hints
(« declaration.… dans sites.yaml ») appear. A declaration that is not a draft carries none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from audit import __version__, scoring, standards, words
from audit.model import Site
from audit.words import N_

if TYPE_CHECKING:
    from audit.assessment import Assessment


@dataclass(frozen=True, slots=True)
class RgaaVersion:
    version: str
    published: date
    erratum: bool = False  # corrects an edition without invalidating the audits made against it


# The RGAA versions and their publication dates. Sources: accessibilite.numerique.gouv.fr (DISIC/
# accessibilite.numerique.gouv.fr, Licence Ouverte 2.0): RGAA 4 « arrêtée conjointement … le 20 septembre 2019 »
# (site footer); 4.1 published in February 2021 (the DINUM announcement of 16 February 2021; the stored sources
# do not carry the day — it only matters for audits against 4.0, all expired since August 2022); 4.1.1 put online
# on 9 February 2023 and 4.1.2 on 18 April 2023 (changelog v1.1.0 and v1.3.4; home page « Mis à jour le 18 avril
# 2023 »), both errata: « Ils n'invalident pas les audits déjà réalisés » (notes de révision du RGAA 4.1 vers
# 4.1.2). Rule (obligations/declaration-accessibilite): a new version makes the declaration due for an update
# « 18 mois après la date de publication d'une nouvelle version du référentiel ».
RGAA_VERSIONS = (
    RgaaVersion("4.0", date(2019, 9, 20)),
    RgaaVersion("4.1", date(2021, 2, 16)),
    RgaaVersion("4.1.1", date(2023, 2, 9), erratum=True),
    RgaaVersion("4.1.2", date(2023, 4, 18), erratum=True),
)
CURRENT_RGAA = RGAA_VERSIONS[-1].version
NEW_VERSION_MONTHS = 18
VALIDITY_YEARS = 3
DDD_FORM = "https://formulaire.defenseurdesdroits.fr/"
DDD_DELEGATES = "https://www.defenseurdesdroits.fr/saisir/delegues"
DDD_ADDRESS = "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07"


@dataclass(frozen=True, slots=True)
class PageRef:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class CriterionNote:
    """A criterion with the pages concerned: a non-conformity, or a criterion still to verify."""

    id: str
    title: str
    theme: str
    pages: tuple[str, ...]
    comments: tuple[str, ...] = ()
    all_pages: bool = False  # on every page of the sample
    theme_id: int = 0
    alternative: str = ""  # the accessible alternative offered meanwhile (the city's or the auditor's words)
    fix_by: str | None = None  # ISO date of the planned fix (the action plan)


@dataclass(frozen=True, slots=True)
class Validity:
    """How long the audit's results hold, in no language: every official trigger, and the one that ends first."""

    audit_date: str | None
    until: str | None  # the last day the results are valid (the earliest trigger)
    expired: bool
    trigger: str  # what ends it first: "three_years" | "redesign" | "new_rgaa" | "" (no audit date)
    three_years: str | None  # the audit date + 3 years
    redesign: str | None = None  # a redesign or substantial change dated after the audit
    new_rgaa: str | None = None  # the first RGAA version after the audit's that invalidates it
    new_rgaa_published: str | None = None
    new_rgaa_until: str | None = None  # its publication + 18 months


@dataclass(frozen=True, slots=True)
class Declaration:
    lang: str
    entity: str
    site_name: str
    base_url: str
    state: scoring.Compliance
    draft: bool
    missing: tuple[CriterionNote, ...]  # criteria still NT, with their pages
    missing_facts: tuple[str, ...]  # in ``lang``: facts sites.yaml or the auditor file must give (drafts only)
    global_rate: str | None  # formatted ("87,5 %"), None when not computable or the audit expired
    mean_rate: str | None
    rates: scoring.Rates
    auditor: str
    audit_date: str | None
    nonconformities: tuple[CriterionNote, ...]
    derogations: tuple[Any, ...]  # audit.auditor.Derogation
    exemptions: tuple[Any, ...]  # audit.auditor.Exemption
    established: str  # ISO date: the first publication (``dated``), else declaration.published, else today
    updated: str  # ISO date: the last time what the declaration says changed (``dated``), else today
    technologies: tuple[str, ...]
    environments: tuple[str, ...]
    tools: tuple[str, ...]
    pages: tuple[PageRef, ...]
    contact_email: str
    contact_form: str
    contact_address: str
    schema_url: str
    action_plan_url: str
    report_url: str
    grid_url: str
    rgaa_version: str  # the version the audit was made against ("" when nothing says it)
    published: str | None
    valid_until: str | None
    expired: bool
    rgaa_outdated: bool  # made against another version than CURRENT_RGAA (an erratum: still valid)
    warnings: tuple[str, ...] = ()
    conflicts: int = 0  # grid cells where the auditor's C / NA stands against failed automated findings
    year: int = field(default_factory=lambda: date.today().year)
    validity: Validity | None = None
    previous_actions_review: str = ""  # a URL (absolute) or a text
    previous_actions_review_url: bool = False

    @property
    def state_label(self) -> str:
        return self.state.label(self.lang)

    @property
    def has_rate(self) -> bool:
        """A rate is published: the audit is complete and still valid."""
        return self.rates.valid and not self.expired

    @property
    def footer(self) -> str:
        """The mention for every page's footer: "Accessibilité : partiellement conforme"."""
        return words.text("Accessibilité : {state}", lang=self.lang, state=self.state_label)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _absolute(url: str, base: str) -> str:
    return urljoin(base.rstrip("/") + "/", url) if url else ""


def _is_url(text: str) -> bool:
    return text.startswith(("/", "http://", "https://", "./", "../"))


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.strip().split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def validity(audit_date: str | None, rgaa_version: str, redesign: str | None, today: date) -> Validity:
    """Every official trigger that ends the validity of an audit made on ``audit_date`` against ``rgaa_version``:
    three years; a redesign or substantial change of the site after the audit (valid until the day before); 18
    months after the publication of a newer RGAA version that is not an erratum. ``until``: the earliest."""
    day = _day(audit_date)
    if day is None:
        return Validity(audit_date=audit_date, until=None, expired=False, trigger="", three_years=None)
    ends = {"three_years": _add_years(day, VALIDITY_YEARS)}
    re_day = _day(redesign)
    if re_day is not None and re_day > day:
        ends["redesign"] = re_day - timedelta(days=1)
    newer = None
    mine = _version_key(rgaa_version)
    if mine:
        newer = next((v for v in RGAA_VERSIONS if not v.erratum and _version_key(v.version) > mine), None)
    if newer is not None:
        ends["new_rgaa"] = _add_months(newer.published, NEW_VERSION_MONTHS)
    trigger = min(ends, key=lambda k: ends[k])
    until = ends[trigger]
    return Validity(audit_date=day.isoformat(), until=until.isoformat(), expired=today > until, trigger=trigger,
                    three_years=ends["three_years"].isoformat(),
                    redesign=re_day.isoformat() if "redesign" in ends and re_day else None,
                    new_rgaa=newer.version if newer else None,
                    new_rgaa_published=newer.published.isoformat() if newer else None,
                    new_rgaa_until=ends["new_rgaa"].isoformat() if newer else None)


# What does not work and for whom, per RGAA theme, in plain language: our own words (French msgids,
# translated where they are shown).
THEME_TEXTS: dict[int, tuple[str, str]] = {
    1: (N_("Des images qui donnent une information n'ont pas de texte de remplacement, ou un texte qui ne la "
           "donne pas."),
         N_("les personnes aveugles ou malvoyantes qui utilisent un lecteur d'écran")),
    2: (N_("Des contenus intégrés dans un cadre n'ont pas de titre qui dise ce qu'ils contiennent."),
         N_("les personnes qui utilisent un lecteur d'écran")),
    3: (N_("Des informations ne sont données que par la couleur, ou des textes ne contrastent pas assez avec "
           "leur fond."),
         N_("les personnes malvoyantes ou daltoniennes, et quiconque lit sur un écran en plein soleil")),
    4: (N_("Des vidéos ou des sons n'ont pas de sous-titres, de transcription ou d'audiodescription, ou leurs "
           "commandes ne sont pas utilisables au clavier."),
         N_("les personnes sourdes ou malentendantes, aveugles ou malvoyantes, et celles qui n'utilisent pas de "
            "souris")),
    5: (N_("Des tableaux de données ne sont pas construits pour être lus cellule par cellule (titre, en-têtes)."),
         N_("les personnes qui utilisent un lecteur d'écran")),
    6: (N_("Des liens n'ont pas d'intitulé, ou un intitulé qui ne dit pas où ils mènent."),
         N_("les personnes qui utilisent un lecteur d'écran ou la commande vocale")),
    7: (N_("Des éléments interactifs (menus, boutons, fenêtres, messages) ne sont pas utilisables au clavier ou "
           "ne sont pas annoncés par les technologies d'assistance."),
         N_("les personnes qui n'utilisent pas de souris et celles qui utilisent un lecteur d'écran")),
    8: (N_("Des pages ont un code incorrect, un titre absent ou peu clair, ou n'indiquent pas leur langue."),
         N_("les personnes qui utilisent un lecteur d'écran, pour se repérer entre les pages et entendre le texte"
            " bien prononcé")),
    9: (N_("Des pages ne sont pas structurées par des titres, des listes et des zones (en-tête, navigation, "
           "contenu principal)."),
         N_("les personnes qui utilisent un lecteur d'écran pour parcourir la page et s'y repérer")),
    10: (N_("Des contenus deviennent illisibles quand on agrandit le texte ou la page, ou l'élément qui a le "
           "focus du clavier n'est pas visible."),
         N_("les personnes malvoyantes qui agrandissent l'affichage et celles qui naviguent au clavier")),
    11: (N_("Des champs de formulaire n'ont pas d'étiquette claire, ou les erreurs de saisie ne sont pas "
           "expliquées."),
         N_("les personnes qui utilisent un lecteur d'écran, et celles qui ont des difficultés de compréhension "
            "ou d'attention")),
    12: (N_("Il manque un moyen de se repérer (plan du site, recherche, lien d'évitement), ou l'ordre de passage "
           "au clavier n'est pas logique."),
         N_("les personnes qui naviguent au clavier ou avec un lecteur d'écran, et celles qui ont du mal à se "
            "repérer")),
    13: (N_("Des contenus ne laissent pas assez de temps, bougent ou clignotent sans pouvoir être arrêtés, ou des"
           " documents à télécharger ne sont pas accessibles."),
         N_("les personnes qui lisent ou agissent plus lentement, celles que les mouvements gênent, et celles qui"
            " utilisent un lecteur d'écran pour les documents")),
}


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    """The non-conformities of one RGAA theme, with what does not work and for whom, in the declaration's
    language."""

    theme_id: int
    theme: str
    what: str
    who: str
    notes: tuple[CriterionNote, ...]


def theme_groups(d: Declaration) -> list[ThemeGroup]:
    groups: dict[int, list[CriterionNote]] = {}
    for note in d.nonconformities:
        groups.setdefault(note.theme_id, []).append(note)
    out = []
    for theme_id, notes in groups.items():
        what, who = THEME_TEXTS.get(theme_id, ("", ""))
        out.append(ThemeGroup(theme_id=theme_id, theme=notes[0].theme, what=words.gettext(what, d.lang),
                              who=words.gettext(who, d.lang), notes=tuple(notes)))
    return out


def _notes(grid: scoring.Grid, status: scoring.Status, lang: str, alternatives: dict[str, str] | None = None,
           fixes: dict[str, str] | None = None) -> tuple[CriterionNote, ...]:
    """The criteria whose roll-up over the sample is ``status`` (NC: a non-conformity; NT: to verify — a
    criterion NC on one page is a non-conformity, never « to verify »), with the pages where it is so."""
    out = []
    for cid in grid.criteria:
        if grid.rollup(cid) != status:
            continue
        cells = [grid.cell(p.key, cid) for p in grid.pages]
        pages = tuple(p.name for p, c in zip(grid.pages, cells, strict=True) if c.status == status)
        if not pages:
            continue
        crit = standards.CRITERIA[cid]
        theme = standards.THEMES[crit.theme]
        comments = tuple(dict.fromkeys(c.verdict.comment for c in cells
                                       if c.status == status and c.verdict and c.verdict.comment))
        out.append(CriterionNote(id=cid, title=standards.criterion_title(cid, lang),
                                 theme=theme.title_en if lang == "en" else theme.title, pages=pages,
                                 comments=comments, all_pages=len(pages) == len(grid.pages) > 1,
                                 theme_id=int(crit.theme), alternative=(alternatives or {}).get(cid, ""),
                                 fix_by=(fixes or {}).get(cid)))
    return tuple(out)


def _pairs(value: Any) -> dict[str, str]:
    """A mapping criterion → text from sites.yaml's pairs or an auditor file's mapping (either may be absent)."""
    if not value:
        return {}
    items = value.items() if isinstance(value, dict) else value
    return {str(k): str(v) for k, v in items if v}


def declare(site: Site, a: Assessment, lang: str = "fr", today: date | None = None) -> Declaration:
    """The declaration of ``site`` from the assessed run ``a`` (its sample, grid, rates, the auditor's verdicts
    and the tester sessions registered with it); ``lang`` "en" for the English statement (a translation for
    information), any other value for the French one. A pure function of its arguments. Its dates are today's
    (or ``declaration.published`` for « établie le »): ``dated`` gives it the ones the store keeps."""
    lang = "en" if lang == "en" else "fr"
    run = a.run
    today = today or date.today()
    facts = site.declaration
    rates = a.rates
    audit = a.audit
    base = site.base_url

    auditor = (audit.auditor if audit and audit.auditor else "") or facts.auditor
    audit_date = (audit.date if audit and audit.date else None) or (run.started or "")[:10] or None
    # the audit's version: the auditor's file says it (a grid CSV cannot), else the run's; never our default
    said = str(getattr(audit, "rgaa", "") or "") if audit is not None and getattr(audit, "kind", "") != "csv" else ""
    rgaa_version = said or str(run.meta.get("rgaa_version") or "")
    environments = tuple(dict.fromkeys([*a.environments, *facts.environments]))
    technologies = tuple(facts.technologies)
    review = facts.previous_actions_review.strip()

    # the facts a draft names, with where to give them: hints for the author, never in a published declaration
    missing_facts = []
    add = missing_facts.append
    if not facts.entity:
        add(words.text("le nom de l'entité (declaration.entity dans sites.yaml)", lang=lang))
    if not (facts.contact_email or facts.contact_form) and facts.contact_address:
        add(words.text("un moyen de contact en ligne : une adresse électronique ou un formulaire "
                       "(declaration.contact_email ou declaration.contact_form dans sites.yaml) ; une adresse "
                       "postale seule ne suffit pas", lang=lang))
    elif not (facts.contact_email or facts.contact_form):
        add(words.text("un moyen de contact : une adresse électronique ou un formulaire (declaration.contact_email "
                       "ou declaration.contact_form dans sites.yaml)", lang=lang))
    if not auditor:
        add(words.text("le nom de l'auditeur ou de l'organisme qui a réalisé l'audit (auditor dans le fichier de "
                       "l'auditeur, ou declaration.auditor dans sites.yaml)", lang=lang))
    if not a.grid.pages:
        add(words.text("un échantillon de pages auditées", lang=lang))
    if not rgaa_version:
        add(words.text("la version du RGAA selon laquelle l'audit a été réalisé (rgaa dans le fichier de "
                       "l'auditeur)", lang=lang))
    if not environments:
        add(words.text("l'environnement de test : les combinaisons de navigateur et de technologie d'assistance "
                       "utilisées (environments dans le fichier de l'auditeur, environment des sessions de test, ou "
                       "declaration.environments dans sites.yaml)", lang=lang))
    if not technologies:
        add(words.text("les technologies utilisées pour réaliser le site (declaration.technologies dans "
                       "sites.yaml)", lang=lang))
    if not facts.schema_url:
        add(words.text("le lien vers le schéma pluriannuel de mise en accessibilité (declaration.schema_url dans "
                       "sites.yaml)", lang=lang))
    if not facts.action_plan_url:
        add(words.text("le lien vers le plan d'action de l'année {year} (declaration.action_plan_url dans "
                       "sites.yaml)", lang=lang, year=today.year))
    if not review:
        add(words.text("le bilan des actions réalisées en {year} : un lien ou un texte "
                       "(declaration.previous_actions_review dans sites.yaml)", lang=lang, year=today.year - 1))
    for key, value in (("published", facts.published), ("redesign", facts.redesign)):
        if value and _day(value) is None:
            add(words.text("une date AAAA-MM-JJ valide pour declaration.{key} dans sites.yaml (« {value} » n'en "
                           "est pas une)", lang=lang, key=key, value=value))

    valid = validity(audit_date, rgaa_version, facts.redesign, today)
    warnings = []
    rgaa_outdated = bool(rgaa_version) and rgaa_version != CURRENT_RGAA
    if rgaa_outdated and valid.new_rgaa is None:
        warnings.append(words.text("L'audit a été réalisé selon le RGAA {version} ; la version en vigueur est le "
                                   "RGAA {current}, dont les corrections n'invalident pas les audits déjà réalisés.",
                                   lang=lang, version=rgaa_version, current=CURRENT_RGAA))

    meta = run.meta
    unknown = words.text("(version inconnue)", lang=lang)
    tools = (f"a11y-audit {meta.get('tool_version') or __version__}",
             f"axe-core {meta.get('axe_version') or unknown}",
             f"Chromium {meta.get('chromium_version') or unknown}")
    tools += tuple(t for t in dict.fromkeys([*facts.tools, *(getattr(audit, "tools", None) or ())])
                   if t not in tools)
    alternatives = _pairs(getattr(audit, "alternatives", None)) | _pairs(facts.alternatives)
    fixes = _pairs(getattr(audit, "action_plan", None)) | _pairs(facts.action_plan)
    draft = not rates.valid or bool(missing_facts)
    publish_rate = rates.valid and not valid.expired
    state = scoring.Compliance.NONE if valid.expired else rates.state
    return Declaration(
        lang=lang, entity=facts.entity or site.name, site_name=site.name, base_url=base, state=state,
        draft=draft, missing=_notes(a.grid, scoring.Status.NT, lang),
        missing_facts=tuple(missing_facts),
        global_rate=scoring.format_rate(rates.global_rate, lang) if publish_rate else None,
        mean_rate=scoring.format_rate(rates.mean_rate, lang) if publish_rate and rates.mean_rate is not None else None,
        rates=rates, auditor=auditor, audit_date=audit_date,
        nonconformities=_notes(a.grid, scoring.Status.NC, lang, alternatives, fixes),
        derogations=tuple(audit.derogations) if audit else (), exemptions=tuple(audit.exemptions) if audit else (),
        established=facts.published if _day(facts.published) else today.isoformat(), updated=today.isoformat(),
        technologies=technologies, environments=environments, tools=tools,
        pages=tuple(PageRef(p.name, p.url) for p in a.grid.pages),
        contact_email=facts.contact_email, contact_form=_absolute(facts.contact_form, base),
        contact_address=facts.contact_address, schema_url=_absolute(facts.schema_url, base),
        action_plan_url=_absolute(facts.action_plan_url, base), report_url=_absolute(facts.report_url, base),
        grid_url=_absolute(getattr(facts, "grid_url", "") or "", base), rgaa_version=rgaa_version,
        published=facts.published, valid_until=valid.until, expired=valid.expired, rgaa_outdated=rgaa_outdated,
        warnings=tuple(warnings), year=today.year, validity=valid,
        previous_actions_review=_absolute(review, base) if _is_url(review) else review,
        previous_actions_review_url=_is_url(review),
        conflicts=sum(1 for c in a.grid.cells.values() if c.verdict is not None and c.computed == scoring.Status.NC
                      and c.status in (scoring.Status.C, scoring.Status.NA)))


def content_key(d: Declaration) -> str:
    """A digest of what the declaration says, its own dates left out: it changes when the text changes."""
    text = render_markdown(replace(d, established="", updated=""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dated(d: Declaration, previous: tuple[str, str, str] | None, today: date | None = None
          ) -> tuple[Declaration, tuple[str, str, str] | None]:
    """``d`` with the dates the store keeps, and the dates to keep now (None for a draft, which is not
    published). ``previous``: ``Store.declaration_dates(site, lang)`` — (established, updated, content key) of
    the declaration as last written, or None. « Établie le » is the first publication (``declaration.published``
    when it is earlier: the declaration the city published before this tool kept the dates); « mise à jour le »
    the last time what the declaration says changed."""
    today_iso = (today or date.today()).isoformat()
    key = content_key(d)
    if previous is None:
        established, updated = (d.published if _day(d.published) else None) or today_iso, today_iso
    else:
        established = min(x for x in (previous[0], d.published if _day(d.published) else None) if x)
        updated = previous[1] if previous[2] == key else today_iso
    if d.draft:
        return replace(d, established=established if previous else today_iso, updated=today_iso), None
    return replace(d, established=established, updated=updated), (established, updated, key)


_MONTHS = (N_("janvier"), N_("février"), N_("mars"), N_("avril"), N_("mai"), N_("juin"), N_("juillet"),
           N_("août"), N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre"))

# Names the law gives in French. They are not translated (not msgids): an English statement shows them in
# French, marked lang="fr" in HTML and in italics in Markdown, beside our English words around them.
DECLARATION_NAME = "déclaration d'accessibilité"
RGAA_NAME = "référentiel général d’amélioration de l’accessibilité"
DDD_NAME = "Défenseur des droits"

# Why the audit's results stop being valid, or until when they are, per trigger (Validity.trigger)
_VALID = {
    "three_years": N_("Les résultats de l'audit du {audit} restent valables trois ans, jusqu'au {until}."),
    "redesign": N_("Les résultats de l'audit du {audit} restent valables jusqu'au {until}, veille de la refonte "
                   "du site annoncée pour le {redesign}."),
    "new_rgaa": N_("Les résultats de l'audit du {audit}, réalisé selon le RGAA {version}, restent valables "
                   "jusqu'au {until}, dix-huit mois après la publication du RGAA {new} le {published}."),
}
_EXPIRED = {
    "three_years": N_("L'audit du {audit} date de plus de trois ans : ses résultats n'étaient valables que "
                      "jusqu'au {until}."),
    "redesign": N_("Le site a fait l'objet d'une modification substantielle ou d'une refonte le {redesign}, après "
                   "l'audit du {audit} : les résultats de cet audit ne décrivent plus le site."),
    "new_rgaa": N_("L'audit du {audit} a été réalisé selon le RGAA {version} ; le RGAA {new} a été publié le "
                   "{published} et les résultats de cet audit n'étaient valables que jusqu'au {until}, "
                   "dix-huit mois après."),
}

# The files write() makes, per language: the French names stay those of the déclaration.
FILES = {"fr": ("declaration.html", "declaration-fragment.html", "declaration.md"),
         "en": ("accessibility-statement.html", "accessibility-statement-fragment.html",
                "accessibility-statement.md")}


def long_date(value: date | str | None, lang: str = "fr") -> str:
    """« 1er mars 2026 », « 20 novembre 2026 »; "1 March 2026" in English ("" for no date)."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    month = words.gettext(_MONTHS[day.month - 1], lang)
    if day.day == 1:
        return words.text("1er {month} {year}", lang=lang, month=month, year=day.year)
    return words.text("{day} {month} {year}", lang=lang, day=day.day, month=month, year=day.year)


def _dates(d: Declaration) -> dict[str, str]:
    v = d.validity
    assert v is not None
    return {"audit": long_date(v.audit_date, d.lang), "until": long_date(v.until, d.lang),
            "redesign": long_date(v.redesign, d.lang), "version": d.rgaa_version, "new": v.new_rgaa or "",
            "published": long_date(v.new_rgaa_published, d.lang)}


def expiry(d: Declaration) -> str:
    """Why no audit result is still valid, in the declaration's language ("" while it is)."""
    v = d.validity
    if v is None or not v.expired:
        return ""
    return " ".join((words.text(_EXPIRED[v.trigger], lang=d.lang, **_dates(d)),
                     words.text("Aucun résultat d'audit n'est donc en cours de validité : le site est déclaré non "
                                "conforme et aucun taux de conformité n'est publié jusqu'à un nouvel audit.",
                                lang=d.lang)))


def validity_line(d: Declaration) -> str:
    """The validity line: how long the audit's results hold, and every official trigger that ends them."""
    v = d.validity
    if v is None or not v.until:
        return words.text("La date de l'audit n'est pas connue : sa validité ne peut pas être établie.", lang=d.lang)
    if v.expired:
        return expiry(d)
    return " ".join((words.text(_VALID[v.trigger], lang=d.lang, **_dates(d)),
                     words.text("Ils cessent d'être valables à la première de ces échéances : trois ans après "
                                "l'audit, une modification substantielle ou une refonte du site, dix-huit mois "
                                "après la publication d'une nouvelle version du RGAA. Un nouvel audit est alors "
                                "nécessaire.", lang=d.lang)))


def results_detail(d: Declaration) -> str:
    """« Détail : 105 critères conformes et 1 non conforme, sur 2 pages de l’échantillon, audit du … »."""
    counts, lang = d.rates.counts, d.lang
    values = {
        "compliant": words.plural(counts.get("C", 0), "{n} critère conforme", "{n} critères conformes", lang=lang),
        "non_compliant": words.plural(counts.get("NC", 0), "{n} non conforme", "{n} non conformes", lang=lang),
        "not_applicable": words.plural(counts.get("NA", 0), "{n} non applicable", "{n} non applicables",
                                       lang=lang),
        "pages": words.plural(len(d.pages), "{n} page de l’échantillon", "{n} pages de l’échantillon", lang=lang),
        "date": long_date(d.audit_date, lang),
    }
    if counts.get("NA") and d.audit_date:
        msgid = N_("Détail : {compliant} et {non_compliant}, {not_applicable}, sur {pages}, audit du {date}.")
    elif counts.get("NA"):
        msgid = N_("Détail : {compliant} et {non_compliant}, {not_applicable}, sur {pages}.")
    elif d.audit_date:
        msgid = N_("Détail : {compliant} et {non_compliant}, sur {pages}, audit du {date}.")
    else:
        msgid = N_("Détail : {compliant} et {non_compliant}, sur {pages}.")
    return words.text(msgid, lang=lang, **values)


# --- the documents -----------------------------------------------------------------------------------


def _html_helpers(lang: str) -> dict[str, Any]:
    from markupsafe import Markup, escape

    def fr(text: Any) -> Any:
        """Words in French (a legal name, the city's or the auditor's words) inside another language."""
        return Markup('<span lang="fr">{}</span>').format(text) if lang != "fr" and text else text

    def strong(text: Any) -> Markup:
        return Markup("<strong>{}</strong>").format(text)

    def link(text: Any, url: str) -> Any:
        return Markup('<a href="{}">{}</a>').format(url, text) if url else text

    def legal(msgid: str, fr_values: dict[str, Any] | None = None, **values: Any) -> Markup:
        """One of the official model's fixed formulas: in French as the law writes it; in another language the
        French, marked ``lang="fr"``, then our translation for information."""
        french = Markup(escape(words.gettext(msgid, "fr"))).format(**{**values, **(fr_values or {})})
        if lang == "fr":
            return french
        said = Markup(escape(words.gettext(msgid, lang))).format(**values)
        return Markup('<span lang="fr">{}</span> <span class="translation">[{}]</span>').format(french, said)

    return {"fr": fr, "fr_term": fr, "strong": strong, "link": link, "legal": legal}


def _markdown_helpers(env: Any, lang: str) -> dict[str, Any]:
    from markupsafe import Markup

    escape, url_of = env.finalize, env.filters["url"]

    def md(value: Any) -> Markup:
        return value if isinstance(value, Markup) else Markup(escape(value))

    def fr_term(text: Any) -> Any:
        """A legal name in French inside another language: in italics."""
        return Markup(f"*{md(text)}*") if lang != "fr" and text else text

    def strong(text: Any) -> Markup:
        return Markup(f"**{md(text)}**")

    def link(text: Any, url: str) -> Any:
        return Markup(f"[{md(text)}]({url_of(url)})") if url else text

    def legal(msgid: str, fr_values: dict[str, Any] | None = None, **values: Any) -> Markup:
        """One of the official model's fixed formulas: in French as the law writes it; in another language the
        French in italics, then our translation for information in brackets (« _…_ [...] »)."""
        def said(in_lang: str, given: dict[str, Any]) -> Markup:
            return Markup(md(words.gettext(msgid, in_lang))).format(**{k: md(v) for k, v in given.items()})

        french = said("fr", {**values, **(fr_values or {})})
        # underscores: the French names inside are in asterisks already (fr_term)
        return french if lang == "fr" else Markup(f"_{french}_ [{said(lang, values)}]")

    return {"fr": lambda text: text, "fr_term": fr_term, "strong": strong, "link": link, "legal": legal}


def _install_markdown_words(env: Any, lang: str) -> None:
    """``_``, ``ngettext`` and ``pgettext`` for a Markdown template: the message and its values escaped for
    Markdown (as HTML templates escape them for HTML), values made with the helpers (links, emphasis) kept."""
    from markupsafe import Markup

    escape = env.finalize

    def md(value: Any) -> str:
        return str(value) if isinstance(value, Markup) else escape(value)

    def fill(said: str, values: dict[str, Any]) -> Markup:
        return Markup(md(said).format(**{k: md(v) for k, v in values.items()}) if values else md(said))

    env.install_gettext_callables(
        lambda msgid, **values: fill(words.gettext(msgid, lang), values),
        lambda singular, plural_, n, **values: fill(words.ngettext(singular, plural_, n, lang), {"n": n, **values}),
        newstyle=False,
        pgettext=lambda context, msgid, **values: fill(words.pgettext(context, msgid, lang), values))


@cache
def _markdown_environment(lang: str) -> Any:
    """The Markdown templates' settings (values escaped for Markdown, the url filter), with the catalogue's
    words in ``lang`` escaped for Markdown too: one environment per language, the declaration's own."""
    from jinja2 import Environment

    from audit.reports.remediation import markdown_environment

    base = markdown_environment()
    env = Environment(loader=base.loader, autoescape=False, trim_blocks=base.trim_blocks,
                      lstrip_blocks=base.lstrip_blocks, finalize=base.finalize, extensions=["jinja2.ext.i18n"])
    env.filters.update(base.filters)
    words.install(env, lang)
    _install_markdown_words(env, lang)
    return env


def _context(d: Declaration, kind: str = "html") -> dict[str, Any]:
    if kind == "html":
        helpers = _html_helpers(d.lang)
    else:
        helpers = _markdown_helpers(_markdown_environment(d.lang), d.lang)
    return {"d": d, "lang": d.lang, "long_date": lambda value: long_date(value, d.lang),
            "long_date_fr": lambda value: long_date(value, "fr"), "ddd_form": DDD_FORM,
            "ddd_delegates": DDD_DELEGATES, "ddd_address": DDD_ADDRESS, "ddd_name": DDD_NAME,
            "rgaa_name": RGAA_NAME, "declaration_name": DECLARATION_NAME, "current_rgaa": CURRENT_RGAA,
            "expiry": expiry(d), "validity_line": validity_line(d), "groups": theme_groups(d),
            "results_detail": results_detail(d) if d.has_rate else "", **helpers}


def render_fragment(d: Declaration) -> str:
    """An HTML fragment for the CMS: sections with headings from h2, no <html> or styles."""
    from audit.reports.html import environment

    return environment(d.lang).get_template("declaration_fragment.html.j2").render(**_context(d))


def render_html(d: Declaration) -> str:
    """A standalone, accessible page, ``<html lang>`` in the declaration's language."""
    from audit.reports.html import environment

    return environment(d.lang).get_template("declaration.html.j2").render(**_context(d))


def render_markdown(d: Declaration) -> str:
    return _markdown_environment(d.lang).get_template("declaration.md.j2").render(**_context(d, "md"))


def write(d: Declaration, out: Path) -> list[Path]:
    """In ``out``: declaration.html (standalone), declaration-fragment.html (CMS) and declaration.md; in
    English, accessibility-statement.html, accessibility-statement-fragment.html and
    accessibility-statement.md."""
    out.mkdir(parents=True, exist_ok=True)
    texts = (render_html(d), render_fragment(d), render_markdown(d))
    paths = []
    for name, text in zip(FILES[d.lang], texts, strict=True):
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def summary(d: Declaration) -> str:
    """What the CLI prints, in the declaration's language."""
    lang = d.lang
    lines = []
    if d.draft:
        lines.append(words.text("BROUILLON : cette déclaration n'est pas publiable.", lang=lang))
        if d.missing:
            ids = ", ".join(c.id for c in d.missing[:30]) + (" …" if len(d.missing) > 30 else "")
            lines.append("  " + words.plural(len(d.missing), "{n} critère reste à vérifier : {criteria}",
                                             "{n} critères restent à vérifier : {criteria}", lang=lang,
                                             criteria=ids))
        for fact in d.missing_facts:
            lines.append("  " + words.text("Manque : {fact}.", lang=lang, fact=fact))
    lines.append(words.text("État de conformité : {state}.", lang=lang, state=d.state_label))
    if d.global_rate and d.mean_rate:
        lines.append(words.text("Taux global : {rate} ; taux moyen : {mean}.", lang=lang, rate=d.global_rate,
                                mean=d.mean_rate))
    elif d.global_rate:
        lines.append(words.text("Taux global : {rate}.", lang=lang, rate=d.global_rate))
    elif d.expired:
        lines.append(expiry(d))
    else:
        lines.append(scoring.rates_reason(d.rates, lang) or words.text("Taux non calculable.", lang=lang))
    lines.append(words.plural(len(d.nonconformities), "Non-conformités : {n} critère.",
                              "Non-conformités : {n} critères.", lang=lang))
    lines.extend(d.warnings)
    if d.conflicts:
        lines.append(words.plural(
            d.conflicts, "À réexaminer : {n} case de la grille où l'auditeur a conclu « conforme » ou « non "
            "applicable » malgré des constats automatiques en échec (détail dans le rapport).",
            "À réexaminer : {n} cases de la grille où l'auditeur a conclu « conforme » ou « non applicable » "
            "malgré des constats automatiques en échec (détail dans le rapport).", lang=lang))
    lines.append(words.text("Mention de pied de page : « {footer} »", lang=lang, footer=d.footer))
    return "\n".join(lines)

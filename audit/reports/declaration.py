"""The déclaration d'accessibilité: the official structure, in our own French words.

``declare(site, assessment, lang="fr")`` builds it from the assessed run (audit.assessment: the sample, the
grid, the rates, the auditor's verdicts and the tester sessions registered with the site); ``render_html`` (a standalone page), ``render_fragment`` (an HTML
fragment for the city's CMS, headings from h2) and ``render_markdown`` write it.

French is the declaration the RGAA asks for, and its wording stays as it is. With ``lang="en"`` the same
facts are written as an English accessibility statement (``accessibility-statement*.html|md``): a
translation for information, which says so and points to the French declaration as the reference. Each
language has its own templates (``declaration*.j2`` and ``declaration*.en.*.j2``); the short labels
(title, draft, footer) come from ``audit.i18n`` like the HTML report's.

Sections: preamble (entity, schéma pluriannuel, plan d'action of the year), état de conformité,
résultats des tests, contenus non accessibles (non-conformités from the NC criteria, dérogations pour
charge disproportionnée, contenus non soumis), établissement de la déclaration (dates, technologies,
test environments, tools, pages checked), retour d'information et contact, voies de recours.

Honesty: while any criterion of any page of the sample is NT ("à vérifier"), or a fact the law asks
for is missing (entity, contact, auditor), the declaration is a **BROUILLON** (draft) that says what is
missing, and its state is "non conforme" (no valid audit). A declaration is valid three years after
``declaration.published``; an audit made against another RGAA version than ``CURRENT_RGAA`` is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from audit import __version__, scoring, standards
from audit.model import Site

if TYPE_CHECKING:
    from audit.assessment import Assessment

CURRENT_RGAA = "4.1.2"
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


@dataclass(frozen=True, slots=True)
class Declaration:
    lang: str
    entity: str
    site_name: str
    base_url: str
    state: scoring.Compliance
    draft: bool
    missing: tuple[CriterionNote, ...]  # criteria still NT, with their pages
    missing_facts: tuple[str, ...]  # in ``lang``: facts sites.yaml or the auditor file must give
    global_rate: str | None  # formatted ("87,5 %"), None when not computable
    mean_rate: str | None
    rates: scoring.Rates
    auditor: str
    audit_date: str | None
    nonconformities: tuple[CriterionNote, ...]
    derogations: tuple[Any, ...]  # audit.auditor.Derogation
    exemptions: tuple[Any, ...]  # audit.auditor.Exemption
    established: str  # ISO date
    updated: str  # ISO date
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
    rgaa_version: str  # the version the audit was made against
    published: str | None
    valid_until: str | None
    expired: bool
    rgaa_outdated: bool
    warnings: tuple[str, ...] = ()
    conflicts: int = 0  # grid cells where the auditor's C / NA stands against failed automated findings
    year: int = field(default_factory=lambda: date.today().year)

    @property
    def state_label(self) -> str:
        return self.state.label(self.lang)

    @property
    def footer(self) -> str:
        """The mention for every page's footer: "Accessibilité : partiellement conforme"."""
        word = "Accessibility" if self.lang == "en" else "Accessibilité"
        return f"{word} : {self.state_label}" if self.lang != "en" else f"{word}: {self.state_label}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _absolute(url: str, base: str) -> str:
    return urljoin(base.rstrip("/") + "/", url) if url else ""


def _notes(grid: scoring.Grid, status: scoring.Status, lang: str) -> tuple[CriterionNote, ...]:
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
        out.append(CriterionNote(id=cid, title=crit.title_en if lang == "en" else crit.title,
                                 theme=theme.title_en if lang == "en" else theme.title, pages=pages,
                                 comments=comments, all_pages=len(pages) == len(grid.pages) > 1))
    return tuple(out)


def declare(site: Site, a: Assessment, lang: str = "fr", today: date | None = None) -> Declaration:
    """The declaration of ``site`` from the assessed run ``a`` (its sample, grid, rates, the auditor's verdicts
    and the tester sessions registered with it); ``lang`` "en" for the English statement (a translation for
    information), any other value for the French one. A pure function of its arguments."""
    lang = "en" if lang == "en" else "fr"
    run = a.run
    today = today or date.today()
    facts = site.declaration
    rates = a.rates
    audit = a.audit
    base = site.base_url

    auditor = (audit.auditor if audit and audit.auditor else "") or facts.auditor
    audit_date = (audit.date if audit and audit.date else None) or (run.started or "")[:10] or None
    rgaa_version = (audit.rgaa if audit else None) or str(run.meta.get("rgaa_version") or CURRENT_RGAA)

    en = lang == "en"
    missing_facts = []
    if not facts.entity:
        missing_facts.append(_WORDS["no_entity"][en])
    if not (facts.contact_email or facts.contact_form or facts.contact_address):
        missing_facts.append(_WORDS["no_contact"][en])
    if not auditor:
        missing_facts.append(_WORDS["no_auditor"][en])
    if not a.grid.pages:
        missing_facts.append(_WORDS["no_sample"][en])

    published = facts.published
    valid_until = expired = None
    warnings = []
    if published:
        try:
            start = date.fromisoformat(published)
        except ValueError:
            warnings.append(_WORDS["bad_published"][en].format(published=published))
            start = None
        if start is not None:
            until = _add_years(start, VALIDITY_YEARS)
            valid_until, expired = until.isoformat(), today > until
            if expired:
                warnings.append(_WORDS["expired"][en].format(start=_date(start, lang),
                                                             until=_date(until, lang)))
    rgaa_outdated = rgaa_version != CURRENT_RGAA
    if rgaa_outdated:
        warnings.append(_WORDS["rgaa_outdated"][en].format(version=rgaa_version, current=CURRENT_RGAA))

    meta = run.meta
    unknown = _WORDS["unknown_version"][en]
    tools = (f"a11y-audit {meta.get('tool_version') or __version__}",
             f"axe-core {meta.get('axe_version') or unknown}",
             f"Chromium {meta.get('chromium_version') or unknown}")
    draft = not rates.valid or bool(missing_facts)
    return Declaration(
        lang=lang, entity=facts.entity or site.name, site_name=site.name, base_url=base, state=rates.state,
        draft=draft, missing=_notes(a.grid, scoring.Status.NT, lang),
        missing_facts=tuple(missing_facts),
        global_rate=scoring.format_rate(rates.global_rate, lang) if rates.valid else None,
        mean_rate=scoring.format_rate(rates.mean_rate, lang) if rates.valid and rates.mean_rate is not None else None,
        rates=rates, auditor=auditor, audit_date=audit_date,
        nonconformities=_notes(a.grid, scoring.Status.NC, lang),
        derogations=tuple(audit.derogations) if audit else (), exemptions=tuple(audit.exemptions) if audit else (),
        established=published or today.isoformat(), updated=today.isoformat(),
        technologies=tuple(facts.technologies), environments=tuple(a.environments), tools=tools,
        pages=tuple(PageRef(p.name, p.url) for p in a.grid.pages),
        contact_email=facts.contact_email, contact_form=_absolute(facts.contact_form, base),
        contact_address=facts.contact_address, schema_url=_absolute(facts.schema_url, base),
        action_plan_url=_absolute(facts.action_plan_url, base), report_url=_absolute(facts.report_url, base),
        grid_url=_absolute(getattr(facts, "grid_url", "") or "", base), rgaa_version=rgaa_version,
        published=published, valid_until=valid_until, expired=bool(expired), rgaa_outdated=rgaa_outdated,
        warnings=tuple(warnings), year=today.year,
        conflicts=sum(1 for c in a.grid.cells.values() if c.verdict is not None and c.computed == scoring.Status.NC
                      and c.status in (scoring.Status.C, scoring.Status.NA)))


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

# What declare() and summary() write, (French, English): indexed by ``lang == "en"``.
_WORDS: dict[str, tuple[str, str]] = {
    "no_entity": ("le nom de l'entité (declaration.entity dans sites.yaml)",
                  "the name of the entity (declaration.entity in sites.yaml)"),
    "no_contact": ("un moyen de contact (declaration.contact_email, contact_form ou contact_address dans "
                   "sites.yaml)",
                   "a means of contact (declaration.contact_email, contact_form or contact_address in "
                   "sites.yaml)"),
    "no_auditor": ("le nom de l'auditeur ou de l'organisme qui a réalisé l'audit (auditor dans le fichier "
                   "de l'auditeur, ou declaration.auditor dans sites.yaml)",
                   "the name of the auditor or of the organisation that made the audit (auditor in the "
                   "auditor's file, or declaration.auditor in sites.yaml)"),
    "no_sample": ("un échantillon de pages auditées", "a sample of audited pages"),
    "bad_published": ("La date de publication « {published} » n'est pas une date AAAA-MM-JJ "
                      "(declaration.published dans sites.yaml).",
                      "The publication date \"{published}\" is not a YYYY-MM-DD date "
                      "(declaration.published in sites.yaml)."),
    "expired": ("La déclaration publiée le {start} n'est plus valable depuis le {until} : un nouvel audit "
                "est nécessaire.",
                "The statement published on {start} is no longer valid since {until}: a new audit is "
                "needed."),
    "rgaa_outdated": ("L'audit a été réalisé selon le RGAA {version} ; la version en vigueur est le RGAA "
                      "{current} : un nouvel audit selon cette version est nécessaire.",
                      "The audit was made against RGAA {version}; the version in force is RGAA {current}: "
                      "a new audit against that version is needed."),
    "unknown_version": ("(version inconnue)", "(unknown version)"),
    "draft": ("BROUILLON : cette déclaration n'est pas publiable.",
              "DRAFT: this statement cannot be published."),
    "to_verify": ("  {n} critère(s) restent à vérifier : ", "  Criteria still to verify ({n}): "),
    "missing": ("  Manque : {fact}.", "  Missing: {fact}."),
    "state": ("État de conformité : {state}.", "Compliance status: {state}."),
    "rates": ("Taux global : {rate}", "Overall rate: {rate}"),
    "mean": (" ; taux moyen : {rate}", "; average rate: {rate}"),
    "no_rate": ("Taux non calculable.", "Rate not computable."),
    "no_rate_nt": ("Taux non calculable : {n} critère(s) à vérifier ({cells} case(s) de la grille).",
                   "Rate not computable: criteria to verify: {n} ({cells} grid cell(s))."),
    "nc": ("Non-conformités : {n} critère(s).", "Non-compliant criteria: {n}."),
    "conflicts": ("À réexaminer : {n} case(s) de la grille où l'auditeur a conclu « conforme » ou « non "
                  "applicable » malgré des constats automatiques en échec (détail dans le rapport).",
                  "To re-examine: {n} grid cell(s) where the auditor concluded \"compliant\" or \"not "
                  "applicable\" despite failed automated findings (details in the report)."),
    "footer": ("Mention de pied de page : « {footer} »", "Footer mention: \"{footer}\""),
}

# The files write() makes, per language: the French names stay those of the déclaration.
FILES = {"fr": ("declaration.html", "declaration-fragment.html", "declaration.md"),
         "en": ("accessibility-statement.html", "accessibility-statement-fragment.html",
                "accessibility-statement.md")}


def _fr_date(value: date | str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def _en_date(value: date | str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _date(value: date | str | None, lang: str) -> str:
    return _en_date(value) if lang == "en" else _fr_date(value)


def _context(d: Declaration) -> dict[str, Any]:
    from audit.i18n import labels

    return {"d": d, "fr_date": _fr_date, "en_date": _en_date,
            "long_date": _en_date if d.lang == "en" else _fr_date, "ddd_form": DDD_FORM,
            "ddd_delegates": DDD_DELEGATES, "ddd_address": DDD_ADDRESS, "current_rgaa": CURRENT_RGAA,
            "t": labels(d.lang), "lang": d.lang}


def _template(name: str, lang: str) -> str:
    """``declaration_fragment.html.j2`` (French) or ``declaration_fragment.en.html.j2`` (English)."""
    if lang != "en":
        return name
    stem, _, ext = name.partition(".")
    return f"{stem}.en.{ext}"


def render_fragment(d: Declaration) -> str:
    """An HTML fragment for the CMS: sections with headings from h2, no <html> or styles."""
    from audit.reports.html import environment

    return environment().get_template(_template("declaration_fragment.html.j2", d.lang)).render(**_context(d))


def render_html(d: Declaration) -> str:
    """A standalone, accessible page, ``<html lang>`` in the declaration's language."""
    from audit.reports.html import environment

    context = _context(d) | {"fragment": _template("declaration_fragment.html.j2", d.lang)}
    return environment().get_template("declaration.html.j2").render(**context)


def render_markdown(d: Declaration) -> str:
    from audit.reports.remediation import markdown_environment

    return markdown_environment().get_template(_template("declaration.md.j2", d.lang)).render(**_context(d))


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
    en = d.lang == "en"

    def say(key: str, **values: Any) -> str:
        return _WORDS[key][en].format(**values)

    lines = []
    if d.draft:
        lines.append(say("draft"))
        if d.missing:
            lines.append(say("to_verify", n=len(d.missing))
                         + ", ".join(c.id for c in d.missing[:30]) + (" …" if len(d.missing) > 30 else ""))
        for fact in d.missing_facts:
            lines.append(say("missing", fact=fact))
    lines.append(say("state", state=d.state_label))
    if d.global_rate:
        mean = say("mean", rate=d.mean_rate) if d.mean_rate else ""
        lines.append(say("rates", rate=d.global_rate) + mean + ".")
    elif en and d.rates.nt_cells:
        lines.append(say("no_rate_nt", n=len(d.rates.nt_criteria), cells=d.rates.nt_cells))
    elif en:
        lines.append(say("no_rate"))
    else:
        lines.append(d.rates.reason or say("no_rate"))
    lines.append(say("nc", n=len(d.nonconformities)))
    lines.extend(d.warnings)
    if d.conflicts:
        lines.append(say("conflicts", n=d.conflicts))
    lines.append(say("footer", footer=d.footer))
    return "\n".join(lines)

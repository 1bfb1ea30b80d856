"""The déclaration d'accessibilité: the official structure, in our own French words.

``declare(store, site, run, verdicts=None, sessions=None)`` builds it from the run, the auditor's
verdicts and the tester sessions; ``render_html`` (a standalone page), ``render_fragment`` (an HTML
fragment for the city's CMS, headings from h2) and ``render_markdown`` write it.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from audit import __version__, scoring, standards
from audit.model import Site
from audit.store import RunInfo, Store

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
    missing_facts: tuple[str, ...]  # French: facts sites.yaml or the auditor file must give
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
    out = []
    for cid in grid.criteria:
        if grid.rollup(cid) != status and status == scoring.Status.NC:
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


def declare(store: Store, site: Site, run: RunInfo | str, verdicts: Any = None, sessions: Any = None,
            lang: str = "fr", today: date | None = None, sample: Sequence[Any] | None = None,
            assessment: Any = None) -> Declaration:
    """The declaration of ``site`` from ``run`` (a RunInfo or a run reference), the auditor's ``verdicts``
    (an AuditorFile or the path of a YAML / CSV file) and tester ``sessions`` (loaded, or paths)."""
    from audit.reports import assess

    if isinstance(run, str):
        run = store.run(run)
    a = assessment or assess(store, run, site, verdicts, sessions, sample)
    today = today or date.today()
    facts = site.declaration
    rates = a.rates
    audit = a.audit
    base = site.base_url

    auditor = (audit.auditor if audit and audit.auditor else "") or facts.auditor
    audit_date = (audit.date if audit and audit.date else None) or (run.started or "")[:10] or None
    rgaa_version = (audit.rgaa if audit else None) or str(run.meta.get("rgaa_version") or CURRENT_RGAA)

    missing_facts = []
    if not facts.entity:
        missing_facts.append("le nom de l'entité (declaration.entity dans sites.yaml)")
    if not (facts.contact_email or facts.contact_form or facts.contact_address):
        missing_facts.append("un moyen de contact (declaration.contact_email, contact_form ou contact_address "
                             "dans sites.yaml)")
    if not auditor:
        missing_facts.append("le nom de l'auditeur ou de l'organisme qui a réalisé l'audit (auditor dans le "
                             "fichier de l'auditeur, ou declaration.auditor dans sites.yaml)")
    if not a.grid.pages:
        missing_facts.append("un échantillon de pages auditées")

    published = facts.published
    valid_until = expired = None
    warnings = []
    if published:
        try:
            start = date.fromisoformat(published)
        except ValueError:
            warnings.append(f"La date de publication « {published} » n'est pas une date AAAA-MM-JJ "
                            "(declaration.published dans sites.yaml).")
            start = None
        if start is not None:
            until = _add_years(start, VALIDITY_YEARS)
            valid_until, expired = until.isoformat(), today > until
            if expired:
                warnings.append(f"La déclaration publiée le {_fr_date(start)} n'est plus valable depuis le "
                                f"{_fr_date(until)} : un nouvel audit est nécessaire.")
    rgaa_outdated = rgaa_version != CURRENT_RGAA
    if rgaa_outdated:
        warnings.append(f"L'audit a été réalisé selon le RGAA {rgaa_version} ; la version en vigueur est le RGAA "
                        f"{CURRENT_RGAA} : un nouvel audit selon cette version est nécessaire.")

    meta = run.meta
    tools = (f"a11y-audit {meta.get('tool_version') or __version__}",
             f"axe-core {meta.get('axe_version') or '(version inconnue)'}",
             f"Chromium {meta.get('chromium_version') or '(version inconnue)'}")
    draft = not rates.valid or bool(missing_facts)
    return Declaration(
        lang=lang, entity=facts.entity or site.name, site_name=site.name, base_url=base, state=rates.state,
        draft=draft, missing=_notes(a.grid, scoring.Status.NT, lang) if rates.nt_cells else (),
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


def _fr_date(value: date | str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def _context(d: Declaration) -> dict[str, Any]:
    return {"d": d, "fr_date": _fr_date, "ddd_form": DDD_FORM, "ddd_delegates": DDD_DELEGATES,
            "ddd_address": DDD_ADDRESS, "current_rgaa": CURRENT_RGAA}


def _check_lang(d: Declaration) -> None:
    if d.lang != "fr":
        raise ValueError("the déclaration d'accessibilité is a French legal text: only lang='fr' is rendered")


def render_fragment(d: Declaration) -> str:
    """An HTML fragment for the CMS: sections with headings from h2, no <html> or styles."""
    from audit.reports.html import environment

    _check_lang(d)
    return environment().get_template("declaration_fragment.html.j2").render(**_context(d))


def render_html(d: Declaration) -> str:
    """A standalone, accessible page."""
    from audit.reports.html import environment, labels

    _check_lang(d)
    return environment().get_template("declaration.html.j2").render(**_context(d), t=labels("fr"), lang="fr")


def render_markdown(d: Declaration) -> str:
    from audit.reports.remediation import markdown_environment

    _check_lang(d)
    return markdown_environment().get_template("declaration.md.j2").render(**_context(d))


def write(d: Declaration, out: Path) -> list[Path]:
    """declaration.html (standalone), declaration-fragment.html (CMS) and declaration.md in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"declaration.html": render_html(d), "declaration-fragment.html": render_fragment(d),
             "declaration.md": render_markdown(d)}
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def summary(d: Declaration) -> str:
    """What the CLI prints (French)."""
    lines = []
    if d.draft:
        lines.append("BROUILLON : cette déclaration n'est pas publiable.")
        if d.missing:
            lines.append(f"  {len(d.missing)} critère(s) restent à vérifier : "
                         + ", ".join(c.id for c in d.missing[:30]) + (" …" if len(d.missing) > 30 else ""))
        for fact in d.missing_facts:
            lines.append(f"  Manque : {fact}.")
    lines.append(f"État de conformité : {d.state_label}.")
    if d.global_rate:
        lines.append(f"Taux global : {d.global_rate}" + (f" ; taux moyen : {d.mean_rate}" if d.mean_rate else "") + ".")
    else:
        lines.append(d.rates.reason or "Taux non calculable.")
    lines.append(f"Non-conformités : {len(d.nonconformities)} critère(s).")
    lines.extend(d.warnings)
    if d.conflicts:
        lines.append(f"À réexaminer : {d.conflicts} case(s) de la grille où l'auditeur a conclu « conforme » ou "
                     "« non applicable » malgré des constats automatiques en échec (détail dans le rapport).")
    lines.append(f"Mention de pied de page : « {d.footer} »")
    return "\n".join(lines)

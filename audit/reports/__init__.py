"""Renderers: pure functions of one audit run. ``build`` makes the one result object they all read.

``assess`` gathers what every renderer needs — the run's findings (merged with tester sessions when
there are some), the sample, the RGAA grid, the rates and the prioritised issues — and ``build`` turns
it into the JSON-ready report object (schema in docs/report-schema.md).

``visible_controls`` is the one guard every human-readable renderer applies to text that comes from pages
or testers, on top of its own escaping: Unicode bidi controls are written out, never applied.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from audit import i18n, scoring, standards, wording
from audit.model import Finding, Impact, Outcome, PageKind, PageSnapshot, Site, Source
from audit.store import RunInfo, Store, page_id

SCHEMA_VERSION = "1.1"

IMPACT_ORDER = [Impact.CRITICAL, Impact.SERIOUS, Impact.MODERATE, Impact.MINOR]

# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks LRM, RLM, ALM.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_controls(value: Any) -> Any:
    """``value`` with its Unicode bidi controls shown as ``‹U+202E›`` instead of applied.

    A title "\u202egnp.exe" displays as "exe.png" and reorders the rest of its line: reports, the remediation
    plan, the grid, the summary and the declaration write such controls out. Text in, same type out (a
    ``Markup`` stays ``Markup``: the marker holds no HTML, Markdown or CSV syntax); anything else unchanged.
    """
    if not isinstance(value, str) or not BIDI_CONTROLS.search(value):
        return value
    shown = BIDI_CONTROLS.sub(lambda m: f"‹U+{ord(m.group()):04X}›", value)
    return type(value)(shown) if type(value) is not str else shown


def _impact_rank(f: Finding) -> int:
    return f.impact.rank if f.impact else -1


@dataclass(slots=True)
class Assessment:
    """Everything the reports and the declaration are made of, for one run."""

    run: RunInfo
    site: Site | None
    pages: list[PageSnapshot]
    # what the reports show, in the store's order (merged with tester sessions): failed and cant_tell
    # findings, dismissed ones and testers' of any outcome; passed and inapplicable ones (most of a run)
    # are only counted, in page_counts, and read page by page for the grid
    findings: list[Finding]
    barriers: list[Finding]  # tester barriers without an RGAA criterion
    grid: scoring.Grid
    rates: scoring.Rates
    issues: list[scoring.Issue]
    sample_source: str  # "sites.yaml": the pinned sample; "run": every page the run audited
    page_weight: dict[str, float] = field(default_factory=dict)
    environments: list[str] = field(default_factory=list)
    sessions: int = 0
    tester_notes: list[str] = field(default_factory=list)
    audit: Any = None  # audit.auditor.AuditorFile
    page_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # page key → live findings by outcome

    @property
    def dismissed(self) -> list[Finding]:
        return [f for f in self.findings if f.extra and f.extra.get("dismissed")]


def _page_name(snap: PageSnapshot) -> str:
    from audit.sample import _title_head_raw, site_path

    return snap.name or _title_head_raw(snap.title) or site_path(snap.final_url or snap.url)


def _ref(snap: PageSnapshot) -> str:
    from audit.sample import site_path

    return snap.key if snap.journey is not None else site_path(snap.final_url or snap.url)


def grid_pages(pages: Sequence[PageSnapshot], sample: Iterable[Any] = (), base_url: str = "") -> tuple[
        tuple[scoring.GridPage, ...], str]:
    """The pages of the grid: the pinned sample (entries with ``name`` and ``path``) when there is one,
    else every HTML page the run audited (errors and HTTP errors left out)."""
    from audit.sample import site_path

    entries = list(sample)
    if not entries:
        out = [scoring.GridPage(key=s.key, url=s.final_url or s.url, name=_page_name(s), ref=_ref(s),
                                journey=s.journey, step=s.step)
               for s in pages if s.kind == PageKind.HTML and not s.error and (s.status or 200) < 400]
        return tuple(out), "run"
    by_ref: dict[str, PageSnapshot] = {}
    for s in pages:
        if s.kind != PageKind.HTML:
            continue
        if s.journey is not None:
            by_ref[s.key] = s
            continue
        for u in (s.final_url, s.url):
            if u:
                current = by_ref.get(site_path(u))
                if current is None or (current.error and not s.error):
                    by_ref[site_path(u)] = s
    out = []
    seen: set[str] = set()
    for entry in entries:
        path = str(getattr(entry, "path", entry))
        name = str(getattr(entry, "name", "") or path)
        reason = str(getattr(entry, "reason", "") or "")
        snap = by_ref.get(path) or by_ref.get(site_path(urljoin(base_url + "/", path)) if base_url else path)
        if snap is None:
            key = f"absent:{path}"
            out.append(scoring.GridPage(key=key, url=urljoin(base_url + "/", path) if base_url else path, name=name,
                                        ref=path, reason=reason,
                                        error="page de l'échantillon absente de cet audit"))
            continue
        if snap.key in seen:
            continue
        seen.add(snap.key)
        error = snap.error or (f"HTTP {snap.status}" if snap.status and snap.status >= 400 else None)
        out.append(scoring.GridPage(key=snap.key, url=snap.final_url or snap.url, name=name, ref=path,
                                    journey=snap.journey, step=snap.step, reason=reason, error=error))
    return tuple(out), "sites.yaml"


def load_sessions(paths: Iterable[str | os.PathLike[str]], site: str | None = None) -> tuple[list, list[str]]:
    """Tester sessions under these files or folders: (sessions about ``site``, problems as file:line)."""
    from audit import testers

    sessions, messages = testers.load_sessions(list(paths))
    if site:
        sessions = testers.sessions_for(site, sessions)
    return sessions, messages


def assess(store: Store, run: RunInfo, site: Site | None = None, verdicts: Any = None, sessions: Any = None,
           sample: Iterable[Any] | None = None) -> Assessment:
    """The grid, rates and issues of ``run``.

    ``verdicts``: an ``AuditorFile`` or the path of an auditor YAML / grid CSV. ``sessions``: loaded tester
    sessions, or paths of session files / folders (no sessions: no merge). ``sample``: entries with
    ``name`` and ``path`` (``audit.sample.Sample.pages`` or ``Site.sample``); default: the site's pinned
    sample, else every audited page.
    """
    from audit import auditor

    pages = store.pages(run)
    findings: Iterable[Finding] = store.findings(run)  # a list only when merged with sessions
    barriers: list[Finding] = []
    page_weight: dict[str, float] = {}
    environments: list[str] = []
    notes: list[str] = []
    count = 0
    if sessions:
        if isinstance(sessions, (str, os.PathLike)) or (isinstance(sessions, (list, tuple)) and sessions and
                                                         isinstance(sessions[0], (str, os.PathLike))):
            paths = [sessions] if isinstance(sessions, (str, os.PathLike)) else list(sessions)
            loaded, problems = load_sessions(paths, site.id if site else run.site)
            notes.extend(problems)
            sessions = loaded
        if sessions:
            from audit import testers

            merged = testers.merge(list(findings), list(sessions), pages)
            findings, barriers = merged.findings, merged.barriers
            page_weight, environments = dict(merged.page_weight), list(merged.environments)
            notes.extend(merged.notes)
            count = len(sessions)
    if sample is None:
        sample = getattr(site, "sample", ()) if site is not None else ()
    gpages, source = grid_pages(pages, sample or (), site.base_url if site else run.base_url)
    audit_file = None
    resolved = None
    if verdicts is not None:
        audit_file = verdicts if isinstance(verdicts, auditor.AuditorFile) else auditor.load(verdicts)
        resolved = auditor.resolve(audit_file, gpages)
        for env in audit_file.environments:
            if env not in environments:
                environments.append(env)
    if isinstance(findings, list):  # merged with sessions: already in memory
        grid = scoring.build_grid(gpages, findings, resolved)
    else:
        grid = _grid_page_by_page(store, run, gpages, resolved)
    findings, page_counts = _shown(findings, barriers)
    rates = scoring.compute_rates(grid)
    order = [p.key for p in gpages] + [p.key for p in pages]
    issues = scoring.group_issues([*findings, *barriers], page_weight=page_weight,
                                  journey_pages=[p.key for p in pages if p.journey], page_order=order)
    return Assessment(run=run, site=site, pages=pages, findings=findings, barriers=barriers, grid=grid, rates=rates,
                      issues=issues, sample_source=source, page_weight=page_weight, environments=environments,
                      sessions=count, tester_notes=notes, audit=audit_file, page_counts=page_counts)


def _shown(findings: Iterable[Finding], barriers: list[Finding]) -> tuple[list[Finding], dict[str, dict[str, int]]]:
    """One pass over the run's findings: those the reports show (see ``Assessment.findings``), in order, and
    every page's count of live findings by outcome (barriers after the findings, as the reports list them)."""
    shown: list[Finding] = []
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) or _dismissed(f) or f.source == Source.TESTER:
            shown.append(f)
        if not _dismissed(f):
            counts[f.page_key][f.outcome.value] += 1
    for f in barriers:
        if not _dismissed(f):
            counts[f.page_key][f.outcome.value] += 1
    return shown, {key: dict(c) for key, c in counts.items()}


def _grid_page_by_page(store: Store, run: RunInfo, gpages: tuple[scoring.GridPage, ...],
                       verdicts: Any) -> scoring.Grid:
    """``scoring.build_grid`` fed one page's findings at a time (all the steps of a journey together, for the
    journey rule), so the run's findings are never all in memory; the same grid."""
    parts: dict[str, list[scoring.GridPage]] = {}
    for p in gpages:
        parts.setdefault(f"journey:{p.journey}" if p.journey else f"page:{p.key}", []).append(p)
    cells: dict[tuple[str, str], scoring.Cell] = {}
    shared: dict[tuple, tuple] = {}  # equal tests and proofs of many pages' cells, held once
    for part in parts.values():
        found = [f for p in part for f in store.findings(run, p.key)]
        for key, cell in scoring.build_grid(part, found, verdicts).cells.items():
            cells[key] = replace(cell, tests=shared.setdefault(cell.tests, cell.tests),
                                 proofs=shared.setdefault(cell.proofs, cell.proofs))
    return scoring.Grid(pages=gpages, cells={(p.key, c): cells[(p.key, c)] for p in gpages for c in standards.CRITERIA})


def build(store: Store, run: RunInfo, site: Site | None = None, verdicts: Any = None, sessions: Any = None,
          sample: Iterable[Any] | None = None, lang: str = "fr", assessment: Assessment | None = None
          ) -> dict[str, Any]:
    """The report object: run metadata, totals, rates, prioritised issues, grid, pages. JSON-ready."""
    a = assessment or assess(store, run, site, verdicts, sessions, sample)
    return report_of(a, lang)


def report_of(a: Assessment, lang: str = "fr") -> dict[str, Any]:
    pages, findings, run = a.pages, a.findings, a.run
    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in [*findings, *a.barriers]:
        by_page[f.page_key].append(f)
    snaps = {p.key: p for p in pages}
    in_grid = {p.key: p for p in a.grid.pages}
    rates = dict(a.rates.page_rates)

    rank_of = {id(f): issue.rank for issue in a.issues for f in issue.findings}
    page_items = []
    for snap in pages:
        items = by_page.get(snap.key, [])
        live = [f for f in items if not _dismissed(f)]
        shown = [f for f in live if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL)]
        shown.sort(key=lambda f: (-f.outcome.rank, -_impact_rank(f), f.source != Source.TESTER, f.check_id))
        item = {
            "key": snap.key, "id": page_id(snap.key), "url": snap.url, "final_url": snap.final_url,
            "name": snap.name, "title": snap.title, "kind": snap.kind.value, "status": snap.status,
            "journey": snap.journey, "step": snap.step, "error": snap.error,
            "error_text": wording.page_error(snap.error, lang) if snap.error else None, "timings": snap.timings,
            "files": snap.files, "reused_from": snap.reused_from,
            "counts": a.page_counts.get(snap.key, {}),
            "findings": [{**_finding_dict(f, snap), "issue": rank_of.get(id(f))} for f in shown],
            "dismissed": [_dismissed_dict(f, snap) for f in items if _dismissed(f)],
            "in_sample": snap.key in in_grid,
        }
        if snap.key in in_grid:
            item["grid"] = _page_grid(a.grid, snap.key, rates.get(snap.key), lang)
        page_items.append(item)
    for gp in a.grid.pages:  # sample pages the run lacks
        if gp.key not in snaps:
            page_items.append({"key": gp.key, "id": page_id(gp.key), "url": gp.url, "final_url": None,
                               "name": gp.name, "title": None, "kind": "html", "status": None, "journey": None,
                               "step": None, "error": gp.error,
                               "error_text": wording.page_error(gp.error, lang) if gp.error else None,
                               "timings": {}, "files": {}, "reused_from": None,
                               "counts": {}, "findings": [], "dismissed": [], "in_sample": True,
                               "grid": _page_grid(a.grid, gp.key, None, lang)})

    live_all = [f for f in findings if not _dismissed(f)]
    failed = [f for f in live_all if f.outcome == Outcome.FAILED]
    by_impact = Counter(f.impact.value if f.impact else "none" for f in failed)
    names = {p.key: p.name for p in a.grid.pages}
    names.update({p.key: _page_name(p) for p in pages if p.key not in names})
    issues = [scoring.issue_dict(i, names, lang) for i in a.issues]
    for issue, data in zip(a.issues, issues, strict=True):
        data["shot"] = _issue_shot(issue, snaps)
    audit = a.audit
    questions: dict[tuple[str, str], dict[str, Any]] = {}
    for f in live_all:
        if f.outcome != Outcome.CANT_TELL:
            continue
        group = questions.setdefault((f.check_id, f.question or f.title), {
            "check_id": f.check_id, "question": f.question or f.title, "title": f.title,
            "rgaa_tests": list(f.rgaa_tests), "wcag": list(f.wcag), "count": 0, "pages": {}})
        group["count"] += 1
        page = group["pages"].setdefault(f.page_key, {"key": f.page_key, "id": page_id(f.page_key),
                                                      "name": names.get(f.page_key, f.page_key), "selectors": []})
        if f.selector and f.selector not in page["selectors"]:
            page["selectors"].append(f.selector)
    to_verify = sorted(({**g, "pages": list(g["pages"].values())} for g in questions.values()),
                       key=lambda g: (-len(g["pages"]), g["check_id"], g["question"]))
    return {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "run": {"id": run.id, "site": run.site, "base_url": run.base_url, "started": run.started,
                "finished": run.finished, "status": run.status, **{k: v for k, v in run.meta.items()
                                                                   if k not in ("skipped",)}},
        "totals": {
            "pages": len([p for p in pages if p.kind == PageKind.HTML]),
            "documents": len([p for p in pages if p.kind == PageKind.DOCUMENT]),
            "page_errors": len([p for p in pages if p.error]),
            "failed": len(failed),
            "cant_tell": sum(1 for f in live_all if f.outcome == Outcome.CANT_TELL),
            "failed_by_impact": {i.value: by_impact.get(i.value, 0) for i in IMPACT_ORDER},
            "rules_failed": len({f.check_id for f in failed}),
            "issues": len(a.issues),
            "dismissed": len(a.dismissed),
            "tester_findings": sum(1 for f in [*findings, *a.barriers] if f.source == Source.TESTER),
        },
        "rates": scoring.rates_dict(a.rates),
        "priority_rule": scoring.PRIORITY_RULE["en" if lang == "en" else "fr"],
        "issues": issues,
        "questions": to_verify,
        "sample": {"source": a.sample_source,
                   "pages": [{"key": p.key, "id": page_id(p.key), "ref": p.ref, "name": p.name, "url": p.url,
                              "journey": p.journey, "reason": p.reason, "error": p.error,
                              "label": f"P{i}"} for i, p in enumerate(a.grid.pages, start=1)]},
        "grid": _grid_dict(a.grid, lang),
        "testers": {"sessions": a.sessions, "environments": a.environments, "notes": a.tester_notes,
                    "barriers": len(a.barriers)},
        "auditor": None if audit is None else {
            "name": audit.auditor, "date": audit.date, "file": str(audit.path), "rgaa": audit.rgaa,
            "environments": list(audit.environments),
            "derogations": [asdict(d) for d in audit.derogations],
            "exemptions": [asdict(e) for e in audit.exemptions]},
        "pages": page_items,
    }


def _dismissed(f: Finding) -> bool:
    return bool(f.extra and f.extra.get("dismissed"))


def _tester(f: Finding) -> dict[str, Any] | None:
    info = f.extra.get("tester") if f.extra else None
    if not isinstance(info, dict):
        return None
    return {"pseudonym": info.get("pseudonym") or "testeur", "impact": info.get("impact"),
            "environment": info.get("environment"), "description": info.get("description"),
            "date": info.get("date")}


def _finding_dict(f: Finding, snap: PageSnapshot | None) -> dict[str, Any]:
    data = asdict(f)
    data["outcome"] = f.outcome.value
    data["source"] = f.source.value
    data["impact"] = f.impact.value if f.impact else None
    data["rgaa_tests"] = list(f.rgaa_tests)
    data["wcag"] = list(f.wcag)
    data["box"] = snap.boxes.get(f.selector) if (snap and f.selector) else None
    data["tester"] = _tester(f)
    answered = f.extra.get("answered_by") if f.extra else None
    data["answered_by"] = ({"pseudonym": answered.get("pseudonym"), "verdict": answered.get("verdict"),
                            "description": answered.get("description")} if isinstance(answered, dict) else
                           answered or None)
    data.pop("extra", None)
    return data


def _dismissed_dict(f: Finding, snap: PageSnapshot) -> dict[str, Any]:
    info = f.extra.get("dismissed")
    reason = info.get("reason") if isinstance(info, dict) else str(info)
    by = info.get("by") if isinstance(info, dict) else None
    return {"check_id": f.check_id, "source": f.source.value, "title": f.title, "selector": f.selector,
            "snippet": f.snippet, "outcome": f.outcome.value, "fingerprint": f.fingerprint, "reason": reason,
            "by": by}


def _page_grid(grid: scoring.Grid, key: str, rate, lang: str) -> dict[str, Any]:
    statuses = grid.page_statuses(key)
    counts = Counter(s.value for s in statuses.values())
    nc = []
    for cid, status in statuses.items():
        if status != scoring.Status.NC:
            continue
        cell = grid.cell(key, cid)
        nc.append({"id": cid, "title": _crit_title(cid, lang),
                   "evidence": sorted({p.ref for p in cell.proofs if p.status == scoring.Status.NC}),
                   "comment": cell.verdict.comment if cell.verdict else "", "notes": list(cell.notes)})
    if counts.get("NT"):  # no page rate while criteria are to verify on it (scoring.page_rate): say why
        rate_text = i18n.labels(lang)["page_rate_pending"].format(n=counts["NT"])
    else:
        rate_text = scoring.format_rate(rate, lang) if rate is not None else None
    return {"counts": {s: counts.get(s, 0) for s in ("C", "NC", "NA", "NT")},
            "rate": float(scoring.round_rate(rate)) if rate is not None else None, "rate_text": rate_text, "nc": nc}


def _crit_title(cid: str, lang: str) -> str:
    crit = standards.CRITERIA[cid]
    return crit.title_en if lang == "en" else crit.title


def _proof_dict(p: scoring.Proof) -> dict[str, Any]:
    return {"source": p.source, "ref": p.ref, "status": p.status.value if p.status else None, "test": p.test,
            "note": p.note, "count": p.count}


def _grid_dict(grid: scoring.Grid, lang: str) -> dict[str, Any]:
    """The grid as JSON-ready data. Cells of many pages say the same (tests, evidence, notes): those parts are
    made once and shared (read-only) by the cells, so a cell costs little more than its own dict."""
    criteria = []
    tests: dict[tuple, dict[str, str]] = {}
    evidence: dict[tuple, list[dict[str, Any]]] = {}
    notes: dict[tuple, list[str]] = {}
    for cid in grid.criteria:
        crit = standards.CRITERIA[cid]
        theme = standards.THEMES[crit.theme]
        cells = []
        for p in grid.pages:
            cell = grid.cell(p.key, cid)
            if cell.tests not in tests:
                tests[cell.tests] = {t: s.value for t, s in cell.tests}
            if cell.proofs not in evidence:
                evidence[cell.proofs] = [_proof_dict(x) for x in cell.proofs]
            if cell.notes not in notes:
                notes[cell.notes] = list(cell.notes)
            cells.append({
                "page": p.key, "status": cell.status.value, "computed": cell.computed.value,
                "tests": tests[cell.tests], "evidence": evidence[cell.proofs],
                "verdict": None if cell.verdict is None else {"status": cell.verdict.status.value,
                                                              "comment": cell.verdict.comment,
                                                              "auditor": cell.verdict.auditor,
                                                              "where": cell.verdict.where},
                "notes": notes[cell.notes]})
        criteria.append({"id": cid, "theme": crit.theme, "theme_title": theme.title_en if lang == "en" else theme.title,
                         "title": _crit_title(cid, lang), "level": crit.level, "status": grid.rollup(cid).value,
                         "cells": cells})
    return {"pages": [p.key for p in grid.pages], "criteria": criteria}


def _issue_shot(issue: scoring.Issue, snaps: dict[str, PageSnapshot]) -> dict[str, Any] | None:
    """The first page of the issue with a screenshot and the element's box: what to crop and outline."""
    for f in issue.findings:
        snap = snaps.get(f.page_key)
        if snap is None or not f.selector:
            continue
        box = snap.boxes.get(f.selector)
        shot = snap.files.get("screenshot")
        if box and shot:
            return {"page": snap.key, "page_id": page_id(snap.key), "file": shot, "box": box,
                    "selector": f.selector}
    return None


def report_dir(run: RunInfo) -> Path:
    folder = run.folder / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

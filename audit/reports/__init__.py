"""Renderers: pure functions of one assessed result (``audit.assessment.Assessment``) and a language.

Nothing here reads the store, drives a browser or runs a check (import-linter contracts in the test suite):
every number is the result's. ``report_of`` turns the result into the JSON-ready report object (schema in
docs/report-schema.md) that the HTML report, report.json and the remediation plan are written from.

``visible_controls`` is the one guard every human-readable renderer applies to text that comes from pages
or testers, on top of its own escaping: Unicode bidi controls are written out, never applied.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from audit import scoring, standards, words
from audit.address import page_id, page_name
from audit.model import Finding, Impact, Outcome, PageKind, PageSnapshot, Source
from audit.words import N_

if TYPE_CHECKING:
    from audit.assessment import Assessment

SCHEMA_VERSION = "1.2"

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


def failure_text(a: Assessment, lang: str = "fr") -> str | None:
    """Why a failed run audited nothing, in ``lang``; None for a run that did not fail."""
    if not a.failed:
        return None
    failure = a.failure or {}
    reason = failure.get("reason") or "no_pages"
    error = failure.get("error")
    said = _FAILURES.get(reason, _FAILURES["no_pages"])
    return words.text(said, lang=lang, url=failure.get("url") or a.run.base_url,
                      error=words.page_error(error, lang) if error else "")


# why a run audited nothing (Store.fail_run's reasons), in words
_FAILURES = {
    "unreachable": N_("Audit échoué : le site n'a pas répondu ({url} : {error}). Aucune page n'a été auditée ; ce n'est pas un audit sans défaut. Vérifiez l'adresse du site (base_url) et qu'il répond depuis cette machine."),
    "no_pages": N_("Audit échoué : aucune page à auditer n'a été trouvée à partir de {url}. Vérifiez base_url, les pages et le périmètre (crawl.include, crawl.exclude, robots.txt) du site."),
    "all_errors": N_("Audit échoué : chaque page a répondu par une erreur (par exemple {url} : {error}). Aucune page n'a été auditée."),
}


def totals_of(a: Assessment) -> dict[str, Any]:
    """The run's totals (docs/numbers.md): what every output says, read from the result."""
    pages = a.pages
    live = a.live
    return {
        "pages": len([p for p in pages if p.kind == PageKind.HTML and not p.error]),
        "documents": len([p for p in pages if p.kind == PageKind.DOCUMENT and not p.error]),
        "page_errors": len([p for p in pages if p.error]),
        "broken_links": len(a.broken_links),
        "problems": a.problems,
        "failed": a.problems,
        "reported_by_several": a.reported_by_several,
        "cant_tell": sum(1 for f in live if f.outcome == Outcome.CANT_TELL),
        "failed_by_impact": {i.value: a.problems_by_impact.get(i.value, 0) for i in IMPACT_ORDER},
        "rules_failed": len({f.check_id for f in a.findings if f.outcome == Outcome.FAILED and not f.dismissed}),
        "issues": len(a.issues),
        "dismissed": len(a.dismissed),
        "tester_findings": sum(1 for f in [*a.findings, *a.barriers] if f.source == Source.TESTER),
        "nc_criteria": len(a.nc_criteria),
        "to_verify_criteria": a.rates.counts.get("NT", 0) if not a.failed else 0,
    }


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
        live = [f for f in items if not f.dismissed and not f.repeated]
        shown = [f for f in live if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL)]
        shown.sort(key=lambda f: (-f.outcome.rank, -_impact_rank(f), f.source != Source.TESTER, f.check_id))
        item = {
            "key": snap.key, "id": page_id(snap.key), "url": snap.url, "final_url": snap.final_url,
            "name": snap.name, "title": snap.title, "kind": snap.kind.value, "status": snap.status,
            "journey": snap.journey, "step": snap.step, "error": snap.error,
            "error_text": words.page_error(snap.error, lang) if snap.error else None, "timings": snap.timings,
            "files": snap.files, "reused_from": snap.reused_from,
            "counts": a.page_counts.get(snap.key, {}),
            "problems": sum(1 for f in shown if f.outcome == Outcome.FAILED),
            "findings": [{**_finding_dict(f, snap, lang), "issue": rank_of.get(id(f))} for f in shown],
            "dismissed": [_dismissed_dict(f, snap, lang) for f in items if f.dismissed],
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
                               "error_text": words.page_error(gp.error, lang) if gp.error else None,
                               "timings": {}, "files": {}, "reused_from": None, "problems": 0,
                               "counts": {}, "findings": [], "dismissed": [], "in_sample": True,
                               "grid": _page_grid(a.grid, gp.key, None, lang)})

    live_all = a.live
    names = {p.key: p.name for p in a.grid.pages}
    names.update({p.key: page_name(p) for p in pages if p.key not in names})
    issues = [scoring.issue_dict(i, names, lang) for i in a.issues]
    for issue, data in zip(a.issues, issues, strict=True):
        data["shot"] = _issue_shot(issue, snaps)
        data["problems"] = sum(1 for f in issue.findings if not f.repeated)
        data.update(_issue_texts(issue, lang))
    audit = a.audit
    questions: dict[tuple[str, str], dict[str, Any]] = {}
    for f in live_all:
        if f.outcome != Outcome.CANT_TELL:
            continue
        question = f.said("question", lang) or f.said("title", lang)
        group = questions.setdefault((f.check_id, question), {
            "check_id": f.check_id, "question": question, "title": f.said("title", lang),
            "rgaa_tests": list(f.rgaa_tests), "wcag": list(f.wcag), "count": 0, "pages": {}})
        group["count"] += 1
        page = group["pages"].setdefault(f.page_key, {"key": f.page_key, "id": page_id(f.page_key),
                                                      "name": names.get(f.page_key, f.page_key), "selectors": []})
        if f.selector and f.selector not in page["selectors"]:
            page["selectors"].append(f.selector)
    to_verify = sorted(({**g, "pages": list(g["pages"].values())} for g in questions.values()),
                       key=lambda g: (-len(g["pages"]), g["check_id"], g["question"]))
    run_meta = {k: v for k, v in run.meta.items() if k not in ("skipped",)}
    if a.failed:
        run_meta["failure"] = {**(a.failure or {}), "text": failure_text(a, lang)}
    return {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "run": {"id": run.id, "site": run.site, "base_url": run.base_url, "started": run.started,
                "finished": run.finished, "status": run.status, **run_meta},
        "provenance": a.provenance,
        "totals": totals_of(a),
        "rates": scoring.rates_dict(a.rates, lang),
        "nc_criteria": a.nc_criteria,
        "priority_rule": scoring.priority_rule(lang),
        "issues": issues,
        "questions": to_verify,
        "out_of_scope": [dict(part) for part in a.out_of_scope],
        "broken_links": [{"url": b.url, "status": b.status, "error": b.error,
                          "error_text": words.page_error(b.error, lang),
                          "linked_from": [{"key": k, "id": page_id(k), "name": names.get(k, k),
                                           "url": snaps[k].final_url or snaps[k].url if k in snaps else k}
                                          for k in b.linked_from]} for b in a.broken_links],
        "sample": {"source": a.sample_source,
                   "pages": [{"key": p.key, "id": page_id(p.key), "ref": p.ref, "name": p.name, "url": p.url,
                              "journey": p.journey, "reason": p.reason, "error": p.error,
                              "label": f"P{i}"} for i, p in enumerate(a.grid.pages, start=1)]},
        "grid": _grid_dict(a.grid, lang),
        "testers": {"sessions": a.sessions, "environments": a.environments, "notes": a.tester_notes,
                    "barriers": len(a.barriers)},
        "auditor": None if audit is None else {
            "name": audit.auditor, "date": audit.date, "file": a.provenance.get("verdicts") or str(audit.path), "rgaa": audit.rgaa or run.meta.get("rgaa_version"),
            "tools": list(getattr(audit, "tools", ())),
            "environments": list(audit.environments),
            "derogations": [asdict(d) for d in audit.derogations],
            "exemptions": [asdict(e) for e in audit.exemptions]},
        "pages": page_items,
    }


def _tester(f: Finding, lang: str) -> dict[str, Any] | None:
    info = f.extra.get("tester") if f.extra else None
    if not isinstance(info, dict):
        return None
    return {"pseudonym": info.get("pseudonym") or words.text("testeur", lang=lang), "impact": info.get("impact"),
            "environment": info.get("environment"), "description": info.get("description"),
            "date": info.get("date")}


# a finding's fields as the report gives them (its ``extra`` is read field by field below, never copied whole:
# dataclasses.asdict deep-copied it, ≈ 15 % of a 200-page report's time)
_FINDING_FIELDS = tuple(f.name for f in fields(Finding) if f.name != "extra")


def _finding_dict(f: Finding, snap: PageSnapshot | None, lang: str = "fr") -> dict[str, Any]:
    data = {name: getattr(f, name) for name in _FINDING_FIELDS}
    for name in _SAID:
        data[name] = f.said(name, lang) if getattr(f, name) else getattr(f, name)
    data["outcome"] = f.outcome.value
    data["source"] = f.source.value
    data["impact"] = f.impact.value if f.impact else None
    data["rgaa_tests"] = list(f.rgaa_tests)
    data["wcag"] = list(f.wcag)
    data["box"] = snap.boxes.get(f.selector) if (snap and f.selector) else None
    data["tester"] = _tester(f, lang)
    data["also"] = list(f.extra.get("also", [])) if f.extra else []
    data["elements"] = list(f.extra.get("elements", [])) if f.extra else []  # one cause, several elements
    answered = f.extra.get("answered_by") if f.extra else None
    data["answered_by"] = ({"pseudonym": answered.get("pseudonym"), "verdict": answered.get("verdict"),
                            "description": answered.get("description")} if isinstance(answered, dict) else
                           answered or None)
    return data


def _dismissed_dict(f: Finding, snap: PageSnapshot, lang: str = "fr") -> dict[str, Any]:
    info = f.extra.get("dismissed")
    reason = info.get("reason") if isinstance(info, dict) else str(info)
    by = info.get("by") if isinstance(info, dict) else None
    return {"check_id": f.check_id, "source": f.source.value, "title": f.said("title", lang), "selector": f.selector,
            "snippet": f.snippet, "outcome": f.outcome.value, "fingerprint": f.fingerprint, "reason": reason,
            "by": by}


# a finding's texts said in the report's language (Finding.said)
_SAID = ("title", "message", "how_to_fix", "question")


def _issue_texts(issue: scoring.Issue, lang: str) -> dict[str, str]:
    """The issue's title, message and how-to-fix in ``lang``, said by the finding they were taken from."""
    first = next((f for f in issue.findings if f.check_id == issue.check_id and f.message == issue.message
                  and (f.title or f.check_id) == issue.title and f.how_to_fix == issue.how_to_fix), None)
    if first is None:
        return {}
    return {"title": first.said("title", lang) or issue.title, "message": first.said("message", lang),
            "how_to_fix": first.said("how_to_fix", lang)}


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
                   "comment": cell.verdict.comment if cell.verdict else "", "notes": list(cell.notes_in(lang))})
    if counts.get("NT"):  # no page rate while criteria are to verify on it (scoring.page_rate): say why
        rate_text = words.plural(counts["NT"], "non calculable : {n} critère à vérifier sur cette page",
                                 "non calculable : {n} critères à vérifier sur cette page", lang=lang)
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
                notes[cell.notes] = list(cell.notes_in(lang))
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
    """The first page of the issue whose screenshot shows the element (a box with an area, above the screenshot's
    end): what to crop and outline."""
    for f in issue.findings:
        snap = snaps.get(f.page_key)
        box = snap.shot_box(f.selector) if snap is not None else None
        if box is not None:
            return {"page": snap.key, "page_id": page_id(snap.key), "file": snap.files["screenshot"], "box": box,
                    "selector": f.selector}
    return None

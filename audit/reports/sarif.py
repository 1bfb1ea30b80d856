"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, GitLab, SARIF viewers).

- ``tool.driver``: a11y-audit with its version and one rule per check that ran (axe-core rule or ours):
  short description in the log's language, help link, ``properties.tags`` with the ``RGAA-x.y.z`` tests and the
  ``WCAG-x.y.z`` success criteria, ``defaultConfiguration.level`` from the check's impact.
- ``results``: every failure (``kind: fail``, level from its impact: critique/grave → error, modérée →
  warning, mineure → note) and every point a person must verify (``kind: review``, level ``none``: the
  honesty rule, a cant_tell is neither a pass nor a failure), with ``partialFingerprints`` carrying our
  fingerprint and the page path (docs/fingerprints.md), the page URL as ``artifactLocation.uri``, the
  CSS selector as a logical location (with the code snippet in its properties), and a ``region`` (line,
  column, ``snippet``) when the element is found in the page's HTTP source — only then: GitHub code
  scanning rejects a region without a line, and an element the page's scripts inserted has none.
- A problem is one result, however many detectors reported it (``properties.alsoReportedBy``); a finding
  dismissed by a tester is not a result. A pure function of the assessed result.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit import __version__, words
from audit.baseline import impact_said, page_path
from audit.model import Finding, Impact, Outcome, PageSnapshot

if TYPE_CHECKING:
    from audit.assessment import Assessment, CheckInfo
    from audit.store import RunInfo

FILE_NAME = "report.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "a11yAuditFingerprint/v1"
PAGE_KEY = "a11yAuditPage/v1"

LEVELS = {Impact.CRITICAL: "error", Impact.SERIOUS: "error", Impact.MODERATE: "warning", Impact.MINOR: "note"}

def rule_name(check_id: str) -> str:
    """A SARIF rule name is an identifier: 'axe:image-alt' → 'AxeImageAlt'."""
    parts = re.split(r"[^0-9A-Za-z]+", check_id)
    return "".join(w[:1].upper() + w[1:] for w in parts if w) or "Check"


def _level(impact: Impact | None) -> str:
    return LEVELS.get(impact, "warning") if impact else "warning"


def _rule(info: CheckInfo, top: Impact | None, lang: str) -> dict[str, Any]:
    """``info``: the check's metadata as of the check stage; ``top``: the worst impact among its findings."""
    title = info.title_in(lang)
    full = info.description_in(lang)
    how = info.how_in(lang)
    impact = info.impact if info.source == "check" else (top or info.impact)
    rule: dict[str, Any] = {
        "id": info.id,
        "name": rule_name(info.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full or title},
        "defaultConfiguration": {"level": _level(impact)},
        "properties": {
            "tags": ["accessibility", *(f"RGAA-{t}" for t in info.rgaa_tests), *(f"WCAG-{sc}" for sc in info.wcag)],
            "impact": str(impact) if impact else None,
            "source": info.source,
        },
    }
    if info.help_url:
        rule["helpUri"] = info.help_url
    if how:
        rule["help"] = {"text": how}
    return rule


def _message(f: Finding, title: str, path: str, lang: str) -> str:
    """The result's text in ``lang``: ``title`` is its rule's short description (already in ``lang``)."""
    place = f"{path} ({f.selector})" if f.selector else path
    if f.outcome == Outcome.CANT_TELL:
        return words.text("À vérifier sur {place} : {question}", lang=lang, place=place,
                          question=f.said("question", lang) or f.said("title", lang))
    own_title, message = f.said("title", lang), f.said("message", lang)
    values = {"title": title or own_title or f.check_id, "impact": impact_said(f.impact, lang), "place": place}
    if message and message != own_title:
        return words.text("{title} [{impact}] sur {place} — {message}", lang=lang, message=message, **values)
    return words.text("{title} [{impact}] sur {place}", lang=lang, **values)


def _result(f: Finding, rule: dict[str, Any], rule_index: int, path: str, snap: PageSnapshot | None,
            lang: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": (snap.final_url or snap.url) if snap else f.page_url}}
    line, column = (f.extra or {}).get("line"), (f.extra or {}).get("column")
    if line and column:
        # GitHub code scanning rejects a region without a line: the region is given only when the
        # element is found in the page's HTTP source (the assess stage located it); otherwise the snippet
        # goes with the selector below.
        physical["region"] = {"startLine": line, "startColumn": column, "snippet": {"text": f.snippet}}
    location: dict[str, Any] = {"physicalLocation": physical}
    if f.selector or f.snippet:
        qualified = f"{path} {f.selector}" if f.selector else path
        logical: dict[str, Any] = {"name": f.selector or "(page)", "fullyQualifiedName": qualified, "kind": "element"}
        if f.snippet:
            logical["properties"] = {"snippet": f.snippet}
        location["logicalLocations"] = [logical]
    result: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "kind": "fail" if f.outcome == Outcome.FAILED else "review",
        "level": _level(f.impact) if f.outcome == Outcome.FAILED else "none",
        "message": {"text": _message(f, rule["shortDescription"]["text"], path, lang)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint, PAGE_KEY: path},
        "properties": {"impact": str(f.impact) if f.impact else None, "page": path,
                       "rgaa": list(f.rgaa_tests), "wcag": list(f.wcag)},
    }
    also = (f.extra or {}).get("also")
    if also:
        result["properties"]["alsoReportedBy"] = list(also)
    if f.xpath:
        result["properties"]["xpath"] = f.xpath
    return result


def _reported(f: Finding) -> bool:
    """A problem (once, whoever reported it) or a point to verify, not dismissed."""
    return f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) and not f.dismissed and not f.repeated


def _rules(a: Assessment, lang: str) -> list[dict[str, Any]]:
    """One rule per check that ran (sorted by id)."""
    top: dict[str, Impact | None] = {}
    for f in [*a.findings, *a.barriers]:
        if f.impact and (top.get(f.check_id) is None or f.impact.rank > top[f.check_id].rank):
            top[f.check_id] = f.impact
    return [_rule(info, top.get(cid), lang) for cid, info in sorted(a.checks.items())]


def _results(a: Assessment, rules: list[dict[str, Any]], lang: str) -> Iterator[dict[str, Any]]:
    """The results, page after page."""
    pages = {p.key: p for p in a.pages}
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    by_page: dict[str, list[Finding]] = {}
    for f in [*a.findings, *a.barriers]:  # tester barriers are problems too
        if _reported(f) and f.check_id in index:
            by_page.setdefault(f.page_key, []).append(f)
    for key in sorted(by_page):
        reported = by_page[key]
        reported.sort(key=lambda f: (-f.outcome.rank, -(f.impact.rank if f.impact else -1), f.check_id,
                                     f.selector or ""))
        snap = pages.get(key)
        for f in reported:
            path = page_path(f.page_key if (snap and snap.journey) or f.page_key.startswith("journey:") else
                             f.page_url, a.run.base_url)
            i = index[f.check_id]
            yield _result(f, rules[i], i, path, snap, lang)


def _log(run: RunInfo, rules: list[dict[str, Any]], results: list[Any], lang: str,
         out_of_scope: list[dict[str, Any]] | None = None, provenance: dict[str, Any] | None = None) -> dict[str, Any]:
    stamp = run.id.split("/", 1)[-1]
    invocation: dict[str, Any] = {"executionSuccessful": run.status == "complete", "startTimeUtc": run.started}
    if run.finished:
        invocation["endTimeUtc"] = run.finished
    tool: dict[str, Any] = {"driver": {
        "name": "a11y-audit", "version": __version__, "semanticVersion": __version__,
        "language": "en-US" if lang == "en" else "fr-FR", "rules": rules,
        "properties": {"rgaaVersion": run.meta.get("rgaa_version", "4.1.2")},
    }}
    if run.meta.get("axe_version"):
        tool["extensions"] = [{"name": "axe-core", "version": run.meta["axe_version"]}]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": tool,
            "invocations": [invocation],
            "automationDetails": {"id": f"a11y-audit/{run.site}/{stamp}"},
            "language": "en-US" if lang == "en" else "fr-FR",
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"site": run.site, "baseUrl": run.base_url, "runId": run.id, "outOfScope": out_of_scope or [],
                           "provenance": provenance or {},
                           "chromiumVersion": run.meta.get("chromium_version")},
        }],
    }


def build(a: Assessment, lang: str = "fr") -> dict[str, Any]:
    """The SARIF log of one assessed run, as a JSON-ready dict."""
    rules = _rules(a, lang)
    return _log(a.run, rules, list(_results(a, rules, lang)), lang, [dict(p) for p in a.out_of_scope], a.provenance)


def render(a: Assessment, lang: str = "fr") -> str:
    return json.dumps(build(a, lang), ensure_ascii=False, indent=1) + "\n"


_HOLE = "a11y-audit: the results go here"


def write(a: Assessment, out: Path, lang: str = "fr") -> Path:
    """The same text as ``render``, written one result at a time: the results (tens of MB of JSON on a
    1 000-page run) are never all in memory."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    run = a.run
    rules = _rules(a, lang)
    results = _results(a, rules, lang)
    first = next(results, None)
    try:
        with path.open("w", encoding="utf-8") as fh:
            if first is None:
                fh.write(json.dumps(_log(run, rules, [], lang, [dict(p) for p in a.out_of_scope], a.provenance), ensure_ascii=False, indent=1) + "\n")
                return path
            text = json.dumps(_log(run, rules, [_HOLE], lang, [dict(p) for p in a.out_of_scope], a.provenance), ensure_ascii=False, indent=1) + "\n"
            hole = text.index(json.dumps(_HOLE))
            start = text.rindex("\n", 0, hole) + 1
            indent = text[start:hole]  # the results' depth in the log
            fh.write(text[:hole])
            for i, result in enumerate(itertools.chain([first], results)):
                if i:
                    fh.write(",\n" + indent)
                fh.write(json.dumps(result, ensure_ascii=False, indent=1).replace("\n", "\n" + indent))
            fh.write(text[hole + len(json.dumps(_HOLE)):])
    except BaseException:
        path.unlink(missing_ok=True)  # no half-written log
        raise
    return path

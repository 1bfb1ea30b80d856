"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, GitLab, SARIF viewers).

- ``tool.driver``: a11y-audit with its version and one rule per check that ran (axe-core rule or ours):
  French short description, help link, ``properties.tags`` with the ``RGAA-x.y.z`` tests and the
  ``WCAG-x.y.z`` success criteria, ``defaultConfiguration.level`` from the check's impact.
- ``results``: every failure (``kind: fail``, level from its impact: critique/grave → error, modérée →
  warning, mineure → note) and every point a person must verify (``kind: review``, level ``none``: the
  honesty rule, a cant_tell is neither a pass nor a failure), with ``partialFingerprints`` carrying our
  fingerprint and the page path (docs/fingerprints.md), the page URL as ``artifactLocation.uri``, the
  CSS selector as a logical location (with the code snippet in its properties), and a ``region`` (line,
  column, ``snippet``) when the element is found in the page's HTTP source — only then: GitHub code
  scanning rejects a region without a line, and an element the page's scripts inserted has none.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from audit import __version__
from audit.baseline import impact_word, page_path
from audit.model import Finding, Impact, Outcome, PageSnapshot
from audit.store import RunInfo, Store, page_id

FILE_NAME = "report.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "a11yAuditFingerprint/v1"
PAGE_KEY = "a11yAuditPage/v1"

LEVELS = {Impact.CRITICAL: "error", Impact.SERIOUS: "error", Impact.MODERATE: "warning", Impact.MINOR: "note"}

_WORDS = {
    "fr": {"to_verify": "À vérifier", "on": "sur", "element": "élément"},
    "en": {"to_verify": "To verify", "on": "on", "element": "element"},
}


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    """Check titles (French, from axe-core's locale for axe rules) and help links, when available."""
    try:
        from audit import catalogue

        return {e.id: e for e in catalogue.entries()}
    except Exception:  # noqa: BLE001 - the catalogue is optional here: the findings carry titles too
        return {}


@lru_cache(maxsize=1)
def _axe_french() -> dict[str, Any]:
    """axe-core's own French rule texts (locales/fr.json next to the pinned axe.min.js), when present."""
    try:
        from audit.browser import axe_script_path

        data = json.loads((axe_script_path().parent / "locales" / "fr.json").read_text(encoding="utf-8"))
        rules = data.get("rules", {})
        return rules if isinstance(rules, dict) else {}
    except Exception:  # noqa: BLE001 - optional: without it the English texts axe gave are used
        return {}


@lru_cache(maxsize=1)
def _our_checks() -> dict[str, Any]:
    try:
        from audit.checks import load_checks

        return dict(load_checks())
    except Exception:  # noqa: BLE001
        return {}


def rule_name(check_id: str) -> str:
    """A SARIF rule name is an identifier: 'axe:image-alt' → 'AxeImageAlt'."""
    words = re.split(r"[^0-9A-Za-z]+", check_id)
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Check"


def _level(impact: Impact | None) -> str:
    return LEVELS.get(impact, "warning") if impact else "warning"


def _texts(check_id: str, first: Finding, lang: str) -> tuple[str, str, str]:
    """Title, description and how to fix of a check, French first."""
    ours = _our_checks().get(check_id)
    if ours is not None:
        if lang == "en":
            return ours.title_en, ours.title_en, ours.how_to_fix
        return ours.title, ours.description or ours.title, ours.how_to_fix
    entry = _catalogue().get(check_id)
    title = (entry.title_in(lang) if entry is not None else "") or first.title or check_id
    full = first.how_to_fix or title
    if lang != "en" and check_id.startswith("axe:"):
        french = _axe_french().get(check_id[4:]) or {}
        if isinstance(french, dict):
            title = french.get("help") or title
            full = french.get("description") or full
    return title, full, full


def _rule(check_id: str, first: Finding, top: Impact | None, lang: str) -> dict[str, Any]:
    """``first``: the check's first finding; ``top``: the worst impact among its findings."""
    entry = _catalogue().get(check_id)
    ours = _our_checks().get(check_id)
    title, full, how = _texts(check_id, first, lang)
    if ours is not None:
        impact = ours.impact
    else:
        impact = top or (Impact(entry.impact) if entry is not None and entry.impact else None)
    help_uri = first.help_url or (entry.help_url if entry is not None else None)
    rgaa = first.rgaa_tests or (entry.rgaa_tests if entry is not None else ())
    wcag = first.wcag or (entry.wcag if entry is not None else ())
    rule: dict[str, Any] = {
        "id": check_id,
        "name": rule_name(check_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full or title},
        "defaultConfiguration": {"level": _level(impact)},
        "properties": {
            "tags": ["accessibility", *(f"RGAA-{t}" for t in rgaa), *(f"WCAG-{sc}" for sc in wcag)],
            "impact": str(impact) if impact else None,
            "source": first.source.value,
        },
    }
    if help_uri:
        rule["helpUri"] = help_uri
    if how:
        rule["help"] = {"text": how}
    return rule


def _source_text(run: RunInfo, snap: PageSnapshot) -> str | None:
    name = (snap.files or {}).get("source")
    if not name:
        return None
    path = run.folder / "pages" / page_id(snap.key) / name
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


_OPEN_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def _locate(source: str | None, snippet: str | None) -> tuple[int, int] | None:
    """Line and column (1-based) of the snippet's opening tag in the page's HTTP source, when it is there
    once, as written (an element the page's scripts inserted is not in the source: no line then)."""
    if not source or not snippet:
        return None
    match = _OPEN_TAG.match(snippet.strip())
    if not match:
        return None
    tag = match.group(0)
    first = source.find(tag)
    if first < 0 or source.find(tag, first + 1) >= 0:
        return None
    line = source.count("\n", 0, first) + 1
    column = first - (source.rfind("\n", 0, first) + 1) + 1
    return line, column


def _message(f: Finding, title: str, path: str, lang: str) -> str:
    w = _WORDS["en" if lang == "en" else "fr"]
    where = f"{w['on']} {path}" + (f" ({f.selector})" if f.selector else "")
    if f.outcome == Outcome.CANT_TELL:
        return f"{w['to_verify']} {where} : {f.question or f.title}"
    detail = f" — {f.message}" if f.message and f.message != f.title else ""
    return f"{title or f.title or f.check_id} [{impact_word(f.impact, lang)}] {where}{detail}"


def _result(f: Finding, rule: dict[str, Any], rule_index: int, path: str, snap: PageSnapshot | None,
            source: str | None, lang: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": (snap.final_url or snap.url) if snap else f.page_url}}
    found = _locate(source, f.snippet)
    if found:
        # GitHub code scanning rejects a region without a line: the region is given only when the
        # element is found in the page's HTTP source; otherwise the snippet goes with the selector below.
        line, column = found
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
    if f.xpath:
        result["properties"]["xpath"] = f.xpath
    return result


def _reported(f: Finding) -> bool:
    return f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) and not (f.extra or {}).get("dismissed")


def _rules(store: Store, run: RunInfo, lang: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One pass over the run's findings: one rule per check that ran (sorted by id), and the pages with
    something to report (sorted)."""
    first: dict[str, Finding] = {}
    top: dict[str, Impact | None] = {}
    keys: set[str] = set()
    for f in store.findings(run):
        if f.check_id not in first:
            first[f.check_id], top[f.check_id] = f, None
        if f.impact and (top[f.check_id] is None or f.impact.rank > top[f.check_id].rank):
            top[f.check_id] = f.impact
        if _reported(f):
            keys.add(f.page_key)
    return [_rule(rid, first[rid], top[rid], lang) for rid in sorted(first)], sorted(keys)


def _results(store: Store, run: RunInfo, rules: list[dict[str, Any]], keys: list[str],
             lang: str) -> Iterator[dict[str, Any]]:
    """The results, page after page (one page's findings and HTTP source in memory at a time)."""
    pages = {p.key: p for p in store.pages(run)}
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    for key in keys:
        reported = [f for f in store.findings(run, key) if _reported(f)]
        reported.sort(key=lambda f: (-f.outcome.rank, -(f.impact.rank if f.impact else -1), f.check_id,
                                     f.selector or ""))
        snap = pages.get(key)
        source = _source_text(run, snap) if snap is not None else None
        for f in reported:
            path = page_path(f.page_key if (snap and snap.journey) or f.page_key.startswith("journey:") else
                             f.page_url, run.base_url)
            i = index[f.check_id]
            yield _result(f, rules[i], i, path, snap, source, lang)


def _log(run: RunInfo, rules: list[dict[str, Any]], results: list[Any], lang: str) -> dict[str, Any]:
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
            "properties": {"site": run.site, "baseUrl": run.base_url, "runId": run.id,
                           "chromiumVersion": run.meta.get("chromium_version")},
        }],
    }


def build(store: Store, run: RunInfo, lang: str = "fr") -> dict[str, Any]:
    """The SARIF log of one run, as a JSON-ready dict."""
    rules, keys = _rules(store, run, lang)
    return _log(run, rules, list(_results(store, run, rules, keys, lang)), lang)


def render(store: Store, run: RunInfo, lang: str = "fr") -> str:
    return json.dumps(build(store, run, lang), ensure_ascii=False, indent=1) + "\n"


_HOLE = "a11y-audit: the results go here"


def write(store: Store, run: RunInfo, out: Path, lang: str = "fr") -> Path:
    """The same text as ``render``, written one result at a time: the results (tens of MB of JSON on a
    1 000-page run) are never all in memory."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    rules, keys = _rules(store, run, lang)
    results = _results(store, run, rules, keys, lang)
    first = next(results, None)
    try:
        with path.open("w", encoding="utf-8") as fh:
            if first is None:
                fh.write(json.dumps(_log(run, rules, [], lang), ensure_ascii=False, indent=1) + "\n")
                return path
            text = json.dumps(_log(run, rules, [_HOLE], lang), ensure_ascii=False, indent=1) + "\n"
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

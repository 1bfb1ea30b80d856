"""Renderers: pure functions of one audit run. ``build`` makes the one result object they all read."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audit.model import Finding, Impact, Outcome, PageKind, PageSnapshot
from audit.store import RunInfo, Store, page_id

SCHEMA_VERSION = "1.0"

IMPACT_ORDER = [Impact.CRITICAL, Impact.SERIOUS, Impact.MODERATE, Impact.MINOR]


def _impact_rank(f: Finding) -> int:
    return f.impact.rank if f.impact else -1


def build(store: Store, run: RunInfo) -> dict[str, Any]:
    """The report object: run metadata, pages with their findings, totals. JSON-ready."""
    pages = store.pages(run)
    findings = list(store.findings(run))
    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_page[f.page_key].append(f)

    page_items = []
    for snap in pages:
        items = by_page.get(snap.key, [])
        shown = [f for f in items if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL)]
        shown.sort(key=lambda f: (-f.outcome.rank, -_impact_rank(f), f.check_id))
        page_items.append({
            "key": snap.key, "id": page_id(snap.key), "url": snap.url, "final_url": snap.final_url,
            "name": snap.name, "title": snap.title, "kind": snap.kind.value, "status": snap.status,
            "journey": snap.journey, "step": snap.step, "error": snap.error, "timings": snap.timings,
            "files": snap.files, "reused_from": snap.reused_from,
            "counts": dict(Counter(f.outcome.value for f in items)),
            "findings": [_finding_dict(f, snap) for f in shown],
        })

    failed = [f for f in findings if f.outcome == Outcome.FAILED]
    by_impact = Counter(f.impact.value if f.impact else "none" for f in failed)
    return {
        "schema_version": SCHEMA_VERSION,
        "run": {"id": run.id, "site": run.site, "base_url": run.base_url, "started": run.started,
                "finished": run.finished, "status": run.status, **{k: v for k, v in run.meta.items()
                                                                   if k not in ("skipped",)}},
        "totals": {
            "pages": len([p for p in pages if p.kind == PageKind.HTML]),
            "documents": len([p for p in pages if p.kind == PageKind.DOCUMENT]),
            "page_errors": len([p for p in pages if p.error]),
            "failed": len(failed),
            "cant_tell": sum(1 for f in findings if f.outcome == Outcome.CANT_TELL),
            "failed_by_impact": {i.value: by_impact.get(i.value, 0) for i in IMPACT_ORDER},
            "rules_failed": len({f.check_id for f in failed}),
        },
        "pages": page_items,
    }


def _finding_dict(f: Finding, snap: PageSnapshot) -> dict[str, Any]:
    data = asdict(f)
    data["outcome"] = f.outcome.value
    data["source"] = f.source.value
    data["impact"] = f.impact.value if f.impact else None
    data["rgaa_tests"] = list(f.rgaa_tests)
    data["wcag"] = list(f.wcag)
    data["box"] = snap.boxes.get(f.selector) if f.selector else None
    data.pop("extra", None)
    return data


def report_dir(run: RunInfo) -> Path:
    folder = run.folder / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

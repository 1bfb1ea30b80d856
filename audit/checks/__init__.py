"""The check stage: offline, deterministic, re-runnable on saved snapshots without a browser.

``run_checks`` turns one page snapshot (the files gather saved) into findings: axe-core's raw result
through its adapter, then our own checks (one module per RGAA theme in this package).
"""

from __future__ import annotations

from pathlib import Path

from audit.checks.axe import findings_from_axe
from audit.model import Finding, PageSnapshot


def run_checks(snap: PageSnapshot, folder: Path) -> list[Finding]:
    findings: list[Finding] = []
    if snap.error:
        return findings
    axe_file = snap.files.get("axe")
    if axe_file and (folder / axe_file).is_file():
        findings.extend(findings_from_axe((folder / axe_file).read_text(encoding="utf-8"), snap))
    return findings

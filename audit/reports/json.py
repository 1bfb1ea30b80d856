"""JSON report: the report object as built, with its ``schema_version`` (see docs/report-schema.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False)


def write(report: dict[str, Any], folder: Path) -> Path:
    path = folder / "report.json"
    path.write_text(render(report), encoding="utf-8")
    return path

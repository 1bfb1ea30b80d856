"""JSON report: the report object as built, with its ``schema_version`` (see docs/report-schema.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False)


def write(report: dict[str, Any], folder: Path) -> Path:
    """Written as it is encoded: the whole text (hundreds of MB on a 1 000-page run) is never held at once."""
    path = folder / "report.json"
    try:
        with path.open("w", encoding="utf-8") as out:
            json.dump(report, out, indent=2, ensure_ascii=False, sort_keys=False)
    except BaseException:
        path.unlink(missing_ok=True)  # no half-written report
        raise
    return path

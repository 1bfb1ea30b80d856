"""The prioritised remediation plan: the issues of the report object, as HTML, CSV, Markdown and JSON.

Each issue is one defect however many pages it is on ("corriger une fois corrige N pages"), ranked by
the rule in ``audit.scoring`` (blocking for a tester, impact, WCAG level, reach, quick win) with its
"why this rank" sentence. The CSV is for managers' spreadsheets: ``;`` separators, UTF-8 with a BOM, and
every cell starting with ``= + - @`` neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from audit.reports import visible_controls
from audit.reports.grid import neutralise
from audit.reports.html import crop_issues, environment, labels, write_template

FORMATS = ("html", "csv", "md", "json")
_NAMES = {"html": "remediation.html", "csv": "remediation.csv", "md": "remediation.md", "json": "remediation.json"}


def render_html(report: dict[str, Any], lang: str = "fr") -> str:
    return environment().get_template("remediation.html.j2").render(r=report, t=labels(lang), lang=lang)


_CSV_HEAD = {
    "fr": ["Rang", "Défaut", "Gravité", "Bloquant pour un testeur", "Niveau WCAG", "Nombre de pages", "Poids",
           "Correction rapide", "Critères RGAA", "Tests RGAA", "WCAG", "Règle", "Aussi signalé par", "Sélecteur",
           "Code", "Comment corriger", "Pourquoi ce rang", "Pages"],
    "en": ["Rank", "Issue", "Impact", "Blocking for a tester", "WCAG level", "Pages", "Weight", "Quick win",
           "RGAA criteria", "RGAA tests", "WCAG", "Rule", "Also reported by", "Selector", "Code", "How to fix",
           "Why this rank", "Pages"],
}


def to_csv(report: dict[str, Any], lang: str = "fr") -> str:
    t = labels(lang)
    yes, no = ("oui", "non") if lang != "en" else ("yes", "no")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_CSV_HEAD["en" if lang == "en" else "fr"])
    for i in report.get("issues", []):
        row = [i["rank"], i["title"], t[i["impact"]] if i["impact"] else t["impact_none"],
               yes if i["blocking"] else no, i["level"] or "", i["page_count"], f"{i['reach']:g}",
               yes if i["quick_win"] else no, ", ".join(c["id"] for c in i["criteria"]), ", ".join(i["rgaa_tests"]),
               ", ".join(i["wcag"]), i["check_id"], ", ".join(i.get("also", [])), i["selector"] or "",
               i["snippet"] or "", i["how_to_fix"] or "", i["why"],
               "\n".join(f"{p['name']} <{p['url']}>" for p in i["pages"])]
        writer.writerow([neutralise(str(v)) for v in row])
    return out.getvalue()


def _md(value: Any) -> str:
    """Text safe inside Markdown: no raw HTML, no accidental emphasis, links or tables, no bidi control."""
    if isinstance(value, Markup):  # from the code, url and raw filters
        return visible_controls(str(value))
    text = "" if value is None else visible_controls(str(value))
    text = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "`*_[]|#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", " ").replace("\n", " ")


def _code(value: Any) -> str:
    """A snippet as an inline code span that no backtick inside can close."""
    text = ("" if value is None else str(value)).replace("\n", " ")
    fence = "``" if "`" in text else "`"
    return Markup(f"{fence} {text} {fence}" if fence == "``" else f"`{text}`")


def _url(value: Any) -> Markup:
    """A URL inside a Markdown link target: spaces, parentheses and angle brackets percent-encoded."""
    text = "" if value is None else str(value)
    for ch, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        text = text.replace(ch, code)
    return Markup(text)


def markdown_environment() -> Environment:
    """Markdown templates: no HTML autoescape (entities would show), every value escaped for Markdown."""
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=False, trim_blocks=True,
                      lstrip_blocks=True, finalize=_md)
    env.filters["code"] = _code
    env.filters["raw"] = Markup
    env.filters["url"] = _url
    return env


def to_markdown(report: dict[str, Any], lang: str = "fr") -> str:
    return markdown_environment().get_template("remediation.md.j2").render(r=report, t=labels(lang), lang=lang)


def to_json(report: dict[str, Any]) -> str:
    keep = ("schema_version", "lang", "priority_rule")
    data = {k: report[k] for k in keep if k in report}
    data["run"] = {k: report["run"].get(k) for k in ("id", "site", "base_url", "started", "finished")}
    data["issues"] = report.get("issues", [])
    return json.dumps(data, indent=2, ensure_ascii=False)


def write(report: dict[str, Any], run_folder: Path, out: Path, lang: str = "fr",
          formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the plan in ``formats`` into ``out`` (captures under ``out/img``); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    crop_issues(report, run_folder, out)
    paths = []
    for fmt in formats:
        path = out / _NAMES[fmt]
        if fmt == "html":
            write_template(environment().get_template("remediation.html.j2"), path, r=report, t=labels(lang),
                           lang=lang)
        elif fmt == "csv":
            path.write_text(to_csv(report, lang), encoding="utf-8-sig", newline="")
        elif fmt == "md":
            path.write_text(to_markdown(report, lang), encoding="utf-8")
        elif fmt == "json":
            path.write_text(to_json(report), encoding="utf-8")
        else:
            raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
        paths.append(path)
    return paths

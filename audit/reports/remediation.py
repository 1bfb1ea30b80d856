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
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from audit import words
from audit.reports import visible_controls
from audit.reports.grid import neutralise
from audit.reports.html import crop_issues, environment, speaking, write_template
from audit.words import N_

FORMATS = ("html", "csv", "md", "json")
_NAMES = {"html": "remediation.html", "csv": "remediation.csv", "md": "remediation.md", "json": "remediation.json"}


def render_html(report: dict[str, Any], lang: str = "fr") -> str:
    return environment(lang).get_template("remediation.html.j2").render(r=report, lang=lang)


# the CSV's columns (WCAG is a name, not a word)
_CSV_HEAD = [N_("Rang"), N_("Défaut"), N_("Gravité"), N_("Bloquant pour un testeur"), N_("Niveau WCAG"),
             N_("Nombre de pages"), N_("Poids"), N_("Correction rapide"), N_("Critères RGAA"), N_("Tests RGAA"),
             "WCAG", N_("Règle"), N_("Aussi signalé par"), N_("Sélecteur"), N_("Code"), N_("Comment corriger"),
             N_("Pourquoi ce rang"), N_("Pages")]


def to_csv(report: dict[str, Any], lang: str = "fr") -> str:
    yes, no = words.text("oui", lang=lang), words.text("non", lang=lang)
    unknown = words.text("Gravité non précisée", lang=lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([words.gettext(head, lang) for head in _CSV_HEAD])
    for i in report.get("issues", []):
        row = [i["rank"], i["title"], _capital(words.impact(i["impact"], lang)) if i["impact"] else unknown,
               yes if i["blocking"] else no, i["level"] or "", i["page_count"], f"{i['reach']:g}",
               yes if i["quick_win"] else no, ", ".join(c["id"] for c in i["criteria"]), ", ".join(i["rgaa_tests"]),
               ", ".join(i["wcag"]), i["check_id"], ", ".join(i.get("also", [])), i["selector"] or "",
               i["snippet"] or "", i["how_to_fix"] or "", i["why"],
               "\n".join(f"{p['name']} <{p['url']}>" for p in i["pages"])]
        writer.writerow([neutralise(str(v)) for v in row])
    return out.getvalue()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def markdown_text(value: Any) -> str:
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


@cache
def markdown_environment(lang: str | None = None) -> Environment:
    """Markdown templates: no HTML autoescape (entities would show), every value escaped for Markdown; the
    words in ``lang`` (without it, in the ``lang`` of each render), as :func:`audit.reports.html.environment`."""
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=False, trim_blocks=True,
                      lstrip_blocks=True, finalize=markdown_text, extensions=["jinja2.ext.i18n"])
    env.filters["code"] = _code
    env.filters["raw"] = Markup
    env.filters["url"] = _url
    return speaking(env, lang, markdown_environment)


def to_markdown(report: dict[str, Any], lang: str = "fr") -> str:
    return markdown_environment(lang).get_template("remediation.md.j2").render(r=report, lang=lang)


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
            write_template(environment(lang).get_template("remediation.html.j2"), path, r=report, lang=lang)
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

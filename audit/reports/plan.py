"""The year's « plan d'actions »: the remediation plan's issues with what the site's managers decided for each.

A pure render-stage module: an assessed result (its ranked issues, its site), the managers' rows keyed by
issue id (``owner``, ``due``, ``state``, ``updated``, ``updated_by``), a year and a language in; the plan
object, a standalone accessible HTML page and a Markdown file out. Nothing here reads the store.

- :func:`build` — the plan object: site, year, counts by state, one row per issue in rank order.
- :func:`render_html`, :func:`render_markdown` — the plan in words (its own language, ``plan["lang"]``).
- :func:`write` — ``plan-d-actions-<year>.html`` and ``.md`` (French) or ``action-plan-<year>.*`` (English).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from audit import scoring, words
from audit.model import Source
from audit.reports import visible_controls
from audit.reports.remediation import markdown_text
from audit.words import N_

if TYPE_CHECKING:
    from audit.assessment import Assessment

STATES = ("todo", "doing", "done", "wontfix")
OPEN = frozenset({"todo", "doing"})  # an action still to be carried out: only these can be late
_STATE_WORDS = {"todo": N_("à faire"), "doing": N_("en cours de correction"), "done": N_("fait"),
                "wontfix": N_("ne sera pas corrigé")}
_MONTHS = (N_("janvier"), N_("février"), N_("mars"), N_("avril"), N_("mai"), N_("juin"), N_("juillet"),
           N_("août"), N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre"))
_NAMES = {"fr": "plan-d-actions-{year}", "en": "action-plan-{year}"}


def _lang(lang: str | None) -> str:
    return lang if lang in words.LANGS else words.SOURCE


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(value: Any) -> date | None:
    """An ISO date (or the date part of an ISO timestamp) as a date; None for anything else."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def say_date(value: Any, lang: str = "fr") -> str:
    """« 31 mars 2027 », « 1er avril 2027 » / "31 March 2027"; a text that is no date is given as it is."""
    day = _day(value)
    if day is None:
        return str(value or "")
    month = words.gettext(_MONTHS[day.month - 1], lang)
    if day.day == 1:
        return words.text("1er {month} {year}", lang=lang, month=month, year=day.year)
    return words.text("{day} {month} {year}", lang=lang, day=day.day, month=month, year=day.year)


def state_word(state: str, lang: str = "fr") -> str:
    """« à faire », « en cours de correction », « fait », « ne sera pas corrigé » (an unknown state is « à faire »)."""
    return words.gettext(_STATE_WORDS.get(state, _STATE_WORDS["todo"]), lang)


def issue_title(a: Any, issue: scoring.Issue, lang: str = "fr") -> str:
    """The issue's title in ``lang`` as the remediation plan says it: a tester's as written, else the finding
    that describes the issue (one of our checks first), else the check's declared title."""
    if issue.source == Source.TESTER:
        return issue.title or issue.check_id
    lead = next((f for f in issue.findings if f.source == Source.CHECK), issue.findings[0] if issue.findings else None)
    if lead is not None and lead.source != Source.TESTER:
        said = lead.said("title", lang)
        if said:
            return said
    info = (getattr(a, "checks", None) or {}).get(issue.check_id)
    if info is not None:
        return info.title_in(lang)
    return words.gettext(issue.title, lang) if issue.title else issue.check_id


def _site(a: Any) -> dict[str, Any]:
    site, run = getattr(a, "site", None), getattr(a, "run", None)
    meta = getattr(run, "meta", None) or {}
    facts = getattr(site, "declaration", None)
    return {
        "id": getattr(site, "id", None) or getattr(run, "site", "") or "",
        "name": getattr(site, "name", None) or meta.get("site_name") or getattr(run, "site", "") or "",
        "base_url": getattr(site, "base_url", None) or getattr(run, "base_url", "") or "",
        "entity": getattr(facts, "entity", "") or "",
        "contact_email": getattr(facts, "contact_email", "") or "",
        "contact_form": getattr(facts, "contact_form", "") or "",
    }


def build(a: Assessment, items: Mapping[str, Mapping[str, Any]], year: int, lang: str = "fr",
          today: date | str | None = None) -> dict[str, Any]:
    """The plan object of ``year``: every issue of ``a`` in rank order with its row of ``items`` (an issue
    without a row is « à faire », « à attribuer », without a date), its words in ``lang``."""
    lang = _lang(lang)
    today = _day(today) or date.today()
    rows = []
    for issue in sorted(a.issues, key=lambda i: (i.rank, i.id)):
        item = items.get(issue.id) or {}
        state = item.get("state") if item.get("state") in STATES else "todo"
        owner = str(item.get("owner") or "").strip()
        due = str(item.get("due") or "").strip()
        due_day = _day(due)
        impact = issue.impact.value if issue.impact else None
        rows.append({
            "id": issue.id, "rank": issue.rank, "title": issue_title(a, issue, lang), "check_id": issue.check_id,
            "impact": impact,
            "impact_text": _capital(words.impact(impact, lang)),
            "blocking": issue.blocking, "criteria": list(issue.criteria), "pages": issue.page_count,
            "owner": owner, "unassigned": not owner,
            "owner_text": owner or words.text("à attribuer", lang=lang),
            "due": due, "due_text": say_date(due, lang) if due else "",
            "overdue": due_day is not None and due_day < today and state in OPEN,
            "state": state, "state_text": state_word(state, lang),
            "updated": item.get("updated") or "", "updated_by": item.get("updated_by") or "",
        })
    counts = {s: sum(1 for r in rows if r["state"] == s) for s in STATES}
    counts.update(total=len(rows), overdue=sum(1 for r in rows if r["overdue"]),
                  unassigned=sum(1 for r in rows if r["unassigned"]))
    run = getattr(a, "run", None)
    started = getattr(run, "started", "") or ""
    return {
        "lang": lang, "year": int(year), "today": today.isoformat(), "today_text": say_date(today, lang),
        "site": _site(a),
        "run": {"id": getattr(run, "id", "") or "", "started": started,
                "date_text": say_date(started, lang) if _day(started) else ""},
        "counts": counts,
        "states": [{"state": s, "text": state_word(s, lang), "n": counts[s]} for s in STATES],
        "rows": rows,
    }


# --- HTML and Markdown --------------------------------------------------------------------------------


@cache
def _environment(lang: str, markdown: bool) -> Environment:
    if markdown:
        env = Environment(loader=PackageLoader("audit", "templates"), autoescape=False, trim_blocks=True,
                          lstrip_blocks=True, finalize=markdown_text, extensions=["jinja2.ext.i18n"])
        env.filters["raw"] = Markup
    else:
        env = Environment(loader=PackageLoader("audit", "templates"), autoescape=select_autoescape(["html", "j2"]),
                          trim_blocks=True, lstrip_blocks=True, finalize=visible_controls,
                          extensions=["jinja2.ext.i18n"])
    words.install(env, lang)
    env.filters["cap"] = _capital
    return env


def render_html(plan: Mapping[str, Any]) -> str:
    lang = _lang(plan.get("lang"))
    return _environment(lang, False).get_template("plan.html.j2").render(p=plan, lang=lang)


def render_markdown(plan: Mapping[str, Any]) -> str:
    lang = _lang(plan.get("lang"))
    return _environment(lang, True).get_template("plan.md.j2").render(p=plan, lang=lang)


def file_stem(plan: Mapping[str, Any]) -> str:
    return _NAMES[_lang(plan.get("lang"))].format(year=plan["year"])


def write(plan: Mapping[str, Any], folder: Path | str) -> list[Path]:
    """Write the plan as HTML and Markdown into ``folder``; returns the two files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(plan)
    html, md = folder / f"{stem}.html", folder / f"{stem}.md"
    html.write_text(render_html(plan), encoding="utf-8")
    md.write_text(render_markdown(plan), encoding="utf-8")
    return [html, md]

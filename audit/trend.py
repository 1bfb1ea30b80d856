"""History across runs: a site's assessed results, as a text table or an accessible chart.

``series(results)`` gives one ``Point`` a finished run, read from its assessed result (audit.assessment):
pages, problems by impact, failed checks, points to verify, criteria found non-compliant and the taux
global — the numbers that run's report and declaration say. A failed run (nothing audited) is a point
with its reason and no figures: a gap in the chart and the table, never zeros. ``section(results, site,
lang)`` is what the HTML report passes to ``templates/trends.html.j2``: an inline SVG chart (role="img",
<title>, <desc>) followed by the same data as a table. ``text_table`` is the terminal view of
``a11y-audit trends SITE``; ``write_html`` the stand-alone page of ``--html FILE``. A pure renderer: the
command line reads the results.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit import words
from audit.scoring import format_rate
from audit.words import N_

if TYPE_CHECKING:
    from audit.assessment import Assessment

log = logging.getLogger(__name__)

IMPACTS = ("critical", "serious", "moderate", "minor")
DEFAULT_LAST = 30

# One look per impact: colour (each at least 3:1 against white, WCAG 1.4.11), dash pattern and marker
# shape, so that no series is told apart by colour alone.
STYLES = {
    "critical": {"color": "#a4131a", "dash": "", "marker": "circle"},
    "serious": {"color": "#6b4100", "dash": "8 4", "marker": "square"},
    "moderate": {"color": "#000091", "dash": "2 3", "marker": "triangle"},
    "minor": {"color": "#3a3a3a", "dash": "10 3 2 3", "marker": "diamond"},
}

# an impact as a series' label and a column head (plural, capitalised)
LABELS = {"critical": N_("Critiques"), "serious": N_("Graves"), "moderate": N_("Modérées"), "minor": N_("Mineures")}


def label(impact: str, lang: str = "fr") -> str:
    return words.gettext(LABELS[impact], lang)


def _note(lang: str) -> str:
    return words.text("Ces chiffres comptent ce que les tests automatiques détectent à chaque audit. Une baisse ne "
                      "signifie pas à elle seule une meilleure conformité : les critères que l'automatisation ne "
                      "couvre pas restent à vérifier.", lang=lang)


def _basis(lang: str) -> str:
    return words.text("Chaque ligne reprend les chiffres du rapport de l'audit : problèmes, critères non conformes et "
                      "taux global sur l'échantillon RGAA, avec les sessions de test et les verdicts enregistrés pour "
                      "le site.", lang=lang)


def _empty(lang: str) -> str:
    return words.text("Aucun audit terminé n'est encore enregistré pour ce site : l'évolution apparaîtra après le "
                      "premier audit complet.", lang=lang)


def _failed_note(p: Point, lang: str) -> str:
    return words.text("{when}, sans chiffres (ce n'est pas zéro) — {reason}", lang=lang, when=_when(p.started, lang),
                      reason=p.failure)


@dataclass(frozen=True, slots=True)
class Point:
    """One complete run of a site."""

    run_id: str
    started: str
    pages: int
    page_errors: int
    failed: int
    by_impact: dict[str, int]
    failed_checks: int
    cant_tell: int
    nc_criteria: int | None = None  # from audit.scoring, when available
    rate: Fraction | None = None  # taux global in percent, when computable
    rate_text: str | None = None
    failure: str | None = None  # a failed run (nothing audited): why; its figures are a gap, never zeros
    extra: dict[str, Any] = field(default_factory=dict)


# --- points, from assessed results ----------------------------------------------------------------


def point(a: Assessment, lang: str = "fr") -> Point:
    """One run's figures, read from its assessed result (the numbers its report and declaration say)."""
    from audit.reports import failure_text, totals_of

    run = a.run
    if a.failed:
        return Point(run_id=run.id, started=run.started, pages=0, page_errors=0, failed=0, by_impact={},
                     failed_checks=0, cant_tell=0, failure=failure_text(a, lang))
    totals = totals_of(a)
    rates = a.rates
    return Point(run_id=run.id, started=run.started, pages=totals["pages"] + totals["documents"],
                 page_errors=totals["page_errors"], failed=totals["problems"],
                 by_impact={i: totals["failed_by_impact"].get(i, 0) for i in IMPACTS},
                 failed_checks=totals["rules_failed"], cant_tell=totals["cant_tell"],
                 nc_criteria=totals["nc_criteria"], rate=rates.global_rate if rates.valid else None,
                 rate_text=format_rate(rates.global_rate, lang) if rates.valid else None)


def series(results: Iterable[Assessment], lang: str = "fr") -> list[Point]:
    """The points of these results (oldest first), a failed run included as a gap with its reason."""
    return [point(a, lang) for a in results]


def _date(iso: str, lang: str) -> str:
    day = iso[:10]
    if len(day) == 10 and lang != "en":
        return f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
    return day


def _when(iso: str, lang: str) -> str:
    """Date and UTC time of a run: several runs a day (pull requests) stay apart."""
    time_part = iso[11:16] if len(iso) >= 16 else ""
    return f"{_date(iso, lang)} {time_part}".strip()


def _short_date(iso: str, lang: str) -> str:
    day = iso[:10]
    if len(day) == 10:
        return f"{day[8:10]}/{day[5:7]}" if lang != "en" else f"{day[5:7]}-{day[8:10]}"
    return day


def _has_rates(points: list[Point]) -> bool:
    return any(p.nc_criteria is not None for p in points)


def _columns(points: list[Point], lang: str) -> list[str]:
    cols = [words.text("Audit (UTC)", lang=lang), words.text("Pages auditées", lang=lang),
            *(label(i, lang) for i in IMPACTS), words.text("Problèmes", lang=lang),
            words.text("Règles en échec", lang=lang), words.text("Points à vérifier", lang=lang)]
    if _has_rates(points):
        cols += [words.text("Critères RGAA non conformes", lang=lang), words.text("Taux global", lang=lang)]
    return cols


def _row(p: Point, lang: str, with_rates: bool) -> list[str]:
    if p.failure:
        width = 8 + (2 if with_rates else 0)
        return [_when(p.started, lang), words.text("audit échoué", lang=lang), *(["—"] * (width - 1))]
    pages = (words.text("{pages} (+{errors} en erreur)", lang=lang, pages=p.pages, errors=p.page_errors)
             if p.page_errors else str(p.pages))
    row = [_when(p.started, lang), pages, *(str(p.by_impact.get(i, 0)) for i in IMPACTS), str(p.failed),
           str(p.failed_checks), str(p.cant_tell)]
    if with_rates:
        row += ["—" if p.nc_criteria is None else str(p.nc_criteria), p.rate_text or format_rate(None, lang)]
    return row


def basis(points: list[Point], lang: str = "fr") -> str | None:
    """On which pages the criteria and rate columns are counted, and why a run has no figures, when shown."""
    if not points:
        return None
    lines = [_basis(lang)] if _has_rates(points) else []
    lines += [_failed_note(p, lang) for p in points if p.failure]
    return "\n".join(lines) or None


def text_table(points: list[Point], lang: str = "fr") -> str:
    """The terminal view: one line a run, columns aligned."""
    if not points:
        return _empty(lang)
    head = _columns(points, lang)
    rows = [_row(p, lang, _has_rates(points)) for p in points]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(widths[i]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(head))]
    lines.append("  ".join("-" * n for n in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
    return "\n".join(lines)


# --- the chart ---------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 130, 24, 66


def _nice_max(value: int) -> tuple[int, int]:
    """A round top for the y axis and the step between its ticks."""
    if value <= 0:
        return 4, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value / step <= 5:
            top = step * -(-value // step)
            return top, step
    step = 10 ** len(str(value))
    return step, step // 5


def _marker(shape: str, x: float, y: float) -> dict[str, Any]:
    r = 4.5
    if shape == "circle":
        return {"shape": "circle", "cx": x, "cy": y, "r": r}
    if shape == "square":
        return {"shape": "rect", "x": x - r, "y": y - r, "size": 2 * r}
    if shape == "triangle":
        pts = [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)]
    else:  # diamond
        pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    return {"shape": "polygon", "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}


def chart(points: list[Point], site: str, lang: str = "fr") -> dict[str, Any]:
    """Geometry and texts of the chart; the template draws it."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, step = _nice_max(max((max(p.by_impact.get(i, 0) for i in IMPACTS) for p in points if not p.failure),
                              default=0))
    n = len(points)

    def x_of(i: int) -> float:
        return LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_of(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    ticks = [{"y": round(y_of(v), 1), "label": str(v)} for v in range(0, top + 1, step)]
    every = max(1, -(-n // 10))
    days = [_short_date(p.started, lang) for p in points]
    same_day = len(set(days)) < len(days)  # several runs a day: the time goes under the date
    xlabels = [{"x": round(x_of(i), 1), "label": days[i], "sub": p.started[11:16] if same_day else ""}
               for i, p in enumerate(points) if i % every == 0 or i == n - 1]
    ok = [p for p in points if not p.failure]
    gaps = [{"x": round(x_of(i), 1), "label": words.text("audit échoué", lang=lang), "reason": p.failure} for i, p in enumerate(points)
            if p.failure]
    lines, ends = [], []
    for impact in IMPACTS:
        style = STYLES[impact]
        # a failed run is a gap: no point, never a zero
        coords = [(round(x_of(i), 1), round(y_of(p.by_impact.get(impact, 0)), 1)) for i, p in enumerate(points)
                  if not p.failure] or [(round(x_of(n - 1), 1), round(y_of(0), 1))]
        last = ok[-1].by_impact.get(impact, 0) if ok else 0
        lines.append({"impact": impact, "label": label(impact, lang), "color": style["color"], "dash": style["dash"],
                      "points": " ".join(f"{a},{b}" for a, b in coords),
                      "markers": [_marker(style["marker"], a, b) for a, b in coords], "last": last})
        ends.append([coords[-1][1], impact])
    # End labels, nudged apart so they never overlap (14 px a line).
    ends.sort()
    for i in range(1, len(ends)):
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + 14)
    label_y = {impact: y for y, impact in ends}
    for line in lines:
        line["label_x"] = round(x_of(n - 1) + 10, 1)
        line["label_y"] = round(label_y[line["impact"]] + 4, 1)
    first, last = (ok[0], ok[-1]) if ok else (points[0], points[-1])
    if n > 1:
        span = words.text("Du {first} au {last}", lang=lang, first=_date(first.started, lang),
                          last=_date(last.started, lang))
    else:
        span = words.text("Audit du {first}", lang=lang, first=_date(first.started, lang))

    def change(a: int, b: int) -> str:
        return words.text("de {a} à {b}", lang=lang, a=a, b=b) if n > 1 else str(b)

    parts = [words.text("{label} : {value}", lang=lang, label=label(impact, lang),
                        value=change(first.by_impact.get(impact, 0), last.by_impact.get(impact, 0)))
             for impact in IMPACTS]
    series_text = parts[0]
    for part in parts[1:]:
        series_text = words.text("{first} ; {then}", lang=lang, first=series_text, then=part)
    desc = words.text("{span}. Problèmes : {total}. {series}.", lang=lang, span=span,
                      total=change(first.failed, last.failed), series=series_text)
    if gaps:
        desc += " " + words.plural(len(gaps), "{n} audit échoué : trou dans les courbes, sans valeur.",
                                   "{n} audits échoués : trous dans les courbes, sans valeur.", lang=lang)
    title = words.plural(n, "Non-conformités détectées automatiquement, par gravité, sur {n} audit de {site}",
                         "Non-conformités détectées automatiquement, par gravité, sur {n} audits de {site}",
                         lang=lang, site=site)
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "ticks": ticks, "xlabels": xlabels, "lines": lines,
            "title": title, "desc": desc, "axis_y": words.text("Nombre", lang=lang),
            "axis_x": words.text("Date de l'audit", lang=lang), "gaps": gaps, "axis_x_y": HEIGHT - 12,
            "axis_y_x": 14, "mid_y": TOP + plot_h / 2, "mid_x": LEFT + plot_w / 2}


def point_dict(p: Point) -> dict[str, Any]:
    """A point as JSON-ready data (the rate as a number rounded like the report shows it)."""
    return {"run": p.run_id, "started": p.started, "pages": p.pages, "page_errors": p.page_errors,
            "failed": p.failed, "failed_by_impact": dict(p.by_impact), "failed_checks": p.failed_checks,
            "cant_tell": p.cant_tell, "nc_criteria": p.nc_criteria, "failure": p.failure,
            "rate": round(float(p.rate), 1) if p.rate is not None else None, "rate_text": p.rate_text}


def _dom_id(site: str) -> str:
    return "tendances-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in site)


def section(results: Sequence[Assessment], site: str, lang: str = "fr", heading_level: int = 2) -> dict[str, Any]:
    """What ``templates/trends.html.j2`` needs: ``{% include "trends.html.j2" %}`` with ``trend`` set to
    this dict in the context. ``results``: the site's assessed runs, oldest first."""
    points = series(results, lang)
    with_rates = _has_rates(points)
    site_name = site
    if results:
        site_name = results[-1].run.meta.get("site_name") or site
    return {
        "id": _dom_id(site),
        "lang": "en" if lang == "en" else "fr",
        "heading": words.text("Évolution au fil des audits", lang=lang),
        "heading_level": min(6, max(2, heading_level)),
        "note": _note(lang) + (" " + _basis(lang) if with_rates else ""),
        "failed_runs": [_failed_note(p, lang) for p in points if p.failure],
        "empty": not points,
        "empty_text": _empty(lang),
        "site": site,
        "site_name": site_name,
        "chart": chart(points, site_name, lang) if points else None,
        "table": {"caption": words.text("Évolution par audit (mêmes données que le graphique)", lang=lang), "columns": _columns(points, lang),
                  "rows": [_row(p, lang, with_rates) for p in points]},
        "series": [point_dict(p) for p in points],
    }


_PAGE = """{% extends "base.html.j2" %}
{% block title %}{{ page_title }}{% endblock %}
{% block body %}
<header class="site" role="banner"><p>{{ generated_by }}</p></header>
<main id="contenu" tabindex="-1">
<h1>{{ page_title }}</h1>
{% include "trends.html.j2" %}
</main>
{% endblock %}
"""


def render_html(results: Sequence[Assessment], site: str, lang: str = "fr") -> str:
    """A stand-alone, accessible HTML page with the chart and its table (``a11y-audit trends --html``)."""
    from audit.reports.html import environment

    data = section(results, site, lang)
    return environment(data["lang"]).from_string(_PAGE).render(
        trend=data, lang=data["lang"],
        page_title=words.text("Évolution de l'accessibilité — {site}", lang=lang, site=data["site_name"]),
        generated_by=words.text("Page produite par a11y-audit", lang=lang))


def write_html(results: Sequence[Assessment], site: str, path: str | Path, lang: str = "fr") -> Path:
    file = Path(path)
    if file.parent and not file.parent.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(render_html(results, site, lang), encoding="utf-8")
    return file

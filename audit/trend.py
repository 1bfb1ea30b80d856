"""History across runs: per-site series read from the SQLite store, as a text table or an accessible chart.

``series(store, site)`` reads the store's tables (``runs``, ``pages``, ``findings``) with SELECTs only and
gives one ``Point`` a complete run: pages audited, failures by impact, failed checks, points to verify,
and — when ``audit.scoring`` can compute them — the criteria found non-compliant and the taux global.
``section(store, site, lang)`` is what the HTML report passes to ``templates/trends.html.j2``: an inline
SVG chart (role="img", <title>, <desc>) followed by the same data as a table. ``text_table`` is the
terminal view of ``a11y-audit trends SITE``; ``write_html`` the stand-alone page of ``--html FILE``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from audit.store import RunInfo, Store

log = logging.getLogger(__name__)

IMPACTS = ("critical", "serious", "moderate", "minor")
DEFAULT_LAST = 30
RATES_LIVE = 10  # the grid is rebuilt for this many recent runs (~0.5 s each); older ones: run.meta["rates"]

# One look per impact: colour (each at least 3:1 against white, WCAG 1.4.11), dash pattern and marker
# shape, so that no series is told apart by colour alone.
STYLES = {
    "critical": {"color": "#a4131a", "dash": "", "marker": "circle"},
    "serious": {"color": "#6b4100", "dash": "8 4", "marker": "square"},
    "moderate": {"color": "#000091", "dash": "2 3", "marker": "triangle"},
    "minor": {"color": "#3a3a3a", "dash": "10 3 2 3", "marker": "diamond"},
}

_WORDS = {
    "fr": {
        "heading": "Évolution au fil des audits",
        "note": "Ces chiffres comptent ce que les tests automatiques détectent à chaque audit. Une baisse ne "
                "signifie pas à elle seule une meilleure conformité : les critères que l'automatisation ne "
                "couvre pas restent à vérifier.",
        "basis": "Critères non conformes et taux global : calculés sur toutes les pages auditées de chaque audit, "
                 "sans les sessions de test ; le rapport et la déclaration, eux, portent sur l'échantillon RGAA.",
        "empty": "Aucun audit terminé n'est encore enregistré pour ce site : l'évolution apparaîtra après le "
                 "premier audit complet.",
        "chart_title": "Non-conformités détectées automatiquement, par gravité, sur {n} audit(s) de {site}",
        "desc_range": "Du {first} au {last}",
        "desc_one": "Audit du {first}",
        "desc_series": "{label} : {values}",
        "desc_from_to": "de {a} à {b}",
        "caption": "Évolution par audit (mêmes données que le graphique)",
        "run": "Audit (UTC)", "pages": "Pages auditées", "total": "Non-conformités", "checks": "Règles en échec",
        "cant_tell": "Points à vérifier", "nc": "Critères RGAA non conformes", "rate": "Taux global",
        "critical": "Critiques", "serious": "Graves", "moderate": "Modérées", "minor": "Mineures",
        "axis_y": "Nombre", "axis_x": "Date de l'audit",
        "na": "non calculable",
        "page_title": "Évolution de l'accessibilité — {site}",
        "generated_by": "Page produite par a11y-audit",
    },
    "en": {
        "heading": "Trend across runs",
        "note": "These figures count what automated tests find in each run. A decrease alone does not mean "
                "better compliance: what automation does not cover remains to be verified.",
        "basis": "Non-compliant criteria and global rate: over every audited page of each run, without tester "
                 "sessions; the report and the declaration are about the RGAA sample.",
        "empty": "No complete run is stored for this site yet: the trend appears after the first complete run.",
        "chart_title": "Failures found automatically, by impact, over {n} run(s) of {site}",
        "desc_range": "From {first} to {last}",
        "desc_one": "Run of {first}",
        "desc_series": "{label}: {values}",
        "desc_from_to": "from {a} to {b}",
        "caption": "Trend by run (same data as the chart)",
        "run": "Run (UTC)", "pages": "Pages audited", "total": "Failures", "checks": "Failing rules",
        "cant_tell": "Points to verify", "nc": "Non-compliant RGAA criteria", "rate": "Global rate",
        "critical": "Critical", "serious": "Serious", "moderate": "Moderate", "minor": "Minor",
        "axis_y": "Count", "axis_x": "Run date",
        "na": "not computable",
        "page_title": "Accessibility trend — {site}",
        "generated_by": "Page produced by a11y-audit",
    },
}


def words(lang: str = "fr") -> dict[str, str]:
    return _WORDS["en" if lang == "en" else "fr"]


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
    extra: dict[str, Any] = field(default_factory=dict)


# --- reading the store (SELECT only) -----------------------------------------------------------

_RUNS_SQL = """
SELECT r.id, r.started,
       (SELECT COUNT(*) FROM pages p WHERE p.run_id = r.id AND p.state = 'done') AS pages,
       (SELECT COUNT(*) FROM pages p WHERE p.run_id = r.id AND p.state = 'error') AS page_errors
FROM runs r
WHERE r.site = ? AND r.status = 'complete'
ORDER BY r.started DESC, r.id DESC
LIMIT ?
"""

_NOT_DISMISSED = "COALESCE(json_extract(f.extra, '$.dismissed'), 0) IN (0, 'false')"

_FINDINGS_SQL = f"""
SELECT f.run_id, f.outcome, COALESCE(f.impact, 'none') AS impact, COUNT(*) AS n
FROM findings f
WHERE f.run_id IN ({{ids}}) AND f.outcome IN ('failed', 'cant_tell') AND {_NOT_DISMISSED}
GROUP BY f.run_id, f.outcome, COALESCE(f.impact, 'none')
"""

_CHECKS_SQL = f"""
SELECT f.run_id, COUNT(DISTINCT f.check_id) AS n
FROM findings f
WHERE f.run_id IN ({{ids}}) AND f.outcome = 'failed' AND {_NOT_DISMISSED}
GROUP BY f.run_id
"""


def run_rates(store: Store, run: RunInfo, lang: str = "fr") -> dict[str, Any] | None:
    """NC criteria and taux global of a run from ``audit.scoring``; None when that module is not there
    (or cannot score this run — the trend then simply has no rate column)."""
    try:
        from audit import scoring
    except ImportError:
        return None
    try:
        from audit.baseline import page_path

        pages = []
        audited = store.done_keys(run)
        for snap in store.pages(run):
            if snap.key not in audited:
                continue
            ref = page_path(snap.key if snap.journey else snap.url, run.base_url)
            pages.append(scoring.GridPage(key=snap.key, url=snap.url, name=snap.name or snap.title or ref, ref=ref,
                                          journey=snap.journey, step=snap.step, error=snap.error))
        grid = scoring.build_grid(pages, store.findings(run))
        rates = scoring.compute_rates(grid)
        rollups = grid.rollups()
        nc = sum(1 for status in rollups.values() if str(status) == "NC")
        return {"global": rates.global_rate, "text": scoring.format_rate(rates.global_rate, lang),
                "nc_criteria": nc, "nt_criteria": len(rates.nt_criteria), "valid": rates.global_rate is not None}
    except Exception as exc:  # noqa: BLE001 - an optional column must not break the history
        log.warning("rates unavailable for %s: %s: %s", run.id, type(exc).__name__, exc)
        return None


def stored_rates(run: RunInfo) -> dict[str, Any] | None:
    """Rates a run recorded in its meta (``store.update_meta(run.id, rates=rates_meta(...))``), if any."""
    data = run.meta.get("rates")
    if not isinstance(data, dict) or "nc_criteria" not in data:
        return None
    value = data.get("global")
    return {"global": Fraction(str(value)) if value is not None else None, "text": data.get("text"),
            "nc_criteria": data.get("nc_criteria"), "nt_criteria": data.get("nt_criteria"),
            "valid": value is not None}


def rates_meta(store: Store, run: RunInfo) -> dict[str, Any] | None:
    """JSON-ready rates of a run, to record in its meta at the end of the run (keeps long histories fast)."""
    scored = run_rates(store, run)
    if scored is None:
        return None
    value = scored["global"]
    return {**scored, "global": round(float(value), 4) if value is not None else None}


def series(store: Store, site: str, last: int = DEFAULT_LAST, rates: bool = True, lang: str = "fr") -> list[Point]:
    """The last ``last`` complete runs of ``site``, oldest first."""
    rows = store.db.execute(_RUNS_SQL, (site, max(1, last))).fetchall()
    rows = list(reversed(rows))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    counts: dict[str, dict[str, int]] = {i: {} for i in ids}
    cant_tell: dict[str, int] = dict.fromkeys(ids, 0)
    for r in store.db.execute(_FINDINGS_SQL.format(ids=marks), ids):
        if r["outcome"] == "failed":
            counts[r["run_id"]][r["impact"]] = r["n"]
        else:
            cant_tell[r["run_id"]] += r["n"]
    checks = {r["run_id"]: r["n"] for r in store.db.execute(_CHECKS_SQL.format(ids=marks), ids)}
    out = []
    live = set(ids[-RATES_LIVE:])
    for r in rows:
        by = {i: counts[r["id"]].get(i, 0) for i in IMPACTS}
        unknown = counts[r["id"]].get("none", 0)
        if unknown:
            by["none"] = unknown
        scored = None
        if rates:
            info = store.run(r["id"])
            scored = run_rates(store, info, lang) if r["id"] in live else stored_rates(info)
        out.append(Point(run_id=r["id"], started=r["started"], pages=r["pages"], page_errors=r["page_errors"],
                         failed=sum(by.values()), by_impact=by, failed_checks=checks.get(r["id"], 0),
                         cant_tell=cant_tell[r["id"]],
                         nc_criteria=scored["nc_criteria"] if scored else None,
                         rate=scored["global"] if scored else None,
                         rate_text=scored["text"] if scored else None))
    return out


# --- words and numbers -------------------------------------------------------------------------


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
    w = words(lang)
    cols = [w["run"], w["pages"], w["critical"], w["serious"], w["moderate"], w["minor"], w["total"], w["checks"],
            w["cant_tell"]]
    if _has_rates(points):
        cols += [w["nc"], w["rate"]]
    return cols


def _row(p: Point, lang: str, with_rates: bool) -> list[str]:
    w = words(lang)
    pages = str(p.pages) + (f" (+{p.page_errors} {'en erreur' if lang != 'en' else 'in error'})"
                            if p.page_errors else "")
    row = [_when(p.started, lang), pages, *(str(p.by_impact.get(i, 0)) for i in IMPACTS), str(p.failed),
           str(p.failed_checks), str(p.cant_tell)]
    if with_rates:
        row += ["—" if p.nc_criteria is None else str(p.nc_criteria), p.rate_text or w["na"]]
    return row


def basis(points: list[Point], lang: str = "fr") -> str | None:
    """On which pages the criteria and rate columns are counted (they differ from the report's), when shown."""
    return words(lang)["basis"] if points and _has_rates(points) else None


def text_table(points: list[Point], lang: str = "fr") -> str:
    """The terminal view: one line a run, columns aligned."""
    if not points:
        return words(lang)["empty"]
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
    w = words(lang)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, step = _nice_max(max((max(p.by_impact.get(i, 0) for i in IMPACTS) for p in points), default=0))
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
    lines, ends = [], []
    for impact in IMPACTS:
        style = STYLES[impact]
        coords = [(round(x_of(i), 1), round(y_of(p.by_impact.get(impact, 0)), 1)) for i, p in enumerate(points)]
        last = points[-1].by_impact.get(impact, 0)
        lines.append({"impact": impact, "label": w[impact], "color": style["color"], "dash": style["dash"],
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
    first, last = points[0], points[-1]
    span = (w["desc_range"].format(first=_date(first.started, lang), last=_date(last.started, lang)) if n > 1
            else w["desc_one"].format(first=_date(first.started, lang)))
    parts = []
    for impact in IMPACTS:
        a, b = first.by_impact.get(impact, 0), last.by_impact.get(impact, 0)
        values = w["desc_from_to"].format(a=a, b=b) if n > 1 else str(b)
        parts.append(w["desc_series"].format(label=w[impact], values=values))
    total = w["desc_from_to"].format(a=first.failed, b=last.failed) if n > 1 else str(last.failed)
    desc = f"{span}. {w['total']} : {total}. " if lang != "en" else f"{span}. {w['total']}: {total}. "
    desc += " ; ".join(parts) + "." if lang != "en" else "; ".join(parts) + "."
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "ticks": ticks, "xlabels": xlabels, "lines": lines,
            "title": w["chart_title"].format(n=n, site=site), "desc": desc, "axis_y": w["axis_y"],
            "axis_x": w["axis_x"], "axis_x_y": HEIGHT - 12, "axis_y_x": 14, "mid_y": TOP + plot_h / 2,
            "mid_x": LEFT + plot_w / 2}


def point_dict(p: Point) -> dict[str, Any]:
    """A point as JSON-ready data (the rate as a number rounded like the report shows it)."""
    return {"run": p.run_id, "started": p.started, "pages": p.pages, "page_errors": p.page_errors,
            "failed": p.failed, "failed_by_impact": dict(p.by_impact), "failed_checks": p.failed_checks,
            "cant_tell": p.cant_tell, "nc_criteria": p.nc_criteria,
            "rate": round(float(p.rate), 1) if p.rate is not None else None, "rate_text": p.rate_text}


def _dom_id(site: str) -> str:
    return "tendances-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in site)


def section(store: Store, site: str, lang: str = "fr", last: int = DEFAULT_LAST, rates: bool = True,
            heading_level: int = 2) -> dict[str, Any]:
    """What ``templates/trends.html.j2`` needs: ``{% include "trends.html.j2" %}`` with ``trend`` set to
    this dict in the context."""
    w = words(lang)
    points = series(store, site, last=last, rates=rates, lang=lang)
    with_rates = _has_rates(points)
    site_name = site
    if points:
        site_name = store.run(points[-1].run_id).meta.get("site_name") or site
    return {
        "id": _dom_id(site),
        "lang": "en" if lang == "en" else "fr",
        "heading": w["heading"],
        "heading_level": min(6, max(2, heading_level)),
        "note": w["note"] + (" " + w["basis"] if with_rates else ""),
        "empty": not points,
        "empty_text": w["empty"],
        "site": site,
        "site_name": site_name,
        "chart": chart(points, site_name, lang) if points else None,
        "table": {"caption": w["caption"], "columns": _columns(points, lang),
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


def render_html(store: Store, site: str, lang: str = "fr", last: int = DEFAULT_LAST) -> str:
    """A stand-alone, accessible HTML page with the chart and its table (``a11y-audit trends --html``)."""
    from audit.i18n import labels
    from audit.reports.html import environment

    data = section(store, site, lang, last=last)
    w = words(lang)
    template = environment().from_string(_PAGE)
    return template.render(trend=data, t=labels(lang), lang=data["lang"],
                           page_title=w["page_title"].format(site=data["site_name"]),
                           generated_by=w["generated_by"])


def write_html(store: Store, site: str, path: str | Path, lang: str = "fr", last: int = DEFAULT_LAST) -> Path:
    file = Path(path)
    if file.parent and not file.parent.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(render_html(store, site, lang, last), encoding="utf-8")
    return file

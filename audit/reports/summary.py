"""A Markdown summary for a pull-request (or merge-request) comment: what changed since the reference.

New / fixed / still open against a baseline (or the previous run), counts by impact, the taux global
before and after when ``audit.scoring`` can compute it, the first new findings with their page and
selector, and a link to the full report, in the language ``lang`` (French by default).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from audit import words
from audit.baseline import Comparison, impact_said
from audit.model import Finding, Impact
from audit.reports import failure_text, totals_of, visible_controls
from audit.scoring import format_rate, round_rate

if TYPE_CHECKING:
    from audit.assessment import Assessment

REPORT_URL_PLACEHOLDER = "REPORT_URL"
TOP = 10
IMPACTS = (Impact.CRITICAL, Impact.SERIOUS, Impact.MODERATE, Impact.MINOR)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def md_text(text: str | None, limit: int = 160) -> str:
    """Plain text safe in a Markdown table cell: one line, Markdown and HTML characters escaped."""
    value = re.sub(r"\s+", " ", visible_controls(text or "")).strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def md_code(text: str | None, limit: int = 120) -> str:
    """An inline code span safe in a table cell (pipes escaped, backtick fence longer than any inside)."""
    value = re.sub(r"\s+", " ", visible_controls(text or "")).strip()
    if not value:
        return "—"
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    value = value.replace("|", "\\|")  # GFM: a pipe ends a table cell even inside a code span
    return f"{fence}{pad}{value}{pad}{fence}"


def _counts(findings: Iterable[Finding]) -> Counter:
    return Counter(f.impact.value if f.impact else "none" for f in findings)


def _delta(before, after, lang: str) -> str:
    """« +2,5 points », « +1.0 point »: a change of the rate in points (French: below 2 a point is singular)."""
    diff = float(after) - float(before)
    value = f"{diff:+.1f}"
    if lang != "en":
        value = value.replace(".", ",")
    size = abs(round(diff, 1))
    # n for the plural form: 1 only for exactly one point, 0 for any other value under 2 (singular in
    # French, plural in English), the whole number above
    n = 1 if size == 1 else (0 if size < 2 else int(size))
    return words.plural(n, "{value} point", "{value} points", lang=lang, value=value)


def _rates_line(a: Assessment, previous: Assessment | None, lang: str) -> str:
    """The taux global before and after (the results' own rates, on their RGAA sample)."""
    if not a.rates.valid:
        return words.text("Taux de conformité global (RGAA) : non calculable tant que des critères restent à vérifier "
                          "({nt} à vérifier).", lang=lang,
                          nt=words.plural(a.rates.counts.get("NT", 0), "{n} critère", "{n} critères", lang=lang))
    now = a.rates.global_rate
    if previous is None or not previous.rates.valid:
        return words.text("Taux de conformité global (RGAA) : {after}.", lang=lang, after=format_rate(now, lang))
    before = previous.rates.global_rate
    return words.text("Taux de conformité global (RGAA) : {before} → {after} ({change}).", lang=lang,
                      before=format_rate(before, lang), after=format_rate(now, lang),
                      change=_delta(round_rate(before), round_rate(now), lang))


def _audited(a: Assessment, lang: str) -> str:
    """« 23 pages, 2 documents »: what the run audited (pages in error left out), as the report counts them."""
    totals = totals_of(a)
    return ", ".join([words.plural(totals["pages"], "{n} page", "{n} pages", lang=lang),
                      words.plural(totals["documents"], "{n} document", "{n} documents", lang=lang)])


def _title(name: str, lang: str) -> str:
    return "## " + md_text(words.text("Audit d'accessibilité — {site}", lang=lang, site=name), 200)


def _honesty(lang: str) -> str:
    return "_" + words.text("Les tests automatiques ne couvrent qu'une partie du RGAA : aucune nouvelle erreur "
                            "détectée ne vaut pas conformité.", lang=lang) + "_"


def render_failed(a: Assessment, lang: str = "fr") -> str:
    """The comment for a run that audited nothing: it says the audit failed, never « no new failure »."""
    name = a.run.meta.get("site_name") or a.run.site
    return "\n".join([_title(name, lang), "", f"**{md_text(failure_text(a, lang), 600)}**", "", _honesty(lang), ""])


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(cmp: Comparison, a: Assessment, lang: str = "fr", report_url: str | None = None,
           top: int = TOP, previous: Assessment | None = None) -> str:
    """The comment, as Markdown: ``a`` the assessed run, ``previous`` the site's run before it (for the rate)."""
    if a.failed:
        return render_failed(a, lang)
    run = a.run
    threshold = words.impact(cmp.fail_on, lang) if cmp.fail_on != "none" else ""
    name = run.meta.get("site_name") or run.site
    pages = _audited(a, lang)
    out = [_title(name, lang), ""]
    if cmp.fail_on == "none":
        out.append(words.text("**Seuil d'échec désactivé (`--fail-on none`) : ce résumé informe, il ne bloque "
                              "pas.**", lang=lang))
    elif cmp.new:
        out.append(words.plural(len(cmp.new), "**Échec : {n} nouvelle non-conformité de gravité {threshold} ou plus.**",
                                "**Échec : {n} nouvelles non-conformités de gravité {threshold} ou plus.**",
                                lang=lang, threshold=threshold))
    else:
        out.append(words.text("**Aucune nouvelle non-conformité de gravité {threshold} ou plus.**", lang=lang,
                              threshold=threshold))
    reference = visible_controls(cmp.reference.replace("`", "'"))
    if reference:
        against = words.text("Audit `{run}` ({pages} audités), comparé à `{ref}`.", lang=lang, run=cmp.run_id,
                             pages=pages, ref=reference)
    else:  # no reference: no earlier run to compare with
        against = words.text("Audit `{run}` ({pages} audités) : premier audit complet du site, rien à comparer : "
                             "tout ce qui est trouvé compte comme nouveau.", lang=lang, run=cmp.run_id, pages=pages)
    out += ["", against, ""]

    everything_new = list(cmp.new) + list(cmp.new_below)
    new_c, open_c = _counts(everything_new), _counts(cmp.still_open)
    fixed_c = Counter(e.impact.value if e.impact else "none" for e in cmp.fixed)
    impact_head = words.text("Gravité", lang=lang)
    out += [words.text("Non-conformités détectées automatiquement, par gravité :", lang=lang), "",
            _row([impact_head, words.text("Nouvelles", lang=lang), words.text("Corrigées", lang=lang),
                  words.text("Toujours ouvertes (acceptées)", lang=lang)]), "|---|---:|---:|---:|"]
    keys = [i.value for i in IMPACTS] + (["none"] if any(c.get("none") for c in (new_c, open_c, fixed_c)) else [])
    for key in keys:
        label = impact_said(None if key == "none" else key, lang)
        out.append(_row([label[:1].upper() + label[1:], str(new_c.get(key, 0)), str(fixed_c.get(key, 0)),
                         str(open_c.get(key, 0))]))
    # « Total » and « Page » are the same word in both languages
    out.append(_row(["**Total**", f"**{len(everything_new)}**", f"**{len(cmp.fixed)}**",
                     f"**{len(cmp.still_open)}**"]))
    out.append("")

    out += [_rates_line(a, previous, lang), ""]

    if cmp.new:
        shown = cmp.new[:top]
        if len(cmp.new) > len(shown):
            heading = words.text("Nouvelles non-conformités ({shown} premières sur {n})", lang=lang,
                                 shown=len(shown), n=len(cmp.new))
        else:
            heading = words.text("Nouvelles non-conformités", lang=lang)
        out += [f"### {heading}", "",
                _row([impact_head, "Page", words.text("Règle", lang=lang),
                      words.text("Sélecteur", lang=lang), words.text("Constat", lang=lang)]),
                "|---|---|---|---|---|"]
        for f in shown:
            out.append(_row([impact_said(f.impact, lang), md_code(cmp.page_of(f), 80), md_code(f.check_id, 60),
                             md_code(f.selector), md_text(f.said("message", lang) or f.said("title", lang))]))
        out.append("")
    if cmp.new_below:
        if cmp.fail_on == "none":
            below = words.plural(len(cmp.new_below), "{n} nouvelle non-conformité, sans effet sur le résultat "
                                 "(seuil désactivé).", "{n} nouvelles non-conformités, sans effet sur le résultat "
                                 "(seuil désactivé).", lang=lang)
        else:
            below = words.plural(len(cmp.new_below), "{n} autre nouvelle non-conformité sous le seuil (gravité "
                                 "inférieure à {threshold}), sans effet sur le résultat.", "{n} autres nouvelles "
                                 "non-conformités sous le seuil (gravité inférieure à {threshold}), sans effet sur "
                                 "le résultat.", lang=lang, threshold=threshold)
        out += [below, ""]
    if cmp.fixed:
        out += ["### " + words.text("Corrigées ({n})", lang=lang, n=len(cmp.fixed)), ""]
        for e in cmp.fixed[:top]:
            out.append("- " + words.text("{impact} : {page} — {check} — {selector}", lang=lang,
                                         impact=impact_said(e.impact, lang), page=md_code(e.page, 80),
                                         check=md_code(e.check_id, 60), selector=md_code(e.selector)))
        if len(cmp.fixed) > top:
            out.append("- " + words.plural(len(cmp.fixed) - top, "… et {n} autre.", "… et {n} autres.", lang=lang))
        out.append("")
    if cmp.expired:
        out += [words.plural(len(cmp.expired), "{n} acceptation expirée : ce constat compte de nouveau comme nouveau.",
                             "{n} acceptations expirées : ces constats comptent de nouveau comme nouveaux.",
                             lang=lang), ""]
    if cmp.not_checked:
        out += [words.plural(len(cmp.not_checked), "{n} constat accepté sur des pages que cet audit n'a pas pu "
                             "vérifier (page en erreur ou non atteinte) : ni corrigé ni nouveau.", "{n} constats "
                             "acceptés sur des pages que cet audit n'a pas pu vérifier (page en erreur ou non "
                             "atteinte) : ni corrigés ni nouveaux.", lang=lang), ""]
    if a.inputs.overrides:  # a result made with flags in place of the registered inputs says so
        out += [words.text("Données remplacées en ligne de commande pour ce résumé : {flags}.", lang=lang,
                           flags=", ".join(md_code(o) for o in a.inputs.overrides)), ""]
    for part in a.out_of_scope:
        out += [words.plural(part["findings"], "Hors périmètre : {selector} ({reason}), {n} constat écarté.",
                             "Hors périmètre : {selector} ({reason}), {n} constats écartés.", lang=lang,
                             selector=md_code(part["selector"]), reason=md_text(part["reason"])), ""]
    out += [words.text("[Voir le rapport complet]({url})", lang=lang, url=report_url or REPORT_URL_PLACEHOLDER), "",
            _honesty(lang), ""]
    return "\n".join(out)

"""A Markdown summary for a pull-request (or merge-request) comment: what changed since the reference.

New / fixed / still open against a baseline (or the previous run), counts by impact, the taux global
before and after when ``audit.scoring`` can compute it, the first new findings with their page and
selector, and a link to the full report. French first, English with ``lang="en"``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from audit import words
from audit.baseline import Comparison, impact_word
from audit.model import Finding, Impact
from audit.reports import failure_text, totals_of, visible_controls
from audit.scoring import format_rate, round_rate

if TYPE_CHECKING:
    from audit.assessment import Assessment

REPORT_URL_PLACEHOLDER = "REPORT_URL"
TOP = 10
IMPACTS = (Impact.CRITICAL, Impact.SERIOUS, Impact.MODERATE, Impact.MINOR)

_WORDS = {
    "fr": {
        "title": "Audit d'accessibilité — {site}",
        "fail": "**Échec : {n} nouvelle(s) non-conformité(s) de gravité {threshold} ou plus.**",
        "ok": "**Aucune nouvelle non-conformité de gravité {threshold} ou plus.**",
        "ok_none": "**Seuil d'échec désactivé (`--fail-on none`) : ce résumé informe, il ne bloque pas.**",
        "against": "Audit `{run}` ({pages} audités), comparé à `{ref}`.",
        "against_none": "Audit `{run}` ({pages} audités) : premier audit complet du site, rien à "
                        "comparer : tout ce qui est trouvé compte comme nouveau.",
        "table_caption": "Non-conformités détectées automatiquement, par gravité :",
        "impact": "Gravité", "new": "Nouvelles", "fixed": "Corrigées", "open": "Toujours ouvertes (acceptées)",
        "total": "Total",
        "rate": "Taux de conformité global (RGAA) : {before} → {after}{delta}.",
        "rate_now": "Taux de conformité global (RGAA) : {after}.",
        "rate_na": "Taux de conformité global (RGAA) : non calculable tant que des critères restent à vérifier "
                   "({nt} à vérifier).",
        "new_title": "Nouvelles non-conformités",
        "first": " ({shown} premières sur {n})",
        "page": "Page", "rule": "Règle", "selector": "Sélecteur", "found": "Constat",
        "below": "{n} autre(s) nouvelle(s) non-conformité(s) sous le seuil (gravité inférieure à {threshold}), "
                 "sans effet sur le résultat.",
        "below_none": "{n} nouvelle(s) non-conformité(s), sans effet sur le résultat (seuil désactivé).",
        "fixed_title": "Corrigées",
        "expired": "{n} acceptation(s) expirée(s) : ces constats comptent de nouveau comme nouveaux.",
        "not_checked": "{n} constat(s) accepté(s) sur des pages que cet audit n'a pas pu vérifier "
                       "(page en erreur ou non atteinte) : ni corrigés ni nouveaux.",
        "more": "… et {n} autre(s).",
        "report": "[Voir le rapport complet]({url})",
        "out_of_scope": "Hors périmètre : {selector} ({reason}), {n} constat(s) écarté(s).",
        "overrides": "Données remplacées en ligne de commande pour ce résumé : {flags}.",
        "honesty": "Les tests automatiques ne couvrent qu'une partie du RGAA : aucune nouvelle erreur détectée "
                   "ne vaut pas conformité.",
    },
    "en": {
        "title": "Accessibility audit — {site}",
        "fail": "**Failed: {n} new failure(s) of impact {threshold} or worse.**",
        "ok": "**No new failure of impact {threshold} or worse.**",
        "ok_none": "**Failure threshold off (`--fail-on none`): this summary informs, it does not block.**",
        "against": "Run `{run}` ({pages} audited), compared with `{ref}`.",
        "against_none": "Run `{run}` ({pages} audited): the site's first complete run, nothing to compare "
                        "with: everything found counts as new.",
        "table_caption": "Failures found automatically, by impact:",
        "impact": "Impact", "new": "New", "fixed": "Fixed", "open": "Still open (accepted)", "total": "Total",
        "rate": "Global compliance rate (RGAA): {before} → {after}{delta}.",
        "rate_now": "Global compliance rate (RGAA): {after}.",
        "rate_na": "Global compliance rate (RGAA): not computable while criteria remain to verify ({nt} to "
                   "verify).",
        "new_title": "New failures",
        "first": " (first {shown} of {n})",
        "page": "Page", "rule": "Rule", "selector": "Selector", "found": "Found",
        "below": "{n} more new failure(s) below the threshold (impact under {threshold}), not failing the build.",
        "below_none": "{n} new failure(s), not failing the build (threshold off).",
        "fixed_title": "Fixed",
        "expired": "{n} acceptance(s) expired: these findings count as new again.",
        "not_checked": "{n} accepted finding(s) on pages this run could not check (page error or not reached): "
                       "neither fixed nor new.",
        "more": "… and {n} more.",
        "report": "[Full report]({url})",
        "out_of_scope": "Out of scope: {selector} ({reason}), {n} finding(s) set aside.",
        "overrides": "Inputs replaced on the command line for this summary: {flags}.",
        "honesty": "Automated tests cover only part of the RGAA: no new error found does not mean compliance.",
    },
}


def _w(lang: str) -> dict[str, str]:
    return _WORDS["en" if lang == "en" else "fr"]


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
    if before is None or after is None:
        return ""
    diff = float(after) - float(before)
    text = f"{diff:+.1f}"
    if lang != "en":
        text = text.replace(".", ",")
        unit = "point" if abs(diff) < 2 else "points"
    else:
        unit = "point" if abs(diff) == 1 else "points"
    return f" ({text} {unit})"


def _rates_line(a: Assessment, previous: Assessment | None, lang: str) -> str:
    """The taux global before and after (the results' own rates, on their RGAA sample)."""
    w = _w(lang)
    if not a.rates.valid:
        return w["rate_na"].format(nt=words.plural(a.rates.counts.get("NT", 0), "{n} critère", "{n} critères", lang=lang))
    now = a.rates.global_rate
    if previous is None or not previous.rates.valid:
        return w["rate_now"].format(after=format_rate(now, lang))
    before = previous.rates.global_rate
    return w["rate"].format(before=format_rate(before, lang), after=format_rate(now, lang),
                            delta=_delta(round_rate(before), round_rate(now), lang))


def _audited(a: Assessment, lang: str) -> str:
    """« 23 pages, 2 documents »: what the run audited (pages in error left out), as the report counts them."""
    totals = totals_of(a)
    pages = words.plural(totals["pages"], "{n} page", "{n} pages", lang=lang)
    return f"{pages}, {words.plural(totals['documents'], '{n} document', '{n} documents', lang=lang)}"


def render_failed(a: Assessment, lang: str = "fr") -> str:
    """The comment for a run that audited nothing: it says the audit failed, never « no new failure »."""
    w = _w(lang)
    name = a.run.meta.get("site_name") or a.run.site
    return "\n".join([f"## {md_text(w['title'].format(site=name), 200)}", "",
                      f"**{md_text(failure_text(a, lang), 600)}**", "", f"_{w['honesty']}_", ""])


def render(cmp: Comparison, a: Assessment, lang: str = "fr", report_url: str | None = None,
           top: int = TOP, previous: Assessment | None = None) -> str:
    """The comment, as Markdown: ``a`` the assessed run, ``previous`` the site's run before it (for the rate)."""
    if a.failed:
        return render_failed(a, lang)
    run = a.run
    w = _w(lang)
    threshold = impact_word(cmp.fail_on, lang) if cmp.fail_on != "none" else ""
    name = run.meta.get("site_name") or run.site
    pages = _audited(a, lang)
    out = [f"## {md_text(w['title'].format(site=name), 200)}", ""]
    if cmp.fail_on == "none":
        out.append(w["ok_none"])
    elif cmp.new:
        out.append(w["fail"].format(n=len(cmp.new), threshold=threshold))
    else:
        out.append(w["ok"].format(threshold=threshold))
    reference = visible_controls(cmp.reference.replace("`", "'"))
    against = w["against"] if reference else w["against_none"]  # no reference: no earlier run to compare with
    out += ["", against.format(run=cmp.run_id, pages=pages, ref=reference), ""]

    everything_new = list(cmp.new) + list(cmp.new_below)
    new_c, open_c = _counts(everything_new), _counts(cmp.still_open)
    fixed_c = Counter(e.impact.value if e.impact else "none" for e in cmp.fixed)
    out += [w["table_caption"], "",
            f"| {w['impact']} | {w['new']} | {w['fixed']} | {w['open']} |", "|---|---:|---:|---:|"]
    keys = [i.value for i in IMPACTS] + (["none"] if any(c.get("none") for c in (new_c, open_c, fixed_c)) else [])
    for key in keys:
        label = impact_word(None if key == "none" else key, lang)
        out.append(f"| {label[:1].upper() + label[1:]} | {new_c.get(key, 0)} | {fixed_c.get(key, 0)} | "
                   f"{open_c.get(key, 0)} |")
    out.append(f"| **{w['total']}** | **{len(everything_new)}** | **{len(cmp.fixed)}** | **{len(cmp.still_open)}** |")
    out.append("")

    out += [_rates_line(a, previous, lang), ""]

    if cmp.new:
        shown = cmp.new[:top]
        more = w["first"].format(shown=len(shown), n=len(cmp.new)) if len(cmp.new) > len(shown) else ""
        out += [f"### {w['new_title']}{more}", "",
                f"| {w['impact']} | {w['page']} | {w['rule']} | {w['selector']} | {w['found']} |",
                "|---|---|---|---|---|"]
        for f in shown:
            out.append(f"| {impact_word(f.impact, lang)} | {md_code(cmp.page_of(f), 80)} | {md_code(f.check_id, 60)} "
                       f"| {md_code(f.selector)} | {md_text(f.message or f.title)} |")
        out.append("")
    if cmp.new_below:
        key = "below_none" if cmp.fail_on == "none" else "below"
        out += [w[key].format(n=len(cmp.new_below), threshold=threshold), ""]
    if cmp.fixed:
        out += [f"### {w['fixed_title']} ({len(cmp.fixed)})", ""]
        for e in cmp.fixed[:top]:
            out.append(f"- {impact_word(e.impact, lang)} : {md_code(e.page, 80)} — {md_code(e.check_id, 60)} — "
                       f"{md_code(e.selector)}" if lang != "en" else
                       f"- {impact_word(e.impact, lang)}: {md_code(e.page, 80)} — {md_code(e.check_id, 60)} — "
                       f"{md_code(e.selector)}")
        if len(cmp.fixed) > top:
            out.append(f"- {w['more'].format(n=len(cmp.fixed) - top)}")
        out.append("")
    if cmp.expired:
        out += [w["expired"].format(n=len(cmp.expired)), ""]
    if cmp.not_checked:
        out += [w["not_checked"].format(n=len(cmp.not_checked)), ""]
    if a.inputs.overrides:  # a result made with flags in place of the registered inputs says so
        out += [w["overrides"].format(flags=", ".join(md_code(o) for o in a.inputs.overrides)), ""]
    for part in a.out_of_scope:
        out += [w["out_of_scope"].format(selector=md_code(part["selector"]), reason=md_text(part["reason"]),
                                         n=part["findings"]), ""]
    out += [w["report"].format(url=report_url or REPORT_URL_PLACEHOLDER), "", f"_{w['honesty']}_", ""]
    return "\n".join(out)

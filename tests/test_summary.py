"""The Markdown pull-request summary: new / fixed / still open, counts, rate delta, top new findings."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from fractions import Fraction

import pytest

from audit import baseline
from audit.assessment import Assessment, assess
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.reports import summary
from audit.store import Store


def rated(a: Assessment, value: Fraction | None, nt: int = 0) -> Assessment:
    """``a`` with its rates as a complete audit (``value``) or an incomplete one (``nt`` criteria to verify)
    would have them: the summary reads the result's rates, never computes them."""
    counts = dict(a.rates.counts, NT=nt)
    return replace(a, rates=replace(a.rates, global_rate=value, counts=counts, nt_cells=nt,
                                    nt_criteria=tuple(f"x.{i}" for i in range(nt))))


def fail(key: str, check: str, selector: str, impact: Impact, message: str = "défaut") -> Finding:
    snippet = f'<div class="{selector}">'
    return Finding(check_id=check, source=Source.AXE, outcome=Outcome.FAILED, page_key=key, page_url=key,
                   impact=impact, selector=selector, snippet=snippet, message=message, title=check,
                   fingerprint=fingerprint(check, selector, snippet))


def make_run(store: Store, base: str, pages: dict[str, list[tuple]]):
    run = store.create_run("ville", base, {"site_name": "Ville de Bellerive"})
    time.sleep(0.011)
    for path, specs in pages.items():
        url = base + path
        store.save_page(run, PageSnapshot(key=url, url=url, status=200),
                        [fail(url, *spec) for spec in specs])
    store.set_status(run.id, "complete")
    return store.run(run.id)


@pytest.fixture()
def compared(tmp_path):
    with Store(tmp_path / "runs") as store:
        old = make_run(store, "http://127.0.0.1:1", {
            "/": [("axe:image-alt", "main img", Impact.CRITICAL)],
            "/aide.html": [("axe:html-lang-valid", "html", Impact.SERIOUS)],
            "/contact.html": [("axe:label", "#tel", Impact.CRITICAL)]})
        file = tmp_path / "a11y-baseline.json"
        baseline.accept(assess(store, old), file)
        new_ones = [(f"axe:rule-{i:02d}", f"sel{i}", Impact.SERIOUS) for i in range(11)]
        new_ones.append(("axe:link-name", "a|b", Impact.CRITICAL, "Le lien <script>alert(1)</script> n'a pas | de nom"))
        new_ones.append(("axe:region", "body > div", Impact.MODERATE))
        run = make_run(store, "http://127.0.0.1:2", {
            "/": [("axe:image-alt", "main img", Impact.CRITICAL), *new_ones],
            "/aide.html": [],
            "/contact.html": [("axe:label", "#tel", Impact.CRITICAL)]})
        a = assess(store, run)
        yield a, baseline.compare(a, file, "serious")


def test_french_summary_says_what_changed(compared):
    a, cmp = compared
    run = a.run
    text = summary.render(cmp, a)
    assert text.startswith("## Audit d'accessibilité — Ville de Bellerive\n")
    assert "**Échec : 12 nouvelle(s) non-conformité(s) de gravité grave ou plus.**" in text
    assert "a11y-baseline.json" in text and run.id in text
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
            for line in text.splitlines() if line.startswith("| ") and line.count("|") == 5}
    assert rows["Critique"] == ["1", "0", "2"]
    assert rows["Grave"] == ["11", "1", "0"]
    assert rows["Modérée"] == ["1", "0", "0"]
    assert rows["**Total**"] == ["**13**", "**1**", "**2**"]
    assert "### Nouvelles non-conformités (10 premières sur 12)" in text
    new_rows = [line for line in text.splitlines() if line.startswith("| critique |") or
                line.startswith("| grave |")]
    assert len(new_rows) == 10 and new_rows[0].startswith("| critique | `/` | `axe:link-name` |")
    assert "1 autre(s) nouvelle(s) non-conformité(s) sous le seuil" in text
    assert "### Corrigées (1)" in text and "`/aide.html` — `axe:html-lang-valid` — `html`" in text
    assert "[Voir le rapport complet](REPORT_URL)" in text
    # automatic findings alone leave criteria to verify: no rate, said with the result's own count
    assert not a.rates.valid and a.rates.counts["NT"] > 0
    assert ("Taux de conformité global (RGAA) : non calculable tant que des critères restent à vérifier "
            f"({a.rates.counts['NT']} critères à vérifier).") in text


def test_markdown_and_html_are_escaped(compared):
    a, cmp = compared
    text = summary.render(cmp, a, report_url="https://ci.example.org/rapport.html")
    assert "<script>" not in text and r"\<script\>" in text
    row = next(line for line in text.splitlines() if "axe:link-name" in line)
    assert r"`a\|b`" in row
    assert re.search(r"n'a pas \\\| de nom", row)
    assert len(row.replace("\\|", "").split("|")) == 7  # still five cells
    assert "[Voir le rapport complet](https://ci.example.org/rapport.html)" in text


def test_rate_delta_when_scoring_gives_rates(compared):
    a, cmp = compared
    now, before = rated(a, Fraction(545, 10)), rated(a, Fraction(52))
    text = summary.render(cmp, now, previous=before)
    assert "Taux de conformité global (RGAA) : 52,0\u00a0% → 54,5\u00a0% (+2,5 points)." in text
    # no earlier run, or one without a rate: the rate of this run alone
    assert "Taux de conformité global (RGAA) : 54,5\u00a0%." in summary.render(cmp, now)
    assert "Taux de conformité global (RGAA) : 54,5\u00a0%." in summary.render(cmp, now, previous=rated(a, None, 3))
    assert ("non calculable tant que des critères restent à vérifier (41 critères à vérifier)"
            in summary.render(cmp, rated(a, None, 41), previous=before))


def test_success_and_english(compared, tmp_path):
    a, _ = compared
    file = tmp_path / "all.json"
    baseline.accept(a, file)
    ok = baseline.compare(a, file, "serious")
    assert "**Aucune nouvelle non-conformité de gravité grave ou plus.**" in summary.render(ok, a)
    english = summary.render(ok, a, lang="en")
    assert "## Accessibility audit — Ville de Bellerive" in english
    assert "**No new failure of impact serious or worse.**" in english
    assert "| Impact | New | Fixed | Still open (accepted) |" in english


def test_with_the_real_scoring_module(compared):
    """The rates are the assessed result's (audit.scoring on its sample): the summary says them, or says when
    none exists."""
    a, cmp = compared
    assert a.rates.counts["NC"] >= 0
    text = summary.render(cmp, a)
    if a.rates.global_rate is None:
        assert "non calculable" in text
    else:
        assert "Taux de conformité global (RGAA) :" in text


def test_a_first_run_says_there_is_nothing_to_compare(compared):
    """With no earlier complete run (and no baseline), the summary says so in words, not as a quoted reference."""
    a, _ = compared
    run = a.run
    a = rated(a, None, 7)
    first = baseline.compare_entries(a, [], "serious")
    french, english = summary.render(first, a), summary.render(first, a, lang="en")
    assert (f"Audit `{run.id}` (3 pages, 0 document audités) : premier audit complet du site, rien à comparer : tout ce "
            "qui est trouvé compte comme nouveau.") in french
    assert "comparé à" not in french and "``" not in french
    assert f"Run `{run.id}` (3 pages, 0 documents audited): the site's first complete run, nothing to compare with" in english
    assert "non calculable tant que des critères restent à vérifier (7 critères à vérifier)." in french


def test_a_failed_run_says_it_failed_never_no_new_failure(tmp_path):
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", "http://127.0.0.1:9", {"site_name": "Ville de Bellerive"})
        store.fail_run(run.id, "unreachable", url="http://127.0.0.1:9/", error="net::ERR_CONNECTION_REFUSED")
        a = assess(store, store.run(run.id))
    assert a.failed and a.grid.pages == ()
    text = summary.render(baseline.compare_entries(a, [], "serious"), a)
    assert text == summary.render_failed(a)
    assert text.startswith("## Audit d'accessibilité — Ville de Bellerive\n")
    assert "**Audit échoué : le site n'a pas répondu (http://127.0.0.1:9/ : " in text
    assert "Aucune nouvelle" not in text and "Taux" not in text
    assert "Audit failed: the site did not answer" in summary.render_failed(a, "en")

"""The Markdown pull-request summary: new / fixed / still open, counts, rate delta, top new findings."""

from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest

from audit import baseline, trend
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.reports import summary
from audit.store import Store


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
        baseline.accept(store, old, file)
        new_ones = [(f"axe:rule-{i:02d}", f"sel{i}", Impact.SERIOUS) for i in range(11)]
        new_ones.append(("axe:link-name", "a|b", Impact.CRITICAL, "Le lien <script>alert(1)</script> n'a pas | de nom"))
        new_ones.append(("axe:region", "body > div", Impact.MODERATE))
        run = make_run(store, "http://127.0.0.1:2", {
            "/": [("axe:image-alt", "main img", Impact.CRITICAL), *new_ones],
            "/aide.html": [],
            "/contact.html": [("axe:label", "#tel", Impact.CRITICAL)]})
        yield store, run, baseline.compare(store, run, file, "serious")


def test_french_summary_says_what_changed(compared, monkeypatch):
    store, run, cmp = compared
    monkeypatch.setattr(trend, "run_rates", lambda *a, **k: None)  # as without audit.scoring
    text = summary.render(cmp, store, run)
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
    assert "Taux de conformité" not in text


def test_markdown_and_html_are_escaped(compared, monkeypatch):
    store, run, cmp = compared
    monkeypatch.setattr(trend, "run_rates", lambda *a, **k: None)
    text = summary.render(cmp, store, run, report_url="https://ci.example.org/rapport.html")
    assert "<script>" not in text and r"\<script\>" in text
    row = next(line for line in text.splitlines() if "axe:link-name" in line)
    assert r"`a\|b`" in row
    assert re.search(r"n'a pas \\\| de nom", row)
    assert len(row.replace("\\|", "").split("|")) == 7  # still five cells
    assert "[Voir le rapport complet](https://ci.example.org/rapport.html)" in text


def test_rate_delta_when_scoring_gives_rates(compared, monkeypatch):
    store, run, cmp = compared
    rates = {run.id: Fraction(545, 10)}

    def fake_rates(store_, info, lang="fr"):
        value = rates.get(info.id, Fraction(52))
        return {"global": value, "text": f"{float(value):.1f}".replace(".", ",") + "\u00a0%", "nc_criteria": 3,
                "nt_criteria": 0}

    monkeypatch.setattr(trend, "run_rates", fake_rates)
    text = summary.render(cmp, store, run)
    assert "Taux de conformité global (RGAA) : 52,0\u00a0% → 54,5\u00a0% (+2,5 points)." in text
    monkeypatch.setattr(trend, "run_rates", lambda *a, **k: {"global": None, "text": "non calculable",
                                                             "nc_criteria": 3, "nt_criteria": 41})
    assert "non calculable tant que des critères restent à vérifier (41 critère(s) à vérifier sur une page auditée au moins)" in summary.render(cmp, store, run)


def test_success_and_english(compared, monkeypatch, tmp_path):
    store, run, _ = compared
    monkeypatch.setattr(trend, "run_rates", lambda *a, **k: None)
    file = tmp_path / "all.json"
    baseline.accept(store, run, file)
    ok = baseline.compare(store, run, file, "serious")
    assert "**Aucune nouvelle non-conformité de gravité grave ou plus.**" in summary.render(ok, store, run)
    english = summary.render(ok, store, run, lang="en")
    assert "## Accessibility audit — Ville de Bellerive" in english
    assert "**No new failure of impact serious or worse.**" in english
    assert "| Impact | New | Fixed | Still open (accepted) |" in english


def test_with_the_real_scoring_module(compared):
    """audit.scoring is there in this repository: the summary asks it, and says when no rate exists."""
    store, run, cmp = compared
    now = trend.run_rates(store, run)
    assert now is not None and now["nc_criteria"] >= 0
    text = summary.render(cmp, store, run)
    if now["global"] is None:
        assert "non calculable" in text
    else:
        assert "Taux de conformité global (RGAA) :" in text


def test_a_first_run_says_there_is_nothing_to_compare(compared, monkeypatch):
    """With no earlier complete run (and no baseline), the summary says so in words, not as a quoted reference."""
    store, run, _ = compared
    monkeypatch.setattr(trend, "run_rates", lambda *a, **k: {"global": None, "nt_criteria": 7})
    first = baseline.compare_entries(store, run, [], "serious")
    french, english = summary.render(first, store, run), summary.render(first, store, run, lang="en")
    assert (f"Audit `{run.id}` (3 pages, 0 document audités) : premier audit complet du site, rien à comparer : tout ce "
            "qui est trouvé compte comme nouveau.") in french
    assert "comparé à" not in french and "``" not in french
    assert f"Run `{run.id}` (3 pages, 0 documents audited): the site's first complete run, nothing to compare with" in english
    assert ("non calculable tant que des critères restent à vérifier (7 critère(s) à vérifier sur une page auditée "
            "au moins).") in french

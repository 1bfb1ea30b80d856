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
    assert "**Échec : 12 nouvelles non-conformités de gravité grave ou plus.**" in text
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
    assert "1 autre nouvelle non-conformité sous le seuil" in text
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
    assert " | New | Fixed | Still open (accepted) |" in english


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


# --- each output in one language ---------------------------------------------------------------------


def catalogue_pieces() -> tuple[set[str], set[str]]:
    """The fixed text (between placeholders) of every translated msgid and of its English: (French, English),
    phrases only (a space, 14 characters or more), none that both languages write alike."""
    import re

    from audit import words

    pairs, cat = [], words.translations("en")
    while cat is not None:
        entries = getattr(cat, "_catalog", {})
        for key, english in entries.items():
            french = key[0] if isinstance(key, tuple) else key
            if not french or "\x04" in french:
                continue
            if isinstance(key, tuple) and entries.get((french, 0)) == french:
                english = ""  # a plural left untranslated: compiled with the French in its place
            pairs.append((french, english if english != french else ""))
        cat = getattr(cat, "_fallback", None)

    def pieces(text: str) -> set[str]:
        return {p.strip(" .,:;()«»—…-") for p in re.split(r"\{[^}]*\}|\n", text)}

    french_forms, cat = set(), words.translations("fr")  # the plural forms too
    while cat is not None:
        french_forms.update(v for v in getattr(cat, "_catalog", {}).values() if isinstance(v, str))
        cat = getattr(cat, "_fallback", None)
    fr = {p for f in [*(f for f, _ in pairs), *french_forms] for p in pieces(f)}
    en = {p for _, e in pairs if e for p in pieces(e)}
    keep = {p for p in fr ^ en if len(p) >= 14 and " " in p}
    return fr & keep - en, en & keep - fr


def foreign(text: str, lang: str) -> list[str]:
    """The catalogue's texts of the other language found in ``text``."""
    fr, en = catalogue_pieces()
    return sorted(p for p in (fr if lang == "en" else en) if p in text)


def bilingual(store: Store, base: str = "http://127.0.0.1:3"):
    """An assessed run whose findings are our checks' (French msgids, a message with values): every text has
    its English in the catalogue."""
    from audit.checks import load_checks
    from audit.words import Msg

    checks = load_checks()
    img, deco = checks["rgaa-1.1-img-alt"], next(c for c in checks.values() if c.question)
    time.sleep(0.011)  # one run a millisecond
    run = store.create_run("ville", base, {"site_name": "Ville de Bellerive"})
    home, news = base + "/", base + "/actualites.html"
    message = Msg("« {alternative} » est un nom de fichier.", alternative="IMG_0042.jpg")

    def failed(key: str, selector: str) -> Finding:
        snippet = f'<img src="IMG_0042.jpg" class="{selector}">'
        return Finding(check_id=img.id, source=Source.CHECK, outcome=Outcome.FAILED, page_key=key, page_url=key,
                       impact=Impact.SERIOUS, selector=f"img.{selector}", snippet=snippet, message=str(message),
                       title=img.failure, how_to_fix=img.how_to_fix, rgaa_tests=tuple(img.rgaa_tests),
                       wcag=tuple(img.wcag), fingerprint=fingerprint(img.id, f"img.{selector}", snippet),
                       extra={"said": {"message": message.data()}})

    asked = Finding(check_id=deco.id, source=Source.CHECK, outcome=Outcome.CANT_TELL, page_key=home, page_url=home,
                    impact=deco.impact, selector="img.deco", snippet='<img alt="" class="deco">',
                    title=deco.title, question=deco.question, how_to_fix=deco.how_to_fix,
                    rgaa_tests=tuple(deco.rgaa_tests), wcag=tuple(deco.wcag),
                    fingerprint=fingerprint(deco.id, "img.deco", '<img alt="" class="deco">'))
    store.save_page(run, PageSnapshot(key=home, url=home, status=200), [failed(home, "a"), failed(home, "b"), asked])
    store.save_page(run, PageSnapshot(key=news, url=news, status=200), [failed(news, "a")])
    store.set_status(run.id, "complete")
    return assess(store, store.run(run.id))


def test_the_summary_is_in_one_language(tmp_path):
    with Store(tmp_path / "runs") as store:
        a = bilingual(store)
    fixed = baseline.Entry(fingerprint="f" * 16, page="/", check_id="axe:label", selector="#tel",
                           impact=Impact.CRITICAL)
    cmp = baseline.compare_entries(a, [fixed], "moderate", reference="a11y-baseline.json")
    assert cmp.new and cmp.fixed
    french, english = summary.render(cmp, a), summary.render(cmp, a, lang="en")
    assert "est un nom de fichier" in french and "is a file name" in english
    assert foreign(english, "en") == [] and foreign(french, "fr") == []
    for lang, text in (("fr", "\n".join(baseline.describe(cmp))), ("en", "\n".join(baseline.describe(cmp, "en")))):
        assert foreign(text, lang) == [], lang

"""audit/reports/html.py and templates/report.html.j2: the table of contents, a grid that fits the window, and
the report's newer data (a failed run, broken links, provenance, problems), in real Chromium.

The report object is built here by hand, shaped as ``audit.reports.report_of`` writes it (docs/report-schema.md),
at the demo town's size (23 sample pages, 25 pages, the 106 real criteria and their titles), so these tests
depend on the renderer only; tests/test_demo_audit.py audits the report of a real run. Variants add the
optional keys: ``run.failure``, ``broken_links``, ``provenance``, ``totals.problems``, a finding's ``also``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lxml.html
import pytest

from audit.reports import html as html_report
from audit.standards import CRITERIA, THEMES

pytestmark = pytest.mark.browser
STATUSES = ("C", "NC", "NA", "NT")  # the order _status draws from
BASE = "http://127.0.0.1:8000"
PAGE_NAMES = ["Accueil", "Contact", "Mentions légales", "Accessibilité", "Plan du site", "Aide", "Connexion",
              "Actualités", "Fête de la musique sur les bords de Loire : programme complet des concerts",
              "Démarches en ligne", "Restauration scolaire — étape 1 sur 3 : identité de l'enfant",
              "Restauration scolaire — étape 2 sur 3 : jours de présence", "Restauration scolaire — étape 3 sur 3",
              "Agenda", "Conseil municipal", "Marchés publics", "Urbanisme et permis de construire",
              "Bibliothèque municipale", "Piscine", "Déchets et collecte sélective", "Petite enfance",
              "Associations", "Plan interactif de la ville"]


def _page_id(i: int) -> str:
    return f"{i:012x}"


def _status(i: int, j: int) -> str:
    return STATUSES[(i * 7 + j * 3) % 11 % 4]


def _report() -> dict:
    """A report of the demo town's size: 23 sample pages (P1…P23) plus two pages outside the sample."""
    names = PAGE_NAMES + ["Archives 2024 des actualités", "Règlement intérieur de la cantine (PDF)"]
    urls = [f"{BASE}/{'' if i == 0 else f'rubrique-{i}/page-au-nom-assez-long-{i}.html'}" for i in range(len(names))]
    sample = [{"key": urls[i], "id": _page_id(i), "ref": urls[i][len(BASE):], "name": names[i], "url": urls[i],
               "journey": None, "reason": "", "error": None, "label": f"P{i + 1}"} for i in range(len(PAGE_NAMES))]
    criteria = []
    for k, c in enumerate(CRITERIA.values()):
        cells = [{"page": p["key"], "status": _status(k, j)} for j, p in enumerate(sample)]
        statuses = {cell["status"] for cell in cells}
        worst = next(s for s in ("NC", "NT", "C", "NA") if s in statuses)
        criteria.append({"id": c.id, "theme": c.theme, "theme_title": THEMES[c.theme].title, "title": c.title,
                         "level": c.level, "status": worst, "cells": cells})
    counts = {s: sum(1 for c in criteria if c["status"] == s) for s in STATUSES}
    pages = []
    for i, name in enumerate(names):
        findings = [{"check_id": "axe:image-alt", "source": "axe", "outcome": "failed", "impact": "critical",
                     "title": "Les images doivent avoir une alternative textuelle", "message": "",
                     "selector": f"main > div:nth-child({i + 2}) > figure > img.illustration-principale",
                     "tester": None, "answered_by": None, "issue": 1},
                    {"check_id": "rgaa-11.1-label", "source": "check", "outcome": "cant_tell", "impact": "serious",
                     "title": "Champ sans étiquette", "message": "", "selector": "#q", "tester": None,
                     "answered_by": None, "issue": None}]
        in_sample = i < len(sample)
        page = {"key": urls[i], "id": _page_id(i), "url": urls[i], "final_url": urls[i], "name": name,
                "title": f"{name} — Ville de Bellerive-sur-Loire", "kind": "document" if i == 24 else "html",
                "status": 200, "journey": None, "step": None, "error": None, "error_text": None,
                "reused_from": None, "counts": {"failed": 1, "cant_tell": 1}, "findings": findings,
                "dismissed": [], "in_sample": in_sample}
        if in_sample:
            page_counts = {s: sum(1 for c in criteria if c["cells"][i]["status"] == s) for s in STATUSES}
            page["grid"] = {"counts": page_counts, "rate": None,
                            "rate_text": f"non calculable : {page_counts['NT']} critère(s) à vérifier sur cette page",
                            "nc": [{"id": c["id"], "title": c["title"], "evidence": ["axe:image-alt"], "comment": None,
                                    "notes": []} for c in criteria if c["cells"][i]["status"] == "NC"][:5]}
        pages.append(page)
    issue = {"rank": 1, "source": "axe", "title": "Images sans alternative textuelle", "why": "critique, 25 pages",
             "impact": "critical", "blocking": False, "level": "A", "page_count": len(pages), "quick_win": True,
             "testers": [], "also": [], "message": "", "crop": None, "selector": "img.illustration-principale",
             "snippet": '<img src="fete.jpg" class="illustration-principale">', "how_to_fix": "Ajouter un alt.",
             "criteria": [{"id": "1.1", "title": CRITERIA["1.1"].title}], "wcag": ["1.1.1"],
             "help_url": "https://dequeuniversity.com/rules/axe/4.14/image-alt", "check_id": "axe:image-alt",
             "pages": [{"name": p["name"], "url": p["url"]} for p in pages]}
    question = {"question": "Le champ a-t-il une étiquette visible et pertinente ?", "check_id": "rgaa-11.1-label",
                "rgaa_tests": ["11.1.1"], "count": len(pages),
                "pages": [{"id": p["id"], "name": p["name"], "selectors": ["#q"]} for p in pages]}
    return {
        "schema_version": "1.1", "lang": "fr",
        "run": {"id": "20261206T161845907Z", "site": "ville-demo", "site_name": "Ville de Bellerive-sur-Loire",
                "base_url": BASE + "/", "started": "2026-12-06T16:18:45Z", "finished": "2026-12-06T16:19:05Z",
                "status": "complete", "tool_version": "0.1.0", "axe_version": "4.14.1", "chromium_version": "131",
                "rgaa_version": "4.1.2"},
        "totals": {"pages": 24, "documents": 1, "page_errors": 0, "failed": 25, "issues": 1, "cant_tell": 25,
                   "failed_by_impact": {"critical": 25, "serious": 0, "moderate": 0, "minor": 0}, "dismissed": 0},
        "rates": {"state_label": "non conforme", "valid": False, "counts": counts, "reason": "",
                  "nt_criteria": [c["id"] for c in criteria if c["status"] == "NT"]},
        "priority_rule": "Les problèmes sont classés par gravité, puis par nombre de pages.",
        "issues": [issue], "questions": [question],
        "sample": {"source": "sites.yaml", "pages": sample},
        "grid": {"criteria": criteria},
        "testers": {"sessions": 0, "environments": []}, "auditor": None,
        "pages": pages,
    }


@pytest.fixture(scope="module")
def demo_report() -> dict:
    return _report()


def _enriched(report: dict) -> dict:
    """The report with the optional keys: broken links, provenance, problems, a finding's other detectors."""
    r = copy.deepcopy(report)
    home, contact = r["pages"][0], r["pages"][1]
    r["broken_links"] = [
        {"url": "https://exemple.invalid/plan.pdf", "status": 404, "error": "HTTP 404",
         "error_text": "Page introuvable",
         "linked_from": [{"key": home["key"], "id": home["id"], "name": home["name"], "url": home["url"]},
                         {"key": contact["key"], "id": contact["id"], "name": contact["name"], "url": contact["url"]}]},
        {"url": "https://ailleurs.invalid/", "status": None, "error": "net::ERR_NAME_NOT_RESOLVED",
         "error_text": "Nom de domaine inconnu",
         "linked_from": [{"key": "https://hors-audit.invalid/", "id": "ffffffffffff", "name": "Page hors audit",
                          "url": "https://hors-audit.invalid/"}]},
        {"url": f"{BASE}/archives-2024.html", "status": 410, "error": "HTTP 410 Gone",
         "error_text": "le serveur a répondu par une erreur (HTTP 410 Gone)",
         "linked_from": [{"key": home["key"], "id": home["id"], "name": home["name"], "url": home["url"]}]},
    ]
    r["provenance"] = {"sessions": ["user_test_protocols/sessions/s1.yaml", "user_test_protocols/sessions/s2.yaml"],
                       "verdicts": None, "sample": "sites.yaml",
                       "overrides": ["--verdicts /tmp/grille-essai.csv"], "assessed": "2026-12-06T16:20:00Z"}
    r["totals"]["problems"] = 97
    r["totals"]["reported_by_several"] = 12
    r["pages"][0]["findings"][0]["also"] = ["rgaa-1.1-img-alt", "tester:1.1"]
    return r


def _failed(report: dict) -> dict:
    """A run that audited nothing: the site did not answer."""
    r = copy.deepcopy(report)
    url = r["run"]["base_url"]
    r["run"]["status"] = "failed"
    r["run"]["failure"] = {"reason": "unreachable", "url": url, "error": "net::ERR_CONNECTION_REFUSED",
                           "text": f"Le site {url} ne répond pas : connexion refusée. Vérifiez l'adresse, puis "
                                   "relancez l'audit."}
    for key in ("grid", "rates", "sample"):
        r.pop(key, None)
    r["issues"], r["questions"], r["pages"] = [], [], []
    r["totals"] = {"pages": 0, "documents": 0, "page_errors": 0, "failed": 0, "issues": 0, "cant_tell": 0,
                   "problems": 0, "reported_by_several": 0}
    r["broken_links"] = []
    r["provenance"] = {"sessions": [], "verdicts": "audits/ville-demo/verdicts.csv", "sample": "sites.yaml",
                       "overrides": [], "assessed": "2026-12-06T16:20:00Z"}
    return r


def _served(html: str, folder: Path):
    from serving import served_html

    return served_html(html, folder, "rapport.html")


@contextmanager
def _page(chromium: str, width: int) -> Iterator:
    from playwright.sync_api import sync_playwright

    from audit.browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(viewport={"width": width, "height": 900}).new_page()
        finally:
            browser.close()


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def _terms(dl) -> dict[str, str]:
    """A description list as {term: description}, white space normalised."""
    return {" ".join(dt.text_content().split()): " ".join(dd.text_content().split())
            for dt, dd in zip(dl.xpath("./dt"), dl.xpath("./dd"), strict=True)}


# --- table of contents -------------------------------------------------------------------------------------


def test_the_table_of_contents_links_reach_their_sections_and_every_section_leads_back(demo_report, chromium,
                                                                                       tmp_path):
    html = html_report.render(_enriched(demo_report), "fr")
    with _served(html, tmp_path) as url, _page(chromium, 1280) as page:
        page.goto(url)
        nav = page.get_by_role("navigation", name="Sommaire")
        assert nav.count() == 1
        # right after the header, before the main content
        assert page.evaluate("document.querySelector('header').nextElementSibling.id") == "sommaire"
        links = nav.get_by_role("link")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert {"#synthese", "#problemes", "#grille", "#questions", "#liens-casses", "#pages", "#donnees",
                "#grille-theme-1", "#grille-theme-13"} <= set(hrefs)
        for i, href in enumerate(hrefs):
            target = page.locator(href)
            assert target.count() == 1, href
            assert target.evaluate("e => /^H[1-6]$/.test(e.tagName)"), f"{href} is not a heading"
            links.nth(i).click()
            assert page.evaluate("location.hash") == href
            top = target.evaluate("e => e.getBoundingClientRect().top")
            assert -2 < top < 200, (href, top)  # the heading is now at the top of the window
            # the nearest « Retour au sommaire » after it leads back to the contents
            back = target.locator("xpath=following::a[normalize-space()='Retour au sommaire'][1]")
            assert back.count() == 1, href
            back.click()
            assert page.evaluate("location.hash") == "#sommaire"
            assert nav.evaluate("e => e.getBoundingClientRect().top") < 100
        # every long section of the report ends with a way back, and so does every page's section
        without = page.evaluate("""() => [...document.querySelectorAll('main section')]
            .filter(s => s.querySelector(':scope > h2, :scope > h3') && !['donnees'].includes(s.getAttribute('aria-labelledby')))
            .filter(s => ![...s.querySelectorAll(':scope > p.back a')].some(a => a.textContent.trim() === 'Retour au sommaire'))
            .map(s => s.getAttribute('aria-labelledby'))""")
        assert without == []


def test_the_english_report_has_contents_too(demo_report):
    html = html_report.render(_enriched(demo_report), "en")
    doc = lxml.html.fromstring(html)
    [nav] = doc.xpath("//nav[@id='sommaire']")
    assert " ".join(doc.xpath("//*[@id=$i]", i=nav.get("aria-labelledby"))[0].text_content().split()) == "Contents"
    assert "Back to the contents" in _text(html) and "Broken links" in _text(html)
    assert "Inputs taken into account" in _text(html)


# --- the grid fits the window --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 320])
def test_no_horizontal_scrolling_of_the_page(demo_report, chromium, tmp_path, width):
    html = html_report.render(_enriched(demo_report), "fr")
    with _served(html, tmp_path) as url, _page(chromium, width) as page:
        page.goto(url)
        sizes = page.evaluate("({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth})")
        assert sizes["sw"] <= sizes["cw"], sizes
        overflowing = page.evaluate("""() => [...document.querySelectorAll('table.grid')].map(t => t.closest('.scroll'))
            .filter(r => r.scrollWidth > r.clientWidth + 1).map(r => r.getAttribute('aria-labelledby'))""")
        if width == 1280:  # the whole grid reads without scrolling sideways, even its 23 page columns
            assert overflowing == []
        else:  # at 320 px a grid table scrolls in its own region, which the keyboard can reach and names
            assert overflowing
            for region in overflowing:
                box = page.locator(f"[aria-labelledby='{region}']")
                assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
                assert page.locator(f"#{region}").evaluate("e => e.tagName") == "CAPTION"


def test_the_grid_is_a_data_table_per_theme_with_statuses_as_text(demo_report):
    report = demo_report
    doc = lxml.html.fromstring(html_report.render(report, "fr"))
    tables = doc.xpath("//table[contains(@class, 'grid')]")
    assert len(tables) == 13  # one a theme; 23 pages fit in one table
    n_pages = len(report["sample"]["pages"])
    for table in tables:
        assert table.xpath("./caption")
        cols = table.xpath("./thead/tr/th[@scope='col']")
        assert len(cols) == 2 + n_pages
        assert [c.text for c in cols[2:]] == [p["label"] for p in report["sample"]["pages"]]
        for row in table.xpath("./tbody/tr"):
            assert row.xpath("./th[@scope='row']")
            assert {td.text_content().strip() for td in row.xpath("./td")} <= set(STATUSES)
    # the labels P1…Pn are explained in a legend that names each page
    legend = _terms(doc.xpath("//h3[@id='echantillon']/following-sibling::dl[1]")[0])
    assert list(legend) == [p["label"] for p in report["sample"]["pages"]]
    assert legend["P1"] == f"{report['sample']['pages'][0]['name']} — /"


def test_a_large_sample_is_split_into_tables_of_equal_width(demo_report):
    report = copy.deepcopy(demo_report)
    pages = report["sample"]["pages"]
    extra = [dict(pages[i % len(pages)], label=f"P{len(pages) + i + 1}") for i in range(50 - len(pages))]
    report["sample"]["pages"] = pages + extra
    for c in report["grid"]["criteria"]:
        c["cells"] = c["cells"] + [c["cells"][i % len(pages)] for i in range(len(extra))]
    doc = lxml.html.fromstring(html_report.render(report, "fr"))
    theme1 = doc.xpath("//table[contains(@class, 'grid')][starts-with(caption, \"Grille d'audit RGAA — 1.\")]")
    assert len(theme1) == 3  # 50 pages: 17 + 17 + 16 columns, never more than 24
    labels = [th.text for t in theme1 for th in t.xpath("./thead/tr/th[@scope='col']")[2:]]
    assert labels == [f"P{i}" for i in range(1, 51)]
    assert "(pages P18 à P34)" in theme1[1].xpath("./caption")[0].text_content()


# --- the report's newer data ---------------------------------------------------------------------------------


def test_broken_links_provenance_and_problems_are_rendered(demo_report):
    report = _enriched(demo_report)
    html = html_report.render(report, "fr")
    doc = lxml.html.fromstring(html)
    text = _text(html)
    # problems, not detector reports, in the headline; the other detectors beside a finding
    assert "97 problèmes (dont 12 signalés par plusieurs détecteurs)." in text
    assert "Un problème est un défaut sur un élément" in text
    assert "signalé aussi par : rgaa-1.1-img-alt, tester:1.1" in text
    # broken links: a table, counted apart, each page linking to it reached in the report
    [section] = doc.xpath("//section[@aria-labelledby='liens-casses']")
    assert "Liens cassés (3)" in section.xpath("./h2")[0].text_content()
    assert "comptés à part" in section.text_content()
    [table] = section.xpath(".//table")
    assert [th.text_content() for th in table.xpath("./thead/tr/th[@scope='col']")] == [
        "Adresse du lien", "Statut HTTP ou erreur", "Pages qui y mènent"]
    rows = table.xpath("./tbody/tr")
    assert rows[0].xpath("./th[@scope='row']")[0].text_content() == "https://exemple.invalid/plan.pdf"
    assert " ".join(rows[0].xpath("./td")[0].text_content().split()) == "404 — Page introuvable"
    # the status is not said twice when the error's words already give it
    assert rows[2].xpath("./td")[0].text_content().strip() == "le serveur a répondu par une erreur (HTTP 410 Gone)"
    home, contact = report["pages"][0], report["pages"][1]
    assert rows[0].xpath("./td[2]//a/@href") == [f"#p-{home['id']}", f"#p-{contact['id']}"]
    assert all(doc.xpath("//*[@id=$i]", i=h[1:]) for h in rows[0].xpath("./td[2]//a/@href"))
    assert rows[1].xpath("./td[2]//a/@href") == ["https://hors-audit.invalid/"]  # not in this report: its URL
    assert " ".join(rows[1].xpath("./td")[0].text_content().split()) == "Nom de domaine inconnu"
    # provenance, with the override shown plainly
    [prov] = doc.xpath("//section[@aria-labelledby='donnees']")
    prov_text = " ".join(prov.text_content().split())
    assert "Données prises en compte" in prov_text
    assert _terms(prov.xpath(".//dl")[0]) == {
        "Sessions de testeurs": "user_test_protocols/sessions/s1.yaml, user_test_protocols/sessions/s2.yaml",
        "Verdicts de l'auditeur": "aucun", "Échantillon": "l'échantillon épinglé dans sites.yaml (sample:)", "Évaluation": "2026-12-06T16:20:00Z"}
    assert "en ligne de commande" in prov_text and "--verdicts /tmp/grille-essai.csv" in prov_text
    # near the top: before the summary
    ids = [e.get("id") for e in doc.xpath("//main//h2")]
    assert ids.index("donnees") < ids.index("synthese")


def test_without_the_newer_keys_the_report_is_as_before(demo_report):
    html = html_report.render(demo_report, "fr")
    text = _text(html)
    assert "Liens cassés" not in text and "Données prises en compte" not in text and "Audit échoué" not in text
    assert "problèmes (dont" not in text and "signalé aussi par" not in text
    summary = _terms(lxml.html.fromstring(html).xpath("//section[@aria-labelledby='synthese']/dl")[-1])
    assert summary["Non-conformités détectées"] == str(demo_report["totals"]["failed"])
    assert "Problèmes (un défaut sur un élément)" not in summary


def test_a_failed_run_says_so_at_the_top_and_shows_no_grid_nor_rates(demo_report):
    report = _failed(demo_report)
    html = html_report.render(report, "fr")
    doc = lxml.html.fromstring(html)
    h2 = [" ".join(e.text_content().split()) for e in doc.xpath("//main//h2")]
    assert h2[0] == "Audit échoué"
    [alert] = doc.xpath("//section[@aria-labelledby='echec']")
    assert report["run"]["failure"]["text"] in " ".join(alert.text_content().split())
    assert "net::ERR_CONNECTION_REFUSED" in alert.text_content()
    assert not doc.xpath("//*[@id='grille']") and not doc.xpath("//table[contains(@class, 'grid')]")
    text = _text(html)
    assert "Taux" not in text and "État de conformité" not in text
    assert "Aucun lien cassé trouvé." in text and "audits/ville-demo/verdicts.csv" in text
    assert "0 problème." in text
    assert doc.xpath("//title")[0].text.startswith("Audit échoué — ")
    english = _text(html_report.render(report, "en"))
    assert "Audit failed" in english and "0 problems." in english
    # a text worded to stand alone (« Audit échoué : … ») is not repeated under the heading
    worded = copy.deepcopy(report)
    worded["run"]["failure"]["text"] = "Audit échoué : le site n'a pas répondu. Aucune page n'a été auditée."
    alert = " ".join(lxml.html.fromstring(html_report.render(worded, "fr"))
                     .xpath("//section[@aria-labelledby='echec']")[0].text_content().split())
    assert alert.startswith("Audit échoué Le site n'a pas répondu. Aucune page n'a été auditée.")
    # only the keys it has: a failed report built without totals.problems, provenance or broken links
    bare = copy.deepcopy(report)
    for key in ("provenance", "broken_links"):
        bare.pop(key)
    bare["run"].pop("failure")
    bare["totals"] = {k: v for k, v in bare["totals"].items() if k not in ("problems", "reported_by_several")}
    assert "L'audit n'a pu évaluer aucune page." in _text(html_report.render(bare, "fr"))


# --- the report is itself accessible -------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["enriched", "failed"])
def test_the_new_parts_of_the_report_are_accessible(demo_report, chromium, tmp_path, variant):
    """The report with every optional part, audited by our own checks and axe in Chromium: 0 failures."""


    report = _enriched(demo_report) if variant == "enriched" else _failed(demo_report)
    with _served(html_report.render(report, "fr"), tmp_path / "out") as url:
        from serving import audited

        snap, findings = audited(url, chromium, tmp_path / "snap")
    assert snap.error is None
    failed = [(f.check_id, f.selector, f.message) for f in findings if f.outcome == "failed"]
    assert failed == [], "\n".join(map(str, failed))


def test_the_words_follow_the_language_of_the_document(demo_report):
    """One template per document, its words from the catalogue in the document's language; an environment
    made without a language (the declaration's, the trends page's) says the words of each render's ``lang``."""
    from audit.reports import remediation

    english = _text(html_report.render(_enriched(demo_report), "en"))
    assert "Fix it once, fix 25 pages." in english and "25 problems" not in english.replace("97 problems", "")
    assert "Why this rank:" in english and "Why this rank :" not in english and "Critical" in english
    french = _text(html_report.render(_enriched(demo_report), "fr"))
    assert "Corriger une fois corrige 25 pages." in french and "Pourquoi ce rang :" in french
    md = remediation.to_markdown(demo_report, "en")
    assert "**Why this rank:**" in md and "Pourquoi" not in md and "Critical" in md
    template = html_report.environment().from_string('{{ _("Synthèse") }} {{ ngettext("{n} page", "{n} pages", 2) }}')
    assert template.render(lang="en") == "Summary 2 pages" and template.render() == "Synthèse 2 pages"

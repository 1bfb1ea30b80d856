"""Reports on a real run of the demo town: sample, grid, rates, remediation plan, declaration, and their own audit.

One real audit of the demo site (Chromium) is shared by the module. The rates of the final declaration are
the ones computed by hand from tests/fixtures/grid/ville-demo-complete.csv (see the comments there).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import lxml.html
import pytest
import yaml

from audit import auditor, config, runner, scoring, words
from audit.assessment import Inputs, assess, override, registered
from audit.reports import SCHEMA_VERSION, declaration, remediation, report_of
from audit.reports import grid as grid_csv
from audit.reports import html as html_report
from audit.sample import load_pinned, propose
from audit.scoring import Compliance, Status, build_grid
from audit.store import Store, page_id

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "grid"
TODAY = date(2026, 11, 22)
# The sample the complete grid fixture describes (its columns), pinned as `a11y-audit sample --pin` writes it.
SAMPLE = load_pinned(FIXTURES / "ville-demo-sample.yaml")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, chromium):
    from audit.demo import DemoServer, demo_password

    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    root = tmp_path_factory.mktemp("runs")
    cfg = config.load(REPO / "sites.yaml")
    site = next(s for s in cfg.sites if s.id == "ville-demo")
    with DemoServer() as server:
        site = config.with_base_url(site, server.url)
        store = Store(root)
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium))
    yield store, run, site


def test_build_still_works_without_a_site_and_says_its_schema(demo):
    store, run, _ = demo
    report = json.loads(json.dumps(report_of(assess(store, run))))
    assert report["schema_version"] == SCHEMA_VERSION == "1.2"
    assert report["sample"]["source"] == "run"
    assert len(report["grid"]["criteria"]) == 106
    assert report["rates"]["valid"] is False and report["rates"]["nt_criteria"]
    assert report["issues"] and report["issues"][0]["rank"] == 1
    english = html_report.render(report, "en")
    assert "Issues to fix first" in english and "RGAA audit grid" in english


def test_the_not_computable_sentence_says_what_its_number_counts(demo):
    """The sentence's number is the NT row: criteria « à vérifier » across the sample (roll-up NC > NT > C > NA),
    one count said the same way everywhere (a manager read « 100 critères à vérifier » above « NT : 73 » as a
    contradiction). A criterion non-compliant on one page and to verify on another is a non-conformity."""
    store, run, _ = demo
    a = assess(store, run)
    report = json.loads(json.dumps(report_of(a)))
    n, nt_row = len(report["rates"]["nt_criteria"]), report["rates"]["counts"]["NT"]
    assert n == nt_row > 0
    nc_and_nt = [c for c in a.grid.criteria
                 if {a.grid.cell(p.key, c).status for p in a.grid.pages} >= {Status.NC, Status.NT}]
    assert nc_and_nt  # the demo has criteria NC on a page and to verify on others: NC, not to verify
    assert all(a.grid.rollup(c) == Status.NC and c not in report["rates"]["nt_criteria"] for c in nc_and_nt)
    assert report["totals"]["to_verify_criteria"] == n and report["totals"]["nc_criteria"] == len(report["nc_criteria"])
    french = " ".join(html.unescape(html_report.render(report, "fr")).split())
    assert f"Taux non calculable : {n} critères restent à vérifier" in french
    text = " ".join(lxml.html.fromstring(html_report.render(report, "fr")).text_content().split())
    assert " 1 page, " in text and "Voir la page " in text  # a question on one page: singular
    assert not re.search(r"\b1 pages\b", text)
    # no page shows a rate while criteria are to verify on it (the demo's pages all have some)
    assert all(p["grid"]["rate"] is None and p["grid"]["rate_text"] ==
               words.plural(p["grid"]["counts"]["NT"], "non calculable : {n} critère à vérifier sur cette page", "non calculable : {n} critères à vérifier sur cette page")
               for p in report["pages"] if p.get("grid") and p["grid"]["counts"]["NT"])
    assert re.search(r"Taux de la page\s*non calculable : \d+ critère", text)
    assert not re.search(r"Taux de la page\s*\d", text)
    english = " ".join(html.unescape(html_report.render(report, "en")).split())
    assert f"{n} criteria are still to verify" in english


def test_sample_then_draft_declaration_lists_what_is_missing(demo, tmp_path):
    store, run, site = demo
    sample = propose(store, run, site, seed=2026)
    paths = [e.path for e in sample.pages]
    for required in ("/", "/contact.html", "/mentions-legales.html", "/accessibilite.html", "/plan-du-site.html",
                     "/aide.html", "/connexion"):
        assert required in paths
    assert {"journey:restauration-scolaire:4", "journey:restauration-scolaire:5",
            "journey:restauration-scolaire:6"} <= set(paths)
    assert sample.missing == () and sample.random_count >= 1 and len(sample.templates) >= 2
    d = declaration.declare(site, assess(store, run, site, sample=sample.pages), today=TODAY)
    assert d.draft and d.state == Compliance.NONE and d.global_rate is None
    assert len(d.missing) == len(d.rates.nt_criteria) > 50
    md = declaration.render_markdown(d)
    assert md.startswith("# BROUILLON") and "Critères à vérifier avant publication" in md
    assert f"Critère {d.missing[0].id} (" in md


def test_complete_auditor_grid_gives_the_final_declaration_with_hand_computed_rates(demo, tmp_path):
    store, run, site = demo
    verdicts = auditor.load(FIXTURES / "ville-demo-complete.csv", auditor="Cabinet Exemple", when="2026-11-20")
    # the site's registered inputs (its tester sessions), the complete grid in place of its verdicts
    d = declaration.declare(site, assess(store, run, site, audit_file=verdicts, sample=SAMPLE), today=TODAY)
    # By hand (see the fixture): 6.2 NC everywhere; 1.2 NC on Accueil; 11.1 and 2.2 NC on Contact, where 2.1
    # is C; 3.1 NC on step 1 and 11.1 NC on step 2 — the journey rule spreads both to the 3 steps; 3.2 NC on
    # Actualités; 1.1 NC on the Fête page. Themes 2, 4, 5 NA elsewhere, everything else C.
    # Across the sample: 7 NC, 83 - 6 + 1 = 78 C, 23 - 2 = 21 NA -> 78 / 85 = 91.76 % -> 91,8 %.
    # Pages: Accueil 81/83, Contact 82/85, 5 pages 82/83, 3 steps 80/83, Actualités and Fête 81/83.
    mean = (Fraction(81, 83) * 3 + Fraction(82, 85) + Fraction(82, 83) * 5 + Fraction(80, 83) * 3) * 100 / 12
    assert round(float(mean), 1) == 97.7
    assert d.rates.counts == {"C": 78, "NC": 7, "NA": 21, "NT": 0}
    assert (d.global_rate, d.mean_rate) == ("91,8\u00a0%", "97,7\u00a0%")
    assert not d.draft and d.state == Compliance.PARTIAL
    assert [c.id for c in d.nonconformities] == ["1.1", "1.2", "2.2", "3.1", "3.2", "6.2", "11.1"]
    three_one = next(c for c in d.nonconformities if c.id == "3.1")
    assert len(three_one.pages) == 3  # NC on step 1, hence on every step of the journey
    assert d.footer == "Accessibilité : partiellement conforme"
    out = tmp_path / "decl"
    paths = declaration.write(d, out)
    assert [p.name for p in paths] == ["declaration.html", "declaration-fragment.html", "declaration.md"]
    assert "91,8\u00a0% des critères" in (out / "declaration.md").read_text(encoding="utf-8")


def _logo_pages(store, run) -> set[str]:
    """Pages whose saved DOM has the shared header's logo link — read from the files, not from the findings."""
    keys = set()
    for snap in store.pages(run):
        dom = snap.files.get("dom")
        if dom and 'class="logo"' in (run.folder / "pages" / page_id(snap.key) / dom).read_text(encoding="utf-8"):
            keys.add(snap.key)
    return keys


def _is_logo(issue) -> bool:
    """The shared header's logo link without a name, as axe reports it (our own check may report it too)."""
    return any(f.check_id == "axe:link-name" and "logo" in (f.selector or "") for f in issue.findings)


def test_header_defect_is_one_issue_with_its_page_count_at_the_top_of_its_band(demo):
    store, run, site = demo
    a = assess(store, run, site)
    logo = [i for i in a.issues if _is_logo(i)]
    assert len(logo) == 1
    [issue] = logo
    assert set(issue.pages) == _logo_pages(store, run) and issue.page_count >= 20
    # a false legal mention ranks before everything (scoring.FIRST); then the bands
    band = [i for i in a.issues if i.impact == issue.impact and not i.blocking and i.check_id not in scoring.FIRST]
    assert band[0] is issue
    assert "présent sur" in report_of(a)["issues"][issue.rank - 1]["why"]


def test_demo_grid_csv_export_import_gives_the_same_grid(demo, tmp_path):
    store, run, site = demo
    a = assess(store, run, site, sample=SAMPLE)
    path = grid_csv.write(a.grid, tmp_path / "grille.csv")
    again = build_grid(a.grid.pages, [], auditor.resolve(auditor.load(path), a.grid.pages))
    assert grid_csv.statuses(again) == grid_csv.statuses(a.grid)
    assert {s for s in grid_csv.statuses(a.grid).values()} >= {Status.NC, Status.NT}


def _session(tmp_path: Path, fingerprint: str) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copy(REPO / "user_test_protocols" / "restauration-scolaire-lecteur-ecran.yaml", folder)
    session = {
        "session": "0123456789abcdef", "protocol": "restauration-scolaire-lecteur-ecran", "site": "ville-demo",
        "pseudonym": "Testeuse A", "date": "2026-11-18", "status": "complete",
        "environment": {"assistive_technology": "NVDA", "assistive_technology_version": "2024.4",
                        "browser": "Firefox", "browser_version": "133", "os": "Windows 11"},
        "tasks": [{"task": "repas", "result": "not-completed", "difficulty": 5, "findings": [
            {"page": "/demarches/restauration-scolaire/etape-2",
             "description": "Le lecteur d'écran annonce « liste déroulante » sans dire à quoi elle sert.",
             "impact": "bloquant", "criterion": "11.1", "target": "#pai"},
            {"page": "/contact.html", "description": "Le logo est annoncé comme « lien accueil » par mon lecteur.",
             "finding": fingerprint, "relation": "dismisses",
             "reason": "NVDA lit le nom du site à partir du titre du lien parent."}]}],
    }
    (folder / "s1.yaml").write_text(yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_tester_sessions_rank_blocking_barriers_first_and_show_dismissals(demo, tmp_path):
    store, run, site = demo
    logo = next(f for f in store.findings(run) if f.check_id == "axe:link-name" and "logo" in (f.selector or ""))
    # this one session in place of the sessions registered with the site (``--sessions``)
    a = assess(store, run, site, override(registered(site), sessions=[str(_session(tmp_path, logo.fingerprint))]))
    assert a.sessions == 1 and a.environments == ["NVDA 2024.4 + Firefox 133 / Windows 11"]
    assert a.issues[0].check_id in scoring.FIRST  # the demo's false mention « totalement conforme », first
    first = a.issues[1]
    assert first.blocking and first.source == "tester" and first.testers == ("Testeuse A",)
    report = report_of(a)
    contact = next(p for p in report["pages"] if (p["final_url"] or p["url"]).endswith("/contact.html"))
    assert [d["reason"] for d in contact["dismissed"]] == ["NVDA lit le nom du site à partir du titre du lien parent."]
    step2 = next(p for p in report["pages"] if p["key"] == "journey:restauration-scolaire:5")
    tester = [f for f in step2["findings"] if f["source"] == "tester"]
    assert tester and tester[0]["tester"]["pseudonym"] == "Testeuse A"
    assert step2["grid"]["counts"]["NC"] >= 1
    header = next(i for i in a.issues if _is_logo(i))
    assert not any(f.check_id == "axe:link-name" and f.page_key.endswith("/contact.html")
                   for f in header.findings)  # dismissed there (our own check's report on it still counts)


def test_remediation_outputs(demo, tmp_path):
    store, run, site = demo
    report = report_of(assess(store, run, site))
    report["issues"][0]["title"] = "=HYPERLINK(\"https://exemple.invalid\")"
    report["issues"][0]["how_to_fix"] = "@SUM(1) et *gras* <script>"
    out = tmp_path / "plan"
    paths = remediation.write(report, run.folder, out)
    assert [p.name for p in paths] == ["remediation.html", "remediation.csv", "remediation.md", "remediation.json"]
    rows = list(csv.reader(io.StringIO((out / "remediation.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Rang", "Défaut", "Gravité"] and len(rows) == len(report["issues"]) + 1
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][15].startswith("'@SUM")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    md = (out / "remediation.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in md and "\\*gras\\*" in md and "<script>" not in md
    data = json.loads((out / "remediation.json").read_text(encoding="utf-8"))
    assert [i["rank"] for i in data["issues"]] == list(range(1, len(report["issues"]) + 1))
    logo = next(i for i in data["issues"] if "axe:link-name" in [i["check_id"], *i["also"]]
                and 'class="logo"' in (i["snippet"] or ""))
    assert logo["crop"] and (out / logo["crop"]).is_file()  # the outlined capture
    # the list of issues: every link says where it leads (its rank, as the heading), so two issues with the
    # same title are two different links; « 1 page » in the singular, with the page's name
    page = lxml.html.fromstring((out / "remediation.html").read_bytes())
    links = page.xpath('//nav[@aria-labelledby="liste-problemes"]//a')
    texts = [" ".join(a.text_content().split()) for a in links]
    assert len(texts) == len(report["issues"]) == len(set(texts))
    assert all(a.get("href") == f"#probleme-{n}" and text.startswith(f"Rang {n} — ")
               for n, (a, text) in enumerate(zip(links, texts, strict=True), start=1))
    items = [" ".join(li.text_content().split()) for li in page.xpath('//nav[@aria-labelledby="liste-problemes"]//li')]
    single = next(i for i in report["issues"] if i["page_count"] == 1)
    assert f", 1 page ({single['pages'][0]['name']})" in items[single["rank"] - 1]
    assert not any(", 1 pages" in item for item in items)


def test_reports_and_declaration_pass_our_own_audit(demo, chromium, tmp_path):
    from test_declaration import audit_files

    store, run, site = demo
    logo = next(f for f in store.findings(run) if f.check_id == "axe:link-name" and "logo" in (f.selector or ""))
    verdicts = auditor.load(FIXTURES / "ville-demo-complete.csv", auditor="Cabinet Exemple", when="2026-11-20")
    a = assess(store, run, site, Inputs(sessions=(str(_session(tmp_path, logo.fingerprint)),)), audit_file=verdicts,
               sample=SAMPLE)
    report = report_of(a)
    out = run.folder / "reports"
    out.mkdir(parents=True, exist_ok=True)
    html_report.write(report, run.folder, out)
    remediation.write(report, run.folder, out, formats=("html",))
    declaration.write(declaration.declare(site, a, today=TODAY), out)
    names = ["rapport.html", "remediation.html", "declaration.html"]
    failed = audit_files(chromium, out, names)
    assert failed == {n: [] for n in names}, {
        k: sorted({(f.check_id, f.selector, f.message[:120]) for f in v}) for k, v in failed.items()}


@pytest.mark.parametrize("lang, names, marker", [
    ("fr", ("declaration.html", "declaration-fragment.html", "declaration.md"), '<html lang="fr"'),
    ("en", ("accessibility-statement.html", "accessibility-statement-fragment.html", "accessibility-statement.md"),
     '<html lang="en"'),
])
def test_the_declare_command_writes_the_declaration_in_the_language_asked(demo, tmp_path, lang, names, marker):
    from click.testing import CliRunner

    from audit.cli import cli

    store, run, _ = demo
    out = tmp_path / lang
    result = CliRunner().invoke(cli, ["declare", "ville-demo", "--config", str(REPO / "sites.yaml"), "--runs-dir",
                                      str(store.root), "--run", run.id, "--out", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert marker in (out / names[0]).read_text(encoding="utf-8")


# --- one language a report -----------------------------------------------------------------------------------


def _said_pieces() -> tuple[set[str], set[str]]:
    """The words of the catalogues that one language says and the other does not: the long literal pieces
    (three words or more, placeholders cut out) of each French msgid and of its English translation."""
    from babel.messages.pofile import read_po

    def pieces(text: str) -> set[str]:
        return {p.strip() for p in re.split(r"\{[^}]*\}", text) if len(p.strip()) >= 15 and len(p.split()) >= 3}

    french, english = set(), set()
    for po in sorted((REPO / "audit" / "locale" / "en" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fp:
            for m in read_po(fp):
                ids = (m.id,) if isinstance(m.id, str) else tuple(m.id)
                strings = (m.string,) if isinstance(m.string, str) else tuple(m.string)
                if not m.id or not all(strings):
                    continue
                fr, en = set().union(*map(pieces, ids)), set().union(*map(pieces, strings))
                french |= fr - en
                english |= en - fr
    return french, english


def _said_labels() -> tuple[set[str], set[str]]:
    """The whole short texts (labels, headings) of the catalogues that differ in the other language."""
    from babel.messages.pofile import read_po

    french, english = set(), set()
    for po in sorted((REPO / "audit" / "locale" / "en" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fp:
            for m in read_po(fp):
                if m.id and isinstance(m.id, str) and m.string and m.string != m.id and "{" not in m.id:
                    french.add(m.id.rstrip(" :"))
                    english.add(m.string.rstrip(" :"))
    return french - english, english - french


def _labels_of(html_text: str) -> set[str]:
    doc = lxml.html.fromstring(html_text)
    return {" ".join(el.text_content().split()).rstrip(" :") for el in doc.xpath(
        "//h1 | //h2 | //h4 | //dt | //th[@scope='col'] | //caption | //summary | //strong | //nav//a | //p[@class='back']/a")}


def _read_text(html_text: str) -> str:
    """What a person reads of a report, without the pages' own words (code, snippets, links to pages)."""
    doc = lxml.html.fromstring(html_text)
    for el in doc.xpath("//style | //code | //pre | //a[starts-with(@href, '#p-')] | //h3[starts-with(@id, 'p-')]"
                        " | //dd[preceding-sibling::dt[1][normalize-space()='Page']]"):
        el.drop_tree()
    return " ".join(doc.text_content().split())


def test_a_report_says_the_catalogue_in_its_own_language_only(demo, tmp_path):
    """The English report of a run (HTML, JSON texts, remediation plan) has no French from the catalogue —
    labels, check titles, messages, questions, how-to-fix texts — and the French report no English one."""
    store, run, _ = demo
    a = assess(store, run)  # no tester session: a tester's words are said as written
    french, english = _said_pieces()
    french_labels, english_labels = _said_labels()
    assert french and english and "Synthèse" in french_labels and "Summary" in english_labels
    for lang, other in (("en", french), ("fr", english)):
        report = report_of(a, lang)
        texts = [_read_text(html_report.render(report, lang)),
                 _read_text(remediation.render_html(report, lang)), remediation.to_csv(report, lang)]
        for page in report["pages"]:
            for f in page["findings"]:
                texts += [f["title"], f["message"], f["how_to_fix"], f["question"] or ""]
        texts += [q["question"] for q in report["questions"]]
        texts += [i[k] or "" for i in report["issues"] for k in ("title", "message", "how_to_fix")]
        labels = _labels_of(html_report.render(report, lang)) | _labels_of(remediation.render_html(report, lang))
        assert labels & (french_labels if lang == "en" else english_labels) == set(), lang
        texts = [re.sub(r"“[^”]*”|«[^»]*»", "", text) for text in texts]  # a page's words, quoted in a message
        found = sorted({text[max(0, text.index(piece) - 80):text.index(piece) + len(piece) + 40]
                        for piece in other for text in texts if piece in text})
        assert found == [], (lang, found[:20])

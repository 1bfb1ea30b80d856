"""The déclaration d'accessibilité against hand-made cases, and its own audit in a real browser."""

from __future__ import annotations

import asyncio
import functools
import http.server
import re
import threading
from datetime import date

import pytest

from audit.assessment import Inputs, assess
from audit.model import DeclarationFacts, Finding, Outcome, PageSnapshot, SamplePage, Site, Source
from audit.reports import declaration
from audit.scoring import Compliance
from audit.standards import CRITERIA
from audit.store import Store

BASE = "https://ville.example"
TODAY = date(2026, 11, 22)
FACTS = DeclarationFacts(entity="Ville de <Test> & *Cie*", contact_email="accessibilite@ville.example",
                         contact_form="/contact.html", contact_address="1 place de la Mairie, 45000 Test",
                         technologies=("HTML5", "CSS"), schema_url="/schema.pdf", action_plan_url="/plan-2026.pdf",
                         report_url="/rapport.html", previous_actions_review="/bilan-2025.pdf")
SITE = Site(id="ville", name="Ville de Test", base_url=BASE, declaration=FACTS)
SAMPLE = (SamplePage("Accueil", "/"), SamplePage("Contact", "/contact.html"))


def _store(tmp_path) -> tuple[Store, object]:
    store = Store(tmp_path / "runs")
    run = store.create_run("ville", BASE, {"tool_version": "0.1.0", "axe_version": "4.14.1",
                                           "chromium_version": "156.0.1", "rgaa_version": "4.1.2"})
    for path, name in (("/", "Accueil"), ("/contact.html", "Contact")):
        snap = PageSnapshot(key=BASE + path, url=BASE + path, final_url=BASE + path, status=200, name=name,
                            title=f"{name} — Ville")
        findings = [Finding(check_id="title", source=Source.CHECK, outcome=Outcome.PASSED, page_key=snap.key,
                            page_url=snap.url, rgaa_tests=("8.5.1",), conclusive=True)]
        if path == "/contact.html":  # the language is read on Contact only: 8.3 C there, still NT on Accueil
            findings.append(Finding(check_id="lang", source=Source.CHECK, outcome=Outcome.PASSED,
                                    page_key=snap.key, page_url=snap.url, rgaa_tests=("8.3.1",), conclusive=True))
            findings.append(Finding(check_id="axe:image-alt", source=Source.AXE, outcome=Outcome.FAILED,
                                    page_key=snap.key, page_url=snap.url, rgaa_tests=("1.1.1",), wcag=("1.1.1",),
                                    selector="img", snippet='<img src="plan.png">', fingerprint="f1"))
        store.save_page(store.run(run.id), snap, findings)
    return store, store.run(run.id)


def declare(store: Store, site: Site, run, verdicts=None, lang: str = "fr", today: date | None = None,
            sample=None) -> declaration.Declaration:
    """The declaration of ``run`` assessed with the auditor's ``verdicts`` (a file) on ``sample``."""
    a = assess(store, run, site, Inputs(verdicts=str(verdicts) if verdicts else None), sample=sample)
    return declaration.declare(site, a, lang=lang, today=today)


COMPLETE = """\
site: ville
auditor: Cabinet Exemple
date: 2026-11-20
rgaa: "{rgaa}"
environments: [NVDA 2024.4 + Firefox 133 / Windows 11]
verdicts:
  - page: /
    others: C
  - page: Contact
    criteria:
      "1.1": {{status: {status}, comment: "Le plan d'accès n'a pas d'alternative."}}
    others: C
derogations:
  - content: Plan interactif du centre-ville
    justification: Refonte prévue en 2027.
    alternative: Les adresses sont listées sur la page Vie pratique.
exempt:
  - content: Comptes rendus antérieurs à 2018
    reason: Documents bureautiques publiés avant le 23 septembre 2018.
"""


def _verdicts(tmp_path, status="NC", rgaa="4.1.2"):
    path = tmp_path / "auditeur.yaml"
    path.write_text(COMPLETE.format(status=status, rgaa=rgaa), encoding="utf-8")
    return path


def test_draft_while_criteria_remain_to_verify(tmp_path):
    store, run = _store(tmp_path)
    d = declare(store, SITE, run, today=TODAY, sample=SAMPLE)
    assert d.draft and d.state == Compliance.NONE and d.global_rate is None
    # Roll-up over the sample NC > NT > C > NA: 8.5 is C on both pages from a conclusive check (not missing);
    # 1.1 is NC on Contact, NT on Accueil: a non-conformity, not « to verify »; 8.3 is C on Contact, NT on
    # Accueil: to verify, on Accueil; the 103 others are NT on both pages. 106 - 8.5 - 1.1 = 104.
    assert len(d.missing) == 104
    missing = [c.id for c in d.missing]
    assert "1.1" not in missing and "8.5" not in missing and "8.3" in missing
    assert [(c.id, c.pages) for c in d.nonconformities] == [("1.1", ("Contact",))]
    lang = next(c for c in d.missing if c.id == "8.3")
    assert lang.pages == ("Accueil",) and not lang.all_pages
    assert any("auditeur" in fact for fact in d.missing_facts)
    assert d.footer == "Accessibilité : non conforme"
    md = declaration.render_markdown(d)
    assert md.startswith("# BROUILLON — Déclaration d'accessibilité")
    assert "Critère 8.3 (Langue par défaut de la page indiquée) : à vérifier sur Accueil." in md
    assert "Critère 1.1 (" not in md  # not « à vérifier »: non respecté, below
    assert "alternative présente (critère 1.1, thème « Images ») : non respecté sur Contact." in md
    assert "Ville de &lt;Test&gt; & \\*Cie\\*" in md  # no raw HTML nor emphasis from data
    html = declaration.render_html(d)
    assert "<strong class=\"stamp\">BROUILLON</strong>" in html and "Ville de &lt;Test&gt; &amp; *Cie*" in html
    text = declaration.summary(d)
    assert text.startswith("BROUILLON") and "104 critères restent à vérifier" in text
    assert "Non-conformités : 1 critère." in text


def test_final_declaration_with_hand_computed_rates(tmp_path):
    store, run = _store(tmp_path)
    d = declare(store, SITE, run, verdicts=_verdicts(tmp_path), today=TODAY, sample=SAMPLE)
    # Accueil: 106 C (100 %). Contact: 105 C, 1 NC (105/106 = 99.057 %).
    # Global: 105 C, 1 NC -> 99.06 % -> 99,1 %. Mean: (100 + 99.057) / 2 = 99.53 -> 99,5 %.
    assert not d.draft and d.missing == () and d.missing_facts == ()
    assert d.conflicts == 0  # the only automated failure (1.1 on Contact) agrees with the auditor
    assert d.global_rate == "99,1\u00a0%" and d.mean_rate == "99,5\u00a0%"
    assert d.state == Compliance.PARTIAL and d.footer == "Accessibilité : partiellement conforme"
    [nc] = d.nonconformities
    assert (nc.id, nc.pages, nc.comments) == ("1.1", ("Contact",), ("Le plan d'accès n'a pas d'alternative.",))
    assert d.auditor == "Cabinet Exemple" and d.audit_date == "2026-11-20"
    assert d.tools == ("a11y-audit 0.1.0", "axe-core 4.14.1", "Chromium 156.0.1")
    assert d.environments == ("NVDA 2024.4 + Firefox 133 / Windows 11",)
    assert [p.name for p in d.pages] == ["Accueil", "Contact"]
    assert d.schema_url == BASE + "/schema.pdf" and d.contact_form == BASE + "/contact.html"
    md = declaration.render_markdown(d)
    assert "BROUILLON" not in md
    for words in ("## État de conformité", "**partiellement conforme**", "99,1\u00a0% des critères",
                  "Le taux moyen de conformité du service en ligne s’élève à 99,5\u00a0%",
                  "Images porteuses d'information : alternative présente (critère 1.1",
                  "non respecté sur Contact. Le plan d'accès n'a pas d'alternative.",
                  "Plan interactif du centre-ville. Justification : Refonte prévue en 2027. Solution de "
                  "remplacement : Les adresses sont listées sur la page Vie pratique.",
                  "Comptes rendus antérieurs à 2018 : Documents bureautiques",
                  "établie le 22 novembre 2026. Elle a été mise à jour le 22 novembre 2026",
                  "https://formulaire.defenseurdesdroits.fr/", "https://www.defenseurdesdroits.fr/saisir/delegues",
                  "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
                  "[accessibilite@ville.example](mailto:accessibilite@ville.example)",
                  "Accessibilité : partiellement conforme"):
        assert words in md, words
    fragment = declaration.render_fragment(d)
    assert "<html" not in fragment and "<h1" not in fragment and '<h2 id="etat-conformite">' in fragment
    assert "BROUILLON" not in fragment


def test_totally_compliant_and_validity_and_rgaa_version(tmp_path):
    store, run = _store(tmp_path)
    from dataclasses import replace

    site = replace(SITE, declaration=replace(FACTS, published="2023-03-01"))
    d = declare(store, site, run, verdicts=_verdicts(tmp_path, "C", rgaa="4.1"), today=TODAY,
                            sample=SAMPLE)
    assert d.state == Compliance.TOTAL and d.global_rate == "100,0\u00a0%" and d.nonconformities == ()
    assert d.conflicts == 1 and "À réexaminer : 1 case de la grille" in declaration.summary(d)  # axe:image-alt vs "C"
    assert d.footer == "Accessibilité : totalement conforme"
    # validity runs from the audit (20 November 2026), not from the publication; RGAA 4.1.2 is an erratum of 4.1
    assert d.valid_until == "2029-11-20" and not d.expired
    assert d.rgaa_outdated and any("RGAA 4.1 ;" in w and "n'invalident pas" in w for w in d.warnings)
    still = declare(store, replace(SITE, declaration=replace(FACTS, published="2025-01-10")), run,
                                verdicts=_verdicts(tmp_path, "C"), today=TODAY, sample=SAMPLE)
    assert still.valid_until == "2029-11-20" and not still.expired and not still.rgaa_outdated
    assert "restent valables trois ans, jusqu'au 20 novembre 2029" in declaration.render_markdown(still)


def test_english_statement_has_the_same_facts_and_says_it_is_a_translation(tmp_path):
    from dataclasses import fields

    store, run = _store(tmp_path)
    fr = declare(store, SITE, run, verdicts=_verdicts(tmp_path), today=TODAY, sample=SAMPLE)
    en = declare(store, SITE, run, verdicts=_verdicts(tmp_path), today=TODAY, sample=SAMPLE, lang="en")
    worded = {"lang", "global_rate", "mean_rate", "nonconformities", "missing", "missing_facts", "warnings"}
    for f in fields(declaration.Declaration):
        if f.name not in worded:
            assert getattr(en, f.name) == getattr(fr, f.name), f.name
    assert [(c.id, c.pages, c.comments) for c in en.nonconformities] == [
        (c.id, c.pages, c.comments) for c in fr.nonconformities]
    assert (en.global_rate, en.mean_rate) == ("99.1 %", "99.5 %") and en.footer == "Accessibility: partially compliant"
    md = declaration.render_markdown(en)
    for words in ("# Accessibility statement", "is a translation, provided for information",
                  "The French declaration is the reference", "## Compliance status", "**partially compliant**",
                  "99.1 % of the RGAA criteria are met.", "average compliance rate of the online service is 99.5 %",
                  "Details: 105 compliant criteria and 1 non-compliant, on 2 pages of the sample, audit of 20 "
                  "November 2026.", "Informative images have a text alternative (criterion 1.1",
                  "not met on Contact. Le plan d'accès n'a pas d'alternative.",  # the auditor's words, as written
                  "Plan interactif du centre-ville. Justification: Refonte prévue en 2027.",
                  "drawn up on 22 November 2026", "The compliance audit carried out by Cabinet Exemple shows that:",
                  "https://formulaire.defenseurdesdroits.fr/", "Défenseur des droits, Libre réponse 71120",
                  "[accessibilite@ville.example](mailto:accessibilite@ville.example)",
                  "Accessibility: partially compliant", "Ville de &lt;Test&gt; & \\*Cie\\*"):
        assert words in md, words
    # the official formulas stay French, in italics, each followed by our translation in brackets
    assert "_Cette déclaration d’accessibilité s’applique à" in md
    plain = re.sub(r"(?<![\w_])_[^_\n]+_(?![\w_])", " ", md)
    assert "Déclaration d'accessibilité" not in plain and "critère" not in plain
    html = declaration.render_html(en)
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and "<title>Accessibility statement — Ville" in html
    assert "Skip to main content" in html and "Statement produced by a11y-audit on 22 November 2026." in html
    assert '<span lang="fr">Plan interactif du centre-ville</span>' in html  # city's words keep their language
    fragment = declaration.render_fragment(en)
    assert '<div class="declaration-accessibilite" lang="en">' in fragment and "<h1" not in fragment
    assert "<h2 id=\"etat-conformite\">Compliance status</h2>" in fragment
    paths = declaration.write(en, tmp_path / "out")
    assert [p.name for p in paths] == ["accessibility-statement.html", "accessibility-statement-fragment.html",
                                       "accessibility-statement.md"]
    assert declaration.summary(en).splitlines()[:2] == ["Compliance status: partially compliant.",
                                                        "Overall rate: 99.1 %; average rate: 99.5 %."]


def test_english_draft_and_warnings(tmp_path):
    from dataclasses import replace

    store, run = _store(tmp_path)
    d = declare(store, SITE, run, today=TODAY, sample=SAMPLE, lang="en")
    assert d.draft and len(d.missing) == 104 and d.footer == "Accessibility: non-compliant"
    assert d.missing_facts == ("the name of the auditor or of the organisation that made the audit (auditor in the "
                               "auditor's file, or declaration.auditor in sites.yaml)",
                               "the test environment: the browser and assistive technology combinations used "
                               "(environments in the auditor's file, environment of the tester sessions, or "
                               "declaration.environments in sites.yaml)")
    md = declaration.render_markdown(d)
    assert md.startswith("# DRAFT — Accessibility statement")
    assert "104 RGAA criteria remain to be verified on the sample" in md
    assert f"Criterion 8.3 ({CRITERIA['8.3'].title_en}): to verify on Accueil." in md
    assert "Criterion 1.1 (" not in md and "(criterion 1.1, theme “Images”): not met on Contact." in md
    assert "No compliance rate can be published until the audit is complete" in md
    html = declaration.render_html(d)
    assert '<strong class="stamp">DRAFT</strong>' in html and "<title>DRAFT — Accessibility statement" in html
    text = declaration.summary(d)
    assert text.startswith("DRAFT: this statement cannot be published.") and "104 criteria still to verify: " in text
    assert "Rates not computable: 104 criteria to verify (" in text
    site = replace(SITE, declaration=replace(FACTS, published="2023-03-01"))
    old = declare(store, site, run, verdicts=_verdicts(tmp_path, "C", rgaa="4.1"), today=TODAY,
                              sample=SAMPLE, lang="en")
    assert old.warnings == ("The audit was made against RGAA 4.1; the version in force is RGAA 4.1.2, whose "
                            "corrections do not invalidate audits already made.",)
    assert "remain valid for three years, until 20 November 2029" in declaration.render_markdown(old)
    assert "To re-examine: 1 grid cell where" in declaration.summary(old)


# --- its own audit, in a real browser ----------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


def audit_files(chromium, folder, names):
    """Serve ``folder`` on 127.0.0.1, gather each page in Chromium, run our checks: failed findings by name."""
    from audit.browser import Browser, GatherOptions
    from audit.checks import run_checks
    from audit.model import PageRef

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    async def gather():
        out = {}
        async with Browser(chromium, GatherOptions(timeout=180)) as browser:
            for name in names:
                evidence = folder / f"_evidence-{name}"
                evidence.mkdir()
                snap = await browser.gather(PageRef(url=f"{base}/{name}"), evidence)
                assert snap.error is None, snap.error
                out[name] = [f for f in run_checks(snap, evidence) if f.outcome == Outcome.FAILED]
        return out

    try:
        return asyncio.run(gather())
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_declaration_pages_pass_our_own_audit(chromium, tmp_path):
    store, run = _store(tmp_path)
    draft = declare(store, SITE, run, today=TODAY, sample=SAMPLE)
    final = declare(store, SITE, run, verdicts=_verdicts(tmp_path), today=TODAY, sample=SAMPLE)
    draft_en = declare(store, SITE, run, today=TODAY, sample=SAMPLE, lang="en")
    final_en = declare(store, SITE, run, verdicts=_verdicts(tmp_path), today=TODAY, sample=SAMPLE,
                                   lang="en")
    out = tmp_path / "site"
    out.mkdir()
    pages = {"brouillon.html": draft, "finale.html": final, "draft-en.html": draft_en, "final-en.html": final_en}
    for name, d in pages.items():
        (out / name).write_text(declaration.render_html(d), encoding="utf-8")
    failed = audit_files(chromium, out, list(pages))
    assert failed == {name: [] for name in pages}, {
        k: [(f.check_id, f.selector, f.message) for f in v] for k, v in failed.items()}

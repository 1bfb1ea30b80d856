"""The déclaration as the law reads it (issue 17): validity and its official triggers, the facts the law requires,
the official model's fixed formulas, non-conformities in plain language, the audit's RGAA version, the dates the
store keeps, the tools of the manual part — and the declaration's own audit in a real browser."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import escape
from test_declaration import audit_files  # the one helper that audits pages in Chromium

from audit import config, standards, words
from audit.assessment import Inputs, assess
from audit.model import DeclarationFacts, Finding, Outcome, PageSnapshot, SamplePage, Site, Source
from audit.reports import declaration
from audit.scoring import Compliance
from audit.store import Store

BASE = "https://ville.example"
TODAY = date(2026, 11, 22)
FACTS = DeclarationFacts(entity="Ville de Test", contact_email="accessibilite@ville.example",
                         contact_form="/contact.html", contact_address="1 place de la Mairie, 45000 Test",
                         technologies=("HTML5", "CSS"), schema_url="/schema.pdf", action_plan_url="/plan-2026.pdf",
                         previous_actions_review="/bilan-2025.pdf", report_url="/rapport.html")
SITE = Site(id="ville", name="Ville de Test", base_url=BASE, declaration=FACTS)
SAMPLE = (SamplePage("Accueil", "/"), SamplePage("Contact", "/contact.html"))
# configuration hints: only a draft may carry them, in its box for the author
HINTS = ("sites.yaml", "declaration.", "lien à ajouter", "link to be added", "à compléter", "(auditor ")

VERDICTS = """\
site: ville
auditor: Cabinet Exemple
date: {when}
rgaa: "{rgaa}"
environments: [NVDA 2024.4 + Firefox 133 / Windows 11]
verdicts:
  - page: /
    others: C
  - page: Contact
    criteria:
      "1.1": {{status: NC, comment: "Le plan d'accès n'a pas d'alternative."}}
    others: C
"""


def _store(tmp_path, rgaa_meta: str | None = "4.1.2"):
    store = Store(tmp_path / "runs")
    meta = {"tool_version": "0.1.0", "axe_version": "4.14.1", "chromium_version": "156.0.1"}
    if rgaa_meta:
        meta["rgaa_version"] = rgaa_meta
    run = store.create_run("ville", BASE, meta)
    for path, name in (("/", "Accueil"), ("/contact.html", "Contact")):
        snap = PageSnapshot(key=BASE + path, url=BASE + path, final_url=BASE + path, status=200, name=name,
                            title=f"{name} — Ville")
        findings = [Finding(check_id="title", source=Source.CHECK, outcome=Outcome.PASSED, page_key=snap.key,
                            page_url=snap.url, rgaa_tests=("8.5.1",), conclusive=True)]
        store.save_page(store.run(run.id), snap, findings)
    return store, store.run(run.id)


def _assessed(tmp_path, site=SITE, when="2026-11-20", rgaa="4.1.2", verdicts=True, rgaa_meta="4.1.2"):
    store, run = _store(tmp_path, rgaa_meta)
    path = None
    if verdicts:
        path = tmp_path / f"auditeur-{when}-{rgaa}.yaml"
        path.write_text(VERDICTS.format(when=when, rgaa=rgaa), encoding="utf-8")
    return assess(store, run, site, Inputs(verdicts=str(path) if path else None), sample=SAMPLE)


def _declare(tmp_path, facts=FACTS, today=TODAY, lang="fr", **kw) -> declaration.Declaration:
    site = replace(SITE, declaration=facts)
    return declaration.declare(site, _assessed(tmp_path, site=site, **kw), lang=lang, today=today)


def _texts(d: declaration.Declaration) -> list[str]:
    return [declaration.render_markdown(d), declaration.render_html(d), declaration.render_fragment(d)]


# --- validity: « non conforme » when no audit result is still valid ---------------------------------------


def test_an_audit_older_than_three_years_gives_non_conforme_and_no_rate_with_the_reason(tmp_path):
    d = _declare(tmp_path, when="2023-11-21")  # three years and a day before TODAY
    assert d.expired and d.validity.trigger == "three_years" and d.valid_until == "2026-11-21"
    assert d.state == Compliance.NONE and d.footer == "Accessibilité : non conforme"
    assert d.global_rate is None and d.mean_rate is None and not d.has_rate
    assert not d.draft  # an honest « non conforme » is publishable
    md = declaration.render_markdown(d)
    assert "**non conforme**" in md and "des critères RGAA sont respectés" not in md and "99,1" not in md
    assert ("L'audit du 21 novembre 2023 date de plus de trois ans : ses résultats n'étaient valables que jusqu'au "
            "21 novembre 2026.") in md
    assert "Aucun résultat d'audit n'est donc en cours de validité" in md
    text = declaration.summary(d)
    assert "État de conformité : non conforme." in text and "date de plus de trois ans" in text
    assert "Taux global" not in text
    # the non-conformities found stay listed: they are still known
    assert [c.id for c in d.nonconformities] == ["1.1"]
    en = _declare(tmp_path / "en", when="2023-11-21", lang="en")
    assert "The audit of 21 November 2023 is more than three years old" in declaration.render_markdown(en)


def test_the_same_audit_dated_this_year_gives_its_rate_and_state(tmp_path):
    d = _declare(tmp_path, when="2026-11-20")
    assert not d.expired and not d.draft and d.state == Compliance.PARTIAL
    assert (d.global_rate, d.mean_rate) == ("99,1\u00a0%", "99,5\u00a0%") and d.valid_until == "2029-11-20"
    md = declaration.render_markdown(d)
    assert "- 99,1\u00a0% des critères RGAA sont respectés." in md
    assert "Les résultats de l'audit du 20 novembre 2026 restent valables trois ans, jusqu'au 20 novembre 2029." in md


def test_three_years_to_the_day_is_still_valid(tmp_path):
    d = _declare(tmp_path, when="2023-11-22")
    assert not d.expired and d.valid_until == "2026-11-22" and d.global_rate == "99,1\u00a0%"


def test_a_redesign_after_the_audit_ends_its_validity(tmp_path):
    d = _declare(tmp_path, facts=replace(FACTS, redesign="2026-11-21"), when="2026-03-10")
    assert d.expired and d.validity.trigger == "redesign" and d.valid_until == "2026-11-20"
    assert d.state == Compliance.NONE and d.global_rate is None
    assert ("Le site a fait l'objet d'une modification substantielle ou d'une refonte le 21 novembre 2026, après "
            "l'audit du 10 mars 2026") in declaration.render_markdown(d)
    before = _declare(tmp_path / "before", facts=replace(FACTS, redesign="2026-01-05"), when="2026-03-10")
    assert not before.expired and before.validity.trigger == "three_years"  # the audit saw the new site
    planned = _declare(tmp_path / "planned", facts=replace(FACTS, redesign="2027-02-01"), when="2026-03-10")
    assert not planned.expired and planned.valid_until == "2027-01-31" and planned.global_rate == "99,1\u00a0%"
    assert "veille de la refonte du site annoncée pour le 1er février 2027" in declaration.render_markdown(planned)


def test_eighteen_months_after_a_new_rgaa_version_an_older_audit_is_no_longer_valid(tmp_path):
    # an audit against RGAA 4.0 in January 2021: 4.1 (February 2021) ends it 18 months later, before 3 years
    d = _declare(tmp_path, when="2021-01-10", rgaa="4.0", today=date(2023, 1, 1))
    assert d.expired and d.validity.trigger == "new_rgaa" and d.validity.new_rgaa == "4.1"
    assert d.valid_until == "2022-08-16" and d.state == Compliance.NONE and d.global_rate is None
    assert "le RGAA 4.1 a été publié le 16 février 2021" in declaration.render_markdown(d)
    still = _declare(tmp_path / "still", when="2021-01-10", rgaa="4.0", today=date(2022, 8, 16))
    assert not still.expired and still.global_rate == "99,1\u00a0%"


def test_an_erratum_does_not_invalidate_the_audit(tmp_path):
    # 4.1.1 and 4.1.2 are errata of 4.1: « Ils n'invalident pas les audits déjà réalisés »
    d = _declare(tmp_path, rgaa="4.1")
    assert not d.expired and d.rgaa_version == "4.1" and d.rgaa_outdated and d.global_rate == "99,1\u00a0%"
    assert any("n'invalident pas les audits" in w for w in d.warnings)


def test_a_new_version_in_the_table_starts_the_eighteen_months(tmp_path, monkeypatch):
    versions = (*declaration.RGAA_VERSIONS, declaration.RgaaVersion("4.2", date(2025, 1, 1)))
    monkeypatch.setattr(declaration, "RGAA_VERSIONS", versions)
    v = declaration.validity("2024-12-01", "4.1.2", None, date(2026, 7, 2))
    assert (v.trigger, v.until, v.expired, v.new_rgaa) == ("new_rgaa", "2026-07-01", True, "4.2")
    assert not declaration.validity("2024-12-01", "4.2", None, date(2026, 7, 2)).expired


def test_the_validity_line_states_every_trigger(tmp_path):
    for lang, expected in (("fr", ("trois ans après l'audit", "modification substantielle ou une refonte du site",
                                   "dix-huit mois après la publication d'une nouvelle version du RGAA")),
                           ("en", ("three years after the audit", "substantial change or redesign",
                                   "eighteen months after a new version of the RGAA"))):
        d = _declare(tmp_path / lang, lang=lang)
        for text in _texts(d):
            for w in expected:
                assert w in text.replace("&#39;", "'"), (lang, w)


def test_the_rgaa_versions_table_ends_with_the_version_in_force():
    assert declaration.CURRENT_RGAA == standards.RGAA_VERSION
    dates = [v.published for v in declaration.RGAA_VERSIONS]
    assert dates == sorted(dates)


# --- the facts the law requires: missing, the declaration is a draft that names them -------------------


REQUIRED = {
    "contact": (replace(FACTS, contact_email="", contact_form=""), "une adresse postale seule ne suffit pas"),
    "contact (none at all)": (replace(FACTS, contact_email="", contact_form="", contact_address=""),
                              "un moyen de contact : une adresse électronique ou un formulaire"),
    "schema": (replace(FACTS, schema_url=""), "schéma pluriannuel"),
    "action plan": (replace(FACTS, action_plan_url=""), "plan d'action de l'année 2026"),
    "review": (replace(FACTS, previous_actions_review=""), "bilan des actions réalisées en 2025"),
    "technologies": (replace(FACTS, technologies=()), "technologies utilisées"),
    "entity": (replace(FACTS, entity=""), "nom de l'entité"),
}


@pytest.mark.parametrize("name", list(REQUIRED))
def test_a_required_fact_missing_makes_a_draft_that_names_it(tmp_path, name):
    facts, words = REQUIRED[name]
    d = _declare(tmp_path, facts=facts)
    assert d.draft and d.rates.valid  # the audit is complete: only the fact is missing
    assert [f for f in d.missing_facts if words in f], d.missing_facts
    md = declaration.render_markdown(d)
    assert md.startswith("# BROUILLON") and "Note pour la rédaction" in md
    assert "lien à ajouter" not in md and "(lien" not in md


def test_an_email_or_a_form_is_enough(tmp_path):
    assert not _declare(tmp_path / "mail", facts=replace(FACTS, contact_form="", contact_address="")).draft
    assert not _declare(tmp_path / "form", facts=replace(FACTS, contact_email="", contact_address="")).draft


def test_the_test_environment_comes_from_the_auditor_the_testers_or_sites_yaml(tmp_path):
    store, run = _store(tmp_path)
    # no verdicts file (so no auditor environments), no sessions: a draft that names the environment
    a = assess(store, run, SITE, Inputs(), sample=SAMPLE)
    d = declaration.declare(SITE, a, today=TODAY)
    assert any("environnement de test" in f for f in d.missing_facts)
    # the auditor's file gives one
    assert _declare(tmp_path / "auditor").environments == ("NVDA 2024.4 + Firefox 133 / Windows 11",)
    # sites.yaml gives one, beside the auditor's
    facts = replace(FACTS, environments=("VoiceOver + Safari 18 / macOS 15",))
    d = _declare(tmp_path / "yaml", facts=facts)
    assert d.environments == ("NVDA 2024.4 + Firefox 133 / Windows 11", "VoiceOver + Safari 18 / macOS 15")
    # and without the auditor's, sites.yaml alone is enough
    complete = _assessed(tmp_path / "alone", site=replace(SITE, declaration=facts))
    alone = declaration.declare(replace(SITE, declaration=facts), replace(complete, environments=[]), today=TODAY)
    assert alone.environments == ("VoiceOver + Safari 18 / macOS 15",) and not alone.draft


def test_the_auditor_and_the_audit_rgaa_version_are_required(tmp_path):
    a = _assessed(tmp_path, rgaa_meta=None)
    no_auditor = declaration.declare(SITE, replace(a, audit=replace(a.audit, auditor="")), today=TODAY)
    assert no_auditor.draft and any("auditeur" in f for f in no_auditor.missing_facts)
    no_version = declaration.declare(SITE, replace(a, audit=replace(a.audit, rgaa="")), today=TODAY)
    assert no_version.draft and no_version.rgaa_version == ""
    assert any("version du RGAA" in f for f in no_version.missing_facts)
    assert "selon la version" not in declaration.render_markdown(no_version)


def test_no_configuration_hint_ever_reaches_a_declaration_that_is_not_a_draft(tmp_path):
    variants = [FACTS, *(facts for facts, _ in REQUIRED.values()),
                replace(FACTS, technologies=(), schema_url="", action_plan_url="", previous_actions_review="",
                        contact_email="", contact_form="")]
    seen_final = seen_draft = 0
    for i, facts in enumerate(variants):
        for lang in ("fr", "en"):
            for when in ("2026-11-20", "2020-01-01"):  # valid, expired
                d = _declare(tmp_path / f"{i}-{lang}-{when}", facts=facts, lang=lang, when=when)
                texts = _texts(d)
                if d.draft:
                    seen_draft += 1
                    assert any("sites.yaml" in t for t in texts)  # the box tells the author where
                    continue
                seen_final += 1
                for text in texts:
                    for hint in HINTS:
                        assert hint not in text, (i, lang, when, hint)
    assert seen_final >= 4 and seen_draft >= 10


def test_a_draft_never_prints_link_to_be_added(tmp_path):
    facts = replace(FACTS, schema_url="", action_plan_url="", previous_actions_review="")
    for lang in ("fr", "en"):
        d = _declare(tmp_path / lang, facts=facts, lang=lang)
        for text in _texts(d):
            assert "lien à ajouter" not in text and "link to be added" not in text


# --- the official model's fixed formulas -----------------------------------------------------------------


# Word for word from « La déclaration d'accessibilité adopte obligatoirement ce format »
# (accessibilite.numerique.gouv.fr/obligations/declaration-accessibilite, DISIC/accessibilite.numerique.gouv.fr,
# Licence Ouverte 2.0), placeholders filled for Ville de Test.
FORMULAS = (
    "Ville de Test s’engage à rendre son site internet accessible conformément à l’article 47 de la loi "
    "n° 2005-102 du 11 février 2005.",
    "À cette fin, il met en œuvre la stratégie et les actions suivantes",
    "Cette déclaration d’accessibilité s’applique à",
    "## État de conformité",
    "Ville de Test est **partiellement conforme** avec le référentiel général d’amélioration de l’accessibilité.",
    "### Résultat des tests",
    "L’audit de conformité réalisé par Cabinet Exemple révèle que :",
    "- 99,1\u00a0% des critères RGAA sont respectés.",
    "- Le taux moyen de conformité du service en ligne s’élève à 99,5\u00a0%.",
    "## Contenus non accessibles",
    "Les contenus listés ci-dessous ne sont pas accessibles pour les raisons suivantes.",
    "### Non conformité",
    "### Dérogations pour charge disproportionnée",
    "### Contenus non soumis à l’obligation d’accessibilité",
    "## Établissement de cette déclaration d’accessibilité",
    "Cette déclaration a été établie le 22 novembre 2026. Elle a été mise à jour le 22 novembre 2026.",
    "### Technologies utilisées pour la réalisation du site web",
    "#### Environnement de test",
    "Agents utilisateurs, technologies d’assistance et outils utilisés pour vérifier l’accessibilité",
    "#### Les outils utilisés lors de l’évaluation",
    "#### Pages du site ayant fait l’objet de la vérification de conformité",
    "## Retour d’information et contact",
    "Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le responsable du site "
    "internet pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.",
    "[Envoyer un message](https://ville.example/contact.html)",
    "## Voies de recours",
    "Cette procédure est à utiliser dans le cas suivant.",
    "Vous avez signalé au responsable du site internet un défaut d’accessibilité qui vous empêche d’accéder à un "
    "contenu ou à un des services du portail et vous n’avez pas obtenu de réponse satisfaisante.",
    "Écrire un message au Défenseur des droits",
    "Contacter le délégué du Défenseur des droits près de chez vous",
    "Envoyer un courrier par la poste (gratuit, ne pas mettre de timbre)",
)


def test_the_fixed_formulas_are_those_of_the_official_model(tmp_path):
    md = declaration.render_markdown(_declare(tmp_path))
    for formula in FORMULAS:
        assert formula in md, formula
    html = declaration.render_fragment(_declare(tmp_path / "html"))
    assert '<h3 id="resultats">Résultat des tests</h3>' in html and '<h4 id="environnement">Environnement de test' in html


# --- one template per document, every word from the catalogue: each language entirely its own ----------------


def _messages() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every message of the declaration's code and templates: its French msgid(s) and English translation(s)."""
    import sys

    from babel.messages.extract import extract_from_file

    root = Path(__file__).parents[1]
    sys.path.insert(0, str(root / "scripts"))
    import catalogues

    files = [(root / "audit" / "reports" / "declaration.py", "python", {})]
    files += [(path, "jinja2", {"extensions": "jinja2.ext.i18n"})
              for path in sorted((root / "audit" / "templates").glob("declaration*.j2"))]
    out = []
    for path, method, options in files:
        for _, message, _, context in extract_from_file(method, str(path), keywords=catalogues.KEYWORDS,
                                                        options=options):
            ids = (message,) if isinstance(message, str) else tuple(m for m in message if m)
            if len(ids) == 2:
                en = (words.ngettext(ids[0], ids[1], 1, "en"), words.ngettext(ids[0], ids[1], 2, "en"))
            elif context:
                en = (words.pgettext(context, ids[0], "en"),)
            else:
                en = (words.gettext(ids[0], "en"),)
            out.append((ids, en))
    return out


def _pieces(texts: tuple[str, ...], other: tuple[str, ...]) -> set[str]:
    """The words between the placeholders of ``texts`` (two words at least) that ``other`` does not have."""
    found = set()
    for text in texts:
        for piece in re.split(r"\{[^}]*\}", text):
            piece = piece.strip(" .,:;()«»“”—-")
            if len(re.findall(r"\w+", piece)) >= 2 and not any(piece in o for o in other):
                found.add(piece)
    return found


def _language_cases(tmp_path) -> list[declaration.Declaration]:
    """Declarations that say every kind of thing: a draft (criteria to verify, facts missing), final ones with a
    non-conformity, its alternative and fix date, derogations and exemptions, an expired audit, a redesign, a
    warning, a review given as text, and one with no audit at all."""
    import test_declaration as hand

    facts = replace(FACTS, alternatives=(("1.1", "Le plan d'accès est décrit en texte."),),
                    action_plan=(("1.1", "2027-06-01"),), previous_actions_review="Bilan inclus dans le plan.",
                    grid_url="/grille.csv")
    out = []
    for lang in ("fr", "en"):
        where = tmp_path / lang
        store, run = hand._store(where / "hand")
        out += [
            _declare(where / "full", facts=facts, lang=lang),
            _declare(where / "expired", lang=lang, when="2020-01-01"),
            _declare(where / "redesign", facts=replace(FACTS, redesign="2026-11-21"), when="2026-03-10", lang=lang),
            _declare(where / "erratum", lang=lang, rgaa="4.1"),
            _declare(where / "facts", lang=lang, facts=replace(FACTS, contact_email="", contact_form="",
                                                                schema_url="", action_plan_url="", entity="",
                                                                previous_actions_review="", published="2026-13-45")),
            _declare(where / "none", lang=lang, verdicts=False, rgaa_meta=None),
            hand.declare(store, hand.SITE, run, today=hand.TODAY, sample=hand.SAMPLE, lang=lang),
            hand.declare(store, hand.SITE, run, verdicts=hand._verdicts(where / "hand"), today=hand.TODAY,
                         sample=hand.SAMPLE, lang=lang),
            hand.declare(store, hand.SITE, run, verdicts=hand._verdicts(where / "hand", "C", rgaa="4.1"),
                         today=hand.TODAY, sample=hand.SAMPLE, lang=lang),
        ]
    return out


def _city_words(d: declaration.Declaration) -> list[str]:
    """What the city, the auditor or the law wrote in French, shown as written in every language."""
    said = [*(p.name for p in d.pages), d.contact_address, d.previous_actions_review, declaration.DDD_ADDRESS,
            declaration.DDD_NAME, declaration.RGAA_NAME, declaration.DECLARATION_NAME]
    for c in (*d.nonconformities, *d.missing):
        said += [*c.pages, *c.comments, c.alternative]
    for x in d.derogations:
        said += [x.content, x.justification, x.alternative, *x.pages]
    for x in d.exemptions:
        said += [x.content, x.reason]
    return sorted((w for w in said if w), key=len, reverse=True)


FRENCH_LETTERS = re.compile(r"[éèêëàâçùûôîïœ«»’]")


def test_the_english_statement_has_no_french_but_the_words_it_marks_as_french(tmp_path):
    messages = _messages()
    assert [ids for ids, en in messages if en == ids and _pieces(ids, ())] == []  # every sentence has its English
    french = set().union(*(_pieces(ids, en) for ids, en in messages))
    assert len(french) > 100  # the check below has something to look for
    cases = [d for d in _language_cases(tmp_path) if d.lang == "en"]
    assert {d.draft for d in cases} == {True, False} and any(d.expired for d in cases)
    for d in cases:
        html = declaration.render_html(d)
        # what is French is marked so (the official formulas, the law's names, the city's words); the rest of the
        # page is English, from <title> to the footer
        from lxml import html as lxml_html

        tree = lxml_html.document_fromstring(html)
        for el in tree.xpath('//style | //body//*[@lang="fr"]'):
            el.drop_tree()  # its tail (the English after it) stays
        shown = unescape(" ".join(tree.itertext()))
        assert not FRENCH_LETTERS.search(shown), re.findall(f".{{40}}{FRENCH_LETTERS.pattern}.{{40}}", shown)
        for legal in (declaration.DDD_NAME, declaration.RGAA_NAME, declaration.DECLARATION_NAME):
            assert f'<span lang="fr">{escape(legal)}</span>' in html, legal
        md_said = declaration.render_markdown(d)
        # the official formulas: French in italics (« _…_ »), then our translation in brackets
        md = re.sub(r"(?<![\w_])_[^_\n]+_(?![\w_])", " ", md_said)
        summary = declaration.summary(d)
        for text in (shown, md, summary):
            for piece in french:
                assert piece not in text, (piece, d.draft, d.expired)
        # in Markdown, the law's French names are in italics; anything else French is the city's or the auditor's
        for legal in (declaration.RGAA_NAME, declaration.DECLARATION_NAME):
            assert f"*{legal}*" in md_said
        rest = md
        for said in _city_words(d):
            rest = rest.replace(said, " ")
        assert not FRENCH_LETTERS.search(rest + summary), re.findall(f".{{40}}{FRENCH_LETTERS.pattern}.{{40}}",
                                                                     rest + summary)


def test_the_french_declaration_has_no_english_word_of_the_catalogue(tmp_path):
    messages = _messages()
    english = set().union(*(_pieces(en, ids) for ids, en in messages))
    assert len(english) > 100
    for d in (d for d in _language_cases(tmp_path) if d.lang == "fr"):
        html = re.sub(r"<style>.*?</style>", " ", declaration.render_html(d), flags=re.S)
        assert 'lang="en"' not in html
        for text in (unescape(re.sub(r"<[^>]+>", " ", html)), declaration.render_markdown(d), declaration.summary(d)):
            assert " the " not in text.lower()
            for piece in english:
                assert piece not in text, (piece, d.draft, d.expired)


def test_the_law_s_french_names_are_not_messages_to_translate():
    msgids = {i for ids, _ in _messages() for i in ids}
    for legal in (declaration.DDD_NAME, declaration.RGAA_NAME, declaration.DECLARATION_NAME,
                  declaration.DDD_ADDRESS):
        assert not any(legal in i for i in msgids), legal
    assert not list((Path(__file__).parents[1] / "audit" / "templates").glob("declaration*.en.*"))


# --- non-conformities for citizens ----------------------------------------------------------------------


def test_every_theme_says_what_does_not_work_and_for_whom_in_both_languages():
    assert set(declaration.THEME_TEXTS) == set(standards.THEMES)
    for fr_what, fr_who in declaration.THEME_TEXTS.values():
        en_what, en_who = (words.gettext(x, "en") for x in (fr_what, fr_who))
        assert en_what != fr_what and en_who != fr_who  # translated in the catalogue
        assert all(len(x) > 20 for x in (fr_what, fr_who, en_what, en_who))
        assert "sites.yaml" not in fr_what + fr_who + en_what + en_who


def test_a_non_conformity_says_what_for_whom_where_its_alternative_and_its_planned_fix(tmp_path):
    facts = replace(FACTS, alternatives=(("1.1", "Le plan d'accès est décrit en texte sur la page Venir."),),
                    action_plan=(("1.1", "2027-06-30"),))
    d = _declare(tmp_path, facts=facts)
    [nc] = d.nonconformities
    assert (nc.alternative, nc.fix_by, nc.pages) == ("Le plan d'accès est décrit en texte sur la page Venir.",
                                                     "2027-06-30", ("Contact",))
    md = declaration.render_markdown(d)
    what, who = declaration.THEME_TEXTS[1]
    assert f"- **Images** — {what} Personnes concernées : {who}." in md
    assert ("(critère 1.1, thème « Images ») : non respecté sur Contact. Le plan d'accès n'a pas d'alternative. "
            "Solution de remplacement : Le plan d'accès est décrit en texte sur la page Venir. Correction prévue "
            "au plus tard le 30 juin 2027.") in md
    en = _declare(tmp_path / "en", facts=facts, lang="en")
    md_en = declaration.render_markdown(en)
    assert f"People affected: {words.gettext(declaration.THEME_TEXTS[1][1], 'en')}." in md_en
    assert "Fix planned by 30 June 2027 at the latest." in md_en
    html = declaration.render_html(en)
    assert '<span lang="fr">Le plan d&#39;accès est décrit en texte sur la page Venir.</span>' in html


def test_the_auditor_file_may_give_alternatives_and_fix_dates_too(tmp_path):
    a = _assessed(tmp_path)
    audit = SimpleNamespace(**{k: getattr(a.audit, k) for k in ("auditor", "date", "rgaa", "kind", "derogations",
                                                               "exemptions", "environments")},
                            alternatives={"1.1": "Plan décrit par téléphone."}, action_plan={"1.1": "2027-01-31"},
                            tools=("Colour Contrast Analyser 3.5",))
    d = declaration.declare(SITE, replace(a, audit=audit), today=TODAY)
    [nc] = d.nonconformities
    assert (nc.alternative, nc.fix_by) == ("Plan décrit par téléphone.", "2027-01-31")
    assert d.tools[-1] == "Colour Contrast Analyser 3.5"
    # the city's sites.yaml wins over the auditor for its own action plan
    mine = replace(SITE, declaration=replace(FACTS, action_plan=(("1.1", "2026-12-31"),)))
    assert declaration.declare(mine, replace(a, audit=audit), today=TODAY).nonconformities[0].fix_by == "2026-12-31"


# --- versions, dates, tools -----------------------------------------------------------------------------


def test_the_rgaa_version_declared_is_the_audits_never_the_tools_default(tmp_path):
    d = _declare(tmp_path, rgaa="4.1")
    assert d.rgaa_version == "4.1" and "L’audit a été réalisé selon la version 4.1 du RGAA." in (
        declaration.render_markdown(d))
    store, run = _store(tmp_path / "meta", rgaa_meta="4.1.1")
    a = assess(store, run, SITE, Inputs(), sample=SAMPLE)
    assert declaration.declare(SITE, a, today=TODAY).rgaa_version == "4.1.1"  # the run's, without an auditor
    # a grid CSV cannot say its version: the run's, not the parser's default
    csv_audit = replace(_assessed(tmp_path / "csv", rgaa_meta="4.1").audit, kind="csv")
    a2 = _assessed(tmp_path / "csv2", rgaa_meta="4.1")
    assert declaration.declare(SITE, replace(a2, audit=csv_audit), today=TODAY).rgaa_version == "4.1"


def test_established_is_the_first_publication_and_updated_the_last_real_change(tmp_path):
    d = _declare(tmp_path)
    first, dates = declaration.dated(d, None, date(2026, 11, 22))
    assert (first.established, first.updated) == ("2026-11-22", "2026-11-22") and dates[:2] == first_dates(first)
    # the same declaration a month later: nothing changed, nothing moves
    again, dates2 = declaration.dated(replace(d, updated="2026-12-22"), dates, date(2026, 12, 22))
    assert (again.established, again.updated) == ("2026-11-22", "2026-11-22") and dates2 == dates
    # what it says changes (a new non-conformity's fix date): « mise à jour le » moves, « établie le » stays
    facts = replace(FACTS, action_plan=(("1.1", "2027-06-30"),))
    changed, dates3 = declaration.dated(_declare(tmp_path / "b", facts=facts), dates, date(2027, 1, 5))
    assert (changed.established, changed.updated) == ("2026-11-22", "2027-01-05") and dates3[2] != dates[2]
    md = declaration.render_markdown(changed)
    assert "établie le 22 novembre 2026. Elle a été mise à jour le 5 janvier 2027." in md
    # a declaration published before the store kept dates keeps its first publication
    old, _ = declaration.dated(_declare(tmp_path / "c", facts=replace(FACTS, published="2024-05-02")), dates,
                               date(2027, 1, 5))
    assert old.established == "2024-05-02"
    # a draft is not published: nothing to record
    draft = _declare(tmp_path / "d", facts=replace(FACTS, schema_url=""))
    assert declaration.dated(draft, None, TODAY)[1] is None


def first_dates(d: declaration.Declaration) -> tuple[str, str]:
    return d.established, d.updated


def test_the_tools_of_the_manual_part_come_beside_the_tools_own(tmp_path):
    facts = replace(FACTS, tools=("Colour Contrast Analyser 3.5", "HeadingsMap 4.2", "axe-core 4.14.1"))
    d = _declare(tmp_path, facts=facts)
    assert d.tools == ("a11y-audit 0.1.0", "axe-core 4.14.1", "Chromium 156.0.1", "Colour Contrast Analyser 3.5",
                       "HeadingsMap 4.2")


# --- sites.yaml ----------------------------------------------------------------------------------------


SITES_YAML = """\
sites:
  - id: ville
    base_url: https://ville.example
    declaration:
      entity: Ville de Test
      contact_email: accessibilite@ville.example
      previous_actions_review: /accessibilite/bilan-2025.html
      environments: [NVDA 2024.4 + Firefox 133 / Windows 11]
      tools: [Colour Contrast Analyser 3.5]
      redesign: 2027-03-01
      action_plan:
        "1.1": 2027-06-30
        "11.10": "2027-09-30"
      alternatives:
        "1.1": Le plan d'accès est décrit sur la page Venir.
"""


def test_sites_yaml_reads_the_new_declaration_facts():
    [site] = config.parse(SITES_YAML).sites
    f = site.declaration
    assert f.previous_actions_review == "/accessibilite/bilan-2025.html" and f.redesign == "2027-03-01"
    assert f.environments == ("NVDA 2024.4 + Firefox 133 / Windows 11",) and f.tools == ("Colour Contrast Analyser 3.5",)
    assert f.action_plan == (("1.1", "2027-06-30"), ("11.10", "2027-09-30"))
    assert f.alternatives == (("1.1", "Le plan d'accès est décrit sur la page Venir."),)


@pytest.mark.parametrize(("bad", "line", "words"), [
    ("      redesign: bientôt\n", 10, "AAAA-MM-JJ"),
    ('      action_plan: {1.10: 2027-01-01}\n', 10, "critère inconnu"),
    ('      action_plan: {"99.1": 2027-01-01}\n', 10, "critère inconnu"),
    ('      action_plan: {"1.1": fin 2027}\n', 10, "AAAA-MM-JJ"),
    ("      alternatives: [a, b]\n", 10, "clé: valeur"),
])
def test_sites_yaml_says_where_a_declaration_fact_is_wrong(bad, line, words):
    head = SITES_YAML.split("      redesign:")[0]
    with pytest.raises(config.ConfigError) as err:
        config.parse(head + bad)
    message = str(err.value)
    assert message.startswith(f"sites.yaml:{line}: sites[0].declaration.") and words in message, message


# --- its own audit, in a real browser -------------------------------------------------------------------


@pytest.mark.browser
def test_the_lawful_declarations_pass_our_own_audit(chromium, tmp_path):
    facts = replace(FACTS, alternatives=(("1.1", "Le plan d'accès est décrit en texte."),),
                    action_plan=(("1.1", "2027-06-30"),), previous_actions_review="Bilan inclus dans le plan.")
    pages = {
        "final.html": _declare(tmp_path / "a", facts=facts),
        "final-en.html": _declare(tmp_path / "b", facts=facts, lang="en"),
        "expired.html": _declare(tmp_path / "c", facts=facts, when="2020-01-01"),
        "draft.html": _declare(tmp_path / "d", facts=replace(facts, contact_email="", contact_form="")),
    }
    assert not pages["final.html"].draft and pages["expired.html"].expired and pages["draft.html"].draft
    out = tmp_path / "site"
    out.mkdir()
    for name, d in pages.items():
        (out / name).write_text(declaration.render_html(d), encoding="utf-8")
    failed = audit_files(chromium, out, list(pages))
    assert failed == {name: [] for name in pages}, {
        k: [(f.check_id, f.selector, f.message) for f in v] for k, v in failed.items()}

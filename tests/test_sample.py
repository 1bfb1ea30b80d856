"""The échantillon proposed from a crawl: required pages, journeys, templates, random draw with a seed."""

from __future__ import annotations

import pytest
import yaml

from audit.model import Journey, PageSnapshot, SamplePage, Site, Step, StepAction
from audit.sample import SampleError, describe, load_pinned, propose, similarity, structure, to_yaml
from audit.store import Store

BASE = "https://ville.example"
NAV = ('<header><a href="/">Accueil</a><nav><ul><li><a href="/contact.html">Nous contacter</a></li>'
       '<li><a href="/actualites/">Actualités</a></li><li><a href="/espace">Se connecter</a></li></ul></nav></header>')
FOOT = ('<footer><ul><li><a href="/legal.html">Mentions légales</a></li><li><a href="/a11y.html">Accessibilité : '
        'partiellement conforme</a></li><li><a href="/faq.html">Besoin d\'aide ?</a></li></ul></footer>')


def _page(title: str, main: str) -> str:
    return f"<!DOCTYPE html><html lang=fr><head><title>{title}</title></head><body>{NAV}<main>{main}</main>{FOOT}</body></html>"


ARTICLE = '<article><h1>{}</h1><p>Texte</p><figure><img src="a.png" alt=""></figure></article><aside><h2>Voir aussi</h2></aside>'
FORM = '<h1>{}</h1><form><label for="a">A</label><input id="a"><button>Envoyer</button></form>'
LIST = '<h1>{}</h1><ul class="cartes"><li><a href="/x">x</a></li></ul>'
PAGES = [
    ("/", "Accueil — Ville", LIST.format("Bienvenue")),
    ("/contact.html", "Contact — Ville", FORM.format("Écrivez-nous")),
    ("/legal.html", "Informations — Ville", "<h1>Informations</h1><p>Éditeur</p>"),
    ("/a11y.html", "Déclaration d’accessibilité — Ville", "<h1>Déclaration</h1><p>Conformité</p>"),
    ("/faq.html", "Questions — Ville", "<h1>Questions</h1><p>Réponses</p>"),
    ("/espace", "Connexion à mon espace — Ville", FORM.format("Connexion")),
    ("/actualites/", "Actualités — Ville", LIST.format("Actualités")),
] + [(f"/actualites/article-{i}.html", f"Article {i} — Ville", ARTICLE.format(f"Article {i}")) for i in range(12)]


def _store(tmp_path):
    store = Store(tmp_path / "runs")
    run = store.create_run("ville", BASE, {"tool_version": "0.1.0"})
    for path, title, main in PAGES:
        snap = PageSnapshot(key=BASE + path, url=BASE + path, final_url=BASE + path, status=200, title=title)
        folder = store.page_dir(run, snap.key)
        (folder / "dom.html").write_text(_page(title, main), encoding="utf-8")
        snap.files["dom"] = "dom.html"
        store.save_page(run, snap)
    for step in (2, 3):
        snap = PageSnapshot(key=f"journey:cantine:{step}", url=f"{BASE}/cantine/{step}", status=200,
                            journey="cantine", step=step, name=f"Cantine {step}", title="Cantine")
        store.save_page(run, snap)
    broken = PageSnapshot(key=BASE + "/casse", url=BASE + "/casse", status=500, title="Erreur")
    store.save_page(run, broken)
    return store, store.run(run.id)


SITE = Site(id="ville", name="Ville", base_url=BASE,
            journeys=(Journey(id="cantine", name="Inscription à la cantine", steps=(
                Step(StepAction.GOTO, "/espace"), Step(StepAction.FILL, "#a", value="x"),
                Step(StepAction.SUBMIT, "button", audit=True, name="Cantine — choix"),
                Step(StepAction.SUBMIT, "button", audit=True, name="Cantine — récapitulatif"))),))


def test_required_pages_found_by_url_title_and_link_text(tmp_path):
    store, run = _store(tmp_path)
    sample = propose(store, run, SITE, seed=1)
    reasons = {e.path: e.reason for e in sample.pages}
    assert reasons["/"].startswith("page obligatoire : accueil")
    assert reasons["/contact.html"].startswith("page obligatoire : contact")
    assert reasons["/legal.html"].startswith("page obligatoire : mentions légales")  # link text only
    assert reasons["/a11y.html"].startswith("page obligatoire : accessibilité")  # title + link text
    assert reasons["/faq.html"].startswith("page obligatoire : aide")  # slug "faq" + "Besoin d'aide ?"
    assert reasons["/espace"].startswith("page obligatoire : connexion")  # title + "Se connecter"
    assert sample.missing == ("plan du site",)
    assert "/casse" not in reasons  # HTTP errors are not sampled


def test_journey_steps_templates_and_random_draw(tmp_path):
    store, run = _store(tmp_path)
    sample = propose(store, run, SITE, seed=7)
    by_path = {e.path: e for e in sample.pages}
    assert by_path["journey:cantine:2"].name == "Cantine — choix"
    assert by_path["journey:cantine:3"].kinds == ("journey",)
    articles = [t for t in sample.templates if any("article-" in k for k in t.pages)]
    assert len(articles) == 1 and len(articles[0].pages) == 12  # the 12 articles share one template
    chosen = [e for e in sample.pages if "template" in e.kinds and "article-" in e.path]
    assert len(chosen) == 1 and "gabarit" in chosen[0].reason
    drawn = [e for e in sample.pages if e.kinds == ("random",)]
    before = len(sample.pages) - len(drawn)
    assert len(drawn) >= 0.10 * before and len(drawn) == sample.random_count >= 1
    assert all("graine 7" in e.reason for e in drawn)
    again = propose(store, run, SITE, seed=7)
    assert [e.path for e in again.pages] == [e.path for e in sample.pages]
    other_seeds = {tuple(e.path for e in propose(store, run, SITE, seed=s).pages if e.kinds == ("random",))
                   for s in range(1, 12)}
    assert len(other_seeds) > 1  # the seed matters
    unseeded = propose(store, run, SITE)
    assert unseeded.seed > 0


def test_configured_pages_come_first_by_name(tmp_path):
    store, run = _store(tmp_path)
    site = Site(id="ville", name="Ville", base_url=BASE, pages=(SamplePage("Plan du site", "/plan.html"),
                                                                SamplePage("Mentions légales", "/legal.html"),
                                                                SamplePage("Tarifs", "/actualites/")))
    sample = propose(store, run, site, seed=3)
    by_path = {e.path: e for e in sample.pages}
    assert by_path["/plan.html"].page_key is None  # configured but not crawled: kept, said absent
    assert "configurée" in by_path["/plan.html"].reason and sample.missing == ()
    assert by_path["/actualites/"].reason.startswith("page configurée")
    assert "absente de cet audit" in describe(sample)


def test_pin_writes_yaml_to_paste_into_sites_yaml(tmp_path):
    store, run = _store(tmp_path)
    sample = propose(store, run, SITE, seed=11)
    text = to_yaml(sample)
    assert "graine 11" in text
    assert all(line.startswith("    ") for line in text.splitlines())
    data = yaml.safe_load("\n".join(line[4:] for line in text.splitlines()))
    assert [(p["name"], p["path"]) for p in data["sample"]] == [(e.name, e.path) for e in sample.pages]
    assert all(p["reason"] for p in data["sample"])
    pinned = tmp_path / "echantillon.yaml"
    pinned.write_text(to_yaml(sample), encoding="utf-8")
    assert [(p.name, p.path, p.reason) for p in load_pinned(pinned)] == [(e.name, e.path, e.reason)
                                                                         for e in sample.pages]
    text = describe(sample)
    assert text.startswith("Échantillon proposé pour ville") and "--seed 11" in text


def test_structure_fingerprint_separates_templates():
    from lxml import html

    article = structure(html.document_fromstring(_page("a", ARTICLE.format("a"))))
    article2 = structure(html.document_fromstring(_page("b", ARTICLE.format("b"))))
    form = structure(html.document_fromstring(_page("c", FORM.format("c"))))
    assert similarity(article, article2) == 1.0
    assert similarity(article, form) < 0.8
    assert "landmark:banner>navigation" in article


@pytest.mark.parametrize("text, where, words", [
    ("sample:\n  - {name: A, path: /}\n  - {name: B, path: accueil.html}\n", ":3:", "un chemin d'adresse commençant par /"),
    ("sample:\n  - {name: A, path: /}\n  - {name: B, path: /}\n", ":3:", "« / » est déjà dans l'échantillon (ligne 2)"),
    ("sample:\n  - {path: /}\n", ":2:", "sample[0].name: est obligatoire"),
    ("sample:\n  - {name: A, path: /, why: x}\n", ":2:", "sample[0].why: clé inconnue"),
    ("pages: []\n", ":1:", "sample: une liste non vide"),
    ("sample: [\n", ":2:", "YAML invalide"),
])
def test_pinned_sample_errors_say_file_and_line(tmp_path, text, where, words):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SampleError) as exc:
        load_pinned(path)
    assert str(exc.value).startswith(f"{path}{where}"), str(exc.value)
    assert words in str(exc.value)


def _sample_words() -> tuple[set[str], set[str]]:
    """The words of audit/sample.py's messages that only French says, and those that only English says."""
    import re
    import sys
    from pathlib import Path

    from babel.messages.extract import extract as babel_extract

    from audit import words

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import catalogues

    french, english = set(), set()
    with (Path(words.__file__).parent / "sample.py").open("rb") as fp:
        for _line, message, _comments, _context in babel_extract(catalogues._python, fp,
                                                                 keywords=catalogues.PYTHON_KEYWORDS):
            if isinstance(message, str):
                said = [words.gettext(message, "en")]
                ids = [message]
            else:
                ids = list(message)
                said = [words.ngettext(message[0], message[1], n, "en") for n in (1, 2)]
            for fr in ids:
                french |= {w.lower() for w in re.findall(r"[^\W\d_]{3,}", re.sub(r"\{\w+\}", "", fr))}
            for en in said:
                english |= {w.lower() for w in re.findall(r"[^\W\d_]{3,}", re.sub(r"\{\w+\}", "", en))}
    return french - english, english - french


def test_describe_says_everything_in_one_language(tmp_path):
    import re

    store, run = _store(tmp_path)
    site = Site(id="ville", name="Ville", base_url=BASE, pages=(SamplePage("Tarifs", "/tarifs"),),
                journeys=(Journey(id="cantine", name="Inscription", steps=(
                    Step(StepAction.GOTO, "/espace"), Step(StepAction.SUBMIT, "button", audit=True),
                    Step(StepAction.SUBMIT, "button", audit=True))),))
    sample = propose(store, run, site, seed=5)
    empty = propose(Store(tmp_path / "empty"), Store(tmp_path / "empty").create_run("ville", BASE, {}), site, seed=5)
    assert empty.notes and sample.missing and any(e.page_key is None for e in sample.pages)
    assert any(e.said_name is not None for e in sample.pages)  # the step without a name nor a page
    french_only, english_only = _sample_words()
    assert {"obligatoire", "gabarit", "hasard", "graine", "étape"} <= french_only
    assert {"required", "template", "random", "step"} <= english_only  # « --seed » is in both
    for lang, foreign in (("en", french_only), ("fr", english_only)):
        for one in (sample, empty):
            text = describe(one, lang).replace(one.run, "")
            for entry in one.pages:  # the pages' own names (French here) are not ours to translate
                name = entry.name_in(lang)
                text = text.replace(f"{name} — {entry.path}", name if entry.said_name is not None else "")
            text = text.replace("Inscription", "")
            said = {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}
            assert not said & foreign, (lang, sorted(said & foreign), text)
    en = describe(sample, "en")
    assert en.startswith("Proposed sample for ville") and "not gathered by this run" in en
    assert "required page: home page" in en and "Inscription — step 2" in en and "step of the journey" in en
    fr = describe(sample)
    assert "Inscription — étape 2" in fr and "(s)" not in fr
    assert re.search(r"Tirage au hasard : 1 page, graine 5 ", fr) or "pages, graine 5" in fr
    # the French stays what --pin writes into sites.yaml
    assert all(e.reason == e.reason_in("fr") for e in sample.pages)
    assert "page configurée dans sites.yaml" in {e.reason for e in sample.pages}
    assert describe(empty, "en").endswith("No usable crawled page: run an audit first (a11y-audit run).")

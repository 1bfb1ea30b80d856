"""audit/checks/consistency.py: links to one page keep one name across the site (WCAG 3.2.4), a site check.

Each folder of tests/fixtures/checks/consistency/ is a small site (one file a page, index.html for "/"), named
after its expected outcome: ``cant_tell-*`` raises the question on the pages listed in EXPECTED, ``inapplicable-*``
raises nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit import words
from audit.checks import Evidence, _finding, load_checks, mandatory, run_site_checks
from audit.checks.consistency import _target, clearly_different, link_names, words_of
from audit.model import Outcome, PageSnapshot

SITES = Path(__file__).parent / "fixtures" / "checks" / "consistency"
CHECK = "wcag-3.2.4-link-names"
HOST = "https://www.ville.test"
EXPECTED = {
    # « Contact » on two pages, « Nous écrire » on one: only the page that departs from the usual name is asked;
    # « Lire la suite » (/) and « Fête de la Loire » (/mairie.html), one page each: both are asked
    "cant_tell-link-names": {"/": ("/actualites/fete.html",),
                             "/mairie.html": ("/contact.html", "/actualites/fete.html")},
    "inapplicable-link-names": {},
}


def _site(name: str, tmp_path: Path) -> list[Evidence]:
    pages = []
    for path in sorted((SITES / name).glob("*.html")):
        folder = tmp_path / name / path.stem
        folder.mkdir(parents=True)
        shutil.copyfile(path, folder / "dom.html")
        url = f"{HOST}/" if path.name == "index.html" else f"{HOST}/{path.name}"
        snap = PageSnapshot(key=url, url=url, status=200, content_type="text/html; charset=utf-8",
                            files={"dom": "dom.html"})
        pages.append(Evidence(snap, folder))
    return pages


def _findings(pages: list[Evidence]):
    chk = load_checks()[CHECK]
    by_key = {e.snap.key: e for e in pages}
    return [_finding(chk, r, by_key[r.page.key]) for r in chk.func(pages)]


def test_the_fixture_sites_are_named_after_their_outcome():
    assert sorted(p.name for p in SITES.iterdir() if p.is_dir()) == sorted(EXPECTED)
    for name in EXPECTED:
        assert name.split("-", 1)[0] in ("cant_tell", "inapplicable")


@pytest.mark.parametrize("site", sorted(EXPECTED))
def test_fixture_sites(site, tmp_path):
    findings = _findings(_site(site, tmp_path))
    got = {f.page_url.removeprefix(HOST): f for f in findings}
    assert set(got) == set(EXPECTED[site]), [(f.page_url, f.message) for f in findings]
    for path, targets in EXPECTED[site].items():
        f = got[path]
        assert f.outcome == Outcome.CANT_TELL and f.question and "même page" in f.question
        assert f.rgaa_tests == () and f.wcag == ("3.2.4",) and not f.conclusive
        n = len(targets)
        assert f.message.startswith(f"{n} destination nommée" if n == 1 else f"{n} destinations nommées")
        for target in targets:
            assert f"{target} : " in f.message
        # on the element concerned: the page's first link whose name differs
        assert f.selector and f.xpath and f.snippet.startswith("<a ")


def test_the_message_lists_the_different_names_and_where(tmp_path):
    findings = {f.page_url.removeprefix(HOST): f for f in _findings(_site("cant_tell-link-names", tmp_path))}
    mairie = findings["/mairie.html"]
    assert "/contact.html : « Nous écrire » ici, « Contact » (/, /contact.html) ailleurs" in mairie.message
    assert "/actualites/fete.html : « Fête de la Loire » ici, « Lire la suite » (/) ailleurs" in mairie.message
    assert mairie.snippet == '<a href="/contact.html">Nous écrire</a>'
    english = mairie.said("message", "en")
    assert english.startswith("2 destinations named differently from one page to another: ") and english != mairie.message
    assert "/contact.html: “Nous écrire” here, “Contact” (/, /contact.html) elsewhere" in english
    home = findings["/"]
    assert "/actualites/fete.html : « Lire la suite » ici, « Fête de la Loire » (/mairie.html) ailleurs" in home.message
    assert "piscine" not in home.message and "plan" not in home.message.lower() and "contact" not in home.message


def test_names_are_compared_by_their_words():
    assert words_of("Plan du site") == words_of("site : PLAN") == words_of("Le plan du site.")
    assert words_of("Écrire") == words_of("ecrire")
    assert not clearly_different(words_of("Accueil"), words_of("Retour à l'accueil"))
    assert clearly_different(words_of("Contact"), words_of("Nous écrire"))
    assert clearly_different(words_of("Contact"), words_of("Contacter la mairie"))  # other words, not a suffix


def test_targets_are_absolute_without_fragment():
    base = "https://www.ville.test/mairie/horaires.html"
    assert _target("../contact.html#form", base) == "https://ville.test/contact.html"
    assert _target("HTTPS://WWW.Ville.test", base) == "https://ville.test/"
    assert _target("?page=2", base) == "https://ville.test/mairie/horaires.html?page=2"
    for href in ("#haut", "", "mailto:mairie@ville.test", "tel:0102030405", "javascript:void(0)"):
        assert _target(href, base) is None


def test_the_summary_is_a_few_strings_per_link(tmp_path):
    [home] = [e for e in _site("cant_tell-link-names", tmp_path) if e.snap.url == f"{HOST}/"]
    summary = link_names(home)
    assert all(isinstance(t, str) and isinstance(n, str) and isinstance(i, int) for t, n, i in summary)
    assert ("https://ville.test/contact.html", "Contact", 3) in summary
    assert ("https://ville.test/", "Ville de Test", 0) in summary and ("https://ville.test/", "Accueil", 1) in summary
    # the « En savoir plus » link named by its aria-label is left out; the generic « Lire la suite » is kept
    assert not any("piscine" in t for t, _, _ in summary)
    assert any(n == "Lire la suite" for _, n, _ in summary)


def test_streamed_like_every_site_check(tmp_path, monkeypatch):
    """Through run_site_checks (each page summarised, then released) the findings are the check's own."""
    monkeypatch.setattr(mandatory, "validate_batch", lambda documents: [[] for _ in documents])  # no JVM here
    direct = _findings(_site("cant_tell-link-names", tmp_path / "a"))
    streamed = [f for f in run_site_checks(iter(_site("cant_tell-link-names", tmp_path / "b")))
                if f.check_id == CHECK]
    assert streamed == direct


def test_declared_without_rgaa_test_and_not_conclusive():
    chk = load_checks()[CHECK]
    assert chk.scope == "site" and chk.rgaa_tests == () and chk.wcag == ("3.2.4",) and not chk.conclusive
    assert chk.title and chk.failure and chk.description and chk.how_to_fix
    for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
        assert words.gettext(text, "en") != text, text
    assert chk.question and chk.evidence == ("dom", "site")

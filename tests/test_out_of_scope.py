"""Parts of the pages that are not the site's own (sites.yaml ``out_of_scope``): what is found in them is set
aside by the assess stage — no problem, no grid evidence — and every report lists the part with its reason."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from audit import config
from audit.assessment import assess
from audit.model import Finding, Outcome, PageKind, PageSnapshot, ScopeRule, Site, Source
from audit.reports import report_of, sarif
from audit.store import Store, page_id

BASE = "https://ville.example"
PAGE = ('<html lang="fr"><head><title>Accueil</title></head><body><div id="barre-cms"><img src="cms.png">'
        '<a href="/admin"></a></div><main><h1>Accueil</h1><img src="photo.png"></main></body></html>')


def _finding(check: str, xpath: str | None, selector: str | None, snippet: str, source=Source.CHECK) -> Finding:
    return Finding(check_id=check, source=source, outcome=Outcome.FAILED, page_key=BASE + "/", page_url=BASE + "/",
                   rgaa_tests=("1.1.1",), wcag=("1.1.1",), selector=selector, xpath=xpath, snippet=snippet,
                   message="Image sans alternative", title="Image sans alternative", fingerprint=f"{check}{snippet}")


@pytest.fixture
def audited(tmp_path):
    store = Store(tmp_path / "runs")
    run = store.create_run("ville", BASE, {})
    snap = PageSnapshot(key=BASE + "/", url=BASE + "/", status=200, kind=PageKind.HTML,
                        content_type="text/html", files={"dom": "dom.html", "source": "source.html"})
    folder = run.folder / "pages" / page_id(snap.key)
    folder.mkdir(parents=True)
    for name in ("dom.html", "source.html"):
        (folder / name).write_text(PAGE, encoding="utf-8")
    tree = lxml_html.fromstring(PAGE).getroottree()
    cms_img, photo = tree.xpath("//img")
    store.save_page(run, snap, [
        _finding("rgaa-1.1-img-alt", tree.getpath(cms_img), "#barre-cms > img", '<img src="cms.png">'),
        _finding("rgaa-1.1-img-alt", tree.getpath(photo), "main > img", '<img src="photo.png">'),
        _finding("axe:link-name", None, "#barre-cms > a", '<a href="/admin">', Source.AXE),  # CSS only, as axe
    ])
    return store, store.run(run.id)


def test_findings_inside_an_out_of_scope_part_are_set_aside_and_said(audited):
    store, run = audited
    rule = ScopeRule(selector="#barre-cms", reason="Barre d'outils du CMS, vue des seuls rédacteurs")
    site = Site(id="ville", name="Ville", base_url=BASE, out_of_scope=(rule,))
    a = assess(store, run, site)
    assert a.problems == 1 and [f.selector for f in a.live] == ["main > img"]
    assert a.out_of_scope == ({"selector": "#barre-cms", "reason": rule.reason, "where": "", "findings": 2,
                               "pages": 1},)
    report = report_of(a, "fr")
    assert report["out_of_scope"][0]["reason"] == rule.reason and report["totals"]["problems"] == 1
    assert sarif.build(a)["runs"][0]["properties"]["outOfScope"][0]["selector"] == "#barre-cms"
    everything = assess(store, run, Site(id="ville", name="Ville", base_url=BASE))
    assert everything.problems == 3 and everything.out_of_scope == ()
    store.close()


def test_the_html_report_lists_the_part_with_its_reason(audited, tmp_path):
    from audit.reports import html

    store, run = audited
    site = Site(id="ville", name="Ville", base_url=BASE,
                out_of_scope=(ScopeRule(selector="#barre-cms", reason="Barre d'outils du CMS"),))
    text = html.render(report_of(assess(store, run, site), "fr"), "fr")
    assert 'id="hors-perimetre"' in text and "Barre d&#39;outils du CMS" in text and "#barre-cms" in text
    store.close()


def test_sites_yaml_out_of_scope_is_read_and_checked(tmp_path):
    good = ("sites:\n  - id: ville\n    name: Ville\n    base_url: https://ville.example\n    out_of_scope:\n"
            "      - selector: '#barre-cms'\n        reason: Barre d'outils du CMS\n")
    [site] = config.parse(good, str(tmp_path / "sites.yaml")).sites
    assert site.out_of_scope[0].selector == "#barre-cms" and site.out_of_scope[0].where.endswith(":6")
    with pytest.raises(config.ConfigError, match=r"sites\.yaml:6: sites\[0\]\.out_of_scope\[0\]\.reason: est obligatoire"):
        config.parse(good.replace("        reason: Barre d'outils du CMS\n", ""), str(tmp_path / "sites.yaml"))
    with pytest.raises(config.ConfigError, match=r"out_of_scope\[0\]\.selector: sélecteur CSS invalide"):
        config.parse(good.replace("'#barre-cms'", "'div[[['"), str(tmp_path / "sites.yaml"))


@pytest.mark.browser
def test_a_real_run_leaves_the_part_out_of_axe_and_of_every_count(static_server, chromium, tmp_path):
    from audit import runner
    from audit.model import CrawlPolicy

    site = Site(id="ville", name="Ville", base_url=static_server + "/scope/index.html",
                crawl=CrawlPolicy(sitemaps=False, max_pages=1, max_depth=0),
                out_of_scope=(ScopeRule(selector="#barre-cms", reason="Barre d'outils du CMS"),))
    with Store(tmp_path / "runs") as store:
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, screenshot=False))
        everything = list(store.findings(run))
        a = assess(store, run, site)
    axe_on_bar = [f for f in everything if f.source == Source.AXE and f.outcome == Outcome.FAILED
                  and "cms" in (f.snippet or "") + (f.selector or "")]
    assert axe_on_bar == []  # axe ran with the part excluded from its context
    assert all("cms.png" not in (f.snippet or "") and "x.png" not in (f.snippet or "") for f in a.live)
    assert any("photo.png" in (f.snippet or "") for f in a.live)  # the site's own image still counts
    [part] = a.out_of_scope
    assert part["selector"] == "#barre-cms" and part["findings"] >= 1  # our checks' findings there, set aside

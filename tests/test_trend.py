"""History across runs: series read from each run's assessed result, the text table, the accessible SVG chart
and its table."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from dataclasses import replace
from fractions import Fraction

import pytest
from lxml import html as lxml_html

from audit import cli, runner, trend
from audit.fingerprint import fingerprint
from audit.model import CrawlPolicy, Finding, Impact, Outcome, PageSnapshot, Site, Source
from audit.store import Store

SVG = "{http://www.w3.org/2000/svg}"


def finding(key: str, check: str, outcome: Outcome, impact: Impact | None, n: int, dismissed: bool = False):
    return Finding(check_id=check, source=Source.AXE, outcome=outcome, page_key=key, page_url=key, impact=impact,
                   selector=f"#e{n}", snippet=f'<p id="e{n}">', title=check, question="?" if outcome == "cant_tell"
                   else None, fingerprint=fingerprint(check, f"#e{n}", "<p>"),
                   extra={"dismissed": True} if dismissed else {})


def add_run(store: Store, site: str, day: str, counts: dict[str, int], status: str = "complete",
            errors: int = 0, cant_tell: int = 0, dismissed: int = 0):
    run = store.create_run(site, "https://www.example.org", {"site_name": "Ville de Bellerive"})
    time.sleep(0.011)
    key = "https://www.example.org/"
    found, n = [], 0
    for impact, count in counts.items():
        for _ in range(count):
            n += 1
            found.append(finding(key, f"axe:rule-{impact}", Outcome.FAILED, Impact(impact), n))
    for _ in range(cant_tell):
        n += 1
        found.append(finding(key, "axe:color-contrast", Outcome.CANT_TELL, Impact.SERIOUS, n))
    for _ in range(dismissed):
        n += 1
        found.append(finding(key, "axe:dismissed", Outcome.FAILED, Impact.CRITICAL, n, dismissed=True))
    found.append(finding(key, "axe:document-title", Outcome.PASSED, None, 0))
    store.save_page(run, PageSnapshot(key=key, url=key, status=200), found)
    store.save_page(run, PageSnapshot(key=key + "plan", url=key + "plan", status=200), [])
    for i in range(errors):
        store.save_page(run, PageSnapshot(key=f"{key}x{i}", url=f"{key}x{i}", error="HTTP 500"), [])
    store.set_status(run.id, status)
    with store.db:  # the test sets the dates the runs would have had
        store.db.execute("UPDATE runs SET started = ? WHERE id = ?", (f"{day}T02:00:00Z", run.id))
    return store.run(run.id)


def results(store: Store, site: str = "ville", last: int = 30) -> list:
    """The site's finished runs, assessed, oldest first: what ``a11y-audit trends`` reads (no config here: no
    registered sessions or verdicts)."""
    return cli._results(store, site, "no-such-sites.yaml", last=last)


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "runs") as s:
        add_run(s, "ville", "2026-11-01", {"critical": 5, "serious": 9, "moderate": 2}, cant_tell=4, errors=1)
        add_run(s, "ville", "2026-11-02", {"critical": 3, "serious": 8, "minor": 1}, cant_tell=3, dismissed=2)
        add_run(s, "ville", "2026-11-03", {"critical": 0, "serious": 6}, status="interrupted")
        add_run(s, "ville", "2026-11-04", {"critical": 1, "serious": 7, "moderate": 1}, cant_tell=1)
        add_run(s, "mairie", "2026-11-04", {"critical": 40})
        yield s


def test_series_counts_each_complete_run_oldest_first(store):
    runs = results(store)
    changes = store.db.total_changes
    assert [a.run.id for a in results(store)] == [a.run.id for a in runs]
    assert store.db.total_changes == changes  # the stored results are read again, not made again
    points = trend.series(runs)
    assert [p.started[:10] for p in points] == ["2026-11-01", "2026-11-02", "2026-11-04"]  # not the interrupted
    first, second, last = points
    assert first.by_impact == {"critical": 5, "serious": 9, "moderate": 2, "minor": 0}
    assert (first.failed, first.failed_checks, first.cant_tell, first.pages, first.page_errors) == (16, 3, 4, 2, 1)
    assert second.failed == 12 and second.by_impact["minor"] == 1  # the 2 dismissed ones do not count
    assert (last.failed, last.failed_checks) == (9, 3)
    assert [p.started[:10] for p in trend.series(results(store, last=2))] == ["2026-11-02", "2026-11-04"]
    assert trend.series(results(store, "nowhere")) == []


def test_rates_come_from_scoring_when_it_is_there(store):
    runs = results(store)
    points = trend.series(runs)
    # each run's own result: criteria NC over its sample and no rate while criteria are left to verify
    assert [p.nc_criteria for p in points] == [len(a.nc_criteria) for a in runs]
    assert all(p.rate is None and p.rate_text is None for p in points)
    assert all(not a.rates.valid for a in runs)
    table = trend.text_table(points)
    assert "Taux global" in table and table.splitlines()[-1].rstrip().endswith("non calculable")
    without = [replace(p, nc_criteria=None) for p in points]  # points without rates (none in this repository)
    assert "Taux global" not in trend.text_table(without)
    # the criteria and rate columns say where they come from: the run's report, on its RGAA sample
    assert trend.basis(points).startswith("Chaque ligne reprend les chiffres du rapport de l'audit")
    assert trend.basis(without) is None
    assert trend.basis(points) in trend.section(runs, "ville")["note"]


def test_text_table(store):
    text = trend.text_table(trend.series(results(store)))
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["Audit", "(UTC)", "Pages", "auditées"]
    assert lines[2].startswith("01/11/2026 02:00") and "(+1 en erreur)" in lines[2]
    assert lines[-1].startswith("04/11/2026 02:00")
    assert len({len(line) for line in lines[:1] + lines[2:]}) == 1  # aligned columns
    english = trend.text_table(trend.series(results(store)), lang="en")
    assert english.splitlines()[0].startswith("Run (UTC)") and "2026-11-04 02:00" in english
    assert "Aucun audit terminé" in trend.text_table([])


def _contrast(hex_color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_chart_is_an_accessible_image_followed_by_its_table(store):
    page = trend.render_html(results(store), "ville")
    doc = lxml_html.document_fromstring(page)
    assert doc.get("lang") == "fr"
    svg = doc.xpath("//*[local-name()='svg']")[0]
    assert svg.get("role") == "img" and svg.get("focusable") == "false"
    label_ids = svg.get("aria-labelledby").split()
    title, desc = (doc.get_element_by_id(i) for i in label_ids)
    assert title.tag.endswith("title") and desc.tag.endswith("desc")
    assert title.text == "Non-conformités détectées automatiquement, par gravité, sur 3 audits de Ville de Bellerive"
    assert "Du 01/11/2026 au 04/11/2026" in desc.text and "de 16 à 9" in desc.text
    assert "Critiques : de 5 à 1" in desc.text
    lines = svg.xpath(".//*[local-name()='polyline']")
    assert len(lines) == 4
    assert len({line.get("stroke-dasharray") for line in lines}) == 4  # not by colour alone
    for style in trend.STYLES.values():
        assert _contrast(style["color"]) >= 3.0, style
    labels = [t.text for t in svg.xpath(".//*[local-name()='text']") if t.text and " : " in t.text]
    assert sorted(labels) == ["Critiques : 1", "Graves : 7", "Mineures : 0", "Modérées : 1"]
    # The data table comes right after the chart, with the same numbers.
    region = svg.getnext()
    assert region.tag == "div" and region.get("tabindex") == "0" and region.get("role") == "region"
    table = region.find("table")
    assert region.get("aria-labelledby") == table.find("caption").get("id")
    assert table.find("caption").text == "Évolution par audit (mêmes données que le graphique)"
    heads = table.xpath("thead/tr/th")
    assert all(th.get("scope") == "col" for th in heads) and heads[0].text == "Audit (UTC)"
    rows = table.xpath("tbody/tr")
    assert [r.find("th").text for r in rows] == ["01/11/2026 02:00", "02/11/2026 02:00", "04/11/2026 02:00"]
    assert all(r.find("th").get("scope") == "row" for r in rows)
    assert [td.text for td in rows[0].findall("td")][:7] == ["2 (+1 en erreur)", "5", "9", "2", "0", "16", "3"]
    section = doc.xpath("//section[@class='tendances']")[0]
    assert section.get("aria-labelledby") == "tendances-ville-titre"
    assert doc.get_element_by_id("tendances-ville-titre").tag == "h2"


def test_empty_history_and_one_run(tmp_path):
    with Store(tmp_path / "runs") as store:
        data = trend.section(results(store), "ville")
        assert data["empty"] and data["chart"] is None
        page = trend.render_html(results(store), "ville")
        assert "Aucun audit terminé" in page and "<svg" not in page
        add_run(store, "ville", "2026-11-01", {"serious": 2})
        doc = lxml_html.document_fromstring(trend.render_html(results(store), "ville", lang="en"))
        assert doc.get("lang") == "en"
        desc = doc.xpath("//*[local-name()='desc']")[0].text
        assert desc.startswith("Run of 2026-11-01.") and "Serious: 2" in desc


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.mark.browser
def test_the_trend_page_passes_our_own_audit(store, tmp_path, chromium, monkeypatch):
    """The page people read is itself audited, in Chromium, with axe-core and our checks."""
    monkeypatch.setenv("A11Y_AUDIT_VNU", str(tmp_path / "no-vnu.jar"))  # no JVM here: keeps the test short
    folder = tmp_path / "site"
    folder.mkdir()
    trend.write_html(results(store), "ville", folder / "index.html")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        site = Site(id="tendances", name="Tendances", base_url=url,
                    crawl=CrawlPolicy(sitemaps=False, max_pages=1, max_depth=0, delay=0))
        with Store(tmp_path / "audit-runs") as audit_store:
            [run] = runner.run_sites([site], audit_store, runner.RunOptions(chromium=chromium, screenshot=False))
            found = list(audit_store.findings(run))
            pages = audit_store.pages(run)
    finally:
        server.shutdown()
        server.server_close()
    assert len(pages) == 1 and pages[0].error is None
    assert any(f.check_id.startswith("axe:") and f.outcome == Outcome.PASSED for f in found)
    # the city's legal mention (« Accessibilité : … conforme ») is asked of the city's pages, not of the tool's own
    failed = [(f.check_id, f.selector, f.message) for f in found
              if f.outcome == Outcome.FAILED and not f.check_id.startswith("legal-")]
    assert failed == []


def test_section_is_json_ready(store):
    import json

    data = trend.section(results(store), "ville")
    again = json.loads(json.dumps(data))
    assert [p["failed"] for p in again["series"]] == [16, 12, 9]
    assert again["series"][0]["failed_by_impact"]["critical"] == 5


def test_each_point_says_the_rates_of_its_own_result(store):
    """No rate is computed again for the trend: a point says the rates its run's assessed result holds."""
    runs = results(store)
    first = runs[0]
    scored = replace(first, rates=replace(first.rates, global_rate=Fraction(875, 10), nt_cells=0, nt_criteria=()))
    points = trend.series([scored, *runs[1:]])
    assert points[0].rate == Fraction(875, 10) and points[0].rate_text == "87,5\u00a0%"
    assert points[1].rate is None and points[1].rate_text is None
    assert trend.point_dict(points[0])["rate"] == 87.5


def test_a_failed_run_is_a_gap_never_zeros(store):
    run = store.create_run("ville", "https://www.example.org", {"site_name": "Ville de Bellerive"})
    store.fail_run(run.id, "unreachable", url="https://www.example.org", error="net::ERR_NAME_NOT_RESOLVED")
    with store.db:
        store.db.execute("UPDATE runs SET started = ? WHERE id = ?", ("2026-11-05T02:00:00Z", run.id))
    runs = results(store)
    assert runs[-1].failed and runs[-1].grid.pages == ()
    points = trend.series(runs)
    assert [p.started[:10] for p in points] == ["2026-11-01", "2026-11-02", "2026-11-04", "2026-11-05"]
    gap = points[-1]
    assert gap.failure and (gap.failed, gap.by_impact, gap.nc_criteria, gap.rate) == (0, {}, None, None)
    assert trend.text_table(points).splitlines()[-1].split()[2:4] == ["audit", "échoué"]
    assert "05/11/2026 02:00, sans chiffres (ce n'est pas zéro) — Audit échoué" in trend.basis(points)
    chart = trend.section(runs, "ville")["chart"]
    assert len(chart["gaps"]) == 1 and "1 audit échoué" in chart["desc"]
    assert all(len(line["points"].split()) == 3 for line in chart["lines"])  # no point for the failed run
    assert [line["last"] for line in chart["lines"]] == [1, 7, 1, 0]  # the last run that audited something


def test_trends_are_in_one_language(tmp_path):
    """The table, the chart's texts and the stand-alone page in the language asked for."""
    from test_summary import bilingual, foreign

    with Store(tmp_path / "runs") as store:
        runs = [bilingual(store), bilingual(store)]
    for lang in ("fr", "en"):
        points = trend.series(runs, lang)
        texts = [trend.text_table(points, lang), trend.render_html(runs, "ville", lang)]
        assert all(foreign(text, lang) == [] for text in texts), lang
    assert "Trend across runs" in trend.render_html(runs, "ville", "en")

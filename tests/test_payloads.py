"""Safe outputs: untrusted text (page titles, alt texts, link hrefs, snippets, URLs, tester text) carrying
script/HTML/Markdown/CSV payloads (tests/fixtures/payloads/payloads.txt) never comes out live.

A real run audits a page of the fault server where every payload sits in the places a site puts text;
testers file payloads through the real form; then every renderer under audit/reports/ (discovered: a new
module fails this test until it is added below) writes its outputs, and each output is checked in its
own language: HTML parsed with lxml and opened in Chromium, Markdown rendered with markdown-it, CSV read
back, JSON / XML parsed.
"""

from __future__ import annotations

import asyncio
import csv
import importlib
import io
import json
import pkgutil
import re
from pathlib import Path

import pytest
import yaml
from faults import FaultServer, payloads
from lxml import etree
from lxml import html as lxml_html

from audit import reports, runner
from audit.model import CrawlPolicy, DeclarationFacts, SamplePage, Site
from audit.store import Store

pytestmark = pytest.mark.browser

PAYLOADS = payloads()
SCRIPT = "<script>alert(1)</script>"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcdoc",
                  "ping", "cite", "longdesc", "manifest", "codebase"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application", "data:image/svg")
DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta"}
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")

# Every renderer module under audit/reports/ and what it writes. A new module must be added here.
RENDERERS = {"declaration", "grid", "html", "json", "junit", "plan", "remediation", "sarif", "summary"}

PROTOCOL = """\
id: piege
title: Tâche piégée
audience: keyboard
site: payloads
start: /payloads
tasks:
  - id: lire
    title: Lire la page
    steps: [Ouvrez la page., Lisez-la.]
    success: Vous avez lu la page.
    time_limit: 5
    pages: [{name: Page piégée, path: /payloads}]
    rgaa: ["1.1"]
"""


# --- checks, one a language ------------------------------------------------------------------------


def _url_value(value: str) -> str:
    """What a browser sees of a URL attribute: no whitespace or control characters, lower case."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def unsafe_html(text: str | bytes) -> list[str]:
    """Live markup in an HTML document: script-like elements, on* handlers, javascript: URLs."""
    doc = lxml_html.document_fromstring(text)
    problems = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in DANGEROUS_TAGS and not (tag == "meta" and not el.get("http-equiv")) and tag != "link":
            problems.append(f"<{tag}> element")
        if tag == "link" and (el.get("rel") or "").lower() in ("import", "preload", "modulepreload"):
            problems.append("<link rel=import/preload>")
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if lname in URL_ATTRIBUTES and _url_value(value).startswith(DANGEROUS_SCHEMES):
                problems.append(f"<{tag} {name}={value[:40]!r}>")
            if lname == "style" and ("expression(" in value.lower() or "javascript:" in _url_value(value)):
                problems.append(f"<{tag} style={value[:40]!r}>")
    return problems


def _markdown_html(text: str) -> str:
    """Markdown as a permissive renderer shows it: raw HTML kept, every link scheme allowed."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True
    return md.render(text)


def unsafe_markdown(text: str) -> list[str]:
    return unsafe_html("<html><body>" + _markdown_html(text) + "</body></html>")


def unsafe_csv(text: str) -> list[str]:
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    return [f"row {r}: {cell[:40]!r}" for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=dialect))
            for cell in row if cell.startswith(CSV_FORMULA)]


def unsafe_xml(data: bytes) -> list[str]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return [f"<{el.tag}> element" for el in root.iter() if isinstance(el.tag, str)
            and etree.QName(el).localname.lower() in DANGEROUS_TAGS]


def unsafe_json(text: str) -> list[str]:
    data = json.loads(text)
    problems = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "markdown" and isinstance(item, str):  # SARIF: GitHub renders these
                    problems.extend(f"{path}.markdown: {p}" for p in unsafe_markdown(item))
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(data, "$")
    return problems


def check_file(path: Path) -> list[str]:
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".html":
        return unsafe_html(data)
    if suffix == ".md":
        return unsafe_markdown(data.decode("utf-8"))
    if suffix == ".csv":
        return unsafe_csv(data.decode("utf-8-sig"))
    if suffix in (".json", ".sarif"):
        return unsafe_json(data.decode("utf-8"))
    if suffix == ".xml":
        return unsafe_xml(data)
    return []


def _text_of(path: Path) -> str:
    """What a reader of the file sees as text (payloads should be there, as text)."""
    data = path.read_bytes()
    if path.suffix == ".html":
        return lxml_html.document_fromstring(data).text_content()
    if path.suffix == ".md":
        return lxml_html.document_fromstring("<html><body>" + _markdown_html(data.decode()) + "</body></html>"
                                             ).text_content()
    if path.suffix == ".xml":
        return "".join(etree.fromstring(data).itertext()) + " ".join(
            v for el in etree.fromstring(data).iter() for v in el.attrib.values())
    return data.decode("utf-8-sig", "replace")


# --- the checkers themselves are tested on known-bad input ---------------------------------------


@pytest.mark.parametrize("bad", [
    "<p><script>alert(1)</script></p>", '<img src="x" onerror="alert(1)">', '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>', "<iframe srcdoc='x'></iframe>", '<svg><a xlink:href="javascript:x">',
    '<form><button formaction="javascript:alert(1)">x</button></form>', "<div style='x:expression(alert(1))'>",
])
def test_the_html_checker_catches_live_markup(bad):
    assert unsafe_html(f"<html><body>{bad}</body></html>")


@pytest.mark.parametrize("bad", ["[x](javascript:alert(1))", "<img src=x onerror=alert(1)>",
                                 "<script>alert(1)</script>", "![x](javascript:alert(1))"])
def test_the_markdown_checker_catches_live_markup(bad):
    assert unsafe_markdown(bad)


def test_the_markdown_checker_accepts_escaped_text():
    from audit.reports.remediation import markdown_text as _md

    assert [p for p in PAYLOADS if unsafe_markdown(_md(p))] == []


def test_the_csv_checker_catches_formulas():
    assert unsafe_csv("a;b\r\n=cmd|' /C calc'!A0;x\r\n") and not unsafe_csv("a;b\r\n'=1+1;x\r\n")


# --- the run ---------------------------------------------------------------------------------------------


def _tester_session(tmp: Path) -> Path:
    """A session filed through the real form, every text field a payload."""
    from audit.form import create_app

    protocol = tmp / "protocole.yaml"
    protocol.write_text(PROTOCOL, encoding="utf-8")
    sessions = tmp / "sessions"
    app = create_app(protocol, sessions, rate_limit=10_000)
    client = app.test_client()
    pages = []

    def token(html: str) -> str:
        return lxml_html.fromstring(html).xpath("//input[@name='jeton']/@value")[0]

    first = client.get("/")
    start = {"jeton": token(first.text), "pseudonyme": '"><img src=x onerror=alert(1)>',
             "at": SCRIPT, "at_version": "{{7*7}}", "navigateur": "=cmd|' /C calc'!A0",
             "navigateur_version": "[x](javascript:alert(1))", "systeme": "</textarea><script>alert(1)</script>",
             "reglages": "\u202egnp.exe"}
    answer = client.post("/", data=start)
    assert answer.status_code == 303, answer.text
    task_url = answer.headers["Location"].split("?")[0]
    sid = task_url.split("/")[2]
    task = client.get(task_url)
    pages.append(task.text)
    barrier = {"jeton": token(task.text), "resultat": "not-completed", "difficulte": "5", "duree": "3",
               "bloque": SCRIPT + " " + PAYLOADS[1], "barrieres": "1", "b0_page": "autre",
               "b0_autre": "javascript:alert(1)", "b0_description": " ".join(PAYLOADS)[:1900],
               "b0_impact": "bloquant", "b0_critere": "1.1", "b0_element": '"><svg onload=alert(1)>'}
    saved = client.post(task_url, data=barrier)
    assert saved.status_code == 303, saved.text
    end = client.get(f"/s/{sid}/fin")
    done = client.post(f"/s/{sid}/fin", data={"jeton": token(end.text), "commentaires": "\n".join(PAYLOADS)})
    assert done.status_code == 303, done.text
    for url in (f"/s/{sid}/resume", f"/s/{sid}/tache/1", f"/s/{sid}/debut", f"/s/{sid}/fin"):
        pages.append(client.get(url).text)
    (tmp / "form-pages.json").write_text(json.dumps(pages), encoding="utf-8")
    return sessions


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, chromium):
    from audit import baseline, trend
    from audit.assessment import Inputs, assess
    from audit.reports import declaration, grid, html, junit, plan, remediation, sarif, summary
    from audit.reports import json as json_report

    tmp = tmp_path_factory.mktemp("payloads")
    sessions = _tester_session(tmp)
    with FaultServer() as server:
        site = Site(
            id="payloads", name="Ville <script>alert(1)</script>", base_url=server.url + "/payloads",
            pages=(SamplePage(name="Page piégée", path="/payloads"),
                   SamplePage(name=PAYLOADS[1], path='/ok/"><svg onload=alert(1)>'),
                   SamplePage(name="=cmd|' /C calc'!A0", path="/ok/x?q=<script>alert(1)</script>")),
            crawl=CrawlPolicy(max_depth=0, sitemaps=False),
            declaration=DeclarationFacts(entity="Mairie " + SCRIPT, contact_email="accessibilite@example.org",
                                         technologies=("HTML5", "<b>CSS</b>")),
        )
        store = Store(tmp / "runs")
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=60, screenshot=True))
    out = tmp / "out"
    # one assessed result, the tester's session with it: every renderer reads the same payloads
    a = assess(store, run, site, Inputs(sessions=(str(sessions),)))
    assert a.sessions == 1
    report = reports.report_of(a)
    written = [html.write(report, run.folder, out, "fr"), json_report.write(report, out),
               junit.write(a, out), sarif.write(a, out)]
    written += remediation.write(report, run.folder, out / "remediation")
    written.append(grid.write(a.grid, out / "grille.csv"))
    written += declaration.write(declaration.declare(site, a), out / "declaration")
    written += declaration.write(declaration.declare(site, a, lang="en"), out / "declaration")
    # the manager's plan: owners and dates are typed by a person, payloads included
    items = {i.id: {"owner": SCRIPT, "due": "2027-01-31", "state": "doing"} for i in a.issues}
    for lang in ("fr", "en"):
        written += plan.write(plan.build(a, items, 2026, lang=lang), out / "plan")
    comparison = baseline.compare_entries(a, [], fail_on="minor")
    (out / "summary.md").write_text(summary.render(comparison, a), encoding="utf-8")
    written += [out / "summary.md", trend.write_html([a], site.id, out / "trends.html")]
    (out / "report-en.html").write_text(html.render(report, "en"), encoding="utf-8")
    written.append(out / "report-en.html")
    forms = json.loads((tmp / "form-pages.json").read_text(encoding="utf-8"))
    for i, page in enumerate(forms):
        (out / f"form-{i}.html").write_text(page, encoding="utf-8")
        written.append(out / f"form-{i}.html")
    return {"store": store, "run": run, "out": out, "files": written, "report": report}


def test_every_renderer_is_covered():
    found = {m.name for m in pkgutil.iter_modules(reports.__path__)}
    assert found - RENDERERS == set(), "a new renderer: add it to RENDERERS and to the outputs fixture"
    for name in RENDERERS & found:
        importlib.import_module(f"audit.reports.{name}")


def test_the_payload_page_was_audited(outputs):
    pages = outputs["store"].pages(outputs["run"])
    payload_page = next(p for p in pages if p.url.endswith("/payloads"))
    assert payload_page.error is None and SCRIPT in payload_page.title
    snippets = [f.snippet or "" for f in outputs["store"].findings(outputs["run"])]
    assert any("onerror=alert(1)" in s for s in snippets), "payloads reached the findings' snippets"


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv", ".json", ".sarif", ".xml"])
def test_no_payload_survives_unescaped(outputs, suffix):
    files = [p for p in outputs["out"].rglob("*") if p.is_file() and p.suffix == suffix]
    if suffix != ".sarif":
        assert files, f"no {suffix} output written"
    problems = {str(p.relative_to(outputs["out"])): check_file(p) for p in files}
    assert {name: found[:5] for name, found in problems.items() if found} == {}


def test_payloads_are_shown_as_text_not_dropped(outputs):
    """Escaping, not deleting: the report shows the page title with its payload as text."""
    report = outputs["out"] / "rapport.html"
    assert SCRIPT in _text_of(report)
    shown = "\n".join(_text_of(p) for p in outputs["out"].rglob("*.html"))
    assert [p for p in PAYLOADS if p.strip() and p.strip() not in shown and p not in shown] == []


BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ALL_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidi_controls_from_pages_are_shown_not_applied(outputs):
    """"\u202egnp.exe" displays as "exe.png" and reorders the rest of its line: in the reports (not the
    form, where what a tester typed is given back as typed) such controls are written out visibly."""
    files = [p for p in outputs["out"].rglob("*") if p.suffix in (".html", ".md", ".csv")
             and not p.name.startswith("form-")]
    assert files
    found = {str(p.relative_to(outputs["out"])): len(BIDI_CONTROLS.findall(_text_of(p))) for p in files}
    assert {name: n for name, n in found.items() if n} == {}
    assert "‹U+202E›gnp.exe" in _text_of(outputs["out"] / "rapport.html")
    assert "admin‹U+202E›‹U+2066› ‹U+2069›" in _text_of(outputs["out"] / "rapport.html")


def test_every_text_path_of_the_renderers_shows_every_bidi_control():
    """The shared helper, through each renderer's own escaping: every control, marks included, comes out as
    ‹U+XXXX›, and what it would have hidden (a Markdown link, a CSV formula) stays inert."""
    from markupsafe import Markup

    from audit.reports import html, remediation, summary, visible_controls
    from audit.reports.grid import neutralise

    text = f"a{ALL_BIDI}b"
    expected = "a" + "".join(f"‹U+{ord(c):04X}›" for c in ALL_BIDI) + "b"
    assert visible_controls(text) == expected and visible_controls("plain é") == "plain é"
    assert isinstance(visible_controls(Markup(text)), Markup) and visible_controls(None) is None
    assert html.environment().from_string("<p title='{{ x }}'>{{ x }}{{ y }}</p>").render(x=text, y=Markup(text)) \
        == f"<p title='{expected}'>{expected}{expected}</p>"
    md = remediation.markdown_environment().from_string("{{ x }} {{ x|code }} [l]({{ x|url }})").render(x=text)
    assert BIDI_CONTROLS.search(md) is None and md.count("‹U+202E›") == 3
    for rendered in (summary.md_text(text), summary.md_code(text)):
        assert BIDI_CONTROLS.search(rendered) is None and "‹U+061C›" in rendered
    assert neutralise("\u202e=cmd|' /C calc'!A0") == "‹U+202E›=cmd|' /C calc'!A0"
    assert neutralise("=1+1\u200f") == "'=1+1‹U+200F›"
    assert not unsafe_markdown(remediation.markdown_text("\u202e(javascript:alert(1))")) and not unsafe_markdown(
        summary.md_text("[x]\u202e(javascript:alert(1))"))


def test_json_keeps_the_text_exactly(outputs):
    data = json.loads((outputs["out"] / "report.json").read_text(encoding="utf-8"))
    assert SCRIPT in json.dumps(data, ensure_ascii=False)
    assert "{{7*7}}" in json.dumps(data, ensure_ascii=False) and "49" not in json.dumps(
        [p.get("title") for p in data.get("pages", []) if isinstance(p, dict)], ensure_ascii=False)


def test_no_output_runs_a_script_in_chromium(outputs, chromium):
    """Each HTML output opened in Chromium: no dialog, no script element, no request to the payloads' x."""
    from playwright.async_api import async_playwright

    async def visit(paths: list[Path]) -> dict[str, list[str]]:
        seen: dict[str, list[str]] = {}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            page = await browser.new_page()
            events: list[str] = []
            page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), asyncio.ensure_future(d.dismiss())))
            page.on("request", lambda r: events.append(f"request {r.url}") if r.url.endswith("/x") else None)
            for path in paths:
                events.clear()
                await page.goto(path.as_uri(), wait_until="load")
                await page.wait_for_timeout(150)
                scripts = await page.evaluate("() => document.querySelectorAll('script').length")
                seen[path.name] = [*events, *([f"{scripts} script element(s)"] if scripts else [])]
            await browser.close()
        return seen

    paths = sorted(outputs["out"].rglob("*.html"))
    seen = asyncio.run(visit(paths))
    assert {name: found for name, found in seen.items() if found} == {}


def test_tester_text_round_trips_through_yaml_unchanged(outputs, tmp_path):
    """The saved session is plain YAML (safe_dump / safe_load): payloads come back as the same strings."""
    files = list((outputs["out"].parent / "sessions").glob("*.yaml"))
    assert len(files) == 1
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert data["pseudonym"] == '"><img src=x onerror=alert(1)>'
    assert data["environment"]["assistive_technology"] == SCRIPT

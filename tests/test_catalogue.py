"""audit/catalogue.py: the axe-core metadata reader, the check listing, the RGAA coverage, docs/checks.md."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from audit import catalogue, words
from audit.catalogue import AXE, OURS, CatalogueError, Entry
from audit.checks import load_checks
from audit.standards import CRITERIA, TESTS, WCAG_SC

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "checks.md"


@pytest.fixture(scope="module")
def axe():
    try:
        return catalogue.axe_catalogue()
    except CatalogueError as exc:
        pytest.skip(f"axe-core is not installed (run `npm ci`): {exc}")


# --- reading axe-core's metadata --------------------------------------------------------------


def test_a_file_that_is_not_axe_is_one_clear_error(tmp_path):
    path = tmp_path / "axe.min.js"
    path.write_text('/*! not axe */ window.x = {rules: 1};', encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        catalogue.axe_catalogue(path)
    assert str(info.value).startswith(f"{path}: ") and "npm ci" in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(CatalogueError, match="lecture d'axe-core impossible"):
        catalogue.axe_catalogue(tmp_path / "absent.js")


def test_axe_metadata_matches_axe_itself(axe):
    """The catalogue's rules are the script's own rules: each id, tag, impact and help axe keeps internally."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the Makefile installs it with axe-core)")
    script = ("const axe = require(process.argv[1]);"
              "const help = Object.fromEntries(axe.getRules().map(r => [r.ruleId, r.help]));"
              "console.log(JSON.stringify({tagExclude: axe._audit.tagExclude, version: axe.version,"
              " rules: axe._audit.rules.map(r => ({id: r.id, impact: r.impact || null, tags: r.tags,"
              " help: help[r.id]}))}));")
    out = subprocess.run([node, "-e", script, axe.path], capture_output=True, text=True, timeout=60, check=True)
    real = json.loads(out.stdout)
    assert axe.version == real["version"]
    assert list(axe.tag_exclude) == real["tagExclude"]
    assert len(axe.rules) == len(real["rules"]) > 90
    mine = {r.id: {"id": r.id, "impact": r.impact, "tags": list(r.tags), "help": r.help} for r in axe.rules}
    assert mine == {r["id"]: r for r in real["rules"]}
    by_id = {r.id: r for r in axe.rules}
    assert by_id["image-alt"].impact == "critical" and by_id["image-alt"].enabled
    assert not by_id["css-orientation-lock"].enabled  # experimental: axe.getRules() says it does not run by default


def _axe_copy(tmp_path: Path, axe) -> Path:
    """A copy of the pinned axe-core (script and locales) under another path, so no cached answer applies."""
    folder = tmp_path / "axe-core"
    shutil.copytree(Path(axe.path).parent / "locales", folder / "locales")
    shutil.copy(axe.path, folder / "axe.min.js")
    return folder / "axe.min.js"


def test_axe_metadata_is_cached_per_script_content(axe, tmp_path, monkeypatch):
    """Node runs once per axe.min.js content; the answer lives in the user's cache folder, not the repository."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = []
    real_run = catalogue._run_axe
    monkeypatch.setattr(catalogue, "_run_axe", lambda file: calls.append(file) or real_run(file))
    copy = _axe_copy(tmp_path, axe)
    first = catalogue.axe_catalogue(copy)
    assert len(calls) == 1 and first.rules == axe.rules and first.version == axe.version
    cached = list((tmp_path / "cache" / "a11y-audit").glob("axe-rules-*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text(encoding="utf-8"))["format"] == 1
    # another process (no lru_cache) with the same script: no Node, even when there is no Node at all
    monkeypatch.setattr(catalogue, "_node", lambda: None)
    catalogue._axe_catalogue.cache_clear()
    assert catalogue.axe_catalogue(copy).rules == axe.rules and len(calls) == 1
    # a changed script is another key: it is asked again (and here, without Node, that is one clear error)
    copy.write_bytes(copy.read_bytes() + b"\n// patched\n")
    catalogue._axe_catalogue.cache_clear()
    with pytest.raises(CatalogueError, match="Node.js introuvable"):
        catalogue.axe_catalogue(copy)
    assert len(calls) == 2
    catalogue._axe_catalogue.cache_clear()


def test_without_node_one_clear_french_error(axe, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(catalogue, "_node", lambda: None)
    copy = _axe_copy(tmp_path, axe)
    with pytest.raises(CatalogueError) as info:
        catalogue.axe_catalogue(copy)
    message = str(info.value)
    assert message.startswith(f"{copy}: Node.js introuvable (commande `node`)") and "npm ci" in message
    assert "\n" not in message
    catalogue._axe_catalogue.cache_clear()


@pytest.mark.browser
def test_selected_rules_are_the_rules_a_run_executes(axe, chromium, static_server, tmp_path):
    """A real gather (same options as a run): every rule in axe.json is one the catalogue lists."""
    from audit.browser import AXE_EXTRA_RULES, AXE_TAGS, Browser, GatherOptions
    from audit.model import PageRef

    async def main():
        async with Browser(chromium, GatherOptions(screenshot=False, probes=False)) as browser:
            return await browser.gather(PageRef(url=f"{static_server}/pages/failed-axe-basics.html"), tmp_path)

    snap = asyncio.run(main())
    assert snap.error is None, snap.error
    raw = json.loads((tmp_path / snap.files["axe"]).read_text(encoding="utf-8"))
    ran = {rule["id"] for group in ("violations", "incomplete", "passes", "inapplicable") for rule in raw[group]}
    assert ran == {r.id for r in axe.selected(AXE_TAGS, AXE_EXTRA_RULES)}


# --- the listing ------------------------------------------------------------------------------


def test_entries_cover_our_checks_and_the_axe_rules_run(axe):
    from audit.browser import AXE_EXTRA_RULES, AXE_TAGS

    items = catalogue.entries(axe)
    ids = [e.id for e in items]
    assert len(ids) == len(set(ids))
    assert {e.id for e in items if e.source == OURS} == set(load_checks())
    assert {e.id for e in items if e.source == AXE} == {f"axe:{r.id}" for r in axe.selected(AXE_TAGS, AXE_EXTRA_RULES)}
    image = next(e for e in items if e.id == "axe:image-alt")
    assert image.rgaa_tests == ("1.1.1",) and "1.1.1" in image.wcag and not image.conclusive
    assert image.title == "Les images doivent avoir une alternative textuelle"  # axe-core's French locale
    assert image.title_en == "Images must have alternative text"
    assert image.help_url == f"https://dequeuniversity.com/rules/axe/{'.'.join(axe.version.split('.')[:2])}/image-alt"


def test_our_checks_declare_known_references():
    """Every check of ours names RGAA 4.1.2 tests and WCAG 2.2 A/AA criteria that exist."""
    problems = []
    for chk in load_checks().values():
        problems += [f"{chk.id}: unknown RGAA test {t}" for t in chk.rgaa_tests if t not in TESTS]
        problems += [f"{chk.id}: WCAG {sc} is not a WCAG 2.2 A/AA criterion" for sc in chk.wcag if sc not in WCAG_SC]
        if chk.conclusive and not chk.rgaa_tests:
            problems.append(f"{chk.id}: conclusive but decides no RGAA test")
    assert not problems, "\n".join(problems)


def test_table(axe):
    items = catalogue.entries(axe)
    lines = catalogue.list_checks("table").splitlines()
    assert lines[0].split()[:3] == ["identifiant", "source", "titre"]
    assert set(lines[1]) == {"-", " "}
    assert len(lines) == 2 + len(items)
    row = next(line for line in lines if line.startswith("axe:image-alt "))
    assert "axe-core" in row and "1.1.1" in row and "critique" in row and row.rstrip().endswith("non")
    english = catalogue.list_checks("table", lang="en").splitlines()
    assert english[0].split()[:3] == ["id", "source", "title"]
    assert next(line for line in english if line.startswith("axe:image-alt ")).rstrip().endswith("no")


def test_json(axe):
    data = json.loads(catalogue.list_checks("json"))
    assert data["schema_version"] == 1 and data["rgaa"] == "4.1.2" and data["axe_core"] == axe.version
    by_id = {c["id"]: c for c in data["checks"]}
    assert len(by_id) == len(data["checks"]) == len(catalogue.entries(axe))
    for chk in load_checks().values():
        item = by_id[chk.id]
        assert item["source"] == "ours" and item["title"] == chk.title and item["title_en"] == words.gettext(chk.title, "en")
        assert item["rgaa_tests"] == list(chk.rgaa_tests) and item["conclusive"] == chk.conclusive
        assert item["rgaa_criteria"] == sorted({TESTS[t] for t in chk.rgaa_tests if t in TESTS},
                                               key=lambda c: tuple(map(int, c.split("."))))
    assert by_id["axe:frame-title"]["rgaa_criteria"] == ["2.1"]
    assert json.loads(catalogue.list_checks("json", lang="en"))["checks"][0]["title"] == data["checks"][0]["title_en"]


def test_unknown_format_and_language():
    with pytest.raises(ValueError, match="table, json, md"):
        catalogue.list_checks("xml")
    with pytest.raises(ValueError, match="fr or en"):
        catalogue.list_checks("table", lang="de")


# --- coverage ---------------------------------------------------------------------------------


def _entry(cid: str, tests: tuple[str, ...], *, source: str = OURS, conclusive: bool = False,
           wcag: tuple[str, ...] = ()) -> Entry:
    return Entry(id=cid, source=source, title=cid, title_en=cid, rgaa_tests=tests, wcag=wcag, impact="serious",
                 evidence=("dom",), conclusive=conclusive)


def test_coverage_counts_a_criterion_when_one_check_targets_one_of_its_tests(axe):
    items = [_entry("title", ("8.5.1",), conclusive=True, wcag=("2.4.2",)),
             _entry("lang", ("8.3.1", "8.4.1"), wcag=("3.1.1",)),
             _entry("axe:x", ("8.3.1",), source=AXE),
             _entry("typo", ("8.55.1",), wcag=("2.4.99",)),
             _entry("none", ())]
    report = catalogue.coverage("fr", items)
    assert (report.covered, report.total) == (3, 106)
    assert (report.tests_covered, report.tests_total, report.tests_conclusive) == (3, 258, 1)
    assert (report.covered_by_ours, report.covered_by_axe, report.ours, report.axe) == (3, 1, 4, 1)
    by_id = {c.id: c for c in report.criteria}
    assert by_id["8.3"].by_test == (("8.3.1", ("lang", "axe:x")),) and by_id["8.3"].checks == ("lang", "axe:x")
    assert by_id["8.5"].conclusive_tests == ("8.5.1",) and not by_id["8.3"].conclusive_tests
    assert not by_id["8.6"].covered
    theme8 = next(t for t in report.themes if t.number == 8)
    assert (theme8.covered, theme8.total, theme8.title) == (3, 10, "Éléments obligatoires")
    assert sum(t.total for t in report.themes) == 106
    assert report.unknown_tests == (("typo", "8.55.1"),)
    assert report.unknown_wcag == (("typo", "2.4.99"),)

    text = catalogue.render_coverage(report)
    assert text.startswith("Couverture automatique du RGAA 4.1.2 : 3 / 106 critères\n")
    assert "Thème 8 — Éléments obligatoires : 3 / 10" in text
    assert "8.5.1 * : title" in text and "8.3.1 : lang, axe:x" in text
    assert "8.55.1 (typo)" in text
    english = catalogue.render_coverage(catalogue.coverage("en", items))
    assert english.startswith("Automated coverage of RGAA 4.1.2: 3 / 106 criteria\n")
    assert "Theme 8 — Mandatory elements: 3 / 10" in english
    data = json.loads(catalogue.render_coverage(report, "json"))
    assert data["covered"] == 3 and data["criteria"][0]["id"] == "1.1"
    assert next(c for c in data["criteria"] if c["id"] == "8.3")["tests"] == {"8.3.1": ["lang", "axe:x"]}


def test_coverage_of_the_real_catalogue(axe):
    items = catalogue.entries(axe)
    report = catalogue.coverage()
    expected = {TESTS[t] for e in items for t in e.rgaa_tests if t in TESTS}
    assert {c.id for c in report.criteria if c.covered} == expected
    assert report.covered == len(expected) and report.total == len(CRITERIA) == 106
    assert report.covered_by_axe >= 20  # axe-core 4.14 alone maps its rules to ~27 criteria
    assert not report.unknown_tests, report.unknown_tests
    assert f": {report.covered} / 106 critères" in catalogue.render_coverage(report).splitlines()[0]
    assert "axe:region" not in report.axe_rgaa_not_run  # best practice, enabled by id (AXE_EXTRA_RULES)
    assert "axe:css-orientation-lock" not in report.axe_rgaa_not_run  # experimental, enabled by id


# --- docs/checks.md ---------------------------------------------------------------------------


def test_markdown_is_safe_and_structured(axe):
    text = catalogue.list_checks("md")
    assert text.startswith("# Contrôles automatiques et couverture du RGAA\n")
    assert "*English:*" in text
    assert "<area>" not in text and "&lt;area&gt;" in text  # axe titles never become raw HTML
    headings = [line for line in text.splitlines() if line.startswith("#")]
    levels = [len(h) - len(h.lstrip("#")) for h in headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), headings
    for line in text.splitlines():
        if line.startswith("| "):
            assert line.endswith(" |")
    assert catalogue.list_checks("md", lang="en").startswith("# Automated checks and RGAA coverage\n")


def test_docs_checks_md_is_current(axe):
    expected = catalogue.list_checks("md")
    actual = DOCS.read_text(encoding="utf-8") if DOCS.is_file() else ""
    if actual != expected:
        new, old = expected.splitlines(), actual.splitlines()
        first = next((i for i, (x, y) in enumerate(zip(new, old, strict=False)) if x != y), min(len(new), len(old)))
        pytest.fail(f"docs/checks.md is out of date (a check was added or changed; first difference at line "
                    f"{first + 1}): run `{catalogue.REGENERATE}` in {REPO} and commit the result", pytrace=False)


def test_write_docs(axe, tmp_path):
    path = catalogue.write_docs(tmp_path / "docs" / "checks.md")
    assert path.read_text(encoding="utf-8") == catalogue.list_checks("md")

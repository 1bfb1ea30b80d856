"""Shared by tests/test_checks_*.py: the HTML fixtures of our RGAA checks and how to run them.

Each fixture under tests/fixtures/checks/<theme>/ is named after its expected outcome
(``passed-``, ``failed-``, ``inapplicable-``, ``cant_tell-``) and names the checks it is about in a comment:
``<!-- checks: rgaa-1.1-img-alt ... -->``, plus other expectations on the same page in
``<!-- also: rgaa-1.2-decorative=passed ... -->``.

``theme_tests`` makes the five tests every theme runs on its fixtures; a theme's test module binds them to
module-level names so pytest collects them there. Two older fixture conventions have their own makers, bound
the same way: ``page_fixture_tests`` (themes 3.1, 4 and 13, with tests/test_checks_forms.py's helpers) and
``probe_fixture_tests`` (themes 7, 10 and 12, whose checks read in-browser probes, with
tests/test_probes.py's).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from audit import standards, words
from audit.checks import Evidence, load_checks, run_checks, run_page_checks
from audit.model import Outcome, PageRef, PageSnapshot, worst

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
THEMES = ("images", "frames", "tables", "links", "mandatory", "structure")
OUTCOMES = tuple(o.value for o in Outcome)


@dataclass(frozen=True)
class Fixture:
    path: Path
    outcome: str
    expected: dict[str, str]  # check id -> outcome

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def clean(self) -> bool:
        return self.outcome in ("passed", "inapplicable")


def fixtures(theme: str | None = None) -> list[Fixture]:
    out = []
    for path in sorted(p for t in ((theme,) if theme else THEMES) for p in (FIXTURES / t).glob("*.html")):
        outcome = path.name.split("-", 1)[0]
        assert outcome in OUTCOMES, f"{path}: the file name must start with an outcome"
        text = path.read_text(encoding="utf-8")
        checks = re.search(r"<!-- checks: ([^>]*?) -->", text)
        assert checks, f"{path}: no <!-- checks: ... --> comment"
        expected = {cid: outcome for cid in checks.group(1).split()}
        also = re.search(r"<!-- also: ([^>]*?) -->", text)
        for item in also.group(1).split() if also else ():
            cid, _, value = item.partition("=")
            assert value in OUTCOMES, f"{path}: bad expectation {item}"
            expected[cid] = value
        out.append(Fixture(path, outcome, expected))
    return out


def module_checks(module: str) -> set[str]:
    return {cid for cid, chk in load_checks().items() if chk.module == f"audit.checks.{module}"}


def evidence(path: Path, folder: Path, url: str | None = None, content_type: str = "text/html; charset=utf-8"
             ) -> Evidence:
    """The fixture as gather would have saved it without a browser: the same file as source and DOM."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / "source.html")
    # Chromium's serialisation of the DOM never keeps an XML declaration
    dom = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", path.read_text(encoding="utf-8"))
    (folder / "dom.html").write_text(dom, encoding="utf-8")
    url = url or f"http://127.0.0.1:8000/{path.parent.name}/{path.name}"
    snap = PageSnapshot(key=url, url=url, status=200, content_type=content_type,
                        files={"source": "source.html", "dom": "dom.html"})
    return Evidence(snap, folder)


def outcomes(findings) -> dict[str, str]:
    """Check id -> the worst outcome of its findings on the page."""
    by_check: dict[str, list] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f.outcome)
    return {cid: worst(values).value for cid, values in by_check.items()}


def describe(findings, check_id: str) -> str:
    return "\n".join(f"  {f.outcome} {f.selector} {f.message}" for f in findings if f.check_id == check_id)


def run_fixture(fixture: Fixture, tmp_path: Path, only: set[str] | None = None):
    return run_page_checks(evidence(fixture.path, tmp_path / "page"), only=only)


def gather(chromium: str, urls: list[str], tmp_path: Path):
    """Real Chromium: gather each URL with audit.browser.Browser and run every check on the snapshot."""
    from audit.browser import Browser, GatherOptions

    async def main():
        async with Browser(chromium, GatherOptions(screenshot=False, probes=False)) as browser:
            out = []
            for i, url in enumerate(urls):
                folder = tmp_path / f"page{i}"
                folder.mkdir()
                snap = await browser.gather(PageRef(url=url), folder)
                out.append((snap, run_checks(snap, folder)))
            return out

    return asyncio.run(main())


class ThemeTests(NamedTuple):
    test_fixture_outcomes: Callable
    test_no_false_failure_on_clean_fixtures: Callable
    test_every_check_has_fixtures_both_ways: Callable
    test_metadata_is_complete_and_honest: Callable
    test_real_chromium_gives_the_same_outcomes: Callable


def theme_tests(module: str, in_chromium: tuple[str, ...]) -> ThemeTests:
    """The tests of one theme's checks (``audit/checks/<module>.py``): every fixture of the theme gives its
    expected outcomes offline; no check of the theme fails a clean fixture of any theme; every check has
    fixtures both ways; metadata complete; and the fixtures named in ``in_chromium`` give the same outcomes
    gathered by real Chromium."""
    assert in_chromium, f"{module}: name the fixtures to gather in real Chromium"
    checks = module_checks(module)

    @pytest.mark.parametrize("fixture", fixtures(module), ids=lambda f: f.id)
    def test_fixture_outcomes(fixture, tmp_path):
        registry = load_checks()
        assert set(fixture.expected) <= set(registry), f"{fixture.id}: unknown check ids"
        findings = run_fixture(fixture, tmp_path, only=set(fixture.expected))
        got = outcomes(findings)
        for f in findings:
            if f.outcome == "cant_tell":
                assert f.question and f.question != f"{registry[f.check_id].title} ?", (
                    f"{f.check_id}: no real question")
        for check_id, expected in fixture.expected.items():
            assert got.get(check_id, "inapplicable") == expected, (
                f"{fixture.id}: {check_id} gave {got.get(check_id, 'inapplicable')}, expected {expected}\n"
                + describe(findings, check_id))

    @pytest.mark.parametrize("fixture", [f for f in fixtures() if f.clean], ids=lambda f: f.id)
    def test_no_false_failure_on_clean_fixtures(fixture, tmp_path):
        findings = run_fixture(fixture, tmp_path, only=checks)
        allowed = {cid for cid, outcome in fixture.expected.items() if outcome == "failed"}
        wrong = [f for f in findings if f.outcome == "failed" and f.check_id not in allowed]
        assert not wrong, "\n".join(f"{f.check_id}: {f.message}" for f in wrong)

    def test_every_check_has_fixtures_both_ways():
        assert checks, f"no check in audit.checks.{module}"
        covered: dict[str, set[str]] = {}
        for fixture in fixtures():
            for check_id, outcome in fixture.expected.items():
                covered.setdefault(check_id, set()).add(outcome)
        for check_id in checks:
            if load_checks()[check_id].scope == "site":
                continue  # site checks have their own tests (several pages at once)
            seen = covered.get(check_id, set())
            assert seen & {"failed", "cant_tell"}, f"{check_id}: no failed or cant_tell fixture"
            assert seen & {"passed", "inapplicable"}, f"{check_id}: no passed or inapplicable fixture"

    def test_metadata_is_complete_and_honest():
        for check_id in checks:
            chk = load_checks()[check_id]
            assert chk.title and chk.failure and chk.description and chk.how_to_fix, check_id
            # every declared text has its English in the catalogue (French is the source language)
            for text in (chk.title, chk.failure, chk.description, chk.how_to_fix, chk.question):
                assert text is None or words.gettext(text, "en") != text, (check_id, text)
            assert chk.rgaa_tests and all(t in standards.TESTS for t in chk.rgaa_tests), check_id
            assert chk.wcag and all(sc in standards.WCAG_SC or sc == "4.1.1" for sc in chk.wcag), check_id
            assert chk.impact and chk.evidence

    @pytest.mark.browser
    def test_real_chromium_gives_the_same_outcomes(chromium, static_server, tmp_path):
        chosen = [f for f in fixtures(module) if f.path.name in in_chromium]
        assert len(chosen) == len(in_chromium)
        urls = [f"{static_server}/checks/{f.path.parent.name}/{f.path.name}" for f in chosen]
        for fixture, (snap, findings) in zip(chosen, gather(chromium, urls, tmp_path), strict=True):
            assert snap.error is None, snap.error
            got = outcomes(findings)
            for check_id, expected in fixture.expected.items():
                assert got.get(check_id, "inapplicable") == expected, (
                    f"{fixture.id} in Chromium: {check_id} gave {got.get(check_id)}, expected {expected}\n"
                    + describe(findings, check_id))

    return ThemeTests(test_fixture_outcomes, test_no_false_failure_on_clean_fixtures,
                      test_every_check_has_fixtures_both_ways, test_metadata_is_complete_and_honest,
                      test_real_chromium_gives_the_same_outcomes)


def page_fixture_tests(theme: str) -> tuple[Callable, Callable]:
    """The two offline tests of ``audit/checks/<theme>.py`` on tests/fixtures/checks/<theme>/ as
    tests/test_checks_forms.py reads them: ``test_fixture_outcome`` (each fixture gives its outcome for every
    check it names, a check of this module, and a cant_tell carries a question) and
    ``test_never_fails_on_clean_fixtures`` (no check of the module fails a clean fixture of themes 3.1, 4, 11
    and 13)."""
    from test_checks_forms import checks_of, clean_fixtures, evidence, fixture_cases

    module = f"audit.checks.{theme}"

    @pytest.mark.parametrize(("path", "check_id", "expected"), list(fixture_cases(theme)))
    def test_fixture_outcome(tmp_path, path, check_id, expected):
        assert load_checks()[check_id].module == module
        findings = run_page_checks(evidence(tmp_path, path.read_text(encoding="utf-8")), only=[check_id])
        assert worst(f.outcome for f in findings) == expected, [(f.outcome, f.message) for f in findings]
        assert all(f.question for f in findings if f.outcome == Outcome.CANT_TELL)

    @pytest.mark.parametrize("path", clean_fixtures(), ids=lambda p: f"{p.parent.name}/{p.stem}")
    def test_never_fails_on_clean_fixtures(tmp_path, path):
        ev = evidence(tmp_path, path.read_text(encoding="utf-8"))
        assert not [(f.check_id, f.message) for f in run_page_checks(ev, only=checks_of(module))
                    if f.outcome == "failed"]

    return test_fixture_outcome, test_never_fails_on_clean_fixtures


def probe_fixture_tests(theme: str, **gather_options) -> tuple[Callable, Callable, Callable]:
    """For ``audit/checks/<theme>.py`` whose checks read in-browser probes, with tests/test_probes.py's
    helpers: the module-scoped ``pages`` fixture (every fixture of the theme gathered once by the session's
    live Chromium, ``gather_options`` passed to its ``gather``), ``test_metadata`` and ``test_fixture`` (each
    fixture gives its expected outcome for every check it names). The module must also import test_probes'
    ``live_browser_fixture``."""
    from test_probes import assert_metadata, fixture_cases, outcome_of

    cases = fixture_cases(theme)

    @pytest.fixture(scope="module", name="pages")
    def pages(live_browser, static_server, tmp_path_factory):
        urls = {name: f"{static_server}/checks/{theme}/{name}" for name, _, _ in cases}
        return live_browser.gather(urls, tmp_path_factory.mktemp(theme), **gather_options)

    def test_metadata():
        assert_metadata(f"audit.checks.{theme}")

    @pytest.mark.parametrize(("name", "expected", "checks"), cases, ids=[c[0] for c in cases])
    def test_fixture(pages, name, expected, checks):
        for check_id in checks:
            assert outcome_of(pages[name], check_id) == expected, check_id

    return pages, test_metadata, test_fixture


def assert_said_in_english(module: str, tmp_path: Path, skip_inapplicable: bool = False) -> set[str]:
    """Every message of ``module``'s checks on its fixtures has its English: another text than the French,
    English quotation marks, kept as plain data with the finding. Returns the outcomes seen."""
    import json

    mine = module_checks(module)
    seen = set()
    for i, fixture in enumerate(fixtures(module)):
        for f in run_fixture(fixture, tmp_path / str(i), only=mine):
            if skip_inapplicable and f.outcome == "inapplicable":
                continue
            json.dumps(f.extra)
            english = f.said("message", "en")
            assert english and english != f.message and "«" not in english, (f.check_id, f.message, english)
            if f.question:
                assert f.said("question", "en") != f.question, (f.check_id, f.question)
            seen.add(f.outcome)
    return seen

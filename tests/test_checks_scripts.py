"""Theme 7 checks (audit/checks/scripts.py) on fixtures and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    assert_metadata,
    demo_defects,
    demo_pages_fixture,
    fixture_cases,
    live_browser_fixture,
    outcome_of,
)

from audit.checks import run_page_checks
from audit.model import Outcome

pytestmark = pytest.mark.browser

THEME = "scripts"
CASES = fixture_cases(THEME)
MINE = ("rgaa-7.3-keyboard-access", "rgaa-7.1-script-control-role", "rgaa-7.3-focus-kept")


@pytest.fixture(scope="module")
def pages(live_browser, static_server, tmp_path_factory):
    urls = {name: f"{static_server}/checks/{THEME}/{name}" for name, _, _ in CASES}
    return live_browser.gather(urls, tmp_path_factory.mktemp(THEME), python=())


def test_metadata():
    assert_metadata("audit.checks.scripts")


@pytest.mark.parametrize(("name", "expected", "checks"), CASES, ids=[c[0] for c in CASES])
def test_fixture(pages, name, expected, checks):
    for check_id in checks:
        assert outcome_of(pages[name], check_id) == expected, check_id


def test_clickable_div_finding(pages):
    findings = run_page_checks(pages["failed-clickable-div.html"], only=["rgaa-7.3-keyboard-access"])
    [failed] = [f for f in findings if f.outcome == Outcome.FAILED]
    assert failed.selector == "html > body > div:nth-of-type(2)" and failed.impact == "critical"
    assert "« Afficher toutes les questions »" in failed.message
    assert failed.snippet.startswith('<div class="plus" onclick=')


def test_demo_town(demo_pages):
    """The seeded clickable div is found; no other failure of these checks on the demo pages."""
    failures = {(path, f.check_id, f.selector) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED}
    assert "/aide.html" in demo_defects("7.3")
    div = "#contenu > div > div > div:nth-of-type(5)"
    assert failures == {("/aide.html", "rgaa-7.3-keyboard-access", div),
                        ("/aide.html", "rgaa-7.1-script-control-role", div)}

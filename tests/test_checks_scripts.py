"""Theme 7 checks (audit/checks/scripts.py) on fixtures and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import probe_fixture_tests
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    demo_defects,
    demo_pages_fixture,
    live_browser_fixture,
)

from audit.checks import run_page_checks
from audit.model import Outcome

pytestmark = pytest.mark.browser

MINE = ("rgaa-7.3-keyboard-access", "rgaa-7.1-script-control-role", "rgaa-7.3-focus-kept")

pages, test_metadata, test_fixture = probe_fixture_tests("scripts", python=())


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

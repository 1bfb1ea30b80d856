"""Theme 3 checks (audit/checks/colours.py, non-text contrast) on fixtures and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    assert_metadata,
    demo_pages_fixture,
    fixture_cases,
    live_browser_fixture,
    outcome_of,
)

from audit.checks import run_page_checks
from audit.model import Outcome

pytestmark = pytest.mark.browser

THEME = "colours"
CASES = fixture_cases(THEME)
MINE = ("rgaa-3.3-component-contrast", "rgaa-3.3-graphic-contrast")


@pytest.fixture(scope="module")
def pages(live_browser, static_server, tmp_path_factory):
    urls = {name: f"{static_server}/checks/{THEME}/{name}" for name, _, _ in CASES}
    return live_browser.gather(urls, tmp_path_factory.mktemp(THEME), only=["non_text_contrast"], python=())


def test_metadata():
    assert_metadata("audit.checks.colours")


@pytest.mark.parametrize(("name", "expected", "checks"), CASES, ids=[c[0] for c in CASES])
def test_fixture(pages, name, expected, checks):
    for check_id in checks:
        assert outcome_of(pages[name], check_id) == expected, check_id


def test_contrast_is_measured(pages):
    [field] = [f for f in run_page_checks(pages["failed-field-border.html"], only=["rgaa-3.3-component-contrast"])]
    assert field.selector == "#msg"
    assert "1,36:1" in field.message and "#dddddd sur #ffffff" in field.message
    english = field.said("message", "en")
    assert "contrast ratio of 1.36:1 (border or background #dddddd on #ffffff), at least 3:1 expected." in english
    [icon] = run_page_checks(pages["failed-icon-button.html"], only=["rgaa-3.3-component-contrast"])
    assert icon.outcome == Outcome.FAILED and "« Fermer »" in icon.message and "#bbbbbb" in icon.message
    items = {i["s"]: i for i in pages["passed-field-border.html"].probe("non_text_contrast")["items"]}
    assert items["#nom"]["ratio"] == 4.54 and items["#q"]["fg"] == "#ffffff" and items["#q"]["bg"] == "#0a4d68"


def test_demo_town(demo_pages):
    """The demo town seeds no non-text contrast defect: none is reported."""
    failures = [(path, f.selector) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED]
    assert failures == []

"""Theme 10 checks (audit/checks/presentation.py) on fixtures, W3C ACT test cases and the demo town, in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import probe_fixture_tests
from test_probes import (  # noqa: F401 - the fixtures are imported for pytest
    act_outcomes,
    act_server_fixture,
    demo_defects,
    demo_pages_fixture,
    live_browser_fixture,
)

from audit.checks import Evidence, run_page_checks
from audit.model import Outcome, PageSnapshot

pytestmark = pytest.mark.browser

MINE = ("rgaa-10.7-focus-visible", "rgaa-10.4-text-zoom", "rgaa-10.11-reflow", "rgaa-10.12-text-spacing",
        "rgaa-10.12-spacing-important")

pages, test_metadata, test_fixture = probe_fixture_tests("presentation")


def test_findings_name_the_element(pages):
    [finding] = [f for f in run_page_checks(pages["failed-focus-outline-none.html"], only=["rgaa-10.7-focus-visible"])
                 if f.outcome == Outcome.FAILED]
    assert finding.selector == "html > body > ul > li > a"
    assert finding.snippet == '<a href="/b">Carte sans indication de focus</a>'
    assert finding.rgaa_tests == ("10.7.1",) and finding.wcag == ("2.4.7",) and not finding.conclusive
    [cut] = [f for f in run_page_checks(pages["failed-zoom-fixed-height.html"], only=["rgaa-10.4-text-zoom"])]
    assert cut.outcome == Outcome.FAILED and "Travaux rue des Mariniers" in cut.message


def test_missing_probes_never_pass(tmp_path):
    """Snapshots without probes (probes disabled, older runs): each check says it could not tell, and why."""
    (tmp_path / "dom.html").write_text("<html><body><a href='/'>x</a></body></html>")
    (tmp_path / "probes.json").write_text('{"focus": {"error": "TimeoutError: page closed"}}')
    evidence = Evidence(PageSnapshot(key="k", url="http://x/", files={"dom": "dom.html", "probes": "probes.json"}),
                        tmp_path)
    findings = run_page_checks(evidence, only=MINE)
    by_check = {f.check_id: f for f in findings}
    assert {f.outcome for f in findings} == {Outcome.CANT_TELL}
    assert "TimeoutError" in by_check["rgaa-10.7-focus-visible"].message
    assert "n'a pas été exécutée" in by_check["rgaa-10.11-reflow"].message
    assert by_check["rgaa-10.11-reflow"].question.endswith("(à vérifier manuellement)")


def _consistency(results):
    false_failures = [(cid, rule, exp) for cid, rule, exp, out in results if exp != "failed" and out == Outcome.FAILED]
    found = sum(1 for _, _, exp, out in results if exp == "failed" and out == Outcome.FAILED)
    total = sum(1 for _, _, exp, _ in results if exp == "failed")
    return false_failures, found, total


def test_act_focus_visible(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["oj04fd"], ["rgaa-10.7-focus-visible"],
                           only=["focus"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert (found, total) == (1, 1)


def test_act_zoomed_text_not_clipped(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["59br37"], ["rgaa-10.4-text-zoom"],
                           python=["zoom"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert total == 5 and found >= 3  # text already clipped at 100 % stays a question (cant_tell)


def test_act_important_text_spacing(live_browser, act_server, tmp_path):
    results = act_outcomes(live_browser, act_server, tmp_path, ["24afc2", "9e45ec", "78fd32"],
                           ["rgaa-10.12-spacing-important", "rgaa-10.12-text-spacing"], python=["text_spacing"])
    false_failures, found, total = _consistency(results)
    assert false_failures == []
    assert (found, total) == (total, 14)


def test_demo_town(demo_pages):
    """The seeded focus defect is found; no other failure of these checks on the demo pages."""
    failures = {(path, f.check_id, f.selector) for path, evidence in demo_pages.items()
                for f in run_page_checks(evidence, only=MINE) if f.outcome == Outcome.FAILED}
    assert demo_defects("10.7") == {"/actualites/"}
    assert failures == {("/actualites/", "rgaa-10.7-focus-visible",
                         f"#contenu > div > ul > li:nth-of-type({n}) > h2 > a") for n in (1, 2, 3)}

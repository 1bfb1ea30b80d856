"""Theme 9 checks (audit/checks/structure.py) on their HTML fixtures, offline and in real Chromium."""

from __future__ import annotations

import pytest
from check_fixtures import describe, fixtures, gather, module_checks, outcomes, run_fixture

from audit import standards
from audit.checks import load_checks

MODULE = "structure"

CHECKS = module_checks(MODULE)


@pytest.mark.parametrize("fixture", fixtures(MODULE), ids=lambda f: f.id)
def test_fixture_outcomes(fixture, tmp_path):
    registry = load_checks()
    assert set(fixture.expected) <= set(registry), f"{fixture.id}: unknown check ids"
    findings = run_fixture(fixture, tmp_path, only=set(fixture.expected))
    got = outcomes(findings)
    for f in findings:
        if f.outcome == "cant_tell":
            assert f.question and f.question != f"{registry[f.check_id].title} ?", f"{f.check_id}: no real question"
    for check_id, expected in fixture.expected.items():
        assert got.get(check_id, "inapplicable") == expected, (
            f"{fixture.id}: {check_id} gave {got.get(check_id, 'inapplicable')}, expected {expected}\n"
            + describe(findings, check_id))


@pytest.mark.parametrize("fixture", [f for f in fixtures() if f.clean], ids=lambda f: f.id)
def test_no_false_failure_on_clean_fixtures(fixture, tmp_path):
    findings = run_fixture(fixture, tmp_path, only=CHECKS)
    allowed = {cid for cid, outcome in fixture.expected.items() if outcome == "failed"}
    wrong = [f for f in findings if f.outcome == "failed" and f.check_id not in allowed]
    assert not wrong, "\n".join(f"{f.check_id}: {f.message}" for f in wrong)


def test_every_check_has_fixtures_both_ways():
    covered: dict[str, set[str]] = {}
    for fixture in fixtures():
        for check_id, outcome in fixture.expected.items():
            covered.setdefault(check_id, set()).add(outcome)
    for check_id in CHECKS:
        if load_checks()[check_id].scope == "site":
            continue  # site checks have their own tests (several pages at once)
        seen = covered.get(check_id, set())
        assert seen & {"failed", "cant_tell"}, f"{check_id}: no failed or cant_tell fixture"
        assert seen & {"passed", "inapplicable"}, f"{check_id}: no passed or inapplicable fixture"


def test_metadata_is_complete_and_honest():
    for check_id in CHECKS:
        chk = load_checks()[check_id]
        assert chk.title and chk.failure and chk.title_en and chk.failure_en and chk.description and chk.how_to_fix
        assert chk.rgaa_tests and all(t in standards.TESTS for t in chk.rgaa_tests), check_id
        assert chk.wcag and all(sc in standards.WCAG_SC or sc == "4.1.1" for sc in chk.wcag), check_id
        assert chk.impact and chk.evidence


@pytest.mark.browser
def test_real_chromium_gives_the_same_outcomes(chromium, static_server, tmp_path):
    chosen = [f for f in fixtures(MODULE) if f.path.name in ('failed-list-div-child.html', 'cant_tell-fake-heading.html', 'passed-structure.html')]
    assert len(chosen) == 3
    urls = [f"{static_server}/checks/{f.path.parent.name}/{f.path.name}" for f in chosen]
    for fixture, (snap, findings) in zip(chosen, gather(chromium, urls, tmp_path), strict=True):
        assert snap.error is None, snap.error
        got = outcomes(findings)
        for check_id, expected in fixture.expected.items():
            assert got.get(check_id, "inapplicable") == expected, (
                f"{fixture.id} in Chromium: {check_id} gave {got.get(check_id)}, expected {expected}\n"
                + describe(findings, check_id))

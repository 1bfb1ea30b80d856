"""The axe adapter, on a result recorded from axe-core 4.14.1 in Chromium (tests/fixtures/axe)."""

from __future__ import annotations

import json
from pathlib import Path

from audit.checks.axe import findings_from_axe, rgaa_from_tags, wcag_from_tags
from audit.model import Impact, Outcome, PageSnapshot, Source

RECORDED = Path(__file__).parent / "fixtures" / "axe" / "failed-axe-basics.json"


def _findings():
    snap = PageSnapshot(key="http://x/p", url="http://x/p")
    return findings_from_axe(RECORDED.read_text(encoding="utf-8"), snap)


def test_tags_to_references():
    assert wcag_from_tags(["wcag2a", "wcag111", "wcag1410", "best-practice"]) == ("1.1.1", "1.4.10")
    assert rgaa_from_tags(["RGAAv4", "RGAA-1.1.1", "RGAA-11.1.1"]) == ("1.1.1", "11.1.1")


def test_violations_become_failed_findings_with_references():
    failed = {f.check_id: f for f in _findings() if f.outcome == Outcome.FAILED}
    assert set(failed) == {"axe:button-name", "axe:color-contrast", "axe:frame-title", "axe:image-alt", "axe:label"}
    image = failed["axe:image-alt"]
    assert image.source == Source.AXE
    assert image.impact == Impact.CRITICAL
    assert "1.1.1" in image.wcag
    assert "1.1.1" in image.rgaa_tests
    assert image.selector == "img"
    assert image.snippet.startswith("<img")
    assert image.fingerprint and len(image.fingerprint) == 16
    assert not image.conclusive


def test_incomplete_becomes_cant_tell_with_a_question():
    cant = [f for f in _findings() if f.outcome == Outcome.CANT_TELL]
    assert [f.check_id for f in cant] == ["axe:color-contrast"]
    assert cant[0].question and "vérifiez" in cant[0].question


def test_passes_and_inapplicable_are_page_level_and_never_conclusive():
    raw = json.loads(RECORDED.read_text(encoding="utf-8"))
    findings = _findings()
    passed = [f for f in findings if f.outcome == Outcome.PASSED]
    inapplicable = [f for f in findings if f.outcome == Outcome.INAPPLICABLE]
    assert len(passed) == len(raw["passes"])
    assert len(inapplicable) == len(raw["inapplicable"])
    assert all(f.selector is None and not f.conclusive for f in passed + inapplicable)


def test_same_defect_same_fingerprint_across_pages():
    raw = RECORDED.read_text(encoding="utf-8")
    a = findings_from_axe(raw, PageSnapshot(key="http://x/a", url="http://x/a"))
    b = findings_from_axe(raw, PageSnapshot(key="http://x/b", url="http://x/b"))
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]


def test_quiet_incomplete_rules_ask_nothing_but_keep_their_violations():
    raw = {"violations": [{"id": "css-orientation-lock", "tags": ["wcag134", "RGAA-13.9.1"], "impact": "serious",
                           "help": "h", "nodes": [{"target": ["html"], "html": "<html>", "impact": "serious"}]}],
           "incomplete": [{"id": "css-orientation-lock", "tags": ["wcag134"], "help": "h",
                           "nodes": [{"target": ["html"], "html": "<html>"}]}]}
    findings = findings_from_axe(raw, PageSnapshot(key="k", url="u"))
    assert [(f.check_id, f.outcome) for f in findings] == [("axe:css-orientation-lock", Outcome.FAILED)]

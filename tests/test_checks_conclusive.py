"""The honesty rule, proven: every check declared ``conclusive`` passes and fails on a fixture for each condition
of each RGAA test it decides (from the official methodology), and its findings name only the tests they break.

``CONDITIONS``: check id → RGAA test → condition → (fixture where the condition holds and the check passes
conclusively, fixture where it is broken and the check fails). A fixture named ``cant_tell-*`` in the second place
is a case the check must not decide. Checks reading in-browser probes (12.7) are run by their theme's tests in
Chromium: here their fixtures are only checked to exist and to name the check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from check_fixtures import FIXTURES, evidence, outcomes

from audit.checks import load_checks, run_page_checks
from audit.model import Outcome

M, IM, F, L, N = "mandatory", "images", "frames", "links", "navigation"
CONDITIONS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "rgaa-8.1-doctype-present": {"8.1.1": {
        "present": (f"{M}/passed-mandatory.html", f"{M}/failed-no-doctype.html"),
        "a real declaration, not one in a comment": (f"{M}/passed-doctype-after-comment.html",
                                                     f"{M}/failed-doctype-only-in-comment.html"),
    }},
    "rgaa-8.1-doctype-valid": {"8.1.2": {
        "HTML5, any case": (f"{M}/passed-doctype-html5-lowercase.html", f"{M}/failed-doctype-invalid.html"),
        "public identifier, written exactly": (f"{M}/passed-doctype-xhtml.html", f"{M}/failed-doctype-public-case.html"),
        "system identifier, written exactly": (f"{M}/passed-doctype-html401-system.html",
                                               f"{M}/failed-doctype-system-misspelt.html"),
        "system identifier of the same DTD": (f"{M}/passed-doctype-xhtml.html",
                                              f"{M}/failed-doctype-system-other-dtd.html"),
        "system identifier case": (f"{M}/passed-doctype-xhtml.html", f"{M}/failed-doctype-system-case.html"),
        "system identifier required in XHTML, optional in HTML 4": (
            f"{M}/passed-doctype-html401-public-only.html", f"{M}/failed-doctype-system-missing.html"),
        "XHTML declaration case": (f"{M}/passed-doctype-xhtml.html", f"{M}/failed-doctype-xhtml-keyword-case.html"),
        "about:legacy-compat": (f"{M}/passed-doctype-legacy-compat.html", f"{M}/failed-doctype-legacy-compat-case.html"),
        "SYSTEM only with about:legacy-compat": (f"{M}/passed-doctype-legacy-compat.html",
                                                 f"{M}/failed-doctype-system-only-unknown.html"),
        "only one declaration": (f"{M}/passed-mandatory.html", f"{M}/failed-doctype-twice.html"),
        "unknown DTD is not decided": (f"{M}/passed-mandatory.html", f"{M}/cant_tell-doctype-unknown.html"),
    }},
    "rgaa-8.1-doctype-first": {"8.1.3": {
        "first token (comments allowed before)": (f"{M}/passed-doctype-after-comment.html",
                                                  f"{M}/failed-doctype-late.html"),
        "before <html>": (f"{M}/passed-mandatory.html", f"{M}/failed-doctype-after-html.html"),
        "no second declaration after <html>": (f"{M}/passed-mandatory.html", f"{M}/failed-doctype-twice.html"),
    }},
    "rgaa-8.3-lang-present": {"8.3.1": {
        "lang on html": (f"{M}/passed-mandatory.html", f"{M}/failed-no-lang.html"),
        "lang not empty": (f"{M}/passed-mandatory.html", f"{M}/failed-lang-empty.html"),
        "xml:lang alone only in XHTML": (f"{M}/passed-lang-xhtml11-xml-lang.html", f"{M}/failed-lang-xml-only.html"),
        "lang on body": (f"{M}/passed-lang-on-body.html", f"{M}/failed-lang-one-text-uncovered.html"),
        "xml:lang on body in XHTML": (f"{M}/passed-lang-xhtml11-xml-lang-on-body.html",
                                      f"{M}/failed-lang-xml-only.html"),
        "on every text element": (f"{M}/passed-lang-every-text-element.html",
                                  f"{M}/failed-lang-one-text-uncovered.html"),
        "a language somewhere": (f"{M}/passed-lang-on-body.html", f"{M}/failed-lang-nowhere-no-text.html"),
    }},
    "rgaa-8.5-title": {"8.5.1": {
        "present": (f"{M}/passed-mandatory.html", f"{M}/failed-no-title.html"),
        "not empty": (f"{M}/passed-mandatory.html", f"{M}/failed-empty-title.html"),
        "not blank (spaces, non-breaking spaces)": (f"{M}/passed-mandatory.html", f"{M}/failed-title-blank.html"),
    }},
    # RGAA's own conditions beyond WCAG 2.4.2 (ACT 2779a5 passes a title in <body>): one check of their own, so
    # that the WCAG reading stays the ACT's and the RGAA test is still decided on every condition
    "rgaa-8.5-title-place": {"8.5.1": {
        "in head": (f"{M}/passed-mandatory.html", f"{M}/failed-title-in-body.html"),
        "only one (SVG titles aside)": (f"{M}/passed-title-with-svg-title.html", f"{M}/failed-title-twice.html"),
        "only one, none in body": (f"{M}/passed-mandatory.html", f"{M}/failed-title-twice-one-in-body.html"),
    }},
    "rgaa-1.1-img-alt": {"1.1.1": {
        "img: alt or title": (f"{IM}/passed-img-alt.html", f"{IM}/failed-img-no-alt.html"),
        "img: aria-labelledby, aria-label": (f"{IM}/passed-img-aria-alternatives.html",
                                             f"{IM}/failed-img-labelledby-missing.html"),
        "role=img: aria-label or aria-labelledby": (f"{IM}/passed-img-aria-alternatives.html",
                                                    f"{IM}/failed-role-img-no-name.html"),
        "informative or decorative is a person's call": (f"{IM}/passed-img-alt.html", f"{IM}/cant_tell-img-empty-alt.html"),
    }},
    "rgaa-1.1-area": {"1.1.2": {
        "alt": (f"{IM}/passed-area.html", f"{IM}/failed-area.html"),
        "aria-label": (f"{IM}/passed-area-aria-label.html", f"{IM}/failed-area.html"),
        "aria-labelledby is not in the list": (f"{IM}/passed-area-aria-label.html", f"{IM}/cant_tell-area-labelledby-only.html"),
    }},
    "rgaa-1.1-input-image": {"1.1.3": {
        "alt": (f"{IM}/passed-input-image.html", f"{IM}/failed-input-image.html"),
        "aria-labelledby, aria-label, title": (f"{IM}/passed-input-image-sources.html",
                                               f"{IM}/failed-input-image-empty-alt.html"),
    }},
    "rgaa-2.1-frame-title": {"2.1.1": {
        "iframe with a title attribute": (f"{F}/passed-iframe-title.html", f"{F}/failed-iframe-no-title.html"),
        "aria-label is not the title attribute": (f"{F}/passed-iframe-title.html",
                                                  f"{F}/failed-iframe-aria-label-only.html"),
    }},
    "rgaa-6.2-link-name": {"6.2.1": {
        "text or alternative": (f"{L}/passed-links.html", f"{L}/failed-link-no-name.html"),
        "image link alternative": (f"{L}/passed-links.html", f"{L}/failed-link-image-empty-alt.html"),
    }},
    "rgaa-12.7-skip-link": {"12.7.1": {
        "skip link before the main content": (f"{N}/passed-skip-link.html", f"{N}/failed-no-skip-link.html"),
        "quick access link visible on focus, to the main content": (f"{N}/passed-skip-link-slides-in.html",
                                                                   f"{N}/failed-skip-link-broken.html"),
    }},
}
PROBE_CHECKS = {"rgaa-12.7-skip-link"}
SITE_CHECKS = {"rgaa-8.2-validity"}  # tests/test_checks_mandatory.py runs it with the Nu checker, page by page
CASES = [pytest.param(cid, test, cond, ok, bad, id=f"{cid}:{cond}")
         for cid, tests in CONDITIONS.items() for test, conds in tests.items() for cond, (ok, bad) in conds.items()]


def test_every_conclusive_check_lists_the_conditions_of_each_test_it_decides():
    conclusive = {cid for cid, chk in load_checks().items() if chk.conclusive}
    assert conclusive - SITE_CHECKS == set(CONDITIONS)
    for cid, tests in CONDITIONS.items():
        assert set(tests) == set(load_checks()[cid].rgaa_tests), cid
        assert all(len(conds) >= 1 for conds in tests.values())


def _declared(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.search(r"<!--\s*checks?:\s*([^>]*?)\s*-->", text).group(1).split())


@pytest.mark.parametrize(("check_id", "test", "condition", "good", "bad"), CASES)
def test_condition_passes_and_fails(tmp_path, check_id, test, condition, good, bad):
    good_path, bad_path = FIXTURES / good, FIXTURES / bad
    expected_bad = bad_path.name.split("-", 1)[0]
    assert good_path.name.startswith("passed-") and expected_bad in ("failed", "cant_tell")
    if check_id in PROBE_CHECKS:
        assert check_id in _declared(good_path) and check_id in _declared(bad_path)
        return
    passed = run_page_checks(evidence(good_path, tmp_path / "good"), only=[check_id])
    assert passed and all(f.outcome == Outcome.PASSED and f.conclusive for f in passed), (
        condition, [(f.outcome, f.message) for f in passed])
    assert all(f.rgaa_tests == (test,) for f in passed)
    failed = run_page_checks(evidence(bad_path, tmp_path / "bad"), only=[check_id])
    assert outcomes(failed)[check_id] == expected_bad, (condition, [(f.outcome, f.message) for f in failed])
    assert not any(f.conclusive for f in failed)


def test_frame_elements_need_a_title_too(tmp_path):
    page = tmp_path / "cadres.html"
    for html, expected in (('<frameset cols="50%,50%"><frame src="/a" title="Menu"><frame src="/b" title="Contenu">'
                            '</frameset>', Outcome.PASSED),
                           ('<frameset cols="50%,50%"><frame src="/a" title="Menu"><frame src="/b"></frameset>',
                            Outcome.FAILED)):
        page.write_text(f'<!DOCTYPE html><html lang="fr"><head><title>Cadres — Ville</title></head>{html}</html>')
        found = run_page_checks(evidence(page, tmp_path / expected.value), only=["rgaa-2.1-frame-title"])
        assert outcomes(found)["rgaa-2.1-frame-title"] == expected


# --- each finding names only the RGAA tests its outcome bears on ----------------------------------------------

def test_no_finding_names_a_test_its_check_does_not_declare(tmp_path):
    registry = load_checks()
    for i, path in enumerate(sorted(FIXTURES.glob("*/*.html"))):
        for f in run_page_checks(evidence(path, tmp_path / str(i))):
            assert f.rgaa_tests and set(f.rgaa_tests) <= set(registry[f.check_id].rgaa_tests), (path.name, f.check_id)


@pytest.mark.parametrize(("fixture", "check_id", "tests"), [
    ("consultation/failed-redirect-delay.html", "rgaa-13.1-refresh", ("13.1.2",)),
    ("consultation/failed-refresh-delay.html", "rgaa-13.1-refresh", ("13.1.1",)),
    ("consultation/failed-marquee.html", "rgaa-13.8-moving", ("13.8.1",)),
    ("structure/failed-fake-list-br.html", "rgaa-9.3-fake-list", None),
    ("structure/failed-li-orphan.html", "rgaa-9.3-list-markup", ("9.3.1", "9.3.2")),
    ("tables/failed-table-2d-no-scope.html", "rgaa-5.7-th-scope", ("5.7.1",)),
    ("tables/failed-table-thead-td.html", "rgaa-5.6-header-cells", ("5.6.1",)),
    ("images/failed-alt-filename.html", "rgaa-1.3-img-alt-relevant", ("1.3.1",)),
    ("forms/failed-optgroup-no-label.html", "rgaa-11.8-select-groups", ("11.8.2",)),
    ("forms/failed-required-unmarked.html", "rgaa-11.10-required", ("11.10.2",)),
    ("forms/failed-label-generic.html", "rgaa-11.2-label-relevance", None),
])
def test_a_failure_names_only_the_test_it_breaks(tmp_path, fixture, check_id, tests):
    failed = [f for f in run_page_checks(evidence(FIXTURES / fixture, tmp_path), only=[check_id])
              if f.outcome == Outcome.FAILED]
    assert failed
    for f in failed:
        assert len(f.rgaa_tests) < len(load_checks()[check_id].rgaa_tests) or len(f.rgaa_tests) == 1, f.rgaa_tests
        if tests is not None:
            assert f.rgaa_tests == tests, (f.message, f.rgaa_tests)


def test_a_missing_label_maps_to_wcag_332(tmp_path):
    [f] = [f for f in run_page_checks(evidence(FIXTURES / "forms/failed-label-missing.html", tmp_path),
                                      only=["rgaa-11.1-label"]) if f.outcome == Outcome.FAILED][:1]
    assert "3.3.2" in f.wcag and "4.1.2" in f.wcag

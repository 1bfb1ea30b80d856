"""The ACT conformance harness (bench/act.py): W3C scoring, the axe actIds map, a real run on two rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.act import (  # noqa: E402
    DEFAULT_ACT_DIR,
    ActError,
    Case,
    CaseRun,
    Expected,
    Failure,
    Maps,
    Report,
    Rule,
    RuleStatus,
    Scheme,
    Verdict,
    axe_act_map,
    build_maps,
    format_markdown,
    format_report,
    load_corpus,
    main,
    rule_status,
    run_harness,
    score_case,
    select_cases,
)

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
needs_corpus = pytest.mark.skipif(not (DEFAULT_ACT_DIR / "manifest.json").is_file(),
                                  reason=f"ACT corpus not found at {DEFAULT_ACT_DIR}")
needs_axe = pytest.mark.skipif(not AXE_JS.is_file(), reason="axe-core not installed (npm ci)")

F, P, NA = Expected.FAILED, Expected.PASSED, Expected.INAPPLICABLE
C, FF, M, NR = Verdict.CONSISTENT, Verdict.FALSE_FAILURE, Verdict.MISSED, Verdict.NOT_RUN


# --- scoring on synthetic outcomes ----------------------------------------------------------------


def test_score_case_follows_the_w3c_definition():
    mapped = {"axe:document-title", "title-present"}
    assert score_case(F, ["title-present"], mapped) == C
    assert score_case(F, ["axe:image-alt"], mapped) == M  # a failure, but not of a mapped check
    assert score_case(F, [], mapped) == M
    assert score_case(P, [], mapped) == C
    assert score_case(P, ["axe:image-alt"], mapped) == C  # unrelated failures do not count
    assert score_case(P, ["axe:document-title"], mapped) == FF
    assert score_case(NA, ["title-present"], mapped) == FF
    assert score_case("inapplicable", [], mapped) == C
    assert score_case(F, ["title-present"], mapped, ran=False) == NR


def test_rule_status_complete_partial_minimal_inconsistent():
    assert rule_status([C, C, C], [F, P, NA]) == RuleStatus.COMPLETE
    assert rule_status([C, M, C], [F, F, P]) == RuleStatus.PARTIAL
    assert rule_status([M, M, C], [F, F, P]) == RuleStatus.MINIMAL
    assert rule_status([C, C, FF], [F, P, NA]) == RuleStatus.INCONSISTENT
    assert rule_status([M, FF], [F, P]) == RuleStatus.INCONSISTENT
    # a case that could not be run keeps the rule from being complete, and never counts as consistent
    assert rule_status([C, NR, C], [F, P, NA]) == RuleStatus.PARTIAL
    assert rule_status([NR, NR], [F, P]) == RuleStatus.NOT_RUN
    with pytest.raises(ValueError):
        rule_status([C], [F, P])


def _case(rule_id: str, n: int, expected: Expected) -> Case:
    return Case(id=f"{rule_id}-{n}", rule_id=rule_id, rule_name=f"rule {rule_id}", title=f"Example {n}",
                expected=expected, url_path=f"/t/{rule_id}/{n}.html", media_type="html", automatable="yes",
                wcag_scs=("2.4.2",))


def _run(case: Case, *failed: str, error: str | None = None) -> CaseRun:
    return CaseRun(case, "http://x" + case.url_path, error=error,
                   failures=tuple(Failure(c, f"{c} failed", "html") for c in failed))


def test_report_separates_schemes_and_attributes_false_failures():
    rules = {"r1": Rule("r1", "rule r1", "yes", ("2.4.2",), "complete", ("document-title",)),
             "r2": Rule("r2", "rule r2", "yes", ("1.1.1",), "complete", ("image-alt",))}
    maps = Maps(axe={"r1": frozenset({"axe:document-title"}), "r2": frozenset({"axe:image-alt"})},
                ours={"r1": frozenset({"title-present"})},
                fallback={"r1": frozenset({"title-relevant"})})
    runs = [
        _run(_case("r1", 1, F), "axe:document-title", "title-present"),
        _run(_case("r1", 2, F), "title-present"),  # only our check finds it
        _run(_case("r1", 3, P), "title-relevant"),  # false failure through the SC fallback only
        _run(_case("r1", 4, NA)),
        _run(_case("r2", 1, F), "axe:image-alt"),
        _run(_case("r2", 2, P), "axe:image-alt"),  # axe's false failure
        _run(_case("r2", 3, F), error="timeout"),
    ]
    report = Report(runs=runs, rules=rules, maps=maps)
    by = {s: {r.rule_id: r for r in report.rule_scores(s)} for s in Scheme}
    assert by[Scheme.AXE]["r1"].status == RuleStatus.PARTIAL and by[Scheme.AXE]["r1"].missed == 1
    assert by[Scheme.HEADLINE]["r1"].status == RuleStatus.COMPLETE
    assert by[Scheme.FALLBACK]["r1"].status == RuleStatus.INCONSISTENT
    assert by[Scheme.HEADLINE]["r2"].status == RuleStatus.INCONSISTENT
    assert by[Scheme.HEADLINE]["r2"].not_run == 1

    head = report.totals(Scheme.HEADLINE)
    assert (head["cases"], head["consistent"], head["not_run"]) == (7, 5, 1)
    assert head["consistent_pct"] == round(100 * 5 / 7, 1)
    assert (head["false_failures_axe"], head["false_failures_ours"]) == (1, 0)
    fallback = report.totals(Scheme.FALLBACK)
    assert (fallback["false_failures_axe"], fallback["false_failures_ours"]) == (1, 1)
    [ours] = [f for f in report.false_failures(Scheme.FALLBACK) if not f.check_id.startswith("axe:")]
    assert (ours.rule_id, ours.case_id, ours.check_id, ours.message) == ("r1", "r1-3", "title-relevant",
                                                                        "title-relevant failed")
    text = format_report(report)
    assert "False failures of our own checks (mapped in OURS): 0" in text
    assert "title-relevant: 1 on rules r1" in text and "Not run: 1" in text
    assert "| r1 | rule r1 | 4 | 4 | 0 | 0 | 0 | complete | partial | complete |" in format_markdown(report)
    data = json.loads(json.dumps(report.to_json()))
    assert data["totals"]["headline"]["rules"]["inconsistent"] == 1
    assert data["cases"][6]["verdicts"]["headline"] == "not_run"


def test_our_map_must_name_existing_checks():
    rules = {"r1": Rule("r1", "rule r1", "yes", ("2.4.2",), None, ())}
    with pytest.raises(ActError, match="no-such-check"):
        build_maps("", rules, ours={"r1": {"no-such-check"}}, checks={"title-present": ("2.4.2",)})
    maps = build_maps("", rules, ours={"r1": {"title-present"}},
                      checks={"title-present": ("2.4.2",), "lang-present": ("3.1.1",)})
    assert maps.mapped("r1", Scheme.HEADLINE) == {"title-present"}
    assert maps.mapped("r1", Scheme.AXE) == frozenset()
    assert maps.fallback == {"r1": frozenset({"title-present"})}


# --- axe-core's actIds ----------------------------------------------------------------------------


def test_act_ids_parser_on_minified_shapes():
    src = ('rules:[{id:"area-alt",impact:"critical",tags:["wcag2a"],actIds:["c487ae"],all:[],'
           'any:[{options:{attribute:"alt"},id:"non-empty-alt"}]},{id:"link-name",tags:["wcag2a"],'
           'actIds:["c487ae","other1"],any:["has-visible-text"]},{id:"region",tags:["best-practice"],'
           'any:["region"]}],checks:[{id:"non-empty-alt",evaluate:"x"}]')
    assert axe_act_map(src) == {"c487ae": frozenset({"axe:area-alt", "axe:link-name"}),
                                "other1": frozenset({"axe:link-name"})}


@needs_axe
def test_act_ids_of_the_pinned_axe_core_match_its_own_get_rules(chromium):
    from playwright.sync_api import sync_playwright

    source = AXE_JS.read_text(encoding="utf-8")
    parsed = axe_act_map(source)
    assert {"axe:area-alt", "axe:link-name"} <= parsed["c487ae"]
    assert parsed["2779a5"] == {"axe:document-title"}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.evaluate(source)
            rules = page.evaluate("() => axe.getRules().map(r => [r.ruleId, r.actIds || []])")
        finally:
            browser.close()
    expected: dict[str, set[str]] = {}
    for rule_id, act_ids in rules:
        for act_id in act_ids:
            expected.setdefault(act_id, set()).add(f"axe:{rule_id}")
    assert parsed == expected


# --- the corpus and the command -------------------------------------------------------------------


@needs_corpus
def test_default_selection_is_the_automatable_rules():
    corpus = load_corpus(DEFAULT_ACT_DIR)
    cases = select_cases(corpus)
    assert len({c.rule_id for c in cases}) == 41
    assert all(corpus.rules[c.rule_id].automatable == "yes" for c in cases)
    assert len(select_cases(corpus, every_rule=True)) == len(corpus.cases)
    assert [c.rule_id for c in select_cases(corpus, ["2779a5"], limit=3)] == ["2779a5"] * 3
    with pytest.raises(ActError, match="zzzzzz"):
        select_cases(corpus, ["zzzzzz"])


def test_bad_input_gets_one_clear_message(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--act-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "manifest.json: not found" in result.output and "--act-dir" in result.output
    (tmp_path / "manifest.json").write_text('{"records": [\n  {"id": 1,}\n]}')
    (tmp_path / "rules.json").write_text('{"rules": []}')
    result = runner.invoke(main, ["--act-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'manifest.json'}:2: not valid JSON" in result.output
    assert "Traceback" not in result.output


@needs_corpus
def test_unknown_rule_is_a_usage_error():
    result = CliRunner().invoke(main, ["--rule", "nope42"])
    assert result.exit_code == 1
    assert "unknown ACT rule id nope42" in result.output


# --- a real run: Chromium, pinned axe-core, our checks ----------------------------------------------


@pytest.mark.browser
@needs_corpus
@needs_axe
def test_real_run_on_title_and_image_rules(chromium, tmp_path):
    corpus = load_corpus(DEFAULT_ACT_DIR)
    cases = select_cases(corpus, ["2779a5", "23a2a8"])
    seen = []
    report = run_harness(corpus, cases, chromium=chromium, jobs=2, progress=seen.append, keep=tmp_path / "keep")
    assert len(seen) == len(cases) == 31
    assert all(r.ran for r in report.runs), [(r.case.url_path, r.error) for r in report.runs if not r.ran]
    # the SVG case of the title rule is gathered too
    assert any(r.case.media_type == "svg" for r in report.runs)
    axe = {s.rule_id: s for s in report.rule_scores(Scheme.AXE)}
    assert axe["2779a5"].status == RuleStatus.COMPLETE and axe["23a2a8"].status == RuleStatus.COMPLETE
    assert report.totals(Scheme.AXE)["consistent_pct"] == 100.0
    # with our own checks mapped (rgaa-8.5-title, rgaa-1.1-img-alt): still no false failure, nothing missed
    head = {s.rule_id: s for s in report.rule_scores(Scheme.HEADLINE)}
    assert head["2779a5"].status == RuleStatus.COMPLETE and head["23a2a8"].status == RuleStatus.COMPLETE
    assert list(report.false_failures(Scheme.HEADLINE)) == []
    failed_title = [r for r in report.runs if r.case.rule_id == "2779a5" and r.case.expected == F]
    assert failed_title and all("axe:document-title" in r.failed_checks for r in failed_title)
    # the same evidence scored with a wrong map misses every failed case: the scoring can fail
    wrong = Report(runs=report.runs, rules=report.rules,
                   maps=Maps(axe={"2779a5": frozenset({"axe:image-alt"}), "23a2a8": frozenset({"axe:image-alt"})},
                             ours={}, fallback={}))
    assert {s.rule_id: s.status for s in wrong.rule_scores(Scheme.AXE)}["2779a5"] == RuleStatus.MINIMAL
    assert report.versions["axe-core"] == "4.14.1" and report.versions["chromium"]
    # the kept snapshots re-checked offline (no browser) give the same verdicts
    again = run_harness(corpus, cases, offline=tmp_path / "keep")
    assert again.versions == report.versions
    assert [again.score(r, Scheme.HEADLINE).verdict for r in again.runs] == \
        [report.score(r, Scheme.HEADLINE).verdict for r in report.runs]
    assert [r.failed_checks for r in again.runs] == [r.failed_checks for r in report.runs]

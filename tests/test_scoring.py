"""The grid, the roll-ups, the rates and the priority, against hand-made cases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from audit import standards
from audit.model import Finding, Impact, Outcome, Source
from audit.scoring import (
    Compliance,
    GridPage,
    Status,
    Verdict,
    build_grid,
    compute_rates,
    explain,
    format_rate,
    group_issues,
    round_rate,
    worst_status,
)

ALL = tuple(standards.CRITERIA)


def page(key: str, journey: str | None = None, step: int | None = None) -> GridPage:
    return GridPage(key=key, url=f"https://ville.example{key if key.startswith('/') else '/'}", name=key,
                    ref=key, journey=journey, step=step)


def finding(check_id: str, outcome: Outcome, page_key: str = "/", tests=("8.5.1",), source=Source.CHECK,
            conclusive=False, impact=None, fingerprint="", wcag=(), selector=None, snippet=None, extra=None):
    return Finding(check_id=check_id, source=source, outcome=outcome, page_key=page_key,
                   page_url=f"https://ville.example{page_key}", impact=impact, rgaa_tests=tuple(tests),
                   wcag=tuple(wcag), selector=selector, snippet=snippet, fingerprint=fingerprint or check_id,
                   conclusive=conclusive, title=check_id, extra=extra or {})


def verdicts_for(table: dict[str, dict[str, Status]], default: dict[str, Status]) -> dict:
    """(page, criterion) -> Verdict: every criterion of each page, from `table` else the page's default."""
    out = {}
    for key, statuses in table.items():
        for cid in ALL:
            out[(key, cid)] = Verdict(page=key, criterion=cid, status=statuses.get(cid, default[key]),
                                      auditor="Test")
    return out


def grid_of(table, default, journeys=None):
    journeys = journeys or {}
    pages = [page(k, *journeys.get(k, (None, None))) for k in table]
    return build_grid(pages, [], verdicts_for(table, default), conclusive_checks=frozenset())


# --- test -> criterion on one page (the honesty rule) --------------------------------------------------


def test_single_test_criteria_used_below_have_one_test():
    assert standards.CRITERIA["8.5"].tests == ("8.5.1",)
    assert standards.CRITERIA["8.3"].tests == ("8.3.1",)
    assert len(standards.CRITERIA["11.1"].tests) == 3


def _status(findings, criterion="8.5", conclusive=frozenset()):
    grid = build_grid([page("/")], findings, conclusive_checks=conclusive)
    return grid.cell("/", criterion)


def test_no_evidence_is_to_verify():
    assert _status([]).status == Status.NT


def test_axe_pass_alone_decides_nothing():
    cell = _status([finding("axe:document-title", Outcome.PASSED, source=Source.AXE)])
    assert cell.status == Status.NT
    assert cell.proofs and cell.proofs[0].status is None  # shown as partial evidence


def test_axe_inapplicable_is_not_enough_for_na():
    assert _status([finding("axe:document-title", Outcome.INAPPLICABLE, source=Source.AXE)]).status == Status.NT


def test_conclusive_pass_makes_c():
    assert _status([finding("title", Outcome.PASSED, conclusive=True)]).status == Status.C


def test_non_conclusive_pass_of_our_own_check_stays_nt():
    assert _status([finding("title", Outcome.PASSED, conclusive=False)]).status == Status.NT


def test_conclusive_check_inapplicable_makes_na_only_when_the_check_is_declared_conclusive():
    f = finding("lang", Outcome.INAPPLICABLE, tests=("8.3.1",))
    assert _status([f], "8.3").status == Status.NT
    assert _status([f], "8.3", conclusive=frozenset({"lang"})).status == Status.NA


def test_failed_beats_a_conclusive_pass():
    cell = _status([finding("title", Outcome.PASSED, conclusive=True),
                    finding("axe:document-title", Outcome.FAILED, source=Source.AXE)])
    assert cell.status == Status.NC


def test_dismissed_failure_is_ignored_by_the_grid():
    dismissed = finding("axe:document-title", Outcome.FAILED, source=Source.AXE,
                        extra={"dismissed": {"by": "Alex", "reason": "faux positif"}})
    assert _status([finding("title", Outcome.PASSED, conclusive=True), dismissed]).status == Status.C
    assert _status([dismissed]).status == Status.NT


def test_unanswered_cant_tell_keeps_nt_even_beside_a_conclusive_pass():
    cell = _status([finding("title", Outcome.PASSED, conclusive=True),
                    finding("axe:x", Outcome.CANT_TELL, source=Source.AXE)])
    assert cell.status == Status.NT


def test_answered_cant_tell_is_a_human_verdict():
    answered = finding("axe:x", Outcome.PASSED, source=Source.AXE, conclusive=True,
                       extra={"answered_by": {"pseudonym": "Alex", "verdict": "passed"}})
    cell = _status([answered])
    assert cell.status == Status.C
    assert cell.proofs[0].ref == "Alex"


def test_tester_finding_makes_nc():
    tester = finding("tester:8.5", Outcome.FAILED, source=Source.TESTER,
                     extra={"tester": {"pseudonym": "Alex", "impact": "majeur"}})
    assert _status([tester]).status == Status.NC


def test_criterion_is_the_worst_of_its_tests_and_untested_tests_keep_it_nt():
    one_test = [finding("c1", Outcome.PASSED, tests=("11.1.1",), conclusive=True)]
    assert _status(one_test, "11.1").status == Status.NT  # 11.1.2 and 11.1.3 have no evidence
    all_tests = [finding(f"c{i}", Outcome.PASSED, tests=(f"11.1.{i}",), conclusive=True) for i in (1, 2, 3)]
    assert _status(all_tests, "11.1").status == Status.C
    with_na = all_tests[:2] + [finding("c3", Outcome.INAPPLICABLE, tests=("11.1.3",))]
    assert _status(with_na, "11.1", conclusive=frozenset({"c3"})).status == Status.C


# --- auditor verdicts, journeys, roll-up -----------------------------------------------------------


def test_auditor_verdict_replaces_the_evidence_and_says_when_they_disagree():
    failing = finding("axe:document-title", Outcome.FAILED, source=Source.AXE)
    verdict = Verdict(page="/", criterion="8.5", status=Status.C, comment="Titre vérifié", auditor="Jeanne")
    grid = build_grid([page("/")], [failing], {("/", "8.5"): verdict}, conclusive_checks=frozenset())
    cell = grid.cell("/", "8.5")
    assert cell.status == Status.C and cell.computed == Status.NC
    assert cell.notes and "axe:document-title" in cell.notes[0]
    assert cell.proofs[0].source == "auditor" and cell.proofs[0].note == "Titre vérifié"


def test_auditor_nt_leaves_the_evidence_standing():
    verdict = Verdict(page="/", criterion="8.5", status=Status.NT, auditor="Jeanne")
    passing = finding("title", Outcome.PASSED, conclusive=True)
    grid = build_grid([page("/")], [passing], {("/", "8.5"): verdict}, conclusive_checks=frozenset())
    assert grid.cell("/", "8.5").status == Status.C


def test_journey_criterion_is_c_only_if_c_on_every_step():
    table = {"s1": {"3.1": Status.NC}, "s2": {"3.1": Status.C, "1.1": Status.NT}, "s3": {"3.1": Status.NA},
             "/": {"3.1": Status.C}}
    default = {"s1": Status.C, "s2": Status.C, "s3": Status.C, "/": Status.C}
    grid = grid_of(table, default, {"s1": ("j", 1), "s2": ("j", 2), "s3": ("j", 3)})
    assert grid.cell("s2", "3.1").status == Status.NC  # C on this step, NC on step 1
    assert any("s1" in n for n in grid.cell("s2", "3.1").notes)
    assert grid.cell("s3", "3.1").status == Status.NA  # NA stays NA
    assert grid.cell("/", "3.1").status == Status.C  # not a journey page
    assert grid.cell("s1", "1.1").status == Status.NT and grid.cell("s3", "1.1").status == Status.NT
    assert grid.cell("s2", "1.1").status == Status.NT


def test_sample_rollup_is_nc_nt_c_na():
    grid = grid_of({"a": {"1.1": Status.C, "2.1": Status.NT, "3.1": Status.NC, "4.1": Status.C},
                    "b": {"1.1": Status.NT, "2.1": Status.NA, "3.1": Status.C, "4.1": Status.NA}},
                   {"a": Status.NA, "b": Status.NA})
    # C on a, not yet verified on b: « à vérifier », never C (NC > NT > C > NA)
    assert grid.rollup("1.1") == Status.NT
    assert grid.rollup("2.1") == Status.NT
    assert grid.rollup("3.1") == Status.NC
    assert grid.rollup("4.1") == Status.C  # with no NT cell, the official rule: C somewhere, no NC
    rates = compute_rates(grid)
    assert rates.global_rate is None
    assert rates.nt_criteria == ("1.1", "2.1") and rates.counts["NT"] == 2


def test_worst_status_and_simple_rollup():
    assert worst_status([Status.C, Status.NA]) == Status.C
    assert worst_status([Status.C, Status.NT, Status.NA]) == Status.NT
    assert worst_status([Status.NT, Status.NC, Status.C]) == Status.NC
    assert worst_status([Status.NA, Status.NA]) == Status.NA
    grid = grid_of({"a": {"1.1": Status.C}, "b": {"1.1": Status.NA}}, {"a": Status.NA, "b": Status.NA})
    assert grid.rollup("1.1") == Status.C and grid.rollup("1.2") == Status.NA


# --- rates, hand-computed ---------------------------------------------------------------------------


def test_no_applicable_criterion_all_na():
    rates = compute_rates(grid_of({"a": {}, "b": {}}, {"a": Status.NA, "b": Status.NA}))
    assert rates.counts == {"C": 0, "NC": 0, "NA": 106, "NT": 0}
    assert rates.global_rate is None and rates.mean_rate is None
    assert rates.state == Compliance.NONE and "aucun critère applicable" in rates.reason
    assert not rates.valid


def test_nt_present_gives_no_rate_and_lists_the_criteria():
    table = {"a": {"1.1": Status.NT, "2.1": Status.NT}, "b": {"2.1": Status.NT, "1.1": Status.NC}}
    rates = compute_rates(grid_of(table, {"a": Status.C, "b": Status.C}))
    # 1.1 is NC on b: a non-conformity across the sample, not « à vérifier » (its NT cell on a still counts)
    assert rates.nt_criteria == ("2.1",)
    assert rates.counts["NT"] == 1 and rates.counts["NC"] == 1
    assert rates.nt_cells == 3
    assert rates.global_rate is None and rates.state == Compliance.NONE
    assert "1 critère à vérifier (3 cases de la grille)" in rates.reason
    # no page rate either while a criterion is to verify on the page (b: 104 C and 1 NC decided, 2.1 open)
    assert dict(rates.page_rates) == {"a": None, "b": None}


def test_taux_moyen_99_6_is_partially_compliant():
    # 4 pages with every criterion C (100 %); 1 page with 49 C, 1 NC (1.1), 56 NA: 49/50 = 98 %.
    # Mean: (4 × 100 + 98) / 5 = 99.6. Across the sample 1.1 is NC, the 105 others C: 105/106.
    ids = list(ALL)
    fifth = {cid: Status.NA for cid in ids[50:]}
    fifth["1.1"] = Status.NC
    table = {"p1": {}, "p2": {}, "p3": {}, "p4": {}, "p5": fifth}
    rates = compute_rates(grid_of(table, {k: Status.C for k in table}))
    assert dict(rates.page_rates)["p5"] == Fraction(98)
    assert rates.mean_rate == Fraction(996, 10)
    assert rates.global_rate == Fraction(10500, 106)
    assert format_rate(rates.mean_rate) == "99,6\u00a0%"
    assert format_rate(rates.global_rate) == "99,1\u00a0%"
    assert rates.counts == {"C": 105, "NC": 1, "NA": 0, "NT": 0}
    assert rates.state == Compliance.PARTIAL  # not "totalement": one criterion is NC


def test_99_96_is_never_shown_as_100():
    # 24 pages at 100 %, one at 99 % (99 C, 1 NC, 6 NA): mean 99.96 %.
    ids = list(ALL)
    last = {cid: Status.NA for cid in ids[100:]}
    last[ids[0]] = Status.NC
    assert sum(1 for s in last.values() if s == Status.NA) == 6
    table = {f"p{i}": {} for i in range(24)} | {"last": last}
    rates = compute_rates(grid_of(table, {k: Status.C for k in table}))
    assert dict(rates.page_rates)["last"] == Fraction(99)
    assert rates.mean_rate == Fraction(9996, 100)
    assert format_rate(rates.mean_rate) == "99,9\u00a0%"
    assert rates.state == Compliance.PARTIAL
    assert round_rate(Fraction(99999, 1000)) == round_rate(99.96) and str(round_rate(99.96)) == "99.9"
    assert str(round_rate(100)) == "100.0" and str(round_rate(Fraction(2, 3))) == "0.7"


def test_totally_compliant_and_non_compliant():
    table = {"a": {"1.1": Status.NA}, "b": {}}
    rates = compute_rates(grid_of(table, {"a": Status.C, "b": Status.C}))
    assert rates.state == Compliance.TOTAL and format_rate(rates.global_rate) == "100,0\u00a0%"
    # 40 criteria C, 66 NC on one page: 40/106 = 37.7 % < 50 %.
    ids = list(ALL)
    bad = {cid: Status.NC for cid in ids[40:]}
    rates = compute_rates(grid_of({"a": bad}, {"a": Status.C}))
    assert rates.global_rate == Fraction(4000, 106) and rates.state == Compliance.NONE
    half = {cid: Status.NC for cid in ids[53:]}  # 53 C, 53 NC: exactly 50 %
    assert compute_rates(grid_of({"a": half}, {"a": Status.C})).state == Compliance.PARTIAL


def test_empty_sample_is_no_audit():
    rates = compute_rates(build_grid([], [], conclusive_checks=frozenset()))
    assert rates.state == Compliance.NONE and not rates.valid and "Aucune page" in rates.reason


# --- issues and priority ---------------------------------------------------------------------------


def _fail(check, page_key, impact=Impact.SERIOUS, fp=None, wcag=("2.4.4",), tests=("6.2.1",), **kw):
    return finding(check, Outcome.FAILED, page_key=page_key, impact=impact, fingerprint=fp or check, wcag=wcag,
                   tests=tests, source=kw.pop("source", Source.AXE), **kw)


def test_header_defect_on_many_pages_is_one_issue_at_the_top_of_its_band():
    pages = [f"/p{i}" for i in range(40)]
    findings = [_fail("axe:link-name", k, fp="logo", selector=".logo", snippet='<a href="/" class="logo">')
                for k in pages]
    findings += [_fail("axe:region", "/p1", impact=Impact.SERIOUS, wcag=("1.3.1",), tests=("9.2.1",)),
                 _fail("axe:color-contrast", "/p2", impact=Impact.SERIOUS, wcag=("1.4.3",), tests=("3.2.1",)),
                 _fail("axe:image-alt", "/p3", impact=Impact.CRITICAL, wcag=("1.1.1",), tests=("1.1.1",))]
    issues = group_issues(findings)
    assert [i.check_id for i in issues] == ["axe:image-alt", "axe:link-name", "axe:region", "axe:color-contrast"]
    header = issues[1]
    assert header.page_count == 40 and header.reach == 40.0 and header.rank == 2
    assert "présent sur 40 pages" in explain(header) and "gravité grave" in explain(header)


def test_priority_rule_step_by_step():
    blocking = _fail("tester:11.1", "/a", impact=Impact.MINOR, source=Source.TESTER, tests=("11.1.1",),
                     extra={"tester": {"pseudonym": "Alex", "impact": "bloquant"}})
    critical = _fail("axe:a", "/a", impact=Impact.CRITICAL)
    aa = _fail("axe:b", "/a", impact=Impact.SERIOUS, wcag=("1.4.3",))
    a_level = _fail("axe:c", "/a", impact=Impact.SERIOUS, wcag=("1.3.1",))
    wide = [_fail("axe:d", k, impact=Impact.MODERATE, wcag=("1.3.1",)) for k in ("/a", "/b")]
    narrow_quick = _fail("axe:image-alt", "/a", impact=Impact.MODERATE, wcag=("1.3.1",))
    narrow_slow = _fail("axe:e", "/a", impact=Impact.MODERATE, wcag=("1.3.1",))
    journey = _fail("axe:f", "journey:j:1", impact=Impact.MINOR, wcag=("1.3.1",))
    weighted = _fail("axe:g", "/w", impact=Impact.MINOR, wcag=("1.3.1",))
    plain = _fail("axe:h", "/a", impact=Impact.MINOR, wcag=("1.3.1",))
    issues = group_issues([plain, weighted, journey, narrow_slow, narrow_quick, *wide, a_level, aa, critical,
                           blocking], page_weight={"/w": 3.0})
    assert [i.check_id for i in issues] == ["tester:11.1", "axe:a", "axe:c", "axe:b", "axe:d", "axe:image-alt",
                                            "axe:e", "axe:g", "axe:f", "axe:h"]
    assert issues[0].blocking and "bloquant" in explain(issues[0])
    assert issues[5].quick_win and "correction rapide" in explain(issues[5])
    assert issues[7].reach == 3.0 and issues[8].reach == 2.0 and issues[8].journey_pages == 1
    assert issues[3].level == "AA" and issues[2].level == "A"


def test_only_failed_and_not_dismissed_findings_make_issues():
    findings = [_fail("axe:a", "/a"), finding("axe:b", Outcome.CANT_TELL, page_key="/a"),
                finding("axe:c", Outcome.PASSED, page_key="/a"),
                _fail("axe:d", "/a", extra={"dismissed": {"by": "Alex", "reason": "faux positif"}})]
    assert [i.check_id for i in group_issues(findings)] == ["axe:a"]


def test_same_element_reported_by_axe_and_our_check_is_one_issue():
    axe = _fail("axe:label", "/contact", impact=Impact.CRITICAL, wcag=("4.1.2",), tests=("11.1.1",),
                fp="f1", selector="#telephone", snippet='<input type="tel" id="telephone" name="telephone">')
    ours = _fail("rgaa-11.1-label", "/contact", impact=Impact.CRITICAL, wcag=("1.3.1",), tests=("11.1.1",),
                 source=Source.CHECK, fp="f2", selector="html > body > form > input:nth-of-type(2)",
                 snippet='<input type="tel" id="telephone" name="telephone">')
    other = _fail("axe:label", "/contact", impact=Impact.CRITICAL, wcag=("4.1.2",), tests=("11.1.1",),
                  fp="f3", selector="#nom", snippet='<input id="nom">')
    issues = group_issues([axe, ours, other])
    assert len(issues) == 2
    merged = next(i for i in issues if i.also)
    assert merged.check_id == "rgaa-11.1-label" and merged.also == ("axe:label",)  # ours speaks French
    assert len(merged.findings) == 2 and merged.quick_win


def test_same_header_element_merges_when_one_report_was_dismissed_on_a_page():
    snippet = '<a href="/" class="logo"><img src="logo.svg" alt=""></a>'
    axe = [_fail("axe:link-name", k, fp="a", selector=".logo", snippet=snippet) for k in ("/a", "/b")]
    ours = [_fail("rgaa-6.2-link-name", k, fp="b", selector="html > body > header > a", snippet=snippet,
                  source=Source.CHECK) for k in ("/a", "/b", "/c")]
    [issue] = group_issues([*axe, *ours])
    assert issue.pages == ("/a", "/b", "/c") and issue.also == ("axe:link-name",)
    other_page_set = [_fail("axe:link-name", "/z", fp="a", selector=".logo", snippet=snippet)]
    assert len(group_issues([*axe[:1], *other_page_set, *ours[1:2]])) == 2  # /a,/z vs /b: not nested


@pytest.mark.parametrize("check_id, quick", [("axe:image-alt", True), ("axe:color-contrast", False),
                                             ("rgaa-8.3-lang", True), ("rgaa-11.1-label", True),
                                             ("rgaa-9.1-headings", False), ("tester:barrier", False)])
def test_quick_win_hint(check_id, quick):
    from audit.scoring import quick_win

    assert quick_win(check_id) is quick


# --- the RGAA reading decides the RGAA test (axe's still stands for its WCAG criterion) ------------------------


def test_a_conclusive_rgaa_pass_decides_its_test_over_an_axe_failure():
    # lang on <body> only: RGAA 8.3.1 passes (condition 2), axe's html-has-lang fails
    ours = finding("rgaa-8.3-lang-present", Outcome.PASSED, tests=("8.3.1",))
    axe = finding("axe:html-has-lang", Outcome.FAILED, tests=("8.3.1",), source=Source.AXE)
    grid = build_grid([page("/")], [ours, axe], conclusive_checks=frozenset({"rgaa-8.3-lang-present"}))
    cell = grid.cell("/", "8.3")
    assert cell.status == Status.C
    read = [p for p in cell.proofs if p.source == "axe"]
    assert read and read[0].status is None and "lecture RGAA" in read[0].note
    # without our conclusive reading, axe's failure makes the test NC, as before
    alone = build_grid([page("/")], [axe], conclusive_checks=frozenset({"rgaa-8.3-lang-present"}))
    assert alone.cell("/", "8.3").status == Status.NC
    # and our own failure is never hidden by an axe pass
    failing = finding("rgaa-8.3-lang-present", Outcome.FAILED, tests=("8.3.1",))
    both = build_grid([page("/")], [failing, finding("axe:html-has-lang", Outcome.PASSED, tests=("8.3.1",),
                                                     source=Source.AXE)],
                      conclusive_checks=frozenset({"rgaa-8.3-lang-present"}))
    assert both.cell("/", "8.3").status == Status.NC


def test_the_axe_finding_still_counts_as_a_problem_for_its_wcag_criterion():
    from audit.scoring import group_issues

    axe = finding("axe:html-has-lang", Outcome.FAILED, tests=("8.3.1",), source=Source.AXE)
    [issue] = group_issues([axe])
    assert issue.check_id == "axe:html-has-lang"

"""Memory at the end of a run: the site checks read one page at a time (issue #7).

``run_site_checks`` summarises each page for every site check, then releases the page: no page's Evidence
(its HTML strings, its lxml trees) stays alive while the next pages are read, and the Nu validator gets the
saved files, never their contents. The findings are the same as through each check's own ``func``.
"""

from __future__ import annotations

import tracemalloc
import weakref
from pathlib import Path

import pytest

from audit.checks import Evidence, _finding, load_checks, mandatory, run_site_checks
from audit.model import PageSnapshot

PAGES = 40
FILLER = "<p>" + "Un paragraphe de remplissage pour grossir la page. " * 40 + "</p>"  # ~2 KB


def _html(n: int) -> str:
    # pages go by pairs with one title, each page its own content: rgaa-8.6-title-unique fails on both
    return (f'<!DOCTYPE html><html lang="fr"><head><title>Rubrique {n // 2}</title></head><body>'
            f'<nav><a href="/">Accueil</a> <a href="/plan-du-site">Plan du site</a></nav>'
            f'<form role="search"><label for="q">Rechercher</label><input id="q" name="q" type="search"></form>'
            f'<main><h1>Page {n}</h1>{FILLER * 30}<p>Fin de la page {n}.</p></main></body></html>')


def _snapshots(root: Path) -> list[tuple[PageSnapshot, Path]]:
    out = []
    for n in range(PAGES):
        folder = root / f"p{n}"
        folder.mkdir()
        (folder / "dom.html").write_text(_html(n), encoding="utf-8")
        (folder / "source.html").write_text(_html(n), encoding="utf-8")
        url = f"https://ville.test/rubrique/{n}"
        out.append((PageSnapshot(key=url, url=url, final_url=url, status=200, content_type="text/html",
                                 content_hash=str(n), files={"dom": "dom.html", "source": "source.html"}), folder))
    return out


@pytest.fixture
def validator(monkeypatch):
    """The Nu validator without its JVM: records what it was given, finds no error."""
    given: list = []

    def validate_batch(documents):
        given.extend(documents)
        return [[] for _ in documents]

    monkeypatch.setattr(mandatory, "validate_batch", validate_batch)
    return given


def _traced_peak(snaps: list[tuple[PageSnapshot, Path]]) -> tuple[int, list]:
    tracemalloc.start()
    try:
        findings = run_site_checks(Evidence(s, f) for s, f in snaps)
        return tracemalloc.get_traced_memory()[1], findings
    finally:
        tracemalloc.stop()


def test_site_checks_keep_no_page_alive(tmp_path, validator, monkeypatch):
    import audit.checks

    snaps = _snapshots(tmp_path)
    alive: list[weakref.ref] = []
    kept_while_reading: list[int] = []
    again: list[weakref.ref] = []  # the second pass (the checks beside the validator) reads the pages again
    kept_again: list[int] = []

    class Again(Evidence):
        def __init__(self, snap, folder):
            kept_again.append(sum(1 for ref in again[:-1] if ref() is not None))
            super().__init__(snap, folder)
            again.append(weakref.ref(self))

    monkeypatch.setattr(audit.checks, "Evidence", Again)

    def pages():
        for snap, folder in snaps:
            # the page before this one may still be the loop's variable; none before it may be alive
            kept_while_reading.append(sum(1 for ref in alive[:-1] if ref() is not None))
            evidence = Evidence(snap, folder)
            alive.append(weakref.ref(evidence))
            yield evidence

    findings = run_site_checks(pages())
    assert kept_while_reading == [0] * PAGES
    # the second pass, then the few pages a judge looks at again (SitePage.evidence), one at a time too
    assert len(kept_again) >= PAGES and set(kept_again) == {0}
    # the validator was given the saved files (copied by path), never their contents read into memory
    assert len(validator) == 2 * PAGES and all(isinstance(d, Path) for d in validator)
    # Python's memory (tracemalloc: strings, lists, dicts) does not grow with the pages: every page's DOM is
    # ~60 KB of HTML, so holding 30 more pages' HTML strings would add ~1.8 MB (the validator's bytes as much)
    few, _ = _traced_peak(snaps[:10])
    many, _ = _traced_peak(snaps)
    assert many < few + 600_000, (few, many)
    by_check: dict[str, list] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    titles = by_check["rgaa-8.6-title-unique"]
    assert len(titles) == PAGES and {f.outcome for f in titles} == {"failed"}
    assert {(f.selector, f.xpath, f.snippet) for f in titles} == {
        ("html > head > title", "/html/head/title", f"<title>Rubrique {n}</title>") for n in range(PAGES // 2)}
    assert [f.outcome for f in by_check["rgaa-12.1-navigation-systems"]] == ["passed"]
    assert len(by_check["rgaa-8.2-validity"]) == PAGES


def test_site_findings_match_each_checks_own_func(tmp_path, validator):
    """The streamed path (summaries, then judgement) gives what each check's func gives on every Evidence."""
    snaps = _snapshots(tmp_path)[:6]
    streamed = run_site_checks(Evidence(s, f) for s, f in snaps)
    direct = []
    for chk in load_checks().values():
        if chk.scope != "site":
            continue
        pages = [Evidence(s, f) for s, f in snaps]
        by_key = {e.snap.key: e for e in pages}
        direct.extend(_finding(chk, r, by_key[r.page.key]) for r in chk.func(pages))
    assert streamed == direct and len(streamed) > 6


def test_validator_runs_beside_the_other_summaries(tmp_path, monkeypatch):
    """The Nu validator (a background check) is running while the other site checks read the pages: its JVM and
    their Python share the two cores instead of following one another, either way round."""
    import dataclasses
    import threading

    from audit.checks import REGISTRY, program_started

    started, others_began = threading.Event(), threading.Event()
    seen_by_others: list[bool] = []
    seen_by_validator: list[bool] = []

    def validate_batch(documents):
        started.set()
        program_started()  # as the JVM's start says it
        seen_by_validator.append(others_began.wait(5))  # the other checks read pages while it runs
        return [[] for _ in documents]

    monkeypatch.setattr(mandatory, "validate_batch", validate_batch)
    title = REGISTRY["rgaa-8.6-title-unique"]

    def summary(evidence):
        if not seen_by_others:  # the first page the other checks read: the validator has started
            seen_by_others.append(started.wait(5))
            others_began.set()
        return title.summary(evidence)

    monkeypatch.setitem(REGISTRY, title.id, dataclasses.replace(title, summary=summary))
    snaps = _snapshots(tmp_path)[:4]
    findings = run_site_checks(Evidence(s, f) for s, f in snaps)
    assert (seen_by_others, seen_by_validator) == ([True], [True])
    assert len([f for f in findings if f.check_id == "rgaa-8.2-validity"]) == 4
    assert [f.check_id for f in findings] == sorted((f.check_id for f in findings),
                                                    key=list(load_checks()).index)


def test_an_interrupt_before_the_validator_runs_stops_it_too(tmp_path, monkeypatch, started_processes):
    """Ctrl-C while the validator's judge still prepares its files: the program it starts afterwards is killed as
    it starts, and the interrupt goes through at once."""
    import threading
    import time
    import types

    import audit.checks

    class Interrupted(threading.Event):
        def wait(self, timeout=None):
            if threading.current_thread() is threading.main_thread():
                raise KeyboardInterrupt  # Ctrl-C while the main thread waits for the program's start
            return super().wait(timeout)

    # (a real SIGINT sent from the judge could land before the pool counted its thread, which it then left running)
    monkeypatch.setattr(audit.checks, "threading",
                        types.SimpleNamespace(Event=Interrupted, Lock=threading.Lock, local=threading.local))

    def validate_batch(documents):
        time.sleep(0.5)  # still preparing the files when the interrupt comes
        return mandatory._run_vnu(["sleep", "30"])

    monkeypatch.setattr(mandatory, "validate_batch", validate_batch)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_site_checks(Evidence(s, f) for s, f in _snapshots(tmp_path)[:2])
    assert time.monotonic() - t0 < 10
    assert len(started_processes) == 1 and started_processes[0].poll() is not None


def test_an_interrupt_beside_the_validator_stops_it(tmp_path, monkeypatch, started_processes):
    """Ctrl-C while the other site checks read the pages: the validator's program is killed, the interrupt goes
    through at once (not once the JVM has finished)."""
    import dataclasses
    import time

    from audit.checks import REGISTRY

    started = started_processes
    monkeypatch.setattr(mandatory, "validate_batch", lambda documents: mandatory._run_vnu(["sleep", "30"]))
    title = REGISTRY["rgaa-8.6-title-unique"]

    def summary(evidence):
        raise KeyboardInterrupt

    monkeypatch.setitem(REGISTRY, title.id, dataclasses.replace(title, summary=summary))
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_site_checks(Evidence(s, f) for s, f in _snapshots(tmp_path)[:2])
    assert time.monotonic() - t0 < 10
    assert len(started) == 1 and started[0].poll() is not None


def test_release_forgets_parsed_trees(tmp_path):
    snap, folder = _snapshots(tmp_path)[0]
    evidence = Evidence(snap, folder)
    first = evidence.dom
    assert evidence.dom is first and "dom_html" in vars(evidence)
    evidence.release()
    assert not {"dom", "dom_html", "source", "source_html", "probes", "document"} & set(vars(evidence))
    assert evidence.dom is not first and evidence.dom.findtext(".//title") == "Rubrique 0"


# --- reports ----------------------------------------------------------------------------------------


def _store_with_findings(tmp_path: Path):
    """A run of four pages (one could not be audited) whose checks failed, asked and passed on them."""
    from audit.model import Finding, Impact, Outcome, Source
    from audit.store import Store

    store = Store(tmp_path / "runs")
    run = store.create_run("ville", "https://ville.test", {"rgaa_version": "4.1.2"})
    for n in range(4):
        url = f"https://ville.test/page-{n}"
        snap = PageSnapshot(key=url, url=url, final_url=url, status=200, content_type="text/html",
                            title=f"Page {n}", error="délai dépassé" if n == 3 else None,
                            files={"source": "source.html"}, timings={"total": 1.25 * n})
        folder = store.page_dir(run, url)
        (folder / "source.html").write_text(f'<html lang="fr"><body><img src="a{n}.png"><p>{n}</p></body></html>',
                                            encoding="utf-8")
        findings = [] if snap.error else [
            Finding(check_id="rgaa-1.1-img-alt", source=Source.CHECK, outcome=Outcome.FAILED, page_key=url,
                    page_url=url, impact=Impact.CRITICAL, rgaa_tests=("1.1.1",), wcag=("1.1.1",),
                    selector="img", snippet=f'<img src="a{n}.png">', message="Image sans alternative",
                    title="Une image n'a pas d'alternative", how_to_fix="Ajoutez alt.", fingerprint=f"f{n % 2}"),
            Finding(check_id="rgaa-8.5-title", source=Source.CHECK, outcome=Outcome.CANT_TELL, page_key=url,
                    page_url=url, impact=Impact.MODERATE, rgaa_tests=("8.6.1",), wcag=("2.4.2",), selector="title",
                    message="Titre à relire", title="Le titre est pertinent", question="Le titre est-il pertinent ?",
                    fingerprint="t"),
            Finding(check_id="rgaa-8.3-lang-present", source=Source.CHECK, outcome=Outcome.PASSED, page_key=url,
                    page_url=url, rgaa_tests=("8.3.1",), wcag=("3.1.1",), selector="html", title="lang présent",
                    fingerprint="l", conclusive=True),
            Finding(check_id="axe:image-alt", source=Source.AXE, outcome=Outcome.INAPPLICABLE, page_key=url,
                    page_url=url, rgaa_tests=("1.1.1",), title="image-alt", fingerprint="i",
                    extra={"dismissed": {"reason": "décoratives", "by": "Ana"}} if n == 1 else {}),
        ]
        store.save_page(run, snap, findings)
    return store, store.run(run.id)


def test_streamed_reports_are_the_rendered_ones(tmp_path):
    """Each report written as it goes has the bytes of the one rendered in memory; the assessment's grid
    (built page by page) and page counts are those of every finding at once."""
    import json as std_json

    from audit import scoring
    from audit.assessment import assess, grid_pages
    from audit.reports import html, json, junit, report_of, sarif

    store, run = _store_with_findings(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    a = assess(store, run)
    assert junit.write(a, out).read_bytes() == junit.render(a)
    assert sarif.write(a, out).read_text(encoding="utf-8") == sarif.render(a)
    assert '"startLine"' in sarif.render(a)  # the region found in the page's source, page by page
    everything = list(store.findings(run))
    assert a.grid == scoring.build_grid(grid_pages(a.pages, ())[0], everything)
    assert {f.outcome for f in a.findings} == {"failed", "cant_tell", "inapplicable"}  # the dismissed one
    for snap in a.pages:
        live = [f.outcome.value for f in everything if f.page_key == snap.key and not (f.extra or {}).get("dismissed")]
        assert a.page_counts.get(snap.key, {}) == {o: live.count(o) for o in dict.fromkeys(live)}
    report = report_of(a)
    assert json.write(report, out).read_text(encoding="utf-8") == std_json.dumps(report, indent=2,
                                                                                 ensure_ascii=False)
    assert html.write(report, run.folder, out).read_text(encoding="utf-8") == html.render(report)
    assert report["totals"]["failed"] == 3 and report["totals"]["dismissed"] == 1

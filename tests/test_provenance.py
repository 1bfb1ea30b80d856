"""A flag that replaces a registered input (--sessions, --verdicts, --sample) is recorded in the result's provenance
and said by every output that used it; the result is made again when an input changes, never otherwise."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from audit import assessment
from audit.baseline import compare_entries
from audit.model import Finding, Outcome, PageKind, PageSnapshot, Site, Source
from audit.reports import junit, report_of, sarif, summary
from audit.store import Store

BASE = "https://ville.example"
SESSION = """kind: session
site: ville
protocol: p
pseudonym: Testeur A
date: "2026-11-20"
environment: {assistive_technology: NVDA 2024.4, browser: Firefox 133, os: Windows 11}
tasks: []
"""


def _run(tmp_path):
    store = Store(tmp_path / "runs")
    run = store.create_run("ville", BASE, {})
    snap = PageSnapshot(key=BASE + "/", url=BASE + "/", status=200, kind=PageKind.HTML)
    store.save_page(run, snap, [Finding(check_id="rgaa-8.5-title", source=Source.CHECK, outcome=Outcome.FAILED,
                                        page_key=snap.key, page_url=snap.url, rgaa_tests=("8.5.1",),
                                        message="pas de titre", title="pas de titre", fingerprint="f1")])
    return store, store.run(run.id)


def test_an_override_is_said_by_every_output(tmp_path):
    store, run = _run(tmp_path)
    site = Site(id="ville", name="Ville", base_url=BASE)
    inputs = assessment.override(assessment.registered(site), verdicts=None, sample_file=None,
                                 sessions=[str(tmp_path / "sessions")])
    (tmp_path / "sessions").mkdir()
    a = assessment.assess(store, run, site, inputs)
    flags = a.inputs.overrides
    assert flags == (f"--sessions {tmp_path / 'sessions'}",)
    assert report_of(a, "fr")["provenance"]["overrides"] == list(flags)
    assert sarif.build(a)["runs"][0]["properties"]["provenance"]["overrides"] == list(flags)
    assert "Données remplacées en ligne de commande" in summary.render(compare_entries(a, [], "serious"), a)
    suite = ET.fromstring(junit.render(a)).find("testsuite")
    assert suite.find("properties/property[@name='overrides']").get("value") == flags[0]
    plain = assessment.assess(store, run, site)
    assert plain.inputs.overrides == () and report_of(plain, "fr")["provenance"]["overrides"] == []
    store.close()


def test_the_stored_result_is_made_again_only_when_an_input_changes(tmp_path, monkeypatch):
    store, run = _run(tmp_path)
    folder = tmp_path / "sessions"
    folder.mkdir()
    site = Site(id="ville", name="Ville", base_url=BASE, sessions=(str(folder),))
    made = []
    real = assessment.assess
    monkeypatch.setattr(assessment, "assess", lambda *args, **kw: made.append(1) or real(*args, **kw))
    first = assessment.load_or_assess(store, run, site)
    again = assessment.load_or_assess(store, run, site)
    assert len(made) == 1 and again.problems == first.problems == 1
    (folder / "s.yaml").write_text(SESSION, encoding="utf-8")  # a new session file: a new result
    assessment.load_or_assess(store, run, site)
    assert len(made) == 2
    store.save_page(run, PageSnapshot(key=BASE + "/a", url=BASE + "/a", status=200, kind=PageKind.HTML), [])
    assessment.load_or_assess(store, run, site)  # the run's findings changed: the stored result was forgotten
    assert len(made) == 3
    store.close()

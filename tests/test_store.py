from __future__ import annotations

import pytest

from audit.model import Finding, Outcome, PageKind, PageRef, PageSnapshot, PageState, Source
from audit.store import Store, StoreError


def _finding(key: str, url: str) -> Finding:
    return Finding(check_id="axe:image-alt", source=Source.AXE, outcome=Outcome.FAILED, page_key=key,
                   page_url=url, rgaa_tests=("1.1.1",), wcag=("1.1.1",), selector="img", fingerprint="abc")


def test_run_pages_findings_round_trip(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {"axe_version": "4.14.1"})
    assert run.folder.is_dir() and (run.folder / "run.json").is_file()
    ref = PageRef(url="http://x/a", depth=1, via="link")
    store.queue(run, ref)
    store.queue(run, ref)  # idempotent
    assert [r.url for r in store.page_refs(run, PageState.QUEUED)] == ["http://x/a"]
    snap = PageSnapshot(key=ref.key, url=ref.url, status=200, title="A", links=["http://x/b"])
    store.save_page(run, snap, [_finding(ref.key, ref.url)])
    assert store.page_refs(run, PageState.QUEUED) == []
    assert store.done_keys(run) == {"http://x/a"}
    [found] = list(store.findings(run))
    assert found.rgaa_tests == ("1.1.1",) and found.outcome == Outcome.FAILED
    # saving the same page again replaces its findings, never duplicates them
    store.save_page(run, snap, [_finding(ref.key, ref.url)])
    assert len(list(store.findings(run))) == 1
    assert store.page_links(run)[0][1] == ["http://x/b"]


def test_error_pages_and_lookup(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {})
    store.save_page(run, PageSnapshot(key="http://x/z", url="http://x/z", error="timeout", kind=PageKind.HTML))
    assert store.page_counts(run) == {"error": 1}
    assert store.run("latest").id == run.id
    assert store.run("ville").id == run.id
    assert store.run(str(run.folder)).id == run.id
    with pytest.raises(StoreError, match="no run 'nope'"):
        store.run("nope")


def test_unfinished_run_is_found_for_resume(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {})
    store.set_status(run.id, "interrupted")
    assert store.latest_unfinished("ville").id == run.id
    store.set_status(run.id, "complete")
    assert store.latest_unfinished("ville") is None

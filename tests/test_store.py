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
    with pytest.raises(StoreError, match="aucun audit « nope »"):
        store.run("nope")


def test_unfinished_run_is_found_for_resume(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {})
    store.set_status(run.id, "interrupted")
    assert store.latest_unfinished("ville").id == run.id
    store.set_status(run.id, "complete")
    assert store.latest_unfinished("ville") is None


def test_store_made_by_an_older_version_is_migrated(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / "a11y-audit.sqlite")
    db.executescript("""
        CREATE TABLE runs (id TEXT PRIMARY KEY, site TEXT NOT NULL, base_url TEXT NOT NULL, folder TEXT NOT NULL,
            started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE pages (run_id TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, url TEXT NOT NULL,
            final_url TEXT, kind TEXT NOT NULL, via TEXT NOT NULL, depth INTEGER NOT NULL, referrer TEXT, name TEXT,
            journey TEXT, step INTEGER, state TEXT NOT NULL, status INTEGER, title TEXT, content_type TEXT,
            content_hash TEXT, error TEXT, timings TEXT NOT NULL DEFAULT '{}', files TEXT NOT NULL DEFAULT '{}',
            boxes TEXT NOT NULL DEFAULT '{}', links TEXT NOT NULL DEFAULT '[]', reused_from TEXT,
            PRIMARY KEY (run_id, key));
        INSERT INTO runs VALUES ('s/1', 's', 'http://x', 's/1', '2026-01-01T00:00:00Z', NULL, 'complete', '{}');
        INSERT INTO pages (run_id, key, seq, url, kind, via, depth, state) VALUES ('s/1', 'http://x/', 1, 'http://x/',
            'html', 'seed', 0, 'done');
    """)
    db.commit()
    db.close()
    store = Store(tmp_path)
    [page] = store.pages(store.run("s/1"))
    assert page.validators == {} and page.url == "http://x/"
    assert page.same_as is None and page.canonical is None and page.render_hash is None
    columns = {r["name"] for r in store.db.execute("PRAGMA table_info(pages)")}
    assert {"same_as", "canonical", "render_hash"} <= columns


def test_duplicates_are_stored_apart_and_left_out_of_pages_by_default(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {})
    store.save_page(run, PageSnapshot(key="http://x/", url="http://x/", status=200, title="Accueil"))
    store.save_page(run, PageSnapshot(key="http://x/index.html", url="http://x/index.html", status=200,
                                      title="Accueil", name="Index", same_as="http://x/"))
    store.save_page(run, PageSnapshot(key="http://x/vieux", url="http://x/vieux", final_url="http://x/",
                                      status=200, same_as="http://x/"))
    store.save_page(run, PageSnapshot(key="http://x/absente", url="http://x/absente", status=404,
                                      error="HTTP 404 Not Found: page not audited"))
    assert store.page_counts(run) == {"done": 1, "duplicate": 2, "error": 1}
    assert [p.url for p in store.pages(run)] == ["http://x/", "http://x/absente"]
    assert len(store.pages(run, duplicates=True)) == 4
    assert [p.same_as for p in store.pages(run, PageState.DUPLICATE)] == ["http://x/", "http://x/"]
    assert store.aliases(run) == {"http://x/index.html": "http://x/", "http://x/vieux": "http://x/"}
    assert store.done_keys(run) == {"http://x/", "http://x/index.html", "http://x/vieux", "http://x/absente"}


def test_a_failed_run_is_finished_with_its_reason_and_never_resumed(tmp_path):
    store = Store(tmp_path)
    run = store.create_run("ville", "http://x", {})
    store.fail_run(run.id, "unreachable", url="http://x/", error="net::ERR_CONNECTION_REFUSED")
    failed = store.run(run.id)
    assert failed.status == "failed" and failed.finished
    assert failed.meta["failure"] == {"reason": "unreachable", "url": "http://x/",
                                      "error": "net::ERR_CONNECTION_REFUSED"}
    assert store.latest_unfinished("ville") is None
    assert store.previous_complete("ville", "ville/z") is None

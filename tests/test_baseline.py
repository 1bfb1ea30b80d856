"""Baselines: accepted findings gate only new ones; identity survives unrelated edits and port changes."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

from audit import baseline, runner
from audit.assessment import assess
from audit.baseline import BaselineError, compare, compare_runs, page_path
from audit.fingerprint import fingerprint
from audit.model import CrawlPolicy, Finding, Impact, Outcome, PageSnapshot, SamplePage, Site, Source
from audit.store import Store

TODAY = date(2026, 11, 22)


# --- synthetic stores --------------------------------------------------------------------------


def failure(check: str, selector: str, snippet: str, impact: str = "serious", message: str = "") -> dict:
    return {"check": check, "selector": selector, "snippet": snippet, "impact": impact, "message": message}


def make_run(store: Store, base: str, pages: dict[str, list[dict]], errors: tuple[str, ...] = (),
             site: str = "ville", dismissed: tuple[str, ...] = ()):
    """A complete run: each page path gets the given failures (fingerprints computed as the checks do)."""
    run = store.create_run(site, base, {"site_name": "Ville"})
    time.sleep(0.011)  # run ids have centiseconds: two runs never share a folder
    for path, specs in pages.items():
        key = path if path.startswith("journey:") else base + path
        url = base + "/etape" if path.startswith("journey:") else key
        journey = path.split(":")[1] if path.startswith("journey:") else None
        step = int(path.split(":")[2]) if journey else None
        snap = PageSnapshot(key=key, url=url, status=200, journey=journey, step=step,
                            error="HTTP 500" if path in errors else None)
        found = []
        for s in specs:
            found.append(Finding(
                check_id=s["check"], source=Source.AXE, outcome=Outcome.FAILED, page_key=key, page_url=url,
                impact=Impact(s["impact"]) if s["impact"] else None, selector=s["selector"], snippet=s["snippet"],
                message=s["message"] or f"{s['check']} failed", title=s["check"],
                fingerprint=fingerprint(s["check"], s["selector"], s["snippet"]),
                extra={"dismissed": True} if s["selector"] in dismissed else {}))
        found.append(Finding(check_id="axe:document-title", source=Source.AXE, outcome=Outcome.PASSED,
                             page_key=key, page_url=url, fingerprint=fingerprint("axe:document-title", None, None)))
        store.save_page(run, snap, [] if snap.error else found)
    store.set_status(run.id, "complete")
    return store.run(run.id)


IMG = failure("axe:image-alt", "main > img:nth-of-type(2)", '<img src="/a.png" width="320">', "critical")
LABEL = failure("axe:label", "#telephone", '<input type="tel" id="telephone" name="telephone">', "critical")
LANG = failure("axe:html-lang-valid", "html", '<html lang="francais">', "serious")
CONTRAST = failure("axe:color-contrast", ".actu > p", '<p class="date">Publié le 2 juin</p>', "serious")


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "runs") as s:
        yield s


def first_run(store, base="http://127.0.0.1:39169"):
    return make_run(store, base, {"/": [IMG], "/contact.html": [LABEL], "/aide.html": [LANG],
                                  "journey:cantine:4": [CONTRAST]})


# --- identity ----------------------------------------------------------------------------------


def test_page_path_ignores_scheme_and_port_and_keeps_journeys():
    assert page_path("http://127.0.0.1:39169/contact.html", "http://127.0.0.1:40001") == "/contact.html"
    assert page_path("https://www.example.org/", "http://www.example.org") == "/"
    assert page_path("https://www.example.org/ville/agenda?p=2#x", "https://www.example.org/ville/") == "/agenda?p=2"
    assert page_path("https://cdn.example.org/guide.pdf", "https://www.example.org") == "//cdn.example.org/guide.pdf"
    assert page_path("journey:cantine:4", "https://www.example.org") == "journey:cantine:4"


# --- accept ------------------------------------------------------------------------------------


def test_accept_writes_one_sorted_entry_a_line_and_reads_back(store, tmp_path):
    run = first_run(store)
    file = tmp_path / "a11y-baseline.json"
    written = baseline.accept(assess(store, run), file, reason="état initial", today=TODAY)
    text = file.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["site"] == "ville" and data["format"] == baseline.FORMAT and data["version"] == 1
    lines = [line.rstrip(",") for line in text.splitlines() if line.startswith('    {"')]
    assert len(lines) == 4 == len(written.entries)
    for line in lines:  # each entry alone on its line, keys sorted: one accepted finding = one diff line
        entry = json.loads(line)
        assert list(entry) == sorted(entry)
        assert set(entry) == {"accepted", "check_id", "expires", "fingerprint", "impact", "message", "page",
                              "reason", "selector"}
    keys = [(e["page"], e["check_id"]) for e in data["entries"]]
    assert keys == sorted(keys)
    assert {e["page"] for e in data["entries"]} == {"/", "/contact.html", "/aide.html", "journey:cantine:4"}
    assert all(e["accepted"] == "2026-11-22" and e["reason"] == "état initial" for e in data["entries"])
    assert baseline.load(file).entries == written.entries
    # Writing the same run again gives the same bytes: no churn in git.
    baseline.accept(assess(store, run), file, today=TODAY + timedelta(days=3))
    assert file.read_text(encoding="utf-8") == text


def test_accept_min_impact_keeps_only_the_worst(store, tmp_path):
    run = first_run(store)
    written = baseline.accept(assess(store, run), tmp_path / "b.json", min_impact="critical", today=TODAY)
    assert sorted(e.check_id for e in written.entries) == ["axe:image-alt", "axe:label"]


# --- compare -----------------------------------------------------------------------------------


def test_same_findings_on_a_new_port_are_not_new(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, today=TODAY)
    again = first_run(store, base="http://127.0.0.1:40123")
    cmp = compare(assess(store, again), file, "serious", today=TODAY)
    assert (cmp.new, cmp.fixed, cmp.new_below) == ((), (), ())
    assert len(cmp.still_open) == 4 and cmp.exit_code == 0


def test_a_new_failure_exits_2_and_is_the_only_one_named(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, today=TODAY)
    button = failure("axe:button-name", ".fermer", '<button type="button" class="fermer"></button>', "critical")
    run = make_run(store, "http://127.0.0.1:40123", {"/": [IMG], "/contact.html": [LABEL, button],
                                                     "/aide.html": [LANG], "journey:cantine:4": [CONTRAST]})
    cmp = compare(assess(store, run), file, "serious", today=TODAY)
    assert [(cmp.page_of(f), f.check_id, f.selector) for f in cmp.new] == [("/contact.html", "axe:button-name",
                                                                           ".fermer")]
    assert cmp.exit_code == baseline.EXIT_NEW == 2
    lines = baseline.describe(cmp)
    assert sum("NOUVEAU" in line for line in lines) == 1 and "axe:button-name" in "\n".join(lines)
    # The same new failure under a stricter threshold is shown, and does not fail the build.
    lenient = compare(assess(store, run), file, "none", today=TODAY)
    assert lenient.new == () and [f.check_id for f in lenient.new_below] == ["axe:button-name"]
    assert lenient.exit_code == 0


def test_unrelated_edits_keep_the_identity(store, tmp_path):
    """Text changed elsewhere, an element inserted before it, attribute values changed: same finding."""
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, today=TODAY)
    moved = failure("axe:image-alt", "main > img:nth-of-type(3)", '<img src="/b-2026.png" width="640">', "critical")
    relabelled = failure("axe:label", "#telephone", '<input type="tel" id="telephone" name="tel-fixe">', "critical")
    run = make_run(store, "http://127.0.0.1:40999", {"/": [moved], "/contact.html": [relabelled],
                                                     "/aide.html": [LANG], "journey:cantine:4": [CONTRAST]})
    cmp = compare(assess(store, run), file, "minor", today=TODAY)
    assert cmp.new == () and cmp.fixed == () and cmp.exit_code == 0


def test_moving_the_element_to_another_container_makes_it_new(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, today=TODAY)
    elsewhere = failure("axe:image-alt", "footer > img", '<img src="/a.png" width="320">', "critical")
    run = make_run(store, "http://127.0.0.1:39169", {"/": [elsewhere], "/contact.html": [LABEL],
                                                     "/aide.html": [LANG], "journey:cantine:4": [CONTRAST]})
    cmp = compare(assess(store, run), file, "serious", today=TODAY)
    assert [f.selector for f in cmp.new] == ["footer > img"]
    assert [(e.page, e.check_id) for e in cmp.fixed] == [("/", "axe:image-alt")]


def test_fixed_only_on_pages_audited_this_time(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, today=TODAY)
    # /aide.html fixed; /contact.html in error this time; the journey step not reached at all.
    run = make_run(store, "http://127.0.0.1:39169", {"/": [IMG], "/contact.html": [], "/aide.html": []},
                   errors=("/contact.html",))
    cmp = compare(assess(store, run), file, "serious", today=TODAY)
    assert [(e.page, e.check_id) for e in cmp.fixed] == [("/aide.html", "axe:html-lang-valid")]
    assert sorted(e.page for e in cmp.not_checked) == ["/contact.html", "journey:cantine:4"]
    assert cmp.new == () and cmp.exit_code == 0
    text = "\n".join(baseline.describe(cmp))
    assert "CORRIGÉ" in text and "non auditées" in text


def test_expired_acceptance_counts_as_new_again(store, tmp_path):
    file = tmp_path / "b.json"
    run = first_run(store)
    baseline.accept(assess(store, run), file, expires=TODAY - timedelta(days=1), today=TODAY - timedelta(days=30))
    cmp = compare(assess(store, run), file, "serious", today=TODAY)
    assert len(cmp.new) == 4 and len(cmp.expired) == 4 and cmp.exit_code == 2
    assert "acceptation expirée" in "\n".join(baseline.describe(cmp))
    # Still valid the day it expires.
    assert compare(assess(store, run), file, "serious", today=TODAY - timedelta(days=1)).exit_code == 0
    # Accepting again renews an expired acceptance (and keeps a valid one as it was).
    baseline.accept(assess(store, run), file, reason="reporté", expires=TODAY + timedelta(days=90), today=TODAY)
    renewed = baseline.load(file)
    assert {e.expires for e in renewed.entries} == {(TODAY + timedelta(days=90)).isoformat()}
    assert compare(assess(store, run), file, "serious", today=TODAY).exit_code == 0


def test_same_identity_several_times_is_counted(store, tmp_path):
    """Three FAQ buttons with the same defect share an identity: a fourth one is new."""
    faq = [failure("axe:aria-valid-attr-value", f"#faq-q{i}", f'<button id="faq-q{i}" aria-expanded="faux">',
                   "critical") for i in (1, 2, 3, 4)]
    file = tmp_path / "b.json"
    baseline.accept(assess(store, make_run(store, "http://h", {"/aide.html": faq[:3]})), file, today=TODAY)
    cmp = compare(assess(store, make_run(store, "http://h", {"/aide.html": faq})), file, "serious", today=TODAY)
    assert [f.selector for f in cmp.new] == ["#faq-q4"] and len(cmp.still_open) == 3
    cmp = compare(assess(store, make_run(store, "http://h", {"/aide.html": faq[:2]})), file, "serious", today=TODAY)
    assert [e.selector for e in cmp.fixed] == ["#faq-q3"] and cmp.new == ()


def test_dismissed_findings_are_never_new(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, make_run(store, "http://h", {"/": []})), file, today=TODAY)
    run = make_run(store, "http://h", {"/": [IMG, LABEL]}, dismissed=("#telephone",))
    assert [f.check_id for f in compare(assess(store, run), file, "serious", today=TODAY).new] == ["axe:image-alt"]


def test_reaccept_keeps_history_and_entries_of_pages_not_audited(store, tmp_path):
    file = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), file, reason="audit initial", today=TODAY - timedelta(days=10))
    partial = make_run(store, "http://127.0.0.1:1", {"/": [IMG, CONTRAST], "/aide.html": []})
    baseline.accept(assess(store, partial), file, reason="nouveau", today=TODAY)
    entries = {(e.page, e.check_id): e for e in baseline.load(file).entries}
    assert entries[("/", "axe:image-alt")].accepted == "2026-11-12"
    assert entries[("/", "axe:image-alt")].reason == "audit initial"
    assert entries[("/", "axe:color-contrast")].accepted == "2026-11-22"
    assert entries[("/", "axe:color-contrast")].reason == "nouveau"
    assert ("/aide.html", "axe:html-lang-valid") not in entries  # fixed on an audited page: dropped
    assert ("/contact.html", "axe:label") in entries and ("journey:cantine:4", "axe:color-contrast") in entries


def test_compare_with_the_previous_run(store):
    old = first_run(store)
    new = make_run(store, "http://127.0.0.1:2", {"/": [IMG, LABEL], "/contact.html": [], "/aide.html": [LANG],
                                                 "journey:cantine:4": [CONTRAST]})
    cmp = compare_runs(assess(store, new), assess(store, old), "serious")
    assert [(cmp.page_of(f), f.check_id) for f in cmp.new] == [("/", "axe:label")]
    assert [(e.page, e.check_id) for e in cmp.fixed] == [("/contact.html", "axe:label")]
    assert cmp.reference == old.id


# --- bad files: one line, where and what -------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(BaselineError) as info:
        baseline.load(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_baseline_errors_say_file_line_and_what(store, tmp_path):
    good = tmp_path / "b.json"
    baseline.accept(assess(store, first_run(store)), good, today=TODAY)
    lines = good.read_text(encoding="utf-8").splitlines()

    broken = tmp_path / "broken.json"
    broken.write_text("\n".join(lines[:3] + ["    {oops"] + lines[3:]), encoding="utf-8")
    assert _error(broken).startswith(f"{broken}:4: JSON invalide")

    shape = tmp_path / "shape.json"
    bad = json.loads(lines[3].rstrip(","))
    bad["impact"] = "bloquant"
    shape.write_text("\n".join(lines[:3] + [json.dumps(bad) + ","] + lines[4:]), encoding="utf-8")
    assert _error(shape) == (f"{shape}:4: entries[1].impact: « bloquant » n'est pas une gravité : critical, "
                             "serious, moderate, minor (ou null)")

    typo = tmp_path / "typo.json"
    bad = json.loads(lines[2].rstrip(","))
    bad["expire"] = "2027-01-01"
    typo.write_text("\n".join(lines[:2] + [json.dumps(bad) + ","] + lines[3:]), encoding="utf-8")
    assert _error(typo).startswith(f"{typo}:3: entries[0]: champ inconnu « expire »")

    when = tmp_path / "when.json"
    bad["expires"] = "31/12/2026"
    del bad["expire"]
    when.write_text("\n".join(lines[:2] + [json.dumps(bad) + ","] + lines[3:]), encoding="utf-8")
    assert _error(when) == f'{when}:3: entries[0].expires: une date AAAA-MM-JJ est attendue, pas "31/12/2026"'

    other = tmp_path / "other.json"
    other.write_text('{"entries": {}, "format": "something-else"}', encoding="utf-8")
    assert "ce n'est pas un fichier de référence d'a11y-audit" in _error(other)
    assert "baseline accept" in _error(tmp_path / "missing.json")

    wrong_site = tmp_path / "site.json"
    wrong_site.write_text(good.read_text(encoding="utf-8").replace('"site": "ville"', '"site": "mairie"'),
                          encoding="utf-8")
    with pytest.raises(BaselineError, match="celui du site « mairie »"):
        compare(assess(store, store.run("ville")), wrong_site)
    with pytest.raises(BaselineError, match="--expires: une date AAAA-MM-JJ est attendue"):
        baseline.accept(assess(store, store.run("ville")), tmp_path / "x.json", expires="demain")


# --- the real thing: Chromium, axe and our checks on a small site that changes ---------------

PAGES_V1 = {
    "index.html": """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Accueil — Mini</title></head>
<body><header><a href="/">Mini</a></header><main><h1>Accueil</h1><p>Bienvenue sur le site.</p>
<ul><li><a href="/contact.html">Contact</a></li></ul>
<img src="/photo.png" width="320" height="180"></main></body></html>""",
    "contact.html": """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Contact — Mini</title></head>
<body><header><a href="/">Mini</a></header><main><h1>Contact</h1><p>Écrivez-nous.</p>
<form action="/envoi"><input type="text" id="nom" name="nom"><button type="submit">Envoyer</button></form>
</main></body></html>""",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def audit_site(store: Store, folder: Path, pages: dict[str, str], chromium: str):
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    with serve(folder) as url:  # a new port every time, like the demo town
        site = Site(id="mini", name="Mini", base_url=url,
                    pages=(SamplePage("Accueil", "/"), SamplePage("Contact", "/contact.html")),
                    crawl=CrawlPolicy(sitemaps=False, max_pages=4, max_depth=1, delay=0, concurrency=2))
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, screenshot=False))
    return run


@pytest.mark.browser
def test_end_to_end_in_chromium_new_defect_exits_2_unrelated_edit_exits_0(tmp_path, chromium, monkeypatch):
    # The HTML validator (a JVM, ~20 s a run) decides nothing about identities: leave it out here.
    monkeypatch.setenv("A11Y_AUDIT_VNU", str(tmp_path / "no-vnu.jar"))
    folder = tmp_path / "site"
    folder.mkdir()
    with Store(tmp_path / "runs") as store:
        first = audit_site(store, folder, PAGES_V1, chromium)
        accepted = baseline.accept(assess(store, first), tmp_path / "a11y-baseline.json", today=TODAY)
        checks = {e.check_id for e in accepted.entries}
        # one entry a problem: the image without alt and the unlabelled field are reported by our checks and by
        # axe (axe:image-alt, axe:label); our check's finding speaks for the problem, axe's is not a second entry
        assert {"rgaa-1.1-img-alt", "rgaa-11.1-label"} <= checks, checks
        assert not {"axe:image-alt", "axe:label"} & checks, checks

        # Unrelated edits: text changed on both pages, a paragraph and a figure inserted before the image.
        edited = {
            "index.html": PAGES_V1["index.html"].replace(
                "<p>Bienvenue sur le site.</p>",
                "<p>Bonjour à toutes et à tous, voici les nouvelles de la semaine.</p><p>Travaux rue Haute.</p>"),
            "contact.html": PAGES_V1["contact.html"].replace("Écrivez-nous.", "Une question ? Écrivez-nous."),
        }
        second = audit_site(store, folder, edited, chromium)
        cmp = compare(assess(store, second), tmp_path / "a11y-baseline.json", "minor", today=TODAY)
        assert cmp.new == () and cmp.new_below == (), baseline.describe(cmp)
        assert cmp.fixed == () and cmp.exit_code == 0

        # One new defect: a button without a name on the contact page.
        broken = dict(edited, **{"contact.html": edited["contact.html"].replace(
            "<h1>Contact</h1>", '<h1>Contact</h1><button type="button" class="fermer"></button>')})
        third = audit_site(store, folder, broken, chromium)
        cmp = compare(assess(store, third), tmp_path / "a11y-baseline.json", "serious", today=TODAY)
        assert cmp.exit_code == 2
        named = {(cmp.page_of(f), f.check_id) for f in cmp.new}
        assert ("/contact.html", "axe:button-name") in named, baseline.describe(cmp)
        assert {page for page, _ in named} == {"/contact.html"}
        assert all(f.selector and "fermer" in (f.snippet or "") for f in cmp.new), baseline.describe(cmp)


# --- the CLI (wired by audit/cli.py: `baseline accept`, `baseline compare`, `run --baseline`) -----------


def test_cli_accept_then_compare_exit_codes(store, tmp_path):
    from click.testing import CliRunner

    from audit.cli import cli

    first_run(store)
    runs, file = str(store.root), str(tmp_path / "a11y-baseline.json")
    cli_runner = CliRunner()
    done = cli_runner.invoke(cli, ["baseline", "accept", "ville", "--out", file, "--runs-dir", runs,
                                   "--reason", "audit initial"])
    assert done.exit_code == 0, done.output
    assert "4 non-conformités acceptées" in done.output
    same = cli_runner.invoke(cli, ["baseline", "compare", "ville", "--baseline", file, "--runs-dir", runs])
    assert same.exit_code == 0, same.output
    button = failure("axe:button-name", ".fermer", '<button class="fermer"></button>', "critical")
    make_run(store, "http://127.0.0.1:5", {"/": [IMG], "/contact.html": [LABEL, button], "/aide.html": [],
                                           "journey:cantine:4": [CONTRAST]})
    worse = cli_runner.invoke(cli, ["baseline", "compare", "ville", "--baseline", file, "--runs-dir", runs])
    assert worse.exit_code == 2, worse.output
    assert [line for line in worse.output.splitlines() if "NOUVEAU" in line] == [
        "  NOUVEAU [critique] /contact.html — axe:button-name — .fermer — axe:button-name failed"]
    assert "CORRIGÉ [grave] /aide.html — axe:html-lang-valid — html" in worse.output
    Path(file).write_text("{ not json", encoding="utf-8")
    broken = cli_runner.invoke(cli, ["baseline", "compare", "ville", "--baseline", file, "--runs-dir", runs])
    assert broken.exit_code == 1
    assert broken.output.strip().startswith(f"a11y-audit : erreur : {file}:1: JSON invalide")
    assert "Traceback" not in broken.output

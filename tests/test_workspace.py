"""The web workspace (a11y-audit serve) on real runs of the demo town (real Chromium): access, CSRF, verdicts
kept in the store with who and when, two people on one cell, verdicts that hold on an unchanged site and go
back to « à vérifier » on the page that changed, publishing, the plan, and the app audited by the tool itself."""

from __future__ import annotations

import os
import re
import shutil
import threading
from html import unescape
from pathlib import Path

import pytest

from audit import assessment, config, words, workspace
from audit.demo import DEMO_ROOT, DemoServer, demo_password
from audit.store import Store

pytestmark = pytest.mark.browser

CONFIG = Path(DEMO_ROOT).parents[1] / "sites.yaml"
PEOPLE = [workspace.Person("Jeanne Auditrice", "auditor", workspace.token_digest("jeton-audit")),
          workspace.Person("Marc Responsable", "manager", workspace.token_digest("jeton-resp")),
          workspace.Person("Léa Lecture", "read", workspace.token_digest("jeton-lecture"))]


def _site():
    return next(s for s in config.load(str(CONFIG)).sites if s.id == "ville-demo")


def _run(root: Path, runs: Path, chromium: str):
    from audit import runner

    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    with DemoServer(root) as server, Store(runs) as store:
        site = config.with_base_url(_site(), server.url)
        [info] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium))
    return info


@pytest.fixture(scope="module")
def town(tmp_path_factory, chromium):
    """A copy of the demo town (so that one page can change) and a first run of it."""
    base = tmp_path_factory.mktemp("town")
    root = base / "site"
    shutil.copytree(DEMO_ROOT, root)
    runs = base / "runs"
    first = _run(root, runs, chromium)
    return {"root": root, "runs": runs, "first": first, "chromium": chromium}


def _client(runs: Path, who: str = "jeton-audit", lang: str = "fr"):
    app = workspace.create_app(CONFIG, runs, people=PEOPLE, lang=lang)
    client = app.test_client()
    page = client.get("/connexion")
    token = re.search(r'name="jeton" value="([^"]+)"', page.text).group(1)
    signed = client.post("/connexion", data={"jeton": token, "jeton_acces": who, "suite": "/"})
    assert signed.status_code == 303, signed.text
    return client


def _form(page) -> dict[str, str]:
    return {name: value for name, value in re.findall(r'name="(jeton|version)" value="([^"]*)"', page.text)}


def _assessed(runs: Path, run=None):
    with Store(runs) as store:
        run = run or store.runs("ville-demo")[-1]
        return assessment.load_or_assess(store, run, config.with_base_url(_site(), run.base_url))


def test_nobody_comes_in_without_a_token_and_a_wrong_one_is_refused(town):
    app = workspace.create_app(CONFIG, town["runs"], people=PEOPLE)
    client = app.test_client()
    assert client.get("/sites/ville-demo/grille").status_code == 303
    page = client.get("/connexion")
    token = re.search(r'name="jeton" value="([^"]+)"', page.text).group(1)
    refused = client.post("/connexion", data={"jeton": token, "jeton_acces": "pas-le-bon"})
    assert refused.status_code == 403 and "n'ouvre pas" in unescape(refused.text)
    assert client.post("/connexion", data={"jeton": "faux", "jeton_acces": "jeton-audit"}).status_code == 400


def test_security_headers_and_a_foreign_host_refused(town):
    client = _client(town["runs"])
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_a_verdict_is_kept_with_who_and_when_and_the_grid_follows(town):
    client = _client(town["runs"])
    before = _assessed(town["runs"])
    gp = before.grid.pages[0]
    crit = next(c for (k, c), cell in before.grid.cells.items() if k == gp.key and cell.status.value == "NT")
    page = client.get(f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}")
    assert page.status_code == 200 and "Votre verdict" in page.text
    saved = client.post(f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}",
                        data={**_form(page), "critere_statut": "NA", "commentaire": "Pas de contenu de ce type.",
                              "derogation": ""})
    assert saved.status_code == 303
    after = _assessed(town["runs"])
    assert after.grid.cells[(gp.key, crit)].status.value == "NA"
    assert after.rates.nt_cells == before.rates.nt_cells - 1
    with Store(town["runs"]) as store:
        [row] = [v for v in store.verdicts("ville-demo") if v.page == gp.ref and v.criterion == crit]
    assert row.auditor == "Jeanne Auditrice" and row.at and row.comment == "Pas de contenu de ce type."
    # the reader may look, never settle
    reader = _client(town["runs"], "jeton-lecture")
    page = reader.get(f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}")
    assert "Votre verdict" not in page.text
    refused = reader.post(f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}",
                          data={**_form(page), "critere_statut": "C"})
    assert refused.status_code == 403


def test_a_cell_shows_the_element_cropped_from_a_screenshot_that_shows_it(town):
    """The cell's finding links to its element's capture, cut out of the page's screenshot (a JPEG); an element
    without a box on the screenshot has no capture: 404, never an empty image (a box below the screenshot's end:
    tests/test_browser.py, PageSnapshot.shot_box)."""
    import io

    from PIL import Image

    from audit.address import page_id

    a = _assessed(town["runs"])
    grid_keys = {p.key: p for p in a.grid.pages}
    snaps = {p.key: p for p in a.pages}
    f = next(f for f in a.findings if f.page_key in grid_keys and f.rgaa_tests and not f.repeated
             and snaps[f.page_key].shot_box(f.selector))
    gp, snap = grid_keys[f.page_key], snaps[f.page_key]
    client = _client(town["runs"])
    page = client.get(f"/sites/ville-demo/cellule?page={gp.ref}&critere={'.'.join(f.rgaa_tests[0].split('.')[:2])}")
    assert page.status_code == 200
    src = unescape(re.search(r'<img class="crop" src="([^"]+)"', page.text).group(1))
    shot = client.get(src)
    assert shot.status_code == 200 and shot.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(shot.data)).size[0] >= snap.boxes[f.selector]["width"]
    assert client.get(f"/sites/ville-demo/capture?page={page_id(snap.key)}&selecteur=nowhere").status_code == 404


def test_two_people_saving_one_cell_the_second_is_told_and_nothing_is_overwritten(town):
    first, second = _client(town["runs"]), _client(town["runs"])
    a = _assessed(town["runs"])
    gp = a.grid.pages[1]
    crit = next(c for (k, c), cell in a.grid.cells.items() if k == gp.key and cell.status.value == "NT")
    url = f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}"
    seen_by_first, seen_by_second = first.get(url), second.get(url)
    assert first.post(url, data={**_form(seen_by_first), "critere_statut": "C"}).status_code == 303
    told = second.post(url, data={**_form(seen_by_second), "critere_statut": "NC", "commentaire": "non"})
    assert told.status_code == 409 and "Jeanne Auditrice" in told.text and "pas été enregistrée" in told.text
    assert _assessed(town["runs"]).grid.cells[(gp.key, crit)].status.value == "C"
    # a form without its CSRF token changes nothing
    assert second.post(url, data={"version": _form(told)["version"], "critere_statut": "NC"}).status_code == 400


def test_verdicts_hold_on_an_unchanged_site_and_only_the_changed_page_goes_back(town):
    runs, root = town["runs"], town["root"]
    a = _assessed(runs)
    client = _client(runs)
    for gp in a.grid.pages[:3]:  # a verdict on each of three pages (the home page and two others)
        crit = next(c for (k, c), cell in a.grid.cells.items() if k == gp.key and cell.status.value == "NT")
        url = f"/sites/ville-demo/cellule?page={gp.ref}&critere={crit}"
        assert client.post(url, data={**_form(client.get(url)), "critere_statut": "C"}).status_code == 303
    a = _assessed(runs)
    with Store(runs) as store:
        given = {(v.page, v.criterion) for v in store.verdicts("ville-demo")}
    assert len({page for page, _ in given}) >= 3
    second = _run(root, runs, town["chromium"])
    b = _assessed(runs, second)
    assert b.run.id != a.run.id and b.stale_verdicts == () and b.stored_verdicts == a.stored_verdicts
    # one page of the town changes: only its verdicts go back to « à vérifier », with the reason
    changed_ref = next(ref for ref, _ in given if ref.endswith(".html"))
    page = root / changed_ref.lstrip("/")
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>Nouveau paragraphe.</p></main>"),
                    encoding="utf-8")
    third = _run(root, runs, town["chromium"])
    c = _assessed(runs, third)
    assert {s.page for s in c.stale_verdicts} == {changed_ref}
    assert all(s.reason == assessment.STALE_CONTENT for s in c.stale_verdicts)
    client = _client(runs)
    site_page = client.get("/sites/ville-demo/")
    assert "Verdicts à revoir" in site_page.text and "le contenu de la page a changé" in site_page.text
    # every other verdict still counts
    assert c.stored_verdicts == b.stored_verdicts - len(c.stale_verdicts) > 0


def test_the_plan_is_kept_and_written(town):
    manager = _client(town["runs"], "jeton-resp")
    a = _assessed(town["runs"])
    page = manager.get("/sites/ville-demo/plan")
    assert page.status_code == 200
    first = a.issues[0]
    saved = manager.post("/sites/ville-demo/plan", data={
        "jeton": _form(page)["jeton"], f"responsable_{first.id}": "Service web", f"echeance_{first.id}": "2027-03-31",
        f"etat_{first.id}": "doing"})
    assert saved.status_code == 303
    with Store(town["runs"]) as store:
        item = store.plan("ville-demo")[first.id]
    assert item["owner"] == "Service web" and item["due"] == "2027-03-31" and item["updated_by"] == "Marc Responsable"
    view = manager.get("/sites/ville-demo/plan-d-actions")
    assert view.status_code == 200 and "Service web" in view.text
    bad = manager.post("/sites/ville-demo/plan", data={"jeton": _form(page)["jeton"],
                                                       f"echeance_{first.id}": "31/03/2027"})
    assert bad.status_code == 400 and "AAAA-MM-JJ" in bad.text
    # an auditor may not change the plan
    auditor = _client(town["runs"])
    assert auditor.post("/sites/ville-demo/plan", data={"jeton": _form(auditor.get("/sites/ville-demo/plan"))[
        "jeton"]}).status_code == 403


def test_the_pages_speak_english_on_request(town):
    client = _client(town["runs"], lang="en")
    for path in ("/", "/sites/ville-demo/", "/sites/ville-demo/grille", "/sites/ville-demo/declaration",
                 "/sites/ville-demo/plan"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="en">' in page.text
        for french in ("Les sites de la ville", "Grille d'audit", "Se déconnecter", "Déclaration d'accessibilité",
                       "Plan d'actions", "Aller au contenu principal"):
            assert french not in page.text, (path, french)


# --- in a real browser, with the keyboard only ------------------------------------------------------------


@pytest.fixture()
def served(town, tmp_path):
    from werkzeug.serving import make_server

    runs = tmp_path / "runs"
    shutil.copytree(town["runs"], runs)
    app = workspace.create_app(CONFIG, runs, people=PEOPLE, publish_dir=tmp_path / "publication")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "runs": runs, "publication": tmp_path / "publication"}
    server.shutdown()
    server.server_close()


def _tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element ``selector`` has the focus (the script only ever uses the keyboard)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never reached with Tab")


def test_an_auditor_settles_every_cell_with_the_keyboard_and_the_declaration_becomes_final(served, chromium):
    from playwright.sync_api import sync_playwright

    from audit.browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(served["url"] + "/sites/ville-demo/grille?statut=NT")
        _tab_to(page, "#jeton_acces")
        page.keyboard.type("jeton-audit")
        page.keyboard.press("Enter")
        page.wait_for_url("**/grille?statut=NT")
        _tab_to(page, "table a")  # the first cell « à vérifier » of the grid
        with page.expect_navigation():
            page.keyboard.press("Enter")
        settled = 0
        while "/cellule" in page.url:
            page.wait_for_load_state()
            # Tab reaches the radio group (on its checked radio, if a stale answer is shown); arrows choose « C »
            _tab_to(page, "input[name=critere_statut]")
            for _ in range(3):
                if page.evaluate("document.activeElement.value") == "C":
                    break
                page.keyboard.press("ArrowUp")
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.value") == "C" and page.is_checked(
                "input[name=critere_statut][value=C]")
            _tab_to(page, "input[name=toutes_les_pages]")
            page.keyboard.press("Space")
            _tab_to(page, "form button[type=submit]:not(.secondary)")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            settled += 1
            assert settled < 200
        assert "/declaration" in page.url
        assert "Enregistré" in page.inner_text("[role=status]")
        _tab_to(page, "form button[type=submit]:not(.secondary)")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Déclaration publiée" in page.inner_text("main")
        browser.close()
    a = _assessed(served["runs"])
    assert a.rates.nt_cells == 0 and a.rates.valid
    files = sorted(p.name for p in served["publication"].rglob("*") if p.is_file())
    assert "declaration.html" in files and "accessibility-statement.html" in files
    declaration = next(served["publication"].rglob("declaration.md")).read_text(encoding="utf-8")
    assert "BROUILLON" not in declaration
    # the same numbers in the app, the report and the declaration
    from audit import reports, scoring
    from audit.reports import declaration as decl_lib

    rate = scoring.format_rate(a.rates.global_rate, "fr")
    nc = a.rates.counts["NC"]
    report = reports.report_of(a, "fr")
    assert report["rates"]["global_text"] == rate and report["rates"]["counts"]["NC"] == nc
    assert report["rates"]["nt_cells"] == 0
    app_page = unescape(_client(served["runs"], "jeton-lecture").get("/sites/ville-demo/").text)
    assert rate in app_page and f"/ {nc} /" in app_page
    assert f"{rate} des critères RGAA sont respectés" in declaration
    decl = decl_lib.declare(config.with_base_url(_site(), a.run.base_url), a)
    assert not decl.draft and decl.global_rate == rate and len(decl.nonconformities) == nc
    with Store(served["runs"]) as store:
        assert store.publications("ville-demo")[-1]["state"] == a.rates.state.value


def test_every_page_of_the_app_passes_the_tools_own_audit(served, chromium, monkeypatch):
    """The workspace audited by a11y-audit itself, as it audits a city's pages behind a login: a journey signs in
    with a token and goes through every page of the app (our checks and axe, in Chromium): 0 failed findings."""
    from audit import runner
    from audit.model import CrawlPolicy, Journey, Site, Step, StepAction

    a = _assessed(served["runs"])
    gp = a.grid.pages[0]
    paths = ["/", "/sites/ville-demo/", "/sites/ville-demo/grille?theme=1",
             f"/sites/ville-demo/cellule?page={gp.ref}&critere=1.1", "/sites/ville-demo/declaration",
             "/sites/ville-demo/plan", "/sites/ville-demo/?lang=en", "/sites/ville-demo/grille?theme=3&lang=en"]
    monkeypatch.setenv("A11Y_WORKSPACE_TOKEN", "jeton-audit")
    steps = [Step(StepAction.GOTO, "/connexion", name="Connexion", audit=True),
             Step(StepAction.FILL, "#jeton_acces", value_env="A11Y_WORKSPACE_TOKEN"),
             Step(StepAction.CLICK, "main form button[type=submit]")]
    steps += [Step(StepAction.GOTO, path, name=path, audit=True) for path in paths]
    site = Site(id="espace", name="Espace de travail", base_url=served["url"], pages=(),
                crawl=CrawlPolicy(sitemaps=False, max_pages=1, max_depth=0, allow_private=True),
                journeys=(Journey(id="auditrice", name="Une auditrice parcourt l'espace", steps=tuple(steps)),))
    with Store(served["runs"].parent / "self-audit") as store:
        [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=120))
        pages = [p for p in store.pages(run) if p.journey]
        findings = list(store.findings(run))
    assert len(pages) == len(paths) + 1 and all(p.error is None for p in pages), [(p.url, p.error) for p in pages]
    assert not any("/connexion" in (p.final_url or p.url) for p in pages[1:]), "a page was not signed in"
    failed = [(f.page_url, f.check_id, f.selector, f.message) for f in findings if f.outcome == "failed"
              and f.check_id != "legal-accessibility-mention"]  # the tool's own pages, not the city's
    assert failed == [], "\n".join(map(str, failed))
    assert any(f.check_id.startswith("axe:") for f in findings)  # axe did run on them


def test_the_access_file_is_written_with_digests_only_and_read_back(tmp_path):
    path = tmp_path / "acces.yaml"
    token = workspace.add_person(path, "Jeanne Auditrice", "auditrice")
    [person] = workspace.load_access(path)
    assert person.role == "auditor" and person.token_sha256 == workspace.token_digest(token)
    assert token not in path.read_text(encoding="utf-8")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    path.write_text("people:\n  - name: X\n    role: chef\n    token_sha256: abc\n", encoding="utf-8")
    with pytest.raises(workspace.AccessError) as err:
        workspace.load_access(path)
    assert f"{path}:2:" in str(err.value) and "chef" in str(err.value)
    words.use("en")
    try:
        with pytest.raises(workspace.AccessError) as err:
            workspace.load_access(path)
        assert "is not a role" in str(err.value)
    finally:
        words.use(None)


def test_an_auditors_file_imported_into_the_store_counts_like_the_workspaces_verdicts(town, tmp_path):
    from click.testing import CliRunner

    from audit.cli import cli

    runs = tmp_path / "runs"
    shutil.copytree(town["runs"], runs)
    a = _assessed(runs)
    gp = a.grid.pages[-1]
    crit = next(c for (k, c), cell in a.grid.cells.items() if k == gp.key and cell.status.value == "NT")
    file = tmp_path / "auditeur.yaml"
    file.write_text(f"site: ville-demo\nauditor: Cabinet Exemple\ndate: 2026-12-01\nverdicts:\n  - page: {gp.ref}\n"
                    f"    criteria:\n      \"{crit}\": {{status: NA, comment: Rien de ce type.}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["grid", "import", str(file), "--run", a.run.id, "--runs-dir", str(runs),
                                      "--config", str(CONFIG), "--into-store"])
    assert result.exit_code == 0, result.output
    assert "1 verdict enregistré dans le magasin." in result.output
    with Store(runs) as store:
        [row] = [v for v in store.verdicts("ville-demo") if v.page == gp.ref and v.criterion == crit]
    assert (row.status, row.auditor, row.comment, row.at[:10]) == ("NA", "Cabinet Exemple", "Rien de ce type.",
                                                                    "2026-12-01")
    assert _assessed(runs).grid.cells[(gp.key, crit)].status.value == "NA"

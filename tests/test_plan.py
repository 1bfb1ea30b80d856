"""The year's « plan d'actions »: the ranked issues with the managers' rows, in French and in English."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
from babel.messages.extract import extract_from_file

from audit import words
from audit.assessment import CheckInfo, assess
from audit.fingerprint import fingerprint
from audit.model import DeclarationFacts, Finding, Impact, Outcome, PageSnapshot, Site, Source
from audit.reports import plan
from audit.scoring import Issue
from audit.store import Store

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2027, 4, 15)
LABEL = "rgaa-11.1-label"
LABEL_TITLE = "Chaque champ de formulaire a une étiquette"  # that check's declared title (a msgid)
AXE_TITLES = {"fr": "Les images doivent avoir un texte alternatif", "en": "Images must have alternative text"}
TESTER_TITLE = "Impossible de valider la démarche Allô Mairie au clavier"


def _finding(check: str, source: Source, title: str, extra: dict | None = None) -> Finding:
    return Finding(check_id=check, source=source, outcome=Outcome.FAILED, page_key="https://bellerive.test/",
                   page_url="https://bellerive.test/", impact=Impact.SERIOUS, title=title, extra=extra or {})


def _issue(rank: int, iid: str, check: str, source: str, title: str, impact: Impact | None,
           criteria: tuple[str, ...] = ("11.1",), pages: int = 1, blocking: bool = False,
           findings: tuple[Finding, ...] = ()) -> Issue:
    return Issue(id=iid, check_id=check, source=source, title=title, message="", impact=impact, blocking=blocking,
                 level="A", wcag=(), rgaa_tests=(), criteria=criteria,
                 pages=tuple(f"https://bellerive.test/p{i}" for i in range(pages)), reach=float(pages),
                 journey_pages=0, quick_win=False, selector=None, snippet=None, how_to_fix="", help_url=None,
                 testers=(), findings=findings, rank=rank)


def _assessment():
    """A hand-made result: four ranked issues (ours, axe's, a tester's, one known by its check only), listed
    out of rank order."""
    ours = _issue(1, "fp-label", LABEL, "check", LABEL_TITLE, Impact.CRITICAL, pages=7,
                  findings=(_finding(LABEL, Source.CHECK, LABEL_TITLE),))
    axe = _issue(2, "fp-img", "axe:image-alt", "axe", AXE_TITLES["fr"], Impact.SERIOUS, criteria=("1.1", "1.2"),
                 pages=3, findings=(_finding("axe:image-alt", Source.AXE, AXE_TITLES["fr"],
                                             {"said": {"title": AXE_TITLES}}),))
    tester = _issue(3, "fp-tester", "tester:clavier", "tester", TESTER_TITLE, None, criteria=(), blocking=True)
    known = _issue(4, "fp-known", "rgaa-5-no-table", "check", "", Impact.MINOR, criteria=("5.1",))
    checks = {"rgaa-5-no-table": CheckInfo(id="rgaa-5-no-table", source="check",
                                           title="La page ne contient aucun tableau", title_en="")}
    site = Site(id="bellerive", name="Ville de Bellerive", base_url="https://bellerive.test/",
                declaration=DeclarationFacts(entity="Commune de Bellerive", contact_email="a11y@bellerive.test"))
    run = SimpleNamespace(id="20270301-090000", site="bellerive", base_url="https://bellerive.test/",
                          started="2027-03-01T09:00:00+00:00", meta={})
    return SimpleNamespace(issues=[tester, known, axe, ours], site=site, run=run, checks=checks)


ITEMS = {
    "fp-label": {"owner": "Service numérique", "due": "2027-03-31", "state": "doing", "updated": "2027-03-02",
                 "updated_by": "mdupont"},
    "fp-img": {"owner": "Agence Pixel", "due": "2027-04-01", "state": "done", "updated": "2027-03-20",
               "updated_by": "mdupont"},
    "fp-tester": {"owner": "", "due": "2027-12-31", "state": "todo"},
    "fp-gone": {"owner": "Quelqu'un", "due": "2026-01-01", "state": "todo"},  # an issue this audit no longer has
}


@pytest.fixture()
def fr():
    return plan.build(_assessment(), ITEMS, 2027, "fr", today=TODAY)


@pytest.fixture()
def en():
    return plan.build(_assessment(), ITEMS, 2027, "en", today=TODAY)


def _text(html: str) -> str:
    doc = lxml.html.fromstring(html)
    for style in doc.xpath("//style"):
        style.drop_tree()
    return " ".join(doc.text_content().split())


# --- the plan object ---------------------------------------------------------------------------------------


def test_rows_follow_the_rank_and_say_each_issue(fr, en):
    assert [r["rank"] for r in fr["rows"]] == [1, 2, 3, 4]
    assert [r["id"] for r in fr["rows"]] == ["fp-label", "fp-img", "fp-tester", "fp-known"]
    assert [r["title"] for r in fr["rows"]] == [LABEL_TITLE, AXE_TITLES["fr"], TESTER_TITLE,
                                                "La page ne contient aucun tableau"]
    assert [r["title"] for r in en["rows"]] == [words.gettext(LABEL_TITLE, "en"), AXE_TITLES["en"], TESTER_TITLE,
                                                "The page holds no table"]
    first = fr["rows"][0]
    assert (first["impact_text"], first["criteria"], first["pages"]) == ("Critique", ["11.1"], 7)
    assert (first["owner"], first["due_text"], first["state_text"]) == ("Service numérique", "31 mars 2027",
                                                                       "en cours de correction")
    assert fr["rows"][1]["due_text"] == "1er avril 2027" and en["rows"][1]["due_text"] == "1 April 2027"
    assert en["rows"][0]["due_text"] == "31 March 2027" and en["rows"][0]["state_text"] == "in progress"
    assert fr["rows"][2]["impact_text"] == "Non précisée" and fr["rows"][2]["blocking"]
    assert fr["site"]["name"] == "Ville de Bellerive" and fr["site"]["entity"] == "Commune de Bellerive"
    assert fr["year"] == 2027 and fr["today_text"] == "15 avril 2027"


def test_counts_overdue_and_unassigned(fr):
    assert fr["counts"] == {"todo": 2, "doing": 1, "done": 1, "wontfix": 0, "total": 4, "overdue": 1,
                            "unassigned": 2}
    # overdue: due before today and still to do; the done one (1 April) is not late, nor the one of December
    assert [r["overdue"] for r in fr["rows"]] == [True, False, False, False]
    unassigned = [r for r in fr["rows"] if r["unassigned"]]
    assert [r["id"] for r in unassigned] == ["fp-tester", "fp-known"]  # no owner, and no row at all
    assert {r["owner_text"] for r in unassigned} == {"à attribuer"}
    known = fr["rows"][3]
    assert (known["state"], known["due"], known["overdue"]) == ("todo", "", False)
    assert "fp-gone" not in {r["id"] for r in fr["rows"]}


def test_overdue_depends_on_the_day_and_the_state():
    a = _assessment()
    late = {"fp-label": {"owner": "X", "due": "2027-01-10", "state": "todo"}}
    assert plan.build(a, late, 2027, today="2027-01-11")["rows"][0]["overdue"]
    assert not plan.build(a, late, 2027, today="2027-01-10")["rows"][0]["overdue"]  # due today: not late yet
    for state in ("done", "wontfix"):
        rows = plan.build(a, {"fp-label": {"owner": "X", "due": "2027-01-10", "state": state}}, 2027,
                          today="2027-06-01")["rows"]
        assert not rows[0]["overdue"]
    odd = plan.build(a, {"fp-label": {"owner": " ", "due": "bientôt", "state": "??"}}, 2027, today=TODAY)["rows"][0]
    assert (odd["state"], odd["unassigned"], odd["due_text"], odd["overdue"]) == ("todo", True, "bientôt", False)


def test_a_real_assessment_builds_a_plan(tmp_path):
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", "http://127.0.0.1:1", {"site_name": "Ville de Bellerive"})
        time.sleep(0.011)
        for path, check, selector, impact in (("/", "axe:image-alt", "main img", Impact.CRITICAL),
                                              ("/aide.html", "axe:region", "body > div", Impact.MODERATE)):
            url = "http://127.0.0.1:1" + path
            snippet = f'<div class="{selector}">'
            store.save_page(run, PageSnapshot(key=url, url=url, status=200), [Finding(
                check_id=check, source=Source.AXE, outcome=Outcome.FAILED, page_key=url, page_url=url, impact=impact,
                selector=selector, snippet=snippet, message="défaut", title=check,
                fingerprint=fingerprint(check, selector, snippet))])
        store.set_status(run.id, "complete")
        a = assess(store, store.run(run.id))
    issues = sorted(a.issues, key=lambda i: i.rank)
    p = plan.build(a, {issues[1].id: {"owner": "DSI", "due": "2027-02-01", "state": "todo"}}, 2027, today=TODAY)
    assert [r["id"] for r in p["rows"]] == [i.id for i in issues]
    assert p["site"]["name"] == "Ville de Bellerive"
    assert p["counts"]["unassigned"] == 1 and p["counts"]["overdue"] == 1
    assert "<table>" in plan.render_html(p) and "| 2 |" in plan.render_markdown(p)


# --- the outputs ---------------------------------------------------------------------------------------------


def test_the_html_is_a_standalone_accessible_page(fr):
    html = plan.render_html(fr)
    doc = lxml.html.fromstring(html)
    assert doc.get("lang") == "fr"
    assert doc.findtext(".//title") == "Plan d'actions 2027 — Ville de Bellerive"
    assert [h.text_content() for h in doc.iter("h1")] == ["Plan d'actions 2027"]
    assert not doc.xpath("//script") and "javascript:" not in html
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")
    [table] = doc.xpath("//table")
    assert table.xpath("caption")[0].text_content() == "Actions de mise en conformité 2027, par ordre de priorité"
    heads = table.xpath("thead/tr/th")
    assert [th.get("scope") for th in heads] == ["col"] * 8
    rows = table.xpath("tbody/tr")
    assert [r.xpath("th[@scope='row']")[0].text_content() for r in rows][:2] == [LABEL_TITLE, AXE_TITLES["fr"]]
    first = [" ".join(c.text_content().split()) for c in rows[0].xpath("td")]
    assert first == ["1", "Critique", "11.1", "7", "Service numérique", "31 mars 2027",
                     "En cours de correction En retard"]  # the state in words, not a colour
    assert "À attribuer" in rows[2].text_content() and "Bloquant pour un testeur" in rows[2].text_content()
    text = _text(html)
    for said in ("4 défauts dans le plan", "À faire : 2", "En cours de correction : 1", "Fait : 1",
                 "Ne sera pas corrigé : 0", "1 action en retard", "2 défauts à attribuer", "Situation au 15 avril 2027.",
                 "D'après l'audit 20270301-090000 du 1er mars 2027.", "Entité responsable : Commune de Bellerive"):
        assert said in text, said


def test_values_are_escaped_and_bidi_controls_shown(fr):
    rows = {"fp-label": {"owner": "<script>alert(1)</script> | *x* \u202egnp.exe", "due": "2027-05-01",
                         "state": "todo"}}
    p = plan.build(_assessment(), rows, 2027, today=TODAY)
    html = plan.render_html(p)
    assert "<script>" not in html and "&lt;script&gt;" in html and "\u202e" not in html and "‹U+202E›" in html
    md = plan.render_markdown(p)
    line = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert "<script>" not in md and "\\|" in line and "\\*x\\*" in line and "\u202e" not in md
    assert line.count(" | ") == 7  # the owner's | does not make a cell


def test_the_markdown_is_a_heading_a_list_and_a_table(fr, en):
    md = plan.render_markdown(fr)
    lines = md.splitlines()
    assert lines[0] == "# Plan d'actions 2027 — Ville de Bellerive"
    assert "## En bref" in lines and "## Actions" in lines
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 4 and {line.count("|") for line in table} == {9}
    assert table[0] == "| Rang | Défaut | Gravité | Critères RGAA | Pages | Responsable | Échéance | État |"
    assert table[1] == "|---:|---|---|---|---:|---|---|---|"
    assert table[2] == ("| 1 | Chaque champ de formulaire a une étiquette | Critique | 11.1 | 7 | Service numérique | "
                        "31 mars 2027 | En cours de correction, **en retard** |")
    assert "| *À attribuer* |" in table[4] and "(bloquant pour un testeur)" in table[4]
    assert "\n\n\n" not in md
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().enable("table").parse(md)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2"]
    cells = [t.content for t in tokens if t.type == "inline"]
    assert sum(1 for t in tokens if t.type == "tr_open") == 5 and "*À attribuer*" in cells
    assert plan.render_markdown(en).splitlines()[0] == "# Action plan 2027 — Ville de Bellerive"


def test_an_empty_plan_says_so():
    a = _assessment()
    a.issues = []
    for lang, said in (("fr", "Aucun défaut à corriger : le plan d'actions est vide."),
                       ("en", "No issue to fix: the action plan is empty.")):
        p = plan.build(a, {}, 2027, lang, today=TODAY)
        assert p["counts"]["total"] == 0 and p["rows"] == []
        assert said in _text(plan.render_html(p)) and said in plan.render_markdown(p)
        assert "<table" not in plan.render_html(p)


def test_write_names_the_files_by_language_and_year(fr, en, tmp_path):
    assert [p.name for p in plan.write(fr, tmp_path / "fr")] == ["plan-d-actions-2027.html", "plan-d-actions-2027.md"]
    assert [p.name for p in plan.write(en, tmp_path / "en")] == ["action-plan-2027.html", "action-plan-2027.md"]
    assert (tmp_path / "en" / "action-plan-2027.md").read_text(encoding="utf-8") == plan.render_markdown(en)
    assert 'lang="en"' in (tmp_path / "en" / "action-plan-2027.html").read_text(encoding="utf-8")


# --- one language at a time ----------------------------------------------------------------------------------


def _messages() -> list[tuple[str, ...]]:
    """The msgids the plan says (its module and templates, the impact words, the months), each with its
    plural form when it has one."""
    found: list[tuple[str, ...]] = []
    python = {"text": None, "N_": None, "gettext": None, "plural": (2, 3), "ngettext": (1, 2)}
    for lineno_msg in extract_from_file("python", ROOT / "audit/reports/plan.py", keywords=python):
        found.append(lineno_msg[1] if isinstance(lineno_msg[1], tuple) else (lineno_msg[1],))
    for name in ("plan.html.j2", "plan.md.j2"):
        for lineno_msg in extract_from_file("jinja2.ext:babel_extract", ROOT / "audit/templates" / name,
                                            keywords={"_": None, "ngettext": (1, 2)},
                                            options={"extensions": "jinja2.ext.i18n"}):
            found.append(lineno_msg[1] if isinstance(lineno_msg[1], tuple) else (lineno_msg[1],))
    found += [(m,) for m in words.IMPACTS.values()] + [("non précisée",), (LABEL_TITLE,)]
    return found


def _pieces(message: str) -> list[str]:
    """The words of a message between its placeholders."""
    return [p.strip() for p in re.split(r"\{[^}]*\}", message) if re.search(r"[^\W\d_]", p)]


def _contains(text: str, piece: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(piece.lower()) + r"(?!\w)", text.lower()) is not None


def test_each_language_has_only_its_own_words(fr, en):
    messages = _messages()
    assert len(messages) > 30
    outputs = {"fr": _text(plan.render_html(fr)) + "\n" + plan.render_markdown(fr),
               "en": _text(plan.render_html(en)) + "\n" + plan.render_markdown(en)}
    for data in (fr, en):  # the data written as they are (names, the tester's words) are not words of ours
        for row in data["rows"]:
            for key in ("owner",):
                outputs[data["lang"]] = outputs[data["lang"]].replace(row[key], "")
        outputs[data["lang"]] = outputs[data["lang"]].replace(TESTER_TITLE, "").replace("Ville de Bellerive", "") \
            .replace("Commune de Bellerive", "")
    checked = 0
    for ids in messages:
        french = list(ids)
        english = [words.gettext(ids[0], "en")] if len(ids) == 1 else \
            [words.ngettext(ids[0], ids[1], 1, "en"), words.ngettext(ids[0], ids[1], 2, "en")]
        for piece in {p for m in french for p in _pieces(m)}:
            if not any(_contains(m, piece) for m in english):
                checked += 1
                assert not _contains(outputs["en"], piece), f"French {piece!r} in the English plan"
        for piece in {p for m in english for p in _pieces(m)}:
            if not any(_contains(m, piece) for m in french):
                assert not _contains(outputs["fr"], piece), f"English {piece!r} in the French plan"
    assert checked > 30


# --- in a browser ---------------------------------------------------------------------------------------------


def _served(html: str, folder: Path):
    from serving import served_html

    return served_html(html, folder, "plan.html")


def _long(lang: str) -> dict:
    """The plan with long words (an e-mail address, a long title) to stress a narrow window."""
    items = {**ITEMS, "fp-img": {**ITEMS["fp-img"], "owner": "service.communication-numerique@ville-de-bellerive.fr"}}
    return plan.build(_assessment(), items, 2027, lang, today=TODAY)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_plan_is_accessible_by_our_own_checks(chromium, tmp_path, lang):


    with _served(plan.render_html(_long(lang)), tmp_path / "out") as url:
        from serving import audited

        snap, findings = audited(url, chromium, tmp_path / "snap")
    assert snap.error is None
    failed = [(f.check_id, f.selector, f.message) for f in findings if f.outcome == "failed"]
    assert failed == [], "\n".join(map(str, failed))


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_no_horizontal_scrolling_at_320_px(chromium, tmp_path, width):
    from playwright.sync_api import sync_playwright

    from audit.browser import CHROMIUM_ARGS

    with _served(plan.render_html(_long("fr")), tmp_path) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.goto(url)
            sizes = page.evaluate("({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,"
                                  " tw: document.querySelector('table').scrollWidth})")
        finally:
            browser.close()
    assert sizes["sw"] <= sizes["cw"] and sizes["tw"] <= sizes["cw"], sizes

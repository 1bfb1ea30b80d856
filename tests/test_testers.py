"""Tester protocols and sessions: formats, validation messages (file:line), storage, and the merge."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from audit import testers, words
from audit.config import load as load_config
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.standards import CRITERIA
from audit.testers import (
    Environment,
    Relation,
    Session,
    Severity,
    TaskReport,
    TaskResult,
    Verdict,
)
from audit.testers import TesterFinding as Barrier

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "testers"
PROTOCOLS = REPO / "user_test_protocols"


# --- the shipped protocols and sessions ---------------------------------------------------------


def test_shipped_protocols_and_sessions_are_valid():
    assert testers.validate_files([PROTOCOLS], sites=load_config(REPO / "sites.yaml")) == []
    audiences = {testers.load_protocol(p).audience for p in PROTOCOLS.glob("*.yaml")}
    assert audiences == set(testers.Audience)
    sessions, problems = testers.load_sessions([PROTOCOLS / "sessions"])
    assert problems == [] and len(sessions) == 4


def test_protocol_tasks_have_what_a_facilitator_needs():
    protocol = testers.load_protocol(PROTOCOLS / "restauration-scolaire-lecteur-ecran.yaml")
    assert protocol.site == "ville-demo" and protocol.sus and protocol.start == "/connexion"
    assert [t.id for t in protocol.tasks] == ["connexion", "enfant", "repas", "confirmation", "tarifs"]
    repas = protocol.task("repas")
    assert len(repas.steps) == 4 and repas.time_limit == 10 and "11.5" in repas.rgaa
    assert repas.pages[0].ref == "/demarches/restauration-scolaire/etape-2"


# --- validation messages ------------------------------------------------------------------------


def _lines(messages: list[str]) -> dict[str, int]:
    """'file:12: path: message' -> {path: 12}."""
    out = {}
    for message in messages:
        _, line, path, _ = message.split(":", 3)
        out[path.strip()] = int(line)
    return out


def test_a_broken_session_gives_one_message_per_problem_with_its_line():
    messages = testers.validate_files([FIXTURES / "protocole-mini.yaml", FIXTURES / "session-cassee.yaml"])
    assert all(m.startswith(str(FIXTURES / "session-cassee.yaml") + ":") for m in messages), messages
    assert _lines(messages) == {
        "pseudonym": 2, "date": 3, "environment.os": 4, "environment.navigateur": 6, "tasks[0].task": 8,
        "tasks[0].result": 9, "tasks[0].difficulty": 10, "tasks[1].findings[0].impact": 16,
        "tasks[1].findings[0].criterion": 17, "tasks[1].findings[0].attachment": 18,
        "tasks[1].findings[0].finding": 19, "sus": 21}
    text = "\n".join(messages)
    assert "bloquant, majeur, mineur" in text and "adresse électronique" in text and "AAAA-MM-JJ" in text
    with pytest.raises(testers.TesterError) as caught:
        testers.load_session(FIXTURES / "session-cassee.yaml", testers.load_protocol(FIXTURES / "protocole-mini.yaml"))
    assert caught.value.messages == messages


def test_a_broken_protocol_and_bad_yaml():
    messages = testers.validate_files([FIXTURES / "protocole-casse.yaml", FIXTURES / "yaml-invalide.yaml"])
    lines = _lines([m for m in messages if "YAML invalide" not in m])
    assert lines == {"id": 1, "audience": 3, "start": 1, "tasks[0].steps": 8, "tasks[0].time_limit": 10,
                     "tasks[0].rgaa[1]": 11, "tasks[1].id": 12}
    [bad] = [m for m in messages if "YAML invalide" in m]
    assert bad.startswith(f"{FIXTURES / 'yaml-invalide.yaml'}:5: ")



def test_validation_speaks_the_command_lines_language(tmp_path):
    """French by default, English with --lang-cli en (words.use), the same problems at the same lines."""
    files = [FIXTURES / "protocole-mini.yaml", FIXTURES / "session-cassee.yaml", FIXTURES / "yaml-invalide.yaml",
             tmp_path / "absent.yaml"]
    french = testers.validate_files(files)
    words.use("en")
    try:
        english = testers.validate_files(files)
        with pytest.raises(testers.TesterError) as caught:
            testers.load_protocol(FIXTURES / "protocole-casse.yaml")
    finally:
        words.use(None)
    assert testers.validate_files(files) == french  # back to French
    assert len(english) == len(french)
    assert [m.split(": ", 1)[0] for m in english] == [m.split(": ", 1)[0] for m in french]  # file:line kept
    text = "\n".join(english)
    assert "possible values: bloquant, majeur, mineur" in text and "not an email address" in text
    assert "YYYY-MM-DD" in text and "invalid YAML" in text and "file not found" in text
    assert "est obligatoire" in "\n".join(french) and "AAAA-MM-JJ" in "\n".join(french)
    said = "\n".join(m.split(": ", 1)[1] for m in english + caught.value.messages)  # without the file names
    for french_word in ("obligatoire", "doit ", "inconnu", "fichier", "invalide", "valeurs possibles", "racine",
                        " ou ", "caractères"):
        assert french_word not in said, (french_word, said)


def test_merge_says_a_tester_barrier_in_both_languages():
    session = _tester_session([Barrier(page="/demarches/index.html", description="Lien ambigu.",
                                       impact=Severity.MINEUR, criterion="6.1")])
    [added] = testers.merge([], [session], _pages()).findings
    assert added.title == added.said("title", "fr") == f"Barrière signalée par un testeur : {CRITERIA['6.1'].title}"
    assert added.said("title", "en").startswith("Barrier reported by a tester: ")
    assert added.said("message", "en") == "Lien ambigu."  # the tester's own words, as written

def test_session_without_its_protocol_and_files_that_are_neither(tmp_path):
    lone = tmp_path / "s.yaml"
    lone.write_text((FIXTURES / "session-ok.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    other = tmp_path / "x.yaml"
    other.write_text("- une liste\n", encoding="utf-8")
    messages = testers.validate_files([lone, other, tmp_path / "absent.yaml"])
    assert any(m.startswith(f"{lone}:2: protocol: protocole 'mini' introuvable") for m in messages)
    assert any(m.startswith(f"{other}:1: (racine): ni un protocole") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'absent.yaml'}: fichier introuvable") for m in messages)


def test_yaml_numbers_keep_what_was_typed():
    protocol = testers.load_protocol(FIXTURES / "protocole-mini.yaml")
    session = testers.load_session(FIXTURES / "session-ok.yaml", protocol)
    assert protocol.task("formulaire").rgaa == ("11.1", "12.10")
    assert session.tasks[0].findings[0].criterion == "12.10"  # YAML would read 12.1
    assert session.environment.label == "VoiceOver 17.1 + Safari 17.0 / iOS 17"
    assert session.tasks[0].pages == ("Contact", "/merci.html")  # the protocol's task pages
    assert session.tasks[0].answers == {"clarte": 2}


def test_alias_bombs_and_huge_files_are_refused(tmp_path):
    bomb = tmp_path / "bombe.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [message] = testers.validate_files([bomb])
    assert "trop complexe" in message
    big = tmp_path / "gros.yaml"
    big.write_text("a: " + "x" * (testers.MAX_FILE_BYTES + 1), encoding="utf-8")
    [message] = testers.validate_files([big])
    assert "trop gros" in message


def test_sus_score_is_the_standard_formula():
    assert testers.sus_score([3] * 10) == 50.0
    assert testers.sus_score([5, 1] * 5) == 100.0
    assert testers.sus_score([1, 5] * 5) == 0.0
    assert testers.sus_score([3, 4, 3, 4, 2, 4, 3, 4, 2, 3]) == 35.0
    with pytest.raises(ValueError):
        testers.sus_score([3] * 9)


# --- writing and the store ------------------------------------------------------------------------


def _session(**changes) -> Session:
    base = Session(id="00112233445566aa", protocol="mini", site="ville-demo", pseudonym="Testeuse Z",
                   date="2025-11-22", environment=Environment(browser="Firefox", browser_version="130",
                                                              os="Windows 11", assistive_technology="NVDA",
                                                              assistive_technology_version="2024.4"),
                   tasks=(TaskReport(task="formulaire", result=TaskResult.NOT_COMPLETED, difficulty=5, minutes=3,
                                     findings=(Barrier(page="/contact.html", description="Pas d'étiquette.",
                                                             impact=Severity.MAJEUR, criterion="11.1", step=1),)),),
                   sus=(3,) * 10)
    from dataclasses import replace

    return replace(base, **changes)


def test_save_is_atomic_and_round_trips(tmp_path):
    protocol = testers.load_protocol(FIXTURES / "protocole-mini.yaml")
    session = _session()
    path = testers.save_session(session, tmp_path)
    assert path == tmp_path / "00112233445566aa.yaml"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    again = testers.load_session(path, protocol)
    assert again.tasks[0].findings[0] == Barrier(page="/contact.html", description="Pas d'étiquette.",
                                                       impact=Severity.MAJEUR, criterion="11.1", step=1,
                                                       where=f"{path}:21")
    assert (again.pseudonym, again.environment, again.sus) == (session.pseudonym, session.environment, session.sus)
    assert testers.validate_files([FIXTURES / "protocole-mini.yaml", path]) == []
    for bad in ("../../etc/passwd", "0011", "00112233445566AA", "00112233445566aa/../x"):
        with pytest.raises(ValueError):
            testers.session_path(tmp_path, bad)


def test_sessions_are_indexed_in_the_store(tmp_path):
    session = _session()
    testers.index_session(tmp_path, session, tmp_path / "s.yaml")
    testers.index_session(tmp_path, _session(status=testers.SessionStatus.IN_PROGRESS), tmp_path / "s.yaml")
    [row] = testers.indexed_sessions(tmp_path)
    assert (row["id"], row["status"], row["tasks_done"], row["barriers"], row["sus"]) == (
        "00112233445566aa", "in-progress", 1, 1, 50.0)
    with sqlite3.connect(tmp_path / "a11y-audit.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM tester_sessions").fetchone()[0] == 1


# --- the merge -------------------------------------------------------------------------------------

BASE = "http://127.0.0.1:40123"


def _pages() -> list[PageSnapshot]:
    return [PageSnapshot(key=f"{BASE}/", url=f"{BASE}/", name="Accueil"),
            PageSnapshot(key=f"{BASE}/contact.html", url=f"{BASE}/contact.html", name="Contact"),
            PageSnapshot(key="journey:restauration-scolaire:5", url=f"{BASE}/demarches/restauration-scolaire/etape-2",
                         name="Restauration scolaire — étape 2 : les repas", journey="restauration-scolaire", step=5),
            PageSnapshot(key=f"{BASE}/demarches/", url=f"{BASE}/demarches/", name=None)]


def _finding(fp: str, outcome: Outcome, page_key: str, check: str = "axe:label") -> Finding:
    return Finding(check_id=check, source=Source.AXE, outcome=outcome, page_key=page_key, page_url=page_key,
                   impact=Impact.SERIOUS, rgaa_tests=("11.1.1",), fingerprint=fp,
                   question="?" if outcome == Outcome.CANT_TELL else None)


def _tester_session(findings: list[Barrier], result=TaskResult.COMPLETED, difficulty=2, pages=(),
                    pseudonym="Testeuse A", sid="aaaaaaaaaaaaaaaa") -> Session:
    return _session(id=sid, pseudonym=pseudonym,
                    tasks=(TaskReport(task="formulaire", result=result, difficulty=difficulty, pages=tuple(pages),
                                      findings=tuple(findings)),))


def test_merge_confirms_answers_dismisses_and_adds():
    contact = f"{BASE}/contact.html"
    automated = [_finding("1" * 16, Outcome.FAILED, contact),
                 _finding("1" * 16, Outcome.FAILED, f"{BASE}/"),  # same defect elsewhere (shared template)
                 _finding("2" * 16, Outcome.CANT_TELL, contact, "axe:th-has-data-cells"),
                 _finding("3" * 16, Outcome.CANT_TELL, contact, "axe:color-contrast"),
                 _finding("4" * 16, Outcome.FAILED, contact, "axe:region")]
    other_port = "http://localhost:8000/contact"  # another host, port and no .html: the same page
    session = _tester_session([
        Barrier(page=other_port, description="Le champ n'est pas annoncé.", impact=Severity.BLOQUANT,
                      finding="1" * 16, relation=Relation.CONFIRMS),
        Barrier(page="Contact", description="Le tableau est incompréhensible.", impact=Severity.MAJEUR,
                      finding="2" * 16, relation=Relation.ANSWERS, verdict=Verdict.FAILED),
        Barrier(page="Contact", description="Le texte se lit très bien.", finding="3" * 16,
                      relation=Relation.ANSWERS, verdict=Verdict.PASSED),
        Barrier(page="/contact.html", description="Faux positif.", finding="4" * 16,
                      relation=Relation.DISMISSES, reason="La zone est bien balisée."),
        Barrier(page="/demarches/index.html", description="Le lien « En savoir plus » est ambigu.",
                      impact=Severity.MINEUR, criterion="6.1", target="a.plus"),
        Barrier(page="Restauration scolaire — étape 2 : les repas", description="Je me suis perdue.",
                      impact=Severity.MAJEUR),
    ])
    before = [f.extra for f in automated]
    merged = testers.merge(automated, [session], _pages())
    assert [f.extra for f in automated] == before == [{}] * 5  # the inputs are not modified
    confirmed, elsewhere, answered_failed, answered_passed, dismissed, *added = merged.findings
    assert confirmed.extra["tester"]["impact"] == "bloquant"
    assert confirmed.extra["tester"]["pseudonym"] == "Testeuse A"
    assert confirmed.extra["tester"]["session"] == "aaaaaaaaaaaaaaaa"
    assert confirmed.extra["tester"]["description"] == "Le champ n'est pas annoncé."
    assert "tester" not in elsewhere.extra  # confirmed on its page only
    assert (answered_failed.outcome, answered_failed.conclusive, answered_failed.impact) == (
        Outcome.FAILED, False, Impact.SERIOUS)
    assert answered_failed.extra["answered_by"]["verdict"] == "failed"
    assert answered_failed.extra["tester"]["impact"] == "majeur"
    assert (answered_passed.outcome, answered_passed.conclusive) == (Outcome.PASSED, True)
    assert answered_passed.extra["answered_by"]["pseudonym"] == "Testeuse A"
    assert dismissed.outcome == Outcome.FAILED
    assert dismissed.extra["dismissed"] == {"by": "Testeuse A", "reason": "La zone est bien balisée.",
                                            "session": "aaaaaaaaaaaaaaaa"}
    [link] = added
    assert (link.check_id, link.source, link.outcome, link.impact) == (
        "tester:6.1", Source.TESTER, Outcome.FAILED, Impact.MODERATE)
    assert link.page_key == f"{BASE}/demarches/" and link.selector == "a.plus"
    assert link.rgaa_tests == CRITERIA["6.1"].tests and len(link.rgaa_tests) == 5
    assert link.extra["tester"]["impact"] == "mineur" and len(link.fingerprint) == 16
    [barrier] = merged.barriers
    assert (barrier.check_id, barrier.page_key, barrier.impact, barrier.rgaa_tests) == (
        "tester:barrier", "journey:restauration-scolaire:5", Impact.SERIOUS, ())
    assert merged.environments == ["NVDA 2024.4 + Firefox 130 / Windows 11"]
    assert merged.notes == []


def test_merge_notes_what_matches_nothing_and_keeps_real_barriers():
    automated = [_finding("5" * 16, Outcome.FAILED, f"{BASE}/contact.html")]
    session = _tester_session([
        Barrier(page="/inconnue", description="Bouton muet.", impact=Severity.BLOQUANT, finding="6" * 16,
                      relation=Relation.CONFIRMS, where="s.yaml:12"),
        Barrier(page="/contact.html", description="Pas un problème.", finding="7" * 16,
                      relation=Relation.DISMISSES, reason="…", where="s.yaml:18"),
        Barrier(page="/contact.html", description="Bien.", finding="5" * 16, relation=Relation.ANSWERS,
                      verdict=Verdict.PASSED, where="s.yaml:24"),
    ])
    merged = testers.merge(automated, [session], _pages())
    assert merged.findings[0].outcome == Outcome.FAILED  # a failure is not "answered" away: dismiss it
    [barrier] = merged.barriers
    assert barrier.page_key == "tester:/inconnue" and barrier.extra["tester"]["impact"] == "bloquant"
    notes = "\n".join(merged.notes)
    assert "s.yaml:12: constat 6666666666666666 absent" in notes
    assert "s.yaml:18: constat 7777777777777777 absent de cet audit : rien à écarter" in notes
    assert "s.yaml:24: constat 5555555555555555" in notes and "dismisses" in notes
    assert "page '/inconnue' absente de cet audit" in notes


def test_two_testers_the_worst_confirmation_and_the_failed_verdict_win():
    contact = f"{BASE}/contact.html"
    automated = [_finding("1" * 16, Outcome.FAILED, contact), _finding("2" * 16, Outcome.CANT_TELL, contact)]
    first = _tester_session([
        Barrier(page="Contact", description="gênant", impact=Severity.MINEUR, finding="1" * 16,
                      relation=Relation.CONFIRMS),
        Barrier(page="Contact", description="illisible", impact=Severity.MAJEUR, finding="2" * 16,
                      relation=Relation.ANSWERS, verdict=Verdict.FAILED)])
    second = _tester_session([
        Barrier(page="Contact", description="bloquant", impact=Severity.BLOQUANT, finding="1" * 16,
                      relation=Relation.CONFIRMS),
        Barrier(page="Contact", description="lisible", finding="2" * 16, relation=Relation.ANSWERS,
                      verdict=Verdict.PASSED)], pseudonym="Testeur B", sid="bbbbbbbbbbbbbbbb")
    merged = testers.merge(automated, [first, second], _pages())
    confirmed, answered = merged.findings
    assert confirmed.extra["tester"]["impact"] == "bloquant" and len(confirmed.extra["testers"]) == 2
    assert answered.outcome == Outcome.FAILED and not answered.conclusive
    assert any("contredite par Testeuse A" in n for n in merged.notes)


def test_page_weight_rises_with_task_failures_and_difficulty():
    pages = _pages()
    easy = _tester_session([], TaskResult.COMPLETED, 2, pages=["/contact.html"])
    assert testers.merge([], [easy], pages).page_weight == {}
    failed = _tester_session([], TaskResult.NOT_COMPLETED, 5, pages=["Contact", "/"])
    helped = _tester_session([Barrier(page="/demarches/", description="x", impact=Severity.MINEUR)],
                             TaskResult.WITH_HELP, 4, pages=["/contact.html"], sid="cccccccccccccccc")
    weights = testers.merge([], [easy, failed, helped], pages).page_weight
    assert weights == {f"{BASE}/contact.html": 1 + 1.5 + 0.75, f"{BASE}/": 2.5, f"{BASE}/demarches/": 1.75}
    many = [_tester_session([], TaskResult.NOT_COMPLETED, 5, pages=["/"], sid=f"{i:016x}") for i in range(5)]
    assert testers.merge([], many, pages).page_weight == {f"{BASE}/": testers.MAX_PAGE_WEIGHT}


def test_environments_are_listed_once_each():
    a = _session()
    b = _session(id="bbbbbbbbbbbbbbbb", environment=Environment(browser="Chrome", browser_version="131",
                                                                os="Windows 11", assistive_technology="aucune"))
    assert testers.merge([], [a, b, a], []).environments == ["NVDA 2024.4 + Firefox 130 / Windows 11",
                                                             "Chrome 131 / Windows 11"]


@pytest.mark.browser
def test_the_example_sessions_match_a_real_audit_of_the_demo_site(chromium, demo_server, tmp_path):
    """The shipped sessions' fingerprints are those our audit finds on the demo site."""
    from audit.browser import Browser, GatherOptions
    from audit.checks import run_checks
    from audit.model import PageRef

    paths = {"Restauration scolaire": "/demarches/restauration-scolaire/", "Acte": "/demarches/acte-naissance.html",
             "Contact": "/contact.html"}

    async def gather():
        out = []
        async with Browser(chromium, GatherOptions(screenshot=False, probes=False)) as browser:
            for i, (name, path) in enumerate(paths.items()):
                folder = tmp_path / str(i)
                folder.mkdir()
                snap = await browser.gather(PageRef(url=demo_server.url + path, name=name), folder)
                out.append((snap, folder))
        return out

    gathered = asyncio.run(gather())
    snaps = [s for s, _ in gathered]
    findings = [f for s, folder in gathered for f in run_checks(s, folder)]
    sessions, problems = testers.load_sessions([PROTOCOLS / "sessions"])
    assert problems == []
    merged = testers.merge(findings, sessions, snaps)
    by_check = {}
    for f in merged.findings:
        by_check.setdefault((f.check_id, f.page_key.removeprefix(demo_server.url)), f)
    tarifs = by_check[("axe:th-has-data-cells", "/demarches/restauration-scolaire/")]
    assert tarifs.outcome == Outcome.FAILED and tarifs.extra["answered_by"]["pseudonym"] == "Testeuse A"
    assert by_check[("axe:button-name", "/demarches/acte-naissance.html")].extra["tester"]["pseudonym"] == "Testeuse C"
    assert by_check[("axe:label", "/contact.html")].extra["tester"]["impact"] == "mineur"
    assert merged.page_weight[demo_server.url + "/demarches/acte-naissance.html"] > 1


def test_a_tester_is_erased_from_files_store_index_and_results_and_reports_naming_them_are_listed(tmp_path):
    """GDPR: one command erases a tester's sessions (their files, the store's index, the assessed results that
    may quote them) and lists the reports already written that still name them."""
    import shutil

    from audit import testers as lib

    folder = tmp_path / "sessions"
    shutil.copytree(Path(__file__).parents[1] / "user_test_protocols" / "sessions", folder)
    store_root = tmp_path / "runs"
    [session], _ = lib.load_sessions([folder / "2025-11-18-restauration-nvda.yaml"])
    lib.index_session(store_root, session, folder / "2025-11-18-restauration-nvda.yaml")
    report = store_root / "ville" / "20260101T000000000Z" / "reports" / "rapport.html"
    report.parent.mkdir(parents=True)
    report.write_text(f"<p>{session.pseudonym}</p>", encoding="utf-8")
    before = sorted(p.name for p in folder.glob("*.yaml"))
    seen = lib.erase(session.pseudonym, [folder], store_root, dry_run=True)
    assert [p.name for p in seen.files] == ["2025-11-18-restauration-nvda.yaml"] and seen.indexed == 1
    assert sorted(p.name for p in folder.glob("*.yaml")) == before  # a dry run erases nothing
    done = lib.erase(f"  {session.pseudonym} ", [folder], store_root)
    assert done.files == seen.files and done.indexed == 1 and done.reports == (report,)
    assert not (folder / "2025-11-18-restauration-nvda.yaml").exists()
    assert len(list(folder.glob("*.yaml"))) == len(before) - 1
    assert lib.indexed_sessions(store_root) == []

"""The testers' form: served for real (werkzeug on 127.0.0.1, port 0), driven over HTTP and, for what a
person does, by a real Chromium with the keyboard only. Its pages are audited with our checks and axe."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from audit import testers
from audit.form import MAX_CONTENT_LENGTH, create_app
from audit.model import Outcome
from audit.testers import SessionStatus, Severity, TaskResult

REPO = Path(__file__).resolve().parents[1]
ZOOM = REPO / "user_test_protocols" / "acte-naissance-zoom.yaml"
START = {"pseudonyme": "Testeuse K", "navigateur": "Edge", "navigateur_version": "131", "systeme": "Windows 11",
         "at": "ZoomText", "at_version": "2024", "q_grossissement": "ZoomText ×2"}
LANGS = ("fr", "en")
# What the browser tests read, per language of the form (what is saved is the same in both).
WORDS = {
    "fr": {"skip": "Aller au contenu", "saved_task_1": "La tâche 1 est enregistrée.", "summary": "Récapitulatif",
           "thanks": "Merci ! Votre session est enregistrée et terminée.", "error": "Erreur : "},
    "en": {"skip": "Skip to content", "saved_task_1": "Task 1 is saved.", "summary": "Summary",
           "thanks": "Thank you! Your session is saved and finished.", "error": "Error: "},
}


def _token(html: str) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', html).group(1)


def _new_session(client: httpx.Client, base: str, **fields) -> str:
    token = _token(client.get(base + "/").text)
    response = client.post(base + "/", data={"jeton": token, **START, **fields})
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[2]


def _task_form(client, base, sid, number, **fields) -> httpx.Response:
    token = _token(client.get(f"{base}/s/{sid}/tache/{number}").text)
    return client.post(f"{base}/s/{sid}/tache/{number}", data={"jeton": token, "barrieres": "1", **fields})


# --- over HTTP -----------------------------------------------------------------------------------


def test_each_page_is_saved_at_once_and_resumes_after_the_browser_is_closed(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base)
        path = tmp_path / "sessions" / f"{sid}.yaml"
        session = testers.load_session(path)
        assert (session.status, session.pseudonym, session.site) == (SessionStatus.IN_PROGRESS, "Testeuse K", "ville-demo")
        assert session.environment.label == "ZoomText 2024 + Edge 131 / Windows 11"
        assert session.answers == {"grossissement": "ZoomText ×2"}
        response = _task_form(client, base, sid, 1, resultat="with-help", difficulte="4", duree="3,5",
                              b0_page="/demarches/acte-naissance.html", b0_description="Le menu déborde de l'écran.",
                              b0_impact="majeur", b0_critere="10.11", action="suivant")
        assert response.status_code == 303 and response.headers["location"].endswith("/tache/2?enregistre=tache-1")
    [row] = testers.indexed_sessions(tmp_path / "runs")
    assert (row["id"], row["tasks_done"], row["barriers"]) == (sid, 1, 1)
    with httpx.Client() as fresh:  # a new browser: no cookie, only the address
        response = fresh.get(f"{base}/s/{sid}/")
        assert response.status_code == 303 and response.headers["location"] == f"/s/{sid}/tache/2"
        page = fresh.get(f"{base}/s/{sid}/tache/1").text
        assert re.search(r'id="resultat-2"[^>]*value="with-help" checked', page)
        assert "Le menu déborde de l&#39;écran." in page and 'value="3,5"' in page
    report = testers.load_session(path).report("trouver-page")
    assert (report.result, report.difficulty, report.minutes) == (TaskResult.WITH_HELP, 4, 3.5)
    assert report.findings[0].impact == Severity.MAJEUR and report.findings[0].criterion == "10.11"


def test_csrf_token_is_required_and_cross_origin_posts_are_refused(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        response = client.post(base + "/", data=START)
        assert response.status_code == 400 and "expiré" in response.text
        assert not list((tmp_path / "sessions").glob("*.yaml"))
        assert 'value="Testeuse K"' in response.text  # nothing typed is lost
        sid = _new_session(client, base)
        path = tmp_path / "sessions" / f"{sid}.yaml"
        before = path.read_bytes()
        for token in (None, "0" * 64, _token(client.get(base + "/").text)):  # none, forged, another page's
            data = {"resultat": "completed", "difficulte": "1"} | ({"jeton": token} if token else {})
            response = client.post(f"{base}/s/{sid}/tache/1", data=data)
            assert response.status_code == 400 and response.text.count("expiré") >= 1
        assert path.read_bytes() == before
        token = _token(client.get(f"{base}/s/{sid}/tache/1").text)
        response = client.post(f"{base}/s/{sid}/tache/1", headers={"Origin": "http://evil.example"},
                               data={"jeton": token, "resultat": "completed", "difficulte": "1"})
        assert response.status_code == 403 and path.read_bytes() == before


def test_oversized_requests_and_fields_are_rejected(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base)
        path = tmp_path / "sessions" / f"{sid}.yaml"
        before = path.read_bytes()
        token = _token(client.get(f"{base}/s/{sid}/tache/1").text)
        response = client.post(f"{base}/s/{sid}/tache/1", data={"jeton": token, "resultat": "completed",
                                                               "difficulte": "1", "bloque": "x" * MAX_CONTENT_LENGTH})
        assert response.status_code == 413 and "trop" in response.text and path.read_bytes() == before
        response = _task_form(client, base, sid, 1, resultat="completed", difficulte="1", bloque="y" * 2001)
        assert response.status_code == 422 and "2000 caractères au plus" in response.text
        response = client.post(base + "/", data={"jeton": _token(client.get(base + "/").text), **START,
                                                 "pseudonyme": "p" * 41})
        assert response.status_code == 422 and "40 caractères au plus" in response.text
        assert path.read_bytes() == before and len(list(path.parent.glob("*.yaml"))) == 1


def test_session_ids_cannot_reach_other_files(serve_form, tmp_path):
    base = serve_form()
    secret = tmp_path / "secret.yaml"
    secret.write_text("protocol: acte-naissance-zoom\n", encoding="utf-8")
    with httpx.Client() as client:
        for path in ("/s/..%2Fsecret/", "/s/..%2F..%2Fsecret/tache/1", "/s/%2e%2e/resume", "/s/0123456789abcdeg/",
                     "/s/0123456789ABCDEF/", "/s/0123456789abcdef0/fin"):
            response = client.get(base + path)
            assert response.status_code == 404, path
            assert "Page introuvable" in response.text or "Aucune session" in response.text
        response = client.get(base + "/reprendre", params={"session": "../secret"})
        assert response.status_code == 404 and "Aucune session ne porte ce numéro" in response.text
        response = client.post(base + "/s/..%2Fsecret/fin", data={"jeton": "x"})
        assert response.status_code == 404
    assert secret.read_text(encoding="utf-8") == "protocol: acte-naissance-zoom\n"


def test_rate_limit_per_ip(serve_form):
    base = serve_form(rate_limit=5)
    with httpx.Client() as client:
        statuses = [client.get(base + "/").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        response = client.get(base + "/")
        assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
        assert "Trop de demandes" in response.text


def test_shared_access_token_then_a_cookie(serve_form):
    base = serve_form(token="jeton-partage-42")
    with httpx.Client() as client:
        assert client.get(base + "/").status_code == 403
        assert client.get(base + "/", params={"token": "mauvais"}).status_code == 403
        response = client.get(base + "/", params={"token": "jeton-partage-42"})
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert "jeton-partage-42" not in response.headers["set-cookie"]  # the cookie holds an HMAC, not the token
        assert client.get(base + "/").status_code == 200
        sid = _new_session(client, base)
        assert client.get(f"{base}/s/{sid}/tache/1").status_code == 200
    with httpx.Client() as stranger:
        assert stranger.get(f"{base}/s/{sid}/tache/1").status_code == 403


def test_output_is_escaped_and_headers_protect_the_pages(serve_form):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base, pseudonyme="<script>alert(1)</script>")
        page = client.get(f"{base}/s/{sid}/resume")
        assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "style-src 'nonce-" in csp and "form-action 'self'" in csp
        assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"


def test_a_damaged_session_file_gives_a_clear_page(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base)
        (tmp_path / "sessions" / f"{sid}.yaml").write_text("protocol: [\n", encoding="utf-8")
        response = client.get(f"{base}/s/{sid}/tache/1")
        assert response.status_code == 500 and "Erreur du serveur" in response.text
        assert "Traceback" not in response.text


def test_the_form_refuses_a_broken_protocol(tmp_path):
    with pytest.raises(testers.TesterError) as caught:
        create_app(REPO / "tests" / "fixtures" / "testers" / "protocole-casse.yaml", tmp_path)
    assert all(re.match(r".*protocole-casse\.yaml:\d+: ", m) for m in caught.value.messages)


def test_the_form_in_english_messages_errors_and_refusals(serve_form, tmp_path):
    base = serve_form(lang="en")
    with httpx.Client() as client:
        page = client.get(base + "/").text
        assert '<html lang="en">' in page and "<title>About the test — User test</title>" in page
        assert '<a href="?lang=fr" lang="fr" hreflang="fr">Version française</a>' in page
        # the protocol stays as the city wrote it, marked as French
        assert '<h1><span lang="fr">Demander un acte de naissance avec un zoom de 200 % ou une loupe</span></h1>' in page
        assert "This test is for people with low vision using a magnifier or zoom. It has 3 tasks" in page
        response = client.post(base + "/", data={"jeton": _token(page), "navigateur": "Edge"})
        assert response.status_code == 422 and "<title>Error: About the test — User test</title>" in response.text
        assert "3 errors prevent saving this page" in response.text
        assert "Pseudonym: Give a pseudonym, for example &#34;Tester A&#34;." in response.text
        assert '<span class="sr-only">Error: </span>Give the operating system' in response.text
        response = client.post(base + "/", data=START)
        assert response.status_code == 400 and "The form has expired" in response.text
        sid = _new_session(client, base)
        task = client.get(f"{base}/s/{sid}/tache/1?enregistre=debut").text
        assert "Your information is saved." in task and "Did you complete the task?" in task
        assert '<option value="/demarches/" lang="fr">Vos démarches</option>' in task
        response = _task_form(client, base, sid, 1, resultat="completed", difficulte="1", bloque="y" * 2001)
        assert response.status_code == 422 and "2000 characters at most (you typed 2001)" in response.text
        response = client.post(f"{base}/s/{sid}/tache/1", data={"jeton": "x", "bloque": "x" * MAX_CONTENT_LENGTH})
        assert response.status_code == 413 and "<h1>Too much sent</h1>" in response.text
        response = client.post(base + "/", content=iter([b"jeton=x"]),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 411 and "<h1>Length required</h1>" in response.text
        port = base.rsplit(":", 1)[1]
        response = client.get(base + "/", headers={"Host": f"evil.example:{port}"})
        assert response.status_code == 400 and "<h1>Address not recognised</h1>" in response.text
        response = client.get(f"{base}/s/{'0' * 16}/")
        assert response.status_code == 404 and "No session has this number." in response.text
        for text in (task, response.text):
            assert "Formulaire" not in text and "Erreur" not in text and "enregistr" not in text
    session = testers.load_session(tmp_path / "sessions" / f"{sid}.yaml")
    assert session.environment.label == "ZoomText 2024 + Edge 131 / Windows 11"  # saved as in French
    with pytest.raises(ValueError, match="lang"):
        create_app(ZOOM, tmp_path / "autres", lang="de")


def test_the_language_link_works_without_javascript_and_is_remembered(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        page = client.get(base + "/").text
        assert '<html lang="fr">' in page and '<a href="?lang=en" lang="en" hreflang="en">English version</a>' in page
        response = client.get(base + "/", params={"lang": "en"})
        assert '<html lang="en">' in response.text and "a11y_form_langue=en" in response.headers["set-cookie"]
        sid = _new_session(client, base)  # a cookie: every following page is in English
        page = client.get(f"{base}/s/{sid}/tache/1").text
        assert '<html lang="en">' in page and '<a href="?lang=fr" lang="fr" hreflang="fr">' in page
        page = client.get(f"{base}/reprendre", params={"session": "abc"}).text
        assert "No session has this number" in page and '<a href="?session=abc&amp;lang=fr"' in page
        assert '<html lang="fr">' in client.get(f"{base}/s/{sid}/fin", params={"lang": "fr"}).text
        assert '<html lang="fr">' in client.get(f"{base}/s/{sid}/resume").text
        assert '<html lang="fr">' in client.get(base + "/", params={"lang": "xx"}).text  # unknown: ignored
    with httpx.Client() as fresh:  # another browser: the form's own language
        assert '<html lang="fr">' in fresh.get(f"{base}/s/{sid}/resume").text


# --- in a real browser, keyboard only ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sync_browser(chromium):
    from playwright.sync_api import sync_playwright

    from audit.browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(sync_browser):
    context = sync_browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _focus(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _type(page, selector: str, text: str) -> None:
    _focus(page, selector)
    page.keyboard.type(text)


def _radio(page, name: str, index: int) -> None:
    """Tab into a radio group, then Space and arrows until option `index` (1-based) is checked."""
    _focus(page, f"input[name='{name}']")
    page.keyboard.press("Space")
    for _ in range(6):
        checked = page.evaluate("n => document.querySelector(`input[name='${n}']:checked`).id", name)
        current = int(checked.rsplit("-", 1)[1])
        if current == index:
            return
        page.keyboard.press("ArrowDown" if current < index else "ArrowUp")
    raise AssertionError(f"could not check {name}-{index}")


def _select(page, selector: str, value: str) -> None:
    _focus(page, selector)
    for _ in range(12):
        if page.evaluate("s => document.querySelector(s).value", selector) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector} never took the value {value}")


def _submit(page, selector: str) -> None:
    _focus(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _active(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _lang_of(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_a_whole_protocol_with_the_keyboard_only(serve_form, page, tmp_path, lang):
    words = WORDS[lang]
    base = serve_form()
    page.goto(base + "/")
    if lang != "fr":  # the French form's link to the English one, followed with the keyboard (no JavaScript)
        _submit(page, f"a[hreflang={lang}]")
        assert _lang_of(page) == lang and page.url == f"{base}/?lang={lang}"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == words["skip"]
    page.keyboard.press("Enter")
    assert _active(page) == "contenu"
    _type(page, "#pseudonyme", "Testeuse K")
    _radio(page, "experience", 3)
    _type(page, "#at", "ZoomText")
    _type(page, "#at_version", "2024")
    _type(page, "#navigateur", "Edge")
    _type(page, "#navigateur_version", "131")
    _type(page, "#systeme", "Windows 11")
    _type(page, "#reglages", "grossissement ×2")
    _type(page, "#q_grossissement", "ZoomText ×2")
    _submit(page, "form[action='/'] button[type=submit]")
    assert re.search(r"/s/[0-9a-f]{16}/tache/1", page.url)
    sid = page.url.split("/")[4]

    # task 1: completed, easy
    _radio(page, "resultat", 1)
    _radio(page, "difficulte", 2)
    _type(page, "#duree", "3")
    _submit(page, "button[value=suivant]")
    assert page.url.endswith("/tache/2?enregistre=tache-1")
    assert words["saved_task_1"] in page.inner_text("main") and _lang_of(page) == lang  # the choice is remembered

    # task 2: with help, one barrier, then "add another", then a second barrier on another page
    _radio(page, "resultat", 2)
    _radio(page, "difficulte", 4)
    _type(page, "#duree", "2,5")
    _type(page, "#bloque", "Je ne trouvais pas la croix.")
    _select(page, "#b0_page", "/demarches/acte-naissance.html")
    _select(page, "#b0_etape", "2")
    _type(page, "#b0_description", "La croix de fermeture est minuscule.")
    _radio(page, "b0_impact", 3)
    _type(page, "#b0_critere", "11.9")
    _type(page, "#b0_element", "bouton ×")
    _submit(page, "button[value=ajouter]")
    assert page.url.endswith("#barriere-2")
    _select(page, "#b1_page", "autre")
    _type(page, "#b1_autre", "/demarches/")
    _type(page, "#b1_description", "Les cartes débordent de l'écran.")
    _radio(page, "b1_impact", 2)
    _submit(page, "button[value=suivant]")
    assert "/tache/3" in page.url

    # task 3: not completed, very hard, with the protocol's scale question
    _radio(page, "resultat", 3)
    _radio(page, "difficulte", 5)
    _radio(page, "q_lisibilite", 2)
    _submit(page, "button[value=suivant]")
    assert "/fin" in page.url

    # the SUS, then the end
    answers = [4, 2, 4, 1, 3, 2, 5, 2, 4, 1]
    for i, answer in enumerate(answers, 1):
        _radio(page, f"sus_{i}", answer)
    _type(page, "#commentaires", "Merci.")
    _submit(page, "form button[type=submit]")
    assert page.url.endswith(f"/s/{sid}/resume")
    assert page.title().startswith(words["summary"]) and _lang_of(page) == lang
    assert words["thanks"] in page.inner_text("main")

    session = testers.load_session(tmp_path / "sessions" / f"{sid}.yaml", testers.load_protocol(ZOOM))
    assert session.status == SessionStatus.COMPLETE and session.pseudonym == "Testeuse K"
    # the saved values do not depend on the form's language
    assert session.environment.experience == "Plus de 5 ans" and session.environment.settings == "grossissement ×2"
    assert [(r.task, r.result, r.difficulty, r.minutes) for r in session.tasks] == [
        ("trouver-page", TaskResult.COMPLETED, 2, 3), ("delais", TaskResult.WITH_HELP, 4, 2.5),
        ("demande-en-ligne", TaskResult.NOT_COMPLETED, 5, None)]
    first, second = session.report("delais").findings
    assert (first.page, first.step, first.description, first.impact, first.criterion, first.target) == (
        "/demarches/acte-naissance.html", 2, "La croix de fermeture est minuscule.", Severity.MINEUR, "11.9",
        "bouton ×")
    assert (second.page, second.impact, second.criterion) == ("/demarches/", Severity.MAJEUR, None)
    assert session.report("delais").blocked == "Je ne trouvais pas la croix."
    assert session.report("demande-en-ligne").answers == {"lisibilite": 2}
    assert session.sus == tuple(answers) and session.sus_score == testers.sus_score(answers)
    assert session.comments == "Merci."


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_errors_take_the_focus_and_are_tied_to_their_fields(serve_form, page, lang):
    error = WORDS[lang]["error"]
    base = serve_form(lang=lang)
    page.goto(base + "/")
    assert _lang_of(page) == lang
    _type(page, "#navigateur", "Firefox")
    _submit(page, "form[action='/'] button[type=submit]")
    assert page.title().startswith(error) and _lang_of(page) == lang
    assert _active(page) == "erreurs"
    assert page.evaluate("() => document.querySelector('main').firstElementChild.id") == "erreurs"
    assert page.input_value("#navigateur") == "Firefox"  # what was typed is kept
    links = page.eval_on_selector_all("#erreurs a", "as => as.map(a => a.getAttribute('href').slice(1))")
    assert links == ["pseudonyme", "systeme", "q_grossissement"]
    for target in links:
        tied = page.evaluate("""([id, prefix]) => {
            const field = document.getElementById(id);
            const ids = (field.getAttribute('aria-describedby') || '').split(' ');
            const error = document.getElementById(id + '-erreur');
            return field.getAttribute('aria-invalid') === 'true' && ids.includes(id + '-erreur')
                   && !!error && error.textContent.startsWith(prefix);
        }""", [target, error])
        assert tied, target
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _active(page) == "pseudonyme"  # the summary's link leads to the field

    # radio groups: the fieldset is described by the error, every radio is invalid
    page.keyboard.type("Testeur L")
    _type(page, "#systeme", "Linux")
    _type(page, "#q_grossissement", "200 %")
    _submit(page, "form[action='/'] button[type=submit]")
    _submit(page, "button[value=suivant]")
    assert page.title().startswith(error) and _active(page) == "erreurs"
    assert page.evaluate("""() => {
        const group = document.getElementById('resultat');
        const radios = [...group.querySelectorAll('input[type=radio]')];
        return group.tagName === 'FIELDSET' && group.getAttribute('aria-describedby').includes('resultat-erreur')
               && radios.length === 3 && radios.every(r => r.getAttribute('aria-invalid') === 'true');
    }""")
    assert page.eval_on_selector_all("#erreurs a", "as => as.map(a => a.getAttribute('href'))") == [
        "#resultat-1", "#difficulte-1"]


def _form_pages(base: str, client: httpx.Client) -> tuple[str, list[str]]:
    """A session with saved answers and barriers; the URLs of every kind of form page."""
    sid = _new_session(client, base)
    response = _task_form(client, base, sid, 1, resultat="completed", difficulte="2", duree="4",
                          b0_page="/", b0_description="Le menu est coupé.", b0_impact="mineur", action="suivant")
    assert response.status_code == 303
    return sid, ["/", f"/s/{sid}/tache/1", f"/s/{sid}/fin", f"/s/{sid}/resume", "/reprendre?session=abc",
                 f"/s/{'0' * 16}/"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_form_pages_pass_our_checks_and_axe(serve_form, chromium, tmp_path, lang):
    from audit.browser import Browser, GatherOptions
    from audit.checks import Evidence, run_checks, run_site_checks
    from audit.model import Journey, PageRef, Step, StepAction

    base = serve_form(lang=lang)
    with httpx.Client() as client:
        sid, paths = _form_pages(base, client)
    journeys = [
        Journey(id="debut", name="Début en erreur", steps=(
            Step(StepAction.GOTO, target="/"), Step(StepAction.SUBMIT, target="form[action='/'] button", audit=True))),
        Journey(id="tache", name="Tâche en erreur", steps=(
            Step(StepAction.GOTO, target=f"/s/{sid}/tache/3"),
            Step(StepAction.FILL, target="#b0_description", value="Un texte sans gravité ni page"),
            Step(StepAction.SUBMIT, target="button[value=suivant]", audit=True))),
        Journey(id="fin", name="SUS incomplet", steps=(
            Step(StepAction.GOTO, target=f"/s/{sid}/fin"), Step(StepAction.PRESS, target="Space", value="#sus_1-1"),
            Step(StepAction.SUBMIT, target="form button[type=submit]", audit=True)))]

    async def gather():
        out = []
        async with Browser(chromium, GatherOptions(screenshot=False)) as browser:
            for i, path in enumerate(paths):
                folder = tmp_path / "pages" / str(i)
                folder.mkdir(parents=True)
                out.append((await browser.gather(PageRef(url=base + path), folder), folder))
            for journey in journeys:
                def folder_for(key, journey=journey):
                    folder = tmp_path / "pages" / key.replace(":", "_")
                    folder.mkdir(parents=True, exist_ok=True)
                    return folder
                async for snap in browser.journey(journey, base, folder_for, lambda step: step.value or ""):
                    out.append((snap, folder_for(snap.key)))
        return out

    with ThreadPoolExecutor(1) as pool:  # its own thread: the module's sync Playwright owns this one's loop
        gathered = pool.submit(asyncio.run, gather()).result()
    assert len(gathered) == len(paths) + len(journeys)
    problems = []
    for snap, folder in gathered:
        assert snap.error is None, (snap.url, snap.error)
        if snap.journey:
            assert snap.title.startswith(WORDS[lang]["error"]), snap.title
        assert f'<html lang="{lang}">' in (folder / snap.files["dom"]).read_text(encoding="utf-8"), snap.url
        axe = json.loads((folder / "axe.json").read_text(encoding="utf-8"))
        problems += [f"{snap.url}: axe {v['id']}: {v['nodes'][0]['target']}" for v in axe["violations"]]
        problems += [f"{snap.url}: {f.check_id} {f.selector}: {f.message}" for f in run_checks(snap, folder)
                     if f.outcome == Outcome.FAILED]
    # The form is one process (a démarche in steps): RGAA 12.1 (two navigation systems) exempts such pages.
    site = [f for f in run_site_checks([Evidence(s, folder) for s, folder in gathered])
            if f.check_id != "rgaa-12.1-navigation-systems"]
    problems += [f"{f.page_url}: {f.check_id} {f.selector}: {f.message}" for f in site if f.outcome == Outcome.FAILED]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_no_horizontal_scroll_at_320px_and_large_targets(serve_form, page, lang):
    base = serve_form(lang=lang)
    with httpx.Client() as client:
        _, paths = _form_pages(base, client)
    too_wide, too_small = [], []
    for width in (320, 640):  # 400 % and 200 % zoom of a 1280 px window
        page.set_viewport_size({"width": width, "height": 700})
        for path in paths:
            page.goto(base + path)
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{path} at {width}px: {scroll}px wide")
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in paths:
        page.goto(base + path)
        too_small += page.evaluate("""() => [...document.querySelectorAll(
                'button, input[type=text], select, textarea, .choix, .case, nav a, .liens a, .erreurs a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < 44 || r.width < 44)
            .map(([e, r]) => `${location.pathname}: ${e.tagName} ${e.id || e.className} ${r.width}x${r.height}`)""")
    assert not too_wide + too_small, "\n".join(too_wide + too_small)

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
        assert re.search(r'<button type="submit" form="formulaire" formaction="/" formmethod="post" formnovalidate '
                         r'name="langue" value="fr" lang="fr"[^>]*>Version française</button>', page)
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
        assert '<a href="?lang=fr" lang="fr" hreflang="fr">Version française</a>' in response.text  # no form: a link
        for text in (task, response.text):
            assert "Formulaire" not in text and "Erreur" not in text and "enregistr" not in text
    session = testers.load_session(tmp_path / "sessions" / f"{sid}.yaml")
    assert session.environment.label == "ZoomText 2024 + Edge 131 / Windows 11"  # saved as in French
    with pytest.raises(ValueError, match="lang"):
        create_app(ZOOM, tmp_path / "autres", lang="de")


def _switch_button(page: str) -> dict[str, str] | None:
    """The attributes of the page's language button, or None."""
    found = re.search(r'<button ([^>]*name="langue"[^>]*)>([^<]*)</button>', page)
    if not found:
        return None
    return dict(re.findall(r'([a-z-]+)(?:="([^"]*)")?', found.group(1))) | {"text": found.group(2)}


def test_the_language_link_works_without_javascript_and_is_remembered(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        page = client.get(f"{base}/s/{'0' * 16}/").text  # a page without a form: a link
        assert '<html lang="fr">' in page and '<a href="?lang=en" lang="en" hreflang="en">English version</a>' in page
        response = client.get(base + "/", params={"lang": "en"})  # the link, or a bookmark: still honoured
        assert '<html lang="en">' in response.text and "a11y_form_langue=en" in response.headers["set-cookie"]
        sid = _new_session(client, base)  # a cookie: every following page is in English
        page = client.get(f"{base}/s/{sid}/tache/1").text
        assert '<html lang="en">' in page and "hreflang" not in page  # a page with a form: a button of that form
        assert _switch_button(page) | {"text": ""} == {
            "type": "submit", "form": "formulaire", "formaction": f"/s/{sid}/tache/1", "formmethod": "post",
            "formnovalidate": "", "name": "langue", "value": "fr", "lang": "fr", "class": "secondaire", "text": ""}
        assert _switch_button(page)["text"] == "Version française" and '<form id="formulaire" method="post"' in page
        page = client.get(f"{base}/reprendre", params={"session": "abc"}).text
        # the start form's button, sent to the page that keeps the session number typed in the other form
        assert "No session has this number" in page and _switch_button(page)["formaction"] == "/?session=abc"
        summary = client.get(f"{base}/s/{sid}/resume").text
        assert _switch_button(summary) is None and '<a href="?lang=fr" lang="fr" hreflang="fr">' in summary
        assert '<html lang="fr">' in client.get(f"{base}/s/{sid}/fin", params={"lang": "fr"}).text
        assert '<html lang="fr">' in client.get(f"{base}/s/{sid}/resume").text
        assert '<html lang="fr">' in client.get(base + "/", params={"lang": "xx"}).text  # unknown: ignored
    with httpx.Client() as fresh:  # another browser: the form's own language
        assert '<html lang="fr">' in fresh.get(f"{base}/s/{sid}/resume").text


def test_the_language_button_draws_the_page_again_with_what_was_typed_and_saves_nothing(serve_form, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base)
        response = _task_form(client, base, sid, 3, resultat="completed", difficulte="2", q_lisibilite="3",
                              b0_page="/demarches/acte-naissance.html", b0_description="Ancienne barrière",
                              b0_impact="mineur", action="suivant")
        assert response.status_code == 303
        path = tmp_path / "sessions" / f"{sid}.yaml"
        before = path.read_bytes()
        typed = {"resultat": "not-completed", "difficulte": "5", "duree": "abc",  # invalid: no error shown
                 "bloque": "  Deux lignes,\r\npuis des espaces  ", "q_lisibilite": "1",
                 "b0_page": "autre", "b0_autre": "/ailleurs", "b0_etape": "2", "b0_description": "Modifiée",
                 "b0_impact": "bloquant", "b0_critere": "99.9", "b0_element": "<b>le bouton</b>", "b0_supprimer": "oui",
                 "b1_page": "/demarches/acte-naissance.html", "b1_etape": "1", "b1_description": "",
                 "b1_impact": "majeur", "b1_critere": "10.4", "b1_element": "le lien"}
        token = _token(client.get(f"{base}/s/{sid}/tache/3").text)
        response = client.post(f"{base}/s/{sid}/tache/3",
                               data={"jeton": token, "barrieres": "2", "action": "suivant", "langue": "en", **typed})
        page = response.text
        assert response.status_code == 200 and '<html lang="en">' in page and path.read_bytes() == before
        assert "a11y_form_langue=en" in response.headers["set-cookie"]
        assert 'id="erreurs"' not in page and "aria-invalid" not in page and "<title>Task 3 of 3 — User test" in page
        assert _switch_button(page)["value"] == "fr" and "autofocus" in _switch_button(page)  # focus stays on it
        for name in ("resultat", "difficulte", "q_lisibilite", "b0_impact", "b1_impact"):
            assert re.search(rf'name="{name}" value="{typed[name]}" checked', page), name
        for name in ("duree", "b0_autre", "b0_critere", "b1_critere", "b1_element"):
            assert f'id="{name}" name="{name}" value="{typed[name]}"' in page, name
        assert 'value="&lt;b&gt;le bouton&lt;/b&gt;"' in page  # as typed, escaped
        assert ">\n  Deux lignes,\r\npuis des espaces  </textarea>" in page  # even its spaces and line breaks
        assert '>\nModifiée</textarea>' in page and 'name="b0_supprimer" value="oui" checked' in page
        for name in ("b0_page", "b0_etape", "b1_page", "b1_etape"):
            assert re.search(rf'<select id="{name}".*?<option value="{re.escape(typed[name])}" selected', page, re.S)
        assert page.count('class="barriere"') == 2  # the new barrier's box too
        assert client.get(f"{base}/s/{sid}/fin").text.startswith("<!DOCTYPE html>\n<html lang=\"en\">")  # remembered
        # the same in the other direction, on the start page of a new session (its signed time stamp)
        token = _token(client.get(base + "/").text)
        response = client.post(base + "/", data={"jeton": token, "langue": "fr", "pseudonyme": "Testeuse Z",
                                                 "experience": "De 1 à 5 ans", "q_grossissement": "×4"})
        assert response.status_code == 200 and '<html lang="fr">' in response.text
        assert 'value="Testeuse Z"' in response.text and 'value="De 1 à 5 ans" checked' in response.text
        assert ">\n×4</textarea>" in response.text and 'id="erreurs"' not in response.text
        assert len(list(path.parent.glob("*.yaml"))) == 1  # no session was started
        # a token that fails: nothing switched, nothing saved, the page's own words with what was typed
        response = client.post(f"{base}/s/{sid}/fin", data={"jeton": "0" * 64, "langue": "en", "commentaires": "Merci"})
        assert response.status_code == 400 and '<html lang="fr">' in response.text and "set-cookie" not in response.headers
        assert "Le formulaire a expiré" in response.text and ">\nMerci</textarea>" in response.text
        assert path.read_bytes() == before
        # an unknown language is no switch: the page is sent as usual
        response = _task_form(client, base, sid, 1, langue="de", resultat="completed", difficulte="1")
        assert response.status_code == 303 and testers.load_session(path).report("trouver-page") is not None


# A protocol with every kind of the city's text the form shows: intro, questions before and after a task (text
# with a hint, choice, scale), steps (one long enough to be cut in the step menu), success, page names.
EVERY_TEXT = """\
id: textes-de-la-ville
title: Trouver la piscine municipale et ses horaires d'été
audience: screen-reader
site: ville-demo
start: /
intro: Vous allez chercher la piscine municipale. Prenez votre temps, ce n'est pas vous que nous testons.
before:
  - id: frequence
    label: Allez-vous souvent sur le site de la mairie ?
    type: choice
    choices: [Chaque semaine, Rarement]
    required: true
  - id: attentes
    label: Qu'attendez-vous de ce site ?
    hint: Quelques mots suffisent, à votre façon.
sus: true
max_findings: 2
tasks:
  - id: piscine
    title: Trouver la page de la piscine municipale
    steps:
      - Depuis l'accueil, ouvrez le menu principal et cherchez la rubrique qui rassemble les équipements sportifs.
      - Ouvrez la page de la piscine.
    success: La page « Piscine des Remparts » s'affiche.
    time_limit: 5
    pages:
      - {name: Accueil de la ville, path: /}
      - {name: Piscine des Remparts, path: /sport/piscine.html}
    questions:
      - id: menu_clair
        label: Le menu principal était-il compréhensible ?
        type: choice
        choices: [Tout à fait, Pas vraiment]
        required: true
      - id: confort
        label: Votre confort de lecture sur cette page (1 pénible, 5 agréable) ?
        type: scale
      - id: remarque
        label: Une remarque sur cette page ?
        hint: Ce qui vous a surpris, par exemple.
  - id: horaires
    title: Lire les horaires d'été de la piscine
    steps:
      - Trouvez l'horaire d'ouverture du dimanche en juillet.
    success: Vous annoncez « 9 h – 19 h ».
    time_limit: 3
    pages:
      - {name: Piscine des Remparts, path: /sport/piscine.html}
"""


def _protocol_texts(protocol: testers.Protocol) -> list[str]:
    texts = [protocol.title, protocol.intro]
    questions = list(protocol.before)
    for task in protocol.tasks:
        texts += [task.title, task.success, *task.steps, *(p.name for p in task.pages)]
        questions += task.questions
    for q in questions:
        texts += [q.label, q.hint, *q.choices]
    return [" ".join(t.split()) for t in texts if t]


def _lang_problems(html: str, texts: list[str], seen: set[str]) -> list[str]:
    """Every text node holding the protocol's words must be inside lang="fr"; every lang="fr" element must hold
    only them (not our English words with them); ``seen``: the protocol's texts met."""
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(html)
    problems = []

    def lang_of(el) -> str:
        return next((a.get("lang") for a in [el, *el.iterancestors()] if a.get("lang") is not None), "")

    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            text = " ".join((text or "").split())
            if owner is None or not text:
                continue
            for own in texts:
                if own[:40] in text:
                    seen.add(own)
                    if lang_of(owner) != "fr":
                        problems.append(f"<{owner.tag}> in lang={lang_of(owner)!r}: {text!r}")
        if el.get("lang") == "fr" and el.tag != "html":
            text = " ".join(el.text_content().split())
            bare = re.sub(r"^\d+\. ", "", text).removesuffix("…")
            if text != "Version française" and not any(
                    own == bare or (text.endswith("…") and own.startswith(bare)) for own in texts):
                problems.append(f"lang=fr on <{el.tag}> holding more than the protocol's words: {text!r}")
    return problems


def test_every_protocol_text_on_an_english_page_is_marked_french(serve_form, tmp_path):
    protocol_path = tmp_path / "textes.yaml"
    protocol_path.write_text(EVERY_TEXT, encoding="utf-8")
    texts = _protocol_texts(testers.load_protocol(protocol_path))
    base = serve_form(protocol_path, lang="en")
    pages: dict[str, str] = {}
    with httpx.Client() as client:
        pages["start"] = client.get(base + "/").text
        pages["start, errors"] = client.post(base + "/", data={"jeton": _token(pages["start"])}).text
        pages["resume, unknown"] = client.get(base + "/reprendre", params={"session": "abc"}).text
        sid = _new_session(client, base, q_frequence="Rarement")
        response = _task_form(client, base, sid, 1, resultat="completed", difficulte="2", q_menu_clair="Pas vraiment",
                              b0_page="/sport/piscine.html", b0_etape="1", b0_description="Menu coupé.",
                              b0_impact="mineur", action="suivant")
        assert response.status_code == 303, response.text
        pages["edit start"] = client.get(f"{base}/s/{sid}/debut").text
        for number in (1, 2):
            pages[f"task {number}"] = client.get(f"{base}/s/{sid}/tache/{number}").text
        pages["task 1, errors"] = _task_form(client, base, sid, 1, b0_description="x").text
        token = _token(pages["task 1"])
        pages["task 1, switched"] = client.post(f"{base}/s/{sid}/tache/1", data={
            "jeton": token, "barrieres": "2", "langue": "fr", "b1_etape": "1"}).text
        pages["task 1, switched back"] = client.post(f"{base}/s/{sid}/tache/1", data={
            "jeton": token, "barrieres": "2", "langue": "en", "b1_etape": "1"}).text
        pages["end, tasks missing"] = client.get(f"{base}/s/{sid}/fin").text
        pages["summary"] = client.get(f"{base}/s/{sid}/resume").text
        pages["404"] = client.get(f"{base}/s/{sid}/tache/9").text
    assert "Tâche 1 sur 2 : Trouver la page de la piscine municipale — Test utilisateur" in pages["task 1, switched"]
    del pages["task 1, switched"]  # French: nothing to mark
    seen: set[str] = set()
    problems = [f"{name}: {p}" for name, html in pages.items() for p in _lang_problems(html, texts, seen)]
    assert not problems, "\n".join(problems)
    assert seen == set(texts)  # every one of them was on some page, so none was left unchecked
    assert '<option value="1" lang="fr">1. Depuis l&#39;accueil, ouvrez le menu principal et cherchez la rubrique…' \
        in pages["task 1"]


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


def _focus(page, selector: str, limit: int = 200, key: str = "Tab") -> None:
    """Press Tab (or ``key``: Shift+Tab) until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


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


def _replace(page, selector: str, text: str) -> None:
    """Tab to a text field, select what it holds, type instead."""
    _focus(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _fields(page) -> dict[str, str | bool]:
    """Every field of the page's form: the value of a text field or select, whether a box or radio is ticked."""
    return page.evaluate("""() => Object.fromEntries([...document.getElementById('formulaire').elements]
        .filter(e => e.name && !['hidden', 'submit'].includes(e.type))
        .map(e => [e.id, ['radio', 'checkbox'].includes(e.type) ? e.checked : e.value]))""")


def _autofocused(page, selector: str) -> None:
    """The element an autofocus attribute gives the focus to: Chromium moves the focus at its next rendering
    update, which can come just after the load event a navigation waits for."""
    page.wait_for_function("s => !!document.activeElement && document.activeElement.matches(s)", arg=selector,
                           timeout=5000)


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
    if lang != "fr":  # the French form's language button, pressed with the keyboard (no JavaScript)
        _submit(page, f"button[name=langue][value={lang}]")
        assert _lang_of(page) == lang and page.url == f"{base}/"
        _autofocused(page, f"button[name=langue][value={'fr' if lang == 'en' else 'en'}]")  # the focus stays on it
        page.goto(base + "/")  # remembered: a cookie
        assert _lang_of(page) == lang
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
def test_switching_language_keeps_every_field_typed_and_saves_nothing(serve_form, page, tmp_path):
    base = serve_form()
    with httpx.Client() as client:
        sid = _new_session(client, base)
        response = _task_form(client, base, sid, 3, resultat="completed", difficulte="2",
                              b0_page="/demarches/acte-naissance.html", b0_description="Le bouton est caché.",
                              b0_impact="mineur", action="suivant")
        assert response.status_code == 303
    path = tmp_path / "sessions" / f"{sid}.yaml"
    saved = path.read_bytes()
    page.goto(f"{base}/s/{sid}/tache/3")
    assert _lang_of(page) == "fr"
    # every field of the task page, with the keyboard: the saved barrier changed and ticked for deletion, a new one
    steps = {"resultat": 2, "difficulte": 4, "duree": "12,5", "bloque": "Je ne voyais pas le bouton.\nPuis la page a "
             "défilé seule.", "q_lisibilite": 3, "b0_page": "=autre", "b0_autre": "/plan-du-site", "b0_etape": "=2",
             "b0_description": "Le bouton est caché sous le bandeau.", "b0_impact": 1, "b0_critere": "10.4",
             "b0_element": "bouton « Payer »", "b0_supprimer": True, "b1_page": "=/demarches/acte-naissance.html",
             "b1_etape": "=1", "b1_description": "Le lien « Demande en ligne » sort de l'écran.", "b1_impact": 2,
             "b1_critere": "10.11", "b1_element": "lien de demande"}
    for name, value in steps.items():  # a radio's option number, a select's value (=…), a box to tick, a text
        if value is True:
            _focus(page, f"#{name}")
            page.keyboard.press("Space")
        elif isinstance(value, int):
            _radio(page, name, value)
        elif value.startswith("="):
            _select(page, f"#{name}", value[1:])
        else:
            _replace(page, f"#{name}", value)
    typed = _fields(page)
    assert typed["b0_supprimer"] is True and typed["b1_element"] == "lien de demande" and typed["q_lisibilite-3"] is True

    for lang, back in (("en", "fr"), ("fr", "en")):  # there and back again
        _focus(page, "button[name=langue]", key="Shift+Tab")  # in the page's header, where the link used to be
        assert page.evaluate("() => [document.activeElement.value, document.activeElement.lang]") == [lang, lang]
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert _lang_of(page) == lang and page.url == f"{base}/s/{sid}/tache/3"
        assert _fields(page) == typed  # every value still there
        assert page.query_selector("#erreurs") is None and page.query_selector("[aria-invalid]") is None
        assert not page.title().startswith(WORDS[lang]["error"])
        _autofocused(page, f"button[name=langue][value={back}]")  # the focus stays on the switch
        assert path.read_bytes() == saved  # nothing saved

    # Enter in a field still sends the page as its own first button does (not the language button)
    _focus(page, "#duree")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/s/{sid}/fin?enregistre=tache-3") and _lang_of(page) == "fr"  # the last one chosen
    report = testers.load_session(path).report("demande-en-ligne")
    assert (report.result, report.difficulty, report.minutes, report.answers) == (
        TaskResult.WITH_HELP, 4, 12.5, {"lisibilite": 3})
    assert report.blocked == "Je ne voyais pas le bouton.\nPuis la page a défilé seule."
    [finding] = report.findings  # the first barrier deleted, the new one kept
    assert (finding.page, finding.step, finding.impact, finding.criterion, finding.target) == (
        "/demarches/acte-naissance.html", 1, Severity.MAJEUR, "10.11", "lien de demande")


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
    _autofocused(page, "#erreurs")
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
    assert page.title().startswith(error)
    _autofocused(page, "#erreurs")
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
            Step(StepAction.SUBMIT, target="form button[type=submit]", audit=True))),
        Journey(id="langue", name="Changement de langue", steps=(
            Step(StepAction.GOTO, target=f"/s/{sid}/tache/2"),
            Step(StepAction.FILL, target="#b0_description", value="Un texte pas encore envoyé"),
            Step(StepAction.SUBMIT, target="button[name=langue]", audit=True)))]

    async def gather():
        out = []
        # the unknown-session page answers 404 on purpose: our own error page is audited as content
        async with Browser(chromium, GatherOptions(screenshot=False, error_pages=True)) as browser:
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
        dom = (folder / snap.files["dom"]).read_text(encoding="utf-8")
        if snap.journey == "langue":  # the same page in the other language, what was typed kept, no error
            assert not snap.title.startswith(WORDS[lang]["error"]) and "Un texte pas encore envoyé" in dom, snap.title
            assert f'<html lang="{"en" if lang == "fr" else "fr"}">' in dom
        else:
            if snap.journey:
                assert snap.title.startswith(WORDS[lang]["error"]), snap.title
            assert f'<html lang="{lang}">' in dom, snap.url
        axe = json.loads((folder / "axe.json").read_text(encoding="utf-8"))
        problems += [f"{snap.url}: axe {v['id']}: {v['nodes'][0]['target']}" for v in axe["violations"]]
        problems += [f"{snap.url}: {f.check_id} {f.selector}: {f.message}" for f in run_checks(snap, folder)
                     if f.outcome == Outcome.FAILED]
    # The form is one process (a démarche in steps): RGAA 12.1 (two navigation systems) exempts such pages.
    # and the city's legal mention (« Accessibilité : … conforme ») is asked of the city's pages, not of the tool's
    site = [f for f in run_site_checks([Evidence(s, folder) for s, folder in gathered])
            if f.check_id != "rgaa-12.1-navigation-systems" and not f.check_id.startswith("legal-")]
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
            .filter(e => e.offsetParent !== null && !e.matches('.sr-only'))  // off screen: no target
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < 44 || r.width < 44)
            .map(([e, r]) => `${location.pathname}: ${e.tagName} ${e.id || e.className} ${r.width}x${r.height}`)""")
    assert not too_wide + too_small, "\n".join(too_wide + too_small)


# --- words -------------------------------------------------------------------------------------------


def _form_messages() -> list[tuple[str, ...]]:
    """Every message of the form (audit/form.py, audit/testers.py's labels, the form_* templates) as
    ``scripts/catalogues.py`` extracts it: (msgid,) or (singular, plural)."""
    import sys

    from babel.messages.extract import extract as babel_extract

    sys.path.insert(0, str(REPO / "scripts"))
    import catalogues

    sources = [(catalogues._python, catalogues.PYTHON_KEYWORDS, REPO / "audit" / name)
               for name in ("form.py", "testers.py")]
    sources += [("jinja2.ext:babel_extract", catalogues.KEYWORDS, path)
                for path in sorted((REPO / "audit" / "templates").glob("form_*.j2"))]
    found = []
    for method, keywords, path in sources:
        with path.open("rb") as fp:
            for _line, message, _comments, _context in babel_extract(
                    method, fp, keywords=keywords, options={"extensions": "jinja2.ext.i18n"}):
                found.append((message,) if isinstance(message, str) else tuple(message))
    return found


def _pieces(text: str) -> list[str]:
    """The words of a message between its placeholders, long enough to be told apart."""
    return [p.strip(" :.,()«»—\"'") for p in re.split(r"\{[^{}]*\}", text.replace("{{", "").replace("}}", ""))
            if len(p.strip(" :.,()«»—\"'")) >= 6]


def _read_text(page: str, lang: str) -> str:
    """What a person reads on a page in ``lang``: its text, without what is marked as another language (the
    protocol's words, the language switch) and without the style sheet."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(page)
    for el in root.xpath("//style | //*[@lang and @lang != $lang]", lang=lang):
        el.drop_tree()
    return " ".join(root.text_content().split())


def test_the_form_says_every_word_in_its_own_language_only(serve_form, tmp_path):
    """Every page of the form in English holds no French text of the catalogue, and every page in French no
    English text (the protocol's words, marked lang="fr", aside)."""
    from audit import words

    messages = _form_messages()
    french = [piece for ids in messages for i in ids for piece in _pieces(i)]
    english = [piece for ids in messages for piece in _pieces(
        words.ngettext(*ids, 2, "en") if len(ids) == 2 else words.gettext(ids[0], "en"))]
    english += [piece for ids in messages if len(ids) == 2 for piece in _pieces(words.ngettext(*ids, 1, "en"))]
    only = {"fr": {p for p in french if not any(p in e for e in english)},
            "en": {p for p in english if not any(p in f for f in french)}}
    assert len(only["fr"]) > 150 and len(only["en"]) > 150, (len(only["fr"]), len(only["en"]))
    for lang in ("fr", "en"):
        base = serve_form(lang=lang)
        pages: dict[str, str] = {}
        with httpx.Client() as client:
            pages["start"] = client.get(base + "/").text
            pages["start errors"] = client.post(base + "/", data={"jeton": _token(pages["start"]),
                                                                  "pseudonyme": "a@b"}).text
            pages["resume unknown"] = client.get(base + "/reprendre", params={"session": "zz"}).text
            sid = _new_session(client, base)
            pages["task"] = client.get(f"{base}/s/{sid}/tache/1?enregistre=debut").text
            pages["task errors"] = _task_form(client, base, sid, 1, duree="beaucoup", b0_description="",
                                              b0_impact="grave", b0_critere="99.9", b0_etape="9",
                                              b0_page="ailleurs", b0_element="x").text
            _task_form(client, base, sid, 1, resultat="not-completed", difficulte="5", duree="4",
                       b0_page="/demarches/acte-naissance.html", b0_description="Bouton muet.", b0_impact="bloquant",
                       b0_critere="11.1", action="ajouter")
            pages["task saved"] = client.get(f"{base}/s/{sid}/tache/1?enregistre=barriere").text
            pages["end"] = client.get(f"{base}/s/{sid}/fin").text
            pages["end errors"] = client.post(f"{base}/s/{sid}/fin", data={"jeton": _token(pages["end"]),
                                                                           "sus_1": "3"}).text
            pages["summary"] = client.get(f"{base}/s/{sid}/resume").text
            pages["not found"] = client.get(f"{base}/nulle-part").text
            pages["no session"] = client.get(f"{base}/s/{'0' * 16}/").text
        other = "en" if lang == "fr" else "fr"
        for name, page in pages.items():
            text = _read_text(page, lang)
            wrong = sorted(p for p in only[other] if p in text)
            assert not wrong, f"{lang} {name}: {wrong}"
        # and the page's own words are there
        assert words.text("Aller au contenu", lang=lang) in _read_text(pages["start"], lang)

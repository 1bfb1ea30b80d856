"""The testers' form under attack, served for real (werkzeug, 127.0.0.1, port 0): size limits, CSRF, path
traversal through file names, rate limiting, the access token, and the Host header (DNS rebinding).

tests/test_form.py (the form's own tests) covers the plain cases; these are the adversarial ones.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import httpx
import pytest
import yaml

from audit import form, testers
from audit.form import MAX_CONTENT_LENGTH

REPO = Path(__file__).resolve().parents[1]
PROTOCOL = REPO / "user_test_protocols" / "acte-naissance-zoom.yaml"
START = {"pseudonyme": "Testeuse S", "navigateur": "Firefox", "navigateur_version": "131", "systeme": "Linux",
         "at": "Orca", "at_version": "46", "q_grossissement": "x2"}


@pytest.fixture()
def serve(serve_form):
    """serve(**create_app options) -> base URL; the app's secret is ``tmp_path / 'secret'`` bytes."""
    return serve_form


def _token(html: str) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', html).group(1)


def _session(client: httpx.Client, base: str) -> str:
    response = client.post(base + "/", data={"jeton": _token(client.get(base + "/").text), **START})
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[2]


def _files(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "sessions"
    return {p.name: p.read_bytes() for p in folder.glob("*")} if folder.exists() else {}


# --- size limits ------------------------------------------------------------------------------------


def test_a_chunked_body_cannot_bypass_the_size_limit(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        token = _token(client.get(base + "/").text)

        def body():  # 4 x the limit, in small fields, without Content-Length
            yield f"jeton={token}&pseudonyme=A&navigateur=F&systeme=L&q_grossissement=x&".encode()
            for i in range(4 * MAX_CONTENT_LENGTH // 1000):
                yield f"f{i}=".encode() + b"x" * 990 + b"&"

        response = client.post(base + "/", content=body(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code in (411, 413)
    if response.status_code == 411:
        assert "Longueur requise" in response.text and "enregistré" in response.text
    assert _files(tmp_path) == {}


def test_a_small_chunked_body_is_refused_too_not_cut_short(serve, tmp_path):
    """Even a body under the limit: without Content-Length the form cannot tell a complete page from a cut one."""
    base = serve()
    with httpx.Client() as client:
        fields = {"jeton": _token(client.get(base + "/").text), **START}
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        response = client.post(base + "/", content=iter([body]),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 411 and "Traceback" not in response.text
        assert client.post(base + "/", data=fields).status_code == 303  # the same page, with its length
    assert len(_files(tmp_path)) == 1


def test_a_declared_length_over_the_limit_is_refused_before_reading(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        fields = {"jeton": _token(client.get(base + "/").text), **START, "reglages": "x" * MAX_CONTENT_LENGTH}
        response = client.post(base + "/", data=fields)
    assert response.status_code == 413 and "Envoi trop volumineux" in response.text
    assert _files(tmp_path) == {}


def test_an_uploaded_file_is_refused_without_being_stored(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        token = _token(client.get(base + "/").text)
        response = client.post(base + "/", data={"jeton": token, **START},
                               files={"capture": ("../../../etc/cron.d/x", b"y" * (MAX_CONTENT_LENGTH + 1))})
    assert response.status_code == 413 and "Traceback" not in response.text
    assert _files(tmp_path) == {}


def test_a_huge_barrier_count_is_capped(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        sid = _session(client, base)
        token = _token(client.get(f"{base}/s/{sid}/tache/1").text)
        started = time.monotonic()
        response = client.post(f"{base}/s/{sid}/tache/1", data={
            "jeton": token, "resultat": "completed", "difficulte": "1", "barrieres": str(10**12),
            **{f"b{k}_description": f"barrière {k}" for k in range(50)},
            **{f"b{k}_page": "autre" for k in range(50)}, **{f"b{k}_autre": "/x" for k in range(50)},
            **{f"b{k}_impact": "mineur" for k in range(50)}})
        assert time.monotonic() - started < 5
    assert response.status_code == 303
    session = testers.load_session(tmp_path / "sessions" / f"{sid}.yaml")
    assert len(session.tasks[0].findings) <= testers.MAX_FINDINGS_LIMIT


# --- CSRF ---------------------------------------------------------------------------------------------


def test_one_sessions_token_does_not_open_another(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        first, second = _session(client, base), _session(client, base)
        before = _files(tmp_path)
        token = _token(client.get(f"{base}/s/{first}/tache/1").text)
        response = client.post(f"{base}/s/{second}/tache/1",
                               data={"jeton": token, "resultat": "completed", "difficulte": "1"})
        assert response.status_code == 400
        response = client.post(f"{base}/s/{second}/fin", data={"jeton": token, "commentaires": "x"})
        assert response.status_code == 400
    assert _files(tmp_path) == before


@pytest.mark.parametrize("age", [form.START_TOKEN_TTL + 60, -3600])
def test_start_tokens_expire_and_cannot_come_from_the_future(serve, tmp_path, age):
    key = secrets.token_bytes(32)
    base = serve(secret=key)
    stamp = str(int(time.time()) - age)
    forged = f"{stamp}.{form._sign(key, f'start:{stamp}')}"  # a genuine signature, a bad time
    with httpx.Client() as client:
        response = client.post(base + "/", data={"jeton": forged, **START})
    assert response.status_code == 400 and "expiré" in response.text
    assert _files(tmp_path) == {}


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:1", "http://localhost.evil.example"])
def test_foreign_or_opaque_origins_need_more_than_a_form(serve, tmp_path, origin):
    base = serve()
    with httpx.Client() as client:
        sid = _session(client, base)
        before = _files(tmp_path)
        response = client.post(f"{base}/s/{sid}/fin", headers={"Origin": origin}, data={"commentaires": "csrf"})
    assert response.status_code in (400, 403)
    assert _files(tmp_path) == before


def test_the_access_cookie_is_http_only_and_same_site(serve):
    token = "partage-" + secrets.token_hex(4)
    base = serve(token=token)
    response = httpx.get(base + "/", params={"token": token})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower() and token not in cookie


# --- file names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/s/0123456789abcdef%0A/", "/s/0123456789abcdef%00/", "/s/%c0%ae%c0%ae/resume", "/s/%2e%2e%5c%2e%2e%5cx/",
    "/s/0123456789abcdef%2f..%2f..%2fx/", "/s/%E2%80%AE0123456789abcdef/", "/s/０１２３４５６７８９abcdef/",
    "/s/0123456789abcdef.yaml/", "/s/.0123456789abcdef/",
])
def test_odd_session_ids_are_404s_never_500s(serve, path):
    base = serve()
    with httpx.Client() as client:
        for method in ("GET", "POST"):
            response = client.request(method, base + path, data={"jeton": "x"} if method == "POST" else None)
            assert response.status_code in (404, 405), (method, path, response.status_code)
            assert "Traceback" not in response.text


def test_session_ids_are_checked_before_any_file_access(tmp_path):
    for bad in ("../x", "/etc/passwd", "0123456789ABCDEF", "0123456789abcde", "", "0123456789abcdef/"):
        with pytest.raises(ValueError):
            testers.session_path(tmp_path, bad)


def test_a_trailing_newline_is_not_part_of_a_session_id(tmp_path):
    with pytest.raises(ValueError):
        testers.session_path(tmp_path, "0123456789abcdef\n")


@pytest.mark.parametrize("attachment", ["../../etc/passwd", "/etc/passwd", "captures/../../x.png",
                                        "C:\\Windows\\x.png", "captures\\..\\x.png", "file:///etc/passwd"])
def test_attachments_in_a_session_stay_in_its_folder(tmp_path, attachment):
    session = tmp_path / "session.yaml"
    session.write_text(yaml.safe_dump({
        "session": "0123456789abcdef", "protocol": "acte-naissance-zoom", "site": "ville-demo",
        "pseudonym": "T", "date": "2025-11-20", "status": "complete",
        "environment": {"browser": "Firefox", "os": "Linux"},
        "tasks": [{"task": "trouver-page", "result": "completed", "findings": [
            {"page": "/", "description": "x", "impact": "mineur", "attachment": attachment}]}]}),
        encoding="utf-8")
    with pytest.raises(testers.TesterError) as caught:
        testers.load_session(session, testers.load_protocol(PROTOCOL))
    assert any("attachment" in m for m in caught.value.messages)


def test_yaml_tags_typed_in_the_form_stay_text(serve, tmp_path):
    base = serve()
    evil = "!!python/object/apply:os.system ['touch pwned']"
    with httpx.Client() as client:
        response = client.post(base + "/", data={"jeton": _token(client.get(base + "/").text), **START,
                                                 "at": evil, "pseudonyme": "&a *a"})
        assert response.status_code == 303
    [file] = (tmp_path / "sessions").glob("*.yaml")
    session = testers.load_session(file)
    assert session.environment.assistive_technology == evil and session.pseudonym == "&a *a"
    assert not (Path.cwd() / "pwned").exists()


# --- rate limiting ------------------------------------------------------------------------------------


def test_forwarded_headers_do_not_reset_the_rate_limit(serve):
    base = serve(rate_limit=4)
    with httpx.Client() as client:
        statuses = [client.get(base + "/", headers={"X-Forwarded-For": f"10.0.0.{i}", "X-Real-IP": f"10.1.0.{i}",
                                                     "Forwarded": f"for=10.2.0.{i}"}).status_code
                    for i in range(6)]
    assert statuses == [200] * 4 + [429, 429]


def test_posts_and_errors_count_towards_the_rate_limit(serve, tmp_path):
    base = serve(rate_limit=3)
    with httpx.Client() as client:
        codes = [client.get(base + "/s/0123456789abcdef/").status_code,
                 client.post(base + "/", data={"jeton": "x"}).status_code,
                 client.get(base + "/nulle-part").status_code,
                 client.post(base + "/", data={"jeton": "x", **START}).status_code]
    assert codes[:3] == [404, 400, 404] and codes[3] == 429
    assert _files(tmp_path) == {}


# --- the access token -----------------------------------------------------------------------------------


def test_without_the_token_nothing_can_be_read_or_written(serve, tmp_path):
    token = "jeton-" + secrets.token_hex(8)
    base = serve(token=token)
    with httpx.Client() as invited:
        invited.get(base + "/", params={"token": token})
        sid = _session(invited, base)
        page = invited.get(f"{base}/s/{sid}/tache/1").text
    before = _files(tmp_path)
    with httpx.Client() as stranger:
        for url in (f"/s/{sid}/", f"/s/{sid}/resume", f"/s/{sid}/tache/1", f"/reprendre?session={sid}"):
            response = stranger.get(base + url)
            assert response.status_code == 403 and sid not in response.text, url
        response = stranger.post(f"{base}/s/{sid}/tache/1", data={"jeton": _token(page), "resultat": "completed",
                                                                  "difficulte": "1"})
        assert response.status_code == 403
        for guess in ("", "é", token[:-1], token + "x", token.upper(), "%00"):
            assert stranger.get(base + "/", params={"token": guess}).status_code == 403, guess
    with httpx.Client(cookies={form.ACCESS_COOKIE: token}) as forger:
        assert forger.get(base + "/").status_code == 403  # the cookie holds an HMAC of the token, not the token
    assert _files(tmp_path) == before


def test_a_form_served_beyond_this_machine_always_has_a_token():
    assert form._is_loopback("127.0.0.1") and form._is_loopback("::1") and form._is_loopback("localhost")
    assert form._is_loopback("127.0.0.2")
    for host in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.org"):
        assert not form._is_loopback(host), host


# --- Host header --------------------------------------------------------------------------------------


def test_a_foreign_host_header_is_refused(serve, tmp_path):
    """A page on evil.example that rebinds its name to 127.0.0.1 would read the form (and its CSRF tokens)
    as same-origin: the form must answer only to the names it is served under."""
    base = serve()
    port = base.rsplit(":", 1)[1]
    with httpx.Client() as client:
        assert client.get(base + "/").status_code == 200
        assert client.get(base + "/", headers={"Host": f"localhost:{port}"}).status_code == 200
        response = client.get(base + "/", headers={"Host": f"evil.example:{port}"})
        assert response.status_code == 400
        response = client.post(base + "/", headers={"Host": f"evil.example:{port}"},
                               data={"jeton": _token(client.get(base + "/").text), **START})
        assert response.status_code == 400
    assert _files(tmp_path) == {}


def test_the_host_check_knows_loopback_bracketed_ipv6_and_the_bind_host():
    loopback = form._host_names(())
    for header in ("127.0.0.1", "127.0.0.1:8765", "localhost:8765", "LOCALHOST", "localhost.:1", "[::1]:8765",
                   "[::1]"):
        assert form._host_allowed(header, loopback), header
    for header in (None, "", "evil.example", "localhost.evil.example:1", "127.0.0.1.nip.io", "[::2]:1",
                   "127.0.0.1:99999", "local host", "127.0.0.1@evil.example", "evil.example:8765/127.0.0.1"):
        assert not form._host_allowed(header, loopback), header
    lan = form._host_names(("192.168.1.10", "Poste-12.mairie.local.", "fe80::1"))
    assert form._host_allowed("192.168.1.10:8765", lan) and form._host_allowed("poste-12.mairie.local", lan)
    assert form._host_allowed("[fe80::1]:8765", lan) and form._host_allowed("localhost", lan)
    assert not form._host_allowed("192.168.1.11:8765", lan)
    assert form._served_names("192.168.1.10") == ("192.168.1.10",)
    wildcard = form._host_names(form._served_names("0.0.0.0"))  # this machine's own names, and the printed link
    assert form._host_allowed("0.0.0.0:8765", wildcard) and not form._host_allowed("evil.example", wildcard)


def test_the_host_check_comes_before_the_access_token(serve):
    """A rebound page must not even learn that a token is needed; the refusal names no session."""
    base = serve(token="t-" + secrets.token_hex(4))
    port = base.rsplit(":", 1)[1]
    response = httpx.get(base + "/", headers={"Host": f"evil.example:{port}"})
    assert response.status_code == 400 and "Adresse non reconnue" in response.text


# --- the language button ------------------------------------------------------------------------------
# On a page with a form the language switch is a POST of that form (langue=en): the page drawn again with what
# was typed, nothing saved. It must meet every guard a POST meets, and echo nothing unescaped.


def _switch(client: httpx.Client, url: str, token: str | None, **fields) -> httpx.Response:
    data = {"langue": "en", **fields} | ({"jeton": token} if token else {})
    return client.post(url, data=data)


def test_the_language_button_meets_every_guard_of_a_post(serve, tmp_path):
    base = serve()
    port = base.rsplit(":", 1)[1]
    with httpx.Client() as client:
        first, second = _session(client, base), _session(client, base)
        before = _files(tmp_path)
        url = f"{base}/s/{first}/tache/1"
        token = _token(client.get(url).text)
        refused = {
            "no token": _switch(client, url, None, bloque="x"),
            "forged token": _switch(client, url, "0" * 64, bloque="x"),
            "another session's token": _switch(client, f"{base}/s/{second}/tache/1", token, bloque="x"),
            "the start page's token": _switch(client, url, _token(client.get(base + "/").text), bloque="x"),
        }
        for name, response in refused.items():  # refused as a whole: the same language, no cookie
            assert response.status_code == 400 and "expiré" in response.text, name
            assert '<html lang="fr">' in response.text and "set-cookie" not in response.headers, name
        response = client.post(url, headers={"Origin": "http://evil.example"}, data={"jeton": token, "langue": "en"})
        assert response.status_code == 403 and "set-cookie" not in response.headers
        response = client.post(url, headers={"Host": f"evil.example:{port}"}, data={"jeton": token, "langue": "en"})
        assert response.status_code == 400 and first not in response.text
        body = f"jeton={token}&langue=en&bloque=x".encode()
        response = client.post(url, content=iter([body]), headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 411 and "set-cookie" not in response.headers
        response = _switch(client, url, token, bloque="x" * MAX_CONTENT_LENGTH)
        assert response.status_code == 413 and "set-cookie" not in response.headers
        # a good one: drawn again, nothing saved
        response = _switch(client, url, token, bloque="x")
        assert response.status_code == 200 and '<html lang="en">' in response.text
    guarded = serve(token="t-" + secrets.token_hex(4))  # the same sessions, served with an access token
    with httpx.Client() as stranger:
        response = _switch(stranger, f"{guarded}/s/{first}/tache/1", token, bloque="x")
        assert response.status_code == 403 and first not in response.text
    assert _files(tmp_path) == before


def test_the_language_button_echoes_escaped_and_bounded(serve, tmp_path):
    base = serve()
    with httpx.Client() as client:
        sid = _session(client, base)
        before = _files(tmp_path)
        url = f"{base}/s/{sid}/tache/1"
        token = _token(client.get(url).text)
        evil = '"><script>alert(1)</script>'
        response = _switch(client, url, token, barrieres=str(10**12), duree=evil, bloque="</textarea><script>x</script>",
                           b0_page=evil, resultat=evil, **{f"b{k}_description": "x" for k in range(50)})
        page = response.text
        assert response.status_code == 200 and "<script>" not in page
        assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;/textarea&gt;" in page
        assert page.count('class="barriere"') == testers.load_protocol(PROTOCOL).max_findings  # capped
        response = _switch(client, base + "/", _token(client.get(base + "/").text), pseudonyme=evil)
        assert response.status_code == 200 and "<script>" not in response.text
    assert _files(tmp_path) == before


def test_language_buttons_count_towards_the_rate_limit(serve, tmp_path):
    base = serve(rate_limit=4)
    with httpx.Client() as client:
        token = _token(client.get(base + "/").text)  # 1
        codes = [_switch(client, base + "/", token, pseudonyme="A").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert _files(tmp_path) == {}


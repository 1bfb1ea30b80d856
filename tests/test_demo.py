"""The embedded demo site (examples/ville-demo) and its server (audit.demo). No browser needed."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from audit.demo import DEMO_ROOT, DEMO_USER, DemoServer, demo_password

REPO = Path(__file__).resolve().parents[1]
STEP = "/demarches/restauration-scolaire/etape-{}"
REQUIRED_KEYS = {"id", "page", "rgaa", "wcag", "description", "axe_detectable"}
THEMES = set(range(1, 14))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # let 3xx surface as HTTPError so tests can look at them


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url, data=None, headers=None, method=None):
    """(status, headers, body) without following redirects."""
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def login(base, next_path=""):
    status, headers, _ = fetch(
        base + "/connexion", {"identifiant": DEMO_USER, "mot_de_passe": demo_password(), "next": next_path}
    )
    assert status == 303
    cookie = headers["Set-Cookie"]
    return status, headers, cookie.split(";", 1)[0]


@pytest.fixture(scope="module")
def demo():
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="module")
def defects():
    with open(DEMO_ROOT / "defects.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# --- server basics --------------------------------------------------------------------------


def test_starts_on_an_ephemeral_local_port(demo):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", demo.url)
    assert demo.port != 0
    with DemoServer() as other:
        assert other.url != demo.url


def test_url_before_start_is_an_error():
    with pytest.raises(RuntimeError):
        _ = DemoServer().url


def test_home_page(demo):
    status, headers, body = fetch(demo.url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    assert "Bellerive-sur-Loire" in text
    assert '<html lang="fr">' in text
    assert headers["ETag"] and headers["Last-Modified"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/style.css", "text/css"),
        ("/static/logo-bellerive.svg", "image/svg+xml"),
        ("/static/img/IMG_2034.png", "image/png"),
        ("/documents/guide-restauration-scolaire.pdf", "application/pdf"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ],
)
def test_content_types(demo, path, content_type):
    status, headers, body = fetch(demo.url + path)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == content_type
    assert len(body) == int(headers["Content-Length"])


def test_conditional_get(demo):
    _, headers, _ = fetch(demo.url + "/contact.html")
    status, _, body = fetch(demo.url + "/contact.html", headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, _ = fetch(demo.url + "/contact.html", headers={"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304


def test_head(demo):
    status, headers, body = fetch(demo.url + "/aide.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_french_404(demo):
    status, headers, body = fetch(demo.url + "/page-qui-n-existe-pas")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page introuvable" in body.decode("utf-8")


def test_clean_urls(demo):
    assert fetch(demo.url + "/connexion")[0] == 200
    assert fetch(demo.url + "/contact")[0] == 200
    status, headers, _ = fetch(demo.url + "/actualites")
    assert status == 301 and headers["Location"] == "/actualites/"
    assert fetch(demo.url + "/actualites/")[0] == 200


@pytest.mark.parametrize(
    "path",
    ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/static/../../pyproject.toml"],
)
def test_path_traversal_is_refused(demo, path):
    connection = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404
    assert b"[project]" not in body


@pytest.mark.parametrize("path", ["/defects.yaml", "/tools/make_assets.py", "/.gitignore"])
def test_private_files_are_not_served(demo, path):
    assert fetch(demo.url + path)[0] == 404


def test_request_logging_is_silent(demo, capfd, monkeypatch):
    monkeypatch.delenv("A11Y_DEMO_LOG", raising=False)
    fetch(demo.url + "/")
    fetch(demo.url + "/nope")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


# --- sitemap and robots ---------------------------------------------------------------------


def test_sitemap_has_absolute_urls_on_the_right_port(demo):
    status, _, body = fetch(demo.url + "/sitemap.xml")
    assert status == 200
    assert b"{{BASE}}" not in body
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.fromstring(body).findall("sm:url/sm:loc", namespace)]
    assert len(locs) >= 15
    for loc in locs:
        assert loc.startswith(demo.url + "/"), loc
        assert fetch(loc)[0] == 200, loc
    assert not any("/brouillons/" in loc for loc in locs)


def test_robots_txt(demo):
    status, _, body = fetch(demo.url + "/robots.txt")
    text = body.decode("utf-8")
    assert status == 200
    disallows = [line for line in text.splitlines() if line.lower().startswith("disallow:")]
    assert disallows == ["Disallow: /brouillons/"]
    assert f"Sitemap: {demo.url}/sitemap.xml" in text
    assert fetch(demo.url + "/brouillons/nouveau-marche.html")[0] == 200


# --- login and the démarche ------------------------------------------------------------------


@pytest.mark.parametrize("step", [1, 2, 3])
def test_steps_redirect_to_login_without_a_session(demo, step):
    path = STEP.format(step)
    status, headers, _ = fetch(demo.url + path)
    assert status == 302
    assert headers["Location"] == "/connexion?next=" + path
    assert fetch(demo.url + "/espace-usager")[0] == 302


def test_login_page_keeps_next(demo):
    _, _, body = fetch(demo.url + "/connexion?next=" + STEP.format(1))
    assert f'name="next" value="{STEP.format(1)}"' in body.decode("utf-8")


def test_failed_login_rerenders_with_an_error(demo):
    status, headers, body = fetch(demo.url + "/connexion", {"identifiant": DEMO_USER, "mot_de_passe": "faux"})
    assert status == 200
    assert "Set-Cookie" not in headers
    assert "Identifiant ou mot de passe incorrect" in body.decode("utf-8")


def test_login_and_walk_through_the_demarche(demo):
    _, headers, cookie = login(demo.url, STEP.format(1))
    assert headers["Location"] == STEP.format(1)
    assert "HttpOnly" in headers["Set-Cookie"]
    session = {"Cookie": cookie}

    status, _, body = fetch(demo.url + STEP.format(1), headers=session)
    assert status == 200 and "Étape 1 sur 3" in body.decode("utf-8")
    status, headers, _ = fetch(demo.url + STEP.format(1), {"enfant_prenom": "Léo"}, headers=session)
    assert (status, headers["Location"]) == (303, STEP.format(2))
    status, _, body = fetch(demo.url + STEP.format(2), headers=session)
    assert status == 200 and "Étape 2 sur 3" in body.decode("utf-8")
    status, headers, _ = fetch(
        demo.url + STEP.format(2), {"jours": "lundi", "repas": "standard"}, headers=session
    )
    assert (status, headers["Location"]) == (303, STEP.format(3))
    status, _, body = fetch(demo.url + STEP.format(3), headers=session)
    assert status == 200 and "Récapitulatif" in body.decode("utf-8")
    assert fetch(demo.url + "/espace-usager", headers=session)[0] == 200

    status, headers, _ = fetch(demo.url + "/deconnexion", headers=session)
    assert status == 303 and "Max-Age=0" in headers["Set-Cookie"]
    assert fetch(demo.url + STEP.format(1), headers=session)[0] == 302


def test_login_without_next_goes_to_the_user_space(demo):
    _, headers, _ = login(demo.url)
    assert headers["Location"] == "/espace-usager"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "espace"])
def test_login_refuses_non_local_next(demo, target):
    _, headers, _ = login(demo.url, target)
    assert headers["Location"] == "/espace-usager"


def test_step_post_without_session_goes_to_login(demo):
    status, headers, _ = fetch(demo.url + STEP.format(1), {"enfant_prenom": "Léo"})
    assert status == 303 and headers["Location"].startswith("/connexion?next=")


def test_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("A11Y_DEMO_PASSWORD", "autre-secret")
    assert demo_password() == "autre-secret"
    monkeypatch.delenv("A11Y_DEMO_PASSWORD")
    assert demo_password() == "jardin-des-plantes-42"


# --- the site's content ---------------------------------------------------------------------


def test_pdfs_are_valid_and_differ_in_accessibility():
    pypdf = pytest.importorskip("pypdf")
    guide = pypdf.PdfReader(DEMO_ROOT / "documents" / "guide-restauration-scolaire.pdf", strict=True)
    root = guide.trailer["/Root"]
    assert "/Lang" not in root and "/StructTreeRoot" not in root and "/MarkInfo" not in root
    assert "restauration scolaire" in guide.pages[0].extract_text()

    report = pypdf.PdfReader(DEMO_ROOT / "documents" / "compte-rendu-conseil-municipal.pdf", strict=True)
    root = report.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert report.metadata.title.startswith("Compte rendu du conseil municipal")


def test_html_pages_are_french_utf8_with_the_shared_header():
    pages = [p for p in DEMO_ROOT.rglob("*.html") if "embed" not in p.parts]
    assert len(pages) >= 15
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>"), page
        assert '<meta charset="utf-8">' in text, page
        assert '<a href="/" class="logo">' in text, page
        assert "/static/style.css" in text, page


def test_site_size_is_small():
    total = sum(p.stat().st_size for p in DEMO_ROOT.rglob("*") if p.is_file())
    assert total < 300_000


# --- defects.yaml ---------------------------------------------------------------------------


def test_defects_are_well_formed(defects):
    assert isinstance(defects, list) and len(defects) >= 25
    ids = [d["id"] for d in defects]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for defect in defects:
        assert REQUIRED_KEYS <= defect.keys(), defect
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", defect["id"]), defect["id"]
        assert re.fullmatch(r"\d{1,2}\.\d{1,2}", defect["rgaa"]), defect
        assert int(defect["rgaa"].split(".")[0]) in THEMES, defect
        assert re.fullmatch(r"[1-4]\.\d{1,2}\.\d{1,2}", defect["wcag"]), defect
        assert isinstance(defect["axe_detectable"], bool), defect
        assert defect["description"].strip(), defect
        if defect["axe_detectable"]:
            assert re.fullmatch(r"[a-z0-9-]+", defect["axe_rule"]), defect
            assert defect["selector"], defect
        else:
            assert "axe_rule" not in defect, defect
    themes = {int(d["rgaa"].split(".")[0]) for d in defects}
    assert len(themes) >= 8
    assert sum(d["axe_detectable"] for d in defects) >= 10
    assert sum(not d["axe_detectable"] for d in defects) >= 10
    assert [d for d in defects if d["page"] == "*"], "one defect must be on every page"


def test_every_defect_page_exists(demo, defects):
    _, _, cookie = login(demo.url)
    for defect in defects:
        if defect["page"] == "*":
            continue
        assert defect["page"].startswith("/"), defect
        status, _, _ = fetch(demo.url + defect["page"], headers={"Cookie": cookie})
        assert status == 200, defect


def test_demo_module_runs_until_interrupted():
    process = subprocess.Popen(
        [sys.executable, "-m", "audit.demo"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C must reach it even when the tests run as a background job (SIGINT then inherited as ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line
        assert fetch(match.group(0) + "/")[0] == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in err


def test_a_broken_link_and_a_second_address_of_the_home_page_for_one_run_one_truth(demo):
    """The demo has what an audit must not count as pages: a link to a page that answers 404, and a link to
    /index.html, which serves exactly the bytes of /."""
    _, _, news = fetch(demo.url + "/actualites/")
    assert b'href="/actualites/archives-2024.html"' in news
    status, _, _ = fetch(demo.url + "/actualites/archives-2024.html")
    assert status == 404
    _, _, aide = fetch(demo.url + "/aide.html")
    assert b'href="/index.html"' in aide
    assert fetch(demo.url + "/index.html")[2] == fetch(demo.url + "/")[2]


def test_a_client_closing_its_connection_prints_no_traceback(capsys):
    """A browser closing a connection it no longer needs is not an error of the demo: nothing on stderr; any other
    error of a request is still printed."""
    with DemoServer() as server:
        httpd = server._httpd
        for error, printed in ((ConnectionResetError(104, "Connection reset by peer"), False),
                               (BrokenPipeError(32, "Broken pipe"), False), (ValueError("boom"), True)):
            try:
                raise error
            except Exception:  # noqa: BLE001 - handle_error reads the exception being handled
                httpd.handle_error(None, ("127.0.0.1", 1))
            assert ("Traceback" in capsys.readouterr().err) is printed, error

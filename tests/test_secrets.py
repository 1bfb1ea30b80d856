"""Secrets: journey credentials (``value_env``) never reach an artefact of a run — reports, logs, saved
DOMs and axe results, the SQLite store (every byte of it, free pages included), screenshots.

Each test uses a fresh random secret and looks for it, and for its base64, URL-encoded, HTML-escaped and
JSON-escaped forms, in every file under the runs folder and in everything the run printed or logged.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from faults import FaultServer

from audit import config, runner
from audit.demo import DemoServer
from audit.model import CrawlPolicy, Journey, Site, Step, StepAction
from audit.store import Store

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]


def new_secret() -> str:
    # letters, digits and characters that encodings change (space, &, +, /, =, quote, <, é)
    return f"S3cr&t+{secrets.token_hex(6)}/é <x>='{secrets.token_hex(4)}"


def forms(secret: str) -> dict[str, bytes]:
    """The ways a secret can be written down."""
    raw = secret.encode("utf-8")
    out = {
        "raw": raw,
        "base64": base64.b64encode(raw),
        "base64url": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "url": quote(secret, safe="").encode(),
        "url-plus": quote_plus(secret).encode(),
        "url-lower": quote(secret, safe="").lower().encode(),
        "html": html.escape(secret, quote=True).encode(),
        "html-noquote": html.escape(secret, quote=False).encode(),
        "json": json.dumps(secret)[1:-1].encode(),
        "json-ascii": json.dumps(secret, ensure_ascii=True)[1:-1].encode(),
        "latin-1": secret.encode("latin-1", "replace"),
    }
    core = re.search(r"[0-9a-f]{12}", secret)
    if core:
        out["random-part"] = core.group().encode()  # the random part alone, whatever the encoding around it
    return out


def leaks(secret: str, root: Path, texts: dict[str, str]) -> list[str]:
    """Where any form of ``secret`` appears: files under ``root`` and captured ``texts``."""
    found = []
    needles = forms(secret)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found.extend(f"{path.relative_to(root)} ({name})" for name, needle in needles.items() if needle in data)
    for label, text in texts.items():
        data = text.encode("utf-8", "replace")
        found.extend(f"{label} ({name})" for name, needle in needles.items() if needle in data)
    return found


def test_the_leak_finder_finds_each_form(tmp_path):
    secret = new_secret()
    for name, needle in forms(secret).items():
        (tmp_path / f"{name}.bin").write_bytes(b"xx" + needle + b"yy")
    assert len(leaks(secret, tmp_path, {})) >= len(forms(secret))
    assert leaks("autre-chose-" + secrets.token_hex(4), tmp_path, {}) == []


def _all_outputs(store: Store, run, site: Site) -> None:
    """Every renderer's outputs, into the run's reports folder (they are artefacts of the run too)."""
    from audit.assessment import assess
    from audit.baseline import compare_entries
    from audit.reports import declaration, grid, html, junit, remediation, report_of, sarif, summary
    from audit.reports import json as json_report

    out = run.folder / "reports"
    out.mkdir(parents=True, exist_ok=True)
    a = assess(store, run, site)  # with the inputs registered with the site (its tester sessions)
    report = report_of(a)
    html.write(report, run.folder, out, "fr")
    json_report.write(report, out)
    junit.write(a, out)
    sarif.write(a, out)
    remediation.write(report, run.folder, out / "remediation")
    grid.write(a.grid, out / "grille.csv")
    declaration.write(declaration.declare(site, a), out / "declaration")
    (out / "summary.md").write_text(summary.render(compare_entries(a, [], "serious"), a), encoding="utf-8")


def test_demo_journey_password_is_in_no_artefact(tmp_path, chromium, monkeypatch):
    """The demo journey logs in with a random A11Y_DEMO_PASSWORD: it works, and the password is nowhere."""
    secret = new_secret()
    env = {**os.environ, "A11Y_DEMO_PASSWORD": secret, "A11Y_AUDIT_CHROMIUM": chromium}
    runs = tmp_path / "runs"
    monkeypatch.setenv("A11Y_DEMO_PASSWORD", secret)  # the demo server checks the login against it
    with DemoServer() as server:
        base_url = server.url
        text = (REPO / "sites.yaml").read_text(encoding="utf-8").replace("http://127.0.0.1:8000", server.url)
        shutil.copytree(REPO / "user_test_protocols", tmp_path / "user_test_protocols")  # its registered sessions
        cfg = tmp_path / "sites.yaml"
        cfg.write_text(text, encoding="utf-8")
        cmd = [sys.executable, "-m", "audit", "-v", "run", "ville-demo", "--config", str(cfg), "--runs-dir",
               str(runs), "--fail-on", "none", "--max-pages", "8", "--format", "html", "--format", "json"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    store = Store(runs)
    run = store.run("ville-demo")
    site = config.with_base_url(next(s for s in config.load(cfg).sites if s.id == "ville-demo"), base_url)
    steps = [p for p in store.pages(run) if p.journey]
    assert len(steps) == 3 and all(p.error is None for p in steps), "the login worked: steps behind it audited"
    _all_outputs(store, run, site)
    store.close()
    assert leaks(secret, runs, {"stdout": done.stdout, "stderr": done.stderr}) == []


SECRET_JOURNEY = Journey(id="code", name="Saisie d'un code", steps=(
    Step(action=StepAction.GOTO, target="/secret-form", audit=False),
    Step(action=StepAction.FILL, target="#code", value_env="A11Y_TEST_CODE"),
    Step(action=StepAction.FILL, target="#pw", value_env="A11Y_TEST_PW"),
    Step(action=StepAction.WAIT_FOR, target="#apercu", name="Code saisi", audit=True),
    Step(action=StepAction.SUBMIT, target="#envoyer", name="Confirmation", audit=True),
))


@pytest.fixture(scope="module")
def typed_secret_run(tmp_path_factory, chromium):
    """One run of SECRET_JOURNEY with fresh secrets; everything it printed or logged is kept."""
    code, password = new_secret(), new_secret()
    root = tmp_path_factory.mktemp("typed") / "runs"
    logs, out, err = io.StringIO(), io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(logs)
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            patch.setenv("A11Y_TEST_CODE", code)
            patch.setenv("A11Y_TEST_PW", password)
            with FaultServer() as server:
                site = Site(id="code", name="Saisie", base_url=server.url + "/ok/accueil",
                            journeys=(SECRET_JOURNEY,), crawl=CrawlPolicy(max_pages=2, max_depth=0, sitemaps=False))
                store = Store(root)
                [run] = runner.run_sites([site], store, runner.RunOptions(chromium=chromium, timeout=30))
                _all_outputs(store, run, site)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    steps = {p.name: p for p in store.pages(run) if p.journey}
    store.close()
    return {"root": root, "code": code, "password": password, "steps": steps, "run": run,
            "texts": {"logs": logs.getvalue(), "stdout": out.getvalue(), "stderr": err.getvalue()}}


def test_secrets_typed_on_audited_pages_are_redacted(typed_secret_run):
    """The page mirrors typed values into attributes, visible text and its title, then sends them by GET to
    a page that repeats them: none of it may be stored."""
    r = typed_secret_run
    assert set(r["steps"]) == {"Code saisi", "Confirmation"}
    assert all(p.error is None for p in r["steps"].values())
    assert "discovery" in r["texts"]["logs"], "the run's logs were captured"
    assert leaks(r["code"], r["root"], r["texts"]) == [] and leaks(r["password"], r["root"], r["texts"]) == []


def test_secret_fields_are_masked_in_screenshots(typed_secret_run):
    from PIL import Image

    r = typed_secret_run
    step = r["steps"]["Code saisi"]
    image = Image.open(r["run"].folder / "pages" / _page_id(step.key) / step.files["screenshot"]).convert("RGB")
    data = image.tobytes()
    magenta = sum(1 for i in range(0, len(data), 3) if data[i] > 200 and data[i + 1] < 80 and data[i + 2] > 200)
    assert magenta > 5000, "the 900 px wide #code field is covered by the mask colour"


def _page_id(key: str) -> str:
    from audit.store import page_id

    return page_id(key)


# --- value_file: a secret from a file outside the repository ----------------------------------------


VALUE_FILE_YAML = """\
sites:
  - id: ville
    base_url: https://www.example.org
    journeys:
      - id: connexion
        steps:
          - goto: /connexion
          - fill: "#mot_de_passe"
            value_file: {path}
"""


def test_value_file_reads_a_secret_kept_outside_the_repository(tmp_path):
    secret = new_secret()
    outside = tmp_path / "secret.txt"
    outside.write_text(secret + "\n", encoding="utf-8")
    cfg = config.parse(VALUE_FILE_YAML.format(path=outside), str(REPO / "sites.yaml"))
    step = cfg.sites[0].journeys[0].steps[1]
    assert step.value_file == str(outside) and step.value is None
    assert config.resolve_secret(step) == secret  # the trailing newline of the file is not part of it
    assert secret not in repr(cfg)


def test_value_file_inside_the_repository_is_refused_with_its_line():
    inside = REPO / "secrets" / "mot-de-passe.txt"
    with pytest.raises(config.ConfigError, match=r"sites\.yaml:9: .*value_file.*hors du dépôt"):
        config.parse(VALUE_FILE_YAML.format(path=inside), str(REPO / "sites.yaml"))


def test_value_file_relative_to_the_configuration_may_not_climb_back_into_it(tmp_path):
    (tmp_path / ".git").mkdir()  # the configuration lives in a git work tree
    (tmp_path / "conf").mkdir()
    with pytest.raises(config.ConfigError, match=r"sites\.yaml:9: .*value_file: \.\./secret\.txt est dans le "
                                                 r"dépôt"):
        config.parse(VALUE_FILE_YAML.format(path="../secret.txt"), str(tmp_path / "conf" / "sites.yaml"))
    step = config.parse(VALUE_FILE_YAML.format(path="../../secret.txt"),
                        str(tmp_path / "conf" / "sites.yaml")).sites[0].journeys[0].steps[1]
    assert Path(step.value_file).resolve() == (tmp_path.parent / "secret.txt").resolve()


@pytest.mark.parametrize(("content", "message"), [
    (None, "fichier introuvable. Créez-le"),
    ("", "le fichier est vide"),
    (b"\xff\xfe", "ce n'est pas du texte UTF-8"),
])
def test_an_unusable_value_file_is_named_at_run_time(tmp_path, content, message):
    path = tmp_path / "secret.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    step = Step(action=StepAction.FILL, target="#pw", value_file=str(path))
    with pytest.raises(config.ConfigError) as err:
        config.resolve_secret(step)
    assert f"value_file {path} (l'étape de parcours qui remplit « #pw »): {message}" in str(err.value)


def test_value_file_keeps_all_but_one_trailing_newline(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_bytes(b"  mot de passe\n\n")
    assert config.resolve_secret(Step(action=StepAction.FILL, target="#pw", value_file=str(path))) == "  mot de passe\n"
    path.write_bytes(b"crlf\r\n")
    assert config.resolve_secret(Step(action=StepAction.FILL, target="#pw", value_file=str(path))) == "crlf"


def test_the_redactor_masks_every_form_of_a_secret():
    from audit.browser import SECRET_MASK, Redactor

    secret = new_secret()
    redactor = Redactor()
    redactor.add(secret)
    for name, needle in forms(secret).items():
        if name in ("latin-1", "random-part"):  # bytes the browser never gives; a part is not the secret
            continue
        masked = redactor.text("avant " + needle.decode("utf-8"))
        assert masked == f"avant {SECRET_MASK}", name
        assert leaks(secret, Path("/nonexistent"), {"masked": masked}) == [], name
    # chromium's own serialisations: attribute values escape & and quotes, text escapes & < >
    attribute = secret.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    assert redactor.text(f'<input value="{attribute}">') == f'<input value="{SECRET_MASK}">'
    assert redactor.data({"t": [secret], secret: 1}) == {"t": [SECRET_MASK], SECRET_MASK: 1}
    assert redactor.json_text(json.dumps({"html": f"<b>{secret}</b>"})) == json.dumps(
        {"html": f"<b>{SECRET_MASK}</b>"}, separators=(",", ":"))
    assert Redactor().text("rien à masquer") == "rien à masquer"


def test_a_missing_secret_variable_is_named_never_shown(tmp_path, monkeypatch):
    monkeypatch.delenv("A11Y_TEST_ABSENT", raising=False)
    step = Step(action=StepAction.FILL, target="#pw", value_env="A11Y_TEST_ABSENT")
    with pytest.raises(config.ConfigError, match="A11Y_TEST_ABSENT n'est pas définie"):
        config.resolve_secret(step)
    secret = new_secret()
    monkeypatch.setenv("A11Y_TEST_ABSENT", secret)
    step = replace(step)
    assert config.resolve_secret(step) == secret and secret not in repr(step)

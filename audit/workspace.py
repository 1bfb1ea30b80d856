"""The web workspace (``a11y-audit serve``): the city at a glance, the auditor's grid with its evidence, the
verdicts kept in the run store, publishing the declaration and the year's plan d'actions.

One local Flask app over the run store and sites.yaml (bound to 127.0.0.1 unless told otherwise), plain HTML
forms that work without JavaScript, French first (``?lang=en`` switches, the choice is remembered). Every page
reads the single assessed result of a site's last run (``assessment.load_or_assess``): a verdict saved here is
an input of that result, so the grid, the rates and the declaration follow at once.

Access: people are listed in an access file kept outside the repository (``a11y-audit access add``), each with a
role — ``read`` (see), ``tester`` (see, and the testers' form when it is mounted), ``auditor`` (settle cells,
publish), ``manager`` (the remediation plan, publish) — and a token of which only the SHA-256 is stored. A person
signs in with the token; a signed cookie keeps the session; every form carries a CSRF token; the same limits and
headers as the testers' form. Nothing is served beyond the pages and the element captures of the store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, redirect, request
from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.exceptions import HTTPException

from audit import assessment, config, reader, scoring, standards, words
from audit.address import page_id
from audit.model import Outcome, Source
from audit.store import Store, StoredVerdict, now_iso
from audit.words import N_

log = logging.getLogger(__name__)

ROLES = ("read", "tester", "auditor", "manager")
ROLE_NAMES = {"read": N_("lecture"), "tester": N_("testeur ou testeuse"), "auditor": N_("auditeur ou auditrice"),
              "manager": N_("responsable accessibilité")}
# what each role may do
RIGHTS = {"read": {"see"}, "tester": {"see", "file"}, "auditor": {"see", "settle", "publish"},
          "manager": {"see", "plan", "publish"}}
_ROLE_WORDS = {"lecture": "read", "testeur": "tester", "testeuse": "tester", "auditeur": "auditor",
               "auditrice": "auditor", "responsable": "manager"}
STATUSES = ("C", "NC", "NA")
STATUS_NAMES = {"C": N_("Conforme"), "NC": N_("Non conforme"), "NA": N_("Non applicable"), "NT": N_("À vérifier")}
DEROGATIONS = {"": N_("Aucune"), "disproportionate": N_("Dérogation pour charge disproportionnée"),
               "exempt": N_("Contenu non soumis à l'obligation d'accessibilité")}
PLAN_STATES = {"todo": N_("À faire"), "doing": N_("En cours"), "done": N_("Corrigé"), "wontfix": N_("Abandonné")}
SESSION_COOKIE = "a11y_espace"
LOGIN_COOKIE = "a11y_espace_connexion"
LANG_COOKIE = "a11y_espace_langue"
SESSION_HOURS = 12
MAX_CONTENT_LENGTH = 256 * 1024
DEFAULT_RATE_LIMIT = 600  # requests per IP per minute (an auditor settles cells quickly)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_COMMENT = 2000


class AccessError(Exception):
    """The access file is missing or wrong: one message, file:line."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str
    token_sha256: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def load_access(path: str | Path) -> list[Person]:
    """The people of an access file (YAML: ``people: [{name, role, token_sha256}]``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"{p}: " + words.text("fichier d'accès introuvable. Créez-le avec `a11y-audit access add {file} NOM RÔLE`.", file=p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessError(f"{p}: " + words.text("lecture impossible : {error}.", error=exc)) from None
    doc = reader.Located(str(p), text)
    if doc.problem is not None:
        line, problem = doc.problem
        raise AccessError(f"{p}:{line or 1}: " + words.text("YAML invalide : {problem}", problem=problem))
    people = doc.data.get("people") if isinstance(doc.data, dict) else None
    if not isinstance(people, list) or not people:
        raise AccessError(f"{p}:1: " + words.text("une liste `people:` de {{name, role, token_sha256}} est attendue"))
    out = []
    for i, item in enumerate(people):
        where = f"{p}:{doc.line(f'people[{i}]')}: people[{i}]"
        if not isinstance(item, dict):
            raise AccessError(f"{where}: " + words.text("une personne est un bloc {{name, role, token_sha256}}"))
        name, role, digest = (str(item.get(k) or "").strip() for k in ("name", "role", "token_sha256"))
        role = _ROLE_WORDS.get(role.lower(), role.lower())
        if not name:
            raise AccessError(f"{where}.name: " + words.text("obligatoire, un texte non vide"))
        if role not in ROLES:
            raise AccessError(f"{where}.role: " + words.text("« {role} » n'est pas un rôle : read, tester, auditor ou manager", role=role))
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
            raise AccessError(f"{where}.token_sha256: " + words.text("l'empreinte SHA-256 du jeton est attendue (64 caractères hexadécimaux) ; `a11y-audit access add` l'écrit"))
        out.append(Person(name=name, role=role, token_sha256=digest.lower()))
    return out


def add_person(path: str | Path, name: str, role: str) -> str:
    """Add a person to an access file (created, readable by its owner only) and return their new token, shown
    once: only its SHA-256 is written."""
    role = _ROLE_WORDS.get(role.lower(), role.lower())
    if role not in ROLES:
        raise AccessError(words.text("« {role} » n'est pas un rôle : read, tester, auditor ou manager", role=role))
    p = Path(path)
    token = secrets.token_urlsafe(24)
    existing = p.read_text(encoding="utf-8") if p.is_file() else "people:\n"
    if not existing.strip():
        existing = "people:\n"
    entry = (f"  - name: {json.dumps(name, ensure_ascii=False)}\n    role: {role}\n"
             f"    token_sha256: {token_digest(token)}\n")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(existing.rstrip("\n") + "\n" + entry, encoding="utf-8")
    p.chmod(0o600)
    load_access(p)  # what was written reads back
    return token


# --- limits, as the testers' form -------------------------------------------------------------------


class _RateLimiter:
    """At most ``limit`` requests per IP in any 60 s window (in memory, per process)."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self.hits: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def retry_after(self, ip: str) -> int:
        now = time.monotonic()
        with self.lock:
            hits = self.hits[ip]
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, int(self.window - (now - hits[0])) + 1)
            hits.append(now)
            return 0


@dataclass
class _State:
    config_path: Path
    runs_dir: Path | None
    people: list[Person]
    secret: bytes
    limiter: _RateLimiter
    hosts: frozenset[str]
    lang: str = "fr"
    publish_dir: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    config_cache: dict[str, Any] = field(default_factory=dict)


def _state() -> _State:
    from flask import current_app

    return current_app.extensions["a11y_workspace"]


def create_app(config_path: str | Path, runs_dir: str | Path | None = None, people: list[Person] | None = None,
               access_file: str | Path | None = None, *, lang: str = "fr", secret: bytes | None = None,
               hosts: tuple[str, ...] = (), rate_limit: int = DEFAULT_RATE_LIMIT,
               publish_dir: str | Path | None = None) -> Flask:
    """The workspace over ``config_path`` (sites.yaml) and the run store (``runs_dir``, else the config's).

    ``people`` or ``access_file``: who may come in (AccessError when the file is wrong)."""
    if lang not in words.LANGS:
        raise ValueError(f"lang must be one of {words.LANGS}")
    if people is None:
        if access_file is None:
            raise AccessError(words.text("indiquez le fichier d'accès (--access FICHIER) : sans lui, personne ne peut entrer."))
        people = load_access(access_file)
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE=MAX_CONTENT_LENGTH,
                      MAX_FORM_PARTS=2000, SECRET_KEY=None)
    app.extensions["a11y_workspace"] = _State(
        config_path=Path(config_path), runs_dir=Path(runs_dir) if runs_dir else None, people=list(people),
        secret=secret or secrets.token_bytes(32), limiter=_RateLimiter(rate_limit), lang=lang,
        hosts=frozenset(LOOPBACK_NAMES) | {h.strip().lower() for h in hosts if h.strip()},
        publish_dir=Path(publish_dir) if publish_dir else None)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.register_error_handler(HTTPException, _http_error)
    routes = [("/", "city", _city, ["GET"]), ("/connexion", "login", _login, ["GET", "POST"]),
              ("/favicon.ico", "favicon", lambda: Response(status=404), ["GET"]),
              ("/robots.txt", "robots", lambda: Response(status=404), ["GET"]),
              ("/deconnexion", "logout", _logout, ["POST"]),
              ("/sites/<site_id>/", "site", _site, ["GET"]),
              ("/sites/<site_id>/grille", "grid", _grid, ["GET"]),
              ("/sites/<site_id>/cellule", "cell", _cell, ["GET", "POST"]),
              ("/sites/<site_id>/capture", "capture", _capture, ["GET"]),
              ("/sites/<site_id>/declaration", "declaration", _declaration, ["GET", "POST"]),
              ("/sites/<site_id>/declaration/apercu", "declaration_view", _declaration_view, ["GET"]),
              ("/sites/<site_id>/plan", "plan", _plan, ["GET", "POST"]),
              ("/sites/<site_id>/plan-d-actions", "plan_view", _plan_view, ["GET"])]
    for rule, name, view, methods in routes:
        app.add_url_rule(rule, name, view, methods=methods)
    return app


# --- requests --------------------------------------------------------------------------------------


def _lang() -> str:
    return getattr(g, "lang", None) or _state().lang


def _(msgid: str, /, **values: Any) -> str:
    return words.text(msgid, lang=_lang(), **values)


def _host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    if not header:
        return False
    name = header.lower()
    name = name[: name.index("]") + 1] if name.startswith("[") else name.partition(":")[0]
    return name.rstrip(".") in allowed


def _sign(value: str) -> str:
    return hmac.new(_state().secret, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _person() -> Person | None:
    """Who is signed in (the session cookie: person's index, expiry, signature), or None."""
    raw = request.cookies.get(SESSION_COOKIE, "")
    parts = raw.split(".")
    if len(parts) != 3:
        return None
    index, expiry, signature = parts
    if not hmac.compare_digest(signature, _sign(f"{index}.{expiry}")):
        return None
    try:
        if int(expiry) < time.time():
            return None
        return _state().people[int(index)]
    except (ValueError, IndexError):
        return None


def _csrf() -> str:
    """The CSRF token of this session (of the sign-in page before one exists)."""
    basis = request.cookies.get(SESSION_COOKIE) or g.get("login_nonce") or request.cookies.get(LOGIN_COOKIE, "")
    return _sign("csrf:" + basis)[:40]


def _csrf_ok() -> bool:
    return hmac.compare_digest(request.form.get("jeton", ""), _csrf())


def _before():
    state = _state()
    g.nonce = secrets.token_urlsafe(16)
    asked = request.args.get("lang")
    g.lang = asked if asked in words.LANGS else request.cookies.get(LANG_COOKIE) if request.cookies.get(
        LANG_COOKIE) in words.LANGS else state.lang
    wait = state.limiter.retry_after(request.remote_addr or "?")
    if wait:
        response = _message(429, _("Trop de demandes"), _("Patientez {wait} secondes, puis rechargez la page : rien de ce qui est enregistré n'est perdu.", wait=wait))
        response.headers["Retry-After"] = str(wait)
        return response
    if not _host_allowed(request.headers.get("Host"), state.hosts):
        return _message(400, _("Adresse non reconnue"), _("Cet espace ne répond qu'à son adresse configurée (127.0.0.1 ou celles données par --allow-host)."))
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            return _message(403, _("Envoi refusé"), _("Ce formulaire n'a pas été envoyé depuis cet espace : rien n'a été enregistré."))
    g.person = _person()
    if request.endpoint == "favicon":
        return Response(status=404)
    if request.endpoint == "robots":  # nothing here is for search engines
        return Response("User-agent: *\nDisallow: /\n", mimetype="text/plain")
    if request.endpoint != "login" and g.person is None:
        return redirect(_url("/connexion", suite=request.full_path.rstrip("?")), 303)
    if request.method == "POST" and request.endpoint != "login" and not _csrf_ok():
        return _message(400, _("Formulaire expiré"), _("Le formulaire a expiré ou ne vient pas de cette page : rien n'a été enregistré. Revenez en arrière, rechargez la page et envoyez-la de nouveau."))
    return None


def _after(response):
    nonce = getattr(g, "nonce", "")
    # a document of the tool's own (the declaration, the plan d'actions) keeps its own style element
    styles = "'unsafe-inline'" if g.get("own_document") else f"'nonce-{nonce}'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {styles}; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    asked = request.args.get("lang")
    if asked in words.LANGS and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, httponly=True, samesite="Lax", path="/")
    return response


def _teardown(_exc):
    store = g.pop("store", None)
    if store is not None:
        store.close()


def _http_error(exc: HTTPException):
    code = exc.code or 500
    titles = {400: N_("Demande incorrecte"), 403: N_("Accès refusé"), 404: N_("Page introuvable"),
              405: N_("Méthode non permise"), 413: N_("Envoi trop volumineux")}
    title = words.gettext(titles.get(code, N_("Erreur")), _lang())
    text = exc.description if exc.description and exc.description != type(exc).description else _(
        "Cette adresse ne mène à rien dans l'espace de travail. Revenez à l'accueil.")
    return _message(code, title, text)


def _url(path: str, **query: Any) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return path + ("?" + urlencode(query) if query else "")


# --- rendering ---------------------------------------------------------------------------------------


@cache
def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    words.install(env, lang)
    env.globals.update(status_name=lambda s: words.gettext(STATUS_NAMES.get(str(s), str(s)), lang),
                       url=_url, page_id=page_id)
    return env


def _render(template: str, status: int = 200, **context: Any) -> Response:
    lang = _lang()
    person = g.get("person")
    html = _environment(lang).get_template(template).render(
        lang=lang, nonce=g.nonce, person=person, role_name=words.gettext(ROLE_NAMES[person.role], lang) if person else "",
        can=RIGHTS.get(person.role, set()) if person else set(), jeton=_csrf(),
        other_lang="en" if lang == "fr" else "fr", here=request.path, query=request.args.to_dict(), **context)
    return Response(html, status=status, mimetype="text/html")


def _message(status: int, title: str, text: str) -> Response:
    return _render("ws_message.html.j2", status=status, title=title, text=text)


def _need(right: str) -> None:
    person = g.get("person")
    if person is None or right not in RIGHTS.get(person.role, set()):
        from flask import abort

        abort(403, description=_("Votre rôle ({role}) ne permet pas cette action.", role=words.gettext(ROLE_NAMES[person.role], _lang()) if person else "?"))


# --- data --------------------------------------------------------------------------------------------


def _store() -> Store:
    if "store" not in g:
        g.store = Store(_state().runs_dir or Path(_config().runs_dir or "runs"), remember_findings=True)
    return g.store


def _config():
    state = _state()
    path = state.config_path
    stamp = path.stat().st_mtime if path.is_file() else None
    with state.lock:
        if state.config_cache.get("stamp") != stamp or "config" not in state.config_cache:
            state.config_cache = {"stamp": stamp, "config": config.load(str(path))}
        return state.config_cache["config"]


def _site_config(site_id: str):
    site = next((s for s in _config().sites if s.id == site_id), None)
    if site is None:
        from flask import abort

        abort(404, description=_("Le site « {site} » n'est pas dans {file}.", site=site_id, file=_state().config_path))
    return site


def _assessed(site, run=None):
    """The assessed result of ``site``'s last run (or ``run``), None when it has none."""
    store = _store()
    runs = store.runs(site.id)
    if run is None:
        if not runs:
            return None
        run = runs[-1]
    return assessment.load_or_assess(store, run, config.with_base_url(site, run.base_url))


def _audited(site_id: str):
    """The site and its last run's assessed result; a 404 page saying how to get one when it has none."""
    site = _site_config(site_id)
    a = _assessed(site)
    if a is None or a.failed:
        from flask import abort

        abort(404, description=_("Ce site n'a pas encore d'audit réussi : lancez `a11y-audit run {site}`.", site=site_id))
    return site, a


def _cells_left(a) -> int:
    return a.rates.nt_cells if a is not None and not a.failed else 0


def _numbers(site, a) -> dict[str, Any]:
    """What the city's table and a site's page say of its last run."""
    store = _store()
    lang = _lang()
    published = store.publications(site.id)
    last = published[-1] if published else None
    out: dict[str, Any] = {"id": site.id, "name": site.name or site.id, "run": None, "published": last}
    if last is not None:
        age = (date.today() - date.fromisoformat(last["published"][:10])).days
        out["published_age"] = words.plural(age, "{n} jour", "{n} jours", lang=lang)
    if a is None:
        return out
    out.update(run=a.run, run_date=_day(a.run.started), failed=a.failed,
               failure=None if not a.failed else _("Audit échoué : aucune page n'a été auditée."),
               pages=len(a.pages), problems=a.problems, counts=a.rates.counts,
               rate=scoring.format_rate(a.rates.global_rate, lang) if a.rates.valid else None,
               reason=scoring.rates_reason(a.rates, lang), left=_cells_left(a),
               stale=len(a.stale_verdicts))
    return out


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return when.strftime("%d/%m/%Y %H:%M") if _lang() == "fr" else when.strftime("%Y-%m-%d %H:%M")


# --- pages -------------------------------------------------------------------------------------------


def _login():
    state = _state()
    if request.method == "POST":
        given = request.form.get("jeton_acces", "")
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if not nonce or not hmac.compare_digest(request.form.get("jeton", ""), _sign("csrf:" + nonce)[:40]):
            return _message(400, _("Formulaire expiré"), _("La page de connexion a expiré : rechargez-la, puis saisissez de nouveau votre jeton."))
        digest = token_digest(given) if given else ""
        index = next((i for i, p in enumerate(state.people) if digest and hmac.compare_digest(p.token_sha256, digest)),
                     None)
        if index is None:
            g.login_nonce = nonce
            return _render("ws_login.html.j2", status=403, error=_("Ce jeton n'ouvre pas l'espace de travail. Vérifiez-le, ou demandez-en un à la personne qui gère les accès."), suite=request.form.get("suite", "/"))
        expiry = int(time.time()) + SESSION_HOURS * 3600
        suite = request.form.get("suite", "/")
        if not suite.startswith("/") or suite.startswith("//"):
            suite = "/"
        response = redirect(suite, 303)
        response.set_cookie(SESSION_COOKIE, f"{index}.{expiry}.{_sign(f'{index}.{expiry}')}",
                            max_age=SESSION_HOURS * 3600, httponly=True, samesite="Strict", path="/")
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response
    # one nonce for every sign-in page open in this browser (another tab must not spoil the first one's form)
    g.login_nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = _render("ws_login.html.j2", suite=request.args.get("suite", "/"))
    response.set_cookie(LOGIN_COOKIE, g.login_nonce, max_age=3600, httponly=True, samesite="Strict", path="/")
    return response


def _logout():
    response = redirect("/connexion", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _city():
    from audit import trend

    rows, trends = [], []
    for site in _config().sites:
        try:
            results = [assessment.load_or_assess(_store(), run, config.with_base_url(site, run.base_url))
                       for run in _store().runs(site.id)[-12:]]
        except Exception as exc:  # noqa: BLE001 - one broken input must not hide the other sites
            log.warning("site %s: %s", site.id, exc)
            rows.append({"id": site.id, "name": site.name or site.id, "error": str(exc)})
            continue
        rows.append(_numbers(site, results[-1] if results else None))
        if results:
            trends.append(trend.section(results, site.id, _lang(), heading_level=3))
    return _render("ws_city.html.j2", title=_("Les sites de la ville"), rows=rows, trends=trends)


def _site(site_id: str):
    site = _site_config(site_id)
    a = _assessed(site)
    stale = [{"page": s.page, "criterion": s.criterion, "status": s.status, "auditor": s.auditor, "at": _day(s.at),
              "reason": words.gettext(s.reason, _lang())} for s in (a.stale_verdicts if a else ())]
    return _render("ws_site.html.j2", title=site.name or site.id, site=site, n=_numbers(site, a), stale=stale)


def _grid_rows(a, theme: str, status: str, page: str) -> tuple[list[dict], list[Any]]:
    pages = [p for p in a.grid.pages if not page or p.ref == page]
    rows = []
    for cid, crit in standards.CRITERIA.items():
        if theme and str(crit.theme) != theme:
            continue
        cells = []
        for p in pages:
            cell = a.grid.cells.get((p.key, cid))
            value = cell.status.value if cell else "NT"
            cells.append({"page": p, "status": value, "verdict": cell.verdict if cell else None})
        if status and not any(c["status"] == status for c in cells):
            continue
        rows.append({"id": cid, "title": crit.title_en if _lang() == "en" else crit.title, "cells": cells})
    return rows, pages


def _grid(site_id: str):
    site, a = _audited(site_id)
    theme, status, page = (request.args.get(k, "") for k in ("theme", "statut", "page"))
    rows, pages = _grid_rows(a, theme, status, page)
    themes = [(str(n), t.title_en if _lang() == "en" else t.title) for n, t in standards.THEMES.items()]
    return _render("ws_grid.html.j2", title=_("Grille d'audit — {site}", site=site.name or site.id), site=site,
                   rows=rows, pages=pages, all_pages=a.grid.pages, themes=themes, theme=theme, status_filter=status,
                   page=page, left=_cells_left(a), statuses=list(STATUS_NAMES))


def _cell_context(site, a, ref: str, cid: str) -> dict[str, Any]:
    lang = _lang()
    gp = next((p for p in a.grid.pages if p.ref == ref), None)
    crit = standards.CRITERIA.get(cid)
    if gp is None or crit is None:
        from flask import abort

        abort(404, description=_("Cette cellule n'est pas dans la grille de l'audit : page « {page} », critère « {criterion} ».", page=ref, criterion=cid))
    cell = a.grid.cells[(gp.key, cid)]
    on_page = [f for f in (*a.findings, *a.barriers) if f.page_key == gp.key and not f.repeated
               and any(".".join(t.split(".")[:2]) == cid for t in f.rgaa_tests)]
    automated, testers = [], []
    snap = next((p for p in a.pages if p.key == gp.key), None)
    for f in on_page:
        item = {"title": f.said("title", lang), "message": f.said("message", lang),
                "question": f.said("question", lang) if f.outcome == Outcome.CANT_TELL else "",
                "outcome": f.outcome.value, "snippet": f.snippet, "selector": f.selector,
                "tester": (f.extra or {}).get("pseudonym") or (f.extra or {}).get("tester") or "",
                "dismissed": f.dismissed,
                "crop": bool(snap is not None and snap.shot_box(f.selector))}
        (testers if f.source == Source.TESTER else automated).append(item)
    rows = [v for v in _store().verdicts(site.id) if v.page == ref and v.criterion == cid]
    tests = [t for t, c in standards.TESTS.items() if c == cid]
    answers = {v.test: v for v in rows}
    stale = next((s for s in a.stale_verdicts if s.page == ref and s.criterion == cid), None)
    return {"gp": gp, "crit": crit, "cid": cid, "cell": cell, "automated": automated, "testers": testers,
            "tests": tests, "answers": answers, "version": _cell_version(rows), "stale": stale,
            "stale_reason": words.gettext(stale.reason, lang) if stale else "",
            "crit_title": crit.title_en if lang == "en" else crit.title,
            "proofs": [{"source": p.source, "ref": p.ref, "status": p.status.value if p.status else "",
                        "note": p.note_in(lang), "test": p.test} for p in cell.proofs],
            "notes": cell.notes_in(lang) if hasattr(cell, "notes_in") else cell.notes,
            "history": _store().verdict_history(site.id, ref, cid)[-10:],
            "statuses": STATUSES, "derogations": DEROGATIONS,
            "official": f"https://accessibilite.numerique.gouv.fr/methode/criteres-et-tests/#{cid}"}


def _cell_version(rows) -> str:
    return hashlib.sha256("|".join(f"{v.test}:{v.version}:{v.at}" for v in rows).encode()).hexdigest()[:16]


def _next_cell(a, site_id: str, ref: str, cid: str, query: dict[str, str]) -> str | None:
    """The next cell « à vérifier » of the grid after this one (criteria order, then pages), with the filters."""
    pages = [p for p in a.grid.pages if not query.get("page") or p.ref == query["page"]]
    order = [(c, p) for c in standards.CRITERIA for p in pages
             if not query.get("theme") or str(standards.CRITERIA[c].theme) == query["theme"]]
    here = next((i for i, (c, p) in enumerate(order) if c == cid and p.ref == ref), -1)
    todo = [(i, c, p) for i, (c, p) in enumerate(order) if a.grid.cells[(p.key, c)].status.value == "NT"]
    if not todo:
        return None
    _, c, p = next((x for x in todo if x[0] > here), todo[0])
    return _url(f"/sites/{site_id}/cellule", page=p.ref, critere=c, theme=query.get("theme"),
                filtre_page=query.get("page"))


def _cell(site_id: str):
    site, a = _audited(site_id)
    ref, cid = request.args.get("page", ""), request.args.get("critere", "")
    filters = {"theme": request.args.get("theme", ""), "page": request.args.get("filtre_page", "")}
    ctx = _cell_context(site, a, ref, cid)
    if request.method == "GET":
        return _render("ws_cell.html.j2", title=_("Critère {criterion} — {page}", criterion=cid, page=ctx["gp"].name),
                       site=site, left=_cells_left(a), saved=request.args.get("enregistre"), filters=filters, **ctx)
    _need("settle")
    form = request.form
    whole = form.get("critere_statut", "")
    per_test = {t: form.get(f"test_{t}", "") for t in ctx["tests"]}
    comment = form.get("commentaire", "").strip()[:MAX_COMMENT]
    derogation = form.get("derogation", "")
    errors = []
    if whole and whole not in STATUSES:
        errors.append(_("Choisissez C, NC ou NA pour le critère."))
    if any(v and v not in STATUSES for v in per_test.values()):
        errors.append(_("Chaque test se règle par C, NC ou NA."))
    if derogation not in DEROGATIONS:
        errors.append(_("Type de dérogation inconnu."))
    if not whole and not any(per_test.values()):
        errors.append(_("Choisissez une réponse pour le critère, ou pour au moins un test."))
    if derogation and not comment:
        errors.append(_("Une dérogation se justifie : écrivez la justification dans le commentaire."))
    if errors:
        return _render("ws_cell.html.j2", status=400, title=_("Critère {criterion} — {page}", criterion=cid, page=ctx["gp"].name),
                       site=site, left=_cells_left(a), errors=errors, filters=filters, given=form, **ctx)
    targets = [ctx["gp"]]
    if form.get("toutes_les_pages") and whole:
        targets += [p for p in a.grid.pages if p.ref != ctx["gp"].ref
                    and a.grid.cells[(p.key, cid)].status.value == "NT"]
    person, at = g.person, now_iso()
    with _state().lock:
        rows_now = [v for v in _store().verdicts(site.id) if v.page == ctx["gp"].ref and v.criterion == cid]
        if _cell_version(rows_now) != form.get("version", ""):
            return _render("ws_cell.html.j2", status=409, title=_("Critère {criterion} — {page}", criterion=cid, page=ctx["gp"].name),
                           site=site, left=_cells_left(a), conflict=rows_now, filters=filters, given=form,
                           **{**ctx, "answers": {v.test: v for v in rows_now}, "version": _cell_version(rows_now)})
        # a whole-criterion answer replaces the per-test ones, and the reverse
        answered = {(v.page, v.test) for v in _store().verdicts(site.id) if v.criterion == cid}
        answers = {"": whole} if whole else {t: value for t, value in per_test.items() if value}
        for gp in targets:
            for page, test in answered:
                if page == gp.ref and bool(test) == bool(whole):
                    _store().delete_verdict(site.id, gp.ref, cid, test)
            for test, status in answers.items():
                _store().save_verdict(StoredVerdict(
                    site=site.id, page=gp.ref, criterion=cid, test=test, status=status, comment=comment,
                    derogation=derogation, auditor=person.name, at=at, run_id=a.run.id,
                    basis=a.bases.get((gp.ref, cid), "")))
    a = _assessed(site)
    said = words.gettext(STATUS_NAMES.get(whole, N_("réponses par test")), _lang())
    done = words.plural(len(targets), "{n} page", "{n} pages", lang=_lang())
    next_url = _next_cell(a, site_id, ctx["gp"].ref, cid, filters)
    left = words.plural(_cells_left(a), "{n} cellule reste à vérifier.", "{n} cellules restent à vérifier.", lang=_lang())
    message = _("Enregistré : critère {criterion}, {pages} — {status}. {left}", criterion=cid, pages=done, status=said, left=left)
    target = next_url or _url(f"/sites/{site_id}/declaration")
    return redirect(target + ("&" if "?" in target else "?") + urlencode({"enregistre": message}), 303)


def _capture(site_id: str):
    """The element's area of a page's screenshot, outlined: computed from the run folder, never a path given."""
    from audit.reports.html import outlined_crop

    site = _site_config(site_id)
    a = _assessed(site)
    key, selector = request.args.get("page", ""), request.args.get("selecteur", "")
    snap = next((p for p in (a.pages if a else ()) if page_id(p.key) == key), None)
    box = snap.shot_box(selector) if snap is not None else None
    if box is None:
        from flask import abort

        abort(404)
    from PIL import Image

    path = a.run.folder / "pages" / page_id(snap.key) / Path(snap.files["screenshot"]).name
    with Image.open(path) as image:
        crop = outlined_crop(image, box)
    if crop is None:
        from flask import abort

        abort(404)
    out = BytesIO()
    crop.save(out, format="JPEG", quality=85)
    return Response(out.getvalue(), mimetype="image/jpeg")


def _declaration_object(site, a):
    from audit.reports import declaration

    decl = declaration.declare(config.with_base_url(site, a.run.base_url), a, lang=_lang())
    decl, _dates = declaration.dated(decl, _store().declaration_dates(site.id, _lang()), date.today())
    return decl


def _declaration(site_id: str):
    from audit.reports import declaration

    site, a = _audited(site_id)
    left = _cells_left(a)
    if request.method == "POST":
        _need("publish")
        if left:
            return _message(409, _("Pas encore"), words.plural(left, "{n} cellule reste à vérifier : la déclaration ne peut pas être publiée.", "{n} cellules restent à vérifier : la déclaration ne peut pas être publiée.", lang=_lang()))
        folder = (_state().publish_dir or _store().root / site.id / "publication") / date.today().isoformat()
        paths = []
        for lang in words.LANGS:
            d = declaration.declare(config.with_base_url(site, a.run.base_url), a, lang=lang)
            d, dates = declaration.dated(d, _store().declaration_dates(site.id, lang), date.today())
            paths += declaration.write(d, folder)
            if dates is not None:
                _store().record_declaration(site.id, lang, *dates, run_id=a.run.id, state=d.state.value)
        paths += _write_plan(site, a, folder)
        _store().record_publication(site.id, a.run.id, (a.audit.date if a.audit else None) or a.run.started[:10],
                                    g.person.name, str(folder), a.rates.state.value)
        return redirect(_url(f"/sites/{site_id}/declaration", publiee=str(folder)), 303)
    decl = _declaration_object(site, a)
    return _render("ws_declaration.html.j2", title=_("Déclaration — {site}", site=site.name or site.id), site=site,
                   left=left, decl=decl, summary=declaration.summary(decl), published=_store().publications(site.id),
                   just_published=request.args.get("publiee"), saved=request.args.get("enregistre"))


def _declaration_view(site_id: str):
    from audit.reports import declaration

    site, a = _audited(site_id)
    html = declaration.render_html(_declaration_object(site, a))
    g.own_document = True  # a document of its own, with its own styles: served as it is
    response = Response(html, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _plan_data(site, a, lang: str | None = None):
    from audit.reports import plan as plan_report

    return plan_report.build(a, _store().plan(site.id), date.today().year, lang=lang or _lang(), today=date.today())


def _write_plan(site, a, folder: Path) -> list[Path]:
    from audit.reports import plan as plan_report

    return [path for lang in words.LANGS for path in plan_report.write(_plan_data(site, a, lang), folder)]


def _plan(site_id: str):
    site, a = _audited(site_id)
    items = _store().plan(site.id)
    if request.method == "POST":
        _need("plan")
        errors = []
        for issue in a.issues:
            owner = request.form.get(f"responsable_{issue.id}", "").strip()[:120]
            due = request.form.get(f"echeance_{issue.id}", "").strip()
            state = request.form.get(f"etat_{issue.id}", "todo")
            if due:
                try:
                    date.fromisoformat(due)
                except ValueError:
                    errors.append(_("Défaut {rank} : « {due} » n'est pas une date AAAA-MM-JJ.", rank=issue.rank, due=due))
                    continue
            if state not in PLAN_STATES:
                state = "todo"
            old = items.get(issue.id, {})
            if (owner, due, state) != (old.get("owner", ""), old.get("due", ""), old.get("state", "todo")):
                _store().save_plan_item(site.id, issue.id, issue.title, owner, due, state, g.person.name)
        if errors:
            return _render("ws_plan.html.j2", status=400, title=_("Plan d'actions — {site}", site=site.name or site.id),
                           site=site, a=a, items=_store().plan(site.id), errors=errors, states=PLAN_STATES)
        return redirect(_url(f"/sites/{site_id}/plan", enregistre=_("Plan enregistré.")), 303)
    return _render("ws_plan.html.j2", title=_("Plan d'actions — {site}", site=site.name or site.id), site=site, a=a,
                   items=items, states=PLAN_STATES, saved=request.args.get("enregistre"),
                   issue_titles={i.id: (a.checks[i.check_id].title_in(_lang()) if i.check_id in a.checks else i.title)
                                 for i in a.issues})


def _plan_view(site_id: str):
    from audit.reports import plan as plan_report

    site, a = _audited(site_id)
    if request.args.get("format") == "md":
        return Response(plan_report.render_markdown(_plan_data(site, a)), mimetype="text/markdown; charset=utf-8")
    g.own_document = True
    return Response(plan_report.render_html(_plan_data(site, a)), mimetype="text/html")


def serve(config_path: str | Path, runs_dir: str | Path | None, access_file: str | Path, host: str = "127.0.0.1",
          port: int = 8770, names: tuple[str, ...] = (), lang: str = "fr", echo=print,
          protocol: str | Path | None = None, sessions_dir: str | Path | None = None) -> None:
    """Serve the workspace until Ctrl-C (with the testers' form under /formulaire/ when a protocol is given)."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    app = create_app(config_path, runs_dir, access_file=access_file, lang=lang, hosts=(host, *names))
    served: Any = app
    if protocol is not None:
        from audit import form

        form_app = form.create_app(protocol, sessions_dir or Path(protocol).parent / "sessions",
                                   store_root=runs_dir, hosts=(host, *names), lang=lang)
        served = DispatcherMiddleware(app, {"/formulaire": form_app})
    from audit.form import ListenError, listen, until_interrupted

    try:
        server = listen(served, host, port)
    except ListenError as exc:
        raise AccessError(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host
    echo(words.text("Espace de travail : http://{host}:{port}/ — Ctrl-C pour arrêter.", host=shown, port=server.server_port))
    until_interrupted(server)

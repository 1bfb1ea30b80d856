"""The testers' form: a small local web app generated from one protocol (Flask).

Pages: a start page (pseudonym, environment, the protocol's questions), one page per task (result,
time, difficulty, what blocked, barriers met), a final page (the optional SUS questionnaire, comments)
and a summary. Plain HTML forms that work without JavaScript; every page is audited by the tests with our
own checks and axe-core.

French first, English available: ``create_app(..., lang="en")`` serves it in English, and every page has a
way to itself in the other language, remembered in a cookie, that works without JavaScript: on a page with a form
it is a button of that form (``langue=en``) that draws the same page again in the other language with everything
typed kept as typed — nothing validated, nothing saved, the CSRF token checked — so switching never loses an
unsent observation; on the other pages a link (``?lang=``). The words are French msgids said through audit.words
(one Jinja2 environment per language, ``words.install``); what the protocol says stays as the city wrote it,
marked ``lang="fr"`` on
English pages (and left out of an English page's ``<title>``, which cannot mark a part of itself). Saved values
are the same in both.

Every submitted page is saved at once — ``<sessions_dir>/<session id>.yaml``, written atomically, plus a
row of ``tester_sessions`` in ``<store_root>/a11y-audit.sqlite`` when a store is given — so closing the
browser loses nothing: ``/s/<session id>/`` resumes where the tester stopped.

Safety: session ids are generated (16 hex characters) and checked before any file access; sizes are
limited (fields, ``MAX_CONTENT_LENGTH``); Jinja autoescape is on; every POST carries a CSRF token (an
HMAC of the session id, or a signed time stamp on the start page) and a cross-origin POST is refused;
an optional shared access token (``?token=`` once, then a cookie); a simple in-memory rate limit per IP.
A POST must say its length (``Content-Length``; a chunked body is refused with 411, so the size limit can never
be met by silently cutting a streamed body short), and the ``Host`` header must name the form itself (the
loopback names, plus the bind host when served beyond this machine): a page whose domain name is rebound to
127.0.0.1 (DNS rebinding) cannot read the form as same-origin.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, abort, g, make_response, redirect, request
from jinja2 import Environment as Jinja
from jinja2 import FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.utils import host_is_trusted

from audit import testers, words
from audit.testers import (
    CRITERION_RE,
    MAX_COMMENTS,
    MAX_MINUTES,
    MAX_PSEUDONYM,
    MAX_SHORT,
    MAX_TARGET,
    MAX_TEXT,
    RESULT_LABELS,
    SEVERITY_LABELS,
    SUS_SCALE,
    SUS_STATEMENTS,
    Environment,
    Protocol,
    QuestionType,
    Session,
    SessionStatus,
    Severity,
    Task,
    TaskReport,
    TaskResult,
    TesterError,
    TesterFinding,
)
from audit.words import LANGS, N_

log = logging.getLogger(__name__)

MAX_CONTENT_LENGTH = 64 * 1024
DEFAULT_RATE_LIMIT = 120  # requests per IP per minute
START_TOKEN_TTL = 6 * 3600  # seconds a start page stays valid
ACCESS_COOKIE = "a11y_form_acces"
ACCESS_MAX_AGE = 30 * 24 * 3600
EXPERIENCE_CHOICES = (N_("Moins d'un an"), N_("De 1 à 5 ans"), N_("Plus de 5 ans"))  # saved in French
DIFFICULTY_LABELS = (N_("1 — très facile"), N_("2 — facile"), N_("3 — ni facile ni difficile"), N_("4 — difficile"),
                     N_("5 — très difficile"))
OTHER_PAGE = "autre"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TEMPLATES = Path(__file__).parent / "templates"


# --- words ------------------------------------------------------------------------------------
# French msgids through audit.words, said in the page's language. What the protocol says (titles, steps,
# questions) is the city's text and stays as written, marked lang="fr" on English pages.

PROTOCOL_LANG = "fr"
LANG_COOKIE = "a11y_form_langue"
SWITCH_FIELD = "langue"  # the language button of a page with a form: its name; its value is the language asked for
FORM_ID = "formulaire"  # the id of a page's form (form_*.html.j2), which the language button belongs to
# What a page with a form does not take back as typed values when it is drawn again after the language button.
_NOT_TYPED = frozenset({"jeton", SWITCH_FIELD, "action", "barrieres"})

# A barrier's severity as a word in the summary (the values saved stay the testers' French words).
_SEVERITY_NAMES = {Severity.BLOQUANT: N_("bloquant"), Severity.MAJEUR: N_("majeur"), Severity.MINEUR: N_("mineur")}
# The HTTP errors with our own words: (title, text).
_HTTP_MESSAGES = {
    400: (N_("Demande incorrecte"),
          N_("La demande n'a pas pu être comprise. Revenez à la page précédente et réessayez.")),
    404: (N_("Page introuvable"),
          N_("Cette page n'existe pas. Si vous reprenez une session, vérifiez son numéro (16 caractères, chiffres "
             "et lettres de a à f).")),
    405: (N_("Action impossible"), N_("Cette page ne permet pas cette action.")),
    413: (N_("Envoi trop volumineux"),
          N_("Ce que vous avez envoyé est trop long : rien n'a été enregistré. Raccourcissez vos textes puis "
             "envoyez de nouveau la page.")),
    500: (N_("Erreur du serveur"),
          N_("Une erreur inattendue s'est produite ; vos réponses déjà enregistrées sont conservées. Prévenez "
             "l'animatrice ou l'animateur du test.")),
}


def _lang() -> str:
    return getattr(g, "lang", None) or _state().lang


def _(msgid: str, /, **values: Any) -> str:
    """One message (a French msgid) in the request's language, its placeholders filled."""
    return words.text(msgid, lang=_lang(), **values)


def _html(said: str, /, **values: Any) -> Markup:
    """A message already in the page's language whose values may hold markup (the protocol's words marked
    ``lang="fr"``): the message escaped, the values escaped unless they are markup."""
    return Markup(escape(said)).format(**values)


def _own(text: str) -> str:
    """The protocol's words as written: marked as French on a page in another language."""
    if _lang() == PROTOCOL_LANG or not text:
        return text
    return Markup('<span lang="{}">{}</span>').format(PROTOCOL_LANG, text)


def _choices(french: tuple[str, ...]) -> tuple[str, ...]:
    """Fixed choices (French msgids) in the page's language."""
    return tuple(words.gettext(choice, _lang()) for choice in french)


def _results() -> list[tuple[str, str]]:
    return [(value, words.gettext(label, _lang())) for value, label in RESULT_LABELS.items()]


def _severities() -> list[tuple[str, str]]:
    return [(value, words.gettext(label, _lang())) for value, label in SEVERITY_LABELS.items()]


def _request_lang(default: str) -> str:
    """?lang= (a link of the page), else the language cookie, else the form's own language."""
    for value in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGS:
            return value
    return default


def _switch(keep_args: bool = True, form: dict[str, Any] | None = None) -> dict[str, Any]:
    """The way to this page in the other language, without JavaScript.

    On a page with a form (``form``: its ``action`` and its ``default`` button) a submit button of that form
    (``SWITCH_FIELD``), so what the tester typed and has not sent is drawn again in the other language instead of
    being lost; it comes after a hidden copy of the form's own first button, so that Enter in a field still sends
    the page as before (the first submit button of a form is the one Enter presses). Elsewhere a link (a GET that
    sets a cookie), relative, so a refusal page never writes back the address it refused; ``keep_args`` keeps the
    page's own query."""
    other = "en" if _lang() == "fr" else "fr"
    # the way to the other language, said in that language
    label = words.text("Version française", lang="fr") if other == "fr" else words.text("Version anglaise", lang="en")
    if form is not None:
        return {"form": FORM_ID, "action": form["action"], "default": form["default"], "name": SWITCH_FIELD,
                "lang": other, "label": label, "focus": bool(getattr(g, "switched", False))}
    args = {k: v for k, v in request.args.items() if keep_args and k not in ("lang", "token", "enregistre")}
    args["lang"] = other
    return {"form": None, "url": f"?{urlencode(args)}", "lang": other, "label": label}


def _language_switch(sid: str | None) -> bool | None:
    """A POST from the language button: None when the request is not one. Else whether its CSRF token is good
    (``sid``: the session's, None for the start page's signed time stamp); when it is, the page is now in the
    language asked for and the choice is remembered (a cookie). Called before the page's words are built."""
    if request.method != "POST":
        return None
    asked = request.form.get(SWITCH_FIELD)
    if asked not in LANGS:
        return None
    if not _csrf_ok(sid):
        return False  # refused as a whole: same language, the "expired" message, what was typed kept
    g.lang, g.switched = asked, True
    return True


def _typed_again(switched: bool, target: str) -> dict[str, Any]:
    """What ``_render`` needs to draw a page with a form again after its language button: every field as the
    tester typed it (not validated, so no error is shown; nothing is saved), and when the CSRF token failed the
    "expired" error alone (400), tied to ``target``."""
    form = _Form(request.form)
    form.values = {k: v for k, v in request.form.items() if k not in _NOT_TYPED}
    if not switched:
        form.expired(target)
    return {"status": 200 if switched else 400, "values": form.values, "errors": form.errors, "err": form.err}


# --- form reading and validation ------------------------------------------------------------


@dataclass
class _Form:
    """Submitted values (as typed, for re-display) and errors tied to their fields."""

    data: MultiDict
    values: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    err: dict[str, str] = field(default_factory=dict)

    def fail(self, name: str, label: str, message: str, target: str | None = None) -> None:
        if name in self.err:
            return
        self.err[name] = message
        self.errors.append({"name": name, "target": target or name, "label": label, "message": message})

    def expired(self, target: str) -> None:
        """The CSRF token failed: nothing is saved, the page is drawn again with what was typed."""
        self.fail("jeton", _("Formulaire"), _("Le formulaire a expiré ou ne vient pas de cette page : rien n'a été "
                                              "enregistré. Vérifiez vos réponses ci-dessous, puis envoyez de nouveau "
                                              "la page."), target=target)

    def text(self, name: str, label: str, limit: int, missing: str | None = None) -> str:
        raw = self.data.get(name, "")
        value = raw.replace("\r\n", "\n").strip()
        self.values[name] = value
        if missing and not value:
            self.fail(name, label, missing)
        elif len(value) > limit:
            self.fail(name, label, _("Le texte est trop long : {limit} caractères au plus (vous en avez saisi {n}).",
                                     limit=limit, n=len(value)))
        return value[:limit]

    def choice(self, name: str, label: str, allowed: list[str], missing: str | None = None) -> str:
        value = self.data.get(name, "").strip()
        self.values[name] = value
        if not value:
            if missing:
                self.fail(name, label, missing, target=f"{name}-1")
            return ""
        if value not in allowed:
            self.fail(name, label, _("Choisissez l'une des réponses proposées."), target=f"{name}-1")
            return ""
        return value


def _question_answers(form: _Form, questions, prefix: str = "q_") -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        name = f"{prefix}{q.id}"
        missing = _("Répondez à cette question.") if q.required else None
        label = _own(q.label)
        if q.type == QuestionType.TEXT:
            value = form.text(name, label, MAX_TEXT, missing)
            if value:
                answers[q.id] = value
        elif q.type == QuestionType.CHOICE:
            value = form.choice(name, label, list(q.choices), missing)
            if value:
                answers[q.id] = value
        else:
            value = form.choice(name, label, [str(i) for i in range(1, 6)], missing)
            if value:
                answers[q.id] = int(value)
    return answers


def _question_fields(questions, prefix: str = "q_") -> list[dict[str, Any]]:
    """What the templates need to draw a protocol's extra questions."""
    out = []
    for q in questions:
        if q.type == QuestionType.CHOICE:
            options = [(c, _own(c)) for c in q.choices]
        elif q.type == QuestionType.SCALE:
            options = [(str(i), _("{n} sur 5", n=i)) for i in range(1, 6)]
        else:
            options = []
        out.append({"name": f"{prefix}{q.id}", "label": _own(q.label),
                    "kind": "text" if q.type == QuestionType.TEXT else "radios", "options": options, "hint": _own(q.hint) or None, "required": q.required})
    return out


def _question_values(questions, answers: dict[str, Any], prefix: str = "q_") -> dict[str, str]:
    return {f"{prefix}{q.id}": str(answers[q.id]) for q in questions if q.id in answers}


def _minutes(form: _Form) -> float | None:
    raw = form.text("duree", _("Temps passé"), 10)
    if not raw or "duree" in form.err:
        return None
    try:
        value = float(raw.replace(",", ".").replace("min", "").strip())
    except ValueError:
        form.fail("duree", _("Temps passé"), _("Indiquez un nombre de minutes, par exemple 12."))
        return None
    if not 0 <= value <= MAX_MINUTES:
        form.fail("duree", _("Temps passé"), _("Indiquez un nombre de minutes entre 0 et {max}.", max=MAX_MINUTES))
        return None
    return int(value) if value.is_integer() else round(value, 1)


# --- tokens -----------------------------------------------------------------------------------


def _sign(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _access_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"a11y-audit form access", hashlib.sha256).hexdigest()


class _RateLimiter:
    """At most ``limit`` requests per IP in any 60 s window; in memory, per process."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def retry_after(self, ip: str) -> int:
        """0 when the request may go on, else the seconds to wait."""
        now = time.monotonic()
        with self.lock:
            hits = self.hits.setdefault(ip, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, int(self.window - (now - hits[0])) + 1)
            hits.append(now)
            if len(self.hits) > 10_000:  # forget idle addresses
                for key in [k for k, v in self.hits.items() if not v or now - v[-1] > self.window]:
                    del self.hits[key]
            return 0


@dataclass
class _State:
    protocol: Protocol
    sessions_dir: Path
    store_root: Path | None
    token: str | None
    secret: bytes
    limiter: _RateLimiter
    hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)
    lang: str = "fr"
    lock: threading.Lock = field(default_factory=threading.Lock)


def _state() -> _State:
    from flask import current_app

    return current_app.extensions["a11y_form"]


# --- the app ----------------------------------------------------------------------------------


def create_app(protocol_path: str | Path, sessions_dir: str | Path, store_root: str | Path | None = None,
               token: str | None = None, *, rate_limit: int = DEFAULT_RATE_LIMIT,
               secret: bytes | None = None, hosts: tuple[str, ...] = (), lang: str = "fr") -> Flask:
    """The form for one protocol; sessions go to ``sessions_dir`` (created if needed).

    ``lang``: the language the form opens in, "fr" or "en"; a link on every page switches to the other one.

    ``hosts``: the names (or addresses) the form is reached under besides the loopback ones; any other
    ``Host`` header is refused (400).

    Raises TesterError (every problem as file:line: path: message) when the protocol is invalid.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    protocol = testers.load_protocol(protocol_path)
    folder = Path(sessions_dir)
    folder.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE=MAX_CONTENT_LENGTH,
                      MAX_FORM_PARTS=300, SECRET_KEY=None)
    app.extensions["a11y_form"] = _State(protocol=protocol, sessions_dir=folder,
                                         store_root=Path(store_root) if store_root else None, token=token or None,
                                         secret=secret or secrets.token_bytes(32), limiter=_RateLimiter(rate_limit),
                                         hosts=_host_names(hosts), lang=lang)
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(HTTPException, _http_error)
    app.add_url_rule("/", "start", _start, methods=["GET", "POST"])
    app.add_url_rule("/reprendre", "resume", _resume, methods=["GET"])
    app.add_url_rule("/s/<sid>/", "session", _session_home, methods=["GET"])
    app.add_url_rule("/s/<sid>/debut", "edit_start", _edit_start, methods=["GET", "POST"])
    app.add_url_rule("/s/<sid>/tache/<int:number>", "task", _task, methods=["GET", "POST"])
    app.add_url_rule("/s/<sid>/fin", "end", _end, methods=["GET", "POST"])
    app.add_url_rule("/s/<sid>/resume", "summary", _summary, methods=["GET"])
    return app


def _client_ip() -> str:
    return request.remote_addr or "?"


def _host_name(host: str) -> str:
    """A host as a ``Host`` header names it: lower case, no trailing dot, IPv6 in brackets."""
    host = host.strip().lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host


def _host_names(extra: tuple[str, ...]) -> frozenset[str]:
    return frozenset(LOOPBACK_NAMES) | {_host_name(h) for h in extra if h.strip()}


def _host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a ``Host`` header (``name[:port]``) names the form; werkzeug checks its syntax."""
    if not header or not host_is_trusted(header, None):
        return False
    name = header.lower()
    name = name[: name.index("]") + 1] if name.startswith("[") else name.partition(":")[0]
    return name.rstrip(".") in allowed


def _before():
    state = _state()
    g.nonce = secrets.token_urlsafe(16)
    g.lang = _request_lang(state.lang)
    wait = state.limiter.retry_after(_client_ip())
    if wait:
        response = _message_page(429, _("Trop de demandes"), _(
            "Vous avez envoyé beaucoup de demandes en peu de temps. Patientez {wait} secondes, puis rechargez la page : "
            "vos réponses déjà enregistrées sont conservées.", wait=wait))
        response.headers["Retry-After"] = str(wait)
        return response
    if not _host_allowed(request.headers.get("Host"), state.hosts):
        return _message_page(400, _("Adresse non reconnue"), _(
            "Ce formulaire ne répond qu'à l'adresse donnée par l'animatrice ou l'animateur du test : ouvrez ce lien "
            "tel quel, sans changer le nom de la machine. Rien n'a été lu ni enregistré."))
    if request.method == "POST" and (request.content_length is None or request.headers.get("Transfer-Encoding")):
        response = _message_page(411, _("Longueur requise"), _(
            "Votre navigateur a envoyé la page sans en indiquer la taille : rien n'a été enregistré. Envoyez de "
            "nouveau la page depuis un navigateur ordinaire."))
        response.headers["Connection"] = "close"  # the unread body must not be taken for the next request
        return response
    if state.token:
        given = request.args.get("token")
        if given is not None:
            if not hmac.compare_digest(given.encode("utf-8"), state.token.encode("utf-8")):
                return _message_page(403, _("Accès refusé"), _(
                    "Ce lien d'accès n'est pas valable. Utilisez le lien transmis par l'animatrice ou l'animateur du "
                    "test."))
            args = {k: v for k, v in request.args.items() if k != "token"}
            target = request.path + (f"?{urlencode(args)}" if args else "")
            response = redirect(target, 303)
            response.set_cookie(ACCESS_COOKIE, _access_value(state.token), max_age=ACCESS_MAX_AGE, httponly=True,
                                samesite="Lax", path="/")
            return response
        cookie = request.cookies.get(ACCESS_COOKIE, "")
        if not hmac.compare_digest(cookie.encode("utf-8"), _access_value(state.token).encode("utf-8")):
            return _message_page(403, _("Accès réservé"), _(
                "Ce formulaire est réservé aux personnes invitées au test. Ouvrez le lien d'accès complet transmis "
                "par l'animatrice ou l'animateur."))
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if parts.netloc != request.host:
                return _message_page(403, _("Envoi refusé"),
                                     _("Ce formulaire n'a pas été envoyé depuis ce site : rien n'a été enregistré."))
    return None


def _after(response):
    nonce = getattr(g, "nonce", "")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"  # session ids are in URLs
    response.headers["Cache-Control"] = "no-store"
    # the language link or button: remember the choice
    chosen = g.lang if getattr(g, "switched", False) else request.args.get("lang")
    if chosen in LANGS and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=ACCESS_MAX_AGE, httponly=True, samesite="Lax",
                            path="/")
    return response


def _http_error(exc: HTTPException):
    code = exc.code or 500
    if code in _HTTP_MESSAGES:
        title, text = (words.gettext(msgid, _lang()) for msgid in _HTTP_MESSAGES[code])
    else:
        title, text = exc.name, exc.description or ""
    if exc.description and exc.description != type(exc).description:  # our own words, from abort()
        text = exc.description
    return _message_page(code, title, text)


def _message_page(status: int, title: str, text: str):
    state = _state()
    body = _template("form_message.html.j2").render(title=title, text=text, protocol=state.protocol,
                           nonce=getattr(g, "nonce", ""), resume_url=None, session=None, errors=[],
                           current="", **_words(keep_args=False))
    return make_response(body, status)


# --- sessions on disk ---------------------------------------------------------------------------


def _path(sid: str) -> Path:
    state = _state()
    try:
        return testers.session_path(state.sessions_dir, sid)
    except ValueError:
        abort(404)


def _load(sid: str) -> Session:
    state = _state()
    path = _path(sid)
    if not path.is_file():
        abort(404, _("Aucune session ne porte ce numéro. Vérifiez l'adresse, ou commencez une nouvelle session."))
    try:
        session = testers.load_session(path, state.protocol)
    except TesterError as exc:
        log.error("session file %s cannot be read:\n%s", path, exc)
        abort(500)
    if session.protocol != state.protocol.id:
        abort(404, _("Cette session appartient à un autre test."))
    return session


def _save(session: Session) -> None:
    state = _state()
    path = testers.save_session(session, state.sessions_dir)
    if state.store_root is not None:
        try:
            testers.index_session(state.store_root, session, path)
        except Exception as exc:  # noqa: BLE001 - the YAML file is saved; the index can be rebuilt from it
            log.warning("session %s saved to %s but not indexed in the store: %s", session.id, path, exc)


def _csrf_session(sid: str) -> str:
    return _sign(_state().secret, f"session:{sid}")


def _csrf_start() -> str:
    stamp = str(int(time.time()))
    return f"{stamp}.{_sign(_state().secret, f'start:{stamp}')}"


def _csrf_ok(sid: str | None) -> bool:
    given = request.form.get("jeton", "")
    if sid is not None:
        return hmac.compare_digest(given.encode("utf-8"), _csrf_session(sid).encode("utf-8"))
    stamp, _, mac = given.partition(".")
    if not stamp.isdigit() or not mac:
        return False
    if not hmac.compare_digest(mac.encode("utf-8"), _sign(_state().secret, f"start:{stamp}").encode("utf-8")):
        return False
    return 0 <= time.time() - int(stamp) <= START_TOKEN_TTL


# --- page context -------------------------------------------------------------------------------


def _steps(protocol: Protocol, session: Session | None) -> list[dict[str, Any]]:
    """The session's pages, for the navigation list."""
    items = [{"label": _("Présentation"), "url": f"/s/{session.id}/debut" if session else "/",
              "done": session is not None, "key": "debut"}]
    for i, task in enumerate(protocol.tasks, 1):
        done = bool(session and session.report(task.id))
        items.append({"label": _html(words.gettext("Tâche {n} : {title}", _lang()), n=i, title=_own(task.title)),
                      "url": f"/s/{session.id}/tache/{i}" if session else None, "done": done, "key": f"tache-{i}"})
    items.append({"label": _("Fin du test"), "url": f"/s/{session.id}/fin" if session else None,
                  "done": bool(session and session.status == SessionStatus.COMPLETE), "key": "fin"})
    return items


def _render(template: str, status: int = 200, session: Session | None = None, current: str = "",
            form: dict[str, Any] | None = None, **context):
    """A page; ``form`` for a page with a form (``_page_form``): its language switch is a button of that form."""
    state = _state()
    resume_url = f"{request.host_url}s/{session.id}/" if session else None
    errors = context.pop("errors", [])
    html = _template(template).render(protocol=state.protocol, session=session, steps=_steps(state.protocol, session),
                           current=current, nonce=g.nonce, resume_url=resume_url, errors=errors,
                           err=context.pop("err", {}), values=context.pop("values", {}), **_words(form=form),
                           **context)
    return html, status


def _page_form(action: str, label: str) -> dict[str, Any]:
    """A page's form for its language button: where the button sends it (``action``), and the ``label`` of the
    form's own first submit button, of which a hidden copy keeps Enter in a field sending the page. The copy has
    no name: a page sent without ``action`` is sent as by its first button ("suivant" on a task page)."""
    return {"action": action, "default": label}


def _words(keep_args: bool = True, form: dict[str, Any] | None = None) -> dict[str, Any]:
    """What every template needs besides its words: the page's language, the way to the other one."""
    return {"lang": _lang(), "protocol_lang": PROTOCOL_LANG, "switch": _switch(keep_args, form)}


@cache
def _environment(lang: str) -> Jinja:
    """The templates with their words in ``lang`` (one environment per language)."""
    env = Jinja(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"])
    words.install(env, lang)
    return env


def _template(name: str):
    return _environment(_lang()).get_template(name)


# --- start ----------------------------------------------------------------------------------------


def _environment_values(session: Session) -> dict[str, str]:
    env = session.environment
    values = {"pseudonyme": session.pseudonym, "at": env.assistive_technology, "at_version": env.assistive_technology_version,
              "navigateur": env.browser, "navigateur_version": env.browser_version, "systeme": env.os,
              "experience": env.experience, "reglages": env.settings}
    values.update(_question_values(_state().protocol.before, session.answers))
    return values


def _read_start(form: _Form) -> tuple[str, Environment, dict[str, Any]]:
    protocol = _state().protocol
    pseudonym = form.text("pseudonyme", _("Pseudonyme"), MAX_PSEUDONYM,
                          _("Indiquez un pseudonyme, par exemple « Testeur A »."))
    if "@" in pseudonym:
        form.fail("pseudonyme", _("Pseudonyme"), _("Indiquez un pseudonyme, pas une adresse électronique : aucune "
                                                    "donnée personnelle n'est demandée."))
    env = Environment(
        assistive_technology=form.text("at", _("Technologie d'assistance"), MAX_SHORT),
        assistive_technology_version=form.text("at_version", _("Version de la technologie d'assistance"), MAX_SHORT),
        browser=form.text("navigateur", _("Navigateur"), MAX_SHORT,
                          _("Indiquez le navigateur utilisé, par exemple Firefox.")),
        browser_version=form.text("navigateur_version", _("Version du navigateur"), MAX_SHORT),
        os=form.text("systeme", _("Système d'exploitation"), MAX_SHORT,
                     _("Indiquez le système d'exploitation, par exemple Windows 11.")),
        experience=form.choice("experience", _("Expérience"), list(EXPERIENCE_CHOICES)),
        settings=form.text("reglages", _("Réglages particuliers"), 300),
    )
    answers = _question_answers(form, protocol.before)
    return pseudonym, env, answers


def _start_context() -> dict[str, Any]:
    protocol = _state().protocol
    experience = zip(EXPERIENCE_CHOICES, _choices(EXPERIENCE_CHOICES), strict=True)
    return {"questions": _question_fields(protocol.before), "experience": list(experience),
            "audience": words.gettext(testers.AUDIENCE_LABELS[protocol.audience], _lang()),
            "minutes": sum(t.time_limit for t in protocol.tasks) + 10, "page_title": _("Présentation du test")}


def _start_form(session: Session | None, resume_value: str = "") -> dict[str, Any]:
    """The start page's form (``/s/<id>/debut`` once a session exists). The language button of the page that
    answers an unknown session number keeps that number: it sends the start form to ``/?session=…``."""
    if session is not None:
        return _page_form(f"/s/{session.id}/debut", _("Enregistrer mes informations"))
    return _page_form("/" + (f"?{urlencode({'session': resume_value})}" if resume_value else ""),
                      _("Enregistrer et commencer la première tâche"))


def _start():
    state = _state()
    switched = _language_switch(None)
    resume_value = request.args.get("session", "")[:40]
    if request.method == "GET":
        return _render("form_start.html.j2", current="debut", token=_csrf_start(), action="/",
                       resume_value=resume_value, form=_start_form(None, resume_value), **_start_context())
    if switched is not None:
        return _render("form_start.html.j2", current="debut", token=_csrf_start(), action="/",
                       resume_value=resume_value, form=_start_form(None, resume_value),
                       **_typed_again(switched, "pseudonyme"), **_start_context())
    form = _Form(request.form)
    pseudonym, env, answers = _read_start(form)
    if not _csrf_ok(None):
        form.expired("pseudonyme")
    if form.errors:
        return _render("form_start.html.j2", status=400 if "jeton" in form.err else 422, current="debut",
                       token=_csrf_start(), action="/", resume_value="", errors=form.errors, err=form.err,
                       values=form.values, form=_start_form(None), **_start_context())
    session = Session(id=testers.new_session_id(), protocol=state.protocol.id, site=state.protocol.site,
                      pseudonym=pseudonym, date=date.today().isoformat(), environment=env,
                      status=SessionStatus.IN_PROGRESS, answers=answers)
    with state.lock:
        _save(session)
    return redirect(f"/s/{session.id}/tache/1?enregistre=debut", 303)


def _resume():
    sid = request.args.get("session", "").strip().lower()
    if not testers.SESSION_ID_RE.match(sid) or not (_state().sessions_dir / f"{sid}.yaml").is_file():
        form = _Form(MultiDict())
        form.values["session"] = sid[:40]
        form.fail("session", _("Numéro de session"), _("Aucune session ne porte ce numéro : il a 16 caractères, "
                                                        "chiffres et lettres de a à f, par exemple 3f9a2c1e7b6d4a58."))
        context = _start_context() | {"page_title": _("Reprendre une session")}
        return _render("form_start.html.j2", status=404, current="debut", token=_csrf_start(), action="/",
                       resume_value=sid[:40], errors=form.errors, err=form.err, values={},
                       form=_start_form(None, sid[:40]), **context)
    return redirect(f"/s/{sid}/", 303)


def _session_home(sid: str):
    session = _load(sid)
    protocol = _state().protocol
    for i, task in enumerate(protocol.tasks, 1):
        if session.report(task.id) is None:
            return redirect(f"/s/{sid}/tache/{i}", 303)
    if session.status != SessionStatus.COMPLETE:
        return redirect(f"/s/{sid}/fin", 303)
    return redirect(f"/s/{sid}/resume", 303)


def _edit_start(sid: str):
    state = _state()
    session = _load(sid)
    action = f"/s/{sid}/debut"
    switched = _language_switch(sid)
    if request.method == "GET":
        return _render("form_start.html.j2", session=session, current="debut", token=_csrf_session(sid),
                       action=action, resume_value="", values=_environment_values(session),
                       form=_start_form(session), **_start_context())
    if switched is not None:
        return _render("form_start.html.j2", session=session, current="debut", token=_csrf_session(sid),
                       action=action, resume_value="", form=_start_form(session),
                       **_typed_again(switched, "pseudonyme"), **_start_context())
    form = _Form(request.form)
    pseudonym, env, answers = _read_start(form)
    if not _csrf_ok(sid):
        form.expired("pseudonyme")
    if form.errors:
        return _render("form_start.html.j2", status=422 if "jeton" not in form.err else 400, session=session,
                       current="debut", token=_csrf_session(sid), action=action, resume_value="",
                       errors=form.errors, err=form.err, values=form.values, form=_start_form(session),
                       **_start_context())
    with state.lock:
        session = replace(_load(sid), pseudonym=pseudonym, environment=env, answers=answers)
        _save(session)
    return redirect(f"/s/{sid}/?enregistre=debut", 303)


# --- tasks ------------------------------------------------------------------------------------------


def _page_choices(task: Task) -> list[tuple[str, ...]]:
    """The protocol's pages for a select: (ref, name), plus the name's language on a page in another one."""
    if _lang() == PROTOCOL_LANG:
        return [(p.ref, p.name) for p in task.pages]
    return [(p.ref, p.name, PROTOCOL_LANG) for p in task.pages]


def _finding_values(k: int, finding: TesterFinding, task: Task) -> dict[str, str]:
    refs = {p.ref for p in task.pages}
    values = {f"b{k}_page": finding.page if finding.page in refs else OTHER_PAGE,
              f"b{k}_autre": "" if finding.page in refs else finding.page,
              f"b{k}_etape": str(finding.step or ""), f"b{k}_description": finding.description,
              f"b{k}_impact": finding.impact.value if finding.impact else "",
              f"b{k}_critere": finding.criterion or "", f"b{k}_element": finding.target or ""}
    return values


def _report_values(report: TaskReport | None, task: Task) -> dict[str, str]:
    if report is None:
        return {}
    values = {"resultat": report.result.value, "difficulte": str(report.difficulty or ""),
              "duree": "" if report.minutes is None else str(report.minutes).replace(".", ","),
              "bloque": report.blocked}
    values.update(_question_values(task.questions, report.answers))
    for k, finding in enumerate(report.findings):
        values.update(_finding_values(k, finding, task))
    return values


def _read_barriers(form: _Form, task: Task, existing: tuple[TesterFinding, ...], limit: int) -> list[TesterFinding]:
    try:
        slots = int(form.data.get("barrieres", "0"))
    except ValueError:
        slots = 0
    slots = max(0, min(slots, limit, len(existing) + 1))
    refs = [p.ref for p in task.pages]
    out: list[TesterFinding] = []
    for k in range(slots):
        n = k + 1
        page = form.data.get(f"b{k}_page", "").strip()
        other = form.text(f"b{k}_autre", _("Barrière {n} : autre page", n=n), 500)
        step = form.data.get(f"b{k}_etape", "").strip()
        form.values[f"b{k}_page"], form.values[f"b{k}_etape"] = page, step
        description = form.text(f"b{k}_description", _("Barrière {n} : description", n=n), MAX_TEXT)
        impact = form.data.get(f"b{k}_impact", "").strip()
        form.values[f"b{k}_impact"] = impact
        criterion = form.text(f"b{k}_critere", _("Barrière {n} : critère RGAA", n=n), 8)
        target = form.text(f"b{k}_element", _("Barrière {n} : élément concerné", n=n), MAX_TARGET)
        removed = form.data.get(f"b{k}_supprimer") == "oui"
        form.values[f"b{k}_supprimer"] = "oui" if removed else ""
        if removed or not (description or other or criterion or target or impact):
            continue  # an empty slot, or a barrier the tester removed
        previous = existing[k] if k < len(existing) else None
        if not description:
            form.fail(f"b{k}_description", _("Barrière {n} : description", n=n),
                      _("Décrivez ce qui vous a gêné ou bloqué."))
        severity = None
        if impact:
            try:
                severity = Severity(impact)
            except ValueError:
                form.fail(f"b{k}_impact", _("Barrière {n} : gravité", n=n), _("Choisissez l'une des gravités proposées."),
                          target=f"b{k}_impact-1")
        elif previous is None or previous.impact is not None or previous.relation is None:
            form.fail(f"b{k}_impact", _("Barrière {n} : gravité", n=n), _("Choisissez la gravité de cette barrière."),
                      target=f"b{k}_impact-1")
        if page == OTHER_PAGE or (not page and other):
            ref = other
            if not other:
                form.fail(f"b{k}_autre", _("Barrière {n} : autre page", n=n), _("Indiquez l'adresse ou le nom de la page."))
        elif page in refs:
            ref = page
        else:
            ref = ""
            form.fail(f"b{k}_page", _("Barrière {n} : page", n=n), _("Choisissez la page concernée."))
        number = None
        if step:
            if step.isdigit() and 1 <= int(step) <= len(task.steps):
                number = int(step)
            else:
                form.fail(f"b{k}_etape", _("Barrière {n} : étape", n=n), _("Choisissez l'une des étapes proposées."))
        if criterion and (not CRITERION_RE.match(criterion) or not testers.criterion_known(criterion)):
            form.fail(f"b{k}_critere", _("Barrière {n} : critère RGAA", n=n),
                      _("Critère inconnu : écrivez-le comme 11.1 (thème.critère), ou laissez le champ vide."))
        base = previous or TesterFinding(page=ref, description=description)
        out.append(replace(base, page=ref, description=description, impact=severity, step=number,
                           criterion=criterion or None, target=target or None))
    return out


def _task_context(session: Session, number: int) -> dict[str, Any]:
    protocol = _state().protocol
    task = protocol.tasks[number - 1]
    report = session.report(task.id)
    saved = len(report.findings) if report else 0
    return {"task": task, "number": number, "total": len(protocol.tasks), "report": report,
            "slots": min(saved + 1, protocol.max_findings), "saved": saved, "pages": _page_choices(task),
            "results": _results(), "severities": _severities(),
            "difficulties": [(str(i), label)
                             for i, label in enumerate(_choices(DIFFICULTY_LABELS), 1)],
            "other_page": OTHER_PAGE, "questions": _question_fields(task.questions),
            "step_options": _step_options(task),
            "notice": _notice(request.args.get("enregistre", ""))}


def _step_options(task: Task) -> list[tuple[str, ...]]:
    """The task's steps for a select. An option is all in one language: on a page in another language than the
    protocol's, "1. <step>" marked as the protocol's language (digits read well in it), not "Step 1: <step>"."""
    if _lang() == PROTOCOL_LANG:
        return [(str(i), _short(_("Étape {n} : {step}", n=i, step=step))) for i, step in enumerate(task.steps, 1)]
    return [(str(i), _short(f"{i}. {step}"), PROTOCOL_LANG) for i, step in enumerate(task.steps, 1)]


def _task_form(sid: str, number: int, total: int) -> dict[str, Any]:
    label = _("Enregistrer et passer à la tâche {n}", n=number + 1) if number < total else _("Enregistrer et terminer")
    return _page_form(f"/s/{sid}/tache/{number}", label)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _notice(code: str) -> str:
    """The confirmation shown after a redirect (?enregistre=…)."""
    if code == "debut":
        return _("Vos informations sont enregistrées.")
    if code == "barriere":
        return _("La tâche et ses barrières sont enregistrées. Décrivez la barrière suivante ci-dessous.")
    if code.startswith("tache-") and code[6:].isdigit():
        return _("La tâche {n} est enregistrée.", n=int(code[6:]))
    return ""


def _task(sid: str, number: int):
    state = _state()
    protocol = state.protocol
    if not 1 <= number <= len(protocol.tasks):
        abort(404)
    session = _load(sid)
    task = protocol.tasks[number - 1]
    switched = _language_switch(sid)  # first: the page's words are in the language asked for
    context = _task_context(session, number)
    total = len(protocol.tasks)
    if _lang() == PROTOCOL_LANG:
        page_title = _("Tâche {n} sur {total} : {title}", n=number, total=total, title=task.title)
    else:  # a <title> cannot mark the protocol's words as French: the task's number only (its h1 has the title)
        page_title = _("Tâche {n} sur {total}", n=number, total=total)
    page_form = _task_form(sid, number, total)
    if request.method == "GET":
        return _render("form_task.html.j2", session=session, current=f"tache-{number}", token=_csrf_session(sid),
                       page_title=page_title, values=_report_values(context["report"], task), form=page_form,
                       **context)
    if switched is not None:
        posted = request.form.get("barrieres", "")
        if posted.isdigit():  # the barrier boxes the page had, new ones included
            context.update(slots=max(context["slots"], min(int(posted), protocol.max_findings)))
        return _render("form_task.html.j2", session=session, current=f"tache-{number}", token=_csrf_session(sid),
                       page_title=page_title, form=page_form, **_typed_again(switched, "resultat-1"), **context)
    form = _Form(request.form)
    result = form.choice("resultat", _("Résultat"), [r.value for r in TaskResult],
                         _("Dites si vous avez réussi la tâche."))
    difficulty = form.choice("difficulte", _("Difficulté"), [str(i) for i in range(1, 6)],
                             _("Indiquez la difficulté, de 1 (très facile) à 5 (très difficile)."))
    minutes = _minutes(form)
    blocked = form.text("bloque", _("Ce qui vous a bloqué ou gêné"), MAX_TEXT)
    answers = _question_answers(form, task.questions)
    existing = context["report"].findings if context["report"] else ()
    findings = _read_barriers(form, task, existing, protocol.max_findings)
    if not _csrf_ok(sid):
        form.expired("resultat-1")
    if form.errors:
        posted = form.data.get("barrieres", "")
        if posted.isdigit():
            context.update(slots=max(context["slots"], min(int(posted), protocol.max_findings)))
        return _render("form_task.html.j2", status=400 if "jeton" in form.err else 422, session=session,
                       current=f"tache-{number}", token=_csrf_session(sid), page_title=page_title,
                       errors=form.errors, err=form.err, values=form.values, form=page_form, **context)
    report = TaskReport(task=task.id, result=TaskResult(result), difficulty=int(difficulty), minutes=minutes,
                        blocked=blocked, pages=tuple(p.ref for p in task.pages), answers=answers,
                        findings=tuple(findings))
    with state.lock:
        current = _load(sid)
        reports = {r.task: r for r in current.tasks}
        reports[task.id] = report
        ordered = tuple(reports[t.id] for t in protocol.tasks if t.id in reports)
        _save(replace(current, tasks=ordered))
    if request.form.get("action") == "ajouter" and len(findings) < protocol.max_findings:
        return redirect(f"/s/{sid}/tache/{number}?enregistre=barriere#barriere-{len(findings) + 1}", 303)
    if number < len(protocol.tasks):
        return redirect(f"/s/{sid}/tache/{number + 1}?enregistre=tache-{number}", 303)
    return redirect(f"/s/{sid}/fin?enregistre=tache-{number}", 303)


# --- end and summary --------------------------------------------------------------------------------


def _end(sid: str):
    state = _state()
    protocol = state.protocol
    session = _load(sid)
    switched = _language_switch(sid)
    page_form = _page_form(f"/s/{sid}/fin", _("Terminer le test"))
    missing = [(i, t) for i, t in enumerate(protocol.tasks, 1) if session.report(t.id) is None]
    context = {"statements": list(enumerate(_choices(SUS_STATEMENTS), 1)), "missing": missing,
               "sus_options": [(str(i), f"{i} — {label}")
                               for i, label in enumerate(_choices(SUS_SCALE), 1)],
               "notice": _notice(request.args.get("enregistre", ""))}
    if request.method == "GET":
        values = {f"sus_{i}": str(v) for i, v in enumerate(session.sus or (), 1)}
        values["commentaires"] = session.comments
        return _render("form_end.html.j2", session=session, current="fin", token=_csrf_session(sid),
                       page_title=_("Fin du test"), values=values, form=page_form, **context)
    if switched is not None:
        return _render("form_end.html.j2", session=session, current="fin", token=_csrf_session(sid),
                       page_title=_("Fin du test"), form=page_form, **_typed_again(switched, "commentaires"), **context)
    form = _Form(request.form)
    sus: list[int] = []
    if protocol.sus:
        for i in range(1, 11):
            value = form.choice(f"sus_{i}", _("Affirmation {n}", n=i), [str(v) for v in range(1, 6)])
            if value:
                sus.append(int(value))
        if 0 < len(sus) < 10:
            for i in range(1, 11):
                if not form.values.get(f"sus_{i}"):
                    form.fail(f"sus_{i}", _("Affirmation {n}", n=i),
                              _("Répondez à cette affirmation, ou laissez tout le questionnaire vide."),
                              target=f"sus_{i}-1")
    comments = form.text("commentaires", _("Commentaires"), MAX_COMMENTS)
    if not _csrf_ok(sid):
        form.expired("commentaires")
    if form.errors:
        return _render("form_end.html.j2", status=400 if "jeton" in form.err else 422, session=session, current="fin",
                       token=_csrf_session(sid), page_title=_("Fin du test"), errors=form.errors, err=form.err,
                       values=form.values, form=page_form, **context)
    with state.lock:
        current = _load(sid)
        _save(replace(current, sus=tuple(sus) if len(sus) == 10 else None, comments=comments,
                      status=SessionStatus.COMPLETE))
    return redirect(f"/s/{sid}/resume", 303)


def _summary(sid: str):
    session = _load(sid)
    protocol = _state().protocol
    rows = []
    for i, task in enumerate(protocol.tasks, 1):
        rows.append({"number": i, "task": task, "report": session.report(task.id)})
    return _render("form_summary.html.j2", session=session, current="resume",
                   page_title=_("Récapitulatif"), rows=rows, result_labels=dict(_results()),
                   severity_names={s: words.gettext(name, _lang()) for s, name in _SEVERITY_NAMES.items()},
                   score=session.sus_score)


# --- serving ------------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _served_names(host: str) -> tuple[str, ...]:
    """The names the form answers to when bound to ``host``: that host, and for a wildcard bind (0.0.0.0, ::)
    this machine's name and addresses, since testers reach it under one of them."""
    if host not in ("0.0.0.0", "::", ""):
        return (host,)
    names = {host, socket.gethostname(), socket.getfqdn()}  # the printed link names the bind host itself
    try:
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return tuple(sorted(n for n in names if n))


class ListenError(Exception):
    """A web app cannot listen where it was asked to: the message says what to do."""


def listen(app, host: str, port: int):
    """A threaded server for ``app`` on ``host:port`` (the testers' form, the workspace)."""
    from werkzeug.serving import make_server

    try:
        return make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise ListenError(words.text("impossible d'écouter sur {host}:{port} : {error}. Choisissez un autre "
                                     "port avec --port.", host=host, port=port, error=exc.strerror)) from None


def until_interrupted(server) -> None:
    """Serve until Ctrl-C, then close."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve(protocol_path: str | Path, sessions_dir: str | Path, host: str = "127.0.0.1", port: int = 8765,
          store_root: str | Path | None = None, token: str | None = None, echo=print,
          names: tuple[str, ...] = (), lang: str = "fr") -> None:
    """Serve the form until Ctrl-C. Beyond this machine (a host that is not loopback) a shared access token is
    required: one is generated when none is given, and the link to hand out is printed. The form answers only
    to the loopback names, ``host`` (this machine's names for a wildcard bind) and ``names``. ``lang``: the
    language the form opens in; the lines printed here are in the command line's language (``words.language()``)."""

    if not _is_loopback(host) and not token:
        token = secrets.token_urlsafe(18)
    app = create_app(protocol_path, sessions_dir, store_root=store_root, token=token,
                     hosts=_served_names(host) + tuple(names), lang=lang)
    try:
        server = listen(app, host, port)
    except ListenError as exc:
        raise TesterError([str(exc)]) from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/"
    protocol = app.extensions["a11y_form"].protocol
    echo(words.text("Formulaire du test « {title} » : {url}", title=protocol.title,
                    url=url + (f"?token={token}" if token else "")))
    echo(words.text("Sessions enregistrées dans {folder} — Ctrl-C pour arrêter.", folder=Path(sessions_dir).resolve()))
    until_interrupted(server)

"""Tester sessions: protocols (what testers with disabilities are asked to do), sessions (what they
file), validation with ``file:line: path: message`` errors, and the merge with automated findings.

The formats are documented in ``user_test_protocols/README.md``. In short:

* a **protocol** (``user_test_protocols/*.yaml``) names its audience, site and start page, its tasks
  (numbered steps, what success is, a time limit, the pages they go through, the RGAA criteria they
  exercise), extra questions and whether the French SUS questionnaire is asked;
* a **session** (``user_test_protocols/sessions/*.yaml``, written by the form or by hand) holds a
  pseudonym, a date, the environment, and per task: completed / with help / not, time, difficulty, what
  blocked, and the barriers met. A barrier may ``confirms``, ``answers`` (a cant_tell, with a
  ``verdict``) or ``dismisses`` (with a ``reason``) an automated finding named by its fingerprint.

``merge`` is the oracle that turns sessions into evidence for the grid (see its docstring for the
contract). Sessions are also indexed in the run store's SQLite file, table ``tester_sessions``
(``index_session``), when the form is given a store folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from audit import reader, words
from audit.fingerprint import fingerprint
from audit.model import Config, Finding, Impact, Outcome, PageSnapshot, Source
from audit.store import DB_NAME
from audit.words import N_

# --- limits, shared with the form -----------------------------------------------------------

MAX_FILE_BYTES = 1_000_000
MAX_PSEUDONYM = 40
MAX_SHORT = 120  # one-line answers: browser, version, OS, criterion, element
MAX_TEXT = 2000  # a barrier's description, what blocked
MAX_COMMENTS = 4000
MAX_TARGET = 300
MAX_ATTACHMENT = 200
MAX_MINUTES = 600
MAX_FINDINGS_LIMIT = 20
DEFAULT_MAX_FINDINGS = 5

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FINGERPRINT_RE = re.compile(r"^[0-9a-f]{16}$")
SESSION_ID_RE = re.compile(r"\A[0-9a-f]{16}\Z")  # \Z: a trailing newline is not part of an id
CRITERION_RE = re.compile(r"^\d{1,2}\.\d{1,2}$")
_ATTACHMENT_RE = re.compile(r"^[A-Za-z0-9._/ -]+$")


class TesterError(Exception):
    """Files that cannot be used; ``messages`` holds every problem as ``file:line: path: message``."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


# --- the vocabulary ------------------------------------------------------------------------


class Audience(StrEnum):
    SCREEN_READER = "screen-reader"
    KEYBOARD = "keyboard"
    LOW_VISION = "low-vision"  # magnifier or browser zoom
    COGNITIVE = "cognitive"


AUDIENCE_LABELS = {
    Audience.SCREEN_READER: N_("personnes utilisant un lecteur d'écran"),
    Audience.KEYBOARD: N_("personnes naviguant au clavier seul"),
    Audience.LOW_VISION: N_("personnes malvoyantes utilisant une loupe ou le zoom"),
    Audience.COGNITIVE: N_("personnes ayant des troubles cognitifs ou de l'attention"),
}


class TaskResult(StrEnum):
    COMPLETED = "completed"
    WITH_HELP = "with-help"
    NOT_COMPLETED = "not-completed"


RESULT_LABELS = {
    TaskResult.COMPLETED: N_("Réussie sans aide"),
    TaskResult.WITH_HELP: N_("Réussie avec de l'aide"),
    TaskResult.NOT_COMPLETED: N_("Non réussie"),
}


class Severity(StrEnum):
    """A tester's impact, in the words testers use."""

    BLOQUANT = "bloquant"
    MAJEUR = "majeur"
    MINEUR = "mineur"


IMPACT_OF = {Severity.BLOQUANT: Impact.CRITICAL, Severity.MAJEUR: Impact.SERIOUS,
             Severity.MINEUR: Impact.MODERATE}
SEVERITY_LABELS = {
    Severity.BLOQUANT: N_("Bloquant : je n'ai pas pu continuer"),
    Severity.MAJEUR: N_("Majeur : j'ai pu continuer, avec beaucoup de difficulté"),
    Severity.MINEUR: N_("Mineur : gênant, sans m'empêcher de continuer"),
}
_SEVERITY_RANK = {Severity.MINEUR: 0, Severity.MAJEUR: 1, Severity.BLOQUANT: 2}


class Relation(StrEnum):
    CONFIRMS = "confirms"
    ANSWERS = "answers"
    DISMISSES = "dismisses"


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class SessionStatus(StrEnum):
    IN_PROGRESS = "in-progress"
    COMPLETE = "complete"


class QuestionType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    SCALE = "scale"  # 1 to 5


# The System Usability Scale, in our own French wording (msgids, said with words.gettext). Odd statements are
# positive, even ones negative.
SUS_STATEMENTS = (
    N_("Je pense que j'aimerais utiliser ce site régulièrement."),
    N_("J'ai trouvé ce site inutilement compliqué."),
    N_("J'ai trouvé ce site facile à utiliser."),
    N_("Je pense que j'aurais besoin de l'aide d'une personne pour me servir de ce site."),
    N_("J'ai trouvé que les différentes parties de ce site s'enchaînaient bien."),
    N_("J'ai trouvé qu'il y avait trop d'incohérences dans ce site."),
    N_("J'imagine que la plupart des gens apprendraient très vite à utiliser ce site."),
    N_("J'ai trouvé ce site très pénible à utiliser."),
    N_("Je me suis senti·e en confiance en utilisant ce site."),
    N_("J'ai dû apprendre beaucoup de choses avant de pouvoir me servir de ce site."),
)
SUS_SCALE = (N_("Pas du tout d'accord"), N_("Pas d'accord"), N_("Ni d'accord ni pas d'accord"), N_("D'accord"),
             N_("Tout à fait d'accord"))


def sus_score(answers: Iterable[int]) -> float:
    """The standard SUS score, 0–100: odd statements count (answer − 1), even ones (5 − answer); × 2.5."""
    values = list(answers)
    if len(values) != 10 or any(not isinstance(v, int) or not 1 <= v <= 5 for v in values):
        raise ValueError("the SUS needs 10 answers from 1 to 5")
    total = sum((v - 1) if i % 2 == 0 else (5 - v) for i, v in enumerate(values))
    return total * 2.5


# --- protocols -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str  # French
    type: QuestionType = QuestionType.TEXT
    choices: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A page a task goes through: a URL path ("/contact.html") or a sample page name of sites.yaml."""

    ref: str
    name: str  # what a tester reads; the ref itself when no name is given


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    title: str
    steps: tuple[str, ...]
    success: str
    time_limit: int  # minutes
    pages: tuple[TaskPage, ...] = ()
    rgaa: tuple[str, ...] = ()  # criteria the task exercises ("11.1")
    questions: tuple[Question, ...] = ()  # asked after the task, besides the standard ones


@dataclass(frozen=True, slots=True)
class Protocol:
    id: str
    title: str
    audience: Audience
    site: str
    start: str
    tasks: tuple[Task, ...]
    intro: str = ""
    before: tuple[Question, ...] = ()  # asked before the tasks, besides the environment
    sus: bool = False
    max_findings: int = DEFAULT_MAX_FINDINGS
    path: str = ""

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)


# --- sessions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Environment:
    browser: str
    os: str
    browser_version: str = ""
    assistive_technology: str = ""  # empty: none
    assistive_technology_version: str = ""
    experience: str = ""  # free text, e.g. "Plus de 5 ans"
    settings: str = ""  # zoom level, magnification, contrast, text size…

    @property
    def label(self) -> str:
        """ "NVDA 2024.4 + Firefox 130 / Windows 11", for the declaration's test environments."""
        browser = " ".join(p for p in (self.browser, self.browser_version) if p)
        at = " ".join(p for p in (self.assistive_technology, self.assistive_technology_version) if p)
        if at and self.assistive_technology.strip().casefold() not in ("aucune", "aucun", "none", "-"):
            browser = f"{at} + {browser}"
        return f"{browser} / {self.os}"


@dataclass(frozen=True, slots=True)
class TesterFinding:
    """A barrier a tester met; may confirm, answer or dismiss an automated finding (by fingerprint)."""

    page: str  # URL, path or sample page name
    description: str
    impact: Severity | None = None  # None only for a passed answer or a dismissal
    step: int | None = None
    criterion: str | None = None  # "11.1", optional: testers are not auditors
    target: str | None = None  # CSS selector or words ("le bouton Valider")
    attachment: str | None = None  # screenshot or recording, relative to the session file
    finding: str | None = None  # fingerprint of an automated finding
    relation: Relation | None = None
    verdict: Verdict | None = None  # with answers
    reason: str | None = None  # with dismisses
    where: str = ""  # "file:line", for messages


@dataclass(frozen=True, slots=True)
class TaskReport:
    task: str
    result: TaskResult
    difficulty: int | None = None  # 1 very easy … 5 very hard
    minutes: float | None = None
    blocked: str = ""
    pages: tuple[str, ...] = ()  # the task's pages (copied from the protocol by the form)
    answers: dict[str, Any] = field(default_factory=dict)
    findings: tuple[TesterFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    protocol: str
    pseudonym: str
    date: str  # ISO date
    environment: Environment
    tasks: tuple[TaskReport, ...] = ()
    site: str = ""
    status: SessionStatus = SessionStatus.COMPLETE
    answers: dict[str, Any] = field(default_factory=dict)
    sus: tuple[int, ...] | None = None
    comments: str = ""
    path: str = ""

    @property
    def sus_score(self) -> float | None:
        return sus_score(self.sus) if self.sus else None

    def report(self, task_id: str) -> TaskReport | None:
        return next((t for t in self.tasks if t.task == task_id), None)


def new_session_id() -> str:
    """Session ids are generated, never chosen by a user: 16 hexadecimal characters."""
    return secrets.token_hex(8)


# --- reading YAML with line numbers, collecting every problem ---------------------------------


class _Doc(reader.Located):
    """A tester file as located YAML (audit.reader.Located): data, the line and raw text of every node, by path;
    a problem that stops the reading is ``fatal``, said in the command line's language like the rest of the validation."""

    def __init__(self, path: str, text: str):
        super().__init__(path, text)
        if self.too_big:
            self.fatal = f"{path}:1: " + words.text(
                "fichier trop complexe (plus de {n} éléments, alias compris).", n=reader.MAX_NODES)
        elif self.problem is not None:
            line, problem = self.problem
            self.fatal = (f"{path}:{line}: " + words.text(
                "YAML invalide : {problem}. Vérifiez l'indentation et les guillemets autour de cette ligne.",
                problem=problem) if line else f"{path}:1: " + words.text("YAML invalide : {problem}", problem=problem))
        else:
            self.fatal = None



class _Problems:
    def __init__(self, doc: _Doc):
        self.doc = doc
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{self.doc.where(path)}: {path or words.text('(racine)')}: {message}")


class _Map:
    """Typed accessors over one mapping; a problem is recorded and a default returned."""

    def __init__(self, problems: _Problems, data: Any, path: str):
        self.p, self.path = problems, path
        self.doc = problems.doc
        if data is None:
            data = {}
        if not isinstance(data, dict):
            problems.add(path, words.text("doit être une suite de lignes « clé: valeur »"))
            data = {}
        self.data = data
        self.used: set[str] = set()

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, limit: int = MAX_SHORT, required: bool = False) -> str:
        value = self.get(key)
        path = self.sub(key)
        if value is None:
            if required:
                self.p.add(path, words.text("est obligatoire"))
            return ""
        if isinstance(value, (dict, list)):
            self.p.add(path, words.text("doit être un texte"))
            return ""
        if isinstance(value, bool):
            self.p.add(path, words.text("doit être un texte : mettez-le entre guillemets (YAML lit yes/no/on/off "
                                        "comme vrai ou faux)"))
            return ""
        text = self.doc.raw.get(path, str(value)) if not isinstance(value, str) else value
        text = text.strip()
        if required and not text:
            self.p.add(path, words.text("ne doit pas être vide"))
        if len(text) > limit:
            self.p.add(path, _too_long(len(text), limit))
            text = text[:limit]
        return text

    def integer(self, key: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.get(key)
        if value is None:
            if required:
                self.p.add(self.sub(key), words.text("est obligatoire"))
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.p.add(self.sub(key), words.text("doit être un nombre entier de {low} à {high}", low=low, high=high))
            return None
        return value

    def number(self, key: str, low: float, high: float) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.p.add(self.sub(key), words.text("doit être un nombre de {low} à {high}", low=f"{low:g}",
                                                 high=f"{high:g}"))
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.p.add(self.sub(key), words.text("doit valoir true ou false"))
            return default
        return value

    def choice(self, key: str, enum: type[StrEnum], required: bool = False):
        value = self.get(key)
        if value is None:
            if required:
                self.p.add(self.sub(key), words.text("est obligatoire : {values}", values=_values(enum)))
            return None
        try:
            return enum(str(value).strip())
        except ValueError:
            self.p.add(self.sub(key), words.text("valeur inconnue {value} : {values}", value=repr(value),
                                                 values=_values(enum)))
            return None

    def items(self, key: str, required: bool = False) -> list[tuple[str, Any]]:
        """(path, item) of a list."""
        value = self.get(key)
        path = self.sub(key)
        if value is None:
            if required:
                self.p.add(path, words.text("est obligatoire (une liste)"))
            return []
        if not isinstance(value, list):
            self.p.add(path, words.text("doit être une liste (des lignes commençant par « - »)"))
            return []
        if required and not value:
            self.p.add(path, words.text("ne doit pas être vide"))
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]

    def texts(self, key: str, limit: int = MAX_TEXT, required: bool = False) -> tuple[str, ...]:
        out = []
        for path, item in self.items(key, required):
            if isinstance(item, (dict, list, bool)) or item is None:
                self.p.add(path, words.text("doit être un texte"))
                continue
            text = (self.doc.raw.get(path, str(item)) if not isinstance(item, str) else item).strip()
            if not text:
                self.p.add(path, words.text("ne doit pas être vide"))
            elif len(text) > limit:
                self.p.add(path, _too_long(len(text), limit))
            out.append(text[:limit])
        return tuple(out)

    def done(self) -> None:
        unknown = [str(k) for k in self.data if str(k) not in self.used]
        for key in unknown:
            expected = ", ".join(sorted(self.used))
            self.p.add(self.sub(key), words.text("clé inconnue ; clés possibles : {known}", known=expected))


def _values(enum: type[StrEnum]) -> str:
    return words.text("valeurs possibles : {values}", values=", ".join(e.value for e in enum))


def _too_long(n: int, limit: int) -> str:
    return words.plural(n, "trop long ({n} caractère) : {limit} au plus", "trop long ({n} caractères) : {limit} au plus",
                        limit=limit)


def _criteria():
    from audit.standards import CRITERIA

    return CRITERIA


def criterion_known(criterion: str) -> bool:
    return criterion in _criteria()


def _criterion(m: _Map, key: str) -> str | None:
    text = m.text(key, limit=8)
    if not text:
        return None
    if not CRITERION_RE.match(text) or not criterion_known(text):
        m.p.add(m.sub(key), words.text("critère RGAA inconnu {criterion} : écrivez-le comme « 11.1 » "
                                       "(thème.critère) ; laissez-le vide si vous ne le connaissez pas",
                                       criterion=repr(text)))
        return None
    return text


def _read_text(path: Path) -> tuple[str | None, str | None]:
    """(text, problem) of a file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, f"{path}: " + words.plural(size, "fichier trop gros ({n} octet, {limit} au plus).",
                                                     "fichier trop gros ({n} octets, {limit} au plus).",
                                                     limit=MAX_FILE_BYTES)
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, f"{path}: " + words.text("fichier introuvable.")
    except UnicodeDecodeError as exc:
        return None, f"{path}: " + words.text("ce n'est pas du texte UTF-8 ({reason} à l'octet {start}) : "
                                              "enregistrez-le en UTF-8.", reason=exc.reason, start=exc.start)
    except OSError as exc:
        return None, f"{path}: " + words.text("illisible : {error}.", error=exc.strerror)


# --- protocol parsing ------------------------------------------------------------------------


def _question(problems: _Problems, data: Any, path: str) -> Question | None:
    m = _Map(problems, data, path)
    qid = m.text("id", limit=64, required=True)
    if qid and not _ID.match(qid):
        problems.add(m.sub("id"), words.text("lettres minuscules, chiffres, - et _ seulement"))
    label = m.text("label", limit=300, required=True)
    qtype = m.choice("type", QuestionType) or QuestionType.TEXT
    choices = m.texts("choices", limit=MAX_SHORT)
    if qtype == QuestionType.CHOICE and len(choices) < 2:
        problems.add(m.sub("choices"), words.text("une question de type choice a au moins deux choix"))
    if qtype != QuestionType.CHOICE and choices:
        problems.add(m.sub("choices"), words.text("seules les questions de type choice ont des choix"))
    required = m.boolean("required", False)
    hint = m.text("hint", limit=300)
    m.done()
    if not qid or not label:
        return None
    return Question(id=qid, label=label, type=qtype, choices=choices, required=required, hint=hint)


def _questions(problems: _Problems, m: _Map, key: str) -> tuple[Question, ...]:
    out: list[Question] = []
    seen: set[str] = set()
    for path, item in m.items(key):
        question = _question(problems, item, path)
        if question is None:
            continue
        if question.id in seen:
            problems.add(f"{path}.id", words.text("identifiant de question en double {id}", id=repr(question.id)))
            continue
        seen.add(question.id)
        out.append(question)
    return tuple(out)


def _page_ref_ok(ref: str) -> bool:
    return ref.startswith("/") or ref.startswith(("http://", "https://")) or bool(ref.strip())


def _task(problems: _Problems, data: Any, path: str) -> Task | None:
    m = _Map(problems, data, path)
    tid = m.text("id", limit=64, required=True)
    if tid and not _ID.match(tid):
        problems.add(m.sub("id"), words.text("lettres minuscules, chiffres, - et _ seulement (64 au plus)"))
    title = m.text("title", limit=200, required=True)
    steps = m.texts("steps", limit=1000, required=True)
    success = m.text("success", limit=1000, required=True)
    time_limit = m.integer("time_limit", 1, 180, required=True)
    pages: list[TaskPage] = []
    for ppath, item in m.items("pages"):
        if isinstance(item, str) and item.strip():
            pages.append(TaskPage(ref=item.strip(), name=item.strip()))
        elif isinstance(item, dict):
            pm = _Map(problems, item, ppath)
            ref = pm.text("path", limit=500, required=True)
            name = pm.text("name", limit=200) or ref
            pm.done()
            if ref:
                if not ref.startswith("/"):
                    problems.add(f"{ppath}.path", words.text("un chemin commence par « / », par exemple /contact.html"))
                pages.append(TaskPage(ref=ref, name=name))
        else:
            problems.add(ppath, words.text("une page est un chemin (/contact.html), un nom de page de sites.yaml, "
                                           "ou {{name, path}}"))
    rgaa: list[str] = []
    for cpath, item in m.items("rgaa"):
        text = problems.doc.raw.get(cpath, str(item)) if not isinstance(item, (dict, list)) else ""
        if not CRITERION_RE.match(text.strip()) or not criterion_known(text.strip()):
            problems.add(cpath, words.text("critère RGAA inconnu {criterion} : écrivez-le comme « 11.1 »",
                                           criterion=repr(text)))
        else:
            rgaa.append(text.strip())
    questions = _questions(problems, m, "questions")
    m.done()
    if not (tid and title and steps and success and time_limit):
        return None
    return Task(id=tid, title=title, steps=steps, success=success, time_limit=time_limit, pages=tuple(pages),
                rgaa=tuple(rgaa), questions=questions)


def _parse_protocol(doc: _Doc, problems: _Problems) -> Protocol | None:
    m = _Map(problems, doc.data, "")
    pid = m.text("id", limit=64, required=True)
    if pid and not _ID.match(pid):
        problems.add("id", words.text("lettres minuscules, chiffres, - et _ seulement (il nomme des fichiers)"))
    title = m.text("title", limit=200, required=True)
    audience = m.choice("audience", Audience, required=True)
    site = m.text("site", limit=64, required=True)
    start = m.text("start", limit=500, required=True)
    intro = m.text("intro", limit=MAX_COMMENTS)
    before = _questions(problems, m, "before")
    sus = m.boolean("sus", False)
    max_findings = m.integer("max_findings", 1, MAX_FINDINGS_LIMIT) or DEFAULT_MAX_FINDINGS
    tasks: list[Task] = []
    seen: set[str] = set()
    for path, item in m.items("tasks", required=True):
        raw_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(raw_id, str) and raw_id in seen:
            problems.add(f"{path}.id", words.text("identifiant de tâche en double {id}", id=repr(raw_id)))
        if isinstance(raw_id, str):
            seen.add(raw_id)
        task = _task(problems, item, path)
        if task is not None:
            tasks.append(task)
    m.done()
    if problems.messages:
        return None
    return Protocol(id=pid, title=title, audience=audience, site=site, start=start, tasks=tuple(tasks),
                    intro=intro, before=before, sus=sus, max_findings=max_findings, path=doc.path)


# --- session parsing -------------------------------------------------------------------------


def _attachment(m: _Map, key: str) -> str | None:
    text = m.text(key, limit=MAX_ATTACHMENT)
    if not text:
        return None
    pure = PurePosixPath(text)
    if (pure.is_absolute() or ".." in pure.parts or "\\" in text or ":" in text
            or not _ATTACHMENT_RE.match(text)):
        m.p.add(m.sub(key), words.text("doit être un chemin relatif au dossier de la session, sans « .. » ni « / » "
                                       "au début (lettres, chiffres, . _ - / et espaces), par exemple "
                                       "captures/etape-2.png"))
        return None
    return text


def _tester_finding(problems: _Problems, data: Any, path: str, max_step: int | None) -> TesterFinding | None:
    m = _Map(problems, data, path)
    page = m.text("page", limit=500, required=True)
    description = m.text("description", limit=MAX_TEXT, required=True)
    impact = m.choice("impact", Severity)
    step = m.integer("step", 1, max_step or 100)
    criterion = _criterion(m, "criterion")
    target = m.text("target", limit=MAX_TARGET) or None
    attachment = _attachment(m, "attachment")
    fp = m.text("finding", limit=32) or None
    if fp and not FINGERPRINT_RE.match(fp):
        problems.add(m.sub("finding"), words.text("une empreinte de constat a 16 caractères hexadécimaux (0-9, a-f), "
                                                  "comme dans le rapport"))
    relation = m.choice("relation", Relation)
    verdict = m.choice("verdict", Verdict)
    reason = m.text("reason", limit=MAX_TEXT) or None
    m.done()
    if fp and relation is None:
        problems.add(m.sub("relation"), words.text("avec finding, dites ce que la barrière en fait : relation: "
                                                   "confirms, answers ou dismisses"))
    if relation is not None and not fp:
        problems.add(m.sub("finding"), words.text("avec relation, donnez l'empreinte du constat automatique "
                                                  "(16 caractères)"))
    if relation == Relation.ANSWERS and verdict is None:
        problems.add(m.sub("verdict"), words.text("une réponse à un point à vérifier a un verdict : passed ou failed"))
    if verdict is not None and relation != Relation.ANSWERS:
        problems.add(m.sub("verdict"), words.text("verdict va avec relation: answers"))
    if relation == Relation.DISMISSES and not reason:
        problems.add(m.sub("reason"), words.text("dites pourquoi le constat automatique est écarté"))
    if reason and relation != Relation.DISMISSES:
        problems.add(m.sub("reason"), words.text("reason va avec relation: dismisses"))
    needs_impact = not (relation == Relation.DISMISSES or (relation == Relation.ANSWERS
                                                            and verdict == Verdict.PASSED))
    if needs_impact and impact is None and "impact" not in m.data:
        problems.add(m.sub("impact"), words.text("est obligatoire : {values}", values=_values(Severity)))
    if not page or not description:
        return None
    return TesterFinding(page=page, description=description, impact=impact, step=step, criterion=criterion,
                         target=target, attachment=attachment, finding=fp, relation=relation, verdict=verdict,
                         reason=reason, where=problems.doc.where(path))


def _answers(problems: _Problems, m: _Map, key: str, questions: tuple[Question, ...] | None) -> dict[str, Any]:
    value = m.get(key)
    path = m.sub(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(path, words.text("doit être une suite de lignes « identifiant de question: réponse »"))
        return {}
    out: dict[str, Any] = {}
    known = {q.id: q for q in questions} if questions is not None else None
    for qid, answer in value.items():
        qpath = f"{path}.{qid}"
        if known is not None and str(qid) not in known:
            problems.add(qpath, words.text("question inconnue du protocole ; questions : {known}",
                                            known=", ".join(known) or words.text("aucune")))
            continue
        if isinstance(answer, (dict, list)):
            problems.add(qpath, words.text("une réponse est un texte ou un nombre"))
            continue
        question = known.get(str(qid)) if known else None
        if question is not None and question.type == QuestionType.SCALE:
            if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
                problems.add(qpath, words.text("la réponse est un nombre de 1 à 5"))
                continue
        elif question is not None and question.type == QuestionType.CHOICE and str(answer) not in question.choices:
            problems.add(qpath, words.text("la réponse doit être l'un des choix : {choices}",
                                            choices=" ; ".join(question.choices)))
            continue
        text = answer if isinstance(answer, (int, float)) and not isinstance(answer, bool) else str(answer)
        if isinstance(text, str) and len(text) > MAX_TEXT:
            problems.add(qpath, words.plural(MAX_TEXT, "trop long : {n} caractère au plus",
                                             "trop long : {n} caractères au plus"))
            continue
        out[str(qid)] = text
    return out


def _date(m: _Map, key: str) -> str:
    value = m.get(key)
    if value is None:
        m.p.add(m.sub(key), words.text("est obligatoire (AAAA-MM-JJ)"))
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        m.p.add(m.sub(key), words.text("date invalide {value} : écrivez-la AAAA-MM-JJ, par exemple 2025-11-20",
                                          value=repr(value)))
        return ""


def _parse_session(doc: _Doc, problems: _Problems, protocol: Protocol | None) -> Session | None:
    m = _Map(problems, doc.data, "")
    stem = Path(doc.path).stem
    sid = m.text("session", limit=64) or re.sub(r"[^a-z0-9_-]", "-", stem.lower())[:64]
    if m.has("session") and not _ID.match(sid):
        problems.add("session", words.text("lettres minuscules, chiffres, - et _ seulement"))
    pid = m.text("protocol", limit=64, required=True)
    if protocol is not None and pid and pid != protocol.id:
        problems.add("protocol", words.text("la session appartient au protocole {protocol}, pas à {expected}",
                                             protocol=repr(pid), expected=repr(protocol.id)))
    site = m.text("site", limit=64)
    if protocol is not None and site and site != protocol.site:
        problems.add("site", words.text("le protocole {protocol} porte sur le site {site}", protocol=repr(protocol.id),
                                         site=repr(protocol.site)))
    pseudonym = m.text("pseudonym", limit=MAX_PSEUDONYM, required=True)
    if "@" in pseudonym:
        problems.add("pseudonym", words.text("un pseudonyme, pas une adresse électronique : aucune donnée "
                                             "personnelle n'est demandée"))
    when = _date(m, "date")
    status = m.choice("status", SessionStatus) or SessionStatus.COMPLETE
    e = _Map(problems, m.get("environment"), "environment")
    if not m.has("environment"):
        problems.add("environment", words.text("est obligatoire (browser, os, et assistive_technology s'il y en a "
                                                "une)"))
    environment = Environment(
        browser=e.text("browser", required=m.has("environment")),
        browser_version=e.text("browser_version"),
        os=e.text("os", required=m.has("environment")),
        assistive_technology=e.text("assistive_technology"),
        assistive_technology_version=e.text("assistive_technology_version"),
        experience=e.text("experience"),
        settings=e.text("settings", limit=300),
    )
    e.done()
    answers = _answers(problems, m, "answers", protocol.before if protocol else None)
    reports: list[TaskReport] = []
    seen: set[str] = set()
    for path, item in m.items("tasks"):
        t = _Map(problems, item, path)
        tid = t.text("task", limit=64, required=True)
        task = protocol.task(tid) if protocol is not None and tid else None
        if protocol is not None and tid and task is None:
            problems.add(f"{path}.task", words.text("tâche inconnue du protocole {protocol} ; tâches : {tasks}",
                                                    protocol=repr(protocol.id),
                                                    tasks=", ".join(x.id for x in protocol.tasks)))
        if tid in seen:
            problems.add(f"{path}.task", words.text("tâche {task} en double dans la session", task=repr(tid)))
        seen.add(tid)
        result = t.choice("result", TaskResult, required=True)
        difficulty = t.integer("difficulty", 1, 5)
        minutes = t.number("minutes", 0, MAX_MINUTES)
        blocked = t.text("blocked", limit=MAX_TEXT)
        pages = t.texts("pages", limit=500)
        task_answers = _answers(problems, t, "answers", task.questions if task else None)
        limit = protocol.max_findings if protocol else MAX_FINDINGS_LIMIT
        findings: list[TesterFinding] = []
        entries = t.items("findings")
        if len(entries) > limit:
            problems.add(f"{path}.findings", words.plural(len(entries), "{n} barrière : {limit} au plus par tâche",
                                                          "{n} barrières : {limit} au plus par tâche", limit=limit))
        for fpath, fitem in entries:
            finding = _tester_finding(problems, fitem, fpath, len(task.steps) if task else None)
            if finding is not None:
                findings.append(finding)
        t.done()
        if tid and result is not None:
            if not pages and task is not None:
                pages = tuple(p.ref for p in task.pages)
            reports.append(TaskReport(task=tid, result=result, difficulty=difficulty, minutes=minutes,
                                      blocked=blocked, pages=pages, answers=task_answers,
                                      findings=tuple(findings)))
    sus = None
    raw = m.get("sus")
    if raw is not None:
        if (not isinstance(raw, list) or len(raw) != 10
                or any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5 for v in raw)):
            problems.add("sus", words.text("le questionnaire SUS a 10 réponses, chacune de 1 (pas du tout d'accord) "
                                           "à 5 (tout à fait d'accord), dans l'ordre des affirmations"))
        else:
            sus = tuple(raw)
    comments = m.text("comments", limit=MAX_COMMENTS)
    m.done()
    if protocol is not None and not site:
        site = protocol.site
    if problems.messages:
        return None
    return Session(id=sid, protocol=pid, pseudonym=pseudonym, date=when, environment=environment,
                   tasks=tuple(reports), site=site, status=status, answers=answers, sus=sus, comments=comments,
                   path=doc.path)


def _check_attachments(session: Session, problems: _Problems, doc: _Doc) -> None:
    folder = Path(doc.path).parent
    for i, report in enumerate(session.tasks):
        for k, finding in enumerate(report.findings):
            if finding.attachment and not (folder / finding.attachment).is_file():
                problems.add(f"tasks[{i}].findings[{k}].attachment",
                             words.text("fichier introuvable : {file} (chemin relatif au dossier de la session)",
                                        file=finding.attachment))


# --- loading -------------------------------------------------------------------------------


def _kind(data: Any) -> str | None:
    if isinstance(data, dict):
        if "protocol" in data or "pseudonym" in data:
            return "session"
        if "tasks" in data and ("title" in data or "audience" in data):
            return "protocol"
    return None


def _open(path: str | os.PathLike[str]) -> tuple[_Doc | None, list[str]]:
    text, problem = _read_text(Path(path))
    if problem:
        return None, [problem]
    doc = _Doc(str(path), text)
    if doc.fatal:
        return None, [doc.fatal]
    if doc.data is None:
        return None, [f"{path}:1: " + words.text("(racine): fichier vide : un protocole (id, title, audience, site, "
                                                 "start, tasks) ou une session (protocol, pseudonym, date, "
                                                 "environment, tasks)")]
    return doc, []


def parse_protocol(text: str, path: str = "protocol.yaml") -> Protocol:
    doc = _Doc(path, text)
    if doc.fatal:
        raise TesterError([doc.fatal])
    problems = _Problems(doc)
    protocol = _parse_protocol(doc, problems)
    if protocol is None:
        raise TesterError(problems.messages)
    return protocol


def load_protocol(path: str | os.PathLike[str]) -> Protocol:
    """A protocol file, or TesterError with every problem as ``file:line: path: message``."""
    doc, messages = _open(path)
    if doc is None:
        raise TesterError(messages)
    problems = _Problems(doc)
    protocol = _parse_protocol(doc, problems)
    if protocol is None:
        raise TesterError(problems.messages)
    return protocol


def load_session(path: str | os.PathLike[str], protocol: Protocol | None = None) -> Session:
    """A session file, checked against its protocol when given; TesterError lists every problem."""
    doc, messages = _open(path)
    if doc is None:
        raise TesterError(messages)
    problems = _Problems(doc)
    session = _parse_session(doc, problems, protocol)
    if session is not None:
        _check_attachments(session, problems, doc)
    if problems.messages:
        raise TesterError(problems.messages)
    return session


def _yaml_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(x for x in path.rglob("*") if x.suffix in (".yaml", ".yml") and x.is_file()))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def _nearby_protocols(session_file: Path, known: dict[str, Protocol]) -> None:
    for folder in (session_file.parent, session_file.parent.parent):
        for candidate in sorted(folder.glob("*.y*ml")):
            doc, _ = _open(candidate)
            if doc is None or _kind(doc.data) != "protocol":
                continue
            try:
                protocol = load_protocol(candidate)
            except TesterError:
                continue
            known.setdefault(protocol.id, protocol)


def validate_files(paths: Iterable[str | os.PathLike[str]], sites: Config | None = None) -> list[str]:
    """Every problem of these protocol and session files (folders are searched for *.yaml), as
    ``file:line: path: message``; an empty list when all is well.

    A session is checked against its protocol: one of the given files, else a protocol found in the
    session's folder or the folder above it (``user_test_protocols/sessions/x.yaml`` →
    ``user_test_protocols/*.yaml``). With ``sites``, a protocol's site id must exist in it.
    """
    messages: list[str] = []
    protocols: dict[str, Protocol] = {}
    broken: dict[str, str] = {}  # protocol id -> file, for protocols with errors of their own
    sessions: list[tuple[Path, _Doc]] = []
    files = _yaml_files(paths)
    if not files:
        return [words.text("aucun fichier YAML à vérifier : donnez des fichiers .yaml ou un dossier qui en contient")]
    for path in files:
        doc, problems_ = _open(path)
        if doc is None:
            messages.extend(problems_)
            continue
        kind = _kind(doc.data)
        if kind == "protocol":
            problems = _Problems(doc)
            protocol = _parse_protocol(doc, problems)
            messages.extend(problems.messages)
            if protocol is None:
                if isinstance(doc.data.get("id"), str):
                    broken[doc.data["id"]] = str(path)
                continue
            if protocol.id in protocols:
                messages.append(f"{doc.where('id')}: id: " + words.text(
                    "protocole {protocol} en double (déjà dans {file})", protocol=repr(protocol.id),
                    file=protocols[protocol.id].path))
            protocols.setdefault(protocol.id, protocol)
            if sites is not None:
                messages.extend(_check_site(protocol, sites, doc))
        elif kind == "session":
            sessions.append((path, doc))
        else:
            messages.append(f"{path}:1: " + words.text("(racine): ni un protocole (id, title, audience, site, start, "
                                                       "tasks) ni une session (protocol, pseudonym, date, environment, "
                                                       "tasks)"))
    seen_ids: dict[str, str] = {}
    for path, doc in sessions:
        pid = doc.data.get("protocol") if isinstance(doc.data, dict) else None
        if isinstance(pid, str) and pid not in protocols:
            _nearby_protocols(path, protocols)
        protocol = protocols.get(pid) if isinstance(pid, str) else None
        problems = _Problems(doc)
        if isinstance(pid, str) and protocol is None and pid not in broken:
            problems.add("protocol", words.text("protocole {protocol} introuvable : donnez aussi son fichier, ou "
                                                "placez la session dans un dossier sessions/ à côté de lui",
                                                protocol=repr(pid)))
        session = _parse_session(doc, problems, protocol)
        if session is not None:
            _check_attachments(session, problems, doc)
            if session.id in seen_ids:
                problems.add("session", words.text("numéro de session {session} en double (déjà dans {file})",
                                                    session=repr(session.id), file=seen_ids[session.id]))
            seen_ids.setdefault(session.id, str(path))
        messages.extend(problems.messages)
    return messages


def _check_site(protocol: Protocol, sites: Config, doc: _Doc) -> list[str]:
    site = next((s for s in sites.sites if s.id == protocol.site), None)
    if site is None:
        known = ", ".join(s.id for s in sites.sites)
        return [f"{doc.where('site')}: site: " + words.text("site {site} absent de {file} ; sites : {known}",
                                                             site=repr(protocol.site), file=sites.path, known=known)]
    names = {p.name.casefold() for p in site.pages} | {
        (s.name or "").casefold() for j in site.journeys for s in j.steps if s.name}
    out = []
    refs = [("start", protocol.start)] + [
        (f"tasks[{i}].pages[{k}]", p.ref) for i, t in enumerate(protocol.tasks) for k, p in enumerate(t.pages)]
    for path, ref in refs:
        if not ref.startswith(("/", "http://", "https://")) and ref.casefold() not in names:
            out.append(f"{doc.where(path)}: {path}: " + words.text(
                "page {page} inconnue de {site} dans {file} : donnez un chemin (/contact.html) ou le nom d'une page de "
                "l'échantillon", page=repr(ref), site=site.id, file=sites.path))
    return out


def load_sessions(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Session], list[str]]:
    """Every valid session under these files or folders (protocols found as validate_files does), and
    the problems of the others. Protocol files among them are skipped."""
    files = _yaml_files(paths)
    protocols: dict[str, Protocol] = {}
    sessions: list[Session] = []
    messages: list[str] = []
    for path in files:
        doc, problems_ = _open(path)
        if doc is None:
            messages.extend(problems_)
            continue
        if _kind(doc.data) != "session":
            continue
        pid = doc.data.get("protocol")
        if isinstance(pid, str) and pid not in protocols:
            _nearby_protocols(path, protocols)
        try:
            sessions.append(load_session(path, protocols.get(pid) if isinstance(pid, str) else None))
        except TesterError as exc:
            messages.extend(exc.messages)
    return sessions, messages


# --- writing -------------------------------------------------------------------------------


def _finding_dict(f: TesterFinding) -> dict[str, Any]:
    out: dict[str, Any] = {"page": f.page}
    if f.step is not None:
        out["step"] = f.step
    out["description"] = f.description
    if f.impact is not None:
        out["impact"] = f.impact.value
    for key in ("criterion", "target", "attachment", "finding"):
        if getattr(f, key):
            out[key] = getattr(f, key)
    if f.relation is not None:
        out["relation"] = f.relation.value
    if f.verdict is not None:
        out["verdict"] = f.verdict.value
    if f.reason:
        out["reason"] = f.reason
    return out


def session_to_dict(session: Session) -> dict[str, Any]:
    env = session.environment
    environment = {k: getattr(env, k) for k in ("assistive_technology", "assistive_technology_version", "browser",
                                                "browser_version", "os", "experience", "settings")
                   if getattr(env, k)}
    out: dict[str, Any] = {"session": session.id, "protocol": session.protocol}
    if session.site:
        out["site"] = session.site
    out.update({"pseudonym": session.pseudonym, "date": session.date, "status": session.status.value,
                "environment": environment})
    if session.answers:
        out["answers"] = dict(session.answers)
    tasks = []
    for r in session.tasks:
        item: dict[str, Any] = {"task": r.task, "result": r.result.value}
        if r.difficulty is not None:
            item["difficulty"] = r.difficulty
        if r.minutes is not None:
            item["minutes"] = int(r.minutes) if float(r.minutes).is_integer() else r.minutes
        if r.blocked:
            item["blocked"] = r.blocked
        if r.pages:
            item["pages"] = list(r.pages)
        if r.answers:
            item["answers"] = dict(r.answers)
        if r.findings:
            item["findings"] = [_finding_dict(f) for f in r.findings]
        tasks.append(item)
    out["tasks"] = tasks
    if session.sus:
        out["sus"] = list(session.sus)
    if session.comments:
        out["comments"] = session.comments
    return out


def _header() -> str:
    """The comment lines at the top of a session file, in the command line's language."""
    return (words.text("# Session de test utilisateur — a11y-audit. Format : user_test_protocols/README.md") + "\n"
            + words.text("# Vérifier : a11y-audit findings validate FICHIER") + "\n")


def session_path(folder: str | os.PathLike[str], session_id: str) -> Path:
    """The file of a generated session id; refuses anything else (no path traversal)."""
    if not SESSION_ID_RE.match(session_id):
        raise ValueError(f"not a session id: {session_id!r}")
    return Path(folder) / f"{session_id}.yaml"


def save_session(session: Session, folder: str | os.PathLike[str]) -> Path:
    """Write ``<folder>/<id>.yaml`` atomically (a temporary file in the same folder, then a rename)."""
    target = session_path(folder, session.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = _header() + yaml.safe_dump(session_to_dict(session), allow_unicode=True, sort_keys=False, width=100)
    fd, tmp = tempfile.mkstemp(prefix=f".{session.id}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --- the run store: table tester_sessions ----------------------------------------------------

_TABLE = """
CREATE TABLE IF NOT EXISTS tester_sessions (
    id TEXT PRIMARY KEY,          -- session id (16 hex characters for the form's sessions)
    protocol TEXT NOT NULL,
    site TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    date TEXT NOT NULL,           -- ISO date of the session
    status TEXT NOT NULL,         -- in-progress | complete
    file TEXT NOT NULL,           -- the session's YAML file (the source of truth)
    tasks_done INTEGER NOT NULL,
    barriers INTEGER NOT NULL,
    sus REAL,                     -- SUS score 0-100 when answered
    updated TEXT NOT NULL,        -- ISO timestamp (UTC) of the last save
    data TEXT NOT NULL            -- the session as JSON (same keys as the YAML file)
);
"""


def _db(store_root: str | os.PathLike[str]) -> sqlite3.Connection:
    root = Path(store_root)
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / DB_NAME, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_TABLE)
    return db


def index_session(store_root: str | os.PathLike[str], session: Session, file: str | os.PathLike[str]) -> None:
    """Upsert one row of ``tester_sessions`` in ``<store_root>/a11y-audit.sqlite``."""
    db = _db(store_root)
    try:
        with db:
            db.execute(
                "INSERT INTO tester_sessions (id, protocol, site, pseudonym, date, status, file, tasks_done, barriers,"
                " sus, updated, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                " protocol=excluded.protocol, site=excluded.site, pseudonym=excluded.pseudonym, date=excluded.date,"
                " status=excluded.status, file=excluded.file, tasks_done=excluded.tasks_done,"
                " barriers=excluded.barriers, sus=excluded.sus, updated=excluded.updated, data=excluded.data",
                (session.id, session.protocol, session.site, session.pseudonym, session.date, session.status.value,
                 str(file), len(session.tasks), sum(len(t.findings) for t in session.tasks), session.sus_score,
                 datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 json.dumps(session_to_dict(session), ensure_ascii=False)))
    finally:
        db.close()


def indexed_sessions(store_root: str | os.PathLike[str]) -> list[dict[str, Any]]:
    db = _db(store_root)
    try:
        return [dict(r) for r in db.execute("SELECT * FROM tester_sessions ORDER BY date, id")]
    finally:
        db.close()


# --- the merge (the oracle) ------------------------------------------------------------------


@dataclass
class Merged:
    """What tester sessions add to a run's automated findings. Read by the grid, rates and priority.

    * ``findings``: the automated findings (copies, updated by confirmations, answers and dismissals) plus
      the tester findings that name an RGAA criterion (``source=tester``).
    * ``barriers``: tester findings without an RGAA criterion (``check_id="tester:barrier"``, no
      ``rgaa_tests``), shown apart as « barrières » until an auditor maps them. Disjoint from
      ``findings``: priority should look at both lists.
    * ``page_weight``: page_key → priority weight from task failures and difficulty; a page that is not
      a key weighs 1.0 (neutral). See ``task_weight``.
    * ``environments``: "NVDA 2024.4 + Firefox 130 / Windows 11", one per distinct environment.
    * ``notes``: references that matched nothing in this run (unknown fingerprint, page not audited),
      each starting with the session file and line.
    """

    findings: list[Finding]
    barriers: list[Finding]
    page_weight: dict[str, float]
    environments: list[str]
    notes: list[str] = field(default_factory=list)


RESULT_WEIGHT = {TaskResult.COMPLETED: 0.0, TaskResult.WITH_HELP: 0.5, TaskResult.NOT_COMPLETED: 1.0}
DIFFICULTY_WEIGHT = {4: 0.25, 5: 0.5}
MAX_PAGE_WEIGHT = 4.0


def task_weight(report: TaskReport) -> float:
    """Extra weight one task report gives each of its pages: 0 completed, +0.5 with help, +1 not completed;
    +0.25 for difficulty 4, +0.5 for difficulty 5."""
    return RESULT_WEIGHT[report.result] + DIFFICULTY_WEIGHT.get(report.difficulty or 0, 0.0)


def _norm_path(value: str) -> str:
    """/a/index.html, /a/, /a.html and /a are the same page; the host is ignored (ports change)."""
    parts = urlsplit(value.strip())
    path = unquote(parts.path or "/")
    for suffix in ("/index.html", "/index.htm", ".html", ".htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    path = path.rstrip("/") or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def _is_address(ref: str) -> bool:
    return ref.startswith(("/", "http://", "https://"))


class _PageIndex:
    def __init__(self, pages: list[PageSnapshot]):
        self.by_path: dict[str, list[PageSnapshot]] = {}
        self.by_name: dict[str, list[PageSnapshot]] = {}
        for snap in pages:
            for url in dict.fromkeys(u for u in (snap.url, snap.final_url) if u):
                self.by_path.setdefault(_norm_path(url), []).append(snap)
            if snap.name:
                self.by_name.setdefault(snap.name.strip().casefold(), []).append(snap)

    def match(self, ref: str) -> list[PageSnapshot]:
        ref = ref.strip()
        if _is_address(ref):
            found = self.by_path.get(_norm_path(ref), [])
        else:
            found = self.by_name.get(ref.casefold(), [])
        ok = [s for s in found if not s.error]
        return _unique(ok or found)


def _unique(snaps: list[PageSnapshot]) -> list[PageSnapshot]:
    seen, out = set(), []
    for s in snaps:
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out


def _unmatched_key(ref: str) -> str:
    return f"tester:{_norm_path(ref) if _is_address(ref) else ref.strip()}"


def _report(session: Session, task: TaskReport, tf: TesterFinding) -> dict[str, Any]:
    out: dict[str, Any] = {"pseudonym": session.pseudonym, "session": session.id, "protocol": session.protocol,
                           "task": task.task, "date": session.date, "environment": session.environment.label,
                           "description": tf.description, "page": tf.page}
    if tf.impact is not None:
        out["impact"] = tf.impact.value
    for key in ("step", "criterion", "target", "attachment"):
        if getattr(tf, key) is not None:
            out[key] = getattr(tf, key)
    if tf.attachment and session.path:
        out["attachment_path"] = str(Path(session.path).parent / tf.attachment)
    return out


def _more_severe(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    if a is None:
        return True
    rank = {s.value: r for s, r in _SEVERITY_RANK.items()}
    return rank.get(b.get("impact"), -1) > rank.get(a.get("impact"), -1)


def _normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _added(session: Session, task: TaskReport, tf: TesterFinding, index: _PageIndex) -> Finding:
    snaps = index.match(tf.page)
    page_key = snaps[0].key if snaps else _unmatched_key(tf.page)
    page_url = snaps[0].url if snaps else (tf.page if _is_address(tf.page) else "")
    criterion = _criteria().get(tf.criterion) if tf.criterion else None
    check_id = f"tester:{tf.criterion}" if criterion else "tester:barrier"
    severity = tf.impact or Severity.MAJEUR
    report = _report(session, task, tf)
    report.setdefault("impact", severity.value)
    said = {lang: (words.text("Barrière signalée par un testeur : {criterion}", lang=lang,
                              criterion=_criterion_title(criterion, lang)) if criterion
                   else words.text("Barrière signalée par un testeur", lang=lang)) for lang in words.LANGS}
    return Finding(
        check_id=check_id, source=Source.TESTER, outcome=Outcome.FAILED, page_key=page_key, page_url=page_url,
        impact=IMPACT_OF[severity], rgaa_tests=criterion.tests if criterion else (),
        wcag=criterion.wcag if criterion else (), selector=tf.target, message=tf.description, title=said["fr"],
        fingerprint=fingerprint(check_id, tf.target, None, _normalise_text(tf.description)),
        conclusive=False, extra={"tester": report, "said": {"title": said}})


def _criterion_title(criterion, lang: str) -> str:
    """A criterion's title in ``lang`` (audit.standards keeps both, or a French msgid)."""
    if lang == "fr":
        return criterion.title
    return getattr(criterion, f"title_{lang}", None) or words.gettext(criterion.title, lang)


def merge(findings: list[Finding], sessions: list[Session], pages: list[PageSnapshot]) -> Merged:
    """Tester sessions + automated findings → evidence for the grid (the oracle).

    For each barrier of each task report of each session:

    * ``relation: confirms`` + ``finding: <fingerprint>``: every automated finding with that fingerprint
      (on the barrier's page when it has some there, else everywhere) gets ``extra["tester"]`` =
      {pseudonym, session, protocol, task, date, environment, impact, description, page, …}; several
      confirmations keep the most severe in ``extra["tester"]`` and all in ``extra["testers"]``.
    * ``relation: answers`` + ``verdict``: a cant_tell finding with that fingerprint becomes failed or
      passed, with ``extra["answered_by"]`` = the report plus the verdict. A human verdict decides the
      RGAA tests it covers: ``conclusive=True`` when the verdict is passed. A failed answer also sets
      ``extra["tester"]`` (its impact orders the priority). Findings that are not cant_tell are left
      alone (a note says so: dismiss a failure instead).
    * ``relation: dismisses`` + ``reason``: the finding is kept, with ``extra["dismissed"]`` =
      {by, reason, session}; the grid ignores dismissed findings.
    * no relation: a new finding, ``source=tester``, outcome failed, ``check_id="tester:<criterion>"``
      (or ``"tester:barrier"``), impact bloquant→critical, majeur→serious, mineur→moderate,
      ``extra["tester"]["impact"]`` = the tester's word, ``rgaa_tests`` = every test of the criterion.
      Without a criterion it goes to ``barriers``. A confirmation or failed answer whose fingerprint
      matches nothing in this run is added the same way (the barrier is real), with a note.

    Pages are matched by URL path (host and port ignored: the demo runs on an ephemeral port;
    ``/a/``, ``/a/index.html``, ``/a.html`` and ``/a`` are one page) or by sample page / journey step
    name. ``page_weight[page_key] = min(4, 1 + Σ task_weight)`` over the task reports whose pages
    (the task's pages and its barriers' pages) include that page.
    """
    index = _PageIndex(pages)
    out = [replace(f, extra=dict(f.extra)) for f in findings]
    by_fp: dict[str, list[Finding]] = {}
    for f in out:
        if f.source != Source.TESTER and f.fingerprint:
            by_fp.setdefault(f.fingerprint, []).append(f)
    added: list[Finding] = []
    notes: list[str] = []
    extra_weight: dict[str, float] = {}
    environments: list[str] = []

    for session in sessions:
        label = session.environment.label
        if label not in environments:
            environments.append(label)
        for task in session.tasks:
            touched: dict[str, None] = {}
            for ref in (*task.pages, *(tf.page for tf in task.findings)):
                snaps = index.match(ref)
                for snap in snaps:
                    touched[snap.key] = None
                if not snaps and ref.strip():
                    touched[_unmatched_key(ref)] = None
            weight = task_weight(task)
            if weight:
                for key in touched:
                    extra_weight[key] = extra_weight.get(key, 0.0) + weight
            for tf in task.findings:
                if tf.relation is None:
                    added.append(_added(session, task, tf, index))
                    continue
                targets = by_fp.get(tf.finding or "", [])
                keys = {s.key for s in index.match(tf.page)}
                on_page = [f for f in targets if f.page_key in keys]
                targets = on_page or targets
                where = tf.where or session.path
                if not targets:
                    if tf.relation == Relation.CONFIRMS or tf.verdict == Verdict.FAILED:
                        notes.append(f"{where}: " + words.text(
                            "constat {finding} absent de cet audit : la barrière est ajoutée comme constat de testeur",
                            finding=tf.finding))
                        added.append(_added(session, task, tf, index))
                    else:
                        notes.append(f"{where}: " + (
                            words.text("constat {finding} absent de cet audit : rien à écarter", finding=tf.finding)
                            if tf.relation == Relation.DISMISSES else
                            words.text("constat {finding} absent de cet audit : rien à trancher", finding=tf.finding)))
                    continue
                report = _report(session, task, tf)
                for f in targets:
                    if tf.relation == Relation.CONFIRMS:
                        _attach_tester(f, report)
                    elif tf.relation == Relation.ANSWERS:
                        previous = f.extra.get("answered_by")
                        if f.outcome != Outcome.CANT_TELL and previous is None:
                            notes.append(f"{where}: " + words.text(
                                "constat {finding} sur {page} n'est pas « à vérifier » ({outcome}) : réponse ignorée ; "
                                "pour rejeter un échec, utilisez relation: dismisses", finding=tf.finding,
                                page=f.page_key, outcome=f.outcome.value))
                            continue
                        if previous and previous["verdict"] == Verdict.FAILED and tf.verdict == Verdict.PASSED:
                            notes.append(f"{where}: " + words.text(
                                "constat {finding} sur {page} : réponse « passed » contredite par {pseudonym} "
                                "(« failed ») : l'échec est gardé", finding=tf.finding, page=f.page_key,
                                pseudonym=previous["pseudonym"]))
                            continue
                        f.extra["answered_by"] = {**report, "verdict": tf.verdict.value}
                        if tf.verdict == Verdict.PASSED:
                            f.outcome, f.conclusive, f.impact = Outcome.PASSED, True, None
                        else:
                            f.outcome, f.conclusive = Outcome.FAILED, False
                            if tf.impact is not None:
                                f.impact = IMPACT_OF[tf.impact]
                                _attach_tester(f, report)
                    else:
                        f.extra["dismissed"] = {"by": session.pseudonym, "reason": tf.reason,
                                                "session": session.id}

    page_weight = {key: min(MAX_PAGE_WEIGHT, 1.0 + w) for key, w in extra_weight.items() if w > 0}
    mapped = [f for f in added if f.rgaa_tests]
    barriers = [f for f in added if not f.rgaa_tests]
    for f in added:
        if f.page_key.startswith("tester:"):
            notes.append(f"{f.extra['tester']['session']}: " + words.text(
                "page {page} absente de cet audit : barrière rattachée à « {key} »", page=repr(f.extra["tester"]["page"]),
                key=f.page_key))
    return Merged(findings=out + mapped, barriers=barriers, page_weight=page_weight, environments=environments,
                  notes=notes)


def _attach_tester(f: Finding, report: dict[str, Any]) -> None:
    f.extra.setdefault("testers", []).append(report)
    if _more_severe(f.extra.get("tester"), report):
        f.extra["tester"] = report


def sessions_for(site: str, sessions: Iterable[Session]) -> list[Session]:
    """The sessions about one site (sessions that do not say their site are kept)."""
    return [s for s in sessions if not s.site or s.site == site]



# --- erasing a tester (GDPR: what a tester files can reveal a disability) ----------------------------


@dataclass(frozen=True)
class Erased:
    """What ``erase`` removed, and the reports already written that still name the pseudonym."""

    files: tuple[Path, ...]
    indexed: int  # rows of tester_sessions
    results: int  # assessed results forgotten (they are made again without the sessions)
    reports: tuple[Path, ...]  # report files written earlier that mention the pseudonym


def erase(pseudonym: str, folders: Iterable[str | os.PathLike[str]], store_root: str | os.PathLike[str] | None,
          dry_run: bool = False) -> Erased:
    """Erase every session of ``pseudonym`` (exact, case and accents kept, spaces folded): its YAML files in
    ``folders``, its rows in the store's index, and the store's assessed results (which may quote it); list
    the report files already written that still name it (they are regenerated with ``a11y-audit report``)."""
    wanted = " ".join(pseudonym.split()).casefold()
    files: list[Path] = []
    known = [Path(f) for f in folders]
    rows: list[dict[str, Any]] = indexed_sessions(store_root) if store_root is not None else []
    candidates = _yaml_files([*known, *(r["file"] for r in rows if r.get("file") and Path(r["file"]).exists())])
    for path in candidates:
        doc, _problem = _open(path)
        data = doc.data if doc is not None else None
        if isinstance(data, dict) and " ".join(str(data.get("pseudonym") or "").split()).casefold() == wanted:
            files.append(path)
    indexed = results = 0
    reports: list[Path] = []
    if store_root is not None:
        db = _db(store_root)
        try:
            with db:
                ids = [r["id"] for r in rows if " ".join(str(r.get("pseudonym") or "").split()).casefold() == wanted]
                indexed = len(ids)
                has_results = db.execute("SELECT name FROM sqlite_master WHERE name = 'results'").fetchone()
                results = db.execute("SELECT COUNT(*) FROM results").fetchone()[0] if has_results else 0
                if not dry_run:
                    db.executemany("DELETE FROM tester_sessions WHERE id = ?", [(i,) for i in ids])
                    if has_results:
                        db.execute("DELETE FROM results")
        finally:
            db.close()
        needle = pseudonym.strip().encode("utf-8")
        for report in sorted(Path(store_root).glob("*/*/reports/*")):
            if report.is_file() and report.suffix in (".html", ".json", ".md", ".csv", ".xml", ".sarif"):
                try:
                    if needle in report.read_bytes():
                        reports.append(report)
                except OSError:
                    continue
    if not dry_run:
        for path in files:
            path.unlink(missing_ok=True)
    return Erased(files=tuple(files), indexed=indexed, results=results, reports=tuple(reports))

"""sites.yaml → Config objects. Every error is one line: ``file:line: path: message``."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from audit import reader, words
from audit.model import (
    DEFAULT_USER_AGENT,
    Config,
    CrawlPolicy,
    DeclarationFacts,
    Journey,
    SamplePage,
    ScopeRule,
    Site,
    Step,
    StepAction,
)
from audit.words import N_


class ConfigError(Exception):
    """A mistake in the user's configuration, already phrased as file:line: path: message (several mistakes:
    one such line each)."""


_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Doc(reader.Located):
    """sites.yaml read once by the located YAML reader (audit.reader): the data, and the line of every node by
    path; a file that is not YAML, or one too large, is one ``file:line: message`` error."""

    def __init__(self, path: str, text: str):
        super().__init__(path, text)
        if self.too_big:
            raise ConfigError(f"{path}:1: " + words.text("YAML invalide : {problem}",
                                                           problem=f"> {reader.MAX_NODES} nodes"))
        if self.problem is not None:
            line, problem = self.problem
            key = N_("YAML invalide : {problem}. Vérifiez l'indentation et les guillemets autour de cette ligne.") if line else N_("YAML invalide : {problem}")
            raise ConfigError(f"{path}:{line or 1}: " + words.text(key, problem=problem))

    def error(self, path: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.line(path)}: {path or '(top)'}: {message}")


class _Reader:
    """Typed accessors over one mapping, reporting errors with the node's line."""

    def __init__(self, doc: _Doc, data: Any, path: str):
        self.doc, self.path = doc, path
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise doc.error(path, words.text("doit être une suite de lignes « clé: valeur »"))
        self.data = data
        self.used: set[str] = set()

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.data.get(key, default)

    def str(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.raw(key)
        if value is None:
            if required:
                raise self.doc.error(self._p(key), words.text("est obligatoire"))
            return default
        if isinstance(value, (dict, list, bool)):
            raise self.doc.error(self._p(key), words.text("doit être un texte"))
        text = str(value).strip()
        if required and not text:
            raise self.doc.error(self._p(key), words.text("ne doit pas être vide"))
        return text

    def bool(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.doc.error(self._p(key), words.text("doit valoir true ou false"))
        return value

    def int(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            message = (words.text("doit être un nombre entier positif") if minimum == 1
                       else words.text("doit être un nombre entier ≥ {minimum}", minimum=minimum))
            raise self.doc.error(self._p(key), message)
        return value

    def number(self, key: str, default: float) -> float:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.doc.error(self._p(key), words.text("doit être un nombre de secondes ≥ 0"))
        return float(value)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            raise self.doc.error(self._p(key), words.text("doit être une liste de textes"))
        return tuple(str(v) for v in value)

    def regexes(self, key: str) -> tuple[str, ...]:
        patterns = self.strings(key)
        for i, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.doc.error(f"{self._p(key)}[{i}]", words.text("expression régulière invalide : {error}", error=exc)) from None
        return patterns

    def done(self) -> None:
        unknown = sorted(set(map(str, self.data)) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise self.doc.error(self._p(unknown[0]), words.text("clé inconnue ; clés possibles : {known}", known=known))


def _url(doc: _Doc, path: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise doc.error(path, words.text("doit être une adresse http(s) complète, pas « {value} »", value=value))
    return value.rstrip("/")


def _link(doc: _Doc, path: str, value: str) -> str:
    """A link the declaration shows: an http(s) address or a path of the city's site, never a script."""
    scheme = urlsplit(value.strip()).scheme.lower()
    if value and scheme not in ("", "http", "https", "mailto"):
        raise doc.error(path, words.text("doit être une adresse http(s) ou un chemin du site, pas « {value} »", value=value))
    return value


_ACTION_VALUES = frozenset(a.value for a in StepAction)
_ACTIONS = ", ".join(a.value for a in StepAction)


def _work_tree(folder: Path) -> Path:
    """The git work tree holding ``folder`` (the folder itself when it is in none)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _value_file(doc: _Doc, path: str, value: str) -> str:
    """A secret's file: absolute (``~`` expanded) or relative to the configuration's folder, and never
    inside the configuration's git work tree (a secret committed by mistake stays in the history)."""
    config_folder = Path(doc.path).resolve().parent
    file = Path(os.path.expanduser(value))
    if not file.is_absolute():
        file = config_folder / file
    tree = _work_tree(config_folder)
    if file.resolve().is_relative_to(tree):
        key = N_("{value} est dans le dépôt ({tree}) : gardez le secret dans un fichier hors du dépôt, par exemple ~/.config/a11y-audit/, ou utilisez value_env") if (tree / ".git").exists() else N_("{value} est dans le dossier de la configuration ({tree}) : gardez le secret dans un fichier hors de ce dossier, par exemple ~/.config/a11y-audit/, ou utilisez value_env")
        raise doc.error(path, words.text(key, value=value, tree=tree))
    return str(file)


def _step(doc: _Doc, data: Any, path: str) -> Step:
    if isinstance(data, dict) and len(data) >= 1:
        actions = [k for k in data if k in _ACTION_VALUES]
        if len(actions) != 1:
            raise doc.error(path, words.text("une étape demande exactement une action parmi : {actions}", actions=_ACTIONS))
        action = StepAction(actions[0])
        reader = _Reader(doc, data, path)
        target = reader.str(action.value)
        value = reader.str("value")
        value_env = reader.str("value_env")
        value_file = reader.str("value_file")
        name = reader.str("name")
        audit = reader.bool("audit", action in (StepAction.GOTO, StepAction.SUBMIT))
        reader.done()
        given = [key for key, v in (("value", value), ("value_env", value_env), ("value_file", value_file))
                 if v is not None]
        if action == StepAction.FILL:
            if not given:
                raise doc.error(path, words.text("une étape fill demande `value`, ou pour un secret `value_env` (une variable d'environnement) ou `value_file` (un fichier hors du dépôt)"))
            if len(given) > 1:
                raise doc.error(f"{path}.{given[1]}", words.text("ne donnez qu'une seule de ces clés : {keys}", keys=", ".join(given)))
            if value_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value_env):
                raise doc.error(f"{path}.value_env", words.text("doit être un nom de variable d'environnement"))
            if value_file is not None:
                value_file = _value_file(doc, f"{path}.value_file", value_file)
        elif value_env is not None or value_file is not None:
            key = "value_env" if value_env is not None else "value_file"
            raise doc.error(f"{path}.{key}", words.text("seule une étape fill saisit un secret"))
        if action in (StepAction.CLICK, StepAction.FILL, StepAction.WAIT_FOR) and not target:
            raise doc.error(f"{path}.{action.value}", words.text("demande un sélecteur CSS"))
        if action == StepAction.GOTO and not target:
            raise doc.error(f"{path}.goto", words.text("demande une adresse ou un chemin"))
        if action == StepAction.PRESS and not target:
            raise doc.error(f"{path}.press", words.text("demande une touche, par exemple Enter"))
        return Step(action=action, target=target, value=value, value_env=value_env, value_file=value_file,
                    name=name, audit=audit)
    raise doc.error(path, words.text("une étape est une suite de lignes « clé: valeur » avec une action parmi : {actions}", actions=_ACTIONS))


_SITE_KEYS = frozenset({"id", "name", "base_url", "pages", "journeys", "sample", "crawl", "declaration", "chromium",
                        "page_timeout", "sessions", "verdicts", "out_of_scope"})


def _site(doc: _Doc, data: Any, path: str, ids: set[str]) -> Site:
    """One site; every part of it is read, so that each broken part says its first problem (one line each)."""
    reader = _Reader(doc, data, path)
    reader.used |= _SITE_KEYS  # known even when the part that reads them stopped early
    problems: list[str] = []

    def part(read: Callable[[], Any], default: Any = None) -> Any:
        try:
            return read()
        except ConfigError as exc:
            problems.append(str(exc))
            return default

    identity = part(lambda: _identity(doc, reader, path, ids))
    pages = part(lambda: _pages(doc, reader.raw("pages"), path), ())
    journeys = part(lambda: _journeys(doc, reader.raw("journeys"), path))
    # a sample naming journey steps is checked only against journeys that could be read
    sample = part(lambda: _sample(doc, reader.raw("sample"), path, journeys), ()) if journeys is not None else ()
    crawl = part(lambda: _crawl(doc, reader.raw("crawl"), path))
    declaration = part(lambda: _declaration(doc, reader.raw("declaration"), path))
    chromium = part(lambda: reader.str("chromium"))
    timeout = part(lambda: _timeout(doc, reader, path))
    sessions = part(lambda: _inputs(doc, reader.strings("sessions"), f"{path}.sessions", folders=True), ())
    verdicts = part(lambda: _inputs(doc, (reader.str("verdicts") or "",), f"{path}.verdicts", folders=False), ())
    out_of_scope = part(lambda: _out_of_scope(doc, reader.raw("out_of_scope"), f"{path}.out_of_scope"), ())
    part(reader.done)  # unknown keys (often a typo behind the other problems)
    if problems:
        raise ConfigError("\n".join(problems))
    site_id, name, base_url = identity
    return Site(id=site_id, name=name, base_url=base_url, pages=pages, journeys=journeys, sample=sample,
                crawl=crawl, declaration=declaration, chromium=chromium, page_timeout=timeout, sessions=sessions,
                verdicts=verdicts[0] if verdicts else None, out_of_scope=out_of_scope)


def _out_of_scope(doc: _Doc, raw: Any, path: str) -> tuple[ScopeRule, ...]:
    """Parts of the pages that are not the site's own: a CSS selector and the reason every report gives."""
    from cssselect import GenericTranslator, SelectorError

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(path, words.text("doit être une liste de parties hors périmètre ({selector: …, reason: …})"))
    rules = []
    for i, item in enumerate(raw):
        r = _Reader(doc, item, f"{path}[{i}]")
        selector = r.str("selector", required=True)
        reason = r.str("reason", required=True)
        r.done()
        try:
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            raise doc.error(f"{path}[{i}].selector", words.text("sélecteur CSS invalide ({error})", error=exc)) from None
        rules.append(ScopeRule(selector=selector, reason=reason, where=f"{doc.path}:{doc.line(f'{path}[{i}]')}"))
    return tuple(rules)


def _inputs(doc: _Doc, values: tuple[str, ...], path: str, folders: bool) -> tuple[str, ...]:
    """The tester sessions (files or folders) or the auditor's verdicts (a YAML file or a grid CSV) registered
    with a site: paths relative to the configuration's folder, which must exist."""
    config_folder = Path(doc.path).parent
    out = []
    for i, value in enumerate(v for v in values if v):
        where = f"{path}[{i}]" if folders else path
        file = Path(os.path.expanduser(value))
        if not file.is_absolute():
            file = config_folder / file
        if not file.exists():
            raise doc.error(where, words.text("« {value} » introuvable (chemin relatif au dossier {folder}) : corrigez le chemin ou créez le fichier ou le dossier", value=value, folder=config_folder.resolve()))
        if not folders and (file.is_dir() or file.suffix.lower() not in (".yaml", ".yml", ".csv")):
            raise doc.error(where, words.text("« {value} » : les verdicts de l'auditeur sont un fichier YAML (.yaml) ou une grille CSV (.csv)", value=value))
        out.append(str(file))
    return tuple(out)


def _identity(doc: _Doc, reader: _Reader, path: str, ids: set[str]) -> tuple[str, str, str]:
    site_id = reader.str("id", required=True)
    if not _ID.match(site_id):
        raise doc.error(f"{path}.id", words.text("n'utilisez que des minuscules sans accent, des chiffres, - et _ (il nomme des dossiers)"))
    if site_id in ids:
        raise doc.error(f"{path}.id", words.text("identifiant de site « {id} » en double", id=site_id))
    ids.add(site_id)
    name = reader.str("name", default=site_id)
    return site_id, name, _url(doc, f"{path}.base_url", reader.str("base_url", required=True))


def _pages(doc: _Doc, raw: Any, path: str) -> tuple[SamplePage, ...]:
    raw = raw or []
    if not isinstance(raw, list):
        raise doc.error(f"{path}.pages", words.text("doit être une liste de {{name, path}}"))
    pages = []
    for i, item in enumerate(raw):
        p = _Reader(doc, item, f"{path}.pages[{i}]")
        page_path = p.str("path", required=True)
        page = SamplePage(name=p.str("name", default=page_path), path=page_path)
        p.done()
        pages.append(page)
    return tuple(pages)


def _journeys(doc: _Doc, raw: Any, path: str) -> tuple[Journey, ...]:
    raw = raw or []
    if not isinstance(raw, list):
        raise doc.error(f"{path}.journeys", words.text("doit être une liste de parcours"))
    journeys = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        jpath = f"{path}.journeys[{i}]"
        j = _Reader(doc, item, jpath)
        jid = j.str("id", required=True)
        if not _ID.match(jid):
            raise doc.error(f"{jpath}.id", words.text("n'utilisez que des minuscules sans accent, des chiffres, - et _"))
        if jid in seen:
            raise doc.error(f"{jpath}.id", words.text("identifiant de parcours « {id} » en double", id=jid))
        seen.add(jid)
        raw_steps = j.raw("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise doc.error(f"{jpath}.steps", words.text("doit être une liste d'étapes non vide"))
        steps = tuple(_step(doc, s, f"{jpath}.steps[{k}]") for k, s in enumerate(raw_steps))
        if steps[0].action != StepAction.GOTO:
            raise doc.error(f"{jpath}.steps[0]", words.text("un parcours commence par une étape goto"))
        journeys.append(Journey(id=jid, name=j.str("name", default=jid), steps=steps))
        j.done()
    return tuple(journeys)


def _sample(doc: _Doc, raw: Any, path: str, journeys: tuple[Journey, ...]) -> tuple[SamplePage, ...]:
    raw = raw or []
    if not isinstance(raw, list):
        raise doc.error(f"{path}.sample", words.text("doit être une liste de {{name, path, reason}} (voir `a11y-audit sample --pin`)"))
    audited_steps = {f"journey:{j.id}:{k}" for j in journeys for k, st in enumerate(j.steps) if st.audit}
    seen_paths: set[str] = set()
    sample = []
    for i, item in enumerate(raw):
        spath = f"{path}.sample[{i}]"
        p = _Reader(doc, item, spath)
        page_path = p.str("path", required=True)
        page = SamplePage(name=p.str("name", default=page_path), path=page_path, reason=p.str("reason", default=""))
        p.done()
        if page_path.startswith("journey:"):
            if page_path not in audited_steps:
                raise doc.error(f"{spath}.path", words.text("« {path} » n'est pas une étape auditée d'un parcours de ce site (connues : {known})", path=page_path,
                                                              known=", ".join(sorted(audited_steps))
                                                              or words.text("aucune")))
        elif not page_path.startswith("/"):
            raise doc.error(f"{spath}.path", words.text("doit être un chemin d'adresse commençant par / ou journey:<id>:<étape>"))
        if page_path in seen_paths:
            raise doc.error(f"{spath}.path", words.text("« {path} » est déjà dans l'échantillon", path=page_path))
        seen_paths.add(page_path)
        sample.append(page)
    return tuple(sample)


def _crawl(doc: _Doc, raw: Any, path: str) -> CrawlPolicy:
    c = _Reader(doc, raw, f"{path}.crawl")
    sitemaps = c.raw("sitemaps", True)
    extra: tuple[str, ...] = ()
    if isinstance(sitemaps, list):
        extra = c.strings("sitemaps")
        sitemaps = True
    elif not isinstance(sitemaps, bool):
        raise doc.error(f"{path}.crawl.sitemaps", words.text("doit valoir true, false ou une liste d'adresses de plans de site"))
    crawl = CrawlPolicy(
        sitemaps=sitemaps,
        extra_sitemaps=extra,
        include=c.regexes("include"),
        exclude=c.regexes("exclude"),
        max_pages=c.int("max_pages", 50),
        max_depth=c.int("max_depth", 3, minimum=0),
        delay=c.number("delay", 0.0),
        concurrency=c.int("concurrency", 2),
        obey_robots=c.bool("obey_robots", True),
        user_agent=c.str("user_agent", default=DEFAULT_USER_AGENT),
        allow_private=c.bool("allow_private", False),
        hosts=c.strings("hosts"),
    )
    c.done()
    if not crawl.user_agent.isascii() or any(ch in crawl.user_agent for ch in "\r\n"):
        raise doc.error(f"{path}.crawl.user_agent", words.text("doit être en ASCII simple sur une ligne (un en-tête HTTP ne porte pas d'accents) : écrivez 'audit d'accessibilite', pas 'accessibilité'"))
    return crawl


def _declaration(doc: _Doc, raw: Any, path: str) -> DeclarationFacts:
    """The facts of the déclaration d'accessibilité (see docs/declaration.md): dates are YYYY-MM-DD, the action
    plan and the alternatives are mappings keyed by quoted RGAA criterion ids ("1.10")."""
    where = f"{path}.declaration"
    d = _Reader(doc, raw, where)
    declaration = DeclarationFacts(
        entity=d.str("entity", default=""),
        contact_email=d.str("contact_email", default=""),
        contact_form=_link(doc, f"{where}.contact_form", d.str("contact_form", default="")),
        contact_address=d.str("contact_address", default=""),
        technologies=d.strings("technologies"),
        schema_url=_link(doc, f"{where}.schema_url", d.str("schema_url", default="")),
        action_plan_url=_link(doc, f"{where}.action_plan_url", d.str("action_plan_url", default="")),
        report_url=_link(doc, f"{where}.report_url", d.str("report_url", default="")),
        grid_url=_link(doc, f"{where}.grid_url", d.str("grid_url", default="")),
        auditor=d.str("auditor", default=""),
        published=_declaration_date(doc, d, "published"),
        previous_actions_review=d.str("previous_actions_review", default=""),
        environments=d.strings("environments"),
        tools=d.strings("tools"),
        redesign=_declaration_date(doc, d, "redesign"),
        action_plan=tuple((c, _iso_date(doc, f"{where}.action_plan.{c}", v))
                          for c, v in _by_criterion(doc, d, "action_plan")),
        alternatives=tuple(_by_criterion(doc, d, "alternatives")),
    )
    d.done()
    return declaration


def _iso_date(doc: _Doc, path: str, value: Any) -> str:
    """``value`` (YAML reads an unquoted 2026-06-30 as a date) as an ISO date, else a located error."""
    from datetime import date

    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise doc.error(path, words.text("doit être une date écrite AAAA-MM-JJ, pas « {value} »", value=text)) from None


def _declaration_date(doc: _Doc, d: _Reader, key: str) -> str | None:
    value = d.raw(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _iso_date(doc, d._p(key), value)


def _by_criterion(doc: _Doc, d: _Reader, key: str) -> list[tuple[str, str]]:
    """A mapping criterion → text, in file order; criterion ids must be quoted ("1.10": unquoted, YAML reads the
    number 1.1) and known to the RGAA."""
    from audit import standards

    value = d.raw(key)
    if value is None:
        return []
    if not isinstance(value, dict):
        raise doc.error(d._p(key), words.text("doit être une suite de lignes « clé: valeur »"))
    out = []
    for criterion, text in value.items():
        if not isinstance(criterion, str) or criterion.strip() not in standards.CRITERIA:
            raise doc.error(f"{d._p(key)}.{criterion}", words.text("critère inconnu « {criterion} » : le RGAA {version} les numérote thème.critère, de 1.1 à 13.12", criterion=criterion, version=standards.RGAA_VERSION))
        if text is None or isinstance(text, (dict, list, bool)) or not str(text).strip():
            raise doc.error(f"{d._p(key)}.{criterion}", words.text("doit être un texte"))
        out.append((criterion.strip(), text if key == "action_plan" else str(text).strip()))
    return out


def _timeout(doc: _Doc, reader: _Reader, path: str) -> float:
    timeout = reader.number("page_timeout", 30.0)
    if timeout <= 0:
        raise doc.error(f"{path}.page_timeout", words.text("doit être un nombre de secondes > 0"))
    return timeout


def parse(text: str, path: str = "sites.yaml") -> Config:
    doc = _Doc(path, text)
    top = _Reader(doc, doc.data, "")
    raw_sites = top.raw("sites")
    if not isinstance(raw_sites, list) or not raw_sites:
        raise doc.error("sites", words.text("doit être une liste non vide de sites (chacun avec id et base_url)"))
    # every site and every part of a site is read: one call says the first problem of each part (one line
    # each, in file order)
    ids: set[str] = set()
    sites: list[Site] = []
    problems: list[str] = []
    for i, raw in enumerate(raw_sites):
        try:
            sites.append(_site(doc, raw, f"sites[{i}]", ids))
        except ConfigError as exc:
            problems.extend(str(exc).splitlines())
    try:
        chromium = top.str("chromium")
        runs_dir = top.str("runs_dir", default="runs")
        top.done()
    except ConfigError as exc:
        problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(sorted(problems, key=_line_of)))
    return Config(path=path, sites=tuple(sites), chromium=chromium, runs_dir=runs_dir)


def _line_of(problem: str) -> int:
    m = re.match(r"^.*?:(\d+): ", problem)
    return int(m.group(1)) if m else 0


def load(path: str | os.PathLike[str]) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: " + words.text("fichier introuvable. Créez-le (voir le README) ou indiquez --config CHEMIN.")) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: " + words.text("ce n'est pas du texte UTF-8 ({reason} à l'octet {start}). Enregistrez-le en UTF-8.", reason=exc.reason, start=exc.start)) from None
    except OSError as exc:
        raise ConfigError(f"{p}: " + words.text("lecture impossible : {error}.", error=exc.strerror)) from None
    return parse(text, str(path))


def with_base_url(site: Site, base_url: str) -> Site:
    """The same site served elsewhere (the demo site on an ephemeral port)."""
    from dataclasses import replace

    return replace(site, base_url=base_url.rstrip("/"))


def resolve_secret(step: Step) -> str:
    """The value to type for a fill step; secrets come from the environment or a file outside the
    repository (read now, at run time), never from the configuration itself."""
    if step.value_env is not None:
        value = os.environ.get(step.value_env)
        if value is None:
            raise ConfigError(words.text("la variable d'environnement {name} n'est pas définie : l'étape de parcours qui remplit « {target} » en a besoin. Exportez-la avant l'audit.", name=step.value_env, target=step.target))
        return value
    if step.value_file is not None:
        return _read_secret_file(step)
    return step.value or ""


def _read_secret_file(step: Step) -> str:
    where = words.text("value_file {file} (l'étape de parcours qui remplit « {target} »)", file=step.value_file, target=step.target)
    try:
        text = Path(step.value_file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{where}: " + words.text("fichier introuvable. Créez-le, lisible par cet utilisateur seulement (chmod 600), ou corrigez le chemin.")) from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: " + words.text("c'est un dossier ; donnez le chemin du fichier qui contient le secret.")) from None
    except PermissionError:
        raise ConfigError(f"{where}: " + words.text("permission refusée. Donnez le droit de lecture à l'utilisateur qui lance l'audit.")) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: " + words.text("ce n'est pas du texte UTF-8. Enregistrez le secret en UTF-8.")) from None
    except OSError as exc:
        raise ConfigError(f"{where}: " + words.text("lecture impossible : {error}.", error=exc.strerror)) from None
    text = text.removesuffix("\n").removesuffix("\r")  # the newline an editor adds is not part of it
    if not text:
        raise ConfigError(f"{where}: " + words.text("le fichier est vide."))
    return text

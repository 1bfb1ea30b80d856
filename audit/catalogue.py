"""The catalogue of automated checks: ours and the axe-core rules a run executes, and the RGAA coverage.

Library side of ``a11y-audit checks``: ``list_checks`` (table, JSON, Markdown), ``coverage`` and
``render_coverage`` (which RGAA criteria some automated check can give evidence on), ``write_docs``
(docs/checks.md). axe-core's rule metadata comes from axe itself: the pinned ``axe.min.js`` is loaded once
by Node (no browser, no network) and asked through its API (``axe.getRules()``, ``axe.version``); the answer
is cached per SHA-256 of the script in the user's cache folder, so later calls need neither Node nor time.
French rule titles come from axe-core's own ``locales/fr.json``, read as data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from audit import words
from audit.checks.axe import rgaa_from_tags, wcag_from_tags
from audit.standards import CRITERIA, RGAA_VERSION, TESTS, THEMES, WCAG_SC
from audit.words import N_

DOCS_PATH = "docs/checks.md"
REGENERATE = "a11y-audit checks --format md > docs/checks.md"
FORMATS = ("table", "json", "md")
COVERAGE_FORMATS = ("text", "json", "md")
SCHEMA_VERSION = 1

log = logging.getLogger(__name__)

OURS = "ours"
AXE = "axe"


class CatalogueError(Exception):
    """The catalogue cannot be built (axe-core missing or unreadable); the message says what to do."""


# --- words people read ----------------------------------------------------------------------

def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise ValueError(f"unknown language {lang!r}; use fr or en")
    return lang


# --- axe-core's rule metadata, from axe itself --------------------------------------------------


@dataclass(frozen=True, slots=True)
class AxeRule:
    id: str
    impact: str | None
    tags: tuple[str, ...]
    enabled: bool  # axe.getRules(): false for rules disabled in their metadata and for experimental ones
    help: str  # English, from axe.getRules()
    help_fr: str | None  # from axe-core's locales/fr.json when present
    description: str


@dataclass(frozen=True, slots=True)
class AxeCatalogue:
    path: str
    version: str | None
    rules: tuple[AxeRule, ...]
    tag_exclude: tuple[str, ...]

    def selected(self, tags: Iterable[str], extra: Iterable[str] = ()) -> tuple[AxeRule, ...]:
        """The rules ``axe.run`` executes with ``runOnly: {type: "tag", values: tags}`` plus the rules
        enabled by id (``extra``): a rule runs when it has one of the tags and none of axe's excluded tags
        (experimental, deprecated), or when it is enabled by id."""
        wanted, forced = set(tags), set(extra)
        return tuple(r for r in self.rules if r.id in forced or
                     (wanted.intersection(r.tags) and not set(self.tag_exclude).intersection(r.tags)))

    def help_url(self, rule_id: str) -> str | None:
        if not self.version:
            return None
        major_minor = ".".join(self.version.split(".")[:2])
        return f"https://dequeuniversity.com/rules/axe/{major_minor}/{rule_id}"


# axe-core describes its own rules: ``axe.getRules()`` (ids, tags, enabled, English help and description)
# and ``axe.version`` are public API. Two facts have no public route, so each is read from the least private
# place axe keeps it: a rule's impact from ``axe.utils.getRule(id)`` (axe's own lookup of its rule objects,
# exported on axe.utils but not typed in axe.d.ts), the tags ``runOnly`` leaves out from
# ``axe._audit.tagExclude`` (axe's documented default when absent).
_AXE_SCRIPT = """
const axe = require(process.argv[1]);
if (!axe || typeof axe.getRules !== "function") throw new Error("no axe.getRules() in this file");
const impact = id => { const rule = axe.utils && axe.utils.getRule && axe.utils.getRule(id);
                       return (rule && rule.impact) || null; };
const exclude = axe._audit && Array.isArray(axe._audit.tagExclude) ? axe._audit.tagExclude : null;
process.stdout.write(JSON.stringify({
  version: axe.version || null, tagExclude: exclude,
  rules: axe.getRules().map(r => ({id: r.ruleId, tags: r.tags, enabled: r.enabled !== false,
                                   impact: impact(r.ruleId), help: r.help, description: r.description}))}));
"""
_CACHE_FORMAT = 1  # bump when _AXE_SCRIPT's output changes: older cache files are then ignored
_DEFAULT_TAG_EXCLUDE = ("experimental", "deprecated")
NODE_TIMEOUT = 60


def _cache_dir() -> Path:
    """Where the metadata of an axe.min.js is kept between runs: the user's cache, never the repository."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "a11y-audit"


def _node() -> str | None:
    return shutil.which("node")


def _axe_metadata(file: Path, content: bytes) -> dict[str, Any]:
    """What axe says about its rules, cached per SHA-256 of the script (so only the first call runs Node)."""
    digest = hashlib.sha256(content).hexdigest()
    cache = _cache_dir() / f"axe-rules-{digest[:32]}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("format") == _CACHE_FORMAT and data.get("sha256") == digest:
            return data
    except (OSError, ValueError, AttributeError):
        pass
    data = {"format": _CACHE_FORMAT, "sha256": digest, **_run_axe(file)}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError as exc:  # a read-only home only costs the next call another Node run
        log.debug("cannot cache axe-core's rule metadata in %s: %s", cache, exc)
    return data


def _run_axe(file: Path) -> dict[str, Any]:
    """Load the script in Node and ask it (``_AXE_SCRIPT``); any failure is one CatalogueError line."""
    node = _node()
    if node is None:
        raise CatalogueError(f"{file}: " + words.text("Node.js introuvable (commande `node`) : il lit la description des règles d'axe-core. Installez Node 20, celui qui sert à `npm ci`, puis relancez.", lang=words.language()))
    try:
        out = subprocess.run([node, "-e", _AXE_SCRIPT, str(file.resolve())], capture_output=True, text=True,
                             timeout=NODE_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CatalogueError(f"{file}: " + words.text("impossible de lire les métadonnées des règles d'axe-core ({error}) ; le fichier axe.min.js d'axe-core 4.x installé par `npm ci` est attendu", error=exc)) from None
    if out.returncode != 0:
        lines = [line.strip() for line in out.stderr.splitlines() if line.strip()]
        error = next((line for line in lines if re.match(r"\w*Error\b", line)),
                     lines[-1] if lines else f"node exit {out.returncode}")
        raise CatalogueError(f"{file}: " + words.text("impossible de lire les métadonnées des règles d'axe-core ({error}) ; le fichier axe.min.js d'axe-core 4.x installé par `npm ci` est attendu", error=error)) from None
    try:
        data = json.loads(out.stdout)
        rules = data["rules"]
        if not isinstance(rules, list) or not rules:
            raise ValueError("no rules")
        for rule in rules:
            if not (isinstance(rule.get("id"), str) and isinstance(rule.get("tags"), list)
                    and all(isinstance(t, str) for t in rule["tags"])
                    and (rule.get("impact") is None or isinstance(rule.get("impact"), str))):
                raise ValueError(f"unexpected rule {str(rule)[:60]}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CatalogueError(f"{file}: " + words.text("impossible de lire les métadonnées des règles d'axe-core ({error}) ; le fichier axe.min.js d'axe-core 4.x installé par `npm ci` est attendu", error=exc)) from None
    return {"version": data.get("version"), "tag_exclude": data.get("tagExclude"), "rules": rules}


def _axe_path() -> Path:
    from audit.browser import BrowserError, axe_script_path

    try:
        return axe_script_path()
    except BrowserError as exc:
        raise CatalogueError(str(exc)) from None


def axe_catalogue(path: str | Path | None = None) -> AxeCatalogue:
    """The rules of the axe-core script a run injects (``audit.browser.axe_script_path``)."""
    return _axe_catalogue(str(Path(path) if path else _axe_path()))


@lru_cache(maxsize=4)
def _axe_catalogue(path: str) -> AxeCatalogue:
    file = Path(path)
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{file}: " + words.text("lecture d'axe-core impossible : {error}", error=exc)) from None
    meta = _axe_metadata(file, content)
    french: dict[str, Any] = {}
    locale = file.parent / "locales" / "fr.json"  # axe-core's French messages: data, read as JSON
    try:
        french = json.loads(locale.read_text(encoding="utf-8")).get("rules", {})
    except (OSError, ValueError, AttributeError):
        french = {}
    out = []
    for rule in meta["rules"]:
        rid = rule["id"]
        fr = french.get(rid) if isinstance(french.get(rid), dict) else {}
        out.append(AxeRule(id=rid, impact=rule.get("impact"), tags=tuple(rule["tags"]),
                           enabled=rule.get("enabled", True) is not False, help=rule.get("help") or rid,
                           help_fr=fr.get("help"), description=rule.get("description") or ""))
    exclude = meta.get("tag_exclude")
    return AxeCatalogue(path=str(file), version=meta.get("version"), rules=tuple(sorted(out, key=lambda r: r.id)),
                        tag_exclude=tuple(exclude) if isinstance(exclude, list) else _DEFAULT_TAG_EXCLUDE)


def _axe_run_tags() -> tuple[str, ...]:
    from audit.browser import AXE_TAGS

    return tuple(AXE_TAGS)


def _axe_extra_rules() -> tuple[str, ...]:
    from audit.browser import AXE_EXTRA_RULES

    return tuple(AXE_EXTRA_RULES)


# --- the catalogue --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One automated check as the catalogue shows it, ours or an axe-core rule."""

    id: str  # our check id, or "axe:<rule id>" as in findings
    source: str  # "ours" | "axe"
    title: str  # French
    title_en: str
    rgaa_tests: tuple[str, ...]
    wcag: tuple[str, ...]
    impact: str | None
    evidence: tuple[str, ...]
    conclusive: bool
    question: str | None = None
    scope: str = "page"
    help_url: str | None = None

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title


def _test_key(test: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in test.split("."))
    except ValueError:
        return (999,)


def our_entries() -> list[Entry]:
    from audit.checks import load_checks

    out = [Entry(id=c.id, source=OURS, title=c.title, title_en=words.gettext(c.title, "en"), rgaa_tests=tuple(c.rgaa_tests),
                 wcag=tuple(c.wcag), impact=str(c.impact), evidence=tuple(c.evidence),
                 conclusive=bool(c.conclusive), question=c.question, scope=c.scope)
           for c in load_checks().values()]
    return sorted(out, key=lambda e: (min((_test_key(t) for t in e.rgaa_tests), default=(999,)), e.id))


def axe_entries(axe: AxeCatalogue | None = None) -> list[Entry]:
    axe = axe or axe_catalogue()
    return [Entry(id=f"axe:{r.id}", source=AXE, title=r.help_fr or r.help, title_en=r.help,
                  rgaa_tests=rgaa_from_tags(list(r.tags)), wcag=wcag_from_tags(list(r.tags)), impact=r.impact,
                  evidence=("axe",), conclusive=False, help_url=axe.help_url(r.id))
            for r in axe.selected(_axe_run_tags(), _axe_extra_rules())]


def entries(axe: AxeCatalogue | None = None) -> list[Entry]:
    """Every check a run uses: ours (ordered by RGAA test), then the axe-core rules it runs (by id)."""
    return our_entries() + axe_entries(axe)


# --- listing --------------------------------------------------------------------------------


def _yes(value: bool, lang: str) -> str:
    said = N_("oui") if value else N_("non")
    return words.gettext(said, lang)


def _impact(value: str | None, lang: str) -> str:
    return words.impact(value, lang) if value else "—"


MAX_TABLE_TITLE = 72


def _short(text: str, limit: int = MAX_TABLE_TITLE) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _row(e: Entry, lang: str) -> list[str]:
    return [e.id, "axe-core" if e.source == AXE else "a11y-audit", _short(e.title_in(lang)), ", ".join(e.rgaa_tests) or "—",
            ", ".join(e.wcag) or "—", _impact(e.impact, lang), ", ".join(e.evidence) or "—",
            _yes(e.conclusive, lang)]


_COLUMNS = (N_("identifiant"), N_("source"), N_("titre"), N_("tests RGAA"), N_("critères WCAG"), N_("gravité"), N_("preuve"),
            N_("concluant"))


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in [headers, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def list_checks(fmt: str = "table", lang: str = "fr") -> str:
    """Every check of a run, for ``a11y-audit checks --format table|json|md``."""
    lang = _lang(lang)
    axe = axe_catalogue()
    items = entries(axe)
    if fmt == "table":
        return _table([_row(e, lang) for e in items], [words.gettext(c, lang) for c in _COLUMNS])
    if fmt == "json":
        return json.dumps({
            "schema_version": SCHEMA_VERSION, "rgaa": RGAA_VERSION, "axe_core": axe.version, "lang": lang,
            "checks": [{"id": e.id, "source": e.source, "title": e.title_in(lang), "title_fr": e.title,
                        "title_en": e.title_en, "rgaa_tests": list(e.rgaa_tests),
                        "rgaa_criteria": sorted({TESTS[t] for t in e.rgaa_tests if t in TESTS}, key=_test_key),
                        "wcag": list(e.wcag), "impact": e.impact, "evidence": list(e.evidence),
                        "conclusive": e.conclusive, "question": e.question, "scope": e.scope,
                        "help_url": e.help_url} for e in items],
        }, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _markdown(items, axe, lang)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# --- coverage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionCoverage:
    id: str
    theme: int
    level: str
    title: str
    by_test: tuple[tuple[str, tuple[str, ...]], ...]  # (RGAA test, check ids targeting it), official order
    conclusive_tests: tuple[str, ...]  # tests a conclusive check of ours can decide

    @property
    def covered(self) -> bool:
        return bool(self.by_test)

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(cid for _, ids in self.by_test for cid in ids))


@dataclass(frozen=True, slots=True)
class ThemeCoverage:
    number: int
    title: str
    covered: int
    total: int


@dataclass(frozen=True, slots=True)
class CoverageReport:
    lang: str
    axe_version: str | None
    criteria: tuple[CriterionCoverage, ...]
    themes: tuple[ThemeCoverage, ...]
    covered: int  # criteria with at least one check targeting one of their tests
    total: int  # 106
    tests_covered: int
    tests_total: int  # 258
    tests_conclusive: int
    covered_by_ours: int
    covered_by_axe: int
    ours: int  # checks of ours
    axe: int  # axe-core rules run
    axe_rgaa: int  # axe-core rules run that carry RGAA tags
    unknown_tests: tuple[tuple[str, str], ...]  # (check id, test id) for test ids RGAA 4.1.2 lacks
    unknown_wcag: tuple[tuple[str, str], ...]  # (our check id, SC) for SCs outside WCAG 2.2 A/AA
    axe_rgaa_not_run: tuple[str, ...]  # axe rules tagged RGAA-x.y.z that a run does not execute


def coverage(lang: str = "fr", items: list[Entry] | None = None) -> CoverageReport:
    """Which RGAA criteria automated checks can give evidence on (failed, cant_tell, conclusive pass)."""
    lang = _lang(lang)
    axe = axe_catalogue()
    items = entries(axe) if items is None else items
    by_test: dict[str, list[str]] = {}
    conclusive: set[str] = set()
    unknown_tests, unknown_wcag = [], []
    for e in items:
        for test in e.rgaa_tests:
            if test not in TESTS:
                unknown_tests.append((e.id, test))
                continue
            by_test.setdefault(test, []).append(e.id)
            if e.conclusive:
                conclusive.add(test)
        if e.source == OURS:  # axe also tags AAA criteria (2.1.3): only our declarations must stay in A/AA
            unknown_wcag.extend((e.id, sc) for sc in e.wcag if sc not in WCAG_SC)
    source = {e.id: e.source for e in items}
    criteria = tuple(
        CriterionCoverage(id=c.id, theme=c.theme, level=c.level, title=c.title_en if lang == "en" else c.title,
                          by_test=tuple((t, tuple(by_test[t])) for t in c.tests if t in by_test),
                          conclusive_tests=tuple(t for t in c.tests if t in conclusive))
        for c in CRITERIA.values())
    themes = tuple(ThemeCoverage(number=n, title=th.title_en if lang == "en" else th.title,
                                 covered=sum(1 for c in criteria if c.theme == n and c.covered),
                                 total=sum(1 for c in criteria if c.theme == n))
                   for n, th in THEMES.items())
    run_ids = {e.id for e in items if e.source == AXE}
    return CoverageReport(
        lang=lang, axe_version=axe.version, criteria=criteria, themes=themes,
        covered=sum(1 for c in criteria if c.covered), total=len(criteria),
        tests_covered=len(by_test), tests_total=len(TESTS), tests_conclusive=len(conclusive),
        covered_by_ours=sum(1 for c in criteria if any(source[i] == OURS for i in c.checks)),
        covered_by_axe=sum(1 for c in criteria if any(source[i] == AXE for i in c.checks)),
        ours=sum(1 for e in items if e.source == OURS), axe=len(run_ids),
        axe_rgaa=sum(1 for e in items if e.source == AXE and e.rgaa_tests),
        unknown_tests=tuple(unknown_tests), unknown_wcag=tuple(unknown_wcag),
        axe_rgaa_not_run=tuple(f"axe:{r.id}" for r in axe.rules
                               if rgaa_from_tags(list(r.tags)) and f"axe:{r.id}" not in run_ids))


def _summary_lines(report: CoverageReport) -> list[str]:
    lang = report.lang
    lines = [words.text("Couverture automatique du RGAA {version} : {covered} / {total} critères", lang=lang, version=RGAA_VERSION, covered=report.covered, total=report.total),
             words.text("Tests visés : {covered} / {total}, dont {conclusive} décidés automatiquement (contrôles concluants)", lang=lang, covered=report.tests_covered, total=report.tests_total,
                conclusive=report.tests_conclusive),
             words.text("Contrôles : {ours} de a11y-audit, {axe} règles axe-core {axe_version} exécutées ({axe_rgaa} liées au RGAA) ; critères couverts par a11y-audit : {by_ours}, par axe-core : {by_axe}", lang=lang, ours=report.ours, axe=report.axe, axe_version=report.axe_version or "?",
                axe_rgaa=report.axe_rgaa, by_ours=report.covered_by_ours, by_axe=report.covered_by_axe)]
    if report.unknown_tests:
        lines.append(words.text("Attention : tests RGAA inconnus de RGAA {version} : {items}", lang=lang, version=RGAA_VERSION,
                        items=", ".join(f"{t} ({c})" for c, t in report.unknown_tests)))
    if report.unknown_wcag:
        lines.append(words.text("Attention : critères WCAG hors des niveaux A et AA de WCAG 2.2 : {items}", lang=lang, items=", ".join(f"{s} ({c})" for c, s in report.unknown_wcag)))
    return lines


def render_coverage(report: CoverageReport, fmt: str = "text") -> str:
    """``a11y-audit checks --coverage``: the N / 106 figure, then theme by theme, criterion by criterion."""
    lang = report.lang
    if fmt == "json":
        return json.dumps({
            "schema_version": SCHEMA_VERSION, "rgaa": RGAA_VERSION, "axe_core": report.axe_version,
            "covered": report.covered, "total": report.total, "tests_covered": report.tests_covered,
            "tests_total": report.tests_total, "tests_conclusive": report.tests_conclusive,
            "covered_by_ours": report.covered_by_ours, "covered_by_axe": report.covered_by_axe,
            "themes": [{"number": t.number, "title": t.title, "covered": t.covered, "total": t.total}
                       for t in report.themes],
            "criteria": [{"id": c.id, "level": c.level, "title": c.title, "covered": c.covered,
                          "tests": {t: list(ids) for t, ids in c.by_test},
                          "conclusive_tests": list(c.conclusive_tests)} for c in report.criteria],
            "unknown_tests": [{"check": c, "test": t} for c, t in report.unknown_tests],
            "unknown_wcag": [{"check": c, "sc": s} for c, s in report.unknown_wcag],
        }, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _coverage_markdown(report)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(COVERAGE_FORMATS)}")
    lines = _summary_lines(report)
    lines.append(words.text("Un critère compte dès qu'au moins un contrôle automatique vise l'un de ses tests (il peut alors signaler une non-conformité ou un point à vérifier) ; être couvert ne le rend pas conforme.", lang=lang))
    width = max(len(c.id) for c in report.criteria)
    state_width = max(len(words.text("couvert", lang=lang)), len(words.text("non couvert", lang=lang)))
    for theme in report.themes:
        lines.append("")
        lines.append(words.text("Thème {number} — {title} : {covered} / {total}", lang=lang, number=theme.number, title=theme.title, covered=theme.covered,
                        total=theme.total))
        for c in (c for c in report.criteria if c.theme == theme.number):
            state = N_("couvert") if c.covered else N_("non couvert")
            state = words.gettext(state, lang)
            lines.append(f"  {c.id.ljust(width)}  {c.level.ljust(2)}  {state.ljust(state_width)}  {c.title}")
            for test, ids in c.by_test:
                mark = " *" if test in c.conclusive_tests else ""
                lines.append(f"  {'':{width}}      {test}{mark} : {', '.join(ids)}")
    if report.tests_conclusive:
        lines.append("")
        lines.append("* " + ("test décidable automatiquement (contrôle concluant)" if lang == "fr"
                             else "test decidable automatically (conclusive check)"))
    return "\n".join(lines) + "\n"


# --- Markdown (docs/checks.md) --------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: no raw HTML, no cell break, no emphasis."""
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("`", "\\`"), ("_", "\\_")):
        text = text.replace(char, escaped)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return out


def _code_list(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in values) or "—"


def _coverage_markdown(report: CoverageReport, summary: bool = True, detail: bool = True) -> str:
    lang = report.lang
    lines: list[str] = []
    if summary:
        lines += ["## " + words.text("Couverture du RGAA", lang=lang), ""]
        lines += [f"**{_md(_summary_lines(report)[0])}**", ""]
        lines += [_md(line) + "  " for line in _summary_lines(report)[1:]]
        lines[-1] = lines[-1].rstrip()
        lines += ["", _md(words.text("Un critère compte dès qu'au moins un contrôle automatique vise l'un de ses tests (il peut alors signaler une non-conformité ou un point à vérifier) ; être couvert ne le rend pas conforme.", lang=lang)), ""]
        lines += _md_table([words.text("Thème", lang=lang), words.text("Critères couverts", lang=lang)],
                           [[f"{t.number}. {_md(t.title)}", f"{t.covered} / {t.total}"] for t in report.themes])
    if not detail:
        return "\n".join(lines) + "\n"
    if lines:
        lines.append("")
    lines += ["## " + words.text("Couverture par critère", lang=lang), "", _md(words.text("Les titres de critères sont des reformulations courtes ; le texte officiel est sur https://accessibilite.numerique.gouv.fr/methode/criteres-et-tests/.", lang=lang))]
    for theme in report.themes:
        lines += ["", f"### {theme.number}. {_md(theme.title)} ({theme.covered} / {theme.total})", ""]
        rows = []
        for c in (c for c in report.criteria if c.theme == theme.number):
            tests = ", ".join(f"{t} (*)" if t in c.conclusive_tests else t for t, _ in c.by_test)
            rows.append([c.id, c.level, _md(c.title), tests or words.text("aucun", lang=lang),
                         _code_list(c.checks) if c.checks else words.text("aucun", lang=lang)])
        lines += _md_table([words.text("Critère", lang=lang), words.text("Niveau", lang=lang), _cap(words.text("titre", lang=lang)),
                            words.text("Tests visés", lang=lang), words.text("Contrôles", lang=lang)], rows)
    if report.tests_conclusive:
        lines += ["", "(*) " + words.text("test décidable automatiquement (contrôle concluant)", lang=lang)]
    return "\n".join(lines) + "\n"


def _markdown(items: list[Entry], axe: AxeCatalogue, lang: str) -> str:
    report = coverage(lang, items)
    command = REGENERATE if lang == "fr" else REGENERATE.replace("--format md", "--format md --lang en")
    generated = words.text("Fichier généré par `{command}` : ne pas le modifier à la main.", lang=lang, command=command)
    lines = ["# " + words.text("Contrôles automatiques et couverture du RGAA", lang=lang), "", f"<!-- {generated} -->", "",
             words.text("*English:* this page lists every automated check of a11y-audit (ours and the axe-core rules a run executes) with its RGAA 4.1.2 tests and WCAG success criteria, and which RGAA criteria automation can give evidence on. `a11y-audit checks --format md --lang en` prints it in English.", lang=lang), "", words.text("Un audit a11y-audit combine deux sources de contrôles automatiques : les nôtres (`audit/checks/`) et les règles d'axe-core {axe_version} qu'un audit exécute (celles des niveaux A et AA des WCAG). Chaque contrôle déclare les tests du RGAA {version} et les critères de succès WCAG qu'il vise.", lang=lang, axe_version=axe.version or "?", version=RGAA_VERSION),
             "", words.text("Règle d'honnêteté : un contrôle réussi ne rend un test RGAA conforme que si le contrôle est « concluant » (il décide entièrement ce test). Sinon le test reste « à vérifier », et chaque point à vérifier porte la question qu'une personne doit trancher. Les règles d'axe-core ne sont jamais concluantes pour le RGAA.", lang=lang), ""]
    lines.append(_coverage_markdown(report, detail=False).rstrip("\n"))
    headers = [_cap(words.gettext(c, lang)) for c in _COLUMNS if c != _COLUMNS[1]]
    ours = [e for e in items if e.source == OURS]
    lines += ["", "## " + words.text("Nos contrôles ({count})", lang=lang, count=len(ours)), ""]
    if ours:
        lines += _md_table(headers, [[f"`{e.id}`", _md(e.title_in(lang)), ", ".join(e.rgaa_tests) or "—",
                                      ", ".join(e.wcag) or "—", _impact(e.impact, lang), _code_list(e.evidence),
                                      _yes(e.conclusive, lang)] for e in ours])
    else:
        lines.append(words.text("Aucun contrôle propre n'est encore déclaré.", lang=lang))
    axe_items = [e for e in items if e.source == AXE]
    lines += ["", "## " + words.text("Règles axe-core exécutées ({count})", lang=lang, count=len(axe_items)), "", words.text("Titres des règles : traduction française fournie avec axe-core quand elle existe.", lang=lang), ""]
    lines += _md_table(headers, [[f"[`{e.id}`]({e.help_url})" if e.help_url else f"`{e.id}`",
                                  _md(e.title_in(lang)), ", ".join(e.rgaa_tests) or "—", ", ".join(e.wcag) or "—",
                                  _impact(e.impact, lang), _code_list(e.evidence), _yes(e.conclusive, lang)]
                                 for e in axe_items])
    if report.axe_rgaa_not_run:
        lines += ["", words.text("Règles axe-core liées au RGAA mais non exécutées (expérimentales ou « bonnes pratiques » hors WCAG A/AA) : {items}.", lang=lang, items=_code_list(report.axe_rgaa_not_run))]
    lines += ["", _coverage_markdown(report, summary=False).rstrip("\n")]
    return "\n".join(lines) + "\n"


def write_docs(path: str | Path = DOCS_PATH) -> Path:
    """Write docs/checks.md: exactly ``list_checks("md")`` (French)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(list_checks("md", "fr"), encoding="utf-8")
    return out

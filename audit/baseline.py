"""Baselines: accept the known failures of a run, then gate a later run only on new ones.

A baseline is a JSON file kept in git next to ``sites.yaml``. Each accepted finding is one line of it,
sorted, so accepting or fixing a defect shows as one added or removed line in a diff::

    {
      "entries": [
        {"accepted": "2026-11-22", "check_id": "axe:label", "expires": null, "fingerprint": "e6b3…",
         "impact": "critical", "message": "…", "page": "/contact.html", "reason": null, "selector": "#tel"}
      ],
      "format": "a11y-audit-baseline",
      "run": "ville-demo/20261122T161311309Z",
      "site": "ville-demo",
      "version": 1
    }

The identity of a finding is its fingerprint (check + normalised selector + snippet shape, see
``audit.fingerprint`` and docs/fingerprints.md) and its page: the path relative to the site's base URL
(never the full URL: the demo town gets a new port each run), or ``journey:<id>:<step>`` for a journey
step. The same defect can occur several times on one page with the same identity (three buttons of one
FAQ): baseline and run are then compared as counts, the entries with the same selector paired first.

``compare`` sorts a run's failures into new (not accepted, at or above the ``fail_on`` impact: they make
the exit code 2), still open (accepted), fixed (accepted, gone from a page this run audited) and not
checked (accepted, on a page this run did not audit: not fixed). An acceptance past its ``expires`` date
counts as new again.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from audit import words
from audit.model import Finding, Impact, Outcome

if TYPE_CHECKING:
    from audit.assessment import Assessment

FORMAT = "a11y-audit-baseline"
VERSION = 1
FAIL_ON = ("critical", "serious", "moderate", "minor", "none")
EXIT_NEW = 2
MAX_MESSAGE = 200

_FIELDS = ("accepted", "check_id", "expires", "fingerprint", "impact", "message", "page", "reason", "selector")
_REQUIRED = ("check_id", "fingerprint", "page")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BaselineError(Exception):
    """A baseline file that cannot be used; ``str()`` is one line ``file[:line]: message``."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One accepted finding."""

    fingerprint: str
    page: str  # path relative to the site's base URL, or journey:<id>:<step>
    check_id: str
    impact: Impact | None = None
    selector: str | None = None
    message: str = ""
    accepted: str = ""  # ISO date
    reason: str | None = None
    expires: str | None = None  # ISO date; past it, the acceptance no longer holds

    @property
    def identity(self) -> tuple[str, str]:
        return (self.fingerprint, self.page)

    def expired(self, today: date) -> bool:
        return bool(self.expires) and date.fromisoformat(self.expires) < today

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "check_id": self.check_id, "expires": self.expires,
                "fingerprint": self.fingerprint, "impact": self.impact.value if self.impact else None,
                "message": self.message, "page": self.page, "reason": self.reason, "selector": self.selector}

    def sort_key(self) -> tuple:
        return (self.page, self.check_id, self.fingerprint, self.selector or "", self.accepted)


@dataclass(frozen=True, slots=True)
class Baseline:
    site: str
    entries: tuple[Entry, ...]
    run: str | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """A run against a baseline (or against an earlier run)."""

    site: str
    run_id: str
    base_url: str
    fail_on: str
    reference: str  # the baseline file, or the run id compared with
    new: tuple[Finding, ...]  # not accepted, at or above fail_on: these fail the build
    new_below: tuple[Finding, ...]  # not accepted, below fail_on (or without an impact): shown, never fail
    still_open: tuple[Finding, ...]  # accepted and still there
    fixed: tuple[Entry, ...]  # accepted, gone from a page this run audited
    expired: tuple[Entry, ...]  # accepted until a past date and still there (their findings are new again)
    not_checked: tuple[Entry, ...]  # accepted, on a page this run did not audit (error, not reached)
    pages: Mapping[str, str] = field(default_factory=dict)  # page key -> page path

    @property
    def exit_code(self) -> int:
        """The documented rule: 2 when there is a new failure at or above --fail-on, else 0."""
        return EXIT_NEW if self.new else 0

    def page_of(self, finding: Finding) -> str:
        return self.pages.get(finding.page_key) or page_path(finding.page_key, self.base_url)


# --- identity ------------------------------------------------------------------------------------


def page_path(url_or_key: str, base_url: str) -> str:
    """The page part of a finding's identity: its path (and query) relative to the site's base URL.

    Scheme and port are ignored (a site moved to https, the demo town on a new port); a journey step
    keeps its key; a page on another host keeps its host: ``//cdn.example.org/guide.pdf``.
    """
    if url_or_key.startswith("journey:"):
        return url_or_key
    parts, base = urlsplit(url_or_key), urlsplit(base_url)
    path = parts.path or "/"
    if (parts.hostname or "") == (base.hostname or ""):
        prefix = base.path.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix):] or "/"
        result = path
    else:
        result = f"//{parts.hostname or ''}{path}"
    return f"{result}?{parts.query}" if parts.query else result


def _failures(a: Assessment) -> list[Finding]:
    """The run's problems: failed, not dismissed by a tester, once however many detectors reported them (the
    assessed result's ``live`` findings)."""
    barriers = [f for f in a.barriers if not f.dismissed]  # testers' barriers are problems too
    return [f for f in [*a.live, *barriers] if f.outcome == Outcome.FAILED]


def _at_or_above(f: Finding, threshold: str) -> bool:
    if threshold == "none" or f.impact is None:
        return False
    return f.impact.rank >= Impact(threshold).rank


def _summary(message: str) -> str:
    text = re.sub(r"\s+", " ", message or "").strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _page_paths(a: Assessment) -> dict[str, str]:
    return {p.key: page_path(p.key if p.journey else p.url, a.run.base_url) for p in a.pages}


def entries_from_run(a: Assessment, min_impact: str | None = None,
                     accepted: str = "", reason: str | None = None, expires: str | None = None) -> list[Entry]:
    """An assessed run's problems as baseline entries (``min_impact``: keep only those at or above it)."""
    run = a.run
    paths = _page_paths(a)
    out = []
    for f in _failures(a):
        if min_impact and not _at_or_above(f, min_impact):
            continue
        out.append(Entry(fingerprint=f.fingerprint, page=paths.get(f.page_key) or page_path(f.page_key, run.base_url),
                         check_id=f.check_id, impact=f.impact, selector=f.selector, message=_summary(f.message),
                         accepted=accepted, reason=reason, expires=expires))
    return sorted(out, key=Entry.sort_key)


# --- the file ------------------------------------------------------------------------------------


def dumps(baseline: Baseline) -> str:
    """One entry a line, keys and entries sorted: a git diff shows exactly what was accepted or fixed."""
    entries = sorted(baseline.entries, key=Entry.sort_key)
    lines = ["{", '  "entries": [']
    for i, entry in enumerate(entries):
        comma = "," if i < len(entries) - 1 else ""
        lines.append("    " + json.dumps(entry.as_dict(), sort_keys=True, ensure_ascii=False) + comma)
    lines.append("  ],")
    lines.append(f'  "format": {json.dumps(FORMAT)},')
    lines.append(f'  "run": {json.dumps(baseline.run, ensure_ascii=False)},')
    lines.append(f'  "site": {json.dumps(baseline.site, ensure_ascii=False)},')
    lines.append(f'  "version": {VERSION}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _entry_lines(text: str) -> list[int]:
    """The line where each item of the top-level "entries" array starts (for error messages)."""
    match = re.search(r'"entries"\s*:\s*\[', text)
    if not match:
        return []
    decoder = json.JSONDecoder()
    pos, lines = match.end(), []
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except ValueError:
            break
    return lines


def _where(path: str, lines: Sequence[int], index: int | None = None) -> str:
    if index is not None and index < len(lines):
        return f"{path}:{lines[index]}"
    return path


def _parse_date(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(f"{what}: " + words.text("une date AAAA-MM-JJ est attendue, pas {value}", value=json.dumps(value, ensure_ascii=False)))
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}: " + words.text("« {value} » n'est pas une date qui existe", value=value)) from None
    return value


def _entry(item: Any, i: int) -> Entry:
    where = f"entries[{i}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: " + words.text("un objet {{\"fingerprint\": …, \"page\": …, \"check_id\": …}} est attendu"))
    unknown = sorted(set(item) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}: " + words.text("champ inconnu « {field} » (champs possibles : {fields})", field=unknown[0],
                                                     fields=", ".join(_FIELDS)))
    for key in _REQUIRED:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"{where}.{key}: " + words.text("obligatoire, un texte non vide"))
    impact = item.get("impact")
    if impact is not None and impact not in {i.value for i in Impact}:
        raise ValueError(f"{where}.impact: " + words.text("« {impact} » n'est pas une gravité : critical, serious, moderate, minor (ou null)", impact=impact))
    for key in ("selector", "reason", "message"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{where}.{key}: " + words.text("un texte ou null est attendu"))
    accepted = item.get("accepted") or ""
    if accepted:
        _parse_date(accepted, f"{where}.accepted")
    expires = item.get("expires")
    if expires is not None:
        _parse_date(expires, f"{where}.expires")
    return Entry(fingerprint=item["fingerprint"], page=item["page"], check_id=item["check_id"],
                 impact=Impact(impact) if impact else None, selector=item.get("selector"),
                 message=item.get("message") or "", accepted=accepted, reason=item.get("reason"), expires=expires)


def loads(text: str, path: str = "<baseline>") -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: " + words.text("JSON invalide ({problem}, colonne {column}) ; corrigez le fichier ou écrivez-le à nouveau avec `a11y-audit baseline accept`", problem=exc.msg,
                                                                     column=exc.colno)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: " + words.text("ce n'est pas un fichier de référence d'a11y-audit (un objet avec \"format\": \"{format}\" est attendu) ; écrivez-en un avec `a11y-audit baseline accept RUN --out {file}`", format=FORMAT, file=path))
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: " + words.text("version de référence « {version} » non prise en charge ({expected} attendue) ; écrivez le fichier à nouveau avec `a11y-audit baseline accept`", version=data.get("version"),
                                                       expected=VERSION))
    if not isinstance(data.get("site"), str) or not data["site"]:
        raise BaselineError(f"{path}: " + words.text("\"site\" : obligatoire, l'identifiant du site dont la référence accepte les constats"))
    items = data.get("entries")
    if not isinstance(items, list):
        raise BaselineError(f"{path}: " + words.text("\"entries\" : une liste de constats acceptés est attendue"))
    lines = _entry_lines(text)
    entries = []
    for i, item in enumerate(items):
        try:
            entries.append(_entry(item, i))
        except ValueError as exc:
            raise BaselineError(f"{_where(path, lines, i)}: {exc}") from None
    run = data.get("run")
    return Baseline(site=data["site"], entries=tuple(entries), run=run if isinstance(run, str) else None,
                    path=path)


def load(path: str | Path) -> Baseline:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{file}: " + words.text("fichier de référence introuvable ; créez-le à partir d'un audit avec `a11y-audit baseline accept RUN --out {file}`", file=file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{file}: " + words.text("lecture du fichier de référence impossible : {error}", error=exc)) from None
    return loads(text, str(file))


def _today(today: date | None) -> date:
    return today or date.today()


def _check_date(value: str | date | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return _parse_date(value, what)
    except ValueError as exc:
        raise BaselineError(str(exc)) from None


def accept(a: Assessment, path: str | Path, reason: str | None = None,
           expires: str | date | None = None, min_impact: str | None = None,
           today: date | None = None) -> Baseline:
    """Write the run's failures (at or above ``min_impact``; default all) into the baseline at ``path``.

    When ``path`` already holds a baseline of the same site, an entry still present keeps its accepted
    date, reason and expiry (accepting again does not rewrite history), and an entry on a page this run
    did not audit is kept (not audited is not fixed). Entries gone from audited pages are dropped.
    """
    run = a.run
    file = Path(path)
    expires = _check_date(expires, "--expires")
    if min_impact is not None and min_impact not in {i.value for i in Impact}:
        raise BaselineError(words.text("gravité minimale « {value} » : critical, serious, moderate ou minor attendu", value=min_impact))
    stamp = _today(today).isoformat()
    fresh = entries_from_run(a, min_impact=min_impact, accepted=stamp, reason=reason or None,
                             expires=expires)
    previous: Baseline | None = load(file) if file.exists() else None
    if previous is not None and previous.site != run.site:
        raise BaselineError(f"{file}: " + words.text("ce fichier de référence est celui du site « {site} », pas de « {wanted} » ; gardez un fichier de référence par site", site=previous.site, wanted=run.site))
    entries = fresh
    if previous is not None:
        audited = _audited(a)
        pool: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for old in previous.entries:
            pool[old.identity].append(old)
        merged = []
        for entry in fresh:
            olds = pool.get(entry.identity) or []
            old = next((o for o in olds if o.selector == entry.selector), olds[0] if olds else None)
            if old is not None:
                olds.remove(old)
            if old is not None and not old.expired(_today(today)):
                entry = replace(entry, accepted=old.accepted or entry.accepted, reason=old.reason or entry.reason,
                                expires=old.expires if old.expires else entry.expires)
            merged.append(entry)
        kept = [o for olds in pool.values() for o in olds if o.page not in audited]
        entries = merged + kept
    baseline = Baseline(site=run.site, entries=tuple(sorted(entries, key=Entry.sort_key)), run=run.id,
                        path=str(file))
    try:
        if file.parent and not file.parent.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(dumps(baseline), encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{file}: " + words.text("écriture du fichier de référence impossible : {error}", error=exc.strerror or exc)) from None
    return baseline


# --- comparing -----------------------------------------------------------------------------------


def _audited(a: Assessment) -> set[str]:
    """Paths of the pages this run audited (not in error)."""
    return {page_path(p.key if p.journey else p.url, a.run.base_url) for p in a.pages if not p.error}


def _pair(findings: list[Finding], entries: list[Entry]) -> tuple[list[tuple[Finding, Entry]], list[Finding],
                                                                  list[Entry]]:
    """Pair the findings and entries of one identity: same selector first, then in order."""
    findings = sorted(findings, key=lambda f: (f.selector or "", f.snippet or ""))
    left = sorted(entries, key=lambda e: (e.selector or "", e.accepted))
    pairs, lonely = [], []
    for f in findings:
        match = next((e for e in left if e.selector == f.selector), None)
        if match is not None:
            left.remove(match)
            pairs.append((f, match))
        else:
            lonely.append(f)
    rest = []
    for f in lonely:
        if left:
            pairs.append((f, left.pop(0)))
        else:
            rest.append(f)
    return pairs, rest, left


def compare_entries(a: Assessment, entries: Iterable[Entry], fail_on: str = "serious",
                    reference: str = "", today: date | None = None) -> Comparison:
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}")
    run = a.run
    day = _today(today)
    paths = _page_paths(a)
    audited = _audited(a)
    by_identity: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in _failures(a):
        by_identity[(f.fingerprint, paths.get(f.page_key) or page_path(f.page_key, run.base_url))].append(f)
    accepted: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        accepted[e.identity].append(e)

    new, below, still, fixed, expired, not_checked = [], [], [], [], [], []

    def unaccepted(f: Finding) -> None:
        (new if _at_or_above(f, fail_on) else below).append(f)

    for identity in sorted(set(by_identity) | set(accepted)):
        pairs, extra, gone = _pair(by_identity.get(identity, []), accepted.get(identity, []))
        for f, e in pairs:
            if e.expired(day):
                expired.append(e)
                unaccepted(f)
            else:
                still.append(f)
        for f in extra:
            unaccepted(f)
        for e in gone:
            (fixed if e.page in audited else not_checked).append(e)

    def order(f: Finding) -> tuple:
        return (-(f.impact.rank if f.impact else -1), paths.get(f.page_key, f.page_key), f.check_id,
                f.selector or "")

    return Comparison(site=run.site, run_id=run.id, base_url=run.base_url, fail_on=fail_on, reference=reference,
                      new=tuple(sorted(new, key=order)), new_below=tuple(sorted(below, key=order)),
                      still_open=tuple(sorted(still, key=order)), fixed=tuple(sorted(fixed, key=Entry.sort_key)),
                      expired=tuple(sorted(expired, key=Entry.sort_key)),
                      not_checked=tuple(sorted(not_checked, key=Entry.sort_key)), pages=paths)


def compare(a: Assessment, baseline_path: str | Path, fail_on: str = "serious",
            today: date | None = None) -> Comparison:
    """The assessed run against the baseline file; ``BaselineError`` (one line) when the file cannot be used."""
    run = a.run
    baseline = load(baseline_path)
    if baseline.site != run.site:
        raise BaselineError(f"{baseline_path}: " + words.text("ce fichier de référence est celui du site « {site} », mais l'audit {run} porte sur le site « {wanted} » ; donnez le fichier de référence de « {wanted} »", site=baseline.site,
                                                                run=run.id, wanted=run.site))
    return compare_entries(a, baseline.entries, fail_on, reference=str(baseline_path), today=today)


def compare_runs(a: Assessment, previous: Assessment, fail_on: str = "serious") -> Comparison:
    """The assessed run against an earlier one of the same site, as if that run had been accepted whole."""
    return compare_entries(a, entries_from_run(previous), fail_on, reference=previous.run.id)


# --- words ---------------------------------------------------------------------------------------


def impact_said(impact: Impact | str | None, lang: str = "fr") -> str:
    """An impact in a sentence (« grave », « serious »), or « gravité non précisée » when there is none."""
    if not impact:
        return words.text("gravité non précisée", lang=lang)
    return words.impact(str(impact), lang)


def _headline(cmp: Comparison, lang: str) -> str:
    n = len(cmp.new)
    if cmp.fail_on != "none":
        new = words.plural(n, "{n} nouvelle non-conformité de gravité {threshold} ou plus",
                           "{n} nouvelles non-conformités de gravité {threshold} ou plus", lang=lang,
                           threshold=words.impact(cmp.fail_on, lang))
    else:
        new = words.plural(n, "{n} nouvelle non-conformité", "{n} nouvelles non-conformités", lang=lang)
    counts = [new, words.plural(len(cmp.fixed), "{n} corrigée", "{n} corrigées", lang=lang),
              words.plural(len(cmp.still_open), "{n} toujours ouverte (acceptée)", "{n} toujours ouvertes (acceptées)",
                           lang=lang)]
    if cmp.new_below:
        counts.append(words.plural(len(cmp.new_below), "{n} nouvelle sous le seuil", "{n} nouvelles sous le seuil",
                                   lang=lang))
    return words.text("{site} : par rapport à {reference} : {counts}.", lang=lang, site=cmp.site,
                      reference=cmp.reference, counts=", ".join(counts))


def describe(cmp: Comparison, lang: str = "fr", limit: int = 50) -> list[str]:
    """What the CLI prints: one headline, then each new finding, each fixed one, and what was not checked."""
    lines = [_headline(cmp, lang)]
    for f in cmp.new[:limit]:
        values = {"impact": impact_said(f.impact, lang), "page": cmp.page_of(f), "check": f.check_id,
                  "selector": f.selector or "(page)",
                  "message": _summary(f.said("message", lang) or f.said("title", lang))[:120]}
        if any(e.identity == (f.fingerprint, cmp.page_of(f)) for e in cmp.expired):
            line = words.text("NOUVEAU [{impact}] {page} — {check} — {selector} — {message} (acceptation expirée)",
                              lang=lang, **values)
        else:
            line = words.text("NOUVEAU [{impact}] {page} — {check} — {selector} — {message}", lang=lang, **values)
        lines.append("  " + line)
    if len(cmp.new) > limit:
        lines.append("  " + words.text("… {n} de plus", lang=lang, n=len(cmp.new) - limit))
    for e in cmp.fixed[:limit]:
        lines.append("  " + words.text("CORRIGÉ [{impact}] {page} — {check} — {selector}", lang=lang,
                                       impact=impact_said(e.impact, lang), page=e.page, check=e.check_id,
                                       selector=e.selector or "(page)"))
    if len(cmp.fixed) > limit:
        lines.append("  " + words.text("… {n} de plus", lang=lang, n=len(cmp.fixed) - limit))
    for e in cmp.expired[:limit]:
        lines.append("  " + words.text("(expirée {date}) {page} — {check} — {selector}", lang=lang, date=e.expires,
                                       page=e.page, check=e.check_id, selector=e.selector or "(page)"))
    if cmp.not_checked:
        pages = sorted({e.page for e in cmp.not_checked})
        shown = ", ".join(pages[:5]) + (" …" if len(pages) > 5 else "")
        lines.append("  " + words.plural(
            len(cmp.not_checked),
            "{n} constat accepté sur des pages non auditées cette fois (non vérifié, pas corrigé) : {pages}",
            "{n} constats acceptés sur des pages non auditées cette fois (non vérifiés, pas corrigés) : {pages}",
            lang=lang, pages=shown))
    return lines

"""The assess stage: one run's data and its registered inputs → one frozen, language-neutral result.

What goes in (``Inputs``):

- the run, as gather and check left it in the store: pages and findings;
- the tester sessions and the auditor's verdicts registered with the site (``sessions:`` and ``verdicts:``
  in sites.yaml), and the sample (the site's pinned ``sample:``, else every audited page);
- a command-line flag that replaces one of them (``--sessions``, ``--verdicts``, ``--sample``) is an
  *override*: it is recorded in the result's provenance, and every output that used it says so.

What comes out (``Assessment``): the findings the outputs show (dismissed ones kept with their reason),
the testers' barriers, the RGAA grid, the rates, the prioritised issues, the *problems* (one defect on
one element, however many detectors report it), the broken links, the check metadata as of the check
stage, the provenance. Every number a person reads is computed here, once; the renderers (audit.reports,
audit.trend) read it and never count again. Definitions: docs/numbers.md.

The result is stored with the run (the store's ``results`` table) under a key made of every input —
the run's state, the site's configuration, the content of the session, verdict and sample files — and
made again only when one of them changes. The store forgets it when the run's findings change.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from audit import __version__, scoring, standards, words
from audit.address import page_name, site_path
from audit.fingerprint import normalise_selector
from audit.model import Finding, Impact, Outcome, PageKind, PageSnapshot, Site, Source
from audit.store import RunInfo, Store, page_id
from audit.words import N_, Msg

RESULT_VERSION = "4"  # bump when the Assessment's shape or a definition changes: stored results are remade



class AssessmentError(Exception):
    """An input that cannot be used (a broken tester file, verdicts about pages the sample lacks)."""

    def __init__(self, messages: Sequence[str]):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What an assessment reads besides the run. Paths as given (relative to where the command runs)."""

    sessions: tuple[str, ...] = ()  # tester session files or folders
    verdicts: str | None = None  # an auditor's YAML file or grid CSV
    auditor: str = ""  # who made a grid CSV (a YAML file says it itself)
    date: str | None = None  # when, for a grid CSV
    sample_file: str | None = None  # a pinned sample file instead of the site's ``sample:``
    overrides: tuple[str, ...] = ()  # the flags that replaced the registered inputs, as typed


def registered(site: Site | None) -> Inputs:
    """The inputs registered with ``site`` in sites.yaml."""
    if site is None:
        return Inputs()
    return Inputs(sessions=tuple(site.sessions), verdicts=site.verdicts)


def override(base: Inputs, sessions: Sequence[str] = (), verdicts: str | None = None, auditor: str = "",
             date: str | None = None, sample_file: str | None = None) -> Inputs:
    """``base`` with the command line's flags in place of the registered inputs, each one recorded."""
    said = list(base.overrides)
    if sessions:
        base = replace(base, sessions=tuple(str(s) for s in sessions))
        said.append("--sessions " + " ".join(str(s) for s in sessions))
    if verdicts:
        base = replace(base, verdicts=str(verdicts), auditor=auditor or base.auditor, date=date or base.date)
        said.append(f"--verdicts {verdicts}")
    if sample_file:
        base = replace(base, sample_file=str(sample_file))
        said.append(f"--sample {sample_file}")
    return replace(base, overrides=tuple(said))


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A check's (or axe rule's) metadata as of the check stage: what the renderers say about it."""

    id: str
    source: str  # axe | check | tester
    title: str  # French
    title_en: str
    description: str = ""
    description_en: str = ""
    how_to_fix: str = ""
    how_to_fix_en: str = ""
    impact: Impact | None = None
    help_url: str | None = None
    rgaa_tests: tuple[str, ...] = ()
    wcag: tuple[str, ...] = ()
    conclusive: bool = False

    # ours: French msgids translated by the catalogue; axe's: axe-core's own French and English
    def title_in(self, lang: str) -> str:
        if self.source == "check":
            return words.gettext(self.title, lang) or self.id
        return (self.title_en if lang == "en" else self.title) or self.title or self.id

    def description_in(self, lang: str) -> str:
        if self.source == "check":
            return words.gettext(self.description, lang) or self.title_in(lang)
        return (self.description_en if lang == "en" else self.description) or self.title_in(lang)

    def how_in(self, lang: str) -> str:
        if self.source == "check":
            return words.gettext(self.how_to_fix, lang) or self.description_in(lang)
        return (self.how_to_fix_en if lang == "en" else self.how_to_fix) or self.description_in(lang)


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A URL of the site that answered an HTTP error: not content, never audited."""

    url: str
    status: int | None
    error: str
    linked_from: tuple[str, ...]  # page keys


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the outputs are made of, for one run, in no language."""

    run: RunInfo
    site: Site | None
    pages: list[PageSnapshot]  # the run's pages, HTTP errors left out (they are broken links)
    # what the outputs show, in the store's order: failed and cant_tell findings (a second detector's report
    # of a problem carries extra["same_as"]), dismissed ones, testers' of any outcome, answered questions;
    # passed and inapplicable ones are only counted (page_counts, page_checks)
    findings: list[Finding]
    barriers: list[Finding]  # tester barriers without an RGAA criterion
    grid: scoring.Grid
    rates: scoring.Rates
    issues: list[scoring.Issue]
    sample_source: str  # "sites.yaml": the pinned sample; "run": every page the run audited
    inputs: Inputs = field(default_factory=Inputs)
    page_weight: dict[str, float] = field(default_factory=dict)
    environments: list[str] = field(default_factory=list)
    sessions: int = 0
    session_files: tuple[str, ...] = ()
    tester_notes: list[str] = field(default_factory=list)
    audit: Any = None  # audit.auditor.AuditorFile
    page_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # page key → live findings by outcome
    page_checks: dict[str, dict[str, str]] = field(default_factory=dict)  # page key → check id → worst outcome
    checks: dict[str, CheckInfo] = field(default_factory=dict)
    problems: int = 0
    problems_by_impact: dict[str, int] = field(default_factory=dict)
    reported_by_several: int = 0  # problems more than one detector reported
    broken_links: tuple[BrokenLink, ...] = ()
    failure: dict[str, Any] | None = None  # run.meta["failure"] of a failed run
    # the site's parts left out of the audit (sites.yaml out_of_scope): selector, reason, findings set aside
    out_of_scope: tuple[dict[str, Any], ...] = ()
    # the store's verdicts: the basis of each sample cell now (page ref, criterion → verdict_basis), the verdicts
    # that no longer hold (their page changed) and how many still count
    bases: dict[tuple[str, str], str] = field(default_factory=dict)
    stale_verdicts: tuple[StaleVerdict, ...] = ()
    stored_verdicts: int = 0
    assessed: str = ""

    @property
    def dismissed(self) -> list[Finding]:
        return [f for f in self.findings if f.dismissed]

    @property
    def failed(self) -> bool:
        """The run audited nothing: no grid, no rate, no zero to draw."""
        return self.run.status == "failed"

    @property
    def live(self) -> list[Finding]:
        """Findings that count: not dismissed, not a second detector's report of a problem already counted."""
        return [f for f in self.findings if not f.dismissed and not f.repeated]

    @property
    def nc_criteria(self) -> list[str]:
        return [c for c, s in self.grid.rollups().items() if s == scoring.Status.NC] if not self.failed else []

    @property
    def provenance(self) -> dict[str, Any]:
        return {"sessions": list(self.session_files),
                "verdicts": _shown_path(Path(self.inputs.verdicts)) if self.inputs.verdicts else None,
                "sample": self.inputs.sample_file or self.sample_source, "overrides": list(self.inputs.overrides),
                "assessed": self.assessed}


def _ref(snap: PageSnapshot) -> str:
    return snap.key if snap.journey is not None else site_path(snap.final_url or snap.url)


def http_error(snap: PageSnapshot) -> bool:
    return bool(snap.status and snap.status >= 400)


def grid_pages(pages: Sequence[PageSnapshot], sample: Iterable[Any] = (), base_url: str = "",
               aliases: dict[str, str] | None = None) -> tuple[tuple[scoring.GridPage, ...], str]:
    """The pages of the grid: the pinned sample (entries with ``name`` and ``path``) when there is one,
    else every HTML page the run audited (errors and HTTP errors left out). ``aliases``: other addresses of a
    page (a duplicate's URL → the page's key), so a pinned path that turned out to be another page finds it."""
    entries = list(sample)
    if not entries:
        out = [scoring.GridPage(key=s.key, url=s.final_url or s.url, name=page_name(s), ref=_ref(s),
                                journey=s.journey, step=s.step)
               for s in pages if s.kind == PageKind.HTML and not s.error and not http_error(s)]
        return tuple(out), "run"
    by_ref: dict[str, PageSnapshot] = {}
    for s in pages:
        if s.kind != PageKind.HTML:
            continue
        if s.journey is not None:
            by_ref[s.key] = s
            continue
        for u in (s.final_url, s.url):
            if u:
                current = by_ref.get(site_path(u))
                if current is None or (current.error and not s.error):
                    by_ref[site_path(u)] = s
    keyed = {s.key: s for s in pages}
    for url, key in (aliases or {}).items():
        if key in keyed:
            by_ref.setdefault(site_path(url), keyed[key])
    out = []
    seen: set[str] = set()
    for entry in entries:
        path = str(getattr(entry, "path", entry))
        name = str(getattr(entry, "name", "") or path)
        reason = str(getattr(entry, "reason", "") or "")
        snap = by_ref.get(path) or by_ref.get(site_path(urljoin(base_url + "/", path)) if base_url else path)
        if snap is None:
            key = f"absent:{path}"
            out.append(scoring.GridPage(key=key, url=urljoin(base_url + "/", path) if base_url else path, name=name,
                                        ref=path, reason=reason,
                                        error="page de l'échantillon absente de cet audit"))
            continue
        if snap.key in seen:
            continue
        seen.add(snap.key)
        error = snap.error or (f"HTTP {snap.status}" if http_error(snap) else None)
        out.append(scoring.GridPage(key=snap.key, url=snap.final_url or snap.url, name=name, ref=path,
                                    journey=snap.journey, step=snap.step, reason=reason, error=error))
    return tuple(out), "sites.yaml"


# --- inputs ---------------------------------------------------------------------------------------


def _files_under(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".yaml", ".yml")))
        elif p.exists():
            out.append(p)
    return out


def _shown_path(path: Path) -> str:
    """A path as the outputs show it: relative to where the command runs when it is below it (no machine's
    folders in a public report), else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _digest(path: str | Path | None) -> str | None:
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def inputs_key(run: RunInfo, site: Site | None, inputs: Inputs, declared: str | None = None,
               verdicts: str = "") -> str:
    """Every input of an assessment, as one key: the same key, the same result. ``declared``: the state of the
    site's last written declaration (the site's own mention is compared with it); ``verdicts``: the state of the
    verdicts kept in the store (``Store.verdicts_key``)."""
    files = {str(p): _digest(p) for p in _files_under(inputs.sessions)}
    data = {
        "version": RESULT_VERSION, "tool": __version__, "run": [run.id, run.status, run.finished], "declared": declared,
        "meta": json.dumps(run.meta, sort_keys=True, default=str), "site": repr(site), "inputs": asdict(inputs),
        "sessions": files, "verdicts": _digest(inputs.verdicts), "sample": _digest(inputs.sample_file),
        "stored_verdicts": verdicts,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _load_sessions(inputs: Inputs, site_id: str) -> tuple[list, list[str], tuple[str, ...]]:
    """Tester sessions of these inputs about ``site_id``: (sessions, problems as file:line, files read)."""
    if not inputs.sessions:
        return [], [], ()
    from audit import testers

    missing = [s for s in inputs.sessions if not Path(s).exists()]
    sessions, messages = testers.load_sessions([s for s in inputs.sessions if Path(s).exists()])
    messages = [f"{m}: introuvable (sessions de test)" for m in missing] + list(messages)
    files = tuple(_shown_path(p) for p in _files_under(inputs.sessions))
    return testers.sessions_for(site_id, sessions), messages, files


def _load_verdicts(inputs: Inputs):
    if not inputs.verdicts:
        return None
    from audit import auditor

    return auditor.load(inputs.verdicts, auditor=inputs.auditor, when=inputs.date)


# --- the result -----------------------------------------------------------------------------------


def load_or_assess(store: Store, run: RunInfo, site: Site | None, inputs: Inputs | None = None) -> Assessment:
    """The stored result of ``run`` for these inputs, else a new one, stored."""
    inputs = registered(site) if inputs is None else inputs
    site_id = site.id if site else run.site
    key = inputs_key(run, site, inputs, store.declared_state(site_id), store.verdicts_key(site_id))
    blob = store.load_result(run, key)
    if blob is not None:
        try:
            result = pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own store, written below
            if isinstance(result, Assessment):
                return result
        except Exception:  # noqa: BLE001 - a result of another version: made again
            pass
    result = assess(store, run, site, inputs)
    store.save_result(run, key, zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 6))
    return result


def assess(store: Store, run: RunInfo, site: Site | None = None, inputs: Inputs | None = None,
           sample: Iterable[Any] | None = None, audit_file: Any = None) -> Assessment:
    """The result of ``run`` with ``inputs`` (default: those registered with ``site``).

    ``sample``: entries with ``name`` and ``path`` in place of the site's pinned sample (tests, ``sample``);
    ``audit_file``: an already loaded ``AuditorFile`` in place of ``inputs.verdicts``.
    """
    from audit import auditor
    from audit.store import now_iso

    inputs = registered(site) if inputs is None else inputs
    done = store.done_keys(run)  # pages never reached (an interrupted run) are not pages of the result
    every = [p for p in store.pages(run) if p.key in done]
    pages = [p for p in every if not http_error(p)]
    # a failed run audited nothing: no session can answer, confirm or dismiss anything in it
    sessions, notes, session_files = (_load_sessions(inputs, site.id if site else run.site)
                                      if run.status != "failed" else ([], [], ()))
    if sample is None and inputs.sample_file:
        from audit.sample import load_pinned

        sample = load_pinned(inputs.sample_file)
    if sample is None:
        sample = site.sample if site is not None else ()
    gpages, source = grid_pages(every, sample or (), site.base_url if site else run.base_url, store.aliases(run))
    if run.status == "failed":
        gpages = ()
    audit_file = audit_file if audit_file is not None else _load_verdicts(inputs)
    resolved = auditor.resolve(audit_file, gpages) if audit_file is not None else None
    # the verdicts kept in the store (the workspace, `grid import`) come after a file's: the later word
    stored: dict[str, list[Any]] = defaultdict(list)
    for v in store.verdicts(site.id if site else run.site) if run.status != "failed" else ():
        stored[v.page].append(v)
    bases: dict[tuple[str, str], str] = {}
    stale: list[StaleVerdict] = []
    kept_verdicts = 0
    applied: list[Any] = []  # the stored answers that count
    environments: list[str] = []
    page_weight: dict[str, float] = {}
    barriers: list[Finding] = []
    conclusive = scoring.conclusive_check_ids()

    if sessions:
        from audit import testers

        merged = testers.merge(list(store.findings(run)), list(sessions), pages)
        barriers = list(merged.barriers)
        page_weight, environments = dict(merged.page_weight), list(merged.environments)
        notes.extend(merged.notes)
        by_page: dict[str, list[Finding]] = defaultdict(list)
        for f in merged.findings:
            by_page[f.page_key].append(f)

        def found(keys: list[str]) -> list[Finding]:
            return [f for k in keys for f in by_page.get(k, ())]
    else:
        def found(keys: list[str]) -> list[Finding]:
            return [f for k in keys for f in store.findings(run, k)]

    if audit_file is not None:
        for env in audit_file.environments:
            if env not in environments:
                environments.append(env)

    # One pass, part by part (a journey's steps together, for the journey rule; else page by page): the
    # run's findings are never all in memory unless sessions were merged.
    in_grid = {p.key: p for p in gpages}
    parts: dict[str, list[str]] = {}
    for p in pages:
        parts.setdefault(f"journey:{p.journey}" if p.journey else f"page:{p.key}", []).append(p.key)
    audited = {q.key for q in pages}
    for p in gpages:
        if p.key not in audited:
            parts.setdefault(f"page:{p.key}", []).append(p.key)
    snaps = {p.key: p for p in pages}
    cells: dict[tuple[str, str], scoring.Cell] = {}
    shared: dict[tuple, tuple] = {}  # equal tests and proofs of many pages' cells, held once
    shown: list[Finding] = []
    page_counts: dict[str, dict[str, int]] = {}
    page_checks: dict[str, dict[str, str]] = {}
    seen_checks: dict[str, Finding] = {}
    mentions: list[Finding] = []  # what each page says of its accessibility, compared with the declaration below
    scope = tuple(site.out_of_scope) if site is not None else ()
    left_out: dict[int, list[str]] = defaultdict(list)  # scope rule → page keys of the findings it set aside
    for keys in parts.values():
        part_findings = found(keys)
        if scope:
            part_findings = _in_scope(run, snaps, part_findings, scope, left_out)
        grid_part = [in_grid[k] for k in keys if k in in_grid]
        if grid_part:
            part_resolved = dict(resolved or {})
            for gp in grid_part:
                for crit, basis in page_bases(snaps.get(gp.key), part_findings, gp.key).items():
                    bases[(gp.ref, crit)] = basis
                for verdict, reason in _stored_verdicts(stored.get(gp.ref, ()), gp, bases):
                    if reason is None:
                        part_resolved[(gp.key, verdict.criterion)] = verdict
                        kept_verdicts += 1
                        applied.extend(v for v in stored.get(gp.ref, ()) if v.criterion == verdict.criterion)
                    else:
                        stale.append(reason)
            for key, cell in scoring.build_grid(grid_part, part_findings, part_resolved or None,
                                                conclusive).cells.items():
                cells[key] = replace(cell, tests=shared.setdefault(cell.tests, cell.tests),
                                     proofs=shared.setdefault(cell.proofs, cell.proofs))
        for key in keys:
            mine = [f for f in part_findings if f.page_key == key]
            counts: Counter = Counter()
            outcomes: dict[str, Outcome] = {}
            for f in mine:
                seen_checks.setdefault(f.check_id, f)
                if f.check_id == MENTION_CHECK and f.snippet:
                    mentions.append(f)
                if not f.dismissed:
                    counts[f.outcome.value] += 1
                    if f.check_id not in outcomes or f.outcome.rank > outcomes[f.check_id].rank:
                        outcomes[f.check_id] = f.outcome
            if counts:
                page_counts[key] = dict(counts)
            if outcomes:
                page_checks[key] = {c: o.value for c, o in sorted(outcomes.items())}
            kept = [f for f in mine if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) or f.dismissed
                    or f.source == Source.TESTER or (f.extra and f.extra.get("answered_by"))]
            if kept and key in snaps:
                _locate_all(run, snaps[key], kept)
            shown.extend(kept)
    for f in barriers:
        seen_checks.setdefault(f.check_id, f)
        if not f.dismissed:
            page_counts.setdefault(f.page_key, {})
            page_counts[f.page_key][f.outcome.value] = page_counts[f.page_key].get(f.outcome.value, 0) + 1
    if applied:
        audit_file = _with_stored(audit_file, applied)
    grid = scoring.Grid(pages=gpages, cells={(p.key, c): cells[(p.key, c)] for p in gpages for c in standards.CRITERIA})
    rates = scoring.compute_rates(grid)
    declared = store.declared_state(site.id if site else run.site) or rates.state.value
    for f in _mention_mismatches(mentions, declared):
        seen_checks.setdefault(f.check_id, f)
        shown.append(f)
    order = [p.key for p in gpages] + [p.key for p in pages]
    issues = scoring.group_issues([*shown, *barriers], page_weight=page_weight,
                                  journey_pages=[p.key for p in pages if p.journey], page_order=order)
    problems, by_impact, several = _problems(issues)
    return Assessment(
        run=run, site=site, pages=pages, findings=shown, barriers=barriers, grid=grid, rates=rates, issues=issues,
        sample_source=source, inputs=inputs, page_weight=page_weight, environments=environments,
        sessions=len(sessions), session_files=session_files, tester_notes=notes, audit=audit_file,
        page_counts=page_counts, page_checks=page_checks, checks=_check_infos(seen_checks, conclusive),
        problems=problems, problems_by_impact=by_impact, reported_by_several=several,
        broken_links=_broken_links(every, pages), failure=run.meta.get("failure") if run.status == "failed" else None,
        out_of_scope=tuple({"selector": rule.selector, "reason": rule.reason, "where": rule.where,
                            "findings": len(left_out.get(i, ())), "pages": len(set(left_out.get(i, ())))}
                           for i, rule in enumerate(scope)),
        bases=bases, stale_verdicts=tuple(stale), stored_verdicts=kept_verdicts, assessed=now_iso())


# --- the verdicts kept in the store: still true, or back to « à vérifier » ---------------------------------


@dataclass(frozen=True, slots=True)
class StaleVerdict:
    """A verdict given on a page that has changed since: it no longer counts, and says why."""

    page: str  # the page's reference in the sample
    criterion: str
    status: str
    auditor: str
    at: str
    reason: str  # a msgid (audit.words): what changed


STALE_CONTENT = N_("le contenu de la page a changé depuis ce verdict")
STALE_FINDINGS = N_("les constats automatiques ou des testeurs sur ce critère ont changé depuis ce verdict")


def page_bases(snap: PageSnapshot | None, findings: Sequence[Finding], page_key: str) -> dict[str, str]:
    """What a verdict on each criterion of this page rests on: the page's content (its HTTP body, else its
    rendered text) and the findings bearing on the criterion (failed, to verify, a tester's), as a small JSON
    text. The same basis on a later run: the verdict still holds."""
    content = ((snap.content_hash or snap.render_hash or "") if snap is not None else "")[:16]
    prints: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.page_key != page_key or f.dismissed:
            continue
        if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) or f.source == Source.TESTER:
            for t in f.rgaa_tests:
                prints[".".join(t.split(".")[:2])].add(f.fingerprint or f.check_id)
    out = {}
    for crit in standards.CRITERIA:
        digest = hashlib.sha256("\n".join(sorted(prints.get(crit, ()))).encode("utf-8")).hexdigest()[:16]
        out[crit] = json.dumps({"content": content, "findings": digest}, sort_keys=True)
    return out


def _with_stored(audit_file: Any, applied: Sequence[Any]) -> Any:
    """The auditor's file as the declaration reads it, with what the stored verdicts add: who gave them (after
    the file's auditor), the date of the last one (the audit's, unless the file says one) and their dérogations
    (a verdict with a dérogation: its comment is the justification)."""
    from audit.auditor import AuditorFile, Derogation, Exemption

    base = audit_file if audit_file is not None else AuditorFile(path="store", kind="store")
    names = list(dict.fromkeys(n for n in [base.auditor, *(v.auditor for v in applied)] if n))
    last = max(v.at for v in applied)[:10]
    derogations, exemptions = list(base.derogations), list(base.exemptions)
    for v in applied:
        crit = standards.CRITERIA.get(v.criterion)
        what = f"{v.criterion} {crit.title if crit else ''} — {v.page}".strip()
        if v.derogation == "disproportionate":
            derogations.append(Derogation(content=what, justification=v.comment, alternative="", pages=(v.page,),
                                          where=f"store:{v.page}:{v.criterion}"))
        elif v.derogation == "exempt":
            exemptions.append(Exemption(content=what, reason=v.comment, where=f"store:{v.page}:{v.criterion}"))
    return replace(base, auditor=", ".join(names), date=base.date or last, derogations=tuple(derogations),
                   exemptions=tuple(exemptions))


def _stored_verdicts(rows: Sequence[Any], gp: scoring.GridPage, bases: dict[tuple[str, str], str]):
    """(verdict for the grid, None) for each criterion the stored rows settle on this page, or (None, stale)
    when what the verdict was given on has changed. Answers per test settle the criterion once every test of
    it is answered: NC if one is NC, NA if all are NA, else C."""
    by_criterion: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_criterion[row.criterion].append(row)
    for crit, answers in sorted(by_criterion.items()):
        now = bases.get((gp.ref, crit), "")
        changed = [a for a in answers if a.basis and a.basis != now]
        if changed:
            a = changed[0]
            before, after = json.loads(a.basis), json.loads(now) if now else {}
            reason = STALE_CONTENT if before.get("content") != after.get("content") else STALE_FINDINGS
            yield None, StaleVerdict(page=gp.ref, criterion=crit, status=a.status, auditor=a.auditor, at=a.at,
                                     reason=reason)
            continue
        whole = next((a for a in answers if not a.test), None)
        if whole is not None:
            status, chosen = scoring.Status(whole.status), whole
        else:
            tests = [t for t, c in standards.TESTS.items() if c == crit]
            given = {a.test: a for a in answers}
            if not tests or any(t not in given for t in tests):
                continue  # some tests still to answer: the criterion stays « à vérifier »
            statuses = {given[t].status for t in tests}
            status = (scoring.Status.NC if "NC" in statuses else scoring.Status.NA if statuses == {"NA"}
                      else scoring.Status.C)
            chosen = max(answers, key=lambda a: a.at)
        comment = " ; ".join(a.comment for a in answers if a.comment)
        yield scoring.Verdict(page=gp.ref, criterion=crit, status=status, comment=comment,
                              where=words.text("espace de travail, {at}", at=chosen.at),
                              auditor=chosen.auditor), None


# --- scope: the parts of the pages that are not the site's own ------------------------------------------


def _in_scope(run: RunInfo, snaps: dict[str, PageSnapshot], findings: list[Finding], scope: Sequence[Any],
              left_out: dict[int, list[str]]) -> list[Finding]:
    """``findings`` without those on an element inside a part the site declares out of scope (a CMS toolbar, a
    third-party chat); each one set aside is counted under its rule. The element is found in the page's
    rendered DOM by the finding's XPath, else its CSS selector; a finding on the whole page stays."""
    from audit.checks import Evidence

    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_page[f.page_key].append(f)
    kept: list[Finding] = []
    for key, items in by_page.items():
        snap = snaps.get(key)
        located = [f for f in items if f.xpath or f.selector]
        if snap is None or not located:
            kept.extend(items)
            continue
        dom = Evidence(snap, run.folder / "pages" / page_id(key)).dom
        if dom is None:
            kept.extend(items)
            continue
        owner: dict[Any, int] = {}
        for i, rule in enumerate(scope):
            try:
                for el in dom.cssselect(rule.selector):
                    owner.setdefault(el, i)
            except Exception:  # noqa: BLE001 - checked when sites.yaml is read; a selector lxml cannot run keeps all
                continue
        if not owner:
            kept.extend(items)
            continue
        for f in items:
            rule = _owner(dom, f, owner)
            if rule is None:
                kept.append(f)
            else:
                left_out[rule].append(key)
    return kept


def _owner(dom, f: Finding, owner: dict[Any, int]) -> int | None:
    element = None
    try:
        if f.xpath and f.xpath.startswith("/"):
            hits = dom.xpath(f.xpath)
            element = hits[0] if hits else None
        if element is None and f.selector and "⟶" not in f.selector and ">>>" not in f.selector:
            hits = dom.cssselect(f.selector)
            element = hits[0] if hits else None
    except Exception:  # noqa: BLE001 - a selector lxml cannot read (axe's own syntax): the finding stays
        return None
    while element is not None:
        if element in owner:
            return owner[element]
        element = element.getparent()
    return None


# --- the site's own accessibility mention against the declaration -------------------------------------

MENTION_CHECK = "legal-accessibility-mention"
MISMATCH_CHECK = "legal-accessibility-mention-state"
_STATE_WORDS = {"total": N_("totalement conforme"), "partial": N_("partiellement conforme"),
                "none": N_("non conforme")}
MISMATCH_TITLE = N_("La mention d'accessibilité affichée ne correspond pas à la déclaration")
MISMATCH_DESCRIPTION = N_("La mention « Accessibilité : … » qu'une page affiche engage la ville : elle doit reprendre "
                          "l'état de conformité de la déclaration publiée.")
MISMATCH_HOW = N_("Remplacez la mention par celle de la déclaration publiée (en général dans le gabarit du pied de "
                  "page), ou publiez la déclaration qui justifie l'état affiché.")


def _mention_mismatches(mentions: Iterable[Finding], declared: str) -> Iterator[Finding]:
    """A failed finding for each page whose mention « Accessibilité : … » says another state than the declaration
    (the last one written, else the state this result gives: « non conforme » while no valid audit exists)."""
    from audit.checks.mention import state_of
    from audit.fingerprint import fingerprint

    for f in mentions:
        claim = state_of(f.snippet)
        if claim is None or claim == declared:
            continue
        said, truth = Msg(_STATE_WORDS.get(claim, claim)), Msg(_STATE_WORDS.get(declared, declared))
        message = Msg("La page affiche « {shown} » ; la déclaration dit « {truth} ». La mention affichée sur le site "
                      "engage la ville : elle doit reprendre l'état de la déclaration publiée ({said} ≠ {truth}).",
                      shown=f.snippet, truth=truth, said=said)
        how = Msg("Remplacez la mention par « Accessibilité : {truth} » sur cette page (en général dans le gabarit "
                  "du pied de page), ou publiez la déclaration qui justifie l'état affiché.",
                  truth=str(truth))  # the mention the law gives, in French on a French site
        yield Finding(
            check_id=MISMATCH_CHECK, source=Source.CHECK, outcome=Outcome.FAILED, page_key=f.page_key,
            page_url=f.page_url, impact=Impact.CRITICAL, snippet=f.snippet, title=MISMATCH_TITLE,
            message=str(message), how_to_fix=str(how), fingerprint=fingerprint(MISMATCH_CHECK, None, f.snippet or ""),
            extra={"said": {"message": message.data(), "how_to_fix": how.data()}})


# --- problems: one defect on one element, however many detectors report it ---------------------------


def _element_keys(f: Finding) -> set[tuple[str, str]]:
    keys = set()
    sel = normalise_selector(f.selector) if f.selector else ""
    if sel:
        keys.add(("selector", sel))
    tag = scoring.opening_tag(f.snippet)
    if tag:
        keys.add(("tag", tag))
    if f.xpath:
        keys.add(("xpath", f.xpath))
    return keys


def _problems(issues: Sequence[scoring.Issue]) -> tuple[int, dict[str, int], int]:
    """Count the problems of these issues, page by page, and mark each finding that a second detector made of
    an element already counted (``extra["same_as"]`` on it, ``extra["also"]`` on the first)."""
    total = 0
    several = 0
    by_impact: Counter = Counter()
    for issue in issues:
        by_page: dict[str, list[Finding]] = defaultdict(list)
        for f in issue.findings:
            by_page[f.page_key].append(f)
        for items in by_page.values():
            clusters: list[tuple[Finding, set[str], set[tuple[str, str]], list[Finding]]] = []
            for f in sorted(items, key=lambda f: f.source != Source.CHECK):  # our checks speak French: first
                keys = _element_keys(f)
                home = None
                for cluster in clusters:
                    head, checks, ckeys, _ = cluster
                    cause = scoring.PAGE_CAUSES.get(f.check_id)
                    if cause is not None and scoring.PAGE_CAUSES.get(head.check_id) == cause:
                        home = cluster  # one cause of the page: one problem, its elements inside
                        break
                    if f.check_id not in checks and keys & ckeys:
                        home = cluster
                        break
                if home is None:
                    clusters.append((f, {f.check_id}, set(keys), []))
                    continue
                home[1].add(f.check_id)
                home[2].update(keys)
                home[3].append(f)
            for head, checks, _, others in clusters:
                total += 1
                impacts = [i for i in (scoring.impact_of(x) for x in (head, *others)) if i is not None]
                top = max(impacts, key=lambda i: i.rank) if impacts else None
                by_impact[top.value if top else "none"] += 1
                also = sorted(checks - {head.check_id})
                if also:
                    several += 1
                    head.extra["also"] = also
                if others:
                    head.extra["elements"] = [x.selector for x in (head, *others) if x.selector][:50]
                for x in others:
                    if x.check_id != head.check_id:
                        x.extra["same_as"] = head.check_id
                    else:
                        x.extra["same_as"] = head.check_id  # one problem a page: the other elements
    return total, {i.value: by_impact.get(i.value, 0) for i in _IMPACTS} | (
        {"none": by_impact["none"]} if by_impact.get("none") else {}), several


_IMPACTS = (Impact.CRITICAL, Impact.SERIOUS, Impact.MODERATE, Impact.MINOR)


# --- broken links, source lines, check metadata ------------------------------------------------------


def _same_url(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.path or "/") == (pb.path or "/") and pa.query == pb.query and pa.netloc == pb.netloc


def _broken_links(every: Sequence[PageSnapshot], pages: Sequence[PageSnapshot]) -> tuple[BrokenLink, ...]:
    out = []
    for snap in every:
        if not http_error(snap):
            continue
        targets = {u for u in (snap.url, snap.final_url) if u}
        linking = tuple(p.key for p in pages if any(_same_url(link, t) for link in p.links for t in targets))
        out.append(BrokenLink(url=snap.url, status=snap.status, error=snap.error or f"HTTP {snap.status}",
                              linked_from=linking))
    return tuple(out)


def _locate_all(run: RunInfo, snap: PageSnapshot, findings: list[Finding]) -> None:
    """Line and column of each finding's element in the page's HTTP source, when it is there once, as
    written (an element the page's scripts inserted has none): ``extra["line"]``, ``extra["column"]``."""
    name = (snap.files or {}).get("source")
    if not name:
        return
    try:
        source = (run.folder / "pages" / page_id(snap.key) / name).read_bytes().decode("utf-8", "replace")
    except OSError:
        return
    for f in findings:
        raw = _raw_tag(f.snippet)
        if not raw:
            continue
        first = source.find(raw)
        if first < 0 or source.find(raw, first + 1) >= 0:
            continue
        f.extra["line"] = source.count("\n", 0, first) + 1
        f.extra["column"] = first - (source.rfind("\n", 0, first) + 1) + 1


def _raw_tag(snippet: str | None) -> str:
    """The snippet's opening tag as written (to be found in the source as it is)."""
    match = re.match(r"<[a-zA-Z][^>]*>", (snippet or "").strip())
    return match.group(0) if match else ""


def _check_infos(seen: dict[str, Finding], conclusive: frozenset[str]) -> dict[str, CheckInfo]:
    """Metadata of every check that ran, from the check registry and axe's catalogue, with each finding's own
    texts as the fallback."""
    ours: dict[str, Any] = {}
    axe: dict[str, Any] = {}
    french: dict[str, Any] = {}
    try:
        from audit.checks import load_checks

        ours = dict(load_checks())
    except Exception:  # noqa: BLE001 - without the registry, the findings' own texts are used
        ours = {}
    if any(c.startswith("axe:") for c in seen):
        try:
            from audit import catalogue
            from audit.browser import axe_script_path

            axe = {e.id: e for e in catalogue.axe_entries()}
            locale = json.loads((axe_script_path().parent / "locales" / "fr.json").read_text(encoding="utf-8"))
            french = locale.get("rules", {}) if isinstance(locale, dict) else {}
        except Exception:  # noqa: BLE001 - optional: the findings carry titles too
            axe, french = {}, {}
    out: dict[str, CheckInfo] = {}
    for cid, first in sorted(seen.items()):
        chk = ours.get(cid)
        if cid == MISMATCH_CHECK:  # made by this stage, not a check of the registry
            out[cid] = CheckInfo(id=cid, source="check", title=MISMATCH_TITLE, title_en="",
                                 description=MISMATCH_DESCRIPTION, how_to_fix=MISMATCH_HOW, impact=Impact.CRITICAL,
                                 help_url=first.help_url)
            continue
        if chk is not None:
            out[cid] = CheckInfo(id=cid, source="check", title=chk.title, title_en="",
                                 description=chk.description, how_to_fix=chk.how_to_fix, impact=chk.impact,
                                 help_url=first.help_url, rgaa_tests=tuple(chk.rgaa_tests), wcag=tuple(chk.wcag),
                                 conclusive=cid in conclusive)
            continue
        entry = axe.get(cid)
        fr = french.get(cid[4:], {}) if cid.startswith("axe:") else {}
        fr = fr if isinstance(fr, dict) else {}
        title_en = (entry.title_in("en") if entry is not None else "") or first.title or cid
        title_fr = fr.get("help") or (entry.title_in("fr") if entry is not None else "") or first.title or cid
        out[cid] = CheckInfo(
            id=cid, source=first.source.value, title=title_fr, title_en=title_en,
            description=fr.get("description") or first.how_to_fix or title_fr,
            description_en=first.how_to_fix or title_en, how_to_fix=fr.get("description") or first.how_to_fix,
            how_to_fix_en=first.how_to_fix, impact=first.impact or (
                Impact(entry.impact) if entry is not None and getattr(entry, "impact", None) else None),
            help_url=first.help_url or (entry.help_url if entry is not None else None),
            rgaa_tests=tuple(first.rgaa_tests or (entry.rgaa_tests if entry is not None else ())),
            wcag=tuple(first.wcag or (entry.wcag if entry is not None else ())))
    return out

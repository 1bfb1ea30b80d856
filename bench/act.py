"""ACT conformance harness: our whole check set against the W3C ACT Rules test cases.

Serves the ACT test cases folder over HTTP on 127.0.0.1, gathers every test case of the chosen rules
with one real Chromium (``audit.browser.Browser``: pinned axe-core and our probes), runs
``audit.checks.run_checks`` on each snapshot, maps the findings to ACT rules and scores them by the
W3C method (see docs/act.md):

- a test case is *consistent* when a mapped check reports a failure on a ``failed`` case, and no mapped
  check reports a failure on a ``passed`` or ``inapplicable`` case;
- a rule is *complete* when every case is consistent, *partial* when there is no false failure but
  some failed cases are missed (*minimal* when none of them is found), else *inconsistent*.

A check maps to an ACT rule (a) through axe-core's own ``actIds`` metadata, (b) through ``OURS``, the
explicit map for our own checks, (c) informatively only, through the rule's primary WCAG success
criteria. The headline uses (a)+(b).

    python -m bench.act                 # the 41 automatable rules
    python -m bench.act --rule 2779a5 --rule 23a2a8 --json /tmp/act.json
    python -m bench.act --all
    python -m bench.act --keep /tmp/act-snap     # then, after editing a check, offline in seconds:
    python -m bench.act --from /tmp/act-snap
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import json
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import click

DEFAULT_ACT_DIR = Path(__file__).resolve().parents[2] / "shared" / "act-rules"
MAX_JOBS = 2  # the machine has 2 cores shared with other work: never more than two pages in flight
TARGET_CONSISTENT = 95.0

# (b) Our own checks → the ACT rules that test the same thing. Explicit and reviewable: a check is
# listed under a rule only when it decides the rule's question on the rule's applicability (not merely
# the same success criterion). Check ids come from ``audit.checks.load_checks()``.
#
# Left out on purpose, where RGAA asks more than the ACT rule (our failure would be right for the RGAA and a
# false failure for ACT): rgaa-2.1-frame-title (RGAA wants a title attribute; cae760 accepts aria-label),
# rgaa-1.2-decorative (RGAA also forbids title on a decorative image; 46ca7f does not), rgaa-12.7-skip-link
# (RGAA wants a skip link; cf77f2 accepts landmarks or headings), rgaa-11.13-autocomplete-missing (73f2c2
# judges only the autocomplete values present).
OURS: dict[str, frozenset[str]] = {
    # page: title and languages
    "2779a5": frozenset({"rgaa-8.5-title"}),  # HTML page has non-empty title
    "c4a8a4": frozenset({"rgaa-8.6-title-relevant"}),  # HTML page title is descriptive
    "b5c3f8": frozenset({"rgaa-8.3-lang-present"}),  # HTML page has lang attribute
    "bf051a": frozenset({"rgaa-8.4-lang-valid"}),  # HTML page lang attribute has valid language tag
    "de46e4": frozenset({"rgaa-8.8-lang-code-valid"}),  # Element with lang attribute has valid language tag
    # text alternatives
    "23a2a8": frozenset({"rgaa-1.1-img-alt"}),  # Image has non-empty accessible name
    "59796f": frozenset({"rgaa-1.1-input-image"}),  # Image button has non-empty accessible name
    "7d6734": frozenset({"rgaa-1.1-svg"}),  # SVG element with explicit role has non-empty accessible name
    "qt1vmo": frozenset({"rgaa-1.3-img-alt-relevant"}),  # Image accessible name is descriptive
    # links (a link unclear in its context is unclear on its own: 6.1 can map to both)
    "c487ae": frozenset({"rgaa-6.2-link-name", "rgaa-1.1-area"}),  # Link has non-empty accessible name
    "5effbb": frozenset({"rgaa-6.1-link-text"}),  # Link in context is descriptive
    "aizyf1": frozenset({"rgaa-6.1-link-text"}),  # Link is descriptive
    # forms
    "e086e5": frozenset({"rgaa-11.1-label"}),  # Form field has non-empty accessible name
    "cc0f0a": frozenset({"rgaa-11.2-label-relevance"}),  # Form field label is descriptive
    "73f2c2": frozenset({"rgaa-11.13-autocomplete-valid"}),  # autocomplete attribute has valid value
    # tables and structure
    "a25f45": frozenset({"rgaa-5.7-headers-attr"}),  # Headers attribute refers to cells in the same table
    "d0f69e": frozenset({"rgaa-5.7-header-has-cells"}),  # Table header cell has assigned cells
    "ffd0e9": frozenset({"rgaa-9.1-heading-empty"}),  # Heading has non-empty accessible name
    # axe rules that test exactly an ACT rule but do not declare its id in their actIds
    "2t702h": frozenset({"axe:summary-name"}),  # Summary element has non-empty accessible name
    # presentation
    "24afc2": frozenset({"rgaa-10.12-spacing-important"}),  # Important letter spacing in style attributes
    "9e45ec": frozenset({"rgaa-10.12-spacing-important"}),  # Important word spacing in style attributes
    "78fd32": frozenset({"rgaa-10.12-spacing-important"}),  # Important line height in style attributes
    "59br37": frozenset({"rgaa-10.4-text-zoom"}),  # Zoomed text node is not clipped with CSS overflow
    "b33eff": frozenset({"rgaa-13.9-orientation"}),  # Orientation is not restricted using CSS transforms
    "oj04fd": frozenset({"rgaa-10.7-focus-visible"}),  # Element in sequential focus order has visible focus
    # keyboard, time, media (a refresh our check fails is one both ACT refresh rules fail)
    "80af7b": frozenset({"rgaa-12.9-keyboard-trap"}),  # Focusable element has no keyboard trap
    "a1b64e": frozenset({"rgaa-12.9-keyboard-trap"}),  # ... no keyboard trap via standard navigation
    "ebe86a": frozenset({"rgaa-12.9-keyboard-trap"}),  # ... no keyboard trap via non-standard navigation
    "ye5d6e": frozenset({"rgaa-12.7-skip-link", "rgaa-12.7-skip-link-works"}),  # Document has an instrument
    # to move focus to non-repeated content
    "bc659a": frozenset({"rgaa-13.1-refresh"}),  # Meta element has no refresh delay
    "bisz58": frozenset({"rgaa-13.1-refresh"}),  # Meta element has no refresh delay (no exception)
    "80f0bf": frozenset({"rgaa-4.10-autoplay-sound"}),  # Audio or video avoids automatically playing audio
    "2eb176": frozenset({"rgaa-4.1-transcript"}),  # Audio element content has transcript
    "f51b46": frozenset({"rgaa-4.3-captions"}),  # Video element auditory content has captions
    "1ea59c": frozenset({"rgaa-4.5-audio-description"}),  # Video element visual content has audio description
}


class ActError(Exception):
    """Bad input to the harness (missing folder, broken manifest, unknown rule); the message says what to do."""


class Expected(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INAPPLICABLE = "inapplicable"


class Verdict(StrEnum):
    CONSISTENT = "consistent"
    FALSE_FAILURE = "false_failure"  # a mapped failure on a passed / inapplicable case
    MISSED = "missed"  # no mapped failure on a failed case
    NOT_RUN = "not_run"  # the case could not be gathered


class RuleStatus(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    MINIMAL = "minimal"
    INCONSISTENT = "inconsistent"
    NOT_RUN = "not_run"


class Scheme(StrEnum):
    """Which findings count for a rule."""

    AXE = "axe"  # (a) axe-core's actIds only: comparable to axe-core's published report
    HEADLINE = "headline"  # (a) + (b) our explicit map
    FALLBACK = "fallback"  # (a) + (b) + (c) our checks sharing the rule's primary WCAG SC (informative)


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    rule_id: str
    rule_name: str
    title: str
    expected: Expected
    url_path: str
    media_type: str
    automatable: str
    wcag_scs: tuple[str, ...] = ()
    missing_assets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    automatable: str
    wcag_scs: tuple[str, ...]
    axe_consistency: str | None  # axe-core's published consistency (W3C implementation report)
    axe_procedures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Corpus:
    folder: Path
    commit: str
    cases: tuple[Case, ...]
    rules: dict[str, Rule]


def _load_json(path: Path) -> dict:
    if not path.is_file():
        raise ActError(f"{path}: not found. Pass --act-dir pointing at the ACT test cases folder "
                       "(the one holding manifest.json, rules.json and WAI/).")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ActError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); restore the file from the ACT "
                       "corpus.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ActError(f"{path}: cannot be read ({exc}).") from None


def load_corpus(folder: Path) -> Corpus:
    folder = Path(folder)
    manifest = _load_json(folder / "manifest.json")
    rules_doc = _load_json(folder / "rules.json")
    try:
        rules = {}
        for r in rules_doc["rules"]:
            axe = (r.get("implementations") or {}).get("axe-core") or {}
            rules[r["rule_id"]] = Rule(
                id=r["rule_id"], name=r["rule_name"], automatable=r.get("automatable") or "no",
                wcag_scs=tuple(r.get("wcag_scs") or ()), axe_consistency=r.get("axe_core_consistency"),
                axe_procedures=tuple(axe.get("procedures") or ()))
        cases = tuple(
            Case(id=c["id"], rule_id=c["rule_id"], rule_name=c["rule_name"], title=c.get("title", ""),
                 expected=Expected(c["expected"]), url_path=c["url_path"], media_type=c.get("media_type", "html"),
                 automatable=c.get("rule_automatable") or "no", wcag_scs=tuple(c.get("wcag_scs") or ()),
                 missing_assets=tuple(c.get("missing_assets") or ()))
            for c in manifest["records"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ActError(f"{folder}: manifest.json or rules.json does not have the expected fields ({exc!r}); "
                       "use the corpus described in its README.md.") from None
    commit = str((manifest.get("source") or {}).get("commit", ""))[:8]
    return Corpus(folder=folder, commit=commit, cases=cases, rules=rules)


def select_cases(corpus: Corpus, rule_ids: Iterable[str] = (), every_rule: bool = False,
                 limit: int | None = None) -> list[Case]:
    """The cases of the chosen rules, in manifest order: given ids, else every rule (--all), else the
    automatable ones; ``limit`` caps the number of cases (quick runs)."""
    wanted = list(dict.fromkeys(rule_ids))
    unknown = [r for r in wanted if r not in corpus.rules]
    if unknown:
        example = next(iter(corpus.rules), "2779a5")
        raise ActError(f"unknown ACT rule id {', '.join(unknown)}: use the ids of rules.json (e.g. {example}).")
    if wanted:
        cases = [c for c in corpus.cases if c.rule_id in wanted]
    elif every_rule:
        cases = list(corpus.cases)
    else:
        cases = [c for c in corpus.cases if corpus.rules[c.rule_id].automatable == "yes"]
    return cases[:limit] if limit else cases


# --- mapping findings to ACT rules -------------------------------------------------------------

_AXE_RULE = re.compile(r'\{id:"([\w-]+)",')
_ACT_IDS = re.compile(r'\bactIds:\[([^\]]*)\]')


def axe_act_map(axe_source: str) -> dict[str, frozenset[str]]:
    """ACT rule id → ``axe:<rule>`` check ids, from the ``actIds`` of axe-core's rule metadata.

    In axe.min.js each rule is an object literal ``{id:"area-alt",...,actIds:["c487ae"],...}``; the text
    between one ``{id:"`` and the next belongs to that object (checks nested in a rule are referenced by
    id strings or ``{options:..., id:...}`` objects, which do not start with ``{id:``)."""
    starts = list(_AXE_RULE.finditer(axe_source))
    out: dict[str, set[str]] = {}
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(axe_source)
        act = _ACT_IDS.search(axe_source, m.end(), end)
        if act:
            for act_id in re.findall(r'"([^"]+)"', act.group(1)):
                out.setdefault(act_id, set()).add(f"axe:{m.group(1)}")
    return {k: frozenset(v) for k, v in out.items()}


def sc_fallback_map(rules: Mapping[str, Rule], checks: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """(c) ACT rule id → our checks sharing one of the rule's primary WCAG success criteria.

    ``checks`` is check id → its WCAG SCs. Informative only: a check may share an SC and test something else."""
    out = {}
    for rule in rules.values():
        scs = set(rule.wcag_scs)
        found = frozenset(cid for cid, wcag in checks.items() if scs & set(wcag))
        if found:
            out[rule.id] = found
    return out


@dataclass(frozen=True, slots=True)
class Maps:
    axe: dict[str, frozenset[str]]
    ours: dict[str, frozenset[str]]
    fallback: dict[str, frozenset[str]]

    def mapped(self, rule_id: str, scheme: Scheme) -> frozenset[str]:
        ids = set(self.axe.get(rule_id, ()))
        if scheme in (Scheme.HEADLINE, Scheme.FALLBACK):
            ids |= self.ours.get(rule_id, frozenset())
        if scheme == Scheme.FALLBACK:
            ids |= self.fallback.get(rule_id, frozenset())
        return frozenset(ids)


def build_maps(axe_source: str, rules: Mapping[str, Rule], ours: Mapping[str, Collection[str]] | None = None,
               checks: Mapping[str, Iterable[str]] | None = None) -> Maps:
    """All three maps; ``ours`` defaults to OURS, ``checks`` (id → WCAG SCs) to the loaded check set."""
    if checks is None:
        from audit.checks import load_checks

        checks = {cid: chk.wcag for cid, chk in load_checks().items()}
    ours = OURS if ours is None else ours
    axe_rules = {f"axe:{m.group(1)}" for m in _AXE_RULE.finditer(axe_source)}
    unknown = sorted({cid for ids in ours.values() for cid in ids} - set(checks) - axe_rules)
    if unknown:
        raise ActError(f"bench/act.py OURS names checks that do not exist: {', '.join(unknown)}; "
                       "fix the map (check ids: audit.checks.load_checks()).")
    return Maps(axe=axe_act_map(axe_source), ours={k: frozenset(v) for k, v in ours.items()},
                fallback=sc_fallback_map(rules, checks))


# --- scoring (the W3C method) -------------------------------------------------------------------


def score_case(expected: Expected | str, failed_checks: Iterable[str], mapped: Collection[str],
               ran: bool = True) -> Verdict:
    """One test case: consistent when a mapped check fails exactly on the ``failed`` cases."""
    if not ran:
        return Verdict.NOT_RUN
    hit = any(cid in mapped for cid in failed_checks)
    if Expected(expected) == Expected.FAILED:
        return Verdict.CONSISTENT if hit else Verdict.MISSED
    return Verdict.FALSE_FAILURE if hit else Verdict.CONSISTENT


def rule_status(verdicts: Iterable[Verdict], expected: Iterable[Expected | str]) -> RuleStatus:
    """One rule, from its cases' verdicts (same order as ``expected``).

    complete: every case consistent; inconsistent: any false failure; else partial when some failed
    case was found, minimal when none was. Cases not run keep a rule from being complete."""
    pairs = list(zip(verdicts, (Expected(e) for e in expected), strict=True))
    if not pairs or all(v == Verdict.NOT_RUN for v, _ in pairs):
        return RuleStatus.NOT_RUN
    if any(v == Verdict.FALSE_FAILURE for v, _ in pairs):
        return RuleStatus.INCONSISTENT
    if all(v == Verdict.CONSISTENT for v, _ in pairs):
        return RuleStatus.COMPLETE
    found = any(v == Verdict.CONSISTENT and e == Expected.FAILED for v, e in pairs)
    has_failed = any(e == Expected.FAILED for _, e in pairs)
    return RuleStatus.PARTIAL if found or not has_failed else RuleStatus.MINIMAL


# --- gathering ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    check_id: str
    message: str = ""
    selector: str | None = None


@dataclass(frozen=True, slots=True)
class CaseRun:
    case: Case
    url: str
    error: str | None = None  # why the case was not run
    failures: tuple[Failure, ...] = ()  # every failed finding on the page, all checks
    check_errors: tuple[Failure, ...] = ()  # our checks that crashed on the page (reported as cant_tell)
    final_url: str | None = None
    seconds: float = 0.0
    evaluated: frozenset[str] = frozenset()  # every check (axe rule or ours) that gave any outcome here

    @property
    def ran(self) -> bool:
        return self.error is None

    @property
    def failed_checks(self) -> frozenset[str]:
        return frozenset(f.check_id for f in self.failures)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Chromium drops connections it no longer needs (media ranges, a page left early): not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class CorpusServer:
    """The ACT folder as web root on 127.0.0.1 (ephemeral port), in a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self._server = _Server(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="act-server", daemon=True)

    def __enter__(self) -> CorpusServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _run_from_snapshot(case: Case, url: str, snap, folder: Path, seconds: float) -> CaseRun:
    from audit.checks import not_run, run_checks
    from audit.model import Outcome, PageKind, Source

    if snap.error:
        return CaseRun(case, url, error=snap.error, final_url=snap.final_url, seconds=seconds)
    if snap.kind != PageKind.HTML:
        return CaseRun(case, url, error=f"served as {snap.content_type or 'unknown type'}, not a web page",
                       seconds=seconds)
    if snap.status and snap.status >= 400:
        return CaseRun(case, url, error=f"HTTP {snap.status}", seconds=seconds)
    if snap.final_url and snap.final_url != url:
        # e.g. <meta http-equiv="refresh" content="0; https://w3.org">: what was audited is not the case
        return CaseRun(case, url, error=f"the page navigated by itself to {snap.final_url} before the audit "
                       "(meta refresh or script); its evidence is not the test case's", final_url=snap.final_url,
                       seconds=seconds)
    if "axe" not in snap.files:
        return CaseRun(case, url, error="axe-core did not run on the page", seconds=seconds)
    try:
        findings = run_checks(snap, folder)
    except Exception as exc:  # noqa: BLE001 - one case's crash is reported, the run goes on
        return CaseRun(case, url, error=f"the check stage crashed: {type(exc).__name__}: {exc}"[:300],
                       final_url=snap.final_url, seconds=seconds)
    failures = tuple(Failure(f.check_id, f.message, f.selector) for f in findings if f.outcome == Outcome.FAILED)
    crashed = tuple(Failure(f.check_id, f.message, f.selector) for f in findings
                    if f.source == Source.CHECK and not_run(f))
    return CaseRun(case, url, failures=failures, check_errors=crashed, final_url=snap.final_url, seconds=seconds,
                   evaluated=frozenset(f.check_id for f in findings))


async def gather_cases(cases: list[Case], base_url: str, workdir: Path, chromium: str | None = None,
                       jobs: int = 1, timeout: float = 20.0,
                       progress: Callable[[CaseRun], None] | None = None) -> tuple[list[CaseRun], dict[str, str]]:
    """Gather and check every case with one Browser; at most ``jobs`` (≤ 2) pages in flight.

    Returns the runs (in the order of ``cases``) and the versions used (chromium, axe-core)."""
    from audit.browser import Browser, GatherOptions, axe_version, find_chromium
    from audit.model import PageRef

    jobs = max(1, min(MAX_JOBS, jobs))
    executable = find_chromium(chromium)
    runs: dict[int, CaseRun] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(cases)):
        queue.put_nowait(i)
    async with Browser(executable, GatherOptions(screenshot=False, timeout=timeout)) as browser:
        lock = asyncio.Lock()

        async def worker() -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                case = cases[i]
                url = base_url + case.url_path
                folder = workdir / case.rule_id / case.id
                folder.mkdir(parents=True, exist_ok=True)
                t0 = time.perf_counter()
                snap = await browser.gather(PageRef(url=url), folder)
                save_snapshot(snap, folder)
                if not browser.alive:
                    async with lock:
                        if not browser.alive:
                            await browser.restart()
                # the checks are synchronous: run them in a thread so the other page keeps going
                run = await asyncio.to_thread(_run_from_snapshot, case, url, snap, folder,
                                              round(time.perf_counter() - t0, 3))
                runs[i] = run
                if progress is not None:
                    progress(run)

        await asyncio.gather(*(worker() for _ in range(jobs)))
        versions = {"chromium": browser.version or "", "axe-core": axe_version() or ""}
    return [runs[i] for i in range(len(cases))], versions


SNAPSHOT_FILE = "snapshot.json"
RUN_FILE = "act-run.json"


def save_snapshot(snap, folder: Path) -> None:
    """Keep what gather returned next to its files, so the checks can be re-run offline (--from)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SNAPSHOT_FILE).write_text(json.dumps(asdict(snap), ensure_ascii=False), encoding="utf-8")


def load_snapshot(folder: Path):
    from dataclasses import fields

    from audit.model import PageKind, PageSnapshot

    data = json.loads((folder / SNAPSHOT_FILE).read_text(encoding="utf-8"))
    known = {f.name for f in fields(PageSnapshot)}
    snap = PageSnapshot(**{k: v for k, v in data.items() if k in known})
    snap.kind = PageKind(snap.kind)
    return snap


def recheck_cases(cases: list[Case], folder: Path,
                  progress: Callable[[CaseRun], None] | None = None) -> tuple[list[CaseRun], dict[str, str]]:
    """Re-run today's checks on the snapshots an earlier run kept (--keep): no browser, no server."""
    info = folder / RUN_FILE
    if not info.is_file():
        raise ActError(f"{folder}: no {RUN_FILE} here; pass the folder an earlier run wrote with --keep.")
    versions = json.loads(info.read_text(encoding="utf-8")).get("versions", {})
    runs = []
    for case in cases:
        case_dir = folder / case.rule_id / case.id
        if not (case_dir / SNAPSHOT_FILE).is_file():
            run = CaseRun(case, case.url_path, error=f"no saved snapshot in {case_dir}")
        else:
            try:
                snap = load_snapshot(case_dir)
            except (OSError, ValueError, TypeError) as exc:
                run = CaseRun(case, case.url_path, error=f"{case_dir / SNAPSHOT_FILE}: unreadable ({exc})")
            else:
                t0 = time.perf_counter()
                run = _run_from_snapshot(case, snap.url, snap, case_dir, 0.0)
                run = replace(run, seconds=round(time.perf_counter() - t0, 3))
        runs.append(run)
        if progress is not None:
            progress(run)
    return runs, versions


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseScore:
    verdict: Verdict
    counted: tuple[Failure, ...]  # the mapped failures that decided the verdict


@dataclass(frozen=True, slots=True)
class RuleScore:
    rule_id: str
    name: str
    cases: int
    consistent: int
    false_failures: int
    missed: int
    not_run: int
    status: RuleStatus


@dataclass(frozen=True, slots=True)
class FalseFailure:
    rule_id: str
    case_id: str
    url_path: str
    expected: str
    check_id: str
    message: str
    selector: str | None


@dataclass(slots=True)
class Report:
    runs: list[CaseRun]
    rules: dict[str, Rule]
    maps: Maps
    versions: dict[str, str] = field(default_factory=dict)
    wall_seconds: float = 0.0
    commit: str = ""
    offline: bool = False  # re-checked from kept snapshots: the wall time is not a gather time

    def score(self, run: CaseRun, scheme: Scheme) -> CaseScore:
        mapped = self.maps.mapped(run.case.rule_id, scheme)
        verdict = score_case(run.case.expected, run.failed_checks, mapped, run.ran)
        return CaseScore(verdict, tuple(f for f in run.failures if f.check_id in mapped))

    def by_rule(self) -> dict[str, list[CaseRun]]:
        out: dict[str, list[CaseRun]] = {}
        for run in self.runs:
            out.setdefault(run.case.rule_id, []).append(run)
        return out

    def rule_scores(self, scheme: Scheme) -> list[RuleScore]:
        scores = []
        for rule_id, runs in self.by_rule().items():
            verdicts = [self.score(r, scheme).verdict for r in runs]
            scores.append(RuleScore(
                rule_id=rule_id, name=self.rules[rule_id].name, cases=len(runs),
                consistent=verdicts.count(Verdict.CONSISTENT), false_failures=verdicts.count(Verdict.FALSE_FAILURE),
                missed=verdicts.count(Verdict.MISSED), not_run=verdicts.count(Verdict.NOT_RUN),
                status=rule_status(verdicts, [r.case.expected for r in runs])))
        return scores

    def never_evaluated(self, scheme: Scheme) -> dict[str, list[str]]:
        """ACT rule id → its mapped checks that gave no outcome on any page of this run: axe rules our
        gather does not select (best-practice, AAA, experimental tags), or checks that are not loaded."""
        evaluated = frozenset().union(*(r.evaluated for r in self.runs if r.ran))
        out = {}
        for rule_id in self.by_rule():
            missing = sorted(self.maps.mapped(rule_id, scheme) - evaluated)
            if missing:
                out[rule_id] = missing
        return out

    def false_failures(self, scheme: Scheme) -> Iterator[FalseFailure]:
        for run in self.runs:
            score = self.score(run, scheme)
            if score.verdict != Verdict.FALSE_FAILURE:
                continue
            for f in score.counted:
                yield FalseFailure(run.case.rule_id, run.case.id, run.case.url_path, run.case.expected.value,
                                   f.check_id, f.message, f.selector)

    def totals(self, scheme: Scheme) -> dict:
        verdicts = [self.score(r, scheme).verdict for r in self.runs]
        statuses = [s.status for s in self.rule_scores(scheme)]
        false = list(self.false_failures(scheme))
        n = len(verdicts)
        return {
            "cases": n,
            "consistent": verdicts.count(Verdict.CONSISTENT),
            "consistent_pct": round(100 * verdicts.count(Verdict.CONSISTENT) / n, 1) if n else 0.0,
            "false_failure_cases": verdicts.count(Verdict.FALSE_FAILURE),
            "missed": verdicts.count(Verdict.MISSED),
            "not_run": verdicts.count(Verdict.NOT_RUN),
            "false_failures_axe": len({(f.rule_id, f.case_id) for f in false if f.check_id.startswith("axe:")}),
            "false_failures_ours": len({(f.rule_id, f.case_id) for f in false if not f.check_id.startswith("axe:")}),
            "rules": {s.value: statuses.count(s) for s in RuleStatus},
        }

    def to_json(self) -> dict:
        schemes = list(Scheme)
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "act_commit": self.commit,
            "versions": self.versions,
            "wall_seconds": round(self.wall_seconds, 1),
            "offline": self.offline,
            "totals": {s.value: self.totals(s) for s in schemes},
            "rules": {s.value: [asdict(r) for r in self.rule_scores(s)] for s in schemes},
            "false_failures": {s.value: [asdict(f) for f in self.false_failures(s)] for s in schemes},
            "never_evaluated": self.never_evaluated(Scheme.HEADLINE),
            "maps": {"axe_act_ids": {k: sorted(v) for k, v in sorted(self.maps.axe.items())},
                     "ours": {k: sorted(v) for k, v in sorted(self.maps.ours.items())},
                     "sc_fallback": {k: sorted(v) for k, v in sorted(self.maps.fallback.items())}},
            "cases": [{
                "rule_id": r.case.rule_id, "id": r.case.id, "title": r.case.title, "url_path": r.case.url_path,
                "expected": r.case.expected.value, "media_type": r.case.media_type, "error": r.error,
                "missing_assets": list(r.case.missing_assets),
                "final_url": r.final_url, "seconds": r.seconds,
                "failures": [asdict(f) for f in r.failures],
                "check_errors": [asdict(f) for f in r.check_errors],
                "verdicts": {s.value: self.score(r, s).verdict.value for s in schemes},
            } for r in self.runs],
        }


def run_harness(corpus: Corpus, cases: list[Case], chromium: str | None = None, jobs: int = 1,
                timeout: float = 20.0, ours: Mapping[str, Collection[str]] | None = None,
                progress: Callable[[CaseRun], None] | None = None, keep: Path | None = None,
                offline: Path | None = None) -> Report:
    """Serve the corpus, gather and check ``cases``, return the scored report (in-process entry point).

    ``keep``: save the snapshots there (re-checkable later); ``offline``: re-check the snapshots saved
    there by an earlier run instead of gathering (no browser)."""
    from audit.browser import axe_script_path

    maps = build_maps(axe_script_path().read_text(encoding="utf-8"), corpus.rules, ours)
    t0 = time.perf_counter()
    if offline is not None:
        runs, versions = recheck_cases(cases, Path(offline), progress)
    else:
        with CorpusServer(corpus.folder) as server, tempfile.TemporaryDirectory(prefix="act-") as tmp:
            workdir = Path(keep) if keep is not None else Path(tmp)
            runs, versions = asyncio.run(gather_cases(cases, server.base_url, workdir, chromium=chromium,
                                                      jobs=jobs, timeout=timeout, progress=progress))
            if keep is not None:
                (workdir / RUN_FILE).write_text(json.dumps({"versions": versions, "act_commit": corpus.commit}),
                                                encoding="utf-8")
    return Report(runs=runs, rules=corpus.rules, maps=maps, versions=versions,
                  wall_seconds=time.perf_counter() - t0, commit=corpus.commit, offline=offline is not None)


# --- printing -----------------------------------------------------------------------------------


def _status_cell(status: RuleStatus) -> str:
    return {RuleStatus.NOT_RUN: "not run"}.get(status, status.value)


def format_report(report: Report) -> str:
    lines: list[str] = []
    head = report.rule_scores(Scheme.HEADLINE)
    axe_only = {s.rule_id: s for s in report.rule_scores(Scheme.AXE)}
    fallback = {s.rule_id: s for s in report.rule_scores(Scheme.FALLBACK)}
    lines.append(f"{'rule':<7} {'name':<44} {'cases':>5} {'cons':>4} {'false':>5} {'miss':>4} {'n/r':>3}  "
                 f"{'ours':<12} {'axe only':<12} {'+SC fallbk':<12} {'axe published':<13}")
    for s in head:
        rule = report.rules[s.rule_id]
        name = s.name if len(s.name) <= 44 else s.name[:43] + "…"
        lines.append(f"{s.rule_id:<7} {name:<44} {s.cases:>5} {s.consistent:>4} {s.false_failures:>5} "
                     f"{s.missed:>4} {s.not_run:>3}  {_status_cell(s.status):<12} "
                     f"{_status_cell(axe_only[s.rule_id].status):<12} {_status_cell(fallback[s.rule_id].status):<12} "
                     f"{rule.axe_consistency or '-':<13}")
    lines.append("")
    for scheme, label in ((Scheme.HEADLINE, "headline (axe actIds + our explicit map)"),
                          (Scheme.AXE, "axe-core actIds only"),
                          (Scheme.FALLBACK, "with the WCAG SC fallback (informative)")):
        t = report.totals(scheme)
        r = t["rules"]
        lines.append(f"{label}: {t['consistent']}/{t['cases']} cases consistent = {t['consistent_pct']} % "
                     f"(target ≥ {TARGET_CONSISTENT:g} %); false failures in {t['false_failure_cases']} cases "
                     f"(axe {t['false_failures_axe']}, ours {t['false_failures_ours']}), missed {t['missed']}, "
                     f"not run {t['not_run']}; rules: {r['complete']} complete, {r['partial']} partial, "
                     f"{r['minimal']} minimal, {r['inconsistent']} inconsistent, {r['not_run']} not run")
    ours = [f for f in report.false_failures(Scheme.HEADLINE) if not f.check_id.startswith("axe:")]
    lines.append("")
    lines.append(f"False failures of our own checks (mapped in OURS): {len(ours)}")
    for f in ours:
        lines.append(f"  {f.rule_id} {f.expected:<12} {f.url_path}  {f.check_id}: {f.message[:160]}"
                     + (f"  [{f.selector}]" if f.selector else ""))
    seen = {(f.rule_id, f.case_id, f.check_id) for f in ours}
    extra = [f for f in report.false_failures(Scheme.FALLBACK)
             if not f.check_id.startswith("axe:") and (f.rule_id, f.case_id, f.check_id) not in seen]
    by_check: dict[str, list[FalseFailure]] = {}
    for f in extra:
        by_check.setdefault(f.check_id, []).append(f)
    lines.append("")
    lines.append(f"Informative, through the WCAG SC fallback only: {len(extra)} failures of our checks on cases "
                 "an ACT rule of the same SC does not fail (often a different question; every one is in --json)")
    for check_id, items in sorted(by_check.items(), key=lambda kv: -len(kv[1])):
        rules = ", ".join(sorted({f.rule_id for f in items}))
        lines.append(f"  {check_id}: {len(items)} on rules {rules}; e.g. {items[0].url_path}: {items[0].message[:100]}")
    axe_false = [f for f in report.false_failures(Scheme.HEADLINE) if f.check_id.startswith("axe:")]
    lines.append("")
    lines.append(f"False failures of axe-core rules: {len(axe_false)}")
    for f in axe_false:
        lines.append(f"  {f.rule_id} {f.expected:<12} {f.url_path}  {f.check_id}: {f.message[:120]}")
    silent = report.never_evaluated(Scheme.HEADLINE)
    if silent:
        lines.append("")
        lines.append("Mapped checks that never ran (axe rules outside our gather's tags, or checks not loaded):")
        for rule_id, ids in silent.items():
            lines.append(f"  {rule_id}: {', '.join(ids)}")
    not_run = [r for r in report.runs if not r.ran]
    lines.append("")
    lines.append(f"Not run: {len(not_run)}")
    for r in not_run:
        lines.append(f"  {r.case.rule_id} {r.case.expected.value:<12} {r.case.url_path}: {r.error}")
    crashed = [(r, f) for r in report.runs for f in r.check_errors]
    if crashed:
        lines.append("")
        lines.append(f"Our checks that crashed (reported as cant_tell): {len(crashed)}")
        for r, f in crashed:
            lines.append(f"  {r.case.url_path}  {f.check_id}: {f.message[:160]}")
    incomplete = [r for r in report.runs if r.case.missing_assets]
    if incomplete:
        lines.append("")
        lines.append(f"Cases run without some of their assets (absent from the corpus, see its README): "
                     f"{len(incomplete)}; their verdicts may not mean much:")
        for r in incomplete:
            verdict = report.score(r, Scheme.HEADLINE).verdict.value
            lines.append(f"  {r.case.rule_id} {r.case.expected.value:<12} {r.case.url_path}: {verdict}")
    ran = [r for r in report.runs if r.ran]
    rate = len(report.runs) / report.wall_seconds if report.wall_seconds else 0.0
    per_case = sum(r.seconds for r in ran) / len(ran) if ran else 0.0
    lines.append("")
    if report.offline:
        lines.append("Re-checked offline from kept snapshots (no browser): the timing below is the checks' only.")
    lines.append(f"{len(report.runs)} cases in {report.wall_seconds:.1f} s = {rate:.2f} cases/s "
                 f"(mean {per_case:.2f} s per case, gather + checks); Chromium {report.versions.get('chromium')}, "
                 f"axe-core {report.versions.get('axe-core')}, ACT corpus {report.commit}")
    return "\n".join(lines)


def format_markdown(report: Report) -> str:
    """The results as Markdown (for docs/act.md): totals, then one row per rule."""
    how = "re-checked offline from kept snapshots" if report.offline else f"in {report.wall_seconds:.0f} s"
    out = [f"Run of {datetime.now(UTC):%Y-%m-%d}: Chromium {report.versions.get('chromium')}, axe-core "
           f"{report.versions.get('axe-core')}, ACT corpus {report.commit}, {len(report.runs)} test cases {how}.", ""]
    out.append("| scoring | cases consistent | false failures (axe / ours) | missed | not run | rules complete / "
               "partial / minimal / inconsistent |")
    out.append("| --- | --- | --- | --- | --- | --- |")
    for scheme, label in ((Scheme.HEADLINE, "**headline**: axe actIds + our map"), (Scheme.AXE, "axe actIds only"),
                          (Scheme.FALLBACK, "+ WCAG SC fallback (informative)")):
        t = report.totals(scheme)
        r = t["rules"]
        out.append(f"| {label} | {t['consistent']}/{t['cases']} = **{t['consistent_pct']} %** | "
                   f"{t['false_failures_axe']} / {t['false_failures_ours']} | {t['missed']} | {t['not_run']} | "
                   f"{r['complete']} / {r['partial']} / {r['minimal']} / {r['inconsistent']} |")
    out += ["", "| rule | name | cases | consistent | false | missed | not run | ours | axe only | axe published |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    axe_only = {s.rule_id: s for s in report.rule_scores(Scheme.AXE)}
    for s in report.rule_scores(Scheme.HEADLINE):
        name = s.name.replace("|", "\\|")
        out.append(f"| {s.rule_id} | {name} | {s.cases} | {s.consistent} | {s.false_failures} | {s.missed} | "
                   f"{s.not_run} | {_status_cell(s.status)} | {_status_cell(axe_only[s.rule_id].status)} | "
                   f"{report.rules[s.rule_id].axe_consistency or '-'} |")
    return "\n".join(out) + "\n"


@click.command()
@click.option("--act-dir", type=click.Path(path_type=Path), default=DEFAULT_ACT_DIR, show_default=True,
              help="The ACT test cases folder (manifest.json, rules.json, WAI/).")
@click.option("--rule", "rule_ids", multiple=True, metavar="ID", help="Only this ACT rule (repeatable).")
@click.option("--all", "every_rule", is_flag=True, help="Every rule, not only the automatable ones.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N test cases (quick runs).")
@click.option("--jobs", type=click.IntRange(1, MAX_JOBS), default=2, show_default=True,
              help="Pages in flight at once.")
@click.option("--timeout", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="Seconds for one test case (navigation + axe + probes).")
@click.option("--chromium", help="Chromium binary (default: A11Y_AUDIT_CHROMIUM, then PATH).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full results (every case, every finding) to this file.")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the totals and the per-rule table as Markdown (for docs/act.md).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep every case's snapshot in this folder, to re-check it later with --from.")
@click.option("--from", "offline", type=click.Path(file_okay=False, path_type=Path),
              help="Re-run today's checks on the snapshots kept by an earlier --keep run: no browser.")
@click.option("--quiet", is_flag=True, help="No progress line per case.")
def main(act_dir: Path, rule_ids: tuple[str, ...], every_rule: bool, limit: int | None, jobs: int,
         timeout: float, chromium: str | None, json_path: Path | None, md_path: Path | None, keep: Path | None,
         offline: Path | None, quiet: bool) -> None:
    """Score a11y-audit's checks (axe-core + ours) against the W3C ACT Rules test cases."""
    from audit.browser import BrowserError

    try:
        corpus = load_corpus(act_dir)
        cases = select_cases(corpus, rule_ids, every_rule, limit)
        if not cases:
            raise ActError("no test case selected.")
        done = [0]

        def progress(run: CaseRun) -> None:
            done[0] += 1
            if quiet:
                return
            mark = "ERR " if not run.ran else ""
            click.echo(f"[{done[0]}/{len(cases)}] {mark}{run.case.rule_id} {run.case.expected.value:<12} "
                       f"{run.case.id[:10]} {run.seconds:.2f}s", err=True)

        if keep is not None and offline is not None:
            raise ActError("--keep and --from exclude each other: --from re-checks what --keep saved.")
        if keep is not None:
            try:
                keep.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ActError(f"{keep}: cannot create the folder ({exc.strerror}).") from None
        report = run_harness(corpus, cases, chromium=chromium, jobs=jobs, timeout=timeout, progress=progress,
                             keep=keep, offline=offline)
    except (ActError, BrowserError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(format_report(report))
    for path, render in ((json_path, lambda: json.dumps(report.to_json(), ensure_ascii=False, indent=1)),
                         (md_path, lambda: format_markdown(report))):
        if path is None:
            continue
        try:
            path.write_text(render(), encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: {path}: cannot write the results ({exc.strerror}).", err=True)
            sys.exit(1)
        click.echo(f"results written to {path}")


if __name__ == "__main__":
    main()

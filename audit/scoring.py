"""Roll-ups, the RGAA audit grid, the official rates, issue grouping and priority.

The grid follows the honesty rule, from the element up: finding → RGAA test → criterion → page →
sample.

- An RGAA test is **NC** when a failed finding (not dismissed by a tester) maps to it; **C** only from a
  conclusive pass (a check that fully decides the test) or a human verdict (a tester's answer or
  finding); **NA** only from conclusive inapplicability (a conclusive check, a tester, an auditor); a
  cant_tell not yet answered keeps it **NT**; anything else leaves it **NT** ("à vérifier"). An axe-core
  pass or "inapplicable" covers only part of a test: it is shown as evidence and decides nothing.
- A criterion on a page is the worst of its tests (NA < C < NT < NC). An auditor's verdict on a page ×
  criterion replaces what the evidence gives; when the evidence disagrees (a failed finding under a "C"),
  the cell keeps the auditor's verdict and says so.
- On a journey (a démarche of several steps), a criterion is C on a step only if it is C on every step
  of that journey: a C step takes the worst status of the other steps.
- Across the sample, a criterion is NC when NC on any page, else NT ("à vérifier") when NT on any page,
  else C when C on any page, else NA. On a complete audit (no NT cell) this is the official RGAA rule
  (NC anywhere, else C anywhere, else NA); while a cell is NT, a criterion C on one page and not yet
  verified on another is « à vérifier », never C: the number of criteria to verify is one count, the NT
  column of the sample, said the same way in every output.
- When one of our checks declared conclusive for an RGAA test reports on that test on a page, its reading
  decides the test there: an axe-core rule that reports on the same test (axe's rule may differ from the
  RGAA's, e.g. ``lang`` on <body> passes RGAA 8.3.1 but fails axe's html-has-lang) is kept as evidence
  and still stands for its WCAG success criterion, but does not set the RGAA test's status.

Rates (RGAA method): the taux global is C / (C + NC) over the criteria of the sample; the taux moyen is
the mean over pages of C / (C + NC), pages without an applicable criterion left out. Both exist only
for a valid audit: no NT cell anywhere. The compliance state is decided from the counts, never from a
rounded number: 99.96 % is shown as 99,9 % and is "partiellement conforme".

Issues: failed findings that are not dismissed, grouped across pages by their fingerprint (check +
normalised selector + snippet shape), so a defect of the shared header is one issue "corriger une fois,
corrige N pages". Order (``priority_key``): blocking for a tester first; then impact (critique > grave
> modérée > mineure); then WCAG level A before AA; then reach (sum of page weights: 1 a page, 2 a
journey step, times the weight tester sessions give a page); then quick wins (a fix of one attribute:
alt, lang, title, label, accessible name) before the rest; then check id and fingerprint, so the order
is stable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from audit import standards, words
from audit.model import Finding, Impact, Outcome, Source
from audit.words import N_, Msg


class Status(StrEnum):
    """An RGAA status of a test, a criterion on a page, or a criterion across the sample."""

    C = "C"
    NC = "NC"
    NA = "NA"
    NT = "NT"

    @property
    def rank(self) -> int:
        return _STATUS_RANK[self]

    def label(self, lang: str = "fr") -> str:
        return words.gettext(_STATUS_LABEL[self], lang)


_STATUS_RANK = {Status.NA: 0, Status.C: 1, Status.NT: 2, Status.NC: 3}
_STATUS_LABEL = {Status.C: N_("Conforme"), Status.NC: N_("Non conforme"), Status.NA: N_("Non applicable"),
                 Status.NT: N_("À vérifier (non testé)")}
# a status inside a sentence (« … mais « non conforme » sur … »): the worst statuses a journey step can take
_STATUS_WORD = {Status.NC: N_("non conforme"), Status.NT: N_("à vérifier (non testé)")}
STATUS_OF_OUTCOME = {Outcome.INAPPLICABLE: Status.NA, Outcome.PASSED: Status.C, Outcome.CANT_TELL: Status.NT,
                     Outcome.FAILED: Status.NC}


def worst_status(statuses: Iterable[Status], default: Status = Status.NT) -> Status:
    """Worst wins (NA < C < NT < NC); ``default`` when there is nothing."""
    result: Status | None = None
    for status in statuses:
        if result is None or status.rank > result.rank:
            result = status
    return default if result is None else result


class Compliance(StrEnum):
    TOTAL = "total"
    PARTIAL = "partial"
    NONE = "none"

    def label(self, lang: str = "fr") -> str:
        return words.gettext(_COMPLIANCE_LABEL[self], lang)


_COMPLIANCE_LABEL = {Compliance.TOTAL: N_("totalement conforme"), Compliance.PARTIAL: N_("partiellement conforme"),
                     Compliance.NONE: N_("non conforme")}


# --- evidence -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """An auditor's verdict on one page × criterion (from a YAML file or a grid CSV)."""

    page: str  # the page as the auditor wrote it: URL path, sample page name or journey key
    criterion: str
    status: Status
    comment: str = ""
    where: str = ""  # "file:line", for messages
    auditor: str = ""


@dataclass(frozen=True, slots=True)
class Proof:
    """One piece of evidence behind a grid cell."""

    source: str  # axe | check | tester | auditor | journey
    ref: str  # check id, tester pseudonym or auditor name
    status: Status | None  # what it says; None: partial evidence that decides nothing
    test: str | None = None  # the RGAA test it speaks about (None: the whole criterion)
    note: str = ""  # French (or the auditor's own comment)
    count: int = 1  # how many findings say the same
    said: Msg | None = field(default=None, compare=False)  # the note as a message, to say it in another language

    def note_in(self, lang: str = "fr") -> str:
        """The note in ``lang`` (an auditor's comment as written)."""
        said = getattr(self, "said", None)  # results stored before it had one
        return said.render(lang) if said is not None else self.note


@dataclass(frozen=True, slots=True)
class Cell:
    page: str  # page key
    criterion: str
    status: Status
    computed: Status  # what the evidence alone gives, before the auditor and the journey rule
    tests: tuple[tuple[str, Status], ...] = ()
    proofs: tuple[Proof, ...] = ()
    verdict: Verdict | None = None
    notes: tuple[str, ...] = ()  # French: journey rule, disagreement with the auditor
    said_notes: tuple[Msg | str, ...] = field(default=(), compare=False)  # the same notes as messages

    def notes_in(self, lang: str = "fr") -> tuple[str, ...]:
        """The notes in ``lang``."""
        said = getattr(self, "said_notes", ())  # results stored before they had them
        return tuple(words.say(m, lang) for m in said) if len(said) == len(self.notes) else self.notes


@dataclass(frozen=True, slots=True)
class GridPage:
    key: str  # page key in the run ("journey:<id>:<step>" for a journey step)
    url: str
    name: str
    ref: str  # how files name it: the URL path, or the journey key
    journey: str | None = None
    step: int | None = None
    reason: str = ""  # why it is in the sample
    error: str | None = None  # the page could not be audited


@dataclass(frozen=True, slots=True)
class Grid:
    pages: tuple[GridPage, ...]
    cells: Mapping[tuple[str, str], Cell]
    criteria: tuple[str, ...] = field(default_factory=lambda: tuple(standards.CRITERIA))

    def cell(self, page: str, criterion: str) -> Cell:
        return self.cells[(page, criterion)]

    def page_statuses(self, page: str) -> dict[str, Status]:
        return {c: self.cells[(page, c)].status for c in self.criteria}

    def rollup(self, criterion: str) -> Status:
        """The criterion across the sample: NC, else NT, else C, else NA (the official rule once no cell is NT)."""
        statuses = {self.cells[(p.key, criterion)].status for p in self.pages}
        for status in (Status.NC, Status.NT, Status.C):
            if status in statuses:
                return status
        return Status.NA

    def rollups(self) -> dict[str, Status]:
        return {c: self.rollup(c) for c in self.criteria}

    def nt_cells(self) -> list[Cell]:
        return [self.cells[(p.key, c)] for c in self.criteria for p in self.pages
                if self.cells[(p.key, c)].status == Status.NT]

    def page(self, key: str) -> GridPage:
        return next(p for p in self.pages if p.key == key)


def _human(f: Finding) -> bool:
    return f.source in (Source.TESTER, Source.AUDITOR) or bool(f.extra and f.extra.get("answered_by"))


def conclusive_check_ids() -> frozenset[str]:
    """Our checks declared conclusive: their inapplicable results decide their tests too."""
    try:
        from audit.checks import load_checks

        return frozenset(c.id for c in load_checks().values() if c.conclusive)
    except Exception:  # noqa: BLE001 - a broken check module must not break the grid; nothing is conclusive
        return frozenset()


def finding_status(f: Finding, conclusive_checks: frozenset[str] = frozenset()) -> Status | None:
    """What one finding says about its RGAA tests; None when it decides nothing (honesty rule)."""
    if f.dismissed:
        return None
    if f.outcome == Outcome.FAILED:
        return Status.NC
    if f.outcome == Outcome.CANT_TELL:
        return Status.NT
    decisive = _human(f) or f.conclusive or (f.source == Source.CHECK and f.check_id in conclusive_checks)
    if not decisive:
        return None
    return Status.C if f.outcome == Outcome.PASSED else Status.NA


def _who(f: Finding) -> str:
    tester = f.extra.get("tester") if f.extra else None
    if isinstance(tester, dict):
        return str(tester.get("pseudonym") or tester.get("name") or tester.get("id") or "testeur")
    answered = f.extra.get("answered_by") if f.extra else None
    if isinstance(answered, dict):
        return str(answered.get("pseudonym") or "testeur")
    if answered:
        return str(answered)
    return f.check_id


def _proof_note(f: Finding, status: Status | None) -> Msg | None:
    if f.source == Source.TESTER:
        return Msg("Constat d'un testeur")
    if f.extra and f.extra.get("answered_by"):
        return Msg("Réponse de {who} à la question posée", who=_who(f))
    if status is None:
        if f.outcome == Outcome.PASSED:
            return Msg("Réussite partielle : ce contrôle ne couvre qu'une partie du test")
        return Msg("Non applicable selon ce contrôle, qui ne couvre qu'une partie du test")
    if status in (Status.C, Status.NA) and f.source == Source.CHECK:
        return Msg("Contrôle concluant : il décide entièrement ce test")
    return None


_DECIDED_BY_OURS = Msg("Règle axe-core : le test RGAA est décidé par la lecture RGAA du contrôle concluant")


def _source_name(f: Finding) -> str:
    return "tester" if f.source == Source.TESTER else ("auditor" if f.source == Source.AUDITOR else f.source.value)


def page_tests(findings: Iterable[Finding], conclusive_checks: frozenset[str] = frozenset()
               ) -> tuple[dict[str, Status], dict[str, list[Proof]]]:
    """Per RGAA test of one page: its status (only tests with decisive evidence) and its evidence. Where a
    conclusive check of ours reports on a test, axe's reports on it are evidence only (module docstring)."""
    said: dict[str, list[Status]] = defaultdict(list)
    proofs: dict[tuple[str, str, str, Status | None, str], int] = defaultdict(int)
    said_as: dict[str, Msg] = {}  # a note (French) → its message
    findings = [f for f in findings if not f.dismissed]
    rgaa_read = {t for f in findings if f.source == Source.CHECK and f.check_id in conclusive_checks
                 and f.outcome in (Outcome.PASSED, Outcome.FAILED, Outcome.INAPPLICABLE) for t in f.rgaa_tests}
    for f in findings:
        status = finding_status(f, conclusive_checks)
        for test in f.rgaa_tests:
            if test not in standards.TESTS:
                continue
            decided_by_ours = f.source == Source.AXE and test in rgaa_read and status is not None
            msg = _DECIDED_BY_OURS if decided_by_ours else _proof_note(f, status)
            note = str(msg) if msg is not None else ""
            if msg is not None:
                said_as[note] = msg
            if decided_by_ours:
                proofs[(test, _source_name(f), _who(f), None, note)] += 1
                continue
            if status is not None:
                said[test].append(status)
            proofs[(test, _source_name(f), _who(f), status, note)] += 1
    by_test: dict[str, list[Proof]] = defaultdict(list)
    for (test, source, ref, status, note), count in proofs.items():
        by_test[test].append(Proof(source=source, ref=ref, status=status, test=test, note=note, count=count,
                                   said=said_as.get(note)))
    return {t: worst_status(s) for t, s in said.items()}, by_test


def _criterion_cell(page: str, criterion: str, tests: dict[str, Status], proofs: dict[str, list[Proof]]) -> Cell:
    crit = standards.CRITERIA[criterion]
    statuses = tuple((t, tests.get(t, Status.NT)) for t in crit.tests)
    computed = worst_status(s for _, s in statuses)
    cell_proofs = tuple(p for t in crit.tests for p in sorted(
        proofs.get(t, ()), key=lambda p: (-(p.status.rank if p.status else -1), p.source, p.ref)))
    return Cell(page=page, criterion=criterion, status=computed, computed=computed, tests=statuses,
                proofs=cell_proofs)


def _apply_verdict(cell: Cell, verdict: Verdict) -> Cell:
    proof = Proof(source="auditor", ref=verdict.auditor or "auditeur", status=verdict.status,
                  note=verdict.comment)
    if verdict.status == Status.NT:  # "not tested" by the auditor: the evidence still stands
        return replace(cell, proofs=(proof, *cell.proofs), verdict=verdict)
    if verdict.status in (Status.C, Status.NA) and cell.computed == Status.NC:
        failing = sorted({p.ref for p in cell.proofs if p.status == Status.NC})
        cell = _noted(cell, Msg("Verdict de l'auditeur retenu ({status}), alors que des constats non écartés "
                                "échouent : {checks}. À réexaminer.", status=Msg(_STATUS_LABEL[verdict.status]),
                                checks=", ".join(failing)))
    return replace(cell, status=verdict.status, proofs=(proof, *cell.proofs), verdict=verdict)


def _noted(cell: Cell, msg: Msg) -> Cell:
    """``cell`` with one more note: in French in ``notes``, as a message in ``said_notes``."""
    said = getattr(cell, "said_notes", ())
    if len(said) != len(cell.notes):
        said = cell.notes  # notes of another origin: said as written
    return replace(cell, notes=(*cell.notes, str(msg)), said_notes=(*said, msg))


def _journey_rule(cells: dict[tuple[str, str], Cell], pages: tuple[GridPage, ...], criteria: Iterable[str]) -> None:
    journeys: dict[str, list[GridPage]] = defaultdict(list)
    for p in pages:
        if p.journey:
            journeys[p.journey].append(p)
    for steps in journeys.values():
        if len(steps) < 2:
            continue
        for criterion in criteria:
            step_cells = [cells[(p.key, criterion)] for p in steps]
            worst = worst_status((c.status for c in step_cells if c.status != Status.NA), Status.NA)
            if worst.rank <= Status.C.rank:
                continue
            culprits = [p.name for p, c in zip(steps, step_cells, strict=True) if c.status == worst]
            for p, c in zip(steps, step_cells, strict=True):
                if c.status != Status.C:
                    continue
                msg = Msg("Conforme sur cette étape, mais « {status} » sur {steps} : sur un parcours, un critère "
                          "n'est conforme que s'il l'est à chaque étape.", status=Msg(_STATUS_WORD[worst]),
                          steps=", ".join(culprits))
                noted = _noted(c, msg)
                cells[(p.key, criterion)] = replace(
                    noted, status=worst, proofs=(*c.proofs, Proof(source="journey", ref=p.journey or "", status=worst,
                                                                  note=str(msg), said=msg)))


def build_grid(pages: Iterable[GridPage], findings: Iterable[Finding],
               verdicts: Mapping[tuple[str, str], Verdict] | None = None,
               conclusive_checks: frozenset[str] | None = None) -> Grid:
    """The audit grid: every page × every RGAA criterion, with the evidence behind each status.

    ``verdicts`` are keyed by (page key, criterion id) — see ``audit.auditor.resolve``.
    """
    pages = tuple(pages)
    keys = {p.key for p in pages}
    if conclusive_checks is None:
        conclusive_checks = conclusive_check_ids()
    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.page_key in keys:
            by_page[f.page_key].append(f)
    cells: dict[tuple[str, str], Cell] = {}
    for page in pages:
        tests, proofs = page_tests(by_page.get(page.key, ()), conclusive_checks)
        for criterion in standards.CRITERIA:
            cell = _criterion_cell(page.key, criterion, tests, proofs)
            if page.error:
                cell = _noted(replace(cell, notes=(), said_notes=()),
                              Msg("La page n'a pas pu être auditée : {error}", error=page.error))
            verdict = (verdicts or {}).get((page.key, criterion))
            if verdict is not None:
                cell = _apply_verdict(cell, verdict)
            cells[(page.key, criterion)] = cell
    _journey_rule(cells, pages, standards.CRITERIA)
    return Grid(pages=pages, cells=cells)


# --- rates --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rates:
    counts: dict[str, int]  # criteria across the sample, by status (roll-up)
    global_rate: Fraction | None  # percent, exact; None when not computable
    mean_rate: Fraction | None
    page_rates: tuple[tuple[str, Fraction | None], ...]  # per page key: percent, None without applicable
    nt_criteria: tuple[str, ...]  # criteria « à vérifier » across the sample (roll-up NT), in official order
    nt_cells: int
    state: Compliance
    reason: str  # French (the declaration's): why the rates are not given, or ""; see rates_reason()
    pages: int

    @property
    def valid(self) -> bool:
        """A complete audit: no NT cell, at least one page and one applicable criterion."""
        return self.global_rate is not None


def page_rate(statuses: Iterable[Status]) -> Fraction | None:
    """A page's rate, percent; None while a criterion is to verify on it (a rate over the criteria decided so
    far would read as the page's) or when no criterion applies."""
    values = list(statuses)
    if Status.NT in values:
        return None
    c, nc = values.count(Status.C), values.count(Status.NC)
    return Fraction(100 * c, c + nc) if c + nc else None


def compute_rates(grid: Grid) -> Rates:
    rollups = grid.rollups()
    counts = {s.value: sum(1 for v in rollups.values() if v == s) for s in (Status.C, Status.NC, Status.NA,
                                                                          Status.NT)}
    nt = grid.nt_cells()
    nt_criteria = tuple(c for c in grid.criteria if rollups[c] == Status.NT)
    per_page = tuple((p.key, page_rate(grid.page_statuses(p.key).values())) for p in grid.pages)
    c, nc = counts["C"], counts["NC"]
    global_rate = mean_rate = None
    if grid.pages and not nt and c + nc:
        global_rate = Fraction(100 * c, c + nc)
        applicable = [r for _, r in per_page if r is not None]
        mean_rate = sum(applicable, Fraction(0)) / len(applicable) if applicable else None
    if global_rate is None:
        state = Compliance.NONE
    elif nc == 0:
        state = Compliance.TOTAL
    elif global_rate >= 50:
        state = Compliance.PARTIAL
    else:
        state = Compliance.NONE
    rates = Rates(counts=counts, global_rate=global_rate, mean_rate=mean_rate, page_rates=per_page,
                  nt_criteria=nt_criteria, nt_cells=len(nt), state=state, reason="", pages=len(grid.pages))
    return replace(rates, reason=rates_reason(rates, "fr"))


def rates_reason(rates: Rates, lang: str | None = None) -> str:
    """Why ``rates`` are not given ("" when they are), in ``lang``; by default the command line's language
    (``a11y-audit --lang-cli``), whereas ``rates.reason`` is always French, for the French declaration."""
    if rates.valid:
        return ""
    if not rates.pages:
        return words.text("Aucune page dans l'échantillon : aucun audit.", lang=lang)
    if rates.nt_cells:
        return words.text("Taux non calculable : {criteria} à vérifier ({cells} de la grille).", lang=lang,
                          criteria=words.plural(len(rates.nt_criteria), "{n} critère", "{n} critères", lang=lang),
                          cells=words.plural(rates.nt_cells, "{n} case", "{n} cases", lang=lang))
    return words.text("Taux non calculable : aucun critère applicable sur l'échantillon.", lang=lang)


def round_rate(value: Fraction | float | None) -> Decimal | None:
    """Round a percentage to 0.1, half up — but never up to 100 when it is below 100."""
    if value is None:
        return None
    exact = Fraction(value)
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if rounded >= 100 and exact < 100:
        return Decimal("99.9")
    return rounded


def format_rate(value: Fraction | float | None, lang: str = "fr") -> str:
    rounded = round_rate(value)
    if rounded is None:
        return words.text("non calculable", lang=lang)
    text = f"{rounded:.1f}"
    return f"{text.replace('.', ',')}\u00a0%" if lang == "fr" else f"{text} %"


def rates_dict(rates: Rates, lang: str = "fr") -> dict[str, Any]:
    """The rates as JSON-ready data, their words in ``lang`` (the report's)."""
    def num(value: Fraction | None) -> float | None:
        r = round_rate(value)
        return float(r) if r is not None else None

    return {
        "valid": rates.valid, "state": rates.state.value, "state_label": rates.state.label(lang),
        "counts": rates.counts, "pages": rates.pages,
        "global": num(rates.global_rate), "global_text": format_rate(rates.global_rate, lang),
        "mean": num(rates.mean_rate), "mean_text": format_rate(rates.mean_rate, lang),
        "page_rates": {k: num(v) for k, v in rates.page_rates},
        "nt_criteria": list(rates.nt_criteria), "nt_cells": rates.nt_cells,
        "reason": rates_reason(rates, lang),
    }


# --- issues -------------------------------------------------------------------------------------

JOURNEY_WEIGHT = 2.0  # a journey step counts twice: people must get through every step of a démarche
TESTER_IMPACT = {"bloquant": Impact.CRITICAL, "majeur": Impact.SERIOUS, "mineur": Impact.MODERATE}  # as testers.py
LEVEL_RANK = {"A": 0, "AA": 1}

# Fixes of one attribute (alt, lang, title, label, an accessible name): quick wins.
QUICK_WIN_AXE = frozenset({
    "area-alt", "aria-command-name", "aria-dialog-name", "aria-input-field-name", "aria-meter-name",
    "aria-progressbar-name", "aria-toggle-field-name", "aria-tooltip-name", "autocomplete-valid",
    "button-name", "document-title", "frame-title", "html-has-lang", "html-lang-valid", "html-xml-lang-mismatch",
    "image-alt", "input-button-name", "input-image-alt", "label", "link-name", "object-alt", "role-img-alt",
    "select-name", "svg-img-alt", "valid-lang", "image-redundant-alt", "summary-name", "frame-title-unique",
})
_QUICK_WIN_WORDS = re.compile(r"(^|[-_.:])(alt|lang|title|titre|label|langue|autocomplete|name|nom)([-_.]|$)")


def quick_win(check_id: str) -> bool:
    if check_id.startswith("axe:"):
        return check_id[4:] in QUICK_WIN_AXE
    if check_id.startswith("tester"):
        return False
    return bool(_QUICK_WIN_WORDS.search(check_id.lower()))


def _tester_info(f: Finding) -> dict[str, Any]:
    tester = f.extra.get("tester") if f.extra else None
    return tester if isinstance(tester, dict) else {}


def impact_of(f: Finding) -> Impact | None:
    if f.impact is not None:
        return f.impact
    return TESTER_IMPACT.get(str(_tester_info(f).get("impact", "")))


def _level(wcag: Iterable[str]) -> str | None:
    levels = [standards.WCAG_SC[sc][1] for sc in wcag if sc in standards.WCAG_SC]
    if not levels:
        return None
    return min(levels, key=lambda lv: LEVEL_RANK.get(lv, 9))


@dataclass(frozen=True, slots=True)
class Issue:
    """One defect, possibly on many pages: fix it once, fix every page."""

    id: str  # the findings' fingerprint
    check_id: str
    source: str  # axe | check | tester
    title: str
    message: str
    impact: Impact | None
    blocking: bool  # a tester reported it as blocking
    level: str | None  # WCAG level: A, AA, or None when unknown
    wcag: tuple[str, ...]
    rgaa_tests: tuple[str, ...]
    criteria: tuple[str, ...]
    pages: tuple[str, ...]  # page keys, in report order
    reach: float  # sum of the page weights
    journey_pages: int
    quick_win: bool
    selector: str | None
    snippet: str | None
    how_to_fix: str
    help_url: str | None
    testers: tuple[str, ...]
    findings: tuple[Finding, ...]
    rank: int = 0
    also: tuple[str, ...] = ()  # other checks reporting the same element (axe and ours often agree)

    @property
    def page_count(self) -> int:
        return len(self.pages)


# Listed before everything: the site's own mention claiming another state than its declaration (a legal
# statement shown to every visitor that says what is not true).
FIRST = frozenset({"legal-accessibility-mention-state"})


def priority_key(issue: Issue) -> tuple:
    """The documented order: a false legal mention first; then blocking, impact, WCAG level, reach, quick win,
    then stable tie-breaks."""
    return (0 if issue.check_id in FIRST else 1, 0 if issue.blocking else 1, -(issue.impact.rank if issue.impact else -1),
            LEVEL_RANK.get(issue.level or "", 2), -issue.reach, 0 if issue.quick_win else 1, issue.check_id,
            issue.id)


# Checks that report one cause of a page element by element: every element axe's "region" finds outside a
# landmark, and our own 9.2 check's missing main/header/nav/footer, are one cause — one issue across the run,
# one problem a page (the elements listed inside it), not one a stray element.
PAGE_CAUSES: dict[str, str] = {"axe:region": "landmarks", "rgaa-9.2-regions": "landmarks"}


def _group_key(f: Finding) -> str:
    if f.check_id in PAGE_CAUSES:
        return f"cause:{PAGE_CAUSES[f.check_id]}"
    if f.fingerprint:
        return f.fingerprint
    return f"{f.check_id}\x1f{f.page_key}\x1f{f.selector or ''}\x1f{f.message}"


def group_issues(findings: Iterable[Finding], page_weight: Mapping[str, float] | None = None,
                 journey_pages: Iterable[str] = (), page_order: Iterable[str] = ()) -> list[Issue]:
    """Failed, non-dismissed findings (tester barriers included) grouped by fingerprint, in priority order.

    ``page_weight`` multiplies a page's weight (from tester sessions); ``journey_pages`` are the keys of
    journey steps (weight ``JOURNEY_WEIGHT``; keys starting with ``journey:`` always are).
    """
    weights = dict(page_weight or {})
    journeys = set(journey_pages)
    order: dict[str, int] = {}
    for k in page_order:
        order.setdefault(k, len(order))
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.outcome != Outcome.FAILED or f.dismissed:
            continue
        groups[_group_key(f)].append(f)

    def weight(key: str) -> float:
        base = JOURNEY_WEIGHT if key in journeys or key.startswith("journey:") else 1.0
        return base * float(weights.get(key, 1.0))

    def make(items: list[Finding]) -> Issue:
        items = sorted(items, key=lambda f: (order.get(f.page_key, len(order)), f.page_key))
        # our own checks speak French: prefer one of them to describe the issue
        first = next((f for f in items if f.source == Source.CHECK), items[0])
        pages = tuple(dict.fromkeys(f.page_key for f in items))
        impacts = [i for i in (impact_of(f) for f in items) if i is not None]
        wcag = tuple(dict.fromkeys(sc for f in items for sc in f.wcag))
        tests = tuple(dict.fromkeys(t for f in items for t in f.rgaa_tests))
        criteria = tuple(dict.fromkeys(standards.TESTS[t] for t in tests if t in standards.TESTS))
        testers = tuple(dict.fromkeys(_who(f) for f in items if f.source == Source.TESTER))
        blocking = any(str(_tester_info(f).get("impact", "")) == "bloquant" for f in items)
        checks = tuple(dict.fromkeys(f.check_id for f in items))
        return Issue(
            id=first.fingerprint or _group_key(first)[:16], check_id=first.check_id, source=_source_name(first),
            title=first.title or first.check_id, message=first.message,
            impact=max(impacts, key=lambda i: i.rank) if impacts else None, blocking=blocking,
            level=_level(wcag), wcag=wcag, rgaa_tests=tests, criteria=criteria, pages=pages,
            reach=round(sum(weight(k) for k in pages), 3),
            journey_pages=sum(1 for k in pages if k in journeys or k.startswith("journey:")),
            quick_win=any(quick_win(c) for c in checks), selector=first.selector, snippet=first.snippet,
            how_to_fix=first.how_to_fix, help_url=first.help_url, testers=testers, findings=tuple(items),
            also=tuple(c for c in checks if c != first.check_id))

    provisional = sorted(((make(items), items) for items in groups.values()), key=lambda pair: priority_key(pair[0]))
    clusters: list[tuple[Issue, list[Finding]]] = []
    for issue, items in provisional:
        for head, members in clusters:
            if _same_defect(head, issue):
                members.extend(items)
                break
        else:
            clusters.append((issue, list(items)))
    issues = sorted((make(members) for _, members in clusters), key=priority_key)
    return [replace(issue, rank=i + 1) for i, issue in enumerate(issues)]


def opening_tag(snippet: str | None) -> str:
    m = re.match(r"\s*(<[^>]*>)", snippet or "")
    return re.sub(r"\s+", " ", m.group(1)) if m else ""


def _same_defect(a: Issue, b: Issue) -> bool:
    """Two automated reports of one defect (axe and our checks often agree): the same element (same
    normalised selector or same opening tag), a common RGAA criterion or WCAG SC, and the pages of one
    within the pages of the other (a tester may have dismissed one of them on some page)."""
    from audit.fingerprint import normalise_selector

    if "tester" in (a.source, b.source):
        return False
    sel = normalise_selector(b.selector)
    tag = opening_tag(b.snippet)
    same_element = (sel and sel == normalise_selector(a.selector)) or (tag and tag == opening_tag(a.snippet))
    related = set(a.criteria) & set(b.criteria) or set(a.wcag) & set(b.wcag)
    nested = set(a.pages) <= set(b.pages) or set(b.pages) <= set(a.pages)
    return bool(same_element and related and nested)


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def clauses(parts: list[str], lang: str = "fr") -> str:
    """Clauses of one sentence: « a ; b ; c » (« a; b; c » in English)."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out = words.text("{first} ; {then}", lang=lang, first=out, then=part)
    return out


def _reach(issue: Issue, lang: str) -> str:
    n, weight = issue.page_count, _number(issue.reach, lang)
    if issue.journey_pages and n == 1:
        return words.text("présent sur {n} page (une étape de parcours) (poids {weight})", lang=lang, n=n,
                          weight=weight)
    if issue.journey_pages:
        return words.plural(issue.journey_pages, "présent sur {pages} pages, dont {n} étape de parcours (poids {weight})",
                            "présent sur {pages} pages, dont {n} étapes de parcours (poids {weight})", lang=lang,
                            pages=n, weight=weight)
    return words.plural(n, "présent sur {n} page (poids {weight})", "présent sur {n} pages (poids {weight})",
                        lang=lang, weight=weight)


def explain(issue: Issue, lang: str = "fr") -> str:
    """Why this rank, in one sentence a manager can read."""
    parts = []
    if issue.blocking:
        parts.append(words.text("signalé comme bloquant par un testeur", lang=lang))
    if issue.impact is not None:
        parts.append(words.text("gravité {impact}", lang=lang, impact=words.impact(issue.impact.value, lang)))
    else:
        parts.append(words.text("gravité non précisée", lang=lang))
    if issue.level:
        parts.append(words.text("niveau WCAG {level}", lang=lang, level=issue.level))
    else:
        parts.append(words.text("niveau WCAG inconnu", lang=lang))
    parts.append(_reach(issue, lang))
    if issue.quick_win:
        parts.append(words.text("correction rapide : un attribut à corriger", lang=lang))
    return words.text("Rang {rank} : {reasons}.", lang=lang, rank=issue.rank, reasons=clauses(parts, lang))


_PRIORITY_RULE = N_("Ordre de priorité : d'abord ce qu'un testeur a signalé comme bloquant, puis par gravité "
                    "(critique, grave, modérée, mineure), puis le niveau WCAG A avant AA, puis le nombre de pages "
                    "touchées (une étape de parcours compte double), enfin les corrections rapides (un seul "
                    "attribut à corriger) avant les autres.")


def priority_rule(lang: str = "fr") -> str:
    """The order of the issues, in one paragraph."""
    return words.gettext(_PRIORITY_RULE, lang)




def _lead(issue: Issue) -> Finding | None:
    """The finding that describes the issue (as ``group_issues`` chose it: one of our checks first)."""
    return next((f for f in issue.findings if f.source == Source.CHECK), issue.findings[0] if issue.findings else None)


def issue_dict(issue: Issue, names: Mapping[str, str] | None = None, lang: str = "fr") -> dict[str, Any]:
    names = names or {}
    lead = _lead(issue)
    return {
        "id": issue.id, "rank": issue.rank, "check_id": issue.check_id, "source": issue.source,
        "title": lead.said("title", lang) or issue.title if lead else issue.title,
        "message": lead.said("message", lang) if lead else issue.message,
        "impact": issue.impact.value if issue.impact else None, "blocking": issue.blocking,
        "level": issue.level, "wcag": list(issue.wcag), "rgaa_tests": list(issue.rgaa_tests),
        "criteria": [{"id": c, "title": standards.CRITERIA[c].title if lang == "fr" else
                      standards.CRITERIA[c].title_en} for c in issue.criteria],
        "page_count": issue.page_count,
        "pages": [{"key": k, "name": names.get(k, k), "url": _url_of(issue, k)} for k in issue.pages],
        "reach": issue.reach, "journey_pages": issue.journey_pages, "quick_win": issue.quick_win,
        "selector": issue.selector, "snippet": issue.snippet,
        "how_to_fix": lead.said("how_to_fix", lang) if lead else issue.how_to_fix,
        "help_url": issue.help_url, "testers": list(issue.testers), "why": explain(issue, lang),
        "also": list(issue.also),
    }


def _url_of(issue: Issue, key: str) -> str:
    return next((f.page_url for f in issue.findings if f.page_key == key), key)

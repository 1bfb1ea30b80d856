"""The data model: dataclasses and enums only, shared by every stage.

One outcome lattice everywhere: inapplicable < passed < cant_tell < failed (EARL's values, axe's
ranking). Aggregation is "the worst wins".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from audit import words


class Outcome(StrEnum):
    INAPPLICABLE = "inapplicable"
    PASSED = "passed"
    CANT_TELL = "cant_tell"
    FAILED = "failed"

    @property
    def rank(self) -> int:
        return _OUTCOME_RANK[self]


_OUTCOME_RANK = {Outcome.INAPPLICABLE: 0, Outcome.PASSED: 1, Outcome.CANT_TELL: 2, Outcome.FAILED: 3}


def worst(outcomes, default: Outcome = Outcome.INAPPLICABLE) -> Outcome:
    """The one aggregation function: the worst outcome wins."""
    result = default
    for outcome in outcomes:
        if Outcome(outcome).rank > result.rank:
            result = Outcome(outcome)
    return result


class Impact(StrEnum):
    MINOR = "minor"
    MODERATE = "moderate"
    SERIOUS = "serious"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _IMPACT_RANK[self]


_IMPACT_RANK = {Impact.MINOR: 0, Impact.MODERATE: 1, Impact.SERIOUS: 2, Impact.CRITICAL: 3}


class Source(StrEnum):
    AXE = "axe"
    CHECK = "check"
    TESTER = "tester"
    AUDITOR = "auditor"


class PageKind(StrEnum):
    HTML = "html"
    DOCUMENT = "document"


class PageState(StrEnum):
    QUEUED = "queued"
    DONE = "done"  # audited
    ERROR = "error"  # not audited: a network failure, a timeout, an HTTP error (4xx/5xx: ``status``), ...
    DUPLICATE = "duplicate"  # not audited: the same page as ``same_as`` (a redirect, a canonical, same content)


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page to audit: a URL found by the crawler, a configured sample page or a journey step."""

    url: str
    depth: int = 0
    via: str = "seed"  # seed | sample | sitemap | link | journey
    kind: PageKind = PageKind.HTML
    name: str | None = None  # sample page name ("Accueil") or journey step title
    journey: str | None = None  # journey id when this page is a journey step
    step: int | None = None  # index of the step in the journey
    referrer: str | None = None

    @property
    def key(self) -> str:
        """Identity of the page inside a run: a journey step is its own page."""
        if self.journey is not None:
            return f"journey:{self.journey}:{self.step}"
        return self.url


# What a page's screenshot can show: its left SHOT_WIDTH px (the audit's viewport width) and its top
# MAX_SCREENSHOT_HEIGHT px at most. Reports crop an element out of it with CROP_PAD px around its box and at most
# MAX_CROP_HEIGHT px of a tall element; a crawled page's screenshot reaches down to the lowest such crop
# (capture.shot_height), so whatever ``on_screenshot`` says is shown can be cropped whole.
SHOT_WIDTH = 1280
MAX_SCREENSHOT_HEIGHT = 6000
CROP_PAD = 24
MAX_CROP_HEIGHT = 600


def on_screenshot(box: dict[str, float] | None) -> bool:
    """Whether an element's box (document coordinates, as ``PageSnapshot.boxes``) can be shown on its page's
    screenshot: it has an area and starts within the screenshot's width and height."""
    return bool(box) and box["width"] >= 1 and box["height"] >= 1 and box["y"] + box["height"] > 0 \
        and box["x"] + box["width"] > 0 and box["y"] < MAX_SCREENSHOT_HEIGHT and box["x"] < SHOT_WIDTH


@dataclass(slots=True)
class PageSnapshot:
    """What gather saved for one page; the files live in the run folder (see store.py)."""

    key: str
    url: str
    final_url: str | None = None
    status: int | None = None
    kind: PageKind = PageKind.HTML
    name: str | None = None
    journey: str | None = None
    step: int | None = None
    title: str | None = None
    content_type: str | None = None
    content_hash: str | None = None
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # role -> path relative to the run folder
    links: list[str] = field(default_factory=list)
    boxes: dict[str, dict[str, float]] = field(default_factory=dict)  # selector -> {x, y, width, height}
    reused_from: str | None = None  # run id whose results this page reuses (incremental runs)
    validators: dict[str, str] = field(default_factory=dict)  # sub-resource URL -> ETag / Last-Modified
    # One final URL is one page: a page found to be another one already audited in this run (both redirect to
    # the same address, its <link rel="canonical"> names an audited URL, or the same response body and the
    # same rendered text) is not audited again; ``same_as`` is the key of that page (state DUPLICATE).
    same_as: str | None = None
    canonical: str | None = None  # the absolute URL of the page's <link rel="canonical">, if any
    render_hash: str | None = None  # SHA-256 of the rendered title and text (with content_hash: same content)

    def shot_box(self, selector: str | None) -> dict[str, float] | None:
        """The box of the element ``selector`` when this page has a screenshot that shows it, else None."""
        box = self.boxes.get(selector) if selector else None
        return box if self.files.get("screenshot") and on_screenshot(box) else None


@dataclass(slots=True)
class Finding:
    """One outcome of one check (or axe rule, or tester report) on one element of one page."""

    check_id: str
    source: Source
    outcome: Outcome
    page_key: str
    page_url: str
    impact: Impact | None = None
    rgaa_tests: tuple[str, ...] = ()
    wcag: tuple[str, ...] = ()
    selector: str | None = None
    xpath: str | None = None
    snippet: str | None = None
    message: str = ""
    title: str = ""
    help_url: str | None = None
    how_to_fix: str = ""
    question: str | None = None  # what a human must answer, for cant_tell
    fingerprint: str = ""
    conclusive: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dismissed(self) -> bool:
        """A tester dismissed it (``extra["dismissed"]``): it counts nowhere and is listed with the reason."""
        return bool(self.extra and self.extra.get("dismissed"))

    @property
    def repeated(self) -> bool:
        """Another report of a problem already counted (``extra["same_as"]``: the detector counted)."""
        return bool(self.extra and self.extra.get("same_as"))

    def said(self, name: str, lang: str) -> str:
        """One of its texts (``message``, ``title``, ``how_to_fix``, ``question``) in ``lang``.

        The field holds the French; ``extra["said"][name]`` keeps how to say it in another language: a message
        of ours (:class:`audit.words.Msg` data) or a text from elsewhere in both languages (``{"fr", "en"}``,
        axe-core's own translations). A field without either is a msgid (a check's declared text) or, for a
        tester's words, said as written."""
        value = getattr(self, name) or ""
        kept = (self.extra.get("said") or {}).get(name) if self.extra else None
        if isinstance(kept, dict) and "id" not in kept:
            return kept.get(lang) or kept.get("fr") or value
        if self.source == Source.TESTER:
            return value
        return words.said(value, kept, lang)


# --- configuration (sites.yaml) -------------------------------------------------------------


class StepAction(StrEnum):
    GOTO = "goto"
    CLICK = "click"
    FILL = "fill"
    PRESS = "press"
    WAIT_FOR = "wait_for"
    SUBMIT = "submit"


@dataclass(frozen=True, slots=True)
class Step:
    action: StepAction
    target: str | None = None  # URL/path for goto, CSS selector otherwise
    value: str | None = None  # literal value for fill / key for press
    value_env: str | None = None  # environment variable holding a secret value for fill
    value_file: str | None = None  # file outside the repository holding a secret value for fill (its path)
    name: str | None = None  # human title of the page state reached ("Étape 2 : choix des repas")
    audit: bool = False  # audit the page state reached after this step


@dataclass(frozen=True, slots=True)
class Journey:
    id: str
    name: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class SamplePage:
    name: str
    path: str  # "/path?query", or "journey:<id>:<step>" for a step of a configured journey
    reason: str = ""


DEFAULT_USER_AGENT = "a11y-audit/0.1 (+accessibility audit; contact: see sites.yaml)"


@dataclass(frozen=True, slots=True)
class CrawlPolicy:
    sitemaps: bool = True
    extra_sitemaps: tuple[str, ...] = ()
    include: tuple[str, ...] = ()  # regular expressions on the URL path (+query); empty = everything
    exclude: tuple[str, ...] = ()
    max_pages: int = 50
    max_depth: int = 3
    delay: float = 0.0  # seconds between two requests to the same host
    concurrency: int = 2  # pages in flight per host
    obey_robots: bool = True
    user_agent: str = DEFAULT_USER_AGENT
    allow_private: bool = False  # audit loopback/private addresses reached by redirect
    hosts: tuple[str, ...] = ()  # extra hosts in scope besides the base URL's


@dataclass(frozen=True, slots=True)
class DeclarationFacts:
    entity: str = ""
    contact_email: str = ""
    contact_form: str = ""
    contact_address: str = ""
    technologies: tuple[str, ...] = ()
    schema_url: str = ""  # schéma pluriannuel
    action_plan_url: str = ""  # plan d'action de l'année
    report_url: str = ""
    grid_url: str = ""
    auditor: str = ""
    published: str | None = None  # ISO date of the first publication (before the store kept it)
    # the review of last year's actions (« bilan des actions réalisées l'année précédente »): a URL or a text
    previous_actions_review: str = ""
    environments: tuple[str, ...] = ()  # browser + assistive technology combinations, beside testers' and auditor's
    tools: tuple[str, ...] = ()  # tools of the manual part of the audit, beside a11y-audit, axe-core, Chromium
    redesign: str | None = None  # ISO date of a substantial change or redesign of the site
    action_plan: tuple[tuple[str, str], ...] = ()  # (criterion, ISO date of the planned fix)
    alternatives: tuple[tuple[str, str], ...] = ()  # (criterion, the accessible alternative offered meanwhile)


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """A part of the pages that is not the site's own (a CMS toolbar, a third-party chat): left out of the
    audit, and listed as « hors périmètre » with its reason in every report."""

    selector: str  # CSS selector
    reason: str
    where: str = ""  # "file:line", for messages


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    base_url: str
    pages: tuple[SamplePage, ...] = ()
    journeys: tuple[Journey, ...] = ()
    sample: tuple[SamplePage, ...] = ()  # the pinned RGAA sample (a11y-audit sample SITE --pin)
    crawl: CrawlPolicy = field(default_factory=CrawlPolicy)
    declaration: DeclarationFacts = field(default_factory=DeclarationFacts)
    chromium: str | None = None  # path to a Chromium binary, else found at run time
    page_timeout: float = 30.0  # seconds for one page (navigation + checks)
    sessions: tuple[str, ...] = ()  # tester session files or folders registered with the site (assess inputs)
    verdicts: str | None = None  # the auditor's verdicts (YAML or grid CSV) registered with the site
    out_of_scope: tuple[ScopeRule, ...] = ()  # parts of the pages left out of the audit, with their reason


@dataclass(frozen=True, slots=True)
class Config:
    path: str
    sites: tuple[Site, ...]
    chromium: str | None = None
    runs_dir: str = "runs"

"""The check stage: offline, deterministic, re-runnable on saved snapshots without a browser.

A check is declared metadata plus one small function (see ``check``). Its function takes the
``Evidence`` of one page (the files gather saved) and yields ``Result``s; the framework turns them into
findings with targets (CSS selector + XPath), a short snippet and the check's references. Site checks
(``scope="site"``) judge every page of a run at once (identical titles, navigation systems) in two steps, so
that a run of any size is read one page at a time: ``summary`` turns one page's Evidence into a small summary
(a few strings, never a tree or the page's HTML), then the check's function judges the ``SitePage`` list.

The honesty rule lives here: a passed result is ``conclusive`` only when its check declares that it
fully decides its RGAA tests; every cant_tell carries the question a person must answer.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from audit.checks.axe import findings_from_axe, relax
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageKind, PageSnapshot, Source
from audit.words import N_, Msg

MAX_SNIPPET = 300


class Evidence:
    """What gather saved for one page, parsed lazily."""

    def __init__(self, snap: PageSnapshot, folder: Path):
        self.snap = snap
        self.folder = folder

    def _read(self, role: str) -> bytes | None:
        name = self.snap.files.get(role)
        if not name:
            return None
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    @property
    def url(self) -> str:
        return self.snap.final_url or self.snap.url

    @cached_property
    def dom_html(self) -> str | None:
        data = self._read("dom")
        return data.decode("utf-8", "replace") if data is not None else None

    @cached_property
    def source_html(self) -> str | None:
        data = self._read("source")
        if data is None:
            return None
        return _decode(data, self.snap.content_type)

    @cached_property
    def dom(self):
        """The rendered DOM as an lxml tree (None when nothing was saved)."""
        return _parse(self.dom_html)

    @cached_property
    def source(self):
        """The raw HTTP source as an lxml tree, for what the browser normalises (doctype, lang)."""
        return _parse(self.source_html)

    @cached_property
    def probes(self) -> dict[str, Any]:
        data = self._read("probes")
        if data is None:
            return {}
        try:
            return json.loads(data)
        except ValueError:
            return {}

    def probe(self, name: str) -> Any:
        """One probe's result, or None when it did not run or failed."""
        value = self.probes.get(name)
        if isinstance(value, dict) and set(value) == {"error"}:
            return None
        return value

    @cached_property
    def document(self) -> bytes | None:
        return self._read("document")

    def release(self) -> None:
        """Forget what was read and parsed (HTML strings, lxml trees, probes): it is read again if asked for."""
        for name in _CACHED:
            self.__dict__.pop(name, None)

    # --- targets ---------------------------------------------------------------------------

    def xpath(self, element) -> str:
        return element.getroottree().getpath(element)

    def selector(self, element) -> str:
        """A CSS selector that finds this element: by id when unique, else a short nth-of-type path."""
        parts: list[str] = []
        node = element
        while node is not None and isinstance(node.tag, str):
            tag = node.tag.lower()
            node_id = node.get("id")
            if node_id and _PLAIN_ID.fullmatch(node_id) and self._unique_id(node_id):
                parts.append(f"#{node_id}")
                break
            parent = node.getparent()
            if parent is None or tag in ("html",):
                parts.append(tag)
                break
            same = [c for c in parent if isinstance(c.tag, str) and c.tag.lower() == tag]
            parts.append(tag if len(same) == 1 or tag in ("body", "head") else
                         f"{tag}:nth-of-type({same.index(node) + 1})")
            node = parent
        return " > ".join(reversed(parts))

    def _unique_id(self, value: str) -> bool:
        return self._id_counts.get(value) == 1

    @cached_property
    def _id_counts(self) -> dict[str, int]:
        """How many elements of the rendered DOM carry each id (counted once, for every selector)."""
        counts: dict[str, int] = {}
        if self.dom is not None:
            for el in self.dom.iter():
                value = el.get("id") if isinstance(el.tag, str) else None
                if value is not None:
                    counts[value] = counts.get(value, 0) + 1
        return counts

    def snippet(self, element) -> str:
        from lxml import html as lxml_html

        try:
            text = lxml_html.tostring(element, encoding="unicode", with_tail=False)
        except (TypeError, ValueError):
            return ""
        return _clip(text)


_CACHED = tuple(name for name, value in vars(Evidence).items() if isinstance(value, cached_property))
_PLAIN_ID = re.compile(r"[A-Za-z][\w-]*")
_SPACES = re.compile(r"\s+")


def _clip(text: str) -> str:
    """White space collapsed, stripped, cut to MAX_SNIPPET characters (« … » marks a cut).

    A long serialisation (a whole <body>) is collapsed from its start only: the collapsed start of a text
    is the start of the collapsed text, so once it is longer than the snippet, the rest cannot change it."""
    if len(text) > 4 * MAX_SNIPPET:
        head = _SPACES.sub(" ", text[: 4 * MAX_SNIPPET]).lstrip()
        if len(head) >= MAX_SNIPPET + 2:
            return head[: MAX_SNIPPET - 1] + "…"
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= MAX_SNIPPET else text[: MAX_SNIPPET - 1] + "…"


@dataclass(frozen=True, slots=True)
class SitePage:
    """One page as a site check judges it: its snapshot, its folder and the summary the check made of it."""

    snap: PageSnapshot
    folder: Path
    summary: Any

    @property
    def url(self) -> str:
        return self.snap.final_url or self.snap.url

    def evidence(self) -> Evidence:
        """The page's Evidence, read afresh (for the few pages a site check must look at again)."""
        return Evidence(self.snap, self.folder)


def _decode(data: bytes, content_type: str | None) -> str:
    charset = None
    if content_type:
        m = re.search(r"charset=([\w-]+)", content_type, re.I)
        charset = m.group(1) if m else None
    for enc in (charset, "utf-8", "windows-1252"):
        if not enc:
            continue
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def _parse(text: str | None):
    if not text or not text.strip():
        return None
    from lxml import html as lxml_html

    # lxml refuses a str that declares its encoding (XHTML pages): drop the XML declaration
    text = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        return lxml_html.document_fromstring(text)
    except (ValueError, TypeError):
        return None
    except Exception:  # noqa: BLE001 - lxml raises ParserError subclasses for garbage input
        return None


# how a message joins several values: the comma is the same in French and English, « ; » is not (« a ; b »)
_JOINS = {", ": N_("{first}, {others}"), " ; ": N_("{first} ; {others}")}


def joined(items: list[str | Msg], sep: str = ", ") -> Msg | str:
    """Values of a message (names from the page, or messages) joined by ``sep`` (« , » or « ; »), as one value
    of a :class:`Msg`, said in the reader's language."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return Msg(_JOINS[sep], first=items[0], others=joined(items[1:], sep))


def listing(names: list[str | Msg], limit: int, sep: str = " ; ") -> Msg | str:
    """At most ``limit`` names (text from the page or messages) for a message, then « et N autre(s) »."""
    shown = joined(list(names[:limit]), sep)
    rest = len(names) - limit
    if rest <= 0:
        return shown
    return Msg.plural(rest, "{names} et {n} autre", "{names} et {n} autres", names=shown)


def probe_missing(evidence: Evidence, name: str, question: str | Msg) -> Result:
    """The result of a check whose in-page probe did not run or failed: to verify, saying why."""
    raw = evidence.probes.get(name)
    why = raw["error"] if isinstance(raw, dict) and "error" in raw else Msg("la sonde n'a pas été exécutée")
    return Result(Outcome.CANT_TELL, message=Msg("Mesure automatique impossible ({why}).", why=why),
                  question=Msg("{question} (à vérifier manuellement)",
                               question=question if isinstance(question, Msg) else Msg(question)))


@dataclass(slots=True)
class Result:
    """What a check function yields: an outcome, on an element or on the page."""

    outcome: Outcome
    element: Any = None
    message: str | Msg = ""  # a Msg when it has values (said later in the reader's language)
    question: str | Msg | None = None
    selector: str | None = None  # for results from probes, which report selectors themselves
    snippet: str | None = None
    page: PageSnapshot | None = None  # site checks say which page
    xpath: str | None = None  # with selector and snippet, for site checks (they keep no element)
    # The RGAA tests this result bears on, when narrower than the check's (a check declaring 13.1.1 and
    # 13.1.2 fails only 13.1.2 on a delayed redirect); tests the check does not declare are ignored.
    rgaa_tests: tuple[str, ...] | None = None
    # This one result fully decides its tests although the check is not declared conclusive: the proof that a
    # kind of content is absent from the page makes every test about it not applicable (checks/absence.py).
    decides: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    # French msgids (audit/locale/en translates them): what is checked, what is wrong, why, how to fix it
    title: str  # "La page a un titre"
    failure: str  # "La page n'a pas de titre"
    description: str
    how_to_fix: str
    rgaa_tests: tuple[str, ...]
    wcag: tuple[str, ...]
    impact: Impact
    evidence: tuple[str, ...]  # "dom", "source", "probe:<name>", "document", "site"
    conclusive: bool  # a pass fully decides the RGAA tests
    question: str | None  # French msgid: what a person must answer on a cant_tell
    func: Callable[..., Iterable[Result]]
    scope: str = "page"  # page | site | document
    module: str = field(default="")
    # site checks: one page's Evidence → its summary; func then judges the list of SitePage
    summary: Callable[[Evidence], Any] | None = None
    judge: Callable[[list[SitePage]], Iterable[Result]] | None = None
    # no result means no finding (not "inapplicable"): for checks that only ever prove an absence
    quiet: bool = False
    # a site check whose judge mostly waits for another program (the Nu validator's JVM): its summaries are made
    # first and its judge runs in a thread, beside the other site checks' summaries (run_site_checks)
    background: bool = False


REGISTRY: dict[str, Check] = {}


def check(*, id: str, title: str, failure: str, description: str,
          how_to_fix: str, rgaa: Iterable[str], wcag: Iterable[str], impact: Impact | str,
          evidence: Iterable[str] = ("dom",), conclusive: bool = False, question: str | None = None,
          scope: str = "page", summary: Callable[[Evidence], Any] | None = None, quiet: bool = False,
          background: bool = False):
    """Declare a check: its metadata, then the function below it (Evidence → Results).

    A site check (``scope="site"``) also gives ``summary`` (one page's Evidence → a small summary) and its
    function judges ``list[SitePage]``; the registered ``Check.func`` still takes a list of Evidence.
    ``background`` (site checks only): the judge mostly waits for another program; it runs beside the other
    site checks' summaries.
    """
    if (scope == "site") != (summary is not None):
        raise ValueError(f"check {id}: a site check, and only a site check, gives a summary")
    if background and scope != "site":
        raise ValueError(f"check {id}: only a site check runs in the background")

    def register(func: Callable[..., Iterable[Result]]) -> Callable[..., Iterable[Result]]:
        if id in REGISTRY:
            raise ValueError(f"duplicate check id {id}")
        run = func
        if summary is not None:
            def run(pages: Iterable[Evidence]) -> Iterable[Result]:
                return func([SitePage(e.snap, e.folder, summary(e)) for e in pages])
        REGISTRY[id] = Check(id=id, title=title, failure=failure, description=description, how_to_fix=how_to_fix, rgaa_tests=tuple(rgaa),
                             wcag=tuple(wcag), impact=Impact(impact), evidence=tuple(evidence),
                             conclusive=conclusive, question=question, func=run, scope=scope,
                             module=func.__module__, summary=summary, judge=func if summary else None,
                             quiet=quiet, background=background)
        return func

    return register


_LOADED = False


def load_checks() -> dict[str, Check]:
    """Import every theme module of this package once; their decorators fill REGISTRY."""
    global _LOADED
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            if info.name != "axe":
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED = True
    return REGISTRY


def _finding(chk: Check, result: Result, evidence: Evidence | None) -> Finding:
    """``evidence``: the page's, for results on an element; None for a site check's result (it names its page)."""
    snap = result.page or evidence.snap
    selector = result.selector
    xpath = result.xpath
    snippet = result.snippet
    if result.element is not None:
        selector = selector or evidence.selector(result.element)
        xpath = evidence.xpath(result.element)
        snippet = snippet if snippet is not None else evidence.snippet(result.element)
    outcome = result.outcome
    tests = chk.rgaa_tests
    if result.rgaa_tests:
        tests = tuple(t for t in chk.rgaa_tests if t in result.rgaa_tests) or chk.rgaa_tests
    message = result.message or (chk.failure if outcome == Outcome.FAILED else chk.title)
    question = result.question or (chk.question if outcome == Outcome.CANT_TELL else None)
    if outcome == Outcome.CANT_TELL and not question:
        question = Msg("{title} ?", title=Msg(chk.title))
    said = {name: value.data() for name, value in (("message", message), ("question", question))
            if isinstance(value, Msg)}
    return Finding(
        check_id=chk.id, source=Source.CHECK, outcome=outcome, page_key=snap.key, page_url=snap.url,
        impact=chk.impact if outcome in (Outcome.FAILED, Outcome.CANT_TELL) else None,
        rgaa_tests=tests, wcag=chk.wcag, selector=selector, xpath=xpath, snippet=snippet,
        message=str(message), title=chk.title if outcome != Outcome.FAILED else chk.failure,
        how_to_fix=chk.how_to_fix, question=str(question) if question is not None else None,
        fingerprint=fingerprint(chk.id, selector, snippet),
        conclusive=(chk.conclusive and outcome == Outcome.PASSED) or result.decides,
        extra={"said": said} if said else {})


# what a check that failed to run says (its French message starts so; bench/act.py counts them)
NOT_RUN = N_("La vérification n'a pas pu être faite (erreur de l'outil : {error}).")


def not_run(finding: Finding) -> bool:
    """Whether this finding is a check that failed to run."""
    return finding.outcome == Outcome.CANT_TELL and finding.message.startswith(NOT_RUN.split("{", 1)[0])


def _not_run(chk: Check, exc: Exception, page: PageSnapshot | None = None) -> Result:
    """A check that failed to run (a fault of ours, or a page it could not read): it says it could not tell, in the
    reader's language, and asks the question a person answers instead."""
    return Result(Outcome.CANT_TELL, page=page, message=Msg(NOT_RUN, error=f"{type(exc).__name__}: {exc}"[:300]),
                  question=Msg("{title} ? (vérification automatique impossible)", title=Msg(chk.title)))


def _results(chk: Check, evidence: Evidence) -> Iterator[Result]:
    try:
        produced = list(chk.func(evidence) or ())
    except Exception as exc:  # noqa: BLE001 - a broken check must not lose the page: say it could not tell
        produced = [_not_run(chk, exc)]
    if not produced and not chk.quiet:
        produced = [Result(Outcome.INAPPLICABLE)]
    yield from produced


def run_page_checks(evidence: Evidence, only: Iterable[str] | None = None) -> list[Finding]:
    checks = load_checks()
    wanted = set(only) if only else None
    findings = []
    is_document = evidence.snap.kind == PageKind.DOCUMENT
    for chk in checks.values():
        if wanted is not None and chk.id not in wanted:
            continue
        if chk.scope == "site" or (chk.scope == "document") != is_document:
            continue
        for result in _results(chk, evidence):
            findings.append(_finding(chk, result, evidence))
    return findings


def run_checks(snap: PageSnapshot, folder: Path) -> list[Finding]:
    """Every finding for one page: axe-core's, then our own checks'."""
    findings: list[Finding] = []
    if snap.error:
        return findings
    evidence = Evidence(snap, folder)
    axe_file = snap.files.get("axe")
    if axe_file and (folder / axe_file).is_file():
        from_axe = findings_from_axe((folder / axe_file).read_text(encoding="utf-8"), snap)
        findings.extend(relax(from_axe, evidence.dom) if any(f.outcome == Outcome.FAILED for f in from_axe)
                        else from_axe)
    findings.extend(run_page_checks(evidence))
    return findings


def run_site_checks(pages: Iterable[Evidence]) -> list[Finding]:
    """Checks that judge every page of the run at once; their results name their page.

    The pages are read one at a time: each site check summarises the page, then the page's Evidence is
    released (``Evidence.release``), so the memory held grows by a few summaries a page, never by a whole
    DOM tree or HTML string. ``pages`` may be a generator. The background checks (``Check.background``) make
    their summaries in a first pass, and their judges (the Nu validator's JVM) run in a thread while the other
    checks summarise the pages, read again from each page's snapshot and folder (a plain ``Evidence``).
    """
    site = [chk for chk in load_checks().values() if chk.scope == "site"]
    early = [chk for chk in site if chk.background]
    late = [chk for chk in site if not chk.background]
    kept: list[tuple[PageSnapshot, Path]] = []  # the pages' snapshots and folders, read again for the late checks

    def usable() -> Iterator[Evidence]:
        for evidence in pages:
            if not evidence.snap.error and evidence.snap.kind == PageKind.HTML:
                kept.append((evidence.snap, evidence.folder))
                yield evidence

    results: dict[str, list[Result]] = {}
    programs = _Programs()  # the background checks' programs, killed if the others are interrupted
    with ThreadPoolExecutor(max_workers=max(1, len(early)), thread_name_prefix="site-check") as pool:
        try:
            pending = {}
            if early:
                summaries, broken = _summarise(early, usable())
                first = kept[0][0] if kept else None  # the first usable page: where a check that failed says so
                for chk in early:
                    # the judge prepares its program's input alone (two threads sharing the GIL took a second more
                    # for its few hundred file operations); the other checks start once the program runs
                    ready = threading.Event()
                    pending[chk.id] = pool.submit(_judge_beside, ready, programs, chk, summaries.pop(chk.id),
                                                  broken.get(chk.id), first)
                    ready.wait()
                summaries, broken = _summarise(late, (Evidence(snap, folder) for snap, folder in kept))
            else:
                summaries, broken = _summarise(late, usable())
                first = kept[0][0] if kept else None
            for chk in late:
                results[chk.id] = _judge(chk, summaries.pop(chk.id), broken.get(chk.id), first)
            for check_id, future in pending.items():
                results[check_id] = future.result()
        except BaseException:
            programs.stop()  # else leaving the pool would wait for the validator to finish
            raise
    keys = {snap.key for snap, _ in kept}
    findings: list[Finding] = []
    for chk in site:
        for result in results[chk.id]:
            if result.page is None or result.page.key not in keys:
                continue
            findings.append(_finding(chk, result, None))
    return findings


def _summarise(checks: list[Check], pages: Iterable[Evidence]) -> tuple[dict[str, list[SitePage]],
                                                                        dict[str, Exception]]:
    """Every page's summary for each of ``checks``, each page read once and released; the checks that failed."""
    summaries: dict[str, list[SitePage]] = {chk.id: [] for chk in checks}
    broken: dict[str, Exception] = {}
    for evidence in pages:
        for chk in checks:
            if chk.id in broken:
                continue
            try:
                summaries[chk.id].append(SitePage(evidence.snap, evidence.folder, chk.summary(evidence)))
            except Exception as exc:  # noqa: BLE001 - judged below like a check that failed to run
                broken[chk.id] = exc
        evidence.release()
    return summaries, broken


class _Programs:
    """The programs the background checks' judges run, killed if the site checks are interrupted, even one that
    starts after the interrupt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[subprocess.Popen] = []
        self._stopped = False

    def add(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.append(process)
            if self._stopped:
                process.kill()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for process in self._running:
                process.kill()


_BESIDE = threading.local()


def program_started(process: subprocess.Popen | None = None) -> None:
    """Said by a background check's judge once its program runs (the validator's JVM): the other site checks
    start beside it, and the program is killed if they are interrupted (Ctrl-C). Nothing happens when the judge
    runs alone."""
    beside = getattr(_BESIDE, "beside", None)
    if beside is not None:
        ready, programs = beside
        if process is not None:
            programs.add(process)
        ready.set()


def _judge_beside(ready: threading.Event, programs: _Programs, chk: Check, summaries: list[SitePage],
                  broken: Exception | None, first: PageSnapshot | None) -> list[Result]:
    _BESIDE.beside = (ready, programs)
    try:
        return _judge(chk, summaries, broken, first)
    finally:
        _BESIDE.beside = None
        ready.set()


def _judge(chk: Check, summaries: list[SitePage], broken: Exception | None,
           first: PageSnapshot | None) -> list[Result]:
    """A site check's results; one "can't tell" on the first page when it failed to run."""
    try:
        if broken is not None:
            raise broken
        return list(chk.judge(summaries) or ())
    except Exception as exc:  # noqa: BLE001
        return [_not_run(chk, exc, first)] if first else []

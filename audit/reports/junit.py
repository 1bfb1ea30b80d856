"""JUnit XML for CI: a test suite per page, a test case per check (axe rule or ours) that ran on it.

- a check that failed on the page → ``<failure>`` (message, ``type`` = worst impact, and in the text every
  failing element: selector, code snippet, what was found, how to fix, references);
- a check that could not tell → ``<skipped message="à vérifier : …">`` with the question a person must
  answer: neither a pass nor a failure (the honesty rule);
- a check that passed or did not apply → an empty test case; that is not RGAA conformity, only "nothing
  detected";
- a page that could not be audited → one test case ``page`` with an ``<error>``;
- a check whose failures on the page are problems another detector already reported (axe and our checks
  often agree on one element) → ``<skipped>`` naming that detector: a problem fails one test case, once.

A pure function of the assessed result: a tester's dismissal reaches it like every other output.

The layout follows the JUnit schema most CI servers read (Jenkins' junit-10.xsd, the one GitLab and
GitHub test-report actions accept): ``testsuites > testsuite > testcase > skipped? error* failure*``.
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from audit import words
from audit.baseline import impact_said, page_path
from audit.model import Finding, Outcome, PageSnapshot, worst

if TYPE_CHECKING:
    from audit.assessment import Assessment

FILE_NAME = "junit.xml"
MAX_ELEMENTS = 50  # failing elements listed in one failure text

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

def _clean(text: str | None) -> str:
    return _XML_BAD.sub("", text or "")


def _timestamp(iso: str | None) -> str:
    """A date-time without zone, as Ant and Jenkins write it: 2026-11-22T16:13:11."""
    return (iso or "")[:19]


def _refs(f: Finding) -> str:
    parts = []
    if f.rgaa_tests:
        parts.append("RGAA " + ", ".join(f.rgaa_tests))
    if f.wcag:
        parts.append("WCAG " + ", ".join(f.wcag))
    return " ; ".join(parts)


def _failure_text(findings: list[Finding], lang: str) -> str:
    lines = []
    first = findings[0]
    for i, f in enumerate(findings[:MAX_ELEMENTS], 1):
        lines.append(words.text("Élément {i}/{total} : {selector}", lang=lang, i=i, total=len(findings),
                                selector=f.selector or "(page)"))
        if f.snippet:
            lines.append("  " + words.text("Code : {snippet}", lang=lang, snippet=f.snippet))
        message = f.said("message", lang)
        if message:
            lines.append("  " + words.text("Constat : {message}", lang=lang, message=message))
    if len(findings) > MAX_ELEMENTS:
        lines.append(words.plural(len(findings) - MAX_ELEMENTS, "… {n} autre élément non listé",
                                  "… {n} autres éléments non listés", lang=lang))
    how = first.said("how_to_fix", lang)
    if how:
        lines.append(words.text("Comment corriger : {how}", lang=lang, how=how))
    if _refs(first):
        lines.append(words.text("Références : {refs}", lang=lang, refs=_refs(first)))
    if first.help_url:
        lines.append(words.text("Documentation : {url}", lang=lang, url=first.help_url))
    return _clean("\n".join(lines))


def _testcase(suite: etree._Element, check_id: str, classname: str, outcome: Outcome, findings: list[Finding],
              lang: str) -> str:
    """``outcome``: the check's worst live outcome on the page (the result's page_checks); ``findings``: its
    failed and cant_tell findings there, dismissed ones left out."""
    case = etree.SubElement(suite, "testcase", name=_clean(check_id), classname=_clean(classname))
    failed = [f for f in findings if f.outcome == Outcome.FAILED]
    counted = [f for f in failed if not f.repeated]
    if outcome == Outcome.FAILED and failed and not counted:  # another detector's problem: counted there
        others = sorted({str(f.extra["same_as"]) for f in failed})
        etree.SubElement(case, "skipped", message=_clean(
            words.text("même problème que {check}, compté une fois", lang=lang, check=", ".join(others))))
        return "skipped"
    if outcome == Outcome.FAILED and counted:
        impacts = [f.impact for f in counted if f.impact]
        top = max(impacts, key=lambda i: i.rank) if impacts else None
        title = next((t for t in (f.said("title", lang) for f in counted) if t), check_id)
        message = words.plural(len(counted), "{title} ({n} élément en échec, {impact})",
                               "{title} ({n} éléments en échec, {impact})", lang=lang, title=title,
                               impact=impact_said(top, lang))
        node = etree.SubElement(case, "failure", message=_clean(message), type=str(top) if top else "failed")
        # the elements of this check's problems (one cause may hold several), not another detector's problems
        node.text = _failure_text([f for f in failed if (f.extra or {}).get("same_as") in (None, check_id)], lang)
        return "failed"
    if outcome == Outcome.CANT_TELL:
        asked = [f for f in findings if f.outcome == Outcome.CANT_TELL]
        questions = list(dict.fromkeys(f.said("question", lang) or f.said("title", lang) or check_id
                                       for f in asked)) or [check_id]
        if len(questions) > 1:
            message = words.plural(len(questions) - 1, "à vérifier : {question} (+{n} autre)",
                                   "à vérifier : {question} (+{n} autres)", lang=lang, question=questions[0])
        else:
            message = words.text("à vérifier : {question}", lang=lang, question=questions[0])
        node = etree.SubElement(case, "skipped", message=_clean(message))
        text = [words.text("Questions à trancher :", lang=lang)] + [f"- {q}" for q in questions]
        text += [words.text("Élément : {selector}", lang=lang, selector=f.selector)
                 for f in asked[:MAX_ELEMENTS] if f.selector]
        node.text = _clean("\n".join(text))
        return "skipped"
    return "passed"


def _suite_name(snap: PageSnapshot, base_url: str) -> str:
    return page_path(snap.key if snap.journey else snap.url, base_url)


def _suites(a: Assessment, lang: str, totals: dict[str, float]) -> Iterator[etree._Element]:
    """One test suite a page, made one after the other; ``totals`` adds up the counts and the time."""
    hostname = socket.gethostname()
    run = a.run
    by_page: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in [*a.findings, *a.barriers]:  # tester barriers are problems too
        if f.outcome in (Outcome.FAILED, Outcome.CANT_TELL) and not f.dismissed:
            by_page[f.page_key][f.check_id].append(f)
    for index, snap in enumerate(a.pages):
        path = _suite_name(snap, run.base_url)
        suite = etree.Element("testsuite", name=_clean(path), id=str(index), package=_clean(run.site),
                              hostname=_clean(hostname), timestamp=_timestamp(run.started))
        props = etree.SubElement(suite, "properties")
        for name, value in (("url", snap.final_url or snap.url), ("page_name", snap.name), ("title", snap.title),
                            ("run", run.id), ("reused_from", snap.reused_from),
                            ("overrides", "; ".join(a.inputs.overrides))):
            if value:
                etree.SubElement(props, "property", name=name, value=_clean(str(value)))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if snap.error:
            case = etree.SubElement(suite, "testcase", name="page", classname=_clean(path))
            etree.SubElement(case, "error", message=_clean(words.text(
                "La page n'a pas pu être auditée : {error}", lang=lang, error=snap.error)),
                             type="page-error").text = _clean(snap.error)
            counts["tests"] += 1
            counts["errors"] += 1
        else:
            checks = a.page_checks.get(snap.key, {})
            found = by_page.get(snap.key, {})
            for check_id in sorted(set(checks) | set(found)):
                outcome = (Outcome(checks[check_id]) if check_id in checks else
                           worst((f.outcome for f in found[check_id]), Outcome.PASSED))
                result = _testcase(suite, check_id, path, outcome, found.get(check_id, []), lang)
                counts["tests"] += 1
                if result == "failed":
                    counts["failures"] += 1
                elif result == "skipped":
                    counts["skipped"] += 1
        seconds = float((snap.timings or {}).get("total", 0.0) or 0.0)
        totals["time"] += seconds
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{seconds:.3f}")
        yield suite


def _root(a: Assessment, totals: dict[str, float]) -> etree._Element:
    root = etree.Element("testsuites", name=_clean(f"a11y-audit {a.run.site}"))
    for key in ("tests", "failures", "errors"):  # junit-10.xsd allows no "skipped" on <testsuites>
        root.set(key, str(totals[key]))
    root.set("time", f"{totals['time']:.3f}")
    return root


def _totals() -> dict[str, float]:
    return {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}


def render(a: Assessment, lang: str = "fr") -> bytes:
    """The assessed run as JUnit XML (UTF-8 bytes with the XML declaration)."""
    totals = _totals()
    suites = list(_suites(a, lang, totals))
    root = _root(a, totals)
    root.extend(suites)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_OPEN, _CLOSE = b"<testsuites>\n", b"</testsuites>\n"


def write(a: Assessment, out: Path, lang: str = "fr") -> Path:
    """The same bytes as ``render``, one suite at a time: each is serialised at its depth under an empty
    <testsuites> and spooled to a temporary file until the totals of the root are known."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    totals = _totals()
    with tempfile.TemporaryFile(dir=out) as spool:
        for suite in _suites(a, lang, totals):
            wrapper = etree.Element("testsuites")
            wrapper.append(suite)
            text = etree.tostring(wrapper, xml_declaration=False, encoding="UTF-8", pretty_print=True)
            spool.write(text[len(_OPEN):-len(_CLOSE)])
        root = _root(a, totals)
        if not spool.tell():  # no suite: an empty root, as render writes it
            path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
            return path
        etree.SubElement(root, "placeholder")
        head = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        spool.seek(0)
        try:
            with path.open("wb") as fh:
                fh.write(head[:head.index(b"  <placeholder/>\n")])
                shutil.copyfileobj(spool, fh)
                fh.write(_CLOSE)
        except BaseException:
            path.unlink(missing_ok=True)  # no half-written file
            raise
    return path

"""axe-core as one source of findings: its raw result → findings on the outcome lattice.

violations → failed, incomplete → cant_tell (axe's "needs review"), passes → passed,
inapplicable → inapplicable (page level, no element). WCAG success criteria come from tags like
``wcag111``; RGAA tests from axe's own ``RGAA-x.y.z`` tags. An axe pass is never conclusive for the RGAA:
axe tests a part of each criterion, so its passes leave the RGAA test "to verify".
"""

from __future__ import annotations

import json
import re
from typing import Any

from audit.capture import MAX_SNIPPET, axe_selector
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source

_WCAG_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")
_RGAA_TAG = re.compile(r"^RGAA-(\d+\.\d+\.\d+)$")
# Rules whose "needs review" is noise: css-orientation-lock (experimental) asks on nearly every page with a
# stylesheet; its violations are kept, and our own 13.9 check asks the question where it applies.
QUIET_INCOMPLETE = frozenset({"css-orientation-lock"})
_GROUPS = {"violations": Outcome.FAILED, "incomplete": Outcome.CANT_TELL, "passes": Outcome.PASSED,
           "inapplicable": Outcome.INAPPLICABLE}

# What a person must answer when axe cannot tell (its "needs review"), in French.
_QUESTION = "axe-core n'a pas pu conclure : vérifiez manuellement cet élément ({help})."


def wcag_from_tags(tags: list[str]) -> tuple[str, ...]:
    out = []
    for tag in tags:
        m = _WCAG_TAG.match(tag)
        if m:
            out.append(f"{m.group(1)}.{m.group(2)}.{m.group(3)}")
    return tuple(dict.fromkeys(out))


def rgaa_from_tags(tags: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for t in tags if (m := _RGAA_TAG.match(t))))


def _impact(value: Any) -> Impact | None:
    try:
        return Impact(value) if value else None
    except ValueError:
        return None


def _message(node: dict[str, Any]) -> str:
    for group in ("any", "all", "none"):
        for check in node.get(group, []) or []:
            if check.get("message"):
                return check["message"]
    summary = node.get("failureSummary") or ""
    return summary.strip()


def findings_from_axe(raw: str | dict[str, Any], snap: PageSnapshot) -> list[Finding]:
    data = json.loads(raw) if isinstance(raw, str) else raw
    findings: list[Finding] = []
    for group, outcome in _GROUPS.items():
        for rule in data.get(group, []) or []:
            if outcome == Outcome.CANT_TELL and rule.get("id") in QUIET_INCOMPLETE:
                continue
            tags = rule.get("tags", [])
            base = dict(
                check_id=f"axe:{rule['id']}", source=Source.AXE, page_key=snap.key, page_url=snap.url,
                rgaa_tests=rgaa_from_tags(tags), wcag=wcag_from_tags(tags), title=rule.get("help", ""),
                help_url=rule.get("helpUrl"), how_to_fix=rule.get("description", ""), conclusive=False,
                extra={"tags": tags},
            )
            nodes = rule.get("nodes") or []
            if outcome in (Outcome.PASSED, Outcome.INAPPLICABLE) or not nodes:
                if outcome in (Outcome.FAILED, Outcome.CANT_TELL):
                    continue  # a violation without an element carries nothing to show
                findings.append(Finding(outcome=outcome, impact=None, message=rule.get("help", ""),
                                        fingerprint=fingerprint(base["check_id"], None, None), **base))
                continue
            for node in nodes:
                selector = axe_selector(node.get("target"))
                snippet = (node.get("html") or "")[:MAX_SNIPPET]
                xpath = axe_selector(node.get("xpath")) if node.get("xpath") else None
                findings.append(Finding(
                    outcome=outcome, impact=_impact(node.get("impact") or rule.get("impact")),
                    selector=selector, xpath=xpath, snippet=snippet, message=_message(node),
                    question=_QUESTION.format(help=rule.get("help", rule["id"])) if outcome == Outcome.CANT_TELL else None,
                    fingerprint=fingerprint(base["check_id"], selector, snippet), **base))
    return findings


# axe rules stricter than the RGAA test they are tagged with, on a case the RGAA methodology accepts: there,
# their violation becomes the question the methodology asks. object-alt (RGAA 1.1.6) requires a text
# alternative on the <object>; 1.1.6 also accepts a link or button right after it leading to an alternative.
_ADJACENT_QUESTION = ("Le lien ou bouton placé juste après cet élément object mène-t-il à un contenu alternatif "
                      "qui donne la même information ?")


def relax(findings: list[Finding], root) -> list[Finding]:
    """axe's findings on one page, with violations the RGAA accepts (see above) turned into questions."""
    if root is None:
        return findings
    from dataclasses import replace

    from audit.checks.exposure import view
    from audit.checks.images import adjacent_control

    out = []
    for f in findings:
        if f.check_id == "axe:object-alt" and f.outcome == Outcome.FAILED and f.selector:
            element = _one(root, f.selector)
            control = adjacent_control(element, view(root)) if element is not None else None
            if control is not None:
                f = replace(f, outcome=Outcome.CANT_TELL, question=_ADJACENT_QUESTION,
                            message=f"{f.message} Un lien ou bouton suit l'élément : il peut mener à l'alternative "
                                    "(RGAA 1.1.6).".strip())
        out.append(f)
    return out


def _one(root, selector: str):
    """The one element of the page's DOM a top-level axe selector designates, or None."""
    if " ⟶ " in selector or " >>> " in selector:
        return None  # inside a frame or a shadow root: not in the saved DOM
    try:
        from lxml.cssselect import CSSSelector

        found = CSSSelector(selector)(root)
    except Exception:  # noqa: BLE001 - cssselect does not know every selector axe writes
        return None
    return found[0] if len(found) == 1 else None

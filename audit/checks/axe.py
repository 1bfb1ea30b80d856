"""axe-core as one source of findings: its raw result → findings on the outcome lattice.

violations → failed, incomplete → cant_tell (axe's "needs review"), passes → passed,
inapplicable → inapplicable (page level, no element). WCAG success criteria come from tags like
``wcag111``; RGAA tests from axe's own ``RGAA-x.y.z`` tags. An axe pass is never conclusive for the RGAA:
axe tests a part of each criterion, so its passes leave the RGAA test "to verify".
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from audit import words
from audit.capture import MAX_SNIPPET, axe_script_path, axe_selector
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.words import N_

_WCAG_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")
_RGAA_TAG = re.compile(r"^RGAA-(\d+\.\d+\.\d+)$")
# Rules whose "needs review" is noise: css-orientation-lock (experimental) asks on nearly every page with a
# stylesheet; its violations are kept, and our own 13.9 check asks the question where it applies.
QUIET_INCOMPLETE = frozenset({"css-orientation-lock"})
_GROUPS = {"violations": Outcome.FAILED, "incomplete": Outcome.CANT_TELL, "passes": Outcome.PASSED,
           "inapplicable": Outcome.INAPPLICABLE}

# What a person must answer when axe cannot tell (its "needs review"), in French.
_QUESTION = N_("axe-core n'a pas pu conclure : vérifiez manuellement cet élément ({help}).")
# which of a check's messages axe wrote for a node of each group
_MESSAGE_KEYS = {"violations": "fail", "incomplete": "incomplete", "passes": "pass"}
# axe-core's own translations of its texts, by our language: English is its template, French its fr locale
_LOCALE_FILES = {"en": "_template.json", "fr": "fr.json"}


@cache
def axe_texts(lang: str) -> dict[str, Any]:
    """axe-core's rules and checks texts in ``lang``, from the pinned package's locales folder ({} without)."""
    try:
        path = axe_script_path().parent / "locales" / _LOCALE_FILES[lang]
        data = json.loads(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - without them, a finding keeps the words axe wrote
        return {}
    return data if isinstance(data, dict) else {}


def _js_string(value: Any) -> str:
    """A value as JavaScript's String() writes it (axe fills its messages with it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(_js_string(v) for v in value)
    return str(value)


def _substitute(template: str, data: Any) -> str:
    if isinstance(data, str):
        return re.sub(r"\$\{\s?data\s?\}", lambda _: data, template)
    if isinstance(data, dict):
        for key, value in data.items():
            template = re.sub(r"\$\{\s?data\." + re.escape(str(key)) + r"\s?\}", lambda _, v=value: _js_string(v),
                              template)
    return template


def axe_message(message: Any, data: Any) -> str | None:
    """axe-core's processMessage: one of a check's message templates filled with the node's data."""
    if not message:
        return None
    if isinstance(data, list):
        values = {"values": ", ".join(_js_string(v) for v in data)}
        if isinstance(message, dict) and isinstance(message.get("singular"), str):
            return _substitute(message["singular"] if len(data) == 1 else message["plural"], values)
        return _substitute(message, values) if isinstance(message, str) else None
    if isinstance(message, str):
        return _substitute(message, data)
    if not isinstance(message, dict):
        return None
    if isinstance(data, str):
        return _substitute(message[data], data) if isinstance(message.get(data), str) else None
    chosen = message.get("default")
    if isinstance(data, dict) and data.get("messageKey") in message:
        chosen = message[data["messageKey"]]
    return axe_message(chosen, data) if chosen else None


def _said_message(node: dict[str, Any], group: str, written: str) -> dict[str, str] | None:
    """The node's message in French and English from axe's own templates: the one check message whose
    rendering is the message axe wrote (None when none is: its data is not all there)."""
    keys = [_MESSAGE_KEYS[group]] + [k for k in _MESSAGE_KEYS.values() if k != _MESSAGE_KEYS[group]]
    for kind in ("any", "all", "none"):
        for chk in node.get(kind, []) or []:
            for key in keys:
                out = {}
                for lang in words.LANGS:
                    template = ((axe_texts(lang).get("checks") or {}).get(chk.get("id")) or {}).get(key)
                    out[lang] = axe_message(template, chk.get("data"))
                if all(out.values()) and written in out.values():
                    return out
    return None


def _said_rule(rule_id: str, field: str, written: str) -> dict[str, str]:
    out = {lang: ((axe_texts(lang).get("rules") or {}).get(rule_id) or {}).get(field) or written for lang in words.LANGS}
    return out


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
            said = {"title": _said_rule(rule["id"], "help", rule.get("help", "")),
                    "how_to_fix": _said_rule(rule["id"], "description", rule.get("description", ""))}
            base = dict(
                check_id=f"axe:{rule['id']}", source=Source.AXE, page_key=snap.key, page_url=snap.url,
                rgaa_tests=rgaa_from_tags(tags), wcag=wcag_from_tags(tags), title=rule.get("help", ""),
                help_url=rule.get("helpUrl"), how_to_fix=rule.get("description", ""), conclusive=False,
            )
            nodes = rule.get("nodes") or []
            if outcome in (Outcome.PASSED, Outcome.INAPPLICABLE) or not nodes:
                if outcome in (Outcome.FAILED, Outcome.CANT_TELL):
                    continue  # a violation without an element carries nothing to show
                findings.append(Finding(outcome=outcome, impact=None, message=rule.get("help", ""),
                                        fingerprint=fingerprint(base["check_id"], None, None),
                                        extra={"tags": tags, "said": {**said, "message": said["title"]}}, **base))
                continue
            for node in nodes:
                selector = axe_selector(node.get("target"))
                snippet = (node.get("html") or "")[:MAX_SNIPPET]
                xpath = axe_selector(node.get("xpath")) if node.get("xpath") else None
                message = _message(node)
                node_said = dict(said)
                if (both := _said_message(node, group, message)) is not None:
                    node_said["message"] = both
                question = None
                if outcome == Outcome.CANT_TELL:
                    node_said["question"] = {lang: words.text(_QUESTION, lang=lang, help=said["title"][lang] or rule["id"])
                                             for lang in words.LANGS}
                    question = words.text(_QUESTION, lang="fr", help=rule.get("help", rule["id"]))
                findings.append(Finding(
                    outcome=outcome, impact=_impact(node.get("impact") or rule.get("impact")),
                    selector=selector, xpath=xpath, snippet=snippet, message=message, question=question,
                    fingerprint=fingerprint(base["check_id"], selector, snippet),
                    extra={"tags": tags, "said": node_said}, **base))
    return findings


# axe rules stricter than the RGAA test they are tagged with, on a case the RGAA methodology accepts: there,
# their violation becomes the question the methodology asks. object-alt (RGAA 1.1.6) requires a text
# alternative on the <object>; 1.1.6 also accepts a link or button right after it leading to an alternative.
_ADJACENT_QUESTION = N_("Le lien ou bouton placé juste après cet élément object mène-t-il à un contenu "
                         "alternatif qui donne la même information ?")
_ADJACENT_NOTE = N_("{message} Un lien ou bouton suit l'élément : il peut mener à l'alternative (RGAA 1.1.6).")


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
                said = dict(f.extra.get("said") or {})
                said["question"] = {lang: words.gettext(_ADJACENT_QUESTION, lang) for lang in words.LANGS}
                said["message"] = {lang: words.text(_ADJACENT_NOTE, lang=lang, message=f.said("message", lang)).strip()
                                   for lang in words.LANGS}
                f = replace(f, outcome=Outcome.CANT_TELL, question=_ADJACENT_QUESTION, message=said["message"]["fr"],
                            extra={**f.extra, "said": said})
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

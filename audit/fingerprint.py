"""Stable finding fingerprints that survive unrelated page edits.

A fingerprint is a hash of: the check id, the element's selector normalised (ids and classes that look
generated, nth-child indexes and digits dropped), and the *shape* of its HTML snippet (tag names and
attribute names, not text or attribute values). The page is not part of it: the same defect in a shared
header has the same fingerprint on every page, which is how the report groups it into one issue. An XPath
is never used: it changes whenever anything above the element moves.
"""

from __future__ import annotations

import hashlib
import re

_NTH = re.compile(r":nth-(child|of-type|last-child|last-of-type)\([^)]*\)")
_DIGITS = re.compile(r"\d+")
_GENERATED = re.compile(r"([#.])[A-Za-z_-]*[0-9a-f]{6,}[\w-]*")
_TAG = re.compile(r"<\s*([a-zA-Z][\w-]*)([^>]*)>")
_ATTR = re.compile(r"([a-zA-Z_:][\w:.-]*)\s*(?:=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")


def normalise_selector(selector: str | None) -> str:
    if not selector:
        return ""
    text = _NTH.sub("", selector)
    text = _GENERATED.sub(r"\1*", text)
    text = _DIGITS.sub("0", text)
    return re.sub(r"\s+", " ", text).strip()


def snippet_shape(snippet: str | None) -> str:
    """Tag and attribute names of the snippet's opening tags, in order: '<a href class><img alt src>'."""
    if not snippet:
        return ""
    parts = []
    for match in _TAG.finditer(snippet[:2000]):
        tag = match.group(1).lower()
        attrs = sorted({a.group(1).lower() for a in _ATTR.finditer(match.group(2)) if a.group(1) not in ("/",)})
        parts.append("<" + " ".join([tag, *attrs]) + ">")
        if len(parts) >= 3:
            break
    return "".join(parts)


def fingerprint(check_id: str, selector: str | None, snippet: str | None, template: str = "") -> str:
    material = "\x1f".join([check_id, normalise_selector(selector), snippet_shape(snippet), template])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]

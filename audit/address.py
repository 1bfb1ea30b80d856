"""How pages are named: a URL's path on its site, a title's head, text folded for comparison.

Shared by the sample, the auditor's files, the tester sessions and the assessment: a page is named by its
path (``/contact.html?x=1``), its sample name or its journey key, never by host and port (the demo runs on
an ephemeral port).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit


def normalise(text: str | None) -> str:
    """Lower case, no accents, typographic apostrophes and spaces folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("\u00a0", " ").lower()
    return re.sub(r"\s+", " ", text).strip()


def site_path(url: str) -> str:
    """The path (+ query) of a URL on its site: what sites.yaml and the auditor's files name pages by."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def title_head(title: str | None) -> str:
    """A page title before its first dash or bar (« Contact — Ville de … » → « Contact »)."""
    return re.split(r"\s+[—–|-]\s+", title or "", maxsplit=1)[0].strip()


def page_name(snap) -> str:
    """How a page is named to a person: its sample or step name, else its title's head, else its path."""
    return snap.name or title_head(snap.title) or site_path(snap.final_url or snap.url)


def page_id(key: str) -> str:
    """A page's short id in a run: names its folder and its anchors in the reports."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

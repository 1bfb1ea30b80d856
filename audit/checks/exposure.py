"""What the saved DOM exposes to assistive technologies: hidden subtrees, roles, names and text.

The check stage has no browser, so this is a static approximation of the accessibility tree, shared by
the theme modules. It errs on the side of *hiding*: an element is treated as hidden when the markup, an
inline style or a ``<style>`` rule of the page hides it (``hidden``, ``aria-hidden="true"``,
``display: none``, ``visibility: hidden``, closed ``<details>``). Stylesheets loaded from files are not
in the snapshot, so content they hide can still be seen here. A check that skips a hidden element can
only miss a defect, never invent one.

Accessible names follow the order of the RGAA glossary and of accname 1.2 (aria-labelledby, aria-label,
native label such as ``alt`` or ``<caption>``, content for the roles named from content, then ``title``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lxml import etree

from audit.words import N_, Msg

HIDE_STYLE = re.compile(r"(?:^|;|\s)(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|content-visibility\s*:"
                        r"\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)", re.I)
NEVER_RENDERED = frozenset({"script", "style", "template", "noscript", "head", "title", "meta", "link", "base",
                            "datalist", "param", "source", "track"})
BLOCK = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
                   "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                   "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
                   "td", "tfoot", "th", "thead", "tr", "ul", "caption", "option", "legend"})
# roles whose name can come from their content (accname "name from content")
NAME_FROM_CONTENT = frozenset({"button", "cell", "checkbox", "columnheader", "gridcell", "heading", "link",
                               "menuitem", "menuitemcheckbox", "menuitemradio", "option", "radio", "row",
                               "rowheader", "sectionhead", "switch", "tab", "tooltip", "treeitem", "doc-backlink",
                               "doc-biblioref", "doc-glossref", "doc-noteref"})
IMPLICIT_ROLE = {"a": "link", "area": "link", "button": "button", "h1": "heading", "h2": "heading",
                 "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading", "td": "cell",
                 "th": "columnheader", "summary": "button", "option": "option", "img": "img", "nav": "navigation",
                 "main": "main", "table": "table", "ul": "list", "ol": "list", "li": "listitem",
                 "dl": "list", "select": "combobox", "textarea": "textbox", "iframe": "document"}


_SPACES = re.compile(r"\s+")


def norm(text: str | None) -> str:
    """Collapse white space (including non-breaking spaces) and strip."""
    if not text:
        return ""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


class _Uncombined(dict):
    """A ``str.translate`` table that deletes combining characters (the accents NFKD splits off) and keeps
    every other character; filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_UNCOMBINED = _Uncombined()


def fold(text: str | None) -> str:
    """Lower case, no accents, collapsed spaces: for comparing words with lists."""
    text = unicodedata.normalize("NFKD", norm(text).lower().replace("’", "'"))
    return text if text.isascii() else text.translate(_UNCOMBINED)


def tag(el) -> str:
    name = el.tag
    return name.lower() if isinstance(name, str) else ""


def is_html_document(evidence) -> bool:
    """False for SVG, MathML or XML documents served on their own (our checks target HTML pages)."""
    ctype = (evidence.snap.content_type or "").lower()
    if "html" in ctype:
        return True
    if "xml" in ctype or "svg" in ctype:
        return False
    head = (evidence.source_html or evidence.dom_html or "").lstrip("\ufeff \t\r\n")[:500].lower()
    head = re.sub(r"^(<\?xml[^>]*>\s*|<!--.*?-->\s*)+", "", head, flags=re.S)
    return not head.startswith(("<svg", "<math"))


def dom_of(evidence):
    """The rendered DOM of an HTML page, or None (nothing saved, or not an HTML document)."""
    if not is_html_document(evidence):
        return None
    return evidence.dom


def view(root) -> View:
    return _view(root)


@lru_cache(maxsize=8)
def _view(root) -> View:
    return View(root)


class View:
    """One page's DOM seen roughly as assistive technologies see it."""

    def __init__(self, root):
        self.root = root
        self._ids: dict[str, object] = {}
        for el in root.iter():
            if isinstance(el.tag, str):
                el_id = el.get("id")
                if el_id and el_id not in self._ids:
                    self._ids[el_id] = el
        self._styled_hidden = _style_hidden(root)
        self._rendered: dict[object, bool] = {}
        self._exposed: dict[object, bool] = {}
        self._body_texts: dict[object, str] = {}  # text(body): half a dozen checks read it

    # --- visibility -----------------------------------------------------------------------

    def by_id(self, value: str):
        return self._ids.get(value)

    def rendered(self, el) -> bool:
        """Not hidden from everyone (display: none, hidden, visibility: hidden…); aria-hidden aside."""
        if el is None or not isinstance(el.tag, str):
            return False
        cached = self._rendered.get(el)
        if cached is not None:
            return cached
        parent = el.getparent()
        result = not self._hides(el) and (parent is None or self.rendered(parent))
        if result and parent is not None and tag(parent) == "details" and parent.get("open") is None:
            first_summary = next((c for c in parent if tag(c) == "summary"), None)
            result = el is first_summary
        self._rendered[el] = result
        return result

    def exposed(self, el) -> bool:
        """Rendered and not removed from the accessibility tree by aria-hidden="true"."""
        if el is None or not isinstance(el.tag, str):
            return False
        cached = self._exposed.get(el)
        if cached is not None:
            return cached
        parent = el.getparent()
        result = (self.rendered(el) and (el.get("aria-hidden") or "").strip().lower() != "true"
                  and (parent is None or self.exposed(parent)))
        self._exposed[el] = result
        return result

    def _hides(self, el) -> bool:
        t = tag(el)
        if t in NEVER_RENDERED or t == "":
            return True
        if el.get("hidden") is not None:
            return True
        if t == "input" and (el.get("type") or "").lower() == "hidden":
            return True
        style = el.get("style")
        if style and HIDE_STYLE.search(style):
            return True
        return el in self._styled_hidden

    # --- roles and names -------------------------------------------------------------------

    def role(self, el) -> str:
        """The explicit role (first token) or the implicit one for common elements."""
        explicit = (el.get("role") or "").strip().lower().split()
        if explicit:
            return explicit[0]
        t = tag(el)
        if t == "a" and el.get("href") is None:
            return ""
        if t == "area" and el.get("href") is None:
            return ""
        if t == "img" and el.get("alt") == "" and not _global_aria(el) and el.get("title") is None:
            return "presentation"
        if t == "input":
            kind = (el.get("type") or "text").lower()
            return {"image": "button", "submit": "button", "reset": "button", "button": "button",
                    "checkbox": "checkbox", "radio": "radio"}.get(kind, "textbox")
        if t == "th":
            return "rowheader" if (el.get("scope") or "").lower() in ("row", "rowgroup") else "columnheader"
        return IMPLICIT_ROLE.get(t, "")

    def name(self, el) -> str:
        """The accessible name (simplified accname 1.2), white space collapsed."""
        return norm(self._name(el, set(), from_labelledby=False, recursing=False))

    def labelledby_text(self, el) -> str:
        ids = (el.get("aria-labelledby") or "").split()
        parts = []
        for ref in ids:
            target = self.by_id(ref)
            if target is not None:
                parts.append(self._name(target, set(), from_labelledby=True, recursing=True))
        return norm(" ".join(parts))

    def _name(self, el, seen: set, from_labelledby: bool, recursing: bool) -> str:
        if el in seen:
            return ""
        seen = seen | {el}
        t = tag(el)
        if not from_labelledby:
            ids = (el.get("aria-labelledby") or "").split()
            if ids:
                parts = []
                for ref in ids:
                    target = self.by_id(ref)
                    if target is not None:
                        parts.append(self._name(target, seen, from_labelledby=True, recursing=True))
                joined = norm(" ".join(parts))
                if joined:
                    return joined
        label = norm(el.get("aria-label"))
        if label:
            return label
        if recursing and not from_labelledby and t in ("img", "svg") and self.role(el) in ("presentation", "none") \
                and not _global_aria(el) and el.get("tabindex") is None:
            return ""  # a presentational image gives nothing to its container's name
        if t in ("img", "area") or (t == "input" and (el.get("type") or "").lower() == "image"):
            alt = el.get("alt")
            if alt is not None and norm(alt):
                return norm(alt)
            if alt is not None and t == "img" and el.get("title") is None:
                return ""
        elif t in ("iframe", "frame"):
            pass  # title below
        elif t == "svg":
            title = next((c for c in el if tag(c) == "title"), None)
            if title is not None and norm(title.text_content()):
                return norm(title.text_content())
        elif t == "table":
            caption = next((c for c in el if tag(c) == "caption"), None)
            if caption is not None:
                text = norm(self._content(caption, seen, hidden_ok=False))
                if text:
                    return text
        elif t == "input":
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "reset", "button") and norm(el.get("value")):
                return norm(el.get("value"))
        role = self.role(el)
        if recursing or from_labelledby or role in NAME_FROM_CONTENT:
            if t in ("input", "select", "textarea"):
                if recursing and t == "input":
                    return norm(el.get("value"))
            else:
                text = norm(self._content(el, seen, hidden_ok=from_labelledby and not self.exposed(el)))
                if text:
                    return text
        return norm(el.get("title"))

    def _content(self, el, seen: set, hidden_ok: bool) -> str:
        """Name from content; inside a hidden element referenced by aria-labelledby, hidden text counts."""
        parts = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str):
                ct = tag(child)
                if ct == "br":
                    parts.append(" ")
                elif ct in ("script", "style", "template") or not (hidden_ok or self.exposed(child)):
                    pass
                elif hidden_ok:
                    piece = self._content(child, seen, hidden_ok=True) if not _named(child) else \
                        self._name(child, seen, from_labelledby=False, recursing=True)
                    parts.append(f" {piece} " if ct in BLOCK else piece)
                else:
                    piece = self._name(child, seen, from_labelledby=False, recursing=True)
                    parts.append(f" {piece} " if ct in BLOCK else piece)
            parts.append(child.tail or "")
        return "".join(parts)

    def text(self, el, skip=None) -> str:
        """The exposed text of a subtree (image alternatives included), without ``skip``'s subtree."""
        remember = skip is None and tag(el) == "body"
        if remember and el in self._body_texts:
            return self._body_texts[el]
        parts: list[str] = []
        self._collect_text(el, parts, skip)
        text = norm("".join(parts))
        if remember:
            self._body_texts[el] = text
        return text

    def _collect_text(self, el, parts: list[str], skip) -> None:
        if el is skip or not self.rendered(el):
            return
        t = tag(el)
        if t in ("img", "area") or (t == "input" and (el.get("type") or "").lower() == "image"):
            if self.exposed(el):
                parts.append(" " + self.name(el) + " ")
            return
        if t == "svg":
            return
        if t in BLOCK:
            parts.append(" ")
        parts.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                self._collect_text(child, parts, skip)
            parts.append(child.tail or "")
        if t in BLOCK:
            parts.append(" ")


def _named(el) -> bool:
    """Elements whose name does not come from their text children (images, labelled elements)."""
    return tag(el) in ("img", "area", "input", "svg") or _global_aria(el)


def _global_aria(el) -> bool:
    return any(el.get(a) is not None for a in ("aria-label", "aria-labelledby", "aria-describedby"))


_STYLE_BLOCK = re.compile(r"([^{}@;]+)\{([^{}]*)\}")


def _style_hidden(root) -> set:
    """Elements that a ``<style>`` rule of the page hides (display: none / visibility: hidden)."""
    rules: list[str] = []
    for style in root.iter("style"):
        if any(tag(a) in ("template", "noscript", "svg") for a in style.iterancestors()):
            continue
        media = (style.get("media") or "all").lower()
        if "print" in media and "screen" not in media:
            continue
        css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        css = _drop_at_blocks(css)
        for selectors, body in _STYLE_BLOCK.findall(css):
            if HIDE_STYLE.search(";" + body):
                rules.extend(s.strip() for s in selectors.split(",") if s.strip())
    if not rules:
        return set()
    try:
        from cssselect import GenericTranslator, SelectorError
    except ImportError:  # pragma: no cover - cssselect is a dependency; without it, nothing is hidden by CSS
        return set()
    translator = GenericTranslator()
    hidden: set = set()
    for selector in rules:
        if "::" in selector or re.search(r":(?:hover|focus|active|visited|target|checked|focus-within|"
                                         r"focus-visible|before|after)", selector):
            continue
        try:
            xpath = translator.css_to_xpath(selector)
            hidden.update(e for e in root.xpath(xpath) if isinstance(e.tag, str))
        except (SelectorError, etree.XPathError, ValueError, TypeError):
            continue
    return hidden


def _drop_at_blocks(css: str) -> str:
    """Remove @-rule blocks (media queries, keyframes…): their rules may not apply to the saved view,
    except ``@media screen``/``all`` whose content is kept."""
    out = []
    i = 0
    while i < len(css):
        at = css.find("@", i)
        if at < 0:
            out.append(css[i:])
            break
        out.append(css[i:at])
        brace = css.find("{", at)
        semi = css.find(";", at)
        if brace < 0 or (0 <= semi < brace):
            i = (semi + 1) if semi >= 0 else len(css)
            continue
        depth, j = 0, brace
        while j < len(css):
            if css[j] == "{":
                depth += 1
            elif css[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        prelude = css[at:brace].lower()
        if re.fullmatch(r"@media\s+(?:only\s+)?(?:screen|all)\s*", prelude):
            out.append(_drop_at_blocks(css[brace + 1:j]))
        i = j + 1
    return "".join(out)


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def short(text: str, limit: int = 80) -> str:
    text = norm(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- words for messages -------------------------------------------------------------------------------

# what was not saved, for unavailable(): French msgids (a caller's « code source » is translated too)
RENDERED_DOM = N_("DOM rendu")
SOURCE_CODE = N_("code source")


def unavailable(evidence, what: str | Msg = RENDERED_DOM) -> list:
    """For a conclusive check without its evidence: nothing for a non-HTML document (not applicable),
    a cant_tell otherwise — a missing file must never read as "not applicable". ``what``: a msgid
    (RENDERED_DOM, SOURCE_CODE) or a Msg."""
    from audit.checks import Result
    from audit.model import Outcome

    if not is_html_document(evidence):
        return []
    return [Result(Outcome.CANT_TELL, message=Msg("Vérification impossible : {what} non enregistré pour cette page.",
                                                  what=what if isinstance(what, Msg) else Msg(what)))]

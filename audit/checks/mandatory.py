"""RGAA theme 8, éléments obligatoires: doctype, validity, default language, page title, changes of language.

8.2 (validity) runs the Nu Html Checker (``vnu.jar`` from the npm package ``vnu-jar``, Java 11+) once per
run over every page, as a site check: one JVM for the whole run instead of one per page. Only the
messages that fall under RGAA 8.2's five conditions fail the test (writing rules, nesting, opening and
closing of tags, unique ids, attributes not doubled); the validator's other errors (attribute values,
obsolete elements, ARIA misuse…) belong to other criteria and are counted in the message only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from audit.checks import Evidence, Result, SitePage, check, listing, program_started
from audit.checks.exposure import dom_of, fold, is_html_document, norm, short, tag, unavailable, view, words
from audit.checks.language import (
    LANGUAGE_NAMES,
    CodeStatus,
    code_status,
    guess,
    primary,
    segments,
)
from audit.model import Impact, Outcome
from audit.words import N_, Msg

REPO_ROOT = Path(__file__).resolve().parents[2]

# --- 8.1 doctype --------------------------------------------------------------------------------

_DOCTYPE = re.compile(r"<!doctype\b([^>]*)>", re.I)
_PROLOG = re.compile(r"\s*(?:<!--.*?-->|<\?xml[^>]*\?>)?", re.S)
# What never holds a doctype: comments, and the raw text of script, style, textarea, title, template (their
# content is blanked, keeping offsets, before doctypes are counted).
_NOT_MARKUP = re.compile(r"<!--.*?(?:-->|$)|(<(script|style|textarea|title|template|xmp|plaintext)\b[^>]*>)"
                         r".*?(?=</\2\s*>|$)", re.I | re.S)
_HTML_TAG = re.compile(r"<html[\s>/]", re.I)

# W3C's published document types: public identifier → (system identifiers allowed, is the system identifier
# required, is it XML (XHTML): then "DOCTYPE", "html", PUBLIC are case-sensitive). Identifiers are compared
# as written: "-//w3c//dtd html 4.01//en" or ".../XHTML1-strict.dtd" is not the published identifier.
_XHTML1 = "http://www.w3.org/TR/xhtml1/DTD/"
KNOWN_DOCTYPES: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "-//W3C//DTD HTML 4.01//EN": (("http://www.w3.org/TR/html4/strict.dtd",), False, False),
    "-//W3C//DTD HTML 4.01 Transitional//EN": (("http://www.w3.org/TR/html4/loose.dtd",), False, False),
    "-//W3C//DTD HTML 4.01 Frameset//EN": (("http://www.w3.org/TR/html4/frameset.dtd",), False, False),
    "-//W3C//DTD HTML 4.0//EN": (("http://www.w3.org/TR/REC-html40/strict.dtd",), False, False),
    "-//W3C//DTD HTML 4.0 Transitional//EN": (("http://www.w3.org/TR/REC-html40/loose.dtd",), False, False),
    "-//W3C//DTD HTML 4.0 Frameset//EN": (("http://www.w3.org/TR/REC-html40/frameset.dtd",), False, False),
    "-//W3C//DTD HTML 3.2 Final//EN": ((), False, False),
    "-//W3C//DTD XHTML 1.0 Strict//EN": ((_XHTML1 + "xhtml1-strict.dtd",), True, True),
    "-//W3C//DTD XHTML 1.0 Transitional//EN": ((_XHTML1 + "xhtml1-transitional.dtd",), True, True),
    "-//W3C//DTD XHTML 1.0 Frameset//EN": ((_XHTML1 + "xhtml1-frameset.dtd",), True, True),
    "-//W3C//DTD XHTML 1.1//EN": (("http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd",), True, True),
    "-//W3C//DTD XHTML Basic 1.0//EN": (("http://www.w3.org/TR/xhtml-basic/xhtml-basic10.dtd",), True, True),
    "-//W3C//DTD XHTML Basic 1.1//EN": (("http://www.w3.org/TR/xhtml-basic/xhtml-basic11.dtd",), True, True),
    "-//W3C//DTD XHTML+RDFa 1.0//EN": (("http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd",), True, True),
    "-//W3C//DTD XHTML+RDFa 1.1//EN": (("http://www.w3.org/MarkUp/DTD/xhtml-rdfa-2.dtd",), True, True),
    "-//W3C//DTD XHTML 1.1 plus MathML 2.0 plus SVG 1.1//EN": (
        ("http://www.w3.org/2002/04/xhtml-math-svg/xhtml-math-svg.dtd",), True, True),
}
KNOWN_PUBLIC_IDS = frozenset(p.lower() for p in KNOWN_DOCTYPES)
_BY_FOLDED_ID = {p.lower(): p for p in KNOWN_DOCTYPES}


def _page_source(evidence: Evidence) -> tuple[str | None, str]:
    """The raw source when gather saved it, else the rendered DOM (journey steps reached by a click)."""
    if evidence.source_html is not None:
        return evidence.source_html, "source"
    return evidence.dom_html, "dom"


@dataclass(frozen=True, slots=True)
class DoctypeScan:
    """Where the document's doctype declarations are."""

    first: re.Match | None  # the first declaration
    count: int  # declarations outside comments and raw text
    leading: bool  # the first declaration is the document's first token (after BOM, spaces, comments, XML prolog)
    after_html: bool  # some declaration comes after the <html> tag


@lru_cache(maxsize=8)
def doctype_scan(text: str) -> DoctypeScan:
    """Where the doctypes of a page's source are (scanned once: three checks of 8.1 and 8.3 ask)."""
    body = text.lstrip("\ufeff")
    blanked = _NOT_MARKUP.sub(lambda m: (m.group(1) or "") + " " * (len(m.group(0)) - len(m.group(1) or "")), body)
    found = list(_DOCTYPE.finditer(blanked))
    if not found:
        return DoctypeScan(None, 0, False, False)
    pos = 0
    while True:
        m = _PROLOG.match(body, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    html_tag = _HTML_TAG.search(blanked)
    first = _DOCTYPE.match(body, found[0].start())
    return DoctypeScan(first, len(found), found[0].start() == pos,
                       bool(html_tag and any(d.start() > html_tag.start() for d in found)))


def _doctype_scan(text: str) -> tuple[re.Match | None, bool, bool]:
    """(the first doctype, is it the first token, does a doctype come after the <html> tag)."""
    scan = doctype_scan(text)
    return scan.first, scan.leading, scan.after_html


_DOCTYPE_PARTS = re.compile(r"<!(?P<kw>doctype)(?P<sp>\s+)(?P<name>\S+?)(?:\s+(?P<ext>PUBLIC|SYSTEM)\s*"
                            r"(?P<id1>\"[^\"]*\"|'[^']*')(?:\s*(?P<id2>\"[^\"]*\"|'[^']*'))?)?\s*>", re.I | re.S)


def _doctype_valid(match: re.Match) -> tuple[bool | None, Msg]:
    """(valid, why, a sentence): True for HTML5 (any case) and W3C's published doctypes written exactly; False
    for a declaration that names no HTML document, misspells a known public or system identifier, misses a
    required system identifier or miswrites the case of an XHTML declaration; None for one unknown to the
    tool (a rare DTD)."""
    text = match.group(0)
    m = _DOCTYPE_PARTS.fullmatch(text)
    if not m or m.group("name").lower() != "html":
        return False, Msg("« {doctype} » ne déclare pas un document HTML.", doctype=short(text))
    ext = m.group("ext")
    first = m.group("id1")[1:-1] if m.group("id1") else None
    second = m.group("id2")[1:-1] if m.group("id2") else None
    if not ext:
        return True, Msg("Doctype HTML5.")
    if ext.upper() == "SYSTEM":
        if second is None and first == "about:legacy-compat":
            return True, Msg("Doctype HTML5 (compatibilité XML).")
        if second is None and first.lower() == "about:legacy-compat":
            return False, Msg("L'identifiant système « {system} » doit s'écrire about:legacy-compat, en minuscules.",
                              system=first)
        return False, Msg("« {doctype} » : un doctype SYSTEM n'est valide qu'avec « about:legacy-compat ».",
                          doctype=short(text))
    published = _BY_FOLDED_ID.get(first.lower())
    if published is None:
        return None, Msg("Doctype « {doctype} » inconnu de l'outil.", doctype=short(text))
    if first != published:
        return False, Msg("L'identifiant public « {found} » doit s'écrire exactement « {published} » (casse).",
                          found=first, published=published)
    systems, required, xml = KNOWN_DOCTYPES[published]
    if xml and (m.group("kw") != "DOCTYPE" or m.group("name") != "html" or ext != "PUBLIC"):
        return False, Msg("En XHTML la déclaration s'écrit exactement <!DOCTYPE html PUBLIC …> (casse) et non "
                          "« {doctype} ».", doctype=short(text, 60))
    if second is None:
        if required:
            return False, Msg("L'identifiant système (« {system} ») manque après « {published} ».",
                              system=systems[0], published=published)
        return True, Msg("Doctype {published}.", published=published)
    if second in systems:
        return True, Msg("Doctype {published}.", published=published)
    if second.startswith("https://") and "http://" + second[8:] in systems:
        return None, Msg("L'identifiant système « {system} » est en https, l'identifiant publié en http.",
                         system=short(second, 80))
    expected = systems[0] if systems else ""
    if expected and second.lower() == expected.lower():
        return False, Msg("L'identifiant système « {system} » doit s'écrire exactement « {expected} » (casse).",
                          system=second, expected=expected)
    if not expected:
        return False, Msg("« {published} » ne prend pas d'identifiant système (« {system} »).",
                          published=published, system=short(second, 80))
    return False, Msg("L'identifiant système « {system} » ne correspond pas à « {expected} ».",
                      system=short(second, 80), expected=expected)


@check(
    id="rgaa-8.1-doctype-present",
    title=N_("La page déclare un type de document (doctype)"),
    failure=N_("La page ne déclare pas de type de document (doctype)"),
    description=N_("Sans doctype, le navigateur passe en mode de compatibilité (« quirks ») et interprète la page "
                   "de façon imprévisible, pour lui comme pour les technologies d'assistance."),
    how_to_fix=N_("Ajoutez <!DOCTYPE html> en toute première ligne du code source de la page."),
    rgaa=("8.1.1",), wcag=("4.1.1",), impact=Impact.MODERATE, evidence=("source",), conclusive=True,
)
def doctype_present(evidence: Evidence):
    text, origin = _page_source(evidence)
    if not text or not is_html_document(evidence):
        return unavailable(evidence, Msg("code source"))
    match, _, _ = _doctype_scan(text)
    if match is None:
        return [Result(Outcome.FAILED, message=N_("Aucune déclaration <!DOCTYPE …> dans le code source de la page."))]
    return [Result(Outcome.PASSED, snippet=short(match.group(0), 200),
                   message=Msg("Doctype présent ({origin}).",
                               origin=Msg("code source") if origin == "source" else Msg("DOM rendu")))]


@check(
    id="rgaa-8.1-doctype-valid",
    title=N_("Le type de document déclaré est valide"),
    failure=N_("Le type de document déclaré n'est pas valide"),
    description=N_("Le doctype doit être celui d'une version de HTML ou XHTML ; HTML5 s'écrit <!DOCTYPE html>."),
    how_to_fix=N_("Remplacez la déclaration par <!DOCTYPE html>."),
    rgaa=("8.1.2",), wcag=("4.1.1",), impact=Impact.MODERATE, evidence=("source",), conclusive=True,
    question=N_("Ce doctype correspond-il à une version publiée de HTML ou XHTML ?"),
)
def doctype_valid(evidence: Evidence):
    text, _ = _page_source(evidence)
    if not text or not is_html_document(evidence):
        return unavailable(evidence, Msg("code source"))
    scan = doctype_scan(text)
    if scan.first is None:
        return []
    valid, reason = _doctype_valid(scan.first)
    outcome = {True: Outcome.PASSED, False: Outcome.FAILED, None: Outcome.CANT_TELL}[valid]
    results = [Result(outcome, snippet=short(scan.first.group(0), 200), message=reason)]
    if scan.count > 1:
        results = [Result(Outcome.FAILED, snippet=short(scan.first.group(0), 200),
                          message=Msg.plural(scan.count,
                                             "Le code source contient {n} déclaration <!DOCTYPE> : une seule est "
                                             "permise, au début du document.",
                                             "Le code source contient {n} déclarations <!DOCTYPE> : une seule est "
                                             "permise, au début du document."))]
    return results


@check(
    id="rgaa-8.1-doctype-first",
    title=N_("Le doctype est placé avant la balise <html>, au tout début du code"),
    failure=N_("Le doctype n'est pas placé au tout début du code source"),
    description=N_("Un doctype précédé d'autre chose que des commentaires (texte, balise, message d'erreur du "
                   "serveur) est ignoré par le navigateur, qui passe alors en mode de compatibilité."),
    how_to_fix=N_("Placez <!DOCTYPE html> en première ligne : supprimez ce qui le précède (espaces et "
                  "commentaires mis à part), par exemple un message d'erreur ou un fragment produit par le serveur."),
    rgaa=("8.1.3",), wcag=("4.1.1",), impact=Impact.MODERATE, evidence=("source",), conclusive=True,
)
def doctype_first(evidence: Evidence):
    text, _ = _page_source(evidence)
    if not text or not is_html_document(evidence):
        return unavailable(evidence, Msg("code source"))
    scan = doctype_scan(text)
    if scan.first is None:
        return []
    snippet = short(scan.first.group(0), 200)
    if scan.leading and not scan.after_html:
        return [Result(Outcome.PASSED, snippet=snippet,
                       message=N_("Le doctype ouvre le document, avant la balise <html>."))]
    if scan.leading:
        return [Result(Outcome.FAILED, snippet=snippet,
                       message=N_("Une autre déclaration <!DOCTYPE> figure après la balise <html>."))]
    before = short(text.lstrip("\ufeff")[: scan.first.start()].strip(), 120)
    if scan.after_html:
        message = Msg("Le doctype est placé après la balise <html> (« {before} ») : le navigateur l'ignore.",
                      before=before)
    else:
        message = Msg("Le doctype est placé après du contenu (« {before} ») : le navigateur l'ignore.", before=before)
    return [Result(Outcome.FAILED, snippet=snippet, message=message)]


# --- 8.2 validity (Nu Html Checker) --------------------------------------------------------------

VNU_TIMEOUT = 600.0
# The validator's JVM: a capped heap (Java's default is a quarter of the machine's memory: 0.8 to 1.6 GB of
# RSS on the benchmark's runs, against ~300 MB with the cap), the serial collector (one thread; the documents
# are validated one after the other), and the C1 compiler only, which halves the CPU of a run of a few hundred
# documents (the C2 compiler's work never pays back on a run this short). C1 frames are larger: a 16 MB stack
# keeps deeply nested documents from overflowing it. Should the capped JVM still fail (out of memory, stack
# overflow), the batch is validated again with Java's defaults.
VNU_JAVA_OPTIONS = ("-Xss16m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
_RGAA_82 = (
    ("attributs doublés", re.compile(r"^Duplicate attribute", re.I)),
    ("identifiants non uniques", re.compile(r"^Duplicate ID", re.I)),
    ("ouverture et fermeture des balises", re.compile(
        r"^(Unclosed element|End tag .* seen|End tag for .* seen|No .* element in scope|Stray (start|end) tag|"
        r"End of file|Unclosed elements|Self-closing syntax|Saw an end tag|An? .* start tag seen|"
        r"Start tag .* seen but an element of the same type was already open|Heading cannot be a child)", re.I)),
    ("imbrication des balises", re.compile(
        r"(not allowed as child of element|is missing (a )?required (instance|child)|is missing one or more of the "
        r"following|must not (appear as a )?descendant|not allowed in this context|Text not allowed in element|"
        r"^Bad start tag in)",
        re.I)),
    ("règles d'écriture", re.compile(
        r"^(Saw .* when expecting|Bad character|Quote .* in attribute name|No space between attributes|"
        r"Unquoted attribute value|“=” in an unquoted|Attribute value omitted|Attribute value missing|"
        r"“<” in attribute name|Lone “<”|Unclosed comment|Malformed comment|Bogus comment|Garbage after|"
        r"Character reference|Named character reference|“&” did not start|A numeric character reference|"
        r"Forbidden code point|Expected a public identifier|Attribute “[^”]*” without an explicit value|"
        r"Element name .* cannot be represented|Attribute name .* cannot be represented|"
        r"Almost standards mode doctype|Quirky doctype)", re.I)),
)


# each condition of _RGAA_82 as it heads a finding's message
_HEADINGS = {"attributs doublés": N_("Attributs doublés"), "identifiants non uniques": N_("Identifiants non uniques"),
             "ouverture et fermeture des balises": N_("Ouverture et fermeture des balises"),
             "imbrication des balises": N_("Imbrication des balises"), "règles d'écriture": N_("Règles d'écriture")}

# Validator errors known to fall outside RGAA 8.2 (attribute values and requirements, obsolete features,
# ARIA use, CSS): other criteria judge them. An error in neither list is asked about, never ignored.
_OUTSIDE_82 = re.compile(
    r"^(Bad value|Attribute .* not allowed|Attribute .* is only allowed|The .* (attribute|element) is obsolete|"
    r"The .* attribute on the .* element is obsolete|.* is obsolete|CSS:|The .* role is unnecessary|"
    r"An? .* element must have|An? .* element with an? .* attribute|Element .* is missing (a )?required "
    r"attribute|Element .* is missing one or more of the following attributes|The value of the .* attribute|"
    r"The .* attribute must|Any .* descendant of an? .* element|Consider|Section lacks|Article lacks|"
    r"The document is not mappable|This document appears to be written|Forbidden|A .* start tag was seen|"
    r"Element .* must not have attribute|The “aria-[\w-]+” attribute|Legacy encoding|Internal encoding|"
    r"Using the preload keyword|The .*headers.* attribute on the element)", re.I)


def vnu_jar() -> Path | None:
    """The Nu Html Checker jar: $A11Y_AUDIT_VNU, else node_modules/vnu-jar (``npm ci``)."""
    env = os.environ.get("A11Y_AUDIT_VNU")
    path = Path(env) if env else REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return path if path.is_file() else None


def vnu_missing() -> Msg | None:
    """Why the validator cannot run here (None when it can)."""
    if vnu_jar() is None:
        return Msg("le validateur Nu Html Checker n'est pas installé (paquet npm vnu-jar : lancez `npm ci`, ou "
                   "indiquez le fichier vnu.jar dans A11Y_AUDIT_VNU)")
    if shutil.which("java") is None:
        return Msg("Java (11 ou plus) est introuvable : le validateur Nu Html Checker ne peut pas être lancé")
    return None


class ValidationError(RuntimeError):
    """The validator could not run; its argument says why (a Msg, said in the reader's language)."""

    @property
    def reason(self) -> Msg | str:
        return self.args[0] if self.args else ""


def validate_batch(documents: list[bytes | Path]) -> list[list[dict]]:
    """Validate HTML documents (their bytes, or files: linked, never read into memory) with one JVM; returns
    the Nu messages of each document, in order."""
    if not documents:
        return []
    reason = vnu_missing()
    if reason:
        raise ValidationError(reason)
    with tempfile.TemporaryDirectory(prefix="a11y-vnu-") as tmp:
        paths = []
        for i, data in enumerate(documents):
            path = Path(tmp) / f"{i}.html"
            if isinstance(data, Path):
                # each file under its number, which names its messages: a link (copying a 200-page run's 400
                # documents took a second), a copy where the file system has no links
                if not data.is_file():  # a link to nothing would be validated as an empty document
                    raise FileNotFoundError(data)
                try:
                    path.symlink_to(data.resolve())
                except OSError:
                    shutil.copyfile(data, path)
            else:
                path.write_bytes(data)
            paths.append(path)
        args = ["-jar", str(vnu_jar()), "--format", "json", "--stdout", "--exit-zero-always", *map(str, paths)]
        data = _run_vnu(["java", *VNU_JAVA_OPTIONS, *args])
        if data is None:  # the capped JVM ran out of heap or stack: Java's defaults
            data = _run_vnu(["java", "-Xss16m", *args]) or {}
    by_name: dict[str, list[dict]] = defaultdict(list)
    for message in data.get("messages", []):
        name = Path(urlsplit(message.get("url", "")).path).name
        by_name[name].append(message)
    return [by_name.get(f"{i}.html", []) for i in range(len(documents))]


def _run_vnu(cmd: list[str]) -> dict | None:
    """The validator's JSON output; None when the JVM ran out of memory or stack."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise ValidationError(Msg("le validateur n'a pas pu être lancé ({error})", error=str(exc))) from None
    program_started(proc)  # the JVM runs: the other site checks go on beside it
    with proc:
        try:
            out, err = proc.communicate(timeout=VNU_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise ValidationError(Msg("le validateur a dépassé {seconds:g} s", seconds=VNU_TIMEOUT)) from None
        except BaseException:
            proc.kill()
            raise
    stderr = err.decode("utf-8", "replace")
    if "OutOfMemoryError" in stderr or "StackOverflowError" in stderr:
        return None
    try:
        return json.loads(out.decode("utf-8", "replace") or "{}")
    except ValueError:
        raise ValidationError(Msg("le validateur a renvoyé une sortie illisible : {output}",
                                  output=short(stderr, 200))) from None


def rgaa_82_category(message: dict) -> str | None:
    """Which RGAA 8.2 condition a Nu message breaks, or None when it is outside 8.2."""
    if message.get("type") != "error":
        return None
    text = message.get("message", "")
    if "doctype" in text.lower() and not text.lower().startswith(("almost standards", "quirky")):
        return None  # 8.1's business
    if "child element “title”" in text:
        return None  # a missing <title> is 8.5's business
    for label, pattern in _RGAA_82:
        if pattern.search(text):
            return label
    return None


MAX_82_FINDINGS = 30


@check(
    id="rgaa-8.2-validity",
    title=N_("Le code de la page est valide (syntaxe, imbrication, identifiants uniques)"),
    failure=N_("Le code de la page n'est pas valide"),
    description=N_("Le validateur Nu Html Checker (W3C) est lancé sur le code source de chaque page et sur son DOM "
                   "rendu. Seules comptent les erreurs visées par le critère 8.2 : règles d'écriture des balises "
                   "et attributs, imbrication, ouverture et fermeture des balises, identifiants uniques, attributs "
                   "non doublés."),
    how_to_fix=N_("Corrigez chaque erreur signalée (le message et l'extrait indiquent où) ; un identifiant (id) "
                  "ne doit apparaître qu'une fois par page."),
    rgaa=("8.2.1",), wcag=("4.1.1",), impact=Impact.MODERATE, evidence=("source", "dom", "site"),
    conclusive=True, scope="site", summary=is_html_document, background=True,
    question=N_("Le validateur n'a pas pu être lancé : validez la page avec le Nu Html Checker (validator.w3.org/nu) "
                "et vérifiez les cinq conditions du test 8.2.1."),
)
def validity(pages: list[SitePage]):
    pages = [p for p in pages if p.summary]
    documents: list[Path] = []
    owners: list[tuple[int, str]] = []
    for i, page in enumerate(pages):
        for role in ("source", "dom"):
            path = _file(page, role)
            if path is not None:
                documents.append(path)
                owners.append((i, role))
    if not documents:
        return []
    try:
        results = validate_batch(documents)
    except ValidationError as exc:
        return [Result(Outcome.CANT_TELL, page=p.snap, message=Msg("Validation non faite : {why}.", why=exc.reason))
                for p in pages]
    per_page: dict[int, dict[str, list[dict]]] = defaultdict(dict)
    for (i, role), messages in zip(owners, results, strict=True):
        per_page[i][role] = messages
    out = []
    for i, page in enumerate(pages):
        out.extend(_validity_results(page, per_page.get(i, {})))
    return out


def _file(page: SitePage, role: str) -> Path | None:
    """The page's saved file for ``role`` when it exists and is not empty."""
    name = page.snap.files.get(role)
    path = page.folder / name if name else None
    return path if path is not None and path.is_file() and path.stat().st_size > 0 else None


def _validity_results(evidence: SitePage, by_role: dict[str, list[dict]]) -> list[Result]:
    failures: dict[tuple[str, str], tuple[dict, str, int]] = {}
    others = 0
    unsure: list[dict] = []
    for role in ("source", "dom"):
        for message in by_role.get(role, []):
            category = rgaa_82_category(message)
            if category is None:
                if message.get("type") == "error":
                    others += 1
                    text = message.get("message", "")
                    if not _OUTSIDE_82.search(text) and "doctype" not in text.lower() \
                            and "child element “title”" not in text:
                        unsure.append(message)
                continue
            key = (category, _generic(message.get("message", "")))
            if key in failures:
                first, first_role, count = failures[key]
                failures[key] = (first, first_role, count + (role == first_role))
            else:
                failures[key] = (message, role, 1)
    where = {"source": N_("code source"), "dom": N_("DOM rendu")}
    results = []
    for (category, _), (message, role, count) in list(failures.items())[:MAX_82_FINDINGS]:
        line = message.get("lastLine")
        place = Msg("{where}, ligne {line}", where=Msg(where[role]), line=line) if line else Msg(where[role])
        values = {"category": Msg(_HEADINGS[category]), "error": message.get("message", ""), "place": place}
        said = Msg.plural(count, "{category} : {error} [{place}] ({n} occurrence)",
                          "{category} : {error} [{place}] ({n} occurrences)", **values) if count > 1 \
            else Msg("{category} : {error} [{place}]", **values)
        results.append(Result(Outcome.FAILED, page=evidence.snap,
                              snippet=short(message.get("extract", ""), 200), message=said))
    if len(failures) > MAX_82_FINDINGS:
        results.append(Result(Outcome.FAILED, page=evidence.snap,
                              message=Msg.plural(len(failures) - MAX_82_FINDINGS,
                                                 "… et {n} autre erreur de validité.",
                                                 "… et {n} autres erreurs de validité.")))
    if not results and unsure:
        listed = " ; ".join(dict.fromkeys(short(m.get("message", ""), 120) for m in unsure))
        results.append(Result(Outcome.CANT_TELL, page=evidence.snap,
                              message=Msg("Erreurs du validateur à classer : {errors}", errors=short(listed, 600)),
                              question=N_("Ces erreurs du validateur relèvent-elles du critère 8.2 (règles "
                                          "d'écriture, imbrication, ouverture et fermeture des balises, "
                                          "identifiants uniques, attributs doublés) ?")))
    if not results:
        validated = tuple(r for r in ("source", "dom") if r in by_role)
        checked = {("source", "dom"): Msg("code source et DOM rendu"), ("source",): Msg(where["source"]),
                   ("dom",): Msg(where["dom"])}.get(validated, "")
        said = Msg.plural(others, "Aucune erreur relevant du critère 8.2 ({checked} validés) ; {n} autre erreur du "
                                  "validateur hors critère 8.2.",
                          "Aucune erreur relevant du critère 8.2 ({checked} validés) ; {n} autres erreurs du "
                          "validateur hors critère 8.2.", checked=checked) if others \
            else Msg("Aucune erreur relevant du critère 8.2 ({checked} validés).", checked=checked)
        results.append(Result(Outcome.PASSED, page=evidence.snap, message=said))
    return results


def _generic(text: str) -> str:
    """A message with its quoted names kept but positions dropped, to count repeats."""
    return re.sub(r"\s+", " ", text).strip()


# --- 8.3 and 8.4 default language --------------------------------------------------------------


def _html_lang(evidence: Evidence) -> tuple[str | None, str | None]:
    """(lang, xml:lang) of the html element, from the rendered DOM, else the source."""
    for root in (dom_of(evidence), evidence.source if is_html_document(evidence) else None):
        if root is not None and tag(root) == "html":
            return root.get("lang"), root.get("xml:lang")
    return None, None


def _is_xhtml(evidence: Evidence) -> bool:
    text, _ = _page_source(evidence)
    match, _, _ = _doctype_scan(text or "")
    return bool(match and "xhtml" in match.group(0).lower())


@check(
    id="rgaa-8.3-lang-present",
    title=N_("La langue par défaut de la page est indiquée"),
    failure=N_("La langue par défaut de la page n'est pas indiquée"),
    description=N_("Sans attribut lang sur l'élément html, les synthèses vocales lisent la page avec la langue de "
                   "l'utilisateur, au risque d'une prononciation incompréhensible."),
    how_to_fix=N_("Ajoutez l'attribut lang à l'élément html, par exemple <html lang=\"fr\">."),
    rgaa=("8.3.1",), wcag=("3.1.1",), impact=Impact.SERIOUS, evidence=("dom", "source"), conclusive=True,
)
def lang_present(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    lang, xml_lang = _html_lang(evidence)
    if norm(lang):
        return [Result(Outcome.PASSED, element=root, message=Msg("lang=\"{lang}\" sur l'élément html.", lang=norm(lang)))]
    if norm(xml_lang) and _is_xhtml(evidence):
        return [Result(Outcome.PASSED, element=root, message=Msg("xml:lang=\"{lang}\" (XHTML).", lang=norm(xml_lang)))]
    xml = _is_xhtml(evidence)
    uncovered = _text_without_lang(root, xml=xml)
    body = next((c for c in root if tag(c) == "body"), None)
    declared = body is not None and any(isinstance(el.tag, str) and _declares_lang(el, xml) for el in body.iter())
    if uncovered is None and declared:
        body = next((c for c in root if tag(c) == "body"), None)
        message = N_("Pas de langue sur l'élément html, mais elle est indiquée sur l'élément body.") \
            if _declares_lang(body, xml) else N_("Pas de langue sur l'élément html, mais elle est indiquée sur "
                                                 "chaque élément qui porte du texte (ou l'un de ses parents).")
        return [Result(Outcome.PASSED, element=root, message=message)]
    detail = Msg("lang est vide") if lang is not None else (
        Msg("seul xml:lang est présent, ignoré en HTML5") if norm(xml_lang) else Msg("l'attribut lang est absent"))
    if uncovered:
        message = Msg("Sur l'élément html, {detail} ; par exemple le texte « {text} » n'a aucune langue indiquée.",
                      detail=detail, text=short(uncovered, 60))
    else:
        message = Msg("Sur l'élément html, {detail} et aucun élément de la page n'indique de langue.", detail=detail)
    return [Result(Outcome.FAILED, element=root, message=message)]


def _declares_lang(el, xml: bool = False) -> bool:
    return bool(norm(el.get("lang")) or (xml and norm(el.get("xml:lang"))))


def _text_without_lang(root, xml: bool = False) -> str | None:
    """The first text of the body not inside an element with a non-empty lang (or xml:lang in XHTML), or None."""
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None:
        return None
    v = view(root)
    test = "normalize-space(@lang)!=''" + (" or normalize-space(@*[name()='xml:lang'])!=''" if xml else "")
    for el in body.iter():
        if not isinstance(el.tag, str) or not v.rendered(el):
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if owner is None or not norm(text) or not words(text):
                continue
            if owner is not root and not owner.xpath(f"ancestor-or-self::*[{test}]"):
                return norm(text)
    return None


@check(
    id="rgaa-8.4-lang-valid",
    title=N_("Le code de la langue par défaut est valide et semble pertinent"),
    failure=N_("Le code de la langue par défaut n'est pas valide"),
    description=N_("Le code de langue de l'élément html doit être un code ISO 639 (fr, en, de…), éventuellement "
                   "suivi d'une région (fr-FR), et correspondre à la langue principale du texte."),
    how_to_fix=N_("Utilisez un code de langue ISO 639-1, par exemple lang=\"fr\" pour une page en français."),
    rgaa=("8.4.1",), wcag=("3.1.1",), impact=Impact.SERIOUS, evidence=("dom", "source"),
    question=N_("La langue déclarée sur l'élément html est-elle la langue principale du texte de la page ?"),
)
def lang_valid(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    lang, xml_lang = _html_lang(evidence)
    value = norm(lang) or (norm(xml_lang) if _is_xhtml(evidence) else "")
    if not value:
        return []
    status, reason = code_status(value)
    if status == CodeStatus.INVALID:
        return [Result(Outcome.FAILED, element=root, message=_sentence(reason))]
    if status == CodeStatus.UNKNOWN:
        return [Result(Outcome.CANT_TELL, element=root, message=_sentence(reason),
                       question=Msg("Le code « {code} » est-il un code de langue valide (ISO 639) et celui "
                                    "de la langue du texte ?", code=value))]
    body = next((c for c in root if tag(c) == "body"), None)
    detected = _main_language(root, body) if body is not None else None
    declared = primary(value)
    if detected and declared in LANGUAGE_NAMES and detected != declared:
        return [Result(Outcome.CANT_TELL, element=root,
                       message=Msg("Code valide (« {code} »), mais le texte semble être en {language}.",
                                   code=value, language=Msg(LANGUAGE_NAMES[detected])))]
    if detected == declared:
        return [Result(Outcome.PASSED, element=root,
                       message=Msg("{reason} ; le texte semble bien être en {language}.", reason=reason,
                                   language=Msg(LANGUAGE_NAMES[detected])))]
    return [Result(Outcome.PASSED, element=root, message=_sentence(reason))]


def _sentence(reason: Msg) -> Msg:
    """A reason of ``code_status`` (« « fr » est un code de langue ISO 639-1 ») as a sentence: its French
    starts with « and needs no capital."""
    return Msg("{reason}.", reason=reason)


def _main_language(root, body) -> str | None:
    text = view(root).text(body)
    votes: dict[str, int] = defaultdict(int)
    for piece in segments(text):
        found = guess(piece)
        if found:
            votes[found] += len(words(piece))
    if not votes:
        return None
    best = max(votes, key=votes.get)
    return best if votes[best] >= 0.6 * sum(votes.values()) else None


# --- 8.5 and 8.6 page title ----------------------------------------------------------------------


def _titles(root) -> list:
    """Every <title> of the document outside SVG, MathML and templates, in document order."""
    return [el for el in root.iter("title")
            if not any(tag(a) in ("svg", "template", "math") for a in el.iterancestors())]


def page_title(root):
    """The document's title element as browsers pick it (the first, outside SVG and templates), or None."""
    found = _titles(root)
    return found[0] if found else None


@check(
    id="rgaa-8.5-title",
    title=N_("La page a un titre non vide"),
    failure=N_("La page n'a pas de titre"),
    description=N_("Le titre de la page est la première chose annoncée par un lecteur d'écran et le nom de "
                   "l'onglet ; sans lui, on ne sait pas où l'on est. Le navigateur prend le premier élément "
                   "<title> du document ; il ne doit pas être vide."),
    how_to_fix=N_("Placez dans <head> un élément <title> qui décrit la page, par exemple "
                  "<title>Horaires de la médiathèque — Ville de …</title>."),
    rgaa=("8.5.1",), wcag=("2.4.2",), impact=Impact.SERIOUS, evidence=("dom",), conclusive=True,
)
def title_present(evidence: Evidence):
    """The page's title as the browser reads it (WCAG 2.4.2, ACT 2779a5): the first <title> of the document,
    not empty. Where it stands and whether there is a second one are RGAA conditions: rgaa-8.5-title-place."""
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    found = _titles(root)
    if not found:
        return [Result(Outcome.FAILED, element=root, message=N_("Aucun élément <title> dans la page."))]
    text = norm(found[0].text_content())
    if not text:
        return [Result(Outcome.FAILED, element=found[0], message=N_("L'élément <title> est vide."))]
    return [Result(Outcome.PASSED, element=found[0], message=Msg("Titre : « {title} ».", title=short(text, 120)))]


@check(
    id="rgaa-8.5-title-place",
    title=N_("La page a un seul élément title, placé dans head"),
    failure=N_("L'élément title de la page est hors de head, ou il y en a plusieurs"),
    description=N_("Le RGAA demande le titre dans <head>, une seule fois : un <title> dans le corps ou un second "
                   "<title> donne un titre que les outils lisent différemment. Condition du RGAA, plus stricte que "
                   "la règle ACT de WCAG 2.4.2 qui se contente du premier titre du document."),
    how_to_fix=N_("Gardez un seul élément <title>, dans <head> ; retirez les autres (les titres des SVG, "
                  "<svg><title>, ne sont pas concernés)."),
    # WCAG 2.4.2 as the RGAA maps criterion 8.5: the RGAA's reading of it, stricter than the ACT rule's (which is
    # why bench/act.py maps only rgaa-8.5-title to ACT 2779a5)
    rgaa=("8.5.1",), wcag=("2.4.2",), impact=Impact.MODERATE, evidence=("dom",), conclusive=True,
)
def title_place(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return unavailable(evidence)
    found = _titles(root)
    if not found:
        return []  # no title at all: rgaa-8.5-title fails the page
    head = next((c for c in root if tag(c) == "head"), None)
    in_head = [t for t in found if head is not None and t.getparent() is head]
    if not in_head:
        return [Result(Outcome.FAILED, element=found[0],
                       message=N_("L'élément <title> n'est pas dans <head> (il est dans le corps de la page)."))]
    if len(found) > 1:
        texts = _quoted([short(norm(t.text_content()), 50) for t in found[:3]])
        message = Msg.plural(len(found), "{n} élément <title> (dans <head>) : {titles}. Un seul est permis.",
                             "{n} éléments <title> (dans <head>) : {titles}. Un seul est permis.", titles=texts) \
            if len(in_head) == len(found) else \
            Msg.plural(len(found), "{n} élément <title> (dont un hors de <head>) : {titles}. Un seul est permis.",
                       "{n} éléments <title> (dont un hors de <head>) : {titles}. Un seul est permis.", titles=texts)
        return [Result(Outcome.FAILED, element=found[1], message=message)]
    return [Result(Outcome.PASSED, element=in_head[0], message=N_("Un seul élément <title>, dans <head>."))]


def _quoted(texts: list[str]) -> Msg:
    """« un » ; « deux » ; « trois »: names from the page, each in quotes, as a value of a message."""
    said = Msg("« {text} »", text=texts[0])
    for text in texts[1:]:
        said = Msg("{list} ; « {text} »", list=said, text=text)
    return said


GENERIC_TITLES = frozenset(fold(t) for t in (
    "accueil", "page d'accueil", "home", "home page", "homepage", "sans titre", "page sans titre", "untitled",
    "untitled document", "untitled page", "document", "document sans titre", "nouveau document", "page",
    "nouvelle page", "new page", "titre", "title", "mon titre", "my title", "index", "default", "bienvenue",
    "welcome", "test", "page de test", "site", "site web", "site internet", "website", "web page", "page web",
    "accueil du site", "chargement", "loading", "null", "undefined", "none", "document1", "react app", "vite app",
    "wordpress", "drupal", "joomla", "typo3", "sans nom", "no title", "titre de la page", "page title",
))
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·•»>/]\s+|\s*[|–—·•»]\s*")
_FILENAME = re.compile(r"(?i)^[\w.\-/]+\.(?:s?html?|php|aspx?|jsp|cfm)$|^(?:https?://|www\.)\S+$")


def title_parts(text: str) -> list[str]:
    return [p for p in (norm(x) for x in _TITLE_SEPARATORS.split(text)) if p]


def generic_reason(text: str) -> Msg | None:
    """Why a title identifies nothing ("Page", "Sans titre", a file name…), as a sentence, or None."""
    folded = fold(text)
    if not folded:
        return Msg("Le titre est vide.")
    if _FILENAME.match(text.strip()):
        return Msg("Le titre est une adresse ou un nom de fichier.")
    parts = [fold(p) for p in title_parts(text)] or [folded]
    if all(p in GENERIC_TITLES or re.fullmatch(r"(page|document|untitled|sans titre)\s*\d*", p) for p in parts):
        return Msg("« {title} » est un titre générique.", title=short(text, 80))
    return None


def _site_names(root) -> set[str]:
    names = set()
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:site_name", "application-name"):
            if norm(meta.get("content")):
                names.add(fold(meta.get("content")))
    return names


@check(
    id="rgaa-8.6-title-relevant",
    title=N_("Le titre de la page est pertinent"),
    failure=N_("Le titre de la page n'est pas pertinent"),
    description=N_("Le titre doit permettre de reconnaître la page dans l'historique ou la liste des onglets : il "
                   "nomme son contenu, souvent suivi du nom du site. « Accueil », « Page », « Sans titre » ou le seul "
                   "nom du site ne suffisent pas."),
    how_to_fix=N_("Donnez à chaque page un titre qui nomme son contenu, suivi du nom du site, par exemple "
                  "« Travaux sur le pont d'Anjou — Ville de … »."),
    rgaa=("8.6.1",), wcag=("2.4.2",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Le titre de la page permet-il de l'identifier (contenu de la page, puis nom du site) ?"),
)
def title_relevant(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    title = page_title(root)
    text = norm(title.text_content()) if title is not None else ""
    if not text:
        return []
    reason = generic_reason(text)
    if reason is None and _site_names(root) and all(fold(p) in _site_names(root) for p in title_parts(text)):
        reason = Msg("« {title} » n'est que le nom du site.", title=short(text, 80))
    if reason:
        return [Result(Outcome.FAILED, element=title, message=reason)]
    h1 = next((h for h in root.iter("h1") if view(root).exposed(h)), None)
    if h1 is not None:
        return [Result(Outcome.CANT_TELL, element=title,
                       message=Msg("Titre : « {title} » (premier titre h1 : « {h1} »).", title=short(text, 120),
                                   h1=short(view(root).name(h1), 80)))]
    return [Result(Outcome.CANT_TELL, element=title, message=Msg("Titre : « {title} ».", title=short(text, 120)))]


@dataclass(frozen=True, slots=True)
class _Title:
    """A page's title for rgaa-8.6-title-unique: its text, folded to compare, and where it is."""

    text: str
    folded: str
    selector: str
    xpath: str
    snippet: str


def _title(evidence: Evidence) -> _Title | None:
    root = dom_of(evidence)
    if root is None:
        return None
    title = page_title(root)
    text = str(norm(title.text_content())) if title is not None else ""
    if not text:
        return None
    return _Title(text=text, folded=fold(text), selector=evidence.selector(title), xpath=evidence.xpath(title),
                  snippet=evidence.snippet(title))


@check(
    id="rgaa-8.6-title-unique",
    title=N_("Chaque page a un titre qui lui est propre"),
    failure=N_("Plusieurs pages différentes ont le même titre"),
    description=N_("Deux pages différentes qui portent le même titre ne se distinguent pas dans l'historique, les "
                   "onglets ou les favoris : le titre ne permet pas d'identifier la page."),
    how_to_fix=N_("Donnez à chacune de ces pages un titre qui nomme son contenu propre (pour une démarche en "
                  "plusieurs étapes, indiquez l'étape : « Étape 2 sur 3 : choix des repas — … »)."),
    rgaa=("8.6.1",), wcag=("2.4.2",), impact=Impact.MODERATE, evidence=("dom", "site"), scope="site",
    summary=_title,
)
def title_unique(pages: list[SitePage]):
    titled: dict[str, list[tuple[SitePage, _Title]]] = defaultdict(list)
    for page in pages:
        if page.summary is not None:
            titled[page.summary.folded].append((page, page.summary))
    results = []
    for group in titled.values():
        addresses = {_address(p) for p, _ in group}
        if len(group) < 2 or len(addresses) < 2:
            continue  # one address
        signatures = {_content_signature(p.evidence()) for p, _ in group}
        if len(signatures) < 2:
            continue  # one content reached at several addresses (a redirect, ?next=…)
        for page, title in group:
            others = sorted(a for a in addresses if a != _address(page))
            results.append(Result(Outcome.FAILED, page=page.snap, selector=title.selector, xpath=title.xpath,
                                  snippet=title.snippet,
                                  message=Msg("« {title} » est aussi le titre de : {pages}.", title=short(title.text, 80),
                                              pages=listing(others, 3, sep=", "))))
    return results


def _content_signature(evidence: Evidence) -> str:
    """The text of the page's main content, to tell one page reached at two addresses from two pages."""
    root = dom_of(evidence)
    if root is None:
        return evidence.snap.content_hash or evidence.snap.key
    main = next((el for el in root.iter("main")), None)
    scope = main if main is not None else next((c for c in root if tag(c) == "body"), root)
    signature = fold(view(root).text(scope))
    evidence.release()
    return signature


def _address(evidence: Evidence | SitePage) -> str:
    """The page's address for comparing titles: a journey step at a crawled URL counts as that page."""
    url = evidence.snap.final_url or evidence.snap.url
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith(("/index.html", "/index.htm", "/index.php")):
        path = path.rsplit("/", 1)[0] + "/"
    return f"{path}{'?' + parts.query if parts.query else ''}"


# --- 8.7 and 8.8 changes of language -------------------------------------------------------------

_SKIP_TEXT = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "template", "noscript", "svg",
                        "math", "textarea", "select", "option"})
MAX_87_FINDINGS = 10


def _effective_lang(el, default: str) -> str:
    """The language a passage is read in: its nearest lang below <html>, else the page's language."""
    found = el.xpath("ancestor-or-self::*[@lang][not(self::html)][1]/@lang")
    return primary(found[0]) if found else default


@check(
    id="rgaa-8.7-lang-change",
    title=N_("Les passages dans une autre langue sont signalés (attribut lang)"),
    failure=N_("Un passage dans une autre langue n'est pas signalé"),
    description=N_("Un passage en langue étrangère sans attribut lang est lu avec la prononciation de la langue de "
                   "la page. L'outil repère les passages d'au moins cinq mots qui semblent en anglais, allemand, "
                   "espagnol, italien ou français quand la page est dans une autre langue ; noms propres et mots "
                   "passés dans l'usage n'ont pas à être signalés."),
    how_to_fix=N_("Indiquez la langue sur l'élément qui contient le passage, par exemple "
                  "<span lang=\"en\">Let the river bring us together</span>."),
    rgaa=("8.7.1",), wcag=("3.1.2",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ce passage est-il dans une autre langue que celle de la page ? Si oui, il doit être placé dans un "
                "élément qui porte l'attribut lang de sa langue."),
)
def lang_change(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None:
        return []
    v = view(root)
    declared = norm(root.get("lang"))
    valid = bool(declared) and code_status(declared)[0] == CodeStatus.VALID
    page_lang = primary(declared) if valid else (_main_language(root, body) or "")
    results: list[Result] = []
    seen: set = set()
    for owner, text in _passages(body, v):
        if len(results) >= MAX_87_FINDINGS:
            break
        effective = None  # the passage's language, looked up once a piece of it is recognised
        for piece in segments(text):
            found = guess(piece)
            if found and effective is None:
                effective = _effective_lang(owner, page_lang)
            if found and found != effective and effective:
                if owner in seen:
                    break
                seen.add(owner)
                results.append(Result(Outcome.CANT_TELL, element=owner,
                                      message=Msg("Passage probablement en {language} sans attribut lang=\"{code}\" : "
                                                  "« {text} ».", language=Msg(LANGUAGE_NAMES[found]), code=found,
                                                  text=short(piece, 100))))
                break
    if results:
        return results
    declared = [el for el in body.iter() if isinstance(el.tag, str) and norm(el.get("lang"))]
    message = Msg.plural(len(declared), "Aucun passage en langue étrangère repéré ; {n} changement de langue indiqué.",
                         "Aucun passage en langue étrangère repéré ; {n} changements de langue indiqués.") \
        if declared else N_("Aucun passage en langue étrangère repéré.")
    return [Result(Outcome.PASSED, message=message)]


def _passages(body, v) -> list[tuple[object, str]]:
    """(element, text) for each element holding text directly, children with their own lang left out."""
    out: list[tuple[object, str]] = []

    def walk(el, inherited_owner):
        t = tag(el)
        if t in _SKIP_TEXT or not v.rendered(el) or (el.get("translate") or "").lower() == "no":
            return
        own: list[str] = [el.text or ""]
        for child in el:
            if not isinstance(child.tag, str):
                own.append(child.tail or "")
                continue
            ct = tag(child)
            if ct in ("br",):
                own.append("\n")
            elif ct in ("a", "em", "strong", "b", "i", "span", "abbr", "small", "mark", "q", "cite", "u", "time",
                        "sup", "sub", "dfn") and child.get("lang") is None and len(child) == 0:
                own.append(child.text or "")
            else:
                walk(child, el)
                own.append("\n")
            own.append(child.tail or "")
        text = norm("".join(own).replace("\n", " | "))
        if words(text):
            out.append((el, text))

    walk(body, None)
    return out


def _owns_text(el, v) -> bool:
    """Some rendered text of this element takes its language from this element (not from a descendant)."""
    if words(el.text or ""):
        return True
    for child in el:
        if words(child.tail or ""):
            return True
        if isinstance(child.tag, str) and child.get("lang") is None and tag(child) not in _SKIP_TEXT \
                and v.rendered(child) and _owns_text(child, v):
            return True
    return False


@check(
    id="rgaa-8.8-lang-code-valid",
    title=N_("Les codes de langue des changements de langue sont valides"),
    failure=N_("Un code de langue d'un changement de langue n'est pas valide"),
    description=N_("Un attribut lang placé sur un passage doit porter un code ISO 639 (en, de, es…) pour que la "
                   "synthèse vocale change de prononciation."),
    how_to_fix=N_("Corrigez le code, par exemple lang=\"en\" pour de l'anglais, lang=\"de\" pour de l'allemand."),
    rgaa=("8.8.1",), wcag=("3.1.2",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ce code de langue est-il valide et correspond-il à la langue du passage ?"),
)
def lang_code_valid(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    body = next((c for c in root if tag(c) == "body"), None)
    if body is None:
        return []
    v = view(root)
    results, valid = [], 0
    for el in body.iter():
        if not isinstance(el.tag, str) or el.get("lang") is None or not v.rendered(el):
            continue
        value = norm(el.get("lang"))
        if not value:
            continue  # lang="" means "unknown language": nothing to validate
        if not _owns_text(el, v):
            continue
        status, reason = code_status(value)
        if status == CodeStatus.INVALID:
            results.append(Result(Outcome.FAILED, element=el, message=_sentence(reason)))
        elif status == CodeStatus.UNKNOWN:
            results.append(Result(Outcome.CANT_TELL, element=el, message=_sentence(reason)))
        else:
            valid += 1
    if not results and valid:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            valid, "{n} changement de langue au code valide ; sa pertinence reste à vérifier.",
            "{n} changements de langue au code valide ; leur pertinence reste à vérifier.")))
    return results

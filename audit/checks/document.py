"""Criterion 13.3 on the documents themselves: downloaded PDF and office files (scope "document").

PDFs are read with pypdf (pure Python, already a dependency; pikepdf would add qpdf's C++ library for
nothing text extraction needs). What the file structure decides is decided: tagged (``/MarkInfo
/Marked true`` and a ``/StructTreeRoot``), a language (``/Lang``), a title (``/Info /Title`` or XMP
``dc:title``) that viewers show (``/ViewerPreferences /DisplayDocTitle true``), text a screen reader can
read, no protection that blocks assistive technologies. The rest (reading order, headings, alternatives,
tables) needs PAC or a person: ``rgaa-13.3-document-review`` asks for it on every document.

A file that cannot be read is a ``cant_tell`` that says so, never a crash.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import weakref
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from audit.checks import Evidence, Result, check
from audit.checks.exposure import norm, short
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_TEXT_PAGES = 10  # pages read for text: enough to tell a scan from a text document, fast on big files
# the kind of an office document as a message says it (names of formats: translated where they are words)
OFFICE = {"docx": "Word", "doc": "Word", "odt": N_("OpenDocument texte"), "ods": N_("OpenDocument tableur"),
          "odp": N_("OpenDocument présentation"), "xlsx": "Excel", "xls": "Excel", "pptx": "PowerPoint",
          "ppt": "PowerPoint", "rtf": "RTF", "epub": "EPUB"}
OFFICE_MIME = {"msword": "doc", "vnd.openxmlformats-officedocument.wordprocessingml": "docx",
               "vnd.openxmlformats-officedocument.spreadsheetml": "xlsx",
               "vnd.openxmlformats-officedocument.presentationml": "pptx",
               "vnd.oasis.opendocument.text": "odt", "vnd.oasis.opendocument.spreadsheet": "ods",
               "vnd.oasis.opendocument.presentation": "odp", "vnd.ms-excel": "xls", "vnd.ms-powerpoint": "ppt",
               "rtf": "rtf", "epub+zip": "epub"}
EXTRACT_FOR_ACCESSIBILITY = 512  # bit 10 of /P: content extraction for accessibility


@dataclass(slots=True)
class PdfFacts:
    """What the checks need from one PDF, read once."""

    error: str | Msg | None = None  # why the file could not be read (pypdf's own error as it said it)
    locked: bool = False  # a password is needed to open it
    pages: int = 0
    marked: bool | None = None
    struct_tree: bool = False
    lang: str = ""
    title: str = ""
    display_title: bool = False
    access_blocked: bool = False
    text_pages: list[int] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)
    checked_pages: int = 0


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def document_kind(evidence: Evidence) -> str:
    """"pdf", an office extension ("docx", "odt"…) or "" for other files."""
    data = evidence.document or b""
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    ctype = (evidence.snap.content_type or "").lower()
    if "pdf" in ctype:
        return "pdf"
    for key, ext in OFFICE_MIME.items():
        if f"application/{key}" in ctype:
            return ext
    m = re.search(r"\.([a-z0-9]{2,5})$", urlsplit(evidence.url).path.lower())
    if m and (m.group(1) in OFFICE or m.group(1) == "pdf"):
        return m.group(1)
    if data[:2] == b"PK":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return ""
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "mimetype" in names:
            return "odt"
    return ""


@contextmanager
def _quiet():
    """pypdf logs and warns about every oddity of a damaged file: the checks report it once, in French."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def pdf_facts(evidence: Evidence) -> PdfFacts:
    cached = _CACHE.get(evidence)
    if cached is None:
        cached = _read_pdf(evidence.document or b"")
        _CACHE[evidence] = cached
    return cached


def _read_pdf(data: bytes) -> PdfFacts:
    facts = PdfFacts()
    if not data:
        facts.error = Msg("le fichier est vide")
        return facts
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        facts.error = Msg("pypdf n'est pas installé")
        return facts
    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                if not reader.decrypt(""):
                    facts.locked = True
                    return facts
                perms = reader.user_access_permissions
                facts.access_blocked = perms is not None and not (int(perms) & EXTRACT_FOR_ACCESSIBILITY)
            root = reader.trailer["/Root"].get_object()
            mark = root.get("/MarkInfo")
            mark = mark.get_object() if mark is not None else None
            facts.marked = bool(mark.get("/Marked", False)) if mark is not None else None
            facts.struct_tree = root.get("/StructTreeRoot") is not None
            facts.lang = norm(str(root.get("/Lang") or ""))
            prefs = root.get("/ViewerPreferences")
            prefs = prefs.get_object() if prefs is not None else None
            facts.display_title = bool(prefs.get("/DisplayDocTitle", False)) if prefs is not None else False
            try:
                info = reader.metadata
                facts.title = norm(str(info.title or "")) if info is not None else ""
            except Exception:  # noqa: BLE001 - a damaged /Info dictionary is the same as none
                facts.title = ""
            if not facts.title:
                facts.title = _xmp_title(reader)
            facts.pages = len(reader.pages)
            for number, page in enumerate(reader.pages[:MAX_TEXT_PAGES], start=1):
                facts.checked_pages = number
                try:
                    text = page.extract_text() or ""
                except Exception:  # noqa: BLE001 - one damaged page: counted as without text
                    text = ""
                if norm(text):
                    facts.text_pages.append(number)
                if _has_images(page):
                    facts.image_pages.append(number)
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files
            facts.error = f"{type(exc).__name__}: {exc}"[:200]
    return facts


def _xmp_title(reader) -> str:
    try:
        xmp = reader.xmp_metadata
        titles = xmp.dc_title if xmp is not None else None
    except Exception:  # noqa: BLE001 - malformed XMP is the same as none
        return ""
    if isinstance(titles, dict):
        return norm(next(iter(titles.values()), ""))
    return norm(str(titles or ""))


def _has_images(page) -> bool:
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not xobjects or not any(x.get_object().get("/Subtype") in ("/Image", "/Form") for x in xobjects.values()):
            return False
        contents = page.get_contents()
        return contents is not None and re.search(rb"/[^\s/]+\s+Do\b", contents.get_data()) is not None
    except Exception:  # noqa: BLE001
        return False


def _unreadable(facts: PdfFacts) -> Result | None:
    if facts.locked:
        return Result(Outcome.CANT_TELL,
                      message=N_("Le PDF est protégé par un mot de passe : il n'a pas pu être ouvert."),
                      question=N_("Ce document est-il disponible sans mot de passe dans une version accessible ?"))
    if facts.error:
        return Result(Outcome.CANT_TELL, message=Msg("Le fichier PDF n'a pas pu être lu ({error}).", error=facts.error),
                      question=N_("Le document s'ouvre-t-il dans un lecteur PDF ? Si oui, est-il accessible d'après "
                                  "PAC ?"))
    return None


def _pdf_or_skip(evidence: Evidence):
    """The facts of a PDF document, or the Result to yield instead (not a PDF, unreadable)."""
    if document_kind(evidence) != "pdf":
        return None, Result(Outcome.INAPPLICABLE, message=N_("Ce document n'est pas un PDF."))
    facts = pdf_facts(evidence)
    return facts, _unreadable(facts)


@check(
    id="rgaa-13.3-pdf-tagged",
    title=N_("Le PDF est balisé"),
    failure=N_("Le PDF n'est pas balisé"),
    description=N_("Sans balisage (structure des titres, paragraphes, listes, tableaux, ordre de lecture), un "
                   "lecteur d'écran lit le PDF comme une suite de caractères sans structure."),
    how_to_fix=N_("Exportez le PDF depuis le traitement de texte avec l'option « PDF balisé » (ou « Structure "
                  "des documents pour l'accessibilité »), puis vérifiez-le avec PAC."),
    rgaa=("13.3.1",),
    wcag=("1.3.1",),
    impact=Impact.SERIOUS,
    evidence=("document",),
    scope="document",
)
def pdf_tagged(evidence: Evidence):
    facts, skip = _pdf_or_skip(evidence)
    if skip is not None:
        yield skip
        return
    mark = Msg("pas de /MarkInfo") if facts.marked is None else \
        Msg("/MarkInfo /Marked vaut false") if not facts.marked else None
    if mark is not None and not facts.struct_tree:
        yield Result(Outcome.FAILED, message=Msg("Le PDF n'est pas balisé : {mark}, pas d'arbre de structure "
                                                 "(/StructTreeRoot).", mark=mark))
    elif mark is not None:
        yield Result(Outcome.FAILED, message=Msg("Le PDF n'est pas balisé : {mark}.", mark=mark))
    elif not facts.struct_tree:
        yield Result(Outcome.FAILED, message=N_("Le PDF n'est pas balisé : pas d'arbre de structure (/StructTreeRoot)."))
    else:
        yield Result(Outcome.PASSED, message=N_("Le PDF est balisé (/MarkInfo /Marked true et /StructTreeRoot)."))


@check(
    id="rgaa-13.3-pdf-lang",
    title=N_("Le PDF indique sa langue"),
    failure=N_("Le PDF n'indique pas sa langue"),
    description=N_("Sans langue déclarée (/Lang), la synthèse vocale lit le document avec une mauvaise prononciation."),
    how_to_fix=N_("Déclarez la langue du document (fr) dans l'outil d'origine ou dans Acrobat (Propriétés > Avancé > Langue)."),
    rgaa=("13.3.1",),
    wcag=("3.1.1",),
    impact=Impact.MODERATE,
    evidence=("document",),
    scope="document",
)
def pdf_lang(evidence: Evidence):
    facts, skip = _pdf_or_skip(evidence)
    if skip is not None:
        yield skip
        return
    if not facts.lang:
        yield Result(Outcome.FAILED, message=N_("Le PDF n'a pas d'entrée /Lang dans son catalogue."))
    elif not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", facts.lang):
        yield Result(Outcome.FAILED, message=Msg("La langue déclarée « {lang} » n'est pas un code de langue.",
                                                 lang=short(facts.lang, 30)))
    else:
        yield Result(Outcome.PASSED, message=Msg("Langue déclarée : {lang}.", lang=facts.lang))


@check(
    id="rgaa-13.3-pdf-title",
    title=N_("Le PDF a un titre affiché par les lecteurs"),
    failure=N_("Le PDF n'a pas de titre affiché"),
    description=N_("Le titre du document (/Title ou XMP dc:title), affiché à la place du nom de fichier "
                   "(/DisplayDocTitle true), permet de savoir quel document est ouvert."),
    how_to_fix=N_("Renseignez le titre dans les propriétés du document et cochez « Afficher le titre du document » (Acrobat : Propriétés > Vue initiale)."),
    rgaa=("13.3.1",),
    wcag=("2.4.2",),
    impact=Impact.MODERATE,
    evidence=("document",),
    scope="document",
)
def pdf_title(evidence: Evidence):
    facts, skip = _pdf_or_skip(evidence)
    if skip is not None:
        yield skip
        return
    if not facts.title:
        yield Result(Outcome.FAILED,
                     message=N_("Le PDF n'a pas de titre (ni /Title, ni dc:title dans les métadonnées XMP)."))
    elif not facts.display_title:
        yield Result(Outcome.FAILED, message=Msg("Le PDF a pour titre « {title} » mais les lecteurs affichent le nom "
                                                 "du fichier (/ViewerPreferences /DisplayDocTitle absent).",
                                                 title=short(facts.title, 60)))
    else:
        yield Result(Outcome.PASSED, message=Msg("Titre affiché : « {title} ».", title=short(facts.title, 80)))


@check(
    id="rgaa-13.3-pdf-text",
    title=N_("Le texte du PDF est lisible par les technologies d'assistance"),
    failure=N_("Le PDF n'est qu'une image, sans texte"),
    description=N_("Un PDF scanné (des images de pages, sans texte) est muet pour un lecteur d'écran et ne se recherche pas."),
    how_to_fix=N_("Publiez le document d'origine exporté en PDF balisé ; à défaut, appliquez une reconnaissance de caractères (OCR) et vérifiez le texte obtenu."),
    rgaa=("13.3.1",),
    wcag=("1.1.1", "1.4.5"),
    impact=Impact.CRITICAL,
    evidence=("document",),
    scope="document",
)
def pdf_text(evidence: Evidence):
    facts, skip = _pdf_or_skip(evidence)
    if skip is not None:
        yield skip
        return
    checked = facts.checked_pages
    if not checked:
        yield Result(Outcome.CANT_TELL, message=N_("Le PDF n'a aucune page lisible."),
                     question=N_("Le document s'ouvre-t-il et contient-il du texte ?"))
        return
    without = [n for n in range(1, checked + 1) if n not in facts.text_pages]
    scanned = [n for n in without if n in facts.image_pages]
    scope = Msg.plural(checked, "la première page", "les {n} premières pages") if facts.pages > checked \
        else Msg.plural(checked, "sa seule page", "ses {n} pages")
    if not facts.text_pages and facts.image_pages:
        yield Result(Outcome.FAILED, message=Msg("Aucun texte dans {scope} : le PDF n'est fait que d'images (document "
                                                 "scanné ?).", scope=scope))
    elif not facts.text_pages:
        yield Result(Outcome.CANT_TELL, message=Msg("Ni texte ni image repérés dans {scope}.", scope=scope),
                     question=N_("Le document contient-il du texte lisible par un lecteur d'écran ?"))
    elif scanned:
        pages = ", ".join(str(n) for n in scanned[:8])
        yield Result(Outcome.CANT_TELL, message=Msg("Pages sans texte, faites d'images : {pages}.", pages=pages),
                     question=N_("Ces pages portent-elles du texte en image (scan) qui doit être reconnu (OCR) ?"))
    else:
        yield Result(Outcome.PASSED, message=Msg("Texte extractible sur {scope}.", scope=scope))


@check(
    id="rgaa-13.3-pdf-protection",
    title=N_("La protection du PDF laisse passer les technologies d'assistance"),
    failure=N_("La protection du PDF bloque les technologies d'assistance"),
    description=N_("Un PDF chiffré dont les permissions interdisent l'extraction du contenu pour l'accessibilité "
                   "ne peut pas être lu par certains lecteurs d'écran."),
    how_to_fix=N_("Retirez la protection, ou autorisez « l'accès au texte pour les technologies d'assistance » dans les permissions."),
    rgaa=("13.3.1",),
    wcag=("4.1.2",),
    impact=Impact.CRITICAL,
    evidence=("document",),
    scope="document",
)
def pdf_protection(evidence: Evidence):
    if document_kind(evidence) != "pdf":
        yield Result(Outcome.INAPPLICABLE, message=N_("Ce document n'est pas un PDF."))
        return
    facts = pdf_facts(evidence)
    if facts.locked:
        yield Result(Outcome.CANT_TELL, message=N_("Le PDF est protégé par un mot de passe d'ouverture."),
                     question=N_("Les personnes qui doivent lire ce document disposent-elles du mot de passe et "
                                 "d'une version accessible ?"))
    elif facts.error:
        yield _unreadable(facts)
    elif facts.access_blocked:
        yield Result(Outcome.FAILED, message=N_("Les permissions du PDF interdisent l'extraction du contenu pour "
                                                "l'accessibilité (bit 10 de /P)."))
    else:
        yield Result(Outcome.PASSED, message=N_("Aucune protection ne bloque l'accès au contenu."))


@check(
    id="rgaa-13.3-document-review",
    title=N_("Le document téléchargeable est accessible"),
    failure=N_("Le document téléchargeable n'est pas accessible"),
    description=N_("Au-delà de ce que sa structure montre, un document est accessible quand ses titres, "
                   "alternatives d'images, tableaux et ordre de lecture le sont : PAC pour un PDF, le vérificateur "
                   "d'accessibilité de l'éditeur pour un document bureautique."),
    how_to_fix=N_("Corrigez le document source (styles de titres, alternatives, tableaux simples), réexportez-le, puis vérifiez-le avec PAC ou le vérificateur de l'éditeur."),
    rgaa=("13.3.1",),
    wcag=("1.3.1",),
    impact=Impact.SERIOUS,
    evidence=("document",),
    scope="document",
    question=N_("Ce document est-il accessible (structure de titres, alternatives des images, tableaux, ordre de lecture) ou en existe-t-il une version accessible ?"),
)
def document_review(evidence: Evidence):
    kind = document_kind(evidence)
    name = urlsplit(evidence.url).path.rsplit("/", 1)[-1] or evidence.url
    if kind == "pdf":
        facts = pdf_facts(evidence)
        unreadable = _unreadable(facts)
        if unreadable is not None:
            yield unreadable
            return
        yield Result(Outcome.CANT_TELL, message=Msg.plural(
            facts.pages, "PDF « {name} » ({n} page) : à vérifier avec PAC (PDF Accessibility Checker).",
            "PDF « {name} » ({n} pages) : à vérifier avec PAC (PDF Accessibility Checker).", name=short(name, 60)))
    elif kind:
        yield Result(Outcome.CANT_TELL, message=Msg(
            "Document {kind} « {name} » : à vérifier avec le vérificateur d'accessibilité de l'éditeur.",
            kind=Msg(OFFICE[kind]) if kind in OFFICE else kind.upper(), name=short(name, 60)))
    else:
        ctype = short(evidence.snap.content_type, 40) if evidence.snap.content_type else Msg("type inconnu")
        yield Result(Outcome.INAPPLICABLE, message=Msg("Ce fichier ({type}) n'est pas un document bureautique.",
                                                       type=ctype))

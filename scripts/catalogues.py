"""The words catalogues: extract, update, check and compile (``make catalogues``).

French is the source language (a msgid is the French text): ``fr`` gets each msgid as its own translation,
``en`` keeps its translations and gains the new msgids untranslated, which ``--check`` then reports.

    python scripts/catalogues.py            # extract + update both catalogues + compile
    python scripts/catalogues.py --check    # exit 1 when a catalogue has an untranslated, fuzzy or unused entry
    python scripts/catalogues.py --compile  # only compile the .po files to .mo (done at install)
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "audit" / "locale"
LANGS = ("fr", "en")
DOMAIN = "messages"
# the functions whose arguments are messages (audit/words.py); n: the argument numbers of the msgids
KEYWORDS = {"_": None, "N_": None, "gettext": None, "text": None, "Msg": None, "legal": None,
            "ngettext": (1, 2), "plural": (2, 3), "pgettext": ((1, "c"), 2), "ptext": ((1, "c"), 2)}

# in Python, words.text and words.ptext are told apart from other functions of those names (see _python)
PYTHON_KEYWORDS = {**{k: v for k, v in KEYWORDS.items() if k not in ("text", "ptext")},
                   "WORDS_TEXT": None, "WORDS_PTEXT": ((1, "c"), 2)}


def extract() -> Catalog:
    """Every message of the package (Python and templates), as a template catalogue."""
    pot = Catalog(project="a11y-audit", locale=None, fuzzy=False)
    files = [(path, _python) for path in sorted((ROOT / "audit").rglob("*.py"))]
    files += [(path, "jinja2.ext:babel_extract") for path in sorted((ROOT / "audit" / "templates").glob("*.j2"))]
    for path, method in files:
        with path.open("rb") as fp:
            found = babel_extract(method, fp, keywords=PYTHON_KEYWORDS if method == _python else KEYWORDS, comment_tags=("TRANSLATORS:",),
                                  options={"extensions": "jinja2.ext.i18n"} if method != _python else {},
                                  strip_comment_tags=True)
            for lineno, message, comments, context in found:
                pot.add(message, None, [(str(path.relative_to(ROOT)), lineno)], auto_comments=comments,
                        context=context)
    for message, where in click_help(ROOT / "audit" / "cli.py"):
        pot.add(message, None, [where], auto_comments=["--help of the command line"])
    return pot


def _python(fileobj, keywords, comment_tags, options):
    """Babel's Python extractor, with ``words.text(`` told apart from every other ``text(`` (an element's
    text, a reader's field): only the former is a message."""
    source = fileobj.read().decode("utf-8")
    source = re.sub(r"\bwords\.text\(", "words.WORDS_TEXT(", source)
    source = re.sub(r"\bwords\.ptext\(", "words.WORDS_PTEXT(", source)
    return extract_python(io.BytesIO(source.encode("utf-8")), keywords, comment_tags, options)


def click_help(path: Path):
    """The --help texts of a click command line: each command's docstring and each ``help=`` text, spaces
    folded as ``audit.cli`` looks them up."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = str(path.relative_to(ROOT))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("command", "group")
                for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield " ".join(doc.split()), (name, node.lineno)
        if isinstance(node, ast.keyword) and node.arg == "help" and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            yield " ".join(node.value.value.split()), (name, node.value.lineno)


def read(lang: str) -> Catalog:
    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return Catalog(locale=lang, domain=DOMAIN, project="a11y-audit", fuzzy=False)
    with path.open("rb") as fp:
        return read_po(fp, locale=lang, domain=DOMAIN)


def write(lang: str, catalog: Catalog) -> None:
    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fp:
        write_po(fp, catalog, width=110, omit_header=False, sort_output=False, include_previous=False)


# French says 0 and 1 in the singular (CLDR's third form, « 1 million de pages », is not needed here)
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}


def update(pot: Catalog) -> None:
    for lang in LANGS:
        catalog = read(lang)
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[lang])]
        catalog.update(copy.deepcopy(pot), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        for message in catalog:
            # the messages are str.format templates: a « 200 % de » is no %-placeholder (Babel guesses it is)
            message.flags.discard("python-format")
            # no fuzzy matching: a flag left means a msgid that became plural (or back)
            if message.id and message.fuzzy:
                message.flags.discard("fuzzy")
                plural_id = not isinstance(message.id, str)
                if plural_id != isinstance(message.string, tuple | list):
                    message.string = ("", "") if plural_id else ""
        if lang == "fr":
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id if isinstance(message.id, str) else tuple(message.id)
        write(lang, catalog)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def problems() -> list[str]:
    """Untranslated, fuzzy or unused entries, and placeholders that differ from their msgid's."""
    sys.path.insert(0, str(ROOT))
    from audit.words import placeholders

    used = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in extract() if m.id}
    out = []
    for lang in LANGS:
        catalog = read(lang)
        for m in catalog:
            if not m.id:
                continue
            key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
            where = f"{lang}: {key[1][:70]!r}"
            if not _translated(m):
                out.append(f"{where}: untranslated")
            if m.fuzzy:
                out.append(f"{where}: fuzzy")
            if key not in used:
                out.append(f"{where}: not used in the code any more")
            ids = m.id if isinstance(m.id, tuple | list) else (m.id,)
            strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
            wanted = set().union(*(placeholders(i) for i in ids))
            for s in strings:
                if s and placeholders(s) - wanted:
                    out.append(f"{where}: placeholders {sorted(placeholders(s) - wanted)} not in the msgid")
        missing = used - {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
        out += [f"{lang}: {k[1][:70]!r}: missing from the catalogue" for k in sorted(missing, key=str)]
    return out


def compile_all() -> None:
    sys.path.insert(0, str(ROOT))
    from audit.words import compile_po

    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po.with_suffix(".mo").write_bytes(compile_po(po))


def missing(paths: list[str]) -> list[str]:
    """The msgids of these files (Python or templates) that no English catalogue translates yet."""
    sys.path.insert(0, str(ROOT))

    wanted = {str(Path(p).resolve().relative_to(ROOT)) for p in paths}
    translated = set()
    for po in sorted((LOCALE / "en" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fp:
            translated |= {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(fp) if m.id
                           and _translated(m) and not m.fuzzy}
    out = []
    for m in extract():
        if not m.id or not any(where in wanted for where, _ in m.locations):
            continue
        key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
        if key not in translated:
            out.append(f"{m.locations[0][0]}:{m.locations[0][1]}: {key[1]!r}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--missing", nargs="+", metavar="FILE", help="msgids of these files not translated yet")
    args = parser.parse_args()
    if args.missing:
        found = missing(args.missing)
        print("\n".join(found + [f"{len(found)} msgid(s) without English"]))
        return 1 if found else 0
    if args.compile:
        compile_all()
        return 0
    if args.check:
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} problem(s) in the catalogues")
        return 1 if found else 0
    update(extract())
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())

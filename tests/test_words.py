"""The words catalogues (audit/words.py, audit/locale): complete in both languages, every msgid the code and
the templates use is in them, placeholders agree, one plural rule per language, messages said later keep
their words through the run store, and the tool's own outputs carry no word of the other language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from audit import words
from audit.words import Msg

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import catalogues  # noqa: E402

pytestmark = pytest.mark.usefixtures("french_messages")


@pytest.fixture(scope="module")
def extracted():
    return catalogues.extract()


def _read(lang: str):
    with (ROOT / "audit" / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp)


def test_the_catalogues_are_complete_and_every_msgid_in_use_is_in_them():
    """`scripts/catalogues.py --check`: nothing untranslated, fuzzy, unused or missing, placeholders alike."""
    assert catalogues.problems() == []


def test_there_is_one_catalogue_a_language_and_no_fragment_left():
    for lang in words.LANGS:
        files = sorted(p.name for p in (ROOT / "audit" / "locale" / lang / "LC_MESSAGES").glob("*.po"))
        assert files == ["messages.po"], files


def test_pybabel_compiles_both_catalogues_at_100_percent(tmp_path):
    for lang in words.LANGS:
        out = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "--statistics",
                              "-d", str(ROOT / "audit" / "locale"), "-l", lang, "-o", str(tmp_path / f"{lang}.mo"),
                              "-i", str(ROOT / "audit" / "locale" / lang / "LC_MESSAGES" / "messages.po")],
                             capture_output=True, text=True)
        said = out.stdout + out.stderr
        assert out.returncode == 0, said
        assert "(100%) translated" in said and "fuzzy" not in said.replace("0 fuzzy", ""), said


def test_french_is_the_source_language_and_its_catalogue_repeats_it():
    for m in _read("fr"):
        if m.id:
            assert m.string == (m.id if isinstance(m.id, str) else tuple(m.id)), m.id


def test_the_english_catalogue_translates_what_is_french():
    """An English string equal to its French msgid is allowed only for words both languages share (codes,
    placeholders, names); a long sentence left as its French is a missing translation."""
    same = [m.id for m in _read("en") if m.id and isinstance(m.id, str) and m.string == m.id and len(m.id.split()) > 3]
    assert same == [], same[:10]


def test_plural_forms_say_zero_and_one_in_the_singular_in_french_only():
    assert words.plural(0, "{n} page", "{n} pages") == "0 page"
    assert words.plural(1, "{n} page", "{n} pages") == "1 page"
    assert words.plural(2, "{n} page", "{n} pages") == "2 pages"
    assert words.plural(0, "{n} page", "{n} pages", lang="en") == "0 pages"
    assert words.plural(1, "{n} page", "{n} pages", lang="en") == "1 page"
    assert words.plural(2, "{n} problème", "{n} problèmes", lang="en") == "2 problems"


def test_a_message_said_later_keeps_its_words_through_json_and_is_said_in_either_language():
    inner = Msg("la sonde n'a pas été exécutée")
    msg = Msg("Mesure automatique impossible ({why}).", why=inner)
    data = json.loads(json.dumps(msg.data()))
    again = Msg.of(data)
    assert again == msg and str(again) == "Mesure automatique impossible (la sonde n'a pas été exécutée)."
    assert again.render("en") == "Automatic measurement impossible (the probe did not run)."
    many = Msg.plural(3, "{names} et {n} autre", "{names} et {n} autres", names="a ; b")
    assert Msg.of(json.loads(json.dumps(many.data()))).render("en") == "a ; b and 3 others"
    assert str(many) == "a ; b et 3 autres"


def test_placeholders_are_read_with_their_conversion_and_escaped_braces():
    assert words.placeholders("{file}: {value!r} {{name, path}} {n:>3}") == {"file", "value", "n"}


def test_a_placeholder_left_unfilled_is_an_error_not_a_silent_brace():
    with pytest.raises(KeyError):
        words.text("site inconnu : {site}. Sites de la configuration : {known}.", site="x")


def test_language_order_option_then_environment_then_french(monkeypatch):
    assert words.language() == "fr"
    monkeypatch.setenv(words.ENV, "EN")
    assert words.language() == "en"
    monkeypatch.setenv(words.ENV, "de")
    assert words.language() == "fr"
    words.use("en")
    monkeypatch.setenv(words.ENV, "fr")
    assert words.language() == "en"
    with pytest.raises(ValueError):
        words.use("de")


def test_the_catalogue_is_read_from_the_po_when_no_mo_was_compiled(tmp_path, monkeypatch):
    """A checkout where nothing compiled the catalogues still speaks English (compiled in memory)."""
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes((ROOT / "audit/locale/en/LC_MESSAGES/messages.po").read_bytes())
    monkeypatch.setattr(words, "LOCALE", tmp_path)
    words.translations.cache_clear()
    try:
        assert words.gettext("Afficher cette aide et quitter.", "en") == "Show this message and exit."
        assert not (folder / "messages.mo").exists()
    finally:
        monkeypatch.undo()
        words.translations.cache_clear()


def test_no_old_word_table_is_left_in_the_package():
    """One catalogue: no {"fr": …, "en": …} table of sentences, no per-language template, no *_en text field —
    but the data that comes with its own English: axe-core's rule texts (its locales) and the RGAA table's
    criterion and theme titles (checked against the official text in tests/test_standards.py)."""
    import ast

    data_with_english = {"assessment.py", "catalogue.py", "standards.py"}
    # language detection's stop words (checks/language.py) are data about languages, not words shown
    not_shown = {"audit/checks/language.py"}
    leftovers = []
    for path in sorted((ROOT / "audit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                sentences = [v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                             and " " in v.value]
                if {"fr", "en"} <= keys and sentences and str(path.relative_to(ROOT)) not in not_shown:
                    leftovers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                    and node.target.id.endswith("_en") and path.name not in data_with_english):
                leftovers.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.target.id}")
    assert not (ROOT / "audit" / "wording.py").exists() and not (ROOT / "audit" / "i18n.py").exists()
    assert not list((ROOT / "audit" / "templates").glob("*.en.*"))
    assert leftovers == []

"""audit/standards.py against the official RGAA 4.1.2 criteria file (../shared/rgaa/4.1.2)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from audit import standards
from audit.standards import CRITERIA, TESTS, THEMES, WCAG_SC, StandardsError, load_official

OFFICIAL_DIR = Path(__file__).parents[2] / "shared" / "rgaa" / "4.1.2"
OFFICIAL_FILE = OFFICIAL_DIR / "criteres.json"
needs_official = pytest.mark.skipif(
    not OFFICIAL_FILE.is_file(),
    reason=f"official RGAA 4.1.2 data not found at {OFFICIAL_FILE} (the shared folder next to the repository)")


def _official() -> list[dict]:
    """One record per official criterion: id, theme, title, WCAG refs, test numbers."""
    data = json.loads(OFFICIAL_FILE.read_text(encoding="utf-8"))
    out = []
    for topic in data["topics"]:
        for item in topic["criteria"]:
            crit = item["criterium"]
            refs = {k: v for ref in crit.get("references", []) for k, v in ref.items()}
            out.append({"id": f"{topic['number']}.{crit['number']}", "theme": topic["number"],
                        "topic": topic["topic"], "title": crit["title"], "wcag": refs.get("wcag", []),
                        "tests": list(crit["tests"])})
    return out


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    return re.findall(r"[\w']+", text)


# --- the table on its own -------------------------------------------------------------------


def test_counts():
    assert len(THEMES) == 13
    assert len(CRITERIA) == 106
    assert len(TESTS) == 258
    assert sum(len(c.tests) for c in CRITERIA.values()) == 258


def test_lookups():
    assert standards.criterion_of("8.5.1") == "8.5"
    assert standards.criterion_of("10.14.2") == "10.14"
    with pytest.raises(KeyError):
        standards.criterion_of("8.5.9")
    assert standards.criteria_for_wcag("2.4.2") == ("8.5", "8.6")
    assert standards.criteria_for_wcag("1.2.4") == ()  # live captions: not in the RGAA mapping
    assert all(c.theme in THEMES for c in CRITERIA.values())


def test_titles_are_short_distinct_paraphrases():
    for title_attr in ("title", "title_en"):
        titles = [getattr(c, title_attr) for c in CRITERIA.values()]
        assert len(set(titles)) == len(titles), f"duplicate {title_attr}"
        for crit in CRITERIA.values():
            count = len(_words(getattr(crit, title_attr)))
            assert 4 <= count <= 10, f"{crit.id}.{title_attr}: {count} words"


def test_wcag_success_criteria():
    in_force = standards.wcag_scs("2.2")
    assert len(in_force) == 55
    assert sum(1 for _, level in in_force.values() if level == "A") == 31
    assert sum(1 for _, level in in_force.values() if level == "AA") == 24
    assert "4.1.1" in WCAG_SC and "4.1.1" in standards.WCAG_OBSOLETE and "4.1.1" not in in_force
    assert len(standards.wcag_scs("2.1")) == 50
    assert standards.WCAG_NEW_IN_22 <= set(in_force)
    for crit in CRITERIA.values():
        assert set(crit.wcag) <= set(WCAG_SC), crit.id
        levels = {WCAG_SC[sc][1] for sc in crit.wcag}
        assert crit.level == ("A" if "A" in levels else "AA"), crit.id
    with pytest.raises(ValueError):
        standards.wcag_scs("3.0")


# --- the table against the official file ----------------------------------------------------


@needs_official
def test_ids_themes_and_order_match_the_official_file():
    official = _official()
    assert [o["id"] for o in official] == list(CRITERIA)
    for o in official:
        assert CRITERIA[o["id"]].theme == o["theme"], o["id"]
    topics = {o["theme"]: o["topic"] for o in official}
    assert sorted(topics) == sorted(THEMES)
    for number, topic in topics.items():
        assert _words(THEMES[number].title) == _words(topic), number


@needs_official
def test_tests_match_the_official_file():
    official = _official()
    for o in official:
        assert CRITERIA[o["id"]].tests == tuple(f"{o['id']}.{n}" for n in o["tests"]), o["id"]
    manifest = OFFICIAL_DIR / "manifest.json"
    if manifest.is_file():
        records = json.loads(manifest.read_text(encoding="utf-8"))["records"]
        assert {r["id"]: r["criterion"] for r in records} == TESTS


@needs_official
def test_wcag_mapping_and_levels_match_the_official_file():
    for o in _official():
        crit = CRITERIA[o["id"]]
        parsed = [re.fullmatch(r"(\d+\.\d+\.\d+) (.+) \((A{1,3})\)", ref) for ref in o["wcag"]]
        assert all(parsed), o["wcag"]
        assert crit.wcag == tuple(m.group(1) for m in parsed), o["id"]
        levels = {m.group(3) for m in parsed}
        assert crit.level == ("A" if "A" in levels else "AA"), o["id"]
        for m in parsed:
            name, level = WCAG_SC[m.group(1)]
            assert level == m.group(3), m.group(0)
            assert name.lower() == m.group(2).lower(), m.group(0)


@needs_official
def test_no_title_copies_the_official_sentence():
    run = 5  # no run of 5 words shared with the official sentence
    for o in _official():
        crit = CRITERIA[o["id"]]
        official = standards.strip_links(o["title"])
        official_words = _words(official)
        grams = {tuple(official_words[i:i + run]) for i in range(len(official_words) - run + 1)}
        for title in (crit.title, crit.title_en):
            assert _words(title) != official_words, o["id"]
            assert " ".join(official_words) not in " ".join(_words(title)), o["id"]
            words = _words(title)
            shared = [g for g in (tuple(words[i:i + run]) for i in range(len(words) - run + 1)) if g in grams]
            assert not shared, f"{o['id']}: {title!r} copies {' '.join(shared[0])!r}"


# --- load_official --------------------------------------------------------------------------


def _write_criteria(path: Path, titles: dict[str, str]) -> Path:
    topics: dict[int, list] = {}
    for cid, title in titles.items():
        theme, number = (int(x) for x in cid.split("."))
        topics.setdefault(theme, []).append({"criterium": {"number": number, "title": title, "tests": {}}})
    data = {"wcag": {"version": 2.1},
            "topics": [{"topic": f"Thème {n}", "number": n, "criteria": c} for n, c in topics.items()]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_load_official_strips_glossary_links(tmp_path):
    titles = {cid: f"Le [{c.title}](#{cid.replace('.', '-')})  a-t-il un [terme](#terme) ?"
              for cid, c in CRITERIA.items()}
    loaded = load_official(_write_criteria(tmp_path / "criteres.json", titles))
    assert list(loaded) == list(CRITERIA)
    assert loaded["1.1"] == f"Le {CRITERIA['1.1'].title} a-t-il un terme ?"
    assert load_official(tmp_path) == loaded  # a folder holding criteres.json


@needs_official
def test_load_official_reads_the_official_file():
    loaded = load_official(OFFICIAL_FILE)
    assert list(loaded) == list(CRITERIA)
    raw = {o["id"]: o["title"] for o in _official()}
    for cid, title in loaded.items():
        assert "](#" not in title and "[" not in title, cid
        assert _words(title) == _words(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw[cid])), cid
    assert load_official(OFFICIAL_DIR) == loaded


def test_criterion_title_prefers_the_official_sentence_in_french():
    official = {"8.5": "Phrase officielle chargée depuis le fichier"}
    assert standards.criterion_title("8.5", "fr", official) == "Phrase officielle chargée depuis le fichier"
    assert standards.criterion_title("8.5", "en", official) == CRITERIA["8.5"].title_en
    assert standards.criterion_title("8.6", "fr", official) == CRITERIA["8.6"].title
    assert standards.criterion_title("8.5") == CRITERIA["8.5"].title
    with pytest.raises(KeyError):
        standards.criterion_title("14.1")


def _error(path) -> str:
    with pytest.raises(StandardsError) as info:
        load_official(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_load_official_missing_file(tmp_path):
    message = _error(tmp_path / "absent.json")
    assert "absent.json" in message and "not found" in message
    assert "criteres.json" in _error(tmp_path)  # an empty folder: its criteres.json is missing


def test_load_official_bad_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"topics": [\n  {"number": 1,\n  "criteria": [}\n]}', encoding="utf-8")
    message = _error(path)
    assert message.startswith(f"{path}:3: invalid JSON")


def test_load_official_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"topics": "é"}'.encode("latin-1"))
    assert "UTF-8" in _error(path)


@pytest.mark.parametrize("data, where", [
    ([1, 2], "topics"),
    ({"topics": {"number": 1}}, "topics"),
    ({"topics": [{"number": "1", "criteria": []}]}, "topics[0]"),
    ({"topics": [{"number": 1}]}, "topics[0]"),
    ({"topics": [{"number": 1, "criteria": [{"criterium": {"number": 1}}]}]}, "topics[0].criteria[0]"),
    ({"topics": [{"number": 1, "criteria": ["1.1"]}]}, "topics[0].criteria[0]"),
])
def test_load_official_wrong_shape(tmp_path, data, where):
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = _error(path)
    assert message.startswith(f"{path}: ") and where in message


def test_load_official_other_referential(tmp_path):
    titles = {cid: c.title for cid, c in CRITERIA.items() if cid != "13.12"}
    titles["14.1"] = "Un critère inconnu"
    message = _error(_write_criteria(tmp_path / "rgaa5.json", titles))
    assert "rgaa5.json" in message and "unknown criteria 14.1" in message and "missing criteria 13.12" in message

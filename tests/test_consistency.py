"""One run, one truth: every output of the demo run states the same numbers.

The demo town is audited once through the command line (real Chromium), with the tester sessions that
sites.yaml registers for it; then every output is written and parsed — the CLI's closing line, report.json,
rapport.html, the remediation plan, the grid CSV, SARIF, JUnit, the pull-request summary, trends and the
declaration (HTML and Markdown) — and they must agree on the problems, the criteria counts, the rate and
the list of non-compliant criteria. A report regenerated from the stored run says the same as the run's
own. An unreachable site gives a failed run: exit 1, a failed summary, a gap in trends.
"""

from __future__ import annotations

import csv
import json
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from audit.cli import cli

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    result = _invoke("demo", "--runs-dir", str(runs), "-q")
    assert result.exit_code == 0, result.output
    folder = next(p for p in (runs / "ville-demo").iterdir() if p.is_dir())
    return {"runs": runs, "folder": folder, "output": result.output}


def _report(demo) -> dict:
    return json.loads((demo["folder"] / "reports" / "report.json").read_text(encoding="utf-8"))


def test_every_output_states_the_same_numbers(demo, tmp_path):
    runs, folder = str(demo["runs"]), demo["folder"]
    config = str(ROOT / "sites.yaml")
    report = _report(demo)
    totals, rates = report["totals"], report["rates"]
    problems, nc, nt = totals["problems"], rates["counts"]["NC"], rates["counts"]["NT"]
    nc_list = report["nc_criteria"]
    assert problems == totals["failed"] > 0
    assert len(nc_list) == nc == totals["nc_criteria"] > 0
    assert nt == totals["to_verify_criteria"]
    assert report["testers"]["sessions"] == 4  # registered in sites.yaml, used by every command
    assert report["provenance"]["overrides"] == []

    # the CLI's closing line
    line = next(s for s in demo["output"].splitlines() if s.startswith("ville-demo :"))
    assert f" {problems} problème" in line, line
    assert f"{nc} non conformes, {nt} à vérifier" in line, line

    # the HTML report
    html = (folder / "reports" / "rapport.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", etree.HTML(html).xpath("string(//body)"))
    assert re.search(rf"\b{problems}\s+problèmes?\b", text), "the HTML report does not say the problems"

    # the remediation plan: one issue per defect, each with its problems
    plan = json.loads((folder / "reports" / "remediation.json").read_text(encoding="utf-8"))
    issues = plan["issues"] if isinstance(plan, dict) else plan
    assert len(issues) == totals["issues"]
    assert sum(i["problems"] for i in issues if i.get("source") != "tester" or True) >= 1

    # the grid CSV: the sample's column
    with (folder / "reports" / "grille.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    sample_col = rows[0].index("Échantillon")
    rolled = [r[sample_col] for r in rows[1:] if r]
    assert rolled.count("NC") == nc and rolled.count("NT") == nt
    assert [r[1] for r in rows[1:] if r and r[sample_col] == "NC"] == nc_list

    # SARIF and JUnit, written from the same stored run
    out = tmp_path / "ci"
    result = _invoke("report", str(folder), "--runs-dir", runs, "--config", config, "--format", "sarif",
                     "--format", "junit", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    fails = [r for r in sarif["runs"][0]["results"] if r["kind"] == "fail"]
    assert len(fails) == problems
    junit = etree.parse(str(out / "junit.xml"))
    elements = sum(int(re.search(r"\((\d+) élément", f.get("message")).group(1)) for f in junit.iter("failure"))
    assert elements == problems

    # regenerated from the store: the same content, timestamps aside
    again = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("totals", "rates", "nc_criteria", "broken_links", "grid"):
        assert again[key] == report[key], key
    for mine, theirs in zip(report["issues"], again["issues"], strict=True):
        assert mine == theirs, {k: (mine[k], theirs.get(k)) for k in mine if mine[k] != theirs.get(k)}

    # the pull-request summary (the site's first run: everything is new)
    result = _invoke("summary", str(folder), "--runs-dir", runs, "--config", config, "--fail-on", "none")
    assert result.exit_code == 0, result.output
    assert f"| **{problems}** |" in result.output
    assert f"({nt} critères à vérifier)" in result.output or f"({nt} critère à vérifier)" in result.output

    # trends
    result = _invoke("trends", "ville-demo", "--runs-dir", runs, "--config", config)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()
    row = next(s for s in last if re.match(r"^\d{4}-\d\d-\d\d|^\d", s))
    cells = row.split()
    assert str(problems) in cells and str(nc) in cells, row

    # the declaration: the same NC criteria, none of them « to verify »
    decl_dir = tmp_path / "decl"
    result = _invoke("declare", "ville-demo", "--runs-dir", runs, "--config", config, "--out", str(decl_dir))
    assert result.exit_code == 0, result.output
    assert f"Non-conformités : {nc} critères." in result.output
    md = (decl_dir / "declaration.md").read_text(encoding="utf-8")
    section = md.split("### Non conformité", 1)[1].split("\n### ", 1)[0]
    assert re.findall(r"\(critère (\d{1,2}\.\d{1,2}),", section) == nc_list
    to_verify = next(s for s in result.output.splitlines() if "restent à vérifier" in s)
    assert not set(re.findall(r"\b\d{1,2}\.\d{1,2}\b", to_verify.split(":", 1)[1])) & set(nc_list)
    declaration_html = (decl_dir / "declaration.html").read_text(encoding="utf-8")
    for cid in nc_list:
        assert cid in declaration_html


def test_a_page_answering_404_is_a_broken_link_not_a_page(demo):
    report = _report(demo)
    broken = report["broken_links"]
    assert broken, "the demo links to a missing page: it must be reported as a broken link"
    for link in broken:
        assert link["status"] and link["status"] >= 400
        assert link["linked_from"], link
        assert link["url"] not in {p["url"] for p in report["pages"]}
    assert report["totals"]["broken_links"] == len(broken)


def test_one_problem_is_counted_once_however_many_detectors_report_it(demo):
    report = _report(demo)
    several = [f for p in report["pages"] for f in p["findings"] if f.get("also")]
    assert several, "axe and our checks agree on some demo elements: they must be one problem"
    assert report["totals"]["reported_by_several"] >= 1
    for page in report["pages"]:
        shown = [f for f in page["findings"] if f["outcome"] == "failed"]
        assert page["problems"] == len(shown)
    assert sum(p["problems"] for p in report["pages"]) == report["totals"]["problems"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_site_is_a_failed_run(demo, tmp_path):
    runs = str(demo["runs"])
    config = tmp_path / "sites.yaml"
    text = (ROOT / "sites.yaml").read_text(encoding="utf-8")
    text = re.sub(r"base_url: \S+", f"base_url: http://127.0.0.1:{_closed_port()}", text, count=1)
    text = text.replace("[user_test_protocols/sessions]", f"[{ROOT / 'user_test_protocols' / 'sessions'}]")
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "ville-demo", "--config", str(config), "--runs-dir", runs, "-q",
                                      "--max-pages", "3"])
    assert result.exit_code == 1, result.output
    result = _invoke("summary", "ville-demo", "--runs-dir", runs, "--config", str(config))
    assert result.exit_code == 1
    assert "Audit échoué" in result.output
    assert "Aucune nouvelle" not in result.output
    result = _invoke("trends", "ville-demo", "--runs-dir", runs, "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "audit échoué" in result.output
    rows = [s for s in result.output.splitlines() if "audit échoué" in s and s[:1].isdigit()]
    assert rows and " 0 " not in rows[0], rows

"""The proof mode's verdict at the end of `run` / `demo --verify-reuse` (audit/cli.py ``_finish``): a difference
between the reused and the whole-page answers is a defect of the tool, said on stderr with its lines, and the
command exits 1 once the reports are written, whatever the findings' own exit code would have been."""

from __future__ import annotations

import json

import pytest
from test_baseline import IMG, make_run

from audit import cli
from audit.store import Store

DIFFERENCE = {"url": "http://127.0.0.1:5/contact.html", "group": "violations", "rule": "link-name",
              "node": "footer a:nth-of-type(2)", "only_in": "reuse"}


def _run(tmp_path, differences: list[dict]):
    store = Store(tmp_path / "runs")
    run = make_run(store, "http://127.0.0.1:5", {"/": [IMG], "/contact.html": []})
    store.update_meta(run.id, parts={"pages": 2, "parts": 4, "reused": 2, "learnt": 2, "verified": True,
                                     "differences": len(differences)}, parts_differences=differences)
    return store, store.run(run.id)


def _finish(store, run, verify: bool, fail_on: str) -> int:
    try:
        cli._finish(store, [run], ("json",), "fr", fail_on, True, verify_reuse=verify)
    except SystemExit as exit:
        return exit.code
    return 0


def test_a_difference_found_by_the_proof_exits_1_after_the_reports(tmp_path, capsys):
    store, run = _run(tmp_path, [DIFFERENCE])
    # the critical image failure alone would exit 2 with --fail-on critical: the proof's 1 wins
    assert _finish(store, run, verify=True, fail_on="critical") == 1
    err = capsys.readouterr().err
    assert "différences avec l'audit de chaque page en entier : 1" in err
    assert json.dumps(DIFFERENCE, ensure_ascii=False) in err  # the difference itself, to report it
    assert "diffère de l'audit complet pour ville : code de sortie 1" in err
    assert list(run.folder.glob("*.json")), "the reports are written before the exit"
    # and with no threshold at all (findings alone exit 0), the difference still exits 1
    assert _finish(store, run, verify=True, fail_on="none") == 1


def test_no_difference_leaves_the_exit_code_to_the_findings(tmp_path, capsys):
    store, run = _run(tmp_path, [])
    assert _finish(store, run, verify=True, fail_on="critical") == 2
    err = capsys.readouterr().err
    assert "différences avec l'audit de chaque page en entier : 0" in err and "code de sortie 1" not in err
    assert _finish(store, run, verify=True, fail_on="none") == 0


@pytest.mark.parametrize("differences", [[], [DIFFERENCE]])
def test_without_the_proof_mode_nothing_is_said_about_reuse(tmp_path, capsys, differences):
    store, run = _run(tmp_path, differences)
    assert _finish(store, run, verify=False, fail_on="critical") == 2
    assert "partagée" not in capsys.readouterr().err

"""The ready-made CI files of docs/ci/: valid YAML, the expected shape, and every `a11y-audit` command they run
parses with the real click CLI (same options, same choices) — so the docs cannot drift from the tool."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from audit.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs" / "ci"
GITHUB = DOCS / "github-actions.yml"
GITLAB = DOCS / "gitlab-ci.yml"
OPERATORS = {"||", "&&", ";", "|", "&", ">", ">>", "<", "2>", "(", ")"}


def _expand(text: str, variables: dict[str, str]) -> str:
    """Replace GitHub expressions and shell variables with the values the CI file gives them."""
    text = re.sub(r"\$\{\{[^}]*\}\}", "X", text)
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: variables.get(m.group(1), "X"), text)


def commands(script: str, variables: dict[str, str]) -> list[list[str]]:
    """The argument lists of every `a11y-audit …` (or `.venv/bin/a11y-audit …`) call in a shell script."""
    found = []
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lexer = shlex.shlex(_expand(line, variables), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        for i, token in enumerate(tokens):
            if token == "a11y-audit" or token.endswith("/a11y-audit"):
                args = []
                for arg in tokens[i + 1:]:
                    if arg in OPERATORS:
                        break
                    args.append(arg)
                found.append(args)
    return found


def parse(args: list[str]) -> click.Context:
    """Parse like `a11y-audit ARGS` would, down to the sub-command, without running anything."""
    ctx = cli.make_context("a11y-audit", list(args))
    command: click.Command = cli
    while isinstance(command, click.Group):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None, f"no command {name!r}"
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return ctx


def _github():
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    variables = {k: str(v) for k, v in (data.get("env") or {}).items()}
    scripts = []
    for job in data["jobs"].values():
        variables.update({k: str(v) for k, v in (job.get("env") or {}).items()})
        for step in job["steps"]:
            if "run" in step:
                scripts.append(step["run"])
    return data, triggers, variables, scripts


def _gitlab():
    data = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    job = data["a11y-audit"]
    variables = {k: str(v) for k, v in (job.get("variables") or {}).items()}
    scripts = [*job.get("before_script", []), *job["script"]]
    return job, variables, "\n".join(scripts)


def _all_commands() -> list[tuple[str, list[str]]]:
    _, _, variables, scripts = _github()
    out = [("github-actions.yml", args) for s in scripts for args in commands(s, variables)]
    _, gl_vars, gl_script = _gitlab()
    out += [("gitlab-ci.yml", args) for args in commands(gl_script, gl_vars)]
    return out


def test_extraction_reads_shell_lines():
    script = 'status=0\n.venv/bin/a11y-audit run "$S" --fail-on "$F" -q || status=$?\n# a11y-audit comment\n'
    assert commands(script, {"S": "ville", "F": "serious"}) == [["run", "ville", "--fail-on", "serious", "-q"]]
    assert commands("a11y-audit report x --out \\\n  dir && echo ok", {}) == [["report", "x", "--out", "dir"]]


def test_github_workflow_shape():
    data, triggers, variables, scripts = _github()
    assert triggers["schedule"][0]["cron"] and "pull_request" in triggers
    job = data["jobs"]["audit"]
    assert job["permissions"]["security-events"] == "write"
    uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == "runs"
    assert "github.head_ref || github.ref_name" in restore["with"]["key"]  # keyed by branch
    assert uses["actions/upload-artifact"]["with"]["path"] == "a11y-reports/"
    assert uses["github/codeql-action/upload-sarif"]["with"]["sarif_file"] == "a11y-reports/report.sarif"
    text = "\n".join(scripts)
    assert "apt-get install" in text and "chromium" in text and "make setup" in text
    assert variables["A11Y_FAIL_ON"] in ("critical", "serious", "moderate", "minor", "none")


def test_gitlab_job_shape():
    job, variables, script = _gitlab()
    assert any("schedule" in rule["if"] for rule in job["rules"])
    assert any("runs/" in cache["paths"] for cache in job["cache"])
    assert job["artifacts"]["reports"]["junit"] == "a11y-reports/junit.xml"
    assert job["artifacts"]["when"] == "always"
    assert "apt-get install" in script and "chromium" in script and "make setup" in script


def test_ci_files_run_the_expected_commands():
    seen = {}
    for where, args in _all_commands():
        seen.setdefault(where, set()).add(args[0] if args else "")
        if args and args[0] == "run":
            assert "--baseline" in args, (where, args)
    for where in ("github-actions.yml", "gitlab-ci.yml"):
        assert {"run", "report", "summary", "trends"} <= seen[where], (where, seen[where])


@pytest.mark.parametrize("where,args", _all_commands(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_every_documented_command_parses_with_the_real_cli(where, args):
    problem = None
    try:
        parse(args)
    except click.UsageError as exc:
        problem = exc.format_message()
    if problem:
        pytest.fail(f"docs/ci/{where}: `a11y-audit {' '.join(args)}` does not parse: {problem}", pytrace=False)

"""What the command line says: French by default, English on request (--lang-cli en or A11Y_AUDIT_LANG=en),
click's usage errors included, and never exit 2 (findings) for a usage error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from audit import config, wording
from audit.cli import cli
from audit.model import Impact

ROOT = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch):
    monkeypatch.delenv(wording.ENV, raising=False)
    wording.use(None)
    yield
    wording.use(None)


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), prog_name="a11y-audit", env=env)


# --- the texts themselves ---------------------------------------------------------------------------------------

def test_every_text_has_both_languages_with_the_same_placeholders():
    for key, versions in wording.TEXTS.items():
        assert set(versions) == set(wording.LANGS), key
        assert all(v.strip() for v in versions.values()), key
        assert wording.placeholders(versions["fr"]) == wording.placeholders(versions["en"]), key


def test_placeholders_are_read_with_their_conversion_and_escaped_braces():
    assert wording.placeholders("{file}: {value!r} {{name, path}} {n:>3}") == {"file", "value", "n"}


def _used_keys() -> set[str]:
    used: set[str] = set()
    for module in ("cli.py", "config.py"):
        source = (ROOT / "audit" / module).read_text(encoding="utf-8")
        used |= set(re.findall(r"""wording\.text\(\s*["']([a-z0-9_]+)["']""", source))
        # keys chosen by an expression: key = "a" if … else "b"; wording.text(key, …)
        used |= set(re.findall(r"""["']((?:usage|cfg|no|new|findings|grid)_[a-z0-9_]+)["']""", source)) & set(
            wording.TEXTS)
        if "wording.text(f\"impact_{k}\"" in source:
            used |= {f"impact_{i.value}" for i in Impact} | {"impact_none"}
    return used


def test_every_key_the_code_says_exists_and_every_text_is_said_somewhere():
    used = _used_keys()
    assert used - set(wording.TEXTS) == set()
    assert set(wording.TEXTS) - used == set()


def test_a_placeholder_left_unfilled_is_an_error_not_a_silent_brace():
    with pytest.raises(KeyError):
        wording.text("unknown_site", site="x")


def test_language_order_option_then_environment_then_french(monkeypatch):
    assert wording.language() == "fr"
    monkeypatch.setenv(wording.ENV, "EN")
    assert wording.language() == "en"
    monkeypatch.setenv(wording.ENV, "de")
    assert wording.language() == "fr"
    wording.use("en")
    monkeypatch.setenv(wording.ENV, "fr")
    assert wording.language() == "en"
    with pytest.raises(ValueError):
        wording.use("de")


def test_config_errors_follow_the_language_and_keep_their_file_line_prefix():
    text = "sites:\n  - id: ville\n    base_url: www.example.org\n"
    with pytest.raises(config.ConfigError) as fr:
        config.parse(text)
    assert str(fr.value) == "sites.yaml:3: sites[0].base_url: doit être une adresse http(s) complète, pas « www.example.org »"
    wording.use("en")
    with pytest.raises(config.ConfigError) as en:
        config.parse(text)
    assert str(en.value) == "sites.yaml:3: sites[0].base_url: must be an absolute http(s) URL, got 'www.example.org'"


# --- the commands' messages -----------------------------------------------------------------------------------------

def test_french_by_default(tmp_path):
    result = invoke("run", "--config", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.output == (f"a11y-audit : erreur : {tmp_path / 'nope.yaml'}: fichier introuvable. Créez-le (voir le "
                             "README) ou indiquez --config CHEMIN.\n")


def test_english_with_the_option_or_the_environment(tmp_path):
    missing = tmp_path / "nope.yaml"
    expected = f"a11y-audit: error: {missing}: file not found. Create it (see the README) or pass --config PATH.\n"
    by_option = invoke("--lang-cli", "en", "run", "--config", str(missing))
    assert (by_option.exit_code, by_option.output) == (1, expected)
    by_env = invoke("run", "--config", str(missing), env={wording.ENV: "en"})
    assert (by_env.exit_code, by_env.output) == (1, expected)
    # the option wins over the environment, and one call's choice does not stay for the next one
    overridden = invoke("--lang-cli", "fr", "run", "--config", str(missing), env={wording.ENV: "en"})
    assert overridden.output.startswith("a11y-audit : erreur : ")
    again = invoke("run", "--config", str(missing))
    assert again.output.startswith("a11y-audit : erreur : ")
    invoke("--lang-cli", "en", "run", "--config", str(missing))
    assert wording.chosen() is None and wording.language() == "fr"  # nor for the code that called it


def test_the_reports_lang_does_not_choose_the_messages_language(tmp_path):
    result = invoke("trends", "ville", "--lang", "en", "--runs-dir", str(tmp_path / "runs"))
    assert result.exit_code == 1
    assert result.output == (f"a11y-audit : erreur : aucun audit terminé du site « ville » dans {tmp_path / 'runs'} ; "
                             "lancez-en un avec `a11y-audit run`.\n")


def test_validate_prints_in_the_chosen_language():
    sites = str(ROOT / "sites.yaml")
    fr = invoke("validate", "--config", sites)
    assert fr.exit_code == 0, fr.output
    assert fr.output.endswith(f"{sites} : OK\n") and "page(s) d'exemple" in fr.output
    en = invoke("--lang-cli", "en", "validate", "--config", sites)
    assert en.output.endswith(f"{sites}: OK\n") and "sample pages" in en.output


def test_unknown_site_lists_the_known_ones():
    result = invoke("run", "nowhere", "--config", str(ROOT / "sites.yaml"))
    assert result.exit_code == 1
    assert result.output == (f"a11y-audit : erreur : site inconnu « nowhere » dans {ROOT / 'sites.yaml'} ; sites "
                             "connus : ville-demo.\n")


# --- click's usage errors -------------------------------------------------------------------------------------------

USAGE_ERRORS = [
    (["run", "--nope"], "option inconnue « --nope ».", "no such option '--nope'.", "a11y-audit run"),
    (["run", "--no-screenshot"], "option inconnue « --no-screenshot ». Vouliez-vous dire « --no-screenshots » ?",
     "no such option '--no-screenshot'. Did you mean '--no-screenshots'?", "a11y-audit run"),
    (["frob"], "commande inconnue « frob ».", "no such command 'frob'.", "a11y-audit"),
    (["reprot"], "commande inconnue « reprot ». Vouliez-vous dire « report » ?",
     "no such command 'reprot'. Did you mean 'report'?", "a11y-audit"),
    (["report"], "il manque l'argument « RUN ».", "missing argument 'RUN'.", "a11y-audit report"),
    (["grid", "export", "x"], "il manque l'option « --csv ».", "missing option '--csv'.", "a11y-audit grid export"),
    (["run", "--fail-on", "x"],
     "valeur « x » invalide pour « --fail-on » ; valeurs possibles : critical, serious, moderate, minor, none.",
     "invalid value 'x' for '--fail-on'; possible values: critical, serious, moderate, minor, none.",
     "a11y-audit run"),
    (["run", "--max-pages", "0"], "valeur « 0 » invalide pour « --max-pages » : un nombre entier ≥ 1 attendu.",
     "invalid value '0' for '--max-pages': a whole number ≥ 1 expected.", "a11y-audit run"),
    (["selenium-grid", "--port", "70000"],
     "valeur « 70000 » invalide pour « --port » : un nombre entier entre 1 et 65535 attendu.",
     "invalid value '70000' for '--port': a whole number from 1 to 65535 expected.", "a11y-audit selenium-grid"),
    (["grid", "import", "absent.csv", "--run", "x"], "« CSV_FILE » : « absent.csv » n'existe pas.",
     "'CSV_FILE': 'absent.csv' does not exist.", "a11y-audit grid import"),
    (["check", "a", "b"], "argument(s) en trop : b.", "unexpected argument(s): b.", "a11y-audit check"),
    (["run", "--max-pages"], "l'option « --max-pages » attend une valeur.", "option '--max-pages' needs a value.",
     None),
    (["grid", "export", "--lang-cli", "en"], "--lang-cli se place avant la commande : a11y-audit --lang-cli en "
     "grid export …", "--lang-cli goes before the command: a11y-audit --lang-cli en grid export …",
     "a11y-audit grid export"),
    (["run", "--slots", "2"], "--slots demande --grid (c'est le nombre de sessions sur une grille Selenium).",
     "--slots needs --grid (the number of sessions on a Selenium Grid).", "a11y-audit run"),
]


@pytest.mark.parametrize(("args", "french", "english", "command"), USAGE_ERRORS)
def test_usage_errors_are_said_in_french_and_exit_1(args, french, english, command):
    fr = invoke(*args)
    assert fr.exit_code == 1, fr.output
    lines = fr.output.splitlines()
    assert lines[0] == f"a11y-audit : erreur : {french}"
    assert lines[1:] == ([f"Essayez « {command} --help » pour l'aide."] if command else [])
    en = invoke("--lang-cli", "en", *args)
    assert en.exit_code == 1, en.output
    assert en.output.splitlines()[0] == f"a11y-audit: error: {english}"
    assert "Traceback" not in fr.output + en.output


def test_an_unknown_language_is_a_usage_error():
    result = invoke("--lang-cli", "de", "validate")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "a11y-audit : erreur : valeur « de » invalide pour « --lang-cli » ; " \
                                            "valeurs possibles : fr, en."


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


@pytest.mark.parametrize("path", sorted(_commands(cli)), ids=" ".join)
def test_no_usage_error_of_any_command_exits_2(path):
    """Exit 2 means findings at or above --fail-on: CI would read a mistyped option as a failed audit."""
    for args in ([*path, "--nope"], [*path, "--lang-cli", "en"]):
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "Error:" not in result.output and "Traceback" not in result.output


def test_a_bare_group_shows_its_help_and_exits_1():
    result = invoke("grid")
    assert result.exit_code == 1
    assert "export" in result.output and "import" in result.output


def test_help_and_version_still_exit_0():
    assert invoke("--help").exit_code == 0
    assert "--lang-cli" in invoke("--help").output and wording.ENV in invoke("--help").output
    assert invoke("--version").exit_code == 0


def test_the_installed_entry_point_says_it_too(tmp_path):
    """The real process, through main(): French usage error, exit 1; English from the environment."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    fr = subprocess.run([sys.executable, "-m", "audit", "run", "--nope"], capture_output=True, text=True,
                        cwd=tmp_path, env=env, timeout=60)
    assert fr.returncode == 1
    assert fr.stderr == "a11y-audit : erreur : option inconnue « --nope ».\nEssayez « a11y-audit run --help » pour l'aide.\n"
    en = subprocess.run([sys.executable, "-m", "audit", "run"], capture_output=True, text=True, cwd=tmp_path,
                        env={**env, wording.ENV: "en"}, timeout=60)
    assert en.returncode == 1
    assert en.stderr == ("a11y-audit: error: sites.yaml: file not found. Create it (see the README) or pass "
                         "--config PATH.\n")

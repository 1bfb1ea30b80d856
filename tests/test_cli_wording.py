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

from audit import config, standards, words
from audit.cli import cli
from audit.store import Store, StoreError

ROOT = Path(__file__).parents[1]


pytestmark = pytest.mark.usefixtures("french_messages")


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), prog_name="a11y-audit", env=env)


def test_config_errors_follow_the_language_and_keep_their_file_line_prefix():
    text = "sites:\n  - id: ville\n    base_url: www.example.org\n"
    with pytest.raises(config.ConfigError) as fr:
        config.parse(text)
    assert str(fr.value) == "sites.yaml:3: sites[0].base_url: doit être une adresse http(s) complète, pas « www.example.org »"
    words.use("en")
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
    by_env = invoke("run", "--config", str(missing), env={words.ENV: "en"})
    assert (by_env.exit_code, by_env.output) == (1, expected)
    # the option wins over the environment, and one call's choice does not stay for the next one
    overridden = invoke("--lang-cli", "fr", "run", "--config", str(missing), env={words.ENV: "en"})
    assert overridden.output.startswith("a11y-audit : erreur : ")
    again = invoke("run", "--config", str(missing))
    assert again.output.startswith("a11y-audit : erreur : ")
    invoke("--lang-cli", "en", "run", "--config", str(missing))
    assert words.chosen() is None and words.language() == "fr"  # nor for the code that called it


def test_the_reports_lang_does_not_choose_the_messages_language(tmp_path):
    result = invoke("trends", "ville", "--lang", "en", "--runs-dir", str(tmp_path / "runs"))
    assert result.exit_code == 1
    assert result.output == (f"a11y-audit : erreur : aucun audit terminé du site « ville » dans {tmp_path / 'runs'} ; "
                             "lancez-en un avec `a11y-audit run`.\n")


def test_validate_prints_in_the_chosen_language():
    sites = str(ROOT / "sites.yaml")
    fr = invoke("validate", "--config", sites)
    assert fr.exit_code == 0, fr.output
    assert fr.output.endswith(f"{sites} : OK\n") and "pages d'exemple" in fr.output
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
     "valeur « x » invalide pour « --fail-on » ; valeurs possibles : critique, grave, modérée, mineure, aucun.",
     "invalid value 'x' for '--fail-on'; possible values: critical, serious, moderate, minor, none.",
     "a11y-audit run"),
    (["run", "--max-pages", "0"], "valeur « 0 » invalide pour « --max-pages » : un nombre entier ≥ 1 attendu.",
     "invalid value '0' for '--max-pages': a whole number ≥ 1 expected.", "a11y-audit run"),
    (["selenium-grid", "--port", "70000"],
     "valeur « 70000 » invalide pour « --port » : un nombre entier entre 1 et 65535 attendu.",
     "invalid value '70000' for '--port': a whole number from 1 to 65535 expected.", "a11y-audit selenium-grid"),
    (["grid", "import", "absent.csv", "--run", "x"], "« CSV_FILE » : « absent.csv » n'existe pas.",
     "'CSV_FILE': 'absent.csv' does not exist.", "a11y-audit grid import"),
    (["check", "a", "b"], "argument en trop : b.", "unexpected extra argument: b.", "a11y-audit check"),
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
    assert "--lang-cli" in invoke("--help").output and words.ENV in invoke("--help").output
    assert invoke("--version").exit_code == 0


def test_the_installed_entry_point_says_it_too(tmp_path):
    """The real process, through main(): French usage error, exit 1; English from the environment."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    fr = subprocess.run([sys.executable, "-m", "audit", "run", "--nope"], capture_output=True, text=True,
                        cwd=tmp_path, env=env, timeout=60)
    assert fr.returncode == 1
    assert fr.stderr == "a11y-audit : erreur : option inconnue « --nope ».\nEssayez « a11y-audit run --help » pour l'aide.\n"
    en = subprocess.run([sys.executable, "-m", "audit", "run"], capture_output=True, text=True, cwd=tmp_path,
                        env={**env, words.ENV: "en"}, timeout=60)
    assert en.returncode == 1
    assert en.stderr == ("a11y-audit: error: sites.yaml: file not found. Create it (see the README) or pass "
                         "--config PATH.\n")


# --- the errors of the other modules (runs folder, baselines, auditor's files, samples, axe-core, Chromium) -----

def test_an_unknown_run_is_said_in_the_chosen_language(tmp_path):
    runs = tmp_path / "runs"
    fr = invoke("report", "nope", "--runs-dir", str(runs))
    assert fr.exit_code == 1
    assert fr.output == (f"a11y-audit : erreur : aucun audit « nope » dans {runs}. Aucun audit n'y est enregistré : "
                         "lancez-en un avec `a11y-audit run`.\n")
    en = invoke("--lang-cli", "en", "report", "nope", "--runs-dir", str(runs))
    assert en.exit_code == 1
    assert en.output == (f"a11y-audit: error: no run 'nope' in {runs}. No run is stored yet: start one with "
                         "`a11y-audit run`.\n")
    with Store(runs) as store:
        run_id = store.create_run("ville", "http://x", {}).id
    fr = invoke("report", "ville/nope", "--runs-dir", str(runs))
    assert fr.output == (f"a11y-audit : erreur : aucun audit « ville/nope » dans {runs}. Donnez l'identifiant d'un "
                         "audit (site/horodatage), son dossier, un identifiant de site ou latest ; audits récents : "
                         f"{run_id}.\n")
    en = invoke("report", "ville/nope", "--runs-dir", str(runs), env={words.ENV: "en"})
    assert en.output == (f"a11y-audit: error: no run 'ville/nope' in {runs}. Give a run id (site/stamp), its folder, "
                         f"a site id or latest; recent runs: {run_id}.\n")


def test_a_broken_baseline_file_is_said_in_the_chosen_language(tmp_path):
    broken = tmp_path / "reference.json"
    broken.write_text("{ not json", encoding="utf-8")
    args = ("run", "--config", str(ROOT / "sites.yaml"), "--baseline", str(broken), "--runs-dir", str(tmp_path))
    fr = invoke(*args)
    assert fr.exit_code == 1
    assert fr.output == (f"a11y-audit : erreur : {broken}:1: JSON invalide (Expecting property name enclosed in "
                         "double quotes, colonne 3) ; corrigez le fichier ou écrivez-le à nouveau avec "
                         "`a11y-audit baseline accept`\n")
    en = invoke("--lang-cli", "en", *args)
    assert en.exit_code == 1
    assert en.output == (f"a11y-audit: error: {broken}:1: not valid JSON (Expecting property name enclosed in double "
                         "quotes, column 3); fix the file or write it again with `a11y-audit baseline accept`\n")
    assert not list(tmp_path.glob("*/*/run.json"))  # refused before any audit started


def _raised(call, kind) -> str:
    with pytest.raises(kind) as info:
        call()
    return str(info.value)


def _module_errors(tmp_path: Path, monkeypatch) -> list:
    """(what raises, exception type, French, English) for one error of each module."""
    from audit import auditor, baseline, browser, capture, catalogue, sample

    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "a11y-audit.sqlite").write_bytes(b"not a database " * 100)
    pinned = tmp_path / "s.yaml"
    pinned.write_text("sample:\n  - {name: A, path: /}\n  - {name: B, path: /}\n", encoding="utf-8")
    absent = tmp_path / "absent"
    monkeypatch.setenv("A11Y_AUDIT_AXE", str(absent / "axe.min.js"))
    db = garbage / "a11y-audit.sqlite"
    return [
        (lambda: Store(garbage), StoreError,
         f"{db} n'est pas une base d'audits lisible (file is not a database) : déplacez ce fichier, ou indiquez un "
         "autre dossier des audits avec --runs-dir.",
         f"{db} is not a readable runs database (file is not a database): move that file away, or give another runs "
         "folder with --runs-dir."),
        (lambda: baseline.loads('{"format": "autre", "entries": []}', "b.json"), baseline.BaselineError,
         "b.json: ce n'est pas un fichier de référence d'a11y-audit (un objet avec \"format\": "
         f"\"{baseline.FORMAT}\" est attendu) ; écrivez-en un avec `a11y-audit baseline accept RUN --out b.json`",
         f"b.json: not an a11y-audit baseline (expected an object with \"format\": \"{baseline.FORMAT}\"); write one "
         "with `a11y-audit baseline accept RUN --out b.json`"),
        (lambda: auditor.parse_yaml('auditor: A\nverdicts:\n  - page: /\n    criteria:\n      "1.1": OK\n', "a.yaml"),
         auditor.AuditorError,
         "a.yaml:5: verdicts[0].criteria.1.1: le statut doit être C, NC, NA ou NT, pas « OK »",
         "a.yaml:5: verdicts[0].criteria.1.1: status must be C, NC, NA or NT, got 'OK'"),
        (lambda: auditor.load(tmp_path / "grille.ods"), auditor.AuditorError,
         f"{tmp_path / 'grille.ods'}: fichier introuvable. Donnez le fichier YAML de l'auditeur ou la grille CSV.",
         f"{tmp_path / 'grille.ods'}: file not found. Give the auditor's YAML file or the grid CSV."),
        (lambda: sample.load_pinned(pinned), sample.SampleError,
         f"{pinned}:3: sample[1].path: « / » est déjà dans l'échantillon (ligne 2)",
         f"{pinned}:3: sample[1].path: '/' is already in the sample (line 2)"),
        (lambda: catalogue.axe_catalogue(absent / "axe.js"), catalogue.CatalogueError,
         f"{absent / 'axe.js'}: lecture d'axe-core impossible : [Errno 2] No such file or directory: "
         f"'{absent / 'axe.js'}'",
         f"{absent / 'axe.js'}: cannot read axe-core: [Errno 2] No such file or directory: '{absent / 'axe.js'}'"),
        (lambda: browser.find_chromium(str(absent / "chromium")), browser.BrowserError,
         f"Chromium introuvable à « {absent / 'chromium'} » (donné par la configuration (chromium:)) : indiquez un "
         "exécutable de Chromium ou de Chrome.",
         f"Chromium not found at '{absent / 'chromium'}' (from the configuration (chromium:)). Point it to an "
         "executable Chromium or Chrome binary."),
        (browser.axe_script_path, browser.BrowserError,
         f"axe-core introuvable : {absent / 'axe.min.js'} n'existe pas. Lancez `npm ci` dans {capture.REPO_ROOT} (il "
         "installe la version fixée dans package.json), ou indiquez un fichier axe.min.js avec A11Y_AUDIT_AXE.",
         f"axe-core not found at {absent / 'axe.min.js'}. Run `npm ci` in {capture.REPO_ROOT} (it installs the "
         "version pinned in package.json), or set A11Y_AUDIT_AXE to an axe.min.js file."),
    ]


def test_the_other_modules_errors_are_french_by_default_and_english_on_request(tmp_path, monkeypatch):
    cases = _module_errors(tmp_path, monkeypatch)
    assert [_raised(call, kind) for call, kind, _, _ in cases] == [french for _, _, french, _ in cases]
    words.use("en")
    assert [_raised(call, kind) for call, kind, _, _ in cases] == [english for _, _, _, english in cases]


def test_a_runs_folder_that_cannot_be_opened_says_so(tmp_path):
    (tmp_path / "a11y-audit.sqlite").mkdir()  # a folder where the database should be
    message = _raised(lambda: Store(tmp_path), StoreError)
    assert message.startswith(f"impossible d'ouvrir la base d'audits {tmp_path / 'a11y-audit.sqlite'} (")
    assert message.endswith("sinon indiquez un autre dossier avec --runs-dir.")


def test_a_runs_database_held_by_another_process_says_to_wait(tmp_path, monkeypatch):
    import sqlite3

    from audit import store

    db = tmp_path / store.DB_NAME
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")  # another process writing, in the rollback journal mode of older stores
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 1.0)
    try:
        assert _raised(lambda: Store(tmp_path), StoreError) == (
            f"la base d'audits {db} est restée occupée par un autre processus pendant 1 s : attendez la fin de "
            "l'autre audit, ou indiquez un autre dossier avec --runs-dir.")
        words.use("en")
        assert _raised(lambda: Store(tmp_path), StoreError).startswith(f"the runs database {db} stayed busy with ")
    finally:
        other.rollback()
        other.close()
    Store(tmp_path).close()  # once the other process is done, the folder opens


def test_chromium_that_does_not_start_is_said_in_the_chosen_language(tmp_path):
    import asyncio

    from audit.browser import Browser, BrowserError

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    for lang, start in (("fr", f"Chromium ({fake}) n'a pas démarré : "), ("en", f"Chromium at {fake} did not start: ")):
        words.use(lang)
        message = _raised(lambda: asyncio.run(Browser(str(fake)).start()), BrowserError)
        assert message.startswith(start) and "\n" not in message, message


def test_the_reason_for_no_rates_follows_the_command_line_and_stays_french_for_the_declaration():
    from audit.scoring import GridPage, Status, Verdict, build_grid, compute_rates, rates_reason

    home = GridPage(key="/", url="https://ville.example/", name="Accueil", ref="/")
    verdicts = {("/", c): Verdict(page="/", criterion=c, status=Status.NT if c in ("1.1", "2.1") else Status.NA,
                                  auditor="Test") for c in standards.CRITERIA}
    to_verify = build_grid([home], [], verdicts, conclusive_checks=frozenset())
    all_na = build_grid([home], [], {k: Verdict(page="/", criterion=k[1], status=Status.NA, auditor="Test")
                                     for k in verdicts}, conclusive_checks=frozenset())
    empty = build_grid([], [], conclusive_checks=frozenset())
    french = ["Taux non calculable : 2 critères à vérifier (2 cases de la grille).",
              "Taux non calculable : aucun critère applicable sur l'échantillon.",
              "Aucune page dans l'échantillon : aucun audit."]
    english = ["Rates not computable: 2 criteria to verify (2 cells of the grid).",
               "Rates not computable: no applicable criterion on the sample.", "No page in the sample: no audit."]
    grids = (to_verify, all_na, empty)
    assert [rates_reason(compute_rates(g)) for g in grids] == french
    words.use("en")
    rates = [compute_rates(g) for g in grids]
    assert [rates_reason(r) for r in rates] == english
    assert [r.reason for r in rates] == french  # what the French declaration prints
    assert [rates_reason(r, "fr") for r in rates] == french


@pytest.mark.parametrize("lang, expected", [
    (None, "a11y-audit : erreur : {db} n'est pas une base d'audits lisible"),
    ("en", "a11y-audit: error: {db} is not a readable runs database"),
])
def test_a_runs_folder_holding_something_else_is_the_users_error_not_ours(tmp_path, lang, expected):
    """A file that is not SQLite where the runs database goes: a user's error (exit 1, what to do), never the
    'internal error, a bug of a11y-audit' line."""
    db = tmp_path / "a11y-audit.sqlite"
    db.write_text("pas une base", encoding="utf-8")
    args = (["--lang-cli", lang] if lang else []) + ["report", "latest", "--runs-dir", str(tmp_path)]
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.output.startswith(expected.format(db=db)), result.output
    assert "interne" not in result.output and "internal" not in result.output


def test_an_internal_error_is_said_in_the_language_of_the_call(tmp_path, monkeypatch):
    from audit import cli as cli_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("boum")

    monkeypatch.setattr(cli_module, "_store", broken)
    result = invoke("--lang-cli", "en", "report", "latest", "--runs-dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("a11y-audit: internal error: RuntimeError: boum. This is a bug"), result.output


@pytest.mark.parametrize("lang, expected", [
    ("fr", "adresse de grille Selenium invalide : 'ftp://hub'. Donnez l'adresse du hub"),
    ("en", "invalid Selenium Grid address: 'ftp://hub'. Give the hub's address"),
])
def test_selenium_grid_errors_follow_the_language(lang, expected):
    from audit import webdriver

    words.use(lang)
    with pytest.raises(webdriver.GridError) as refused:
        webdriver.grid_status("ftp://hub")
    assert str(refused.value).startswith(expected)


# --- --help ------------------------------------------------------------------------------------------------------

def _commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def _help_texts() -> set[str]:
    """Every help the CLI carries (French in the code): commands, options, click's own --help and --version."""
    texts = set()
    for path, command in _commands():
        ctx = click.Context(command, info_name=path[-1] if path else "a11y-audit")
        for thing in (command, *command.get_params(ctx)):
            if getattr(thing, "help", None):
                texts.add(" ".join(thing.help.split()))
    return texts


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_every_help_text_has_its_english():
    from audit.cli import _CLICK_HELP

    texts = {_CLICK_HELP.get(text, text) for text in _help_texts()}
    assert texts and all(words.gettext(french, "en") != french for french in texts), [
        french for french in texts if words.gettext(french, "en") == french][:5]


@pytest.mark.parametrize("path", [path for path, _ in _commands()], ids=lambda p: " ".join(p) or "a11y-audit")
def test_help_is_french_by_default_and_english_on_request(path):
    """Every command's --help: French by default (its text, its options, click's frame), English with
    --lang-cli en; no sentence of the other language in either."""
    command = dict(_commands())[path]
    fr, en = invoke(*path, "--help"), invoke("--lang-cli", "en", *path, "--help")
    assert fr.exit_code == 0 and en.exit_code == 0, (fr.output, en.output)
    assert fr.output.startswith("Utilisation\u00a0: a11y-audit") and en.output.startswith("Usage: a11y-audit")
    assert "Options\u00a0:" in fr.output and "Afficher cette aide et quitter." in fr.output
    assert "Show this message and exit." in en.output
    if isinstance(command, click.Group):
        assert "\nCommandes\u00a0:\n" in fr.output and "\nCommands:\n" in en.output
    ctx = click.Context(command, info_name="x")
    for thing in (command, *command.get_params(ctx)):
        if not getattr(thing, "help", None) or getattr(thing, "hidden", False):
            continue
        from audit.cli import _CLICK_HELP

        french = " ".join(thing.help.split())
        french = _CLICK_HELP.get(french, french)
        english = words.gettext(french, "en")
        assert _flat(french)[:40] in _flat(fr.output) and english[:40] not in _flat(fr.output), english
        assert english[:40] in _flat(en.output) and _flat(french)[:40] not in _flat(en.output), english


def test_the_brackets_after_an_option_help_follow_the_language():
    fr = _flat(invoke("grid", "import", "--help").output)
    en = _flat(invoke("--lang-cli", "en", "grid", "import", "--help").output)
    assert "[obligatoire]" in fr and "[par défaut : sites.yaml]" in fr and "default:" not in fr
    assert "[required]" in en and "[default: sites.yaml]" in en
    top = _flat(invoke("--help").output)
    assert f"[variable d'environnement : {words.ENV}]" in top
    assert f"[env var: {words.ENV}]" in _flat(invoke("--lang-cli", "en", "--help").output)


def test_a_wrapped_french_help_never_starts_a_line_with_a_colon_or_semicolon():
    for path, _ in _commands():
        for line in invoke(*path, "--help").output.splitlines():
            assert not re.match(r"\s*[:;»]", line), (path, line)


def test_the_list_of_commands_shows_the_french_short_help():
    out = _flat(invoke("--help").output)
    assert "run Auditer les SITES de la configuration" in out and "validate Vérifier le fichier des sites" in out


def test_the_progress_line_names_a_journey_step_beside_its_url(capsys):
    """A step's URL can come twice in a run (crawled, then as a journey step): its name tells them apart."""
    from audit.cli import _progress
    from audit.model import PageKind, PageSnapshot

    progress = _progress(quiet=False)
    progress.site, progress.done, progress.known = "ville-demo", 2, 20
    url = "http://127.0.0.1:8000/demarches/cantine/etape-1"
    progress.update(PageSnapshot(key=url, url=url, kind=PageKind.HTML))
    progress.update(PageSnapshot(key="journey:cantine:4", url=url, kind=PageKind.HTML, name="Cantine — étape 1",
                                 error="délai dépassé"))
    crawled, step = capsys.readouterr().err.splitlines()
    assert crawled == f"[ville-demo] 2/20 pages, 0 en erreur — {url} : ok"
    assert step == f"[ville-demo] 2/20 pages, 0 en erreur — « Cantine — étape 1 » {url} : ERREUR délai dépassé"


@pytest.mark.parametrize("error, french, english", [
    ("Page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/", "connexion refusée (net::ERR_CONNECTION_REFUSED)",
     "connection refused (net::ERR_CONNECTION_REFUSED)"),
    ("Page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x/", "certificat HTTPS refusé (net::ERR_CERT_AUTHORITY_INVALID)",
     "HTTPS certificate refused (net::ERR_CERT_AUTHORITY_INVALID)"),
    ("timeout: the page took longer than 10 s (navigation and checks)",
     "délai de la page dépassé (timeout: the page took longer than 10 s (navigation and checks))",
     "the page's time limit ran out (timeout: the page took longer than 10 s (navigation and checks))"),
    ("HTTP 500 Internal Server Error: page not audited", "le serveur a répondu par une erreur : page non auditée (HTTP 500",
     "the server answered with an error: page not audited (HTTP 500"),
    ("the page navigated away by itself (to /x)", "the page navigated away by itself (to /x)",
     "the page navigated away by itself (to /x)"),  # not known: given as it is
])
def test_a_page_error_is_said_in_words_then_its_technical_text(error, french, english):
    assert words.page_error(error).startswith(french)
    assert words.page_error(error, lang="en").startswith(english)


def test_fail_on_takes_french_and_english_impacts_and_says_them_in_the_language(tmp_path):
    from audit.cli import _Threshold

    kind = _Threshold()
    assert [kind.convert(v, None, None) for v in ("grave", "Critique", "modérée", "moderee", "aucun", "serious")] == [
        "serious", "critical", "moderate", "moderate", "none", "serious"]
    french = CliRunner().invoke(cli, ["run", "--help"]).output
    assert "[critique|grave|modérée|mineure|aucun]" in french and "défaut\u00a0: grave" in french
    english = CliRunner().invoke(cli, ["--lang-cli", "en", "run", "--help"]).output
    assert "[critical|serious|moderate|minor|none]" in english and "default: serious" in " ".join(english.split())


def test_yaml_syntax_errors_are_said_in_the_language_with_file_and_line(tmp_path):
    bad = tmp_path / "sites.yaml"
    bad.write_text("sites:\n  - id: a\n    name: b: c\n", encoding="utf-8")
    french = CliRunner().invoke(cli, ["validate", "--config", str(bad)])
    assert french.exit_code == 1 and f"{bad}:3: YAML invalide : deux-points inattendu" in french.output
    english = CliRunner().invoke(cli, ["--lang-cli", "en", "validate", "--config", str(bad)])
    assert f"{bad}:3: invalid YAML: unexpected colon" in english.output and "deux-points" not in english.output
    bad.write_text("sites:\n\t- id: a\n", encoding="utf-8")
    assert "tabulation interdite" in CliRunner().invoke(cli, ["validate", "--config", str(bad)]).output

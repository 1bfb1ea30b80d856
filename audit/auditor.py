"""An auditor's verdicts and the register of dérogations, from a YAML file or a grid CSV.

The YAML file (every error is one line ``file:line: path: message``)::

    site: ville-demo
    auditor: Cabinet Exemple — Jeanne Dupont
    date: 2026-11-20
    rgaa: "4.1.2"                     # the RGAA version audited against (else the run's is declared)
    environments:                     # optional, the assistive technologies and browsers used
      - NVDA 2024.4 et Firefox 133 (Windows 11)
    tools:                            # optional, the tools of the manual part, listed in the declaration
      - Colour Contrast Analyser 3.5
    verdicts:
      - page: /                       # URL path, sample page name, or journey:<id>:<step>
        criteria:
          "1.1": C                    # C, NC, NA or NT
          "1.3": {status: NC, comment: La photo du pont a pour alternative son nom de fichier.}
        others: NA                    # optional: the status of every criterion not listed for this page
    derogations:                      # dérogations pour charge disproportionnée: per content, never per criterion
      - content: Plan interactif du centre-ville
        justification: Refonte prévue en 2027 avec le nouveau fournisseur.
        alternative: Les adresses des lieux sont listées sur la page Vie pratique.
        pages: [/vie-pratique/]       # optional
    exempt:                           # contenus non soumis à l'obligation d'accessibilité
      - content: Comptes rendus du conseil municipal antérieurs à 2018 (PDF)
        reason: Documents bureautiques publiés avant le 23 septembre 2018.

Quote criterion ids ("1.10"): unquoted, YAML would read 1.10 as the number 1.1 — this reader keeps the
text as written, so both work, but quoting is clearer. The grid CSV (see ``audit.reports.grid``) gives
verdicts only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from audit import reader, standards, words
from audit.address import normalise, site_path
from audit.scoring import GridPage, Status, Verdict


class AuditorError(Exception):
    """A mistake in an auditor's file, phrased as ``file:line: path: message``."""


@dataclass(frozen=True, slots=True)
class Derogation:
    content: str
    justification: str
    alternative: str
    pages: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True, slots=True)
class Exemption:
    content: str
    reason: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class AuditorFile:
    path: str
    auditor: str = ""
    date: str | None = None  # ISO date of the audit
    site: str | None = None
    rgaa: str = ""  # the RGAA version audited against, as the file says it ("" when it does not)
    environments: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()  # the tools of the manual part (screen readers, contrast checkers …)
    verdicts: tuple[Verdict, ...] = ()
    derogations: tuple[Derogation, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    kind: str = "yaml"  # yaml | csv
    extra: dict[str, Any] = field(default_factory=dict)


_STATUS_WORDS = {
    "c": Status.C, "conforme": Status.C, "compliant": Status.C,
    "nc": Status.NC, "non conforme": Status.NC, "non-conforme": Status.NC, "non-compliant": Status.NC,
    "na": Status.NA, "n/a": Status.NA, "non applicable": Status.NA, "not applicable": Status.NA,
    "nt": Status.NT, "non testé": Status.NT, "non teste": Status.NT, "à vérifier": Status.NT,
    "a verifier": Status.NT, "not tested": Status.NT, "": Status.NT,
}


def parse_status(value: Any) -> Status | None:
    """C / NC / NA / NT (or the words), case-insensitive; None when it is none of them."""
    if value is None:
        return Status.NT
    text = str(value).strip().lower()
    return _STATUS_WORDS.get(text)


def check_criterion(value: str) -> str | None:
    """The criterion id if RGAA has it, else None."""
    text = str(value).strip()
    return text if text in standards.CRITERIA else None


# --- YAML with lines: audit.reader, errors as AuditorError --------------------------------------


_Node = reader.Node


class _Reader(reader.Reader):
    failure = AuditorError


def _status(reader: _Reader, node: _Node, path: str) -> tuple[Status, str]:
    comment = ""
    value = node.value
    if isinstance(value, dict):
        sub = _Reader(reader.file, node, path)
        raw = sub.get("status")
        comment = sub.text("comment")
        sub.done()
        if raw is None:
            raise reader.error(words.text("demande un statut : C, NC, NA ou NT"), node, path)
        node, value = raw, raw.value
    if value is None or not isinstance(value, str) or parse_status(value) is None or not value.strip():
        raise reader.error(words.text("le statut doit être C, NC, NA ou NT, pas « {value} »", value=value if isinstance(value, str) else ""), node, path)
    return parse_status(value), comment


def _iso_date(reader: _Reader, key: str) -> str | None:
    text = reader.text(key)
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise reader.error(words.text("doit être une date écrite AAAA-MM-JJ, pas « {value} »", value=text), reader.get(key), reader._p(key)) from None


def parse_yaml(text: str, path: str = "auditeur.yaml") -> AuditorFile:
    converted = reader.compose(text, path, AuditorError)
    if converted is None:
        raise AuditorError(f"{path}:1: " + words.text("le fichier est vide ; voyez l'exemple dans la documentation de audit/auditor.py (site, auditor, date, verdicts)"))
    top = _Reader(path, converted, "")
    site = top.text("site") or None
    auditor = top.text("auditor", required=True)
    when = _iso_date(top, "date")
    rgaa = top.text("rgaa")
    if rgaa and not re.fullmatch(r"\d+(\.\d+){0,2}", rgaa):
        raise top.error(words.text("doit être une version du RGAA comme 4.1.2, pas « {value} »", value=rgaa), top.get("rgaa"), "rgaa")
    environments = top.texts("environments")
    tools = top.texts("tools")

    verdicts: list[Verdict] = []
    seen: dict[tuple[str, str], str] = {}
    raw_verdicts = top.get("verdicts")
    items = [] if raw_verdicts is None or raw_verdicts.value is None else raw_verdicts.value
    if not isinstance(items, list):
        raise top.error(words.text("doit être une liste de {{page, criteria}}"), raw_verdicts, "verdicts")
    for i, item in enumerate(items):
        vpath = f"verdicts[{i}]"
        r = _Reader(path, item, vpath)
        page = r.text("page", required=True)
        crit_node = r.get("criteria")
        others_node = r.get("others")
        r.done()
        listed: set[str] = set()
        if crit_node is not None and crit_node.value is not None:
            if not isinstance(crit_node.value, dict):
                raise r.error(words.text("doit être une suite de lignes « critère: statut »"), crit_node, f"{vpath}.criteria")
            for key, (key_node, value_node) in crit_node.value.items():
                cpath = f"{vpath}.criteria.{key}"
                criterion = check_criterion(key)
                if criterion is None:
                    raise r.error(words.text("critère inconnu « {criterion} » : le RGAA {version} les numérote thème.critère, de 1.1 à 13.12", criterion=key,
                                               version=standards.RGAA_VERSION), key_node, cpath)
                status, comment = _status(r, value_node, cpath)
                where = f"{path}:{key_node.line}"
                ident = (normalise_ref(page), criterion)
                if ident in seen:
                    raise r.error(words.text("le critère {criterion} est donné deux fois pour la page « {page} » (aussi en {where})", criterion=criterion, page=page,
                                               where=seen[ident]), key_node, cpath)
                seen[ident] = where
                listed.add(criterion)
                verdicts.append(Verdict(page=page, criterion=criterion, status=status, comment=comment,
                                        where=where, auditor=auditor))
        if others_node is not None:
            status, comment = _status(r, others_node, f"{vpath}.others")
            for criterion in standards.CRITERIA:
                ident = (normalise_ref(page), criterion)
                if criterion in listed or ident in seen:
                    continue
                seen[ident] = f"{path}:{others_node.line}"
                verdicts.append(Verdict(page=page, criterion=criterion, status=status, comment=comment,
                                        where=f"{path}:{others_node.line}", auditor=auditor))
        elif crit_node is None or not crit_node.value:
            raise r.error(words.text("demande `criteria` (critère: statut) ou `others` (un statut pour tous les autres critères)"), item, vpath)

    derogations = []
    raw = top.get("derogations")
    for i, item in enumerate(_list(top, raw, "derogations")):
        dpath = f"derogations[{i}]"
        r = _Reader(path, item, dpath)
        for forbidden in ("criterion", "criteria", "critere", "criteres"):
            if forbidden in item.value:
                raise r.error(words.text("une dérogation porte sur un contenu (une carte, une vidéo, un document…), jamais sur un critère : décrivez le contenu dans `content` et retirez cette clé"), item.value[forbidden][0],
                              f"{dpath}.{forbidden}")
        derogations.append(Derogation(content=r.text("content", required=True),
                                      justification=r.text("justification", required=True),
                                      alternative=r.text("alternative", required=True),
                                      pages=r.texts("pages"), where=f"{path}:{item.line}"))
        r.done()

    exemptions = []
    raw = top.get("exempt")
    for i, item in enumerate(_list(top, raw, "exempt")):
        r = _Reader(path, item, f"exempt[{i}]")
        exemptions.append(Exemption(content=r.text("content", required=True), reason=r.text("reason", required=True),
                                    where=f"{path}:{item.line}"))
        r.done()
    top.done()
    return AuditorFile(path=path, auditor=auditor, date=when, site=site, rgaa=rgaa, environments=environments,
                       tools=tools,
                       verdicts=tuple(verdicts), derogations=tuple(derogations), exemptions=tuple(exemptions))


def _list(top: _Reader, node: _Node | None, key: str) -> list[_Node]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        raise top.error(words.text("doit être une liste"), node, key)
    return node.value


def load(path: str | Path, auditor: str = "", when: str | None = None) -> AuditorFile:
    """An auditor's file: YAML (``.yaml``/``.yml``) or a grid CSV (``.csv``, see audit.reports.grid)."""
    p = Path(path)
    if when:
        try:
            when = date.fromisoformat(when).isoformat()
        except ValueError:
            raise AuditorError(words.text("la date de l'audit s'écrit AAAA-MM-JJ, pas « {value} »", value=when)) from None
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise AuditorError(f"{p}: " + words.text("fichier introuvable. Donnez le fichier YAML de l'auditeur ou la grille CSV.")) from None
    except OSError as exc:
        raise AuditorError(f"{p}: " + words.text("lecture impossible : {error}.", error=exc.strerror)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuditorError(f"{p}: " + words.text("ce n'est pas du texte UTF-8 ({reason} à l'octet {start}). Enregistrez-le en UTF-8.", reason=exc.reason, start=exc.start)) from None
    if p.suffix.lower() in (".csv", ".tsv", ".txt"):
        return parse_csv(text, str(path), auditor=auditor, when=when)
    if p.suffix.lower() not in (".yaml", ".yml"):
        raise AuditorError(f"{p}: " + words.text("type de fichier inconnu : donnez un fichier d'auditeur .yaml ou une grille .csv."))
    return parse_yaml(text, str(path))


# --- pages ------------------------------------------------------------------------------------


def normalise_ref(ref: str) -> str:
    """How a page reference compares: a full URL becomes its path; case, accents and spaces folded."""
    text = ref.strip()
    if re.match(r"^https?://", text, re.I):
        text = site_path(text)
    return normalise(text)


def page_index(pages: Sequence[GridPage]) -> dict[str, str]:
    """Every way a file may name a page (ref, URL path, name) → its page key."""
    index: dict[str, str] = {}
    for page in pages:
        for ref in (page.ref, page.key, site_path(page.url) if page.journey is None else None, page.name):
            if ref:
                index.setdefault(normalise_ref(ref), page.key)
    return index


def resolve(audit: AuditorFile, pages: Sequence[GridPage]) -> dict[tuple[str, str], Verdict]:
    """Verdicts keyed by (page key, criterion); a page the grid lacks is an error with its file:line."""
    index = page_index(pages)
    out: dict[tuple[str, str], Verdict] = {}
    for verdict in audit.verdicts:
        key = index.get(normalise_ref(verdict.page))
        if key is None:
            known = ", ".join(p.ref for p in pages[:12]) + (" …" if len(pages) > 12 else "")
            raise AuditorError(f"{verdict.where}: " + words.text("la page « {page} » n'est pas dans l'échantillon de cet audit ; nommez-la par son chemin d'adresse, son nom dans l'échantillon ou sa clé de parcours ({known})", page=verdict.page,
                                                                   known=known))
        out[(key, verdict.criterion)] = verdict
    return out


def verdicts_to_yaml(verdicts: Iterable[Verdict], auditor: str, when: str | None, site: str | None,
                     pages: Mapping[str, str] | None = None) -> str:
    """Write verdicts as the auditor YAML file (used by ``grid import --yaml``)."""
    by_page: dict[str, dict[str, Any]] = {}
    for v in verdicts:
        page = (pages or {}).get(v.page, v.page)
        value: Any = v.status.value if not v.comment else {"status": v.status.value, "comment": v.comment}
        by_page.setdefault(page, {})[v.criterion] = value
    data: dict[str, Any] = {}
    if site:
        data["site"] = site
    data["auditor"] = auditor or words.text("à compléter")
    if when:
        data["date"] = when
    data["verdicts"] = [{"page": page, "criteria": crits} for page, crits in by_page.items()]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)


# --- the grid CSV (the layout audit.reports.grid writes) ------------------------------------------

FIXED = {
    "thématique": "theme", "thematique": "theme", "theme": "theme",
    "critère": "criterion", "critere": "criterion", "criterion": "criterion", "n°": "criterion",
    "intitulé": "title", "intitule": "title", "title": "title",
    "niveau": "level", "level": "level",
    "échantillon": "sample", "echantillon": "sample", "sample": "sample",
    "commentaire": "comment", "commentaires": "comment", "comment": "comment",
}
_REF = re.compile(r"^(?P<name>.*?)\s*\((?P<ref>[^()]*)\)\s*$")

def _plain(value: str) -> str:
    value = value.strip()
    return value[1:] if value.startswith("'") and len(value) > 1 and value[1] in "=+-@" else value


def _dialect(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def parse_csv(text: str, path: str = "grille.csv", auditor: str = "", when: str | None = None) -> AuditorFile:
    """Verdicts from a grid CSV. Errors say ``file:line: column: message``."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise AuditorError(f"{path}:1: " + words.text("le fichier est vide ; exportez une grille avec `a11y-audit grid export RUN --csv FICHIER` et remplissez-la"))
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text.splitlines()[0]))
    rows = list(reader)
    head = [_plain(h) for h in rows[0]]
    roles = [FIXED.get(h.strip().lower()) for h in head]
    if "criterion" not in roles:
        raise AuditorError(f"{path}:1: " + words.text("pas de colonne « Critère » : la première ligne nomme les colonnes (Critère, puis une colonne par page)"))
    crit_col = roles.index("criterion")
    comment_col = roles.index("comment") if "comment" in roles else None
    page_cols = [(i, h) for i, (h, role) in enumerate(zip(head, roles, strict=True)) if role is None and h.strip()]
    if not page_cols:
        raise AuditorError(f"{path}:1: " + words.text("pas de colonne de page : après les colonnes du critère, mettez une colonne par page, titrée du chemin de son adresse ou de son nom"))
    refs = []
    seen_refs: dict[str, int] = {}
    for i, h in page_cols:
        m = _REF.match(h)
        ref = (m.group("ref") if m and m.group("ref").strip() else h).strip()
        if ref in seen_refs:
            raise AuditorError(f"{path}:1: " + words.text("colonne {column} : la page « {page} » a deux colonnes (aussi la colonne {other})", column=i + 1, page=ref,
                                                            other=seen_refs[ref] + 1))
        seen_refs[ref] = i
        refs.append((i, ref))
    verdicts: list[Verdict] = []
    seen: set[str] = set()
    # csv.reader's line numbers: re-read to know where each row starts
    line_of = _row_lines(text, reader.dialect.delimiter)
    for n, row in enumerate(rows[1:], start=1):
        line = line_of[n] if n < len(line_of) else n + 1
        if not any(c.strip() for c in row):
            continue
        raw_crit = _plain(row[crit_col]) if crit_col < len(row) else ""
        criterion = check_criterion(raw_crit)
        if criterion is None:
            raise AuditorError(f"{path}:{line}: " + words.text("Critère") + ": " + words.text("critère inconnu « {criterion} » : le RGAA {version} les numérote thème.critère, de 1.1 à 13.12", criterion=raw_crit, version=standards.RGAA_VERSION))
        if criterion in seen:
            raise AuditorError(f"{path}:{line}: " + words.text("Critère") + ": "
                               + words.text("le critère {criterion} a deux lignes", criterion=criterion))
        seen.add(criterion)
        comment = _plain(row[comment_col]) if comment_col is not None and comment_col < len(row) else ""
        for i, ref in refs:
            value = _plain(row[i]) if i < len(row) else ""
            status = parse_status(value)
            if status is None:
                raise AuditorError(f"{path}:{line}: " + words.text("colonne « {column} » : critère {criterion} : la valeur doit être C, NC, NA ou NT (vide = NT), pas « {value} »", column=head[i],
                                                                     criterion=criterion, value=value))
            verdicts.append(Verdict(page=ref, criterion=criterion, status=status, comment=comment,
                                    where=f"{path}:{line}", auditor=auditor))
    missing = [c for c in standards.CRITERIA if c not in seen]
    extra = {"missing_criteria": missing} if missing else {}
    return AuditorFile(path=path, auditor=auditor, date=when, verdicts=tuple(verdicts), kind="csv", extra=extra)


def _row_lines(text: str, delimiter: str) -> list[int]:
    """The line where each CSV row starts (quoted cells may span lines)."""
    starts = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    previous = 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts

"""The audit grid as CSV, in the layout of the official grid: one row a criterion, one column a page.

Export::

    Thématique;Critère;Intitulé;Niveau;Échantillon;Accueil (/);Contact (/contact.html);…
    Images;1.1;Images porteuses d'information : alternative présente;A;NC;C;NC;…

A page column is headed ``name (reference)``, the reference being the URL path or the journey key
(``journey:<id>:<step>``); a header without parentheses is read as a reference or a page name. Values
are C, NC, NA or NT (an empty cell is NT). The file is UTF-8 with a BOM and ``;`` separators, which a
French spreadsheet opens as it is; import also reads ``,`` and tab separators. Cells starting with
``= + - @`` are written with a leading apostrophe so a spreadsheet never runs them as formulas.

Export then import gives the same grid (``tests/test_auditor.py``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from audit import standards, wording
from audit.auditor import AuditorError, AuditorFile, check_criterion, parse_status
from audit.reports import visible_controls
from audit.scoring import Grid, Status, Verdict

FIXED = {
    "thématique": "theme", "thematique": "theme", "theme": "theme",
    "critère": "criterion", "critere": "criterion", "criterion": "criterion", "n°": "criterion",
    "intitulé": "title", "intitule": "title", "title": "title",
    "niveau": "level", "level": "level",
    "échantillon": "sample", "echantillon": "sample", "sample": "sample",
    "commentaire": "comment", "commentaires": "comment", "comment": "comment",
}
_REF = re.compile(r"^(?P<name>.*?)\s*\((?P<ref>[^()]*)\)\s*$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A spreadsheet must never run a cell as a formula (those cells get a leading apostrophe) nor apply a
    bidi control from a page (written out)."""
    value = visible_controls(value)
    return "'" + value if value and value.startswith(_FORMULA) else value


def _plain(value: str) -> str:
    value = value.strip()
    return value[1:] if value.startswith("'") and len(value) > 1 and value[1] in "=+-@" else value


def header(page) -> str:
    return f"{page.name} ({page.ref})" if page.name and page.name != page.ref else page.ref


def to_csv(grid: Grid, lang: str = "fr", delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    fixed = (["Thématique", "Critère", "Intitulé", "Niveau", "Échantillon"] if lang == "fr" else
             ["Theme", "Criterion", "Title", "Level", "Sample"])
    writer.writerow([*fixed, *(neutralise(header(p)) for p in grid.pages)])
    for cid in grid.criteria:
        crit = standards.CRITERIA[cid]
        theme = standards.THEMES[crit.theme]
        writer.writerow([theme.title if lang == "fr" else theme.title_en, cid,
                         neutralise(crit.title if lang == "fr" else crit.title_en), crit.level,
                         grid.rollup(cid).value, *(grid.cell(p.key, cid).status.value for p in grid.pages)])
    return out.getvalue()


def write(grid: Grid, path: str | Path, lang: str = "fr") -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(to_csv(grid, lang), encoding="utf-8-sig", newline="")
    return p


def _dialect(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def parse_csv(text: str, path: str = "grille.csv", auditor: str = "", when: str | None = None) -> AuditorFile:
    """Verdicts from a grid CSV. Errors say ``file:line: column: message``."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise AuditorError(f"{path}:1: " + wording.text("grid_csv_empty"))
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text.splitlines()[0]))
    rows = list(reader)
    head = [_plain(h) for h in rows[0]]
    roles = [FIXED.get(h.strip().lower()) for h in head]
    if "criterion" not in roles:
        raise AuditorError(f"{path}:1: " + wording.text("grid_csv_no_criterion_column"))
    crit_col = roles.index("criterion")
    comment_col = roles.index("comment") if "comment" in roles else None
    page_cols = [(i, h) for i, (h, role) in enumerate(zip(head, roles, strict=True)) if role is None and h.strip()]
    if not page_cols:
        raise AuditorError(f"{path}:1: " + wording.text("grid_csv_no_page_column"))
    refs = []
    seen_refs: dict[str, int] = {}
    for i, h in page_cols:
        m = _REF.match(h)
        ref = (m.group("ref") if m and m.group("ref").strip() else h).strip()
        if ref in seen_refs:
            raise AuditorError(f"{path}:1: " + wording.text("grid_csv_page_twice", column=i + 1, page=ref,
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
            raise AuditorError(f"{path}:{line}: Critère: " + wording.text(
                "auditor_unknown_criterion", criterion=raw_crit, version=standards.RGAA_VERSION))
        if criterion in seen:
            raise AuditorError(f"{path}:{line}: Critère: "
                               + wording.text("grid_csv_criterion_twice", criterion=criterion))
        seen.add(criterion)
        comment = _plain(row[comment_col]) if comment_col is not None and comment_col < len(row) else ""
        for i, ref in refs:
            value = _plain(row[i]) if i < len(row) else ""
            status = parse_status(value)
            if status is None:
                raise AuditorError(f"{path}:{line}: " + wording.text("grid_csv_bad_value", column=head[i],
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


def statuses(grid: Grid) -> dict[tuple[str, str], Status]:
    """The grid as plain statuses (what a round trip must keep)."""
    return {key: cell.status for key, cell in grid.cells.items()}

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
from pathlib import Path

from audit import standards, words
from audit.reports import visible_controls
from audit.scoring import Grid, Status
from audit.words import N_

# the fixed columns (audit.auditor reads them in French and in English)
_HEAD = (N_("Thématique"), N_("Critère"), N_("Intitulé"), N_("Niveau"), N_("Échantillon"))
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A spreadsheet must never run a cell as a formula (those cells get a leading apostrophe) nor apply a
    bidi control from a page (written out)."""
    value = visible_controls(value)
    return "'" + value if value and value.startswith(_FORMULA) else value


def header(page) -> str:
    return f"{page.name} ({page.ref})" if page.name and page.name != page.ref else page.ref


def to_csv(grid: Grid, lang: str = "fr", delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    fixed = [words.gettext(head, lang) for head in _HEAD]
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


def statuses(grid: Grid) -> dict[tuple[str, str], Status]:
    """The grid as plain statuses (what a round trip must keep)."""
    return {key: cell.status for key, cell in grid.cells.items()}

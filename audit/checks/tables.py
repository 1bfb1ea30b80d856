"""RGAA theme 5, tableaux: data tables and layout tables.

A ``<table>`` is read as a *layout* table when it has ``role="presentation"`` (or ``none``), as a *data*
table when it has ``role="table"``/``grid`` or any data-table markup (``th``, ``caption``, ``thead``,
``tfoot``, a non-empty ``summary``, ``scope``/``headers`` on cells, header roles), else as *unknown*: a
grid of ``td`` only, which a person must classify (data table: it needs ``th``; layout table: it needs
``role="presentation"``). The table grid follows the HTML table model (``rowspan``/``colspan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from audit.checks import Evidence, Result, check, joined
from audit.checks.exposure import View, dom_of, norm, short, tag, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

MAX_SPAN = 1000
MAX_FINDINGS = 40
LAYOUT_ROLES = frozenset({"presentation", "none"})
DATA_ROLES = frozenset({"table", "grid", "treegrid"})
HEADER_ROLES = frozenset({"columnheader", "rowheader"})


class Kind(StrEnum):
    LAYOUT = "layout"
    DATA = "data"
    UNKNOWN = "unknown"
    OTHER = "other"  # a table given another role (heading, list…): not a table for assistive technologies


@dataclass(frozen=True, slots=True)
class Cell:
    element: object
    row: int
    col: int
    rowspan: int
    colspan: int

    @property
    def header(self) -> bool:
        role = _role(self.element)
        if role:
            return role in HEADER_ROLES
        return tag(self.element) == "th"

    def covers_col(self, col: int) -> bool:
        return self.col <= col < self.col + self.colspan

    def covers_row(self, row: int) -> bool:
        return self.row <= row < self.row + self.rowspan


@dataclass(frozen=True, slots=True)
class Table:
    element: object
    kind: Kind
    cells: tuple[Cell, ...]
    rows: int
    markers: tuple[str, ...]


def _role(el) -> str:
    role = (el.get("role") or "").strip().lower().split()
    return role[0] if role else ""


def _span(value: str | None, default: int = 1) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return min(max(number, 0), MAX_SPAN) or default


def _rows(table) -> list:
    rows = []
    for child in table:
        t = tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if tag(r) == "tr")
    return rows


def build(table, v: View) -> Table:
    rows = _rows(table)
    occupied: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if tag(cell) not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            if cell.get("rowspan", "").strip() == "0":
                rowspan = max(1, len(rows) - r)
            colspan = _span(cell.get("colspan"))
            for i in range(rowspan):
                for j in range(colspan):
                    occupied.add((r + i, c + j))
            cells.append(Cell(cell, r, c, rowspan, colspan))
            c += colspan
    markers = []
    if any(c.header for c in cells if v.rendered(c.element)):
        markers.append("th")
    for child in table:
        t = tag(child)
        if t == "caption" and norm(child.text_content()):
            markers.append("caption")
        if t in ("thead", "tfoot"):
            markers.append(t)
    if norm(table.get("summary")):
        markers.append("summary")
    for cell in cells:
        for attr in ("scope", "headers", "axis"):
            if cell.element.get(attr) is not None and f"@{attr}" not in markers:
                markers.append(f"@{attr}")
    role = _role(table)
    if role in LAYOUT_ROLES:
        kind = Kind.LAYOUT
    elif role and role not in DATA_ROLES:
        kind = Kind.OTHER
    elif role in DATA_ROLES or markers:
        kind = Kind.DATA
    else:
        kind = Kind.UNKNOWN
    return Table(table, kind, tuple(cells), len(rows), tuple(markers))


@lru_cache(maxsize=8)
def tables(root) -> tuple[Table, ...]:
    v = view(root)
    return tuple(build(el, v) for el in root.iter("table") if v.exposed(el))


def layout_suspicion(table: Table) -> str | None:
    """Why a table with data markup may really be a layout table (nested tables, forms, one big column):
    a msgid, a value of a Msg (« mais {why} »)."""
    el = table.element
    if any(t is not el for t in el.iter("table")):
        return N_("il contient un autre tableau")
    if any(True for _ in el.iter("form")):
        return N_("il contient un formulaire")
    cols = max((c.col + c.colspan for c in table.cells), default=0)
    long_cells = [c for c in table.cells if len(norm(c.element.text_content())) > 300]
    if cols <= 1 and long_cells:
        return N_("il n'a qu'une colonne, aux cellules très longues")
    return None


def _quoted(names: list[str]) -> Msg | str:
    """Names from the page, each between the reader's quotation marks, separated by commas (« a », « b »)."""
    return joined([Msg("« {name} »", name=name) for name in names])


def _preceding_title(table_el) -> str | None:
    """The heading right before the table (same parent or the wrapper's previous sibling), if any."""
    node = table_el
    for _ in range(2):
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            if tag(prev) in ("h1", "h2", "h3", "h4", "h5", "h6") or _role(prev) == "heading":
                return norm(prev.text_content())
            return None
        node = node.getparent()
        if node is None or tag(node) not in ("div", "section", "figure"):
            return None
    return None


# --- 5.3 and 5.8: layout tables ---------------------------------------------------------------------


@check(
    id="rgaa-5.3-layout-table",
    title=N_("Chaque tableau de mise en forme a role=\"presentation\" et reste compréhensible une fois linéarisé"),
    failure=N_("Un tableau de mise en forme n'est pas correctement signalé ou linéarisé"),
    description=N_("Un tableau utilisé pour la mise en page est lu cellule par cellule : il doit porter "
                   "role=\"presentation\" et son contenu doit rester compréhensible dans cet ordre. Un tableau "
                   "fait uniquement de cellules td peut aussi être un tableau de données sans en-têtes."),
    how_to_fix=N_("Pour la mise en page, préférez CSS (grid, flexbox) ; sinon ajoutez role=\"presentation\" au "
                  "tableau. S'il s'agit d'un tableau de données, balisez ses en-têtes avec th."),
    rgaa=("5.3.1",), wcag=("1.3.2",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Le contenu de ce tableau de mise en forme, lu cellule par cellule, reste-t-il compréhensible ?"),
)
def layout_table(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results = []
    for table in tables(root):
        if table.kind == Kind.LAYOUT:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=N_("Tableau de mise en forme (role=\"presentation\").")))
        elif table.kind == Kind.UNKNOWN and table.cells:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=N_("Tableau fait uniquement de cellules td, sans role=\"presentation\"."),
                                  question=N_("Ce tableau est-il un tableau de données (ses en-têtes doivent être des "
                                              "th) ou un tableau de mise en forme (il doit avoir "
                                              "role=\"presentation\" et rester compréhensible une fois "
                                              "linéarisé) ?")))
    return results[:MAX_FINDINGS]


@check(
    id="rgaa-5.8-layout-markup",
    title=N_("Les tableaux de mise en forme n'utilisent pas de balisage de tableau de données"),
    failure=N_("Un tableau de mise en forme utilise du balisage de tableau de données"),
    description=N_("Un tableau de mise en forme ne doit contenir ni th, caption, thead, tfoot, attribut summary, "
                   "ni cellules avec scope, headers ou axis, ni rôles d'en-tête : les technologies d'assistance le "
                   "présenteraient comme un tableau de données."),
    how_to_fix=N_("Dans un tableau de mise en forme, remplacez les th par des td, supprimez caption, thead, tfoot, "
                  "summary, scope et headers (les intertitres deviennent des titres h2…h6 si besoin)."),
    rgaa=("5.8.1",), wcag=("1.3.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Ce tableau est-il un tableau de données ou un tableau de mise en forme ? S'il sert à la mise en "
                "page, il ne doit contenir aucun élément propre aux tableaux de données."),
)
def layout_markup(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results, clean = [], 0
    for table in tables(root):
        if table.kind == Kind.LAYOUT:
            if table.markers:
                results.append(Result(Outcome.FAILED, element=table.element,
                                      message=Msg("Tableau de mise en forme (role=\"presentation\") avec : "
                                                  "{markers}.", markers=", ".join(table.markers))))
            else:
                clean += 1
        elif table.kind == Kind.DATA and _role(table.element) not in DATA_ROLES:
            why = layout_suspicion(table)
            if why:
                results.append(Result(Outcome.CANT_TELL, element=table.element,
                                      message=Msg("Tableau balisé comme tableau de données, mais {why}.",
                                                  why=Msg(why))))
    if not results and clean:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            clean, "{n} tableau de mise en forme sans balisage de tableau de données.",
            "{n} tableaux de mise en forme sans balisage de tableau de données.")))
    return results[:MAX_FINDINGS]


# --- 5.4: title of data tables ------------------------------------------------------------------------


@check(
    id="rgaa-5.4-table-title",
    title=N_("Le titre de chaque tableau de données lui est associé"),
    failure=N_("Le titre d'un tableau de données ne lui est pas associé"),
    description=N_("Un tableau de données qui a un titre doit le porter dans un élément caption (ou, à défaut, "
                   "aria-labelledby, aria-label ou title) : un titre placé juste avant, sans lien, n'est pas "
                   "annoncé avec le tableau."),
    how_to_fix=N_("Placez le titre du tableau dans un élément <caption>, premier enfant de <table>."),
    rgaa=("5.4.1",), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ce tableau de données a-t-il un titre (un texte qui le précède ou le suit et le nomme) ? Si oui, il "
                "doit lui être associé (caption, ou aria-labelledby)."),
)
def table_title(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results, titled = [], 0
    for table in tables(root):
        if table.kind != Kind.DATA:
            continue
        name = v.name(table.element)
        if name:
            titled += 1
            continue
        before = _preceding_title(table.element)
        if before:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=Msg("Tableau de données sans titre associé ; le titre « {title} » le "
                                              "précède.", title=short(before, 80)),
                                  question=Msg("« {title} » est-il le titre de ce tableau ? Si oui, il doit lui être "
                                               "associé (caption, ou aria-labelledby).", title=short(before, 80))))
        else:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=N_("Tableau de données sans caption, aria-label, aria-labelledby ni "
                                             "title.")))
    if not results and titled:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            titled, "{n} tableau de données avec un titre associé.",
            "{n} tableaux de données avec un titre associé.")))
    return results[:MAX_FINDINGS]


# --- 5.6 and 5.7: header cells ---------------------------------------------------------------------------


@check(
    id="rgaa-5.6-header-cells",
    title=N_("Les en-têtes des tableaux de données sont des cellules d'en-tête (th)"),
    failure=N_("Un tableau de données n'a pas de cellule d'en-tête"),
    description=N_("Les en-têtes de lignes et de colonnes d'un tableau de données doivent être des th (ou porter "
                   "role=\"columnheader\"/\"rowheader\") pour être annoncés avec chaque cellule."),
    how_to_fix=N_("Remplacez par des th les td qui servent d'en-têtes (première ligne, première colonne)."),
    rgaa=("5.6.1", "5.6.2"), wcag=("1.3.1",), impact=Impact.SERIOUS, evidence=("dom",),
    question=N_("Ce tableau de données a-t-il des en-têtes de lignes ou de colonnes ? Si oui, ils doivent être des "
                "th."),
)
def header_cells(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results, fine = [], 0
    for table in tables(root):
        if table.kind != Kind.DATA or not table.cells:
            continue
        if any(c.header for c in table.cells):
            fine += 1
            continue
        thead = next((c for c in table.element if tag(c) == "thead"), None)
        if thead is not None and any(tag(c) == "td" for c in thead.iter()):
            results.append(Result(Outcome.FAILED, element=table.element, rgaa_tests=("5.6.1",),
                                  message=N_("Les cellules de l'en-tête (thead) sont des td, pas des th.")))
        else:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=Msg("Tableau de données ({markers}) sans aucune cellule th.",
                                              markers=", ".join(table.markers or ("role",)))))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} tableau de données avec des cellules d'en-tête.",
            "{n} tableaux de données avec des cellules d'en-tête.")))
    return results[:MAX_FINDINGS]


def _data_tables_for_headers(root) -> list[Table]:
    return [t for t in tables(root) if t.kind in (Kind.DATA, Kind.UNKNOWN)]


@check(
    id="rgaa-5.7-headers-attr",
    title=N_("Les attributs headers des cellules désignent des en-têtes du même tableau"),
    failure=N_("Un attribut headers désigne un en-tête absent du tableau"),
    description=N_("L'attribut headers d'une cellule liste les id de ses en-têtes ; un id introuvable dans le "
                   "tableau (faute de frappe, en-tête supprimé) coupe la cellule de son en-tête."),
    how_to_fix=N_("Corrigez la valeur de headers pour qu'elle liste les id des th du même tableau."),
    rgaa=("5.7.4",), wcag=("1.3.1",), impact=Impact.SERIOUS, evidence=("dom",),
)
def headers_attr(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results, fine = [], 0
    for table in _data_tables_for_headers(root):
        ids = {c.element.get("id"): c.element for c in table.cells if c.element.get("id")}
        for cell in table.cells:
            value = cell.element.get("headers")
            if value is None or not value.split():
                continue
            bad = [ref for ref in value.split() if ids.get(ref) is None or ids[ref] is cell.element]
            if bad:
                results.append(Result(Outcome.FAILED, element=cell.element,
                                      message=Msg.plural(
                                          len(bad), "headers désigne {ids}, qui n'est pas une autre cellule de ce "
                                          "tableau.", "headers désigne {ids}, qui ne sont pas d'autres cellules de "
                                          "ce tableau.", ids=_quoted(bad))))
            else:
                fine += 1
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} cellule avec un attribut headers valide.", "{n} cellules avec un attribut headers valide.")))
    return results[:MAX_FINDINGS]


def _header_axes(table: Table) -> tuple[bool, bool, bool]:
    """(all headers in the first row, all in the first column, headers elsewhere too)."""
    headers = [c for c in table.cells if c.header]
    first_row = all(c.row == 0 for c in headers)
    first_col = all(c.col == 0 for c in headers)
    elsewhere = any(c.row != 0 and c.col != 0 for c in headers)
    return first_row, first_col, elsewhere


@check(
    id="rgaa-5.7-th-scope",
    title=N_("Les en-têtes des tableaux à double entrée ou complexes sont reliés à leurs cellules"),
    failure=N_("Un en-tête de tableau à double entrée n'est pas relié à ses cellules"),
    description=N_("Quand un tableau a des en-têtes à la fois en ligne et en colonne, chaque th doit porter scope "
                   "(row ou col), un id référencé par headers, ou un rôle columnheader/rowheader. Seuls les tableaux "
                   "à une seule ligne ou une seule colonne d'en-têtes peuvent s'en passer."),
    how_to_fix=N_("Ajoutez scope=\"col\" aux en-têtes de colonnes et scope=\"row\" aux en-têtes de lignes ; pour un "
                  "tableau complexe, donnez un id à chaque th et listez-les dans l'attribut headers des cellules."),
    rgaa=("5.7.1", "5.7.3"), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
    question=N_("Ces en-têtes s'appliquent-ils à toute leur ligne ou colonne (il leur faut scope) ou à une partie "
                "seulement (il leur faut un id, référencé par l'attribut headers des cellules) ?"),
)
def th_scope(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results, fine = [], 0
    for table in tables(root):
        if table.kind != Kind.DATA:
            continue
        headers = [c for c in table.cells if c.header and v.rendered(c.element)]
        if not headers:
            continue
        first_row, first_col, elsewhere = _header_axes(table)
        if first_row or first_col:
            fine += 1
            continue
        # An empty th (the top-left corner of a two-way table) heads nothing: it needs no scope
        loose = [c for c in headers if tag(c.element) == "th" and not c.element.get("scope")
                 and not c.element.get("id") and _role(c.element) not in HEADER_ROLES
                 and (norm(c.element.text_content()) or norm(c.element.get("aria-label"))
                      or norm(c.element.get("title")) or c.element.xpath(".//img[normalize-space(@alt)!='']"))]
        if not loose:
            fine += 1
            continue
        names = _quoted([short(norm(c.element.text_content()), 30) for c in loose[:5]])
        if not elsewhere:
            results.append(Result(Outcome.FAILED, element=table.element, rgaa_tests=("5.7.1",),
                                  message=Msg("Tableau à double entrée : {n} th sans scope, id ni rôle d'en-tête "
                                              "({names}).", n=len(loose), names=names)))
        else:
            results.append(Result(Outcome.CANT_TELL, element=table.element,
                                  message=Msg("Tableau complexe : {n} th sans scope ni id ({names}).",
                                              n=len(loose), names=names)))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} tableau de données aux en-têtes reliés.", "{n} tableaux de données aux en-têtes reliés.")))
    return results[:MAX_FINDINGS]


@check(
    id="rgaa-5.7-scope-value",
    title=N_("Les attributs scope des en-têtes ont une valeur valide"),
    failure=N_("Un attribut scope a une valeur invalide"),
    description=N_("scope vaut row (en-tête de ligne) ou col (en-tête de colonne) ; toute autre valeur est ignorée "
                   "et l'en-tête n'est plus relié à ses cellules."),
    how_to_fix=N_("Écrivez scope=\"col\" pour un en-tête de colonne, scope=\"row\" pour un en-tête de ligne."),
    rgaa=("5.7.2",), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
)
def scope_value(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    results, fine = [], 0
    for table in tables(root):
        if table.kind != Kind.DATA:
            continue
        for cell in table.cells:
            scope = cell.element.get("scope")
            if scope is None or tag(cell.element) != "th":
                continue
            if scope.strip().lower() in ("row", "col", "rowgroup", "colgroup"):
                fine += 1
            else:
                results.append(Result(Outcome.FAILED, element=cell.element,
                                      message=Msg("scope=\"{value}\" n'est pas une valeur valide (row ou col).",
                                                  value=short(scope, 30))))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(fine, "{n} attribut scope valide.",
                                                                 "{n} attributs scope valides.")))
    return results[:MAX_FINDINGS]


def assigned(header: Cell, table: Table, v: View) -> bool:
    """Does any other cell get this header, by the headers attribute or by its position (HTML table model)?"""
    header_id = header.element.get("id")
    scope = (header.element.get("scope") or "").strip().lower()
    for cell in table.cells:
        if cell is header or not v.rendered(cell.element):
            continue
        refs = (cell.element.get("headers") or "").split()
        if refs:
            if header_id and header_id in refs:
                return True
            continue
        below = cell.row >= header.row + header.rowspan and any(cell.covers_col(c) for c in
                                                                range(header.col, header.col + header.colspan))
        right = cell.col >= header.col + header.colspan and any(cell.covers_row(r) for r in
                                                                 range(header.row, header.row + header.rowspan))
        if (below and scope not in ("row", "rowgroup")) or (right and scope not in ("col", "colgroup")):
            return True
    return False


@check(
    id="rgaa-5.7-header-has-cells",
    title=N_("Chaque en-tête de tableau s'applique à au moins une cellule"),
    failure=N_("Un en-tête de tableau ne s'applique à aucune cellule"),
    description=N_("Un th qui n'est relié à aucune cellule (colonne vide, cellules qui le contournent par headers) "
                   "signale une structure de tableau cassée : les cellules sont annoncées avec le mauvais en-tête ou "
                   "sans en-tête."),
    how_to_fix=N_("Supprimez l'en-tête inutile, ou complétez les lignes pour que sa colonne (ou sa ligne) ait des "
                  "cellules, ou corrigez les attributs headers."),
    rgaa=("5.7.1",), wcag=("1.3.1",), impact=Impact.MODERATE, evidence=("dom",),
)
def header_has_cells(evidence: Evidence):
    root = dom_of(evidence)
    if root is None:
        return []
    v = view(root)
    results, fine = [], 0
    for table in tables(root):
        if table.kind != Kind.DATA:
            continue
        for header in table.cells:
            if not header.header or not v.exposed(header.element) or not norm(header.element.text_content()):
                continue
            if assigned(header, table, v):
                fine += 1
            else:
                results.append(Result(Outcome.FAILED, element=header.element,
                                      message=Msg("L'en-tête « {name} » ne s'applique à aucune cellule du tableau.",
                                                  name=short(norm(header.element.text_content()), 50))))
    if not results and fine:
        results.append(Result(Outcome.PASSED, message=Msg.plural(
            fine, "{n} en-tête, relié à des cellules.", "{n} en-têtes, chacun relié à des cellules.")))
    return results[:MAX_FINDINGS]

"""Regenerate the binary assets of the demo site (images and PDFs), stdlib only.

    python examples/ville-demo/tools/make_assets.py

The outputs are committed; this script only documents how they were made and lets anyone
change them. The PDFs are written by a tiny hand-made writer so that their accessibility
properties are exactly what the demo needs:

- documents/guide-restauration-scolaire.pdf: untagged, no /Lang, no Title (seeded defect);
- documents/compte-rendu-conseil-municipal.pdf: /Lang (fr), Info /Title, DisplayDocTitle,
  /MarkInfo <</Marked true>> and a minimal /StructTreeRoot (Document > H1, P...).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SITE = Path(__file__).resolve().parents[1]


# --- PNG ------------------------------------------------------------------------------------


def write_png(path: Path, width: int, height: int, pixel) -> None:
    """Write an 8-bit RGB PNG; pixel(x, y) -> (r, g, b)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter: none
        for x in range(width):
            raw.extend(pixel(x, y))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)


def landscape(sky, river, bank, sun=None):
    """A flat riverside landscape: sky, far bank, river, near bank."""

    def pixel(x, y):
        if sun and (x - sun[0]) ** 2 + (y - sun[1]) ** 2 < sun[2] ** 2:
            return (250, 204, 80)
        if y < 70 + (x // 20) % 3:
            return sky
        if y < 95:
            return bank
        if y < 140:
            shade = 12 if (x + 3 * y) % 23 == 0 else 0
            return tuple(min(255, c + shade) for c in river)
        return bank

    return pixel


def bridge(x, y):
    base = landscape((176, 210, 232), (58, 110, 160), (96, 128, 72))(x, y)
    # a stone bridge with arches, under construction (orange barriers)
    if 60 <= y < 75 and 20 <= x < 300:
        return (170, 160, 140)
    if 75 <= y < 120 and 20 <= x < 300 and ((x - 20) % 56) < 10:
        return (150, 140, 120)
    if 52 <= y < 60 and 120 <= x < 200 and (x // 8) % 2 == 0:
        return (235, 120, 20)
    return base


def festival(x, y):
    base = landscape((40, 50, 110), (30, 60, 110), (60, 90, 50))(x, y)
    # fireworks
    for cx, cy, col in ((80, 30, (255, 90, 90)), (190, 22, (255, 230, 120)), (260, 40, (140, 220, 255))):
        d2 = (x - cx) ** 2 + (y - cy) ** 2
        if 100 < d2 < 300 and (x + y) % 3 == 0:
            return col
    return base


def banner(x, y):
    # decorative foliage band
    g = 120 + ((x * 7 + y * 13) % 40)
    if ((x // 12) + (y // 12)) % 2 == 0:
        return (40, g, 60)
    return (60, g - 20, 50)


def map_tile(x, y):
    if 90 <= y < 118 or abs((x - 40) - (y - 30) // 2) < 3:
        return (120, 170, 220)  # the Loire and a canal
    if x % 40 < 3 or y % 40 < 3:
        return (250, 250, 245)  # streets
    return (225, 232, 210)


# --- SVG ------------------------------------------------------------------------------------

LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <title>Bellerive-sur-Loire</title>
  <rect width="64" height="64" rx="10" fill="#0a4d68"/>
  <path d="M8 40 Q20 32 32 40 T56 40 V48 Q44 40 32 48 T8 48 Z" fill="#88c9e8"/>
  <path d="M14 30 L22 14 L30 30 Z M30 30 L40 10 L50 30 Z" fill="#f3f1e8"/>
  <circle cx="50" cy="16" r="5" fill="#f5c542"/>
</svg>
"""

FAVICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">
  <rect width="16" height="16" rx="3" fill="#0a4d68"/>
  <path d="M2 10 Q5 8 8 10 T14 10 V12 Q11 10 8 12 T2 12 Z" fill="#88c9e8"/>
</svg>
"""

LOUPE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <rect width="32" height="32" rx="4" fill="#0a4d68"/>
  <circle cx="14" cy="14" r="7" fill="none" stroke="#fff" stroke-width="3"/>
  <path d="M19 19l7 7" stroke="#fff" stroke-width="3" stroke-linecap="round"/>
</svg>
"""

ICON_DOC_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <path d="M7 3h12l6 6v20H7z" fill="#fff" stroke="#0a4d68" stroke-width="2"/>
  <path d="M11 14h10M11 19h10M11 24h7" stroke="#0a4d68" stroke-width="2"/>
</svg>
"""


# --- PDF ------------------------------------------------------------------------------------


def pdf_text(s: str) -> str:
    """A PDF literal string in WinAnsiEncoding (French accents), escaped."""
    out = []
    for byte in s.encode("cp1252"):
        ch = chr(byte)
        if ch in "()\\":
            out.append("\\" + ch)
        elif 32 <= byte < 127:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def pdf_utf16(s: str) -> str:
    """A PDF text string (Info, /Alt...) as UTF-16BE hex with BOM."""
    return "<FEFF" + s.encode("utf-16-be").hex().upper() + ">"


def page_stream(lines: list[tuple[str, str]], tagged: bool) -> tuple[bytes, list[str]]:
    """lines: (kind, text) with kind 'h1' or 'p'. Returns the content stream and MCID kinds."""
    ops = []
    kinds = []
    y = 780
    for kind, text in lines:
        size = 18 if kind == "h1" else 11
        font = "/F2" if kind == "h1" else "/F1"
        if tagged:
            ops.append(f"/{'H1' if kind == 'h1' else 'P'} <</MCID {len(kinds)}>> BDC")
            kinds.append(kind)
        ops.append(f"BT {font} {size} Tf 56 {y} Td {pdf_text(text)} Tj ET")
        if tagged:
            ops.append("EMC")
        y -= 30 if kind == "h1" else 18
    return "\n".join(ops).encode("latin-1"), kinds


def write_pdf(
    path: Path, pages: list[list[tuple[str, str]]], *, title: str | None, lang: str | None, tagged: bool
) -> None:
    objects: dict[int, bytes] = {}
    # 1 catalog, 2 pages, 3 info, 4 F1, 5 F2, 6 struct tree root, 7 parent tree, 8 Document elem,
    # then per page: page obj, content obj; then struct elements.
    next_id = 9
    page_ids, content_ids, page_kinds = [], [], []
    for lines in pages:
        stream, kinds = page_stream(lines, tagged)
        pid, cid = next_id, next_id + 1
        next_id += 2
        page_ids.append(pid)
        content_ids.append(cid)
        page_kinds.append(kinds)
        objects[cid] = f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
    elem_ids_per_page = []
    if tagged:
        for kinds in page_kinds:
            ids = []
            for _ in kinds:
                ids.append(next_id)
                next_id += 1
            elem_ids_per_page.append(ids)
    for n, (pid, cid) in enumerate(zip(page_ids, content_ids, strict=True)):
        extra = f" /StructParents {n}" if tagged else ""
        objects[pid] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {cid} 0 R"
            f" /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >>{extra} >>"
        ).encode()
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    info = "<< /Producer (Bellerive demo make_assets.py) /Creator (make_assets.py)"
    if title:
        info += f" /Title {pdf_utf16(title)}"
    info += " /CreationDate (D:20250320100000+01'00') >>"
    objects[3] = info.encode()
    objects[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[5] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    catalog = "<< /Type /Catalog /Pages 2 0 R"
    if lang:
        catalog += f" /Lang ({lang})"
    if title:
        catalog += " /ViewerPreferences << /DisplayDocTitle true >>"
    if tagged:
        catalog += " /MarkInfo << /Marked true >> /StructTreeRoot 6 0 R"
        all_elems = [e for ids in elem_ids_per_page for e in ids]
        objects[6] = b"<< /Type /StructTreeRoot /K 8 0 R /ParentTree 7 0 R /ParentTreeNextKey %d >>" % len(
            pages
        )
        nums = " ".join(
            f"{n} [{' '.join(f'{e} 0 R' for e in ids)}]" for n, ids in enumerate(elem_ids_per_page)
        )
        objects[7] = f"<< /Nums [{nums}] >>".encode()
        objects[8] = (
            f"<< /Type /StructElem /S /Document /P 6 0 R /K [{' '.join(f'{e} 0 R' for e in all_elems)}] >>".encode()
        )
        for pid, kinds, ids in zip(page_ids, page_kinds, elem_ids_per_page, strict=True):
            for mcid, (kind, eid) in enumerate(zip(kinds, ids, strict=True)):
                tag = "H1" if kind == "h1" else "P"
                objects[eid] = f"<< /Type /StructElem /S /{tag} /P 8 0 R /Pg {pid} 0 R /K {mcid} >>".encode()
    else:
        objects[6] = b"null"
        objects[7] = b"null"
        objects[8] = b"null"
    catalog += " >>"
    objects[1] = catalog.encode()

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in range(1, next_id):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {next_id}\n".encode()
    out += b"0000000000 65535 f \n"
    for num in range(1, next_id):
        out += f"{offsets[num]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {next_id} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


GUIDE = [
    [
        ("h1", "Guide de la restauration scolaire 2025-2026"),
        ("p", "Ville de Bellerive-sur-Loire - Service Éducation et Enfance"),
        ("p", ""),
        ("p", "Les restaurants scolaires accueillent les enfants des écoles maternelles et"),
        ("p", "élémentaires publiques de la commune, les lundis, mardis, jeudis et vendredis."),
        ("p", "Les repas sont préparés par la cuisine centrale à partir de produits frais,"),
        ("p", "dont 40 % issus de l'agriculture biologique et locale."),
        ("p", ""),
        ("p", "Inscription : en ligne, depuis votre espace usager, avant le 31 août."),
        ("p", "Tarifs : calculés selon le quotient familial, de 0,90 EUR à 4,60 EUR le repas."),
        ("p", "Régimes : repas sans porc ou végétarien sur demande lors de l'inscription."),
    ],
    [
        ("h1", "Allergies et projet d'accueil individualisé (PAI)"),
        ("p", "Un enfant allergique peut déjeuner au restaurant scolaire dans le cadre d'un"),
        ("p", "PAI signé par le médecin scolaire, la famille et la direction de l'école."),
        ("p", "Contact : restauration.scolaire@bellerive-sur-loire.example"),
    ],
]

COMPTE_RENDU = [
    [
        ("h1", "Compte rendu du conseil municipal du 18 mars 2025"),
        ("p", "Le conseil municipal s'est réuni à 19 heures, salle du conseil, sous la présidence"),
        ("p", "de Mme la Maire. 27 conseillers présents ou représentés sur 29."),
        ("p", "1. Budget primitif 2025 : adopté à l'unanimité."),
        ("p", "2. Rénovation du pont d'Anjou : attribution du marché de travaux, adoptée."),
        ("p", "3. Fête de la Loire : subvention de 12 000 EUR au comité des fêtes, adoptée."),
        ("p", "4. Tarifs de la restauration scolaire 2025-2026 : adoptés (2 abstentions)."),
        ("p", "La séance est levée à 21 h 40."),
    ]
]


def main() -> None:
    img = SITE / "static" / "img"
    img.mkdir(parents=True, exist_ok=True)
    write_png(img / "IMG_2034.png", 320, 180, bridge)
    write_png(img / "fete-de-la-loire.png", 320, 180, festival)
    write_png(img / "bandeau-feuillage.png", 480, 48, banner)
    write_png(img / "plan-centre-ville.png", 320, 200, map_tile)
    write_png(
        img / "bord-de-loire.png",
        320,
        180,
        landscape((170, 205, 230), (70, 120, 170), (90, 130, 70), (270, 30, 14)),
    )
    (SITE / "static" / "logo-bellerive.svg").write_text(LOGO_SVG, encoding="utf-8")
    (SITE / "static" / "favicon.svg").write_text(FAVICON_SVG, encoding="utf-8")
    (img / "loupe.svg").write_text(LOUPE_SVG, encoding="utf-8")
    (img / "icone-document.svg").write_text(ICON_DOC_SVG, encoding="utf-8")
    docs = SITE / "documents"
    docs.mkdir(exist_ok=True)
    write_pdf(docs / "guide-restauration-scolaire.pdf", GUIDE, title=None, lang=None, tagged=False)
    write_pdf(
        docs / "compte-rendu-conseil-municipal.pdf",
        COMPTE_RENDU,
        title="Compte rendu du conseil municipal du 18 mars 2025",
        lang="fr",
        tagged=True,
    )


if __name__ == "__main__":
    main()

"""A realistic N-page French city site for benchmarks, generated from a seed and served on 127.0.0.1.

Every page shares a header (logo, search form, a mega-menu of the sections), a breadcrumb and a footer,
like the CMS themes of French towns; the content is our own generated text: news, démarches, services,
agenda, council minutes. Pages weigh 30 to 80 KB of HTML and hold images, forms, data tables and links to
PDF documents; about one page in three carries one to three seeded defects (image without alternative,
field without label, empty link, data table without headers, skipped heading level, low-contrast text,
frame without title, duplicate id, button without name). The same seed always gives the same bytes.

    python -m bench.site --pages 200 --seed 1 --out /tmp/ville     # write the site
    python -m bench.site --pages 200 --serve                         # write it to a temp folder and serve it

The server is the standard library's threaded HTTP server, bound to 127.0.0.1 (ephemeral port by default);
sitemap.xml and robots.txt carry absolute URLs, written at serve time since the port is only known then.
"""

from __future__ import annotations

import argparse
import functools
import html
import random
import shutil
import struct
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

from audit.demo import QuietServer

TOWN = "Ville de Marmont-sur-Vienne"
SECTIONS = (
    ("actualites", "Actualités"),
    ("demarches", "Démarches"),
    ("services", "Services"),
    ("agenda", "Agenda"),
    ("mairie", "Mairie et conseil"),
    ("cadre-de-vie", "Cadre de vie"),
)
DEFECTS = ("img-no-alt", "input-no-label", "empty-link", "table-no-th", "heading-skip", "low-contrast",
           "iframe-no-title", "duplicate-id", "button-no-name")
FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)

_SUBJECTS = ("Le conseil municipal", "La médiathèque", "Le centre communal d'action sociale", "L'école des Tilleuls",
             "Le service des espaces verts", "La police municipale", "Le marché couvert", "La piscine des Ormes",
             "Le centre social", "L'office de tourisme", "Le service état civil", "La maison des associations",
             "Le conservatoire", "Le service urbanisme", "La crèche des Lutins", "Le club des aînés")
_VERBS = ("organise", "propose", "accueille", "prépare", "annonce", "ouvre", "met en place", "présente",
          "renouvelle", "lance", "simplifie", "étend")
_OBJECTS = ("une permanence d'information", "des ateliers gratuits", "une consultation des habitants",
            "de nouveaux horaires d'ouverture", "un service de prêt à domicile", "une collecte de printemps",
            "des visites commentées", "une aide aux familles", "un programme de rénovation",
            "des inscriptions en ligne", "une exposition photographique", "un forum des métiers")
_WHEN = ("chaque mardi matin", "pendant les vacances scolaires", "à partir du 3 mars", "tout au long de l'année",
         "le premier samedi du mois", "jusqu'à la fin juin", "dès la rentrée", "en soirée, sur rendez-vous")
_DETAILS = ("Les pièces justificatives sont à présenter au guichet.", "L'accès est libre et gratuit.",
            "Le nombre de places est limité : pensez à vous inscrire.", "Un justificatif de domicile est demandé.",
            "Les personnes à mobilité réduite peuvent demander un accompagnement.",
            "Le dossier complet est traité sous quinze jours.", "Les enfants doivent être accompagnés d'un adulte.",
            "Un parking gratuit se trouve à proximité.", "Les informations sont aussi disponibles à l'accueil.",
            "Le formulaire peut être déposé en mairie ou envoyé par courrier.")
_STREETS = ("rue des Tanneurs", "place du Marché", "avenue de la Gare", "quai de Vienne", "rue Victor-Hugo",
            "allée des Tilleuls", "boulevard Pasteur", "chemin des Vignes")
_TOPICS = ("Inscription scolaire", "Carte d'identité", "Passeport", "Acte de naissance", "Permis de construire",
           "Déclaration de travaux", "Collecte des déchets", "Stationnement résidentiel", "Location de salle",
           "Aide au logement", "Transport scolaire", "Cantine et périscolaire", "Recensement citoyen",
           "Inscription sur les listes électorales", "Bibliothèque numérique", "Jardins familiaux",
           "Subventions aux associations", "Piscine municipale", "Portage de repas", "Objets trouvés")
_ICON = ('<svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 20 20">'
         '<path d="M2 10h16M10 2v16" stroke="currentColor" stroke-width="2" fill="none"/></svg>')


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # URL path, e.g. /actualites/article-12.html
    title: str
    section: str
    defects: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()


@dataclass(slots=True)
class SiteInfo:
    """What was generated: pages (HTML) and documents (PDF), by URL path."""

    root: Path
    pages: list[Page] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    seed: int = 1

    @property
    def defects(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            for defect in page.defects:
                counts[defect] = counts.get(defect, 0) + 1
        return counts


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}. "
            f"{rng.choice(_DETAILS)}")


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def png(width: int, height: int, rgb: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    """A real PNG (stdlib zlib): a plain colour with diagonal stripes, so it compresses like a photo would not."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(stripe if (x + y) // 12 % 3 == 0 else rgb)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + \
        chunk(b"IEND", b"")


def _pdf(title: str, lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (untagged, as many council minutes are)."""
    def esc(text: str) -> str:
        return text.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(") \
            .replace(")", "\\)")

    content = "BT /F1 12 Tf 50 780 Td 16 TL " + " ".join(f"({esc(line)}) '" for line in [title, *lines]) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title ({esc(title)}) /Producer (bench.site) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


_CSS_BASE = """@font-face { font-family: "Ville"; src: url("fonts/ville.ttf") format("truetype"); font-display: swap; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Ville", Arial, sans-serif; color: #1e1e1e; background: #fff; line-height: 1.5; }
a { color: #0b4f8a; } a:focus, button:focus, input:focus, select:focus { outline: 3px solid #d35400; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; }
.top { background: #0b4f8a; color: #fff; padding: .5rem 2rem; display: flex; justify-content: space-between; }
.top a { color: #fff; } .brand { display: flex; align-items: center; gap: 1rem; padding: 1rem 2rem; }
.menu { background: #f3f5f8; border-bottom: 1px solid #c8d0da; }
.menu > ul { display: flex; flex-wrap: wrap; gap: 0; margin: 0; padding: 0 2rem; list-style: none; }
.menu li { position: relative; } .menu li > a { display: block; padding: .75rem 1rem; text-decoration: none; }
.menu ul ul { display: none; position: absolute; background: #fff; min-width: 16rem; z-index: 5; padding: .5rem;
  box-shadow: 0 2px 6px rgba(0,0,0,.2); list-style: none; }
.menu li:hover > ul, .menu li:focus-within > ul { display: block; }
.crumbs { padding: .5rem 2rem; font-size: .9rem; } .crumbs ol { list-style: none; display: flex; gap: .5rem; padding: 0; }
main { display: grid; grid-template-columns: 3fr 1fr; gap: 2rem; padding: 1rem 2rem; max-width: 80rem; }
aside { border-left: 1px solid #c8d0da; padding-left: 1rem; }
.card { border: 1px solid #c8d0da; border-radius: 4px; padding: 1rem; margin-bottom: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid #8895a7; padding: .25rem .5rem; }
form .row { margin: .5rem 0; } label { display: block; font-weight: bold; }
input, select, textarea { font: inherit; padding: .25rem; border: 1px solid #5c6b7a; }
button { font: inherit; background: #0b4f8a; color: #fff; border: 0; padding: .5rem 1rem; }
.pale { color: #b4b4b4; } .notice { background: #fff4d6; padding: 1rem; }
footer { background: #1e2a38; color: #fff; padding: 2rem; margin-top: 2rem; }
footer a { color: #fff; } footer ul { columns: 3; list-style: none; padding: 0; }
@media (max-width: 40rem) { main { grid-template-columns: 1fr; } .menu > ul { display: block; } }
"""


def _css(rng: random.Random) -> str:
    # Real themes ship a lot of CSS nobody uses on a given page: rules for widgets of other pages.
    rules = [_CSS_BASE]
    for i in range(260):
        colour = f"#{rng.randrange(0x222222, 0xdddddd):06x}"
        rules.append(f".bloc-{i} .titre-{i % 17}, .bloc-{i} > .contenu:not(.vide) {{ margin: {i % 5 * .25}rem 0; "
                     f"color: {colour}; border-top: {i % 3}px solid {colour}; }}")
    return "\n".join(rules) + "\n"


_JS = """// Menu toggle for small screens and a cookie banner that remembers its answer.
(function () {
  var banner = document.getElementById('cookies');
  if (banner && localStorage.getItem('cookies') === 'ok') banner.hidden = true;
  document.addEventListener('click', function (e) {
    if (e.target && e.target.id === 'cookies-ok') { localStorage.setItem('cookies', 'ok'); banner.hidden = true; }
  });
})();
"""


class _Writer:
    def __init__(self, root: Path, pages: int, seed: int):
        self.root = root
        self.count = pages
        self.rng = random.Random(seed)
        self.info = SiteInfo(root=root, seed=seed)
        self.font = next((p for p in FONT_CANDIDATES if p.is_file()), None)

    # --- plan ----------------------------------------------------------------------------------

    def plan(self) -> list[Page]:
        rng = self.rng
        pages = [Page("/", f"Accueil — {TOWN}", "")]
        for slug, name in SECTIONS:
            if len(pages) < self.count:
                pages.append(Page(f"/{slug}/", f"{name} — {TOWN}", slug))
        n = 0
        while len(pages) < self.count:
            slug, name = SECTIONS[n % len(SECTIONS)]
            topic = _TOPICS[rng.randrange(len(_TOPICS))]
            title = f"{topic} ({n + 1}) — {name} — {TOWN}"
            defects: tuple[str, ...] = ()
            if rng.random() < 0.35:
                defects = tuple(sorted(rng.sample(DEFECTS, rng.randint(1, 3))))
            documents: tuple[str, ...] = ()
            if slug in ("mairie", "demarches") and rng.random() < 0.25:
                documents = (f"/documents/{slug}-{n + 1}.pdf",)
            pages.append(Page(f"/{slug}/page-{n + 1}.html", title, slug, defects, documents))
            n += 1
        return pages[: self.count]

    # --- files ---------------------------------------------------------------------------------

    def write(self) -> SiteInfo:
        rng = self.rng
        static = self.root / "static"
        (static / "img").mkdir(parents=True, exist_ok=True)
        (static / "fonts").mkdir(exist_ok=True)
        (self.root / "documents").mkdir(exist_ok=True)
        (static / "style.css").write_text(_css(rng), encoding="utf-8")
        (static / "site.js").write_text(_JS, encoding="utf-8")
        if self.font is not None:
            shutil.copyfile(self.font, static / "fonts" / "ville.ttf")
        self.images = []
        for i in range(12):
            colour = (rng.randrange(40, 220), rng.randrange(40, 220), rng.randrange(40, 220))
            stripe = tuple(min(255, c + 30) for c in colour)
            name = f"photo-{i + 1}.png"
            (static / "img" / name).write_bytes(png(320, 200, colour, stripe))
            self.images.append(name)
        (static / "img" / "logo.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
            '<rect width="120" height="60" fill="#0b4f8a"/><text x="10" y="38" fill="#fff" font-size="20">'
            'Marmont</text></svg>', encoding="utf-8")
        pages = self.plan()
        self.info.pages = pages
        self.menu = self._menu(pages)
        self.footer = self._footer(pages)
        for index, page in enumerate(pages):
            target = self.root / (page.path.lstrip("/") + ("index.html" if page.path.endswith("/") else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self._page(page, index, pages), encoding="utf-8")
            for doc in page.documents:
                lines = [_sentence(rng)[:90] for _ in range(8)]
                (self.root / doc.lstrip("/")).write_bytes(_pdf(page.title.split(" — ")[0], lines))
                self.info.documents.append(doc)
        (self.root / "404.html").write_text(self._shell(Page("/404.html", f"Page introuvable — {TOWN}", ""),
                                                        "<h1>Page introuvable</h1><p>Cette page n'existe pas ou "
                                                        "plus. <a href=\"/\">Retour à l'accueil</a>.</p>"),
                                            encoding="utf-8")
        return self.info

    def _menu(self, pages: list[Page]) -> str:
        by_section: dict[str, list[Page]] = {}
        for page in pages:
            if page.section and not page.path.endswith("/"):
                by_section.setdefault(page.section, []).append(page)
        items = []
        for slug, name in SECTIONS:
            sub = "".join(f'<li><a href="{html.escape(p.path)}">{html.escape(p.title.split(" — ")[0])}</a></li>'
                          for p in by_section.get(slug, [])[:14])
            items.append(f'<li><a href="/{slug}/">{html.escape(name)}</a><ul>{sub}</ul></li>')
        return (f'<nav class="menu" aria-label="Menu principal" id="menu"><ul>{"".join(items)}</ul></nav>')

    def _footer(self, pages: list[Page]) -> str:
        links = "".join(f'<li><a href="{p.path}">{html.escape(p.title.split(" — ")[0])}</a></li>'
                        for p in pages[: min(len(pages), 36)])
        return (f'<footer id="pied"><h2>{TOWN}</h2><p>Hôtel de ville, 1 place de la République, 86000 Marmont-sur-'
                f'Vienne. Du lundi au vendredi, de 8 h 30 à 17 h.</p><ul>{links}</ul><p><a href="/mairie/">'
                'Mentions légales</a> · <a href="/mairie/">Accessibilité : partiellement conforme</a> · '
                '<a href="/sitemap.xml">Plan du site</a></p></footer>')

    def _shell(self, page: Page, body: str, lang: str = "fr") -> str:
        crumbs = '<li><a href="/">Accueil</a></li>'
        if page.section:
            name = dict(SECTIONS)[page.section]
            crumbs += f'<li><a href="/{page.section}/">{html.escape(name)}</a></li>'
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(page.title)}</title>"
            '<link rel="stylesheet" href="/static/style.css"><script src="/static/site.js" defer></script></head>'
            '<body><a class="skip" href="#contenu">Aller au contenu</a>'
            f'<div class="top"><span>Site officiel de la {TOWN}</span><a href="/demarches/">Mes démarches</a></div>'
            f'<header class="brand" role="banner"><a href="/"><img src="/static/img/logo.svg" alt="{TOWN} — accueil" '
            'width="120" height="60"></a><form role="search" action="/" method="get"><label for="q">Rechercher sur '
            'le site</label><input id="q" name="q" type="search"><button type="submit">Rechercher</button></form>'
            f'</header>{self.menu}<nav class="crumbs" aria-label="Fil d\'Ariane"><ol>{crumbs}</ol></nav>'
            f'<main id="contenu">{body}</main>{self.footer}'
            '<div id="cookies" class="notice" role="region" aria-label="Cookies"><p>Ce site dépose uniquement des '
            'cookies de mesure d\'audience anonymes.</p><button id="cookies-ok" type="button">D\'accord</button></div>'
            "</body></html>\n")

    def _page(self, page: Page, index: int, pages: list[Page]) -> str:
        rng = self.rng
        target = rng.randint(30, 80) * 1024
        defects = set(page.defects)
        heading = html.escape(page.title.split(" — ")[0])
        parts = [f"<div><h1>{heading}</h1>"]
        parts.append(f'<p class="chapo">{_paragraph(rng, 2)}</p>')
        image = self.images[index % len(self.images)]
        alt = "" if "img-no-alt" in defects else f' alt="{html.escape(rng.choice(_SUBJECTS))}, {rng.choice(_WHEN)}"'
        parts.append(f'<figure><img src="/static/img/{image}"{alt} width="320" height="200">'
                     f"<figcaption>{html.escape(rng.choice(_DETAILS))}</figcaption></figure>")
        if "heading-skip" in defects:
            parts.append(f"<h4>{html.escape(rng.choice(_TOPICS))}</h4>")
        if "low-contrast" in defects:
            parts.append(f'<p class="pale">{_paragraph(rng, 1)}</p>')
        if "empty-link" in defects:
            parts.append(f'<p><a href="{rng.choice(pages).path}">{_ICON}</a></p>')
        if "iframe-no-title" in defects:
            parts.append('<iframe src="/404.html" width="300" height="120"></iframe>')
        if "duplicate-id" in defects:
            parts.append('<p id="info">Information.</p><p id="info">Information complémentaire.</p>')
        if "button-no-name" in defects:
            parts.append(f'<p><button type="button" class="partage">{_ICON}</button></p>')
        if page.section in ("demarches", "services") or "input-no-label" in defects:
            parts.append(self._form(rng, "input-no-label" in defects))
        if page.section in ("mairie", "services", "agenda") or "table-no-th" in defects:
            parts.append(self._table(rng, "table-no-th" in defects))
        for doc in page.documents:
            parts.append(f'<p><a href="{doc}">Télécharger le compte rendu (PDF, 2 Ko)</a></p>')
        if page.path.endswith("/"):
            members = [p for p in pages if p.section == page.section and not p.path.endswith("/")] if page.section \
                else pages[1:]
            cards = "".join(f'<div class="card"><h2><a href="{p.path}">{html.escape(p.title.split(" — ")[0])}</a>'
                            f"</h2><p>{html.escape(_sentence(rng))}</p></div>" for p in members[:40])
            parts.append(f'<div class="cards">{cards}</div>')
        related = rng.sample(pages, min(8, len(pages)))
        aside = "".join(f'<li><a href="{p.path}">{html.escape(p.title.split(" — ")[0])}</a></li>' for p in related)
        body_end = (f'</div><aside><h2>Voir aussi</h2><ul>{aside}</ul><h2>Nous contacter</h2><p>{TOWN}, '
                    f"{rng.randint(1, 80)} {rng.choice(_STREETS)}. Tél. 05 49 {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}.</p></aside>")
        skeleton = self._shell(page, "".join(parts) + body_end)
        section = 0
        while len(skeleton.encode("utf-8")) < target:
            section += 1
            block = (f"<h2>{html.escape(rng.choice(_TOPICS))}</h2>"
                     f"<p>{html.escape(_paragraph(rng, rng.randint(4, 9)))}</p>"
                     f"<ul>{''.join(f'<li>{html.escape(rng.choice(_DETAILS))}</li>' for _ in range(rng.randint(2, 6)))}"
                     "</ul>")
            if section % 4 == 0:
                img = self.images[(index + section) % len(self.images)]
                block += (f'<figure><img src="/static/img/{img}" alt="{html.escape(rng.choice(_OBJECTS))}" '
                          'width="320" height="200" loading="lazy"></figure>')
            parts.append(block)
            skeleton = self._shell(page, "".join(parts) + body_end)
        return skeleton

    @staticmethod
    def _form(rng: random.Random, unlabelled: bool) -> str:
        n = rng.randint(100, 999)
        email = (f'<input id="courriel-{n}" name="courriel" type="email" autocomplete="email">' if unlabelled else
                 f'<label for="courriel-{n}">Adresse électronique</label><input id="courriel-{n}" name="courriel" '
                 'type="email" autocomplete="email">')
        return (f'<form action="/" method="get" class="card"><h2>Faire une demande</h2><p>Les champs marqués d\'un '
                f'astérisque (*) sont obligatoires.</p><div class="row"><label for="nom-{n}">Nom *</label>'
                f'<input id="nom-{n}" name="nom" required autocomplete="family-name"></div><div class="row">{email}'
                f'</div><div class="row"><label for="objet-{n}">Objet</label><select id="objet-{n}" name="objet">'
                + "".join(f"<option>{html.escape(t)}</option>" for t in rng.sample(_TOPICS, 5))
                + f'</select></div><div class="row"><label for="msg-{n}">Message</label><textarea id="msg-{n}" '
                'name="message" rows="4"></textarea></div><button type="submit">Envoyer la demande</button></form>')

    @staticmethod
    def _table(rng: random.Random, no_headers: bool) -> str:
        days = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi")
        rows = []
        for day in days:
            cells = "".join(f"<td>{rng.randint(8, 10)} h – {rng.randint(12, 18)} h</td>" for _ in range(3))
            head = f"<td>{day}</td>" if no_headers else f'<th scope="row">{day}</th>'
            rows.append(f"<tr>{head}{cells}</tr>")
        if no_headers:
            top = "<tr><td>Jour</td><td>Accueil</td><td>État civil</td><td>Urbanisme</td></tr>"
        else:
            top = ('<tr><th scope="col">Jour</th><th scope="col">Accueil</th><th scope="col">État civil</th>'
                   '<th scope="col">Urbanisme</th></tr>')
        caption = "" if no_headers else "<caption>Horaires d'ouverture des services</caption>"
        return f"<table>{caption}{top}{''.join(rows)}</table>"


def generate(root: str | Path, pages: int = 200, seed: int = 1) -> SiteInfo:
    """Write an N-page site into ``root`` (created; must be empty or absent). Same seed, same bytes."""
    root = Path(root)
    if pages < 1:
        raise ValueError("pages must be at least 1")
    if root.exists() and any(root.iterdir()):
        raise ValueError(f"{root} is not empty: give a new folder")
    root.mkdir(parents=True, exist_ok=True)
    return _Writer(root, pages, seed).write()


class _Handler(SimpleHTTPRequestHandler):
    """Static files, plus sitemap.xml and robots.txt with absolute URLs; a French 404 page."""

    site: SiteInfo
    base: str

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}{html.escape(p.path)}</loc></url>" for p in self.site.pages)
            return self._send(200, "application/xml",
                              '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                              f'sitemap/0.9">{urls}</urlset>\n')
        if path == "/robots.txt":
            return self._send(200, "text/plain; charset=utf-8", f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n")
        return super().do_GET()

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            body = (self.site.root / "404.html").read_text(encoding="utf-8")
            return self._send(404, "text/html; charset=utf-8", body)
        return super().send_error(code, message, explain)

    def _send(self, status: int, content_type: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


_Handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8",
                           ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                           ".ttf": "font/ttf"}


class SiteServer:
    """Serve a generated site on 127.0.0.1 in a background thread: ``with SiteServer(info) as server: server.url``."""

    def __init__(self, site: SiteInfo, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.host, self.port = host, port
        self._server: QuietServer | None = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> SiteServer:
        handler = type("Handler", (_Handler,), {"site": self.site, "base": ""})
        self._server = QuietServer((self.host, self.port), functools.partial(handler, directory=str(self.site.root)))
        self.port = self._server.server_address[1]
        handler.base = self.url
        threading.Thread(target=self._server.serve_forever, name="bench-site", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="number of HTML pages (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="folder to write (new or empty); default: a temporary folder")
    parser.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 until Ctrl-C")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        info = generate(out, args.pages, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    size = sum(p.stat().st_size for p in out.rglob("*.html")) // max(1, len(info.pages))
    print(f"{len(info.pages)} pages ({size // 1024} KB of HTML on average), {len(info.documents)} PDF documents, "
          f"defects {info.defects} in {out}")
    if args.serve:
        with SiteServer(info, port=args.port) as server:
            print(f"serving on {server.url} (sitemap: {server.url}/sitemap.xml); Ctrl-C to stop")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

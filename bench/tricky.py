"""A small French town site of deliberately tricky pages for "shared parts audited once", served on 127.0.0.1.

Every page carries the same header, the same menu (20 links in 4 sections) and the same footer (25 links),
byte for byte; what changes is what is around them: a hero image under a transparent header, section classes,
a per-section stylesheet or a ``:has()`` rule recolouring the menu, a page background showing through the
transparent footer, a fixed cookie banner, id references crossing a part's boundary, a sibling combinator, a
modal dialog, scripts restyling the menu, a long page moving an absolutely positioned footer link on screen,
and two small targets side by side across the main/footer boundary. On each tricky page the environment of
at least one part differs from the plain pages, so its results must not be reused; on most of them axe-core's
findings for that part do differ, and a naive reuse would be wrong. Four plain pages are there for the
legitimate reuse. ``EXPECT`` says, page by page, what is tricky.

    python -m bench.tricky --out /tmp/tricky            # write the site, print the page URLs
    python -m bench.tricky --out /tmp/tricky --serve    # and serve it until Ctrl-C

The pages are small (5 KB, 14 KB for the long one) and deterministic: the only generated text (the long
list of council decisions) comes from a seeded generator, so the same code always writes the same bytes.
Nothing links outside the site. axe-core's target-size rule (the signaler page) is off by default: run it
with the wcag22aa tag or enable it.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.site import Page, SiteInfo, SiteServer, png

TOWN = "Vaudrenne-le-Lac"
SEED = 7


# --- the shared parts: built once, byte-identical on every page --------------------------------------------

HEADER = (
    '<header class="entete">'
    '<a class="logo" href="/index.html"><img src="/img/blason.svg" alt="Vaudrenne-le-Lac, accueil" width="56" '
    'height="64"></a>'
    '<p class="devise"><strong>Vaudrenne-le-Lac</strong> <span>Ville au bord de l\'eau</span></p>'
    '<form class="recherche" role="search" action="/recherche.html" method="get">'
    '<input id="q" name="q" type="search"><button type="submit"><span>Rechercher</span></button></form>'
    '<ul class="acces">'
    '<li><a href="#">Mon espace</a></li>'
    '<li><a href="/contact.html">Contact</a></li>'
    '<li><a href="#">Plan du site</a></li>'
    '<li><a href="#">Facile à lire</a></li>'
    "</ul></header>"
)

_MENU = (
    ("nav-decouvrir", "Découvrir", "/decouvrir/index.html", (
        ("Patrimoine et balades", "/decouvrir/patrimoine.html"),
        ("Agenda", "/agenda/index.html"),
        ("Marché de Noël", "/actualites/marche-noel.html"),
        ("Hébergements", "#"),
    )),
    ("nav-culture", "Culture et sport", "/culture/index.html", (
        ("Sports et associations", "/sport/index.html"),
        ("Piscine : tarifs d'été", "/actualites/piscine-ete.html"),
        ("Médiathèque", "#"),
        ("École de musique", "#"),
    )),
    ("nav-pratique", "Vie pratique", "/vie-pratique/etat-civil.html", (
        ("Déchets et tri", "/vie-pratique/dechets.html"),
        ("Horaires des services", "/vie-pratique/horaires.html"),
        ("Travaux en cours", "/vie-pratique/travaux.html"),
        ("Stationnement", "/vie-pratique/stationnement.html"),
    )),
    ("nav-mairie", "Mairie", "/mairie/elus.html", (
        ("Conseil municipal", "/mairie/deliberations.html"),
        ("Enquêtes publiques", "/mairie/enquete-publique.html"),
        ("Signaler un problème", "/vie-pratique/signaler.html"),
        ("Alerte crue", "/actualites/alerte-crue.html"),
    )),
)


def _nav() -> str:
    sections = []
    for ident, name, href, links in _MENU:
        sub = "".join(f'<li><a href="{href_}">{html.escape(label, quote=False)}</a></li>' for label, href_ in links)
        sections.append(f'<li><a class="rubrique" id="{ident}" href="{href}">{html.escape(name, quote=False)}</a>'
                        f'<ul aria-labelledby="{ident}">{sub}</ul></li>')
    return f'<nav class="menu" aria-label="Menu principal"><ul>{"".join(sections)}</ul></nav>'


NAV = _nav()

_RSS = ('<a class="rss" href="#" aria-label="Flux des actualités"><svg aria-hidden="true" focusable="false" '
        'width="16" height="16" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#c45500"/>'
        '<circle cx="4.5" cy="11.5" r="1.6" fill="#fff"/><path d="M3 7a6 6 0 0 1 6 6M3 3a10 10 0 0 1 10 10" '
        'stroke="#fff" stroke-width="1.8" fill="none"/></svg></a>')

# --- the pages -----------------------------------------------------------------------------------------------

# (path, title, note for the docs); the order is the order write_site returns.
_PAGES = (
    ("/index.html", "Accueil",
     "Plain: header, menu and footer in their ordinary environment; reuse is legitimate."),
    ("/vie-pratique/dechets.html", "Déchets et tri",
     "Plain: same environment as the home page; reuse is legitimate."),
    ("/vie-pratique/etat-civil.html", "État civil",
     "Plain: same environment as the home page; reuse is legitimate."),
    ("/mairie/elus.html", "Les élus",
     "Plain: same environment as the home page; reuse is legitimate."),
    ("/decouvrir/index.html", "Découvrir Vaudrenne",
     "Transparent header over a dark hero <img> positioned absolutely under it: its near-white text, which "
     "fails colour contrast on the white body of plain pages, sits on the image here (axe: needs review, not "
     "a violation)."),
    ("/decouvrir/patrimoine.html", "Patrimoine et balades",
     "Transparent header over a div with a dark background colour and a background image, positioned under "
     "it: same as the hero <img> page, through CSS instead of an element."),
    ("/culture/index.html", "Culture",
     "<body class=\"section-culture\">: a rule '.section-culture nav a' turns the menu links light grey, a "
     "colour-contrast failure that plain pages do not have."),
    ("/sport/index.html", "Sports et associations",
     "A per-section stylesheet (<link href=\"/css/sport.css\">) turns the menu links light green: "
     "colour-contrast failure in the menu, nothing in the menu's markup changed."),
    ("/actualites/alerte-crue.html", "Alerte crue",
     "A '.alerte' block in main only; 'body:has(.alerte) nav a' turns the menu links orange: colour-contrast "
     "failure in the menu caused by content outside it."),
    ("/actualites/marche-noel.html", "Marché de Noël",
     "<body style=\"background:#3d4b5c\">: the transparent footer's dark links fail contrast on the slate "
     "background, and the transparent header's near-white text passes for once."),
    ("/agenda/index.html", "Agenda",
     "<html class=\"theme-sable\">: the body turns sand-coloured through the root's class; the transparent "
     "footer and header sit on it (footer still passes, header still fails: same results, other environment)."),
    ("/vie-pratique/horaires.html", "Horaires des services",
     "Short page: a fixed cookie banner at the bottom of the viewport covers the end of the footer (axe keeps "
     "fixed elements on a grid of their own and does not see it: an environment check only), and a 'Nouveau' "
     "badge from main, shifted up by relative positioning, covers a menu link (axe: needs review, bgOverlap)."),
    ("/recherche.html", "Recherche",
     "<label for=\"q\"> in main names the header's search input (id=\"q\", unlabelled elsewhere): the "
     "header's 'label' violation of every other page disappears here."),
    ("/contact.html", "Contact",
     "A section in main has aria-labelledby=\"pied-contact\", an id in the footer; a paragraph in main "
     "repeats id=\"nav-culture\", an id of the menu referenced by its aria-labelledby (axe: duplicate-id-aria "
     "needs review in the menu; the footer's own findings do not change)."),
    ("/actualites/piscine-ete.html", "Piscine : tarifs d'été",
     "<main class=\"promo\">: the rule 'main.promo ~ footer a' greys the footer's links, a colour-contrast "
     "failure in the footer caused by a sibling of it."),
    ("/mairie/enquete-publique.html", "Enquête publique",
     "An inline script opens a modal <dialog> at load: header, menu and footer become inert, so their "
     "violations of plain pages are not reported here."),
    ("/vie-pratique/travaux.html", "Travaux en cours",
     "An inline script adds class 'menu-chantier' to the menu at load, which greys its links: the menu's "
     "markup in the DOM differs from the served HTML, and its links fail colour contrast."),
    ("/vie-pratique/stationnement.html", "Stationnement",
     "An inline script sets --menu-fg to #aaa on <html>; the menu links use color: var(--menu-fg, #036): "
     "identical menu markup, a computed colour that fails contrast."),
    ("/mairie/deliberations.html", "Délibérations du conseil",
     "Long page: the footer starts below 3000 px, so its 'Retour en haut' link (position:absolute; "
     "top:-3000px from the footer) lands inside the page, beside main, and fails colour contrast; on short "
     "pages it sits at a negative document coordinate, off screen, and axe does not check it."),
    ("/actualites/lac-gele.html", "Lac gelé",
     "A '.glace' block in main; the rule ':root:has(.glace) .entete a' (two pseudo-classes in a row) turns "
     "the header's links pale: a colour-contrast failure in the header caused by content outside it."),
    ("/culture/expositions.html", "Expositions",
     "<main class=\"importe\">: the rule 'main.importe ~ footer a', in a sheet that commun.css imports "
     "(@import), greys the footer's links: a colour-contrast failure only a reader of imported sheets sees."),
    ("/vie-pratique/inscriptions.html", "Inscriptions scolaires",
     "A non-modal <dialog open> in main (a notice left open): axe may take an open dialog for a modal one, "
     "which makes the rest of the page inert; every part of the page is audited with it."),
    ("/vie-pratique/signaler.html", "Signaler un problème",
     "main ends flush with a 16x16 icon link right above the footer's 16x16 feed icon: target-size (WCAG 2.2, "
     "off by default in axe) fails for both; on plain pages main's padding keeps the feed icon clear."),
)

PAGES: list[str] = [path for path, _, _ in _PAGES]
EXPECT: dict[str, str] = {path: note for path, _, note in _PAGES}
_TITLES = {path: title for path, title, _ in _PAGES}


def _footer() -> str:
    plan = "".join(f'<li><a href="{path}">{html.escape(title, quote=False)}</a></li>' for path, title, _ in _PAGES)
    return (
        '<footer class="pied">' + _RSS
        + f'<h2 id="pied-contact">Mairie de {TOWN}</h2>'
        '<p>2 place de la Fontaine, 71990 Vaudrenne-le-Lac. Du lundi au vendredi, de 8 h 30 à 12 h et de '
        '13 h 30 à 17 h. Tél. 03 85 40 12 12.</p>'
        f'<h3 id="pied-plan">Plan du site</h3><ul class="plan">{plan}</ul>'
        '<p class="legal"><a href="#">Mentions légales</a> · <a href="#">Accessibilité : non conforme</a> · '
        '<a href="#">Données personnelles</a></p>'
        '<a class="haut" href="#">Retour en haut</a>'
        "</footer>"
    )


FOOTER = _footer()

CSS = """@import url("/css/import.css");
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "DejaVu Sans", Arial, sans-serif; color: #1e1e1e; background: #fff; }
a { color: #0b4f8a; }
a:focus, button:focus, input:focus { outline: 3px solid #d35400; }

/* Header: transparent, near-white text, made for the hero image of the Découvrir pages. */
.entete { display: flex; align-items: center; gap: 1.5rem; height: 7rem; padding: 0 2rem; color: #f4f4f4; }
.entete a { color: #fafafa; }
.entete .devise { margin: 0; display: flex; flex-direction: column; line-height: 1.2; }
.entete .devise strong { font-size: 1.4rem; }
.recherche { display: flex; gap: .25rem; margin-left: auto; }
.recherche input { font: inherit; padding: .25rem .5rem; border: 1px solid #5c6b7a; width: 12rem; }
.recherche button { font: inherit; background: #036; color: #fff; border: 0; padding: .25rem .75rem; }
.acces { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; font-size: .9rem; }
.acces a { display: inline-block; padding: 2px 0; }
.hero { position: absolute; top: 0; left: 0; width: 100%; height: 7rem; z-index: -1; object-fit: cover; }
.hero-fond { background: #1d3557 url("/img/lac.png") center / cover; }

/* Menu: four sections of links, colour through a custom property. */
.menu { background: #eef2f6; padding: .5rem 2rem; border-top: 1px solid #c8d0da; border-bottom: 1px solid #c8d0da; }
.menu > ul { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1rem; list-style: none; margin: 0; padding: 0; }
.menu ul ul { list-style: none; margin: 0; padding: 0; }
.menu a { display: inline-block; padding: 1px 0; }
nav.menu a { color: var(--menu-fg, #036); text-decoration: none; }
nav.menu a:hover { text-decoration: underline; }
.menu .rubrique { font-weight: bold; }
.section-culture nav a { color: #8c8c8c; }
body:has(.alerte) nav a { color: #e8871e; }
nav.menu.menu-chantier a { color: #9e9e9e; }

/* Main: always white, so that page backgrounds only show around it. */
main { display: block; background: #fff; padding: 1.5rem 2rem 2rem; max-width: 60rem; }
main h1 { margin-top: 0; }
.alerte { border-left: 6px solid #b00020; background: #fdecee; padding: .5rem 1rem; }
.carte { border: 1px solid #c8d0da; padding: .5rem 1rem; margin: 1rem 0; }
.pastille { position: relative; top: -3.5rem; float: right; background: #b00020; color: #fff; padding: .25rem .75rem;
  margin: 0; font-weight: bold; }
.deliberations li { margin: .9rem 0; }
main.serre { padding-bottom: 0; }
.serre .icones { margin: 0; line-height: 0; }
.mini { display: inline-block; width: 16px; height: 16px; }
.mini svg { display: block; }
dialog { max-width: 30rem; border: 2px solid #036; }

/* Footer: transparent, positioned (for "Retour en haut"), dark links. */
.pied { position: relative; padding: 0 2rem 2rem; color: #222; }
.pied a { color: #1a4d80; }
.pied .rss { display: block; width: 16px; height: 16px; }
.pied .rss svg { display: block; }
.pied h2 { margin: .5rem 0; font-size: 1.2rem; }
.pied h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.plan { columns: 4; list-style: none; margin: 0; padding: 0; font-size: .9rem; }
.plan a { display: inline-block; padding: 2px 0; }
.legal { font-size: .9rem; }
.pied a.haut { position: absolute; top: -3000px; right: 2rem; color: #949494; }
main.promo ~ footer a { color: #ababab; }

/* Per-page backgrounds. */
.theme-sable body { background: #efe4c8; }

/* Cookie banner, only on some pages. */
.cookies { position: fixed; left: 0; right: 0; bottom: 0; background: #1b1b1b; color: #fff; padding: .75rem 2rem;
  display: flex; gap: 1rem; align-items: center; }
.cookies p { margin: 0; }
.cookies button { font: inherit; background: #fff; color: #1b1b1b; border: 0; padding: .25rem .75rem; }
"""

# Imported by commun.css on every page: a rule only an imported sheet holds.
IMPORT_CSS = """/* Pages whose main has class 'importe' grey the footer's links (a rule of an imported sheet). */
main.importe ~ footer a { color: #b4b4b4; }
/* The root turns the header's links pale when main holds an ice warning (':root:has(…)'). */
:root:has(.glace) .entete a { color: #c9d6e2; }
"""

SPORT_CSS = """/* Sports section: the menu takes the section's green. */
nav.menu a { color: #5fae4b; }
"""

BLASON = ('<svg xmlns="http://www.w3.org/2000/svg" width="56" height="64" viewBox="0 0 56 64">'
          '<path d="M2 2h52v30c0 16-12 26-26 30C14 58 2 48 2 32z" fill="#1d5c8c" stroke="#fff" stroke-width="3"/>'
          '<path d="M8 38c6-4 12 4 20 0s14-4 20 0" stroke="#fff" stroke-width="3" fill="none"/>'
          '<circle cx="28" cy="18" r="7" fill="#f2c230"/></svg>\n')


def _shell(path: str, body: str, *, html_attrs: str = "", body_attrs: str = "", main_attrs: str = "",
           head: str = "", after: str = "") -> str:
    title = f"{_TITLES[path]} — Ville de {TOWN}"
    return (
        f'<!DOCTYPE html>\n<html lang="fr"{html_attrs}>\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title, quote=False)}</title><link rel="stylesheet" href="/css/commun.css">{head}</head>\n'
        f"<body{body_attrs}>\n{HEADER}\n{NAV}\n<main id=\"contenu\"{main_attrs}>{body}</main>\n{FOOTER}\n"
        f"{after}</body>\n</html>\n"
    )


def _text(*paragraphs: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


_LAKE = ("Le lac de Vaudrenne s'étend sur quarante hectares au pied des coteaux. Un sentier de sept kilomètres en "
         "fait le tour ; il est accessible aux poussettes sur toute sa longueur.")
_MAIRIE = "L'accueil de la mairie vous reçoit du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h."


def _deliberations() -> str:
    rng = random.Random(SEED)
    subjects = ("convention avec l'association des pêcheurs du lac", "tarifs de la piscine municipale",
                "subvention au comité des fêtes", "travaux de voirie rue des Saules", "budget annexe du port",
                "acquisition d'un terrain au lieu-dit les Grèves", "règlement du marché hebdomadaire",
                "renouvellement du contrat d'éclairage public", "tarifs de la cantine scolaire",
                "création d'un poste d'animateur", "dénomination de la place du Lavoir",
                "convention de prêt de matériel avec la commune de Sermoy")
    votes = ("adoptée à l'unanimité", "adoptée par 21 voix pour et 2 abstentions", "adoptée par 19 voix pour et "
             "4 voix contre", "retirée de l'ordre du jour")
    items = []
    for n in range(1, 73):
        month = 1 + (n - 1) // 8
        items.append(f"<li><strong>2024-{n:03d}</strong> ({rng.randint(1, 28)}/{month:02d}/2024) : "
                     f"{html.escape(rng.choice(subjects), quote=False)}, {html.escape(rng.choice(votes), quote=False)}.</li>")
    return f'<ol class="deliberations">{"".join(items)}</ol>'


def _page(body: str, **around: str) -> dict[str, str]:
    """main's content, and what goes around the shared parts: html_attrs, body_attrs, main_attrs, head, after."""
    return {"body": body, **around}


_ICON_MAIL = ('<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 16 16">'
              '<rect x="1" y="3" width="14" height="10" fill="none" stroke="#036" stroke-width="2"/>'
              '<path d="M1 3l7 6 7-6" fill="none" stroke="#036" stroke-width="2"/></svg>')
_DIALOG = ('<dialog aria-labelledby="dlg-titre"><h2 id="dlg-titre">Enquête en cours</h2><p>Le commissaire '
           'enquêteur tient permanence en mairie les 4 et 18 mars.</p><form method="dialog"><button>Fermer'
           "</button></form></dialog>")
_COOKIES = ('<div class="cookies" role="region" aria-label="Cookies"><p>Ce site utilise un cookie de mesure '
            "d'audience anonyme.</p><button type=\"button\">D'accord</button></div>\n")


def _bodies() -> dict[str, dict[str, str]]:
    """Per page path: the content of main and what differs around the shared parts."""
    return {
        "/index.html": _page(
            "<h1>Bienvenue à Vaudrenne-le-Lac</h1>"
            + _text("Vaudrenne-le-Lac compte 4 300 habitants entre vignes et plan d'eau.", _LAKE)
            + '<div class="carte"><h2>En ce moment</h2>'
            + _text("Le marché de Noël s'installe place de la Fontaine du 13 au 15 décembre.") + "</div>"),
        "/vie-pratique/dechets.html": _page(
            "<h1>Déchets et tri</h1>"
            + _text("Les bacs jaunes sont collectés le mardi des semaines paires, les ordures ménagères "
                    "chaque vendredi.", "La déchetterie des Grèves est ouverte du mardi au samedi.")),
        "/vie-pratique/etat-civil.html": _page(
            "<h1>État civil</h1>"
            + _text("Les actes de naissance, de mariage et de décès se demandent à l'accueil ou par courrier.",
                    _MAIRIE, "Les démarches en ligne restent accessibles en dehors de ces horaires.")),
        "/mairie/elus.html": _page(
            "<h1>Les élus</h1>"
            + _text("Le conseil municipal compte 23 élus. Le maire reçoit sur rendez-vous le samedi matin.")
            + "<ul><li>Maire : Hélène Morvan</li><li>Première adjointe : Sophie Carrel</li>"
              "<li>Adjoint aux travaux : Marc Dubreuil</li></ul>"),
        "/decouvrir/index.html": _page(
            '<img class="hero" src="/img/lac.png" alt="" width="1280" height="112">'
            "<h1>Découvrir Vaudrenne</h1>" + _text(_LAKE, "Le port de plaisance accueille 60 anneaux.")),
        "/decouvrir/patrimoine.html": _page(
            '<div class="hero hero-fond"></div><h1>Patrimoine et balades</h1>'
            + _text("L'église Saint-Aubin, le lavoir et la maison du passeur se visitent avec un guide l'été.",
                    _LAKE)),
        "/culture/index.html": _page(
            "<h1>Culture</h1>"
            + _text("La médiathèque, l'école de musique et la salle des Tilleuls proposent une saison "
                    "culturelle de septembre à juin."),
            body_attrs=' class="section-culture"'),
        "/sport/index.html": _page(
            "<h1>Sports et associations</h1>"
            + _text("Trente associations sportives, de l'aviron au tennis de table, animent la commune.",
                    "Le forum des associations a lieu le premier samedi de septembre."),
            head='<link rel="stylesheet" href="/css/sport.css">'),
        "/actualites/alerte-crue.html": _page(
            '<h1>Alerte crue</h1><div class="alerte"><p><strong>Vigilance orange :</strong> le niveau du lac '
            "monte. Le quai du port est fermé jusqu'à nouvel ordre.</p></div>"
            + _text("Les riverains peuvent retirer des sacs de sable aux services techniques.")),
        "/actualites/marche-noel.html": _page(
            "<h1>Marché de Noël</h1>"
            + _text("Quarante exposants vous attendent place de la Fontaine du 13 au 15 décembre, de 10 h à 20 h.",
                    "Vin chaud et marrons au profit du téléthon."),
            body_attrs=' style="background:#3d4b5c"'),
        "/agenda/index.html": _page(
            "<h1>Agenda</h1><ul><li>13 décembre : ouverture du marché de Noël</li>"
            "<li>18 janvier : vœux du maire, salle des Tilleuls</li>"
            "<li>2 février : concert de l'école de musique</li></ul>",
            html_attrs=' class="theme-sable"'),
        "/vie-pratique/horaires.html": _page(
            '<p class="pastille">Nouveau : horaires d\'été</p><h1>Horaires des services</h1>' + _text(_MAIRIE),
            after=_COOKIES),
        "/recherche.html": _page(
            '<h1>Recherche</h1><p><label for="q">Rechercher dans les archives municipales</label> : saisissez '
            "un mot dans le champ en haut de page.</p>"
            + _text("Les délibérations depuis 2015 et les bulletins municipaux sont indexés.")),
        "/contact.html": _page(
            '<h1>Contact</h1><section aria-labelledby="pied-contact"><p>Écrivez-nous ou passez nous voir : '
            "l'adresse et les horaires figurent en bas de page.</p></section>"
            '<p id="nav-culture">Pour la culture et le sport, adressez-vous à la médiathèque.</p>'),
        "/actualites/piscine-ete.html": _page(
            "<h1>Piscine : tarifs d'été</h1>"
            + _text("Du 1er juillet au 31 août, l'entrée est à 2 euros pour les moins de 18 ans.",
                    "Le bassin extérieur ouvre à 10 h."),
            main_attrs=' class="promo"'),
        "/mairie/enquete-publique.html": _page(
            "<h1>Enquête publique</h1>"
            + _text("Le projet de révision du plan local d'urbanisme est soumis à enquête publique.") + _DIALOG,
            after="<script>document.querySelector('dialog').showModal();</script>\n"),
        "/vie-pratique/travaux.html": _page(
            "<h1>Travaux en cours</h1>"
            + _text("La rue des Saules est fermée à la circulation jusqu'au 30 avril.",
                    "Une déviation est en place."),
            after="<script>document.querySelector('nav.menu').classList.add('menu-chantier');</script>\n"),
        "/vie-pratique/stationnement.html": _page(
            "<h1>Stationnement</h1>"
            + _text("Le stationnement est gratuit et limité à deux heures en zone bleue, du lundi au samedi.",
                    "Les disques sont disponibles à l'accueil de la mairie."),
            after="<script>document.documentElement.style.setProperty('--menu-fg', '#aaa');</script>\n"),
        "/mairie/deliberations.html": _page(
            "<h1>Délibérations du conseil</h1>"
            + _text("Liste des délibérations de l'année 2024, par ordre de passage en séance.")
            + _deliberations()),
        "/actualites/lac-gele.html": _page(
            '<h1>Lac gelé</h1><div class="glace"><p><strong>Attention :</strong> la glace ne porte pas. '
            "L'accès au lac gelé est interdit.</p></div>"
            + _text("Les patineurs sont attendus à la patinoire provisoire de la place de la Fontaine.")),
        "/culture/expositions.html": _page(
            "<h1>Expositions</h1>"
            + _text("La salle des Tilleuls accueille les aquarelles du club de peinture jusqu'au 20 janvier.",
                    "Entrée libre du mercredi au dimanche."),
            main_attrs=' class="importe"'),
        "/vie-pratique/inscriptions.html": _page(
            "<h1>Inscriptions scolaires</h1>"
            + '<dialog open><p>Les inscriptions pour la rentrée ouvrent le 3 mars.</p></dialog>'
            + _text("Les dossiers se retirent à l'accueil de la mairie ou se téléchargent en ligne.")),
        "/vie-pratique/signaler.html": _page(
            "<h1>Signaler un problème</h1>"
            + _text("Lampadaire en panne, nid-de-poule, dépôt sauvage : signalez-le aux services techniques.")
            + f'<p class="icones"><a class="mini" href="#" aria-label="Signaler par courriel">{_ICON_MAIL}</a></p>',
            main_attrs=' class="serre"'),
    }


def write_site(folder: Path) -> list[str]:
    """Write the site into ``folder`` (created if needed; files of an earlier run are overwritten).

    Returns the page paths, as relative URLs ("/index.html", ...), always in the same order.
    """
    folder = Path(folder)
    (folder / "css").mkdir(parents=True, exist_ok=True)
    (folder / "img").mkdir(exist_ok=True)
    (folder / "css" / "commun.css").write_text(CSS, encoding="utf-8")
    (folder / "css" / "sport.css").write_text(SPORT_CSS, encoding="utf-8")
    (folder / "css" / "import.css").write_text(IMPORT_CSS, encoding="utf-8")
    (folder / "img" / "blason.svg").write_text(BLASON, encoding="utf-8")
    # A dark, striped "lake" under the transparent header: deep blue with lighter diagonal ripples.
    (folder / "img" / "lac.png").write_bytes(png(640, 112, (18, 42, 74), (34, 66, 104)))
    bodies = _bodies()
    for path in PAGES:
        spec = bodies[path]
        target = folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_shell(path, spec["body"], html_attrs=spec.get("html_attrs", ""),
                                 body_attrs=spec.get("body_attrs", ""), main_attrs=spec.get("main_attrs", ""),
                                 head=spec.get("head", ""), after=spec.get("after", "")), encoding="utf-8")
    (folder / "404.html").write_text(
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Page introuvable — Ville de '
        f'{TOWN}</title></head><body><main><h1>Page introuvable</h1><p><a href="/index.html">Retour à '
        "l'accueil</a></p></main></body></html>\n", encoding="utf-8")
    return list(PAGES)


def serve(folder: Path, port: int = 0) -> SiteServer:
    """Serve ``folder`` (written by write_site) on 127.0.0.1 in a background thread, with bench.site's server
    (static files, a French 404 page, sitemap.xml and robots.txt listing the pages): ``server.url``, then
    ``server.stop()``."""
    folder = Path(folder)
    info = SiteInfo(root=folder, pages=[Page(path, _TITLES[path], "") for path in PAGES], seed=SEED)
    return SiteServer(info, port=port).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tricky", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="folder to write (created; earlier files overwritten); default: a temp folder")
    parser.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 until Ctrl-C")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: an ephemeral one)")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-tricky-"))
    pages = write_site(out)
    print(f"{len(pages)} pages in {out}")
    if not args.serve:
        for path in pages:
            print(path)
        return 0
    server = serve(out, args.port)
    for path in pages:
        print(f"{server.url}{path}")
    print(f"serving on {server.url}; Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

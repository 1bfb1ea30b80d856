"""The échantillon: which pages an RGAA audit examines, proposed from a crawl.

``propose(store, run, site)`` builds it from a run's pages and sites.yaml, each page with its reasons:

1. the pages the RGAA requires when the site has them — accueil, contact, mentions légales,
   accessibilité, plan du site, aide, connexion — found by the configured ``pages`` (by name), else by
   French URL slugs, page titles and the text of the links pointing to them;
2. every audited step of each configured journey (page keys ``journey:<id>:<step>``);
3. one representative per page template: crawled pages are clustered by a DOM-structure fingerprint
   (the tag paths of the first three levels under ``<body>`` plus the nesting of landmarks, from the
   saved ``dom.html``), pages whose fingerprints are similar enough (Jaccard ≥ 0.8) share a template;
4. pages drawn at random among the other crawled pages — at least 10 % of the sample built so far,
   one at least — with a recorded seed, so the same seed on the same run draws the same pages.

``to_yaml`` writes it as a ``sample:`` block to paste into sites.yaml (its reasons in French, as sites.yaml
keeps them); ``describe`` says it in the reader's language (``audit.words``).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml

from audit import words
from audit.address import normalise, site_path, title_head
from audit.model import PageKind, PageSnapshot, Site
from audit.store import RunInfo, Store, page_id
from audit.words import N_, Msg

SIMILARITY = 0.8  # Jaccard index above which two pages share a template
RANDOM_SHARE = 0.10  # at least this share of the sample is drawn at random
TEMPLATE_DEPTH = 3


@dataclass(frozen=True, slots=True)
class RequiredPage:
    kind: str
    label: str  # a msgid (French), as the reason says it
    slugs: frozenset[str]  # last URL path segment, without extension, accents or case
    words: tuple[str, ...]  # titles and link texts, normalised (lower case, no accents)


REQUIRED: tuple[RequiredPage, ...] = (
    RequiredPage("accueil", N_("accueil"), frozenset({"", "index", "accueil", "home"}), ("accueil", "page d'accueil")),
    RequiredPage("contact", N_("contact"), frozenset({"contact", "contacts", "nous-contacter", "contactez-nous"}),
                 ("contact", "nous contacter", "contactez-nous", "nous ecrire")),
    RequiredPage("mentions", N_("mentions légales"),
                 frozenset({"mentions-legales", "mentions", "informations-legales", "legal"}),
                 ("mentions legales", "informations legales")),
    RequiredPage("accessibilite", N_("accessibilité"),
                 frozenset({"accessibilite", "declaration-accessibilite", "declaration-d-accessibilite",
                            "accessibility"}),
                 ("accessibilite", "declaration d'accessibilite")),
    RequiredPage("plan", N_("plan du site"), frozenset({"plan-du-site", "plan-site", "sitemap", "plan"}),
                 ("plan du site",)),
    RequiredPage("aide", N_("aide"), frozenset({"aide", "help", "faq", "besoin-d-aide"}),
                 ("aide", "besoin d'aide", "faq", "questions frequentes")),
    RequiredPage("connexion", N_("connexion"),
                 frozenset({"connexion", "login", "se-connecter", "identification", "authentification"}),
                 ("connexion", "se connecter", "me connecter", "identification", "mon compte")),
)


@dataclass(frozen=True, slots=True)
class SampleEntry:
    name: str
    path: str  # URL path (+ query) on the site, or "journey:<id>:<step>"
    reasons: tuple[Msg, ...]  # said in the reader's language; str() is the French
    kinds: tuple[str, ...]  # required:<kind> | configured | journey | template | random
    page_key: str | None = None  # the page in the run; None when the run did not gather it
    template: int | None = None  # template number (1-based), for crawled HTML pages
    said_name: Msg | None = None  # the name when a11y-audit made it up (a journey step's), ``name`` its French

    @property
    def reason(self) -> str:
        """The reasons in French, as ``--pin`` writes them into sites.yaml."""
        return self.reason_in(words.SOURCE)

    def reason_in(self, lang: str | None = None) -> str:
        """The reasons in ``lang``, one after the other (« a ; b »)."""
        said = [reason.render(lang) for reason in self.reasons]
        out = said[-1] if said else ""
        for reason in reversed(said[:-1]):
            out = words.text("{first} ; {others}", lang=lang, first=reason, others=out)
        return out

    def name_in(self, lang: str | None = None) -> str:
        return self.said_name.render(lang) if self.said_name is not None else self.name


@dataclass(frozen=True, slots=True)
class Template:
    number: int
    pages: tuple[str, ...]  # page keys, crawl order
    representative: str


@dataclass(frozen=True, slots=True)
class Sample:
    site: str
    run: str
    seed: int
    pages: tuple[SampleEntry, ...]
    missing: tuple[str, ...] = ()  # required pages not found (their labels: msgids, French)
    templates: tuple[Template, ...] = ()
    crawled: int = 0  # HTML pages of the run that could be sampled
    random_count: int = 0
    notes: tuple[Msg, ...] = field(default_factory=tuple)


def _slug(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return ""
    last = re.sub(r"\.(html?|php|aspx?|jsp)$", "", segments[-1].lower())
    return normalise(last).replace(" ", "-").replace("_", "-")


def _title_head(title: str | None) -> str:
    return normalise(re.split(r"\s+[—–|-]\s+", title or "", maxsplit=1)[0])


def _says(text: str, words: Iterable[str]) -> bool:
    return any(text == w or text.startswith(w + " ") or text.startswith(w + " :") for w in words)


def _dom(store: Store, run: RunInfo, snap: PageSnapshot):
    name = snap.files.get("dom")
    if not name:
        return None
    path = Path(run.folder) / "pages" / page_id(snap.key) / name
    if not path.is_file():
        return None
    from lxml import html as lxml_html

    try:
        return lxml_html.document_fromstring(path.read_bytes().decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - an unparsable DOM has no structure to compare
        return None


_SKIP = {"script", "style", "noscript", "template", "link", "meta", "br"}
_LANDMARK_TAGS = {"header": "banner", "nav": "navigation", "main": "main", "aside": "complementary",
                  "footer": "contentinfo", "search": "search"}
_LANDMARK_ROLES = {"banner", "navigation", "main", "complementary", "contentinfo", "search", "form", "region"}


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def structure(tree) -> frozenset[str]:
    """The DOM-structure fingerprint of a page: tag paths of the first levels under body + landmarks."""
    if tree is None:
        return frozenset()
    body = tree.find(".//body")
    if body is None:
        return frozenset()
    features: set[str] = set()

    def walk(el, path: str, depth: int) -> None:
        for child in el:
            tag = _tag(child)
            if tag is None or tag in _SKIP:
                continue
            role = (child.get("role") or "").strip().lower()
            step = f"{tag}[{role}]" if role else tag
            here = f"{path}/{step}" if path else step
            features.add(here)
            if depth < TEMPLATE_DEPTH:
                walk(child, here, depth + 1)

    walk(body, "", 1)
    for el in body.iter():
        tag = _tag(el)
        if tag is None:
            continue
        role = (el.get("role") or "").strip().lower()
        landmark = role if role in _LANDMARK_ROLES else _LANDMARK_TAGS.get(tag)
        if not landmark:
            continue
        chain = [landmark]
        for anc in el.iterancestors():
            atag = _tag(anc)
            arole = (anc.get("role") or "").strip().lower()
            alm = arole if arole in _LANDMARK_ROLES else _LANDMARK_TAGS.get(atag or "")
            if alm:
                chain.append(alm)
        features.add("landmark:" + ">".join(reversed(chain)))
    return frozenset(features)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def cluster(structures: list[tuple[str, frozenset[str]]], threshold: float = SIMILARITY) -> list[list[str]]:
    """Greedy clustering, in crawl order: a page joins the first template whose first page is similar."""
    clusters: list[tuple[frozenset[str], list[str]]] = []
    for key, feats in structures:
        for rep, members in clusters:
            if similarity(rep, feats) >= threshold:
                members.append(key)
                break
        else:
            clusters.append((feats, [key]))
    return [members for _, members in clusters]


def _link_texts(trees: dict[str, tuple[PageSnapshot, object]]) -> dict[str, set[str]]:
    """Normalised texts of the links pointing to each URL (fragment dropped), across the crawl."""
    texts: dict[str, set[str]] = {}
    for snap, tree in trees.values():
        if tree is None:
            continue
        base = snap.final_url or snap.url
        for a in tree.iterfind(".//a[@href]"):
            text = normalise(a.text_content()) or normalise(a.get("aria-label")) or normalise(a.get("title"))
            if not text:
                continue
            target = urldefrag(urljoin(base, a.get("href", "")))[0]
            texts.setdefault(target, set()).add(text)
    return texts


def _score(req: RequiredPage, snap: PageSnapshot, links: dict[str, set[str]]) -> int:
    urls = [u for u in (snap.final_url, snap.url) if u]
    score = 0
    if any(_slug(u) in req.slugs for u in urls):
        score += 3
    if _says(_title_head(snap.title), req.words) or _says(normalise(snap.name), req.words):
        score += 2
    if any(_says(t, req.words) for u in urls for t in links.get(u, ())):
        score += 2
    return score


def _matches_name(req: RequiredPage, name: str) -> bool:
    return _says(normalise(name), req.words)


def _eligible(snap: PageSnapshot) -> bool:
    return (snap.kind == PageKind.HTML and not snap.error and snap.journey is None
            and (snap.status is None or snap.status < 400))


def propose(store: Store, run: RunInfo, site: Site, seed: int | None = None) -> Sample:
    """The RGAA sample proposed from ``run``'s pages and ``site``'s configuration."""
    snaps = store.pages(run)
    crawled = [s for s in snaps if _eligible(s)]
    trees = {s.key: (s, _dom(store, run, s)) for s in crawled}
    links = _link_texts(trees)
    by_path: dict[str, PageSnapshot] = {}
    for s in crawled:
        for u in (s.url, s.final_url):
            if u:
                by_path.setdefault(site_path(u), s)

    entries: dict[str, dict] = {}  # path -> {name, reasons, kinds, key}

    def add(path: str, name: str | Msg, reason: Msg, kind: str, key: str | None) -> None:
        entry = entries.setdefault(path, {"name": name, "reasons": [], "kinds": [], "key": key})
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
            entry["kinds"].append(kind)
        entry["key"] = entry["key"] or key

    # 1. required pages: configured ones first (by name), else found in the crawl
    found: dict[str, str] = {}
    for page in site.pages:
        snap = by_path.get(page.path) or by_path.get(site_path(urljoin(site.base_url + "/", page.path)))
        kinds = [r for r in REQUIRED if _matches_name(r, page.name)]
        for req in kinds:
            if req.kind not in found:
                found[req.kind] = page.path
                add(page.path, page.name, Msg("page obligatoire : {label} (configurée dans sites.yaml)",
                                              label=Msg(req.label)),
                    f"required:{req.kind}", snap.key if snap else None)
        if not kinds:
            add(page.path, page.name, Msg("page configurée dans sites.yaml"), "configured",
                snap.key if snap else None)
    for req in REQUIRED:
        if req.kind in found:
            continue
        scored = [(_score(req, s, links), s) for s in crawled]
        scored = [(n, s) for n, s in scored if n > 0]
        if not scored:
            continue
        best = max(n for n, _ in scored)
        snap = min((s for n, s in scored if n == best),
                   key=lambda s: (len(site_path(s.final_url or s.url)), crawled.index(s)))
        path = site_path(snap.final_url or snap.url)
        found[req.kind] = path
        add(path, snap.name or _title_head_raw(snap.title) or path,
            Msg("page obligatoire : {label}", label=Msg(req.label)), f"required:{req.kind}", snap.key)
    missing = tuple(r.label for r in REQUIRED if r.kind not in found)

    # 2. journeys: every audited step
    journey_keys = {s.key: s for s in snaps if s.journey is not None}
    for journey in site.journeys:
        for i, step in enumerate(journey.steps):
            if not step.audit:
                continue
            key = f"journey:{journey.id}:{i}"
            snap = journey_keys.get(key)
            name = step.name or (snap.name if snap else None) or Msg("{journey} — étape {n}", journey=journey.name,
                                                                     n=i + 1)
            add(key, name, Msg("étape du parcours « {journey} »", journey=journey.name), "journey",
                key if snap else None)

    # 3. templates: one representative each
    templates_raw = cluster([(s.key, structure(trees[s.key][1])) for s in crawled])
    path_of = {s.key: site_path(s.final_url or s.url) for s in crawled}
    template_of: dict[str, int] = {}
    templates = []
    for number, members in enumerate(templates_raw, start=1):
        for key in members:
            template_of[key] = number
        chosen = next((k for k in members if path_of[k] in entries), None)
        rep = chosen or members[0]
        templates.append(Template(number=number, pages=tuple(members), representative=rep))
        if chosen is None:
            snap = trees[rep][0]
            add(path_of[rep], snap.name or _title_head_raw(snap.title) or path_of[rep],
                Msg.plural(len(members), "représentant du gabarit n° {number} ({n} page)",
                           "représentant du gabarit n° {number} ({n} pages)", number=number),
                "template", rep)
        else:
            entries[path_of[rep]]["reasons"].append(Msg("représente aussi le gabarit n° {number}", number=number))
            entries[path_of[rep]]["kinds"].append("template")

    # 4. random pages, with a recorded seed
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    candidates = sorted(path_of[s.key] for s in crawled if path_of[s.key] not in entries)
    wanted = max(1, math.ceil(RANDOM_SHARE * len(entries))) if candidates else 0
    drawn = random.Random(seed).sample(candidates, min(wanted, len(candidates)))
    for path in drawn:
        snap = by_path[path]
        add(path, snap.name or _title_head_raw(snap.title) or path, Msg("tirée au hasard (graine {seed})", seed=seed),
            "random", snap.key)

    pages = tuple(SampleEntry(name=str(e["name"]), path=p, reasons=tuple(e["reasons"]), kinds=tuple(e["kinds"]),
                              page_key=e["key"], template=template_of.get(e["key"] or ""),
                              said_name=e["name"] if isinstance(e["name"], Msg) else None)
                  for p, e in entries.items())
    notes = []
    if not crawled:
        notes.append(Msg("Aucune page explorée utilisable : lancez d'abord un audit (a11y-audit run)."))
    return Sample(site=site.id, run=run.id, seed=seed, pages=pages, missing=missing, templates=tuple(templates),
                  crawled=len(crawled), random_count=len(drawn), notes=tuple(notes))


_title_head_raw = title_head


def describe(sample: Sample, lang: str = "fr") -> str:
    """The sample as a person reads it, in ``lang`` (French by default)."""
    lines = [words.text(
        "Échantillon proposé pour {site} (audit {run}, {crawled}, {templates}) : {pages}", lang=lang,
        site=sample.site, run=sample.run,
        crawled=words.plural(sample.crawled, "{n} page explorée", "{n} pages explorées", lang=lang),
        templates=words.plural(len(sample.templates), "{n} gabarit", "{n} gabarits", lang=lang),
        pages=words.plural(len(sample.pages), "{n} page", "{n} pages", lang=lang))]
    width = len(str(len(sample.pages)))
    for i, entry in enumerate(sample.pages, start=1):
        name = entry.name_in(lang)
        if entry.page_key:
            page = f"{name} — {entry.path}"
        else:
            page = words.text("{name} — {path} — absente de cet audit", lang=lang, name=name, path=entry.path)
        lines.append(f"  {i:>{width}}. {page}")
        lines.append(f"  {' ' * width}  {entry.reason_in(lang)}")
    if sample.missing:
        lines.append(words.text("Pages obligatoires introuvables : {pages}. Si le site les a, ajoutez-les dans "
                                "sites.yaml (rubrique pages).", lang=lang,
                                pages=", ".join(words.gettext(label, lang) for label in sample.missing)))
    lines.append(words.plural(
        sample.random_count,
        "Tirage au hasard : {n} page, graine {seed} (`a11y-audit sample {site} --seed {seed}` refait le même "
        "tirage sur le même audit).",
        "Tirage au hasard : {n} pages, graine {seed} (`a11y-audit sample {site} --seed {seed}` refait le même "
        "tirage sur le même audit).",
        lang=lang, seed=sample.seed, site=sample.site))
    lines.extend(note.render(lang) for note in sample.notes)
    return "\n".join(lines)


class _Dumper(yaml.SafeDumper):
    pass


def to_yaml(sample: Sample, indent: int = 4, today: date | None = None) -> str:
    """A ``sample:`` block to paste into sites.yaml, under the site (``indent`` spaces, 4 in our layout)."""
    items = [{"name": e.name, "path": e.path, "reason": e.reason} for e in sample.pages]
    body = yaml.dump({"sample": items}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10_000)
    when = (today or date.today()).isoformat()
    head = [f"# Échantillon RGAA proposé par a11y-audit le {when} à partir de l'audit {sample.run}.",
            f"# Tirage au hasard : graine {sample.seed}. À coller dans sites.yaml sous le site « {sample.site} »,",
            "# au même niveau que `pages:` ; relisez-le et ajustez-le avant l'audit."]
    pad = " " * indent
    return "\n".join(pad + line for line in head + body.rstrip("\n").splitlines()) + "\n"


class SampleError(Exception):
    """A pinned sample file that cannot be used, phrased as ``file:line: path: message``."""


@dataclass(frozen=True, slots=True)
class PinnedPage:
    """A page of a pinned sample (what ``to_yaml`` writes and sites.yaml's ``sample:`` holds)."""

    name: str
    path: str
    reason: str = ""


def load_pinned(path: str | Path) -> tuple[PinnedPage, ...]:
    """A ``sample:`` block written by ``a11y-audit sample --pin`` (indented or not), or a sites.yaml-like file
    whose first site has ``sample:``."""
    from audit import reader

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SampleError(f"{p}: " + words.text("fichier introuvable. Écrivez-le avec `a11y-audit sample SITE --pin {file}`.", file=p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SampleError(f"{p}: " + words.text("lecture impossible en texte UTF-8 : {error}", error=exc)) from None
    node = reader.compose(text, str(p), SampleError)
    if node is None or not isinstance(node.value, dict):
        raise SampleError(f"{p}:1: " + words.text("une liste `sample:` de {{name, path}} est attendue"))
    if "sample" not in node.value and "sites" in node.value:
        sites = node.value["sites"][1]
        if not isinstance(sites.value, list) or not sites.value:
            raise SampleError(f"{p}:{sites.line}: sites: " + words.text("une liste de sites est attendue"))
        node = sites.value[0]
    pair = node.value.get("sample") if isinstance(node.value, dict) else None
    if pair is None or not isinstance(pair[1].value, list) or not pair[1].value:
        raise SampleError(f"{p}:{node.line}: sample: " + words.text("une liste non vide de {{name, path}} est attendue"))
    pages = []
    seen: dict[str, int] = {}
    for i, item in enumerate(pair[1].value):
        r = reader.Reader(str(p), item, f"sample[{i}]", SampleError)
        page = PinnedPage(name=r.text("name", required=True), path=r.text("path", required=True),
                          reason=r.text("reason"))
        r.done()
        if not (page.path.startswith("/") or re.fullmatch(r"journey:[a-z0-9][a-z0-9_-]*:\d+", page.path)):
            raise SampleError(f"{p}:{item.line}: sample[{i}].path: "
                              + words.text("un chemin d'adresse commençant par / ou une étape de parcours journey:<id>:<étape> est attendu, pas « {path} »", path=page.path))
        if page.path in seen:
            raise SampleError(f"{p}:{item.line}: sample[{i}].path: "
                              + words.text("« {path} » est déjà dans l'échantillon (ligne {line})", path=page.path, line=seen[page.path]))
        seen[page.path] = item.line
        pages.append(page)
    return tuple(pages)

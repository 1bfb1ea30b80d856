"""Theme 4 (Multimédia): find the media of a page and ask the questions only a person can answer.

Temporal media are ``<video>``, ``<audio>``, ``<object>``/``<embed>`` playing a media file and the
players of video and podcast hosts embedded in an ``<iframe>`` (YouTube, Vimeo, Dailymotion, PeerTube,
SoundCloud…). Non-temporal media are ``<canvas>``, ``<applet>`` and plugin objects (RGAA glossary).

A page without any of them is *inapplicable* for the theme, and the finding says so: the rendered DOM
holds every element scripts inserted, so an absent ``<video>`` is strong evidence. Whether a transcript,
captions or an audio description are needed and relevant is a person's call: one ``cant_tell`` per medium,
with the question. What markup decides is decided: a Flash object with ``wmode`` transparent/opaque is
invisible to screen readers (failed 4.13.1, per the glossary).

Autoplay (4.10) never fails here: a sound of 3 seconds or less, or a page button that stops it, satisfies
the test, and neither is visible in markup (W3C ACT rules 80f0bf, 4c31df and aaa1bf pass such cases).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from audit.checks import Evidence, Result, check
from audit.checks.exposure import dom_of, fold, norm, short, tag, view
from audit.model import Impact, Outcome
from audit.words import N_, Msg

VIDEO_HOSTS = re.compile(
    r"(?:youtube(?:-nocookie)?\.com/(?:embed|watch|v/|shorts/)|youtu\.be/|player\.vimeo\.com/|vimeo\.com/(?:video/)?\d"
    r"|dailymotion\.com/(?:embed|video)|geo\.dailymotion\.com/player|dai\.ly/|/videos/(?:embed|watch)/"
    r"|player\.twitch\.tv|facebook\.com/plugins/video|embed\.ted\.com|fast\.wistia\.|players\.brightcove\."
    r"|kaltura\.com/p/|canal-u\.tv/.*embed|arte\.tv/player|embed\.francetv\.fr|player\.ina\.fr|streamable\.com/[eo]/)",
    re.I)
AUDIO_HOSTS = re.compile(
    r"(?:w\.soundcloud\.com/player|open\.spotify\.com/embed|widget\.deezer\.com|deezer\.com/plugins|player\.ausha\.co"
    r"|embed\.podcasts\.apple\.com|anchor\.fm/.*/embed|mixcloud\.com/widget|bandcamp\.com/EmbeddedPlayer"
    r"|radiofrance\.fr/.*(?:embed|player)|audiomeans\.fr/player|player\.acast\.com|podcasts\.captivate\.fm)", re.I)
VIDEO_FILE = re.compile(r"\.(?:mp4|webm|ogv|mov|m4v|m3u8|mpd|avi|wmv|flv)(?:[?#]|$)", re.I)
AUDIO_FILE = re.compile(r"\.(?:mp3|wav|m4a|aac|oga|ogg|flac|opus|wma)(?:[?#]|$)", re.I)
TRANSCRIPT = re.compile(r"\b(?:transcription|transcript|retranscription|version (?:texte|textuelle|ecrite)|"
                        r"texte (?:integral|de la video|du podcast|de l'emission)|audiodescription|audio description|"
                        r"audio-description)\b")

NO_TEMPORAL = N_("Aucun média temporel dans la page (ni video, ni audio, ni lecteur vidéo ou audio intégré) : "
                 "le critère ne s'applique pas à cette page.")
NO_VIDEO = N_("Aucune vidéo dans la page (ni video, ni lecteur vidéo intégré) : le critère ne s'applique pas à cette "
              "page.")
NO_NON_TEMPORAL = N_("Aucun média non temporel dans la page (ni canvas, ni applet, ni objet de plugin) : le critère "
                     "ne s'applique pas à cette page.")
# a medium as the subject of a sentence (« La vidéo (youtube.com/embed/x) a une piste … »)
KIND_NAMES = {"video": N_("La vidéo"), "audio": N_("Le son"), "player": N_("Le lecteur vidéo intégré"),
              "audio-player": N_("Le lecteur audio intégré"), "object": N_("L'objet")}
TAG_NAMES = {"canvas": N_("Le canvas"), "applet": N_("L'applet")}


@dataclass(frozen=True, slots=True)
class Media:
    element: Any
    kind: str  # video | audio | player (embedded video player) | audio-player | object
    native: bool  # <video>/<audio>: the browser draws its controls
    source: str

    @property
    def has_video(self) -> bool:
        return self.kind in ("video", "player") or (self.kind == "object" and bool(VIDEO_FILE.search(self.source)))

    def describe(self) -> Msg:
        """The medium as the subject of a sentence: « La vidéo (youtube.com/embed/x) », « Le canvas (id=carte) »."""
        what = Msg(TAG_NAMES.get(tag(self.element), KIND_NAMES[self.kind]))
        if self.source:
            src = urlsplit(self.source)
            return Msg("{what} ({source})", what=what, source=short((src.netloc + src.path) or self.source, 70))
        if self.element.get("id"):
            return Msg("{what} (id={ident})", what=what, ident=self.element.get("id"))
        return what


def _alone(m: Media) -> Msg:
    """The medium, named and nothing more, as a message (the check's question says what to look at)."""
    return Msg("{medium}.", medium=m.describe())


def _src(el) -> str:
    for attr in ("src", "data", "data-src", "movie"):
        if norm(el.get(attr)):
            return norm(el.get(attr))
    for child in el:
        if tag(child) == "source" and norm(child.get("src")):
            return norm(child.get("src"))
        if tag(child) == "param" and (child.get("name") or "").lower() in ("movie", "src", "url", "filename"):
            return norm(child.get("value"))
    return ""


def temporal_media(dom) -> list[Media]:
    """Every rendered temporal medium of the page, in document order."""
    v = view(dom)
    out = []
    for el in dom.iter("video", "audio", "iframe", "object", "embed", "bgsound"):
        if not v.rendered(el) or any(tag(a) in ("object", "video", "audio") for a in el.iterancestors()):
            continue
        t, src = tag(el), _src(el)
        mime = (el.get("type") or "").lower()
        if t in ("video", "audio"):
            out.append(Media(el, t, True, src))
        elif t == "bgsound":
            out.append(Media(el, "audio", False, src))
        elif VIDEO_HOSTS.search(src):
            out.append(Media(el, "player", False, src))
        elif AUDIO_HOSTS.search(src):
            out.append(Media(el, "audio-player", False, src))
        elif t in ("object", "embed") and (mime.startswith(("video/", "audio/")) or VIDEO_FILE.search(src)
                                         or AUDIO_FILE.search(src)):
            kind = "audio" if mime.startswith("audio/") or AUDIO_FILE.search(src) else "object"
            out.append(Media(el, kind, False, src))
    return out


def non_temporal_media(dom) -> list[Media]:
    """canvas, applet and plugin objects (Flash, Java…) that are not images, documents or media files."""
    v = view(dom)
    temporal = {m.element for m in temporal_media(dom)}
    out = []
    for el in dom.iter("canvas", "applet", "object", "embed"):
        if el in temporal or not v.rendered(el) or any(tag(a) in ("object", "canvas") for a in el.iterancestors()):
            continue
        src, mime = _src(el), (el.get("type") or "").lower()
        if tag(el) in ("object", "embed"):
            if mime.startswith(("image/", "text/")) or "pdf" in mime or re.search(
                    r"\.(?:svg|png|jpe?g|gif|webp|pdf|html?)(?:[?#]|$)", src, re.I):
                continue
            if not src and not mime:
                continue
        out.append(Media(el, "object", False, src))
    return out


def _nearby_text(el, dom) -> str:
    """Text next to a medium: its figure caption, siblings, the heading just before, its own name."""
    v = view(dom)
    parts = [norm(el.get("title")), norm(el.get("aria-label")), v.labelledby_text(el)]
    parent = el.getparent()
    if parent is not None:
        if tag(parent) == "figure":
            caption = next((c for c in parent if tag(c) == "figcaption"), None)
            if caption is not None:
                parts.append(v.text(caption))
        siblings = [c for c in parent if isinstance(c.tag, str) and c is not el]
        idx = list(parent).index(el)
        before = [c for c in list(parent)[:idx] if isinstance(c.tag, str)][-2:]
        after = [c for c in list(parent)[idx + 1:] if isinstance(c.tag, str)][:2]
        for sib in before + after:
            if sib in siblings:
                parts.append(v.text(sib))
        if len(norm(" ".join(parts))) < 10 and parent.getparent() is not None:
            parts.append(short(v.text(parent.getparent()), 200))
    return norm(" ".join(p for p in parts if p))


def _transcript_near(m: Media, dom) -> bool:
    return bool(TRANSCRIPT.search(fold(_nearby_text(m.element, dom))))


def _tracks(el) -> list:
    return [t for t in el if tag(t) == "track"]


def _each(dom, video_only: bool = False):
    media = temporal_media(dom)
    return [m for m in media if m.has_video] if video_only else media


def _videos(dom):
    return _each(dom, video_only=True)


def _per_medium(find: Callable[[Any], list], none: str):  # none: a msgid
    """A check that looks at each medium ``find(dom)`` returns: the function below gives the results for one
    medium (``m``, ``dom``); a page without any is inapplicable (``none`` says why)."""
    def wrap(judge: Callable[[Any, Any], Iterable[Result]]) -> Callable[[Evidence], Iterator[Result]]:
        @functools.wraps(judge)
        def run(evidence: Evidence) -> Iterator[Result]:
            dom = dom_of(evidence)
            if dom is None:
                return
            media = find(dom)
            if not media:
                yield Result(Outcome.INAPPLICABLE, message=none)
                return
            for m in media:
                yield from judge(m, dom)
        return run
    return wrap


# --- 4.1 / 4.2 transcripts and audio description ---------------------------------------------------


@check(
    id="rgaa-4.1-transcript",
    title=N_("Chaque média temporel a, si besoin, une transcription ou une audiodescription"),
    failure=N_("Un média temporel n'a ni transcription ni audiodescription"),
    description=N_("Un son ou une vidéo préenregistrés doivent être accompagnés d'une transcription textuelle "
                   "(lien ou texte adjacent) ou, pour la vidéo, d'une audiodescription synchronisée, sauf s'ils "
                   "sont eux-mêmes l'alternative d'un texte de la page."),
    how_to_fix=N_("Publiez la transcription complète (paroles et informations visuelles utiles) juste à côté du média, ou un lien adjacent vers elle."),
    rgaa=("4.1.1", "4.1.2", "4.1.3"),
    wcag=("1.2.1", "1.2.3"),
    impact=Impact.SERIOUS,
    question=N_("Ce média a-t-il une transcription textuelle adjacente (ou une audiodescription synchronisée), si son contenu l'exige ?"),
)
@_per_medium(_each, NO_TEMPORAL)
def transcript(m: Media, dom):
    message = Msg("{medium}. Un texte ou lien « transcription » est à côté.", medium=m.describe()) \
        if _transcript_near(m, dom) else Msg("{medium}. Aucune transcription repérée à côté.", medium=m.describe())
    yield Result(Outcome.CANT_TELL, element=m.element, message=message)


@check(
    id="rgaa-4.2-transcript-relevance",
    title=N_("Transcriptions et audiodescriptions sont pertinentes"),
    failure=N_("Une transcription ou une audiodescription n'est pas pertinente"),
    description=N_("La transcription doit reprendre tout ce qui est dit et les informations visuelles utiles, dans l'ordre."),
    how_to_fix=N_("Complétez la transcription : toutes les paroles, qui parle, et ce qui se voit et compte pour comprendre."),
    rgaa=("4.2.1", "4.2.2", "4.2.3"),
    wcag=("1.2.1", "1.2.3"),
    impact=Impact.SERIOUS,
    question=N_("Si ce média a une transcription ou une audiodescription, est-elle complète et fidèle au média ?"),
)
@_per_medium(_each, NO_TEMPORAL)
def transcript_relevance(m: Media, dom):
    message = Msg("{medium}. Une transcription semble adjacente : la comparer au média.", medium=m.describe()) \
        if _transcript_near(m, dom) else \
        Msg("{medium}. Aucune transcription repérée : s'il en existe une ailleurs, la comparer au média.",
            medium=m.describe())
    yield Result(Outcome.CANT_TELL, element=m.element, message=message)


# --- 4.3 / 4.4 captions ------------------------------------------------------------------------------


@check(
    id="rgaa-4.3-captions",
    title=N_("Chaque vidéo synchronisée a, si besoin, des sous-titres synchronisés"),
    failure=N_("Une vidéo n'a pas de sous-titres synchronisés"),
    description=N_("Une vidéo avec du son doit avoir des sous-titres synchronisés (pour les personnes sourdes ou "
                   "malentendantes) ; diffusés par <track>, ils doivent avoir kind=\"captions\"."),
    how_to_fix=N_("Ajoutez une piste <track kind=\"captions\" srclang=\"fr\" label=\"Français\" src=\"….vtt\"> ou activez les sous-titres du lecteur hébergé."),
    rgaa=("4.3.1", "4.3.2"),
    wcag=("1.2.2",),
    impact=Impact.CRITICAL,
    question=N_("Cette vidéo a-t-elle du son ? Si oui, a-t-elle des sous-titres synchronisés (ou une version sous-titrée adjacente) ?"),
)
@_per_medium(_videos, NO_VIDEO)
def captions(m: Media, dom):
    tracks = _tracks(m.element)
    kinds = [(t.get("kind") or "subtitles").strip().lower() for t in tracks]
    if "captions" in kinds:
        yield Result(Outcome.PASSED, element=m.element,
                     message=Msg("{medium} a une piste <track kind=\"captions\">.", medium=m.describe()))
    elif "subtitles" in kinds:
        yield Result(Outcome.CANT_TELL, element=m.element,
                     message=Msg("{medium} a une piste de sous-titres sans kind=\"captions\".", medium=m.describe()),
                     question=N_("Cette piste transcrit-elle les paroles et les sons pour les personnes sourdes ? "
                                 "Si oui, a-t-elle kind=\"captions\" (test 4.3.2) ?"))
    elif m.native:
        yield Result(Outcome.CANT_TELL, element=m.element,
                     message=Msg("{medium} n'a aucune piste <track> de sous-titres.", medium=m.describe()))
    else:
        yield Result(Outcome.CANT_TELL, element=m.element,
                     message=Msg("{medium} : les sous-titres éventuels viennent de l'hébergeur.", medium=m.describe()),
                     question=N_("Le lecteur propose-t-il des sous-titres synchronisés (pas seulement générés "
                                 "automatiquement) ?"))


@check(
    id="rgaa-4.4-captions-relevance",
    title=N_("Les sous-titres des vidéos sont pertinents"),
    failure=N_("Les sous-titres d'une vidéo ne sont pas pertinents"),
    description=N_("Des sous-titres pertinents reprennent toutes les paroles et les sons utiles, synchronisés avec l'image."),
    how_to_fix=N_("Relisez et corrigez les sous-titres (les sous-titres automatiques ne suffisent pas) : paroles, locuteurs, bruits utiles, synchronisation."),
    rgaa=("4.4.1",),
    wcag=("1.2.2",),
    impact=Impact.SERIOUS,
    question=N_("Si cette vidéo a des sous-titres, sont-ils complets, exacts et synchronisés ?"),
)
@_per_medium(_videos, NO_VIDEO)
def captions_relevance(m: Media, dom):
    yield Result(Outcome.CANT_TELL, element=m.element, message=_alone(m))


# --- 4.5 / 4.6 audio description ----------------------------------------------------------------------


@check(
    id="rgaa-4.5-audio-description",
    title=N_("Chaque vidéo a, si besoin, une audiodescription synchronisée"),
    failure=N_("Une vidéo n'a pas d'audiodescription"),
    description=N_("Quand l'image porte une information que la bande son ne donne pas, une audiodescription "
                   "synchronisée (ou une version audiodécrite adjacente) est nécessaire."),
    how_to_fix=N_("Produisez une version audiodécrite de la vidéo et proposez-la à côté, ou intégrez l'audiodescription au lecteur."),
    rgaa=("4.5.1", "4.5.2"),
    wcag=("1.2.5",),
    impact=Impact.SERIOUS,
    question=N_("L'image de cette vidéo donne-t-elle des informations absentes de la bande son ? Si oui, une audiodescription synchronisée est-elle proposée ?"),
)
@_per_medium(_videos, NO_VIDEO)
def audio_description(m: Media, dom):
    kinds = [(t.get("kind") or "").lower() for t in _tracks(m.element)]
    message = Msg("{medium}. Une piste <track kind=\"descriptions\"> est présente.", medium=m.describe()) \
        if "descriptions" in kinds else _alone(m)
    yield Result(Outcome.CANT_TELL, element=m.element, message=message)


@check(
    id="rgaa-4.6-audio-description-relevance",
    title=N_("Les audiodescriptions sont pertinentes"),
    failure=N_("Une audiodescription n'est pas pertinente"),
    description=N_("L'audiodescription doit décrire, aux moments utiles, les informations visuelles nécessaires à la compréhension."),
    how_to_fix=N_("Complétez l'audiodescription avec les actions, textes à l'écran et changements de scène utiles."),
    rgaa=("4.6.1", "4.6.2"),
    wcag=("1.2.5",),
    impact=Impact.MODERATE,
    question=N_("Si cette vidéo a une audiodescription, décrit-elle toutes les informations visuelles utiles ?"),
)
@_per_medium(_videos, NO_VIDEO)
def audio_description_relevance(m: Media, dom):
    yield Result(Outcome.CANT_TELL, element=m.element, message=_alone(m))


# --- 4.7 identification -----------------------------------------------------------------------------


@check(
    id="rgaa-4.7-identifiable",
    title=N_("Chaque média temporel est clairement identifiable"),
    failure=N_("Un média temporel n'est pas identifiable"),
    description=N_("Un texte adjacent (titre, légende) doit dire ce qu'est le média avant de le lancer."),
    how_to_fix=N_("Placez un titre ou une légende (figcaption) juste avant ou après le média, qui dit de quoi il s'agit."),
    rgaa=("4.7.1",),
    wcag=("1.1.1",),
    impact=Impact.MODERATE,
    question=N_("Le texte placé juste à côté de ce média permet-il de savoir de quoi il s'agit ?"),
)
@_per_medium(_each, NO_TEMPORAL)
def identifiable(m: Media, dom):
    near = _nearby_text(m.element, dom)
    message = Msg("{medium}. Texte proche : « {text} ».", medium=m.describe(), text=short(near, 100)) if near \
        else Msg("{medium}. Aucun texte juste à côté.", medium=m.describe())
    yield Result(Outcome.CANT_TELL, element=m.element, message=message)


# --- 4.8 / 4.9 / 4.12 non-temporal media ---------------------------------------------------------------


@check(
    id="rgaa-4.8-non-temporal-alternative",
    title=N_("Chaque média non temporel a, si besoin, une alternative"),
    failure=N_("Un média non temporel n'a pas d'alternative"),
    description=N_("Carte interactive, animation ou application dans un canvas ou un plugin : un lien ou bouton "
                   "adjacent doit mener à une alternative accessible."),
    how_to_fix=N_("Ajoutez juste à côté un lien vers une version accessible (texte, tableau, liste des informations)."),
    rgaa=("4.8.1", "4.8.2"),
    wcag=("1.1.1",),
    impact=Impact.SERIOUS,
    question=N_("Ce contenu (canvas, plugin) a-t-il, juste à côté, un lien ou un bouton vers une alternative accessible, si besoin ?"),
)
@_per_medium(non_temporal_media, NO_NON_TEMPORAL)
def non_temporal_alternative(m: Media, dom):
    yield Result(Outcome.CANT_TELL, element=m.element, message=_alone(m))


@check(
    id="rgaa-4.9-non-temporal-alternative-relevance",
    title=N_("Les alternatives des médias non temporels sont pertinentes"),
    failure=N_("L'alternative d'un média non temporel n'est pas pertinente"),
    description=N_("L'alternative doit donner accès au même contenu et à des fonctions équivalentes."),
    how_to_fix=N_("Complétez l'alternative pour qu'elle donne les mêmes informations et permette les mêmes actions."),
    rgaa=("4.9.1",),
    wcag=("1.1.1",),
    impact=Impact.MODERATE,
    question=N_("Si ce contenu a une alternative, donne-t-elle le même contenu et des fonctions similaires ?"),
)
@_per_medium(non_temporal_media, NO_NON_TEMPORAL)
def non_temporal_relevance(m: Media, dom):
    yield Result(Outcome.CANT_TELL, element=m.element, message=_alone(m))


# --- 4.10 automatic sound -----------------------------------------------------------------------------


def _autoplays(m: Media) -> bool:
    el = m.element
    if m.native:
        return el.get("autoplay") is not None and el.get("muted") is None
    if tag(el) == "bgsound":
        return True
    query = {k.lower(): v for k, v in parse_qs(urlsplit(m.source).query).items()}
    on = lambda key: key in query and query[key][-1].lower() in ("1", "true", "yes")  # noqa: E731
    if tag(el) == "iframe":
        return (on("autoplay") or on("auto_play")) and not (on("mute") or on("muted"))
    params = {(p.get("name") or "").lower(): p.get("value") for p in el if tag(p) == "param"}
    values = [el.get("autoplay"), el.get("autostart"), params.get("autoplay"), params.get("autostart")]
    return any(v is not None and v.strip().lower() not in ("false", "0", "no", "off") for v in values)


@check(
    id="rgaa-4.10-autoplay-sound",
    title=N_("Chaque son déclenché automatiquement peut être contrôlé"),
    failure=N_("Un son se déclenche automatiquement sans moyen de l'arrêter"),
    description=N_("Un son lancé au chargement gêne l'écoute du lecteur d'écran : il doit durer 3 secondes au "
                   "plus, ou pouvoir être arrêté, ou avoir son propre réglage de volume."),
    how_to_fix=N_("Retirez l'attribut autoplay (ou ajoutez muted) ; sinon, affichez les commandes (controls) ou un bouton qui coupe le son en tête de page."),
    rgaa=("4.10.1",),
    wcag=("1.4.2",),
    impact=Impact.CRITICAL,
    question=N_("Le son lancé automatiquement dure-t-il plus de 3 secondes ? Si oui, un bouton de la page permet-il de l'arrêter ou d'en régler le volume ?"),
)
def autoplay_sound(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    auto = [m for m in _each(dom) if _autoplays(m)]
    if not auto:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun média lancé automatiquement avec le son (ni autoplay "
                                                      "sans muted, ni lecteur intégré en autoplay) : le critère ne "
                                                      "s'applique pas à cette page."))
        return
    for m in auto:
        if m.native and m.element.get("controls") is not None:
            yield Result(Outcome.PASSED, element=m.element,
                         message=Msg("{medium} démarre seul, mais ses commandes natives (controls) permettent de "
                                     "l'arrêter.", medium=m.describe()))
        else:
            yield Result(Outcome.CANT_TELL, element=m.element,
                         message=Msg("{medium} démarre seul avec le son, sans commandes natives.", medium=m.describe()))


# --- 4.11 / 4.12 keyboard and pointer ---------------------------------------------------------------------


@check(
    id="rgaa-4.11-controls",
    title=N_("Chaque média temporel se contrôle au clavier et à la souris"),
    failure=N_("Un média temporel ne se contrôle pas au clavier"),
    description=N_("Lecture, pause, son, sous-titres : ces commandes doivent exister et s'utiliser au clavier comme "
                   "avec tout dispositif de pointage."),
    how_to_fix=N_("Utilisez l'attribut controls du navigateur ou un lecteur dont chaque bouton est un <button> nommé, atteignable au clavier."),
    rgaa=("4.11.1", "4.11.2", "4.11.3"),
    wcag=("2.1.1", "2.1.2"),
    impact=Impact.SERIOUS,
    question=N_("Ce média a-t-il les commandes lecture, pause, son (et sous-titres s'il en a), toutes atteignables et activables au clavier ?"),
)
@_per_medium(_each, NO_TEMPORAL)
def media_controls(m: Media, dom):
    if m.native and m.element.get("controls") is not None:
        yield Result(Outcome.PASSED, element=m.element,
                     message=Msg("{medium} utilise les commandes natives du navigateur (attribut controls).",
                                 medium=m.describe()))
    elif m.native:
        yield Result(Outcome.CANT_TELL, element=m.element,
                     message=Msg("{medium} n'a pas l'attribut controls : ses commandes viennent d'un script.",
                                 medium=m.describe()))
    else:
        yield Result(Outcome.CANT_TELL, element=m.element,
                     message=Msg("{medium} : commandes du lecteur intégré.", medium=m.describe()))


@check(
    id="rgaa-4.12-non-temporal-controls",
    title=N_("Chaque média non temporel se contrôle au clavier et à la souris"),
    failure=N_("Un média non temporel ne se contrôle pas au clavier"),
    description=N_("Chaque fonction d'une carte interactive, d'une animation ou d'une application doit s'utiliser au clavier et au pointeur."),
    how_to_fix=N_("Rendez chaque fonction atteignable et activable au clavier, ou proposez dans la page des boutons qui font la même chose."),
    rgaa=("4.12.1", "4.12.2"),
    wcag=("2.1.1", "2.1.2"),
    impact=Impact.SERIOUS,
    question=N_("Chaque fonction de ce contenu est-elle atteignable et activable au clavier comme à la souris ?"),
)
@_per_medium(non_temporal_media, NO_NON_TEMPORAL)
def non_temporal_controls(m: Media, dom):
    yield Result(Outcome.CANT_TELL, element=m.element, message=_alone(m))


# --- 4.13 assistive technologies ------------------------------------------------------------------------


def _wmode(el) -> str:
    value = (el.get("wmode") or "").lower()
    for p in el.iter("param", "embed"):
        if tag(p) == "param" and (p.get("name") or "").lower() == "wmode":
            value = value or (p.get("value") or "").lower()
        elif tag(p) == "embed":
            value = value or (p.get("wmode") or "").lower()
    return value


@check(
    id="rgaa-4.13-compatible",
    title=N_("Chaque média est compatible avec les technologies d'assistance"),
    failure=N_("Un média est incompatible avec les technologies d'assistance"),
    description=N_("Les commandes d'un lecteur doivent exposer nom, rôle et état aux technologies d'assistance ; "
                   "un objet Flash en wmode transparent ou opaque leur est invisible."),
    how_to_fix=N_("Préférez les éléments <video>/<audio> natifs ou un lecteur accessible ; retirez wmode=transparent/opaque des objets Flash."),
    rgaa=("4.13.1", "4.13.2"),
    wcag=("4.1.2",),
    impact=Impact.SERIOUS,
    question=N_("Avec un lecteur d'écran, chaque commande de ce média est-elle annoncée (nom, rôle, état) et utilisable ?"),
)
def compatible(evidence: Evidence):
    dom = dom_of(evidence)
    if dom is None:
        return
    media = _each(dom) + non_temporal_media(dom)
    if not media:
        yield Result(Outcome.INAPPLICABLE, message=N_("Aucun média (temporel ou non) dans la page : le critère ne "
                                                      "s'applique pas à cette page."))
        return
    for m in media:
        el = m.element
        if tag(el) in ("object", "embed") and _wmode(el) in ("transparent", "opaque"):
            yield Result(Outcome.FAILED, element=el,
                         message=Msg("L'objet a wmode=\"{wmode}\" : son contenu est invisible aux lecteurs d'écran.",
                                     wmode=_wmode(el)))
        elif m.native and el.get("controls") is not None:
            yield Result(Outcome.PASSED, element=el,
                         message=Msg("{medium} utilise les commandes natives du navigateur.", medium=m.describe()))
        else:
            yield Result(Outcome.CANT_TELL, element=el, message=_alone(m))

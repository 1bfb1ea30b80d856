"""Language codes and a small stop-word guesser, for RGAA 8.3, 8.4, 8.7 and 8.8.

``code_status`` judges a ``lang`` value the way RGAA 8.4 asks (ISO 639-1, ISO 639-2 and following) with
the BCP 47 shape around it. ``guess`` names the language of a passage of five words or more among
French, English, German, Spanish and Italian by counting words that belong to one of them only (so
"la", "de" or "in", shared by several, count for none); it says nothing when it is not clearly sure.
"""

from __future__ import annotations

import re
from enum import StrEnum

from audit.checks.exposure import words
from audit.words import N_, Msg

# ISO 639-1 (all two-letter codes, including the deprecated ones still seen in the wild).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el
en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it
iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo
mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh
si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
yi yo za zh zu""".split())

# ISO 639-2/3 codes likely on a French public site (regional languages, creoles, sign languages, the
# bibliographic/terminology pairs of common languages). A three-letter code outside this list may still
# be valid: it is reported as "to verify", never as invalid.
ISO_639_23 = frozenset("""
fra fre eng deu ger spa ita por nld dut ara zho chi rus jpn oci bre cos eus baq cat gsw pcd frp gcf rcf gcr
mfe lad yid heb tur pol ukr ron rum ell gre hye arm fas per vie kor tam hin ben urd pan swa som amh tir wol
bam ful hau yor ibo zul xho afr lat grc epo fsl ase bfi sgn mis mul und zxx kab ber tzm shi rif zgh rom rmy
yue cmn wuu nan hak haw mri mao smo ton fij tah srp hrv bos slk slo slv ces cze hun fin est lav lit swe nor
nob nno dan isl ice gle gla cym wel glg mlt alb sqi mkd mac bul bel kaz uzb aze kat geo mon tha lao khm mya
bur ind msa may tgl fil jav sun ceb hmn pus kur ckb sin nep mar guj kan mal tel ori asm san bod tib uig tat
bak chv sah ast arg ext mwl roa wln lij vec nap scn srd sco enm ang fro frm gmh goh non got sga mga yrl
""".split())

TAG_SHAPE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

# the name of each language guess() knows, as a word in a sentence (« le texte semble être en {language} »):
# French msgids, given to a Msg as Msg(LANGUAGE_NAMES[code])
LANGUAGE_NAMES = {"fr": N_("français"), "en": N_("anglais"), "de": N_("allemand"), "es": N_("espagnol"),
                  "it": N_("italien")}


class CodeStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"  # well formed, but a code we cannot confirm (a rare ISO 639-3 code, private use…)


def primary(code: str | None) -> str:
    return (code or "").strip().split("-")[0].lower()


def code_status(code: str) -> tuple[CodeStatus, Msg]:
    """Judge one lang value: (status, reason). The reason is a :class:`Msg` without its final full stop
    (« « fr » est un code de langue ISO 639-1 »), to be given as a value of a result's message."""
    value = code.strip()
    if not TAG_SHAPE.fullmatch(value):
        return CodeStatus.INVALID, Msg("« {code} » n'a pas la forme d'un code de langue (lettres et tirets, "
                                       "par exemple fr ou fr-FR)", code=value)
    first = primary(value)
    if first in ("x", "i"):
        return CodeStatus.UNKNOWN, Msg("« {code} » est un code privé ou ancien, que les lecteurs d'écran ignorent "
                                       "souvent", code=value)
    if len(first) == 2:
        if first in ISO_639_1:
            return CodeStatus.VALID, Msg("« {code} » est un code de langue ISO 639-1", code=value)
        return CodeStatus.INVALID, Msg("« {code} » n'est pas un code de langue ISO 639-1", code=first)
    if len(first) == 3:
        if first in ISO_639_23:
            return CodeStatus.VALID, Msg("« {code} » est un code de langue ISO 639-2/3", code=value)
        return CodeStatus.UNKNOWN, Msg("« {code} » n'est pas un code que l'outil connaît (ISO 639-3 rare ?)",
                                       code=first)
    return CodeStatus.INVALID, Msg("« {code} » n'est pas un code de langue (deux ou trois lettres, par exemple fr)",
                                   code=first)


_STOP = {
    "fr": """le les des du est et un une pour par sur dans avec au aux ce cette ces qui que pas plus sont nous
        vous ils elles leur leurs mais ou où été être avoir fait comme tout tous aussi très sa ses son notre nos
        votre vos je il elle on se ne y à même entre après avant depuis sans sous chez lors ainsi dont cet
        c'est d'un d'une l'on qu'il qu'elle n'est jusqu'au""",
    "en": """the and of to is are was were with from this that these those you your we our us be been being
        have has had will would can could should it its for by at as not or but which who what when where
        there their they them he she his her my me an all about into if more one so do does did let just than
        then only also how why here may must shall any some yes please thank thanks welcome click read
        together each other our it's don't we're you're""",
    "de": """der die das und ist nicht mit ein eine einen einem einer zu den dem des von auf für sich wir sie
        ich auch es im bei aus nach wie oder aber wenn noch nur sind wird werden hat haben kann dass über unter
        zum zur vom durch um bis sehr schon mehr heute hier unser ihr mein dein kein keine alle diese dieser
        dieses wo was wer warum ja nein bitte danke""",
    "es": """el los las y es por con para del al lo su sus como más pero muy está están este esta estos estas
        eso también hay ser fue son se no una uno nuestro nuestra usted ustedes yo él ella ellos hasta desde
        sobre sin cuando donde porque qué quién gracias hola""",
    "it": """il gli della delle dei degli che di è e non per con una sono questo questa nel nella alla anche
        come più ma ci essere hanno ha siamo perché quando dove grazie ciao molto lo al""",
}


def _exclusive() -> dict[str, frozenset[str]]:
    sets = {lang: set(text.split()) for lang, text in _STOP.items()}
    out = {}
    for lang, own in sets.items():
        others = set().union(*(s for other, s in sets.items() if other != lang))
        out[lang] = frozenset(own - others)
    return out


STOPWORDS = _exclusive()
# each stop word and the one language it belongs to (STOPWORDS' sets share no word)
LANGUAGE_OF = {word: lang for lang, stop in STOPWORDS.items() for word in stop}
MIN_WORDS = 5


def guess(text: str) -> str | None:
    """The language of a passage (fr, en, de, es, it), or None when unsure or shorter than five words."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return None
    tokens = [w.lower() for w in found]
    counts = dict.fromkeys(STOPWORDS, 0)
    for token in tokens:
        lang = LANGUAGE_OF.get(token)
        if lang is not None:
            counts[lang] += 1
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    (best, hits), (_, second) = ranked[0], ranked[1]
    if hits >= 2 and hits >= 0.15 * len(tokens) and hits >= 3 * second + 1:
        return best
    return None


SEGMENT = re.compile(r"[.!?;:«»\"“”()\[\]|\n]+|\s[–—-]\s")


def segments(text: str) -> list[str]:
    """Sentence-like pieces of a passage, where a change of language usually starts or ends."""
    return [s.strip() for s in SEGMENT.split(text) if s and s.strip()]

"""Every word a person reads, through gettext: French first, English complete.

The messages are written in French in the code and the templates (French is the source language of the
catalogues: a msgid *is* the French text), and translated in ``audit/locale/<lang>/LC_MESSAGES/*.po``,
which Babel extracts (``make catalogues``, ``babel.cfg``) and compiles to ``.mo`` at install time. A
translator works on ``audit/locale/en/LC_MESSAGES/messages.po`` without reading Python.

- :func:`text` — one message in a language, its ``{named}`` placeholders filled (``str.format``).
- :func:`plural` — the one way to say a number with its noun: ``plural(n, "{n} page", "{n} pages")``
  (French: 0 and 1 take the singular; English: only 1, from each catalogue's ``Plural-Forms``).
- :class:`Msg` — a message said later, in the language of whoever reads it (a check's finding is made once,
  read in French and in English): its msgid and values, kept as plain data in the run store.
- :func:`N_` — marks a msgid for extraction where the text is translated later (declared metadata).

The language of the command line's messages is French unless :func:`use` chose another one (``a11y-audit
--lang-cli en``) or ``A11Y_AUDIT_LANG=en`` is set; a report's language is its own ``--lang``, passed as
``lang=``. Logs and code stay English.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LANGS = ("fr", "en")
SOURCE = "fr"  # the language of the msgids
ENV = "A11Y_AUDIT_LANG"
LOCALE = Path(__file__).parent / "locale"

_chosen: str | None = None


def use(lang: str | None) -> None:
    """Choose the language of the messages (None: back to the environment's, else French)."""
    global _chosen
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    _chosen = lang


def chosen() -> str | None:
    """What :func:`use` chose, None when nothing did."""
    return _chosen


def language() -> str:
    """The language of the command line's messages."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV, "").strip().lower()
    return env if env in LANGS else SOURCE


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else language()


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogues of ``lang`` (every ``*.po`` of its folder, each from its ``.mo`` when that is
    up to date, else compiled in memory), or no translation at all for an unknown language."""
    folder = LOCALE / lang / "LC_MESSAGES"
    chain: _gettext.NullTranslations | None = None
    for po in sorted(folder.glob("*.po")):
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            with mo.open("rb") as fp:
                one = _gettext.GNUTranslations(fp)
        else:
            one = _gettext.GNUTranslations(io.BytesIO(compile_po(po)))
        if chain is None:
            chain = one
        else:
            chain.add_fallback(one)
    return chain or _gettext.NullTranslations()


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of one catalogue (Babel; fuzzy entries left out, as ``pybabel compile`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp)
    for message in list(catalog):  # an entry not (fully) translated yet falls back to the msgid, never to ""
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.id and not all(strings):
            catalog.delete(message.id, context=message.context)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def gettext(msgid: str, lang: str | None = None) -> str:
    """``msgid`` (French) in ``lang``; the French itself when a catalogue has no entry."""
    return translations(_lang(lang)).gettext(msgid) if msgid else msgid


def ngettext(singular: str, plural_: str, n: int, lang: str | None = None) -> str:
    lang = _lang(lang)
    if lang == SOURCE:  # the msgids are French: French's own rule, 0 and 1 in the singular
        return singular if n <= 1 else plural_
    return translations(lang).ngettext(singular, plural_, n)


def pgettext(context: str, msgid: str, lang: str | None = None) -> str:
    """``msgid`` in ``lang`` where the same French says two things (``context`` tells them apart)."""
    return translations(_lang(lang)).pgettext(context, msgid)


def text(msgid: str, /, lang: str | None = None, **values: object) -> str:
    """The message ``msgid`` in ``lang`` (default: the command line's language), placeholders filled."""
    return gettext(msgid, lang).format(**values)


def ptext(context: str, msgid: str, /, lang: str | None = None, **values: object) -> str:
    """:func:`text` for a msgid that needs a context (the same French, two meanings)."""
    return pgettext(context, msgid, lang).format(**values)


def plural(n: int, singular: str, plural_: str, /, lang: str | None = None, **values: object) -> str:
    """A number with its noun (or any sentence that agrees with it): ``{n}`` is ``n``."""
    return ngettext(singular, plural_, n, lang).format(n=n, **values)


def N_(msgid: str) -> str:  # noqa: N802 - gettext's own name for « translated later »
    """Marks ``msgid`` for extraction; it is translated where it is shown (:func:`gettext`)."""
    return msgid


def placeholders(template: str) -> set[str]:
    """The named placeholders of a message (``{file!r}`` → ``file``)."""
    return {name.split(".")[0].split("[")[0].split("!")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@dataclass(frozen=True)
class Msg:
    """A message said later: its French msgid, its values (which may be messages themselves) and, for a
    sentence that agrees with a number, its plural msgid and the number (``Msg.plural``)."""

    id: str
    values: Mapping[str, Any] = field(default_factory=dict)
    plural_id: str | None = None
    n: int | None = None

    def __init__(self, msgid: str, /, **values: Any):
        object.__setattr__(self, "id", msgid)
        object.__setattr__(self, "values", dict(values))
        object.__setattr__(self, "plural_id", None)
        object.__setattr__(self, "n", None)

    @classmethod
    def plural(cls, n: int, singular: str, plural_: str, /, **values: Any) -> Msg:
        out = cls(singular, **values)
        object.__setattr__(out, "plural_id", plural_)
        object.__setattr__(out, "n", n)
        return out

    def render(self, lang: str | None = None) -> str:
        values = {key: say(value, lang) for key, value in self.values.items()}
        if self.plural_id is not None:
            return ngettext(self.id, self.plural_id, self.n or 0, lang).format(n=self.n, **values)
        said = gettext(self.id, lang)
        return said.format(**values) if values or "{" in said else said

    def __str__(self) -> str:
        return self.render(SOURCE)

    def data(self) -> dict[str, Any]:
        """Plain JSON-able data (the run store keeps it with the finding)."""
        out: dict[str, Any] = {"id": self.id}
        if self.values:
            out["values"] = {key: _data(value) for key, value in self.values.items()}
        if self.plural_id is not None:
            out["plural"] = self.plural_id
            out["n"] = self.n
        return out

    @classmethod
    def of(cls, data: Any) -> Msg | None:
        """The message of :meth:`data` (None for anything else)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            return None
        values = {key: _value(value) for key, value in (data.get("values") or {}).items()}
        if isinstance(data.get("plural"), str):
            return cls.plural(int(data.get("n") or 0), data["id"], data["plural"], **values)
        return cls(data["id"], **values)


def _data(value: Any) -> Any:
    if isinstance(value, Msg):
        return value.data()
    if isinstance(value, list | tuple) and any(isinstance(v, Msg) for v in value):
        return [_data(v) for v in value]
    return value


def _value(data: Any) -> Any:
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return Msg.of(data)
    if isinstance(data, list) and any(isinstance(v, Mapping) and "id" in v for v in data):
        return [_value(v) for v in data]
    return data


def say(value: Any, lang: str | None = None) -> Any:
    """A value for a person: a :class:`Msg` rendered, a list of them joined, anything else as it is."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return ", ".join(v.render(lang) for v in value)
    return value


def said(message: Msg | str | None, data: Any = None, lang: str | None = None) -> str:
    """A stored message in ``lang``: from its :meth:`Msg.data` when kept, else the msgid it is (a check's
    declared text is translated), else as it was written (data from elsewhere: axe, a tester)."""
    msg = Msg.of(data) if data is not None else None
    if msg is not None:
        return msg.render(lang)
    if isinstance(message, Msg):
        return message.render(lang)
    return gettext(message, lang) if message else (message or "")


# --- Jinja2 ------------------------------------------------------------------------------------------


def install(environment, lang: str) -> None:
    """Give a Jinja2 environment (with the ``jinja2.ext.i18n`` extension) this module's messages in
    ``lang``: ``_("…", name=value)``, ``ngettext("{n} page", "{n} pages", n)`` and ``pgettext``, filled with
    ``str.format`` and escaped where the environment escapes (the values too)."""
    from jinja2 import pass_eval_context
    from markupsafe import Markup, escape

    def fill(eval_ctx, said_: str, values: dict[str, Any]) -> str:
        if eval_ctx.autoescape:
            return Markup(escape(said_)).format(**values) if values else Markup(escape(said_))
        return said_.format(**values) if values else said_

    @pass_eval_context
    def _gettext_(eval_ctx, msgid: str, **values: Any) -> str:
        return fill(eval_ctx, gettext(msgid, lang), values)

    @pass_eval_context
    def _ngettext_(eval_ctx, singular: str, plural_: str, n: int, **values: Any) -> str:
        return fill(eval_ctx, ngettext(singular, plural_, n, lang), {"n": n, **values})

    @pass_eval_context
    def _pgettext_(eval_ctx, context: str, msgid: str, **values: Any) -> str:
        return fill(eval_ctx, pgettext(context, msgid, lang), values)

    environment.install_gettext_callables(_gettext_, _ngettext_, newstyle=False, pgettext=_pgettext_)


# --- words shared by several outputs --------------------------------------------------------------

# an impact (model.Impact's values) as a word in a sentence; capitalise it for a heading or a table cell
IMPACTS = {"critical": N_("critique"), "serious": N_("grave"), "moderate": N_("modérée"), "minor": N_("mineure")}


def impact(value: str | None, lang: str | None = None) -> str:
    """« grave », « serious » …; « non précisée » when a finding has none."""
    value = str(value) if value else ""
    return gettext(IMPACTS[value], lang) if value in IMPACTS else gettext(N_("non précisée"), lang)


# --- a page's error in words -------------------------------------------------------------------------

_PAGE_ERROR_CRASH = N_("Chromium a planté sur cette page")
_PAGE_ERROR_HTTP = N_("le serveur a répondu par une erreur : page non auditée")
_PAGE_ERROR_STEP = N_("étape de parcours en échec")
_PAGE_ERROR_TIMEOUT = N_("délai de la page dépassé")
_PAGE_ERROR_TOO_BIG = N_("trop lourde pour être auditée")
_REASON_CERTIFICATE = N_("certificat HTTPS refusé")
_REASON_EMPTY = N_("le serveur a fermé la connexion sans répondre")
_REASON_REDIRECTS = N_("redirections sans fin")
_REASON_REFUSED = N_("connexion refusée")
_REASON_RESET = N_("connexion interrompue")
_REASON_TIMEOUT = N_("pas de réponse à temps")
_REASON_UNKNOWN_HOST = N_("nom d'hôte inconnu")
_REASON_UNREACHABLE = N_("adresse injoignable")
_REASON_UNSAFE_PORT = N_("port refusé par Chromium (réservé à un autre protocole)")
# Chromium's network errors a person can act on (net::ERR_…)
_NET_REASONS = {
    "ERR_CONNECTION_REFUSED": _REASON_REFUSED,
    "ERR_NAME_NOT_RESOLVED": _REASON_UNKNOWN_HOST,
    "ERR_CONNECTION_TIMED_OUT": _REASON_TIMEOUT,
    "ERR_TIMED_OUT": _REASON_TIMEOUT,
    "ERR_UNSAFE_PORT": _REASON_UNSAFE_PORT,
    "ERR_ADDRESS_UNREACHABLE": _REASON_UNREACHABLE,
    "ERR_CONNECTION_RESET": _REASON_RESET,
    "ERR_CONNECTION_CLOSED": _REASON_RESET,
    "ERR_EMPTY_RESPONSE": _REASON_EMPTY,
    "ERR_TOO_MANY_REDIRECTS": _REASON_REDIRECTS,
}
# the page errors a11y-audit writes itself (English, kept as the technical detail), by their opening words
_PAGE_ERRORS = (
    ("timeout", _PAGE_ERROR_TIMEOUT),
    ("HTTP ", _PAGE_ERROR_HTTP),
    ("page larger than", _PAGE_ERROR_TOO_BIG),
    ("document larger than", _PAGE_ERROR_TOO_BIG),
    ("Target crashed", _PAGE_ERROR_CRASH),
    ("journey step", _PAGE_ERROR_STEP),
)


def page_error(error: str, lang: str | None = None) -> str:
    """A page's error for a person: what happened in words, then the technical text it came from (network
    errors: their code only). Unknown errors are given as they are."""
    code = re.search(r"net::(ERR_[A-Z_]+)", error)
    if code and (code.group(1) in _NET_REASONS or code.group(1).startswith("ERR_CERT_")):
        return f"{gettext(_NET_REASONS.get(code.group(1), _REASON_CERTIFICATE), lang)} (net::{code.group(1)})"
    said = next((said for start, said in _PAGE_ERRORS if error.startswith(start)), None)
    return f"{gettext(said, lang)} ({error})" if said else error

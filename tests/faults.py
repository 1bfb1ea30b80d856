"""A fault-injection web server for the reliability tests: one route per way a real site can break.

Standard library only, threaded, bound to 127.0.0.1 on an ephemeral port. Start it as a context manager::

    with FaultServer() as faults:
        faults.url               # "http://127.0.0.1:54321"
        faults.url_for("hang")   # the URL of one fault, by name (see FAULTS)
        faults.sent["/huge"]     # bytes the server managed to send on that route

Each route is deterministic and bounded: the slow routes give up when the server stops (or after
``HANG_SECONDS``), the big ones stream from a small buffer, and the server counts what it sent so a
test can check that the client stopped reading. ``robots`` chooses what /robots.txt is: ``ok``,
``huge`` (over the 500 KB cap), ``invalid`` (binary garbage) or ``missing``.
"""

from __future__ import annotations

import html
import json
import random
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

HUGE_BYTES = 50 * 1024 * 1024  # the "50 MB page"
BOMB_BYTES = 128 * 1024 * 1024  # what the gzip bombs inflate to
HANG_SECONDS = 60.0  # upper bound for the routes that never finish (the server's stop ends them sooner)
BIG_DOM_ELEMENTS = 10_000
STREAM_SNDBUF = 64 * 1024  # bytes of kernel send buffer on the routes that stream megabytes
PAYLOADS_FILE = Path(__file__).parent / "fixtures" / "payloads" / "payloads.txt"

# name -> path of each fault a page can be sent to (tests and docs/reliability.md use these names).
FAULTS: dict[str, str] = {
    "ok": "/ok/1",
    "status-500": "/status/500",
    "status-503": "/status/503",
    "reset": "/reset",
    "empty": "/empty",
    "hang": "/hang",
    "hang-headers": "/hang-headers",
    "redirect-loop": "/loop/a",
    "calendar": "/calendar?month=2026-01",
    "huge": "/huge",
    "huge-chunked": "/huge-chunked",
    "gzip-bomb": "/gzip-bomb",
    "binary": "/binary",
    "charset-wrong": "/charset/wrong",
    "charset-missing": "/charset/missing",
    "charset-unknown": "/charset/unknown",
    "charset-conflict": "/charset/conflict",
    "malformed": "/malformed",
    "js-loop": "/js/loop",
    "js-loop-late": "/js/loop-late",
    "js-dialogs": "/js/dialogs",
    "js-print": "/js/print",
    "js-crash": "/js/crash",
    "popup": "/js/popup",
    "navigate-away": "/js/navigate",
    "js-redirect": "/js/redirect",
    "meta-refresh": "/meta-refresh",
    "big-dom": "/big-dom",
    "payloads": "/payloads",
}

_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""

_CALENDAR_MONTHS = [f"{y:04d}-{m:02d}" for y in range(1900, 2200) for m in range(1, 13)]


def page(title: str, body: str = "<p>Contenu de la page.</p>") -> bytes:
    """A small valid French page (titles are escaped; ``body`` is raw HTML)."""
    return _PAGE.format(title=html.escape(title), body=body).encode("utf-8")


def payloads() -> list[str]:
    """The payload corpus: one payload a line (blank lines ignored)."""
    text = PAYLOADS_FILE.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line.strip()]


@cache
def _bomb(size: int = BOMB_BYTES, fill: bytes = b" ") -> bytes:
    """gzip of ``size`` bytes of ``fill``: about 1000:1, made without ever holding ``size`` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = fill * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


@cache
def _binary() -> bytes:
    return random.Random(8).randbytes(16 * 1024)


def _month_shift(month: str, delta: int) -> str:
    try:
        index = _CALENDAR_MONTHS.index(month)
    except ValueError:
        index = _CALENDAR_MONTHS.index("2026-01")
    return _CALENDAR_MONTHS[max(0, min(len(_CALENDAR_MONTHS) - 1, index + delta))]


def payload_page() -> bytes:
    """Every payload where a site puts untrusted text: title, headings, alt, link text and href,
    attributes of failing elements (they become snippets), form labels, table cells."""
    items = payloads()
    parts = []
    for i, p in enumerate(items):
        e = html.escape(p, quote=True)
        href = p if p.lower().lstrip().startswith(("javascript:", "data:", "vbscript:")) else "/ok/1?q=" + quote(p)
        parts.append(
            f'<section><h2>{e}</h2>'
            f'<p>{e}</p>'
            f'<img src="/pixel.png" data-payload="{e}">'  # no alt: an axe failure whose snippet carries it
            f'<img src="/pixel.png" alt="{e}">'
            f'<a href="{html.escape(href, quote=True)}">{e}</a>'
            f'<a href="/ok/1?n={i}" title="{e}"></a>'  # empty link: another failing snippet
            f'<label>{e} <input name="f{i}" value="{e}"></label>'
            f'<input id="u{i}" placeholder="{e}">'
            f'<table><tr><td>{e}</td></tr></table>'
            f'</section>'
        )
    title = " | ".join(items)
    return _PAGE.format(title=html.escape(title), body="".join(parts)).encode("utf-8")


def _links(other: str) -> str:
    host = urlsplit(other).netloc
    hrefs = [f"{other}/ok/linked", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "mailto:mairie@example.org",
             "tel:+33100000000", "file:///etc/passwd", "data:text/html,<p>x</p>", f"ftp://{host}/x",
             f"/\\{host}/ok/backslash", "/ok/inside"]
    return "<ul>" + "".join(f"<li><a href=\"{html.escape(h, quote=True)}\">lien {i}</a></li>"
                            for i, h in enumerate(hrefs)) + "</ul>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, faults: FaultServer):
        self.faults = faults
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no reverse DNS lookup (HTTPServer.server_bind does one)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up on purpose are the point of this server


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "FaultServer/1.0"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    @property
    def faults(self) -> FaultServer:
        return self.server.faults

    # --- helpers ------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)

    def _write(self, data: bytes) -> bool:
        """Write and count; False when the client went away."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return False
        self.faults._count(self._route, len(data))
        return True

    def _stream(self, total: int, block: bytes) -> None:
        # A small send buffer: what the server counts as sent is then close to what the client read (the
        # kernel would otherwise hold up to 4 MB more on its side of the connection).
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_SNDBUF)
        except OSError:
            pass
        sent = 0
        try:
            while sent < total and not self.faults.stopping.is_set():
                chunk = block[: total - sent]
                if not self._write(chunk):
                    return
                sent += len(chunk)
        finally:
            self.faults._largest(self._route, sent)

    def _sleep(self, seconds: float = HANG_SECONDS) -> None:
        self.faults.stopping.wait(seconds)
        self.close_connection = True

    def _reset(self) -> None:
        """Abort the TCP connection (RST, not FIN): the client sees 'connection reset'."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    # --- routes -------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:  # noqa: C901 - one branch per fault is the point
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        self._route = path
        self.faults._hit(path)
        if path == "/robots.txt":
            return self._robots()
        if path == "/sitemap.xml":
            return self._send(404, page("Page introuvable"))
        if path == "/sitemaps/entities.xml":
            return self._send(200, billion_laughs(), "application/xml")
        if path == "/sitemaps/bomb.xml.gz":
            return self._send(200, _bomb(fill=b"<!-- -->"), "application/gzip")
        if path == "/sitemaps/ok.xml":
            body = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                    f"<url><loc>{self.faults.url}/ok/sitemap</loc></url></urlset>").encode()
            return self._send(200, body, "application/xml")
        if path == "/pixel.png":
            return self._send(200, _PIXEL, "image/png")
        if path.startswith("/ok/"):
            name = path.removeprefix("/ok/")
            return self._send(200, page(f"Page saine {name}", self.faults.ok_body))
        if path.startswith("/status/"):
            code = int(path.removeprefix("/status/") or 500)
            headers = {"Retry-After": "1"} if code in (429, 503) else {}
            return self._send(code, page(f"Erreur {code}", "<p>Le serveur ne répond pas.</p>"), headers=headers)
        if path == "/reset":
            return self._reset()
        if path == "/empty":  # closes the connection without a byte
            self.close_connection = True
            return None
        if path == "/hang":  # headers and the start of the page, then nothing
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self._write(b"<!DOCTYPE html><html lang='fr'><head><title>Lente</title></head><body><p>D\xc3\xa9but")
            return self._sleep()
        if path == "/hang-headers":  # accepts the request, never answers
            return self._sleep()
        if path.startswith("/loop/"):
            other = "/loop/b" if path == "/loop/a" else "/loop/a"
            return self._send(302, b"", None, {"Location": other})
        if path.startswith("/redirect"):
            return self._redirect(path, query)
        if path == "/calendar":
            return self._calendar(query.get("month", ["2026-01"])[0])
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            head = b"<!DOCTYPE html><html lang='fr'><title>Immense</title><p>"
            self._write(head)
            return self._stream(HUGE_BYTES - len(head), b"bla " * 16384)
        if path == "/grows":  # small until the test sets FaultServer.grown, then 50 MB
            if not self.faults.grown:
                return self._send(200, page("Page qui grossira"))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            return self._stream(HUGE_BYTES, b"bla " * 16384)
        if path == "/huge-chunked":  # no Content-Length: the size is only known by reading it all
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self._write(b"<!DOCTYPE html><html lang='fr'><title>Immense sans longueur</title><p>")
            # comments, which Chromium parses fast (one ever-growing text node takes it minutes): the size
            # cap, not the page timeout, is what stops this page
            return self._stream(HUGE_BYTES, b"<!-- bla bla bla bla bla bla bla bla bla bla bla bla bla -->\n" * 1024)
        if path == "/gzip-bomb":
            return self._send(200, _bomb(), "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        if path == "/binary":
            return self._send(200, _binary(), "text/html")
        if path.startswith("/charset/"):
            return self._charset(path.removeprefix("/charset/"))
        if path == "/malformed":
            return self._send(200, _MALFORMED, "text/html; charset=utf-8")
        if path.startswith("/js/"):
            script = _SCRIPTS.get(path.removeprefix("/js/"))
            if script is not None:
                return self._send(200, page(f"Script {path}", f"<p>Script.</p><script>{script}</script>"))
        if path == "/meta-refresh":  # the declarative redirect (RGAA 13.1 checks read it)
            body = page("Redirection", "<p>Cette page a déménagé.</p>").replace(
                b"<title>", b"<meta http-equiv='refresh' content='0; url=/ok/refreshed'><title>")
            return self._send(200, body)
        if path == "/big-dom":
            cells = "".join(f"<li><a href='#i{i}'>Élément {i}</a></li>" for i in range(BIG_DOM_ELEMENTS // 2))
            return self._send(200, page("Dix mille éléments", f"<ul>{cells}</ul>"))
        if path == "/links":  # links of every kind; ?other=ORIGIN names a second origin (out of scope)
            return self._send(200, page("Liens en tous genres", _links(query.get("other", [""])[0])))
        if path == "/sitemaps/list.xml":  # ?loc=URL (repeated): a urlset of those URLs
            locs = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in query.get("loc", []))
            body = f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"
            return self._send(200, body.encode(), "application/xml")
        if path == "/payloads":
            return self._send(200, payload_page())
        if path == "/secret-form":
            return self._send(200, page("Saisie d'un code", _SECRET_FORM))
        if path == "/echo":  # a confirmation page repeating what was typed (it happens)
            items = "".join(f"<li>{html.escape(k)} : {html.escape(v[0])}</li>" for k, v in sorted(query.items()))
            return self._send(200, page("Confirmation", f"<ul>{items}</ul><a href='/ok/1?{parts.query}'>suite</a>"))
        if path == "/login":
            return self._send(200, page("Connexion", _LOGIN_FORM))
        if path == "/private":
            return self._send(200, page("Espace réservé"))
        return self._send(404, page("Page introuvable"))

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        self._route = parts.path
        self.faults._hit(parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 65536)).decode("utf-8", "replace")
        self.faults.posted.append((parts.path, body))
        self._send(303, b"", None, {"Location": "/ok/merci"})

    def _robots(self) -> None:
        mode = self.faults.robots
        if mode == "missing":
            return self._send(404, b"not found", "text/plain")
        if mode == "invalid":
            garbage = random.Random(3).randbytes(4096) + b"\nUser-agent: *\nDisallow /broken\n\x00\xff"
            return self._send(200, garbage, "text/plain")
        if mode == "huge":
            filler = b"# " + b"x" * 98 + b"\n"
            lines = b"User-agent: *\nDisallow: /private\n" + filler * 6000 + b"Disallow: /ok/after-cap\n"
            return self._send(200, lines, "text/plain")
        self._send(200, b"User-agent: *\nDisallow: /private\n", "text/plain")

    def _redirect(self, path: str, query: dict[str, list[str]]) -> None:
        """/redirect?to=URL: a 302 anywhere (out of scope, other schemes, private addresses)."""
        target = query.get("to", ["/ok/1"])[0]
        code = int(query.get("code", ["302"])[0])
        self._send(code, b"", None, {"Location": target})

    def _calendar(self, month: str) -> None:
        before, after = _month_shift(month, -1), _month_shift(month, 1)
        body = (f"<p>Agenda de {html.escape(month)}.</p><nav aria-label='Mois'>"
                f"<a href='/calendar?month={before}'>Mois précédent</a> "
                f"<a href='/calendar?month={after}'>Mois suivant</a> "
                f"<a href='/calendar?month={after}&amp;view=week'>Semaines</a></nav>")
        self._send(200, page(f"Agenda {month}", body))

    def _charset(self, name: str) -> None:
        text = "<!DOCTYPE html><html lang='fr'><title>Été à Bellerive</title><h1>Fête de l'été</h1><p>Café.</p>"
        if name == "wrong":  # declared UTF-8, is Latin-1
            return self._send(200, text.encode("latin-1"), "text/html; charset=utf-8")
        if name == "missing":  # no charset anywhere, Latin-1 bytes
            return self._send(200, text.encode("latin-1"), "text/html")
        if name == "unknown":
            return self._send(200, text.encode("utf-8"), "text/html; charset=x-no-such-charset")
        if name == "conflict":  # header Latin-1, meta UTF-8, bytes UTF-8 (the header wins in browsers)
            body = text.replace("<title>", "<meta charset='utf-8'><title>").encode("utf-8")
            return self._send(200, body, "text/html; charset=iso-8859-1")
        return self._send(404, page("Page introuvable"))


_BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{loc}&lol9;</loc></url></urlset>
"""


def billion_laughs(loc: str = "") -> bytes:
    """A sitemap whose one URL expands to 10^9 "lol" (entity expansion), under ``loc``."""
    return _BILLION_LAUGHS.replace("{loc}", loc).encode()

_MALFORMED = (
    b"<html lang=fr><head><title>Mal form\xc3\xa9e<title></head><body><div><p>Un <b>deux <i>trois</b> quatre</i>"
    b"<table><tr><td>cellule<div>dans</td></div></table><ul><li>un<li>deux</ul></ul></ul>"
    b"<a href='/ok/2'>lien <a href='/ok/3'>dans un lien</a></a><img src=/pixel.png alt=\"sans fin"
    b"<form><form><input name=x></form><select><option>1<option>2</select>\x00\x01"
    b"</body></html><p>apr\xc3\xa8s la fin</p><!-- commentaire jamais ferm\xc3\xa9 <p>cach\xc3\xa9"
)

_SCRIPTS = {
    "loop": "while (true) {}",  # the parser never finishes: no load event, main thread stuck
    "loop-late": "addEventListener('load', () => setTimeout(() => { while (true) {} }, 50));",
    "dialogs": ("alert('un'); confirm('deux ?'); prompt('trois ?');"
                "setInterval(() => alert('encore'), 100); onbeforeunload = e => { e.preventDefault(); "
                "return 'rester ?'; };"),
    "print": "print(); addEventListener('load', () => print());",
    # Grows the JS heap until V8 gives up and the renderer dies (tests bound it with --js-flags).
    "crash": ("addEventListener('load', () => setTimeout(() => { const hog = []; "
              "for (;;) hog.push(new Array(1e6).fill(hog.length)); }, 50));"),
    "popup": ("window.open('/ok/popup-1'); addEventListener('load', () => { window.open('/ok/popup-2', '_blank'); "
              "document.body.insertAdjacentHTML('beforeend', \"<a href='/ok/popup-3' target='_blank'>x</a>\"); "
              "document.querySelector('a[target]').click(); });"),
    "navigate": "addEventListener('load', () => setTimeout(() => { location.href = '/ok/landed'; }, 150));",
    "redirect": "location.replace('/ok/js-redirected');",  # the common "home page goes to /fr/" pattern
}

_LOGIN_FORM = (
    "<form method='post' action='/login'><label for='user'>Identifiant</label><input id='user' name='user'>"
    "<label for='pw'>Mot de passe</label><input id='pw' name='pw' type='password'>"
    "<button type='submit'>Se connecter</button></form>"
)

# Typed values are mirrored into attributes and visible text (as frameworks do), then sent by GET.
_SECRET_FORM = (
    "<form method='get' action='/echo'><label for='code'>Code d'accès</label>"
    "<input id='code' name='code' type='text' style='font-size:40px;width:900px'>"
    "<label for='pw'>Mot de passe</label><input id='pw' name='pw' type='password'>"
    "<p id='apercu' aria-live='polite'></p><button id='envoyer' type='submit'>Envoyer</button></form>"
    "<script>for (const f of document.querySelectorAll('input')) f.addEventListener('input', () => {"
    "f.setAttribute('value', f.value); document.getElementById('apercu').textContent = 'Saisi : ' + f.value; "
    "document.title = 'Code ' + f.value; });</script>"
)

# A 1x1 transparent PNG.
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082"
)


class FaultServer:
    """The fault routes on 127.0.0.1 and an ephemeral port, in daemon threads; a context manager."""

    def __init__(self, robots: str = "ok", ok_body: str = "<p>Contenu de la page.</p>"):
        if robots not in ("ok", "huge", "invalid", "missing"):
            raise ValueError(f"robots must be ok, huge, invalid or missing, not {robots!r}")
        self.robots = robots
        self.ok_body = ok_body
        self.stopping = threading.Event()
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # bytes sent on each route, all responses together
        self.largest: dict[str, int] = {}  # the most bytes one streamed response of a route got out
        self.posted: list[tuple[str, str]] = []
        self.grown = False  # /grows: a small page until set, then a 50 MB one
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash; kept after stop() so a test can still read it."""
        if self._url is None:
            raise RuntimeError("FaultServer is not started")
        return self._url

    def url_for(self, fault: str) -> str:
        return self.url + FAULTS[fault]

    def _hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def _count(self, path: str, size: int) -> None:
        with self._lock:
            self.sent[path] += size

    def _largest(self, path: str, size: int) -> None:
        with self._lock:
            self.largest[path] = max(self.largest.get(path, 0), size)

    def start(self) -> FaultServer:
        self.stopping.clear()
        self._httpd = _Server(("127.0.0.1", 0), self)
        self._url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"fault-server-{self._httpd.server_address[1]}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def gzip_bomb_ratio() -> float:
    """Compression ratio of the HTML gzip bomb (for docs/reliability.md)."""
    return BOMB_BYTES / len(_bomb())


if __name__ == "__main__":  # python tests/faults.py: serve until Ctrl-C, for poking with a browser
    with FaultServer() as server:
        print(json.dumps({name: server.url + path for name, path in FAULTS.items()}, indent=2))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def bounded_chromium(chromium: str, folder: Path, *flags: str) -> str:
    """A launcher script for ``chromium`` with a small JS heap (``--max-old-space-size=96`` MB), so a page
    that allocates without end kills its renderer after ~100 MB instead of eating the machine's memory.
    Extra ``flags`` are passed through (e.g. ``--host-resolver-rules=...``)."""
    script = folder / "chromium-bounded"
    extra = " ".join(f"'{flag}'" for flag in flags)
    # Chromium keeps the last --js-flags it is given: the audit's own (CHROMIUM_ARGS) get the bound added to them
    script.write_text("#!/bin/sh\n"
                      "bound=--max-old-space-size=96; js=\"$bound\"\n"
                      "for arg do shift; case \"$arg\" in --js-flags=*) js=\"${arg#--js-flags=} $bound\";; "
                      "*) set -- \"$@\" \"$arg\";; esac; done\n"
                      f"exec '{chromium}' \"--js-flags=$js\" {extra} \"$@\"\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)

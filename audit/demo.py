"""The embedded demo site: a fictional French town served locally, with seeded defects.

`DemoServer` serves `examples/ville-demo/` (stdlib only) on 127.0.0.1 and an ephemeral port by
default. Besides static files it implements what a real city site has and a static folder cannot:
clean URLs, a login form with a session cookie, a three-step démarche behind the login, a French
404 page, and absolute URLs in sitemap.xml / robots.txt (written with a ``{{BASE}}`` placeholder,
since the port is only known at run time).

    python -m audit.demo [--host 127.0.0.1] [--port 0]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import os
import re
import secrets
import socketserver
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

DEMO_ROOT: Path = Path(__file__).resolve().parents[1] / "examples" / "ville-demo"
DEMO_USER = "camille.martin"
DEFAULT_PASSWORD = "jardin-des-plantes-42"
SESSION_COOKIE = "bellerive_session"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}
# Files whose text is rewritten at serve time ({{BASE}} -> http://host:port).
TEMPLATED = {"sitemap.xml", "robots.txt"}
# Pages that need a session (relative to the root); others are public.
PROTECTED = {
    "espace-usager.html",
    "demarches/restauration-scolaire/etape-1.html",
    "demarches/restauration-scolaire/etape-2.html",
    "demarches/restauration-scolaire/etape-3.html",
}
LOGIN_PATHS = {"/connexion", "/connexion.html"}
STEP_PREFIX = "/demarches/restauration-scolaire/etape-"
# POST of a démarche step -> where it continues.
STEP_NEXT = {
    "1": "/demarches/restauration-scolaire/etape-2",
    "2": "/demarches/restauration-scolaire/etape-3",
    "3": "/espace-usager",
}
LOGIN_ERROR_MARKER = "<!-- erreur-connexion -->"
# Seeded defect (defects.yaml: connexion-erreur-non-associee): the message is neither tied to the
# fields nor announced.
LOGIN_ERROR_HTML = '<p class="erreur-texte">Identifiant ou mot de passe incorrect.</p>'
MAX_BODY = 64 * 1024
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def demo_password() -> str:
    """The demo account's password: $A11Y_DEMO_PASSWORD, else the documented default."""
    return os.environ.get("A11Y_DEMO_PASSWORD", DEFAULT_PASSWORD)


def _local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/x?y"), else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in target):
        return None
    return target


class QuietServer(ThreadingHTTPServer):
    """A threaded server for local sites (the demo, the benchmark's): a browser closing a connection it no longer
    needs (a tab closed, a tool timed out, a run stopping) is not an error of the server and prints nothing; anything
    else is printed as the standard library does."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Server(QuietServer):
    def __init__(self, address, demo: DemoServer):
        self.demo = demo
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind() calls socket.getfqdn(), a reverse DNS lookup that can stall
        # for seconds on machines without DNS; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = port


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "BelleriveDemo/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    # --- plumbing -------------------------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        if os.environ.get("A11Y_DEMO_LOG"):
            super().log_message(format, *args)

    @property
    def demo(self) -> DemoServer:
        return self.server.demo

    def _base_url(self) -> str:
        host = self.headers.get("Host", "")
        if host and _HOST_RE.match(host):
            return f"http://{host}"
        return self.demo.url

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        head_only: bool = False,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head_only and self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, status: int, location: str, headers: dict[str, str] | None = None) -> None:
        body = f'<!DOCTYPE html><html lang="fr"><title>Redirection</title><p><a href="{html.escape(location)}">Continuer</a></p></html>'
        self._send(
            status,
            body.encode(),
            "text/html; charset=utf-8",
            {"Location": location, "Cache-Control": "no-store", **(headers or {})},
        )

    def _not_found(self) -> None:
        page = self.demo.root / "404.html"
        try:
            body = page.read_bytes()
        except OSError:
            body = b'<!DOCTYPE html><html lang="fr"><title>Page introuvable</title><h1>Page introuvable</h1></html>'
        self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8")

    def _read_form(self) -> dict[str, str]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(min(max(length, 0), MAX_BODY)) if length > 0 else b""
        if length > MAX_BODY:  # drain nothing more; close the connection instead
            self.close_connection = True
        fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in fields.items()}

    def _session(self) -> str | None:
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        if morsel is None:
            return None
        return morsel.value if self.demo._has_session(morsel.value) else None

    # --- routing --------------------------------------------------------------------------

    def _resolve(self, path: str) -> tuple[Path | None, str | None]:
        """(file, redirect): the file a URL path maps to, or where to redirect, or (None, None)."""
        if "\x00" in path or "\\" in path:
            return None, None
        root = self.demo.root
        rel = path.lstrip("/")
        if any(part.startswith(".") or part.startswith("_") for part in rel.split("/") if part):
            return None, None  # no dotfiles, no "..", no private files
        candidates = []
        if rel == "" or path.endswith("/"):
            candidates.append(rel + "index.html")
        else:
            candidates.append(rel)
            if not Path(rel).suffix:
                candidates.append(rel + ".html")
        for candidate in candidates:
            target = (root / candidate).resolve()
            if not target.is_relative_to(root):
                return None, None
            if target.is_file() and target.suffix in CONTENT_TYPES:
                return target, None
        directory = (root / rel).resolve()
        if (
            rel
            and not path.endswith("/")
            and directory.is_relative_to(root)
            and (directory / "index.html").is_file()
        ):
            return None, path + "/"
        return None, None

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == "/deconnexion":
            self._logout()
            return
        if path in LOGIN_PATHS:
            self._login_page(parse_qs(parts.query).get("next", [""])[0])
            return
        target, redirect = self._resolve(path)
        if redirect:
            self._redirect(
                HTTPStatus.MOVED_PERMANENTLY, redirect + (f"?{parts.query}" if parts.query else "")
            )
            return
        if target is None:
            self._not_found()
            return
        rel = target.relative_to(self.demo.root).as_posix()
        if rel in PROTECTED and self._session() is None:
            self._redirect(HTTPStatus.FOUND, "/connexion?next=" + quote(path, safe="/"))
            return
        self._serve_file(target, rel, private=rel in PROTECTED)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path in LOGIN_PATHS:
            self._login(self._read_form(), parse_qs(parts.query).get("next", [""])[0])
        elif (
            path.startswith(STEP_PREFIX) and path.removeprefix(STEP_PREFIX).removesuffix(".html") in STEP_NEXT
        ):
            self._read_form()
            if self._session() is None:
                self._redirect(HTTPStatus.SEE_OTHER, "/connexion?next=" + quote(path, safe="/"))
                return
            step = path.removeprefix(STEP_PREFIX).removesuffix(".html")
            self._redirect(HTTPStatus.SEE_OTHER, STEP_NEXT[step])
        elif path == "/contact.html":
            self._read_form()
            self._redirect(HTTPStatus.SEE_OTHER, "/merci.html")
        else:
            self._read_form()
            target, _ = self._resolve(path)
            if target is None:
                self._not_found()
            else:
                self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", None, {"Allow": "GET, HEAD"})

    # --- static files ---------------------------------------------------------------------

    def _serve_file(self, target: Path, rel: str, private: bool = False) -> None:
        stat = target.stat()
        content_type = CONTENT_TYPES[target.suffix]
        headers = {
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "Cache-Control": "private, no-cache" if private else "no-cache",
        }
        if rel in TEMPLATED:
            body = target.read_text(encoding="utf-8").replace("{{BASE}}", self._base_url()).encode("utf-8")
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        else:
            body = None
            etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers["ETag"] = etag
        if self._not_modified(etag, stat.st_mtime):
            self._send(HTTPStatus.NOT_MODIFIED, headers=headers)
            return
        if body is None:
            body = target.read_bytes()
        self._send(HTTPStatus.OK, body, content_type, headers)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return int(mtime) <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
        return False

    # --- login ----------------------------------------------------------------------------

    def _login_html(self, next_path: str, error: bool) -> bytes:
        text = (self.demo.root / "connexion.html").read_text(encoding="utf-8")
        safe_next = _local_path(next_path) or ""
        text = text.replace(
            'name="next" value=""', f'name="next" value="{html.escape(safe_next, quote=True)}"', 1
        )
        if error:
            text = text.replace(LOGIN_ERROR_MARKER, LOGIN_ERROR_HTML, 1)
        return text.encode("utf-8")

    def _login_page(self, next_path: str) -> None:
        self._send(
            HTTPStatus.OK,
            self._login_html(next_path, error=False),
            "text/html; charset=utf-8",
            {"Cache-Control": "no-store"},
        )

    def _login(self, form: dict[str, str], query_next: str) -> None:
        next_path = form.get("next") or query_next
        user_ok = hmac.compare_digest(form.get("identifiant", "").strip().encode(), DEMO_USER.encode())
        password_ok = hmac.compare_digest(form.get("mot_de_passe", "").encode(), demo_password().encode())
        if not (user_ok and password_ok):
            self._send(
                HTTPStatus.OK,
                self._login_html(next_path, error=True),
                "text/html; charset=utf-8",
                {"Cache-Control": "no-store"},
            )
            return
        token = self.demo._new_session()
        cookie = f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
        self._redirect(
            HTTPStatus.SEE_OTHER, _local_path(next_path) or "/espace-usager", {"Set-Cookie": cookie}
        )

    def _logout(self) -> None:
        token = self._session()
        if token:
            self.demo._drop_session(token)
        cookie = f"{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        self._redirect(HTTPStatus.SEE_OTHER, "/", {"Set-Cookie": cookie})


class DemoServer:
    """The demo site on a local port, in a daemon thread; a context manager.

    >>> with DemoServer() as demo:
    ...     demo.url  # doctest: +SKIP
    'http://127.0.0.1:54321'
    """

    def __init__(self, root: Path = DEMO_ROOT, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._sessions: set[str] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. "http://127.0.0.1:54321"."""
        if self._httpd is None:
            raise RuntimeError("DemoServer is not started")
        host = self._httpd.server_address[0]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self._httpd.server_address[1]}"

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        if not (self.root / "index.html").is_file():
            raise FileNotFoundError(f"demo site not found: {self.root}/index.html is missing")
        self._httpd = _Server((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"demo-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None
        with self._lock:
            self._sessions.clear()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # sessions (in memory, per server)
    def _new_session(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions.add(token)
        return token

    def _has_session(self, token: str) -> bool:
        with self._lock:
            return token in self._sessions

    def _drop_session(self, token: str) -> None:
        with self._lock:
            self._sessions.discard(token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audit.demo", description="Serve the demo site (Ville de Bellerive-sur-Loire)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    args = parser.parse_args(argv)
    try:
        server = DemoServer(host=args.host, port=args.port).start()
    except OSError as exc:
        print(f"error: cannot serve the demo site on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    password = "the value of $A11Y_DEMO_PASSWORD" if "A11Y_DEMO_PASSWORD" in os.environ else DEFAULT_PASSWORD
    print(f"Demo site: {server.url}/", flush=True)
    print(f"Login: {DEMO_USER} / {password}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

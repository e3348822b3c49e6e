"""What stands in front of both pages, on loopback and beyond (#25): one pure ASGI middleware.

- **Host**: only the configured host names (a DNS-rebinding page names its own host: 400), on loopback too.
- **Cross-site requests**: a state-changing request (anything but GET/HEAD/OPTIONS) whose ``Origin`` — or, without
  one, ``Referer`` — is another site is refused (403) before any page code runs; a foreign preflight is refused; no
  ``Access-Control-Allow-*`` header ever goes to a foreign origin (Gradio's own CORS would echo any origin, with
  credentials). Clients that send neither header (scripts, ``gradio_client``) are not browsers acting for a victim.
- **The login cookie**: ``SameSite=Strict``, ``HttpOnly``, with a ``Max-Age``; a login older than that is no longer
  honoured on the server either (its cookie is dropped from the request).
- **Login guesses**: counted per client with a growing wait (:class:`advisor.access.LoginThrottle`); the password
  hash runs in a worker thread, never on the event loop.
- **Every response**: the Content-Security-Policy with ``frame-ancestors 'none'``, ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.
"""
from __future__ import annotations

import json
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from advisor.access import CSP, LoginThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
TOKEN_COOKIE = "access-token"
# what Gradio answers before the login on a page behind it (the page's API description, its session controls)
PRIVATE_BEFORE_LOGIN = ("/openapi.json", "/gradio_api/heartbeat", "/gradio_api/reset", "/gradio_api/cancel",
                        "/gradio_api/queue/", "/gradio_api/call/", "/gradio_api/upload", "/gradio_api/file")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]


def _host_name(host: str) -> str:
    """``example.com:7860`` → ``example.com``; ``[::1]:80`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_origin(source: str, host: str) -> bool:
    """Whether an ``Origin``/``Referer`` value names the very host (and port) the request was sent to.

    >>> same_origin("https://advisor.example", "advisor.example"), same_origin("http://127.0.0.1:7860/x", "127.0.0.1:7860")
    (True, True)
    >>> same_origin("https://evil.example", "advisor.example"), same_origin("null", "advisor.example")
    (False, False)
    """
    parts = urlsplit(source.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    default = {"http": "80", "https": "443"}[parts.scheme]
    netloc = parts.netloc.lower()
    want = host.strip().lower()
    return netloc == want or netloc == f"{want}:{default}" or f"{netloc}:{default}" == want


class Guard:
    """The middleware. ``allowed_hosts``: host names (no port) the app answers to; ``session_s``: how long a
    consultant login lasts; ``login``: the :class:`advisor.access.ConsultantLogin` given to the consultant page
    (None: no login anywhere); ``throttle``: the login-attempt counter (one per app)."""

    def __init__(self, app, allowed_hosts, session_s: int = 8 * 3600, login=None, throttle: LoginThrottle | None = None,
                 clock=time.monotonic, private_prefix: str = "", uploads: tuple[str, ...] | None = None,
                 language: str = "zh-CN") -> None:
        self.app, self.login = app, login
        self.allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
        self.session_s = session_s
        self.throttle = throttle or LoginThrottle(clock=clock)
        self.clock = clock
        self.issued: dict[str, float] = {}  # login token → when it was issued
        self.private_prefix = private_prefix  # the page behind the login ("/consultant"): nothing of it before login
        self.uploads = uploads  # the only upload routes (None: any page may receive uploads)
        self.language = language

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        source = headers.get("origin") or headers.get("referer") or ""
        foreign = bool(source) and not same_origin(source, headers.get("host", ""))
        scope = self._expire_logins(scope)
        refused = self._refusal(scope, headers, foreign)
        if refused:
            await _plain(send, *refused, websocket=scope["type"] == "websocket")
            return
        if scope.get("method") == "POST" and self.login is not None and scope["path"].rstrip("/").endswith("/login"):
            await self._login(scope, receive, send, foreign)
            return
        await self.app(scope, receive, self._sender(send, foreign))

    def _refusal(self, scope, headers: dict, foreign: bool) -> tuple[int, str] | None:
        """(status, reason) when the request is refused before any page code runs, else None."""
        if "*" not in self.allowed and _host_name(headers.get("host", "")) not in self.allowed:
            return 400, "Invalid host header"
        method, path = scope.get("method", "GET"), scope.get("path", "")
        if foreign and (method not in SAFE_METHODS or scope["type"] == "websocket"
                        or "access-control-request-method" in headers):
            return 403, "Cross-site request refused"
        if self.uploads is not None and path.rstrip("/").endswith("/gradio_api/upload") \
                and path.rstrip("/") not in self.uploads:
            return 403, "This page takes no uploads"
        if self.private_prefix and path.startswith(self.private_prefix + "/") and not self._logged_in(scope) \
                and any(part in path for part in PRIVATE_BEFORE_LOGIN):
            return 401, "Not authenticated"
        return None

    def _logged_in(self, scope) -> bool:
        cookies = b";".join(v for k, v in scope.get("headers", []) if k.lower() == b"cookie").decode("latin-1")
        return any(name.strip().startswith(TOKEN_COOKIE) and value.strip() in self.issued
                   for name, _, value in (c.partition("=") for c in cookies.split(";")))

    def _sender(self, send, foreign: bool):
        held: list = []  # an HTML page (its language set) or a server error (its traceback withheld) in the making

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", [])
                        if not (foreign and k.lower().startswith(b"access-control-"))
                        and k.lower() not in {name for name, _ in SECURITY_HEADERS}]
                kept = [(k, self._cookie(v) if k.lower() == b"set-cookie" else v) for k, v in kept]
                message = {**message, "headers": kept + SECURITY_HEADERS}
                if message["status"] >= 500 or (b"content-type", b"text/html; charset=utf-8") in kept:
                    held.append(message)
                    return
            elif message["type"] == "http.response.body" and held:
                if held[0]["status"] >= 500:
                    if not message.get("more_body"):
                        await _plain(send, held[0]["status"], "Internal error")
                    return
                held.append(message)
                if message.get("more_body"):
                    return
                await self._send_page(send, held)
                return
            await send(message)
        return sending

    async def _send_page(self, send, held: list) -> None:
        body = b"".join(m.get("body", b"") for m in held[1:])
        body = re.sub(rb'<html(\s+)lang="en"', b'<html\\1lang="' + self.language.encode() + b'"', body, count=1)
        headers = [(k, v) for k, v in held[0]["headers"] if k.lower() != b"content-length"]
        await send({**held[0], "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _cookie(self, value: bytes) -> bytes:
        """A login cookie made same-site only and given a lifetime; its token's issue time is remembered."""
        text = value.decode("latin-1")
        name, _, rest = text.partition("=")
        if not name.startswith(TOKEN_COOKIE):
            return value
        token = rest.split(";", 1)[0]
        if token and token != '""':
            self.issued[token] = self.clock()
        attrs = [a for a in text.split(";") if a.strip().lower().split("=")[0] not in ("samesite", "max-age")]
        deleting = "expires=thu, 01 jan 1970" in text.lower()
        extra = ["SameSite=Strict", "HttpOnly"] if deleting else ["SameSite=Strict", f"Max-Age={self.session_s}"]
        if "httponly" in text.lower():
            extra = [e for e in extra if e != "HttpOnly"]
        return "; ".join([a.strip() for a in attrs] + extra).encode("latin-1")

    def _expire_logins(self, scope):
        """Drop login cookies that are expired or were never issued by this server."""
        raw = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"cookie"]
        if not raw or TOKEN_COOKIE not in "".join(raw):
            return scope
        now = self.clock()
        self.issued = {t: at for t, at in self.issued.items() if now - at < self.session_s}
        jar = SimpleCookie()
        for line in raw:
            try:
                jar.load(line)
            except Exception:  # noqa: BLE001 - a malformed cookie header carries no login
                continue
        kept = "; ".join(f"{k}={m.value}" for k, m in jar.items()
                         if not k.startswith(TOKEN_COOKIE) or m.value in self.issued)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"cookie"]
        if kept:
            headers.append((b"cookie", kept.encode("latin-1")))
        return {**scope, "headers": headers}

    async def _login(self, scope, receive, send, foreign: bool) -> None:
        """A login attempt: refused while the client must wait; otherwise the password is checked in a worker thread
        and the verdict handed to the login route (which then does not hash again); the outcome is counted."""
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.begin(client)
        if wait > 0:
            await _plain(send, 429, f"Too many login attempts; try again in {int(wait) + 1} s",
                         [(b"retry-after", str(int(wait) + 1).encode())])
            return
        body = await _read_body(receive)
        form = parse_qs(body.decode("utf-8", "replace"))
        user, password = (form.get("username") or [""])[0].strip(), (form.get("password") or [""])[0]
        status: list[int] = []

        async def replay():
            return {"type": "http.request", "body": body, "more_body": False}

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await self._sender(send, foreign)(message)

        async with self.login.precheck(user, password):
            await self.app(scope, replay, sending)
        self.throttle.record(client, ok=bool(status) and status[0] == 200)


async def _read_body(receive, limit: int = 64 * 1024) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body") or len(body) > limit:
            return body[:limit]


async def _plain(send, status: int, text: str, extra: list | None = None, websocket: bool = False) -> None:
    if websocket:
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": text}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(extra or []), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(settings, host: str) -> list[str]:
    """The configured names, else the listening address and this machine's own names."""
    return list(settings.allowed_hosts) or [host, "localhost", "127.0.0.1", "::1"]


def serve(pages: dict, settings, host: str, port: int, auth=None) -> None:
    """Serve ``pages`` (path → Blocks; ``/consultant`` behind ``auth`` when given) behind the :class:`Guard`. A turn
    that hangs can be located: ``kill -USR1 <pid>`` prints every thread's stack on stderr."""
    import faulthandler
    import signal

    import gradio as gr
    import uvicorn
    from fastapi import FastAPI
    from starlette.middleware.cors import CORSMiddleware

    if hasattr(signal, "SIGUSR1"):  # not on Windows
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    server = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # a CORS policy of our own (no foreign origin at all) makes Gradio leave out its own, which echoes any origin
    server.add_middleware(CORSMiddleware, allow_origins=[])
    limit, files = settings.max_upload_bytes, [str(settings.data_dir / "files")]
    for path, page in sorted(pages.items(), key=lambda item: -len(item[0])):  # "/consultant" before ""
        if path:  # the link printed at start, without its slash
            server.add_api_route(path, _redirect(path + "/"), include_in_schema=False)
        server = gr.mount_gradio_app(server, page, path=path, auth=auth if path else None, auth_message="顾问登录",
                                     max_file_size=limit, show_error=False, allowed_paths=files)
    shared = auth is not None  # the owner page has no upload control: only the consultant page takes uploads
    app = Guard(server, allowed_hosts(settings, host), session_s=settings.consultant_session_hours * 3600, login=auth,
                private_prefix="/consultant" if shared else "",
                uploads=("/consultant/gradio_api/upload",) if shared else None)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _redirect(to: str):
    from fastapi.responses import RedirectResponse

    def redirect() -> RedirectResponse:
        return RedirectResponse(to)
    return redirect

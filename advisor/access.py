"""Who may do what. Served on loopback the app is single-user and shows everything. Served beyond loopback, owners
need no account (interview, their report, clause Q&A) and consultants log in (knowledge-base changes, status details);
the app refuses to start without consultant credentials. Passwords are stored only as PBKDF2 hashes
(``python -m advisor hash-password``); every knowledge-base change is appended to an audit log.

Example:
    >>> stored = hash_password("s3cret", salt="00ff")
    >>> stored.startswith("pbkdf2_sha256$"), verify_password("s3cret", stored), verify_password("guess", stored)
    (True, True, False)
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from pathlib import Path

ITERATIONS = 200_000


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hash_password(password, salt, int(iterations)).rsplit("$", 1)[1]
    return hmac.compare_digest(candidate, digest)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def consultant_login(settings):
    """The login check for the consultant page, or None when no consultant account is configured."""
    user, stored = settings.consultant_user.strip(), settings.consultant_password_hash.strip()
    if not user or not stored:
        return None
    return lambda username, password: hmac.compare_digest(username, user) and verify_password(password, stored)


def audit(data_dir: Path, who: str, action: str, doc_id: str, path: Path | None = None) -> None:
    """Append one knowledge-base change: when, who, what, which document, and the sha256 of its file."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.exists() else ""
    entry = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": who or "local", "action": action,
             "doc_id": doc_id, "sha256": digest}
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "audit.log", "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


# no remote resource of any kind: scripts and styles from this server only (Gradio's own need inline/eval)
CSP_SOURCES = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; "
               "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self'")
CSP = CSP_SOURCES + "; frame-ancestors 'self'"
# the same policy for the single-user page on loopback, where Gradio serves the page itself (a <meta> cannot carry
# frame-ancestors)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP_SOURCES}">'



def serve_shared(owner_page, consultant_page, settings, host: str, port: int) -> None:
    """Beyond loopback: owners at /, consultants at /consultant behind the login, a trusted-host check, and the
    Content-Security-Policy on every response. The owner page carries no knowledge-base endpoint at all."""
    import gradio as gr
    import uvicorn
    from fastapi import FastAPI
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    server = FastAPI()

    @server.middleware("http")
    async def content_security_policy(request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        return response

    server.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts or [host, "localhost", "127.0.0.1"])
    limit, files = settings.max_upload_bytes, [str(settings.data_dir / "files")]
    server = gr.mount_gradio_app(server, consultant_page, path="/consultant", auth=consultant_login(settings),
                                 auth_message="顾问登录", max_file_size=limit, show_error=False, allowed_paths=files)
    server = gr.mount_gradio_app(server, owner_page, path="", max_file_size=limit, show_error=False,
                                 allowed_paths=files)
    uvicorn.run(server, host=host, port=port, log_level="warning")

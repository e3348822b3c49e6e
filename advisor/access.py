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
import threading
import time
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.sessions import SessionStore

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


class ConsultantLogin:
    """The login check for the consultant page. The stored hash is always computed, whether or not the user name
    matches (a wrong name takes as long as a wrong password). The guard checks a login in a worker thread first
    (:meth:`precheck`) and the login route then reads that verdict instead of hashing on the event loop."""

    def __init__(self, user: str, stored: str) -> None:
        self.user, self.stored = user, stored

    def check(self, username: str, password: str) -> bool:
        right_user = hmac.compare_digest(username.encode("utf-8"), self.user.encode("utf-8"))
        right_password = verify_password(password, self.stored)
        return right_user & right_password

    def __call__(self, username: str, password: str) -> bool:
        verdict = _VERDICT.get()
        if verdict is not None and verdict[0] == (username, password):
            return verdict[1]
        return self.check(username, password)

    @asynccontextmanager
    async def precheck(self, username: str, password: str):
        from starlette.concurrency import run_in_threadpool
        verdict = await run_in_threadpool(self.check, username, password)
        token = _VERDICT.set(((username, password), verdict))
        try:
            yield verdict
        finally:
            _VERDICT.reset(token)


_VERDICT: ContextVar[tuple[tuple[str, str], bool] | None] = ContextVar("login_verdict", default=None)


def consultant_login(settings) -> ConsultantLogin | None:
    """The login check for the consultant page, or None when no consultant account is configured or its hash is not
    one ``hash-password`` writes (a malformed hash would refuse every login, silently)."""
    user, stored = settings.consultant_user.strip(), settings.consultant_password_hash.strip()
    if not user or not well_formed_hash(stored):
        return None
    return ConsultantLogin(user, stored)


def well_formed_hash(stored: str) -> bool:
    """Whether ``stored`` is a hash as ``hash-password`` writes it.

    >>> well_formed_hash(hash_password("x", salt="00ff", iterations=1000)), well_formed_hash("s3cret")
    (True, False)
    """
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2_sha256" or not parts[1].isdigit() or int(parts[1]) < 1000:
        return False
    try:
        return len(bytes.fromhex(parts[2])) >= 1 and len(bytes.fromhex(parts[3])) == 32
    except ValueError:
        return False


class LoginThrottle:
    """Login attempts per client: ``free`` attempts, then each further one only after a wait that doubles (from
    ``base_s`` up to ``cap_s``); a successful login clears the count. Attempts are counted when they start, so many
    parallel guesses do not all slip through.

    >>> now = [0.0]; t = LoginThrottle(free=2, base_s=10, clock=lambda: now[0])
    >>> [t.begin("a") for _ in range(3)]
    [0.0, 0.0, 10.0]
    >>> now[0] = 10.0; t.begin("a"), t.begin("a")
    (0.0, 20.0)
    >>> t.record("a", ok=True); t.begin("a")
    0.0
    """

    def __init__(self, free: int = 5, base_s: float = 2.0, cap_s: float = 900.0, clock=time.monotonic) -> None:
        self.free, self.base_s, self.cap_s, self.clock = free, base_s, cap_s, clock
        self.attempts: dict[str, tuple[int, float]] = {}  # client → (attempts, when the last began)

    def begin(self, client: str) -> float:
        """0.0 when this attempt may go ahead (it is counted), else the seconds the client must still wait."""
        now = self.clock()
        count, last = self.attempts.get(client, (0, now))
        wait = 0.0 if count < self.free else min(self.cap_s, self.base_s * 2 ** (count - self.free)) - (now - last)
        if wait > 0:
            return wait
        self.attempts[client] = (count + 1, now)
        if len(self.attempts) > 10_000:  # forget the oldest
            self.attempts = dict(sorted(self.attempts.items(), key=lambda kv: kv[1][1])[-5_000:])
        return 0.0

    def record(self, client: str, ok: bool) -> None:
        if ok:
            self.attempts.pop(client, None)


class RateQuota:
    """At most ``limit`` events per key within ``window_s`` (0: no limit).

    >>> now = [0.0]; q = RateQuota(2, 60, clock=lambda: now[0])
    >>> q.allow("a"), q.allow("a"), q.allow("a"), q.allow("b")
    (True, True, False, True)
    >>> now[0] = 61; q.allow("a")
    True
    """

    def __init__(self, limit: int, window_s: float, clock=time.monotonic) -> None:
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self.seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        with self._lock:
            now = self.clock()
            recent = [t for t in self.seen.get(key, []) if now - t < self.window_s]
            if len(recent) >= self.limit:
                self.seen[key] = recent
                return False
            self.seen[key] = [*recent, now]
            if len(self.seen) > 10_000:
                self.seen = {k: v for k, v in self.seen.items() if v and now - v[-1] < self.window_s}
            return True


def audit(data_dir: Path, who: str, action: str, doc_id: str, path: Path | None = None,
          store: SessionStore | None = None) -> None:
    """Append one knowledge-base change: when, who, what, which document, and the sha256 of its file. Given the
    service's store, the change goes into its ``audit`` table first, where every process serving that database sees
    it (the file is this machine's copy)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.exists() else ""
    entry = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": who or "local", "action": action,
             "doc_id": doc_id, "sha256": digest}
    if store is not None:
        store.audit(entry)
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "audit.log", "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


# no remote resource of any kind: scripts and styles from this server only (Gradio's own need inline/eval)
CSP_SOURCES = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; "
               "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self'")
CSP = CSP_SOURCES + "; frame-ancestors 'none'"  # no page may frame ours (clickjacking)



"""Interview sessions in one store with two engines: SQLite, a file under the data folder (the default), or
PostgreSQL (``ADVISOR_DATABASE_URL``) when several processes or machines serve owners. Both run the same SQLAlchemy
Core statements and the same named migrations. Every turn is written before the reply is shown, so a crash or restart
loses nothing acknowledged. The audit of knowledge-base changes is kept here too, where every process sees it.

Example:
    >>> import tempfile, pathlib
    >>> store = SessionStore(pathlib.Path(tempfile.mkdtemp()) / "s.db")
    >>> sid = store.create()
    >>> len(sid) >= 32
    True
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import (DDL, Column, Connection, Engine, Executable, Float, Integer, LargeBinary, MetaData, Table, Text,
                        column, create_engine, delete, event, func, insert, select, table, update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.pool import QueuePool
from sqlalchemy.schema import CreateTable

from advisor.diagnosis.interview import InterviewState

log = logging.getLogger(__name__)

# The schema's history, applied in order on either engine and recorded by name in ``migrations``. A released step is
# never edited: a change is a new step.
MIGRATIONS: list[tuple[str, Executable]] = [
    ("sessions", CreateTable(Table("sessions", MetaData(), Column("id", Text, primary_key=True),
                                   Column("created", Float, nullable=False), Column("updated", Float, nullable=False),
                                   Column("state", Text, nullable=False)))),
    # an enterprise a session belongs to (a name the user chose), to compare its diagnoses over time
    ("sessions.enterprise", DDL("ALTER TABLE sessions ADD COLUMN enterprise TEXT")),
    # knowledge-base changes (access.audit), seen by every process serving this database
    ("audit", CreateTable(Table("audit", MetaData(), Column("id", Integer, primary_key=True),
                                Column("when", Text, nullable=False), Column("who", Text, nullable=False),
                                Column("action", Text, nullable=False), Column("doc_id", Text, nullable=False),
                                Column("sha256", Text, nullable=False)))),
    # uploaded documents' bytes, so that every process serving this database mirrors the same knowledge base
    ("documents", CreateTable(Table("documents", MetaData(), Column("doc_id", Text, primary_key=True),
                                    Column("name", Text, nullable=False), Column("title", Text, nullable=False),
                                    Column("body", LargeBinary, nullable=False),
                                    Column("added", Float, nullable=False)))),
]
APPLIED = Table("migrations", MetaData(), Column("name", Text, primary_key=True),
                Column("applied", Float, nullable=False))
MIGRATION_LOCK = 240_001  # PostgreSQL advisory lock: processes starting on one database migrate one after the other
SESSIONS = table("sessions", *(column(name) for name in ("id", "created", "updated", "state", "enterprise")))
AUDIT = table("audit", *(column(name) for name in ("id", "when", "who", "action", "doc_id", "sha256")))
DOCUMENTS = table("documents", *(column(name) for name in ("doc_id", "name", "title", "body", "added")))
UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}  # INSERT … ON CONFLICT, the same on both


BUSY_TIMEOUT_S = 5  # a database another process holds: wait this long, then say so (not 30 s for every request)
FAILURES = (SQLAlchemyError, sqlite3.Error, OSError)  # sqlite3's own: the checkpoint after a delete runs on the driver


class StorageError(RuntimeError):
    """The session could not be written (read-only folder, full disk, database server down): nothing was
    acknowledged, nothing lost."""


class SessionStore:
    """Sessions in the SQLite file ``path``, or in the PostgreSQL database at ``url`` when one is given."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = path
        self._server = make_url(url).render_as_string(hide_password=True) if url else None
        self._engine = _postgresql_engine(url) if url else _sqlite_engine(path)
        with self._db():
            pass  # open (and migrate) now: a folder we cannot write is reported at start, not at the first turn

    @contextmanager
    def _db(self) -> Iterator[Connection]:
        """A connection for one operation, in one transaction committed at the end (SQLite: fsync on commit).

        A connection new to the pool first brings the schema up to date (so a data folder removed under a running app
        gets a new file with its tables). Any failure (read-only folder, full disk, server down) surfaces as
        StorageError and drops the connection, so the next operation starts on a fresh one."""
        try:
            with self._engine.connect() as db:
                try:
                    if not db.info.get("migrated"):
                        _migrate(db)
                        db.commit()
                        db.info["migrated"] = True
                    yield db
                    db.commit()
                except FAILURES:
                    db.invalidate()
                    raise
        except FAILURES as exc:
            cause = exc.orig if isinstance(exc, DBAPIError) else exc  # the driver's words, not SQLAlchemy's wrapping
            raise StorageError(_storage_message(self.path, cause, self._server)) from exc

    def close(self) -> None:
        self._engine.dispose()

    def create(self) -> str:
        session_id = secrets.token_urlsafe(24)  # unguessable (192 bits)
        while session_id.startswith("-"):  # "-abc…" would read as an option to `python -m advisor session export`
            session_id = secrets.token_urlsafe(24)
        self.save(session_id, InterviewState())
        return session_id

    def save(self, session_id: str, state: InterviewState) -> None:
        """One atomic write: either the whole turn is stored or none of it."""
        now, payload = time.time(), state.model_dump_json()
        with self._db() as db:
            upsert = UPSERT[db.dialect.name](SESSIONS).values(id=session_id, created=now, updated=now, state=payload)
            db.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={
                "updated": upsert.excluded.updated, "state": upsert.excluded.state}))

    def load(self, session_id: str) -> InterviewState | None:
        with self._db() as db:
            state = db.scalar(select(SESSIONS.c.state).where(SESSIONS.c.id == session_id))
        return InterviewState.model_validate_json(state) if state is not None else None

    def summary(self, session_id: str) -> "SessionSummary | None":
        """When the session began and was last written, and how many answers it holds (for a resume confirmation)."""
        with self._db() as db:
            row = db.execute(select(SESSIONS.c.created, SESSIONS.c.updated, SESSIONS.c.state)
                             .where(SESSIONS.c.id == session_id)).first()
        if row is None:
            return None
        state = InterviewState.model_validate_json(row.state)
        return SessionSummary(created=row.created, updated=row.updated, answers=sum(1 for t in state.turns if t.user))

    def set_enterprise(self, session_id: str, name: str) -> bool:
        with self._db() as db:
            return db.execute(update(SESSIONS).where(SESSIONS.c.id == session_id).values(enterprise=name)).rowcount > 0

    def enterprise_of(self, session_id: str) -> str | None:
        with self._db() as db:
            return db.scalar(select(SESSIONS.c.enterprise).where(SESSIONS.c.id == session_id))

    def sessions_of(self, name: str) -> list[tuple[str, float, float]]:
        """(session id, created, updated) of the enterprise's sessions, oldest first."""
        with self._db() as db:
            rows = db.execute(select(SESSIONS.c.id, SESSIONS.c.created, SESSIONS.c.updated)
                              .where(SESSIONS.c.enterprise == name).order_by(SESSIONS.c.created))
            return [tuple(row) for row in rows]

    def enterprises(self) -> list[tuple[str, int, float, float]]:
        """(name, sessions, first created, last updated) for every enterprise."""
        with self._db() as db:
            rows = db.execute(select(SESSIONS.c.enterprise, func.count(), func.min(SESSIONS.c.created),
                                     func.max(SESSIONS.c.updated)).where(SESSIONS.c.enterprise.is_not(None))
                              .group_by(SESSIONS.c.enterprise).order_by(SESSIONS.c.enterprise))
            return [tuple(row) for row in rows]

    def purge(self, older_than_days: int) -> int:
        """Delete sessions not updated for ``older_than_days`` days (the guide's 5.3.2.7: destroy what is no longer
        needed). Returns how many were deleted."""
        cutoff = time.time() - older_than_days * 86400
        try:
            with self._db() as db:
                return db.execute(delete(SESSIONS).where(SESSIONS.c.updated < cutoff)).rowcount
        except StorageError as exc:  # a read-only folder: reading still works, the purge waits for next time
            log.warning("could not purge old sessions: %s", exc)
            return 0

    def existing(self, session_ids: list[str]) -> set[str]:
        """Those of ``session_ids`` the store holds (asked a thousand at a time: PostgreSQL takes at most 65,535
        parameters a statement)."""
        with self._db() as db:
            return {found for at in range(0, len(session_ids), 1000) for found in db.scalars(
                select(SESSIONS.c.id).where(SESSIONS.c.id.in_(session_ids[at:at + 1000])))}

    def delete(self, session_id: str) -> bool:
        """Delete the session. In SQLite its pages are overwritten and the write-ahead log is emptied, so nothing of
        it stays on disk in this database; in PostgreSQL the row is gone at once and the server's vacuum reclaims its
        space (the server's backups and WAL archive are its operator's to keep or destroy)."""
        with self._db() as db:
            deleted = db.execute(delete(SESSIONS).where(SESSIONS.c.id == session_id)).rowcount > 0
            db.commit()
            if db.dialect.name == "sqlite":  # not inside a transaction (ours all BEGIN): on the driver's connection
                db.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return deleted

    def audit(self, entry: dict[str, str]) -> None:
        """Record one knowledge-base change (``access.audit``'s entry: when, who, action, doc_id, sha256)."""
        with self._db() as db:
            db.execute(insert(AUDIT).values(**entry))


    # --- uploaded documents, shared by every process (advisor.corpus.shared_documents) ----------------------------
    def put_document(self, doc_id: str, name: str, title: str, body: bytes) -> None:
        with self._db() as db:
            db.execute(delete(DOCUMENTS).where(DOCUMENTS.c.doc_id == doc_id))
            db.execute(insert(DOCUMENTS).values(doc_id=doc_id, name=name, title=title, body=body, added=time.time()))

    def drop_document(self, doc_id: str) -> None:
        with self._db() as db:
            db.execute(delete(DOCUMENTS).where(DOCUMENTS.c.doc_id == doc_id))

    def documents(self, with_bodies: bool = True) -> list:
        """Rows of (doc_id, name, title[, body])."""
        columns = [DOCUMENTS.c.doc_id, DOCUMENTS.c.name, DOCUMENTS.c.title]
        columns += [DOCUMENTS.c.body] if with_bodies else []
        with self._db() as db:
            return list(db.execute(select(*columns).order_by(DOCUMENTS.c.doc_id)))

    def documents_marker(self) -> str:
        """Changes whenever a document is added or removed (a digest of the ids and when each was added)."""
        with self._db() as db:
            rows = db.execute(select(DOCUMENTS.c.doc_id, DOCUMENTS.c.added).order_by(DOCUMENTS.c.doc_id)).all()
        return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()


class SessionSummary(BaseModel):
    created: float  # epoch seconds
    updated: float
    answers: int


def _migrate(db: Connection) -> None:
    """Apply the steps of MIGRATIONS this database lacks, one process at a time: SQLite's transaction holds the write
    lock from its BEGIN IMMEDIATE, PostgreSQL's an advisory lock until it commits. A file written before migrations had
    names is adopted: its ``user_version`` N means the first N steps."""
    if db.dialect.name == "postgresql":
        db.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    db.execute(CreateTable(APPLIED, if_not_exists=True))
    recorded = set(db.scalars(select(APPLIED.c.name)))
    adopted = db.exec_driver_sql("PRAGMA user_version").scalar() if not recorded and db.dialect.name == "sqlite" else 0
    for number, (name, step) in enumerate(MIGRATIONS):
        if name in recorded:
            continue
        if number >= adopted:
            db.execute(step)
        db.execute(insert(APPLIED).values(name=name, applied=time.time()))


def _postgresql_engine(url: str) -> Engine:
    """A pool of connections through psycopg 3, whatever driver the URL names; each is checked before use, so a
    restarted server costs no failed turn."""
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), pool_pre_ping=True)


def _sqlite_engine(path: Path) -> Engine:
    """One connection, lent to one operation at a time (SQLite has one writer anyway). It is kept open: opening one
    per operation cost more than the write itself, and closing the last connection to a WAL database checkpoints it,
    so 20 sessions answering at once queued behind each other's checkpoints."""
    def connect() -> sqlite3.Connection:
        private_folder(path.parent)
        # isolation_level=None: the driver's own BEGIN (deferred, only before writes) is off; ours is below
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")  # deleted turns are overwritten, not left in free pages
            _switch_to_wal(db)
            for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if part.exists():
                    part.chmod(0o600)  # the owner's words: readable by this user only
        except BaseException:
            db.close()
            raise
        return db

    engine = create_engine(f"sqlite:///{path}", creator=connect, poolclass=QueuePool, pool_size=1, max_overflow=0)
    # every transaction takes the write lock at its start: two processes on one file (migrating, or writing after a
    # read) go one after the other instead of failing on a lock upgrade
    event.listen(engine, "begin", lambda db: db.exec_driver_sql("BEGIN IMMEDIATE"))
    event.listen(engine, "checkout", _still_our_file(path))
    return engine


def _switch_to_wal(db: sqlite3.Connection) -> None:
    """WAL, persistent in the file (a no-op once set). Processes opening a new file at once race for the exclusive lock
    the switch takes; where SQLite answers that race with "database is locked" at once (not after its busy timeout,
    as it does while another holds a shared lock), the switch is retried for as long as the timeout would wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _still_our_file(path: Path) -> Callable[..., None]:
    """A pool check: when the database file was deleted or replaced under an open connection (someone removed the data
    folder while the app runs), writing on would put acknowledged turns into a file nobody can open again, so the pool
    drops that connection and opens the file as it is now."""
    def check(dbapi_connection: sqlite3.Connection, record, proxy) -> None:
        try:
            stat = path.stat()
            file_id: tuple[int, int] | None = (stat.st_dev, stat.st_ino)
        except OSError:
            file_id = None
        if record.info.setdefault("file_id", file_id) != file_id:
            raise DisconnectionError(f"{path} was removed or replaced")
    return check


def private_folder(path: Path) -> Path:
    """A folder only this user can enter (created so; an existing one of ours tightened)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.chmod(0o700)
    except OSError:  # not ours to change (e.g. a shared mount): the files inside are still 0600
        pass
    return path


def _storage_message(path: Path, exc: Exception, server: str | None = None) -> str:
    """What went wrong with the session store, named by its cause (a damaged file is not a full disk)."""
    if server:
        return (f"无法访问会话数据库 {server}（{exc}）。请检查数据库服务器是否在运行、ADVISOR_DATABASE_URL 是否正确；"
                "本轮内容未保存，已保存的会话不受影响。")
    said = str(exc).lower()
    if "malformed" in said or "not a database" in said or "corrupt" in said:
        return (f"会话数据库 {path.name} 已损坏（{exc}）。请停止应用，把该文件移到别处备份后重启（会新建空的会话库），"
                "或从备份恢复；本轮内容未保存。")
    if "locked" in said or "busy" in said:
        return (f"会话数据库正被其他程序占用（{exc}），请稍后再试；若一直如此，请确认没有另一个进程在使用同一数据目录"
                f"（{path.parent}）。本轮内容未保存，已保存的会话不受影响。")
    if "readonly" in said or "read-only" in said or "permission" in said:
        return f"数据目录只读（{path.parent}）：{exc}。请检查数据目录是否可写；本轮内容未保存，已保存的会话不受影响。"
    return (f"无法写入会话数据（{path.parent}）：{exc}。请检查数据目录是否可写、磁盘是否已满；"
            "本轮内容未保存，已保存的会话不受影响。")


def forget_cached_copies(cache: Path, files: list[Path]) -> int:
    """Delete every file under ``cache`` with the same content as one of ``files`` (and its folder when emptied);
    returns how many. Gradio names a cached copy by a seeded hash of its content, so content is what finds it."""
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    wanted = {(p.stat().st_size, digest(p)) for p in files if p.is_file()}
    sizes = {size for size, _ in wanted}
    removed = 0
    for copy in list(cache.rglob("*")) if wanted and cache.is_dir() else []:
        try:
            if copy.is_file() and copy.stat().st_size in sizes and (copy.stat().st_size, digest(copy)) in wanted:
                copy.unlink()
                removed += 1
                if copy.parent != cache and not any(copy.parent.iterdir()):
                    copy.parent.rmdir()
        except OSError:  # gone meanwhile, or not ours
            continue
    return removed


_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


def well_formed(session_id: str | None) -> bool:
    """A malformed id never reaches the database (nor a file path)."""
    return bool(session_id and _SESSION_ID.match(session_id))


@dataclass
class SessionReadings:
    """One session's model readings still running, shared by every Interview of the session, and the session's one
    lock: it guards them, and a turn, a report or a Q&A change loads, changes and saves the session's state under it
    (two at once would each save over the other's change)."""
    futures: list[Future] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)


class TooManySessions(ValueError):
    """A client started more sessions than its quota allows (the message says what to do)."""


class SessionNotFound(KeyError):
    """No session with that id (or a malformed id): the caller starts a new one, never sees another's data."""

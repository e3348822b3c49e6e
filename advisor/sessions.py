"""Interview sessions in SQLite (schema migrations by ``user_version``); every turn is written before the reply
is shown, so a crash or restart loses nothing acknowledged.

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
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from advisor.diagnosis.interview import InterviewState

log = logging.getLogger(__name__)
MIGRATIONS = [
    "CREATE TABLE sessions (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, state TEXT NOT NULL)",
    # an enterprise a session belongs to (a name the user chose), to compare its diagnoses over time
    "ALTER TABLE sessions ADD COLUMN enterprise TEXT",
]


BUSY_TIMEOUT_S = 5  # a database another process holds: wait this long, then say so (not 30 s for every request)


class StorageError(RuntimeError):
    """The session could not be written (read-only folder, full disk): nothing was acknowledged, nothing lost."""


class SessionStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one connection, one operation at a time (SQLite has one writer anyway)
        self._connection: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None  # (device, inode) of the file the connection has open
        with self._db():
            pass  # open (and migrate) now: a folder we cannot write is reported at start, not at the first turn

    def _connect(self) -> sqlite3.Connection:
        private_folder(self.path.parent)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")  # deleted turns are overwritten, not left in free pages
            db.execute("PRAGMA journal_mode=WAL")  # persistent in the file; a no-op once set
            # BEGIN IMMEDIATE: two processes opening one folder at once migrate one after the other
            db.execute("BEGIN IMMEDIATE")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, statement in enumerate(MIGRATIONS[version:], start=version + 1):
                db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
            for part in (self.path, self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")):
                if part.exists():
                    part.chmod(0o600)  # the owner's words: readable by this user only
            stat = self.path.stat()
        except BaseException:
            db.close()
            raise
        self._file_id = (stat.st_dev, stat.st_ino)
        return db

    def _still_our_file(self) -> bool:
        """False when the database file was deleted or replaced under the open connection (someone removed the data
        folder while the app runs): writing on would put acknowledged turns into a file nobody can open again."""
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self._file_id

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The store's connection (autocommit, fsync on commit) for one operation, under the lock.

        The connection is kept open: opening one per operation cost more than the write itself, and closing the last
        connection to a WAL database checkpoints it, so 20 sessions answering at once queued behind each other's
        checkpoints. Any SQLite failure (read-only folder, full disk) surfaces as StorageError and drops the
        connection, so the next operation starts on a fresh one."""
        with self._lock:
            try:
                if self._connection is not None and not self._still_our_file():
                    self._close_connection()
                if self._connection is None:
                    self._connection = self._connect()
                yield self._connection
            except (sqlite3.Error, OSError) as exc:
                self._close_connection()
                raise StorageError(_storage_message(self.path, exc)) from exc

    def _close_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:  # already broken: nothing more to release
                pass
            self._connection = None

    def close(self) -> None:
        with self._lock:
            self._close_connection()

    def create(self) -> str:
        session_id = secrets.token_urlsafe(24)  # unguessable (192 bits)
        while session_id.startswith("-"):  # "-abc…" would read as an option to `python -m advisor session export`
            session_id = secrets.token_urlsafe(24)
        self.save(session_id, InterviewState())
        return session_id

    def save(self, session_id: str, state: InterviewState) -> None:
        """One atomic write (SQLite, WAL, synchronous=FULL): either the whole turn is on disk or none of it."""
        now, payload = time.time(), state.model_dump_json()
        with self._db() as db:
            db.execute("INSERT INTO sessions(id, created, updated, state) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(id) DO UPDATE SET updated=excluded.updated, state=excluded.state",
                       (session_id, now, now, payload))

    def load(self, session_id: str) -> InterviewState | None:
        with self._db() as db:
            row = db.execute("SELECT state FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return InterviewState.model_validate_json(row[0]) if row else None

    def summary(self, session_id: str) -> "SessionSummary | None":
        """When the session began and was last written, and how many answers it holds (for a resume confirmation)."""
        with self._db() as db:
            row = db.execute("SELECT created, updated, state FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if not row:
            return None
        state = InterviewState.model_validate_json(row[2])
        return SessionSummary(created=row[0], updated=row[1], answers=sum(1 for t in state.turns if t.user))

    def set_enterprise(self, session_id: str, name: str) -> bool:
        with self._db() as db:
            return db.execute("UPDATE sessions SET enterprise = ? WHERE id = ?", (name, session_id)).rowcount > 0

    def enterprise_of(self, session_id: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT enterprise FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row[0] if row else None

    def sessions_of(self, name: str) -> list[tuple[str, float, float]]:
        """(session id, created, updated) of the enterprise's sessions, oldest first."""
        with self._db() as db:
            return db.execute("SELECT id, created, updated FROM sessions WHERE enterprise = ? ORDER BY created",
                              (name,)).fetchall()

    def enterprises(self) -> list[tuple[str, int, float, float]]:
        """(name, sessions, first created, last updated) for every enterprise."""
        with self._db() as db:
            return db.execute("SELECT enterprise, COUNT(*), MIN(created), MAX(updated) FROM sessions WHERE enterprise "
                              "IS NOT NULL GROUP BY enterprise ORDER BY enterprise").fetchall()

    def purge(self, older_than_days: int) -> int:
        """Delete sessions not updated for ``older_than_days`` days (the guide's 5.3.2.7: destroy what is no longer
        needed). Returns how many were deleted."""
        cutoff = time.time() - older_than_days * 86400
        try:
            with self._db() as db:
                return db.execute("DELETE FROM sessions WHERE updated < ?", (cutoff,)).rowcount
        except StorageError as exc:  # a read-only folder: reading still works, the purge waits for next time
            log.warning("could not purge old sessions: %s", exc)
            return 0

    def delete(self, session_id: str) -> bool:
        """Delete the session; its pages are overwritten and the write-ahead log is emptied, so nothing of it stays
        on disk in this database."""
        with self._db() as db:
            deleted = db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return deleted


class SessionSummary(BaseModel):
    created: float  # epoch seconds
    updated: float
    answers: int


def private_folder(path: Path) -> Path:
    """A folder only this user can enter (created so; an existing one of ours tightened)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.chmod(0o700)
    except OSError:  # not ours to change (e.g. a shared mount): the files inside are still 0600
        pass
    return path


def _storage_message(path: Path, exc: Exception) -> str:
    """What went wrong with the session store, named by its cause (a damaged file is not a full disk)."""
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

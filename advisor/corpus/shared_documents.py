"""Uploaded documents shared by every process that serves one database: their bytes are kept in the session store
(SQLite or PostgreSQL, beside the sessions and the audit), and each process mirrors them into its own user folder.
A process that adds or removes a document publishes the change; every process sees the store's marker change
(checked at most every ``every_s`` seconds, when a search or the document list is about to be used), brings its
folder to the store (new files copied in, a replaced one rewritten, removed ones dropped) and reloads its corpus (the
BM25 side and the document list; the dense side is shared through Chroma's server, or brought up to date by the
refresh).

Documents a user folder held before its process first met the store stay that process's own (add them again through
the page to share them); only files the store held are ever dropped.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from advisor.corpus.knowledge_base import meta_path, read_meta, write_meta
from advisor.sessions import SessionStore, StorageError

log = logging.getLogger(__name__)


class SharedDocuments:
    def __init__(self, store: Callable[[], SessionStore], user_dir: Path, every_s: float = 2.0) -> None:
        self._store = store  # opened at first use: a database that is down never stops a search
        self.user_dir = user_dir
        self.every_s = every_s
        self._seen: str | None = None  # the store's marker the corpus follows
        self._known: set[str] = set()  # the file names the store held when the folder was last brought to it
        self._checked = 0.0
        self._lock = threading.Lock()

    def publish(self, doc_id: str, title: str, source: Path) -> None:
        """After this process added ``source`` to its user folder."""
        self._store().put_document(doc_id, source.name, title, source.read_bytes())
        self._known.add(source.name)  # a removal through another process removes it here too

    def withdraw(self, doc_id: str, source: Path) -> None:
        """After this process removed the document from its user folder."""
        self._store().drop_document(doc_id)
        self._known.discard(source.name)

    def pending(self) -> str | None:
        """The store's marker when it changed since the corpus last followed it (the folder is then brought to the
        store, and the caller reloads its corpus and calls :meth:`followed`); else None. Checked at most every
        ``every_s`` seconds; None too when the store or the folder cannot be read or written (logged)."""
        now = time.monotonic()
        if now - self._checked < self.every_s:
            return None
        with self._lock:
            self._checked = now
            try:
                store = self._store()
                marker = store.documents_marker()
                if marker == self._seen:
                    return None
                self._bring_folder(store)
                return marker
            except (StorageError, OSError, ValueError) as exc:
                log.warning("shared documents not followed: %s", exc)
                return None

    def followed(self, marker: str | None) -> None:
        if marker is not None:
            self._seen = marker

    def _bring_folder(self, store: SessionStore) -> None:
        rows = {row.name: row for row in store.documents(with_bodies=True)}
        self.user_dir.mkdir(parents=True, exist_ok=True)
        for meta in self.user_dir.glob("*.meta.json"):
            source = meta.with_name(meta.name.removesuffix(".meta.json"))
            if source.name in self._known and source.name not in rows:  # removed through another process
                source.unlink(missing_ok=True)
                meta_path(source).unlink(missing_ok=True)
        for name, row in rows.items():
            target = self.user_dir / Path(name).name  # one plain name inside the folder, whatever the row says
            if not target.exists() or read_meta(target).get("doc_id") != row.doc_id or \
                    target.read_bytes() != bytes(row.body):  # added, or replaced, through another process
                target.write_bytes(row.body)
                write_meta(target, row.doc_id, row.title)
        self._known = set(rows)

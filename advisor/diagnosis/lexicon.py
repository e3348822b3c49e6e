"""The extraction lexicon (``knowledge/lexicon/extraction.yaml``), validated on load, and the word tests the reader
uses: ASCII words match case-insensitively on word boundaries, Chinese words as substrings.

Example:
    >>> sector_of("运动鞋代工"), sector_of("bamboo kitchenware")
    ('纺织服装', '家具木制品')
    >>> find_word("We never bought the ERP modules", ["erp"])
    (20, 'erp')
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict

from advisor.config import knowledge_path

_REQUIRED = ("modality", "people", "money", "equipment", "systems", "booleans", "security", "trends", "industry",
             "pain_points", "severity_markers")


class _Shape(BaseModel):
    """The top level must hold every role the reader uses (a missing role is a clear error at start, not a KeyError
    in the middle of an interview)."""

    model_config = ConfigDict(extra="allow")
    modality: dict[str, list[str]]
    people: dict[str, list[str]]
    money: dict[str, list[str]]
    equipment: dict[str, list[str]]
    systems: dict
    booleans: dict[str, dict[str, list[str]]]
    security: dict[str, list[str]]
    trends: dict[str, list[str]]
    industry: dict
    pain_points: dict[str, list[str]]
    severity_markers: list[str]


@lru_cache(maxsize=1)
def extraction_lexicon() -> dict:
    raw = yaml.safe_load(knowledge_path("lexicon", "extraction.yaml").read_text("utf-8"))
    _Shape.model_validate(raw)
    return {k: raw[k] for k in raw}


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern:
    if word.isascii():
        return re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(word))


def find_word(text: str, words, start: int = 0) -> tuple[int, str] | None:
    """(position, word) of the earliest of ``words`` in ``text`` at or after ``start``, else None."""
    best: tuple[int, str] | None = None
    for word in words:
        m = _pattern(str(word)).search(text, start)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), str(word))
    return best


def find_all(text: str, words) -> list[tuple[int, int, str]]:
    """Every match of ``words``: (start, end, word), in order; a longer word wins where two overlap."""
    hits = []
    for word in sorted(map(str, words), key=len, reverse=True):
        for m in _pattern(word).finditer(text):
            if not any(a < m.end() and m.start() < b for a, b, _ in hits):
                hits.append((m.start(), m.end(), word))
    return sorted(hits)


def has_word(text: str, words) -> bool:
    return find_word(text, words) is not None


def sector_of(text: str) -> str | None:
    for sector, words in extraction_lexicon()["industry"]["sectors"].items():
        if has_word(text, words):
            return sector
    return None

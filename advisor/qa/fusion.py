"""Reciprocal-rank fusion, as one pure function: every retriever's ranking counts by 1/(k + rank), where a key's rank
in a list is the position of its first appearance (a clause reached through several of its records counts once,
at its best). Cormack, Clarke & Büttcher (2009); k = 60 is their default.

Example:
    >>> fused = reciprocal_rank_fusion({"bm25": ["a", "b", "a"], "dense": ["b", "c"]})
    >>> [(key, round(f.score, 4), f.ranks) for key, f in fused]
    [('b', 0.0325, {'bm25': 2, 'dense': 1}), ('a', 0.0164, {'bm25': 1}), ('c', 0.0161, {'dense': 2})]
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

RRF_K = 60


@dataclass
class Fused:
    score: float = 0.0
    ranks: dict[str, int] = field(default_factory=dict)  # retriever name → the key's rank in its list


def reciprocal_rank_fusion(rankings: dict[str, Sequence[Hashable]], k: int = RRF_K,
                           tie_break=lambda key: str(key),
                           weights: dict[str, float] | None = None) -> list[tuple[Hashable, Fused]]:
    """``rankings``: retriever name → keys in rank order. Returns (key, Fused) by descending score (scores rounded to
    6 places so that float noise never reorders equals; ties by ``tie_break``). ``weights``: a retriever's vote
    (default 1)."""
    fused: dict[Hashable, Fused] = {}
    for name, keys in rankings.items():
        for rank, key in enumerate(keys, start=1):
            entry = fused.setdefault(key, Fused())
            if name not in entry.ranks:
                entry.ranks[name] = rank
                entry.score += (weights or {}).get(name, 1.0) / (k + rank)
    for entry in fused.values():
        entry.score = round(entry.score, 6)
    return sorted(fused.items(), key=lambda item: (-item[1].score, tie_break(item[0])))
